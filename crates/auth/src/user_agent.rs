//! Browser and operating system in a few words ("Chrome 131 on Linux"), worked out from a stored
//! raw User-Agent when it is shown, so that the words follow the reader's language. The parsing
//! is the uap-core rule set (the `simple-useragent` crate); this module only shortens its names.

use pforte_shared::i18n::fill;
use pforte_shared::{Lang, Msg};
use simple_useragent::UserAgentParser;
use std::sync::OnceLock;

/// Longest User-Agent kept: enough for every real browser, and a bound on parsing work.
pub const MAX_LEN: usize = 512;

fn parser() -> &'static UserAgentParser {
    static PARSER: OnceLock<UserAgentParser> = OnceLock::new();
    PARSER.get_or_init(UserAgentParser::new)
}

/// uap-core's family names, shortened to what people call the browser.
fn short_browser(family: &str) -> &str {
    match family {
        "Chrome Mobile" | "Chrome Mobile iOS" | "Chrome Mobile WebView" | "HeadlessChrome" => {
            "Chrome"
        }
        "Firefox iOS" | "Firefox Mobile" => "Firefox",
        "Edge Mobile" => "Edge",
        "Mobile Safari" | "Mobile Safari UI/WKWebView" => "Safari",
        "Opera Mobile" => "Opera",
        other => other,
    }
}

fn short_os(family: &str) -> &str {
    match family {
        "Mac OS X" => "macOS",
        "Chrome OS" => "ChromeOS",
        other => other,
    }
}

/// "Chrome 131 on Linux", "Safari 17 on iOS", or "Unknown browser".
pub fn browser_label(user_agent: &str, lang: Lang) -> String {
    let ua = user_agent.get(..MAX_LEN).unwrap_or(user_agent);
    let parsed = parser().parse(ua);
    if parsed.client.family == "Other" {
        return Msg::UnknownBrowser.text(lang).to_owned();
    }
    let name = short_browser(&parsed.client.family);
    let browser = match parsed
        .client
        .version
        .as_deref()
        .and_then(|v| v.split('.').next())
    {
        Some(major) if !major.is_empty() => format!("{name} {major}"),
        _ => name.to_owned(),
    };
    match parsed.os.family.as_str() {
        "Other" => browser,
        os => fill(
            &fill(Msg::BrowserOn.text(lang), "browser", &browser),
            "os",
            short_os(os),
        ),
    }
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
