//! puppetserver's own configuration (`conf.d/*.conf`, HOCON), read only to say what of it Bunraku
//! does not read: a site moving over from puppetserver learns which settings to carry into
//! `puppet.conf` or the command line, and which have no meaning here, instead of finding out later.
//!
//! The reader knows the part of HOCON that puppetserver's files use: nested objects (`name: {`,
//! `name {`), `name: value` and `name = value` leaves, arrays (kept whole, as one setting), quoted
//! strings, `#` and `//` comments. It never fails: what it cannot read is skipped.

use std::path::{Path, PathBuf};

/// One leaf setting of a puppetserver configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The dotted path, `webserver.ssl-port`.
    pub name: String,
    /// The value as written, unquoted (an array or object whole).
    pub value: String,
    pub line: usize,
}

/// The conf.d directories puppetserver's packages use (Debian's, then Puppet's own), with the
/// Puppet confdir each serves when its puppetserver.conf does not say.
pub const PACKAGED_CONFDIRS: &[(&str, &str)] = &[
    ("/etc/puppet/puppetserver/conf.d", "/etc/puppet"),
    ("/etc/puppetlabs/puppetserver/conf.d", "/etc/puppetlabs/puppet"),
];

/// The leaf settings of a HOCON text, in order.
pub fn settings(text: &str) -> Vec<Setting> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut i = 0;
    let mut line = 1;
    let key_end =
        |c: char| c.is_whitespace() || matches!(c, ':' | '=' | '{' | '}' | '[' | ']' | ',' | '#' | '"');
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
            continue;
        }
        if c.is_whitespace() || c == ',' {
            i += 1;
            continue;
        }
        if c == '#' || (c == '/' && chars.get(i + 1) == Some(&'/')) {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '}' {
            stack.pop();
            i += 1;
            continue;
        }
        // A key: quoted or bare.
        let key = if c == '"' {
            let start = i + 1;
            i = start;
            while i < chars.len() && chars[i] != '"' && chars[i] != '\n' {
                i += 1;
            }
            let k: String = chars[start..i.min(chars.len())].iter().collect();
            i += 1;
            k
        } else {
            let start = i;
            while i < chars.len() && !key_end(chars[i]) {
                i += 1;
            }
            if i == start {
                // A stray character (`]`, `{` without a key): skip it.
                i += 1;
                continue;
            }
            chars[start..i].iter().collect()
        };
        let key_line = line;
        while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
            i += 1;
        }
        if i < chars.len() && (chars[i] == ':' || chars[i] == '=') {
            i += 1;
            while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
                i += 1;
            }
        }
        let path = if stack.is_empty() { key.clone() } else { format!("{}.{key}", stack.join(".")) };
        let value_start = i;
        match chars.get(i) {
            Some('{') => {
                stack.push(key);
                i += 1;
            }
            Some('[') => {
                // An array, whole: skip to its matching bracket.
                let mut depth = 0;
                let mut quoted = false;
                while i < chars.len() {
                    match chars[i] {
                        '\n' => line += 1,
                        '"' => quoted = !quoted,
                        '[' | '{' if !quoted => depth += 1,
                        ']' | '}' if !quoted => {
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                let value = chars[value_start..i].iter().collect();
                out.push(Setting { name: path, value, line: key_line });
            }
            _ => {
                let mut quoted = false;
                while i < chars.len() {
                    match chars[i] {
                        '"' => quoted = !quoted,
                        '\n' | ',' | '}' if !quoted => break,
                        '#' if !quoted => break,
                        // A `//` comment (after blanks: `http://` in a bare value is no comment).
                        '/' if !quoted
                            && chars.get(i + 1) == Some(&'/')
                            && chars.get(i.wrapping_sub(1)).is_some_and(|c| c.is_whitespace()) =>
                        {
                            break
                        }
                        _ => {}
                    }
                    i += 1;
                }
                if key != "include" {
                    let value: String = chars[value_start..i].iter().collect();
                    let value = value.trim().trim_matches('"').to_string();
                    out.push(Setting { name: path, value, line: key_line });
                }
            }
        }
    }
    out
}

/// What Bunraku does instead of a puppetserver setting: where its equivalent lives, or why it has
/// no meaning here.
pub fn advice(name: &str) -> &'static str {
    match name {
        "webserver.ssl-port" | "webserver.port" => "set masterport in puppet.conf (or --masterport)",
        "webserver.ssl-host" | "webserver.host" => "use --bindaddress",
        "webserver.ssl-cert" | "webserver.ssl-key" | "webserver.ssl-ca-cert" | "webserver.ssl-crl-path" => {
            "Bunraku reads the certificates from ssldir and cadir in puppet.conf"
        }
        "webserver.client-auth" => {
            "Bunraku always asks for a client certificate and lets agents without one reach the CA"
        }
        "webserver.idle-timeout-milliseconds" => "set idle_timeout in puppet.conf (docs/LIMITS.md)",
        "webserver.request-body-max-size" => "set max_request_size in puppet.conf (docs/LIMITS.md)",
        "jruby-puppet.server-conf-dir" | "jruby-puppet.master-conf-dir" => "use --confdir",
        "jruby-puppet.server-code-dir" | "jruby-puppet.master-code-dir" => "set codedir in puppet.conf",
        "jruby-puppet.server-var-dir" | "jruby-puppet.master-var-dir" => {
            "set vardir in puppet.conf (or --vardir)"
        }
        "jruby-puppet.server-run-dir" | "jruby-puppet.master-run-dir" => "set rundir in puppet.conf",
        "jruby-puppet.server-log-dir" | "jruby-puppet.master-log-dir" => {
            "Bunraku logs to the journal or to --logdest"
        }
        "authorization.rules" | "authorization.version" | "authorization.allow-header-cert-info" => {
            "Bunraku applies puppetserver 7's default auth.conf rules; custom rules are not read"
        }
        "certificate-authority.allow-subject-alt-names" => {
            "Bunraku's CA keeps puppetserver's default (false): CSRs with alt names wait for a decision"
        }
        "certificate-authority.allow-authorization-extensions" => {
            "Bunraku's CA keeps puppetserver's default (false)"
        }
        "certificate-authority.enable-infra-crl" => "Bunraku keeps one CRL, ca_crl.pem",
        "global.logging-config" => "logback has no meaning here: Bunraku logs to the journal or to --logdest",
        n if n.starts_with("jruby-puppet.") => "there is no JRuby here: module Ruby runs in worker processes",
        n if n.starts_with("metrics.") => {
            "Bunraku serves Prometheus metrics on /metrics instead of JMX/Graphite"
        }
        n if n.starts_with("web-router-service.") => {
            "Bunraku's routes are fixed (/puppet, /puppet-ca, /status)"
        }
        n if n.starts_with("http-client.") => "Bunraku's report forwarding has its own client settings",
        n if n.starts_with("profiler.") || n.starts_with("dropsonde.") || n.starts_with("product.") => {
            "it has no meaning here"
        }
        n if n.starts_with("versioned-code.") => "code versions (code-id) are not supported",
        _ => "it has no meaning here",
    }
}

/// Every setting of the `.conf` files in `dir`, with the file it is in, sorted by file.
pub fn read_dir(dir: &Path) -> Vec<(PathBuf, Setting)> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "conf"))
            .collect(),
        Err(_) => return Vec::new(),
    };
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        out.extend(settings(&text).into_iter().map(|s| (file.clone(), s)));
    }
    out
}

/// The Puppet confdir a puppetserver conf.d serves (`jruby-puppet.server-conf-dir`).
fn served_confdir(found: &[(PathBuf, Setting)], default: &str) -> PathBuf {
    let conf = found.iter().find(|(_, s)| {
        matches!(s.name.as_str(), "jruby-puppet.server-conf-dir" | "jruby-puppet.master-conf-dir")
    });
    PathBuf::from(conf.map(|(_, s)| s.value.as_str()).unwrap_or(default))
}

/// Warns, one line per setting, about puppetserver configuration Bunraku does not read: in `dir`
/// when given, else in a packaged conf.d that serves the same Puppet confdir as this master (a
/// puppetserver installed beside a master with its own confdir is none of its business). Returns
/// how many settings were reported.
pub fn report(dir: Option<&Path>, confdir: &Path) -> usize {
    let dirs: Vec<PathBuf> = match dir {
        Some(d) => vec![d.to_path_buf()],
        None => PACKAGED_CONFDIRS
            .iter()
            .filter(|(d, default)| {
                let found = read_dir(Path::new(d));
                !found.is_empty() && served_confdir(&found, default) == confdir
            })
            .map(|(d, _)| PathBuf::from(d))
            .collect(),
    };
    let mut count = 0;
    for d in dirs {
        let found = read_dir(&d);
        if found.is_empty() {
            continue;
        }
        tracing::warn!(
            "{} holds puppetserver settings Bunraku does not read (docs/MIGRATING.md says what carries over):",
            d.display()
        );
        for (file, s) in found {
            tracing::warn!("{}:{}: {} is not read: {}", file.display(), s.line, s.name, advice(&s.name));
            count += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_puppetserver_hocon() {
        let text = r#"# comment
jruby-puppet: {
    ruby-load-path: [/usr/lib/puppetserver/ruby/vendor_ruby]
    gem-path: [${jruby-puppet.gem-home}, "/usr/lib/puppetserver/vendored-jruby-gems"]
    server-conf-dir: /etc/puppet   // trailing comment
    max-active-instances: 1
}
http-client: {
}
webserver {
    ssl-host = "0.0.0.0", ssl-port = 8140
}
authorization: {
    version: 1
    rules: [
        {
            match-request: { path: "/puppet/v3/catalog", type: path }
            allow: "$1"
        },
    ]
}
"#;
        let found = settings(text);
        assert_eq!(found[2].value, "/etc/puppet");
        assert_eq!(found[4].value, "0.0.0.0");
        let names: Vec<(String, usize)> = found.into_iter().map(|s| (s.name, s.line)).collect();
        assert_eq!(
            names,
            [
                ("jruby-puppet.ruby-load-path", 3),
                ("jruby-puppet.gem-path", 4),
                ("jruby-puppet.server-conf-dir", 5),
                ("jruby-puppet.max-active-instances", 6),
                ("webserver.ssl-host", 11),
                ("webserver.ssl-port", 11),
                ("authorization.version", 14),
                ("authorization.rules", 15),
            ]
            .map(|(n, l)| (n.to_string(), l))
        );
        assert_eq!(advice("webserver.ssl-port"), "set masterport in puppet.conf (or --masterport)");
        assert!(advice("jruby-puppet.max-active-instances").contains("no JRuby"));
    }
}
