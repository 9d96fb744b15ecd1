//! `/admin/users`: for admins of the same account only; each admin action names the admin.

use crate::harness::*;
use pforte_auth::RequestMeta;
use pforte_auth::account::NewUser;
use pforte_auth::secret::Password;
use pforte_shared::types::Role;
use sqlx::Row;

const MEMBER_PASSWORD: &str = "mossy trombone eats violet clouds";

async fn member(app: &TestApp) -> String {
    app.auth
        .create_user(
            &app.customer_number,
            NewUser {
                email: "ben@example.com".into(),
                display_name: String::new(),
                role: Role::User,
                google_email: None,
                password: Some(Password::new(MEMBER_PASSWORD.into())),
                lang: Default::default(),
            },
            &RequestMeta::default(),
        )
        .await
        .expect("member");
    app.sign_in("ben@example.com", MEMBER_PASSWORD).await
}

async fn admin_page_is_for_admins_only(engine: Engine) {
    let app = TestApp::start(engine).await;
    assert_eq!(
        app.get("/admin/users", None).await.status(),
        303,
        "visitors go to the login"
    );
    let ben = member(&app).await;
    assert_eq!(app.get("/admin/users", Some(&ben)).await.status(), 403);
    assert_eq!(
        app.post_form("/api/list_users", &[], Some(&ben))
            .await
            .status(),
        403
    );
    let res = app
        .post_form(
            "/api/create_user",
            &[("name", "X"), ("email", "x@example.com"), ("role", "admin")],
            Some(&ben),
        )
        .await;
    assert_eq!(res.status(), 403);
    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let page = app.get("/admin/users", Some(&anna)).await;
    assert_eq!(page.status(), 200);
    let body = page.text().await.expect("body");
    for text in [
        "Create user and send invitation",
        "Google address",
        "ben@example.com",
        OWNER_EMAIL,
    ] {
        assert!(body.contains(text), "{text} missing");
    }
}

async fn admin_creates_and_reinvites(engine: Engine) {
    let app = TestApp::start(engine).await;
    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let res = app
        .post_form(
            "/api/create_user",
            &[
                ("name", "Carla Neu"),
                ("email", "Carla@Example.com"),
                ("google_email", ""),
                ("role", "user"),
            ],
            Some(&anna),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.expect("body"), "\"carla@example.com\"");
    let res = app
        .post_form(
            "/api/create_user",
            &[
                ("name", "Again"),
                ("email", "carla@example.com"),
                ("role", "user"),
            ],
            Some(&anna),
        )
        .await;
    assert_eq!(res.status(), 422, "the email is taken");
    let id: i64 = sqlx::query("SELECT id FROM users WHERE email = 'carla@example.com'")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("row")
        .get("id");
    let page = app.page("/admin/users", Some(&anna)).await;
    assert!(page.contains("Resend invitation") && page.contains("Invited"));
    let user_id = id.to_string();
    let fields = [("user_id", user_id.as_str())];
    let resend = || app.post_form("/api/resend_invitation", &fields, Some(&anna));
    let res = resend().await;
    assert_eq!(res.status(), 200);
    let invitations: i64 = sqlx::query("SELECT COUNT(*) AS n FROM invitations WHERE user_id = $1")
        .bind(id)
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("count")
        .get("n");
    assert_eq!(invitations, 1, "the resend replaced the first link");
    let invitation_mails: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM outbox WHERE recipient = 'carla@example.com' AND sent_at IS NULL",
    )
    .fetch_one(&app.auth.store.pool)
    .await
    .expect("count")
    .get("n");
    assert_eq!(
        invitation_mails, 2,
        "the first invitation and the resent one"
    );
    let actors: Vec<(String, Option<i64>)> =
        sqlx::query("SELECT event, actor_id FROM audit_events WHERE user_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&app.auth.store.pool)
            .await
            .expect("audit")
            .iter()
            .map(|r| (r.get("event"), r.get("actor_id")))
            .collect();
    let anna_id: i64 = sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(OWNER_EMAIL)
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("anna")
        .get("id");
    assert_eq!(
        actors,
        [
            ("user_created".to_owned(), Some(anna_id)),
            ("invitation_sent".to_owned(), Some(anna_id)),
            ("invitation_sent".to_owned(), Some(anna_id)),
            ("invitation_resent".to_owned(), Some(anna_id)),
        ],
        "each admin action names the admin"
    );
    // A minute between resends.
    let res = resend().await;
    assert_eq!(res.status(), 429);
    assert_eq!(header(&res, "retry-after"), "60");
    app.clock.advance(60);
    assert_eq!(resend().await.status(), 200);
}

async fn admins_of_another_account_are_refused(engine: Engine) {
    let app = TestApp::start(engine).await;
    app.add_other_account().await;
    let carla = app
        .auth
        .create_user(
            &app.customer_number,
            NewUser {
                email: "carla@example.com".into(),
                display_name: String::new(),
                role: Role::User,
                google_email: None,
                password: None,
                lang: Default::default(),
            },
            &RequestMeta::default(),
        )
        .await
        .expect("carla");
    let eve = app.sign_in(OTHER_ADMIN_EMAIL, OTHER_ADMIN_PASSWORD).await;
    let res = app
        .post_form(
            "/api/resend_invitation",
            &[("user_id", &carla.id.to_string())],
            Some(&eve),
        )
        .await;
    assert_eq!(res.status(), 403);
    let list: serde_json::Value = app
        .post_form("/api/list_users", &[], Some(&eve))
        .await
        .json()
        .await
        .expect("json");
    let emails: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|u| u["email"].as_str())
        .collect();
    assert_eq!(
        emails,
        vec![OTHER_ADMIN_EMAIL],
        "only the own account's users"
    );
}

/// Names that hide characters — bidi overrides, zero-width and other format characters — are
/// refused with their reason, and nothing is created.
async fn names_refuse_hidden_characters(engine: Engine) {
    let app = TestApp::start(engine).await;
    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    for name in [
        "Carla\u{202E}ueN",
        "Carla\u{200B}Neu",
        "\u{2066}Carla\u{2069}",
    ] {
        let res = app
            .post_form(
                "/api/create_user",
                &[
                    ("name", name),
                    ("email", "carla@example.com"),
                    ("role", "user"),
                ],
                Some(&anna),
            )
            .await;
        assert_eq!(res.status(), 422, "{name:?}");
        let body = res.text().await.expect("body");
        assert!(
            body.contains("HiddenCharacters") && body.contains("name"),
            "{body}"
        );
    }
    let users: i64 = sqlx::query("SELECT COUNT(*) AS n FROM users")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("count")
        .get("n");
    assert_eq!(users, 1, "only the owner");
    let company = app
        .auth
        .create_account(
            "Nord\u{202E}licht",
            None,
            pforte_auth::account::NewUser {
                email: "kim@example.com".into(),
                display_name: "Kim".into(),
                role: pforte_shared::types::Role::Admin,
                google_email: None,
                password: None,
                lang: Default::default(),
            },
            &pforte_auth::RequestMeta::default(),
        )
        .await;
    assert!(
        matches!(
            company,
            Err(pforte_auth::AuthError::Invalid {
                field: "company",
                ..
            })
        ),
        "{company:?}"
    );
}

crate::dual!(
    names_refuse_hidden_characters,
    admin_page_is_for_admins_only,
    admin_creates_and_reinvites,
    admins_of_another_account_are_refused
);
