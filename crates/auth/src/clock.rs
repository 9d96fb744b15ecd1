//! Time as a parameter: domain code asks a [`Clock`], tests move a [`ManualClock`].

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Seconds since the UNIX epoch, UTC.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> i64;
}

/// A clock that tests set and advance.
#[derive(Clone, Debug)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    pub fn new(start: i64) -> Self {
        ManualClock(Arc::new(AtomicI64::new(start)))
    }

    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }

    pub fn set(&self, now: i64) {
        self.0.store(now, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}
