//! Sign-in: `/login`, `/login/code`, `/login/totp`, `/login/trust`, and logging out.

use leptos::prelude::*;
use pforte_shared::AppError;

/// Step one of sign-in: email or customer number, and password. Goes on to the email code on a
/// new device, or straight to `next` on a trusted one.
#[server(endpoint = "submit_password")]
pub async fn submit_password(
    identifier: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::state::*;
    use pforte_auth::secret::Password;

    let state = app_state()?;
    let previous = current_session_token(&state.web);
    let device = current_device_token(&state.web);
    let step = state
        .auth
        .submit_password(
            &identifier,
            Password::new(password),
            previous.as_deref(),
            device.as_deref(),
            &request_meta(),
        )
        .await?;
    set_step_cookies(&state, &step);
    leptos_axum::redirect(&page_after(step.stage, next.as_deref()));
    Ok(())
}

/// Where a browser goes once a sign-in step moved it to `stage`, carrying the safe `next`.
#[cfg(feature = "ssr")]
fn page_after(stage: pforte_auth::session::Stage, next: Option<&str>) -> String {
    use pforte_auth::session::Stage;
    use pforte_shared::next::{landing, safe_next, with_next};
    match stage {
        Stage::Complete => landing(&safe_next(next)),
        Stage::AwaitingEmailCode => with_next("/login/code", next),
        Stage::AwaitingTrustDecision => with_next("/login/trust", next),
        Stage::AwaitingTotp => with_next("/login/totp", next),
    }
}

/// Where this browser's sign-in stands, for `/login/code` and `/login/trust`.
#[server(endpoint = "sign_in_state")]
pub async fn sign_in_state() -> Result<pforte_shared::types::SignInStateResponse, AppError> {
    use crate::state::*;
    use pforte_auth::session::Stage;
    use pforte_shared::types::{SignInStateResponse, SignInStep};

    let state = app_state()?;
    let token = current_session_token(&state.web);
    let pending = state.auth.pending_state(token.as_deref()).await?;
    Ok(SignInStateResponse {
        step: pending.as_ref().and_then(|p| match p.stage {
            Stage::AwaitingEmailCode => Some(SignInStep::EmailCode),
            Stage::AwaitingTotp => Some(SignInStep::Totp),
            Stage::AwaitingTrustDecision => Some(SignInStep::Trust),
            Stage::Complete => None,
        }),
        code_cooldown: pending.as_ref().map_or(0, |p| p.code_cooldown),
        code_locked_minutes: pending
            .map_or(0, |p| pforte_auth::throttle::minutes_up(p.code_locked)),
    })
}

/// `/login/code`: "Confirm" the emailed code; then the trust question.
#[server(endpoint = "confirm_sign_in_code")]
pub async fn confirm_sign_in_code(code: String, next: Option<String>) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let token = current_session_token(&state.web);
    let step = state
        .auth
        .confirm_sign_in_code(token.as_deref(), &code, &request_meta())
        .await?;
    set_step_cookies(&state, &step);
    leptos_axum::redirect(&page_after(step.stage, next.as_deref()));
    Ok(())
}

/// `/login/totp`: "Confirm" the authenticator app's code; then signed in and on to `next`.
#[server(endpoint = "confirm_sign_in_app_code")]
pub async fn confirm_sign_in_app_code(
    authentication_code: String,
    next: Option<String>,
) -> Result<(), AppError> {
    app_code_step(&authentication_code, false, next).await
}

/// `/login/totp?recovery`: "Confirm" a recovery code instead; then signed in.
#[server(endpoint = "confirm_sign_in_recovery_code")]
pub async fn confirm_sign_in_recovery_code(
    recovery_code: String,
    next: Option<String>,
) -> Result<(), AppError> {
    app_code_step(&recovery_code, true, next).await
}

#[cfg(feature = "ssr")]
async fn app_code_step(code: &str, recovery: bool, next: Option<String>) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let token = current_session_token(&state.web);
    let step = state
        .auth
        .confirm_sign_in_app_code(token.as_deref(), code, recovery, &request_meta())
        .await?;
    set_step_cookies(&state, &step);
    leptos_axum::redirect(&page_after(step.stage, next.as_deref()));
    Ok(())
}

/// `/login/code`: "Send new code".
#[server(endpoint = "resend_sign_in_code")]
pub async fn resend_sign_in_code() -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let token = current_session_token(&state.web);
    Ok(state
        .auth
        .resend_sign_in_code(token.as_deref(), &request_meta())
        .await?)
}

/// `/login/trust`: "Yes" or "No"; then signed in and on to `next`.
#[server(endpoint = "trust_sign_in_device")]
pub async fn trust_sign_in_device(trust: String, next: Option<String>) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let trust = super::parse_yes_no(&trust)?;
    let token = current_session_token(&state.web);
    let step = state
        .auth
        .decide_sign_in_trust(token.as_deref(), trust, &request_meta())
        .await?;
    set_step_cookies(&state, &step);
    leptos_axum::redirect(&page_after(step.stage, next.as_deref()));
    Ok(())
}

/// Ends the browser's session on the server and removes the cookie.
#[server(endpoint = "log_out")]
pub async fn log_out() -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    if let Some(token) = current_session_token(&state.web) {
        state.auth.log_out(&token, &request_meta()).await?;
    }
    set_cookie(&state.web.clear_session_cookie());
    set_cookie(&state.web.clear_flash_cookie());
    leptos_axum::redirect("/login");
    Ok(())
}
