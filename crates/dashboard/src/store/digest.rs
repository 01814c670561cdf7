//! What the store keeps of a report, read straight from its JSON.
//!
//! A Puppet report of ~300 resources is ~180 kB of JSON; the store keeps its counts, logs, metrics,
//! the few resource statuses that say something (see [`super::ingest`]) and the list of resources
//! and classes. Reading the whole report into a [`Report`] allocates every title, tag, time and
//! path of every resource and frees them again, which cost more CPU than storing the report. A
//! [`ReportDigest`] is read in one pass that checks the same fields with the same types as
//! [`Report`] (so a report is rejected here exactly when `Report::from_json` would reject it, with
//! serde's message), borrows the strings it only looks at, and allocates only what is stored.

use std::borrow::Cow;
use std::fmt;

use bunraku_model::{Event, LogEntry, Metric, Report, ResourceStatus, RunStatus, Value};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::ingest::{parse_time, CatalogSummary};
use crate::error::{DashboardError, Result};

/// A report as the store needs it: the report row's fields, what goes into the child tables, and
/// the node's resources and classes as of this run. Built by [`ReportDigest::from_json`] (uploads,
/// the queue) or [`ReportDigest::from_report`]; either way it has been validated.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportDigest {
    pub host: String,
    /// As sent (RFC 3339), and in milliseconds since the epoch.
    pub time: String,
    pub time_ms: i64,
    /// `configuration_version` as text (Puppet sends a number or a string).
    pub configuration_version: String,
    pub transaction_uuid: Option<String>,
    pub catalog_uuid: Option<String>,
    pub cached_catalog_status: Option<String>,
    pub report_format: u32,
    pub puppet_version: String,
    pub status: RunStatus,
    pub transaction_completed: bool,
    pub noop: bool,
    pub noop_pending: bool,
    pub corrective_change: bool,
    pub environment: String,
    pub logs: Vec<LogEntry>,
    /// The metric categories by name, in report order.
    pub metrics: Vec<(String, Metric)>,
    /// The statuses that say something (failed, changed, out of sync, skipped, or with events),
    /// in report order.
    pub statuses: Vec<StoredStatus>,
    /// How many resource statuses the report has.
    pub resource_count: usize,
    /// The [`CatalogSummary`] of the run as JSON, what the node row keeps.
    pub catalog: String,
}

/// One resource status that is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredStatus {
    pub resource: String,
    pub resource_type: String,
    pub title: String,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub provider_used: Option<String>,
    /// The containment path joined with `/`.
    pub containment_path: String,
    pub evaluation_time: f64,
    pub failed: bool,
    pub changed: bool,
    pub out_of_sync: bool,
    pub skipped: bool,
    pub failed_to_restart: bool,
    pub corrective_change: bool,
    pub change_count: u32,
    pub events: Vec<Event>,
}

/// Whether a status is stored row by row rather than only counted.
fn says_something(
    failed: bool,
    changed: bool,
    out_of_sync: bool,
    skipped: bool,
    failed_to_restart: bool,
    events: usize,
) -> bool {
    failed || changed || out_of_sync || skipped || failed_to_restart || events > 0
}

impl ReportDigest {
    /// Reads and validates Puppet's report JSON; the error says what is wrong (a 400's message).
    pub fn from_json(text: &str) -> Result<ReportDigest> {
        let view: ReportView =
            serde_json::from_str(text).map_err(|e| DashboardError::BadReport(format!("report JSON: {e}")))?;
        let configuration_version = value_text(&view.configuration_version);
        let time_ms = validate(&view.host, &view.time, &view.environment)?;
        let ResourceStatuses { stored, count, catalog } = view.resource_statuses;
        Ok(ReportDigest {
            host: view.host.0.into_owned(),
            time: view.time.0.into_owned(),
            time_ms,
            configuration_version,
            transaction_uuid: view.transaction_uuid,
            catalog_uuid: view.catalog_uuid,
            cached_catalog_status: view.cached_catalog_status,
            report_format: view.report_format,
            puppet_version: view.puppet_version,
            status: view.status,
            transaction_completed: view.transaction_completed,
            noop: view.noop,
            noop_pending: view.noop_pending,
            corrective_change: view.corrective_change,
            environment: view.environment.0.into_owned(),
            logs: view.logs,
            metrics: view.metrics.0,
            statuses: stored,
            resource_count: count,
            catalog: catalog.finish(),
        })
    }

    /// The digest of a report already read (YAML uploads, the master's database processor).
    pub fn from_report(report: &Report) -> Result<ReportDigest> {
        let time_ms = validate(&report.host, &report.time, &report.environment)?;
        let mut catalog = CatalogBuilder::default();
        let mut statuses = Vec::new();
        for (key, r) in &report.resource_statuses {
            catalog.add(key, r.containment_path.iter().map(String::as_str));
            if says_something(
                r.failed,
                r.changed,
                r.out_of_sync,
                r.skipped,
                r.failed_to_restart,
                r.events.len(),
            ) {
                statuses.push(StoredStatus::from(r));
            }
        }
        Ok(ReportDigest {
            host: report.host.clone(),
            time: report.time.clone(),
            time_ms,
            configuration_version: value_text(&report.configuration_version),
            transaction_uuid: report.transaction_uuid.clone(),
            catalog_uuid: report.catalog_uuid.clone(),
            cached_catalog_status: report.cached_catalog_status.clone(),
            report_format: report.report_format,
            puppet_version: report.puppet_version.clone(),
            status: report.status,
            transaction_completed: report.transaction_completed,
            noop: report.noop,
            noop_pending: report.noop_pending,
            corrective_change: report.corrective_change,
            environment: report.environment.clone(),
            logs: report.logs.clone(),
            metrics: report.metrics.iter().map(|(k, m)| (k.clone(), m.clone())).collect(),
            statuses,
            resource_count: report.resource_statuses.len(),
            catalog: catalog.finish(),
        })
    }

    /// The value of one metric, e.g. `("resources", "changed")`.
    pub fn metric(&self, category: &str, name: &str) -> Option<&Value> {
        let (_, metric) = self.metrics.iter().find(|(c, _)| c == category)?;
        metric.values.iter().find(|(n, _, _)| n == name).map(|(_, _, v)| v)
    }
}

impl From<&ResourceStatus> for StoredStatus {
    fn from(r: &ResourceStatus) -> StoredStatus {
        StoredStatus {
            resource: r.resource.clone(),
            resource_type: r.resource_type.clone(),
            title: r.title.clone(),
            file: r.file.clone(),
            line: r.line,
            provider_used: r.provider_used.clone(),
            containment_path: r.containment_path.join("/"),
            evaluation_time: r.evaluation_time,
            failed: r.failed,
            changed: r.changed,
            out_of_sync: r.out_of_sync,
            skipped: r.skipped,
            failed_to_restart: r.failed_to_restart,
            corrective_change: r.corrective_change,
            change_count: r.change_count,
            events: r.events.clone(),
        }
    }
}

/// Checks what the schema needs beyond what serde already checked, so that a bad report is a 400
/// at upload time rather than a failure in a background worker; returns the time in milliseconds.
fn validate(host: &str, time: &str, environment: &str) -> Result<i64> {
    if host.is_empty() || host.len() > 255 || host.contains('/') || host.chars().any(char::is_control) {
        return Err(DashboardError::BadReport(format!("host {host:?} is not a certname")));
    }
    let time_ms = parse_time(time)?;
    if environment.len() > 255 {
        return Err(DashboardError::BadReport("environment is longer than 255 characters".into()));
    }
    Ok(time_ms)
}

/// A JSON value as the text a column keeps: strings as they are, anything else as JSON.
pub(crate) fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The node's resources (every `Type[title]`, in report order) and classes (from the containment
/// paths, first seen first; `Stage[…]`, resources and `Main` left out), written as the JSON of
/// [`CatalogSummary`] as they come, rather than kept as one string each.
#[derive(Default)]
struct CatalogBuilder {
    classes: Vec<String>,
    resources: Vec<u8>,
}

impl CatalogBuilder {
    fn add<'p>(&mut self, key: &str, containment_path: impl Iterator<Item = &'p str>) {
        self.resources.push(if self.resources.is_empty() { b'[' } else { b',' });
        // Writing a &str into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.resources, key);
        for c in containment_path {
            let is_class = !c.contains('[') && c != "Main";
            if is_class && !self.classes.iter().any(|k| k == c) {
                self.classes.push(c.to_string());
            }
        }
    }

    fn finish(self) -> String {
        let mut out = String::with_capacity(self.resources.len() + 64);
        out.push_str("{\"classes\":");
        out.push_str(&serde_json::to_string(&self.classes).unwrap_or_else(|_| "[]".into()));
        out.push_str(",\"resources\":");
        if self.resources.is_empty() {
            out.push_str("[]");
        } else {
            out.push_str(std::str::from_utf8(&self.resources).unwrap_or("["));
            out.push(']');
        }
        out.push('}');
        debug_assert!(serde_json::from_str::<CatalogSummary>(&out).is_ok(), "{out}");
        out
    }
}

/// A string borrowed from the JSON text when it has no escapes.
struct Text<'a>(Cow<'a, str>);

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> std::result::Result<Text<'a>, E> {
                Ok(Text(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(s.to_string())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> std::result::Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

/// A string that is checked to be one and not kept.
struct AnyText;

impl<'de> Deserialize<'de> for AnyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = AnyText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<AnyText, E> {
                Ok(AnyText)
            }
        }
        d.deserialize_str(V)
    }
}

/// A list of strings, checked and not kept (a resource's tags).
struct AnyTexts;

impl<'de> Deserialize<'de> for AnyTexts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AnyTexts;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<AnyTexts, A::Error> {
                while seq.next_element::<AnyText>()?.is_some() {}
                Ok(AnyTexts)
            }
        }
        d.deserialize_seq(V)
    }
}

/// A list of strings borrowed where they can be (a containment path).
struct Texts<'a>(Vec<Text<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for Texts<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Texts<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Texts<'a>, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(4));
                while let Some(t) = seq.next_element::<Text<'a>>()? {
                    out.push(t);
                }
                Ok(Texts(out))
            }
        }
        d.deserialize_seq(V(std::marker::PhantomData))
    }
}

/// The report's top level; the same fields, types and defaults as [`Report`].
#[derive(Deserialize)]
struct ReportView<'a> {
    #[serde(borrow)]
    host: Text<'a>,
    #[serde(borrow)]
    time: Text<'a>,
    configuration_version: Value,
    #[serde(default)]
    transaction_uuid: Option<String>,
    report_format: u32,
    puppet_version: String,
    status: RunStatus,
    transaction_completed: bool,
    noop: bool,
    noop_pending: bool,
    #[serde(borrow)]
    environment: Text<'a>,
    #[serde(default)]
    logs: Vec<LogEntry>,
    #[serde(default)]
    metrics: Metrics,
    #[serde(default)]
    resource_statuses: ResourceStatuses,
    #[serde(default)]
    corrective_change: bool,
    #[serde(default)]
    catalog_uuid: Option<String>,
    #[serde(default)]
    cached_catalog_status: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // checked, not stored
    code_id: Option<IgnoredText>,
    #[serde(default)]
    #[allow(dead_code)]
    job_id: Option<IgnoredText>,
}

/// `metrics`: the categories in report order (a category named twice keeps its first place and
/// its last value, as the report's map does).
#[derive(Default)]
struct Metrics(Vec<(String, Metric)>);

impl<'de> Deserialize<'de> for Metrics {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Metrics;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Metrics, A::Error> {
                let mut out: Vec<(String, Metric)> = Vec::new();
                while let Some((name, metric)) = map.next_entry::<String, Metric>()? {
                    match out.iter_mut().find(|(n, _)| *n == name) {
                        Some(slot) => slot.1 = metric,
                        None => out.push((name, metric)),
                    }
                }
                Ok(Metrics(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// An optional string that is checked and not kept.
type IgnoredText = AnyText;

/// `resource_statuses`, read entry by entry: every key goes into the catalog summary, the
/// statuses that say something are kept, the others are only checked.
#[derive(Default)]
struct ResourceStatuses {
    stored: Vec<StoredStatus>,
    count: usize,
    catalog: CatalogBuilder,
}

impl<'de> Deserialize<'de> for ResourceStatuses {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ResourceStatuses;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<ResourceStatuses, A::Error> {
                let mut out = ResourceStatuses::default();
                while let Some(key) = map.next_key::<Text<'de>>()? {
                    let s: StatusView<'de> = map.next_value()?;
                    out.count += 1;
                    out.catalog.add(&key, s.containment_path.0.iter().map(|c| &*c.0));
                    if says_something(
                        s.failed,
                        s.changed,
                        s.out_of_sync,
                        s.skipped,
                        s.failed_to_restart,
                        s.events.len(),
                    ) {
                        out.stored.push(s.into_stored());
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

/// One resource status; the same fields, types and defaults as [`ResourceStatus`].
#[derive(Deserialize)]
struct StatusView<'a> {
    #[serde(borrow)]
    title: Text<'a>,
    #[serde(borrow)]
    file: Option<Text<'a>>,
    line: Option<u32>,
    #[serde(borrow)]
    resource: Text<'a>,
    #[serde(borrow)]
    resource_type: Text<'a>,
    #[serde(default, borrow)]
    provider_used: Option<Text<'a>>,
    #[serde(borrow)]
    containment_path: Texts<'a>,
    evaluation_time: f64,
    #[allow(dead_code)] // checked, not stored
    tags: AnyTexts,
    #[allow(dead_code)]
    time: AnyText,
    failed: bool,
    failed_to_restart: bool,
    changed: bool,
    out_of_sync: bool,
    skipped: bool,
    change_count: u32,
    #[allow(dead_code)]
    out_of_sync_count: u32,
    events: Vec<Event>,
    corrective_change: bool,
}

impl StatusView<'_> {
    fn into_stored(self) -> StoredStatus {
        let mut path = String::new();
        for (i, c) in self.containment_path.0.iter().enumerate() {
            if i > 0 {
                path.push('/');
            }
            path.push_str(c);
        }
        StoredStatus {
            resource: self.resource.0.into_owned(),
            resource_type: self.resource_type.0.into_owned(),
            title: self.title.0.into_owned(),
            file: self.file.map(|f| f.0.into_owned()),
            line: self.line,
            provider_used: self.provider_used.map(|p| p.0.into_owned()),
            containment_path: path,
            evaluation_time: self.evaluation_time,
            failed: self.failed,
            changed: self.changed,
            out_of_sync: self.out_of_sync,
            skipped: self.skipped,
            failed_to_restart: self.failed_to_restart,
            corrective_change: self.corrective_change,
            change_count: self.change_count,
            events: self.events,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = r#"{"host":"a.example.com","time":"2026-11-27T05:02:15.111416931+00:00","configuration_version":1700000000,"transaction_uuid":"u","report_format":12,"puppet_version":"7.23.0","status":"changed","transaction_completed":true,"noop":false,"noop_pending":false,"environment":"production","logs":[{"level":"notice","message":"created","source":"/Stage[main]/Main/File[/x]/ensure","tags":["notice"],"time":"2026-11-27T05:02:15.111416931+00:00","file":"/s.pp","line":1}],"metrics":{"changes":{"name":"changes","label":"Changes","values":[["total","Total",1]]}},"resource_statuses":{"File[/x]":{"title":"/x","file":"/s.pp","line":1,"resource":"File[/x]","resource_type":"File","provider_used":"posix","containment_path":["Stage[main]","Main","File[/x]"],"evaluation_time":0.001,"tags":["file"],"time":"2026-11-27T05:02:15.111416931+00:00","failed":false,"failed_to_restart":false,"changed":true,"out_of_sync":true,"skipped":false,"change_count":1,"out_of_sync_count":1,"events":[{"audited":false,"property":"ensure","previous_value":"absent","desired_value":"file","historical_value":null,"message":"defined content as '{sha256}ab'","name":"file_created","status":"success","time":"2026-11-27T05:02:15.111416931+00:00","redacted":null,"corrective_change":false}],"corrective_change":false},"File[/y \"q\"]":{"title":"/y \"q\"","file":null,"line":null,"resource":"File[/y \"q\"]","resource_type":"File","containment_path":["Stage[main]","Ntp::Config","File[/y \"q\"]"],"evaluation_time":0.001,"tags":["file","t\u00e9"],"time":"2026-11-27T05:02:15.111416931+00:00","failed":false,"failed_to_restart":false,"changed":false,"out_of_sync":false,"skipped":false,"change_count":0,"out_of_sync_count":0,"events":[],"corrective_change":false}},"corrective_change":false,"catalog_uuid":"c","cached_catalog_status":"not_used"}"#;

    #[test]
    fn the_json_digest_is_the_digest_of_the_report() {
        let report = Report::from_json(REPORT).unwrap();
        let from_report = ReportDigest::from_report(&report).unwrap();
        assert_eq!(ReportDigest::from_json(REPORT).unwrap(), from_report);
        assert_eq!(from_report.statuses.len(), 1, "the unchanged status is only counted");
        assert_eq!(from_report.resource_count, 2);
        let summary: CatalogSummary = serde_json::from_str(&from_report.catalog).unwrap();
        assert_eq!(summary.classes, ["Ntp::Config"]);
        assert_eq!(summary.resources, ["File[/x]", "File[/y \"q\"]"]);
    }

    #[test]
    fn rejects_what_the_report_type_rejects_with_its_message() {
        for (from, to) in [
            (r#""host":"a.example.com","#, ""),
            (r#""tags":["file"]"#, r#""tags":[1]"#),
            (r#""out_of_sync_count":0"#, r#""out_of_sync_count":"0""#),
            (r#""evaluation_time":0.001"#, r#""evaluation_time":"fast""#),
            (r#""resource":"File[/x]","#, ""),
        ] {
            let bad = REPORT.replacen(from, to, 1);
            assert_ne!(bad, REPORT);
            let want = Report::from_json(&bad).unwrap_err().to_string();
            let got = ReportDigest::from_json(&bad).unwrap_err().to_string();
            assert_eq!(got, format!("malformed report: {want}"), "{from} -> {to}");
        }
        let bad = REPORT.replacen("2026-11-27T05:02:15.111416931+00:00", "yesterday", 1);
        assert!(ReportDigest::from_json(&bad).unwrap_err().to_string().contains("is not RFC 3339"));
    }
}
