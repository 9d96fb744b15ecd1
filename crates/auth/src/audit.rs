//! Audit events: every sign-in attempt and security change, with user, IP, browser, UTC time, outcome.
//! Never a password, code or token.

use crate::error::AuthError;
use crate::{Auth, RequestMeta};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
        }
    }
}

#[derive(Debug)]
pub struct Event {
    pub user_id: Option<i64>,
    pub account_id: Option<i64>,
    pub kind: &'static str,
    pub outcome: Outcome,
    /// Free text for operators. Must never hold a secret.
    pub detail: String,
}

impl Event {
    /// A successful event about a user, without detail.
    pub fn for_user(user: &crate::account::User, kind: &'static str) -> Event {
        Event {
            user_id: Some(user.id),
            account_id: Some(user.account_id),
            kind,
            outcome: Outcome::Success,
            detail: String::new(),
        }
    }
}

pub async fn record(auth: &Auth, event: Event, meta: &RequestMeta) -> Result<(), AuthError> {
    tracing::info!(
        event = event.kind,
        outcome = event.outcome.as_str(),
        user_id = event.user_id,
        ip = %meta.ip,
        "audit"
    );
    sqlx::query(
        "INSERT INTO audit_events (at, user_id, account_id, event, outcome, ip, user_agent, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(auth.now())
    .bind(event.user_id)
    .bind(event.account_id)
    .bind(event.kind)
    .bind(event.outcome.as_str())
    .bind(&meta.ip)
    .bind(&meta.user_agent)
    .bind(&event.detail)
    .execute(&auth.store.pool)
    .await?;
    Ok(())
}
