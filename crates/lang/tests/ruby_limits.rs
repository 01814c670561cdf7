//! Module Ruby that never ends cannot hang a compile: the call is stopped at its time limit and
//! the compile fails with an error naming the module's file and line (its own test binary, so
//! that the process-wide pool gets a short limit).

use std::path::Path;
use std::time::Duration;

fn environment(dir: &Path, site: &str) -> bunraku_lang::Environment {
    let module = dir.join("environments/production/modules/spin");
    std::fs::create_dir_all(module.join("lib/puppet/functions/spin")).expect("mkdir");
    std::fs::create_dir_all(module.join("templates")).expect("mkdir");
    std::fs::create_dir_all(dir.join("environments/production/manifests")).expect("mkdir");
    std::fs::write(
        module.join("lib/puppet/functions/spin/forever.rb"),
        "Puppet::Functions.create_function(:'spin::forever') do\n  def forever\n    n = 0\n    loop do\n      n += 1\n    end\n  end\nend\n",
    )
    .expect("function");
    std::fs::write(module.join("templates/forever.erb"), "start\n<% while true do %>x<% end %>\n")
        .expect("template");
    std::fs::write(dir.join("environments/production/manifests/site.pp"), site).expect("site.pp");
    bunraku_lang::Environment::open(&dir.join("environments"), "production", &[]).expect("environment")
}

#[test]
fn runaway_ruby_fails_the_compile_where_it_loops() {
    bunraku_ruby::Bridge::configure(bunraku_ruby::Config {
        call_timeout: Duration::from_secs(1),
        ..Default::default()
    });
    let request = bunraku_lang::CompileRequest { certname: "n1".into(), ..Default::default() };

    let dir = tempfile::tempdir().expect("tempdir");
    let env = environment(dir.path(), "notify { 'x': message => spin::forever() }\n");
    let e = env.compile(&request).expect_err("a function that never returns");
    let text = e.to_string();
    assert!(text.contains("Ruby code did not finish within 1 seconds"), "{text}");
    assert!(text.contains("spin/forever.rb:"), "names the function's file and line: {text}");
    assert_eq!(e.line, Some(1), "located at the call: {text}");

    // A template that loops: the template and its line.
    let dir = tempfile::tempdir().expect("tempdir");
    let env = environment(dir.path(), "file { '/tmp/x': content => template('spin/forever.erb') }\n");
    let text = env.compile(&request).expect_err("a template that never ends").to_string();
    assert!(text.contains("forever.erb"), "{text}");
    assert!(text.contains("did not finish within 1 seconds"), "{text}");

    // The pool recovers: the next compile gets a fresh worker and succeeds.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("environments/production/manifests")).expect("mkdir");
    let env = environment(dir.path(), "notify { 'x': message => inline_template('<%= 1 + 1 %>') }\n");
    let catalog = env.compile(&request).expect("compile after a runaway");
    let notify = catalog.resources.iter().find(|r| r.type_name == "Notify").expect("notify");
    assert_eq!(notify.parameters.get("message"), Some(&serde_json::json!("2")));
}
