//! `cargo xtask <run|test|setup|bench|dist>`: the two README commands, their set-up, the
//! benchmark and the release artifact.
//!
//! Set-up installs what is missing at pinned versions and skips what is present: the wasm target,
//! cargo-leptos, the wasm-bindgen CLI matching Cargo.lock, the npm packages of `end2end/`, and (when
//! running as root) Debian's chromium and PostgreSQL 15.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

const CARGO_LEPTOS_VERSION: &str = "0.3.10";
/// wasm-opt for release builds: the npm package `binaryen` (cargo-leptos would download it from
/// GitHub, which these machines cannot reach; Debian's is too old).
const BINARYEN_VERSION: &str = "132";
const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let started = Instant::now();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(),
        Some("test") => test(),
        Some("setup") => setup(true),
        Some("bench") => bench(),
        Some("dist") => dist(),
        _ => {
            eprintln!("usage: cargo xtask <run|test|setup|bench|dist>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => {
            eprintln!("xtask: done in {:.0} s", started.elapsed().as_secs_f64());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn step(name: &str) {
    eprintln!("\n==> {name}");
}

fn status(cmd: &mut Command) -> Result {
    let shown = format!("{cmd:?}");
    let st = cmd
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if st.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({st})"))
    }
}

/// Like [`status`], but a command still running after `limit` is stopped with everything it
/// started, and the step fails: a test that hangs costs minutes, never the whole CI budget.
fn status_within(cmd: &mut Command, limit: std::time::Duration) -> Result {
    let shown = format!("{cmd:?}");
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    let started = Instant::now();
    loop {
        if let Some(st) = child.try_wait().map_err(|e| format!("{shown}: {e}"))? {
            return if st.success() {
                Ok(())
            } else {
                Err(format!("{shown} failed ({st})"))
            };
        }
        if started.elapsed() > limit {
            kill_tree(child.id());
            let _ = child.wait();
            return Err(format!(
                "{shown} was still running after {} minutes and was stopped",
                limit.as_secs() / 60
            ));
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

/// Kills a process and all its descendants, children first.
fn kill_tree(pid: u32) {
    let _ = Command::new("kill")
        .args(["-STOP", &pid.to_string()])
        .status();
    if let Some(children) = output(Command::new("pgrep").args(["-P", &pid.to_string()])) {
        for child in children.split_whitespace().filter_map(|p| p.parse().ok()) {
            kill_tree(child);
        }
    }
    let _ = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status();
}

fn output(cmd: &mut Command) -> Option<String> {
    cmd.stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
}

fn cargo() -> Command {
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    // A CI run builds once from an empty target/: incremental caches would only fill the disk
    // (they are several times the size of the build itself).
    if std::env::var_os("CI").is_some() {
        cargo.env("CARGO_INCREMENTAL", "0");
    }
    cargo
}

fn is_root() -> bool {
    output(Command::new("id").arg("-u")).is_some_and(|s| s.trim() == "0")
}

/// The wasm-bindgen version pinned in Cargo.lock.
fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_owned());
        }
    }
    Err("wasm-bindgen not found in Cargo.lock".into())
}

fn apt_install(packages: &[&str]) -> Result {
    if !is_root() {
        return Err(format!(
            "missing Debian packages {packages:?}: install them as root (apt-get install -y {})",
            packages.join(" ")
        ));
    }
    status(Command::new("apt-get").arg("update").arg("-qq"))?;
    status(
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

/// Installs what is missing; `full` adds the test tools (npm packages, chromium, PostgreSQL).
/// The integration test that measures sign-in timing (`crates/server/tests/it/signin.rs`).
const TIMING_TEST: &str = "timing_on_postgres";

fn setup(full: bool) -> Result {
    step("set-up: Rust target, cargo-leptos, wasm-bindgen");
    let targets =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !targets
        .lines()
        .any(|t| t.trim() == "wasm32-unknown-unknown")
    {
        status(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    let leptos = output(cargo().args(["leptos", "--version"])).unwrap_or_default();
    if !leptos.contains(CARGO_LEPTOS_VERSION) {
        eprintln!(
            "installing cargo-leptos {CARGO_LEPTOS_VERSION} (about 14 minutes on 2 cores, once per machine)"
        );
        status(cargo().args([
            "install",
            "cargo-leptos",
            "--locked",
            "--version",
            CARGO_LEPTOS_VERSION,
        ]))?;
    }
    let wanted = locked_wasm_bindgen()?;
    let have = output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    if !have.split_whitespace().any(|w| w == wanted) {
        eprintln!("installing wasm-bindgen-cli {wanted} (matches Cargo.lock)");
        // Without --locked: its lockfile names a crate version the registry here lacks.
        status(cargo().args(["install", "wasm-bindgen-cli", "--version", &wanted]))?;
    }
    if !full {
        return Ok(());
    }
    step("set-up: Debian chromium and PostgreSQL 15");
    let mut missing = Vec::new();
    if !Path::new("/usr/bin/chromium").exists() {
        missing.push("chromium");
    }
    if !Path::new(PG_BIN).join("initdb").exists() {
        missing.push("postgresql-15");
    }
    if !missing.is_empty() {
        apt_install(&missing)?;
    }
    step("set-up: npm packages of end2end/");
    let e2e = root().join("end2end");
    let stamp = e2e.join("node_modules/.package-lock.json");
    let fresh = std::fs::metadata(&stamp)
        .and_then(|m| m.modified())
        .ok()
        .zip(
            std::fs::metadata(e2e.join("package-lock.json"))
                .and_then(|m| m.modified())
                .ok(),
        )
        .is_some_and(|(installed, lock)| installed >= lock);
    if !fresh {
        status(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&e2e)
                .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
        )?;
    }
    Ok(())
}

fn run() -> Result {
    setup(false)?;
    step("build and serve Pforte on http://127.0.0.1:3000 (SQLite database in data/)");
    eprintln!(
        "On the first start Pforte prints a one-time setup link (http://127.0.0.1:3000/setup/…): open it to\n\
         create your company account. Your invitation and codes then appear in the log and in data/mail/.\n"
    );
    status(cargo().args(["leptos", "serve"]).current_dir(root()))
}

/// A PostgreSQL 15 server in a temporary directory, stopped on drop.
struct Postgres {
    dir: PathBuf,
    port: u16,
    as_postgres_user: bool,
}

fn free_port() -> Result<u16> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

impl Postgres {
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

    fn start() -> Result<Postgres> {
        let dir = std::env::temp_dir().join(format!("pforte-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        // PostgreSQL refuses to run as root: use the postgres user that Debian's package creates.
        let as_postgres_user = is_root();
        if as_postgres_user {
            status(Command::new("chown").arg("postgres").arg(&dir))?;
        }
        let pg = Postgres {
            dir,
            port: free_port()?,
            as_postgres_user,
        };
        let data = pg.dir.join("data");
        status(
            pg.pg("initdb")
                .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
                .arg("-D")
                .arg(&data)
                .stdout(Stdio::null()),
        )?;
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=300",
            pg.port,
            pg.dir.display()
        );
        status(
            pg.pg("pg_ctl")
                .arg("-D")
                .arg(&data)
                .args(["-o", &opts, "-w", "-l"])
                .arg(pg.dir.join("log"))
                .arg("start")
                .stdout(Stdio::null()),
        )?;
        Ok(pg)
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self
            .pg("pg_ctl")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "stop"])
            .stdout(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The server-side crates, with the UI crate built for the server (its `ssr` parts hold the
/// request helpers and their tests).
const HOST_PACKAGES: [&str; 12] = [
    "-p",
    "pforte-shared",
    "-p",
    "pforte-auth",
    "-p",
    "pforte-app",
    "-p",
    "pforte-server",
    "-p",
    "xtask",
    "--features",
    "pforte-app/ssr",
];

/// The most a test step may take; each takes under two minutes on two cores today.
const TEST_STEP_LIMIT: std::time::Duration = std::time::Duration::from_secs(20 * 60);

fn test() -> Result {
    let mut timings = Vec::new();
    let mut timed = |name: &str, f: &mut dyn FnMut() -> Result| -> Result {
        step(name);
        let t = Instant::now();
        f()?;
        timings.push((name.to_owned(), t.elapsed().as_secs_f64()));
        Ok(())
    };
    let root = root();
    timed("set-up", &mut || setup(true))?;
    timed("cargo fmt --check", &mut || {
        status(cargo().args(["fmt", "--all", "--check"]).current_dir(&root))
    })?;
    // The inline page script is only run by the browser tests, at the end: a syntax error fails
    // here in a second (Node.js, which runs those tests, checks it).
    timed("node --check page.js", &mut || {
        status(
            Command::new("node")
                .args(["--check", "crates/app/src/page.js"])
                .current_dir(&root),
        )
    })?;
    timed("clippy (server side)", &mut || {
        status(
            cargo()
                .arg("clippy")
                .args(HOST_PACKAGES)
                .args(["--all-targets", "--", "-D", "warnings"])
                .current_dir(&root),
        )
    })?;
    timed("clippy (browser side, wasm32)", &mut || {
        status(
            cargo()
                .args([
                    "clippy",
                    "-p",
                    "pforte-frontend",
                    "-p",
                    "pforte-app",
                    "--target",
                    "wasm32-unknown-unknown",
                ])
                .args(["--", "-D", "warnings"])
                .current_dir(&root),
        )
    })?;
    timed("build (cargo leptos build: server + WASM)", &mut || {
        status(cargo().args(["leptos", "build"]).current_dir(&root))
    })?;
    let pg = Postgres::start()?;
    eprintln!("PostgreSQL 15 on port {}", pg.port);
    timed(
        "unit and integration tests (SQLite and PostgreSQL)",
        &mut || {
            status_within(
                cargo()
                    .arg("test")
                    .args(HOST_PACKAGES)
                    .args(["--", "--skip", TIMING_TEST])
                    .current_dir(&root)
                    .env("PFORTE_TEST_POSTGRES_URL", pg.url()),
                TEST_STEP_LIMIT,
            )
        },
    )?;
    // The timing test compares sign-in times of known and unknown identifiers: it runs on its
    // own, so that the other tests' load does not fall on one kind of attempt more than another —
    // on a PostgreSQL server of its own, without the hundreds of databases the other tests left
    // for the autovacuum to walk through meanwhile.
    drop(pg);
    let pg = Postgres::start()?;
    timed("sign-in timing (alone)", &mut || {
        status_within(
            // The same packages and features as the step before, so that nothing is built again.
            cargo()
                .arg("test")
                .args(HOST_PACKAGES)
                .args(["--", "--exact", &format!("signin::{TIMING_TEST}")])
                .current_dir(&root)
                .env("PFORTE_TEST_POSTGRES_URL", pg.url()),
            TEST_STEP_LIMIT,
        )
    })?;
    drop(pg);
    timed("browser tests (Playwright, Debian Chromium)", &mut || {
        let e2e = root.join("end2end");
        let _ = std::fs::remove_dir_all(e2e.join(".tmp"));
        status_within(
            Command::new("npx")
                .args(["playwright", "test"])
                .current_dir(&e2e),
            TEST_STEP_LIMIT,
        )
    })?;
    eprintln!("\ntimings:");
    for (name, secs) in &timings {
        eprintln!("  {secs:>7.1} s  {name}");
    }
    Ok(())
}

/// The folder whose `node_modules/.bin` holds wasm-opt, installed from npm when missing. Kept
/// outside the repository (in `~/.cache/pforte`), so that clones share it.
fn wasm_opt_bin() -> Result<PathBuf> {
    let cache = std::env::var_os("HOME")
        .map(|home| PathBuf::from(home).join(".cache"))
        .unwrap_or_else(|| root().join("target"));
    let dir = cache
        .join("pforte")
        .join(format!("binaryen-{BINARYEN_VERSION}"));
    let bin = dir.join("node_modules").join(".bin");
    let works = output(Command::new(bin.join("wasm-opt")).arg("--version"))
        .is_some_and(|v| v.contains(&format!("version {BINARYEN_VERSION}")));
    if !works {
        eprintln!(
            "installing wasm-opt (npm binaryen@{BINARYEN_VERSION}) into {}",
            dir.display()
        );
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        status(
            Command::new("npm")
                .args([
                    "install",
                    "--no-audit",
                    "--no-fund",
                    "--no-save",
                    "--prefix",
                ])
                .arg(&dir)
                .arg(format!("binaryen@{BINARYEN_VERSION}")),
        )?;
    }
    Ok(bin)
}

/// `cargo leptos build --release` with wasm-opt (from npm `binaryen`) on `PATH`: the server in
/// `target/release/pforte`, the browser's files in `target/site`.
fn release_build() -> Result {
    setup(false)?;
    let bin = wasm_opt_bin()?;
    step("release build: cargo leptos build --release (wasm-opt from npm binaryen)");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&path)))
        .map_err(|e| format!("PATH: {e}"))?;
    status(
        cargo()
            .args(["leptos", "build", "--release"])
            .env("PATH", path)
            .current_dir(root()),
    )?;
    precompress(&root().join("target/site/pkg"))
}

/// Writes `FILE.br` (brotli, best) and `FILE.gz` (gzip, best) next to each of the browser's
/// files, which the server sends to browsers that accept them instead of compressing each time,
/// and `precompressed.txt`: each copy with the SHA-256 of the file it was made from (the server
/// takes a copy only while that is the file's hash). The files are those of
/// `pforte_app::assets::FILES`.
fn precompress(pkg: &Path) -> Result {
    use sha2::Digest;
    step("precompressing the browser's files (brotli and gzip, best)");
    let mut listed = String::new();
    for name in ["pforte.wasm", "pforte.js", "pforte.css"] {
        let file = pkg.join(name);
        let bytes =
            std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let mut br = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            lgwin: 24,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut bytes.as_slice(), &mut br, &params)
            .map_err(|e| format!("brotli {name}: {e}"))?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut gz, &bytes).map_err(|e| format!("gzip {name}: {e}"))?;
        let gz = gz.finish().map_err(|e| format!("gzip {name}: {e}"))?;
        let made_from: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        for (ext, data) in [("br", &br), ("gz", &gz)] {
            let to = pkg.join(format!("{name}.{ext}"));
            std::fs::write(&to, data).map_err(|e| format!("cannot write {}: {e}", to.display()))?;
            listed.push_str(&format!("{name}.{ext} {made_from}\n"));
        }
        eprintln!(
            "  {name}: {} bytes, brotli {} bytes, gzip {} bytes",
            bytes.len(),
            br.len(),
            gz.len()
        );
    }
    let list = pkg.join("precompressed.txt");
    std::fs::write(&list, listed).map_err(|e| format!("cannot write {}: {e}", list.display()))?;
    Ok(())
}

/// `cargo xtask dist`: the release build (server optimised, WASM through wasm-opt) as one
/// directory and a tarball in `dist/`: the `pforte` binary with its `site/` next to it (where it
/// looks by default), the systemd unit and the deployment guide.
fn dist() -> Result {
    release_build()?;
    let root = root();
    step("assembling dist/");
    let arch = std::env::consts::ARCH;
    let name = format!("pforte-{}-{arch}-linux", env!("CARGO_PKG_VERSION"));
    let dist = root.join("dist");
    let out = dist.join(&name);
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let copy = |from: &Path, to: &Path| -> Result {
        status(Command::new("cp").arg("-R").arg(from).arg(to))
    };
    copy(&root.join("target/release/pforte"), &out.join("pforte"))?;
    copy(&root.join("target/site"), &out.join("site"))?;
    copy(
        &root.join("docs/deploy/pforte.service"),
        &out.join("pforte.service"),
    )?;
    copy(&root.join("docs/deploy.md"), &out.join("DEPLOY.md"))?;
    let tarball = dist.join(format!("{name}.tar.gz"));
    // Owned by root and writable by the owner only, whoever built it: unpacked as root, the
    // binary and the browser code must not belong to some account that shares the builder's id.
    status(
        Command::new("tar")
            .args(["--owner=0", "--group=0", "--numeric-owner", "--mode=go-w"])
            .arg("-czf")
            .arg(&tarball)
            .arg("-C")
            .arg(&dist)
            .arg(&name),
    )?;
    let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
    eprintln!("\n{}", out.display());
    for file in [
        "pforte",
        "site/pkg/pforte.wasm",
        "site/pkg/pforte.js",
        "site/pkg/pforte.css",
    ] {
        eprintln!("  {:>10} bytes  {file}", size(&out.join(file)));
    }
    eprintln!("{} ({} bytes)", tarball.display(), size(&tarball));
    eprintln!("run it: cd {} && ./pforte   (see DEPLOY.md)", out.display());
    Ok(())
}

/// The release build under load (`crates/server/benches/load.rs`): one table of figures.
fn bench() -> Result {
    release_build()?;
    step("benchmark: the release binary under load");
    let rev = output(
        Command::new("git")
            .args(["describe", "--always", "--dirty"])
            .current_dir(root()),
    )
    .unwrap_or_default();
    let build = format!(
        "release (cargo leptos build --release, wasm-opt), rustc {}, commit {}",
        output(Command::new("rustc").arg("--version"))
            .unwrap_or_default()
            .trim_start_matches("rustc ")
            .split(' ')
            .next()
            .unwrap_or_default(),
        rev.trim()
    );
    let mut bench = cargo();
    bench
        .args(["bench", "-p", "pforte-server", "--bench", "load"])
        .env("PFORTE_BENCH_BUILD", build)
        .current_dir(root());
    // The express baseline (express, express-session, @node-rs/argon2), when Node.js is here.
    let express = root().join("bench/express");
    if output(Command::new("node").arg("--version")).is_some() {
        if !express.join("node_modules").is_dir() {
            status(
                Command::new("npm")
                    .args(["ci", "--no-audit", "--no-fund"])
                    .current_dir(&express),
            )?;
        }
        bench.env("PFORTE_BENCH_EXPRESS", express.join("server.js"));
    } else {
        eprintln!("Node.js is not installed: the table leaves out the express baseline");
    }
    status(&mut bench)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A step over its limit fails, and what it started is stopped with it.
    #[test]
    fn step_over_its_limit_is_stopped_with_its_children() {
        let pid_file = std::env::temp_dir().join(format!("xtask-limit-{}", std::process::id()));
        let script = format!("sleep 300 & echo $! > {}; wait", pid_file.display());
        let result = status_within(
            Command::new("sh").args(["-c", &script]),
            std::time::Duration::from_secs(1),
        );
        let err = result.expect_err("over the limit");
        assert!(err.contains("was stopped"), "{err}");
        let pid = std::fs::read_to_string(&pid_file).expect("pid of the child");
        let _ = std::fs::remove_file(&pid_file);
        let status = std::path::Path::new("/proc")
            .join(pid.trim())
            .join("status");
        // Once killed, the child is gone or a zombie waiting for init.
        let gone = (0..50).any(|_| {
            let state = std::fs::read_to_string(&status).unwrap_or_default();
            let alive = state
                .lines()
                .any(|l| l.starts_with("State:") && !l.contains('Z'));
            if alive {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            !alive
        });
        assert!(gone, "the child sleep {} still runs", pid.trim());
    }

    #[test]
    fn step_within_its_limit_reports_its_status() {
        let limit = std::time::Duration::from_secs(60);
        assert!(status_within(&mut Command::new("true"), limit).is_ok());
        assert!(status_within(&mut Command::new("false"), limit).is_err());
    }
}
