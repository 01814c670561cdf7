//! `/puppet-ca/v1`: the CA endpoints agents and `bunraku cert` (puppetserver-ca-cli) use.
//!
//! CA work reads and writes files under a lock, so it runs off the async workers. Bodies are
//! `text/plain` except the status endpoints' JSON.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use bunraku_pki::{CertState, CertStatus, CertificateAuthority, PkiError, SubmitOutcome};
use serde_json::{json, Value};

use super::{blocking, json_response, path_tail, AppState, Params};
use crate::error::{ApiError, TEXT};
use crate::x509;

fn text(status: StatusCode, body: impl Into<String>) -> Response {
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static(TEXT))], body.into()).into_response()
}

/// Runs `f` against the CA off the async workers; 404 when this master is not the CA.
async fn with_ca<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&CertificateAuthority) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let Some(ca) = state.ca.clone() else {
        return Err(ApiError::text(StatusCode::NOT_FOUND, "This server is not a certificate authority"));
    };
    blocking(move || f(&ca)).await
}

/// `GET certificate/<name>`: a signed certificate, or the CA's for `ca`.
pub(super) async fn certificate(State(state): State<Arc<AppState>>, uri: Uri) -> Result<Response, ApiError> {
    let name = path_tail(&uri, "/puppet-ca/v1/certificate/")?;
    let pem = with_ca(&state, move |ca| {
        let result = if name == "ca" { ca.ca_cert_pem() } else { ca.certificate_pem(&name) };
        result.map_err(|err| match err {
            PkiError::NotFound(_) => {
                ApiError::text(StatusCode::NOT_FOUND, format!("Could not find certificate {name}"))
            }
            other => ApiError::from_pki(other),
        })
    })
    .await?;
    Ok(text(StatusCode::OK, pem))
}

/// `GET certificate_revocation_list/ca`, answering 304 to an `If-Modified-Since` not older than
/// the CRL's `thisUpdate`.
pub(super) async fn crl(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let pem = with_ca(&state, |ca| ca.crl_pem().map_err(ApiError::from_pki)).await?;
    let this_update = x509::parse_crl(&pem).ok().and_then(|info| info.this_update);
    let since =
        headers.get(header::IF_MODIFIED_SINCE).and_then(|v| v.to_str().ok()).and_then(x509::parse_http_date);
    if let (Some(updated), Some(since)) = (this_update, since) {
        if updated <= since {
            return Ok(StatusCode::NOT_MODIFIED.into_response());
        }
    }
    let mut response = text(StatusCode::OK, pem);
    if let Some(value) = this_update.and_then(|t| HeaderValue::from_str(&x509::http_date(t)).ok()) {
        response.headers_mut().insert(header::LAST_MODIFIED, value);
    }
    Ok(response)
}

/// `PUT certificate_request/<name>`: 200 with an empty body; 400 (duplicate, bad name, …) with the
/// reason, which waiting agents take as "already submitted".
pub(super) async fn csr_put(
    State(state): State<Arc<AppState>>,
    uri: Uri,
    body: Bytes,
) -> Result<Response, ApiError> {
    let name = path_tail(&uri, "/puppet-ca/v1/certificate_request/")?;
    let Ok(pem) = String::from_utf8(body.to_vec()) else {
        return Err(ApiError::text(
            StatusCode::BAD_REQUEST,
            format!("The certificate request for {name} is not text"),
        ));
    };
    let autosign = state.config.autosign.clone();
    with_ca(&state, move |ca| {
        match ca.submit_csr(&name, &pem, &autosign) {
            // The CA itself logs the signature or the waiting request, as puppetserver does.
            Ok(SubmitOutcome::Signed | SubmitOutcome::Pending) => {}
            Err(PkiError::BadRequest(message)) => {
                tracing::debug!("Refused the certificate request for {name}: {message}");
                return Err(ApiError::text(StatusCode::BAD_REQUEST, message));
            }
            Err(other) => return Err(ApiError::from_pki(other)),
        }
        Ok(())
    })
    .await?;
    Ok(text(StatusCode::OK, ""))
}

/// `GET certificate_request/<name>`: the pending CSR.
pub(super) async fn csr_get(State(state): State<Arc<AppState>>, uri: Uri) -> Result<Response, ApiError> {
    let name = path_tail(&uri, "/puppet-ca/v1/certificate_request/")?;
    let pem = with_ca(&state, move |ca| {
        ca.csr_pem(&name).map_err(|err| match err {
            PkiError::NotFound(_) => {
                ApiError::text(StatusCode::NOT_FOUND, format!("Could not find certificate_request {name}"))
            }
            other => ApiError::from_pki(other),
        })
    })
    .await?;
    Ok(text(StatusCode::OK, pem))
}

/// The status JSON puppetserver returns for one name.
pub(crate) fn status_json(status: &CertStatus) -> Value {
    let mut v = json!({
        "name": status.name,
        "state": status.state,
        "dns_alt_names": status.dns_alt_names,
        "subject_alt_names": status.dns_alt_names,
        "authorization_extensions": {},
        "fingerprint": status.fingerprint,
        "fingerprints": {"SHA256": status.fingerprint, "default": status.fingerprint},
    });
    if let Some(obj) = v.as_object_mut() {
        if let Some(serial) = status.serial_number {
            obj.insert("serial_number".into(), json!(serial));
        }
        if let Some(nb) = &status.not_before {
            obj.insert("not_before".into(), json!(nb));
        }
        if let Some(na) = &status.not_after {
            obj.insert("not_after".into(), json!(na));
        }
    }
    v
}

/// `GET certificate_status/<name>`.
pub(super) async fn status_get(State(state): State<Arc<AppState>>, uri: Uri) -> Result<Response, ApiError> {
    let name = path_tail(&uri, "/puppet-ca/v1/certificate_status/")?;
    let status = with_ca(&state, move |ca| ca.status(&name).map_err(ApiError::from_pki)).await?;
    Ok(json_response(status_json(&status).to_string()))
}

/// `GET certificate_statuses/<anykey>[?state=requested|signed|revoked]`.
pub(super) async fn statuses(State(state): State<Arc<AppState>>, uri: Uri) -> Result<Response, ApiError> {
    let wanted = match Params::from_uri(&uri).get("state") {
        None => None,
        Some("requested") => Some(CertState::Requested),
        Some("signed") => Some(CertState::Signed),
        Some("revoked") => Some(CertState::Revoked),
        Some(other) => {
            return Err(ApiError::text(
                StatusCode::BAD_REQUEST,
                format!("Invalid certificate state '{other}'"),
            ))
        }
    };
    let list = with_ca(&state, |ca| ca.list().map_err(ApiError::from_pki)).await?;
    let body: Vec<Value> =
        list.iter().filter(|s| wanted.is_none_or(|w| s.state == w)).map(status_json).collect();
    Ok(json_response(Value::from(body).to_string()))
}

/// `PUT certificate_status/<name>` with `{"desired_state":"signed"|"revoked"}`: 204.
pub(super) async fn status_put(
    State(state): State<Arc<AppState>>,
    uri: Uri,
    body: Bytes,
) -> Result<Response, ApiError> {
    let name = path_tail(&uri, "/puppet-ca/v1/certificate_status/")?;
    let bad = |m: String| ApiError::text(StatusCode::BAD_REQUEST, m);
    let request: Value =
        serde_json::from_slice(&body).map_err(|_| bad("Request body is not JSON.".into()))?;
    let Some(desired) = request.get("desired_state") else {
        return Err(bad("Missing required parameter \"desired_state\"".into()));
    };
    let desired = desired.as_str().unwrap_or("").to_string();
    let ttl = match request.get("cert_ttl") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())) {
            Some(secs) => Some(std::time::Duration::from_secs(secs)),
            None => return Err(bad(format!("Invalid cert_ttl {v} for host {name}"))),
        },
    };
    with_ca(&state, move |ca| match desired.as_str() {
        "signed" => {
            ca.sign_with_ttl(&name, ttl).map_err(ApiError::from_pki)?;
            Ok(())
        }
        "revoked" => {
            ca.revoke(&name).map_err(ApiError::from_pki)?;
            tracing::info!("Revoked certificate of {name}");
            Ok(())
        }
        other => Err(bad(format!(
            "State {other} invalid; Must specify desired state of 'signed' or 'revoked' for host {name}."
        ))),
    })
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE certificate_status/<name>`: deletes the certificate and CSR without revoking (204),
/// as puppetserver does; 404 when neither exists.
pub(super) async fn status_delete(
    State(state): State<Arc<AppState>>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let name = path_tail(&uri, "/puppet-ca/v1/certificate_status/")?;
    with_ca(&state, move |ca| {
        ca.delete(&name).map_err(|err| match err {
            PkiError::NotFound(_) => ApiError::text(StatusCode::NOT_FOUND, "Resource not found."),
            other => ApiError::from_pki(other),
        })?;
        tracing::info!("Deleted the certificate and request of {name}");
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `PUT clean` with `{"certnames":[…]}`: revoke and delete each.
pub(super) async fn clean(State(state): State<Arc<AppState>>, body: Bytes) -> Result<Response, ApiError> {
    let bad = |m: &str| ApiError::text(StatusCode::BAD_REQUEST, m.to_string());
    let request: Value = serde_json::from_slice(&body).map_err(|_| bad("Request body is not JSON."))?;
    let Some(names) = request.get("certnames").and_then(|v| v.as_array()) else {
        return Err(bad("Missing required parameter \"certnames\""));
    };
    let names: Vec<String> = names.iter().filter_map(|v| v.as_str().map(String::from)).collect();
    let missing = with_ca(&state, move |ca| {
        let mut missing = Vec::new();
        for name in names {
            match ca.clean(&name) {
                Ok(()) => tracing::info!("Cleaned certificate of {name}"),
                Err(PkiError::NotFound(_)) => missing.push(name),
                Err(other) => return Err(ApiError::from_pki(other)),
            }
        }
        Ok(missing)
    })
    .await?;
    if missing.is_empty() {
        Ok(text(StatusCode::OK, "Successfully cleaned all certificates."))
    } else {
        Ok(text(
            StatusCode::OK,
            format!("The following certs do not exist and cannot be revoked: {missing:?}"),
        ))
    }
}

/// `GET expirations`: when the CA certificate and its CRL expire.
pub(super) async fn expirations(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let (cert, crl) = with_ca(&state, |ca| {
        Ok((ca.ca_cert_pem().map_err(ApiError::from_pki)?, ca.crl_pem().map_err(ApiError::from_pki)?))
    })
    .await?;
    let mut ca_certs = serde_json::Map::new();
    let mut crls = serde_json::Map::new();
    if let Some((name, not_after)) = x509::certificate_name_and_expiry(&cert) {
        if let Some(next) = x509::parse_crl(&crl).ok().and_then(|i| i.next_update) {
            crls.insert(name.clone(), json!(x509::ca_time_text(next)));
        }
        ca_certs.insert(name, json!(x509::ca_time_text(not_after)));
    }
    Ok(json_response(json!({"ca-certs": ca_certs, "crls": crls}).to_string()))
}
