//! `bunraku master`: Puppet's `puppet master` / puppetserver.

use std::net::{IpAddr, SocketAddr};

use bunraku_master::{BodyLimits, Limits, Master, MasterConfig};
use bunraku_pki::Autosign;
use clap::Args;

use super::{fail, load_settings};
use crate::logging::{self, Verbosity};
use crate::settings::{RunMode, Settings, SettingsError};
use crate::Common;

#[derive(Args, Debug)]
pub struct MasterArgs {
    #[command(flatten)]
    common: Common,
    /// Stay in the foreground (Bunraku always does; accepted for compatibility).
    #[arg(long)]
    no_daemonize: bool,
    /// Comma-separated names for the master's certificate (`DNS:`/`IP:` prefixes allowed).
    #[arg(long)]
    dns_alt_names: Option<String>,
    /// `true`, `false`, or the path of an autosign.conf or policy executable.
    #[arg(long)]
    autosign: Option<String>,
    /// Directory holding the environments.
    #[arg(long)]
    environmentpath: Option<std::path::PathBuf>,
    /// Address to listen on.
    #[arg(long, default_value = "0.0.0.0")]
    bindaddress: IpAddr,
    /// A puppetserver conf.d to report on: each setting Bunraku does not read is named with what to
    /// do instead (default: the packaged /etc/puppet/puppetserver/conf.d or
    /// /etc/puppetlabs/puppetserver/conf.d, when present).
    #[arg(long, value_name = "DIR")]
    puppetserver_confdir: Option<std::path::PathBuf>,
}

/// The master's configuration from its settings (the `[server]`/`[master]` section over `[main]`).
pub fn config(s: &Settings, bind: IpAddr) -> Result<MasterConfig, SettingsError> {
    let port: u16 = s
        .get("masterport")
        .parse()
        .map_err(|_| SettingsError::Value { name: "masterport".into(), message: "not a port".into() })?;
    Ok(MasterConfig {
        certname: s.get("certname").to_string(),
        dns_alt_names: s.list("dns_alt_names"),
        bind: SocketAddr::new(bind, port),
        cadir: s.path("cadir"),
        ssldir: s.path("ssldir"),
        environmentpath: s.path("environmentpath"),
        basemodulepath: s.path_list("basemodulepath"),
        autosign: Autosign::from_setting(s.get("autosign")),
        reports: s.list("reports"),
        reportdir: s.path("reportdir"),
        bucketdir: s.path("bucketdir"),
        reporturl: Some(s.get("reporturl").to_string()).filter(|u| !u.is_empty()),
        dashboard_database: Some(s.get("dashboard_database").to_string()).filter(|u| !u.is_empty()),
        keylength: s.u32("keylength")?,
        ca_ttl: s.duration("ca_ttl")?,
        ca: true,
        limits: limits(s)?,
        language: s.language()?,
    })
}

/// The master's limits from their settings (see docs/LIMITS.md).
fn limits(s: &Settings) -> Result<Limits, SettingsError> {
    let max_unauthenticated_connections = match s.u32("max_unauthenticated_connections")? {
        0 => {
            return Err(SettingsError::Value {
                name: "max_unauthenticated_connections".into(),
                message: "must be at least 1 (agents connect without a certificate to get one)".into(),
            })
        }
        n => n as usize,
    };
    Ok(Limits {
        request_header_timeout: s.duration("request_header_timeout")?,
        idle_timeout: s.duration("idle_timeout")?,
        max_unauthenticated_connections,
        compile_timeout: s.optional_duration("compile_timeout")?,
        max_queued_requests: s.u32("max_queued_requests")? as usize,
        max_retry_delay: s.duration("max_retry_delay")?,
        body: BodyLimits {
            facts: s.size("max_facts_size")?,
            report: s.size("max_report_size")?,
            filebucket: s.size("max_filebucket_size")?,
            other: s.size("max_request_size")?,
        },
    })
}

pub fn run(args: MasterArgs) -> u8 {
    logging::init(Verbosity::from_flags(args.common.verbose, args.common.debug));
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => return fail(format!("could not start the async runtime: {e}")),
    };
    let confdir =
        crate::absolute(&args.common.confdir.clone().unwrap_or_else(crate::settings::default_confdir));
    crate::puppetserver_conf::report(args.puppetserver_confdir.as_deref(), &confdir);
    let _ = args.no_daemonize;
    // SIGHUP restarts the master in place with puppet.conf read again (puppetserver's reload);
    // SIGTERM and SIGINT stop it after the requests in flight.
    loop {
        let cfg = match settings_for(&args) {
            Ok(c) => c,
            Err(code) => return code,
        };
        let outcome = runtime.block_on(async move {
            use tokio::signal::unix::{signal, SignalKind};
            let (Ok(mut hup), Ok(mut term)) = (signal(SignalKind::hangup()), signal(SignalKind::terminate()))
            else {
                return Err(fail("could not install the signal handlers"));
            };
            let master = Master::start(cfg).await.map_err(fail)?;
            let (tx, rx) = tokio::sync::oneshot::channel();
            let shutdown = async move {
                let reload = tokio::select! {
                    _ = hup.recv() => true,
                    _ = term.recv() => false,
                    _ = tokio::signal::ctrl_c() => false,
                };
                let _ = tx.send(reload);
            };
            master.serve(shutdown).await.map_err(fail)?;
            Ok(rx.await.unwrap_or(false))
        });
        match outcome {
            Ok(true) => tracing::info!("Caught HUP; restarting with puppet.conf read again"),
            Ok(false) => return 0,
            Err(code) => return code,
        }
    }
}

/// The master's configuration from puppet.conf and the command line, read at each (re)start.
fn settings_for(args: &MasterArgs) -> Result<MasterConfig, u8> {
    let mut extra: Vec<(&'static str, String)> = Vec::new();
    if let Some(v) = &args.dns_alt_names {
        extra.push(("dns_alt_names", v.clone()));
    }
    if let Some(v) = &args.autosign {
        extra.push(("autosign", v.clone()));
    }
    if let Some(v) = &args.environmentpath {
        extra.push(("environmentpath", crate::abs(v)));
    }
    let settings = load_settings(&args.common, RunMode::Server, extra)?;
    config(&settings, args.bindaddress).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The settings' defaults are the library's: docs/LIMITS.md describes one set of values.
    #[test]
    fn limits_default_as_the_master_does() {
        let dir = tempfile::tempdir().unwrap();
        let s = Settings::load(Some(dir.path()), RunMode::Server, &[]).unwrap();
        assert_eq!(limits(&s).unwrap(), Limits::default());
        std::fs::write(
            dir.path().join("puppet.conf"),
            "[server]\ncompile_timeout = unlimited\nmax_report_size = 2m\nidle_timeout = 5s\n",
        )
        .unwrap();
        let s = Settings::load(Some(dir.path()), RunMode::Server, &[]).unwrap();
        let l = limits(&s).unwrap();
        assert_eq!(l.compile_timeout, None);
        assert_eq!(l.body.report, 2 << 20);
        assert_eq!(l.idle_timeout, std::time::Duration::from_secs(5));
    }
}
