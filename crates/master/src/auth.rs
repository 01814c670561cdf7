//! Authorization: puppetserver 7's default `auth.conf` rules, as data, evaluated in order.
//!
//! The first rule whose path and method match decides; no match denies. A denial is the plain-text
//! 403 agents know: `Forbidden request: /path (method :get). Please see the server logs for details.`

use std::sync::OnceLock;

use axum::http::Method;
use regex::Regex;

use bunraku_pki::PeerIdentity;

/// How a rule matches the request path.
#[derive(Debug, Clone, Copy)]
pub enum PathMatch {
    /// A prefix match (`type: path`): `/puppet/v3/file_metadata` also covers `file_metadatas`.
    Prefix(&'static str),
    /// A regex match (`type: regex`) whose first capture group is `$1` in [`Allow::Capture`].
    Regex(&'static str),
}

/// Who a matching rule lets through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allow {
    /// `allow-unauthenticated: true`: anyone, with or without a client certificate.
    Unauthenticated,
    /// `allow: "*"`: any client with a verified certificate.
    AnyCertificate,
    /// `allow: "$1"`: a verified certificate whose certname equals the path's first capture.
    Capture,
    /// `allow: {extensions: {pp_cli_auth: "true"}}`: the CA's administrative clients.
    CliAuth,
    /// `deny: "*"`.
    Deny,
}

/// One `auth.conf` rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub name: &'static str,
    pub path: PathMatch,
    /// Matching methods; empty means any method.
    pub methods: &'static [&'static str],
    pub allow: Allow,
}

use Allow::*;
use PathMatch::*;

/// puppetserver 7.9.5's default rules (`ezbake/config/conf.d/auth.conf`), in evaluation order.
#[rustfmt::skip]
pub const DEFAULT_RULES: &[Rule] = &[
    Rule { name: "puppetlabs v3 catalog from agents", path: Regex(r"^/puppet/v3/catalog/([^/]+)$"), methods: &["GET", "POST"], allow: Capture },
    Rule { name: "puppetlabs v4 catalog for services", path: Regex(r"^/puppet/v4/catalog/?$"), methods: &["POST"], allow: Deny },
    Rule { name: "puppetlabs certificate", path: Prefix("/puppet-ca/v1/certificate/"), methods: &["GET"], allow: Unauthenticated },
    Rule { name: "puppetlabs crl", path: Prefix("/puppet-ca/v1/certificate_revocation_list/ca"), methods: &["GET"], allow: Unauthenticated },
    Rule { name: "puppetlabs csr", path: Prefix("/puppet-ca/v1/certificate_request"), methods: &["GET", "PUT"], allow: Unauthenticated },
    Rule { name: "puppetlabs cert status", path: Prefix("/puppet-ca/v1/certificate_status"), methods: &["GET", "PUT", "DELETE"], allow: CliAuth },
    Rule { name: "puppetlabs CRL update", path: Regex(r"^/puppet-ca/v1/certificate_revocation_list$"), methods: &["PUT"], allow: CliAuth },
    Rule { name: "puppetlabs cert statuses", path: Prefix("/puppet-ca/v1/certificate_statuses"), methods: &["GET"], allow: CliAuth },
    Rule { name: "puppetlabs expirations", path: Prefix("/puppet-ca/v1/expirations"), methods: &["GET"], allow: AnyCertificate },
    Rule { name: "puppetlabs cert clean", path: Prefix("/puppet-ca/v1/clean"), methods: &["PUT"], allow: CliAuth },
    Rule { name: "puppetlabs environments", path: Prefix("/puppet/v3/environments"), methods: &["GET"], allow: AnyCertificate },
    Rule { name: "puppetlabs file bucket file", path: Prefix("/puppet/v3/file_bucket_file"), methods: &["GET", "HEAD", "POST", "PUT"], allow: AnyCertificate },
    Rule { name: "puppetlabs file content", path: Prefix("/puppet/v3/file_content"), methods: &["GET", "POST"], allow: AnyCertificate },
    Rule { name: "puppetlabs file metadata", path: Prefix("/puppet/v3/file_metadata"), methods: &["GET", "POST"], allow: AnyCertificate },
    Rule { name: "puppetlabs node", path: Regex(r"^/puppet/v3/node/([^/]+)$"), methods: &["GET"], allow: Capture },
    Rule { name: "puppetlabs report", path: Regex(r"^/puppet/v3/report/([^/]+)$"), methods: &["PUT"], allow: Capture },
    Rule { name: "puppetlabs facts", path: Regex(r"^/puppet/v3/facts/([^/]+)$"), methods: &["PUT"], allow: Capture },
    Rule { name: "puppetlabs static file content", path: Prefix("/puppet/v3/static_file_content"), methods: &["GET"], allow: AnyCertificate },
    Rule { name: "puppetlabs tasks", path: Prefix("/puppet/v3/tasks"), methods: &["GET"], allow: AnyCertificate },
    Rule { name: "puppetlabs status service - full", path: Prefix("/status/v1/services"), methods: &["GET"], allow: Unauthenticated },
    Rule { name: "puppetlabs status service - simple", path: Prefix("/status/v1/simple"), methods: &["GET"], allow: Unauthenticated },
    // Bunraku's own: Prometheus scrapes without a client certificate, as the status service allows.
    Rule { name: "bunraku metrics", path: Regex("^/metrics$"), methods: &["GET"], allow: Unauthenticated },
    Rule { name: "puppetlabs deny all", path: Prefix("/"), methods: &[], allow: Deny },
];

/// The outcome of evaluating the rules for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Allowed { rule: &'static str },
    Denied { rule: Option<&'static str>, reason: String },
}

impl Decision {
    /// Whether the request may proceed.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allowed { .. })
    }
}

fn compiled(pattern: &'static str) -> Option<&'static Regex> {
    static CACHE: OnceLock<Vec<(&'static str, Regex)>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| {
        DEFAULT_RULES
            .iter()
            .filter_map(|r| match r.path {
                Regex(p) => Regex::new(p).ok().map(|re| (p, re)),
                Prefix(_) => None,
            })
            .collect()
    });
    cache.iter().find(|(p, _)| *p == pattern).map(|(_, re)| re)
}

/// Evaluates `rules` for a request on the (percent-decoded) `path` by `peer` (None when the client
/// sent no verified certificate, or a revoked one).
pub fn authorize(rules: &[Rule], method: &Method, path: &str, peer: Option<&PeerIdentity>) -> Decision {
    for rule in rules {
        if !rule.methods.is_empty() && !rule.methods.iter().any(|m| *m == method.as_str()) {
            continue;
        }
        let capture = match rule.path {
            Prefix(prefix) => {
                if !path.starts_with(prefix) {
                    continue;
                }
                None
            }
            Regex(pattern) => {
                let Some(re) = compiled(pattern) else { continue };
                let Some(caps) = re.captures(path) else { continue };
                caps.get(1).map(|m| m.as_str().to_string())
            }
        };
        let denied = |reason: &str| Decision::Denied { rule: Some(rule.name), reason: reason.to_string() };
        return match rule.allow {
            Unauthenticated => Decision::Allowed { rule: rule.name },
            Deny => denied("denied by rule"),
            AnyCertificate | Capture | CliAuth => {
                let Some(peer) = peer else {
                    return denied("no verified client certificate");
                };
                match rule.allow {
                    Capture if capture.as_deref() != Some(peer.certname.as_str()) => {
                        denied(&format!("certname {} does not match the path", peer.certname))
                    }
                    CliAuth if !peer.has_cli_auth() => {
                        denied(&format!("{} lacks pp_cli_auth", peer.certname))
                    }
                    _ => Decision::Allowed { rule: rule.name },
                }
            }
        };
    }
    Decision::Denied { rule: None, reason: "no rule matched".into() }
}

/// The body puppetserver sends with an auth.conf denial.
pub fn forbidden_message(path: &str, method: &Method) -> String {
    format!(
        "Forbidden request: {path} (method :{}). Please see the server logs for details.",
        method.as_str().to_ascii_lowercase()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(name: &str, cli: bool) -> PeerIdentity {
        PeerIdentity {
            certname: name.into(),
            serial: 3,
            extensions: if cli { vec![("pp_cli_auth".into(), "true".into())] } else { vec![] },
            dns_alt_names: vec![],
        }
    }

    /// Each line: method, path, peer (`-` none, `name`, `name+cli`), expected.
    #[test]
    fn default_rules_table() {
        let cases = "\
POST /puppet/v3/catalog/a.example.com a.example.com allow
POST /puppet/v3/catalog/a.example.com b.example.com deny
POST /puppet/v3/catalog/a.example.com - deny
GET /puppet/v3/catalog/a.example.com/x a.example.com deny
GET /puppet/v3/node/a a allow
GET /puppet/v3/node/a b deny
PUT /puppet/v3/report/a a allow
PUT /puppet/v3/report/a b deny
GET /puppet/v3/report/a a deny
GET /puppet/v3/file_metadatas/plugins a allow
GET /puppet/v3/file_metadata/modules/m/x a allow
GET /puppet/v3/file_content/modules/m/x - deny
GET /puppet-ca/v1/certificate/ca - allow
GET /puppet-ca/v1/certificate_revocation_list/ca - allow
PUT /puppet-ca/v1/certificate_request/a - allow
DELETE /puppet-ca/v1/certificate_request/a a deny
GET /puppet-ca/v1/certificate_status/a a deny
GET /puppet-ca/v1/certificate_status/a m+cli allow
GET /puppet-ca/v1/certificate_statuses/any m+cli allow
PUT /puppet-ca/v1/clean m+cli allow
PUT /puppet-ca/v1/clean a deny
GET /puppet-ca/v1/expirations a allow
GET /puppet/v3/environments a allow
GET /puppet/v3/environment_classes a deny
GET /status/v1/simple - allow
GET /status/v1/services - allow
GET /metrics - allow
GET /metrics/v2/read - deny
GET /anything m+cli deny";
        for line in cases.lines() {
            let f: Vec<&str> = line.split(' ').collect();
            let method: Method = f[0].parse().unwrap();
            let p = match f[2] {
                "-" => None,
                n => Some(match n.strip_suffix("+cli") {
                    Some(n) => peer(n, true),
                    None => peer(n, false),
                }),
            };
            let got = authorize(DEFAULT_RULES, &method, f[1], p.as_ref()).is_allowed();
            assert_eq!(got, f[3] == "allow", "{line}");
        }
    }

    #[test]
    fn forbidden_text() {
        assert_eq!(
            forbidden_message("/puppet/v3/catalog/x", &Method::POST),
            "Forbidden request: /puppet/v3/catalog/x (method :post). Please see the server logs for details."
        );
    }
}
