//! Audit events: every sign-in attempt and security change, with user, IP, browser, UTC time,
//! outcome and acting admin. Never a password, code or token. Events are written only through a
//! unit of work ([`crate::tx::Tx::audit`]), so they commit with the change they describe.

use crate::Auth;
use crate::error::AuthError;
use crate::stored::{self, stored_enum};
use crate::user_agent::browser_label;
use pforte_shared::Lang;
use pforte_shared::types::{ActivityKind, ActivityView};
use sqlx::Row;

stored_enum! {
    pub enum Outcome {
        Success = "success",
        Failure = "failure",
    }
}

stored_enum! {
    /// What happened. The stored names are what operators query; never rename one.
    pub enum EventKind {
        /// The password step, succeeded (detail: the next stage) or failed (detail: why).
        SignInPassword = "sign_in_password",
        /// A sign-in completed (detail: how: "email code", "trusted device").
        SignedIn = "signed_in",
        LogOut = "log_out",
        CodeSent = "code_sent",
        CodeConfirmed = "code_confirmed",
        /// A wrong, expired or used-up email code (detail: the flow).
        CodeFailed = "code_failed",
        /// Too many wrong codes in a row: no code is sent for a while, and the user is told.
        CodesLocked = "codes_locked",
        DeviceTrusted = "device_trusted",
        DeviceRemoved = "device_removed",
        /// "Sign out" of one other session.
        SessionEnded = "session_ended",
        SessionsEndedElsewhere = "sessions_ended_elsewhere",
        /// Set during onboarding.
        PasswordCreated = "password_created",
        /// Changed on the security page (failures: wrong current password or throttled).
        PasswordChanged = "password_changed",
        /// A reset link was mailed (from the form, an admin, or "This wasn't me").
        PasswordResetSent = "password_reset_sent",
        /// "Send reset link" that sent nothing (failure; detail: why — unknown identifier,
        /// inactive or throttled user).
        PasswordResetRequested = "password_reset_requested",
        /// A new password chosen through a reset link.
        PasswordReset = "password_reset",
        /// "This wasn't me" confirmed (detail: what the mail was about, what was ended).
        NotMeReported = "not_me_reported",
        /// Onboarding step 1 with an email that is not the invited one.
        OnboardingEmail = "onboarding_email",
        InvitationSent = "invitation_sent",
        /// An admin's "Resend invitation" (with `invitation_sent` for the mail itself).
        InvitationResent = "invitation_resent",
        /// "Send reset link" by an invited user, answered with a fresh invitation (with
        /// `invitation_sent` for the mail itself).
        InvitationRequested = "invitation_requested",
        InvitationUsed = "invitation_used",
        /// Too many wrong onboarding codes across rounds: the invitation is used up.
        InvitationBlocked = "invitation_blocked",
        /// Two-factor authentication turned on (failure: wrong password at set-up).
        TwoFactorEnabled = "two_factor_enabled",
        TwoFactorDisabled = "two_factor_disabled",
        /// An admin's "Reset two-factor authentication".
        TwoFactorReset = "two_factor_reset",
        RecoveryCodesRegenerated = "recovery_codes_regenerated",
        /// A recovery code signed in (detail: how many are left).
        RecoveryCodeUsed = "recovery_code_used",
        /// A wrong or reused app code, or a wrong recovery code (detail).
        AppCodeFailed = "app_code_failed",
        /// "Sign in with Google" (detail: the next stage; failures: why).
        SignInGoogle = "sign_in_google",
        /// A Google account linked to the user at its first sign-in.
        GoogleLinked = "google_linked",
        /// The linked Google account removed: "Unlink", "This wasn't me", or an admin changed or
        /// cleared the Google address.
        GoogleUnlinked = "google_unlinked",
        /// An admin changed the user's Google address.
        GoogleAddressChanged = "google_address_changed",
        /// A mail to the user still failed a day after it was queued and is given up (detail:
        /// its subject).
        MailGivenUp = "mail_given_up",
        /// The user chose the language of their mails with the language switch.
        LanguageChanged = "language_changed",
        AccountCreated = "account_created",
        UserCreated = "user_created",
        UserDeactivated = "user_deactivated",
        UserReactivated = "user_reactivated",
        UserUnlocked = "user_unlocked",
        /// An application registered for OpenID Connect (detail: its name and client ID).
        OidcClientCreated = "oidc_client_created",
        /// A new secret for an application; the old one stops working.
        OidcClientSecretRotated = "oidc_client_secret_rotated",
        OidcClientDeleted = "oidc_client_deleted",
        /// A signed-in user sent on to an application with a code (detail: the application).
        OidcSignIn = "oidc_sign_in",
        /// A code given twice to the token endpoint: the tokens from it were revoked.
        OidcCodeReused = "oidc_code_reused",
        /// A new key signs ID tokens; the old one is published until its tokens expire.
        OidcSigningKeyRotated = "oidc_signing_key_rotated",
    }
}

#[derive(Debug)]
pub struct Event {
    pub user_id: Option<i64>,
    pub account_id: Option<i64>,
    pub kind: EventKind,
    pub outcome: Outcome,
    /// Free text for operators. Must never hold a secret.
    pub detail: String,
}

impl Event {
    /// A successful event about a user, without detail.
    pub fn for_user(user: &crate::account::User, kind: EventKind) -> Event {
        Event {
            user_id: Some(user.id),
            account_id: Some(user.account_id),
            kind,
            outcome: Outcome::Success,
            detail: String::new(),
        }
    }

    /// A successful event about no user in particular (an unknown identifier, a bare session).
    pub fn anonymous(kind: EventKind) -> Event {
        Event {
            user_id: None,
            account_id: None,
            kind,
            outcome: Outcome::Success,
            detail: String::new(),
        }
    }

    pub fn detail(self, detail: impl Into<String>) -> Event {
        Event {
            detail: detail.into(),
            ..self
        }
    }

    pub fn failed(self) -> Event {
        Event {
            outcome: Outcome::Failure,
            ..self
        }
    }
}

/// The audit events a user sees as "Recent security activity", with the outcome they must have
/// (`None`: any) and what they are called there. The query and the naming both read this table.
const ACTIVITY: [(EventKind, Option<Outcome>, ActivityKind); 13] = [
    (EventKind::SignedIn, None, ActivityKind::SignedIn),
    (
        EventKind::SignInPassword,
        Some(Outcome::Failure),
        ActivityKind::SignInFailed,
    ),
    (EventKind::CodeFailed, None, ActivityKind::CodeFailed),
    (EventKind::AppCodeFailed, None, ActivityKind::AppCodeFailed),
    (
        EventKind::TwoFactorEnabled,
        Some(Outcome::Success),
        ActivityKind::TwoFactorOn,
    ),
    (
        EventKind::TwoFactorDisabled,
        Some(Outcome::Success),
        ActivityKind::TwoFactorOff,
    ),
    (EventKind::TwoFactorReset, None, ActivityKind::TwoFactorOff),
    (EventKind::DeviceTrusted, None, ActivityKind::DeviceTrusted),
    (EventKind::GoogleLinked, None, ActivityKind::GoogleLinked),
    (
        EventKind::GoogleUnlinked,
        Some(Outcome::Success),
        ActivityKind::GoogleUnlinked,
    ),
    (EventKind::DeviceRemoved, None, ActivityKind::DeviceRemoved),
    (
        EventKind::PasswordChanged,
        Some(Outcome::Success),
        ActivityKind::PasswordChanged,
    ),
    (
        EventKind::PasswordReset,
        None,
        ActivityKind::PasswordChanged,
    ),
];

fn activity_kind(event: EventKind, outcome: Outcome) -> Option<ActivityKind> {
    ACTIVITY
        .iter()
        .find(|(e, o, _)| *e == event && o.is_none_or(|o| o == outcome))
        .map(|(_, _, kind)| *kind)
}

impl Auth {
    /// The user's most recent security activity (see [`ACTIVITY`]), newest first.
    pub async fn security_activity(
        &self,
        user_id: i64,
        limit: i64,
        lang: Lang,
    ) -> Result<Vec<ActivityView>, AuthError> {
        // `(event = $3 AND outcome = $4) OR (event = $5) OR …`, one term per row of ACTIVITY.
        let mut next = 3;
        let terms: Vec<String> = ACTIVITY
            .iter()
            .map(|(_, outcome, _)| {
                let term = match outcome {
                    Some(_) => format!("(event = ${} AND outcome = ${})", next, next + 1),
                    None => format!("event = ${next}"),
                };
                next += if outcome.is_some() { 2 } else { 1 };
                term
            })
            .collect();
        let sql = format!(
            "SELECT at, event, outcome, ip, user_agent FROM audit_events \
             WHERE user_id = $1 AND ({}) ORDER BY at DESC, id DESC LIMIT $2",
            terms.join(" OR ")
        );
        let mut query = sqlx::query(&sql).bind(user_id).bind(limit);
        for (event, outcome, _) in ACTIVITY {
            query = query.bind(event.as_str());
            if let Some(outcome) = outcome {
                query = query.bind(outcome.as_str());
            }
        }
        let rows = query.fetch_all(&self.store.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let event: EventKind = stored::get(row, "event")?;
            let outcome: Outcome = stored::get(row, "outcome")?;
            if let Some(kind) = activity_kind(event, outcome) {
                out.push(ActivityView {
                    at: row.try_get("at")?,
                    kind,
                    browser: browser_label(&row.try_get::<String, _>("user_agent")?, lang),
                    ip: row.try_get("ip")?,
                });
            }
        }
        Ok(out)
    }
}
