//! Behind a reverse proxy: the client is the address a trusted proxy forwarded, and a forwarded
//! header from anyone else is ignored.

use crate::harness::*;
use sqlx::Row;

const WRONG: &str = "not the password at all";

/// A failing password step that arrives with these forwarded headers.
async fn forwarded_failure(app: &TestApp, headers: &[(&str, &str)]) -> u16 {
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("identifier", OWNER_EMAIL), ("password", WRONG)])
        .finish();
    let mut req = app
        .client
        .post(app.url("/api/submit_password"))
        .header("origin", PUBLIC_URL)
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    req.send().await.expect("submit").status().as_u16()
}

/// The IP addresses of the password attempts, in order.
async fn attempt_ips(app: &TestApp) -> Vec<String> {
    sqlx::query("SELECT ip FROM audit_events WHERE event = 'sign_in_password' ORDER BY id")
        .fetch_all(&app.auth.store.pool)
        .await
        .expect("audit")
        .iter()
        .map(|row| row.get("ip"))
        .collect()
}

/// With the peer (127.0.0.1) trusted, each forwarded client has its own per-IP count and its own
/// address in the audit: one client reaching the limit locks out nobody else. A forged entry left
/// of the real one changes nothing; IPv6 clients and RFC 7239 `Forwarded` work too.
async fn trusted_proxy_names_the_client(engine: Engine) {
    let app = TestApp::start_configured(engine, PUBLIC_URL, |s, web| {
        s.ip_sign_in_failures = 3;
        web.trusted_proxies = "127.0.0.1, 10.0.0.0/8".parse().expect("proxies");
    })
    .await;
    let mallory = [("x-forwarded-for", "198.51.100.1, 203.0.113.9, 10.0.0.2")];
    for n in 0..3 {
        // Each failure waits out the user's short delay first (the per-IP window is longer).
        app.clock.advance(5);
        let forged = format!("192.0.2.{n}, 203.0.113.9");
        assert_eq!(
            forwarded_failure(&app, &[("x-forwarded-for", forged.as_str())]).await,
            401
        );
    }
    app.clock.advance(5);
    assert_eq!(
        forwarded_failure(&app, &mallory).await,
        429,
        "203.0.113.9 is over its limit"
    );
    app.clock.advance(5);
    assert_eq!(
        forwarded_failure(&app, &[("x-forwarded-for", "2001:db8:1:2::7")]).await,
        401,
        "another client is not locked out"
    );
    app.clock.advance(5);
    assert_eq!(
        forwarded_failure(
            &app,
            &[("forwarded", "for=\"[2001:db8:9::1]:4711\";proto=https")]
        )
        .await,
        401
    );
    assert_eq!(
        attempt_ips(&app).await,
        [
            "203.0.113.9",
            "203.0.113.9",
            "203.0.113.9",
            "2001:db8:1:2::7",
            "2001:db8:9::1"
        ],
        "the refused attempt is answered before it is audited"
    );
}

/// Without trusted proxies (the default), forwarded headers are the client's own words: a client
/// that sends a new `X-Forwarded-For` with each guess still counts as its socket address, and the
/// audit shows that address. Garbage in the header changes nothing either.
async fn untrusted_peer_cannot_choose_its_address(engine: Engine) {
    let app = TestApp::start_configured(engine, PUBLIC_URL, |s, _| s.ip_sign_in_failures = 3).await;
    for n in 0..3 {
        app.clock.advance(5);
        let spoofed = format!("203.0.113.{n}");
        assert_eq!(
            forwarded_failure(
                &app,
                &[
                    ("x-forwarded-for", spoofed.as_str()),
                    ("forwarded", "for=192.0.2.1")
                ]
            )
            .await,
            401
        );
    }
    app.clock.advance(5);
    assert_eq!(
        forwarded_failure(&app, &[("x-forwarded-for", "not an address, ::::")]).await,
        429
    );
    assert_eq!(attempt_ips(&app).await, ["127.0.0.1"; 3]);
}

crate::dual!(
    trusted_proxy_names_the_client,
    untrusted_peer_cannot_choose_its_address,
);
