//! Server functions: thin adapters from HTTP to `pforte-auth`. Each one takes the state, calls the
//! domain and maps errors through [`crate::state::fail`]. Arguments are named like the form fields,
//! so every form also works as a plain POST without JavaScript.

use leptos::prelude::*;
use pforte_shared::AppError;
use pforte_shared::types::CurrentUserResponse;

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
        .await
        .map_err(|e| fail("submit_password", e))?;
    set_step_cookies(&state, &step);
    leptos_axum::redirect(&page_after(step.stage, next.as_deref()));
    Ok(())
}

/// Where a browser goes once a sign-in step moved it to `stage`, carrying the safe `next`.
#[cfg(feature = "ssr")]
fn page_after(stage: pforte_auth::session::Stage, next: Option<&str>) -> String {
    use pforte_auth::session::Stage;
    use pforte_shared::next::{safe_next, with_next};
    match stage {
        Stage::Complete => safe_next(next),
        Stage::AwaitingEmailCode => with_next("/login/code", next),
        Stage::AwaitingTrustDecision => with_next("/login/trust", next),
        // TOTP gets its page with the two-factor issue; the state machine does not yield it yet.
        Stage::AwaitingTotp => "/login".to_owned(),
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
    let pending = state
        .auth
        .pending_state(token.as_deref())
        .await
        .map_err(|e| fail("sign_in_state", e))?;
    Ok(SignInStateResponse {
        step: pending.as_ref().and_then(|p| match p.stage {
            Stage::AwaitingEmailCode => Some(SignInStep::EmailCode),
            Stage::AwaitingTotp => Some(SignInStep::Totp),
            Stage::AwaitingTrustDecision => Some(SignInStep::Trust),
            Stage::Complete => None,
        }),
        code_cooldown: pending.map_or(0, |p| p.code_cooldown),
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
        .await
        .map_err(|e| fail("confirm_sign_in_code", e))?;
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
    state
        .auth
        .resend_sign_in_code(token.as_deref(), &request_meta())
        .await
        .map_err(|e| fail("resend_sign_in_code", e))
}

/// `/login/trust`: "Yes" or "No"; then signed in and on to `next`.
#[server(endpoint = "trust_sign_in_device")]
pub async fn trust_sign_in_device(trust: String, next: Option<String>) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let trust = parse_yes_no(&trust)?;
    let token = current_session_token(&state.web);
    let step = state
        .auth
        .decide_sign_in_trust(token.as_deref(), trust, &request_meta())
        .await
        .map_err(|e| fail("trust_sign_in_device", e))?;
    set_step_cookies(&state, &step);
    leptos_axum::redirect(&page_after(step.stage, next.as_deref()));
    Ok(())
}

/// The answer of a "Yes" / "No" form.
#[cfg(feature = "ssr")]
fn parse_yes_no(answer: &str) -> Result<bool, AppError> {
    match answer {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(AppError::BadRequest),
    }
}

/// `/account/security`: the user's trusted devices and recent security activity.
#[server(endpoint = "security_overview")]
pub async fn security_overview() -> Result<pforte_shared::types::SecurityOverview, AppError> {
    use crate::state::*;
    use pforte_shared::types::SecurityOverview;

    let state = app_state()?;
    let user = signed_in(&state).await?;
    let device = current_device_token(&state.web);
    let devices = state
        .auth
        .devices_of(user.id, device.as_deref())
        .await
        .map_err(|e| fail("security_overview", e))?;
    let activity = state
        .auth
        .security_activity(user.id, 20)
        .await
        .map_err(|e| fail("security_overview", e))?;
    let session = current_session_token(&state.web);
    let sessions = state
        .auth
        .active_sessions(user.id, session.as_deref())
        .await
        .map_err(|e| fail("security_overview", e))?;
    Ok(SecurityOverview {
        devices,
        sessions,
        activity,
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
    let keep = current_session_token(&state.web).unwrap_or_default();
    state
        .auth
        .change_password(
            &user,
            Password::new(current_password),
            Password::new(new_password),
            Password::new(new_password_repeat),
            &keep,
            &request_meta(),
        )
        .await
        .map_err(|e| fail("change_password", e))
}

/// `/account/security`: "Sign out" one of the user's other sessions.
#[server(endpoint = "sign_out_session")]
pub async fn sign_out_session(session_id: i64) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let user = signed_in(&state).await?;
    state
        .auth
        .sign_out_session(&user, session_id, &request_meta())
        .await
        .map_err(|e| fail("sign_out_session", e))
}

/// `/account/security`: "Sign out everywhere else".
#[server(endpoint = "sign_out_elsewhere")]
pub async fn sign_out_elsewhere() -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let user = signed_in(&state).await?;
    let keep = current_session_token(&state.web).unwrap_or_default();
    state
        .auth
        .sign_out_elsewhere(&user, &keep, &request_meta())
        .await
        .map_err(|e| fail("sign_out_elsewhere", e))
}

/// `/account/security`: "Remove" one trusted device.
#[server(endpoint = "remove_device")]
pub async fn remove_device(device_id: i64) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let user = signed_in(&state).await?;
    state
        .auth
        .remove_device(&user, device_id, &request_meta())
        .await
        .map_err(|e| fail("remove_device", e))
}

/// `/account/security`: "Remove all" trusted devices.
#[server(endpoint = "remove_all_devices")]
pub async fn remove_all_devices() -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let user = signed_in(&state).await?;
    state
        .auth
        .remove_all_devices(&user, &request_meta())
        .await
        .map_err(|e| fail("remove_all_devices", e))
}

/// Ends the browser's session on the server and removes the cookie.
#[server(endpoint = "log_out")]
pub async fn log_out() -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    if let Some(token) = current_session_token(&state.web) {
        state
            .auth
            .log_out(&token, &request_meta())
            .await
            .map_err(|e| fail("log_out", e))?;
    }
    set_cookie(&state.web.clear_session_cookie());
    leptos_axum::redirect("/login");
    Ok(())
}

/// The signed-in user, or `None` for visitors and half-finished sign-ins.
#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<CurrentUserResponse>, AppError> {
    use crate::state::*;

    let state = app_state()?;
    let user = match signed_in(&state).await {
        Ok(user) => user,
        Err(AppError::NotSignedIn) => return Ok(None),
        Err(other) => return Err(other),
    };
    let account = state
        .auth
        .account_by_id(user.account_id)
        .await
        .map_err(|e| fail("current_user", e))?;
    Ok(Some(CurrentUserResponse {
        email: user.email,
        display_name: user.display_name,
        role: user.role,
        customer_number: account.customer_number,
        account_name: account.name,
    }))
}

/// Where the onboarding of this invitation stands.
#[server(endpoint = "onboarding_state")]
pub async fn onboarding_state(
    token: String,
) -> Result<pforte_shared::types::OnboardingStateResponse, AppError> {
    use crate::state::*;
    use pforte_auth::onboarding::Step;
    use pforte_shared::types::{OnboardingStateResponse, OnboardingStep};

    let state = app_state()?;
    let s = state
        .auth
        .onboarding_state(&token)
        .await
        .map_err(|e| fail("onboarding_state", e))?;
    Ok(OnboardingStateResponse {
        step: match s.step {
            Step::Email => OnboardingStep::Email,
            Step::Password => OnboardingStep::Password,
            Step::Code => OnboardingStep::Code,
            Step::Trust => OnboardingStep::Trust,
        },
        code_cooldown: s.code_cooldown,
    })
}

/// Stepper step 1: "Sign in with email".
#[server(endpoint = "submit_invited_email")]
pub async fn submit_invited_email(token: String, email: String) -> Result<(), AppError> {
    use crate::state::*;
    let state = app_state()?;
    state
        .auth
        .submit_invited_email(&token, &email, &request_meta())
        .await
        .map_err(|e| fail("submit_invited_email", e))
}

/// Stepper step 2: "Create password".
#[server(endpoint = "create_password")]
pub async fn create_password(
    token: String,
    password: String,
    password_repeat: String,
) -> Result<(), AppError> {
    use crate::state::*;
    use pforte_auth::secret::Password;
    let state = app_state()?;
    state
        .auth
        .set_onboarding_password(
            &token,
            Password::new(password),
            Password::new(password_repeat),
            &request_meta(),
        )
        .await
        .map_err(|e| fail("create_password", e))
}

/// Stepper step 3: "Confirm" the emailed code.
#[server(endpoint = "confirm_onboarding_code")]
pub async fn confirm_onboarding_code(token: String, code: String) -> Result<(), AppError> {
    use crate::state::*;
    let state = app_state()?;
    state
        .auth
        .confirm_onboarding_code(&token, &code, &request_meta())
        .await
        .map_err(|e| fail("confirm_onboarding_code", e))
}

/// Stepper step 3: "Send new code".
#[server(endpoint = "resend_onboarding_code")]
pub async fn resend_onboarding_code(token: String) -> Result<(), AppError> {
    use crate::state::*;
    let state = app_state()?;
    state
        .auth
        .resend_onboarding_code(&token, &request_meta())
        .await
        .map_err(|e| fail("resend_onboarding_code", e))
}

/// Stepper step 4: "Yes" / "No" to trusting this device; then the user is active and signed in.
#[server(endpoint = "decide_trust")]
pub async fn decide_trust(token: String, trust: String) -> Result<(), AppError> {
    use crate::state::*;
    let state = app_state()?;
    let trust = parse_yes_no(&trust)?;
    let finished = state
        .auth
        .finish_onboarding(&token, trust, &request_meta())
        .await
        .map_err(|e| fail("decide_trust", e))?;
    set_step_cookies(&state, &finished);
    leptos_axum::redirect("/");
    Ok(())
}

/// The users of the admin's account.
#[server(endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<pforte_shared::types::UserRowResponse>, AppError> {
    use crate::state::*;
    use pforte_auth::account::UserStatus;
    use pforte_shared::types::{UserRowResponse, UserStatusView};

    let state = app_state()?;
    let admin = signed_in_admin(&state).await?;
    let users = state
        .auth
        .users_of_account(admin.account_id)
        .await
        .map_err(|e| fail("list_users", e))?;
    let locked = state
        .auth
        .locked_users(admin.account_id)
        .await
        .map_err(|e| fail("list_users", e))?;
    Ok(users
        .into_iter()
        .map(|u| UserRowResponse {
            id: u.id,
            name: u.display_name,
            email: u.email,
            role: u.role,
            status: match u.status {
                UserStatus::Invited => UserStatusView::Invited,
                UserStatus::Active => UserStatusView::Active,
                UserStatus::Disabled => UserStatusView::Disabled,
            },
            can_change_status: u.id != admin.id && !u.is_owner,
            locked: locked.contains(&u.id),
        })
        .collect())
}

/// "Create user and send invitation" on `/admin/users`. Returns the new user's email.
#[server(endpoint = "create_user")]
pub async fn create_user(
    name: String,
    email: String,
    google_email: Option<String>,
    role: String,
) -> Result<String, AppError> {
    use crate::state::*;
    use pforte_auth::AuthError;
    use pforte_auth::account::NewUser;
    use pforte_shared::Msg;
    use pforte_shared::types::Role;

    let state = app_state()?;
    let admin = signed_in_admin(&state).await?;
    let role = Role::parse(&role).ok_or(AppError::field("role", Msg::BadRequest))?;
    let account = state
        .auth
        .account_by_id(admin.account_id)
        .await
        .map_err(|e| fail("create_user", e))?;
    let user = state
        .auth
        .create_user(
            &account.customer_number,
            NewUser {
                email,
                display_name: name,
                role,
                google_email,
                password: None,
            },
            &request_meta().acting(admin.id),
        )
        .await
        .map_err(|e| match e {
            AuthError::Conflict("email") => AppError::field("email", Msg::EmailTaken),
            other => fail("create_user", other),
        })?;
    Ok(user.email)
}

/// "Resend invitation": a new link for an invited user of the admin's account; the old one dies.
#[server(endpoint = "resend_invitation")]
pub async fn resend_invitation(user_id: i64) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let admin = signed_in_admin(&state).await?;
    let target = state
        .auth
        .managed_user(&admin, user_id)
        .await
        .map_err(|e| fail("resend_invitation", e))?;
    state
        .auth
        .resend_invitation(target.id, &request_meta().acting(admin.id))
        .await
        .map_err(|e| fail("resend_invitation", e))
}

/// "Deactivate" (`active=no`) or "Reactivate" (`active=yes`) a user of the admin's account.
#[server(endpoint = "set_user_active")]
pub async fn set_user_active(user_id: i64, active: String) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let admin = signed_in_admin(&state).await?;
    let active = parse_yes_no(&active)?;
    state
        .auth
        .set_user_active(&admin, user_id, active, &request_meta().acting(admin.id))
        .await
        .map_err(|e| fail("set_user_active", e))
}

/// `/admin/users`: "Unlock" a user held at the hard stop of failed sign-ins.
#[server(endpoint = "unlock_user")]
pub async fn unlock_user(user_id: i64) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let admin = signed_in_admin(&state).await?;
    state
        .auth
        .unlock_user(&admin, user_id, &request_meta().acting(admin.id))
        .await
        .map_err(|e| fail("unlock_user", e))
}

/// Whether a first-run setup link still works.
#[server(endpoint = "setup_link_valid")]
pub async fn setup_link_valid(token: String) -> Result<bool, AppError> {
    use crate::state::*;
    let state = app_state()?;
    state
        .auth
        .setup_token_valid(&token)
        .await
        .map_err(|e| fail("setup_link_valid", e))
}

/// First run: creates the company account and invites its owner. Returns (customer number, email).
#[server(endpoint = "complete_setup")]
pub async fn complete_setup(
    token: String,
    company: String,
    name: String,
    email: String,
) -> Result<(String, String), AppError> {
    use crate::state::*;
    let state = app_state()?;
    let (account, owner) = state
        .auth
        .complete_setup(&token, &company, &name, &email, &request_meta())
        .await
        .map_err(|e| fail("complete_setup", e))?;
    Ok((account.customer_number, owner.email))
}
