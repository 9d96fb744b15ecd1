//! What an instance counts, for `GET /metrics` in the Prometheus text format. One [`Metrics`] per
//! [`Auth`] (so per process; the integration tests run many apps in one process, each with its
//! own). Counters are counted where the thing happens: audit events when their unit of work
//! commits, mails when the worker delivers, throttle refusals where the throttle refuses. Gauges
//! that describe the database (the outbox) are read when the metrics are asked for.

use crate::Auth;
use crate::audit::{EventKind, Outcome};
use crate::error::AuthError;
use crate::throttle::Scope;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use sqlx::Row;
use std::sync::Arc;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct EventLabels {
    pub event: &'static str,
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ScopeLabels {
    pub scope: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: String,
    pub method: &'static str,
    pub status: u16,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// Durations from 1 ms to about 16 s: a page, a password check, a slow database.
fn seconds_histogram() -> Histogram {
    Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
        0.001, 2.0, 15,
    ))
}

/// The audit events counted in the metrics: sign-ins and codes. Events that happen only for an
/// existing account when anyone may trigger them (a reset link sent rather than refused, an
/// invitation renewed) are left out, so that the metrics cannot tell who has an account.
const COUNTED_EVENTS: [EventKind; 8] = [
    EventKind::SignInPassword,
    EventKind::SignedIn,
    EventKind::SignInGoogle,
    EventKind::CodeSent,
    EventKind::CodeFailed,
    EventKind::AppCodeFailed,
    EventKind::OidcSignIn,
    EventKind::LogOut,
];

/// The instance's counters and gauges.
pub struct Metrics {
    registry: Registry,
    /// Sign-in and code events committed ([`COUNTED_EVENTS`]), by event and outcome: sign-ins by
    /// outcome are `event="sign_in_password"` (the password step) and `event="signed_in"`
    /// (completed). Count them with [`Metrics::committed`].
    events: Family<EventLabels, Counter>,
    pub mails_queued: Counter,
    pub mails_sent: Counter,
    /// Failed delivery tries (each is retried with backoff).
    pub mails_failed: Counter,
    /// Mails given up after failing for a day.
    pub mails_given_up: Counter,
    outbox_depth: Gauge,
    outbox_oldest_age: Gauge,
    /// Requests refused by a throttle, by its scope (per user, per IP, code pauses).
    pub throttle_refusals: Family<ScopeLabels, Counter>,
    /// Seconds per request, by route (the matched pattern, never a token), method and status.
    pub requests: HistogramFamily<RouteLabels>,
    /// Password hashes and checks waiting for a hashing worker, and how long they waited.
    pub hashing_waiting: Gauge,
    pub hashing_wait: Histogram,
    /// Password hashes and checks refused because the queue was too long (answered 503).
    pub hashing_refused: Counter,
    /// Session cookies looked up in the database (a page shares one lookup among its parts).
    pub session_lookups: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("pforte");
        let events = Family::<EventLabels, Counter>::default();
        registry.register(
            "audit_events",
            "Sign-in and code audit events committed, by event and outcome (sign-ins: sign_in_password, signed_in, sign_in_google)",
            events.clone(),
        );
        let mails_queued = Counter::default();
        registry.register(
            "mails_queued",
            "Mails put into the outbox",
            mails_queued.clone(),
        );
        let mails_sent = Counter::default();
        registry.register(
            "mails_sent",
            "Mails delivered to the mail server",
            mails_sent.clone(),
        );
        let mails_failed = Counter::default();
        registry.register(
            "mails_failed",
            "Failed delivery tries (retried with backoff)",
            mails_failed.clone(),
        );
        let mails_given_up = Counter::default();
        registry.register(
            "mails_given_up",
            "Mails given up after failing for a day",
            mails_given_up.clone(),
        );
        let outbox_depth = Gauge::default();
        registry.register(
            "outbox_depth",
            "Mails waiting in the outbox (all instances)",
            outbox_depth.clone(),
        );
        let outbox_oldest_age = Gauge::default();
        registry.register(
            "outbox_oldest_age_seconds",
            "Age of the oldest mail waiting in the outbox",
            outbox_oldest_age.clone(),
        );
        let throttle_refusals = Family::<ScopeLabels, Counter>::default();
        registry.register(
            "throttle_refusals",
            "Requests refused by a throttle, by scope",
            throttle_refusals.clone(),
        );
        let requests: HistogramFamily<RouteLabels> =
            Family::new_with_constructor(seconds_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Requests by route, method and status, with their duration",
            requests.clone(),
        );
        let hashing_waiting = Gauge::default();
        registry.register(
            "hashing_waiting",
            "Password hashes waiting for a hashing worker",
            hashing_waiting.clone(),
        );
        let hashing_wait = seconds_histogram();
        registry.register(
            "hashing_wait_seconds",
            "Time a password hash waited for a hashing worker",
            hashing_wait.clone(),
        );
        let hashing_refused = Counter::default();
        registry.register(
            "hashing_refused",
            "Password hashes refused because they would have waited too long for a worker",
            hashing_refused.clone(),
        );
        let session_lookups = Counter::default();
        registry.register(
            "session_lookups",
            "Session cookies looked up in the database",
            session_lookups.clone(),
        );
        Metrics {
            registry,
            events,
            mails_queued,
            mails_sent,
            mails_failed,
            mails_given_up,
            outbox_depth,
            outbox_oldest_age,
            throttle_refusals,
            requests,
            hashing_waiting,
            hashing_wait,
            hashing_refused,
            session_lookups,
        }
    }

    /// One refusal by the throttle of `scope`. Refusals for identifiers that name nobody count
    /// as `user`, as the throttle itself treats them alike (else the metrics would tell).
    pub fn refused(&self, scope: Scope) {
        let scope = match scope {
            Scope::Unknown => Scope::User,
            other => other,
        };
        self.throttle_refusals
            .get_or_create(&ScopeLabels {
                scope: scope.as_str(),
            })
            .inc();
    }

    /// Counts an audit event that was committed, if it is one of [`COUNTED_EVENTS`].
    pub fn committed(&self, kind: EventKind, outcome: Outcome) {
        if COUNTED_EVENTS.contains(&kind) {
            self.events
                .get_or_create(&EventLabels {
                    event: kind.as_str(),
                    outcome: outcome.as_str(),
                })
                .inc();
        }
    }

    /// The metrics in the Prometheus text format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// Shared by an [`Auth`] and its clones.
pub type SharedMetrics = Arc<Metrics>;

impl Auth {
    /// The metrics, with the outbox gauges read from the database now.
    pub async fn metrics_text(&self) -> Result<String, AuthError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL",
        )
        .fetch_one(&self.store.pool)
        .await?;
        let depth: i64 = row.try_get("n")?;
        let oldest: Option<i64> = row.try_get("oldest")?;
        self.metrics.outbox_depth.set(depth);
        self.metrics
            .outbox_oldest_age
            .set(oldest.map_or(0, |at| (self.now() - at).max(0)));
        Ok(self.metrics.encode())
    }
}
