# frozen_string_literal: false
# The protocol of a Bunraku Ruby worker (crates/ruby/src/worker.rs is the other end).
#
# Frames are a little-endian u32 length and a Marshal document. Every message is an Array:
#   host -> worker   [:call, op, *args]        run an operation (Bunraku::Ops, main.rb)
#                    [:ok, value]              the answer to a callback
#                    [:error, class, message, backtrace]
#   worker -> host   [:ok, value]              the answer to a call
#                    [:error, class, message, backtrace]
#                    [:cb, name, *args]        a callback into the compiler (see Bunraku.callback)
#                    [:log, level, message]    Puppet.warning and friends; no answer
# Calls and callbacks nest: while a callback is waiting for its answer, the host may call again.

module Bunraku
  # Raised in the running code when the host's time limit for a call has passed (SIGUSR2).
  class TimeLimit < Exception; end # rubocop:disable Lint/InheritException

  # The protocol moves off fds 0 and 1 (onto close-on-exec duplicates): module code that prints,
  # reads stdin or runs a command (`system`, backticks) must never touch the pipes.
  PROTOCOL_IN = STDIN.dup
  PROTOCOL_OUT = STDOUT.dup
  PROTOCOL_IN.binmode
  PROTOCOL_OUT.binmode
  PROTOCOL_OUT.sync = true
  STDIN.reopen(File::NULL)
  STDOUT.reopen(STDERR)
  $stdin = STDIN
  $stdout = STDOUT

  @depth = 0

  class << self
    def read_message
      header = PROTOCOL_IN.read(4)
      exit!(0) if header.nil? || header.bytesize < 4 # the host is gone
      size = header.unpack1('V')
      body = PROTOCOL_IN.read(size)
      exit!(0) if body.nil? || body.bytesize < size
      Marshal.load(body)
    end

    def write_message(message)
      data = Marshal.dump(message)
      PROTOCOL_OUT.write([data.bytesize].pack('V'), data)
    end

    # Serves calls until the host closes the pipe.
    def serve
      write_message([:ready])
      loop { handle(read_message) }
    end

    # Runs one [:call, op, *args] and answers it.
    def handle(message)
      kind, op, *args = message
      unless kind == :call
        write_message([:error, 'Puppet::DevError', "expected a call, got #{kind.inspect}", []])
        return
      end
      @depth += 1
      begin
        result = Ops.public_send(op, *args)
        reply = [:ok, to_wire(result)]
      rescue Exception => e # rubocop:disable Lint/RescueException
        # Everything, SystemExit and stack overflows included, is the call's error, not the
        # worker's end.
        reply = [:error, e.class.name.to_s, error_message(e), (e.backtrace || [])]
      ensure
        @depth -= 1
      end
      begin
        write_message(reply)
      rescue TypeError => e
        write_message([:error, 'Puppet::Error', "a result Ruby cannot hand over: #{e.message}", []])
      end
    end

    def error_message(e)
      e.message.to_s.dup.force_encoding(Encoding::UTF_8).scrub
    end

    # Asks the compiler for something and waits for its answer, serving any call it makes
    # meanwhile. An error answer is raised here as the exception class it names.
    def callback(name, *args)
      write_message([:cb, name, *args.map { |a| to_wire(a) }])
      loop do
        message = read_message
        case message[0]
        when :ok
          return message[1]
        when :error
          raise rebuild_error(message[1], message[2], message[3])
        when :call
          handle(message)
        else
          raise Puppet::DevError, "unexpected message #{message[0].inspect} from the host"
        end
      end
    end

    def rebuild_error(class_name, text, backtrace)
      klass = begin
        Object.const_get(class_name.to_s)
      rescue NameError
        nil
      end
      klass = Puppet::Error unless klass.is_a?(Class) && klass <= Exception
      e = klass.allocate
      e.send(:initialize, text) rescue e = Puppet::Error.new(text)
      e.set_backtrace(backtrace) if backtrace.is_a?(Array) && !backtrace.empty?
      e
    end

    def log(level, message)
      write_message([:log, level.to_s, message.to_s])
    end

    MAX_INTEGER = 0x7fff_ffff_ffff_ffff
    MIN_INTEGER = -0x8000_0000_0000_0000

    # A value in the form the host reads: Puppet's runtime values, with hashes rebuilt (a
    # default proc cannot be dumped), strings as UTF-8, and objects Puppet has no value for
    # refused with their class.
    def to_wire(v)
      case v
      when nil, true, false, Float, Symbol, Regexp
        v
      when Integer
        if v > MAX_INTEGER || v < MIN_INTEGER
          raise Puppet::Error, "Use of a Ruby Integer outside of Puppet Integer #{v > MAX_INTEGER ? 'max' : 'min'} range, got '#{'0x%x' % v}'"
        end
        v
      when String
        wire_string(v)
      when Array
        v.map { |x| to_wire(x) }
      when Hash
        h = {}
        v.each { |k, x| h[to_wire(k)] = to_wire(x) }
        h
      when Puppet::Pops::Types::PSensitiveType::Sensitive
        Puppet::Pops::Types::PSensitiveType::Sensitive.new(to_wire(v.unwrap))
      when Puppet::Pops::Types::PAnyType, Puppet::Pops::Time::Timespan, Puppet::Pops::Time::Timestamp,
           Puppet::Pops::Types::PBinaryType::Binary, SemanticPuppet::Version, SemanticPuppet::VersionRange,
           Bunraku::Block
        v.to_wire
      when Puppet::Resource
        Puppet::Pops::Types::PResourceType.reference(v.type, v.title)
      when Puppet::Pops::Evaluator::PuppetProc
        v.closure
      else
        raise Puppet::Error, "a value of the Ruby class #{v.class}, which Puppet has no value for"
      end
    end

    def wire_string(s)
      return s if s.encoding == Encoding::UTF_8 && s.valid_encoding?
      return s.dup.force_encoding(Encoding::UTF_8) if s.encoding == Encoding::ASCII_8BIT && s.dup.force_encoding(Encoding::UTF_8).valid_encoding?
      return s.b if s.encoding == Encoding::ASCII_8BIT

      s.encode(Encoding::UTF_8)
    rescue EncodingError
      s.b
    end
  end

  # What Puppet has loaded before module code runs, which modules use without requiring it:
  # autoloaded here so that a worker starts without them.
  {
    Digest: 'digest', JSON: 'json', YAML: 'yaml', Set: 'set', URI: 'uri', Base64: 'base64',
    Pathname: 'pathname', FileUtils: 'fileutils', IPAddr: 'ipaddr', Open3: 'open3',
    Shellwords: 'shellwords', SecureRandom: 'securerandom', StringIO: 'stringio',
    OpenSSL: 'openssl', Etc: 'etc', Tempfile: 'tempfile', ERB: 'erb', Psych: 'yaml', Timeout: 'timeout',
  }.each { |const, feature| Object.autoload(const, feature) unless Object.const_defined?(const, false) }
  require 'time'

  # `to_yaml`, which Puppet has loaded (psych adds it to every object): loaded on first use.
  ::Object.class_eval do
    def to_yaml(*args, **kwargs)
      require 'yaml'
      raise NotImplementedError, 'to_yaml' if method(:to_yaml).owner == ::Object && !defined?(::Psych)

      to_yaml(*args, **kwargs)
    end
  end

  PARENT = Process.ppid
  # A worker whose master died (and whose pipe it is not reading, say inside a loop) goes too.
  Thread.new do
    loop do
      sleep 1
      exit!(0) if Process.ppid != PARENT
    end
  end

  # Raised where the running code is: the backtrace names the line it was stuck on.
  trap('USR2') { raise TimeLimit, 'time limit reached', caller }
end
