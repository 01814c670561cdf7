//! `file_metadata`, `file_metadatas` and `file_content`: pluginsync and `puppet:///` sources.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::{blocking, json_response, path_tail, AppState, Params};
use crate::error::ApiError;
use crate::fileserver::{FileServer, FileServerError, MetadataOptions, SearchOptions};

fn api_error(err: FileServerError) -> ApiError {
    match err {
        FileServerError::BadPath(_) | FileServerError::BadParameter(_) => {
            ApiError::bad_request(err.to_string())
        }
        FileServerError::NotFound(_) => ApiError::not_found(err.to_string()),
        // Nobody is waiting for this answer any more.
        FileServerError::Cancelled => ApiError::internal(err.to_string()),
        FileServerError::Io { .. } => {
            tracing::error!("fileserver: {err}");
            ApiError::internal(err.to_string())
        }
    }
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
    let opts = MetadataOptions::from_query(&params.0).map_err(api_error)?;
    let md = with_fileserver(state, &params, move |fs| fs.metadata(&path, &opts)).await?;
    Ok(json_response(serde_json::to_string(&md).map_err(|e| ApiError::internal(e.to_string()))?))
}

/// `GET /puppet/v3/file_metadatas/<mount>/<path>?recurse=…&ignore=…`.
pub(super) async fn metadatas(State(state): State<Arc<AppState>>, uri: Uri) -> Result<Response, ApiError> {
    let path = path_tail(&uri, "/puppet/v3/file_metadatas/")?;
    let params = Params::from_uri(&uri);
    let opts = SearchOptions::from_query(&params.0).map_err(api_error)?;
    // Set when this handler is dropped before it finishes, which hyper does when the client
    // closes its connection: the walk (possibly of a large tree) then stops at its next entry.
    let cancelled = Arc::new(AtomicBool::new(false));
    let _cancel_on_drop = CancelOnDrop(cancelled.clone());
    let list = with_fileserver(state, &params, move |fs| fs.search_until(&path, &opts, &cancelled)).await?;
    Ok(json_response(serde_json::to_string(&list).map_err(|e| ApiError::internal(e.to_string()))?))
}

/// Sets its flag when dropped.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
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
