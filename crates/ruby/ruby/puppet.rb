# frozen_string_literal: false
# The parts of Puppet's Ruby API that module code calls outside functions, templates and types:
# errors, logging, settings, the current environment and its modules, resources, utilities.
# Written for Bunraku from Puppet's documented behaviour; whatever needs the compiler's state is
# a callback.

module Puppet
  # The Puppet whose catalogs Bunraku produces (module code compares versions with it).
  PUPPETVERSION = '7.23.0'

  # Where a Puppet error happened, appended to its message as Puppet does.
  module ExternalFileError
    attr_accessor :line, :file, :pos, :puppetstack

    def initialize(message = nil, file = nil, line = nil, pos = nil, original = nil)
      if pos.is_a?(Exception)
        original = pos
        pos = nil
      end
      super(message, original)
      @file = file unless file.is_a?(String) && file.empty?
      @line = line
      @pos = pos
    end

    def to_s
      msg = super
      where = []
      where << "file: #{@file}" if @file
      where << "line: #{@line}" if @line
      where << "column: #{@pos}" if @pos && @line
      where.empty? ? msg : "#{msg} (#{where.join(', ')})"
    end
  end

  class Error < RuntimeError
    attr_accessor :original

    def initialize(message = nil, original = nil)
      super(message.nil? ? nil : message.to_s.scrub)
      @original = original
    end
  end

  class ParseError < Error
    include ExternalFileError
  end

  class ResourceError < Error
    include ExternalFileError
  end

  class ParseErrorWithIssue < ParseError
    attr_reader :issue_code

    def initialize(message, file = nil, line = nil, pos = nil, original = nil, issue_code = nil)
      super(message, file, line, pos, original)
      @issue_code = issue_code
    end
  end

  class DevError < Error
    include ExternalFileError
  end

  class MissingCommand < Error; end
  class ExecutionFailure < Error; end
  class LockError < Error; end

  LEVELS = %i[debug info notice warning err alert emerg crit].freeze
  LEVELS.each do |level|
    define_singleton_method(level) { |message = nil, &block| Bunraku.log(level, message.nil? && block ? block.call : message) }
  end

  @warned = {}

  class << self
    def warn_once(kind, key, message, _file = nil, _line = nil, level = :warning)
      return if @warned[[kind, key]]

      @warned[[kind, key]] = true
      Bunraku.log(level, message)
    end

    def deprecation_warning(message, key = nil)
      warn_once(:deprecation, key || message, message)
    end

    def puppet_deprecation_warning(message, options = {})
      deprecation_warning(message, options[:key])
    end

    def version
      Bunraku.context['puppet_version'] || PUPPETVERSION
    end

    def settings
      Settings.new
    end

    def lookup(name, &default)
      case name.to_sym
      when :current_environment, :environment then Bunraku.environment
      when :global_scope then Bunraku::Scope.top
      when :environments then Bunraku::Environments.new
      else
        raise ArgumentError, "Unable to lookup #{name}" unless default

        default.call
      end
    end

    def override(*)
      yield
    end

    def features
      Features.new
    end

    def run_mode
      RunMode.new
    end

    def [](name)
      Bunraku.setting(name)
    end
  end

  # `Puppet.settings[:x]`.
  class Settings
    def [](name)
      Bunraku.setting(name)
    end

    def value(name, _env = nil)
      Bunraku.setting(name)
    end
  end

  # `Puppet.run_mode.server?`: this is the compiler.
  class RunMode
    def server?
      Bunraku.context['run_mode'] != 'agent'
    end

    def master?
      server?
    end

    def agent?
      !server?
    end

    def user?
      false
    end

    def name
      server? ? :server : :agent
    end
  end

  # `Puppet.features.x?`: what this system has.
  class Features
    def microsoft_windows?
      false
    end

    def posix?
      true
    end

    def root?
      Process.uid.zero?
    end

    def method_missing(name, *_args)
      return false if name.to_s.end_with?('?')

      super
    end

    def respond_to_missing?(name, include_private = false)
      name.to_s.end_with?('?') || super
    end
  end

  # A reference to a resource (`Puppet::Resource.new('file', '/x')`).
  class Resource
    attr_reader :type, :title, :parameters

    def self.type_and_title(type, title)
      if title.nil? && (m = /\A([^\[\]]+)\[(.+)\]\z/m.match(type.to_s))
        [m[1].split('::').map(&:capitalize).join('::'), m[2]]
      else
        [type.to_s.split('::').map(&:capitalize).join('::'), title]
      end
    end

    def initialize(type, title = nil, attributes = {})
      @type, @title = Resource.type_and_title(type, title)
      @type = 'Class' if @type.casecmp('class').zero?
      @title = @title.to_s.split('::').map(&:capitalize).join('::') if @type == 'Class' && @title
      @parameters = {}
      (attributes[:parameters] || {}).each { |k, v| @parameters[k.to_sym] = v }
    end

    def [](name)
      @parameters[name.to_sym]
    end

    def []=(name, value)
      @parameters[name.to_sym] = value
    end

    # The title's attribute (the type's namevar, asked of the compiler) under the parameters.
    def to_hash
      namevar = Bunraku.callback('resource_namevar', @type).to_sym
      { namevar => @title }.merge(@parameters)
    end

    def to_s
      "#{@type}[#{@title}]"
    end

    def inspect
      "#{self}#{to_hash.inspect}"
    end

    def ref
      to_s
    end

    def ==(other)
      other.is_a?(Resource) && other.to_s == to_s
    end

    def resource_type
      nil
    end
  end

  # A module on the environment's modulepath.
  class Module
    attr_reader :name, :path, :environment

    def self.find(name, environment = nil)
      # Module code passes an environment, or its name.
      environment = Bunraku.environment unless environment.is_a?(Puppet::Node::Environment)
      environment.module(name)
    end

    def initialize(name, path, environment)
      @name = name
      @path = path
      @environment = environment
    end

    def file_directory
      File.join(@path, 'files')
    end

    def templates
      File.join(@path, 'templates')
    end

    def plugin_directory
      File.join(@path, 'lib')
    end

    def metadata
      @metadata ||= begin
        require 'json'
        JSON.parse(File.read(File.join(@path, 'metadata.json')))
      rescue StandardError
        nil
      end
    end

    def version
      metadata && metadata['version']
    end

    def forge_name
      metadata && metadata['name']&.tr('-', '/')
    end

    def author
      metadata && metadata['author']
    end

    def template(name)
      f = File.join(templates, name)
      File.exist?(f) ? f : nil
    end

    def file(name)
      f = File.join(file_directory, name)
      File.exist?(f) ? f : nil
    end

    def to_s
      "Module #{@name}(#{@path})"
    end
  end

  class Node
    # `Puppet::Node::Environment`: the environment being compiled.
    class Environment
      attr_reader :name, :modulepath

      def initialize(name, modulepath)
        @name = name.to_sym
        @modulepath = modulepath
        @modules = {}
      end

      def module(name)
        name = name.to_s
        return @modules[name] if @modules.key?(name)

        dir = @modulepath.map { |d| File.join(d, name) }.find { |d| File.directory?(d) }
        @modules[name] = dir && Puppet::Module.new(name, dir, self)
      end

      def modules
        @modulepath.flat_map { |d| Dir.children(d).sort rescue [] }.uniq.map { |n| self.module(n) }.compact
      end

      def modules_by_path
        @modulepath.to_h { |d| [d, (Dir.children(d).sort rescue []).map { |n| self.module(n) }.compact] }
      end

      def full_modulepath
        @modulepath
      end

      def to_s
        @name.to_s
      end
    end
  end

  module Parser
    # Finding a module's templates and files by `module/path`.
    module Files
      def self.find_template(template, environment = nil)
        find_in(template, environment, :templates)
      end

      def self.find_file(file, environment = nil)
        find_in(file, environment, :file_directory)
      end

      def self.find_in(name, environment, dir)
        return name if name.start_with?('/') && File.exist?(name)

        mod_name, rest = name.split('/', 2)
        return nil if rest.nil?

        mod = (environment || Bunraku.environment).module(mod_name)
        return nil unless mod

        path = File.join(mod.public_send(dir), rest)
        File.exist?(path) ? path : nil
      end
    end
  end

  module FileSystem
    def self.exist?(path)
      File.exist?(path.to_s)
    end

    def self.file?(path)
      File.file?(path.to_s)
    end

    def self.directory?(path)
      File.directory?(path.to_s)
    end

    def self.read(path, opts = {})
      File.read(path.to_s, **opts)
    end

    def self.read_preserve_line_endings(path)
      File.open(path.to_s, 'rb:UTF-8', &:read)
    end

    def self.binread(path)
      File.binread(path.to_s)
    end

    def self.pathname(path)
      require 'pathname'
      Pathname.new(path)
    end
  end

  module Util
    # The output of a command, with its exit status (Puppet::Util::Execution::ProcessOutput).
    class ProcessOutput < String
      attr_reader :exitstatus

      def initialize(value, exitstatus)
        super(value)
        @exitstatus = exitstatus
      end
    end

    module Execution
      def self.execute(command, options = {})
        require 'open3'
        argv = command.is_a?(Array) ? command.map(&:to_s) : [command.to_s]
        out, status = Open3.capture2e(*argv)
        if options.fetch(:failonfail, true) && !status.success?
          raise Puppet::ExecutionFailure, "Execution of '#{argv.join(' ')}' returned #{status.exitstatus}: #{out.strip}"
        end

        ProcessOutput.new(options[:combine] == false ? out : out, status.exitstatus)
      end
    end

    # Puppet's version comparison, here rather than a callback: templates call it for every
    # plugin they render. Held to Puppet's own answers by lang's tests/versioncmp.rs (as is
    # the compiler's, in Rust).
    module Package
      TOKEN = /[-.]|\d+|[^-.\d]+/.freeze

      def self.versioncmp(a, b, ignore_trailing_zeroes = false)
        if ignore_trailing_zeroes
          a = without_trailing_zeroes(a)
          b = without_trailing_zeroes(b)
        end
        xs = a.scan(TOKEN)
        ys = b.scan(TOKEN)
        xs.zip(ys).each do |x, y|
          break if y.nil?
          next if x == y
          return -1 if x == '-'
          return 1 if y == '-'
          return -1 if x == '.'
          return 1 if y == '.'

          numbers = x.match?(/\A\d+\z/) && y.match?(/\A\d+\z/) && !x.start_with?('0') && !y.start_with?('0')
          return numbers ? x.to_i <=> y.to_i : x.upcase <=> y.upcase
        end
        a <=> b
      end

      # The release part (before the first '-') without its trailing zeroes and dots.
      def self.without_trailing_zeroes(version)
        parts = version.split('-')
        raise NoMethodError, "undefined method `sub!' for nil:NilClass" if parts.empty?

        parts[0] = parts[0].sub(/[.0]+\z/, '')
        parts.join('-')
      end

      def versioncmp(a, b, ignore_trailing_zeroes = false)
        Package.versioncmp(a, b, ignore_trailing_zeroes)
      end
    end

    module Json
      class ParseError < StandardError; end

      def self.load(string, options = {})
        require 'json'
        JSON.parse(string, options)
      rescue JSON::ParserError => e
        raise ParseError, e.message
      end

      def self.dump(object, options = {})
        require 'json'
        options.empty? ? JSON.generate(object) : JSON.pretty_generate(object)
      end
    end

    module Errors
      def self.error_location(file, line = nil, column = nil)
        where = []
        where << "file: #{file}" if file
        where << "line: #{line}" if line
        where << "column: #{column}" if column && line
        where.empty? ? '' : "(#{where.join(', ')})"
      end

      def self.error_location_with_space(file, line = nil, column = nil)
        s = error_location(file, line, column)
        s.empty? ? '' : " #{s}"
      end

      def fail(*args)
        raise Puppet::Error, args.join(' ')
      end

      def devfail(message)
        raise Puppet::DevError, message
      end
    end

    def self.absolute_path?(path, platform = :posix)
      return false unless path.is_a?(String)

      if platform == :windows
        %r{\A(?:[a-zA-Z]:[\\/]|[\\/]{2}[^\\/]+[\\/][^\\/]+|[\\/]{2}\?[\\/])}i.match?(path)
      else
        path.start_with?('/')
      end
    end

    def self.which(bin)
      return (File.executable?(bin) ? bin : nil) if bin.include?('/')

      ENV.fetch('PATH', '').split(File::PATH_SEPARATOR).each do |dir|
        f = File.join(dir, bin)
        return f if File.file?(f) && File.executable?(f)
      end
      nil
    end

    def self.execute(*args)
      Execution.execute(*args)
    end

    # Puppet's seeded random numbers (`fqdn_rand`): the first value of Ruby's Mersenne twister
    # seeded with the MD5 of the seed.
    def self.deterministic_rand(seed, max)
      deterministic_rand_int(seed, max).to_s
    end

    def self.deterministic_rand_int(seed, max)
      Random.new(seed).rand(max)
    end

    def self.symbolizehash(hash)
      hash.each_with_object({}) { |(k, v), h| h[k.respond_to?(:to_sym) ? k.to_sym : k] = v }
    end

    def self.logmethods(klass, _use_object_as_source = true)
      Puppet::LEVELS.each do |level|
        klass.send(:define_method, level) { |message| Bunraku.log(level, message) }
      end
    end

    def self.benchmark(*_args)
      yield
    end

    module Warnings
      def self.warnonce(message)
        Puppet.warn_once(:warnings, message, message)
      end

      def warnonce(message)
        Warnings.warnonce(message)
      end

      def self.clear_warnings; end
    end
  end

  module Pops
    module PuppetStack
      # The Puppet code frames (file, line) of the current call.
      def self.stacktrace
        Bunraku.callback('stacktrace')
      end

      def self.top_of_stack
        stacktrace.first || []
      end
    end

    module Serialization
      # Puppet's rich data, as `to_data` makes it from values JSON cannot hold.
      class ToDataConverter
        def self.convert(value, options = {})
          Bunraku.callback('to_data', value, options.transform_keys(&:to_s))
        end
      end
    end
  end

  # Puppet's gettext shim: messages are not translated.
  module GettextConfig
    def self.load_translations(*); end

    def self.create_default_text_domain; end
  end
end

module Bunraku
  # The environments Puppet.lookup(:environments) answers for.
  class Environments
    def get(name)
      Bunraku.environment if name.to_s == Bunraku.environment.name.to_s
    end

    def get!(name)
      get(name) || raise(ArgumentError, "Could not find environment '#{name}'")
    end
  end
end

# `_('message')`: Puppet's translation marker, the identity here.
module Kernel
  private

  def _(message)
    message
  end

  def n_(singular, plural, count)
    count == 1 ? singular : plural
  end
end
