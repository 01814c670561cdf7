//! `node`, `catalog` and `environments` under `/puppet/v3`: classification and compilation.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::Uri;
use axum::response::Response;
use bunraku_lang::{CompileError, CompileRequest};
use bunraku_model::{Facts, Node, Value};
use indexmap::IndexMap;

use super::{blocking, json_response, path_tail, AppState, Authenticated, Params};
use crate::error::ApiError;
use crate::tls_listener::ConnectionInfo;
use crate::wire::{self, WireError};

/// `GET /puppet/v3/node/<name>?environment=…`: the node's environment (the one it asked for).
pub(super) async fn node(State(state): State<Arc<AppState>>, uri: Uri) -> Result<Response, ApiError> {
    let name = path_tail(&uri, "/puppet/v3/node/")?;
    let params = Params::from_uri(&uri);
    let (environment, _) = state.environment(&params)?;
    let node = Node { name, environment, classes: Vec::new(), parameters: IndexMap::new() };
    let body = serde_json::to_string(&node).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(json_response(body))
}

/// `PUT /puppet/v3/facts/<name>?environment=…` (agents with `resubmit_facts`): checked and
/// acknowledged. There is no facts store yet; catalogs are compiled from the facts they carry.
pub(super) async fn facts_put(
    State(state): State<Arc<AppState>>,
    uri: Uri,
    body: Bytes,
) -> Result<Response, ApiError> {
    let name = path_tail(&uri, "/puppet/v3/facts/")?;
    state.environment(&Params::from_uri(&uri))?;
    // Decoded inside a compile slot: a fact set costs several times its size while it is decoded,
    // so at most as many are decoded at once as compiles run.
    let _slot = state.compile_slots.acquire().await.map_err(|_| ApiError::internal("shutting down"))?;
    let node = name.clone();
    let facts: Facts = blocking(move || {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("Could not parse the facts of {node}: {e}")))
    })
    .await?;
    if facts.name != name {
        return Err(ApiError::bad_request(format!(
            "The facts' name '{}' does not match the request's node '{name}'",
            facts.name
        )));
    }
    tracing::debug!("Received {} facts from {name}", facts.values.len());
    Ok(json_response("null".into()))
}

/// `POST /puppet/v3/catalog/<name>` with the form body of §1.3 (query parameters also count).
/// The facts stay encoded in the body until a compile slot is free (see [`wire`]).
pub(super) async fn catalog_post(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Authenticated>,
    Extension(conn): Extension<ConnectionInfo>,
    uri: Uri,
    body: Bytes,
) -> Result<Response, ApiError> {
    let mut params = Params(wire::form_params_except(&body, "facts"));
    params.extend(Params::from_uri(&uri));
    let facts = FactsSource::Body(body);
    compile(state, auth, conn, uri, params, facts).await
}

/// `GET /puppet/v3/catalog/<name>?facts=…&environment=…`: the same, all in the query string.
pub(super) async fn catalog_get(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Authenticated>,
    Extension(conn): Extension<ConnectionInfo>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let params = Params(wire::form_params_except(uri.query().unwrap_or("").as_bytes(), "facts"));
    compile(state, auth.clone(), conn, uri.clone(), params, FactsSource::Query(uri)).await
}

/// Where a catalog request's (still encoded) facts are: in its form body or its query string.
enum FactsSource {
    Body(Bytes),
    Query(Uri),
}

impl FactsSource {
    fn raw(&self) -> Option<&[u8]> {
        match self {
            FactsSource::Body(body) => wire::raw_form_value(body, "facts"),
            FactsSource::Query(uri) => wire::raw_form_value(uri.query()?.as_bytes(), "facts"),
        }
    }
}

/// Decodes the facts of a catalog request for `name` (`None`: the request has none); a 400 that
/// names the node when they cannot be read.
pub(crate) fn decode_facts(
    name: &str,
    raw: Option<&[u8]>,
    facts_format: Option<&str>,
) -> Result<Option<Facts>, ApiError> {
    let Some(raw) = raw else { return Ok(None) };
    wire::catalog_facts(raw, facts_format).map(Some).map_err(|e| match e {
        WireError::FactsFormat(_) => ApiError::bad_request(format!("{e} in the catalog request for {name}")),
        _ => {
            ApiError::bad_request(format!("Could not parse the facts of the catalog request for {name}: {e}"))
        }
    })
}

/// `$trusted` for a verified remote certificate.
pub(crate) fn trusted_facts(peer: &bunraku_pki::PeerIdentity) -> IndexMap<String, Value> {
    let (hostname, domain) = match peer.certname.split_once('.') {
        Some((host, domain)) => (host.to_string(), Value::from(domain)),
        None => (peer.certname.clone(), Value::Null),
    };
    let extensions: serde_json::Map<String, Value> =
        peer.extensions.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))).collect();
    let mut trusted = IndexMap::new();
    trusted.insert("authenticated".into(), Value::from("remote"));
    trusted.insert("certname".into(), Value::from(peer.certname.as_str()));
    trusted.insert("domain".into(), domain);
    trusted.insert("extensions".into(), Value::Object(extensions));
    trusted.insert("external".into(), Value::Object(Default::default()));
    trusted.insert("hostname".into(), Value::from(hostname));
    trusted
}

/// puppetserver's text for a compile failure: `<message> (file: F, line: L, column: C) on node N`.
pub(crate) fn compile_error_message(err: &CompileError, node: &str) -> String {
    located_message(&err.message, err.file.as_deref(), err.line, err.column, node)
}

fn located_message(
    message: &str,
    file: Option<&std::path::Path>,
    line: Option<u32>,
    column: Option<u32>,
    node: &str,
) -> String {
    let mut location = Vec::new();
    if let Some(file) = file {
        location.push(format!("file: {}", file.display()));
    }
    if let Some(line) = line {
        location.push(format!("line: {line}"));
    }
    if let Some(column) = column {
        location.push(format!("column: {column}"));
    }
    if location.is_empty() {
        format!("{message} on node {node}")
    } else {
        format!("{message} ({}) on node {node}", location.join(", "))
    }
}

async fn compile(
    state: Arc<AppState>,
    auth: Authenticated,
    conn: ConnectionInfo,
    uri: Uri,
    params: Params,
    facts: FactsSource,
) -> Result<Response, ApiError> {
    let name = path_tail(&uri, "/puppet/v3/catalog/")?;
    // The auth rule already matched the certname to the path; without a peer there is no catalog.
    let Some(peer) = auth.0 else {
        return Err(ApiError::text(
            axum::http::StatusCode::FORBIDDEN,
            crate::auth::forbidden_message(uri.path(), &axum::http::Method::POST),
        ));
    };
    let (environment, env) = state.environment(&params)?;
    let facts_format = params.get("facts_format").map(str::to_string);
    let mut server_facts = IndexMap::new();
    server_facts.insert("serverversion".into(), Value::from(bunraku_model::PUPPET_VERSION));
    server_facts.insert("servername".into(), Value::from(state.config.certname.as_str()));
    server_facts.insert("serverip".into(), Value::from(conn.local_addr.ip().to_string()));
    server_facts.insert("environment".into(), Value::from(environment.as_str()));
    let time_limit = state.config.limits.compile_timeout;

    // The slot is taken before the facts are decoded (they cost several times their size while
    // decoded), and held until the compile ends or is abandoned (below).
    if let Some(refused) =
        admission(&state.config.limits, state.compile_slots.available_permits(), state.metrics.waiting())
    {
        return Ok(refused);
    }
    let queued = state.metrics.queued();
    let _slot = state.compile_slots.acquire().await.map_err(|_| ApiError::internal("shutting down"))?;
    drop(queued);
    let state2 = state.clone();
    let _running = state2.metrics.compiling();
    let started = Instant::now();
    let node = name.clone();
    let work = blocking(move || {
        let facts = match decode_facts(&name, facts.raw(), facts_format.as_deref())? {
            Some(facts) => facts.values,
            None => {
                tracing::warn!("Catalog request for {name} carries no facts; compiling with none");
                IndexMap::new()
            }
        };
        let request =
            CompileRequest { certname: name, facts, trusted: trusted_facts(&peer), server_facts, time_limit };
        Ok(env.compile(&request))
    });
    // The compiler ends a compile at its time limit. Should one not stop, it is abandoned soon
    // after: the agent gets its answer and the slot is given back, so the other nodes' compiles go
    // on (sharing the cores with it until it ends) instead of waiting behind it.
    let result = match time_limit {
        Some(limit) => match tokio::time::timeout(limit + COMPILE_GRACE, work).await {
            Ok(result) => result?,
            Err(_) => {
                let message = format!(
                    "The compile took longer than compile_timeout ({} s) on node {node}",
                    limit.as_secs_f64()
                );
                tracing::error!("Server Error: {message}; abandoned, though its thread still runs");
                state.metrics.compiled(started.elapsed(), false);
                return Err(ApiError::internal(message));
            }
        },
        None => work.await?,
    };
    state.metrics.compiled(started.elapsed(), result.is_ok());
    let catalog = match result {
        Ok(catalog) => catalog,
        Err(err) => {
            let message = compile_error_message(&err, &node);
            tracing::error!("Server Error: {message}");
            return Err(ApiError::internal(message));
        }
    };
    tracing::info!(
        "Compiled catalog for {node} in environment {environment} in {:.2} seconds",
        started.elapsed().as_secs_f64()
    );
    Ok(json_response(catalog.to_json()))
}

/// How long past `compile_timeout` the master waits for the compiler to stop by itself before it
/// answers the agent anyway.
const COMPILE_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// `GET /puppet/v3/environments`: every environment with its settings.
pub(super) async fn environments(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let body = blocking(move || {
        let mut envs = serde_json::Map::new();
        for name in state.environments.names() {
            let Ok(env) = state.environments.get(&name) else { continue };
            let modulepath: Vec<Value> =
                env.modulepath().iter().map(|p| Value::from(p.display().to_string())).collect();
            envs.insert(
                name,
                serde_json::json!({"settings": {
                    "modulepath": modulepath,
                    "manifest": env.manifest().display().to_string(),
                    "environment_timeout": 0,
                    "config_version": "",
                }}),
            );
        }
        let search_path = format!("file://{}", state.environments.environmentpath().display());
        Ok(serde_json::json!({"search_paths": [search_path], "environments": envs}).to_string())
    })
    .await?;
    Ok(json_response(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_are_decoded_twice() {
        // What the agent sends: uri_query_encode(json), then form-encoded again.
        let json = r#"{"name":"a.example.com","values":{"os":{"family":"Debian"},"note":"50% + more"}}"#;
        let once: String =
            percent_encoding::utf8_percent_encode(json, percent_encoding::NON_ALPHANUMERIC).to_string();
        let body: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("facts_format", "application/json")
            .append_pair("facts", &once)
            .append_pair("environment", "production")
            .finish();
        let raw = wire::raw_form_value(body.as_bytes(), "facts");
        let facts = decode_facts("a.example.com", raw, Some("application/json")).unwrap().unwrap();
        assert_eq!(facts.values["note"], Value::from("50% + more"));
        assert_eq!(facts.values["os"]["family"], Value::from("Debian"));
    }

    #[test]
    fn bad_facts_are_400() {
        for facts in ["%257Bnot%2520json", "%25FF%25FE", "{broken"] {
            let err = decode_facts("n", Some(facts.as_bytes()), None).unwrap_err();
            assert_eq!(err.status, axum::http::StatusCode::BAD_REQUEST, "{facts}");
            assert!(err.message.contains("catalog request for n"), "{}", err.message);
        }
    }

    #[test]
    fn compile_error_text() {
        let text = located_message(
            "Evaluation Error: Unknown variable: '$x'",
            Some(std::path::Path::new("/e/site.pp")),
            Some(3),
            Some(7),
            "a",
        );
        assert_eq!(
            text,
            "Evaluation Error: Unknown variable: '$x' (file: /e/site.pp, line: 3, column: 7) on node a"
        );
        assert_eq!(located_message("Boom", None, None, None, "b"), "Boom on node b");
    }

    #[test]
    fn trusted_from_peer() {
        let peer = bunraku_pki::PeerIdentity {
            certname: "web1.example.com".into(),
            serial: 5,
            extensions: vec![("pp_role".into(), "web".into())],
            dns_alt_names: vec![],
        };
        let t = trusted_facts(&peer);
        assert_eq!(t["authenticated"], "remote");
        assert_eq!(t["hostname"], "web1");
        assert_eq!(t["domain"], "example.com");
        assert_eq!(t["extensions"]["pp_role"], "web");
    }
}

/// Admission control, as puppetserver's `max-queued-requests`: when every compile slot is busy and
/// `max_queued_requests` requests already wait, the next is answered at once with 503, a random
/// `Retry-After` up to `max_retry_delay` (so refused agents come back spread out) and
/// `Connection: close` (so a load balancer may send the retry to another master). Agents retry
/// after that delay (Puppet 7's RetryAfterHandler; Bunraku's agent too).
pub(crate) fn admission(limits: &crate::server::Limits, free_slots: usize, waiting: i64) -> Option<Response> {
    let max = limits.max_queued_requests;
    if max == 0 || free_slots > 0 || waiting < max as i64 {
        return None;
    }
    let ceiling = limits.max_retry_delay.as_secs().max(1);
    let delay = (uuid::Uuid::new_v4().as_u128() as u64) % (ceiling + 1);
    let body = serde_json::json!({
        "message": "The number of requests waiting for a compile has exceeded the limit allowed by the max_queued_requests setting.",
        "issue_kind": "RUNTIME_ERROR",
    });
    let mut response = axum::response::IntoResponse::into_response((
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        body.to_string(),
    ));
    let headers = response.headers_mut();
    headers.insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(delay));
    headers.insert(axum::http::header::CONNECTION, axum::http::HeaderValue::from_static("close"));
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static(crate::error::JSON_UTF8),
    );
    tracing::warn!("compile queue full ({waiting} waiting): answered 503, retry after {delay} s");
    Some(response)
}

#[cfg(test)]
mod admission_tests {
    use super::*;

    #[test]
    fn refuses_only_when_slots_and_queue_are_full() {
        let mut limits = crate::server::Limits::default();
        assert!(admission(&limits, 0, 1_000).is_none(), "no limit by default");
        limits.max_queued_requests = 3;
        limits.max_retry_delay = std::time::Duration::from_secs(10);
        assert!(admission(&limits, 1, 10).is_none(), "a free slot");
        assert!(admission(&limits, 0, 2).is_none(), "room in the queue");
        let mut delays = std::collections::BTreeSet::new();
        for _ in 0..200 {
            let r = admission(&limits, 0, 3).expect("refused");
            assert_eq!(r.status(), axum::http::StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(r.headers()["connection"], "close");
            let d: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
            assert!(d <= 10);
            delays.insert(d);
        }
        assert!(delays.len() > 5, "the delays are spread: {delays:?}");
    }
}
