# Loaded with RUBYOPT=-r<this file>. MCollective 2.12.5 calls
#   YAML.safe_load(msg, [Symbol, Regexp])            (security/ssl.rb, security/aes_security.rb)
#   YAML.safe_load(text, [Symbol], [], true)         (facts/yaml_facts.rb)
# i.e. the Psych <= 3 positional signature. Ruby 3.1 ships Psych 4.0.3 whose
# safe_load only takes keywords, so both raise
#   ArgumentError: wrong number of arguments (given 2, expected 1)
# This shim maps the positional arguments onto the keywords, restoring the
# Psych 3 behaviour. It does not change YAML.dump, so wire bytes are unaffected.
require 'yaml'
module Psych
  class << self
    alias_method :__bunraku_safe_load_kw, :safe_load
    def safe_load(yaml, legacy_permitted_classes = nil, legacy_permitted_symbols = nil, legacy_aliases = nil, legacy_filename = nil, **kw)
      kw[:permitted_classes] = legacy_permitted_classes unless legacy_permitted_classes.nil?
      kw[:permitted_symbols] = legacy_permitted_symbols unless legacy_permitted_symbols.nil?
      kw[:aliases] = legacy_aliases unless legacy_aliases.nil?
      kw[:filename] = legacy_filename unless legacy_filename.nil?
      __bunraku_safe_load_kw(yaml, **kw)
    end
  end
end
