//! The `next` parameter: where to go after sign-in. Only local paths are accepted.

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
    let mut out = format!("{path}?next=");
    for b in next.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn is_local_path(n: &str) -> bool {
    n.starts_with('/')
        && !n.starts_with("//")
        && !n.starts_with("/\\")
        && n.len() <= 2048
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
    use super::{has_dot_segment, safe_next, with_next};
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
