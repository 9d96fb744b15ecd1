//! "Sign in with Google" against a local OpenID provider: the state and PKCE bound to the browser
//! and used once, the first link by a verified admin-entered address (or the user's email), then
//! the `sub` only; invited users activated; two-factor still asked; the provider's failures and
//! time-outs answered with a redirect to `/login`, never a 5xx page.

use crate::harness::*;
use pforte_auth::account::NewUser;
use pforte_auth::{AuthError, RequestMeta};
use pforte_shared::Msg;
use pforte_shared::types::Role;
use serde_json::Value;
use sqlx::Row;

const GOOGLE_ADDRESS: &str = "ben.private@gmail.example";
const GOOGLE_SUB: &str = "108234567890123456789";

async fn start_app(engine: Engine) -> (TestApp, TestProvider) {
    start_app_with(engine, |_| {}).await
}

/// With the settings changed by `configure`.
async fn start_app_with(
    engine: Engine,
    configure: impl FnOnce(&mut pforte_auth::Settings),
) -> (TestApp, TestProvider) {
    let provider = TestProvider::start().await;
    let settings = provider.settings();
    let app = TestApp::start_configured(engine, PUBLIC_URL, move |s, _| {
        s.google = Some(settings);
        configure(s);
    })
    .await;
    (app, provider)
}

/// The member (Ben Kurz), with `GOOGLE_ADDRESS` entered by an admin.
async fn member_with_google_address(app: &TestApp) -> i64 {
    let id = app.add_member().await;
    sqlx::query("UPDATE users SET google_email = $1 WHERE id = $2")
        .bind(GOOGLE_ADDRESS)
        .bind(id)
        .execute(&app.auth.store.pool)
        .await
        .expect("google address");
    id
}

/// Invites the member (no password) with `google` as the Google address an admin entered.
async fn invite_with_google_address(app: &TestApp, google: &str) {
    app.auth
        .create_user(
            &app.customer_number,
            NewUser {
                email: MEMBER_EMAIL.into(),
                display_name: "Ben Kurz".into(),
                role: Role::User,
                google_email: Some(google.into()),
                password: None,
                lang: Default::default(),
            },
            &RequestMeta::default(),
        )
        .await
        .expect("invite");
}

/// "Sign in with Google" in a browser with `cookie` (if any): the browser-binding cookie
/// (`name=value`) and the provider's URL.
async fn start(app: &TestApp, next: Option<&str>, cookie: Option<&str>) -> (String, String) {
    let fields: Vec<(&str, &str)> = next.map(|n| ("next", n)).into_iter().collect();
    let res = app.post_form("/auth/google", &fields, cookie).await;
    assert_eq!(res.status(), 303, "a redirect to the provider");
    assert_eq!(header(&res, "cache-control"), "no-store");
    let raw = cookie_with(
        &res,
        "__Host-pforte_google",
        &[
            "Path=/",
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            "Max-Age=600",
        ],
    );
    let browser = raw.split(';').next().expect("name=value").to_owned();
    (browser, header(&res, "location"))
}

/// The provider approves at once: the callback (path and query) it sends the browser back to.
async fn at_provider(app: &TestApp, location: &str) -> String {
    let res = app.client.get(location).send().await.expect("provider");
    assert_eq!(res.status(), 303, "{:?}", res.text().await);
    let back = header(&res, "location");
    back.strip_prefix(PUBLIC_URL)
        .unwrap_or_else(|| panic!("back to the public URL: {back}"))
        .to_owned()
}

/// A whole round in a new browser: start, provider, callback. Returns the callback's answer.
async fn round(app: &TestApp, next: Option<&str>) -> reqwest::Response {
    round_in(app, next, None).await
}

/// A whole round in a browser with the session cookie `session` (if any).
async fn round_in(app: &TestApp, next: Option<&str>, session: Option<&str>) -> reqwest::Response {
    let (browser, location) = start(app, next, session).await;
    let callback = at_provider(app, &location).await;
    let cookies = match session {
        Some(session) => format!("{browser}; {session}"),
        None => browser,
    };
    app.get(&callback, Some(&cookies)).await
}

/// A refused callback: back to `/login` with `why`, no session, the browser cookie removed.
fn assert_refused(res: &reqwest::Response, location: &str) {
    assert_eq!(res.status(), 303);
    assert_eq!(header(res, "location"), location);
    assert_eq!(session_cookie(res), None, "no session");
    assert!(
        set_cookies(res)
            .iter()
            .any(|c| c.starts_with("__Host-pforte_google=;") && c.contains("Max-Age=0")),
        "the browser cookie is removed"
    );
}

async fn events(app: &TestApp, event: &str) -> Vec<(String, String)> {
    sqlx::query("SELECT outcome, detail FROM audit_events WHERE event = $1 ORDER BY id")
        .bind(event)
        .fetch_all(&app.auth.store.pool)
        .await
        .expect("audit")
        .iter()
        .map(|r| (r.get("outcome"), r.get("detail")))
        .collect()
}

fn hex_sha256(value: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(value.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn linked_sub(app: &TestApp, email: &str) -> Option<String> {
    sqlx::query("SELECT google_sub FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("user")
        .get("google_sub")
}

async fn signed_in_as(app: &TestApp, res: &reqwest::Response) -> String {
    let session = session_cookie(res).expect("a session cookie");
    let home = app.page("/", Some(&session)).await;
    assert!(home.contains("Signed in as"), "{home}");
    home
}

async fn links_by_the_admin_entered_address_then_signs_in_by_sub(engine: Engine) {
    let (app, provider) = start_app(engine).await;
    member_with_google_address(&app).await;
    provider.sign_in_as(Identity::verified(GOOGLE_SUB, GOOGLE_ADDRESS));
    let res = round(&app, Some("/account/security")).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        header(&res, "location"),
        "/account/security",
        "lands on next"
    );
    let home = signed_in_as(&app, &res).await;
    assert!(home.contains(MEMBER_EMAIL), "{home}");
    assert_eq!(
        linked_sub(&app, MEMBER_EMAIL).await.as_deref(),
        Some(GOOGLE_SUB)
    );
    let linked = events(&app, "google_linked").await;
    assert_eq!(linked.len(), 1);
    let signed_in = events(&app, "sign_in_google").await;
    assert_eq!(signed_in, vec![("success".into(), "next=complete".into())]);
    let linked_mail = last_mail(&app).await;
    assert!(
        linked_mail.contains(GOOGLE_ADDRESS),
        "the linked mail names it: {linked_mail}"
    );
    assert!(linked_mail.contains("This wasn't me"), "{linked_mail}");
    let to: String = sqlx::query("SELECT recipient FROM outbox ORDER BY id DESC LIMIT 1")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("mail")
        .get("recipient");
    assert_eq!(to, MEMBER_EMAIL, "the mail goes to the Pforte address");
    // The authorization request: the scopes, S256 PKCE, the configured redirect URI.
    let asked = provider.last_authorize();
    assert_eq!(asked["scope"], "openid email profile");
    assert_eq!(asked["code_challenge_method"], "S256");
    assert_eq!(asked["code_challenge"].len(), 43);
    assert_eq!(asked["response_type"], "code");
    assert_eq!(
        asked["redirect_uri"],
        format!("{PUBLIC_URL}/auth/google/callback")
    );
    assert!(asked["state"].len() >= 43, "a 256-bit state");

    // Pinned to the sub: a changed Google address still signs in, and is not linked anew.
    provider.sign_in_as(Identity::verified(GOOGLE_SUB, "renamed@gmail.example"));
    let res = round(&app, None).await;
    assert_eq!(header(&res, "location"), "/");
    signed_in_as(&app, &res).await;
    assert_eq!(events(&app, "google_linked").await.len(), 1);

    // Another Google account with the very address: refused, nothing changes.
    provider.sign_in_as(Identity::verified("999", GOOGLE_ADDRESS));
    let res = round(&app, None).await;
    assert_refused(&res, "/login?google=failed");
    assert_eq!(
        linked_sub(&app, MEMBER_EMAIL).await.as_deref(),
        Some(GOOGLE_SUB)
    );
    assert_eq!(
        provider.refusals(),
        Vec::<String>::new(),
        "PKCE held every time"
    );
}

async fn the_pforte_email_links_too_but_only_verified(engine: Engine) {
    let (app, provider) = start_app(engine).await;
    app.add_member().await;
    provider.sign_in_as(Identity {
        email_verified: Value::Bool(false),
        ..Identity::verified(GOOGLE_SUB, MEMBER_EMAIL)
    });
    let res = round(&app, None).await;
    assert_refused(&res, "/login?google=failed");
    assert_eq!(linked_sub(&app, MEMBER_EMAIL).await, None);
    assert_eq!(
        events(&app, "sign_in_google").await,
        vec![("failure".into(), "email not verified".into())]
    );
    // The same address, verified (some providers say so in a string), and in other letters.
    provider.sign_in_as(Identity {
        email_verified: Value::String("true".into()),
        ..Identity::verified(GOOGLE_SUB, &MEMBER_EMAIL.to_uppercase())
    });
    let res = round(&app, None).await;
    signed_in_as(&app, &res).await;
    assert_eq!(
        linked_sub(&app, MEMBER_EMAIL).await.as_deref(),
        Some(GOOGLE_SUB)
    );
}

async fn nobody_and_disabled_users_are_refused_alike(engine: Engine) {
    let (app, provider) = start_app(engine).await;
    let id = member_with_google_address(&app).await;
    let users_before: i64 = sqlx::query("SELECT COUNT(*) AS n FROM users")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("count")
        .get("n");
    provider.sign_in_as(Identity::verified("555", "stranger@gmail.example"));
    let unknown = round(&app, Some("/account/security")).await;
    assert_refused(&unknown, "/login?next=/account/security&google=failed");
    let users_after: i64 = sqlx::query("SELECT COUNT(*) AS n FROM users")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("count")
        .get("n");
    assert_eq!(users_before, users_after, "nothing is created");

    let owner = app.owner().await;
    app.auth
        .set_user_active(&owner, id, false, &RequestMeta::default())
        .await
        .expect("deactivate");
    provider.sign_in_as(Identity::verified(GOOGLE_SUB, GOOGLE_ADDRESS));
    let disabled = round(&app, None).await;
    assert_refused(&disabled, "/login?google=failed");
    assert_eq!(linked_sub(&app, MEMBER_EMAIL).await, None);
    let page = app.page("/login?google=failed", None).await;
    assert!(page.contains("Sign-in with Google did not work."), "{page}");
}

async fn an_invited_user_is_activated_and_the_invitation_used_up(engine: Engine) {
    let (app, provider) = start_app(engine).await;
    invite_with_google_address(&app, &format!(" {} ", GOOGLE_ADDRESS.to_uppercase())).await;
    let token = token_after(&last_mail(&app).await, "/welcome/");
    let stepper = app.page(&format!("/welcome/{token}"), None).await;
    assert!(
        stepper.contains("Sign in with Google"),
        "offered on the first step"
    );
    // The stepper under way: a password chosen, the code not yet confirmed.
    let m = RequestMeta::default();
    app.auth
        .submit_invited_email(&token, MEMBER_EMAIL, &m)
        .await
        .expect("email");
    let chosen = pforte_auth::secret::Password::new(OTHER_ADMIN_PASSWORD.into());
    let repeat = pforte_auth::secret::Password::new(OTHER_ADMIN_PASSWORD.into());
    app.auth
        .set_onboarding_password(&token, chosen, repeat, &m)
        .await
        .expect("password");
    provider.sign_in_as(Identity::verified(GOOGLE_SUB, GOOGLE_ADDRESS));
    let res = round(&app, None).await;
    signed_in_as(&app, &res).await;
    let hash: Option<String> = sqlx::query("SELECT password_hash FROM users WHERE email = $1")
        .bind(MEMBER_EMAIL)
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("user")
        .get("password_hash");
    assert_eq!(hash, None, "the unfinished stepper's password is forgotten");
    let status: String = sqlx::query("SELECT status FROM users WHERE email = $1")
        .bind(MEMBER_EMAIL)
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("user")
        .get("status");
    assert_eq!(status, "active");
    assert!(
        app.auth.invitation(&token).await.is_err(),
        "the invitation link is used up"
    );
    assert_eq!(
        events(&app, "invitation_used").await,
        vec![("success".into(), "Google".into())]
    );
}

async fn two_factor_is_still_asked(engine: Engine) {
    let (app, provider) = start_app(engine).await;
    let (_, key, _) = crate::two_factor::member_with_two_factor(&app).await;
    sqlx::query("UPDATE users SET google_email = $1 WHERE email = $2")
        .bind(GOOGLE_ADDRESS)
        .bind(MEMBER_EMAIL)
        .execute(&app.auth.store.pool)
        .await
        .expect("google address");
    provider.sign_in_as(Identity::verified(GOOGLE_SUB, GOOGLE_ADDRESS));
    let res = round(&app, Some("/account/security")).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        header(&res, "location"),
        "/login/totp?next=/account/security"
    );
    let pending = session_cookie(&res).expect("a pending session");
    let home = app.get("/", Some(&pending)).await;
    assert_eq!(home.status(), 303, "not signed in before the app code");
    app.clock.advance(30);
    let code = pforte_auth::two_factor::code_for_key(&key, {
        use pforte_auth::Clock;
        app.clock.now()
    });
    let res = app
        .post_form(
            "/api/confirm_sign_in_app_code",
            &[("authentication_code", &code)],
            Some(&pending),
        )
        .await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert_eq!(header(&res, "location"), "/");
    signed_in_as(&app, &res).await;
}

async fn state_is_bound_to_the_browser_and_used_once(engine: Engine) {
    let (app, provider) = start_app(engine).await;
    member_with_google_address(&app).await;
    provider.sign_in_as(Identity::verified(GOOGLE_SUB, GOOGLE_ADDRESS));

    // Another browser (no cookie, or another browser's cookie) cannot use the callback.
    let (browser, location) = start(&app, None, None).await;
    let callback = at_provider(&app, &location).await;
    assert_refused(&app.get(&callback, None).await, "/login?google=failed");
    let (other_browser, _) = start(&app, None, None).await;
    assert_refused(
        &app.get(&callback, Some(&other_browser)).await,
        "/login?google=failed",
    );
    // Each try takes only the sign-in of the browser whose cookie it presents: the right
    // browser's is still there.
    let res = app.get(&callback, Some(&browser)).await;
    signed_in_as(&app, &res).await;
    // Replayed: the sign-in was used.
    assert_refused(
        &app.get(&callback, Some(&browser)).await,
        "/login?google=failed",
    );

    // What is stored: the state's hash, the verifier sealed, for 10 minutes.
    let (_, location) = start(&app, None, None).await;
    let asked: std::collections::HashMap<String, String> = url::Url::parse(&location)
        .expect("provider URL")
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let stored: Vec<(String, String, i64)> = sqlx::query(
        "SELECT state_hash, verifier, expires_at - created_at AS secs FROM google_sign_ins",
    )
    .fetch_all(&app.auth.store.pool)
    .await
    .expect("rows")
    .iter()
    .map(|r| (r.get("state_hash"), r.get("verifier"), r.get("secs")))
    .collect();
    let state_hash = hex_sha256(&asked["state"]);
    let (_, verifier, secs) = stored
        .iter()
        .find(|(h, ..)| *h == state_hash)
        .expect("the state is stored as its SHA-256");
    assert_eq!(*secs, 600);
    assert!(
        !stored.iter().any(|(h, ..)| h == &asked["state"]),
        "never the state itself"
    );
    use base64::Engine as _;
    use sha2::Digest;
    let challenge_of = |v: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(v.as_bytes()))
    };
    assert_ne!(
        challenge_of(verifier),
        asked["code_challenge"],
        "the verifier is sealed"
    );

    // A state missing on a live sign-in: refused, and the sign-in used up.
    let (browser, location) = start(&app, None, None).await;
    let callback = at_provider(&app, &location).await;
    let without_state: String = callback
        .split(['?', '&'])
        .filter(|p| !p.starts_with("state="))
        .collect::<Vec<_>>()
        .join("&")
        .replacen('&', "?", 1);
    assert_refused(
        &app.get(&without_state, Some(&browser)).await,
        "/login?google=failed",
    );
    assert_refused(
        &app.get(&callback, Some(&browser)).await,
        "/login?google=failed",
    );

    // A wrong state uses the sign-in up.
    let (browser, location) = start(&app, None, None).await;
    let callback = at_provider(&app, &location).await;
    let (path, query) = callback.split_once('?').expect("query");
    let code = query
        .split('&')
        .find(|p| p.starts_with("code="))
        .expect("code");
    assert_refused(
        &app.get(&format!("{path}?{code}&state=forged"), Some(&browser))
            .await,
        "/login?google=failed",
    );
    assert_refused(
        &app.get(&callback, Some(&browser)).await,
        "/login?google=failed",
    );
    assert_refused(
        &app.get("/auth/google/callback", Some(&browser)).await,
        "/login?google=failed",
    );

    // Ten minutes to come back; the sweeper removes sign-ins that did not.
    let (browser, location) = start(&app, None, None).await;
    let callback = at_provider(&app, &location).await;
    let (_, _) = start(&app, None, None).await;
    app.clock.advance(600);
    assert_refused(
        &app.get(&callback, Some(&browser)).await,
        "/login?google=failed",
    );
    let swept = app.auth.sweep().await.expect("sweep");
    assert_eq!(
        swept.google_sign_ins, 2,
        "the two never come back (the one looked at, and the one kept waiting)"
    );
    let reasons: Vec<String> = events(&app, "sign_in_google")
        .await
        .into_iter()
        .filter(|(o, _)| o == "failure")
        .map(|(_, d)| d)
        .collect();
    assert!(
        reasons.contains(&"state mismatch".to_owned()),
        "{reasons:?}"
    );
    assert!(reasons.contains(&"expired".to_owned()), "{reasons:?}");
    assert!(
        reasons.contains(&"no sign-in started in this browser".to_owned()),
        "{reasons:?}"
    );
}

async fn a_code_with_another_sign_ins_verifier_is_refused(engine: Engine) {
    let (app, provider) = start_app(engine).await;
    member_with_google_address(&app).await;
    provider.sign_in_as(Identity::verified(GOOGLE_SUB, GOOGLE_ADDRESS));
    // The attacker's code (their own sign-in) carried into the victim's browser with the victim's
    // state: the victim's verifier does not match the attacker's challenge.
    let (victim, victim_location) = start(&app, None, None).await;
    let victim_callback = at_provider(&app, &victim_location).await;
    let (_, attacker_location) = start(&app, None, None).await;
    let attacker_callback = at_provider(&app, &attacker_location).await;
    let state = victim_callback.split('&').find(|p| p.starts_with("state="));
    let code = attacker_callback
        .split(['?', '&'])
        .find(|p| p.starts_with("code="));
    let forged = format!(
        "/auth/google/callback?{}&{}",
        code.expect("code"),
        state.expect("state")
    );
    let res = app.get(&forged, Some(&victim)).await;
    assert_refused(&res, "/login?google=unavailable");
    assert_eq!(provider.refusals(), vec!["verifier".to_owned()]);
}

async fn provider_failures_are_answered_on_the_login_page(engine: Engine) {
    let (app, provider) = start_app(engine).await;
    member_with_google_address(&app).await;
    provider.sign_in_as(Identity::verified(GOOGLE_SUB, GOOGLE_ADDRESS));
    for (fault, why) in [
        (Fault::Deny, "cancelled"),
        (Fault::TokenFails, "unavailable"),
        (Fault::UserinfoFails, "unavailable"),
        (Fault::TokenHangs, "unavailable"),
        (Fault::UserinfoGarbage, "unavailable"),
        (Fault::UserinfoHangs, "unavailable"),
    ] {
        provider.fail(fault);
        let res = round(&app, None).await;
        assert_refused(&res, &format!("/login?google={why}"));
    }
    assert_eq!(linked_sub(&app, MEMBER_EMAIL).await, None);
    let page = app.page("/login?google=cancelled", None).await;
    assert!(
        page.contains("Sign-in with Google was cancelled."),
        "{page}"
    );
    let page = app.page("/login?google=unavailable", None).await;
    assert!(page.contains("Google could not be reached."), "{page}");
    // A value the server never sends shows nothing.
    let page = app.page("/login?google=%3Cb%3E", None).await;
    assert!(!page.contains("role=\"alert\""), "{page}");
}

async fn hidden_and_closed_without_configuration(engine: Engine) {
    let app = TestApp::start(engine).await;
    let login = app.page("/login", None).await;
    assert!(!login.contains("Sign in with Google"), "{login}");
    assert!(
        !app.page("/login-help", None)
            .await
            .contains("Sign in with Google")
    );
    app.add_member().await;
    let session = app.sign_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    let security = app.page("/account/security", Some(&session)).await;
    assert!(!security.contains("Google account"), "{security}");
    app.auth
        .create_user(
            &app.customer_number,
            NewUser {
                email: "carla@example.com".into(),
                display_name: String::new(),
                role: Role::User,
                google_email: Some(GOOGLE_ADDRESS.into()),
                password: None,
                lang: Default::default(),
            },
            &RequestMeta::default(),
        )
        .await
        .expect("invite");
    let token = token_after(&last_mail(&app).await, "/welcome/");
    let stepper = app.page(&format!("/welcome/{token}"), None).await;
    assert!(stepper.contains("Enter email"), "{stepper}");
    assert!(!stepper.contains("Sign in with Google"), "{stepper}");
    let res = app.post_form("/auth/google", &[], None).await;
    assert_eq!(res.status(), 404);
    let res = app.get("/auth/google/callback?code=x&state=y", None).await;
    assert_eq!(res.status(), 404);

    let (app, provider) = start_app(engine).await;
    let res = app.get("/login", None).await;
    let policy = header(&res, "content-security-policy");
    assert!(
        policy.contains(&format!("form-action 'self' {}", provider.base)),
        "{policy}"
    );
    let login = res.text().await.expect("page");
    assert!(login.contains("Sign in with Google"), "{login}");
    assert!(login.contains("action=\"/auth/google\""), "{login}");
    let help = app.page("/login-help", None).await;
    assert!(help.contains("Sign in with Google"), "{help}");
    // The start is a state-changing request: not from another site.
    let res = app
        .client
        .post(app.url("/auth/google"))
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 403);
}

async fn google_address(app: &TestApp, email: &str) -> Option<String> {
    sqlx::query("SELECT google_email FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("user")
        .get("google_email")
}

async fn unlink_needs_the_password_and_ends_the_link(engine: Engine) {
    let (app, provider) = start_app(engine).await;
    let id = member_with_google_address(&app).await;
    let elsewhere = app.sign_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    provider.sign_in_as(Identity::verified(GOOGLE_SUB, GOOGLE_ADDRESS));
    let session = session_cookie(&round(&app, None).await).expect("signed in");
    let page = app.page("/account/security", Some(&session)).await;
    assert!(page.contains("Google account"), "{page}");
    assert!(
        page.contains(&format!("Linked to {GOOGLE_ADDRESS} since")),
        "{page}"
    );
    let unlink = |password: &'static str| {
        let session = session.clone();
        let app = &app;
        async move {
            app.post_form(
                "/api/unlink_google",
                &[("current_password", password)],
                Some(&session),
            )
            .await
        }
    };
    assert_eq!(unlink("wrong password here").await.status(), 422);
    assert_eq!(
        linked_sub(&app, MEMBER_EMAIL).await.as_deref(),
        Some(GOOGLE_SUB)
    );
    app.clock.advance(60); // the delay after a wrong password
    let res = unlink(MEMBER_PASSWORD).await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert_eq!(linked_sub(&app, MEMBER_EMAIL).await, None);
    assert_eq!(
        google_address(&app, MEMBER_EMAIL).await,
        None,
        "the address goes too"
    );
    assert_eq!(
        app.get("/", Some(&elsewhere)).await.status(),
        303,
        "every other session ends"
    );
    let page = app.page("/account/security", Some(&session)).await;
    assert!(page.contains("No Google account is linked."), "{page}");
    assert!(
        page.contains("Google account unlinked"),
        "in the activity: {page}"
    );
    // Unlinking again: nothing is linked.
    app.clock.advance(60);
    let res = unlink(MEMBER_PASSWORD).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("body").contains("GoogleNotLinked"));
    // Neither the old address nor the own email links a Google account now.
    assert_refused(&round(&app, None).await, "/login?google=failed");
    provider.sign_in_as(Identity::verified(GOOGLE_SUB, MEMBER_EMAIL));
    assert_refused(&round(&app, None).await, "/login?google=failed");
    assert_eq!(linked_sub(&app, MEMBER_EMAIL).await, None);
    // Until an admin enters an address again.
    let owner = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let res = app
        .post_form(
            "/api/set_google_address",
            &[("user_id", &id.to_string()), ("google_email", MEMBER_EMAIL)],
            Some(&owner),
        )
        .await;
    assert_eq!(res.status(), 200);
    signed_in_as(&app, &round(&app, None).await).await;
    assert_eq!(
        linked_sub(&app, MEMBER_EMAIL).await.as_deref(),
        Some(GOOGLE_SUB)
    );
}

async fn without_a_password_unlink_is_refused(engine: Engine) {
    let (app, provider) = start_app(engine).await;
    invite_with_google_address(&app, GOOGLE_ADDRESS).await;
    provider.sign_in_as(Identity::verified(GOOGLE_SUB, GOOGLE_ADDRESS));
    let session = session_cookie(&round(&app, None).await).expect("signed in");
    let page = app.page("/account/security", Some(&session)).await;
    assert!(page.contains("Choose a password first"), "{page}");
    let res = app
        .post_form(
            "/api/unlink_google",
            &[("current_password", "anything at all")],
            Some(&session),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .expect("body")
            .contains("GoogleUnlinkNeedsPassword")
    );
    assert_eq!(
        linked_sub(&app, MEMBER_EMAIL).await.as_deref(),
        Some(GOOGLE_SUB)
    );
}

async fn admins_edit_the_google_address_which_drops_the_link(engine: Engine) {
    let (app, provider) = start_app(engine).await;
    let id = member_with_google_address(&app).await;
    provider.sign_in_as(Identity::verified(GOOGLE_SUB, GOOGLE_ADDRESS));
    let googles = session_cookie(&round(&app, None).await).expect("signed in");
    let owner = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let page = app.page("/admin/users", Some(&owner)).await;
    assert!(
        page.contains(&format!("aria-label=\"Edit {MEMBER_EMAIL}\"")),
        "{page}"
    );
    assert!(
        page.contains(&format!("value=\"{GOOGLE_ADDRESS}\"")),
        "{page}"
    );
    let edit = |address: &'static str| {
        let id = id.to_string();
        let owner = owner.clone();
        let app = &app;
        async move {
            app.post_form(
                "/api/set_google_address",
                &[("user_id", &id), ("google_email", address)],
                Some(&owner),
            )
            .await
        }
    };
    // Not an address: refused, nothing changes.
    let res = edit("not an address").await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        google_address(&app, MEMBER_EMAIL).await.as_deref(),
        Some(GOOGLE_ADDRESS)
    );
    assert_eq!(
        linked_sub(&app, MEMBER_EMAIL).await.as_deref(),
        Some(GOOGLE_SUB)
    );
    // The same address (in other letters) keeps the link.
    let res = edit("BEN.private@GMAIL.example").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        linked_sub(&app, MEMBER_EMAIL).await.as_deref(),
        Some(GOOGLE_SUB)
    );
    // Another address drops it: the old Google account no longer signs in, the new one links.
    let res = edit(" Ben.Work@Gmail.example ").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        google_address(&app, MEMBER_EMAIL).await.as_deref(),
        Some("ben.work@gmail.example")
    );
    assert_eq!(linked_sub(&app, MEMBER_EMAIL).await, None);
    assert_eq!(
        app.get("/", Some(&googles)).await.status(),
        303,
        "the dropped Google account's session ends"
    );
    assert_refused(&round(&app, None).await, "/login?google=failed");
    provider.sign_in_as(Identity::verified("777", "ben.work@gmail.example"));
    signed_in_as(&app, &round(&app, None).await).await;
    assert_eq!(linked_sub(&app, MEMBER_EMAIL).await.as_deref(), Some("777"));
    let changed: Vec<Option<i64>> = sqlx::query(
        "SELECT actor_id FROM audit_events WHERE event = 'google_address_changed' ORDER BY id",
    )
    .fetch_all(&app.auth.store.pool)
    .await
    .expect("audit")
    .iter()
    .map(|r| r.get("actor_id"))
    .collect();
    assert_eq!(
        changed,
        vec![Some(app.owner().await.id)],
        "once, by the owner"
    );
    // Empty: Google sign-in is off for the user, not even their own email links.
    assert_eq!(edit("").await.status(), 200);
    assert_eq!(google_address(&app, MEMBER_EMAIL).await, None);
    assert_eq!(linked_sub(&app, MEMBER_EMAIL).await, None);
    provider.sign_in_as(Identity::verified("777", MEMBER_EMAIL));
    assert_refused(&round(&app, None).await, "/login?google=failed");

    // Another admin may change neither the owner's nor another admin's address (that would let
    // them in as that admin), and nobody a user of another account.
    app.auth
        .create_user(
            &app.customer_number,
            NewUser {
                email: "second.admin@example.com".into(),
                display_name: String::new(),
                role: Role::Admin,
                google_email: None,
                password: Some(pforte_auth::secret::Password::new(
                    OTHER_ADMIN_PASSWORD.into(),
                )),
                lang: Default::default(),
            },
            &RequestMeta::default(),
        )
        .await
        .expect("second admin");
    let second = app
        .sign_in("second.admin@example.com", OTHER_ADMIN_PASSWORD)
        .await;
    let owner_id = app.owner().await.id.to_string();
    let res = app
        .post_form(
            "/api/set_google_address",
            &[
                ("user_id", &owner_id),
                ("google_email", "mine@gmail.example"),
            ],
            Some(&second),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(google_address(&app, OWNER_EMAIL).await, None);
    let page = app.page("/admin/users", Some(&second)).await;
    assert!(!page.contains(&format!("Edit {OWNER_EMAIL}")), "{page}");
    assert!(page.contains(&format!("Edit {MEMBER_EMAIL}")), "{page}");
    assert!(
        page.contains("Edit second.admin@example.com"),
        "their own: {page}"
    );
    app.add_other_account().await;
    let other = app.sign_in(OTHER_ADMIN_EMAIL, OTHER_ADMIN_PASSWORD).await;
    let res = app
        .post_form(
            "/api/set_google_address",
            &[
                ("user_id", &id.to_string()),
                ("google_email", "mine@gmail.example"),
            ],
            Some(&other),
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(google_address(&app, MEMBER_EMAIL).await, None);
}

async fn an_entered_address_excludes_the_pforte_email_and_names_one_user(engine: Engine) {
    let (app, provider) = start_app(engine).await;
    let member = member_with_google_address(&app).await;
    // The member's own email, verified at Google: not theirs to use, an admin named another.
    provider.sign_in_as(Identity::verified(GOOGLE_SUB, MEMBER_EMAIL));
    assert_refused(&round(&app, None).await, "/login?google=failed");
    let create = |email: &'static str, google: Option<&'static str>| {
        let app = &app;
        async move {
            app.auth
                .create_user(
                    &app.customer_number,
                    NewUser {
                        email: email.into(),
                        display_name: String::new(),
                        role: Role::User,
                        google_email: google.map(Into::into),
                        password: Some(pforte_auth::secret::Password::new(
                            OTHER_ADMIN_PASSWORD.into(),
                        )),
                        lang: Default::default(),
                    },
                    &RequestMeta::default(),
                )
                .await
        }
    };
    // An address that names another user (their email, or the address entered for them) is
    // refused when an admin enters it, creating a user or editing one; nothing changes.
    let taken = |result: Result<_, AuthError>| {
        matches!(
            result,
            Err(AuthError::Invalid {
                field: "google_email",
                problem: Msg::GoogleAddressTaken
            })
        )
    };
    assert!(taken(create("carla@example.com", Some(OWNER_EMAIL)).await));
    assert!(taken(
        create("carla@example.com", Some(GOOGLE_ADDRESS)).await
    ));
    let owner = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let res = app
        .post_form(
            "/api/set_google_address",
            &[
                ("user_id", &member.to_string()),
                ("google_email", OWNER_EMAIL),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap_or_default()
            .contains("GoogleAddressTaken"),
        "the refusal names the problem"
    );
    assert_eq!(
        google_address(&app, MEMBER_EMAIL).await.as_deref(),
        Some(GOOGLE_ADDRESS)
    );
    // A user created later whose email is an address already entered for another: the entered
    // address wins, the new user's email links nothing.
    let later = "later@gmail.example";
    create("carla@example.com", Some(later))
        .await
        .expect("carla");
    create(later, None).await.expect("a user with that email");
    provider.sign_in_as(Identity::verified("888", later));
    signed_in_as(&app, &round(&app, None).await).await;
    assert_eq!(
        linked_sub(&app, "carla@example.com").await.as_deref(),
        Some("888")
    );
    assert_eq!(linked_sub(&app, later).await, None);
    // Across company accounts the entered address does not win: another account's admin
    // entered this account's user's email (before that user existed): neither links.
    app.add_other_account().await;
    let cross = "cross@gmail.example";
    sqlx::query("UPDATE users SET google_email = $1 WHERE email = $2")
        .bind(cross)
        .bind(OTHER_ADMIN_EMAIL)
        .execute(&app.auth.store.pool)
        .await
        .expect("entered in the other account");
    create(cross, None).await.expect("a user with that email");
    provider.sign_in_as(Identity::verified("555", cross));
    assert_refused(&round(&app, None).await, "/login?google=failed");
    assert_eq!(linked_sub(&app, OTHER_ADMIN_EMAIL).await, None);
    assert_eq!(linked_sub(&app, cross).await, None);
    // A user with neither an entered address nor a link: saving an empty address turns Google
    // sign-in off for them (their own email links nothing); saving it again changes nothing.
    let dora = create("dora@example.com", None).await.expect("dora").id;
    for _ in 0..2 {
        let res = app
            .post_form(
                "/api/set_google_address",
                &[("user_id", &dora.to_string()), ("google_email", "")],
                Some(&owner),
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    let changes = sqlx::query(
        "SELECT COUNT(*) AS n FROM audit_events WHERE event = 'google_address_changed' \
         AND user_id = $1",
    )
    .bind(dora)
    .fetch_one(&app.auth.store.pool)
    .await
    .expect("audit")
    .get::<i64, _>("n");
    assert_eq!(changes, 1);
    provider.sign_in_as(Identity::verified("666", "dora@example.com"));
    assert_refused(&round(&app, None).await, "/login?google=failed");
    // Two users named by the same address (as data written before the rule): neither links.
    sqlx::query("UPDATE users SET google_email = $1 WHERE email = $2")
        .bind(GOOGLE_ADDRESS)
        .bind(later)
        .execute(&app.auth.store.pool)
        .await
        .expect("same address");
    provider.sign_in_as(Identity::verified("999", GOOGLE_ADDRESS));
    assert_refused(&round(&app, None).await, "/login?google=failed");
    let reasons: Vec<String> = events(&app, "sign_in_google")
        .await
        .into_iter()
        .map(|(_, d)| d)
        .filter(|d| d.starts_with("no user") || d.starts_with("address"))
        .collect();
    assert_eq!(
        reasons,
        vec![
            "no user with this address",
            "address names several users",
            "no user with this address",
            "address names several users"
        ]
    );
    assert_eq!(linked_sub(&app, MEMBER_EMAIL).await, None);
}

async fn parallel_callbacks_sign_in_once(engine: Engine) {
    let (app, provider) = start_app(engine).await;
    member_with_google_address(&app).await;
    provider.sign_in_as(Identity::verified(GOOGLE_SUB, GOOGLE_ADDRESS));
    let (browser, location) = start(&app, None, None).await;
    let callback = at_provider(&app, &location).await;
    let (a, b, c) = tokio::join!(
        app.get(&callback, Some(&browser)),
        app.get(&callback, Some(&browser)),
        app.get(&callback, Some(&browser)),
    );
    let sessions = [&a, &b, &c]
        .iter()
        .filter(|r| session_cookie(r).is_some())
        .count();
    assert_eq!(sessions, 1, "exactly one callback signs in");
    assert_eq!(
        provider.refusals(),
        Vec::<String>::new(),
        "the others never reached the provider"
    );
}

async fn refusals_count_against_the_ip(engine: Engine) {
    let (app, provider) = start_app_with(engine, |s| s.ip_sign_in_failures = 3).await;
    member_with_google_address(&app).await;
    provider.sign_in_as(Identity::verified(GOOGLE_SUB, GOOGLE_ADDRESS));
    let mut answers = Vec::new();
    for _ in 0..5 {
        let res = app.get("/auth/google/callback?code=x&state=y", None).await;
        assert_eq!(res.status(), 303);
        answers.push(header(&res, "location"));
    }
    assert_eq!(answers[0], "/login?google=failed");
    assert_eq!(answers[4], "/login?google=too-many");
    let recorded = events(&app, "sign_in_google").await.len();
    assert!(recorded <= 4, "nothing recorded past the limit: {recorded}");
    // Starting is refused too (with Retry-After), and the page says why.
    let res = app.post_form("/auth/google", &[], None).await;
    assert_eq!(res.status(), 303);
    assert_eq!(header(&res, "location"), "/login?google=too-many");
    assert!(!header(&res, "retry-after").is_empty());
    let page = app.page("/login?google=too-many", None).await;
    assert!(page.contains("Too many sign-in attempts"), "{page}");
}

async fn the_redirect_uri_ignores_the_host_header(engine: Engine) {
    let (app, provider) = start_app(engine).await;
    member_with_google_address(&app).await;
    let res = app
        .client
        .post(app.url("/auth/google"))
        .header("host", "evil.example")
        .header("origin", PUBLIC_URL)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("next=%2F")
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 303);
    let location = header(&res, "location");
    assert!(location.starts_with(&provider.base), "{location}");
    let redirect: String = url::form_urlencoded::byte_serialize(
        format!("{PUBLIC_URL}/auth/google/callback").as_bytes(),
    )
    .collect();
    assert!(
        location.contains(&format!("redirect_uri={redirect}")),
        "{location}"
    );
    assert!(!location.contains("evil"), "{location}");
}

crate::dual!(
    links_by_the_admin_entered_address_then_signs_in_by_sub,
    the_pforte_email_links_too_but_only_verified,
    nobody_and_disabled_users_are_refused_alike,
    an_invited_user_is_activated_and_the_invitation_used_up,
    two_factor_is_still_asked,
    state_is_bound_to_the_browser_and_used_once,
    a_code_with_another_sign_ins_verifier_is_refused,
    provider_failures_are_answered_on_the_login_page,
    hidden_and_closed_without_configuration,
    unlink_needs_the_password_and_ends_the_link,
    without_a_password_unlink_is_refused,
    admins_edit_the_google_address_which_drops_the_link,
    an_entered_address_excludes_the_pforte_email_and_names_one_user,
    parallel_callbacks_sign_in_once,
    refusals_count_against_the_ip,
    the_redirect_uri_ignores_the_host_header,
);
