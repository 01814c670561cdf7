//! `PUT /puppet/v3/report/<name>`: hand the agent's report to the processors.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;

use super::{blocking, json_response, path_tail, AppState, Params};
use crate::error::ApiError;
use crate::reports::{valid_host, ReportError};

/// Parses the report (JSON or PSON), checks that it is about the node the URL (and so the
/// certificate) names, runs the processors and answers with their names, e.g. `["store"]`.
pub(super) async fn report(
    State(state): State<Arc<AppState>>,
    uri: Uri,
    body: Bytes,
) -> Result<Response, ApiError> {
    let name = path_tail(&uri, "/puppet/v3/report/")?;
    let params = Params::from_uri(&uri);
    state.environment(&params)?;
    let report = crate::wire::report(&body)
        .map_err(|e| ApiError::bad_request(format!("Could not parse the report for {name}: {e}")))?;
    if !valid_host(&report.host) {
        return Err(ApiError::bad_request(format!("Invalid report host '{}'", report.host)));
    }
    if report.host != name {
        return Err(ApiError::bad_request(format!(
            "The report's host '{}' does not match the request's node '{name}'",
            report.host
        )));
    }
    state.metrics.run(match report.status {
        bunraku_model::RunStatus::Changed => "changed",
        bunraku_model::RunStatus::Unchanged => "unchanged",
        bunraku_model::RunStatus::Failed => "failed",
    });
    let names = blocking(move || {
        state.reports.process(&report).map_err(|err| match err {
            ReportError::BadHost(_) => ApiError::bad_request(err.to_string()),
            ReportError::Io { .. } => ApiError::internal(format!(
                "Could not process the report for {name} (it was kept for a retry): {err}"
            )),
        })
    })
    .await?;
    Ok(json_response(serde_json::Value::from(names).to_string()))
}
