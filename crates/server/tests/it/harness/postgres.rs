//! A PostgreSQL server of a test's own (Debian's PostgreSQL 15 in a temporary directory), for a
//! test that stops and starts it under running instances. Stopped and removed on drop.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

pub struct OwnPostgres {
    dir: PathBuf,
    pub port: u16,
    as_postgres_user: bool,
}

impl OwnPostgres {
    fn pg(&self, tool: &str) -> Command {
        let bin = Path::new(PG_BIN).join(tool);
        if self.as_postgres_user {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(bin);
            c
        } else {
            Command::new(bin)
        }
    }

    fn run(mut cmd: Command) {
        let shown = format!("{cmd:?}");
        let status = cmd
            .stdout(Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("{shown}: {e}"));
        assert!(status.success(), "{shown} failed ({status})");
    }

    /// Makes and starts a server listening on a Unix socket in its directory only.
    pub fn start() -> OwnPostgres {
        assert!(
            Path::new(PG_BIN).join("initdb").exists(),
            "PostgreSQL 15 is not installed ({PG_BIN}); `cargo xtask test` installs it"
        );
        let dir = std::env::temp_dir().join(format!(
            "pforte-own-pg-{}",
            super::database::random_suffix()
        ));
        std::fs::create_dir_all(&dir).expect("pg dir");
        // PostgreSQL refuses to run as root: Debian's package makes the postgres user.
        let as_postgres_user = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        if as_postgres_user {
            let mut chown = Command::new("chown");
            chown.arg("postgres").arg(&dir);
            OwnPostgres::run(chown);
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let pg = OwnPostgres {
            dir,
            port,
            as_postgres_user,
        };
        let mut initdb = pg.pg("initdb");
        initdb
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
                "-D",
            ])
            .arg(pg.dir.join("data"));
        OwnPostgres::run(initdb);
        pg.start_again();
        pg
    }

    /// Starts the stopped server again, on the same port and data.
    pub fn start_again(&self) {
        let opts = format!(
            "-p {} -k {} -c listen_addresses= -c fsync=off -c max_connections=100",
            self.port,
            self.dir.display()
        );
        let mut start = self.pg("pg_ctl");
        start
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-o", &opts, "-w", "-l"])
            .arg(self.dir.join("log"))
            .arg("start");
        OwnPostgres::run(start);
    }

    /// Stops the server (its clients' connections end).
    pub fn stop(&self) {
        let mut stop = self.pg("pg_ctl");
        stop.arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "fast", "-w", "stop"]);
        OwnPostgres::run(stop);
    }

    /// Over its Unix socket (no TCP port that another test could take while it is stopped).
    pub fn url(&self) -> String {
        format!(
            "postgres://postgres@localhost/postgres?host={}&port={}",
            self.dir.display(),
            self.port
        )
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = self
            .pg("pg_ctl")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
