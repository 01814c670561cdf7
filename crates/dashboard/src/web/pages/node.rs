//! A node's page: run history chart, latest runs, last changes, classes and resources, facts.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::html;

use super::{error_page, not_found, respond};
use crate::charts;
use crate::web::layout::{self, badge, maybe_time, time};
use crate::web::session::Authed;
use crate::web::AppState;

/// `GET /nodes/{name}`
pub async fn page(
    State(state): State<AppState>,
    Authed(session): Authed,
    Path(name): Path<String>,
) -> Response {
    let detail = match state.store.node(&name, &state.clock(), 50).await {
        Ok(Some(d)) => d,
        Ok(None) => return not_found(&format!("Node {name}")),
        Err(e) => return error_page(&e),
    };
    let n = &detail.node;
    let body = html! {
        p id="node-state" {
            (badge(n.state.as_str())) " last run " (maybe_time(n.latest_time))
            @if let Some(env) = &n.environment { " in environment " strong { (env) } }
            @if let Some(v) = &n.configuration_version { ", configuration version " code { (v) } }
            @if let Some(id) = n.latest_report_id { " — " a href=(format!("/reports/{id}")) { "latest report" } }
        }
        h2 { "Run history" }
        (charts::node_history(&detail.reports))
        h2 { "Runs" }
        table id="runs" {
            tr { th { "Time" } th { "Status" } th { "Changed" } th { "Failed" } th { "Out of sync" } th { "Total" } th { "Duration" } th { "Config version" } }
            @for r in &detail.reports {
                tr {
                    td { a href=(format!("/reports/{}", r.id)) { (time(r.time)) } }
                    td { (badge(if r.noop_pending && r.status != "failed" { "noop" } else { &r.status })) }
                    td { (r.resources_changed) } td { (r.resources_failed) } td { (r.resources_out_of_sync) }
                    td { (r.resources_total) } td { (format!("{:.2} s", r.time_total)) } td { (r.configuration_version) }
                }
            }
        }
        h2 { "Last changes" }
        @if detail.last_changes.is_empty() { p { "No changes in the latest runs." } }
        @else {
            table id="last-changes" {
                tr { th { "Resource" } th { "Property" } th { "From" } th { "To" } th { "Status" } th { "Report" } }
                @for e in &detail.last_changes {
                    tr {
                        td { (e.resource) } td { (e.property.clone().unwrap_or_default()) }
                        td { code { (e.previous_value) } } td { code { (e.desired_value) } }
                        td { (badge(&e.status)) }
                        td { a href=(format!("/reports/{}", e.report_id)) { (time(e.time)) } }
                    }
                }
            }
        }
        h2 { "Classes" }
        @if detail.catalog.classes.is_empty() { p { "None recorded." } }
        @else { ul id="classes" { @for c in &detail.catalog.classes { li { (c) } } } }
        details {
            summary { (detail.catalog.resources.len()) " resources in the latest run" }
            ul id="resources" { @for r in &detail.catalog.resources { li { (r) } } }
        }
        h2 { "Facts" }
        @match &detail.facts {
            Some(facts) => { pre id="facts" { (serde_json::to_string_pretty(facts).unwrap_or_default()) } }
            None => { p { "No facts stored for this node." } }
        }
    };
    respond(layout::page(&format!("Node {name}"), Some(&session), body))
}
