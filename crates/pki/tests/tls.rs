//! Real TLS handshakes on loopback between the master's and the agent's configs.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bunraku_pki::tls::{bootstrap_client_config, client_config, server_config, server_config_with_crl};
use bunraku_pki::{Autosign, CertificateAuthority, PeerIdentity, SslDir};
use rustls::pki_types::ServerName;

const KEYLENGTH: u32 = 2048;
const TTL: Duration = Duration::from_secs(157_680_000);
const MASTER: &str = "master.example.com";

struct Pki {
    _tmp: tempfile::TempDir,
    root: std::path::PathBuf,
    ca: CertificateAuthority,
    master: SslDir,
}

fn pki() -> Pki {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_path_buf();
    let ca =
        CertificateAuthority::open_or_create(&root.join("ca"), "Puppet CA: master", TTL, KEYLENGTH).unwrap();
    let master = SslDir::new(root.join("master-ssl"));
    ca.ensure_server_certificate(&master, MASTER, &[]).unwrap();
    Pki { _tmp: tmp, root, ca, master }
}

fn enrol(ca: &CertificateAuthority, root: &Path, name: &str) -> SslDir {
    let ssldir = SslDir::new(root.join(format!("ssl-{name}")));
    ssldir.ensure_key(name, KEYLENGTH).unwrap();
    let csr = ssldir.ensure_csr(name, &[]).unwrap();
    ca.submit_csr(name, &csr, &Autosign::All).unwrap();
    ssldir.save_ca_cert(&ca.ca_cert_pem().unwrap()).unwrap();
    ssldir.save_crl(&ca.crl_pem().unwrap()).unwrap();
    ssldir.save_certificate(name, &ca.certificate_pem(name).unwrap()).unwrap();
    ssldir
}

/// What each side saw: the server's view of the client, the client's view of the server.
struct Outcome {
    server: Result<Option<PeerIdentity>, String>,
    client: Result<PeerIdentity, String>,
}

type ServerResult = Result<Option<PeerIdentity>, String>;

/// Accepts one connection: reads `ping`, answers `pong`, reports the client's identity.
fn serve_once(
    server: Arc<rustls::ServerConfig>,
) -> (std::net::SocketAddr, std::thread::JoinHandle<ServerResult>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let thread = std::thread::spawn(move || -> ServerResult {
        let (sock, _) = listener.accept().map_err(|e| e.to_string())?;
        sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let conn = rustls::ServerConnection::new(server).map_err(|e| e.to_string())?;
        let mut tls = rustls::StreamOwned::new(conn, sock);
        let mut buf = [0u8; 4];
        tls.read_exact(&mut buf).map_err(|e| e.to_string())?;
        assert_eq!(&buf, b"ping");
        let peer = match tls.conn.peer_certificates() {
            Some(chain) => Some(PeerIdentity::from_certificate(&chain[0]).map_err(|e| e.to_string())?),
            None => None,
        };
        tls.write_all(b"pong").map_err(|e| e.to_string())?;
        tls.conn.send_close_notify();
        let _ = tls.flush();
        Ok(peer)
    });
    (addr, thread)
}

/// One connection: the client sends `ping`, the server answers `pong`.
fn handshake(server: Arc<rustls::ServerConfig>, client: Arc<rustls::ClientConfig>, host: &str) -> Outcome {
    let (addr, server_thread) = serve_once(server);
    let client_result = (|| -> Result<PeerIdentity, String> {
        let sock = TcpStream::connect(addr).map_err(|e| e.to_string())?;
        sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let name = ServerName::try_from(host.to_string()).map_err(|e| e.to_string())?;
        let conn = rustls::ClientConnection::new(client, name).map_err(|e| e.to_string())?;
        let mut tls = rustls::StreamOwned::new(conn, sock);
        tls.write_all(b"ping").map_err(|e| e.to_string())?;
        let mut buf = [0u8; 4];
        tls.read_exact(&mut buf).map_err(|e| e.to_string())?;
        assert_eq!(&buf, b"pong");
        let chain = tls.conn.peer_certificates().ok_or("no server certificate")?;
        PeerIdentity::from_certificate(&chain[0]).map_err(|e| e.to_string())
    })();
    Outcome { server: server_thread.join().unwrap(), client: client_result }
}

/// OpenSSL (what Puppet's Ruby agent uses) as the client, with TLS 1.2 and 1.3, verifying the
/// server against the CA and the CRL as the agent does.
#[test]
fn openssl_client_both_versions() {
    let p = pki();
    let agent = enrol(&p.ca, &p.root, "agent1.example.com");
    for version in ["-tls1_2", "-tls1_3"] {
        let (addr, server_thread) = serve_once(server_config(&p.master, MASTER).unwrap());
        let mut child = std::process::Command::new("openssl")
            .args(["s_client", "-quiet", "-verify_return_error", "-crl_check", version])
            .args(["-connect", &addr.to_string(), "-servername", "puppet", "-verify_hostname", "puppet"])
            .args(["-CAfile", agent.ca_cert_path().to_str().unwrap()])
            .args(["-CRL", agent.crl_path().to_str().unwrap()])
            .args(["-cert", agent.cert_path("agent1.example.com").to_str().unwrap()])
            .args(["-key", agent.key_path("agent1.example.com").to_str().unwrap()])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(b"ping").unwrap();
        let out = child.wait_with_output().unwrap();
        let seen = server_thread.join().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "pong",
            "{version}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(seen.unwrap().unwrap().certname, "agent1.example.com", "{version}");
    }
}

#[test]
fn signed_client_is_identified() {
    let p = pki();
    let agent = enrol(&p.ca, &p.root, "agent1.example.com");
    let out = handshake(
        server_config(&p.master, MASTER).unwrap(),
        client_config(&agent, Some("agent1.example.com")).unwrap(),
        "puppet",
    );
    let client_seen = out.server.unwrap().expect("the client presented its certificate");
    assert_eq!(client_seen.certname, "agent1.example.com");
    assert!(!client_seen.has_cli_auth());
    assert_eq!(client_seen.dns_alt_names, vec!["DNS:agent1.example.com"]);
    assert_eq!(client_seen.serial, p.ca.status("agent1.example.com").unwrap().serial_number.unwrap());

    let server_seen = out.client.unwrap();
    assert_eq!(server_seen.certname, MASTER);
    assert!(server_seen.has_cli_auth());
    assert_eq!(server_seen.extension("pp_cli_auth"), Some("true"));
    assert_eq!(server_seen.serial, 2);
}

#[test]
fn server_name_is_checked() {
    let p = pki();
    let agent = enrol(&p.ca, &p.root, "agent1.example.com");
    for host in ["puppet", MASTER] {
        let out = handshake(
            server_config(&p.master, MASTER).unwrap(),
            client_config(&agent, Some("agent1.example.com")).unwrap(),
            host,
        );
        assert!(out.client.is_ok(), "{host}: {:?}", out.client);
    }
    let out = handshake(
        server_config(&p.master, MASTER).unwrap(),
        client_config(&agent, Some("agent1.example.com")).unwrap(),
        "elsewhere.example.com",
    );
    assert!(out.client.is_err());
}

#[test]
fn client_without_certificate_is_accepted() {
    let p = pki();
    let agent = SslDir::new(p.root.join("fresh"));
    agent.save_ca_cert(&p.ca.ca_cert_pem().unwrap()).unwrap();
    // `certname` given but not signed yet: no certificate is sent.
    let out = handshake(
        server_config(&p.master, MASTER).unwrap(),
        client_config(&agent, Some("fresh.example.com")).unwrap(),
        "puppet",
    );
    assert_eq!(out.server.unwrap(), None);
    assert!(out.client.unwrap().has_cli_auth());
}

#[test]
fn bootstrap_trusts_on_first_use() {
    let p = pki();
    let out = handshake(server_config(&p.master, MASTER).unwrap(), bootstrap_client_config(), "puppet");
    assert_eq!(out.server.unwrap(), None);
    assert_eq!(out.client.unwrap().certname, MASTER);
}

#[test]
fn revoked_client_is_refused() {
    let p = pki();
    let agent = enrol(&p.ca, &p.root, "agent1.example.com");
    p.ca.revoke("agent1.example.com").unwrap();
    // The CA's CRL, as the master passes it.
    let out = handshake(
        server_config_with_crl(&p.master, MASTER, &p.ca.crl_pem().unwrap()).unwrap(),
        client_config(&agent, Some("agent1.example.com")).unwrap(),
        "puppet",
    );
    let err = out.server.unwrap_err();
    assert!(err.to_lowercase().contains("revoked"), "{err}");
    assert!(out.client.is_err());

    // The master's ssldir crl.pem, refreshed.
    p.master.save_crl(&p.ca.crl_pem().unwrap()).unwrap();
    let out = handshake(
        server_config(&p.master, MASTER).unwrap(),
        client_config(&agent, Some("agent1.example.com")).unwrap(),
        "puppet",
    );
    assert!(out.server.is_err());

    // Another, unrevoked agent still gets in with the same config.
    let other = enrol(&p.ca, &p.root, "agent2.example.com");
    let out = handshake(
        server_config_with_crl(&p.master, MASTER, &p.ca.crl_pem().unwrap()).unwrap(),
        client_config(&other, Some("agent2.example.com")).unwrap(),
        "puppet",
    );
    assert_eq!(out.server.unwrap().unwrap().certname, "agent2.example.com");
}

#[test]
fn client_from_another_ca_is_refused() {
    let p = pki();
    let other = pki();
    // The agent trusts our CA (so it accepts the server) but holds a certificate from another CA.
    let foreign = enrol(&other.ca, &p.root, "agent9.example.com");
    foreign.save_ca_cert(&p.ca.ca_cert_pem().unwrap()).unwrap();
    std::fs::remove_file(foreign.crl_path()).unwrap();
    let out = handshake(
        server_config(&p.master, MASTER).unwrap(),
        client_config(&foreign, Some("agent9.example.com")).unwrap(),
        "puppet",
    );
    assert!(out.server.is_err(), "{:?}", out.server);

    // And an agent of the other CA does not trust our server.
    let theirs = enrol(&other.ca, &other.root, "agent8.example.com");
    let out = handshake(
        server_config(&p.master, MASTER).unwrap(),
        client_config(&theirs, Some("agent8.example.com")).unwrap(),
        "puppet",
    );
    assert!(out.client.is_err());
}
