//! The legacy `auth.conf` of Puppet ≤ 6 (the format of the seed), which guards the run listener:
//!
//! ```text
//! path /run          # a prefix, or `path ~ ^/catalog/([^/]+)$` for a regex
//! method save        # find | search | save | destroy, comma-separated
//! auth any           # yes (the default: authenticated only) | no | any
//! allow node1.example.com, *.example.com
//! deny bad.example.com
//! allow_ip 10.0.0.0/8
//! ```
//!
//! Stanzas are tried in file order and the first whose path (and method and authentication) matches
//! decides; within it a deny wins over an allow; nothing matching means "forbidden", as in Puppet's
//! `Puppet::Network::Rights`.

use std::net::IpAddr;
use std::path::Path;

use regex::Regex;

/// An `auth.conf` that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct AuthConfError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// The REST method of a request, in Puppet's indirector words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Find,
    Search,
    Save,
    Destroy,
}

impl Method {
    /// The indirector method of an HTTP request (PUT/POST save, DELETE destroy, GET find).
    pub fn from_http(method: &str) -> Method {
        match method {
            "PUT" | "POST" => Method::Save,
            "DELETE" => Method::Destroy,
            _ => Method::Find,
        }
    }

    fn parse(word: &str) -> Option<Method> {
        match word {
            "find" => Some(Method::Find),
            "search" => Some(Method::Search),
            "save" => Some(Method::Save),
            "destroy" => Some(Method::Destroy),
            _ => None,
        }
    }

    /// The name Puppet prints in "Forbidden request" messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Find => "find",
            Method::Search => "search",
            Method::Save => "save",
            Method::Destroy => "destroy",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Auth {
    Yes,
    No,
    Any,
}

#[derive(Debug, Clone)]
enum PathMatch {
    Prefix(String),
    Regex(Regex),
}

#[derive(Debug, Clone)]
enum Pattern {
    /// `*`: everyone.
    All,
    /// An exact name, lower-cased.
    Exact(String),
    /// `*.example.com`: any name ending in `.example.com`.
    Domain(String),
    /// `/regex/` on the name.
    Regex(Regex),
    /// `$1.example.com`: an exact name after back-references from a regex path are filled in.
    Dynamic(String),
    /// `allow_ip`: an address, or a network in CIDR form, or `*`.
    Ip { net: IpAddr, prefix: u8 },
}

#[derive(Debug, Clone)]
struct Stanza {
    path: PathMatch,
    methods: Vec<Method>,
    auth: Auth,
    allow: Vec<Pattern>,
    deny: Vec<Pattern>,
    line: usize,
}

/// A parsed `auth.conf`.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    file: String,
    stanzas: Vec<Stanza>,
}

/// Who is asking: the certname of a verified client certificate (if any) and its address.
#[derive(Debug, Clone)]
pub struct Requester<'a> {
    pub certname: Option<&'a str>,
    pub ip: IpAddr,
}

impl AuthConfig {
    /// Reads and parses the file.
    pub fn load(path: &Path) -> Result<AuthConfig, AuthConfError> {
        let text = std::fs::read_to_string(path).map_err(|e| AuthConfError {
            file: path.display().to_string(),
            line: 0,
            message: e.to_string(),
        })?;
        AuthConfig::parse(&text, &path.display().to_string())
    }

    /// Parses the text of an `auth.conf`; `file` names it in errors and messages.
    pub fn parse(text: &str, file: &str) -> Result<AuthConfig, AuthConfError> {
        let err = |line: usize, message: String| AuthConfError { file: file.to_string(), line, message };
        let mut stanzas: Vec<Stanza> = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let line = n + 1;
            let content = raw.split('#').next().unwrap_or("").trim();
            if content.is_empty() {
                continue;
            }
            let (key, value) = match content.split_once(char::is_whitespace) {
                Some((k, v)) => (k, v.trim()),
                None => (content, ""),
            };
            if key == "path" {
                let path = if let Some(re) = value.strip_prefix('~') {
                    let re = re.trim();
                    PathMatch::Regex(Regex::new(re).map_err(|e| err(line, format!("invalid regex: {e}")))?)
                } else if value.starts_with('/') {
                    PathMatch::Prefix(value.to_string())
                } else {
                    return Err(err(line, format!("Invalid path '{value}': paths must start with /")));
                };
                stanzas.push(Stanza {
                    path,
                    methods: Vec::new(),
                    auth: Auth::Yes,
                    allow: Vec::new(),
                    deny: Vec::new(),
                    line,
                });
                continue;
            }
            let Some(stanza) = stanzas.last_mut() else {
                return Err(err(line, format!("Missing or invalid 'path' before right directive '{key}'")));
            };
            let words = || value.split(',').map(str::trim).filter(|w| !w.is_empty());
            match key {
                "method" => {
                    for w in words() {
                        let m = Method::parse(w)
                            .ok_or_else(|| err(line, format!("'{w}' is not an allowed method")))?;
                        stanza.methods.push(m);
                    }
                }
                "auth" | "authenticated" => {
                    stanza.auth = match value {
                        "yes" | "on" | "true" | "any-authenticated" => Auth::Yes,
                        "no" | "off" | "false" => Auth::No,
                        "any" | "all" => Auth::Any,
                        other => return Err(err(line, format!("'{other}' incorrect authenticated value"))),
                    }
                }
                "allow" | "deny" => {
                    for w in words() {
                        let p = parse_name_pattern(w).map_err(|m| err(line, m))?;
                        if key == "allow" {
                            stanza.allow.push(p)
                        } else {
                            stanza.deny.push(p)
                        }
                    }
                }
                "allow_ip" | "deny_ip" => {
                    for w in words() {
                        let p = parse_ip_pattern(w).map_err(|m| err(line, m))?;
                        if key == "allow_ip" {
                            stanza.allow.push(p)
                        } else {
                            stanza.deny.push(p)
                        }
                    }
                }
                // Puppet 3 accepted `environment`; the listener serves one environment, so it has no effect.
                "environment" => {}
                other => return Err(err(line, format!("Invalid argument '{other}'"))),
            }
        }
        Ok(AuthConfig { file: file.to_string(), stanzas })
    }

    /// Decides a request for `path` (Puppet 3's indirection path, without the environment:
    /// `/run/node2.example.com`). `Err` holds Puppet's "Forbidden request" message.
    pub fn check(&self, path: &str, method: Method, who: &Requester) -> Result<(), String> {
        let authenticated = who.certname.is_some();
        let name = who.certname.unwrap_or("");
        let label =
            format!("{}({})", if name.is_empty() { who.ip.to_string() } else { name.to_string() }, who.ip);
        let auth_word = if authenticated { "authenticated" } else { "unauthenticated" };
        for stanza in &self.stanzas {
            let captures: Vec<String> = match &stanza.path {
                PathMatch::Prefix(p) => {
                    if !path.starts_with(p.as_str()) {
                        continue;
                    }
                    Vec::new()
                }
                PathMatch::Regex(re) => match re.captures(path) {
                    Some(c) => {
                        c.iter().map(|m| m.map(|m| m.as_str().to_string()).unwrap_or_default()).collect()
                    }
                    None => continue,
                },
            };
            if !stanza.methods.is_empty() && !stanza.methods.contains(&method) {
                continue;
            }
            match (stanza.auth, authenticated) {
                (Auth::Yes, false) | (Auth::No, true) => continue,
                _ => {}
            }
            let matches = |p: &Pattern| pattern_matches(p, name, who.ip, &captures);
            let allowed = !stanza.deny.iter().any(matches) && stanza.allow.iter().any(matches);
            if allowed {
                return Ok(());
            }
            return Err(format!(
                "Forbidden request: {label} access to {path} [{}] {auth_word} at {}:{}",
                method.as_str(),
                self.file,
                stanza.line
            ));
        }
        Err(format!("Forbidden request: {label} access to {path} [{}] {auth_word}", method.as_str()))
    }
}

fn parse_name_pattern(word: &str) -> Result<Pattern, String> {
    if word == "*" {
        return Ok(Pattern::All);
    }
    if let Some(re) = word.strip_prefix('/').and_then(|w| w.strip_suffix('/')) {
        return Regex::new(re).map(Pattern::Regex).map_err(|e| format!("invalid regex {word}: {e}"));
    }
    if word.contains('$') {
        return Ok(Pattern::Dynamic(word.to_lowercase()));
    }
    if let Some(domain) = word.strip_prefix("*.") {
        if domain.contains('*') {
            return Err(format!("Invalid pattern {word}"));
        }
        return Ok(Pattern::Domain(domain.to_lowercase()));
    }
    // An address in `allow` was accepted by Puppet too.
    if let Ok(p) = parse_ip_pattern(word) {
        return Ok(p);
    }
    if word.contains('*') || word.chars().any(char::is_whitespace) {
        return Err(format!("Invalid pattern {word}"));
    }
    Ok(Pattern::Exact(word.to_lowercase()))
}

fn parse_ip_pattern(word: &str) -> Result<Pattern, String> {
    if word == "*" {
        return Ok(Pattern::All);
    }
    let (addr, prefix) = match word.split_once('/') {
        Some((a, p)) => (a, Some(p.parse::<u8>().map_err(|_| format!("Invalid IP pattern {word}"))?)),
        None => (word, None),
    };
    let net: IpAddr = addr.parse().map_err(|_| format!("Invalid IP pattern {word}"))?;
    let max = if net.is_ipv4() { 32 } else { 128 };
    let prefix = prefix.unwrap_or(max);
    if prefix > max {
        return Err(format!("Invalid IP pattern {word}"));
    }
    Ok(Pattern::Ip { net, prefix })
}

fn pattern_matches(p: &Pattern, name: &str, ip: IpAddr, captures: &[String]) -> bool {
    let name = name.to_lowercase();
    match p {
        Pattern::All => true,
        Pattern::Exact(n) => !name.is_empty() && name == *n,
        Pattern::Domain(d) => name.strip_suffix(d.as_str()).is_some_and(|head| head.ends_with('.')),
        Pattern::Regex(re) => !name.is_empty() && re.is_match(&name),
        Pattern::Dynamic(template) => {
            let mut filled = template.clone();
            for (i, c) in captures.iter().enumerate().rev() {
                filled = filled.replace(&format!("${i}"), &c.to_lowercase());
            }
            !name.is_empty() && name == filled
        }
        Pattern::Ip { net, prefix } => in_network(ip, *net, *prefix),
    }
}

fn in_network(ip: IpAddr, net: IpAddr, prefix: u8) -> bool {
    let (a, b, bits) = match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u32::from(a) as u128, u32::from(b) as u128, 32u32),
        (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), 128),
        (IpAddr::V6(a), IpAddr::V4(b)) => match a.to_ipv4_mapped() {
            Some(a) => (u32::from(a) as u128, u32::from(b) as u128, 32),
            None => return false,
        },
        _ => return false,
    };
    let prefix = u32::from(prefix);
    if prefix == 0 {
        return true;
    }
    let shift = bits - prefix;
    (a >> shift) == (b >> shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "# the seed's auth.conf\npath /run\nmethod save\nallow node1.luojianlong.com\n";

    fn who(name: Option<&str>) -> Requester<'_> {
        Requester { certname: name, ip: "10.0.0.5".parse().unwrap() }
    }

    #[test]
    fn the_seeds_stanza_allows_only_the_named_kicker() {
        let conf = AuthConfig::parse(SEED, "/etc/puppet/auth.conf").unwrap();
        assert!(conf.check("/run/node2", Method::Save, &who(Some("node1.luojianlong.com"))).is_ok());
        let denied = conf.check("/run/node2", Method::Save, &who(Some("node3.luojianlong.com"))).unwrap_err();
        assert_eq!(
            denied,
            "Forbidden request: node3.luojianlong.com(10.0.0.5) access to /run/node2 [save] authenticated at /etc/puppet/auth.conf:2"
        );
        // auth defaults to yes: an anonymous client matches no stanza.
        assert!(conf.check("/run/node2", Method::Save, &who(None)).is_err());
        // The stanza is for save only.
        assert!(conf.check("/run/node2", Method::Find, &who(Some("node1.luojianlong.com"))).is_err());
    }

    #[test]
    fn first_matching_stanza_decides_and_deny_beats_allow() {
        let text = "path /run\nmethod save\nauth any\nallow *.example.com\ndeny bad.example.com\n\n\
                    path /run\nallow bad.example.com\n\npath /\nauth any\nallow *\n";
        let conf = AuthConfig::parse(text, "a").unwrap();
        assert!(conf.check("/run/x", Method::Save, &who(Some("web1.example.com"))).is_ok());
        assert!(conf.check("/run/x", Method::Save, &who(Some("a.b.example.com"))).is_ok());
        assert!(conf.check("/run/x", Method::Save, &who(Some("example.com"))).is_err());
        assert!(conf.check("/run/x", Method::Save, &who(Some("bad.example.com"))).is_err());
        assert!(conf.check("/status", Method::Find, &who(None)).is_ok());
    }

    #[test]
    fn regex_paths_back_references_and_addresses() {
        let text =
            "path ~ ^/catalog/([^/]+)$\nmethod find\nallow $1\n\npath /run\nauth any\nallow_ip 10.0.0.0/8\n";
        let conf = AuthConfig::parse(text, "a").unwrap();
        assert!(conf.check("/catalog/n1", Method::Find, &who(Some("n1"))).is_ok());
        assert!(conf.check("/catalog/n1", Method::Find, &who(Some("n2"))).is_err());
        assert!(conf.check("/run/n1", Method::Save, &who(None)).is_ok());
        let far = Requester { certname: None, ip: "192.168.1.1".parse().unwrap() };
        assert!(conf.check("/run/n1", Method::Save, &far).is_err());
    }

    #[test]
    fn errors_name_the_line() {
        let e = AuthConfig::parse("method save\n", "f").unwrap_err();
        assert_eq!(e.line, 1);
        let e = AuthConfig::parse("path /run\nmethod fetch\n", "f").unwrap_err();
        assert_eq!((e.line, e.message.as_str()), (2, "'fetch' is not an allowed method"));
        let e = AuthConfig::parse("path /run\nallow a*b\n", "f").unwrap_err();
        assert_eq!(e.line, 2);
    }
}
