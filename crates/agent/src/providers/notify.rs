//! `notify`: logs a message at notice level on every run, and always reports one change.

use bunraku_model::{Resource, Value};

use super::{param_bool, Context, Level, LogSource, ProviderError};

/// Logs the message (the title unless `message` is set), as Puppet's notify does.
pub fn apply(res: &Resource, ctx: &mut Context) -> Result<(), ProviderError> {
    let message = match res.param("message") {
        None => res.title.clone(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let sensitive = res.sensitive_parameters.iter().any(|p| p == "message");
    let previous = Value::String("absent".into());
    let desired = Value::String(message.clone());
    if ctx.noop {
        if sensitive {
            ctx.push_redacted(
                "message",
                previous,
                desired,
                "current_value [redacted], should be [redacted] (noop)",
                super::ChangeStatus::Noop,
            );
        } else {
            ctx.noop_change("message", previous, desired, "message_changed");
        }
        return Ok(());
    }
    let source =
        if param_bool(res, "withpath") == Some(true) { LogSource::Resource } else { LogSource::Puppet };
    ctx.log(Level::Notice, source, message.clone());
    if sensitive {
        ctx.push_redacted(
            "message",
            previous,
            desired,
            "changed [redacted] to [redacted]",
            super::ChangeStatus::Success,
        );
    } else {
        ctx.changed(
            "message",
            previous,
            desired,
            "message_changed",
            format!("defined 'message' as '{message}'"),
        );
    }
    Ok(())
}
