//! Facts about the machine the agent runs on, named and shaped as facter 4 names and shapes them.
//!
//! Everything is read from `/proc`, `/sys`, `/etc` and system calls (uname, getifaddrs, getpwuid): no
//! subprocesses, so resolving takes milliseconds where facter takes a second. A fact that cannot be
//! resolved is left out, as facter leaves it out.
//!
//! `facterversion` is the facter version these facts are shaped after (4.3.0), as `clientversion`
//! is the Puppet version the agent speaks: manifests and modules test it for features.
//!
//! External facts (`facts.d`) come after core facts and win over those of the same name, as in
//! facter. Custom facts (`lib/facter/*.rb`, Ruby) come last, through [`custom`], and only on
//! request: [`resolve_with`] is the agent's resolution.

use std::collections::BTreeMap;
use std::fs;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;

use bunraku_model::Value;
use indexmap::IndexMap;
use serde_json::json;

pub mod custom;
pub mod external;
mod network;
mod storage;
mod system;

pub use network::{Binding, Interface};

/// The facter version whose facts Bunraku resolves.
pub const FACTER_VERSION: &str = "4.3.0";

/// Resolves all facts as `facter` does: the core facts, then the external facts of facter's default
/// `facts.d` directories; keys sorted, as facter prints them.
pub fn resolve() -> IndexMap<String, Value> {
    resolve_with_external(&external::default_dirs())
}

/// The core facts plus the external facts of `dirs` (the agent passes facter's directories and
/// `$pluginfactdest`).
pub fn resolve_with_external(dirs: &[std::path::PathBuf]) -> IndexMap<String, Value> {
    let mut facts = resolve_core();
    facts.extend(external::resolve(dirs));
    facts.sort_keys();
    facts
}

/// Where an agent's facts come from besides the machine itself.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// External fact directories (facter's, and `$pluginfactdest`).
    pub external_dirs: Vec<PathBuf>,
    /// Custom fact directories ([`custom::dirs`]).
    pub custom_dirs: Vec<PathBuf>,
    /// What custom fact code may ask of Puppet.
    pub puppet: custom::PuppetContext,
}

/// The agent's facts: core facts, external facts over them, and custom facts over both as facter's
/// precedence rules say; keys sorted. Ruby runs only when a custom directory holds fact files. If
/// it cannot run them at all, that is logged and the other facts are still returned, as facter
/// still resolves the core facts when custom ones fail.
pub fn resolve_with(sources: &Sources) -> IndexMap<String, Value> {
    let mut facts = resolve_core();
    let external = external::resolve(&sources.external_dirs);
    let files = custom::files(&sources.custom_dirs);
    let custom = if files.is_empty() {
        IndexMap::new()
    } else {
        for dir in sources.custom_dirs.iter().filter(|d| d.is_dir()) {
            tracing::debug!("Loading facts in {}", dir.display());
        }
        match custom::resolve(&files, &facts, &external, &sources.puppet) {
            Ok(resolved) => resolved.facts,
            Err(e @ bunraku_ruby::RubyError::Spawn { .. }) => {
                tracing::error!(
                    "Could not resolve custom facts ({} files): they need Ruby: {e}",
                    files.len()
                );
                IndexMap::new()
            }
            Err(e) => {
                tracing::error!("Could not resolve custom facts ({} files): {e}", files.len());
                IndexMap::new()
            }
        }
    };
    facts.extend(external);
    facts.extend(custom);
    facts.sort_keys();
    facts
}

/// Resolves the core facts of this machine, structured facts first, then the legacy flat facts.
pub fn resolve_core() -> IndexMap<String, Value> {
    let mut facts = IndexMap::new();
    let uname = nix::sys::utsname::uname().ok();
    let (kernel, release, machine) = match &uname {
        Some(u) => (
            u.sysname().to_string_lossy().into_owned(),
            u.release().to_string_lossy().into_owned(),
            u.machine().to_string_lossy().into_owned(),
        ),
        None => ("Linux".to_string(), String::new(), String::new()),
    };

    // os
    let os = os_facts(&machine);
    facts.insert("os".into(), os.clone());

    // kernel
    facts.insert("kernel".into(), json!(kernel));
    facts.insert("kernelrelease".into(), json!(release));
    let kernelversion = release.split('-').next().unwrap_or("").to_string();
    facts.insert("kernelversion".into(), json!(kernelversion));
    let majver: Vec<&str> = kernelversion.split('.').take(2).collect();
    facts.insert("kernelmajversion".into(), json!(majver.join(".")));

    // networking
    let (hostname, domain, fqdn) = host_names();
    let interfaces = network::interfaces();
    let primary = network::primary_interface().or_else(|| {
        interfaces.iter().find(|(name, i)| *name != "lo" && !i.bindings.is_empty()).map(|(n, _)| n.clone())
    });
    facts.insert(
        "networking".into(),
        network::networking_fact(&hostname, &domain, &fqdn, &interfaces, &primary),
    );

    // processors, memory
    let cpu = cpu_info();
    facts.insert("processors".into(), cpu.fact());
    let mem = mem_info();
    if let Some(m) = &mem {
        facts.insert("memory".into(), m.fact());
    }

    // identity, path, timezone, uptime
    facts.insert("identity".into(), identity());
    if let Ok(path) = std::env::var("PATH") {
        facts.insert("path".into(), json!(path));
    }
    if let Some(tz) = timezone() {
        facts.insert("timezone".into(), json!(tz));
    }
    let uptime = uptime_seconds();
    if let Some(secs) = uptime {
        facts.insert("system_uptime".into(), uptime_fact(secs));
    }
    facts.insert("hostname".into(), json!(hostname));
    if let Some(d) = &domain {
        facts.insert("domain".into(), json!(d));
    }
    facts.insert("fqdn".into(), json!(fqdn));
    facts.insert("facterversion".into(), json!(FACTER_VERSION));
    if let Some(l) = storage::load_averages() {
        facts.insert("load_averages".into(), l);
    }
    let disks = storage::disks();
    if !disks.is_empty() {
        facts.insert("disks".into(), json!(disks));
    }
    if let Some(f) = storage::filesystems() {
        facts.insert("filesystems".into(), f);
    }
    if let Some(m) = storage::mountpoints() {
        facts.insert("mountpoints".into(), m);
    }
    let partitions = storage::partitions();
    if !partitions.is_empty() {
        facts.insert("partitions".into(), json!(partitions));
    }
    if let Some(d) = system::dmi() {
        facts.insert("dmi".into(), d);
    }
    let (ssh, ssh_legacy) = system::ssh();
    if let Some(s) = ssh {
        facts.insert("ssh".into(), s);
    }
    if let Some(h) = system::hypervisors() {
        facts.insert("hypervisors".into(), h);
    }
    facts.insert("fips_enabled".into(), json!(system::fips_enabled()));
    let virt = virtual_kind();
    facts.insert("is_virtual".into(), json!(virt != "physical"));
    facts.insert("virtual".into(), json!(virt));

    // Legacy flat facts.
    let get = |v: &Value, path: &[&str]| -> Value {
        let mut cur = v;
        for p in path {
            match cur.get(p) {
                Some(next) => cur = next,
                None => return Value::Null,
            }
        }
        cur.clone()
    };
    let mut legacy: Vec<(String, Value)> = vec![
        ("operatingsystem".into(), get(&os, &["name"])),
        ("osfamily".into(), get(&os, &["family"])),
        ("operatingsystemrelease".into(), get(&os, &["release", "full"])),
        ("operatingsystemmajrelease".into(), get(&os, &["release", "major"])),
        ("architecture".into(), get(&os, &["architecture"])),
        ("hardwaremodel".into(), get(&os, &["hardware"])),
        ("hardwareisa".into(), json!(cpu.isa)),
        ("lsbdistcodename".into(), get(&os, &["distro", "codename"])),
        ("lsbdistid".into(), get(&os, &["distro", "id"])),
        ("lsbdistdescription".into(), get(&os, &["distro", "description"])),
        ("lsbdistrelease".into(), get(&os, &["distro", "release", "full"])),
        ("lsbmajdistrelease".into(), get(&os, &["distro", "release", "major"])),
        ("lsbminordistrelease".into(), get(&os, &["distro", "release", "minor"])),
        ("processorcount".into(), json!(cpu.models.len())),
        ("physicalprocessorcount".into(), json!(cpu.physical)),
    ];
    for (i, model) in cpu.models.iter().enumerate() {
        legacy.push((format!("processor{i}"), json!(model)));
    }
    if let Some(m) = &mem {
        legacy.push(("memorysize".into(), json!(human_bytes(m.total))));
        legacy.push(("memoryfree".into(), json!(human_bytes(m.available))));
        legacy.push(("memorysize_mb".into(), json!(m.total as f64 / 1048576.0)));
        legacy.push(("memoryfree_mb".into(), json!(m.available as f64 / 1048576.0)));
        if m.swap_total > 0 {
            legacy.push(("swapsize".into(), json!(human_bytes(m.swap_total))));
            legacy.push(("swapfree".into(), json!(human_bytes(m.swap_free))));
            legacy.push(("swapsize_mb".into(), json!(m.swap_total as f64 / 1048576.0)));
            legacy.push(("swapfree_mb".into(), json!(m.swap_free as f64 / 1048576.0)));
        }
    }
    if let Some(secs) = uptime {
        legacy.push(("uptime".into(), json!(uptime_text(secs))));
        legacy.push(("uptime_days".into(), json!(secs / 86400)));
        legacy.push(("uptime_hours".into(), json!(secs / 3600)));
        legacy.push(("uptime_seconds".into(), json!(secs)));
    }
    let identity = facts.get("identity").cloned().unwrap_or(Value::Null);
    legacy.push(("id".into(), get(&identity, &["user"])));
    legacy.push(("gid".into(), get(&identity, &["group"])));
    legacy.extend(network::legacy_facts(&interfaces, primary.as_deref()));
    legacy.extend(storage::legacy_disk_facts(&disks));
    legacy.extend(ssh_legacy);
    legacy.push(("selinux".into(), get(&os, &["selinux", "enabled"])));
    if let Some(networking) = facts.get("networking") {
        legacy.push(("scope6".into(), get(networking, &["scope6"])));
        // Facter prints `{"system": null}` when the primary interface has no DHCP server.
        legacy.push(("dhcp_servers".into(), json!({"system": get(networking, &["dhcp"])})));
    }
    for (k, v) in legacy {
        if !v.is_null() {
            facts.insert(k, v);
        }
    }
    facts
}

/// Reads `KEY=value` lines (os-release, lsb-release), unquoting values.
fn key_values(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().trim_matches('"').trim_matches('\'').to_string()))
        .collect()
}

fn release_parts(full: &str) -> Value {
    let mut parts = full.split('.');
    let major = parts.next().unwrap_or("").to_string();
    let minor = parts.next();
    match minor {
        Some(minor) => json!({"full": full, "major": major, "minor": minor}),
        None => json!({"full": full, "major": major}),
    }
}

/// The `os` fact, from `/etc/os-release` (and `/etc/debian_version` for Debian's point release).
fn os_facts(machine: &str) -> Value {
    let osr = fs::read_to_string("/etc/os-release").or_else(|_| fs::read_to_string("/usr/lib/os-release"));
    let osr = key_values(&osr.unwrap_or_default());
    let id = osr.get("ID").cloned().unwrap_or_else(|| "linux".into());
    let (name, family) = match id.as_str() {
        "debian" => ("Debian", "Debian"),
        "ubuntu" => ("Ubuntu", "Debian"),
        "linuxmint" => ("LinuxMint", "Debian"),
        "raspbian" => ("Raspbian", "Debian"),
        "rhel" => ("RedHat", "RedHat"),
        "centos" => ("CentOS", "RedHat"),
        "fedora" => ("Fedora", "RedHat"),
        "rocky" => ("Rocky", "RedHat"),
        "almalinux" => ("AlmaLinux", "RedHat"),
        "amzn" => ("Amazon", "RedHat"),
        "sles" | "opensuse-leap" | "opensuse" => ("SLES", "Suse"),
        "arch" => ("Archlinux", "Archlinux"),
        "alpine" => ("Alpine", "Alpine"),
        "gentoo" => ("Gentoo", "Gentoo"),
        _ => ("Linux", "Linux"),
    };
    let debian_version = fs::read_to_string("/etc/debian_version").ok().map(|s| s.trim().to_string());
    let full = match (id.as_str(), &debian_version) {
        ("debian", Some(v)) if v.chars().next().is_some_and(|c| c.is_ascii_digit()) => v.clone(),
        _ => osr.get("VERSION_ID").cloned().unwrap_or_default(),
    };
    let codename = osr
        .get("VERSION_CODENAME")
        .cloned()
        .or_else(|| osr.get("UBUNTU_CODENAME").cloned())
        .unwrap_or_default();
    let description = osr.get("PRETTY_NAME").cloned().unwrap_or_default();
    let architecture = match (family, machine) {
        ("Debian", "x86_64") => "amd64",
        ("Debian", "aarch64") => "arm64",
        ("Debian", "i686" | "i586" | "i386") => "i386",
        ("Debian", "armv7l") => "armhf",
        (_, "i686" | "i586") => "i386",
        (_, m) => m,
    };
    let selinux = std::path::Path::new("/sys/fs/selinux/enforce").exists();
    json!({
        "architecture": architecture,
        "distro": {
            "codename": codename,
            "description": description,
            "id": name,
            "release": release_parts(&full),
        },
        "family": family,
        "hardware": machine,
        "name": name,
        "release": release_parts(&full),
        "selinux": {"enabled": selinux},
    })
}

/// hostname, domain and fqdn: the hostname from uname, the domain from `/etc/hosts` or `resolv.conf`.
fn host_names() -> (String, Option<String>, String) {
    let raw = nix::unistd::gethostname().map(|h| h.to_string_lossy().into_owned()).unwrap_or_default();
    if let Some((host, domain)) = raw.split_once('.') {
        return (host.to_string(), Some(domain.to_string()), raw.clone());
    }
    let hostname = raw;
    let from_hosts = fs::read_to_string("/etc/hosts").ok().and_then(|hosts| {
        hosts.lines().find_map(|line| {
            let line = line.split('#').next().unwrap_or("");
            let names: Vec<&str> = line.split_whitespace().skip(1).collect();
            if !names.contains(&hostname.as_str()) {
                return None;
            }
            names
                .iter()
                .find(|n| n.strip_prefix(&hostname).is_some_and(|rest| rest.starts_with('.')))
                .map(|n| n[hostname.len() + 1..].to_string())
        })
    });
    let domain = from_hosts.or_else(|| {
        let resolv = fs::read_to_string("/etc/resolv.conf").ok()?;
        let mut search = None;
        for line in resolv.lines() {
            let mut words = line.split_whitespace();
            match words.next() {
                Some("domain") => return words.next().map(String::from),
                Some("search") if search.is_none() => search = words.next().map(String::from),
                _ => {}
            }
        }
        search
    });
    let domain = domain.filter(|d| !d.is_empty() && d != ".");
    let fqdn = match &domain {
        Some(d) => format!("{hostname}.{d}"),
        None => hostname.clone(),
    };
    (hostname, domain, fqdn)
}

struct Cpu {
    models: Vec<String>,
    physical: usize,
    cores: Option<u64>,
    threads: Option<u64>,
    mhz: Option<f64>,
    isa: String,
}

impl Cpu {
    fn fact(&self) -> Value {
        let mut m = serde_json::Map::new();
        if let Some(c) = self.cores {
            m.insert("cores".into(), json!(c));
        }
        m.insert("count".into(), json!(self.models.len()));
        m.insert("isa".into(), json!(self.isa));
        m.insert("models".into(), json!(self.models));
        m.insert("physicalcount".into(), json!(self.physical));
        if let Some(mhz) = self.mhz {
            let speed =
                if mhz >= 1000.0 { format!("{:.2} GHz", mhz / 1000.0) } else { format!("{mhz:.2} MHz") };
            m.insert("speed".into(), json!(speed));
        }
        if let Some(t) = self.threads {
            m.insert("threads".into(), json!(t));
        }
        Value::Object(m)
    }
}

fn cpu_info() -> Cpu {
    let text = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let mut models = Vec::new();
    let mut physical_ids = std::collections::BTreeSet::new();
    let (mut cores, mut siblings, mut mhz) = (None, None, None);
    for line in text.lines() {
        let Some((k, v)) = line.split_once(':') else { continue };
        let (k, v) = (k.trim(), v.trim());
        match k {
            "model name" | "Processor" | "cpu model" => models.push(v.to_string()),
            "physical id" => {
                physical_ids.insert(v.to_string());
            }
            "cpu cores" if cores.is_none() => cores = v.parse::<u64>().ok(),
            "siblings" if siblings.is_none() => siblings = v.parse::<u64>().ok(),
            "cpu MHz" if mhz.is_none() => mhz = v.parse::<f64>().ok(),
            _ => {}
        }
    }
    if models.is_empty() {
        let n = text.lines().filter(|l| l.starts_with("processor")).count();
        models = vec!["unknown".to_string(); n.max(1)];
    }
    // The maximum frequency is what facter reports when cpufreq knows it.
    if let Some(khz) = fs::read_to_string("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
    {
        mhz = Some(khz / 1000.0);
    }
    let threads = match (cores, siblings) {
        (Some(c), Some(s)) if c > 0 => Some(s / c),
        _ => None,
    };
    let physical_cores = cores.map(|c| c * physical_ids.len().max(1) as u64);
    Cpu {
        models,
        physical: physical_ids.len().max(1),
        cores: physical_cores,
        threads,
        mhz,
        // facter reports `uname -p`, which Debian's uname answers with "unknown".
        isa: "unknown".to_string(),
    }
}

struct Mem {
    total: u64,
    available: u64,
    swap_total: u64,
    swap_free: u64,
}

impl Mem {
    fn fact(&self) -> Value {
        let used = self.total.saturating_sub(self.available);
        let capacity = if self.total > 0 { used as f64 * 100.0 / self.total as f64 } else { 0.0 };
        let mut m = json!({"system": {
            "available": human_bytes(self.available),
            "available_bytes": self.available,
            "capacity": format!("{capacity:.2}%"),
            "total": human_bytes(self.total),
            "total_bytes": self.total,
            "used": human_bytes(used),
            "used_bytes": used,
        }});
        if self.swap_total > 0 {
            let used = self.swap_total.saturating_sub(self.swap_free);
            let capacity = used as f64 * 100.0 / self.swap_total as f64;
            m["swap"] = json!({
                "available": human_bytes(self.swap_free),
                "available_bytes": self.swap_free,
                "capacity": format!("{capacity:.2}%"),
                "total": human_bytes(self.swap_total),
                "total_bytes": self.swap_total,
                "used": human_bytes(used),
                "used_bytes": used,
            });
        }
        m
    }
}

fn mem_info() -> Option<Mem> {
    let text = fs::read_to_string("/proc/meminfo").ok()?;
    let get = |key: &str| -> Option<u64> {
        text.lines()
            .find(|l| l.starts_with(key) && l[key.len()..].starts_with(':'))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .map(|kb| kb * 1024)
    };
    let total = get("MemTotal")?;
    let available = get("MemAvailable").unwrap_or_else(|| {
        get("MemFree").unwrap_or(0) + get("Buffers").unwrap_or(0) + get("Cached").unwrap_or(0)
    });
    Some(Mem {
        total,
        available,
        swap_total: get("SwapTotal").unwrap_or(0),
        swap_free: get("SwapFree").unwrap_or(0),
    })
}

/// Bytes as facter prints them: two decimals, binary units (`23.54 GiB`).
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.2} {}", UNITS[unit])
    }
}

fn identity() -> Value {
    let uid = nix::unistd::getuid();
    let gid = nix::unistd::getgid();
    let user = nix::unistd::User::from_uid(uid).ok().flatten().map(|u| u.name);
    let group = nix::unistd::Group::from_gid(gid).ok().flatten().map(|g| g.name);
    let mut m = serde_json::Map::new();
    m.insert("gid".into(), json!(gid.as_raw()));
    if let Some(g) = group {
        m.insert("group".into(), json!(g));
    }
    m.insert("privileged".into(), json!(nix::unistd::geteuid().is_root()));
    m.insert("uid".into(), json!(uid.as_raw()));
    if let Some(u) = user {
        m.insert("user".into(), json!(u));
    }
    Value::Object(m)
}

/// The zone abbreviation (`UTC`, `CET`): from `TZ`, else the POSIX rule at the end of `/etc/localtime`.
fn timezone() -> Option<String> {
    let rule = match std::env::var("TZ") {
        Ok(tz) if !tz.is_empty() && !tz.starts_with(':') && !tz.contains('/') => tz,
        _ => {
            let data = fs::read("/etc/localtime").ok()?;
            let text = String::from_utf8_lossy(&data);
            text.trim_end_matches('\n').rsplit('\n').next()?.to_string()
        }
    };
    let rule = rule.trim();
    let abbr: String = if let Some(rest) = rule.strip_prefix('<') {
        rest.split('>').next()?.to_string()
    } else {
        rule.chars().take_while(|c| c.is_ascii_alphabetic()).collect()
    };
    (!abbr.is_empty()).then_some(abbr)
}

fn uptime_seconds() -> Option<u64> {
    let text = fs::read_to_string("/proc/uptime").ok()?;
    text.split_whitespace().next()?.parse::<f64>().ok().map(|s| s as u64)
}

/// facter's uptime text: "3 days", "1 day", "4:05 hours", "12 minutes".
fn uptime_text(secs: u64) -> String {
    let (days, hours, minutes) = (secs / 86400, secs / 3600, secs / 60);
    match days {
        0 if hours > 0 => format!("{}:{:02} hours", hours, minutes % 60),
        0 => format!("{minutes} minutes"),
        1 => "1 day".to_string(),
        d => format!("{d} days"),
    }
}

fn uptime_fact(secs: u64) -> Value {
    json!({"days": secs / 86400, "hours": secs / 3600, "seconds": secs, "uptime": uptime_text(secs)})
}

/// What kind of machine this is: a container, a known hypervisor, or `physical`.
fn virtual_kind() -> String {
    if std::path::Path::new("/.dockerenv").exists() {
        return "docker".into();
    }
    if let Ok(env) = fs::read("/proc/1/environ") {
        let env = String::from_utf8_lossy(&env);
        if env.contains("container=lxc") {
            return "lxc".into();
        }
        if env.contains("container=podman") {
            return "podman".into();
        }
    }
    let dmi = ["sys_vendor", "product_name", "bios_vendor"]
        .iter()
        .filter_map(|f| fs::read_to_string(format!("/sys/class/dmi/id/{f}")).ok())
        .collect::<Vec<_>>()
        .join(" ");
    let table = [
        ("VMware", "vmware"),
        ("VirtualBox", "virtualbox"),
        ("innotek", "virtualbox"),
        ("QEMU", "kvm"),
        ("KVM", "kvm"),
        ("Amazon EC2", "kvm"),
        ("Google", "gce"),
        ("Microsoft Corporation", "hyperv"),
        ("Xen", "xen"),
        ("Parallels", "parallels"),
        ("Bochs", "bochs"),
    ];
    for (needle, kind) in table {
        if dmi.contains(needle) {
            return kind.into();
        }
    }
    if std::path::Path::new("/proc/xen").exists() {
        return "xen".into();
    }
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    if cpuinfo.lines().any(|l| l.starts_with("flags") && l.split_whitespace().any(|f| f == "hypervisor")) {
        return "kvm".into();
    }
    "physical".into()
}

fn ipv4_network(addr: Ipv4Addr, mask: Ipv4Addr) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(addr) & u32::from(mask))
}

fn ipv6_network(addr: Ipv6Addr, mask: Ipv6Addr) -> Ipv6Addr {
    Ipv6Addr::from(u128::from(addr) & u128::from(mask))
}

fn ip_network(addr: IpAddr, mask: IpAddr) -> Option<IpAddr> {
    match (addr, mask) {
        (IpAddr::V4(a), IpAddr::V4(m)) => Some(IpAddr::V4(ipv4_network(a, m))),
        (IpAddr::V6(a), IpAddr::V6(m)) => Some(IpAddr::V6(ipv6_network(a, m))),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
