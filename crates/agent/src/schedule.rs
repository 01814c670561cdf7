//! `schedule`: when a resource may be applied. The agent's default schedules (`puppet`, `hourly`,
//! `daily`, `weekly`, `monthly`, `never`) and the catalog's `schedule` resources, matched on `range`,
//! `weekday` and `period`/`repeat` as Puppet matches them.
//!
//! Puppet compares `period` with the time it last checked the resource (kept in `state.yaml`);
//! Bunraku keeps no such times yet, so every period matches except `never`.

use bunraku_model::{Catalog, Resource, Value};
use chrono::{DateTime, Datelike, Local, Timelike};

/// One schedule's rules.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schedule {
    /// Seconds since midnight: start and end (the end may be before the start: over midnight).
    range: Option<(u32, u32)>,
    /// Allowed weekdays, 0 = Sunday.
    weekdays: Option<Vec<u32>>,
    never: bool,
}

impl Schedule {
    /// The schedule a resource names, from the catalog or the agent's defaults; `None` for an unknown
    /// name (Puppet fails the resource: "Could not find schedule").
    pub fn named(catalog: &Catalog, name: &str) -> Option<Schedule> {
        if let Some(res) = catalog.resources.iter().find(|r| r.type_name == "Schedule" && r.title == name) {
            return Some(Schedule::from_resource(res));
        }
        match name {
            "never" => Some(Schedule { never: true, ..Schedule::default() }),
            "puppet" | "hourly" | "daily" | "weekly" | "monthly" => Some(Schedule::default()),
            _ => None,
        }
    }

    fn from_resource(res: &Resource) -> Schedule {
        let list = |name: &str| -> Vec<String> {
            match res.param(name) {
                Some(Value::Array(items)) => items.iter().map(value_text).collect(),
                Some(v) => value_text(v).split(',').map(|s| s.trim().to_string()).collect(),
                None => Vec::new(),
            }
        };
        let range = list("range").first().and_then(|r| parse_range(r));
        let weekdays: Vec<u32> = list("weekday").iter().filter_map(|d| parse_weekday(d)).collect();
        Schedule {
            range,
            weekdays: (!weekdays.is_empty()).then_some(weekdays),
            never: res.param_str("period").as_deref() == Some("never"),
        }
    }

    /// Whether a resource with this schedule is applied now.
    pub fn matches(&self, now: DateTime<Local>) -> bool {
        if self.never {
            return false;
        }
        let secs = now.num_seconds_from_midnight();
        if let Some((start, end)) = self.range {
            let inside =
                if start <= end { secs >= start && secs <= end } else { secs >= start || secs <= end };
            if !inside {
                return false;
            }
        }
        if let Some(days) = &self.weekdays {
            // Puppet: a range over midnight counts the early part for the day it started.
            let mut day = now.weekday().num_days_from_sunday();
            if let Some((start, end)) = self.range {
                if start > end && secs <= end {
                    day = (day + 6) % 7;
                }
            }
            if !days.contains(&day) {
                return false;
            }
        }
        true
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `"2 - 4"`, `"2:30 - 4:15"`, `"22:00:00 - 02:00"`.
fn parse_range(text: &str) -> Option<(u32, u32)> {
    let (a, b) = text.split_once('-')?;
    let time = |t: &str| -> Option<u32> {
        let mut parts = t.trim().split(':').map(|p| p.trim().parse::<u32>());
        let h = parts.next()?.ok()?;
        let m = parts.next().transpose().ok()?.unwrap_or(0);
        let s = parts.next().transpose().ok()?.unwrap_or(0);
        (h < 24 && m < 60 && s < 60).then_some(h * 3600 + m * 60 + s)
    };
    Some((time(a)?, time(b)?))
}

fn parse_weekday(day: &str) -> Option<u32> {
    if let Ok(n) = day.parse::<u32>() {
        return (n < 7).then_some(n);
    }
    let d = day.to_ascii_lowercase();
    ["sun", "mon", "tue", "wed", "thu", "fri", "sat"].iter().position(|p| d.starts_with(p)).map(|i| i as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Local> {
        Local.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    #[test]
    fn ranges_weekdays_and_defaults() {
        let s = Schedule { range: parse_range("2 - 4"), ..Default::default() };
        assert!(s.matches(at(2026, 11, 27, 3, 0)));
        assert!(!s.matches(at(2026, 11, 27, 5, 0)));
        let night = Schedule { range: parse_range("22:00 - 02:30"), weekdays: Some(vec![5]), never: false };
        // Friday 23:00 and Saturday 01:00 (the Friday night) match; Saturday 23:00 does not.
        assert!(night.matches(at(2026, 11, 27, 23, 0)));
        assert!(night.matches(at(2026, 11, 28, 1, 0)));
        assert!(!night.matches(at(2026, 11, 28, 23, 0)));
        assert_eq!(parse_weekday("Monday"), Some(1));
        assert_eq!(parse_weekday("0"), Some(0));
        let empty = crate::transaction::tests::catalog(&[], &[]);
        assert!(!Schedule::named(&empty, "never").unwrap().matches(Local::now()));
        assert!(Schedule::named(&empty, "daily").unwrap().matches(Local::now()));
        assert!(Schedule::named(&empty, "nosuch").is_none());
    }
}
