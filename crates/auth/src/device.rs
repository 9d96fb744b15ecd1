//! Trusted devices (SECURITY.md 17–18): after a confirmed email code and an explicit "Yes", the
//! browser gets a 256-bit token in a cookie; only its SHA-256 is stored, with the user, the browser
//! (from the User-Agent), creation, last use and a fixed expiry (30 days by default). A valid
//! device of the same user skips the email code and exempts that user from the per-user lock.

use crate::account::User;
use crate::audit::{self, Event};
use crate::error::AuthError;
use crate::outbox::{Mail, enqueue};
use crate::secret::{Token, TokenHash};
use crate::{Auth, RequestMeta};
use pforte_shared::i18n::fill;
use pforte_shared::time::format_utc;
use pforte_shared::types::TrustedDeviceView;
use pforte_shared::{Lang, Msg};
use sqlx::{AnyConnection, Row};

/// Browser and operating system in a few words ("Chrome 131 on Linux"), from a User-Agent.
pub fn browser_label(user_agent: &str) -> String {
    const BROWSERS: [(&str, &str); 6] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ];
    // More specific first: Android and iOS agents also name Linux and Mac OS X.
    const SYSTEMS: [(&str, &str); 7] = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("CrOS", "ChromeOS"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ];
    let lang = Lang::En;
    let browser = BROWSERS.iter().find_map(|(needle, name)| {
        let at = user_agent.find(needle)? + needle.len();
        let major: String = user_agent[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .take(4)
            .collect();
        Some(if major.is_empty() || *name == "Safari" {
            (*name).to_owned()
        } else {
            format!("{name} {major}")
        })
    });
    let os = SYSTEMS
        .iter()
        .find(|(needle, _)| user_agent.contains(needle))
        .map(|(_, name)| *name);
    match (browser, os) {
        (Some(b), Some(os)) => fill(&fill(Msg::BrowserOn.text(lang), "browser", &b), "os", os),
        (Some(b), None) => b,
        (None, _) => Msg::UnknownBrowser.text(lang).to_owned(),
    }
}

/// The "New device trusted" mail: browser, time, and the way to `/account/security`.
pub fn device_mail(public_url: &str, to: &str, browser: &str, at: i64) -> Mail {
    let lang = Lang::En;
    let body = fill(
        &fill(Msg::DeviceMailBody.text(lang), "browser", browser),
        "time",
        &format_utc(at),
    );
    Mail::with_action(
        to,
        Msg::DeviceMailSubject.text(lang),
        &[body],
        (
            Msg::DeviceMailAction.text(lang),
            &format!("{public_url}/account/security"),
        ),
        &[Msg::DeviceMailNotYou.text(lang)],
    )
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
        let row =
            sqlx::query("SELECT user_id, expires_at FROM trusted_devices WHERE token_hash = $1")
                .bind(hash.as_str())
                .fetch_optional(&self.store.pool)
                .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        if row.try_get::<i64, _>("expires_at")? <= self.now() {
            sqlx::query("DELETE FROM trusted_devices WHERE token_hash = $1")
                .bind(hash.as_str())
                .execute(&self.store.pool)
                .await?;
            return Ok(None);
        }
        Ok((row.try_get::<i64, _>("user_id")? == user_id).then_some(hash))
    }

    /// Records a sign-in on a trusted device.
    pub async fn touch_device(&self, hash: &TokenHash) -> Result<(), AuthError> {
        sqlx::query("UPDATE trusted_devices SET last_used_at = $1 WHERE token_hash = $2")
            .bind(self.now())
            .bind(hash.as_str())
            .execute(&self.store.pool)
            .await?;
        Ok(())
    }

    /// When the user answered "Yes": trusts the requesting browser for `user` inside `conn`'s
    /// transaction and queues the "New device trusted" mail with it. Returns the cookie's token.
    pub(crate) async fn trust_device_if(
        &self,
        conn: &mut AnyConnection,
        user: &User,
        trust: bool,
        meta: &RequestMeta,
    ) -> Result<Option<Token>, AuthError> {
        if !trust {
            return Ok(None);
        }
        let device = Token::generate();
        let now = self.now();
        let browser = browser_label(&meta.user_agent);
        sqlx::query(
            "INSERT INTO trusted_devices (token_hash, user_id, browser, created_at, last_used_at, expires_at) \
             VALUES ($1, $2, $3, $4, $4, $5)",
        )
        .bind(device.hash().as_str())
        .bind(user.id)
        .bind(&browser)
        .bind(now)
        .bind(now + self.settings.trusted_device_secs)
        .execute(&mut *conn)
        .await?;
        let mail = device_mail(&self.settings.public_url, &user.email, &browser, now);
        enqueue(conn, self.clock.as_ref(), &mail).await?;
        Ok(Some(device))
    }

    /// The user's unexpired devices, newest first; `presented` marks the current one.
    pub async fn devices_of(
        &self,
        user_id: i64,
        presented: Option<&str>,
    ) -> Result<Vec<TrustedDeviceView>, AuthError> {
        let current = presented.and_then(TokenHash::of_presented);
        let rows = sqlx::query(
            "SELECT id, token_hash, browser, created_at, last_used_at, expires_at FROM trusted_devices \
             WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC, id DESC",
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
                    browser: row.try_get("browser")?,
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
        let removed = sqlx::query("DELETE FROM trusted_devices WHERE id = $1 AND user_id = $2")
            .bind(device_id)
            .bind(user.id)
            .execute(&self.store.pool)
            .await?;
        if removed.rows_affected() == 0 {
            return Err(AuthError::NotFound("device"));
        }
        audit::record(self, Event::for_user(user, "device_removed"), meta).await
    }

    /// "Remove all": forgets every device of the user.
    pub async fn remove_all_devices(
        &self,
        user: &User,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let mut conn = self.store.pool.acquire().await?;
        let removed = forget_devices(&mut conn, user.id).await?;
        if removed > 0 {
            audit::record(
                self,
                Event {
                    detail: format!("all ({removed})"),
                    ..Event::for_user(user, "device_removed")
                },
                meta,
            )
            .await?;
        }
        Ok(())
    }
}

/// Forgets every device of a user inside the caller's transaction (password change or reset,
/// two-factor change, deactivation). Returns how many there were.
pub async fn forget_devices(conn: &mut AnyConnection, user_id: i64) -> Result<u64, AuthError> {
    let done = sqlx::query("DELETE FROM trusted_devices WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_browser_and_system() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.33 Safari/537.36",
                "Chrome 131 on Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox 133 on Windows",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                "Safari on iOS",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36 Edg/131.0",
                "Edge 131 on Android",
            ),
            ("curl/8.5.0", "Unknown browser"),
            ("", "Unknown browser"),
        ];
        for (ua, label) in cases {
            assert_eq!(browser_label(ua), label, "{ua}");
        }
    }

    #[test]
    fn device_mail_names_browser_time_and_page() {
        let mail = device_mail(
            "https://login.example",
            "a@example.com",
            "Firefox 133 on Windows",
            0,
        );
        assert_eq!(mail.subject, "New device trusted");
        assert!(mail.text.contains("Firefox 133 on Windows"));
        assert!(mail.text.contains("1970-01-01 00:00 UTC"));
        assert!(mail.text.contains("https://login.example/account/security"));
        assert!(
            mail.html
                .contains("href=\"https://login.example/account/security\"")
        );
    }
}
