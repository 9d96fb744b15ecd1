//! The sign-in state machine. A correct password moves a browser to the next [`Stage`]; every
//! later step checks the stored stage first. Each move issues a new session token (rotation).

use crate::account::{User, UserStatus};
use crate::audit::{self, Event, Outcome};
use crate::error::AuthError;
use crate::secret::{Password, Token};
use crate::session::Stage;
use crate::{Auth, RequestMeta};
use pforte_shared::identifier::{Identifier, MAX_EMAIL_LEN};

/// The result of a successful step: a fresh session token and where the sign-in stands now.
#[derive(Debug)]
pub struct StepResult {
    pub token: Token,
    pub stage: Stage,
    pub user_id: i64,
}

/// Which step follows a correct password for this user on this browser.
/// (Email codes, trusted devices and TOTP are added to this decision as they land.)
pub fn stage_after_password(_user: &User) -> Stage {
    Stage::Complete
}

impl Auth {
    async fn find_by_identifier(&self, raw: &str) -> Result<Option<User>, AuthError> {
        if raw.len() > MAX_EMAIL_LEN * 4 {
            return Ok(None);
        }
        match Identifier::parse(raw) {
            Ok(Identifier::Email(email)) => self.user_by_email(&email).await,
            Ok(Identifier::CustomerNumber(number)) => self.owner_by_customer_number(&number).await,
            Err(_) => Ok(None),
        }
    }

    /// First step: identifier and password. Any failure is [`AuthError::InvalidCredentials`],
    /// after the same amount of hashing work. The previous session of this browser (if any) ends.
    pub async fn submit_password(
        &self,
        identifier: &str,
        password: Password,
        previous_session: Option<&str>,
        meta: &RequestMeta,
    ) -> Result<StepResult, AuthError> {
        let user = self.find_by_identifier(identifier).await?;
        let stored = user.as_ref().and_then(|u| u.password_hash.clone());
        let password_ok = self.hasher.verify(password, stored).await?;
        let user = match user {
            Some(u) if password_ok && u.status == UserStatus::Active => u,
            other => {
                let reason = match &other {
                    None => "unknown identifier",
                    Some(u) if u.status != UserStatus::Active => "user not active",
                    Some(_) => "wrong password",
                };
                audit::record(
                    self,
                    Event {
                        user_id: other.as_ref().map(|u| u.id),
                        account_id: other.as_ref().map(|u| u.account_id),
                        kind: "sign_in_password",
                        outcome: Outcome::Failure,
                        detail: reason.to_owned(),
                    },
                    meta,
                )
                .await?;
                return Err(AuthError::InvalidCredentials);
            }
        };
        if let Some(previous) = previous_session {
            self.end_session(previous).await?;
        }
        let stage = stage_after_password(&user);
        let token = self.start_session(user.id, stage, meta).await?;
        audit::record(
            self,
            Event {
                user_id: Some(user.id),
                account_id: Some(user.account_id),
                kind: "sign_in_password",
                outcome: Outcome::Success,
                detail: format!("next={}", stage.as_str()),
            },
            meta,
        )
        .await?;
        Ok(StepResult {
            token,
            stage,
            user_id: user.id,
        })
    }

    /// Ends the browser's session and records it.
    pub async fn log_out(&self, presented: &str, meta: &RequestMeta) -> Result<(), AuthError> {
        if let Some(session) = self.session(presented).await? {
            self.end_session(presented).await?;
            audit::record(
                self,
                Event {
                    user_id: Some(session.user_id),
                    account_id: None,
                    kind: "log_out",
                    outcome: Outcome::Success,
                    detail: String::new(),
                },
                meta,
            )
            .await?;
        }
        Ok(())
    }
}
