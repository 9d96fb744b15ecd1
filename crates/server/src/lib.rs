//! The `pforte` server: configuration, command line, the axum router and its middleware.
//! The integration tests start [`router::build`] on a free port.

pub mod cli;
pub mod config;
pub mod google;
pub mod middleware;
pub mod router;
pub mod state;
pub mod workers;

use pforte_auth::Clock;

/// The real clock. The only place Pforte reads the system time.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    }
}
