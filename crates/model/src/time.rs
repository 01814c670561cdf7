//! Timestamps in the exact text form Puppet 7 writes (`2026-11-27T05:02:15.111416931+00:00`).

use chrono::{DateTime, SecondsFormat, Utc};

/// Formats a time as Puppet's reports and facts do: RFC 3339 with nine fractional digits and `+00:00`.
pub fn puppet_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, false)
}

/// The current time in Puppet's format.
pub fn now() -> String {
    puppet_time(Utc::now())
}
