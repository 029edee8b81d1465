//! Image archives: `docker save` form (docker-archive) and OCI image layout form (oci-archive), written
//! deterministically and read defensively.
//!
//! Written docker-archives have the minimal layout every loader takes (`docker load`, `podman load`, the
//! containerd importer; OBSERVED.md §4.5): `manifest.json`, the config as `<id-hex>.json`, each layer as an
//! uncompressed `<diff_id-hex>.tar`, and no `oci-layout` (which would switch containerd to OCI mode). Written
//! OCI archives have `oci-layout`, `index.json` (a tag is the `org.opencontainers.image.ref.name` annotation,
//! the full reference `io.containerd.image.name`) and `blobs/sha256/…` with the layers as stored. All entries
//! have mtime 0 and owner 0:0, so an archive's bytes depend only on the images.
//!
//! Reading checks what the loaders check and more: every blob's digest and size, that each layer's
//! uncompressed sha256 is its `diff_id`, as many layers as diff_ids; an error names the archive member.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Read};
use std::sync::Arc;

use crate::digest::HashingWriter;
use crate::image::{
    from_json, media_types, to_json, Annotations, ArchiveManifestItem, Descriptor, ImageConfig,
    Index, Manifest, OciLayout,
};
use crate::layer::{decompressor, read_layer, Compression, ReadLimits};
use crate::resolve::normalize;
use crate::{Attrs, Changeset, Content, Digest, Entry, EntryKind, Error, Result, Timestamp};

/// The annotation that names a tag in an OCI layout.
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";
/// The annotation containerd and Docker use for the full reference.
pub const CONTAINERD_NAME: &str = "io.containerd.image.name";

/// One layer as stored: its blob (compressed or not) and its `diff_id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerBlob {
    /// The blob's bytes.
    pub bytes: Arc<[u8]>,
    /// How the blob is compressed.
    pub compression: Compression,
    /// sha256 of the uncompressed tar.
    pub diff_id: Digest,
}

impl LayerBlob {
    /// Writes `layer` as a blob with the given compression.
    pub fn from_changeset(layer: &Changeset, compression: Compression) -> Result<LayerBlob> {
        let (bytes, d) = crate::layer::write_layer(layer, compression)?;
        Ok(LayerBlob {
            bytes: bytes.into(),
            compression,
            diff_id: d.diff_id,
        })
    }

    /// The blob's digest (the manifest's `layers[].digest`).
    pub fn digest(&self) -> Digest {
        Digest::of(&self.bytes)
    }

    /// The OCI media type for this blob's compression.
    pub fn media_type(&self) -> &'static str {
        match self.compression {
            Compression::None => media_types::OCI_LAYER,
            Compression::Gzip => media_types::OCI_LAYER_GZIP,
            Compression::Zstd => media_types::OCI_LAYER_ZSTD,
        }
    }

    /// The uncompressed tar.
    pub fn tar(&self, limits: &ReadLimits) -> Result<Arc<[u8]>> {
        match self.compression {
            Compression::None => Ok(self.bytes.clone()),
            _ => Ok(decompress(&self.bytes, limits, "layer")?.into()),
        }
    }

    /// The layer's changeset.
    pub fn changeset(&self, limits: &ReadLimits) -> Result<Changeset> {
        read_layer(&self.bytes, limits)
    }
}

/// An image as an archive holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchiveImage {
    /// The config JSON exactly as stored: its digest is the image ID, so it is never re-serialized.
    pub config: Arc<[u8]>,
    /// The layers, base first.
    pub layers: Vec<LayerBlob>,
    /// Its references, `name:tag`.
    pub tags: Vec<String>,
}

impl ArchiveImage {
    /// The image ID: the digest of the config bytes.
    pub fn id(&self) -> Digest {
        Digest::of(&self.config)
    }

    /// The parsed config.
    pub fn image_config(&self) -> Result<ImageConfig> {
        ImageConfig::from_json(&self.config)
    }

    /// The OCI manifest of the image.
    pub fn oci_manifest(&self) -> Manifest {
        Manifest {
            schema_version: 2,
            media_type: Some(media_types::OCI_MANIFEST.to_string()),
            artifact_type: None,
            config: Descriptor::of(media_types::OCI_CONFIG, &self.config),
            layers: self
                .layers
                .iter()
                .map(|l| {
                    let mut d = Descriptor::of(l.media_type(), &[]);
                    d.digest = l.digest();
                    d.size = l.bytes.len() as u64;
                    d
                })
                .collect(),
            subject: None,
            annotations: None,
        }
    }
}

/// An archive built as a changeset of regular files (mtime 0, 0:0, 0644), written by the layer writer.
struct Builder {
    files: BTreeMap<String, Content>,
}

impl Builder {
    fn file(&mut self, name: &str, bytes: impl Into<Arc<[u8]>>) {
        self.files
            .insert(format!("/{name}"), Content::from_bytes(bytes));
    }

    fn finish(self, dirs: &[&str]) -> Result<Vec<u8>> {
        let attrs = |mode| Attrs::new(mode, 0, 0, Timestamp::default());
        let mut entries: Vec<Entry> = dirs
            .iter()
            .map(|d| Entry {
                path: format!("/{d}"),
                attrs: attrs(0o755),
                kind: EntryKind::Dir,
            })
            .collect();
        entries.extend(self.files.into_iter().map(|(path, c)| Entry {
            path,
            attrs: attrs(0o644),
            kind: EntryKind::File(c),
        }));
        // Parents before children, then by name: the order `tar --sort=name` gives.
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        crate::layer::to_tar(&Changeset { entries })
    }
}

/// Writes `images` as a docker-archive (what `docker save` and `docker load` exchange).
pub fn write_docker_archive(images: &[ArchiveImage]) -> Result<Vec<u8>> {
    let mut b = Builder {
        files: BTreeMap::new(),
    };
    let mut manifest = Vec::new();
    let limits = ReadLimits::DEFAULT;
    for img in images {
        let config = format!("{}.json", img.id().hex());
        b.file(&config, img.config.clone());
        let mut layers = Vec::new();
        for l in &img.layers {
            let name = format!("{}.tar", l.diff_id.hex());
            b.file(&name, l.tar(&limits)?);
            layers.push(name);
        }
        manifest.push(ArchiveManifestItem {
            config,
            repo_tags: if img.tags.is_empty() {
                None
            } else {
                Some(img.tags.clone())
            },
            layers,
            parent: None,
            layer_sources: None,
        });
    }
    b.file("manifest.json", to_json(&manifest));
    b.finish(&[])
}

/// Writes `images` as an OCI image layout in a tar (what `podman save --format oci-archive` writes).
pub fn write_oci_archive(images: &[ArchiveImage]) -> Result<Vec<u8>> {
    let mut b = Builder {
        files: BTreeMap::new(),
    };
    let mut index = Index {
        schema_version: 2,
        media_type: Some(media_types::OCI_INDEX.to_string()),
        artifact_type: None,
        manifests: Vec::new(),
        subject: None,
        annotations: None,
    };
    for img in images {
        let manifest = to_json(&img.oci_manifest());
        let desc = Descriptor::of(media_types::OCI_MANIFEST, &manifest);
        b.file(&format!("blobs/sha256/{}", desc.digest.hex()), manifest);
        b.file(
            &format!("blobs/sha256/{}", img.id().hex()),
            img.config.clone(),
        );
        for l in &img.layers {
            b.file(
                &format!("blobs/sha256/{}", l.digest().hex()),
                l.bytes.clone(),
            );
        }
        if img.tags.is_empty() {
            index.manifests.push(desc.clone());
        }
        for tag in &img.tags {
            let mut d = desc.clone();
            let short = tag
                .rsplit_once(':')
                .filter(|(_, t)| !t.contains('/'))
                .map_or("latest", |(_, t)| t);
            let mut ann = Annotations::new();
            ann.insert(CONTAINERD_NAME.to_string(), tag.clone());
            ann.insert(REF_NAME.to_string(), short.to_string());
            d.annotations = Some(ann);
            index.manifests.push(d);
        }
    }
    b.file(
        "oci-layout",
        to_json(&OciLayout {
            image_layout_version: "1.0.0".to_string(),
        }),
    );
    b.file("index.json", to_json(&index));
    b.finish(&["blobs", "blobs/sha256"])
}

/// The members of an archive: regular files by name, and symlinks (followed once, as loaders do).
struct Members {
    files: HashMap<String, Arc<[u8]>>,
    links: HashMap<String, String>,
}

impl Members {
    fn get(&self, name: &str) -> Result<Arc<[u8]>> {
        let key = member_name(name)
            .ok_or_else(|| Error::archive(name, "path climbs out of the archive"))?;
        if let Some(f) = self.files.get(&key) {
            return Ok(f.clone());
        }
        if let Some(target) = self.links.get(&key) {
            let dir = key.rsplit_once('/').map_or("", |(d, _)| d);
            let resolved = member_name(&format!("{dir}/{target}"))
                .ok_or_else(|| Error::archive(name, "symlink climbs out of the archive"))?;
            if let Some(f) = self.files.get(&resolved) {
                return Ok(f.clone());
            }
        }
        Err(Error::archive(name, "not in the archive"))
    }

    fn has(&self, name: &str) -> bool {
        member_name(name)
            .is_some_and(|k| self.files.contains_key(&k) || self.links.contains_key(&k))
    }
}

/// An archive member's key: relative, normalized; `None` if it climbs out.
fn member_name(name: &str) -> Option<String> {
    let n = normalize(name.trim_start_matches("./"))?;
    Some(n.trim_start_matches('/').to_string())
}

/// The uncompressed form of a gzip or zstd blob, at most `limits.max_expanded` bytes.
fn decompress(bytes: &[u8], limits: &ReadLimits, what: &str) -> Result<Vec<u8>> {
    let compression = Compression::detect(bytes);
    let mut out = Vec::new();
    decompressor(bytes, compression)
        .take(limits.max_expanded.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| bad_stream(what, compression, &e))?;
    if out.len() as u64 > limits.max_expanded {
        return Err(over_limit(what, limits));
    }
    Ok(out)
}

fn bad_stream(what: &str, compression: Compression, e: &io::Error) -> Error {
    let kind = match compression {
        Compression::None => "tar",
        Compression::Gzip => "gzip",
        Compression::Zstd => "zstd",
    };
    let e = e.to_string();
    if e.starts_with("bad ") {
        Error::archive(what, e)
    } else {
        Error::archive(what, format!("bad {kind} stream: {e}"))
    }
}

fn over_limit(what: &str, limits: &ReadLimits) -> Error {
    Error::archive(
        what,
        format!("expands past the limit of {} bytes", limits.max_expanded),
    )
}

/// sha256 of a blob's uncompressed form, streaming.
fn uncompressed_digest(
    bytes: &[u8],
    limits: &ReadLimits,
    what: &str,
) -> Result<(Digest, Compression)> {
    let compression = Compression::detect(bytes);
    if compression == Compression::None {
        return Ok((Digest::of(bytes), compression));
    }
    let mut w = HashingWriter::new(io::sink());
    let n = io::copy(
        &mut decompressor(bytes, compression).take(limits.max_expanded.saturating_add(1)),
        &mut w,
    )
    .map_err(|e| bad_stream(what, compression, &e))?;
    if n > limits.max_expanded {
        return Err(over_limit(what, limits));
    }
    Ok((w.finish().0, compression))
}

/// Reads a docker-archive or an OCI archive (plain, gzip- or zstd-compressed), verifying every digest.
pub fn read_archive(bytes: &[u8], limits: &ReadLimits) -> Result<Vec<ArchiveImage>> {
    let plain;
    let bytes = match Compression::detect(bytes) {
        Compression::None => bytes,
        _ => {
            plain = decompress(bytes, limits, "archive")?;
            &plain[..]
        }
    };
    let members = members(bytes, limits)?;
    if members.has("oci-layout") {
        let layout: OciLayout = from_json("oci-layout", &members.get("oci-layout")?)?;
        if layout.image_layout_version != "1.0.0" {
            return Err(Error::archive(
                "oci-layout",
                format!(
                    "unsupported imageLayoutVersion {:?}",
                    layout.image_layout_version
                ),
            ));
        }
        read_oci(&members, limits)
    } else if members.has("manifest.json") {
        read_docker(&members, limits)
    } else {
        Err(Error::archive(
            "",
            "invalid archive: does not contain a manifest.json or an OCI layout",
        ))
    }
}

fn members(bytes: &[u8], limits: &ReadLimits) -> Result<Members> {
    let mut m = Members {
        files: HashMap::new(),
        links: HashMap::new(),
    };
    let mut archive = tar::Archive::new(bytes);
    let entries = archive
        .entries()
        .map_err(|e| Error::archive("", format!("not a tar: {e}")))?;
    let mut total = 0u64;
    let mut last = String::new();
    for ent in entries {
        let mut ent =
            ent.map_err(|e| Error::archive(&last, format!("truncated or corrupt tar: {e}")))?;
        let name = String::from_utf8_lossy(&ent.path_bytes()).into_owned();
        last = name.clone();
        let key = member_name(&name)
            .ok_or_else(|| Error::archive(&name, "name climbs out of the archive"))?;
        match ent.header().entry_type() {
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                total = total.saturating_add(ent.size());
                if total > limits.max_expanded {
                    return Err(Error::archive(
                        &name,
                        format!("archive past the limit of {} bytes", limits.max_expanded),
                    ));
                }
                let mut data = Vec::new();
                ent.read_to_end(&mut data)
                    .map_err(|e| Error::archive(&name, format!("truncated: {e}")))?;
                if m.files.insert(key, data.into()).is_some() {
                    return Err(Error::archive(&name, "duplicate entry"));
                }
            }
            tar::EntryType::Symlink => {
                let target = ent
                    .link_name_bytes()
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .ok_or_else(|| Error::archive(&name, "symlink without a target"))?;
                m.links.insert(key, target);
            }
            _ => {}
        }
    }
    Ok(m)
}

/// A blob of an OCI layout by descriptor, its digest and size checked.
fn blob(members: &Members, d: &Descriptor) -> Result<Arc<[u8]>> {
    let name = format!("blobs/sha256/{}", d.digest.hex());
    let bytes = members.get(&name)?;
    if bytes.len() as u64 != d.size {
        return Err(Error::archive(
            &name,
            format!("size {} but the descriptor says {}", bytes.len(), d.size),
        ));
    }
    if Digest::of(&bytes) != d.digest {
        return Err(Error::archive(&name, "content does not match its digest"));
    }
    Ok(bytes)
}

fn read_oci(members: &Members, limits: &ReadLimits) -> Result<Vec<ArchiveImage>> {
    let index: Index = from_json("index.json", &members.get("index.json")?)?;
    let mut manifests: Vec<(Descriptor, Option<String>)> = Vec::new();
    for d in &index.manifests {
        let ann = d.annotations.as_ref();
        let tag = ann
            .and_then(|a| a.get(CONTAINERD_NAME).or_else(|| a.get(REF_NAME)))
            .cloned();
        if d.media_type == media_types::OCI_INDEX
            || d.media_type == media_types::DOCKER_MANIFEST_LIST
        {
            let nested: Index = from_json("nested index", &blob(members, d)?)?;
            manifests.extend(nested.manifests.into_iter().map(|m| (m, tag.clone())));
        } else {
            manifests.push((d.clone(), tag));
        }
    }
    let mut images: Vec<ArchiveImage> = Vec::new();
    let mut by_manifest: HashMap<Digest, usize> = HashMap::new();
    for (d, tag) in manifests {
        if let Some(&i) = by_manifest.get(&d.digest) {
            images[i].tags.extend(tag);
            continue;
        }
        let manifest: Manifest = from_json("manifest", &blob(members, &d)?)?;
        let config = blob(members, &manifest.config)?;
        let layers = manifest
            .layers
            .iter()
            .map(|l| blob(members, l))
            .collect::<Result<Vec<_>>>()?;
        let img = verified(config, layers, tag.into_iter().collect(), limits, |i| {
            format!("blobs/sha256/{}", manifest.layers[i].digest.hex())
        })?;
        by_manifest.insert(d.digest, images.len());
        images.push(img);
    }
    Ok(images)
}

fn read_docker(members: &Members, limits: &ReadLimits) -> Result<Vec<ArchiveImage>> {
    let items: Vec<ArchiveManifestItem> =
        from_json("manifest.json", &members.get("manifest.json")?)?;
    items
        .iter()
        .map(|item| {
            let config = members.get(&item.config)?;
            let layers = item
                .layers
                .iter()
                .map(|l| members.get(l))
                .collect::<Result<Vec<_>>>()?;
            verified(
                config,
                layers,
                item.repo_tags.clone().unwrap_or_default(),
                limits,
                |i| item.layers[i].clone(),
            )
        })
        .collect()
}

/// Checks a config against its layers: as many as diff_ids, each layer's uncompressed digest its diff_id.
fn verified(
    config: Arc<[u8]>,
    layers: Vec<Arc<[u8]>>,
    tags: Vec<String>,
    limits: &ReadLimits,
    name: impl Fn(usize) -> String,
) -> Result<ArchiveImage> {
    let parsed = ImageConfig::from_json(&config)?;
    parsed.validate()?;
    let diff_ids = &parsed.rootfs.diff_ids;
    if diff_ids.len() != layers.len() {
        return Err(Error::Format {
            what: "image",
            reason: format!(
                "{} layers but {} diff_ids in the config",
                layers.len(),
                diff_ids.len()
            ),
        });
    }
    let mut out = Vec::new();
    for (i, (bytes, want)) in layers.into_iter().zip(diff_ids).enumerate() {
        let (got, compression) = uncompressed_digest(&bytes, limits, &name(i))?;
        if got != *want {
            return Err(Error::archive(
                name(i),
                format!("uncompressed digest {got} is not the config's diff_id {want}"),
            ));
        }
        out.push(LayerBlob {
            bytes,
            compression,
            diff_id: got,
        });
    }
    Ok(ArchiveImage {
        config,
        layers: out,
        tags,
    })
}
