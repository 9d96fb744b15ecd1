//! `POST /auth/google` ("Sign in with Google") and `GET /auth/google/callback`: the HTTP side of
//! `pforte_auth::google`. Once Google sign-in is configured (else both are 404), both answer with
//! a redirect, never with an error page: a sign-in that does not go through lands on
//! `/login?google=<why>` (keeping `next`), where the page says why.

use crate::state::ServerState;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pforte_app::state::request_meta_of;
use pforte_auth::google::{CallbackQuery, GoogleFailure};
use pforte_shared::next::{landing, with_next};

/// The form of the "Sign in with Google" button.
#[derive(Debug, serde::Deserialize)]
pub struct StartForm {
    #[serde(default)]
    next: Option<String>,
}

/// `/login?google=<why>`, keeping where the browser was going.
fn back_to_login(failure: GoogleFailure, next: Option<&str>) -> String {
    let login = with_next("/login", next);
    let glue = if login.contains('?') { '&' } else { '?' };
    format!("{login}{glue}google={}", failure.as_str())
}

/// Starts the sign-in: the provider's URL, with the cookie that binds it to this browser.
pub async fn start(
    State(state): State<ServerState>,
    parts: Parts,
    form: Result<Form<StartForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let app = &state.0;
    if !app.auth.google_enabled() {
        return StatusCode::NOT_FOUND.into_response();
    }
    // A post without a (readable) form starts a sign-in that lands on `/`.
    let next = form.as_ref().ok().and_then(|Form(f)| f.next.as_deref());
    match app.auth.start_google(next, &request_meta_of(&parts)).await {
        Ok(started) => crate::redirect(
            &started.location,
            &[app.web.google_cookie(started.browser.expose())],
        ),
        Err(pforte_auth::AuthError::RateLimited { retry_after }) => {
            let mut res = crate::redirect(&back_to_login(GoogleFailure::TooMany, next), &[]);
            if let Ok(value) = HeaderValue::from_str(&retry_after.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, value);
            }
            res
        }
        Err(error) => {
            tracing::error!(%error, "Google sign-in could not start");
            crate::redirect(&back_to_login(GoogleFailure::Unavailable, next), &[])
        }
    }
}

/// The provider's answer: a session on success (at `/login/totp` when two-factor is on), else
/// back to `/login` with the reason. The browser's cookie is removed either way.
pub async fn callback(State(state): State<ServerState>, parts: Parts) -> Response {
    let app = &state.0;
    if !app.auth.google_enabled() {
        return StatusCode::NOT_FOUND.into_response();
    }
    // A query that does not parse is a callback without state: refused like one.
    let query = Query::<CallbackQuery>::try_from_uri(&parts.uri)
        .map(|Query(q)| q)
        .unwrap_or_default();
    let browser = pforte_app::state::cookie_value(&parts.headers, app.web.google_cookie_name());
    let previous = app.web.session_token(&parts.headers);
    let forget = app.web.clear_google_cookie();
    match app
        .auth
        .finish_google(browser, &query, previous, &request_meta_of(&parts))
        .await
    {
        Ok(done) => {
            let location = match done.step.stage {
                pforte_auth::session::Stage::Complete => landing(&done.next),
                _ => with_next("/login/totp", Some(&done.next)),
            };
            crate::redirect(
                &location,
                &[forget, app.web.session_cookie(done.step.token.expose())],
            )
        }
        Err(refused) => crate::redirect(
            &back_to_login(refused.failure, Some(&refused.next)),
            &[forget],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_to_login_keeps_a_safe_next_only() {
        assert_eq!(
            back_to_login(GoogleFailure::Refused, None),
            "/login?google=failed"
        );
        assert_eq!(
            back_to_login(GoogleFailure::Cancelled, Some("/account/security")),
            "/login?next=/account/security&google=cancelled"
        );
        assert_eq!(
            back_to_login(GoogleFailure::Unavailable, Some("//evil.example")),
            "/login?google=unavailable"
        );
    }
}
