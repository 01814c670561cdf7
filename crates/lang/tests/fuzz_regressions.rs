//! Inputs `cargo fuzz` found to crash or hang the parser or compiler (`fuzz-regressions/*.pp`, one
//! file each, named for what they exposed). Each must parse and compile to a result or an error,
//! without panicking, in well under the fuzzer's 10-second timeout.

use std::path::Path;
use std::time::{Duration, Instant};

use bunraku_lang::{CompileRequest, Environment};

#[test]
fn fuzz_findings_end_quickly_without_panicking() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    let mut slow = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let start = Instant::now();
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = bunraku_lang::parser::parse(text);
        }
        let env = Environment::from_manifest("production", path, vec![]);
        let request = CompileRequest { certname: "fuzz.example.com".into(), ..Default::default() };
        let _ = env.compile(&request);
        // Generous for an unoptimised build; the hangs found took minutes.
        if start.elapsed() > Duration::from_secs(2) {
            slow.push(format!("{}: {:?}", path.display(), start.elapsed()));
        }
    }
    assert!(slow.is_empty(), "inputs too slow:\n{}", slow.join("\n"));
}
