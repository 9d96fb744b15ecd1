//! Two-factor authentication: set-up only after a right app code, the app code at every sign-in
//! (a trusted device skips only the email code), each time step once, recovery codes once, turning
//! off and new recovery codes with password and code, an admin's reset, and secrets sealed at rest.

use crate::harness::*;
use pforte_auth::Clock;
use pforte_auth::RequestMeta;
use pforte_auth::secret::Password;
use pforte_auth::secret_box::SecretKey;
use pforte_auth::two_factor::code_for_key;
use sqlx::Row;

/// A signed-in member with two-factor on: (session cookie, the key as shown, recovery codes).
pub(crate) async fn member_with_two_factor(app: &TestApp) -> (String, String, Vec<String>) {
    app.add_member().await;
    let session = app.sign_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    let (key, codes) = enrol(app, &session).await;
    (session, key, codes)
}

/// Sets up two-factor for the signed-in browser `session`; returns the key and recovery codes.
async fn enrol(app: &TestApp, session: &str) -> (String, Vec<String>) {
    let res = app
        .post_form(
            "/api/start_two_factor",
            &[("current_password", MEMBER_PASSWORD)],
            Some(session),
        )
        .await;
    assert_eq!(res.status(), 200);
    let user = member(app).await;
    let view = app
        .auth
        .two_factor_view(&user, token(session))
        .await
        .expect("view");
    let pending = view.pending.expect("a set-up in progress");
    assert_eq!(
        pending.key.split(' ').count(),
        8,
        "32 characters in groups of four"
    );
    let code = code_for_key(&pending.key, app.clock.now());
    let res = app
        .post_form(
            "/api/activate_two_factor",
            &[("authentication_code", &code)],
            Some(session),
        )
        .await;
    assert_eq!(res.status(), 200);
    let view = app
        .auth
        .two_factor_view(&user, token(session))
        .await
        .expect("view");
    assert!(view.enabled_at.is_some());
    (pending.key, view.recovery_codes)
}

/// The token of a `name=value` session cookie.
fn token(cookie: &str) -> &str {
    cookie.split_once('=').map_or("", |(_, t)| t)
}

async fn member(app: &TestApp) -> pforte_auth::account::User {
    app.auth
        .user_by_email(MEMBER_EMAIL)
        .await
        .expect("query")
        .expect("member")
}

/// The password step on a new browser (or with `cookie`); returns the pending session cookie.
async fn password_step(app: &TestApp, cookie: Option<&str>) -> String {
    app.clock.advance(1);
    let res = app
        .submit_password(MEMBER_EMAIL, MEMBER_PASSWORD, cookie)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "location"), "/login/totp");
    session_cookie(&res).expect("pending session")
}

async fn app_code(app: &TestApp, pending: &str, code: &str) -> reqwest::Response {
    app.post_form(
        "/api/confirm_sign_in_app_code",
        &[("authentication_code", code)],
        Some(pending),
    )
    .await
}

async fn subjects(app: &TestApp) -> Vec<String> {
    subjects_to(app, MEMBER_EMAIL).await
}

async fn set_up_only_after_a_right_code(engine: Engine) {
    let app = TestApp::start(engine).await;
    app.add_member().await;
    let session = app.sign_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    let start = |password: &'static str| {
        let (app, session) = (&app, session.clone());
        async move {
            app.post_form(
                "/api/start_two_factor",
                &[("current_password", password)],
                Some(&session),
            )
            .await
        }
    };
    let res = start("not my password at all").await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .expect("body")
            .contains("CurrentPasswordWrong")
    );
    let nothing = app
        .auth
        .two_factor_view(&member(&app).await, token(&session))
        .await
        .expect("view");
    assert_eq!(
        nothing,
        Default::default(),
        "a wrong password starts nothing"
    );
    app.clock.advance(2);
    assert_eq!(start(MEMBER_PASSWORD).await.status(), 200);
    let user = member(&app).await;
    let pending = app
        .auth
        .two_factor_view(&user, token(&session))
        .await
        .expect("view")
        .pending
        .expect("pending");
    // Only this browser sees the key: another session of the same user does not.
    let elsewhere = app.sign_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    let seen = app
        .auth
        .two_factor_view(&user, token(&elsewhere))
        .await
        .expect("view");
    assert!(seen.pending.is_none() && seen.recovery_codes.is_empty());
    // Nor activates it, even with the right code.
    let res = app
        .post_form(
            "/api/activate_two_factor",
            &[(
                "authentication_code",
                &code_for_key(&pending.key, app.clock.now()),
            )],
            Some(&elsewhere),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .expect("body")
            .contains("TwoFactorSetupExpired")
    );
    assert!(!member(&app).await.two_factor);
    assert!(
        pending
            .uri
            .starts_with("otpauth://totp/Pforte:ben.kurz@example.com?secret=")
    );
    assert!(pending.qr_image.starts_with("data:image/svg+xml;base64,"));
    // Wrong codes activate nothing.
    let activate = |code: String| {
        let (app, session) = (&app, session.clone());
        async move {
            app.post_form(
                "/api/activate_two_factor",
                &[("authentication_code", &code)],
                Some(&session),
            )
            .await
        }
    };
    let right = code_for_key(&pending.key, app.clock.now());
    let wrong = other_code(&right);
    let res = activate(wrong).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("body").contains("CodeInvalid"));
    assert!(!member(&app).await.two_factor);
    // The set-up waits 10 minutes for its code.
    app.clock.advance(10 * 60);
    let res = activate(code_for_key(&pending.key, app.clock.now())).await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .expect("body")
            .contains("TwoFactorSetupExpired")
    );
    assert!(!member(&app).await.two_factor);
    // Started again, a right code turns it on, with 10 recovery codes and a mail.
    assert_eq!(start(MEMBER_PASSWORD).await.status(), 200);
    let key = app
        .auth
        .two_factor_view(&user, token(&session))
        .await
        .expect("view")
        .pending
        .expect("pending")
        .key;
    let res = activate(code_for_key(&key, app.clock.now())).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.get("/", Some(&elsewhere)).await.status(),
        303,
        "every other session ends: none got in without the app"
    );
    assert_eq!(app.get("/", Some(&session)).await.status(), 200);
    let view = app
        .auth
        .two_factor_view(&user, token(&session))
        .await
        .expect("view");
    assert!(view.enabled_at.is_some() && view.pending.is_none());
    assert_eq!((view.recovery_codes.len(), view.recovery_left), (10, 10));
    assert!(
        subjects(&app)
            .await
            .contains(&"Two-factor authentication is on for your Pforte account".to_owned())
    );
    // At rest: sealed, never the key.
    let stored: String = sqlx::query("SELECT totp_secret FROM users WHERE email = $1")
        .bind(MEMBER_EMAIL)
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("row")
        .get("totp_secret");
    let compact: String = key.split_whitespace().collect();
    assert!(
        stored.starts_with("v1:") && !stored.contains(&compact),
        "{stored}"
    );
    let hashes: Vec<String> = sqlx::query("SELECT code_hash FROM recovery_codes")
        .fetch_all(&app.auth.store.pool)
        .await
        .expect("codes")
        .iter()
        .map(|r| r.get("code_hash"))
        .collect();
    assert_eq!(hashes.len(), 10);
    for code in &view.recovery_codes {
        assert!(!hashes.iter().any(|h| h.contains(&code.replace('-', ""))));
    }
    // The security activity tells of it.
    let page = app.page("/account/security", Some(&session)).await;
    assert!(
        page.contains("Two-factor authentication turned on"),
        "{page}"
    );
    assert!(
        page.contains("Wrong authentication or recovery code"),
        "{page}"
    );
    // Saved: no longer shown.
    let res = app
        .post_form("/api/hide_recovery_codes", &[], Some(&session))
        .await;
    assert_eq!(res.status(), 200);
    let view = app
        .auth
        .two_factor_view(&user, token(&session))
        .await
        .expect("view");
    assert!(view.recovery_codes.is_empty());
    assert_eq!(view.recovery_left, 10);
}

async fn sign_in_asks_for_the_app_code_once_per_step(engine: Engine) {
    let app = TestApp::start(engine).await;
    app.add_member().await;
    let (_, device) = app.sign_in_trusting(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    let session = app.sign_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    let (key, _) = enrol(&app, &session).await;
    let mails_before = subjects(&app).await.len();

    // A trusted device skips only the email code: the app code is still asked, and no mail goes.
    let pending = password_step(&app, Some(&device)).await;
    assert_eq!(subjects(&app).await.len(), mails_before, "no email code");
    let page = app.page("/login/totp", Some(&pending)).await;
    assert!(
        page.contains("Authentication code") && page.contains("Use a recovery code"),
        "{page}"
    );
    let code = code_for_key(&key, app.clock.now());
    let res = app_code(&app, &pending, &other_code(&code)).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("body").contains("CodeInvalid"));
    // The time step of the set-up's code was used: the same code does not sign in twice.
    let res = app_code(&app, &pending, &code).await;
    assert_eq!(res.status(), 422, "the set-up used this step already");
    app.clock.advance(30);
    let code = code_for_key(&key, app.clock.now());
    let res = app_code(&app, &pending, &code).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "location"), "/");
    let signed_in = session_cookie(&res).expect("signed in");
    assert_eq!(app.get("/", Some(&signed_in)).await.status(), 200);
    // Replay in another sign-in: refused.
    let other = password_step(&app, None).await;
    assert_eq!(app_code(&app, &other, &code).await.status(), 422);

    // Two sign-ins at once with the same new code: exactly one gets in.
    app.clock.advance(30);
    let (a, b) = (
        password_step(&app, None).await,
        password_step(&app, None).await,
    );
    let code = code_for_key(&key, app.clock.now());
    let (ra, rb) = tokio::join!(app_code(&app, &a, &code), app_code(&app, &b, &code));
    let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 422]);
    let audited: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM audit_events WHERE event = 'signed_in' AND detail = 'authenticator app'",
    )
    .fetch_one(&app.auth.store.pool)
    .await
    .expect("audit")
    .get("n");
    assert_eq!(audited, 2);
}

async fn wrong_app_codes_end_the_sign_in_and_pause(engine: Engine) {
    let app = TestApp::start(engine).await;
    let (_, key, _) = member_with_two_factor(&app).await;
    app.clock.advance(30);
    let pending = password_step(&app, None).await;
    let wrong = other_code(&code_for_key(&key, app.clock.now()));
    for _ in 0..4 {
        assert_eq!(app_code(&app, &pending, &wrong).await.status(), 422);
    }
    let res = app_code(&app, &pending, &wrong).await;
    assert_eq!(res.status(), 429);
    assert!(
        res.text()
            .await
            .expect("body")
            .contains("CodeAttemptsExhausted")
    );
    assert_eq!(
        app_code(&app, &pending, &wrong).await.status(),
        401,
        "the sign-in ended"
    );
    // Across sign-ins: the tenth wrong code in a row pauses app codes for 15 minutes.
    let pending = password_step(&app, None).await;
    for _ in 0..4 {
        assert_eq!(app_code(&app, &pending, &wrong).await.status(), 422);
    }
    let pending = password_step(&app, None).await;
    let res = app_code(&app, &pending, &wrong).await;
    assert_eq!(res.status(), 422, "the tenth is still compared");
    let right = code_for_key(&key, app.clock.now());
    let res = app_code(&app, &pending, &right).await;
    assert_eq!(res.status(), 429, "paused: not even the right code");
    assert!(res.text().await.expect("body").contains("CodeLocked"));
    let text = last_mail(&app).await;
    assert!(
        text.contains("not the code from your authenticator app"),
        "the pause is told: {text}"
    );
    // The admin sees the lock and lifts it.
    let admin = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let page = app.page("/admin/users", Some(&admin)).await;
    assert!(page.contains(&format!("Unlock {MEMBER_EMAIL}")), "{page}");
    let id = member(&app).await.id.to_string();
    let res = app
        .post_form("/api/unlock_user", &[("user_id", &id)], Some(&admin))
        .await;
    assert_eq!(res.status(), 200);
    app.clock.advance(30);
    let pending = password_step(&app, None).await;
    let right = code_for_key(&key, app.clock.now());
    assert_eq!(
        app_code(&app, &pending, &right).await.status(),
        200,
        "unlocked"
    );
    // Without the admin, the pause ends by itself after 15 minutes.
    for round in [4, 4, 2] {
        let pending = password_step(&app, None).await;
        for _ in 0..round {
            assert_eq!(app_code(&app, &pending, &wrong).await.status(), 422);
        }
    }
    let pending = password_step(&app, None).await;
    app.clock.advance(30);
    let right = code_for_key(&key, app.clock.now());
    assert_eq!(app_code(&app, &pending, &right).await.status(), 429);
    app.clock.advance(15 * 60);
    let pending = password_step(&app, None).await;
    let right = code_for_key(&key, app.clock.now());
    assert_eq!(app_code(&app, &pending, &right).await.status(), 200);
}

async fn recovery_codes_work_once(engine: Engine) {
    let app = TestApp::start(engine).await;
    let (session, key, codes) = member_with_two_factor(&app).await;
    let recovery = |pending: String, code: String| {
        let app = &app;
        async move {
            app.post_form(
                "/api/confirm_sign_in_recovery_code",
                &[("recovery_code", &code)],
                Some(&pending),
            )
            .await
        }
    };
    let pending = password_step(&app, None).await;
    let typed = codes[0].to_lowercase().replace('-', " ");
    let res = recovery(pending, typed).await;
    assert_eq!(res.status(), 200, "case and grouping do not matter");
    assert_eq!(header(&res, "location"), "/");
    let text = last_mail(&app).await;
    assert!(text.contains("Recovery codes left: 9."), "{text}");
    let pending = password_step(&app, None).await;
    assert_eq!(
        recovery(pending.clone(), codes[0].clone()).await.status(),
        422,
        "used"
    );
    // New codes need the password and a current app code; the old ones stop working.
    let regenerate = |password: &'static str, code: String| {
        let (app, session) = (&app, session.clone());
        async move {
            app.post_form(
                "/api/regenerate_recovery_codes",
                &[
                    ("current_password", password),
                    ("authentication_code", &code),
                ],
                Some(&session),
            )
            .await
        }
    };
    app.clock.advance(30);
    let code = code_for_key(&key, app.clock.now());
    assert_eq!(
        regenerate("wrong password entirely", code.clone())
            .await
            .status(),
        422
    );
    app.clock.advance(2);
    assert_eq!(
        regenerate(MEMBER_PASSWORD, other_code(&code))
            .await
            .status(),
        422
    );
    app.clock.advance(2);
    assert_eq!(regenerate(MEMBER_PASSWORD, code).await.status(), 200);
    let view = app
        .auth
        .two_factor_view(&member(&app).await, token(&session))
        .await
        .expect("view");
    assert_eq!(view.recovery_left, 10);
    assert!(!view.recovery_codes.contains(&codes[1]));
    assert_eq!(
        recovery(pending.clone(), codes[1].clone()).await.status(),
        422,
        "old codes die"
    );
    assert_eq!(
        recovery(pending, view.recovery_codes[0].clone())
            .await
            .status(),
        200
    );
    assert!(
        subjects(&app)
            .await
            .contains(&"New recovery codes for your Pforte account".to_owned())
    );
}

async fn turning_off_needs_password_and_code(engine: Engine) {
    let app = TestApp::start(engine).await;
    let (session, key, _) = member_with_two_factor(&app).await;
    let disable = |password: &'static str, code: String| {
        let (app, session) = (&app, session.clone());
        async move {
            app.post_form(
                "/api/disable_two_factor",
                &[
                    ("current_password", password),
                    ("authentication_code", &code),
                ],
                Some(&session),
            )
            .await
        }
    };
    app.clock.advance(30);
    let code = code_for_key(&key, app.clock.now());
    assert_eq!(
        disable("wrong password entirely", code.clone())
            .await
            .status(),
        422
    );
    app.clock.advance(2);
    assert_eq!(
        disable(MEMBER_PASSWORD, other_code(&code)).await.status(),
        422
    );
    assert!(member(&app).await.two_factor);
    app.clock.advance(2);
    assert_eq!(disable(MEMBER_PASSWORD, code).await.status(), 200);
    assert!(!member(&app).await.two_factor);
    assert!(
        subjects(&app)
            .await
            .contains(&"Two-factor authentication is off for your Pforte account".to_owned())
    );
    app.clock.advance(2);
    let res = app
        .submit_password(MEMBER_EMAIL, MEMBER_PASSWORD, None)
        .await;
    assert_eq!(
        header(&res, "location"),
        "/login/code",
        "the email code again"
    );
}

async fn admin_resets_two_factor(engine: Engine) {
    let app = TestApp::start(engine).await;
    let (_, _, _) = member_with_two_factor(&app).await;
    let member_id = member(&app).await.id;
    // Admins of another account: 403.
    app.add_other_account().await;
    let eve = app.sign_in(OTHER_ADMIN_EMAIL, OTHER_ADMIN_PASSWORD).await;
    let reset = |cookie: String| {
        let app = &app;
        async move {
            app.post_form(
                "/api/reset_two_factor",
                &[("user_id", &member_id.to_string())],
                Some(&cookie),
            )
            .await
        }
    };
    assert_eq!(reset(eve).await.status(), 403);
    assert!(member(&app).await.two_factor);
    let admin = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    // Never for oneself (or the owner): the own page asks for password and code.
    let res = app
        .post_form(
            "/api/reset_two_factor",
            &[("user_id", &app.owner().await.id.to_string())],
            Some(&admin),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .expect("body")
            .contains("CannotResetTwoFactor")
    );
    let page = app.page("/admin/users", Some(&admin)).await;
    assert!(
        page.contains(&format!(
            "Reset two-factor authentication for {MEMBER_EMAIL}"
        )),
        "{page}"
    );
    let res = reset(admin).await;
    assert_eq!(res.status(), 200);
    assert!(!member(&app).await.two_factor);
    let actor: Option<i64> =
        sqlx::query("SELECT actor_id FROM audit_events WHERE event = 'two_factor_reset'")
            .fetch_one(&app.auth.store.pool)
            .await
            .expect("audited")
            .get("actor_id");
    assert_eq!(actor, Some(app.owner().await.id));
    assert!(
        subjects(&app)
            .await
            .contains(&"Two-factor authentication was reset for your Pforte account".to_owned())
    );
    app.clock.advance(2);
    let res = app
        .submit_password(MEMBER_EMAIL, MEMBER_PASSWORD, None)
        .await;
    assert_eq!(header(&res, "location"), "/login/code");
}

/// A secret that does not open (a wrong `PFORTE_SECRET_KEY`) fails closed: no sign-in, a 500
/// without details, never a panic.
async fn a_wrong_key_fails_closed(engine: Engine) {
    let app = TestApp::start(engine).await;
    let (_, key, _) = member_with_two_factor(&app).await;
    let id = member(&app).await.id;
    let foreign = SecretKey::generate().seal(b"12345678901234567890", &format!("totp:{id}"));
    sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2")
        .bind(foreign)
        .bind(id)
        .execute(&app.auth.store.pool)
        .await
        .expect("swap");
    app.clock.advance(30);
    let pending = password_step(&app, None).await;
    let res = app_code(&app, &pending, &code_for_key(&key, app.clock.now())).await;
    assert_eq!(res.status(), 500);
    assert!(session_cookie(&res).is_none(), "no new session");
    let body = res.text().await.expect("body");
    assert!(
        body.contains("Internal") && !body.contains("PFORTE_SECRET_KEY"),
        "{body}"
    );
    // Nothing moved on: the sign-in still waits for its code.
    let page = app.page("/login/totp", Some(&pending)).await;
    assert!(page.contains("Authentication code"), "{page}");
}

/// A password reset does not touch two-factor: the next sign-in still asks for the app's code.
async fn a_reset_never_bypasses_two_factor(engine: Engine) {
    let app = TestApp::start(engine).await;
    let (_, _, _) = member_with_two_factor(&app).await;
    app.post_form(
        "/api/request_password_reset",
        &[("identifier", MEMBER_EMAIL)],
        None,
    )
    .await;
    let mut token = String::new();
    for _ in 0..500 {
        let text = last_mail(&app).await;
        if text.contains("/reset-password/") {
            token = token_after(&text, "/reset-password/");
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let new = "harbour finches paint slow umbrellas";
    let res = app
        .post_form(
            "/api/reset_password",
            &[
                ("token", &token),
                ("new_password", new),
                ("new_password_repeat", new),
            ],
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(member(&app).await.two_factor);
    app.clock.advance(2);
    let res = app.submit_password(MEMBER_EMAIL, new, None).await;
    assert_eq!(header(&res, "location"), "/login/totp");
}

/// `pforte rotate-secret-key` seals the secrets under a new key it prints: the new key opens
/// them (the sign-in with the app's code works), the old one no longer does.
async fn rotating_the_secret_key_reseals_every_secret(engine: Engine) {
    let app = TestApp::start_configured(engine, PUBLIC_URL, |settings, _| {
        settings.secret_key = SecretKey::from_base64(TEST_SECRET_KEY).expect("key");
    })
    .await;
    let (_, key, _) = member_with_two_factor(&app).await;
    let out = pforte(&app.database_url, &["rotate-secret-key"], None);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("sealed 3 secret(s)"),
        "the TOTP secret, the codes on show and the ID token signing key: {stdout}"
    );
    let new_key = stdout
        .split("PFORTE_SECRET_KEY=")
        .nth(1)
        .expect("the new key")
        .trim();
    let with_key = |key: SecretKey| {
        pforte_auth::Auth::new(
            app.auth.store.clone(),
            std::sync::Arc::new(app.clock.clone()),
            pforte_auth::Settings {
                public_url: PUBLIC_URL.into(),
                secret_key: key,
                ..Default::default()
            },
        )
    };
    let meta = RequestMeta::default();
    for (secret_key, opens) in [
        (SecretKey::from_base64(TEST_SECRET_KEY).expect("old"), false),
        (SecretKey::from_base64(new_key).expect("new"), true),
    ] {
        let auth = with_key(secret_key);
        assert_eq!(
            auth.ensure_signing_key().await.is_ok(),
            opens,
            "the signing key opens with the new key only"
        );
        app.clock.advance(31);
        let step = auth
            .submit_password(
                MEMBER_EMAIL,
                Password::new(MEMBER_PASSWORD.into()),
                None,
                None,
                &meta,
            )
            .await
            .expect("password");
        let code = code_for_key(&key, app.clock.now());
        let result = auth
            .confirm_sign_in_app_code(Some(step.token.expose()), &code, false, &meta)
            .await;
        assert_eq!(result.is_ok(), opens, "{result:?}");
    }
    // An instance started with the old key stops at once, naming the variable.
    let out = pforte(&app.database_url, &["migrate"], None);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("PFORTE_SECRET_KEY"), "{stderr}");
}

/// With SQLite and no `PFORTE_SECRET_KEY`, the key file next to the database is used; when it
/// goes missing while two-factor secrets exist, start-up refuses (naming the file) instead of
/// making a new key that opens nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_key_file_is_not_replaced() {
    let key = SecretKey::generate();
    let file_key = key.clone();
    let app = TestApp::start_configured(Engine::Sqlite, PUBLIC_URL, move |settings, _| {
        settings.secret_key = file_key;
    })
    .await;
    let path =
        std::path::Path::new(pforte_auth::store::sqlite_path(&app.database_url).expect("file"))
            .with_file_name("secret.key");
    std::fs::write(&path, key.to_base64().as_bytes()).expect("key file");
    member_with_two_factor(&app).await;
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_pforte"))
            .arg("migrate")
            .env("PFORTE_DATABASE_URL", &*app.database_url)
            .env_remove("PFORTE_SECRET_KEY")
            .output()
            .expect("run")
    };
    assert!(run().status.success(), "the key file opens the secrets");
    std::fs::remove_file(&path).expect("lose the key");
    let out = run();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("secret.key") && stderr.contains("was missing"),
        "{stderr}"
    );
    assert!(!path.exists(), "no new key file that opens nothing");
}

/// A right app code ends the hard stop, like the right email code.
async fn the_app_code_ends_the_hard_stop(engine: Engine) {
    let app = TestApp::start(engine).await;
    let (_, key, _) = member_with_two_factor(&app).await;
    let id = member(&app).await.id.to_string();
    sqlx::query(
        "INSERT INTO throttles (scope, key, failures, last_failure) VALUES ('user', $1, 100, $2)",
    )
    .bind(&id)
    .bind(app.clock.now())
    .execute(&app.auth.store.pool)
    .await
    .expect("hard stop");
    app.clock.advance(30);
    let pending = password_step(&app, None).await;
    let code = code_for_key(&key, app.clock.now());
    assert_eq!(app_code(&app, &pending, &code).await.status(), 200);
    let failures = app
        .auth
        .failures(pforte_auth::throttle::Scope::User, &id)
        .await
        .expect("count");
    assert_eq!(failures, 0);
}

crate::dual!(
    the_app_code_ends_the_hard_stop,
    rotating_the_secret_key_reseals_every_secret,
    a_reset_never_bypasses_two_factor,
    set_up_only_after_a_right_code,
    sign_in_asks_for_the_app_code_once_per_step,
    wrong_app_codes_end_the_sign_in_and_pause,
    recovery_codes_work_once,
    turning_off_needs_password_and_code,
    admin_resets_two_factor,
    a_wrong_key_fails_closed,
);
