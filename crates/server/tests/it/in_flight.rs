//! A sign-in in flight does not outlive what it checked: when the password changes (or the
//! trusted device is removed) between the password check and the session, the session does not
//! start (or the device skips nothing).

use crate::harness::*;
use sqlx::Row;

/// Holds the database's write lock for `change` (PostgreSQL: the rows it touches) until released,
/// while the sign-in in flight runs into it; then commits the change.
async fn race(
    app: &TestApp,
    engine: Engine,
    change: &str,
    bind: String,
    sign_in: impl std::future::Future<Output = reqwest::Response> + Send + 'static,
) -> reqwest::Response {
    let pool = &app.auth.store.pool;
    let mut tx = match engine {
        Engine::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await.expect("begin"),
        Engine::Postgres => pool.begin().await.expect("begin"),
    };
    sqlx::query(change)
        .bind(bind)
        .execute(&mut *tx)
        .await
        .expect("change");
    let request = tokio::spawn(sign_in);
    match engine {
        // Wait until the sign-in waits for the row this transaction changed.
        Engine::Postgres => {
            let mut waited = 0;
            loop {
                let n: i64 = sqlx::query(
                    "SELECT COUNT(*) AS n FROM pg_stat_activity \
                     WHERE wait_event_type = 'Lock' AND datname = current_database()",
                )
                .fetch_one(pool)
                .await
                .expect("activity")
                .get("n");
                if n > 0 {
                    break;
                }
                waited += 1;
                assert!(waited < 400, "the sign-in never waited for the change");
                tokio::time::sleep(std::time::Duration::from_millis(25)).await;
            }
        }
        // SQLite has one writer: the sign-in's first write waits for this one. Give it the
        // time to read the user and the device before that.
        Engine::Sqlite => tokio::time::sleep(std::time::Duration::from_millis(500)).await,
    }
    tx.commit().await.expect("commit");
    request.await.expect("request")
}

async fn in_flight_sign_in_sees_a_changed_password_and_a_removed_device(engine: Engine) {
    let app = std::sync::Arc::new(TestApp::start(engine).await);
    let (_, device) = app.sign_in_trusting(OWNER_EMAIL, OWNER_PASSWORD).await;
    let owner = app.owner().await.id.to_string();

    // The device is removed while the password is checked: the code is asked after all.
    let signing_in = {
        let (app, device) = (app.clone(), device.clone());
        async move {
            app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, Some(&device))
                .await
        }
    };
    let res = race(
        &app,
        engine,
        "DELETE FROM trusted_devices WHERE CAST(user_id AS TEXT) = $1",
        owner.clone(),
        signing_in,
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        header(&res, "location"),
        "/login/code",
        "the removed device skips nothing"
    );

    // The password changes while it is checked: no session.
    let signing_in = {
        let app = app.clone();
        async move { app.submit_password(OWNER_EMAIL, OWNER_PASSWORD, None).await }
    };
    let res = race(
        &app,
        engine,
        "UPDATE users SET password_hash = 'changed elsewhere' WHERE CAST(id AS TEXT) = $1",
        owner,
        signing_in,
    )
    .await;
    assert_eq!(
        res.status(),
        401,
        "the password checked is no longer the user's"
    );
    assert!(session_cookie(&res).is_none());
}

crate::dual!(in_flight_sign_in_sees_a_changed_password_and_a_removed_device);
