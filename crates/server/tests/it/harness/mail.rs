//! Mails in the outbox and the email codes in them.

use super::TestApp;
use sqlx::Row;

/// The text of the newest mail in the outbox.
pub async fn last_mail(app: &TestApp) -> String {
    sqlx::query("SELECT body_text FROM outbox ORDER BY id DESC LIMIT 1")
        .fetch_one(&app.auth.store.pool)
        .await
        .expect("mail")
        .get("body_text")
}

/// The email code in the newest mail of the outbox.
pub async fn last_code(app: &TestApp) -> String {
    code_in(&last_mail(app).await)
}

/// The email code in a mail's text.
pub fn code_in(text: &str) -> String {
    let code: String = text
        .split("code is ")
        .nth(1)
        .expect("code in mail")
        .chars()
        .take(6)
        .collect();
    assert!(code.bytes().all(|b| b.is_ascii_digit()), "{text}");
    code
}

/// A well-formed code that is not `code`.
pub fn other_code(code: &str) -> String {
    format!(
        "{:06}",
        (code.parse::<u32>().expect("digits") + 1) % 1_000_000
    )
}
