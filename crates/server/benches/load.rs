//! `cargo xtask bench`: the released `pforte` binary under load, printed as one table.
//!
//! - argon2id verifications alone, on the same hashing pool the server uses;
//! - password sign-ins on trusted devices over HTTP, 32 browsers at once;
//! - `GET /login` and two signed-in pages (`/` and `/account/security`) at 32 connections:
//!   requests per second with the median and 99th percentile latency, and the CPU time per
//!   request of the server and of the load generator (a minimal HTTP/1.1 client, [`PageClient`]);
//! - resident memory idle and at its peak during 500 sign-ins at once;
//! - cold start: from starting the process on an existing database to its first answer;
//! - what a first visit to `/login` transfers, file by file (`Accept-Encoding: br, gzip`).
//!
//! Prints figures; asserts nothing about time (machines here are shared and noisy), only that
//! every answer is the right one. The binary and site are `target/release/pforte` and
//! `target/site` unless `PFORTE_BENCH_BIN` and `PFORTE_BENCH_SITE` say otherwise.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a benchmark, not production code

use pforte_auth::account::NewUser;
use pforte_auth::password::Hasher;
use pforte_auth::secret::Password;
use pforte_auth::{Auth, RequestMeta, Settings, Store};
use pforte_server::SystemClock;
use pforte_shared::types::Role;
use sqlx::Row;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PASSWORD: &str = "velvet ostrich juggles quartz lanterns";
const BODY_PASSWORD: &str = "velvet+ostrich+juggles+quartz+lanterns";
/// Browsers (and connections) at once in the throughput measurements.
const CONNECTIONS: usize = 32;
/// Sign-ins at once for the memory peak; each its own user on its own trusted device.
const BURST: usize = 500;
/// Verifications in the argon2-alone measurement, and sign-ins in the sign-in measurement.
const SIGN_INS: usize = 640;
/// The pages measured, and whether signed in: the sign-in page, then `/` (who is signed in) and
/// `/account/security` (the user's devices, sessions and activity, 20 rows each for the
/// benchmark's users, who signed in 20 times).
const PAGES: [(&str, bool); 3] = [("/login", false), ("/", true), ("/account/security", true)];
/// How long each page measurement runs.
const PAGE_TIME: Duration = Duration::from_secs(5);

fn email(i: usize) -> String {
    format!("user{i}@bench.example")
}

/// User `i`, with the benchmark's password.
fn user(i: usize, role: Role) -> NewUser {
    NewUser {
        email: email(i),
        display_name: String::new(),
        role,
        google_email: None,
        password: Some(Password::new(PASSWORD.into())),
        lang: Default::default(),
    }
}

/// A made-up client address per user, passed on by the trusted proxy (127.0.0.1), so that the
/// per-address limit sees many browsers as it would in production.
fn client_ip(i: usize) -> String {
    format!("10.{}.{}.{}", i / 65_536 % 256, i / 256 % 256, i % 256)
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn setting(name: &str, default: &str) -> PathBuf {
    std::env::var_os(name).map_or_else(|| workspace().join(default), PathBuf::from)
}

/// The CPU's model name and the number of cores this process may use.
fn machine() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(String::new(), |kb| format!(", {} GiB", kb / 1024 / 1024));
    format!("{model}, {cores} cores{memory}")
}

/// The CPU time process `pid` has used so far (user and system), in seconds.
fn cpu_of(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    // utime and stime are fields 14 and 15 of the line, in clock ticks (100 per second on Linux).
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// `VmRSS` and `VmHWM` (the peak) of a process, in MiB.
fn memory_of(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The release binary serving `database` on a free port.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn spawn(database: &Path, dir: &Path) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let child = Command::new(setting("PFORTE_BENCH_BIN", "target/release/pforte"))
            .arg("serve")
            .env(
                "PFORTE_DATABASE_URL",
                format!("sqlite://{}", database.display()),
            )
            .env("PFORTE_MAIL_DIR", dir.join("mailbox"))
            .env("PFORTE_PUBLIC_URL", &base)
            .env("PFORTE_TRUSTED_PROXIES", "127.0.0.1")
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env(
                "LEPTOS_SITE_ROOT",
                setting("PFORTE_BENCH_SITE", "target/site"),
            )
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the release binary (built by `cargo xtask bench`)");
        Server { child, base }
    }

    /// Waits for the first answer to `/healthz`, asking every millisecond.
    fn answered(&self) -> Duration {
        answered(&self.base)
    }
}

/// Waits for the first answer to `base`'s `/healthz`, asking every millisecond.
fn answered(base: &str) -> Duration {
    use std::io::{Read, Write};
    let started = Instant::now();
    let addr = base.trim_start_matches("http://");
    loop {
        if let Ok(mut s) = std::net::TcpStream::connect(addr) {
            let _ =
                s.write_all(b"GET /healthz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n");
            let mut answer = String::new();
            let _ = s.read_to_string(&mut answer);
            if answer.starts_with("HTTP/1.1 200") {
                return started.elapsed();
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no answer within 30 s"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Signs user `i` in on a new browser through the domain (password, code, "Yes") and returns the
/// trusted-device cookie.
async fn trusted_device(auth: &Auth, i: usize) -> String {
    let meta = RequestMeta::new("127.0.0.1", "bench");
    let step = auth
        .submit_password(&email(i), Password::new(PASSWORD.into()), None, None, &meta)
        .await
        .expect("password");
    let text: String = sqlx::query("SELECT body_text FROM outbox ORDER BY id DESC LIMIT 1")
        .fetch_one(&auth.store.pool)
        .await
        .expect("mail")
        .get("body_text");
    let code: String = text
        .split("code is ")
        .nth(1)
        .expect("code")
        .chars()
        .take(6)
        .collect();
    let step = auth
        .confirm_sign_in_code(Some(step.token.expose()), &code, &meta)
        .await
        .expect("code");
    let step = auth
        .decide_sign_in_trust(Some(step.token.expose()), true, &meta)
        .await
        .expect("trust");
    format!("pforte_device={}", step.device.expect("device").expose())
}

/// A database with `BURST` users, each with a trusted device; returns their device cookies.
async fn prepare(database: &Path) -> Vec<String> {
    let store = Store::connect(&format!("sqlite://{}", database.display()))
        .await
        .expect("database");
    store.migrate().await.expect("migrate");
    let auth = Auth::new(store, Arc::new(SystemClock), Settings::default());
    let (account, _) = auth
        .create_account(
            "Bench GmbH",
            None,
            user(0, Role::Admin),
            &RequestMeta::default(),
        )
        .await
        .expect("account");
    // One after another: SQLite has one writer, and hundreds at once outwait its busy timeout.
    for i in 1..BURST {
        auth.create_user(
            &account.customer_number,
            user(i, Role::User),
            &RequestMeta::default(),
        )
        .await
        .expect("user");
    }
    let mut devices = Vec::with_capacity(BURST);
    for i in 0..BURST {
        devices.push(trusted_device(&auth, i).await);
    }
    // The codes mailed on the way: not for the server to deliver while it is measured.
    sqlx::query("DELETE FROM outbox")
        .execute(&auth.store.pool)
        .await
        .expect("outbox");
    auth.store.pool.close().await;
    devices
}

/// Runs all the futures at once on the runtime (the hashing pool queues them) and collects their
/// outputs.
async fn spawn_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let mut set = tokio::task::JoinSet::new();
    for f in futures {
        set.spawn(f);
    }
    let mut out = Vec::new();
    while let Some(r) = set.join_next().await {
        out.push(r.expect("task"));
    }
    out
}

/// The reqwest client of the sign-ins, the burst and the first visits: redirects are not
/// followed; cookies and `Accept-Encoding` are set by hand.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(BURST)
        .build()
        .expect("client")
}

/// Where sign-ins go and what a successful one answers: Pforte's server function, or the express
/// baseline's form post.
#[derive(Clone)]
struct Target {
    base: String,
    /// The server's process, whose CPU time the page figures divide by their requests.
    pid: u32,
    sign_in_path: &'static str,
    signed_in_status: u16,
    session_cookie: &'static str,
}

impl Target {
    fn pforte(base: &str, pid: u32) -> Target {
        Target {
            base: base.to_owned(),
            pid,
            sign_in_path: "/api/submit_password",
            signed_in_status: 200,
            session_cookie: "pforte_session=",
        }
    }

    fn express(base: &str, pid: u32) -> Target {
        Target {
            base: base.to_owned(),
            pid,
            sign_in_path: "/login",
            signed_in_status: 302,
            session_cookie: "connect.sid=",
        }
    }
}

/// One password sign-in of user `i` (on their trusted device, if given): the status and the
/// session cookie.
async fn sign_in(
    client: &reqwest::Client,
    target: &Target,
    device: Option<&str>,
    i: usize,
) -> (u16, String) {
    let mut req = client
        .post(format!("{}{}", target.base, target.sign_in_path))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-for", client_ip(i))
        .body(format!(
            "identifier=user{i}%40bench.example&password={BODY_PASSWORD}"
        ));
    if let Some(device) = device {
        req = req.header("cookie", device);
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    if status == target.signed_in_status {
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert_eq!(
            location, "/",
            "signed in, without a code on a trusted device"
        );
    }
    let session = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(target.session_cookie))
        .and_then(|c| c.split(';').next())
        .unwrap_or_default()
        .to_owned();
    (status, session)
}

/// `SIGN_INS` sign-ins, `CONNECTIONS` browsers at once; sign-ins per second and each browser's
/// last session cookie.
async fn sign_ins(target: &Target, devices: &[Option<String>]) -> (f64, Vec<String>) {
    let client = client();
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for (i, device) in devices.iter().take(CONNECTIONS).enumerate() {
        let (client, target, device) = (client.clone(), target.clone(), device.clone());
        set.spawn(async move {
            let mut session = String::new();
            for _ in 0..SIGN_INS / CONNECTIONS {
                let (status, cookie) = sign_in(&client, &target, device.as_deref(), i).await;
                assert_eq!(status, target.signed_in_status, "sign-in must succeed");
                session = cookie;
            }
            session
        });
    }
    let mut sessions = Vec::new();
    while let Some(r) = set.join_next().await {
        sessions.push(r.expect("browser"));
    }
    let rate = (SIGN_INS / CONNECTIONS * CONNECTIONS) as f64 / started.elapsed().as_secs_f64();
    (rate, sessions)
}

/// Sign-ins per second, and the [`Figures`] of [`PAGES`], on `target`.
async fn throughput(target: &Target, devices: &[Option<String>]) -> (f64, [Figures; PAGES.len()]) {
    eprintln!("sign-ins on {} …", target.base);
    let (signed_in, sessions) = sign_ins(target, devices).await;
    let mut figures = [Figures::default(); PAGES.len()];
    for (i, (path, signed_in)) in PAGES.into_iter().enumerate() {
        eprintln!("GET {path} …");
        let cookies = if signed_in { &sessions[..] } else { &[] };
        figures[i] = pages(target, path, cookies).await;
    }
    (signed_in, figures)
}

/// Requests per second; median and 99th percentile latency in milliseconds; the server's CPU time
/// per request (which other work on a shared machine disturbs less than the rate) and the bench
/// process's, which during the page measurements is the load generator's, both in microseconds.
#[derive(Clone, Copy, Default)]
struct Figures {
    rate: f64,
    p50: f64,
    p99: f64,
    server_cpu: f64,
    client_cpu: f64,
}

/// The express baseline (`bench/express/server.js`, when `PFORTE_BENCH_EXPRESS` names it) on a
/// free port, with `CONNECTIONS` users.
fn express() -> Option<(Child, String)> {
    let script = std::env::var_os("PFORTE_BENCH_EXPRESS")?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    // As many argon2 threads as Pforte has hashing workers (libuv's pool has 4 by default).
    let child = Command::new("node")
        .env("UV_THREADPOOL_SIZE", Hasher::default_workers().to_string())
        .arg(script)
        .arg(port.to_string())
        .arg(CONNECTIONS.to_string())
        .arg(PASSWORD)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .ok()?;
    Some((child, format!("http://127.0.0.1:{port}")))
}

/// A keep-alive HTTP/1.1 connection that asks for one page again and again. The request is
/// written once as bytes; of each answer, only the status line, the length and the end are parsed.
/// The servers share the machine's cores with the load generator: a full client (reqwest) costs
/// several times as much per request, and takes that from the server it measures; more so from a
/// server that uses every core than from one that uses one (express).
struct PageClient {
    stream: tokio::net::TcpStream,
    request: Vec<u8>,
    buf: Vec<u8>,
}

/// Where `needle` first starts in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

impl PageClient {
    async fn connect(base: &str, path: &str, cookie: Option<&str>) -> PageClient {
        let host = base.trim_start_matches("http://");
        let stream = tokio::net::TcpStream::connect(host).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        let cookie = cookie.map_or(String::new(), |c| format!("Cookie: {c}\r\n"));
        PageClient {
            stream,
            request: format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{cookie}\r\n").into_bytes(),
            buf: Vec::with_capacity(64 * 1024),
        }
    }

    async fn read_more(&mut self) {
        use tokio::io::AsyncReadExt;
        let read = self.stream.read_buf(&mut self.buf).await.expect("read");
        assert!(read > 0, "the server closed the connection");
    }

    /// Reads until `buf` holds at least `end` bytes.
    async fn read_to(&mut self, end: usize) {
        while self.buf.len() < end {
            self.read_more().await;
        }
    }

    /// Sends the request and reads the whole answer, framed by chunks or by `Content-Length`
    /// (any other answer fails the benchmark); its status.
    async fn get(&mut self) -> u16 {
        use tokio::io::AsyncWriteExt;
        self.stream.write_all(&self.request).await.expect("send");
        // One request at a time: the last answer was read to its end, and nothing after it.
        self.buf.clear();
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            self.read_more().await;
        };
        let head = &self.buf[..head_end];
        let status = std::str::from_utf8(head.get(9..12).unwrap_or_default())
            .ok()
            .and_then(|s| s.parse().ok())
            .expect("status");
        // A header's value, by its name in any case.
        let header = |name: &[u8]| {
            head.split(|&b| b == b'\n').find_map(|line| {
                let colon = line.iter().position(|&b| b == b':')?;
                line[..colon]
                    .eq_ignore_ascii_case(name)
                    .then(|| line[colon + 1..].trim_ascii())
            })
        };
        let chunked =
            header(b"transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case(b"chunked"));
        let length = header(b"content-length").map(|v| {
            std::str::from_utf8(v)
                .ok()
                .and_then(|v| v.parse::<usize>().ok())
                .expect("length")
        });
        let end = if chunked {
            // Each chunk: its size in hex, CRLF, the bytes, CRLF. The last has size 0 and is
            // followed by the empty line that ends the (absent) trailers.
            let mut at = head_end;
            loop {
                let line = loop {
                    if let Some(line) = find(&self.buf[at..], b"\r\n") {
                        break line;
                    }
                    self.read_more().await;
                };
                let size = std::str::from_utf8(&self.buf[at..at + line])
                    .ok()
                    .and_then(|s| usize::from_str_radix(s.split(';').next()?.trim(), 16).ok())
                    .expect("chunk size");
                let end = at + line + 2 + size + 2;
                self.read_to(end).await;
                assert_eq!(&self.buf[end - 2..end], b"\r\n", "a chunk ends with CRLF");
                if size == 0 {
                    break end;
                }
                at = end;
            }
        } else {
            let end = head_end + length.expect("an answer framed by chunks or Content-Length");
            self.read_to(end).await;
            end
        };
        assert_eq!(self.buf.len(), end, "bytes past the end of the answer");
        status
    }
}

/// The [`Figures`] of `GET path` over `CONNECTIONS` connections for `PAGE_TIME`; connection `i`
/// sends `cookies[i]` if any.
async fn pages(target: &Target, path: &str, cookies: &[String]) -> Figures {
    let server_cpu = cpu_of(target.pid);
    let client_cpu = cpu_of(std::process::id());
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for c in 0..CONNECTIONS {
        let (base, path) = (target.base.clone(), path.to_owned());
        let cookie = cookies.get(c).cloned();
        set.spawn(async move {
            let mut client = PageClient::connect(&base, &path, cookie.as_deref()).await;
            let mut took = Vec::new();
            while started.elapsed() < PAGE_TIME {
                let sent = Instant::now();
                assert_eq!(client.get().await, 200, "GET {path}");
                took.push(sent.elapsed().as_secs_f64() * 1000.0);
            }
            took
        });
    }
    let mut all = Vec::new();
    while let Some(r) = set.join_next().await {
        all.extend(r.expect("connection"));
    }
    let seconds = started.elapsed().as_secs_f64();
    let per_request = |spent: f64| spent / all.len() as f64 * 1e6;
    let server_cpu = per_request(cpu_of(target.pid) - server_cpu);
    let client_cpu = per_request(cpu_of(std::process::id()) - client_cpu);
    all.sort_by(f64::total_cmp);
    let at = |q: f64| all[((all.len() as f64 * q) as usize).min(all.len() - 1)];
    Figures {
        rate: all.len() as f64 / seconds,
        p50: at(0.50),
        p99: at(0.99),
        server_cpu,
        client_cpu,
    }
}

/// The files a first visit to a page fetches: what the page names under its own origin
/// (stylesheet, script, WASM, icons).
fn assets_of(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for quote in ['"', '\''] {
        for piece in html.split(quote).skip(1).step_by(2) {
            let path = piece.split(['?', '#']).next().unwrap_or_default();
            let is_file = [".js", ".wasm", ".css", ".svg", ".png", ".ico", ".woff2"]
                .iter()
                .any(|ext| path.ends_with(ext));
            if path.starts_with('/')
                && !path.starts_with("//")
                && is_file
                && !found.contains(&path.to_owned())
            {
                found.push(path.to_owned());
            }
        }
    }
    found
}

/// Each file of a first visit to `page` (with the session `cookie`, if any) with its bytes on
/// the wire and how it was encoded.
async fn first_visit(base: &str, page: &str, cookie: Option<&str>) -> Vec<(String, usize, String)> {
    let client = client();
    let cookie = cookie.unwrap_or_default().to_owned();
    let get = |path: String| {
        let client = client.clone();
        let url = format!("{base}{path}");
        let cookie = cookie.clone();
        async move {
            let res = client
                .get(&url)
                .header("accept-encoding", "br, gzip")
                .header("cookie", cookie)
                .send()
                .await
                .expect("request");
            assert_eq!(res.status(), 200, "GET {url}");
            let encoding = res
                .headers()
                .get("content-encoding")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("identity")
                .to_owned();
            let body = res.bytes().await.expect("body");
            (path, body, encoding)
        }
    };
    let (path, html_bytes, encoding) = get(page.into()).await;
    let html = if encoding == "identity" {
        String::from_utf8_lossy(&html_bytes).into_owned()
    } else {
        // The page itself, uncompressed, to find what it names.
        client
            .get(format!("{base}{page}"))
            .header("cookie", &cookie)
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("page")
    };
    let mut files = vec![(path, html_bytes.len(), encoding)];
    for asset in assets_of(&html) {
        let (path, body, encoding) = get(asset).await;
        files.push((path, body.len(), encoding));
    }
    files
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("pforte-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let database = dir.join("bench.db");
    let mut rows: Vec<(String, String)> = vec![
        ("machine".into(), machine()),
        (
            "build".into(),
            std::env::var("PFORTE_BENCH_BUILD").unwrap_or_else(|_| "release".into()),
        ),
        ("argon2 backend".into(), pforte_auth::password::backend()),
    ];

    eprintln!("argon2 alone …");
    let workers = Hasher::default_workers();
    let hasher = Hasher::with_wait_limit(workers, Duration::MAX, Arc::default());
    let hash = hasher.hash(Password::new(PASSWORD.into())).await?;
    let started = Instant::now();
    let checks = spawn_all((0..SIGN_INS).map(|_| {
        let (hasher, hash) = (hasher.clone(), hash.clone());
        async move {
            hasher
                .verify(Password::new(PASSWORD.into()), Some(hash))
                .await
        }
    }))
    .await;
    assert!(checks.into_iter().all(|ok| ok.is_ok_and(|ok| ok)));
    let argon = SIGN_INS as f64 / started.elapsed().as_secs_f64();
    drop(hasher);

    eprintln!("preparing {BURST} users with trusted devices …");
    let devices = prepare(&database).await;

    eprintln!("cold starts …");
    let mut starts: Vec<Duration> = (0..5)
        .map(|_| {
            let server = Server::spawn(&database, &dir);
            server.answered()
        })
        .collect();
    starts.sort();

    let server = Server::spawn(&database, &dir);
    server.answered();
    let base = server.base.clone();
    let files = first_visit(&base, "/login", None).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let pid = server.child.id();
    let (idle, _) = memory_of(pid);

    let trusted: Vec<Option<String>> = devices.iter().cloned().map(Some).collect();
    let (signed_in, pages) = throughput(&Target::pforte(&base, pid), &trusted).await;

    eprintln!("{BURST} sign-ins at once …");
    let client = client();
    let started = Instant::now();
    let burst = spawn_all(devices.iter().enumerate().map(|(i, device)| {
        let (client, device) = (client.clone(), device.clone());
        let target = Target::pforte(&base, pid);
        async move { sign_in(&client, &target, Some(&device), i).await }
    }))
    .await;
    let burst_time = started.elapsed();
    let ok = burst.iter().filter(|s| s.0 == 200).count();
    let busy = burst.iter().filter(|s| s.0 == 503).count();
    assert_eq!(
        ok + busy,
        BURST,
        "every answer is a sign-in or 503: {:?}",
        burst.iter().map(|s| s.0).collect::<Vec<_>>()
    );
    let (_, peak) = memory_of(pid);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (after, _) = memory_of(pid);
    // A page with islands (local times, password feedback) loads the WASM bundle too.
    let session = &burst.iter().find(|s| s.0 == 200).expect("a sign-in").1;
    let island_files = first_visit(&base, "/account/security", Some(session)).await;
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);

    let baseline = match express() {
        Some((mut child, base)) => {
            answered(&base);
            let figures = throughput(
                &Target::express(&base, child.id()),
                &vec![None; CONNECTIONS],
            )
            .await;
            let _ = child.kill();
            let _ = child.wait();
            Some(figures)
        }
        None => None,
    };
    let versus = |ours: f64, theirs: Option<f64>| match theirs {
        Some(theirs) => format!("; express {theirs:.1}/s, {:.2}×", ours / theirs),
        None => String::new(),
    };

    let row = |rows: &mut Vec<(String, String)>, name: &str, value: String| {
        rows.push((name.to_owned(), value));
    };
    row(
        &mut rows,
        "argon2id alone",
        format!("{argon:.1} verifications/s ({workers} workers)"),
    );
    row(
        &mut rows,
        "sign-ins, trusted device",
        format!(
            "{signed_in:.1}/s ({CONNECTIONS} browsers; {:.0} % of argon2 alone{})",
            signed_in / argon * 100.0,
            versus(signed_in, baseline.map(|b| b.0))
        ),
    );
    // One page's figures as the row shows them: Pforte's, and express's after them.
    let shown = |f: &Figures| {
        format!(
            "{:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {:.0} µs CPU, client {:.0} µs CPU",
            f.rate, f.p50, f.p99, f.server_cpu, f.client_cpu
        )
    };
    for (i, ours) in pages.iter().enumerate() {
        let versus = match baseline.map(|b| b.1[i]) {
            Some(theirs) => format!(
                "; express {}, {:.2}×",
                shown(&theirs),
                ours.rate / theirs.rate
            ),
            None => String::new(),
        };
        row(
            &mut rows,
            &format!("GET {}", PAGES[i].0),
            format!("{} ({CONNECTIONS} connections{versus})", shown(ours)),
        );
    }
    row(
        &mut rows,
        "memory idle",
        format!(
            "{idle:.1} MiB resident (started, one first visit); {after:.1} MiB after the burst"
        ),
    );
    row(
        &mut rows,
        "memory peak",
        format!(
            "{peak:.1} MiB resident, the process's high-water mark ({BURST} sign-ins at once: {ok} signed in, {busy} × 503, {:.1} s)",
            burst_time.as_secs_f64()
        ),
    );
    row(
        &mut rows,
        "cold start",
        format!(
            "{:.1} ms median of 5 (first answer on an existing database; {:.1}–{:.1} ms)",
            starts[2].as_secs_f64() * 1000.0,
            starts[0].as_secs_f64() * 1000.0,
            starts[4].as_secs_f64() * 1000.0
        ),
    );
    for (visit, files) in [
        ("first visit /login", &files),
        ("first visit /account/security (islands)", &island_files),
    ] {
        let total: usize = files.iter().map(|f| f.1).sum();
        row(
            &mut rows,
            visit,
            format!("{total} bytes in {} files", files.len()),
        );
        for (path, bytes, encoding) in files {
            row(
                &mut rows,
                &format!("  {path}"),
                format!("{bytes} bytes ({encoding})"),
            );
        }
    }

    let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    println!();
    for (name, value) in rows {
        println!("| {name:<width$} | {value}");
    }
    Ok(())
}
