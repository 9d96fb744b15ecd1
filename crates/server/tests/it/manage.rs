//! Password change and deactivation forget the user's trusted devices and end the user's sessions
//! (a password change goes on in the browser it was made in, under a new token, and keeps that
//! browser trusted); only admins deactivate, never the owner.

use crate::harness::*;
use sqlx::Row;

const NEW_PASSWORD: &str = "glacier pelican hums under lanterns";

async fn devices_of(app: &TestApp, email: &str) -> i64 {
    sqlx::query(
        "SELECT COUNT(*) AS n FROM trusted_devices d JOIN users u ON u.id = d.user_id WHERE u.email = $1",
    )
    .bind(email)
    .fetch_one(&app.auth.store.pool)
    .await
    .expect("count")
    .get("n")
}

async fn password_change_forgets_devices_and_other_sessions(engine: Engine) {
    let app = TestApp::start(engine).await;
    let (other_session, other_device) = app.sign_in_trusting(OWNER_EMAIL, OWNER_PASSWORD).await;
    let (session, device) = app.sign_in_trusting(OWNER_EMAIL, OWNER_PASSWORD).await;
    assert_eq!(devices_of(&app, OWNER_EMAIL).await, 2);

    // Refusals change nothing.
    let res = app
        .change_password(
            &session,
            "not my password at all",
            NEW_PASSWORD,
            NEW_PASSWORD,
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .expect("body")
            .contains("CurrentPasswordWrong")
    );
    app.clock.advance(1);
    let res = app
        .change_password(&session, OWNER_PASSWORD, "too short", "too short")
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("body").contains("PasswordTooShort"));
    let res = app
        .change_password(
            &session,
            OWNER_PASSWORD,
            NEW_PASSWORD,
            "something else entirely",
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("body").contains("PasswordsDiffer"));
    assert_eq!(devices_of(&app, OWNER_EMAIL).await, 2);
    assert_eq!(app.get("/", Some(&other_session)).await.status(), 200);
    let res = app
        .change_password(
            "__Host-pforte_session=nobody",
            OWNER_PASSWORD,
            NEW_PASSWORD,
            NEW_PASSWORD,
        )
        .await;
    assert_eq!(res.status(), 401);

    let this_browser = format!("{session}; {device}");
    let res = app
        .change_password(&this_browser, OWNER_PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
        .await;
    assert_eq!(res.status(), 200);
    let renewed = session_cookie(&res).expect("a new session cookie");
    assert_ne!(renewed, session);
    assert_eq!(
        devices_of(&app, OWNER_EMAIL).await,
        1,
        "all devices forgotten but this browser"
    );
    assert_eq!(
        app.get("/", Some(&session)).await.status(),
        303,
        "the old token of this browser ends too"
    );
    assert_eq!(
        app.get("/", Some(&renewed)).await.status(),
        200,
        "this browser goes on under the new token"
    );
    assert_eq!(
        app.get("/", Some(&other_session)).await.status(),
        303,
        "other sessions end"
    );
    let mail = last_mail(&app).await;
    assert!(
        mail.contains("The password of your account was changed"),
        "{mail}"
    );

    // The old password is gone; the new one works; the other device no longer skips the code,
    // the browser the password was changed in still does.
    let res = app
        .submit_password(OWNER_EMAIL, OWNER_PASSWORD, Some(&other_device))
        .await;
    assert_eq!(res.status(), 401);
    app.clock.advance(1);
    let res = app
        .submit_password(OWNER_EMAIL, NEW_PASSWORD, Some(&other_device))
        .await;
    assert_eq!(header(&res, "location"), "/login/code");
    let res = app
        .submit_password(OWNER_EMAIL, NEW_PASSWORD, Some(&device))
        .await;
    assert_eq!(header(&res, "location"), "/");
    let page = app.page("/account/security", Some(&renewed)).await;
    assert!(
        page.contains("Password changed"),
        "the activity shows the change"
    );
}

async fn set_active(app: &TestApp, cookie: &str, id: i64, active: &str) -> reqwest::Response {
    app.post_form(
        "/api/set_user_active",
        &[("user_id", &id.to_string()), ("active", active)],
        Some(cookie),
    )
    .await
}

async fn deactivation_ends_sessions_and_forgets_devices(engine: Engine) {
    let app = TestApp::start(engine).await;
    let ben = app.add_member().await;
    let (ben_session, ben_device) = app.sign_in_trusting(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;

    // Ben is no admin; Anna cannot deactivate herself (the owner).
    assert_eq!(
        set_active(&app, &ben_session, ben, "no").await.status(),
        403
    );
    let owner_id: i64 = sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(OWNER_EMAIL)
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("row")
        .get("id");
    assert_eq!(set_active(&app, &anna, owner_id, "no").await.status(), 422);
    let page = app.page("/admin/users", Some(&anna)).await;
    assert!(page.contains("Deactivate ben.kurz@example.com"));
    assert!(!page.contains("Deactivate anna.berg@example.com"));

    assert_eq!(set_active(&app, &anna, ben, "no").await.status(), 200);
    assert_eq!(devices_of(&app, MEMBER_EMAIL).await, 0);
    assert_eq!(
        app.get("/", Some(&ben_session)).await.status(),
        303,
        "Ben's session ended"
    );
    let res = app
        .submit_password(MEMBER_EMAIL, MEMBER_PASSWORD, Some(&ben_device))
        .await;
    assert_eq!(res.status(), 401, "a deactivated user cannot sign in");
    let page = app.page("/admin/users", Some(&anna)).await;
    assert!(page.contains("Disabled") && page.contains("Reactivate ben.kurz@example.com"));

    assert_eq!(set_active(&app, &anna, ben, "yes").await.status(), 200);
    app.clock.advance(1);
    let res = app
        .submit_password(MEMBER_EMAIL, MEMBER_PASSWORD, Some(&ben_device))
        .await;
    assert_eq!(
        header(&res, "location"),
        "/login/code",
        "the device was forgotten"
    );
    let kinds: Vec<(String, Option<i64>)> = sqlx::query(
        "SELECT event, actor_id FROM audit_events WHERE event LIKE 'user_%activated' ORDER BY id",
    )
    .fetch_all(&app.auth.store.pool)
    .await
    .expect("audit")
    .iter()
    .map(|r| (r.get("event"), r.get("actor_id")))
    .collect();
    assert_eq!(
        kinds,
        [
            ("user_deactivated".to_owned(), Some(owner_id)),
            ("user_reactivated".to_owned(), Some(owner_id)),
        ],
        "the admin who acted is recorded"
    );
}

crate::dual!(
    password_change_forgets_devices_and_other_sessions,
    deactivation_ends_sessions_and_forgets_devices,
);
