//! The onboarding state machine: email, password, code and trust steps in order, enforced on the
//! server; five wrong codes start it again.

use crate::harness::*;
use pforte_auth::account::{NewUser, UserStatus};
use pforte_auth::onboarding::Step;
use pforte_auth::secret::Password;
use pforte_auth::{AuthError, RequestMeta};
use pforte_shared::Msg;
use pforte_shared::types::Role;
use sqlx::Row;

const NEW_PASSWORD: &str = "granite otter sings beneath lanterns";

fn meta() -> RequestMeta {
    RequestMeta::new(
        "127.0.0.1",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
    )
}

/// Invites Ben and returns the token from the invitation mail.
async fn invite(app: &TestApp) -> String {
    app.auth
        .create_user(
            &app.customer_number,
            NewUser {
                email: "ben.kurz@example.com".into(),
                display_name: "Ben Kurz".into(),
                role: Role::User,
                google_email: None,
                password: None,
                lang: Default::default(),
            },
            &meta(),
        )
        .await
        .expect("invite");
    let text = last_mail(app).await;
    token_after(&text, "/welcome/")
}

/// Steps 1 and 2 with the right answers: the invitation then waits for its code.
async fn advance_to_code(app: &TestApp, token: &str, m: &RequestMeta) {
    app.auth
        .submit_invited_email(token, "ben.kurz@example.com", m)
        .await
        .expect("email");
    app.auth
        .set_onboarding_password(token, pw(NEW_PASSWORD), pw(NEW_PASSWORD), m)
        .await
        .expect("password");
}

fn pw(s: &str) -> Password {
    Password::new(s.into())
}

async fn step(app: &TestApp, token: &str) -> Step {
    app.auth.onboarding_state(token).await.expect("state").step
}

async fn four_steps_in_order(engine: Engine) {
    let app = TestApp::start(engine).await;
    let token = invite(&app).await;
    let m = meta();
    assert_eq!(step(&app, &token).await, Step::Email);

    // Later steps are refused before their turn.
    assert!(matches!(
        app.auth
            .set_onboarding_password(&token, pw(NEW_PASSWORD), pw(NEW_PASSWORD), &m)
            .await,
        Err(AuthError::StepOutOfOrder)
    ));
    assert!(matches!(
        app.auth.confirm_onboarding_code(&token, "123456", &m).await,
        Err(AuthError::StepOutOfOrder)
    ));
    assert!(matches!(
        app.auth.resend_onboarding_code(&token, &m).await,
        Err(AuthError::StepOutOfOrder)
    ));
    assert!(matches!(
        app.auth.finish_onboarding(&token, true, &m).await,
        Err(AuthError::StepOutOfOrder)
    ));

    // 1. Email: must be the invited one.
    match app
        .auth
        .submit_invited_email(&token, "someone.else@example.com", &m)
        .await
    {
        Err(AuthError::Invalid {
            field: "email",
            problem,
        }) => assert_eq!(problem, Msg::InvitedEmailMismatch),
        other => panic!("{other:?}"),
    }
    assert_eq!(step(&app, &token).await, Step::Email);
    app.auth
        .submit_invited_email(&token, " Ben.Kurz@Example.com ", &m)
        .await
        .expect("email");
    assert_eq!(step(&app, &token).await, Step::Password);
    assert!(matches!(
        app.auth
            .submit_invited_email(&token, "ben.kurz@example.com", &m)
            .await,
        Err(AuthError::StepOutOfOrder)
    ));

    // 2. Password: policy with a specific reason, and the repeat must match.
    for (password, repeat, field, problem) in [
        ("too short", "too short", "password", Msg::PasswordTooShort),
        (
            "ben.kurz forever and ever",
            "ben.kurz forever and ever",
            "password",
            Msg::PasswordPersonal,
        ),
        (
            "nordlicht logistik rules ok",
            "nordlicht logistik rules ok",
            "password",
            Msg::PasswordPersonal,
        ),
        (
            NEW_PASSWORD,
            "granite otter sings beneath lantern",
            "password_repeat",
            Msg::PasswordsDiffer,
        ),
    ] {
        match app
            .auth
            .set_onboarding_password(&token, pw(password), pw(repeat), &m)
            .await
        {
            Err(AuthError::Invalid {
                field: f,
                problem: p,
            }) => {
                assert_eq!((f, p), (field, problem), "{password}")
            }
            other => panic!("{password}: {other:?}"),
        }
        assert_eq!(step(&app, &token).await, Step::Password, "nothing changed");
    }
    app.auth
        .set_onboarding_password(&token, pw(NEW_PASSWORD), pw(NEW_PASSWORD), &m)
        .await
        .expect("password");
    assert_eq!(step(&app, &token).await, Step::Code);
    let user = app
        .auth
        .user_by_email("ben.kurz@example.com")
        .await
        .expect("q")
        .expect("user");
    assert_eq!(
        user.status,
        UserStatus::Invited,
        "not active before the last step"
    );
    assert!(app.auth.signed_in("x").await.expect("q").is_none());

    // 3. Code: wrong, then right; the cooldown is reported.
    let code = last_code(&app).await;
    assert_eq!(
        app.auth
            .onboarding_state(&token)
            .await
            .expect("state")
            .code_cooldown,
        60
    );
    let wrong = other_code(&code);
    assert!(matches!(
        app.auth.confirm_onboarding_code(&token, &wrong, &m).await,
        Err(AuthError::CodeInvalid)
    ));
    assert!(matches!(
        app.auth.resend_onboarding_code(&token, &m).await,
        Err(AuthError::ResendCooldown { .. })
    ));
    app.auth
        .confirm_onboarding_code(&token, &code, &m)
        .await
        .expect("code");
    assert_eq!(step(&app, &token).await, Step::Trust);

    // 4. Trust: active, signed in, device stored hashed, link used up.
    let finished = app
        .auth
        .finish_onboarding(&token, true, &m)
        .await
        .expect("finish");
    let signed_in = app
        .auth
        .signed_in(finished.token.expose())
        .await
        .expect("q")
        .expect("signed in")
        .user;
    assert_eq!(signed_in.email, "ben.kurz@example.com");
    let device = finished.device.expect("device token");
    let row = sqlx::query("SELECT token_hash, user_agent, expires_at, created_at FROM trusted_devices WHERE user_id = $1")
        .bind(user.id)
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("device row");
    assert_eq!(row.get::<String, _>("token_hash"), device.hash().as_str());
    assert!(row.get::<String, _>("user_agent").contains("Chrome/156"));
    assert_eq!(
        row.get::<i64, _>("expires_at") - row.get::<i64, _>("created_at"),
        30 * 24 * 3600
    );
    let mail = last_mail(&app).await;
    assert!(
        mail.contains("A new browser and device was trusted") && mail.contains("Chrome"),
        "the user is told about the new device: {mail}"
    );
    assert!(matches!(
        app.auth.onboarding_state(&token).await,
        Err(AuthError::LinkInvalid)
    ));
    assert!(matches!(
        app.auth.finish_onboarding(&token, true, &m).await,
        Err(AuthError::LinkInvalid)
    ));
    // The new password now signs in over HTTP.
    app.sign_in("ben.kurz@example.com", NEW_PASSWORD).await;
}

async fn declining_trust_stores_no_device(engine: Engine) {
    let app = TestApp::start(engine).await;
    let token = invite(&app).await;
    let m = meta();
    advance_to_code(&app, &token, &m).await;
    let code = last_code(&app).await;
    app.auth
        .confirm_onboarding_code(&token, &code, &m)
        .await
        .expect("code");
    let finished = app
        .auth
        .finish_onboarding(&token, false, &m)
        .await
        .expect("finish");
    assert!(finished.device.is_none());
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM trusted_devices")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("count")
        .get("n");
    assert_eq!(n, 0);
}

async fn five_wrong_codes_start_again(engine: Engine) {
    let app = TestApp::start(engine).await;
    let token = invite(&app).await;
    let m = meta();
    advance_to_code(&app, &token, &m).await;
    let code = last_code(&app).await;
    let wrong = other_code(&code);
    for _ in 0..4 {
        assert!(matches!(
            app.auth.confirm_onboarding_code(&token, &wrong, &m).await,
            Err(AuthError::CodeInvalid)
        ));
    }
    assert!(matches!(
        app.auth.confirm_onboarding_code(&token, &wrong, &m).await,
        Err(AuthError::CodeAttemptsExhausted)
    ));
    assert_eq!(
        step(&app, &token).await,
        Step::Email,
        "the 5th wrong try ends the attempt"
    );
    assert!(matches!(
        app.auth.confirm_onboarding_code(&token, &code, &m).await,
        Err(AuthError::StepOutOfOrder)
    ));
    let failed: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM audit_events WHERE event = 'code_failed'")
            .fetch_one(&app.auth.store.pool)
            .await
            .expect("count")
            .get("n");
    assert_eq!(failed, 5);
}

/// Wrong codes count for the invitation across rounds: the restarted stepper starts without the
/// password of the round before, and the tenth wrong code uses the invitation up. The admin then
/// sees it blocked, and "Resend invitation" starts again with a fresh count.
async fn wrong_codes_across_rounds_use_the_invitation_up(engine: Engine) {
    let app = TestApp::start(engine).await;
    let token = invite(&app).await;
    let m = meta();
    let anna = app.owner().await;
    for round in 0..2 {
        advance_to_code(&app, &token, &m).await;
        let wrong = other_code(&last_code(&app).await);
        for _ in 0..4 {
            assert!(matches!(
                app.auth.confirm_onboarding_code(&token, &wrong, &m).await,
                Err(AuthError::CodeInvalid)
            ));
        }
        let fifth = app.auth.confirm_onboarding_code(&token, &wrong, &m).await;
        let ben = app
            .auth
            .user_by_email("ben.kurz@example.com")
            .await
            .expect("lookup")
            .expect("ben");
        assert!(
            ben.password_hash.is_none(),
            "round {round}: the password is forgotten"
        );
        if round == 0 {
            assert!(matches!(fifth, Err(AuthError::CodeAttemptsExhausted)));
            assert_eq!(step(&app, &token).await, Step::Email);
            let rows = app.auth.user_list(&anna).await.expect("list");
            assert!(rows.iter().all(|r| !r.invitation_blocked));
        } else {
            assert!(matches!(fifth, Err(AuthError::LinkInvalid)), "{fifth:?}");
            assert!(matches!(
                app.auth.onboarding_state(&token).await,
                Err(AuthError::LinkInvalid)
            ));
            let rows = app.auth.user_list(&anna).await.expect("list");
            let row = rows.iter().find(|r| r.id == ben.id).expect("row");
            assert!(row.invitation_blocked);
            assert_eq!(ben.status, UserStatus::Invited);
            // The admin's page says so and offers the resend.
            let admin = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
            let page = app.page("/admin/users", Some(&admin)).await;
            assert!(
                page.contains("Invited, invitation blocked after wrong codes"),
                "{page}"
            );
            app.clock.advance(61);
            app.auth
                .resend_invitation(&anna, ben.id, &m)
                .await
                .expect("resend");
            let rows = app.auth.user_list(&anna).await.expect("list");
            assert!(
                rows.iter().all(|r| !r.invitation_blocked),
                "a new invitation starts again"
            );
        }
    }
    let blocked: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM audit_events WHERE event = 'invitation_blocked'")
            .fetch_one(&app.auth.store.pool)
            .await
            .expect("count")
            .get("n");
    assert_eq!(blocked, 1);
}

/// The position of `aria-current="step"` names the current step on the page.
fn current_step(page: &str) -> String {
    let at = page.find("aria-current=\"step\"").expect("a current step");
    let rest = &page[at..];
    let start = rest.find('>').expect("tag end") + 1;
    rest[start..]
        .split('<')
        .next()
        .unwrap_or_default()
        .to_owned()
}

async fn stepper_over_http(engine: Engine) {
    let app = TestApp::start(engine).await;
    let token = invite(&app).await;
    let page_path = format!("/welcome/{token}");
    let page = app.page(&page_path, None).await;
    assert_eq!(current_step(&page), "Enter email");
    for label in [
        "Enter email",
        "Create password",
        "Enter email code",
        "Trust device",
        "Sign in with email",
    ] {
        assert!(page.contains(label), "{label} missing");
    }
    // A later step's server function is refused, and changes nothing.
    let res = app
        .post_form(
            "/api/create_password",
            &[
                ("token", &token),
                ("password", NEW_PASSWORD),
                ("password_repeat", NEW_PASSWORD),
            ],
            None,
        )
        .await;
    assert_eq!(res.status(), 409);
    let res = app
        .post_form(
            "/api/submit_invited_email",
            &[("token", &token), ("email", "x@example.com")],
            None,
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .post_form(
            "/api/submit_invited_email",
            &[("token", &token), ("email", "ben.kurz@example.com")],
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let page = app.page(&page_path, None).await;
    assert_eq!(
        current_step(&page),
        "Create password",
        "a reload resumes at the current step"
    );
    assert!(page.contains("autocomplete=\"new-password\""));
    let res = app
        .post_form(
            "/api/create_password",
            &[
                ("token", &token),
                ("password", NEW_PASSWORD),
                ("password_repeat", NEW_PASSWORD),
            ],
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let page = app.page(&page_path, None).await;
    assert_eq!(current_step(&page), "Enter email code");
    assert!(
        page.contains("Send new code")
            && page.contains("You can request a new code in 60 seconds.")
    );
    let res = app
        .post_form("/api/resend_onboarding_code", &[("token", &token)], None)
        .await;
    assert_eq!(res.status(), 429, "cooldown");
    assert_eq!(header(&res, "retry-after"), "60");
    let said: pforte_shared::AppError = res.json().await.expect("error");
    assert_eq!(
        said.message(pforte_shared::Lang::En),
        "You can request a new code in 60 seconds."
    );
    let code = last_code(&app).await;
    let res = app
        .post_form(
            "/api/confirm_onboarding_code",
            &[("token", &token), ("code", &code)],
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let page = app.page(&page_path, None).await;
    assert_eq!(current_step(&page), "Trust device");
    assert!(page.contains("Do you trust this browser and device?"));
    let res = app
        .post_form(
            "/api/decide_trust",
            &[("token", &token), ("trust", "yes")],
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "location"), "/");
    cookie_with(
        &res,
        "__Host-pforte_device",
        &[
            "Path=/",
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            "Max-Age=2592000",
        ],
    );
    let session = session_cookie(&res).expect("session cookie");
    let home = app
        .get("/", Some(&session))
        .await
        .text()
        .await
        .expect("home");
    assert!(home.contains("Signed in as ben.kurz@example.com"));
    // The link is used up; the page says who can send a new one.
    let page = app.page(&page_path, None).await;
    assert!(page.contains("This link is no longer valid."));
    assert!(page.contains("Ask your administrator for a new invitation."));
}

/// Deactivating a user in the middle of onboarding (password chosen, code not yet entered) and
/// reactivating them restores `invited`: the unfinished password does not sign in, and the open
/// invitation is gone.
async fn reactivation_restores_invited(engine: Engine) {
    let app = TestApp::start(engine).await;
    let token = invite(&app).await;
    advance_to_code(&app, &token, &meta()).await;
    let ben = app
        .auth
        .user_by_email("ben.kurz@example.com")
        .await
        .expect("lookup")
        .expect("ben");
    let anna = app.owner().await;
    for active in [false, true] {
        app.auth
            .set_user_active(&anna, ben.id, active, &meta())
            .await
            .expect("status");
    }
    let ben = app.auth.user_by_id(ben.id).await.expect("ben");
    assert_eq!(ben.status, UserStatus::Invited);
    assert!(
        ben.password_hash.is_none(),
        "the unfinished password is forgotten"
    );
    let res = app
        .submit_password("ben.kurz@example.com", NEW_PASSWORD, None)
        .await;
    assert_eq!(res.status(), 401);
    assert!(matches!(
        app.auth.onboarding_state(&token).await,
        Err(AuthError::LinkInvalid)
    ));
}

crate::dual!(
    wrong_codes_across_rounds_use_the_invitation_up,
    reactivation_restores_invited,
    four_steps_in_order,
    declining_trust_stores_no_device,
    five_wrong_codes_start_again,
    stepper_over_http,
);
