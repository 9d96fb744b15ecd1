//! Changes to a user's standing: the user changes their password; an admin deactivates,
//! reactivates or unlocks a user. Each is audited. A password change and a deactivation also
//! forget the user's trusted devices and end sessions; the password change also mails the user.

use crate::account::{self, User, UserStatus, forget_unfinished_password, may_change_status};
use crate::audit::{Event, EventKind};
use crate::compose::{Letter, Recipient};
use crate::device;
use crate::error::AuthError;
use crate::outbox::Mail;
use crate::password::{PasswordContext, check_policy};
use crate::secret::{Password, Token, TokenHash};
use crate::session::{self, Stage};
use crate::throttle::{self, CODE_LOCK_AFTER, HARD_STOP, Scope, user_key};
use crate::tx::Tx;
use crate::{Auth, RequestMeta};
use pforte_shared::Msg;
use pforte_shared::i18n::fill;

/// How a password was changed, as the "Your password was changed" mail tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordChange {
    /// On the security page, with the current password.
    OnSecurityPage,
    /// Through a reset link from a mail.
    ThroughResetLink,
}

/// The "Your password was changed" mail, with the "This wasn't me" link `not_me`.
pub fn password_changed_mail(
    public_url: &str,
    to: Recipient<'_>,
    at: i64,
    how: PasswordChange,
    not_me: &str,
) -> Mail {
    let lang = to.lang;
    let body = match how {
        PasswordChange::OnSecurityPage => Msg::PasswordChangedBody,
        PasswordChange::ThroughResetLink => Msg::PasswordResetMailBody,
    };
    Letter::to(to, Msg::PasswordChangedSubject.text(lang))
        .text(fill(body.text(lang), "time", &to.time(at)))
        .action(
            Msg::ReviewSecurity.text(lang),
            format!("{public_url}/account/security"),
        )
        .not_me(not_me)
        .build()
}

/// Saves a new password of `user` (hashed) and does what follows every new password: open reset
/// links and every trusted device but `keep` are forgotten, every session ends, and the user gets
/// "Your Pforte password was changed" with a "This wasn't me" link. `replaces`: the hash the
/// change was checked against (a change on the security page), which must still be the user's.
/// False, changing nothing, when the user is no longer active or the password changed meanwhile.
pub(crate) async fn save_new_password(
    tx: &mut Tx<'_>,
    user: &User,
    hash: &str,
    how: PasswordChange,
    replaces: Option<&str>,
    keep: Option<&TokenHash>,
) -> Result<bool, AuthError> {
    let now = tx.now();
    let saved = sqlx::query(
        "UPDATE users SET password_hash = $1, password_set_at = $2, updated_at = $2 \
         WHERE id = $3 AND status = $4 AND password_hash = COALESCE($5, password_hash)",
    )
    .bind(hash)
    .bind(now)
    .bind(user.id)
    .bind(UserStatus::Active.as_str())
    .bind(replaces)
    .execute(tx.conn())
    .await?;
    if saved.rows_affected() != 1 {
        return Ok(false);
    }
    // Links not yet used stop working; a used one stays (until swept) to tell its page so.
    sqlx::query("DELETE FROM password_resets WHERE user_id = $1 AND used_at IS NULL")
        .bind(user.id)
        .execute(tx.conn())
        .await?;
    device::forget_all_but(tx, user.id, keep).await?;
    session::end_all(tx, user.id).await?;
    let not_me = crate::not_me::new_link(tx, user.id, crate::not_me::About::Password).await?;
    let mail = password_changed_mail(
        &tx.settings().public_url,
        user.recipient(),
        now,
        how,
        &not_me,
    );
    tx.queue_mail(&mail).await?;
    Ok(true)
}

impl Auth {
    /// The current password, asked again before a change of the account's security: claimed
    /// from the user's throttle like a sign-in (in a unit of work committed before the check),
    /// then checked; a wrong one is audited as a failed `event`, a right one clears the claim.
    /// At the hard stop nothing is evaluated: a stolen session must not keep guessing it (the
    /// user's next sign-in with the second step ends the hard stop). Returns the clock reading,
    /// for the units of work that follow.
    pub(crate) async fn confirm_password(
        &self,
        user: &User,
        current: Password,
        event: EventKind,
        meta: &RequestMeta,
    ) -> Result<i64, AuthError> {
        let admitted = self.hasher.admit()?;
        let key = user_key(user.id);
        let mut claim = self.begin(meta).await?;
        let now = claim.now();
        let hard_stopped =
            throttle::failures_in(claim.conn(), Scope::User, &key).await? >= HARD_STOP;
        let allowed = !hard_stopped && throttle::claim(&mut claim, Scope::User, &key).await?;
        claim.commit().await?;
        let stored = user.password_hash.clone().filter(|_| allowed);
        let right = admitted.verify(current, stored).await?;
        let mut tx = self.begin_at(now, meta).await?;
        if right {
            throttle::clear(&mut tx, Scope::User, &key).await?;
            tx.commit().await?;
            return Ok(now);
        }
        let reason = if allowed {
            "wrong password"
        } else {
            "throttled"
        };
        tx.audit(Event::for_user(user, event).failed().detail(reason))
            .await?;
        tx.commit().await?;
        Err(AuthError::invalid(
            "current_password",
            Msg::CurrentPasswordWrong,
        ))
    }

    /// A new password and its repeat, checked against the policy for `user`: the policy's
    /// refusal, or `PasswordsDiffer` on the repeat field.
    pub(crate) async fn check_new_password(
        &self,
        user: &User,
        new: &Password,
        repeat: &Password,
    ) -> Result<(), AuthError> {
        check_policy(new, &self.password_context(user).await?)?;
        if new.expose() != repeat.expose() {
            return Err(AuthError::invalid(
                "new_password_repeat",
                Msg::PasswordsDiffer,
            ));
        }
        Ok(())
    }

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

    /// "Change password" on `/account/security`: needs the current password (claimed from the
    /// user's throttle like a sign-in, in a unit of work committed before the check), checks the
    /// new one against the policy, then ends every session of the user and starts a new one for
    /// this browser (returned: its cookie must be set), forgets every trusted device but this
    /// browser's (`device`, its cookie) and mails the user. `session` is this browser's session
    /// token: the change is refused when that session ended meanwhile.
    #[allow(clippy::too_many_arguments)]
    pub async fn change_password(
        &self,
        user: &User,
        session: &str,
        current: Password,
        new: Password,
        repeat: Password,
        device: Option<&str>,
        meta: &RequestMeta,
    ) -> Result<Token, AuthError> {
        let this_device = self.trusted_device(device, user.id).await?;
        // The place for hashing the new password is taken with the one for checking the current
        // one, so that a full queue refuses the change before the check, not after it.
        let for_new = self.hasher.admit()?;
        let now = self
            .confirm_password(user, current, EventKind::PasswordChanged, meta)
            .await?;
        let hash = match self.check_new_password(user, &new, &repeat).await {
            Ok(()) => Ok(for_new.hash(new).await?),
            Err(refused) => Err(refused),
        };
        let mut tx = self.begin_at(now, meta).await?;
        // The user's row first, as every unit that ends sessions or links does: a reset or "This
        // wasn't me" running now is waited for (and then this change is refused), not deadlocked.
        account::lock_user(&mut tx, user.id).await?;
        let hash = hash?;
        // This browser's session must still be there, and the password still the one checked:
        // a reset or "This wasn't me" that committed meanwhile wins, and this change is refused.
        let this_session = TokenHash::of_presented(session).ok_or(AuthError::NotSignedIn)?;
        let how = PasswordChange::OnSecurityPage;
        let replaces = user.password_hash.as_deref();
        if !session::delete(&mut tx, &this_session).await?
            || !save_new_password(&mut tx, user, &hash, how, replaces, this_device.as_ref()).await?
        {
            return Err(AuthError::NotSignedIn);
        }
        // Every session ended, this one too: the browser goes on under a new token.
        let token = session::insert(&mut tx, user.id, Stage::Complete).await?;
        tx.audit(Event::for_user(user, EventKind::PasswordChanged))
            .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// "Deactivate" / "Reactivate" on `/admin/users`. A deactivated user cannot sign in: their
    /// sessions end, their trusted devices, open invitation, reset and "This wasn't me" links are
    /// forgotten. Admins cannot change
    /// their own status or the owner's. Reactivation restores the status the user had: `active`,
    /// or `invited` for a user who never finished onboarding (they need a new invitation).
    pub async fn set_user_active(
        &self,
        admin: &User,
        target_id: i64,
        active: bool,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let target = self.managed_user(admin, target_id).await?;
        if !may_change_status(admin, &target) {
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
        let meta = meta.clone().acting(admin.id);
        let mut tx = self.begin(&meta).await?;
        if !active {
            // A password chosen in an unfinished onboarding is forgotten with the invitation, so
            // that reactivation finds no password and restores `invited`, never `active`.
            forget_unfinished_password(&mut tx, target.id).await?;
        }
        sqlx::query("UPDATE users SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(to.as_str())
            .bind(tx.now())
            .bind(target.id)
            .execute(tx.conn())
            .await?;
        if !active {
            device::forget_all_but(&mut tx, target.id, None).await?;
            session::end_all(&mut tx, target.id).await?;
            // Links mailed before stop working: none of them may act for a reactivated user.
            for table in ["invitations", "password_resets", "not_me_links"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
                    .bind(target.id)
                    .execute(tx.conn())
                    .await?;
            }
        }
        let kind = if active {
            EventKind::UserReactivated
        } else {
            EventKind::UserDeactivated
        };
        tx.audit(Event::for_user(&target, kind)).await?;
        tx.commit().await
    }

    /// "Unlock" on `/admin/users`: lifts the hard stop and the code lock of a user of the admin's
    /// account, whose failures start again from zero. A user who is not locked is left as they are.
    pub async fn unlock_user(
        &self,
        admin: &User,
        target_id: i64,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let target = self.managed_user(admin, target_id).await?;
        let meta = meta.clone().acting(admin.id);
        let mut tx = self.begin(&meta).await?;
        let key = user_key(target.id);
        let hard_stop = throttle::lift(&mut tx, Scope::User, &key, HARD_STOP).await?;
        let code_lock = throttle::lift(&mut tx, Scope::Code, &key, CODE_LOCK_AFTER).await?;
        let app_code_lock = throttle::lift(&mut tx, Scope::AppCode, &key, CODE_LOCK_AFTER).await?;
        if hard_stop || code_lock || app_code_lock {
            tx.audit(Event::for_user(&target, EventKind::UserUnlocked))
                .await?;
            tx.commit().await?;
        }
        Ok(())
    }
}
