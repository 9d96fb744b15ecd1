//! Invitations: a 256-bit token, only its hash stored, single use, valid 7 days (configurable);
//! issuing a new one (resend) replaces the old. The mail is queued in the same unit of work.

use crate::account::{Account, User, UserStatus};
use crate::audit::{Event, EventKind};
use crate::compose::Letter;
use crate::error::AuthError;
use crate::onboarding::Step;
use crate::outbox::Mail;
use crate::secret::{Token, TokenHash};
use crate::stored;
use crate::throttle::{self, MailLimit, Scope, user_key};
use crate::tx::Tx;
use crate::{Auth, RequestMeta};
use pforte_shared::Msg;
use pforte_shared::i18n::fill;
use sqlx::Row;

/// An open invitation, looked up by its token.
#[derive(Clone, Debug)]
pub struct Invitation {
    /// The stored form of the link's token (it also names the onboarding's code flow).
    pub hash: TokenHash,
    pub user_id: i64,
    /// Where the onboarding stepper stands.
    pub step: Step,
    pub expires_at: i64,
}

/// The invitation mail: plain text and HTML, with the call to action "To the user account".
pub fn invitation_mail(link: &str, user: &User, account: &Account, days: i64) -> Mail {
    let lang = user.lang;
    Letter::to(
        user.recipient(),
        fill(Msg::InvitationSubject.text(lang), "company", &account.name),
    )
    .text(fill(Msg::Greeting.text(lang), "name", user.greeting_name()))
    .text(fill(
        Msg::InvitationBody.text(lang),
        "company",
        &account.name,
    ))
    .action(Msg::InvitationButton.text(lang), link)
    .small(fill(
        Msg::InvitationValidity.text(lang),
        "days",
        &days.to_string(),
    ))
    .small(Msg::InvitationIgnore.text(lang))
    .build()
}

/// Replaces any open invitation of `user` with a new one, queues its mail and records it.
pub(crate) async fn issue(
    tx: &mut Tx<'_>,
    user: &User,
    account: &Account,
) -> Result<(), AuthError> {
    let token = Token::generate();
    let (now, settings) = (tx.now(), tx.settings());
    sqlx::query("DELETE FROM invitations WHERE user_id = $1")
        .bind(user.id)
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "INSERT INTO invitations (token_hash, user_id, stage, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token.hash().as_str())
    .bind(user.id)
    .bind(Step::Email.as_str())
    .bind(now)
    .bind(now + settings.invitation_secs)
    .execute(tx.conn())
    .await?;
    // A new invitation starts the count of wrong onboarding codes again.
    throttle::clear(tx, Scope::Onboarding, &user_key(user.id)).await?;
    let link = format!("{}/welcome/{}", settings.public_url, token.expose());
    let days = settings.invitation_secs / (24 * 60 * 60);
    tx.queue_mail(&invitation_mail(&link, user, account, days))
        .await?;
    tx.audit(Event::for_user(user, EventKind::InvitationSent))
        .await
}

/// "Resend invitation" works once a minute per user, and a user gets at most 10 invitation mails
/// (the first included) in any 24 hours.
pub const RESEND_LIMIT: MailLimit = MailLimit {
    counted: EventKind::InvitationSent,
    cooldown_after: EventKind::InvitationResent,
    cooldown_secs: 60,
    per_day: 10,
};

/// [`RESEND_LIMIT`] for `user_id`: `RateLimited` with the seconds to wait, or `Ok`.
pub(crate) async fn resend_allowed(tx: &mut Tx<'_>, user_id: i64) -> Result<(), AuthError> {
    match throttle::mail_limit_wait(tx, user_id, &RESEND_LIMIT).await? {
        0 => Ok(()),
        wait => Err(AuthError::RateLimited {
            retry_after: u64::try_from(wait).unwrap_or(1),
        }),
    }
}

/// Whether `user_id`'s open invitation is being used: its stepper is past the first step. Locks
/// the invitation (call with the user's row locked), so that a step committing meanwhile is seen.
pub(crate) async fn in_progress(tx: &mut Tx<'_>, user_id: i64) -> Result<bool, AuthError> {
    let row = sqlx::query(
        "UPDATE invitations SET stage = stage \
         WHERE user_id = $1 AND used_at IS NULL AND expires_at > $2 RETURNING stage",
    )
    .bind(user_id)
    .bind(tx.now())
    .fetch_optional(tx.conn())
    .await?;
    Ok(match row {
        Some(row) => stored::get::<Step>(&row, "stage")? != Step::Email,
        None => false,
    })
}

/// Uses up an open, unexpired invitation. False when it was already used (or has expired): each
/// invitation is used once.
pub(crate) async fn mark_used(tx: &mut Tx<'_>, hash: &TokenHash) -> Result<bool, AuthError> {
    let done = sqlx::query(
        "UPDATE invitations SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(tx.now())
    .bind(hash.as_str())
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

impl Auth {
    /// "Resend invitation" on `/admin/users`: a new link for an invited user of the admin's
    /// account; the old link stops working. Recorded with the admin as actor.
    pub async fn resend_invitation(
        &self,
        admin: &User,
        user_id: i64,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let user = self.managed_user(admin, user_id).await?;
        let meta = meta.clone().acting(admin.id);
        let mut tx = self.begin(&meta).await?;
        // Read again, locked: a user who finished onboarding meanwhile gets no dead link.
        let user = crate::account::locked_user(&mut tx, user.id).await?;
        if user.status != UserStatus::Invited {
            return Err(AuthError::Conflict("active user"));
        }
        let account = crate::account::account_in(tx.conn(), user.account_id).await?;
        resend_allowed(&mut tx, user.id).await?;
        issue(&mut tx, &user, &account).await?;
        tx.audit(Event::for_user(&user, EventKind::InvitationResent))
            .await?;
        tx.commit().await
    }

    /// The open invitation of a link token: unknown, used, replaced and expired links are all
    /// [`AuthError::LinkInvalid`].
    pub async fn invitation(&self, presented: &str) -> Result<Invitation, AuthError> {
        let hash = TokenHash::of_presented(presented).ok_or(AuthError::LinkInvalid)?;
        let row = sqlx::query(
            "SELECT i.user_id, i.stage, i.expires_at FROM invitations i JOIN users u ON u.id = i.user_id \
             WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2 AND u.status = $3",
        )
        .bind(hash.as_str())
        .bind(self.now())
        .bind(UserStatus::Invited.as_str())
        .fetch_optional(&self.store.pool)
        .await?
        .ok_or(AuthError::LinkInvalid)?;
        Ok(Invitation {
            hash,
            user_id: row.try_get("user_id")?,
            step: stored::get(&row, "stage")?,
            expires_at: row.try_get("expires_at")?,
        })
    }

    #[cfg(feature = "test-support")]
    /// Marks an invitation used, once: a second call fails (tests only, unaudited).
    pub async fn use_invitation(&self, presented: &str) -> Result<(), AuthError> {
        let hash = TokenHash::of_presented(presented).ok_or(AuthError::LinkInvalid)?;
        let meta = RequestMeta::default();
        let mut tx = self.begin(&meta).await?;
        if !mark_used(&mut tx, &hash).await? {
            return Err(AuthError::LinkInvalid);
        }
        tx.commit().await
    }
}
