//! One store, two engines: sqlx's `Any` driver over SQLite or PostgreSQL, with a migration folder each.
//! Queries use `$1` placeholders, which both engines accept; integers are BIGINT, times UNIX seconds.

use crate::error::AuthError;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Store {
    pub pool: AnyPool,
    pub engine: Engine,
}

impl Engine {
    pub fn from_url(url: &str) -> Option<Engine> {
        if url.starts_with("sqlite:") {
            Some(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Engine::Postgres)
        } else {
            None
        }
    }
}

/// For a SQLite URL: the file path, whose directory must exist before connecting.
pub fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
}

impl Store {
    /// Connects (creating a SQLite file and its directory when missing). Does not migrate.
    pub async fn connect(url: &str) -> Result<Store, AuthError> {
        sqlx::any::install_default_drivers();
        let engine = Engine::from_url(url).ok_or(AuthError::Invalid {
            field: "PFORTE_DATABASE_URL",
            problem: pforte_shared::Msg::BadRequest,
        })?;
        let mut url = url.to_owned();
        let max = match engine {
            Engine::Sqlite => {
                if let Some(dir) = sqlite_path(&url).and_then(|p| std::path::Path::new(p).parent())
                    && !dir.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| AuthError::Database(sqlx::Error::Io(e)))?;
                }
                if !url.contains("mode=") {
                    url.push(if url.contains('?') { '&' } else { '?' });
                    url.push_str("mode=rwc");
                }
                4
            }
            Engine::Postgres => 16,
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            // With the database down, requests fail after this instead of hanging; the pool
            // connects again by itself once it is back.
            .acquire_timeout(std::time::Duration::from_secs(10))
            // A PostgreSQL connection may have died while idle (a restart, a failover): it is
            // checked before use. A SQLite connection is a file this process holds open; checking
            // it would only cost each query another round trip to its worker thread.
            .test_before_acquire(engine == Engine::Postgres)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; \
                             PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Store { pool, engine })
    }

    /// The embedded migrations of this engine.
    fn migrator(&self) -> sqlx::migrate::Migrator {
        match self.engine {
            Engine::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Engine::Postgres => sqlx::migrate!("./migrations/postgres"),
        }
    }

    /// Applies the embedded migrations of this engine. Safe to run from several instances at
    /// once: they take a database lock (PostgreSQL) or the write lock (SQLite) and run in turn.
    pub async fn migrate(&self) -> Result<(), AuthError> {
        self.migrator().run(&self.pool).await?;
        Ok(())
    }

    /// Writes a consistent copy of a SQLite database to `file` while it is in use (`VACUUM
    /// INTO`: one read transaction, so writers go on). The file is made new here, readable by its
    /// owner only (the copy holds password hashes and sealed secrets); an existing file or
    /// symbolic link is refused (`O_EXCL`). Write into a directory only the operator can write
    /// to: SQLite opens the file again by its name.
    pub async fn backup_to(&self, file: &std::path::Path) -> std::io::Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options.open(file)?;
        let path = file
            .to_str()
            .ok_or_else(|| std::io::Error::other("the file name is not UTF-8"))?;
        let copied = sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.pool)
            .await;
        if let Err(e) = copied {
            let _ = std::fs::remove_file(file);
            return Err(std::io::Error::other(e));
        }
        Ok(())
    }

    /// True when every migration this binary knows has been applied (and none failed): false
    /// while another instance is still migrating, or before the first start.
    pub async fn migrated(&self) -> bool {
        let applied = sqlx::query_scalar::<_, i64>(
            "SELECT version FROM _sqlx_migrations WHERE success = TRUE",
        )
        .fetch_all(&self.pool);
        let Some(applied) = within_probe_limit(applied).await else {
            return false;
        };
        self.migrator()
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .all(|m| applied.contains(&m.version))
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn ping(&self) -> bool {
        within_probe_limit(sqlx::query("SELECT 1").execute(&self.pool))
            .await
            .is_some()
    }
}

/// The answer of a health probe's query, if it came within 3 s without an error: a probe says
/// "no" quickly rather than wait for a database that does not answer.
async fn within_probe_limit<T>(
    query: impl std::future::Future<Output = Result<T, sqlx::Error>>,
) -> Option<T> {
    tokio::time::timeout(std::time::Duration::from_secs(3), query)
        .await
        .ok()
        .and_then(Result::ok)
}

/// True when a database error is a unique-constraint violation.
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                || db
                    .code()
                    .is_some_and(|c| c == "23505" || c == "2067" || c == "1555")
        }
        _ => false,
    }
}
