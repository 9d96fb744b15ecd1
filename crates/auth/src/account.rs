//! Accounts (companies, identified by a customer number) and their users.

use crate::audit::{Event, EventKind};
use crate::error::AuthError;
use crate::invitation;
use crate::password::{PasswordContext, check_policy};
use crate::secret::Password;
use crate::store::Engine;
use crate::stored::{self, stored_enum};
use crate::throttle::{CODE_LOCK_AFTER, HARD_STOP, INVITATION_BLOCK_AFTER, Scope};
use crate::tx::Tx;
use crate::{Auth, RequestMeta};
use pforte_shared::identifier::{normalize_email, parse_customer_number};
use pforte_shared::types::{Role, UserRowResponse, UserStatusView};
use pforte_shared::{Lang, Msg};
use rand::Rng;
use sqlx::Row;
use sqlx::any::AnyRow;

stored_enum! {
    pub enum UserStatus {
        Invited = "invited",
        Active = "active",
        Disabled = "disabled",
    }
}

#[derive(Clone, Debug)]
pub struct Account {
    pub id: i64,
    pub customer_number: String,
    pub name: String,
}

/// A user row. The password hash is kept out of `Debug`.
#[derive(Clone)]
pub struct User {
    pub id: i64,
    pub account_id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub status: UserStatus,
    pub is_owner: bool,
    pub password_hash: Option<String>,
    /// Two-factor authentication with an authenticator app is on.
    pub two_factor: bool,
    /// The Google address an admin entered (normalised), for the first Google sign-in.
    pub google_email: Option<String>,
    /// The linked Google account's ID (its `sub`).
    pub google_sub: Option<String>,
    /// The language of every mail to the user: chosen by the admin who created them, then by the
    /// user with the language switch.
    pub lang: Lang,
    /// The IANA time zone of the user's mails: their browser's at their last sign-in, else UTC.
    pub time_zone: String,
    /// The user's stable identifier towards other applications (`Remote-User`, OpenID's `sub`):
    /// random, never reused, unchanged when the email changes.
    pub subject: String,
}

impl User {
    /// The user as the recipient of a mail: their address, their language.
    pub fn recipient(&self) -> crate::compose::Recipient<'_> {
        self.into()
    }
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("account_id", &self.account_id)
            .field("role", &self.role)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl User {
    /// The name to greet the user by: the display name, else the email.
    pub fn greeting_name(&self) -> &str {
        if self.display_name.is_empty() {
            &self.email
        } else {
            &self.display_name
        }
    }
}

/// Whether `admin` may deactivate or reactivate `target`: never themselves, never the owner.
pub fn may_change_status(admin: &User, target: &User) -> bool {
    target.id != admin.id && !target.is_owner
}

/// Whether `admin` may change `target`'s Google address (which lets that Google account sign in
/// as `target`): their own and plain users'; another admin's only the owner's.
pub fn may_edit_google_address(admin: &User, target: &User) -> bool {
    target.id == admin.id || admin.is_owner || target.role != Role::Admin
}

/// A Google address as entered by an admin: empty is none; else a valid email, normalised.
pub fn clean_google_email(raw: Option<&str>) -> Result<Option<String>, AuthError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(g) => normalize_email(g)
            .map(Some)
            .map_err(|_| AuthError::invalid("google_email", Msg::InvalidIdentifier)),
    }
}

/// A new user's subject: 128 random bits, hex.
fn new_subject() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

pub(crate) const USER_COLUMNS: &str = "id, account_id, email, display_name, role, status, \
     is_owner, password_hash, totp_enabled_at, google_email, google_sub, language, time_zone, subject";

pub(crate) fn user_from_row(row: &AnyRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        role: stored::get(row, "role")?,
        status: stored::get(row, "status")?,
        is_owner: row.try_get::<i64, _>("is_owner")? != 0,
        password_hash: row.try_get("password_hash")?,
        two_factor: row.try_get::<Option<i64>, _>("totp_enabled_at")?.is_some(),
        google_email: row.try_get("google_email")?,
        google_sub: row.try_get("google_sub")?,
        lang: Lang::from_code(&row.try_get::<String, _>("language")?).unwrap_or_default(),
        time_zone: row.try_get("time_zone")?,
        subject: row.try_get("subject")?,
    })
}

fn account_from_row(row: &AnyRow) -> Result<Account, sqlx::Error> {
    account_from_columns(row, ["id", "customer_number", "name"])
}

/// An account read from a row by the names of its id, customer number and name columns (a join
/// names them apart from the other tables' columns).
pub(crate) fn account_from_columns(
    row: &AnyRow,
    [id, customer_number, name]: [&str; 3],
) -> Result<Account, sqlx::Error> {
    Ok(Account {
        id: row.try_get(id)?,
        customer_number: row.try_get(customer_number)?,
        name: row.try_get(name)?,
    })
}

/// What `create-account`, `create-user` and the admin page ask for.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The Google address an admin entered, for the first Google sign-in.
    pub google_email: Option<String>,
    /// With a password the user is active at once; without, invited.
    pub password: Option<Password>,
    /// The language of the user's mails until they choose one.
    pub lang: Lang,
}

pub const MAX_NAME_CHARS: usize = 200;

pub(crate) fn clean_name(
    field: &'static str,
    raw: &str,
    required: bool,
) -> Result<String, AuthError> {
    let name: String = raw.trim().to_owned();
    if required && name.is_empty() {
        return Err(AuthError::invalid(field, Msg::FieldRequired));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AuthError::invalid(field, Msg::FieldTooLong));
    }
    if pforte_shared::text::has_hidden_chars(&name) {
        return Err(AuthError::invalid(field, Msg::HiddenCharacters));
    }
    Ok(name)
}

/// Serialises account creation (and the setup link, which exists only while there is no account)
/// across connections and instances: PostgreSQL locks the table for the rest of the unit of
/// work; SQLite's units of work hold the database's write lock already.
pub(crate) async fn lock_accounts(tx: &mut Tx<'_>) -> Result<(), AuthError> {
    if tx.engine() == Engine::Postgres {
        sqlx::query("LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE")
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}

/// The account `id`, read in a unit of work (`tx.conn()`) or from the pool.
pub(crate) async fn account_in<'e, E>(exec: E, id: i64) -> Result<Account, AuthError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query("SELECT id, customer_number, name FROM accounts WHERE id = $1")
        .bind(id)
        .fetch_optional(exec)
        .await?
        .ok_or(AuthError::NotFound("account"))?;
    Ok(account_from_row(&row)?)
}

/// Refuses anyone but an active admin (`Forbidden`): the first check of every admin operation.
pub(crate) fn require_admin(user: &User) -> Result<(), AuthError> {
    if user.role == Role::Admin && user.status == UserStatus::Active {
        Ok(())
    } else {
        Err(AuthError::Forbidden)
    }
}

/// The user `id`, read in a unit of work (`tx.conn()`) or from the pool.
pub(crate) async fn user_in<'e, E>(exec: E, id: i64) -> Result<User, AuthError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(exec)
        .await?
        .ok_or(AuthError::NotFound("user"))?;
    Ok(user_from_row(&row)?)
}

/// Whether any account exists, read in the unit of work.
pub(crate) async fn any_account(tx: &mut Tx<'_>) -> Result<bool, AuthError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM accounts")
        .fetch_one(tx.conn())
        .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// Whether `user_id` is still active with the password hash `hash` — checked with an update of
/// the user's row, so that on PostgreSQL a concurrent password change or deactivation waits for
/// this unit of work (and then ends the session it starts) or this one sees its result.
pub(crate) async fn still_signs_in(
    tx: &mut Tx<'_>,
    user_id: i64,
    hash: &str,
) -> Result<bool, AuthError> {
    let done = sqlx::query(
        "UPDATE users SET updated_at = updated_at WHERE id = $1 AND password_hash = $2 AND status = $3",
    )
    .bind(user_id)
    .bind(hash)
    .bind(UserStatus::Active.as_str())
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The user `id` as stored now, read (and locked, see [`lock_user`]) in the unit of work.
pub(crate) async fn locked_user(tx: &mut Tx<'_>, id: i64) -> Result<User, AuthError> {
    lock_user(tx, id).await?;
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(AuthError::NotFound("user"))?;
    Ok(user_from_row(&row)?)
}

/// Locks the user's row for the rest of the unit of work (PostgreSQL; SQLite's units of work hold
/// the write lock already), so that checks and counts about one user run one after the other.
pub(crate) async fn lock_user(tx: &mut Tx<'_>, user_id: i64) -> Result<(), AuthError> {
    sqlx::query("UPDATE users SET updated_at = updated_at WHERE id = $1")
        .bind(user_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Forgets the password of a user who has not finished onboarding (a restarted stepper, a
/// deactivation), so that it never signs in. Users past onboarding are left as they are.
pub(crate) async fn forget_unfinished_password(
    tx: &mut Tx<'_>,
    user_id: i64,
) -> Result<(), AuthError> {
    sqlx::query(
        "UPDATE users SET password_hash = NULL, password_set_at = NULL WHERE id = $1 AND status = $2",
    )
    .bind(user_id)
    .bind(UserStatus::Invited.as_str())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Creates an account and its owner (an admin) in the unit of work: the account, the owner, the
/// owner's invitation and mail, and their audit rows commit together or not at all. Ends the
/// first-run setup link, which is only for an installation without accounts.
pub(crate) async fn create_account_in(
    tx: &mut Tx<'_>,
    name: &str,
    customer_number: Option<&str>,
    owner: NewUser,
) -> Result<(Account, User), AuthError> {
    let name = clean_name("company", name, true)?;
    let given = match customer_number {
        Some(raw) => Some(parse_customer_number(raw).ok_or(AuthError::invalid(
            "customer_number",
            Msg::InvalidIdentifier,
        ))?),
        None => None,
    };
    lock_accounts(tx).await?;
    crate::setup::end_setup_link(tx).await?;
    let now = tx.now();
    let mut tries = 0;
    let account = loop {
        let number = given.clone().unwrap_or_else(|| {
            rand::thread_rng()
                .gen_range(1_000_000..=9_999_999)
                .to_string()
        });
        let row = sqlx::query(
            "INSERT INTO accounts (customer_number, name, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (customer_number) DO NOTHING RETURNING id, customer_number, name",
        )
        .bind(&number)
        .bind(&name)
        .bind(now)
        .fetch_optional(tx.conn())
        .await?;
        match row {
            Some(row) => break account_from_row(&row)?,
            None if given.is_none() && tries < 20 => tries += 1,
            None => return Err(AuthError::Conflict("customer number")),
        }
    };
    tx.audit(Event {
        account_id: Some(account.id),
        ..Event::anonymous(EventKind::AccountCreated)
    })
    .await?;
    let owner = NewUser {
        role: Role::Admin,
        ..owner
    };
    let user = insert_user(tx, &account, owner, true).await?;
    Ok((account, user))
}

/// The user completes a sign-in in this unit of work: from now on their mails are written in the
/// time zone the browser reported, if it did. Called before the unit writes its mails, so they
/// are in it too.
pub(crate) async fn adopt_browser_zone(tx: &mut Tx<'_>, user: &mut User) -> Result<(), AuthError> {
    let Some(zone) = tx.meta().time_zone.clone() else {
        return Ok(());
    };
    if zone != user.time_zone {
        sqlx::query("UPDATE users SET time_zone = $1 WHERE id = $2")
            .bind(&zone)
            .bind(user.id)
            .execute(tx.conn())
            .await?;
        user.time_zone = zone;
    }
    Ok(())
}

/// Refuses a Google address that already names another user than `user_id` (0 for none): their
/// admin-entered Google address, or their Pforte email. One address names one user, whichever
/// account they are in; the refusal does not say whose it is.
pub(crate) async fn refuse_taken_google_address(
    tx: &mut Tx<'_>,
    address: &str,
    user_id: i64,
) -> Result<(), AuthError> {
    let taken =
        sqlx::query("SELECT 1 FROM users WHERE id <> $2 AND (google_email = $1 OR email = $1)")
            .bind(address)
            .bind(user_id)
            .fetch_optional(tx.conn())
            .await?
            .is_some();
    if taken {
        return Err(AuthError::invalid("google_email", Msg::GoogleAddressTaken));
    }
    Ok(())
}

/// Adds a user to `account` in the unit of work, with the invitation and its mail when no
/// password is given, and the audit rows.
async fn insert_user(
    tx: &mut Tx<'_>,
    account: &Account,
    new: NewUser,
    is_owner: bool,
) -> Result<User, AuthError> {
    let email = normalize_email(&new.email)
        .map_err(|_| AuthError::invalid("email", Msg::InvalidIdentifier))?;
    let display_name = clean_name("name", &new.display_name, false)?;
    let google_email = clean_google_email(new.google_email.as_deref())?;
    let (status, hash) = match new.password {
        Some(password) => {
            check_policy(
                &password,
                &PasswordContext {
                    email: email.clone(),
                    name: display_name.clone(),
                    company: account.name.clone(),
                    customer_number: account.customer_number.clone(),
                },
            )?;
            (UserStatus::Active, Some(tx.hasher().hash(password).await?))
        }
        None => (UserStatus::Invited, None),
    };
    if let Some(address) = &google_email {
        refuse_taken_google_address(tx, address, 0).await?;
    }
    let now = tx.now();
    let row = sqlx::query(&format!(
        "INSERT INTO users (account_id, email, display_name, role, status, is_owner, \
         password_hash, password_set_at, google_email, language, created_at, updated_at, subject) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $11, $10, $10, $12) \
         ON CONFLICT (email) DO NOTHING RETURNING {USER_COLUMNS}"
    ))
    .bind(account.id)
    .bind(&email)
    .bind(&display_name)
    .bind(new.role.as_str())
    .bind(status.as_str())
    .bind(i64::from(is_owner))
    .bind(hash.clone())
    .bind(hash.as_ref().map(|_| now))
    .bind(google_email)
    .bind(now)
    .bind(new.lang.code())
    .bind(new_subject())
    .fetch_optional(tx.conn())
    .await?
    .ok_or(AuthError::Conflict("email"))?;
    let user = user_from_row(&row)?;
    tx.audit(
        Event::for_user(&user, EventKind::UserCreated).detail(format!(
            "role={} status={}",
            user.role.as_str(),
            status.as_str()
        )),
    )
    .await?;
    if status == UserStatus::Invited {
        invitation::issue(tx, &user, account).await?;
    }
    Ok(user)
}

impl Auth {
    /// Remembers the language `user` chose with the language switch: their mails are written in
    /// it from now on.
    pub async fn set_language(
        &self,
        user: &User,
        lang: Lang,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        if user.lang == lang {
            return Ok(());
        }
        let mut tx = self.begin(meta).await?;
        sqlx::query("UPDATE users SET language = $1, updated_at = $2 WHERE id = $3")
            .bind(lang.code())
            .bind(tx.now())
            .bind(user.id)
            .execute(tx.conn())
            .await?;
        tx.audit(Event::for_user(user, EventKind::LanguageChanged).detail(lang.code()))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn account_by_id(&self, id: i64) -> Result<Account, AuthError> {
        account_in(&self.store.pool, id).await
    }

    pub async fn account_by_customer_number(&self, number: &str) -> Result<Account, AuthError> {
        let row = sqlx::query(
            "SELECT id, customer_number, name FROM accounts WHERE customer_number = $1",
        )
        .bind(number)
        .fetch_optional(&self.store.pool)
        .await?
        .ok_or(AuthError::NotFound("account"))?;
        Ok(account_from_row(&row)?)
    }

    pub async fn count_accounts(&self) -> Result<i64, AuthError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM accounts")
            .fetch_one(&self.store.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    pub async fn user_by_id(&self, id: i64) -> Result<User, AuthError> {
        user_in(&self.store.pool, id).await
    }

    /// The user `target_id`, if `admin` may manage them: an admin of the same account.
    pub async fn managed_user(&self, admin: &User, target_id: i64) -> Result<User, AuthError> {
        require_admin(admin)?;
        let target = self.user_by_id(target_id).await.map_err(|e| match e {
            AuthError::NotFound(_) => AuthError::Forbidden,
            other => other,
        })?;
        if target.account_id == admin.account_id {
            Ok(target)
        } else {
            Err(AuthError::Forbidden)
        }
    }

    /// `/admin/users`: the users of the admin's account, by email, with what the admin may do.
    pub async fn user_list(&self, admin: &User) -> Result<Vec<UserRowResponse>, AuthError> {
        require_admin(admin)?;
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, \
             CASE WHEN EXISTS (SELECT 1 FROM throttles t WHERE t.key = CAST(users.id AS TEXT) \
                  AND ((t.scope = $2 AND t.failures >= $3) \
                       OR (t.scope IN ($4, $8) AND t.failures >= $5))) \
             THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END AS locked, \
             CASE WHEN EXISTS (SELECT 1 FROM throttles t WHERE t.key = CAST(users.id AS TEXT) \
                  AND t.scope = $6 AND t.failures >= $7) \
             THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END AS invitation_blocked \
             FROM users WHERE account_id = $1 ORDER BY email"
        ))
        .bind(admin.account_id)
        .bind(Scope::User.as_str())
        .bind(HARD_STOP)
        .bind(Scope::Code.as_str())
        .bind(CODE_LOCK_AFTER)
        .bind(Scope::Onboarding.as_str())
        .bind(INVITATION_BLOCK_AFTER)
        .bind(Scope::AppCode.as_str())
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let user = user_from_row(row)?;
                Ok(UserRowResponse {
                    id: user.id,
                    can_change_status: may_change_status(admin, &user),
                    locked: row.try_get::<i64, _>("locked")? != 0,
                    invitation_blocked: user.status == UserStatus::Invited
                        && row.try_get::<i64, _>("invitation_blocked")? != 0,
                    two_factor: user.two_factor,
                    can_edit_google_address: may_edit_google_address(admin, &user),
                    google_email: user.google_email,
                    status: match user.status {
                        UserStatus::Invited => UserStatusView::Invited,
                        UserStatus::Active => UserStatusView::Active,
                        UserStatus::Disabled => UserStatusView::Disabled,
                    },
                    role: user.role,
                    name: user.display_name,
                    email: user.email,
                })
            })
            .collect()
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, AuthError> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
        ))
        .bind(email)
        .fetch_optional(&self.store.pool)
        .await?;
        Ok(row.as_ref().map(user_from_row).transpose()?)
    }

    /// The owner of the account with this customer number.
    pub async fn owner_by_customer_number(&self, number: &str) -> Result<Option<User>, AuthError> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE is_owner = 1 AND account_id = \
             (SELECT a.id FROM accounts a WHERE a.customer_number = $1)"
        ))
        .bind(number)
        .fetch_optional(&self.store.pool)
        .await?;
        Ok(row.as_ref().map(user_from_row).transpose()?)
    }

    /// Creates an account and its owner (an admin), in one unit of work. Returns both.
    pub async fn create_account(
        &self,
        name: &str,
        customer_number: Option<&str>,
        owner: NewUser,
        meta: &RequestMeta,
    ) -> Result<(Account, User), AuthError> {
        let mut tx = self.begin(meta).await?;
        let created = create_account_in(&mut tx, name, customer_number, owner).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Creates a user in the account with this customer number (the command line).
    pub async fn create_user(
        &self,
        customer_number: &str,
        new: NewUser,
        meta: &RequestMeta,
    ) -> Result<User, AuthError> {
        let number = parse_customer_number(customer_number).ok_or(AuthError::invalid(
            "customer_number",
            Msg::InvalidIdentifier,
        ))?;
        let account = self.account_by_customer_number(&number).await?;
        let mut tx = self.begin(meta).await?;
        let user = insert_user(&mut tx, &account, new, false).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// "Create user and send invitation" on `/admin/users`: a user in the admin's own account,
    /// recorded with the admin as actor.
    pub async fn create_user_as(
        &self,
        admin: &User,
        new: NewUser,
        meta: &RequestMeta,
    ) -> Result<User, AuthError> {
        require_admin(admin)?;
        let account = self.account_by_id(admin.account_id).await?;
        let meta = meta.clone().acting(admin.id);
        let mut tx = self.begin(&meta).await?;
        let user = insert_user(&mut tx, &account, new, false).await?;
        tx.commit().await?;
        Ok(user)
    }
}
