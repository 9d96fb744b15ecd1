//! Passwords: the policy (length, common and personal passwords, strength) and argon2id hashing
//! on a bounded pool.

use crate::error::AuthError;
use crate::secret::Password;
use argon2_rust::params::Memory;
use argon2_rust::{Algorithm, Argon2, Params, Version};
use pforte_shared::Msg;
use rand::RngCore;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use unicode_normalization::UnicodeNormalization;

pub use pforte_shared::password::{MAX_BYTES, MAX_CHARS, MIN_CHARS};

/// argon2id m=19456 KiB, t=2, p=1 (OWASP's minimum recommendation), a 32-byte tag.
pub const PARAMS: Params = Params::builder()
    .memory(Memory::kib(19_456))
    .passes(2)
    .lanes(1)
    .build_or_panic();

/// The most a stored hash may cost to verify: four times today's memory, four times its passes
/// and lanes, on one thread. A stored hash asking for more is refused before anything is
/// allocated, so a tampered row cannot make a sign-in allocate gigabytes.
const CEILING: Params = Params::builder()
    .memory(Memory::kib(4 * 19_456))
    .passes(8)
    .lanes(4)
    .threads(1)
    .build_or_panic();

/// Bytes of salt in a new hash.
const SALT_BYTES: usize = 16;

/// Which of argon2's compression functions this CPU runs ("Avx512", "Avx2", "Sse2", "Neon",
/// "Scalar"), chosen at run time.
pub fn backend() -> String {
    format!("{:?}", argon2_rust::detected_backend())
}

pub fn argon2() -> Argon2 {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, PARAMS)
}

/// A new PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$tag`) for `password` as it is given.
fn hash_with(arena: &mut argon2_rust::Hasher, password: &[u8]) -> Result<String, AuthError> {
    let mut salt = [0u8; SALT_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    arena
        .hash_password(password, &salt)
        .map_err(|e| AuthError::Hashing(e.to_string()))
}

/// Whether `password` as it is given matches the PHC string `stored`. A string that does not
/// parse, is not argon2id or costs more than [`CEILING`] matches nothing.
fn verify_with(arena: &mut argon2_rust::Hasher, stored: &str, password: &[u8]) -> bool {
    arena
        .verify_encoded_bounded(stored, password, Algorithm::Argon2id, &CEILING)
        .is_ok()
}

/// NFKC normalisation, applied when a password is set and when it is verified.
fn normalize(password: &str) -> String {
    password.nfkc().collect()
}

/// Who the password belongs to: it must not be built from these.
#[derive(Default, Debug, Clone)]
pub struct PasswordContext {
    pub email: String,
    pub name: String,
    pub company: String,
    pub customer_number: String,
}

impl PasswordContext {
    fn words(&self) -> Vec<String> {
        let mut words = Vec::new();
        let local = self.email.split('@').next().unwrap_or_default();
        for source in [
            local,
            &self.email,
            &self.name,
            &self.company,
            &self.customer_number,
        ] {
            let lower = source.to_lowercase();
            words.push(lower.clone());
            words.extend(
                lower
                    .split(|c: char| !c.is_alphanumeric())
                    .map(str::to_owned),
            );
        }
        words.retain(|w| w.chars().count() >= 4);
        words.sort();
        words.dedup();
        words
    }
}

/// True when the password, or what is left of it without spaces or without the digits and symbols
/// people tack on at the end, is on the shipped list of common passwords (the `passwords` crate's
/// list of about 100,000 from breaches). `lower` is normalised and lower-cased.
fn is_listed_common(lower: &str) -> bool {
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    let stem = compact.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    [lower, compact.as_str(), stem]
        .iter()
        .filter(|candidate| candidate.chars().count() >= 8)
        .any(passwords::analyzer::is_common_password)
}

/// Checks a new password against the policy. Cheap checks come first; nothing is hashed here.
pub fn check_policy(password: &Password, context: &PasswordContext) -> Result<(), AuthError> {
    let raw = password.expose();
    if raw.len() > MAX_BYTES {
        return Err(AuthError::invalid("password", Msg::PasswordTooLong));
    }
    let normalized = normalize(raw);
    let chars = normalized.chars().count();
    if chars < MIN_CHARS {
        return Err(AuthError::invalid("password", Msg::PasswordTooShort));
    }
    if chars > MAX_CHARS {
        return Err(AuthError::invalid("password", Msg::PasswordTooLong));
    }
    let lower = normalized.to_lowercase();
    let words = context.words();
    if words.iter().any(|w| lower.contains(w.as_str())) {
        return Err(AuthError::invalid("password", Msg::PasswordPersonal));
    }
    if is_listed_common(&lower) {
        return Err(AuthError::invalid("password", Msg::PasswordCommon));
    }
    let inputs: Vec<&str> = words.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(&normalized, &inputs);
    if (estimate.score() as u8) < 3 {
        use zxcvbn::feedback::Warning;
        let common = estimate
            .feedback()
            .and_then(|f| f.warning())
            .is_some_and(|w| {
                matches!(
                    w,
                    Warning::ThisIsATop10Password
                        | Warning::ThisIsATop100Password
                        | Warning::ThisIsACommonPassword
                        | Warning::ThisIsSimilarToACommonlyUsedPassword
                        | Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess
                )
            });
        return Err(AuthError::invalid(
            "password",
            if common {
                Msg::PasswordCommon
            } else {
                Msg::PasswordTooWeak
            },
        ));
    }
    Ok(())
}

/// Runs argon2 off the async runtime, at most `workers` at a time, so a burst of sign-ins
/// queues instead of eating memory or starving other requests. Each worker keeps its 19 MiB
/// arena between hashes (mapped once, wiped after every use), so hashing keeps at most
/// `workers` × 19 MiB; a stored hash that asks for more memory (up to [`CEILING`]) gets an arena
/// of its own for that one check. A job that would wait longer than the wait limit is not queued
/// at all: it is refused as [`AuthError::Busy`] before the caller changes anything.
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    /// One argon2 state per permit; a job takes one while it holds a permit.
    arenas: Arc<Mutex<Vec<argon2_rust::Hasher>>>,
    /// Jobs admitted and not yet done (waiting or running).
    admitted: Arc<AtomicUsize>,
    /// How long a job takes, in nanoseconds (a moving average of the last few).
    job_nanos: Arc<AtomicU64>,
    workers: usize,
    wait_limit: Duration,
    metrics: crate::metrics::SharedMetrics,
}

/// What one job is assumed to take before the first has been measured ([`Hasher::warm`]
/// measures one at start-up).
const FIRST_GUESS: Duration = Duration::from_millis(20);

/// How long a new job may expect to wait for a worker before it is refused.
pub const WAIT_LIMIT: Duration = Duration::from_secs(10);

/// A hash of a random password that was thrown away.
const FALLBACK: &str = "$argon2id$v=19$m=19456,t=2,p=1$sj3WeLEDfq/3TFSmze58kg$\
                        3W0/WM5bQntDlGmYD0Gu9C+wa/fik6z7kpWq9MXItGo";

/// A hash of a random password, verified against for unknown identifiers so that timing matches.
/// Should making it fail, a fixed hash of a password nobody was told serves instead: never an
/// empty one, which would answer unknown identifiers without hashing (and so tell them apart).
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let secret = crate::secret::Token::generate();
        hash_with(&mut argon2().hasher(), secret.expose().as_bytes())
            .unwrap_or_else(|_| FALLBACK.to_owned())
    })
}

/// One job counted as waiting for a hashing worker until it is dropped — also when the request
/// that waits is dropped first (a client gone, the time limit).
struct Waiting<'a>(&'a prometheus_client::metrics::gauge::Gauge);

impl<'a> Waiting<'a> {
    fn new(gauge: &'a prometheus_client::metrics::gauge::Gauge) -> Self {
        gauge.inc();
        Waiting(gauge)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Nanoseconds since `started`, as the job times are kept (bounded, so that sums cannot overflow).
fn nanos_since(started: Instant) -> u64 {
    started.elapsed().as_nanos().min(u128::from(u64::MAX / 2)) as u64
}

/// A place in the hashing queue, taken by [`Hasher::admit`]: counted until its job is done, or
/// until it is dropped unused.
pub struct Admitted {
    hasher: Hasher,
    _counted: Counted,
}

struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Hasher {
    pub fn new(workers: usize) -> Self {
        Hasher::with_metrics(workers, Arc::default())
    }

    /// Counting the jobs that wait, and how long, in `metrics`.
    pub fn with_metrics(workers: usize, metrics: crate::metrics::SharedMetrics) -> Self {
        Hasher::with_wait_limit(workers, WAIT_LIMIT, metrics)
    }

    /// Refusing jobs that would wait longer than `wait_limit`.
    pub fn with_wait_limit(
        workers: usize,
        wait_limit: Duration,
        metrics: crate::metrics::SharedMetrics,
    ) -> Self {
        let workers = workers.max(1);
        Hasher {
            permits: Arc::new(Semaphore::new(workers)),
            arenas: Arc::new(Mutex::new(Vec::with_capacity(workers))),
            admitted: Arc::default(),
            job_nanos: Arc::new(AtomicU64::new(FIRST_GUESS.as_nanos() as u64)),
            workers,
            wait_limit,
            metrics,
        }
    }

    /// Computes the dummy hash now, at start-up, so that the first unknown identifier does not
    /// cost two hashes (and stand out by its timing), and takes its time as the first measure of
    /// a job. Blocks for one hash: call it off the async runtime.
    pub fn warm(&self) {
        let started = Instant::now();
        dummy_hash();
        self.job_nanos
            .store(nanos_since(started).max(1), Ordering::Relaxed);
    }

    /// About one job per core.
    pub fn default_workers() -> usize {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    }

    /// A place in the queue, or [`AuthError::Busy`] when the jobs already admitted would keep a
    /// new one waiting longer than the wait limit. Callers that count an attempt before they
    /// hash take their place first, so that a refusal changes nothing.
    pub fn admit(&self) -> Result<Admitted, AuthError> {
        let ahead = self.admitted.fetch_add(1, Ordering::SeqCst);
        let counted = Counted(self.admitted.clone());
        // Jobs that must finish before this one starts, shared out over the workers.
        let before = (ahead + 1).saturating_sub(self.workers);
        let per_job = self.job_nanos.load(Ordering::Relaxed);
        let wait =
            Duration::from_nanos(per_job.saturating_mul(before as u64) / self.workers as u64);
        if wait > self.wait_limit {
            self.metrics.hashing_refused.inc();
            return Err(AuthError::Busy {
                retry_after: wait.as_secs().clamp(1, 60),
            });
        }
        Ok(Admitted {
            hasher: self.clone(),
            _counted: counted,
        })
    }

    /// Hashes a password that already passed [`check_policy`].
    pub async fn hash(&self, password: Password) -> Result<String, AuthError> {
        self.admit()?.hash(password).await
    }

    /// Verifies `password` against `stored`, or against a dummy hash when there is none,
    /// so that unknown users cost the same time. Over-long input is refused without hashing.
    pub async fn verify(
        &self,
        password: Password,
        stored: Option<String>,
    ) -> Result<bool, AuthError> {
        self.admit()?.verify(password, stored).await
    }
}

impl Admitted {
    /// Runs `job` on a worker's arena once a worker is free. The permit, the arena and the
    /// place in the queue go with the job: if the caller is dropped meanwhile, they are given
    /// back when the job ends, never earlier.
    async fn run<T: Send + 'static>(
        self,
        job: impl FnOnce(&mut argon2_rust::Hasher) -> T + Send + 'static,
    ) -> Result<T, AuthError> {
        let hasher = self.hasher.clone();
        let metrics = &hasher.metrics;
        let waited = Instant::now();
        let waiting = Waiting::new(&metrics.hashing_waiting);
        let permit = hasher.permits.clone().acquire_owned().await;
        drop(waiting);
        metrics.hashing_wait.observe(waited.elapsed().as_secs_f64());
        let permit = permit.map_err(|e| AuthError::Hashing(e.to_string()))?;
        let Hasher {
            arenas, job_nanos, ..
        } = hasher.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let _place = self;
            let taken = arenas.lock().ok().and_then(|mut free| free.pop());
            let mut arena = taken.unwrap_or_else(|| argon2().hasher());
            let started = Instant::now();
            let out = job(&mut arena);
            let took = nanos_since(started);
            let before = job_nanos.load(Ordering::Relaxed);
            job_nanos.store((before / 4) * 3 + took / 4, Ordering::Relaxed);
            if let Ok(mut free) = arenas.lock() {
                free.push(arena);
            }
            out
        })
        .await
        .map_err(|e| AuthError::Hashing(e.to_string()))
    }

    /// [`Hasher::hash`] in this place.
    pub async fn hash(self, password: Password) -> Result<String, AuthError> {
        self.run(move |arena| hash_with(arena, normalize(password.expose()).as_bytes()))
            .await?
    }

    /// [`Hasher::verify`] in this place.
    pub async fn verify(
        self,
        password: Password,
        stored: Option<String>,
    ) -> Result<bool, AuthError> {
        if password.expose().len() > MAX_BYTES {
            return Ok(false);
        }
        let known = stored.is_some();
        self.run(move |arena| {
            let stored = stored.as_deref().unwrap_or_else(|| dummy_hash());
            let ok = verify_with(arena, stored, normalize(password.expose()).as_bytes());
            ok && known
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> PasswordContext {
        PasswordContext {
            email: "anna.berg@example.com".into(),
            name: "Anna Berg".into(),
            company: "Nordlicht Logistik".into(),
            customer_number: "4711081".into(),
        }
    }

    fn check(p: &str) -> Result<(), Msg> {
        check_policy(&Password::new(p.into()), &ctx()).map_err(|e| match e {
            AuthError::Invalid { problem, .. } => problem,
            other => panic!("unexpected {other:?}"),
        })
    }

    #[test]
    fn length_limits_in_code_points() {
        assert_eq!(check("Tq7#vL2pX9mKr4"), Err(Msg::PasswordTooShort)); // 14
        assert_eq!(check("Tq7#vL2pX9mKr4w"), Ok(())); // 15
        // 15 code points of multi-byte characters are 15, not 30+.
        assert_eq!(check("ŧĸœ→ŋđ¶ſ€łæßðđŋ"), Ok(()));
        let long = "river-quartz-lantern-".repeat(4);
        assert_eq!(check(&long[..64]), Ok(()));
        assert_eq!(check(&"Zq8!pXv3#Lm2Rt7$".repeat(8)), Ok(())); // 128
        assert_eq!(check(&"x".repeat(257)), Err(Msg::PasswordTooLong));
    }

    #[test]
    fn megabyte_password_is_refused_before_any_work() {
        let started = std::time::Instant::now();
        assert_eq!(check(&"a".repeat(1_000_000)), Err(Msg::PasswordTooLong));
        // Not a timing assertion on hashing: just that it returned from the cheap byte-length check.
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn common_and_weak_passwords_are_refused() {
        // zxcvbn's choice between "common" and "too weak" can vary with the match it picks;
        // what matters is that each is refused with one of the two reasons.
        for p in [
            "passwordpassword",
            "123456789012345",
            "aaaaaaaaaaaaaaaaaaaa",
            "abcdefghijklmnop",
        ] {
            let verdict = check(p);
            assert!(
                matches!(verdict, Err(Msg::PasswordCommon | Msg::PasswordTooWeak)),
                "{p}: {verdict:?}"
            );
        }
    }

    #[test]
    fn listed_common_passwords_are_refused_as_common() {
        // On the shipped list as they are, without their spaces, or without what is tacked on.
        for p in [
            "thisismypassword",
            "linkedinpassword",
            "1qaz2wsx3edc4rfv",
            "This is my password",
            "sunshine2026!!!!!!",
            "Football 1234567890",
        ] {
            assert_eq!(check(p), Err(Msg::PasswordCommon), "{p}");
        }
        // A long phrase that merely contains a common word is not refused for it.
        assert_eq!(check("sunshine over quiet granite harbours"), Ok(()));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Any password and any context: an answer, never a panic; and what is accepted is
        /// within the length limits.
        #[test]
        fn policy_never_panics(
            password in proptest::prelude::any::<String>(),
            name in "\\PC{0,30}",
            company in "\\PC{0,30}",
        ) {
            let context = PasswordContext {
                email: "anna.berg@example.com".into(),
                name,
                company,
                customer_number: "4711081".into(),
            };
            let accepted = check_policy(&Password::new(password.clone()), &context).is_ok();
            if accepted {
                let chars = normalize(&password).chars().count();
                proptest::prop_assert!((MIN_CHARS..=MAX_CHARS).contains(&chars));
            }
        }
    }

    #[test]
    fn context_derived_passwords_are_refused() {
        assert_eq!(check("anna.berg-summer-2026"), Err(Msg::PasswordPersonal));
        assert_eq!(check("nordlicht!quiet!harbor"), Err(Msg::PasswordPersonal));
        assert_eq!(check("my number 4711081 rocks"), Err(Msg::PasswordPersonal));
    }

    #[test]
    fn argon2_parameters() {
        let h = hash_with(&mut argon2().hasher(), b"x").expect("hash");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        // 16 bytes of salt and a 32-byte tag, in unpadded Base64.
        let parts: Vec<&str> = h.split('$').collect();
        assert_eq!((parts[4].len(), parts[5].len()), (22, 43), "{h}");
    }

    /// Hashes stored by earlier versions (made with the RustCrypto `argon2` crate) still verify,
    /// and new hashes verify there: the PHC strings are the same format and the same function.
    #[test]
    fn hashes_are_interchangeable_with_the_rustcrypto_crate() {
        use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
        let theirs = argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(19_456, 2, 1, None).expect("params"),
        );
        let mut arena = argon2().hasher();
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let old = theirs
            .hash_password(b"velvet ostrich juggles", &salt)
            .expect("hash")
            .to_string();
        assert!(verify_with(&mut arena, &old, b"velvet ostrich juggles"));
        assert!(!verify_with(&mut arena, &old, b"velvet ostrich juggle"));
        let new = hash_with(&mut arena, b"quartz lanterns at dusk").expect("hash");
        let parsed = PasswordHash::new(&new).expect("parses");
        assert!(
            theirs
                .verify_password(b"quartz lanterns at dusk", &parsed)
                .is_ok()
        );
        assert!(
            theirs
                .verify_password(b"quartz lanterns at dawn", &parsed)
                .is_err()
        );
    }

    /// A stored hash that would cost more than the ceiling, or is not argon2id, matches nothing
    /// and allocates nothing for it.
    #[test]
    fn costly_or_foreign_hashes_match_nothing() {
        let mut arena = argon2().hasher();
        let ours = hash_with(&mut arena, b"pw").expect("hash");
        let costly = ours.replace("m=19456", "m=4194304");
        assert!(!verify_with(&mut arena, &costly, b"pw"));
        let argon2i = ours.replace("$argon2id$", "$argon2i$");
        assert!(!verify_with(&mut arena, &argon2i, b"pw"));
        assert!(!verify_with(&mut arena, "not a hash", b"pw"));
        // The dummy hash (made at start-up, or the fixed one) parses, so that checking against
        // it costs a whole hash.
        for dummy in [dummy_hash(), FALLBACK] {
            assert!(
                dummy.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
                "{dummy}"
            );
            let started = std::time::Instant::now();
            assert!(!verify_with(&mut arena, dummy, b"pw"));
            let took = started.elapsed();
            assert!(
                took > Duration::from_micros(500),
                "{dummy}: not hashed ({took:?})"
            );
        }
        assert!(verify_with(&mut arena, &ours, b"pw"));
    }

    #[tokio::test]
    async fn same_password_different_hashes_and_nfkc_verifies() {
        let hasher = Hasher::new(2);
        let composed = "Caf\u{e9} on the quiet harbour";
        let decomposed = "Cafe\u{301} on the quiet harbour";
        let a = hasher
            .hash(Password::new(composed.into()))
            .await
            .expect("hash");
        let b = hasher
            .hash(Password::new(composed.into()))
            .await
            .expect("hash");
        assert_ne!(a, b);
        assert!(
            hasher
                .verify(Password::new(decomposed.into()), Some(a.clone()))
                .await
                .expect("verify")
        );
        assert!(
            !hasher
                .verify(Password::new("wrong one entirely".into()), Some(a))
                .await
                .expect("verify")
        );
    }

    #[tokio::test]
    async fn nothing_is_truncated() {
        let hasher = Hasher::new(1);
        let eighty = "k".repeat(40) + &"m".repeat(40);
        let h = hasher
            .hash(Password::new(eighty.clone()))
            .await
            .expect("hash");
        assert!(
            !hasher
                .verify(Password::new(eighty[..72].to_owned()), Some(h.clone()))
                .await
                .expect("verify")
        );
        assert!(
            hasher
                .verify(Password::new(eighty), Some(h))
                .await
                .expect("verify")
        );
    }

    #[tokio::test]
    async fn unknown_user_never_verifies() {
        let hasher = Hasher::new(1);
        assert!(
            !hasher
                .verify(Password::new("anything at all here".into()), None)
                .await
                .expect("verify")
        );
    }

    /// When the jobs already admitted would keep a new one waiting longer than the limit, the
    /// new one is refused with a time to come back, and counted; once they are done, jobs are
    /// admitted again.
    #[tokio::test]
    async fn jobs_beyond_the_wait_limit_are_refused() {
        let metrics = Arc::new(crate::metrics::Metrics::new());
        let hasher = Hasher::with_wait_limit(1, Duration::from_millis(30), metrics.clone());
        // At the first guess of 20 ms a job, one running and one waiting are within 30 ms ...
        let running = hasher.admit().expect("first");
        let waiting = hasher.admit().expect("second");
        // ... a third would wait about 40 ms.
        match hasher.admit() {
            Err(AuthError::Busy { retry_after }) => assert_eq!(retry_after, 1),
            other => panic!("expected Busy, got {:?}", other.map(|_| ())),
        }
        assert_eq!(metrics.hashing_refused.get(), 1);
        assert_eq!(
            hasher.admitted.load(Ordering::SeqCst),
            2,
            "the refused one is not counted"
        );
        assert!(
            running
                .verify(Password::new("a password of some length".into()), None)
                .await
                .is_ok()
        );
        drop(waiting);
        assert_eq!(hasher.admitted.load(Ordering::SeqCst), 0);
        assert!(hasher.admit().is_ok());
    }

    /// A job whose caller is gone keeps its worker until it ends: no more than `workers` hash at
    /// once, and every arena is given back.
    #[tokio::test]
    async fn a_dropped_caller_keeps_its_worker_until_the_job_ends() {
        let hasher = Hasher::new(1);
        let mut first =
            Box::pin(hasher.verify(Password::new("a password of some length".into()), None));
        // Polled until the job is on its worker, then dropped.
        let _ = tokio::time::timeout(Duration::from_millis(1), &mut first).await;
        drop(first);
        assert!(
            hasher
                .verify(Password::new("another password entirely".into()), None)
                .await
                .is_ok()
        );
        assert_eq!(hasher.arenas.lock().expect("arenas").len(), 1);
        assert_eq!(hasher.admitted.load(Ordering::SeqCst), 0);
    }

    /// A sign-in that gives up while it waits for a hashing worker is no longer counted as
    /// waiting.
    #[tokio::test]
    async fn a_dropped_waiter_is_no_longer_counted() {
        let metrics = Arc::new(crate::metrics::Metrics::new());
        let hasher = Hasher::with_metrics(1, metrics.clone());
        let busy = hasher
            .permits
            .clone()
            .acquire_owned()
            .await
            .expect("permit");
        let mut waiting =
            Box::pin(hasher.verify(Password::new("a password of some length".into()), None));
        let polled = tokio::time::timeout(std::time::Duration::from_millis(20), &mut waiting).await;
        assert!(polled.is_err(), "waits while the only worker is busy");
        assert_eq!(metrics.hashing_waiting.get(), 1);
        drop(waiting);
        assert_eq!(metrics.hashing_waiting.get(), 0);
        assert_eq!(
            hasher.admitted.load(Ordering::SeqCst),
            0,
            "its place is given back"
        );
        drop(busy);
    }
}
