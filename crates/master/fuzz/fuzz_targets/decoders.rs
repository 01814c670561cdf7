//! The decoders of what agents and masters send: a catalog request's form body and its facts
//! (encoded twice), a report PUT's JSON, and a dashboard upload (Puppet's YAML or JSON). Every
//! input must decode or fail with an error, never panic, hang or blow up memory.
#![no_main]
use bunraku_master::wire;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = wire::form_params_except(data, "facts");
    if let Some(raw) = wire::raw_form_value(data, "facts") {
        let format = wire::raw_form_value(data, "facts_format").and_then(|f| std::str::from_utf8(f).ok());
        let _ = wire::catalog_facts(raw, format);
    }
    let _ = wire::catalog_facts(data, None);
    let _ = wire::report(data);
    let _ = bunraku_dashboard::queue::parse_upload(Some("application/x-yaml"), data);
    let _ = bunraku_dashboard::queue::parse_upload(Some("application/json"), data);
});
