//! What a container wrote, read back from its overlay upper directory into the engine's [`Overlay`]: overlay
//! whiteouts (0/0 character devices) become removals, an opaque directory (`trusted.overlay.opaque=y`)
//! hides what was below it, everything else is created or replaced with its mode, owner, mtime and xattrs;
//! files with several names in the upper directory stay hard links. The engine then computes the layer from
//! the overlay, as it does for the simulator.
//!
//! File contents are not read: each file becomes [`strata_image::Content::external`] content pointing at the
//! file in the upper directory (`host_file`), which stays on the disk while the engine holds it, so a layer
//! streams from the disk and memory does not grow with what the step wrote.

use std::collections::HashMap;
use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;
use std::sync::Arc;

use rustix::fs as rfs;
use strata_image::{Attrs, NodeKind, Overlay, Timestamp};

use crate::error::{Error, Result};
use crate::host_file::{HostFile, KeptDir};
use crate::unpack::OPAQUE_XATTR;

/// Applies everything in `upper` to `fs`; the files' contents stay in `upper`, which `kept` keeps (and
/// removes when the last content is dropped). With `None` (a container's upper or a volume's directory, which
/// outlive the call) the contents are read into memory.
pub fn apply_upper(upper: &Path, fs: &mut Overlay, kept: Option<&Arc<KeptDir>>) -> Result<()> {
    let mut links: HashMap<(u64, u64), String> = HashMap::new();
    walk(upper, "", fs, &mut links, kept)?;
    // The root directory's own attributes.
    let meta = fs::symlink_metadata(upper).map_err(io(upper))?;
    set_attrs(fs, "/", &attrs_of(upper, &meta)?)?;
    Ok(())
}

fn walk(
    dir: &Path,
    rel: &str,
    fs: &mut Overlay,
    links: &mut HashMap<(u64, u64), String>,
    kept: Option<&Arc<KeptDir>>,
) -> Result<()> {
    let mut names: Vec<_> = fs::read_dir(dir)
        .map_err(io(dir))?
        .map(|e| e.map(|e| e.file_name()))
        .collect::<std::io::Result<_>>()
        .map_err(io(dir))?;
    names.sort();
    for name in names {
        let host = dir.join(&name);
        let path = format!("{rel}/{}", name.to_string_lossy());
        let meta = fs::symlink_metadata(&host).map_err(io(&host))?;
        let ft = meta.file_type();
        let now = mtime_of(&meta);
        if ft.is_char_device() && meta.rdev() == 0 {
            if fs.lstat(&path).is_ok() {
                fs.remove_all(&path, now).map_err(image(&path))?;
            }
            continue;
        }
        let attrs = attrs_of(&host, &meta)?;
        if ft.is_dir() {
            let opaque = rfs::lgetxattr(&host, OPAQUE_XATTR, &mut [0u8; 4]).is_ok_and(|n| n == 1)
                || rfs::lgetxattr(&host, "user.overlay.opaque", &mut [0u8; 4])
                    .is_ok_and(|n| n == 1);
            match fs.lstat(&path) {
                Ok(st) if st.kind == NodeKind::Dir && !opaque => set_attrs(fs, &path, &attrs)?,
                Ok(_) => {
                    fs.remove_all(&path, now).map_err(image(&path))?;
                    fs.mkdir(&path, attrs.clone()).map_err(image(&path))?;
                }
                Err(_) => fs.mkdir(&path, attrs.clone()).map_err(image(&path))?,
            }
            walk(&host, &path, fs, links, kept)?;
            // Creating the children moved the directory's time.
            fs.set_mtime(&path, attrs.mtime).map_err(image(&path))?;
            continue;
        }
        if fs.lstat(&path).is_ok() {
            fs.remove_all(&path, now).map_err(image(&path))?;
        }
        if ft.is_file() {
            if meta.nlink() > 1 {
                let key = (meta.dev(), meta.ino());
                if let Some(first) = links.get(&key) {
                    fs.link(first, &path, now).map_err(image(&path))?;
                    continue;
                }
                links.insert(key, path.clone());
            }
            let content = match kept {
                Some(kept) => HostFile::content(host.clone(), meta.len(), kept),
                None => strata_image::Content::from(fs::read(&host).map_err(io(&host))?),
            };
            fs.write(&path, content, attrs.clone(), now)
                .map_err(image(&path))?;
            set_attrs(fs, &path, &attrs)?;
        } else if ft.is_symlink() {
            let target = fs::read_link(&host).map_err(io(&host))?;
            let kind = NodeKind::Symlink(target.to_string_lossy().into_owned());
            fs.create(&path, attrs, kind).map_err(image(&path))?;
        } else {
            let (major, minor) = (rfs::major(meta.rdev()), rfs::minor(meta.rdev()));
            let kind = if ft.is_char_device() {
                NodeKind::CharDevice { major, minor }
            } else if ft.is_block_device() {
                NodeKind::BlockDevice { major, minor }
            } else if ft.is_fifo() {
                NodeKind::Fifo
            } else {
                // A socket is not part of a layer (Docker's tar writer skips it too).
                continue;
            };
            fs.create(&path, attrs, kind).map_err(image(&path))?;
        }
    }
    Ok(())
}

fn set_attrs(fs: &mut Overlay, path: &str, a: &Attrs) -> Result<()> {
    let st = fs.lstat(path).map_err(image(path))?;
    if st.attrs.mode != a.mode {
        fs.set_mode(path, a.mode).map_err(image(path))?;
    }
    if (st.attrs.uid, st.attrs.gid) != (a.uid, a.gid) {
        fs.set_owner(path, a.uid, a.gid).map_err(image(path))?;
    }
    for (k, v) in &a.xattrs {
        if st.attrs.xattrs.get(k) != Some(v) {
            fs.set_xattr(path, k, v).map_err(image(path))?;
        }
    }
    if st.attrs.mtime != a.mtime {
        fs.set_mtime(path, a.mtime).map_err(image(path))?;
    }
    Ok(())
}

fn mtime_of(meta: &fs::Metadata) -> Timestamp {
    Timestamp {
        secs: meta.mtime(),
        nanos: u32::try_from(meta.mtime_nsec()).unwrap_or(0),
    }
}

/// Mode, owner, mtime and the xattrs a layer keeps (not overlayfs's own `trusted.overlay.*`).
fn attrs_of(host: &Path, meta: &fs::Metadata) -> Result<Attrs> {
    let mut a = Attrs::new(meta.mode() & 0o7777, meta.uid(), meta.gid(), mtime_of(meta));
    let mut names = vec![0u8; 4096];
    // No xattr support on this filesystem: nothing to keep.
    let n = rfs::llistxattr(host, &mut names).unwrap_or_default();
    for key in names[..n].split(|b| *b == 0).filter(|k| !k.is_empty()) {
        let key = String::from_utf8_lossy(key).into_owned();
        if key.starts_with("trusted.overlay.") || key.starts_with("user.overlay.") {
            continue;
        }
        let mut value = vec![0u8; 65536];
        if let Ok(len) = rfs::lgetxattr(host, key.as_str(), &mut value) {
            value.truncate(len);
            a.xattrs.insert(key, value);
        }
    }
    Ok(a)
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn image(path: &str) -> impl Fn(strata_image::Error) -> Error + '_ {
    move |e| Error::Runtime(format!("applying {path} from the container: {e}"))
}
