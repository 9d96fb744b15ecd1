//! Several `pforte serve` processes on one PostgreSQL, as a load balancer would spread requests
//! over them: a sign-in moves between instances, throttles are shared, every mail is sent once
//! even when an instance is killed while sending, and a restarted database is served again
//! without restarting the instances.

use crate::harness::*;
use crate::smtp::{SmtpSink, message_id, plain_text};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// What every instance is configured with: one public address for all (the load balancer's).
const PUBLIC: &str = "http://pforte.test";
const OWNER: &str = "inga.hoff@example.com";
const PASSWORD: &str = "amber falcon sketches quiet harbors";

/// Three instances on `database_url`, mailing through `sink`.
async fn three(database_url: &str, sink: &SmtpSink) -> Vec<Served> {
    let smtp = sink.url();
    let env = [
        ("PFORTE_PUBLIC_URL", PUBLIC),
        ("PFORTE_DEV_MAILBOX", "0"),
        ("PFORTE_SMTP_URL", smtp.as_str()),
        ("RUST_LOG", "info"),
    ];
    let (a, b, c) = tokio::join!(
        Served::start_with(database_url, "C.UTF-8", &env),
        Served::start_with(database_url, "C.UTF-8", &env),
        Served::start_with(database_url, "C.UTF-8", &env),
    );
    vec![a, b, c]
}

/// An account whose owner has `PASSWORD`, made with the command line.
fn owner_account(database_url: &str) {
    let out = pforte(
        database_url,
        &[
            "create-account",
            "--name",
            "Vielfach AG",
            "--owner-email",
            OWNER,
            "--password-stdin",
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A form posted to one instance, as the browser would (Origin is the public address).
async fn post(
    at: &Served,
    path: &str,
    fields: &[(&str, &str)],
    cookie: Option<&str>,
) -> reqwest::Response {
    post_form_to(
        &at.client,
        &format!("{}{path}", at.base),
        PUBLIC,
        fields,
        cookie,
    )
    .await
}

/// Waits for the sign-in code of the newest code mail at the SMTP server.
async fn code_from(sink: &SmtpSink, seen: usize) -> String {
    for _ in 0..200 {
        let received = sink.received();
        if let Some(mail) = received
            .iter()
            .skip(seen)
            .rev()
            .find(|m| m.contains("code"))
        {
            return code_in(&plain_text(mail));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no code mail arrived")
}

/// The owner signs in with the password on `a`, the code on `b` and "No" on `c`; the session
/// cookie.
async fn sign_in_across(a: &Served, b: &Served, c: &Served, sink: &SmtpSink) -> String {
    let seen = sink.received().len();
    let res = post(
        a,
        "/api/submit_password",
        &[("identifier", OWNER), ("password", PASSWORD)],
        None,
    )
    .await;
    assert_eq!(header(&res, "location"), "/login/code");
    let pending = session_cookie(&res).expect("pending sign-in");
    let code = code_from(sink, seen).await;
    let res = post(
        b,
        "/api/confirm_sign_in_code",
        &[("code", &code)],
        Some(&pending),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "location"), "/login/trust");
    let deciding = session_cookie(&res).expect("deciding");
    let res = post(
        c,
        "/api/trust_sign_in_device",
        &[("trust", "no")],
        Some(&deciding),
    )
    .await;
    assert_eq!(res.status(), 200);
    session_cookie(&res).expect("signed in")
}

async fn status_of(at: &Served, path: &str, cookie: Option<&str>) -> u16 {
    let headers: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
    at.get(path, &headers)
        .await
        .map_or(0, |r| r.status().as_u16())
}

/// A fresh database on the tests' PostgreSQL with the owner's account, an SMTP server, and three
/// instances on them.
async fn three_on_fresh_postgres() -> (TestDatabase, SmtpSink, Vec<Served>) {
    let db = fresh_database(Engine::Postgres).await;
    owner_account(&db);
    let sink = SmtpSink::start().await;
    let instances = three(&db, &sink).await;
    (db, sink, instances)
}

/// Password on A, code on B, trust on C: signed in, and the session works on all three.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_moves_between_instances() {
    let (_db, sink, instances) = three_on_fresh_postgres().await;
    let [a, b, c] = [&instances[0], &instances[1], &instances[2]];
    let session = sign_in_across(a, b, c, &sink).await;
    for at in [a, b, c] {
        assert_eq!(
            status_of(at, "/account/security", Some(&session)).await,
            200
        );
        assert_eq!(status_of(at, "/account/security", None).await, 303);
    }
    // Logging out on one ends the session on all.
    let res = post(b, "/api/log_out", &[], Some(&session)).await;
    assert!(res.status().is_success() || res.status().is_redirection());
    for at in [a, b, c] {
        assert_eq!(
            status_of(at, "/account/security", Some(&session)).await,
            303
        );
    }
    for served in instances {
        served.stop();
    }
}

/// Wrong passwords sent to all three at once meet one per-user delay: one is checked, the
/// others are refused as throttled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_share_one_delay() {
    let (db, _sink, instances) = three_on_fresh_postgres().await;
    let fields = [
        ("identifier", OWNER),
        ("password", "not the right one at all"),
    ];
    let path = "/api/submit_password";
    let (a, b, c) = tokio::join!(
        post(&instances[0], path, &fields, None),
        post(&instances[1], path, &fields, None),
        post(&instances[2], path, &fields, None),
    );
    for res in [a, b, c] {
        assert_eq!(res.status(), 401, "the same answer from every instance");
    }
    let store = pforte_auth::Store::connect(&db).await.expect("connect");
    let mut details: Vec<String> = sqlx::query_scalar(
        "SELECT detail FROM audit_events WHERE event = 'sign_in_password' AND outcome = 'failure'",
    )
    .fetch_all(&store.pool)
    .await
    .expect("audit");
    details.sort();
    assert_eq!(details, ["throttled", "throttled", "wrong password"]);
    store.pool.close().await;
    for served in instances {
        served.stop();
    }
}

/// 300 invitations queued through all three instances reach the SMTP server once each, counted
/// by Message-ID — also when one instance is killed (SIGKILL) in the middle of sending a mail:
/// another instance sends that one once its claim has run out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mail_once_even_when_an_instance_dies() {
    const MAILS: usize = 300;
    let (_db, sink, mut instances) = three_on_fresh_postgres().await;
    let admin = sign_in_across(&instances[0], &instances[1], &instances[2], &sink).await;
    let before = sink.received().len();
    // From now on every message waits at its end for an answer.
    sink.stall.send_replace(true);
    for n in 0..MAILS {
        let email = format!("user{n:03}@example.com");
        let res = post(
            &instances[n % 3],
            "/api/create_user",
            &[("name", "Neu"), ("email", &email), ("role", "user")],
            Some(&admin),
        )
        .await;
        assert_eq!(res.status(), 200, "create {email}");
    }
    // Each instance's mail worker now holds one mail in the middle of sending it.
    wait_until("every instance sending", || {
        sink.stalled.load(Ordering::SeqCst) == 3
    })
    .await;
    let mut b = instances.remove(1);
    b.kill();
    wait_until("the killed instance's connection gone", || {
        sink.stalled.load(Ordering::SeqCst) == 2
    })
    .await;
    sink.stall.send_replace(false);
    let started = Instant::now();
    wait_until_for(
        Duration::from_secs(90),
        "every invitation delivered",
        || sink.received().len() - before >= MAILS,
    )
    .await;
    let took_over = started.elapsed();
    assert!(
        took_over < Duration::from_secs(pforte_auth::outbox::CLAIM_SECS as u64 + 10),
        "the dead instance's mail was taken over only after {took_over:?}"
    );
    // A little longer: a duplicate would show up now.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let received: Vec<String> = sink.received().into_iter().skip(before).collect();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for message in &received {
        *by_id.entry(message_id(message)).or_default() += 1;
    }
    assert_eq!(by_id.len(), MAILS, "one Message-ID per invitation");
    assert!(
        by_id.values().all(|n| *n == 1),
        "a mail sent twice: {:?}",
        by_id.iter().filter(|(_, n)| **n > 1).collect::<Vec<_>>()
    );
    assert_eq!(received.len(), MAILS);
    for n in 0..MAILS {
        let to = format!("To: user{n:03}@example.com");
        assert!(received.iter().any(|m| m.contains(&to)), "{to} missing");
    }
    eprintln!("the remaining mails, the dead instance's included, took {took_over:?}");
    for served in instances {
        served.stop();
    }
    b.stop();
}

/// PostgreSQL restarted under three instances: `/healthz` answers 503 while it is down, and every
/// instance serves again within 10 s of it being back, without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_database_is_served_again() {
    let pg = OwnPostgres::start();
    let db = pg.url();
    owner_account(&db);
    let sink = SmtpSink::start().await;
    let instances = three(&db, &sink).await;
    let session = sign_in_across(&instances[0], &instances[1], &instances[2], &sink).await;
    pg.stop();
    for at in &instances {
        assert_eq!(status_of(at, "/healthz", None).await, 503);
        assert_eq!(status_of(at, "/readyz", None).await, 503);
        let page = status_of(at, "/account/security", Some(&session)).await;
        assert!(page >= 500, "no page without the database: {page}");
    }
    pg.start_again();
    let back = Instant::now();
    for at in &instances {
        while status_of(at, "/account/security", Some(&session)).await != 200 {
            assert!(
                back.elapsed() < Duration::from_secs(10),
                "{} not serving 10 s after the database came back",
                at.base
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(status_of(at, "/healthz", None).await, 200);
    }
    eprintln!(
        "all three served again {:?} after the database was back",
        back.elapsed()
    );
    for served in instances {
        served.stop();
    }
}

async fn wait_until(what: &str, done: impl Fn() -> bool) {
    wait_until_for(Duration::from_secs(30), what, done).await;
}

async fn wait_until_for(limit: Duration, what: &str, done: impl Fn() -> bool) {
    let until = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < until, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
