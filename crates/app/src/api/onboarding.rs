//! The onboarding stepper `/welcome/{token}`.

use leptos::prelude::*;
use pforte_shared::AppError;

/// Where the onboarding of this invitation stands.
#[server(endpoint = "onboarding_state")]
pub async fn onboarding_state(
    token: String,
) -> Result<pforte_shared::types::OnboardingStateResponse, AppError> {
    use crate::state::*;
    use pforte_auth::onboarding::Step;
    use pforte_shared::types::{OnboardingStateResponse, OnboardingStep};

    let state = app_state()?;
    let s = state.auth.onboarding_state(&token).await?;
    Ok(OnboardingStateResponse {
        step: match s.step {
            Step::Email => OnboardingStep::Email,
            Step::Password => OnboardingStep::Password,
            Step::Code => OnboardingStep::Code,
            Step::Trust => OnboardingStep::Trust,
        },
        code_cooldown: s.code_cooldown,
        google: s.google,
        email: s.email,
    })
}

/// Stepper step 1: "Sign in with email".
#[server(endpoint = "submit_invited_email")]
pub async fn submit_invited_email(token: String, email: String) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    Ok(state
        .auth
        .submit_invited_email(&token, &email, &request_meta())
        .await?)
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
    Ok(state
        .auth
        .set_onboarding_password(
            &token,
            Password::new(password),
            Password::new(password_repeat),
            &request_meta(),
        )
        .await?)
}

/// Stepper step 3: "Confirm" the emailed code.
#[server(endpoint = "confirm_onboarding_code")]
pub async fn confirm_onboarding_code(token: String, code: String) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    Ok(state
        .auth
        .confirm_onboarding_code(&token, &code, &request_meta())
        .await?)
}

/// Stepper step 3: "Send new code".
#[server(endpoint = "resend_onboarding_code")]
pub async fn resend_onboarding_code(token: String) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    Ok(state
        .auth
        .resend_onboarding_code(&token, &request_meta())
        .await?)
}

/// Stepper step 4: "Yes" / "No" to trusting this device; then the user is active and signed in.
#[server(endpoint = "decide_trust")]
pub async fn decide_trust(token: String, trust: String) -> Result<(), AppError> {
    use crate::state::*;

    let state = app_state()?;
    let trust = super::parse_yes_no(&trust)?;
    let finished = state
        .auth
        .finish_onboarding(&token, trust, &request_meta())
        .await?;
    set_step_cookies(&state, &finished);
    leptos_axum::redirect("/");
    Ok(())
}
