//! Email codes: 6 digits from the OS CSPRNG, stored hashed, valid 10 minutes, 5 tries per code,
//! bound to one flow (a pending sign-in or an invitation), single use. A new code replaces the
//! old one, at most one per 60 s, and never resets the failure count.

use crate::Auth;
#[cfg(feature = "test-support")]
use crate::RequestMeta;
use crate::account::User;
use crate::audit::{Event, EventKind};
use crate::compose::{Letter, Recipient};
use crate::error::AuthError;
use crate::outbox::Mail;
use crate::tx::Tx;
use pforte_shared::Msg;
use pforte_shared::i18n::fill;
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::Row;
use subtle::ConstantTimeEq;

pub const CODE_VALID_SECS: i64 = 10 * 60;
pub const MAX_FAILURES: i64 = 5;
pub const RESEND_COOLDOWN_SECS: i64 = 60;

/// The flow a code belongs to: the hash of the pending session's or the invitation's token.
/// A code only works for the flow it was sent for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeFlow(String);

impl CodeFlow {
    pub fn sign_in(session: &crate::secret::TokenHash) -> CodeFlow {
        CodeFlow(format!("s:{}", session.as_str()))
    }

    pub fn onboarding(invitation: &crate::secret::TokenHash) -> CodeFlow {
        CodeFlow(format!("i:{}", invitation.as_str()))
    }

    /// Whether the code confirms a sign-in (not an onboarding).
    pub fn is_sign_in(&self) -> bool {
        self.0.starts_with("s:")
    }

    /// The key under which the flow's code is stored.
    pub fn key(&self) -> &str {
        &self.0
    }
}

fn code_hash(flow: &CodeFlow, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{}:{code}", flow.0).as_bytes()))
}

fn generate_code() -> String {
    format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32))
}

/// What a code is for, as its mail says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodePurpose {
    /// Signing in on a browser the user has not trusted: which one, and when.
    SignIn { browser: String, at: i64 },
    /// The onboarding stepper's third step.
    Onboarding,
}

/// The code mail: the code, what it is for, how long it works; for a sign-in also the browser,
/// the time, and what to do if it was not the user.
pub fn code_mail(to: Recipient<'_>, code: &str, purpose: &CodePurpose) -> Mail {
    let lang = to.lang;
    let letter = Letter::to(to, Msg::CodeSubject.text(lang))
        .text(fill(Msg::CodeBody.text(lang), "code", code))
        .code(code);
    let letter = match purpose {
        CodePurpose::SignIn { browser, at } => letter.text(fill(
            &fill(Msg::CodeForSignIn.text(lang), "browser", browser),
            "time",
            &to.time(*at),
        )),
        CodePurpose::Onboarding => letter.text(Msg::CodeForOnboarding.text(lang)),
    };
    let letter = letter.small(fill(
        Msg::CodeValidity.text(lang),
        "minutes",
        &(CODE_VALID_SECS / 60).to_string(),
    ));
    match purpose {
        CodePurpose::SignIn { .. } => letter.small(Msg::CodeNotRequested.text(lang)),
        CodePurpose::Onboarding => letter,
    }
    .build()
}

/// The mail that starts a code lock: the right password was entered, but not the code.
/// `body` says which code was wrong (`CodeLockMailBody`, `AppCodeLockMailBody`).
pub fn code_lock_mail(
    public_url: &str,
    to: Recipient<'_>,
    body: Msg,
    (browser, ip, at): (&str, &str, i64),
) -> Mail {
    let lang = to.lang;
    let body = fill(
        &fill(&fill(body.text(lang), "browser", browser), "ip", ip),
        "time",
        &to.time(at),
    );
    let pause = fill(
        Msg::CodeLockMailPause.text(lang),
        "minutes",
        &(crate::throttle::CODE_LOCK_SECS / 60).to_string(),
    );
    Letter::to(to, Msg::CodeLockMailSubject.text(lang))
        .text(body)
        .text(pause)
        .action(
            Msg::CodeLockMailAction.text(lang),
            format!("{public_url}/account/security"),
        )
        .small(Msg::CodeLockMailAdvice.text(lang))
        .build()
}

/// Sends a new code for `flow` to `user` in the unit of work, replacing an earlier one.
/// Refused within 60 s of the last send.
pub(crate) async fn issue(tx: &mut Tx<'_>, flow: &CodeFlow, user: &User) -> Result<(), AuthError> {
    let now = tx.now();
    let last = sqlx::query("SELECT sent_at FROM email_codes WHERE session_hash = $1")
        .bind(&flow.0)
        .fetch_optional(tx.conn())
        .await?;
    let code = generate_code();
    let hash = code_hash(flow, &code);
    match last {
        Some(row) => {
            let sent_at: i64 = row.try_get("sent_at")?;
            let wait = sent_at + RESEND_COOLDOWN_SECS - now;
            if wait > 0 {
                return Err(AuthError::ResendCooldown {
                    retry_after: wait as u64,
                });
            }
            // Only the code and its times change: the failure count stays.
            let updated = sqlx::query(
                "UPDATE email_codes SET code_hash = $1, sent_at = $2, expires_at = $3 \
                 WHERE session_hash = $4 AND sent_at = $5",
            )
            .bind(&hash)
            .bind(now)
            .bind(now + CODE_VALID_SECS)
            .bind(&flow.0)
            .bind(sent_at)
            .execute(tx.conn())
            .await?;
            if updated.rows_affected() != 1 {
                // Another request sent a code in between.
                return Err(AuthError::ResendCooldown {
                    retry_after: RESEND_COOLDOWN_SECS as u64,
                });
            }
        }
        None => {
            sqlx::query(
                "INSERT INTO email_codes (session_hash, user_id, code_hash, sent_at, expires_at, failures) \
                 VALUES ($1, $2, $3, $4, $5, 0)",
            )
            .bind(&flow.0)
            .bind(user.id)
            .bind(&hash)
            .bind(now)
            .bind(now + CODE_VALID_SECS)
            .execute(tx.conn())
            .await?;
        }
    }
    let purpose = if flow.is_sign_in() {
        CodePurpose::SignIn {
            browser: crate::user_agent::browser_label(&tx.meta().user_agent, user.lang),
            at: now,
        }
    } else {
        CodePurpose::Onboarding
    };
    tx.queue_mail(&code_mail(user.recipient(), &code, &purpose))
        .await
}

/// Forgets the code of `flow` (an onboarding sent back to its first step).
pub(crate) async fn discard(tx: &mut Tx<'_>, flow: &CodeFlow) -> Result<(), AuthError> {
    sqlx::query("DELETE FROM email_codes WHERE session_hash = $1")
        .bind(&flow.0)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// The outcome of a code check. Either way the unit of work commits: a wrong try stays counted.
#[derive(Debug)]
pub(crate) enum Verdict {
    /// The right code, now used up; the user it was sent to.
    Right { user_id: i64 },
    /// `CodeInvalid`, `CodeExpired` or `CodeAttemptsExhausted`; `compared` when the code was
    /// compared (a guess), not refused unseen (expired, used up, or no code).
    Wrong { error: AuthError, compared: bool },
}

/// Checks a code for `flow`. Every try is counted before it is compared, in one atomic update,
/// so that parallel guesses cannot exceed five. A right code is used up. The fifth wrong try (and
/// every try after it) is `CodeAttemptsExhausted`. A code that is not 6 digits is refused before
/// anything is counted.
async fn count_and_compare(
    tx: &mut Tx<'_>,
    flow: &CodeFlow,
    code: &str,
) -> Result<Verdict, AuthError> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AuthError::invalid("code", Msg::CodeFormat));
    }
    let now = tx.now();
    let row = sqlx::query(
        "UPDATE email_codes SET failures = failures + 1 \
         WHERE session_hash = $1 AND failures < $2 AND expires_at > $3 \
         RETURNING user_id, code_hash, failures",
    )
    .bind(&flow.0)
    .bind(MAX_FAILURES)
    .bind(now)
    .fetch_optional(tx.conn())
    .await?;
    let Some(row) = row else {
        let state =
            sqlx::query("SELECT failures, expires_at FROM email_codes WHERE session_hash = $1")
                .bind(&flow.0)
                .fetch_optional(tx.conn())
                .await?;
        let error = match state {
            Some(r) if r.try_get::<i64, _>("failures")? >= MAX_FAILURES => {
                AuthError::CodeAttemptsExhausted
            }
            Some(_) => AuthError::CodeExpired,
            None => AuthError::CodeInvalid,
        };
        return Ok(Verdict::Wrong {
            error,
            compared: false,
        });
    };
    let stored: String = row.try_get("code_hash")?;
    let presented = code_hash(flow, code);
    Ok(
        if bool::from(stored.as_bytes().ct_eq(presented.as_bytes())) {
            discard(tx, flow).await?;
            Verdict::Right {
                user_id: row.try_get("user_id")?,
            }
        } else if row.try_get::<i64, _>("failures")? >= MAX_FAILURES {
            // That was the fifth wrong try: the attempt is over now, not at the next try.
            Verdict::Wrong {
                error: AuthError::CodeAttemptsExhausted,
                compared: true,
            }
        } else {
            Verdict::Wrong {
                error: AuthError::CodeInvalid,
                compared: true,
            }
        },
    )
}

/// [`count_and_compare`] for `user`, recording a wrong, expired or used-up code as a
/// `code_failed` audit event (`detail` names the flow).
pub(crate) async fn check(
    tx: &mut Tx<'_>,
    flow: &CodeFlow,
    code: &str,
    user: &User,
    detail: &str,
) -> Result<Verdict, AuthError> {
    let verdict = match count_and_compare(tx, flow, code).await? {
        // A flow belongs to one user; a code sent to anyone else never confirms this one.
        Verdict::Right { user_id } if user_id != user.id => Verdict::Wrong {
            error: AuthError::CodeInvalid,
            compared: true,
        },
        verdict => verdict,
    };
    if let Verdict::Wrong { .. } = verdict {
        tx.audit(
            Event::for_user(user, EventKind::CodeFailed)
                .failed()
                .detail(detail),
        )
        .await?;
    }
    Ok(verdict)
}

impl Auth {
    #[cfg(feature = "test-support")]
    /// Sends a code in a unit of work of its own, unaudited (tests only; see [`issue`]).
    pub async fn send_email_code(&self, flow: &CodeFlow, user: &User) -> Result<(), AuthError> {
        let meta = RequestMeta::default();
        let mut tx = self.begin(&meta).await?;
        issue(&mut tx, flow, user).await?;
        tx.commit().await
    }

    #[cfg(feature = "test-support")]
    /// Checks a code in a unit of work of its own, unaudited (tests only; see [`count_and_compare`]).
    /// Returns the user the code was sent to.
    pub async fn verify_email_code(&self, flow: &CodeFlow, code: &str) -> Result<i64, AuthError> {
        let meta = RequestMeta::default();
        let mut tx = self.begin(&meta).await?;
        let verdict = count_and_compare(&mut tx, flow, code).await?;
        tx.commit().await?;
        match verdict {
            Verdict::Right { user_id } => Ok(user_id),
            Verdict::Wrong { error, .. } => Err(error),
        }
    }

    /// Seconds until a new code may be sent for `flow` (0 when it may be sent now).
    pub async fn code_cooldown(&self, flow: &CodeFlow) -> Result<i64, AuthError> {
        let row = sqlx::query("SELECT sent_at FROM email_codes WHERE session_hash = $1")
            .bind(&flow.0)
            .fetch_optional(&self.store.pool)
            .await?;
        Ok(match row {
            Some(r) => (r.try_get::<i64, _>("sent_at")? + RESEND_COOLDOWN_SECS - self.now()).max(0),
            None => 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..1000 {
            let c = generate_code();
            assert_eq!(c.len(), 6);
            assert!(c.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn code_mail_says_what_the_code_is_for() {
        let to = crate::compose::Recipient {
            email: "a@example.com",
            lang: pforte_shared::Lang::En,
            zone: "UTC",
        };
        let sign_in = code_mail(
            to,
            "042137",
            &CodePurpose::SignIn {
                browser: "Firefox 133 on Windows".into(),
                at: 0,
            },
        );
        assert_eq!(sign_in.subject, "Your Pforte confirmation code");
        assert!(sign_in.text.contains("code is 042137."));
        assert!(sign_in.text.contains(
            "signing in on a new browser: Firefox 133 on Windows, on 1970-01-01 00:00 (UTC)"
        ));
        assert!(sign_in.text.contains("change your password"));
        assert!(sign_in.html.contains(">042137</p>"));
        let onboarding = code_mail(to, "042137", &CodePurpose::Onboarding);
        assert!(onboarding.text.contains("setting up your user account"));
        assert!(!onboarding.text.contains("change your password"));
        assert!(!onboarding.text.contains("new browser"));
    }

    #[test]
    fn hash_is_bound_to_the_flow() {
        let a = CodeFlow("s:a".into());
        let b = CodeFlow("s:b".into());
        assert_ne!(code_hash(&a, "123456"), code_hash(&b, "123456"));
        assert!(!code_hash(&a, "123456").contains("123456"));
    }
}
