//! "Forgot password?": the same answer for everyone, a link that works once for an hour (a newer
//! one replaces it), a cooldown and a daily cap per user, the per-IP limit, and a reset that ends
//! sessions, forgets devices and lifts locks without signing in. Admins send the same link.

use crate::harness::*;
use pforte_auth::Clock;
use pforte_auth::throttle::Scope;
use sqlx::Row;

const NEW_PASSWORD: &str = "harbour finches paint slow umbrellas";
const LINK_PREFIX: &str = "https://pforte.test/reset-password/";

/// Reset requests answered so far: each one records exactly one of these events.
async fn answered(app: &TestApp) -> i64 {
    sqlx::query(
        "SELECT COUNT(*) AS n FROM audit_events \
         WHERE event IN ('password_reset_sent', 'password_reset_requested', 'invitation_requested')",
    )
    .fetch_one(&app.auth.store.pool)
    .await
    .expect("count")
    .get("n")
}

/// "Send reset link", and — unless refused — the wait for its answer, which runs after the
/// response.
async fn request(app: &TestApp, identifier: &str) -> reqwest::Response {
    let before = answered(app).await;
    let res = app
        .post_form(
            "/api/request_password_reset",
            &[("identifier", identifier)],
            None,
        )
        .await;
    if res.status() == 200 {
        for _ in 0..500 {
            if answered(app).await > before {
                return res;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the request for {identifier:?} was never answered");
    }
    res
}

/// Status, location and body of an answer: what the requester learns.
async fn answer(res: reqwest::Response) -> (u16, String, String) {
    let status = res.status().as_u16();
    let location = header(&res, "location");
    (status, location, res.text().await.expect("body"))
}

async fn mails(app: &TestApp) -> Vec<(String, String, String)> {
    sqlx::query("SELECT recipient, subject, body_text FROM outbox ORDER BY id")
        .fetch_all(&app.auth.store.pool)
        .await
        .expect("outbox")
        .iter()
        .map(|r| (r.get("recipient"), r.get("subject"), r.get("body_text")))
        .collect()
}

/// The token of the newest mail's reset link.
async fn last_reset_token(app: &TestApp) -> String {
    token_after(&last_mail(app).await, LINK_PREFIX)
}

async fn reset(app: &TestApp, token: &str, new: &str, repeat: &str) -> reqwest::Response {
    app.post_form(
        "/api/reset_password",
        &[
            ("token", token),
            ("new_password", new),
            ("new_password_repeat", repeat),
        ],
        None,
    )
    .await
}

async fn link_works(app: &TestApp, token: &str) -> bool {
    let page = app.page(&format!("/reset-password/{token}"), None).await;
    let form = page.contains("Save password");
    assert_ne!(
        form,
        page.contains("This link is no longer valid."),
        "either the form or the invalid link: {page}"
    );
    form
}

async fn events(app: &TestApp, event: &str) -> Vec<(String, String, Option<i64>)> {
    sqlx::query("SELECT outcome, detail, actor_id FROM audit_events WHERE event = $1 ORDER BY id")
        .bind(event)
        .fetch_all(&app.auth.store.pool)
        .await
        .expect("audit")
        .iter()
        .map(|r| (r.get("outcome"), r.get("detail"), r.get("actor_id")))
        .collect()
}

async fn disable(app: &TestApp, email: &str) {
    sqlx::query("UPDATE users SET status = 'disabled' WHERE email = $1")
        .bind(email)
        .execute(&app.auth.store.pool)
        .await
        .expect("disable");
}

async fn same_answer_for_everyone(engine: Engine) {
    let app = TestApp::start(engine).await;
    app.add_member().await;
    disable(&app, MEMBER_EMAIL).await;
    let before = mails(&app).await.len();
    let known = answer(request(&app, OWNER_EMAIL).await).await;
    assert_eq!(known.0, 200, "{known:?}");
    assert_eq!(known.1, "/forgot-password?sent");
    for identifier in [
        "nobody@example.com",
        MEMBER_EMAIL,
        "1234567",
        "not an address",
        "",
    ] {
        app.clock.advance(1);
        assert_eq!(
            answer(request(&app, identifier).await).await,
            known,
            "{identifier:?}"
        );
    }
    // Throttled (the cooldown): the same answer again.
    assert_eq!(answer(request(&app, OWNER_EMAIL).await).await, known);
    let sent = mails(&app).await;
    assert_eq!(sent.len(), before + 1, "one mail: to the active user");
    let (to, subject, text) = &sent[before];
    assert_eq!(to, OWNER_EMAIL);
    assert_eq!(subject, "Reset your Pforte password");
    assert!(text.contains(LINK_PREFIX), "{text}");
    assert!(text.contains("valid for 60 minutes"), "{text}");
    let details: Vec<String> = events(&app, "password_reset_requested")
        .await
        .into_iter()
        .map(|(outcome, detail, _)| format!("{outcome}: {detail}"))
        .collect();
    assert_eq!(
        details,
        [
            "failure: unknown identifier",
            "failure: user not active",
            "failure: unknown identifier",
            "failure: unknown identifier",
            "failure: unknown identifier",
            "failure: throttled",
        ]
    );
    // The customer number names the owner, like at sign-in.
    app.clock.advance(60);
    let number = app.customer_number.clone();
    assert_eq!(answer(request(&app, &number).await).await, known);
    assert_eq!(mails(&app).await.len(), before + 2);
    assert_eq!(mails(&app).await[before + 1].0, OWNER_EMAIL);

    // The page shows the answer after the request (as a plain form post leads there).
    let page = app.page("/forgot-password?sent", None).await;
    assert!(
        page.contains(
            "If an account exists for this address, we have sent an email with further instructions."
        ),
        "{page}"
    );
    let page = app.page("/forgot-password", None).await;
    assert!(!page.contains("If an account exists"), "{page}");
    assert!(page.contains("Email or customer number"));
    assert!(page.contains("Send reset link"));
}

async fn cooldown_and_daily_cap(engine: Engine) {
    let app = TestApp::start(engine).await;
    let count = |app: &TestApp| {
        let pool = app.auth.store.pool.clone();
        async move {
            sqlx::query(
                "SELECT COUNT(*) AS n FROM outbox WHERE subject = 'Reset your Pforte password'",
            )
            .fetch_one(&pool)
            .await
            .expect("count")
            .get::<i64, _>("n")
        }
    };
    request(&app, OWNER_EMAIL).await;
    let first = last_reset_token(&app).await;
    app.clock.advance(59);
    request(&app, OWNER_EMAIL).await;
    assert_eq!(count(&app).await, 1, "within the cooldown nothing is sent");
    app.clock.advance(1);
    request(&app, OWNER_EMAIL).await;
    assert_eq!(count(&app).await, 2, "after 60 s a new link");
    let second = last_reset_token(&app).await;
    assert_ne!(first, second);
    assert!(
        !link_works(&app, &first).await,
        "a newer link kills the older"
    );
    assert!(link_works(&app, &second).await);
    for _ in 0..3 {
        app.clock.advance(61);
        request(&app, OWNER_EMAIL).await;
    }
    assert_eq!(count(&app).await, 5);
    app.clock.advance(3600);
    request(&app, OWNER_EMAIL).await;
    assert_eq!(count(&app).await, 5, "at most 5 a day");
    // A day after the first, one more.
    app.clock.advance(24 * 3600 - 3600 - 4 * 61);
    request(&app, OWNER_EMAIL).await;
    assert_eq!(count(&app).await, 5, "the first is not yet a day old");
    app.clock.advance(1);
    request(&app, OWNER_EMAIL).await;
    assert_eq!(count(&app).await, 6);
}

async fn per_ip_limit(engine: Engine) {
    let app = TestApp::start_configured(engine, PUBLIC_URL, |settings, _| {
        settings.ip_mail_requests = 3;
    })
    .await;
    for n in 0..3 {
        let res = request(&app, &format!("nobody{n}@example.com")).await;
        assert_eq!(res.status(), 200);
    }
    let res = request(&app, OWNER_EMAIL).await;
    assert_eq!(res.status(), 429);
    assert_eq!(header(&res, "retry-after"), "900");
    assert!(
        events(&app, "password_reset_sent").await.is_empty(),
        "nothing sent over the limit"
    );
}

async fn link_works_once_for_an_hour(engine: Engine) {
    let app = TestApp::start(engine).await;
    request(&app, OWNER_EMAIL).await;
    let token = last_reset_token(&app).await;
    app.clock.advance(3599);
    assert!(link_works(&app, &token).await, "valid for 3599 s");
    app.clock.advance(1);
    assert!(!link_works(&app, &token).await, "not after an hour");
    let res = reset(&app, &token, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(res.status(), 410);
    assert!(res.text().await.expect("body").contains("LinkInvalid"));

    app.clock.advance(60);
    request(&app, OWNER_EMAIL).await;
    let token = last_reset_token(&app).await;
    // Refused passwords change nothing; the link keeps working.
    let res = reset(&app, &token, "too short", "too short").await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("body").contains("PasswordTooShort"));
    let res = reset(&app, &token, NEW_PASSWORD, "something else entirely here").await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("body").contains("PasswordsDiffer"));
    let res = reset(
        &app,
        &token,
        "anna.berg@example.com 123",
        "anna.berg@example.com 123",
    )
    .await;
    assert_eq!(res.status(), 422);
    assert!(link_works(&app, &token).await);

    let res = reset(&app, &token, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        header(&res, "location"),
        format!("/reset-password/{token}?saved")
    );
    assert!(session_cookie(&res).is_none(), "a reset does not sign in");
    let page = app
        .page(&format!("/reset-password/{token}?saved"), None)
        .await;
    assert!(page.contains("Your new password is saved."), "{page}");
    assert!(page.contains("href=\"/login\""));
    // Used once: the second time the link is invalid, and `?saved` shows no form.
    let res = reset(
        &app,
        &token,
        "another phrase of lovely words",
        "another phrase of lovely words",
    )
    .await;
    assert_eq!(res.status(), 410);
    let page = app.page(&format!("/reset-password/{token}"), None).await;
    assert!(page.contains("This link is no longer valid."));
    assert!(
        page.contains("href=\"/forgot-password\""),
        "a way to a new link"
    );
    assert!(page.contains("Request a new link"));
    assert!(!link_works(&app, "not-a-token").await);
}

async fn reset_ends_sessions_forgets_devices_lifts_locks(engine: Engine) {
    let app = TestApp::start(engine).await;
    let member = app.add_member().await;
    let (session, device) = app.sign_in_trusting(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    let key = member.to_string();
    sqlx::query("INSERT INTO throttles (scope, key, failures, last_failure) VALUES ($1, $2, 100, $3), ($4, $2, 10, $3)")
        .bind(Scope::User.as_str())
        .bind(&key)
        .bind(app.clock.now())
        .bind(Scope::Code.as_str())
        .execute(&app.auth.store.pool)
        .await
        .expect("locks");
    app.clock.advance(1);
    request(&app, MEMBER_EMAIL).await;
    let token = last_reset_token(&app).await;
    let res = reset(&app, &token, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.get("/", Some(&session)).await.status(),
        303,
        "sessions end"
    );
    let devices: i64 = sqlx::query("SELECT COUNT(*) AS n FROM trusted_devices WHERE user_id = $1")
        .bind(member)
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("devices")
        .get("n");
    assert_eq!(devices, 0, "every device forgotten");
    assert_eq!(
        app.auth.failures(Scope::User, &key).await.expect("count"),
        0
    );
    assert_eq!(
        app.auth.failures(Scope::Code, &key).await.expect("count"),
        0
    );
    let (to, subject, text) = mails(&app).await.pop().expect("mail");
    assert_eq!(
        (to.as_str(), subject.as_str()),
        (MEMBER_EMAIL, "Your Pforte password was changed")
    );
    assert!(text.contains("through a password reset link"), "{text}");
    assert_eq!(events(&app, "password_reset").await.len(), 1);

    // The old password is gone; the new one needs the email code (the device was forgotten).
    let res = app
        .submit_password(MEMBER_EMAIL, MEMBER_PASSWORD, None)
        .await;
    assert_eq!(res.status(), 401);
    app.clock.advance(2);
    let res = app
        .submit_password(MEMBER_EMAIL, NEW_PASSWORD, Some(&device))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "location"), "/login/code");
    // The user's security page tells of it.
    let pending = session_cookie(&res).expect("pending");
    let (session, _) = app.finish_with_code(&pending, false).await;
    let page = app.page("/account/security", Some(&session)).await;
    assert!(page.contains("Password changed"), "{page}");
}

async fn invited_user_gets_an_invitation(engine: Engine) {
    let app = TestApp::start(engine).await;
    let invited = app
        .auth
        .create_user(
            &app.customer_number,
            pforte_auth::account::NewUser {
                email: "cleo.sand@example.com".into(),
                display_name: "Cleo Sand".into(),
                role: pforte_shared::types::Role::User,
                google_email: None,
                password: None,
                lang: Default::default(),
            },
            &pforte_auth::RequestMeta::default(),
        )
        .await
        .expect("invite");
    let before = mails(&app).await.len();
    app.clock.advance(60);
    let res = request(&app, "cleo.sand@example.com").await;
    assert_eq!(res.status(), 200);
    let sent = mails(&app).await;
    assert_eq!(sent.len(), before + 1);
    assert!(
        sent[before].2.contains("https://pforte.test/welcome/"),
        "an invitation"
    );
    assert!(!sent[before].2.contains(LINK_PREFIX), "no reset link");
    // Once per minute, like an admin's resend.
    app.clock.advance(30);
    request(&app, "cleo.sand@example.com").await;
    assert_eq!(mails(&app).await.len(), before + 1);
    // Blocked by wrong codes: only an admin sends a new one.
    sqlx::query(
        "INSERT INTO throttles (scope, key, failures, last_failure) VALUES ($1, $2, 10, $3)",
    )
    .bind(Scope::Onboarding.as_str())
    .bind(invited.id.to_string())
    .bind(app.clock.now())
    .execute(&app.auth.store.pool)
    .await
    .expect("block");
    app.clock.advance(60);
    request(&app, "cleo.sand@example.com").await;
    assert_eq!(mails(&app).await.len(), before + 1);
    // A stepper past its first step is not sent back by someone else's request.
    sqlx::query("DELETE FROM throttles WHERE scope = $1")
        .bind(Scope::Onboarding.as_str())
        .execute(&app.auth.store.pool)
        .await
        .expect("unblock");
    sqlx::query("UPDATE invitations SET stage = 'password' WHERE user_id = $1")
        .bind(invited.id)
        .execute(&app.auth.store.pool)
        .await
        .expect("stage");
    app.clock.advance(3600);
    request(&app, "cleo.sand@example.com").await;
    assert_eq!(mails(&app).await.len(), before + 1);
    let details: Vec<String> = events(&app, "password_reset_requested")
        .await
        .into_iter()
        .map(|(_, detail, _)| detail)
        .collect();
    assert_eq!(
        details,
        [
            "invitation throttled",
            "invitation blocked",
            "invitation in use"
        ]
    );
}

async fn admin_sends_password_reset(engine: Engine) {
    let app = TestApp::start(engine).await;
    let member = app.add_member().await;
    let admin = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let send = |cookie: String, user_id: i64| {
        let app = &app;
        async move {
            app.post_form(
                "/api/send_password_reset",
                &[("user_id", &user_id.to_string())],
                Some(&cookie),
            )
            .await
        }
    };
    let res = send(admin.clone(), member).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.expect("body").contains(MEMBER_EMAIL));
    let (to, subject, _) = mails(&app).await.pop().expect("mail");
    assert_eq!(
        (to.as_str(), subject.as_str()),
        (MEMBER_EMAIL, "Reset your Pforte password")
    );
    let owner = app.owner().await;
    assert_eq!(
        events(&app, "password_reset_sent").await,
        [("success".to_owned(), String::new(), Some(owner.id))]
    );
    let page = app.page("/admin/users", Some(&admin)).await;
    assert!(
        page.contains(&format!(
            "aria-label=\"Send password reset to {MEMBER_EMAIL}\""
        )),
        "{page}"
    );
    // The same limits as the form: the admin is told when to try again.
    let res = send(admin.clone(), member).await;
    assert_eq!(res.status(), 429);
    // Only admins, only their own account's active users.
    app.clock.advance(61);
    let user = app.sign_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    assert_eq!(send(user, owner.id).await.status(), 403);
    assert_eq!(send(admin.clone(), 999_999).await.status(), 403);
    // The form's daily cap does not hold the admin back: once a minute still works.
    for _ in 0..5 {
        app.clock.advance(61);
        request(&app, MEMBER_EMAIL).await;
    }
    assert_eq!(events(&app, "password_reset_sent").await.len(), 5);
    app.clock.advance(61);
    request(&app, MEMBER_EMAIL).await;
    assert_eq!(
        events(&app, "password_reset_sent").await.len(),
        5,
        "the form is capped"
    );
    let res = send(admin.clone(), member).await;
    assert_eq!(res.status(), 200);
    assert_eq!(events(&app, "password_reset_sent").await.len(), 6);
    disable(&app, MEMBER_EMAIL).await;
    app.clock.advance(61);
    let res = send(admin.clone(), member).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("body").contains("UserNotActive"));
    assert_eq!(events(&app, "password_reset_sent").await.len(), 6);
}

/// Links die with what they were for: a deactivation (and reactivation) or a saved password ends
/// open links; two parallel uses of one link save once; swept a day after they expired; and a
/// made-up `?saved` claims nothing.
async fn links_end_with_the_password_or_the_user(engine: Engine) {
    let app = TestApp::start(engine).await;
    let member = app.add_member().await;
    let admin = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    request(&app, MEMBER_EMAIL).await;
    let token = last_reset_token(&app).await;
    for active in ["no", "yes"] {
        let res = app
            .post_form(
                "/api/set_user_active",
                &[("user_id", &member.to_string()), ("active", active)],
                Some(&admin),
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    assert!(!link_works(&app, &token).await, "deactivation ends it");

    app.clock.advance(61);
    request(&app, MEMBER_EMAIL).await;
    let token = last_reset_token(&app).await;
    let session = app.sign_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    let res = app
        .change_password(&session, MEMBER_PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
        .await;
    assert_eq!(res.status(), 200);
    assert!(!link_works(&app, &token).await, "a new password ends it");

    app.clock.advance(61);
    request(&app, MEMBER_EMAIL).await;
    let token = last_reset_token(&app).await;
    let other = "yet another phrase of lovely words";
    let (a, b) = tokio::join!(
        reset(&app, &token, other, other),
        reset(&app, &token, other, other)
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 410], "one of two parallel uses saves");
    assert_eq!(events(&app, "password_reset").await.len(), 1);

    let page = app
        .page(
            "/reset-password/unknown-token-of-the-right-shape-0123456789?saved",
            None,
        )
        .await;
    assert!(!page.contains("Your new password is saved."), "{page}");

    let rows = |app: &TestApp| {
        let pool = app.auth.store.pool.clone();
        async move {
            sqlx::query("SELECT COUNT(*) AS n FROM password_resets")
                .fetch_one(&pool)
                .await
                .expect("count")
                .get::<i64, _>("n")
        }
    };
    assert_eq!(rows(&app).await, 1, "the used link stays to tell its page");
    app.clock.advance(3600 + 24 * 3600 - 1);
    app.auth.sweep().await.expect("sweep");
    assert_eq!(rows(&app).await, 1);
    app.clock.advance(1);
    app.auth.sweep().await.expect("sweep");
    assert_eq!(rows(&app).await, 0, "swept a day after it expired");
}

/// A password change checked before a reset committed does not undo the reset: it needs the
/// password it checked, and its session, to be still there.
async fn a_change_checked_before_a_reset_does_not_undo_it(engine: Engine) {
    let app = TestApp::start(engine).await;
    let stale = app.owner().await;
    request(&app, OWNER_EMAIL).await;
    let token = last_reset_token(&app).await;
    assert_eq!(
        reset(&app, &token, NEW_PASSWORD, NEW_PASSWORD)
            .await
            .status(),
        200
    );
    let session = app
        .owner_session(pforte_auth::session::Stage::Complete)
        .await;
    let presented = session.split('=').nth(1).expect("token");
    let other = "yet another phrase of lovely words";
    let refused = app
        .auth
        .change_password(
            &stale,
            presented,
            pforte_auth::secret::Password::new(OWNER_PASSWORD.into()),
            pforte_auth::secret::Password::new(other.into()),
            pforte_auth::secret::Password::new(other.into()),
            None,
            &pforte_auth::RequestMeta::default(),
        )
        .await;
    assert!(
        matches!(refused, Err(pforte_auth::AuthError::NotSignedIn)),
        "{refused:?}"
    );
    app.clock.advance(2);
    let res = app.submit_password(OWNER_EMAIL, NEW_PASSWORD, None).await;
    assert_eq!(
        header(&res, "location"),
        "/login/code",
        "the reset's password stands"
    );
    assert_eq!(
        app.get("/", Some(&session)).await.status(),
        200,
        "refused: nothing ended"
    );
}

crate::dual!(
    links_end_with_the_password_or_the_user,
    a_change_checked_before_a_reset_does_not_undo_it,
    same_answer_for_everyone,
    cooldown_and_daily_cap,
    per_ip_limit,
    link_works_once_for_an_hour,
    reset_ends_sessions_forgets_devices_lifts_locks,
    invited_user_gets_an_invitation,
    admin_sends_password_reset,
);
