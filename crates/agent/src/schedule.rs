//! `schedule`: when a resource may be applied. The agent's default schedules (`puppet`, `hourly`,
//! `daily`, `weekly`, `monthly`, `never`) and the catalog's `schedule` resources, matched on `range`,
//! `weekday` and `period`/`periodmatch`/`repeat` as Puppet matches them.
//!
//! `period` compares now with the time the resource was last checked, which the transaction keeps
//! in `state.yaml` as Puppet does; a resource never checked counts as checked at the epoch (Puppet's
//! `nil.to_i`).

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
    period: Option<Period>,
    /// `periodmatch => number`: the period's calendar number must differ (another hour, day…);
    /// otherwise (`distance`, the default) enough time must have passed.
    by_number: bool,
    /// How often the resource may be applied within the period (`distance` only).
    repeat: u32,
}

/// A schedule's `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Hourly,
    Daily,
    Weekly,
    Monthly,
}

impl Period {
    fn parse(text: &str) -> Option<Period> {
        match text {
            "hourly" => Some(Period::Hourly),
            "daily" => Some(Period::Daily),
            "weekly" => Some(Period::Weekly),
            "monthly" => Some(Period::Monthly),
            _ => None,
        }
    }

    /// Puppet's `ScheduleScales`, in seconds.
    fn seconds(self) -> i64 {
        match self {
            Period::Hourly => 3600,
            Period::Daily => 86400,
            Period::Weekly => 604800,
            Period::Monthly => 2592000,
        }
    }
}

impl Schedule {
    /// The schedule a resource names, from the catalog or the agent's defaults; `None` for an unknown
    /// name (Puppet fails the resource: "Could not find schedule").
    pub fn named(catalog: &Catalog, name: &str) -> Option<Schedule> {
        if let Some(res) = catalog.resources.iter().find(|r| r.type_name == "Schedule" && r.title == name) {
            return Some(Schedule::from_resource(res));
        }
        let period = |p| Some(Schedule { period: Some(p), repeat: 1, ..Schedule::default() });
        match name {
            "never" => Some(Schedule { never: true, repeat: 1, ..Schedule::default() }),
            "puppet" => Some(Schedule { period: Some(Period::Hourly), repeat: 2, ..Schedule::default() }),
            other => Period::parse(other).and_then(period),
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
        let period = res.param_str("period");
        let repeat = res
            .param("repeat")
            .and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())))
            .filter(|n| *n > 0)
            .unwrap_or(1);
        Schedule {
            range,
            weekdays: (!weekdays.is_empty()).then_some(weekdays),
            never: period.as_deref() == Some("never"),
            period: period.as_deref().and_then(Period::parse),
            by_number: res.param_str("periodmatch").as_deref() == Some("number"),
            repeat: repeat.min(u32::MAX as u64) as u32,
        }
    }

    /// Whether a resource with this schedule is applied `now`, given when it was last checked.
    pub fn matches(&self, now: DateTime<Local>, last_checked: Option<DateTime<Local>>) -> bool {
        if self.never {
            return false;
        }
        if let Some(period) = self.period {
            let previous =
                last_checked.unwrap_or_else(|| DateTime::from_timestamp(0, 0).unwrap_or_default().into());
            if !period_matches(period, self.by_number, self.repeat, previous, now) {
                return false;
            }
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

/// Puppet's `period` match: by calendar number (another hour, day of the month, month; for weeks,
/// an earlier weekday or more than a week) or by distance (`period / repeat` seconds apart, integer
/// division as in Ruby).
fn period_matches(
    period: Period,
    by_number: bool,
    repeat: u32,
    previous: DateTime<Local>,
    now: DateTime<Local>,
) -> bool {
    if by_number {
        return match period {
            Period::Hourly => now.hour() != previous.hour(),
            Period::Daily => now.day() != previous.day(),
            Period::Monthly => now.month() != previous.month(),
            Period::Weekly => {
                previous.weekday().num_days_from_sunday() > now.weekday().num_days_from_sunday()
                    || (now - previous).num_seconds() > 7 * 86400
            }
        };
    }
    now.timestamp() - previous.timestamp() >= period.seconds() / i64::from(repeat.max(1))
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
        assert!(s.matches(at(2026, 11, 27, 3, 0), None));
        assert!(!s.matches(at(2026, 11, 27, 5, 0), None));
        let night =
            Schedule { range: parse_range("22:00 - 02:30"), weekdays: Some(vec![5]), ..Default::default() };
        // Friday 23:00 and Saturday 01:00 (the Friday night) match; Saturday 23:00 does not.
        assert!(night.matches(at(2026, 11, 27, 23, 0), None));
        assert!(night.matches(at(2026, 11, 28, 1, 0), None));
        assert!(!night.matches(at(2026, 11, 28, 23, 0), None));
        assert_eq!(parse_weekday("Monday"), Some(1));
        assert_eq!(parse_weekday("0"), Some(0));
        let empty = crate::transaction::tests::catalog(&[], &[]);
        assert!(!Schedule::named(&empty, "never").unwrap().matches(Local::now(), None));
        assert!(Schedule::named(&empty, "daily").unwrap().matches(Local::now(), None));
        assert!(Schedule::named(&empty, "nosuch").is_none());
    }

    #[test]
    fn periods_count_from_the_last_check() {
        let empty = crate::transaction::tests::catalog(&[], &[]);
        let named = |n: &str| Schedule::named(&empty, n).unwrap();
        let now = at(2026, 11, 27, 10, 30);
        let ago = |mins: i64| Some(now - chrono::Duration::minutes(mins));
        // Never checked: every period matches.
        for name in ["puppet", "hourly", "daily", "weekly", "monthly"] {
            assert!(named(name).matches(now, None), "{name}");
        }
        // By distance: an hour for hourly, half an hour for `puppet` (hourly, repeat 2).
        assert!(!named("hourly").matches(now, ago(59)));
        assert!(named("hourly").matches(now, ago(60)));
        assert!(!named("puppet").matches(now, ago(29)));
        assert!(named("puppet").matches(now, ago(30)));
        assert!(!named("daily").matches(now, ago(23 * 60)));
        assert!(named("daily").matches(now, ago(24 * 60)));
        assert!(!named("weekly").matches(now, ago(6 * 24 * 60)));
        assert!(named("monthly").matches(now, ago(30 * 24 * 60)));
        // repeat => 3 daily: every 8 hours.
        let mut thrice = named("daily");
        thrice.repeat = 3;
        assert!(!thrice.matches(now, ago(8 * 60 - 1)));
        assert!(thrice.matches(now, ago(8 * 60)));
        // periodmatch => number: another calendar hour or day, however close.
        let mut hour = named("hourly");
        hour.by_number = true;
        assert!(hour.matches(at(2026, 11, 27, 11, 0), Some(at(2026, 11, 27, 10, 59))));
        assert!(!hour.matches(at(2026, 11, 27, 10, 59), Some(at(2026, 11, 27, 10, 0))));
        let mut week = named("weekly");
        week.by_number = true;
        // Friday after Saturday: a new week; Saturday after Friday the day before: the same week.
        assert!(week.matches(at(2026, 12, 4, 9, 0), Some(at(2026, 11, 28, 9, 0))));
        assert!(!week.matches(at(2026, 11, 28, 9, 0), Some(at(2026, 11, 27, 9, 0))));
        // From a resource: period, repeat and periodmatch parameters.
        let cat = crate::transaction::tests::catalog(
            &[("Schedule", "twice", serde_json::json!({"period": "hourly", "repeat": 2}))],
            &[],
        );
        let twice = Schedule::named(&cat, "twice").unwrap();
        assert!(!twice.matches(now, ago(20)));
        assert!(twice.matches(now, ago(31)));
    }
}
