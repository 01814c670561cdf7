//! The kicking side of the run listener (Puppet 3's `puppet kick`): ask an agent to run now, with
//! the kicker's own certificate, over Puppet 3's `PUT /<environment>/run/<name>`.

use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use serde_json::json;

use crate::client::{encode, ClientError, MasterClient};

/// The TLS configuration a kick connects with (`bunraku_pki::tls::client_config` of the kicker).
pub type TlsConfig = Arc<rustls::ClientConfig>;

/// One agent to kick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KickTarget {
    /// The agent's certname (checked against its certificate).
    pub host: String,
    /// Its `puppetport`.
    pub port: u16,
    /// Where to connect instead of resolving `host`.
    pub address: Option<IpAddr>,
}

impl KickTarget {
    /// `NAME` or `NAME:PORT`, with `default_port` when none is given.
    pub fn parse(spec: &str, default_port: u16) -> Result<KickTarget, String> {
        let (host, port) = match spec.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().map_err(|_| format!("invalid port in '{spec}'"))?),
            None => (spec, default_port),
        };
        if host.is_empty() {
            return Err(format!("invalid host '{spec}'"));
        }
        Ok(KickTarget { host: host.to_lowercase(), port, address: None })
    }
}

/// Asks `target` to run; returns the `status` it answered (`success`, `running`, …).
pub fn trigger(
    target: &KickTarget,
    tls: Arc<rustls::ClientConfig>,
    environment: &str,
    tags: &[String],
    ignoreschedules: bool,
) -> Result<String, ClientError> {
    let client = MasterClient::with_address(&target.host, target.port, tls, target.address)?;
    let body = json!({
        "options": {"tags": tags, "ignoreschedules": ignoreschedules},
        "background": true,
        "status": null,
    });
    let path = format!("/{}/run/{}", encode(environment), encode(&target.host));
    let answer = client.put_json_for_json(&path, body.to_string())?;
    Ok(answer.get("status").and_then(|s| s.as_str()).unwrap_or("").to_string())
}

/// The certnames of all signed certificates in a CA directory (`--all` on the CA host), sorted.
pub fn signed_certnames(cadir: &Path) -> std::io::Result<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir(cadir.join("signed"))?
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".pem")).map(String::from))
        .collect();
    names.sort();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_with_and_without_ports() {
        assert_eq!(
            KickTarget::parse("Node2.example.com", 8139).unwrap(),
            KickTarget { host: "node2.example.com".into(), port: 8139, address: None }
        );
        assert_eq!(KickTarget::parse("n:18139", 8139).unwrap().port, 18139);
        assert!(KickTarget::parse("n:x", 8139).is_err());
        assert!(KickTarget::parse(":1", 8139).is_err());
    }
}
