//! What Debian's MCollective needs around it, for the orchestration tests and bench: the RabbitMQ
//! exchanges of a collective, and a `client.cfg` for `mco` with the `ssl` plugin's YAML serializer.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// RabbitMQ's STOMP plugin and this collective's two exchanges, as MCollective's rabbitmq
/// connector expects them (crates/orchestration/tests/wire/setup.sh does the same for the
/// default collective).
pub fn rabbit_exchanges(collective: &str) {
    let out = Command::new("rabbitmq-plugins").args(["enable", "rabbitmq_stomp"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let eval = format!(
        "[rabbit_exchange:declare(rabbit_misc:r(<<\"/\">>, exchange, N), T, false, true, false, [], <<\"bunraku-tests\">>) || {{N,T}} <- [{{<<\"{c}_broadcast\">>, topic}}, {{<<\"{c}_directed\">>, direct}}]], ok.",
        c = collective
    );
    let r = Command::new("rabbitmqctl").arg("eval").arg(eval).output().unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let start = Instant::now();
    while std::net::TcpStream::connect("127.0.0.1:61613").is_err() {
        assert!(start.elapsed() < Duration::from_secs(30), "RabbitMQ's STOMP port does not listen");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Writes `dir/client.cfg` for Debian's `mco` as `identity`, signing with `private_key` (the
/// caller id is `cert=<identity>`, from the name of the public key file it copies into
/// `dir/clients/`), checking replies with `server_public`.
pub fn debian_client_cfg(
    dir: &Path,
    collective: &str,
    identity: &str,
    private_key: &Path,
    public_key: &Path,
    server_public: &Path,
) -> PathBuf {
    std::fs::create_dir_all(dir.join("clients")).unwrap();
    std::fs::copy(public_key, dir.join("clients").join(format!("{identity}.pem"))).unwrap();
    let cfg = format!(
        "main_collective = {c}\ncollectives = {c}\nlibdir = /usr/share/mcollective/plugins\nlogger_type = file\nlogfile = {d}/client.log\nloglevel = info\n\
         identity = {identity}\nconnector = rabbitmq\nplugin.rabbitmq.vhost = /\nplugin.rabbitmq.pool.size = 1\nplugin.rabbitmq.pool.1.host = 127.0.0.1\n\
         plugin.rabbitmq.pool.1.port = 61613\nplugin.rabbitmq.pool.1.user = guest\nplugin.rabbitmq.pool.1.password = guest\nsecurityprovider = ssl\n\
         plugin.ssl_serializer = yaml\nplugin.ssl_client_private = {k}\nplugin.ssl_client_public = {d}/clients/{identity}.pem\nplugin.ssl_server_public = {q}\n",
        c = collective,
        d = dir.display(),
        k = private_key.display(),
        q = server_public.display()
    );
    let path = dir.join("client.cfg");
    std::fs::write(&path, cfg).unwrap();
    path
}

/// `RUBYOPT` for Debian's MCollective on Ruby 3.1, which needs Psych's positional `safe_load` back
/// (crates/orchestration/tests/wire/NOTES.md): a Debian packaging bug, not a protocol difference.
pub fn rubyopt() -> String {
    let shim =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../orchestration/tests/wire/psych_positional_shim.rb");
    format!("-r{}", shim.display())
}

/// Runs Debian's `mco` with `cfg`; exit code and output without colours.
pub fn debian_mco(cfg: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new("mco")
        .args(args)
        .arg("--config")
        .arg(cfg)
        .env("RUBYOPT", rubyopt())
        .output()
        .expect("mco (Debian's mcollective-client) is installed by .ci/run");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    // Its colours, off: the callers read the text.
    let mut plain = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    (out.status.code().unwrap_or(-1), plain)
}
