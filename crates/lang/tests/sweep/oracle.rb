# oracle.rb WORKDIR ENVPATH NODE... — the sweep's Puppet 7 worker, driven by regenerate.py.
#
# Sets Puppet up once exactly as ../shared/tools/puppet-reference runs it (`puppet catalog find
# NODE --terminus compiler --facts_terminus yaml` with a hermetic confdir, vardir and codedir under
# WORKDIR, ENVPATH as environmentpath, environment `production`), then compiles one case per
# request: a JSON line on stdin {"id", "node", "manifest"}, answered by a JSON line on the
# original stdout {"id", "catalog"} or {"id", "error"}, with "templates" (the .erb/.epp files
# Puppet rendered, as found on the modulepath) and "seconds".
#
# A request may carry "settings" ({"strict_variables": true, "strict": "error"}): set for that
# case only, the defaults restored after it.
#
# Each case writes ENVPATH/production/manifests/site.pp, drops every cached environment and
# compiles in a new one, so each compile starts afresh (loaders, known types, 3.x functions).
# Facts are read by Puppet's yaml terminus from WORKDIR/var/client_yaml/facts/NODE.yaml (written
# by the driver, as puppet-reference writes them).
require 'json'

proto = $stdout.dup
proto.sync = true
$stdout.reopen($stderr) # Puppet's notices must not end up in the answers

workdir, envpath, *nodes = ARGV
abort 'usage: oracle.rb WORKDIR ENVPATH NODE...' if nodes.empty?

require 'puppet'
require 'puppet/util/command_line'

argv = ['catalog', 'find', nodes.first, '--terminus', 'compiler', '--facts_terminus', 'yaml',
        '--environmentpath', envpath, '--environment', 'production',
        '--confdir', "#{workdir}/conf", '--vardir', "#{workdir}/var", '--codedir', workdir,
        '--render-as', 'json', '--color', 'false']
command_line = Puppet::Util::CommandLine.new('puppet', argv)
Puppet.initialize_settings(command_line.args)
app = Puppet::Application.find('catalog').new(command_line)
# Puppet::Application#run's phases up to (not including) run_command, whose `main` would exit.
app.initialize_app_defaults
Puppet::ApplicationSupport.push_application_context(app.class.run_mode, app.class.get_environment_mode)
app.preinit
app.parse_options
app.setup
app.configure_indirector_routes

# The log: what the console destination would print, kept instead of printed.
LOGS = []
Puppet::Util::Log.close(:console)
Puppet::Util::Log.newdestination(Puppet::Test::LogCollector.new(LOGS))

def console_line(msg)
  str = msg.respond_to?(:multiline) ? msg.multiline : msg.to_s
  msg.source == 'Puppet' ? str : "#{msg.source}: #{str}"
end

# The templates each case renders.
RENDERED = []
module SweepErb
  def result(string = nil)
    out = super
    RENDERED << file if string.nil? && file
    out
  end
end
Puppet::Parser::TemplateWrapper.prepend(SweepErb)
module SweepEpp
  def epp(scope, file, env_name, template_args = nil)
    out = super
    found = Puppet::Parser::Files.find_template(file, env_name)
    RENDERED << found if found
    out
  end
end
Puppet::Pops::Evaluator::EppEvaluator.singleton_class.prepend(SweepEpp)

envdir = File.join(envpath, 'production')
site = File.join(envdir, 'manifests', 'site.pp')
strip = ->(s) { s.is_a?(String) && s.start_with?("#{envdir}/") ? s[(envdir.length + 1)..] : s }

$stdin.each_line do |line|
  req = JSON.parse(line)
  File.write(site, req['manifest'])
  # A fresh environment, as push_application_context makes it when `puppet catalog find` starts.
  Puppet.lookup(:environments).clear_all
  env = Puppet.lookup(:environments).get!(Puppet[:environment]).override_from_commandline(Puppet.settings)
  LOGS.clear
  RENDERED.clear
  app.arguments[0] = req['node']
  answer = { 'id' => req['id'] }
  settings = req['settings'] || {}
  saved = settings.keys.to_h { |k| [k, Puppet[k.to_sym]] }
  settings.each { |k, v| Puppet[k.to_sym] = v }
  started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
  begin
    catalog = Puppet.override({ current_environment: env }, 'sweep case') do
      app.face.send(app.action.name, *app.arguments)
    end
    doc = JSON.parse(app.render(catalog, app.arguments))
    %w[version catalog_uuid code_id].each { |k| doc.delete(k) }
    (doc['resources'] || []).each { |r| r['file'] = strip.call(r['file']) if r.key?('file') }
    answer['catalog'] = doc
  rescue Exception => e # rubocop:disable Lint/RescueException -- a case must never stop the run
    raise if e.is_a?(Interrupt)

    first = LOGS.find { |m| m.level == :err }
    text = first ? console_line(first) : "#{e.class}: #{e.message}"
    answer['error'] = text.gsub("#{envdir}/", '')
  end
  saved.each { |k, v| Puppet[k.to_sym] = v }
  answer['seconds'] = (Process.clock_gettime(Process::CLOCK_MONOTONIC) - started).round(3)
  answer['templates'] = RENDERED.uniq.map { |t| strip.call(t) }
  proto.puts(JSON.generate(answer))
end
