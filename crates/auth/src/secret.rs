//! Secrets are types: random tokens, their hashes, and passwords. None of them is `Serialize`,
//! their `Debug` is redacted, and the plain values are zeroized on drop.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// A 256-bit random token from the OS CSPRNG, as handed to a browser (base64url, 43 characters).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Token(String);

impl Token {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = Token(URL_SAFE_NO_PAD.encode(bytes));
        bytes.zeroize();
        token
    }

    /// Wraps a token received from a browser. Returns `None` for values that cannot be tokens.
    pub fn from_presented(value: &str) -> Option<Self> {
        (value.len() == 43
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .then(|| Token(value.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The only form that is stored.
    pub fn hash(&self) -> TokenHash {
        TokenHash(hex::encode(Sha256::digest(self.0.as_bytes())))
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// SHA-256 of a token, hex encoded: what the database holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenHash(pub String);

impl TokenHash {
    /// The hash of a token received from a browser; `None` for values that cannot be tokens.
    pub fn of_presented(value: &str) -> Option<TokenHash> {
        Token::from_presented(value).map(|t| t.hash())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Constant-time comparison.
    pub fn matches(&self, other: &str) -> bool {
        self.0.as_bytes().ct_eq(other.as_bytes()).into()
    }
}

/// A password as typed. Redacted `Debug`, zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Password(String);

impl Password {
    pub fn new(value: String) -> Self {
        Password(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bit_and_distinct() {
        let a = Token::generate();
        let b = Token::generate();
        assert_eq!(a.expose().len(), 43);
        assert_ne!(a.expose(), b.expose());
        assert!(Token::from_presented(a.expose()).is_some());
    }

    #[test]
    fn hash_is_sha256_hex_and_not_the_token() {
        let t = Token::generate();
        let h = t.hash();
        assert_eq!(h.as_str().len(), 64);
        assert!(!h.as_str().contains(t.expose()));
        assert_eq!(h, Token::from_presented(t.expose()).expect("valid").hash());
        assert!(h.matches(h.as_str()));
        assert!(!h.matches(&"0".repeat(64)));
    }

    #[test]
    fn debug_is_redacted() {
        let t = Token::generate();
        assert!(!format!("{t:?}").contains(t.expose()));
        let p = Password::new("correct horse battery staple".into());
        assert_eq!(format!("{p:?}"), "Password(<redacted>)");
    }

    #[test]
    fn malformed_tokens_are_refused() {
        assert!(Token::from_presented("short").is_none());
        assert!(Token::from_presented(&"a".repeat(42).to_string().replace('a', "é")).is_none());
        assert!(Token::from_presented(&format!("{}!", "a".repeat(42))).is_none());
    }
}
