//! The run report an agent sends after applying a catalog (report format 12, `report.json`).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::Value;

/// The YAML tag Puppet's `store` and `http` processors put on a report document.
pub const REPORT_YAML_TAG: &str = "!ruby/object:Puppet::Transaction::Report";

/// The outcome of a whole run, as Puppet computes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    Failed,
    Changed,
    Unchanged,
}

/// A run report, keys in the order Puppet 7.23 sends them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub host: String,
    pub time: String,
    pub configuration_version: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_uuid: Option<String>,
    pub report_format: u32,
    pub puppet_version: String,
    pub status: RunStatus,
    pub transaction_completed: bool,
    pub noop: bool,
    pub noop_pending: bool,
    pub environment: String,
    #[serde(default)]
    pub logs: Vec<LogEntry>,
    #[serde(default)]
    pub metrics: IndexMap<String, Metric>,
    #[serde(default)]
    pub resource_statuses: IndexMap<String, ResourceStatus>,
    #[serde(default)]
    pub corrective_change: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_uuid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_catalog_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
}

/// One log line of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    pub level: String,
    pub message: String,
    pub source: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub time: String,
    #[serde(default)]
    pub file: Option<String>,
    #[serde(default)]
    pub line: Option<u32>,
}

/// A metric category: `{"name", "label", "values": [[name, label, value], …]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    pub name: String,
    pub label: String,
    pub values: Vec<(String, String, Value)>,
}

/// What happened to one resource during the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceStatus {
    pub title: String,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub resource: String,
    pub resource_type: String,
    #[serde(default)]
    pub provider_used: Option<String>,
    pub containment_path: Vec<String>,
    pub evaluation_time: f64,
    pub tags: Vec<String>,
    pub time: String,
    pub failed: bool,
    pub failed_to_restart: bool,
    pub changed: bool,
    pub out_of_sync: bool,
    pub skipped: bool,
    pub change_count: u32,
    pub out_of_sync_count: u32,
    pub events: Vec<Event>,
    pub corrective_change: bool,
}

/// One change (or failed change, or noop) of one property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub audited: bool,
    pub property: Option<String>,
    pub previous_value: Value,
    pub desired_value: Value,
    pub historical_value: Value,
    pub message: String,
    pub name: String,
    pub status: String,
    pub time: String,
    pub redacted: Option<bool>,
    pub corrective_change: bool,
}

/// A report or YAML document that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReportFormatError {
    #[error("report JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("report YAML: {0}")]
    Yaml(#[from] serde_yaml_ng::Error),
}

impl Report {
    /// Reads a report from Puppet's JSON.
    pub fn from_json(text: &str) -> Result<Report, ReportFormatError> {
        Ok(serde_json::from_str(text)?)
    }

    /// Writes the report as Puppet's JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a report always serialises")
    }

    /// The YAML document Puppet's `store` and `http` processors write: the same keys, tagged as a Ruby object.
    pub fn to_yaml(&self) -> String {
        let body = serde_yaml_ng::to_string(self).expect("a report always serialises");
        format!("--- {REPORT_YAML_TAG}\n{body}")
    }

    /// [`Report::to_yaml`] streamed into `w`: a thousand-resource report is megabytes of YAML,
    /// which an agent writing `last_run_report.yaml` need not hold in memory twice.
    pub fn write_yaml(&self, mut w: impl std::io::Write) -> std::io::Result<()> {
        writeln!(w, "--- {REPORT_YAML_TAG}")?;
        serde_yaml_ng::to_writer(&mut w, self).map_err(std::io::Error::other)?;
        w.flush()
    }

    /// Reads a report from the tagged YAML of `store`/`http` (or from plain YAML).
    pub fn from_yaml(text: &str) -> Result<Report, ReportFormatError> {
        let body = match text.strip_prefix("---") {
            Some(rest) => {
                let rest = rest.trim_start_matches(' ');
                rest.strip_prefix(REPORT_YAML_TAG).unwrap_or(rest)
            }
            None => text,
        };
        Ok(serde_yaml_ng::from_str(body)?)
    }

    /// The value of one metric, e.g. `("resources", "changed")`.
    pub fn metric(&self, category: &str, name: &str) -> Option<&Value> {
        self.metrics.get(category)?.values.iter().find(|(n, _, _)| n == name).map(|(_, _, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_and_json_round_trip() {
        let text = r#"{"host":"a.example.com","time":"2026-11-27T05:02:15.111416931+00:00","configuration_version":1700000000,"transaction_uuid":"u","report_format":12,"puppet_version":"7.23.0","status":"changed","transaction_completed":true,"noop":false,"noop_pending":false,"environment":"production","logs":[{"level":"notice","message":"created","source":"/Stage[main]/Main/File[/x]/ensure","tags":["notice"],"time":"2026-11-27T05:02:15.111416931+00:00","file":"/s.pp","line":1}],"metrics":{"changes":{"name":"changes","label":"Changes","values":[["total","Total",1]]}},"resource_statuses":{"File[/x]":{"title":"/x","file":"/s.pp","line":1,"resource":"File[/x]","resource_type":"File","provider_used":"posix","containment_path":["Stage[main]","Main","File[/x]"],"evaluation_time":0.001,"tags":["file"],"time":"2026-11-27T05:02:15.111416931+00:00","failed":false,"failed_to_restart":false,"changed":true,"out_of_sync":true,"skipped":false,"change_count":1,"out_of_sync_count":1,"events":[{"audited":false,"property":"ensure","previous_value":"absent","desired_value":"file","historical_value":null,"message":"defined content as '{sha256}ab'","name":"file_created","status":"success","time":"2026-11-27T05:02:15.111416931+00:00","redacted":null,"corrective_change":false}],"corrective_change":false}},"corrective_change":false,"catalog_uuid":"c","cached_catalog_status":"not_used"}"#;
        let report = Report::from_json(text).unwrap();
        let orig: serde_json::Value = serde_json::from_str(text).unwrap();
        let again: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(orig, again);
        let yaml = report.to_yaml();
        assert!(yaml.starts_with("--- !ruby/object:Puppet::Transaction::Report\nhost: a.example.com\n"));
        assert_eq!(Report::from_yaml(&yaml).unwrap(), report);
        assert_eq!(report.metric("changes", "total"), Some(&Value::from(1)));
    }
}
