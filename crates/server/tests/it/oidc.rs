//! Pforte as an OpenID provider, checked by a relying party built from the `openidconnect`
//! crate: discovery, the code flow with PKCE, the signed ID token and its claims, userinfo, and
//! every way a code or a client can be wrong.

use crate::harness::*;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use pforte_auth::oidc::NewClient;
use sqlx::Row;

const REDIRECT: &str = "https://wiki.example.com/oidc/callback";

/// The test server, published at its own address so that the relying party can reach it.
async fn start(engine: Engine) -> TestApp {
    TestApp::start_at_own_address(engine).await
}

/// Registers an application of the owner's account: (client ID, secret unless public).
async fn register(app: &TestApp, public: bool) -> (String, Option<String>) {
    let account = app.owner().await.account_id;
    let (client, secret) = app
        .auth
        .create_client(
            account,
            NewClient {
                name: "Company Wiki".into(),
                redirect_uris: vec![REDIRECT.into(), "http://127.0.0.1:9/cb".into()],
                public,
            },
            &pforte_auth::RequestMeta::new("test", "harness"),
        )
        .await
        .expect("register");
    (client.client_id, secret.map(|s| s.expose().to_owned()))
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

type Rp = openidconnect::Client<
    openidconnect::EmptyAdditionalClaims,
    openidconnect::core::CoreAuthDisplay,
    openidconnect::core::CoreGenderClaim,
    openidconnect::core::CoreJweContentEncryptionAlgorithm,
    openidconnect::core::CoreJsonWebKey,
    openidconnect::core::CoreAuthPrompt,
    openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>,
    openidconnect::core::CoreTokenResponse,
    openidconnect::core::CoreTokenIntrospectionResponse,
    openidconnect::core::CoreRevocableToken,
    openidconnect::core::CoreRevocationErrorResponse,
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// A relying party configured from Pforte's discovery document.
async fn relying_party(app: &TestApp, client_id: &str, secret: Option<String>) -> Rp {
    let metadata = CoreProviderMetadata::discover_async(
        IssuerUrl::new(app.base.clone()).expect("issuer"),
        &http(),
    )
    .await
    .expect("discovery");
    CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(client_id.to_owned()),
        secret.map(ClientSecret::new),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).expect("redirect"))
}

/// One authorization request: its URL and what the relying party keeps to check the answer.
struct Started {
    url: String,
    state: CsrfToken,
    nonce: Nonce,
    verifier: PkceCodeVerifier,
}

fn start_sign_in(rp: &Rp) -> Started {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = rp
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    Started {
        url: url.to_string(),
        state,
        nonce,
        verifier,
    }
}

/// Follows an authorization URL with a browser's cookie; returns the answer.
async fn visit(url: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut req = http().get(url);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    req.send().await.expect("authorize")
}

/// The code in a redirect to the application, after checking `state` and `iss`.
fn code_from(location: &str, started: &Started, issuer: &str) -> String {
    assert!(location.starts_with(REDIRECT), "{location}");
    let url = url::Url::parse(location).expect("location");
    let get = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    assert_eq!(
        get("state").as_deref(),
        Some(started.state.secret().as_str())
    );
    assert_eq!(get("iss").as_deref(), Some(issuer));
    get("code").expect("code")
}

/// Verifies an ID token as the relying party does, at the test clock's time.
fn verify_id_token<'a>(
    rp: &Rp,
    token: &'a CoreIdToken,
    nonce: &Nonce,
    now: i64,
) -> Result<&'a openidconnect::core::CoreIdTokenClaims, openidconnect::ClaimsVerificationError> {
    let at = chrono::DateTime::from_timestamp(now, 0).expect("time");
    token.claims(&rp.id_token_verifier().set_time_fn(move || at), nonce)
}

/// The token endpoint, called by hand (to send what a well-behaved relying party would not).
async fn token_request(app: &TestApp, form: &[(&str, &str)]) -> (u16, serde_json::Value) {
    let res = http()
        .post(app.url("/oauth/token"))
        .form(form)
        .send()
        .await
        .expect("token");
    let status = res.status().as_u16();
    (status, res.json().await.expect("json"))
}

async fn userinfo_status(app: &TestApp, access_token: &str) -> u16 {
    http()
        .get(app.url("/oauth/userinfo"))
        .bearer_auth(access_token)
        .send()
        .await
        .expect("userinfo")
        .status()
        .as_u16()
}

async fn the_code_flow_with_pkce_signs_a_user_in(engine: Engine) {
    let app = start(engine).await;
    let (client_id, secret) = register(&app, false).await;
    let rp = relying_party(&app, &client_id, secret).await;
    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;

    let started = start_sign_in(&rp);
    let res = visit(&started.url, Some(&anna)).await;
    assert_eq!(res.status(), 303, "a signed-in user gets a code at once");
    let code = code_from(&header(&res, "location"), &started, &app.base);

    let tokens = exchange(&rp, code, started.verifier).await.expect("tokens");
    let id_token = tokens.id_token().expect("id token");
    let claims =
        verify_id_token(&rp, id_token, &started.nonce, app.clock_now()).expect("valid ID token");
    let owner = app.owner().await;
    assert_eq!(claims.subject().as_str(), owner.subject);
    assert_eq!(claims.issuer().as_str(), app.base);
    assert_eq!(
        claims.email().map(|e| e.as_str().to_owned()),
        Some(OWNER_EMAIL.to_owned())
    );
    assert_eq!(claims.email_verified(), Some(true));
    assert_eq!(
        claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_owned()),
        Some("Anna Berg".to_owned())
    );
    assert_eq!(
        claims.expiration().timestamp() - claims.issue_time().timestamp(),
        600
    );
    // A token signed for the same client but with another nonce is not this sign-in's.
    assert!(verify_id_token(&rp, id_token, &Nonce::new("other".into()), app.clock_now()).is_err());
    assert_eq!(tokens.expires_in().map(|d| d.as_secs()), Some(600));

    // Userinfo: the same subject, and the company's customer number and role.
    let info: CoreUserInfoClaims = rp
        .user_info(tokens.access_token().clone(), None)
        .expect("userinfo endpoint")
        .request_async(&http())
        .await
        .expect("userinfo");
    assert_eq!(info.subject().as_str(), owner.subject);
    let raw: serde_json::Value = http()
        .get(app.url("/oauth/userinfo"))
        .bearer_auth(tokens.access_token().secret())
        .send()
        .await
        .expect("userinfo")
        .json()
        .await
        .expect("json");
    assert_eq!(raw["pforte_customer_number"], app.customer_number.as_str());
    assert_eq!(raw["pforte_role"], "admin");
    assert_eq!(raw["email"], OWNER_EMAIL);

    // The sign-in to the application is in the user's audit.
    let events: Vec<String> =
        sqlx::query("SELECT detail FROM audit_events WHERE event = 'oidc_sign_in'")
            .fetch_all(&app.auth.store.pool)
            .await
            .expect("audit")
            .iter()
            .map(|r| r.get("detail"))
            .collect();
    assert_eq!(events, vec![format!("Company Wiki ({client_id})")]);

    // Wrong, missing or foreign access tokens get 401: a session token, the ID token.
    let session_token = anna
        .split_once('=')
        .map(|(_, v)| v.to_owned())
        .expect("token");
    let id_token_text = id_token.to_string();
    for bad in [
        "",
        "garbage",
        &"A".repeat(43),
        &session_token,
        &id_token_text,
    ] {
        assert_eq!(userinfo_status(&app, bad).await, 401, "{bad}");
    }
    // After ten minutes the access token is over.
    app.clock.advance(601);
    assert_eq!(
        userinfo_status(&app, tokens.access_token().secret()).await,
        401
    );
}

async fn a_visitor_signs_in_first_and_comes_back(engine: Engine) {
    let app = start(engine).await;
    let (client_id, _) = register(&app, true).await;
    let rp = relying_party(&app, &client_id, None).await;
    let started = start_sign_in(&rp);
    let res = visit(&started.url, None).await;
    assert_eq!(res.status(), 303);
    let login = header(&res, "location");
    assert!(
        login.starts_with("/login?next=/oauth/authorize%3F"),
        "{login}"
    );
    let next = url::Url::parse(&format!("{}{login}", app.base))
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == "next")
        .map(|(_, v)| v.into_owned())
        .expect("next");

    // Pforte's own sign-in carries `next` through every step and ends on /continue, which goes on.
    let session = app.sign_in_to(&next).await;

    // Back at the authorization endpoint: a code for the public client, which proves itself with
    // the PKCE verifier alone.
    let res = visit(&format!("{}{next}", app.base), Some(&session)).await;
    let code = code_from(&header(&res, "location"), &started, &app.base);
    let tokens = exchange(&rp, code, started.verifier).await.expect("tokens");
    let claims = verify_id_token(
        &rp,
        tokens.id_token().expect("id token"),
        &started.nonce,
        app.clock_now(),
    )
    .expect("valid");
    assert_eq!(claims.subject().as_str(), app.owner().await.subject);

    // prompt=none without a session: the application hears `login_required`, no page is shown.
    let url = format!(
        "{}/oauth/authorize?response_type=code&client_id={client_id}&redirect_uri={}&scope=openid&state=s1&prompt=none&code_challenge={}&code_challenge_method=S256",
        app.base,
        url::form_urlencoded::byte_serialize(REDIRECT.as_bytes()).collect::<String>(),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    let res = visit(&url, None).await;
    let location = header(&res, "location");
    assert!(
        location.starts_with(&format!("{REDIRECT}?error=login_required"))
            && location.contains("state=s1"),
        "{location}"
    );
}

async fn bad_requests_are_refused_where_they_belong(engine: Engine) {
    let app = start(engine).await;
    let (client_id, _) = register(&app, true).await;
    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    let authorize = |client: &str, redirect: &str, extra: &str| {
        format!(
            "{}/oauth/authorize?response_type=code&client_id={client}&redirect_uri={}&state=xyz{extra}",
            app.base,
            enc(redirect)
        )
    };
    // An unknown client or a redirect URI not registered exactly: a page, never a redirect.
    for url in [
        authorize("nope", REDIRECT, "&scope=openid"),
        authorize(&client_id, "https://evil.example/cb", "&scope=openid"),
        authorize(&client_id, &format!("{REDIRECT}/"), "&scope=openid"),
        authorize(&client_id, &REDIRECT.to_uppercase(), "&scope=openid"),
        authorize(&client_id, "", "&scope=openid"),
    ] {
        let res = visit(&url, Some(&anna)).await;
        assert_eq!(res.status(), 400, "{url}");
        assert!(header(&res, "location").is_empty(), "{url}");
        assert!(
            res.text()
                .await
                .expect("body")
                .contains("not set up for signing in"),
            "{url}"
        );
    }
    // Anything else goes back to the application with an error and its state.
    for (extra, error) in [
        ("&scope=email", "invalid_scope"),
        ("&scope=openid", "invalid_request"), // a public client without PKCE
        (
            &format!("&scope=openid&code_challenge={challenge}&code_challenge_method=plain"),
            "invalid_request",
        ),
        (
            &format!("&scope=openid&code_challenge={challenge}"),
            "invalid_request",
        ),
        (
            "&scope=openid&code_challenge=short&code_challenge_method=S256",
            "invalid_request",
        ),
    ] {
        let res = visit(&authorize(&client_id, REDIRECT, extra), Some(&anna)).await;
        assert_eq!(res.status(), 303, "{extra}");
        let location = header(&res, "location");
        assert!(
            location.starts_with(&format!("{REDIRECT}?error={error}"))
                && location.contains("state=xyz"),
            "{extra}: {location}"
        );
    }
    // Nobody but the application's own signed-in users is sent back with an error: a visitor
    // cannot use Pforte to reach an address an admin registered.
    let res = visit(&authorize(&client_id, REDIRECT, "&scope=email"), None).await;
    assert_eq!(res.status(), 400);
    assert!(header(&res, "location").is_empty());
    assert!(res.text().await.expect("body").contains("does not support"));
    let res = visit(
        &authorize(&client_id, REDIRECT, "&scope=openid")
            .replace("response_type=code", "response_type=token"),
        Some(&anna),
    )
    .await;
    assert!(header(&res, "location").contains("error=unsupported_response_type"));
    // No code was made by any of it.
    let codes: i64 = sqlx::query("SELECT COUNT(*) AS n FROM oidc_codes")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("count")
        .get("n");
    assert_eq!(codes, 0);
}

/// A code for the confidential client, made for a signed-in Anna.
async fn fresh_code(app: &TestApp, rp: &Rp, cookie: &str) -> (String, Started) {
    let started = start_sign_in(rp);
    let res = visit(&started.url, Some(cookie)).await;
    let code = code_from(&header(&res, "location"), &started, &app.base);
    (code, started)
}

async fn codes_are_bound_single_use_and_short_lived(engine: Engine) {
    let app = start(engine).await;
    let (client_id, secret) = register(&app, false).await;
    let secret = secret.expect("secret");
    let (other_id, other_secret) = register(&app, false).await;
    let other_secret = other_secret.expect("secret");
    let rp = relying_party(&app, &client_id, Some(secret.clone())).await;
    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let form = |code: &str, verifier: &str, redirect: &str, id: &str, secret: &str| {
        vec![
            ("grant_type".to_owned(), "authorization_code".to_owned()),
            ("code".to_owned(), code.to_owned()),
            ("code_verifier".to_owned(), verifier.to_owned()),
            ("redirect_uri".to_owned(), redirect.to_owned()),
            ("client_id".to_owned(), id.to_owned()),
            ("client_secret".to_owned(), secret.to_owned()),
        ]
    };
    let send = |form: Vec<(String, String)>| {
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            token_request(app, &pairs).await
        }
    };

    // A wrong verifier: refused, and the code is used up.
    let (code, started) = fresh_code(&app, &rp, &anna).await;
    let verifier = started.verifier.secret().clone();
    let wrong = "x".repeat(43);
    let (status, body) = send(form(&code, &wrong, REDIRECT, &client_id, &secret)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, _) = send(form(&code, &verifier, REDIRECT, &client_id, &secret)).await;
    assert_eq!(status, 400, "a code works once, even after a refusal");

    // A redirect URI other than the one the code was made for.
    let (code, started) = fresh_code(&app, &rp, &anna).await;
    let verifier = started.verifier.secret().clone();
    let (status, body) = send(form(
        &code,
        &verifier,
        "http://127.0.0.1:9/cb",
        &client_id,
        &secret,
    ))
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    // Another client, with its own right secret, cannot use this client's code, nor use it up.
    let (code, started) = fresh_code(&app, &rp, &anna).await;
    let verifier = started.verifier.secret().clone();
    let (status, body) = send(form(&code, &verifier, REDIRECT, &other_id, &other_secret)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, _) = send(form(&code, &verifier, REDIRECT, &client_id, &secret)).await;
    assert_eq!(status, 200, "the code still works for its own client");

    // A wrong secret, or none, is not this client.
    let (code, started) = fresh_code(&app, &rp, &anna).await;
    let verifier = started.verifier.secret().clone();
    for bad in ["", "wrong", &other_secret] {
        let (status, body) = send(form(&code, &verifier, REDIRECT, &client_id, bad)).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (401, Some("invalid_client")),
            "{bad}"
        );
    }
    // ... and the right one still works for that code: a wrong client does not use it up.
    let (status, body) = send(form(&code, &verifier, REDIRECT, &client_id, &secret)).await;
    assert_eq!(status, 200, "{body}");

    // Expired after 60 seconds.
    let (code, started) = fresh_code(&app, &rp, &anna).await;
    let verifier = started.verifier.secret().clone();
    app.clock.advance(61);
    let (status, body) = send(form(&code, &verifier, REDIRECT, &client_id, &secret)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    // A code used twice: the second use is refused and revokes what the first produced.
    let (code, started) = fresh_code(&app, &rp, &anna).await;
    let verifier = started.verifier.secret().clone();
    let (status, first) = send(form(&code, &verifier, REDIRECT, &client_id, &secret)).await;
    assert_eq!(status, 200);
    let access = first["access_token"]
        .as_str()
        .expect("access token")
        .to_owned();
    assert_eq!(userinfo_status(&app, &access).await, 200);
    let (status, body) = send(form(&code, &verifier, REDIRECT, &client_id, &secret)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert_eq!(userinfo_status(&app, &access).await, 401, "revoked");
    let reused: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM audit_events WHERE event = 'oidc_code_reused'")
            .fetch_one(&app.auth.store.pool)
            .await
            .expect("count")
            .get("n");
    assert_eq!(
        reused, 2,
        "this one, and the code tried again after a wrong verifier"
    );

    // HTTP Basic works as well as the form; other grant types are not offered.
    let (code, started) = fresh_code(&app, &rp, &anna).await;
    let res = http()
        .post(app.url("/oauth/token"))
        .basic_auth(&client_id, Some(&secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("code_verifier", started.verifier.secret().as_str()),
            ("redirect_uri", REDIRECT),
        ])
        .send()
        .await
        .expect("token");
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "cache-control"), "no-store");
    let (status, body) = token_request(
        &app,
        &[
            ("grant_type", "password"),
            ("client_id", &client_id),
            ("client_secret", &secret),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    // Garbage never gets a 5xx.
    let res = http()
        .post(app.url("/oauth/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("%%%&&&===")
        .send()
        .await
        .expect("token");
    assert!(res.status().is_client_error(), "{}", res.status());
}

async fn only_active_users_of_the_clients_account(engine: Engine) {
    let app = start(engine).await;
    let (client_id, secret) = register(&app, false).await;
    let secret = secret.expect("secret");
    let rp = relying_party(&app, &client_id, Some(secret.clone())).await;

    // A user of another company account: a clear page, no code.
    app.add_other_account().await;
    let eve = app.sign_in(OTHER_ADMIN_EMAIL, OTHER_ADMIN_PASSWORD).await;
    let started = start_sign_in(&rp);
    let res = visit(&started.url, Some(&eve)).await;
    assert_eq!(res.status(), 403);
    assert!(header(&res, "location").is_empty());
    assert_eq!(
        res.text().await.expect("body").trim(),
        "You have no access to Company Wiki. Please ask your administrator."
    );
    let res = app
        .client
        .get(&started.url)
        .header("cookie", &eve)
        .header("accept-language", "de")
        .send()
        .await
        .expect("authorize");
    assert!(
        res.text()
            .await
            .expect("body")
            .contains("Sie haben keinen Zugriff auf Company Wiki")
    );

    // A member deactivated after their code was made gets no tokens; a token already issued
    // stops working.
    let member = app.add_member().await;
    let ben = app.sign_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    let (first, started) = fresh_code(&app, &rp, &ben).await;
    let tokens = exchange(&rp, first, started.verifier)
        .await
        .expect("tokens");
    let (code, started) = fresh_code(&app, &rp, &ben).await;
    let owner = app.owner().await;
    app.auth
        .set_user_active(
            &owner,
            member,
            false,
            &pforte_auth::RequestMeta::new("test", "harness"),
        )
        .await
        .expect("deactivate");
    let refused = exchange(&rp, code, started.verifier).await;
    assert!(refused.is_err(), "a deactivated user gets no tokens");
    assert_eq!(
        userinfo_status(&app, tokens.access_token().secret()).await,
        401
    );
}

async fn rotated_keys_stay_published_until_their_tokens_expire(engine: Engine) {
    let app = start(engine).await;
    let (client_id, secret) = register(&app, false).await;
    let rp = relying_party(&app, &client_id, secret.clone()).await;
    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let exchange = |rp: Rp, code: String, verifier: PkceCodeVerifier| async move {
        exchange(&rp, code, verifier).await.expect("tokens")
    };
    let kid_of = |token: &CoreIdToken| -> String {
        let header = token.to_string();
        let first = header.split('.').next().expect("header");
        let bytes =
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, first)
                .expect("base64");
        let json: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
        assert_eq!(json["alg"], "EdDSA");
        json["kid"].as_str().expect("kid").to_owned()
    };
    let (code, started) = fresh_code(&app, &rp, &anna).await;
    let old = exchange(rp.clone(), code, started.verifier).await;
    let old_token = old.id_token().expect("id token").clone();
    let old_kid = kid_of(&old_token);

    let new_kid = app
        .auth
        .rotate_signing_key(&pforte_auth::RequestMeta::new("test", "harness"))
        .await
        .expect("rotate");
    assert_ne!(new_kid, old_kid);
    // A relying party that fetches the keys now checks both the old token and a new one.
    let rp = relying_party(&app, &client_id, secret.clone()).await;
    assert!(verify_id_token(&rp, &old_token, &started.nonce, app.clock_now()).is_ok());
    let (code, started) = fresh_code(&app, &rp, &anna).await;
    let new = exchange(rp.clone(), code, started.verifier).await;
    let new_token = new.id_token().expect("id token");
    assert_eq!(kid_of(new_token), new_kid);
    assert!(verify_id_token(&rp, new_token, &started.nonce, app.clock_now()).is_ok());

    // A day later the old key is gone from the JWKS.
    app.clock.advance(pforte_auth::oidc::RETIRED_KEY_SECS + 1);
    let jwks: serde_json::Value = http()
        .get(app.url("/oauth/jwks"))
        .send()
        .await
        .expect("jwks")
        .json()
        .await
        .expect("json");
    let kids: Vec<&str> = jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| k["kid"].as_str().expect("kid"))
        .collect();
    assert_eq!(kids, vec![new_kid.as_str()]);
    // The private keys are stored sealed, never as PKCS#8 in the clear.
    let sealed: Vec<String> = sqlx::query("SELECT private_key FROM oidc_keys")
        .fetch_all(&app.auth.store.pool)
        .await
        .expect("keys")
        .iter()
        .map(|r| r.get("private_key"))
        .collect();
    assert_eq!(sealed.len(), 2);
    assert!(
        sealed.iter().all(|k| !k.starts_with("MC4CAQAw")),
        "{sealed:?}"
    );
    // The sweeper deletes the key no longer published.
    app.auth.sweep().await.expect("sweep");
    let kept: i64 = sqlx::query("SELECT COUNT(*) AS n FROM oidc_keys")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("keys")
        .get("n");
    assert_eq!(kept, 1);
}

/// The token endpoint, called by the relying party with a code and its verifier.
async fn exchange(
    rp: &Rp,
    code: String,
    verifier: PkceCodeVerifier,
) -> Result<
    openidconnect::core::CoreTokenResponse,
    openidconnect::RequestTokenError<
        openidconnect::HttpClientError<reqwest::Error>,
        openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>,
    >,
> {
    rp.exchange_code(AuthorizationCode::new(code))
        .expect("token endpoint")
        .set_pkce_verifier(verifier)
        .request_async(&http())
        .await
}

/// The tokens for the user of `cookie`, from a whole code flow.
async fn tokens_for(
    app: &TestApp,
    rp: &Rp,
    cookie: &str,
) -> openidconnect::core::CoreTokenResponse {
    let (code, started) = fresh_code(app, rp, cookie).await;
    exchange(rp, code, started.verifier).await.expect("tokens")
}

/// An ID token for the user of `cookie`, from a whole code flow.
async fn id_token_for(app: &TestApp, rp: &Rp, cookie: &str) -> String {
    let tokens = tokens_for(app, rp, cookie).await;
    tokens.id_token().expect("id token").to_string()
}

async fn logout_ends_the_session_and_returns_only_to_registered_uris(engine: Engine) {
    let app = start(engine).await;
    let (client_id, secret) = register(&app, false).await;
    let rp = relying_party(&app, &client_id, secret).await;
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let logout = |hint: &str, uri: &str| {
        format!(
            "{}/oauth/logout?id_token_hint={}&post_logout_redirect_uri={}&state=bye",
            app.base,
            enc(hint),
            enc(uri)
        )
    };
    let signed_in = |cookie: String| {
        let app = &app;
        async move { app.get("/", Some(&cookie)).await.status() == 200 }
    };
    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let hint = id_token_for(&app, &rp, &anna).await;

    // Without a hint Pforte signed, nothing happens: another site can neither sign the user out
    // nor use the logout as a redirect. The user lands on `/`, where "Log out" is.
    let forged = {
        let mut parts: Vec<&str> = hint.split('.').collect();
        parts[2] = "AAAA";
        parts.join(".")
    };
    for bad in ["", "garbage", forged.as_str()] {
        let res = visit(&logout(bad, REDIRECT), Some(&anna)).await;
        assert_eq!(res.status(), 303);
        assert_eq!(header(&res, "location"), "/", "{bad}");
        assert!(
            signed_in(anna.clone()).await,
            "still signed in after {bad:?}"
        );
    }
    // A hint for another user does not sign Anna out either.
    app.add_member().await;
    let ben = app.sign_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    let bens_hint = id_token_for(&app, &rp, &ben).await;
    let res = visit(&logout(&bens_hint, REDIRECT), Some(&anna)).await;
    assert_eq!(header(&res, "location"), "/");
    assert!(signed_in(anna.clone()).await);

    // Her own hint with an address the client did not register: signed out, to Pforte's sign-in.
    let res = visit(&logout(&hint, "https://evil.example/"), Some(&anna)).await;
    assert_eq!(header(&res, "location"), "/login");
    assert!(!signed_in(anna.clone()).await, "the session is over");

    // Her own hint (an expired one still counts) with a registered address: back there with
    // `state`, the cookie cleared.
    // (An hour later, with a fresh sign-in: the hint has expired by then.)
    app.clock.advance(3600);
    let anna_again = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let res = visit(&logout(&hint, REDIRECT), Some(&anna_again)).await;
    assert_eq!(header(&res, "location"), format!("{REDIRECT}?state=bye"));
    assert!(set_cookies(&res).iter().any(|c| c.contains("Max-Age=0")));
    assert!(!signed_in(anna_again).await);
}

async fn prompt_login_and_max_age_ask_for_a_fresh_sign_in(engine: Engine) {
    let app = start(engine).await;
    let (client_id, secret) = register(&app, false).await;
    let rp = relying_party(&app, &client_id, secret).await;
    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    let authorize = |extra: &str| {
        format!(
            "{}/oauth/authorize?response_type=code&client_id={client_id}&redirect_uri={}&scope=openid&state=s&code_challenge={challenge}&code_challenge_method=S256{extra}",
            app.base,
            url::form_urlencoded::byte_serialize(REDIRECT.as_bytes()).collect::<String>(),
        )
    };
    let next_of = |location: &str| {
        url::Url::parse(&format!("{}{location}", app.base))
            .expect("url")
            .query_pairs()
            .find(|(k, _)| k == "next")
            .map(|(_, v)| v.into_owned())
            .expect("next")
    };

    // A fresh sign-in passes max_age; prompt=login asks for another, and the way back no longer
    // asks for it (else the sign-in would go round).
    let res = visit(&authorize("&max_age=60"), Some(&anna)).await;
    assert!(header(&res, "location").starts_with(REDIRECT));
    let res = visit(&authorize("&prompt=login%20consent"), Some(&anna)).await;
    let location = header(&res, "location");
    assert!(
        location.starts_with("/login?next=/oauth/authorize%3F"),
        "{location}"
    );
    let next = next_of(&location);
    assert!(
        next.contains("prompt=consent") && !next.contains("login"),
        "{next}"
    );

    // Two minutes later, max_age=60 wants a new sign-in; after it, a code whose ID token says so.
    app.clock.advance(120);
    let res = visit(&authorize("&max_age=60"), Some(&anna)).await;
    let next = next_of(&header(&res, "location"));
    assert!(
        !next.contains("max_age"),
        "the fresh sign-in answers it: {next}"
    );
    // With prompt=none the application hears `login_required` instead of a page.
    let res = visit(&authorize("&max_age=60&prompt=none"), Some(&anna)).await;
    assert!(header(&res, "location").starts_with(&format!("{REDIRECT}?error=login_required")));
    let fresh = app.sign_in_to(&next).await;
    let res = visit(&format!("{}{next}", app.base), Some(&fresh)).await;
    let code = url::Url::parse(&header(&res, "location"))
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("code");
    let tokens = exchange(
        &rp,
        code,
        PkceCodeVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into()),
    )
    .await
    .expect("tokens");
    let id_token = tokens.id_token().expect("id token").to_string();
    let payload = id_token.split('.').nth(1).expect("payload");
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
            .expect("base64"),
    )
    .expect("json");
    assert_eq!(claims["auth_time"], app.clock_now());

    // Prompts Pforte does not know, and `none` with others, are refused.
    for extra in [
        "&prompt=bogus",
        "&prompt=none%20login",
        "&max_age=-1",
        "&max_age=soon",
    ] {
        let res = visit(&authorize(extra), Some(&fresh)).await;
        assert!(
            header(&res, "location").starts_with(&format!("{REDIRECT}?error=invalid_request")),
            "{extra}"
        );
    }
}

async fn tokens_end_with_the_sessions_and_are_swept(engine: Engine) {
    let app = start(engine).await;
    let (client_id, secret) = register(&app, false).await;
    let rp = relying_party(&app, &client_id, secret).await;
    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    // What an application got ends with the Pforte session it came from: "Sign out everywhere
    // else" ends the other browser's, not this one's.
    let access =
        |tokens: openidconnect::core::CoreTokenResponse| tokens.access_token().secret().clone();
    let here = access(tokens_for(&app, &rp, &anna).await);
    let elsewhere_session = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let elsewhere = access(tokens_for(&app, &rp, &elsewhere_session).await);
    assert_eq!(userinfo_status(&app, &elsewhere).await, 200);
    let res = app
        .post_form("/api/sign_out_elsewhere", &[], Some(&anna))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(userinfo_status(&app, &elsewhere).await, 401);
    assert_eq!(userinfo_status(&app, &here).await, 200);

    // "Log out" ends this session's tokens, and a code made in it is no longer exchanged.
    let (code, started) = fresh_code(&app, &rp, &anna).await;
    let res = app.post_form("/api/log_out", &[], Some(&anna)).await;
    assert!(res.status().is_success() || res.status().is_redirection());
    assert_eq!(userinfo_status(&app, &here).await, 401);
    let refused = exchange(&rp, code, started.verifier).await;
    assert!(refused.is_err(), "the code ended with the session");
    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;

    // Codes and tokens that are over are swept; live ones stay.
    tokens_for(&app, &rp, &anna).await;
    let swept = app.auth.sweep().await.expect("sweep");
    assert_eq!(swept.app_codes_and_tokens, 0);
    app.clock.advance(pforte_auth::oidc::ACCESS_TOKEN_SECS + 61);
    let swept = app.auth.sweep().await.expect("sweep");
    assert_eq!(
        swept.app_codes_and_tokens, 2,
        "the last code and its token, now over (the others ended with their sessions)"
    );
}

async fn discovery_names_every_endpoint(engine: Engine) {
    let app = start(engine).await;
    let doc: serde_json::Value = http()
        .get(app.url("/.well-known/openid-configuration"))
        .send()
        .await
        .expect("discovery")
        .json()
        .await
        .expect("json");
    assert_eq!(doc["issuer"], app.base.as_str());
    for (field, path) in [
        ("authorization_endpoint", "/oauth/authorize"),
        ("token_endpoint", "/oauth/token"),
        ("userinfo_endpoint", "/oauth/userinfo"),
        ("jwks_uri", "/oauth/jwks"),
        ("end_session_endpoint", "/oauth/logout"),
    ] {
        assert_eq!(doc[field], format!("{}{path}", app.base), "{field}");
    }
    assert_eq!(
        doc["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(
        doc["id_token_signing_alg_values_supported"],
        serde_json::json!(["EdDSA"])
    );
    let jwks: serde_json::Value = http()
        .get(app.url("/oauth/jwks"))
        .send()
        .await
        .expect("jwks")
        .json()
        .await
        .expect("json");
    let key = &jwks["keys"][0];
    assert_eq!(
        (key["kty"].as_str(), key["crv"].as_str()),
        (Some("OKP"), Some("Ed25519"))
    );
    assert!(key.get("d").is_none(), "no private part is published");
}

async fn admins_manage_their_accounts_applications(engine: Engine) {
    let app = start(engine).await;
    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    app.add_member().await;
    let ben = app.sign_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
    let uris = format!("{REDIRECT}\r\nhttp://127.0.0.1:9/cb\n");
    let create = [("name", "Company Wiki"), ("redirect_uris", uris.as_str())];

    // Plain users may neither see the page nor call the functions.
    assert_eq!(app.get("/admin/apps", Some(&ben)).await.status(), 403);
    assert_eq!(
        app.post_form("/api/create_app", &create, Some(&ben))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.post_form("/api/list_apps", &[], Some(&ben))
            .await
            .status(),
        403
    );

    // An admin adds one: its client ID and secret come back once.
    let res = app.post_form("/api/create_app", &create, Some(&anna)).await;
    assert_eq!(res.status(), 200);
    let made: serde_json::Value = res.json().await.expect("json");
    let client_id = made["client_id"].as_str().expect("client id").to_owned();
    let secret = made["secret"].as_str().expect("secret").to_owned();
    let page = app.page("/admin/apps", Some(&anna)).await;
    for text in [
        "Applications",
        "Company Wiki",
        client_id.as_str(),
        REDIRECT,
        "Confidential (with client secret)",
        "Add application",
    ] {
        assert!(page.contains(text), "{text}");
    }
    assert!(!page.contains(&secret), "the secret is never shown again");

    // It works with that secret, and "New secret" replaces it.
    let rp = relying_party(&app, &client_id, Some(secret.clone())).await;
    let (code, started) = fresh_code(&app, &rp, &anna).await;
    assert!(exchange(&rp, code, started.verifier).await.is_ok());
    let res = app
        .post_form(
            "/api/rotate_app_secret",
            &[("client_id", &client_id)],
            Some(&anna),
        )
        .await;
    let rotated: serde_json::Value = res.json().await.expect("json");
    let new_secret = rotated["secret"].as_str().expect("secret").to_owned();
    assert_ne!(new_secret, secret);
    let (code, started) = fresh_code(&app, &rp, &anna).await;
    let old = exchange(
        &rp,
        code.clone(),
        PkceCodeVerifier::new(started.verifier.secret().clone()),
    )
    .await;
    assert!(old.is_err(), "the old secret stopped working");
    let rp = relying_party(&app, &client_id, Some(new_secret)).await;
    assert!(
        exchange(&rp, code, started.verifier).await.is_ok(),
        "the new one works (the code was not used up by the wrong secret)"
    );

    // Bad input is refused naming the field, and changes nothing.
    let res = app
        .post_form(
            "/api/create_app",
            &[
                ("name", "Bad"),
                ("redirect_uris", "http://wiki.example.com/cb"),
            ],
            Some(&anna),
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .post_form(
            "/api/create_app",
            &[("name", ""), ("redirect_uris", REDIRECT)],
            Some(&anna),
        )
        .await;
    assert_eq!(res.status(), 422);

    // Another account's admin cannot touch it.
    app.add_other_account().await;
    let eve = app.sign_in(OTHER_ADMIN_EMAIL, OTHER_ADMIN_PASSWORD).await;
    for path in ["/api/rotate_app_secret", "/api/delete_app"] {
        let res = app
            .post_form(path, &[("client_id", &client_id)], Some(&eve))
            .await;
        assert_eq!(res.status(), 400, "{path}");
    }
    assert!(
        !app.page("/admin/apps", Some(&eve))
            .await
            .contains("Company Wiki")
    );

    // "Delete for good": the application is gone, and so are its sign-ins.
    let res = app
        .post_form("/api/delete_app", &[("client_id", &client_id)], Some(&anna))
        .await;
    assert_eq!(res.status(), 200);
    assert!(app.auth.client(&client_id).await.expect("query").is_none());
    let started = start_sign_in(&rp);
    assert_eq!(visit(&started.url, Some(&anna)).await.status(), 400);
    let events: Vec<String> =
        sqlx::query("SELECT event FROM audit_events WHERE event LIKE 'oidc_client_%' ORDER BY id")
            .fetch_all(&app.auth.store.pool)
            .await
            .expect("audit")
            .iter()
            .map(|r| r.get("event"))
            .collect();
    assert_eq!(
        events,
        [
            "oidc_client_created",
            "oidc_client_secret_rotated",
            "oidc_client_deleted"
        ]
    );
}

crate::dual!(
    admins_manage_their_accounts_applications,
    the_code_flow_with_pkce_signs_a_user_in,
    a_visitor_signs_in_first_and_comes_back,
    bad_requests_are_refused_where_they_belong,
    codes_are_bound_single_use_and_short_lived,
    only_active_users_of_the_clients_account,
    rotated_keys_stay_published_until_their_tokens_expire,
    logout_ends_the_session_and_returns_only_to_registered_uris,
    discovery_names_every_endpoint,
    tokens_end_with_the_sessions_and_are_swept,
    prompt_login_and_max_age_ask_for_a_fresh_sign_in,
);
