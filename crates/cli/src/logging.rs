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

/// Puppet's lines; under systemd (`JOURNAL_STREAM` set: stdout and stderr are the journal's) each
/// line starts with its syslog priority (`<5>` for notice, sd-daemon(3)'s prefix), which journald
/// strips and records as the entry's priority, so `journalctl -p warning` finds warnings.
struct PuppetFormat {
    dest: Dest,
}

/// Where log lines go: Puppet's `--logdest` (`console`, `syslog`, or a file path), with the console
/// becoming the journal under systemd.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dest {
    Console,
    /// The console, which is systemd's journal stream: lines carry their priority.
    Journal,
    /// The local syslog socket, /dev/log (facility daemon).
    Syslog,
    /// Appended to a file, each line with its time, as Puppet writes them.
    File(std::path::PathBuf),
}

static LOGDEST: std::sync::OnceLock<Dest> = std::sync::OnceLock::new();

/// Sets `--logdest` for the command about to run (before it installs its logging).
pub fn set_logdest(value: &str) {
    let dest = match value {
        "console" => Dest::Console,
        "syslog" => Dest::Syslog,
        path => Dest::File(crate::absolute(std::path::Path::new(path))),
    };
    let _ = LOGDEST.set(dest);
}

/// Sends each line to /dev/log as one datagram (the fmt layer writes an event in one write).
struct SyslogWriter(Option<std::os::unix::net::UnixDatagram>);

impl std::io::Write for SyslogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(socket) = &self.0 {
            let line = buf.strip_suffix(b"\n").unwrap_or(buf);
            // A syslog daemon that is gone loses the line rather than the program.
            let _ = socket.send(line);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn syslog_socket() -> Option<std::os::unix::net::UnixDatagram> {
    let socket = std::os::unix::net::UnixDatagram::unbound().ok()?;
    socket.connect("/dev/log").ok()?;
    Some(socket)
}

/// Whether stderr is the journal stream systemd connected (`JOURNAL_STREAM` is `DEV:INODE` of it;
/// a process started from such a service with its output elsewhere inherits the variable, so the
/// stream itself is compared, as sd_journal_stream_fd(3) advises).
fn stderr_is_journal() -> bool {
    let Some(value) = std::env::var_os("JOURNAL_STREAM") else { return false };
    let Some((dev, ino)) = value.to_str().and_then(|v| v.split_once(':')) else { return false };
    let (Ok(dev), Ok(ino)) = (dev.parse::<u64>(), ino.parse::<u64>()) else { return false };
    match nix::sys::stat::fstat(2) {
        Ok(st) => st.st_dev == dev && st.st_ino == ino,
        Err(_) => false,
    }
}

/// The syslog priority of a level, as Puppet maps its levels to syslog's.
fn syslog_priority(level: &Level) -> u8 {
    match *level {
        Level::ERROR => 3,
        Level::WARN => 4,
        Level::INFO => 5,
        Level::DEBUG => 6,
        Level::TRACE => 7,
    }
}

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
        let priority = syslog_priority(event.metadata().level());
        match &self.dest {
            Dest::Console => write!(writer, "{}: ", own_label.as_deref().unwrap_or(label))?,
            Dest::Journal => write!(writer, "<{priority}>{}: ", own_label.as_deref().unwrap_or(label))?,
            // RFC 3164 as Puppet's syslog destination sends it: facility daemon (3), the program's
            // name and pid, then the message without the level's label.
            Dest::Syslog => write!(writer, "<{}>bunraku[{}]: ", 3 * 8 + priority, std::process::id())?,
            // Puppet's file destination: `2026-12-07 17:00:00 +0000 Puppet (notice): message`,
            // or the message's source (a scope, a resource) in place of `Puppet`.
            Dest::File(_) => {
                let level = match own_label.as_deref().unwrap_or(label) {
                    "Error" => "err".to_string(),
                    other => other.to_lowercase(),
                };
                let time = chrono::Local::now().format("%Y-%m-%d %H:%M:%S %z");
                write!(writer, "{time} {} ({level}): ", source.as_deref().unwrap_or("Puppet"))?;
                return writeln!(writer, "{}", fields.message);
            }
        }
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
    let dest = match LOGDEST.get() {
        Some(Dest::Console) | None if stderr_is_journal() => Dest::Journal,
        Some(dest) => dest.clone(),
        None => Dest::Console,
    };
    let builder =
        tracing_subscriber::fmt().event_format(PuppetFormat { dest: dest.clone() }).with_env_filter(filter);
    match &dest {
        Dest::Syslog => {
            let _ = builder.with_writer(|| SyslogWriter(syslog_socket())).try_init();
            return;
        }
        Dest::File(path) => {
            match std::fs::OpenOptions::new().create(true).append(true).open(path) {
                Ok(file) => {
                    let _ = builder.with_writer(std::sync::Mutex::new(file)).try_init();
                }
                Err(e) => {
                    eprintln!("Error: could not open the log destination {}: {e}", path.display());
                    let _ = builder.with_writer(std::io::stderr).try_init();
                }
            }
            return;
        }
        Dest::Console | Dest::Journal => {}
    }
    let _ = if all_to_stderr {
        builder.with_writer(std::io::stderr).try_init()
    } else {
        builder.with_writer(std::io::stderr.with_max_level(Level::WARN).or_else(std::io::stdout)).try_init()
    };
}
