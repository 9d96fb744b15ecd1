//! Running Pforte as an operator does: the metrics and who may read them, readiness, the access
//! log with its request id, mails given up after a day, the audit retention, and a shutdown that
//! lets the requests under way finish.

use crate::harness::*;
use crate::smtp::SmtpSink;
use pforte_auth::outbox::{GIVE_UP_SECS, Mail, SENT_KEPT_SECS};
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const METRICS_TOKEN: &str = "metrics-token-0123456789abcdef";

/// The value of the sample `name` (with its labels, as written) in a metrics text.
fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

async fn metrics(app: &TestApp, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = app.client.get(app.url("/metrics"));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    req.send().await.expect("GET /metrics")
}

/// Sign-ins by outcome, throttle refusals and requests by route are counted; the text is the
/// Prometheus format; only this machine, or the bearer token, may read it.
async fn metrics_count_and_stay_private(engine: Engine) {
    let app = TestApp::start_configured(engine, PUBLIC_URL, |_, web| {
        web.metrics_token = Some(pforte_app::state::BearerToken(METRICS_TOKEN.to_owned()));
    })
    .await;
    let wrong = app
        .submit_password(OWNER_EMAIL, "not the password at all", None)
        .await;
    assert_eq!(wrong.status(), 401);
    // Right away again: the per-user delay refuses this one without checking it.
    let refused = app
        .submit_password(OWNER_EMAIL, "not the password either", None)
        .await;
    assert_eq!(refused.status(), 401);
    app.clock.advance(5);
    app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;

    let res = metrics(&app, &[]).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = res.text().await.expect("text");
    let failures = r#"pforte_audit_events_total{event="sign_in_password",outcome="failure"}"#;
    assert_eq!(sample(&text, failures), Some(2.0), "{text}");
    assert_eq!(
        sample(
            &text,
            r#"pforte_audit_events_total{event="signed_in",outcome="success"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, r#"pforte_throttle_refusals_total{scope="user"}"#),
        Some(1.0),
        "{text}"
    );
    // Events only an existing account causes when anyone asks are not counted.
    assert!(
        !text.contains("account_created") && !text.contains("user_created"),
        "{text}"
    );
    assert!(
        text.contains(
            r#"pforte_http_request_duration_seconds_count{route="/api/submit_password",method="POST",status="#
        ),
        "{text}"
    );
    assert!(
        sample(&text, "pforte_mails_queued_total").is_some_and(|n| n >= 1.0),
        "the sign-in code was queued: {text}"
    );
    assert!(sample(&text, "pforte_outbox_depth").is_some(), "{text}");
    assert!(sample(&text, "pforte_hashing_waiting").is_some(), "{text}");
    assert!(text.contains("pforte_hashing_wait_seconds_count"), "{text}");
    // A token in a path never becomes a label: the route is the pattern.
    app.get(
        "/reset-password/abcdefghijklmnopqrstuvwxyz0123456789ABCDEF",
        None,
    )
    .await;
    let text = metrics(&app, &[]).await.text().await.expect("text");
    assert!(!text.contains("abcdefghijklmnopqrstuvwxyz"), "{text}");

    // Through a proxy on this machine, without the token: not there.
    // When this machine is a trusted proxy, its requests are somebody else's: the token is needed.
    let behind = TestApp::start_configured(engine, PUBLIC_URL, |_, web| {
        web.trusted_proxies = "127.0.0.1".parse().expect("proxies");
    })
    .await;
    assert_eq!(metrics(&behind, &[]).await.status(), 404);
    for headers in [
        vec![("x-forwarded-for", "203.0.113.9")],
        vec![("forwarded", "for=203.0.113.9")],
        vec![("x-real-ip", "203.0.113.9")],
        vec![
            ("x-forwarded-for", "203.0.113.9"),
            ("authorization", "Bearer metrics-token-wrong-0123456789"),
        ],
        vec![
            ("x-forwarded-for", "203.0.113.9"),
            ("authorization", METRICS_TOKEN),
        ],
    ] {
        let res = metrics(&app, &headers).await;
        assert_eq!(res.status(), 404, "{headers:?}");
        assert!(!res.text().await.unwrap().contains("pforte_"));
    }
    let bearer = format!("Bearer {METRICS_TOKEN}");
    let res = metrics(
        &app,
        &[
            ("x-forwarded-for", "203.0.113.9"),
            ("authorization", &bearer),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
}

/// `/readyz` answers 200 on a migrated database and 503 while a migration is missing;
/// `/healthz` only asks whether the database answers.
async fn ready_only_when_migrated(engine: Engine) {
    let app = TestApp::start(engine).await;
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready\n");
    // As if another instance were still applying the newest migration.
    sqlx::query(
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)",
    )
    .execute(&app.auth.store.pool)
    .await
    .expect("forget a migration");
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status(), 503);
    assert_eq!(ready.text().await.unwrap(), "database not migrated yet\n");
    assert_eq!(app.get("/healthz", None).await.status(), 200);
}

fn undeliverable() -> Mail {
    Mail {
        to: MEMBER_EMAIL.to_owned(),
        subject: "Your sign-in code".to_owned(),
        text: "Your code: 123456".to_owned(),
        html: "<p>Your code: 123456</p>".to_owned(),
    }
}

/// A mail that still fails a day after it was queued is given up: no more tries, bodies
/// emptied, audited for its user, counted; a week later its row is swept.
async fn failing_mail_is_given_up_after_a_day(engine: Engine) {
    let app = TestApp::start(engine).await;
    let member = app.add_member().await;
    let sink = SmtpSink::start().await;
    sink.refuse.store(true, Ordering::SeqCst);
    let mailer = sink.mailer();
    app.auth.queue_mail(&undeliverable()).await.expect("queue");
    assert_eq!(app.auth.deliver_due(&mailer).await.expect("pass"), 0);
    // Tried again and again for almost a day: still waiting.
    for _ in 0..((GIVE_UP_SECS - 60) / 600) {
        app.clock.advance(600);
        app.auth.deliver_due(&mailer).await.expect("pass");
    }
    assert_eq!(app.auth.pending_mail_count().await.unwrap(), 1);
    app.clock.advance(600);
    app.auth.deliver_due(&mailer).await.expect("pass");
    assert_eq!(app.auth.pending_mail_count().await.unwrap(), 0, "given up");
    let (body, failed_at): (String, Option<i64>) =
        sqlx::query_as("SELECT body_text, failed_at FROM outbox")
            .fetch_one(&app.auth.store.pool)
            .await
            .expect("row");
    assert_eq!(body, "", "the code is not kept");
    assert!(failed_at.is_some());
    let audited: Vec<(Option<i64>, String)> =
        sqlx::query_as("SELECT user_id, outcome FROM audit_events WHERE event = 'mail_given_up'")
            .fetch_all(&app.auth.store.pool)
            .await
            .expect("audit");
    assert_eq!(audited, vec![(Some(member), "failure".to_owned())]);
    let text = app.auth.metrics_text().await.expect("metrics");
    assert_eq!(sample(&text, "pforte_mails_given_up_total"), Some(1.0));
    assert_eq!(sample(&text, "pforte_outbox_depth"), Some(0.0));
    // Never tried again, even once the server accepts.
    sink.refuse.store(false, Ordering::SeqCst);
    app.clock.advance(3600);
    assert_eq!(app.auth.deliver_due(&mailer).await.expect("pass"), 0);
    assert!(sink.received().is_empty());
    app.clock.advance(SENT_KEPT_SECS);
    let swept = app.auth.sweep().await.expect("sweep");
    assert_eq!(swept.sent_mails, 1);
}

/// The outbox gauges describe the mails still waiting.
async fn outbox_depth_and_age(engine: Engine) {
    let app = TestApp::start(engine).await;
    app.auth.queue_mail(&undeliverable()).await.expect("queue");
    app.clock.advance(90);
    app.auth.queue_mail(&undeliverable()).await.expect("queue");
    app.clock.advance(30);
    let text = app.auth.metrics_text().await.expect("metrics");
    assert_eq!(sample(&text, "pforte_outbox_depth"), Some(2.0), "{text}");
    assert_eq!(
        sample(&text, "pforte_outbox_oldest_age_seconds"),
        Some(120.0),
        "{text}"
    );
}

/// Audit rows older than the retention are swept; younger ones stay.
async fn audit_rows_are_kept_for_the_retention(engine: Engine) {
    let app = TestApp::start_configured(engine, PUBLIC_URL, |settings, _| {
        settings.audit_keep_secs = 30 * 24 * 3600;
    })
    .await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_events")
            .fetch_one(&app.auth.store.pool)
            .await
            .expect("count")
    };
    let old = count().await;
    assert!(old > 0, "creating the account was audited");
    app.clock.advance(20 * 24 * 3600);
    app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let all = count().await;
    assert!(all > old);
    app.clock.advance(10 * 24 * 3600);
    let swept = app.auth.sweep().await.expect("sweep");
    assert_eq!(swept.audit_events, old as u64);
    assert_eq!(count().await, all - old);
}

/// A trusted proxy's `X-Request-Id` (nginx's `$request_id`) becomes the request's id; anyone
/// else's, or an odd one, is replaced by a fresh one.
async fn request_ids_from_trusted_proxies_only(engine: Engine) {
    let ids = |app: &TestApp, sent: &'static str| {
        let req = app
            .client
            .get(app.url("/login"))
            .header("x-request-id", sent);
        async move {
            let res = req.send().await.expect("GET /login");
            res.headers()["x-request-id"].to_str().unwrap().to_owned()
        }
    };
    let direct = TestApp::start(engine).await;
    assert_ne!(ids(&direct, "nginx-4f1c2a").await, "nginx-4f1c2a");
    let proxied = TestApp::start_configured(engine, PUBLIC_URL, |_, web| {
        web.trusted_proxies = "127.0.0.1".parse().expect("proxies");
    })
    .await;
    assert_eq!(ids(&proxied, "nginx-4f1c2a").await, "nginx-4f1c2a");
    let odd = ids(&proxied, "has spaces and \"quotes\"").await;
    assert_eq!(odd.len(), 16, "{odd}");
    let long = ids(
        &proxied,
        "x-0123456789-0123456789-0123456789-0123456789-0123456789-0123456789",
    )
    .await;
    assert_eq!(long.len(), 16, "{long}");
}

crate::dual!(
    request_ids_from_trusted_proxies_only,
    metrics_count_and_stay_private,
    ready_only_when_migrated,
    failing_mail_is_given_up_after_a_day,
    outbox_depth_and_age,
    audit_rows_are_kept_for_the_retention,
);

/// With `PFORTE_LOG_FORMAT=json` every log line is one JSON object, and each request has one
/// access line whose request id is the `X-Request-Id` answered; tokens in paths are redacted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_access_lines_carry_the_request_id() {
    let db = fresh_database(Engine::Sqlite).await;
    let served = Served::start_with(
        &db,
        "C.UTF-8",
        &[("PFORTE_LOG_FORMAT", "json"), ("RUST_LOG", "info")],
    )
    .await;
    let token = "Zm9vYmFyYmF6cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8";
    let res = served
        .get(&format!("/reset-password/{token}?x=1"), &[])
        .await
        .expect("GET");
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 16);
    let other = served.get("/login", &[]).await.expect("GET");
    assert_ne!(other.headers()["x-request-id"].to_str().unwrap(), id);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = served.stderr();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let access = lines
        .iter()
        .find(|line| line["request_id"] == id.as_str())
        .unwrap_or_else(|| panic!("no access line for {id}: {log}"));
    assert_eq!(access["target"], "pforte::access");
    assert_eq!(access["level"], "INFO");
    assert_eq!(access["method"], "GET");
    assert_eq!(access["path"], "/reset-password/<redacted>");
    assert_eq!(access["status"], res.status().as_u16());
    assert_eq!(access["ip"], "127.0.0.1");
    assert!(access["ms"].as_f64().is_some());
    assert!(!log.contains(token) && !log.contains("x=1"));
    served.stop();
}

/// SIGTERM: no new connections, the request under way is still answered, the process exits 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_requests_under_way() {
    let db = fresh_database(Engine::Sqlite).await;
    let mut served = Served::start(&db).await;
    let addr = served.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    // A request whose body is still on its way when the signal comes.
    let head = format!(
        "POST /language HTTP/1.1\r\nHost: {addr}\r\nOrigin: {}\r\nSec-Fetch-Site: same-origin\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\n",
        served.base
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    tokio::time::sleep(Duration::from_millis(300)).await;
    served.terminate();
    let refused = async {
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(&addr).await.is_err() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    };
    assert!(refused.await, "no new connections once stopping");
    assert!(
        served.exited_within(Duration::ZERO).await.is_none(),
        "still finishing the request"
    );
    stream.write_all(b"lang=de").await.expect("body");
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("answered in time")
        .expect("read");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
    let status = served
        .exited_within(Duration::from_secs(15))
        .await
        .expect("exited");
    assert!(status.success(), "{status:?}");
    let (log, _) = served.stop();
    assert!(
        log.contains("shutting down") && log.contains("stopped"),
        "{log}"
    );
}

/// Pages name the site's files under a version made from their contents, and those are cached
/// for a year; `/pkg/` paths are checked again, another version's paths never kept. A release's
/// precompressed copy is sent only while it was made from the file as it is; nothing else under
/// `pkg/` is served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn site_files_are_versioned_and_precompressed() {
    use sha2::Digest;
    let db = fresh_database(Engine::Sqlite).await;
    let site = std::env::temp_dir().join(format!("pforte-site-{}", rand::random::<u64>()));
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).expect("site dir");
    let write = |name: &str, contents: &[u8]| std::fs::write(pkg.join(name), contents).expect(name);
    let wasm = [0u8, 97, 115, 109, 1, 0, 0, 0];
    write(
        "pforte.js",
        "export function hydrate() {}\n".repeat(200).as_bytes(),
    );
    write("pforte.wasm", &wasm);
    write("pforte.css", b"body { color: black }");
    write("pforte.d.ts", b"export {}");
    // "Precompressed" copies whose bytes the test can recognise, made from this wasm.
    write("pforte.wasm.br", b"the release's brotli copy");
    write("pforte.wasm.gz", b"the release's gzip copy");
    let made_from: String = sha2::Sha256::digest(wasm)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    write(
        "precompressed.txt",
        format!("pforte.wasm.br {made_from}\npforte.wasm.gz {made_from}\n").as_bytes(),
    );
    let root = site.to_str().expect("path").to_owned();
    let server = Served::start_with(&db, "C.UTF-8", &[("LEPTOS_SITE_ROOT", root.as_str())]).await;
    let get = |path: String, headers: Vec<(&'static str, String)>| {
        let server = &server;
        async move {
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
            server.get(&path, &headers).await.expect("request")
        }
    };
    let accept = |coding: &str| vec![("accept-encoding", coding.to_owned())];
    let version_on = |page: &str| -> String {
        let at = page.find("/v/").expect("a versioned path") + 3;
        page[at..at + 16].to_owned()
    };
    let page = get("/login".into(), accept("identity"))
        .await
        .text()
        .await
        .expect("page");
    let version = version_on(&page);
    assert!(version.bytes().all(|b| b.is_ascii_hexdigit()), "{version}");
    // `/login` names the stylesheet only (it has no islands, so no script loads the WASM; the
    // pages that do name the same root: `pages.rs`); the bundle is there under the same version.
    assert!(
        page.contains(&format!("/v/{version}/pkg/pforte.css")),
        "{page}"
    );
    for file in ["pforte.js", "pforte.wasm"] {
        let res = get(format!("/v/{version}/pkg/{file}"), accept("identity")).await;
        assert_eq!(res.status(), 200, "{file}");
    }

    let res = get(format!("/v/{version}/pkg/pforte.css"), accept("identity")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        header(&res, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&res, "content-type"), "text/css");
    let etag = header(&res, "etag");
    assert!(etag.contains(&version), "{etag}");
    let again = get(
        format!("/v/{version}/pkg/pforte.css"),
        vec![("if-none-match", etag.clone())],
    )
    .await;
    assert_eq!(again.status(), 304);
    let res = get("/pkg/pforte.css".into(), accept("identity")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "cache-control"), "no-cache");
    // Two session cookies sign a browser out, but not through an answer a shared cache may keep.
    let two = || vec![("cookie", "pforte_session=a; pforte_session=b".to_owned())];
    let file = get(format!("/v/{version}/pkg/pforte.css"), two()).await;
    assert_eq!(file.status(), 200);
    assert_eq!(header(&file, "set-cookie"), "");
    let page = get("/login".into(), two()).await;
    assert!(
        header(&page, "set-cookie").contains("pforte_session="),
        "the page clears them"
    );
    // Another version's path gets today's file, never to be kept, and never a 304.
    let other = get(
        "/v/0123456789abcdef/pkg/pforte.css".into(),
        vec![("if-none-match", etag.clone())],
    )
    .await;
    assert_eq!(other.status(), 200);
    assert_eq!(header(&other, "cache-control"), "no-store");
    assert_eq!(header(&other, "etag"), "");
    for path in [
        format!("/v/{version}/pkg/pforte.d.ts"),
        format!("/v/{version}/pkg/pforte.wasm.br"),
        format!("/v/{version}/pkg/sub/pforte.css"),
        "/pkg/pforte.d.ts".to_owned(),
        "/pkg//pforte.wasm.br".to_owned(),
        "/pkg/precompressed.txt".to_owned(),
        format!("/v/{version}/pkg/..%2f..%2fetc%2fpasswd"),
    ] {
        assert_eq!(
            get(path.clone(), accept("br")).await.status(),
            404,
            "{path}"
        );
    }
    // As the client sends it, without the client's own clean-up of the path.
    let raw = |path: &str| {
        use std::io::{Read, Write};
        let addr = server.base.trim_start_matches("http://").to_owned();
        let mut s = std::net::TcpStream::connect(addr).expect("connect");
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .expect("send");
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        answer.lines().next().unwrap_or_default().to_owned()
    };
    for path in [
        "/pkg/./pforte.d.ts",
        "/pkg/../pkg/pforte.d.ts",
        "/v/x/pkg/./pforte.wasm.br",
    ] {
        let status = raw(path);
        assert!(!status.contains(" 200 "), "{path}: {status}");
    }

    // The precompressed copies, by what the browser accepts.
    for (coding_accepted, coding, bytes) in [
        ("gzip, br", "br", &b"the release's brotli copy"[..]),
        ("br;q=0, gzip", "gzip", &b"the release's gzip copy"[..]),
    ] {
        let res = get(
            format!("/v/{version}/pkg/pforte.wasm"),
            accept(coding_accepted),
        )
        .await;
        assert_eq!(res.status(), 200);
        assert_eq!(header(&res, "content-encoding"), coding);
        assert_eq!(header(&res, "content-type"), "application/wasm");
        assert_eq!(
            header(&res, "cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert!(
            header(&res, "vary")
                .to_ascii_lowercase()
                .contains("accept-encoding")
        );
        assert_eq!(&res.bytes().await.expect("body")[..], bytes);
    }
    let plain = get(format!("/v/{version}/pkg/pforte.wasm"), accept("identity")).await;
    assert_eq!(header(&plain, "content-encoding"), "");
    assert_eq!(&plain.bytes().await.expect("body")[..], &wasm[..]);

    // A new build with the same size: a new version; the copies, made from the old file, are
    // not sent (whatever their times).
    // The server looks at its files at most once a second.
    write("pforte.wasm", &[0u8, 97, 115, 109, 1, 0, 0, 1]);
    write("pforte.wasm.br", b"the release's brotli copy");
    let mut next = version.clone();
    for _ in 0..50 {
        let page = get("/login".into(), accept("identity"))
            .await
            .text()
            .await
            .expect("page");
        next = version_on(&page);
        if next != version {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_ne!(next, version, "a new build is picked up");
    let res = get(format!("/v/{next}/pkg/pforte.wasm"), accept("br")).await;
    assert_eq!(
        header(&res, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    let body = res.bytes().await.expect("body");
    assert_ne!(
        &body[..],
        b"the release's brotli copy",
        "a stale copy is never sent"
    );
    let old = get(format!("/v/{version}/pkg/pforte.wasm"), accept("identity")).await;
    assert_eq!(header(&old, "cache-control"), "no-store");
    server.stop();
    let _ = std::fs::remove_dir_all(&site);
}

/// The site's files go out compressed when the browser accepts it (brotli first, else gzip);
/// pages never do (they can hold secrets next to text a request chose).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn site_files_are_compressed_pages_are_not() {
    let db = fresh_database(Engine::Sqlite).await;
    let site = std::env::temp_dir().join(format!("pforte-site-{}", rand::random::<u64>()));
    std::fs::create_dir_all(site.join("pkg")).expect("site dir");
    let wasm: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8 / 4).collect();
    std::fs::write(site.join("pkg/pforte.wasm"), &wasm).expect("wasm");
    std::fs::write(
        site.join("pkg/pforte.js"),
        "export function hydrate() {}\n".repeat(200),
    )
    .expect("js");
    std::fs::write(site.join("pkg/pforte.css"), "body {}\n".repeat(200)).expect("css");
    let root = site.to_str().expect("path").to_owned();
    let server = Served::start_with(&db, "C.UTF-8", &[("LEPTOS_SITE_ROOT", root.as_str())]).await;
    let served = &server;
    let get = |path: &'static str, accept: Option<&'static str>| {
        let headers: Vec<(&str, &str)> =
            accept.map(|a| ("accept-encoding", a)).into_iter().collect();
        async move { served.get(path, &headers).await }
    };
    for (accept, encoding) in [("br, gzip", "br"), ("gzip", "gzip")] {
        let res = get("/pkg/pforte.wasm", Some(accept)).await.expect("wasm");
        assert_eq!(res.status(), 200);
        assert_eq!(header(&res, "content-encoding"), encoding);
        assert!(
            header(&res, "vary")
                .to_ascii_lowercase()
                .contains("accept-encoding")
        );
        let body = res.bytes().await.expect("body");
        assert!(
            body.len() < wasm.len() / 10,
            "{encoding}: {} bytes",
            body.len()
        );
    }
    let js = get("/pkg/pforte.js", Some("br")).await.expect("js");
    assert_eq!(header(&js, "content-encoding"), "br");
    let plain = get("/pkg/pforte.wasm", None).await.expect("wasm");
    assert_eq!(header(&plain, "content-encoding"), "");
    assert_eq!(plain.bytes().await.expect("body").len(), wasm.len());
    let page = get("/login", Some("br, gzip")).await.expect("page");
    assert_eq!(page.status(), 200);
    assert_eq!(
        header(&page, "content-encoding"),
        "",
        "pages are not compressed"
    );
    server.stop();
    let _ = std::fs::remove_dir_all(&site);
}
