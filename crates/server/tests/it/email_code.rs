//! Email codes, on both engines, with a moved clock: single use, bound to the flow they were sent
//! for, valid 10 minutes, five wrong tries per code (a resend keeps the count).

use crate::harness::*;
use pforte_auth::email_code::CodeFlow;
use pforte_auth::secret::Token;
use pforte_auth::{AuthError, account::User};
use sqlx::Row;

async fn owner(app: &TestApp) -> User {
    app.owner().await
}

async fn code_is_single_use_and_bound_to_its_flow(engine: Engine) {
    let app = TestApp::start(engine).await;
    let user = owner(&app).await;
    let flow = CodeFlow::sign_in(&Token::generate().hash());
    let other_flow = CodeFlow::sign_in(&Token::generate().hash());
    app.auth.send_email_code(&flow, &user).await.expect("send");
    let code = last_code(&app).await;
    assert!(matches!(
        app.auth.verify_email_code(&other_flow, &code).await,
        Err(AuthError::CodeInvalid)
    ));
    assert_eq!(
        app.auth
            .verify_email_code(&flow, &code)
            .await
            .expect("valid"),
        user.id
    );
    assert!(
        matches!(
            app.auth.verify_email_code(&flow, &code).await,
            Err(AuthError::CodeInvalid)
        ),
        "used up"
    );
    // Stored hashed: the code appears nowhere in the table.
    let rows = sqlx::query("SELECT code_hash FROM email_codes")
        .fetch_all(&app.auth.store.pool)
        .await
        .expect("rows");
    assert!(
        rows.iter()
            .all(|r| !r.get::<String, _>("code_hash").contains(&code))
    );
}

async fn code_expires_after_ten_minutes(engine: Engine) {
    let app = TestApp::start(engine).await;
    let user = owner(&app).await;
    let early = CodeFlow::sign_in(&Token::generate().hash());
    app.auth.send_email_code(&early, &user).await.expect("send");
    let early_code = last_code(&app).await;
    let late = CodeFlow::sign_in(&Token::generate().hash());
    app.auth.send_email_code(&late, &user).await.expect("send");
    let late_code = last_code(&app).await;
    app.clock.advance(9 * 60 + 59);
    assert!(
        app.auth
            .verify_email_code(&early, &early_code)
            .await
            .is_ok(),
        "accepted at 9:59"
    );
    app.clock.advance(2);
    assert!(
        matches!(
            app.auth.verify_email_code(&late, &late_code).await,
            Err(AuthError::CodeExpired)
        ),
        "refused at 10:01"
    );
}

async fn five_wrong_tries_end_the_code(engine: Engine) {
    let app = TestApp::start(engine).await;
    let user = owner(&app).await;
    let flow = CodeFlow::sign_in(&Token::generate().hash());
    app.auth.send_email_code(&flow, &user).await.expect("send");
    let code = last_code(&app).await;
    for _ in 0..4 {
        assert!(matches!(
            app.auth.verify_email_code(&flow, &other_code(&code)).await,
            Err(AuthError::CodeInvalid)
        ));
    }
    assert!(
        matches!(
            app.auth.verify_email_code(&flow, &other_code(&code)).await,
            Err(AuthError::CodeAttemptsExhausted)
        ),
        "the 5th wrong try ends the code"
    );
    assert!(
        matches!(
            app.auth.verify_email_code(&flow, &code).await,
            Err(AuthError::CodeAttemptsExhausted)
        ),
        "the 6th try is refused even with the right code"
    );
    assert!(matches!(
        app.auth.verify_email_code(&flow, "12ab56").await,
        Err(AuthError::Invalid { field: "code", .. })
    ));
}

async fn resend_has_a_cooldown_replaces_the_code_and_keeps_the_count(engine: Engine) {
    let app = TestApp::start(engine).await;
    let user = owner(&app).await;
    let flow = CodeFlow::sign_in(&Token::generate().hash());
    app.auth.send_email_code(&flow, &user).await.expect("send");
    let first = last_code(&app).await;
    for _ in 0..3 {
        let _ = app.auth.verify_email_code(&flow, &other_code(&first)).await;
    }
    app.clock.advance(30);
    match app.auth.send_email_code(&flow, &user).await {
        Err(AuthError::ResendCooldown { retry_after }) => assert_eq!(retry_after, 30),
        other => panic!("expected the cooldown, got {other:?}"),
    }
    assert_eq!(app.auth.code_cooldown(&flow).await.expect("cooldown"), 30);
    app.clock.advance(30);
    app.auth
        .send_email_code(&flow, &user)
        .await
        .expect("resend after 60 s");
    let second = last_code(&app).await;
    if second != first {
        assert!(
            matches!(
                app.auth.verify_email_code(&flow, &first).await,
                Err(AuthError::CodeInvalid)
            ),
            "old code replaced"
        );
    } else {
        let _ = app.auth.verify_email_code(&flow, &other_code(&first)).await;
    }
    // 3 + 1 failures so far: one more wrong try exhausts the code although it was resent.
    let _ = app
        .auth
        .verify_email_code(&flow, &other_code(&second))
        .await;
    assert!(matches!(
        app.auth.verify_email_code(&flow, &second).await,
        Err(AuthError::CodeAttemptsExhausted)
    ));
}

/// Each try is counted before it is compared, in one atomic update: of 50 parallel wrong codes
/// exactly five are compared, the rest are refused as exhausted.
async fn parallel_guesses_are_counted_atomically(engine: Engine) {
    let app = TestApp::start(engine).await;
    let user = owner(&app).await;
    let flow = CodeFlow::sign_in(&Token::generate().hash());
    app.auth.send_email_code(&flow, &user).await.expect("send");
    let code = last_code(&app).await;
    let wrong = other_code(&code);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let (auth, flow, wrong) = (app.auth.clone(), flow.clone(), wrong.clone());
        tasks.spawn(async move { auth.verify_email_code(&flow, &wrong).await });
    }
    let (mut evaluated, mut refused) = (0, 0);
    while let Some(result) = tasks.join_next().await {
        match result.expect("task") {
            Err(AuthError::CodeInvalid) => evaluated += 1,
            Err(AuthError::CodeAttemptsExhausted) => refused += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    // Exactly five tries are compared, however the 50 interleave: the first four answer "wrong
    // code", the fifth already answers that the code is used up, like every later try.
    assert_eq!(
        evaluated, 4,
        "{evaluated} guesses were answered as wrong: the first four compared tries must be, and \
         the fifth already answers that the code is used up"
    );
    assert_eq!(refused, 46, "every other try is refused as exhausted");
    let failures: i64 = sqlx::query("SELECT failures FROM email_codes")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("row")
        .get("failures");
    assert_eq!(failures, 5, "exactly five tries were compared");
}

crate::dual!(
    code_is_single_use_and_bound_to_its_flow,
    code_expires_after_ten_minutes,
    five_wrong_tries_end_the_code,
    resend_has_a_cooldown_replaces_the_code_and_keeps_the_count,
    parallel_guesses_are_counted_atomically,
);
