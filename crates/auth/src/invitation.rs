//! Invitations: a 256-bit token, only its hash stored, single use, valid 7 days (configurable);
//! issuing a new one (resend) replaces the old. The mail is queued in the same transaction.

use crate::account::{Account, User, UserStatus};
use crate::audit::{self, Event};
use crate::error::AuthError;
use crate::outbox::{Mail, enqueue};
use crate::secret::{Token, TokenHash};
use crate::{Auth, RequestMeta};
use pforte_shared::i18n::fill;
use pforte_shared::{Lang, Msg};
use sqlx::{AnyConnection, Row};

/// An open invitation, looked up by its token.
#[derive(Clone, Debug)]
pub struct Invitation {
    /// The stored form of the link's token (it also names the onboarding's code flow).
    pub hash: TokenHash,
    pub user_id: i64,
    /// Where the onboarding stepper stands (`email` first).
    pub stage: String,
    pub expires_at: i64,
}

/// The invitation mail: plain text and HTML, with the call to action "To the user account".
pub fn invitation_mail(link: &str, user: &User, account: &Account, days: i64) -> Mail {
    let lang = Lang::En;
    let name = if user.display_name.is_empty() {
        user.email.as_str()
    } else {
        user.display_name.as_str()
    };
    let greeting = fill(Msg::InvitationGreeting.text(lang), "name", name);
    let body = fill(Msg::InvitationBody.text(lang), "company", &account.name);
    let validity = fill(
        Msg::InvitationValidity.text(lang),
        "days",
        &days.to_string(),
    );
    Mail::with_action(
        &user.email,
        Msg::InvitationSubject.text(lang),
        &[greeting, body],
        (Msg::InvitationButton.text(lang), link),
        &[&validity, Msg::InvitationIgnore.text(lang)],
    )
}

impl Auth {
    /// Replaces any open invitation of `user` with a new one and queues its mail, inside `conn`'s
    /// transaction.
    pub(crate) async fn issue_invitation(
        &self,
        conn: &mut AnyConnection,
        user: &User,
        account: &Account,
    ) -> Result<(), AuthError> {
        let token = Token::generate();
        let now = self.now();
        sqlx::query("DELETE FROM invitations WHERE user_id = $1")
            .bind(user.id)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "INSERT INTO invitations (token_hash, user_id, stage, created_at, expires_at) \
             VALUES ($1, $2, 'email', $3, $4)",
        )
        .bind(token.hash().as_str())
        .bind(user.id)
        .bind(now)
        .bind(now + self.settings.invitation_secs)
        .execute(&mut *conn)
        .await?;
        let link = format!("{}/welcome/{}", self.settings.public_url, token.expose());
        let days = self.settings.invitation_secs / (24 * 60 * 60);
        enqueue(
            conn,
            self.clock.as_ref(),
            &invitation_mail(&link, user, account, days),
        )
        .await
    }

    /// Sends a new invitation to a user who has not finished onboarding; the old link stops working.
    pub async fn resend_invitation(
        &self,
        user_id: i64,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let user = self.user_by_id(user_id).await?;
        if user.status != UserStatus::Invited {
            return Err(AuthError::Conflict("active user"));
        }
        let account = self.account_by_id(user.account_id).await?;
        let mut tx = self.store.pool.begin().await?;
        self.issue_invitation(&mut tx, &user, &account).await?;
        tx.commit().await?;
        audit::record(self, Event::for_user(&user, "invitation_sent"), meta).await
    }

    /// The open invitation of a link token: unknown, used, replaced and expired links are all
    /// [`AuthError::LinkInvalid`].
    pub async fn invitation(&self, presented: &str) -> Result<Invitation, AuthError> {
        let hash = TokenHash::of_presented(presented).ok_or(AuthError::LinkInvalid)?;
        let row = sqlx::query(
            "SELECT i.user_id, i.stage, i.expires_at FROM invitations i JOIN users u ON u.id = i.user_id \
             WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2 AND u.status = 'invited'",
        )
        .bind(hash.as_str())
        .bind(self.now())
        .fetch_optional(&self.store.pool)
        .await?
        .ok_or(AuthError::LinkInvalid)?;
        Ok(Invitation {
            hash,
            user_id: row.try_get("user_id")?,
            stage: row.try_get("stage")?,
            expires_at: row.try_get("expires_at")?,
        })
    }

    /// Marks an invitation used, once: a second call fails.
    pub async fn use_invitation(&self, presented: &str) -> Result<(), AuthError> {
        let hash = TokenHash::of_presented(presented).ok_or(AuthError::LinkInvalid)?;
        let mut conn = self.store.pool.acquire().await?;
        if mark_used(&mut conn, &hash, self.now()).await? {
            Ok(())
        } else {
            Err(AuthError::LinkInvalid)
        }
    }
}

/// Uses up an open, unexpired invitation inside the caller's transaction. False when it was
/// already used (or has expired): each invitation is used once.
pub(crate) async fn mark_used(
    conn: &mut AnyConnection,
    hash: &TokenHash,
    now: i64,
) -> Result<bool, AuthError> {
    let done = sqlx::query(
        "UPDATE invitations SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(hash.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
