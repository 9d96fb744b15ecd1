//! What pages load, and how a form's outcome reaches the page a plain form post returns to: only
//! pages that show islands load the WASM bundle; a form's outcome (a new secret) is shown once.

use crate::harness::*;
use sqlx::Row;

/// A plain form post as a browser sends it without script: it takes HTML, and comes from `page`.
async fn plain_post(
    app: &TestApp,
    path: &str,
    page: &str,
    fields: &[(&str, &str)],
    cookie: &str,
) -> reqwest::Response {
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    app.client
        .post(app.url(path))
        .header("origin", PUBLIC_URL)
        .header("sec-fetch-site", "same-origin")
        .header("accept", "text/html,application/xhtml+xml")
        .header("referer", format!("{PUBLIC_URL}{page}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie)
        .body(body)
        .send()
        .await
        .expect("post")
}

/// The sign-in page works without WASM; a page with islands (local times, password feedback)
/// loads the bundle, once.
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
        login.contains("pforte_tz=") && login.contains("dataset.sent"),
        "the page script (time zone, send once) is inline"
    );

    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let security = app.page("/account/security", Some(&anna)).await;
    assert!(
        security.contains("<leptos-island"),
        "local times are islands"
    );
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
/// client ID and secret once; the outcome's cookie is sealed, removed once shown, and one that
/// was changed is ignored.
async fn a_plain_post_shows_its_outcome_once(engine: Engine) {
    let app = TestApp::start(engine).await;
    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let res = plain_post(
        &app,
        "/api/create_app",
        "/admin/apps",
        &[
            ("name", "Company Wiki"),
            ("redirect_uris", "https://wiki.example.com/cb"),
        ],
        &anna,
    )
    .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    // Back where the form was (without the error of an earlier try).
    assert!(header(&res, "location").starts_with(&format!("{PUBLIC_URL}/admin/apps")));
    let set = cookie_with(
        &res,
        "__Host-pforte_flash",
        &["Path=/", "HttpOnly", "Secure", "Max-Age=60"],
    );
    let flash = set.split(';').next().expect("name=value").to_owned();
    let client_id: String = sqlx::query("SELECT client_id FROM oidc_clients")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("the application")
        .get("client_id");
    assert!(!set.contains(&client_id), "the cookie is sealed: {set}");

    let page = app
        .get("/admin/apps", Some(&format!("{anna}; {flash}")))
        .await;
    cookie_with(&page, "__Host-pforte_flash", &["Max-Age=0"]);
    let html = page.text().await.expect("page");
    assert!(
        html.contains(&format!("Company Wiki: client ID {}", client_id)),
        "{html}"
    );
    assert!(html.contains("Client secret, shown only now"));
    let again = app.page("/admin/apps", Some(&anna)).await;
    assert!(
        !again.contains("Client secret, shown only now"),
        "shown once"
    );

    // A changed cookie opens as nothing: the page is as without it.
    let (name, value) = flash.split_once('=').expect("cookie");
    let mut bytes = value.as_bytes().to_vec();
    let last = bytes.len() - 2;
    bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
    let changed = format!("{name}={}", String::from_utf8(bytes).expect("ascii"));
    let page = app
        .get("/admin/apps", Some(&format!("{anna}; {changed}")))
        .await;
    assert_eq!(page.status(), 200);
    cookie_with(&page, "__Host-pforte_flash", &["Max-Age=0"]);
    assert!(!page.text().await.expect("page").contains("Client secret"));
}

crate::dual!(
    only_pages_with_islands_load_the_bundle,
    a_plain_post_shows_its_outcome_once,
);
