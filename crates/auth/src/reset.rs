//! "Forgot password?": a reset link by mail, and the new password chosen through it.
//!
//! The link carries a 256-bit token (only its hash stored), works for [`RESET_LINK_SECS`] and once;
//! a newer link replaces the older ones. The form sends a user a link at most once a minute and
//! 5 times a day ([`RESET_LIMIT`]); an admin's "Send password reset" once a minute, without a
//! daily cap ([`ADMIN_RESET_LIMIT`]); "This wasn't me" always sends one (its own link works once
//! and comes only in a mail). Every link counts towards the form's cap. The form also counts
//! against the per-IP limit of requests that send mail. Its answer never tells whether an
//! account exists: unknown identifiers, inactive and throttled users get the same answer as
//! everyone else, at the same time.
//!
//! Choosing the new password does not sign in: it ends every session, forgets every trusted
//! device, lifts the user's failure count, hard stop and code lock, and mails the user.

use crate::account::{self, USER_COLUMNS, User, UserStatus};
use crate::audit::{Event, EventKind};
use crate::compose::Letter;
use crate::error::AuthError;
use crate::invitation;
use crate::manage::{PasswordChange, save_new_password};
use crate::outbox::Mail;
use crate::secret::{Password, Token, TokenHash};
use crate::throttle::{self, INVITATION_BLOCK_AFTER, MailLimit, Scope, user_key};
use crate::tx::Tx;
use crate::{Auth, RequestMeta};
use pforte_shared::Msg;
use pforte_shared::i18n::fill;
use pforte_shared::types::LinkState;
use sqlx::Row;

/// How long a reset link works.
pub const RESET_LINK_SECS: i64 = 60 * 60;
/// Reset requests answered at once at most (see [`Auth::request_password_reset`]).
pub const MAX_PENDING_ANSWERS: usize = 32;

/// Reset links from the form: one a minute per user, at most 5 in any 24 hours (every reset
/// link counts, however it was sent).
pub const RESET_LIMIT: MailLimit = MailLimit {
    counted: EventKind::PasswordResetSent,
    cooldown_after: EventKind::PasswordResetSent,
    cooldown_secs: 60,
    per_day: 5,
};

/// Reset links an admin sends: one a minute per user, without a daily cap — so that someone who
/// used up a user's daily links with the form cannot keep them out for a day.
pub const ADMIN_RESET_LIMIT: MailLimit = MailLimit {
    per_day: i64::MAX,
    ..RESET_LIMIT
};

/// Fresh invitations from the form for an invited user: one an hour, at most 3 a day — fewer
/// than an admin's resends, which they also count towards.
pub const INVITATION_REQUEST_LIMIT: MailLimit = MailLimit {
    counted: EventKind::InvitationRequested,
    cooldown_after: EventKind::InvitationRequested,
    cooldown_secs: 60 * 60,
    per_day: 3,
};

/// The "Reset your Pforte password" mail.
pub fn reset_mail(link: &str, user: &User) -> Mail {
    let lang = user.lang;
    let minutes = (RESET_LINK_SECS / 60).to_string();
    Letter::to(user.recipient(), Msg::ResetMailSubject.text(lang))
        .text(fill(Msg::Greeting.text(lang), "name", user.greeting_name()))
        .text(Msg::ResetMailBody.text(lang))
        .action(Msg::ResetMailButton.text(lang), link)
        .small(fill(Msg::ResetMailValidity.text(lang), "minutes", &minutes))
        .small(Msg::ResetMailIgnore.text(lang))
        .build()
}

/// Where the link `presented` of `table` (`password_resets`, `not_me_links`: a `token_hash`,
/// `user_id`, `expires_at` and `used_at` each) stands: used; usable while unexpired and its user
/// active; otherwise (unknown, replaced, expired) invalid.
pub(crate) async fn link_state(
    pool: &sqlx::AnyPool,
    table: &'static str,
    presented: &str,
    now: i64,
) -> Result<LinkState, AuthError> {
    let Some(hash) = TokenHash::of_presented(presented) else {
        return Ok(LinkState::Invalid);
    };
    let row = sqlx::query(&format!(
        "SELECT l.used_at, l.expires_at, u.status FROM {table} l JOIN users u ON u.id = l.user_id \
         WHERE l.token_hash = $1"
    ))
    .bind(hash.as_str())
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        return Ok(LinkState::Invalid);
    };
    let used: Option<i64> = row.try_get("used_at")?;
    let expires_at: i64 = row.try_get("expires_at")?;
    let status: UserStatus = crate::stored::get(&row, "status")?;
    Ok(if used.is_some() {
        LinkState::Used
    } else if expires_at > now && status == UserStatus::Active {
        LinkState::Usable
    } else {
        LinkState::Invalid
    })
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

/// What a "Send reset link" request for the user `user_id` does, inside its unit of work, with
/// the user's row locked and read again. Returns why nothing was sent, if so (for the audit; the
/// answer is the same either way).
async fn answer_request(tx: &mut Tx<'_>, user_id: i64) -> Result<Option<&'static str>, AuthError> {
    let user = account::locked_user(tx, user_id).await?;
    match user.status {
        UserStatus::Disabled => Ok(Some("user not active")),
        // An invited user has no password to reset: they get a fresh invitation — unless the
        // open one is being used (the stepper is past its first step: replacing it would send
        // that person back), wrong codes blocked it (then only an admin resends), or
        // [`INVITATION_REQUEST_LIMIT`] is reached.
        UserStatus::Invited => {
            let blocked = throttle::failures_in(tx.conn(), Scope::Onboarding, &user_key(user.id))
                .await?
                >= INVITATION_BLOCK_AFTER;
            if blocked {
                return Ok(Some("invitation blocked"));
            }
            if invitation::in_progress(tx, user.id).await? {
                return Ok(Some("invitation in use"));
            }
            let limits = [&INVITATION_REQUEST_LIMIT, &invitation::RESEND_LIMIT];
            for limit in limits {
                if throttle::mail_limit_wait(tx, user.id, limit).await? > 0 {
                    return Ok(Some("invitation throttled"));
                }
            }
            let account = account::account_in(tx.conn(), user.account_id).await?;
            invitation::issue(tx, &user, &account).await?;
            tx.audit(Event::for_user(&user, EventKind::InvitationRequested))
                .await?;
            Ok(None)
        }
        UserStatus::Active => {
            if throttle::mail_limit_wait(tx, user.id, &RESET_LIMIT).await? > 0 {
                return Ok(Some("throttled"));
            }
            issue(tx, &user).await?;
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
        let permit = self.pending_answers.clone().try_acquire_owned();
        Ok(tokio::spawn(async move {
            // More answers pending than allowed: this request goes unanswered (its answer to the
            // browser was the same anyway); the requester may ask again.
            let Ok(_permit) = permit else {
                tracing::warn!("too many password reset requests pending; one was dropped");
                return;
            };
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
            Some(user) => answer_request(&mut tx, user.id).await?,
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
        let meta = meta.clone().acting(admin.id);
        let mut tx = self.begin(&meta).await?;
        let user = account::locked_user(&mut tx, user.id).await?;
        if user.status != UserStatus::Active {
            return Err(AuthError::invalid("user_id", Msg::UserNotActive));
        }
        let wait = throttle::mail_limit_wait(&mut tx, user.id, &ADMIN_RESET_LIMIT).await?;
        if wait > 0 {
            return Err(AuthError::RateLimited {
                retry_after: u64::try_from(wait).unwrap_or(1),
            });
        }
        issue(&mut tx, &user).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Where a reset link stands, for its page.
    pub async fn reset_link_state(&self, presented: &str) -> Result<LinkState, AuthError> {
        link_state(&self.store.pool, "password_resets", presented, self.now()).await
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
        self.check_new_password(&user, &new, &repeat).await?;
        let hash = self.hasher.hash(new).await?;
        let link = TokenHash::of_presented(presented).ok_or(AuthError::LinkInvalid)?;
        let mut tx = self.begin(meta).await?;
        // The user's row first (as every operation on a user's links does), then the link: it is
        // used once, and the user is still active — checked by the statements that write, so
        // that a parallel use or a deactivation meanwhile wins.
        account::lock_user(&mut tx, user.id).await?;
        let used = sqlx::query(
            "UPDATE password_resets SET used_at = $1 \
             WHERE token_hash = $2 AND user_id = $3 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(tx.now())
        .bind(link.as_str())
        .bind(user.id)
        .execute(tx.conn())
        .await?;
        if used.rows_affected() != 1
            || !save_new_password(
                &mut tx,
                &user,
                &hash,
                PasswordChange::ThroughResetLink,
                None,
                None,
            )
            .await?
        {
            return Err(AuthError::LinkInvalid);
        }
        let key = user_key(user.id);
        throttle::clear(&mut tx, Scope::User, &key).await?;
        throttle::clear(&mut tx, Scope::Code, &key).await?;
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
            two_factor: false,
            google_email: None,
            google_sub: None,
            lang: pforte_shared::Lang::En,
            time_zone: "UTC".into(),
            subject: "0".repeat(32),
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
