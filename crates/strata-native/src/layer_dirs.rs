//! Layers unpacked on disk, once each, shared by every image and build that has them: `layers/<ChainID>/`
//! holds the layer whose chain (the layer and everything below it) has that ChainID, in overlayfs's form
//! (`unpack`). A layer is unpacked into a temporary directory, flushed to the disk (`unpack::sync_tree`) and
//! renamed into place, so a killed process or a power loss leaves either a whole layer or none (the temporary directory of a process that is gone is swept when the layers are next opened).

use std::fs;
use std::path::{Path, PathBuf};

use strata_build::Layer;
use strata_image::digest::chain_id;

use crate::error::{Error, Result};
use crate::unpack::{sync_tree, write_layer};

/// The unpacked layers of a store.
pub struct LayerDirs {
    dir: PathBuf,
}

impl LayerDirs {
    /// The unpacked layers under the store `root`.
    pub fn open(root: &Path) -> Result<LayerDirs> {
        let dir = root.join("layers");
        fs::create_dir_all(&dir).map_err(|source| Error::Io {
            path: dir.clone(),
            source,
        })?;
        // What a killed unpack left: `tmp-<chain>-<pid>` of a process that is gone.
        if let Ok(entries) = fs::read_dir(&dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let pid = name
                    .strip_prefix("tmp-")
                    .and_then(|r| r.rsplit('-').next())
                    .and_then(|p| p.parse::<u32>().ok());
                if let Some(pid) = pid {
                    if pid != std::process::id() && !crate::native_backend::alive(pid) {
                        let _ = fs::remove_dir_all(e.path());
                    }
                }
            }
        }
        Ok(LayerDirs { dir })
    }

    /// The directories of `layers` (base first), unpacking those that are not on disk yet.
    pub fn ensure(&self, layers: &[Layer]) -> Result<Vec<PathBuf>> {
        let mut diff_ids = Vec::new();
        let mut dirs = Vec::new();
        for layer in layers {
            diff_ids.push(layer.diff_id);
            let Some(chain) = chain_id(&diff_ids) else {
                continue;
            };
            let dir = self.dir.join(chain.hex());
            if !dir.is_dir() {
                let tmp =
                    self.dir
                        .join(format!("tmp-{}-{}", &chain.hex()[..12], std::process::id()));
                let _ = fs::remove_dir_all(&tmp);
                fs::create_dir(&tmp).map_err(|source| Error::Io {
                    path: tmp.clone(),
                    source,
                })?;
                if let Err(e) = write_layer(&tmp, &layer.changeset).and_then(|()| sync_tree(&tmp)) {
                    let _ = fs::remove_dir_all(&tmp);
                    return Err(e);
                }
                match fs::rename(&tmp, &dir) {
                    Ok(()) => crate::atomic::sync_dir(&self.dir)?,
                    // Another process unpacked it first: theirs is as good.
                    Err(_) if dir.is_dir() => {
                        let _ = fs::remove_dir_all(&tmp);
                    }
                    Err(source) => {
                        let _ = fs::remove_dir_all(&tmp);
                        return Err(Error::Io { path: dir, source });
                    }
                }
            }
            dirs.push(dir);
        }
        Ok(dirs)
    }
}
