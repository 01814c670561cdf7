# frozen_string_literal: false
# Resource types written in Ruby (`lib/puppet/type/*.rb`), loaded for what the compiler needs to
# know of them: their parameters and properties, which are namevars (the uniqueness key), their
# title patterns, whether they are ensurable, and their features. Puppet::Type.newtype runs the
# module's definition against a recorder: blocks for validation, munging and autorequires are
# kept but never run here (the agent runs them, with its providers).

module Puppet
  # A parameter class (`newparam`).
  class Parameter
    class << self
      attr_accessor :name, :doc, :required_features
      attr_reader :value_collection

      def initvars
        @value_collection = []
      end

      def isnamevar
        @isnamevar = true
        @required = true
      end

      def isnamevar?
        @isnamevar ? true : false
      end

      def isrequired
        @required = true
      end

      def required?
        @required ? true : false
      end

      def desc(text)
        @doc = text
      end

      def newvalues(*names)
        (@value_collection ||= []).concat(names.flatten.map { |n| n.is_a?(Regexp) ? n : n.to_s })
      end

      def newvalue(name, _options = {}, &_block)
        newvalues(name)
      end

      def aliasvalue(_name, _other); end

      def defaultto(value = nil, &block)
        @default = block || value
      end

      def nodefault
        @default = nil
      end

      %i[validate munge unmunge].each do |m|
        define_method(m) { |&block| instance_variable_set(:"@#{m}", block) }
      end

      def proxymethods(*); end

      def accept_arrays(*); end

      def format_value_for_display(value)
        value.to_s
      end

      def method_missing(name, *args, &block)
        return nil if name.to_s.end_with?('=')

        super
      end

      def respond_to_missing?(*)
        true
      end
    end

    # Instances exist only when Ruby code builds them itself; keep them inert.
    def initialize(*); end

    # Puppet::Parameter::Boolean and friends.
    class Boolean < Parameter; end

    class Path < Parameter
      def self.accept_arrays(bool = true)
        @accept_arrays = bool
      end
    end

    class ValueCollection; end
  end

  # A property class (`newproperty`, `ensurable`).
  class Property < Parameter
    class << self
      attr_accessor :array_matching

      def newvalue(name, options = {}, &block)
        super
      end
    end

    # `ensure`, with present and absent.
    class Ensure < Property
      def self.defaultvalues
        newvalues(:present, :absent)
      end
    end

    class Boolean < Property; end
    class List < Property; end
    class OrderedList < List; end
    class KeyValue < Property; end
  end

  # Providers are the agent's: a module's provider files are not loaded by the compiler, but
  # the base class exists for type files that refer to it.
  class Provider
    class << self
      def method_missing(*)
        nil
      end

      def respond_to_missing?(*)
        true
      end
    end
  end

  # Puppet::Type and its DSL.
  class Type
    METAPARAMS = %w[alias audit before consume export loglevel noop notify require schedule stage subscribe tag].freeze

    @types = {}

    class << self
      attr_reader :doc

      def types
        Type.instance_variable_get(:@types)
      end

      # Defines a type, as a module's `lib/puppet/type/x.rb` does.
      def newtype(name, options = {}, &block)
        options = {} unless options.is_a?(Hash)
        parent = options[:parent] || Puppet::Type
        klass = Class.new(parent)
        klass.instance_variable_set(:@name, name.intern)
        klass.initvars
        Type.types[name.intern] = klass
        klass.class_eval(&block) if block
        klass.ensurable if !klass.validproperty?(:ensure) && klass.ensurable?
        klass
      end

      def name
        @name || super
      end

      def to_s
        @name ? "Puppet::Type::#{@name.to_s.capitalize}" : super
      end

      def initvars
        @parameters = []
        @properties = []
        @features = []
        @title_patterns_defined = false
      end

      # Another type, loading it from the modulepath when needed.
      def type(name)
        name = name.to_s.downcase.intern
        Type.types[name] || Bunraku::Types.autoload(name)
      end

      def metaparams
        METAPARAMS.map(&:intern)
      end

      def metaparam?(name)
        METAPARAMS.include?(name.to_s)
      end

      def desc(text)
        @doc = text
      end

      def parameter_classes
        @parameters ||= []
      end

      def property_classes
        @properties ||= []
      end

      def newparam(name, options = {}, &block)
        param = Class.new(options[:parent] || Puppet::Parameter)
        param.initvars
        param.name = name.intern
        param.class_eval(&block) if block
        param.isnamevar if options[:namevar]
        parameter_classes.delete_if { |p| p.name == param.name }
        parameter_classes << param
        param
      end

      def newproperty(name, options = {}, &block)
        prop = Class.new(options[:parent] || Puppet::Property)
        prop.initvars
        prop.name = name.intern
        prop.array_matching = options[:array_matching] if options[:array_matching]
        prop.class_eval(&block) if block
        property_classes.delete_if { |p| p.name == prop.name }
        property_classes << prop
        prop
      end

      def newmetaparam(name, options = {}, &block)
        newparam(name, options, &block)
      end

      def ensurable(&block)
        if block
          newproperty(:ensure, parent: Puppet::Property::Ensure, &block)
        else
          newproperty(:ensure, parent: Puppet::Property::Ensure) { defaultvalues }
        end
      end

      def ensurable?
        %i[exists? create destroy].all? { |m| public_method_defined?(m) }
      end

      def feature(name, _docs = '', _hash = {})
        (@features ||= []) << name.intern
      end

      def features
        @features || []
      end

      %i[autorequire autobefore autosubscribe autonotify validate newcheck apply_to_all apply_to_device
         apply_to_host apply_to_remote set_attr_alias].each do |m|
        define_method(m) { |*_args, &_block| nil }
      end

      def parameters
        parameter_classes.map(&:name)
      end

      def properties
        property_classes
      end

      def validproperty?(name)
        property_classes.any? { |p| p.name == name.intern }
      end

      def validparameter?(name)
        parameter_classes.any? { |p| p.name == name.intern }
      end

      def valid_parameter?(name)
        validattr?(name)
      end

      def validattr?(name)
        name = name.intern
        name == :name || validparameter?(name) || validproperty?(name) || metaparam?(name)
      end

      def key_attribute_parameters
        parameter_classes.select { |p| p.isnamevar? || p.name == :name }
      end

      def key_attributes
        key_attribute_parameters.map(&:name)
      end

      def title_patterns
        case key_attributes.length
        when 0 then []
        when 1 then [[/(.*)/m, [[key_attributes.first]]]]
        else raise Puppet::DevError, 'you must specify title patterns when there are two or more key attributes'
        end
      end

      def isomorphic?
        @isomorphic != false
      end

      def provide(*); end

      def providers
        []
      end

      def defaultprovider
        nil
      end

      def instances
        []
      end

      def method_missing(name, *args, &block)
        return super unless @name # only inside a type's definition

        Bunraku.log(:debug, "Resource type #{@name}: ignoring #{name} (not needed to compile)")
        nil
      end

      def respond_to_missing?(name, include_private = false)
        @name ? true : super
      end

      # Puppet's own types and their attribute classes, which module types build on
      # (`Puppet::Type::File::Owner` as a parent): stand-ins, since only the module type's own
      # declarations matter here.
      def const_missing(name)
        stub = if self == Puppet::Type
                 Class.new(Puppet::Type) { initvars }
               else
                 Class.new(Puppet::Property) { initvars }
               end
        const_set(name, stub)
      end
    end
  end

  class Parameter
    def self.const_missing(name)
      const_set(name, Class.new(self) { initvars })
    end
  end

  module Util
    # Puppet's utility modules that module code includes (`Puppet::Util::Checksums`): empty
    # stand-ins; what code calls from them is not needed to compile.
    def self.const_missing(name)
      const_set(name, Module.new)
    end
  end
end

module Bunraku
  # Loading resource types and describing them to the compiler.
  module Types
    class << self
      # Loads the type in `file` (Puppet's autoloader path `puppet/type/<name>.rb`).
      def load(file, name)
        name = name.intern
        Puppet::Type.types.delete(name)
        Kernel.load(file)
        klass = Puppet::Type.types[name]
        raise Puppet::Error, "#{file} did not define the resource type '#{name}'" unless klass

        describe(klass)
      end

      def autoload(name)
        file = Bunraku.environment.lib_dirs.map { |d| File.join(d, 'puppet/type', "#{name}.rb") }.find { |f| File.file?(f) }
        return nil unless file

        Kernel.load(file)
        Puppet::Type.types[name]
      end

      def describe(klass)
        patterns = klass.title_patterns.map do |regex, params|
          {
            'regex' => regex.source,
            'options' => regex.options,
            'params' => params.map { |p| p[0].to_s },
          }
        end
        provider_dirs = Bunraku.environment.lib_dirs.map { |d| File.join(d, 'puppet/provider', klass.name.to_s) }
        {
          'name' => klass.name.to_s,
          'parameters' => klass.parameter_classes.map { |p| p.name.to_s },
          'properties' => klass.property_classes.map { |p| p.name.to_s },
          'namevars' => klass.key_attributes.map(&:to_s),
          'title_patterns' => patterns,
          'features' => klass.features.map(&:to_s),
          'has_providers' => provider_dirs.any? { |d| !Dir.glob(File.join(d, '*.rb')).empty? },
          'isomorphic' => klass.isomorphic?,
        }
      end
    end
  end
end
