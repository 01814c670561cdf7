//! Issue 12: 29 MB of facts cost the master ~820 MB. What decoding a catalog request's facts
//! costs, measured by counting every allocation of this test process (its own binary, so the
//! counter sees nothing else): the peak above the request body, for the streaming decoder the
//! master uses and for the copy-by-copy decoding it replaced.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use bunraku_model::Facts;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The peak of live bytes while `f` runs, above what was live when it started, and its result.
fn peak_of<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    (PEAK.load(Ordering::Relaxed) - base, out)
}

/// A large node's facts, shaped as real ones are: many small hashes of short strings (packages,
/// mount points, network interfaces), ~29 MB of JSON.
fn big_facts_json() -> String {
    let mut packages = serde_json::Map::new();
    for i in 0..330_000 {
        packages.insert(
            format!("package-number-{i}"),
            serde_json::json!({"version": format!("1.{i}.3-1+deb12u{}", i % 7), "provider": "apt", "arch": "amd64"}),
        );
    }
    let facts = serde_json::json!({
        "name": "big.example.com",
        "values": {"kernel": "Linux", "packages": packages, "note": "50% + more"},
    });
    facts.to_string()
}

/// The catalog POST body as Puppet's agent builds it: the JSON percent-encoded, then the whole
/// form encoded again.
fn agent_body(json: &str) -> Vec<u8> {
    let once = percent_encoding::utf8_percent_encode(json, percent_encoding::NON_ALPHANUMERIC).to_string();
    form_urlencoded::Serializer::new(String::new())
        .append_pair("facts_format", "application/json")
        .append_pair("facts", &once)
        .append_pair("environment", "production")
        .finish()
        .into_bytes()
}

#[test]
fn decoding_facts_costs_the_facts_not_copies_of_the_body() {
    let json = big_facts_json();
    let body = agent_body(&json);
    let json_len = json.len();
    drop(json);

    // What the master did: every parameter copied out of the body, the facts decoded a second
    // time into another string, then parsed.
    let (old_peak, old) = peak_of(|| {
        let params: Vec<(String, String)> =
            form_urlencoded::parse(&body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        let raw = &params.iter().find(|(k, _)| k == "facts").unwrap().1;
        let text = percent_encoding::percent_decode_str(raw).decode_utf8().unwrap().into_owned();
        serde_json::from_str::<Facts>(&text).unwrap()
    });
    let old_len = old.values["packages"].as_object().unwrap().len();
    drop(old);

    let (new_peak, new) = peak_of(|| {
        let raw = bunraku_master::wire::raw_form_value(&body, "facts").unwrap();
        bunraku_master::wire::catalog_facts(raw, Some("application/json")).unwrap()
    });
    assert_eq!(new.values["packages"].as_object().unwrap().len(), old_len);
    assert_eq!(new.values["note"], "50% + more");

    let mib = |n: usize| n as f64 / (1024.0 * 1024.0);
    eprintln!(
        "facts JSON {:.1} MiB, body {:.1} MiB; peak above the body: before {:.1} MiB, now {:.1} MiB",
        mib(json_len),
        mib(body.len()),
        mib(old_peak),
        mib(new_peak)
    );
    assert!(json_len > 28 * 1024 * 1024, "{json_len}");
    // The copies were at least the body once more (form-decoded) and the JSON text (decoded
    // again): the streaming decoder holds neither.
    assert!(new_peak + json_len + body.len() / 2 < old_peak, "old {old_peak}, new {new_peak}");
}
