//! A throwaway Puppet site on loopback for end-to-end tests: an environment, a `bunraku master`
//! process on an ephemeral port, and agents (Bunraku's or Puppet's own) each with its own confdir.

#![allow(dead_code)]

pub mod mco;

use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const BUNRAKU: &str = env!("CARGO_BIN_EXE_bunraku");

/// The seed's module, with a real package: `@PKG@` is a per-run prefix so that the throwaway `.deb`
/// packages the test builds never collide with anything installed on the machine.
pub const INIT_PP: &str = r#"class nginx {
  $root = "@ROOT@/nodes/${trusted['certname']}"
  $pkg = "@PKG@-${trusted['hostname']}"
  package { $pkg:
    ensure   => installed,
    provider => dpkg,
    source   => "@ROOT@/debs/${pkg}.deb",
  }
  file { [$root, "${root}/etc", "${root}/etc/nginx", "${root}/run"]:
    ensure => directory,
  }
}
"#;

pub const NGINX_WEB_PP: &str = r#"class nginx::nginx_web inherits nginx {
  file { "${root}/etc/nginx/nginx.conf":
    ensure  => file,
    source  => 'puppet:///modules/nginx/nginx-web.conf',
    mode    => '0644',
    owner   => 'root',
    group   => 'root',
    notify  => Service['nginx'],
    require => Package[$pkg],
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

pub const SITE_PP: &str = r#"node 'node2.example.com' {
  include nginx::nginx_web
}
node 'node3.example.com' {
  include nginx::nginx_web
}
node /^web\d+\.example\.com$/ {
  include nginx::nginx_web
}
node default {
  notify { "hello ${trusted['certname']}": }
}
"#;

pub const NGINX_CONF: &str = "worker_processes 1;\nevents { worker_connections 1024; }\n";

const FAKE_NGINX: &str = r#"#!/bin/sh
pidfile="$2/run/nginx.pid"
case "$1" in
  start) nohup sleep 3600 </dev/null >/dev/null 2>&1 & echo $! > "$pidfile" ;;
  stop) [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null; rm -f "$pidfile" ;;
  status) [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null ;;
esac
"#;

pub struct Site {
    pub dir: tempfile::TempDir,
    pub port: u16,
    pub pkg_prefix: String,
    master: Option<Child>,
    packages: Vec<String>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Output of a finished command, stdout and stderr together, for assertions and failure messages.
pub struct Ran {
    pub code: i32,
    pub text: String,
}

impl From<Output> for Ran {
    fn from(o: Output) -> Ran {
        let mut text = String::from_utf8_lossy(&o.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&o.stderr));
        Ran { code: o.status.code().unwrap_or(-1), text }
    }
}

impl Site {
    /// A site with the seed environment; `autosign` is written to the master's autosign.conf.
    pub fn new(autosign: &str) -> Site {
        let dir = tempfile::Builder::new().prefix("bunraku-e2e-").tempdir().unwrap();
        let root = dir.path();
        let pkg_prefix = format!("bunraku-e2e-{}-{}", std::process::id(), free_port());
        let env = root.join("code/environments/production");
        std::fs::create_dir_all(env.join("manifests")).unwrap();
        std::fs::create_dir_all(env.join("modules/nginx/manifests")).unwrap();
        std::fs::create_dir_all(env.join("modules/nginx/files")).unwrap();
        std::fs::create_dir_all(root.join("bin")).unwrap();
        std::fs::create_dir_all(root.join("debs")).unwrap();
        std::fs::create_dir_all(root.join("nodes")).unwrap();
        std::fs::create_dir_all(root.join("master")).unwrap();
        let fill = |t: &str| t.replace("@ROOT@", &root.display().to_string()).replace("@PKG@", &pkg_prefix);
        std::fs::write(env.join("modules/nginx/manifests/init.pp"), fill(INIT_PP)).unwrap();
        std::fs::write(env.join("modules/nginx/manifests/nginx_web.pp"), fill(NGINX_WEB_PP)).unwrap();
        std::fs::write(env.join("modules/nginx/files/nginx-web.conf"), NGINX_CONF).unwrap();
        std::fs::write(env.join("manifests/site.pp"), SITE_PP).unwrap();
        std::fs::write(root.join("bin/fake-nginx"), FAKE_NGINX).unwrap();
        std::fs::write(root.join("master/autosign.conf"), autosign).unwrap();
        let port = free_port();
        let conf = format!(
            "[main]\ncertname = node1.example.com\nvardir = {m}/var\nssldir = {m}/ssl\nkeylength = 2048\n\
             environmentpath = {r}/code/environments\nbasemodulepath = {r}/code/modules\n\
             [master]\ndns_alt_names = localhost,puppet\nreports = store\nautosign = {m}/autosign.conf\n",
            m = root.join("master").display(),
            r = root.display()
        );
        std::fs::write(root.join("master/puppet.conf"), conf).unwrap();
        Site { dir, port, pkg_prefix, master: None, packages: Vec::new() }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn site_pp(&self) -> PathBuf {
        self.root().join("code/environments/production/manifests/site.pp")
    }

    pub fn master_confdir(&self) -> PathBuf {
        self.root().join("master")
    }

    pub fn master_log(&self) -> String {
        std::fs::read_to_string(self.root().join("master.log")).unwrap_or_default()
    }

    /// Starts `bunraku master` and waits until it accepts connections.
    pub fn start_master(&mut self) {
        self.start_master_with(&[]);
    }

    /// As [`Site::start_master`], with more arguments for `bunraku master`.
    pub fn start_master_with(&mut self, args: &[&str]) {
        let log = File::create(self.root().join("master.log")).unwrap();
        let child = Command::new(BUNRAKU)
            .args(["master", "--no-daemonize", "--verbose", "--bindaddress", "127.0.0.1"])
            .arg("--confdir")
            .arg(self.master_confdir())
            .arg("--masterport")
            .arg(self.port.to_string())
            .args(args)
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap();
        self.master = Some(child);
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Some(status) = self.master.as_mut().unwrap().try_wait().unwrap() {
                panic!("the master exited ({status}):\n{}", self.master_log());
            }
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "the master did not listen:\n{}",
                self.master_log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the master (it can be started again on the same port).
    pub fn stop_master(&mut self) {
        if let Some(mut m) = self.master.take() {
            let _ = m.kill();
            let _ = m.wait();
        }
    }

    /// The confdir of a Bunraku agent node (created with its puppet.conf on first use).
    pub fn node_confdir(&self, node: &str) -> PathBuf {
        let dir = self.root().join("agents").join(node);
        if !dir.exists() {
            std::fs::create_dir_all(&dir).unwrap();
            let conf = format!(
                "[main]\ncertname = {node}\nserver = localhost\nmasterport = {port}\nvardir = {d}/var\nssldir = {d}/ssl\nkeylength = 2048\n",
                port = self.port,
                d = dir.display()
            );
            std::fs::write(dir.join("puppet.conf"), conf).unwrap();
        }
        dir
    }

    /// Runs `bunraku agent` for `node` with `args`.
    pub fn agent(&self, node: &str, args: &[&str]) -> Ran {
        let confdir = self.node_confdir(node);
        Command::new(BUNRAKU)
            .args(["agent", "--no-daemonize", "--verbose"])
            .arg("--confdir")
            .arg(&confdir)
            .args(args)
            .output()
            .unwrap()
            .into()
    }

    /// Starts `bunraku agent` for `node` as a daemon (no `--onetime`), logging to `agents/<node>.log`.
    pub fn spawn_agent(&self, node: &str, args: &[&str]) -> Child {
        let confdir = self.node_confdir(node);
        let log = File::create(self.agent_log_path(node)).unwrap();
        Command::new(BUNRAKU)
            .args(["agent", "--no-daemonize", "--verbose"])
            .arg("--confdir")
            .arg(&confdir)
            .args(args)
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap()
    }

    /// Where [`Site::spawn_agent`] logs.
    pub fn agent_log_path(&self, node: &str) -> PathBuf {
        self.root().join("agents").join(format!("{node}.log"))
    }

    /// Runs `bunraku cert ARGS` against the master's CA.
    /// Runs Debian's real `puppet agent --test` as `certname` against this site's master, with its
    /// own confdir, vardir and ssldir under the site (`puppet-<certname>/`).
    pub fn puppet_agent(&self, certname: &str, extra: &[&str]) -> Ran {
        let conf = self.root().join(format!("puppet-{certname}"));
        std::fs::create_dir_all(&conf).unwrap();
        Command::new("puppet")
            .args(["agent", "--test", "--server", "localhost", "--certname", certname, "--keylength", "2048"])
            .arg("--masterport")
            .arg(self.port.to_string())
            .arg("--confdir")
            .arg(&conf)
            .arg("--codedir")
            .arg(conf.join("code"))
            .arg("--vardir")
            .arg(conf.join("var"))
            .arg("--ssldir")
            .arg(conf.join("ssl"))
            .arg("--publicdir")
            .arg(conf.join("public"))
            .arg("--rundir")
            .arg(conf.join("run"))
            .arg("--logdir")
            .arg(conf.join("log"))
            .args(extra)
            .output()
            .expect("puppet (Debian's puppet-agent) is installed by .ci/run")
            .into()
    }

    pub fn cert(&self, args: &[&str]) -> Ran {
        Command::new(BUNRAKU)
            .arg("cert")
            .arg("--confdir")
            .arg(self.master_confdir())
            .args(args)
            .output()
            .unwrap()
            .into()
    }

    /// Builds the throwaway package `<prefix>-<host>` that the module installs for that node.
    pub fn build_deb(&mut self, host: &str) -> String {
        let name = format!("{}-{host}", self.pkg_prefix);
        let tree = self.root().join("debs").join(format!("{name}-tree"));
        std::fs::create_dir_all(tree.join("DEBIAN")).unwrap();
        std::fs::write(
            tree.join("DEBIAN/control"),
            format!("Package: {name}\nVersion: 1.0\nArchitecture: all\nMaintainer: Bunraku tests <tests@bunraku.invalid>\nDescription: throwaway package of a Bunraku end-to-end test\n"),
        )
        .unwrap();
        let out = Command::new("dpkg-deb")
            .args(["--build", "--root-owner-group"])
            .arg(&tree)
            .arg(self.root().join("debs").join(format!("{name}.deb")))
            .output()
            .unwrap();
        assert!(out.status.success(), "dpkg-deb: {}", String::from_utf8_lossy(&out.stderr));
        self.packages.push(name.clone());
        name
    }

    /// The YAML reports the master stored for `node`, oldest first.
    pub fn stored_reports(&self, node: &str) -> Vec<String> {
        let dir = self.master_confdir().join("var/reports").join(node);
        let mut files: Vec<_> =
            std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        files.sort();
        files.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
    }
}

/// Whether dpkg says the package is installed.
pub fn package_installed(name: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", name])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

/// Serialises tests that run dpkg: its lock admits one writer at a time, across test binaries too.
pub fn dpkg_lock() -> File {
    use fs2::FileExt;
    let f = File::create("/tmp/bunraku-e2e-dpkg.lock").unwrap();
    f.lock_exclusive().unwrap();
    f
}

impl Drop for Site {
    fn drop(&mut self) {
        if let Some(mut m) = self.master.take() {
            let _ = m.kill();
            let _ = m.wait();
        }
        // Stop the stand-in services and remove the throwaway packages.
        if let Ok(nodes) = std::fs::read_dir(self.root().join("nodes")) {
            for node in nodes.flatten() {
                let _ = Command::new("/bin/sh")
                    .arg(self.root().join("bin/fake-nginx"))
                    .arg("stop")
                    .arg(node.path())
                    .status();
            }
        }
        for p in &self.packages {
            let _ = Command::new("dpkg").args(["--purge", p]).output();
        }
    }
}
