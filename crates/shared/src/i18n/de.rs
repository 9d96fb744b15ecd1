//! German (formal: “Sie”).

use super::Msg;

pub(super) fn text(msg: Msg) -> &'static str {
    use Msg::*;
    match msg {
        ProductName => "Pforte",
        Tagline => "Melden Sie sich bei Ihrem Firmenkonto an",
        LoginTitle => "Anmelden",
        IdentifierLabel => "E-Mail-Adresse oder Kundennummer",
        PasswordLabel => "Passwort",
        LoginButton => "Anmelden",
        ForgotPassword => "Passwort vergessen?",
        LoginHelpLink => "Anmeldung nicht möglich?",
        HelpPasswordTitle => "Sie haben Ihr Passwort vergessen",
        HelpPasswordBody => {
            "Klicken Sie unten oder auf der Anmeldeseite auf „Passwort vergessen?“. Wir senden Ihnen dann eine E-Mail mit einem Link, über den Sie ein neues Passwort festlegen können."
        }
        HelpCodeTitle => "Der E-Mail-Code ist nicht angekommen",
        HelpCodeBody => {
            "Die Zustellung kann bis zu einer Minute dauern. Sehen Sie bitte auch in Ihrem Spam- bzw. Junk-Ordner nach. Der Code wird an die E-Mail-Adresse Ihres Benutzerkontos gesendet. Sobald die Wartezeit auf der Code-Seite abgelaufen ist, können Sie mit „Neuen Code senden“ einen neuen Code anfordern."
        }
        HelpLockedTitle => "Ihre Anmeldung wird abgelehnt, obwohl das Passwort stimmt",
        HelpLockedBody => {
            "Nach einer falschen Passworteingabe ist jeder weitere Versuch erst nach einigen Sekunden möglich. Versuchen Sie es daher kurz darauf erneut. Nach vielen Fehlversuchen wird auch bei richtigem Passwort der E-Mail-Code abgefragt, und nach 10 falschen Codes wird 15 Minuten lang kein Code mehr gesendet. Ihr Administrator kann beide Sperren mit „Entsperren“ aufheben."
        }
        HelpAuthenticatorTitle => {
            "Sie haben ein neues Smartphone oder keinen Zugriff mehr auf Ihre Authenticator-App"
        }
        HelpAuthenticatorBody => {
            "Wählen Sie auf der Seite, die nach dem Authentifizierungscode fragt, „Wiederherstellungscode verwenden“ und geben Sie einen der Codes ein, die Sie bei der Einrichtung der Zwei-Faktor-Authentifizierung gespeichert haben. Haben Sie diese Codes nicht mehr, bitten Sie Ihren Administrator, die Zwei-Faktor-Authentifizierung zurückzusetzen. Sie melden sich dann mit dem E-Mail-Code an und können die App neu einrichten."
        }
        HelpMailboxTitle => "Sie haben keinen Zugriff mehr auf Ihr E-Mail-Postfach",
        HelpMailboxBody => {
            "Ohne Zugriff auf Ihr Postfach können wir Ihnen weder einen Code noch einen Link zustellen. Wenden Sie sich bitte an Ihren Administrator."
        }
        HelpCustomerNumberTitle => "Anmeldung mit der Kundennummer",
        HelpCustomerNumberBody => {
            "Die Kundennummer Ihres Unternehmens ist 7-stellig. Mit ihr meldet sich der Kontoinhaber an. Alle anderen melden sich mit ihrer E-Mail-Adresse an."
        }
        InvalidCredentials => "E-Mail-Adresse/Kundennummer oder Passwort ist falsch.",
        SignedInAs => "Angemeldet als {email}",
        LogOut => "Abmelden",
        Users => "Benutzer",
        HomeTitle => "Ihr Benutzerkonto",
        NotFoundTitle => "Seite nicht gefunden",
        NotFoundBody => "Die gesuchte Seite existiert nicht.",
        BackToLogin => "Zurück zur Anmeldung",
        SomethingWentWrong => "Ein Fehler ist aufgetreten. Bitte versuchen Sie es erneut.",
        Busy => {
            "Gerade melden sich zu viele Personen an. Bitte versuchen Sie es in {seconds} Sekunden erneut."
        }
        TooSlow => "Die Anfrage dauert zu lange. Bitte versuchen Sie es erneut.",
        RequestTooLarge => "Die Anfrage ist zu groß.",
        CrossSiteRefused => "Anfragen von anderen Websites werden abgelehnt.",
        SetupLinkIntro => {
            "Es gibt noch kein Konto. Öffnen Sie diesen einmaligen Link, um Ihr Firmenkonto anzulegen:"
        }
        SetupLinkAlternative => {
            "(oder: pforte create-account --name 'Ihre Firma' --owner-email sie@example.com)"
        }
        LanguageLabel => "Sprache",
        RateLimited => "Zu viele Versuche. Bitte versuchen Sie es in {seconds} Sekunden erneut.",
        RateLimitedMinutes => {
            "Zu viele Versuche. Bitte versuchen Sie es in {minutes} Minuten erneut."
        }
        RateLimitedHours => "Zu viele Versuche. Bitte versuchen Sie es in {hours} Stunden erneut.",
        UserNotActive => "Dieser Benutzer ist nicht aktiv.",
        NotSignedIn => "Bitte melden Sie sich zuerst an.",
        Forbidden => "Dazu sind Sie nicht berechtigt.",
        BadRequest => "Die Anfrage konnte nicht verarbeitet werden.",
        ForwardHostNotListed => {
            "Diese Adresse ist nicht für die Anmeldung mit Pforte eingerichtet."
        }
        InvalidRedirectUri => {
            "Bitte geben Sie eine vollständige Adresse ein, die mit https:// beginnt (http:// nur für diesen Computer), ohne #."
        }
        TooManyRedirectUris => "Bitte geben Sie höchstens 10 Adressen ein.",
        NoAccessToApp => {
            "Sie haben keinen Zugriff auf {app}. Bitte wenden Sie sich an Ihren Administrator."
        }
        UnknownApp => {
            "Diese Anwendung ist nicht für die Anmeldung mit Pforte eingerichtet, oder sie hat eine falsche Adresse gesendet."
        }
        AppRequestInvalid => {
            "Die Anwendung hat eine Art der Anmeldung angefordert, die Pforte nicht unterstützt. Bitte informieren Sie den Administrator der Anwendung."
        }
        ContinueTitle => "Weiterleitung",
        ContinueBody => "Sie sind angemeldet. Es geht weiter zur Anwendung …",
        ContinueLink => "Weiter",
        Apps => "Anwendungen",
        AppsIntro => {
            "Die Anwendungen Ihres Unternehmens melden ihre Benutzer über Pforte mit OpenID Connect an. Nur Benutzer Ihres Unternehmens können sich bei ihnen anmelden. Richten Sie eine Anwendung mit dem Aussteller {issuer}, ihrer Client-ID und, sofern sie nicht öffentlich ist, ihrem Secret ein."
        }
        NoApps => "Noch keine Anwendungen.",
        ColumnClientId => "Client-ID",
        ColumnRedirectUris => "Weiterleitungsadressen",
        ColumnType => "Typ",
        AppConfidential => "Vertraulich (mit Client-Secret)",
        AppPublic => "Öffentlich (PKCE)",
        CreateAppTitle => "Anwendung hinzufügen",
        RedirectUrisLabel => "Weiterleitungsadressen (eine pro Zeile)",
        RedirectUrisHint => {
            "Wohin Pforte die Benutzer nach der Anmeldung zurückschickt, genau so, wie die Anwendung sie angibt, z. B. https://wiki.example.com/oidc/callback."
        }
        PublicClientLabel => {
            "Öffentliche Anwendung: ohne Secret, sie weist sich mit PKCE aus (für Desktop- und Mobil-Apps)"
        }
        CreateAppButton => "Anwendung hinzufügen",
        RotateSecret => "Neues Secret",
        RotateSecretLabel => "Neues Secret für {name}",
        DeleteApp => "Löschen",
        DeleteAppLabel => "{name} löschen",
        DeleteAppConfirm => "Danach kann sich niemand mehr bei {name} anmelden.",
        DeleteAppForGood => "Endgültig löschen",
        AppClientIdIs => "{name}: Client-ID {client_id}",
        AppSecretIs => {
            "Client-Secret, wird nur dieses eine Mal angezeigt – übernehmen Sie es in die Einstellungen der Anwendung: {secret}"
        }
        AppDeleted => "Die Anwendung wurde gelöscht.",
        FieldRequired => "Bitte füllen Sie dieses Feld aus.",
        FieldTooLong => "Diese Eingabe ist zu lang.",
        HiddenCharacters => "Bitte entfernen Sie die unsichtbaren Zeichen aus dieser Eingabe.",
        InvalidIdentifier => {
            "Bitte geben Sie eine E-Mail-Adresse oder eine 7-stellige Kundennummer ein."
        }
        PasswordTooShort => "Das Passwort muss mindestens {min} Zeichen lang sein.",
        PasswordTooLong => "Das Passwort darf höchstens {max} Zeichen lang sein.",
        PasswordTooWeak => {
            "Dieses Passwort ist zu leicht zu erraten. Versuchen Sie es mit einer längeren Folge von Wörtern, die nichts miteinander zu tun haben."
        }
        PasswordCommon => "Dieses Passwort ist zu weit verbreitet. Bitte wählen Sie ein anderes.",
        PasswordPersonal => {
            "Das Passwort darf weder Ihre E-Mail-Adresse, Ihren Namen, Ihren Firmennamen noch Ihre Kundennummer enthalten."
        }
        SkipToContent => "Zum Inhalt springen",
        Working => "Bitte warten …",
        LinkInvalid => "Dieser Link ist nicht mehr gültig.",
        InvitationLinkHint => "Bitten Sie Ihren Administrator um eine neue Einladung.",
        RequestNewLink => "Neuen Link anfordern",
        InvitationSubject => "Ihr Benutzerkonto bei {company}",
        Greeting => "Guten Tag {name},",
        InvitationBody => {
            "{company} hat ein Benutzerkonto für Sie angelegt. Richten Sie es über die folgende Schaltfläche ein."
        }
        InvitationButton => "Zum Benutzerkonto",
        InvitationValidity => {
            "Der Link ist {days} Tage gültig und kann nur einmal verwendet werden."
        }
        InvitationIgnore => {
            "Falls Sie diese E-Mail nicht erwartet haben, können Sie sie ignorieren."
        }
        CodeInvalid => "Der Code ist nicht korrekt.",
        CodeExpired => "Der Code ist abgelaufen. Fordern Sie bitte einen neuen Code an.",
        CodeAttemptsExhausted => "Zu viele falsche Codes. Bitte beginnen Sie von vorn.",
        CodeLocked => "Zu viele falsche Codes. Bitte versuchen Sie es in {minutes} Minuten erneut.",
        CodeLockedMinute => {
            "Zu viele falsche Codes. Bitte versuchen Sie es in einer Minute erneut."
        }
        CodeLockMailSubject => "Jemand hat Ihr Pforte-Passwort eingegeben",
        CodeLockMailBody => {
            "Jemand hat das richtige Passwort für Ihr Benutzerkonto eingegeben, aber nicht den Code, den wir per E-Mail gesendet haben: {browser}, IP-Adresse {ip}, am {time}."
        }
        CodeLockMailPause => {
            "Nach zu vielen falschen Codes wird {minutes} Minuten lang kein neuer Code gesendet."
        }
        CodeLockMailAction => "Passwort ändern",
        CodeLockMailAdvice => {
            "Falls Sie das nicht waren, kennt jemand anderes Ihr Passwort: Ändern Sie es jetzt. Der E-Mail-Code hat die Anmeldung verhindert."
        }
        CodeFormat => "Bitte geben Sie den 6-stelligen Code aus der E-Mail ein.",
        CodeSubject => "Ihr Pforte-Bestätigungscode",
        CodeBody => "Ihr Bestätigungscode lautet {code}.",
        CodeValidity => "Er ist {minutes} Minuten gültig.",
        StepOutOfOrder => {
            "Dieser Schritt ist gerade nicht verfügbar. Fahren Sie mit dem aktuellen Schritt fort."
        }
        InvitedEmailMismatch => {
            "Dies ist nicht die E-Mail-Adresse, an die die Einladung gesendet wurde."
        }
        PasswordsDiffer => "Die beiden Passwörter stimmen nicht überein.",
        WelcomeTitle => "Benutzerkonto einrichten",
        StepEmail => "E-Mail eingeben",
        StepPassword => "Passwort erstellen",
        StepCode => "E-Mail-Code eingeben",
        StepTrust => "Gerät vertrauen",
        StepsLabel => "Schritte",
        EmailLabel => "E-Mail",
        SignInWithEmail => "Mit E-Mail anmelden",
        PasswordRepeatLabel => "Passwort wiederholen",
        CreatePasswordButton => "Passwort erstellen",
        PasswordHint => {
            "Mindestens {min} Zeichen. Einige Wörter, die nichts miteinander zu tun haben, sind leicht zu merken und schwer zu erraten."
        }
        CodeLabel => "Code",
        ConfirmButton => "Bestätigen",
        SendNewCode => "Neuen Code senden",
        CodeSent => "Wir haben einen 6-stelligen Code an Ihre E-Mail-Adresse gesendet.",
        ResendIn => "Sie können in {seconds} Sekunden einen neuen Code anfordern.",
        ResendAnnounce => "Ein neuer Code kann in {seconds} Sekunden angefordert werden.",
        ResendNow => "Sie können jetzt einen neuen Code anfordern.",
        LoginLinksLabel => "Hilfe bei der Anmeldung",
        TrustQuestion => "Vertrauen Sie diesem Browser und Gerät?",
        TrustHint => {
            "Wenn Sie „Ja“ wählen, benötigen Sie hier beim nächsten Mal keinen E-Mail-Code. Wählen Sie „Ja“ nur, wenn niemand sonst dieses Gerät verwendet."
        }
        Yes => "Ja",
        No => "Nein",
        CreateUserTitle => "Benutzer anlegen",
        NameLabel => "Name",
        GoogleAddressLabel => "Google-Adresse",
        RoleLabel => "Rolle",
        RoleUser => "Benutzer",
        RoleAdmin => "Administrator",
        CreateUserButton => "Benutzer anlegen und Einladung senden",
        ResendInvitation => "Einladung erneut senden",
        StatusInvited => "Eingeladen",
        StatusInvitationBlocked => "Einladung nach falschen Codes gesperrt",
        StatusActive => "Aktiv",
        StatusDisabled => "Deaktiviert",
        ColumnActions => "Aktionen",
        ColumnStatus => "Status",
        InvitationSentTo => "Einladung an {email} gesendet.",
        EmailTaken => "Es gibt bereits einen Benutzer mit dieser E-Mail-Adresse.",
        PasswordLengthSoFar => "{count} von mindestens {min} Zeichen.",
        PasswordLongEnough => {
            "Lang genug. Beim Speichern prüft Pforte außerdem, ob das Passwort zu verbreitet ist oder Ihre persönlichen Daten enthält."
        }
        SetupTitle => "Pforte einrichten",
        SetupIntro => {
            "Legen Sie Ihr Firmenkonto an. Sie werden Inhaber und erster Administrator des Kontos."
        }
        CompanyLabel => "Firmenname",
        OwnerNameLabel => "Ihr Name",
        OwnerEmailLabel => "Ihre E-Mail-Adresse",
        CreateAccountButton => "Konto anlegen",
        SetupDone => {
            "Ihr Konto ist eingerichtet (Kundennummer {number}). Wir haben eine Einladung an {email} gesendet: Öffnen Sie sie, um Ihr Passwort festzulegen."
        }
        LoginCodeTitle => "Anmeldung bestätigen",
        SignInEnded => "Dieser Anmeldevorgang ist abgelaufen. Bitte melden Sie sich erneut an.",
        Security => "Sicherheit",
        TrustedDevicesTitle => "Vertrauenswürdige Geräte",
        NoTrustedDevices => {
            "Keine vertrauenswürdigen Geräte. Jede Anmeldung in einem neuen Browser wird mit einem E-Mail-Code bestätigt."
        }
        ColumnBrowser => "Browser",
        ColumnTrustedSince => "Vertraut seit",
        ColumnLastUsed => "Zuletzt verwendet",
        ColumnExpires => "Gültig bis",
        ThisDevice => "Dieses Gerät",
        Remove => "Entfernen",
        RemoveAll => "Alle entfernen",
        ActivityTitle => "Letzte Sicherheitsaktivitäten",
        NoActivity => "Noch keine Aktivitäten.",
        ColumnTime => "Zeitpunkt",
        ColumnEvent => "Ereignis",
        ColumnIp => "IP-Adresse",
        ActivitySignedIn => "Anmeldung",
        ActivitySignInFailed => "Fehlgeschlagener Anmeldeversuch",
        ActivityCodeFailed => "Falscher E-Mail-Code",
        ActivityDeviceTrusted => "Gerät als vertrauenswürdig eingestuft",
        ActivityDeviceRemoved => "Gerät entfernt",
        UnknownBrowser => "Unbekannter Browser",
        BrowserOn => "{browser} unter {os}",
        DeviceMailSubject => "Neues vertrauenswürdiges Gerät für Ihr Pforte-Konto",
        DeviceMailBody => {
            "Am {time} wurde ein neues Gerät für Ihr Benutzerkonto als vertrauenswürdig eingestuft: {browser}. Bei Anmeldungen mit diesem Browser ist kein E-Mail-Code mehr erforderlich."
        }
        DeviceMailAction => "Geräte überprüfen",
        RemoveDeviceLabel => "{name} entfernen",
        ChangePasswordTitle => "Passwort ändern",
        CurrentPasswordLabel => "Aktuelles Passwort",
        NewPasswordLabel => "Neues Passwort",
        RepeatNewPasswordLabel => "Neues Passwort wiederholen",
        ChangePasswordButton => "Passwort ändern",
        PasswordChanged => {
            "Ihr Passwort wurde geändert. Vertrauenswürdige Geräte wurden entfernt und Ihre anderen Sitzungen beendet."
        }
        CurrentPasswordWrong => "Das aktuelle Passwort ist nicht korrekt.",
        PasswordChangedSubject => "Ihr Pforte-Passwort wurde geändert",
        PasswordChangedBody => {
            "Das Passwort Ihres Benutzerkontos wurde am {time} geändert. Alle vertrauenswürdigen Geräte wurden entfernt und Ihre anderen Sitzungen beendet."
        }
        ReviewSecurity => "Kontosicherheit überprüfen",
        ActivityPasswordChanged => "Passwort geändert",
        ActivityAppCodeFailed => "Falscher Authentifizierungs- oder Wiederherstellungscode",
        ActivityTwoFactorOn => "Zwei-Faktor-Authentifizierung aktiviert",
        ActivityTwoFactorOff => "Zwei-Faktor-Authentifizierung deaktiviert",
        Deactivate => "Deaktivieren",
        Reactivate => "Reaktivieren",
        CannotChangeOwnStatus => "Sie können weder sich selbst noch den Kontoinhaber deaktivieren.",
        DeactivateLabel => "{name} deaktivieren",
        ReactivateLabel => "{name} reaktivieren",
        Unlock => "Entsperren",
        UnlockLabel => "{name} entsperren",
        StatusLocked => "nach zu vielen fehlgeschlagenen Anmeldeversuchen gesperrt",
        PasswordStrengthWeak => {
            "Lang genug, aber leicht zu erraten: Das Passwort enthält Wiederholungen oder fortlaufende Zeichenfolgen. Versuchen Sie es mit einigen Wörtern, die nichts miteinander zu tun haben."
        }
        PasswordStrengthFair => {
            "Lang genug. Ein weiteres Wort ohne Bezug zu den übrigen würde das Passwort deutlich sicherer machen."
        }
        ActiveSessionsTitle => "Aktive Sitzungen",
        SignOut => "Sitzung beenden",
        SignOutEverywhereElse => "Überall sonst abmelden",
        ThisSession => "Diese Sitzung",
        ColumnSignedIn => "Angemeldet seit",
        ColumnLastActive => "Zuletzt aktiv",
        SignOutSessionLabel => "Sitzung beenden: {name}",
        ForgotPasswordTitle => "Passwort vergessen",
        ForgotPasswordIntro => {
            "Geben Sie die E-Mail-Adresse oder Kundennummer ein, mit der Sie sich anmelden. Wir senden Ihnen einen Link, über den Sie ein neues Passwort festlegen können."
        }
        SendResetLink => "Link zum Zurücksetzen senden",
        ResetRequested => {
            "Falls ein Konto zu dieser Adresse existiert, haben wir Ihnen eine E-Mail mit weiteren Anweisungen gesendet."
        }
        ResetMailSubject => "Pforte-Passwort zurücksetzen",
        ResetMailBody => {
            "Wir haben eine Anfrage erhalten, das Passwort Ihres Pforte-Kontos zurückzusetzen. Über die folgende Schaltfläche können Sie ein neues Passwort festlegen."
        }
        ResetMailButton => "Neues Passwort festlegen",
        ResetMailValidity => {
            "Der Link ist {minutes} Minuten gültig und kann nur einmal verwendet werden. Eine neuere Anfrage ersetzt ihn."
        }
        ResetMailIgnore => {
            "Falls Sie das nicht angefordert haben, können Sie diese E-Mail ignorieren. Ihr Passwort bleibt unverändert."
        }
        ResetPasswordTitle => "Neues Passwort festlegen",
        SavePasswordButton => "Passwort speichern",
        PasswordResetDone => {
            "Ihr neues Passwort ist gespeichert. Alle Ihre Sitzungen wurden beendet und vertrauenswürdige Geräte entfernt. Melden Sie sich bitte mit dem neuen Passwort an."
        }
        GoToLogin => "Zur Anmeldung",
        PasswordResetMailBody => {
            "Das Passwort Ihres Benutzerkontos wurde am {time} über einen Link zum Zurücksetzen geändert. Alle vertrauenswürdigen Geräte wurden entfernt und alle Sitzungen beendet."
        }
        SendPasswordReset => "Link zum Zurücksetzen senden",
        SendPasswordResetLabel => "Link zum Zurücksetzen senden an {name}",
        ResetSentTo => "Link zum Zurücksetzen des Passworts an {email} gesendet.",
        CodeForSignIn => "Er dient zur Anmeldung in einem neuen Browser: {browser}, am {time}.",
        CodeForOnboarding => "Er dient zur Einrichtung Ihres Benutzerkontos.",
        TwoFactorOnSubject => "Zwei-Faktor-Authentifizierung für Ihr Pforte-Konto aktiviert",
        TwoFactorOnBody => {
            "Die Zwei-Faktor-Authentifizierung wurde am {time} für Ihr Benutzerkonto aktiviert. Bei jeder Anmeldung wird jetzt der Code aus Ihrer Authenticator-App abgefragt."
        }
        TwoFactorOffSubject => "Zwei-Faktor-Authentifizierung für Ihr Pforte-Konto deaktiviert",
        TwoFactorOffBody => {
            "Die Zwei-Faktor-Authentifizierung wurde am {time} für Ihr Benutzerkonto deaktiviert. Bei Anmeldungen in neuen Browsern wird wieder ein E-Mail-Code abgefragt."
        }
        RecoveryCodesNewSubject => "Neue Wiederherstellungscodes für Ihr Pforte-Konto",
        RecoveryCodesNewBody => {
            "Am {time} wurden neue Wiederherstellungscodes für Ihr Benutzerkonto erstellt. Die bisherigen Codes sind nicht mehr gültig."
        }
        RecoveryCodeUsedSubject => {
            "Ein Wiederherstellungscode für Ihr Pforte-Konto wurde verwendet"
        }
        RecoveryCodeUsedBody => {
            "Am {time} wurde für die Anmeldung bei Ihrem Benutzerkonto ein Wiederherstellungscode verwendet."
        }
        RecoveryCodesLeft => "Verbleibende Wiederherstellungscodes: {count}.",
        TwoFactorResetSubject => "Zwei-Faktor-Authentifizierung für Ihr Pforte-Konto zurückgesetzt",
        TwoFactorResetBody => {
            "Ihr Administrator hat am {time} die Zwei-Faktor-Authentifizierung für Ihr Benutzerkonto deaktiviert. Bei Anmeldungen in neuen Browsern wird wieder ein E-Mail-Code abgefragt. Auf der Seite „Sicherheit“ können Sie Ihre Authenticator-App neu einrichten."
        }
        LoginTotpTitle => "Authentifizierungscode eingeben",
        TotpIntro => {
            "Öffnen Sie Ihre Authenticator-App und geben Sie den 6-stelligen Code ein, den sie für Pforte anzeigt."
        }
        AuthenticationCodeLabel => "Authentifizierungscode",
        UseRecoveryCode => "Wiederherstellungscode verwenden",
        UseAuthenticatorApp => "Authenticator-App verwenden",
        RecoveryIntro => {
            "Geben Sie einen der Wiederherstellungscodes ein, die Sie bei der Einrichtung der Zwei-Faktor-Authentifizierung gespeichert haben. Jeder Code kann nur einmal verwendet werden."
        }
        RecoveryCodeLabel => "Wiederherstellungscode",
        TwoFactorTitle => "Zwei-Faktor-Authentifizierung",
        TwoFactorOffIntro => {
            "Mit der Zwei-Faktor-Authentifizierung wird bei jeder Anmeldung nach dem Passwort statt des E-Mail-Codes ein Code aus einer Authenticator-App auf Ihrem Smartphone abgefragt."
        }
        SetUpTwoFactor => "Zwei-Faktor-Authentifizierung einrichten",
        ScanQrCode => {
            "Scannen Sie den QR-Code mit Ihrer Authenticator-App oder geben Sie den Schlüssel manuell ein. Geben Sie anschließend den 6-stelligen Code ein, den die App anzeigt."
        }
        QrCodeAlt => "QR-Code für Ihre Authenticator-App",
        KeyLabel => "Schlüssel",
        ActivateButton => "Aktivieren",
        RecoveryCodesTitle => "Wiederherstellungscodes",
        RecoveryCodesIntro => {
            "Bewahren Sie diese Codes an einem sicheren Ort auf. Mit jedem Code können Sie sich einmal anmelden, wenn Sie Ihr Smartphone nicht zur Hand haben. Die Codes werden nur dieses eine Mal angezeigt."
        }
        CopyButton => "Kopieren",
        Copied => "Kopiert.",
        DownloadButton => "Herunterladen",
        SavedThem => "Ich habe die Codes gespeichert",
        TwoFactorOnSince => {
            "Die Zwei-Faktor-Authentifizierung ist seit {time} aktiviert. Verbleibende Wiederherstellungscodes: {count}."
        }
        TwoFactorConfirmHint => {
            "Für beide Aktionen benötigen Sie Ihr Passwort und einen aktuellen Code aus Ihrer Authenticator-App."
        }
        RegenerateRecoveryCodes => "Neue Wiederherstellungscodes erstellen",
        TurnOffTwoFactor => "Zwei-Faktor-Authentifizierung deaktivieren",
        ResetTwoFactor => "Zwei-Faktor-Authentifizierung zurücksetzen",
        ResetTwoFactorLabel => "Zwei-Faktor-Authentifizierung zurücksetzen für {name}",
        TwoFactorResetFor => "Die Zwei-Faktor-Authentifizierung für {email} wurde zurückgesetzt.",
        StatusTwoFactor => "Zwei-Faktor-Authentifizierung aktiviert",
        CannotResetTwoFactor => {
            "Sie können die Zwei-Faktor-Authentifizierung weder für sich selbst noch für den Kontoinhaber zurücksetzen. Verwenden Sie dafür die Seite „Sicherheit“."
        }
        TwoFactorAlreadyOn => "Die Zwei-Faktor-Authentifizierung ist bereits aktiviert.",
        TwoFactorAlreadyOff => "Die Zwei-Faktor-Authentifizierung ist nicht aktiviert.",
        AppCodeLockMailBody => {
            "Jemand hat das richtige Passwort für Ihr Benutzerkonto eingegeben, aber nicht den Code aus Ihrer Authenticator-App: {browser}, IP-Adresse {ip}, am {time}."
        }
        TwoFactorNotYou => {
            "Falls Sie das nicht waren, ändern Sie sofort Ihr Passwort und informieren Sie Ihren Administrator."
        }
        TwoFactorSetupExpired => {
            "Die Einrichtung ist abgelaufen. Beginnen Sie erneut mit „Zwei-Faktor-Authentifizierung einrichten“."
        }
        NotMeLead => "Falls Sie das nicht waren:",
        NotMeLink => "Das war ich nicht",
        NotMeValidity => {
            "Über „Das war ich nicht“ werden alle Sitzungen beendet und vertrauenswürdige Geräte entfernt, und Sie erhalten einen Link, über den Sie ein neues Passwort festlegen können. Der Link kann innerhalb von {days} Tagen einmal verwendet werden."
        }
        NotMeTitle => "Das war ich nicht",
        NotMeIntro => {
            "Falls Sie die in der E-Mail beschriebene Aktion nicht selbst ausgeführt haben, sichern Sie jetzt Ihr Benutzerkonto: Pforte beendet alle Sitzungen, entfernt das betreffende Gerät (nach einer Passwortänderung: alle vertrauenswürdigen Geräte; nach der Verknüpfung eines Google-Kontos: das Google-Konto) und sendet Ihnen eine E-Mail mit einem Link, über den Sie ein neues Passwort festlegen können."
        }
        NotMeButton => "Mein Benutzerkonto sichern",
        NotMeDone => {
            "Ihr Benutzerkonto ist gesichert: Alle Sitzungen wurden beendet und das betreffende Gerät wurde entfernt (nach einer Passwortänderung: alle vertrauenswürdigen Geräte; nach der Verknüpfung eines Google-Kontos: das Google-Konto). Wir haben Ihnen eine E-Mail mit einem Link gesendet, über den Sie ein neues Passwort festlegen können."
        }
        CodeNotRequested => {
            "Falls Sie nicht versucht haben, sich anzumelden, ändern Sie Ihr Passwort: Möglicherweise kennt es jemand anderes."
        }
        SignInWithGoogle => "Mit Google anmelden",
        GoogleRefused => {
            "Die Anmeldung mit Google hat nicht funktioniert. Melden Sie sich mit Ihrer E-Mail-Adresse oder Kundennummer und Ihrem Passwort an oder bitten Sie Ihren Administrator, Ihre Google-Adresse zu prüfen."
        }
        GoogleCancelled => "Die Anmeldung mit Google wurde abgebrochen.",
        GoogleTooMany => {
            "Zu viele Anmeldeversuche aus Ihrem Netzwerk. Bitte versuchen Sie es in einigen Minuten erneut."
        }
        GoogleUnavailable => {
            "Google ist nicht erreichbar. Bitte versuchen Sie es später erneut oder melden Sie sich mit Ihrem Passwort an."
        }
        GoogleLinkedMailSubject => "Google-Konto mit Ihrem Pforte-Konto verknüpft",
        GoogleLinkedMailBody => {
            "Ihr Google-Konto {google} wurde am {time} mit Ihrem Benutzerkonto verknüpft. Ab sofort können Sie sich über „Mit Google anmelden“ anmelden."
        }
        GoogleLinkedMailAction => "Sicherheitseinstellungen überprüfen",
        GoogleTitle => "Google-Konto",
        GoogleLinkedTo => "Seit {time} mit {google} verknüpft.",
        GoogleNotLinked => "Es ist kein Google-Konto verknüpft.",
        GoogleAddressOnFile => {
            "Ihr Administrator hat die Google-Adresse {google} hinterlegt. Sobald Sie sich auf der Anmeldeseite über „Mit Google anmelden“ anmelden, wird dieses Google-Konto verknüpft."
        }
        UnlinkGoogle => "Verknüpfung aufheben",
        GoogleUnlinked => "Die Verknüpfung mit Ihrem Google-Konto wurde aufgehoben.",
        GoogleUnlinkNeedsPassword => {
            "Legen Sie zuerst ein Passwort fest, sonst können Sie sich nicht mehr anmelden. Verwenden Sie dazu „Passwort vergessen?“ auf der Anmeldeseite."
        }
        ActivityGoogleLinked => "Google-Konto verknüpft",
        ActivityGoogleUnlinked => "Verknüpfung mit Google-Konto aufgehoben",
        EditButton => "Bearbeiten",
        EditUserLabel => "{name} bearbeiten",
        SaveButton => "Speichern",
        GoogleAddressSaved => "Die Google-Adresse von {email} wurde gespeichert.",
        CannotEditOwner => {
            "Sie können die Google-Adresse von Benutzern und Ihre eigene ändern. Die Google-Adresse anderer Administratoren kann nur der Kontoinhaber ändern."
        }
        GoogleAddressTaken => {
            "Diese Google-Adresse gehört bereits zu einem anderen Benutzer. Geben Sie die Adresse eines Google-Kontos ein, das diesem Benutzer selbst gehört."
        }
        HelpGoogleTitle => "Anmeldung mit Google",
        HelpGoogleBody => {
            "Wenn Ihr Unternehmen Google nutzt, können Sie sich direkt mit Ihrem Google-Konto anmelden: Klicken Sie auf der Anmeldeseite auf „Mit Google anmelden“. Das funktioniert mit der Google-Adresse, die Ihr Administrator für Ihr Benutzerkonto hinterlegt hat, oder mit einem Google-Konto unter Ihrer Pforte-E-Mail-Adresse. Bei der ersten Anmeldung werden beide Konten automatisch verknüpft. Ist die Zwei-Faktor-Authentifizierung aktiviert, wird der Code aus Ihrer Authenticator-App weiterhin abgefragt."
        }
    }
}
