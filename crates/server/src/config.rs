//! Configuration: one typed value, parsed once from the environment (`PFORTE_*`, `LEPTOS_SITE_ADDR`).
//! A bad value stops start-up with one line naming the variable.

use pforte_app::client_ip::TrustedProxies;
use pforte_app::forward::ForwardDomains;
use pforte_auth::google::{GOOGLE_AUTH_URL, GOOGLE_TOKEN_URL, GOOGLE_USERINFO_URL, GoogleSettings};
use pforte_auth::secret_box::SecretKey;
use std::net::SocketAddr;

#[derive(Clone)]
pub struct Config {
    pub database_url: String,
    pub public_url: String,
    pub site_addr: SocketAddr,
    /// `PFORTE_SMTP_URL`; `None` → the development mailbox. May hold a password: not in `Debug`.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Where the development mailbox writes `.eml` files (`PFORTE_MAIL_DIR`, default `data/mail`).
    pub mail_dir: std::path::PathBuf,
    /// `PFORTE_TRUSTED_DEVICE_DAYS` (1–365, default 30): how long a trusted device skips the email code.
    pub trusted_device_days: i64,
    /// `PFORTE_TRUSTED_PROXIES` (addresses and CIDR ranges, default none): reverse proxies whose
    /// forwarded headers name the client.
    pub trusted_proxies: TrustedProxies,
    /// Where the key that seals two-factor secrets comes from.
    pub secret_key: SecretKeySource,
    /// `PFORTE_GOOGLE_*`: "Sign in with Google", when a client ID and secret are set.
    pub google: Option<GoogleSettings>,
    /// `PFORTE_FORWARD_AUTH_DOMAINS`: the hosts forward authentication may send a user back to.
    pub forward_domains: ForwardDomains,
    /// `PFORTE_COOKIE_DOMAIN`: the domain the session cookie is shared with (none: Pforte's host).
    pub cookie_domain: Option<String>,
    /// `PFORTE_AUDIT_DAYS` (1–36500, default 400): how long audit rows are kept.
    pub audit_days: i64,
    /// `PFORTE_LOG_FORMAT`: `text` (default) or `json`, one object per line.
    pub log_format: LogFormat,
    /// `PFORTE_METRICS_TOKEN`: a bearer token that opens `/metrics` to more than loopback peers.
    pub metrics_token: Option<pforte_app::state::BearerToken>,
    /// `PFORTE_SMTP_CA_FILE`: PEM certificates trusted for the mail server besides the public roots.
    pub smtp_ca_file: Option<std::path::PathBuf>,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Every environment variable Pforte reads, with its default and meaning: `pforte --help` prints
/// this table (a unit test checks that no variable is missing from it).
pub const ENVIRONMENT: &[(&str, &str, &str)] = &[
    (
        "PFORTE_DATABASE_URL",
        "sqlite://data/pforte.db",
        "sqlite://FILE or postgres://USER:PASS@HOST/DB",
    ),
    (
        "PFORTE_PUBLIC_URL",
        "http://127.0.0.1:3000",
        "the address users open; the base of every link in a mail",
    ),
    (
        "LEPTOS_SITE_ADDR",
        "127.0.0.1:3000",
        "the address and port to listen on",
    ),
    (
        "LEPTOS_SITE_ROOT",
        "site/ next to the binary, else target/site",
        "the directory of the site files (pkg/, favicon)",
    ),
    (
        "PFORTE_SECRET_KEY",
        "SQLite: secret.key next to the database",
        "32 random bytes in base64 that seal two-factor secrets and signing keys; required with PostgreSQL",
    ),
    (
        "PFORTE_SMTP_URL",
        "none: the development mailbox",
        "smtp://[user:pass@]host[:port][?tls=required] or smtps://…",
    ),
    (
        "PFORTE_SMTP_CA_FILE",
        "none: public roots only",
        "PEM file of certificates to trust for the mail server (a private CA)",
    ),
    (
        "PFORTE_MAIL_FROM",
        "Pforte <no-reply@localhost>",
        "the sender of every mail",
    ),
    (
        "PFORTE_MAIL_DIR",
        "data/mail",
        "where the development mailbox writes .eml files",
    ),
    (
        "PFORTE_DEV_MAILBOX",
        "0",
        "1: allow the development mailbox with an https:// public URL",
    ),
    (
        "PFORTE_TRUSTED_DEVICE_DAYS",
        "30",
        "how long a trusted device skips the email code (1–365)",
    ),
    (
        "PFORTE_TRUSTED_PROXIES",
        "none",
        "reverse proxies (addresses, CIDR ranges) whose X-Forwarded-For is believed",
    ),
    (
        "PFORTE_GOOGLE_CLIENT_ID",
        "none: no Google sign-in",
        "the OAuth client ID for \"Sign in with Google\"",
    ),
    ("PFORTE_GOOGLE_CLIENT_SECRET", "none", "its secret"),
    (
        "PFORTE_GOOGLE_AUTH_URL",
        "Google's",
        "the provider's authorization endpoint",
    ),
    (
        "PFORTE_GOOGLE_TOKEN_URL",
        "Google's",
        "the provider's token endpoint",
    ),
    (
        "PFORTE_GOOGLE_USERINFO_URL",
        "Google's",
        "the provider's userinfo endpoint",
    ),
    (
        "PFORTE_FORWARD_AUTH_DOMAINS",
        "none",
        "hosts (and *.domains) forward authentication may send users back to",
    ),
    (
        "PFORTE_COOKIE_DOMAIN",
        "none: Pforte's host only",
        "a domain the session cookie is shared with, for forward authentication",
    ),
    (
        "PFORTE_AUDIT_DAYS",
        "400",
        "how long audit rows are kept (1–36500)",
    ),
    (
        "PFORTE_LOG_FORMAT",
        "text",
        "text or json (one object per line)",
    ),
    (
        "PFORTE_METRICS_TOKEN",
        "none: /metrics for loopback only",
        "a bearer token (16+ characters) that opens /metrics to others",
    ),
    (
        "RUST_LOG",
        "info,sqlx=warn",
        "log levels, e.g. debug or info,pforte=debug",
    ),
    (
        "LEPTOS_RELOAD_PORT",
        "none",
        "development only: the live-reload port of cargo leptos watch",
    ),
];

/// [`ENVIRONMENT`] as `pforte --help` prints it.
pub fn environment_help() -> String {
    let mut out = String::from("Environment:\n");
    for (name, default, meaning) in ENVIRONMENT {
        out.push_str(&format!("  {name}\n      {meaning} [default: {default}]\n"));
    }
    out
}

/// Where the secret key (which seals two-factor secrets at rest) comes from.
#[derive(Clone, Debug)]
pub enum SecretKeySource {
    /// `PFORTE_SECRET_KEY`.
    Given(SecretKey),
    /// SQLite without `PFORTE_SECRET_KEY`: a key file next to the database, made on first start.
    File(std::path::PathBuf),
}

impl SecretKeySource {
    /// The key: the given one, or the key file's — written (mode 0600) on first start. Returns
    /// the key and, when it was just made, the file it was written to.
    pub fn load(&self) -> Result<(SecretKey, Option<std::path::PathBuf>), String> {
        let path = match self {
            SecretKeySource::Given(key) => return Ok((key.clone(), None)),
            SecretKeySource::File(path) => path,
        };
        let read = |path: &std::path::Path| -> Result<SecretKey, String> {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the secret key file {}: {e}", path.display()))?;
            SecretKey::from_base64(&text)
                .map_err(|e| format!("invalid secret key file {}: {e}", path.display()))
        };
        if path.exists() {
            return Ok((read(path)?, None));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let key = SecretKey::generate();
        match write_key_file(path, &key) {
            Ok(()) => Ok((key, Some(path.clone()))),
            // Another process made it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok((read(path)?, None)),
            Err(e) => Err(format!("cannot create {}: {e}", path.display())),
        }
    }
}

/// Writes `key` to a new file at `path` that only its owner may read (mode 0600); an existing
/// file is never overwritten.
pub fn write_key_file(path: &std::path::Path, key: &SecretKey) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(key.to_base64().as_bytes())?;
    file.sync_all()
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &"<redacted>")
            .field("public_url", &self.public_url)
            .field("site_addr", &self.site_addr)
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "<set>"))
            .field("mail_from", &self.mail_from)
            .field("mail_dir", &self.mail_dir)
            .field("trusted_device_days", &self.trusted_device_days)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("secret_key", &self.secret_key)
            .field("google", &self.google)
            .field("forward_domains", &self.forward_domains)
            .field("cookie_domain", &self.cookie_domain)
            .field("audit_days", &self.audit_days)
            .field("log_format", &self.log_format)
            .field("metrics_token", &self.metrics_token)
            .field("smtp_ca_file", &self.smtp_ca_file)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("invalid {variable}: {reason}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub reason: String,
}

fn bad(variable: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        reason: reason.into(),
    }
}

use pforte_shared::text::is_loopback_host as is_loopback;

/// One of the provider's URLs: `https://`, or `http://` to this machine (a local test provider).
fn provider_url(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: &str,
) -> Result<String, ConfigError> {
    let value = get(variable)
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_owned());
    let url =
        url::Url::parse(value.trim()).map_err(|e| bad(variable, format!("not a URL ({e})")))?;
    let host = url.host_str().unwrap_or_default();
    match url.scheme() {
        "https" if !host.is_empty() => Ok(value.trim().to_owned()),
        "http" if is_loopback(host) => Ok(value.trim().to_owned()),
        _ => Err(bad(
            variable,
            "expected an https:// URL (http:// only to localhost)",
        )),
    }
}

/// `PFORTE_GOOGLE_CLIENT_ID` and `PFORTE_GOOGLE_CLIENT_SECRET` (both or neither), and the
/// provider's URLs (Google's unless overridden).
fn google_settings(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<GoogleSettings>, ConfigError> {
    let set = |k: &str| {
        get(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let (client_id, client_secret) = match (
        set("PFORTE_GOOGLE_CLIENT_ID"),
        set("PFORTE_GOOGLE_CLIENT_SECRET"),
    ) {
        (None, None) => return Ok(None),
        (Some(id), Some(secret)) => (id, secret),
        (Some(_), None) => {
            return Err(bad(
                "PFORTE_GOOGLE_CLIENT_SECRET",
                "required with PFORTE_GOOGLE_CLIENT_ID",
            ));
        }
        (None, Some(_)) => {
            return Err(bad(
                "PFORTE_GOOGLE_CLIENT_ID",
                "required with PFORTE_GOOGLE_CLIENT_SECRET",
            ));
        }
    };
    Ok(Some(GoogleSettings {
        auth_url: provider_url(get, "PFORTE_GOOGLE_AUTH_URL", GOOGLE_AUTH_URL)?,
        token_url: provider_url(get, "PFORTE_GOOGLE_TOKEN_URL", GOOGLE_TOKEN_URL)?,
        userinfo_url: provider_url(get, "PFORTE_GOOGLE_USERINFO_URL", GOOGLE_USERINFO_URL)?,
        ..GoogleSettings::google(client_id, client_secret)
    }))
}

/// `PFORTE_COOKIE_DOMAIN`: a domain name (a leading dot is dropped) that Pforte's own host is
/// part of — else browsers would refuse the cookie and nobody could sign in.
fn cookie_domain(
    get: &impl Fn(&str) -> Option<String>,
    public_host: &str,
) -> Result<Option<String>, ConfigError> {
    let Some(raw) = get("PFORTE_COOKIE_DOMAIN").filter(|v| !v.trim().is_empty()) else {
        return Ok(None);
    };
    let domain = raw.trim().trim_start_matches('.').to_ascii_lowercase();
    let is_name = matches!(
        url::Url::parse(&format!("https://{domain}/")).ok().as_ref().and_then(url::Url::host),
        Some(url::Host::Domain(d)) if d == domain
    );
    if !is_name || !domain.contains('.') {
        return Err(bad(
            "PFORTE_COOKIE_DOMAIN",
            "expected a domain name such as example.com",
        ));
    }
    let host = public_host.to_ascii_lowercase();
    if host != domain && !host.ends_with(&format!(".{domain}")) {
        return Err(bad(
            "PFORTE_COOKIE_DOMAIN",
            format!("must be PFORTE_PUBLIC_URL's host {host} or a domain it is under"),
        ));
    }
    Ok(Some(domain))
}

/// A number of days from 1 to `max` in `variable`, `default` when unset.
fn days(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: i64,
    max: i64,
) -> Result<i64, ConfigError> {
    match get(variable).filter(|v| !v.trim().is_empty()) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=max).contains(d))
            .ok_or_else(|| {
                bad(
                    variable,
                    format!("expected a number of days from 1 to {max}"),
                )
            }),
    }
}

impl Config {
    /// What start-up should warn about: settings that work but are unsafe.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if let Some(url) = self
            .smtp_url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
        {
            let tls = pforte_auth::mailer::SmtpTls::of(&url).is_enforced();
            // `smtp` is not a scheme the URL standard knows, so its host stays text.
            let host = url.host_str().unwrap_or_default();
            if !tls && !is_loopback(host) {
                warnings.push(format!(
                    "PFORTE_SMTP_URL sends mail to {host} without TLS: codes and links cross the \
                     network readable; use smtps:// or ?tls=required"
                ));
            }
        }
        let public_host = url::Url::parse(&self.public_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        let (cookie_host, shared) = match &self.cookie_domain {
            Some(domain) => (domain.as_str(), true),
            None => (public_host.as_str(), false),
        };
        for host in self.forward_domains.outside(cookie_host, shared) {
            warnings.push(format!(
                "PFORTE_FORWARD_AUTH_DOMAINS lists {host}, which the session cookie never reaches \
                 (set PFORTE_COOKIE_DOMAIN to a domain both are under): forward authentication \
                 cannot see a sign-in there"
            ));
        }
        warnings
    }

    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|k| std::env::var(k).ok())
    }

    /// Parses configuration from any lookup (the environment, or a map in tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let database_url = get("PFORTE_DATABASE_URL")
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| "sqlite://data/pforte.db".to_owned());
        if pforte_auth::Engine::from_url(&database_url).is_none() {
            return Err(bad(
                "PFORTE_DATABASE_URL",
                "expected sqlite://… or postgres://…",
            ));
        }
        let public_url = get("PFORTE_PUBLIC_URL")
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| "http://127.0.0.1:3000".to_owned());
        let parsed = url::Url::parse(&public_url)
            .map_err(|e| bad("PFORTE_PUBLIC_URL", format!("not a URL ({e})")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(bad(
                "PFORTE_PUBLIC_URL",
                "expected an http:// or https:// URL with a host",
            ));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(bad(
                "PFORTE_PUBLIC_URL",
                "must not have a query or fragment",
            ));
        }
        let site_addr = get("LEPTOS_SITE_ADDR")
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| "127.0.0.1:3000".to_owned());
        let site_addr: SocketAddr = site_addr.parse().map_err(|_| {
            bad(
                "LEPTOS_SITE_ADDR",
                "expected host:port, e.g. 127.0.0.1:3000",
            )
        })?;
        let smtp_url = get("PFORTE_SMTP_URL").filter(|v| !v.trim().is_empty());
        if let Some(url) = &smtp_url {
            let ok = url::Url::parse(url)
                .is_ok_and(|u| matches!(u.scheme(), "smtp" | "smtps") && u.host_str().is_some());
            if !ok {
                return Err(bad(
                    "PFORTE_SMTP_URL",
                    "expected smtp://[user:pass@]host[:port][?tls=required] or smtps://…",
                ));
            }
        }
        let dev_mailbox = match get("PFORTE_DEV_MAILBOX").as_deref().map(str::trim) {
            None | Some("" | "0") => false,
            Some("1") => true,
            Some(_) => return Err(bad("PFORTE_DEV_MAILBOX", "expected 1 or 0")),
        };
        if smtp_url.is_none() && parsed.scheme() == "https" && !dev_mailbox {
            return Err(bad(
                "PFORTE_SMTP_URL",
                "required when PFORTE_PUBLIC_URL is https:// (a real installation): without it \
                 mails only reach the development mailbox; set PFORTE_DEV_MAILBOX=1 to use it anyway",
            ));
        }
        let mail_from = get("PFORTE_MAIL_FROM")
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| "Pforte <no-reply@localhost>".to_owned());
        if !mail_from.contains('@') || mail_from.chars().any(char::is_control) {
            return Err(bad(
                "PFORTE_MAIL_FROM",
                "expected an address such as Pforte <no-reply@example.com>",
            ));
        }
        let mail_dir = get("PFORTE_MAIL_DIR")
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| "data/mail".to_owned())
            .into();
        let trusted_device_days = days(&get, "PFORTE_TRUSTED_DEVICE_DAYS", 30, 365)?;
        let trusted_proxies = get("PFORTE_TRUSTED_PROXIES")
            .unwrap_or_default()
            .parse::<TrustedProxies>()
            .map_err(|reason| bad("PFORTE_TRUSTED_PROXIES", reason))?;
        let secret_key = match get("PFORTE_SECRET_KEY").filter(|v| !v.trim().is_empty()) {
            Some(value) => SecretKeySource::Given(
                SecretKey::from_base64(&value)
                    .map_err(|e| bad("PFORTE_SECRET_KEY", e.to_string()))?,
            ),
            None if pforte_auth::Engine::from_url(&database_url)
                == Some(pforte_auth::Engine::Postgres) =>
            {
                return Err(bad(
                    "PFORTE_SECRET_KEY",
                    "required with PostgreSQL, the same for every instance: 32 random bytes in \
                     base64 (e.g. `openssl rand -base64 32`)",
                ));
            }
            None => {
                let database = pforte_auth::store::sqlite_path(&database_url)
                    .map(std::path::Path::new)
                    .and_then(std::path::Path::parent)
                    .unwrap_or(std::path::Path::new("data"));
                SecretKeySource::File(database.join("secret.key"))
            }
        };
        let google = google_settings(&get)?;
        let forward_domains = get("PFORTE_FORWARD_AUTH_DOMAINS")
            .unwrap_or_default()
            .parse::<ForwardDomains>()
            .map_err(|reason| bad("PFORTE_FORWARD_AUTH_DOMAINS", reason))?;
        let cookie_domain = cookie_domain(&get, parsed.host_str().unwrap_or_default())?;
        let audit_days = days(&get, "PFORTE_AUDIT_DAYS", 400, 36_500)?;
        let log_format = match get("PFORTE_LOG_FORMAT").as_deref().map(str::trim) {
            None | Some("" | "text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(_) => return Err(bad("PFORTE_LOG_FORMAT", "expected text or json")),
        };
        let metrics_token = match get("PFORTE_METRICS_TOKEN").filter(|v| !v.trim().is_empty()) {
            None => None,
            Some(token) if token.len() >= 16 && token.chars().all(|c| c.is_ascii_graphic()) => {
                Some(pforte_app::state::BearerToken(token))
            }
            Some(_) => {
                return Err(bad(
                    "PFORTE_METRICS_TOKEN",
                    "expected at least 16 visible ASCII characters (e.g. `openssl rand -hex 32`)",
                ));
            }
        };
        let smtp_ca_file = get("PFORTE_SMTP_CA_FILE")
            .filter(|v| !v.trim().is_empty())
            .map(std::path::PathBuf::from);
        if smtp_ca_file.is_some() {
            let tls = smtp_url
                .as_deref()
                .and_then(|u| url::Url::parse(u).ok())
                .map(|u| pforte_auth::mailer::SmtpTls::of(&u));
            if matches!(tls, None | Some(pforte_auth::mailer::SmtpTls::None)) {
                return Err(bad(
                    "PFORTE_SMTP_CA_FILE",
                    "needs TLS to the mail server: PFORTE_SMTP_URL with smtps:// or ?tls=required",
                ));
            }
        }
        Ok(Config {
            database_url,
            public_url: public_url.trim_end_matches('/').to_owned(),
            site_addr,
            smtp_url,
            mail_from,
            mail_dir,
            trusted_device_days,
            trusted_proxies,
            secret_key,
            google,
            forward_domains,
            cookie_domain,
            audit_days,
            log_format,
            metrics_token,
            smtp_ca_file,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Every variable the server reads is in `pforte --help`, and the defaults it shows are the
    /// ones the parser applies.
    #[test]
    fn help_lists_every_variable() {
        let sources = [
            include_str!("config.rs"),
            include_str!("main.rs"),
            include_str!("router.rs"),
            include_str!("cli.rs"),
            include_str!("lib.rs"),
        ];
        let listed: Vec<&str> = ENVIRONMENT.iter().map(|(name, ..)| *name).collect();
        let mut read = Vec::new();
        for source in sources {
            for piece in source.split('"').skip(1).step_by(2) {
                let named = piece.starts_with("PFORTE_") || piece.starts_with("LEPTOS_");
                if named && piece.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
                    read.push(piece);
                }
            }
        }
        assert!(read.len() > 20, "found only {read:?}");
        for name in read {
            assert!(listed.contains(&name), "{name} is missing from ENVIRONMENT");
        }
        let help = environment_help();
        assert!(help.contains("PFORTE_AUDIT_DAYS\n") && help.contains("[default: 400]"));
        let defaults = parse(&[]).expect("defaults");
        let shown = |name: &str| {
            ENVIRONMENT
                .iter()
                .find(|(n, ..)| *n == name)
                .map(|(_, default, _)| *default)
                .expect(name)
        };
        assert_eq!(shown("PFORTE_AUDIT_DAYS"), defaults.audit_days.to_string());
        assert_eq!(
            shown("PFORTE_TRUSTED_DEVICE_DAYS"),
            defaults.trusted_device_days.to_string()
        );
        assert_eq!(shown("PFORTE_PUBLIC_URL"), defaults.public_url);
        assert_eq!(shown("LEPTOS_SITE_ADDR"), defaults.site_addr.to_string());
        assert_eq!(shown("PFORTE_MAIL_FROM"), defaults.mail_from);
        assert_eq!(shown("PFORTE_DATABASE_URL"), defaults.database_url);
    }

    #[test]
    fn operations_settings() {
        let defaults = parse(&[]).expect("defaults");
        assert_eq!(defaults.audit_days, 400);
        assert_eq!(defaults.log_format, LogFormat::Text);
        assert!(defaults.metrics_token.is_none() && defaults.smtp_ca_file.is_none());
        let set = parse(&[
            ("PFORTE_AUDIT_DAYS", "30"),
            ("PFORTE_LOG_FORMAT", "json"),
            ("PFORTE_METRICS_TOKEN", "0123456789abcdef0123"),
            ("PFORTE_SMTP_URL", "smtps://relay.example.com"),
            ("PFORTE_SMTP_CA_FILE", "/etc/ssl/relay.pem"),
        ])
        .expect("valid");
        assert_eq!(set.audit_days, 30);
        assert_eq!(set.log_format, LogFormat::Json);
        assert_eq!(
            set.metrics_token.map(|t| t.0).as_deref(),
            Some("0123456789abcdef0123")
        );
        assert_eq!(
            set.smtp_ca_file.as_deref(),
            Some(std::path::Path::new("/etc/ssl/relay.pem"))
        );
        for (variable, value) in [
            ("PFORTE_AUDIT_DAYS", "0"),
            ("PFORTE_AUDIT_DAYS", "forever"),
            ("PFORTE_LOG_FORMAT", "xml"),
            ("PFORTE_METRICS_TOKEN", "short"),
            ("PFORTE_METRICS_TOKEN", "has a space in it somewhere"),
            ("PFORTE_SMTP_CA_FILE", "/etc/ssl/relay.pem"),
        ] {
            let err = parse(&[(variable, value)]).expect_err(value);
            assert_eq!(err.variable, variable);
        }
        let plain = parse(&[
            ("PFORTE_SMTP_URL", "smtp://relay.example.com"),
            ("PFORTE_SMTP_CA_FILE", "/etc/ssl/relay.pem"),
        ]);
        assert_eq!(
            plain.expect_err("plain smtp").variable,
            "PFORTE_SMTP_CA_FILE"
        );
    }

    fn parse(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn forward_authentication_settings() {
        let defaults = parse(&[]).expect("defaults");
        assert!(defaults.forward_domains.is_empty() && defaults.cookie_domain.is_none());
        let set = parse(&[
            ("PFORTE_PUBLIC_URL", "https://login.example.com"),
            ("PFORTE_DEV_MAILBOX", "1"),
            (
                "PFORTE_FORWARD_AUTH_DOMAINS",
                "app.example.com, *.tools.example.com",
            ),
            ("PFORTE_COOKIE_DOMAIN", ".Example.com"),
        ])
        .expect("valid");
        assert_eq!(set.cookie_domain.as_deref(), Some("example.com"));
        assert!(set.warnings().is_empty(), "{:?}", set.warnings());
        let unshared = parse(&[
            ("PFORTE_PUBLIC_URL", "https://login.example.com"),
            ("PFORTE_DEV_MAILBOX", "1"),
            ("PFORTE_FORWARD_AUTH_DOMAINS", "app.example.com"),
        ])
        .expect("valid");
        assert!(
            unshared.warnings()[0].contains("app.example.com"),
            "{:?}",
            unshared.warnings()
        );
        assert!(
            set.forward_domains
                .allowed("https://app.example.com/", false)
                .is_some()
        );
        let refused = |pairs: &[(&str, &str)], variable: &str| {
            let mut all = vec![
                ("PFORTE_PUBLIC_URL", "https://login.example.com"),
                ("PFORTE_DEV_MAILBOX", "1"),
            ];
            all.extend_from_slice(pairs);
            let error = parse(&all).expect_err("refused");
            assert_eq!(error.variable, variable, "{pairs:?}");
        };
        refused(
            &[("PFORTE_FORWARD_AUTH_DOMAINS", "https://app.example.com")],
            "PFORTE_FORWARD_AUTH_DOMAINS",
        );
        for domain in [
            "other.org",
            "ample.com",
            "com",
            "127.0.0.1",
            "a b.com",
            "example.com/x",
        ] {
            refused(&[("PFORTE_COOKIE_DOMAIN", domain)], "PFORTE_COOKIE_DOMAIN");
        }
    }

    #[test]
    fn google_needs_both_client_values_and_safe_urls() {
        assert!(parse(&[]).expect("defaults").google.is_none());
        let both = [
            ("PFORTE_GOOGLE_CLIENT_ID", "id"),
            ("PFORTE_GOOGLE_CLIENT_SECRET", "s3cr3t-value"),
        ];
        let google = parse(&both).expect("both").google.expect("configured");
        assert_eq!(google.auth_url, GOOGLE_AUTH_URL);
        assert_eq!(google.userinfo_url, GOOGLE_USERINFO_URL);
        let err = parse(&both[..1]).expect_err("secret missing");
        assert_eq!(err.variable, "PFORTE_GOOGLE_CLIENT_SECRET");
        let err = parse(&both[1..]).expect_err("id missing");
        assert_eq!(err.variable, "PFORTE_GOOGLE_CLIENT_ID");
        for (url, ok) in [
            ("http://127.0.0.1:4000/token", true),
            ("http://localhost:4000/token", true),
            ("https://idp.example/token", true),
            ("http://idp.example/token", false),
            ("ftp://idp.example/token", false),
            ("not a url", false),
        ] {
            let mut pairs = both.to_vec();
            pairs.push(("PFORTE_GOOGLE_TOKEN_URL", url));
            let parsed = parse(&pairs);
            assert_eq!(parsed.is_ok(), ok, "{url}");
            if !ok {
                assert_eq!(
                    parsed.expect_err("refused").variable,
                    "PFORTE_GOOGLE_TOKEN_URL"
                );
            }
        }
        let shown = format!("{:?}", parse(&both).expect("both"));
        assert!(!shown.contains("s3cr3t-value"), "{shown}");
    }

    #[test]
    fn defaults() {
        let c = parse(&[]).expect("defaults parse");
        assert_eq!(c.database_url, "sqlite://data/pforte.db");
        assert_eq!(c.public_url, "http://127.0.0.1:3000");
        assert_eq!(c.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.trusted_device_days, 30);
    }

    #[test]
    fn secret_key_given_or_a_file_next_to_sqlite() {
        let c = parse(&[]).expect("defaults");
        assert!(
            matches!(&c.secret_key, SecretKeySource::File(p) if p == std::path::Path::new("data/secret.key")),
            "{:?}",
            c.secret_key
        );
        let c = parse(&[("PFORTE_DATABASE_URL", "sqlite:///var/lib/pforte/p.db")]).expect("sqlite");
        assert!(
            matches!(&c.secret_key, SecretKeySource::File(p) if p == std::path::Path::new("/var/lib/pforte/secret.key"))
        );
        let key = SecretKey::generate();
        let c = parse(&[
            ("PFORTE_DATABASE_URL", "postgres://db/pforte"),
            ("PFORTE_SECRET_KEY", key.to_base64().as_str()),
        ])
        .expect("postgres with a key");
        assert!(matches!(c.secret_key, SecretKeySource::Given(_)));
        assert!(
            !format!("{c:?}").contains(key.to_base64().as_str()),
            "not in Debug"
        );
        let e = parse(&[("PFORTE_DATABASE_URL", "postgres://db/pforte")]).expect_err("no key");
        assert_eq!(e.variable, "PFORTE_SECRET_KEY");
        let e = parse(&[("PFORTE_SECRET_KEY", "c2hvcnQ=")]).expect_err("short key");
        assert_eq!(e.variable, "PFORTE_SECRET_KEY");
    }

    #[test]
    fn bad_values_name_the_variable() {
        let e = parse(&[("PFORTE_DATABASE_URL", "mysql://x")]).expect_err("bad db");
        assert_eq!(e.variable, "PFORTE_DATABASE_URL");
        let e = parse(&[("PFORTE_PUBLIC_URL", "ftp://x")]).expect_err("bad url");
        assert_eq!(e.variable, "PFORTE_PUBLIC_URL");
        let e = parse(&[("LEPTOS_SITE_ADDR", "nope")]).expect_err("bad addr");
        assert_eq!(e.variable, "LEPTOS_SITE_ADDR");
        assert!(e.to_string().starts_with("invalid LEPTOS_SITE_ADDR"));
        let e = parse(&[("PFORTE_SMTP_URL", "http://mail.example")]).expect_err("bad smtp");
        assert_eq!(e.variable, "PFORTE_SMTP_URL");
        let e = parse(&[("PFORTE_MAIL_FROM", "nobody")]).expect_err("bad from");
        assert_eq!(e.variable, "PFORTE_MAIL_FROM");
        for days in ["0", "366", "thirty"] {
            let e = parse(&[("PFORTE_TRUSTED_DEVICE_DAYS", days)]).expect_err("bad days");
            assert_eq!(e.variable, "PFORTE_TRUSTED_DEVICE_DAYS");
        }
        let c = parse(&[("PFORTE_TRUSTED_DEVICE_DAYS", "7")]).expect("valid days");
        assert_eq!(c.trusted_device_days, 7);
        for proxies in ["10.0.0.0/33", "proxy.internal", "10.0.0.1;10.0.0.2"] {
            let e = parse(&[("PFORTE_TRUSTED_PROXIES", proxies)]).expect_err("bad proxies");
            assert_eq!(e.variable, "PFORTE_TRUSTED_PROXIES");
            assert!(e.to_string().contains(proxies), "{e}");
        }
        let c = parse(&[("PFORTE_TRUSTED_PROXIES", "10.0.0.0/8, ::1")]).expect("valid proxies");
        assert!(c.trusted_proxies.trusts("10.1.1.1".parse().expect("ip")));
        assert!(c.trusted_proxies.trusts("::1".parse().expect("ip")));
    }

    #[test]
    fn https_needs_smtp_unless_the_dev_mailbox_is_chosen() {
        let https = ("PFORTE_PUBLIC_URL", "https://login.example.com");
        let e = parse(&[https]).expect_err("no SMTP");
        assert_eq!(e.variable, "PFORTE_SMTP_URL");
        assert!(e.to_string().contains("PFORTE_DEV_MAILBOX=1"), "{e}");
        assert!(parse(&[https, ("PFORTE_DEV_MAILBOX", "1")]).is_ok());
        assert!(parse(&[https, ("PFORTE_SMTP_URL", "smtps://mail.example.com")]).is_ok());
        assert!(parse(&[("PFORTE_PUBLIC_URL", "http://127.0.0.1:3000")]).is_ok());
        let e = parse(&[https, ("PFORTE_DEV_MAILBOX", "yes")]).expect_err("bad flag");
        assert_eq!(e.variable, "PFORTE_DEV_MAILBOX");
    }

    #[test]
    fn smtp_without_tls_to_another_host_is_warned_about() {
        let warned = |url: &str| {
            !parse(&[("PFORTE_SMTP_URL", url)])
                .expect("valid")
                .warnings()
                .is_empty()
        };
        assert!(warned("smtp://mail.example.com:25"));
        assert!(warned("smtp://mail.example.com:587?tls=opportunistic"));
        assert!(!warned("smtp://mail.example.com:587?tls=required"));
        assert!(!warned("smtps://mail.example.com"));
        assert!(!warned("smtp://127.0.0.1:2525"));
        assert!(!warned("smtp://[::1]:2525"));
        assert!(!warned("smtp://localhost:25"));
    }

    #[test]
    fn smtp_password_stays_out_of_debug() {
        let c = parse(&[(
            "PFORTE_SMTP_URL",
            "smtp://user:hunter2@mail.example:587?tls=required",
        )])
        .expect("valid");
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
