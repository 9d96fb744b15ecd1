//! Two-factor authentication on `/account/security`: set-up, activation, recovery codes, turning
//! it off. Each needs a signed-in user; the domain checks the password and codes.

use leptos::prelude::*;
use pforte_shared::AppError;

/// The two-factor part of the security page.
#[server(endpoint = "two_factor_state")]
pub async fn two_factor_state() -> Result<pforte_shared::types::TwoFactorView, AppError> {
    use crate::state::*;

    let state = app_state()?;
    let user = signed_in(&state).await?;
    let session = current_session_token(&state.web).unwrap_or_default();
    Ok(state.auth.two_factor_view(&user, &session).await?)
}

/// "Set up two-factor authentication": the current password, then the QR code is shown.
#[server(endpoint = "start_two_factor")]
pub async fn start_two_factor(current_password: String) -> Result<(), AppError> {
    use crate::state::*;
    use pforte_auth::secret::Password;

    let state = app_state()?;
    let user = signed_in(&state).await?;
    let session = current_session_token(&state.web).unwrap_or_default();
    Ok(state
        .auth
        .start_two_factor(
            &user,
            &session,
            Password::new(current_password),
            &request_meta(),
        )
        .await?)
}

/// "Activate" with the first app code: two-factor is on; the recovery codes are shown.
#[server(endpoint = "activate_two_factor")]
pub async fn activate_two_factor(authentication_code: String) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let user = signed_in(&state).await?;
    let session = current_session_token(&state.web).unwrap_or_default();
    state
        .auth
        .activate_two_factor(&user, &session, &authentication_code, &request_meta())
        .await?;
    Ok(())
}

/// "I have saved them": the new recovery codes are no longer shown.
#[server(endpoint = "hide_recovery_codes")]
pub async fn hide_recovery_codes() -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let user = signed_in(&state).await?;
    let session = current_session_token(&state.web).unwrap_or_default();
    Ok(state
        .auth
        .hide_recovery_codes(&user, &session, &request_meta())
        .await?)
}

/// "Regenerate recovery codes": password and a current app code.
#[server(endpoint = "regenerate_recovery_codes")]
pub async fn regenerate_recovery_codes(
    current_password: String,
    authentication_code: String,
) -> Result<(), AppError> {
    use crate::state::*;
    use pforte_auth::secret::Password;

    let state = app_state()?;
    let user = signed_in(&state).await?;
    let session = current_session_token(&state.web).unwrap_or_default();
    state
        .auth
        .regenerate_recovery_codes(
            &user,
            &session,
            Password::new(current_password),
            &authentication_code,
            &request_meta(),
        )
        .await?;
    Ok(())
}

/// "Turn off two-factor authentication": password and a current app code.
#[server(endpoint = "disable_two_factor")]
pub async fn disable_two_factor(
    current_password: String,
    authentication_code: String,
) -> Result<(), AppError> {
    use crate::state::*;
    use pforte_auth::secret::Password;

    let state = app_state()?;
    let user = signed_in(&state).await?;
    Ok(state
        .auth
        .disable_two_factor(
            &user,
            Password::new(current_password),
            &authentication_code,
            &request_meta(),
        )
        .await?)
}
