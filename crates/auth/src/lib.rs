//! Pforte's domain: accounts, users, passwords, sessions, the sign-in state machine, audit, storage.
//!
//! No HTTP and no Leptos here. Time is a parameter ([`Clock`]); the system clock is read only by
//! the server binary. Every state-changing operation runs in one unit of work ([`tx::Tx`]), which
//! carries its one clock reading and commits its audit rows and mails with the change.

pub mod account;
pub mod audit;
pub mod clock;
pub mod compose;
pub mod device;
pub mod email_code;
pub mod error;
pub mod google;
pub mod invitation;
pub mod mailer;
pub mod manage;
pub mod metrics;
pub mod not_me;
pub mod oidc;
pub mod onboarding;
pub mod outbox;
pub mod password;
pub mod reset;
pub mod secret;
pub mod secret_box;
pub mod session;
pub mod setup;
pub mod signin;
pub mod store;
pub mod stored;
pub mod sweep;
pub mod throttle;
pub mod two_factor;
pub mod tx;
pub mod user_agent;
pub mod zone;

pub use clock::{Clock, ManualClock};
pub use error::AuthError;
pub use store::{Engine, Store};

use std::sync::Arc;

/// Where a request comes from, for audit rows and throttles.
#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    pub ip: String,
    pub user_agent: String,
    /// The signed-in user making the request, when it acts on someone else (an admin).
    pub actor: Option<i64>,
    /// The browser's time zone (a known IANA name), stored on the user when they sign in.
    pub time_zone: Option<String>,
}

impl RequestMeta {
    /// `user_agent` is the User-Agent header; see [`user_agent::stored_user_agent`].
    pub fn new(ip: impl Into<String>, user_agent: &str) -> Self {
        RequestMeta::with_client_hint(ip, user_agent, None)
    }

    /// With the browser's `Sec-CH-UA` header, which names browsers whose User-Agent hides them.
    pub fn with_client_hint(
        ip: impl Into<String>,
        user_agent: &str,
        client_hint: Option<&str>,
    ) -> Self {
        RequestMeta {
            ip: ip.into(),
            user_agent: user_agent::stored_user_agent(user_agent, client_hint),
            actor: None,
            time_zone: None,
        }
    }

    /// The same request, from a browser that reported `zone` (kept only if Pforte knows it).
    pub fn in_zone(self, zone: Option<&str>) -> Self {
        RequestMeta {
            time_zone: zone.and_then(zone::known_zone),
            ..self
        }
    }

    /// The same request, made by the signed-in user `actor` (recorded in audit rows).
    pub fn acting(self, actor: i64) -> Self {
        RequestMeta {
            actor: Some(actor),
            ..self
        }
    }
}

/// Tunable security settings.
#[derive(Clone, Debug)]
pub struct Settings {
    /// `PFORTE_PUBLIC_URL` without trailing slash: the base of every link in a mail.
    pub public_url: String,
    pub session_idle_secs: i64,
    pub session_absolute_secs: i64,
    pub invitation_secs: i64,
    pub trusted_device_secs: i64,
    /// Length of a per-IP counting window.
    pub ip_window_secs: i64,
    /// Failed password sign-ins one IP address may make per window before it gets 429.
    pub ip_sign_in_failures: i64,
    /// Requests that send mail (new codes) one IP address may make per window.
    pub ip_mail_requests: i64,
    /// `PFORTE_SECRET_KEY`: seals two-factor secrets at rest.
    pub secret_key: secret_box::SecretKey,
    /// `PFORTE_GOOGLE_*`: "Sign in with Google", when configured.
    pub google: Option<google::GoogleSettings>,
    /// `PFORTE_AUDIT_DAYS`: audit rows older than this are swept.
    pub audit_keep_secs: i64,
    /// A password hash that would wait longer than this for a worker is refused (503).
    pub hashing_wait_limit: std::time::Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            public_url: "http://127.0.0.1:3000".to_owned(),
            session_idle_secs: 60 * 60,
            session_absolute_secs: 24 * 60 * 60,
            invitation_secs: 7 * 24 * 60 * 60,
            trusted_device_secs: 30 * 24 * 60 * 60,
            ip_window_secs: 15 * 60,
            ip_sign_in_failures: 100,
            ip_mail_requests: 30,
            secret_key: secret_box::SecretKey::generate(),
            google: None,
            audit_keep_secs: 400 * 24 * 60 * 60,
            hashing_wait_limit: password::WAIT_LIMIT,
        }
    }
}

/// The domain service: one per process, cheap to clone.
#[derive(Clone)]
pub struct Auth {
    pub store: Store,
    pub hasher: password::Hasher,
    pub clock: Arc<dyn Clock>,
    pub settings: Settings,
    /// Permits for answers that run after their request was answered (reset requests): at most
    /// [`reset::MAX_PENDING_ANSWERS`] at once, so that a flood cannot pile up work.
    pending_answers: Arc<tokio::sync::Semaphore>,
    /// What this instance counts, for `/metrics`.
    pub metrics: metrics::SharedMetrics,
}

impl Auth {
    pub fn new(store: Store, clock: Arc<dyn Clock>, settings: Settings) -> Self {
        let metrics = Arc::new(metrics::Metrics::new());
        Auth {
            store,
            hasher: password::Hasher::with_wait_limit(
                password::Hasher::default_workers(),
                settings.hashing_wait_limit,
                metrics.clone(),
            ),
            clock,
            settings,
            pending_answers: Arc::new(tokio::sync::Semaphore::new(reset::MAX_PENDING_ANSWERS)),
            metrics,
        }
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }
}
