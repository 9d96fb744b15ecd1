//! A fresh, empty database per test, on either engine.

use rand::Rng;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

pub(crate) fn random_suffix() -> String {
    let n: u64 = rand::thread_rng().r#gen();
    format!("{n:016x}")
}

/// A fresh, empty database of the engine, used as its URL (`&db`). A SQLite database's
/// directory is removed when this is dropped; PostgreSQL test servers are temporary as a whole.
pub struct TestDatabase {
    url: String,
    dir: Option<std::path::PathBuf>,
}

impl std::ops::Deref for TestDatabase {
    type Target = str;
    fn deref(&self) -> &str {
        &self.url
    }
}

impl AsRef<std::ffi::OsStr> for TestDatabase {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.url.as_ref()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

pub async fn fresh_database(engine: Engine) -> TestDatabase {
    match engine {
        Engine::Sqlite => {
            let dir = std::env::temp_dir().join(format!("pforte-it-{}", random_suffix()));
            TestDatabase {
                url: format!("sqlite://{}/pforte.db", dir.display()),
                dir: Some(dir),
            }
        }
        Engine::Postgres => {
            let admin = std::env::var("PFORTE_TEST_POSTGRES_URL").unwrap_or_else(|_| {
                panic!(
                    "PFORTE_TEST_POSTGRES_URL is not set: run the tests with `cargo xtask test`, \
                     which starts PostgreSQL, or point it at a server (postgres://user@host:port/postgres)"
                )
            });
            let name = format!("pforte_it_{}", random_suffix());
            sqlx::any::install_default_drivers();
            let pool = sqlx::AnyPool::connect(&admin)
                .await
                .expect("connect to PostgreSQL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&pool)
                .await
                .expect("create test database");
            pool.close().await;
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
            TestDatabase {
                url: format!("{base}/{name}"),
                dir: None,
            }
        }
    }
}
