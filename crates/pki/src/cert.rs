//! Reading certificates, CSRs and CRLs: fingerprints, names, serials, validity.

/// A SHA-256 fingerprint of DER bytes, as Puppet prints it: `AB:CD:…`.
pub fn fingerprint_sha256(der: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(der).iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}
