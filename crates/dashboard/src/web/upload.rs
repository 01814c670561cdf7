//! `POST /reports/upload`: what Puppet's `http` report processor sends (and our master's).

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};

use super::tls::ClientCert;
use super::AppState;
use crate::error::DashboardError;
use crate::queue::{parse_upload, ParsedUpload};

/// Checks the source (a listed network, or a client certificate from our CA over HTTPS: a
/// master's for any node, a node's for itself), parses and validates the body (a bad report is a
/// 400 saying what is wrong),
/// and queues it; the answer comes once the report is committed durably to the queue table
/// (uploads arriving together share that commit).
pub async fn upload(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    cert: Option<Extension<ClientCert>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(Extension(c)) = &cert {
        tracing::debug!(%peer, certname = %c.certname, "report upload with a client certificate");
    } else if !state.config.upload_policy.allows(peer.ip()) {
        tracing::warn!(%peer, "report upload refused: not from a configured network");
        return (StatusCode::FORBIDDEN, format!("report uploads are not allowed from {}\n", peer.ip()))
            .into_response();
    }
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let ParsedUpload { digest: report, packed } = match parse_upload(content_type, &body) {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(%peer, "report upload rejected: {e}");
            return (StatusCode::BAD_REQUEST, format!("{e}\n")).into_response();
        }
    };
    drop(body);
    if let Some(Extension(c)) = &cert {
        if !c.may_upload_for(&report.host) {
            tracing::warn!(%peer, certname = %c.certname, host = %report.host, "report upload refused: the certificate is another node's");
            return (
                StatusCode::FORBIDDEN,
                format!("the certificate of {} may not upload reports for {}\n", c.certname, report.host),
            )
                .into_response();
        }
    }
    match state.signal.enqueue(&state.store, &report.host, packed, &peer.ip().to_string()).await {
        Ok(id) => {
            tracing::debug!(host = %report.host, queue_id = id, "report queued");
            state.metrics.run(report.status);
            let answer = Json(serde_json::json!({ "queued": id, "host": report.host }));
            if !state.signal.hand_over(id, report) {
                state.signal.wake();
            }
            (StatusCode::OK, answer).into_response()
        }
        Err(e @ DashboardError::Database { .. }) => {
            tracing::error!("report upload could not be queued: {e}");
            (StatusCode::SERVICE_UNAVAILABLE, format!("{e}\n")).into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, format!("{e}\n")).into_response(),
    }
}

/// `POST /facts/upload`: a node's facts in Puppet's facts format (`{"name": …, "values": {…}}`,
/// what agents PUT to `/puppet/v3/facts`), from the same sources as reports; shown on the node page.
pub async fn upload_facts(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    cert: Option<Extension<ClientCert>>,
    body: Bytes,
) -> Response {
    if cert.is_none() && !state.config.upload_policy.allows(peer.ip()) {
        return (StatusCode::FORBIDDEN, format!("fact uploads are not allowed from {}\n", peer.ip()))
            .into_response();
    }
    let doc: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return (StatusCode::BAD_REQUEST, format!("malformed facts: {e}\n")).into_response(),
    };
    let (Some(name), Some(values)) = (doc.get("name").and_then(|n| n.as_str()), doc.get("values")) else {
        return (StatusCode::BAD_REQUEST, "malformed facts: needs \"name\" (string) and \"values\"\n")
            .into_response();
    };
    if name.is_empty() || name.len() > 255 || name.contains('/') || !values.is_object() {
        return (StatusCode::BAD_REQUEST, "malformed facts: bad \"name\" or \"values\" is not an object\n")
            .into_response();
    }
    if let Some(Extension(c)) = &cert {
        if !c.may_upload_for(name) {
            return (
                StatusCode::FORBIDDEN,
                format!("the certificate of {} may not upload facts for {name}\n", c.certname),
            )
                .into_response();
        }
    }
    match state.store.store_facts(name, values).await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({ "stored": name }))).into_response(),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("{e}\n")).into_response(),
    }
}
