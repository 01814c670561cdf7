//! Runaway and deep Puppet code ends in an error that names the file and line, never in a crash
//! or an endless compile (issue 12). Each case is the one the issue describes. These run on the
//! test harness's threads (2 MiB of stack, as small as the master's compile threads), so a
//! recursion that the compiler does not guard would abort this test binary.

use std::path::Path;
use std::time::Duration;

use bunraku_lang::{CompileError, CompileRequest, Environment};

fn environment(dir: &Path, site: &str) -> Environment {
    std::fs::create_dir_all(dir.join("environments/production/manifests")).expect("mkdir");
    std::fs::write(dir.join("environments/production/manifests/site.pp"), site).expect("site.pp");
    Environment::open(&dir.join("environments"), "production", &[]).expect("environment")
}

fn compile(site: &str, time_limit: Option<Duration>) -> Result<bunraku_model::Catalog, Box<CompileError>> {
    let dir = tempfile::tempdir().expect("tempdir");
    let request = CompileRequest { certname: "n1".into(), time_limit, ..Default::default() };
    environment(dir.path(), site).compile(&request).map_err(Box::new)
}

fn notify_message(catalog: &bunraku_model::Catalog) -> serde_json::Value {
    let notify = catalog.resources.iter().find(|r| r.type_name == "Notify").expect("a notify");
    notify.parameters.get("message").cloned().expect("a message")
}

#[test]
fn recursion_puppet_survives_works_and_endless_recursion_is_stack_level_too_deep() {
    // Depth 1,000 (the case): Puppet 7 under `puppet apply` stops near 500, puppetserver's
    // JRuby goes further; we answer.
    let site = "function f(Integer $n) { if $n == 0 { 0 } else { f($n - 1) + 1 } }\n\
                notify { 'x': message => String(f(1000)) }\n";
    assert_eq!(notify_message(&compile(site, None).expect("depth 1,000")), serde_json::json!("1000"));

    let site = "function g(Integer $n) { g($n + 1) }\nnotify { 'x': message => String(g(0)) }\n";
    let e = compile(site, None).expect_err("endless recursion");
    assert!(e.to_string().contains("stack level too deep"), "{e}");
    // Wherever the limit is met, inside the recursive call `g($n + 1)` (columns 26 to 34).
    assert_eq!(e.line, Some(1), "{e}");
    assert!(e.column.is_some_and(|c| (26..=34).contains(&c)), "in the recursive call: {e}");
    assert!(e.file.as_deref().is_some_and(|f| f.ends_with("site.pp")), "{e}");
}

#[test]
fn nesting_past_what_puppet_parses_is_stack_level_too_deep() {
    // Puppet 7 here parses arrays nested 1,100 deep and fails at 1,300 ("stack level too deep").
    let nested =
        |n: usize| format!("$a = {}{}\nnotify {{ 'x': message => 'ok' }}\n", "[".repeat(n), "]".repeat(n));
    compile(&nested(1_100), None).expect("1,100 deep, as Puppet");
    let e = compile(&nested(2_000), None).expect_err("2,000 deep (the issue's case)");
    assert!(e.to_string().contains("stack level too deep"), "{e}");
    assert_eq!(e.line, Some(1), "{e}");

    // `bunraku parser validate` of a 50,000-deep file.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("deep.pp");
    std::fs::write(&file, format!("$a = {}1{}\n", "(".repeat(50_000), ")".repeat(50_000))).expect("write");
    let e = bunraku_lang::validate_file(&file).expect_err("50,000 deep");
    assert!(e.to_string().contains("stack level too deep"), "{e}");
    assert_eq!(e.line, Some(1), "{e}");
}

#[test]
fn a_deep_value_built_at_run_time_is_compiled_and_serialised() {
    // Recursion in Puppet code can build a value far deeper than the parser allows.
    let site = "function f(Integer $n) { if $n == 0 { [] } else { [f($n - 1)] } }\n\
                $v = f(3000)\nnotify { 'x': message => $v }\n";
    let catalog = compile(site, None).expect("a 3,000-deep array");
    let json = serde_json::to_string(&catalog).expect("serialise");
    assert!(json.contains(&"[".repeat(3000)), "the value is kept whole");
}

#[test]
fn a_define_that_declares_itself_forever_stops_as_puppet_does() {
    // The case; Puppet stops with "Somehow looped more than 1000 times".
    let e = compile("define r() { r { \"${title}x\": } }\nr { 'a': }\n", None).expect_err("runaway define");
    assert!(e.to_string().contains("Somehow looped more than 1000 times"), "{e}");
}

#[test]
fn a_compile_past_its_time_limit_fails_where_it_is() {
    let site = "Integer[1, 1000000000000].each |$x| { $y = $x * 2 }\nnotify { 'x': message => 'never' }\n";
    let e = compile(site, Some(Duration::from_secs(1))).expect_err("a compile that would take hours");
    assert!(e.to_string().contains("The compile took longer than its time limit of 1 seconds"), "{e}");
    assert_eq!(e.line, Some(1), "located in the loop: {e}");

    // Loops whose bodies are empty evaluate no expression per turn and must stop all the same.
    let site = "2000.each |$i| { 2000.each |$j| { 2000.each |$k| { } } }\n";
    let e = compile(site, Some(Duration::from_secs(1))).expect_err("8e9 empty turns");
    assert!(e.to_string().contains("The compile took longer than its time limit of 1 seconds"), "{e}");

    // Ruby code is stopped at the compile's limit too, though its own limit is 30 s.
    let site = "notify { 'x': message => inline_template('<% loop do end %>') }\n";
    let e = compile(site, Some(Duration::from_secs(1))).expect_err("a template that never ends");
    assert!(e.to_string().contains("The compile took longer than its time limit of 1 seconds"), "{e}");
}
