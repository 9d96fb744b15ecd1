//! A rough, instant strength estimate for live feedback while a new password is typed (in the
//! browser, without a dictionary). The server's policy (`pforte-auth`'s `check_policy`: zxcvbn, the
//! shipped list of common passwords, personal details) decides; this only guides typing.

/// How hard a password of at least the minimum length looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strength {
    Weak,
    Fair,
    Strong,
}

/// Estimated guessing effort in bits: every character costs the size of the character classes
/// used, except repeats and runs (`aaaa`, `abcd`, `1234`), which cost little, and stretches that
/// appeared before (`sunshinesunshine`), which cost a few bits for the whole stretch.
pub fn estimate_bits(password: &str) -> f64 {
    let chars: Vec<char> = password.chars().collect();
    let pool = pool_size(&chars);
    let per_char = pool.log2();
    let mut bits = 0.0;
    let mut i = 0;
    while i < chars.len() {
        let earlier = longest_earlier_match(&chars, i);
        if earlier >= 3 {
            bits += 4.0;
            i += earlier;
            continue;
        }
        let c = chars[i];
        bits += match i.checked_sub(1).map(|p| chars[p]) {
            Some(prev) if prev == c => 0.0,
            Some(prev) if (c as i64 - prev as i64).abs() == 1 => 1.0,
            _ => per_char,
        };
        i += 1;
    }
    bits
}

/// The estimate as a verdict: below 45 bits weak, below 65 fair, else strong.
pub fn strength(password: &str) -> Strength {
    let bits = estimate_bits(password);
    if bits < 45.0 {
        Strength::Weak
    } else if bits < 65.0 {
        Strength::Fair
    } else {
        Strength::Strong
    }
}

/// A class of characters and how many it has.
type CharClass = (fn(&char) -> bool, f64);

fn pool_size(chars: &[char]) -> f64 {
    let mut pool = 0.0;
    let classes: [CharClass; 4] = [
        (char::is_ascii_lowercase, 26.0),
        (char::is_ascii_uppercase, 26.0),
        (char::is_ascii_digit, 10.0),
        (|c: &char| c.is_ascii_punctuation() || *c == ' ', 33.0),
    ];
    for (test, size) in classes {
        if chars.iter().any(test) {
            pool += size;
        }
    }
    if chars.iter().any(|c| !c.is_ascii()) {
        pool += 100.0;
    }
    pool.max(2.0)
}

/// Length of the longest stretch starting at `at` that also starts somewhere before `at`.
fn longest_earlier_match(chars: &[char], at: usize) -> usize {
    (0..at)
        .map(|start| {
            chars[start..]
                .iter()
                .zip(&chars[at..])
                .take_while(|(a, b)| a == b)
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_runs_and_echoes_are_weak() {
        for p in [
            "aaaaaaaaaaaaaaaa",
            "passwordpassword",
            "abcdefghijklmnop",
            "123456789012345",
            "qwertyqwertyqwerty",
        ] {
            assert_eq!(strength(p), Strength::Weak, "{p}");
        }
    }

    #[test]
    fn phrases_and_random_strings_are_strong() {
        for p in [
            "velvet ostrich juggles quartz lanterns",
            "Tq7#vL2pX9mKr4w",
            "glacier pelican hums under lanterns",
        ] {
            assert_eq!(strength(p), Strength::Strong, "{p}");
        }
    }

    #[test]
    fn a_single_repeated_word_with_a_digit_is_not_strong() {
        assert_ne!(strength("sunshinesunshine1"), Strength::Strong);
    }
}
