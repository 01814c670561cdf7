//! A real master on 127.0.0.1:<ephemeral>, driven over mutual TLS the way a Puppet agent drives it.
//!
//! One master (CA, environment `production` with the `hello` module) is shared by the tests; each
//! test makes its own agent identities, so they can run in parallel.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, OnceLock};
use std::time::Duration;

use bunraku_master::{Master, MasterConfig};
use bunraku_pki::{Autosign, CertificateAuthority, SslDir};
use reqwest::blocking::{Client, Response};
use reqwest::StatusCode;
use serde_json::Value;
use sha2::Digest;

const MASTER_NAME: &str = "master.test";
const GREETING: &str = "hello from the hello module\n";

struct Shared {
    root: PathBuf,
    addr: SocketAddr,
}

impl Shared {
    fn url(&self, path: &str) -> String {
        format!("https://puppet:{}{path}", self.addr.port())
    }
    fn cadir(&self) -> PathBuf {
        self.root.join("ca")
    }
    fn reportdir(&self) -> PathBuf {
        self.root.join("reports")
    }
    fn master_ssldir(&self) -> SslDir {
        SslDir::new(self.root.join("master-ssl"))
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The environment: `site.pp` includes `hello`, which manages a file from its `files/`.
fn lay_out_code(envs: &Path) {
    let prod = envs.join("production");
    write(&prod.join("manifests/site.pp"), "node default {\n  include hello\n}\n");
    write(
        &prod.join("modules/hello/manifests/init.pp"),
        "class hello {\n  file { '/tmp/bunraku-hello.txt':\n    ensure => file,\n    source => 'puppet:///modules/hello/greeting.txt',\n  }\n  notify { 'greeting': message => \"hello ${facts['kernel']}\" }\n}\n",
    );
    write(&prod.join("modules/hello/files/greeting.txt"), GREETING);
    write(&prod.join("modules/hello/lib/facter/hello.rb"), "Facter.add(:hello) { setcode { 'hi' } }\n");
    write(&prod.join("modules/hello/facts.d/team.txt"), "team=ops\n");
    write(&prod.join("modules/secret.txt"), "outside every mount\n");
    std::fs::create_dir_all(envs.join("broken-name")).unwrap();
    write(
        &envs.join("broken/manifests/site.pp"),
        "node default {\n  notify { 'x':\n    message => 'unterminated\n}\n",
    );
}

fn config(root: &Path, bind: SocketAddr) -> MasterConfig {
    MasterConfig {
        certname: MASTER_NAME.into(),
        dns_alt_names: vec![],
        bind,
        cadir: root.join("ca"),
        ssldir: root.join("master-ssl"),
        environmentpath: root.join("environments"),
        basemodulepath: vec![],
        autosign: Autosign::Never,
        reports: vec!["store".into(), "nonsense".into()],
        reportdir: root.join("reports"),
        bucketdir: root.join("bucket"),
        reporturl: None,
        dashboard_database: None,
        keylength: 2048,
        ca_ttl: Duration::from_secs(5 * 365 * 86400),
        ca: true,
        limits: Default::default(),
        language: Default::default(),
    }
}

/// Starts `config` on its own runtime thread; returns the bound address and a shutdown handle.
fn spawn_master(
    config: MasterConfig,
) -> (SocketAddr, tokio::sync::oneshot::Sender<()>, std::thread::JoinHandle<()>) {
    let (addr_tx, addr_rx) = mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async move {
            let master = match Master::start(config).await {
                Ok(m) => m,
                Err(e) => {
                    addr_tx.send(Err(e.to_string())).unwrap();
                    return;
                }
            };
            addr_tx.send(Ok(master.local_addr())).unwrap();
            master
                .serve(async move {
                    let _ = stop_rx.await;
                })
                .await
                .unwrap();
        });
    });
    let addr = addr_rx
        .recv_timeout(Duration::from_secs(120))
        .expect("master start timed out")
        .expect("master start");
    (addr, stop_tx, thread)
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        // Kept for the life of the test process (the master thread never stops); under target/.
        let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        if let Ok(entries) = std::fs::read_dir(&base) {
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().starts_with("master-api-") {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        let root = tempfile::Builder::new().prefix("master-api-").tempdir_in(&base).unwrap().keep();
        lay_out_code(&root.join("environments"));
        let (addr, stop, thread) = spawn_master(config(&root, "127.0.0.1:0".parse().unwrap()));
        std::mem::forget(stop);
        std::mem::forget(thread);
        Shared { root, addr }
    })
}

fn client_with(shared: &Shared, tls: Arc<rustls::ClientConfig>) -> Client {
    Client::builder()
        .use_preconfigured_tls((*tls).clone())
        .resolve("puppet", shared.addr)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// A client with no CA yet: trust on first use, as the agent's first request.
fn bootstrap_client(shared: &Shared) -> Client {
    client_with(shared, bunraku_pki::tls::bootstrap_client_config())
}

/// An agent's ssldir, with the CA certificate and CRL fetched from the master.
struct Agent {
    name: String,
    ssl: SslDir,
    _dir: tempfile::TempDir,
}

impl Agent {
    fn new(shared: &Shared, name: &str) -> Agent {
        let dir = tempfile::tempdir().unwrap();
        let ssl = SslDir::new(dir.path().join("ssl"));
        let boot = bootstrap_client(shared);
        let ca = boot.get(shared.url("/puppet-ca/v1/certificate/ca")).send().unwrap().text().unwrap();
        ssl.save_ca_cert(&ca).unwrap();
        let crl = boot
            .get(shared.url("/puppet-ca/v1/certificate_revocation_list/ca"))
            .send()
            .unwrap()
            .text()
            .unwrap();
        ssl.save_crl(&crl).unwrap();
        Agent { name: name.into(), ssl, _dir: dir }
    }

    /// Submits a CSR over HTTP.
    fn submit_csr(&self, shared: &Shared) -> Response {
        self.ssl.ensure_key(&self.name, 2048).unwrap();
        let csr = self.ssl.ensure_csr(&self.name, &[]).unwrap();
        self.anonymous(shared)
            .put(shared.url(&format!("/puppet-ca/v1/certificate_request/{}", self.name)))
            .header("Content-Type", "text/plain")
            .body(csr)
            .send()
            .unwrap()
    }

    /// Submits, signs through the CA (as `bunraku cert sign` in another process would) and saves.
    fn enroll(shared: &Shared, name: &str) -> Agent {
        let agent = Agent::new(shared, name);
        assert_eq!(agent.submit_csr(shared).status(), StatusCode::OK);
        CertificateAuthority::open(&shared.cadir()).unwrap().sign(name).unwrap();
        let pem = agent
            .anonymous(shared)
            .get(shared.url(&format!("/puppet-ca/v1/certificate/{name}")))
            .send()
            .unwrap()
            .text()
            .unwrap();
        agent.ssl.save_certificate(name, &pem).unwrap();
        agent
    }

    /// A client that verifies the master but sends no certificate.
    fn anonymous(&self, shared: &Shared) -> Client {
        client_with(shared, bunraku_pki::tls::client_config(&self.ssl, None).unwrap())
    }

    /// A client that presents the agent's certificate.
    fn client(&self, shared: &Shared) -> Client {
        client_with(shared, bunraku_pki::tls::client_config(&self.ssl, Some(&self.name)).unwrap())
    }
}

fn content_type(r: &Response) -> String {
    r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

/// The catalog POST body exactly as Puppet 7.23 builds it (facts encoded twice).
fn catalog_body(name: &str) -> String {
    let facts = serde_json::json!({
        "name": name,
        "values": {"kernel": "Linux", "os": {"family": "Debian"}, "clientcert": name, "note": "100% + more"},
        "timestamp": "2026-11-27T05:03:16.843375888+00:00",
        "expiration": "2026-11-27T05:33:16.843375888+00:00",
    });
    let once = percent_encoding::utf8_percent_encode(&facts.to_string(), percent_encoding::NON_ALPHANUMERIC)
        .to_string();
    form_urlencoded::Serializer::new(String::new())
        .append_pair("facts_format", "application/json")
        .append_pair("facts", &once)
        .append_pair("environment", "production")
        .append_pair("configured_environment", "production")
        .append_pair("check_environment", "true")
        .append_pair("transaction_uuid", "0b3f8a8e-1d8b-4b0a-9c1e-1b2c3d4e5f60")
        .append_pair("job_uuid", "")
        .append_pair("static_catalog", "true")
        .append_pair("checksum_type", "sha256.sha384.sha512.sha224.md5")
        .finish()
}

fn post_catalog(client: &Client, shared: &Shared, name: &str) -> Response {
    client
        .post(shared.url(&format!("/puppet/v3/catalog/{name}?environment=production")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/vnd.puppet.rich+json, application/json, text/pson")
        .body(catalog_body(name))
        .send()
        .unwrap()
}

#[test]
fn ca_certificate_and_crl_without_client_certificate() {
    let s = shared();
    let boot = bootstrap_client(s);
    let r = boot.get(s.url("/puppet-ca/v1/certificate/ca")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(content_type(&r).starts_with("text/plain"));
    assert!(r.text().unwrap().starts_with("-----BEGIN CERTIFICATE-----"));

    let r = boot.get(s.url("/puppet-ca/v1/certificate_revocation_list/ca")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(content_type(&r).starts_with("text/plain"));
    let last_modified =
        r.headers().get("last-modified").expect("Last-Modified").to_str().unwrap().to_string();
    assert!(r.text().unwrap().starts_with("-----BEGIN X509 CRL-----"));
    let r = boot
        .get(s.url("/puppet-ca/v1/certificate_revocation_list/ca"))
        .header("If-Modified-Since", last_modified)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    let r = boot
        .get(s.url("/puppet-ca/v1/certificate_revocation_list/ca"))
        .header("If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[test]
fn csr_submission_duplicate_and_signing() {
    let s = shared();
    let agent = Agent::new(s, "csr-agent.test");
    let r = agent.submit_csr(s);
    assert_eq!(r.status(), StatusCode::OK);
    assert!(content_type(&r).starts_with("text/plain"));
    assert_eq!(r.text().unwrap(), "");

    // The waiting agent re-submits on every loop: 400, never 5xx.
    let r = agent.submit_csr(s);
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(content_type(&r).starts_with("text/plain"));
    assert!(r.text().unwrap().contains("csr-agent.test"));

    let anon = agent.anonymous(s);
    let r = anon.get(s.url("/puppet-ca/v1/certificate_request/csr-agent.test")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().unwrap().contains("CERTIFICATE REQUEST"));

    let r = anon.get(s.url("/puppet-ca/v1/certificate/csr-agent.test")).send().unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(content_type(&r).starts_with("text/plain"));

    CertificateAuthority::open(&s.cadir()).unwrap().sign("csr-agent.test").unwrap();
    let r = anon.get(s.url("/puppet-ca/v1/certificate/csr-agent.test")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let pem = r.text().unwrap();
    agent.ssl.save_certificate("csr-agent.test", &pem).unwrap();

    // A CSR whose CN is not the URL's name is refused.
    let other = Agent::new(s, "mismatch.test");
    other.ssl.ensure_key("mismatch.test", 2048).unwrap();
    let csr = other.ssl.ensure_csr("mismatch.test", &[]).unwrap();
    let r = anon.put(s.url("/puppet-ca/v1/certificate_request/someone-else.test")).body(csr).send().unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r =
        anon.put(s.url("/puppet-ca/v1/certificate_request/garbage.test")).body("not a csr").send().unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[test]
fn catalog_requires_the_nodes_own_certificate() {
    let s = shared();
    let agent = Agent::enroll(s, "catalog-agent.test");

    let r = post_catalog(&agent.anonymous(s), s, "catalog-agent.test");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(content_type(&r).starts_with("text/plain"));
    assert_eq!(
        r.text().unwrap(),
        "Forbidden request: /puppet/v3/catalog/catalog-agent.test (method :post). Please see the server logs for details."
    );

    let client = agent.client(s);
    let r = post_catalog(&client, s, "someone-else.test");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = post_catalog(&client, s, "catalog-agent.test");
    let status = r.status();
    let ct = content_type(&r);
    let text = r.text().unwrap();
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(ct.starts_with("application/json"), "{ct}");
    let catalog: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(catalog["name"], "catalog-agent.test");
    assert_eq!(catalog["environment"], "production");
    let resources = catalog["resources"].as_array().unwrap();
    let file = resources.iter().find(|r| r["type"] == "File" && r["title"] == "/tmp/bunraku-hello.txt");
    assert!(file.is_some(), "{text}");
    let notify = resources.iter().find(|r| r["type"] == "Notify" && r["title"] == "greeting").unwrap();
    assert_eq!(notify["parameters"]["message"], "hello Linux");

    // GET with the same parameters in the query string.
    let r = client
        .get(s.url(&format!("/puppet/v3/catalog/catalog-agent.test?{}", catalog_body("catalog-agent.test"))))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[test]
fn compile_errors_are_500_json_with_the_location() {
    let s = shared();
    let agent = Agent::enroll(s, "broken-catalog.test");
    let r = agent
        .client(s)
        .post(s.url("/puppet/v3/catalog/broken-catalog.test?environment=broken"))
        .body(catalog_body("broken-catalog.test").replace("environment=production", "environment=broken"))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(content_type(&r), "application/json;charset=utf-8");
    let err: Value = r.json().unwrap();
    let message = err["message"].as_str().unwrap();
    assert!(message.starts_with("Server Error: "), "{message}");
    assert!(message.contains("site.pp") && message.contains("line: "), "{message}");
    assert!(message.ends_with(" on node broken-catalog.test"), "{message}");
    assert_eq!(err["issue_kind"], "RUNTIME_ERROR");
}

#[test]
fn a_master_that_is_not_the_ca() {
    let s = shared();
    let agent = Agent::enroll(s, "non-ca-agent.test");
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("master-ssl");
    copy_dir(&s.root.join("master-ssl"), &copy);
    let mut cfg = config(&s.root, "127.0.0.1:0".parse().unwrap());
    cfg.ca = false;
    cfg.ssldir = copy;
    cfg.cadir = dir.path().join("no-ca");
    let (addr, stop, thread) = spawn_master(cfg);
    let other = Shared { root: s.root.clone(), addr };
    let client = agent.client(&other);
    let r = client.get(other.url("/puppet-ca/v1/certificate/ca")).send().unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = client
        .get(other.url("/puppet/v3/file_content/modules/hello/greeting.txt?environment=production"))
        .send()
        .unwrap();
    assert_eq!(r.text().unwrap(), GREETING);
    assert!(!dir.path().join("no-ca").exists());
    stop.send(()).unwrap();
    thread.join().unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn malformed_catalog_requests_are_400() {
    let s = shared();
    let agent = Agent::enroll(s, "bad-catalog.test");
    let client = agent.client(s);
    let url = s.url("/puppet/v3/catalog/bad-catalog.test?environment=production");
    for body in ["facts=%257Bnot%2520json", "facts=%25FF%25FE", "facts_format=yaml&facts=x"] {
        let r = client.post(&url).body(body).send().unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{body}");
        let err: Value = r.json().unwrap();
        assert!(err["message"].as_str().unwrap().contains("bad-catalog.test"), "{err}");
    }
}

#[test]
fn environment_parameter_is_checked() {
    let s = shared();
    let agent = Agent::enroll(s, "env-agent.test");
    let client = agent.client(s);

    let r = client.get(s.url("/puppet/v3/node/env-agent.test")).send().unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(content_type(&r), "application/json;charset=utf-8");
    let err: Value = r.json().unwrap();
    assert_eq!(err["message"], "Bad Request: An environment parameter must be specified");
    assert_eq!(err["issue_kind"], "RUNTIME_ERROR");

    let r = client.get(s.url("/puppet/v3/file_metadatas/plugins?environment=nowhere")).send().unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let err: Value = r.json().unwrap();
    assert_eq!(err["message"], "Not Found: Could not find environment 'nowhere'");

    let r = client.get(s.url("/puppet/v3/node/env-agent.test?environment=broken-name")).send().unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    let r = client.get(s.url("/puppet/v3/node/env-agent.test?environment=production")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let node: Value = r.json().unwrap();
    assert_eq!(node["name"], "env-agent.test");
    assert_eq!(node["environment"], "production");

    let facts = r#"{"name":"env-agent.test","values":{"kernel":"Linux"}}"#;
    let r = client
        .put(s.url("/puppet/v3/facts/env-agent.test?environment=production"))
        .body(facts)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r =
        client.put(s.url("/puppet/v3/facts/env-agent.test?environment=production")).body("{").send().unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r =
        client.put(s.url("/puppet/v3/facts/other.test?environment=production")).body(facts).send().unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = client.get(s.url("/puppet/v3/environments")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let envs: Value = r.json().unwrap();
    assert!(envs["environments"]["production"]["settings"]["modulepath"].is_array());
}

#[test]
fn module_files_metadata_and_content() {
    let s = shared();
    let agent = Agent::enroll(s, "files-agent.test");
    let client = agent.client(s);

    let r = client
        .get(s.url("/puppet/v3/file_metadata/modules/hello/greeting.txt?links=manage&checksum_type=sha256&source_permissions=ignore&environment=production"))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(content_type(&r).starts_with("application/json"));
    let md: Value = r.json().unwrap();
    use sha2::Digest;
    let expected = format!("{{sha256}}{}", hex::encode(sha2::Sha256::digest(GREETING.as_bytes())));
    assert_eq!(md["checksum"]["value"], expected);
    assert_eq!(md["checksum"]["type"], "sha256");
    assert_eq!(md["type"], "file");
    assert!(md["relative_path"].is_null());
    assert!(md["mode"].as_u64().is_some() && md["owner"].as_u64().is_some());

    let r = client
        .get(s.url("/puppet/v3/file_content/modules/hello/greeting.txt?environment=production"))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(content_type(&r), "application/octet-stream");
    assert_eq!(r.text().unwrap(), GREETING);

    let r = client
        .get(s.url("/puppet/v3/file_metadata/modules/hello/nope.txt?environment=production"))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let err: Value = r.json().unwrap();
    assert_eq!(err["issue_kind"], "RESOURCE_NOT_FOUND");

    // Without a client certificate: no files.
    let r = agent
        .anonymous(s)
        .get(s.url("/puppet/v3/file_content/modules/hello/greeting.txt?environment=production"))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[test]
fn path_traversal_is_refused() {
    let s = shared();
    let agent = Agent::enroll(s, "traversal-agent.test");
    let client = agent.client(s);
    // Encoded slashes survive URL normalisation and decode to `..` components on the server.
    for path in [
        "/puppet/v3/file_content/modules/hello/..%2F..%2Fsecret.txt",
        "/puppet/v3/file_content/modules/hello/%2E%2E%2F%2E%2E%2Fsecret.txt",
        "/puppet/v3/file_metadata/modules/hello/..%2F..%2Fsecret.txt",
        "/puppet/v3/file_content/plugins/..%2F..%2F..%2Fsecret.txt",
        "/puppet/v3/file_content/modules/hello/%2Fetc%2Fpasswd",
        "/puppet/v3/file_content/modules/hello/a%00b",
        "/puppet/v3/file_metadatas/modules/hello/..%2F..?recurse=true",
    ] {
        let sep = if path.contains('?') { '&' } else { '?' };
        let r = client.get(s.url(&format!("{path}{sep}environment=production"))).send().unwrap();
        let status = r.status();
        let body = r.text().unwrap();
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::NOT_FOUND,
            "{path}: {status} {body}"
        );
        assert!(!body.contains("outside every mount"), "{path}");
    }
}

/// `file_bucket_file`: content kept under its checksum with the paths it came from; checksums
/// are hex of the algorithm's length (nothing else reaches the disk); unknown content is 404.
#[test]
fn filebucket_saves_finds_and_refuses_bad_checksums() {
    let s = shared();
    let agent = Agent::enroll(s, "bucket-agent.test");
    let client = agent.client(s);
    let sum = "e5a4c9a6f2a8d2ba7d1a27ec1d24c5de8d3fc61a4b12c8cfc0a4b3a15c8e3e10";
    let url = |tail: &str| s.url(&format!("/puppet/v3/file_bucket_file/{tail}?environment=production"));
    let body = b"backed up\n".to_vec();
    let real = hex::encode(sha2::Sha256::digest(&body));
    let r = client.put(url(&format!("sha256/{real}//etc/app.conf"))).body(body.clone()).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().unwrap());
    let got = client.get(url(&format!("sha256/{real}"))).send().unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.bytes().unwrap().to_vec(), body);
    let head = client.head(url(&format!("sha256/{real}//etc/app.conf"))).send().unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    // Another original path: not found for that path.
    let other = client.head(url(&format!("sha256/{real}//etc/other.conf"))).send().unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    let missing = client.get(url(&format!("sha256/{sum}"))).send().unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    // A wrong checksum in the URL: Puppet keeps the content under its real one.
    let r = client.put(url(&format!("sha256/{sum}//etc/x"))).body(b"other\n".to_vec()).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let right = hex::encode(sha2::Sha256::digest(b"other\n"));
    assert_eq!(client.head(url(&format!("sha256/{right}"))).send().unwrap().status(), StatusCode::OK);
    for bad in ["sha256/..%2F..%2F..%2Fetc", "sha256/zz", "md5/0123", "..%2F..%2Fsecret", "sha256/%2E%2E"] {
        let r = client.put(url(bad)).body(b"x".to_vec()).send().unwrap();
        // 404 where the client's URL normalisation already dropped a `..` segment.
        assert!(
            matches!(r.status(), StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND),
            "{bad}: {}",
            r.status()
        );
    }
    let no_env = client.get(s.url(&format!("/puppet/v3/file_bucket_file/sha256/{real}"))).send().unwrap();
    assert_eq!(no_env.status(), StatusCode::BAD_REQUEST);
    let bucket = s.root.join("bucket");
    let dir = bunraku_model::filebucket::bucket_dir(&bucket, &real);
    assert_eq!(std::fs::read_to_string(dir.join("paths")).unwrap(), "/etc/app.conf\n");
    // Unauthenticated clients may not use the bucket.
    let anon = bootstrap_client(s).get(url(&format!("sha256/{real}"))).send().unwrap();
    assert_eq!(anon.status(), StatusCode::FORBIDDEN);
}

#[test]
fn pluginsync_metadatas_have_a_root_entry() {
    let s = shared();
    let agent = Agent::enroll(s, "plugins-agent.test");
    let client = agent.client(s);

    let r = client
        .get(s.url("/puppet/v3/file_metadatas/plugins?recurse=false&links=manage&checksum_type=sha256&source_permissions=ignore&environment=production"))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let list: Value = r.json().unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["relative_path"], ".");
    assert_eq!(list[0]["type"], "directory");
    assert!(list[0]["checksum"]["value"].as_str().unwrap().starts_with("{ctime}"));

    let r = client
        .get(s.url("/puppet/v3/file_metadatas/plugins?recurse=true&max_files=-1&ignore=.svn&ignore=CVS&ignore=.git&ignore=.hg&links=follow&checksum_type=sha256&source_permissions=ignore&environment=production"))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let list: Value = r.json().unwrap();
    let rels: Vec<&str> =
        list.as_array().unwrap().iter().map(|m| m["relative_path"].as_str().unwrap()).collect();
    assert_eq!(rels, vec![".", "facter", "facter/hello.rb"]);
    assert_eq!(rels.iter().filter(|r| **r == ".").count(), 1);

    let r = client
        .get(s.url("/puppet/v3/file_metadatas/pluginfacts?recurse=true&max_files=-1&links=follow&checksum_type=sha256&source_permissions=use&environment=production"))
        .send()
        .unwrap();
    let list: Value = r.json().unwrap();
    let rels: Vec<&str> =
        list.as_array().unwrap().iter().map(|m| m["relative_path"].as_str().unwrap()).collect();
    assert_eq!(rels, vec![".", "team.txt"]);

    let r = client
        .get(s.url("/puppet/v3/file_content/pluginfacts/team.txt?environment=production"))
        .send()
        .unwrap();
    assert_eq!(r.text().unwrap(), "team=ops\n");
}

fn report_json(host: &str) -> String {
    serde_json::json!({
        "host": host, "time": "2026-11-27T05:02:15.111416931+00:00", "configuration_version": 1_700_000_000,
        "transaction_uuid": "0b3f8a8e-1d8b-4b0a-9c1e-1b2c3d4e5f60", "report_format": 12, "puppet_version": "7.23.0",
        "status": "changed", "transaction_completed": true, "noop": false, "noop_pending": false,
        "environment": "production",
        "logs": [{"level": "notice", "message": "hello Linux", "source": "Puppet", "tags": ["notice"],
                  "time": "2026-11-27T05:02:15.111416931+00:00", "file": null, "line": null}],
        "metrics": {"changes": {"name": "changes", "label": "Changes", "values": [["total", "Total", 1]]}},
        "resource_statuses": {}, "corrective_change": false, "catalog_uuid": "c", "cached_catalog_status": "not_used"
    })
    .to_string()
}

#[test]
fn reports_are_stored_as_yaml() {
    let s = shared();
    let agent = Agent::enroll(s, "report-agent.test");
    let client = agent.client(s);
    let r = client
        .put(s.url("/puppet/v3/report/report-agent.test?environment=production"))
        .header("Content-Type", "application/json")
        .body(report_json("report-agent.test"))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(content_type(&r).starts_with("application/json"));
    assert_eq!(r.json::<Value>().unwrap(), serde_json::json!(["store"]));
    let dir = s.reportdir().join("report-agent.test");
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert_eq!(files.len(), 1);
    let name = files[0].file_name().to_string_lossy().to_string();
    assert!(name.ends_with(".yaml") && name.len() == "YYYYMMDDHHMM.yaml".len(), "{name}");
    let yaml = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(yaml.starts_with("--- !ruby/object:Puppet::Transaction::Report\n"));
    assert!(yaml.contains("host: report-agent.test"));

    // Someone else's report URL: refused by auth.
    let r = client
        .put(s.url("/puppet/v3/report/other.test?environment=production"))
        .body(report_json("other.test"))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A report about another host under our own URL: refused.
    let r = client
        .put(s.url("/puppet/v3/report/report-agent.test?environment=production"))
        .body(report_json("other.test"))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(!s.reportdir().join("other.test").exists());
    // Not JSON.
    let r = client
        .put(s.url("/puppet/v3/report/report-agent.test?environment=production"))
        .body("{not json")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[test]
fn revoked_client_is_refused_at_the_handshake() {
    let s = shared();
    let agent = Agent::enroll(s, "revoked-agent.test");
    let url = s.url("/puppet/v3/file_metadatas/plugins?environment=production");
    let kept_alive = agent.client(s);
    assert_eq!(kept_alive.get(&url).send().unwrap().status(), StatusCode::OK);

    // `bunraku cert revoke` in another process.
    CertificateAuthority::open(&s.cadir()).unwrap().revoke("revoked-agent.test").unwrap();

    // A connection opened before the revocation: the auth layer no longer trusts it.
    let r = kept_alive.get(&url).send().unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // TLS 1.3 reports a refused client certificate only when the client reads, so the
    // request itself fails rather than the connect.
    let result = agent.client(s).get(&url).send();
    match result {
        Err(err) => {
            let mut chain = format!("{err}");
            let mut source = std::error::Error::source(&err);
            while let Some(s) = source {
                chain.push_str(&format!(": {s}"));
                source = s.source();
            }
            assert!(chain.contains("Revoked") || chain.contains("revoked"), "{chain}");
        }
        Ok(r) => panic!("a revoked certificate got {}", r.status()),
    }
}

#[test]
fn ca_admin_endpoints_need_pp_cli_auth() {
    let s = shared();
    let agent = Agent::enroll(s, "plain-agent.test");
    let r = agent.client(s).get(s.url("/puppet-ca/v1/certificate_status/plain-agent.test")).send().unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The master's own certificate carries pp_cli_auth.
    let admin =
        client_with(s, bunraku_pki::tls::client_config(&s.master_ssldir(), Some(MASTER_NAME)).unwrap());
    let r = admin.get(s.url("/puppet-ca/v1/certificate_status/plain-agent.test")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let status: Value = r.json().unwrap();
    assert_eq!(status["name"], "plain-agent.test");
    assert_eq!(status["state"], "signed");
    assert!(status["fingerprint"].as_str().unwrap().contains(':'));

    let r = admin.get(s.url("/puppet-ca/v1/certificate_statuses/any_key?state=signed")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let list: Value = r.json().unwrap();
    assert!(list.as_array().unwrap().iter().any(|e| e["name"] == "plain-agent.test"));

    // Sign through the API: 204.
    let pending = Agent::new(s, "api-signed.test");
    assert_eq!(pending.submit_csr(s).status(), StatusCode::OK);
    let r = admin
        .put(s.url("/puppet-ca/v1/certificate_status/api-signed.test"))
        .header("Content-Type", "application/json")
        .body(r#"{"desired_state":"signed"}"#)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = admin.put(s.url("/puppet-ca/v1/certificate_status/api-signed.test")).body("nope").send().unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = admin.put(s.url("/puppet-ca/v1/certificate_status/api-signed.test")).body("{}").send().unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = admin
        .put(s.url("/puppet-ca/v1/certificate_status/nobody.test"))
        .body(r#"{"desired_state":"signed"}"#)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    let r =
        admin.put(s.url("/puppet-ca/v1/clean")).body(r#"{"certnames":["api-signed.test"]}"#).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().unwrap(), "Successfully cleaned all certificates.");
    let r = admin.delete(s.url("/puppet-ca/v1/certificate_status/api-signed.test")).send().unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    let r = admin.get(s.url("/puppet-ca/v1/expirations")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let exp: Value = r.json().unwrap();
    assert!(exp["ca-certs"][format!("Puppet CA: {MASTER_NAME}")].as_str().unwrap().ends_with("UTC"));
}

#[test]
fn status_and_unknown_paths() {
    let s = shared();
    // A failed handshake (plain HTTP on the TLS port) costs that connection only.
    {
        use std::io::{Read, Write};
        let mut tcp = std::net::TcpStream::connect(s.addr).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        tcp.write_all(b"GET /status/v1/simple HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut buf = Vec::new();
        let _ = tcp.read_to_end(&mut buf);
        assert!(!String::from_utf8_lossy(&buf).contains("running"));
    }
    let boot = bootstrap_client(s);
    let r = boot.get(s.url("/status/v1/simple")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().unwrap(), "running");
    let r = boot.get(s.url("/status/v1/services")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let services = r.json::<Value>().unwrap();
    for name in ["ca", "master", "server", "status-service"] {
        assert_eq!(services[name]["state"], "running", "{name}: {services}");
    }
    let r = boot.get(s.url("/status/v1/services/master")).send().unwrap();
    assert_eq!(r.json::<Value>().unwrap()["service_name"], "master");
    let r = boot.get(s.url("/status/v1/services/nope")).send().unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = boot.get(s.url("/puppet/v3/environment_classes?environment=production")).send().unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        r.text().unwrap(),
        "Forbidden request: /puppet/v3/environment_classes (method :get). Please see the server logs for details."
    );
}

#[test]
fn starts_twice_on_the_same_directories_and_shuts_down() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    lay_out_code(&dir.path().join("environments"));
    let cfg = config(dir.path(), "127.0.0.1:0".parse().unwrap());
    for _ in 0..2 {
        let (addr, stop, thread) = spawn_master(cfg.clone());
        let s = Shared { root: dir.path().to_path_buf(), addr };
        let r = bootstrap_client(&s).get(s.url("/status/v1/simple")).send().unwrap();
        assert_eq!(r.text().unwrap(), "running");
        stop.send(()).unwrap();
        thread.join().unwrap();
    }
}
