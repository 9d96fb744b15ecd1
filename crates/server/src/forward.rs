//! Forward authentication: a reverse proxy (Caddy `forward_auth`, nginx `auth_request`, Traefik
//! `ForwardAuth`) asks `GET /auth/verify` before it lets a request through to an application.
//!
//! - Signed in (the session cookie reaches Pforte through the proxy — see `PFORTE_COOKIE_DOMAIN`):
//!   200 with `Remote-User` (the user's stable subject), `Remote-Email`, `Remote-Name`,
//!   `Remote-Groups` (the role) and `Remote-Customer-Number` — or 403 when the proxy asked for
//!   users of other accounts or roles only (`?customer_number=…&group=…`).
//! - Not signed in: where to send the browser is built from the original URL the proxy passes —
//!   `X-Forwarded-Proto`/`-Host`/`-Uri` (Caddy, Traefik: answered with a redirect) or
//!   `X-Original-URL` (nginx, which cannot pass a redirect on: answered 401 with the address in
//!   `Location`, for `auth_request_set`). Without either: a bare 401. An original URL on a host not
//!   in `PFORTE_FORWARD_AUTH_DOMAINS` is refused with 403 and never redirected to.
//!
//! The way back leads through `GET /auth/continue?url=…`: `next` stays a local path everywhere
//! else, and this is the one place that sends a browser to another host, after checking the list
//! again. An application may also link to it directly as its "sign in" address.

use crate::middleware::plain_answer;
use crate::no_store;
use crate::state::ServerState;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use pforte_auth::session::SignedIn;
use pforte_shared::Msg;
use pforte_shared::next::with_next;
use serde::Deserialize;

/// How the proxy told Pforte what was asked for, and so how it wants "not signed in" answered.
enum Original {
    /// `X-Forwarded-*`: the proxy passes a redirect on to the browser.
    Redirecting(String),
    /// `X-Original-URL`: nginx, which wants 401 (with the address for `auth_request_set`).
    Nginx(String),
}

fn text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn original(headers: &HeaderMap) -> Option<Original> {
    // nginx passes the browser's own `X-Forwarded-*` on to its subrequest: its `X-Original-URL`
    // comes first.
    if let Some(url) = text(headers, "x-original-url") {
        return Some(Original::Nginx(url.to_owned()));
    }
    let (proto, host) = (
        text(headers, "x-forwarded-proto")?,
        text(headers, "x-forwarded-host")?,
    );
    // Several proxies in a row may each add theirs: the first is the browser's.
    let first = |v: &str| v.split(',').next().unwrap_or_default().trim().to_owned();
    let uri = text(headers, "x-forwarded-uri").unwrap_or("/");
    let uri = if uri.starts_with('/') { uri } else { "/" };
    Some(Original::Redirecting(format!(
        "{}://{}{uri}",
        first(proto),
        first(host)
    )))
}

/// `/auth/continue?url=<target>` — the local `next` that leads back to an application.
fn continue_path(target: &str) -> String {
    let url: String = url::form_urlencoded::byte_serialize(target.as_bytes()).collect();
    format!("/auth/continue?url={url}")
}

/// Who a proxy lets through (`/auth/verify?customer_number=1234567&group=admin`): every signed-in
/// user when neither is given; else only users of one of the listed accounts (comma-separated
/// customer numbers) and with one of the listed roles.
#[derive(Deserialize, Default)]
pub struct VerifyQuery {
    customer_number: Option<String>,
    group: Option<String>,
}

/// Whether `value` is one of the comma-separated `list`, or there is no list.
fn listed(list: Option<&str>, value: &str) -> bool {
    list.is_none_or(|list| list.split(',').any(|item| item.trim() == value))
}

/// `GET /auth/verify`.
pub async fn verify(
    State(state): State<ServerState>,
    parts: Parts,
    query: Result<Query<VerifyQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let app = &state.0;
    let Ok(Query(only)) = query else {
        return no_store(plain_answer(StatusCode::BAD_REQUEST, Msg::BadRequest));
    };
    let found = match state.signed_in(&parts.headers).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    if let Some(SignedIn { user, account, .. }) = found {
        if !listed(only.customer_number.as_deref(), &account.customer_number)
            || !listed(only.group.as_deref(), user.role.as_str())
        {
            return no_store(plain_answer(StatusCode::FORBIDDEN, Msg::Forbidden));
        }
        let mut res = no_store(Response::new(axum::body::Body::empty()));
        let headers = res.headers_mut();
        for (name, value) in [
            ("remote-user", user.subject.as_str()),
            ("remote-email", user.email.as_str()),
            ("remote-name", user.greeting_name()),
            ("remote-groups", user.role.as_str()),
            ("remote-customer-number", account.customer_number.as_str()),
        ] {
            // Names are checked for control characters when entered; UTF-8 passes as bytes. All
            // five are always sent, so that a proxy copying them overwrites what a browser sent.
            let value = HeaderValue::from_bytes(value.as_bytes())
                .unwrap_or_else(|_| HeaderValue::from_static(""));
            headers.insert(HeaderName::from_static(name), value);
        }
        return res;
    }
    let (target, redirect) = match original(&parts.headers) {
        None => return no_store(plain_answer(StatusCode::UNAUTHORIZED, Msg::NotSignedIn)),
        Some(Original::Redirecting(url)) => (url, true),
        Some(Original::Nginx(url)) => (url, false),
    };
    let Some(target) = app.web.forward_target(&target) else {
        return no_store(plain_answer(
            StatusCode::FORBIDDEN,
            Msg::ForwardHostNotListed,
        ));
    };
    let login = format!(
        "{}{}",
        app.web.public_url,
        with_next("/login", Some(&continue_path(&target)))
    );
    let Ok(location) = HeaderValue::from_str(&login) else {
        return no_store(plain_answer(StatusCode::UNAUTHORIZED, Msg::NotSignedIn));
    };
    let status = if redirect {
        StatusCode::FOUND
    } else {
        StatusCode::UNAUTHORIZED
    };
    let mut res = no_store(plain_answer(status, Msg::NotSignedIn));
    res.headers_mut().insert(header::LOCATION, location);
    res
}

#[derive(Deserialize)]
pub struct ContinueQuery {
    url: Option<String>,
}

/// `GET /auth/continue?url=…`: a signed-in browser goes on to `url` when its host is listed in
/// `PFORTE_FORWARD_AUTH_DOMAINS` (else to `/`); one not signed in signs in first and comes back
/// here.
pub async fn continue_to(
    State(state): State<ServerState>,
    parts: Parts,
    query: Result<Query<ContinueQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let app = &state.0;
    let wanted = query.ok().and_then(|Query(q)| q.url).unwrap_or_default();
    let Some(target) = app.web.forward_target(&wanted) else {
        return crate::redirect("/", &[]);
    };
    match state.signed_in(&parts.headers).await {
        Err(answer) => answer,
        Ok(Some(_)) => crate::redirect(&target, &[]),
        Ok(None) => crate::redirect(&with_next("/login", Some(&continue_path(&target))), &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_original_url_from_either_proxy_style() {
        let mut caddy = HeaderMap::new();
        caddy.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        caddy.insert(
            "x-forwarded-host",
            HeaderValue::from_static("app.example.com, proxy.internal"),
        );
        caddy.insert("x-forwarded-uri", HeaderValue::from_static("/a?b=c"));
        assert!(matches!(
            original(&caddy),
            Some(Original::Redirecting(u)) if u == "https://app.example.com/a?b=c"
        ));
        let mut nginx = HeaderMap::new();
        nginx.insert(
            "x-original-url",
            HeaderValue::from_static("https://app.example.com/x"),
        );
        assert!(matches!(
            original(&nginx),
            Some(Original::Nginx(u)) if u == "https://app.example.com/x"
        ));
        assert!(original(&HeaderMap::new()).is_none());
    }

    #[test]
    fn the_way_back_is_a_local_next() {
        let path = continue_path("https://app.example.com/a?b=c&d");
        assert_eq!(
            path,
            "/auth/continue?url=https%3A%2F%2Fapp.example.com%2Fa%3Fb%3Dc%26d"
        );
        assert_eq!(pforte_shared::next::safe_next(Some(&path)), path);
    }
}
