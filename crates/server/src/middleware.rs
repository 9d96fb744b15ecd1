//! Middleware every request passes: tracing without secrets, security headers, the cross-site
//! check, the client IP, protected pages, and a panic guard that leaks nothing.

use crate::state::ServerState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use pforte_app::client_ip::ClientIp;
use pforte_app::state::RequestLang;
use pforte_shared::{AppError, Lang, Msg};
use std::net::SocketAddr;

/// Paths that need a signed-in user; visitors are sent to `/login?next=…`. Their `GET`/`HEAD`
/// requests carry the guard's user on to the page (`PageUser`): nothing that changes anything may
/// be reachable by them here.
fn is_protected(path: &str) -> bool {
    path == "/" || is_under(path, "/account") || is_under(path, "/admin")
}

/// `path` is `prefix` itself or below it (`/admin`, `/admin/users`, not `/administer`).
fn is_under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The policy for HTML answers that did not set their own (the app shell sets one with a nonce).
const FALLBACK_HTML_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
    form-action 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'";

/// Replaces long path segments (tokens) so that logs never hold them.
fn redacted_path(path: &str) -> String {
    path.split('/')
        .map(|seg| if seg.len() > 24 { "<redacted>" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

/// The route a request matched, for metrics: the pattern (`/welcome/{token}`, never the token
/// itself; the site's files as `/v/{version}/pkg/{*file}` or `/pkg/{*file}`), and everything else
/// as `unmatched` — a bounded set.
fn route_label(req: &Request) -> String {
    match req.extensions().get::<axum::extract::MatchedPath>() {
        Some(matched) => matched.as_str().to_owned(),
        None => "unmatched".to_owned(),
    }
}

/// The HTTP methods Pforte answers, as metric labels; any other is `other`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        _ => "other",
    }
}

/// Probes asked every few seconds: their access lines are written at `debug` only.
const PROBES: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

/// A request id a trusted proxy sent (nginx's `$request_id`): kept when it is 1–64 letters,
/// digits, `-`, `_` or `.`, so that it can be found in both logs.
fn forwarded_request_id(req: &Request, from_proxy: bool) -> Option<String> {
    let id = req.headers().get("x-request-id")?.to_str().ok()?;
    let plain = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    (from_proxy && plain).then(|| id.to_owned())
}

/// The outermost layer. Finds the client's address once (the socket peer, or behind a trusted
/// proxy the address it forwarded) and puts it into the request (`ClientIp`); gives the request
/// an id (a trusted proxy's, else a random one), answered as `X-Request-Id` and carried by every
/// log line of the request (a span); writes one access line at `info` (method, path with tokens
/// redacted, status, duration, client IP, request id — never a query string, cookie or body);
/// and counts the request by route in the metrics.
pub async fn trace(State(state): State<ServerState>, mut req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = method_label(req.method());
    let path = redacted_path(req.uri().path());
    let route = route_label(&req);
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let proxies = &state.0.web.trusted_proxies;
    let client = peer.map(|peer| proxies.client_ip(peer, req.headers()));
    if let Some(client) = client {
        req.extensions_mut().insert(ClientIp(client));
    }
    let from_proxy = peer.is_some_and(|peer| proxies.trusts(peer));
    let id = forwarded_request_id(&req, from_proxy)
        .unwrap_or_else(|| format!("{:016x}", rand::random::<u64>()));
    let span = tracing::info_span!("request", request_id = %id);
    let mut res = tracing::Instrument::instrument(next.run(req), span).await;
    let elapsed = started.elapsed();
    let status = res.status().as_u16();
    let ip = client.map(|c| c.to_string()).unwrap_or_default();
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", value);
    }
    if PROBES.contains(&route.as_str()) {
        tracing::debug!(target: "pforte::access", method, path, status, ms = elapsed.as_secs_f64() * 1000.0, ip, request_id = id, "request");
    } else {
        tracing::info!(target: "pforte::access", method, path, status, ms = elapsed.as_secs_f64() * 1000.0, ip, request_id = id, "request");
    }
    state
        .0
        .auth
        .metrics
        .requests
        .get_or_create(&pforte_auth::metrics::RouteLabels {
            route,
            method,
            status,
        })
        .observe(elapsed.as_secs_f64());
    res
}

/// A plain-text answer of the middleware itself (a refusal, a fault), marked so that
/// [`localize`] writes it in the request's language; English if it never passes there.
pub fn plain_answer(status: StatusCode, msg: Msg) -> Response {
    plain_answer_with(status, msg, &[])
}

/// [`plain_answer`] with placeholders of the message filled in (`{app}` → the name).
pub fn plain_answer_with(
    status: StatusCode,
    msg: Msg,
    values: &[(&'static str, &str)],
) -> Response {
    let answer = PlainAnswer {
        msg,
        values: values.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
    };
    let mut res = (status, answer.text(Lang::En)).into_response();
    res.extensions_mut().insert(answer);
    res
}

#[derive(Clone)]
struct PlainAnswer {
    msg: Msg,
    values: Vec<(&'static str, String)>,
}

impl PlainAnswer {
    fn text(&self, lang: Lang) -> String {
        let text = self
            .values
            .iter()
            .fold(self.msg.render(lang), |text, (k, v)| {
                pforte_shared::i18n::fill(&text, k, v)
            });
        format!("{text}\n")
    }
}

/// The outermost layer: finds the language of the request once (the language cookie, else
/// `Accept-Language`: `RequestLang`, which pages and server functions read) and writes every
/// [`plain_answer`] in it, so that even a panic is answered in it.
pub async fn localize(State(state): State<ServerState>, mut req: Request, next: Next) -> Response {
    let lang = state.0.web.lang_of(req.headers());
    req.extensions_mut().insert(RequestLang(lang));
    let mut res = next.run(req).await;
    let answer = res.extensions_mut().remove::<PlainAnswer>();
    // The body limit's own 413 says the same.
    let answer = answer.or_else(|| {
        (res.status() == StatusCode::PAYLOAD_TOO_LARGE).then_some(PlainAnswer {
            msg: Msg::RequestTooLarge,
            values: Vec::new(),
        })
    });
    if let Some(answer) = answer {
        res.headers_mut().remove(header::CONTENT_LENGTH);
        res.headers_mut().insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(lang.code()),
        );
        *res.body_mut() = axum::body::Body::from(answer.text(lang));
    }
    res
}

/// Answers 503 (with `Retry-After`) to a request not done within `WebConfig::request_limit`.
/// What it was doing is dropped: an open transaction rolls back.
pub async fn time_limit(State(state): State<ServerState>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = redacted_path(req.uri().path());
    match tokio::time::timeout(state.0.web.request_limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            tracing::error!(%method, path, "request took too long and was stopped");
            let mut res = plain_answer(StatusCode::SERVICE_UNAVAILABLE, Msg::TooSlow);
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            res
        }
    }
}

/// Server functions answer every `Err` with 500; this sets the status the error stands for
/// (`AppError::status`, with `Retry-After` on 429 and 503), so user errors are 4xx and only real faults
/// 5xx. Plain form posts are redirects and pass untouched.
pub async fn server_fn_status(req: Request, next: Next) -> Response {
    let is_server_fn = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !is_server_fn || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return plain_answer(StatusCode::INTERNAL_SERVER_ERROR, Msg::SomethingWentWrong);
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes)
        && let Ok(status) = StatusCode::from_u16(error.status())
    {
        parts.status = status;
        if let AppError::RateLimited { retry_after }
        | AppError::ResendCooldown { retry_after }
        | AppError::Busy { retry_after } = error
        {
            parts
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    plain_answer(StatusCode::INTERNAL_SERVER_ERROR, Msg::SomethingWentWrong)
}

/// Puts the time zone the request's browser reported (`BrowserZone`) into the request.
pub async fn browser_zone(
    State(state): State<ServerState>,
    mut req: Request,
    next: Next,
) -> Response {
    if let Some(zone) = state.0.web.browser_zone(req.headers()) {
        req.extensions_mut().insert(zone);
    }
    next.run(req).await
}

/// The pages whose path holds a token, and the server functions their forms post to.
const TOKEN_PAGES: [(&str, &[&str]); 4] = [
    (
        "/welcome/",
        &[
            "/api/submit_invited_email",
            "/api/create_password",
            "/api/confirm_onboarding_code",
            "/api/resend_onboarding_code",
            "/api/decide_trust",
        ],
    ),
    ("/setup/", &["/api/complete_setup"]),
    ("/reset-password/", &["/api/reset_password"]),
    ("/not-me/", &["/api/report_not_me"]),
];

fn is_token_page(path: &str) -> bool {
    TOKEN_PAGES.iter().any(|(page, _)| path.starts_with(page))
}

pub async fn security_headers(
    State(state): State<ServerState>,
    req: Request,
    next: Next,
) -> Response {
    // Token pages name only the origin in a `Referer`, never their path with the token; other
    // pages send a `Referer` only to the site itself. (Not `no-referrer`: browsers then send
    // `Origin: null`, and those without `Sec-Fetch-Site` — older Safari, plain-http hosts —
    // could not post the stepper's forms at all.)
    let referrer_policy = if is_token_page(req.uri().path()) {
        "strict-origin"
    } else {
        "same-origin"
    };
    let duplicate = state.0.web.duplicate_session_cookie(req.headers());
    let mut res = next.run(req).await;
    // A browser sending two session cookies is signed out: clear both forms (bound to Pforte's
    // host, and shared with the cookie domain). An answer that sets a new session (a sign-in step)
    // keeps it, and clears only the host-bound one when the session is shared.
    // Never on an answer a shared cache may keep (the site's files): it would sign out everyone.
    let public = res
        .headers()
        .get(header::CACHE_CONTROL)
        .is_some_and(|v| v.as_bytes().starts_with(b"public"));
    if duplicate && !public {
        let name = format!("{}=", state.0.web.session_cookie_name());
        let sets_session = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|v| v.as_bytes().starts_with(name.as_bytes()));
        let web = &state.0.web;
        let mut clear = Vec::new();
        if web.cookie_domain.is_some() {
            clear.push(web.clear_host_session_cookie());
        }
        if !sets_session {
            clear.push(web.clear_session_cookie());
        }
        for cookie in clear {
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                res.headers_mut().append(header::SET_COOKIE, value);
            }
        }
    }
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static(referrer_policy),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if state.0.web.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if is_html {
        if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(FALLBACK_HTML_CSP),
            );
        }
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    } else if !h.contains_key(header::CACHE_CONTROL) {
        // Server-function answers carry account data; static files keep their own caching.
        if h.get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"))
        {
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
    res
}

/// Whether an `Origin` header names the public URL's origin, compared as parsed origins (scheme,
/// host without case, port with the scheme's default filled in): `https://Login.Example.com:443`
/// and `https://login.example.com` are one origin. `null` and garbage name none.
fn same_origin(header: &[u8], public_url: &str) -> bool {
    let origin_of = |text: &str| {
        url::Url::parse(text)
            .ok()
            .map(|u| u.origin())
            .filter(url::Origin::is_tuple)
    };
    match (
        std::str::from_utf8(header).ok().and_then(origin_of),
        origin_of(public_url),
    ) {
        (Some(sent), Some(ours)) => sent == ours,
        _ => false,
    }
}

/// Refuses state-changing requests from other sites: `Sec-Fetch-Site` other
/// than same-origin/none, or an `Origin` that is not the public URL's (`null` only together
/// with `Sec-Fetch-Site: same-origin`).
pub async fn refuse_cross_site(
    State(state): State<ServerState>,
    req: Request,
    next: Next,
) -> Response {
    let safe_method = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // The token and userinfo endpoints take no cookie: a client proves itself with its secret,
    // code and verifier, or its access token — from wherever it runs.
    let cookieless = matches!(
        req.uri().path(),
        crate::oidc::TOKEN_PATH | crate::oidc::USERINFO_PATH
    );
    if !safe_method && !cookieless {
        let headers = req.headers();
        let fetch_site = headers.get("sec-fetch-site").map(HeaderValue::as_bytes);
        let fetch_site_bad = fetch_site.is_some_and(|v| !matches!(v, b"same-origin" | b"none"));
        // Under a stricter `Referrer-Policy` (a proxy may add `no-referrer`) browsers send
        // `Origin: null`; `Sec-Fetch-Site: same-origin` then says where the post came from.
        let origin_ok = |o: &HeaderValue| {
            same_origin(o.as_bytes(), &state.0.web.public_url)
                || (o.as_bytes() == b"null" && fetch_site == Some(b"same-origin".as_slice()))
        };
        let origin_bad = headers.get(header::ORIGIN).is_some_and(|o| !origin_ok(o));
        if fetch_site_bad || origin_bad {
            tracing::warn!(
                path = redacted_path(req.uri().path()),
                "cross-site request refused"
            );
            return plain_answer(StatusCode::FORBIDDEN, Msg::CrossSiteRefused);
        }
    }
    next.run(req).await
}

/// A form post (every form is one) is sent back to its page by its `Referer` (Leptos' server
/// functions: the page shows the answer, or the error). Token pages send only their origin
/// (`Referrer-Policy: strict-origin`) or none, so for their forms the page is named from the
/// form's own `token` field, when it has a token's shape (`Token::from_presented`).
pub async fn token_page_referer(
    State(state): State<ServerState>,
    req: Request,
    next: Next,
) -> Response {
    let page = TOKEN_PAGES
        .iter()
        .find_map(|(page, endpoints)| endpoints.contains(&req.uri().path()).then_some(*page));
    let plain_form = req.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes()
            .starts_with(b"application/x-www-form-urlencoded")
    });
    let names_no_page = req.headers().get(header::REFERER).is_none_or(|r| {
        r.to_str()
            .ok()
            .and_then(|r| url::Url::parse(r).ok())
            .is_none_or(|u| u.path() == "/" && u.query().is_none())
    });
    let (Some(page), true, true) = (page, plain_form, names_no_page) else {
        return next.run(req).await;
    };
    let (mut parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, crate::router::MAX_BODY_BYTES).await else {
        return plain_answer(StatusCode::PAYLOAD_TOO_LARGE, Msg::RequestTooLarge);
    };
    let token = url::form_urlencoded::parse(&bytes)
        .find(|(key, _)| key == "token")
        .and_then(|(_, value)| pforte_auth::secret::Token::from_presented(&value));
    if let Some(token) = token
        && let Ok(referer) = HeaderValue::from_str(&format!(
            "{}{page}{}",
            state.0.web.public_url,
            token.expose()
        ))
    {
        parts.headers.insert(header::REFERER, referer);
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// Sends visitors of protected pages to the login, remembering where they wanted to go;
/// answers 403 to signed-in users who are not admins on `/admin/…`.
pub async fn protect_pages(
    State(state): State<ServerState>,
    mut req: Request,
    next: Next,
) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD) && is_protected(req.uri().path()) {
        let found = match state.signed_in(req.headers()).await {
            Ok(found) => found,
            Err(answer) => return answer,
        };
        let user = found.as_ref().map(|found| &found.user);
        let signed_in = user.is_some();
        let is_admin_page = is_under(req.uri().path(), "/admin");
        if is_admin_page
            && user
                .as_ref()
                .is_some_and(|u| u.role != pforte_shared::types::Role::Admin)
        {
            return plain_answer(StatusCode::FORBIDDEN, Msg::Forbidden);
        }
        if !signed_in {
            let wanted = req.uri().path_and_query().map_or("/", |p| p.as_str());
            let next: String = url::form_urlencoded::byte_serialize(wanted.as_bytes()).collect();
            let mut res = Redirect::to(&format!("/login?next={next}")).into_response();
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            return res;
        }
        if let Some(found) = found {
            req.extensions_mut()
                .insert(pforte_app::state::PageUser(found));
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_segments_are_redacted() {
        assert_eq!(
            redacted_path("/welcome/abcdefghijklmnopqrstuvwxyz0123456789"),
            "/welcome/<redacted>"
        );
        assert_eq!(redacted_path("/login"), "/login");
    }

    #[test]
    fn protected_paths() {
        assert!(is_protected("/"));
        assert!(is_protected("/account/security"));
        assert!(is_protected("/admin/users"));
        assert!(!is_protected("/login"));
        assert!(!is_protected("/accounting"));
        assert!(!is_protected("/administer"));
    }

    #[test]
    fn origins_compare_parsed() {
        let ours = "https://Login.Example.com:443/portal";
        for sent in ["https://login.example.com", "https://LOGIN.example.com:443"] {
            assert!(same_origin(sent.as_bytes(), ours), "{sent}");
        }
        for sent in [
            "http://login.example.com",
            "https://login.example.com:8443",
            "https://login.example.com.evil.example",
            "null",
            "",
            "login.example.com",
        ] {
            assert!(!same_origin(sent.as_bytes(), ours), "{sent}");
        }
        assert!(same_origin(
            b"http://127.0.0.1:3000",
            "http://127.0.0.1:3000"
        ));
        assert!(!same_origin(&[0xff, 0xfe], "http://127.0.0.1:3000"));
    }
}
