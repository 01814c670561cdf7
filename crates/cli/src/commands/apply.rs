//! `bunraku apply FILE.pp`: compile and apply locally with the same compiler and transaction as a
//! master and an agent, like `puppet apply`.

use std::path::PathBuf;
use std::time::Instant;

use bunraku_agent::sources::ModulepathFileSource;
use bunraku_agent::transaction::{self, ApplyOptions};
use bunraku_lang::{CompileRequest, Environment};
use bunraku_model::{Catalog, Value};
use clap::Args;
use indexmap::IndexMap;
use tracing::info;

use super::{fail, load_settings};
use crate::logging::{self, Verbosity};
use crate::settings::RunMode;
use crate::Common;

#[derive(Args, Debug)]
pub struct ApplyArgs {
    #[command(flatten)]
    common: Common,
    /// The manifest to apply.
    manifest: Option<PathBuf>,
    /// Apply a compiled catalog (JSON) instead of a manifest.
    #[arg(long)]
    catalog: Option<PathBuf>,
    /// Colon-separated module directories.
    #[arg(long)]
    modulepath: Option<String>,
    #[arg(long, short = 'E', default_value = "production")]
    environment: String,
    #[arg(long)]
    noop: bool,
    #[arg(long)]
    detailed_exitcodes: bool,
    #[arg(long)]
    show_diff: bool,
    /// Only apply resources with these tags (comma-separated), as `puppet apply --tags`.
    #[arg(long)]
    tags: Option<String>,
}

/// `$trusted` for a compile with no certificate, as Puppet fills it for `puppet apply`.
pub fn local_trusted(certname: &str) -> IndexMap<String, Value> {
    let (host, domain) = certname.split_once('.').unwrap_or((certname, ""));
    let mut t = IndexMap::new();
    t.insert("authenticated".into(), Value::from("local"));
    t.insert("certname".into(), Value::from(certname));
    t.insert("domain".into(), Value::from(domain));
    t.insert("extensions".into(), Value::Object(Default::default()));
    t.insert("hostname".into(), Value::from(host));
    t
}

pub fn run(args: ApplyArgs) -> u8 {
    logging::init(Verbosity::from_flags(args.common.verbose, args.common.debug));
    let extra = args.tags.iter().map(|t| ("tags", t.clone())).collect();
    let settings = match load_settings(&args.common, RunMode::User, extra) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let certname = settings.get("certname").to_string();
    let modulepath: Vec<PathBuf> = match &args.modulepath {
        Some(p) => p.split(':').filter(|s| !s.is_empty()).map(PathBuf::from).collect(),
        None => {
            let mut mp = vec![settings.path("environmentpath").join(&args.environment).join("modules")];
            mp.extend(settings.path_list("basemodulepath"));
            mp
        }
    };
    let catalog = if let Some(path) = &args.catalog {
        match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| Catalog::from_json(&t).map_err(|e| format!("{}: {e}", path.display())))
        {
            Ok(c) => c,
            Err(e) => return fail(e),
        }
    } else {
        let Some(manifest) = &args.manifest else {
            return fail("Could not run: apply needs a manifest file or --catalog");
        };
        let started = Instant::now();
        let language = match settings.language() {
            Ok(l) => l,
            Err(e) => return fail(e),
        };
        let env = Environment::from_manifest(&args.environment, manifest, modulepath.clone())
            .with_settings(language);
        let mut facts = bunraku_facts::resolve();
        facts.insert("clientcert".into(), Value::from(certname.clone()));
        facts.insert("clientnoop".into(), Value::from(args.noop));
        let request = CompileRequest {
            certname: certname.clone(),
            facts,
            trusted: local_trusted(&certname),
            server_facts: IndexMap::new(),
            time_limit: None,
        };
        match env.compile(&request) {
            Ok(c) => {
                info!(
                    "Compiled catalog for {certname} in environment {} in {:.2} seconds",
                    args.environment,
                    started.elapsed().as_secs_f64()
                );
                c
            }
            Err(e) => {
                super::catalog::print_diagnostic(&e);
                return 1;
            }
        }
    };
    let opts = ApplyOptions {
        host: certname,
        environment: args.environment.clone(),
        transaction_uuid: uuid::Uuid::new_v4().to_string(),
        noop: args.noop,
        show_diff: args.show_diff,
        tags: settings.list("tags"),
        statefile: Some(settings.path("statefile")),
    };
    let started = Instant::now();
    let report = transaction::apply(&catalog, &opts, &ModulepathFileSource::new(modulepath));
    // A catalog refused for its types was not applied (the report's error says so).
    if transaction::unsupported_types(&catalog).is_empty() {
        info!("Applied catalog in {:.2} seconds", started.elapsed().as_secs_f64());
    }
    // As `puppet apply`, keep the run's summary and report where the agent keeps them.
    if let Err(e) = bunraku_agent::state::save_run_files_as(
        &settings.path("lastrunfile"),
        &settings.path("lastrunreport"),
        &report,
        "user",
    ) {
        tracing::warn!("Could not save the last run's summary: {e}");
    }
    if args.detailed_exitcodes {
        bunraku_agent::run::detailed_exit_code(&report) as u8
    } else {
        0
    }
}
