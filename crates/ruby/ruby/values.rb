# frozen_string_literal: false
# Puppet's runtime values that are not plain Ruby objects, as module code sees them: type values
# (Puppet::Pops::Types::P*Type), Sensitive, Timespan/Timestamp, Binary, semantic versions, and the
# lambdas of the calling Puppet code. Type values are descriptions the compiler owns: each holds
# its string form (@s) and asks the compiler (through callbacks) whatever needs the type system.

module Puppet
  module Pops
    module Types
      class PAnyType
        # A type value from its string form, as the compiler prints it.
        def self.from_s(s)
          t = allocate
          t.instance_variable_set(:@s, s)
          t
        end

        def to_s
          @s
        end
        alias inspect to_s

        def name
          @s.sub(/\[.*\z/m, '')
        end

        def simple_name
          name
        end

        def ==(other)
          other.is_a?(PAnyType) && other.to_s == to_s
        end
        alias eql? ==

        def hash
          @s.hash
        end

        def instance?(value, _guard = nil)
          Bunraku.callback('type_instance', self, value)
        end

        def assignable?(other, _guard = nil)
          Bunraku.callback('type_assignable', self, other)
        end

        def generalize
          Bunraku.callback('type_generalize', self)
        end

        def to_wire
          attrs = instance_variables.reject { |iv| iv == :@s }
          return self if attrs.all? { |iv| instance_variable_get(iv).is_a?(String) || instance_variable_get(iv).nil? }

          t = self.class.allocate
          t.instance_variable_set(:@s, @s)
          attrs.each { |iv| t.instance_variable_set(iv, Bunraku.to_wire(instance_variable_get(iv))) }
          t
        end

        def iterable?(_guard = nil)
          Bunraku.callback('type_iterable', self)
        end
      end

      %w[PUndefType PDefaultType PBooleanType PScalarType PScalarDataType PNumericType PIntegerType PFloatType
         PStringType PEnumType PPatternType PRegexpType PCollectionType PArrayType PHashType PTupleType
         PStructType POptionalType PNotUndefType PVariantType PCallableType PTypeType PCatalogEntryType
         PSensitiveType PIterableType PIteratorType PRuntimeType PTimespanType PTimestampType PSemVerType
         PSemVerRangeType PBinaryType PInitType PObjectType PTypeSetType PTypeAliasType PURIType PTypeReferenceType].each do |n|
        const_set(n, Class.new(PAnyType)) unless const_defined?(n, false)
      end

      # `File['/x']`, `Resource['file', '/x']`.
      class PResourceType < PCatalogEntryType
        attr_reader :type_name, :title

        def self.reference(type_name, title)
          t = allocate
          type_name = type_name.to_s.split('::').map(&:capitalize).join('::')
          t.instance_variable_set(:@type_name, type_name)
          t.instance_variable_set(:@title, title)
          t.instance_variable_set(:@s, title.nil? ? type_name : "#{type_name}['#{title}']")
          t
        end
      end

      # `Class['apache']`.
      class PClassType < PCatalogEntryType
        attr_reader :class_name
      end

      class PSensitiveType
        # A secret: printed redacted, unwrapped explicitly.
        class Sensitive
          def initialize(value)
            @value = value
          end

          def unwrap
            @value
          end

          def to_s
            'Sensitive [value redacted]'
          end

          def inspect
            '#<Sensitive [value redacted]>'
          end

          def ==(other)
            other.is_a?(Sensitive) && other.unwrap == @value
          end
        end
      end

      class PBinaryType
        # Bytes (Puppet's Binary), printed as Base64.
        class Binary
          attr_reader :binary_buffer

          def self.from_binary_string(s)
            new(s.b)
          end

          def self.from_base64(s)
            require 'base64'
            new(Base64.decode64(s))
          end

          def initialize(bytes)
            @binary_buffer = bytes.b
          end

          def to_s
            require 'base64'
            Base64.strict_encode64(@binary_buffer)
          end

          def length
            @binary_buffer.bytesize
          end

          def ==(other)
            other.is_a?(Binary) && other.binary_buffer == @binary_buffer
          end

          def to_wire
            self
          end
        end
      end

      # The type system, asked of the compiler.
      class TypeParser
        def self.singleton
          @singleton ||= new
        end

        def parse(string, _loader = nil)
          Bunraku.callback('type_parse', string.to_s)
        end
      end

      module TypeCalculator
        def self.singleton
          self
        end

        def self.instance?(type, value)
          type = TypeParser.singleton.parse(type) if type.is_a?(String)
          Bunraku.callback('type_instance', type, value)
        end

        def self.infer(value)
          Bunraku.callback('type_infer', value, false)
        end

        def self.infer_set(value)
          Bunraku.callback('type_infer', value, true)
        end

        def self.generalize(type)
          Bunraku.callback('type_generalize', type)
        end

        def self.assignable?(a, b)
          a = TypeParser.singleton.parse(a) if a.is_a?(String)
          b = TypeParser.singleton.parse(b) if b.is_a?(String)
          Bunraku.callback('type_assignable', a, b)
        end

        def self.string(type)
          type.to_s
        end

        def self.is_kind_of_callable?(type, _optional = true)
          type.is_a?(PCallableType) || type.is_a?(PAnyType) && type.to_s.start_with?('Callable')
        end

        def instance?(type, value)
          TypeCalculator.instance?(type, value)
        end

        def infer(value)
          TypeCalculator.infer(value)
        end
      end

      module TypeFactory
        def self.method_missing(name, *args)
          Bunraku.callback('type_factory', name.to_s, *args)
        end

        def self.respond_to_missing?(*)
          true
        end
      end

      # Why a value does not match a type, in Puppet's words.
      class TypeMismatchDescriber
        def self.singleton
          @singleton ||= new
        end

        def describe_mismatch(name, expected, actual)
          Bunraku.callback('type_mismatch', name.to_s, expected, actual)
        end

        def describe_signatures(*)
          nil
        end
      end

      module TypeAsserter
        def self.assert_instance_of(subject, expected_type, value, _nil_ok = false)
          return value if TypeCalculator.instance?(expected_type, value)

          subject = yield(subject) if block_given?
          raise Puppet::ParseError, TypeMismatchDescriber.singleton.describe_mismatch(subject, expected_type,
                                                                                        TypeCalculator.infer_set(value))
        end
      end

      # Iterating what Puppet can iterate: arrays, hashes (as pairs), Integer counts and ranges,
      # strings by character.
      module Iterable
        def self.on(o, _infer = nil)
          case o
          when Array, Hash then o.each
          when Integer then o >= 0 ? o.times : nil
          when String then o.each_char
          when PAnyType then Bunraku.callback('type_iterate', o).each
          end
        end

        def self.asserted_iterable(caller, obj, infer_elements = false)
          iter = on(obj, infer_elements)
          if iter.nil?
            raise ArgumentError, format("%s expects an Iterable value, got %s", caller.class.respond_to?(:name) ? caller.class.name : caller.to_s, TypeCalculator.infer(obj).generalize)
          end

          iter
        end
      end
    end

    module Time
      # A duration, in nanoseconds.
      class Timespan
        include Comparable
        attr_reader :nsecs

        def initialize(nsecs)
          @nsecs = nsecs
        end

        def to_f
          @nsecs.fdiv(1_000_000_000)
        end

        def to_i
          @nsecs / 1_000_000_000
        end

        def <=>(other)
          other.is_a?(self.class) ? @nsecs <=> other.nsecs : nil
        end

        def to_s
          Bunraku.callback('format_value', self)
        end

        def to_wire
          self
        end
      end

      # A point in time, in nanoseconds since the epoch (UTC).
      class Timestamp < Timespan
        def to_time
          ::Time.at(Rational(@nsecs, 1_000_000_000)).utc
        end
      end
    end

    module Evaluator
      # A Puppet lambda as a Ruby proc, with the arity its parameters give (as Puppet's own).
      class PuppetProc < Proc
        def self.new(closure, &block)
          proc = super(&block)
          proc.instance_variable_set(:@closure, closure)
          proc
        end

        attr_reader :closure

        def lambda?
          false
        end

        def parameters
          @closure.parameters.map { |kind, name| [kind.to_sym, name.to_sym] }
        end

        def arity
          parameters.reduce(0) do |memo, param|
            count = memo + 1
            break -count unless param[0] == :req

            count
          end
        end
      end
    end
  end
end

module Bunraku
  # A value the compiler knows by its string form (@s), handed back as it came.
  module StringForm
    def to_s
      @s
    end

    def to_wire
      self
    end
  end
end

module SemanticPuppet
  # A semantic version (Puppet's SemVer).
  class Version
    include Comparable
    include Bunraku::StringForm
    REGEX = /\A(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?\z/.freeze

    def self.parse(s)
      m = REGEX.match(s.to_s)
      raise ArgumentError, "Unable to parse '#{s}' as a semantic version identifier" unless m

      v = allocate
      v.instance_variable_set(:@s, s.to_s)
      v
    end

    def self.valid?(s)
      !REGEX.match(s.to_s).nil?
    end

    def parts
      m = REGEX.match(@s) || []
      [m[1].to_i, m[2].to_i, m[3].to_i, m[4], m[5]]
    end

    def major
      parts[0]
    end

    def minor
      parts[1]
    end

    def patch
      parts[2]
    end

    def prerelease
      parts[3]
    end

    def build
      parts[4]
    end

    def <=>(other)
      return nil unless other.is_a?(Version)

      a = parts
      b = other.parts
      c = a[0, 3] <=> b[0, 3]
      return c unless c.zero?
      return 0 if a[3] == b[3]
      return 1 if a[3].nil?
      return -1 if b[3].nil?

      a[3] <=> b[3]
    end
  end

  # A range of semantic versions, by its string form.
  class VersionRange
    include Bunraku::StringForm

    def self.parse(s)
      r = allocate
      r.instance_variable_set(:@s, s.to_s)
      r
    end

    def include?(version)
      Bunraku.callback('type_instance', Puppet::Pops::Types::PSemVerRangeType.from_s("SemVerRange['#{@s}']"), version) rescue false
    end
  end
end

module Bunraku
  # A lambda of the calling Puppet code (see Puppet::Pops::Evaluator::PuppetProc).
  class Block
    attr_reader :id, :parameters

    def to_proc
      id = @id
      Puppet::Pops::Evaluator::PuppetProc.new(self) { |*args| Bunraku.callback('call_block', id, args) }
    end

    def call(*args)
      Bunraku.callback('call_block', @id, args)
    end

    def parameter_count
      @parameters.size
    end

    def to_wire
      self
    end
  end
end
