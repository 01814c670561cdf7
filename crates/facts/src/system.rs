//! Facts about the machine itself: `dmi` (from `/sys/class/dmi/id`), `ssh` host keys, `hypervisors`,
//! `fips_enabled`, as facter 4 shapes them.

use std::fs;
use std::path::Path;

use base64::Engine;
use bunraku_model::Value;
use serde_json::json;
use sha1::Digest;

fn read(dir: &Path, file: &str) -> Option<String> {
    fs::read_to_string(dir.join(file)).ok().map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// `dmi`: bios, board, chassis, manufacturer and product, from `/sys/class/dmi/id` (absent in most
/// containers, and then left out, as facter leaves it out).
pub fn dmi() -> Option<Value> {
    dmi_from(Path::new("/sys/class/dmi/id"))
}

pub(crate) fn dmi_from(dir: &Path) -> Option<Value> {
    if !dir.exists() {
        return None;
    }
    let mut out = serde_json::Map::new();
    let groups: [(&str, &[(&str, &str)]); 4] = [
        ("bios", &[("release_date", "bios_date"), ("vendor", "bios_vendor"), ("version", "bios_version")]),
        (
            "board",
            &[
                ("asset_tag", "board_asset_tag"),
                ("manufacturer", "board_vendor"),
                ("product", "board_name"),
                ("serial_number", "board_serial"),
            ],
        ),
        ("chassis", &[("asset_tag", "chassis_asset_tag"), ("type", "chassis_type")]),
        (
            "product",
            &[("name", "product_name"), ("serial_number", "product_serial"), ("uuid", "product_uuid")],
        ),
    ];
    for (group, fields) in groups {
        let mut g = serde_json::Map::new();
        for (key, file) in fields {
            if let Some(mut v) = read(dir, file) {
                if *key == "type" {
                    v = chassis_type(&v).to_string();
                }
                g.insert(key.to_string(), json!(v));
            }
        }
        if !g.is_empty() {
            out.insert(group.to_string(), Value::Object(g));
        }
    }
    if let Some(m) = read(dir, "sys_vendor") {
        out.insert("manufacturer".into(), json!(m));
    }
    let mut keys: Vec<(String, Value)> = out.into_iter().collect();
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    Some(Value::Object(keys.into_iter().collect()))
}

/// SMBIOS chassis type numbers, named as facter names them.
fn chassis_type(code: &str) -> &str {
    const NAMES: [&str; 36] = [
        "",
        "Other",
        "Unknown",
        "Desktop",
        "Low Profile Desktop",
        "Pizza Box",
        "Mini Tower",
        "Tower",
        "Portable",
        "Laptop",
        "Notebook",
        "Hand Held",
        "Docking Station",
        "All in One",
        "Sub Notebook",
        "Space-Saving",
        "Lunch Box",
        "Main System Chassis",
        "Expansion Chassis",
        "SubChassis",
        "Bus Expansion Chassis",
        "Peripheral Chassis",
        "Storage Chassis",
        "Rack Mount Chassis",
        "Sealed-Case PC",
        "Multi-system",
        "CompactPCI",
        "AdvancedTCA",
        "Blade",
        "Blade Enclosure",
        "Tablet",
        "Convertible",
        "Detachable",
        "IoT Gateway",
        "Embedded PC",
        "Mini PC",
    ];
    code.parse::<usize>().ok().and_then(|i| NAMES.get(i).copied()).filter(|n| !n.is_empty()).unwrap_or(code)
}

/// `ssh`: the host's public keys with their SSHFP fingerprints, keyed `rsa`, `dsa`, `ecdsa`,
/// `ed25519`; plus the legacy `ssh<kind>key` and `sshfp_<kind>` facts.
pub fn ssh() -> (Option<Value>, Vec<(String, Value)>) {
    ssh_from(Path::new("/etc/ssh"))
}

pub(crate) fn ssh_from(dir: &Path) -> (Option<Value>, Vec<(String, Value)>) {
    let mut out = serde_json::Map::new();
    let mut legacy = Vec::new();
    for (kind, number) in [("dsa", 2), ("ecdsa", 3), ("ed25519", 4), ("rsa", 1)] {
        let Some(line) = read(dir, &format!("ssh_host_{kind}_key.pub")) else { continue };
        let mut words = line.split_whitespace();
        let (Some(key_type), Some(key)) = (words.next(), words.next()) else { continue };
        let Ok(blob) = base64::engine::general_purpose::STANDARD.decode(key) else { continue };
        let sha1 = format!("SSHFP {number} 1 {}", hex::encode(sha1::Sha1::digest(&blob)));
        let sha256 = format!("SSHFP {number} 2 {}", hex::encode(sha2::Sha256::digest(&blob)));
        legacy.push((format!("ssh{kind}key"), json!(key)));
        legacy.push((format!("sshfp_{kind}"), json!(format!("{sha1}\n{sha256}"))));
        out.insert(
            kind.to_string(),
            json!({"fingerprints": {"sha1": sha1, "sha256": sha256}, "key": key, "type": key_type}),
        );
    }
    ((!out.is_empty()).then_some(Value::Object(out)), legacy)
}

/// `hypervisors`, best effort without privileged CPUID access: KVM shows as the `hypervisor` CPU flag
/// with the `kvm-clock` clock source, Xen in `/sys/hypervisor/type`.
pub fn hypervisors() -> Option<Value> {
    if read(Path::new("/sys/hypervisor"), "type").as_deref() == Some("xen") {
        return Some(json!({"xen": {}}));
    }
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").ok()?;
    let flagged =
        cpuinfo.lines().any(|l| l.starts_with("flags") && l.split_whitespace().any(|f| f == "hypervisor"));
    let clocks = read(Path::new("/sys/devices/system/clocksource/clocksource0"), "available_clocksource")
        .unwrap_or_default();
    (flagged && clocks.contains("kvm-clock")).then(|| json!({"kvm": {}}))
}

/// `fips_enabled`: the kernel's FIPS mode.
pub fn fips_enabled() -> bool {
    read(Path::new("/proc/sys/crypto"), "fips_enabled").as_deref() == Some("1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssh_fingerprints_are_sshfp_records() {
        let dir = tempfile::tempdir().unwrap();
        // An ed25519 key (public test vector; any valid base64 blob works).
        let key = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
        fs::write(dir.path().join("ssh_host_ed25519_key.pub"), format!("ssh-ed25519 {key} root@h\n"))
            .unwrap();
        let (fact, legacy) = ssh_from(dir.path());
        let fact = fact.unwrap();
        assert_eq!(fact["ed25519"]["type"], json!("ssh-ed25519"));
        assert_eq!(fact["ed25519"]["key"], json!(key));
        let sha256 = fact["ed25519"]["fingerprints"]["sha256"].as_str().unwrap();
        assert!(sha256.starts_with("SSHFP 4 2 ") && sha256.len() == 10 + 64, "{sha256}");
        assert_eq!(legacy[0], ("sshed25519key".to_string(), json!(key)));
        assert!(ssh_from(&dir.path().join("none")).0.is_none());
    }

    #[test]
    fn dmi_from_sysfs() {
        let dir = tempfile::tempdir().unwrap();
        for (f, v) in [
            ("bios_vendor", "SeaBIOS"),
            ("chassis_type", "1"),
            ("product_name", "KVM"),
            ("sys_vendor", "QEMU"),
        ] {
            fs::write(dir.path().join(f), format!("{v}\n")).unwrap();
        }
        assert_eq!(
            dmi_from(dir.path()).unwrap(),
            json!({"bios": {"vendor": "SeaBIOS"}, "chassis": {"type": "Other"}, "manufacturer": "QEMU", "product": {"name": "KVM"}})
        );
    }
}
