//! The site's own files (`pkg/pforte.js`, `.wasm`, `.css`), read into memory with their version:
//! a hash of their contents. Pages name the files under `/v/{version}/pkg/…`, which may be
//! cached for a year: a new build has a new version, so browsers never run an old bundle against
//! a new server, and instances serving the same build agree on it without talking to each other.
//! What is served is exactly what was hashed, whatever happens to the files on disk meanwhile.

use bytes::Bytes;
use leptos::config::LeptosOptions;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

/// The files whose contents make the version, with their content types.
pub const FILES: [(&str, &str); 3] = [
    ("pforte.js", "text/javascript"),
    ("pforte.wasm", "application/wasm"),
    ("pforte.css", "text/css"),
];

/// Written by the release build next to the files: one line per precompressed file, its name and
/// the SHA-256 (hex) of the file it was made from. A copy is used only when that is the file's
/// hash now.
pub const PRECOMPRESSED: &str = "precompressed.txt";

/// Length of a version, in hex digits.
const VERSION_LEN: usize = 16;

/// One of the site's files as served: plain, and as the release build compressed it. (`Bytes`:
/// an answer shares them rather than copying up to 2 MB.)
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub plain: Bytes,
    pub br: Option<Bytes>,
    pub gzip: Option<Bytes>,
}

/// The site's files of one version.
pub struct Site {
    pub version: String,
    pub assets: Vec<Asset>,
}

impl Site {
    pub fn asset(&self, name: &str) -> Option<&Asset> {
        self.assets.iter().find(|a| a.name == name)
    }
}

/// What the files looked like when they were read: size, change time and inode of each.
type Stamp = Vec<Option<(u64, SystemTime, u64)>>;

fn stamp_of(path: &Path) -> Option<(u64, SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some((meta.len(), meta.modified().ok()?, inode))
}

/// The directory of the site's own files.
pub fn pkg_dir(options: &LeptosOptions) -> PathBuf {
    Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref())
}

/// What was read from a directory, and the files' stamp then.
struct Known {
    dir: PathBuf,
    stamp: Stamp,
    site: Option<Arc<Site>>,
    /// When the stamp was last taken.
    checked: Instant,
}

/// How long a stamp is believed before the files are looked at again.
const RECHECK: Duration = Duration::from_secs(1);

/// The site's files as they are now, or `None` when one is missing (a server built without its
/// browser files, as in `cargo test`): then pages name them under `/pkg/` as they are. Read
/// again whenever a file's size, change time or inode changes (`cargo leptos watch` rebuilding
/// them under a running server), else remembered; the files are looked at (three `stat` calls)
/// at most once a second, not for every page.
pub fn current(options: &LeptosOptions) -> Option<Arc<Site>> {
    current_within(options, RECHECK)
}

/// [`current`], believing the last stamp for `recheck`.
fn current_within(options: &LeptosOptions, recheck: Duration) -> Option<Arc<Site>> {
    static KNOWN: RwLock<Option<Known>> = RwLock::new(None);
    let dir = pkg_dir(options);
    if let Some(known) = &*KNOWN.read().unwrap_or_else(|e| e.into_inner())
        && known.dir == dir
        && known.checked.elapsed() < recheck
    {
        return known.site.clone();
    }
    let stamp: Stamp = FILES.iter().map(|(f, _)| stamp_of(&dir.join(f))).collect();
    let mut known = KNOWN.write().unwrap_or_else(|e| e.into_inner());
    if let Some(known) = &mut *known
        && known.dir == dir
        && known.stamp == stamp
    {
        known.checked = Instant::now();
        return known.site.clone();
    }
    let site = read_site(&dir).map(Arc::new);
    *known = Some(Known {
        dir,
        stamp,
        site: site.clone(),
        checked: Instant::now(),
    });
    site
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn read_site(dir: &Path) -> Option<Site> {
    let listed = std::fs::read_to_string(dir.join(PRECOMPRESSED)).unwrap_or_default();
    let made_from = |copy: &str| {
        listed.lines().find_map(|line| {
            let (name, hash) = line.split_once(' ')?;
            (name == copy).then(|| hash.trim().to_owned())
        })
    };
    let mut version = Sha256::new();
    let mut assets = Vec::new();
    for (name, content_type) in FILES {
        let plain = std::fs::read(dir.join(name)).ok()?;
        let own = hex(&Sha256::digest(&plain));
        // A copy made from other contents (an earlier build) is never sent.
        let copy = |ext: &str| {
            let copy = format!("{name}.{ext}");
            (made_from(&copy).as_deref() == Some(own.as_str()))
                .then(|| std::fs::read(dir.join(&copy)).ok())
                .flatten()
                .map(Bytes::from)
        };
        version.update((name.len() as u64).to_le_bytes());
        version.update(name.as_bytes());
        version.update(own.as_bytes());
        assets.push(Asset {
            name,
            content_type,
            br: copy("br"),
            gzip: copy("gz"),
            plain: Bytes::from(plain),
        });
    }
    let mut version = hex(&version.finalize());
    version.truncate(VERSION_LEN);
    Some(Site { version, assets })
}

/// Where pages name the site's files: `/v/{version}` (then `/pkg/…`), or nothing.
pub fn root(options: &LeptosOptions) -> String {
    current(options).map_or_else(String::new, |site| format!("/v/{}", site.version))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The files as they are now, looked at again whatever the last look.
    fn now(options: &LeptosOptions) -> Option<Arc<Site>> {
        current_within(options, Duration::ZERO)
    }

    fn site(dir: &Path) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("pforte")
            .site_root(dir.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .build()
    }

    /// The version follows the contents: the same files give the same version, a changed file
    /// (also one of the same size) a new one, a missing file none. A precompressed copy is taken
    /// only when it was made from the file as it is.
    #[test]
    fn version_follows_the_contents() {
        let dir = std::env::temp_dir().join(format!("pforte-assets-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let pkg = dir.join("pkg");
        std::fs::create_dir_all(&pkg).expect("dir");
        let options = site(&dir);
        assert!(now(&options).is_none(), "no files, no version");
        for (f, _) in FILES {
            std::fs::write(pkg.join(f), format!("contents of {f}")).expect("write");
        }
        let wasm_hash = hex(&Sha256::digest(b"contents of pforte.wasm"));
        std::fs::write(pkg.join("pforte.wasm.br"), "brotli").expect("write");
        std::fs::write(pkg.join("pforte.wasm.gz"), "gzip").expect("write");
        std::fs::write(
            pkg.join(PRECOMPRESSED),
            format!(
                "pforte.wasm.br {wasm_hash}\npforte.wasm.gz {}\n",
                "0".repeat(64)
            ),
        )
        .expect("write");
        let first = now(&options).expect("a version");
        assert_eq!(first.version.len(), VERSION_LEN);
        assert!(first.version.bytes().all(|b| b.is_ascii_hexdigit()));
        let wasm = first.asset("pforte.wasm").expect("wasm");
        assert_eq!(wasm.br.as_deref(), Some(&b"brotli"[..]));
        assert_eq!(wasm.gzip, None, "made from other contents");
        assert_eq!(root(&options), format!("/v/{}", first.version));
        // Rewritten with the same size: a new version, and the copy is no longer taken.
        std::fs::remove_file(pkg.join("pforte.wasm")).expect("remove");
        std::fs::write(pkg.join("pforte.wasm"), "contents of PFORTE.wasm").expect("write");
        // Within a second of the last look, the files are not looked at again.
        assert_eq!(
            current_within(&options, Duration::from_secs(3600)).map(|s| s.version.clone()),
            Some(first.version.clone())
        );
        let second = now(&options).expect("a version");
        assert_ne!(first.version, second.version);
        assert_eq!(second.asset("pforte.wasm").expect("wasm").br, None);
        std::fs::remove_file(pkg.join("pforte.css")).expect("remove");
        assert!(now(&options).is_none());
        assert_eq!(root(&options), "");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
