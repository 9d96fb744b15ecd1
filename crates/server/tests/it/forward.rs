//! Forward authentication: `/auth/verify` as Caddy, Traefik and nginx ask it, and the way back to
//! an application through `/auth/continue`.

use crate::harness::*;

const APP_URL: &str = "https://app.example.com/reports?year=2026&q=a%20b";

async fn start(engine: Engine) -> TestApp {
    TestApp::start_configured(engine, PUBLIC_URL, |_, web| {
        web.forward_domains = "app.example.com, *.tools.example.com"
            .parse()
            .expect("domains");
    })
    .await
}

/// `GET /auth/verify` with the headers a proxy adds, and the browser's cookie if any.
async fn verify(app: &TestApp, proxy: &[(&str, &str)], cookie: Option<&str>) -> reqwest::Response {
    let mut req = app.client.get(app.url("/auth/verify"));
    for (name, value) in proxy {
        req = req.header(*name, *value);
    }
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    req.send().await.expect("verify")
}

/// What Caddy's `forward_auth` and Traefik's `ForwardAuth` send along for `url`.
fn caddy(url: &str) -> Vec<(&'static str, String)> {
    let parsed = url::Url::parse(url).expect("url");
    let uri = match parsed.query() {
        Some(q) => format!("{}?{q}", parsed.path()),
        None => parsed.path().to_owned(),
    };
    vec![
        ("x-forwarded-method", "GET".to_owned()),
        ("x-forwarded-proto", parsed.scheme().to_owned()),
        (
            "x-forwarded-host",
            parsed.host_str().expect("host").to_owned(),
        ),
        ("x-forwarded-uri", uri),
    ]
}

fn borrow<'a>(headers: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    headers.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn signed_in_user_is_named_in_headers(engine: Engine) {
    let app = start(engine).await;
    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let owner = app.owner().await;
    let res = verify(&app, &borrow(&caddy(APP_URL)), Some(&anna)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "remote-user"), owner.subject);
    assert_eq!(owner.subject.len(), 32, "a random subject, not the email");
    assert_eq!(header(&res, "remote-email"), OWNER_EMAIL);
    assert_eq!(header(&res, "remote-name"), "Anna Berg");
    assert_eq!(header(&res, "remote-groups"), "admin");
    assert_eq!(header(&res, "remote-customer-number"), app.customer_number);
    assert_eq!(header(&res, "cache-control"), "no-store");

    // A member of the same account: their own subject and role.
    app.add_member().await;
    let ben = app.sign_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    let res = verify(&app, &[], Some(&ben)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "remote-groups"), "user");
    assert_eq!(header(&res, "remote-email"), MEMBER_EMAIL);
    assert_ne!(header(&res, "remote-user"), owner.subject);

    // A proxy may let through only some accounts and roles.
    let number = app.customer_number.clone();
    let only = |query: String, cookie: String| {
        let app = &app;
        async move {
            app.client
                .get(app.url(&format!("/auth/verify?{query}")))
                .header("cookie", cookie)
                .send()
                .await
                .expect("verify")
                .status()
        }
    };
    for (query, anna_in, ben_in) in [
        (format!("customer_number={number}"), true, true),
        (format!("customer_number=0000001,{number}"), true, true),
        ("customer_number=0000001".to_owned(), false, false),
        ("group=admin".to_owned(), true, false),
        (
            format!("customer_number={number}&group=user,admin"),
            true,
            true,
        ),
    ] {
        assert_eq!(
            only(query.clone(), anna.clone()).await == 200,
            anna_in,
            "{query}"
        );
        assert_eq!(
            only(query.clone(), ben.clone()).await == 200,
            ben_in,
            "{query}"
        );
    }
    assert_eq!(only("group=admin".into(), ben.clone()).await, 403);

    // Signed out: the same cookie no longer lets anyone through.
    let res = app.post_form("/api/log_out", &[], Some(&anna)).await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let res = verify(&app, &[], Some(&anna)).await;
    assert_eq!(res.status(), 401);
    assert!(header(&res, "remote-user").is_empty());
}

async fn not_signed_in_is_401_or_sent_to_sign_in(engine: Engine) {
    let app = start(engine).await;
    // Nothing said about the original request: 401, nothing else.
    let res = verify(&app, &[], None).await;
    assert_eq!(res.status(), 401);
    assert!(header(&res, "location").is_empty());
    // A pending sign-in (password given, code not yet) is not signed in.
    let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    let pending = session_cookie(&res).expect("pending");
    assert_eq!(verify(&app, &[], Some(&pending)).await.status(), 401);
    assert_eq!(
        verify(&app, &[], Some("__Host-pforte_session=forged"))
            .await
            .status(),
        401
    );

    // Caddy / Traefik: a redirect to the sign-in, which leads back through /auth/continue.
    let expected = format!(
        "{PUBLIC_URL}/login?next=/auth/continue%3Furl%3D{}",
        url::form_urlencoded::byte_serialize(APP_URL.as_bytes())
            .collect::<String>()
            .replace('%', "%25")
    );
    let res = verify(&app, &borrow(&caddy(APP_URL)), None).await;
    assert_eq!(res.status(), 302);
    assert_eq!(header(&res, "location"), expected);
    assert!(header(&res, "remote-user").is_empty());

    // nginx: 401, with the same address for `auth_request_set`.
    let res = verify(&app, &[("x-original-url", APP_URL)], None).await;
    assert_eq!(res.status(), 401);
    assert_eq!(header(&res, "location"), expected);

    // A subdomain under a listed wildcard is let through to the sign-in as well.
    let res = verify(
        &app,
        &borrow(&caddy("https://grafana.tools.example.com/d/1")),
        None,
    )
    .await;
    assert_eq!(res.status(), 302);
}

async fn foreign_hosts_are_refused(engine: Engine) {
    let app = start(engine).await;
    for foreign in [
        "https://evil.example/",
        "https://app.example.com.evil.example/",
        "http://app.example.com/",
        "https://tools.example.com/",
        "https://app.example.com@evil.example/",
    ] {
        let res = verify(&app, &[("x-original-url", foreign)], None).await;
        assert_eq!(res.status(), 403, "{foreign}");
        assert!(header(&res, "location").is_empty(), "{foreign}");
        let body = res.text().await.expect("body");
        assert!(body.contains("not set up for signing in"), "{body}");
    }
    let res = verify(&app, &borrow(&caddy("https://evil.example/x")), None).await;
    assert_eq!(res.status(), 403);
    // A German browser reads why in German.
    let res = app
        .client
        .get(app.url("/auth/verify"))
        .header("x-original-url", "https://evil.example/")
        .header("accept-language", "de-DE,de;q=0.9")
        .send()
        .await
        .expect("verify");
    assert!(
        res.text()
            .await
            .expect("body")
            .contains("nicht für die Anmeldung mit Pforte eingerichtet")
    );

    // /auth/continue never sends anyone to a host that is not listed, signed in or not.
    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    for cookie in [None, Some(anna.as_str())] {
        for url in [
            "https://evil.example/",
            "//evil.example/",
            "/account/security",
            "javascript:alert(1)",
            "",
        ] {
            let path = format!(
                "/auth/continue?url={}",
                url::form_urlencoded::byte_serialize(url.as_bytes()).collect::<String>()
            );
            let res = app.get(&path, cookie).await;
            assert_eq!(res.status(), 303, "{url}");
            assert_eq!(header(&res, "location"), "/", "{url}");
        }
    }
}

async fn the_sign_in_leads_back_to_the_app(engine: Engine) {
    let app = start(engine).await;
    let res = verify(&app, &borrow(&caddy(APP_URL)), None).await;
    let login = header(&res, "location");
    let next = url::Url::parse(&login)
        .expect("login url")
        .query_pairs()
        .find(|(k, _)| k == "next")
        .map(|(_, v)| v.into_owned())
        .expect("next");
    assert!(next.starts_with("/auth/continue?url="), "{next}");

    // Pforte's own sign-in carries `next` through every step and ends on /continue, which goes on.
    let session = app.sign_in_to(&next).await;

    // /auth/continue: signed in, on to the application's address as it was asked for.
    let res = app.get(&next, Some(&session)).await;
    assert_eq!(res.status(), 303);
    assert_eq!(header(&res, "location"), APP_URL);
    assert_eq!(header(&res, "cache-control"), "no-store");
    // Not signed in: to the sign-in first, and back here after.
    let res = app.get(&next, None).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        header(&res, "location"),
        login.trim_start_matches(PUBLIC_URL)
    );
    // And the proxy now lets the browser through.
    let res = verify(&app, &borrow(&caddy(APP_URL)), Some(&session)).await;
    assert_eq!(res.status(), 200);
}

async fn the_session_cookie_is_shared_only_when_asked(engine: Engine) {
    // Default: bound to Pforte's host.
    let app = start(engine).await;
    let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    let cookie = set_cookies(&res)
        .into_iter()
        .find(|c| c.contains("pforte_session="))
        .expect("session cookie");
    assert!(cookie.starts_with("__Host-pforte_session="), "{cookie}");
    assert!(!cookie.to_ascii_lowercase().contains("domain="), "{cookie}");

    // With a cookie domain: `__Secure-` (a `__Host-` cookie cannot name a domain), `Domain=`, and
    // still `Secure; HttpOnly; SameSite=Lax`. Sign-in, verify and sign-out all use it.
    let app = TestApp::start_configured(engine, PUBLIC_URL, |_, web| {
        web.cookie_domain = Some("pforte.test".into());
    })
    .await;
    let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    let cookie = set_cookies(&res)
        .into_iter()
        .find(|c| c.contains("pforte_session="))
        .expect("session cookie");
    assert!(cookie.starts_with("__Secure-pforte_session="), "{cookie}");
    for attribute in [
        "; Domain=pforte.test",
        "; Secure",
        "; HttpOnly",
        "; SameSite=Lax",
    ] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    let pending = cookie.split(';').next().expect("pair").to_owned();
    let code = last_code(&app).await;
    let res = app.confirm_code(&pending, &code).await;
    let deciding = set_cookies(&res)
        .into_iter()
        .find(|c| c.starts_with("__Secure-pforte_session="))
        .and_then(|c| c.split(';').next().map(str::to_owned))
        .expect("next cookie");
    let res = app
        .post_form(
            "/api/trust_sign_in_device",
            &[("trust", "no")],
            Some(&deciding),
        )
        .await;
    let session = set_cookies(&res)
        .into_iter()
        .find(|c| c.starts_with("__Secure-pforte_session="))
        .and_then(|c| c.split(';').next().map(str::to_owned))
        .expect("signed-in cookie");
    assert_eq!(verify(&app, &[], Some(&session)).await.status(), 200);
    // A second session cookie (planted by another host under the domain, or left from before the
    // domain was set): signed out, and both forms are cleared.
    let planted = format!("{session}; __Secure-pforte_session={}", "A".repeat(43));
    let res = verify(&app, &[], Some(&planted)).await;
    assert_eq!(res.status(), 401);
    let cleared = set_cookies(&res);
    assert_eq!(cleared.len(), 2, "{cleared:?}");
    assert!(
        cleared
            .iter()
            .all(|c| c.starts_with("__Secure-pforte_session=;") && c.contains("Max-Age=0"))
    );
    assert_eq!(
        cleared
            .iter()
            .filter(|c| c.contains("Domain=pforte.test"))
            .count(),
        1
    );
    let res = app.post_form("/api/log_out", &[], Some(&session)).await;
    let cleared = set_cookies(&res)
        .into_iter()
        .find(|c| c.starts_with("__Secure-pforte_session="))
        .expect("cleared cookie");
    assert!(
        cleared.contains("Max-Age=0") && cleared.contains("; Domain=pforte.test"),
        "{cleared}"
    );
}

crate::dual!(
    signed_in_user_is_named_in_headers,
    not_signed_in_is_401_or_sent_to_sign_in,
    foreign_hosts_are_refused,
    the_sign_in_leads_back_to_the_app,
    the_session_cookie_is_shared_only_when_asked,
);
