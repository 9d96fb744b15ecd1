//! The sign-in state machine. A correct password moves a browser to the next [`Stage`]; every
//! later step checks the stored stage first and moves it on under a new session token.
//!
//! ```text
//! password ──trusted device──────────────────────────────▶ Complete
//!     └──────▶ AwaitingEmailCode ──code──▶ AwaitingTrustDecision ──Yes/No──▶ Complete
//! ```

use crate::account::{self, User, UserStatus};
use crate::audit::{Event, EventKind};
use crate::device;
use crate::email_code::{self, CodeFlow, Verdict, code_lock_mail};
use crate::error::AuthError;
use crate::secret::{Password, Token, TokenHash};
use crate::session::{self, Session, Stage};
use crate::throttle::{
    self, CODE_LOCK_AFTER, CODE_LOCK_SECS, HARD_STOP, Scope, unknown_key, user_key,
};
use crate::two_factor;
use crate::tx::Tx;
use crate::user_agent::browser_label;
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

/// Which step follows a correct password for this user on this browser: the authenticator app's
/// code for a user with two-factor authentication (a trusted device skips only the email code,
/// never the app code); otherwise none when `skips_code` (the browser is a trusted device of the
/// user and the user is not at the hard stop), else the email code.
pub fn stage_after_password(user: &User, skips_code: bool) -> Stage {
    if user.two_factor {
        Stage::AwaitingTotp
    } else if skips_code {
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
    /// Seconds until codes are sent and checked again after too many wrong ones (0: now).
    pub code_locked: i64,
}

impl Auth {
    /// The user an identifier names, and the identifier as normalised (for the counter of an
    /// identifier that names nobody).
    pub(crate) async fn find_by_identifier(
        &self,
        raw: &str,
    ) -> Result<(Option<User>, String), AuthError> {
        if raw.len() > MAX_EMAIL_LEN * 4 {
            return Ok((None, String::new()));
        }
        Ok(match Identifier::parse(raw) {
            Ok(Identifier::Email(email)) => (self.user_by_email(&email).await?, email),
            Ok(Identifier::CustomerNumber(number)) => {
                (self.owner_by_customer_number(&number).await?, number)
            }
            Err(_) => (None, raw.trim().to_lowercase()),
        })
    }

    /// First step: identifier and password. Every failure — unknown identifier, wrong password,
    /// inactive or throttled user — is [`AuthError::InvalidCredentials`] after one argon2
    /// verification. Too many failures from one IP address are `RateLimited` (429).
    ///
    /// Two units of work at one clock reading: the first counts the request against the IP and
    /// claims the attempt from a counter — the user's; with a valid trusted-device cookie of that
    /// user (`device`), the device's own, so that nobody can slow a user down on their trusted
    /// browsers; for an identifier that names nobody, one of its own, so that both cost the same
    /// statements — and commits before the password is checked. The second records the outcome,
    /// and starts the session only if the password and the trusted device are still those the
    /// check saw. The previous session of this browser (if any) ends on success.
    ///
    /// At the [hard stop](HARD_STOP) a right password always leads to the email code, even on a
    /// trusted device, and the count stays until the right code.
    pub async fn submit_password(
        &self,
        identifier: &str,
        password: Password,
        previous_session: Option<&str>,
        device: Option<&str>,
        meta: &RequestMeta,
    ) -> Result<StepResult, AuthError> {
        let (user, normalised) = self.find_by_identifier(identifier).await?;
        let trusted = match &user {
            Some(u) => self.trusted_device(device, u.id).await?,
            None => None,
        };
        let own = match &user {
            Some(u) => (Scope::User, user_key(u.id)),
            None => (Scope::Unknown, unknown_key(&normalised)),
        };
        // A place in the hashing queue before anything is written: when the queue is full,
        // nothing is counted or changed. (Taken after the reads, so that it is held only while
        // the attempt is claimed and checked.)
        let admitted = self.hasher.admit()?;
        let mut claim = self.begin(meta).await?;
        let now = claim.now();
        throttle::count_ip(&mut claim, Scope::IpSignIn).await?;
        // A device that reached the hard stop itself (someone guessing with its cookie) is
        // trusted no more: its attempts count for the user again.
        let trusted = match trusted {
            Some(hash)
                if throttle::failures_in(claim.conn(), Scope::Device, hash.as_str()).await?
                    < HARD_STOP =>
            {
                Some(hash)
            }
            _ => None,
        };
        let counter = match &trusted {
            Some(hash) => (Scope::Device, hash.as_str().to_owned()),
            None => own.clone(),
        };
        let hard_stopped = throttle::failures_in(claim.conn(), own.0, &own.1).await? >= HARD_STOP;
        let allowed = throttle::claim(&mut claim, counter.0, &counter.1).await?;
        claim.commit().await?;
        // A throttled attempt is not evaluated, but costs the same dummy verification.
        let stored = user
            .as_ref()
            .filter(|_| allowed)
            .and_then(|u| u.password_hash.clone());
        let password_ok = admitted.verify(password, stored.clone()).await?;
        let mut tx = self.begin_at(now, meta).await?;
        // The password checked is still the user's, and the user still active: a password
        // changed (or a user deactivated) meanwhile does not let this sign-in through.
        let still_valid = match (&user, &stored) {
            (Some(u), Some(hash)) if password_ok => {
                account::still_signs_in(&mut tx, u.id, hash).await?
            }
            _ => false,
        };
        let user = match user {
            Some(u) if still_valid => u,
            other => {
                let reason = match &other {
                    None => "unknown identifier",
                    Some(_) if !allowed => "throttled",
                    Some(u) if u.status != UserStatus::Active => "user not active",
                    Some(_) if password_ok => "user changed during sign-in",
                    Some(_) => "wrong password",
                };
                let event = match &other {
                    Some(u) => Event::for_user(u, EventKind::SignInPassword),
                    None => Event::anonymous(EventKind::SignInPassword),
                };
                tx.audit(event.failed().detail(reason)).await?;
                tx.commit().await?;
                return Err(AuthError::InvalidCredentials);
            }
        };
        // At the hard stop the user's count stays until the right code.
        if !(hard_stopped && counter.0 == Scope::User) {
            throttle::clear(&mut tx, counter.0, &counter.1).await?;
        }
        throttle::uncount_ip(&mut tx, Scope::IpSignIn).await?;
        if let Some(previous) = previous_session.and_then(TokenHash::of_presented) {
            session::delete(&mut tx, &previous).await?;
        }
        // A trusted device skips the code only while it is still trusted (not removed meanwhile)
        // and the user is not at the hard stop.
        let skips_code = match &trusted {
            Some(hash) if !hard_stopped => device::touch(&mut tx, hash, user.id).await?,
            _ => false,
        };
        // The stage follows the user as stored now (the row is locked since `still_signs_in`):
        // two-factor turned on while the password was checked is asked for.
        let mut user = account::locked_user(&mut tx, user.id).await?;
        let stage = stage_after_password(&user, skips_code);
        if stage == Stage::Complete {
            account::adopt_browser_zone(&mut tx, &mut user).await?;
        }
        let token = session::insert(&mut tx, user.id, stage).await?;
        let detail = if hard_stopped {
            format!("next={} hard stop", stage.as_str())
        } else {
            format!("next={}", stage.as_str())
        };
        tx.audit(Event::for_user(&user, EventKind::SignInPassword).detail(detail))
            .await?;
        if stage == Stage::Complete {
            tx.audit(Event::for_user(&user, EventKind::SignedIn).detail("trusted device"))
                .await?;
        } else if stage == Stage::AwaitingEmailCode {
            // After too many wrong codes no code is sent: the code page says how long to wait.
            if throttle::code_lock_left(tx.conn(), user.id, now).await? == 0 {
                email_code::issue(&mut tx, &CodeFlow::sign_in(&token.hash()), &user).await?;
                tx.audit(Event::for_user(&user, EventKind::CodeSent))
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(StepResult {
            token,
            stage,
            user_id: user.id,
            device: None,
        })
    }

    /// The sign-in in progress in this browser, if it stands at `stage`: the session and the user.
    /// No pending sign-in (or one whose user is no longer active) is `SignInEnded`; another
    /// stage `StepOutOfOrder`.
    async fn pending(
        &self,
        presented: Option<&str>,
        stage: Stage,
    ) -> Result<(Session, User), AuthError> {
        let presented = presented.ok_or(AuthError::SignInEnded)?;
        let (session, user) = self
            .session_and_user(presented)
            .await?
            .ok_or(AuthError::SignInEnded)?;
        if session.stage == Stage::Complete {
            return Err(AuthError::SignInEnded);
        }
        if session.stage != stage {
            return Err(AuthError::StepOutOfOrder);
        }
        match user {
            Some((user, _)) if user.status == UserStatus::Active => Ok((session, user)),
            _ => Err(AuthError::SignInEnded),
        }
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
        let (code_cooldown, code_locked) = match session.stage {
            Stage::AwaitingEmailCode => (
                self.code_cooldown(&CodeFlow::sign_in(&session.hash))
                    .await?,
                throttle::code_lock_left(&self.store.pool, session.user_id, self.now()).await?,
            ),
            Stage::AwaitingTotp => (
                0,
                throttle::lock_left(
                    &self.store.pool,
                    Scope::AppCode,
                    session.user_id,
                    self.now(),
                )
                .await?,
            ),
            _ => (0, 0),
        };
        Ok(Some(PendingState {
            stage: session.stage,
            code_cooldown,
            code_locked,
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
        let mut tx = self.begin(meta).await?;
        // Every code counts against the IP like a failed sign-in until it turns out right.
        throttle::count_ip(&mut tx, Scope::IpSignIn).await?;
        // One code check per user at a time, so that parallel guesses (from several pending
        // sign-ins) cannot all pass the pause check before any of them is counted.
        if !email_code_still_asked(&mut tx, &session, user.id).await? {
            tx.commit().await?;
            return Err(AuthError::SignInEnded);
        }
        check_code_lock(&mut tx, user.id).await?;
        let flow = CodeFlow::sign_in(&session.hash);
        let key = user_key(user.id);
        match email_code::check(&mut tx, &flow, code, &user, "sign-in").await? {
            Verdict::Right { .. } => {
                // Password and code were right: wrong codes and a hard stop end here.
                throttle::clear(&mut tx, Scope::Code, &key).await?;
                throttle::clear(&mut tx, Scope::User, &key).await?;
                throttle::uncount_ip(&mut tx, Scope::IpSignIn).await?;
                let token = session::replace(
                    &mut tx,
                    &session.hash,
                    Stage::AwaitingEmailCode,
                    Stage::AwaitingTrustDecision,
                    user.id,
                )
                .await?;
                tx.audit(Event::for_user(&user, EventKind::CodeConfirmed))
                    .await?;
                tx.commit().await?;
                Ok(StepResult {
                    token,
                    stage: Stage::AwaitingTrustDecision,
                    user_id: user.id,
                    device: None,
                })
            }
            Verdict::Wrong { error, compared } => {
                if matches!(error, AuthError::CodeAttemptsExhausted) {
                    // The sign-in ends. The used-up code stays until it expires, so that tries
                    // still in flight are answered "exhausted" rather than compared.
                    session::delete(&mut tx, &session.hash).await?;
                }
                let error = if compared {
                    wrong_code_in_a_row(&mut tx, &user).await?.unwrap_or(error)
                } else {
                    error
                };
                tx.commit().await?;
                Err(error)
            }
        }
    }

    /// Second step with two-factor authentication, on `/login/totp`: the authenticator app's code,
    /// or (`recovery`) a recovery code, which is used up and reported by mail. A right code signs
    /// in under a new token (there is no trust question: a trusted device would skip nothing);
    /// it also ends the hard stop. Wrong codes count per user across sign-ins (pausing app codes
    /// after 10 in a row) and per sign-in: the fifth ends it.
    pub async fn confirm_sign_in_app_code(
        &self,
        presented: Option<&str>,
        code: &str,
        recovery: bool,
        meta: &RequestMeta,
    ) -> Result<StepResult, AuthError> {
        let (session, user) = self.pending(presented, Stage::AwaitingTotp).await?;
        let mut tx = self.begin(meta).await?;
        throttle::count_ip(&mut tx, Scope::IpSignIn).await?;
        let mut user = account::locked_user(&mut tx, user.id).await?;
        let attempt = session.hash.as_str();
        // Under the lock: the sign-in is still there and has tries left (a try that waited
        // for the lock while the fifth wrong one ended it is not compared).
        if !session::at_stage(&mut tx, &session.hash, Stage::AwaitingTotp).await? {
            return Err(AuthError::SignInEnded);
        }
        if throttle::failures_in(tx.conn(), Scope::AppCodeSignIn, attempt).await?
            >= email_code::MAX_FAILURES
        {
            return Err(AuthError::CodeAttemptsExhausted);
        }
        if !user.two_factor {
            // Turned off (by an admin) meanwhile: this sign-in starts again.
            session::delete(&mut tx, &session.hash).await?;
            tx.commit().await?;
            return Err(AuthError::SignInEnded);
        }
        let (right, left) = if recovery {
            let left = two_factor::use_recovery_code(&mut tx, &user, code).await?;
            (left.is_some(), left)
        } else {
            let secret = two_factor::secret_of(&mut tx, user.id, false)
                .await?
                .ok_or(AuthError::SignInEnded)?;
            (
                two_factor::check_app_code(&mut tx, &user, &secret, code).await?,
                None,
            )
        };
        if !right {
            let failures = throttle::count_failure(&mut tx, Scope::AppCodeSignIn, attempt).await?;
            let error = if failures >= email_code::MAX_FAILURES {
                session::delete(&mut tx, &session.hash).await?;
                AuthError::CodeAttemptsExhausted
            } else {
                AuthError::CodeInvalid
            };
            tx.commit().await?;
            return Err(error);
        }
        throttle::clear(&mut tx, Scope::AppCodeSignIn, attempt).await?;
        throttle::clear(&mut tx, Scope::User, &user_key(user.id)).await?;
        throttle::uncount_ip(&mut tx, Scope::IpSignIn).await?;
        account::adopt_browser_zone(&mut tx, &mut user).await?;
        let token = session::replace(
            &mut tx,
            &session.hash,
            Stage::AwaitingTotp,
            Stage::Complete,
            user.id,
        )
        .await?;
        let how = match left {
            Some(left) => {
                let mail = two_factor::two_factor_mail(
                    &self.settings.public_url,
                    user.recipient(),
                    two_factor::TwoFactorChange::RecoveryCodeUsed { left },
                    tx.now(),
                );
                tx.queue_mail(&mail).await?;
                tx.audit(
                    Event::for_user(&user, EventKind::RecoveryCodeUsed)
                        .detail(format!("{left} left")),
                )
                .await?;
                "recovery code"
            }
            None => "authenticator app",
        };
        tx.audit(Event::for_user(&user, EventKind::SignedIn).detail(how))
            .await?;
        tx.commit().await?;
        Ok(StepResult {
            token,
            stage: Stage::Complete,
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
        let mut tx = self.begin(meta).await?;
        throttle::count_ip(&mut tx, Scope::IpMail).await?;
        check_code_lock(&mut tx, user.id).await?;
        email_code::issue(&mut tx, &CodeFlow::sign_in(&session.hash), &user).await?;
        tx.audit(Event::for_user(&user, EventKind::CodeSent))
            .await?;
        tx.commit().await
    }

    /// Last step on a new device: "Yes" trusts it (and mails the user), "No" does not; either
    /// way the user is signed in under a new token.
    pub async fn decide_sign_in_trust(
        &self,
        presented: Option<&str>,
        trust: bool,
        meta: &RequestMeta,
    ) -> Result<StepResult, AuthError> {
        let (session, mut user) = self
            .pending(presented, Stage::AwaitingTrustDecision)
            .await?;
        let mut tx = self.begin(meta).await?;
        // After a password change or deactivation that commits meanwhile (they end every session
        // while holding the user's row), the step finds its session gone.
        if !email_code_still_asked(&mut tx, &session, user.id).await? {
            tx.commit().await?;
            return Err(AuthError::SignInEnded);
        }
        account::adopt_browser_zone(&mut tx, &mut user).await?;
        let token = session::replace(
            &mut tx,
            &session.hash,
            Stage::AwaitingTrustDecision,
            Stage::Complete,
            user.id,
        )
        .await?;
        tx.audit(Event::for_user(&user, EventKind::SignedIn).detail("email code"))
            .await?;
        let device = device::trust_if(&mut tx, &user, trust).await?;
        tx.commit().await?;
        Ok(StepResult {
            token,
            stage: Stage::Complete,
            user_id: user.id,
            device,
        })
    }

    /// Ends the browser's session on the server and records it. Unknown or malformed tokens
    /// change nothing.
    pub async fn log_out(&self, presented: &str, meta: &RequestMeta) -> Result<(), AuthError> {
        let Some(session) = self.session(presented).await? else {
            return Ok(());
        };
        let mut tx = self.begin(meta).await?;
        if session::delete(&mut tx, &session.hash).await? {
            tx.audit(Event {
                user_id: Some(session.user_id),
                ..Event::anonymous(EventKind::LogOut)
            })
            .await?;
        }
        tx.commit().await
    }
}

/// Locks the user's row and reads it again: false when the user turned two-factor on since this
/// sign-in began — it then ends (this sign-in never asked for the app's code); the caller returns
/// `SignInEnded` after committing.
async fn email_code_still_asked(
    tx: &mut Tx<'_>,
    session: &Session,
    user_id: i64,
) -> Result<bool, AuthError> {
    let user = account::locked_user(tx, user_id).await?;
    if user.two_factor {
        session::delete(tx, &session.hash).await?;
        return Ok(false);
    }
    Ok(true)
}

/// Refuses while the user's code lock runs (too many wrong codes in a row).
async fn check_code_lock(tx: &mut Tx<'_>, user_id: i64) -> Result<(), AuthError> {
    throttle::refuse_while_locked(tx, Scope::Code, user_id).await
}

/// Counts a wrong code against the user, across sign-ins. The wrong code that reaches
/// [`CODE_LOCK_AFTER`] starts the lock: the user is told by mail (once per run of wrong codes),
/// and the answer becomes `CodeLocked`, returned here.
async fn wrong_code_in_a_row(tx: &mut Tx<'_>, user: &User) -> Result<Option<AuthError>, AuthError> {
    let count = throttle::count_failure(tx, Scope::Code, &user_key(user.id)).await?;
    if count < CODE_LOCK_AFTER {
        return Ok(None);
    }
    if count == CODE_LOCK_AFTER {
        announce_code_lock(tx, user, pforte_shared::Msg::CodeLockMailBody).await?;
    }
    Ok(Some(AuthError::CodeLocked {
        minutes: throttle::minutes_up(CODE_LOCK_SECS),
    }))
}

/// The wrong code that starts a pause of the user's codes (email or app: `body` says which) tells
/// the user by mail, once per run of wrong codes: someone knows the password.
pub(crate) async fn announce_code_lock(
    tx: &mut Tx<'_>,
    user: &User,
    body: pforte_shared::Msg,
) -> Result<(), AuthError> {
    let meta = tx.meta();
    let mail = code_lock_mail(
        &tx.settings().public_url,
        user.recipient(),
        body,
        (
            &browser_label(&meta.user_agent, user.lang),
            &meta.ip,
            tx.now(),
        ),
    );
    tx.queue_mail(&mail).await?;
    tx.audit(Event::for_user(user, EventKind::CodesLocked).failed())
        .await
}
