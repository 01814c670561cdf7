require 'json'
module MCollective
  module Facts
    # factsource = json ; plugin.json = /path/facts.json  (Ruby 3.1 safe: no YAML.safe_load)
    class Json_facts < Base
      def load_facts_from_source
        JSON.parse(File.read(Config.instance.pluginconf["json"]))
      end
    end
  end
end
