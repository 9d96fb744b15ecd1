//! Sessions and cookies: `__Host-` cookies (HttpOnly, Secure, SameSite=Lax) with 256-bit tokens
//! stored only as hashes, a new token at sign-in, an idle limit of an hour and an absolute one of
//! a day, logout ends the session on the server.

use crate::harness::*;
use sqlx::Row;

async fn cookie_attributes(engine: Engine) {
    let app = TestApp::start(engine).await;
    let res = app
        .post_form(
            "/api/submit_password",
            &[("identifier", OWNER_EMAIL), ("password", OWNER_PASSWORD)],
            None,
        )
        .await;
    let cookie = set_cookies(&res).into_iter().next().expect("set-cookie");
    assert!(cookie.starts_with("__Host-pforte_session="), "{cookie}");
    for attr in ["Path=/", "HttpOnly", "SameSite=Lax", "Secure"] {
        assert!(
            cookie.split("; ").any(|a| a == attr),
            "{attr} missing in {cookie}"
        );
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    let token = cookie
        .split(';')
        .next()
        .and_then(|c| c.split_once('='))
        .map(|(_, v)| v.to_owned())
        .expect("value");
    assert_eq!(token.len(), 43, "256 bits, base64url");
    let stored: Vec<String> = sqlx::query("SELECT token_hash FROM sessions")
        .fetch_all(&app.auth.store.pool)
        .await
        .expect("rows")
        .iter()
        .map(|r| r.get("token_hash"))
        .collect();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token, "only the hash is stored");
    assert_eq!(stored[0].len(), 64);
}

async fn http_public_url_uses_plain_cookie(engine: Engine) {
    let app = TestApp::start_with(engine, "http://127.0.0.1:3000").await;
    let res = app
        .client
        .post(app.url("/api/submit_password"))
        .header("origin", "http://127.0.0.1:3000")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "identifier={}&password={}",
            "anna.berg%40example.com", "velvet+ostrich+juggles+quartz+lanterns"
        ))
        .send()
        .await
        .expect("post");
    let cookie = set_cookies(&res).into_iter().next().expect("set-cookie");
    assert!(cookie.starts_with("pforte_session="), "{cookie}");
    assert!(!cookie.contains("Secure"));
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
}

/// A cookie planted before sign-in (or the previous session) is dead afterwards.
async fn rotation_kills_planted_cookie(engine: Engine) {
    let app = TestApp::start(engine).await;
    let first = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let res = app
        .post_form(
            "/api/submit_password",
            &[("identifier", OWNER_EMAIL), ("password", OWNER_PASSWORD)],
            Some(&first),
        )
        .await;
    let pending = session_cookie(&res).expect("new cookie");
    assert_ne!(first, pending);
    let (second, _) = app.finish_with_code(&pending, false).await;
    assert_eq!(
        app.get("/", Some(&first)).await.status(),
        303,
        "old session is dead"
    );
    assert_eq!(app.get("/", Some(&second)).await.status(), 200);
    // An attacker-chosen value is never adopted.
    let planted = format!("__Host-pforte_session={}", "A".repeat(43));
    let res = app
        .post_form(
            "/api/submit_password",
            &[("identifier", OWNER_EMAIL), ("password", OWNER_PASSWORD)],
            Some(&planted),
        )
        .await;
    assert_ne!(session_cookie(&res).expect("cookie"), planted);
    assert_eq!(app.get("/", Some(&planted)).await.status(), 303);
}

async fn logout_ends_session_on_server(engine: Engine) {
    let app = TestApp::start(engine).await;
    let cookie = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let res = app.post_form("/api/log_out", &[], Some(&cookie)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "location"), "/login");
    assert!(
        set_cookies(&res).iter().any(|c| c.contains("Max-Age=0")),
        "cookie cleared"
    );
    // Replaying the old cookie fails.
    let replay = app.get("/", Some(&cookie)).await;
    assert_eq!(replay.status(), 303);
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM sessions")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("count")
        .get("n");
    assert_eq!(n, 0);
}

async fn idle_timeout(engine: Engine) {
    let app = TestApp::start(engine).await;
    let cookie = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    app.clock.advance(59 * 60);
    assert_eq!(
        app.get("/", Some(&cookie)).await.status(),
        200,
        "activity within the hour"
    );
    app.clock.advance(59 * 60);
    assert_eq!(
        app.get("/", Some(&cookie)).await.status(),
        200,
        "activity renews the idle window"
    );
    app.clock.advance(61 * 60);
    assert_eq!(
        app.get("/", Some(&cookie)).await.status(),
        303,
        "idle for more than an hour"
    );
}

async fn absolute_timeout(engine: Engine) {
    let app = TestApp::start(engine).await;
    let cookie = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    for _ in 0..28 {
        app.clock.advance(50 * 60);
        assert_eq!(app.get("/", Some(&cookie)).await.status(), 200);
    }
    // 28 × 50 min = 23 h 20 min; one more step passes 24 h although the session is never idle.
    app.clock.advance(50 * 60);
    let res = app.get("/", Some(&cookie)).await;
    assert_eq!(res.status(), 303, "absolute limit of 24 hours");
}

async fn protected_pages_send_visitors_to_login(engine: Engine) {
    let app = TestApp::start(engine).await;
    let res = app.get("/account/security?tab=devices", None).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        header(&res, "location"),
        "/login?next=%2Faccount%2Fsecurity%3Ftab%3Ddevices"
    );
    let res = app.get("/", Some("__Host-pforte_session=garbage")).await;
    assert_eq!(res.status(), 303);
    assert_eq!(header(&res, "location"), "/login?next=%2F");
}

async fn current_user_is_none_for_visitors(engine: Engine) {
    let app = TestApp::start(engine).await;
    let res = app.post_form("/api/current_user", &[], None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.expect("body"), "null");
    let cookie = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let res = app.post_form("/api/current_user", &[], Some(&cookie)).await;
    let json: serde_json::Value = res.json().await.expect("json");
    assert_eq!(json["email"], OWNER_EMAIL);
    assert_eq!(json["customer_number"], app.customer_number);
}

crate::dual!(
    cookie_attributes,
    http_public_url_uses_plain_cookie,
    rotation_kills_planted_cookie,
    logout_ends_session_on_server,
    idle_timeout,
    absolute_timeout,
    protected_pages_send_visitors_to_login,
    current_user_is_none_for_visitors,
    pending_sign_in_is_signed_out,
    sweep_removes_only_what_is_over,
    active_sessions_can_be_signed_out,
    a_page_looks_its_session_up_once,
);

/// A signed-in page looks its session cookie up once, however many of its parts need the user
/// (on `/`: the page guard and the account's name and number, which come with the session's
/// row; that no other query reads the account is not counted here; on
/// `/account/security`: the page guard, the devices and sessions, two-factor and Google; on
/// `/admin/users` the admin check); a server function called by the browser looks it up itself.
async fn a_page_looks_its_session_up_once(engine: Engine) {
    let app = TestApp::start(engine).await;
    let cookie = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let lookups = || app.auth.metrics.session_lookups.get();
    for (path, shown) in [
        ("/", &[OWNER_EMAIL, COMPANY, &app.customer_number][..]),
        (
            "/account/security",
            &["This session", "Set up two-factor authentication"],
        ),
        ("/admin/users", &[OWNER_EMAIL, "Create user"]),
    ] {
        let before = lookups();
        let res = app.get(path, Some(&cookie)).await;
        assert_eq!(res.status(), 200, "{path}");
        let html = res.text().await.expect("page");
        for text in shown {
            assert!(html.contains(text), "{path} shows {text}: {html}");
        }
        assert_eq!(lookups() - before, 1, "{path}");
    }
    let before = lookups();
    let res = app
        .post_form("/api/security_overview", &[], Some(&cookie))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(lookups() - before, 1, "a server function's own lookup");
}

/// A half-finished sign-in (password ok, second step pending) is signed out for protected pages
/// and server functions.
async fn pending_sign_in_is_signed_out(engine: Engine) {
    let app = TestApp::start(engine).await;
    for stage in [
        pforte_auth::session::Stage::AwaitingEmailCode,
        pforte_auth::session::Stage::AwaitingTotp,
        pforte_auth::session::Stage::AwaitingTrustDecision,
    ] {
        let cookie = app.owner_session(stage).await;
        assert_eq!(app.get("/", Some(&cookie)).await.status(), 303, "{stage:?}");
        let res = app.post_form("/api/current_user", &[], Some(&cookie)).await;
        assert_eq!(res.text().await.expect("body"), "null", "{stage:?}");
    }
}

/// The sweeper deletes what has expired, and nothing else; failure counts of users stay.
async fn sweep_removes_only_what_is_over(engine: Engine) {
    let app = TestApp::start(engine).await;
    let count = |table: &'static str| {
        let pool = app.auth.store.pool.clone();
        async move {
            sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
                .fetch_one(&pool)
                .await
                .expect("count")
                .get::<i64, _>("n")
        }
    };
    let (signed_in, _) = app.sign_in_trusting(OWNER_EMAIL, OWNER_PASSWORD).await;
    app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await; // left pending, with its code
    app.submit_password("nobody@example.com", "not a password", None)
        .await; // an IP window
    app.submit_password(OWNER_EMAIL, "not the password", None)
        .await; // a user failure
    assert_eq!(count("sessions").await, 2);
    assert_eq!(
        count("email_codes").await,
        1,
        "the pending sign-in's code; a used one is gone"
    );

    assert_eq!(
        app.auth.sweep().await.expect("sweep").sessions,
        0,
        "nothing is over yet"
    );
    app.clock.advance(16 * 60);
    assert_eq!(app.get("/", Some(&signed_in)).await.status(), 200);
    let swept = app.auth.sweep().await.expect("sweep");
    assert_eq!(
        swept.sessions, 1,
        "the pending sign-in is over after 15 minutes"
    );
    assert_eq!(swept.ip_windows, 1, "the 15-minute IP window has ended");
    assert_eq!(count("sessions").await, 1);

    app.clock.advance(2 * 3600);
    let swept = app.auth.sweep().await.expect("sweep");
    assert_eq!(swept.sessions, 1, "idle for more than an hour");
    assert_eq!(swept.email_codes, 1, "expired for more than an hour");
    assert_eq!(swept.trusted_devices, 0);
    assert_eq!(swept.unknown_counters, 0, "kept a day");
    app.clock.advance(30 * 24 * 3600);
    let swept = app.auth.sweep().await.expect("sweep");
    assert_eq!(swept.trusted_devices, 1);
    assert_eq!(
        swept.unknown_counters, 1,
        "nobody@example.com's counter, after a day"
    );
    let user_failures: i64 = sqlx::query("SELECT failures FROM throttles WHERE scope = 'user'")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("user throttle")
        .get("failures");
    assert_eq!(
        user_failures, 1,
        "failure counts end with a success, not with time"
    );
}

/// `/account/security` lists the user's signed-in sessions; "Sign out" ends one of them, "Sign out
/// everywhere else" all but this one; another user's session cannot be touched.
async fn active_sessions_can_be_signed_out(engine: Engine) {
    let app = TestApp::start(engine).await;
    app.add_member().await;
    let ben = app.sign_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    let first = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let second = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let third = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let page = app.page("/account/security", Some(&third)).await;
    assert!(page.contains("Active sessions") && page.contains("This session"));
    assert_eq!(
        page.matches("Sign out Unknown browser (127.0.0.1)").count(),
        2,
        "two others"
    );
    assert!(page.contains("Sign out everywhere else"));

    let id_of = |cookie: String| {
        let pool = app.auth.store.pool.clone();
        async move {
            let hash = pforte_auth::secret::TokenHash::of_presented(
                cookie.split_once('=').expect("pair").1,
            )
            .expect("token");
            sqlx::query("SELECT id FROM sessions WHERE token_hash = $1")
                .bind(hash.as_str())
                .fetch_one(&pool)
                .await
                .expect("session row")
                .get::<i64, _>("id")
        }
    };
    let ben_id = id_of(ben.clone()).await;
    let res = app
        .post_form(
            "/api/sign_out_session",
            &[("session_id", &ben_id.to_string())],
            Some(&third),
        )
        .await;
    assert_eq!(res.status(), 400, "not Anna's session");
    assert_eq!(app.get("/", Some(&ben)).await.status(), 200);

    let first_id = id_of(first.clone()).await;
    let res = app
        .post_form(
            "/api/sign_out_session",
            &[("session_id", &first_id.to_string())],
            Some(&third),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.get("/", Some(&first)).await.status(), 303, "signed out");
    assert_eq!(app.get("/", Some(&second)).await.status(), 200);

    let res = app
        .post_form("/api/sign_out_elsewhere", &[], Some(&third))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.get("/", Some(&second)).await.status(), 303);
    assert_eq!(
        app.get("/", Some(&third)).await.status(),
        200,
        "this session stays"
    );
    assert_eq!(
        app.get("/", Some(&ben)).await.status(),
        200,
        "other users are untouched"
    );
}
