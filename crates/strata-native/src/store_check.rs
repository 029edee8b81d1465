//! `strata system check`: the whole store read back and checked, usable after a crash.
//!
//! What is checked: the index parses; every blob's bytes still have its digest (streamed, never held in
//! memory); every image's config, manifest and layer blobs are there and agree (as many layers as
//! diff_ids); no tag names two images; no blob is left that no image references; every container's record
//! parses, names an image the store has, and a finished one has its layer; every volume a container mounts
//! exists; every unpacked layer directory is named by a ChainID and was renamed into place whole (an
//! unpack in progress has a `tmp-` name); the build caches parse; no mount under the store is left in
//! `/proc/self/mountinfo`.
//!
//! What killed processes leave (their step and import directories, unpacks, temporary files and
//! half-done removals, all named with the dead process's ID; a blob adopted just before the index was
//! written) is harmless and always safe to delete under the lock: a check removes it and says so, or, with
//! `repair` false, lists it as a problem. Each problem comes with a hint to fix it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use strata_image::digest::{chain_id, HashingWriter};
use strata_image::Digest;

use crate::atomic::TMP_PREFIX;
use crate::native_backend::alive;
use crate::{ContainerRecord, Error, Result, Store, VolumeRecord};

/// One thing wrong with the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong (names the file or object).
    pub what: String,
    /// How to fix it.
    pub hint: String,
}

/// What [`Store::check`] found.
#[derive(Clone, Debug, Default)]
pub struct CheckReport {
    /// Blobs whose digest was checked.
    pub blobs: usize,
    /// Images checked.
    pub images: usize,
    /// Unpacked layer directories.
    pub layer_dirs: usize,
    /// Of those, the ones no image's layers have (left by other stages and earlier builds; `strata system
    /// prune` removes them).
    pub unused_layer_dirs: usize,
    /// Containers checked.
    pub containers: usize,
    /// Volumes checked.
    pub volumes: usize,
    /// Leftovers of killed processes that were removed.
    pub cleaned: Vec<PathBuf>,
    /// What is wrong; empty when the store is consistent.
    pub problems: Vec<Problem>,
}

fn problem(what: impl Into<String>, hint: impl Into<String>) -> Problem {
    Problem {
        what: what.into(),
        hint: hint.into(),
    }
}

/// The process ID in a name a process made for itself: `strata-run-<pid>-<n>`, `import-<pid>-<n>`,
/// `tmp-<chain>-<pid>` (layer unpacks), `.tmp-<pid>-<n>` and `.tmp-rm-<pid>-<n>` (atomic writes, removals).
fn owner_pid(name: &str) -> Option<u32> {
    let first_number = |rest: &str| rest.split('-').next()?.parse().ok();
    if let Some(rest) = name.strip_prefix(TMP_PREFIX) {
        return first_number(rest.strip_prefix("rm-").unwrap_or(rest));
    }
    if let Some(rest) = name.strip_prefix("strata-run-") {
        return first_number(rest);
    }
    if let Some(rest) = name.strip_prefix("import-") {
        return first_number(rest);
    }
    if let Some(rest) = name.strip_prefix("tmp-") {
        return rest.rsplit('-').next()?.parse().ok();
    }
    None
}

/// Whether a name made by process `pid` is a leftover: that process is gone.
fn dead(name: &str) -> bool {
    owner_pid(name).is_some_and(|pid| pid != std::process::id() && !alive(pid))
}

/// What killed processes left under the store `root` (see the module docs).
pub(crate) fn leftovers(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut scan = |dir: PathBuf| {
        if let Ok(entries) = fs::read_dir(&dir) {
            for e in entries.flatten() {
                if dead(&e.file_name().to_string_lossy()) {
                    out.push(e.path());
                }
            }
        }
    };
    scan(root.to_path_buf());
    scan(root.join("tmp"));
    scan(root.join("layers"));
    scan(root.join("blobs").join("sha256"));
    for kind in ["containers", "volumes"] {
        scan(root.join(kind));
        if let Ok(entries) = fs::read_dir(root.join(kind)) {
            for e in entries.flatten() {
                if e.path().is_dir() {
                    scan(e.path());
                }
            }
        }
    }
    out
}

/// Removes a file or a directory tree.
pub(crate) fn remove_path(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => remove_dir_settling(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Removes a directory tree that a dying process may still be writing into: a killed build's container
/// ends on its parent's death, a moment after the build, and until then files appear while the tree is
/// removed (`Directory not empty`). Tries again for up to a second before giving up.
fn remove_dir_settling(path: &Path) -> io::Result<()> {
    let mut tries = 0;
    loop {
        match fs::remove_dir_all(path) {
            Err(e) if e.kind() == io::ErrorKind::DirectoryNotEmpty && tries < 20 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            other => return other,
        }
    }
}

/// The mount points under `root` that `/proc/self/mountinfo` lists.
pub fn mounts_under(root: &Path) -> Vec<String> {
    let root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let root = root.to_string_lossy().into_owned();
    let Ok(info) = fs::read_to_string("/proc/self/mountinfo") else {
        return Vec::new();
    };
    info.lines()
        .filter_map(|l| l.split(' ').nth(4))
        // mountinfo escapes spaces and the like as octal (`\040`).
        .map(|p| p.replace("\\040", " "))
        .filter(|p| p == &root || p.starts_with(&format!("{root}/")))
        .collect()
}

/// The records `root/<kind>/*/<file>` (containers or volumes), read without the lock (the caller holds it);
/// a directory without one (a creation that was killed) is skipped.
pub(crate) fn read_records<T: serde::de::DeserializeOwned>(
    root: &Path,
    kind: &str,
    file: &str,
) -> Result<Vec<T>> {
    let dir = root.join(kind);
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(&dir) else {
        return Ok(out);
    };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = e.path().join(file);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                ) =>
            {
                continue
            }
            Err(err) => return Err(Error::io(&path)(err)),
        };
        out.push(
            serde_json::from_slice(&bytes).map_err(|err| Error::Corrupt {
                path: path.clone(),
                reason: err.to_string(),
            })?,
        );
    }
    Ok(out)
}

/// The sha256 of a file, read in chunks.
pub(crate) fn file_digest(path: &Path) -> io::Result<Digest> {
    let mut f = File::open(path)?;
    let mut w = HashingWriter::new(io::sink());
    io::copy(&mut f, &mut w)?;
    Ok(w.finish().0)
}

impl Store {
    /// Checks the whole store (see the module docs). With `repair`, the leftovers of killed processes are
    /// removed first (under the exclusive lock) and listed in [`CheckReport::cleaned`]; without, the check
    /// changes nothing and lists them as problems. An `Err` is only for a store that cannot be read at all.
    pub fn check(&self, repair: bool) -> Result<CheckReport> {
        let _lock = self.lock(repair)?;
        let root = self.root().to_path_buf();
        let mut r = CheckReport::default();
        for path in leftovers(&root) {
            if repair {
                match remove_path(&path) {
                    Ok(()) => r.cleaned.push(path),
                    Err(e) => r.problems.push(problem(
                        format!("{}: left by a killed process, cannot be removed: {e}", path.display()),
                        "remove it by hand (a container of the killed build may still be running: `ps`)",
                    )),
                }
            } else {
                r.problems.push(problem(
                    format!("{}: left by a killed process", path.display()),
                    "`strata system check` (without --read-only) or `strata system prune` removes it",
                ));
            }
        }
        // A container or volume directory without its record: a creation killed before it wrote the record
        // (creations write it under the exclusive lock, so none is in progress while a repair holds it).
        for (kind, record) in [("containers", "container.json"), ("volumes", "volume.json")] {
            let Ok(entries) = fs::read_dir(root.join(kind)) else {
                continue;
            };
            for e in entries.flatten() {
                let path = e.path();
                let hidden = e.file_name().to_string_lossy().starts_with('.');
                if hidden || !path.is_dir() || path.join(record).exists() {
                    continue;
                }
                if repair && remove_path(&path).is_ok() {
                    r.cleaned.push(path);
                } else {
                    r.problems.push(problem(
                        format!(
                            "{}: no {record} (a creation that was killed)",
                            path.display()
                        ),
                        "`strata system check` (without --read-only) removes it",
                    ));
                }
            }
        }
        for m in mounts_under(&root) {
            r.problems.push(problem(
                format!("{m}: a mount left under the store"),
                format!("`umount {m}` (strata mounts in a namespace of its own; something else mounted it)"),
            ));
        }
        let images = match self.images_unlocked() {
            Ok(i) => i,
            Err(e) => {
                r.problems.push(problem(
                    e.to_string(),
                    "the image index cannot be read: restore images.json from a backup, or remove the store and load the images again",
                ));
                return Ok(r);
            }
        };
        r.images = images.len();
        let mut referenced: BTreeSet<String> = BTreeSet::new();
        let mut chains: BTreeSet<String> = BTreeSet::new();
        let mut tags: BTreeMap<&str, Vec<Digest>> = BTreeMap::new();
        let rmi = |rec: &crate::ImageRecord| {
            format!(
                "remove the image (`strata rmi {}`) and build or load it again",
                rec.tags
                    .first()
                    .cloned()
                    .unwrap_or_else(|| rec.id.to_string())
            )
        };
        for rec in &images {
            for t in &rec.tags {
                tags.entry(t).or_default().push(rec.id);
            }
            referenced.insert(rec.id.hex());
            referenced.insert(rec.manifest.hex());
            let img = match self.stored(rec) {
                Ok(img) => img,
                Err(e) => {
                    r.problems
                        .push(problem(format!("image {}: {e}", rec.id), rmi(rec)));
                    continue;
                }
            };
            if img.manifest.config.digest != rec.id {
                r.problems.push(problem(
                    format!(
                        "image {}: its manifest names config {}",
                        rec.id, img.manifest.config.digest
                    ),
                    rmi(rec),
                ));
            }
            let diff_ids = &img.config.rootfs.diff_ids;
            if diff_ids.len() != img.manifest.layers.len() {
                r.problems.push(problem(
                    format!(
                        "image {}: {} layers but {} diff_ids",
                        rec.id,
                        img.manifest.layers.len(),
                        diff_ids.len()
                    ),
                    rmi(rec),
                ));
            }
            for l in &img.manifest.layers {
                referenced.insert(l.digest.hex());
                if !self.blob_path(&l.digest).is_file() {
                    r.problems.push(problem(
                        format!("image {}: layer blob {} is missing", rec.id, l.digest),
                        rmi(rec),
                    ));
                }
            }
            for n in 1..=diff_ids.len() {
                if let Some(c) = chain_id(&diff_ids[..n]) {
                    chains.insert(c.hex());
                }
            }
        }
        for (tag, ids) in &tags {
            if ids.len() > 1 {
                r.problems.push(problem(
                    format!("tag {tag} names {} images", ids.len()),
                    format!("`strata tag` the image it should name as {tag} again"),
                ));
            }
        }
        self.check_blobs(&referenced, repair, &mut r);
        self.check_containers(&images, &mut r);
        self.check_layer_dirs(&chains, &mut r);
        for file in ["buildcache.json", "buildcache.native.json"] {
            let path = root.join(file);
            if let Ok(bytes) = fs::read(&path) {
                if let Err(e) =
                    serde_json::from_slice::<strata_build::cache::PersistedCache>(&bytes)
                {
                    r.problems.push(problem(
                        format!("{}: does not parse: {e}", path.display()),
                        format!(
                            "remove {} (the build cache is rebuilt by the next builds)",
                            path.display()
                        ),
                    ));
                }
            }
        }
        Ok(r)
    }

    fn check_blobs(&self, referenced: &BTreeSet<String>, repair: bool, r: &mut CheckReport) {
        let dir = self.blob_dir();
        let Ok(entries) = fs::read_dir(&dir) else {
            r.problems.push(problem(
                format!("{}: cannot be read", dir.display()),
                "check the store's permissions",
            ));
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = e.path();
            if name.starts_with(TMP_PREFIX) {
                // A write in progress by a live process (a dead one's was handled as a leftover).
                continue;
            }
            let Ok(digest) = format!("sha256:{name}").parse::<Digest>() else {
                r.problems.push(problem(
                    format!("{}: not a blob name", path.display()),
                    format!("remove {}", path.display()),
                ));
                continue;
            };
            match file_digest(&path) {
                Ok(d) if d == digest => r.blobs += 1,
                Ok(d) => r.problems.push(problem(
                    format!("{}: its content has digest {d}", path.display()),
                    "remove the images that use it (`strata rmi`) and build or load them again",
                )),
                Err(e) => r.problems.push(problem(
                    format!("{}: cannot be read: {e}", path.display()),
                    "check the disk and the store's permissions",
                )),
            }
            if !referenced.contains(&name) {
                // Adopted by an import killed before it wrote the index: nothing refers to it.
                if repair && fs::remove_file(&path).is_ok() {
                    r.cleaned.push(path);
                } else {
                    r.problems.push(problem(
                        format!("{}: no image references this blob", path.display()),
                        "`strata system check` (without --read-only) or `strata system prune` removes it",
                    ));
                }
            }
        }
        for hex in referenced {
            let path = dir.join(hex);
            if !path.is_file() && !r.problems.iter().any(|p| p.what.contains(hex.as_str())) {
                r.problems.push(problem(
                    format!("{}: a referenced blob is missing", path.display()),
                    "remove the images that use it (`strata rmi`) and build or load them again",
                ));
            }
        }
    }

    fn check_containers(&self, images: &[crate::ImageRecord], r: &mut CheckReport) {
        let root = self.root();
        let volumes: BTreeSet<String> =
            match read_records::<VolumeRecord>(root, "volumes", "volume.json") {
                Ok(v) => {
                    r.volumes = v.len();
                    v.into_iter().map(|v| v.name).collect()
                }
                Err(e) => {
                    r.problems.push(problem(
                        e.to_string(),
                        "remove the volume's directory under volumes/ (its data is lost)",
                    ));
                    BTreeSet::new()
                }
            };
        let containers = match read_records::<ContainerRecord>(root, "containers", "container.json")
        {
            Ok(c) => c,
            Err(e) => {
                r.problems.push(problem(
                    e.to_string(),
                    "remove the container's directory under containers/",
                ));
                return;
            }
        };
        r.containers = containers.len();
        for c in &containers {
            if !images.iter().any(|i| i.id == c.image_id) {
                r.problems.push(problem(
                    format!(
                        "container {} uses image {}, which the store no longer has",
                        c.name, c.image_id
                    ),
                    format!("`strata rm {}`", c.name),
                ));
            }
            let upper = root.join("containers").join(&c.id).join("upper.tar");
            if c.exit_code.is_some() && !upper.is_file() {
                r.problems.push(problem(
                    format!(
                        "container {}: finished but its layer {} is missing",
                        c.name,
                        upper.display()
                    ),
                    format!("`strata rm {}`", c.name),
                ));
            }
            for m in &c.mounts {
                if let Some(v) = &m.name {
                    if m.kind == "volume" && !volumes.contains(v) {
                        r.problems.push(problem(
                            format!(
                                "container {} mounts volume {v}, which does not exist",
                                c.name
                            ),
                            format!("`strata rm {}`", c.name),
                        ));
                    }
                }
            }
        }
    }

    fn check_layer_dirs(&self, chains: &BTreeSet<String>, r: &mut CheckReport) {
        let dir = self.root().join("layers");
        let Ok(entries) = fs::read_dir(&dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if owner_pid(&name).is_some() {
                // An unpack in progress (a dead process's was handled as a leftover).
                continue;
            }
            let path = e.path();
            let hex = name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit());
            if !hex || !path.is_dir() {
                r.problems.push(problem(
                    format!(
                        "{}: not an unpacked layer (a ChainID directory)",
                        path.display()
                    ),
                    format!("remove {}", path.display()),
                ));
                continue;
            }
            r.layer_dirs += 1;
            if !chains.contains(&name) {
                r.unused_layer_dirs += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_processes() {
        assert_eq!(owner_pid("strata-run-123-4"), Some(123));
        assert_eq!(owner_pid("import-77-0"), Some(77));
        assert_eq!(owner_pid("tmp-0123456789ab-55"), Some(55));
        assert_eq!(owner_pid(".tmp-9-2"), Some(9));
        assert_eq!(owner_pid(".tmp-rm-9-2"), Some(9));
        assert_eq!(owner_pid("0123abcd"), None);
        assert_eq!(owner_pid("images.json"), None);
    }
}
