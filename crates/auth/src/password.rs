//! Passwords: the policy (length, common and personal passwords, strength) and argon2id hashing
//! on a bounded pool.

use crate::error::AuthError;
use crate::secret::Password;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use pforte_shared::Msg;
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;
use unicode_normalization::UnicodeNormalization;

pub use pforte_shared::password::{MAX_BYTES, MAX_CHARS, MIN_CHARS};

/// argon2id m=19456 KiB, t=2, p=1 (OWASP's minimum recommendation).
pub fn argon2() -> Argon2<'static> {
    #[allow(clippy::expect_used)] // constant parameters, validated by a unit test
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
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
/// queues instead of eating memory (19 MiB each) or starving other requests.
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    metrics: crate::metrics::SharedMetrics,
}

/// A hash of a random password, verified against for unknown identifiers so that timing matches.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let secret = crate::secret::Token::generate();
        argon2()
            .hash_password(secret.expose().as_bytes(), &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Computes the dummy hash now, at start-up, so that the first unknown identifier does not cost
/// two hashes (and stand out by its timing).
pub fn warm() {
    dummy_hash();
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

impl Hasher {
    pub fn new(workers: usize) -> Self {
        Hasher::with_metrics(workers, Arc::default())
    }

    /// Counting the jobs that wait, and how long, in `metrics`.
    pub fn with_metrics(workers: usize, metrics: crate::metrics::SharedMetrics) -> Self {
        Hasher {
            permits: Arc::new(Semaphore::new(workers.max(1))),
            metrics,
        }
    }

    /// About one job per core.
    pub fn default_workers() -> usize {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    }

    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AuthError> {
        let waited = std::time::Instant::now();
        let waiting = Waiting::new(&self.metrics.hashing_waiting);
        let permit = self.permits.acquire().await;
        drop(waiting);
        self.metrics
            .hashing_wait
            .observe(waited.elapsed().as_secs_f64());
        let _permit = permit.map_err(|e| AuthError::Hashing(e.to_string()))?;
        tokio::task::spawn_blocking(job)
            .await
            .map_err(|e| AuthError::Hashing(e.to_string()))
    }

    /// Hashes a password that already passed [`check_policy`].
    pub async fn hash(&self, password: Password) -> Result<String, AuthError> {
        self.run(move || {
            let salt = SaltString::generate(&mut rand::rngs::OsRng);
            argon2()
                .hash_password(normalize(password.expose()).as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| AuthError::Hashing(e.to_string()))
        })
        .await?
    }

    /// Verifies `password` against `stored`, or against a dummy hash when there is none,
    /// so that unknown users cost the same time. Over-long input is refused without hashing.
    pub async fn verify(
        &self,
        password: Password,
        stored: Option<String>,
    ) -> Result<bool, AuthError> {
        if password.expose().len() > MAX_BYTES {
            return Ok(false);
        }
        let known = stored.is_some();
        self.run(move || {
            let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
            let Ok(parsed) = PasswordHash::new(&stored) else {
                return false;
            };
            let ok = argon2()
                .verify_password(normalize(password.expose()).as_bytes(), &parsed)
                .is_ok();
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
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let h = argon2()
            .hash_password(b"x", &salt)
            .expect("hash")
            .to_string();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
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
        drop(busy);
    }
}
