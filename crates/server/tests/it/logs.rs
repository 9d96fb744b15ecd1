//! Passwords, session and device tokens and email codes never reach the logs, even at debug level
//! (codes appear only in the development mailbox).

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
    let post = |path: &str, body: String, cookie: Option<String>| {
        let mut req = client
            .post(format!("{base}/api/{path}"))
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
        "submit_password",
        format!("identifier=log%40example.com&password={}", enc(wrong)),
        None,
    )
    .await
    .expect("post");
    // After a failure the next attempt is evaluated only a second later.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let ok = post(
        "submit_password",
        format!("identifier=log%40example.com&password={}", enc(password)),
        None,
    )
    .await
    .expect("post");
    let pending = session_cookie(&ok).expect("password accepted");
    let code = code_in(&served.delivered_mail_with("code is ").await);
    let confirmed = post(
        "confirm_sign_in_code",
        format!("code={code}"),
        Some(pending),
    )
    .await
    .expect("post");
    let deciding = session_cookie(&confirmed).expect("code accepted");
    let signed_in = post("trust_sign_in_device", "trust=yes".into(), Some(deciding))
        .await
        .expect("post");
    let cookie = session_cookie(&signed_in).expect("signed in");
    let device = device_cookie(&signed_in).expect("device trusted");
    let token = cookie
        .split_once('=')
        .map(|(_, v)| v.to_owned())
        .expect("token");
    let device = device
        .split_once('=')
        .map(|(_, v)| v.to_owned())
        .expect("device token");
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
    for secret in [
        password,
        wrong,
        &enc(password),
        &enc(wrong),
        &token,
        &device,
    ] {
        assert!(!logs.contains(secret), "a secret reached the logs");
    }
    // The development mailbox shows codes on purpose (it stands in for the inbox when running
    // locally); no other log line may hold one.
    // A line's timestamp has six digits of microseconds, which can be the code by chance: it
    // is left out, and the code must stand as a number of its own to count.
    let leaked: Vec<&str> = logs
        .lines()
        .filter(|l| !l.contains("development mailbox"))
        .filter(|l| holds_number(l.split_once(' ').map_or("", |(_, rest)| rest), &code))
        .collect();
    assert!(
        leaked.is_empty(),
        "an email code reached the logs outside the development mailbox: {leaked:?}"
    );
}

/// Whether `text` holds `number` with no digit right before or after it.
fn holds_number(text: &str, number: &str) -> bool {
    text.match_indices(number).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + number.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

crate::dual!(secrets_never_in_logs);
