//! Orchestration end to end on loopback with the machine's real brokers: three `bunraku
//! orchestrator` servers (each a node with its own certificate from a real `bunraku master`'s CA,
//! facts and last catalog), driven by Debian's `mco` over RabbitMQ and by `bunraku mco` over
//! RabbitMQ and NATS.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{mco, Ran, Site, BUNRAKU};

const NODES: [(&str, &str, &str); 3] = [
    ("alpha.example.com", "role::web", "web"),
    ("beta.example.com", "role::web", "web"),
    ("gamma.example.com", "role::db", "db"),
];
const ADMIN: &str = "admin.example.com";

struct Orchestra {
    site: Site,
    collective: String,
    servers: Vec<(String, Child)>,
    legacy_private: PathBuf,
    legacy_public: PathBuf,
}

impl Drop for Orchestra {
    fn drop(&mut self) {
        for (_, c) in &mut self.servers {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn sh(cmd: &str) -> Ran {
    Command::new("sh").arg("-c").arg(cmd).output().unwrap().into()
}

impl Orchestra {
    fn new() -> Orchestra {
        let mut site = Site::new("*\n");
        let env = site.root().join("code/environments/production");
        std::fs::create_dir_all(env.join("modules/role/manifests")).unwrap();
        std::fs::write(
            env.join("modules/role/manifests/web.pp"),
            "class role::web { notify { 'web role': } }\n",
        )
        .unwrap();
        std::fs::write(
            env.join("modules/role/manifests/db.pp"),
            "class role::db { notify { 'db role': } }\n",
        )
        .unwrap();
        let mut pp = std::fs::read_to_string(site.site_pp()).unwrap();
        for (node, class, _) in NODES {
            pp.push_str(&format!("node '{node}' {{ include {class} }}\n"));
        }
        std::fs::write(site.site_pp(), pp).unwrap();
        // Reports also go to the dashboard's store, which `--dm store` discovers from.
        let conf = site.master_confdir().join("puppet.conf");
        let text = std::fs::read_to_string(&conf).unwrap().replace(
            "reports = store\n",
            &format!(
                "reports = store, database\ndashboard_database = sqlite://{}/store.sqlite3\n",
                site.root().display()
            ),
        );
        std::fs::write(&conf, text).unwrap();
        site.start_master();
        for node in NODES.iter().map(|n| n.0).chain([ADMIN]) {
            let r = site.agent(node, &["--onetime", "--detailed-exitcodes"]);
            assert!(r.code == 0 || r.code == 2, "{node}: {}", r.text);
        }
        let collective = format!("bk{}x{}", std::process::id(), site.port);
        mco::rabbit_exchanges(&collective);
        // MCollective's `ssl` plugin checks every reply against one shared server key.
        let legacy_private = site.root().join("legacy-server-private.pem");
        let legacy_public = site.root().join("legacy-server-public.pem");
        let r = sh(&format!(
            "openssl genrsa -out {p} 2048 2>/dev/null && openssl rsa -in {p} -pubout -out {q} 2>/dev/null",
            p = legacy_private.display(),
            q = legacy_public.display()
        ));
        assert_eq!(r.code, 0, "{}", r.text);
        let mut o = Orchestra { site, collective, servers: Vec::new(), legacy_private, legacy_public };
        for (i, (node, _, role)) in NODES.iter().enumerate() {
            o.write_conf(node, "stomp://guest:guest@127.0.0.1:61613/");
            let facts = o.site.node_confdir(node).join("facts.json");
            std::fs::write(
                &facts,
                serde_json::json!({"role": role, "rack": i + 1, "os": {"family": "Debian"}}).to_string(),
            )
            .unwrap();
            let callers = o.site.node_confdir(node).join("orchestration/callers");
            std::fs::create_dir_all(&callers).unwrap();
            std::fs::copy(o.cert_path(ADMIN), callers.join(format!("{ADMIN}.pem"))).unwrap();
            o.start_server(node, None);
        }
        o.write_conf(ADMIN, "stomp://guest:guest@127.0.0.1:61613/");
        o.wait_for(3, None);
        o
    }

    fn ssl(&self, node: &str) -> PathBuf {
        self.site.node_confdir(node).join("ssl")
    }

    fn cert_path(&self, node: &str) -> PathBuf {
        self.ssl(node).join("certs").join(format!("{node}.pem"))
    }

    fn write_conf(&self, node: &str, middleware: &str) {
        let conf = format!(
            "middleware = {middleware}\ncollectives = {c}\nlegacy_server_private = {p}\nlegacy_server_public = {q}\nfact_cache_time = 0\ndiscovery_timeout = 2\n",
            c = self.collective,
            p = self.legacy_private.display(),
            q = self.legacy_public.display()
        );
        std::fs::write(self.site.node_confdir(node).join("orchestration.conf"), conf).unwrap();
    }

    fn start_server(&mut self, node: &str, middleware: Option<&str>) {
        let confdir = self.site.node_confdir(node);
        let log =
            std::fs::File::create(self.site.root().join(format!("orch-{node}-{}.log", self.servers.len())))
                .unwrap();
        let mut cmd = Command::new(BUNRAKU);
        cmd.args(["orchestrator", "--verbose", "--confdir"])
            .arg(&confdir)
            .arg("--facts")
            .arg(confdir.join("facts.json"));
        if let Some(m) = middleware {
            cmd.arg("--middleware").arg(m);
        }
        let child =
            cmd.stdout(Stdio::from(log.try_clone().unwrap())).stderr(Stdio::from(log)).spawn().unwrap();
        self.servers.push((node.to_string(), child));
    }

    fn logs(&self) -> String {
        let mut out = String::new();
        for e in std::fs::read_dir(self.site.root()).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("orch-") {
                out.push_str(&format!(
                    "--- {name}\n{}",
                    std::fs::read_to_string(e.path()).unwrap_or_default()
                ));
            }
        }
        out
    }

    fn mco(&self, who: &str, args: &[&str]) -> Ran {
        Command::new(BUNRAKU)
            .args(["mco", "--confdir"])
            .arg(self.site.node_confdir(who))
            .args(args)
            .output()
            .unwrap()
            .into()
    }

    /// Waits until `n` servers answer a ping.
    fn wait_for(&self, n: usize, middleware: Option<&str>) {
        let start = Instant::now();
        loop {
            let mut args = vec!["ping", "--dt", "1"];
            if let Some(m) = middleware {
                args.extend(["--middleware", m]);
            }
            let r = self.mco(ADMIN, &args);
            if r.text.contains(&format!("{n} replies")) {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "{n} servers never answered:\n{}\n{}",
                r.text,
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    /// A client.cfg for Debian's mco: the admin's Puppet key signs, its certificate (which the
    /// servers hold) is named by the public key file's name.
    fn debian_mco_config(&self) -> PathBuf {
        let ssl = self.ssl(ADMIN);
        mco::debian_client_cfg(
            &self.site.root().join("mco"),
            &self.collective,
            ADMIN,
            &ssl.join("private_keys").join(format!("{ADMIN}.pem")),
            &ssl.join("public_keys").join(format!("{ADMIN}.pem")),
            &self.legacy_public,
        )
    }
}

fn debian_mco(cfg: &Path, args: &[&str]) -> Ran {
    let (code, text) = mco::debian_mco(cfg, args);
    Ran { code, text }
}

/// mco prints nodes in the order their replies came.
fn sorted_words(text: &str) -> Vec<&str> {
    let mut w: Vec<&str> = text.split_whitespace().collect();
    w.sort();
    w
}

fn lines_with(text: &str, needle: &str) -> Vec<String> {
    text.lines().filter(|l| l.contains(needle)).map(str::to_string).collect()
}

#[test]
fn orchestration_end_to_end() {
    let mut o = Orchestra::new();

    // ---- Debian's mco against Bunraku servers, over RabbitMQ.
    let cfg = o.debian_mco_config();
    let r = debian_mco(&cfg, &["ping"]);
    assert_eq!(r.code, 0, "{}\n{}", r.text, o.logs());
    for (node, _, _) in NODES {
        assert!(r.text.contains(node), "mco ping misses {node}:\n{}", r.text);
    }
    assert!(r.text.contains("3 replies"), "{}", r.text);
    let r = debian_mco(&cfg, &["find", "-F", "role=web"]);
    assert_eq!(r.code, 0, "{}", r.text);
    assert_eq!(sorted_words(&r.text), vec!["alpha.example.com", "beta.example.com"], "{}", r.text);
    let r = debian_mco(&cfg, &["find", "-C", "role::db"]);
    assert_eq!(sorted_words(&r.text), vec!["gamma.example.com"], "{}", r.text);
    let r = debian_mco(&cfg, &["find", "-I", "/^(alpha|gamma)/"]);
    assert_eq!(sorted_words(&r.text), vec!["alpha.example.com", "gamma.example.com"], "{}", r.text);
    let r = debian_mco(&cfg, &["facts", "role"]);
    assert_eq!(r.code, 0, "{}", r.text);
    assert!(r.text.contains("Report for fact: role"), "{}", r.text);
    assert!(lines_with(&r.text, "web").iter().any(|l| l.contains("found 2 times")), "{}", r.text);
    assert!(lines_with(&r.text, "db").iter().any(|l| l.contains("found 1 times")), "{}", r.text);
    let r = debian_mco(&cfg, &["inventory", "beta.example.com"]);
    assert_eq!(r.code, 0, "{}", r.text);
    for needle in ["Inventory for beta.example.com", "rpcutil", "puppet", "role::web", "role => web"] {
        assert!(r.text.contains(needle), "inventory lacks {needle:?}:\n{}", r.text);
    }
    let r = debian_mco(&cfg, &["rpc", "rpcutil", "get_fact", "fact=rack", "-I", "gamma.example.com"]);
    assert_eq!(r.code, 0, "{}", r.text);
    assert!(r.text.contains("gamma.example.com") && r.text.contains("3"), "{}", r.text);
    let r = debian_mco(&cfg, &["rpc", "rpcutil", "collective_info"]);
    assert_eq!(r.code, 0, "{}", r.text);
    assert!(r.text.contains("Finished processing 3 / 3 hosts"), "{}", r.text);

    // ---- bunraku mco over RabbitMQ: filters select exactly the right nodes.
    let find = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["find"];
        a.extend(args);
        let r = o.mco(ADMIN, &a);
        r.text.lines().filter(|l| l.ends_with(".example.com")).map(str::to_string).collect()
    };
    assert_eq!(find(&[]), ["alpha.example.com", "beta.example.com", "gamma.example.com"]);
    assert_eq!(find(&["-F", "role=web"]), ["alpha.example.com", "beta.example.com"]);
    assert_eq!(find(&["-F", "rack>=2"]), ["beta.example.com", "gamma.example.com"]);
    assert_eq!(find(&["-F", "os.family=/^Deb/", "-C", "role::db"]), ["gamma.example.com"]);
    assert_eq!(find(&["-I", "/^b/"]), ["beta.example.com"]);
    assert_eq!(find(&["-S", "role::web and not rack=1"]), ["beta.example.com"]);
    assert_eq!(find(&["-W", "role::web rack=1"]), ["alpha.example.com"]);
    assert!(find(&["-A", "nosuchagent"]).is_empty());
    let r = o.mco(ADMIN, &["rpc", "rpcutil", "get_fact", "fact=role", "-F", "role=db", "--json"]);
    assert_eq!(r.code, 0, "{}", r.text);
    let replies: serde_json::Value =
        serde_json::from_str(r.text.trim()).unwrap_or_else(|e| panic!("{e}: {}", r.text));
    assert_eq!(replies.as_array().unwrap().len(), 1);
    assert_eq!(replies[0]["sender"], "gamma.example.com");
    assert_eq!(replies[0]["data"]["value"], "db");

    // ---- discovery from the store: the classes of each node's last run, no server asked.
    let store = format!("sqlite://{}/store.sqlite3", o.site.root().display());
    let start = Instant::now();
    loop {
        let r = o.mco(ADMIN, &["find", "--dm", "store", "--store", &store, "-C", "role::web"]);
        if lines_with(&r.text, ".example.com") == ["alpha.example.com", "beta.example.com"] {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "the store never had the runs:\n{}", r.text);
        std::thread::sleep(Duration::from_millis(300));
    }
    let r = o.mco(ADMIN, &["find", "--dm", "store", "--store", &store, "-I", "/^(gamma|admin)/"]);
    assert_eq!(lines_with(&r.text, ".example.com"), ["admin.example.com", "gamma.example.com"], "{}", r.text);
    let r = o.mco(
        ADMIN,
        &[
            "rpc",
            "rpcutil",
            "get_fact",
            "fact=role",
            "--dm",
            "store",
            "--store",
            &store,
            "-C",
            "role::db",
            "--json",
        ],
    );
    let v: serde_json::Value =
        serde_json::from_str(r.text.trim()).unwrap_or_else(|e| panic!("{e}: {}", r.text));
    assert_eq!(v[0]["sender"], "gamma.example.com");
    assert_eq!(v[0]["data"]["value"], "db");

    // ---- puppet: runonce makes the agent run against the master; status and summary see it.
    let summary = o.site.node_confdir("alpha.example.com").join("var/public/last_run_summary.yaml");
    let before = std::fs::metadata(&summary).and_then(|m| m.modified()).ok();
    let r = o.mco(ADMIN, &["puppet", "runonce", "-I", "alpha.example.com", "--force"]);
    assert_eq!(r.code, 0, "{}\n{}", r.text, o.logs());
    let start = Instant::now();
    while std::fs::metadata(&summary).and_then(|m| m.modified()).ok() == before {
        assert!(start.elapsed() < Duration::from_secs(60), "the run never happened:\n{}", o.logs());
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_millis(500));
    let r = o.mco(ADMIN, &["puppet", "status", "-I", "alpha.example.com", "--json"]);
    assert_eq!(r.code, 0, "{}", r.text);
    let st: serde_json::Value = serde_json::from_str(r.text.trim()).unwrap();
    assert_eq!(st[0]["data"]["enabled"], true);
    assert!(st[0]["data"]["since_lastrun"].as_i64().unwrap() < 60, "{st}");
    let r = o.mco(ADMIN, &["puppet", "summary"]);
    assert_eq!(r.code, 0, "{}", r.text);
    assert!(
        r.text.contains("Summary statistics for 3 nodes") && r.text.contains("Total resources"),
        "{}",
        r.text
    );
    let r = o.mco(ADMIN, &["puppet", "disable", "maintenance window", "-I", "beta.example.com"]);
    assert_eq!(r.code, 0, "{}", r.text);
    let r = o.mco(ADMIN, &["puppet", "count"]);
    assert!(r.text.contains("Nodes currently disabled: 1"), "{}", r.text);
    let r = o.mco(ADMIN, &["puppet", "runonce", "-I", "beta.example.com"]);
    assert_eq!(r.code, 2, "a disabled agent refuses to run:\n{}", r.text);
    assert!(r.text.contains("maintenance window"), "{}", r.text);
    let r = o.mco(ADMIN, &["puppet", "enable", "-I", "beta.example.com"]);
    assert_eq!(r.code, 0, "{}", r.text);

    // ---- service and package on a throwaway init script and .deb.
    {
        let _dpkg = common::dpkg_lock();
        let name = format!("bunraku-orch-{}", o.site.port);
        let script = format!("/etc/init.d/{name}");
        let pidfile = o.site.root().join("svc.pid");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\ncase \"$1\" in\n start) nohup sleep 3600 >/dev/null 2>&1 & echo $! > {p} ;;\n stop) [ -f {p} ] && kill $(cat {p}); rm -f {p} ;;\n status) [ -f {p} ] && kill -0 $(cat {p}) 2>/dev/null ;;\n restart) $0 stop; $0 start ;;\nesac\n",
                p = pidfile.display()
            ),
        )
        .unwrap();
        sh(&format!("chmod 755 {script}"));
        let svc =
            |action: &str| o.mco(ADMIN, &["service", &name, action, "-I", "gamma.example.com", "--json"]);
        let status_of = |r: &Ran| -> String {
            let v: serde_json::Value =
                serde_json::from_str(r.text.trim()).unwrap_or_else(|e| panic!("{e}: {}", r.text));
            v[0]["data"]["status"].as_str().unwrap_or("").to_string()
        };
        assert_eq!(status_of(&svc("status")), "stopped");
        assert_eq!(status_of(&svc("start")), "running");
        let first = std::fs::read_to_string(&pidfile).unwrap();
        assert_eq!(status_of(&svc("restart")), "running");
        assert_ne!(std::fs::read_to_string(&pidfile).unwrap(), first, "restart started a new process");
        assert_eq!(status_of(&svc("stop")), "stopped");
        let _ = std::fs::remove_file(&script);

        let pkg = o.site.build_deb("orch");
        let deb = o.site.root().join("debs").join(format!("{pkg}.deb"));
        let p = |action: &str| {
            let r = o.mco(
                ADMIN,
                &[
                    "package",
                    &pkg,
                    action,
                    "--source",
                    deb.to_str().unwrap(),
                    "-I",
                    "alpha.example.com",
                    "--json",
                ],
            );
            let v: serde_json::Value =
                serde_json::from_str(r.text.trim()).unwrap_or_else(|e| panic!("{e}: {}", r.text));
            v[0]["data"]["ensure"].as_str().unwrap_or("").to_string()
        };
        assert_eq!(p("status"), "purged");
        assert_eq!(p("install"), "1.0");
        assert!(common::package_installed(&pkg));
        assert_eq!(p("purge"), "purged");
        assert!(!common::package_installed(&pkg));
    }

    // ---- a revoked client is refused by every server, and each says why in its audit log.
    let r = o.site.agent("eve.example.com", &["--onetime"]);
    assert_eq!(r.code, 0, "{}", r.text);
    o.write_conf("eve.example.com", "stomp://guest:guest@127.0.0.1:61613/");
    let r = o.mco("eve.example.com", &["ping"]);
    assert!(r.text.contains("3 replies"), "{}", r.text);
    assert_eq!(o.site.cert(&["revoke", "eve.example.com"]).code, 0);
    let crl = o.site.master_confdir().join("ssl/ca/ca_crl.pem");
    for (node, _, _) in NODES {
        // What the node's next agent run fetches; the server rereads the file when it changes.
        std::fs::copy(&crl, o.ssl(node).join("crl.pem")).unwrap();
    }
    let r = o.mco("eve.example.com", &["ping"]);
    assert_eq!(r.code, 4, "{}", r.text);
    assert!(r.text.contains("No responses received"), "{}", r.text);
    for (node, _, _) in NODES {
        let audit =
            std::fs::read_to_string(o.site.node_confdir(node).join("var/log/orchestration-audit.log"))
                .unwrap();
        assert!(
            audit.contains("caller=cert=eve.example.com") && audit.contains("is revoked"),
            "{node}:\n{audit}"
        );
    }

    // ---- the same servers over NATS.
    let nats = "nats://127.0.0.1:4222";
    for (node, _, _) in NODES {
        o.start_server(node, Some(nats));
    }
    o.wait_for(3, Some(nats));
    let r = o.mco(ADMIN, &["find", "-F", "role=web", "--middleware", nats]);
    assert_eq!(lines_with(&r.text, ".example.com"), ["alpha.example.com", "beta.example.com"], "{}", r.text);
    let r = o.mco(ADMIN, &["rpc", "rpcutil", "ping", "-C", "role::db", "--middleware", nats]);
    assert_eq!(r.code, 0, "{}", r.text);
    assert!(
        r.text.contains("gamma.example.com") && r.text.contains("Finished processing 1 / 1 hosts"),
        "{}",
        r.text
    );

    // ---- a server killed mid-run shows up as "no response", and the client exits non-zero.
    let idx = o.servers.iter().rposition(|(n, _)| n == "beta.example.com").unwrap();
    let (_, mut victim) = o.servers.remove(idx);
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(victim.id() as i32), nix::sys::signal::Signal::SIGKILL)
        .unwrap();
    let _ = victim.wait();
    let nodes = o.site.root().join("nodes.txt");
    std::fs::write(&nodes, NODES.iter().map(|n| format!("{}\n", n.0)).collect::<String>()).unwrap();
    let r = o.mco(
        ADMIN,
        &["rpc", "rpcutil", "ping", "--nodes", nodes.to_str().unwrap(), "--middleware", nats, "-t", "2"],
    );
    assert_eq!(r.code, 4, "{}", r.text);
    assert!(
        r.text.contains("No response from:") && lines_with(&r.text, "beta.example.com").len() == 1,
        "{}",
        r.text
    );
    assert!(r.text.contains("Finished processing 2 / 3 hosts"), "{}", r.text);

    // ---- NATS over TLS: the broker requires a client certificate from our CA, and servers and
    // client present their Puppet certificates (the master's own certificate serves the broker).
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mssl = o.site.master_confdir().join("ssl");
    let nats_log = std::fs::File::create(o.site.root().join("nats-tls.log")).unwrap();
    let broker = Command::new("nats-server")
        .args(["-a", "127.0.0.1", "-p", &port.to_string(), "--tls", "--tlsverify"])
        .arg("--tlscert")
        .arg(mssl.join("certs/node1.example.com.pem"))
        .arg("--tlskey")
        .arg(mssl.join("private_keys/node1.example.com.pem"))
        .arg("--tlscacert")
        .arg(mssl.join("certs/ca.pem"))
        .stdout(Stdio::from(nats_log.try_clone().unwrap()))
        .stderr(Stdio::from(nats_log))
        .spawn()
        .expect("nats-server (Debian's nats-server, on the machine)");
    let _broker = DaemonGuard(broker);
    let tls = format!("tls://localhost:{port}");
    for (node, _, _) in NODES {
        o.start_server(node, Some(&tls));
    }
    o.wait_for(3, Some(&tls));
    let r =
        o.mco(ADMIN, &["rpc", "rpcutil", "get_fact", "fact=role", "-F", "role=web", "--middleware", &tls]);
    assert_eq!(r.code, 0, "{}", r.text);
    assert!(r.text.contains("Finished processing 2 / 2 hosts"), "{}", r.text);

    // ---- the server inside `bunraku agent`'s daemon: `puppet runonce` starts a run in-process.
    let delta = "delta.example.com";
    let r = o.site.agent(delta, &["--onetime"]);
    assert_eq!(r.code, 0, "{}", r.text);
    o.write_conf(delta, "stomp://guest:guest@127.0.0.1:61613/");
    let conf = o.site.node_confdir(delta).join("puppet.conf");
    let text = std::fs::read_to_string(&conf).unwrap();
    std::fs::write(&conf, format!("{text}runinterval = 3600\n")).unwrap();
    let mut daemon = DaemonGuard(o.site.spawn_agent(delta, &[]));
    let start = Instant::now();
    let status = loop {
        let r = o.mco(ADMIN, &["puppet", "status", "-I", delta, "--json"]);
        if r.code == 0 {
            break serde_json::from_str::<serde_json::Value>(r.text.trim()).unwrap();
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the daemon's server never answered:\n{}\n{}",
            r.text,
            std::fs::read_to_string(o.site.agent_log_path(delta)).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    assert_eq!(status[0]["data"]["daemon_present"], true, "{status}");
    // The daemon's first run (at start) must be over before another can start.
    let summary = o.site.node_confdir(delta).join("var/public/last_run_summary.yaml");
    let start = Instant::now();
    let before = loop {
        let r = o.mco(ADMIN, &["puppet", "status", "-I", delta, "--json"]);
        let v: serde_json::Value = serde_json::from_str(r.text.trim()).unwrap_or_default();
        if v[0]["data"]["applying"] == false {
            break std::fs::metadata(&summary).and_then(|m| m.modified()).ok();
        }
        assert!(start.elapsed() < Duration::from_secs(60), "the daemon's first run never ended");
        std::thread::sleep(Duration::from_millis(300));
    };
    std::thread::sleep(Duration::from_millis(1100));
    let r = o.mco(ADMIN, &["puppet", "runonce", "-I", delta, "--force", "--noop"]);
    assert_eq!(r.code, 0, "{}", r.text);
    assert!(r.text.contains("Started a Puppet run in the agent daemon"), "{}", r.text);
    let start = Instant::now();
    while std::fs::metadata(&summary).and_then(|m| m.modified()).ok() == before {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the in-process run never happened:\n{}",
            std::fs::read_to_string(o.site.agent_log_path(delta)).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let log = std::fs::read_to_string(o.site.agent_log_path(delta)).unwrap_or_default();
    assert!(log.contains("Run triggered by cert=admin.example.com"), "{log}");
    let _ = daemon.0.kill();
}

struct DaemonGuard(Child);

impl Drop for DaemonGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Our client against the reference server, Debian's `mcollectived`, for `rpcutil` and
/// `discovery`: it verifies our requests' MCollective signature with the caller's key, we verify
/// its replies with the shared server key.
#[test]
fn bunraku_mco_against_debian_mcollectived() {
    let mut site = Site::new("*\n");
    site.start_master();
    let r = site.agent(ADMIN, &["--onetime"]);
    assert_eq!(r.code, 0, "{}", r.text);
    let collective = format!("bkref{}x{}", std::process::id(), site.port);
    mco::rabbit_exchanges(&collective);
    let root = site.root().to_path_buf();
    let dir = root.join("mcollectived");
    std::fs::create_dir_all(dir.join("clients")).unwrap();
    let ssl = site.node_confdir(ADMIN).join("ssl");
    std::fs::copy(
        ssl.join("public_keys").join(format!("{ADMIN}.pem")),
        dir.join("clients").join(format!("{ADMIN}.pem")),
    )
    .unwrap();
    let (p, q) = (dir.join("server-private.pem"), dir.join("server-public.pem"));
    let r = sh(&format!(
        "openssl genrsa -out {p} 2048 2>/dev/null && openssl rsa -in {p} -pubout -out {q} 2>/dev/null",
        p = p.display(),
        q = q.display()
    ));
    assert_eq!(r.code, 0, "{}", r.text);
    std::fs::write(dir.join("facts.yaml"), "---\nrole: reference\nrack: '7'\n").unwrap();
    std::fs::write(dir.join("classes.txt"), "settings\nrole::reference\n").unwrap();
    let cfg = format!(
        "main_collective = {c}\ncollectives = {c}\nlibdir = /usr/share/mcollective/plugins\nlogfile = {d}/server.log\nloglevel = info\ndaemonize = 0\n\
         identity = ref1.example.com\nconnector = rabbitmq\nplugin.rabbitmq.vhost = /\nplugin.rabbitmq.pool.size = 1\nplugin.rabbitmq.pool.1.host = 127.0.0.1\n\
         plugin.rabbitmq.pool.1.port = 61613\nplugin.rabbitmq.pool.1.user = guest\nplugin.rabbitmq.pool.1.password = guest\nsecurityprovider = ssl\n\
         plugin.ssl_serializer = yaml\nplugin.ssl_server_private = {p}\nplugin.ssl_server_public = {q}\nplugin.ssl_client_cert_dir = {d}/clients\n\
         factsource = yaml\nplugin.yaml = {d}/facts.yaml\nclassesfile = {d}/classes.txt\nregisterinterval = 0\n",
        c = collective,
        d = dir.display(),
        p = p.display(),
        q = q.display()
    );
    std::fs::write(dir.join("server.cfg"), cfg).unwrap();

    let log = std::fs::File::create(dir.join("stdout.log")).unwrap();
    let child = Command::new("mcollectived")
        .arg("--config")
        .arg(dir.join("server.cfg"))
        .arg("--pidfile")
        .arg(dir.join("mcollectived.pid"))
        .env("RUBYOPT", mco::rubyopt())
        .stdout(Stdio::from(log.try_clone().unwrap()))
        .stderr(Stdio::from(log))
        .spawn()
        .expect("mcollectived (Debian's mcollective) is installed by .ci/run");
    let _guard = DaemonGuard(child);
    let confdir = site.node_confdir(ADMIN);
    std::fs::write(
        confdir.join("orchestration.conf"),
        format!("middleware = stomp://guest:guest@127.0.0.1:61613/\ncollectives = {collective}\nlegacy_server_public = {}\ndiscovery_timeout = 2\n", q.display()),
    )
    .unwrap();
    let mco = |args: &[&str]| -> Ran {
        Command::new(BUNRAKU).args(["mco", "--confdir"]).arg(&confdir).args(args).output().unwrap().into()
    };
    let start = Instant::now();
    loop {
        let r = mco(&["ping"]);
        if r.text.contains("ref1.example.com") {
            assert!(r.text.contains("1 replies"), "{}", r.text);
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "mcollectived never answered:\n{}\n{}",
            r.text,
            std::fs::read_to_string(dir.join("server.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    let r = mco(&["find", "-F", "role=reference", "-C", "role::reference"]);
    assert_eq!(r.text.trim(), "ref1.example.com", "{}", r.text);
    let r = mco(&["find", "-F", "role=web"]);
    assert_eq!(r.text.trim(), "", "{}", r.text);
    let r = mco(&["rpc", "rpcutil", "get_fact", "fact=rack", "--json"]);
    assert_eq!(r.code, 0, "{}", r.text);
    let v: serde_json::Value =
        serde_json::from_str(r.text.trim()).unwrap_or_else(|e| panic!("{e}: {}", r.text));
    assert_eq!(v[0]["sender"], "ref1.example.com");
    assert_eq!(v[0]["data"]["value"], "7");
    let r = mco(&["inventory", "ref1.example.com"]);
    assert_eq!(r.code, 0, "{}", r.text);
    assert!(
        r.text.contains("role::reference")
            && r.text.contains("rpcutil")
            && r.text.contains("role => reference"),
        "{}",
        r.text
    );
    let r = mco(&["rpc", "rpcutil", "collective_info"]);
    assert!(r.text.contains("Finished processing 1 / 1 hosts"), "{}", r.text);
    // A reply signed with another key than the shared server key is dropped, not believed.
    let other = dir.join("other-public.pem");
    let r = sh(&format!(
        "openssl genrsa 2048 2>/dev/null | openssl rsa -pubout -out {} 2>/dev/null",
        other.display()
    ));
    assert_eq!(r.code, 0);
    std::fs::write(
        confdir.join("orchestration.conf"),
        format!("middleware = stomp://guest:guest@127.0.0.1:61613/\ncollectives = {collective}\nlegacy_server_public = {}\ndiscovery_timeout = 1\n", other.display()),
    )
    .unwrap();
    let r = mco(&["ping"]);
    assert_eq!(r.code, 4, "{}", r.text);
    assert!(r.text.contains("invalid signature"), "{}", r.text);
}
