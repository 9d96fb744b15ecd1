//! Changes to a user's standing: the user changes their password; an admin deactivates,
//! reactivates or unlocks a user. Each is audited. A password change and a deactivation also
//! forget the user's trusted devices (SECURITY.md 18) and end sessions; the password change also
//! mails the user.

use crate::account::{User, UserStatus};
use crate::audit::{self, Event, Outcome};
use crate::device::forget_devices;
use crate::error::AuthError;
use crate::outbox::{Mail, enqueue};
use crate::password::{PasswordContext, check_policy};
use crate::secret::Password;
use crate::session::end_other_sessions;
use crate::throttle::{HARD_STOP, Scope, user_key};
use crate::{Auth, RequestMeta};
use pforte_shared::i18n::fill;
use pforte_shared::time::format_utc;
use pforte_shared::{Lang, Msg};
use sqlx::Row;

/// The "Your password was changed" mail.
pub fn password_changed_mail(public_url: &str, to: &str, at: i64) -> Mail {
    let lang = Lang::En;
    Mail::with_action(
        to,
        Msg::PasswordChangedSubject.text(lang),
        &[fill(
            Msg::PasswordChangedBody.text(lang),
            "time",
            &format_utc(at),
        )],
        (
            Msg::ReviewSecurity.text(lang),
            &format!("{public_url}/account/security"),
        ),
        &[Msg::PasswordChangedNotYou.text(lang)],
    )
}

impl Auth {
    /// What a user's password must not be built from.
    pub async fn password_context(&self, user: &User) -> Result<PasswordContext, AuthError> {
        let account = self.account_by_id(user.account_id).await?;
        Ok(PasswordContext {
            email: user.email.clone(),
            name: user.display_name.clone(),
            company: account.name,
            customer_number: account.customer_number,
        })
    }

    /// "Change password" on `/account/security`: needs the current password (throttled like a
    /// sign-in), checks the new one against the policy, then forgets all trusted devices, ends the
    /// user's other sessions (`keep` stays) and mails the user.
    pub async fn change_password(
        &self,
        user: &User,
        current: Password,
        new: Password,
        repeat: Password,
        keep: &str,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let key = user_key(user.id);
        let allowed = self.claim_attempt(Scope::User, &key).await?;
        let stored = user.password_hash.clone().filter(|_| allowed);
        if !self.hasher.verify(current, stored).await? {
            audit::record(
                self,
                Event {
                    outcome: Outcome::Failure,
                    detail: if allowed {
                        "wrong password"
                    } else {
                        "throttled"
                    }
                    .to_owned(),
                    ..Event::for_user(user, "password_changed")
                },
                meta,
            )
            .await?;
            return Err(AuthError::invalid(
                "current_password",
                Msg::CurrentPasswordWrong,
            ));
        }
        self.clear_failures(Scope::User, &key).await?;
        check_policy(&new, &self.password_context(user).await?)?;
        if new.expose() != repeat.expose() {
            return Err(AuthError::invalid(
                "new_password_repeat",
                Msg::PasswordsDiffer,
            ));
        }
        let hash = self.hasher.hash(new).await?;
        let now = self.now();
        let mut tx = self.store.pool.begin().await?;
        sqlx::query(
            "UPDATE users SET password_hash = $1, password_set_at = $2, updated_at = $2 WHERE id = $3",
        )
        .bind(&hash)
        .bind(now)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
        forget_devices(&mut tx, user.id).await?;
        end_other_sessions(&mut tx, user.id, keep).await?;
        let mail = password_changed_mail(&self.settings.public_url, &user.email, now);
        enqueue(&mut tx, self.clock.as_ref(), &mail).await?;
        tx.commit().await?;
        audit::record(self, Event::for_user(user, "password_changed"), meta).await
    }

    /// "Deactivate" / "Reactivate" on `/admin/users`. A deactivated user cannot sign in: their
    /// sessions end, their trusted devices and open invitation are forgotten. Admins cannot change
    /// their own status or the owner's. Reactivation restores `active` (or `invited` for a user
    /// who never set a password; they need a new invitation).
    pub async fn set_user_active(
        &self,
        admin: &User,
        target_id: i64,
        active: bool,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let target = self.managed_user(admin, target_id).await?;
        if target.id == admin.id || target.is_owner {
            return Err(AuthError::invalid("user_id", Msg::CannotChangeOwnStatus));
        }
        let (from, to) = match (active, &target.password_hash) {
            (false, _) => (None, UserStatus::Disabled),
            (true, Some(_)) => (Some(UserStatus::Disabled), UserStatus::Active),
            (true, None) => (Some(UserStatus::Disabled), UserStatus::Invited),
        };
        if from.is_some_and(|f| f != target.status) || (!active && target.status == to) {
            return Ok(()); // nothing to change
        }
        let mut tx = self.store.pool.begin().await?;
        sqlx::query("UPDATE users SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(to.as_str())
            .bind(self.now())
            .bind(target.id)
            .execute(&mut *tx)
            .await?;
        if !active {
            forget_devices(&mut tx, target.id).await?;
            for table in ["sessions", "invitations"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
                    .bind(target.id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        let kind = if active {
            "user_reactivated"
        } else {
            "user_deactivated"
        };
        audit::record(self, Event::for_user(&target, kind), meta).await
    }

    /// The users of an account held at the hard stop (SECURITY.md 11): their password sign-in
    /// is refused everywhere but on their trusted devices until an admin unlocks them.
    pub async fn locked_users(&self, account_id: i64) -> Result<Vec<i64>, AuthError> {
        let rows = sqlx::query(
            "SELECT users.id FROM users JOIN throttles \
             ON throttles.scope = $1 AND throttles.key = CAST(users.id AS TEXT) \
             WHERE users.account_id = $2 AND throttles.failures >= $3 ORDER BY users.id",
        )
        .bind(Scope::User.as_str())
        .bind(account_id)
        .bind(HARD_STOP)
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter()
            .map(|r| r.try_get("id").map_err(AuthError::from))
            .collect()
    }

    /// "Unlock" on `/admin/users`: lifts the hard stop of a user of the admin's account, whose
    /// failures start again from zero. A user who is not locked is left as they are.
    pub async fn unlock_user(
        &self,
        admin: &User,
        target_id: i64,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let target = self.managed_user(admin, target_id).await?;
        if !self
            .lift_hard_stop(Scope::User, &user_key(target.id))
            .await?
        {
            return Ok(()); // not locked: nothing to change
        }
        audit::record(self, Event::for_user(&target, "user_unlocked"), meta).await
    }
}
