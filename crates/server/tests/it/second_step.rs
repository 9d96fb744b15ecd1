//! The email code at sign-in on a new device: steps only in order, a new session token at each
//! step, codes bound to their sign-in, valid 10 minutes, five wrong tries end the sign-in.

use crate::harness::*;
use sqlx::Row;

/// Password on a new browser → pending session and a code mail; the code → trust question under a
/// new token; "No" → signed in under another new token, and no device cookie.
async fn new_browser_confirms_with_code(engine: Engine) {
    let app = TestApp::start(engine).await;
    let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "location"), "/login/code");
    let pending = session_cookie(&res).expect("pending session");
    assert_eq!(
        app.get("/", Some(&pending)).await.status(),
        303,
        "a pending sign-in is signed out"
    );
    let mail: (String, String) =
        sqlx::query("SELECT recipient, subject FROM outbox ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.auth.store.pool)
            .await
            .map(|r| (r.get("recipient"), r.get("subject")))
            .expect("code mail");
    assert_eq!(
        mail,
        (OWNER_EMAIL.into(), "Your Pforte confirmation code".into())
    );
    let text = last_mail(&app).await;
    assert!(
        text.contains("It is for signing in on a new browser: ")
            && text.contains("change your password"),
        "the code mail says what the code is for: {text}"
    );
    let page = app.get("/login/code", Some(&pending)).await;
    let body = page.text().await.expect("page");
    for text in [
        "Code",
        "Confirm",
        "Send new code",
        "You can request a new code in 60 seconds.",
    ] {
        assert!(body.contains(text), "{text} missing on /login/code");
    }

    let code = last_code(&app).await;
    let wrong = app.confirm_code(&pending, &other_code(&code)).await;
    assert_eq!(wrong.status(), 422);
    assert!(wrong.text().await.expect("body").contains("CodeInvalid"));
    let right = app.confirm_code(&pending, &code).await;
    assert_eq!(right.status(), 200);
    assert_eq!(header(&right, "location"), "/login/trust");
    let deciding = session_cookie(&right).expect("renewed after the code");
    assert_ne!(deciding, pending, "the token is renewed after the code");
    assert_eq!(app.get("/", Some(&deciding)).await.status(), 303);
    let replay = app.confirm_code(&pending, &code).await;
    assert_eq!(replay.status(), 401, "the pending token died with the code");
    let page = app.get("/login/trust", Some(&deciding)).await;
    let body = page.text().await.expect("page");
    assert!(body.contains("Do you trust this browser and device?"));

    let done = app
        .post_form(
            "/api/trust_sign_in_device",
            &[("trust", "no")],
            Some(&deciding),
        )
        .await;
    assert_eq!(done.status(), 200);
    assert_eq!(header(&done, "location"), "/");
    assert!(device_cookie(&done).is_none(), "No trusts nothing");
    let session = session_cookie(&done).expect("signed in");
    assert_ne!(session, deciding);
    assert_eq!(app.get("/", Some(&session)).await.status(), 200);
    let devices: i64 = sqlx::query("SELECT COUNT(*) AS n FROM trusted_devices")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("count")
        .get("n");
    assert_eq!(devices, 0);
    // "No" means the next sign-in in this browser asks again.
    let again = app
        .submit_password(OWNER_EMAIL, OWNER_PASSWORD, Some(&session))
        .await;
    assert_eq!(header(&again, "location"), "/login/code");
}

/// Steps cannot be skipped or taken out of order.
async fn steps_are_enforced(engine: Engine) {
    let app = TestApp::start(engine).await;
    let trust = app
        .post_form("/api/trust_sign_in_device", &[("trust", "yes")], None)
        .await;
    assert_eq!(trust.status(), 401, "no sign-in in progress");
    let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    let pending = session_cookie(&res).expect("pending");
    let early = app
        .post_form(
            "/api/trust_sign_in_device",
            &[("trust", "yes")],
            Some(&pending),
        )
        .await;
    assert_eq!(early.status(), 409, "trust before the code");
    assert!(device_cookie(&early).is_none());
    let bad = app
        .post_form(
            "/api/trust_sign_in_device",
            &[("trust", "maybe")],
            Some(&pending),
        )
        .await;
    assert_eq!(bad.status(), 400);
    // Without a pending sign-in, the code page says so and links back to the login.
    let page = app.page("/login/code", None).await;
    assert!(page.contains("This sign-in has ended. Please log in again."));
    assert!(page.contains("href=\"/login\""));
}

/// A code works only for the sign-in it was sent for.
async fn code_is_bound_to_its_sign_in(engine: Engine) {
    let app = TestApp::start(engine).await;
    let first = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    let first = session_cookie(&first).expect("pending");
    let first_code = last_code(&app).await;
    let second = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    let second = session_cookie(&second).expect("pending");
    let second_code = last_code(&app).await;
    if first_code == second_code {
        return; // one in a million: the same digits prove nothing here
    }
    let res = app.confirm_code(&second, &first_code).await;
    assert_eq!(res.status(), 422);
    let res = app.confirm_code(&first, &first_code).await;
    assert_eq!(res.status(), 200);
}

/// Five wrong codes end the sign-in: even the right code no longer works.
async fn five_wrong_codes_end_the_sign_in(engine: Engine) {
    let app = TestApp::start(engine).await;
    let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    let pending = session_cookie(&res).expect("pending");
    let code = last_code(&app).await;
    let wrong = other_code(&code);
    for attempt in 1..=5 {
        let res = app.confirm_code(&pending, &wrong).await;
        let expected = if attempt < 5 { 422 } else { 429 };
        assert_eq!(res.status(), expected, "attempt {attempt}");
    }
    let res = app.confirm_code(&pending, &code).await;
    assert_eq!(res.status(), 401);
    assert!(res.text().await.expect("body").contains("SignInEnded"));
    let state = app
        .post_form("/api/sign_in_state", &[], Some(&pending))
        .await;
    assert!(state.text().await.expect("body").contains("\"step\":null"));
}

/// "Send new code": 60 s apart, the new code replaces the old, the wrong tries are not reset.
async fn resend_replaces_and_keeps_the_count(engine: Engine) {
    let app = TestApp::start(engine).await;
    let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    let pending = session_cookie(&res).expect("pending");
    let old = last_code(&app).await;
    for _ in 0..2 {
        let res = app.confirm_code(&pending, &other_code(&old)).await;
        assert_eq!(res.status(), 422);
    }
    let early = app
        .post_form("/api/resend_sign_in_code", &[], Some(&pending))
        .await;
    assert_eq!(early.status(), 429);
    let retry: u64 = header(&early, "retry-after").parse().expect("Retry-After");
    assert!((1..=60).contains(&retry), "{retry}");
    app.clock.advance(61);
    let res = app
        .post_form("/api/resend_sign_in_code", &[], Some(&pending))
        .await;
    assert_eq!(res.status(), 200);
    let new = last_code(&app).await;
    if new != old {
        let res = app.confirm_code(&pending, &old).await;
        assert_eq!(res.status(), 422, "the old code is replaced");
    }
    // 2 (before) + 1 (old code, if tried) wrong so far; the count goes on to five.
    let tried_old = u32::from(new != old);
    for attempt in (3 + tried_old)..=5 {
        let res = app.confirm_code(&pending, &other_code(&new)).await;
        let expected = if attempt < 5 { 422 } else { 429 };
        assert_eq!(res.status(), expected, "wrong try {attempt}");
    }
    let res = app.confirm_code(&pending, &new).await;
    assert_eq!(res.status(), 401, "the resend did not reset the count");
}

/// Codes last 10 minutes: accepted at 9:59, refused at 10:01.
async fn code_expires_after_ten_minutes(engine: Engine) {
    let app = TestApp::start(engine).await;
    for (wait, accepted) in [(599, true), (601, false)] {
        let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
        let pending = session_cookie(&res).expect("pending");
        let code = last_code(&app).await;
        app.clock.advance(wait);
        let res = app.confirm_code(&pending, &code).await;
        if accepted {
            assert_eq!(res.status(), 200, "accepted at {wait} s");
        } else {
            assert_eq!(res.status(), 422, "refused at {wait} s");
            assert!(res.text().await.expect("body").contains("CodeExpired"));
        }
    }
}

/// Each try is counted before it is compared, in one atomic update: of 50 parallel wrong codes
/// exactly five are compared, the rest are refused.
async fn parallel_wrong_codes_are_counted(engine: Engine) {
    let app = std::sync::Arc::new(TestApp::start(engine).await);
    let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    let pending = session_cookie(&res).expect("pending");
    let wrong = other_code(&last_code(&app).await);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let (app, pending, wrong) = (app.clone(), pending.clone(), wrong.clone());
        tasks.spawn(async move {
            let res = app.confirm_code(&pending, &wrong).await;
            res.text().await.expect("body")
        });
    }
    let (mut evaluated, mut exhausted, mut ended) = (0, 0, 0);
    while let Some(body) = tasks.join_next().await {
        let body = body.expect("task");
        if body.contains("CodeInvalid") {
            evaluated += 1;
        } else if body.contains("CodeAttemptsExhausted") {
            exhausted += 1;
        } else if body.contains("SignInEnded") {
            ended += 1;
        } else {
            panic!("unexpected answer: {body}");
        }
    }
    // Exactly five tries are compared, however the 50 interleave: the first four answer "wrong
    // code", the fifth answers that the code is used up and ends the sign-in. Every other try is
    // refused unseen: as exhausted, or, once the sign-in has ended, as ended.
    assert_eq!(
        evaluated, 4,
        "{evaluated} wrong codes were answered as wrong: the first four compared tries must be, \
         and the fifth already answers that the code is used up"
    );
    assert!(
        exhausted >= 1,
        "the fifth compared try answers that the code is used up"
    );
    assert_eq!(evaluated + exhausted + ended, 50);
    // The used-up code stays until it expires, with its count.
    let failures: i64 = sqlx::query("SELECT failures FROM email_codes")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("row")
        .get("failures");
    assert_eq!(failures, 5, "exactly five tries were compared");
}

/// `next` travels through the code and trust steps.
async fn next_survives_the_steps(engine: Engine) {
    let app = TestApp::start(engine).await;
    let res = app
        .post_form(
            "/api/submit_password",
            &[
                ("identifier", OWNER_EMAIL),
                ("password", OWNER_PASSWORD),
                ("next", "/account/security"),
            ],
            None,
        )
        .await;
    assert_eq!(
        header(&res, "location"),
        "/login/code?next=/account/security"
    );
    let pending = session_cookie(&res).expect("pending");
    let code = last_code(&app).await;
    let res = app
        .post_form(
            "/api/confirm_sign_in_code",
            &[("code", &code), ("next", "/account/security")],
            Some(&pending),
        )
        .await;
    assert_eq!(
        header(&res, "location"),
        "/login/trust?next=/account/security"
    );
    let deciding = session_cookie(&res).expect("deciding");
    let res = app
        .post_form(
            "/api/trust_sign_in_device",
            &[("trust", "no"), ("next", "//evil.example")],
            Some(&deciding),
        )
        .await;
    assert_eq!(header(&res, "location"), "/", "only local paths");
}

/// Without JavaScript the code step is plain form posts and redirects, errors in the URL.
async fn code_step_without_javascript(engine: Engine) {
    let app = TestApp::start(engine).await;
    let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    let pending = session_cookie(&res).expect("pending");
    let code = last_code(&app).await;
    let wrong = other_code(&code);
    let bad = app
        .plain_post(
            "/api/confirm_sign_in_code",
            &[("code", &wrong)],
            Some("/login/code"),
            Some(&pending),
        )
        .await;
    assert_eq!(bad.status(), 302);
    let location = header(&bad, "location");
    assert!(location.contains("__err="), "{location}");
    let page = app
        .page(location.trim_start_matches(PUBLIC_URL), Some(&pending))
        .await;
    assert!(page.contains("The code is not correct."), "{page}");
    assert!(page.contains("role=\"alert\""));
    let ok = app
        .plain_post(
            "/api/confirm_sign_in_code",
            &[("code", &code)],
            Some("/login/code"),
            Some(&pending),
        )
        .await;
    assert_eq!(ok.status(), 302);
    assert_eq!(header(&ok, "location"), "/login/trust");
}

crate::dual!(
    new_browser_confirms_with_code,
    steps_are_enforced,
    code_is_bound_to_its_sign_in,
    five_wrong_codes_end_the_sign_in,
    resend_replaces_and_keeps_the_count,
    code_expires_after_ten_minutes,
    parallel_wrong_codes_are_counted,
    next_survives_the_steps,
    code_step_without_javascript,
);
