//! An overlayfs mount that is unmounted when dropped: lower directories (top first in the mount options, as
//! overlayfs wants them), one upper and its work directory.

use std::path::{Path, PathBuf};

use rustix::mount::{mount, unmount, MountFlags, UnmountFlags};

use crate::error::{Error, Result};

/// A mounted overlay; dropping it unmounts it (lazily, so a process still holding a file cannot keep it).
pub struct OverlayMount {
    target: PathBuf,
}

impl OverlayMount {
    /// Mounts `lowers` (base first) with `upper` and `work` on `target`.
    pub fn mount(
        lowers: &[PathBuf],
        upper: &Path,
        work: &Path,
        target: &Path,
    ) -> Result<OverlayMount> {
        let lowerdir: Vec<String> = lowers
            .iter()
            .rev()
            .map(|p| p.display().to_string())
            .collect();
        let options = format!(
            "lowerdir={},upperdir={},workdir={}",
            lowerdir.join(":"),
            upper.display(),
            work.display()
        );
        let data = std::ffi::CString::new(options)
            .map_err(|_| Error::Runtime("a layer path with a NUL byte".to_owned()))?;
        mount("overlay", target, "overlay", MountFlags::empty(), Some(data.as_c_str())).map_err(|e| {
            Error::Runtime(format!(
                "mounting the overlay on {} failed: {e} (the native backend needs root and overlayfs)",
                target.display()
            ))
        })?;
        Ok(OverlayMount {
            target: target.to_path_buf(),
        })
    }

    /// Where it is mounted.
    pub fn target(&self) -> &Path {
        &self.target
    }
}

impl Drop for OverlayMount {
    fn drop(&mut self) {
        let _ = unmount(&self.target, UnmountFlags::DETACH);
    }
}
