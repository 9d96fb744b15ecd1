//! What a form did, shown once on the page the browser comes back to: "Password changed.", the
//! secret of a new application, "Invitation sent to …". A form is a plain post; its server
//! function seals the outcome into a short-lived cookie ([`set`]) and the page it returns to
//! shows it and removes the cookie ([`take`]). The cookie is sealed with the installation's key,
//! so a browser can neither read a secret in it at rest nor make up an outcome.

use crate::i18n::t;
use pforte_shared::Msg;
use pforte_shared::i18n::fill;
use pforte_shared::types::AppSecretResponse;
use serde::{Deserialize, Serialize};

/// An outcome a page shows once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Flash {
    PasswordChanged,
    GoogleUnlinked,
    InvitationSent {
        email: String,
    },
    ResetSent {
        email: String,
    },
    TwoFactorReset {
        email: String,
    },
    GoogleAddressSaved {
        email: String,
    },
    /// A new application, or a new secret: its client ID and (confidential ones) the secret.
    AppSecret(AppSecretResponse),
    AppDeleted,
    /// The first account: its customer number and the owner's email.
    SetupDone {
        number: String,
        email: String,
    },
}

impl Flash {
    /// The lines a page's status region shows, in the page's language.
    pub fn lines(&self) -> Vec<String> {
        let one = |msg: Msg| vec![t(msg).to_owned()];
        let with_email = |msg: Msg, email: &str| vec![fill(t(msg), "email", email)];
        match self {
            Flash::PasswordChanged => one(Msg::PasswordChanged),
            Flash::GoogleUnlinked => one(Msg::GoogleUnlinked),
            Flash::AppDeleted => one(Msg::AppDeleted),
            Flash::InvitationSent { email } => with_email(Msg::InvitationSentTo, email),
            Flash::ResetSent { email } => with_email(Msg::ResetSentTo, email),
            Flash::TwoFactorReset { email } => with_email(Msg::TwoFactorResetFor, email),
            Flash::GoogleAddressSaved { email } => with_email(Msg::GoogleAddressSaved, email),
            Flash::AppSecret(made) => {
                let mut lines = vec![fill(
                    &fill(t(Msg::AppClientIdIs), "name", &made.name),
                    "client_id",
                    &made.client_id,
                )];
                if let Some(secret) = &made.secret {
                    lines.push(fill(t(Msg::AppSecretIs), "secret", secret));
                }
                lines
            }
            Flash::SetupDone { number, email } => vec![fill(
                &fill(t(Msg::SetupDone), "number", number),
                "email",
                email,
            )],
        }
    }
}

/// The cookie's associated data: a value sealed for anything else does not open as a flash.
#[cfg(feature = "ssr")]
const CONTEXT: &str = "flash";

/// Hands `flash` to the page this form post returns to.
#[cfg(feature = "ssr")]
pub fn set(state: &crate::state::AppState, flash: &Flash) {
    // A plain enum of strings always serialises.
    let json = serde_json::to_vec(flash).unwrap_or_default();
    let sealed = state.auth.settings.secret_key.seal(&json, CONTEXT);
    crate::state::set_cookie(&state.web.flash_cookie(&sealed));
}

/// The outcome the last form post left for this page, if any; the cookie is removed with this
/// response. A cookie that does not open (another key, a changed value) is removed and ignored.
#[cfg(feature = "ssr")]
pub fn take() -> Option<Flash> {
    let state = crate::state::app_state().ok()?;
    let sealed = crate::state::current_cookie(state.web.flash_cookie_name())?;
    crate::state::set_cookie(&state.web.clear_flash_cookie());
    let json = state.auth.settings.secret_key.open(&sealed, CONTEXT).ok()?;
    serde_json::from_slice(&json).ok()
}

/// Pages are rendered on the server only.
#[cfg(not(feature = "ssr"))]
pub fn take() -> Option<Flash> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_shown_with_its_client_id_and_a_public_app_without_one() {
        let made = |secret: Option<&str>| {
            Flash::AppSecret(AppSecretResponse {
                client_id: "wiki-1".into(),
                name: "Wiki".into(),
                secret: secret.map(str::to_owned),
            })
            .lines()
        };
        let confidential = made(Some("s3cret"));
        assert_eq!(confidential.len(), 2);
        assert!(confidential[0].contains("wiki-1") && confidential[0].contains("Wiki"));
        assert!(confidential[1].contains("s3cret"));
        assert_eq!(made(None).len(), 1);
    }
}
