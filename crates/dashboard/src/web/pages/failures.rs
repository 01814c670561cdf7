//! The failures page: the latest failed runs and what failed in each.

use axum::extract::State;
use axum::response::Response;
use maud::html;

use super::{error_page, respond};
use crate::web::layout::{self, node_link, time};
use crate::web::session::Authed;
use crate::web::AppState;

/// `GET /failures`
pub async fn page(State(state): State<AppState>, Authed(session): Authed) -> Response {
    let failures = match state.store.failures(100).await {
        Ok(f) => f,
        Err(e) => return error_page(&e),
    };
    let body = html! {
        @if failures.is_empty() { p { "No failed runs." } }
        table id="failures" {
            tr { th { "Node" } th { "Time" } th { "What failed" } th { "Report" } }
            @for f in &failures {
                tr {
                    td { (node_link(&f.report.host)) }
                    td { (time(f.report.time)) }
                    td {
                        ul {
                            @for e in &f.failed_events { li { strong { (e.resource) } ": " (e.message) } }
                            @for l in &f.errors { li { (l.source) ": " (l.message) } }
                        }
                    }
                    td { a href=(format!("/reports/{}", f.report.id)) { "report " (f.report.id) } }
                }
            }
        }
    };
    respond(layout::page("Failures", Some(&session), body))
}
