//! Trusted devices: after a confirmed email code and an explicit "Yes", the browser gets a 256-bit
//! token in a cookie; only its SHA-256 is stored, with the user, the browser's raw User-Agent,
//! creation, last use and a fixed expiry (30 days by default). A valid device of the same user
//! skips the email code and exempts that user from the per-user lock.

use crate::account::User;
use crate::audit::{Event, EventKind};
use crate::compose::{Letter, Recipient};
use crate::error::AuthError;
use crate::outbox::Mail;
use crate::secret::{Token, TokenHash};
use crate::tx::Tx;
use crate::user_agent::browser_label;
use crate::{Auth, RequestMeta};
use pforte_shared::i18n::fill;
use pforte_shared::types::TrustedDeviceView;
use pforte_shared::{Lang, Msg};
use sqlx::Row;

/// The "New device trusted" mail: browser, time, the way to `/account/security`, and the
/// "This wasn't me" link `not_me`.
pub fn device_mail(
    public_url: &str,
    to: Recipient<'_>,
    browser: &str,
    at: i64,
    not_me: &str,
) -> Mail {
    let lang = to.lang;
    let body = fill(
        &fill(Msg::DeviceMailBody.text(lang), "browser", browser),
        "time",
        &to.time(at),
    );
    Letter::to(to, Msg::DeviceMailSubject.text(lang))
        .text(body)
        .action(
            Msg::DeviceMailAction.text(lang),
            format!("{public_url}/account/security"),
        )
        .not_me(not_me)
        .build()
}

/// A device row's browser: from its raw User-Agent, or the label rows stored before the raw
/// User-Agent was kept.
fn label_of(row: &sqlx::any::AnyRow, lang: Lang) -> Result<String, sqlx::Error> {
    let user_agent: String = row.try_get("user_agent")?;
    if user_agent.is_empty() {
        let stored: String = row.try_get("browser")?;
        if !stored.is_empty() {
            return Ok(stored);
        }
    }
    Ok(browser_label(&user_agent, lang))
}

/// Records a sign-in on a trusted device of `user_id`. False when the device is no longer there
/// (removed or forgotten since it was looked up) or has expired: then it skips nothing.
pub(crate) async fn touch(
    tx: &mut Tx<'_>,
    hash: &TokenHash,
    user_id: i64,
) -> Result<bool, AuthError> {
    let done = sqlx::query(
        "UPDATE trusted_devices SET last_used_at = $1 \
         WHERE token_hash = $2 AND user_id = $3 AND expires_at > $1",
    )
    .bind(tx.now())
    .bind(hash.as_str())
    .bind(user_id)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// When the user answered "Yes": trusts the requesting browser for `user`, queues the "New
/// device trusted" mail and records the event. Returns the cookie's token.
pub(crate) async fn trust_if(
    tx: &mut Tx<'_>,
    user: &User,
    trust: bool,
) -> Result<Option<Token>, AuthError> {
    if !trust {
        return Ok(None);
    }
    let device = Token::generate();
    let (now, meta, settings) = (tx.now(), tx.meta(), tx.settings());
    sqlx::query(
        "INSERT INTO trusted_devices (token_hash, user_id, browser, user_agent, created_at, last_used_at, expires_at) \
         VALUES ($1, $2, '', $3, $4, $4, $5)",
    )
    .bind(device.hash().as_str())
    .bind(user.id)
    .bind(&meta.user_agent)
    .bind(now)
    .bind(now + settings.trusted_device_secs)
    .execute(tx.conn())
    .await?;
    let browser = browser_label(&meta.user_agent, user.lang);
    let not_me =
        crate::not_me::new_link(tx, user.id, crate::not_me::About::Device(&device.hash())).await?;
    tx.queue_mail(&device_mail(
        &settings.public_url,
        user.recipient(),
        &browser,
        now,
        &not_me,
    ))
    .await?;
    tx.audit(Event::for_user(user, EventKind::DeviceTrusted))
        .await?;
    Ok(Some(device))
}

/// Forgets every device of a user except `keep` (the browser a password was changed in; `None`
/// at deactivation). Returns how many were forgotten.
pub(crate) async fn forget_all_but(
    tx: &mut Tx<'_>,
    user_id: i64,
    keep: Option<&TokenHash>,
) -> Result<u64, AuthError> {
    let done = sqlx::query("DELETE FROM trusted_devices WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep.map_or("", |k| k.as_str()))
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected())
}

/// Forgets the device `hash` of `user_id`, if it is still there. Returns how many were forgotten.
pub(crate) async fn forget(tx: &mut Tx<'_>, user_id: i64, hash: &str) -> Result<u64, AuthError> {
    let done = sqlx::query("DELETE FROM trusted_devices WHERE token_hash = $1 AND user_id = $2")
        .bind(hash)
        .bind(user_id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected())
}

impl Auth {
    /// The device's hash when `presented` is an unexpired trusted-device token of `user_id`.
    /// Tampered, unknown, removed, expired or another user's tokens give `None`.
    pub async fn trusted_device(
        &self,
        presented: Option<&str>,
        user_id: i64,
    ) -> Result<Option<TokenHash>, AuthError> {
        let Some(hash) = presented.and_then(TokenHash::of_presented) else {
            return Ok(None);
        };
        let row = sqlx::query(
            "SELECT user_id FROM trusted_devices WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(hash.as_str())
        .bind(self.now())
        .fetch_optional(&self.store.pool)
        .await?;
        Ok(match row {
            Some(row) if row.try_get::<i64, _>("user_id")? == user_id => Some(hash),
            _ => None,
        })
    }

    /// The user's unexpired devices, newest first; `presented` marks the current one.
    pub async fn devices_of(
        &self,
        user_id: i64,
        presented: Option<&str>,
        lang: Lang,
    ) -> Result<Vec<TrustedDeviceView>, AuthError> {
        let current = presented.and_then(TokenHash::of_presented);
        let rows = sqlx::query(
            "SELECT id, token_hash, browser, user_agent, created_at, last_used_at, expires_at \
             FROM trusted_devices WHERE user_id = $1 AND expires_at > $2 \
             ORDER BY created_at DESC, id DESC",
        )
        .bind(user_id)
        .bind(self.now())
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let hash: String = row.try_get("token_hash")?;
                Ok(TrustedDeviceView {
                    id: row.try_get("id")?,
                    browser: label_of(row, lang)?,
                    created_at: row.try_get("created_at")?,
                    last_used_at: row.try_get("last_used_at")?,
                    expires_at: row.try_get("expires_at")?,
                    current: current.as_ref().is_some_and(|c| c.matches(&hash)),
                })
            })
            .collect()
    }

    /// "Remove": forgets one of the user's own devices. Another user's device id is `NotFound`.
    pub async fn remove_device(
        &self,
        user: &User,
        device_id: i64,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let mut tx = self.begin(meta).await?;
        let removed = sqlx::query("DELETE FROM trusted_devices WHERE id = $1 AND user_id = $2")
            .bind(device_id)
            .bind(user.id)
            .execute(tx.conn())
            .await?;
        if removed.rows_affected() == 0 {
            return Err(AuthError::NotFound("device"));
        }
        tx.audit(Event::for_user(user, EventKind::DeviceRemoved))
            .await?;
        tx.commit().await
    }

    /// "Remove all": forgets every device of the user.
    pub async fn remove_all_devices(
        &self,
        user: &User,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let mut tx = self.begin(meta).await?;
        let removed = forget_all_but(&mut tx, user.id, None).await?;
        if removed > 0 {
            tx.audit(
                Event::for_user(user, EventKind::DeviceRemoved).detail(format!("all ({removed})")),
            )
            .await?;
        }
        tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_mail_names_browser_time_and_page() {
        let mail = device_mail(
            "https://login.example",
            crate::compose::Recipient {
                email: "a@example.com",
                lang: pforte_shared::Lang::En,
                zone: "UTC",
            },
            "Firefox 133 on Windows",
            0,
            "https://login.example/not-me/t0ken",
        );
        assert_eq!(mail.subject, "New device trusted for your Pforte account");
        assert!(
            mail.text
                .contains("This wasn't me:\nhttps://login.example/not-me/t0ken")
        );
        assert!(mail.text.contains("Firefox 133 on Windows"));
        assert!(mail.text.contains("1970-01-01 00:00 (UTC)"));
        assert!(mail.text.contains("https://login.example/account/security"));
        assert!(
            mail.html
                .contains("href=\"https://login.example/account/security\"")
        );
    }
}
