//! A server refuses what it cannot trust and says so in its audit log: a request signed by
//! another CA's certificate, a revoked caller, an expired, unsigned, tampered or replayed request,
//! and an action its policy denies. Certificates are real, from our CA (and a second, forging one).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bunraku_orchestration::agents::Registry;
use bunraku_orchestration::audit::AuditLog;
use bunraku_orchestration::client::{seal_request, verify_reply};
use bunraku_orchestration::filter::{parse_fact, Filter};
use bunraku_orchestration::message::{rpc_payload, Request};
use bunraku_orchestration::node::NodeContext;
use bunraku_orchestration::policy::Policies;
use bunraku_orchestration::rvalue::{self, RValue};
use bunraku_orchestration::security::{PublicKey, ReplayGuard, Signer, Trust};
use bunraku_orchestration::server::{Outcome, Server};
use bunraku_pki::{CertificateAuthority, SslDir};

struct Identity {
    certname: String,
    signer: Signer,
    cert: String,
}

fn issue(ca: &CertificateAuthority, root: &Path, certname: &str) -> Identity {
    let ssldir = SslDir::new(root.join(certname));
    ca.ensure_server_certificate(&ssldir, certname, &[]).unwrap();
    Identity {
        certname: certname.to_string(),
        signer: Signer::from_file(&ssldir.key_path(certname)).unwrap(),
        cert: std::fs::read_to_string(ssldir.cert_path(certname)).unwrap(),
    }
}

fn ca(dir: &Path, name: &str) -> CertificateAuthority {
    CertificateAuthority::open_or_create(dir, name, Duration::from_secs(86400 * 365), 2048).unwrap()
}

struct Fixture {
    _dir: tempfile::TempDir,
    server: Server,
    admin: Identity,
    srv: Identity,
    ours: CertificateAuthority,
    root: std::path::PathBuf,
    audit: std::path::PathBuf,
    crl: std::path::PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let ours = ca(&root.join("ca"), "Puppet CA: ours");
    let srv = issue(&ours, &root, "srv.example.com");
    let admin = issue(&ours, &root, "admin.example.com");
    // MCollective's clients send no certificate: the server finds it in its callers directory.
    let callers = root.join("callers");
    std::fs::create_dir_all(&callers).unwrap();
    std::fs::write(callers.join("admin.example.com.pem"), &admin.cert).unwrap();
    let policies = root.join("policies");
    std::fs::create_dir_all(&policies).unwrap();
    std::fs::write(
        policies.join("service.policy"),
        "policy default deny\nallow\tcert=admin.example.com\tstatus\t*\t*\n",
    )
    .unwrap();
    let crl = root.join("srv-crl.pem");
    std::fs::write(&crl, ours.crl_pem().unwrap()).unwrap();
    let facts = serde_json::json!({"role": "web", "os": {"family": "Debian"}}).as_object().unwrap().clone();
    let mut node =
        NodeContext::new("srv.example.com", vec!["mcollective".into()], Arc::new(move || facts.clone()));
    let registry = Registry::standard();
    node.agents = registry.names();
    let audit = root.join("audit.log");
    let server = Server {
        node: Arc::new(node),
        registry,
        trust: Trust::new(&ours.ca_cert_pem().unwrap(), Some(&crl), Some(&callers)).unwrap(),
        signer: Signer::from_pem(
            &std::fs::read_to_string(SslDir::new(root.join("srv.example.com")).key_path("srv.example.com"))
                .unwrap(),
        )
        .unwrap(),
        cert_pem: srv.cert.clone(),
        legacy_signer: None,
        guard: ReplayGuard::default(),
        policies: Policies { dir: Some(policies), allowed_callers: vec![] },
        audit: AuditLog::open(Some(audit.clone())).unwrap(),
    };
    Fixture { _dir: dir, server, admin, srv, ours, root, audit, crl }
}

fn ping(who: &Identity) -> (Request, String) {
    seal_request(
        &who.signer,
        &who.cert,
        &who.certname,
        "rpcutil",
        "mcollective",
        60,
        rpc_payload("rpcutil", "ping", &format!("cert={}", who.certname), RValue::hash()),
        &Filter::default(),
        true,
    )
}

fn refused(f: &Fixture, text: &str, why: &str) {
    match f.server.handle(text.as_bytes()) {
        Outcome::Refused(reason) => assert!(reason.contains(why), "refused for {reason:?}, expected {why:?}"),
        other => panic!("expected a refusal ({why}), got {other:?}"),
    }
    let log = std::fs::read_to_string(&f.audit).unwrap();
    let last = log.lines().last().unwrap_or("");
    assert!(last.contains("result=refused") && last.contains(why), "audit line {last:?} should say {why:?}");
}

fn reply_of(f: &Fixture, text: &str) -> RValue {
    let Outcome::Reply(body) = f.server.handle(text.as_bytes()) else { panic!("no reply") };
    let (req, _) = Request::open(text).unwrap();
    let trust = Trust::new(&f.ours.ca_cert_pem().unwrap(), Some(&f.crl), None).unwrap();
    let reply = verify_reply(&trust, None, &String::from_utf8(body).unwrap(), &req.requestid).unwrap();
    assert_eq!(reply.senderid, f.srv.certname);
    reply.payload
}

#[test]
fn a_good_request_gets_a_signed_reply_and_an_audit_line() {
    let f = fixture();
    let (_, text) = ping(&f.admin);
    let payload = reply_of(&f, &text);
    assert_eq!(payload.field("statuscode"), Some(&RValue::Int(0)));
    assert!(payload.field("data").unwrap().field("pong").and_then(RValue::as_i64).unwrap() > 1_700_000_000);
    let log = std::fs::read_to_string(&f.audit).unwrap();
    assert!(log.contains("caller=cert=admin.example.com sender=admin.example.com agent=rpcutil action=ping result=accepted"), "{log}");
}

#[test]
fn a_certificate_from_another_ca_is_refused() {
    let f = fixture();
    let forger = ca(&f.root.join("forger-ca"), "Puppet CA: ours");
    // Same certname as a legitimate admin, signed by a CA with the same name: still refused.
    let mallory = issue(&forger, &f.root.join("forged"), "admin.example.com");
    let (_, text) = ping(&mallory);
    refused(&f, &text, "is not signed by our CA");
}

#[test]
fn a_revoked_caller_is_refused_once_the_crl_says_so() {
    let f = fixture();
    let eve = issue(&f.ours, &f.root, "eve.example.com");
    let (_, text) = ping(&eve);
    assert!(matches!(f.server.handle(text.as_bytes()), Outcome::Reply(_)));
    f.ours.revoke("eve.example.com").unwrap();
    // The agent's run brings the new CRL; the server rereads it when the file changes.
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&f.crl, f.ours.crl_pem().unwrap()).unwrap();
    let (_, text) = ping(&eve);
    refused(&f, &text, "is revoked");
}

#[test]
fn expired_unsigned_tampered_and_replayed_requests_are_refused() {
    let f = fixture();
    // Expired: dated two minutes ago with a TTL of 60 s (signed properly).
    let payload = rpc_payload("rpcutil", "ping", "cert=admin.example.com", RValue::hash());
    let mut req = Request {
        requestid: "0123456789abcdef0123456789abcdef".into(),
        senderid: "admin.example.com".into(),
        callerid: "cert=admin.example.com".into(),
        agent: "rpcutil".into(),
        collective: "mcollective".into(),
        filter: Filter::default(),
        ttl: 60,
        msgtime: chrono::Utc::now().timestamp() - 120,
        payload,
        cert: Some(f.admin.cert.clone()),
    };
    let body = req.inner_body();
    let sig = f.admin.signer.sign(&req.signed_text(&body));
    refused(&f, &req.outer(&body, None, Some(&sig)), "seconds old, TTL is 60");

    // Unsigned: a certificate but no signature; and neither certificate nor MCollective hash.
    req.msgtime = chrono::Utc::now().timestamp();
    req.requestid = "1123456789abcdef0123456789abcdef".into();
    let body = req.inner_body();
    refused(&f, &req.outer(&body, None, None), "not signed");
    req.cert = None;
    refused(&f, &req.outer(&body, None, None), "not signed");

    // Tampered: signed for one filter, sent with another.
    req.cert = Some(f.admin.cert.clone());
    let sig = f.admin.signer.sign(&req.signed_text(&body));
    let mut changed = req.clone();
    changed.filter.fact.push(parse_fact("role=db").unwrap());
    refused(&f, &changed.outer(&body, None, Some(&sig)), "invalid signature");

    // Replayed: the same message twice.
    let (_, text) = ping(&f.admin);
    assert!(matches!(f.server.handle(text.as_bytes()), Outcome::Reply(_)));
    refused(&f, &text, "seen before (replay)");

    // Garbage.
    refused(&f, "--- !ruby/object:Gem::Installer\nx: 1\n", "malformed message");
}

#[test]
fn the_policy_decides_per_action_and_says_so() {
    let f = fixture();
    let call = |action: &str| {
        seal_request(
            &f.admin.signer,
            &f.admin.cert,
            &f.admin.certname,
            "service",
            "mcollective",
            60,
            rpc_payload(
                "service",
                action,
                "cert=admin.example.com",
                RValue::hash().with(RValue::sym("service"), RValue::str("bunraku-no-such-service")),
            ),
            &Filter::default(),
            true,
        )
        .1
    };
    let payload = reply_of(&f, &call("stop"));
    assert_eq!(payload.field("statuscode"), Some(&RValue::Int(1)));
    assert_eq!(
        payload.field("statusmsg").unwrap().as_str(),
        Some("You are not authorized to call this agent or action.")
    );
    let log = std::fs::read_to_string(&f.audit).unwrap();
    assert!(
        log.lines()
            .last()
            .unwrap()
            .contains("agent=service action=stop result=refused reason=\"denied by policy\""),
        "{log}"
    );
    // The DDL refuses bad input before anything runs.
    let bad = seal_request(
        &f.admin.signer,
        &f.admin.cert,
        &f.admin.certname,
        "service",
        "mcollective",
        60,
        rpc_payload(
            "service",
            "status",
            "cert=admin.example.com",
            RValue::hash().with(RValue::sym("service"), RValue::str("x; rm -rf /")),
        ),
        &Filter::default(),
        true,
    )
    .1;
    let payload = reply_of(&f, &bad);
    assert_eq!(payload.field("statuscode"), Some(&RValue::Int(4)), "{payload:?}");
}

#[test]
fn filters_decide_who_answers() {
    let f = fixture();
    let discover = |fact: &str| {
        let filter = Filter { fact: vec![parse_fact(fact).unwrap()], ..Filter::default() };
        let a = &f.admin;
        seal_request(
            &a.signer,
            &a.cert,
            &a.certname,
            "discovery",
            "mcollective",
            60,
            RValue::str("ping"),
            &filter,
            true,
        )
        .1
    };
    assert_eq!(f.server.handle(discover("role=db").as_bytes()), Outcome::Ignored);
    assert_eq!(reply_of(&f, &discover("os.family=/^Deb/")), RValue::str("pong"));
}

#[test]
fn mcollective_style_requests_use_the_callers_certificate_and_the_shared_reply_key() {
    let mut f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let legacy = issue(&f.ours, dir.path(), "mcollective-servers");
    f.server.legacy_signer = Some(legacy.signer);
    // What Debian's mco sends: no certificate, `:hash` of the body with the caller's key.
    let payload = rpc_payload("rpcutil", "ping", "cert=admin.example.com", RValue::hash());
    let req = Request {
        requestid: "2123456789abcdef0123456789abcdef".into(),
        senderid: "mco-client".into(),
        callerid: "cert=admin.example.com".into(),
        agent: "rpcutil".into(),
        collective: "mcollective".into(),
        filter: Filter::default(),
        ttl: 60,
        msgtime: chrono::Utc::now().timestamp(),
        payload,
        cert: None,
    };
    let body = req.inner_body();
    let hash = f.admin.signer.sign_legacy(&body).unwrap();
    let Outcome::Reply(reply) = f.server.handle(req.outer(&body, Some(&hash), None).as_bytes()) else {
        panic!("no reply")
    };
    let trust = Trust::new(&f.ours.ca_cert_pem().unwrap(), None, None).unwrap();
    let key = PublicKey::from_pem(&legacy.cert).unwrap();
    let reply = verify_reply(&trust, Some(&key), &String::from_utf8(reply).unwrap(), &req.requestid).unwrap();
    assert_eq!(reply.payload.field("statuscode"), Some(&RValue::Int(0)));
    // An unknown caller id is refused (no certificate of that name).
    let mut other = req.clone();
    other.requestid = "3123456789abcdef0123456789abcdef".into();
    other.callerid = "cert=nobody.example.com".into();
    refused(
        &f,
        &other.outer(&body, Some(&hash), None),
        "no certificate is known for caller nobody.example.com",
    );
    // A caller id that is not a plain name never reaches the file system.
    other.callerid = "cert=../../etc/passwd".into();
    other.requestid = "4123456789abcdef0123456789abcdef".into();
    refused(&f, &other.outer(&body, Some(&hash), None), "no certificate is known");
    let _ = rvalue::dump(&RValue::Nil);
}
