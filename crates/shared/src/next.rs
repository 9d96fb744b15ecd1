//! The `next` parameter: where to go after sign-in. Only local paths are accepted.

/// The longest `next` followed.
pub const MAX_LEN: usize = 4096;

/// Paths the server answers itself, outside the app's pages (OpenID Connect, forward
/// authentication): a sign-in that continues there ends on `/continue` first.
const SERVER_PATHS: [&str; 2] = ["/oauth/", "/auth/"];

/// Where a finished sign-in sends the browser for a safe `next`: the page itself, or for a path the
/// server answers, `/continue?to=<the path in hex>`, which loads it anew. (Going on from a form's
/// answer straight to another site would break the pages' `form-action 'self'`, and the app's
/// router in the browser knows only its own pages.) Hex, because a query value is decoded on its
/// way and the path carries encoded values of its own.
pub fn landing(next: &str) -> String {
    if SERVER_PATHS.iter().any(|p| next.starts_with(p)) {
        let hex: String = next.bytes().map(|b| format!("{b:02x}")).collect();
        format!("/continue?to={hex}")
    } else {
        next.to_owned()
    }
}

/// The server path a `/continue?to=` carries, if it is one (see [`landing`]).
pub fn continue_target(to: &str) -> Option<String> {
    if !to.len().is_multiple_of(2) || !to.is_ascii() {
        return None;
    }
    let bytes = (0..to.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&to[i..i + 2], 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    let path = String::from_utf8(bytes).ok()?;
    is_server_path(&path).then_some(path)
}

/// Whether `path` is a safe `next` that the server answers itself.
fn is_server_path(path: &str) -> bool {
    is_local_path(path) && SERVER_PATHS.iter().any(|p| path.starts_with(p))
}

/// `text` percent-encoded for a query value, `/` kept.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Returns `next` if it is a local path (`/…`, not `//…` or `/\…`), else `/`.
/// Only visible ASCII is accepted (browsers percent-encode everything else), so the result
/// is always a valid `Location` header value.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if is_local_path(n) => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// `path`, carrying a safe `next` along as a query parameter (nothing when `next` is `/` or unsafe),
/// so that the steps after the password still end where the user wanted to go.
pub fn with_next(path: &str, next: Option<&str>) -> String {
    let next = safe_next(next);
    if next == "/" {
        return path.to_owned();
    }
    format!("{path}?next={}", encode(&next))
}

fn is_local_path(n: &str) -> bool {
    n.starts_with('/')
        && !n.starts_with("//")
        && !n.starts_with("/\\")
        && n.len() <= MAX_LEN
        && n.chars().all(|c| c.is_ascii_graphic())
        && !has_dot_segment(n)
}

/// A `.` or `..` segment (also percent-encoded, `%2e`) or a backslash in the path part: browsers
/// and proxies resolve these differently, so such a `next` is not followed.
fn has_dot_segment(n: &str) -> bool {
    let path = n.split(['?', '#']).next().unwrap_or_default();
    path.contains('\\')
        || path.split('/').any(|segment| {
            let segment = segment.to_ascii_lowercase().replace("%2e", ".");
            segment == "." || segment == ".."
        })
}

#[cfg(test)]
mod tests {
    use super::{continue_target, has_dot_segment, landing, safe_next, with_next};
    use proptest::prelude::*;

    proptest! {
        /// Whatever arrives as `next`, only a local path without dot segments comes out, and
        /// carried along it stays a valid header value.
        #[test]
        fn next_only_ever_yields_a_local_path(
            raw in prop_oneof![any::<String>(), "[/\\\\.%2eE?#a-z:@]{0,24}"]
        ) {
            let next = safe_next(Some(&raw));
            prop_assert!(next.starts_with('/'));
            prop_assert!(!next.starts_with("//") && !next.starts_with("/\\"));
            prop_assert!(!has_dot_segment(&next));
            prop_assert!(next == "/" || next == raw);
            let carried = with_next("/login/code", Some(&raw));
            prop_assert!(carried.bytes().all(|b| b.is_ascii_graphic()));
        }
    }

    #[test]
    fn server_paths_land_on_continue() {
        assert_eq!(landing("/account/security"), "/account/security");
        let next = "/oauth/authorize?client_id=a&redirect_uri=https%3A%2F%2Fx";
        let landed = landing(next);
        let to = landed.strip_prefix("/continue?to=").expect("continue");
        assert!(to.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(continue_target(to).as_deref(), Some(next));
        for refused in [
            "/account",
            "//oauth/x",
            "/oauth/../admin",
            "https://evil/oauth/",
        ] {
            let hex: String = refused.bytes().map(|b| format!("{b:02x}")).collect();
            assert_eq!(continue_target(&hex), None, "{refused}");
        }
        for garbage in ["", "2", "zz", "\u{e9}\u{e9}"] {
            assert_eq!(continue_target(garbage), None, "{garbage}");
        }
    }

    #[test]
    fn next_travels_encoded() {
        assert_eq!(with_next("/login/code", None), "/login/code");
        assert_eq!(with_next("/login/code", Some("/")), "/login/code");
        assert_eq!(
            with_next("/login/code", Some("//evil.example")),
            "/login/code"
        );
        assert_eq!(
            with_next("/login/code", Some("/account/security?tab=a&b")),
            "/login/code?next=/account/security%3Ftab%3Da%26b"
        );
    }

    #[test]
    fn only_local_paths() {
        assert_eq!(safe_next(Some("/account/security")), "/account/security");
        assert_eq!(safe_next(Some("/a?b=c")), "/a?b=c");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("")), "/");
        assert_eq!(safe_next(Some("/caf\u{e9}")), "/");
        assert_eq!(safe_next(None), "/");
        for dotted in [
            "/..",
            "/a/../b",
            "/a/./b",
            "/%2e%2e/admin",
            "/a/%2E./b",
            "/a/.%2e",
            "/a\\b",
        ] {
            assert_eq!(safe_next(Some(dotted)), "/", "{dotted}");
        }
        assert_eq!(safe_next(Some("/a/..b/c.d?x=../y")), "/a/..b/c.d?x=../y");
    }
}
