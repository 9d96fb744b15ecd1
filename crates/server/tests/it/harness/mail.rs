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

/// The subjects of the mails to `email` in the outbox, oldest first.
pub async fn subjects_to(app: &TestApp, email: &str) -> Vec<String> {
    sqlx::query("SELECT subject FROM outbox WHERE recipient = $1 ORDER BY id")
        .bind(email)
        .fetch_all(&app.auth.store.pool)
        .await
        .expect("outbox")
        .iter()
        .map(|r| r.get("subject"))
        .collect()
}

/// The email code in the newest mail of the outbox.
pub async fn last_code(app: &TestApp) -> String {
    code_in(&last_mail(app).await)
}

/// The email code in a mail's text (English or German).
pub fn code_in(text: &str) -> String {
    let code: String = ["code is ", "code lautet "]
        .iter()
        .find_map(|lead| text.split(lead).nth(1))
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

/// The token that follows `prefix` (a link up to its token, e.g. `/welcome/`) in a mail's text.
pub fn token_after(text: &str, prefix: &str) -> String {
    let after = text
        .split(prefix)
        .nth(1)
        .unwrap_or_else(|| panic!("no {prefix} link in: {text}"));
    let token: String = after
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    assert_eq!(token.len(), 43, "a 256-bit token after {prefix}");
    token
}
