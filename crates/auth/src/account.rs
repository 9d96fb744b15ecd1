//! Accounts (companies, identified by a customer number) and their users.

use crate::error::AuthError;
use crate::password::{PasswordContext, check_policy};
use crate::secret::Password;
use crate::store::is_unique_violation;
use crate::{Auth, RequestMeta, audit};
use pforte_shared::Msg;
use pforte_shared::identifier::{normalize_email, parse_customer_number};
use pforte_shared::types::Role;
use rand::Rng;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserStatus {
    Invited,
    Active,
    Disabled,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Invited => "invited",
            UserStatus::Active => "active",
            UserStatus::Disabled => "disabled",
        }
    }

    fn parse(s: &str) -> UserStatus {
        match s {
            "active" => UserStatus::Active,
            "invited" => UserStatus::Invited,
            _ => UserStatus::Disabled,
        }
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

pub(crate) const USER_COLUMNS: &str =
    "id, account_id, email, display_name, role, status, is_owner, password_hash";

pub(crate) fn user_from_row(row: &AnyRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&row.try_get::<String, _>("role")?).unwrap_or(Role::User),
        status: UserStatus::parse(&row.try_get::<String, _>("status")?),
        is_owner: row.try_get::<i64, _>("is_owner")? != 0,
        password_hash: row.try_get("password_hash")?,
    })
}

fn account_from_row(row: &AnyRow) -> Result<Account, sqlx::Error> {
    Ok(Account {
        id: row.try_get("id")?,
        customer_number: row.try_get("customer_number")?,
        name: row.try_get("name")?,
    })
}

/// What `create-account` and `create-user` ask for.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The Google address an admin entered, for the first Google sign-in.
    pub google_email: Option<String>,
    /// With a password the user is active at once; without, invited.
    pub password: Option<Password>,
}

pub const MAX_NAME_CHARS: usize = 200;

fn clean_name(field: &'static str, raw: &str, required: bool) -> Result<String, AuthError> {
    let name: String = raw.trim().to_owned();
    if required && name.is_empty() {
        return Err(AuthError::invalid(field, Msg::FieldRequired));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AuthError::invalid(field, Msg::FieldTooLong));
    }
    if name.chars().any(char::is_control) {
        return Err(AuthError::invalid(field, Msg::BadRequest));
    }
    Ok(name)
}

impl Auth {
    pub async fn account_by_id(&self, id: i64) -> Result<Account, AuthError> {
        let row = sqlx::query("SELECT id, customer_number, name FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.store.pool)
            .await?
            .ok_or(AuthError::NotFound("account"))?;
        Ok(account_from_row(&row)?)
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
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.store.pool)
            .await?
            .ok_or(AuthError::NotFound("user"))?;
        Ok(user_from_row(&row)?)
    }

    /// The users of an account, by email.
    pub async fn users_of_account(&self, account_id: i64) -> Result<Vec<User>, AuthError> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE account_id = $1 ORDER BY email"
        ))
        .bind(account_id)
        .fetch_all(&self.store.pool)
        .await?;
        Ok(rows.iter().map(user_from_row).collect::<Result<_, _>>()?)
    }

    /// The user `target_id`, if `admin` may manage them: an admin of the same account.
    pub async fn managed_user(&self, admin: &User, target_id: i64) -> Result<User, AuthError> {
        if admin.role != Role::Admin {
            return Err(AuthError::Forbidden);
        }
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
            "SELECT {} FROM users u WHERE u.is_owner = 1 AND u.account_id = \
             (SELECT a.id FROM accounts a WHERE a.customer_number = $1)",
            USER_COLUMNS
                .split(", ")
                .map(|c| format!("u.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .bind(number)
        .fetch_optional(&self.store.pool)
        .await?;
        Ok(row.as_ref().map(user_from_row).transpose()?)
    }

    /// Creates an account and its owner (an admin). Returns both.
    pub async fn create_account(
        &self,
        name: &str,
        customer_number: Option<&str>,
        owner: NewUser,
        meta: &RequestMeta,
    ) -> Result<(Account, User), AuthError> {
        let name = clean_name("name", name, true)?;
        let given = match customer_number {
            Some(raw) => Some(parse_customer_number(raw).ok_or(AuthError::invalid(
                "customer_number",
                Msg::InvalidIdentifier,
            ))?),
            None => None,
        };
        let now = self.now();
        let mut tries = 0;
        let account = loop {
            let number = given.clone().unwrap_or_else(|| {
                rand::thread_rng()
                    .gen_range(1_000_000..=9_999_999)
                    .to_string()
            });
            let res = sqlx::query(
                "INSERT INTO accounts (customer_number, name, created_at) VALUES ($1, $2, $3) \
                 RETURNING id, customer_number, name",
            )
            .bind(&number)
            .bind(&name)
            .bind(now)
            .fetch_one(&self.store.pool)
            .await;
            match res {
                Ok(row) => break account_from_row(&row)?,
                Err(e) if is_unique_violation(&e) && given.is_none() && tries < 20 => tries += 1,
                Err(e) if is_unique_violation(&e) => {
                    return Err(AuthError::Conflict("customer number"));
                }
                Err(e) => return Err(e.into()),
            }
        };
        let owner = NewUser {
            role: Role::Admin,
            ..owner
        };
        match self.insert_user(&account, owner, true, meta).await {
            Ok(user) => Ok((account, user)),
            Err(e) => {
                // Keep the database as it was: no account without an owner.
                sqlx::query("DELETE FROM accounts WHERE id = $1")
                    .bind(account.id)
                    .execute(&self.store.pool)
                    .await?;
                Err(e)
            }
        }
    }

    /// Creates a user in the account with this customer number.
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
        self.insert_user(&account, new, false, meta).await
    }

    async fn insert_user(
        &self,
        account: &Account,
        new: NewUser,
        is_owner: bool,
        meta: &RequestMeta,
    ) -> Result<User, AuthError> {
        let email = normalize_email(&new.email)
            .map_err(|_| AuthError::invalid("email", Msg::InvalidIdentifier))?;
        let display_name = clean_name("name", &new.display_name, false)?;
        let google_email = match new.google_email.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(g) => Some(
                normalize_email(g)
                    .map_err(|_| AuthError::invalid("google_email", Msg::InvalidIdentifier))?,
            ),
        };
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
                (UserStatus::Active, Some(self.hasher.hash(password).await?))
            }
            None => (UserStatus::Invited, None),
        };
        let now = self.now();
        let mut tx = self.store.pool.begin().await?;
        let res = sqlx::query(&format!(
            "INSERT INTO users (account_id, email, display_name, role, status, is_owner, \
             password_hash, password_set_at, google_email, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING {USER_COLUMNS}"
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
        .fetch_one(&mut *tx)
        .await;
        let user = match res {
            Ok(row) => user_from_row(&row)?,
            Err(e) if is_unique_violation(&e) => return Err(AuthError::Conflict("email")),
            Err(e) => return Err(e.into()),
        };
        // The invitation and its mail commit together with the user, or not at all.
        if status == UserStatus::Invited {
            self.issue_invitation(&mut tx, &user, account).await?;
        }
        tx.commit().await?;
        audit::record(
            self,
            audit::Event {
                user_id: Some(user.id),
                account_id: Some(account.id),
                kind: "user_created",
                outcome: audit::Outcome::Success,
                detail: format!("role={} status={}", user.role.as_str(), status.as_str()),
            },
            meta,
        )
        .await?;
        if status == UserStatus::Invited {
            audit::record(self, audit::Event::for_user(&user, "invitation_sent"), meta).await?;
        }
        Ok(user)
    }
}
