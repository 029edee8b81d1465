//! The simulator's text data (`data/*.txt`: the base-image models and the package catalogue), packed into one
//! xz stream by `build.rs` and unpacked once, on first use. Packed, the text costs the playground's download
//! 39 KB instead of the 53 KB it cost as gzipped string constants.
//!
//! Without the `embedded-catalogue` feature (the web playground) only `busybox.txt` is packed: the other
//! files are files of the site, read through the [`set_loader`] function the first time a build needs one
//! (a FROM of alpine, debian, ubuntu, centos, fedora or python, or a package manager's catalogue), so the first
//! download does not carry models a first build on busybox never reads.

use std::sync::{Mutex, OnceLock};

include!(concat!(env!("OUT_DIR"), "/data_files.rs"));

/// The xz stream of the packed files, one after another in the order of `FILES`.
static PACKED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/data.xz"));

/// Reads a data file that is not packed (`name` as in `data/`, e.g. `"debian.txt"`), set by the web playground.
static LOADER: OnceLock<fn(&str) -> Option<String>> = OnceLock::new();

/// The files read through [`LOADER`] so far, kept for the program's life (a model is parsed from its text on
/// every FROM that names it).
static LOADED: Mutex<Vec<(String, &'static str)>> = Mutex::new(Vec::new());

/// Sets how a data file that is not compiled in is read (the playground fetches it from the site). The first
/// loader set stays.
pub fn set_loader(loader: fn(&str) -> Option<String>) {
    let _ = LOADER.set(loader);
}

/// The text of the data file `name` (e.g. `"debian.txt"`): packed, or read once through the loader. Empty
/// when it is neither packed nor readable (a playground offline before its first use of the file).
pub(crate) fn text(name: &str) -> &'static str {
    static UNPACKED: OnceLock<String> = OnceLock::new();
    let all = UNPACKED.get_or_init(|| {
        // ADD's xz decoder (strata_build::unxz), so the wasm holds one copy of it.
        let out = strata_build::unxz(PACKED, u64::MAX).expect("build.rs wrote a valid xz stream");
        String::from_utf8(out).expect("the data files are UTF-8")
    });
    let mut start = 0;
    for &(file, end) in FILES {
        if file == name {
            return &all[start..end];
        }
        start = end;
    }
    loaded(name).unwrap_or("")
}

/// The files the loader could not read the last time they were asked for (tried again on the next use).
static UNREADABLE: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The data files the loader could not read (a playground offline before their first use): what a build
/// that needed them missed, so that the page can say so instead of letting an image look unknown. Reading
/// one later takes it off the list.
pub fn unreadable() -> Vec<String> {
    UNREADABLE.lock().map(|u| u.clone()).unwrap_or_default()
}

/// A data file that is not packed, read through the loader the first time it is asked for.
fn loaded(name: &str) -> Option<&'static str> {
    let mut kept = LOADED.lock().ok()?;
    if let Some((_, t)) = kept.iter().find(|(f, _)| f == name) {
        return Some(t);
    }
    let read = LOADER.get()?(name);
    if let Ok(mut u) = UNREADABLE.lock() {
        u.retain(|f| f != name);
        if read.is_none() {
            u.push(name.to_owned());
        }
    }
    let text: &'static str = Box::leak(read?.into_boxed_str());
    kept.push((name.to_owned(), text));
    Some(text)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn every_file_unpacks_to_its_text() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        for &(name, _) in FILES {
            let on_disk = std::fs::read_to_string(dir.join(name)).unwrap();
            assert_eq!(text(name), on_disk, "{name}");
        }
    }

    /// How often [`test_loader`] was asked for `extra.txt`.
    static EXTRA_CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    /// The loader of the unit tests (one per process: the first one set stays): `extra.txt` is made up, the
    /// other names are read from `data/` as the playground fetches them from the site.
    pub(crate) fn test_loader(name: &str) -> Option<String> {
        if name == "extra.txt" {
            EXTRA_CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            return Some("tags extra\n".to_owned());
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        std::fs::read_to_string(dir.join(name)).ok()
    }

    #[test]
    fn a_file_that_is_not_packed_is_read_once_through_the_loader() {
        set_loader(test_loader);
        assert_eq!(text("extra.txt"), "tags extra\n");
        assert_eq!(text("extra.txt"), "tags extra\n");
        assert_eq!(EXTRA_CALLS.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(
            text("missing.txt"),
            "",
            "an unreadable file is empty, not a panic"
        );
        assert_eq!(unreadable(), ["missing.txt"], "and it is said");
    }
}
