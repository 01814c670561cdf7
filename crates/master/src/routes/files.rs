//! `file_metadata`, `file_metadatas` and `file_content`: pluginsync and `puppet:///` sources.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::{blocking, json_response, path_tail, AppState, Params};
use crate::error::ApiError;
use crate::fileserver::{ChecksumType, FileServer, FileServerError, Links, MetadataOptions, SearchOptions};

fn api_error(err: FileServerError) -> ApiError {
    match err {
        FileServerError::BadPath(_) | FileServerError::BadParameter(_) => {
            ApiError::bad_request(err.to_string())
        }
        FileServerError::NotFound(_) => ApiError::not_found(err.to_string()),
        FileServerError::Io { .. } => {
            tracing::error!("fileserver: {err}");
            ApiError::internal(err.to_string())
        }
    }
}

fn metadata_options(params: &Params) -> Result<MetadataOptions, ApiError> {
    Ok(MetadataOptions {
        links: Links::parse(params.get("links")).map_err(api_error)?,
        checksum_type: ChecksumType::parse(params.get("checksum_type")).map_err(api_error)?,
    })
}

/// Runs `f` with the fileserver of the request's environment, off the async workers.
async fn with_fileserver<T: Send + 'static>(
    state: Arc<AppState>,
    params: &Params,
    f: impl FnOnce(&FileServer) -> Result<T, FileServerError> + Send + 'static,
) -> Result<T, ApiError> {
    let (name, env) = state.environment(params)?;
    let root = state.environments.root(&name);
    blocking(move || f(&FileServer::new(env.modulepath(), &root)).map_err(api_error)).await
}

/// `GET /puppet/v3/file_metadata/<mount>/<path>`.
pub(super) async fn metadata(State(state): State<Arc<AppState>>, uri: Uri) -> Result<Response, ApiError> {
    let path = path_tail(&uri, "/puppet/v3/file_metadata/")?;
    let params = Params::from_uri(&uri);
    let opts = metadata_options(&params)?;
    let md = with_fileserver(state, &params, move |fs| fs.metadata(&path, &opts)).await?;
    Ok(json_response(serde_json::to_string(&md).map_err(|e| ApiError::internal(e.to_string()))?))
}

/// `GET /puppet/v3/file_metadatas/<mount>/<path>?recurse=…&ignore=…`.
pub(super) async fn metadatas(State(state): State<Arc<AppState>>, uri: Uri) -> Result<Response, ApiError> {
    let path = path_tail(&uri, "/puppet/v3/file_metadatas/")?;
    let params = Params::from_uri(&uri);
    let recurse = matches!(params.get("recurse"), Some("true") | Some("remote") | Some("yes"));
    let recurselimit = match params.get("recurselimit") {
        None | Some("") | Some("infinite") => None,
        Some(v) => {
            Some(v.parse::<u32>().map_err(|_| ApiError::bad_request(format!("Invalid recurselimit '{v}'")))?)
        }
    };
    let opts = SearchOptions {
        metadata: metadata_options(&params)?,
        recurse,
        recurselimit,
        ignore: params.all("ignore"),
    };
    let list = with_fileserver(state, &params, move |fs| fs.search(&path, &opts)).await?;
    Ok(json_response(serde_json::to_string(&list).map_err(|e| ApiError::internal(e.to_string()))?))
}

/// `GET /puppet/v3/file_content/<mount>/<path>`: the raw bytes.
pub(super) async fn content(State(state): State<Arc<AppState>>, uri: Uri) -> Result<Response, ApiError> {
    let path = path_tail(&uri, "/puppet/v3/file_content/")?;
    let params = Params::from_uri(&uri);
    let file = with_fileserver(state, &params, move |fs| fs.content_path(&path)).await?;
    let bytes = tokio::fs::read(&file).await.map_err(|e| {
        tracing::error!("fileserver: {}: {e}", file.display());
        ApiError::internal(format!("Could not read {}", file.display()))
    })?;
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"))],
        bytes,
    )
        .into_response())
}
