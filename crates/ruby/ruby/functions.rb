# frozen_string_literal: false
# Functions written in Ruby: Puppet's 4.x API (Puppet::Functions.create_function with dispatch)
# and its 3.x API (Puppet::Parser::Functions.newfunction). The compiler owns the type system: a
# 4.x function's dispatches are described to it (parameter types as strings) and it picks the
# dispatch and checks the types; this side runs the chosen method. 3.x functions are methods of
# the environment's scopes and are found on the modulepath as Puppet's autoloader finds them.

module Puppet
  module Pops
    module Functions
      # One dispatch of a 4.x function, as the DSL declared it.
      Dispatch = Struct.new(:method_name, :types, :names, :min, :max, :block_type, :block_name, :block_optional,
                            :return_type, :injections, :weaving, :argument_mismatch) do
        def to_meta
          {
            'method' => method_name.to_s,
            'types' => types.map(&:to_s),
            'names' => names.map(&:to_s),
            'min' => min,
            'max' => max == :default ? nil : max,
            'block_type' => block_type&.to_s,
            'block_name' => block_name&.to_s,
            'block_optional' => block_optional ? true : false,
            'return_type' => return_type&.to_s,
            'injections' => injections.map(&:to_s),
            'argument_mismatch' => argument_mismatch ? true : false,
          }
        end

        # The arguments as the method receives them, with injected values woven in.
        def weave(scope, args)
          return args if injections.empty?

          out = []
          weaving.each do |knit|
            if knit.is_a?(Array)
              name = injections[knit[0]]
              raise ArgumentError, "Unknown injection #{name}" unless name == :scope

              out << scope
            elsif knit.negative?
              idx = -knit - 1
              out.concat(args[idx..]) if idx < args.size
            elsif knit < args.size
              out << args[knit]
            end
          end
          out
        end
      end

      # The dispatches of one function class.
      class Dispatcher
        attr_reader :dispatches

        def initialize
          @dispatches = []
        end

        def add(dispatch)
          @dispatches << dispatch
        end

        def empty?
          @dispatches.empty?
        end

        # Dispatches as Puppet's dispatcher does (for functions that override `call` and call
        # this themselves): the first signature the arguments fit, types checked by the compiler.
        def dispatch(instance, scope, args, &block)
          found = @dispatches.find do |d|
            next false if args.size < d.min || (d.max != :default && args.size > d.max)
            next false if d.block_type && !d.block_optional && block.nil?

            args.each_with_index.all? do |a, i|
              t = d.types[i] || d.types.last
              t.nil? || t.to_s == 'Any' || Puppet::Pops::Types::TypeCalculator.instance?(t.to_s, a)
            end
          end
          raise ArgumentError, "'#{instance.class.name}' expects arguments of other types or number" unless found

          instance.send(found.method_name, *found.weave(scope, args), &block)
        end
      end

      # The base of every 4.x function.
      class Function
        class << self
          def dispatcher
            @dispatcher ||= Dispatcher.new
          end

          attr_reader :func_name

          def name
            @func_name
          end

          def loader
            @loader
          end
        end

        attr_reader :loader

        def initialize(closure_scope = nil, loader = nil)
          @closure_scope = closure_scope
          @loader = loader
        end

        # The scope the function was defined in: top scope, for functions in modules.
        def closure_scope
          @closure_scope || Puppet::Parser::Scope.top
        end

        def call_function(function_name, *args, &block)
          Bunraku::Functions.call_puppet_function(closure_scope, function_name, args, &block)
        end

        def call(scope, *args, &block)
          Bunraku::Functions.invoke_any(self, scope, args, &block)
        end

        def self.signatures
          dispatcher.dispatches
        end
      end
    end
  end

  module Functions
    def self.create_function(func_name, function_base = Function, &block)
      unless function_base.ancestors.include?(Puppet::Pops::Functions::Function)
        raise ArgumentError, "Functions must be based on Puppet::Pops::Functions::Function. Got #{function_base}"
      end

      func_name = func_name.to_s
      the_class = Class.new(function_base)
      the_class.instance_variable_set(:@func_name, func_name)
      begin
        the_class.class_eval(&block)
        if the_class.dispatcher.empty?
          simple_name = func_name.split('::')[-1]
          unless the_class.method_defined?(simple_name)
            raise ArgumentError, "Function Creation Error, cannot create a default dispatcher for function '#{func_name}', no method with this name found"
          end

          counts = Hash.new(0)
          names = the_class.instance_method(simple_name).parameters.map { |kind, n| counts[kind] += 1; n.to_s }
          min = counts[:req]
          max = counts[:rest].positive? ? :default : min + counts[:opt]
          the_class.dispatcher.add(Puppet::Pops::Functions::Dispatch.new(simple_name, ['Any'] * names.size, names, min,
                                                                          max, nil, nil, false, nil, [], [], false))
        end
      rescue StandardError => e
        raise ArgumentError, "Function Load Error for function '#{func_name}': #{e.message}"
      end
      the_class
    end

    # The 4.x function class with its declaration DSL.
    class Function < Puppet::Pops::Functions::Function
      def self.builder
        DispatcherBuilder.new(dispatcher)
      end

      def self.dispatch(meth_name, &block)
        builder.build(meth_name, false, &block)
      end

      def self.argument_mismatch(meth_name, &block)
        builder.build(meth_name, true, &block)
      end

      def self.local_types(&block)
        builder = LocalTypeAliasesBuilder.new
        builder.instance_eval(&block)
        @local_types = (@local_types || []) + builder.local_types
      end

      def self.local_type_declarations
        @local_types || []
      end
    end

    # A function that may ask for the calling scope (`scope_param`).
    class InternalFunction < Function
      def self.builder
        InternalDispatchBuilder.new(dispatcher)
      end

      def call_function_with_scope(scope, function_name, *args, &block)
        Bunraku::Functions.call_puppet_function(scope, function_name, args, &block)
      end
    end

    class PuppetFunction < Function; end

    # `dispatch :m do ... end`.
    class DispatcherBuilder
      def initialize(dispatcher)
        @dispatcher = dispatcher
      end

      def build(meth_name, argument_mismatch, &block)
        @types = []
        @names = []
        @weaving = []
        @injections = []
        @min = 0
        @max = 0
        @block_type = nil
        @block_name = nil
        @block_optional = false
        @return_type = nil
        instance_eval(&block)
        @dispatcher.add(Puppet::Pops::Functions::Dispatch.new(meth_name, @types, @names, @min, @max, @block_type,
                                                              @block_name, @block_optional, @return_type,
                                                              @injections, @weaving, argument_mismatch))
      end

      def param(type, name)
        internal_param(type, name)
        raise ArgumentError, 'A required parameter cannot be added after an optional parameter' if @min != @max

        @min += 1
        @max += 1
      end
      alias required_param param

      def optional_param(type, name)
        internal_param(type, name)
        @max += 1
      end

      def repeated_param(type, name)
        internal_param(type, name, true)
        @max = :default
      end
      alias optional_repeated_param repeated_param

      def required_repeated_param(type, name)
        internal_param(type, name, true)
        raise ArgumentError, 'A required repeated parameter cannot be added after an optional parameter' if @min != @max

        @min += 1
        @max = :default
      end

      def block_param(*type_and_name)
        case type_and_name.size
        when 0 then type, name = 'Callable', :block
        when 1 then type, name = 'Callable', type_and_name[0]
        when 2 then type, name = type_and_name
        else raise ArgumentError, "block_param accepts max 2 arguments (type, name), got #{type_and_name.size}."
        end
        raise ArgumentError, "Expected block_param name to be a Symbol, got #{name.class}" unless name.is_a?(Symbol)
        raise ArgumentError, 'Attempt to redefine block' unless @block_type.nil?

        @block_type = type.to_s
        @block_name = name
      end
      alias required_block_param block_param

      def optional_block_param(*type_and_name)
        block_param(*type_and_name)
        @block_optional = true
      end

      def return_type(type)
        unless type.is_a?(String) || type.is_a?(Puppet::Pops::Types::PAnyType)
          raise ArgumentError, "Argument to 'return_type' must be a String reference to a Puppet Data Type. Got #{type.class}"
        end

        @return_type = type.to_s
      end

      private

      def internal_param(type, name, repeat = false)
        raise ArgumentError, 'Parameters cannot be added after a block parameter' unless @block_type.nil?
        raise ArgumentError, 'Parameters cannot be added after a repeated parameter' if @max == :default
        raise ArgumentError, "Parameter name argument must be a Symbol. Got #{name.class}" if name.is_a?(String)
        unless type.is_a?(String) || type.is_a?(Puppet::Pops::Types::PAnyType)
          raise ArgumentError, "Parameter 'type' must be a String reference to a Puppet Data Type. Got #{type.class}"
        end

        @types << type.to_s
        @names << name
        @weaving << (repeat ? -@names.size : @names.size - 1)
      end
    end

    # The builder of InternalFunction, which may inject the calling scope.
    class InternalDispatchBuilder < DispatcherBuilder
      def scope_param
        @injections << :scope
        @weaving << [@injections.size - 1]
      end

      %i[script_compiler_param cache_param compiler_param pal_compiler_param].each do |m|
        define_method(m) { raise ArgumentError, "#{m} is not available in Bunraku" }
      end
    end

    # `local_types do type 'A = B' end`.
    class LocalTypeAliasesBuilder
      attr_reader :local_types

      def initialize
        @local_types = []
      end

      def type(assignment_string)
        unless assignment_string.to_s =~ /\A\s*[A-Z][\w:]*\s*=/
          raise ArgumentError, "Expected a type alias assignment on the form 'AliasType = T', got '#{assignment_string}'.\n" \
                               "Called from <#{caller(1, 1).first.sub(/:in.*$/, '')}>"
        end
        @local_types << assignment_string.to_s
      end
    end
  end

  module Parser
    # Puppet's 3.x function API.
    module Functions
      class << self
        def newfunction(name, options = {}, &block)
          name = name.intern
          environment = Bunraku::Functions.loading_environment || Bunraku.environment
          arity = options[:arity] || -1
          ftype = options[:type] || :statement
          raise Puppet::DevError, "Invalid statement type #{ftype.inspect}" unless %i[statement rvalue].include?(ftype)

          if environment.function3_info.key?(name) && !Bunraku::Functions.reloading?(name)
            Puppet.warning("Overwriting previous definition for function #{name}")
          end
          mod = environment.functions3_module
          real = "real_function_#{name}"
          mod.send(:define_method, real, &block)
          mod.send(:define_method, "function_#{name}") do |*args|
            unless args[0].is_a?(Array)
              raise ArgumentError, 'custom functions must be called with a single array that contains the arguments. For example, function_example([1]) instead of function_example(1)'
            end
            if arity >= 0 && args[0].size != arity
              raise ArgumentError, "#{name}(): Wrong number of arguments given (#{args[0].size} for #{arity})"
            elsif arity.negative? && args[0].size < (arity + 1).abs
              raise ArgumentError, "#{name}(): Wrong number of arguments given (#{args[0].size} for minimum #{(arity + 1).abs})"
            end

            r = Bunraku::Functions.convert_return(send(real, args[0]))
            ftype == :rvalue ? r : nil
          end
          info = { arity: arity, type: ftype, name: "function_#{name}" }
          info[:doc] = options[:doc] if options[:doc]
          environment.function3_info[name] = info
          info
        end

        # The scope method name of 3.x function `name` (loading it), or false.
        def function(name, environment = nil)
          environment ||= Bunraku.environment
          name = name.to_s
          return "function_#{name}" if environment.function3_info.key?(name.intern)
          return "function_#{name}" if Bunraku::Functions.autoload3(environment, name)

          false
        end

        def autoloader
          Bunraku::Functions::Autoloader.new
        end

        def rvalue?(name)
          info = Bunraku.environment.function3_info[name.intern]
          info && info[:type] == :rvalue
        end

        def arity(name)
          info = Bunraku.environment.function3_info[name.intern]
          info ? info[:arity] : -1
        end

        def reset(*); end

        def functiondocs(*)
          ''
        end
      end
    end
  end
end

module Bunraku
  # Loading and calling module functions.
  module Functions
    # Puppet's own 3.x functions: `scope.function_x` for these calls the compiler's.
    BUILTIN3 = %w[assert_type binary_file break contain create_resources defined dig digest each epp fail file
                  filter find_file fqdn_rand generate hiera hiera_array hiera_hash hiera_include include
                  inline_epp inline_template lest lookup map match md5 new next realize reduce regsubst require
                  return reverse_each scanf sha1 sha256 shellquote slice split sprintf step strftime tag tagged
                  template then type versioncmp with].freeze

    # The 4.x functions loaded, by file: [mtime, class, instance].
    @functions4 = {}

    class << self
      attr_reader :loading_environment

      def reloading?(name)
        @reloading == name
      end

      # Describes the 4.x function defined in `file` (loading it).
      def load4(file, name)
        function_class(file, name)
        klass = @functions4[file][1]
        {
          # A function that overrides `call` (stdlib's deprecated shims pass the scope as an
          # argument) is called through it; others are dispatched by the compiler.
          'custom_call' => klass.instance_method(:call).owner != Puppet::Pops::Functions::Function,
          'dispatches' => klass.dispatcher.dispatches.map(&:to_meta),
          'local_types' => klass.respond_to?(:local_type_declarations) ? klass.local_type_declarations : [],
        }
      end

      def function_class(file, name)
        mtime = File.mtime(file)
        cached = @functions4[file]
        return cached if cached && cached[0] == mtime

        code = File.read(file, encoding: 'UTF-8')
        unless code =~ /Puppet::Functions\.create_function/
          raise ArgumentError, "The code loaded from #{file} does not seem to be a Puppet 4x API function - no create_function call."
        end

        created = FunctionBinding.new.evaluate(code, file)
        unless created.is_a?(Class)
          raise ArgumentError, "The code loaded from #{file} did not produce a Function class when evaluated. Got '#{created.class}'"
        end
        unless created.name.to_s == name
          raise ArgumentError, "The code loaded from #{file} produced mis-matched name, expected '#{name}', got #{created.name}"
        end

        @functions4[file] = [mtime, created, created.new(nil, nil)]
      end

      # Runs dispatch `index` of the 4.x function in `file`.
      def call4(file, name, index, scope_id, args, block)
        _, klass, instance = function_class(file, name)
        scope = Bunraku.environment.scope(scope_id)
        proc = block&.to_proc
        return instance.call(scope, *args, &proc) if index.negative?

        dispatch = klass.dispatcher.dispatches.fetch(index)
        args = dispatch.weave(scope, args)
        catch_return { instance.send(dispatch.method_name, *args, &proc) }
      end

      def catch_return
        yield
      end

      # Describes the 3.x function in `file` (loading it into the environment).
      def load3(file, name)
        env = Bunraku.environment
        load_file3(env, file, name)
        info = env.function3_info[name.intern]
        raise ArgumentError, "#{file} did not define the function '#{name}'" unless info

        { 'arity' => info[:arity], 'type' => info[:type].to_s }
      end

      def load_file3(environment, file, name)
        mtime = File.mtime(file)
        return if environment.function3_files[file] == mtime && environment.function3_info.key?(name.intern)

        previous = @loading_environment
        @loading_environment = environment
        @reloading = environment.function3_files.key?(file) ? name.intern : nil
        begin
          Kernel.load(file)
        ensure
          @loading_environment = previous
          @reloading = nil
        end
        environment.function3_files[file] = mtime
      end

      # Calls a 3.x function from Puppet code, with Puppet's 3.x argument conversion.
      def call3(file, name, scope_id, args)
        env = Bunraku.environment
        load_file3(env, file, name)
        scope = env.scope(scope_id)
        scope.send("function_#{name}", args.map { |a| convert3(a, true) })
      end

      # Finds 3.x function `name` on the modulepath, as Puppet's autoloader does (modules in
      # modulepath order, then Puppet's own).
      def autoload3(environment, name)
        return false unless name =~ /\A[a-z][a-z0-9_]*\z/

        file = environment.lib_dirs.map { |d| File.join(d, 'puppet/parser/functions', "#{name}.rb") }.find { |f| File.file?(f) }
        if file
          load_file3(environment, file, name)
          return environment.function3_info.key?(name.intern)
        end
        return false unless BUILTIN3.include?(name)

        fname = name
        if name == 'versioncmp'
          # Puppet's 3.x versioncmp, answered here (templates call it per line they render).
          environment.functions3_module.send(:define_method, 'function_versioncmp') do |args|
            raise ArgumentError, "versioncmp(): Wrong number of arguments given (#{args.size} for 2)" unless args.size == 2

            Puppet::Util::Package.versioncmp(args[0], args[1])
          end
        else
          environment.functions3_module.send(:define_method, "function_#{name}") do |args|
            Bunraku.callback('call_function', id, fname, args)
          end
        end
        environment.function3_info[name.intern] = { arity: -1, type: :rvalue, name: "function_#{name}" }
        true
      end

      # Puppet's Runtime3FunctionArgumentConverter: undef is '' at the top level and nil inside;
      # regexps become their inspect form, versions, binaries and times their strings, and
      # resource or class references Puppet::Resource.
      def convert3(v, top)
        case v
        when nil then top ? '' : nil
        when :undef then top ? '' : nil
        when Array then v.map { |x| convert3(x, false) }
        when Hash
          h = {}
          v.each { |k, x| h[convert3(k, false)] = convert3(x, false) }
          h
        when Regexp then v.inspect
        when SemanticPuppet::Version, SemanticPuppet::VersionRange, Puppet::Pops::Types::PBinaryType::Binary,
             Puppet::Pops::Time::Timespan
          v.to_s
        when Puppet::Pops::Types::PClassType
          Puppet::Resource.new('class', v.class_name)
        when Puppet::Pops::Types::PResourceType
          v.type_name.to_s =~ /\A(::)?[Cc]lass\z/ ? Puppet::Resource.new('class', v.title) : Puppet::Resource.new(v.type_name, v.title || '')
        else v
        end
      end

      def convert_return(v)
        case v
        when :undef then nil
        when Array then v.map { |x| convert_return(x) }
        when Hash
          h = {}
          v.each { |k, x| h[convert_return(k)] = convert_return(x) }
          h
        else v
        end
      end

      # `call_function` from Ruby: any function the compiler knows, called from `scope`.
      def call_puppet_function(scope, name, args, &block)
        block_arg = block.is_a?(Puppet::Pops::Evaluator::PuppetProc) ? block.closure : nil
        raise ArgumentError, 'a Ruby block cannot be passed to a Puppet function here' if block && block_arg.nil?

        Bunraku.callback('call_function', scope.id, name.to_s, args, block_arg)
      end

      def invoke_any(function, scope, args, &block)
        klass = function.class
        d = klass.dispatcher.dispatches.find { |x| args.size >= x.min && (x.max == :default || args.size <= x.max) }
        raise ArgumentError, "'#{klass.name}' expects a different number of arguments" unless d

        function.send(d.method_name, *d.weave(scope, args), &block)
      end
    end

    # The binding a 4.x function file is evaluated in (as Puppet's loader gives one, with the
    # loader in a local variable).
    class FunctionBinding
      def evaluate(code, file)
        loader_injected_arg = nil
        eval(code, binding, file, 1) # rubocop:disable Security/Eval
      ensure
        loader_injected_arg # keeps the local defined for `defined?` checks in the code
      end
    end

    # Puppet::Parser::Functions.autoloader.
    class Autoloader
      def load(name, environment = nil)
        Puppet::Parser::Functions.function(name, environment) ? true : false
      end

      def loaded?(name)
        Bunraku.environment.function3_info.key?(name.to_s.intern)
      end

      def loadall(*)
        true
      end

      def delegatee
        self
      end
    end
  end
end
