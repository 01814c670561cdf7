//! The front page: node counts by state, pending tasks, runs over time, recent failures.

use axum::extract::State;
use axum::response::Response;
use maud::html;

use super::{error_page, respond};
use crate::charts;
use crate::store::NodeState;
use crate::web::layout::{self, node_link, time};
use crate::web::session::Authed;
use crate::web::AppState;

/// `GET /`
pub async fn page(State(state): State<AppState>, Authed(session): Authed) -> Response {
    let overview = match state.store.overview(&state.clock()).await {
        Ok(o) => o,
        Err(e) => return error_page(&e),
    };
    let body = html! {
        div class="counts" {
            @for s in NodeState::ALL {
                a class=(format!("count {}", s.as_str())) id=(format!("count-{}", s.as_str())) href=(format!("/nodes?state={}", s.as_str())) {
                    span class="n" { (overview.counts.get(s)) }
                    (s.label())
                }
            }
            a class="count" id="count-total" href="/nodes" { span class="n" { (overview.counts.total) } "All nodes" }
            div class="count" id="pending-tasks" { span class="n" { (overview.pending_tasks) } "Pending tasks" }
        }
        h2 { "Runs over the last 24 hours" }
        (charts::runs_over_time(&overview.runs))
        p class="legend" {
            @for s in ["failed", "changed", "noop", "unchanged"] {
                span { i style=(format!("background:{}", charts::color(s))) {} (s) }
            }
        }
        h2 { "Recent failures" }
        @if overview.recent_failures.is_empty() {
            p { "No failed runs." }
        } @else {
            table id="recent-failures" {
                tr { th { "Node" } th { "Time" } th { "Failed resources" } th { "Report" } }
                @for r in &overview.recent_failures {
                    tr {
                        td { (node_link(&r.host)) }
                        td { (time(r.time)) }
                        td { (r.resources_failed) }
                        td { a href=(format!("/reports/{}", r.id)) { "report " (r.id) } }
                    }
                }
            }
            p { a href="/failures" { "All failures" } }
        }
    };
    respond(layout::page("Overview", Some(&session), body))
}
