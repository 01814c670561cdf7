//! A report's page: summary, events with old and new values and file diffs, the resources that
//! did something, logs, and metrics (time per resource type and per phase).

use axum::extract::{Path, State};
use axum::response::Response;
use maud::html;

use super::{error_page, not_found, respond};
use crate::charts;
use crate::web::layout::{self, badge, diff, node_link, time};
use crate::web::session::Authed;
use crate::web::AppState;

/// Phases of a run, as opposed to resource types, in Puppet's `time` metrics.
const PHASES: &[&str] = &[
    "startup_time",
    "node_retrieval",
    "plugin_sync",
    "fact_generation",
    "convert_catalog",
    "config_retrieval",
    "transaction_evaluation",
    "catalog_application",
    "total",
];

/// `GET /reports/{id}`
pub async fn page(
    State(state): State<AppState>,
    Authed(session): Authed,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else { return not_found(&format!("Report {id}")) };
    let detail = match state.store.report(id).await {
        Ok(Some(d)) => d,
        Ok(None) => return not_found(&format!("Report {id}")),
        Err(e) => return error_page(&e),
    };
    let r = &detail.report;
    let time_metrics = detail.metrics.iter().filter(|m| m.category == "time");
    let mut per_type: Vec<(String, f64)> = Vec::new();
    let mut per_phase: Vec<(String, f64)> = Vec::new();
    for m in time_metrics {
        if PHASES.contains(&m.name.as_str()) {
            per_phase.push((m.label.clone(), m.value));
        } else {
            per_type.push((m.label.clone(), m.value));
        }
    }
    per_type.sort_by(|a, b| b.1.total_cmp(&a.1));
    let body = html! {
        table id="summary" {
            tr { th { "Node" } td { (node_link(&r.host)) } }
            tr { th { "Status" } td { (badge(&r.status)) @if r.noop { " (noop)" } @if r.noop_pending { " — noop changes pending" } } }
            tr { th { "Time" } td { (time(r.time)) } }
            tr { th { "Environment" } td { (r.environment) } }
            tr { th { "Configuration version" } td { (r.configuration_version) } }
            tr { th { "Transaction" } td { (r.transaction_uuid.clone().unwrap_or_default()) } }
            tr { th { "Catalog" } td { (detail.catalog_uuid.clone().unwrap_or_default()) " " (detail.cached_catalog_status.clone().unwrap_or_default()) } }
            tr { th { "Puppet" } td { (r.puppet_version) } }
            tr { th { "Resources" } td { (r.resources_total) " total, " (r.resources_changed) " changed, " (r.resources_failed) " failed, " (r.resources_skipped) " skipped, " (r.resources_out_of_sync) " out of sync" } }
            tr { th { "Completed" } td { (if detail.transaction_completed { "yes" } else { "no" }) } }
        }
        h2 { "Events" }
        @if detail.events.is_empty() { p { "No events." } }
        @else {
            table id="events" {
                tr { th { "Resource" } th { "Property" } th { "Old value" } th { "New value" } th { "Status" } th { "Message" } }
                @for e in &detail.events {
                    tr class=(format!("event {}", e.status)) {
                        td { (e.resource) } td { (e.property.clone().unwrap_or_default()) }
                        td { code class="old" { (e.previous_value) } } td { code class="new" { (e.desired_value) } }
                        td { (badge(&e.status)) }
                        td {
                            (e.message)
                            @if let Some(d) = &e.diff { (diff(d)) }
                        }
                    }
                }
            }
        }
        h2 { "Resources that did something" }
        @if detail.resource_statuses.is_empty() { p { "None: every resource was in sync." } }
        @else {
            table id="resources" {
                tr { th { "Resource" } th { "Where" } th { "Failed" } th { "Changed" } th { "Skipped" } th { "Time" } }
                @for s in &detail.resource_statuses {
                    tr {
                        td { (s.resource) }
                        td { (s.file.clone().unwrap_or_default()) @if let Some(l) = s.line { ":" (l) } }
                        td { @if s.failed { strong class="error" { "failed" } } }
                        td { @if s.changed { "changed" } }
                        td { @if s.skipped { "skipped" } }
                        td { (format!("{:.4} s", s.evaluation_time)) }
                    }
                }
            }
        }
        h2 { "Logs" }
        table id="logs" {
            tr { th { "Level" } th { "Source" } th { "Message" } th { "Time" } }
            @for l in &detail.logs {
                tr {
                    td class=(format!("level-{}", l.level)) { (l.level) }
                    td { (l.source) }
                    td { @if crate::diff::extract(&l.message).is_some() { (diff(l.message.trim_start())) } @else { (l.message) } }
                    td { (time(l.time)) }
                }
            }
        }
        h2 { "Time per resource type" }
        (charts::time_bars(&per_type))
        h2 { "Time per phase" }
        (charts::time_bars(&per_phase))
        h2 { "Metrics" }
        table id="metrics" {
            tr { th { "Category" } th { "Name" } th { "Value" } }
            @for m in &detail.metrics { tr { td { (m.category) } td { (m.label) } td { (m.value) } } }
        }
    };
    respond(layout::page(&format!("Report {id} — {}", r.host), Some(&session), body))
}
