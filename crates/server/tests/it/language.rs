//! German and English: the first visit follows `Accept-Language`, the language switch (a plain
//! form) is remembered in a cookie and, for a signed-in user, on the user, whose mails follow it;
//! an admin chooses the language of a new user's invitation; the server's own answers speak the
//! request's language.

use crate::harness::*;
use sqlx::Row;

const LANG_COOKIE: &str = "__Host-pforte_lang";

async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = app.client.get(app.url(path));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    req.send().await.expect("GET")
}

async fn switch(app: &TestApp, lang: &str, next: &str, cookie: Option<&str>) -> reqwest::Response {
    app.post_form("/language", &[("lang", lang), ("next", next)], cookie)
        .await
}

async fn stored_language(app: &TestApp, email: &str) -> String {
    sqlx::query("SELECT language FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("user")
        .get("language")
}

async fn the_browser_language_comes_first_then_the_switch(engine: Engine) {
    let app = TestApp::start(engine).await;
    let english = app.page("/login", None).await;
    assert!(english.contains("<html lang=\"en\""), "{english}");
    assert!(english.contains("Email or customer number"));
    let german = get_with(
        &app,
        "/login",
        &[("accept-language", "de-DE,de;q=0.9,en;q=0.8")],
    )
    .await
    .text()
    .await
    .expect("page");
    assert!(german.contains("<html lang=\"de\""), "{german}");
    for label in [
        "E-Mail-Adresse oder Kundennummer",
        "Passwort vergessen?",
        "Anmeldung nicht möglich?",
    ] {
        assert!(german.contains(label), "{label}: {german}");
    }
    // Both languages are offered on every page, the current one marked.
    assert!(german.contains(">Deutsch</button>") && german.contains(">English</button>"));
    assert!(
        german.contains("aria-pressed=\"true\" lang=\"de\"")
            || german.contains("lang=\"de\" aria-pressed=\"true\""),
        "{german}"
    );

    // The switch: a cookie for a year, and back to the page it came from.
    let res = switch(&app, "de", "/login?next=%2Faccount%2Fsecurity", None).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        header(&res, "location"),
        "/login?next=%2Faccount%2Fsecurity"
    );
    let cookie = set_cookies(&res)
        .into_iter()
        .find(|c| c.starts_with(LANG_COOKIE))
        .expect("language cookie");
    assert!(
        cookie.contains("Max-Age=31536000") && cookie.contains("Secure"),
        "{cookie}"
    );
    let chosen = format!("{LANG_COOKIE}=de");
    // The choice wins over the browser's preference.
    let page = get_with(
        &app,
        "/login-help",
        &[("cookie", &chosen), ("accept-language", "en")],
    )
    .await
    .text()
    .await
    .expect("page");
    assert!(page.contains("<html lang=\"de\""), "{page}");

    // Not a language, or a page elsewhere: refused, or back to the start page.
    let res = switch(&app, "fr", "/login", Some(&chosen)).await;
    assert_eq!(res.status(), 400);
    assert!(set_cookies(&res).is_empty());
    assert_eq!(
        res.text().await.expect("body"),
        "Die Anfrage konnte nicht verarbeitet werden.\n",
        "the server's own answer speaks the request's language"
    );
    for away in [
        "//evil.example/login",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let res = switch(&app, "en", away, None).await;
        assert_eq!(header(&res, "location"), "/", "{away}");
    }
}

async fn a_signed_in_users_choice_is_stored_and_their_mails_follow_it(engine: Engine) {
    let app = TestApp::start(engine).await;
    app.add_member().await;
    let member = app.sign_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    assert_eq!(stored_language(&app, MEMBER_EMAIL).await, "en");
    let res = switch(&app, "de", "/account/security", Some(&member)).await;
    assert_eq!(res.status(), 303);
    assert_eq!(stored_language(&app, MEMBER_EMAIL).await, "de");
    // A mail to them: "Change password" tells them in German, on a page in any language.
    let new = "amber lighthouse sings quietly tonight";
    let res = app
        .change_password(&member, MEMBER_PASSWORD, new, new)
        .await;
    assert_eq!(res.status(), 200);
    // The change renews this browser's session.
    let member = session_cookie(&res).expect("renewed session");
    let subjects = subjects_to(&app, MEMBER_EMAIL).await;
    let last = subjects.last().expect("a mail");
    assert!(last.contains("Passwort"), "{subjects:?}");
    // Another user's mails keep their own language.
    let owner = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let res = app.change_password(&owner, OWNER_PASSWORD, new, new).await;
    assert_eq!(res.status(), 200);
    let owner = subjects_to(&app, OWNER_EMAIL).await;
    assert!(
        owner.last().expect("a mail").contains("password"),
        "{owner:?}"
    );
    // Without a session the switch stores nothing on anyone.
    switch(&app, "en", "/", None).await;
    assert_eq!(stored_language(&app, MEMBER_EMAIL).await, "de");
    // The choice is audited once; choosing the same language again changes nothing, choosing
    // another is audited again.
    switch(&app, "de", "/", Some(&member)).await;
    switch(&app, "en", "/", Some(&member)).await;
    assert_eq!(stored_language(&app, MEMBER_EMAIL).await, "en");
    let audited: Vec<String> =
        sqlx::query("SELECT detail FROM audit_events WHERE event = 'language_changed' ORDER BY id")
            .fetch_all(&app.auth.store.pool)
            .await
            .expect("audit")
            .iter()
            .map(|r| r.get("detail"))
            .collect();
    assert_eq!(audited, ["de", "en"]);
}

async fn an_admin_chooses_the_language_of_the_invitation(engine: Engine) {
    let app = TestApp::start(engine).await;
    let owner = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let create = |email: &'static str, language: Option<&'static str>| {
        let owner = owner.clone();
        let app = &app;
        async move {
            let mut fields = vec![("name", "Emil Neu"), ("email", email), ("role", "user")];
            if let Some(language) = language {
                fields.push(("language", language));
            }
            app.post_form("/api/create_user", &fields, Some(&owner))
                .await
        }
    };
    let page = app.page("/admin/users", Some(&owner)).await;
    assert!(
        page.contains("<label for=\"language\">Language</label>"),
        "{page}"
    );
    assert_eq!(create("emil@example.com", Some("de")).await.status(), 200);
    assert_eq!(stored_language(&app, "emil@example.com").await, "de");
    let subjects = subjects_to(&app, "emil@example.com").await;
    assert_eq!(subjects.len(), 1);
    assert!(
        subjects[0].starts_with("Ihr Benutzerkonto bei"),
        "{subjects:?}"
    );
    // Without a choice: the admin's own language.
    switch(&app, "de", "/admin/users", Some(&owner)).await;
    assert_eq!(create("fritz@example.com", None).await.status(), 200);
    assert_eq!(stored_language(&app, "fritz@example.com").await, "de");
    // Not a language: refused, nobody created.
    assert_eq!(
        create("gerd@example.com", Some("klingon")).await.status(),
        422
    );
    assert!(subjects_to(&app, "gerd@example.com").await.is_empty());
}

async fn a_german_users_mails_are_german_and_in_their_time_zone(engine: Engine) {
    let app = TestApp::start(engine).await;
    app.add_member().await;
    let member = app.sign_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    switch(&app, "de", "/", Some(&member)).await;
    let zone = |app: &TestApp| {
        let pool = app.auth.store.pool.clone();
        async move {
            sqlx::query("SELECT time_zone FROM users WHERE email = $1")
                .bind(MEMBER_EMAIL)
                .fetch_one(&pool)
                .await
                .expect("user")
                .get::<String, _>("time_zone")
        }
    };
    assert_eq!(zone(&app).await, "UTC", "no browser reported one yet");
    // A sign-in on a browser that reports its zone (every page's script sets the cookie): kept when it
    // is done; a zone Pforte does not know is not, nor the plain cookie that any site on the
    // domain could plant (with https only the `__Host-` one counts).
    let mut device = None;
    for (cookie, kept, trust) in [
        ("__Host-pforte_tz=Mars/Olympus_Mons", "UTC", "no"),
        ("pforte_tz=Asia/Tokyo", "UTC", "no"),
        ("__Host-pforte_tz=Europe/Berlin", "Europe/Berlin", "yes"),
    ] {
        let res = app
            .submit_password(MEMBER_EMAIL, MEMBER_PASSWORD, None)
            .await;
        let pending = session_cookie(&res).expect("pending");
        let res = app.confirm_code(&pending, &last_code(&app).await).await;
        let deciding = session_cookie(&res).expect("deciding");
        let with_zone = format!("{deciding}; {cookie}");
        let res = app
            .post_form(
                "/api/trust_sign_in_device",
                &[("trust", trust)],
                Some(&with_zone),
            )
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(zone(&app).await, kept, "{cookie}");
        if trust == "yes" {
            device = device_cookie(&res);
        }
    }
    // A sign-in the trusted device completes at the password step adopts the zone too.
    let device = device.expect("trusted device");
    for reported in ["America/New_York", "Europe/Berlin"] {
        let res = app
            .submit_password(
                MEMBER_EMAIL,
                MEMBER_PASSWORD,
                Some(&format!("{device}; __Host-pforte_tz={reported}")),
            )
            .await;
        assert_eq!(header(&res, "location"), "/", "signed in without a code");
        assert_eq!(zone(&app).await, reported);
    }
    // The "New device trusted" mail of that very sign-in is already in the reported zone.
    let trusted = last_mail(&app).await;
    assert!(
        trusted.contains("15.01.2027 um 09:00 Uhr (Europe/Berlin)"),
        "{trusted}"
    );
    // The next code mail: German, the time in Berlin (START is 08:00 UTC in January).
    let res = app
        .submit_password(MEMBER_EMAIL, MEMBER_PASSWORD, None)
        .await;
    assert_eq!(header(&res, "location"), "/login/code");
    let code_mail = last_mail(&app).await;
    assert!(
        code_mail.contains("Ihr Bestätigungscode lautet"),
        "{code_mail}"
    );
    assert!(
        code_mail.contains("am 15.01.2027 um 09:00 Uhr (Europe/Berlin)"),
        "{code_mail}"
    );
    // A notification: the password change, the same.
    let new = "amber lighthouse sings quietly tonight";
    let signed_in = app.sign_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    let res = app
        .change_password(&signed_in, MEMBER_PASSWORD, new, new)
        .await;
    assert_eq!(res.status(), 200);
    let changed = last_mail(&app).await;
    assert!(
        changed.contains("am 15.01.2027 um 09:00 Uhr (Europe/Berlin)"),
        "{changed}"
    );
    // Another user's mails stay in English and UTC, whatever the language and zone of the
    // browser that causes them.
    let owner = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let german_browser = format!("{owner}; {LANG_COOKIE}=de; __Host-pforte_tz=Asia/Tokyo");
    let res = app
        .change_password(&german_browser, OWNER_PASSWORD, new, new)
        .await;
    assert_eq!(res.status(), 200);
    let english = last_mail(&app).await;
    assert!(english.contains("2027-01-15 08:00 (UTC)"), "{english}");
}

crate::dual!(
    a_german_users_mails_are_german_and_in_their_time_zone,
    the_browser_language_comes_first_then_the_switch,
    a_signed_in_users_choice_is_stored_and_their_mails_follow_it,
    an_admin_chooses_the_language_of_the_invitation,
);
