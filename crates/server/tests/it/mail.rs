//! The outbox and its worker against a real SMTP conversation: every mail is delivered exactly
//! once, through SMTP outages and with several workers.

use crate::harness::*;
use crate::smtp::{SmtpSink, message_id};
use pforte_auth::mailer::Mailer;
use pforte_auth::outbox::Mail;
use std::sync::atomic::Ordering;
use std::time::Duration;

fn mail(n: usize) -> Mail {
    Mail {
        to: format!("user{n}@example.com"),
        subject: format!("Test mail {n}"),
        text: format!("Hello {n}\nhttps://pforte.test/welcome/abc{n}\n"),
        html: format!("<p>Hello {n}</p>"),
    }
}

/// An SMTP server that refuses for a while and then accepts: every mail arrives exactly once.
async fn outage_loses_nothing_and_doubles_nothing(engine: Engine) {
    let app = TestApp::start(engine).await;
    let sink = SmtpSink::start().await;
    let mailer = sink.mailer();
    for n in 0..3 {
        app.auth.queue_mail(&mail(n)).await.expect("queue");
    }
    sink.refuse.store(true, Ordering::SeqCst);
    assert_eq!(app.auth.deliver_due(&mailer).await.expect("pass"), 0);
    assert!(sink.received().is_empty());
    assert_eq!(app.auth.pending_mail_count().await.expect("count"), 3);
    // Not due again before the backoff has passed.
    assert_eq!(app.auth.deliver_due(&mailer).await.expect("pass"), 0);
    app.clock.advance(5 * 60);
    assert_eq!(
        app.auth.deliver_due(&mailer).await.expect("pass"),
        0,
        "still refused"
    );
    sink.refuse.store(false, Ordering::SeqCst);
    app.clock.advance(10 * 60);
    assert_eq!(app.auth.deliver_due(&mailer).await.expect("pass"), 3);
    app.clock.advance(60 * 60);
    assert_eq!(
        app.auth.deliver_due(&mailer).await.expect("pass"),
        0,
        "nothing twice"
    );
    let received = sink.received();
    assert_eq!(received.len(), 3);
    for n in 0..3 {
        let found = received
            .iter()
            .filter(|m| m.contains(&format!("Subject: Test mail {n}")))
            .count();
        assert_eq!(found, 1, "mail {n} delivered once");
    }
    let first = &received[0];
    assert!(
        first.contains("From: Pforte <no-reply@pforte.test>"),
        "{first}"
    );
    assert!(
        first.contains("multipart/alternative")
            && first.contains("text/plain")
            && first.contains("text/html")
    );
    assert!(first.contains("Auto-Submitted: auto-generated"), "{first}");
    assert_eq!(app.auth.pending_mail_count().await.expect("count"), 0);
}

/// A delivered mail leaves no code or link behind: its bodies are emptied, and its row (recipient,
/// subject, times) goes after a week. Undelivered mails keep theirs.
async fn delivered_mails_keep_no_body(engine: Engine) {
    use sqlx::Row;
    let app = TestApp::start(engine).await;
    let sink = SmtpSink::start().await;
    let count = |sql: &'static str| {
        let pool = app.auth.store.pool.clone();
        async move {
            sqlx::query(sql)
                .fetch_one(&pool)
                .await
                .expect("count")
                .get::<i64, _>("n")
        }
    };
    app.auth.deliver_due(&sink.mailer()).await.expect("pass");
    app.auth.queue_mail(&mail(1)).await.expect("queue");
    app.auth.deliver_due(&sink.mailer()).await.expect("pass");
    app.auth.queue_mail(&mail(2)).await.expect("queue");
    assert!(sink.received().iter().any(|m| m.contains("Hello 1")));
    assert_eq!(
        count(
            "SELECT COUNT(*) AS n FROM outbox WHERE body_text LIKE '%https://%' OR body_html <> ''"
        )
        .await,
        1,
        "only the undelivered mail keeps its body"
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NOT NULL AND subject = 'Test mail 1'"
        )
        .await,
        1,
        "the delivered mail's row stays for a while"
    );
    app.clock.advance(7 * 24 * 3600 - 1);
    app.auth.sweep().await.expect("sweep");
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NOT NULL").await,
        1
    );
    app.clock.advance(1);
    app.auth.sweep().await.expect("sweep");
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NOT NULL").await,
        0
    );
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM outbox").await,
        1,
        "the undelivered mail stays"
    );
}

/// A mail carries the same Message-ID on every try (so a duplicate from a crash between the
/// relay's "accepted" and its record can be told apart), and different mails different ones.
async fn message_id_is_stable_per_mail(engine: Engine) {
    let app = TestApp::start(engine).await;
    let sink = SmtpSink::start().await;
    let mailer = sink.mailer();
    app.auth.queue_mail(&mail(1)).await.expect("queue");
    app.auth.queue_mail(&mail(2)).await.expect("queue");
    let claimed = app.auth.claim_due_mails(10).await.expect("claim");
    assert_eq!(claimed.len(), 2);
    for mail in [&claimed[0], &claimed[0], &claimed[1]] {
        mailer.deliver(mail).await.expect("deliver");
    }
    let ids: Vec<String> = sink.received().iter().map(|m| message_id(m)).collect();
    assert_eq!(ids[0], ids[1], "the same mail, tried again");
    assert_ne!(ids[0], ids[2]);
    assert!(
        ids[0].starts_with("<pforte.") && ids[0].ends_with("@pforte.test>"),
        "{}",
        ids[0]
    );
}

/// While a mail is being sent its claim is renewed: no other worker takes it over, even after
/// the first claim would have run out.
async fn a_claim_is_renewed_while_sending(engine: Engine) {
    use pforte_auth::outbox::{CLAIM_RENEW_SECS, CLAIM_SECS};
    let app = TestApp::start(engine).await;
    let sink = SmtpSink::start().await;
    sink.stall.send_replace(true);
    app.auth.queue_mail(&mail(1)).await.expect("queue");
    let first = {
        let (auth, mailer) = (app.auth.clone(), sink.mailer());
        tokio::spawn(async move { auth.deliver_due(&mailer).await })
    };
    for _ in 0..100 {
        if sink.stalled.load(Ordering::SeqCst) == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        sink.stalled.load(Ordering::SeqCst),
        1,
        "the first worker is sending"
    );
    app.clock.advance(CLAIM_SECS - 5);
    // One renewal: the claim now lasts until CLAIM_SECS after this moment.
    tokio::time::sleep(Duration::from_secs(CLAIM_RENEW_SECS + 1)).await;
    app.clock.advance(10);
    let second = tokio::time::timeout(Duration::from_secs(3), app.auth.deliver_due(&sink.mailer()))
        .await
        .expect("the second worker found nothing to send (else it would be sending now)");
    assert_eq!(second.expect("pass"), 0);
    sink.stall.send_replace(false);
    assert_eq!(first.await.expect("join").expect("pass"), 1);
    assert_eq!(sink.received().len(), 1);
}

/// Two workers (two instances) never deliver the same mail.
async fn concurrent_workers_claim_each_mail_once(engine: Engine) {
    let app = TestApp::start(engine).await;
    let sink = SmtpSink::start().await;
    let mailer = sink.mailer();
    for n in 0..30 {
        app.auth.queue_mail(&mail(n)).await.expect("queue");
    }
    let (a, b) = tokio::join!(app.auth.deliver_due(&mailer), app.auth.deliver_due(&mailer));
    let (a, b) = (a.expect("a"), b.expect("b"));
    let (c, d) = tokio::join!(app.auth.deliver_due(&mailer), app.auth.deliver_due(&mailer));
    assert_eq!(a + b + c.expect("c") + d.expect("d"), 30);
    assert_eq!(sink.received().len(), 30);
}

/// The background worker of `pforte serve` picks mails up by itself.
async fn worker_delivers_in_background(engine: Engine) {
    let app = TestApp::start(engine).await;
    let sink = SmtpSink::start().await;
    let mailer = sink.mailer();
    let worker = pforte_server::workers::spawn_mail_worker(
        app.auth.clone(),
        mailer,
        Duration::from_millis(50),
    );
    app.auth.queue_mail(&mail(7)).await.expect("queue");
    let mut arrived = false;
    for _ in 0..200 {
        if !sink.received().is_empty() {
            arrived = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    worker.abort();
    assert!(arrived, "the worker delivered the mail");
}

/// Without SMTP, mails land as .eml files in the development mailbox.
async fn development_mailbox_writes_eml(engine: Engine) {
    let app = TestApp::start(engine).await;
    let dir = std::env::temp_dir().join(format!("pforte-mailbox-{}", rand::random::<u64>()));
    let mailer = Mailer::new(None, "Pforte <no-reply@localhost>", dir.clone()).expect("mailer");
    app.auth.queue_mail(&mail(1)).await.expect("queue");
    assert_eq!(app.auth.deliver_due(&mailer).await.expect("pass"), 1);
    let files: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .collect();
    assert_eq!(files.len(), 1);
    let eml = std::fs::read_to_string(files[0].path()).expect("eml");
    assert!(eml.contains("Subject: Test mail 1") && eml.contains("To: user1@example.com"));
    let _ = std::fs::remove_dir_all(&dir);
}

crate::dual!(
    delivered_mails_keep_no_body,
    message_id_is_stable_per_mail,
    a_claim_is_renewed_while_sending,
    outage_loses_nothing_and_doubles_nothing,
    concurrent_workers_claim_each_mail_once,
    worker_delivers_in_background,
    development_mailbox_writes_eml,
);
