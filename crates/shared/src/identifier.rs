//! What a user types into "Email or customer number", parsed and normalised.

use unicode_normalization::UnicodeNormalization;

/// Longest accepted email (RFC 5321 path limit).
pub const MAX_EMAIL_LEN: usize = 254;
/// Customer numbers have exactly this many digits.
pub const CUSTOMER_NUMBER_LEN: usize = 7;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Identifier {
    Email(String),
    CustomerNumber(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentifierError {
    Empty,
    TooLong,
    Invalid,
}

/// Trims, NFKC-normalises and lower-cases an email, and checks its shape.
pub fn normalize_email(raw: &str) -> Result<String, IdentifierError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(IdentifierError::Empty);
    }
    if trimmed.len() > MAX_EMAIL_LEN * 4 {
        return Err(IdentifierError::TooLong);
    }
    let email: String = trimmed.nfkc().collect::<String>().to_lowercase();
    if email.chars().count() > MAX_EMAIL_LEN {
        return Err(IdentifierError::TooLong);
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return Err(IdentifierError::Invalid);
    };
    let bad_char = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '<' | '>' | '"' | ',' | ';' | '(' | ')' | '[' | ']' | '\\'
            )
    };
    if local.is_empty()
        || local.len() > 64
        || domain.is_empty()
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
        || email.chars().any(bad_char)
        || local.contains('@')
        || is_bidi_control_present(&email)
    {
        return Err(IdentifierError::Invalid);
    }
    Ok(email)
}

fn is_bidi_control_present(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
}

/// A customer number is exactly seven ASCII digits, not starting with 0.
pub fn parse_customer_number(raw: &str) -> Option<String> {
    let s = raw.trim();
    (s.len() == CUSTOMER_NUMBER_LEN && s.bytes().all(|b| b.is_ascii_digit()) && !s.starts_with('0'))
        .then(|| s.to_owned())
}

impl Identifier {
    pub fn parse(raw: &str) -> Result<Identifier, IdentifierError> {
        if let Some(number) = parse_customer_number(raw) {
            return Ok(Identifier::CustomerNumber(number));
        }
        normalize_email(raw).map(Identifier::Email)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Parsing never panics, and normalising a normalised email changes nothing.
        #[test]
        fn normalisation_is_idempotent(raw in prop_oneof![any::<String>(), "[ A-Za-z0-9@.+\u{212A}\u{FF21}\u{202E}-]{0,40}"]) {
            let _ = Identifier::parse(&raw);
            if let Ok(email) = normalize_email(&raw) {
                prop_assert_eq!(normalize_email(&email), Ok(email.clone()));
                prop_assert_eq!(Identifier::parse(&email), Ok(Identifier::Email(email.clone())));
            }
            if let Some(number) = parse_customer_number(&raw) {
                prop_assert_eq!(parse_customer_number(&number), Some(number.clone()));
            }
        }
    }

    #[test]
    fn email_is_trimmed_and_lowercased() {
        assert_eq!(
            Identifier::parse("  Anna.Berg@Example.COM "),
            Ok(Identifier::Email("anna.berg@example.com".into()))
        );
    }

    #[test]
    fn email_is_nfkc_normalised() {
        // Fullwidth letters fold to ASCII under NFKC.
        assert_eq!(
            normalize_email("ａｎｎａ@example.com"),
            Ok("anna@example.com".into())
        );
    }

    #[test]
    fn customer_number_is_seven_digits() {
        assert_eq!(
            Identifier::parse(" 1234567 "),
            Ok(Identifier::CustomerNumber("1234567".into()))
        );
        assert_eq!(Identifier::parse("123456"), Err(IdentifierError::Invalid));
        assert_eq!(Identifier::parse("12345678"), Err(IdentifierError::Invalid));
        assert_eq!(Identifier::parse("0123456"), Err(IdentifierError::Invalid));
    }

    #[test]
    fn hostile_input_is_rejected() {
        assert_eq!(Identifier::parse(""), Err(IdentifierError::Empty));
        assert_eq!(
            Identifier::parse("'; DROP TABLE users; --"),
            Err(IdentifierError::Invalid)
        );
        assert_eq!(
            Identifier::parse("a\u{0}b@example.com"),
            Err(IdentifierError::Invalid)
        );
        assert_eq!(
            Identifier::parse("a\u{202e}b@example.com"),
            Err(IdentifierError::Invalid)
        );
        assert_eq!(
            Identifier::parse(&"a".repeat(10_000)),
            Err(IdentifierError::TooLong)
        );
        assert_eq!(
            Identifier::parse("no-at-sign.example"),
            Err(IdentifierError::Invalid)
        );
        assert_eq!(Identifier::parse("a@nodot"), Err(IdentifierError::Invalid));
    }
}
