//! What the master reads from the CA's PEM files itself: the CRL's revoked serials and update
//! times (for `If-Modified-Since` and the revocation check in the auth layer), and the CA
//! certificate's name and expiry (for `expirations`).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use x509_parser::pem::Pem;

/// The parts of a CRL (or a bundle of CRLs) the master uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrlInfo {
    /// Serials of every revoked certificate in the bundle.
    pub revoked: HashSet<u64>,
    /// The latest `thisUpdate` in the bundle.
    pub this_update: Option<DateTime<Utc>>,
    /// The earliest `nextUpdate` in the bundle.
    pub next_update: Option<DateTime<Utc>>,
}

fn serial_from_bytes(raw: &[u8]) -> Option<u64> {
    let trimmed: &[u8] = {
        let start = raw.iter().position(|b| *b != 0).unwrap_or(raw.len());
        &raw[start..]
    };
    if trimmed.len() > 8 {
        return None;
    }
    Some(trimmed.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}

fn time(t: x509_parser::time::ASN1Time) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.timestamp(), 0)
}

/// Reads every `X509 CRL` block of `pem`; unreadable blocks are skipped (and reported as `Err`
/// only when nothing could be read).
pub fn parse_crl(pem: &str) -> Result<CrlInfo, String> {
    let mut info = CrlInfo::default();
    let mut any = false;
    for block in Pem::iter_from_buffer(pem.as_bytes()) {
        let block = block.map_err(|e| format!("bad PEM: {e}"))?;
        if block.label != "X509 CRL" {
            continue;
        }
        let Ok((_, crl)) = x509_parser::parse_x509_crl(&block.contents) else { continue };
        any = true;
        for revoked in crl.iter_revoked_certificates() {
            if let Some(serial) = serial_from_bytes(revoked.raw_serial()) {
                info.revoked.insert(serial);
            }
        }
        let this = time(crl.last_update());
        if this > info.this_update {
            info.this_update = this;
        }
        if let Some(next) = crl.next_update().and_then(time) {
            info.next_update = Some(info.next_update.map_or(next, |n| n.min(next)));
        }
    }
    if any {
        Ok(info)
    } else {
        Err("no readable CRL".into())
    }
}

/// The subject CN and `notAfter` of the first certificate in `pem`.
pub fn certificate_name_and_expiry(pem: &str) -> Option<(String, DateTime<Utc>)> {
    let block =
        Pem::iter_from_buffer(pem.as_bytes()).find_map(|b| b.ok().filter(|b| b.label == "CERTIFICATE"))?;
    let cert = block.parse_x509().ok()?;
    let cn = cert.subject().iter_common_name().next()?.as_str().ok()?.to_string();
    Some((cn, time(cert.validity().not_after)?))
}

/// puppetserver's timestamp text in CA responses: `2031-11-26T05:02:05UTC`.
pub fn ca_time_text(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SUTC").to_string()
}

/// An HTTP date (`Last-Modified`): `Fri, 27 Nov 2026 05:02:05 GMT`.
pub fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Parses an HTTP date as sent in `If-Modified-Since`.
pub fn parse_http_date(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(text.trim()).ok().map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials() {
        assert_eq!(serial_from_bytes(&[0x00, 0x03]), Some(3));
        assert_eq!(serial_from_bytes(&[0x01, 0x00]), Some(256));
        assert_eq!(serial_from_bytes(&[1; 9]), None);
    }

    #[test]
    fn http_dates_round_trip() {
        let t = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert_eq!(parse_http_date(&http_date(t)), Some(t));
        assert_eq!(parse_http_date("garbage"), None);
    }

    #[test]
    fn bad_crl_is_an_error() {
        assert!(parse_crl("").is_err());
        assert!(parse_crl("-----BEGIN X509 CRL-----\n!!!\n-----END X509 CRL-----\n").is_err());
    }
}
