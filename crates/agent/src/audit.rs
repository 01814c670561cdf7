//! The `audit` metaparameter: the current values of a resource's audited properties are recorded
//! in `state.yaml` on every run, and a value that differs from the one recorded on an earlier run
//! becomes an `audit` event ("audit change: previously recorded value … has been changed to …"),
//! with `audited: true` and the `historical_value`, without changing anything. A property that is
//! also managed keeps its ordinary change event, marked as audited. The first run only logs
//! "audit change: newly-recorded value …". This follows Puppet 7's resource harness, checked
//! against `puppet apply` 7.23; only `file` is audited (its values come from one `lstat` and the
//! content checksum), other types log a warning and are applied without auditing.

use bunraku_model::{Event, Resource, Value};

use crate::providers::{self, ChangeStatus, Context, Kind, LogSource};
use crate::state::{ResourceStates, StateValue};

/// One audited property: its value now (read before the resource is applied) and the value an
/// earlier run recorded, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Audited {
    pub property: String,
    pub current: StateValue,
    pub historical: Option<StateValue>,
}

/// The audited properties of one resource, in the order its `audit` names them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Audit {
    pub entries: Vec<Audited>,
}

/// A line the audit adds to the run: a log of a property, and the event that goes with it (none
/// for a newly-recorded value).
#[derive(Debug, Clone, PartialEq)]
pub struct AuditOutcome {
    pub property: String,
    pub message: String,
    pub event: Option<Event>,
}

/// The property names a resource's `audit` lists: `all` is every property of the type.
pub fn properties(res: &Resource, all: &[&str]) -> Vec<String> {
    match res.param("audit") {
        Some(Value::String(s)) if s == "all" => all.iter().map(|p| p.to_string()).collect(),
        Some(Value::Array(items)) if items.len() == 1 && items[0].as_str() == Some("all") => {
            all.iter().map(|p| p.to_string()).collect()
        }
        _ => providers::param_list(res, "audit"),
    }
}

impl Audit {
    /// Reads the current values of the audited properties of `res` (whose reference is
    /// `reference`), takes the values recorded earlier from `states`, and records the current ones
    /// there, as Puppet does before it changes anything. `Ok(None)` when nothing is audited;
    /// `Err` names a type whose properties Bunraku cannot audit.
    pub fn record(
        kind: Kind,
        res: &Resource,
        reference: &str,
        states: &mut ResourceStates,
    ) -> Result<Option<Audit>, String> {
        if res.param("audit").is_none_or(|v| v.is_null()) {
            return Ok(None);
        }
        if kind != Kind::File {
            return Err(format!(
                "audit is not supported for {} resources by Bunraku yet; nothing is recorded",
                res.type_name.to_lowercase()
            ));
        }
        let names = properties(res, &providers::file::AUDITABLE);
        let current = providers::file::audit_values(res, &names);
        let mut entries = Vec::with_capacity(current.len());
        for (property, value) in current {
            let key = format!(":{property}");
            let historical = states.get(reference, &key).cloned();
            states.set(reference, &key, value.clone());
            entries.push(Audited { property, current: value, historical });
        }
        Ok(Some(Audit { entries }))
    }

    fn entry(&self, property: &str) -> Option<&Audited> {
        self.entries.iter().find(|e| e.property == property)
    }

    /// Adds Puppet's " (previously recorded value was …)" to the messages (and their log lines) of
    /// the changes the provider made or held back in noop to audited properties whose recorded
    /// value differs from the current one.
    pub fn annotate(&self, ctx: &mut Context) {
        let mut logged = vec![false; ctx.logs.len()];
        for change in ctx.changes.iter_mut() {
            if change.status == ChangeStatus::Failure {
                continue;
            }
            let Some(entry) = self.entry(&change.property) else { continue };
            let Some(historical) = &entry.historical else { continue };
            if same(historical, &entry.current) {
                continue;
            }
            let shown = providers::file::audit_display(&entry.property, historical);
            let suffix = format!(" (previously recorded value was {shown})");
            let log = ctx.logs.iter_mut().zip(logged.iter_mut()).find(|(log, done)| {
                !**done
                    && log.source == LogSource::Property(change.property.clone())
                    && log.message == change.message
            });
            if let Some((log, done)) = log {
                log.message.push_str(&suffix);
                *done = true;
            }
            change.message.push_str(&suffix);
        }
    }

    /// Marks the events of changes to audited properties as audited, with the recorded value
    /// (a failed change stays unmarked, as in Puppet).
    pub fn mark(&self, events: &mut [Event]) {
        for event in events.iter_mut().filter(|e| e.status == "success" || e.status == "noop") {
            let Some(entry) = event.property.as_deref().and_then(|p| self.entry(p)) else { continue };
            event.audited = true;
            event.historical_value = entry.historical.as_ref().map(report_value).unwrap_or(Value::Null);
        }
    }

    /// What the audit reports once the resource is applied: for each audited property the provider
    /// did not touch (`synced` lists those it did), an audit event when its value changed since it
    /// was recorded; a "newly-recorded" line when it had never been recorded.
    pub fn outcomes(&self, res: &Resource, synced: &[&str]) -> Vec<AuditOutcome> {
        let mut out = Vec::new();
        for entry in &self.entries {
            let property = entry.property.clone();
            let Some(historical) = &entry.historical else {
                let message = format!("audit change: newly-recorded value {}", ruby_to_s(&entry.current));
                out.push(AuditOutcome { property, message, event: None });
                continue;
            };
            if same(historical, &entry.current) || synced.contains(&entry.property.as_str()) {
                continue;
            }
            let message = format!(
                "audit change: previously recorded value {} has been changed to {}",
                providers::file::audit_display(&property, historical),
                providers::file::audit_display(&property, &entry.current),
            );
            let event = Event {
                audited: true,
                property: Some(property.clone()),
                previous_value: report_value(&entry.current),
                desired_value: providers::file::audit_desired(res, &property),
                historical_value: report_value(historical),
                message: message.clone(),
                name: event_name(res, &property),
                status: "audit".into(),
                time: bunraku_model::time::now(),
                redacted: None,
                corrective_change: false,
            };
            out.push(AuditOutcome { property, message, event: Some(event) });
        }
        out
    }
}

/// Puppet's event name for a property: `<property>_changed`, and for `ensure` the name its desired
/// value gives (`file_created`, `directory_created`, `link_created`, `file_removed`), or
/// `file_changed` when the resource does not manage it.
fn event_name(res: &Resource, property: &str) -> String {
    if property != "ensure" {
        return format!("{property}_changed");
    }
    let name = match res.param_str("ensure").as_deref() {
        Some("file" | "present") => "file_created",
        Some("directory") => "directory_created",
        Some("link") => "link_created",
        Some(p) if p.starts_with('/') => "link_created",
        Some("absent") => "file_removed",
        _ => "file_changed",
    };
    name.to_string()
}

/// Whether two recorded values are the same; times to the microsecond, as Puppet compares them
/// (a time read back from YAML may have lost its nanoseconds).
pub fn same(a: &StateValue, b: &StateValue) -> bool {
    match (a, b) {
        (StateValue::Time(x), StateValue::Time(y)) => {
            x.timestamp() == y.timestamp() && x.timestamp_subsec_micros() == y.timestamp_subsec_micros()
        }
        _ => a == b,
    }
}

/// A value as Ruby's `to_s` prints it: a symbol without its colon, a time as
/// `2026-11-27 09:48:29 +0000`, nil as nothing.
pub fn ruby_to_s(value: &StateValue) -> String {
    match value {
        StateValue::Time(t) => t.format("%Y-%m-%d %H:%M:%S %z").to_string(),
        StateValue::Symbol(s) => s.strip_prefix(':').unwrap_or(s).to_string(),
        StateValue::Integer(i) => i.to_string(),
        StateValue::Nil => String::new(),
        StateValue::Text(s) => s.clone(),
    }
}

/// A value as a report event carries it: integers as numbers, nil as null, everything else
/// (symbols, times) as text.
pub fn report_value(value: &StateValue) -> Value {
    match value {
        StateValue::Integer(i) => Value::from(*i),
        StateValue::Nil => Value::Null,
        other => Value::String(ruby_to_s(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(text: &str) -> StateValue {
        StateValue::Time(chrono::DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f %:z").unwrap())
    }

    #[test]
    fn values_print_and_compare_as_puppets() {
        let t = time("2026-11-27 09:48:29.021580589 +00:00");
        assert_eq!(ruby_to_s(&t), "2026-11-27 09:48:29 +0000");
        assert_eq!(report_value(&t), Value::String("2026-11-27 09:48:29 +0000".into()));
        assert_eq!(ruby_to_s(&StateValue::Symbol(":absent".into())), "absent");
        assert_eq!(report_value(&StateValue::Integer(0)), Value::from(0));
        assert_eq!(report_value(&StateValue::Nil), Value::Null);
        // Nanoseconds below the microsecond do not count; a microsecond does.
        assert!(same(&t, &time("2026-11-27 09:48:29.021580000 +00:00")));
        assert!(!same(&t, &time("2026-11-27 09:48:29.021581589 +00:00")));
        assert!(!same(&StateValue::Integer(0), &StateValue::Text("0".into())));
        assert_eq!(providers::file::audit_display("owner", &StateValue::Integer(0)), "'root'");
        assert_eq!(providers::file::audit_display("content", &StateValue::Nil), "");
        assert_eq!(providers::file::audit_display("mode", &StateValue::Text("0644".into())), "'0644'");
    }

    #[test]
    fn all_is_every_file_property() {
        let res = crate::transaction::tests::resource("File", "/x", serde_json::json!({"audit": "all"}));
        assert_eq!(properties(&res, &providers::file::AUDITABLE).len(), 14);
        let res = crate::transaction::tests::resource(
            "File",
            "/x",
            serde_json::json!({"audit": ["mode", "owner"]}),
        );
        assert_eq!(properties(&res, &providers::file::AUDITABLE), ["mode", "owner"]);
        let res = crate::transaction::tests::resource("File", "/x", serde_json::json!({"audit": "content"}));
        assert_eq!(properties(&res, &providers::file::AUDITABLE), ["content"]);
    }
}
