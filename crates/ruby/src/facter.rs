//! Custom facts: the `lib/facter/*.rb` files modules carry, resolved in a worker by the shim's
//! Facter (`ruby/facter.rb`) over the facts the agent resolved natively.
//!
//! Errors follow facter's policy: a file that does not load, or a fact whose code raises, is
//! logged and left out, and every other fact is still resolved; only a worker that cannot start or
//! stops (a crash, the time limit) fails the whole resolution. No worker is started when there are
//! no files.

use std::path::PathBuf;

use std::cmp::Ordering;

use crate::{Bridge, Host, RubyError, Session, Value};

/// What a custom fact resolution is given.
#[derive(Debug, Clone, Default)]
pub struct FactRequest {
    /// The fact files, in the order facter loads them (directory by directory, names sorted).
    pub files: Vec<PathBuf>,
    /// The core facts, by name (`Facter.value` answers from them; a custom fact of the same name
    /// replaces one only with a weight above 0).
    pub core: Vec<(String, Value)>,
    /// The external facts (`facts.d`), which beat custom facts up to weight 10000.
    pub external: Vec<(String, Value)>,
    /// The Puppet settings fact code may read (`Puppet[:vardir]`), as the agent has them.
    pub settings: Vec<(String, String)>,
    /// The agent's environment (`Puppet[:environment]`).
    pub environment: String,
    /// The provider Puppet would pick by default for each of its own types on this node
    /// (`package` → `apt`): stdlib's `package_provider` and `service_provider` facts ask Puppet's
    /// type system, which the shim does not load.
    pub providers: Vec<(String, String)>,
    /// What `Facter.version` says.
    pub facter_version: String,
}

/// The outcome of a resolution.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomFacts {
    /// The custom facts whose value comes from their own code, after facter's precedence rules
    /// (so each one replaces a core or external fact of the same name), in definition order.
    pub facts: Vec<(String, Value)>,
    /// Every fact name the files define, resolved or not.
    pub defined: Vec<String>,
    /// The errors that were logged (files that failed to load, facts whose code raised).
    pub errors: Vec<String>,
}

/// Resolves the custom facts of `request.files` in a worker of `bridge`. The bridge's call time
/// limit bounds the whole resolution.
pub fn resolve_custom_facts(bridge: &Bridge, request: &FactRequest) -> Result<CustomFacts, RubyError> {
    if request.files.is_empty() {
        return Ok(CustomFacts::default());
    }
    let pairs = |items: &[(String, String)]| {
        Value::Hash(items.iter().map(|(k, v)| (Value::Str(k.clone()), Value::Str(v.clone()))).collect())
    };
    let facts = |items: &[(String, Value)]| {
        Value::Hash(items.iter().map(|(k, v)| (Value::Str(k.clone()), v.clone())).collect())
    };
    let context = Value::Hash(vec![
        (Value::Str("environment".into()), Value::Str(request.environment.clone())),
        (Value::Str("modulepath".into()), Value::Array(Vec::new())),
        (Value::Str("settings".into()), pairs(&request.settings)),
    ]);
    let options = Value::Hash(vec![
        (Value::Str("facter_version".into()), Value::Str(request.facter_version.clone())),
        (Value::Str("providers".into()), pairs(&request.providers)),
    ]);
    let files = Value::Array(request.files.iter().map(|f| Value::Str(f.display().to_string())).collect());
    let session = bridge.session(context);
    let answer = session.call(
        "facts",
        vec![files, facts(&request.core), facts(&request.external), options],
        &mut FactHost,
    )?;
    Ok(read_answer(answer))
}

/// What the shim asks the host while facts resolve: the few Puppet utilities fact code uses that
/// the shim answers by calling back (the compiler answers them while compiling).
struct FactHost;

impl Host for FactHost {
    fn callback(&mut self, _: &Session<'_>, name: &str, args: Vec<Value>) -> Result<Value, RubyError> {
        let text = |i: usize| match args.get(i) {
            Some(Value::Str(s)) => s.clone(),
            _ => String::new(),
        };
        match name {
            "versioncmp" => {
                let ignore_trailing_zeroes = matches!(args.get(2), Some(Value::Bool(true)));
                Ok(Value::Int(versioncmp(&text(0), &text(1), ignore_trailing_zeroes) as i64))
            }
            "stacktrace" => Ok(Value::Array(Vec::new())),
            other => {
                Err(RubyError::raised("Puppet::DevError", format!("'{other}' is not available to facts")))
            }
        }
    }
}

/// Puppet's `Puppet::Util::Package.versioncmp`: versions cut into `-`, `.`, digit runs and other
/// runs, compared piece by piece (`-` before `.` before anything else, numbers as numbers unless
/// one has a leading zero, the rest as upper-cased text); when one runs out, the whole strings
/// decide.
pub fn versioncmp(a: &str, b: &str, ignore_trailing_zeroes: bool) -> i32 {
    let (a, b) = if ignore_trailing_zeroes {
        (without_trailing_zeroes(a), without_trailing_zeroes(b))
    } else {
        (a.to_string(), b.to_string())
    };
    let (ta, tb) = (version_pieces(&a), version_pieces(&b));
    for (x, y) in ta.iter().zip(tb.iter()) {
        let ord = match (x.as_str(), y.as_str()) {
            _ if x == y => continue,
            ("-", _) => Ordering::Less,
            (_, "-") => Ordering::Greater,
            (".", _) => Ordering::Less,
            (_, ".") => Ordering::Greater,
            _ if is_digits(x) && is_digits(y) && !x.starts_with('0') && !y.starts_with('0') => {
                let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                x.len().cmp(&y.len()).then_with(|| x.cmp(y))
            }
            _ => x.to_uppercase().cmp(&y.to_uppercase()),
        };
        return ord as i32;
    }
    a.cmp(&b) as i32
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit())
}

/// `-` and `.` alone, runs of digits, runs of anything else.
fn version_pieces(v: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let class = |c: char| match c {
        '-' | '.' => 0,
        '0'..='9' => 1,
        _ => 2,
    };
    let mut last = None;
    for c in v.chars() {
        let k = class(c);
        match out.last_mut() {
            Some(cur) if k != 0 && last == Some(k) => cur.push(c),
            _ => out.push(c.to_string()),
        }
        last = Some(k);
    }
    out
}

/// `1.10.0-3` → `1.1-3`: the trailing zeros and dots of the part before the first `-` dropped.
fn without_trailing_zeroes(v: &str) -> String {
    let mut parts: Vec<&str> = v.split('-').collect();
    while parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    let first = parts.first().map(|p| p.trim_end_matches(['.', '0'])).unwrap_or("");
    std::iter::once(first).chain(parts.iter().skip(1).copied()).collect::<Vec<_>>().join("-")
}

/// The op's answer: `{'facts' => {name => value}, 'defined' => [names], 'errors' => [messages]}`.
fn read_answer(answer: Value) -> CustomFacts {
    let mut out = CustomFacts::default();
    let Value::Hash(parts) = answer else { return out };
    for (key, value) in parts {
        match (key, value) {
            (Value::Str(k), Value::Hash(facts)) if k == "facts" => {
                out.facts = facts
                    .into_iter()
                    .filter_map(|(name, v)| match name {
                        Value::Str(name) => Some((name, v)),
                        _ => None,
                    })
                    .collect();
            }
            (Value::Str(k), Value::Array(names)) if k == "defined" => out.defined = strings(names),
            (Value::Str(k), Value::Array(messages)) if k == "errors" => out.errors = strings(messages),
            _ => {}
        }
    }
    out
}

fn strings(values: Vec<Value>) -> Vec<String> {
    values
        .into_iter()
        .filter_map(|v| match v {
            Value::Str(s) => Some(s),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::Config;

    fn s(v: &str) -> Value {
        Value::Str(v.into())
    }

    fn hash(pairs: &[(&str, Value)]) -> Value {
        Value::Hash(pairs.iter().map(|(k, v)| (s(k), v.clone())).collect())
    }

    /// Resolves `files` (name, source) over a few core and external facts.
    fn resolve(files: &[(&str, &str)]) -> CustomFacts {
        let dir = tempfile::tempdir().unwrap();
        let lib = dir.path().join("lib/facter");
        std::fs::create_dir_all(&lib).unwrap();
        let mut paths = Vec::new();
        for (name, source) in files {
            std::fs::write(lib.join(name), source).unwrap();
            paths.push(lib.join(name));
        }
        let request = FactRequest {
            files: paths,
            core: vec![
                ("kernel".into(), s("Linux")),
                ("timezone".into(), s("UTC")),
                ("hostname".into(), s("node")),
                ("kernelversion".into(), s("6.1.0")),
                ("kernelmajversion".into(), s("6.1")),
                ("os".into(), hash(&[("family", s("Debian")), ("release", hash(&[("major", s("12"))]))])),
                ("processors".into(), hash(&[("models", Value::Array(vec![s("cpu0"), s("cpu1")]))])),
            ],
            external: vec![("ext_light".into(), s("external")), ("ext_heavy".into(), s("external"))],
            settings: vec![("vardir".into(), "/var/cache/puppet".into())],
            environment: "production".into(),
            providers: vec![("package".into(), "apt".into()), ("service".into(), "systemd".into())],
            facter_version: "4.3.0".into(),
        };
        let bridge = Bridge::new(Config { call_timeout: Duration::from_secs(30), ..Config::default() });
        resolve_custom_facts(&bridge, &request).unwrap()
    }

    fn get<'a>(facts: &'a CustomFacts, name: &str) -> Option<&'a Value> {
        facts.facts.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The DSL on cases facter 4.3.0 answered on Debian 12 for the same file (`facter --json
    /// --custom-dir`, with `ext_light` and `ext_heavy` as external facts): each expectation is
    /// facter's answer, except the last three, which ask Puppet (facter alone has no `Puppet`; they
    /// are what Puppet's agent answers, with the settings and providers the agent passes).
    #[test]
    fn the_dsl_resolves_as_facter_does() {
        let out = resolve(&[(
            "dsl.rb",
            r#"
Facter.add(:kernel) { setcode { 'unweighted' } }
Facter.add(:timezone) { has_weight 1; setcode { 'weighted' } }
Facter.add(:hostname) { confine kernel: 'Linux'; setcode { 'confined' } }
Facter.add(:kernelmajversion) { confine kernel: 'linux'; has_weight 0; setcode { 'weight 0' } }
Facter.add(:kernelversion) { confine { true }; setcode { 'confine block' } }
Facter.add('os.family') { has_weight 5; setcode { 'dotted' } }
Facter.add(:sym) { setcode { :sym } }
Facter.add(:time) { setcode { Time.at(0).utc } }
Facter.add(:raises) { setcode { raise 'boom' } }
Facter.add(:heavy_raises) { has_weight 10; setcode { raise 'first' } }
Facter.add(:heavy_raises) { has_weight 5; setcode { 'second' } }
Facter.add(:heavy_nil) { has_weight 10; setcode { nil } }
Facter.add(:heavy_nil) { has_weight 5; setcode { 'second' } }
Facter.add(:object) { setcode { Object.new } }
Facter.add(:family) { setcode { Facter.value('os.family') } }
Facter.add(:model) { setcode { Facter.value('processors.models.1') } }
Facter.add(:cycle_a) { setcode { Facter.value(:cycle_b) } }
Facter.add(:cycle_b) { setcode { Facter.value(:cycle_a) } }
Facter.add(:command) { setcode 'echo hi; echo err >&2' }
Facter.add(:empty_command) { setcode 'true' }
Facter.add(:exit_status) { setcode { Facter::Core::Execution.execute('echo out; exit 3') } }
Facter.add(:not_found) { setcode { Facter::Core::Execution.execute('nonexistent-cmd-x') } }
Facter.add(:not_found_exec) { setcode { Facter::Core::Execution.exec('nonexistent-cmd-x').inspect } }
Facter.add(:locale) { setcode { Facter::Core::Execution.execute('echo $LANG-$LC_ALL') } }
Facter.add(:keys) { setcode { {a: 1, 'b' => [:c]} } }
Facter.add(:agg, type: :aggregate) do
  chunk(:one) { {'a' => [1]} }
  chunk(:two) { {'a' => [2], 'b' => 1} }
end
Facter.add(:agg_sum, type: :aggregate) do
  chunk(:two, require: [:one]) { |one| one + 1 }
  chunk(:one) { 1 }
  aggregate { |h| h.values.sum }
end
Facter.add(:slow, timeout: 1) { setcode { sleep 3; 'late' } }
Facter.add(:float) { setcode { 1.5 } }
Facter.add(:ext_light) { setcode { 'custom' } }
Facter.add(:ext_heavy) { has_weight 20000; setcode { 'custom' } }
Facter.add(:confine_block_value) { confine(:kernel) { |v| v == 'Linux' }; setcode { 'ok' } }
Facter.add(:confine_list) { confine kernel: %w[linux Darwin]; setcode { 'ok' } }
Facter.add(:confine_symbol) { confine kernel: :linux; setcode { 'ok' } }
Facter.add(:confine_regexp) { confine kernel: /^Lin/; setcode { 'ok' } }
Facter.add(:confine_regexp_lower) { confine kernel: /^lin/; setcode { 'ok' } }
Facter.add(:confine_proc) { confine kernel: ->(v) { v.start_with?('li') }; setcode { 'ok' } }
Facter.add(:confine_custom) { confine float: 1.5; setcode { 'ok' } }
Facter.add(:confine_missing) { confine nosuch: 'x'; setcode { 'ok' } }
Facter.add(:value_option, value: 'v') { }
Facter.add(:version) { setcode { [Facter.version, Facter::VERSION] } }
Facter.add(:fact_objects) { setcode { [Facter.fact(:kernel).value, Facter[:kernel].name, Facter.fact(:nosuch), Facter.fact(:heavy_nil).class.to_s] } }
Facter.add(:which) { setcode { [Facter::Util::Resolution.which('sh') == Facter::Core::Execution.which('sh'), Facter::Core::Execution.which('/nonexistent'), Facter::Core::Execution.absolute_path?('/x'), Facter::Core::Execution.absolute_path?('C:\\x', :windows)] } }
Facter.add(:puppet_vardir) { setcode { Puppet[:vardir] } }
Facter.add(:providers) { setcode { [Puppet::Type.type(:package).newpackage(name: 'dummy', allow_virtual: 'true')[:provider].to_s, Puppet::Type.type(:service).newservice(name: 'dummy')[:provider].to_s] } }
Facter.add(:versioncmp) { setcode { [Puppet::Util::Package.versioncmp('1.10', '1.9'), Puppet::Util::Package.versioncmp('4.3.0', '2.0.1')] } }
"#,
        )]);
        let expected = [
            ("timezone", s("weighted")),
            ("hostname", s("confined")),
            ("kernelversion", s("confine block")),
            ("os.family", s("dotted")),
            ("sym", s("sym")),
            ("time", s("1970-01-01T00:00:00Z")),
            ("heavy_nil", s("second")),
            ("family", s("dotted")),
            ("model", s("cpu1")),
            ("command", s("hi")),
            ("exit_status", s("out")),
            ("not_found_exec", s("nil")),
            ("locale", s("C-C")),
            ("keys", hash(&[("a", Value::Int(1)), ("b", Value::Array(vec![s("c")]))])),
            ("agg", hash(&[("a", Value::Array(vec![Value::Int(1), Value::Int(2)])), ("b", Value::Int(1))])),
            ("agg_sum", Value::Int(3)),
            ("float", Value::Float(1.5)),
            ("ext_heavy", s("custom")),
            ("confine_list", s("ok")),
            ("confine_symbol", s("ok")),
            ("confine_regexp_lower", s("ok")),
            ("confine_proc", s("ok")),
            ("confine_custom", s("ok")),
            ("value_option", s("v")),
            ("version", Value::Array(vec![s("4.3.0"), s("4.3.0")])),
            (
                "fact_objects",
                Value::Array(vec![s("Linux"), s("kernel"), Value::Undef, s("Facter::ResolvedFact")]),
            ),
            (
                "which",
                Value::Array(vec![Value::Bool(true), Value::Undef, Value::Bool(true), Value::Bool(true)]),
            ),
            ("puppet_vardir", s("/var/cache/puppet")),
            ("providers", Value::Array(vec![s("apt"), s("systemd")])),
            ("versioncmp", Value::Array(vec![Value::Int(1), Value::Int(1)])),
        ];
        for (name, value) in &expected {
            assert_eq!(get(&out, name), Some(value), "{name}: {:?}", out.errors);
        }
        // Left out: core facts a custom fact may not replace (no weight, or weight 0), an external
        // fact of weight 10000 over a lighter custom fact, facts whose code raised (the heavier
        // resolution's error stops the search), timed out, gave an object, depend on each other,
        // or whose confines do not hold (values are compared downcased).
        for name in [
            "kernel",
            "kernelmajversion",
            "ext_light",
            "raises",
            "heavy_raises",
            "object",
            "cycle_a",
            "cycle_b",
            "empty_command",
            "not_found",
            "slow",
            "confine_block_value",
            "confine_regexp",
            "confine_missing",
        ] {
            assert_eq!(get(&out, name), None, "{name}");
            assert!(out.defined.iter().any(|d| d == name), "{name} is defined");
        }
        assert_eq!(out.facts.len(), expected.len(), "{:?}", out.facts);
        let logged = out.errors.join("\n");
        for message in [
            "Error while resolving custom fact fact='raises', resolution='<anonymous>': boom",
            "Error while resolving custom fact fact='heavy_raises', resolution='<anonymous>': first",
            "Caught recursion on cycle_",
            "Could not execute 'nonexistent-cmd-x': command not found",
            "Timed out after 1 seconds while resolving fact='slow'",
            "Fact resolution fact='object', resolution='<anonymous>' resolved to an invalid value",
        ] {
            assert!(logged.contains(message), "{message} not in:\n{logged}");
        }
    }

    /// A file that fails to load costs its own facts only; facts defined by other files, and
    /// `Facter.value` of a fact in a file not loaded yet (found by its file name), still resolve.
    #[test]
    fn files_load_in_order_and_one_failing_file_costs_only_its_facts() {
        let out = resolve(&[
            ("a_uses_later.rb", "Facter.add(:early) { setcode { Facter.value(:later).to_s + '!' } }\n"),
            ("b_broken.rb", "Facter.add(:lost) { setcode { 1 } }\nthis is not ruby (\n"),
            ("c_raises.rb", "Facter.add(:defined_before_raise) { setcode { 2 } }\nraise 'at load'\n"),
            ("later.rb", "Facter.add(:later) { setcode { 'late' } }\n"),
            ("util_user.rb", "require 'facter/util/helper'\nFacter.add(:helped) { setcode { Facter::Util::Helper.answer } }\n"),
        ]);
        assert_eq!(get(&out, "early"), Some(&s("late!")));
        assert_eq!(get(&out, "later"), Some(&s("late")));
        assert_eq!(get(&out, "lost"), None);
        assert_eq!(get(&out, "defined_before_raise"), Some(&Value::Int(2)));
        assert!(
            out.errors.iter().any(|e| e.starts_with("Error loading fact") && e.contains("b_broken.rb")),
            "{:?}",
            out.errors
        );
        assert!(out.errors.iter().any(|e| e.contains("c_raises.rb at load")), "{:?}", out.errors);
        // `require 'facter/util/helper'` needs the helper under lib/facter/util: missing here.
        assert_eq!(get(&out, "helped"), None);
    }

    #[test]
    fn a_helper_under_lib_is_found_by_require() {
        let dir = tempfile::tempdir().unwrap();
        let lib = dir.path().join("lib/facter");
        std::fs::create_dir_all(lib.join("util")).unwrap();
        std::fs::write(
            lib.join("util/helper.rb"),
            "module Facter::Util::Helper\n  def self.answer = 42\nend\n",
        )
        .unwrap();
        std::fs::write(
            lib.join("user.rb"),
            "require 'facter/util/helper'\nFacter.add(:helped) { setcode { Facter::Util::Helper.answer } }\n",
        )
        .unwrap();
        let request = FactRequest {
            files: vec![lib.join("user.rb")],
            facter_version: "4.3.0".into(),
            ..Default::default()
        };
        let bridge = Bridge::new(Config::default());
        let out = resolve_custom_facts(&bridge, &request).unwrap();
        assert_eq!(out.facts, [("helped".to_string(), Value::Int(42))], "{:?}", out.errors);
    }

    /// Module code the compiler runs sees the compiling machine's facts through `facter_value`.
    #[test]
    fn facter_outside_a_resolution_asks_the_compiler() {
        struct Compiler;
        impl Host for Compiler {
            fn callback(
                &mut self,
                _: &Session<'_>,
                name: &str,
                args: Vec<Value>,
            ) -> Result<Value, RubyError> {
                match (name, args.first()) {
                    ("facter_value", Some(Value::Str(f))) if f == "os.family" => Ok(s("Debian")),
                    ("facter_value", _) => Ok(Value::Undef),
                    _ => Err(RubyError::raised("Puppet::DevError", name)),
                }
            }
        }
        let bridge = Bridge::new(Config::default());
        let session =
            bridge.session(hash(&[("environment", s("production")), ("modulepath", Value::Array(vec![]))]));
        let code = "[Facter.value('OS.family'), Facter.value(:nosuch), Facter.fact('os.family').value, Facter['nosuch']]";
        let answer = session.call("eval_for_test", vec![s(code)], &mut Compiler).unwrap();
        assert_eq!(answer, Value::Array(vec![s("Debian"), Value::Undef, s("Debian"), Value::Undef]));
        // Where the host has no facts, there are none.
        let answer =
            session.call("eval_for_test", vec![s("Facter.value(:kernel)")], &mut crate::NoHost).unwrap();
        assert_eq!(answer, Value::Undef);
    }

    #[test]
    fn no_files_start_no_worker() {
        let bridge = Bridge::new(Config::default());
        let out = resolve_custom_facts(&bridge, &FactRequest::default()).unwrap();
        assert_eq!(out, CustomFacts::default());
        assert_eq!(bridge.stats().workers_started, 0);
    }

    #[test]
    fn versioncmp_is_puppets() {
        let cases = [
            ("1.10", "1.9", 1),
            ("1.0", "1.0", 0),
            ("1.0", "1.0.1", -1),
            ("1.0-2", "1.0.2", -1),
            ("2.0a", "2.0b", -1),
            ("1.01", "1.1", -1),
            ("1.1", "1.01", 1),
            ("10.11.19", "8.0", 1),
            ("unstable", "8.0", 1),
            ("1.a", "1.A", 0),
            ("99999999999999999999999", "1", 1),
        ];
        for (a, b, want) in cases {
            assert_eq!(versioncmp(a, b, false), want, "{a} <=> {b}");
        }
        assert_eq!(versioncmp("1.10.0", "1.1", true), 0);
        assert_eq!(versioncmp("1.0.0-3", "1-3", true), 0);
    }
}
