//! One module per page; each renders from one store query.

pub mod failures;
pub mod login;
pub mod node;
pub mod nodes;
pub mod overview;
pub mod report;
pub mod users;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup};

use crate::error::DashboardError;

/// A rendered page as a response.
pub fn respond(markup: Markup) -> Response {
    Html(markup.into_string()).into_response()
}

/// An error as a page: bad input is the client's (400), anything else the server's (500).
pub fn error_page(e: &DashboardError) -> Response {
    let status = match e {
        DashboardError::BadReport(_) | DashboardError::Invalid(_) => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    if status.is_server_error() {
        tracing::error!("dashboard request failed: {e}");
    }
    let body = html! { p class="error" { (e.to_string()) } };
    (status, Html(super::layout::page("Error", None, body).into_string())).into_response()
}

/// 404 for an unknown node or report.
pub fn not_found(what: &str) -> Response {
    let body =
        html! { p { (what) " does not exist (or was pruned). " a href="/" { "Back to the overview" } } };
    (StatusCode::NOT_FOUND, Html(super::layout::page("Not found", None, body).into_string())).into_response()
}
