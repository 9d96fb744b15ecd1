//! Sign-in with email or customer number and password: one answer for every failure (in content
//! and in time), failures counted per user, `next` only as a local path, no secret in the audit.

use crate::harness::*;
use sqlx::Row;

async fn sign_in_by_email(engine: Engine) {
    let app = TestApp::start(engine).await;
    let res = app
        .post_form(
            "/api/submit_password",
            &[
                ("identifier", "  Anna.Berg@EXAMPLE.com "),
                ("password", OWNER_PASSWORD),
            ],
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        header(&res, "location"),
        "/login/code",
        "a new browser needs a code"
    );
    let pending = session_cookie(&res).expect("session cookie");
    let (cookie, _) = app.finish_with_code(&pending, false).await;
    let home = app.get("/", Some(&cookie)).await;
    assert_eq!(home.status(), 200);
    let body = home.text().await.expect("body");
    assert!(
        body.contains("Signed in as anna.berg@example.com"),
        "{body}"
    );
    assert!(body.contains("Log out"));
    assert!(
        body.contains(">Users<"),
        "the owner is an admin and sees the Users link"
    );
}

async fn sign_in_by_customer_number(engine: Engine) {
    let app = TestApp::start(engine).await;
    let cookie = app
        .sign_in(&format!(" {} ", app.customer_number), OWNER_PASSWORD)
        .await;
    let body = app.page("/", Some(&cookie)).await;
    assert!(body.contains("Signed in as anna.berg@example.com"));
}

async fn plain_user_signs_in_without_users_link(engine: Engine) {
    let app = TestApp::start(engine).await;
    let out = pforte(
        &app.database_url,
        &[
            "create-user",
            "--customer-number",
            &app.customer_number,
            "--email",
            "Ben@Example.com",
            "--password-stdin",
        ],
        Some("mossy trombone eats violet clouds\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cookie = app
        .sign_in("ben@example.com", "mossy trombone eats violet clouds")
        .await;
    let body = app.page("/", Some(&cookie)).await;
    assert!(body.contains("Signed in as ben@example.com"));
    assert!(!body.contains(">Users<"));
}

/// Wrong password, unknown email, unknown customer number, disabled and invited users: one answer.
async fn failures_are_indistinguishable(engine: Engine) {
    let app = TestApp::start(engine).await;
    sqlx::query(
        "INSERT INTO users (account_id, email, display_name, role, status, is_owner, password_hash, created_at, updated_at) \
         SELECT account_id, 'disabled@example.com', 'D', 'user', 'disabled', 0, password_hash, 0, 0 FROM users WHERE email = $1",
    )
    .bind(OWNER_EMAIL)
    .execute(&app.auth.store.pool)
    .await
    .expect("insert disabled user");
    app.auth
        .create_user(
            &app.customer_number,
            pforte_auth::account::NewUser {
                email: "invited@example.com".into(),
                display_name: String::new(),
                role: pforte_shared::types::Role::User,
                google_email: None,
                password: None,
                lang: Default::default(),
            },
            &pforte_auth::RequestMeta::default(),
        )
        .await
        .expect("invited user");
    let cases = [
        (OWNER_EMAIL, "wrong password entirely here"),
        ("nobody@example.com", OWNER_PASSWORD),
        ("9999999", OWNER_PASSWORD),
        ("disabled@example.com", OWNER_PASSWORD),
        ("invited@example.com", OWNER_PASSWORD),
        ("not an identifier", OWNER_PASSWORD),
    ];
    let mut answers = Vec::new();
    for (identifier, password) in cases {
        let res = app
            .post_form(
                "/api/submit_password",
                &[("identifier", identifier), ("password", password)],
                None,
            )
            .await;
        let status = res.status().as_u16();
        let cookies = set_cookies(&res);
        let body = res.text().await.expect("body");
        answers.push((status, body, cookies));
    }
    let first = answers[0].clone();
    assert_eq!(first.0, 401);
    assert!(first.1.contains("InvalidCredentials"), "{}", first.1);
    assert!(first.2.is_empty(), "no cookie on failure");
    for (i, a) in answers.iter().enumerate() {
        assert_eq!(a, &first, "case {i} differs");
    }
}

/// Timing does not tell known from unknown: 200 rounds, each trying an unknown email, an unknown
/// customer number and a known user's email with a wrong password, each first, second and third in
/// turn (so that the machine's noise falls on all three alike); the medians are within 10 % of
/// each other, in one of at most three measurements. Unknown
/// identifiers run a dummy hash and the same throttle statements as known ones. On PostgreSQL,
/// where the database work is a real round trip; the medians are printed.
async fn timing_does_not_tell_known_from_unknown(engine: Engine) {
    const ROUNDS: usize = 200;
    let app = TestApp::start_configured(engine, PUBLIC_URL, |s, _| {
        s.ip_sign_in_failures = i64::MAX / 2;
    })
    .await;
    let unknown_number = if app.customer_number == "1000001" {
        "1000002"
    } else {
        "1000001"
    };
    let identifiers = [OWNER_EMAIL, "ghost@example.com", unknown_number];
    // The machine is shared: a measurement disturbed by other work is taken again, up to three
    // times. A real difference shows in every one.
    let mut attempts = Vec::new();
    for _ in 0..3 {
        let mut samples: [Vec<f64>; 3] = Default::default();
        for round in 0..ROUNDS {
            // Past every delay, so that each attempt is evaluated.
            app.clock.advance(11);
            // Each identifier takes each place in a round in turn.
            for k in 0..3 {
                let i = (round + k) % 3;
                let t = std::time::Instant::now();
                let res = app
                    .submit_password(identifiers[i], "nope nope nope nope", None)
                    .await;
                samples[i].push(t.elapsed().as_secs_f64());
                assert_eq!(res.status(), 401, "{}", identifiers[i]);
            }
        }
        let medians: Vec<f64> = samples
            .iter_mut()
            .map(|times| {
                times.sort_by(f64::total_cmp);
                times[ROUNDS / 2]
            })
            .collect();
        println!(
            "sign-in medians over {ROUNDS} rounds: known user, wrong password {:.2} ms; unknown \
             email {:.2} ms; unknown customer number {:.2} ms",
            medians[0] * 1e3,
            medians[1] * 1e3,
            medians[2] * 1e3
        );
        let (low, high) = (
            medians.iter().copied().fold(f64::MAX, f64::min),
            medians.iter().copied().fold(0.0, f64::max),
        );
        if high <= low * 1.10 {
            return;
        }
        attempts.push(medians);
    }
    panic!("medians differ by more than 10 % in three measurements: {attempts:?}");
}

/// The timing test runs on PostgreSQL only: 600 argon2 verifications are too slow to run twice.
/// `cargo xtask test` runs it on its own, after the other tests, so that their load cannot fall on
/// one kind of attempt more than on another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timing_on_postgres() {
    timing_does_not_tell_known_from_unknown(Engine::Postgres).await
}

async fn next_is_local_only(engine: Engine) {
    let app = TestApp::start(engine).await;
    for (next, expected) in [
        ("/account/security", "/login/code?next=/account/security"),
        ("https://evil.example", "/login/code"),
        ("//evil.example", "/login/code"),
        ("/\\evil.example", "/login/code"),
        ("/%2e%2e/admin/users", "/login/code"),
        ("/account/../admin/users", "/login/code"),
    ] {
        let res = app
            .post_form(
                "/api/submit_password",
                &[
                    ("identifier", OWNER_EMAIL),
                    ("password", OWNER_PASSWORD),
                    ("next", next),
                ],
                None,
            )
            .await;
        assert_eq!(header(&res, "location"), expected, "next={next}");
    }
}

/// Without JavaScript the form posts as text/html and is answered with redirects.
async fn plain_form_post_redirects(engine: Engine) {
    let app = TestApp::start(engine).await;
    let fields = |password| {
        [
            ("identifier", OWNER_EMAIL),
            ("password", password),
            ("next", "/"),
        ]
    };
    let page = Some("/login?next=%2F");
    let ok = app
        .plain_post("/api/submit_password", &fields(OWNER_PASSWORD), page, None)
        .await;
    assert_eq!(ok.status(), 302);
    assert_eq!(header(&ok, "location"), "/login/code");
    assert!(session_cookie(&ok).is_some());
    let bad = app
        .plain_post(
            "/api/submit_password",
            &fields("wrong wrong wrong wrong"),
            page,
            None,
        )
        .await;
    assert_eq!(bad.status(), 302);
    let location = header(&bad, "location");
    assert!(
        location.starts_with(&format!("{PUBLIC_URL}/login?next=%2F")),
        "{location}"
    );
    assert!(location.contains("__err="), "{location}");
    assert!(session_cookie(&bad).is_none());
    // The login page renders the error from the URL.
    let path = location.trim_start_matches(PUBLIC_URL);
    let page = app.page(path, None).await;
    assert!(
        page.contains("Email/customer number or password is incorrect."),
        "{page}"
    );
    assert!(page.contains("role=\"alert\""));
}

async fn attempts_are_audited_without_secrets(engine: Engine) {
    let app = TestApp::start(engine).await;
    app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    app.post_form(
        "/api/submit_password",
        &[
            ("identifier", OWNER_EMAIL),
            ("password", "a wrong guess of mine"),
        ],
        None,
    )
    .await;
    let rows = sqlx::query("SELECT event, outcome, ip, user_agent, detail, user_id FROM audit_events WHERE event = 'sign_in_password' ORDER BY id")
        .fetch_all(&app.auth.store.pool)
        .await
        .expect("audit rows");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].get::<String, _>("outcome"), "success");
    assert_eq!(rows[1].get::<String, _>("outcome"), "failure");
    assert_eq!(rows[1].get::<String, _>("ip"), "127.0.0.1");
    assert!(
        rows[1].get::<Option<i64>, _>("user_id").is_some(),
        "failures are keyed by user"
    );
    // Every text column of every audit row, whatever its event: no part of either password (the
    // right one or the wrong guess) may appear anywhere.
    let all = sqlx::query(
        "SELECT id, event, outcome, ip, user_agent, detail FROM audit_events ORDER BY id",
    )
    .fetch_all(&app.auth.store.pool)
    .await
    .expect("all audit rows");
    assert!(!all.is_empty(), "the sign-ins should have been audited");
    for row in &all {
        let id: i64 = row.get("id");
        for column in ["event", "outcome", "ip", "user_agent", "detail"] {
            let text: String = row.get(column);
            for secret in ["wrong guess", "velvet"] {
                assert!(
                    !text.contains(secret),
                    "audit row {id} holds {secret:?} in {column}: {text}"
                );
            }
        }
    }
}

async fn stored_hash_is_argon2id(engine: Engine) {
    let app = TestApp::start(engine).await;
    let hash: String = sqlx::query("SELECT password_hash FROM users WHERE email = $1")
        .bind(OWNER_EMAIL)
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("row")
        .get("password_hash");
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
}

/// "Login not possible?" on `/login` leads to a help page, one section per problem, plain HTML.
async fn login_help_is_reachable(engine: Engine) {
    let app = TestApp::start(engine).await;
    assert!(
        app.page("/login", None)
            .await
            .contains("href=\"/login-help\"")
    );
    let res = app.get("/login-help", None).await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.expect("body");
    for text in [
        "Login not possible?",
        "You forgot your password",
        "The email code did not arrive",
        "Your sign-in is refused although the password is right",
        "You no longer have access to your mailbox",
        "Signing in with the customer number",
        "href=\"/forgot-password\"",
    ] {
        assert!(page.contains(text), "{text} missing");
    }
}

crate::dual!(
    login_help_is_reachable,
    sign_in_by_email,
    sign_in_by_customer_number,
    plain_user_signs_in_without_users_link,
    failures_are_indistinguishable,
    next_is_local_only,
    plain_form_post_redirects,
    attempts_are_audited_without_secrets,
    stored_hash_is_argon2id,
);
