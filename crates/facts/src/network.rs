//! The `networking` fact: interfaces and their addresses (getifaddrs), MTUs and MACs (`/sys`), IPv6
//! scopes and flags (`/proc/net/if_inet6`), and the primary interface (the default route).

use std::collections::BTreeMap;
use std::fs;
use std::net::IpAddr;

use bunraku_model::Value;
use serde_json::json;

/// One address of an interface.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub address: IpAddr,
    pub netmask: IpAddr,
    pub network: IpAddr,
    /// IPv6 only: `global`, `link`, `host`, `site`.
    pub scope6: Option<String>,
    /// IPv6 only: `permanent`, `noad`, …
    pub flags: Vec<String>,
}

/// One network interface.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Interface {
    pub bindings: Vec<Binding>,
    pub bindings6: Vec<Binding>,
    pub mac: Option<String>,
    pub mtu: Option<u64>,
}

impl Interface {
    /// The address facter picks as `ip6`: the first that is not link-local.
    fn ip6(&self) -> Option<&Binding> {
        self.bindings6.iter().find(|b| b.scope6.as_deref() != Some("link")).or(self.bindings6.first())
    }

    fn fact(&self) -> Value {
        let mut m = serde_json::Map::new();
        let b4: Vec<Value> = self
            .bindings
            .iter()
            .map(|b| json!({"address": b.address.to_string(), "netmask": b.netmask.to_string(), "network": b.network.to_string()}))
            .collect();
        let b6: Vec<Value> = self
            .bindings6
            .iter()
            .map(|b| {
                json!({"address": b.address.to_string(), "netmask": b.netmask.to_string(), "network": b.network.to_string(),
                       "scope6": b.scope6.clone().unwrap_or_default(), "flags": b.flags})
            })
            .collect();
        if !b4.is_empty() {
            m.insert("bindings".into(), Value::Array(b4));
        }
        if !b6.is_empty() {
            m.insert("bindings6".into(), Value::Array(b6));
        }
        if let Some(b) = self.bindings.first() {
            m.insert("ip".into(), json!(b.address.to_string()));
        }
        if let Some(b) = self.ip6() {
            m.insert("ip6".into(), json!(b.address.to_string()));
        }
        if let Some(mac) = &self.mac {
            m.insert("mac".into(), json!(mac));
        }
        if let Some(mtu) = self.mtu {
            m.insert("mtu".into(), json!(mtu));
        }
        if let Some(b) = self.bindings.first() {
            m.insert("netmask".into(), json!(b.netmask.to_string()));
        }
        if let Some(b) = self.ip6() {
            m.insert("netmask6".into(), json!(b.netmask.to_string()));
        }
        if let Some(b) = self.bindings.first() {
            m.insert("network".into(), json!(b.network.to_string()));
        }
        if let Some(b) = self.ip6() {
            m.insert("network6".into(), json!(b.network.to_string()));
            m.insert("scope6".into(), json!(b.scope6.clone().unwrap_or_default()));
        }
        Value::Object(m)
    }
}

/// All interfaces, by name (sorted, as facter sorts them).
pub fn interfaces() -> BTreeMap<String, Interface> {
    let mut out: BTreeMap<String, Interface> = BTreeMap::new();
    let inet6 = if_inet6();
    if let Ok(addrs) = nix::ifaddrs::getifaddrs() {
        for ifa in addrs {
            let entry = out.entry(ifa.interface_name.clone()).or_default();
            let Some(addr) = ifa.address else { continue };
            if let Some(link) = addr.as_link_addr() {
                if let Some(mac) = link.addr() {
                    if mac.iter().any(|b| *b != 0) {
                        entry.mac =
                            Some(mac.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":"));
                    }
                }
            } else if let Some(v4) = addr.as_sockaddr_in() {
                let ip = IpAddr::V4(v4.ip());
                let mask = ifa.netmask.and_then(|m| m.as_sockaddr_in().map(|m| IpAddr::V4(m.ip())));
                let mask = mask.unwrap_or(IpAddr::V4(std::net::Ipv4Addr::BROADCAST));
                let network = super::ip_network(ip, mask).unwrap_or(ip);
                entry.bindings.push(Binding {
                    address: ip,
                    netmask: mask,
                    network,
                    scope6: None,
                    flags: vec![],
                });
            } else if let Some(v6) = addr.as_sockaddr_in6() {
                let ip = IpAddr::V6(v6.ip());
                let mask = ifa.netmask.and_then(|m| m.as_sockaddr_in6().map(|m| IpAddr::V6(m.ip())));
                let mask = mask.unwrap_or(IpAddr::V6(std::net::Ipv6Addr::from(u128::MAX)));
                let network = super::ip_network(ip, mask).unwrap_or(ip);
                let (scope6, flags) =
                    inet6.get(&v6.ip()).cloned().unwrap_or_else(|| (scope_of(&v6.ip()), vec![]));
                entry.bindings6.push(Binding {
                    address: ip,
                    netmask: mask,
                    network,
                    scope6: Some(scope6),
                    flags,
                });
            }
        }
    }
    for (name, iface) in out.iter_mut() {
        iface.mtu =
            fs::read_to_string(format!("/sys/class/net/{name}/mtu")).ok().and_then(|s| s.trim().parse().ok());
        if iface.mac.is_none() {
            iface.mac = fs::read_to_string(format!("/sys/class/net/{name}/address"))
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|m| !m.is_empty() && m != "00:00:00:00:00:00");
        }
    }
    out
}

fn scope_of(ip: &std::net::Ipv6Addr) -> String {
    if ip.is_loopback() {
        "host".into()
    } else if (ip.segments()[0] & 0xffc0) == 0xfe80 {
        "link".into()
    } else {
        "global".into()
    }
}

/// IPv6 scopes and flags from `/proc/net/if_inet6`.
fn if_inet6() -> BTreeMap<std::net::Ipv6Addr, (String, Vec<String>)> {
    let mut out = BTreeMap::new();
    let Ok(text) = fs::read_to_string("/proc/net/if_inet6") else { return out };
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 6 || f[0].len() != 32 {
            continue;
        }
        let Ok(bits) = u128::from_str_radix(f[0], 16) else { continue };
        let ip = std::net::Ipv6Addr::from(bits);
        let scope = match u32::from_str_radix(f[3], 16).unwrap_or(0) & 0xf0 {
            0x00 => "global",
            0x10 => "host",
            0x20 => "link",
            0x40 => "site",
            _ => "compat",
        };
        let flag_bits = u32::from_str_radix(f[4], 16).unwrap_or(0);
        let names = [
            (0x01, "temporary"),
            (0x02, "noad"),
            (0x04, "optimistic"),
            (0x08, "dadfailed"),
            (0x10, "homeaddress"),
            (0x20, "deprecated"),
            (0x40, "tentative"),
            (0x80, "permanent"),
        ];
        let flags = names.iter().filter(|(b, _)| flag_bits & b != 0).map(|(_, n)| n.to_string()).collect();
        out.insert(ip, (scope.to_string(), flags));
    }
    out
}

/// The interface of the default route with the lowest metric.
pub fn primary_interface() -> Option<String> {
    let text = fs::read_to_string("/proc/net/route").ok()?;
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() > 7 && f[1] == "00000000" && f[7] == "00000000")
                .then(|| (f[6].parse::<u64>().unwrap_or(0), f[0].to_string()))
        })
        .min()
        .map(|(_, name)| name)
}

/// The structured `networking` fact.
pub fn networking_fact(
    hostname: &str,
    domain: &Option<String>,
    fqdn: &str,
    interfaces: &BTreeMap<String, Interface>,
    primary: &Option<String>,
) -> Value {
    let mut m = serde_json::Map::new();
    if let Some(d) = domain {
        m.insert("domain".into(), json!(d));
    }
    m.insert("fqdn".into(), json!(fqdn));
    m.insert("hostname".into(), json!(hostname));
    let ifaces: serde_json::Map<String, Value> =
        interfaces.iter().map(|(n, i)| (n.clone(), i.fact())).collect();
    m.insert("interfaces".into(), Value::Object(ifaces));
    if let Some(p) = primary.as_ref().and_then(|p| interfaces.get(p)) {
        if let Value::Object(pf) = p.fact() {
            for key in ["ip", "ip6", "mac", "mtu", "netmask", "netmask6", "network", "network6"] {
                if let Some(v) = pf.get(key) {
                    m.insert(key.into(), v.clone());
                }
            }
            if let Some(name) = primary {
                m.insert("primary".into(), json!(name));
            }
            if let Some(v) = pf.get("scope6") {
                m.insert("scope6".into(), v.clone());
            }
        }
    } else if let Some(p) = primary {
        m.insert("primary".into(), json!(p));
    }
    Value::Object(m)
}

/// The legacy flat network facts: `interfaces`, `ipaddress`, `macaddress`, `ipaddress_eth0`, …
pub fn legacy_facts(interfaces: &BTreeMap<String, Interface>, primary: Option<&str>) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let names: Vec<&str> = interfaces.keys().map(|k| k.as_str()).collect();
    out.push(("interfaces".into(), json!(names.join(","))));
    if let Some(Value::Object(pf)) = primary.and_then(|p| interfaces.get(p)).map(|i| i.fact()) {
        for (legacy, key) in [
            ("ipaddress", "ip"),
            ("ipaddress6", "ip6"),
            ("macaddress", "mac"),
            ("netmask", "netmask"),
            ("netmask6", "netmask6"),
            ("network", "network"),
            ("network6", "network6"),
        ] {
            if let Some(v) = pf.get(key) {
                out.push((legacy.into(), v.clone()));
            }
        }
    }
    for (name, iface) in interfaces {
        let suffix: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
        if let Value::Object(f) = iface.fact() {
            for (legacy, key) in [
                ("ipaddress", "ip"),
                ("ipaddress6", "ip6"),
                ("macaddress", "mac"),
                ("mtu", "mtu"),
                ("netmask", "netmask"),
                ("netmask6", "netmask6"),
                ("network", "network"),
                ("network6", "network6"),
                ("scope6", "scope6"),
            ] {
                if let Some(v) = f.get(key) {
                    out.push((format!("{legacy}_{suffix}"), v.clone()));
                }
            }
        }
    }
    out
}
