//! The `pforte` binary as a separate process: one command, or `pforte serve`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// The `PFORTE_SECRET_KEY` the tests' processes share (PostgreSQL requires one).
pub const TEST_SECRET_KEY: &str = "cGZvcnRlLXRlc3Qtc2VjcmV0LWtleS0zMi1ieXRlcyE=";

/// Runs the `pforte` binary against a database, feeding `stdin` if given.
pub fn pforte(database_url: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pforte"))
        .args(args)
        .env("PFORTE_DATABASE_URL", database_url)
        .env("PFORTE_SECRET_KEY", TEST_SECRET_KEY)
        .env(
            "PFORTE_MAIL_DIR",
            std::env::temp_dir().join("pforte-it-mailbox"),
        )
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn pforte");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).expect("write stdin");
    }
    drop(input);
    child.wait_with_output().expect("wait")
}

/// A real `pforte serve` process on a free port (debug logs to a file, stdout kept).
pub struct Served {
    pub base: String,
    pub client: reqwest::Client,
    child: std::process::Child,
    stderr_path: std::path::PathBuf,
    stdout_path: std::path::PathBuf,
    /// This instance's development mailbox: its mails as .eml files.
    mailbox: std::path::PathBuf,
}

impl Served {
    pub async fn start(database_url: &str) -> Served {
        Served::start_in(database_url, "C.UTF-8").await
    }

    /// `pforte serve` run by an operator whose locale is `lang` (`LANG`, e.g. `de_DE.UTF-8`).
    pub async fn start_in(database_url: &str, lang: &str) -> Served {
        Served::start_with(database_url, lang, &[]).await
    }

    /// `pforte serve` with further environment variables.
    pub async fn start_with(database_url: &str, lang: &str, env: &[(&str, &str)]) -> Served {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let dir = std::env::temp_dir();
        let stderr_path = dir.join(format!("pforte-serve-{port}-{}.err", std::process::id()));
        let stdout_path = dir.join(format!("pforte-serve-{port}-{}.out", std::process::id()));
        let mailbox = dir.join(format!(
            "pforte-serve-{port}-{}-mailbox",
            std::process::id()
        ));
        let child = Command::new(env!("CARGO_BIN_EXE_pforte"))
            .arg("serve")
            .env("PFORTE_DATABASE_URL", database_url)
            .env("PFORTE_SECRET_KEY", TEST_SECRET_KEY)
            .env("PFORTE_MAIL_DIR", &mailbox)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("PFORTE_PUBLIC_URL", &base)
            .env("RUST_LOG", "debug")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", lang)
            .envs(env.iter().copied())
            .stdout(Stdio::from(
                std::fs::File::create(&stdout_path).expect("stdout file"),
            ))
            .stderr(Stdio::from(
                std::fs::File::create(&stderr_path).expect("stderr file"),
            ))
            .spawn()
            .expect("start pforte serve");
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let served = Served {
            base,
            client,
            child,
            stderr_path,
            stdout_path,
            mailbox,
        };
        for _ in 0..150 {
            let health = served
                .client
                .get(format!("{}/healthz", served.base))
                .send()
                .await;
            if health.is_ok_and(|r| r.status() == 200) {
                return served;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("pforte serve did not come up");
    }

    /// `GET path` on this server with extra request headers.
    pub async fn get(
        &self,
        path: &str,
        headers: &[(&str, &str)],
    ) -> reqwest::Result<reqwest::Response> {
        let mut req = self.client.get(format!("{}{path}", self.base));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        req.send().await
    }

    /// What the server printed so far on standard output.
    pub fn stdout(&self) -> String {
        std::fs::read_to_string(&self.stdout_path).unwrap_or_default()
    }

    /// The text of the first mail this instance delivered that contains `needle`, waiting up to
    /// ten seconds for its mail worker (which empties the outbox row once it has delivered).
    pub async fn delivered_mail_with(&self, needle: &str) -> String {
        for _ in 0..100 {
            let found = std::fs::read_dir(&self.mailbox)
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
                .filter_map(|f| std::fs::read_to_string(f.path()).ok())
                .find(|text| text.contains(needle));
            if let Some(text) = found {
                return text;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("no delivered mail with {needle:?}");
    }

    /// What the server logged so far on standard error.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }

    /// Kills the process at once (SIGKILL), as a crash or the OOM killer would.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        let _ = self.child.wait();
    }

    /// Sends SIGTERM, as a service manager stops it (the process is not waited for).
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits up to `limit` for the process to end by itself; its exit status.
    pub async fn exited_within(
        &mut self,
        limit: std::time::Duration,
    ) -> Option<std::process::ExitStatus> {
        let until = std::time::Instant::now() + limit;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if std::time::Instant::now() >= until {
                return None;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Stops the server; returns its (stderr, stdout).
    pub fn stop(mut self) -> (String, String) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let err = std::fs::read_to_string(&self.stderr_path).unwrap_or_default();
        let out = std::fs::read_to_string(&self.stdout_path).unwrap_or_default();
        let _ = std::fs::remove_file(&self.stderr_path);
        let _ = std::fs::remove_file(&self.stdout_path);
        let _ = std::fs::remove_dir_all(&self.mailbox);
        (err, out)
    }
}

/// A test that fails before `stop` must not leave its server running (with its mail worker and
/// sweeper polling a database server that later tests share).
impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
