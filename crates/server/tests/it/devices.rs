//! Trusted devices (30 days, stored as a hash, only for their own user, forgotten once removed or
//! expired) and the security activity page.

use crate::harness::*;
use sqlx::Row;

const CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

async fn device_count(app: &TestApp) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM trusted_devices")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("count")
        .get("n")
}

/// "Yes" stores a device (hash only), sets the `__Host-` cookie for 30 days, and mails the user;
/// the next sign-in in that browser needs no code.
async fn trusted_device_skips_the_code(engine: Engine) {
    let app = TestApp::start(engine).await;
    let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    let pending = session_cookie(&res).expect("pending");
    let code = last_code(&app).await;
    let res = app.confirm_code(&pending, &code).await;
    let deciding = session_cookie(&res).expect("deciding");
    let res = app
        .post_form(
            "/api/trust_sign_in_device",
            &[("trust", "yes")],
            Some(&deciding),
        )
        .await;
    assert_eq!(res.status(), 200);
    cookie_with(
        &res,
        "__Host-pforte_device",
        &[
            "Path=/",
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            "Max-Age=2592000",
        ],
    );
    let device = device_cookie(&res).expect("device");
    let token = device
        .split_once('=')
        .map(|(_, v)| v.to_owned())
        .expect("value");
    assert_eq!(token.len(), 43, "256 bits");
    let stored: String = sqlx::query("SELECT token_hash FROM trusted_devices")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("row")
        .get("token_hash");
    assert_ne!(stored, token, "only the hash is stored");
    let mail: (String, String) =
        sqlx::query("SELECT subject, body_text FROM outbox ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.auth.store.pool)
            .await
            .map(|r| (r.get("subject"), r.get("body_text")))
            .expect("mail");
    assert_eq!(mail.0, "New device trusted for your Pforte account");
    assert!(
        mail.1.contains(&format!("{PUBLIC_URL}/account/security")),
        "{}",
        mail.1
    );
    assert!(
        mail.1.contains("2027-01-15 08:00 (UTC)"),
        "the time: {}",
        mail.1
    );
    assert!(
        mail.1.contains("Unknown browser"),
        "the browser: {}",
        mail.1
    );

    let mails_before: i64 = sqlx::query("SELECT COUNT(*) AS n FROM outbox")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("count")
        .get("n");
    app.clock.advance(3600);
    let res = app
        .submit_password(OWNER_EMAIL, OWNER_PASSWORD, Some(&device))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "location"), "/", "no code on a trusted device");
    let session = session_cookie(&res).expect("signed in");
    assert_eq!(app.get("/", Some(&session)).await.status(), 200);
    let mails_after: i64 = sqlx::query("SELECT COUNT(*) AS n FROM outbox")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("count")
        .get("n");
    assert_eq!(mails_before, mails_after, "no code was mailed");
    let last_used: i64 = sqlx::query("SELECT last_used_at FROM trusted_devices")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("row")
        .get("last_used_at");
    assert_eq!(last_used, START + 3600);
}

/// Another user's device cookie does not skip this user's code.
async fn device_of_another_user_does_not_help(engine: Engine) {
    let app = TestApp::start(engine).await;
    app.add_member().await;
    let (_, anna_device) = app.sign_in_trusting(OWNER_EMAIL, OWNER_PASSWORD).await;
    let res = app
        .submit_password(MEMBER_EMAIL, MEMBER_PASSWORD, Some(&anna_device))
        .await;
    assert_eq!(header(&res, "location"), "/login/code");
}

/// Tampered, expired or removed devices: the code is asked again.
async fn tampered_expired_or_removed_device_asks_for_code(engine: Engine) {
    let app = TestApp::start(engine).await;
    let (session, device) = app.sign_in_trusting(OWNER_EMAIL, OWNER_PASSWORD).await;
    let (name, value) = device.split_once('=').expect("pair");
    let mut chars: Vec<char> = value.chars().collect();
    chars[10] = if chars[10] == 'A' { 'B' } else { 'A' };
    let tampered = format!("{name}={}", chars.into_iter().collect::<String>());
    let res = app
        .submit_password(OWNER_EMAIL, OWNER_PASSWORD, Some(&tampered))
        .await;
    assert_eq!(header(&res, "location"), "/login/code", "tampered");

    // Removed on /account/security.
    let id: i64 = sqlx::query("SELECT id FROM trusted_devices")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("row")
        .get("id");
    let res = app
        .post_form(
            "/api/remove_device",
            &[("device_id", &id.to_string())],
            Some(&session),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .submit_password(OWNER_EMAIL, OWNER_PASSWORD, Some(&device))
        .await;
    assert_eq!(header(&res, "location"), "/login/code", "removed");

    // Expired after 30 days.
    let (_, device) = app.sign_in_trusting(OWNER_EMAIL, OWNER_PASSWORD).await;
    app.clock.advance(30 * 24 * 3600 - 1);
    let res = app
        .submit_password(OWNER_EMAIL, OWNER_PASSWORD, Some(&device))
        .await;
    assert_eq!(header(&res, "location"), "/", "still valid before 30 days");
    app.clock.advance(2);
    let res = app
        .submit_password(OWNER_EMAIL, OWNER_PASSWORD, Some(&device))
        .await;
    assert_eq!(header(&res, "location"), "/login/code", "expired");
    app.auth.sweep().await.expect("sweep");
    assert_eq!(
        device_count(&app).await,
        0,
        "the sweeper forgets the expired device"
    );
}

/// `/account/security` lists the user's devices and activity; "Remove" acts only on the user's
/// own devices; "Remove all" forgets them all.
async fn security_page_lists_and_removes(engine: Engine) {
    let app = TestApp::start(engine).await;
    app.add_member().await;
    let (ben_session, _) = app.sign_in_trusting(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    let ben_device: i64 = sqlx::query("SELECT id FROM trusted_devices")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("row")
        .get("id");
    // Anna signs in from a Chrome browser and trusts it, after one failed attempt.
    let chrome_form =
        |path: &'static str, fields: Vec<(&'static str, String)>, cookie: Option<String>| {
            let body: String = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(fields)
                .finish();
            let mut req = app
                .client
                .post(app.url(path))
                .header("origin", PUBLIC_URL)
                .header("user-agent", CHROME)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body);
            if let Some(c) = cookie {
                req = req.header("cookie", c);
            }
            req.send()
        };
    chrome_form(
        "/api/submit_password",
        vec![
            ("identifier", OWNER_EMAIL.into()),
            ("password", "not the password at all".into()),
        ],
        None,
    )
    .await
    .expect("post");
    app.clock.advance(2);
    let res = chrome_form(
        "/api/submit_password",
        vec![
            ("identifier", OWNER_EMAIL.into()),
            ("password", OWNER_PASSWORD.into()),
        ],
        None,
    )
    .await
    .expect("post");
    let pending = session_cookie(&res).expect("pending");
    let code = last_code(&app).await;
    let res = chrome_form(
        "/api/confirm_sign_in_code",
        vec![("code", code)],
        Some(pending),
    )
    .await
    .expect("post");
    let deciding = session_cookie(&res).expect("deciding");
    let res = chrome_form(
        "/api/trust_sign_in_device",
        vec![("trust", "yes".into())],
        Some(deciding),
    )
    .await
    .expect("post");
    let session = session_cookie(&res).expect("session");
    let device = device_cookie(&res).expect("device");
    let both = format!("{session}; {device}");

    let page = app.get("/account/security", Some(&both)).await;
    assert_eq!(page.status(), 200);
    let body = page.text().await.expect("page");
    for text in [
        "Trusted devices",
        "Chrome 131 on Linux",
        "This device",
        "Remove all",
        "Recent security activity",
        "Signed in",
        "Failed sign-in attempt",
        "Device trusted",
        "127.0.0.1",
    ] {
        assert!(body.contains(text), "{text} missing on /account/security");
    }
    assert_eq!(
        app.get("/account/security", None).await.status(),
        303,
        "visitors are sent to the login"
    );

    // Anna cannot remove Ben's device.
    let res = app
        .post_form(
            "/api/remove_device",
            &[("device_id", &ben_device.to_string())],
            Some(&session),
        )
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(device_count(&app).await, 2);
    let res = app
        .post_form("/api/remove_all_devices", &[], Some(&session))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(device_count(&app).await, 1, "only Anna's devices are gone");
    let body = app.page("/account/security", Some(&both)).await;
    assert!(body.contains("No trusted devices."));
    assert!(body.contains("Device removed"));
    // Ben's device still works for Ben.
    let ben_page = app.get("/account/security", Some(&ben_session)).await;
    assert!(ben_page.text().await.expect("page").contains("Remove all"));
    // Not signed in: refused.
    let res = app.post_form("/api/remove_all_devices", &[], None).await;
    assert_eq!(res.status(), 401);
}

crate::dual!(
    trusted_device_skips_the_code,
    device_of_another_user_does_not_help,
    tampered_expired_or_removed_device_asks_for_code,
    security_page_lists_and_removes,
);
