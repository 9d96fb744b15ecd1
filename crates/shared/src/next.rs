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

fn is_local_path(n: &str) -> bool {
    n.starts_with('/')
        && !n.starts_with("//")
        && !n.starts_with("/\\")
        && n.len() <= 2048
        && n.chars().all(|c| c.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

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
    }
}
