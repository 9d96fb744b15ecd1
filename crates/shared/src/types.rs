//! Request and response types of the server functions.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Admin,
    User,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::User => "user",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "user" => Some(Role::User),
            _ => None,
        }
    }
}

/// What the pages know about the signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUserResponse {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub customer_number: String,
    pub account_name: String,
}

/// The two-factor part of the security page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorView {
    /// When it was turned on; `None`: off.
    pub enabled_at: Option<i64>,
    /// Unused recovery codes.
    pub recovery_left: i64,
    /// A set-up waiting for its first code.
    pub pending: Option<PendingTwoFactor>,
    /// Recovery codes just made, shown until saved (empty otherwise).
    pub recovery_codes: Vec<String>,
}

/// A set-up waiting for its first code: what the authenticator app needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingTwoFactor {
    /// The key in base32, in groups of four.
    pub key: String,
    /// The `otpauth://` link.
    pub uri: String,
    /// The QR code of `uri`: an SVG image drawn on the server, as a `data:` URL.
    pub qr_image: String,
}

/// Where a link from a mail stands, for the page it opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkState {
    /// It works: the page shows its form.
    Usable,
    /// It was used (the page may say what that did).
    Used,
    /// Unknown, replaced or expired, or its user is no longer active.
    Invalid,
}

/// The steps of the onboarding stepper, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OnboardingStep {
    Email,
    Password,
    Code,
    Trust,
}

/// What the stepper page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnboardingStateResponse {
    pub step: OnboardingStep,
    /// Seconds until "Send new code" works again.
    pub code_cooldown: i64,
    /// "Sign in with Google" is offered (first step, a user with a Google address).
    pub google: bool,
    /// The invited email on the password step (just entered there): the username password
    /// managers save the new password under.
    pub email: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserStatusView {
    Invited,
    Active,
    Disabled,
}

/// A row of the admin's user list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRowResponse {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub status: UserStatusView,
    /// False for the admin looking at the list and for the account owner: no "Deactivate".
    pub can_change_status: bool,
    /// Held at the hard stop of failed sign-ins or a code pause: the row offers "Unlock".
    pub locked: bool,
    /// Invited, but the invitation was used up by wrong codes: the row offers "Resend invitation".
    pub invitation_blocked: bool,
    /// Two-factor authentication is on: the row offers "Reset two-factor authentication".
    pub two_factor: bool,
    /// The Google address an admin entered ("Edit" shows it).
    pub google_email: Option<String>,
    /// False for the owner when another admin looks: no "Edit".
    pub can_edit_google_address: bool,
}

/// An application of the admin's account on `/admin/apps`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppRowResponse {
    pub client_id: String,
    pub name: String,
    /// Without a secret: it proves itself with PKCE.
    pub public: bool,
    pub redirect_uris: Vec<String>,
}

/// A secret just made for an application: shown once, never again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppSecretResponse {
    pub client_id: String,
    pub name: String,
    /// `None` for a public application.
    pub secret: Option<String>,
}

/// Where a sign-in in progress stands (the pages `/login/code` and `/login/trust` render it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignInStep {
    EmailCode,
    Totp,
    Trust,
}

/// What the second-step pages show: the pending step (`None` when no sign-in is in progress).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInStateResponse {
    pub step: Option<SignInStep>,
    /// Seconds until "Send new code" works again.
    pub code_cooldown: i64,
    /// Minutes (rounded up) until codes are sent again after too many wrong ones; 0: now.
    pub code_locked_minutes: u64,
}

/// A trusted device as `/account/security` lists it. Times are UNIX seconds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedDeviceView {
    pub id: i64,
    pub browser: String,
    pub created_at: i64,
    pub last_used_at: i64,
    pub expires_at: i64,
    /// The device this page is looked at on.
    pub current: bool,
}

/// The kinds of security activity a user sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActivityKind {
    SignedIn,
    SignInFailed,
    CodeFailed,
    DeviceTrusted,
    DeviceRemoved,
    PasswordChanged,
    AppCodeFailed,
    TwoFactorOn,
    TwoFactorOff,
    GoogleLinked,
    GoogleUnlinked,
}

/// One line of "Recent security activity".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityView {
    pub at: i64,
    pub kind: ActivityKind,
    pub browser: String,
    pub ip: String,
}

/// A signed-in session as "Active sessions" lists it. Times are UNIX seconds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub id: i64,
    pub browser: String,
    pub ip: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    /// The session this page is looked at in.
    pub current: bool,
}

/// Everything `/account/security` shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityOverview {
    /// The user's email: the username password managers save a new password under.
    pub email: String,
    pub devices: Vec<TrustedDeviceView>,
    pub sessions: Vec<SessionView>,
    pub activity: Vec<ActivityView>,
}

/// A linked Google account: its address when it was linked, and when (UNIX seconds).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedGoogleView {
    pub email: String,
    pub at: i64,
}

/// The Google part of `/account/security`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoogleAccountView {
    pub linked: Option<LinkedGoogleView>,
    /// The Google address an admin entered.
    pub address: Option<String>,
    /// Without a password, "Unlink" would leave no way to sign in.
    pub has_password: bool,
}

/// Why a Google sign-in did not sign in, as `/login?google=…` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GoogleFailure {
    /// No match, unverified, disabled, or a callback this browser did not start: one message.
    Refused,
    /// The user said no at the provider.
    Cancelled,
    /// The provider failed or did not answer in time.
    Unavailable,
    /// Too many sign-ins from this IP address: try later.
    TooMany,
}

impl GoogleFailure {
    pub fn as_str(self) -> &'static str {
        match self {
            GoogleFailure::Refused => "failed",
            GoogleFailure::Cancelled => "cancelled",
            GoogleFailure::Unavailable => "unavailable",
            GoogleFailure::TooMany => "too-many",
        }
    }

    pub fn parse(value: &str) -> Option<GoogleFailure> {
        [
            GoogleFailure::Refused,
            GoogleFailure::Cancelled,
            GoogleFailure::Unavailable,
            GoogleFailure::TooMany,
        ]
        .into_iter()
        .find(|f| f.as_str() == value)
    }

    pub fn message(self) -> crate::Msg {
        match self {
            GoogleFailure::Refused => crate::Msg::GoogleRefused,
            GoogleFailure::Cancelled => crate::Msg::GoogleCancelled,
            GoogleFailure::Unavailable => crate::Msg::GoogleUnavailable,
            GoogleFailure::TooMany => crate::Msg::GoogleTooMany,
        }
    }
}

#[cfg(test)]
mod google_failure_tests {
    use super::GoogleFailure;

    #[test]
    fn failures_round_trip_through_their_query_value() {
        for f in [
            GoogleFailure::Refused,
            GoogleFailure::Cancelled,
            GoogleFailure::Unavailable,
            GoogleFailure::TooMany,
        ] {
            assert_eq!(GoogleFailure::parse(f.as_str()), Some(f));
        }
        assert_eq!(GoogleFailure::parse("<script>"), None);
    }
}
