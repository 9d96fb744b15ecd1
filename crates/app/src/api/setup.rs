//! First run: `/setup/{token}`.

use leptos::prelude::*;
use pforte_shared::AppError;

/// Whether a first-run setup link still works.
#[server(endpoint = "setup_link_valid")]
pub async fn setup_link_valid(token: String) -> Result<bool, AppError> {
    use crate::state::*;

    let state = app_state()?;
    Ok(state.auth.setup_token_valid(&token).await?)
}

/// Creates the company account and invites its owner. Returns (customer number, email).
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
        .complete_setup(
            &token,
            &company,
            &name,
            &email,
            request_lang(),
            &request_meta(),
        )
        .await?;
    let (number, email) = (account.customer_number, owner.email);
    crate::flash::set_setup_done(&state, &token, &number, &email);
    Ok((number, email))
}
