//! Any manifest must compile or fail with an error, never panic (parser, validator, evaluator).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if text.len() > 4096 {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("site.pp");
    std::fs::write(&path, text).expect("write");
    let env = bunraku_lang::Environment::from_manifest("production", &path, vec![]);
    let req = bunraku_lang::CompileRequest { certname: "fuzz.example.com".into(), ..Default::default() };
    let _ = env.compile(&req);
});
