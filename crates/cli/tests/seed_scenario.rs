//! The seed scenario end to end: real processes on loopback, real certificates, a real `.deb`
//! installed with dpkg, a `base` service, and a real Puppet 7 agent against a Bunraku master.

mod common;

use bunraku_model::{Report, RunStatus};
use common::{package_installed, Site, NGINX_CONF};

fn report(yaml: &str) -> Report {
    Report::from_yaml(yaml).unwrap_or_else(|e| panic!("stored report does not parse: {e}\n{yaml}"))
}

fn service_running(site: &Site, node: &str) -> bool {
    let pidfile = site.root().join("nodes").join(node).join("run/nginx.pid");
    let Ok(pid) = std::fs::read_to_string(pidfile) else { return false };
    std::path::Path::new(&format!("/proc/{}", pid.trim())).exists()
}

/// (1) and (5): two Bunraku agents apply the scenario, then a second run changes nothing.
#[test]
fn two_bunraku_agents_apply_the_seed_then_change_nothing() {
    let _dpkg = common::dpkg_lock();
    let mut site = Site::new("*.example.com\n");
    let pkg2 = site.build_deb("node2");
    let pkg3 = site.build_deb("node3");
    site.start_master();

    for (node, pkg) in [("node2.example.com", &pkg2), ("node3.example.com", &pkg3)] {
        let run = site.agent(node, &["--test"]);
        assert_eq!(
            run.code,
            2,
            "first run of {node} must change things:\n{}\n{}",
            run.text,
            site.master_log()
        );
        assert!(
            run.text.contains(&format!("Notice: /Stage[main]/Nginx/Package[{pkg}]/ensure: created")),
            "{}",
            run.text
        );
        assert!(
            run.text.contains("Notice: /Stage[main]/Nginx::Nginx_web/Service[nginx]/ensure: ensure changed 'stopped' to 'running'"),
            "{}",
            run.text
        );
        assert!(run.text.contains("Notice: Applied catalog in "), "{}", run.text);
        assert!(package_installed(pkg), "{pkg} is installed");
        let conf = site.root().join("nodes").join(node).join("etc/nginx/nginx.conf");
        assert_eq!(std::fs::read_to_string(&conf).unwrap(), NGINX_CONF);
        let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&conf).unwrap().permissions());
        assert_eq!(mode & 0o7777, 0o644);
        assert!(service_running(&site, node), "the base service of {node} runs");
        let reports = site.stored_reports(node);
        let first = report(reports.last().expect("the master stored a report"));
        assert_eq!(first.status, RunStatus::Changed);
        assert_eq!(first.host, node);
        assert!(first.resource_statuses.contains_key("Service[nginx]"));
    }

    for node in ["node2.example.com", "node3.example.com"] {
        let run = site.agent(node, &["--test"]);
        assert_eq!(run.code, 0, "second run of {node} must change nothing:\n{}", run.text);
        assert!(!run.text.contains("ensure: created"), "{}", run.text);
        // The store processor names files by minute, so the newest file holds the newest report.
        let last = report(site.stored_reports(node).last().unwrap());
        assert_eq!(last.status, RunStatus::Unchanged, "second report of {node}");
    }

    // A changed file on the node is put back and the service restarted through `notify`.
    let conf = site.root().join("nodes/node2.example.com/etc/nginx/nginx.conf");
    std::fs::write(&conf, "tampered\n").unwrap();
    let run = site.agent("node2.example.com", &["--test"]);
    assert_eq!(run.code, 2, "{}", run.text);
    assert!(run.text.contains("content changed"), "{}", run.text);
    assert!(run.text.contains("Service[nginx]: Triggered 'refresh' from 1 event"), "{}", run.text);
    assert_eq!(std::fs::read_to_string(&conf).unwrap(), NGINX_CONF);
}

/// (2): the real Puppet 7 agent runs the scenario against a Bunraku master.
#[test]
fn real_puppet_agent_runs_against_bunraku_master() {
    let _dpkg = common::dpkg_lock();
    let mut site = Site::new("*.example.com\n");
    let pkg = site.build_deb("web7");
    site.start_master();
    let puppet = |extra: &[&str]| site.puppet_agent("web7.example.com", extra);
    let run = puppet(&[]);
    assert_eq!(run.code, 2, "real puppet agent's first run:\n{}\nmaster:\n{}", run.text, site.master_log());
    assert!(run.text.contains(&format!("/Stage[main]/Nginx/Package[{pkg}]/ensure: created")), "{}", run.text);
    assert!(
        run.text.contains("Service[nginx]/ensure: ensure changed 'stopped' to 'running'"),
        "{}",
        run.text
    );
    assert!(package_installed(&pkg));
    assert_eq!(
        std::fs::read_to_string(site.root().join("nodes/web7.example.com/etc/nginx/nginx.conf")).unwrap(),
        NGINX_CONF,
        "the puppet:/// file came from the Bunraku master"
    );
    let stored = site.stored_reports("web7.example.com");
    let r = report(stored.last().expect("the real agent's report was stored"));
    assert_eq!(r.status, RunStatus::Changed);
    assert_eq!(r.puppet_version, "7.23.0");

    let run = puppet(&[]);
    assert_eq!(run.code, 0, "real puppet agent's second run:\n{}", run.text);
}

/// (3): no catalog without a signed certificate; `cert sign` lets the agent in; `cert revoke` shuts it out.
#[test]
fn unsigned_and_revoked_agents_get_no_catalog() {
    let mut site = Site::new("");
    site.start_master();
    let node = "lonely.example.org";

    let run = site.agent(node, &["--onetime", "--waitforcert", "0"]);
    assert_eq!(run.code, 1, "{}", run.text);
    assert!(run.text.contains("Couldn't fetch certificate from CA server"), "{}", run.text);
    assert!(!run.text.contains("Applying configuration version"), "{}", run.text);

    let list = site.cert(&["list"]);
    assert_eq!(list.code, 0, "{}", list.text);
    assert!(list.text.contains(&format!("\"{node}\" (SHA256) ")), "{}", list.text);

    let sign = site.cert(&["sign", node]);
    assert_eq!(sign.code, 0, "{}", sign.text);
    assert!(sign.text.contains(&format!("Signed certificate request for {node}")), "{}", sign.text);
    let run = site.agent(node, &["--test"]);
    assert_eq!(run.code, 2, "{}\n{}", run.text, site.master_log());
    assert!(run.text.contains(&format!("hello {node}")), "{}", run.text);

    let revoke = site.cert(&["revoke", node]);
    assert_eq!(revoke.code, 0, "{}", revoke.text);
    let all = site.cert(&["list", "--all"]);
    assert!(all.text.contains(&format!("- \"{node}\"")), "{}", all.text);
    let run = site.agent(node, &["--test"]);
    assert_eq!(run.code, 1, "a revoked agent must not run:\n{}", run.text);
    assert!(!run.text.contains("Applying configuration version"), "{}", run.text);
}

/// (4): autosign.conf globs sign what they match and nothing else.
#[test]
fn autosign_globs_sign_what_they_match_only() {
    let mut site = Site::new("# nodes of the lab\n*.lab.example.com\nexact.example.net\n");
    site.start_master();
    for (node, signed) in [
        ("a.lab.example.com", true),
        ("b.c.lab.example.com", true),
        ("lab.example.com", true),
        ("exact.example.net", true),
        ("other.example.net", false),
        ("badlab.example.com", false),
        ("a.lab.example.com.evil.org", false),
    ] {
        let run = site.agent(node, &["--onetime", "--waitforcert", "0"]);
        if signed {
            assert_eq!(
                run.code,
                0,
                "{node} should be autosigned and run:\n{}\n{}",
                run.text,
                site.master_log()
            );
        } else {
            assert_eq!(run.code, 1, "{node} must wait for a person:\n{}", run.text);
        }
    }
    let pending = site.cert(&["--list"]);
    assert!(pending.text.contains("\"other.example.net\""), "{}", pending.text);
    assert!(pending.text.contains("\"badlab.example.com\""), "{}", pending.text);
    assert!(!pending.text.contains("\"a.lab.example.com\""), "{}", pending.text);
}

/// (6): a syntax error is reported with file, line and column; the agent falls back to its cached catalog.
#[test]
fn syntax_error_names_its_place_and_the_agent_uses_its_cached_catalog() {
    let mut site = Site::new("*\n");
    site.start_master();
    let node = "cache.example.org";
    let run = site.agent(node, &["--onetime", "--detailed-exitcodes"]);
    assert_eq!(run.code, 2, "{}\n{}", run.text, site.master_log());

    std::fs::write(site.site_pp(), "node default {\n  notify { 'hi': message => }\n}\n").unwrap();
    let run = site.agent(node, &["--onetime", "--detailed-exitcodes"]);
    let place = format!("(file: {}, line: 2, column: 29)", site.site_pp().display());
    assert!(run.text.contains("Could not retrieve catalog from remote server"), "{}", run.text);
    assert!(run.text.contains("Syntax error at '}'") && run.text.contains(&place), "{}", run.text);
    assert!(run.text.contains("Using cached catalog from environment 'production'"), "{}", run.text);
    assert!(run.text.contains(&format!("hello {node}")), "the cached catalog was applied:\n{}", run.text);
    assert!(site.master_log().contains(&place), "master log:\n{}", site.master_log());
    let last = report(site.stored_reports(node).last().unwrap());
    assert_eq!(last.cached_catalog_status.as_deref(), Some("on_failure"));
    assert!(last.logs.iter().any(|l| l.level == "err" && l.message.contains(&place)), "{:?}", last.logs);

    // `--test` turns usecacheonfailure off, as Puppet's does: no catalog, no run.
    let run = site.agent(node, &["--test"]);
    assert_eq!(run.code, 1, "{}", run.text);
    assert!(!run.text.contains("Using cached catalog"), "{}", run.text);
}

/// An agent whose ssldir comes from another CA (the master's CA was recreated) is told exactly which
/// files to remove, where Puppet only says "certificate verify failed".
#[test]
fn stale_ssldir_from_another_ca_names_the_files_to_remove() {
    let mut site = Site::new("*\n");
    site.start_master();
    let node = "stale.example.org";
    let run = site.agent(node, &["--test"]);
    assert_eq!(run.code, 2, "{}", run.text);

    site.stop_master();
    std::fs::remove_dir_all(site.master_confdir().join("ssl")).unwrap();
    site.start_master();
    let run = site.agent(node, &["--test"]);
    assert_eq!(run.code, 1, "{}", run.text);
    let ssldir = site.node_confdir(node).join("ssl");
    assert!(run.text.contains("not issued by the CA this node trusts"), "{}", run.text);
    assert!(run.text.contains("remove its certs/ca.pem"), "{}", run.text);
    assert!(!run.text.contains("Applying configuration version"), "{}", run.text);

    // Following the advice works: the node gets a certificate from the new CA and runs.
    std::fs::remove_dir_all(&ssldir).unwrap();
    let run = site.agent(node, &["--test"]);
    assert_eq!(run.code, 2, "{}", run.text);
}
