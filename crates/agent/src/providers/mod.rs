//! Resource types and their providers: the only code of the agent that touches the system.
//!
//! Each module handles one resource type. A provider compares the desired state (the catalog
//! resource's parameters) with the current state of the machine and, unless in noop mode, changes the
//! machine. It reports what it did through a [`Context`]: one [`Change`] per property that was out of
//! sync (performed, noop, or failed), plus log lines. The transaction turns those into Puppet's events,
//! logs and resource statuses; providers never see the report.

use bunraku_model::{Resource, Value};

use crate::FileSource;

pub mod concat;
pub mod cron;
pub mod exec;
pub mod file;
pub mod filebucket;
pub mod notify;
pub mod package;
pub mod parsedfile;
pub mod service;
pub mod staged;
pub mod textfile;
pub mod tidy;
pub mod user;

/// Puppet's log levels, in the names reports use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Debug,
    Info,
    Notice,
    Warning,
    Err,
}

impl Level {
    /// The name a report's log entry carries (`notice`, `err`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Notice => "notice",
            Level::Warning => "warning",
            Level::Err => "err",
        }
    }
}

/// What happened to one out-of-sync property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeStatus {
    /// The change was made.
    Success,
    /// The change would have been made, but the resource is in noop mode.
    Noop,
    /// Making the change failed.
    Failure,
}

impl ChangeStatus {
    /// The event status string of a report.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeStatus::Success => "success",
            ChangeStatus::Noop => "noop",
            ChangeStatus::Failure => "failure",
        }
    }
}

/// One property change, the raw material of a report event.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub property: String,
    pub previous: Value,
    pub desired: Value,
    /// Puppet's event name (`file_created`, `service_started`, …).
    pub name: String,
    pub message: String,
    pub status: ChangeStatus,
    pub redacted: Option<bool>,
}

/// Where a provider log line comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogSource {
    /// The resource itself (`/Stage[main]/Main/Exec[x]`).
    Resource,
    /// One of the resource's properties (`/Stage[main]/Main/Exec[x]/returns`).
    Property(String),
    /// Puppet itself, as for the message of a `notify`.
    Puppet,
}

/// A log line a provider wants in the run's output.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderLog {
    pub level: Level,
    pub source: LogSource,
    pub message: String,
}

/// What a provider works with and writes into while it applies one resource.
pub struct Context<'a> {
    /// Report what would change, change nothing.
    pub noop: bool,
    /// Log unified diffs of file content changes.
    pub show_diff: bool,
    /// Where `puppet:///` sources come from.
    pub sources: &'a dyn FileSource,
    /// The run's environment, for messages that name it.
    pub environment: String,
    /// The provider that handled the resource (`posix`, `apt`, `systemd`, …).
    pub provider_used: Option<String>,
    /// The property changes, in the order they were made.
    pub changes: Vec<Change>,
    /// Log lines, in order.
    pub logs: Vec<ProviderLog>,
    /// The catalog's local filebuckets (`filebucket { title: path => DIR }`), by title.
    pub filebuckets: &'a [(String, std::path::PathBuf)],
    /// The transaction completes file writes later, in batches: a provider may stage a write
    /// (temporary file written, not yet fsynced and renamed) instead of finishing it.
    pub stage_writes: bool,
    /// Writes staged for the transaction to complete, each tied to the change it makes.
    pub staged: Vec<staged::StagedWrite>,
}

impl<'a> Context<'a> {
    /// A fresh context for one resource.
    pub fn new(noop: bool, show_diff: bool, sources: &'a dyn FileSource) -> Self {
        Context {
            noop,
            show_diff,
            sources,
            environment: String::new(),
            provider_used: None,
            changes: Vec::new(),
            logs: Vec::new(),
            filebuckets: &[],
            stage_writes: false,
            staged: Vec::new(),
        }
    }

    /// Records a change that was made.
    pub fn changed(&mut self, property: &str, previous: Value, desired: Value, name: &str, message: String) {
        self.push(property, previous, desired, name, message, ChangeStatus::Success);
    }

    /// Records a change that noop mode held back, with Puppet's message.
    pub fn noop_change(&mut self, property: &str, previous: Value, desired: Value, name: &str) {
        let message = format!("current_value {}, should be {} (noop)", display(&previous), display(&desired));
        self.push(property, previous, desired, name, message, ChangeStatus::Noop);
    }

    /// Records a change that failed, with Puppet's "change from … failed: …" message.
    pub fn failed(&mut self, property: &str, previous: Value, desired: Value, name: &str, error: &str) {
        let message =
            format!("change from {} to {} failed: {}", display(&previous), display(&desired), error);
        self.push(property, previous, desired, name, message, ChangeStatus::Failure);
    }

    /// `should_sync` for a property whose report values (uids, gids) are not what its messages show
    /// (names): the noop message is built from `shown`.
    pub fn should_sync_shown(
        &mut self,
        property: &str,
        previous: &Value,
        desired: &Value,
        name: &str,
        shown: (&str, &str),
    ) -> bool {
        if !self.noop {
            return true;
        }
        let message = format!("current_value '{}', should be '{}' (noop)", shown.0, shown.1);
        self.push(property, previous.clone(), desired.clone(), name, message, ChangeStatus::Noop);
        false
    }

    /// Either records a noop change (and returns false), or returns true: the caller should make the change.
    pub fn should_sync(&mut self, property: &str, previous: &Value, desired: &Value, name: &str) -> bool {
        if self.noop {
            self.noop_change(property, previous.clone(), desired.clone(), name);
            false
        } else {
            true
        }
    }

    /// Records a change of a sensitive property: values and message are redacted as Puppet does.
    pub fn push_redacted(
        &mut self,
        property: &str,
        previous: Value,
        desired: Value,
        message: &str,
        status: ChangeStatus,
    ) {
        let _ = (previous, desired);
        self.changes.push(Change {
            property: property.to_string(),
            previous: Value::String("[redacted]".into()),
            desired: Value::String("[redacted]".into()),
            name: format!("{property}_changed"),
            message: message.to_string(),
            status,
            redacted: Some(true),
        });
        self.log_change(property, message.to_string(), status);
    }

    fn push(
        &mut self,
        property: &str,
        previous: Value,
        desired: Value,
        name: &str,
        message: String,
        status: ChangeStatus,
    ) {
        self.changes.push(Change {
            property: property.to_string(),
            previous,
            desired,
            name: name.to_string(),
            message: message.clone(),
            status,
            redacted: None,
        });
        self.log_change(property, message, status);
    }

    fn log_change(&mut self, property: &str, message: String, status: ChangeStatus) {
        let level = if status == ChangeStatus::Failure { Level::Err } else { Level::Notice };
        self.log(level, LogSource::Property(property.to_string()), message);
    }

    /// Adds a log line.
    pub fn log(&mut self, level: Level, source: LogSource, message: impl Into<String>) {
        self.logs.push(ProviderLog { level, source, message: message.into() });
    }

    /// Adds a debug line about the resource.
    pub fn debug(&mut self, message: impl Into<String>) {
        self.log(Level::Debug, LogSource::Resource, message);
    }

    /// Whether any change failed.
    pub fn any_failed(&self) -> bool {
        self.changes.iter().any(|c| c.status == ChangeStatus::Failure)
    }
}

/// A resource could not be evaluated at all ("Could not evaluate: …").
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ProviderError(pub String);

impl ProviderError {
    /// An error from a message.
    pub fn new(message: impl Into<String>) -> Self {
        ProviderError(message.into())
    }
}

impl From<std::io::Error> for ProviderError {
    fn from(e: std::io::Error) -> Self {
        ProviderError(e.to_string())
    }
}

/// Formats a value as Puppet prints property values in messages: strings bare, arrays as `['a', 'b']`.
pub fn fmt_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "absent".to_string(),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(|i| format!("'{}'", fmt_value(i))).collect();
            format!("[{}]", inner.join(", "))
        }
        other => other.to_string(),
    }
}

/// Formats a value as Puppet's `format_value_for_display`: strings quoted, arrays as `['a', 'b']`.
pub fn display(v: &Value) -> String {
    match v {
        Value::Array(_) => fmt_value(v),
        other => format!("'{}'", fmt_value(other)),
    }
}

/// The resource types this agent can apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Package,
    Service,
    Exec,
    Notify,
    FileLine,
    IniSetting,
    Host,
    User,
    Group,
    /// A filebucket is configuration for file backups; applying one changes nothing.
    Filebucket,
    /// Applies as its generated `File`; itself changes nothing.
    ConcatFile,
    /// Content for a `concat_file`; changes nothing itself.
    ConcatFragment,
    Sshkey,
    SshAuthorizedKey,
    Mount,
    Cron,
    /// A schedule is read by the transaction; applying it changes nothing.
    Schedule,
    /// Applies as the `file` removals it generates; itself changes nothing.
    Tidy,
}

impl Kind {
    /// The kind handling a catalog type name, or an error message as Puppet would word it.
    pub fn of(type_name: &str) -> Result<Kind, String> {
        match type_name {
            "File" => Ok(Kind::File),
            "Package" => Ok(Kind::Package),
            "Service" => Ok(Kind::Service),
            "Exec" => Ok(Kind::Exec),
            "Notify" => Ok(Kind::Notify),
            "File_line" => Ok(Kind::FileLine),
            "Ini_setting" => Ok(Kind::IniSetting),
            "Host" => Ok(Kind::Host),
            "User" => Ok(Kind::User),
            "Group" => Ok(Kind::Group),
            "Filebucket" => Ok(Kind::Filebucket),
            "Concat_file" => Ok(Kind::ConcatFile),
            "Concat_fragment" => Ok(Kind::ConcatFragment),
            "Sshkey" => Ok(Kind::Sshkey),
            "Ssh_authorized_key" => Ok(Kind::SshAuthorizedKey),
            "Mount" => Ok(Kind::Mount),
            "Cron" => Ok(Kind::Cron),
            "Schedule" => Ok(Kind::Schedule),
            "Tidy" => Ok(Kind::Tidy),
            "Resources" | "Stage" | "Augeas" | "Yumrepo" | "Selboolean" | "Selmodule" | "Zfs" | "Zone"
            | "Zpool" | "Mailalias" | "Maillist" | "Router" | "Interface" | "Vlan" => {
                Err(format!("Bunraku has no provider for resource type {type_name} yet"))
            }
            other => Err(format!("Unknown resource type: '{other}'")),
        }
    }
}

/// Applies one resource: brings the system in line with it (or reports what would change in noop).
pub fn apply(kind: Kind, res: &Resource, ctx: &mut Context) -> Result<(), ProviderError> {
    match kind {
        Kind::File => file::apply(res, ctx),
        Kind::Package => package::apply(res, ctx),
        Kind::Service => service::apply(res, ctx),
        Kind::Exec => exec::apply(res, ctx),
        Kind::Notify => notify::apply(res, ctx),
        Kind::FileLine => textfile::file_line(res, ctx),
        Kind::IniSetting => textfile::ini_setting(res, ctx),
        Kind::Host => textfile::host(res, ctx),
        Kind::User => user::user(res, ctx),
        Kind::Group => user::group(res, ctx),
        Kind::Sshkey => parsedfile::sshkey(res, ctx),
        Kind::SshAuthorizedKey => parsedfile::ssh_authorized_key(res, ctx),
        Kind::Mount => parsedfile::mount(res, ctx),
        Kind::Cron => cron::apply(res, ctx),
        Kind::Schedule | Kind::Filebucket | Kind::ConcatFile | Kind::ConcatFragment | Kind::Tidy => Ok(()),
    }
}

/// Whether a resource kind reacts to refresh events (`service` restarts, `exec` reruns, `mount`
/// remounts).
pub fn refreshable(kind: Kind) -> bool {
    matches!(kind, Kind::Service | Kind::Exec | Kind::Mount)
}

/// Whether a kind refreshes itself after its own changes (Puppet's `self_refresh` types).
pub fn self_refresh(kind: Kind) -> bool {
    matches!(kind, Kind::Mount)
}

/// Refreshes a resource after an event it subscribed to.
pub fn refresh(kind: Kind, res: &Resource, ctx: &mut Context) -> Result<(), ProviderError> {
    match kind {
        Kind::Service => service::refresh(res, ctx),
        Kind::Exec => exec::refresh(res, ctx),
        Kind::Mount => parsedfile::remount(res, ctx),
        _ => Ok(()),
    }
}

/// Whether a parameter is set to a true value (`true`, `'true'`, `'yes'`).
pub(crate) fn param_bool(res: &Resource, name: &str) -> Option<bool> {
    match res.param(name)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.as_str() {
            "true" | "yes" => Some(true),
            "false" | "no" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A parameter holding a string or an array of strings, as a list.
pub(crate) fn param_list(res: &Resource, name: &str) -> Vec<String> {
    match res.param(name) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| match i {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Number(n)) => vec![n.to_string()],
        _ => Vec::new(),
    }
}

/// A `file` resource generated by `parent` (a recursive file's child, a concat's target, a tidy's
/// removal): the parent's tags and source position, the given parameters.
pub(crate) fn generated_file(
    parent: &Resource,
    title: String,
    parameters: indexmap::IndexMap<String, Value>,
) -> Resource {
    Resource {
        type_name: "File".into(),
        title,
        tags: parent.tags.clone(),
        file: parent.file.clone(),
        line: parent.line,
        exported: false,
        kind: None,
        parameters,
        sensitive_parameters: Vec::new(),
    }
}

/// The resource's name: its namevar parameter when set, else its title.
#[allow(dead_code)]
pub(crate) fn namevar(res: &Resource, param: &str) -> String {
    res.param_str(param).unwrap_or_else(|| res.title.clone())
}
