//! Housekeeping: rows whose time is over are deleted, so that the tables of sessions, codes,
//! devices and per-IP windows do not grow without end. Safe to run from several instances at once.
//! Per-user and per-device failure counts are never swept: they end with a success (or, at the
//! hard stop, with the right code or an admin's unlock), not with time. Counters of identifiers
//! that name nobody go a day after their last failure.

use crate::error::AuthError;
use crate::session::{LIVE, bind_live};
use crate::throttle::Scope;
use crate::{Auth, RequestMeta};

/// How many rows one sweep removed, by table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub sessions: u64,
    pub email_codes: u64,
    pub trusted_devices: u64,
    pub ip_windows: u64,
    /// Counters of identifiers that name nobody.
    pub unknown_counters: u64,
    /// Rows of mails delivered (or given up) more than a week ago.
    pub sent_mails: u64,
    /// Audit rows older than the audit retention (`PFORTE_AUDIT_DAYS`).
    pub audit_events: u64,
    /// Reset and "This wasn't me" links that expired a day ago or more.
    pub links: u64,
    /// Google sign-ins started and not come back in time.
    pub google_sign_ins: u64,
    /// Applications' codes (kept past their use for as long as the tokens they produced, to
    /// notice a reuse) and expired access tokens.
    pub app_codes_and_tokens: u64,
}

impl Auth {
    /// Deletes sessions that are no longer live (the rule the lookup applies), codes expired for
    /// an hour or more, expired trusted devices, per-IP windows that have ended, delivered mails
    /// (or given up) after a week, audit rows older than the retention, reset and "This wasn't me" links a day after they expired, Google sign-ins
    /// not finished in time, applications' codes and access tokens that are over, and signing keys
    /// no longer published.
    pub async fn sweep(&self) -> Result<Swept, AuthError> {
        let meta = RequestMeta::default();
        let mut tx = self.begin(&meta).await?;
        let now = tx.now();
        let settings = tx.settings();
        let sql = format!("DELETE FROM sessions WHERE NOT {LIVE}");
        let sessions = bind_live(sqlx::query(&sql), now, settings)
            .execute(tx.conn())
            .await?
            .rows_affected();
        let email_codes = sqlx::query("DELETE FROM email_codes WHERE expires_at < $1")
            .bind(now - 3600)
            .execute(tx.conn())
            .await?
            .rows_affected();
        let trusted_devices = sqlx::query("DELETE FROM trusted_devices WHERE expires_at <= $1")
            .bind(now)
            .execute(tx.conn())
            .await?
            .rows_affected();
        let [ip_sign_in, ip_mail] = Scope::PER_IP;
        let ip_windows =
            sqlx::query("DELETE FROM throttles WHERE scope IN ($1, $2) AND last_failure <= $3")
                .bind(ip_sign_in.as_str())
                .bind(ip_mail.as_str())
                .bind(now - settings.ip_window_secs)
                .execute(tx.conn())
                .await?
                .rows_affected();
        // A set-up never finished, and recovery codes never marked saved, are not kept sealed
        // longer than they are shown.
        for (value, at) in [
            ("totp_pending_secret", "totp_pending_at"),
            ("recovery_codes_shown", "recovery_codes_shown_at"),
        ] {
            sqlx::query(&format!(
                "UPDATE users SET {value} = NULL, {at} = NULL WHERE {at} <= $1"
            ))
            .bind(now - crate::two_factor::SETUP_SECS)
            .execute(tx.conn())
            .await?;
        }
        // Wrong app codes of a pending sign-in: the sign-in has ended when its lifetime is over.
        sqlx::query("DELETE FROM throttles WHERE scope = $1 AND last_failure <= $2")
            .bind(Scope::AppCodeSignIn.as_str())
            .bind(now - crate::session::PENDING_LIFETIME_SECS)
            .execute(tx.conn())
            .await?;
        // Counters of identifiers that name nobody are kept a day after their last failure.
        let unknown = sqlx::query("DELETE FROM throttles WHERE scope = $1 AND last_failure <= $2")
            .bind(Scope::Unknown.as_str())
            .bind(now - 24 * 3600)
            .execute(tx.conn())
            .await?
            .rows_affected();
        let sent_mails = sqlx::query("DELETE FROM outbox WHERE sent_at <= $1 OR failed_at <= $1")
            .bind(now - crate::outbox::SENT_KEPT_SECS)
            .execute(tx.conn())
            .await?
            .rows_affected();
        let mut links = 0;
        for table in ["password_resets", "not_me_links"] {
            links += sqlx::query(&format!("DELETE FROM {table} WHERE expires_at <= $1"))
                .bind(now - 24 * 3600)
                .execute(tx.conn())
                .await?
                .rows_affected();
        }
        let google_sign_ins = sqlx::query("DELETE FROM google_sign_ins WHERE expires_at <= $1")
            .bind(now)
            .execute(tx.conn())
            .await?
            .rows_affected();
        let app_codes = sqlx::query("DELETE FROM oidc_codes WHERE expires_at <= $1")
            .bind(now - crate::oidc::ACCESS_TOKEN_SECS)
            .execute(tx.conn())
            .await?
            .rows_affected();
        let app_tokens = sqlx::query("DELETE FROM oidc_tokens WHERE expires_at <= $1")
            .bind(now)
            .execute(tx.conn())
            .await?
            .rows_affected();
        // Signing keys retired longer ago than they stay published.
        sqlx::query("DELETE FROM oidc_keys WHERE retired_at <= $1")
            .bind(now - crate::oidc::RETIRED_KEY_SECS)
            .execute(tx.conn())
            .await?;
        let audit_events = sqlx::query("DELETE FROM audit_events WHERE at <= $1")
            .bind(now - settings.audit_keep_secs)
            .execute(tx.conn())
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(Swept {
            audit_events,
            app_codes_and_tokens: app_codes + app_tokens,
            google_sign_ins,
            sent_mails,
            links,
            sessions,
            email_codes,
            trusted_devices,
            ip_windows,
            unknown_counters: unknown,
        })
    }
}
