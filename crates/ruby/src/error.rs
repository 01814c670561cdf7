//! What can go wrong on the bridge.

use std::time::Duration;

use thiserror::Error;

/// An error from Ruby code or from the worker that runs it.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum RubyError {
    /// Ruby code raised an exception (or a callback answered with an error that Ruby did not
    /// rescue). `backtrace` is Ruby's, innermost frame first (`/path/f.rb:12:in 'x'`).
    #[error("{message}")]
    Raised { class: String, message: String, backtrace: Vec<String> },
    /// Ruby code used up its time limit, or the compile's (`compile_limit`) ran out while it
    /// ran; `backtrace` says where it was when it was stopped, when the worker could still say so.
    #[error("{}{}", timed_out(*limit, *compile_limit), at(backtrace))]
    TimedOut { limit: Duration, compile_limit: Option<Duration>, backtrace: Vec<String> },
    /// The worker process ended or broke the protocol (a crash in a C extension, a kill).
    #[error("the Ruby worker stopped: {0}")]
    Died(String),
    /// Ruby could not be started.
    #[error("cannot start Ruby ({program}): {message}")]
    Spawn { program: String, message: String },
}

fn timed_out(limit: Duration, compile_limit: Option<Duration>) -> String {
    match compile_limit {
        Some(l) => format!("The compile took longer than its time limit of {} seconds", l.as_secs_f64()),
        None => format!("Ruby code did not finish within {} seconds", limit.as_secs()),
    }
}

fn at(backtrace: &[String]) -> String {
    backtrace.first().map(|f| format!(" (stopped at {f})")).unwrap_or_default()
}

impl RubyError {
    /// The innermost Ruby frame's file and line (`/m/lib/puppet/functions/f.rb`, 12), from the
    /// backtrace of a raised error.
    pub fn location(&self) -> Option<(String, u32)> {
        let bt = match self {
            RubyError::Raised { backtrace, .. } | RubyError::TimedOut { backtrace, .. } => backtrace,
            _ => return None,
        };
        bt.first().and_then(|f| frame_location(f))
    }

    /// An exception of `class` with `message` and no backtrace (callbacks' errors).
    pub fn raised(class: &str, message: impl Into<String>) -> RubyError {
        RubyError::Raised { class: class.to_string(), message: message.into(), backtrace: Vec::new() }
    }
}

/// `file:line` of one backtrace frame (`/a/b.rb:12:in 'x'`).
pub fn frame_location(frame: &str) -> Option<(String, u32)> {
    let mut parts = frame.splitn(3, ':');
    let file = parts.next()?;
    let line = parts.next()?.parse().ok()?;
    Some((file.to_string(), line))
}
