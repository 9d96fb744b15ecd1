//! Starts Pforte for one test: its own database, a movable clock, an HTTP client without cookie jar
//! (tests handle cookies themselves to check their attributes).

use pforte_app::state::{AppState, WebConfig};
use pforte_auth::account::NewUser;
use pforte_auth::secret::Password;
use pforte_auth::{Auth, ManualClock, RequestMeta, Settings, Store};
use pforte_shared::types::Role;
use rand::Rng;
use reqwest::header::{HeaderMap, HeaderValue};
use sqlx::Row;
use std::io::Write;
use std::net::SocketAddr;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Generates `mod sqlite` and `mod postgres` with one `#[tokio::test]` per case.
#[macro_export]
macro_rules! dual {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { super::$case($crate::harness::Engine::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { super::$case($crate::harness::Engine::Postgres).await })*
        }
    };
}

pub const PUBLIC_URL: &str = "https://pforte.test";
pub const OWNER_EMAIL: &str = "anna.berg@example.com";
pub const OWNER_PASSWORD: &str = "velvet ostrich juggles quartz lanterns";
pub const COMPANY: &str = "Nordlicht Logistik";
pub const START: i64 = 1_800_000_000;
pub const MEMBER_EMAIL: &str = "ben.kurz@example.com";
pub const MEMBER_PASSWORD: &str = "mossy trombone eats violet clouds";
/// No request of a test may hang the run: one that takes this long fails its test instead.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

pub struct TestApp {
    pub base: String,
    pub clock: ManualClock,
    pub auth: Auth,
    pub client: reqwest::Client,
    pub customer_number: String,
    pub database_url: TestDatabase,
}

fn random_suffix() -> String {
    let n: u64 = rand::thread_rng().r#gen();
    format!("{n:016x}")
}

/// A fresh, empty database of the engine, used as its URL (`&db`). A SQLite database's
/// directory is removed when this is dropped; PostgreSQL test servers are temporary as a whole.
pub struct TestDatabase {
    url: String,
    dir: Option<std::path::PathBuf>,
}

impl std::ops::Deref for TestDatabase {
    type Target = str;
    fn deref(&self) -> &str {
        &self.url
    }
}

impl AsRef<std::ffi::OsStr> for TestDatabase {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.url.as_ref()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

pub async fn fresh_database(engine: Engine) -> TestDatabase {
    match engine {
        Engine::Sqlite => {
            let dir = std::env::temp_dir().join(format!("pforte-it-{}", random_suffix()));
            TestDatabase {
                url: format!("sqlite://{}/pforte.db", dir.display()),
                dir: Some(dir),
            }
        }
        Engine::Postgres => {
            let admin = std::env::var("PFORTE_TEST_POSTGRES_URL").unwrap_or_else(|_| {
                panic!(
                    "PFORTE_TEST_POSTGRES_URL is not set: run the tests with `cargo xtask test`, \
                     which starts PostgreSQL, or point it at a server (postgres://user@host:port/postgres)"
                )
            });
            let name = format!("pforte_it_{}", random_suffix());
            sqlx::any::install_default_drivers();
            let pool = sqlx::AnyPool::connect(&admin)
                .await
                .expect("connect to PostgreSQL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&pool)
                .await
                .expect("create test database");
            pool.close().await;
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
            TestDatabase {
                url: format!("{base}/{name}"),
                dir: None,
            }
        }
    }
}

impl TestApp {
    pub async fn start(engine: Engine) -> TestApp {
        TestApp::start_with(engine, PUBLIC_URL).await
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
                },
                &RequestMeta::new("test", "harness"),
            )
            .await
            .expect("create account");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
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
        }
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
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let mut headers = HeaderMap::new();
        headers.insert("origin", HeaderValue::from_static(PUBLIC_URL));
        headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        headers.insert(
            "content-type",
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        if let Some(c) = cookie {
            headers.insert("cookie", HeaderValue::from_str(c).expect("cookie header"));
        }
        self.client
            .post(self.url(path))
            .headers(headers)
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
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

    /// The session cookie (`name=value`) of a session of the owner at `stage`, started in the
    /// domain without any request.
    pub async fn owner_session(&self, stage: pforte_auth::session::Stage) -> String {
        let owner = self
            .auth
            .user_by_email(OWNER_EMAIL)
            .await
            .expect("query")
            .expect("owner");
        let token = self
            .auth
            .start_session(owner.id, stage, &RequestMeta::default())
            .await
            .expect("session");
        format!("__Host-pforte_session={}", token.expose())
    }

    /// The HTML of a page (whatever its status).
    pub async fn page(&self, path: &str, cookie: Option<&str>) -> String {
        self.get(path, cookie)
            .await
            .text()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
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

    /// Signs in on a new browser and trusts it: returns (session cookie, device cookie).
    pub async fn sign_in_trusting(&self, identifier: &str, password: &str) -> (String, String) {
        let res = self.submit_password(identifier, password, None).await;
        assert_eq!(header(&res, "location"), "/login/code");
        let pending = session_cookie(&res).expect("pending session cookie");
        let (session, device) = self.finish_with_code(&pending, true).await;
        (session, device.expect("device cookie"))
    }
}

/// The `name=value` of the trusted-device cookie a response sets, if any.
pub fn device_cookie(res: &reqwest::Response) -> Option<String> {
    set_cookies(res)
        .into_iter()
        .find(|c| c.starts_with("__Host-pforte_device=") || c.starts_with("pforte_device="))
        .and_then(|c| c.split(';').next().map(str::to_owned))
        .filter(|c| !c.ends_with('='))
}

/// The `name=value` of the session cookie a response sets, if any.
pub fn session_cookie(res: &reqwest::Response) -> Option<String> {
    set_cookies(res)
        .into_iter()
        .find(|c| c.starts_with("__Host-pforte_session=") || c.starts_with("pforte_session="))
        .and_then(|c| c.split(';').next().map(str::to_owned))
        .filter(|c| !c.ends_with('='))
}

/// The whole `Set-Cookie` value of cookie `name`, after checking that it carries every one of
/// `attributes` (`Path=/`, `HttpOnly`, …).
pub fn cookie_with(res: &reqwest::Response, name: &str, attributes: &[&str]) -> String {
    let raw = set_cookies(res)
        .into_iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("cookie {name} not set"));
    for attr in attributes {
        assert!(
            raw.split("; ").any(|a| a == *attr),
            "{attr} missing in {raw}"
        );
    }
    raw
}

pub fn set_cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect()
}

pub fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Runs the `pforte` binary against a database, feeding `stdin` if given.
pub fn pforte(database_url: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pforte"))
        .args(args)
        .env("PFORTE_DATABASE_URL", database_url)
        .env(
            "PFORTE_MAIL_DIR",
            std::env::temp_dir().join("pforte-it-mailbox"),
        )
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn pforte");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).expect("write stdin");
    }
    drop(input);
    child.wait_with_output().expect("wait")
}

/// A real `pforte serve` process on a free port (debug logs to a file, stdout kept).
pub struct Served {
    pub base: String,
    pub client: reqwest::Client,
    child: std::process::Child,
    stderr_path: std::path::PathBuf,
    stdout_path: std::path::PathBuf,
}

impl Served {
    pub async fn start(database_url: &str) -> Served {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let dir = std::env::temp_dir();
        let stderr_path = dir.join(format!("pforte-serve-{port}-{}.err", std::process::id()));
        let stdout_path = dir.join(format!("pforte-serve-{port}-{}.out", std::process::id()));
        let child = Command::new(env!("CARGO_BIN_EXE_pforte"))
            .arg("serve")
            .env("PFORTE_DATABASE_URL", database_url)
            .env("PFORTE_MAIL_DIR", dir.join("pforte-it-mailbox"))
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("PFORTE_PUBLIC_URL", &base)
            .env("RUST_LOG", "debug")
            .stdout(Stdio::from(
                std::fs::File::create(&stdout_path).expect("stdout file"),
            ))
            .stderr(Stdio::from(
                std::fs::File::create(&stderr_path).expect("stderr file"),
            ))
            .spawn()
            .expect("start pforte serve");
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let served = Served {
            base,
            client,
            child,
            stderr_path,
            stdout_path,
        };
        for _ in 0..150 {
            let health = served
                .client
                .get(format!("{}/healthz", served.base))
                .send()
                .await;
            if health.is_ok_and(|r| r.status() == 200) {
                return served;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("pforte serve did not come up");
    }

    /// What the server printed so far on standard output.
    pub fn stdout(&self) -> String {
        std::fs::read_to_string(&self.stdout_path).unwrap_or_default()
    }

    /// Stops the server; returns its (stderr, stdout).
    pub fn stop(mut self) -> (String, String) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let err = std::fs::read_to_string(&self.stderr_path).unwrap_or_default();
        let out = std::fs::read_to_string(&self.stdout_path).unwrap_or_default();
        let _ = std::fs::remove_file(&self.stderr_path);
        let _ = std::fs::remove_file(&self.stdout_path);
        (err, out)
    }
}

/// The text of the newest mail in the outbox.
pub async fn last_mail(app: &TestApp) -> String {
    sqlx::query("SELECT body_text FROM outbox ORDER BY id DESC LIMIT 1")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("mail")
        .get("body_text")
}

/// The email code in the newest mail of the outbox.
pub async fn last_code(app: &TestApp) -> String {
    code_in(&last_mail(app).await)
}

/// The email code in a mail's text.
pub fn code_in(text: &str) -> String {
    let code: String = text
        .split("code is ")
        .nth(1)
        .expect("code in mail")
        .chars()
        .take(6)
        .collect();
    assert!(code.bytes().all(|b| b.is_ascii_digit()), "{text}");
    code
}

/// A well-formed code that is not `code`.
pub fn other_code(code: &str) -> String {
    format!(
        "{:06}",
        (code.parse::<u32>().expect("digits") + 1) % 1_000_000
    )
}
