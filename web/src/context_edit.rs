//! What the build context editor does to the list of files, as plain functions (no DOM): adding uploads,
//! unpacking an uploaded tar, renaming, naming new files, and telling text from binary.
//!
//! [`unpack_archive`] reads a tar (plain, gzip or zstd, detected from the bytes) with `strata_image`'s
//! layer reader, which already refuses hostile archives (absolute or climbing paths, oversized expansions);
//! regular files keep their exec bit from the tar's mode, hard links become copies, and what a context
//! cannot hold as a file (symlinks, devices, directories) is left out and counted.

use strata_image::layer::{read_layer, ReadLimits};
use strata_image::EntryKind;

use crate::project::ContextFile;
use crate::project_tree::normalize_path;

/// The most bytes an uploaded archive may expand to.
pub const MAX_ARCHIVE_EXPANDED: u64 = 64 << 20;

/// The most entries an uploaded archive may have.
pub const MAX_ARCHIVE_ENTRIES: usize = 20_000;

/// What an uploaded archive held.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Unpacked {
    /// Its regular files (hard links as copies), paths relative.
    pub files: Vec<ContextFile>,
    /// Entries left out (symlinks, devices, fifos, whiteout markers), as `path (kind)`.
    pub skipped: Vec<String>,
}

/// True for a file name an upload should unpack: `.tar`, `.tar.gz`, `.tgz`, `.tar.zst`.
pub fn is_archive_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [".tar", ".tar.gz", ".tgz", ".tar.zst", ".tar.zstd"]
        .iter()
        .any(|s| n.ends_with(s))
}

/// The files of a tar archive (plain, gzip- or zstd-compressed). An archive that is not a tar, is damaged
/// or expands past the limits is an error saying so.
pub fn unpack_archive(bytes: &[u8]) -> Result<Unpacked, String> {
    let limits = ReadLimits {
        max_expanded: MAX_ARCHIVE_EXPANDED,
        max_entries: MAX_ARCHIVE_ENTRIES,
    };
    let layer = read_layer(bytes, &limits).map_err(|e| format!("cannot read the archive: {e}"))?;
    let mut out = Unpacked::default();
    for e in layer.entries {
        let Some(path) = normalize_path(&e.path) else {
            continue;
        };
        match &e.kind {
            EntryKind::Dir => {}
            EntryKind::File(content) => out.files.push(ContextFile {
                path,
                data: content.bytes().into_owned(),
                executable: e.attrs.mode & 0o111 != 0,
            }),
            EntryKind::Hardlink(target) => {
                let target = normalize_path(target);
                match out.files.iter().find(|f| Some(&f.path) == target.as_ref()) {
                    Some(f) => {
                        let copy = ContextFile {
                            path,
                            data: f.data.clone(),
                            executable: f.executable,
                        };
                        out.files.push(copy);
                    }
                    None => out.skipped.push(format!("{path} (hard link)")),
                }
            }
            EntryKind::Symlink(_) => out.skipped.push(format!("{path} (symlink)")),
            EntryKind::Whiteout | EntryKind::Opaque => {
                out.skipped.push(format!("{path} (whiteout marker)"))
            }
            _ => out.skipped.push(format!("{path} (device or fifo)")),
        }
    }
    Ok(out)
}

/// `files` with `added` put in: a file with the same path is replaced, the rest keep their order, and
/// the result is sorted by path as [`crate::project::Project::files`] is.
pub fn upsert(files: &[ContextFile], added: Vec<ContextFile>) -> Vec<ContextFile> {
    let mut out: Vec<ContextFile> = files.to_vec();
    for f in added {
        match out.iter_mut().find(|g| g.path == f.path) {
            Some(g) => *g = f,
            None => out.push(f),
        }
    }
    strata_image::sort::sort_by(&mut out, |a, b| a.path.cmp(&b.path));
    out
}

/// `files` with `from` renamed to `to` (normalized). Refuses an empty or climbing name, and a name
/// another file already has or that would put a file inside another file.
pub fn rename(files: &[ContextFile], from: &str, to: &str) -> Result<Vec<ContextFile>, String> {
    let to = normalize_path(to.trim())
        .ok_or_else(|| format!("{to:?} is not a file name in the context"))?;
    if to == from {
        return Ok(files.to_vec());
    }
    if let Some(clash) = files
        .iter()
        .find(|f| f.path != from && conflicts(&f.path, &to))
    {
        return Err(format!("{to} would clash with {}", clash.path));
    }
    let mut out = files.to_vec();
    let Some(f) = out.iter_mut().find(|f| f.path == from) else {
        return Err(format!("there is no file {from}"));
    };
    f.path = to;
    strata_image::sort::sort_by(&mut out, |a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// True when files at `a` and `b` cannot both exist: the same path, or one a directory of the other.
fn conflicts(a: &str, b: &str) -> bool {
    a == b
        || a.strip_prefix(b).is_some_and(|r| r.starts_with('/'))
        || b.strip_prefix(a).is_some_and(|r| r.starts_with('/'))
}

/// A path like `stem.ext` that no file in `files` has or clashes with: `stem.ext`, `stem-2.ext`, ….
pub fn unique_name(files: &[ContextFile], stem: &str, ext: &str) -> String {
    (1..)
        .map(|n| {
            if n == 1 {
                format!("{stem}{ext}")
            } else {
                format!("{stem}-{n}{ext}")
            }
        })
        .find(|p| !files.iter().any(|f| conflicts(&f.path, p)))
        .unwrap_or_default()
}

/// True when `data` can be edited as text: UTF-8 without NUL bytes.
pub fn is_text(data: &[u8]) -> bool {
    !data.contains(&0) && std::str::from_utf8(data).is_ok()
}

/// A size as people read it: `12 B`, `3.4 KiB`, `1.2 MiB`.
pub fn size_text(n: usize) -> String {
    if n < 1024 {
        format!("{n} B")
    } else if n < 1024 * 1024 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_image::{Attrs, Changeset, Content, Entry, Timestamp};

    fn entry(path: &str, mode: u32, kind: EntryKind) -> Entry {
        Entry {
            path: path.to_string(),
            attrs: Attrs::new(mode, 0, 0, Timestamp::from_secs(0)),
            kind,
        }
    }

    fn sample_tar() -> Vec<u8> {
        strata_image::layer::to_tar(&Changeset {
            entries: vec![
                entry("/app", 0o755, EntryKind::Dir),
                entry(
                    "/app/run.sh",
                    0o755,
                    EntryKind::File(Content::from("#!/bin/sh\necho hi\n")),
                ),
                entry("/app/data.txt", 0o644, EntryKind::File(Content::from("x"))),
                entry(
                    "/app/again.txt",
                    0o644,
                    EntryKind::Hardlink("/app/data.txt".into()),
                ),
                entry("/app/link", 0o777, EntryKind::Symlink("run.sh".into())),
            ],
        })
        .unwrap()
    }

    #[test]
    fn a_tar_unpacks_with_exec_bits() {
        for bytes in [sample_tar(), strata_image::layer::gzip(&sample_tar())] {
            let u = unpack_archive(&bytes).unwrap();
            let got: Vec<(&str, bool)> = u
                .files
                .iter()
                .map(|f| (f.path.as_str(), f.executable))
                .collect();
            assert_eq!(
                got,
                [
                    ("app/run.sh", true),
                    ("app/data.txt", false),
                    ("app/again.txt", false)
                ]
            );
            assert_eq!(u.files[2].data, b"x");
            assert_eq!(u.skipped, ["app/link (symlink)"]);
        }
    }

    #[test]
    fn not_a_tar_is_an_error() {
        assert!(unpack_archive(b"hello, this is not a tar archive at all").is_err());
        let mut gz = strata_image::layer::gzip(&sample_tar());
        gz.truncate(gz.len() / 2);
        assert!(unpack_archive(&gz).is_err());
        assert!(is_archive_name("Context.TAR.GZ"));
        assert!(is_archive_name("x.tgz"));
        assert!(!is_archive_name("notes.txt"));
    }

    #[test]
    fn upsert_rename_unique() {
        let files = vec![
            ContextFile::text("b.txt", "b"),
            ContextFile::text("d/e", "e"),
        ];
        let up = upsert(
            &files,
            vec![
                ContextFile::text("a.txt", "a"),
                ContextFile::text("b.txt", "B"),
            ],
        );
        let paths: Vec<&str> = up.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["a.txt", "b.txt", "d/e"]);
        assert_eq!(up[1].data, b"B");
        assert!(rename(&up, "a.txt", "b.txt").is_err());
        assert!(rename(&up, "a.txt", "d").is_err());
        assert!(rename(&up, "a.txt", "d/e/f").is_err());
        assert!(rename(&up, "a.txt", "../x").is_err());
        let r = rename(&up, "a.txt", "./z/a.txt").unwrap();
        assert_eq!(r.last().unwrap().path, "z/a.txt");
        assert_eq!(unique_name(&up, "a", ".txt"), "a-2.txt");
        assert_eq!(unique_name(&up, "d", ""), "d-2");
        assert_eq!(unique_name(&up, "new", ".txt"), "new.txt");
    }

    #[test]
    fn text_and_sizes() {
        assert!(is_text(b"FROM busybox\n"));
        assert!(!is_text(b"\x1f\x8b\x08\0"));
        assert!(!is_text(&[0xff, 0xfe]));
        assert_eq!(size_text(12), "12 B");
        assert_eq!(size_text(3 * 1024 + 512), "3.5 KiB");
    }
}
