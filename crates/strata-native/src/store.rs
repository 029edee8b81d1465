//! The on-disk content-addressed image store.
//!
//! Layout under the root directory:
//!
//! ```text
//! blobs/sha256/<hex>   config, OCI manifest and layer blobs, each named by the sha256 of its bytes
//! images.json          the index: per image its ID, manifest digest, tags and layer sizes
//! lock                 flock(2)ed: exclusively by every mutation, shared by every read
//! tmp/import-<pid>-<n>/ an import's staged blobs (removed when it ends; by the next removal if it died)
//! ```
//!
//! Blobs and the index are written to a temporary file in the same directory, fsync'd, renamed over the
//! final name and the directory fsync'd, so a crash leaves either the old or the new file. An import writes
//! its blobs first and the index last; if anything fails, the blobs it created are removed again and the
//! index is untouched. Removing an image deletes the blobs no remaining image references.
//!
//! Loading and saving stream: [`Store::load`] reads an archive once, writing each member to a staging
//! directory (`tmp/import-…`, hashed while written, fsync'd), checks the images from there one blob at a
//! time, then renames the blobs it needs into `blobs/sha256/` under the lock; [`Store::save`] writes an
//! archive reading each blob from its file. Memory stays at a few buffers whatever the image's size.

use std::collections::{BTreeSet, HashMap};
use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use strata_image::archive::{
    check_image, read_archive_from, write_docker_archive_to, write_oci_archive_to, ArchiveImage,
    BlobSink, BlobSource, ImageRef, LayerBlob, LayerRef,
};
use strata_image::digest::HashingWriter;
use strata_image::image::{from_json, to_json, ImageConfig, Manifest};
use strata_image::layer::{Compression, ReadLimits};
use strata_image::{Changeset, Digest};

use crate::atomic::{sync_dir, unique_suffix, write_atomic, AtomicFile, TMP_PREFIX};
use crate::lock::Lock;
use crate::{Error, Result};

const INDEX: &str = "images.json";
const INDEX_VERSION: u32 = 1;

/// `images.json`.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Index {
    version: u32,
    images: Vec<ImageRecord>,
}

/// One image as the index records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageRecord {
    /// The image ID: the digest of the config blob.
    pub id: Digest,
    /// The digest of the image's OCI manifest blob.
    pub manifest: Digest,
    /// Its `name:tag` references; a tag names at most one image of the store.
    pub tags: Vec<String>,
    /// Each layer's size as Docker counts it (bytes of file contents and symlink targets), base first.
    pub layer_sizes: Vec<u64>,
    /// When a tag was last put on the image (RFC 3339, the caller's clock); `None` if never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_tag_time: Option<String>,
    /// Built by the simulator (or committed from a simulated container): what its RUN steps wrote and its
    /// modelled base's programs are stand-ins, so `strata run` simulates it rather than executing it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub simulated: bool,
}

impl ImageRecord {
    /// The image's size: the sum of its layers' sizes.
    pub fn size(&self) -> u64 {
        self.layer_sizes.iter().sum()
    }
}

/// An image read from the store.
#[derive(Clone, Debug)]
pub struct StoredImage {
    /// Its index record.
    pub record: ImageRecord,
    /// The config blob exactly as stored (its digest is the ID).
    pub config_json: Vec<u8>,
    /// The parsed config.
    pub config: ImageConfig,
    /// The manifest: the config and layer blobs.
    pub manifest: Manifest,
}

/// What an import did for one image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loaded {
    /// The image ID.
    pub id: Digest,
    /// The tags it now has from the archive.
    pub tags: Vec<String>,
    /// Tags taken away from other images (which keep existing, untagged if it was their last): tag and the
    /// ID of the image that had it.
    pub retagged: Vec<(String, Digest)>,
}

/// A layer of an image being stored from a build ([`Store::import_built`]).
#[derive(Debug, Clone, Copy)]
pub enum NewLayer<'a> {
    /// A layer the store already holds as the blob `digest` (from the image a build started from).
    Stored {
        /// The blob's digest.
        digest: Digest,
        /// The digest of its uncompressed tar.
        diff_id: Digest,
    },
    /// A layer the build made: written as an uncompressed tar, streamed into a blob.
    Built {
        /// Its entries (their contents read as they are written).
        changeset: &'a Changeset,
        /// The diff_id the build computed for it.
        diff_id: Digest,
    },
}

/// What a removal did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Removed {
    /// Tags removed.
    pub untagged: Vec<String>,
    /// The image deleted, if its last reference went.
    pub deleted: Option<Digest>,
    /// How many blobs no longer referenced were deleted.
    pub blobs_removed: usize,
}

/// An on-disk image store (see the module docs for the layout and the guarantees). A clone is another
/// handle on the same directory.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
    limits: ReadLimits,
}

/// How a reference matched an image.
enum Match {
    Tag(String),
    Id,
}

impl Store {
    /// Opens the store at `root`, creating its directories if needed.
    pub fn open(root: &Path) -> Result<Store> {
        let blobs = root.join("blobs").join("sha256");
        fs::create_dir_all(&blobs).map_err(Error::io(&blobs))?;
        Ok(Store {
            root: root.to_path_buf(),
            limits: ReadLimits::DEFAULT,
        })
    }

    /// The store's root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Sets the limits layers are read with on import (the expanded-size limit stops gzip bombs).
    pub fn set_limits(&mut self, limits: ReadLimits) {
        self.limits = limits;
    }

    pub(crate) fn blob_dir(&self) -> PathBuf {
        self.root.join("blobs").join("sha256")
    }

    /// The file a blob is stored in.
    pub fn blob_path(&self, digest: &Digest) -> PathBuf {
        self.blob_dir().join(digest.hex())
    }

    /// Takes the store's lock (see [`crate::lock`]); it is released when the returned value is dropped.
    pub(crate) fn lock(&self, exclusive: bool) -> Result<Lock> {
        crate::lock::lock(&self.root, exclusive)
    }

    fn read_index(&self) -> Result<Index> {
        let path = self.root.join(INDEX);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Index {
                    version: INDEX_VERSION,
                    images: Vec::new(),
                })
            }
            Err(e) => return Err(Error::io(&path)(e)),
        };
        let index: Index = serde_json::from_slice(&bytes).map_err(|e| Error::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        if index.version != INDEX_VERSION {
            return Err(Error::Corrupt {
                path,
                reason: format!("unknown index version {}", index.version),
            });
        }
        Ok(index)
    }

    fn write_index(&self, index: &mut Index) -> Result<()> {
        index.images.sort_by_key(|r| r.id);
        for img in &mut index.images {
            img.tags.sort();
        }
        let mut bytes = serde_json::to_vec_pretty(&*index).map_err(|e| Error::Corrupt {
            path: self.root.join(INDEX),
            reason: e.to_string(),
        })?;
        bytes.push(b'\n');
        write_atomic(&self.root, INDEX, &bytes)
    }

    /// Reads a blob, checking that its bytes still have its digest.
    pub fn read_blob(&self, digest: &Digest) -> Result<Vec<u8>> {
        let path = self.blob_path(digest);
        let bytes = fs::read(&path).map_err(Error::io(&path))?;
        if Digest::of(&bytes) != *digest {
            return Err(Error::Corrupt {
                path,
                reason: "content does not match its digest".to_string(),
            });
        }
        Ok(bytes)
    }

    /// Writes a blob unless it is there; returns its digest and whether this call created it.
    fn write_blob(&self, bytes: &[u8]) -> Result<(Digest, bool)> {
        let digest = Digest::of(bytes);
        let path = self.blob_path(&digest);
        if let Ok(meta) = fs::metadata(&path) {
            if meta.len() == bytes.len() as u64 {
                return Ok((digest, false));
            }
        }
        // The directory is flushed once, by the commit that wrote this blob, before it records the image.
        let mut f = AtomicFile::create(&self.blob_dir())?;
        f.write_all(bytes).map_err(Error::io(f.path()))?;
        f.commit_staged(&digest.hex(), true)?;
        Ok((digest, true))
    }

    /// Imports images held in memory (a commit, a build, or what
    /// [`strata_image::archive::read_archive`] returns): checks every layer (its diff_id, and that it is a
    /// layer that can be applied safely), stores the blobs and records the images. `now` (RFC 3339) is
    /// recorded as the time the tags were set. On error nothing changes.
    pub fn import(&self, images: &[ArchiveImage], now: &str) -> Result<Vec<Loaded>> {
        let mut staging = Staging::new(&self.root)?;
        let mut checked = Vec::new();
        for (img_idx, img) in images.iter().enumerate() {
            let mut layers = Vec::new();
            for l in &img.layers {
                let (digest, size) = staging.put(&mut &l.bytes[..]).map_err(|e| {
                    staging
                        .take_error()
                        .unwrap_or_else(|| Error::io(&staging.dir)(e))
                })?;
                layers.push(LayerRef {
                    digest,
                    size,
                    compression: l.compression,
                    diff_id: l.diff_id,
                });
            }
            let image = ImageRef {
                config: img.config.clone(),
                layers,
                tags: img.tags.clone(),
            };
            let sizes = check_image(&image, &staging, &self.limits).map_err(|source| {
                let n = img_idx + 1;
                staging.take_error().unwrap_or(match source {
                    // `layer 2 (sha256:…)`: name it as part of the image.
                    strata_image::Error::Archive { entry, reason }
                        if entry.starts_with("layer ") =>
                    {
                        Error::BadImage {
                            what: format!("image {n}, {entry}"),
                            source: strata_image::Error::Format {
                                what: "layer",
                                reason,
                            },
                        }
                    }
                    source => Error::BadImage {
                        what: format!("image {n}"),
                        source,
                    },
                })
            })?;
            checked.push((image, sizes.iter().map(|s| s.size).collect()));
        }
        self.commit(&staging, &checked, now, false)
    }

    /// Stores an image a build (or a commit) made: `config` (its digest is the ID) and its layers, bottom
    /// first, tagged `tags` (normalized). A built layer's tar is streamed from its changeset into a staged
    /// blob, hashed on the way, so no layer is ever held in memory; then the image is checked as an import
    /// is and committed under the lock. On error nothing changes.
    pub fn import_built(
        &self,
        config: &[u8],
        layers: &[NewLayer<'_>],
        tags: Vec<String>,
        now: &str,
        simulated: bool,
    ) -> Result<Digest> {
        let mut staging = Staging::new(&self.root)?;
        staging.fallback = Some(self.blob_dir());
        let mut refs = Vec::new();
        for (i, l) in layers.iter().enumerate() {
            let (digest, diff_id) = match *l {
                NewLayer::Stored { digest, diff_id } => (digest, diff_id),
                NewLayer::Built { changeset, diff_id } => {
                    let (digest, _) = staging.put_tar(changeset, true)?;
                    if digest != diff_id {
                        return Err(Error::Runtime(format!(
                            "layer {}: written with digest {digest}, not its diff_id {diff_id} (a file \
                             changed while the layer was written)",
                            i + 1
                        )));
                    }
                    (digest, diff_id)
                }
            };
            let path = staging
                .path(&digest)
                .unwrap_or_else(|| self.blob_path(&digest));
            let mut f = File::open(&path).map_err(Error::io(&path))?;
            let size = f.metadata().map_err(Error::io(&path))?.len();
            let mut head = [0u8; 4];
            let n = read_up_to(&mut f, &mut head).map_err(Error::io(&path))?;
            refs.push(LayerRef {
                digest,
                size,
                compression: Compression::detect(&head[..n]),
                diff_id,
            });
        }
        let image = ImageRef {
            config: config.to_vec().into(),
            layers: refs,
            tags,
        };
        let sizes = check_image(&image, &staging, &self.limits).map_err(|source| {
            staging.take_error().unwrap_or(Error::BadImage {
                what: "the built image".to_string(),
                source,
            })
        })?;
        let id = Digest::of(config);
        self.commit(
            &staging,
            &[(image, sizes.iter().map(|s| s.size).collect())],
            now,
            simulated,
        )?;
        Ok(id)
    }

    /// Loads a docker-archive or OCI archive (plain, gzip or zstd) read from `archive`, streaming: see the
    /// module docs. The checks are those of [`strata_image::archive::read_archive_from`]; a bad archive is
    /// [`Error::BadArchive`]. On error nothing changes.
    pub fn load(&self, archive: impl Read, now: &str) -> Result<Vec<Loaded>> {
        let mut staging = Staging::new(&self.root)?;
        let read = read_archive_from(archive, &self.limits, &mut staging)
            .map_err(|e| staging.take_error().unwrap_or(Error::BadArchive(e)))?;
        let checked: Vec<(ImageRef, Vec<u64>)> = read
            .into_iter()
            .map(|r| (r.image, r.layers.iter().map(|s| s.size).collect()))
            .collect();
        self.commit(&staging, &checked, now, false)
    }

    /// Moves checked images' blobs from `staging` into the store and records the images, under the lock;
    /// `simulated` marks new records as the simulator's ([`ImageRecord::simulated`]).
    fn commit(
        &self,
        staging: &Staging,
        images: &[(ImageRef, Vec<u64>)],
        now: &str,
        simulated: bool,
    ) -> Result<Vec<Loaded>> {
        let _lock = self.lock(true)?;
        let mut index = self.read_index()?;
        let mut created: Vec<PathBuf> = Vec::new();
        let res = self.commit_locked(staging, images, now, simulated, &mut index, &mut created);
        if res.is_err() {
            for path in created {
                let _ = fs::remove_file(path);
            }
        }
        res
    }

    fn commit_locked(
        &self,
        staging: &Staging,
        images: &[(ImageRef, Vec<u64>)],
        now: &str,
        simulated: bool,
        index: &mut Index,
        created: &mut Vec<PathBuf>,
    ) -> Result<Vec<Loaded>> {
        let mut out = Vec::new();
        for (img, layer_sizes) in images {
            for l in &img.layers {
                if self.adopt(staging, &l.digest, l.size)? {
                    created.push(self.blob_path(&l.digest));
                }
            }
            let mut put = |bytes: &[u8]| -> Result<Digest> {
                let (d, new) = self.write_blob(bytes)?;
                if new {
                    created.push(self.blob_path(&d));
                }
                Ok(d)
            };
            let id = put(&img.config)?;
            let manifest = put(&to_json(&img.oci_manifest()))?;
            let mut tags = Vec::new();
            for t in &img.tags {
                let t = normalize_reference(t)?;
                if !tags.contains(&t) {
                    tags.push(t);
                }
            }
            let mut retagged = Vec::new();
            for other in index.images.iter_mut().filter(|r| r.id != id) {
                other.tags.retain(|t| {
                    let taken = tags.contains(t);
                    if taken {
                        retagged.push((t.clone(), other.id));
                    }
                    !taken
                });
            }
            let pos = match index.images.iter().position(|r| r.id == id) {
                Some(p) => p,
                None => {
                    index.images.push(ImageRecord {
                        id,
                        manifest,
                        tags: Vec::new(),
                        layer_sizes: layer_sizes.clone(),
                        last_tag_time: None,
                        simulated,
                    });
                    index.images.len() - 1
                }
            };
            let rec = &mut index.images[pos];
            // The same image loaded again from another archive: the blobs may be compressed differently;
            // keep the manifest the image was first stored with.
            for t in &tags {
                if !rec.tags.contains(t) {
                    rec.tags.push(t.clone());
                }
            }
            if !tags.is_empty() {
                rec.last_tag_time = Some(now.to_string());
            }
            out.push(Loaded { id, tags, retagged });
        }
        sync_dir(&self.blob_dir())?;
        self.write_index(index)?;
        Ok(out)
    }

    /// Moves a staged blob into the store unless the store has it; true if this call created it.
    fn adopt(&self, staging: &Staging, digest: &Digest, size: u64) -> Result<bool> {
        let dest = self.blob_path(digest);
        if fs::metadata(&dest).is_ok_and(|m| m.len() == size) {
            return Ok(false);
        }
        let src = staging.path(digest).ok_or_else(|| Error::Corrupt {
            path: staging.dir.clone(),
            reason: format!("blob {digest} was not staged"),
        })?;
        fs::rename(&src, &dest).map_err(Error::io(&dest))?;
        Ok(true)
    }

    /// Every image, without taking the lock (the caller holds it).
    pub(crate) fn images_unlocked(&self) -> Result<Vec<ImageRecord>> {
        Ok(self.read_index()?.images)
    }

    /// Every image, in the index's order (by ID).
    pub fn images(&self) -> Result<Vec<ImageRecord>> {
        let _lock = self.lock(false)?;
        Ok(self.read_index()?.images)
    }

    /// The image a reference names: `name[:tag]` (a missing tag is `latest`; `busybox` also finds
    /// `docker.io/library/busybox` and `localhost/busybox`), or a full or abbreviated image ID.
    pub fn resolve(&self, reference: &str) -> Result<ImageRecord> {
        let _lock = self.lock(false)?;
        let index = self.read_index()?;
        let (pos, _) = find(&index, reference)?;
        Ok(index.images[pos].clone())
    }

    /// An image's record, config and manifest.
    pub fn image(&self, reference: &str) -> Result<StoredImage> {
        let _lock = self.lock(false)?;
        let index = self.read_index()?;
        let (pos, _) = find(&index, reference)?;
        self.stored(&index.images[pos])
    }

    pub(crate) fn stored(&self, record: &ImageRecord) -> Result<StoredImage> {
        let config_json = self.read_blob(&record.id)?;
        let config = ImageConfig::from_json(&config_json).map_err(|e| Error::Corrupt {
            path: self.blob_path(&record.id),
            reason: e.to_string(),
        })?;
        let manifest_bytes = self.read_blob(&record.manifest)?;
        let manifest: Manifest =
            from_json("manifest", &manifest_bytes).map_err(|e| Error::Corrupt {
                path: self.blob_path(&record.manifest),
                reason: e.to_string(),
            })?;
        Ok(StoredImage {
            record: record.clone(),
            config_json,
            config,
            manifest,
        })
    }

    /// The images a `save` argument names, with the tags each is saved under, as `docker save` reads its
    /// arguments: a repository name without a tag (`busybox`) is every tag of that repository (one entry per
    /// image, all its tags of the repository listed); `name:tag` is that tag; an image ID is the image,
    /// untagged. A name-only argument that no repository has falls back to an ID (prefix), as docker's does.
    pub fn save_set(&self, reference: &str) -> Result<Vec<(ImageRecord, Vec<String>)>> {
        let _lock = self.lock(false)?;
        let index = self.read_index()?;
        if let Some(found) = find_repository(&index, reference) {
            return Ok(found);
        }
        let (pos, how) = find(&index, reference)?;
        let tags = match how {
            Match::Tag(t) => vec![t],
            Match::Id => Vec::new(),
        };
        Ok(vec![(index.images[pos].clone(), tags)])
    }

    /// An image with its layer blobs, ready to be written as an archive. Named by a tag, it carries that
    /// tag; named by ID, none (as `docker save` does). See [`Store::save_set`] for a repository name.
    pub fn archive_image(&self, reference: &str) -> Result<ArchiveImage> {
        let _lock = self.lock(false)?;
        let index = self.read_index()?;
        let (pos, how) = find(&index, reference)?;
        let tags = match how {
            Match::Tag(t) => vec![t],
            Match::Id => Vec::new(),
        };
        self.archive_image_of(&index.images[pos], tags)
    }

    /// The image a record names with its layer blobs (read into memory) and the given tags.
    pub fn archive_image_of(
        &self,
        record: &ImageRecord,
        tags: Vec<String>,
    ) -> Result<ArchiveImage> {
        let img = self.stored(record)?;
        let diff_ids = &img.config.rootfs.diff_ids;
        if diff_ids.len() != img.manifest.layers.len() {
            return Err(Error::Corrupt {
                path: self.blob_path(&img.record.manifest),
                reason: "the manifest's layers are not the config's diff_ids".to_string(),
            });
        }
        let mut layers = Vec::new();
        for (d, diff_id) in img.manifest.layers.iter().zip(diff_ids) {
            let bytes = self.read_blob(&d.digest)?;
            layers.push(LayerBlob {
                compression: Compression::detect(&bytes),
                bytes: bytes.into(),
                diff_id: *diff_id,
            });
        }
        Ok(ArchiveImage {
            config: img.config_json.into(),
            layers,
            tags,
        })
    }

    /// The image a record names as blob references, with the given tags (for [`Store::save`]).
    fn image_ref(&self, record: &ImageRecord, tags: Vec<String>) -> Result<ImageRef> {
        let img = self.stored(record)?;
        let diff_ids = &img.config.rootfs.diff_ids;
        if diff_ids.len() != img.manifest.layers.len() {
            return Err(Error::Corrupt {
                path: self.blob_path(&img.record.manifest),
                reason: "the manifest's layers are not the config's diff_ids".to_string(),
            });
        }
        let mut layers = Vec::new();
        for (d, diff_id) in img.manifest.layers.iter().zip(diff_ids) {
            let path = self.blob_path(&d.digest);
            let mut head = [0u8; 4];
            let mut f = File::open(&path).map_err(Error::io(&path))?;
            let n = read_up_to(&mut f, &mut head).map_err(Error::io(&path))?;
            layers.push(LayerRef {
                digest: d.digest,
                size: d.size,
                compression: Compression::detect(&head[..n]),
                diff_id: *diff_id,
            });
        }
        Ok(ImageRef {
            config: img.config_json.into(),
            layers,
            tags,
        })
    }

    /// Writes the images (records as [`Store::save_set`] gives them, with the tags to save them under) as an
    /// archive to `out`, streaming each blob from its file and checking its digest as it goes; holds the
    /// store's shared lock meanwhile, so no removal takes a blob away mid-way.
    pub fn save<W: Write>(
        &self,
        images: &[(ImageRecord, Vec<String>)],
        format: SaveFormat,
        out: W,
    ) -> Result<W> {
        let _lock = self.lock(false)?;
        // The simulator's images are taken out here: their modelled layers, stored as descriptions, are
        // written with their bytes into staged blobs the archive is read from (and removed with the staging).
        let mut staging = Staging::new(&self.root)?;
        staging.fallback = Some(self.blob_dir());
        staging.durable = false;
        let mut refs = Vec::with_capacity(images.len());
        for (rec, tags) in images {
            let mut r = self.image_ref(rec, tags.clone())?;
            if rec.simulated {
                self.take_out(&mut r, &mut staging)?;
            }
            refs.push(r);
        }
        let res = match format {
            SaveFormat::DockerArchive => {
                write_docker_archive_to(&refs, &staging, &self.limits, out)
            }
            SaveFormat::OciArchive => write_oci_archive_to(&refs, &staging, out),
        };
        res.map_err(|source| Error::BadImage {
            what: "saving".to_string(),
            source,
        })
    }

    /// Gives `image` its modelled layers' bytes: each layer stored as a description
    /// ([`strata_image::layer::write_described_tar`]) is written out whole into `staging`, and the config
    /// records the real diff_ids (so the image ID changes, as it must: the bytes are new).
    fn take_out(&self, image: &mut ImageRef, staging: &mut Staging) -> Result<()> {
        let mut changed = false;
        for l in &mut image.layers {
            let cs = crate::stored_layer::read_trusted_layer(self, &l.digest)?;
            if !cs.is_modelled() {
                continue;
            }
            let (digest, size) = staging.put_tar(&cs, false)?;
            *l = LayerRef {
                digest,
                size,
                compression: Compression::None,
                diff_id: digest,
            };
            changed = true;
        }
        if changed {
            let mut config =
                ImageConfig::from_json(&image.config).map_err(|source| Error::BadImage {
                    what: "the image config".to_string(),
                    source,
                })?;
            config.rootfs.diff_ids = image.layers.iter().map(|l| l.diff_id).collect();
            image.config = to_json(&config).into();
        }
        Ok(())
    }

    /// Puts tag `target` on the image `source` names (taking it from any image that had it).
    pub fn tag(&self, source: &str, target: &str, now: &str) -> Result<()> {
        let target = normalize_reference(target)?;
        let _lock = self.lock(true)?;
        let mut index = self.read_index()?;
        let (pos, _) = find(&index, source)?;
        let id = index.images[pos].id;
        for r in &mut index.images {
            if r.id != id {
                r.tags.retain(|t| *t != target);
            }
        }
        let rec = &mut index.images[pos];
        if !rec.tags.contains(&target) {
            rec.tags.push(target);
        }
        rec.last_tag_time = Some(now.to_string());
        self.write_index(&mut index)
    }

    /// Removes a reference as `docker rmi` does: by tag, the tag goes and the image with its last tag; by ID,
    /// the image goes unless several tags name it. Then deletes the blobs nothing references any more.
    pub fn remove(&self, reference: &str) -> Result<Removed> {
        let _lock = self.lock(true)?;
        let mut index = self.read_index()?;
        let (pos, how) = find(&index, reference)?;
        let mut res = Removed::default();
        let rec = &mut index.images[pos];
        match how {
            Match::Tag(t) => {
                rec.tags.retain(|x| *x != t);
                res.untagged.push(t);
            }
            Match::Id if rec.tags.len() > 1 => {
                return Err(Error::Conflict {
                    id: short_id(&rec.id),
                    tags: rec.tags.clone(),
                })
            }
            Match::Id => res.untagged = std::mem::take(&mut rec.tags),
        }
        if rec.tags.is_empty() {
            res.deleted = Some(rec.id);
            index.images.remove(pos);
        }
        // Work out what stays referenced before changing anything, so that a broken manifest stops here.
        let keep = self.referenced(&index)?;
        self.write_index(&mut index)?;
        res.blobs_removed = self.collect_garbage(&keep)?;
        Ok(res)
    }

    fn referenced(&self, index: &Index) -> Result<BTreeSet<String>> {
        let mut keep = BTreeSet::new();
        for r in &index.images {
            let img = self.stored(r)?;
            keep.insert(r.id.hex());
            keep.insert(r.manifest.hex());
            keep.extend(img.manifest.layers.iter().map(|d| d.digest.hex()));
        }
        Ok(keep)
    }

    /// Deletes blobs not in `keep` and temporary files left by interrupted writes. Call with the lock held.
    fn collect_garbage(&self, keep: &BTreeSet<String>) -> Result<usize> {
        let dir = self.blob_dir();
        let mut n = 0;
        for ent in fs::read_dir(&dir).map_err(Error::io(&dir))? {
            let ent = ent.map_err(Error::io(&dir))?;
            let name = ent.file_name().to_string_lossy().into_owned();
            if keep.contains(&name) {
                continue;
            }
            let path = ent.path();
            fs::remove_file(&path).map_err(Error::io(&path))?;
            if !name.starts_with(TMP_PREFIX) {
                n += 1;
            }
        }
        // Interrupted writes of the index or the build cache.
        if let Ok(entries) = fs::read_dir(&self.root) {
            for ent in entries.flatten() {
                if ent.file_name().to_string_lossy().starts_with(TMP_PREFIX) {
                    let _ = fs::remove_file(ent.path());
                }
            }
        }
        self.remove_stale_staging();
        Ok(n)
    }

    /// Removes the staging directories of imports whose process is gone (killed mid-load); best effort.
    fn remove_stale_staging(&self) {
        // Without /proc no process can be told gone: leave them.
        if !Path::new("/proc/self").exists() {
            return;
        }
        let Ok(dir) = fs::read_dir(self.root.join("tmp")) else {
            return;
        };
        for ent in dir.flatten() {
            let name = ent.file_name().to_string_lossy().into_owned();
            let pid = name
                .strip_prefix("import-")
                .and_then(|rest| rest.split('-').next())
                .and_then(|p| p.parse::<u32>().ok());
            if let Some(pid) = pid {
                if !Path::new(&format!("/proc/{pid}")).exists() {
                    let _ = fs::remove_dir_all(ent.path());
                }
            }
        }
    }

    /// Checks the whole store: the index parses, every blob's bytes have its digest, every image's config,
    /// manifest and layers are there. Returns the number of blobs checked.
    pub fn verify(&self) -> Result<usize> {
        let _lock = self.lock(false)?;
        let index = self.read_index()?;
        let keep = self.referenced(&index)?;
        let mut n = 0;
        let dir = self.blob_dir();
        for ent in fs::read_dir(&dir).map_err(Error::io(&dir))? {
            let ent = ent.map_err(Error::io(&dir))?;
            let name = ent.file_name().to_string_lossy().into_owned();
            if name.starts_with(TMP_PREFIX) {
                continue;
            }
            let digest: Digest = format!("sha256:{name}")
                .parse()
                .map_err(|_| Error::Corrupt {
                    path: ent.path(),
                    reason: "not a blob name".to_string(),
                })?;
            // Streamed: a blob may be larger than memory.
            let path = ent.path();
            if crate::store_check::file_digest(&path).map_err(Error::io(&path))? != digest {
                return Err(Error::Corrupt {
                    path,
                    reason: "content does not match its digest".to_string(),
                });
            }
            n += 1;
        }
        for hex in keep {
            let path = dir.join(&hex);
            if !path.is_file() {
                return Err(Error::Corrupt {
                    path,
                    reason: "a referenced blob is missing".to_string(),
                });
            }
        }
        Ok(n)
    }
}

/// The images with tags in the repository `name` (a reference without a tag or digest), each with those
/// tags sorted, ordered by their first tag; `None` if `name` has a tag or no tag of the store is in that
/// repository. An exact repository match wins over a familiar one (`busybox` for
/// `docker.io/library/busybox`), as in [`find`].
fn find_repository(index: &Index, name: &str) -> Option<Vec<(ImageRecord, Vec<String>)>> {
    let last = name.rsplit('/').next().unwrap_or(name);
    if last.contains(':') || name.contains('@') {
        return None;
    }
    // `normalize_reference` adds `:latest`; the repository is what precedes it.
    let repo = normalize_reference(name).ok()?;
    let repo = repo.strip_suffix(":latest")?;
    let repo_of = |t: &str| t.rsplit_once(':').map_or(t, |(r, _)| r).to_string();
    let collect = |matches: &dyn Fn(&str) -> bool| {
        let mut out: Vec<(ImageRecord, Vec<String>)> = index
            .images
            .iter()
            .filter_map(|r| {
                let mut tags: Vec<String> = r
                    .tags
                    .iter()
                    .filter(|t| matches(&repo_of(t)))
                    .cloned()
                    .collect();
                tags.sort();
                (!tags.is_empty()).then(|| (r.clone(), tags))
            })
            .collect();
        out.sort_by(|a, b| a.1[0].cmp(&b.1[0]));
        out
    };
    let exact = collect(&|r| r == repo);
    if !exact.is_empty() {
        return Some(exact);
    }
    let familiar_repo = familiar(repo);
    let loose = collect(&|r| familiar(r) == familiar_repo);
    (!loose.is_empty()).then_some(loose)
}

/// Finds the image a reference names (see [`Store::resolve`]).
fn find(index: &Index, reference: &str) -> Result<(usize, Match)> {
    let no_such = || Error::NoSuchImage(reference.to_string());
    if let Ok(tag) = normalize_reference(reference) {
        let exact = index.images.iter().position(|r| r.tags.contains(&tag));
        if let Some(pos) = exact {
            return Ok((pos, Match::Tag(tag)));
        }
        let short = familiar(&tag);
        let mut hits = index.images.iter().enumerate().flat_map(|(pos, r)| {
            r.tags
                .iter()
                .filter(|t| familiar(t) == short)
                .map(move |t| (pos, t.clone()))
        });
        if let (Some((pos, t)), None) = (hits.next(), hits.next()) {
            return Ok((pos, Match::Tag(t)));
        }
    }
    let hex = reference.strip_prefix("sha256:").unwrap_or(reference);
    if hex.is_empty() || hex.len() > 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(no_such());
    }
    let hex = hex.to_ascii_lowercase();
    let hits: Vec<usize> = (0..index.images.len())
        .filter(|&i| index.images[i].id.hex().starts_with(&hex))
        .collect();
    match hits[..] {
        [] => Err(no_such()),
        [pos] => Ok((pos, Match::Id)),
        _ => Err(Error::Ambiguous {
            reference: reference.to_string(),
            candidates: hits
                .iter()
                .map(|&i| short_id(&index.images[i].id))
                .collect(),
        }),
    }
}

/// A reference without the default registry prefixes, for matching short names.
fn familiar(tag: &str) -> &str {
    for prefix in ["docker.io/library/", "docker.io/", "localhost/"] {
        if let Some(rest) = tag.strip_prefix(prefix) {
            return rest;
        }
    }
    tag
}

/// The 12-digit short form of an image ID.
fn short_id(id: &Digest) -> String {
    id.hex()[..12].to_string()
}

/// Checks a `name[:tag]` reference as Docker does ([`strata_image::Reference`]) and gives the form the store
/// keeps: docker's short form with `:latest` when it has no tag (`docker.io/library/busybox` →
/// `busybox:latest`, `localhost:5000/a/b` → `localhost:5000/a/b:latest`). Digest references
/// (`name@sha256:…`) are refused: images in this store have no registry digests.
pub fn normalize_reference(reference: &str) -> Result<String> {
    let bad = |reason: String| Error::InvalidReference {
        reference: reference.to_string(),
        reason,
    };
    let r = strata_image::Reference::parse(reference).map_err(|e| bad(e.to_string()))?;
    if r.digest().is_some() {
        return Err(bad("digest references are not supported".to_owned()));
    }
    Ok(r.with_default_tag().familiar())
}

/// Reads into `buf` until it is full or the reader ends; returns how many bytes were read.
fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The archive formats [`Store::save`] writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveFormat {
    /// `docker save`'s format.
    DockerArchive,
    /// An OCI image layout in a tar.
    OciArchive,
}

impl BlobSource for Store {
    fn open(&self, digest: &Digest) -> io::Result<Box<dyn Read + '_>> {
        Ok(Box::new(File::open(self.blob_path(digest))?))
    }
}

/// Where an import puts blobs before they are checked: a directory of its own under `tmp/`, each blob a file
/// named by its digest (written to a temporary name, hashed on the way, fsync'd, renamed). Removed with
/// everything in it when dropped; blobs the import keeps have been renamed into the store by then.
struct Staging {
    dir: PathBuf,
    blobs: HashMap<Digest, PathBuf>,
    /// The first error writing to the disk (as opposed to reading the archive): reported as itself, not as
    /// a bad archive.
    error: Option<Error>,
    /// Where blobs that are not staged are read from (the store's blobs, for a built image's base layers).
    fallback: Option<PathBuf>,
    /// Whether the staged blobs go into the store (so their bytes are flushed to the disk), or only live as
    /// long as the staging (an image taken out by [`Store::save`]).
    durable: bool,
}

/// `layer` as the store keeps it in memory-sized files (a container's writable layer, a volume's data, a
/// cache mount's content): its tar, with modelled files as their description
/// ([`strata_image::layer::write_described_tar`]; they are read back by `read_tar` as the same models), so
/// what a modelled tool wrote costs its entries, not its bytes.
pub(crate) fn described(layer: &Changeset) -> strata_image::Result<Vec<u8>> {
    strata_image::layer::write_described_tar(layer, Vec::new())
}

/// The copy buffer of [`Staging::put`].
const COPY_BUFFER: usize = 128 << 10;

impl Staging {
    fn new(root: &Path) -> Result<Staging> {
        let dir = root.join("tmp").join(format!("import-{}", unique_suffix()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
        Ok(Staging {
            dir,
            blobs: HashMap::new(),
            error: None,
            fallback: None,
            durable: true,
        })
    }

    fn path(&self, digest: &Digest) -> Option<PathBuf> {
        self.blobs.get(digest).cloned()
    }

    fn take_error(&mut self) -> Option<Error> {
        self.error.take()
    }

    /// Stages `layer` written as an uncompressed tar, streaming; returns its digest (its diff_id) and size.
    /// `described`: a layer with modelled files is written as its description, as a build records it
    /// ([`strata_image::layer::diff_id`]); else with every byte ([`Store::save`] takes an image out so).
    fn put_tar(&mut self, layer: &Changeset, described: bool) -> Result<(Digest, u64)> {
        let file = AtomicFile::create(&self.dir)?;
        let part = file.path().to_path_buf();
        let w = HashingWriter::new(BufWriter::with_capacity(COPY_BUFFER, file));
        let written = if described {
            strata_image::layer::write_described_tar(layer, w)
        } else {
            strata_image::layer::write_tar(layer, w)
        };
        let w = written.map_err(|source| match source {
            // A disk error (full, say) is the disk's, named by the file being written.
            strata_image::Error::Archive { entry, reason } => Error::Runtime(format!(
                "writing the layer into the store, at its entry {entry:?}: {}: {reason}",
                part.display()
            )),
            source => Error::BadImage {
                what: "the layer".to_string(),
                source,
            },
        })?;
        let (digest, size, w) = w.finish();
        let file = w
            .into_inner()
            .map_err(|e| Error::io(&part)(e.into_error()))?;
        let dest = file.commit_staged(&digest.hex(), self.durable)?;
        self.blobs.insert(digest, dest);
        Ok((digest, size))
    }

    fn put_inner(&mut self, data: &mut dyn Read) -> io::Result<(Digest, u64)> {
        let disk = |e: Error, error: &mut Option<Error>| {
            let text = e.to_string();
            let kind = match &e {
                Error::Io { source, .. } => source.kind(),
                _ => io::ErrorKind::Other,
            };
            error.get_or_insert(e);
            io::Error::new(kind, text)
        };
        let file = AtomicFile::create(&self.dir).map_err(|e| disk(e, &mut self.error))?;
        let part = file.path().to_path_buf();
        let mut w = HashingWriter::new(BufWriter::with_capacity(COPY_BUFFER, file));
        let mut buf = vec![0u8; COPY_BUFFER];
        loop {
            let n = match data.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                // The temporary file goes when `w` is dropped.
                Err(e) => return Err(e),
            };
            w.write_all(&buf[..n])
                .map_err(|e| disk(Error::io(&part)(e), &mut self.error))?;
        }
        let (digest, size, w) = w.finish();
        let file = w
            .into_inner()
            .map_err(|e| disk(Error::io(&part)(e.into_error()), &mut self.error))?;
        let dest = file
            .commit_staged(&digest.hex(), self.durable)
            .map_err(|e| disk(e, &mut self.error))?;
        self.blobs.insert(digest, dest);
        Ok((digest, size))
    }
}

impl BlobSource for Staging {
    fn open(&self, digest: &Digest) -> io::Result<Box<dyn Read + '_>> {
        let path = self
            .path(digest)
            .or_else(|| self.fallback.as_ref().map(|d| d.join(digest.hex())))
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("blob {digest} was not staged"),
                )
            })?;
        Ok(Box::new(BufReader::new(File::open(path)?)))
    }
}

impl BlobSink for Staging {
    fn put(&mut self, data: &mut dyn Read) -> io::Result<(Digest, u64)> {
        self.put_inner(data)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests;
