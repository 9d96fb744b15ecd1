//! The background workers of every instance: the mail worker delivers due outbox mails, retrying
//! failures with backoff (claims in the database keep each mail with one worker), and the sweeper
//! deletes expired rows. Several instances may run both at once.

use pforte_auth::Auth;
use pforte_auth::mailer::Mailer;
use std::time::Duration;

/// Mails claimed per pass.
const BATCH: i64 = 20;

/// One pass: claims due mails and tries each once. Returns how many were delivered.
pub async fn deliver_due(auth: &Auth, mailer: &Mailer) -> Result<usize, pforte_auth::AuthError> {
    let mut delivered = 0;
    for claimed in auth.claim_due_mails(BATCH).await? {
        match mailer.deliver(claimed.id, &claimed.mail).await {
            Ok(()) => {
                auth.mark_mail_sent(claimed.id).await?;
                delivered += 1;
            }
            Err(error) => {
                tracing::warn!(id = claimed.id, attempts = claimed.attempts + 1, %error, "mail delivery failed; will retry");
                auth.mark_mail_failed(claimed.id, claimed.attempts).await?;
            }
        }
    }
    Ok(delivered)
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

/// Runs [`deliver_due`] every `poll` until the process ends.
pub fn spawn(auth: Auth, mailer: Mailer, poll: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match deliver_due(&auth, &mailer).await {
                Ok(n) if n as i64 == BATCH => continue,
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "mail worker pass failed"),
            }
            tokio::time::sleep(poll).await;
        }
    })
}
