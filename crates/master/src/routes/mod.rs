//! The HTTP API: shared state, the auth layer, request-parameter helpers and the route table.
//!
//! Handlers read their path tails from the raw URI and percent-decode them themselves, so a bad
//! escape is a 400 that names the request rather than a generic extractor rejection.

mod ca;
mod catalog;
mod filebucket;
mod files;
mod report;
mod status;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::Router;
use bunraku_lang::Environment;
use bunraku_pki::{CertificateAuthority, PeerIdentity};
use tokio::sync::Semaphore;

use crate::auth;
use crate::environments::{EnvironmentError, Environments};
use crate::error::{ApiError, JSON};
use crate::reports::ReportProcessors;
use crate::tls_listener::{ConnectionInfo, TlsState};
use crate::MasterConfig;

/// What every handler shares.
pub(crate) struct AppState {
    pub config: MasterConfig,
    pub ca: Option<Arc<CertificateAuthority>>,
    pub environments: Environments,
    pub reports: ReportProcessors,
    pub tls: Arc<TlsState>,
    /// Bounds concurrent compiles (and fact decodes) to the number of cores (they are CPU-bound).
    pub compile_slots: Arc<Semaphore>,
    pub metrics: crate::metrics::Metrics,
}

impl AppState {
    pub(crate) fn new(
        config: MasterConfig,
        ca: Option<Arc<CertificateAuthority>>,
        environments: Environments,
        reports: ReportProcessors,
        tls: Arc<TlsState>,
    ) -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        AppState {
            config,
            ca,
            environments,
            reports,
            tls,
            compile_slots: Arc::new(Semaphore::new(cores)),
            metrics: crate::metrics::Metrics::new(),
        }
    }

    /// The environment named by the request's `environment` parameter: 400 when missing or
    /// malformed, 404 when unknown.
    pub(crate) fn environment(&self, params: &Params) -> Result<(String, Arc<Environment>), ApiError> {
        let Some(name) = params.get("environment") else {
            return Err(ApiError::bad_request("An environment parameter must be specified"));
        };
        match self.environments.get(name) {
            Ok(env) => Ok((name.to_string(), env)),
            Err(err @ EnvironmentError::BadName(_)) => Err(ApiError::bad_request(err.to_string())),
            Err(err @ EnvironmentError::NotFound(_)) => {
                Err(ApiError::json(StatusCode::NOT_FOUND, "RUNTIME_ERROR", err.to_string()))
            }
            Err(err @ EnvironmentError::Open { .. }) => {
                tracing::error!("{err}");
                Err(ApiError::internal(err.to_string()))
            }
        }
    }
}

/// The client identity that passed the auth layer (`None`: unauthenticated endpoint, no cert).
#[derive(Debug, Clone)]
pub(crate) struct Authenticated(pub Option<PeerIdentity>);

/// A request's parameters in order, repeated keys kept (`ignore=.svn&ignore=CVS`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    /// The query string's parameters.
    pub fn from_uri(uri: &Uri) -> Params {
        Params::from_form(uri.query().unwrap_or("").as_bytes())
    }

    /// A form-encoded body's (or query's) parameters.
    pub fn from_form(bytes: &[u8]) -> Params {
        Params(form_urlencoded::parse(bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    /// Appends `other`'s parameters (earlier ones win in [`Params::get`]).
    pub fn extend(&mut self, other: Params) {
        self.0.extend(other.0);
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// The percent-decoded remainder of the request path after `prefix`.
pub(crate) fn path_tail(uri: &Uri, prefix: &str) -> Result<String, ApiError> {
    let raw = uri.path().strip_prefix(prefix).unwrap_or("");
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| ApiError::bad_request(format!("Invalid percent-encoding in {}", uri.path())))
}

/// A 200 JSON response with `Content-Type: application/json`.
pub(crate) fn json_response(body: String) -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, HeaderValue::from_static(JSON))], body).into_response()
}

/// Runs a blocking closure off the async workers; a panic inside becomes a 500.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        tracing::error!("request task failed: {e}");
        ApiError::internal("internal error")
    })?
}

/// Evaluates the auth rules before any handler runs. A client whose certificate serial is on the
/// CRL counts as unauthenticated (the handshake already refuses it once the config reloads).
async fn authorize(State(state): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
    let conn = request.extensions().get::<ConnectionInfo>().cloned();
    let remote = conn.as_ref().map(|c| c.remote_addr.to_string()).unwrap_or_else(|| "?".into());
    let peer = conn.and_then(|c| c.peer).filter(|p| {
        let revoked = state.tls.is_revoked(p.serial);
        if revoked {
            tracing::warn!(
                "Certificate of {} (serial {}) is revoked; treating {remote} as unauthenticated",
                p.certname,
                p.serial
            );
        }
        !revoked
    });
    let method = request.method().clone();
    let Ok(path) =
        percent_encoding::percent_decode_str(request.uri().path()).decode_utf8().map(|p| p.into_owned())
    else {
        return ApiError::text(
            StatusCode::BAD_REQUEST,
            format!("Invalid percent-encoding in {}", request.uri().path()),
        )
        .into_response();
    };
    match auth::authorize(auth::DEFAULT_RULES, &method, &path, peer.as_ref()) {
        auth::Decision::Allowed { rule } => {
            tracing::trace!("{method} {path} allowed by '{rule}'");
            request.extensions_mut().insert(Authenticated(peer));
            let started = std::time::Instant::now();
            let response = next.run(request).await;
            state.metrics.request(response.status().as_u16());
            tracing::debug!(
                "{remote} {method} {path} {} ({:.3}s)",
                response.status().as_u16(),
                started.elapsed().as_secs_f64()
            );
            response
        }
        auth::Decision::Denied { rule, reason } => {
            let who = peer.as_ref().map(|p| p.certname.as_str()).unwrap_or("an unauthenticated client");
            tracing::warn!(
                "Forbidden request: {who}({remote}) access to {path} [{method}] ({reason}; rule: {})",
                rule.unwrap_or("none")
            );
            state.metrics.request(StatusCode::FORBIDDEN.as_u16());
            ApiError::text(StatusCode::FORBIDDEN, auth::forbidden_message(&path, &method)).into_response()
        }
    }
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!("No route for {}", uri.path()))
}

/// The full route table, behind the auth layer.
pub(crate) fn router(state: Arc<AppState>) -> Router {
    let body = state.config.limits.body.clone();
    let facts_limit = DefaultBodyLimit::max(body.facts);
    Router::new()
        // CA
        .route("/puppet-ca/v1/certificate/{*name}", get(ca::certificate))
        .route("/puppet-ca/v1/certificate_revocation_list/ca", get(ca::crl))
        .route("/puppet-ca/v1/certificate_request/{*name}", get(ca::csr_get).put(ca::csr_put))
        .route(
            "/puppet-ca/v1/certificate_status/{*name}",
            get(ca::status_get).put(ca::status_put).delete(ca::status_delete),
        )
        .route("/puppet-ca/v1/certificate_statuses/{*key}", get(ca::statuses))
        .route("/puppet-ca/v1/clean", put(ca::clean))
        .route("/puppet-ca/v1/expirations", get(ca::expirations))
        // Puppet
        .route("/puppet/v3/node/{*name}", get(catalog::node))
        .route(
            "/puppet/v3/catalog/{*name}",
            get(catalog::catalog_get).post(catalog::catalog_post).layer(facts_limit),
        )
        .route("/puppet/v3/file_metadata/{*path}", get(files::metadata))
        .route("/puppet/v3/file_metadatas/{*path}", get(files::metadatas))
        .route("/puppet/v3/file_content/{*path}", get(files::content))
        .route("/puppet/v3/report/{*name}", put(report::report).layer(DefaultBodyLimit::max(body.report)))
        .route(
            "/puppet/v3/file_bucket_file/{*key}",
            get(filebucket::find)
                .head(filebucket::find)
                .put(filebucket::save)
                .layer(DefaultBodyLimit::max(body.filebucket)),
        )
        .route("/puppet/v3/facts/{*name}", put(catalog::facts_put).layer(facts_limit))
        .route("/puppet/v3/environments", get(catalog::environments))
        // Status
        .route("/status/v1/simple", get(status::simple))
        .route("/status/v1/simple/{*service}", get(status::simple))
        .route("/status/v1/services", get(status::services))
        .route("/status/v1/services/{*service}", get(status::service))
        .route("/metrics", get(status::metrics))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), authorize))
        .layer(DefaultBodyLimit::max(body.other))
        .with_state(state)
}
