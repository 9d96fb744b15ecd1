//! The `pforte` server: configuration, command line, the axum router and its middleware.
//! The integration tests start [`router::build`] on a free port.

pub mod assets;
pub mod cli;
pub mod config;
pub mod forward;
pub mod google;
pub mod language;
pub mod metrics;
pub mod middleware;
pub mod oidc;
pub mod router;
pub mod state;
pub mod workers;

use pforte_auth::Clock;

/// The real clock. The only place Pforte reads the system time.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    }
}

/// A `303 See Other` to `location` that is never cached, setting `cookies`.
pub(crate) fn redirect(location: &str, cookies: &[String]) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let mut res = axum::response::Redirect::to(location).into_response();
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    res
}

/// `res` marked never to be stored (`Cache-Control: no-store`, and `Pragma: no-cache` for old
/// caches).
pub(crate) fn no_store(mut res: axum::response::Response) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    res
}
