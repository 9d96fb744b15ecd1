//! Password sign-ins per second: argon2 alone, then whole HTTP sign-ins on SQLite — on trusted
//! devices (password → signed in) and on new browsers (password → a code is stored and mailed).
//! Prints figures; asserts nothing about time (machines here are shared and noisy).
//! Run with `cargo xtask bench` (or `cargo bench -p pforte-server --bench signin`).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a benchmark, not production code

use pforte_app::state::{AppState, WebConfig};
use pforte_auth::account::NewUser;
use pforte_auth::password::Hasher;
use pforte_auth::secret::Password;
use pforte_auth::{Auth, RequestMeta, Settings, Store};
use pforte_server::{SystemClock, router};
use pforte_shared::types::Role;
use sqlx::Row;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

/// Sign-ins per measurement.
const N: usize = 320;
/// Browsers signing in at once; each is its own user, signing in again and again.
const CONCURRENCY: usize = 16;
const PASSWORD: &str = "velvet ostrich juggles quartz lanterns";
const BODY_PASSWORD: &str = "velvet+ostrich+juggles+quartz+lanterns";

fn email(i: usize) -> String {
    format!("user{i}@bench.example")
}

/// Runs `N` sign-ins over HTTP, `CONCURRENCY` browsers at a time, each browser with its own user
/// and cookie; returns sign-ins per second. Every answer must send the browser to `expected`.
async fn measure(addr: SocketAddr, cookies: &[String], expected: &'static str) -> f64 {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (browser, cookie) in cookies.iter().enumerate() {
        let (client, cookie) = (client.clone(), cookie.clone());
        tasks.spawn(async move {
            for _ in 0..N / CONCURRENCY {
                let res = client
                    .post(format!("http://{addr}/api/submit_password"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("cookie", &cookie)
                    .body(format!(
                        "identifier=user{browser}%40bench.example&password={BODY_PASSWORD}"
                    ))
                    .send()
                    .await
                    .expect("request");
                assert_eq!(res.status(), 200, "sign-in must succeed");
                let location = res
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                assert_eq!(location, expected);
            }
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.expect("browser");
    }
    (N / CONCURRENCY * CONCURRENCY) as f64 / started.elapsed().as_secs_f64()
}

/// Signs user `i` in on a new browser through the domain (password, code, "Yes") and returns the
/// trusted-device cookie.
async fn trusted_device(auth: &Auth, i: usize) -> String {
    let meta = RequestMeta::new("127.0.0.1", "bench");
    let step = auth
        .submit_password(&email(i), Password::new(PASSWORD.into()), None, None, &meta)
        .await
        .expect("password");
    let text: String = sqlx::query("SELECT body_text FROM outbox ORDER BY id DESC LIMIT 1")
        .fetch_one(&auth.store.pool)
        .await
        .expect("mail")
        .get("body_text");
    let code: String = text
        .split("code is ")
        .nth(1)
        .expect("code")
        .chars()
        .take(6)
        .collect();
    let step = auth
        .confirm_sign_in_code(Some(step.token.expose()), &code, &meta)
        .await
        .expect("code");
    let step = auth
        .decide_sign_in_trust(Some(step.token.expose()), true, &meta)
        .await
        .expect("trust");
    format!("pforte_device={}", step.device.expect("device").expose())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let workers = Hasher::default_workers();
    let hasher = Hasher::new(workers);
    let hash = hasher.hash(Password::new(PASSWORD.into())).await?;

    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..N {
        let (hasher, hash) = (hasher.clone(), hash.clone());
        tasks.spawn(async move {
            hasher
                .verify(Password::new(PASSWORD.into()), Some(hash))
                .await
        });
    }
    while let Some(r) = tasks.join_next().await {
        assert!(r??, "verification must succeed");
    }
    let argon = N as f64 / started.elapsed().as_secs_f64();

    let dir = std::env::temp_dir().join(format!("pforte-bench-{}", std::process::id()));
    let store = Store::connect(&format!("sqlite://{}/bench.db", dir.display())).await?;
    store.migrate().await?;
    let settings = Settings {
        // One address sends every request here; the per-IP limit is not what is measured.
        ip_sign_in_failures: i64::MAX,
        ..Settings::default()
    };
    let auth = Auth::new(store, Arc::new(SystemClock), settings);
    let (account, _) = auth
        .create_account(
            "Bench GmbH",
            None,
            NewUser {
                email: email(0),
                display_name: String::new(),
                role: Role::Admin,
                google_email: None,
                password: Some(Password::new(PASSWORD.into())),
                lang: Default::default(),
            },
            &RequestMeta::default(),
        )
        .await?;
    for i in 1..CONCURRENCY {
        auth.create_user(
            &account.customer_number,
            NewUser {
                email: email(i),
                display_name: String::new(),
                role: Role::User,
                google_email: None,
                password: Some(Password::new(PASSWORD.into())),
                lang: Default::default(),
            },
            &RequestMeta::default(),
        )
        .await?;
    }
    let mut devices = Vec::new();
    for i in 0..CONCURRENCY {
        devices.push(trusted_device(&auth, i).await);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = router::build(AppState {
        leptos_options: router::leptos_options(addr),
        auth,
        web: WebConfig::new("http://127.0.0.1"),
    });
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });

    let trusted = measure(addr, &devices, "/").await;
    let new_browsers = vec![String::new(); CONCURRENCY];
    let untrusted = measure(addr, &new_browsers, "/login/code").await;
    let _ = std::fs::remove_dir_all(&dir);

    println!(
        "argon2id verifications alone:          {argon:7.1} per second ({workers} workers, {N} runs)"
    );
    println!(
        "sign-ins on a trusted device (HTTP):    {trusted:7.1} per second (SQLite, {CONCURRENCY} browsers at once)"
    );
    println!(
        "password steps on new browsers (HTTP):  {untrusted:7.1} per second (each stores and mails a code)"
    );
    println!(
        "trusted-device sign-in overhead besides argon2: {:.1} %",
        (argon / trusted - 1.0) * 100.0
    );
    Ok(())
}
