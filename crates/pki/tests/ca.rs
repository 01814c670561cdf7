//! The CA and ssldirs end to end, with real keys, checked by `openssl` where it is the reference.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use bunraku_pki::{cert, Autosign, CertState, CertificateAuthority, PkiError, SslDir, SubmitOutcome};

const KEYLENGTH: u32 = 2048;
const TTL: Duration = Duration::from_secs(157_680_000);

fn new_ca(dir: &Path) -> CertificateAuthority {
    CertificateAuthority::open_or_create(&dir.join("ca"), "Puppet CA: master", TTL, KEYLENGTH).unwrap()
}

fn openssl(args: &[&str]) -> String {
    let out = Command::new("openssl").args(args).output().expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// An agent ssldir with a key and a CSR for `name`.
fn agent(dir: &Path, name: &str, alt_names: &[String]) -> (SslDir, String) {
    let ssldir = SslDir::new(dir.join(format!("ssl-{name}")));
    ssldir.ensure_key(name, KEYLENGTH).unwrap();
    let csr = ssldir.ensure_csr(name, alt_names).unwrap();
    (ssldir, csr)
}

/// Signs `name` with the CA and installs CA cert, CRL and cert in its ssldir.
fn enrolled_agent(ca: &CertificateAuthority, dir: &Path, name: &str) -> SslDir {
    let (ssldir, csr) = agent(dir, name, &[]);
    assert_eq!(ca.submit_csr(name, &csr, &Autosign::All).unwrap(), SubmitOutcome::Signed);
    ssldir.save_ca_cert(&ca.ca_cert_pem().unwrap()).unwrap();
    ssldir.save_crl(&ca.crl_pem().unwrap()).unwrap();
    ssldir.save_certificate(name, &ca.certificate_pem(name).unwrap()).unwrap();
    ssldir
}

#[test]
fn fresh_ca_layout() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = new_ca(tmp.path());
    let cadir = ca.cadir().to_path_buf();
    for f in ["ca_crt.pem", "ca_key.pem", "ca_pub.pem", "ca_crl.pem", "serial", "inventory.txt"] {
        assert!(cadir.join(f).is_file(), "{f}");
    }
    assert!(cadir.join("requests").is_dir() && cadir.join("signed").is_dir());
    assert_eq!(mode(&cadir.join("ca_key.pem")), 0o640);
    assert_eq!(std::fs::read_to_string(cadir.join("serial")).unwrap(), "0002");
    let inventory = std::fs::read_to_string(cadir.join("inventory.txt")).unwrap();
    let re = regex::Regex::new(
        r"^0x0001 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dUTC \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dUTC /CN=Puppet CA: master\n$",
    )
    .unwrap();
    assert!(re.is_match(&inventory), "{inventory}");

    let text = openssl(&["x509", "-noout", "-text", "-in", cadir.join("ca_crt.pem").to_str().unwrap()]);
    assert!(text.contains("Subject: CN = Puppet CA: master"), "{text}");
    assert!(text.contains("Issuer: CN = Puppet CA: master"), "{text}");
    assert!(text.contains("Serial Number: 1 (0x1)"), "{text}");
    assert!(text.contains("Version: 3 (0x2)"));
    assert!(text.contains("sha256WithRSAEncryption"));
    assert!(text.contains("X509v3 Basic Constraints: critical\n                CA:TRUE"), "{text}");
    assert!(
        text.contains("X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign"),
        "{text}"
    );
    assert!(text.contains("X509v3 Subject Key Identifier"));
    assert!(text.contains("X509v3 Authority Key Identifier"));
    assert!(text.contains("Puppet Server Internal Certificate"));
    openssl(&[
        "verify",
        "-CAfile",
        cadir.join("ca_crt.pem").to_str().unwrap(),
        cadir.join("ca_crt.pem").to_str().unwrap(),
    ]);

    let crl = openssl(&["crl", "-noout", "-text", "-in", cadir.join("ca_crl.pem").to_str().unwrap()]);
    assert!(crl.contains("Version 2"), "{crl}");
    assert!(crl.contains("X509v3 CRL Number: \n                0"), "{crl}");
    assert!(crl.contains("X509v3 Authority Key Identifier"), "{crl}");
    assert!(crl.contains("No Revoked Certificates"), "{crl}");
    openssl(&[
        "crl",
        "-noout",
        "-CAfile",
        cadir.join("ca_crt.pem").to_str().unwrap(),
        "-in",
        cadir.join("ca_crl.pem").to_str().unwrap(),
    ]);

    // Opening again reuses everything.
    let before = ca.ca_cert_pem().unwrap();
    let again = new_ca(tmp.path());
    assert_eq!(again.ca_cert_pem().unwrap(), before);
    assert_eq!(CertificateAuthority::open(&cadir).unwrap().ca_cert_pem().unwrap(), before);
    assert!(matches!(CertificateAuthority::open(&tmp.path().join("nope")), Err(PkiError::NotFound(_))));
}

#[test]
fn server_certificate() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = new_ca(tmp.path());
    let ssldir = SslDir::new(tmp.path().join("ssl"));
    ca.ensure_server_certificate(&ssldir, "master.example.com", &[]).unwrap();
    assert_eq!(std::fs::read_to_string(ca.cadir().join("serial")).unwrap(), "0003");
    let inventory = std::fs::read_to_string(ca.cadir().join("inventory.txt")).unwrap();
    assert_eq!(inventory.lines().count(), 2);
    assert!(inventory.lines().nth(1).unwrap().starts_with("0x0002 "));
    assert!(inventory.ends_with(" /CN=master.example.com\n"));
    assert_eq!(mode(&ssldir.key_path("master.example.com")), 0o640);
    assert_eq!(mode(&ssldir.root().join("private_keys")), 0o750);
    assert!(ssldir.public_key_path("master.example.com").is_file());
    assert!(ssldir.crl_path().is_file());
    assert!(!ca.cadir().join("requests/master.example.com.pem").exists());

    let cert_path = ssldir.cert_path("master.example.com");
    let cert_path = cert_path.to_str().unwrap();
    openssl(&["verify", "-CAfile", ssldir.ca_cert_path().to_str().unwrap(), cert_path]);
    openssl(&[
        "verify",
        "-crl_check",
        "-CAfile",
        ssldir.ca_cert_path().to_str().unwrap(),
        "-CRLfile",
        ssldir.crl_path().to_str().unwrap(),
        cert_path,
    ]);
    let text = openssl(&["x509", "-noout", "-text", "-in", cert_path]);
    assert!(text.contains("Serial Number: 2 (0x2)"), "{text}");
    assert!(text.contains("Subject: CN = master.example.com"), "{text}");
    assert!(text.contains("X509v3 Basic Constraints: critical\n                CA:FALSE"), "{text}");
    assert!(text.contains("X509v3 Extended Key Usage: critical\n                TLS Web Server Authentication, TLS Web Client Authentication"), "{text}");
    assert!(
        text.contains("X509v3 Key Usage: critical\n                Digital Signature, Key Encipherment"),
        "{text}"
    );
    assert!(text.contains("DNS:puppet, DNS:master.example.com"), "{text}");
    assert!(text.contains("1.3.6.1.4.1.34380.1.3.39:"), "{text}");
    assert!(text.contains("..true"), "{text}");
    assert!(text.contains("X509v3 Subject Key Identifier"));
    assert!(text.contains("X509v3 Authority Key Identifier"));

    let status = ca.status("master.example.com").unwrap();
    assert_eq!(status.state, CertState::Signed);
    assert_eq!(status.authorization_extensions.get("pp_cli_auth").map(String::as_str), Some("true"));
    assert_eq!(status.serial_number, Some(2));

    // Again: nothing changes.
    let before = std::fs::read_to_string(cert_path).unwrap();
    ca.ensure_server_certificate(&ssldir, "master.example.com", &[]).unwrap();
    assert_eq!(std::fs::read_to_string(cert_path).unwrap(), before);
    assert_eq!(std::fs::read_to_string(ca.cadir().join("serial")).unwrap(), "0003");
    ssldir.check_consistency("master.example.com").unwrap();

    // Configured alt names replace `puppet`, the certname is always there.
    let other = SslDir::new(tmp.path().join("ssl2"));
    ca.ensure_server_certificate(
        &other,
        "m2.example.com",
        &["DNS:compile.example.com".into(), "IP:127.0.0.1".into()],
    )
    .unwrap();
    let info =
        cert::read_certificate(&std::fs::read_to_string(other.cert_path("m2.example.com")).unwrap()).unwrap();
    assert_eq!(info.dns_alt_names, vec!["DNS:compile.example.com", "IP:127.0.0.1", "DNS:m2.example.com"]);
}

#[test]
fn agent_csr_lifecycle() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = new_ca(tmp.path());
    let (ssldir, csr) = agent(tmp.path(), "agent1.example.com", &[]);
    // The CSR is reused, not regenerated.
    assert_eq!(ssldir.ensure_csr("agent1.example.com", &[]).unwrap(), csr);
    let csr_text = openssl(&[
        "req",
        "-noout",
        "-text",
        "-verify",
        "-in",
        ssldir.csr_path("agent1.example.com").to_str().unwrap(),
    ]);
    assert!(csr_text.contains("DNS:agent1.example.com"), "{csr_text}");

    assert_eq!(ca.submit_csr("agent1.example.com", &csr, &Autosign::Never).unwrap(), SubmitOutcome::Pending);
    assert!(ca.cadir().join("requests/agent1.example.com.pem").is_file());
    assert_eq!(ca.csr_pem("agent1.example.com").unwrap(), csr);
    assert!(matches!(ca.certificate_pem("agent1.example.com"), Err(PkiError::NotFound(_))));
    let status = ca.status("agent1.example.com").unwrap();
    assert_eq!(status.state, CertState::Requested);
    assert_eq!(status.fingerprint, cert::csr_fingerprint(&csr).unwrap());
    assert_eq!(status.serial_number, None);
    let json = serde_json::to_value(&status).unwrap();
    assert_eq!(json["state"], "requested");
    assert!(json.get("serial_number").is_none());

    let dup = ca.submit_csr("agent1.example.com", &csr, &Autosign::Never).unwrap_err();
    assert_eq!(
        dup.to_string(),
        "agent1.example.com already has a requested certificate; ignoring certificate request"
    );
    assert!(matches!(dup, PkiError::BadRequest(_)));

    ca.sign("agent1.example.com").unwrap();
    assert!(!ca.cadir().join("requests/agent1.example.com.pem").exists());
    let cert_pem = ca.certificate_pem("agent1.example.com").unwrap();
    let dup = ca.submit_csr("agent1.example.com", &csr, &Autosign::Never).unwrap_err();
    assert_eq!(
        dup.to_string(),
        "agent1.example.com already has a signed certificate; ignoring certificate request"
    );
    assert!(matches!(ca.sign("agent1.example.com"), Err(PkiError::Conflict(_))));
    assert!(matches!(ca.sign("nobody.example.com"), Err(PkiError::NotFound(_))));

    // The agent side: TOFU CA, CRL, then the certificate, which removes the CSR.
    ssldir.save_ca_cert(&ca.ca_cert_pem().unwrap()).unwrap();
    ssldir.save_crl(&ca.crl_pem().unwrap()).unwrap();
    ssldir.save_certificate("agent1.example.com", &cert_pem).unwrap();
    assert!(!ssldir.csr_path("agent1.example.com").exists());
    ssldir.check_consistency("agent1.example.com").unwrap();

    let path = ssldir.cert_path("agent1.example.com");
    openssl(&["verify", "-CAfile", ssldir.ca_cert_path().to_str().unwrap(), path.to_str().unwrap()]);
    let text = openssl(&["x509", "-noout", "-text", "-in", path.to_str().unwrap()]);
    assert!(text.contains("DNS:agent1.example.com"), "{text}");
    assert!(!text.contains("1.3.6.1.4.1.34380.1.3.39"), "{text}");
    assert!(text.contains("X509v3 Extended Key Usage: critical"), "{text}");

    let inventory = std::fs::read_to_string(ca.cadir().join("inventory.txt")).unwrap();
    assert!(inventory.lines().last().unwrap().starts_with("0x0002 "), "{inventory}");
    assert!(inventory.ends_with(" /CN=agent1.example.com\n"));
}

#[test]
fn openssl_csr_and_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = new_ca(tmp.path());
    let csr_path = tmp.path().join("oss.csr");
    let make = |cn: &str, san: &str| {
        openssl(&[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            tmp.path().join("oss.key").to_str().unwrap(),
            "-subj",
            &format!("/CN={cn}"),
            "-addext",
            &format!("subjectAltName={san}"),
            "-out",
            csr_path.to_str().unwrap(),
        ]);
        std::fs::read_to_string(&csr_path).unwrap()
    };

    let csr = make("oss.example.com", "DNS:oss.example.com");
    assert_eq!(ca.submit_csr("oss.example.com", &csr, &Autosign::All).unwrap(), SubmitOutcome::Signed);
    let cert_file = tmp.path().join("oss.pem");
    std::fs::write(&cert_file, ca.certificate_pem("oss.example.com").unwrap()).unwrap();
    openssl(&[
        "verify",
        "-CAfile",
        ca.cadir().join("ca_crt.pem").to_str().unwrap(),
        cert_file.to_str().unwrap(),
    ]);
    let text = openssl(&["x509", "-noout", "-text", "-in", cert_file.to_str().unwrap()]);
    assert!(text.contains("DNS:oss.example.com"), "{text}");
    // The certificate holds the key the openssl CSR was made with.
    let cert_mod = openssl(&["x509", "-noout", "-modulus", "-in", cert_file.to_str().unwrap()]);
    let key_mod =
        openssl(&["rsa", "-noout", "-modulus", "-in", tmp.path().join("oss.key").to_str().unwrap()]);
    assert_eq!(cert_mod, key_mod);

    // CN mismatch.
    let csr = make("other.example.com", "DNS:other.example.com");
    let err = ca.submit_csr("oss2.example.com", &csr, &Autosign::All).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Instance name \"other.example.com\" does not match requested key \"oss2.example.com\""
    );

    // Upper case, bad PEM.
    let csr = make("Upper.example.com", "DNS:upper.example.com");
    let err = ca.submit_csr("Upper.example.com", &csr, &Autosign::All).unwrap_err();
    assert_eq!(err.to_string(), "Certificate names must be lower case.");
    assert!(matches!(
        ca.submit_csr("x.example.com", "not a csr", &Autosign::All),
        Err(PkiError::BadRequest(_))
    ));
    assert!(matches!(ca.submit_csr("../evil", &csr, &Autosign::All), Err(PkiError::BadRequest(_))));

    // Extra alt names: refused at autosign (left pending), signed when allowed.
    let csr = make("alt.example.com", "DNS:alt.example.com,DNS:www.example.com");
    let err = ca.submit_csr("alt.example.com", &csr, &Autosign::All).unwrap_err();
    assert!(matches!(err, PkiError::BadRequest(_)));
    assert!(err.to_string().contains("DNS:www.example.com"), "{err}");
    assert_eq!(ca.status("alt.example.com").unwrap().state, CertState::Requested);
    assert!(matches!(ca.sign("alt.example.com"), Err(PkiError::Conflict(_))));
    let lenient = CertificateAuthority::open(ca.cadir()).unwrap().with_allow_subject_alt_names(true);
    lenient.sign("alt.example.com").unwrap();
    let status = ca.status("alt.example.com").unwrap();
    assert_eq!(status.dns_alt_names, vec!["DNS:alt.example.com", "DNS:www.example.com"]);

    // A CSR asking for pp_cli_auth is never signed; pp_role is copied through.
    let cnf = tmp.path().join("ext.cnf");
    std::fs::write(
        &cnf,
        "[req]\ndistinguished_name=dn\nreq_extensions=ext\n[dn]\n[ext]\n1.3.6.1.4.1.34380.1.1.13=ASN1:UTF8String:webserver\n",
    )
    .unwrap();
    openssl(&[
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        tmp.path().join("r.key").to_str().unwrap(),
        "-subj",
        "/CN=role.example.com",
        "-config",
        cnf.to_str().unwrap(),
        "-out",
        csr_path.to_str().unwrap(),
    ]);
    let csr = std::fs::read_to_string(&csr_path).unwrap();
    assert_eq!(ca.submit_csr("role.example.com", &csr, &Autosign::All).unwrap(), SubmitOutcome::Signed);
    let info = cert::read_certificate(&ca.certificate_pem("role.example.com").unwrap()).unwrap();
    assert!(
        info.extensions.contains(&("pp_role".to_string(), "webserver".to_string())),
        "{:?}",
        info.extensions
    );
    assert_eq!(info.dns_alt_names, vec!["DNS:role.example.com"]);

    std::fs::write(
        &cnf,
        "[req]\ndistinguished_name=dn\nreq_extensions=ext\n[dn]\n[ext]\n1.3.6.1.4.1.34380.1.3.39=ASN1:UTF8String:true\n",
    )
    .unwrap();
    openssl(&[
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        tmp.path().join("r.key").to_str().unwrap(),
        "-subj",
        "/CN=sneaky.example.com",
        "-config",
        cnf.to_str().unwrap(),
        "-out",
        csr_path.to_str().unwrap(),
    ]);
    let csr = std::fs::read_to_string(&csr_path).unwrap();
    let err = ca.submit_csr("sneaky.example.com", &csr, &Autosign::All).unwrap_err();
    assert!(err.to_string().contains("authorization extension"), "{err}");
}

#[test]
fn revoke_clean_list() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = new_ca(tmp.path());
    for name in ["a1.example.com", "b2.example.com"] {
        let (_, csr) = agent(tmp.path(), name, &[]);
        ca.submit_csr(name, &csr, &Autosign::All).unwrap();
    }
    let (_, csr) = agent(tmp.path(), "c3.example.com", &[]);
    ca.submit_csr("c3.example.com", &csr, &Autosign::Never).unwrap();
    assert!(matches!(ca.revoke("c3.example.com"), Err(PkiError::Conflict(_))));
    assert!(matches!(ca.revoke("zz.example.com"), Err(PkiError::NotFound(_))));

    let serial = ca.status("a1.example.com").unwrap().serial_number.unwrap();
    ca.revoke("a1.example.com").unwrap();
    let crl_pem = ca.crl_pem().unwrap();
    assert_eq!(cert::crl_revoked_serials(&crl_pem).unwrap(), vec![serial]);
    assert_eq!(cert::crl_number(&crl_pem).unwrap(), 1);
    let crl_file = ca.cadir().join("ca_crl.pem");
    let text = openssl(&["crl", "-noout", "-text", "-in", crl_file.to_str().unwrap()]);
    assert!(text.contains(&format!("Serial Number: {serial:02X}")), "{text}");
    assert!(text.contains("Key Compromise"), "{text}");
    assert!(text.contains("X509v3 CRL Number: \n                1"), "{text}");
    openssl(&[
        "crl",
        "-noout",
        "-CAfile",
        ca.cadir().join("ca_crt.pem").to_str().unwrap(),
        "-in",
        crl_file.to_str().unwrap(),
    ]);

    // Revoking twice changes nothing; the next revocation keeps the first entry.
    ca.revoke("a1.example.com").unwrap();
    assert_eq!(cert::crl_number(&ca.crl_pem().unwrap()).unwrap(), 1);

    let states: Vec<(String, CertState)> =
        ca.list().unwrap().into_iter().map(|s| (s.name, s.state)).collect();
    assert_eq!(
        states,
        vec![
            ("a1.example.com".to_string(), CertState::Revoked),
            ("b2.example.com".to_string(), CertState::Signed),
            ("c3.example.com".to_string(), CertState::Requested),
        ]
    );
    let (_, csr) = agent(tmp.path(), "a1.example.com", &[]);
    let err = ca.submit_csr("a1.example.com", &csr, &Autosign::All).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a1.example.com already has a revoked certificate; ignoring certificate request"
    );

    ca.clean("b2.example.com").unwrap();
    let crl_pem = ca.crl_pem().unwrap();
    assert_eq!(cert::crl_revoked_serials(&crl_pem).unwrap().len(), 2);
    assert_eq!(cert::crl_number(&crl_pem).unwrap(), 2);
    ca.clean("c3.example.com").unwrap();
    assert!(matches!(ca.clean("c3.example.com"), Err(PkiError::NotFound(_))));
    let names: Vec<String> = ca.list().unwrap().into_iter().map(|s| s.name).collect();
    assert_eq!(names, vec!["a1.example.com"]);

    // After clean, the name can enrol again.
    let (_, csr) = agent(tmp.path(), "b2.example.com", &[]);
    assert_eq!(ca.submit_csr("b2.example.com", &csr, &Autosign::All).unwrap(), SubmitOutcome::Signed);

    // sign_all signs every pending request.
    for name in ["d4.example.com", "e5.example.com"] {
        let (_, csr) = agent(tmp.path(), name, &[]);
        ca.submit_csr(name, &csr, &Autosign::Never).unwrap();
    }
    assert_eq!(ca.sign_all().unwrap(), vec!["d4.example.com", "e5.example.com"]);
}

#[test]
fn ssldir_consistency_errors_name_the_files() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = new_ca(tmp.path());
    let ssldir = enrolled_agent(&ca, tmp.path(), "node2.example.com");
    ssldir.check_consistency("node2.example.com").unwrap();

    // A new CA: the ssldir's ca.pem is replaced but the cert is from the old CA.
    let tmp2 = tempfile::tempdir().unwrap();
    let other = new_ca(tmp2.path());
    std::fs::write(ssldir.ca_cert_path(), other.ca_cert_pem().unwrap()).unwrap();
    std::fs::write(ssldir.crl_path(), other.crl_pem().unwrap()).unwrap();
    let err = ssldir.check_consistency("node2.example.com").unwrap_err().to_string();
    let root = ssldir.root().display().to_string();
    assert!(
        err.contains(&format!("ssldir {root} holds a certificate for node2.example.com from another CA")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "remove {root}/certs/node2.example.com.pem and {root}/certs/ca.pem and {root}/crl.pem, or the whole ssldir, then run again"
        )),
        "{err}"
    );

    // A certificate that does not match the key.
    let ssldir = enrolled_agent(&ca, tmp.path(), "node3.example.com");
    let foreign = ca.certificate_pem("node2.example.com").unwrap();
    let err = ssldir.save_certificate("node3.example.com", &foreign).unwrap_err().to_string();
    assert!(
        err.contains("The certificate for 'CN=node2.example.com' does not match its private key"),
        "{err}"
    );
    std::fs::write(ssldir.cert_path("node3.example.com"), &foreign).unwrap();
    let err = ssldir.check_consistency("node3.example.com").unwrap_err().to_string();
    assert!(err.contains(&format!("remove {}", ssldir.cert_path("node3.example.com").display())), "{err}");

    // A certificate from another CA is refused on download.
    let ssldir = enrolled_agent(&ca, tmp.path(), "node4.example.com");
    let other_server = SslDir::new(tmp2.path().join("ssl"));
    other.ensure_server_certificate(&other_server, "node4.example.com", &[]).unwrap();
    let err = ssldir
        .save_certificate(
            "node4.example.com",
            &std::fs::read_to_string(other_server.cert_path("node4.example.com")).unwrap(),
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("was not issued by the CA"), "{err}");

    // A revoked certificate is refused on download.
    let (ssldir, csr) = agent(tmp.path(), "node5.example.com", &[]);
    ca.submit_csr("node5.example.com", &csr, &Autosign::All).unwrap();
    ca.revoke("node5.example.com").unwrap();
    ssldir.save_ca_cert(&ca.ca_cert_pem().unwrap()).unwrap();
    ssldir.save_crl(&ca.crl_pem().unwrap()).unwrap();
    let err = ssldir
        .save_certificate("node5.example.com", &ca.certificate_pem("node5.example.com").unwrap())
        .unwrap_err();
    assert!(err.to_string().contains("is revoked"), "{err}");

    // A CRL from another CA is refused.
    assert!(ssldir.save_crl(&other.crl_pem().unwrap()).is_err());
}

#[test]
fn concurrent_signing_uses_distinct_serials() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = new_ca(tmp.path());
    let names: Vec<String> = (0..6).map(|i| format!("n{i}.example.com")).collect();
    let csrs: Vec<String> = names.iter().map(|n| agent(tmp.path(), n, &[]).1).collect();
    let cadir = ca.cadir().to_path_buf();
    std::thread::scope(|s| {
        for (name, csr) in names.iter().zip(&csrs) {
            let cadir = cadir.clone();
            s.spawn(move || {
                let ca = CertificateAuthority::open(&cadir).unwrap();
                ca.submit_csr(name, csr, &Autosign::All).unwrap();
            });
        }
    });
    let mut serials: Vec<u64> = ca.list().unwrap().iter().map(|s| s.serial_number.unwrap()).collect();
    serials.sort();
    assert_eq!(serials, (2..8).collect::<Vec<u64>>());
    assert_eq!(std::fs::read_to_string(cadir.join("serial")).unwrap(), "0008");
    assert_eq!(std::fs::read_to_string(cadir.join("inventory.txt")).unwrap().lines().count(), 7);
}

/// Older Puppet ssldirs hold PKCS#1 (`RSA PRIVATE KEY`) keys: they are reused, not replaced.
#[test]
fn pkcs1_key_is_reused() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = new_ca(tmp.path());
    let ssldir = SslDir::new(tmp.path().join("old-ssl"));
    std::fs::create_dir_all(ssldir.root().join("private_keys")).unwrap();
    let key_path = ssldir.key_path("old.example.com");
    openssl(&["genrsa", "-traditional", "-out", key_path.to_str().unwrap(), "2048"]);
    let before = std::fs::read_to_string(&key_path).unwrap();
    assert!(before.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    assert_eq!(ssldir.ensure_key("old.example.com", KEYLENGTH).unwrap(), before);
    let csr = ssldir.ensure_csr("old.example.com", &[]).unwrap();
    assert_eq!(ca.submit_csr("old.example.com", &csr, &Autosign::All).unwrap(), SubmitOutcome::Signed);
    ssldir.save_ca_cert(&ca.ca_cert_pem().unwrap()).unwrap();
    ssldir.save_certificate("old.example.com", &ca.certificate_pem("old.example.com").unwrap()).unwrap();
    ssldir.check_consistency("old.example.com").unwrap();
    bunraku_pki::tls::client_config(&ssldir, Some("old.example.com")).unwrap();
}
