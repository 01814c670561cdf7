# template_refs.rb ROOT > refs.json — where the corpus names each of its templates.
#
# For every .erb/.epp file under ROOT/MODULEDIR/templates/ (named `MODULE/path` in template() and
# epp() calls), finds the string literals in the corpus's manifests that name it (Puppet's own
# parser; an interpolated string counts when its pattern matches), with the definition around
# each and the conditions on the way to it (`if`, `unless`, `case`, selector), as source text; and
# the other files (templates, Ruby) whose text names it.
# classify.py turns this into the reasons KNOWN_GAPS.md gives for templates no case renders.
require 'puppet'
require 'json'
require 'tmpdir'

root = ARGV[0] or abort 'usage: template_refs.rb ROOT'
scratch = Dir.mktmpdir('sweep-template-refs')
Puppet.initialize_settings(['--confdir', "#{scratch}/conf", '--vardir', "#{scratch}/var",
                            '--codedir', "#{scratch}/code"])
M = Puppet::Pops::Model

def module_name(dir)
  return dir if Puppet::Module.is_module_directory_name?(dir)
  return dir.split('-', 2).last if Puppet::Module.is_module_namespaced_name?(dir)
end

# An expression's source text: from the first to the last character of anything in it (an
# operator expression's own position is its operator's).
def text(o)
  from = o.offset
  to = o.offset + o.length
  o._pcore_all_contents([]) do |c|
    next unless c.respond_to?(:offset) && c.offset

    from = [from, c.offset].min
    to = [to, c.offset + c.length].max
  end
  o.locator.extract_text(from, to - from).gsub(/\s+/, ' ')
end

# name as template()/epp() spell it => corpus path
names = {}
Dir.children(root).sort.each do |d|
  n = module_name(d) or next
  tdir = File.join(root, d, 'templates')
  Dir.glob('**/*.{erb,epp}', base: tdir).each { |rel| names["#{n}/#{rel}"] = "#{d}/templates/#{rel}" }
end
refs = Hash.new { |h, k| h[k] = [] }

# The template names a string names: a literal's own, or those an interpolated string's pattern
# (its literal parts, anything between them) matches within the manifest's own module, or
# across the corpus when its text starts with a module name.
def named(o, names, file, root)
  return names.key?(o.value) ? [o.value] : [] if o.is_a?(M::LiteralString)
  return [] unless o.is_a?(M::ConcatenatedString)

  parts = o.segments.map { |seg| seg.is_a?(M::LiteralString) ? Regexp.escape(seg.value) : '.*' }
  return [] unless o.segments.any? { |seg| seg.is_a?(M::LiteralString) && seg.value =~ /\.(erb|epp)\z/ }

  re = Regexp.new("\\A#{parts.join}\\z")
  own = module_name(file.sub("#{root}/", '').split('/').first)
  names.keys.select { |n| n =~ re && (o.segments.first.is_a?(M::LiteralString) || n.start_with?("#{own}/")) }
end

walk = lambda do |o, path, file|
  named(o, names, file, root).each do |name|
    conds = []
    defn = nil
    ([*path, o]).each_cons(2) do |parent, child|
      case parent
      when M::UnlessExpression
        conds << (child.equal?(parent.then_expr) ? "unless #{text(parent.test)}" : text(parent.test)) unless child.equal?(parent.test)
      when M::IfExpression
        conds << (child.equal?(parent.then_expr) ? text(parent.test) : "not #{text(parent.test)}") unless child.equal?(parent.test)
      when M::CaseOption
        kase = path[path.index(parent) - 1]
        test = kase.is_a?(M::CaseExpression) ? text(kase.test) : 'case'
        conds << "#{test} matches #{parent.values.map { |v| text(v) }.join(', ')}" unless parent.values.any? { |v| child.equal?(v) }
      when M::SelectorEntry
        sel = path[path.index(parent) - 1]
        lhs = sel.is_a?(M::SelectorExpression) ? text(sel.left_expr) : 'selector'
        conds << "#{lhs} matches #{text(parent.matching_expr)}" if child.equal?(parent.value_expr)
      when M::HostClassDefinition, M::ResourceTypeDefinition, M::FunctionDefinition
        defn = "#{parent.is_a?(M::HostClassDefinition) ? 'class' : (parent.is_a?(M::ResourceTypeDefinition) ? 'define' : 'function')} #{parent.name}"
        conds = [] # conditions inside the definition only
      end
    end
    ref = { 'file' => file.sub("#{root}/", ''), 'line' => o.locator.line_for_offset(o.offset),
            'definition' => defn, 'conditions' => conds }
    ref['computed'] = text(o) if o.is_a?(M::ConcatenatedString)
    refs[names[name]] << ref
  end
  o._pcore_contents { |c| walk.call(c, [*path, o], file) } if o.respond_to?(:_pcore_contents)
end

Dir.glob(File.join(root, '*', 'manifests', '**', '*.pp')).sort.each do |f|
  program = Puppet::Pops::Parser::Parser.new.parse_file(f).model
  walk.call(program, [], f)
rescue StandardError => e
  warn "#{f}: #{e.message}"
end

# Templates and Ruby that name a template in their text (sub-templates, functions).
Dir.glob(File.join(root, '*', '{templates,lib}', '**', '*.{erb,epp,rb}')).sort.each do |f|
  body = File.read(f, encoding: 'UTF-8', invalid: :replace)
  names.each do |name, path|
    refs[path] << { 'file' => f.sub("#{root}/", ''), 'text' => true } if body.include?("'#{name}'") || body.include?("\"#{name}\"")
  end
end

puts JSON.pretty_generate(names.values.sort.to_h { |p| [p, refs[p]] })
FileUtils.rm_rf(scratch)
