//! `GET /metrics`: the dashboard's Prometheus metrics (OpenMetrics text): requests by status,
//! uploaded runs by status, and the ingestion queue's depth (read from the store when scraped).

use std::sync::atomic::AtomicI64;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bunraku_model::RunStatus;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use super::AppState;

type Labels = Vec<(&'static str, String)>;

/// The dashboard's metrics; updated from any handler (atomics).
pub struct Metrics {
    registry: Registry,
    requests: Family<Labels, Counter>,
    runs: Family<Labels, Counter>,
    queue: Gauge<i64, AtomicI64>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("bunraku_dashboard");
        let requests = Family::<Labels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered, by status code", requests.clone());
        let runs = Family::<Labels, Counter>::default();
        registry.register(
            "uploaded_runs",
            "Agent run reports accepted by /reports/upload, by status (changed, unchanged, failed)",
            runs.clone(),
        );
        let queue = Gauge::default();
        registry.register("queue_depth", "Reports accepted but not stored yet", queue.clone());
        Metrics { registry, requests, runs, queue }
    }
}

impl Metrics {
    /// Counts an answered request.
    pub fn request(&self, status: u16) {
        self.requests.get_or_create(&vec![("code", status.to_string())]).inc();
    }

    /// Counts an accepted report.
    pub fn run(&self, status: RunStatus) {
        let status = match status {
            RunStatus::Changed => "changed",
            RunStatus::Unchanged => "unchanged",
            RunStatus::Failed => "failed",
        };
        self.runs.get_or_create(&vec![("status", status.to_string())]).inc();
    }

    fn render(&self, queue_depth: i64) -> String {
        self.queue.set(queue_depth);
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

/// Counts every answered request by its status.
pub async fn count(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let response = next.run(request).await;
    state.metrics.request(response.status().as_u16());
    response
}

/// The metrics' text; 503 when the store cannot say how deep the queue is.
pub async fn page(State(state): State<AppState>) -> Response {
    let depth = match state.store.pending_tasks().await {
        Ok(n) => n,
        Err(e) => return (StatusCode::SERVICE_UNAVAILABLE, format!("{e}\n")).into_response(),
    };
    let content_type = HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8");
    (StatusCode::OK, [(header::CONTENT_TYPE, content_type)], state.metrics.render(depth)).into_response()
}
