//! The background workers of every instance: the mail worker delivers due outbox mails
//! ([`Auth::deliver_due`]: claims in the database keep each mail with one worker, failures are
//! retried with backoff), and the sweeper deletes expired rows ([`Auth::sweep`]). Several
//! instances may run both at once.

use pforte_auth::Auth;
use pforte_auth::mailer::Mailer;
use pforte_auth::outbox::BATCH;
use std::time::Duration;

/// Starts both workers: mail every `poll`, sweeping every `sweep_every`.
pub fn spawn(auth: &Auth, mailer: Mailer, poll: Duration, sweep_every: Duration) {
    spawn_mail_worker(auth.clone(), mailer, poll);
    spawn_sweeper(auth.clone(), sweep_every);
}

/// Runs [`Auth::deliver_due`] every `poll` (at once again after a full batch) until the process ends.
pub fn spawn_mail_worker(
    auth: Auth,
    mailer: Mailer,
    poll: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match auth.deliver_due(&mailer).await {
                Ok(n) if n as i64 == BATCH => continue,
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "mail worker pass failed"),
            }
            tokio::time::sleep(poll).await;
        }
    })
}

/// Runs [`Auth::sweep`] every `every` until the process ends.
pub fn spawn_sweeper(auth: Auth, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            match auth.sweep().await {
                Ok(swept) => tracing::debug!(?swept, "swept expired rows"),
                Err(error) => tracing::error!(%error, "sweep failed"),
            }
        }
    })
}
