//! The site's own files (`pkg/pforte.js`, `.wasm`, `.css`), served from memory as they were read
//! with their version (`pforte_app::assets`). Under `/v/{version}/pkg/` with the current version
//! they are cached for a year (`immutable`); under `/pkg/` they are checked again before each use
//! (`no-cache`, with an `ETag`); under another version — a page from before an upgrade — they
//! are today's files, never stored. Each goes out as the release build precompressed it (brotli,
//! gzip) when the browser accepts that; nothing else under `pkg/` is served.

use crate::state::ServerState;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pforte_app::assets::{self, Site};

/// A year: what browsers may keep a versioned file without asking again.
const FOREVER: &str = "public, max-age=31536000, immutable";
/// Unversioned paths: keep, but check with the server before each use.
const CHECK: &str = "no-cache";
/// Another version's path: today's file, which must not be kept under it.
const NEVER: &str = "no-store";

/// `GET /v/{version}/pkg/{*file}`.
pub async fn versioned(
    State(state): State<ServerState>,
    Path((version, file)): Path<(String, String)>,
    req: Request,
) -> Response {
    let Some(site) = assets::current(&state.0.leptos_options) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let cache = if site.version == version {
        FOREVER
    } else {
        NEVER
    };
    serve(&site, &file, req.headers(), cache)
}

/// `GET /pkg/{*file}`: as a page without a version names it (a server started before the first
/// build, or a bookmark).
pub async fn unversioned(
    State(state): State<ServerState>,
    Path(file): Path<String>,
    req: Request,
) -> Response {
    let Some(site) = assets::current(&state.0.leptos_options) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    serve(&site, &file, req.headers(), CHECK)
}

/// Whether an `Accept-Encoding` header accepts `coding` (named, with a weight above zero).
fn accepts(header: &str, coding: &str) -> bool {
    header.split(',').any(|part| {
        let mut params = part.split(';');
        let named = params
            .next()
            .is_some_and(|name| name.trim().eq_ignore_ascii_case(coding));
        let weight = params
            .find_map(|p| {
                let p = p.trim();
                p.get(..2)
                    .filter(|k| k.eq_ignore_ascii_case("q="))
                    .map(|_| &p[2..])
            })
            .map_or(1.0, |q| q.trim().parse::<f32>().unwrap_or(0.0));
        named && weight > 0.0
    })
}

fn serve(site: &Site, file: &str, headers: &HeaderMap, cache: &'static str) -> Response {
    let Some(asset) = site.asset(file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let accept = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let (coding, body) = match (&asset.br, &asset.gzip) {
        (Some(br), _) if accepts(accept, "br") => (Some("br"), br),
        (_, Some(gz)) if accepts(accept, "gzip") => (Some("gzip"), gz),
        _ => (None, &asset.plain),
    };
    // Strong for a precompressed copy (the version names the contents of every file, the coding
    // the bytes); weak for the plain file, which the compression layer may still compress.
    let etag = match coding {
        Some(coding) => format!("\"{}-{coding}\"", site.version),
        None => format!("W/\"{}\"", site.version),
    };
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut res = if matches && cache != NEVER {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            )],
            body.clone(),
        )
            .into_response()
    };
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if cache != NEVER
        && let Ok(value) = HeaderValue::from_str(&etag)
    {
        h.insert(header::ETAG, value);
    }
    if let Some(coding) = coding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
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
        assert!(!accepts("br;Q=0, gzip", "br"));
        assert!(!accepts("br;q=nonsense", "br"));
        assert!(!accepts("", "gzip"));
    }
}
