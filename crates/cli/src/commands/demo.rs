//! `bunraku demo`: the seed scenario end to end on loopback, in a temporary directory.
//!
//! It runs the real binary as separate processes (a master and two agents, each with its own confdir
//! and ssldir), so what it prints is exactly what a user of those commands sees. It changes nothing
//! outside its directory: the seed's nginx module is kept in shape (class `nginx`, `nginx::nginx_web`
//! inheriting it, a file served from `puppet:///modules/nginx/`, a service notified by it), but the
//! "package" is a directory tree under the demo root and the service is a small process the demo
//! ships, run by the `base` provider.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clap::Args;

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Keep the demo directory instead of deleting it at the end.
    #[arg(long)]
    keep: bool,
    /// Use this directory (created if missing) instead of a temporary one.
    #[arg(long)]
    dir: Option<PathBuf>,
    /// RSA key size for the demo's CA and nodes (Puppet's `keylength`).
    #[arg(long, default_value_t = 4096)]
    keylength: u32,
}

const INIT_PP: &str = r#"# The seed's `package { 'nginx': ensure => installed }`, made harmless: the demo must not install
# software on the machine it runs on, so the "package" is a directory tree under the demo root.
class nginx {
  $root = "@ROOT@/nodes/${trusted['certname']}"
  file { [$root, "${root}/etc", "${root}/etc/nginx", "${root}/run"]:
    ensure => directory,
  }
}
"#;

const NGINX_WEB_PP: &str = r#"class nginx::nginx_web inherits nginx {
  file { "${root}/etc/nginx/nginx.conf":
    ensure  => file,
    source  => 'puppet:///modules/nginx/nginx-web.conf',
    mode    => '0644',
    notify  => Service['nginx'],
    require => File["${root}/etc/nginx"],
  }
  service { 'nginx':
    ensure   => running,
    provider => base,
    start    => "/bin/sh @ROOT@/bin/fake-nginx start ${root}",
    stop     => "/bin/sh @ROOT@/bin/fake-nginx stop ${root}",
    status   => "/bin/sh @ROOT@/bin/fake-nginx status ${root}",
  }
}
"#;

const SITE_PP: &str = r#"node 'node2.example.com' {
  include nginx::nginx_web
}
node 'node3.example.com' {
  include nginx::nginx_web
}
node /^web\d+\.example\.com$/ {
  include nginx::nginx_web
}
node default {
  notify { "no node definition matches ${trusted['certname']}": }
}
"#;

const NGINX_CONF: &str = "# nginx.conf served by the Bunraku demo master\nworker_processes  1;\nevents {\n    worker_connections  1024;\n}\nhttp {\n    server {\n        listen       8080;\n        server_name  localhost;\n    }\n}\n";

/// A stand-in daemon with init-script verbs; `sleep` detached from the agent's pipes plays nginx.
const FAKE_NGINX: &str = r#"#!/bin/sh
# fake-nginx start|stop|status ROOT: a long sleep stands in for nginx; its pid lives in ROOT/run.
pidfile="$2/run/nginx.pid"
case "$1" in
  start) nohup sleep 86400 </dev/null >/dev/null 2>&1 & echo $! > "$pidfile" ;;
  stop) [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null; rm -f "$pidfile" ;;
  status) [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null ;;
  *) echo "usage: $0 start|stop|status ROOT" >&2; exit 2 ;;
esac
"#;

/// Writes the seed environment (module `nginx`, `site.pp`) under `root`; returns the environmentpath.
pub fn write_seed_environment(root: &Path) -> std::io::Result<PathBuf> {
    let envpath = root.join("code/environments");
    let env = envpath.join("production");
    let module = env.join("modules/nginx");
    for dir in ["manifests", "files", "lib", "templates"] {
        std::fs::create_dir_all(module.join(dir))?;
    }
    std::fs::create_dir_all(env.join("manifests"))?;
    std::fs::create_dir_all(root.join("bin"))?;
    std::fs::create_dir_all(root.join("nodes"))?;
    let r = root.display().to_string();
    std::fs::write(module.join("manifests/init.pp"), INIT_PP.replace("@ROOT@", &r))?;
    std::fs::write(module.join("manifests/nginx_web.pp"), NGINX_WEB_PP.replace("@ROOT@", &r))?;
    std::fs::write(module.join("files/nginx-web.conf"), NGINX_CONF)?;
    std::fs::write(env.join("manifests/site.pp"), SITE_PP)?;
    std::fs::write(root.join("bin/fake-nginx"), FAKE_NGINX)?;
    Ok(envpath)
}

struct Demo {
    root: PathBuf,
    exe: PathBuf,
    port: u16,
    failures: Vec<String>,
}

impl Demo {
    fn step(&self, title: &str) {
        println!("\n==> {title}");
    }

    /// Runs `bunraku ARGS` to completion, echoing its output under `label`; returns its exit code.
    /// A step that hangs (say, an agent waiting for a signature that never comes) is ended after
    /// two minutes, so the demo always finishes.
    fn run(&self, label: &str, args: &[&str]) -> i32 {
        println!("$ bunraku {}", args.join(" "));
        let mut child =
            match Command::new(&self.exe).args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn() {
                Ok(c) => c,
                Err(e) => {
                    println!("[{label}] cannot start {}: {e}", self.exe.display());
                    return -1;
                }
            };
        let echo = |stream: Option<Box<dyn std::io::Read + Send>>, label: String| {
            std::thread::spawn(move || {
                if let Some(stream) = stream {
                    for line in BufReader::new(stream).lines().map_while(Result::ok) {
                        println!("[{label}] {line}");
                    }
                }
            })
        };
        let out = echo(
            child.stdout.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            label.to_string(),
        );
        let err = echo(
            child.stderr.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            label.to_string(),
        );
        let deadline = Instant::now() + Duration::from_secs(120);
        let code = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status.code().unwrap_or(-1),
                Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
                _ => {
                    println!("[{label}] still running after two minutes; stopping it");
                    let _ = child.kill();
                    let _ = child.wait();
                    break -1;
                }
            }
        };
        let _ = out.join();
        let _ = err.join();
        code
    }

    fn expect(&mut self, what: &str, ok: bool) {
        if ok {
            println!("    ok: {what}");
        } else {
            println!("    FAILED: {what}");
            self.failures.push(what.to_string());
        }
    }

    fn node_conf(&self, node: &str) -> PathBuf {
        let dir = self.root.join(node);
        std::fs::create_dir_all(&dir).expect("demo dir is writable");
        let conf = format!(
            "[main]\ncertname = {node}\nserver = localhost\nmasterport = {port}\nvardir = {dir}/var\nssldir = {dir}/ssl\n\
             [agent]\nreport = true\nruninterval = 600\n",
            port = self.port,
            dir = dir.display()
        );
        std::fs::write(dir.join("puppet.conf"), conf).expect("demo dir is writable");
        dir
    }

    fn agent(&self, node: &str, extra: &[&str]) -> i32 {
        let confdir = self.root.join(node).display().to_string();
        let mut args = vec!["agent", "--confdir", &confdir, "--no-daemonize", "--verbose"];
        args.extend_from_slice(extra);
        self.run(node, &args)
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(18140)
}

fn start_master(demo: &Demo, keylength: u32) -> Child {
    let confdir = demo.root.join("master");
    std::fs::create_dir_all(&confdir).expect("demo dir is writable");
    let conf = format!(
        "[main]\ncertname = node1.example.com\nvardir = {d}/var\nssldir = {d}/ssl\nkeylength = {keylength}\n\
         environmentpath = {root}/code/environments\nbasemodulepath = {root}/code/modules\n\
         [master]\ndns_alt_names = localhost,puppet,node1.example.com\nreports = store\nautosign = {d}/autosign.conf\n",
        d = confdir.display(),
        root = demo.root.display()
    );
    std::fs::write(confdir.join("puppet.conf"), conf).expect("demo dir is writable");
    let confdir_s = confdir.display().to_string();
    let port = demo.port.to_string();
    println!("$ bunraku master --confdir {confdir_s} --masterport {port} --bindaddress 127.0.0.1 --no-daemonize --verbose");
    let mut child = Command::new(&demo.exe)
        .args([
            "master",
            "--confdir",
            &confdir_s,
            "--masterport",
            &port,
            "--bindaddress",
            "127.0.0.1",
            "--no-daemonize",
            "--verbose",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the bunraku binary runs");
    for stream in [
        child.stdout.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        child.stderr.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
    ]
    .into_iter()
    .flatten()
    {
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                println!("[master] {line}");
            }
        });
    }
    child
}

fn wait_for_port(port: u16, timeout: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

pub fn run(args: DemoArgs) -> u8 {
    let mut tmp = None;
    let root = match &args.dir {
        Some(d) => {
            if let Err(e) = std::fs::create_dir_all(d) {
                eprintln!("Error: {}: {e}", d.display());
                return 1;
            }
            std::path::absolute(d).unwrap_or_else(|_| d.clone())
        }
        None => {
            let t = match tempfile::Builder::new().prefix("bunraku-demo-").tempdir() {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("Error: cannot create a temporary directory: {e}");
                    return 1;
                }
            };
            let path = t.path().to_path_buf();
            tmp = Some(t);
            path
        }
    };
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("Error: cannot find the bunraku binary: {e}");
            return 1;
        }
    };
    let mut demo = Demo { root: root.clone(), exe, port: free_port(), failures: Vec::new() };
    println!("Bunraku demo: the seed scenario on loopback, in {}", root.display());
    if let Err(e) = write_seed_environment(&root) {
        eprintln!("Error: writing the demo environment: {e}");
        return 1;
    }
    let code = scenario(&mut demo, args.keylength);
    // Stop the stand-in services the agents started, whatever happened.
    for node in ["node2.example.com", "node3.example.com"] {
        let node_root = root.join("nodes").join(node);
        if node_root.exists() {
            let _ =
                Command::new("/bin/sh").arg(root.join("bin/fake-nginx")).arg("stop").arg(&node_root).status();
        }
    }
    if args.keep || args.dir.is_some() {
        println!("\nThe demo directory is kept: {}", root.display());
        if let Some(t) = tmp {
            let _ = t.keep();
        }
    }
    code
}

fn scenario(demo: &mut Demo, keylength: u32) -> u8 {
    let master_conf = demo.root.join("master").display().to_string();
    let n2 = "node2.example.com";
    let n3 = "node3.example.com";
    demo.node_conf(n2);
    demo.node_conf(n3);
    for node in [n2, n3] {
        let conf = demo.root.join(node).join("puppet.conf");
        let text = std::fs::read_to_string(&conf).unwrap_or_default();
        let _ = std::fs::write(&conf, text.replace("[agent]", &format!("keylength = {keylength}\n[agent]")));
    }

    demo.step("The master starts: it creates its CA and its own certificate, then listens");
    let mut master = start_master(demo, keylength);
    let up = wait_for_port(demo.port, Duration::from_secs(120));
    demo.expect(&format!("the master listens on 127.0.0.1:{}", demo.port), up);
    if !up {
        let _ = master.kill();
        let _ = master.wait();
        return 1;
    }

    demo.step("node2 asks for a certificate; nobody has signed it yet (--waitforcert 0 exits)");
    let code = demo.agent(n2, &["--onetime", "--waitforcert", "0"]);
    demo.expect("node2 exits 1 without a catalog", code == 1);

    demo.step("On the master: list the waiting request and sign it, as in the seed");
    demo.run("cert", &["cert", "--confdir", &master_conf, "--list"]);
    let code = demo.run("cert", &["cert", "--confdir", &master_conf, "--sign", n2]);
    demo.expect("node2's certificate is signed", code == 0);

    demo.step("node2 runs: it fetches its certificate and catalog, applies it, sends its report");
    let code = demo.agent(n2, &["--test"]);
    demo.expect("node2's first run changes things (exit 2)", code == 2);
    let conf = demo.root.join("nodes").join(n2).join("etc/nginx/nginx.conf");
    demo.expect(
        "node2's nginx.conf is the file the master serves",
        std::fs::read_to_string(&conf).ok().as_deref() == Some(NGINX_CONF),
    );

    demo.step("autosign.conf now signs *.example.com: node3 needs no one to sign it");
    let _ = std::fs::write(demo.root.join("master/autosign.conf"), "*.example.com\n");
    let code = demo.agent(n3, &["--test", "--waitforcert", "5"]);
    demo.expect("node3 is autosigned and its first run changes things (exit 2)", code == 2);

    demo.step("Second runs: everything is in its desired state, nothing changes");
    let c2 = demo.agent(n2, &["--test"]);
    let c3 = demo.agent(n3, &["--test"]);
    demo.expect("node2's second run changes nothing (exit 0)", c2 == 0);
    demo.expect("node3's second run changes nothing (exit 0)", c3 == 0);

    demo.step("The certificates and the stored reports on the master");
    demo.run("cert", &["cert", "--confdir", &master_conf, "list", "--all"]);
    let reportdir = demo.root.join("master/var/reports");
    for node in [n2, n3] {
        let count = std::fs::read_dir(reportdir.join(node)).map(|d| d.count()).unwrap_or(0);
        println!("    {}/{node}: {count} report file(s)", reportdir.display());
        demo.expect(&format!("the master stored {node}'s reports"), count >= 1);
    }

    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(master.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    );
    let _ = master.wait();
    if demo.failures.is_empty() {
        println!("\nDemo finished: every step did what the seed shows.");
        0
    } else {
        println!("\nDemo FAILED: {}", demo.failures.join("; "));
        1
    }
}
