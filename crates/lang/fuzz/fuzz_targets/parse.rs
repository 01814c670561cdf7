//! Any input must parse or fail with a located error, never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = bunraku_lang::parser::parse(text);
    }
});
