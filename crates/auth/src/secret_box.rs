//! Secrets at rest: values Pforte must read back (a TOTP secret) are sealed with
//! ChaCha20-Poly1305 under the installation's secret key (`PFORTE_SECRET_KEY`), with a fresh random
//! nonce each time and the row they belong to as associated data, so that a sealed value copied
//! to another user's row does not open there. A wrong key, or a changed value, fails to open:
//! never a panic, never the wrong secret.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use zeroize::Zeroizing;

/// The version tag of sealed values: a later format (or key) gets a new one.
const TAG: &str = "v1:";
const NONCE_LEN: usize = 12;

/// The installation's 32-byte secret key. `Debug` shows nothing of it.
#[derive(Clone)]
pub struct SecretKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

/// Why a secret key was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("expected 32 random bytes in base64 (e.g. `openssl rand -base64 32`)")]
pub struct BadKey;

/// A sealed value did not open: a wrong key, or the value was changed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "a sealed secret does not open with this PFORTE_SECRET_KEY (a wrong key, or a changed value)"
)]
pub struct Unsealable;

impl SecretKey {
    /// A new random key.
    pub fn generate() -> SecretKey {
        let key = ChaCha20Poly1305::generate_key(&mut OsRng);
        let mut bytes = Zeroizing::new([0u8; 32]);
        bytes.copy_from_slice(&key);
        SecretKey(bytes)
    }

    /// A key as `PFORTE_SECRET_KEY` gives it: 32 bytes in base64 (surrounding space ignored).
    pub fn from_base64(text: &str) -> Result<SecretKey, BadKey> {
        let decoded = Zeroizing::new(STANDARD.decode(text.trim()).map_err(|_| BadKey)?);
        let bytes: [u8; 32] = decoded.as_slice().try_into().map_err(|_| BadKey)?;
        Ok(SecretKey(Zeroizing::new(bytes)))
    }

    /// The key in base64, for writing it to its file.
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(STANDARD.encode(self.0.as_slice()))
    }

    fn cipher(&self) -> ChaCha20Poly1305 {
        ChaCha20Poly1305::new(Key::from_slice(self.0.as_slice()))
    }

    /// Seals `plain` for the row named by `context` (e.g. `totp:42`).
    pub fn seal(&self, plain: &[u8], context: &str) -> String {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let payload = Payload {
            msg: plain,
            aad: context.as_bytes(),
        };
        // Encryption fails only for messages of gigabytes.
        let sealed = self.cipher().encrypt(&nonce, payload).unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{TAG}{}", STANDARD.encode(out))
    }

    /// Opens a value sealed for `context`.
    pub fn open(&self, sealed: &str, context: &str) -> Result<Zeroizing<Vec<u8>>, Unsealable> {
        let raw = sealed.strip_prefix(TAG).ok_or(Unsealable)?;
        let raw = STANDARD.decode(raw).map_err(|_| Unsealable)?;
        if raw.len() < NONCE_LEN {
            return Err(Unsealable);
        }
        let (nonce, body) = raw.split_at(NONCE_LEN);
        let payload = Payload {
            msg: body,
            aad: context.as_bytes(),
        };
        self.cipher()
            .decrypt(Nonce::from_slice(nonce), payload)
            .map(Zeroizing::new)
            .map_err(|_| Unsealable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_context() {
        let key = SecretKey::generate();
        let sealed = key.seal(b"JBSWY3DPEHPK3PXP", "totp:1");
        assert!(sealed.starts_with("v1:"));
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(
            key.open(&sealed, "totp:1").expect("opens").as_slice(),
            b"JBSWY3DPEHPK3PXP"
        );
        assert_eq!(key.open(&sealed, "totp:2"), Err(Unsealable), "another row");
        assert_eq!(
            SecretKey::generate().open(&sealed, "totp:1"),
            Err(Unsealable),
            "another key"
        );
        assert_ne!(
            key.seal(b"same", "c"),
            key.seal(b"same", "c"),
            "a fresh nonce each time"
        );
        for broken in [
            "",
            "v1:",
            "v1:!!!",
            "v2:AAAA",
            "v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ] {
            assert_eq!(key.open(broken, "totp:1"), Err(Unsealable), "{broken}");
        }
    }

    #[test]
    fn keys_are_32_bytes_of_base64() {
        let key = SecretKey::generate();
        let again =
            SecretKey::from_base64(&format!(" {} \n", key.to_base64().as_str())).expect("key");
        assert_eq!(
            again
                .open(&key.seal(b"x", "c"), "c")
                .expect("opens")
                .as_slice(),
            b"x"
        );
        assert_eq!(SecretKey::from_base64("c2hvcnQ=").err(), Some(BadKey));
        assert_eq!(SecretKey::from_base64("not base64").err(), Some(BadKey));
        assert_eq!(format!("{key:?}"), "SecretKey(…)");
    }
}
