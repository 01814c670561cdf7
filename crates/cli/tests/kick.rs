//! Kick end to end, as in the seed: two agents run as daemons with `listen = true`, each on its own
//! `puppetport`; the master host kicks both with its own certificate. The agent whose `auth.conf`
//! allows the master runs (a new report reaches the master); the other answers 403 and does not run.

mod common;

use std::net::TcpStream;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use common::{Ran, Site, BUNRAKU};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_for(what: &str, site: &Site, node: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        let log = std::fs::read_to_string(site.agent_log_path(node)).unwrap_or_default();
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "timed out waiting for {what}; {node} log:\n{log}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Configures `node` to listen on `port` with an auth.conf allowing `kicker`.
fn listening_agent(site: &Site, node: &str, port: u16, kicker: &str) {
    let confdir = site.node_confdir(node);
    let mut conf = std::fs::read_to_string(confdir.join("puppet.conf")).unwrap();
    conf.push_str(&format!(
        "listen = true\npuppetport = {port}\nbindaddress = 127.0.0.1\nruninterval = 1h\n"
    ));
    std::fs::write(confdir.join("puppet.conf"), conf).unwrap();
    // The seed's stanza, plus `auth any` as Puppet 3's documentation had it.
    std::fs::write(confdir.join("auth.conf"), format!("path /run\nmethod save\nauth any\nallow {kicker}\n"))
        .unwrap();
}

fn applied_runs(site: &Site, node: &str) -> usize {
    std::fs::read_to_string(site.agent_log_path(node)).unwrap().matches("Applied catalog in").count()
}

fn kick(site: &Site, node: &str, port: u16) -> Ran {
    Command::new(BUNRAKU)
        .arg("kick")
        .arg("--confdir")
        .arg(site.master_confdir())
        .arg("--host")
        .arg(format!("{node}:{port}"))
        .arg("--resolve")
        .arg(format!("{node}=127.0.0.1"))
        .output()
        .unwrap()
        .into()
}

fn terminate(child: &mut Child) -> i32 {
    let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), nix::sys::signal::SIGTERM);
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            return -1;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn kick_runs_the_allowed_agent_and_is_refused_by_the_other() {
    let mut site = Site::new("*\n");
    site.start_master();
    let (yes, no) = ("kick-yes.example.org", "kick-no.example.org");
    let (yes_port, no_port) = (free_port(), free_port());
    listening_agent(&site, yes, yes_port, "node1.example.com");
    listening_agent(&site, no, no_port, "someone-else.example.org");

    // Without auth.conf the listener refuses to start, as Puppet 3 did.
    let lonely = "kick-lonely.example.org";
    listening_agent(&site, lonely, free_port(), "node1.example.com");
    std::fs::remove_file(site.node_confdir(lonely).join("auth.conf")).unwrap();
    let out: Ran = Command::new(BUNRAKU)
        .args(["agent", "--no-daemonize", "--confdir"])
        .arg(site.node_confdir(lonely))
        .output()
        .unwrap()
        .into();
    assert_eq!(out.code, 1, "{}", out.text);
    assert!(out.text.contains("Will not start without authorization file"), "{}", out.text);

    let mut daemons = [site.spawn_agent(yes, &[]), site.spawn_agent(no, &[])];
    // Each daemon gets its certificate, starts its listener, and runs once at start.
    for (node, port) in [(yes, yes_port), (no, no_port)] {
        wait_for("the first run's report", &site, node, || site.stored_reports(node).len() == 1);
        wait_for("the listener", &site, node, || TcpStream::connect(("127.0.0.1", port)).is_ok());
    }

    // The store processor names reports by the minute, so a second run may replace the first file:
    // count runs by the reports' transaction UUIDs and by the agents' logs.
    let before_yes = site.stored_reports(yes);
    let before_no = site.stored_reports(no);
    let ok = kick(&site, yes, yes_port);
    assert_eq!(ok.code, 0, "{}", ok.text);
    let expected = format!(
        "Triggering {yes}\nGetting status\nstatus is success\n{yes} finished with exit code 0\nFinished\n"
    );
    assert_eq!(ok.text, expected);
    wait_for("the kicked run's report", &site, yes, || site.stored_reports(yes) != before_yes);
    assert_eq!(applied_runs(&site, yes), 2);

    let refused = kick(&site, no, no_port);
    assert_eq!(refused.code, 3, "{}", refused.text);
    assert!(refused.text.contains(&format!("Triggering {no}\n")), "{}", refused.text);
    assert!(refused.text.contains("Error 403 on SERVER: Forbidden request: node1.example.com(127.0.0.1) access to /run/kick-no.example.org [save] authenticated"), "{}", refused.text);
    assert!(
        refused.text.contains(&format!("{no} finished with exit code 2\nFailed: {no}\n")),
        "{}",
        refused.text
    );
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(site.stored_reports(no), before_no, "the refused agent must not run");
    assert_eq!(applied_runs(&site, no), 1);

    // SIGTERM: a clean exit that leaves no run lock behind.
    for (daemon, node) in daemons.iter_mut().zip([yes, no]) {
        assert_eq!(terminate(daemon), 0, "{}", std::fs::read_to_string(site.agent_log_path(node)).unwrap());
        let lock = site.node_confdir(node).join("var/state/agent_catalog_run.lock");
        assert!(!lock.exists());
    }
}
