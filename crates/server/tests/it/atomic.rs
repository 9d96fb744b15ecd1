//! One unit of work per operation: a change, its audit rows and its mails commit together or not
//! at all. With the audit table made unwritable, every operation fails with a generic 500 and
//! leaves the database as it was: no session, no cookie, no code, no mail, no changed row. (The
//! throttle claim of a password check is its own unit of work, committed before the check: the
//! attempt stays counted, as every attempt that was not found right.)

use crate::harness::*;
use pforte_auth::Engine as StoreEngine;
use pforte_auth::throttle::{Scope, user_key};
use sqlx::Row;

/// Makes every insert into `audit_events` fail, as a full disk or a lost grant would.
///
/// On SQLite `IF NOT EXISTS`: a pooled connection that last ran before `mend_audit` dropped the
/// trigger on another one still has it in its schema cache, and a plain `CREATE TRIGGER` is
/// refused there as "already exists" while parsing, before the schema is checked. With
/// `IF NOT EXISTS` the statement checks the schema when it runs and creates the trigger. (If
/// it were not created, the post would succeed and the test would fail.)
async fn break_audit(app: &TestApp) {
    let statements: &[&str] = match app.auth.store.engine {
        StoreEngine::Sqlite => &[
            "CREATE TRIGGER IF NOT EXISTS audit_down BEFORE INSERT ON audit_events \
             BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END",
        ],
        StoreEngine::Postgres => &[
            "CREATE OR REPLACE FUNCTION audit_down() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'audit unavailable'; END $$",
            "CREATE TRIGGER audit_down BEFORE INSERT ON audit_events \
             FOR EACH ROW EXECUTE FUNCTION audit_down()",
        ],
    };
    for sql in statements {
        sqlx::query(sql)
            .execute(&app.auth.store.pool)
            .await
            .expect("break the audit table");
    }
}

async fn mend_audit(app: &TestApp) {
    let sql = match app.auth.store.engine {
        StoreEngine::Sqlite => "DROP TRIGGER audit_down",
        StoreEngine::Postgres => "DROP TRIGGER audit_down ON audit_events",
    };
    sqlx::query(sql)
        .execute(&app.auth.store.pool)
        .await
        .expect("mend the audit table");
}

/// Every row that a domain operation may write, as text (the throttle counters aside).
async fn snapshot(app: &TestApp) -> Vec<String> {
    let tables = [
        ("accounts", "id, customer_number, name"),
        ("users", "id, email, status, password_hash, updated_at"),
        (
            "sessions",
            "token_hash, user_id, stage, created_at, last_seen_at",
        ),
        ("email_codes", "session_hash, code_hash, sent_at, failures"),
        ("trusted_devices", "token_hash, user_id, expires_at"),
        ("invitations", "token_hash, user_id, stage, used_at"),
        ("outbox", "id, recipient, subject"),
        ("audit_events", "id, event, outcome"),
    ];
    let mut rows = Vec::new();
    for (table, columns) in tables {
        let cast: Vec<String> = columns
            .split(", ")
            .map(|c| format!("COALESCE(CAST({c} AS TEXT), '-')"))
            .collect();
        let sql = format!(
            "SELECT {} AS line FROM {table} ORDER BY 1",
            cast.join(" || '|' || ")
        );
        for row in sqlx::query(&sql)
            .fetch_all(&app.auth.store.pool)
            .await
            .expect("snapshot")
        {
            rows.push(format!("{table}: {}", row.get::<String, _>("line")));
        }
    }
    rows
}

/// The answer to an operation while the audit table is broken: 500, a generic message, no cookie.
async fn assert_failed_cleanly(res: reqwest::Response, what: &str) {
    assert_eq!(res.status(), 500, "{what}");
    assert!(set_cookies(&res).is_empty(), "{what} set a cookie");
    let body = res.text().await.expect("body");
    assert!(
        !body.contains("audit") && !body.to_lowercase().contains("trigger"),
        "{what} leaked the cause: {body}"
    );
}

async fn failed_audit_leaves_sign_in_uncommitted(engine: Engine) {
    let app = TestApp::start(engine).await;
    let owner = app.owner().await;

    // The password step on a new browser would start a pending session, a code and its mail.
    let before = snapshot(&app).await;
    break_audit(&app).await;
    let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    assert_failed_cleanly(res, "the password step").await;
    assert_eq!(snapshot(&app).await, before, "the password step left rows");
    assert_eq!(
        app.auth
            .failures(Scope::User, &user_key(owner.id))
            .await
            .expect("failures"),
        1,
        "the claimed attempt stays counted, as it was not found right"
    );
    mend_audit(&app).await;

    // The code step: the right code would move the sign-in on under a new token.
    app.clock.advance(2); // past the one-second delay after the counted attempt
    let res = app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await;
    assert_eq!(res.status(), 200);
    let pending = session_cookie(&res).expect("pending session");
    let code = last_code(&app).await;
    let before = snapshot(&app).await;
    break_audit(&app).await;
    let res = app.confirm_code(&pending, &code).await;
    assert_failed_cleanly(res, "the code step").await;
    assert_eq!(snapshot(&app).await, before, "the code step left rows");
    mend_audit(&app).await;

    // The trust step: "Yes" would sign in, trust the device and mail the user.
    let res = app.confirm_code(&pending, &code).await;
    assert_eq!(
        res.status(),
        200,
        "the code still works: nothing was used up"
    );
    let deciding = session_cookie(&res).expect("session after the code");
    let before = snapshot(&app).await;
    break_audit(&app).await;
    let res = app
        .post_form(
            "/api/trust_sign_in_device",
            &[("trust", "yes")],
            Some(&deciding),
        )
        .await;
    assert_failed_cleanly(res, "the trust step").await;
    assert_eq!(snapshot(&app).await, before, "the trust step left rows");
    mend_audit(&app).await;
    let res = app
        .post_form(
            "/api/trust_sign_in_device",
            &[("trust", "yes")],
            Some(&deciding),
        )
        .await;
    assert_eq!(
        res.status(),
        200,
        "the step still works once the audit does"
    );
    assert!(device_cookie(&res).is_some());
}

async fn failed_audit_leaves_account_changes_uncommitted(engine: Engine) {
    let app = TestApp::start(engine).await;
    let member = app.add_member().await;
    let anna = app.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
    let member_id = member.to_string();
    let new_password = "granite falcon hums under lanterns";
    let attempts: [(&str, Vec<(&str, &str)>); 5] = [
        (
            "/api/change_password",
            vec![
                ("current_password", OWNER_PASSWORD),
                ("new_password", new_password),
                ("new_password_repeat", new_password),
            ],
        ),
        (
            "/api/create_user",
            vec![
                ("name", "Cem Demir"),
                ("email", "cem.demir@example.com"),
                ("google_email", ""),
                ("role", "user"),
            ],
        ),
        (
            "/api/set_user_active",
            vec![("user_id", member_id.as_str()), ("active", "no")],
        ),
        ("/api/sign_out_elsewhere", vec![]),
        ("/api/log_out", vec![]),
    ];
    for (path, fields) in &attempts {
        let before = snapshot(&app).await;
        break_audit(&app).await;
        let res = app.post_form(path, fields, Some(&anna)).await;
        assert_failed_cleanly(res, path).await;
        assert_eq!(snapshot(&app).await, before, "{path} left rows");
        mend_audit(&app).await;
    }
    // Nothing of it happened: the old password still signs in, the member is active, the
    // session still works.
    assert!(app.page("/", Some(&anna)).await.contains("Signed in as"));
    let ben = app.auth.user_by_id(member).await.expect("member");
    assert_eq!(ben.status, pforte_auth::account::UserStatus::Active);
    assert!(
        app.auth
            .user_by_email("cem.demir@example.com")
            .await
            .expect("query")
            .is_none()
    );
}

crate::dual!(
    failed_audit_leaves_sign_in_uncommitted,
    failed_audit_leaves_account_changes_uncommitted,
);
