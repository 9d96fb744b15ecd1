//! Wrong email codes count per user across sign-ins: knowing the password does not buy fresh
//! tries. Ten in a row pause the codes for 15 minutes and tell the user by mail.

use crate::harness::*;
use pforte_auth::throttle::{Scope, user_key};
use sqlx::Row;

const LOCKED: &str = "Too many wrong codes. Please try again in 15 minutes.";

async fn mail_count(app: &TestApp) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM outbox")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("count")
        .get("n")
}

/// Ben's password step on a new browser; returns the pending sign-in's cookie.
async fn password(app: &TestApp, cookie: Option<&str>) -> reqwest::Response {
    let res = app
        .submit_password(MEMBER_EMAIL, MEMBER_PASSWORD, cookie)
        .await;
    assert_eq!(res.status(), 200, "the right password is accepted");
    res
}

/// Password, then five wrong codes; returns the status and body of the fifth answer.
async fn round_of_wrong_codes(app: &TestApp) -> (u16, String) {
    let pending = session_cookie(&password(app, None).await).expect("pending");
    let wrong = other_code(&last_code(app).await);
    for _ in 0..4 {
        assert_eq!(app.confirm_code(&pending, &wrong).await.status(), 422);
    }
    let res = app.confirm_code(&pending, &wrong).await;
    (res.status().as_u16(), res.text().await.expect("body"))
}

/// Two rounds of password and five wrong codes; the third right password sends no code, the code
/// page says how long to wait, and one mail tells the user. A trusted browser is not affected.
/// After the pause a right code ends the count; an admin's "Unlock" lifts a pause at once.
async fn wrong_codes_count_across_sign_ins(engine: Engine) {
    let app = TestApp::start(engine).await;
    let ben = app.add_member().await;
    let (_, device) = app.sign_in_trusting(MEMBER_EMAIL, MEMBER_PASSWORD).await;

    let (status, body) = round_of_wrong_codes(&app).await;
    assert_eq!(status, 429);
    assert!(body.contains("CodeAttemptsExhausted"), "{body}");
    let (status, body) = round_of_wrong_codes(&app).await;
    assert_eq!(status, 429);
    assert!(
        body.contains("CodeLocked"),
        "the tenth wrong code starts the pause: {body}"
    );
    let warning = last_mail(&app).await;
    assert!(
        warning.contains("Someone entered the right password"),
        "{warning}"
    );
    assert!(warning.contains("127.0.0.1"), "{warning}");
    assert!(
        warning.contains(&format!("{PUBLIC_URL}/account/security")),
        "{warning}"
    );
    let subject: String = sqlx::query("SELECT subject FROM outbox ORDER BY id DESC LIMIT 1")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("mail")
        .get("subject");
    assert_eq!(subject, "Someone entered your Pforte password");

    let mails = mail_count(&app).await;
    let pending = session_cookie(&password(&app, None).await).expect("pending");
    assert_eq!(
        mail_count(&app).await,
        mails,
        "no code and no second warning"
    );
    assert!(
        app.page("/login/code", Some(&pending))
            .await
            .contains(LOCKED)
    );
    let res = app
        .post_form("/api/resend_sign_in_code", &[], Some(&pending))
        .await;
    assert_eq!(res.status(), 429, "no code on request either");
    let res = app.confirm_code(&pending, "123456").await;
    assert_eq!(res.status(), 429, "no code is checked during the pause");
    assert_eq!(mail_count(&app).await, mails);

    // The trusted browser still signs in with the password alone.
    let res = password(&app, Some(&device)).await;
    assert_eq!(header(&res, "location"), "/");

    // After the pause a code is sent again, and the right one ends the count.
    app.clock.advance(15 * 60 + 1);
    let pending = session_cookie(&password(&app, None).await).expect("pending");
    assert_eq!(mail_count(&app).await, mails + 1, "a code again");
    app.finish_with_code(&pending, false).await;
    let count = app
        .auth
        .failures(Scope::Code, &user_key(ben))
        .await
        .expect("count");
    assert_eq!(count, 0);

    // Ten wrong codes again; the admin's "Unlock" lifts the pause at once.
    for _ in 0..2 {
        round_of_wrong_codes(&app).await;
    }
    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let res = app
        .post_form(
            "/api/unlock_user",
            &[("user_id", &ben.to_string())],
            Some(&anna),
        )
        .await;
    assert_eq!(res.status(), 200);
    let pending = session_cookie(&password(&app, None).await).expect("pending");
    app.finish_with_code(&pending, false).await;
}

/// Wrong codes count against the IP address like failed sign-ins.
async fn wrong_codes_count_against_the_ip(engine: Engine) {
    let app = TestApp::start_configured(engine, PUBLIC_URL, |s, _| s.ip_sign_in_failures = 3).await;
    let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    let pending = session_cookie(&res).expect("pending");
    let wrong = other_code(&last_code(&app).await);
    for _ in 0..3 {
        assert_eq!(app.confirm_code(&pending, &wrong).await.status(), 422);
    }
    let res = app.confirm_code(&pending, &wrong).await;
    assert_eq!(res.status(), 429);
    assert!(!header(&res, "retry-after").is_empty());
}

crate::dual!(
    wrong_codes_count_across_sign_ins,
    wrong_codes_count_against_the_ip,
);
