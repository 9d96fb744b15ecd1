//! Server functions: thin adapters from HTTP to `pforte-auth`, one module per area (mirroring
//! `pages/`). Each one takes the state, calls the domain and ends in `?`: `AuthError` turns into
//! the user-facing `AppError` in one place, which logs internal causes. Arguments are named like
//! the form fields: every page's form is a plain POST to its function. Beside them, a few plain
//! functions a page reads at once while it is rendered (`page_user_response`,
//! `google_sign_in_offered`).

mod account;
mod admin;
mod apps;
mod google;
mod onboarding;
mod reset;
mod setup;
mod sign_in;
mod two_factor;

pub use account::*;
pub use admin::*;
pub use apps::*;
pub use google::*;
pub use onboarding::*;
pub use reset::*;
pub use setup::*;
pub use sign_in::*;
pub use two_factor::*;

/// The answer of a "Yes" / "No" form.
#[cfg(feature = "ssr")]
fn parse_yes_no(answer: &str) -> Result<bool, pforte_shared::AppError> {
    match answer {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(pforte_shared::AppError::BadRequest),
    }
}
