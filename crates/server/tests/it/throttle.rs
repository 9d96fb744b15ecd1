//! Throttling: per user in the database, growing delays and a hard stop; a trusted device is
//! exempt; per IP a secondary limit with 429 and Retry-After.

use crate::harness::*;
use pforte_auth::throttle::Scope;
use sqlx::Row;

const WRONG: &str = "this is not the right password";

async fn owner_id(app: &TestApp) -> i64 {
    app.owner().await.id
}

async fn user_failures(app: &TestApp) -> i64 {
    app.auth
        .failures(Scope::User, &owner_id(app).await.to_string())
        .await
        .expect("failures")
}

/// Puts `key` at `failures` consecutive failures, the latest at `START`.
async fn set_failures(app: &TestApp, scope: Scope, key: &str, failures: i64) {
    sqlx::query(
        "INSERT INTO throttles (scope, key, failures, last_failure) VALUES ($1, $2, $3, $4)",
    )
    .bind(scope.as_str())
    .bind(key)
    .bind(failures)
    .bind(START)
    .execute(&app.auth.store.pool)
    .await
    .expect("failures");
}

/// Why each failed password step failed, in order (from the audit).
async fn failure_details(app: &TestApp) -> Vec<String> {
    sqlx::query(
        "SELECT detail FROM audit_events WHERE event = 'sign_in_password' AND outcome = 'failure' ORDER BY id",
    )
    .fetch_all(&app.auth.store.pool)
    .await
    .expect("audit")
    .iter()
    .map(|r| r.get("detail"))
    .collect()
}

/// The body of the generic failure, to compare throttled answers with it.
async fn failure(
    app: &TestApp,
    identifier: &str,
    password: &str,
    cookie: Option<&str>,
) -> (u16, String) {
    let res = app.submit_password(identifier, password, cookie).await;
    assert!(session_cookie(&res).is_none(), "no session on failure");
    (res.status().as_u16(), res.text().await.expect("body"))
}

/// After a failure the next attempt waits: even the right password is refused with the generic
/// answer until the delay has passed; a success resets the count.
async fn delay_refuses_even_the_right_password(engine: Engine) {
    let app = TestApp::start(engine).await;
    let wrong = failure(&app, OWNER_EMAIL, WRONG, None).await;
    assert_eq!(wrong.0, 401);
    let throttled = failure(&app, OWNER_EMAIL, OWNER_PASSWORD, None).await;
    assert_eq!(throttled, wrong, "a throttled user gets the same answer");
    assert_eq!(
        user_failures(&app).await,
        1,
        "a throttled attempt is not counted"
    );
    app.clock.advance(1);
    let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    assert_eq!(
        res.status(),
        200,
        "after the delay the right password works"
    );
    assert_eq!(user_failures(&app).await, 0, "success resets");
    assert_eq!(failure_details(&app).await, ["wrong password", "throttled"]);
}

/// Delays grow with consecutive failures: 1 s, then 3 s from the third, 5 s from the ninth.
async fn delays_grow(engine: Engine) {
    let app = TestApp::start(engine).await;
    for n in 1..=9 {
        let (status, _) = failure(&app, OWNER_EMAIL, WRONG, None).await;
        assert_eq!(status, 401);
        assert_eq!(user_failures(&app).await, n, "failure {n} counted");
        let delay = match n {
            1..=2 => 1,
            3..=8 => 3,
            _ => 5,
        };
        app.clock.advance(delay - 1);
        failure(&app, OWNER_EMAIL, WRONG, None).await;
        assert_eq!(
            user_failures(&app).await,
            n,
            "still waiting {delay} s after failure {n}"
        );
        app.clock.advance(1);
    }
}

/// Email (in any spelling) and customer number count for one user.
async fn identifiers_count_for_one_user(engine: Engine) {
    let app = TestApp::start(engine).await;
    failure(&app, " Anna.Berg@EXAMPLE.com", WRONG, None).await;
    app.clock.advance(1);
    failure(&app, &app.customer_number, WRONG, None).await;
    app.clock.advance(1);
    failure(&app, OWNER_EMAIL, WRONG, None).await;
    assert_eq!(user_failures(&app).await, 3);
}

/// At 100 failures the hard stop begins, but does not lock the user out: attempts stay at the
/// slowest rate (one per 10 s), and a right password leads to the email code — even on a trusted
/// device — never straight in. The right code signs in and ends the hard stop.
async fn hard_stop_at_one_hundred(engine: Engine) {
    let app = TestApp::start(engine).await;
    let (_, device) = app.sign_in_trusting(OWNER_EMAIL, OWNER_PASSWORD).await;
    set_failures(&app, Scope::User, &owner_id(&app).await.to_string(), 99).await;
    app.clock.advance(60);
    failure(&app, OWNER_EMAIL, WRONG, None).await;
    assert_eq!(user_failures(&app).await, 100);
    app.clock.advance(9);
    let (status, body) = failure(&app, OWNER_EMAIL, OWNER_PASSWORD, None).await;
    assert_eq!(
        (status, body.contains("InvalidCredentials")),
        (401, true),
        "one per 10 s"
    );
    assert_eq!(
        user_failures(&app).await,
        100,
        "a refused attempt is not counted"
    );

    app.clock.advance(3 * 24 * 3600);
    let res = app
        .submit_password(OWNER_EMAIL, OWNER_PASSWORD, Some(&device))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        header(&res, "location"),
        "/login/code",
        "at the hard stop even a trusted device asks for the code"
    );
    assert!(
        user_failures(&app).await >= 100,
        "the right password alone ends nothing"
    );
    let pending = session_cookie(&res).expect("pending");
    app.finish_with_code(&pending, false).await;
    assert_eq!(
        user_failures(&app).await,
        0,
        "the right code ends the hard stop"
    );
    let res = app
        .submit_password(OWNER_EMAIL, OWNER_PASSWORD, Some(&device))
        .await;
    assert_eq!(
        header(&res, "location"),
        "/",
        "the trusted device skips the code again"
    );
}

/// Guessing with a stolen trusted-device cookie is bounded too: a device at the hard stop is
/// trusted no more (its attempts count for the user, and even the right password asks for the
/// code). And at the user's hard stop "Change password" evaluates no current password, so a
/// stolen session cannot keep guessing it.
async fn hard_stop_covers_devices_and_password_change(engine: Engine) {
    let app = TestApp::start(engine).await;
    let (session, device) = app.sign_in_trusting(OWNER_EMAIL, OWNER_PASSWORD).await;
    let token = device.split_once('=').expect("name=value").1;
    let hash = pforte_auth::secret::TokenHash::of_presented(token).expect("token");
    set_failures(&app, Scope::Device, hash.as_str(), 100).await;
    app.clock.advance(60);
    failure(&app, OWNER_EMAIL, WRONG, Some(&device)).await;
    assert_eq!(user_failures(&app).await, 1, "counted for the user");
    app.clock.advance(60);
    let res = app
        .submit_password(OWNER_EMAIL, OWNER_PASSWORD, Some(&device))
        .await;
    assert_eq!(
        header(&res, "location"),
        "/login/code",
        "the device skips nothing"
    );

    assert_eq!(
        user_failures(&app).await,
        0,
        "the right password cleared the user's count"
    );
    set_failures(&app, Scope::User, &owner_id(&app).await.to_string(), 100).await;
    app.clock.advance(60);
    let new_password = "granite falcon hums under lanterns";
    let res = app
        .change_password(&session, OWNER_PASSWORD, new_password, new_password)
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .expect("body")
            .contains("CurrentPasswordWrong")
    );
    assert_eq!(user_failures(&app).await, 100, "not evaluated, not counted");
    let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    assert_eq!(res.status(), 200, "the password did not change");
}

/// A trusted device has its own counter: guesses there delay that device, not the user.
async fn trusted_device_has_its_own_counter(engine: Engine) {
    let app = TestApp::start(engine).await;
    let (_, device) = app.sign_in_trusting(OWNER_EMAIL, OWNER_PASSWORD).await;
    app.clock.advance(10);
    failure(&app, OWNER_EMAIL, WRONG, Some(&device)).await;
    assert_eq!(user_failures(&app).await, 0);
    let throttled = failure(&app, OWNER_EMAIL, OWNER_PASSWORD, Some(&device)).await;
    assert_eq!(throttled.0, 401, "the device waits after its own failure");
    // Meanwhile an attacker's failures elsewhere do not touch the device.
    failure(&app, OWNER_EMAIL, WRONG, None).await;
    assert_eq!(user_failures(&app).await, 1);
    app.clock.advance(1);
    let res = app
        .submit_password(OWNER_EMAIL, OWNER_PASSWORD, Some(&device))
        .await;
    assert_eq!(header(&res, "location"), "/");
}

/// Parallel wrong passwords pass the delay one at a time: of 20 at once, one is evaluated.
async fn parallel_wrong_passwords_are_evaluated_once(engine: Engine) {
    let app = std::sync::Arc::new(TestApp::start(engine).await);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let app = app.clone();
        tasks.spawn(async move {
            app.submit_password(OWNER_EMAIL, WRONG, None)
                .await
                .status()
                .as_u16()
        });
    }
    while let Some(status) = tasks.join_next().await {
        assert_eq!(status.expect("task"), 401);
    }
    let rows = failure_details(&app).await;
    assert_eq!(rows.len(), 20);
    let evaluated = rows.iter().filter(|d| *d == "wrong password").count();
    assert_eq!(evaluated, 1, "{rows:?}");
    assert_eq!(user_failures(&app).await, 1);
}

/// Per IP: failed sign-ins beyond the limit get 429 with Retry-After until the window ends;
/// successful sign-ins do not count.
async fn per_ip_limit(engine: Engine) {
    let app = TestApp::start_configured(engine, PUBLIC_URL, |s, _| {
        s.ip_sign_in_failures = 5;
        s.ip_window_secs = 600;
    })
    .await;
    for n in 0..4 {
        let (status, _) = failure(&app, &format!("nobody{n}@example.com"), WRONG, None).await;
        assert_eq!(status, 401);
    }
    for _ in 0..3 {
        let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
        assert_eq!(
            res.status(),
            200,
            "right passwords are not held against the IP"
        );
    }
    let (status, _) = failure(&app, "nobody4@example.com", WRONG, None).await;
    assert_eq!(status, 401, "the fifth failure is still answered");
    let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    assert_eq!(res.status(), 429);
    let retry: i64 = header(&res, "retry-after").parse().expect("Retry-After");
    assert!((1..=600).contains(&retry), "{retry}");
    assert!(res.text().await.expect("body").contains("RateLimited"));
    app.clock.advance(601);
    let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    assert_eq!(res.status(), 200, "a new window");
}

/// Per IP: code resends are limited too.
async fn per_ip_limit_on_code_resends(engine: Engine) {
    let app = TestApp::start_configured(engine, PUBLIC_URL, |s, _| s.ip_mail_requests = 2).await;
    let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    let pending = session_cookie(&res).expect("pending");
    for _ in 0..2 {
        app.clock.advance(61);
        let res = app
            .post_form("/api/resend_sign_in_code", &[], Some(&pending))
            .await;
        assert_eq!(res.status(), 200);
    }
    app.clock.advance(61);
    let res = app
        .post_form("/api/resend_sign_in_code", &[], Some(&pending))
        .await;
    assert_eq!(res.status(), 429);
    assert!(!header(&res, "retry-after").is_empty());
}

/// An admin lifts a user's hard stop from `/admin/users`; plain users and admins of another
/// account cannot, and unlocking a user who is not locked changes nothing.
async fn admin_unlocks_the_hard_stop(engine: Engine) {
    use pforte_auth::account::NewUser;
    use pforte_auth::secret::Password;
    use pforte_shared::types::Role;

    let app = TestApp::start(engine).await;
    let ben = app.add_member().await;
    set_failures(&app, Scope::User, &ben.to_string(), 100).await;
    app.clock.advance(24 * 3600);
    let ben_failures = || async {
        app.auth
            .failures(Scope::User, &ben.to_string())
            .await
            .expect("failures")
    };
    let unlock = |cookie: &str| {
        let cookie = cookie.to_owned();
        let app = &app;
        async move {
            app.post_form(
                "/api/unlock_user",
                &[("user_id", &ben.to_string())],
                Some(&cookie),
            )
            .await
        }
    };
    let res = app
        .submit_password(MEMBER_EMAIL, MEMBER_PASSWORD, None)
        .await;
    assert_eq!(
        header(&res, "location"),
        "/login/code",
        "at the hard stop the right password asks for the code"
    );
    assert_eq!(ben_failures().await, 101, "and ends nothing");

    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let page = app.page("/admin/users", Some(&anna)).await;
    assert!(page.contains("locked after too many failed sign-ins"));
    assert_eq!(
        page.matches("Unlock ").count(),
        1,
        "only Ben's row offers Unlock"
    );
    assert!(page.contains(&format!("aria-label=\"Unlock {MEMBER_EMAIL}\"")));

    // A plain user of the account and an admin of another account are refused.
    for (account, email, role) in [
        (
            Some(app.customer_number.as_str()),
            "carla@example.com",
            Role::User,
        ),
        (None, "eve@other.example", Role::Admin),
    ] {
        let user = NewUser {
            email: email.into(),
            display_name: String::new(),
            role,
            google_email: None,
            password: Some(Password::new("silver walrus counts marbles".into())),
            lang: Default::default(),
        };
        let meta = pforte_auth::RequestMeta::default();
        match account {
            Some(number) => drop(
                app.auth
                    .create_user(number, user, &meta)
                    .await
                    .expect("user"),
            ),
            None => drop(
                app.auth
                    .create_account("Other GmbH", None, user, &meta)
                    .await
                    .expect("account"),
            ),
        }
        let cookie = app.sign_in(email, "silver walrus counts marbles").await;
        let res = unlock(&cookie).await;
        assert_eq!(res.status(), 403, "{email}");
        assert_eq!(ben_failures().await, 101, "{email} changed nothing");
    }

    let res = unlock(&anna).await;
    assert_eq!(res.status(), 200);
    assert_eq!(ben_failures().await, 0);
    let res = app
        .submit_password(MEMBER_EMAIL, MEMBER_PASSWORD, None)
        .await;
    assert_eq!(res.status(), 200, "Ben signs in again");
    assert_eq!(header(&res, "location"), "/login/code");

    // Not locked (any more): nothing to unlock, nothing audited twice.
    app.submit_password(MEMBER_EMAIL, WRONG, None).await;
    let res = unlock(&anna).await;
    assert_eq!(res.status(), 200);
    assert_eq!(ben_failures().await, 1, "a single failure is no lock");
    let unlocks: Vec<(i64, Option<i64>)> =
        sqlx::query("SELECT user_id, actor_id FROM audit_events WHERE event = 'user_unlocked'")
            .fetch_all(&app.auth.store.pool)
            .await
            .expect("audit")
            .iter()
            .map(|r| (r.get("user_id"), r.get("actor_id")))
            .collect();
    assert_eq!(unlocks, vec![(ben, Some(owner_id(&app).await))]);
}

/// When every password worker is taken and the queue is full, a sign-in is answered 503 with
/// `Retry-After` and the error that says so; nothing is counted against
/// the user or the address, nothing audited. Once the workers are free, the same sign-in works.
async fn full_hashing_queue_answers_503(engine: Engine) {
    let app = TestApp::start_configured(engine, PUBLIC_URL, |settings, _| {
        settings.hashing_wait_limit = std::time::Duration::ZERO;
    })
    .await;
    let audited = || async {
        sqlx::query("SELECT COUNT(*) AS n FROM audit_events")
            .fetch_one(&app.auth.store.pool)
            .await
            .expect("audit")
            .get::<i64, _>("n")
    };
    let throttled = || async {
        sqlx::query("SELECT scope, key, failures, last_failure FROM throttles ORDER BY scope, key")
            .fetch_all(&app.auth.store.pool)
            .await
            .expect("throttles")
            .iter()
            .map(|r| {
                let row: (String, String, i64, i64) = (
                    r.get("scope"),
                    r.get("key"),
                    r.get("failures"),
                    r.get("last_failure"),
                );
                row
            })
            .collect::<Vec<_>>()
    };
    let (audit_before, throttles_before) = (audited().await, throttled().await);
    // Every worker has a job: with no wait allowed, the next one is refused.
    let taken: Vec<_> = (0..pforte_auth::password::Hasher::default_workers())
        .map(|_| app.auth.hasher.admit().expect("a free worker"))
        .collect();
    let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    assert_eq!(res.status(), 503);
    let retry: u64 = header(&res, "retry-after").parse().expect("Retry-After");
    assert!((1..=60).contains(&retry), "{retry}");
    assert!(session_cookie(&res).is_none());
    let body = res.text().await.expect("body");
    assert!(body.contains("Busy"), "{body}");
    let res = app
        .post_form(
            "/api/change_password",
            &[
                ("current_password", OWNER_PASSWORD),
                ("new_password", "a brand new passphrase for anna"),
                ("new_password_repeat", "a brand new passphrase for anna"),
            ],
            Some(
                &app.owner_session(pforte_auth::session::Stage::Complete)
                    .await,
            ),
        )
        .await;
    assert_eq!(
        res.status(),
        503,
        "asking for the current password waits in the same queue"
    );
    assert_eq!(audited().await, audit_before, "nothing audited");
    assert_eq!(throttled().await, throttles_before, "nothing counted");
    assert_eq!(user_failures(&app).await, 0);
    let metrics = app.auth.metrics_text().await.expect("metrics");
    assert!(
        metrics.contains("pforte_hashing_refused_total 2"),
        "{metrics}"
    );

    drop(taken);
    let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    assert_eq!(res.status(), 200, "the workers are free again");
    assert_eq!(header(&res, "location"), "/login/code");
}

crate::dual!(
    full_hashing_queue_answers_503,
    hard_stop_covers_devices_and_password_change,
    admin_unlocks_the_hard_stop,
    delay_refuses_even_the_right_password,
    delays_grow,
    identifiers_count_for_one_user,
    hard_stop_at_one_hundred,
    trusted_device_has_its_own_counter,
    parallel_wrong_passwords_are_evaluated_once,
    per_ip_limit,
    per_ip_limit_on_code_resends,
);
