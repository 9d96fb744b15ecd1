//! The one translation layer: every text a user sees is a [`Msg`] rendered in a [`Lang`].
//!
//! Components never hard-code user-facing strings; they ask for a message here.

//! Each language is one file: `en.rs`, `de.rs`, a `match` over every [`Msg`], so a missing text
//! fails the build; a test checks that every text keeps the placeholders of the English one.

mod de;
mod en;

use serde::{Deserialize, Serialize};

/// A language Pforte speaks. English is the fallback.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    De,
}

impl Lang {
    /// Every language, in the order the language switch shows them.
    pub const ALL: [Lang; 2] = [Lang::De, Lang::En];

    /// The language's code: the `lang` attribute of `<html>`, the cookie and the stored value.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
        }
    }

    /// The language's name in itself, as the language switch shows it.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::De => "Deutsch",
        }
    }

    /// The language of exactly its code (`de`, `en`): what forms, the command line and the
    /// database hold.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|lang| lang.code() == code)
    }

    /// The language of a code or a language tag ("de", "de-AT", "EN"); `None` when Pforte does
    /// not speak it.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?;
        Lang::ALL
            .into_iter()
            .find(|lang| lang.code().eq_ignore_ascii_case(primary))
    }

    /// The language a browser prefers among Pforte's, from its `Accept-Language` header: the
    /// highest weight wins, the earlier on a tie; `None` when it names none of them.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(Lang, u16)> = None;
        for item in header.split(',').take(32) {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else {
                continue;
            };
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1000), quality)
                .unwrap_or(0);
            if weight > 0 && best.is_none_or(|(_, w)| weight > w) {
                best = Some((lang, weight));
            }
        }
        best.map(|(lang, _)| lang)
    }
}

/// A weight `q=0.8` in thousandths; `None` for anything that is not one.
fn quality(value: &str) -> Option<u16> {
    let value = value.trim();
    let number: f32 = value.parse().ok()?;
    (value.len() <= 5 && (0.0..=1.0).contains(&number)).then(|| (number * 1000.0).round() as u16)
}

/// Every user-visible text of Pforte.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(strum::EnumIter))]
pub enum Msg {
    ProductName,
    Tagline,
    LoginTitle,
    IdentifierLabel,
    PasswordLabel,
    LoginButton,
    ForgotPassword,
    LoginHelpLink,
    HelpPasswordTitle,
    HelpPasswordBody,
    HelpCodeTitle,
    HelpCodeBody,
    HelpLockedTitle,
    HelpLockedBody,
    HelpMailboxTitle,
    HelpMailboxBody,
    HelpAuthenticatorTitle,
    HelpAuthenticatorBody,
    HelpCustomerNumberTitle,
    HelpCustomerNumberBody,
    InvalidCredentials,
    /// Contains `{email}`.
    SignedInAs,
    LogOut,
    Users,
    HomeTitle,
    NotFoundTitle,
    NotFoundBody,
    BackToLogin,
    SomethingWentWrong,
    /// A request stopped at the time limit.
    TooSlow,
    /// The password workers are full: try again in {seconds} seconds.
    Busy,
    RequestTooLarge,
    /// A post from another site, refused.
    CrossSiteRefused,
    /// Printed by the server at its first start, before the setup link.
    SetupLinkIntro,
    /// Printed after the setup link: the command-line alternative.
    SetupLinkAlternative,
    /// The admin's "Language" field and the name of the language switch.
    LanguageLabel,
    /// Contains `{seconds}`.
    RateLimited,
    /// Contains `{minutes}`.
    RateLimitedMinutes,
    /// Contains `{hours}`.
    RateLimitedHours,
    UserNotActive,
    NotSignedIn,
    Forbidden,
    BadRequest,
    /// Forward authentication was asked for an address outside `PFORTE_FORWARD_AUTH_DOMAINS`.
    ForwardHostNotListed,
    /// An application's redirect URI that is not a full https:// address.
    InvalidRedirectUri,
    TooManyRedirectUris,
    /// Contains `{app}`.
    NoAccessToApp,
    /// `/oauth/authorize` with an unknown application or an address it did not register.
    UnknownApp,
    ContinueTitle,
    ContinueBody,
    ContinueLink,
    /// `/oauth/authorize` asked for something Pforte does not do, by a visitor not signed in.
    AppRequestInvalid,
    Apps,
    /// Contains `{issuer}`.
    AppsIntro,
    NoApps,
    ColumnClientId,
    ColumnRedirectUris,
    ColumnType,
    AppConfidential,
    AppPublic,
    CreateAppTitle,
    RedirectUrisLabel,
    RedirectUrisHint,
    PublicClientLabel,
    CreateAppButton,
    RotateSecret,
    /// Contains `{name}`.
    RotateSecretLabel,
    DeleteApp,
    /// Contains `{name}`.
    DeleteAppLabel,
    /// Contains `{name}`.
    DeleteAppConfirm,
    DeleteAppForGood,
    /// Contains `{name}` and `{client_id}`.
    AppClientIdIs,
    /// Contains `{secret}`.
    AppSecretIs,
    AppDeleted,
    FieldRequired,
    FieldTooLong,
    HiddenCharacters,
    InvalidIdentifier,
    PasswordTooShort,
    PasswordTooLong,
    PasswordTooWeak,
    PasswordCommon,
    PasswordPersonal,
    SkipToContent,
    Working,
    LinkInvalid,
    /// Contains `{company}`.
    InvitationSubject,
    /// Contains `{name}`.
    Greeting,
    /// Contains `{company}`.
    InvitationBody,
    InvitationButton,
    /// Contains `{days}`.
    InvitationValidity,
    InvitationIgnore,
    CodeInvalid,
    CodeExpired,
    CodeAttemptsExhausted,
    /// Contains `{minutes}`.
    CodeLocked,
    CodeLockedMinute,
    CodeLockMailSubject,
    /// Contains `{browser}`, `{ip}` and `{time}`.
    CodeLockMailBody,
    /// Contains `{minutes}`.
    CodeLockMailPause,
    CodeLockMailAction,
    CodeLockMailAdvice,
    CodeFormat,
    CodeSubject,
    /// Contains `{code}`.
    CodeBody,
    /// Contains `{minutes}`.
    CodeValidity,
    CodeNotRequested,
    SignInWithGoogle,
    /// No match, unverified, disabled, or a callback this browser did not start.
    GoogleRefused,
    GoogleCancelled,
    GoogleUnavailable,
    GoogleTooMany,
    GoogleLinkedMailSubject,
    /// Contains `{google}` and `{time}`.
    GoogleLinkedMailBody,
    GoogleLinkedMailAction,
    GoogleTitle,
    /// Contains `{google}` and `{time}`.
    GoogleLinkedTo,
    GoogleNotLinked,
    /// Contains `{google}`.
    GoogleAddressOnFile,
    UnlinkGoogle,
    GoogleUnlinked,
    GoogleUnlinkNeedsPassword,
    ActivityGoogleLinked,
    ActivityGoogleUnlinked,
    EditButton,
    /// Contains `{name}`.
    EditUserLabel,
    SaveButton,
    /// Contains `{email}`.
    GoogleAddressSaved,
    HelpGoogleTitle,
    HelpGoogleBody,
    CannotEditOwner,
    /// An admin entered a Google address that already names another user.
    GoogleAddressTaken,
    StepOutOfOrder,
    InvitedEmailMismatch,
    PasswordsDiffer,
    WelcomeTitle,
    StepEmail,
    StepPassword,
    StepCode,
    StepTrust,
    StepsLabel,
    EmailLabel,
    SignInWithEmail,
    PasswordRepeatLabel,
    CreatePasswordButton,
    PasswordHint,
    CodeLabel,
    ConfirmButton,
    SendNewCode,
    CodeSent,
    /// Contains `{seconds}`.
    ResendIn,
    /// Said to screen readers once when the resend countdown starts. Contains `{seconds}`.
    ResendAnnounce,
    /// Said to screen readers when the resend countdown is over.
    ResendNow,
    /// The name of the links under the sign-in form.
    LoginLinksLabel,
    TrustQuestion,
    TrustHint,
    Yes,
    No,
    CreateUserTitle,
    NameLabel,
    GoogleAddressLabel,
    RoleLabel,
    RoleUser,
    RoleAdmin,
    CreateUserButton,
    ResendInvitation,
    StatusInvited,
    StatusInvitationBlocked,
    StatusActive,
    StatusDisabled,
    ColumnActions,
    ColumnStatus,
    /// Contains `{email}`.
    InvitationSentTo,
    EmailTaken,
    SetupTitle,
    SetupIntro,
    CompanyLabel,
    OwnerNameLabel,
    OwnerEmailLabel,
    CreateAccountButton,
    /// Contains `{email}` and `{number}`.
    SetupDone,
    /// Contains `{count}`.
    PasswordLengthSoFar,
    PasswordLongEnough,
    /// Page title of `/login/code`.
    LoginCodeTitle,
    SignInEnded,
    Security,
    TrustedDevicesTitle,
    NoTrustedDevices,
    ColumnBrowser,
    ColumnTrustedSince,
    ColumnLastUsed,
    ColumnExpires,
    ThisDevice,
    Remove,
    RemoveAll,
    ActivityTitle,
    NoActivity,
    ColumnTime,
    ColumnEvent,
    ColumnIp,
    ActivitySignedIn,
    ActivitySignInFailed,
    ActivityCodeFailed,
    ActivityDeviceTrusted,
    ActivityDeviceRemoved,
    UnknownBrowser,
    /// Contains `{browser}` and `{os}`.
    BrowserOn,
    DeviceMailSubject,
    /// Contains `{browser}` and `{time}`.
    DeviceMailBody,
    DeviceMailAction,
    /// Contains `{name}`.
    RemoveDeviceLabel,
    ChangePasswordTitle,
    CurrentPasswordLabel,
    NewPasswordLabel,
    RepeatNewPasswordLabel,
    ChangePasswordButton,
    PasswordChanged,
    CurrentPasswordWrong,
    PasswordChangedSubject,
    /// Contains `{time}`.
    PasswordChangedBody,
    ReviewSecurity,
    ActivityPasswordChanged,
    ActivityAppCodeFailed,
    ActivityTwoFactorOn,
    ActivityTwoFactorOff,
    Deactivate,
    Reactivate,
    CannotChangeOwnStatus,
    /// Contains `{name}`.
    DeactivateLabel,
    /// Contains `{name}`.
    ReactivateLabel,
    Unlock,
    /// Contains `{name}`.
    UnlockLabel,
    /// After the status of a user held at the hard stop.
    StatusLocked,
    PasswordStrengthWeak,
    PasswordStrengthFair,
    ActiveSessionsTitle,
    SignOut,
    SignOutEverywhereElse,
    ThisSession,
    ColumnSignedIn,
    ColumnLastActive,
    /// Contains `{name}`.
    SignOutSessionLabel,
    ForgotPasswordTitle,
    ForgotPasswordIntro,
    SendResetLink,
    ResetRequested,
    ResetMailSubject,
    ResetMailBody,
    ResetMailButton,
    /// Contains `{minutes}`.
    ResetMailValidity,
    ResetMailIgnore,
    ResetPasswordTitle,
    SavePasswordButton,
    PasswordResetDone,
    GoToLogin,
    RequestNewLink,
    InvitationLinkHint,
    /// Contains `{time}`.
    PasswordResetMailBody,
    SendPasswordReset,
    /// Contains `{name}`.
    SendPasswordResetLabel,
    /// Contains `{email}`.
    ResetSentTo,
    /// Contains `{browser}` and `{time}`.
    CodeForSignIn,
    TwoFactorOnSubject,
    /// Contains `{time}`.
    TwoFactorOnBody,
    TwoFactorOffSubject,
    /// Contains `{time}`.
    TwoFactorOffBody,
    RecoveryCodesNewSubject,
    /// Contains `{time}`.
    RecoveryCodesNewBody,
    RecoveryCodeUsedSubject,
    /// Contains `{time}`.
    RecoveryCodeUsedBody,
    /// Contains `{count}`.
    RecoveryCodesLeft,
    TwoFactorResetSubject,
    /// Contains `{time}`.
    TwoFactorResetBody,
    TwoFactorNotYou,
    TwoFactorSetupExpired,
    LoginTotpTitle,
    TotpIntro,
    AuthenticationCodeLabel,
    UseRecoveryCode,
    UseAuthenticatorApp,
    RecoveryIntro,
    RecoveryCodeLabel,
    TwoFactorTitle,
    TwoFactorOffIntro,
    SetUpTwoFactor,
    ScanQrCode,
    QrCodeAlt,
    KeyLabel,
    ActivateButton,
    RecoveryCodesTitle,
    RecoveryCodesIntro,
    CopyButton,
    Copied,
    DownloadButton,
    SavedThem,
    /// Contains `{time}` and `{count}`.
    TwoFactorOnSince,
    TwoFactorConfirmHint,
    RegenerateRecoveryCodes,
    TurnOffTwoFactor,
    ResetTwoFactor,
    /// Contains `{name}`.
    ResetTwoFactorLabel,
    /// Contains `{email}`.
    TwoFactorResetFor,
    StatusTwoFactor,
    CannotResetTwoFactor,
    TwoFactorAlreadyOn,
    TwoFactorAlreadyOff,
    AppCodeLockMailBody,
    CodeForOnboarding,
    NotMeLead,
    NotMeLink,
    /// Contains `{days}`.
    NotMeValidity,
    NotMeTitle,
    NotMeIntro,
    NotMeButton,
    NotMeDone,
}

impl Msg {
    /// The text as written, with its placeholders.
    pub fn text(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => en::text(self),
            Lang::De => de::text(self),
        }
    }

    /// The text with the placeholders that name fixed rules filled in: `{min}` and `{max}`, the
    /// password length limits.
    pub fn render(self, lang: Lang) -> String {
        use crate::password::{MAX_CHARS, MIN_CHARS};
        fill(
            &fill(self.text(lang), "min", &MIN_CHARS.to_string()),
            "max",
            &MAX_CHARS.to_string(),
        )
    }
}

/// Replaces `{name}` in a message with `value`.
pub fn fill(template: &str, name: &str, value: &str) -> String {
    template.replace(&format!("{{{name}}}"), value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_placeholder() {
        assert_eq!(
            fill(Msg::SignedInAs.text(Lang::En), "email", "a@b.example"),
            "Signed in as a@b.example"
        );
    }

    #[test]
    fn password_messages_name_the_limits() {
        assert_eq!(
            Msg::PasswordTooShort.render(Lang::En),
            "The password must have at least 15 characters."
        );
        assert!(
            Msg::PasswordTooLong
                .render(Lang::En)
                .contains("at most 256 ")
        );
        assert!(
            Msg::PasswordHint
                .render(Lang::En)
                .starts_with("At least 15 ")
        );
    }

    /// The `{name}` placeholders of a text, sorted, with repeats.
    fn placeholders(text: &str) -> Vec<&str> {
        let mut found: Vec<&str> = text
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        found.sort_unstable();
        found
    }

    #[test]
    fn every_language_keeps_the_placeholders_of_english() {
        use strum::IntoEnumIterator;
        let mut wrong = Vec::new();
        for msg in Msg::iter() {
            let english = placeholders(msg.text(Lang::En));
            for lang in Lang::ALL {
                let text = msg.text(lang);
                if text.trim().is_empty() || placeholders(text) != english {
                    wrong.push(format!("{msg:?} in {lang:?}: {text}"));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn german_is_not_english() {
        use strum::IntoEnumIterator;
        // Words that read the same in both languages.
        let same = [
            Msg::ProductName,
            Msg::CodeLabel,
            Msg::NameLabel,
            Msg::ColumnStatus,
            Msg::ColumnBrowser,
        ];
        let untranslated: Vec<Msg> = Msg::iter()
            .filter(|msg| !same.contains(msg) && msg.text(Lang::De) == msg.text(Lang::En))
            .collect();
        assert!(untranslated.is_empty(), "{untranslated:?}");
    }

    #[test]
    fn placeholders_are_found() {
        assert_eq!(placeholders("{b} and {a}, {b}"), ["a", "b", "b"]);
        assert!(placeholders("no braces").is_empty());
    }

    #[test]
    fn languages_from_codes_and_headers() {
        assert_eq!(Lang::parse("de-AT"), Some(Lang::De));
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::parse(""), None);
        assert_eq!(Lang::from_code("de"), Some(Lang::De));
        assert_eq!(Lang::from_code("de-AT"), None);
        assert_eq!(Lang::from_code("EN"), None);
        for lang in Lang::ALL {
            assert_eq!(Lang::parse(lang.code()), Some(lang));
        }
        let pick = Lang::from_accept_language;
        assert_eq!(pick("de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7"), Some(Lang::De));
        assert_eq!(pick("fr-FR, en;q=0.5, de;q=0.8"), Some(Lang::De));
        assert_eq!(pick("en-GB,de"), Some(Lang::En));
        assert_eq!(pick("de;q=0, en;q=0.1"), Some(Lang::En));
        assert_eq!(pick("fr, *;q=0.5"), None);
        assert_eq!(pick("de;q=banana, en;q=0.2"), Some(Lang::En));
        assert_eq!(pick(""), None);
    }

    /// A button's accessible name (`…Label`) contains its visible text, in every language
    /// (WCAG 2.5.3, "Label in Name"), so that speech input can say what is written.
    #[test]
    fn accessible_names_contain_the_visible_text() {
        let pairs = [
            (Msg::Remove, Msg::RemoveDeviceLabel),
            (Msg::Deactivate, Msg::DeactivateLabel),
            (Msg::Reactivate, Msg::ReactivateLabel),
            (Msg::Unlock, Msg::UnlockLabel),
            (Msg::SignOut, Msg::SignOutSessionLabel),
            (Msg::SendPasswordReset, Msg::SendPasswordResetLabel),
            (Msg::ResetTwoFactor, Msg::ResetTwoFactorLabel),
            (Msg::EditButton, Msg::EditUserLabel),
        ];
        for lang in Lang::ALL {
            for (visible, label) in pairs {
                let (visible, label) = (visible.text(lang), label.text(lang));
                assert!(
                    label.to_lowercase().contains(&visible.to_lowercase()),
                    "{lang:?}: {label:?} does not contain {visible:?}"
                );
            }
        }
    }

    #[test]
    fn german_labels_are_exact() {
        let de = |msg: Msg| msg.text(Lang::De);
        assert_eq!(de(Msg::IdentifierLabel), "E-Mail-Adresse oder Kundennummer");
        assert_eq!(de(Msg::LoginButton), "Anmelden");
        assert_eq!(
            de(Msg::InvalidCredentials),
            "E-Mail-Adresse/Kundennummer oder Passwort ist falsch."
        );
        assert_eq!(de(Msg::SignInWithGoogle), "Mit Google anmelden");
        assert_eq!(de(Msg::LanguageLabel), "Sprache");
        assert_eq!(
            de(Msg::ResetRequested),
            "Falls ein Konto zu dieser Adresse existiert, haben wir Ihnen eine E-Mail mit weiteren Anweisungen gesendet."
        );
    }

    #[test]
    fn spec_wording_is_exact() {
        assert_eq!(
            Msg::InvalidCredentials.text(Lang::En),
            "Email/customer number or password is incorrect."
        );
        assert_eq!(
            Msg::IdentifierLabel.text(Lang::En),
            "Email or customer number"
        );
    }
}
