# frozen_string_literal: false
# The worker's operations (what the host may call) and its sessions: each compile tells the worker
# its environment (name, modulepath), and module code is found through that environment.

module Puppet
  class Node
    # The shim's additions to the environment: its modules' Ruby and its scopes.
    class Environment
      # The `lib` directories of the environment's modules, in Puppet's module order
      # (modulepath order, then module name).
      def lib_dirs
        @lib_dirs ||= @modulepath.flat_map do |dir|
          (Dir.children(dir).sort rescue []).map { |m| File.join(dir, m, 'lib') }.select { |d| File.directory?(d) }
        end
      end

      def functions3_module
        @functions3_module ||= ::Module.new
      end

      def function3_info
        @function3_info ||= {}
      end

      def function3_files
        @function3_files ||= {}
      end

      # The scope class of this environment: Puppet::Parser::Scope with its 3.x functions.
      def scope_class
        @scope_class ||= begin
          mod = functions3_module
          Class.new(Puppet::Parser::Scope) { include mod }
        end
      end

      def scope(id)
        scope_class.new(id)
      end
    end
  end
end

module Bunraku
  @context = {}
  @environments = {}

  class << self
    attr_reader :context, :environment, :variables, :top_variables

    def start_session(context)
      @context = context
      @variables = {}
      @top_variables = {}
      key = [context['environment'].to_s, context['modulepath'] || []]
      @environment = (@environments[key] ||= Puppet::Node::Environment.new(key[0], key[1]))
      # Module code requires its own files (`puppet_x/...`) by their paths under `lib`; after
      # Ruby's own directories, so that requiring the standard library does not first probe
      # every module.
      $LOAD_PATH.reject! { |d| @module_libs&.include?(d) }
      @module_libs = @environment.lib_dirs
      $LOAD_PATH.push(*@module_libs)
      true
    end

    def setting(name)
      name = name.to_s
      settings = @context['settings'] || {}
      return settings[name] if settings.key?(name)

      case name
      when 'environment' then @context['environment']
      when 'strict_variables' then false
      when 'strict' then :warning
      end
    end

    # A file Puppet's own library would provide (`puppet/...`) that a module ships itself.
    def module_feature(feature)
      feature = "#{feature}.rb" unless feature.end_with?('.rb')
      (@module_libs || []).map { |d| File.join(d, feature) }.find { |f| File.file?(f) }
    end
  end

  # The operations the host calls.
  module Ops
    class << self
      def session(context)
        Bunraku.start_session(context)
      end

      def ping(*args)
        args
      end

      # Loads what compiles need next, in a worker started ahead of its first call.
      def prepare
        require 'erb'
        true
      end

      def erb(file, source, scope_id, vars, known, top)
        Templates.render(file, source, scope_id, vars, known, top)
      end

      def fn4_load(file, name)
        Functions.load4(file, name)
      end

      def fn4_call(file, name, index, scope_id, args, block)
        Functions.call4(file, name, index, scope_id, args, block)
      end

      def fn3_load(file, name)
        Functions.load3(file, name)
      end

      def fn3_call(file, name, scope_id, args)
        Functions.call3(file, name, scope_id, args)
      end

      def type_load(file, name)
        Types.load(file, name)
      end

      # Resolves the custom facts of `files` as facter 4 does, over the host's core and external
      # facts (facter.rb, Bunraku::CustomFacts.resolve).
      def facts(files, core, external, options)
        Bunraku::CustomFacts.resolve(files, core, external, options)
      end

      # Runs Ruby code in the worker (the bridge's own tests: time limits, crashes).
      def eval_for_test(code)
        eval(code, TOPLEVEL_BINDING, '(test)', 1) # rubocop:disable Security/Eval
      end
    end
  end
end

# Puppet's own library is not loaded: the shim stands for it, and a module's file under a
# `puppet/` path (puppet/util/firewall.rb, puppet/provider/openstack.rb) is found in its `lib`.
module Kernel
  alias bunraku_require require

  PUPPET_FEATURES = %r{\A(puppet|facter|hiera|semantic_puppet|puppet_x/bunraku)(/|\z)}.freeze

  def require(name)
    feature = name.to_s
    if feature.match?(PUPPET_FEATURES)
      file = Bunraku.module_feature(feature)
      return file ? bunraku_require(file) : false
    end
    begin
      bunraku_require(name)
    rescue LoadError
      raise if defined?(::Gem::Specification)

      # Gems are not loaded up front (a worker starts in a few milliseconds without them);
      # a module that needs one gets them now, through rubygems' own `require`.
      bunraku_require('rubygems')
      require(name)
    end
  end
  private :require
end

# Gem::Version without loading rubygems (module code compares versions with it at load time).
module Gem
  autoload :Version, 'rubygems/version'
end

Bunraku.serve
