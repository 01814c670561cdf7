//! `bunraku parser validate FILE…` against what `puppet parser validate` (7.23) printed for the same
//! files (`parser-validate/CASE/expected`, recorded by `parser-validate.sh`): the exit status and every
//! log line, in order. Several files in one run share Puppet's loader: a defined type, function or
//! type alias defined twice ends the run; a class, define or node defined twice in one file is an
//! error of that file. Our diagnostics add the source line under an error; only Puppet's log lines
//! are compared.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn log_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| ["Error: ", "Warning: ", "Notice: "].iter().any(|p| l.starts_with(p)))
        // The one line that names the program.
        .map(|l| l.replace("'bunraku help parser validate'", "'puppet help parser validate'"))
        .collect()
}

#[test]
fn several_files_validate_as_puppet_validates_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parser-validate");
    let mut cases: Vec<_> = std::fs::read_dir(&root).unwrap().flatten().map(|e| e.path()).collect();
    cases.sort();
    assert!(cases.len() >= 10, "cases missing in {}", root.display());
    let mut differ = Vec::new();
    for case in &cases {
        let dir = case.canonicalize().unwrap();
        let stdin = std::fs::read(dir.join("stdin")).ok();
        let args = std::fs::read_to_string(dir.join("args")).unwrap_or_default();
        let expected = std::fs::read_to_string(dir.join("expected")).unwrap();
        let (status, output) = expected.split_once('\n').unwrap();
        let output = output.replace("@DIR@", &dir.display().to_string());
        let mut child = Command::new(common::BUNRAKU)
            .args(["parser", "validate"])
            .args(args.split_whitespace())
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Without files the code comes on standard input (closed at once when there is none).
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.as_deref().unwrap_or_default()).unwrap();
        drop(input);
        let ran = child.wait_with_output().unwrap();
        let ours =
            format!("{}{}", String::from_utf8_lossy(&ran.stdout), String::from_utf8_lossy(&ran.stderr));
        let got = (ran.status.code().map(|c| c.to_string()), log_lines(&ours));
        let want = (Some(status.to_string()), log_lines(&output));
        if got != want {
            differ.push(format!("{}:\n  puppet:  {want:?}\n  bunraku: {got:?}", dir.display()));
        }
    }
    assert!(differ.is_empty(), "{} of {} cases differ:\n{}", differ.len(), cases.len(), differ.join("\n"));
}
