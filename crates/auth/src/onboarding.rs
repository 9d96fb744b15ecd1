//! The onboarding stepper as a server-side state machine on the invitation:
//! `email → password → code → trust → done`. Each step checks the stored stage first and moves it
//! forward with a conditional update, so no step can be skipped or replayed, whatever the client
//! sends.

use crate::account::{self, User, UserStatus, forget_unfinished_password};
use crate::audit::{Event, EventKind};
use crate::device;
use crate::email_code::{self, CodeFlow, Verdict};
use crate::error::AuthError;
use crate::invitation::mark_used;
use crate::password::check_policy;
use crate::secret::{Password, TokenHash};
use crate::session::{self, Stage};
use crate::signin::StepResult;
use crate::stored::stored_enum;
use crate::throttle::{self, INVITATION_BLOCK_AFTER, Scope, user_key};
use crate::tx::Tx;
use crate::{Auth, RequestMeta};
use pforte_shared::Msg;
use pforte_shared::identifier::normalize_email;

stored_enum! {
    pub enum Step {
        Email = "email",
        Password = "password",
        Code = "code",
        Trust = "trust",
    }
}

/// What the stepper page renders.
#[derive(Clone, Debug)]
pub struct OnboardingState {
    pub step: Step,
    pub user_id: i64,
    /// Seconds until "Send new code" works again (step `Code` only).
    pub code_cooldown: i64,
    /// "Sign in with Google" is offered: at the first step, to a user with a Google address,
    /// when Google sign-in is configured.
    pub google: bool,
    /// The invited email at the step `Password` (the person has just entered it).
    pub email: Option<String>,
}

/// Moves the invitation from `from` to `to`, only if it still stands at `from`.
async fn advance(tx: &mut Tx<'_>, hash: &TokenHash, from: Step, to: Step) -> Result<(), AuthError> {
    let done = sqlx::query(
        "UPDATE invitations SET stage = $1 WHERE token_hash = $2 AND stage = $3 AND used_at IS NULL",
    )
    .bind(to.as_str())
    .bind(hash.as_str())
    .bind(from.as_str())
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(AuthError::StepOutOfOrder)
    }
}

impl Auth {
    /// The current step of an open invitation.
    pub async fn onboarding_state(&self, token: &str) -> Result<OnboardingState, AuthError> {
        let invitation = self.invitation(token).await?;
        let code_cooldown = if invitation.step == Step::Code {
            self.code_cooldown(&CodeFlow::onboarding(&invitation.hash))
                .await?
        } else {
            0
        };
        let google = invitation.step == Step::Email
            && self.google_enabled()
            && self.has_google_address(invitation.user_id).await?;
        // Only on the password step, where the form needs it; the person has just entered it.
        let email = if invitation.step == Step::Password {
            Some(self.user_by_id(invitation.user_id).await?.email)
        } else {
            None
        };
        Ok(OnboardingState {
            step: invitation.step,
            user_id: invitation.user_id,
            code_cooldown,
            google,
            email,
        })
    }

    /// Loads the invitation's user after checking that the invitation stands at `step`; returns
    /// the user and the invitation's hash.
    async fn at_step(&self, token: &str, step: Step) -> Result<(User, TokenHash), AuthError> {
        let invitation = self.invitation(token).await?;
        if invitation.step != step {
            return Err(AuthError::StepOutOfOrder);
        }
        Ok((self.user_by_id(invitation.user_id).await?, invitation.hash))
    }

    /// Step 1: the email must be the invited one.
    pub async fn submit_invited_email(
        &self,
        token: &str,
        email: &str,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let (user, invitation) = self.at_step(token, Step::Email).await?;
        let mut tx = self.begin(meta).await?;
        account::lock_user(&mut tx, user.id).await?;
        if !normalize_email(email).is_ok_and(|e| e == user.email) {
            tx.audit(Event::for_user(&user, EventKind::OnboardingEmail).failed())
                .await?;
            tx.commit().await?;
            return Err(AuthError::invalid("email", Msg::InvitedEmailMismatch));
        }
        advance(&mut tx, &invitation, Step::Email, Step::Password).await?;
        tx.commit().await
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
        let mut tx = self.begin(meta).await?;
        account::lock_user(&mut tx, user.id).await?;
        advance(&mut tx, &invitation, Step::Password, Step::Code).await?;
        sqlx::query(
            "UPDATE users SET password_hash = $1, password_set_at = $2, updated_at = $2 \
             WHERE id = $3 AND status = $4",
        )
        .bind(&hash)
        .bind(tx.now())
        .bind(user.id)
        .bind(UserStatus::Invited.as_str())
        .execute(tx.conn())
        .await?;
        tx.audit(Event::for_user(&user, EventKind::PasswordCreated))
            .await?;
        email_code::issue(&mut tx, &CodeFlow::onboarding(&invitation), &user).await?;
        tx.audit(Event::for_user(&user, EventKind::CodeSent))
            .await?;
        tx.commit().await
    }

    /// "Send new code" on step 3 (60 s cooldown; the failure count stays).
    pub async fn resend_onboarding_code(
        &self,
        token: &str,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let (user, invitation) = self.at_step(token, Step::Code).await?;
        let mut tx = self.begin(meta).await?;
        throttle::count_ip(&mut tx, Scope::IpMail).await?;
        email_code::issue(&mut tx, &CodeFlow::onboarding(&invitation), &user).await?;
        tx.audit(Event::for_user(&user, EventKind::CodeSent))
            .await?;
        tx.commit().await
    }

    /// Step 3: the emailed code. Five wrong codes send the invitation back to step 1 and forget
    /// the password of that round; ten wrong codes across rounds use the invitation up.
    pub async fn confirm_onboarding_code(
        &self,
        token: &str,
        code: &str,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let (user, invitation) = self.at_step(token, Step::Code).await?;
        let flow = CodeFlow::onboarding(&invitation);
        let mut tx = self.begin(meta).await?;
        account::lock_user(&mut tx, user.id).await?;
        let key = user_key(user.id);
        match email_code::check(&mut tx, &flow, code, &user, "onboarding").await? {
            Verdict::Right { .. } => {
                throttle::clear(&mut tx, Scope::Onboarding, &key).await?;
                advance(&mut tx, &invitation, Step::Code, Step::Trust).await?;
                tx.audit(Event::for_user(&user, EventKind::CodeConfirmed))
                    .await?;
                tx.commit().await
            }
            Verdict::Wrong { error, compared } => {
                let wrong = if compared {
                    throttle::count_failure(&mut tx, Scope::Onboarding, &key).await?
                } else {
                    0
                };
                if wrong >= INVITATION_BLOCK_AFTER {
                    // Guessing across rounds ends here: the link is used up, and only the admin's
                    // new invitation starts again.
                    email_code::discard(&mut tx, &flow).await?;
                    mark_used(&mut tx, &invitation).await?;
                    forget_unfinished_password(&mut tx, user.id).await?;
                    tx.audit(Event::for_user(&user, EventKind::InvitationBlocked).failed())
                        .await?;
                    tx.commit().await?;
                    return Err(AuthError::LinkInvalid);
                }
                if matches!(error, AuthError::CodeAttemptsExhausted) {
                    // Back to step 1; the password of this round is forgotten too.
                    email_code::discard(&mut tx, &flow).await?;
                    advance(&mut tx, &invitation, Step::Code, Step::Email).await?;
                    forget_unfinished_password(&mut tx, user.id).await?;
                }
                tx.commit().await?;
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
        let mut tx = self.begin(meta).await?;
        account::lock_user(&mut tx, user.id).await?;
        if !mark_used(&mut tx, &invitation).await? {
            return Err(AuthError::StepOutOfOrder);
        }
        sqlx::query("UPDATE users SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4")
            .bind(UserStatus::Active.as_str())
            .bind(tx.now())
            .bind(user.id)
            .bind(UserStatus::Invited.as_str())
            .execute(tx.conn())
            .await?;
        tx.audit(Event::for_user(&user, EventKind::InvitationUsed))
            .await?;
        let mut user = user;
        account::adopt_browser_zone(&mut tx, &mut user).await?;
        let device = device::trust_if(&mut tx, &user, trust).await?;
        let session = session::insert(&mut tx, user.id, Stage::Complete).await?;
        tx.commit().await?;
        Ok(StepResult {
            token: session,
            stage: Stage::Complete,
            user_id: user.id,
            device,
        })
    }
}
