//! A layer written out as a directory overlayfs can use as a lower or upper layer: files, directories,
//! links and devices with their modes, owners, times and xattrs; OCI whiteouts (`.wh.NAME`) become overlay
//! whiteouts (a 0/0 character device named NAME) and opaque markers the `trusted.overlay.opaque=y` xattr.
//!
//! The changeset was checked when it was read (no `..`, no absolute or escaping names: `strata_image::layer`
//! refuses them), and every path here is joined under the target directory component by component, never
//! following a symlink the layer itself created (parents are opened as written, and a symlink in a parent
//! position is refused).

use std::fs;
use std::io::Write;
use std::os::unix::fs::{symlink, DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use rustix::fs::{self as rfs, AtFlags, FileType, Mode, Timespec, Timestamps, XattrFlags, CWD};
use strata_image::{Attrs, Timestamp};
use strata_image::{Changeset, EntryKind};

use crate::error::{Error, Result};

/// The xattr overlayfs reads to know a directory hides the lower layers' children (as root).
pub const OPAQUE_XATTR: &str = "trusted.overlay.opaque";

/// Writes `layer` into the directory `dir` (which exists), in overlayfs's upper-layer form.
pub fn write_layer(dir: &Path, layer: &Changeset) -> Result<()> {
    // Directory times are set last: creating their children would change them again.
    let mut dir_times: Vec<(PathBuf, Timestamp)> = Vec::new();
    for e in &layer.entries {
        let path = under(dir, &e.path)?;
        let io = |err: std::io::Error| Error::Io {
            path: path.clone(),
            source: err,
        };
        match &e.kind {
            EntryKind::Dir => {
                if path != dir {
                    ensure_parent(dir, &path)?;
                    match fs::symlink_metadata(&path) {
                        Ok(m) if m.is_dir() => {}
                        Ok(_) => {
                            fs::remove_file(&path).map_err(io)?;
                            fs::DirBuilder::new()
                                .mode(0o700)
                                .create(&path)
                                .map_err(io)?;
                        }
                        Err(_) => fs::DirBuilder::new()
                            .mode(0o700)
                            .create(&path)
                            .map_err(io)?,
                    }
                }
                set_attrs(&path, &e.attrs, false)?;
                dir_times.push((path, e.attrs.mtime));
            }
            EntryKind::File(content) => {
                ensure_parent(dir, &path)?;
                replace(&path)?;
                let mut f = fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(&path)
                    .map_err(io)?;
                match crate::host_file::HostFile::path_of(content) {
                    // A file a RUN step wrote: the kernel copies it (copy_file_range).
                    Some(src) => {
                        let mut from = fs::File::open(src).map_err(|source| Error::Io {
                            path: src.to_path_buf(),
                            source,
                        })?;
                        std::io::copy(&mut from, &mut f).map_err(io)?;
                    }
                    None => {
                        std::io::copy(&mut content.reader(), &mut f).map_err(io)?;
                    }
                }
                f.flush().map_err(io)?;
                drop(f);
                set_attrs(&path, &e.attrs, false)?;
            }
            EntryKind::Symlink(target) => {
                ensure_parent(dir, &path)?;
                replace(&path)?;
                symlink(target, &path).map_err(io)?;
                set_attrs(&path, &e.attrs, true)?;
            }
            EntryKind::Hardlink(target) => {
                ensure_parent(dir, &path)?;
                replace(&path)?;
                let existing = under(dir, target)?;
                fs::hard_link(&existing, &path).map_err(io)?;
            }
            EntryKind::CharDevice { major, minor } => {
                ensure_parent(dir, &path)?;
                replace(&path)?;
                mknod(&path, FileType::CharacterDevice, *major, *minor)?;
                set_attrs(&path, &e.attrs, false)?;
            }
            EntryKind::BlockDevice { major, minor } => {
                ensure_parent(dir, &path)?;
                replace(&path)?;
                mknod(&path, FileType::BlockDevice, *major, *minor)?;
                set_attrs(&path, &e.attrs, false)?;
            }
            EntryKind::Fifo => {
                ensure_parent(dir, &path)?;
                replace(&path)?;
                mknod(&path, FileType::Fifo, 0, 0)?;
                set_attrs(&path, &e.attrs, false)?;
            }
            EntryKind::Whiteout => {
                ensure_parent(dir, &path)?;
                replace(&path)?;
                mknod(&path, FileType::CharacterDevice, 0, 0)?;
            }
            EntryKind::Opaque => {
                if path != dir {
                    ensure_parent(dir, &path)?;
                    if fs::symlink_metadata(&path).is_err() {
                        fs::DirBuilder::new()
                            .mode(0o755)
                            .create(&path)
                            .map_err(io)?;
                    }
                }
                rfs::lsetxattr(&path, OPAQUE_XATTR, b"y", XattrFlags::empty()).map_err(|e| {
                    Error::Io {
                        path: path.clone(),
                        source: e.into(),
                    }
                })?;
            }
        }
    }
    for (path, mtime) in dir_times.iter().rev() {
        set_times(path, *mtime, false)?;
    }
    Ok(())
}

/// `path` (absolute inside the layer) under `dir`, refusing `..` and empty components.
fn under(dir: &Path, path: &str) -> Result<PathBuf> {
    let mut out = dir.to_path_buf();
    for part in path.split('/').filter(|p| !p.is_empty() && *p != ".") {
        if part == ".." {
            return Err(Error::Unsafe {
                path: path.to_owned(),
                reason: "a layer path with `..`".to_owned(),
            });
        }
        out.push(part);
    }
    Ok(out)
}

/// Creates the missing parents of `path` (0755, root-owned, as a tar extractor does) and refuses a parent
/// that is a symlink, so nothing is ever written outside `root`.
fn ensure_parent(root: &Path, path: &Path) -> Result<()> {
    let parent = path.parent().unwrap_or(root);
    let rel = parent.strip_prefix(root).unwrap_or(Path::new(""));
    let mut at = root.to_path_buf();
    for c in rel.components() {
        at.push(c);
        match fs::symlink_metadata(&at) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(Error::Unsafe {
                    path: at.display().to_string(),
                    reason: "a parent directory of a layer entry is not a directory".to_owned(),
                })
            }
            Err(_) => fs::DirBuilder::new()
                .mode(0o755)
                .create(&at)
                .map_err(|e| Error::Io {
                    path: at.clone(),
                    source: e,
                })?,
        }
    }
    Ok(())
}

/// Removes what is at `path` (a later entry of the same name replaces it); a directory is removed whole.
fn replace(path: &Path) -> Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(_) => Ok(()),
    }
    .map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })
}

fn mknod(path: &Path, kind: FileType, major: u32, minor: u32) -> Result<()> {
    rfs::mknodat(
        CWD,
        path,
        kind,
        Mode::from_raw_mode(0o600),
        rfs::makedev(major, minor),
    )
    .map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e.into(),
    })
}

/// Owner, mode, xattrs and mtime of `path` (for a symlink, of the link itself; its mode is not settable).
fn set_attrs(path: &Path, a: &Attrs, link: bool) -> Result<()> {
    let io = |e: rustix::io::Errno| Error::Io {
        path: path.to_path_buf(),
        source: e.into(),
    };
    rfs::chownat(
        CWD,
        path,
        Some(rfs::Uid::from_raw(a.uid)),
        Some(rfs::Gid::from_raw(a.gid)),
        AtFlags::SYMLINK_NOFOLLOW,
    )
    .map_err(io)?;
    if !link {
        // After chown: changing the owner clears setuid and setgid.
        rfs::chmod(path, Mode::from_raw_mode(a.mode & 0o7777)).map_err(io)?;
    }
    for (k, v) in &a.xattrs {
        rfs::lsetxattr(path, k.as_str(), v, XattrFlags::empty()).map_err(io)?;
    }
    set_times(path, a.mtime, link)
}

fn set_times(path: &Path, t: Timestamp, _link: bool) -> Result<()> {
    let ts = Timespec {
        tv_sec: t.secs,
        tv_nsec: i64::from(t.nanos),
    };
    rfs::utimensat(
        CWD,
        path,
        &Timestamps {
            last_access: ts,
            last_modification: ts,
        },
        AtFlags::SYMLINK_NOFOLLOW,
    )
    .map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e.into(),
    })
}

/// Flushes everything under `dir` to the disk (one `syncfs(2)` of its filesystem: a layer of thousands of
/// files would take as many journal commits with an fsync each). Before an unpacked layer is renamed into
/// place, so that what has the layer's name is whole even after a power loss, not only after a kill.
pub fn sync_tree(dir: &Path) -> Result<()> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let d = fs::File::open(dir).map_err(io)?;
    rfs::syncfs(&d).map_err(|e| io(e.into()))
}
