//! Server-side state and request plumbing shared by the server functions and the server's middleware.

use crate::client_ip::{ClientIp, TrustedProxies};
use http::request::Parts;
use http::{HeaderValue, header};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use pforte_auth::{Auth, RequestMeta};
use pforte_shared::{AppError, Lang};

/// What the web layer needs besides the domain.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// `PFORTE_PUBLIC_URL` without a trailing slash, e.g. `https://login.example.com`.
    pub public_url: String,
    /// True when the public URL is https: cookies get `Secure` and the `__Host-` prefix.
    pub secure_cookies: bool,
    /// The longest a request may take; the server answers 503 after it (`REQUEST_LIMIT`).
    pub request_limit: std::time::Duration,
    /// `PFORTE_TRUSTED_PROXIES`: peers whose `X-Forwarded-For`/`Forwarded` name the client.
    pub trusted_proxies: TrustedProxies,
    /// `PFORTE_FORWARD_AUTH_DOMAINS`: the hosts forward authentication may send a user back to.
    pub forward_domains: crate::forward::ForwardDomains,
    /// `PFORTE_COOKIE_DOMAIN`: when set, the session cookie is sent to every host under this
    /// domain (so that forward authentication sees it on the applications' hosts); else it is
    /// sent to Pforte's host only.
    pub cookie_domain: Option<String>,
    /// `PFORTE_METRICS_TOKEN`: a bearer token that opens the server's `/metrics` to peers other
    /// than this machine.
    pub metrics_token: Option<BearerToken>,
}

/// A secret presented as `Authorization: Bearer …`; its `Debug` output is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct BearerToken(pub String);

impl std::fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BearerToken(<redacted>)")
    }
}

/// A request still unanswered after this is stopped and answered 503: a stuck database or a page
/// that never finishes rendering costs the browser seconds, not a connection held forever.
pub const REQUEST_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

/// The language of a request (see [`WebConfig::lang_of`]), found once and put into request
/// extensions by the server.
#[derive(Clone, Copy, Debug)]
pub struct RequestLang(pub Lang);

/// The time zone a request's browser reported, put into request extensions by the server.
#[derive(Clone, Debug)]
pub struct BrowserZone(pub String);

/// How long the language cookie is kept: a year.
const LANG_COOKIE_SECS: i64 = 365 * 24 * 60 * 60;
/// A form outcome waits this long for the page it returns to (see `flash`).
pub const FLASH_SECS: i64 = 60;

impl WebConfig {
    pub fn new(public_url: &str) -> Self {
        let public_url = public_url.trim_end_matches('/').to_owned();
        WebConfig {
            secure_cookies: public_url.starts_with("https://"),
            public_url,
            request_limit: REQUEST_LIMIT,
            trusted_proxies: TrustedProxies::default(),
            forward_domains: Default::default(),
            cookie_domain: None,
            metrics_token: None,
        }
    }

    /// `target` if forward authentication may send a browser there: on a host listed in
    /// `PFORTE_FORWARD_AUTH_DOMAINS`, over https (http too while Pforte itself runs on http).
    pub fn forward_target(&self, target: &str) -> Option<String> {
        self.forward_domains.allowed(target, !self.secure_cookies)
    }

    /// `__Host-` binds a cookie to Pforte's host; a cookie shared with a domain can only be
    /// `__Secure-`.
    pub fn session_cookie_name(&self) -> &'static str {
        match (self.secure_cookies, self.cookie_domain.is_some()) {
            (true, false) => "__Host-pforte_session",
            (true, true) => "__Secure-pforte_session",
            (false, _) => "pforte_session",
        }
    }

    /// A session cookie's `Set-Cookie` value, with the shared domain when one is set.
    fn session_cookie_with(&self, value: &str, max_age: Option<i64>) -> String {
        let cookie = self.cookie(self.session_cookie_name(), value, max_age);
        match &self.cookie_domain {
            Some(domain) => format!("{cookie}; Domain={domain}"),
            None => cookie,
        }
    }

    fn cookie(&self, name: &str, value: &str, max_age: Option<i64>) -> String {
        let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
        if let Some(age) = max_age {
            cookie.push_str(&format!("; Max-Age={age}"));
        }
        if self.secure_cookies {
            cookie.push_str("; Secure");
        }
        cookie
    }

    /// `Set-Cookie` value carrying a session token.
    pub fn session_cookie(&self, token: &str) -> String {
        self.session_cookie_with(token, None)
    }

    pub fn device_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-pforte_device"
        } else {
            "pforte_device"
        }
    }

    /// `Set-Cookie` value carrying a trusted-device token (kept `max_age` seconds).
    pub fn device_cookie(&self, token: &str, max_age: i64) -> String {
        self.cookie(self.device_cookie_name(), token, Some(max_age))
    }

    pub fn google_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-pforte_google"
        } else {
            "pforte_google"
        }
    }

    /// `Set-Cookie` value binding a started "Sign in with Google" to this browser (`SameSite=Lax`:
    /// it comes back with the provider's redirect).
    pub fn google_cookie(&self, token: &str) -> String {
        let max_age = pforte_auth::google::PENDING_SECS;
        self.cookie(self.google_cookie_name(), token, Some(max_age))
    }

    /// `Set-Cookie` value that removes the "Sign in with Google" cookie.
    pub fn clear_google_cookie(&self) -> String {
        self.cookie(self.google_cookie_name(), "", Some(0))
    }

    pub fn flash_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-pforte_flash"
        } else {
            "pforte_flash"
        }
    }

    /// `Set-Cookie` value carrying a sealed form outcome (`flash`) to the page the form returns
    /// to: kept a minute at most, as the browser follows the redirect at once; `SameSite=Strict`,
    /// so that only Pforte's own pages spend it.
    pub fn flash_cookie(&self, sealed: &str) -> String {
        self.cookie(self.flash_cookie_name(), sealed, Some(FLASH_SECS))
            .replace("SameSite=Lax", "SameSite=Strict")
    }

    /// `Set-Cookie` value that removes the form outcome once shown.
    pub fn clear_flash_cookie(&self) -> String {
        self.cookie(self.flash_cookie_name(), "", Some(0))
    }

    pub fn lang_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-pforte_lang"
        } else {
            "pforte_lang"
        }
    }

    /// `Set-Cookie` value that remembers the language chosen with the language switch (a year).
    pub fn lang_cookie(&self, lang: Lang) -> String {
        self.cookie(self.lang_cookie_name(), lang.code(), Some(LANG_COOKIE_SECS))
    }

    /// The language of a request: the one chosen with the language switch, else the browser's
    /// preferred one (`Accept-Language`), else English.
    pub fn lang_of(&self, headers: &http::HeaderMap) -> Lang {
        cookie_value(headers, self.lang_cookie_name())
            .and_then(Lang::parse)
            .or_else(|| {
                headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .unwrap_or_default()
    }

    /// The cookie every page's script (`page.js`) reports the browser's time zone in; `__Host-` with https, so no other site can plant it.
    pub fn time_zone_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-pforte_tz"
        } else {
            "pforte_tz"
        }
    }

    /// The time zone the browser of a request reported (unchecked: `RequestMeta::in_zone`
    /// keeps only known ones).
    pub fn browser_zone(&self, headers: &http::HeaderMap) -> Option<BrowserZone> {
        cookie_value(headers, self.time_zone_cookie_name()).map(|z| BrowserZone(z.to_owned()))
    }

    /// `Set-Cookie` value that removes the session cookie.
    pub fn clear_session_cookie(&self) -> String {
        self.session_cookie_with("", Some(0))
    }

    /// Whether a request carries the session cookie more than once (one planted by another host
    /// under a shared domain, or left from before the cookie domain changed): it counts as
    /// signed out (see [`WebConfig::session_token`]).
    pub fn duplicate_session_cookie(&self, headers: &http::HeaderMap) -> bool {
        cookie_values(headers, self.session_cookie_name()).count() > 1
    }

    /// `Set-Cookie` value that removes a session cookie bound to Pforte's host (with a shared
    /// cookie domain, [`WebConfig::clear_session_cookie`] removes the shared one; a browser may
    /// hold both, e.g. after the domain was set).
    pub fn clear_host_session_cookie(&self) -> String {
        self.cookie(self.session_cookie_name(), "", Some(0))
    }

    /// The trusted-device token from a request's `Cookie` headers.
    pub fn device_token<'a>(&self, headers: &'a http::HeaderMap) -> Option<&'a str> {
        cookie_value(headers, self.device_cookie_name())
    }

    /// The session token from a request's `Cookie` headers.
    pub fn session_token<'a>(&self, headers: &'a http::HeaderMap) -> Option<&'a str> {
        single_cookie_value(headers, self.session_cookie_name())
    }
}

pub fn cookie_value<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    cookie_values(headers, name).next()
}

/// Every value of cookie `name` in a request's `Cookie` headers, in the order sent.
pub(crate) fn cookie_values<'a>(
    headers: &'a http::HeaderMap,
    name: &str,
) -> impl Iterator<Item = &'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .collect::<Vec<_>>()
        .into_iter()
}

/// The one value of cookie `name`, or `None` when it is missing or sent more than once — two
/// session cookies mean that another host (under a shared cookie domain) or a sibling site set
/// one; neither is believed.
pub fn single_cookie_value<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    let mut values = cookie_values(headers, name);
    let first = values.next()?;
    values.next().is_none().then_some(first)
}

/// Everything a server function needs, provided as Leptos context by the server (shared, as
/// `Arc<AppState>`: every request and middleware takes it, and a copy would cost allocations).
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub auth: Auth,
    pub web: WebConfig,
}

pub fn app_state() -> Result<std::sync::Arc<AppState>, AppError> {
    use_context::<std::sync::Arc<AppState>>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}

/// Reads the current request's parts in place (a page asks for them many times; cloning them
/// would copy every header each time). `None` outside a request. `read` runs while the context
/// is locked: it must not provide context or create signals or owners.
pub(crate) fn with_parts<R>(read: impl FnOnce(&Parts) -> R) -> Option<R> {
    with_context::<Parts, _>(read)
}

/// The language of the current request ([`RequestLang`]); English outside a request.
pub fn request_lang() -> Lang {
    with_parts(|parts| parts.extensions.get::<RequestLang>().copied())
        .flatten()
        .map_or_else(Lang::default, |RequestLang(lang)| lang)
}

/// IP and browser of the current request (with its `Sec-CH-UA` hint, which names browsers whose
/// User-Agent hides them).
pub fn request_meta() -> RequestMeta {
    with_parts(request_meta_of).unwrap_or_default()
}

/// IP and browser of a request, from its parts (see [`request_meta`]).
pub fn request_meta_of(parts: &Parts) -> RequestMeta {
    let ip = parts
        .extensions
        .get::<ClientIp>()
        .map(|c| c.0.to_string())
        .unwrap_or_default();
    let ua = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let hint = parts.headers.get("sec-ch-ua").and_then(|v| v.to_str().ok());
    let zone = parts.extensions.get::<BrowserZone>().map(|z| z.0.as_str());
    RequestMeta::with_client_hint(ip, ua, hint).in_zone(zone)
}

/// The signed-in user the page guard found for a `GET`/`HEAD` request to a protected page. The
/// page itself (`page_user`) and the server functions it runs while rendering read it instead of
/// each looking the session up again. The page itself changes nothing, so this is the user its
/// cookie names. The rule that keeps it so: no handler that changes anything is reachable by
/// `GET`/`HEAD` under the protected paths, and no server function is mounted there; server
/// functions called by the browser (`POST /api/…`) never carry it and look the session up
/// themselves.
#[derive(Clone)]
pub struct PageUser(pub pforte_auth::session::SignedIn);

/// The signed-in user of the current request, or `NotSignedIn`.
pub async fn signed_in(state: &AppState) -> Result<pforte_auth::account::User, AppError> {
    Ok(signed_in_with_account(state).await?.user)
}

/// The user the guard in front of protected pages found for this request (`PageUser`), at once.
pub fn page_user() -> Option<pforte_auth::session::SignedIn> {
    with_parts(|parts| parts.extensions.get::<PageUser>().cloned())
        .flatten()
        .map(|PageUser(found)| found)
}

/// [`signed_in`] with the user's account and session (all read in one query, once per page).
pub async fn signed_in_with_account(
    state: &AppState,
) -> Result<pforte_auth::session::SignedIn, AppError> {
    if let Some(found) = page_user() {
        return Ok(found);
    }
    let token = current_session_token(&state.web).ok_or(AppError::NotSignedIn)?;
    state
        .auth
        .signed_in(&token)
        .await?
        .ok_or(AppError::NotSignedIn)
}

/// The signed-in user if they are an admin, else `Forbidden`.
pub async fn signed_in_admin(state: &AppState) -> Result<pforte_auth::account::User, AppError> {
    let user = signed_in(state).await?;
    if user.role == pforte_shared::types::Role::Admin {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The session cookie of the current request.
pub fn current_session_token(web: &WebConfig) -> Option<String> {
    with_parts(|p| web.session_token(&p.headers).map(str::to_owned)).flatten()
}

/// The trusted-device cookie of the current request.
pub fn current_device_token(web: &WebConfig) -> Option<String> {
    with_parts(|p| web.device_token(&p.headers).map(str::to_owned)).flatten()
}

/// Sets the cookies a sign-in step hands out: always the new session, and a new trusted device.
pub fn set_step_cookies(state: &AppState, step: &pforte_auth::signin::StepResult) {
    set_cookie(&state.web.session_cookie(step.token.expose()));
    // What a form did for the browser's previous user is not for this one.
    set_cookie(&state.web.clear_flash_cookie());
    if let Some(device) = &step.device {
        let max_age = state.auth.settings.trusted_device_secs;
        set_cookie(&state.web.device_cookie(device.expose(), max_age));
    }
}

/// Adds a `Set-Cookie` header to the response of the current server function or page.
pub fn set_cookie(value: &str) {
    if let (Some(res), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        res.append_header(header::SET_COOKIE, value);
    }
}

/// Sends the Content-Security-Policy with this response's nonce.
pub fn send_content_security_policy() {
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    // "Sign in with Google" posts to Pforte, which redirects to the provider: a redirect a form
    // leads to must be allowed by `form-action` too.
    let provider = use_context::<std::sync::Arc<AppState>>()
        .and_then(|s| {
            s.auth
                .settings
                .google
                .as_ref()
                .and_then(|g| g.auth_origin())
        })
        .map(|origin| format!(" {origin}"))
        .unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'{provider}; \
         frame-ancestors 'none'; object-src 'none'; base-uri 'none'"
    );
    if let (Some(res), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&policy),
    ) {
        res.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::cookie_value;
    use proptest::prelude::*;

    /// A sign-in admitted to the hashing queue is done well within the request limit: it waits
    /// at most the queue's limit, then hashes once. Else it would be cut off after its attempt was
    /// counted.
    #[test]
    fn hashing_waits_end_well_before_the_request_limit() {
        assert!(pforte_auth::password::WAIT_LIMIT * 2 <= super::REQUEST_LIMIT);
    }

    proptest! {
        /// Any `Cookie` header: no panic, and a value found is the one the header gives the name.
        #[test]
        fn cookie_parsing_never_panics(header in "[ -~]{0,120}", name in "[a-z_-]{1,8}") {
            let mut headers = http::HeaderMap::new();
            if let Ok(value) = http::HeaderValue::from_str(&header) {
                headers.insert(http::header::COOKIE, value);
            }
            if let Some(value) = cookie_value(&headers, &name) {
                let pair = format!("{name}={value}");
                prop_assert!(header.contains(&pair));
            }
        }
    }

    #[test]
    fn a_cookie_sent_twice_is_not_believed() {
        let headers = |value: &'static str| {
            let mut headers = http::HeaderMap::new();
            headers.insert(http::header::COOKIE, http::HeaderValue::from_static(value));
            headers
        };
        let web = super::WebConfig::new("https://login.example.com");
        let name = web.session_cookie_name();
        assert_eq!(name, "__Host-pforte_session");
        let once = headers("a=1; __Host-pforte_session=mine; b=2");
        assert_eq!(web.session_token(&once), Some("mine"));
        let twice = headers("__Host-pforte_session=planted; __Host-pforte_session=mine");
        assert_eq!(web.session_token(&twice), None);
        assert_eq!(web.session_token(&headers("b=2")), None);
    }
}
