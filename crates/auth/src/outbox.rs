//! The outbox: mails are written in the same unit of work as the change that causes them
//! ([`crate::tx::Tx::queue_mail`]), and [`Auth::deliver_due`] — run by a worker in every instance —
//! delivers them with retries and backoff, so an SMTP outage loses nothing and doubles nothing.

use crate::Auth;
#[cfg(feature = "test-support")]
use crate::RequestMeta;
use crate::error::AuthError;
use crate::mailer::Mailer;
use sqlx::Row;

/// One mail, as HTML and plain text. Bodies may hold links with tokens: `Debug` leaves them out.
#[derive(Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl std::fmt::Debug for Mail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mail")
            .field("to", &self.to)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

/// A mail claimed for delivery.
#[derive(Debug)]
pub struct Claimed {
    pub id: i64,
    pub attempts: i64,
    /// When it was queued (UNIX seconds).
    pub created_at: i64,
    /// This claim's own random value (`outbox.claimed_by`): renewing, failing or giving up
    /// touches the mail only while the claim is still this one.
    pub claim: String,
    pub mail: Mail,
}

/// How long a claim lasts before another worker (or instance) may take the mail over. The worker
/// renews it every [`CLAIM_RENEW_SECS`] while it sends, so only a worker that died (or lost the
/// database) lets a claim run out: another instance then takes the mail within this time.
pub const CLAIM_SECS: i64 = 15;

/// How often a worker renews the claim of the mail it is sending.
pub const CLAIM_RENEW_SECS: u64 = 5;

/// Delay before the next try after `attempts` failures: 5 s, 10 s, 20 s, … capped at 10 minutes.
pub fn backoff_secs(attempts: i64) -> i64 {
    let exp = attempts.clamp(0, 16) as u32;
    (5_i64 << exp).min(600)
}

/// How long a delivered (or given-up) mail's row (recipient, subject, times; no body) is kept.
pub const SENT_KEPT_SECS: i64 = 7 * 24 * 60 * 60;

/// A mail that still fails this long after it was queued is given up.
pub const GIVE_UP_SECS: i64 = 24 * 60 * 60;

/// The domain of a recipient, for logs (the whole address stays out of them).
fn recipient_domain(recipient: &str) -> &str {
    recipient.rsplit_once('@').map_or("", |(_, domain)| domain)
}

/// Mails tried per delivery pass (each claimed on its own, just before it is sent).
pub const BATCH: i64 = 20;

impl Auth {
    /// Claims up to `limit` due mails. A claim is atomic: two workers never hold the same mail.
    /// On PostgreSQL, rows another worker is claiming right now are skipped rather than waited
    /// for (so that a worker does not come back empty-handed while mails are due).
    pub async fn claim_due_mails(&self, limit: i64) -> Result<Vec<Claimed>, AuthError> {
        let now = self.now();
        let claim = format!("{:032x}", rand::random::<u128>());
        const DUE: &str = "sent_at IS NULL AND failed_at IS NULL \
            AND (claimed_until IS NULL OR claimed_until < $2)";
        let sql = match self.store.engine {
            // The due rows are chosen once (a materialized CTE: a subquery that locks may be
            // run again for every row), skipping rows another worker is claiming right now.
            crate::Engine::Postgres => format!(
                "WITH due AS MATERIALIZED (SELECT id FROM outbox WHERE {DUE} AND next_try_at <= $2 \
                 ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) \
                 UPDATE outbox SET claimed_until = $1, claimed_by = $4 FROM due \
                 WHERE outbox.id = due.id AND {DUE} \
                 RETURNING outbox.id, attempts, created_at, recipient, subject, body_text, body_html"
            ),
            // SQLite has one writer at a time: the statement is atomic as it stands.
            crate::Engine::Sqlite => format!(
                "UPDATE outbox SET claimed_until = $1, claimed_by = $4 \
                 WHERE id IN (SELECT id FROM outbox WHERE {DUE} AND next_try_at <= $2 \
                              ORDER BY id LIMIT $3) \
                   AND {DUE} \
                 RETURNING id, attempts, created_at, recipient, subject, body_text, body_html"
            ),
        };
        let rows = sqlx::query(&sql)
            .bind(now + CLAIM_SECS)
            .bind(now)
            .bind(limit)
            .bind(&claim)
            .fetch_all(&self.store.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Claimed {
                    id: row.try_get("id")?,
                    attempts: row.try_get("attempts")?,
                    created_at: row.try_get("created_at")?,
                    claim: claim.clone(),
                    mail: Mail {
                        to: row.try_get("recipient")?,
                        subject: row.try_get("subject")?,
                        text: row.try_get("body_text")?,
                        html: row.try_get("body_html")?,
                    },
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(AuthError::from)
    }

    /// Records a delivery. The bodies, which may hold codes and links, are emptied: the row keeps
    /// only recipient, subject and times (and is swept after [`SENT_KEPT_SECS`]).
    pub async fn mark_mail_sent(&self, id: i64) -> Result<(), AuthError> {
        sqlx::query(
            "UPDATE outbox SET sent_at = $1, claimed_until = NULL, body_text = '', body_html = '' \
             WHERE id = $2",
        )
        .bind(self.now())
        .bind(id)
        .execute(&self.store.pool)
        .await?;
        Ok(())
    }

    /// Records a failed try and schedules the next one — unless the claim has passed to another
    /// worker meanwhile.
    pub async fn mark_mail_failed(&self, mail: &Claimed) -> Result<(), AuthError> {
        let attempts = mail.attempts + 1;
        sqlx::query(
            "UPDATE outbox SET attempts = $1, next_try_at = $2, claimed_until = NULL \
             WHERE id = $3 AND claimed_by = $4 AND sent_at IS NULL",
        )
        .bind(attempts)
        .bind(self.now() + backoff_secs(attempts))
        .bind(mail.id)
        .bind(&mail.claim)
        .execute(&self.store.pool)
        .await?;
        Ok(())
    }

    /// Gives a mail up: it is not tried again, its bodies are emptied, and the user it was for
    /// (if the address is still a user's) finds it in the audit. One unit of work; nothing
    /// happens if the mail was delivered, or its claim passed to another worker, meanwhile. Its
    /// next try is set beyond reach too, so that an older binary that does not know `failed_at`
    /// (during a rolling upgrade) never picks it up.
    pub async fn give_up_mail(&self, claimed: &Claimed) -> Result<(), AuthError> {
        use crate::audit::{Event, EventKind};
        let meta = crate::RequestMeta::default();
        let mut tx = self.begin(&meta).await?;
        let now = tx.now();
        let given_up = sqlx::query(
            "UPDATE outbox SET failed_at = $1, next_try_at = $2, claimed_until = NULL, \
             body_text = '', body_html = '' \
             WHERE id = $3 AND claimed_by = $4 AND sent_at IS NULL AND failed_at IS NULL",
        )
        .bind(now)
        .bind(i64::MAX / 2)
        .bind(claimed.id)
        .bind(&claimed.claim)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if given_up != 1 {
            return Ok(());
        }
        let user = sqlx::query("SELECT id, account_id FROM users WHERE email = $1")
            .bind(&claimed.mail.to)
            .fetch_optional(tx.conn())
            .await?;
        let mut event = Event::anonymous(EventKind::MailGivenUp)
            .detail(claimed.mail.subject.clone())
            .failed();
        if let Some(user) = user {
            event.user_id = Some(user.try_get("id")?);
            event.account_id = Some(user.try_get("account_id")?);
        }
        tx.audit(event).await?;
        tx.commit().await?;
        self.metrics.mails_given_up.inc();
        tracing::error!(
            id = claimed.id,
            recipient_domain = recipient_domain(&claimed.mail.to),
            attempts = claimed.attempts + 1,
            "mail given up: still undeliverable a day after it was queued"
        );
        Ok(())
    }

    /// Mails not yet delivered nor given up (for operators and tests).
    pub async fn pending_mail_count(&self) -> Result<i64, AuthError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL",
        )
        .fetch_one(&self.store.pool)
        .await?;
        Ok(row.try_get("n")?)
    }

    #[cfg(feature = "test-support")]
    /// Puts one mail in the outbox in a unit of work of its own, unaudited (tests only).
    pub async fn queue_mail(&self, mail: &Mail) -> Result<(), AuthError> {
        let meta = RequestMeta::default();
        let mut tx = self.begin(&meta).await?;
        tx.queue_mail(mail).await?;
        tx.commit().await
    }

    /// One delivery pass: claims due mails and tries each once; a failure is retried later with
    /// backoff, and given up a day after the mail was queued. Returns how many were delivered.
    pub async fn deliver_due(&self, mailer: &Mailer) -> Result<usize, AuthError> {
        self.deliver_due_while(mailer, || true).await
    }

    /// [`Auth::deliver_due`], stopping before the next mail once `go_on` says no (a shutdown).
    /// Each mail is claimed just before it is sent, so a worker that stops (or dies) holds at
    /// most the one it was sending.
    pub async fn deliver_due_while(
        &self,
        mailer: &Mailer,
        go_on: impl Fn() -> bool,
    ) -> Result<usize, AuthError> {
        let mut delivered = 0;
        for _ in 0..BATCH {
            if !go_on() {
                break;
            }
            let Some(mail) = self.claim_due_mails(1).await?.pop() else {
                break;
            };
            match self.send_keeping_claim(mailer, &mail).await {
                Ok(()) => {
                    self.mark_mail_sent(mail.id).await?;
                    self.metrics.mails_sent.inc();
                    delivered += 1;
                }
                Err(error) if self.now() - mail.created_at >= GIVE_UP_SECS => {
                    tracing::warn!(id = mail.id, %error, "mail delivery failed");
                    self.metrics.mails_failed.inc();
                    self.give_up_mail(&mail).await?;
                }
                Err(error) => {
                    tracing::warn!(id = mail.id, attempts = mail.attempts + 1, %error, "mail delivery failed; will retry");
                    self.metrics.mails_failed.inc();
                    self.mark_mail_failed(&mail).await?;
                }
            }
        }
        Ok(delivered)
    }

    /// Sends a claimed mail, renewing its claim every [`CLAIM_RENEW_SECS`] until the mail server
    /// has answered.
    async fn send_keeping_claim(
        &self,
        mailer: &Mailer,
        mail: &Claimed,
    ) -> Result<(), crate::mailer::DeliveryError> {
        let send = mailer.deliver(mail);
        tokio::pin!(send);
        let mut renew = tokio::time::interval(std::time::Duration::from_secs(CLAIM_RENEW_SECS));
        renew.tick().await;
        loop {
            tokio::select! {
                sent = &mut send => return sent,
                _ = renew.tick() => {
                    if let Err(error) = self.renew_claim(mail).await {
                        tracing::warn!(id = mail.id, %error, "cannot renew the claim of a mail being sent");
                    }
                }
            }
        }
    }

    /// Extends a claim that is still this worker's.
    async fn renew_claim(&self, mail: &Claimed) -> Result<(), AuthError> {
        sqlx::query(
            "UPDATE outbox SET claimed_until = $1 \
             WHERE id = $2 AND claimed_by = $3 AND sent_at IS NULL",
        )
        .bind(self.now() + CLAIM_SECS)
        .bind(mail.id)
        .bind(&mail.claim)
        .execute(&self.store.pool)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::backoff_secs;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff_secs(1), 10);
        assert_eq!(backoff_secs(2), 20);
        assert!(backoff_secs(5) > backoff_secs(4));
        assert_eq!(backoff_secs(50), 600);
    }
}
