//! Request safety (cross-site posts refused, bodies limited in size, hostile input answered 4xx
//! without internals, strict security headers) and operations.

use crate::harness::*;
use sqlx::Row;

async fn cross_site_posts_are_refused(engine: Engine) {
    let app = TestApp::start(engine).await;
    let body = format!(
        "identifier={}&password={}",
        "anna.berg%40example.com", "velvet+ostrich+juggles+quartz+lanterns"
    );
    for (name, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("origin", "null"),
    ] {
        let res = app
            .client
            .post(app.url("/api/submit_password"))
            .header(name, value)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 403, "{name}: {value}");
        assert!(session_cookie(&res).is_none());
    }
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM sessions")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("count")
        .get("n");
    assert_eq!(n, 0, "nothing changed");
}

async fn oversize_body_is_refused(engine: Engine) {
    let app = TestApp::start(engine).await;
    let huge = "a".repeat(200 * 1024);
    let res = app
        .post_form(
            "/api/submit_password",
            &[("identifier", OWNER_EMAIL), ("password", &huge)],
            None,
        )
        .await;
    assert_eq!(res.status(), 413);
}

async fn hostile_input_never_5xx(engine: Engine) {
    let app = TestApp::start(engine).await;
    let long = "x".repeat(10 * 1024);
    let inputs = [
        "' OR 1=1 --",
        "anna.berg@example.com' --",
        "\u{0}",
        "a\u{0}b@example.com",
        "\u{202e}moc.elpmaxe@anna",
        long.as_str(),
        "%00%27",
        "<script>alert(1)</script>",
        "",
    ];
    for input in inputs {
        for (identifier, password) in [(input, OWNER_PASSWORD), (OWNER_EMAIL, input)] {
            let res = app
                .post_form(
                    "/api/submit_password",
                    &[("identifier", identifier), ("password", password)],
                    None,
                )
                .await;
            let status = res.status().as_u16();
            let body = res.text().await.expect("body");
            assert!((400..500).contains(&status), "{status} for {identifier:?}");
            for leak in ["sqlx", "SELECT", "panicked", "syntax", "Sqlite", "postgres"] {
                assert!(!body.contains(leak), "{leak} leaked: {body}");
            }
        }
    }
    // Missing and malformed arguments are the client's mistake, not a fault.
    let res = app
        .post_form("/api/submit_password", &[("identifier", OWNER_EMAIL)], None)
        .await;
    assert_eq!(res.status(), 400);
    let res = app
        .client
        .post(app.url("/api/submit_password"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![0xff, 0xfe, 0x00])
        .send()
        .await
        .expect("post");
    assert!(res.status().is_client_error(), "{}", res.status());
    // The server still answers.
    assert_eq!(app.get("/healthz", None).await.status(), 200);
}

/// Hostile query strings on every page, signed in or not: never a 5xx, never internals.
async fn hostile_queries_never_5xx(engine: Engine) {
    let app = TestApp::start(engine).await;
    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let long = format!("next={}", "a".repeat(6 * 1024));
    let queries = [
        "next=%00",
        "next=%ff%fe%fd",
        "next=javascript:alert(1)",
        "next=/%2e%2e/admin/users",
        "next=%2F%2Fevil.example",
        "next=<script>alert(1)</script>",
        "next=' OR 1=1 --",
        "%zz=%zz&&&==",
        "next&next=/a&next=/b",
        "next=%E2%80%AE",
        long.as_str(),
    ];
    let pages = [
        "/",
        "/login",
        "/login/code",
        "/login/trust",
        "/account/security",
        "/admin/users",
        "/welcome/not-a-token",
        "/setup/not-a-token",
        "/no-such-page",
        "/api/sign_in_state",
        "/healthz",
    ];
    for page in pages {
        for query in &queries {
            for cookie in [None, Some(anna.as_str())] {
                let res = app.get(&format!("{page}?{query}"), cookie).await;
                let status = res.status().as_u16();
                let body = res.text().await.expect("body");
                assert!(status < 500, "{status} for {page}?{query}");
                for leak in ["sqlx", "SELECT", "panicked", "Sqlite", "postgres"] {
                    assert!(!body.contains(leak), "{leak} leaked for {page}?{query}");
                }
            }
        }
    }
}

async fn security_headers_on_pages(engine: Engine) {
    let app = TestApp::start(engine).await;
    let res = app.get("/login", None).await;
    assert_eq!(res.status(), 200);
    let csp = header(&res, "content-security-policy");
    assert!(csp.contains("script-src 'nonce-"), "{csp}");
    for part in [
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "'strict-dynamic'",
    ] {
        assert!(csp.contains(part), "{part} missing in {csp}");
    }
    assert_eq!(header(&res, "x-content-type-options"), "nosniff");
    assert_eq!(header(&res, "cache-control"), "no-store");
    assert_eq!(
        header(&res, "strict-transport-security"),
        "max-age=31536000; includeSubDomains"
    );
    // Token pages name only their origin in a Referer; other pages send one only to the site.
    for (path, policy) in [
        ("/login", "same-origin"),
        ("/welcome/some-invitation-token", "strict-origin"),
        ("/setup/some-setup-token", "strict-origin"),
        ("/reset-password/some-reset-token", "strict-origin"),
    ] {
        let res = app.get(path, None).await;
        assert_eq!(header(&res, "referrer-policy"), policy, "{path}");
        assert_eq!(header(&res, "x-frame-options"), "DENY", "{path}");
        assert_eq!(
            header(&res, "cross-origin-opener-policy"),
            "same-origin",
            "{path}"
        );
    }
    assert!(
        header(&res, "access-control-allow-origin").is_empty(),
        "no CORS"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("nonce")
        .to_owned();
    let body = res.text().await.expect("body");
    assert!(
        body.contains(&format!("nonce=\"{nonce}\"")),
        "scripts carry the nonce"
    );
    for label in [
        "Email or customer number",
        "Password",
        "Log in",
        "Forgot password?",
    ] {
        assert!(body.contains(label), "{label} missing");
    }
    assert!(
        body.contains("autocomplete=\"current-password\"") && body.contains("type=\"password\"")
    );
    // Each response gets a fresh nonce.
    let again = header(&app.get("/login", None).await, "content-security-policy");
    assert_ne!(again, csp);
}

async fn no_hsts_on_http(engine: Engine) {
    let app = TestApp::start_with(engine, "http://127.0.0.1:3000").await;
    let res = app.get("/login", None).await;
    assert!(header(&res, "strict-transport-security").is_empty());
}

async fn unknown_page_is_404(engine: Engine) {
    let app = TestApp::start(engine).await;
    let res = app.get("/no/such/page", None).await;
    assert_eq!(res.status(), 404);
    assert!(res.text().await.expect("body").contains("Page not found"));
}

async fn healthz_reports_database(engine: Engine) {
    let app = TestApp::start(engine).await;
    let res = app.get("/healthz", None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.expect("body"), "ok\n");
    app.auth.store.pool.close().await;
    assert_eq!(app.get("/healthz", None).await.status(), 503);
}

/// Pages render whole while other routers are built in the same process (as every test builds
/// its own): building one must not hold up another's page loads.
async fn pages_render_while_routers_are_built(engine: Engine) {
    let app = std::sync::Arc::new(TestApp::start(engine).await);
    let cookie = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let state = pforte_app::state::AppState {
        leptos_options: pforte_server::router::leptos_options(([127, 0, 0, 1], 0).into()),
        auth: app.auth.clone(),
        web: pforte_app::state::WebConfig::new(PUBLIC_URL),
    };
    let building = tokio::task::spawn_blocking(move || {
        for _ in 0..200 {
            drop(pforte_server::router::build(state.clone()));
        }
    });
    let mut pages = tokio::task::JoinSet::new();
    let mut failures = Vec::new();
    for i in 0..120 {
        let app = app.clone();
        let cookie = cookie.clone();
        pages.spawn(async move {
            let path = ["/", "/account/security", "/admin/users"][i % 3];
            let res = app
                .client
                .get(app.url(path))
                .header("cookie", cookie)
                .timeout(std::time::Duration::from_secs(10))
                .send()
                .await
                .map_err(|e| format!("{path}: {e}"))?;
            let status = res.status();
            let body = res.text().await.map_err(|e| format!("{path}: {e}"))?;
            if status == 200 && body.contains("</html>") {
                Ok(())
            } else {
                Err(format!("{path}: {status}, {} bytes", body.len()))
            }
        });
        if pages.len() >= 8
            && let Some(Err(e)) = pages.join_next().await.map(|r| r.expect("page task"))
        {
            failures.push(e);
        }
    }
    building.await.expect("builds");
    while let Some(result) = pages.join_next().await {
        if let Err(e) = result.expect("page task") {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "pages that did not render: {failures:?}"
    );
}

/// A request that cannot finish (here: the session row it must update is locked by another
/// transaction) is answered 503 at the time limit, and the server answers again once it is free.
async fn stuck_requests_are_answered_in_time(engine: Engine) {
    let app = TestApp::start_configured(engine, PUBLIC_URL, |_, web| {
        web.request_limit = std::time::Duration::from_secs(1);
    })
    .await;
    let cookie = app
        .owner_session(pforte_auth::session::Stage::Complete)
        .await;
    assert_eq!(app.get("/", Some(&cookie)).await.status(), 200);

    app.clock.advance(60); // the next page view updates the session's last activity
    let mut lock = app.auth.store.pool.begin().await.expect("begin");
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at")
        .execute(&mut *lock)
        .await
        .expect("lock the sessions");
    let res = app.get("/", Some(&cookie)).await;
    assert_eq!(res.status(), 503);
    assert_eq!(header(&res, "retry-after"), "5");
    assert_eq!(
        res.text().await.expect("body"),
        "This is taking too long. Please try again.\n"
    );
    lock.rollback().await.expect("rollback");
    assert_eq!(
        app.get("/", Some(&cookie)).await.status(),
        200,
        "free again"
    );
}

/// The `Origin` check compares parsed origins: a public URL written with capitals and the default
/// port accepts what browsers send (`https://pforte.test`), and still refuses other origins.
async fn origin_compares_parsed_origins(engine: Engine) {
    let app = TestApp::start_with(engine, "https://Pforte.TEST:443").await;
    let res = app
        .submit_password(OWNER_EMAIL, "not the password", None)
        .await;
    assert_eq!(
        res.status(),
        401,
        "the same origin is not refused as cross-site"
    );
    let res = app
        .client
        .post(app.url("/api/submit_password"))
        .header("origin", "https://pforte.test.evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("identifier=a%40b.example&password=x")
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 403);
    // A plain form post under a stricter `Referrer-Policy` carries `Origin: null`: accepted
    // with `Sec-Fetch-Site: same-origin`, refused alone or with another site.
    for (fetch_site, expected) in [
        (Some("same-origin"), 401),
        (None, 403),
        (Some("cross-site"), 403),
    ] {
        let mut req = app
            .client
            .post(app.url("/api/submit_password"))
            .header("origin", "null")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("identifier=a%40b.example&password=x");
        if let Some(site) = fetch_site {
            req = req.header("sec-fetch-site", site);
        }
        let res = req.send().await.expect("post");
        assert_eq!(res.status(), expected, "Origin: null with {fetch_site:?}");
    }
}

/// A form on a token page posted without JavaScript carries only the origin as `Referer` (the
/// page's policy is `strict-origin`), or none; it still comes back to its page, with its error.
async fn token_page_forms_work_without_referer(engine: Engine) {
    let app = TestApp::start(engine).await;
    const TOKEN: (&str, &str) = ("token", "unknown-token-of-the-right-shape-0123456789");
    /// A form: where it posts, its fields, and the page it is on (without the token).
    type Form<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let forms: [Form; 7] = [
        (
            "/api/submit_invited_email",
            &[TOKEN, ("email", "a@b.example")],
            "/welcome/",
        ),
        (
            "/api/create_password",
            &[TOKEN, ("password", "x"), ("password_repeat", "x")],
            "/welcome/",
        ),
        (
            "/api/confirm_onboarding_code",
            &[TOKEN, ("code", "123456")],
            "/welcome/",
        ),
        ("/api/resend_onboarding_code", &[TOKEN], "/welcome/"),
        ("/api/decide_trust", &[TOKEN, ("trust", "no")], "/welcome/"),
        (
            "/api/complete_setup",
            &[
                TOKEN,
                ("company", "A"),
                ("name", "B"),
                ("email", "c@d.example"),
            ],
            "/setup/",
        ),
        (
            "/api/reset_password",
            &[TOKEN, ("new_password", "x"), ("new_password_repeat", "x")],
            "/reset-password/",
        ),
    ];
    for (endpoint, fields, page) in forms {
        // Only the origin (the site's root), or nothing at all.
        for referer in [Some("/"), None] {
            let res = app.plain_post(endpoint, fields, referer, None).await;
            assert_eq!(res.status(), 302, "{endpoint}");
            let location = header(&res, "location");
            assert!(
                location.starts_with(&format!(
                    "{PUBLIC_URL}{page}unknown-token-of-the-right-shape-0123456789?"
                )) && location.contains("__err="),
                "{endpoint} with {referer:?}: {location}"
            );
        }
    }
}

crate::dual!(
    no_link_leads_to_a_404,
    token_page_forms_work_without_referer,
    hostile_queries_never_5xx,
    origin_compares_parsed_origins,
    pages_render_while_routers_are_built,
    stuck_requests_are_answered_in_time,
    cross_site_posts_are_refused,
    oversize_body_is_refused,
    hostile_input_never_5xx,
    security_headers_on_pages,
    no_hsts_on_http,
    unknown_page_is_404,
    healthz_reports_database,
);

/// Every link on every page leads somewhere: no `href` of a page answers 404 — for visitors, for
/// a signed-in admin, and on the token pages.
async fn no_link_leads_to_a_404(engine: Engine) {
    let app = TestApp::start(engine).await;
    let admin = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let pages: [(&str, Option<&str>); 11] = [
        ("/login", None),
        ("/login-help", None),
        ("/forgot-password", None),
        ("/forgot-password?sent", None),
        (
            "/reset-password/unknown-token-of-the-right-shape-0123456789",
            None,
        ),
        ("/welcome/unknown-token-of-the-right-shape-0123456789", None),
        ("/setup/unknown-token-of-the-right-shape-0123456789", None),
        ("/not-me/unknown-token-of-the-right-shape-0123456789", None),
        ("/", Some(&admin)),
        ("/account/security", Some(&admin)),
        ("/admin/users", Some(&admin)),
    ];
    let mut checked = 0;
    for (page, cookie) in pages {
        let html = app.page(page, cookie).await;
        for link in html.split("href=\"").skip(1) {
            let target = &link[..link.find('"').expect("closing quote")];
            // Pages only: static files (`/pkg/…`, `/favicon.svg`) are served from the built site.
            let is_file = target
                .rsplit('/')
                .next()
                .is_some_and(|last| last.contains('.'));
            if !target.starts_with('/') || is_file {
                continue;
            }
            let target = target.replace("&amp;", "&");
            let status = app.get(&target, cookie).await.status();
            assert_ne!(status, 404, "{page} links to {target}");
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} links checked");
}
