//! The JSON API (documented in API.md): the same data as the pages, behind the same login
//! (session cookie, or HTTP basic auth for scripts).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use super::pages::nodes::NodeParams;
use super::session::Authed;
use super::AppState;
use crate::error::DashboardError;

fn json<T: Serialize>(result: Result<T, DashboardError>) -> Response {
    match result {
        Ok(v) => Json(v).into_response(),
        Err(e) => {
            tracing::error!("dashboard API request failed: {e}");
            (StatusCode::INTERNAL_SERVER_ERROR, Json(serde_json::json!({ "error": e.to_string() })))
                .into_response()
        }
    }
}

fn missing(what: String) -> Response {
    (StatusCode::NOT_FOUND, Json(serde_json::json!({ "error": format!("{what} not found") }))).into_response()
}

/// `GET /api/v1/overview`
pub async fn overview(State(state): State<AppState>, _: Authed) -> Response {
    json(state.store.overview(&state.clock()).await)
}

/// `GET /api/v1/nodes?search=&state=&environment=&sort=&desc=&page=&limit=`
pub async fn nodes(State(state): State<AppState>, _: Authed, Query(params): Query<NodeParams>) -> Response {
    json(state.store.nodes(&params.to_query(), &state.clock()).await)
}

/// `GET /api/v1/nodes/{name}`
pub async fn node(State(state): State<AppState>, _: Authed, Path(name): Path<String>) -> Response {
    match state.store.node(&name, &state.clock(), 50).await {
        Ok(None) => missing(format!("node {name}")),
        other => json(other),
    }
}

/// `GET /api/v1/reports/{id}`
pub async fn report(State(state): State<AppState>, _: Authed, Path(id): Path<String>) -> Response {
    let Ok(n) = id.parse::<i64>() else { return missing(format!("report {id}")) };
    match state.store.report(n).await {
        Ok(None) => missing(format!("report {id}")),
        other => json(other),
    }
}

/// `GET /api/v1/failures`
pub async fn failures(State(state): State<AppState>, _: Authed) -> Response {
    json(state.store.failures(100).await)
}

/// `GET /status`: unauthenticated liveness for load balancers and the master's http processor.
pub async fn status(State(state): State<AppState>) -> Response {
    match state.store.pending_tasks().await {
        Ok(n) => Json(serde_json::json!({ "status": "running", "pending_tasks": n })).into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "error", "error": e.to_string() })),
        )
            .into_response(),
    }
}
