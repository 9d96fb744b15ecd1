//! Pforte as an OpenID Connect provider for the company's own applications: registered clients,
//! the signing keys, authorization codes, tokens, userinfo and logout.
//!
//! - A client belongs to one company account; only that account's active users get a code for it.
//!   Confidential clients prove themselves with a secret (a 256-bit token, stored as SHA-256);
//!   public ones only with PKCE, which they must use (S256; `plain` is refused for everyone).
//! - Codes are 256-bit tokens stored as SHA-256: single use, [`CODE_SECS`], bound to the client,
//!   the redirect URI (compared exactly) and the PKCE challenge. A code given a second time
//!   revokes the access tokens it produced.
//! - ID tokens are signed with Ed25519 (`EdDSA`, `jsonwebtoken`); the private keys are sealed with
//!   the secret key. Rotating makes a new key sign; the old one stays in the JWKS for
//!   [`RETIRED_KEY_SECS`], longer than any token it signed lives.
//! - Access tokens are opaque 256-bit tokens (SHA-256 stored), [`ACCESS_TOKEN_SECS`], good for the
//!   userinfo endpoint only.

use crate::account::{self, User, UserStatus, clean_name, require_admin};
use crate::audit::{Event, EventKind, Outcome};
use crate::error::AuthError;
use crate::secret::{Token, TokenHash};
use crate::session::{LIVE, Session, bind_live};
use crate::tx::Tx;
use crate::{Auth, RequestMeta};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use pforte_shared::Msg;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

/// How long an authorization code can be exchanged.
pub const CODE_SECS: i64 = 60;
/// How long an access token (and an ID token) is good for.
pub const ACCESS_TOKEN_SECS: i64 = 10 * 60;
/// How long a retired signing key stays published: well past the last token it signed.
pub const RETIRED_KEY_SECS: i64 = 24 * 60 * 60;
/// The most redirect URIs one client may register.
pub const MAX_REDIRECT_URIS: usize = 10;
/// The scopes Pforte knows; others asked for are left out of the grant.
pub const SCOPES: [&str; 3] = ["openid", "email", "profile"];
/// The customer number and the role in ID tokens and userinfo, named so that they cannot clash
/// with registered claims.
pub const CLAIM_CUSTOMER_NUMBER: &str = "pforte_customer_number";
pub const CLAIM_ROLE: &str = "pforte_role";

/// A registered application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Client {
    pub client_id: String,
    pub account_id: i64,
    pub name: String,
    /// Without a secret: it proves itself with PKCE alone.
    pub public: bool,
    pub redirect_uris: Vec<String>,
    pub created_at: i64,
}

/// What registering an application asks for.
#[derive(Clone, Debug)]
pub struct NewClient {
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub public: bool,
}

const CLIENT_COLUMNS: &str = "client_id, account_id, name, secret_hash, redirect_uris, created_at";

fn client_from_row(row: &AnyRow) -> Result<Client, sqlx::Error> {
    let uris: String = row.try_get("redirect_uris")?;
    Ok(Client {
        client_id: row.try_get("client_id")?,
        account_id: row.try_get("account_id")?,
        name: row.try_get("name")?,
        public: row.try_get::<Option<String>, _>("secret_hash")?.is_none(),
        redirect_uris: uris.lines().map(str::to_owned).collect(),
        created_at: row.try_get("created_at")?,
    })
}

/// A redirect URI as registered: an absolute `https://` URL (`http://` only to this computer, for
/// apps running on it), without user information or fragment, of visible ASCII.
pub fn check_redirect_uri(raw: &str) -> Result<String, AuthError> {
    let bad = || AuthError::invalid("redirect_uri", Msg::InvalidRedirectUri);
    let uri = raw.trim();
    if uri.is_empty() || uri.len() > 2000 || !uri.chars().all(|c| c.is_ascii_graphic()) {
        return Err(bad());
    }
    let url = url::Url::parse(uri).map_err(|_| bad())?;
    let host = url.host_str().unwrap_or_default();
    let scheme_ok = match url.scheme() {
        "https" => !host.is_empty(),
        "http" => pforte_shared::text::is_loopback_host(host),
        _ => false,
    };
    if !scheme_ok
        || !url.username().is_empty()
        || url.password().is_some()
        || url.fragment().is_some()
    {
        return Err(bad());
    }
    Ok(uri.to_owned())
}

fn check_redirect_uris(raw: &[String]) -> Result<Vec<String>, AuthError> {
    let mut uris = Vec::new();
    for uri in raw.iter().filter(|u| !u.trim().is_empty()) {
        let uri = check_redirect_uri(uri)?;
        if !uris.contains(&uri) {
            uris.push(uri);
        }
    }
    if uris.is_empty() {
        return Err(AuthError::invalid("redirect_uri", Msg::FieldRequired));
    }
    if uris.len() > MAX_REDIRECT_URIS {
        return Err(AuthError::invalid("redirect_uri", Msg::TooManyRedirectUris));
    }
    Ok(uris)
}

/// A client ID: 128 random bits, hex. Not a secret.
fn new_client_id() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// Whether `id` can be a client ID (32 lower-case hex digits): anything else is looked up nowhere.
fn is_client_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The base64url SHA-256 of a PKCE verifier (S256).
fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A PKCE verifier or challenge: 43–128 characters of `A-Z a-z 0-9 - . _ ~`.
fn is_pkce_value(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

impl Auth {
    /// Registers an application for the account; returns it and, for a confidential client, its
    /// secret — shown once, stored only as its SHA-256.
    pub async fn create_client(
        &self,
        account_id: i64,
        new: NewClient,
        meta: &RequestMeta,
    ) -> Result<(Client, Option<Token>), AuthError> {
        let name = clean_name("name", &new.name, true)?;
        let redirect_uris = check_redirect_uris(&new.redirect_uris)?;
        let secret = (!new.public).then(Token::generate);
        let mut tx = self.begin(meta).await?;
        let account = account::account_in(tx.conn(), account_id).await?;
        let client = Client {
            client_id: new_client_id(),
            account_id: account.id,
            name,
            public: new.public,
            redirect_uris,
            created_at: tx.now(),
        };
        sqlx::query(
            "INSERT INTO oidc_clients (client_id, account_id, name, secret_hash, redirect_uris, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&client.client_id)
        .bind(client.account_id)
        .bind(&client.name)
        .bind(secret.as_ref().map(|s| s.hash().as_str().to_owned()))
        .bind(client.redirect_uris.join("\n"))
        .bind(client.created_at)
        .execute(tx.conn())
        .await?;
        tx.audit(app_event(&client, EventKind::OidcClientCreated))
            .await?;
        tx.commit().await?;
        Ok((client, secret))
    }

    /// [`Auth::create_client`] by an admin, for their own account.
    pub async fn create_client_as(
        &self,
        admin: &User,
        new: NewClient,
        meta: &RequestMeta,
    ) -> Result<(Client, Option<Token>), AuthError> {
        require_admin(admin)?;
        self.create_client(admin.account_id, new, &meta.clone().acting(admin.id))
            .await
    }

    /// The applications of an account, oldest first.
    pub async fn clients_of(&self, account_id: i64) -> Result<Vec<Client>, AuthError> {
        let rows = sqlx::query(&format!(
            "SELECT {CLIENT_COLUMNS} FROM oidc_clients WHERE account_id = $1 \
             ORDER BY created_at, client_id"
        ))
        .bind(account_id)
        .fetch_all(&self.store.pool)
        .await?;
        Ok(rows.iter().map(client_from_row).collect::<Result<_, _>>()?)
    }

    /// The application with this client ID, if any.
    pub async fn client(&self, client_id: &str) -> Result<Option<Client>, AuthError> {
        let row = self.client_row(client_id).await?;
        Ok(row.as_ref().map(client_from_row).transpose()?)
    }

    /// The stored row of the application with this client ID (its secret's hash included), if
    /// any; a value that cannot be a client ID is looked up nowhere.
    async fn client_row(&self, client_id: &str) -> Result<Option<AnyRow>, AuthError> {
        if !is_client_id(client_id) {
            return Ok(None);
        }
        Ok(sqlx::query(&format!(
            "SELECT {CLIENT_COLUMNS} FROM oidc_clients WHERE client_id = $1"
        ))
        .bind(client_id)
        .fetch_optional(&self.store.pool)
        .await?)
    }

    /// An admin's application: one of their own account's, else `NotFound`.
    async fn managed_client(
        &self,
        tx: &mut Tx<'_>,
        admin: &User,
        client_id: &str,
    ) -> Result<Client, AuthError> {
        require_admin(admin)?;
        if !is_client_id(client_id) {
            return Err(AuthError::NotFound("application"));
        }
        let row = sqlx::query(&format!(
            "SELECT {CLIENT_COLUMNS} FROM oidc_clients WHERE client_id = $1 AND account_id = $2"
        ))
        .bind(client_id)
        .bind(admin.account_id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(AuthError::NotFound("application"))?;
        Ok(client_from_row(&row)?)
    }

    /// A new secret for a confidential application; the old one stops working at once.
    pub async fn rotate_client_secret(
        &self,
        admin: &User,
        client_id: &str,
        meta: &RequestMeta,
    ) -> Result<(Client, Token), AuthError> {
        let meta = meta.clone().acting(admin.id);
        let mut tx = self.begin(&meta).await?;
        let client = self.managed_client(&mut tx, admin, client_id).await?;
        if client.public {
            return Err(AuthError::Conflict("a public application has no secret"));
        }
        let secret = Token::generate();
        sqlx::query("UPDATE oidc_clients SET secret_hash = $1 WHERE client_id = $2")
            .bind(secret.hash().as_str())
            .bind(&client.client_id)
            .execute(tx.conn())
            .await?;
        tx.audit(app_event(&client, EventKind::OidcClientSecretRotated))
            .await?;
        tx.commit().await?;
        Ok((client, secret))
    }

    /// Deletes an application with its codes and tokens: nobody signs in to it any more.
    pub async fn delete_client(
        &self,
        admin: &User,
        client_id: &str,
        meta: &RequestMeta,
    ) -> Result<(), AuthError> {
        let meta = meta.clone().acting(admin.id);
        let mut tx = self.begin(&meta).await?;
        let client = self.managed_client(&mut tx, admin, client_id).await?;
        for table in ["oidc_tokens", "oidc_codes", "oidc_clients"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE client_id = $1"))
                .bind(&client.client_id)
                .execute(tx.conn())
                .await?;
        }
        tx.audit(app_event(&client, EventKind::OidcClientDeleted))
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn app_event(client: &Client, kind: EventKind) -> Event {
    Event {
        account_id: Some(client.account_id),
        detail: client.described(),
        ..Event::anonymous(kind)
    }
}

impl Client {
    /// "Name (client ID)", as audit rows name it.
    fn described(&self) -> String {
        format!("{} ({})", self.name, self.client_id)
    }
}

// ---------------------------------------------------------------------------------------------
// Signing keys

/// One published key, as the JWKS lists it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct PublicKey {
    pub kty: String,
    pub crv: String,
    pub x: String,
    pub kid: String,
    pub alg: String,
    #[serde(rename = "use")]
    pub use_: String,
}

fn public_key(kid: String, x: String) -> PublicKey {
    PublicKey {
        kty: "OKP".into(),
        crv: "Ed25519".into(),
        x,
        kid,
        alg: "EdDSA".into(),
        use_: "sig".into(),
    }
}

/// What a signing key is sealed for (see `SecretKey::seal`).
fn key_context(kid: &str) -> String {
    format!("oidc_key:{kid}")
}

/// Makes a key and stores it (sealed) as the newest; returns its kid and private key (PKCS#8).
async fn insert_key(tx: &mut Tx<'_>) -> Result<(String, zeroize::Zeroizing<Vec<u8>>), AuthError> {
    use ed25519_dalek::pkcs8::EncodePrivateKey;
    let mut seed = zeroize::Zeroizing::new([0u8; 32]);
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, seed.as_mut());
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    let der = key
        .to_pkcs8_der()
        .map_err(|e| AuthError::Signing(format!("making a signing key: {e}")))?;
    let kid = hex::encode(rand::random::<[u8; 8]>());
    let sealed = tx
        .settings()
        .secret_key
        .seal(der.as_bytes(), &key_context(&kid));
    let x = URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes());
    sqlx::query(
        "INSERT INTO oidc_keys (kid, private_key, public_key, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&kid)
    .bind(sealed)
    .bind(x)
    .bind(tx.now())
    .execute(tx.conn())
    .await?;
    Ok((kid, zeroize::Zeroizing::new(der.as_bytes().to_vec())))
}

/// The newest key not retired, made if there is none: its kid and private key.
async fn signing_key(tx: &mut Tx<'_>) -> Result<(String, jsonwebtoken::EncodingKey), AuthError> {
    let newest = sqlx::query(
        "SELECT kid, private_key FROM oidc_keys WHERE retired_at IS NULL \
         ORDER BY created_at DESC, kid DESC LIMIT 1",
    )
    .fetch_optional(tx.conn())
    .await?;
    let (kid, der) = match newest {
        Some(row) => {
            let kid: String = row.try_get("kid")?;
            let sealed: String = row.try_get("private_key")?;
            let der = tx.settings().secret_key.open(&sealed, &key_context(&kid))?;
            (kid, der)
        }
        None => insert_key(tx).await?,
    };
    Ok((kid, jsonwebtoken::EncodingKey::from_ed_der(&der)))
}

/// Seals every signing key under `new` instead of `old`, in the caller's unit of work (see
/// [`Auth::reseal_secrets`]). Returns how many were sealed anew.
pub(crate) async fn reseal_signing_keys(
    tx: &mut Tx<'_>,
    old: &crate::secret_box::SecretKey,
    new: &crate::secret_box::SecretKey,
) -> Result<usize, AuthError> {
    let rows = sqlx::query("SELECT kid, private_key FROM oidc_keys ORDER BY kid")
        .fetch_all(tx.conn())
        .await?;
    for row in &rows {
        let kid: String = row.try_get("kid")?;
        let context = key_context(&kid);
        let plain = old.open(&row.try_get::<String, _>("private_key")?, &context)?;
        sqlx::query("UPDATE oidc_keys SET private_key = $1 WHERE kid = $2")
            .bind(new.seal(&plain, &context))
            .bind(&kid)
            .execute(tx.conn())
            .await?;
    }
    Ok(rows.len())
}

impl Auth {
    /// Makes the first signing key if there is none (at start, so the JWKS is never empty).
    pub async fn ensure_signing_key(&self) -> Result<(), AuthError> {
        let meta = RequestMeta::default();
        let mut tx = self.begin(&meta).await?;
        signing_key(&mut tx).await?;
        tx.commit().await
    }

    /// A new key signs from now on; the others are retired and stay published for
    /// [`RETIRED_KEY_SECS`]. Returns the new key's kid.
    pub async fn rotate_signing_key(&self, meta: &RequestMeta) -> Result<String, AuthError> {
        let mut tx = self.begin(meta).await?;
        let now = tx.now();
        sqlx::query("UPDATE oidc_keys SET retired_at = $1 WHERE retired_at IS NULL")
            .bind(now)
            .execute(tx.conn())
            .await?;
        let (kid, _) = insert_key(&mut tx).await?;
        tx.audit(Event {
            detail: format!("new key {kid}"),
            ..Event::anonymous(EventKind::OidcSigningKeyRotated)
        })
        .await?;
        tx.commit().await?;
        Ok(kid)
    }

    /// The published keys: the current one and those retired less than [`RETIRED_KEY_SECS`] ago,
    /// newest first.
    pub async fn published_keys(&self) -> Result<Vec<PublicKey>, AuthError> {
        let rows = sqlx::query(
            "SELECT kid, public_key FROM oidc_keys WHERE retired_at IS NULL OR retired_at > $1 \
             ORDER BY created_at DESC, kid DESC",
        )
        .bind(self.now() - RETIRED_KEY_SECS)
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter()
            .map(|row| Ok(public_key(row.try_get("kid")?, row.try_get("public_key")?)))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Authorization

/// The query of `/oauth/authorize`, as it came.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AuthorizeParams {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub prompt: Option<String>,
    pub max_age: Option<String>,
}

/// Why an authorization request is refused.
#[derive(Debug)]
pub enum AuthorizeRefusal {
    /// No such client, or a redirect URI it did not register: shown to the user, never redirected.
    UnknownClient,
    BadRedirectUri,
    /// Anything else goes back to the application as `error=…`.
    ToClient(ClientError),
    Fault(AuthError),
}

impl From<AuthError> for AuthorizeRefusal {
    fn from(e: AuthError) -> Self {
        AuthorizeRefusal::Fault(e)
    }
}

/// An error sent back to the application's redirect URI.
#[derive(Debug, Clone)]
pub struct ClientError {
    pub redirect_uri: String,
    pub error: &'static str,
    pub description: &'static str,
    pub state: Option<String>,
    /// The account of the client it goes back to: only its signed-in users are sent there with
    /// an error (`login_required` aside).
    pub account_id: Option<i64>,
}

impl ClientError {
    /// The redirect URI with `error`, `error_description`, `state` and `iss` added to its query.
    pub fn location(&self, issuer: &str) -> String {
        let mut pairs = vec![
            ("error", self.error),
            ("error_description", self.description),
        ];
        if let Some(state) = &self.state {
            pairs.push(("state", state));
        }
        pairs.push(("iss", issuer));
        with_query(&self.redirect_uri, &pairs)
    }
}

/// `uri` with `pairs` appended to its query (which it may already have).
pub fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    match url::Url::parse(uri) {
        Ok(mut url) => {
            url.query_pairs_mut().extend_pairs(pairs);
            url.to_string()
        }
        Err(_) => uri.to_owned(),
    }
}

/// A checked authorization request.
#[derive(Clone, Debug)]
pub struct Authorization {
    pub client: Client,
    pub redirect_uri: String,
    /// The known scopes asked for, space-separated, `openid` first.
    pub scope: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    /// `prompt=none`: the application wants an answer without any page.
    pub prompt_none: bool,
    /// `prompt=login`: the user signs in anew, even when signed in.
    pub prompt_login: bool,
    /// `max_age`: the user signs in anew when their sign-in is older than this many seconds.
    pub max_age: Option<i64>,
}

/// The longest `state` and `nonce` taken (they travel in URLs, and through the sign-in in `next`).
const MAX_ECHO_LEN: usize = 512;

impl Authorization {
    /// Whether the signed-in user must sign in anew first: `prompt=login`, or a sign-in older
    /// than `max_age`.
    pub fn wants_fresh_sign_in(&self, session: &Session, now: i64) -> bool {
        self.prompt_login
            || self
                .max_age
                .is_some_and(|max| now - session.authenticated_at > max)
    }

    /// The answer to `prompt=none` when nobody is signed in: `login_required`, back to the
    /// application — to anyone, as the protocol has it (the address is one the client registered).
    pub fn login_required(&self) -> ClientError {
        ClientError {
            redirect_uri: self.redirect_uri.clone(),
            error: "login_required",
            description: "the user is not signed in",
            state: self.state.clone(),
            account_id: Some(self.client.account_id),
        }
    }
}

impl Auth {
    /// Checks `/oauth/authorize`'s query against the registered client.
    pub async fn check_authorization(
        &self,
        params: &AuthorizeParams,
    ) -> Result<Authorization, AuthorizeRefusal> {
        let client_id = params.client_id.as_deref().unwrap_or_default();
        let client = match self.client(client_id).await? {
            Some(client) => client,
            None => return Err(AuthorizeRefusal::UnknownClient),
        };
        let redirect_uri = params.redirect_uri.clone().unwrap_or_default();
        if !client.redirect_uris.contains(&redirect_uri) {
            return Err(AuthorizeRefusal::BadRedirectUri);
        }
        let state = params.state.clone().filter(|s| !s.is_empty());
        let refuse = |error, description| {
            AuthorizeRefusal::ToClient(ClientError {
                redirect_uri: redirect_uri.clone(),
                error,
                description,
                state: state.clone().filter(|s| s.len() <= MAX_ECHO_LEN),
                account_id: Some(client.account_id),
            })
        };
        if state.as_ref().is_some_and(|s| s.len() > MAX_ECHO_LEN) {
            return Err(refuse("invalid_request", "state is too long"));
        }
        if params.response_type.as_deref() != Some("code") {
            return Err(refuse(
                "unsupported_response_type",
                "only response_type=code is supported",
            ));
        }
        let asked: Vec<&str> = params
            .scope
            .as_deref()
            .unwrap_or_default()
            .split(' ')
            .collect();
        if !asked.contains(&"openid") {
            return Err(refuse("invalid_scope", "the scope must include openid"));
        }
        let scope = SCOPES
            .iter()
            .filter(|s| asked.contains(s))
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        let nonce = params.nonce.clone().filter(|n| !n.is_empty());
        if nonce
            .as_ref()
            .is_some_and(|n| n.len() > MAX_ECHO_LEN || !n.bytes().all(|b| b.is_ascii_graphic()))
        {
            return Err(refuse(
                "invalid_request",
                "nonce must be at most 512 visible ASCII characters",
            ));
        }
        let code_challenge = params.code_challenge.clone().filter(|c| !c.is_empty());
        match (&code_challenge, params.code_challenge_method.as_deref()) {
            (None, _) if client.public => {
                return Err(refuse(
                    "invalid_request",
                    "a public client must use PKCE with S256",
                ));
            }
            (None, _) => {}
            (Some(challenge), Some("S256")) if is_pkce_value(challenge) => {}
            (Some(_), Some("S256")) => {
                return Err(refuse("invalid_request", "malformed code_challenge"));
            }
            (Some(_), _) => {
                return Err(refuse(
                    "invalid_request",
                    "code_challenge_method must be S256",
                ));
            }
        }
        // `prompt` is a space-separated list; `none` goes with nothing else. `consent` and
        // `select_account` ask for pages Pforte does not have, and are answered without them.
        let prompts: Vec<&str> = params
            .prompt
            .as_deref()
            .unwrap_or_default()
            .split(' ')
            .filter(|p| !p.is_empty())
            .collect();
        if prompts
            .iter()
            .any(|p| !matches!(*p, "none" | "login" | "consent" | "select_account"))
            || (prompts.contains(&"none") && prompts.len() > 1)
        {
            return Err(refuse("invalid_request", "unsupported prompt"));
        }
        let max_age = match params.max_age.as_deref().filter(|m| !m.is_empty()) {
            None => None,
            Some(raw) => match raw.parse::<i64>() {
                Ok(secs) if secs >= 0 => Some(secs),
                _ => {
                    return Err(refuse(
                        "invalid_request",
                        "max_age must be a number of seconds",
                    ));
                }
            },
        };
        Ok(Authorization {
            client,
            redirect_uri,
            scope,
            state,
            nonce,
            code_challenge,
            prompt_none: prompts.contains(&"none"),
            prompt_login: prompts.contains(&"login"),
            max_age,
        })
    }

    /// The answer for a signed-in user: a code sent back to the application (audited as the
    /// user's sign-in to it). A user of another account gets `Forbidden` and nothing is stored.
    pub async fn issue_code(
        &self,
        user: &User,
        session: &Session,
        authorization: &Authorization,
        meta: &RequestMeta,
    ) -> Result<String, AuthError> {
        let client = &authorization.client;
        let mut tx = self.begin(meta).await?;
        // The user as they are now, under their row lock.
        let user = account::locked_user(&mut tx, user.id).await?;
        if user.status != UserStatus::Active || user.account_id != client.account_id {
            return Err(AuthError::Forbidden);
        }
        let code = Token::generate();
        let now = tx.now();
        sqlx::query(
            "INSERT INTO oidc_codes (code_hash, client_id, user_id, redirect_uri, code_challenge, \
             nonce, scope, auth_time, created_at, expires_at, session_hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(code.hash().as_str())
        .bind(&client.client_id)
        .bind(user.id)
        .bind(&authorization.redirect_uri)
        .bind(authorization.code_challenge.clone())
        .bind(authorization.nonce.clone())
        .bind(&authorization.scope)
        .bind(session.authenticated_at)
        .bind(now)
        .bind(now + CODE_SECS)
        .bind(session.hash.as_str())
        .execute(tx.conn())
        .await?;
        tx.audit(Event {
            detail: client.described(),
            ..Event::for_user(&user, EventKind::OidcSignIn)
        })
        .await?;
        tx.commit().await?;
        let mut pairs = vec![("code", code.expose())];
        if let Some(state) = &authorization.state {
            pairs.push(("state", state));
        }
        pairs.push(("iss", &self.settings.public_url));
        Ok(with_query(&authorization.redirect_uri, &pairs))
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens

/// The token endpoint's form, with the client's credentials (from HTTP Basic or the form).
#[derive(Clone, Debug, Default)]
pub struct TokenRequest {
    pub grant_type: Option<String>,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub code_verifier: Option<String>,
}

/// The token endpoint's answer.
#[derive(Clone, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub id_token: String,
    pub scope: String,
}

/// The token endpoint's refusals, as OAuth names them.
#[derive(Debug)]
pub enum TokenError {
    InvalidClient,
    InvalidGrant(&'static str),
    UnsupportedGrantType,
    Fault(AuthError),
}

impl From<AuthError> for TokenError {
    fn from(e: AuthError) -> Self {
        TokenError::Fault(e)
    }
}

impl From<sqlx::Error> for TokenError {
    fn from(e: sqlx::Error) -> Self {
        TokenError::Fault(e.into())
    }
}

/// The ID token's claims.
#[derive(Serialize)]
struct IdTokenClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    exp: i64,
    iat: i64,
    auth_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<String>,
    #[serde(flatten)]
    user: serde_json::Map<String, serde_json::Value>,
}

/// The claims about the user (besides `sub`): `email` and `email_verified` with the `email` scope,
/// `name`, `locale` and `zoneinfo` with `profile`, and always the customer number and the role,
/// which an application needs to tell the company and the admins.
fn user_claims(
    user: &User,
    customer_number: &str,
    scope: &str,
) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::Value;
    let mut claims = serde_json::Map::new();
    let scopes: Vec<&str> = scope.split(' ').collect();
    if scopes.contains(&"email") {
        claims.insert("email".into(), Value::from(user.email.clone()));
        // Every sign-in to Pforte confirms the address with a code mailed to it, or Google
        // vouched for it.
        claims.insert("email_verified".into(), Value::from(true));
    }
    if scopes.contains(&"profile") {
        claims.insert("name".into(), Value::from(user.greeting_name().to_owned()));
        claims.insert("locale".into(), Value::from(user.lang.code().to_owned()));
        claims.insert("zoneinfo".into(), Value::from(user.time_zone.clone()));
    }
    claims.insert(
        CLAIM_CUSTOMER_NUMBER.into(),
        Value::from(customer_number.to_owned()),
    );
    claims.insert(CLAIM_ROLE.into(), Value::from(user.role.as_str()));
    claims
}

/// The code's row, taken for use.
struct UsedCode {
    user_id: i64,
    session_hash: String,
    redirect_uri: String,
    code_challenge: Option<String>,
    nonce: Option<String>,
    scope: String,
    auth_time: i64,
    expires_at: i64,
}

impl Auth {
    /// `grant_type=authorization_code` at the token endpoint: checks the client, takes the code
    /// (once: a second use revokes what the first produced), checks it was made for this client,
    /// redirect URI and PKCE verifier, and answers with an access token and a signed ID token.
    pub async fn exchange_code(
        &self,
        request: &TokenRequest,
        meta: &RequestMeta,
    ) -> Result<TokenResponse, TokenError> {
        if request.grant_type.as_deref() != Some("authorization_code") {
            return Err(TokenError::UnsupportedGrantType);
        }
        let client_id = request.client_id.as_deref().unwrap_or_default();
        let Some(client_row) = self.client_row(client_id).await? else {
            return Err(TokenError::InvalidClient);
        };
        let client = client_from_row(&client_row)?;
        let secret_hash: Option<String> = client_row.try_get("secret_hash")?;
        if let Some(stored) = &secret_hash {
            let presented = request
                .client_secret
                .as_deref()
                .and_then(TokenHash::of_presented);
            if !presented.is_some_and(|p| p.matches(stored)) {
                return Err(TokenError::InvalidClient);
            }
        }
        let Some(code) = request.code.as_deref().and_then(TokenHash::of_presented) else {
            return Err(TokenError::InvalidGrant("unknown or used code"));
        };
        let mut tx = self.begin(meta).await?;
        let now = tx.now();
        // Only the client the code was made for can use it up: another client's attempt changes
        // nothing.
        let taken = sqlx::query(
            "UPDATE oidc_codes SET used_at = $1 \
             WHERE code_hash = $2 AND client_id = $3 AND used_at IS NULL \
             RETURNING user_id, session_hash, redirect_uri, code_challenge, nonce, scope, \
             auth_time, expires_at",
        )
        .bind(now)
        .bind(code.as_str())
        .bind(&client.client_id)
        .fetch_optional(tx.conn())
        .await?;
        let Some(row) = taken else {
            // Used before by this client: whoever used it first may not be who they claim; what
            // it produced stops working.
            let reused = sqlx::query(
                "SELECT user_id FROM oidc_codes WHERE code_hash = $1 AND client_id = $2",
            )
            .bind(code.as_str())
            .bind(&client.client_id)
            .fetch_optional(tx.conn())
            .await?;
            if let Some(reused) = reused {
                sqlx::query("DELETE FROM oidc_tokens WHERE code_hash = $1")
                    .bind(code.as_str())
                    .execute(tx.conn())
                    .await?;
                let user_id: i64 = reused.try_get("user_id")?;
                let user = account::user_in(tx.conn(), user_id).await?;
                tx.audit(Event {
                    outcome: Outcome::Failure,
                    detail: client.described(),
                    ..Event::for_user(&user, EventKind::OidcCodeReused)
                })
                .await?;
                tx.commit().await?;
            }
            return Err(TokenError::InvalidGrant("unknown or used code"));
        };
        let used = UsedCode {
            user_id: row.try_get("user_id")?,
            session_hash: row.try_get("session_hash")?,
            redirect_uri: row.try_get("redirect_uri")?,
            code_challenge: row.try_get("code_challenge")?,
            nonce: row.try_get("nonce")?,
            scope: row.try_get("scope")?,
            auth_time: row.try_get("auth_time")?,
            expires_at: row.try_get("expires_at")?,
        };
        // From here on the code is used up, whatever the answer: commit that before refusing.
        let refusal = if used.expires_at <= now {
            Some("the code has expired")
        } else if request.redirect_uri.as_deref() != Some(used.redirect_uri.as_str()) {
            Some("redirect_uri does not match")
        } else {
            match (&used.code_challenge, request.code_verifier.as_deref()) {
                (Some(challenge), Some(verifier))
                    if is_pkce_value(verifier) && s256(verifier) == *challenge =>
                {
                    None
                }
                (Some(_), _) => Some("code_verifier does not match"),
                (None, Some(_)) => Some("no code_challenge was sent for this code"),
                (None, None) => None,
            }
        };
        if let Some(why) = refusal {
            tx.commit().await?;
            return Err(TokenError::InvalidGrant(why));
        }
        // Under the user's row lock, like every unit that ends their sessions: a password change
        // or deactivation committing meanwhile is seen.
        let user = account::locked_user(&mut tx, used.user_id).await?;
        if user.status != UserStatus::Active || user.account_id != client.account_id {
            tx.commit().await?;
            return Err(TokenError::InvalidGrant("the user cannot sign in"));
        }
        // The Pforte session the code was made in must still be live (not logged out, not over).
        let sql = format!("SELECT user_id FROM sessions WHERE {LIVE} AND token_hash = $5");
        let session_live = bind_live(sqlx::query(&sql), now, tx.settings())
            .bind(&used.session_hash)
            .fetch_optional(tx.conn())
            .await?
            .is_some();
        if !session_live {
            tx.commit().await?;
            return Err(TokenError::InvalidGrant("the sign-in has ended"));
        }
        let account = account::account_in(tx.conn(), user.account_id).await?;
        let access = Token::generate();
        sqlx::query(
            "INSERT INTO oidc_tokens (token_hash, client_id, user_id, scope, code_hash, expires_at, \
             session_hash) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(access.hash().as_str())
        .bind(&client.client_id)
        .bind(user.id)
        .bind(&used.scope)
        .bind(code.as_str())
        .bind(now + ACCESS_TOKEN_SECS)
        .bind(&used.session_hash)
        .execute(tx.conn())
        .await?;
        let (kid, key) = signing_key(&mut tx).await?;
        let claims = IdTokenClaims {
            iss: &self.settings.public_url,
            sub: &user.subject,
            aud: &client.client_id,
            exp: now + ACCESS_TOKEN_SECS,
            iat: now,
            auth_time: used.auth_time,
            nonce: used.nonce,
            user: user_claims(&user, &account.customer_number, &used.scope),
        };
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
        header.kid = Some(kid);
        let id_token = jsonwebtoken::encode(&header, &claims, &key)
            .map_err(|e| AuthError::Signing(format!("signing an ID token: {e}")))?;
        tx.commit().await?;
        Ok(TokenResponse {
            access_token: access.expose().to_owned(),
            token_type: "Bearer",
            expires_in: ACCESS_TOKEN_SECS,
            id_token,
            scope: used.scope,
        })
    }

    /// The userinfo endpoint: the claims an unexpired access token grants, while its user is
    /// active and the Pforte session it came from lasts. `None` for anything else.
    pub async fn userinfo(
        &self,
        presented: &str,
    ) -> Result<Option<serde_json::Map<String, serde_json::Value>>, AuthError> {
        let Some(hash) = TokenHash::of_presented(presented) else {
            return Ok(None);
        };
        let now = self.now();
        let sql = format!(
            "SELECT t.user_id, t.scope, t.client_id FROM oidc_tokens t \
             JOIN oidc_clients c ON c.client_id = t.client_id \
             WHERE t.token_hash = $5 AND t.expires_at > $6 \
             AND t.session_hash IN (SELECT token_hash FROM sessions WHERE {LIVE})"
        );
        let row = bind_live(sqlx::query(&sql), now, &self.settings)
            .bind(hash.as_str())
            .bind(now)
            .fetch_optional(&self.store.pool)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let user = account::user_in(&self.store.pool, row.try_get("user_id")?).await?;
        if user.status != UserStatus::Active {
            return Ok(None);
        }
        let account = self.account_by_id(user.account_id).await?;
        let scope: String = row.try_get("scope")?;
        let mut claims = user_claims(&user, &account.customer_number, &scope);
        claims.insert("sub".into(), serde_json::Value::from(user.subject.clone()));
        Ok(Some(claims))
    }

    /// An ID token Pforte signed (with a published key; expired or not), as RP-initiated logout
    /// receives it in `id_token_hint`: the client it was for and the user's subject.
    pub async fn verify_id_token_hint(
        &self,
        token: &str,
    ) -> Result<Option<IdTokenHint>, AuthError> {
        let Ok(header) = jsonwebtoken::decode_header(token) else {
            return Ok(None);
        };
        let Some(kid) = header.kid else {
            return Ok(None);
        };
        let keys = self.published_keys().await?;
        let Some(key) = keys.iter().find(|k| k.kid == kid) else {
            return Ok(None);
        };
        let Ok(key) = jsonwebtoken::DecodingKey::from_ed_components(&key.x) else {
            return Ok(None);
        };
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::EdDSA);
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.set_issuer(&[&self.settings.public_url]);
        validation.set_required_spec_claims(&["iss", "sub", "aud"]);
        #[derive(Deserialize)]
        struct Hinted {
            aud: String,
            sub: String,
        }
        Ok(jsonwebtoken::decode::<Hinted>(token, &key, &validation)
            .ok()
            .map(|data| IdTokenHint {
                client_id: data.claims.aud,
                subject: data.claims.sub,
            }))
    }
}

/// What a verified `id_token_hint` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdTokenHint {
    pub client_id: String,
    pub subject: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_are_absolute_https_or_loopback() {
        for ok in [
            "https://app.example.com/callback",
            "https://app.example.com/cb?tenant=1",
            "http://127.0.0.1:8080/cb",
            "http://localhost/cb",
            "http://[::1]:3000/cb",
        ] {
            assert_eq!(check_redirect_uri(ok).ok().as_deref(), Some(ok), "{ok}");
        }
        for bad in [
            "http://app.example.com/cb",
            "https://app.example.com/cb#x",
            "https://user@app.example.com/cb",
            "/cb",
            "javascript:alert(1)",
            "custom.scheme:/cb",
            "https://app.example.com/\u{e9}",
            "",
        ] {
            assert!(check_redirect_uri(bad).is_err(), "{bad}");
        }
        let many: Vec<String> = (0..=MAX_REDIRECT_URIS)
            .map(|i| format!("https://app.example.com/{i}"))
            .collect();
        assert!(check_redirect_uris(&many).is_err());
        // The message names the limit.
        for lang in pforte_shared::Lang::ALL {
            assert!(
                Msg::TooManyRedirectUris
                    .text(lang)
                    .contains(&MAX_REDIRECT_URIS.to_string())
            );
        }
        assert!(check_redirect_uris(&["".into()]).is_err());
    }

    #[test]
    fn pkce_is_s256_of_the_verifier() {
        // RFC 7636, appendix B.
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(is_pkce_value("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        assert!(!is_pkce_value("short"));
        assert!(!is_pkce_value(&"a".repeat(129)));
        assert!(!is_pkce_value(&format!("{}+", "a".repeat(43))));
    }

    #[test]
    fn errors_go_back_with_state_and_issuer() {
        let error = ClientError {
            redirect_uri: "https://app.example.com/cb?tenant=1".into(),
            error: "invalid_scope",
            description: "the scope must include openid",
            state: Some("a b&c".into()),
            account_id: None,
        };
        assert_eq!(
            error.location("https://login.example.com"),
            "https://app.example.com/cb?tenant=1&error=invalid_scope&error_description=the+scope+must+include+openid&state=a+b%26c&iss=https%3A%2F%2Flogin.example.com"
        );
    }
}
