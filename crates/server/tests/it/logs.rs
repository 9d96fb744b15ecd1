//! SECURITY.md 16 and 38: passwords and tokens never reach the logs, even at debug level.

use crate::harness::*;
use std::process::{Command, Stdio};
use std::time::Duration;

async fn secrets_never_in_logs(engine: Engine) {
    let db = fresh_database(engine).await;
    let password = "quiet meadow sparrow lantern";
    let wrong = "loud canyon heron whistle";
    let out = pforte(
        &db,
        &[
            "create-account",
            "--name",
            "Logtest GmbH",
            "--owner-email",
            "log@example.com",
            "--password-stdin",
        ],
        Some(&format!("{password}\n")),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let log_path =
        std::env::temp_dir().join(format!("pforte-log-{port}-{}.txt", std::process::id()));
    let log = std::fs::File::create(&log_path).expect("log file");
    let mut server = Command::new(env!("CARGO_BIN_EXE_pforte"))
        .arg("serve")
        .env("PFORTE_DATABASE_URL", &db)
        .env(
            "PFORTE_MAIL_DIR",
            std::env::temp_dir().join("pforte-it-mailbox"),
        )
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("PFORTE_PUBLIC_URL", &base)
        .env("RUST_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(Stdio::from(log))
        .spawn()
        .expect("start pforte serve");

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut up = false;
    for _ in 0..150 {
        if client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "server did not come up");
    let post = |body: String, cookie: Option<String>| {
        let mut req = client
            .post(format!("{base}/api/submit_password"))
            .header("origin", base.as_str())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        req.send()
    };
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    post(
        format!("identifier=log%40example.com&password={}", enc(wrong)),
        None,
    )
    .await
    .expect("post");
    let ok = post(
        format!("identifier=log%40example.com&password={}", enc(password)),
        None,
    )
    .await
    .expect("post");
    let cookie = session_cookie(&ok).expect("signed in");
    let token = cookie
        .split_once('=')
        .map(|(_, v)| v.to_owned())
        .expect("token");
    client
        .get(format!("{base}/"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("home");
    client
        .post(format!("{base}/api/log_out"))
        .header("origin", base.as_str())
        .header("cookie", &cookie)
        .send()
        .await
        .expect("log out");
    let _ = server.kill();
    let _ = server.wait();

    let logs = std::fs::read_to_string(&log_path).expect("read log");
    let _ = std::fs::remove_file(&log_path);
    assert!(
        logs.contains("sign_in_password"),
        "the audit events are logged: {logs}"
    );
    for secret in [password, wrong, &enc(password), &enc(wrong), &token] {
        assert!(!logs.contains(secret), "a secret reached the logs");
    }
}

crate::dual!(secrets_never_in_logs);
