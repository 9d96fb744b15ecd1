//! Invitations: hashed single-use tokens, 7 days, a resend replaces the old link, and the mail goes
//! out through the outbox.

use crate::harness::*;
use crate::smtp::SmtpSink;
use pforte_auth::account::NewUser;
use pforte_auth::{AuthError, RequestMeta};
use pforte_shared::types::Role;
use sqlx::Row;

fn invited(email: &str) -> NewUser {
    NewUser {
        email: email.into(),
        display_name: "Ben <b>Kurz</b>".into(),
        role: Role::User,
        google_email: None,
        password: None,
        lang: Default::default(),
    }
}

/// The tokens of every welcome link in the mails the sink received, in order.
fn welcome_tokens(sink: &SmtpSink) -> Vec<String> {
    let mut tokens = Vec::new();
    for raw in sink.received() {
        let text = raw.replace("=\n", "");
        let mut rest = text.as_str();
        while let Some(i) = rest.find("https://pforte.test/welcome/") {
            let after = &rest[i + "https://pforte.test/welcome/".len()..];
            let token: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            if !tokens.contains(&token) {
                tokens.push(token);
            }
            rest = after;
        }
    }
    tokens
}

async fn deliver(app: &TestApp, sink: &SmtpSink) {
    let mailer = sink.mailer();
    app.auth.deliver_due(&mailer).await.expect("deliver");
}

async fn invitation_mail_carries_a_single_use_link(engine: Engine) {
    let app = TestApp::start(engine).await;
    let sink = SmtpSink::start().await;
    let user = app
        .auth
        .create_user(
            &app.customer_number,
            invited("ben.kurz@example.com"),
            &RequestMeta::default(),
        )
        .await
        .expect("create");
    deliver(&app, &sink).await;
    let mails = sink.received();
    assert_eq!(mails.len(), 1);
    let mail = mails[0].replace("=\n", "");
    assert!(mail.contains("To: ben.kurz@example.com"));
    assert!(mail.contains("To the user account"));
    assert!(
        mail.contains("Ben &lt;b&gt;Kurz&lt;/b&gt;"),
        "names are escaped in HTML"
    );
    let tokens = welcome_tokens(&sink);
    assert_eq!(tokens.len(), 1);
    let token = &tokens[0];
    assert_eq!(token.len(), 43);
    let invitation = app.auth.invitation(token).await.expect("valid");
    assert_eq!(invitation.user_id, user.id);
    assert_eq!(invitation.step, pforte_auth::onboarding::Step::Email);
    let stored: String = sqlx::query("SELECT token_hash FROM invitations WHERE user_id = $1")
        .bind(user.id)
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("row")
        .get("token_hash");
    assert_ne!(&stored, token, "only the hash is stored");
    app.auth.use_invitation(token).await.expect("first use");
    assert!(matches!(
        app.auth.use_invitation(token).await,
        Err(AuthError::LinkInvalid)
    ));
    assert!(matches!(
        app.auth.invitation(token).await,
        Err(AuthError::LinkInvalid)
    ));
    assert!(matches!(
        app.auth.invitation("not-a-token").await,
        Err(AuthError::LinkInvalid)
    ));
}

async fn resend_replaces_the_old_link(engine: Engine) {
    let app = TestApp::start(engine).await;
    let sink = SmtpSink::start().await;
    let user = app
        .auth
        .create_user(
            &app.customer_number,
            invited("ben.kurz@example.com"),
            &RequestMeta::default(),
        )
        .await
        .expect("create");
    let owner = app.owner().await;
    app.clock.advance(61);
    app.auth
        .resend_invitation(&owner, user.id, &RequestMeta::default())
        .await
        .expect("resend");
    deliver(&app, &sink).await;
    let tokens = welcome_tokens(&sink);
    assert_eq!(tokens.len(), 2);
    assert!(
        matches!(
            app.auth.invitation(&tokens[0]).await,
            Err(AuthError::LinkInvalid)
        ),
        "old link dead"
    );
    assert!(
        app.auth.invitation(&tokens[1]).await.is_ok(),
        "new link works"
    );
}

async fn invitation_expires_after_seven_days(engine: Engine) {
    let app = TestApp::start(engine).await;
    let sink = SmtpSink::start().await;
    app.auth
        .create_user(
            &app.customer_number,
            invited("ben.kurz@example.com"),
            &RequestMeta::default(),
        )
        .await
        .expect("create");
    deliver(&app, &sink).await;
    let token = welcome_tokens(&sink).remove(0);
    app.clock.advance(7 * 24 * 3600 - 1);
    assert!(
        app.auth.invitation(&token).await.is_ok(),
        "valid until the end of day 7"
    );
    app.clock.advance(2);
    assert!(matches!(
        app.auth.invitation(&token).await,
        Err(AuthError::LinkInvalid)
    ));
    assert!(matches!(
        app.auth.use_invitation(&token).await,
        Err(AuthError::LinkInvalid)
    ));
}

async fn failed_creation_queues_nothing(engine: Engine) {
    let app = TestApp::start(engine).await;
    let err = app
        .auth
        .create_user(
            &app.customer_number,
            invited(OWNER_EMAIL),
            &RequestMeta::default(),
        )
        .await;
    assert!(matches!(err, Err(AuthError::Conflict("email"))));
    assert_eq!(app.auth.pending_mail_count().await.expect("count"), 0);
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM invitations")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("count")
        .get("n");
    assert_eq!(n, 0);
}

/// `pforte create-account` without a password invites the owner and sends the mail at once.
async fn cli_sends_the_owner_invitation(engine: Engine) {
    let sink = SmtpSink::start().await;
    let db = fresh_database(engine).await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pforte"))
        .args([
            "create-account",
            "--name",
            "Kranich GmbH",
            "--owner-email",
            "owner@kranich.example",
        ])
        .env("PFORTE_DATABASE_URL", &db)
        .env("PFORTE_SECRET_KEY", TEST_SECRET_KEY)
        .env("PFORTE_SMTP_URL", sink.url())
        .env("PFORTE_PUBLIC_URL", PUBLIC_URL)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mails = sink.received();
    assert_eq!(mails.len(), 1, "{}", String::from_utf8_lossy(&out.stderr));
    assert!(mails[0].contains("To: owner@kranich.example"));
    assert_eq!(welcome_tokens(&sink).len(), 1);
}

/// "Resend invitation" works once a minute, and a user gets at most ten invitation mails in any
/// 24 hours (the first invitation counts); each refusal says when to try again.
async fn resend_has_a_cooldown_and_a_daily_cap(engine: Engine) {
    let app = TestApp::start(engine).await;
    let user = app
        .auth
        .create_user(
            &app.customer_number,
            invited("ben.kurz@example.com"),
            &RequestMeta::default(),
        )
        .await
        .expect("create");
    let owner = app.owner().await;
    let meta = RequestMeta::default();
    let resend = || app.auth.resend_invitation(&owner, user.id, &meta);
    resend().await.expect("the first resend at once");
    app.clock.advance(30);
    match resend().await {
        Err(AuthError::RateLimited { retry_after }) => assert_eq!(retry_after, 30),
        other => panic!("a second resend within the minute: {other:?}"),
    }
    for _ in 0..8 {
        app.clock.advance(60);
        resend().await.expect("resend");
    }
    // Ten mails now: the invitation at 0 s and nine resends, the last at 510 s.
    app.clock.advance(60);
    match resend().await {
        Err(AuthError::RateLimited { retry_after }) => {
            assert_eq!(
                retry_after,
                24 * 3600 - 570,
                "until the first mail is a day old"
            )
        }
        other => panic!("the eleventh mail in a day: {other:?}"),
    }
    app.clock.advance(24 * 3600 - 570 + 1);
    resend().await.expect("a day after the first");
}

crate::dual!(
    resend_has_a_cooldown_and_a_daily_cap,
    invitation_mail_carries_a_single_use_link,
    resend_replaces_the_old_link,
    invitation_expires_after_seven_days,
    failed_creation_queues_nothing,
    cli_sends_the_owner_invitation,
);
