//! SECURITY.md 16 and 38: passwords and tokens never reach the logs, even at debug level.

use crate::harness::*;

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

    let served = Served::start(&db).await;
    let (base, client) = (served.base.clone(), served.client.clone());
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
    let (logs, _) = served.stop();

    assert!(
        logs.contains("sign_in_password"),
        "the audit events are logged: {logs}"
    );
    for secret in [password, wrong, &enc(password), &enc(wrong), &token] {
        assert!(!logs.contains(secret), "a secret reached the logs");
    }
}

crate::dual!(secrets_never_in_logs);
