//! The version of the site's own files (`pkg/pforte.js`, `.wasm`, `.css`): a hash of their
//! contents. Pages name the files under `/v/{version}/pkg/…`, which may be cached for a year:
//! a new build has a new version, so browsers never run an old bundle against a new server.
//! Instances serving the same build agree on the version without talking to each other.

use leptos::config::LeptosOptions;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

/// The files whose contents make the version; the browser fetches all of them.
pub const FILES: [&str; 3] = ["pforte.js", "pforte.wasm", "pforte.css"];

/// Length of a version, in hex digits.
const VERSION_LEN: usize = 16;

/// What the files looked like when the version was worked out: their sizes and change times.
type Stamp = Vec<Option<(u64, SystemTime)>>;

/// The directory of the site's own files.
pub fn pkg_dir(options: &LeptosOptions) -> PathBuf {
    Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref())
}

/// The current version, or `None` when the files are not there (a server built without its
/// browser files, as in `cargo test`): then pages name them under `/pkg/` as they are.
/// Worked out again whenever a file's size or change time changes (`cargo leptos watch`
/// rebuilding them under a running server), else remembered: a page costs three `stat` calls.
pub fn version(options: &LeptosOptions) -> Option<String> {
    static KNOWN: Mutex<Option<(PathBuf, Stamp, Option<String>)>> = Mutex::new(None);
    let dir = pkg_dir(options);
    let stamp: Stamp = FILES
        .iter()
        .map(|f| {
            let meta = std::fs::metadata(dir.join(f)).ok()?;
            Some((meta.len(), meta.modified().ok()?))
        })
        .collect();
    let mut known = KNOWN.lock().ok()?;
    if let Some((d, s, version)) = known.as_ref()
        && *d == dir
        && *s == stamp
    {
        return version.clone();
    }
    let version = hash_files(&dir);
    *known = Some((dir, stamp, version.clone()));
    version
}

fn hash_files(dir: &Path) -> Option<String> {
    let mut hash = Sha256::new();
    for file in FILES {
        let bytes = std::fs::read(dir.join(file)).ok()?;
        hash.update((file.len() as u64).to_le_bytes());
        hash.update(file.as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(&bytes);
    }
    let digest = hash.finalize();
    Some(
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
            .chars()
            .take(VERSION_LEN)
            .collect(),
    )
}

/// Where pages name the site's files: `/v/{version}` (then `/pkg/…`), or nothing.
pub fn root(options: &LeptosOptions) -> String {
    version(options).map_or_else(String::new, |v| format!("/v/{v}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(dir: &Path) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("pforte")
            .site_root(dir.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .build()
    }

    /// The version follows the contents: the same files give the same version, a changed file
    /// a new one, a missing file none.
    #[test]
    fn version_follows_the_contents() {
        let dir = std::env::temp_dir().join(format!("pforte-assets-{}", std::process::id()));
        let pkg = dir.join("pkg");
        std::fs::create_dir_all(&pkg).expect("dir");
        let options = site(&dir);
        assert_eq!(version(&options), None, "no files, no version");
        for f in FILES {
            std::fs::write(pkg.join(f), format!("contents of {f}")).expect("write");
        }
        let first = version(&options).expect("a version");
        assert_eq!(first.len(), VERSION_LEN);
        assert!(first.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(version(&options).as_deref(), Some(first.as_str()));
        assert_eq!(root(&options), format!("/v/{first}"));
        std::fs::write(pkg.join("pforte.wasm"), "a new build, longer").expect("write");
        let second = version(&options).expect("a version");
        assert_ne!(first, second);
        std::fs::remove_file(pkg.join("pforte.css")).expect("remove");
        assert_eq!(version(&options), None);
        assert_eq!(root(&options), "");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
