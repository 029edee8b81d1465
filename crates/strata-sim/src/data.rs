//! The simulator's text data (`data/*.txt`: the base-image models and the package catalogue), packed into one
//! xz stream by `build.rs` and unpacked once, on first use. Packed, the text costs the playground's download
//! 39 KB instead of the 53 KB it cost as gzipped string constants.

use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/data_files.rs"));

/// The xz stream of all the files, one after another in the order of `FILES`.
static PACKED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/data.xz"));

/// The text of the data file `name` (e.g. `"debian.txt"`).
///
/// Panics if `name` is not one of the packed files (a programming error: the names are constants).
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
    panic!("no data file {name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_unpacks_to_its_text() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        for &(name, _) in FILES {
            let on_disk = std::fs::read_to_string(dir.join(name)).unwrap();
            assert_eq!(text(name), on_disk, "{name}");
        }
    }
}
