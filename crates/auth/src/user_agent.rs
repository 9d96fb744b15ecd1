//! Browser and operating system in a few words ("Chrome 131 on Linux"), worked out from a stored
//! raw User-Agent when it is shown (so the words follow the reader's language). Only the
//! browsers and systems people use are named, found by the product tokens that give them away: a
//! few substring checks, not a rule set of hundreds of regular expressions (uap-core's cost about
//! 100 MB of memory and a millisecond per User-Agent).

use pforte_shared::i18n::fill;
use pforte_shared::{Lang, Msg};

/// Longest User-Agent kept, in characters (a header is visible ASCII, so bytes too): enough for
/// every real browser, and a bound on parsing work.
pub const MAX_LEN: usize = 512;

/// The browsers named, by the product token that gives them away, in the order they are tried:
/// browsers built on Chrome (or Safari) name it too, so their own token comes first.
const BROWSERS: [(&str, &str); 23] = [
    ("Thunderbird/", "Thunderbird"),
    ("EdgiOS/", "Edge"),
    ("EdgA/", "Edge"),
    ("Edg/", "Edge"),
    ("Edge/", "Edge"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("OPR/", "Opera"),
    ("OPiOS/", "Opera"),
    ("OPT/", "Opera"),
    ("Opera Mini/", "Opera"),
    ("YaBrowser/", "Yandex Browser"),
    ("UCBrowser/", "UC Browser"),
    ("Vivaldi/", "Vivaldi"),
    ("Brave/", "Brave"),
    ("DuckDuckGo/", "DuckDuckGo"),
    ("FxiOS/", "Firefox"),
    ("Focus/", "Firefox"),
    ("Firefox/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("MSIE ", "Internet Explorer"),
    ("IEMobile/", "Internet Explorer"),
];

/// The operating systems named, by what gives them away, in the order they are tried (iOS names
/// "Mac OS X", Android names "Linux").
const SYSTEMS: [(&str, &str); 13] = [
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("iPod", "iOS"),
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Ubuntu", "Ubuntu"),
    ("Fedora", "Fedora"),
    ("Debian", "Debian"),
    ("FreeBSD", "FreeBSD"),
    ("Linux", "Linux"),
];

/// What follows `token` up to the next space, `;` or `)`: a version.
fn version_after<'a>(ua: &'a str, token: &str) -> Option<&'a str> {
    let at = ua.find(token)? + token.len();
    ua[at..].split([' ', ';', ')']).next()
}

/// The browser's name and the version its User-Agent gives, if any. Only the fixed names above
/// are ever returned: a User-Agent is chosen by whoever sends it, and its free text must not put
/// words on someone's security page.
fn browser_of(ua: &str) -> Option<(&'static str, Option<&str>)> {
    if ua.starts_with("curl/") {
        return Some(("curl", version_after(ua, "curl/")));
    }
    if let Some((token, name)) = BROWSERS.iter().find(|(token, _)| ua.contains(token)) {
        return Some((name, version_after(ua, token)));
    }
    if ua.contains("Trident/") {
        return Some(("Internet Explorer", version_after(ua, "rv:")));
    }
    if ua.starts_with("Opera/") {
        return Some(("Opera", version_after(ua, "Version/")));
    }
    // Safari names its version in `Version/`; an app's web view on iOS names none.
    if ua.contains("AppleWebKit/") && (ua.contains("Safari/") || ua.contains("Mobile/")) {
        let version = version_after(ua, "Version/");
        let web_view = ["iPhone", "iPad", "iPod"].iter().any(|d| ua.contains(d));
        if version.is_some() || web_view {
            return Some(("Safari", version));
        }
    }
    None
}

/// "Chrome 131 on Linux", "Safari 17 on iOS", or "Unknown browser".
pub fn browser_label(user_agent: &str, lang: Lang) -> String {
    let mut end = user_agent.len().min(MAX_LEN);
    while !user_agent.is_char_boundary(end) {
        end -= 1;
    }
    let ua = &user_agent[..end];
    let Some((name, version)) = browser_of(ua) else {
        return Msg::UnknownBrowser.text(lang).to_owned();
    };
    // Only the major version, and only when it is a number.
    let browser = match version.and_then(|v| v.split('.').next()) {
        Some(major)
            if (1..=4).contains(&major.len()) && major.bytes().all(|b| b.is_ascii_digit()) =>
        {
            format!("{name} {major}")
        }
        _ => name.to_owned(),
    };
    match SYSTEMS.iter().find(|(token, _)| ua.contains(token)) {
        None => browser,
        Some((_, os)) => fill(
            &fill(Msg::BrowserOn.text(lang), "browser", &browser),
            "os",
            os,
        ),
    }
}

/// The User-Agent to store for a request: the header as sent, bounded and without control
/// characters (so it cannot forge log lines), with the browser's own brand added when its
/// client hint (`Sec-CH-UA`) names one that the User-Agent hides (Brave sends Chrome's).
pub fn stored_user_agent(user_agent: &str, client_hint: Option<&str>) -> String {
    let brave = client_hint
        .and_then(|h| brand_version(h, "Brave"))
        .filter(|_| !user_agent.contains("Brave"))
        .map(|version| format!(" Brave/{version}"))
        .unwrap_or_default();
    // The brand within the length kept, so that it is read back.
    let mut ua: String = user_agent
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_LEN - brave.len())
        .collect();
    ua.push_str(&brave);
    ua
}

/// The version a `Sec-CH-UA` header gives for `brand` (`"Brave";v="131", "Chromium";v="131"`).
fn brand_version(hint: &str, brand: &str) -> Option<String> {
    hint.split(',').find_map(|entry| {
        let (name, version) = entry.trim().split_once(";v=")?;
        (name.trim_matches('"') == brand).then(|| {
            version
                .trim_matches('"')
                .chars()
                .filter(char::is_ascii_digit)
                .take(4)
                .collect()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_browser_and_system() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.33 Safari/537.36",
                "Chrome 131 on Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox 133 on Windows",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                "Safari 17 on iOS",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
                "Chrome 131 on iOS",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15",
                "Firefox 133 on iOS",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 EdgiOS/131.0.2903.68 Mobile/15E148 Safari/605.1.15",
                "Edge 131 on iOS",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
                "Samsung Internet 26 on Android",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36 Edg/131.0",
                "Edge 131 on Android",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Chrome 131 on macOS",
            ),
            (
                "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox 133 on Ubuntu",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/116.0.0.0",
                "Opera 116 on Windows",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Vivaldi/7.0.3495.18",
                "Vivaldi 7 on Windows",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
                "Safari 18 on macOS",
            ),
            (
                "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
                "Safari on iPadOS",
            ),
            (
                "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Chrome 131 on ChromeOS",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko",
                "Internet Explorer 11 on Windows",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Thunderbird/128.5.0",
                "Thunderbird 128 on Windows",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
                "Chrome 131 on Android",
            ),
            ("curl/8.5.0", "curl 8"),
            // curl is named only when it is the whole product.
            (
                "python-requests/2.31 (compatible; curl/8.5.0)",
                "Unknown browser",
            ),
            // A version that is not a number is left out.
            (
                "Mozilla/5.0 (X11; Linux x86_64) Firefox/Call-0800-123",
                "Firefox on Linux",
            ),
            ("", "Unknown browser"),
            // Free text a generic rule would copy into the name is never shown.
            (
                "Visit evil-example-com to unlock your account Bot/1",
                "Unknown browser",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) Call-0800-123 Bot/2.0",
                "Unknown browser",
            ),
        ];
        for (ua, label) in cases {
            assert_eq!(browser_label(ua, Lang::En), label, "{ua}");
        }
        // Past the length read, nothing counts, also when the cut falls inside a character.
        let long = format!("{}Firefox/133.0", "\u{fc}".repeat(300));
        assert_eq!(browser_label(&long, Lang::En), "Unknown browser");
        let shifted = format!("a{long}");
        assert_eq!(browser_label(&shifted, Lang::En), "Unknown browser");
    }

    #[test]
    fn brave_is_named_from_its_client_hint() {
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        let hint = r#""Brave";v="131", "Chromium";v="131", "Not_A Brand";v="24""#;
        let stored = stored_user_agent(chrome, Some(hint));
        assert_eq!(browser_label(&stored, Lang::En), "Brave 131 on Windows");
        let long = format!("{chrome} {}", "x".repeat(600));
        let stored = stored_user_agent(&long, Some(hint));
        assert_eq!(stored.chars().count(), MAX_LEN);
        assert_eq!(browser_label(&stored, Lang::En), "Brave 131 on Windows");
        let plain = stored_user_agent(chrome, Some(r#""Chromium";v="131""#));
        assert_eq!(browser_label(&plain, Lang::En), "Chrome 131 on Windows");
    }

    #[test]
    fn stored_agents_are_bounded_and_cannot_forge_lines() {
        let stored = stored_user_agent(&format!("evil\r\nfake line{}", "x".repeat(2000)), None);
        assert!(!stored.contains('\n') && !stored.contains('\r'));
        assert_eq!(stored.chars().count(), MAX_LEN);
    }
}
