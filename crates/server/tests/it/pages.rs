//! What pages load, and how a form's outcome reaches the page a plain form post returns to: only
//! pages that show islands load the WASM bundle; a form's outcome (a new secret) is shown once.

use crate::harness::*;
use sqlx::Row;

/// The sign-in page works without WASM; a page with islands (the new-password feedback) loads the
/// bundle, once. Times are plain `<time>` elements that the inline page script writes in the
/// browser's zone.
async fn only_pages_with_islands_load_the_bundle(engine: Engine) {
    let app = TestApp::start(engine).await;
    let login = app.page("/login", None).await;
    assert!(
        !login.contains("<leptos-island"),
        "the sign-in page shows no island"
    );
    assert!(
        !login.contains(".wasm") && !login.contains("modulepreload"),
        "the sign-in page loads no WASM"
    );
    assert!(
        login.contains("pforte_tz=")
            && login.contains("dataset.sent")
            && login.contains("time[data-local]"),
        "the page script (time zone, send once, local times) is inline"
    );
    assert!(
        !login.contains("\n//") && !login.contains("\n  "),
        "the page script goes out without its comments and indentation"
    );

    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let security = app.page("/account/security", Some(&anna)).await;
    assert!(
        security.contains("<leptos-island"),
        "the new-password feedback is an island"
    );
    assert!(
        security.contains("<time datetime=\"") && security.contains("data-local"),
        "times are plain <time> elements for the page script"
    );
    assert!(!security.contains("LocalTime"), "times are no islands");
    assert_eq!(
        security.matches("rel=\"modulepreload\"").count(),
        1,
        "the bundle is loaded once"
    );
    // The script loads the bundle from the stylesheet's versioned root.
    let css = security.find("/pkg/pforte.css").expect("the stylesheet");
    let href = security[..css].rfind("href=\"").expect("its href") + 6;
    let root = format!("\"{}\"", &security[href..css]);
    assert!(
        security.contains(&root),
        "the hydration script names {root}"
    );
    assert!(security.contains("/pkg/pforte.wasm"));
}

/// "Add application" as a plain form post: the browser goes back to `/admin/apps`, which shows the
/// client ID and secret once. The outcome's cookie is sealed for that page and that admin, and for
/// a minute: another page keeps it, another user, a `HEAD`, a changed or doubled cookie and a
/// late one show nothing.
async fn a_plain_post_shows_its_outcome_once(engine: Engine) {
    let app = TestApp::start(engine).await;
    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    // The admin of another account.
    app.add_other_account().await;
    let eve = app.sign_in(OTHER_ADMIN_EMAIL, OTHER_ADMIN_PASSWORD).await;
    let create = |name: &'static str| {
        let anna = anna.clone();
        let app = &app;
        async move {
            let uris = [
                ("name", name),
                ("redirect_uris", "https://wiki.example.com/cb"),
            ];
            let res = app
                .plain_post("/api/create_app", &uris, Some("/admin/apps"), Some(&anna))
                .await;
            assert!(res.status().is_redirection(), "{}", res.status());
            // Back where the form was (without the error of an earlier try, if any).
            assert!(header(&res, "location").starts_with(&format!("{PUBLIC_URL}/admin/apps")));
            let set = cookie_with(
                &res,
                "__Host-pforte_flash",
                &[
                    "Path=/",
                    "HttpOnly",
                    "Secure",
                    "SameSite=Strict",
                    "Max-Age=60",
                ],
            );
            set.split(';').next().expect("name=value").to_owned()
        }
    };
    let flash = create("Company Wiki").await;
    let client_id: String =
        sqlx::query("SELECT client_id FROM oidc_clients WHERE name = 'Company Wiki'")
            .fetch_one(&app.auth.store.pool)
            .await
            .expect("the application")
            .get("client_id");
    assert!(!flash.contains(&client_id), "the cookie is sealed: {flash}");
    let with = |session: &str, cookie: &str| format!("{session}; {cookie}");
    let shows_secret = |html: &str| html.contains("Client secret, shown only now");

    // Another page does not open it, and leaves it for its own page.
    let other = app
        .get("/account/security", Some(&with(&anna, &flash)))
        .await;
    assert!(
        !set_cookies(&other)
            .iter()
            .any(|c| c.contains("pforte_flash"))
    );
    assert!(!shows_secret(&other.text().await.expect("page")));
    // Neither does another user on that page, nor a `HEAD`.
    let page = app.get("/admin/apps", Some(&with(&eve, &flash))).await;
    assert_eq!(page.status(), 200);
    assert!(
        !shows_secret(&page.text().await.expect("page")),
        "another user"
    );
    let head = app
        .client
        .head(app.url("/admin/apps"))
        .header("cookie", with(&anna, &flash))
        .send()
        .await
        .expect("head");
    assert!(
        !set_cookies(&head)
            .iter()
            .any(|c| c.contains("pforte_flash"))
    );

    // Its page shows it once, and removes it.
    let page = app.get("/admin/apps", Some(&with(&anna, &flash))).await;
    cookie_with(&page, "__Host-pforte_flash", &["Max-Age=0"]);
    let html = page.text().await.expect("page");
    assert!(
        html.contains(&format!("Company Wiki: client ID {client_id}")),
        "{html}"
    );
    assert!(shows_secret(&html));
    assert!(
        !shows_secret(&app.page("/admin/apps", Some(&anna)).await),
        "shown once"
    );

    // A changed cookie, or one sent twice (one of them planted), shows nothing.
    let (name, value) = flash.split_once('=').expect("cookie");
    let mut bytes = value.as_bytes().to_vec();
    let last = bytes.len() - 2;
    bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
    let changed = format!("{name}={}", String::from_utf8(bytes).expect("ascii"));
    let second = create("Time Tracking").await;
    for cookie in [changed, format!("{second}; {flash}")] {
        let page = app.get("/admin/apps", Some(&with(&anna, &cookie))).await;
        assert_eq!(page.status(), 200);
        assert!(!shows_secret(&page.text().await.expect("page")), "{cookie}");
    }
    // Nor one that waited longer than a minute.
    app.clock.advance(61);
    let late = app.page("/admin/apps", Some(&with(&anna, &second))).await;
    assert!(!shows_secret(&late), "too late");
}

crate::dual!(
    only_pages_with_islands_load_the_bundle,
    a_plain_post_shows_its_outcome_once,
);
