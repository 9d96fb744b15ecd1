//! Housekeeping: rows whose time is over are deleted, so that the tables of sessions, codes,
//! devices and per-IP windows do not grow without end. Safe to run from several instances at once.
//! Per-user and per-device failure counts are never swept: they end with a success (or, at the
//! hard stop, with a password reset or an admin), not with time.

use crate::Auth;
use crate::error::AuthError;
use crate::session::PENDING_LIFETIME_SECS;

/// How many rows one sweep removed, by table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub sessions: u64,
    pub email_codes: u64,
    pub trusted_devices: u64,
    pub ip_windows: u64,
}

impl Auth {
    /// Deletes expired sessions (signed-in ones past the idle or absolute timeout, pending ones
    /// past their 15 minutes), codes expired for an hour or more, expired trusted devices, and
    /// per-IP windows that have ended.
    pub async fn sweep(&self) -> Result<Swept, AuthError> {
        let now = self.now();
        let s = &self.settings;
        let sessions = sqlx::query(
            "DELETE FROM sessions WHERE last_seen_at < $1 \
             OR (stage = 'complete' AND created_at < $2) OR (stage <> 'complete' AND created_at < $3)",
        )
        .bind(now - s.session_idle_secs)
        .bind(now - s.session_absolute_secs)
        .bind(now - PENDING_LIFETIME_SECS)
        .execute(&self.store.pool)
        .await?
        .rows_affected();
        let email_codes = sqlx::query("DELETE FROM email_codes WHERE expires_at < $1")
            .bind(now - 3600)
            .execute(&self.store.pool)
            .await?
            .rows_affected();
        let trusted_devices = sqlx::query("DELETE FROM trusted_devices WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.store.pool)
            .await?
            .rows_affected();
        let ip_windows = sqlx::query(
            "DELETE FROM throttles WHERE scope IN ('ip_sign_in', 'ip_mail') AND last_failure <= $1",
        )
        .bind(now - s.ip_window_secs)
        .execute(&self.store.pool)
        .await?
        .rows_affected();
        Ok(Swept {
            sessions,
            email_codes,
            trusted_devices,
            ip_windows,
        })
    }
}
