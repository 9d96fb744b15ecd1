//! What a form did, shown once on the page the browser comes back to: "Password changed.", the
//! secret of a new application, "Invitation sent to …". A form is a plain post; its server
//! function seals the outcome into a short-lived cookie ([`set`]) and the page it names shows it
//! and removes the cookie ([`take`]).
//!
//! The cookie is sealed with the installation's key, for one page and one user (or the first-run
//! setup), with the time it was made: a browser can neither read a secret in it at rest nor make
//! up an outcome, another user's page does not open it, and it opens only for a minute.

use crate::i18n::t;
use pforte_shared::Msg;
use pforte_shared::i18n::fill;
use pforte_shared::types::AppSecretResponse;
use serde::{Deserialize, Serialize};

/// An outcome a page shows once. `Debug` names the kind only: a secret may be inside.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
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
    /// The signed-in page that shows it; `None` for the first-run setup's outcome, whose page is
    /// its link's (see `set_setup_done`).
    #[cfg(feature = "ssr")]
    fn page(&self) -> Option<&'static str> {
        Some(match self {
            Flash::PasswordChanged | Flash::GoogleUnlinked => "/account/security",
            Flash::InvitationSent { .. }
            | Flash::ResetSent { .. }
            | Flash::TwoFactorReset { .. }
            | Flash::GoogleAddressSaved { .. } => "/admin/users",
            Flash::AppSecret(_) | Flash::AppDeleted => "/admin/apps",
            Flash::SetupDone { .. } => return None,
        })
    }

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

impl std::fmt::Debug for Flash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            Flash::PasswordChanged => "PasswordChanged",
            Flash::GoogleUnlinked => "GoogleUnlinked",
            Flash::InvitationSent { .. } => "InvitationSent",
            Flash::ResetSent { .. } => "ResetSent",
            Flash::TwoFactorReset { .. } => "TwoFactorReset",
            Flash::GoogleAddressSaved { .. } => "GoogleAddressSaved",
            Flash::AppSecret(_) => "AppSecret",
            Flash::AppDeleted => "AppDeleted",
            Flash::SetupDone { .. } => "SetupDone",
        };
        write!(f, "Flash::{kind}(…)")
    }
}

/// The sealed contents: the outcome (`Flash`, or a reference to one) and when it was made.
#[cfg(feature = "ssr")]
#[derive(Serialize, Deserialize)]
struct Sealed<F> {
    at: i64,
    flash: F,
}

/// What a flash is sealed for (its associated data): the page that shows it and whom for, the
/// signed-in user's id or `setup` on the first-run page, where nobody is signed in yet.
#[cfg(feature = "ssr")]
fn context(page: &str, user: Option<i64>) -> String {
    match user {
        Some(id) => format!("flash:{id}:{page}"),
        None => format!("flash:setup:{page}"),
    }
}

/// Hands `flash` to its page, to be shown to `user`.
#[cfg(feature = "ssr")]
pub fn set(state: &crate::state::AppState, user: i64, flash: Flash) {
    let Some(page) = flash.page() else {
        tracing::error!("the first-run setup's outcome goes through set_setup_done");
        return;
    };
    seal(state, page, Some(user), &flash);
}

/// Hands the first-run setup's outcome to its page (`/setup/{token}`), where nobody is signed in.
#[cfg(feature = "ssr")]
pub fn set_setup_done(state: &crate::state::AppState, token: &str, number: &str, email: &str) {
    let done = Flash::SetupDone {
        number: number.to_owned(),
        email: email.to_owned(),
    };
    seal(state, &format!("/setup/{token}"), None, &done);
}

/// Seals `flash` for `page` and `user` into the flash cookie of this response.
#[cfg(feature = "ssr")]
fn seal(state: &crate::state::AppState, page: &str, user: Option<i64>, flash: &Flash) {
    let sealing = Sealed {
        at: state.auth.now(),
        flash,
    };
    // A plain enum of strings always serialises.
    let json = serde_json::to_vec(&sealing).unwrap_or_default();
    let sealed = state
        .auth
        .settings
        .secret_key
        .seal(&json, &context(page, user));
    crate::state::set_cookie(&state.web.flash_cookie(&sealed));
}

/// The outcome the last form post left for this page and its user (the page guard's, else the
/// setup page's nobody), if any; the cookie is removed with this response. Only a page's `GET`
/// spends it (not `HEAD`, not a prefetch). A cookie sealed for another page or user stays for its
/// own page; one that came twice, or is older than a minute, shows nothing.
#[cfg(feature = "ssr")]
pub fn take() -> Option<Flash> {
    use crate::state::{FLASH_SECS, app_state, cookie_values, page_user, set_cookie, with_parts};
    let state = app_state().ok()?;
    let name = state.web.flash_cookie_name();
    let (page, sent) = with_parts(|parts| {
        let prefetch =
            parts.headers.contains_key("sec-purpose") || parts.headers.contains_key("purpose");
        (parts.method == http::Method::GET && !prefetch).then(|| {
            let sent: Vec<String> = cookie_values(&parts.headers, name)
                .take(2)
                .map(str::to_owned)
                .collect();
            (parts.uri.path().to_owned(), sent)
        })
    })
    .flatten()?;
    let sealed = match sent.as_slice() {
        [] => return None,
        [one] => one,
        // Twice: a planted one is not shown, and neither is the real one.
        _ => {
            set_cookie(&state.web.clear_flash_cookie());
            return None;
        }
    };
    let user = page_user().map(|found| found.user.id);
    let json = state
        .auth
        .settings
        .secret_key
        .open(sealed, &context(&page, user))
        .ok()?;
    set_cookie(&state.web.clear_flash_cookie());
    let Sealed::<Flash> { at, flash } = serde_json::from_slice(&json).ok()?;
    (0..=FLASH_SECS)
        .contains(&(state.auth.now() - at))
        .then_some(flash)
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
