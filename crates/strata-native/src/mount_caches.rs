//! The content of `RUN --mount=type=cache` mounts, kept in the store between builds:
//! `mount-caches[.native]/<sha256 of the id>.tar` (the files as a layer tar) beside `<…>.id` (the id), each
//! written atomically. The native backend keeps its own, as it keeps its own build cache: files a simulated
//! step wrote must not feed a real one.

use std::fs;
use std::path::PathBuf;
use std::sync::Arc;

use strata_build::Cache;
use strata_image::layer::{read_layer, ReadLimits};

use crate::store::described;
use strata_image::{diff, Attrs, Digest, Tree};

use crate::atomic::write_atomic;
use crate::{Error, Result, Store};

/// The cache mounts of a store.
#[derive(Debug, Clone)]
pub struct MountCaches {
    dir: PathBuf,
}

impl MountCaches {
    /// The simulator's (`native` false) or the native backend's cache mounts of `store`.
    pub fn of(store: &Store, native: bool) -> MountCaches {
        let name = if native {
            "mount-caches.native"
        } else {
            "mount-caches"
        };
        MountCaches {
            dir: store.root().join(name),
        }
    }

    /// Puts every saved cache mount into `cache`. Unreadable entries are skipped: a cache mount may be empty.
    pub fn load_into(&self, cache: &mut Cache) {
        let Ok(rd) = fs::read_dir(&self.dir) else {
            return;
        };
        for e in rd.flatten() {
            let path = e.path();
            if path.extension().is_none_or(|x| x != "id") {
                continue;
            }
            let (Ok(id), Ok(tar)) = (
                fs::read_to_string(&path),
                fs::read(path.with_extension("tar")),
            ) else {
                continue;
            };
            let Ok(layer) = read_layer(&tar, &ReadLimits::DEFAULT) else {
                continue;
            };
            let mut tree = Tree::with_root(Attrs::new(0o755, 0, 0, Default::default()));
            if layer.apply(&mut tree).is_ok() {
                cache.put_mount_cache(id, Arc::new(tree));
            }
        }
    }

    /// Writes each cache mount of `cache` whose content changed.
    pub fn save_from(&self, cache: &Cache) -> Result<()> {
        for (id, tree) in cache.mount_caches() {
            let name = Digest::of(id.as_bytes()).hex();
            let empty = Tree::with_root(tree.lstat("/").map(|s| s.attrs).unwrap_or_default());
            let tar = described(&diff(&empty, tree)).map_err(|source| Error::BadImage {
                what: format!("cache mount {id}"),
                source,
            })?;
            let tar_name = format!("{name}.tar");
            if fs::read(self.dir.join(&tar_name)).is_ok_and(|old| old == tar) {
                continue;
            }
            fs::create_dir_all(&self.dir).map_err(Error::io(&self.dir))?;
            write_atomic(&self.dir, &tar_name, &tar)?;
            write_atomic(&self.dir, &format!("{name}.id"), id.as_bytes())?;
        }
        Ok(())
    }
}
