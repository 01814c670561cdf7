//! `/status/v1`: liveness for load balancers and `server_list` agents.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::json_response;
use crate::error::TEXT;

/// `GET /status/v1/simple[/<service>]`: `running` as plain text.
pub(super) async fn simple() -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, HeaderValue::from_static(TEXT))], "running").into_response()
}

/// The services puppetserver 7.9.5 lists that have a counterpart here (its `puppet-profiler` and
/// `jruby-metrics` are the JVM's own and are left out).
const SERVICES: &[&str] = &["ca", "master", "server", "status-service"];

fn service_status(name: &str) -> serde_json::Value {
    let version = if name == "status-service" { "1.1.1" } else { bunraku_model::PUPPET_VERSION };
    serde_json::json!({
        "service_version": version,
        "service_status_version": 1,
        "detail_level": "info",
        "state": "running",
        "status": {},
        "active_alerts": [],
    })
}

/// `GET /status/v1/services`: every service by name, as puppetserver answers (without
/// `service_name`, which only the one-service form carries).
pub(super) async fn services() -> Response {
    let body: serde_json::Map<String, serde_json::Value> =
        SERVICES.iter().map(|name| (name.to_string(), service_status(name))).collect();
    json_response(serde_json::Value::Object(body).to_string())
}

/// `GET /status/v1/services/<service>`: one service with its `service_name`; 404 as puppetserver
/// for a service it does not run.
pub(super) async fn service(Path(name): Path<String>) -> Response {
    if !SERVICES.contains(&name.as_str()) {
        let body = serde_json::json!({
            "kind": "service-not-found",
            "msg": format!("No status information found for service {name}"),
        });
        let mut response = json_response(body.to_string());
        *response.status_mut() = StatusCode::NOT_FOUND;
        return response;
    }
    let mut status = service_status(&name);
    status["service_name"] = serde_json::Value::String(name);
    json_response(status.to_string())
}

/// `GET /metrics`: the master's Prometheus metrics (see [`crate::metrics`]).
pub(super) async fn metrics(
    axum::extract::State(state): axum::extract::State<std::sync::Arc<super::AppState>>,
) -> Response {
    let content_type = HeaderValue::from_static(crate::metrics::CONTENT_TYPE);
    (StatusCode::OK, [(header::CONTENT_TYPE, content_type)], state.metrics.render()).into_response()
}
