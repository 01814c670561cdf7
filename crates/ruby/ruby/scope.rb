# frozen_string_literal: false
# The compiler's scopes as Ruby code sees them (Puppet::Parser::Scope): each object stands for one
# scope of the running compile, by the handle the compiler gave it, and asks the compiler for
# variables, functions, resources and the catalog. 3.x functions are methods of the scope, as in
# Puppet: each environment's functions live in a module that its scopes include.

module Puppet
  module Parser
    class Scope
      attr_reader :id

      UNCAUGHT_THROW_EXCEPTION = UncaughtThrowError

      def self.top
        Bunraku.environment.scope(Bunraku.context['top_scope'] || 0)
      end

      def initialize(id)
        @id = id
      end

      # A variable's value. Puppet hands Ruby the very object a variable holds, and module code
      # relies on it (apache's templates put an item into a hash they stored with `setvar` and
      # read it back from another template), so a value once seen in this compile is kept and
      # handed out again (Puppet's variables never change once set).
      def lookupvar(name, _options = {})
        unless name.is_a?(String)
          raise Puppet::ParseError, "Scope variable name #{name.inspect} is a #{name.class}, not a string"
        end

        seen = Bunraku.variables
        # A qualified name means the same variable from every scope.
        key = name.include?('::') ? name.delete_prefix('::') : [@id, name]
        return seen[key] if seen.key?(key)

        value = Bunraku.callback('lookupvar', @id, name)
        seen[key] = value unless value.nil?
        value
      end

      def [](name, options = {})
        lookupvar(name, options)
      end

      def include?(name)
        !self[name].nil?
      end

      def exist?(name)
        Bunraku.callback('var_exists', @id, name.to_s)
      end

      def bound?(name)
        exist?(name)
      end

      def setvar(name, value, _options = {})
        Bunraku.callback('setvar', @id, name.to_s, value)
        Bunraku.variables[[@id, name.to_s]] = value
      end

      def []=(name, value, _ = nil)
        setvar(name, value)
      end

      def to_hash(_recursive = true, _include_undef = false)
        Bunraku.callback('scope_vars', @id, nil)
      end

      def call_function(name, args, &block)
        raise ArgumentError, 'a Ruby block cannot be passed to a Puppet function here' if block

        Bunraku.callback('call_function', @id, name.to_s, args)
      end

      def environment
        Bunraku.environment
      end

      def catalog
        Bunraku::Catalog.new(self)
      end

      def compiler
        Bunraku::Compiler.new(self)
      end

      def findresource(type, title = nil)
        type, title = Puppet::Resource.type_and_title(type, title)
        Bunraku::Catalog.resource_from(Bunraku.callback('find_resource', type, title))
      end

      def source
        info = Bunraku.callback('scope_source', @id)
        info && Puppet::Resource::Type.new(info)
      end

      def resource
        Bunraku::Catalog.resource_from(Bunraku.callback('scope_resource', @id))
      end

      def tags
        Bunraku.callback('scope_tags', @id)
      end

      def facts
        Bunraku::Facts.new(lookupvar('facts') || {})
      end

      def lookupdefaults(type)
        Bunraku.callback('resource_defaults', @id, type.to_s)
      end

      def parent
        nil
      end

      def find_global_scope
        Scope.top
      end

      def host
        lookupvar('trusted')&.dig('certname')
      end

      def is_topscope?
        @id == (Bunraku.context['top_scope'] || 0)
      end

      def is_nodescope?
        false
      end

      def method_missing(method, *args, &block)
        name = method.to_s
        if name.start_with?('function_') && Puppet::Parser::Functions.function(name[9..])
          return send(method, *args, &block)
        end

        super
      end

      def respond_to_missing?(method, include_private = false)
        name = method.to_s
        (name.start_with?('function_') && Puppet::Parser::Functions.function(name[9..])) || super
      end

      def to_s
        "Scope(#{@id})"
      end

      # Puppet::Parser::Scope.true?: Puppet 3's truth (empty string and :undef are false).
      def self.true?(value)
        case value
        when '', :undef, nil, false then false
        else true
        end
      end
    end
  end

  class Resource
    # What `scope.source` answers: the class or define being evaluated.
    class Type
      attr_reader :name, :type, :module_name

      def initialize(info)
        @name = info['name']
        @type = info['type'].to_s.to_sym
        @module_name = info['module_name']
      end

      def to_s
        @name
      end
    end
  end
end

module Puppet
  module Pops
    module Evaluator
      # Finding resource types and classes by name, for functions that take a reference as a
      # string: the answer is the capitalised name `findresource` takes.
      module Runtime3ResourceSupport
        %i[find_resource_type find_resource_type_or_class find_builtin_resource_type
           find_defined_resource_type].each do |m|
          define_singleton_method(m) { |_scope, name| Bunraku.callback('resource_type_name', name.to_s) }
        end

        def self.find_hostclass(_scope, name)
          Bunraku.callback('resource_type_name', "class #{name}")
        end
      end
    end
  end
end

module Bunraku
  # The running compile's catalog (`scope.catalog`).
  class Catalog
    def self.resource_from(info)
      return nil if info.nil?

      r = Puppet::Resource.new(info['type'], info['title'])
      (info['parameters'] || {}).each { |k, v| r[k] = v }
      r
    end

    def initialize(scope)
      @scope = scope
    end

    def resource(type, title = nil)
      @scope.findresource(type, title)
    end

    def resources
      Bunraku.callback('catalog_resources').map { |info| Catalog.resource_from(info) }
    end

    def resource_refs
      Bunraku.callback('catalog_resources').map { |info| "#{info['type']}[#{info['title']}]" }
    end

    def classes
      Bunraku.callback('catalog_classes')
    end

    def tags
      Bunraku.callback('catalog_tags')
    end
  end

  # The running compiler (`scope.compiler`).
  class Compiler
    def initialize(scope)
      @scope = scope
    end

    def catalog
      @scope.catalog
    end

    def environment
      Bunraku.environment
    end

    def topscope
      Puppet::Parser::Scope.top
    end

    def node_scope
      topscope
    end

    def findresource(type, title = nil)
      @scope.findresource(type, title)
    end
  end

  # `scope.facts`: the node's facts.
  class Facts
    attr_reader :values

    def initialize(values)
      @values = values
    end

    def [](name)
      @values[name.to_s]
    end

    def to_hash
      @values
    end
  end
end
