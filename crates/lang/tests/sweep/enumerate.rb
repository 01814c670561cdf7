# enumerate.rb ROOT ENVDIR > cases.jsonl
#
# Lists the sweep's cases for every module directory under ROOT (Debian's basemodulepath
# /usr/share/puppet/modules), using Puppet's own parser and type system:
#
# - every class whose parameters all have a value without the manifest saying one: a default in
#   the manifest, or a key `CLASS::PARAM` in the module's Hiera data (any of its data files: which
#   level applies is the compile's business, and a level that does not apply makes Puppet fail
#   the same way for us);
# - every define, given a value for each parameter without a default, generated from the
#   parameter's declared type (aliases resolved by Puppet's loaders, then a value the type accepts,
#   checked with the type's own `instance?`).
#
# ENVDIR is an environment directory (under an environmentpath) whose `modules/` holds links for
# module directories whose names Puppet cannot load (`saz-rsyslog`), under the module's own name.
# One JSON object per line: module, kind, name, manifest, notes.
require 'puppet'
require 'json'
require 'yaml'
require 'tmpdir'

root, envdir = ARGV
abort 'usage: enumerate.rb ROOT ENVDIR' unless root && envdir

scratch = Dir.mktmpdir('sweep-enumerate')
Puppet.initialize_settings(['--confdir', "#{scratch}/conf", '--vardir', "#{scratch}/var",
                            '--codedir', "#{scratch}/code", '--color', 'false'])
Puppet::Util::Log.newdestination(:console)
Puppet::Util::Log.level = :err

T = Puppet::Pops::Types
PARSER = Puppet::Pops::Parser::EvaluatingParser.new

# A module directory's name as Puppet loads it: the directory's; for a directory named as a
# namespaced module (`author-name`, which Puppet does not load), the name after the dash.
def module_name(dir)
  return dir if Puppet::Module.is_module_directory_name?(dir)
  return dir.split('-', 2).last if Puppet::Module.is_module_namespaced_name?(dir)
end

# Every top-level key of the module's Hiera data files (under the datadirs its hiera.yaml names,
# `data` by default).
def data_keys(moddir)
  dirs = ['data']
  conf = File.join(moddir, 'hiera.yaml')
  if File.file?(conf)
    h = YAML.safe_load(File.read(conf), aliases: true) rescue {}
    dirs << h.dig('defaults', 'datadir') if h.is_a?(Hash) && h.dig('defaults', 'datadir')
    (h.is_a?(Hash) ? Array(h['hierarchy']) : []).each { |l| dirs << l['datadir'] if l.is_a?(Hash) && l['datadir'] }
  end
  keys = {}
  dirs.uniq.each do |d|
    Dir.glob(File.join(moddir, d, '**', '*.{yaml,yml}')).each do |f|
      doc = YAML.safe_load(File.read(f), aliases: true) rescue nil
      doc.each_key { |k| keys[k.to_s.sub(/\A::/, '')] = true } if doc.is_a?(Hash)
    end
  end
  keys
end

# --- values from types -----------------------------------------------------------------------

class Lit
  # A value to write into the manifest as it is (`Sensitive(...)`), with the Ruby value Puppet's
  # `instance?` checks.
  attr_reader :source, :value

  def initialize(source, value)
    @source = source
    @value = value
  end
end

def to_puppet(v)
  case v
  when Lit then v.source
  when String then "'" + v.gsub('\\', '\\\\\\\\').gsub("'", "\\\\'") + "'"
  when true, false, Integer, Float then v.to_s
  when nil then 'undef'
  when Array then '[' + v.map { |e| to_puppet(e) }.join(', ') + ']'
  when Hash then '{' + v.map { |k, e| "#{to_puppet(k)} => #{to_puppet(e)}" }.join(', ') + '}'
  else raise "no literal for #{v.inspect}"
  end
end

def ruby_value(v)
  case v
  when Lit then v.value
  when Array then v.map { |e| ruby_value(e) }
  when Hash then v.to_h { |k, e| [ruby_value(k), ruby_value(e)] }
  else v
  end
end

def accepts?(type, v)
  type.instance?(ruby_value(v))
rescue StandardError
  false
end

# Plain strings of the shapes parameters commonly take, in order of preference.
def string_candidates(word)
  [word, "/tmp/#{word}", "#{word}.example.com", "http://#{word}.example.com/",
   "https://#{word}.example.com/", '192.0.2.1', '192.0.2.0/24', '2001:db8::1', '1', '0644',
   "#{word}@example.com", "puppet:///modules/#{word}", 'present', 'running', 'true', '1.0',
   "#{word}:#{word}", word.capitalize, word.upcase, "C:\\#{word}", '00:00', 'a']
end

# A short string the regular expression `source` matches, built from its own text: the first
# branch of each alternation, the fewest repetitions a quantifier allows, and `word` for a
# repeated class that takes word characters (`.+`, `[^/]+`, `\w*`). Covers the constructs
# parameter patterns use (no look-around or back-references); the caller checks the result.
class Sampler
  def initialize(source, word)
    @s = source
    @i = 0
    @word = word
  end

  def sample
    alternation
  end

  private

  def peek = @s[@i]

  def alternation
    first = sequence
    while peek == '|'
      @i += 1
      sequence
    end
    first
  end

  def sequence
    out = +''
    until @i >= @s.length || peek == '|' || peek == ')'
      atom, chars = self.atom
      min, max = quantifier
      out << if chars && (max.nil? || max > 1) && @word.each_char.all? { |c| chars.call(c) }
               @word.length >= min && (max.nil? || @word.length <= max) ? @word : atom * min
             else
               atom * min
             end
    end
    out
  end

  # [text, predicate on one char (nil when the atom is not a single character class)]
  def atom
    c = @s[@i]
    @i += 1
    case c
    when '^', '$' then ['', nil]
    when '(' then
      @i += 2 if @s[@i] == '?' && @s[@i + 1] == ':'
      inner = alternation
      @i += 1 # ')'
      [inner, nil]
    when '[' then char_class
    when '.' then ['a', ->(_) { true }]
    when '\\' then escape
    else [c, ->(x) { x == c }]
    end
  end

  def escape
    c = @s[@i]
    @i += 1
    case c
    when 'A', 'z', 'Z', 'b' then ['', nil]
    when 'd' then ['1', ->(x) { x =~ /\d/ }]
    when 'w' then ['a', ->(x) { x =~ /\w/ }]
    when 's' then [' ', ->(x) { x =~ /\s/ }]
    when 'S' then ['a', ->(x) { x =~ /\S/ }]
    else [c, ->(x) { x == c }]
    end
  end

  def char_class
    start = @i - 1
    depth = 0
    while @i < @s.length
      c = @s[@i]
      if c == '\\'
        @i += 2
        next
      end
      depth += 1 if c == '['
      if c == ']'
        break if depth.zero?
        depth -= 1
      end
      @i += 1
    end
    @i += 1
    re = Regexp.new(@s[start...@i])
    pick = ['a', 'x', '1', '-', '_', '.', '/', ' ', 'A'].find { |x| x =~ re } || 'a'
    [pick, ->(x) { x =~ re }]
  end

  def quantifier
    case peek
    when '?' then (@i += 1) && [0, 1]
    when '*' then (@i += 1) && [0, nil]
    when '+' then (@i += 1) && [1, nil]
    when '{'
      close = @s.index('}', @i)
      lo, comma, hi = @s[(@i + 1)...close].partition(',')
      @i = close + 1
      [lo.to_i, comma.empty? ? lo.to_i : (hi.empty? ? nil : hi.to_i)]
    else [1, 1]
    end
  end
end

def sample_pattern(regexp, word)
  s = Sampler.new(regexp.source, word).sample
  s if regexp.match?(s)
rescue StandardError
  nil
end

def candidates(word)
  string_candidates(word) + [1, 0, 1.0, true, false, [], {}]
end

def pick(type, word)
  candidates(word).find { |c| accepts?(type, c) }
end

def integer_in(from, to)
  from = nil if from.is_a?(Float) && from.infinite?
  to = nil if to.is_a?(Float) && to.infinite?
  return 1 if (from.nil? || from <= 1) && (to.nil? || to >= 1)
  from.nil? ? to : from
end

def size_range(size_type)
  return [0, nil] unless size_type
  from = size_type.from
  to = size_type.to
  from = 0 if from.nil? || (from.is_a?(Float) && from.infinite?)
  to = nil if to.is_a?(Float) && to.infinite?
  [from, to]
end

# A value `type` accepts (nil when none was found), preferring a plain, readable one.
def generate(type, word, depth = 0)
  return word if type.nil?
  return nil if depth > 8
  v = case type
      when T::PTypeAliasType then generate(type.resolved_type, word, depth + 1)
      when T::POptionalType then generate(type.optional_type || T::PAnyType::DEFAULT, word, depth + 1)
      when T::PNotUndefType then generate(type.type || T::PAnyType::DEFAULT, word, depth + 1)
      when T::PSensitiveType
        inner = generate(type.type || T::PAnyType::DEFAULT, word, depth + 1)
        Lit.new("Sensitive(#{to_puppet(inner)})", T::PSensitiveType::Sensitive.new(ruby_value(inner)))
      when T::PEnumType then type.values.first
      when T::PBooleanType then true
      when T::PIntegerType then integer_in(type.from, type.to)
      when T::PFloatType then (type.from || 1.0).to_f
      when T::PVariantType
        pick(type, word) || type.types.lazy.map { |t| generate(t, word, depth + 1) }.find { |x| !x.nil? && accepts?(type, x) }
      when T::PArrayType
        min, _ = size_range(type.size_type)
        elem = generate(type.element_type || T::PAnyType::DEFAULT, word, depth + 1)
        elem.nil? ? [] : Array.new([min, 1].max, elem)
      when T::PTupleType
        type.types.map { |t| generate(t, word, depth + 1) }
      when T::PHashType
        min, _ = size_range(type.size_type)
        if min.zero? && type.key_type.nil? && type.value_type.nil?
          { word => word }
        else
          k = generate(type.key_type || T::PStringType::DEFAULT, word, depth + 1)
          val = generate(type.value_type || T::PAnyType::DEFAULT, word, depth + 1)
          k.nil? || val.nil? ? {} : { k => val }
        end
      when T::PStructType
        type.elements.each_with_object({}) do |e, h|
          next if e.key_type.is_a?(T::POptionalType)
          h[e.name] = generate(e.value_type, e.name, depth + 1)
        end
      when T::PStringType
        min, max = size_range(type.size_type)
        s = word
        s += 'x' * (min - s.length) if s.length < min
        s = s[0, max] if max && s.length > max
        s
      when T::PPatternType
        pick(type, word) || type.patterns.lazy.map { |p| sample_pattern(p.regexp, word) }.find { |x| x && accepts?(type, x) }
      when T::PUndefType then nil
      else pick(type, word) || word
      end
  v = pick(type, word) unless accepts?(type, v)
  v
end

# --- enumeration -----------------------------------------------------------------------------

envmods = File.join(envdir, 'modules')
FileUtils.mkdir_p(envmods)
FileUtils.mkdir_p(File.join(envdir, 'manifests'))
dirs = Dir.children(root).select { |d| File.directory?(File.join(root, d)) }.sort
dirs.each do |d|
  name = module_name(d)
  next if name.nil? || name == d

  link = File.join(envmods, name)
  File.symlink(File.join(root, d), link) unless File.symlink?(link)
end

env = Puppet::Node::Environment.create(:production, [envmods, root], File.join(envdir, 'manifests'))
Puppet.override(current_environment: env, loaders: Puppet::Pops::Loaders.new(env)) do
  loaders = Puppet.lookup(:loaders)
  tp = T::TypeParser.singleton
  dirs.each do |d|
    name = module_name(d)
    moddir = File.join(root, d)
    keys = data_keys(moddir)
    loader = (name && loaders.private_loader_for_module(name)) || loaders.public_environment_loader
    Dir.glob(File.join(moddir, 'manifests', '**', '*.pp')).sort.each do |f|
      begin
        # The parser alone: the validator would reject a definition whose name does not match its
        # file's location, which is a case too (Puppet cannot find it).
        program = PARSER.parser.parse_file(f).model
      rescue StandardError => e
        warn "#{f}: #{e.message}"
        next
      end
      program.definitions.each do |defn|
        kind = case defn
               when Puppet::Pops::Model::HostClassDefinition then 'class'
               when Puppet::Pops::Model::ResourceTypeDefinition then 'define'
               end
        next unless kind
        required = defn.parameters.select { |pa| pa.value.nil? && !pa.captures_rest }
        notes = []
        if kind == 'class'
          unbound = required.reject { |pa| keys["#{defn.name}::#{pa.name}"] }
          unless unbound.empty?
            warn "skip class #{defn.name}: no value for #{unbound.map(&:name).join(', ')}"
            next
          end
          manifest = "class { '#{defn.name}': }\n"
        else
          params = required.map do |pa|
            type = nil
            if pa.type_expr
              begin
                type = tp.interpret(pa.type_expr, loader)
              rescue StandardError => e
                notes << "#{pa.name}: type not resolved (#{e.message})"
              end
            end
            v = generate(type, pa.name)
            if v.nil? || (type && !accepts?(type, v))
              notes << "#{pa.name}: no value found for #{type}"
              v = pa.name if v.nil?
            end
            [pa.name, v]
          end
          width = params.map { |n, _| n.length }.max || 0
          body = params.map { |n, v| "  #{n.ljust(width)} => #{to_puppet(v)},\n" }.join
          manifest = params.empty? ? "#{defn.name} { 'example': }\n" : "#{defn.name} { 'example':\n#{body}}\n"
        end
        puts JSON.generate({ 'module' => d, 'kind' => kind, 'name' => defn.name, 'manifest' => manifest,
                             'notes' => notes })
      end
    end
  end
end
FileUtils.rm_rf(scratch)
