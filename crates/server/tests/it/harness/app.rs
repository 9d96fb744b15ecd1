//! `TestApp`: the real router on a free port with its own database and clock, and the requests
//! tests send to it.

use super::{
    Engine, TestDatabase, device_cookie, fresh_database, header, last_code, session_cookie,
};
use pforte_app::state::{AppState, WebConfig};
use pforte_auth::account::NewUser;
use pforte_auth::secret::Password;
use pforte_auth::{Auth, ManualClock, RequestMeta, Settings, Store};
use pforte_shared::types::Role;
use reqwest::header::{HeaderMap, HeaderValue};
use std::net::SocketAddr;
use std::sync::Arc;

pub const PUBLIC_URL: &str = "https://pforte.test";
pub const OWNER_EMAIL: &str = "anna.berg@example.com";
pub const OWNER_PASSWORD: &str = "velvet ostrich juggles quartz lanterns";
pub const COMPANY: &str = "Nordlicht Logistik";
pub const START: i64 = 1_800_000_000;
/// Stands for the test server's own address as the public URL (see
/// [`TestApp::start_at_own_address`]).
const OWN_ADDRESS: &str = "own address";
pub const MEMBER_EMAIL: &str = "ben.kurz@example.com";
pub const MEMBER_PASSWORD: &str = "mossy trombone eats violet clouds";
pub const OTHER_ADMIN_EMAIL: &str = "eve@other.example";
pub const OTHER_ADMIN_PASSWORD: &str = "silver walrus counts marbles";
/// No request of a test may hang the run: one that takes this long fails its test instead.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

pub struct TestApp {
    pub base: String,
    pub clock: ManualClock,
    pub auth: Auth,
    pub client: reqwest::Client,
    pub customer_number: String,
    pub database_url: TestDatabase,
    /// The `Origin` its forms are posted with: the public URL's (`PUBLIC_URL` unless published at
    /// its own address).
    pub origin: String,
}

impl TestApp {
    pub async fn start(engine: Engine) -> TestApp {
        TestApp::start_with(engine, PUBLIC_URL).await
    }

    /// Published at its own `http://127.0.0.1:<port>`, so that a client can follow the addresses
    /// it hands out (OpenID discovery); forms are posted with that origin.
    pub async fn start_at_own_address(engine: Engine) -> TestApp {
        TestApp::start_with(engine, OWN_ADDRESS).await
    }

    pub async fn start_with(engine: Engine, public_url: &str) -> TestApp {
        TestApp::start_configured(engine, public_url, |_, _| {}).await
    }

    /// Starts with the default settings (domain and web) changed by `configure`.
    pub async fn start_configured(
        engine: Engine,
        public_url: &str,
        configure: impl FnOnce(&mut Settings, &mut WebConfig),
    ) -> TestApp {
        // The server's request and audit log, shown with a failing test's output.
        static LOGS: std::sync::Once = std::sync::Once::new();
        LOGS.call_once(|| {
            let filter = std::env::var("PFORTE_TEST_LOG")
                .unwrap_or_else(|_| "pforte_server=debug,pforte_app=info,pforte_auth=info".into());
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_test_writer()
                .try_init();
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        // The test server's own address, for clients that follow the links it hands out.
        let own = format!("http://{addr}");
        let (public_url, origin) = if public_url == OWN_ADDRESS {
            (own.as_str(), own.clone())
        } else {
            (public_url, PUBLIC_URL.to_owned())
        };
        let database_url = fresh_database(engine).await;
        let store = Store::connect(&database_url).await.expect("connect");
        store.migrate().await.expect("migrate");
        let clock = ManualClock::new(START);
        let mut settings = Settings {
            public_url: public_url.to_owned(),
            ..Settings::default()
        };
        let mut web = WebConfig::new(public_url);
        configure(&mut settings, &mut web);
        let auth = Auth::new(store, Arc::new(clock.clone()), settings);
        let (account, _) = auth
            .create_account(
                COMPANY,
                None,
                NewUser {
                    email: OWNER_EMAIL.into(),
                    display_name: "Anna Berg".into(),
                    role: Role::Admin,
                    google_email: None,
                    password: Some(Password::new(OWNER_PASSWORD.into())),
                    lang: Default::default(),
                },
                &RequestMeta::new("test", "harness"),
            )
            .await
            .expect("create account");
        auth.ensure_signing_key().await.expect("signing key");
        let state = AppState {
            leptos_options: pforte_server::router::leptos_options(addr),
            auth: auth.clone(),
            web,
        };
        let app = pforte_server::router::build(state);
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .expect("serve");
        });
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(REQUEST_TIMEOUT)
            .build()
            .expect("client");
        TestApp {
            base: format!("http://{addr}"),
            clock,
            auth,
            client,
            customer_number: account.customer_number,
            database_url,
            origin,
        }
    }

    /// The test clock's time.
    pub fn clock_now(&self) -> i64 {
        pforte_auth::Clock::now(&self.clock)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A same-origin form POST, as a browser's fetch from the page sends it.
    pub async fn post_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> reqwest::Response {
        post_form_to(&self.client, &self.url(path), &self.origin, fields, cookie).await
    }

    /// A form post as a browser without JavaScript sends it: it asks for a page
    /// (`Accept: text/html`) and names the page the form was on (`page`, a path) in `Referer`,
    /// which the answer leads back to.
    pub async fn plain_post(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        page: Option<&str>,
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut headers = HeaderMap::new();
        headers.insert(
            "accept",
            HeaderValue::from_static("text/html,application/xhtml+xml"),
        );
        if let Some(page) = page {
            let referer = format!("{}{page}", self.origin);
            headers.insert(
                "referer",
                HeaderValue::from_str(&referer).expect("referer header"),
            );
        }
        let url = self.url(path);
        form_post(&self.client, &url, &self.origin, fields, cookie)
            .headers(headers)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {url}: {e}"))
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> reqwest::Response {
        let mut req = self.client.get(self.url(path));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        req.send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// The account owner (Anna Berg, `OWNER_EMAIL`) as stored now.
    pub async fn owner(&self) -> pforte_auth::account::User {
        self.auth
            .user_by_email(OWNER_EMAIL)
            .await
            .expect("query")
            .expect("owner")
    }

    /// The session cookie (`name=value`) of a session of the owner at `stage`, started in the
    /// domain without any request.
    pub async fn owner_session(&self, stage: pforte_auth::session::Stage) -> String {
        let owner = self.owner().await;
        let token = self
            .auth
            .start_session(owner.id, stage, &RequestMeta::default())
            .await
            .expect("session");
        format!("__Host-pforte_session={}", token.expose())
    }

    /// The HTML of a page (whatever its status). A page that shows an island must load the
    /// bundle that brings it to life (`IslandScripts`): checked on every page a test reads.
    pub async fn page(&self, path: &str, cookie: Option<&str>) -> String {
        let html = self
            .get(path, cookie)
            .await
            .text()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        assert!(
            !html.contains("<leptos-island") || html.contains("/pkg/pforte.wasm"),
            "{path} shows an island but does not load the bundle (IslandScripts)"
        );
        html
    }

    /// "Change password" on `/account/security` in the browser with `cookie`.
    pub async fn change_password(
        &self,
        cookie: &str,
        current: &str,
        new: &str,
        repeat: &str,
    ) -> reqwest::Response {
        self.post_form(
            "/api/change_password",
            &[
                ("current_password", current),
                ("new_password", new),
                ("new_password_repeat", repeat),
            ],
            Some(cookie),
        )
        .await
    }

    /// The password step, with the browser's cookies (session, trusted device) if any.
    pub async fn submit_password(
        &self,
        identifier: &str,
        password: &str,
        cookie: Option<&str>,
    ) -> reqwest::Response {
        self.post_form(
            "/api/submit_password",
            &[("identifier", identifier), ("password", password)],
            cookie,
        )
        .await
    }

    /// Adds another company account whose owner, an admin, is `OTHER_ADMIN_EMAIL` (active, with
    /// `OTHER_ADMIN_PASSWORD`).
    pub async fn add_other_account(&self) {
        self.auth
            .create_account(
                "Other GmbH",
                None,
                NewUser {
                    email: OTHER_ADMIN_EMAIL.into(),
                    display_name: String::new(),
                    role: Role::Admin,
                    google_email: None,
                    password: Some(Password::new(OTHER_ADMIN_PASSWORD.into())),
                    lang: Default::default(),
                },
                &RequestMeta::default(),
            )
            .await
            .expect("other account");
    }

    /// Adds an active plain user (Ben Kurz, `MEMBER_EMAIL`) to the owner's account; returns the id.
    pub async fn add_member(&self) -> i64 {
        self.auth
            .create_user(
                &self.customer_number,
                NewUser {
                    email: MEMBER_EMAIL.into(),
                    display_name: "Ben Kurz".into(),
                    role: Role::User,
                    google_email: None,
                    password: Some(Password::new(MEMBER_PASSWORD.into())),
                    lang: Default::default(),
                },
                &RequestMeta::default(),
            )
            .await
            .expect("member")
            .id
    }

    /// "Confirm" on `/login/code` for the pending sign-in `pending`.
    pub async fn confirm_code(&self, pending: &str, code: &str) -> reqwest::Response {
        self.post_form(
            "/api/confirm_sign_in_code",
            &[("code", code)],
            Some(pending),
        )
        .await
    }

    /// Finishes a sign-in waiting for its email code: the code from the newest mail, then "Yes"
    /// or "No". Returns the signed-in session cookie and, after "Yes", the device cookie.
    pub async fn finish_with_code(&self, pending: &str, trust: bool) -> (String, Option<String>) {
        let code = last_code(self).await;
        let res = self.confirm_code(pending, &code).await;
        assert_eq!(res.status(), 200, "the code should be accepted");
        assert_eq!(header(&res, "location"), "/login/trust");
        let deciding = session_cookie(&res).expect("new session cookie after the code");
        let answer = if trust { "yes" } else { "no" };
        let res = self
            .post_form(
                "/api/trust_sign_in_device",
                &[("trust", answer)],
                Some(&deciding),
            )
            .await;
        assert_eq!(res.status(), 200, "the trust decision should be accepted");
        let device = device_cookie(&res);
        assert_eq!(device.is_some(), trust, "a device cookie only after Yes");
        (
            session_cookie(&res).expect("signed-in session cookie"),
            device,
        )
    }

    /// Signs in on a new browser (password, email code, "No") and returns the `name=value` pair
    /// of the session cookie.
    pub async fn sign_in(&self, identifier: &str, password: &str) -> String {
        let res = self.submit_password(identifier, password, None).await;
        assert_eq!(res.status(), 200, "sign-in should succeed");
        assert_eq!(header(&res, "location"), "/login/code");
        let pending = session_cookie(&res).expect("pending session cookie");
        self.finish_with_code(&pending, false).await.0
    }

    /// Signs the owner in on a new browser carrying `next` (a path the server answers itself)
    /// through password, code and "No"; checks that the sign-in ends on `/continue`, whose page
    /// goes on to `next` (at once with JavaScript, by a refresh or its link without), and returns
    /// the session cookie.
    pub async fn sign_in_to(&self, next: &str) -> String {
        let res = self
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
        let pending = session_cookie(&res).expect("pending");
        let code = last_code(self).await;
        let res = self
            .post_form(
                "/api/confirm_sign_in_code",
                &[("code", &code), ("next", next)],
                Some(&pending),
            )
            .await;
        let deciding = session_cookie(&res).expect("deciding");
        let res = self
            .post_form(
                "/api/trust_sign_in_device",
                &[("trust", "no"), ("next", next)],
                Some(&deciding),
            )
            .await;
        let landing = header(&res, "location");
        assert_eq!(landing, pforte_shared::next::landing(next));
        let page = self.page(&landing, None).await;
        let escaped = next.replace('&', "&amp;");
        assert!(
            page.contains(&format!("content=\"0;url={escaped}\""))
                && page.contains(&format!("href=\"{escaped}\"")),
            "{page}"
        );
        session_cookie(&res).expect("signed in")
    }

    /// Signs in on a new browser and trusts it: returns (session cookie, device cookie).
    pub async fn sign_in_trusting(&self, identifier: &str, password: &str) -> (String, String) {
        let res = self.submit_password(identifier, password, None).await;
        assert_eq!(header(&res, "location"), "/login/code");
        let pending = session_cookie(&res).expect("pending session cookie");
        let (session, device) = self.finish_with_code(&pending, true).await;
        (session, device.expect("device cookie"))
    }
}

/// A same-origin form POST to `url` from a page of `origin`, as a browser's fetch sends it.
pub async fn post_form_to(
    client: &reqwest::Client,
    url: &str,
    origin: &str,
    fields: &[(&str, &str)],
    cookie: Option<&str>,
) -> reqwest::Response {
    form_post(client, url, origin, fields, cookie)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {url}: {e}"))
}

/// The request of [`post_form_to`], to add headers to.
fn form_post(
    client: &reqwest::Client,
    url: &str,
    origin: &str,
    fields: &[(&str, &str)],
    cookie: Option<&str>,
) -> reqwest::RequestBuilder {
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let mut headers = HeaderMap::new();
    headers.insert(
        "origin",
        HeaderValue::from_str(origin).expect("origin header"),
    );
    headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
    headers.insert(
        "content-type",
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    if let Some(c) = cookie {
        headers.insert("cookie", HeaderValue::from_str(c).expect("cookie header"));
    }
    client.post(url).headers(headers).body(body)
}
