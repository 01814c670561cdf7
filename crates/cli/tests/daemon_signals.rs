//! The agent daemon against a real master, driven by signals as an operator would: SIGUSR1 runs now,
//! SIGHUP re-reads puppet.conf (the next run shows the changed settings, and the new `runinterval`
//! paces the runs after it), SIGTERM exits 0 with the pidfile and run lock gone. A second daemon for
//! the same node refuses to start while the first holds the pidfile.

mod common;

use std::process::Child;
use std::time::{Duration, Instant};

use common::Site;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

const NODE: &str = "signals.example.org";

fn log(site: &Site) -> String {
    std::fs::read_to_string(site.agent_log_path(NODE)).unwrap_or_default()
}

fn applied_runs(site: &Site) -> usize {
    log(site).matches("Applied catalog in").count()
}

fn wait_for(what: &str, site: &Site, limit: Duration, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}; agent log:\n{}", log(site));
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn signal(child: &Child, sig: Signal) {
    kill(Pid::from_raw(child.id() as i32), sig).unwrap();
}

fn set_conf(site: &Site, extra: &str) {
    let path = site.node_confdir(NODE).join("puppet.conf");
    let base = std::fs::read_to_string(&path).unwrap();
    let base = base.split("# daemon test\n").next().unwrap().to_string();
    std::fs::write(&path, format!("{base}# daemon test\n{extra}")).unwrap();
}

#[test]
fn usr1_runs_now_hup_rereads_the_configuration_term_exits_cleanly() {
    let mut site = Site::new("*\n");
    site.start_master();
    let confdir = site.node_confdir(NODE);
    let pidfile = confdir.join("var/run/agent.pid");
    let runlock = confdir.join("var/state/agent_catalog_run.lock");
    set_conf(&site, "runinterval = 1h\n");

    let mut daemon = site.spawn_agent(NODE, &[]);
    // It gets its certificate and runs once at start; the next timed run is an hour away.
    wait_for("the first run", &site, Duration::from_secs(120), || applied_runs(&site) == 1);
    let pid = std::fs::read_to_string(&pidfile).unwrap();
    assert_eq!(pid.trim(), daemon.id().to_string(), "the pidfile holds the daemon's PID");

    // A second daemon for the node will not start beside the first.
    let mut second = std::process::Command::new(common::BUNRAKU)
        .args(["agent", "--no-daemonize", "--confdir"])
        .arg(&confdir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while second.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = second.kill();
            panic!("a second daemon started beside the first");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let second: common::Ran = second.wait_with_output().unwrap().into();
    assert_eq!(second.code, 1, "{}", second.text);
    assert!(second.text.contains("Could not create PID file"), "{}", second.text);
    assert!(pidfile.exists(), "the refused daemon must not remove the first one's pidfile");

    // SIGUSR1: a run now.
    signal(&daemon, Signal::SIGUSR1);
    wait_for("the SIGUSR1 run", &site, Duration::from_secs(60), || applied_runs(&site) == 2);
    assert!(log(&site).contains("Caught USR1; storing reload"), "{}", log(&site));
    assert!(!log(&site).contains("(noop)"), "{}", log(&site));

    // SIGHUP after changing puppet.conf: the run that follows is a noop run, and runs come every
    // two seconds from then on instead of every hour.
    set_conf(&site, "runinterval = 2\nnoop = true\n");
    signal(&daemon, Signal::SIGHUP);
    wait_for("runs at the new interval", &site, Duration::from_secs(60), || applied_runs(&site) >= 5);
    let text = log(&site);
    assert!(text.contains("Caught HUP; re-reading the configuration"), "{text}");
    let after_hup = &text[text.find("Caught HUP").unwrap()..];
    assert!(
        after_hup.contains(&format!(
            "Notify[hello {NODE}]/message: current_value 'absent', should be 'hello {NODE}' (noop)"
        )),
        "{text}"
    );
    let before_hup = &text[..text.find("Caught HUP").unwrap()];
    assert_eq!(before_hup.matches("defined 'message' as").count(), 2, "{text}");

    // SIGTERM: exit 0 after the run in progress, pidfile and run lock gone.
    signal(&daemon, Signal::SIGTERM);
    let start = Instant::now();
    let status = loop {
        if let Some(status) = daemon.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = daemon.kill();
            panic!("the daemon did not exit on SIGTERM:\n{}", log(&site));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0), "{}", log(&site));
    assert!(log(&site).contains("Caught TERM; exiting"), "{}", log(&site));
    assert!(!pidfile.exists(), "the pidfile is removed on exit");
    assert!(!runlock.exists(), "no run lock is left behind");

    // With the daemon gone, a one-off run takes the run lock freely.
    let once = site.agent(NODE, &["--onetime"]);
    assert_eq!(once.code, 0, "{}", once.text);
}
