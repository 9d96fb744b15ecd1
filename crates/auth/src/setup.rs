//! First run: while no account exists, `pforte serve` prints a one-time setup link that creates the
//! first account and its owner (who then onboards like any invited user).

use crate::account::{Account, NewUser, User};
use crate::error::AuthError;
use crate::secret::Token;
use crate::{Auth, RequestMeta};
use pforte_shared::types::Role;

impl Auth {
    /// A new setup token, replacing unused older ones. `None` when an account already exists.
    pub async fn create_setup_token(&self) -> Result<Option<Token>, AuthError> {
        if self.count_accounts().await? > 0 {
            return Ok(None);
        }
        let token = Token::generate();
        let mut tx = self.store.pool.begin().await?;
        sqlx::query("DELETE FROM setup_tokens WHERE used_at IS NULL")
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)")
            .bind(token.hash().as_str())
            .bind(self.now())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(token))
    }

    /// Whether a setup link still works: unused, and still no account.
    pub async fn setup_token_valid(&self, presented: &str) -> Result<bool, AuthError> {
        let Some(token) = Token::from_presented(presented) else {
            return Ok(false);
        };
        let row = sqlx::query(
            "SELECT token_hash FROM setup_tokens WHERE token_hash = $1 AND used_at IS NULL",
        )
        .bind(token.hash().as_str())
        .fetch_optional(&self.store.pool)
        .await?;
        Ok(row.is_some() && self.count_accounts().await? == 0)
    }

    /// Uses the setup link (once) to create the first account; the owner is invited by mail.
    pub async fn complete_setup(
        &self,
        presented: &str,
        company: &str,
        owner_name: &str,
        owner_email: &str,
        meta: &RequestMeta,
    ) -> Result<(Account, User), AuthError> {
        if !self.setup_token_valid(presented).await? {
            return Err(AuthError::LinkInvalid);
        }
        let token = Token::from_presented(presented).ok_or(AuthError::LinkInvalid)?;
        // Claim the link first, so two submissions cannot both create an account.
        let claimed = sqlx::query(
            "UPDATE setup_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
        )
        .bind(self.now())
        .bind(token.hash().as_str())
        .execute(&self.store.pool)
        .await?;
        if claimed.rows_affected() != 1 {
            return Err(AuthError::LinkInvalid);
        }
        let created = self
            .create_account(
                company,
                None,
                NewUser {
                    email: owner_email.to_owned(),
                    display_name: owner_name.to_owned(),
                    role: Role::Admin,
                    google_email: None,
                    password: None,
                },
                meta,
            )
            .await;
        if created.is_err() {
            // Bad input changes nothing: the link works again.
            sqlx::query("UPDATE setup_tokens SET used_at = NULL WHERE token_hash = $1")
                .bind(token.hash().as_str())
                .execute(&self.store.pool)
                .await?;
        }
        created
    }
}
