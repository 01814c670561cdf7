# frozen_string_literal: false
# ERB templates as Puppet renders them: Ruby's own ERB with trim mode '-', evaluated in a
# Puppet::Parser::TemplateWrapper whose instance variables are the calling scope's variables.
#
# Each template is compiled once per worker into a method of the wrapper (keyed by file, mtime and
# size, or by the text of an inline template). Puppet sets every visible variable as an instance
# variable before rendering; the instance variables a template can read are known from its code,
# so only those are handed over once that is known. A template that reads variables
# dynamically (instance_variable_get, binding, eval) is given all of them.

module Puppet
  module Parser
    # What `self` is inside an ERB template.
    class TemplateWrapper
      Puppet::Util.logmethods(self)

      def initialize(scope)
        @__scope__ = scope
      end

      def file
        @__file__
      end

      def scope
        @__scope__
      end

      def has_variable?(name)
        scope.include?(name.to_s)
      end

      def classes
        scope.catalog.classes
      end

      def tags
        raise NotImplementedError, "Call 'all_tags' instead."
      end

      def all_tags
        scope.catalog.tags
      end

      def to_s
        "template[#{@__file__ || 'inline'}]"
      end
    end
  end
end

module Bunraku
  # Compiling and rendering ERB.
  module Templates
    DYNAMIC = %w[instance_variable_get instance_variables instance_variable_defined? binding eval instance_eval].freeze
    Compiled = Struct.new(:method_name, :ivars, :dynamic)

    @compiled = {}
    @counter = 0

    class << self
      # Renders the template `file` (or the inline `source` when `file` is nil) in scope
      # `scope_id`. When `known`, `vars` holds just the variables the template reads; otherwise
      # `vars` holds the enclosing scopes' variables (nil for undef), and `top` what the top
      # scope gained since the last template of this compile. Returns the output, the
      # variables whose arrays or hashes the template changed in place, and (when not known)
      # the names of the variables it reads, nil when it reads them dynamically.
      def render(file, source, scope_id, vars, known, top)
        tpl = compile(file, source)
        unless known
          (Bunraku.top_variables).merge!(top) if top
          all = Bunraku.top_variables.dup
          vars.each { |k, v| v.nil? ? all.delete(k) : all[k] = v }
          vars = tpl.dynamic ? all : all.slice(*tpl.ivars)
        end
        wrapper = Puppet::Parser::TemplateWrapper.allocate
        wrapper.instance_variable_set(:@__scope__, Bunraku.environment.scope(scope_id))
        wrapper.instance_variable_set(:@__file__, file)
        # Puppet hands a template the variables' own objects: an array or hash the template
        # changes in place (apache's `aliases << …` on @scriptaliases) is changed for the
        # manifest too. The compiler is told which ones changed.
        before = {}
        vars.each do |name, value|
          next if value.nil?

          ivar = "@#{name.gsub(/[^\w]/, '_')}"
          next unless ivar.match?(/\A@[A-Za-z_]\w*\z/)

          before[name] = [value, Marshal.dump(value)] if value.is_a?(Array) || value.is_a?(Hash)
          wrapper.instance_variable_set(ivar, value)
        end
        output = wrapper.send(tpl.method_name)
        changed = {}
        before.each do |name, (value, dumped)|
          changed[name] = value if (Marshal.dump(value) rescue dumped) != dumped
        end
        [output, changed.empty? ? nil : changed, known || tpl.dynamic ? nil : tpl.ivars]
      end

      def compile(file, source)
        key = if file
                st = File.stat(file)
                [file, st.mtime, st.size]
              else
                [:inline, source]
              end
        @compiled[key] ||= begin
          # Loaded with the first template, so that a worker for functions or types starts
          # without them.
          require 'erb'
          text = file ? File.open(file, 'rb:UTF-8', &:read) : source.to_s
          erb = ERB.new(text, trim_mode: '-')
          src = erb.src
          @counter += 1
          name = :"__bunraku_template_#{@counter}"
          Puppet::Parser::TemplateWrapper.class_eval("def #{name}\n#{src}\nend", file || '(erb)', -1)
          # Every `@name` in the code (a scan of the generated Ruby: text that merely looks like
          # one, an e-mail address, only asks for a variable that is not there; Ruby's own lexer
          # would cost a millisecond a template).
          ivars = src.scan(/@([A-Za-z_]\w*)/).flatten.uniq - %w[__scope__ __file__]
          dynamic = src.match?(/\b(?:#{DYNAMIC.join('|')})\b/)
          Compiled.new(name, ivars, dynamic)
        end
      end
    end
  end
end
