# Regenerates core-types.json: what Puppet 7's own resource types (the ones in Puppet's library,
# not in modules) declare, for the compiler. Run with Debian's puppet-agent installed:
#   ruby crates/lang/src/types/core-types.rb > crates/lang/src/types/core-types.json
require 'puppet'
require 'json'

Puppet.initialize_settings(['--confdir', '/tmp/bunraku-core-types/conf', '--vardir', '/tmp/bunraku-core-types/var'])
core = Dir.glob(File.join(File.dirname(Puppet.method(:version).source_location[0]), 'type/*.rb')).map { |f| File.basename(f, '.rb') }.sort
types = core.map do |name|
  t = Puppet::Type.type(name.to_sym)
  patterns = begin
    t.title_patterns.map { |re, params| { 'regex' => re.source, 'options' => re.options, 'params' => params.map { |p| p[0].to_s } } }
  rescue Puppet::DevError
    []
  end
  {
    'name' => t.name.to_s,
    'parameters' => t.parameters.map(&:to_s),
    'properties' => t.validproperties.map(&:to_s),
    'namevars' => t.key_attributes.map(&:to_s),
    'title_patterns' => patterns,
    'features' => t.features.map(&:to_s).sort,
    'isomorphic' => t.isomorphic?,
  }
end
puts JSON.pretty_generate('puppet_version' => Puppet.version, 'metaparams' => Puppet::Type.metaparams.map(&:to_s), 'types' => types)
