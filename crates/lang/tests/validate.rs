//! Syntax-error locations, checked against what `puppet parser validate` (7.23) printed for the
//! same files, and properties the master relies on.

use std::path::Path;

use bunraku_lang::{validate_file, Environment};

fn check(src: &str, message: &str, line: Option<u32>, column: Option<u32>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.pp");
    std::fs::write(&path, src).unwrap();
    let err = validate_file(&path).unwrap_err();
    assert_eq!((err.message.as_str(), err.line, err.column), (message, line, column), "{src}");
    assert_eq!(err.file.as_deref(), Some(path.as_path()));
}

#[test]
fn missing_brace_is_at_end_of_input() {
    // Puppet: "Syntax error at end of input (file: /tmp/se/brace.pp)"
    check("class a {\n  notice(\"x\")\n\nnode default {\n}\n", "Syntax error at end of input", None, None);
}

#[test]
fn unterminated_strings() {
    // Puppet: "Unclosed quote after 'x' followed by ')\n}\n...' (line: 3, column: 12)"
    check(
        "class a {\n  $x = \"abc\n  notice($x)\n}\n",
        "Unclosed quote after 'x' followed by ')\\n}\\n...'",
        Some(3),
        Some(12),
    );
    // Puppet: "Unclosed quote after \"'\" followed by 'abc\n...' (line: 1, column: 7)"
    check("$x = 'abc\n", "Unclosed quote after \"'\" followed by 'abc\\n...'", Some(1), Some(7));
}

#[test]
fn unexpected_tokens() {
    // Puppet: "Syntax error at 'owner' (line: 3, column: 3)"
    check(
        "file { '/a':\n  mode => '0644'\n  owner => 'root',\n}\n",
        "Syntax error at 'owner'",
        Some(3),
        Some(3),
    );
    // Puppet: "Syntax error at '}' (line: 3, column: 2)"
    check("$x = {\n  'a' => 1,\n}}\n", "Syntax error at '}'", Some(3), Some(2));
}

#[test]
fn double_star_parses_and_fails_at_evaluation() {
    // `puppet parser validate` accepts `2 ** 3` (it is `2 * *3`); compiling fails at the splat,
    // "The value '[3]' cannot be converted to Numeric. (line: 2, column: 9)" (the `eval_error_pow` case).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pow.pp");
    std::fs::write(&path, "$x = 2\n$y = 2 ** 3\n").unwrap();
    validate_file(&path).unwrap();
    let env = Environment::from_manifest("production", &path, vec![]);
    let err = env.compile(&Default::default()).unwrap_err();
    assert_eq!((err.line, err.column), (Some(2), Some(9)));
    assert!(err.to_string().contains("The value '[3]' cannot be converted to Numeric."));
}

#[test]
fn environment_is_shared_across_threads_and_reparses_changed_files() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Environment>();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.pp");
    std::fs::write(&path, "notify { 'one': }\n").unwrap();
    let env = Environment::from_manifest("production", &path, vec![]);
    let req = bunraku_lang::CompileRequest { certname: "n.example.com".into(), ..Default::default() };
    let titles = |env: &Environment| -> Vec<String> {
        env.compile(&req).unwrap().resources.iter().map(|r| r.title.clone()).collect()
    };
    assert!(titles(&env).contains(&"one".to_string()));
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&path, "notify { 'two': }\n").unwrap();
    filetime_touch(&path);
    assert!(titles(&env).contains(&"two".to_string()));
}

/// Makes sure the mtime moves even on coarse-grained filesystems.
fn filetime_touch(path: &Path) {
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(2);
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(later).unwrap();
}

#[test]
fn assignment_to_what_is_not_a_variable_names_it_as_puppet_does() {
    // What `puppet parser validate` 7.23 printed for each line on its own (line 1, at the column
    // given: an operator expression is located at its operator, a list at its offending element).
    for (src, what, column) in [
        ("Foo = 3", "'a Type-Name'", 1),
        ("(1) = 2", "'a Parenthesized Expression'", 1),
        ("/x/ = 1", "'a Regular Expression'", 1),
        ("-1 = 2", "'an Unary Minus'", 1),
        ("1 + 1 = 2", "'a '+' expression'", 3),
        ("undef = 1", "'an 'undef' expression'", 1),
        ("default = 1", "'a 'default' expression'", 1),
        ("1 = 2", "'a Literal Integer'", 1),
        ("1.5 = 2", "'a Literal Float'", 1),
        ("'s' = 1", "'a String'", 1),
        ("\"a${b}\" = 1", "'a Double Quoted String'", 1),
        ("x = 1", "'a Name'", 1),
        ("true = 1", "'a Boolean'", 1),
        ("1 == 1 = 2", "'a '==' expression'", 3),
        ("true and false = 1", "'an 'and' expression'", 6),
        ("!true = 1", "'a 'not' expression'", 1),
        ("[1] = 2", "'a Literal Integer'", 2),
        ("{} = 1", "'a Hash Expression'", 1),
        ("1 in [1] = 1", "'an 'in' expression'", 3),
    ] {
        let message = format!("Illegal attempt to assign to {what}. Not an assignable reference");
        check(&format!("{src}\n"), &message, Some(1), Some(column));
    }
    check(
        "$a[1] = 2\n",
        "Illegal attempt to assign via [index/key]. Not an assignable reference",
        Some(1),
        Some(1),
    );
}
