//! "Sign in with Google": the OAuth 2.0 authorization code flow with PKCE (S256) against Google —
//! or any OpenID provider the three URLs name — and what a Google identity may do here.
//!
//! ```text
//! start ──(browser cookie, state, verifier stored)──▶ provider ──▶ callback
//!   callback: take the stored row (once) → state → code + verifier → userinfo → user → session
//! ```
//!
//! A user is found by the provider's `sub` once linked; the first time by a verified email equal
//! to the Google address an admin entered (or the user's own email), which links `sub`. The
//! provider's tokens never leave this module: only the identity (`sub`, email) is kept.

use crate::account::{self, USER_COLUMNS, User, UserStatus, forget_unfinished_password};
use crate::audit::{Event, EventKind};
use crate::compose::{Letter, Recipient};
use crate::error::AuthError;
use crate::outbox::Mail;
use crate::secret::{Password, Token, TokenHash};
use crate::session::{self, Stage};
use crate::signin::StepResult;
use crate::throttle::{self, Scope};
use crate::tx::Tx;
use crate::{Auth, RequestMeta};
use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, TokenResponse, TokenUrl,
};
use pforte_shared::Msg;
use pforte_shared::i18n::fill;
use pforte_shared::identifier::normalize_email;
use pforte_shared::next::safe_next;
pub use pforte_shared::types::GoogleFailure;
use pforte_shared::types::{GoogleAccountView, LinkedGoogleView};
use sqlx::Row;
use std::time::Duration;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

pub const GOOGLE_AUTH_URL: &str = "https://accounts.google.com/o/oauth2/v2/auth";
pub const GOOGLE_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";
pub const GOOGLE_USERINFO_URL: &str = "https://openidconnect.googleapis.com/v1/userinfo";

/// How long a browser has to come back from the provider.
pub const PENDING_SECS: i64 = 10 * 60;

/// The longest the token and userinfo calls may take, each.
pub const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// The path of the callback under `PFORTE_PUBLIC_URL`: the redirect URI registered at the provider.
pub const CALLBACK_PATH: &str = "/auth/google/callback";

/// `PFORTE_GOOGLE_*`: the client registered at the provider and where the provider answers.
#[derive(Clone)]
pub struct GoogleSettings {
    pub client_id: String,
    pub client_secret: Zeroizing<String>,
    pub auth_url: String,
    pub token_url: String,
    pub userinfo_url: String,
    /// [`PROVIDER_TIMEOUT`]; shorter in tests.
    pub timeout: Duration,
}

impl std::fmt::Debug for GoogleSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleSettings")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("auth_url", &self.auth_url)
            .field("token_url", &self.token_url)
            .field("userinfo_url", &self.userinfo_url)
            .finish()
    }
}

impl GoogleSettings {
    /// A client at Google's own endpoints.
    pub fn google(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        GoogleSettings {
            client_id: client_id.into(),
            client_secret: Zeroizing::new(client_secret.into()),
            auth_url: GOOGLE_AUTH_URL.to_owned(),
            token_url: GOOGLE_TOKEN_URL.to_owned(),
            userinfo_url: GOOGLE_USERINFO_URL.to_owned(),
            timeout: PROVIDER_TIMEOUT,
        }
    }

    /// The origin of the authorization URL: where the "Sign in with Google" form leads (the
    /// pages' Content-Security-Policy lets forms go there).
    pub fn auth_origin(&self) -> Option<String> {
        url::Url::parse(&self.auth_url)
            .ok()
            .map(|u| u.origin().ascii_serialization())
            .filter(|o| o != "null")
    }
}

/// A started sign-in: where to send the browser, and the cookie that binds the sign-in to it.
pub struct GoogleStart {
    pub location: String,
    pub browser: Token,
}

impl std::fmt::Debug for GoogleStart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleStart").finish_non_exhaustive()
    }
}

/// The callback's query, as the provider sent it (`Debug` leaves out the code and state).
#[derive(Default, serde::Deserialize)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

impl std::fmt::Debug for CallbackQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackQuery")
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

/// A Google sign-in that went through: the session, and where to land.
#[derive(Debug)]
pub struct GoogleSignIn {
    pub step: StepResult,
    pub next: String,
}

/// A Google sign-in that did not: why, and where the browser was going.
#[derive(Debug)]
pub struct GoogleRefusal {
    pub failure: GoogleFailure,
    pub next: String,
}

/// What the provider says about the person.
#[derive(Debug, serde::Deserialize)]
struct UserInfo {
    sub: String,
    #[serde(default)]
    email: Option<String>,
    /// Google sends a boolean; some providers send the string "true".
    #[serde(default)]
    email_verified: serde_json::Value,
}

impl UserInfo {
    fn verified(&self) -> bool {
        matches!(&self.email_verified, serde_json::Value::Bool(true))
            || matches!(&self.email_verified, serde_json::Value::String(s) if s == "true")
    }
}

/// The condition on users that an address (the query's parameter `param`, e.g. `$1`) may link to:
/// the one whose admin-entered Google address it is; for a user without one, their Pforte email
/// unless Google was turned off for them (`google_unlinked_at`: "Unlink", "This wasn't me", an
/// admin clearing the address).
fn address_matches(param: &str) -> String {
    format!(
        "(google_email = {param} OR (google_email IS NULL AND email = {param} \
         AND google_unlinked_at IS NULL))"
    )
}

/// Turns Google sign-in off for `user`, in the caller's unit of work (the user's row locked): the
/// link and the admin-entered address go, and their own email links nothing until an admin enters
/// an address. A dropped link is audited with `how`. True when a Google account was linked.
pub(crate) async fn turn_off(tx: &mut Tx<'_>, user: &User, how: &str) -> Result<bool, AuthError> {
    let now = tx.now();
    sqlx::query(
        "UPDATE users SET google_sub = NULL, google_linked_email = NULL, google_linked_at = NULL, \
         google_email = NULL, google_unlinked_at = $1, updated_at = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(user.id)
    .execute(tx.conn())
    .await?;
    let linked = user.google_sub.is_some();
    if linked {
        tx.audit(Event::for_user(user, EventKind::GoogleUnlinked).detail(how))
            .await?;
    }
    Ok(linked)
}

/// Whom a Google identity names.
enum Match {
    /// The user linked to its `sub`.
    Linked(User),
    /// The one unlinked user with this (verified, normalised) address: linked on success.
    ByAddress(User, String),
    /// Nobody, and why (for the audit row).
    Nobody(&'static str),
}

/// The stored half of a started sign-in.
struct Pending {
    state_hash: String,
    verifier: String,
    next: String,
    /// Past its 10 minutes when it was taken.
    expired: bool,
}

/// What the secret key binds a sealed verifier to: its row.
fn verifier_context(browser: &TokenHash) -> String {
    format!("google_sign_ins.verifier {}", browser.as_str())
}

/// The most a provider's `sub` may be long (Google's is 21 digits).
const MAX_SUB_LEN: usize = 255;

/// The "Google account linked" mail, with its "This wasn't me" link `not_me`.
pub fn linked_mail(
    public_url: &str,
    to: Recipient<'_>,
    google_email: &str,
    at: i64,
    not_me: &str,
) -> Mail {
    let lang = to.lang;
    let body = fill(
        &fill(Msg::GoogleLinkedMailBody.text(lang), "google", google_email),
        "time",
        &to.time(at),
    );
    Letter::to(to, Msg::GoogleLinkedMailSubject.text(lang))
        .text(body)
        .action(
            Msg::GoogleLinkedMailAction.text(lang),
            format!("{public_url}/account/security"),
        )
        .not_me(not_me)
        .build()
}

impl Auth {
    /// Whether "Sign in with Google" is configured.
    pub fn google_enabled(&self) -> bool {
        self.settings.google.is_some()
    }

    /// Whether an admin entered a Google address for the user.
    pub(crate) async fn has_google_address(&self, user_id: i64) -> Result<bool, AuthError> {
        Ok(self.user_by_id(user_id).await?.google_email.is_some())
    }

    fn google(&self) -> Result<&GoogleSettings, AuthError> {
        self.settings
            .google
            .as_ref()
            .ok_or(AuthError::NotFound("Google sign-in"))
    }

    fn oauth_client(
        &self,
        google: &GoogleSettings,
    ) -> Result<
        BasicClient<
            oauth2::EndpointSet,
            oauth2::EndpointNotSet,
            oauth2::EndpointNotSet,
            oauth2::EndpointNotSet,
            oauth2::EndpointSet,
        >,
        AuthError,
    > {
        let bad = |what: &str| AuthError::Provider(format!("{what} is not a valid URL"));
        Ok(BasicClient::new(ClientId::new(google.client_id.clone()))
            .set_client_secret(ClientSecret::new(google.client_secret.to_string()))
            .set_auth_uri(AuthUrl::new(google.auth_url.clone()).map_err(|_| bad("auth URL"))?)
            .set_token_uri(TokenUrl::new(google.token_url.clone()).map_err(|_| bad("token URL"))?)
            .set_redirect_uri(
                RedirectUrl::new(format!("{}{CALLBACK_PATH}", self.settings.public_url))
                    .map_err(|_| bad("public URL"))?,
            ))
    }

    /// "Sign in with Google": stores a new sign-in for this browser (`state`, the PKCE verifier,
    /// `next`) and returns the provider's URL with the cookie that binds it to the browser.
    /// Counts against the IP like a failed sign-in until one completes.
    pub async fn start_google(
        &self,
        next: Option<&str>,
        meta: &RequestMeta,
    ) -> Result<GoogleStart, AuthError> {
        let google = self.google()?;
        let client = self.oauth_client(google)?;
        let (browser, state) = (Token::generate(), Token::generate());
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let state_value = state.expose().to_owned();
        let (url, _) = client
            .authorize_url(move || CsrfToken::new(state_value))
            .add_scope(oauth2::Scope::new("openid".into()))
            .add_scope(oauth2::Scope::new("email".into()))
            .add_scope(oauth2::Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        let mut tx = self.begin(meta).await?;
        throttle::count_ip(&mut tx, Scope::IpSignIn).await?;
        let browser_hash = browser.hash();
        let sealed = self.settings.secret_key.seal(
            verifier.secret().as_bytes(),
            &verifier_context(&browser_hash),
        );
        sqlx::query(
            "INSERT INTO google_sign_ins (browser_hash, state_hash, verifier, next, created_at, \
             expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(browser_hash.as_str())
        .bind(state.hash().as_str())
        .bind(sealed)
        .bind(safe_next(next))
        .bind(tx.now())
        .bind(tx.now() + PENDING_SECS)
        .execute(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(GoogleStart {
            location: url.to_string(),
            browser,
        })
    }

    /// The provider's callback. Whatever happens, the browser's started sign-in is used up
    /// first; then `state`, the provider's answer, the code (with the verifier) and the identity
    /// are checked, and only a user the identity names gets a session — at the app-code step
    /// when two-factor authentication is on. Nothing is created for anyone else.
    pub async fn finish_google(
        &self,
        browser: Option<&str>,
        query: &CallbackQuery,
        previous_session: Option<&str>,
        meta: &RequestMeta,
    ) -> Result<GoogleSignIn, GoogleRefusal> {
        let mut next = "/".to_owned();
        match self
            .finish_google_inner(browser, query, previous_session, meta, &mut next)
            .await
        {
            Ok(Ok(step)) => Ok(GoogleSignIn { step, next }),
            Ok(Err(failure)) => Err(GoogleRefusal { failure, next }),
            Err(error) => {
                tracing::error!(%error, "Google sign-in failed");
                Err(GoogleRefusal {
                    failure: GoogleFailure::Unavailable,
                    next,
                })
            }
        }
    }

    async fn finish_google_inner(
        &self,
        browser: Option<&str>,
        query: &CallbackQuery,
        previous_session: Option<&str>,
        meta: &RequestMeta,
        next: &mut String,
    ) -> Result<Result<StepResult, GoogleFailure>, AuthError> {
        let google = self.google()?;
        let browser = browser.and_then(TokenHash::of_presented);
        let pending = match &browser {
            Some(hash) => self.take_pending(hash, meta).await?,
            None => None,
        };
        let (Some(browser), Some(pending)) = (browser, pending) else {
            return self
                .refuse(
                    None,
                    GoogleFailure::Refused,
                    "no sign-in started in this browser",
                    meta,
                )
                .await;
        };
        *next = pending.next.clone();
        if pending.expired {
            return self
                .refuse(None, GoogleFailure::Refused, "expired", meta)
                .await;
        }
        let state_ok = query
            .state
            .as_deref()
            .and_then(TokenHash::of_presented)
            .is_some_and(|s| {
                bool::from(s.as_str().as_bytes().ct_eq(pending.state_hash.as_bytes()))
            });
        if !state_ok {
            return self
                .refuse(None, GoogleFailure::Refused, "state mismatch", meta)
                .await;
        }
        if let Some(error) = &query.error {
            let (failure, detail) = if error == "access_denied" {
                (GoogleFailure::Cancelled, "cancelled at the provider")
            } else {
                (
                    GoogleFailure::Unavailable,
                    "provider answered with an error",
                )
            };
            return self.refuse(None, failure, detail, meta).await;
        }
        let Some(code) = query.code.as_deref().filter(|c| !c.is_empty()) else {
            return self
                .refuse(None, GoogleFailure::Refused, "no code", meta)
                .await;
        };
        let Ok(verifier) = self
            .settings
            .secret_key
            .open(&pending.verifier, &verifier_context(&browser))
        else {
            return self
                .refuse(None, GoogleFailure::Refused, "verifier does not open", meta)
                .await;
        };
        let verifier = Zeroizing::new(String::from_utf8_lossy(&verifier).into_owned());
        let info = match self.identity(google, code, &verifier).await {
            Ok(info) => info,
            Err(reason) => {
                tracing::warn!(reason, "Google sign-in: the provider did not confirm");
                return self
                    .refuse(None, GoogleFailure::Unavailable, reason, meta)
                    .await;
            }
        };
        self.google_user_signs_in(&info, previous_session, meta)
            .await
    }

    /// Takes (deletes and returns) the sign-in this browser started: at most one caller gets it.
    async fn take_pending(
        &self,
        browser: &TokenHash,
        meta: &RequestMeta,
    ) -> Result<Option<Pending>, AuthError> {
        let mut tx = self.begin(meta).await?;
        let row = sqlx::query(
            "DELETE FROM google_sign_ins WHERE browser_hash = $1 \
             RETURNING state_hash, verifier, next, expires_at",
        )
        .bind(browser.as_str())
        .fetch_optional(tx.conn())
        .await?;
        let now = tx.now();
        tx.commit().await?;
        let Some(row) = row else {
            return Ok(None);
        };
        Ok(Some(Pending {
            state_hash: row.try_get("state_hash")?,
            verifier: row.try_get("verifier")?,
            next: row.try_get("next")?,
            expired: now >= row.try_get::<i64, _>("expires_at")?,
        }))
    }

    /// Records a refused Google sign-in (about `user`, when one was found), counted against the
    /// IP like a failed password: past the IP's limit nothing more is recorded, and the answer is
    /// [`GoogleFailure::TooMany`].
    async fn refuse<T>(
        &self,
        user: Option<&User>,
        failure: GoogleFailure,
        detail: &str,
        meta: &RequestMeta,
    ) -> Result<Result<T, GoogleFailure>, AuthError> {
        let mut tx = self.begin(meta).await?;
        match throttle::count_ip(&mut tx, Scope::IpSignIn).await {
            Err(AuthError::RateLimited { .. }) => return Ok(Err(GoogleFailure::TooMany)),
            other => other?,
        }
        let event = match user {
            Some(u) => Event::for_user(u, EventKind::SignInGoogle),
            None => Event::anonymous(EventKind::SignInGoogle),
        };
        tx.audit(event.failed().detail(detail)).await?;
        tx.commit().await?;
        Ok(Err(failure))
    }

    /// The code and verifier exchanged for an access token, and the identity it reads. Errors
    /// name what failed (never a token).
    async fn identity(
        &self,
        google: &GoogleSettings,
        code: &str,
        verifier: &str,
    ) -> Result<UserInfo, &'static str> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(google.timeout)
            .build()
            .map_err(|_| "no HTTP client")?;
        let client = self.oauth_client(google).map_err(|_| "bad settings")?;
        let token = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_owned()))
            .request_async(&http)
            .await
            .map_err(|e| match e {
                oauth2::RequestTokenError::ServerResponse(_) => "token endpoint refused the code",
                oauth2::RequestTokenError::Request(_) => "token endpoint not reached",
                oauth2::RequestTokenError::Parse(..) => "token endpoint answer unreadable",
                oauth2::RequestTokenError::Other(_) => "token endpoint failed",
            })?;
        let response = http
            .get(&google.userinfo_url)
            .bearer_auth(token.access_token().secret())
            .send()
            .await
            .map_err(|_| "userinfo endpoint not reached")?;
        if !response.status().is_success() {
            return Err("userinfo endpoint refused");
        }
        let info: UserInfo = response
            .json()
            .await
            .map_err(|_| "userinfo answer unreadable")?;
        if info.sub.is_empty() || info.sub.len() > MAX_SUB_LEN {
            return Err("userinfo without a usable sub");
        }
        Ok(info)
    }

    /// The user a Google identity names: the one linked to its `sub`; else, with a verified
    /// email, the one unlinked user whose Google address (or email) it is. Several such users
    /// name none: the address is ambiguous.
    async fn google_user(&self, info: &UserInfo) -> Result<Match, AuthError> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE google_sub = $1"
        ))
        .bind(&info.sub)
        .fetch_optional(&self.store.pool)
        .await?;
        if let Some(row) = row {
            return Ok(Match::Linked(account::user_from_row(&row)?));
        }
        let email = match info.email.as_deref().map(normalize_email) {
            Some(Ok(email)) if info.verified() => email,
            Some(Ok(_)) => return Ok(Match::Nobody("email not verified")),
            _ => return Ok(Match::Nobody("no usable email")),
        };
        // An admin-entered Google address comes before a Pforte email.
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE google_sub IS NULL AND {} \
             ORDER BY google_email IS NULL, id LIMIT 2",
            address_matches("$1")
        ))
        .bind(&email)
        .fetch_all(&self.store.pool)
        .await?;
        let users = rows
            .iter()
            .map(account::user_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(match users.as_slice() {
            [] => Match::Nobody("no user with this address"),
            [only] => Match::ByAddress(only.clone(), email),
            // Within one company account only: across accounts, an address one admin entered
            // must not capture another account's user.
            [entered, by_email]
                if entered.google_email.is_some()
                    && by_email.google_email.is_none()
                    && entered.account_id == by_email.account_id =>
            {
                Match::ByAddress(entered.clone(), email)
            }
            _ => Match::Nobody("address names several users"),
        })
    }

    /// Signs in the user a verified Google identity names, linking it on first use, in one unit
    /// of work with the user's row locked.
    async fn google_user_signs_in(
        &self,
        info: &UserInfo,
        previous_session: Option<&str>,
        meta: &RequestMeta,
    ) -> Result<Result<StepResult, GoogleFailure>, AuthError> {
        let (found, address) = match self.google_user(info).await? {
            Match::Linked(user) => (user, None),
            Match::ByAddress(user, address) => (user, Some(address)),
            Match::Nobody(why) => {
                return self.refuse(None, GoogleFailure::Refused, why, meta).await;
            }
        };
        let mut tx = self.begin(meta).await?;
        let mut user = account::locked_user(&mut tx, found.id).await?;
        throttle::uncount_ip(&mut tx, Scope::IpSignIn).await?;
        if user.status == UserStatus::Disabled {
            drop(tx);
            return self
                .refuse(Some(&user), GoogleFailure::Refused, "user not active", meta)
                .await;
        }
        if !user.two_factor {
            // Signed in with this step (with two-factor on, the app's code completes it).
            account::adopt_browser_zone(&mut tx, &mut user).await?;
        }
        if let Some(address) = &address {
            // Linked only while the address still names this user, unlinked: an admin's edit or
            // an "Unlink" since the lookup, or another Google account linked meanwhile, wins.
            let done = sqlx::query(&format!(
                "UPDATE users SET google_sub = $1, google_linked_email = $2, google_linked_at = $3, \
                 updated_at = $3 WHERE id = $4 AND google_sub IS NULL AND {}",
                address_matches("$2")
            ))
            .bind(&info.sub)
            .bind(address)
            .bind(tx.now())
            .bind(user.id)
            .execute(tx.conn())
            .await;
            let linked = match done {
                Ok(done) => done.rows_affected() == 1,
                // The `sub` was linked to another user meanwhile (its unique key).
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => false,
                Err(e) => return Err(e.into()),
            };
            if !linked {
                drop(tx);
                return self
                    .refuse(
                        Some(&user),
                        GoogleFailure::Refused,
                        "changed meanwhile",
                        meta,
                    )
                    .await;
            }
            tx.audit(Event::for_user(&user, EventKind::GoogleLinked))
                .await?;
            let not_me =
                crate::not_me::new_link(&mut tx, user.id, crate::not_me::About::Google).await?;
            let mail = linked_mail(
                &tx.settings().public_url,
                user.recipient(),
                address,
                tx.now(),
                &not_me,
            );
            tx.queue_mail(&mail).await?;
        } else if user.google_sub.as_deref() != Some(info.sub.as_str()) {
            drop(tx);
            return self
                .refuse(
                    Some(&user),
                    GoogleFailure::Refused,
                    "unlinked meanwhile",
                    meta,
                )
                .await;
        }
        if user.status == UserStatus::Invited {
            // The first sign-in of an invited user: a password left by an unfinished stepper is
            // not theirs to keep, and every open invitation is used up.
            forget_unfinished_password(&mut tx, user.id).await?;
            sqlx::query(
                "UPDATE invitations SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
            )
            .bind(tx.now())
            .bind(user.id)
            .execute(tx.conn())
            .await?;
            sqlx::query("UPDATE users SET status = $1, updated_at = $2 WHERE id = $3")
                .bind(UserStatus::Active.as_str())
                .bind(tx.now())
                .bind(user.id)
                .execute(tx.conn())
                .await?;
            tx.audit(Event::for_user(&user, EventKind::InvitationUsed).detail("Google"))
                .await?;
        }
        if let Some(previous) = previous_session.and_then(TokenHash::of_presented) {
            session::delete(&mut tx, &previous).await?;
        }
        let stage = if user.two_factor {
            Stage::AwaitingTotp
        } else {
            Stage::Complete
        };
        let token = session::insert(&mut tx, user.id, stage).await?;
        tx.audit(
            Event::for_user(&user, EventKind::SignInGoogle)
                .detail(format!("next={}", stage.as_str())),
        )
        .await?;
        if stage == Stage::Complete {
            tx.audit(Event::for_user(&user, EventKind::SignedIn).detail("Google"))
                .await?;
        }
        tx.commit().await?;
        Ok(Ok(StepResult {
            token,
            stage,
            user_id: user.id,
            device: None,
        }))
    }
}

impl Auth {
    /// The Google part of `/account/security`.
    pub async fn google_account(&self, user: &User) -> Result<GoogleAccountView, AuthError> {
        let row =
            sqlx::query("SELECT google_linked_email, google_linked_at FROM users WHERE id = $1")
                .bind(user.id)
                .fetch_one(&self.store.pool)
                .await?;
        let linked = match (
            &user.google_sub,
            row.try_get::<Option<String>, _>("google_linked_email")?,
            row.try_get::<Option<i64>, _>("google_linked_at")?,
        ) {
            (Some(_), Some(email), Some(at)) => Some(LinkedGoogleView { email, at }),
            _ => None,
        };
        Ok(GoogleAccountView {
            linked,
            address: user.google_email.clone(),
            has_password: user.password_hash.is_some(),
        })
    }

    /// "Unlink" on `/account/security`: needs the password, so a user without one (activated
    /// by Google) chooses one first through a reset. Google sign-in is then off for the user
    /// ([`turn_off`]), and every other session ends (one may be the Google account's).
    pub async fn unlink_google(
        &self,
        user: &User,
        session: &str,
        current: Password,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        if user.password_hash.is_none() {
            return Err(AuthError::invalid(
                "current_password",
                Msg::GoogleUnlinkNeedsPassword,
            ));
        }
        let now = self
            .confirm_password(user, current, EventKind::GoogleUnlinked, meta)
            .await?;
        let mut tx = self.begin_at(now, meta).await?;
        let user = account::locked_user(&mut tx, user.id).await?;
        if user.google_sub.is_none() {
            return Err(AuthError::invalid("current_password", Msg::GoogleNotLinked));
        }
        turn_off(&mut tx, &user, "Unlink").await?;
        session::end_others(&mut tx, user.id, session).await?;
        tx.commit().await
    }

    /// "Edit" on `/admin/users`: the Google address of a user of the admin's account. A new
    /// address replaces the old one and drops a linked Google account; an empty one turns Google
    /// sign-in off for the user ([`turn_off`]: not even their own email links). Dropping a link
    /// ends the user's sessions, one of which may be that Google account's. Only users, and the
    /// admin themselves, unless the admin is the owner: another admin could otherwise sign in as
    /// an admin. Audited with the admin. Returns the user.
    pub async fn set_google_address(
        &self,
        admin: &User,
        user_id: i64,
        address: &str,
        meta: &RequestMeta,
    ) -> Result<User, AuthError> {
        let target = self.managed_user(admin, user_id).await?;
        if !account::may_edit_google_address(admin, &target) {
            return Err(AuthError::invalid("google_email", Msg::CannotEditOwner));
        }
        let address = account::clean_google_email(Some(address))?;
        let meta = meta.clone().acting(admin.id);
        let mut tx = self.begin(&meta).await?;
        let target = account::locked_user(&mut tx, target.id).await?;
        // Saving what is already there changes nothing (an empty address: when Google sign-in
        // is already off for the user).
        let unchanged = match &address {
            Some(_) => target.google_email == address,
            None => {
                target.google_email.is_none()
                    && target.google_sub.is_none()
                    && sqlx::query(
                        "SELECT 1 FROM users WHERE id = $1 AND google_unlinked_at IS NOT NULL",
                    )
                    .bind(target.id)
                    .fetch_optional(tx.conn())
                    .await?
                    .is_some()
            }
        };
        if unchanged {
            return Ok(target);
        }
        if let Some(address) = &address {
            account::refuse_taken_google_address(&mut tx, address, target.id).await?;
        }
        let dropped = match &address {
            None => turn_off(&mut tx, &target, "Google address cleared by an admin").await?,
            Some(address) => {
                sqlx::query(
                    "UPDATE users SET google_email = $1, google_sub = NULL, \
                     google_linked_email = NULL, google_linked_at = NULL, \
                     google_unlinked_at = NULL, updated_at = $2 WHERE id = $3",
                )
                .bind(address)
                .bind(tx.now())
                .bind(target.id)
                .execute(tx.conn())
                .await?;
                if target.google_sub.is_some() {
                    tx.audit(
                        Event::for_user(&target, EventKind::GoogleUnlinked)
                            .detail("Google address changed by an admin"),
                    )
                    .await?;
                }
                target.google_sub.is_some()
            }
        };
        if dropped {
            session::end_all(&mut tx, target.id).await?;
        }
        tx.audit(Event::for_user(&target, EventKind::GoogleAddressChanged))
            .await?;
        tx.commit().await?;
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_verified_is_true_only_when_the_provider_says_so() {
        let parse = |json: &str| serde_json::from_str::<UserInfo>(json).map(|i| i.verified());
        assert_eq!(
            parse(r#"{"sub":"1","email_verified":true}"#).ok(),
            Some(true)
        );
        assert_eq!(
            parse(r#"{"sub":"1","email_verified":"true"}"#).ok(),
            Some(true)
        );
        assert_eq!(
            parse(r#"{"sub":"1","email_verified":false}"#).ok(),
            Some(false)
        );
        assert_eq!(
            parse(r#"{"sub":"1","email_verified":"yes"}"#).ok(),
            Some(false)
        );
        assert_eq!(parse(r#"{"sub":"1"}"#).ok(), Some(false));
    }

    #[test]
    fn the_client_secret_stays_out_of_debug_output() {
        let s = GoogleSettings::google("id", "very-secret-value");
        assert!(!format!("{s:?}").contains("very-secret-value"));
    }
}
