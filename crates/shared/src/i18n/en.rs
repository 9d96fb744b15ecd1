//! English, the language Pforte falls back to.

use super::Msg;

pub(super) fn text(msg: Msg) -> &'static str {
    use Msg::*;
    match msg {
        ProductName => "Pforte",
        Tagline => "Sign in to your company account",
        LoginTitle => "Log in",
        IdentifierLabel => "Email or customer number",
        PasswordLabel => "Password",
        LoginButton => "Log in",
        ForgotPassword => "Forgot password?",
        LoginHelpLink => "Login not possible?",
        HelpPasswordTitle => "You forgot your password",
        HelpPasswordBody => {
            "Choose “Forgot password?” below or on the login page: we send you an email with a link to choose a new password."
        }
        HelpCodeTitle => "The email code did not arrive",
        HelpCodeBody => {
            "It can take a minute. Look in your spam or junk folder too. The code goes to the email address of your account; after the countdown on the code page, “Send new code” sends a new one."
        }
        HelpLockedTitle => "Your sign-in is refused although the password is right",
        HelpLockedBody => {
            "After wrong passwords each next attempt has to wait a few seconds, so try again shortly. After many wrong attempts even the right password asks for the email code, and after 10 wrong codes no code is sent for 15 minutes. Your administrator can lift both with “Unlock”."
        }
        HelpAuthenticatorTitle => "You have a new phone or lost your authenticator app",
        HelpAuthenticatorBody => {
            "On the page that asks for the authentication code, choose “Use a recovery code” and enter one of the codes you saved when you set up two-factor authentication. Without them, ask your administrator to reset two-factor authentication: you then sign in with the email code and can set up the app anew."
        }
        HelpMailboxTitle => "You no longer have access to your mailbox",
        HelpMailboxBody => {
            "Without your mailbox no code and no link can reach you. Ask your administrator for help."
        }
        HelpCustomerNumberTitle => "Signing in with the customer number",
        HelpCustomerNumberBody => {
            "Your company's customer number has 7 digits and signs in the account's owner. Everyone else signs in with their email address."
        }
        InvalidCredentials => "Email/customer number or password is incorrect.",
        SignedInAs => "Signed in as {email}",
        LogOut => "Log out",
        Users => "Users",
        HomeTitle => "Your account",
        NotFoundTitle => "Page not found",
        NotFoundBody => "The page you were looking for does not exist.",
        BackToLogin => "Back to the login",
        SomethingWentWrong => "Something went wrong. Please try again.",
        Busy => "Too many sign-ins at this moment. Please try again in {seconds} seconds.",
        TooSlow => "This is taking too long. Please try again.",
        RequestTooLarge => "The request is too large.",
        CrossSiteRefused => "Cross-site request refused.",
        SetupLinkIntro => {
            "No account exists yet. Open this one-time link to create your company account:"
        }
        SetupLinkAlternative => {
            "(or use: pforte create-account --name 'Your Company' --owner-email you@example.com)"
        }
        LanguageLabel => "Language",
        RateLimited => "Too many attempts. Please try again in {seconds} seconds.",
        RateLimitedMinutes => "Too many attempts. Please try again in {minutes} minutes.",
        RateLimitedHours => "Too many attempts. Please try again in {hours} hours.",
        UserNotActive => "This user is not active.",
        NotSignedIn => "Please log in first.",
        Forbidden => "You are not allowed to do this.",
        BadRequest => "The request could not be processed.",
        ForwardHostNotListed => "This address is not set up for signing in with Pforte.",
        InvalidRedirectUri => {
            "Please enter a full address starting with https:// (http:// only for this computer), without #."
        }
        TooManyRedirectUris => "Please enter at most 10 addresses.",
        NoAccessToApp => "You have no access to {app}. Please ask your administrator.",
        UnknownApp => {
            "This application is not set up for signing in with Pforte, or it sent a wrong address."
        }
        AppRequestInvalid => {
            "The application asked for a kind of sign-in that Pforte does not support. Please tell the application's administrator."
        }
        ContinueTitle => "Continuing",
        ContinueBody => "You are signed in. On to the application …",
        ContinueLink => "Continue",
        Apps => "Applications",
        AppsIntro => {
            "Your company's applications sign their users in through Pforte with OpenID Connect. Only users of your company can sign in to them. Configure an application with the issuer {issuer}, its client ID and, unless it is public, its secret."
        }
        NoApps => "No applications yet.",
        ColumnClientId => "Client ID",
        ColumnRedirectUris => "Redirect URIs",
        ColumnType => "Type",
        AppConfidential => "Confidential (with client secret)",
        AppPublic => "Public (PKCE)",
        CreateAppTitle => "Add an application",
        RedirectUrisLabel => "Redirect URIs (one per line)",
        RedirectUrisHint => {
            "Where Pforte sends users back after signing in, exactly as the application names it, e.g. https://wiki.example.com/oidc/callback."
        }
        PublicClientLabel => {
            "Public application: no secret, it proves itself with PKCE (for desktop and mobile apps)"
        }
        CreateAppButton => "Add application",
        RotateSecret => "New secret",
        RotateSecretLabel => "New secret for {name}",
        DeleteApp => "Delete",
        DeleteAppLabel => "Delete {name}",
        DeleteAppConfirm => "Nobody can sign in to {name} any more.",
        DeleteAppForGood => "Delete for good",
        AppClientIdIs => "{name}: client ID {client_id}",
        AppSecretIs => {
            "Client secret, shown only now — copy it into the application's settings: {secret}"
        }
        AppDeleted => "The application was deleted.",
        FieldRequired => "Please fill in this field.",
        FieldTooLong => "This entry is too long.",
        HiddenCharacters => "Please remove the invisible characters from this entry.",
        InvalidIdentifier => "Enter an email address or a 7-digit customer number.",
        PasswordTooShort => "The password must have at least {min} characters.",
        PasswordTooLong => "The password must have at most {max} characters.",
        PasswordTooWeak => {
            "This password is too easy to guess. Try a longer phrase of unrelated words."
        }
        PasswordCommon => "This password is too common. Choose one that others do not use.",
        PasswordPersonal => {
            "The password must not contain your email, name, company or customer number."
        }
        SkipToContent => "Skip to content",
        Working => "Please wait…",
        LinkInvalid => "This link is no longer valid.",
        InvitationLinkHint => "Ask your administrator for a new invitation.",
        RequestNewLink => "Request a new link",
        InvitationSubject => "Your user account at {company}",
        Greeting => "Hello {name},",
        InvitationBody => {
            "{company} has created a user account for you. Set it up with the button below."
        }
        InvitationButton => "To the user account",
        InvitationValidity => "The link is valid for {days} days and can be used once.",
        InvitationIgnore => "If you did not expect this email, you can ignore it.",
        CodeInvalid => "The code is not correct.",
        CodeExpired => "The code has expired. Request a new code.",
        CodeAttemptsExhausted => "Too many wrong codes. Please start again.",
        CodeLocked => "Too many wrong codes. Please try again in {minutes} minutes.",
        CodeLockedMinute => "Too many wrong codes. Please try again in a minute.",
        CodeLockMailSubject => "Someone entered your Pforte password",
        CodeLockMailBody => {
            "Someone entered the right password for your account, but not the code we sent by email: {browser}, IP address {ip}, on {time}."
        }
        CodeLockMailPause => {
            "After too many wrong codes, no new code will be sent for {minutes} minutes."
        }
        CodeLockMailAction => "Change your password",
        CodeLockMailAdvice => {
            "If this was not you, your password is known to someone else: change it now. Your email code kept them out."
        }
        CodeFormat => "Enter the 6-digit code from the email.",
        CodeSubject => "Your Pforte confirmation code",
        CodeBody => "Your confirmation code is {code}.",
        CodeValidity => "It is valid for {minutes} minutes.",
        StepOutOfOrder => "This step is not available now. Continue with the current step.",
        InvitedEmailMismatch => "This is not the email address the invitation was sent to.",
        PasswordsDiffer => "The two passwords do not match.",
        WelcomeTitle => "Set up your user account",
        StepEmail => "Enter email",
        StepPassword => "Create password",
        StepCode => "Enter email code",
        StepTrust => "Trust device",
        StepsLabel => "Steps",
        EmailLabel => "Email",
        SignInWithEmail => "Sign in with email",
        PasswordRepeatLabel => "Repeat password",
        CreatePasswordButton => "Create password",
        PasswordHint => {
            "At least {min} characters. A few unrelated words are easy to remember and hard to guess."
        }
        CodeLabel => "Code",
        ConfirmButton => "Confirm",
        SendNewCode => "Send new code",
        CodeSent => "We have sent a 6-digit code to your email address.",
        ResendIn => "You can request a new code in {seconds} seconds.",
        ResendAnnounce => "A new code can be requested in {seconds} seconds.",
        ResendNow => "You can now request a new code.",
        LoginLinksLabel => "Help with signing in",
        TrustQuestion => "Do you trust this browser and device?",
        TrustHint => {
            "If you choose Yes, you will not need an email code here next time. Only choose Yes if no one else uses this device."
        }
        Yes => "Yes",
        No => "No",
        CreateUserTitle => "Create user",
        NameLabel => "Name",
        GoogleAddressLabel => "Google address",
        RoleLabel => "Role",
        RoleUser => "User",
        RoleAdmin => "Admin",
        CreateUserButton => "Create user and send invitation",
        ResendInvitation => "Resend invitation",
        StatusInvited => "Invited",
        StatusInvitationBlocked => "invitation blocked after wrong codes",
        StatusActive => "Active",
        StatusDisabled => "Disabled",
        ColumnActions => "Actions",
        ColumnStatus => "Status",
        InvitationSentTo => "Invitation sent to {email}.",
        EmailTaken => "A user with this email address already exists.",
        PasswordLengthSoFar => "{count} of at least {min} characters.",
        PasswordLongEnough => {
            "Long enough. When you save it, Pforte also checks that it is not common or built from your details."
        }
        SetupTitle => "Set up Pforte",
        SetupIntro => "Create your company account. You become its owner and first admin.",
        CompanyLabel => "Company name",
        OwnerNameLabel => "Your name",
        OwnerEmailLabel => "Your email",
        CreateAccountButton => "Create account",
        SetupDone => {
            "Your account is ready (customer number {number}). We have sent an invitation to {email}: open it to choose your password."
        }
        LoginCodeTitle => "Confirm your sign-in",
        SignInEnded => "This sign-in has ended. Please log in again.",
        Security => "Security",
        TrustedDevicesTitle => "Trusted devices",
        NoTrustedDevices => {
            "No trusted devices. Each sign-in on a new browser is confirmed with an email code."
        }
        ColumnBrowser => "Browser",
        ColumnTrustedSince => "Trusted since",
        ColumnLastUsed => "Last used",
        ColumnExpires => "Expires",
        ThisDevice => "This device",
        Remove => "Remove",
        RemoveAll => "Remove all",
        ActivityTitle => "Recent security activity",
        NoActivity => "No activity yet.",
        ColumnTime => "Time",
        ColumnEvent => "Event",
        ColumnIp => "IP address",
        ActivitySignedIn => "Signed in",
        ActivitySignInFailed => "Failed sign-in attempt",
        ActivityCodeFailed => "Wrong email code",
        ActivityDeviceTrusted => "Device trusted",
        ActivityDeviceRemoved => "Device removed",
        UnknownBrowser => "Unknown browser",
        BrowserOn => "{browser} on {os}",
        DeviceMailSubject => "New device trusted for your Pforte account",
        DeviceMailBody => {
            "A new browser and device was trusted for your account: {browser}, on {time}. Signing in there no longer needs an email code."
        }
        DeviceMailAction => "Review your devices",
        RemoveDeviceLabel => "Remove {name}",
        ChangePasswordTitle => "Change password",
        CurrentPasswordLabel => "Current password",
        NewPasswordLabel => "New password",
        RepeatNewPasswordLabel => "Repeat new password",
        ChangePasswordButton => "Change password",
        PasswordChanged => {
            "Your password was changed. Trusted devices were removed and your other sessions were signed out."
        }
        CurrentPasswordWrong => "The current password is not correct.",
        PasswordChangedSubject => "Your Pforte password was changed",
        PasswordChangedBody => {
            "The password of your account was changed on {time}. All trusted devices were removed and your other sessions were signed out."
        }
        ReviewSecurity => "Review your account security",
        ActivityPasswordChanged => "Password changed",
        ActivityAppCodeFailed => "Wrong authentication or recovery code",
        ActivityTwoFactorOn => "Two-factor authentication turned on",
        ActivityTwoFactorOff => "Two-factor authentication turned off",
        Deactivate => "Deactivate",
        Reactivate => "Reactivate",
        CannotChangeOwnStatus => "You cannot deactivate yourself or the account owner.",
        DeactivateLabel => "Deactivate {name}",
        ReactivateLabel => "Reactivate {name}",
        Unlock => "Unlock",
        UnlockLabel => "Unlock {name}",
        StatusLocked => "locked after too many failed sign-ins",
        PasswordStrengthWeak => {
            "Long enough, but easy to guess: it repeats itself or runs in sequence. Try a few unrelated words."
        }
        PasswordStrengthFair => "Long enough. Another unrelated word would make it much stronger.",
        ActiveSessionsTitle => "Active sessions",
        SignOut => "Sign out",
        SignOutEverywhereElse => "Sign out everywhere else",
        ThisSession => "This session",
        ColumnSignedIn => "Signed in",
        ColumnLastActive => "Last active",
        SignOutSessionLabel => "Sign out {name}",
        ForgotPasswordTitle => "Forgot password",
        ForgotPasswordIntro => {
            "Enter the email address or customer number you sign in with. We will send you a link to choose a new password."
        }
        SendResetLink => "Send reset link",
        ResetRequested => {
            "If an account exists for this address, we have sent an email with further instructions."
        }
        ResetMailSubject => "Reset your Pforte password",
        ResetMailBody => {
            "We received a request to reset the password of your Pforte account. Choose a new password with the button below."
        }
        ResetMailButton => "Choose a new password",
        ResetMailValidity => {
            "The link is valid for {minutes} minutes and can be used once. A newer request replaces it."
        }
        ResetMailIgnore => {
            "If you did not ask for this, you can ignore this email: your password stays as it is."
        }
        ResetPasswordTitle => "Choose a new password",
        SavePasswordButton => "Save password",
        PasswordResetDone => {
            "Your new password is saved. All your sessions were signed out and trusted devices removed: log in with the new password."
        }
        GoToLogin => "To the login",
        PasswordResetMailBody => {
            "The password of your account was changed on {time} through a password reset link. All trusted devices were removed and all sessions were signed out."
        }
        SendPasswordReset => "Send password reset",
        SendPasswordResetLabel => "Send password reset to {name}",
        ResetSentTo => "Password reset link sent to {email}.",
        CodeForSignIn => "It is for signing in on a new browser: {browser}, on {time}.",
        CodeForOnboarding => "It is for setting up your user account.",
        TwoFactorOnSubject => "Two-factor authentication is on for your Pforte account",
        TwoFactorOnBody => {
            "Two-factor authentication was turned on for your account on {time}. Each sign-in now asks for the code from your authenticator app."
        }
        TwoFactorOffSubject => "Two-factor authentication is off for your Pforte account",
        TwoFactorOffBody => {
            "Two-factor authentication was turned off for your account on {time}. Sign-ins on new browsers ask for an email code again."
        }
        RecoveryCodesNewSubject => "New recovery codes for your Pforte account",
        RecoveryCodesNewBody => {
            "New recovery codes were made for your account on {time}. The old ones no longer work."
        }
        RecoveryCodeUsedSubject => "A recovery code was used for your Pforte account",
        RecoveryCodeUsedBody => "A recovery code was used to sign in to your account on {time}.",
        RecoveryCodesLeft => "Recovery codes left: {count}.",
        TwoFactorResetSubject => "Two-factor authentication was reset for your Pforte account",
        TwoFactorResetBody => {
            "Your administrator turned two-factor authentication off for your account on {time}. Sign-ins on new browsers ask for an email code again; you can set up your authenticator app anew on the security page."
        }
        LoginTotpTitle => "Enter your authentication code",
        TotpIntro => "Open your authenticator app and enter the 6-digit code it shows for Pforte.",
        AuthenticationCodeLabel => "Authentication code",
        UseRecoveryCode => "Use a recovery code",
        UseAuthenticatorApp => "Use the authenticator app",
        RecoveryIntro => {
            "Enter one of the recovery codes you saved when you set up two-factor authentication. Each code works once."
        }
        RecoveryCodeLabel => "Recovery code",
        TwoFactorTitle => "Two-factor authentication",
        TwoFactorOffIntro => {
            "With two-factor authentication, every sign-in asks for a code from an authenticator app on your phone after the password, instead of the email code."
        }
        SetUpTwoFactor => "Set up two-factor authentication",
        ScanQrCode => {
            "Scan the QR code with your authenticator app, or enter the key by hand. Then enter the 6-digit code the app shows."
        }
        QrCodeAlt => "QR code for your authenticator app",
        KeyLabel => "Key",
        ActivateButton => "Activate",
        RecoveryCodesTitle => "Recovery codes",
        RecoveryCodesIntro => {
            "Save these codes somewhere safe. Each works once and signs you in when your phone is not at hand. They are shown only now."
        }
        CopyButton => "Copy",
        Copied => "Copied.",
        DownloadButton => "Download",
        SavedThem => "I have saved them",
        TwoFactorOnSince => {
            "Two-factor authentication is on since {time}. Recovery codes left: {count}."
        }
        TwoFactorConfirmHint => {
            "Both need your password and a current code from your authenticator app."
        }
        RegenerateRecoveryCodes => "Regenerate recovery codes",
        TurnOffTwoFactor => "Turn off two-factor authentication",
        ResetTwoFactor => "Reset two-factor authentication",
        ResetTwoFactorLabel => "Reset two-factor authentication for {name}",
        TwoFactorResetFor => "Two-factor authentication was reset for {email}.",
        StatusTwoFactor => "two-factor authentication on",
        CannotResetTwoFactor => {
            "You cannot reset two-factor authentication for yourself or the account owner: use the security page."
        }
        TwoFactorAlreadyOn => "Two-factor authentication is already on.",
        TwoFactorAlreadyOff => "Two-factor authentication is off.",
        AppCodeLockMailBody => {
            "Someone entered the right password for your account, but not the code from your authenticator app: {browser}, IP address {ip}, on {time}."
        }
        TwoFactorNotYou => {
            "If this wasn't you, change your password at once and tell your administrator."
        }
        TwoFactorSetupExpired => {
            "The set-up has expired. Start it again with “Set up two-factor authentication”."
        }
        NotMeLead => "If this wasn't you:",
        NotMeLink => "This wasn't me",
        NotMeValidity => {
            "“This wasn't me” signs out every session, removes trusted devices and sends you a link to choose a new password. It works once within {days} days."
        }
        NotMeTitle => "This wasn't me",
        NotMeIntro => {
            "If you did not do what the email told you about, secure your account now: Pforte signs out every session, removes the device (after a password change: every trusted device; after a Google account was linked: the Google account) and sends you an email with a link to choose a new password."
        }
        NotMeButton => "Secure my account",
        NotMeDone => {
            "Your account is secured: every session was signed out, and the device the email was about removed (after a password change: every trusted device; after a Google account was linked: the Google account). We have sent you an email with a link to choose a new password."
        }
        CodeNotRequested => {
            "If you did not try to sign in, change your password: someone else may know it."
        }
        SignInWithGoogle => "Sign in with Google",
        GoogleRefused => {
            "Sign-in with Google did not work. Sign in with your email or customer number and password, or ask your administrator to check your Google address."
        }
        GoogleCancelled => "Sign-in with Google was cancelled.",
        GoogleTooMany => {
            "Too many sign-in attempts from your network. Please try again in a few minutes."
        }
        GoogleUnavailable => {
            "Google could not be reached. Please try again later, or sign in with your password."
        }
        GoogleLinkedMailSubject => "Google account linked to your Pforte account",
        GoogleLinkedMailBody => {
            "Your Google account {google} was linked to your user account on {time}. From now on you can sign in with “Sign in with Google”."
        }
        GoogleLinkedMailAction => "Review your security settings",
        GoogleTitle => "Google account",
        GoogleLinkedTo => "Linked to {google} since {time}.",
        GoogleNotLinked => "No Google account is linked.",
        GoogleAddressOnFile => {
            "Your administrator entered the Google address {google}: “Sign in with Google” on the sign-in page links it."
        }
        UnlinkGoogle => "Unlink",
        GoogleUnlinked => "Your Google account was unlinked.",
        GoogleUnlinkNeedsPassword => {
            "Choose a password first, or you could not sign in any more: use “Forgot password?” on the sign-in page."
        }
        ActivityGoogleLinked => "Google account linked",
        ActivityGoogleUnlinked => "Google account unlinked",
        EditButton => "Edit",
        EditUserLabel => "Edit {name}",
        SaveButton => "Save",
        GoogleAddressSaved => "The Google address of {email} was saved.",
        CannotEditOwner => {
            "You can change the Google address of users and your own; another administrator's only the account owner can change."
        }
        GoogleAddressTaken => {
            "This Google address already belongs to another user. Enter the address of this user's own Google account."
        }
        HelpGoogleTitle => "Sign in with Google",
        HelpGoogleBody => {
            "If your company uses Google, you can sign in with your Google account: choose “Sign in with Google” on the sign-in page. It works with the Google address your administrator entered for your user account, or with a Google account under your Pforte email address; your first sign-in links the two. Two-factor authentication is still asked for when it is on."
        }
    }
}
