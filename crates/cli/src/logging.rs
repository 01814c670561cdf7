//! Log lines as Puppet prints them: `Notice: …`, `Info: …`, `Warning: …`, `Error: …`.
//!
//! Puppet has more levels than `tracing`; Bunraku maps them one to one across the workspace:
//! ERROR = err, WARN = warning, INFO = notice, DEBUG = info, TRACE = debug. So `--verbose` (Puppet's
//! info) enables DEBUG and `--debug` enables TRACE, for Bunraku's own crates only: the libraries
//! underneath (hyper, rustls) stay at warnings, as Puppet's own output never shows its HTTP stack.

use std::fmt;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::{FormatEvent, FormatFields, Writer};
use tracing_subscriber::fmt::writer::MakeWriterExt;
use tracing_subscriber::fmt::FmtContext;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::EnvFilter;

/// How much to print, from the Puppet flags a command was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Notice,
    Info,
    Debug,
}

impl Verbosity {
    pub fn from_flags(verbose: bool, debug: bool) -> Verbosity {
        if debug {
            Verbosity::Debug
        } else if verbose {
            Verbosity::Info
        } else {
            Verbosity::Notice
        }
    }
}

struct PuppetFormat;

/// The message and other fields of an event, as plain text: Puppet's lines carry no markup.
#[derive(Default)]
struct Fields {
    message: String,
    rest: Vec<(&'static str, String)>,
}

impl tracing::field::Visit for Fields {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_string();
        } else {
            self.rest.push((field.name(), value.to_string()));
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        } else {
            self.rest.push((field.name(), format!("{value:?}")));
        }
    }
}

impl<S, N> FormatEvent<S, N> for PuppetFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let mut fields = Fields::default();
        event.record(&mut fields);
        // Log lines of Puppet code (`notice()` and the like) name their scope, and alert, crit
        // and emerg their own level.
        let mut source = None;
        let mut own_label = None;
        fields.rest.retain(|(name, value)| match *name {
            "source" => {
                source = Some(value.clone());
                false
            }
            "label" => {
                own_label = Some(value.clone());
                false
            }
            _ => true,
        });
        let label = match *event.metadata().level() {
            Level::ERROR => "Error",
            Level::WARN => "Warning",
            Level::INFO => "Notice",
            Level::DEBUG => "Info",
            Level::TRACE => "Debug",
        };
        let _ = ctx;
        write!(writer, "{}: ", own_label.as_deref().unwrap_or(label))?;
        if let Some(source) = source {
            write!(writer, "{source}: ")?;
        }
        write!(writer, "{}", fields.message)?;
        for (name, value) in &fields.rest {
            write!(writer, " ({name}: {value})")?;
        }
        writeln!(writer)
    }
}

/// Installs the Puppet-style log output where Puppet prints it: the run log (Notice, Info, Debug)
/// on stdout, warnings and errors on stderr.
pub fn init(verbosity: Verbosity) {
    install(verbosity, false);
}

/// As [`init`], with every line on stderr: for commands whose stdout is a document
/// (`catalog compile > catalog.json`), though the manifest's `notice()` calls print.
pub fn init_stderr(verbosity: Verbosity) {
    install(verbosity, true);
}

fn install(verbosity: Verbosity, all_to_stderr: bool) {
    let ours = match verbosity {
        Verbosity::Notice => "info",
        Verbosity::Info => "debug",
        Verbosity::Debug => "trace",
    };
    // `puppet` is the target of the manifest's own log lines (`notice()`, module Ruby's
    // `Puppet.notice`).
    let directives = [
        "bunraku",
        "bunraku_agent",
        "bunraku_master",
        "bunraku_pki",
        "bunraku_lang",
        "bunraku_facts",
        "puppet",
    ]
    .iter()
    .map(|c| format!("{c}={ours}"))
    .collect::<Vec<_>>()
    .join(",");
    let filter = EnvFilter::try_from_env("BUNRAKU_LOG")
        .unwrap_or_else(|_| EnvFilter::new(format!("warn,{directives}")));
    let builder = tracing_subscriber::fmt().event_format(PuppetFormat).with_env_filter(filter);
    let _ = if all_to_stderr {
        builder.with_writer(std::io::stderr).try_init()
    } else {
        builder.with_writer(std::io::stderr.with_max_level(Level::WARN).or_else(std::io::stdout)).try_init()
    };
}
