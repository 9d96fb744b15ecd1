//! Forward authentication's one rule about where a user may be sent back to: an absolute URL on a
//! host the operator listed in `PFORTE_FORWARD_AUTH_DOMAINS`. Every other `next` in Pforte stays a
//! local path; an application's own address travels only through `/auth/continue`, which asks
//! this rule.

use std::str::FromStr;

/// The longest address taken: carried through the sign-in (encoded, in `next`), it must fit there.
const MAX_TARGET_LEN: usize = 1024;

/// One listed host: exactly `app.example.com`, or every host under it with `*.example.com`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum HostPattern {
    Exact(String),
    Under(String),
}

/// `PFORTE_FORWARD_AUTH_DOMAINS`: the hosts (optionally with a port) forward authentication may
/// send a user back to. Empty: none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ForwardDomains(Vec<HostPattern>);

impl FromStr for ForwardDomains {
    type Err = String;

    /// A comma-separated list of hosts (`app.example.com`, `app.example.com:8443`) and
    /// subdomain wildcards (`*.example.com`).
    fn from_str(text: &str) -> Result<Self, String> {
        text.split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| {
                let lower = part.to_ascii_lowercase();
                let (pattern, host) = match lower.strip_prefix("*.") {
                    Some(rest) => (HostPattern::Under(format!(".{rest}")), rest.to_owned()),
                    None => (HostPattern::Exact(lower.clone()), lower.clone()),
                };
                // The host must read back unchanged as the host (and port) of a URL.
                let parsed = url::Url::parse(&format!("https://{host}/"))
                    .ok()
                    .and_then(|u| host_of(&u));
                if parsed.as_deref() != Some(host.as_str()) || host.contains('*') {
                    return Err(format!(
                        "{part:?} is not a host name such as app.example.com or *.example.com"
                    ));
                }
                Ok(pattern)
            })
            .collect::<Result<Vec<_>, _>>()
            .map(ForwardDomains)
    }
}

/// `host` or `host:port` of a URL as written (lower-case; the default port left out).
fn host_of(url: &url::Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

impl ForwardDomains {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The listed entries that a session cookie for `cookie_host` (Pforte's host, or with a shared
    /// cookie domain that domain) never reaches: forward authentication cannot see a sign-in
    /// there, and the browser would go round between the application and the sign-in.
    pub fn outside(&self, cookie_host: &str, shared: bool) -> Vec<String> {
        let cookie_host = cookie_host.to_ascii_lowercase();
        let reaches = |host: &str| {
            let host = host.split(':').next().unwrap_or_default();
            host == cookie_host || (shared && host.ends_with(&format!(".{cookie_host}")))
        };
        self.0
            .iter()
            .filter_map(|pattern| match pattern {
                HostPattern::Exact(host) => (!reaches(host)).then(|| host.clone()),
                HostPattern::Under(suffix) => {
                    let under = suffix.trim_start_matches('.');
                    (!(shared && reaches(under))).then(|| format!("*{suffix}"))
                }
            })
            .collect()
    }

    /// `target` as the address to send a browser to, if it is an absolute `https://` URL (also
    /// `http://` when `allow_http`, for Pforte itself on plain http) without user information, on
    /// a listed host. Anything else: `None`.
    pub fn allowed(&self, target: &str, allow_http: bool) -> Option<String> {
        if target.len() > MAX_TARGET_LEN || !target.chars().all(|c| c.is_ascii_graphic()) {
            return None;
        }
        let url = url::Url::parse(target).ok()?;
        let scheme_ok = url.scheme() == "https" || (allow_http && url.scheme() == "http");
        if !scheme_ok || !url.username().is_empty() || url.password().is_some() {
            return None;
        }
        let host = host_of(&url)?;
        let listed = self.0.iter().any(|pattern| match pattern {
            HostPattern::Exact(exact) => host == *exact,
            HostPattern::Under(suffix) => {
                host.ends_with(suffix.as_str()) && host.len() > suffix.len()
            }
        });
        listed.then(|| url.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::ForwardDomains;

    fn domains(text: &str) -> ForwardDomains {
        text.parse().expect("domains")
    }

    #[test]
    fn only_listed_hosts() {
        let d = domains("app.example.com, *.tools.example.com, wiki.example.com:8443");
        let ok = |t: &str| d.allowed(t, false);
        assert_eq!(
            ok("https://app.example.com/x?y=1"),
            Some("https://app.example.com/x?y=1".into())
        );
        assert!(ok("https://APP.example.com/").is_some());
        assert!(ok("https://grafana.tools.example.com/d/1").is_some());
        assert!(ok("https://a.b.tools.example.com/").is_some());
        assert!(ok("https://wiki.example.com:8443/").is_some());
        for refused in [
            "https://tools.example.com/",
            "https://evil.com/",
            "https://app.example.com.evil.com/",
            "https://evilapp.example.com/",
            "https://wiki.example.com/",
            "https://app.example.com:444/",
            "http://app.example.com/",
            "https://user@app.example.com/",
            "https://app.example.com@evil.com/",
            "javascript://app.example.com/%0aalert(1)",
            "//app.example.com/",
            "/local",
            "https://app.example.com/\u{e9}",
            "https://app.example.com/a b",
            "",
        ] {
            assert_eq!(ok(refused), None, "{refused}");
        }
        assert!(d.allowed("http://app.example.com/", true).is_some());
        assert_eq!(domains("").allowed("https://app.example.com/", false), None);
    }

    #[test]
    fn hosts_the_session_cookie_never_reaches() {
        let d = domains("app.example.com, *.tools.example.com, other.org, login.example.com:8443");
        assert_eq!(d.outside("example.com", true), vec!["other.org".to_owned()]);
        assert_eq!(
            d.outside("login.example.com", false),
            vec![
                "app.example.com".to_owned(),
                "*.tools.example.com".to_owned(),
                "other.org".to_owned()
            ]
        );
    }

    #[test]
    fn bad_lists_are_refused() {
        for bad in [
            "https://app.example.com",
            "app.example.com/path",
            "*",
            "*.",
            "a*.example.com",
            "app example.com",
            "user@app.example.com",
        ] {
            assert!(bad.parse::<ForwardDomains>().is_err(), "{bad}");
        }
        assert!(domains(" , ").is_empty());
    }
}
