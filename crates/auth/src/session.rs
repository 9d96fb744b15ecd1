//! Sessions: a 256-bit random token in a cookie, only its SHA-256 stored. Idle and absolute
//! timeouts are enforced here, on the server, against the [`Clock`](crate::Clock).

use crate::account::{USER_COLUMNS, User, UserStatus, user_from_row};
use crate::audit::{self, Event};
use crate::device::browser_label;
use crate::error::AuthError;
use crate::secret::{Token, TokenHash};
use crate::{Auth, RequestMeta};
use pforte_shared::types::SessionView;
use sqlx::{AnyConnection, Row};

/// How long a half-finished sign-in may wait for its next step.
pub const PENDING_LIFETIME_SECS: i64 = 15 * 60;

/// Where a session stands in the sign-in state machine. Only `Complete` is signed in:
/// every other stage is a limited, pending state that protected pages treat as signed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Password accepted; an email code was sent and is awaited.
    AwaitingEmailCode,
    /// Password (or Google) accepted; an authenticator code is awaited.
    AwaitingTotp,
    /// Email code confirmed; the user decides whether to trust this device.
    AwaitingTrustDecision,
    /// Signed in.
    Complete,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::AwaitingEmailCode => "email_code",
            Stage::AwaitingTotp => "totp",
            Stage::AwaitingTrustDecision => "trust",
            Stage::Complete => "complete",
        }
    }

    fn parse(s: &str) -> Option<Stage> {
        Some(match s {
            "email_code" => Stage::AwaitingEmailCode,
            "totp" => Stage::AwaitingTotp,
            "trust" => Stage::AwaitingTrustDecision,
            "complete" => Stage::Complete,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
pub struct Session {
    /// The stored form of the browser's token.
    pub hash: TokenHash,
    pub user_id: i64,
    pub stage: Stage,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub authenticated_at: i64,
}

/// Only refresh `last_seen_at` when it is older than this, to spare writes.
const TOUCH_AFTER_SECS: i64 = 30;

impl Auth {
    /// Stores a new session and returns its token (the only time the plain token exists).
    pub async fn start_session(
        &self,
        user_id: i64,
        stage: Stage,
        meta: &RequestMeta,
    ) -> Result<Token, AuthError> {
        let mut conn = self.store.pool.acquire().await?;
        self.insert_session(&mut conn, user_id, stage, meta).await
    }

    /// [`Auth::start_session`] inside the caller's transaction.
    pub(crate) async fn insert_session(
        &self,
        conn: &mut AnyConnection,
        user_id: i64,
        stage: Stage,
        meta: &RequestMeta,
    ) -> Result<Token, AuthError> {
        let token = Token::generate();
        let now = self.now();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, stage, created_at, last_seen_at, \
             authenticated_at, ip, user_agent) VALUES ($1, $2, $3, $4, $4, $4, $5, $6)",
        )
        .bind(token.hash().as_str())
        .bind(user_id)
        .bind(stage.as_str())
        .bind(now)
        .bind(&meta.ip)
        .bind(&meta.user_agent)
        .execute(conn)
        .await?;
        Ok(token)
    }

    /// Moves a session from stage `from` to `to` under a new token, inside the caller's
    /// transaction: the old token stops working. Fails with `StepOutOfOrder` unless the session
    /// still stands at `from` (so a step cannot be used twice, even by parallel requests).
    pub(crate) async fn replace_session(
        &self,
        conn: &mut AnyConnection,
        old: &TokenHash,
        from: Stage,
        to: Stage,
        user_id: i64,
        meta: &RequestMeta,
    ) -> Result<Token, AuthError> {
        let gone = sqlx::query("DELETE FROM sessions WHERE token_hash = $1 AND stage = $2")
            .bind(old.as_str())
            .bind(from.as_str())
            .execute(&mut *conn)
            .await?;
        if gone.rows_affected() != 1 {
            return Err(AuthError::StepOutOfOrder);
        }
        self.insert_session(conn, user_id, to, meta).await
    }

    /// Looks a session up by its cookie value. Expired sessions are deleted and read as absent.
    pub async fn session(&self, presented: &str) -> Result<Option<Session>, AuthError> {
        let Some(hash) = TokenHash::of_presented(presented) else {
            return Ok(None);
        };
        let Some(row) = sqlx::query(
            "SELECT user_id, stage, created_at, last_seen_at, authenticated_at \
             FROM sessions WHERE token_hash = $1",
        )
        .bind(hash.as_str())
        .fetch_optional(&self.store.pool)
        .await?
        else {
            return Ok(None);
        };
        let session = Session {
            hash,
            user_id: row.try_get("user_id")?,
            stage: Stage::parse(&row.try_get::<String, _>("stage")?)
                .unwrap_or(Stage::AwaitingEmailCode),
            created_at: row.try_get("created_at")?,
            last_seen_at: row.try_get("last_seen_at")?,
            authenticated_at: row.try_get("authenticated_at")?,
        };
        let now = self.now();
        let lifetime = if session.stage == Stage::Complete {
            self.settings.session_absolute_secs
        } else {
            PENDING_LIFETIME_SECS
        };
        let idle = now - session.last_seen_at > self.settings.session_idle_secs;
        if idle || now - session.created_at > lifetime || now < session.created_at - 300 {
            self.delete_session_hash(session.hash.as_str()).await?;
            return Ok(None);
        }
        if now - session.last_seen_at >= TOUCH_AFTER_SECS {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(session.hash.as_str())
                .execute(&self.store.pool)
                .await?;
        }
        Ok(Some(session))
    }

    /// The signed-in user of a session cookie: stage `Complete` and the user still active.
    pub async fn signed_in_user(&self, presented: &str) -> Result<Option<User>, AuthError> {
        let Some(session) = self.session(presented).await? else {
            return Ok(None);
        };
        if session.stage != Stage::Complete {
            return Ok(None);
        }
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(session.user_id)
            .fetch_optional(&self.store.pool)
            .await?;
        let user = row.as_ref().map(user_from_row).transpose()?;
        Ok(user.filter(|u| u.status == UserStatus::Active))
    }

    /// Ends a session on the server. Unknown or malformed tokens are ignored.
    pub async fn end_session(&self, presented: &str) -> Result<(), AuthError> {
        if let Some(hash) = TokenHash::of_presented(presented) {
            self.delete_session_hash(hash.as_str()).await?;
        }
        Ok(())
    }

    async fn delete_session_hash(&self, hash: &str) -> Result<(), AuthError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(hash)
            .execute(&self.store.pool)
            .await?;
        Ok(())
    }

    /// The user's signed-in sessions that have not timed out, most recently active first;
    /// `current` (this request's cookie) is marked.
    pub async fn active_sessions(
        &self,
        user_id: i64,
        current: Option<&str>,
    ) -> Result<Vec<SessionView>, AuthError> {
        let now = self.now();
        let current = current.and_then(TokenHash::of_presented);
        let rows = sqlx::query(
            "SELECT id, token_hash, ip, user_agent, created_at, last_seen_at FROM sessions \
             WHERE user_id = $1 AND stage = 'complete' AND last_seen_at >= $2 AND created_at >= $3 \
             ORDER BY last_seen_at DESC, id DESC",
        )
        .bind(user_id)
        .bind(now - self.settings.session_idle_secs)
        .bind(now - self.settings.session_absolute_secs)
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let hash: String = row.try_get("token_hash")?;
                Ok(SessionView {
                    id: row.try_get("id")?,
                    browser: browser_label(&row.try_get::<String, _>("user_agent")?),
                    ip: row.try_get("ip")?,
                    created_at: row.try_get("created_at")?,
                    last_seen_at: row.try_get("last_seen_at")?,
                    current: current.as_ref().is_some_and(|c| c.matches(&hash)),
                })
            })
            .collect()
    }

    /// "Sign out" on one of the user's own sessions. Another user's session id is `NotFound`.
    pub async fn sign_out_session(
        &self,
        user: &User,
        session_id: i64,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let ended = sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
            .bind(session_id)
            .bind(user.id)
            .execute(&self.store.pool)
            .await?;
        if ended.rows_affected() == 0 {
            return Err(AuthError::NotFound("session"));
        }
        audit::record(self, Event::for_user(user, "session_ended"), meta).await
    }

    /// "Sign out everywhere else": ends all the user's sessions but the one presented as `keep`.
    pub async fn sign_out_elsewhere(
        &self,
        user: &User,
        keep: &str,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let ended = {
            let mut conn = self.store.pool.acquire().await?;
            end_other_sessions(&mut conn, user.id, keep).await?
        };
        audit::record(
            self,
            Event {
                detail: format!("ended {ended}"),
                ..Event::for_user(user, "sessions_ended_elsewhere")
            },
            meta,
        )
        .await
    }
}

/// Ends every session of a user except the one presented as `keep`, inside the caller's
/// transaction (password change, "Sign out everywhere else"). Returns how many ended.
pub(crate) async fn end_other_sessions(
    conn: &mut AnyConnection,
    user_id: i64,
    keep: &str,
) -> Result<u64, AuthError> {
    let keep = TokenHash::of_presented(keep);
    let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep.as_ref().map_or("", |k| k.as_str()))
        .execute(conn)
        .await?;
    Ok(ended.rows_affected())
}
