//! "Forgot password?": a reset link by mail, and the new password chosen through it.
//!
//! The link carries a 256-bit token (only its hash stored), works for [`RESET_LINK_SECS`] and once;
//! a newer link replaces the older ones. A user gets a link at most once per
//! [`RESET_COOLDOWN_SECS`] and [`RESETS_PER_DAY`] times in any 24 hours, however they were asked
//! for (the form, an admin, "This wasn't me"); the form counts against the per-IP limit of
//! requests that send mail. The form's answer never tells whether an account exists: unknown
//! identifiers, inactive and throttled users get the same answer as everyone else.
//!
//! Choosing the new password does not sign in: it ends every session, forgets every trusted
//! device, lifts the user's failure count, hard stop and code lock, and mails the user.

use crate::account::{self, USER_COLUMNS, User, UserStatus};
use crate::audit::{Event, EventKind};
use crate::compose::Letter;
use crate::device;
use crate::error::AuthError;
use crate::invitation;
use crate::manage::{PasswordChange, password_changed_mail};
use crate::outbox::Mail;
use crate::password::check_policy;
use crate::secret::{Password, Token, TokenHash};
use crate::session;
use crate::throttle::{self, INVITATION_BLOCK_AFTER, Scope, user_key};
use crate::tx::Tx;
use crate::{Auth, RequestMeta};
use pforte_shared::i18n::fill;
use pforte_shared::{Lang, Msg};
use sqlx::Row;

/// How long a reset link works.
pub const RESET_LINK_SECS: i64 = 60 * 60;
/// Seconds between two reset links of one user.
pub const RESET_COOLDOWN_SECS: i64 = 60;
/// Reset links one user gets in any 24 hours at most.
pub const RESETS_PER_DAY: i64 = 5;

/// The "Reset your Pforte password" mail.
pub fn reset_mail(link: &str, user: &User) -> Mail {
    let lang = Lang::En;
    let minutes = (RESET_LINK_SECS / 60).to_string();
    Letter::new(&user.email, Msg::ResetMailSubject.text(lang), lang)
        .text(fill(Msg::Greeting.text(lang), "name", user.greeting_name()))
        .text(Msg::ResetMailBody.text(lang))
        .action(Msg::ResetMailButton.text(lang), link)
        .small(fill(Msg::ResetMailValidity.text(lang), "minutes", &minutes))
        .small(Msg::ResetMailIgnore.text(lang))
        .build()
}

/// Seconds until `user_id` may get another reset link (0: now): [`RESET_COOLDOWN_SECS`] after the
/// latest link, and after [`RESETS_PER_DAY`] links until the oldest of them is a day old. Counted
/// from the audit (`password_reset_sent`). Locks the user's row first, so that parallel requests
/// are counted one after the other.
async fn wait_before_link(tx: &mut Tx<'_>, user_id: i64) -> Result<i64, AuthError> {
    account::lock_user(tx, user_id).await?;
    let now = tx.now();
    let row = sqlx::query(
        "SELECT COUNT(*) AS sent, COALESCE(MIN(at), 0) AS first, COALESCE(MAX(at), 0) AS latest \
         FROM audit_events WHERE user_id = $1 AND event = $2 AND outcome = $3 AND at > $4",
    )
    .bind(user_id)
    .bind(EventKind::PasswordResetSent.as_str())
    .bind(crate::audit::Outcome::Success.as_str())
    .bind(now - 24 * 3600)
    .fetch_one(tx.conn())
    .await?;
    let (sent, first, latest): (i64, i64, i64) = (
        row.try_get("sent")?,
        row.try_get("first")?,
        row.try_get("latest")?,
    );
    Ok(if sent >= RESETS_PER_DAY {
        first + 24 * 3600 - now
    } else if sent > 0 {
        latest + RESET_COOLDOWN_SECS - now
    } else {
        0
    }
    .max(0))
}

/// Replaces any reset link of `user` with a new one, queues its mail and records it.
pub(crate) async fn issue(tx: &mut Tx<'_>, user: &User) -> Result<(), AuthError> {
    let token = Token::generate();
    let (now, settings) = (tx.now(), tx.settings());
    sqlx::query("DELETE FROM password_resets WHERE user_id = $1")
        .bind(user.id)
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token.hash().as_str())
    .bind(user.id)
    .bind(now)
    .bind(now + RESET_LINK_SECS)
    .execute(tx.conn())
    .await?;
    let link = format!("{}/reset-password/{}", settings.public_url, token.expose());
    tx.queue_mail(&reset_mail(&link, user)).await?;
    tx.audit(Event::for_user(user, EventKind::PasswordResetSent))
        .await
}

/// What a "Send reset link" request for an existing user does, inside its unit of work.
/// Returns why nothing was sent, if so (for the audit; the answer is the same either way).
async fn answer_request(tx: &mut Tx<'_>, user: &User) -> Result<Option<&'static str>, AuthError> {
    match user.status {
        UserStatus::Disabled => Ok(Some("user not active")),
        // An invited user has no password to reset: they get a fresh invitation, within the
        // invitation's own limits, unless wrong codes blocked it (then only an admin resends).
        UserStatus::Invited => {
            let blocked = throttle::failures_in(tx.conn(), Scope::Onboarding, &user_key(user.id))
                .await?
                >= INVITATION_BLOCK_AFTER;
            if blocked {
                return Ok(Some("invitation blocked"));
            }
            if invitation::resend_allowed(tx, user.id).await.is_err() {
                return Ok(Some("invitation throttled"));
            }
            let account = account::account_in(tx, user.account_id).await?;
            invitation::issue(tx, user, &account).await?;
            tx.audit(Event::for_user(user, EventKind::InvitationResent).detail("forgot password"))
                .await?;
            Ok(None)
        }
        UserStatus::Active => {
            if wait_before_link(tx, user.id).await? > 0 {
                return Ok(Some("throttled"));
            }
            issue(tx, user).await?;
            Ok(None)
        }
    }
}

impl Auth {
    /// "Send reset link" on `/forgot-password`. Counts the request against the requesting IP
    /// address ([`AuthError::RateLimited`] over its limit) and returns; the answer itself —
    /// looking the identifier up, and sending a link, an invitation or nothing — runs in a task
    /// of its own ([`Auth::answer_reset_request`]), so that neither the answer nor its timing
    /// tells whether an account exists. The handle is for tests; callers may drop it.
    pub async fn request_password_reset(
        &self,
        identifier: &str,
        meta: &RequestMeta,
    ) -> Result<tokio::task::JoinHandle<()>, AuthError> {
        let mut tx = self.begin(meta).await?;
        throttle::count_ip(&mut tx, Scope::IpMail).await?;
        tx.commit().await?;
        let (auth, identifier, meta) = (self.clone(), identifier.to_owned(), meta.clone());
        Ok(tokio::spawn(async move {
            if let Err(error) = auth.answer_reset_request(&identifier, &meta).await {
                tracing::error!(%error, "password reset request failed");
            }
        }))
    }

    /// The answer to a "Send reset link" already counted against its IP address: a reset link
    /// for an active user (within the cooldown and daily cap), a fresh invitation for an invited
    /// one, nothing otherwise — each recorded in the audit, in one unit of work.
    pub async fn answer_reset_request(
        &self,
        identifier: &str,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let (user, _) = self.find_by_identifier(identifier).await?;
        let mut tx = self.begin(meta).await?;
        let refused = match &user {
            Some(user) => answer_request(&mut tx, user).await?,
            None => Some("unknown identifier"),
        };
        if let Some(reason) = refused {
            let event = match &user {
                Some(u) => Event::for_user(u, EventKind::PasswordResetRequested),
                None => Event::anonymous(EventKind::PasswordResetRequested),
            };
            tx.audit(event.failed().detail(reason)).await?;
        }
        tx.commit().await
    }

    /// "Send password reset" on `/admin/users`: the same link and limits, for an active user of
    /// the admin's account; recorded with the admin as actor. Returns the user.
    pub async fn send_password_reset(
        &self,
        admin: &User,
        user_id: i64,
        meta: &RequestMeta,
    ) -> Result<User, AuthError> {
        let user = self.managed_user(admin, user_id).await?;
        if user.status != UserStatus::Active {
            return Err(AuthError::Conflict("user not active"));
        }
        let meta = meta.clone().acting(admin.id);
        let mut tx = self.begin(&meta).await?;
        let wait = wait_before_link(&mut tx, user.id).await?;
        if wait > 0 {
            return Err(AuthError::RateLimited {
                retry_after: u64::try_from(wait).unwrap_or(1),
            });
        }
        issue(&mut tx, &user).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// The active user whose unused, unexpired reset link this is. Unknown, used, replaced and
    /// expired links, and links of users no longer active, are [`AuthError::LinkInvalid`].
    pub async fn reset_link_user(&self, presented: &str) -> Result<User, AuthError> {
        let hash = TokenHash::of_presented(presented).ok_or(AuthError::LinkInvalid)?;
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE status = $3 AND id = \
             (SELECT user_id FROM password_resets \
              WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2)"
        ))
        .bind(hash.as_str())
        .bind(self.now())
        .bind(UserStatus::Active.as_str())
        .fetch_optional(&self.store.pool)
        .await?
        .ok_or(AuthError::LinkInvalid)?;
        Ok(account::user_from_row(&row)?)
    }

    /// "Save password" on `/reset-password/{token}`. A refused password changes nothing and the
    /// link keeps working; a saved one uses the link up. Does not sign in.
    pub async fn reset_password(
        &self,
        presented: &str,
        new: Password,
        repeat: Password,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let user = self.reset_link_user(presented).await?;
        check_policy(&new, &self.password_context(&user).await?)?;
        if new.expose() != repeat.expose() {
            return Err(AuthError::invalid(
                "new_password_repeat",
                Msg::PasswordsDiffer,
            ));
        }
        let hash = self.hasher.hash(new).await?;
        let link = TokenHash::of_presented(presented).ok_or(AuthError::LinkInvalid)?;
        let mut tx = self.begin(meta).await?;
        let now = tx.now();
        // The link is used once, and the user is still active: checked and changed in the
        // statements that write, so that a parallel use or a deactivation meanwhile wins.
        let used = sqlx::query(
            "UPDATE password_resets SET used_at = $1 \
             WHERE token_hash = $2 AND user_id = $3 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(link.as_str())
        .bind(user.id)
        .execute(tx.conn())
        .await?;
        let saved = sqlx::query(
            "UPDATE users SET password_hash = $1, password_set_at = $2, updated_at = $2 \
             WHERE id = $3 AND status = $4",
        )
        .bind(&hash)
        .bind(now)
        .bind(user.id)
        .bind(UserStatus::Active.as_str())
        .execute(tx.conn())
        .await?;
        if used.rows_affected() != 1 || saved.rows_affected() != 1 {
            return Err(AuthError::LinkInvalid);
        }
        device::forget_all_but(&mut tx, user.id, None).await?;
        session::end_all(&mut tx, user.id).await?;
        let key = user_key(user.id);
        throttle::clear(&mut tx, Scope::User, &key).await?;
        throttle::clear(&mut tx, Scope::Code, &key).await?;
        let not_me = crate::not_me::new_link(&mut tx, user.id, None).await?;
        let mail = password_changed_mail(
            &tx.settings().public_url,
            &user.email,
            now,
            PasswordChange::ThroughResetLink,
            &not_me,
        );
        tx.queue_mail(&mail).await?;
        tx.audit(Event::for_user(&user, EventKind::PasswordReset))
            .await?;
        tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_mail_names_product_link_and_validity() {
        let user = User {
            id: 1,
            account_id: 1,
            email: "ben@example.com".into(),
            display_name: "Ben".into(),
            role: pforte_shared::types::Role::User,
            status: UserStatus::Active,
            is_owner: false,
            password_hash: None,
        };
        let mail = reset_mail("https://pforte.test/reset-password/abc", &user);
        assert!(mail.subject.contains("Pforte"), "{}", mail.subject);
        assert!(mail.text.contains("https://pforte.test/reset-password/abc"));
        assert!(mail.text.contains("60 minutes"), "{}", mail.text);
        assert!(
            mail.html
                .contains("href=\"https://pforte.test/reset-password/abc\"")
        );
    }
}
