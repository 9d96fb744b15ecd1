//! The background workers of every instance: the mail worker delivers due outbox mails
//! ([`Auth::deliver_due_while`]: claims in the database keep each mail with one worker, failures
//! are retried with backoff and given up after a day), and the sweeper deletes expired rows
//! ([`Auth::sweep`]). Several instances may run both at once.

use pforte_auth::Auth;
use pforte_auth::mailer::Mailer;
use pforte_auth::outbox::BATCH;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// The running workers, to be stopped at shutdown.
pub struct Workers {
    stopping: Arc<AtomicBool>,
    wake: Arc<Notify>,
    mail: JoinHandle<()>,
    sweeper: JoinHandle<()>,
}

/// How long a stopping mail worker may take to finish the mail it is sending (the SMTP
/// timeout is 20 s).
const MAIL_STOP_GRACE: Duration = Duration::from_secs(25);

impl Workers {
    /// Stops both: the mail worker after the mail it is sending (the rest of its batch is left
    /// for another instance), the sweeper at once (an unfinished sweep rolls back).
    pub async fn stop(self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.wake.notify_one();
        self.sweeper.abort();
        if tokio::time::timeout(MAIL_STOP_GRACE, self.mail)
            .await
            .is_err()
        {
            tracing::warn!("the mail worker did not stop in time");
        }
    }
}

/// Starts both workers: mail every `poll`, sweeping every `sweep_every`.
pub fn spawn(auth: &Auth, mailer: Mailer, poll: Duration, sweep_every: Duration) -> Workers {
    let stopping = Arc::new(AtomicBool::new(false));
    let wake = Arc::new(Notify::new());
    Workers {
        mail: spawn_mail_worker_until(auth.clone(), mailer, poll, stopping.clone(), wake.clone()),
        sweeper: spawn_sweeper(auth.clone(), sweep_every),
        stopping,
        wake,
    }
}

/// Runs [`Auth::deliver_due`] every `poll` (at once again after a full batch) until the process ends.
pub fn spawn_mail_worker(auth: Auth, mailer: Mailer, poll: Duration) -> JoinHandle<()> {
    spawn_mail_worker_until(auth, mailer, poll, Arc::default(), Arc::default())
}

fn spawn_mail_worker_until(
    auth: Auth,
    mailer: Mailer,
    poll: Duration,
    stopping: Arc<AtomicBool>,
    wake: Arc<Notify>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let go_on = || !stopping.load(Ordering::SeqCst);
        while go_on() {
            match auth.deliver_due_while(&mailer, go_on).await {
                Ok(n) if n as i64 == BATCH => continue,
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "mail worker pass failed"),
            }
            tokio::select! {
                () = tokio::time::sleep(poll) => {}
                () = wake.notified() => {}
            }
        }
    })
}

/// Runs [`Auth::sweep`] every `every` until the process ends.
pub fn spawn_sweeper(auth: Auth, every: Duration) -> JoinHandle<()> {
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
