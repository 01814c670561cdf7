//! `bunraku`: the one binary. Each subcommand is a thin layer that reads `puppet.conf` and the command
//! line into the typed configuration of the crate that does the work.

mod commands;
mod logging;
mod puppetserver_conf;
mod settings;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// mimalloc rather than glibc's malloc: parsing and compiling make many small, short-lived
/// allocations (tokens, AST nodes, values), and glibc's malloc and free were a third of
/// `parser validate`'s instructions over the module corpus (callgrind).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Configuration management in Puppet's master/agent model, wire-compatible with Puppet 7.
#[derive(Parser)]
#[command(name = "bunraku", version, about, propagate_version = true)]
pub(crate) struct Cli {
    /// Where log lines go, as Puppet's `--logdest`: `console` (the default; the journal when run
    /// by systemd, each line with its priority), `syslog`, or a file path.
    #[arg(long, global = true, value_name = "DEST")]
    logdest: Option<String>,
    #[command(subcommand)]
    command: Command,
}

/// Options every command takes, named as Puppet names them, so that several nodes can share a machine.
#[derive(Args, Debug, Clone, Default)]
pub struct Common {
    /// Directory holding puppet.conf (and, by default, ssl/ and autosign.conf).
    #[arg(long, global = true)]
    confdir: Option<PathBuf>,
    /// Directory for Puppet's cached and generated data.
    #[arg(long, global = true)]
    vardir: Option<PathBuf>,
    /// Directory holding this node's keys and certificates.
    #[arg(long, global = true)]
    ssldir: Option<PathBuf>,
    /// The master's port (Puppet's `masterport`; `--serverport` is an alias).
    #[arg(long, alias = "serverport", global = true)]
    masterport: Option<u16>,
    /// This node's certificate name.
    #[arg(long, global = true)]
    certname: Option<String>,
    /// Print Puppet's info-level messages.
    #[arg(long, short = 'v', global = true)]
    verbose: bool,
    /// Print debug messages.
    #[arg(long, short = 'd', global = true)]
    debug: bool,
}

impl Common {
    /// The command-line settings, as overrides of `puppet.conf`.
    fn overrides(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(v) = &self.vardir {
            out.push(("vardir", abs(v)));
        }
        if let Some(v) = &self.ssldir {
            out.push(("ssldir", abs(v)));
        }
        if let Some(v) = self.masterport {
            out.push(("masterport", v.to_string()));
            out.push(("serverport", v.to_string()));
        }
        if let Some(v) = &self.certname {
            out.push(("certname", v.to_lowercase()));
        }
        out
    }
}

fn abs(p: &std::path::Path) -> String {
    absolute(p).display().to_string()
}

/// `p` made absolute against the working directory (as given when that fails).
fn absolute(p: &std::path::Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

// Parsed once at start: the size of the largest command's arguments costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Run the master: CA, catalog compiler, file server and report processors on port 8140.
    #[command(alias = "server")]
    Master(commands::master::MasterArgs),
    /// Run the agent: get a certificate, fetch and apply the catalog, send the report.
    Agent(commands::agent::AgentArgs),
    /// Manage certificates: list, sign, revoke, clean (also Puppet's --list/--sign/--all spellings).
    Cert(commands::cert::CertArgs),
    /// Compile and apply a manifest locally, without a master.
    Apply(commands::apply::ApplyArgs),
    /// Compile catalogs offline.
    Catalog(commands::catalog::CatalogArgs),
    /// List installed modules.
    Module(commands::module::ModuleArgs),
    /// Check manifests for syntax errors.
    Parser(commands::parser::ParserArgs),
    /// Print this machine's facts.
    Facts(commands::facts::FactsArgs),
    /// Ask agents running with `listen = true` to run now (Puppet 3's `puppet kick`).
    Kick(commands::kick::KickArgs),
    /// Serve the report dashboard (port 3000): nodes, runs, changes and failures from a database.
    Dashboard(commands::dashboard::DashboardArgs),
    /// Run the seed scenario end to end on loopback: a master, two agents, certificates, catalogs, reports.
    Demo(commands::demo::DemoArgs),
    /// Orchestration client (MCollective's `mco`): discover nodes and act on them at once.
    Mco(Box<commands::mco::McoArgs>),
    /// An orchestration server on its own (`bunraku agent`'s daemon runs one too).
    Orchestrator(commands::mco::OrchestratorArgs),
    /// Man pages and shell completions from these definitions (for packaging).
    #[command(hide = true)]
    Generate(commands::generate::GenerateArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(dest) = &cli.logdest {
        logging::set_logdest(dest);
    }
    // Module Ruby that asks Facter while compiling gets this machine's facts, as on a master.
    bunraku_lang::set_local_facts(bunraku_facts::resolve_core);
    let code = match cli.command {
        Command::Master(args) => commands::master::run(args),
        Command::Agent(args) => commands::agent::run(args),
        Command::Cert(args) => commands::cert::run(args),
        Command::Apply(args) => commands::apply::run(args),
        Command::Catalog(args) => commands::catalog::run(args),
        Command::Module(args) => commands::module::run(args),
        Command::Parser(args) => commands::parser::run(args),
        Command::Facts(args) => commands::facts::run(args),
        Command::Kick(args) => commands::kick::run(args),
        Command::Dashboard(args) => commands::dashboard::run(args),
        Command::Demo(args) => commands::demo::run(args),
        Command::Mco(args) => commands::mco::run_mco(*args),
        Command::Orchestrator(args) => commands::mco::run_orchestrator(args),
        Command::Generate(args) => commands::generate::run(args),
    };
    ExitCode::from(code)
}
