//! `bunraku cert`: `list [--all]`, `sign NAME|--all`, `revoke NAME`, `clean NAME`, and the old
//! `puppet cert --list`, `--sign NAME`, `--sign --all` spellings from the seed. It works on the CA's
//! files directly (under the CA's lock), so it needs no running master, as `puppet cert` did not.

use bunraku_pki::{CertState, CertificateAuthority};
use clap::Args;

use super::{fail, load_settings};
use crate::logging::{self, Verbosity};
use crate::settings::RunMode;
use crate::Common;

#[derive(Args, Debug)]
pub struct CertArgs {
    #[command(flatten)]
    common: Common,
    /// list, sign, revoke or clean.
    action: Option<String>,
    /// Certificate names.
    names: Vec<String>,
    /// With list: every certificate; with sign: every pending request.
    #[arg(long, short = 'a')]
    all: bool,
    #[arg(long)]
    list: bool,
    #[arg(long)]
    sign: bool,
    #[arg(long)]
    revoke: bool,
    #[arg(long)]
    clean: bool,
}

pub fn run(mut args: CertArgs) -> u8 {
    logging::init(Verbosity::from_flags(args.common.verbose, args.common.debug));
    // `--sign NAME` and `sign NAME`: with a flag, what clap took for the action is the first name.
    let flag = [("list", args.list), ("sign", args.sign), ("revoke", args.revoke), ("clean", args.clean)]
        .into_iter()
        .find(|(_, on)| *on)
        .map(|(name, _)| name.to_string());
    let action = match (flag, args.action.take()) {
        (Some(f), Some(first)) => {
            args.names.insert(0, first);
            f
        }
        (Some(f), None) => f,
        (None, Some(a)) => a,
        (None, None) => "list".into(),
    };
    let settings = match load_settings(&args.common, RunMode::Server, Vec::new()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let ttl = match settings.duration("ca_ttl") {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let ca = match CertificateAuthority::open(&settings.path("cadir")) {
        Ok(ca) => ca.with_ttl(ttl),
        Err(e) => {
            return fail(format!("{e} (is this the CA host? start `bunraku master` once to create the CA)"))
        }
    };
    match action.as_str() {
        "list" => list(&ca, args.all || !args.names.is_empty(), &args.names),
        "sign" if args.all => match ca.sign_all() {
            Ok(names) if names.is_empty() => fail("No waiting certificate requests to sign"),
            Ok(_) => 0,
            Err(e) => fail(e),
        },
        "sign" | "revoke" | "clean" if args.names.is_empty() => {
            fail(format!("Must provide a certname to {action} (or --all to sign every request)"))
        }
        "sign" | "revoke" | "clean" => {
            let mut code = 0;
            for name in &args.names {
                let name = name.to_lowercase();
                let result = match action.as_str() {
                    "sign" => ca.sign(&name),
                    "revoke" => ca.revoke(&name).map(|()| {
                        tracing::info!("Revoked certificate for {name}");
                    }),
                    _ => ca.clean(&name),
                };
                if let Err(e) = result {
                    code = fail(e);
                }
            }
            code
        }
        other => fail(format!("Unknown cert action '{other}': use list, sign, revoke or clean")),
    }
}

/// Prints certificates as `puppet cert list` did: pending requests as `  "name" (SHA256) FP`; with
/// `--all` signed ones prefixed `+` and revoked ones `-`.
fn list(ca: &CertificateAuthority, all: bool, only: &[String]) -> u8 {
    let statuses = match ca.list() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    for st in statuses {
        if !only.is_empty() && !only.iter().any(|n| n.eq_ignore_ascii_case(&st.name)) {
            continue;
        }
        let alt: Vec<_> = st.dns_alt_names.iter().filter(|n| **n != format!("DNS:{}", st.name)).collect();
        let alt = if alt.is_empty() {
            String::new()
        } else {
            format!(" (alt names: {})", alt.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", "))
        };
        match st.state {
            CertState::Requested => println!("  \"{}\" (SHA256) {}{alt}", st.name, st.fingerprint),
            CertState::Signed if all => println!("+ \"{}\" (SHA256) {}{alt}", st.name, st.fingerprint),
            CertState::Revoked if all => {
                println!("- \"{}\" (SHA256) {}{alt} (certificate revoked)", st.name, st.fingerprint)
            }
            _ => {}
        }
    }
    0
}
