//! Reading cookies and headers off a response.

/// The `name=value` of the trusted-device cookie a response sets, if any.
pub fn device_cookie(res: &reqwest::Response) -> Option<String> {
    set_cookies(res)
        .into_iter()
        .find(|c| c.starts_with("__Host-pforte_device=") || c.starts_with("pforte_device="))
        .and_then(|c| c.split(';').next().map(str::to_owned))
        .filter(|c| !c.ends_with('='))
}

/// The `name=value` of the session cookie a response sets, if any.
pub fn session_cookie(res: &reqwest::Response) -> Option<String> {
    set_cookies(res)
        .into_iter()
        .find(|c| c.starts_with("__Host-pforte_session=") || c.starts_with("pforte_session="))
        .and_then(|c| c.split(';').next().map(str::to_owned))
        .filter(|c| !c.ends_with('='))
}

/// The whole `Set-Cookie` value of cookie `name`, after checking that it carries every one of
/// `attributes` (`Path=/`, `HttpOnly`, …).
pub fn cookie_with(res: &reqwest::Response, name: &str, attributes: &[&str]) -> String {
    let raw = set_cookies(res)
        .into_iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("cookie {name} not set"));
    for attr in attributes {
        assert!(
            raw.split("; ").any(|a| a == *attr),
            "{attr} missing in {raw}"
        );
    }
    raw
}

pub fn set_cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect()
}

pub fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}
