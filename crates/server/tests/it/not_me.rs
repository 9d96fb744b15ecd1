//! "This wasn't me" in the "New device trusted" and "Your password was changed" mails: opening the
//! link changes nothing; confirming it (a POST, once, within 7 days) forgets the device (or every
//! device), ends every session and mails a reset link.

use crate::harness::*;
use pforte_shared::types::LinkState;
use sqlx::Row;

const NEW_PASSWORD: &str = "glacier pelican hums under lanterns";

/// The token of the newest "This wasn't me" link in a mail to `to`.
async fn not_me_token(app: &TestApp, to: &str) -> String {
    let text: String = sqlx::query(
        "SELECT body_text FROM outbox WHERE recipient = $1 AND body_text LIKE '%/not-me/%' \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(to)
    .fetch_one(&app.auth.store.pool)
    .await
    .expect("a mail with a This wasn't me link")
    .get("body_text");
    assert!(text.contains("This wasn't me:"), "{text}");
    token_after(&text, "https://pforte.test/not-me/")
}

async fn report(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_form("/api/report_not_me", &[("token", token)], None)
        .await
}

async fn count(app: &TestApp, sql: &str, user: &str) -> i64 {
    sqlx::query(sql)
        .bind(user)
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("count")
        .get("n")
}

async fn devices(app: &TestApp, email: &str) -> i64 {
    count(
        app,
        "SELECT COUNT(*) AS n FROM trusted_devices d JOIN users u ON u.id = d.user_id WHERE u.email = $1",
        email,
    )
    .await
}

async fn reset_mails(app: &TestApp, email: &str) -> i64 {
    count(
        app,
        "SELECT COUNT(*) AS n FROM outbox WHERE recipient = $1 AND subject = 'Reset your Pforte password'",
        email,
    )
    .await
}

async fn not_me_after_a_new_device(engine: Engine) {
    let app = TestApp::start(engine).await;
    app.add_member().await;
    let (mine, my_device) = app.sign_in_trusting(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    app.clock.advance(1);
    let (theirs, their_device) = app.sign_in_trusting(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    let token = not_me_token(&app, MEMBER_EMAIL).await;
    assert_eq!(devices(&app, MEMBER_EMAIL).await, 2);

    // Opening the link changes nothing.
    let page = app.page(&format!("/not-me/{token}"), None).await;
    assert!(page.contains("Secure my account"), "{page}");
    assert_eq!(devices(&app, MEMBER_EMAIL).await, 2);
    assert_eq!(app.get("/", Some(&theirs)).await.status(), 200);
    assert_eq!(reset_mails(&app, MEMBER_EMAIL).await, 0);
    // Only a same-origin POST does.
    let res = app
        .client
        .post(app.url("/api/report_not_me"))
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={token}"))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 403);
    assert_eq!(devices(&app, MEMBER_EMAIL).await, 2);

    let res = report(&app, &token).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "location"), format!("/not-me/{token}?done"));
    assert_eq!(
        devices(&app, MEMBER_EMAIL).await,
        1,
        "the mailed device only"
    );
    assert_eq!(app.get("/", Some(&theirs)).await.status(), 303);
    assert_eq!(
        app.get("/", Some(&mine)).await.status(),
        303,
        "every session"
    );
    assert_eq!(reset_mails(&app, MEMBER_EMAIL).await, 1);
    let detail: String =
        sqlx::query("SELECT detail FROM audit_events WHERE event = 'not_me_reported'")
            .fetch_one(&app.auth.store.pool)
            .await
            .expect("audited")
            .get("detail");
    assert_eq!(
        detail,
        "about device: 1 device(s) forgotten, 2 session(s) ended"
    );
    // The device the mail was about asks for the code again; the other is still trusted.
    app.clock.advance(1);
    let res = app
        .submit_password(MEMBER_EMAIL, MEMBER_PASSWORD, Some(&their_device))
        .await;
    assert_eq!(header(&res, "location"), "/login/code");
    app.clock.advance(1);
    let res = app
        .submit_password(MEMBER_EMAIL, MEMBER_PASSWORD, Some(&my_device))
        .await;
    assert_eq!(header(&res, "location"), "/");

    // Once.
    assert_eq!(report(&app, &token).await.status(), 410);
    assert_eq!(reset_mails(&app, MEMBER_EMAIL).await, 1);
    let page = app.page(&format!("/not-me/{token}?done"), None).await;
    assert!(page.contains("Your account is secured"), "{page}");
    let page = app.page(&format!("/not-me/{token}"), None).await;
    assert!(page.contains("This link is no longer valid."), "{page}");
    // A made-up address cannot claim it.
    let page = app
        .page(
            "/not-me/unknown-token-of-the-right-shape-0123456789?done",
            None,
        )
        .await;
    assert!(!page.contains("Your account is secured"), "{page}");
    assert!(page.contains("This link is no longer valid."), "{page}");
}

async fn not_me_after_a_password_change(engine: Engine) {
    let app = TestApp::start(engine).await;
    let (_, _) = app.sign_in_trusting(OWNER_EMAIL, OWNER_PASSWORD).await;
    app.clock.advance(1);
    let (session, device) = app.sign_in_trusting(OWNER_EMAIL, OWNER_PASSWORD).await;
    let res = app
        .change_password(
            &format!("{session}; {device}"),
            OWNER_PASSWORD,
            NEW_PASSWORD,
            NEW_PASSWORD,
        )
        .await;
    assert_eq!(res.status(), 200);
    let renewed = session_cookie(&res).expect("renewed");
    assert_eq!(
        devices(&app, OWNER_EMAIL).await,
        1,
        "the changing browser stays"
    );
    let token = not_me_token(&app, OWNER_EMAIL).await;
    assert!(
        last_mail(&app).await.contains(&token),
        "in the password mail"
    );
    assert_eq!(report(&app, &token).await.status(), 200);
    assert_eq!(devices(&app, OWNER_EMAIL).await, 0, "every device");
    assert_eq!(app.get("/", Some(&renewed)).await.status(), 303);
    assert_eq!(reset_mails(&app, OWNER_EMAIL).await, 1);
}

async fn not_me_link_lasts_seven_days(engine: Engine) {
    let app = TestApp::start(engine).await;
    let member = app.add_member().await;
    app.sign_in_trusting(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    let token = not_me_token(&app, MEMBER_EMAIL).await;
    app.clock.advance(7 * 24 * 3600 - 1);
    let state = |app: &TestApp, token: String| {
        let auth = app.auth.clone();
        async move { auth.not_me_link_state(&token).await.expect("state") }
    };
    assert_eq!(state(&app, token.clone()).await, LinkState::Usable);
    app.clock.advance(1);
    assert_eq!(state(&app, token.clone()).await, LinkState::Invalid);
    assert_eq!(report(&app, &token).await.status(), 410);
    assert_eq!(
        devices(&app, MEMBER_EMAIL).await,
        1,
        "an expired link changes nothing"
    );

    // A user no longer active: the link does nothing either.
    app.clock.set(START + 10 * 24 * 3600);
    app.sign_in_trusting(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    let token = not_me_token(&app, MEMBER_EMAIL).await;
    sqlx::query("UPDATE users SET status = 'disabled' WHERE id = $1")
        .bind(member)
        .execute(&app.auth.store.pool)
        .await
        .expect("disable");
    assert_eq!(report(&app, &token).await.status(), 410);
    assert_eq!(reset_mails(&app, MEMBER_EMAIL).await, 0);
    assert_eq!(report(&app, "not-a-token").await.status(), 410);
}

crate::dual!(
    not_me_after_a_new_device,
    not_me_after_a_password_change,
    not_me_link_lasts_seven_days,
);
