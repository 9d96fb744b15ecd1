//! "This wasn't me": the "New device trusted", "Your password was changed" and "Google account
//! linked" mails carry a link (a 256-bit token, only its hash stored, single use, valid
//! [`NOT_ME_LINK_SECS`]) that opens a page asking for one confirmation; only that POST changes
//! anything. It forgets the device the mail was about (after a password mail: every device; after
//! a Google mail: the Google account, and Google sign-in until an admin enters an address), ends
//! every session of the user and mails a reset link, in one unit of work, audited.

use crate::account::{self, UserStatus};
use crate::audit::{Event, EventKind};
use crate::compose::Letter;
use crate::device;
use crate::error::AuthError;
use crate::reset;
use crate::secret::{Token, TokenHash};
use crate::session;
use crate::tx::Tx;
use crate::{Auth, RequestMeta};
use pforte_shared::Msg;
use pforte_shared::i18n::fill;
use pforte_shared::types::LinkState;
use sqlx::Row;

/// How long a "This wasn't me" link works.
pub const NOT_ME_LINK_SECS: i64 = 7 * 24 * 60 * 60;

/// What a mail with a "This wasn't me" link was about.
pub(crate) enum About<'a> {
    Password,
    Device(&'a TokenHash),
    /// A Google account linked.
    Google,
}

/// How [`About::Google`] is stored in `not_me_links.device_hash` (never a device's hash, which is
/// 64 hex digits; the password is the empty string).
const ABOUT_GOOGLE: &str = "google";

/// A new "This wasn't me" link for a mail to `user_id` about `about`. Returns the link.
pub(crate) async fn new_link(
    tx: &mut Tx<'_>,
    user_id: i64,
    about: About<'_>,
) -> Result<String, AuthError> {
    let token = Token::generate();
    let now = tx.now();
    sqlx::query(
        "INSERT INTO not_me_links (token_hash, user_id, device_hash, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token.hash().as_str())
    .bind(user_id)
    .bind(match about {
        About::Password => "",
        About::Device(hash) => hash.as_str(),
        About::Google => ABOUT_GOOGLE,
    })
    .bind(now)
    .bind(now + NOT_ME_LINK_SECS)
    .execute(tx.conn())
    .await?;
    Ok(format!(
        "{}/not-me/{}",
        tx.settings().public_url,
        token.expose()
    ))
}

impl Letter {
    /// The "This wasn't me" link `link` and what it does, for the mails that carry it.
    pub fn not_me(self, link: &str) -> Letter {
        let lang = self.lang();
        let days = (NOT_ME_LINK_SECS / 86_400).to_string();
        self.link(Msg::NotMeLead.text(lang), Msg::NotMeLink.text(lang), link)
            .small(fill(Msg::NotMeValidity.text(lang), "days", &days))
    }
}

impl Auth {
    /// Where a "This wasn't me" link stands, for its page.
    pub async fn not_me_link_state(&self, presented: &str) -> Result<LinkState, AuthError> {
        crate::reset::link_state(&self.store.pool, "not_me_links", presented, self.now()).await
    }

    /// The confirmation on `/not-me/{token}`: uses the link up, forgets the device (or every
    /// device, or the Google account), ends every session and mails a reset link. Unknown, used and expired links, and
    /// links of users no longer active, are [`AuthError::LinkInvalid`] and change nothing.
    pub async fn report_not_me(
        &self,
        presented: &str,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let hash = TokenHash::of_presented(presented).ok_or(AuthError::LinkInvalid)?;
        let mut tx = self.begin(meta).await?;
        let now = tx.now();
        // The user's row first (as every operation on a user's links does), then the link.
        let user_id: i64 = sqlx::query("SELECT user_id FROM not_me_links WHERE token_hash = $1")
            .bind(hash.as_str())
            .fetch_optional(tx.conn())
            .await?
            .ok_or(AuthError::LinkInvalid)?
            .try_get("user_id")?;
        let user = account::locked_user(&mut tx, user_id).await?;
        let device_hash: String = sqlx::query(
            "UPDATE not_me_links SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
             RETURNING device_hash",
        )
        .bind(now)
        .bind(hash.as_str())
        .fetch_optional(tx.conn())
        .await?
        .ok_or(AuthError::LinkInvalid)?
        .try_get("device_hash")?;
        if user.status != UserStatus::Active {
            return Err(AuthError::LinkInvalid);
        }
        let (about, forgotten) = match device_hash.as_str() {
            "" => (
                "password",
                device::forget_all_but(&mut tx, user.id, None).await?,
            ),
            ABOUT_GOOGLE => {
                crate::google::turn_off(&mut tx, &user, "This wasn't me").await?;
                ("Google", 0)
            }
            _ => (
                "device",
                device::forget(&mut tx, user.id, &device_hash).await?,
            ),
        };
        let ended = session::end_all(&mut tx, user.id).await?;
        reset::issue(&mut tx, &user).await?;
        tx.audit(
            Event::for_user(&user, EventKind::NotMeReported).detail(format!(
                "about {about}: {forgotten} device(s) forgotten, {ended} session(s) ended"
            )),
        )
        .await?;
        tx.commit().await
    }
}
