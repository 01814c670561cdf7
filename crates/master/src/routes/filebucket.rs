//! `file_bucket_file`: the server's filebucket, where agents back files up before replacing them
//! (`filebucket { 'main': server => …, path => false }` and `File { backup => 'main' }`).
//!
//! `GET|HEAD|PUT /puppet/v3/file_bucket_file/[<algorithm>/]<checksum>[/<original path>]`. The
//! algorithm is `md5` (the default when absent), `sha1`, `sha256`, `sha384` or `sha512`; the agent
//! sends the original path after the checksum (absolute, so the URL has a double slash there).
//! Stored under `bucketdir` in Puppet's layout (`bunraku_model::filebucket`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use sha2::Digest;

use super::{blocking, path_tail, AppState, Params};
use crate::error::ApiError;

const PREFIX: &str = "/puppet/v3/file_bucket_file/";

/// A request's key: the checksum algorithm and value, and the original path if given.
struct Key {
    algorithm: String,
    checksum: String,
    original: Option<String>,
}

impl Key {
    fn parse(uri: &Uri) -> Result<Key, ApiError> {
        let tail = path_tail(uri, PREFIX)?;
        let (first, rest) = tail.split_once('/').unwrap_or((tail.as_str(), ""));
        let (algorithm, checksum, rest) = match first {
            "md5" | "sha1" | "sha256" | "sha384" | "sha512" | "sha224" => {
                let (sum, rest) = rest.split_once('/').unwrap_or((rest, ""));
                (first.to_string(), sum.to_string(), rest)
            }
            _ => ("md5".to_string(), first.to_string(), rest),
        };
        let expected = match algorithm.as_str() {
            "md5" => 32,
            "sha1" => 40,
            "sha224" => 56,
            "sha256" => 64,
            "sha384" => 96,
            _ => 128,
        };
        if checksum.len() != expected || !bunraku_model::filebucket::valid_digest(&checksum) {
            return Err(ApiError::bad_request(format!(
                "Invalid {algorithm} checksum '{checksum}' in {}",
                uri.path()
            )));
        }
        let original = (!rest.is_empty()).then(|| format!("/{}", rest.trim_start_matches('/')));
        Ok(Key { algorithm, checksum: checksum.to_lowercase(), original })
    }
}

/// The checksum of `bytes` with `algorithm` (lower-case hex).
fn digest(algorithm: &str, bytes: &[u8]) -> String {
    match algorithm {
        "md5" => hex::encode(md5::Md5::digest(bytes)),
        "sha1" => hex::encode(sha1::Sha1::digest(bytes)),
        "sha224" => hex::encode(sha2::Sha224::digest(bytes)),
        "sha256" => hex::encode(sha2::Sha256::digest(bytes)),
        "sha384" => hex::encode(sha2::Sha384::digest(bytes)),
        _ => hex::encode(sha2::Sha512::digest(bytes)),
    }
}

fn require_environment(params: &Params) -> Result<(), ApiError> {
    // Required in every request, and ignored: the bucket is not per environment.
    match params.get("environment") {
        Some(_) => Ok(()),
        None => Err(ApiError::bad_request("An environment parameter must be specified")),
    }
}

/// `GET` (the content) and `HEAD` (whether it is there).
pub(super) async fn find(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
) -> Result<Response, ApiError> {
    require_environment(&Params::from_uri(&uri))?;
    let key = Key::parse(&uri)?;
    let bucket = state.config.bucketdir.clone();
    let what = key.original.clone();
    let found = blocking(move || {
        bunraku_model::filebucket::load(&bucket, &key.checksum, key.original.as_deref())
            .map_err(|e| ApiError::internal(format!("filebucket: {e}")))
    })
    .await?;
    let Some(bytes) = found else {
        let path = what.map(|p| format!(" for {p}")).unwrap_or_default();
        return Err(ApiError::not_found(format!("Could not find file_bucket_file {}{path}", uri.path())));
    };
    let octets = [(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"))];
    Ok(if method == Method::HEAD {
        (StatusCode::OK, octets).into_response()
    } else {
        (StatusCode::OK, octets, bytes).into_response()
    })
}

/// `PUT`: stores the body under its own checksum (Puppet keeps a file whose sum in the URL is
/// wrong under the right one) and records the original path.
pub(super) async fn save(
    State(state): State<Arc<AppState>>,
    uri: Uri,
    body: Bytes,
) -> Result<Response, ApiError> {
    require_environment(&Params::from_uri(&uri))?;
    let key = Key::parse(&uri)?;
    let bucket = state.config.bucketdir.clone();
    let sum = digest(&key.algorithm, &body);
    if sum != key.checksum {
        tracing::warn!("{}: the content's {} is {sum}; stored under that", uri.path(), key.algorithm);
    }
    let original = key.original.clone();
    blocking(move || {
        bunraku_model::filebucket::store(&bucket, &sum, &body, original.as_deref())
            .map_err(|e| ApiError::internal(format!("filebucket: {e}")))
    })
    .await?;
    tracing::debug!("Filebucketed {} ({})", key.original.as_deref().unwrap_or("a file"), key.checksum);
    Ok(StatusCode::OK.into_response())
}
