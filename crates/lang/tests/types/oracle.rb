# Evaluates every expression of cases.tsv with Puppet 7 (Debian's puppet-agent) and writes
# expected.tsv: `id<TAB>ok<TAB>value` or `id<TAB>err<TAB>message`. The expressions run in one
# Puppet process, in a catalog compiler (as in `puppet apply`), each on its own so that an error
# ends only its case. Run by regenerate.sh.
require 'puppet'
require 'puppet_pal'

here = File.dirname(File.expand_path(__FILE__))
tmp = Dir.mktmpdir('bunraku-types')
Puppet.initialize_settings(['--confdir', File.join(tmp, 'c'), '--vardir', File.join(tmp, 'v'), '--strict', 'warning'])
cases = File.readlines(File.join(here, 'cases.tsv'), chomp: true).map { |l| l.split("\t", 3) }
escape = ->(s) { s.gsub('\\', '\\\\\\\\').gsub("\n", '\\n').gsub("\t", '\\t') }
out = []
Puppet::Pal.in_tmp_environment('types', modulepath: [], facts: {}) do |pal|
  pal.with_catalog_compiler do |c|
    cases.each do |id, _group, expr|
      begin
        v = c.evaluate_string(expr)
        out << "#{id}\tok\t#{escape.(v.to_s)}"
      rescue Exception => e
        out << "#{id}\terr\t#{escape.(e.message)}"
      end
    end
  end
end
File.write(File.join(here, 'expected.tsv'), out.join("\n") + "\n")
puts "#{out.size} answers, #{out.count { |l| l.split("\t")[1] == 'err' }} errors"
