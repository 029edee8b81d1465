//! `strata system df` and `strata system prune`: what the store holds, by docker's four kinds, and removing
//! what nothing uses.
//!
//! - Images: an image is *active* when a container uses it; sizes are the layers' (Docker's count, bytes of
//!   file contents), each layer counted once however many images share it; reclaimable is what only
//!   inactive images have.
//! - Containers: *active* until they finished (a container without an exit code is running, or was killed
//!   before it could finish); a container's size is its writable layer's file.
//! - Local Volumes: *active* when a container mounts them; a volume's size is its data file's.
//! - Build Cache: the cached steps (`buildcache*.json`) and the unpacked layer directories (`layers/`);
//!   a directory is active when a stored image has its chain; all of it is reclaimable (a build unpacks
//!   what it needs again). Its size is the unpacked directories' bytes on disk.
//!
//! Pruning removes finished containers, untagged images no container uses (`all`: every image no container
//! uses), unpacked layer directories no image has and the leftovers of killed processes (`all`: every
//! unpacked directory and the cached steps too), and with `volumes` the volumes no container mounts. Each
//! removal is the store's own (under its lock, atomic); the reclaimed space is measured on the disk. While a
//! native build runs (a live process has a step directory), the unpacked layers are left alone: its overlay
//! may be using them.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use strata_image::digest::chain_id;
use strata_image::Digest;

use crate::store_check::{leftovers, read_records, remove_path};
use crate::{ContainerRecord, Containers, Result, Store, VolumeRecord, Volumes};

/// One row of `system df`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UsageRow {
    /// How many there are.
    pub total: usize,
    /// How many are in use.
    pub active: usize,
    /// Their size in bytes.
    pub size: u64,
    /// Bytes a prune could free.
    pub reclaimable: u64,
}

/// What `system df` shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Images.
    pub images: UsageRow,
    /// Containers.
    pub containers: UsageRow,
    /// Local Volumes.
    pub volumes: UsageRow,
    /// Build Cache.
    pub build_cache: UsageRow,
}

/// What `system prune` removes (see the module docs).
#[derive(Clone, Copy, Debug, Default)]
pub struct PruneOptions {
    /// Every unused image, not only untagged ones, and all of the build cache.
    pub all: bool,
    /// Volumes no container mounts.
    pub volumes: bool,
}

/// What a prune removed.
#[derive(Clone, Debug, Default)]
pub struct Pruned {
    /// Container IDs.
    pub containers: Vec<String>,
    /// Volume names.
    pub volumes: Vec<String>,
    /// `untagged: TAG` and `deleted: sha256:…` lines, as docker prints them.
    pub images: Vec<String>,
    /// Unpacked layer ChainIDs, cached step keys and leftovers removed.
    pub build_cache: Vec<String>,
    /// Bytes freed on the disk.
    pub reclaimed: u64,
    /// Why the unpacked layers were left alone, if they were (a build is running: its overlay has them).
    pub kept_layers: Option<String>,
}

/// The process ID of a native build running now (one with a step directory under `tmp/`), if any.
fn running_build(root: &Path) -> Option<u32> {
    fs::read_dir(root.join("tmp"))
        .ok()?
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_string_lossy()
                .strip_prefix("strata-run-")?
                .split('-')
                .next()?
                .parse::<u32>()
                .ok()
        })
        .find(|pid| crate::native_backend::alive(*pid))
}

/// Bytes of the files under `path` (a file's own size for a file).
pub fn disk_usage(path: &Path) -> u64 {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return 0;
    };
    if !meta.is_dir() {
        return meta.len();
    }
    let mut total = 0;
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(_) => total += e.metadata().map_or(0, |m| m.len()),
                Err(_) => {}
            }
        }
    }
    total
}

/// Every chain (`ChainID` hex) of the images' layers.
fn image_chains(store: &Store, images: &[crate::ImageRecord]) -> BTreeSet<String> {
    let mut chains = BTreeSet::new();
    for rec in images {
        if let Ok(img) = store.stored(rec) {
            let d = &img.config.rootfs.diff_ids;
            for n in 1..=d.len() {
                if let Some(c) = chain_id(&d[..n]) {
                    chains.insert(c.hex());
                }
            }
        }
    }
    chains
}

/// The unpacked layer directories: (ChainID hex, path).
fn layer_dirs(root: &Path) -> Vec<(String, std::path::PathBuf)> {
    let Ok(entries) = fs::read_dir(root.join("layers")) else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(n, p)| n.len() == 64 && n.bytes().all(|b| b.is_ascii_hexdigit()) && p.is_dir())
        .collect()
}

/// How many steps the build caches hold.
fn cached_steps(root: &Path) -> Vec<(&'static str, usize)> {
    ["buildcache.json", "buildcache.native.json"]
        .into_iter()
        .filter_map(|f| {
            let bytes = fs::read(root.join(f)).ok()?;
            let c: strata_build::cache::PersistedCache = serde_json::from_slice(&bytes).ok()?;
            Some((f, c.results.len()))
        })
        .collect()
}

impl Store {
    /// What the store holds, as `docker system df` counts it (see the module docs).
    pub fn usage(&self) -> Result<Usage> {
        let _lock = self.lock(false)?;
        let root = self.root().to_path_buf();
        let images = self.images_unlocked()?;
        let containers: Vec<ContainerRecord> = read_records(&root, "containers", "container.json")?;
        let volumes: Vec<VolumeRecord> = read_records(&root, "volumes", "volume.json")?;
        let used: BTreeSet<Digest> = containers.iter().map(|c| c.image_id).collect();
        let mut u = Usage::default();

        // Each layer once, by diff_id; the layers active images have are not reclaimable.
        let mut layers: BTreeMap<Digest, u64> = BTreeMap::new();
        let mut active_layers: BTreeSet<Digest> = BTreeSet::new();
        for rec in &images {
            let Ok(img) = self.stored(rec) else { continue };
            let active = used.contains(&rec.id);
            u.images.active += usize::from(active);
            for (d, size) in img.config.rootfs.diff_ids.iter().zip(&rec.layer_sizes) {
                layers.insert(*d, *size);
                if active {
                    active_layers.insert(*d);
                }
            }
        }
        u.images.total = images.len();
        u.images.size = layers.values().sum();
        u.images.reclaimable = layers
            .iter()
            .filter(|(d, _)| !active_layers.contains(d))
            .map(|(_, s)| s)
            .sum();

        u.containers.total = containers.len();
        for c in &containers {
            let size = disk_usage(&root.join("containers").join(&c.id).join("upper.tar"));
            u.containers.size += size;
            if c.exit_code.is_none() {
                u.containers.active += 1;
            } else {
                u.containers.reclaimable += size;
            }
        }

        let mounted: BTreeSet<&str> = containers
            .iter()
            .flat_map(|c| c.mounts.iter().filter_map(|m| m.name.as_deref()))
            .collect();
        u.volumes.total = volumes.len();
        for v in &volumes {
            let size = disk_usage(&root.join("volumes").join(&v.name).join("data.tar"));
            u.volumes.size += size;
            if mounted.contains(v.name.as_str()) {
                u.volumes.active += 1;
            } else {
                u.volumes.reclaimable += size;
            }
        }

        let chains = image_chains(self, &images);
        let dirs = layer_dirs(&root);
        u.build_cache.total =
            dirs.len() + cached_steps(&root).iter().map(|(_, n)| n).sum::<usize>();
        for (chain, path) in &dirs {
            u.build_cache.active += usize::from(chains.contains(chain));
            u.build_cache.size += disk_usage(path);
        }
        u.build_cache.reclaimable = u.build_cache.size;
        Ok(u)
    }

    /// Removes what nothing uses (see the module docs and [`PruneOptions`]).
    pub fn prune(&self, opts: PruneOptions) -> Result<Pruned> {
        let root = self.root().to_path_buf();
        let mut out = Pruned::default();

        // Finished containers.
        let containers = Containers::open(&root)?;
        for c in containers.list()? {
            if c.exit_code.is_some() {
                let size = disk_usage(&root.join("containers").join(&c.id));
                containers.remove(&c.id)?;
                out.reclaimed += size;
                out.containers.push(c.id);
            }
        }
        let remaining = containers.list()?;

        if opts.volumes {
            let vols = Volumes::open(&root)?;
            let users: Vec<(String, Vec<String>)> = remaining
                .iter()
                .map(|c| {
                    let names = c.mounts.iter().filter_map(|m| m.name.clone()).collect();
                    (c.id.clone(), names)
                })
                .collect();
            for v in vols.list()? {
                if users.iter().any(|(_, names)| names.contains(&v.name)) {
                    continue;
                }
                let size = disk_usage(&root.join("volumes").join(&v.name));
                vols.remove(&v.name, &users)?;
                out.reclaimed += size;
                out.volumes.push(v.name);
            }
        }

        // Images: untagged ones (all: every one) that no remaining container uses.
        let used: BTreeSet<Digest> = remaining.iter().map(|c| c.image_id).collect();
        let before = disk_usage(&self.blob_dir());
        for rec in self.images()? {
            if used.contains(&rec.id) || (!opts.all && !rec.tags.is_empty()) {
                continue;
            }
            let mut refs = rec.tags.clone();
            if refs.is_empty() {
                refs.push(rec.id.to_string());
            }
            for r in refs {
                let removed = self.remove(&r)?;
                out.images
                    .extend(removed.untagged.iter().map(|t| format!("untagged: {t}")));
                if let Some(id) = removed.deleted {
                    out.images.push(format!("deleted: {id}"));
                }
            }
        }
        out.reclaimed += before.saturating_sub(disk_usage(&self.blob_dir()));

        // The build cache and what killed processes left, under the exclusive lock.
        let _lock = self.lock(true)?;
        for path in leftovers(&root) {
            let size = disk_usage(&path);
            if remove_path(&path).is_ok() {
                out.reclaimed += size;
                out.build_cache.push(path.display().to_string());
            }
        }
        let chains = image_chains(self, &self.images_unlocked()?);
        let running = running_build(&root);
        if let Some(pid) = running {
            out.kept_layers = Some(format!(
                "unpacked layers kept: a native build (process {pid}) is running on them"
            ));
        }
        for (chain, path) in layer_dirs(&root).into_iter().filter(|_| running.is_none()) {
            if !opts.all && chains.contains(&chain) {
                continue;
            }
            let size = disk_usage(&path);
            // Renamed away first (a name the leftover sweep knows), so no half-removed layer keeps its name.
            let gone =
                root.join("layers")
                    .join(format!("tmp-{}-{}", &chain[..12], std::process::id()));
            if fs::rename(&path, &gone).is_ok() {
                let _ = fs::remove_dir_all(&gone);
                out.reclaimed += size;
                out.build_cache.push(chain);
            }
        }
        if opts.all {
            for (file, n) in cached_steps(&root) {
                let path = root.join(file);
                let size = disk_usage(&path);
                if fs::remove_file(&path).is_ok() {
                    out.reclaimed += size;
                    out.build_cache.push(format!("{file} ({n} steps)"));
                }
            }
        }
        Ok(out)
    }
}
