//! Sessions: a 256-bit random token in a cookie, only its SHA-256 stored. Idle and absolute
//! timeouts are enforced here, on the server, against the [`Clock`](crate::Clock); one SQL
//! predicate ([`LIVE`]) says which sessions are still alive, for the lookup, the list of active
//! sessions and the sweeper alike.

use crate::account::{
    Account, USER_COLUMNS, User, UserStatus, account_from_columns, user_from_row,
};
use crate::audit::{Event, EventKind};
use crate::error::AuthError;
use crate::secret::{Token, TokenHash};
use crate::stored::{self, stored_enum};
use crate::tx::Tx;
use crate::user_agent::browser_label;
use crate::{Auth, RequestMeta, Settings};
use pforte_shared::Lang;
use pforte_shared::types::SessionView;
use sqlx::Row;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

/// How long a half-finished sign-in may wait for its next step.
pub const PENDING_LIFETIME_SECS: i64 = 15 * 60;

stored_enum! {
    /// Where a session stands in the sign-in state machine. Only `Complete` is signed in:
    /// every other stage is a limited, pending state that protected pages treat as signed out.
    pub enum Stage {
        /// Password accepted; an email code was sent and is awaited.
        AwaitingEmailCode = "email_code",
        /// Password (or Google) accepted; an authenticator code is awaited.
        AwaitingTotp = "totp",
        /// Email code confirmed; the user decides whether to trust this device.
        AwaitingTrustDecision = "trust",
        /// Signed in.
        Complete = "complete",
    }
}

/// The one rule for how long a session lives, over the columns of `sessions`: seen within the
/// idle timeout, and younger than its stage's lifetime (the absolute timeout once signed in, 15
/// minutes while a sign-in is pending). Its placeholders are `$1`–`$4`: bind them with
/// [`bind_live`] first, and number a query's own parameters from `$5`.
pub(crate) const LIVE: &str =
    "(last_seen_at >= $1 AND created_at >= CASE WHEN stage = $2 THEN $3 ELSE $4 END)";

/// The columns of `sessions` a lookup reads into a [`Session`].
const SESSION_COLUMNS: &str = "user_id, stage, created_at, last_seen_at, authenticated_at";

/// The names in a column list such as [`SESSION_COLUMNS`].
fn column_names(list: &str) -> impl Iterator<Item = &str> {
    list.split(',').map(str::trim)
}

/// Binds the placeholders of [`LIVE`] for the time `now`.
pub(crate) fn bind_live<'q>(
    query: Query<'q, sqlx::Any, AnyArguments<'q>>,
    now: i64,
    settings: &Settings,
) -> Query<'q, sqlx::Any, AnyArguments<'q>> {
    query
        .bind(now - settings.session_idle_secs)
        .bind(Stage::Complete.as_str())
        .bind(now - settings.session_absolute_secs)
        .bind(now - PENDING_LIFETIME_SECS)
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

/// A signed-in user with their account and the session that says so.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub user: User,
    pub account: Account,
    pub session: Session,
}

/// The names the account's columns are read by in a session lookup.
const ACCOUNT_NUMBER: &str = "account_customer_number";
const ACCOUNT_NAME: &str = "account_name";

/// Only refresh `last_seen_at` when it is older than this, to spare writes.
const TOUCH_AFTER_SECS: i64 = 30;

/// Stores a new session in the unit of work and returns its token (the only time the plain
/// token exists).
pub(crate) async fn insert(
    tx: &mut Tx<'_>,
    user_id: i64,
    stage: Stage,
) -> Result<Token, AuthError> {
    let token = Token::generate();
    let (now, meta) = (tx.now(), tx.meta());
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
    .execute(tx.conn())
    .await?;
    Ok(token)
}

/// Moves a session from stage `from` to `to` under a new token: the old token stops working.
/// Fails with `StepOutOfOrder` unless the session still stands at `from` (so a step cannot be
/// used twice, even by parallel requests).
pub(crate) async fn replace(
    tx: &mut Tx<'_>,
    old: &TokenHash,
    from: Stage,
    to: Stage,
    user_id: i64,
) -> Result<Token, AuthError> {
    let gone = sqlx::query("DELETE FROM sessions WHERE token_hash = $1 AND stage = $2")
        .bind(old.as_str())
        .bind(from.as_str())
        .execute(tx.conn())
        .await?;
    if gone.rows_affected() != 1 {
        return Err(AuthError::StepOutOfOrder);
    }
    insert(tx, user_id, to).await
}

/// Ends the session whose token hashes to `hash`, if any. Returns whether one ended.
pub(crate) async fn delete(tx: &mut Tx<'_>, hash: &TokenHash) -> Result<bool, AuthError> {
    let done = sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(hash.as_str())
        .execute(tx.conn())
        .await?;
    // What applications got from this session ends with it.
    for table in ["oidc_tokens", "oidc_codes"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE session_hash = $1"))
            .bind(hash.as_str())
            .execute(tx.conn())
            .await?;
    }
    Ok(done.rows_affected() == 1)
}

/// Ends every session of a user except the one presented as `keep` ("Sign out everywhere else").
/// Returns how many ended.
pub(crate) async fn end_others(
    tx: &mut Tx<'_>,
    user_id: i64,
    keep: &str,
) -> Result<u64, AuthError> {
    let keep = TokenHash::of_presented(keep);
    let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep.as_ref().map_or("", |k| k.as_str()))
        .execute(tx.conn())
        .await?;
    // What applications got from the ended sessions ends with them.
    for table in ["oidc_tokens", "oidc_codes"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE user_id = $1 AND session_hash <> $2"
        ))
        .bind(user_id)
        .bind(keep.as_ref().map_or("", |k| k.as_str()))
        .execute(tx.conn())
        .await?;
    }
    Ok(ended.rows_affected())
}

/// Whether the session `hash` still exists at `stage` (read in the unit of work).
pub(crate) async fn at_stage(
    tx: &mut Tx<'_>,
    hash: &TokenHash,
    stage: Stage,
) -> Result<bool, AuthError> {
    let row = sqlx::query("SELECT 1 AS found FROM sessions WHERE token_hash = $1 AND stage = $2")
        .bind(hash.as_str())
        .bind(stage.as_str())
        .fetch_optional(tx.conn())
        .await?;
    Ok(row.is_some())
}

/// Ends every session of a user (password change, deactivation).
pub(crate) async fn end_all(tx: &mut Tx<'_>, user_id: i64) -> Result<u64, AuthError> {
    end_others(tx, user_id, "").await
}

impl Auth {
    #[cfg(feature = "test-support")]
    /// Starts a session at `stage` on its own, unaudited (tests only; sign-in steps start theirs
    /// in their own unit of work).
    pub async fn start_session(
        &self,
        user_id: i64,
        stage: Stage,
        meta: &RequestMeta,
    ) -> Result<Token, AuthError> {
        let mut tx = self.begin(meta).await?;
        let token = insert(&mut tx, user_id, stage).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Looks a session up by its cookie value. A session past [`LIVE`] is deleted and read as
    /// absent; a live one has its last use refreshed (at most every 30 s).
    pub async fn session(&self, presented: &str) -> Result<Option<Session>, AuthError> {
        Ok(self
            .session_with_user(presented, false)
            .await?
            .map(|(session, _)| session))
    }

    /// The signed-in user of a session cookie (stage `Complete`, the user still active), with
    /// their account and the session, all read in one query: every signed-in page and every
    /// forward-auth check asks for this.
    pub async fn signed_in(&self, presented: &str) -> Result<Option<SignedIn>, AuthError> {
        let Some((session, found)) = self.session_and_user(presented).await? else {
            return Ok(None);
        };
        if session.stage != Stage::Complete {
            return Ok(None);
        }
        Ok(found
            .filter(|(user, _)| user.status == UserStatus::Active)
            .map(|(user, account)| SignedIn {
                user,
                account,
                session,
            }))
    }

    /// [`Auth::session`] with its user and the user's account, read in the same query. The user
    /// is `None` only if it was deleted under the session, which the foreign key's cascade
    /// prevents; callers treat that as signed out.
    pub(crate) async fn session_and_user(
        &self,
        presented: &str,
    ) -> Result<Option<(Session, Option<(User, Account)>)>, AuthError> {
        self.session_with_user(presented, true).await
    }

    /// [`Auth::session`], and with `with_user` its user and account (see
    /// [`Auth::session_and_user`]).
    async fn session_with_user(
        &self,
        presented: &str,
        with_user: bool,
    ) -> Result<Option<(Session, Option<(User, Account)>)>, AuthError> {
        use std::sync::LazyLock;
        static SESSION: LazyLock<String> = LazyLock::new(|| {
            format!(
                "SELECT {SESSION_COLUMNS}, \
                 CASE WHEN {LIVE} THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END AS live \
                 FROM sessions WHERE token_hash = $5"
            )
        });
        // The session's query stays a subquery, so that the unqualified columns of `LIVE` are
        // the session's (`users` has a `created_at` too). The row's columns are read by name:
        // `SESSION_COLUMNS`, `live`, `USER_COLUMNS` and the account's two must not share one
        // (a test checks).
        static WITH_USER: LazyLock<String> = LazyLock::new(|| {
            let columns: Vec<String> = column_names(USER_COLUMNS)
                .map(|c| format!("u.{c}"))
                .collect();
            format!(
                "SELECT s.*, {}, a.customer_number AS {ACCOUNT_NUMBER}, a.name AS {ACCOUNT_NAME} \
                 FROM ({}) s LEFT JOIN users u ON u.id = s.user_id \
                 LEFT JOIN accounts a ON a.id = u.account_id",
                columns.join(", "),
                SESSION.as_str()
            )
        });
        let Some(hash) = TokenHash::of_presented(presented) else {
            return Ok(None);
        };
        let now = self.now();
        self.metrics.session_lookups.inc();
        let sql = if with_user { &WITH_USER } else { &SESSION };
        let Some(row) = bind_live(sqlx::query(sql), now, &self.settings)
            .bind(hash.as_str())
            .fetch_optional(&self.store.pool)
            .await?
        else {
            return Ok(None);
        };
        if row.try_get::<i64, _>("live")? == 0 {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(hash.as_str())
                .execute(&self.store.pool)
                .await?;
            return Ok(None);
        }
        // No user columns without `with_user`; NULL ones if the user were gone.
        let user = if with_user && row.try_get::<Option<i64>, _>("id")?.is_some() {
            let account = account_from_columns(&row, ["account_id", ACCOUNT_NUMBER, ACCOUNT_NAME])?;
            Some((user_from_row(&row)?, account))
        } else {
            None
        };
        let session = Session {
            hash,
            user_id: row.try_get("user_id")?,
            stage: stored::get(&row, "stage")?,
            created_at: row.try_get("created_at")?,
            last_seen_at: row.try_get("last_seen_at")?,
            authenticated_at: row.try_get("authenticated_at")?,
        };
        if now - session.last_seen_at >= TOUCH_AFTER_SECS {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(session.hash.as_str())
                .execute(&self.store.pool)
                .await?;
        }
        Ok(Some((session, user)))
    }

    /// The user's signed-in sessions that are still live, most recently active first;
    /// `current` (this request's cookie) is marked.
    pub async fn active_sessions(
        &self,
        user_id: i64,
        current: Option<&str>,
        lang: Lang,
    ) -> Result<Vec<SessionView>, AuthError> {
        let current = current.and_then(TokenHash::of_presented);
        let sql = format!(
            "SELECT id, token_hash, ip, user_agent, created_at, last_seen_at FROM sessions \
             WHERE user_id = $5 AND stage = $2 AND {LIVE} ORDER BY last_seen_at DESC, id DESC"
        );
        let rows = bind_live(sqlx::query(&sql), self.now(), &self.settings)
            .bind(user_id)
            .fetch_all(&self.store.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let hash: String = row.try_get("token_hash")?;
                Ok(SessionView {
                    id: row.try_get("id")?,
                    browser: browser_label(&row.try_get::<String, _>("user_agent")?, lang),
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
        let mut tx = self.begin(meta).await?;
        let ended = sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
            .bind(session_id)
            .bind(user.id)
            .execute(tx.conn())
            .await?;
        if ended.rows_affected() == 0 {
            return Err(AuthError::NotFound("session"));
        }
        tx.audit(Event::for_user(user, EventKind::SessionEnded))
            .await?;
        tx.commit().await
    }

    /// "Sign out everywhere else": ends all the user's sessions but the one presented as `keep`.
    pub async fn sign_out_elsewhere(
        &self,
        user: &User,
        keep: &str,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let mut tx = self.begin(meta).await?;
        let ended = end_others(&mut tx, user.id, keep).await?;
        tx.audit(
            Event::for_user(user, EventKind::SessionsEndedElsewhere)
                .detail(format!("ended {ended}")),
        )
        .await?;
        tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lookup reads its row by column name: the session's columns, `live`, the user's (whose
    /// `id` says whether a user was found) and the account's two must not share a name.
    #[test]
    fn session_user_and_account_columns_do_not_clash() {
        let user: Vec<&str> = column_names(USER_COLUMNS).collect();
        assert!(user.contains(&"id"), "{user:?}");
        let others: Vec<&str> = column_names(SESSION_COLUMNS)
            .chain(["live", ACCOUNT_NUMBER, ACCOUNT_NAME])
            .collect();
        for (i, column) in others.iter().enumerate() {
            assert!(!user.contains(column), "{column} is read from both");
            assert!(!others[..i].contains(column), "{column} is read twice");
        }
    }
}
