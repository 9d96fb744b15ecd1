//! The sign-in state machine (SPEC §2.1). A correct password moves a browser to the next [`Stage`];
//! every later step checks the stored stage first and moves it on under a new session token.
//!
//! ```text
//! password ──trusted device──────────────────────────────▶ Complete
//!     └──────▶ AwaitingEmailCode ──code──▶ AwaitingTrustDecision ──Yes/No──▶ Complete
//! ```

use crate::account::{User, UserStatus};
use crate::audit::{self, Event, Outcome};
use crate::email_code::{self, CodeFlow};
use crate::error::AuthError;
use crate::secret::{Password, Token};
use crate::session::{Session, Stage};
use crate::throttle::{Scope, user_key};
use crate::{Auth, RequestMeta};
use pforte_shared::identifier::{Identifier, MAX_EMAIL_LEN};

/// The result of a successful step: a fresh session token and where the sign-in stands now.
#[derive(Debug)]
pub struct StepResult {
    pub token: Token,
    pub stage: Stage,
    pub user_id: i64,
    /// A new trusted-device token, when the user answered "Yes".
    pub device: Option<Token>,
}

/// Which step follows a correct password for this user on this browser.
/// (TOTP joins this decision when it lands.)
pub fn stage_after_password(_user: &User, trusted_device: bool) -> Stage {
    if trusted_device {
        Stage::Complete
    } else {
        Stage::AwaitingEmailCode
    }
}

/// Where the sign-in of a browser stands, for the second-step pages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingState {
    pub stage: Stage,
    /// Seconds until "Send new code" works again.
    pub code_cooldown: i64,
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

    /// First step: identifier and password. Every failure — unknown identifier, wrong password,
    /// inactive or throttled user — is [`AuthError::InvalidCredentials`] after one argon2
    /// verification. Too many failures from one IP address are `RateLimited` (429).
    ///
    /// The attempt is claimed from the user's throttle before the password is checked; a valid
    /// trusted-device cookie (`device`) of that user claims from the device's own counter instead,
    /// so that nobody can lock a user out of their trusted browsers. The previous session of this
    /// browser (if any) ends.
    pub async fn submit_password(
        &self,
        identifier: &str,
        password: Password,
        previous_session: Option<&str>,
        device: Option<&str>,
        meta: &RequestMeta,
    ) -> Result<StepResult, AuthError> {
        self.count_ip(Scope::IpSignIn, meta).await?;
        let user = self.find_by_identifier(identifier).await?;
        let trusted = match &user {
            Some(u) => self.trusted_device(device, u.id).await?,
            None => None,
        };
        let counter = user.as_ref().map(|u| match &trusted {
            Some(hash) => (Scope::Device, hash.as_str().to_owned()),
            None => (Scope::User, user_key(u.id)),
        });
        let allowed = match &counter {
            Some((scope, key)) => self.claim_attempt(*scope, key).await?,
            None => true,
        };
        // A throttled attempt is not evaluated, but costs the same dummy verification.
        let stored = user
            .as_ref()
            .filter(|_| allowed)
            .and_then(|u| u.password_hash.clone());
        let password_ok = self.hasher.verify(password, stored).await?;
        let user = match user {
            Some(u) if password_ok && u.status == UserStatus::Active => u,
            other => {
                let reason = match &other {
                    None => "unknown identifier",
                    Some(_) if !allowed => "throttled",
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
        if let Some((scope, key)) = &counter {
            self.clear_failures(*scope, key).await?;
        }
        self.uncount_ip(Scope::IpSignIn, meta).await?;
        if let Some(previous) = previous_session {
            self.end_session(previous).await?;
        }
        let stage = stage_after_password(&user, trusted.is_some());
        let mut tx = self.store.pool.begin().await?;
        let token = self.insert_session(&mut tx, user.id, stage, meta).await?;
        if stage == Stage::AwaitingEmailCode {
            let flow = CodeFlow::sign_in(&token.hash());
            email_code::issue(&mut tx, self.clock.as_ref(), &flow, &user).await?;
        }
        tx.commit().await?;
        audit::record(
            self,
            Event {
                detail: format!("next={}", stage.as_str()),
                ..Event::for_user(&user, "sign_in_password")
            },
            meta,
        )
        .await?;
        if let Some(hash) = &trusted {
            self.touch_device(hash).await?;
            self.record_signed_in(&user, "trusted device", meta).await?;
        } else if stage == Stage::AwaitingEmailCode {
            audit::record(self, Event::for_user(&user, "code_sent"), meta).await?;
        }
        Ok(StepResult {
            token,
            stage,
            user_id: user.id,
            device: None,
        })
    }

    async fn record_signed_in(
        &self,
        user: &User,
        how: &str,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        audit::record(
            self,
            Event {
                detail: how.to_owned(),
                ..Event::for_user(user, "signed_in")
            },
            meta,
        )
        .await
    }

    /// The sign-in in progress in this browser, if it stands at `stage`: the session and the user.
    /// No pending sign-in is `SignInEnded`; another stage `StepOutOfOrder`.
    async fn pending(
        &self,
        presented: Option<&str>,
        stage: Stage,
    ) -> Result<(Session, User), AuthError> {
        let presented = presented.ok_or(AuthError::SignInEnded)?;
        let session = self
            .session(presented)
            .await?
            .ok_or(AuthError::SignInEnded)?;
        if session.stage == Stage::Complete {
            return Err(AuthError::SignInEnded);
        }
        if session.stage != stage {
            return Err(AuthError::StepOutOfOrder);
        }
        let user = self.user_by_id(session.user_id).await?;
        if user.status != UserStatus::Active {
            self.end_session(presented).await?;
            return Err(AuthError::SignInEnded);
        }
        Ok((session, user))
    }

    /// Where this browser's sign-in stands (`None`: nothing pending).
    pub async fn pending_state(
        &self,
        presented: Option<&str>,
    ) -> Result<Option<PendingState>, AuthError> {
        let Some(presented) = presented else {
            return Ok(None);
        };
        let Some(session) = self.session(presented).await? else {
            return Ok(None);
        };
        if session.stage == Stage::Complete {
            return Ok(None);
        }
        let code_cooldown = if session.stage == Stage::AwaitingEmailCode {
            self.code_cooldown(&CodeFlow::sign_in(&session.hash))
                .await?
        } else {
            0
        };
        Ok(Some(PendingState {
            stage: session.stage,
            code_cooldown,
        }))
    }

    /// Second step on a new device: the emailed code. A right code moves on to the trust
    /// question under a new token; the fifth wrong code ends the sign-in.
    pub async fn confirm_sign_in_code(
        &self,
        presented: Option<&str>,
        code: &str,
        meta: &RequestMeta,
    ) -> Result<StepResult, AuthError> {
        let (session, user) = self.pending(presented, Stage::AwaitingEmailCode).await?;
        let flow = CodeFlow::sign_in(&session.hash);
        if let Err(error) = self
            .check_email_code(&flow, code, &user, "sign-in", meta)
            .await
        {
            if matches!(error, AuthError::CodeAttemptsExhausted) {
                // The sign-in ends. The used-up code stays until it expires, so that tries still
                // in flight are answered "exhausted" rather than compared.
                if let Some(presented) = presented {
                    self.end_session(presented).await?;
                }
            }
            return Err(error);
        }
        let mut tx = self.store.pool.begin().await?;
        let token = self
            .replace_session(
                &mut tx,
                &session.hash,
                Stage::AwaitingEmailCode,
                Stage::AwaitingTrustDecision,
                user.id,
                meta,
            )
            .await?;
        tx.commit().await?;
        audit::record(self, Event::for_user(&user, "code_confirmed"), meta).await?;
        Ok(StepResult {
            token,
            stage: Stage::AwaitingTrustDecision,
            user_id: user.id,
            device: None,
        })
    }

    /// "Send new code" on `/login/code`: replaces the code (60 s cooldown, the count of wrong
    /// tries stays). Counts towards the per-IP limit for mail.
    pub async fn resend_sign_in_code(
        &self,
        presented: Option<&str>,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let (session, user) = self.pending(presented, Stage::AwaitingEmailCode).await?;
        self.count_ip(Scope::IpMail, meta).await?;
        self.send_email_code(&CodeFlow::sign_in(&session.hash), &user)
            .await?;
        audit::record(self, Event::for_user(&user, "code_sent"), meta).await
    }

    /// Last step on a new device: "Yes" trusts it (and mails the user), "No" does not; either
    /// way the user is signed in under a new token.
    pub async fn decide_sign_in_trust(
        &self,
        presented: Option<&str>,
        trust: bool,
        meta: &RequestMeta,
    ) -> Result<StepResult, AuthError> {
        let (session, user) = self
            .pending(presented, Stage::AwaitingTrustDecision)
            .await?;
        let mut tx = self.store.pool.begin().await?;
        let token = self
            .replace_session(
                &mut tx,
                &session.hash,
                Stage::AwaitingTrustDecision,
                Stage::Complete,
                user.id,
                meta,
            )
            .await?;
        let device = self.trust_device_if(&mut tx, &user, trust, meta).await?;
        tx.commit().await?;
        self.record_signed_in(&user, "email code", meta).await?;
        if device.is_some() {
            audit::record(self, Event::for_user(&user, "device_trusted"), meta).await?;
        }
        Ok(StepResult {
            token,
            stage: Stage::Complete,
            user_id: user.id,
            device,
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
