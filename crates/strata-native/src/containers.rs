//! Containers kept after `strata run` (without `--rm`): what ran, how it ended, and its writable layer, so
//! `ps`, `diff`, `commit` and `rm` work as docker's do.
//!
//! Layout: `containers/<id>/container.json` and `containers/<id>/upper.tar` (the container layer as a layer
//! tar), both written atomically under the store's root.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use strata_image::layer::{read_tar, to_tar, ReadLimits};
use strata_image::{Changeset, Digest};

use crate::{Error, Result};

/// One container.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerRecord {
    /// 64 hex digits.
    pub id: String,
    /// Its name (`--name`, or a generated one).
    pub name: String,
    /// The image as the user named it.
    pub image: String,
    /// The image's ID.
    pub image_id: Digest,
    /// The argv it ran.
    pub command: Vec<String>,
    /// When it was created (RFC 3339).
    pub created: String,
    /// Its exit code, once it ran.
    pub exit_code: Option<i32>,
    /// Which backend ran it.
    pub backend: String,
}

/// The containers under a store root.
#[derive(Debug, Clone)]
pub struct Containers {
    dir: PathBuf,
}

impl Containers {
    /// The containers of the store at `root`.
    pub fn open(root: &Path) -> Result<Containers> {
        let dir = root.join("containers");
        fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
        Ok(Containers { dir })
    }

    /// Records a container and its writable layer.
    pub fn save(&self, rec: &ContainerRecord, upper: &Changeset) -> Result<()> {
        if self.find(&rec.name).is_ok() {
            return Err(Error::Container(format!(
                "Conflict. The container name \"/{}\" is already in use",
                rec.name
            )));
        }
        let dir = self.dir.join(&rec.id);
        fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
        let tar = to_tar(upper).map_err(|e| Error::Corrupt {
            path: dir.join("upper.tar"),
            reason: e.to_string(),
        })?;
        write_file(&dir, "upper.tar", &tar)?;
        let mut json = serde_json::to_vec_pretty(rec).map_err(|e| Error::Corrupt {
            path: dir.join("container.json"),
            reason: e.to_string(),
        })?;
        json.push(b'\n');
        write_file(&dir, "container.json", &json)
    }

    /// Every container, newest first.
    pub fn list(&self) -> Result<Vec<ContainerRecord>> {
        let mut out = Vec::new();
        let entries = match fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) => return Err(Error::io(&self.dir)(e)),
        };
        for e in entries {
            let e = e.map_err(Error::io(&self.dir))?;
            let path = e.path().join("container.json");
            let Ok(bytes) = fs::read(&path) else { continue };
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

    /// The container with this name, ID or unique ID prefix.
    pub fn find(&self, reference: &str) -> Result<ContainerRecord> {
        let all = self.list()?;
        if let Some(c) = all
            .iter()
            .find(|c| c.name == reference || c.id == reference)
        {
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

    /// A container's writable layer.
    pub fn upper(&self, rec: &ContainerRecord) -> Result<Changeset> {
        let path = self.dir.join(&rec.id).join("upper.tar");
        let bytes = fs::read(&path).map_err(Error::io(&path))?;
        read_tar(bytes.as_slice(), &ReadLimits::DEFAULT).map_err(|e| Error::Corrupt {
            path,
            reason: e.to_string(),
        })
    }

    /// Removes a container.
    pub fn remove(&self, reference: &str) -> Result<ContainerRecord> {
        let rec = self.find(reference)?;
        let dir = self.dir.join(&rec.id);
        fs::remove_dir_all(&dir).map_err(Error::io(&dir))?;
        Ok(rec)
    }
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let tmp = dir.join(format!(".{name}.tmp"));
    fs::write(&tmp, bytes).map_err(Error::io(&tmp))?;
    let dst = dir.join(name);
    fs::rename(&tmp, &dst).map_err(Error::io(&dst))
}
