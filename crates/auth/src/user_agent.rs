//! Browser and operating system in a few words ("Chrome 131 on Linux"), worked out from a stored
//! raw User-Agent when it is shown (so the words can follow the reader's language once pages are
//! translated; today every caller asks for English). The parsing
//! is the uap-core rule set (the `simple-useragent` crate); this module only shortens its names.

use pforte_shared::i18n::fill;
use pforte_shared::{Lang, Msg};
use simple_useragent::UserAgentParser;
use std::sync::OnceLock;

/// Longest User-Agent kept, in characters (a header is visible ASCII, so bytes too): enough for
/// every real browser, and a bound on parsing work.
pub const MAX_LEN: usize = 512;

fn parser() -> &'static UserAgentParser {
    static PARSER: OnceLock<UserAgentParser> = OnceLock::new();
    PARSER.get_or_init(UserAgentParser::new)
}

/// uap-core's family names of the browsers people use, shortened to what people call them. Any
/// other family reads "Unknown browser": uap-core's generic rules copy free text from the header
/// into the family (a "bot" rule takes up to 50 characters), and a User-Agent is chosen by
/// whoever sends it — it must not put words on someone's security page.
fn known_browser(family: &str) -> Option<&'static str> {
    Some(match family {
        "Chrome"
        | "Chrome Mobile"
        | "Chrome Mobile iOS"
        | "Chrome Mobile WebView"
        | "HeadlessChrome" => "Chrome",
        "Chromium" => "Chromium",
        "Firefox" | "Firefox iOS" | "Firefox Mobile" | "Firefox Focus" => "Firefox",
        "Edge" | "Edge Mobile" => "Edge",
        "Safari" | "Mobile Safari" | "Mobile Safari UI/WKWebView" => "Safari",
        "Opera" | "Opera Mobile" | "Opera Mini" => "Opera",
        "Brave" => "Brave",
        "Vivaldi" => "Vivaldi",
        "Samsung Internet" => "Samsung Internet",
        "Yandex Browser" => "Yandex Browser",
        "UC Browser" => "UC Browser",
        "DuckDuckGo Mobile" => "DuckDuckGo",
        "IE" | "IE Mobile" => "Internet Explorer",
        "Thunderbird" => "Thunderbird",
        "curl" => "curl",
        _ => return None,
    })
}

/// The operating systems named; any other reads as none.
fn known_os(family: &str) -> Option<&'static str> {
    Some(match family {
        "Windows" => "Windows",
        "Mac OS X" | "macOS" => "macOS",
        "iOS" => "iOS",
        "iPadOS" => "iPadOS",
        "Android" => "Android",
        "Linux" => "Linux",
        "Ubuntu" => "Ubuntu",
        "Debian" => "Debian",
        "Fedora" => "Fedora",
        "Chrome OS" | "ChromeOS" => "ChromeOS",
        "FreeBSD" => "FreeBSD",
        _ => return None,
    })
}

/// "Chrome 131 on Linux", "Safari 17 on iOS", or "Unknown browser".
pub fn browser_label(user_agent: &str, lang: Lang) -> String {
    let ua = user_agent.get(..MAX_LEN).unwrap_or(user_agent);
    let parsed = parser().parse(ua);
    let Some(name) = known_browser(&parsed.client.family) else {
        return Msg::UnknownBrowser.text(lang).to_owned();
    };
    // Only the major version, and only when it is a number.
    let browser = match parsed
        .client
        .version
        .as_deref()
        .and_then(|v| v.split('.').next())
    {
        Some(major)
            if (1..=4).contains(&major.len()) && major.bytes().all(|b| b.is_ascii_digit()) =>
        {
            format!("{name} {major}")
        }
        _ => name.to_owned(),
    };
    match known_os(&parsed.os.family) {
        None => browser,
        Some(os) => fill(
            &fill(Msg::BrowserOn.text(lang), "browser", &browser),
            "os",
            os,
        ),
    }
}

/// Builds the parser's rule set now, at start-up, rather than in the first request that shows a
/// browser.
pub fn warm() {
    parser();
}

/// The User-Agent to store for a request: the header as sent, bounded and without control
/// characters (so it cannot forge log lines), with the browser's own brand added when its
/// client hint (`Sec-CH-UA`) names one that the User-Agent hides (Brave sends Chrome's).
pub fn stored_user_agent(user_agent: &str, client_hint: Option<&str>) -> String {
    let mut ua: String = user_agent
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_LEN)
        .collect();
    if let Some(version) = client_hint.and_then(|h| brand_version(h, "Brave"))
        && !ua.contains("Brave")
    {
        ua.push_str(&format!(" Brave/{version}"));
    }
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
            ("curl/8.5.0", "curl 8"),
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
    }

    #[test]
    fn brave_is_named_from_its_client_hint() {
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        let hint = r#""Brave";v="131", "Chromium";v="131", "Not_A Brand";v="24""#;
        let stored = stored_user_agent(chrome, Some(hint));
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
