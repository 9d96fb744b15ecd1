//! Whether "Sign in with Google" is offered, and the Google parts of `/account/security`
//! ("Unlink") and `/admin/users` ("Edit" the Google address). Signing in with Google itself is not a server function: its start and callback
//! answer with redirects (`server/src/google.rs`).

use leptos::prelude::*;
use pforte_shared::AppError;
use pforte_shared::types::GoogleAccountView;

/// Whether "Sign in with Google" is configured (the button and the help about it are shown only
/// then): a setting of the server, read while a page is rendered there. Pages are rendered on the
/// server only, so a page asks at once instead of through a resource to wait for.
pub fn google_sign_in_offered() -> bool {
    #[cfg(feature = "ssr")]
    let offered = crate::state::app_state().is_ok_and(|state| state.auth.google_enabled());
    #[cfg(not(feature = "ssr"))]
    let offered = false;
    offered
}

/// The linked Google account of the signed-in user; `None` when Google sign-in is not configured
/// (the section is not shown).
#[server(endpoint = "google_account")]
pub async fn google_account() -> Result<Option<GoogleAccountView>, AppError> {
    use crate::state::*;

    let state = app_state()?;
    let user = signed_in(&state).await?;
    if !state.auth.google_enabled() {
        return Ok(None);
    }
    Ok(Some(state.auth.google_account(&user).await?))
}

/// "Unlink": needs the current password; ends the user's other sessions.
#[server(endpoint = "unlink_google")]
pub async fn unlink_google(current_password: String) -> Result<(), AppError> {
    use crate::state::*;
    use pforte_auth::secret::Password;

    let state = app_state()?;
    let user = signed_in(&state).await?;
    let session = current_session_token(&state.web).unwrap_or_default();
    state
        .auth
        .unlink_google(
            &user,
            &session,
            Password::new(current_password),
            &request_meta(),
        )
        .await?;
    crate::flash::set(&state, user.id, crate::flash::Flash::GoogleUnlinked);
    Ok(())
}

/// "Edit" → "Save" on `/admin/users`: the Google address of a user of the admin's account.
/// Returns the user's email.
#[server(endpoint = "set_google_address")]
pub async fn set_google_address(user_id: i64, google_email: String) -> Result<String, AppError> {
    use crate::state::*;

    let state = app_state()?;
    let admin = signed_in_admin(&state).await?;
    let user = state
        .auth
        .set_google_address(&admin, user_id, &google_email, &request_meta())
        .await?;
    let flash = crate::flash::Flash::GoogleAddressSaved {
        email: user.email.clone(),
    };
    crate::flash::set(&state, admin.id, flash);
    Ok(user.email)
}
