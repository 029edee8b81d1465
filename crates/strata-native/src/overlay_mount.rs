//! An overlayfs mount that is unmounted when dropped: lower directories (top first in the mount options, as
//! overlayfs wants them), one upper and its work directory.
//!
//! A process that is killed runs no destructor, so the mounts are also made in a mount namespace of the
//! process's own ([`private_mounts`]): when the process dies the kernel takes them away with it, and the
//! host never sees them.

use std::path::{Path, PathBuf};

use rustix::mount::{
    mount, mount_change, unmount, MountFlags, MountPropagationFlags, UnmountFlags,
};

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

/// Moves this process into a mount namespace of its own, with every mount private (none propagates back to
/// the host), so the overlays it mounts disappear when it exits, however it exits. Only a single-threaded
/// process can do this; elsewhere (a test harness with threads) the kernel refuses and the mounts rely on
/// being dropped. Returns whether it worked.
pub fn private_mounts() -> bool {
    // SAFETY: unshare(CLONE_NEWNS) changes only which mounts this process sees; nothing in this process holds
    // state that depends on the host's mount namespace (open files stay open), and it fails with EINVAL
    // instead of doing anything when the process has other threads sharing its filesystem context.
    let unshared = unsafe { rustix::thread::unshare_unsafe(rustix::thread::UnshareFlags::NEWNS) };
    unshared.is_ok()
        && mount_change(
            "/",
            MountPropagationFlags::REC | MountPropagationFlags::PRIVATE,
        )
        .is_ok()
}
