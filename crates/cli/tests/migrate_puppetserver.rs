//! Moving a live site from Debian's puppetserver to `bunraku master`, end to end.
//!
//! Debian's puppetserver 7.9.5 (a JVM service) runs in the foreground on an ephemeral port with its own
//! conf.d, creates its CA, and signs three real Puppet agents (Debian's `puppet agent` 7.23): two run,
//! the third is revoked through puppetserver's CA API. puppetserver stops; `bunraku master` starts on
//! the same confdir, ssldir, cadir and code, on the same port; the agents run again with nothing changed
//! on their side, a fourth agent is signed by the carried-over CA, and the revoked one stays refused.

mod common;

use std::fs::File;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Site;

/// What every node applies: a file whose content depends on nothing the master chooses, so a run
/// against the new master after one against the old changes nothing.
const SITE_PP: &str = r#"node default {
  file { "@ROOT@/nodes/${trusted['certname']}.txt":
    ensure  => file,
    content => "managed for ${trusted['certname']} in ${environment}\n",
    mode    => '0644',
  }
}
"#;

/// puppetserver's conf.d for this site: Debian's packaged files (auth.conf, web-routes.conf,
/// metrics.conf, services.d) with the ports, directories and logging moved into the site.
fn write_puppetserver_config(site: &Site, port: u16) -> PathBuf {
    let root = site.root();
    let ps = root.join("puppetserver");
    let conf_d = ps.join("conf.d");
    let services_d = ps.join("services.d");
    std::fs::create_dir_all(&conf_d).unwrap();
    std::fs::create_dir_all(&services_d).unwrap();
    let packaged = Path::new("/etc/puppet/puppetserver");
    for f in ["auth.conf", "web-routes.conf", "metrics.conf"] {
        std::fs::copy(packaged.join("conf.d").join(f), conf_d.join(f)).unwrap();
    }
    for f in ["bootstrap.cfg", "ca.cfg"] {
        std::fs::copy(packaged.join("services.d").join(f), services_d.join(f)).unwrap();
    }
    let m = site.master_confdir();
    std::fs::write(
        ps.join("logback.xml"),
        r#"<configuration scan="false">
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d %-5p [%c{2}] %m%n</pattern></encoder>
  </appender>
  <root level="info"><appender-ref ref="STDOUT"/></root>
</configuration>
"#,
    )
    .unwrap();
    std::fs::write(
        conf_d.join("global.conf"),
        format!("global: {{\n    logging-config: {}\n}}\n", ps.join("logback.xml").display()),
    )
    .unwrap();
    std::fs::write(
        conf_d.join("webserver.conf"),
        format!("webserver: {{\n    client-auth: want\n    ssl-host: 127.0.0.1\n    ssl-port: {port}\n}}\n"),
    )
    .unwrap();
    std::fs::write(
        conf_d.join("puppetserver.conf"),
        format!(
            "jruby-puppet: {{\n    ruby-load-path: [/usr/lib/puppetserver/ruby/vendor_ruby]\n    gem-home: {ps}/jruby-gems\n    \
             gem-path: [${{jruby-puppet.gem-home}}, \"/usr/lib/puppetserver/vendored-jruby-gems\"]\n    \
             server-conf-dir: {m}\n    server-code-dir: {r}/code\n    server-var-dir: {m}/var\n    \
             server-run-dir: {ps}/run\n    server-log-dir: {ps}/log\n    max-active-instances: 1\n}}\n\
             http-client: {{\n}}\nprofiler: {{\n}}\n",
            ps = ps.display(),
            m = m.display(),
            r = root.display()
        ),
    )
    .unwrap();
    std::fs::write(
        conf_d.join("ca.conf"),
        "certificate-authority: {\n    allow-subject-alt-names: false\n}\n",
    )
    .unwrap();
    ps
}

/// A running puppetserver; killed if the test fails before it stops it.
struct PuppetServer(Option<Child>);

impl Drop for PuppetServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Starts puppetserver in the foreground (as its systemd unit does, with a smaller heap) and waits
/// until it says it is ready: the JVM and JRuby take a minute or more to start on two cores.
fn start_puppetserver(ps: &Path, port: u16) -> PuppetServer {
    let log = File::create(ps.join("puppetserver.log")).unwrap();
    let child = Command::new("java")
        .args(["-Xms256m", "-Xmx768m", "-Djruby.lib=/usr/share/jruby/lib", "-XX:+CrashOnOutOfMemoryError"])
        .args(["-jar", "/usr/share/puppetserver/puppetserver.jar", "--config"])
        .arg(ps.join("conf.d"))
        .arg("--bootstrap-config")
        .arg(ps.join("services.d"))
        .stdout(Stdio::from(log.try_clone().unwrap()))
        .stderr(Stdio::from(log))
        .spawn()
        .expect("Debian's puppetserver (java, /usr/share/puppetserver) is installed by .ci/run");
    let mut child = PuppetServer(Some(child));
    let start = Instant::now();
    loop {
        let text = std::fs::read_to_string(ps.join("puppetserver.log")).unwrap_or_default();
        if text.contains("Puppet Server has successfully started")
            && TcpStream::connect(("127.0.0.1", port)).is_ok()
        {
            return child;
        }
        if let Some(status) = child.0.as_mut().unwrap().try_wait().unwrap() {
            panic!("puppetserver exited ({status}):\n{text}");
        }
        assert!(start.elapsed() < Duration::from_secs(400), "puppetserver did not start:\n{text}");
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Stops puppetserver as systemd does (SIGTERM; it exits 143) and waits until the port is free.
fn stop_puppetserver(mut server: PuppetServer, port: u16) {
    let mut child = server.0.take().unwrap();
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), nix::sys::signal::Signal::SIGTERM)
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = child.wait();
    while TcpStream::connect(("127.0.0.1", port)).is_ok() {
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Revokes `name` through puppetserver's CA API, with the master's own certificate (the
/// `pp_cli_auth` one auth.conf lets in), as `puppetserver ca revoke` does.
fn revoke_with_puppetserver(site: &Site, name: &str, port: u16) {
    let ssl = site.master_confdir().join("ssl");
    let out = Command::new("curl")
        .args(["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT"])
        .arg("--cert")
        .arg(ssl.join("certs/node1.example.com.pem"))
        .arg("--key")
        .arg(ssl.join("private_keys/node1.example.com.pem"))
        .arg("--cacert")
        .arg(ssl.join("certs/ca.pem"))
        .args(["-H", "Content-Type: application/json", "-d", r#"{"desired_state":"revoked"}"#])
        .arg(format!("https://localhost:{port}/puppet-ca/v1/certificate_status/{name}"))
        .output()
        .expect("curl is installed by .ci/run");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "204", "{}", String::from_utf8_lossy(&out.stderr));
}

/// `GET` on the master's port without a client certificate: status code and body.
fn get_status(port: u16, path: &str) -> (String, String) {
    let out = Command::new("curl")
        .args(["-sSk", "-w", "\n%{http_code}"])
        .arg(format!("https://localhost:{port}{path}"))
        .output()
        .expect("curl is installed by .ci/run");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", &text));
    (code.to_string(), body.to_string())
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

fn agent_cert(site: &Site, name: &str) -> String {
    read(site.root().join(format!("puppet-{name}/ssl/certs/{name}.pem")))
}

#[test]
fn bunraku_master_takes_over_a_puppetserver_site() {
    let mut site = Site::new("agent-a.example.com\nagent-b.example.com\ndoomed.example.com\n");
    let root = site.root().to_path_buf();
    let port = site.port;
    std::fs::write(site.site_pp(), SITE_PP.replace("@ROOT@", &root.display().to_string())).unwrap();
    // Debian's puppetserver keeps its CA in /etc/puppet/puppetserver/ca (`$confdir/puppetserver/ca`);
    // here the confdir is the site's, so the cadir is set to the same place under it.
    let cadir = site.master_confdir().join("puppetserver/ca");
    let conf_path = site.master_confdir().join("puppet.conf");
    let conf = read(&conf_path);
    std::fs::write(&conf_path, format!("{conf}cadir = {}\n", cadir.display())).unwrap();

    // 1. puppetserver: its CA, three agents signed by autosign.conf, one revoked.
    let ps = write_puppetserver_config(&site, port);
    let server = start_puppetserver(&ps, port);
    for name in ["agent-a.example.com", "agent-b.example.com", "doomed.example.com"] {
        let run = site.puppet_agent(name, &[]);
        assert_eq!(run.code, 2, "{name}'s first run against puppetserver:\n{}", run.text);
        assert!(root.join(format!("nodes/{name}.txt")).exists(), "{}", run.text);
    }
    revoke_with_puppetserver(&site, "doomed.example.com", port);
    let ps_status: Vec<(String, String)> =
        ["/status/v1/services", "/status/v1/services/master", "/status/v1/services/nope"]
            .iter()
            .map(|p| get_status(port, p))
            .collect();
    stop_puppetserver(server, port);
    assert!(cadir.join("ca_crt.pem").exists(), "puppetserver made its CA in {}", cadir.display());
    let ca_before = read(cadir.join("ca_crt.pem"));
    let serial_before = u64::from_str_radix(read(cadir.join("serial")).trim(), 16).unwrap();
    let certs_before: Vec<String> =
        ["agent-a.example.com", "agent-b.example.com"].iter().map(|n| agent_cert(&site, n)).collect();

    // 2. Bunraku on the same directories. Debian's default cadir is found without the setting,
    // and the puppetserver conf.d is reported, not silently ignored.
    std::fs::write(&conf_path, &conf).unwrap();
    let list = site.cert(&["list", "--all"]);
    assert_eq!(list.code, 0, "{}", list.text);
    for name in ["agent-a.example.com", "agent-b.example.com", "node1.example.com"] {
        assert!(list.text.contains(&format!("+ \"{name}\"")), "{name} is signed:\n{}", list.text);
    }
    assert!(list.text.contains("- \"doomed.example.com\""), "doomed is revoked:\n{}", list.text);

    site.start_master_with(&["--puppetserver-confdir", &ps.join("conf.d").display().to_string()]);
    for (name, before) in ["agent-a.example.com", "agent-b.example.com"].iter().zip(&certs_before) {
        let run = site.puppet_agent(name, &[]);
        assert_eq!(
            run.code,
            0,
            "{name} runs against bunraku with no change:\n{}\n{}",
            run.text,
            site.master_log()
        );
        assert!(!run.text.contains("Creating a new"), "{name} made nothing new:\n{}", run.text);
        assert_eq!(&agent_cert(&site, name), before, "{name} keeps its certificate");
    }
    // /status/v1 answers as puppetserver's: the same services (less the JVM's own) and shapes.
    let json = |t: &str| -> serde_json::Value { serde_json::from_str(t).unwrap_or(serde_json::Value::Null) };
    let (code, all) = get_status(port, "/status/v1/services");
    assert_eq!(code, ps_status[0].0);
    let (ours, theirs) = (json(&all), json(&ps_status[0].1));
    for (name, status) in ours.as_object().expect("a JSON object") {
        let mut expected = theirs[name].clone();
        assert!(expected.is_object(), "puppetserver has no service {name}: {}", ps_status[0].1);
        expected["service_version"] = status["service_version"].clone();
        assert_eq!(status, &expected, "{name}");
    }
    for name in ["ca", "master", "server", "status-service"] {
        assert!(ours.get(name).is_some(), "{name} is listed: {all}");
    }
    let (code, master) = get_status(port, "/status/v1/services/master");
    assert_eq!(code, ps_status[1].0);
    let mut expected = json(&ps_status[1].1);
    expected["service_version"] = json(&master)["service_version"].clone();
    assert_eq!(json(&master), expected);
    assert_eq!(get_status(port, "/status/v1/services/nope").0, ps_status[2].0, "{}", ps_status[2].1);

    let log = site.master_log();
    assert!(
        log.contains("webserver.ssl-port") && log.contains("jruby-puppet.max-active-instances"),
        "the master reports puppetserver settings it does not read:\n{log}"
    );
    assert!(!log.contains("Creating a new SSL key for ca"), "no new CA:\n{log}");
    assert_eq!(read(cadir.join("ca_crt.pem")), ca_before, "the CA certificate is kept");
    assert!(!site.master_confdir().join("ssl/ca").exists(), "no second CA in $ssldir/ca");

    // A new agent: its request waits (autosign.conf does not name it) and `bunraku cert sign`
    // signs it with the carried-over CA, at the serial puppetserver would have used next.
    let first = site.puppet_agent("agent-c.example.com", &["--waitforcert", "0"]);
    assert_eq!(first.code, 1, "agent-c waits for its certificate:\n{}", first.text);
    let sign = site.cert(&["sign", "agent-c.example.com"]);
    assert_eq!(sign.code, 0, "{}", sign.text);
    let run = site.puppet_agent("agent-c.example.com", &[]);
    assert_eq!(run.code, 2, "agent-c's first run:\n{}\n{}", run.text, site.master_log());
    let issued = Command::new("openssl")
        .args(["x509", "-noout", "-issuer", "-serial", "-in"])
        .arg(root.join("puppet-agent-c.example.com/ssl/certs/agent-c.example.com.pem"))
        .output()
        .unwrap();
    let issued = String::from_utf8_lossy(&issued.stdout).into_owned();
    assert!(issued.contains("Puppet CA: node1.example.com"), "{issued}");
    assert!(issued.contains(&format!("serial={serial_before:02X}")), "serial {serial_before:X}: {issued}");
    let verify = Command::new("openssl")
        .arg("verify")
        .arg("-CAfile")
        .arg(cadir.join("ca_crt.pem"))
        .arg(root.join("puppet-agent-c.example.com/ssl/certs/agent-c.example.com.pem"))
        .output()
        .unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
    assert!(read(cadir.join("inventory.txt")).contains("/CN=agent-c.example.com"));

    // The certificate puppetserver revoked stays refused.
    let doomed = site.puppet_agent("doomed.example.com", &[]);
    assert_ne!(doomed.code, 0, "a revoked agent must not run:\n{}", doomed.text);
    assert!(doomed.text.to_lowercase().contains("revoked"), "{}", doomed.text);
    assert!(!doomed.text.contains("Applied catalog"), "{}", doomed.text);
}
