//! The signed-in user's own pages, `/` and `/account/security`: their server functions, and
//! what `/` shows of the user the page guard found.

use leptos::prelude::*;
use pforte_shared::AppError;
use pforte_shared::types::CurrentUserResponse;

/// The signed-in user, or `None` for visitors and half-finished sign-ins: for a client asking who
/// its session belongs to (no page of Pforte's own calls it; `/` uses [`page_user_response`]).
#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<CurrentUserResponse>, AppError> {
    use crate::state::*;

    let state = app_state()?;
    match signed_in_with_account(&state).await {
        Ok(found) => Ok(Some(user_response(found))),
        Err(AppError::NotSignedIn) => Ok(None),
        Err(other) => Err(other),
    }
}

/// The user the page guard found for this page request (`state::page_user`), as [`current_user`]
/// tells it: at once, without a resource to wait for. `None` in the browser, which renders no page.
pub fn page_user_response() -> Option<CurrentUserResponse> {
    #[cfg(feature = "ssr")]
    let user = crate::state::page_user().map(user_response);
    #[cfg(not(feature = "ssr"))]
    let user = None;
    user
}

/// What [`current_user`] tells about a signed-in user.
#[cfg(feature = "ssr")]
fn user_response(found: pforte_auth::session::SignedIn) -> CurrentUserResponse {
    let pforte_auth::session::SignedIn { user, account, .. } = found;
    CurrentUserResponse {
        email: user.email,
        display_name: user.display_name,
        role: user.role,
        customer_number: account.customer_number,
        account_name: account.name,
    }
}

/// `/account/security`: the user's trusted devices, sessions and recent security activity.
#[server(endpoint = "security_overview")]
pub async fn security_overview() -> Result<pforte_shared::types::SecurityOverview, AppError> {
    use crate::state::*;
    use pforte_shared::types::SecurityOverview;

    let state = app_state()?;
    let user = signed_in(&state).await?;
    let device = current_device_token(&state.web);
    let session = current_session_token(&state.web);
    let lang = request_lang();
    Ok(SecurityOverview {
        email: user.email.clone(),
        devices: state
            .auth
            .devices_of(user.id, device.as_deref(), lang)
            .await?,
        sessions: state
            .auth
            .active_sessions(user.id, session.as_deref(), lang)
            .await?,
        activity: state.auth.security_activity(user.id, 20, lang).await?,
    })
}

/// `/account/security`: "Change password". Forgets trusted devices and ends the other sessions.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    new_password_repeat: String,
) -> Result<(), AppError> {
    use crate::state::*;
    use pforte_auth::secret::Password;

    let state = app_state()?;
    let user = signed_in(&state).await?;
    let device = current_device_token(&state.web);
    let session = current_session_token(&state.web).unwrap_or_default();
    let token = state
        .auth
        .change_password(
            &user,
            &session,
            Password::new(current_password),
            Password::new(new_password),
            Password::new(new_password_repeat),
            device.as_deref(),
            &request_meta(),
        )
        .await?;
    set_cookie(&state.web.session_cookie(token.expose()));
    crate::flash::set(&state, user.id, crate::flash::Flash::PasswordChanged);
    Ok(())
}

/// `/account/security`: "Sign out" one of the user's other sessions.
#[server(endpoint = "sign_out_session")]
pub async fn sign_out_session(session_id: i64) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let user = signed_in(&state).await?;
    Ok(state
        .auth
        .sign_out_session(&user, session_id, &request_meta())
        .await?)
}

/// `/account/security`: "Sign out everywhere else".
#[server(endpoint = "sign_out_elsewhere")]
pub async fn sign_out_elsewhere() -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let user = signed_in(&state).await?;
    let keep = current_session_token(&state.web).unwrap_or_default();
    Ok(state
        .auth
        .sign_out_elsewhere(&user, &keep, &request_meta())
        .await?)
}

/// `/account/security`: "Remove" one trusted device.
#[server(endpoint = "remove_device")]
pub async fn remove_device(device_id: i64) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let user = signed_in(&state).await?;
    Ok(state
        .auth
        .remove_device(&user, device_id, &request_meta())
        .await?)
}

/// `/account/security`: "Remove all" trusted devices.
#[server(endpoint = "remove_all_devices")]
pub async fn remove_all_devices() -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let user = signed_in(&state).await?;
    Ok(state
        .auth
        .remove_all_devices(&user, &request_meta())
        .await?)
}
