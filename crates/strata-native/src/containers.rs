//! Containers: created (their name and ID reserved) before anything runs, then finished with how the process
//! ended and its writable layer, so `ps`, `diff`, `commit` and `rm` work as docker's do.
//!
//! Layout under the store's root:
//!
//! ```text
//! containers/<id>/container.json   the record; a directory without one is a creation that was killed
//! containers/<id>/upper.tar        the container layer as a layer tar, once the container finished
//!                                  (the simulator's containers)
//! containers/<id>/upper/           the container layer as overlayfs left it (native containers, with their
//!                                  init layer and work directory beside it: `container_run`)
//! ```
//!
//! Every change holds the store's exclusive lock ([`crate::lock`]) and writes through the crate's one atomic
//! write; reads hold the shared lock. Creating checks that the name is free and records the container in one
//! critical section, so two `run`s can never take the same name, and a name in use is refused before the
//! process starts. A process killed at any point leaves a store that reads back: at worst a container that
//! never finished (shown as created), or a half-made directory the next creation sweeps away.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use strata_image::image::ContainerConfig;
use strata_image::layer::{read_tar, ReadLimits};

use crate::store::described;
use strata_image::{Changeset, Digest};

use crate::atomic::{sync_dir, unique_suffix, write_atomic, TMP_PREFIX};
use crate::lock::lock;
use crate::{names, random, Error, Result};

const RECORD: &str = "container.json";
const UPPER: &str = "upper.tar";

/// How many generated names are tried before falling back to the short ID (docker's count).
const NAME_TRIES: u32 = 6;

/// One container.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContainerRecord {
    /// 64 hex digits.
    pub id: String,
    /// Its name (`--name`, or a generated one), without docker's leading `/`.
    pub name: String,
    /// The image as the user named it.
    pub image: String,
    /// The image's ID.
    pub image_id: Digest,
    /// The argv it ran (empty until it finished).
    pub command: Vec<String>,
    /// When it was created (RFC 3339).
    pub created: String,
    /// Its exit code, once it ran.
    pub exit_code: Option<i32>,
    /// Which backend ran it.
    pub backend: String,
    /// The config Docker keeps for it: the image's with the run's `Cmd`, `Entrypoint`, `Env`, `User` and
    /// `WorkingDir` (`strata_build::run::container_config`); what `commit` makes the image's config. Absent in
    /// records written before it was kept, and until the container ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ContainerConfig>,
    /// Its mounts (volumes and host directories), sorted by destination; empty in older records.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mounts: Vec<MountRecord>,
}

/// One mount of a container, as `docker inspect` lists it in `Mounts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MountRecord {
    /// `volume` or `bind`.
    pub kind: String,
    /// The volume's name (none for a bind).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The host path of a bind, or the volume's name.
    pub source: String,
    /// The path in the container, as given.
    pub destination: String,
    /// The mode as given (`ro`, `z`, …; empty when none).
    pub mode: String,
    /// Read-write (not `:ro`).
    pub rw: bool,
    /// An anonymous volume (removed by `run --rm` and `rm -v`).
    pub anonymous: bool,
}

/// What [`Containers::create`] needs to know about a new container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewContainer {
    /// `--name`; `None` generates one.
    pub name: Option<String>,
    /// The image as the user named it.
    pub image: String,
    /// The image's ID.
    pub image_id: Digest,
    /// When it is created (RFC 3339, the caller's clock).
    pub created: String,
    /// Which backend runs it.
    pub backend: String,
}

/// The containers under a store root.
#[derive(Debug, Clone)]
pub struct Containers {
    root: PathBuf,
    dir: PathBuf,
}

impl Containers {
    /// The containers of the store at `root`.
    pub fn open(root: &Path) -> Result<Containers> {
        let dir = root.join("containers");
        fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
        Ok(Containers {
            root: root.to_path_buf(),
            dir,
        })
    }

    /// Creates a container before it runs: a random ID, and its name reserved, under the store's lock. A
    /// name given is checked ([`Error::InvalidName`]) and must be free ([`Error::NameInUse`]); without one,
    /// docker's way is followed: a random `adjective_surname`, then up to five more with a random digit
    /// appended while the name is taken, then the short ID. The record has no exit code until
    /// [`Containers::finish`].
    pub fn create(&self, new: NewContainer) -> Result<ContainerRecord> {
        self.create_with(new, &mut names::generate)
    }

    /// [`Containers::create`] with the name generator given (`retry` → a name).
    fn create_with(
        &self,
        new: NewContainer,
        generate: &mut dyn FnMut(u32) -> Result<String>,
    ) -> Result<ContainerRecord> {
        if let Some(n) = &new.name {
            if !names::valid(n) {
                return Err(Error::InvalidName(n.clone()));
            }
        }
        let _lock = lock(&self.root, true)?;
        self.sweep();
        let all = self.list_unlocked()?;
        let owner = |name: &str| all.iter().find(|c| c.name == name).map(|c| c.id.clone());
        let mut id = random::hex::<32>()?;
        while all.iter().any(|c| c.id == id) {
            id = random::hex::<32>()?;
        }
        let name = match &new.name {
            Some(n) => {
                let n = n.strip_prefix('/').unwrap_or(n).to_owned();
                if let Some(other) = owner(&n) {
                    return Err(Error::NameInUse { name: n, id: other });
                }
                n
            }
            None => {
                let mut found = None;
                for retry in 0..NAME_TRIES {
                    let n = generate(retry)?;
                    if owner(&n).is_none() {
                        found = Some(n);
                        break;
                    }
                }
                found.unwrap_or_else(|| id[..12].to_owned())
            }
        };
        let rec = ContainerRecord {
            id: id.clone(),
            name,
            image: new.image,
            image_id: new.image_id,
            command: Vec::new(),
            created: new.created,
            exit_code: None,
            backend: new.backend,
            config: None,
            mounts: Vec::new(),
        };
        let dir = self.dir.join(&id);
        fs::create_dir(&dir).map_err(Error::io(&dir))?;
        write_record(&dir, &rec)?;
        sync_dir(&self.dir)?;
        Ok(rec)
    }

    /// The container's directory (where a native container keeps its overlay directories).
    pub fn dir(&self, rec: &ContainerRecord) -> PathBuf {
        self.dir.join(&rec.id)
    }

    /// Records how a created native container ended (`rec` with its command and exit code); its layer is
    /// its upper directory, already in place. A container removed meanwhile stays removed.
    pub fn finish_in_place(&self, rec: &ContainerRecord) -> Result<()> {
        let dir = self.dir.join(&rec.id);
        let _lock = lock(&self.root, true)?;
        if !dir.join(RECORD).is_file() {
            return Ok(());
        }
        write_record(&dir, rec)
    }

    /// A container's writable layer over the image's flattened files `lower`: a native container's upper
    /// directory read back ([`crate::read_upper`]), else the simulator's [`Containers::upper`].
    pub fn layer(&self, rec: &ContainerRecord, lower: &strata_image::Tree) -> Result<Changeset> {
        let upper = self.dir.join(&rec.id).join("upper");
        if upper.is_dir() {
            let _lock = lock(&self.root, false)?;
            return crate::container_run::read_upper(&upper, lower);
        }
        self.upper(rec)
    }

    /// Records how a created container ended (`rec` with its command and exit code) and its writable layer:
    /// the layer first, then the record. A container removed meanwhile stays removed.
    pub fn finish(&self, rec: &ContainerRecord, upper: &Changeset) -> Result<()> {
        let dir = self.dir.join(&rec.id);
        let tar = described(upper).map_err(|e| Error::Corrupt {
            path: dir.join(UPPER),
            reason: e.to_string(),
        })?;
        let _lock = lock(&self.root, true)?;
        if !dir.join(RECORD).is_file() {
            return Ok(());
        }
        write_atomic(&dir, UPPER, &tar)?;
        write_record(&dir, rec)
    }

    /// Every container, newest first.
    pub fn list(&self) -> Result<Vec<ContainerRecord>> {
        let _lock = lock(&self.root, false)?;
        self.list_unlocked()
    }

    fn list_unlocked(&self) -> Result<Vec<ContainerRecord>> {
        let mut out = Vec::new();
        for e in fs::read_dir(&self.dir).map_err(Error::io(&self.dir))? {
            let e = e.map_err(Error::io(&self.dir))?;
            if e.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let path = e.path().join(RECORD);
            let bytes = match fs::read(&path) {
                Ok(b) => b,
                // A creation that was killed before its record was written.
                Err(err)
                    if matches!(err.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) =>
                {
                    continue
                }
                Err(err) => return Err(Error::io(&path)(err)),
            };
            let rec: ContainerRecord =
                serde_json::from_slice(&bytes).map_err(|err| Error::Corrupt {
                    path: path.clone(),
                    reason: err.to_string(),
                })?;
            out.push(rec);
        }
        out.sort_by(|a, b| b.created.cmp(&a.created).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    /// The container with this name (a leading `/` allowed), ID or unique ID prefix.
    pub fn find(&self, reference: &str) -> Result<ContainerRecord> {
        find_in(&self.list()?, reference)
    }

    /// A container's writable layer (empty for one that never finished).
    pub fn upper(&self, rec: &ContainerRecord) -> Result<Changeset> {
        let path = self.dir.join(&rec.id).join(UPPER);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == ErrorKind::NotFound && rec.exit_code.is_none() => {
                return Ok(Changeset::default())
            }
            Err(e) => return Err(Error::io(&path)(e)),
        };
        read_tar(bytes.as_slice(), &ReadLimits::DEFAULT).map_err(|e| Error::Corrupt {
            path,
            reason: e.to_string(),
        })
    }

    /// Removes a container: its directory is renamed away (atomically) and then deleted.
    pub fn remove(&self, reference: &str) -> Result<ContainerRecord> {
        let _lock = lock(&self.root, true)?;
        let rec = find_in(&self.list_unlocked()?, reference)?;
        let dir = self.dir.join(&rec.id);
        let gone = self.dir.join(format!("{TMP_PREFIX}rm-{}", unique_suffix()));
        fs::rename(&dir, &gone).map_err(Error::io(&dir))?;
        sync_dir(&self.dir)?;
        fs::remove_dir_all(&gone).map_err(Error::io(&gone))?;
        Ok(rec)
    }

    /// Deletes what killed processes left: removals not finished, creations without a record, temporary
    /// files of interrupted writes. Call with the exclusive lock held; best effort.
    fn sweep(&self) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            let leftover = e.file_name().to_string_lossy().starts_with(TMP_PREFIX)
                || (path.is_dir() && !path.join(RECORD).exists());
            if leftover {
                let _ = fs::remove_dir_all(&path).or_else(|_| fs::remove_file(&path));
            } else if let Ok(inner) = fs::read_dir(&path) {
                for f in inner.flatten() {
                    if f.file_name().to_string_lossy().starts_with(TMP_PREFIX) {
                        let _ = fs::remove_file(f.path());
                    }
                }
            }
        }
    }
}

fn write_record(dir: &Path, rec: &ContainerRecord) -> Result<()> {
    let mut json = serde_json::to_vec_pretty(rec).map_err(|e| Error::Corrupt {
        path: dir.join(RECORD),
        reason: e.to_string(),
    })?;
    json.push(b'\n');
    write_atomic(dir, RECORD, &json)
}

fn find_in(all: &[ContainerRecord], reference: &str) -> Result<ContainerRecord> {
    let name = reference.strip_prefix('/').unwrap_or(reference);
    if let Some(c) = all.iter().find(|c| c.name == name || c.id == reference) {
        return Ok(c.clone());
    }
    let matches: Vec<&ContainerRecord> = all
        .iter()
        .filter(|c| !reference.is_empty() && c.id.starts_with(reference))
        .collect();
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        _ => Err(Error::Container(format!("No such container: {reference}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct TempDir(PathBuf);

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn new() -> NewContainer {
        NewContainer {
            name: None,
            image: "busybox".to_owned(),
            image_id: Digest::of(b"config"),
            created: "2024-01-01T00:00:00Z".to_owned(),
            backend: "sim".to_owned(),
        }
    }

    #[test]
    fn a_taken_generated_name_is_retried_with_a_digit_then_the_short_id_is_used() {
        let dir =
            TempDir(std::env::temp_dir().join(format!("strata-retry-{}", std::process::id())));
        let _ = fs::remove_dir_all(&dir.0);
        let c = Containers::open(&dir.0).unwrap();
        let mut asked = Vec::new();
        // Always the same pair; on a retry, the same digit.
        let mut same = |retry: u32| -> Result<String> {
            asked.push(retry);
            Ok(if retry == 0 {
                "calm_curie".into()
            } else {
                "calm_curie7".into()
            })
        };
        assert_eq!(c.create_with(new(), &mut same).unwrap().name, "calm_curie");
        assert_eq!(c.create_with(new(), &mut same).unwrap().name, "calm_curie7");
        let third = c.create_with(new(), &mut same).unwrap();
        assert_eq!(third.name, third.id[..12]);
        assert_eq!(asked, [0, 0, 1, 0, 1, 2, 3, 4, 5]);
    }
}
