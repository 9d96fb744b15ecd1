//! Audit events: every sign-in attempt and security change, with user, IP, browser, UTC time, outcome.
//! Never a password, code or token.

use crate::device::browser_label;
use crate::error::AuthError;
use crate::{Auth, RequestMeta};
use pforte_shared::types::{ActivityKind, ActivityView};
use sqlx::Row;

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
        actor_id = meta.actor,
        ip = %meta.ip,
        "audit"
    );
    sqlx::query(
        "INSERT INTO audit_events (at, user_id, account_id, event, outcome, ip, user_agent, detail, actor_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(auth.now())
    .bind(event.user_id)
    .bind(event.account_id)
    .bind(event.kind)
    .bind(event.outcome.as_str())
    .bind(&meta.ip)
    .bind(&meta.user_agent)
    .bind(&event.detail)
    .bind(meta.actor)
    .execute(&auth.store.pool)
    .await?;
    Ok(())
}

/// The audit events a user sees as security activity, and how they are named.
fn activity_kind(event: &str, outcome: &str) -> Option<ActivityKind> {
    Some(match (event, outcome) {
        ("signed_in", _) => ActivityKind::SignedIn,
        ("sign_in_password", "failure") => ActivityKind::SignInFailed,
        ("code_failed", _) => ActivityKind::CodeFailed,
        ("device_trusted", _) => ActivityKind::DeviceTrusted,
        ("device_removed", _) => ActivityKind::DeviceRemoved,
        ("password_changed", "success") => ActivityKind::PasswordChanged,
        _ => return None,
    })
}

impl Auth {
    /// The user's most recent sign-ins, failed attempts, and devices trusted or removed.
    pub async fn security_activity(
        &self,
        user_id: i64,
        limit: i64,
    ) -> Result<Vec<ActivityView>, AuthError> {
        let rows = sqlx::query(
            "SELECT at, event, outcome, ip, user_agent FROM audit_events \
             WHERE user_id = $1 AND (event IN ('signed_in', 'code_failed', 'device_trusted', 'device_removed') \
                   OR (event = 'sign_in_password' AND outcome = 'failure') \
                   OR (event = 'password_changed' AND outcome = 'success')) \
             ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(limit)
        .fetch_all(&self.store.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let event: String = row.try_get("event")?;
            let outcome: String = row.try_get("outcome")?;
            if let Some(kind) = activity_kind(&event, &outcome) {
                out.push(ActivityView {
                    at: row.try_get("at")?,
                    kind,
                    browser: browser_label(&row.try_get::<String, _>("user_agent")?),
                    ip: row.try_get("ip")?,
                });
            }
        }
        Ok(out)
    }
}
