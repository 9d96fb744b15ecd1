//! The onboarding stepper as a server-side state machine on the invitation:
//! `email → password → code → trust → done`. Each step checks the stored stage first and moves it
//! forward with a conditional update, so no step can be skipped or replayed, whatever the client sends.

use crate::account::{User, UserStatus};
use crate::audit::{self, Event, Outcome};
use crate::email_code::{self, CodeFlow};
use crate::error::AuthError;
use crate::invitation::mark_used;
use crate::password::check_policy;
use crate::secret::{Password, TokenHash};
use crate::session::Stage;
use crate::signin::StepResult;
use crate::{Auth, RequestMeta};
use pforte_shared::Msg;
use pforte_shared::identifier::normalize_email;
use sqlx::AnyConnection;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Email,
    Password,
    Code,
    Trust,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Email => "email",
            Step::Password => "password",
            Step::Code => "code",
            Step::Trust => "trust",
        }
    }

    fn parse(s: &str) -> Step {
        match s {
            "password" => Step::Password,
            "code" => Step::Code,
            "trust" => Step::Trust,
            _ => Step::Email,
        }
    }
}

/// What the stepper page renders.
#[derive(Clone, Debug)]
pub struct OnboardingState {
    pub step: Step,
    pub user_id: i64,
    /// Seconds until "Send new code" works again (step `Code` only).
    pub code_cooldown: i64,
}

impl Auth {
    /// The current step of an open invitation.
    pub async fn onboarding_state(&self, token: &str) -> Result<OnboardingState, AuthError> {
        let invitation = self.invitation(token).await?;
        let step = Step::parse(&invitation.stage);
        let code_cooldown = if step == Step::Code {
            self.code_cooldown(&CodeFlow::onboarding(&invitation.hash))
                .await?
        } else {
            0
        };
        Ok(OnboardingState {
            step,
            user_id: invitation.user_id,
            code_cooldown,
        })
    }

    /// Loads the invitation's user after checking that the invitation stands at `step`; returns
    /// the user and the invitation's hash.
    async fn at_step(&self, token: &str, step: Step) -> Result<(User, TokenHash), AuthError> {
        let invitation = self.invitation(token).await?;
        if Step::parse(&invitation.stage) != step {
            return Err(AuthError::StepOutOfOrder);
        }
        Ok((self.user_by_id(invitation.user_id).await?, invitation.hash))
    }

    /// Moves the invitation from `from` to `to`, only if it still stands at `from`.
    async fn advance(
        &self,
        conn: &mut AnyConnection,
        hash: &TokenHash,
        from: Step,
        to: Step,
    ) -> Result<(), AuthError> {
        let done = sqlx::query(
            "UPDATE invitations SET stage = $1 WHERE token_hash = $2 AND stage = $3 AND used_at IS NULL",
        )
        .bind(to.as_str())
        .bind(hash.as_str())
        .bind(from.as_str())
        .execute(conn)
        .await?;
        if done.rows_affected() == 1 {
            Ok(())
        } else {
            Err(AuthError::StepOutOfOrder)
        }
    }

    async fn advance_alone(&self, hash: &TokenHash, from: Step, to: Step) -> Result<(), AuthError> {
        let mut conn = self.store.pool.acquire().await?;
        self.advance(&mut conn, hash, from, to).await
    }

    /// Step 1: the email must be the invited one.
    pub async fn submit_invited_email(
        &self,
        token: &str,
        email: &str,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let (user, invitation) = self.at_step(token, Step::Email).await?;
        let matches = normalize_email(email).is_ok_and(|e| e == user.email);
        if !matches {
            audit::record(
                self,
                Event {
                    outcome: Outcome::Failure,
                    ..Event::for_user(&user, "onboarding_email")
                },
                meta,
            )
            .await?;
            return Err(AuthError::invalid("email", Msg::InvitedEmailMismatch));
        }
        self.advance_alone(&invitation, Step::Email, Step::Password)
            .await
    }

    /// Step 2: the password (checked by the policy); then a code is emailed.
    pub async fn set_onboarding_password(
        &self,
        token: &str,
        password: Password,
        repeat: Password,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let (user, invitation) = self.at_step(token, Step::Password).await?;
        check_policy(&password, &self.password_context(&user).await?)?;
        if password.expose() != repeat.expose() {
            return Err(AuthError::invalid("password_repeat", Msg::PasswordsDiffer));
        }
        let hash = self.hasher.hash(password).await?;
        let now = self.now();
        let mut tx = self.store.pool.begin().await?;
        self.advance(&mut tx, &invitation, Step::Password, Step::Code)
            .await?;
        sqlx::query(
            "UPDATE users SET password_hash = $1, password_set_at = $2, updated_at = $2 \
             WHERE id = $3 AND status = 'invited'",
        )
        .bind(&hash)
        .bind(now)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
        email_code::issue(
            &mut tx,
            self.clock.as_ref(),
            &CodeFlow::onboarding(&invitation),
            &user,
        )
        .await?;
        tx.commit().await?;
        audit::record(self, Event::for_user(&user, "password_created"), meta).await?;
        audit::record(self, Event::for_user(&user, "code_sent"), meta).await
    }

    /// "Send new code" on step 3 (60 s cooldown; the failure count stays).
    pub async fn resend_onboarding_code(
        &self,
        token: &str,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let (user, invitation) = self.at_step(token, Step::Code).await?;
        self.count_ip(crate::throttle::Scope::IpMail, meta).await?;
        self.send_email_code(&CodeFlow::onboarding(&invitation), &user)
            .await?;
        audit::record(self, Event::for_user(&user, "code_sent"), meta).await
    }

    /// Step 3: the emailed code. Five wrong codes send the invitation back to step 1.
    pub async fn confirm_onboarding_code(
        &self,
        token: &str,
        code: &str,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let (user, invitation) = self.at_step(token, Step::Code).await?;
        let flow = CodeFlow::onboarding(&invitation);
        match self.check_email_code(&flow, code, &user, "", meta).await {
            Ok(()) => {
                self.advance_alone(&invitation, Step::Code, Step::Trust)
                    .await?;
                audit::record(self, Event::for_user(&user, "code_confirmed"), meta).await
            }
            Err(error) => {
                if matches!(error, AuthError::CodeAttemptsExhausted) {
                    let mut tx = self.store.pool.begin().await?;
                    sqlx::query("DELETE FROM email_codes WHERE session_hash = $1")
                        .bind(flow.key())
                        .execute(&mut *tx)
                        .await?;
                    self.advance(&mut tx, &invitation, Step::Code, Step::Email)
                        .await?;
                    tx.commit().await?;
                }
                Err(error)
            }
        }
    }

    /// Step 4: trust this device or not. The user becomes active, the invitation is used up, and a
    /// signed-in session starts.
    pub async fn finish_onboarding(
        &self,
        token: &str,
        trust: bool,
        meta: &RequestMeta,
    ) -> Result<StepResult, AuthError> {
        let (user, invitation) = self.at_step(token, Step::Trust).await?;
        let now = self.now();
        let mut tx = self.store.pool.begin().await?;
        if !mark_used(&mut tx, &invitation, now).await? {
            return Err(AuthError::StepOutOfOrder);
        }
        sqlx::query("UPDATE users SET status = 'active', updated_at = $1 WHERE id = $2 AND status = 'invited'")
            .bind(now)
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        let device = self.trust_device_if(&mut tx, &user, trust, meta).await?;
        let session = self
            .insert_session(&mut tx, user.id, Stage::Complete, meta)
            .await?;
        tx.commit().await?;
        let user = User {
            status: UserStatus::Active,
            ..user
        };
        audit::record(self, Event::for_user(&user, "invitation_used"), meta).await?;
        if device.is_some() {
            audit::record(self, Event::for_user(&user, "device_trusted"), meta).await?;
        }
        Ok(StepResult {
            token: session,
            stage: Stage::Complete,
            user_id: user.id,
            device,
        })
    }
}
