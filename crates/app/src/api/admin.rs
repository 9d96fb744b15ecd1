//! `/admin/users`: admins manage the users of their own account. Who may do what is decided in
//! `pforte-auth`; these functions only pass the signed-in admin on.

use leptos::prelude::*;
use pforte_shared::AppError;

/// The users of the admin's account.
#[server(endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<pforte_shared::types::UserRowResponse>, AppError> {
    use crate::state::*;

    let state = app_state()?;
    let admin = signed_in_admin(&state).await?;
    Ok(state.auth.user_list(&admin).await?)
}

/// "Create user and send invitation". Returns the new user's email.
#[server(endpoint = "create_user")]
pub async fn create_user(
    name: String,
    email: String,
    google_email: Option<String>,
    role: String,
    language: Option<String>,
) -> Result<String, AppError> {
    use crate::state::*;
    use pforte_auth::account::NewUser;
    use pforte_shared::Msg;
    use pforte_shared::types::Role;

    let state = app_state()?;
    let admin = signed_in_admin(&state).await?;
    let role = Role::parse(&role).ok_or(AppError::field("role", Msg::BadRequest))?;
    // The admin's own language unless they chose another for the new user.
    let lang = match language.as_deref() {
        None | Some("") => admin.lang,
        Some(code) => pforte_shared::Lang::from_code(code)
            .ok_or(AppError::field("language", Msg::BadRequest))?,
    };
    let new = NewUser {
        email,
        display_name: name,
        role,
        google_email,
        password: None,
        lang,
    };
    let user = state
        .auth
        .create_user_as(&admin, new, &request_meta())
        .await?;
    let flash = crate::flash::Flash::InvitationSent {
        email: user.email.clone(),
    };
    crate::flash::set(&state, admin.id, flash);
    Ok(user.email)
}

/// "Resend invitation": a new link for an invited user of the admin's account; the old one dies.
#[server(endpoint = "resend_invitation")]
pub async fn resend_invitation(user_id: i64) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let admin = signed_in_admin(&state).await?;
    Ok(state
        .auth
        .resend_invitation(&admin, user_id, &request_meta())
        .await?)
}

/// "Send password reset": a reset link for an active user of the admin's account. Returns the
/// user's email.
#[server(endpoint = "send_password_reset")]
pub async fn send_password_reset(user_id: i64) -> Result<String, AppError> {
    use crate::state::*;

    let state = app_state()?;
    let admin = signed_in_admin(&state).await?;
    let user = state
        .auth
        .send_password_reset(&admin, user_id, &request_meta())
        .await?;
    let flash = crate::flash::Flash::ResetSent {
        email: user.email.clone(),
    };
    crate::flash::set(&state, admin.id, flash);
    Ok(user.email)
}

/// "Reset two-factor authentication" for a user of the admin's account. Returns the user's email.
#[server(endpoint = "reset_two_factor")]
pub async fn reset_two_factor(user_id: i64) -> Result<String, AppError> {
    use crate::state::*;

    let state = app_state()?;
    let admin = signed_in_admin(&state).await?;
    let user = state
        .auth
        .reset_two_factor(&admin, user_id, &request_meta())
        .await?;
    let flash = crate::flash::Flash::TwoFactorReset {
        email: user.email.clone(),
    };
    crate::flash::set(&state, admin.id, flash);
    Ok(user.email)
}

/// "Deactivate" (`active=no`) or "Reactivate" (`active=yes`) a user of the admin's account.
#[server(endpoint = "set_user_active")]
pub async fn set_user_active(user_id: i64, active: String) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let admin = signed_in_admin(&state).await?;
    let active = super::parse_yes_no(&active)?;
    Ok(state
        .auth
        .set_user_active(&admin, user_id, active, &request_meta())
        .await?)
}

/// "Unlock" a user held at the hard stop of failed sign-ins or by a pause of email codes.
#[server(endpoint = "unlock_user")]
pub async fn unlock_user(user_id: i64) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let admin = signed_in_admin(&state).await?;
    Ok(state
        .auth
        .unlock_user(&admin, user_id, &request_meta())
        .await?)
}
