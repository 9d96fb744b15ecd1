//! Two-factor authentication with an authenticator app: TOTP (SHA-1, 6 digits, 30 s steps, one step
//! of skew either way), a 160-bit secret sealed at rest under `PFORTE_SECRET_KEY`, and 10 recovery
//! codes (80 bits each, only their hashes stored, each used once).
//!
//! - Set-up: the current password, then a new secret (kept sealed as *pending* for
//!   [`SETUP_SECS`]) shown as QR code and key; two-factor is on only after a right app code.
//!   The recovery codes are then shown once (kept sealed for [`SETUP_SECS`] or until saved).
//! - Every app code is checked in the unit of work that uses it: a time step is accepted at most
//!   once per user (one conditional update), wrong codes count per user across sign-ins and
//!   pause app codes after [`throttle::CODE_LOCK_AFTER`] in a row, like email codes.
//! - Turning it off and new recovery codes need the password and a current app code; an admin's
//!   reset needs neither. Each change mails the user and is audited.

use crate::account::{self, User};
use crate::audit::{Event, EventKind};
use crate::compose::{Letter, Recipient};
use crate::error::AuthError;
use crate::outbox::Mail;
use crate::secret::TokenHash;
use crate::throttle::{self, Scope, user_key};
use crate::tx::Tx;
use crate::{Auth, RequestMeta};
use base64::Engine as _;
use pforte_shared::Msg;
use pforte_shared::i18n::fill;
use pforte_shared::types::{PendingTwoFactor, TwoFactorView};
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::Row;
use totp_rs::{Algorithm, Builder, Secret, Totp};
use zeroize::Zeroizing;

/// Bytes of a TOTP secret (160 bits).
pub const SECRET_BYTES: usize = 20;
/// Seconds per TOTP step.
pub const STEP_SECS: i64 = 30;
/// Recovery codes made at a time.
pub const RECOVERY_CODES: usize = 10;
/// How long a started set-up waits for its first code, and new recovery codes stay on show.
pub const SETUP_SECS: i64 = 10 * 60;
/// The `issuer` the authenticator app shows.
pub const ISSUER: &str = "Pforte";
/// Recovery-code characters: 32 letters and digits without 0/O and 1/I (5 bits each).
const RECOVERY_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// Characters of a recovery code (16 × 5 = 80 bits), shown in groups of four.
const RECOVERY_CHARS: usize = 16;

/// The TOTP parameters for `secret`.
fn totp(secret: &[u8]) -> Result<Totp, AuthError> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(STEP_SECS as u64)
        .with_secret(secret.to_vec())
        .build()
        .map_err(|e| AuthError::Hashing(format!("TOTP: {e}")))
}

/// The time step a 6-digit `code` matches at `now` (T−1, T or T+1), if any.
pub fn matching_step(secret: &[u8], code: &str, now: i64) -> Result<Option<i64>, AuthError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) || now < 0 {
        return Ok(None);
    }
    Ok(totp(secret)?
        .check(&code, now as u64)
        .and_then(|step| i64::try_from(step).ok()))
}

/// The code of `secret` at `now` (what an authenticator app shows; for tests).
pub fn code_at(secret: &[u8], now: i64) -> Result<String, AuthError> {
    Ok(totp(secret)?.generate(now.max(0) as u64).to_string())
}

#[cfg(feature = "test-support")]
/// The current code for a key as the set-up shows it (grouped base32), as an authenticator app
/// would compute it (tests only).
pub fn code_for_key(key: &str, now: i64) -> String {
    let compact: String = key.split_whitespace().collect();
    let secret = Secret::try_from_base32(&compact)
        .map(|s| s.as_ref().to_vec())
        .unwrap_or_default();
    code_at(&secret, now).unwrap_or_default()
}

/// The secret in base32, as authenticator apps take it.
fn base32(secret: &[u8]) -> String {
    Secret::from(secret.to_vec()).to_base32()
}

/// Base32 in groups of four characters, for reading and typing.
pub fn grouped(text: &str, size: usize) -> String {
    text.as_bytes()
        .chunks(size)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `otpauth://totp/Pforte:{email}?secret=…&issuer=Pforte&…`, the link a QR code carries.
pub fn otpauth_uri(secret: &[u8], email: &str) -> String {
    let label: String = format!("{ISSUER}:{email}")
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' | b':' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect();
    format!(
        "otpauth://totp/{label}?secret={}&issuer={ISSUER}&algorithm=SHA1&digits=6&period={STEP_SECS}",
        base32(secret)
    )
}

/// The QR code of `uri` as an SVG document (drawn on the server; no script, no external image).
pub fn qr_svg(uri: &str) -> Result<String, AuthError> {
    let code = qrcode::QrCode::new(uri.as_bytes())
        .map_err(|e| AuthError::Hashing(format!("QR code: {e}")))?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(208, 208)
        .quiet_zone(true)
        .build())
}

fn new_secret() -> Zeroizing<Vec<u8>> {
    let mut secret = Zeroizing::new(vec![0u8; SECRET_BYTES]);
    rand::rngs::OsRng.fill(secret.as_mut_slice());
    secret
}

/// A new recovery code, grouped for reading (`ABCD-EFGH-JKLM-NPQR`).
fn new_recovery_code() -> String {
    let mut rng = rand::rngs::OsRng;
    let raw: String = (0..RECOVERY_CHARS)
        .map(|_| RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())] as char)
        .collect();
    grouped(&raw, 4).replace(' ', "-")
}

/// A recovery code as typed, reduced to its characters (case, spaces and dashes do not matter).
fn normalised_recovery(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// What is stored of a recovery code: a SHA-256 bound to its user (the codes carry 80 random
/// bits, so a fast hash is enough).
fn recovery_hash(user_id: i64, code: &str) -> String {
    hex::encode(Sha256::digest(
        format!("recovery:{user_id}:{}", normalised_recovery(code)).as_bytes(),
    ))
}

/// The context a user's sealed values are bound to.
fn context(what: &str, user_id: i64) -> String {
    format!("{what}:{user_id}")
}

/// What a two-factor mail tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TwoFactorChange {
    Enabled,
    Disabled,
    RecoveryCodesRegenerated,
    /// A recovery code signed in; this many are left.
    RecoveryCodeUsed {
        left: i64,
    },
    /// An admin turned it off.
    ResetByAdmin,
}

/// The mail about a change of the user's two-factor authentication.
pub fn two_factor_mail(
    public_url: &str,
    to: Recipient<'_>,
    change: TwoFactorChange,
    at: i64,
) -> Mail {
    let lang = to.lang;
    let (subject, body) = match change {
        TwoFactorChange::Enabled => (Msg::TwoFactorOnSubject, Msg::TwoFactorOnBody),
        TwoFactorChange::Disabled => (Msg::TwoFactorOffSubject, Msg::TwoFactorOffBody),
        TwoFactorChange::RecoveryCodesRegenerated => {
            (Msg::RecoveryCodesNewSubject, Msg::RecoveryCodesNewBody)
        }
        TwoFactorChange::RecoveryCodeUsed { .. } => {
            (Msg::RecoveryCodeUsedSubject, Msg::RecoveryCodeUsedBody)
        }
        TwoFactorChange::ResetByAdmin => (Msg::TwoFactorResetSubject, Msg::TwoFactorResetBody),
    };
    let mut letter =
        Letter::to(to, subject.text(lang)).text(fill(body.text(lang), "time", &to.time(at)));
    if let TwoFactorChange::RecoveryCodeUsed { left } = change {
        letter = letter.text(fill(
            Msg::RecoveryCodesLeft.text(lang),
            "count",
            &left.to_string(),
        ));
    }
    letter
        .action(
            Msg::ReviewSecurity.text(lang),
            format!("{public_url}/account/security"),
        )
        .small(Msg::TwoFactorNotYou.text(lang))
        .build()
}

/// Replaces the recovery codes of `user_id` with [`RECOVERY_CODES`] new ones, kept on show (sealed)
/// for [`SETUP_SECS`] to the session `shown_to` only. Returns them.
async fn new_recovery_codes(
    tx: &mut Tx<'_>,
    user_id: i64,
    shown_to: &TokenHash,
) -> Result<Vec<String>, AuthError> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(tx.conn())
        .await?;
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    for code in &codes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(recovery_hash(user_id, code))
            .execute(tx.conn())
            .await?;
    }
    let shown = tx
        .settings()
        .secret_key
        .seal(codes.join("\n").as_bytes(), &context("recovery", user_id));
    sqlx::query(
        "UPDATE users SET recovery_codes_shown = $1, recovery_codes_shown_at = $2, \
         two_factor_session = $3 WHERE id = $4",
    )
    .bind(shown)
    .bind(tx.now())
    .bind(shown_to.as_str())
    .bind(user_id)
    .execute(tx.conn())
    .await?;
    Ok(codes)
}

/// Mails `user` about `change` and records `event`, in the unit of work.
async fn notify(
    tx: &mut Tx<'_>,
    user: &User,
    change: TwoFactorChange,
    event: EventKind,
) -> Result<(), AuthError> {
    let mail = two_factor_mail(
        &tx.settings().public_url,
        user.recipient(),
        change,
        tx.now(),
    );
    tx.queue_mail(&mail).await?;
    tx.audit(Event::for_user(user, event)).await
}

/// Whether the session `session` started the user's set-up (or was shown their new codes).
async fn made_by(tx: &mut Tx<'_>, user_id: i64, session: &TokenHash) -> Result<bool, AuthError> {
    let made_by: Option<String> = sqlx::query("SELECT two_factor_session FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(tx.conn())
        .await?
        .try_get("two_factor_session")?;
    Ok(made_by.is_some_and(|m| session.matches(&m)))
}

/// Forgets everything of the user's two-factor authentication.
async fn clear(tx: &mut Tx<'_>, user_id: i64) -> Result<(), AuthError> {
    sqlx::query(
        "UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL, \
         totp_pending_secret = NULL, totp_pending_at = NULL, recovery_codes_shown = NULL, \
         recovery_codes_shown_at = NULL, two_factor_session = NULL WHERE id = $1",
    )
    .bind(user_id)
    .execute(tx.conn())
    .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Whether something put on show at `at` (a set-up, new recovery codes) still is at `now`.
fn on_show(at: Option<i64>, now: i64) -> bool {
    at.is_some_and(|at| at > now - SETUP_SECS)
}

/// The open secret of `user_id` (call with the user's row locked): the active one, or with
/// `pending` the one of a set-up started within [`SETUP_SECS`]. `None` when there is none.
pub(crate) async fn secret_of(
    tx: &mut Tx<'_>,
    user_id: i64,
    pending: bool,
) -> Result<Option<Zeroizing<Vec<u8>>>, AuthError> {
    let row = sqlx::query(
        "SELECT totp_secret, totp_pending_secret, totp_pending_at FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_one(tx.conn())
    .await?;
    let sealed: Option<String> = if pending {
        let at: Option<i64> = row.try_get("totp_pending_at")?;
        row.try_get::<Option<String>, _>("totp_pending_secret")?
            .filter(|_| on_show(at, tx.now()))
    } else {
        row.try_get("totp_secret")?
    };
    let what = if pending { "totp-pending" } else { "totp" };
    match sealed {
        Some(sealed) => Ok(Some(
            tx.settings()
                .secret_key
                .open(&sealed, &context(what, user_id))?,
        )),
        None => Ok(None),
    }
}

/// Checks an app code of `user_id` against `secret` in the unit of work (the user's row locked):
/// refused unseen while app codes are paused; a wrong code counted (the tenth in a row pauses
/// them for [`throttle::CODE_LOCK_SECS`]); a right one's time step used up, at most once per user. Returns
/// whether the code was right.
pub(crate) async fn check_app_code(
    tx: &mut Tx<'_>,
    user: &User,
    secret: &[u8],
    code: &str,
) -> Result<bool, AuthError> {
    let key = user_key(user.id);
    throttle::refuse_while_locked(tx, Scope::AppCode, user.id).await?;
    let accepted = match matching_step(secret, code, tx.now())? {
        // The step is used up in the statement that checks it was not used before.
        Some(step) => {
            sqlx::query(
                "UPDATE users SET totp_last_step = $1 \
                 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
            )
            .bind(step)
            .bind(user.id)
            .execute(tx.conn())
            .await?
            .rows_affected()
                == 1
        }
        None => false,
    };
    if accepted {
        throttle::clear(tx, Scope::AppCode, &key).await?;
    } else {
        count_wrong(tx, user, "app code").await?;
    }
    Ok(accepted)
}

/// One more wrong app or recovery code (`what`) of `user` in a row, audited; the one that starts
/// the pause mails the user.
async fn count_wrong(tx: &mut Tx<'_>, user: &User, what: &str) -> Result<(), AuthError> {
    let count = throttle::count_failure(tx, Scope::AppCode, &user_key(user.id)).await?;
    tx.audit(
        Event::for_user(user, EventKind::AppCodeFailed)
            .failed()
            .detail(what),
    )
    .await?;
    if count == throttle::CODE_LOCK_AFTER {
        crate::signin::announce_code_lock(tx, user, Msg::AppCodeLockMailBody).await?;
    }
    Ok(())
}

/// Uses up one recovery code of `user` (the user's row locked). Wrong ones count like wrong app
/// codes. Returns how many are left, or `None` when the code was wrong or used.
pub(crate) async fn use_recovery_code(
    tx: &mut Tx<'_>,
    user: &User,
    code: &str,
) -> Result<Option<i64>, AuthError> {
    let key = user_key(user.id);
    throttle::refuse_while_locked(tx, Scope::AppCode, user.id).await?;
    let used = sqlx::query(
        "UPDATE recovery_codes SET used_at = $1 \
         WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(tx.now())
    .bind(user.id)
    .bind(recovery_hash(user.id, code))
    .execute(tx.conn())
    .await?
    .rows_affected()
        == 1;
    if !used {
        count_wrong(tx, user, "recovery code").await?;
        return Ok(None);
    }
    throttle::clear(tx, Scope::AppCode, &key).await?;
    Ok(Some(recovery_left(tx.conn(), user.id).await?))
}

async fn recovery_left<'e, E>(exec: E, user_id: i64) -> Result<i64, AuthError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query(
        "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(exec)
    .await?
    .try_get("n")?)
}

/// A wrong app code as the forms show it.
fn wrong_code(field: &'static str) -> AuthError {
    AuthError::invalid(field, Msg::CodeInvalid)
}

impl Auth {
    /// Whether the secret key opens the stored two-factor secrets: checked at start, so that an
    /// instance with a wrong or lost key stops at once instead of failing every two-factor
    /// sign-in. `Ok(false)` when there is nothing sealed to check.
    pub async fn check_secret_key(&self) -> Result<bool, AuthError> {
        let row = sqlx::query(
            "SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL ORDER BY id LIMIT 1",
        )
        .fetch_optional(&self.store.pool)
        .await?;
        let Some(row) = row else {
            return Ok(false);
        };
        let sealed: String = row.try_get("totp_secret")?;
        self.settings
            .secret_key
            .open(&sealed, &context("totp", row.try_get("id")?))?;
        Ok(true)
    }

    /// Seals every stored secret (TOTP secrets, set-ups in progress, recovery codes on show, the
    /// keys that sign ID tokens)
    /// under `new` instead of the current key, in one unit of work: a value that does not open
    /// changes nothing. Returns how many values were sealed anew. Run with every instance
    /// stopped, and start them again with the new key.
    pub async fn reseal_secrets(
        &self,
        new: &crate::secret_box::SecretKey,
    ) -> Result<usize, AuthError> {
        let meta = RequestMeta::default();
        let mut tx = self.begin(&meta).await?;
        let rows = sqlx::query(
            "SELECT id, totp_secret, totp_pending_secret, recovery_codes_shown FROM users \
             WHERE totp_secret IS NOT NULL OR totp_pending_secret IS NOT NULL \
             OR recovery_codes_shown IS NOT NULL",
        )
        .fetch_all(tx.conn())
        .await?;
        let mut sealed = 0;
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            for (column, what) in [
                ("totp_secret", "totp"),
                ("totp_pending_secret", "totp-pending"),
                ("recovery_codes_shown", "recovery"),
            ] {
                let Some(value) = row.try_get::<Option<String>, _>(column)? else {
                    continue;
                };
                let plain = self.settings.secret_key.open(&value, &context(what, id))?;
                let resealed = new.seal(&plain, &context(what, id));
                sqlx::query(&format!("UPDATE users SET {column} = $1 WHERE id = $2"))
                    .bind(resealed)
                    .bind(id)
                    .execute(tx.conn())
                    .await?;
                sealed += 1;
            }
        }
        sealed += crate::oidc::reseal_signing_keys(&mut tx, &self.settings.secret_key, new).await?;
        tx.commit().await?;
        Ok(sealed)
    }

    /// The two-factor part of `/account/security` for the browser with the session `session`:
    /// whether it is on (since when, recovery codes left), and — only to the session that made
    /// them — a set-up in progress (QR code and key) and recovery codes just made.
    pub async fn two_factor_view(
        &self,
        user: &User,
        session: &str,
    ) -> Result<TwoFactorView, AuthError> {
        let row = sqlx::query(
            "SELECT totp_enabled_at, totp_pending_secret, totp_pending_at, recovery_codes_shown, \
             recovery_codes_shown_at, two_factor_session FROM users WHERE id = $1",
        )
        .bind(user.id)
        .fetch_one(&self.store.pool)
        .await?;
        let now = self.now();
        let key = &self.settings.secret_key;
        let made_by: Option<String> = row.try_get("two_factor_session")?;
        let this_session = match (TokenHash::of_presented(session), made_by) {
            (Some(hash), Some(made_by)) => hash.matches(&made_by),
            _ => false,
        };
        let fresh = |at: Option<i64>| this_session && on_show(at, now);
        let enabled_at: Option<i64> = row.try_get("totp_enabled_at")?;
        let pending = match row.try_get::<Option<String>, _>("totp_pending_secret")? {
            Some(sealed) if enabled_at.is_none() && fresh(row.try_get("totp_pending_at")?) => {
                let secret = key.open(&sealed, &context("totp-pending", user.id))?;
                let uri = otpauth_uri(&secret, &user.email);
                Some(PendingTwoFactor {
                    key: grouped(&base32(&secret), 4),
                    qr_image: format!(
                        "data:image/svg+xml;base64,{}",
                        base64::engine::general_purpose::STANDARD.encode(qr_svg(&uri)?)
                    ),
                    uri,
                })
            }
            _ => None,
        };
        let recovery_codes = match row.try_get::<Option<String>, _>("recovery_codes_shown")? {
            Some(sealed) if fresh(row.try_get("recovery_codes_shown_at")?) => {
                let codes = key.open(&sealed, &context("recovery", user.id))?;
                String::from_utf8_lossy(&codes)
                    .lines()
                    .map(str::to_owned)
                    .collect()
            }
            _ => Vec::new(),
        };
        Ok(TwoFactorView {
            enabled_at,
            recovery_left: recovery_left(&self.store.pool, user.id).await?,
            pending,
            recovery_codes,
        })
    }

    /// "Set up two-factor authentication": after the current password, a new secret waits
    /// (sealed) for its first code for [`SETUP_SECS`].
    pub async fn start_two_factor(
        &self,
        user: &User,
        session: &str,
        current: crate::secret::Password,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let session = TokenHash::of_presented(session).ok_or(AuthError::NotSignedIn)?;
        let now = self
            .confirm_password(user, current, EventKind::TwoFactorEnabled, meta)
            .await?;
        let mut tx = self.begin_at(now, meta).await?;
        let user = account::locked_user(&mut tx, user.id).await?;
        if user.two_factor {
            return Err(AuthError::invalid(
                "current_password",
                Msg::TwoFactorAlreadyOn,
            ));
        }
        let secret = new_secret();
        let sealed = self
            .settings
            .secret_key
            .seal(&secret, &context("totp-pending", user.id));
        sqlx::query(
            "UPDATE users SET totp_pending_secret = $1, totp_pending_at = $2, \
             two_factor_session = $3 WHERE id = $4",
        )
        .bind(sealed)
        .bind(now)
        .bind(session.as_str())
        .bind(user.id)
        .execute(tx.conn())
        .await?;
        tx.commit().await
    }

    /// "Activate": the first right app code turns two-factor on and makes the recovery codes
    /// (returned, and kept on show for [`SETUP_SECS`] to this browser's `session`). Every other
    /// session of the user ends — signed in or half-way through a sign-in without the app.
    pub async fn activate_two_factor(
        &self,
        user: &User,
        session: &str,
        code: &str,
        meta: &RequestMeta,
    ) -> Result<Vec<String>, AuthError> {
        let this_session = TokenHash::of_presented(session).ok_or(AuthError::NotSignedIn)?;
        let mut tx = self.begin(meta).await?;
        let user = account::locked_user(&mut tx, user.id).await?;
        // Only the session that started the set-up activates it.
        if !made_by(&mut tx, user.id, &this_session).await? {
            return Err(AuthError::invalid(
                "authentication_code",
                Msg::TwoFactorSetupExpired,
            ));
        }
        let Some(secret) = secret_of(&mut tx, user.id, true).await? else {
            return Err(AuthError::invalid(
                "authentication_code",
                Msg::TwoFactorSetupExpired,
            ));
        };
        if !check_app_code(&mut tx, &user, &secret, code).await? {
            tx.commit().await?;
            return Err(wrong_code("authentication_code"));
        }
        let sealed = self
            .settings
            .secret_key
            .seal(&secret, &context("totp", user.id));
        let now = tx.now();
        sqlx::query(
            "UPDATE users SET totp_secret = $1, totp_enabled_at = $2, totp_pending_secret = NULL, \
             totp_pending_at = NULL WHERE id = $3",
        )
        .bind(sealed)
        .bind(now)
        .bind(user.id)
        .execute(tx.conn())
        .await?;
        let codes = new_recovery_codes(&mut tx, user.id, &this_session).await?;
        crate::session::end_others(&mut tx, user.id, session).await?;
        notify(
            &mut tx,
            &user,
            TwoFactorChange::Enabled,
            EventKind::TwoFactorEnabled,
        )
        .await?;
        tx.commit().await?;
        Ok(codes)
    }

    /// "I have saved them": the new recovery codes are no longer shown.
    pub async fn hide_recovery_codes(
        &self,
        user: &User,
        session: &str,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let this_session = TokenHash::of_presented(session).ok_or(AuthError::NotSignedIn)?;
        let mut tx = self.begin(meta).await?;
        // Only the session they are shown to hides them.
        sqlx::query(
            "UPDATE users SET recovery_codes_shown = NULL, recovery_codes_shown_at = NULL \
             WHERE id = $1 AND two_factor_session = $2",
        )
        .bind(user.id)
        .bind(this_session.as_str())
        .execute(tx.conn())
        .await?;
        tx.commit().await
    }

    /// The password and a current app code, for turning two-factor off or new recovery codes:
    /// returns the unit of work, with the user's row locked and the code's step used up.
    async fn confirm_password_and_code<'a>(
        &'a self,
        user: &User,
        current: crate::secret::Password,
        code: &str,
        event: EventKind,
        meta: &'a RequestMeta,
    ) -> Result<(Tx<'a>, User), AuthError> {
        let now = self.confirm_password(user, current, event, meta).await?;
        let mut tx = self.begin_at(now, meta).await?;
        let user = account::locked_user(&mut tx, user.id).await?;
        let Some(secret) = secret_of(&mut tx, user.id, false).await? else {
            return Err(AuthError::invalid(
                "authentication_code",
                Msg::TwoFactorAlreadyOff,
            ));
        };
        if !check_app_code(&mut tx, &user, &secret, code).await? {
            tx.commit().await?;
            return Err(wrong_code("authentication_code"));
        }
        Ok((tx, user))
    }

    /// "Turn off two-factor authentication": needs the password and a current app code.
    pub async fn disable_two_factor(
        &self,
        user: &User,
        current: crate::secret::Password,
        code: &str,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let (mut tx, user) = self
            .confirm_password_and_code(user, current, code, EventKind::TwoFactorDisabled, meta)
            .await?;
        clear(&mut tx, user.id).await?;
        notify(
            &mut tx,
            &user,
            TwoFactorChange::Disabled,
            EventKind::TwoFactorDisabled,
        )
        .await?;
        tx.commit().await
    }

    /// "Regenerate recovery codes": needs the password and a current app code; every old code
    /// stops working. Returns the new ones.
    pub async fn regenerate_recovery_codes(
        &self,
        user: &User,
        session: &str,
        current: crate::secret::Password,
        code: &str,
        meta: &RequestMeta,
    ) -> Result<Vec<String>, AuthError> {
        let this_session = TokenHash::of_presented(session).ok_or(AuthError::NotSignedIn)?;
        let (mut tx, user) = self
            .confirm_password_and_code(
                user,
                current,
                code,
                EventKind::RecoveryCodesRegenerated,
                meta,
            )
            .await?;
        let codes = new_recovery_codes(&mut tx, user.id, &this_session).await?;
        notify(
            &mut tx,
            &user,
            TwoFactorChange::RecoveryCodesRegenerated,
            EventKind::RecoveryCodesRegenerated,
        )
        .await?;
        tx.commit().await?;
        Ok(codes)
    }

    /// "Reset two-factor authentication" on `/admin/users`: turns it off for a user of the
    /// admin's account, who then signs in with the email code again. Audited with the admin,
    /// the user is mailed. Never for the admin themselves (their own page asks for password and
    /// code) or the owner — the rule of deactivation. A user without two-factor is refused.
    pub async fn reset_two_factor(
        &self,
        admin: &User,
        user_id: i64,
        meta: &RequestMeta,
    ) -> Result<User, AuthError> {
        let target = self.managed_user(admin, user_id).await?;
        if !account::may_change_status(admin, &target) {
            return Err(AuthError::invalid("user_id", Msg::CannotResetTwoFactor));
        }
        let meta = meta.clone().acting(admin.id);
        let mut tx = self.begin(&meta).await?;
        let target = account::locked_user(&mut tx, target.id).await?;
        if !target.two_factor {
            return Err(AuthError::invalid("user_id", Msg::TwoFactorAlreadyOff));
        }
        clear(&mut tx, target.id).await?;
        throttle::clear(&mut tx, Scope::AppCode, &user_key(target.id)).await?;
        notify(
            &mut tx,
            &target,
            TwoFactorChange::ResetByAdmin,
            EventKind::TwoFactorReset,
        )
        .await?;
        tx.commit().await?;
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published SHA-1 test vectors of TOTP: the secret "12345678901234567890", 8-digit
    /// codes, whose last 6 digits are the 6-digit code.
    #[test]
    fn rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(
                code_at(secret, time).expect("code"),
                eight[2..],
                "at {time}"
            );
            assert_eq!(
                matching_step(secret, &eight[2..], time).expect("check"),
                Some(time / 30),
                "at {time}"
            );
        }
    }

    #[test]
    fn one_step_of_skew_either_way() {
        let secret = b"12345678901234567890";
        let now = 1_800_000_015; // inside step 60_000_000
        let step = now / 30;
        for (offset, accepted) in [(-2, false), (-1, true), (0, true), (1, true), (2, false)] {
            let code = code_at(secret, (step + offset) * 30).expect("code");
            let found = matching_step(secret, &code, now).expect("check");
            assert_eq!(found.is_some(), accepted, "step T{offset:+}");
            if accepted {
                assert_eq!(found, Some(step + offset));
            }
        }
        assert_eq!(matching_step(secret, "12345", now).expect("check"), None);
        assert_eq!(matching_step(secret, "abcdef", now).expect("check"), None);
        let spaced = code_at(secret, now).expect("code");
        let spaced = format!("{} {}", &spaced[..3], &spaced[3..]);
        assert!(
            matching_step(secret, &spaced, now)
                .expect("check")
                .is_some()
        );
    }

    #[test]
    fn recovery_codes_are_80_bits_grouped_and_forgiving() {
        let code = new_recovery_code();
        assert_eq!(code.len(), 19, "{code}");
        assert_eq!(code.matches('-').count(), 3);
        assert_ne!(new_recovery_code(), code);
        let typed = format!(" {} ", code.to_lowercase().replace('-', " "));
        assert_eq!(recovery_hash(7, &typed), recovery_hash(7, &code));
        assert_ne!(
            recovery_hash(8, &code),
            recovery_hash(7, &code),
            "bound to the user"
        );
        assert!(!recovery_hash(7, &code).contains(&normalised_recovery(&code)));
    }

    #[test]
    fn otpauth_uri_and_qr_code() {
        let uri = otpauth_uri(b"12345678901234567890", "anna+x@example.com");
        assert_eq!(
            uri,
            "otpauth://totp/Pforte:anna%2Bx@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
             &issuer=Pforte&algorithm=SHA1&digits=6&period=30"
        );
        let svg = qr_svg(&uri).expect("svg");
        assert!(svg.contains("<svg") && !svg.contains("<script"));
        assert_eq!(grouped("ABCDEFGHIJ", 4), "ABCD EFGH IJ");
    }
}
