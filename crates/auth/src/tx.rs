//! The unit of work: every state-changing domain operation runs in one [`Tx`]. It holds the
//! database transaction, the operation's one clock reading and the request's metadata, and it is
//! the only way to record an audit event or queue a mail, so that both commit together with the
//! change or not at all. Nothing is written after commit; nothing is undone by hand: an error
//! drops the `Tx`, which rolls everything back.
//!
//! An operation may need two units of work when one must be visible before slow work starts: a
//! password check claims its throttle attempt in one (so that parallel guesses see the count)
//! and writes its outcome in a second, opened with [`Auth::begin_at`] at the same clock reading.

use crate::audit::Event;
use crate::error::AuthError;
use crate::outbox::Mail;
use crate::store::Engine;
use crate::{Auth, RequestMeta, Settings};
use sqlx::{Any, AnyConnection, Transaction};

pub struct Tx<'a> {
    conn: Transaction<'static, Any>,
    auth: &'a Auth,
    /// The operation's one clock reading (UNIX seconds): every row it writes carries this time.
    now: i64,
    /// Who asked: IP, browser, and the acting admin, for audit rows and throttles.
    meta: &'a RequestMeta,
    /// Audit events written, logged once the transaction has committed.
    recorded: Vec<Event>,
    /// Mails queued, counted once the transaction has committed.
    mails: u64,
}

impl Auth {
    /// Opens a unit of work, reading the clock once.
    pub async fn begin<'a>(&'a self, meta: &'a RequestMeta) -> Result<Tx<'a>, AuthError> {
        self.begin_at(self.clock.now(), meta).await
    }

    /// Opens a unit of work at a clock reading already taken by the same operation.
    pub async fn begin_at<'a>(
        &'a self,
        now: i64,
        meta: &'a RequestMeta,
    ) -> Result<Tx<'a>, AuthError> {
        let conn = match self.store.engine {
            // Take SQLite's write lock up front: a transaction that reads first and writes later
            // could otherwise fail when another writer got in between.
            Engine::Sqlite => self.store.pool.begin_with("BEGIN IMMEDIATE").await?,
            Engine::Postgres => self.store.pool.begin().await?,
        };
        Ok(Tx {
            conn,
            auth: self,
            now,
            meta,
            recorded: Vec::new(),
            mails: 0,
        })
    }
}

impl<'a> Tx<'a> {
    /// The operation's one clock reading (UNIX seconds).
    pub fn now(&self) -> i64 {
        self.now
    }

    /// Who asked.
    pub fn meta(&self) -> &'a RequestMeta {
        self.meta
    }

    /// The transaction's connection, for the operation's own statements. Inside a unit of work
    /// every read and write goes through it, never through the pool.
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }

    pub(crate) fn settings(&self) -> &'a Settings {
        &self.auth.settings
    }

    pub(crate) fn hasher(&self) -> &'a crate::password::Hasher {
        &self.auth.hasher
    }

    pub(crate) fn metrics(&self) -> &'a crate::metrics::Metrics {
        &self.auth.metrics
    }

    pub(crate) fn engine(&self) -> Engine {
        self.auth.store.engine
    }

    /// Records an audit event at this unit's time, with the request's IP, browser and actor.
    pub async fn audit(&mut self, event: Event) -> Result<(), AuthError> {
        sqlx::query(
            "INSERT INTO audit_events (at, user_id, account_id, event, outcome, ip, user_agent, detail, actor_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(self.now)
        .bind(event.user_id)
        .bind(event.account_id)
        .bind(event.kind.as_str())
        .bind(event.outcome.as_str())
        .bind(&self.meta.ip)
        .bind(&self.meta.user_agent)
        .bind(&event.detail)
        .bind(self.meta.actor)
        .execute(&mut *self.conn)
        .await?;
        self.recorded.push(event);
        Ok(())
    }

    /// Puts a mail into the outbox; the worker delivers it once this unit has committed.
    pub async fn queue_mail(&mut self, mail: &Mail) -> Result<(), AuthError> {
        sqlx::query(
            "INSERT INTO outbox (recipient, subject, body_text, body_html, created_at, next_try_at, attempts) \
             VALUES ($1, $2, $3, $4, $5, $5, 0)",
        )
        .bind(&mail.to)
        .bind(&mail.subject)
        .bind(&mail.text)
        .bind(&mail.html)
        .bind(self.now)
        .execute(&mut *self.conn)
        .await?;
        self.mails += 1;
        Ok(())
    }

    /// Commits the change with its audit rows and mails, then logs the audit events.
    pub async fn commit(self) -> Result<(), AuthError> {
        let Tx {
            conn,
            auth,
            meta,
            recorded,
            mails,
            ..
        } = self;
        conn.commit().await?;
        auth.metrics.mails_queued.inc_by(mails);
        for event in &recorded {
            auth.metrics.committed(event.kind, event.outcome);
            tracing::info!(
                event = event.kind.as_str(),
                outcome = event.outcome.as_str(),
                user_id = event.user_id,
                actor_id = meta.actor,
                ip = %meta.ip,
                "audit"
            );
        }
        Ok(())
    }
}
