//! Password sign-ins per second: argon2 alone, and the whole HTTP sign-in on SQLite.
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
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

const N: usize = 300;
const CONCURRENCY: usize = 16;
const PASSWORD: &str = "velvet ostrich juggles quartz lanterns";

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
    let auth = Auth::new(store, Arc::new(SystemClock), Settings::default());
    auth.create_account(
        "Bench GmbH",
        None,
        NewUser {
            email: "owner@bench.example".into(),
            display_name: String::new(),
            role: Role::Admin,
            google_email: None,
            password: Some(Password::new(PASSWORD.into())),
        },
        &RequestMeta::default(),
    )
    .await?;
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
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let url = format!("http://{addr}/api/submit_password");
    let body = "identifier=owner%40bench.example&password=velvet+ostrich+juggles+quartz+lanterns";
    let started = Instant::now();
    let semaphore = Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..N {
        let (client, url, permit) = (
            client.clone(),
            url.clone(),
            semaphore.clone().acquire_owned().await?,
        );
        tasks.spawn(async move {
            let res = client
                .post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await;
            drop(permit);
            res.map(|r| r.status().as_u16())
        });
    }
    while let Some(r) = tasks.join_next().await {
        assert_eq!(r??, 200, "sign-in must succeed");
    }
    let http = N as f64 / started.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);

    println!("argon2id verifications alone: {argon:7.1} per second ({workers} workers, {N} runs)");
    println!(
        "password sign-ins over HTTP:  {http:7.1} per second (SQLite, {CONCURRENCY} concurrent, {N} runs)"
    );
    println!(
        "sign-in overhead besides argon2: {:.1} %",
        (argon / http - 1.0) * 100.0
    );
    Ok(())
}
