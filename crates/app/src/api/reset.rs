//! Getting back in: "Forgot password?" (`/forgot-password`, `/reset-password/{token}`) and "This
//! wasn't me" (`/not-me/{token}`).

use leptos::prelude::*;
use pforte_shared::AppError;

/// "Send reset link". Answers the same, at once, for every identifier (429 only when this IP
/// address sent too many requests): the lookup and the mail run after the answer. The page then
/// shows the answer on `/forgot-password?sent`, also without JavaScript.
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(identifier: String) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    // The answer does not wait for the lookup: the handle is dropped, the task goes on.
    let _answer = state
        .auth
        .request_password_reset(&identifier, &request_meta())
        .await?;
    leptos_axum::redirect("/forgot-password?sent");
    Ok(())
}

/// Where a reset link stands.
#[server(endpoint = "reset_link_state")]
pub async fn reset_link_state(token: String) -> Result<pforte_shared::types::LinkState, AppError> {
    use crate::state::*;

    let state = app_state()?;
    Ok(state.auth.reset_link_state(&token).await?)
}

/// The email of a usable reset link's user: the username password managers save the new
/// password under. Whoever holds the link got it in that mailbox. `None` for any other link.
#[server(endpoint = "reset_username")]
pub async fn reset_username(token: String) -> Result<Option<String>, AppError> {
    use crate::state::*;

    let state = app_state()?;
    match state.auth.reset_link_user(&token).await {
        Ok(user) => Ok(Some(user.email)),
        Err(pforte_auth::AuthError::LinkInvalid) => Ok(None),
        Err(other) => Err(other.into()),
    }
}

/// "Save password" through a reset link. Does not sign in: the page then says the password is
/// saved (`?saved`) and leads to `/login`.
#[server(endpoint = "reset_password")]
pub async fn reset_password(
    token: String,
    new_password: String,
    new_password_repeat: String,
) -> Result<(), AppError> {
    use crate::state::*;
    use pforte_auth::secret::Password;

    let state = app_state()?;
    state
        .auth
        .reset_password(
            &token,
            Password::new(new_password),
            Password::new(new_password_repeat),
            &request_meta(),
        )
        .await?;
    leptos_axum::redirect(&format!("/reset-password/{token}?saved"));
    Ok(())
}

/// Where a "This wasn't me" link stands.
#[server(endpoint = "not_me_link_state")]
pub async fn not_me_link_state(token: String) -> Result<pforte_shared::types::LinkState, AppError> {
    use crate::state::*;

    let state = app_state()?;
    Ok(state.auth.not_me_link_state(&token).await?)
}

/// "Secure my account" on `/not-me/{token}`: forgets the device (or every device), signs out
/// every session and mails a reset link; then the page says so (`?done`).
#[server(endpoint = "report_not_me")]
pub async fn report_not_me(token: String) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    state.auth.report_not_me(&token, &request_meta()).await?;
    leptos_axum::redirect(&format!("/not-me/{token}?done"));
    Ok(())
}
