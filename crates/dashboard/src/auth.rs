//! Passwords (argon2id), session cookies, CSRF tokens, and who may upload reports.

use std::net::IpAddr;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use ipnet::IpNet;

use crate::error::{DashboardError, Result};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "bunraku_session";
/// The cookie carrying the login form's CSRF token (double-submit, since there is no session yet).
pub const LOGIN_CSRF_COOKIE: &str = "bunraku_login_csrf";

/// A valid hash of a random password, verified against when the user does not exist so that a
/// failed login takes as long for an unknown name as for a wrong password.
pub(crate) const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$J3bDlvT3o2QIWw7hQm+X8ENC5L5Xe4cHXxXaBg0Ahmo";

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| DashboardError::Password(e.to_string()))
}

/// Whether the password matches the stored hash; a malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// The networks allowed to `POST /reports/upload` without a client certificate. Over HTTPS
/// (`Config::tls`) a client presenting a certificate from our CA may upload from anywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadPolicy {
    networks: Vec<IpNet>,
}

impl Default for UploadPolicy {
    /// Loopback only, both families.
    fn default() -> UploadPolicy {
        UploadPolicy::parse(&["127.0.0.0/8", "::1/128"]).unwrap_or(UploadPolicy { networks: Vec::new() })
    }
}

impl UploadPolicy {
    /// Parses CIDR networks (`10.0.0.0/8`) or single addresses.
    pub fn parse<S: AsRef<str>>(items: &[S]) -> Result<UploadPolicy> {
        let mut networks = Vec::new();
        for item in items {
            let s = item.as_ref().trim();
            let net = s
                .parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| DashboardError::Invalid(format!("{s:?} is not a network (CIDR) or address")))?;
            networks.push(net);
        }
        Ok(UploadPolicy { networks })
    }

    /// Whether a peer address may upload; IPv4-mapped IPv6 peers are checked as IPv4.
    pub fn allows(&self, peer: IpAddr) -> bool {
        let peer = match peer {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(peer),
            v4 => v4,
        };
        self.networks.iter().any(|n| n.contains(&peer))
    }
}

/// The value of one cookie in a `Cookie` header.
pub fn cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').filter_map(|kv| kv.trim().split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// Constant-time comparison for tokens.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_policy() {
        let h = hash_password("correct horse").unwrap();
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        let p = UploadPolicy::default();
        assert!(p.allows("127.0.0.1".parse().unwrap()));
        assert!(p.allows("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!p.allows("10.1.2.3".parse().unwrap()));
        let p = UploadPolicy::parse(&["10.0.0.0/8", "192.168.1.5"]).unwrap();
        assert!(p.allows("10.1.2.3".parse().unwrap()));
        assert!(p.allows("192.168.1.5".parse().unwrap()));
        assert!(UploadPolicy::parse(&["nonsense"]).is_err());
        assert_eq!(cookie("a=1; bunraku_session=xyz", SESSION_COOKIE), Some("xyz"));
    }
}
