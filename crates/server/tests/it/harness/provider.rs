//! A small OpenID provider on a free port, in the test process: `/authorize` approves at once
//! (or denies) for the identity a test sets, `/token` checks the client, the code (single use),
//! the redirect URI and the PKCE verifier against the S256 challenge, and `/userinfo` answers for
//! the access token. A test can make either call fail or hang.

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use serde_json::{Value, json};
use sha2::Digest;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const CLIENT_ID: &str = "pforte-test-client";
pub const CLIENT_SECRET: &str = "pforte-test-secret";

/// What `/userinfo` says about the person who "signs in" at the provider.
#[derive(Clone, Debug)]
pub struct Identity {
    pub sub: String,
    pub email: String,
    pub email_verified: Value,
}

impl Identity {
    pub fn verified(sub: &str, email: &str) -> Identity {
        Identity {
            sub: sub.into(),
            email: email.into(),
            email_verified: Value::Bool(true),
        }
    }
}

/// How the provider misbehaves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Fault {
    #[default]
    None,
    /// `/authorize` answers `error=access_denied` (the person said no).
    Deny,
    /// `/token` answers 500.
    TokenFails,
    /// `/userinfo` answers 500.
    UserinfoFails,
    /// `/token` answers only after a minute.
    TokenHangs,
    /// `/userinfo` answers something that is not JSON.
    UserinfoGarbage,
    /// `/userinfo` answers only after a minute.
    UserinfoHangs,
}

struct Grant {
    challenge: String,
    redirect_uri: String,
    identity: Identity,
}

#[derive(Default)]
struct Inner {
    identity: Option<Identity>,
    fault: Fault,
    codes: HashMap<String, Grant>,
    tokens: HashMap<String, Identity>,
    /// The query of every `/authorize` request.
    authorize: Vec<HashMap<String, String>>,
    /// Token requests refused, and why.
    refusals: Vec<String>,
}

#[derive(Clone)]
pub struct TestProvider {
    pub base: String,
    inner: Arc<Mutex<Inner>>,
}

impl TestProvider {
    pub async fn start() -> TestProvider {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = Router::new()
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/userinfo", get(userinfo))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind provider");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app).await.expect("provider") });
        TestProvider {
            base: format!("http://{addr}"),
            inner,
        }
    }

    pub fn sign_in_as(&self, identity: Identity) {
        self.inner.lock().unwrap().identity = Some(identity);
    }

    pub fn fail(&self, fault: Fault) {
        self.inner.lock().unwrap().fault = fault;
    }

    /// The query of the latest `/authorize` request.
    pub fn last_authorize(&self) -> HashMap<String, String> {
        self.inner
            .lock()
            .unwrap()
            .authorize
            .last()
            .cloned()
            .expect("an authorize request")
    }

    pub fn refusals(&self) -> Vec<String> {
        self.inner.lock().unwrap().refusals.clone()
    }

    pub fn settings(&self) -> pforte_auth::google::GoogleSettings {
        pforte_auth::google::GoogleSettings {
            auth_url: format!("{}/authorize", self.base),
            token_url: format!("{}/token", self.base),
            userinfo_url: format!("{}/userinfo", self.base),
            timeout: std::time::Duration::from_secs(2),
            ..pforte_auth::google::GoogleSettings::google(CLIENT_ID, CLIENT_SECRET)
        }
    }
}

fn random() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn authorize(
    State(inner): State<Arc<Mutex<Inner>>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut inner = inner.lock().unwrap();
    inner.authorize.push(q.clone());
    let redirect_uri = q.get("redirect_uri").cloned().unwrap_or_default();
    let state = q.get("state").cloned().unwrap_or_default();
    let state: String = url::form_urlencoded::byte_serialize(state.as_bytes()).collect();
    if inner.fault == Fault::Deny {
        return Redirect::to(&format!("{redirect_uri}?error=access_denied&state={state}"))
            .into_response();
    }
    let Some(identity) = inner.identity.clone() else {
        return (StatusCode::BAD_REQUEST, "no identity set").into_response();
    };
    let code = random();
    inner.codes.insert(
        code.clone(),
        Grant {
            challenge: q.get("code_challenge").cloned().unwrap_or_default(),
            redirect_uri: redirect_uri.clone(),
            identity,
        },
    );
    Redirect::to(&format!("{redirect_uri}?code={code}&state={state}")).into_response()
}

fn refuse(inner: &mut Inner, why: &str) -> Response {
    inner.refusals.push(why.to_owned());
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({"error": "invalid_grant"})),
    )
        .into_response()
}

async fn token(
    State(shared): State<Arc<Mutex<Inner>>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let fault = shared.lock().unwrap().fault;
    if fault == Fault::TokenHangs {
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    }
    let mut inner = shared.lock().unwrap();
    if fault == Fault::TokenFails {
        return (StatusCode::INTERNAL_SERVER_ERROR, "down").into_response();
    }
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    let client_ok = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Basic {basic}"))
        || (form.get("client_id").map(String::as_str) == Some(CLIENT_ID)
            && form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET));
    if !client_ok {
        return refuse(&mut inner, "client");
    }
    if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return refuse(&mut inner, "grant type");
    }
    let Some(grant) = form.get("code").and_then(|c| inner.codes.remove(c)) else {
        return refuse(&mut inner, "code");
    };
    if form.get("redirect_uri") != Some(&grant.redirect_uri) {
        return refuse(&mut inner, "redirect uri");
    }
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    if verifier.is_empty() || computed != grant.challenge {
        return refuse(&mut inner, "verifier");
    }
    let access = random();
    inner.tokens.insert(access.clone(), grant.identity);
    axum::Json(json!({"access_token": access, "token_type": "Bearer", "expires_in": 3600}))
        .into_response()
}

async fn userinfo(State(shared): State<Arc<Mutex<Inner>>>, headers: HeaderMap) -> Response {
    let fault = shared.lock().unwrap().fault;
    if fault == Fault::UserinfoHangs {
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    }
    let inner = shared.lock().unwrap();
    match fault {
        Fault::UserinfoFails => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "down").into_response();
        }
        Fault::UserinfoGarbage => return (StatusCode::OK, "<html>oops</html>").into_response(),
        _ => {}
    }
    let identity = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|t| inner.tokens.get(t));
    match identity {
        Some(i) => axum::Json(json!({
            "sub": i.sub,
            "email": i.email,
            "email_verified": i.email_verified,
            "name": "Test Person",
        }))
        .into_response(),
        None => StatusCode::UNAUTHORIZED.into_response(),
    }
}
