//! Text people type that others will read (display and company names).

/// Unicode format characters (general category Cf, Unicode 15.1): invisible, and some reorder the
/// text around them (bidi overrides), so a name holding one can look like another name.
const FORMAT_CHARS: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
];

/// Whether `c` is a Unicode format character (category Cf).
pub fn is_format_char(c: char) -> bool {
    let c = u32::from(c);
    FORMAT_CHARS
        .iter()
        .any(|&(first, last)| (first..=last).contains(&c))
}

/// Characters outside category Cf that render as nothing (Hangul fillers, the braille blank, the
/// combining grapheme joiner).
const BLANK_CHARS: &[char] = &[
    '\u{034F}', '\u{115F}', '\u{1160}', '\u{2800}', '\u{3164}', '\u{FFA0}',
];

/// Whether `text` holds a control, format or blank character: such a name is refused.
pub fn has_hidden_chars(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() || is_format_char(c) || BLANK_CHARS.contains(&c))
}

/// `localhost` or a loopback address (`[::1]` with or without brackets): a host on this machine.
pub fn is_loopback_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_characters_are_found() {
        for hidden in [
            "Anna\u{202E}greB",
            "Ben\u{200B}",
            "\u{FEFF}Kim",
            "Zoe\u{2066}x\u{2069}",
            "soft\u{AD}hyphen",
            "tag\u{E0041}",
            "line\nbreak",
            "\u{3164}",
            "Kim\u{2800}",
        ] {
            assert!(has_hidden_chars(hidden), "{hidden:?}");
        }
        for plain in [
            "Anna Berg",
            "Jürgen Größ",
            "Zoë O'Brien",
            "李小龍",
            "Ölçü Ltd. & Co.",
        ] {
            assert!(!has_hidden_chars(plain), "{plain}");
        }
    }
}
