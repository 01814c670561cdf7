//! Disks, partitions, mount points, filesystems and load averages, from `/sys`, `/proc` and
//! `statvfs`, shaped as facter 4's Linux resolvers shape them.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use bunraku_model::Value;
use serde_json::json;

use crate::human_bytes;

fn read_trim(path: &Path) -> Option<String> {
    fs::read_to_string(path).ok().map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// `load_averages`: `{"1m", "5m", "15m"}` from `/proc/loadavg`.
pub fn load_averages() -> Option<Value> {
    let text = fs::read_to_string("/proc/loadavg").ok()?;
    let mut it = text.split_whitespace().map(|v| v.parse::<f64>().ok());
    let (one, five, fifteen) = (it.next()??, it.next()??, it.next()??);
    Some(json!({"15m": fifteen, "1m": one, "5m": five}))
}

/// `filesystems`: the block-device filesystems the kernel knows (`/proc/filesystems` without `nodev`
/// entries and `fuseblk`), sorted and comma-joined.
pub fn filesystems() -> Option<Value> {
    let text = fs::read_to_string("/proc/filesystems").ok()?;
    Some(json!(filesystems_from(&text)))
}

pub(crate) fn filesystems_from(text: &str) -> String {
    let mut names: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("nodev"))
        .map(str::trim)
        .filter(|n| !n.is_empty() && *n != "fuseblk")
        .collect();
    names.sort_unstable();
    names.dedup();
    names.join(",")
}

/// `disks`: whole block devices (those with a `device` link in `/sys/block`), with size, type
/// (`hdd`/`ssd` from `queue/rotational`), vendor, model, serial where the kernel exposes them.
pub fn disks() -> BTreeMap<String, Value> {
    disks_under(Path::new("/sys/block"))
}

pub(crate) fn disks_under(root: &Path) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let Ok(entries) = fs::read_dir(root) else { return out };
    for entry in entries.flatten() {
        let dir = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !dir.join("device").exists() {
            continue;
        }
        let mut d = serde_json::Map::new();
        if let Some(model) = read_trim(&dir.join("device/model")) {
            d.insert("model".into(), json!(model));
        }
        if let Some(serial) = read_trim(&dir.join("device/serial")) {
            d.insert("serial".into(), json!(serial));
        }
        if let Some(sectors) = read_trim(&dir.join("size")).and_then(|s| s.parse::<u64>().ok()) {
            let bytes = sectors * 512;
            d.insert("size".into(), json!(human_bytes(bytes)));
            d.insert("size_bytes".into(), json!(bytes));
        }
        if let Some(rot) = read_trim(&dir.join("queue/rotational")) {
            d.insert("type".into(), json!(if rot == "1" { "hdd" } else { "ssd" }));
        }
        if let Some(vendor) = read_trim(&dir.join("device/vendor")) {
            d.insert("vendor".into(), json!(vendor));
        }
        if let Some(wwn) = read_trim(&dir.join("device/wwid")) {
            d.insert("wwn".into(), json!(wwn));
        }
        out.insert(name, Value::Object(d));
    }
    out
}

/// The legacy `blockdevices`, `blockdevice_<d>_size`, `_vendor`, `_model` facts.
pub fn legacy_disk_facts(disks: &BTreeMap<String, Value>) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    if disks.is_empty() {
        return out;
    }
    out.push(("blockdevices".into(), json!(disks.keys().cloned().collect::<Vec<_>>().join(","))));
    for (name, d) in disks {
        for (field, fact) in [("size_bytes", "size"), ("vendor", "vendor"), ("model", "model")] {
            if let Some(v) = d.get(field) {
                out.push((format!("blockdevice_{name}_{fact}"), v.clone()));
            }
        }
    }
    out
}

/// One line of `/proc/mounts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mount {
    pub device: String,
    pub path: String,
    pub filesystem: String,
    pub options: Vec<String>,
}

/// `/proc/mounts` decodes spaces and the like as `\040` octal escapes.
fn unescape(field: &str) -> String {
    let mut out = String::new();
    let bytes = field.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\'
            && i + 4 <= bytes.len()
            && bytes[i + 1..i + 4].iter().all(|b| (b'0'..=b'7').contains(b))
        {
            let code = u8::from_str_radix(&field[i + 1..i + 4], 8).unwrap_or(b'?');
            out.push(code as char);
            i += 4;
        } else {
            out.push(bytes[i] as char);
            i += 1;
        }
    }
    out
}

pub(crate) fn parse_mounts(text: &str) -> Vec<Mount> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 4 {
                return None;
            }
            Some(Mount {
                device: unescape(f[0]),
                path: unescape(f[1]),
                filesystem: f[2].to_string(),
                options: f[3].split(',').map(String::from).collect(),
            })
        })
        .collect()
}

/// Facter skips pseudo filesystems under /proc and /sys (but not tmpfs there) and autofs.
pub(crate) fn facter_keeps(m: &Mount) -> bool {
    let pseudo =
        m.path == "/proc" || m.path.starts_with("/proc/") || m.path == "/sys" || m.path.starts_with("/sys/");
    !(pseudo && m.filesystem != "tmpfs") && m.filesystem != "autofs"
}

/// Facter's capacity: used over used+available, `100%` when nothing is available, `0%` when unused.
pub(crate) fn capacity(used: u64, available: u64) -> String {
    let total = used + available;
    if used == total {
        "100%".into()
    } else if used > 0 {
        format!("{:.2}%", used as f64 / total as f64 * 100.0)
    } else {
        "0%".into()
    }
}

/// `mountpoints`: each mounted filesystem (the last mount wins for a path), with its sizes.
pub fn mountpoints() -> Option<Value> {
    let text = fs::read_to_string("/proc/mounts").ok()?;
    let root_device = root_device();
    let mut out: BTreeMap<String, Value> = BTreeMap::new();
    for m in parse_mounts(&text).into_iter().filter(facter_keeps) {
        let Ok(st) = nix::sys::statvfs::statvfs(m.path.as_str()) else { continue };
        let frsize = st.fragment_size();
        let size = st.blocks() * frsize;
        let available = st.blocks_available() * frsize;
        let used = st.blocks().saturating_sub(st.blocks_free()) * frsize;
        let device = if m.device == "/dev/root" { root_device.clone().unwrap_or(m.device) } else { m.device };
        out.insert(
            m.path.clone(),
            json!({
                "available": human_bytes(available),
                "available_bytes": available,
                "capacity": capacity(used, available),
                "device": device,
                "filesystem": m.filesystem,
                "options": m.options,
                "size": human_bytes(size),
                "size_bytes": size,
                "used": human_bytes(used),
                "used_bytes": used,
            }),
        );
    }
    Some(json!(out))
}

/// The `root=` device of the kernel command line, for mounts that name `/dev/root`.
fn root_device() -> Option<String> {
    let cmdline = fs::read_to_string("/proc/cmdline").ok()?;
    cmdline.split_whitespace().find_map(|w| w.strip_prefix("root=")).map(String::from)
}

/// `partitions`: block devices that are partitions (`/sys/class/block/*/partition`), keyed by
/// `/dev/<name>`, with size, mount point, and the UUID, label, PARTUUID and PARTLABEL udev links
/// name (`/dev/disk/by-*`), read without running blkid.
pub fn partitions() -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let Ok(entries) = fs::read_dir("/sys/class/block") else { return out };
    let mounts = fs::read_to_string("/proc/mounts").map(|t| parse_mounts(&t)).unwrap_or_default();
    let links = udev_links();
    for entry in entries.flatten() {
        let dir = entry.path();
        if !dir.join("partition").exists() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let dev = format!("/dev/{name}");
        let mut p = serde_json::Map::new();
        for (kind, key) in [
            ("by-label", "label"),
            ("by-partlabel", "partlabel"),
            ("by-partuuid", "partuuid"),
            ("by-uuid", "uuid"),
        ] {
            if let Some(v) = links.get(&(kind, name.clone())) {
                p.insert(key.into(), json!(v));
            }
        }
        if let Some(m) = mounts.iter().rev().find(|m| m.device == dev) {
            p.insert("filesystem".into(), json!(m.filesystem));
            p.insert("mount".into(), json!(m.path));
        }
        if let Some(sectors) = read_trim(&dir.join("size")).and_then(|s| s.parse::<u64>().ok()) {
            p.insert("size".into(), json!(human_bytes(sectors * 512)));
            p.insert("size_bytes".into(), json!(sectors * 512));
        }
        out.insert(dev, Value::Object(p));
    }
    out
}

fn udev_links() -> BTreeMap<(&'static str, String), String> {
    let mut out = BTreeMap::new();
    for kind in ["by-label", "by-partlabel", "by-partuuid", "by-uuid"] {
        let Ok(entries) = fs::read_dir(Path::new("/dev/disk").join(kind)) else { continue };
        for e in entries.flatten() {
            let Ok(target) = fs::read_link(e.path()) else { continue };
            let Some(dev) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else { continue };
            let value = unhex(&e.file_name().to_string_lossy());
            out.insert((kind, dev), value);
        }
    }
    out
}

/// udev escapes bytes in link names as `\xNN`.
fn unhex(name: &str) -> String {
    let mut out = Vec::new();
    let b = name.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 4 <= b.len() && b[i + 1] == b'x' {
            if let Ok(v) = u8::from_str_radix(&name[i + 2..i + 4], 16) {
                out.push(v);
                i += 4;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filesystems_as_facter_lists_them() {
        let text = "nodev\tsysfs\nnodev\ttmpfs\n\text3\n\text2\n\text4\n\tsquashfs\n\tvfat\n\tfuseblk\nnodev\tfuse\n\txfs\n";
        assert_eq!(filesystems_from(text), "ext2,ext3,ext4,squashfs,vfat,xfs");
    }

    #[test]
    fn mounts_parse_and_filter_like_facter() {
        let text =
            "proc /proc proc rw 0 0\n/dev/vda / ext4 rw,relatime 0 0\ntmpfs /sys/fs/cgroup tmpfs rw 0 0\n\
                    cgroup /sys/fs/cgroup/cpu cgroup rw 0 0\nsrv /mnt/with\\040space nfs ro 0 0\n";
        let kept: Vec<String> = parse_mounts(text).into_iter().filter(facter_keeps).map(|m| m.path).collect();
        assert_eq!(kept, vec!["/", "/sys/fs/cgroup", "/mnt/with space"]);
    }

    #[test]
    fn capacity_as_facter_rounds_it() {
        assert_eq!(capacity(19516702720, 78056046592), "20.00%");
        assert_eq!(capacity(0, 10), "0%");
        assert_eq!(capacity(0, 0), "100%");
        assert_eq!(capacity(1077248, 25275424768), "0.00%");
    }

    #[test]
    fn disks_from_a_sysfs_tree() {
        let dir = tempfile::tempdir().unwrap();
        let vda = dir.path().join("vda");
        fs::create_dir_all(vda.join("device")).unwrap();
        fs::create_dir_all(vda.join("queue")).unwrap();
        fs::create_dir_all(dir.path().join("loop0")).unwrap();
        fs::write(vda.join("size"), "536870912\n").unwrap();
        fs::write(vda.join("queue/rotational"), "1\n").unwrap();
        fs::write(vda.join("device/vendor"), "0x1af4\n").unwrap();
        let disks = disks_under(dir.path());
        assert_eq!(
            serde_json::to_value(&disks).unwrap(),
            json!({"vda": {"size": "256.00 GiB", "size_bytes": 274877906944u64, "type": "hdd", "vendor": "0x1af4"}})
        );
        let legacy = legacy_disk_facts(&disks);
        assert_eq!(legacy[0], ("blockdevices".to_string(), json!("vda")));
        assert_eq!(legacy[1], ("blockdevice_vda_size".to_string(), json!(274877906944u64)));
    }
}
