//! `/status/v1`: liveness for load balancers and `server_list` agents.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::json_response;
use crate::error::TEXT;

/// `GET /status/v1/simple[/<service>]`: `running` as plain text.
pub(super) async fn simple() -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, HeaderValue::from_static(TEXT))], "running").into_response()
}

/// `GET /status/v1/services[/<service>]`: the services puppetserver reports, all running.
pub(super) async fn services() -> Response {
    let version = bunraku_model::PUPPET_VERSION;
    let service = |name: &str| {
        serde_json::json!({
            "service_version": version,
            "service_status_version": 1,
            "detail_level": "info",
            "state": "running",
            "status": {},
            "active_alerts": [],
            "service_name": name,
        })
    };
    let body = serde_json::json!({
        "server": service("server"),
        "ca": service("ca"),
        "status-service": service("status-service"),
    });
    json_response(body.to_string())
}
