# frozen_string_literal: false
# Custom facts (`lib/facter/*.rb`) as facter 4 resolves them, for the agent's fact resolution.
#
# The agent resolves the core facts natively (crates/facts) and hands them in; this file is the
# Ruby API custom facts are written against: `Facter.add` with its DSL (confine, setcode, weights,
# timeouts, aggregate resolutions), `Facter.value` between facts, `Facter::Core::Execution`, logging.
# The rules are facter 4's documented behaviour, checked against facter 4.3 on real module code
# (crates/facts/src/custom_tests.rs):
#
# * a fact's resolutions are tried by weight (explicit `has_weight`, else the number of confines),
#   the first that gives a value wins; an external fact (`facts.d`) counts as a resolution of
#   weight 10000 that goes first among equals;
# * a custom fact with the name of a core fact wins only when its winning resolution has a weight
#   above 0 (a bare `Facter.add(:kernel) { setcode { ... } }` does not replace the core `kernel`);
# * a resolution that raises is logged and ends that fact's search (lighter resolutions are not
#   tried), one that times out or gives a value facter cannot hold is logged and the next is tried;
# * a file that fails to load is logged and skipped; nothing stops the other facts.
#
# Loaded into every worker, so it only defines classes: nothing is required or resolved until a
# fact resolution (Bunraku::CustomFacts.resolve, the `facts` op) or module code asks.

module Facter
  # Raised by a resolution whose code failed, so its fact tries no lighter resolution.
  class ResolveCustomFactError < StandardError; end

  module Core
    # Running commands as fact code does: `LC_ALL=C`, stdout stripped, stderr only logged, the exit
    # status ignored; a command that is not found is `nil` (`exec`) or an error (`execute`).
    module Execution
      class ExecutionFailure < StandardError; end

      # Facter looks for commands in the sbin directories too, wherever PATH points.
      DEFAULT_SEARCH_PATHS = ['/sbin', '/usr/sbin'].freeze
      OPTIONS = %i[on_fail expand logger timeout time_limit limit].freeze
      # A command's default time limit (facter's).
      DEFAULT_TIMEOUT = 300

      module_function

      def search_paths
        ENV.fetch('PATH', '').split(File::PATH_SEPARATOR) + DEFAULT_SEARCH_PATHS
      end

      def absolute_path?(path, platform = nil)
        if platform == :windows
          !!(path.to_s =~ %r{\A(?:[a-z]:[\\/]|[\\/]{2}[^\\/])}i)
        else
          path.to_s.start_with?('/')
        end
      end

      def which(bin)
        bin = bin.to_s
        return (runnable?(bin) ? bin : nil) if absolute_path?(bin)

        search_paths.map { |dir| File.join(dir, bin) }.find { |candidate| runnable?(candidate) }
      end

      def runnable?(path)
        File.file?(path) && File.executable?(path)
      end

      # The command with its program found on the search path (quoted when the path has blanks),
      # or nil when there is no such program.
      def expand_command(command)
        command = command.to_s
        quoted = command.match(/\A"(.+?)"(?:\s+(.*))?/) || command.match(/\A'(.+?)'(?:\s+(.*))?/)
        program, args = quoted ? quoted.captures : command.split(/ /, 2)
        found = program && which(program)
        return nil unless found

        found = "'#{found}'" if found.match?(/\s/)
        args ? "#{found} #{args}" : found
      end

      def with_env(values)
        saved = {}
        values.each do |name, value|
          saved[name.to_s] = ENV[name.to_s]
          ENV[name.to_s] = value&.to_s
        end
        yield
      ensure
        saved&.each { |name, value| ENV[name] = value }
      end

      def exec(command)
        execute(command, on_fail: nil)
      end

      def execute(command, options = {})
        unknown = options.keys - OPTIONS
        unless unknown.empty?
          Facter.warn("Unexpected key passed to Facter::Core::Execution.execute option: #{unknown.join(',')} " \
                      '- valid keys: on_fail,expand,logger,timeout')
        end
        on_fail = options.fetch(:on_fail, :raise)
        limit = (options[:timeout] || options[:time_limit] || options[:limit]).to_i
        # `expand: false` is for shell builtins, which have no program to find.
        expanded = expand_command(command)
        expanded ||= command.to_s if options[:expand] == false || options[:logger]
        if expanded.nil?
          raise ExecutionFailure, "Could not execute '#{command}': command not found" if on_fail == :raise

          return on_fail
        end
        execute_command(expanded, on_fail, options[:logger], limit.positive? ? limit : nil)
      end

      def execute_command(command, on_fail = nil, _logger = nil, timeout = nil)
        Facter.debug("Executing command: #{command}")
        out, err = run(command.to_s, timeout || DEFAULT_TIMEOUT, on_fail)
        Facter.debug("Command #{command} completed with the following stderr message: #{err.strip}") unless err.strip.empty?
        out.strip
      rescue StandardError => e
        message = "Failed while executing '#{command}': #{e.message}"
        raise ExecutionFailure, message if on_fail == :raise

        Facter.debug(message)
        on_fail
      end

      # Runs a command (through the shell when it needs one) and reads both of its outputs until it
      # closes them or the time runs out. Its stdin is /dev/null: the worker's own stdin carries the
      # protocol.
      def run(command, timeout, on_fail)
        out_r, out_w = IO.pipe
        err_r, err_w = IO.pipe
        begin
          pid = Process.spawn({ 'LC_ALL' => 'C', 'LANG' => 'C' }, command, in: File::NULL, out: out_w, err: err_w)
        ensure
          out_w.close
          err_w.close
        end
        outputs = { out_r => String.new, err_r => String.new }
        open = outputs.keys
        deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + timeout
        until open.empty?
          left = deadline - Process.clock_gettime(Process::CLOCK_MONOTONIC)
          ready = left.positive? ? IO.select(open, nil, nil, left) : nil
          unless ready
            message = "Timeout encounter after #{timeout}s, killing process with pid: #{pid}"
            raise message if on_fail == :raise

            Facter.debug(message)
            break
          end
          ready[0].each do |io|
            chunk = io.read_nonblock(65_536, exception: false)
            if chunk.nil?
              open.delete(io)
            elsif chunk != :wait_readable
              outputs[io] << chunk
            end
          end
        end
        [outputs[out_r].force_encoding(Encoding::UTF_8), outputs[err_r].force_encoding(Encoding::UTF_8)]
      ensure
        out_r&.close
        err_r&.close
        reap(pid) if pid
      end

      # Waits for the command, killing it first if it is still running (timed out, or the call was
      # interrupted).
      def reap(pid)
        return if Process.wait(pid, Process::WNOHANG)

        Process.kill('KILL', pid)
        Process.wait(pid)
      rescue SystemCallError
        nil
      end
    end

    # What makes a resolution apply: its confines, and its weight among the fact's resolutions.
    module Suitable
      def has_weight(weight) # rubocop:disable Naming/PredicateName
        @weight = weight
        self
      end

      # `confine kernel: 'Linux'`, `confine kernel: %w[Linux FreeBSD]`, `confine kernel: ->(v) { ... }`,
      # `confine(:kernel) { |value| ... }`, `confine { ... }`.
      def confine(confines = nil, &block)
        case confines
        when Hash
          confines.each { |fact, values| @confines << Facter::Util::Confine.new(fact, *values) }
        else
          @confines << Facter::Util::Confine.new(confines, &block) if block
        end
      end

      def confines
        @confines
      end

      def weight
        @weight || @confines.length
      end

      def suitable?
        @confines.all?(&:true?)
      end
    end

    # How a resolution's value is computed: its time limit, the value normalised as facter keeps it,
    # errors logged with the fact and resolution they belong to.
    module Resolvable
      attr_accessor :timeout

      def limit
        @timeout.to_i
      end

      def on_flush(&block)
        @on_flush = block
      end

      def flush
        @on_flush&.call
      end

      def value
        result = if limit.positive?
                   require 'timeout'
                   Timeout.timeout(limit) { resolve_value }
                 else
                   resolve_value
                 end
        Facter::Util::Normalization.normalize(result)
      rescue Facter::Util::Normalization::NormalizationError => e
        Facter.log_exception(e, "Fact resolution #{qualified_name} resolved to an invalid value: #{e.message}")
        nil
      rescue StandardError, ScriptError, SystemExit, SystemStackError => e
        if defined?(::Timeout::Error) && e.is_a?(::Timeout::Error)
          Facter.log_exception(e, "Timed out after #{limit} seconds while resolving #{qualified_name}")
          return nil
        end
        Facter.log_exception(e, "Error while resolving custom fact #{qualified_name}: #{e.message}")
        raise Facter::ResolveCustomFactError
      end

      def qualified_name
        "fact='#{@fact.name}', resolution='#{@name || '<anonymous>'}'"
      end
    end

    # A fact resolved in chunks that are then combined: by the `aggregate` block, or merged deeply
    # (hashes into hashes, arrays concatenated).
    class Aggregate
      include Suitable
      include Resolvable

      class DependencyError < StandardError; end

      attr_reader :name, :fact, :fact_type

      def initialize(name, fact)
        @name = name
        @fact = fact
        @confines = []
        @chunks = {}
        @requires = {}
        @aggregate = nil
      end

      def resolution_type
        :aggregate
      end

      def options(options)
        %i[name timeout weight fact_type].each do |key|
          instance_variable_set("@#{key}", options.delete(key)) if options.key?(key)
        end
        raise ArgumentError, "Invalid aggregate options #{options.keys.inspect}" unless options.empty?
      end

      def evaluate(&block)
        instance_eval(&block)
      end

      def chunk(name, opts = {}, &block)
        raise ArgumentError, "#{self.class.name}#chunk requires a block" unless block
        raise ArgumentError, "#{self.class.name}#expected chunk name to be a Symbol" unless name.is_a?(Symbol)

        opts = opts.dup
        requires = Array(opts.delete(:require))
        raise ArgumentError, "Unexpected options passed to #{self.class.name}#chunk: #{opts.keys.inspect}" unless opts.empty?

        @requires[name] = requires
        @chunks[name] = block
        self
      end

      def aggregate(&block)
        raise ArgumentError, "#{self.class.name}#aggregate requires a block" unless block

        @aggregate = block
        self
      end

      def <=>(other)
        weight <=> other.weight
      end

      private

      def resolve_value
        results = {}
        chunk_order.each do |name|
          inputs = @requires[name].map { |dep| results[dep] }
          results[name] = Facter::Util::Values.deep_freeze(@chunks[name].call(*inputs))
        end
        return @aggregate.call(results) if @aggregate

        begin
          results.values.inject { |merged, part| Facter::Util::Values.deep_merge(merged, part) }
        rescue Facter::Util::Values::DeepMergeError => e
          raise ArgumentError, "Could not deep merge all chunks (Original error: #{e.message}), ensure that " \
                               'chunks return either an Array or Hash or override the aggregate block'
        end
      end

      # The chunks with each after those it requires, in definition order otherwise.
      def chunk_order
        missing = @requires.values.flatten.uniq - @chunks.keys
        raise DependencyError, "Cannot sort elements; cannot depend on missing elements #{missing}" unless missing.empty?

        order = []
        state = {}
        visit = lambda do |name, path|
          return if state[name] == :done
          raise DependencyError, "Could not order chunks; found the following dependency cycles: #{[path + [name]].inspect}" if state[name] == :active

          state[name] = :active
          @requires[name].each { |dep| visit.call(dep, path + [name]) }
          state[name] = :done
          order << name
        end
        @chunks.each_key { |name| visit.call(name, []) }
        order
      end
    end
  end

  module Util
    # One `confine`: a fact's value against the accepted values (compared as facter does,
    # case-insensitively for strings and symbols, with `===` so regexps, ranges and procs work), or
    # a block given the value, or a block alone.
    class Confine
      attr_accessor :fact, :values

      def initialize(fact = nil, *values, &block)
        raise ArgumentError, 'The fact name must be provided' unless fact || block
        raise ArgumentError, 'One or more values or a block must be provided' if values.empty? && !block

        @fact = fact
        @values = values
        @block = block
      end

      def true?
        return call_block if @block && !@fact

        found = Facter[@fact]
        return false unless found

        value = Values.convert(found.value)
        return false if value.nil?
        return call_block(value) if @block

        @values.any? { |accepted| Values.convert(accepted) === value } # rubocop:disable Style/CaseEquality
      end

      def to_s
        return @block.to_s if @block

        "'#{@fact}' '#{@values.join(',')}'"
      end

      private

      def call_block(*args)
        !!@block.call(*args)
      rescue StandardError => e
        Facter.debug("Confine raised #{e.class} #{e}")
        false
      end
    end

    # Value helpers fact code and aggregates use.
    module Values
      class DeepMergeError < StandardError; end
      class DeepFreezeError < StandardError; end

      module_function

      def convert(value)
        value = value.to_s if value.is_a?(Symbol)
        value.is_a?(String) ? value.downcase : value
      end

      def deep_freeze(value)
        case value
        when Numeric, Symbol, TrueClass, FalseClass, NilClass then value
        when String then value.dup.freeze
        when Array then value.map { |v| deep_freeze(v) }.freeze
        when Hash then value.each_with_object({}) { |(k, v), h| h[deep_freeze(k)] = deep_freeze(v) }.freeze
        else raise DeepFreezeError, "Cannot deep freeze #{value}:#{value.class}"
        end
      end

      def deep_merge(left, right, path = [])
        if left.is_a?(Hash) && right.is_a?(Hash)
          left.merge(right) { |key, l, r| deep_merge(l, r, path + [key]) }
        elsif left.is_a?(Array) && right.is_a?(Array)
          left + right
        elsif right.nil?
          left
        elsif left.nil?
          right
        else
          message = "Cannot merge #{left.inspect}:#{left.class} and #{right.inspect}:#{right.class}"
          message << " at root#{path.map { |p| "[#{p.inspect}]" }.join}" unless path.empty?
          raise DeepMergeError, message
        end
      end

      def flatten_structure(path, structure)
        case structure
        when Hash
          structure.each_with_object({}) do |(name, value), out|
            out.merge!(flatten_structure("#{path}_#{name}".gsub(%r{-|/}, '_'), value))
          end
        when Array
          structure.each_with_index.each_with_object({}) do |(value, i), out|
            out.merge!(flatten_structure("#{path}_#{i}", value))
          end
        else
          { path => structure }
        end
      end
    end

    # The values a fact may have: strings (valid UTF-8), numbers, booleans, nil, symbols, arrays
    # and hashes of those; times and dates become ISO 8601 strings.
    module Normalization
      class NormalizationError < StandardError; end

      module_function

      def normalize(value)
        case value
        when Integer, Float, TrueClass, FalseClass, NilClass, Symbol then value
        when String then normalize_string(value)
        when Array then value.map { |v| normalize(v) }
        when Hash then value.to_h { |k, v| [normalize(k), normalize(v)] }
        when Time
          require 'time'
          value.iso8601
        else
          if defined?(::Date) && value.is_a?(::Date)
            value.iso8601
          else
            raise NormalizationError,
                  "Expected #{value} to be one of [Integer, Float, TrueClass, FalseClass, NilClass, Symbol, " \
                  "String, Array, Hash, Date, Time], but was #{value.class}"
          end
        end
      end

      def normalize_string(value)
        converted = value.encode(Encoding::UTF_8)
        raise NormalizationError, "String #{value.inspect} doesn't match the reported encoding #{value.encoding}" unless converted.valid_encoding?

        converted
      rescue EncodingError
        raise NormalizationError, "String encoding #{value.encoding} is not UTF-8 and could not be converted to UTF-8"
      end
    end

    # One way of resolving a fact: confines, weight, and a value, a block or a command.
    class Resolution
      include Facter::Core::Suitable
      include Facter::Core::Resolvable

      attr_accessor :name, :code, :fact_type
      attr_writer :value
      attr_reader :fact, :last_evaluated, :file

      class << self
        def which(bin)
          Facter::Core::Execution.which(bin)
        end

        def exec(command)
          Facter::Core::Execution.exec(command)
        end

        def with_env(values, &block)
          Facter::Core::Execution.with_env(values, &block)
        end

        def search_paths
          Facter::Core::Execution.search_paths
        end

        def absolute_path?(path, platform = nil)
          Facter::Core::Execution.absolute_path?(path, platform)
        end

        def expand_command(command)
          Facter::Core::Execution.expand_command(command)
        end
      end

      def initialize(name, fact)
        @name = name
        @fact = fact
        @confines = []
        @value = nil
        @timeout = 0
        @weight = nil
      end

      def resolution_type
        :simple
      end

      def options(options)
        %i[name value timeout weight fact_type file is_env].each do |key|
          instance_variable_set("@#{key}", options.delete(key)) if options.key?(key)
        end
        raise ArgumentError, "Invalid resolution options #{options.keys.inspect}" unless options.empty?
      end

      def evaluate(&block)
        Facter.warn("Already evaluated #{@name} at #{@last_evaluated}, reevaluating anyways") if @last_evaluated
        instance_eval(&block)
        @last_evaluated = block.source_location&.join(':') || true
      end

      # `setcode 'command'` (its output, nil when empty or not found) or `setcode { ... }`.
      def setcode(command = nil, &block)
        if command
          @code = proc do
            out = Facter::Core::Execution.execute(command, on_fail: nil)
            out.nil? || out.empty? ? nil : out
          end
        elsif block
          @code = block
        else
          raise ArgumentError, 'You must pass either code or a block'
        end
        self
      end

      def <=>(other)
        return weight <=> other.weight unless weight == other.weight
        return -1 if fact_type == :custom && other.fact_type == :external
        return 1 if fact_type == :external && other.fact_type == :custom

        0
      end

      private

      def resolve_value
        return @value unless @value.nil?

        @code&.call
      end
    end

    # A fact: its resolutions, and the value the heaviest suitable one gives (see the top of this
    # file for how it competes with external and core facts of the same name).
    class Fact
      attr_reader :name, :location
      attr_accessor :options, :ldapname, :used_resolution_weight

      def initialize(name, options = {})
        @name = name.to_s.downcase.intern
        @options = options.dup
        @ldapname = @options.delete(:ldapname) || @name.to_s
        @resolves = []
        @searching = false
        @used_resolution_weight = 0
        @value = nil
        @source = nil
      end

      def add(options = {}, &block)
        options = options.dup
        @location = options[:file] || block&.source_location&.first
        define_resolution(nil, options, &block)
      end

      def define_resolution(resolution_name, options = {}, &block)
        options = options.dup
        type = options.delete(:type) || :simple
        resolve = resolution(resolution_name) || new_resolution(resolution_name, type)
        raise ArgumentError, "Cannot return resolution #{resolution_name} with type #{type}; already defined as #{resolve.resolution_type}" if resolve.resolution_type != type

        resolve.options(options) unless options.empty?
        resolve.evaluate(&block) if block
        resolve
      rescue StandardError => e
        Facter.log_exception(e, "Unable to add resolve #{resolution_name.inspect} for fact #{@name}: #{e.message}")
        nil
      end

      def resolution(name)
        return nil if name.nil?

        @resolves.find { |r| r.name == name }
      end

      def resolutions
        @resolves
      end

      def flush
        @resolves.each(&:flush)
        @value = nil
        @source = nil
      end

      def value
        return @value unless @value.nil?
        raise "Caught recursion on #{@name}" if @searching

        @searching = true
        begin
          @value, @source = resolve
        ensure
          @searching = false
        end
        @value
      end

      # Whether the value came from this fact's own code (rather than an external or core fact of
      # the same name): only then is it a custom fact's value.
      def custom_value?
        value
        @source == :custom
      end

      private

      def new_resolution(name, type)
        resolve = case type
                  when :simple then Resolution.new(name, self)
                  when :aggregate then Facter::Core::Aggregate.new(name, self)
                  else raise ArgumentError, "Expected resolution type to be one of (:simple, :aggregate) but was #{type}"
                  end
        @resolves << resolve
        resolve
      end

      def resolve
        candidates = @resolves.select(&:suitable?)
        external = Bunraku::CustomFacts.collection.external_resolution(@name)
        candidates << external if external
        index = 0
        ordered = candidates.sort_by { |r| [-r.weight, r.fact_type == :external ? 0 : 1, index += 1] }
        value = nil
        source = nil
        ordered.each do |r|
          begin
            v = r.value
          rescue Facter::ResolveCustomFactError
            break
          end
          @used_resolution_weight = r.weight
          next if v.nil?

          value = v
          source = r.fact_type == :external ? :external : :custom
          break
        end
        core = Bunraku::CustomFacts.collection.core_value(@name.to_s)
        return [core, core.nil? ? nil : :core] if value.nil?
        return [core, :core] if @used_resolution_weight <= 0 && !core.nil?

        [value, source]
      end
    end

    # Facter 2's platform checks, still used by module code.
    module Config
      module_function

      def windows?
        false
      end

      def mac?
        RUBY_PLATFORM.include?('darwin')
      end

      def is_windows? # rubocop:disable Naming/PredicateName
        windows?
      end

      def is_mac? # rubocop:disable Naming/PredicateName
        mac?
      end
    end

    # facter 4's file helpers: a missing or unreadable file is the default, not an error.
    module FileHelper
      module_function

      def safe_read(path, default = '')
        File.readable?(path) ? File.read(path, encoding: Encoding::UTF_8) : default
      rescue SystemCallError
        default
      end

      def safe_readlines(path, default = [], separator = $/, chomp: false)
        File.readable?(path) ? File.readlines(path, separator, chomp: chomp, encoding: Encoding::UTF_8) : default
      rescue SystemCallError
        default
      end
    end
  end

  # A fact's name and value as `Facter.fact` answers them.
  class ResolvedFact
    attr_reader :name, :value

    def initialize(name, value)
      @name = name
      @value = value
    end
  end

  class << self
    def add(name, options = {}, &block)
      Bunraku::CustomFacts.collection.add(name, options, &block)
    end

    def define_fact(name, options = {}, &block)
      Bunraku::CustomFacts.collection.define_fact(name, options, &block)
    end

    # Outside a fact resolution (module code run by the compiler), Facter answers for the machine
    # compiling, as Facter does inside a Puppet server: the compiler says (`facter_value`).
    def value(name)
      return Bunraku::CustomFacts.compiler_value(name) unless Bunraku::CustomFacts.resolving?

      Bunraku::CustomFacts.collection.value(name)
    end

    def fact(name)
      unless Bunraku::CustomFacts.resolving?
        found = value(name)
        return found.nil? ? nil : Facter::ResolvedFact.new(name.to_s.downcase, found)
      end
      Bunraku::CustomFacts.collection.resolved(name)
    end

    def [](name)
      fact(name)
    end

    def core_value(name)
      return value(name) unless Bunraku::CustomFacts.resolving?

      Bunraku::CustomFacts.collection.core_value(name.to_s)
    end

    def to_hash
      Bunraku::CustomFacts.collection.to_hash
    end

    def list
      to_hash.keys.sort
    end

    def each(&block)
      to_hash.each(&block)
      self
    end

    def collection
      Bunraku::CustomFacts.collection
    end

    def search(*dirs)
      Bunraku::CustomFacts.collection.search(*dirs)
      nil
    end

    def search_path
      Bunraku::CustomFacts.collection.search_path
    end

    def search_external(dirs)
      Bunraku::CustomFacts.collection.search_external(dirs)
      nil
    end

    def search_external_path
      Bunraku::CustomFacts.collection.search_external_path
    end

    def loadfacts
      Bunraku::CustomFacts.collection.load_all
      nil
    end

    # Cached values are forgotten; defined facts stay (the agent starts each resolution afresh).
    def flush
      Bunraku::CustomFacts.collection.flush
      nil
    end

    alias clear flush
    alias reset flush

    def version
      Bunraku::CustomFacts.collection.facter_version
    end

    def debugging?
      false
    end

    def debugging(_bool)
      false
    end

    def trace?
      false
    end

    def trace(_bool)
      false
    end

    def on_message(&_block)
      nil
    end

    def load_external(_enable)
      nil
    end

    def debug(message)
      Bunraku::CustomFacts.log(:debug, message)
    end

    def debugonce(message)
      Bunraku::CustomFacts.once(:debug, message)
    end

    def warn(message)
      Bunraku::CustomFacts.log(:warning, message)
    end

    def warnonce(message)
      Bunraku::CustomFacts.once(:warning, message)
    end

    def log_exception(exception, message = nil)
      text = message.nil? || message.to_s.empty? ? (exception.respond_to?(:message) ? exception.message : exception.to_s) : message.to_s
      Bunraku::CustomFacts.error(text)
    end

    # `Facter::VERSION`, which module code reads like `Facter.version`.
    def const_missing(name)
      name == :VERSION ? version : super
    end
  end
end

module Bunraku
  # One fact resolution: the files, the facts the host resolved, the custom facts defined so far.
  module CustomFacts
    # The weight facter gives external facts (`facts.d`) among a fact's resolutions.
    EXTERNAL_WEIGHT = 10_000

    class << self
      # The current resolution's collection (outside a resolution, an empty one: module code run by
      # the compiler may still define facts, which nothing resolves).
      def collection
        @collection || (@idle ||= Collection.new([], {}, {}, {}))
      end

      # Whether a fact resolution (the `facts` op) is running.
      def resolving?
        !@collection.nil?
      end

      # `Facter.value` while compiling: the compiler's answer, or nil (no such fact) where the host
      # has no facts to give.
      def compiler_value(name)
        Bunraku.callback('facter_value', name.to_s.downcase)
      rescue Puppet::Error
        nil
      end

      # Loads `files` (in order, as facter loads its custom directories) and resolves every custom
      # fact they define. `core` and `external` are the host's facts (names to values); `options`
      # has `facter_version` and `providers` (Puppet type name => default provider). Returns
      # `facts` (the custom facts whose value comes from their own code, in definition order),
      # `defined` (every custom fact name) and `errors` (what was logged as an error).
      def resolve(files, core, external, options)
        # Fact code requires its helpers by their path under `lib` (`facter/util/puppet_settings`),
        # as Puppet's agent has its libdir on the load path; the shim's `require` finds `facter/...`
        # files among the module libs only, so these join them for the resolution.
        libs = files.map { |f| File.dirname(f) }.select { |d| File.basename(d) == 'facter' }.map { |d| File.dirname(d) }.uniq
        saved_libs = Bunraku.instance_variable_get(:@module_libs)
        Bunraku.instance_variable_set(:@module_libs, libs + (saved_libs || []))
        added = libs - $LOAD_PATH
        $LOAD_PATH.unshift(*added)
        # Fact files require gems (`augeas`) as facter's Ruby finds them; with rubygems loaded
        # first, its `require` activates the gem when the plain one cannot find the file.
        require 'rubygems' unless defined?(::Gem::Specification)
        @collection = Collection.new(files, core || {}, external || {}, options || {})
        @collection.resolve_all
      ensure
        added&.each { |d| $LOAD_PATH.delete(d) }
        Bunraku.instance_variable_set(:@module_libs, saved_libs)
        @collection = nil
      end

      def log(level, message)
        Bunraku.log(level, "Facter: #{message}")
        nil
      end

      def error(message)
        collection.errors << message.to_s
        log(:err, message)
      end

      def once(level, message)
        @said ||= {}
        return nil if @said[[level, message]]

        @said[[level, message]] = true
        log(level, message)
      end

      # Puppet's own types as fact code asks them which provider Puppet would pick on this node
      # (stdlib's `package_provider`: `Puppet::Type.type(:package).newpackage(...)[:provider]`);
      # the host says, from the node's facts.
      def native_type(name)
        provider = @collection&.providers&.fetch(name.to_s, nil)
        provider ? NativeType.new(name.to_s, provider) : nil
      end
    end

    # A Puppet type that fact code only asks for its default provider.
    class NativeType
      Provider = Struct.new(:name)

      # A resource of the type: its provider and the attributes it was given.
      class Resource
        def initialize(attributes, provider)
          @attributes = attributes.transform_keys(&:to_sym)
          @provider = provider
        end

        def [](key)
          key.to_sym == :provider ? @provider : @attributes[key.to_sym]
        end

        def provider
          Provider.new(@provider)
        end
      end

      attr_reader :name

      def initialize(name, provider)
        @name = name.intern
        @provider = provider.intern
      end

      def defaultprovider
        Provider.new(@provider)
      end

      def new(attributes = {})
        Resource.new(attributes, @provider)
      end

      def to_s
        "Puppet::Type::#{@name.to_s.capitalize}"
      end

      # `newpackage`, `newservice`: the type's own constructor name.
      def method_missing(method, *args, &block)
        method.to_s == "new#{@name}" ? new(*args) : super
      end

      def respond_to_missing?(method, include_private = false)
        method.to_s == "new#{@name}" || super
      end
    end

    # `Puppet::Type.type(:package)` answers with a NativeType while facts are resolved, for the
    # types Puppet ships (a module's own types are loaded as for the compiler).
    module TypeLookup
      def type(name)
        super || Bunraku::CustomFacts.native_type(name)
      end
    end

    # The facts of one resolution, facter's collection.
    class Collection
      attr_reader :errors, :providers, :facter_version

      def initialize(files, core, external, options)
        @files = files.dup
        @core = core
        @external = external
        @providers = options['providers'] || {}
        @facter_version = options['facter_version'] || '4.3.0'
        @facts = {}
        @loaded = {}
        @searched = {}
        @search_dirs = []
        @external_dirs = []
        @errors = []
      end

      def add(name, options = {}, &block)
        options = options.merge(fact_type: :custom)
        fact = fact_named(name, options)
        fact.add(options, &block)
        fact
      end

      def define_fact(name, options = {}, &block)
        fact = fact_named(name, options.merge(fact_type: :custom))
        fact.instance_eval(&block) if block
        fact
      rescue StandardError => e
        Facter.log_exception(e, "Unable to add fact #{name}: #{e}")
        nil
      end

      # `Facter.value`: a custom fact (loading `name.rb` first, then every file, as facter searches),
      # an external or core fact, or a dotted path into a structured one. Answers are remembered for
      # the rest of the resolution, as facter remembers them.
      def value(query)
        query = query.to_s.downcase
        return @searched[query] if @searched.key?(query)

        load_named(query)
        found = current(query)
        found = current(query) if found.nil? && load_all
        @searched[query] = found
      end

      # `Facter.fact`: the fact with its value, or nil when there is no such fact.
      def resolved(query)
        query = query.to_s.downcase
        result = value(query)
        return nil if result.nil? && !@facts.key?(query)

        Facter::ResolvedFact.new(query, result)
      end

      # `Facter.collection.fact`: the custom fact object (loading its file), for code that adds
      # resolutions to it.
      def fact(name)
        name = name.to_s.downcase
        load_named(name)
        load_all unless @facts.key?(name)
        @facts[name]
      end

      def [](name)
        value(name)
      end

      def core_value(query)
        @core.key?(query) ? @core[query] : dig(@core, query)
      end

      def external_resolution(name)
        name = name.to_s
        @external.key?(name) ? ExternalResolution.new(@external[name]) : nil
      end

      def search(*dirs)
        @search_dirs.concat(dirs.flatten.map(&:to_s))
      end

      def search_path
        (@files.map { |f| File.dirname(f) } + @search_dirs).uniq
      end

      def search_external(dirs)
        @external_dirs.concat(Array(dirs).map(&:to_s))
      end

      def search_external_path
        @external_dirs
      end

      def list
        to_hash.keys
      end

      def each(&block)
        to_hash.each(&block)
      end

      def flush
        @facts.each_value(&:flush)
        @searched.clear
      end

      def to_hash
        load_all
        hash = @core.merge(@external)
        @facts.each do |name, fact|
          v = fact.value
          hash[name] = v unless v.nil?
        rescue StandardError
          next
        end
        hash
      end

      # Loads every file not loaded yet (the given ones, then those of `Facter.search`
      # directories); whether any was.
      def load_all
        files = @files + @search_dirs.flat_map { |d| Dir.glob(File.join(d, '*.rb')).sort }
        fresh = files.reject { |f| @loaded.key?(f) }
        fresh.each { |f| load_file(f) }
        !fresh.empty?
      end

      # The whole resolution: every file loaded, every custom fact resolved in definition order.
      def resolve_all
        load_all
        facts = {}
        @facts.each do |name, fact|
          begin
            next unless fact.custom_value?

            facts[name] = Bunraku::CustomFacts.wire(fact.value)
          rescue StandardError, ScriptError, SystemExit, SystemStackError => e
            Bunraku::CustomFacts.error("Could not resolve the custom fact #{name}: #{e.message}")
          end
        end
        { 'facts' => facts, 'defined' => @facts.keys, 'errors' => @errors }
      end

      private

      def fact_named(name, options)
        key = name.to_s.downcase
        @facts[key] ||= Facter::Util::Fact.new(key, options)
      end

      def load_named(name)
        file_name = "#{name}.rb"
        (@files + @search_dirs.map { |d| File.join(d, file_name) })
          .select { |f| File.basename(f) == file_name && File.file?(f) }
          .each { |f| load_file(f) }
      end

      def load_file(file)
        return if @loaded.key?(file)

        @loaded[file] = true
        Kernel.load(file)
      rescue ScriptError => e
        Bunraku::CustomFacts.error("Error loading fact #{file}: #{e.message}")
      rescue StandardError, SystemExit, SystemStackError => e
        Bunraku::CustomFacts.error("error while resolving custom facts in #{file} #{e.message}")
      end

      def current(query)
        return @facts[query].value if @facts.key?(query)
        return @external[query] if @external.key?(query)
        return @core[query] if @core.key?(query)

        root, rest = query.split('.', 2)
        return nil unless rest

        dig(current_root(root), rest)
      end

      def current_root(root)
        return @facts[root].value if @facts.key?(root)

        @external.key?(root) ? @external[root] : @core[root]
      end

      def dig(value, path)
        path.split('.').inject(value) do |cur, key|
          case cur
          when Hash then cur[key]
          when Array then key.match?(/\A\d+\z/) ? cur[key.to_i] : nil
          end
        end
      end
    end

    # An external fact (`facts.d`) as one of the resolutions of a custom fact of the same name.
    class ExternalResolution
      attr_reader :value

      def initialize(value)
        @value = value
      end

      def weight
        EXTERNAL_WEIGHT
      end

      def fact_type
        :external
      end

      def suitable?
        true
      end
    end

    MAX_INTEGER = 0x7fff_ffff_ffff_ffff
    MIN_INTEGER = -0x8000_0000_0000_0000

    class << self
      # A fact value as the host keeps facts (JSON): symbols as strings, hash keys as strings.
      def wire(value)
        case value
        when Symbol then value.to_s
        when Array then value.map { |v| wire(v) }
        when Hash then value.each_with_object({}) { |(k, v), h| h[k.is_a?(String) ? k : k.to_s] = wire(v) }
        when Integer
          raise RangeError, "#{value} is beyond the integers facts can hold" if value > MAX_INTEGER || value < MIN_INTEGER

          value
        when Float
          raise RangeError, "#{value} is not a number facts can hold" unless value.finite?

          value
        else value
        end
      end
    end
  end
end

Puppet::Type.singleton_class.prepend(Bunraku::CustomFacts::TypeLookup) if defined?(Puppet::Type)
