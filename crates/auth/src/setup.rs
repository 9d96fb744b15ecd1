//! First run: while no account exists, `pforte serve` prints a one-time setup link that creates the
//! first account and its owner (who then onboards like any invited user).
//!
//! There is at most one link (one row, slot 1), valid for 24 hours. A new link replaces the old
//! one, so of several instances that start together only the last link works; using it, or
//! creating any account by other means, deletes it. Creating the link, using it and every account
//! creation are serialised ([`crate::account::lock_accounts`]), so concurrent first-account
//! creations make exactly one account.

use crate::account::{self, Account, NewUser, User};
use crate::error::AuthError;
use crate::secret::{Token, TokenHash};
use crate::tx::Tx;
use crate::{Auth, RequestMeta};
use pforte_shared::Lang;
use pforte_shared::types::Role;

/// How long a setup link works.
pub const SETUP_LINK_SECS: i64 = 24 * 60 * 60;

/// Deletes the setup link (an account now exists). Call with the accounts locked.
pub(crate) async fn end_setup_link(tx: &mut Tx<'_>) -> Result<(), AuthError> {
    sqlx::query("DELETE FROM setup_link")
        .execute(tx.conn())
        .await?;
    Ok(())
}

impl Auth {
    /// A new setup link, replacing an older one. `None` when an account already exists.
    pub async fn create_setup_token(&self) -> Result<Option<Token>, AuthError> {
        let meta = RequestMeta::default();
        let mut tx = self.begin(&meta).await?;
        account::lock_accounts(&mut tx).await?;
        if account::any_account(&mut tx).await? {
            return Ok(None);
        }
        let token = Token::generate();
        sqlx::query(
            "INSERT INTO setup_link (slot, token_hash, created_at, expires_at) VALUES (1, $1, $2, $3) \
             ON CONFLICT (slot) DO UPDATE SET token_hash = $1, created_at = $2, expires_at = $3",
        )
        .bind(token.hash().as_str())
        .bind(tx.now())
        .bind(tx.now() + SETUP_LINK_SECS)
        .execute(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(Some(token))
    }

    /// Whether a setup link still works: the current one, unexpired (and so still no account).
    pub async fn setup_token_valid(&self, presented: &str) -> Result<bool, AuthError> {
        let Some(hash) = TokenHash::of_presented(presented) else {
            return Ok(false);
        };
        let row =
            sqlx::query("SELECT slot FROM setup_link WHERE token_hash = $1 AND expires_at > $2")
                .bind(hash.as_str())
                .bind(self.now())
                .fetch_optional(&self.store.pool)
                .await?;
        Ok(row.is_some())
    }

    /// Uses the setup link (once) to create the first account; the owner is invited by mail.
    /// One unit of work: bad input changes nothing, and the link works again.
    pub async fn complete_setup(
        &self,
        presented: &str,
        company: &str,
        owner_name: &str,
        owner_email: &str,
        lang: Lang,
        meta: &RequestMeta,
    ) -> Result<(Account, User), AuthError> {
        let hash = TokenHash::of_presented(presented).ok_or(AuthError::LinkInvalid)?;
        let mut tx = self.begin(meta).await?;
        account::lock_accounts(&mut tx).await?;
        let claimed =
            sqlx::query("DELETE FROM setup_link WHERE token_hash = $1 AND expires_at > $2")
                .bind(hash.as_str())
                .bind(tx.now())
                .execute(tx.conn())
                .await?;
        if claimed.rows_affected() != 1 || account::any_account(&mut tx).await? {
            return Err(AuthError::LinkInvalid);
        }
        let created = account::create_account_in(
            &mut tx,
            company,
            None,
            NewUser {
                email: owner_email.to_owned(),
                display_name: owner_name.to_owned(),
                role: Role::Admin,
                google_email: None,
                password: None,
                lang,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(created)
    }
}
