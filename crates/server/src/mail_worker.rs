//! The mail worker: delivers due outbox mails, retrying failures with backoff. Several instances
//! may run it at once; claims in the database keep each mail with one worker.

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
