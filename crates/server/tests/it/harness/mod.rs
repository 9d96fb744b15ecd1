//! Starts Pforte for one test: its own database, a movable clock, an HTTP client without cookie jar
//! (tests handle cookies themselves to check their attributes).
//!
//! Everything is re-exported here, so a test module needs only `use crate::harness::*;`.

mod app;
mod cookies;
mod database;
mod mail;
mod postgres;
mod process;
mod provider;

pub use app::*;
pub use cookies::*;
pub use database::*;
pub use mail::*;
pub use postgres::*;
pub use process::*;
pub use provider::*;

/// Generates `mod sqlite` and `mod postgres` with one `#[tokio::test]` per case.
#[macro_export]
macro_rules! dual {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { super::$case($crate::harness::Engine::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { super::$case($crate::harness::Engine::Postgres).await })*
        }
    };
}
