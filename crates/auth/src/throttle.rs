//! Throttling, kept in the `throttles` table so that it holds across sessions, IP addresses and
//! instances.
//!
//! - **Per user** (or per trusted device, or per bucket of identifiers that name nobody): growing
//!   delays after consecutive failures, and a hard stop at 100 after which even the right password
//!   needs the email code. An attempt is *claimed* before the password is checked — counted as a
//!   failure in one conditional update, in a unit of work committed before the check — and the
//!   count is cleared when the password was right. So parallel guesses cannot slip through the
//!   delay: each one needs its own successful claim.
//! - **Wrong email codes** in a row, per user across sign-ins (`code`: a pause after
//!   [`CODE_LOCK_AFTER`]) and per invited user across rounds of the stepper (`onboarding`).
//! - **Per IP**: a secondary limit per time window, answered with 429 and `Retry-After`.
//!
//! At the slowest rate one attempt per user is evaluated each 10 s, whoever sends it: someone who
//! sends one at every turn keeps the user's own attempts refused (on browsers the user has not
//! trusted) for as long as they keep at it. The per-IP limit bounds how long one address can.

use crate::audit::{EventKind, Outcome};
use crate::error::AuthError;
use crate::stored::stored_enum;
use crate::tx::Tx;
use crate::{Auth, Settings};
use sqlx::Row;
use std::net::IpAddr;

/// Consecutive failures from which a user is at the hard stop: attempts stay at the slowest rate,
/// a right password always leads to the email code (even on a trusted device), and only a right
/// code or an admin's unlock ends it.
pub const HARD_STOP: i64 = 100;

/// The slowest rate: one evaluated attempt per this many seconds, from the 25th failure on and
/// at the hard stop.
pub const SLOWEST_DELAY_SECS: i64 = 10;

/// The wait before the next attempt is evaluated, by consecutive failures so far: fewer than
/// `below` failures → `secs` seconds (1 s after 1–2, 3 s from the 3rd, 5 s from the 9th, then
/// [`SLOWEST_DELAY_SECS`], also at and past [`HARD_STOP`]).
const DELAY_STEPS: [(i64, i64); 3] = [(3, 1), (9, 3), (25, 5)];

/// [`DELAY_STEPS`] as an SQL expression over the `failures` column: the claim evaluates it.
fn delay_sql() -> String {
    let mut sql = String::from("CASE WHEN failures <= 0 THEN 0");
    for (below, secs) in DELAY_STEPS {
        sql.push_str(&format!(" WHEN failures < {below} THEN {secs}"));
    }
    sql.push_str(&format!(" ELSE {SLOWEST_DELAY_SECS} END"));
    sql
}

stored_enum! {
    /// Who a counter belongs to.
    pub enum Scope {
        /// Password failures of one user, however the user was named (email or customer number).
        User = "user",
        /// Password failures on one trusted device: its user's delays do not apply there.
        Device = "device",
        /// Password failures for an identifier that names no user, keyed by [`unknown_key`]: the
        /// same statements run as for a user, so timing does not tell the two apart.
        Unknown = "unknown",
        /// Failed sign-ins from one IP address (or IPv6 /64) per window.
        IpSignIn = "ip_sign_in",
        /// Requests that send mail (code resends) from one IP address per window.
        IpMail = "ip_mail",
        /// Wrong email codes of one user in a row, across sign-ins: a right password does not
        /// end the count, only a right code or an admin's unlock.
        Code = "code",
        /// Wrong onboarding codes of one invited user, across rounds of the stepper: at
        /// [`INVITATION_BLOCK_AFTER`] the invitation is used up; a new invitation starts again.
        Onboarding = "onboarding",
        /// Wrong authenticator-app and recovery codes of one user in a row, across sign-ins
        /// and set-up: paused like email codes after [`CODE_LOCK_AFTER`].
        AppCode = "app_code",
        /// Wrong app or recovery codes within one pending sign-in (keyed by its session): the
        /// fifth ends it.
        AppCodeSignIn = "app_code_sign_in",
    }
}

/// Wrong onboarding codes, across rounds, after which the invitation is used up.
pub const INVITATION_BLOCK_AFTER: i64 = 10;

/// Wrong email codes in a row after which a right password sends no code for [`CODE_LOCK_SECS`].
pub const CODE_LOCK_AFTER: i64 = 10;

/// How long, after the latest wrong code past [`CODE_LOCK_AFTER`], no new code is sent.
pub const CODE_LOCK_SECS: i64 = 15 * 60;

impl Scope {
    /// The per-IP scopes: counted per time window, and swept when the window has ended.
    pub const PER_IP: [Scope; 2] = [Scope::IpSignIn, Scope::IpMail];

    /// Requests allowed per window, for the per-IP scopes.
    fn ip_limit(self, settings: &Settings) -> i64 {
        match self {
            Scope::IpMail => settings.ip_mail_requests,
            _ => settings.ip_sign_in_failures,
        }
    }
}

/// The key of a user's counter ([`Scope::User`]): the user's id as text, the same as
/// `CAST(users.id AS TEXT)` in SQL that joins the counters to their users.
pub fn user_key(user_id: i64) -> String {
    user_id.to_string()
}

/// The key of an unknown identifier's counter: 16 bits of a keyed SHA-256 of the identifier as
/// normalised, so the table never holds the addresses people mistyped and never holds more than
/// 65,536 such counters, however many identifiers are tried (identifiers that share a bucket
/// share its delays; none of them names a user). The key is drawn per process: each instance
/// counts on its own, and a restart starts again (these counters only make unknown identifiers
/// behave like known ones).
pub fn unknown_key(normalised: &str) -> String {
    use sha2::{Digest, Sha256};
    static SECRET: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let secret = SECRET.get_or_init(|| crate::secret::Token::generate().expose().to_owned());
    let mut hasher = Sha256::new();
    hasher.update(secret.as_bytes());
    hasher.update([0]);
    hasher.update(normalised.as_bytes());
    hex::encode(&hasher.finalize()[..2])
}

/// Consecutive failures of `key`, read in a unit of work or from the pool.
pub(crate) async fn failures_in<'e, E>(exec: E, scope: Scope, key: &str) -> Result<i64, AuthError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(read(exec, scope, key)
        .await?
        .map_or(0, |(failures, _)| failures))
}

/// The failures and the time of the latest failure of `key`, if it has a counter.
async fn read<'e, E>(exec: E, scope: Scope, key: &str) -> Result<Option<(i64, i64)>, AuthError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row =
        sqlx::query("SELECT failures, last_failure FROM throttles WHERE scope = $1 AND key = $2")
            .bind(scope.as_str())
            .bind(key)
            .fetch_optional(exec)
            .await?;
    Ok(match row {
        Some(r) => Some((r.try_get("failures")?, r.try_get("last_failure")?)),
        None => None,
    })
}

/// The key of an IP counter: the address, or its /64 network for IPv6 (one host usually holds a
/// whole /64). Empty when the address is unknown.
pub fn ip_key(ip: &str) -> String {
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(IpAddr::V6(v6)) => v6
            .to_ipv4_mapped()
            .map(|v4| v4.to_string())
            .unwrap_or_default(),
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => String::new(),
    }
}

/// Claims one attempt for `key`: counts it as a failure unless the delay after the previous
/// failure is still running. Returns false when throttled. Commit the claim before checking the
/// password; [`clear`] the count when the attempt succeeds.
pub(crate) async fn claim(tx: &mut Tx<'_>, scope: Scope, key: &str) -> Result<bool, AuthError> {
    let now = tx.now();
    sqlx::query(
        "INSERT INTO throttles (scope, key, failures, last_failure) VALUES ($1, $2, 0, 0) \
         ON CONFLICT (scope, key) DO NOTHING",
    )
    .bind(scope.as_str())
    .bind(key)
    .execute(tx.conn())
    .await?;
    let claimed = sqlx::query(&format!(
        "UPDATE throttles SET failures = failures + 1, last_failure = $1 \
         WHERE scope = $2 AND key = $3 AND last_failure + ({}) <= $1",
        delay_sql()
    ))
    .bind(now)
    .bind(scope.as_str())
    .bind(key)
    .execute(tx.conn())
    .await?;
    let claimed = claimed.rows_affected() == 1;
    if !claimed {
        tx.metrics().refused(scope);
    }
    Ok(claimed)
}

/// A success: the consecutive failures of `key` start again from zero.
pub(crate) async fn clear(tx: &mut Tx<'_>, scope: Scope, key: &str) -> Result<(), AuthError> {
    sqlx::query("DELETE FROM throttles WHERE scope = $1 AND key = $2")
        .bind(scope.as_str())
        .bind(key)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Lifts the lock of `key` in one statement when it has `at_least` failures (the hard stop, the
/// code lock): its failures start again from zero. Returns false, changing nothing, otherwise.
pub(crate) async fn lift(
    tx: &mut Tx<'_>,
    scope: Scope,
    key: &str,
    at_least: i64,
) -> Result<bool, AuthError> {
    let lifted =
        sqlx::query("DELETE FROM throttles WHERE scope = $1 AND key = $2 AND failures >= $3")
            .bind(scope.as_str())
            .bind(key)
            .bind(at_least)
            .execute(tx.conn())
            .await?;
    Ok(lifted.rows_affected() == 1)
}

/// One more failure of `key` in a row, now; returns the count.
pub(crate) async fn count_failure(
    tx: &mut Tx<'_>,
    scope: Scope,
    key: &str,
) -> Result<i64, AuthError> {
    let row = sqlx::query(
        "INSERT INTO throttles (scope, key, failures, last_failure) VALUES ($1, $2, 1, $3) \
         ON CONFLICT (scope, key) DO UPDATE SET failures = throttles.failures + 1, last_failure = $3 \
         RETURNING failures",
    )
    .bind(scope.as_str())
    .bind(key)
    .bind(tx.now())
    .fetch_one(tx.conn())
    .await?;
    Ok(row.try_get("failures")?)
}

/// Seconds the code lock of `user_id` still runs at `now` (0: codes may be sent).
pub(crate) async fn code_lock_left<'e, E>(exec: E, user_id: i64, now: i64) -> Result<i64, AuthError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    lock_left(exec, Scope::Code, user_id, now).await
}

/// Seconds the pause of `user_id`'s codes of `scope` (email codes, app codes) still runs at
/// `now`: [`CODE_LOCK_SECS`] after the latest wrong code, once [`CODE_LOCK_AFTER`] came in a row.
pub(crate) async fn lock_left<'e, E>(
    exec: E,
    scope: Scope,
    user_id: i64,
    now: i64,
) -> Result<i64, AuthError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(match read(exec, scope, &user_key(user_id)).await? {
        Some((failures, last)) if failures >= CODE_LOCK_AFTER => {
            (last + CODE_LOCK_SECS - now).max(0)
        }
        _ => 0,
    })
}

/// `CodeLocked` while `user_id`'s codes of `scope` (email codes, app codes) are paused after too
/// many wrong ones in a row.
pub(crate) async fn refuse_while_locked(
    tx: &mut Tx<'_>,
    scope: Scope,
    user_id: i64,
) -> Result<(), AuthError> {
    let now = tx.now();
    match lock_left(tx.conn(), scope, user_id, now).await? {
        0 => Ok(()),
        left => {
            tx.metrics().refused(scope);
            Err(AuthError::CodeLocked {
                minutes: minutes_up(left),
            })
        }
    }
}

/// Whole minutes, rounded up, for "try again in N minutes".
pub fn minutes_up(secs: i64) -> u64 {
    u64::try_from((secs + 59) / 60).unwrap_or(0)
}

/// Counts one request of the unit's IP in the current window of `scope`; over the limit it is
/// refused with the seconds until the window ends (and, rolled back, not counted). One atomic
/// upsert per call.
pub(crate) async fn count_ip(tx: &mut Tx<'_>, scope: Scope) -> Result<(), AuthError> {
    let key = ip_key(&tx.meta().ip);
    if key.is_empty() {
        return Ok(());
    }
    let settings = tx.settings();
    let (limit, window) = (scope.ip_limit(settings), settings.ip_window_secs);
    let now = tx.now();
    let row = sqlx::query(
        "INSERT INTO throttles (scope, key, failures, last_failure) VALUES ($1, $2, 1, $3) \
         ON CONFLICT (scope, key) DO UPDATE SET \
           failures = CASE WHEN throttles.last_failure <= $4 THEN 1 ELSE throttles.failures + 1 END, \
           last_failure = CASE WHEN throttles.last_failure <= $4 THEN $3 ELSE throttles.last_failure END \
         RETURNING failures, last_failure",
    )
    .bind(scope.as_str())
    .bind(&key)
    .bind(now)
    .bind(now - window)
    .fetch_one(tx.conn())
    .await?;
    let count: i64 = row.try_get("failures")?;
    let window_start: i64 = row.try_get("last_failure")?;
    if count > limit {
        tracing::warn!(scope = scope.as_str(), ip = %key, "per-IP limit reached");
        tx.metrics().refused(scope);
        return Err(AuthError::RateLimited {
            retry_after: (window_start + window - now).max(1) as u64,
        });
    }
    Ok(())
}

/// Takes back one counted request of the unit's IP (a sign-in that turned out right).
pub(crate) async fn uncount_ip(tx: &mut Tx<'_>, scope: Scope) -> Result<(), AuthError> {
    let key = ip_key(&tx.meta().ip);
    sqlx::query(
        "UPDATE throttles SET failures = failures - 1 WHERE scope = $1 AND key = $2 AND failures > 0",
    )
    .bind(scope.as_str())
    .bind(key)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// A limit on mails of one kind to one user, counted from the audit: at most `per_day` `counted`
/// events in any 24 hours, and none within `cooldown_secs` after the latest `cooldown_after`.
#[derive(Clone, Copy, Debug)]
pub struct MailLimit {
    pub counted: EventKind,
    pub cooldown_after: EventKind,
    pub cooldown_secs: i64,
    pub per_day: i64,
}

/// Seconds until `limit` lets one more mail to `user_id` through (0: now). Locks the user's row
/// first, so that parallel requests are counted one after the other.
pub(crate) async fn mail_limit_wait(
    tx: &mut Tx<'_>,
    user_id: i64,
    limit: &MailLimit,
) -> Result<i64, AuthError> {
    crate::account::lock_user(tx, user_id).await?;
    let now = tx.now();
    let row = sqlx::query(
        "SELECT \
           COALESCE(SUM(CASE WHEN event = $2 THEN 1 ELSE 0 END), 0) AS sent, \
           COALESCE(MIN(CASE WHEN event = $2 THEN at END), 0) AS first, \
           COALESCE(MAX(CASE WHEN event = $3 THEN at END), 0) AS latest \
         FROM audit_events \
         WHERE user_id = $1 AND event IN ($2, $3) AND outcome = $4 AND at > $5",
    )
    .bind(user_id)
    .bind(limit.counted.as_str())
    .bind(limit.cooldown_after.as_str())
    .bind(Outcome::Success.as_str())
    .bind(now - 24 * 3600)
    .fetch_one(tx.conn())
    .await?;
    let (sent, first, latest): (i64, i64, i64) = (
        row.try_get("sent")?,
        row.try_get("first")?,
        row.try_get("latest")?,
    );
    Ok(if sent >= limit.per_day {
        first + 24 * 3600 - now
    } else if latest > 0 {
        latest + limit.cooldown_secs - now
    } else {
        0
    }
    .max(0))
}

impl Auth {
    /// Consecutive failures counted for `key` (for tests and operators).
    pub async fn failures(&self, scope: Scope, key: &str) -> Result<i64, AuthError> {
        failures_in(&self.store.pool, scope, key).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_keys() {
        assert_eq!(ip_key("192.0.2.7"), "192.0.2.7");
        assert_eq!(ip_key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(ip_key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(ip_key("test"), "");
    }
}
