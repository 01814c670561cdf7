//! The real thing: Debian's `puppet agent` 7.23 runs against a Bunraku master (first run with CSR
//! and autosign, pluginsync, a `puppet:///modules` file source, the report), then runs again with
//! no changes. Skipped (with a note) where no `puppet` is installed.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use bunraku_master::{Master, MasterConfig};
use bunraku_pki::Autosign;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn puppet_available() -> bool {
    Command::new("puppet").arg("--version").output().map(|o| o.status.success()).unwrap_or(false)
}

#[test]
fn puppet_agent_completes_runs() {
    // The reference agent is a test dependency (.ci/run installs Debian's puppet-agent): its absence
    // is a failure, never a skip.
    assert!(
        puppet_available(),
        "`puppet` (Debian's puppet-agent 7.23) is not on PATH; run .ci/run to install it"
    );
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let out = root.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let prod = root.join("environments/production");
    write(&prod.join("manifests/site.pp"), "node default {\n  include hello\n}\n");
    write(
        &prod.join("modules/hello/manifests/init.pp"),
        &format!(
            "class hello {{\n  file {{ '{out}/greeting.txt':\n    ensure => file,\n    mode   => '0644',\n    source => 'puppet:///modules/hello/greeting.txt',\n  }}\n  notify {{ 'greeting': message => \"hello from ${{facts['kernel']}}\" }}\n}}\n",
            out = out.display()
        ),
    );
    write(&prod.join("modules/hello/files/greeting.txt"), "hello from the master\n");
    write(
        &prod.join("modules/hello/lib/facter/bunraku_hello.rb"),
        "Facter.add(:bunraku_hello) { setcode { 'hi' } }\n",
    );
    write(&prod.join("modules/hello/facts.d/team.txt"), "team=ops\n");

    let config = MasterConfig {
        certname: "localhost".into(),
        dns_alt_names: vec![],
        bind: "127.0.0.1:0".parse().unwrap(),
        cadir: root.join("ca"),
        ssldir: root.join("master-ssl"),
        environmentpath: root.join("environments"),
        basemodulepath: vec![],
        autosign: Autosign::All,
        reports: vec!["store".into()],
        reportdir: root.join("reports"),
        bucketdir: root.join("bucket"),
        reporturl: None,
        dashboard_database: None,
        keylength: 2048,
        ca_ttl: Duration::from_secs(5 * 365 * 86400),
        ca: true,
        limits: Default::default(),
        language: Default::default(),
    };
    let (addr_tx, addr_rx) = mpsc::channel::<SocketAddr>();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async move {
            let master = Master::start(config).await.unwrap();
            addr_tx.send(master.local_addr()).unwrap();
            master
                .serve(async move {
                    let _ = stop_rx.await;
                })
                .await
                .unwrap();
        });
    });
    let addr = addr_rx.recv_timeout(Duration::from_secs(120)).unwrap();

    let agent = root.join("agent");
    let conf = format!(
        "[main]\ncertname = agent1.test\nserver = localhost\nmasterport = {port}\nssldir = {a}/ssl\nvardir = {a}/var\nrundir = {a}/run\nlogdir = {a}/log\npublicdir = {a}/public\ncodedir = {a}/code\nkeylength = 2048\n",
        port = addr.port(),
        a = agent.display()
    );
    write(&agent.join("conf/puppet.conf"), &conf);
    let run = || {
        let output = Command::new("timeout")
            .args(["180", "puppet", "agent", "-t", "--waitforcert", "0", "--confdir"])
            .arg(agent.join("conf"))
            .output()
            .unwrap();
        let text =
            format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        eprintln!("{text}");
        (output.status.code(), text)
    };

    let (code, text) = run();
    assert_eq!(code, Some(2), "first run:\n{text}");
    assert!(text.contains("hello from Linux"), "{text}");
    assert_eq!(std::fs::read_to_string(out.join("greeting.txt")).unwrap(), "hello from the master\n");
    assert!(agent.join("var/lib/facter/bunraku_hello.rb").is_file(), "pluginsync:\n{text}");
    assert!(agent.join("var/facts.d/team.txt").is_file(), "pluginfacts:\n{text}");
    let reports: Vec<_> = std::fs::read_dir(root.join("reports/agent1.test")).unwrap().flatten().collect();
    assert_eq!(reports.len(), 1);

    let (code, text) = run();
    // The Notify changes on every run; the file does not.
    assert_eq!(code, Some(2), "second run:\n{text}");
    assert!(!text.contains("greeting.txt]/content"), "{text}");

    stop_tx.send(()).unwrap();
    server.join().unwrap();
}
