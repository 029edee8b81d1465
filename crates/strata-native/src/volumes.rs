//! Volumes: what containers wrote under their mounts, kept in the store across runs, as docker keeps them.
//!
//! Layout under the store's root:
//!
//! ```text
//! volumes/<name>/volume.json   the record (name, creation time, anonymous or not)
//! volumes/<name>/data.tar      the volume's files as a layer tar (paths relative to the volume's root)
//! volumes/<name>/_data/        or as a real directory (Docker's layout), once a native container mounted it
//! ```
//!
//! A volume has one form at a time. The simulator keeps a volume as `data.tar`; a native container needs a
//! directory to bind, so [`Volumes::native_dir`] unpacks the tar into `_data/` and drops it; when the
//! simulator next reads the volume it reads the directory, and when it saves it, the tar replaces the
//! directory. Either way both backends see the same files.
//!
//! A volume is created by the run that first mounts it (anonymous ones have a 64-hex name); `run --rm` and
//! `rm -v` remove a container's anonymous volumes; `volume rm` refuses a volume a container still mounts.
//! Every change holds the store's exclusive lock and writes through the crate's atomic write, data first and
//! record last, so a killed process leaves either the old volume or the new one.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use strata_image::layer::{read_tar, ReadLimits};

use crate::store::described;
use strata_image::{Attrs, Changeset, Entry, EntryKind, NodeKind, Timestamp, Tree};

use crate::atomic::{sync_dir, unique_suffix, write_atomic, TMP_PREFIX};
use crate::lock::lock;
use crate::{Error, Result};

const RECORD: &str = "volume.json";
const DATA: &str = "data.tar";
const DIR: &str = "_data";

/// One volume.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolumeRecord {
    /// Its name.
    pub name: String,
    /// When it was created (RFC 3339, seconds).
    pub created: String,
    /// Whether it is anonymous (made for `-v /path` or an image `VOLUME`).
    pub anonymous: bool,
}

/// The volumes under a store root.
#[derive(Debug, Clone)]
pub struct Volumes {
    root: PathBuf,
    dir: PathBuf,
}

impl Volumes {
    /// The volumes of the store at `root`.
    pub fn open(root: &Path) -> Result<Volumes> {
        let dir = root.join("volumes");
        fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
        Ok(Volumes {
            root: root.to_path_buf(),
            dir,
        })
    }

    /// Where a volume's files are kept (docker's `Mountpoint`): its directory, or its layer tar.
    pub fn mountpoint(&self, name: &str) -> PathBuf {
        let dir = self.dir.join(name).join(DIR);
        if dir.is_dir() {
            dir
        } else {
            self.dir.join(name).join(DATA)
        }
    }

    /// The volume `name` as a directory a native container binds (Docker's `_data`), creating the volume (at
    /// `created`) when it is new; a volume the simulator kept as a tar is unpacked into it first. Returns
    /// the directory and whether the volume is empty (Docker then fills it with the image's files).
    pub fn native_dir(
        &self,
        name: &str,
        anonymous: bool,
        created: &str,
    ) -> Result<(PathBuf, bool)> {
        let _lock = lock(&self.root, true)?;
        let vol = self.dir.join(name);
        let dir = vol.join(DIR);
        let rec = match self.find_unlocked(name) {
            Ok(rec) => rec,
            Err(_) => VolumeRecord {
                name: name.to_owned(),
                created: created.to_owned(),
                anonymous,
            },
        };
        fs::create_dir_all(&vol).map_err(Error::io(&vol))?;
        if !dir.is_dir() {
            let tmp = vol.join(format!("{TMP_PREFIX}{DIR}-{}", unique_suffix()));
            fs::create_dir(&tmp).map_err(Error::io(&tmp))?;
            let tar = vol.join(DATA);
            match fs::read(&tar) {
                Ok(bytes) => {
                    let layer = read_tar(bytes.as_slice(), &ReadLimits::DEFAULT).map_err(|e| {
                        Error::Corrupt {
                            path: tar.clone(),
                            reason: e.to_string(),
                        }
                    })?;
                    crate::unpack::write_layer(&tmp, &layer)?;
                }
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&tar)(e)),
            }
            fs::rename(&tmp, &dir).map_err(Error::io(&dir))?;
            let _ = fs::remove_file(&tar);
            sync_dir(&vol)?;
        }
        let mut json = serde_json::to_vec_pretty(&rec).map_err(|e| Error::Corrupt {
            path: vol.join(RECORD),
            reason: e.to_string(),
        })?;
        json.push(b'\n');
        write_atomic(&vol, RECORD, &json)?;
        sync_dir(&self.dir)?;
        let empty = fs::read_dir(&dir)
            .map_err(Error::io(&dir))?
            .next()
            .is_none();
        Ok((dir, empty))
    }

    /// Every volume, sorted by name (`docker volume ls`'s order).
    pub fn list(&self) -> Result<Vec<VolumeRecord>> {
        let _lock = lock(&self.root, false)?;
        let mut out = Vec::new();
        for e in fs::read_dir(&self.dir).map_err(Error::io(&self.dir))? {
            let e = e.map_err(Error::io(&self.dir))?;
            if e.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if let Some(rec) = read_record(&e.path())? {
                out.push(rec);
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// The volume called `name`.
    pub fn find(&self, name: &str) -> Result<VolumeRecord> {
        let _lock = lock(&self.root, false)?;
        self.find_unlocked(name)
    }

    fn find_unlocked(&self, name: &str) -> Result<VolumeRecord> {
        if !strata_build::mounts::valid_volume_name(name) {
            return Err(Error::NoSuchVolume(name.to_owned()));
        }
        read_record(&self.dir.join(name))?.ok_or_else(|| Error::NoSuchVolume(name.to_owned()))
    }

    /// A volume's files, or `None` when there is no such volume.
    pub fn content(&self, name: &str) -> Result<Option<Tree>> {
        let _lock = lock(&self.root, false)?;
        if self.find_unlocked(name).is_err() {
            return Ok(None);
        }
        let dir = self.dir.join(name).join(DIR);
        if dir.is_dir() {
            let empty = Tree::with_root(Attrs::new(0o755, 0, 0, Timestamp::from_secs(0)));
            let mut overlay = strata_image::Overlay::new(std::sync::Arc::new(empty));
            crate::upper::apply_upper(&dir, &mut overlay, None)?;
            return overlay.merged().map(Some).map_err(|e| Error::Corrupt {
                path: dir,
                reason: e.to_string(),
            });
        }
        let path = self.dir.join(name).join(DATA);
        let bytes = fs::read(&path).map_err(Error::io(&path))?;
        let layer =
            read_tar(bytes.as_slice(), &ReadLimits::DEFAULT).map_err(|e| Error::Corrupt {
                path: path.clone(),
                reason: e.to_string(),
            })?;
        let mut tree = Tree::with_root(Attrs::new(0o755, 0, 0, Timestamp::from_secs(0)));
        layer.apply(&mut tree).map_err(|e| Error::Corrupt {
            path,
            reason: e.to_string(),
        })?;
        Ok(Some(tree))
    }

    /// Keeps `content` as the volume `name`, creating it (at `created`) when it is new.
    pub fn save(&self, name: &str, anonymous: bool, created: &str, content: &Tree) -> Result<()> {
        let dir = self.dir.join(name);
        let layer = Changeset {
            entries: content
                .entries()
                .into_iter()
                .map(|(path, st)| Entry {
                    path,
                    attrs: st.attrs,
                    kind: match st.kind {
                        NodeKind::Dir => EntryKind::Dir,
                        NodeKind::File(c) => EntryKind::File(c),
                        NodeKind::Symlink(t) => EntryKind::Symlink(t),
                        NodeKind::CharDevice { major, minor } => {
                            EntryKind::CharDevice { major, minor }
                        }
                        NodeKind::BlockDevice { major, minor } => {
                            EntryKind::BlockDevice { major, minor }
                        }
                        NodeKind::Fifo => EntryKind::Fifo,
                    },
                })
                .collect(),
        };
        let tar = described(&layer).map_err(|e| Error::Corrupt {
            path: dir.join(DATA),
            reason: e.to_string(),
        })?;
        let _lock = lock(&self.root, true)?;
        let rec = match self.find_unlocked(name) {
            Ok(rec) => rec,
            Err(_) => VolumeRecord {
                name: name.to_owned(),
                created: created.to_owned(),
                anonymous,
            },
        };
        fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
        write_atomic(&dir, DATA, &tar)?;
        // The tar is the volume now: a directory a native container left goes.
        let _ = fs::remove_dir_all(dir.join(DIR));
        let mut json = serde_json::to_vec_pretty(&rec).map_err(|e| Error::Corrupt {
            path: dir.join(RECORD),
            reason: e.to_string(),
        })?;
        json.push(b'\n');
        write_atomic(&dir, RECORD, &json)?;
        sync_dir(&self.dir)
    }

    /// Removes the volume `name` unless one of `users` (container ID, the volume names it mounts) mounts it.
    pub fn remove(&self, name: &str, users: &[(String, Vec<String>)]) -> Result<()> {
        let _lock = lock(&self.root, true)?;
        self.find_unlocked(name)?;
        let ids: Vec<String> = users
            .iter()
            .filter(|(_, vols)| vols.iter().any(|v| v == name))
            .map(|(id, _)| id.clone())
            .collect();
        if !ids.is_empty() {
            return Err(Error::VolumeInUse {
                name: name.to_owned(),
                ids,
            });
        }
        let dir = self.dir.join(name);
        let gone = self.dir.join(format!("{TMP_PREFIX}rm-{}", unique_suffix()));
        fs::rename(&dir, &gone).map_err(Error::io(&dir))?;
        sync_dir(&self.dir)?;
        fs::remove_dir_all(&gone).map_err(Error::io(&gone))
    }
}

fn read_record(dir: &Path) -> Result<Option<VolumeRecord>> {
    let path = dir.join(RECORD);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
            return Ok(None)
        }
        Err(e) => return Err(Error::io(&path)(e)),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| Error::Corrupt {
            path,
            reason: e.to_string(),
        })
}
