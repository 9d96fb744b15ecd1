//! The site's own files (`pkg/pforte.js`, `.wasm`, `.css`). Under `/v/{version}/pkg/` — the
//! version being a hash of their contents, which pages name — they are cached for a year
//! (`immutable`); anywhere else they must be checked again before use. Each is sent as the
//! release build precompressed it (`.br`, `.gz` next to it, no older than the file) when the
//! browser accepts that, else compressed on the fly by the router's compression layer.

use crate::state::ServerState;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pforte_app::assets;
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// A year: what browsers may keep a versioned file without asking again.
const FOREVER: &str = "public, max-age=31536000, immutable";
/// Unversioned or outdated paths: keep, but check with the server before each use.
const CHECK: &str = "no-cache";

/// `GET /v/{version}/pkg/{file}`: cached for a year when `version` is the current one. An older
/// version (a page rendered before an upgrade) gets today's file, marked to be checked again.
pub async fn versioned(
    State(state): State<ServerState>,
    Path((version, file)): Path<(String, String)>,
    req: Request,
) -> Response {
    let current = assets::version(&state.0.leptos_options);
    let cache = if current.as_deref() == Some(version.as_str()) {
        FOREVER
    } else {
        CHECK
    };
    serve(&state, &file, req, cache).await
}

/// `GET /pkg/{file}`: as a page without a version names it (`cargo leptos watch` before the
/// first build finishes, or a bookmark).
pub async fn unversioned(
    State(state): State<ServerState>,
    Path(file): Path<String>,
    req: Request,
) -> Response {
    serve(&state, &file, req, CHECK).await
}

/// Whether an `Accept-Encoding` header accepts `coding` (named, with a weight above zero).
fn accepts(header: &str, coding: &str) -> bool {
    header.split(',').any(|part| {
        let mut params = part.split(';');
        let named = params
            .next()
            .is_some_and(|name| name.trim().eq_ignore_ascii_case(coding));
        let weight = params
            .find_map(|p| p.trim().strip_prefix("q="))
            .map_or(1.0, |q| q.trim().parse::<f32>().unwrap_or(0.0));
        named && weight > 0.0
    })
}

/// The precompressed copy of `original` to send for `accept_encoding`: brotli before gzip, and
/// only a copy at least as new as the file (one left by an earlier build is never sent).
fn precompressed(
    original: &std::path::Path,
    accept_encoding: &str,
) -> Option<(&'static str, String)> {
    let changed = std::fs::metadata(original)
        .and_then(|m| m.modified())
        .ok()?;
    [("br", "br"), ("gzip", "gz")]
        .into_iter()
        .filter(|(coding, _)| accepts(accept_encoding, coding))
        .find_map(|(coding, ext)| {
            let name = format!("{}.{ext}", original.file_name()?.to_str()?);
            let copy = original.with_file_name(&name);
            let made = std::fs::metadata(&copy).and_then(|m| m.modified()).ok()?;
            (made >= changed).then_some((coding, name))
        })
}

async fn serve(state: &ServerState, file: &str, req: Request, cache: &'static str) -> Response {
    if !assets::FILES.contains(&file) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let dir = assets::pkg_dir(&state.0.leptos_options);
    let accept_encoding = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let copy = precompressed(&dir.join(file), accept_encoding);
    let path = copy.as_ref().map_or(file, |(_, name)| name.as_str());
    // Only the request's method and the headers that choose the answer reach the file service.
    let mut inner = Request::builder()
        .method(req.method())
        .uri(format!("/{path}"))
        .body(axum::body::Body::empty())
        .unwrap_or_default();
    for name in [header::IF_MODIFIED_SINCE, header::RANGE] {
        if let Some(value) = req.headers().get(&name) {
            inner.headers_mut().insert(name, value.clone());
        }
    }
    let mut res = match ServeDir::new(dir).oneshot(inner).await {
        Ok(res) => res.map(axum::body::Body::new),
        Err(never) => match never {},
    };
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        let headers = res.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if let Some((coding, _)) = copy {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
            let kind = match file.rsplit('.').next() {
                Some("wasm") => "application/wasm",
                Some("js") => "text/javascript",
                _ => "text/css",
            };
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        assert!(accepts("br, gzip", "br"));
        assert!(accepts("gzip, deflate, BR;q=0.5", "br"));
        assert!(!accepts("gzip", "br"));
        assert!(!accepts("br;q=0, gzip", "br"));
        assert!(!accepts("br;q=nonsense", "br"));
        assert!(!accepts("", "gzip"));
    }
}
