//! `bunraku catalog compile`: the same interface as `shared/tools/puppet-reference`, so the two
//! compilers can be compared on the same inputs.

use std::path::PathBuf;

use bunraku_lang::{CompileError, CompileRequest, Environment};
use bunraku_model::Value;
use clap::{Args, Subcommand};
use indexmap::IndexMap;

use super::fail;
use crate::logging::{self, Verbosity};

#[derive(Args, Debug)]
pub struct CatalogArgs {
    #[command(subcommand)]
    action: CatalogAction,
}

#[derive(Subcommand, Debug)]
enum CatalogAction {
    /// Compile a node's catalog and print it as Puppet's JSON on stdout.
    Compile {
        #[arg(long)]
        environmentpath: PathBuf,
        #[arg(long, default_value = "production")]
        environment: String,
        #[arg(long)]
        node: String,
        /// The node's facts as a JSON object (or Puppet's `{"name", "values"}` document).
        #[arg(long)]
        facts: PathBuf,
        /// Colon-separated modulepath after the environment's own modules.
        #[arg(long, default_value = "")]
        basemodulepath: String,
        /// Print to stderr how long the compile took and how much of it ran in Ruby.
        #[arg(long)]
        timings: bool,
    },
}

/// Prints a compile error with its location and, when the source is at hand, the line and a caret.
pub fn print_diagnostic(e: &CompileError) {
    // A message that names its own place (Puppet's duplicate-definition errors) is printed as is.
    let message = if e.message.contains("(file: ") { e.message.clone() } else { e.puppet_text() };
    tracing::error!("{message}");
    if let (Some(f), Some(l)) = (&e.file, e.line) {
        if let Some(text) =
            std::fs::read_to_string(f).ok().and_then(|t| t.lines().nth(l as usize - 1).map(str::to_string))
        {
            eprintln!("  {l:>4} | {text}");
            if let Some(c) = e.column {
                eprintln!("       | {}^", " ".repeat(c.saturating_sub(1) as usize));
            }
        }
    }
}

fn read_facts(path: &PathBuf) -> Result<IndexMap<String, Value>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let values = match value.get("values") {
        Some(v) if value.get("name").is_some() => v.clone(),
        _ => value,
    };
    match values {
        Value::Object(map) => Ok(map.into_iter().collect()),
        _ => Err(format!("{}: facts must be a JSON object", path.display())),
    }
}

pub fn run(args: CatalogArgs) -> u8 {
    logging::init_stderr(Verbosity::Notice);
    match args.action {
        CatalogAction::Compile { environmentpath, environment, node, facts, basemodulepath, timings } => {
            let started = std::time::Instant::now();
            let facts = match read_facts(&facts) {
                Ok(f) => f,
                Err(e) => return fail(e),
            };
            let base: Vec<PathBuf> =
                basemodulepath.split(':').filter(|s| !s.is_empty()).map(PathBuf::from).collect();
            let env = match Environment::open(&environmentpath, &environment, &base) {
                Ok(e) => e,
                Err(e) => {
                    print_diagnostic(&e);
                    return 1;
                }
            };
            let request = CompileRequest {
                certname: node.clone(),
                facts,
                trusted: super::apply::local_trusted(&node),
                server_facts: IndexMap::new(),
                time_limit: None,
            };
            let result = env.compile(&request);
            if timings {
                let ruby = bunraku_ruby::Bridge::global().stats();
                eprintln!(
                    "timings: compile {:.4} s; ruby {:.4} s in {} calls, {} worker(s) started",
                    started.elapsed().as_secs_f64(),
                    ruby.ruby_time.as_secs_f64(),
                    ruby.calls,
                    ruby.workers_started
                );
            }
            match result {
                Ok(catalog) => {
                    println!("{}", serde_json::to_string_pretty(&catalog).unwrap_or_default());
                    0
                }
                Err(e) => {
                    print_diagnostic(&e);
                    1
                }
            }
        }
    }
}
