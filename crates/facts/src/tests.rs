//! Compares Bunraku's facts with real facter's on this machine (skipped where facter is absent).

use super::*;

fn facter() -> Option<serde_json::Value> {
    let out = std::process::Command::new("facter").args(["--show-legacy", "--json"]).output().ok()?;
    serde_json::from_slice(&out.stdout).ok()
}

fn at<'v>(v: &'v Value, path: &str) -> &'v Value {
    path.split('.').fold(v, |cur, key| cur.get(key).unwrap_or(&Value::Null))
}

#[test]
fn matches_facter_on_stable_facts() {
    let ours = Value::Object(resolve().into_iter().collect());
    let theirs = facter().expect("facter 4.3 is missing: .ci/run installs it (apt-get install facter)");
    let stable = [
        "os.name",
        "os.family",
        "os.release",
        "os.distro",
        "os.architecture",
        "os.hardware",
        "os.selinux",
        "kernel",
        "kernelrelease",
        "kernelversion",
        "kernelmajversion",
        "networking.hostname",
        "networking.fqdn",
        "networking.domain",
        "networking.ip",
        "networking.ip6",
        "networking.mac",
        "networking.mtu",
        "networking.netmask",
        "networking.network",
        "networking.primary",
        "processors.count",
        "processors.physicalcount",
        "processors.models",
        "processors.isa",
        "memory.system.total_bytes",
        "memory.system.total",
        "identity",
        "timezone",
        "path",
        "hostname",
        "fqdn",
        "domain",
        "operatingsystem",
        "osfamily",
        "operatingsystemrelease",
        "operatingsystemmajrelease",
        "architecture",
        "hardwaremodel",
        "ipaddress",
        "ipaddress6",
        "macaddress",
        "netmask",
        "network",
        "processorcount",
        "physicalprocessorcount",
        "processor0",
        "memorysize",
        "lsbdistcodename",
        "lsbdistid",
        "lsbdistrelease",
        "lsbmajdistrelease",
        "lsbdistdescription",
        "interfaces",
        "id",
        "gid",
    ];
    let mut diffs = Vec::new();
    for key in stable {
        let (a, b) = (at(&ours, key), at(&theirs, key));
        if a != b {
            diffs.push(format!("{key}: ours {a} facter {b}"));
        }
    }
    // Every interface facter sees, with the same IPv4 bindings and MAC.
    if let Some(ifaces) = at(&theirs, "networking.interfaces").as_object() {
        for (name, f) in ifaces {
            for key in ["bindings", "bindings6", "mac", "mtu", "ip", "ip6"] {
                let (a, b) = (
                    at(&ours, &format!("networking.interfaces.{name}.{key}")),
                    f.get(key).unwrap_or(&Value::Null),
                );
                if a != b {
                    diffs.push(format!("networking.interfaces.{name}.{key}: ours {a} facter {b}"));
                }
            }
        }
    }
    assert!(diffs.is_empty(), "differences from facter:\n{}", diffs.join("\n"));
}

#[test]
fn resolves_quickly_and_has_the_core_facts() {
    let start = std::time::Instant::now();
    let facts = resolve();
    assert!(start.elapsed() < std::time::Duration::from_millis(500));
    for key in [
        "os",
        "kernel",
        "networking",
        "processors",
        "memory",
        "identity",
        "hostname",
        "fqdn",
        "facterversion",
        "is_virtual",
        "virtual",
        "system_uptime",
    ] {
        assert!(facts.contains_key(key), "missing {key}");
    }
}

#[test]
fn formats() {
    assert_eq!(human_bytes(25276502016), "23.54 GiB");
    assert_eq!(human_bytes(512), "512 bytes");
    assert_eq!(uptime_text(3 * 86400 + 5), "3 days");
    assert_eq!(uptime_text(86400), "1 day");
    assert_eq!(uptime_text(4 * 3600 + 5 * 60), "4:05 hours");
    assert_eq!(uptime_text(720), "12 minutes");
}

/// Values that change between two calls (memory in use, load, uptime, disk usage).
fn volatile(path: &str) -> bool {
    const PREFIXES: [&str; 6] =
        ["memory.system.", "memory.swap.", "load_averages", "system_uptime", "uptime", "memoryfree"];
    const SUFFIXES: [&str; 5] = [".available", ".available_bytes", ".capacity", ".used", ".used_bytes"];
    PREFIXES
        .iter()
        .any(|p| path.starts_with(p) && path != "memory.system.total" && path != "memory.system.total_bytes")
        || (path.starts_with("mountpoints.") && SUFFIXES.iter().any(|s| path.ends_with(s)))
        || path.starts_with("swapfree")
}

/// Facts about facter's own Ruby and libaugeas, which Bunraku does not have.
fn facter_only(path: &str) -> bool {
    ["ruby", "rubyplatform", "rubysitedir", "rubyversion", "augeas", "augeasversion"].contains(&path)
}

/// Facts facter sometimes cannot resolve (in containers it fails to read `/proc/1/environ` and then
/// drops `virtual`, `is_virtual` and the uptime facts) but Bunraku can.
fn ours_only_allowed(path: &str) -> bool {
    ["virtual", "is_virtual", "system_uptime", "uptime", "uptime_days", "uptime_hours", "uptime_seconds"]
        .contains(&path)
}

fn compare(path: &str, ours: &Value, theirs: &Value, diffs: &mut Vec<String>) {
    if volatile(path) || facter_only(path) {
        return;
    }
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                match a.get(k) {
                    Some(o) => compare(&p, o, v, diffs),
                    None if volatile(&p) || facter_only(&p) => {}
                    None => diffs.push(format!("{p}: missing (facter {v})")),
                }
            }
            for k in a.keys().filter(|k| !b.contains_key(*k)) {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                if !ours_only_allowed(&p) {
                    diffs.push(format!("{p}: facter does not have it"));
                }
            }
        }
        (a, b) if a != b => diffs.push(format!("{path}: ours {a} facter {b}")),
        _ => {}
    }
}

/// Every fact facter prints (legacy ones included, external facts included), field by field.
#[test]
fn matches_facter_field_by_field() {
    let theirs = facter().expect("facter 4.3 is missing: .ci/run installs it (apt-get install facter)");
    let ours = Value::Object(resolve().into_iter().collect());
    let mut diffs = Vec::new();
    compare("", &ours, &theirs, &mut diffs);
    assert!(diffs.is_empty(), "differences from facter:\n{}", diffs.join("\n"));
}
