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
//! uncompressed sha256 is its `diff_id`, as many layers as diff_ids, and every layer entry as
//! [`read_layer`] does; an error names the archive member.
//!
//! Both directions stream. [`read_archive_from`] reads an archive from any `std::io::Read` once, handing
//! each member to a [`BlobSink`] (the on-disk store writes them to temporary files; [`MemoryBlobs`] keeps
//! them), then checks the images by reading the blobs back one at a time. [`write_docker_archive_to`] and
//! [`write_oci_archive_to`] write to any `std::io::Write`, reading each blob from a [`BlobSource`] as it is
//! written. Either way what is held is one copy buffer and the JSON documents, never a whole layer.
//! [`read_archive`], [`write_docker_archive`] and [`write_oci_archive`] are the in-memory forms.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufReader, Read, Write};
use std::sync::Arc;

use crate::digest::HashingReader;
use crate::image::{
    from_json, media_types, to_json, Annotations, ArchiveManifestItem, Descriptor, ImageConfig,
    Index, Manifest, OciLayout,
};
use crate::layer::{decompressor, read_layer, scan_layer, Compression, LayerScan, ReadLimits};
use crate::resolve::normalize;
use crate::{Attrs, Changeset, Digest, Entry, EntryKind, Error, Result, Timestamp};

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

/// A store of blobs by digest that archives are written from.
pub trait BlobSource {
    /// A reader of the blob with this digest, from its first byte.
    fn open(&self, digest: &Digest) -> io::Result<Box<dyn Read + '_>>;
}

/// Where the members of an archive being read go: each is stored as a blob, and read back by digest.
pub trait BlobSink: BlobSource {
    /// Stores everything `data` gives (until it ends) as a blob; returns its sha256 and length.
    fn put(&mut self, data: &mut dyn Read) -> io::Result<(Digest, u64)>;
}

/// Blobs held in memory (the browser's store, and the in-memory archive functions).
#[derive(Clone, Debug, Default)]
pub struct MemoryBlobs {
    blobs: HashMap<Digest, Arc<[u8]>>,
}

impl MemoryBlobs {
    /// No blobs.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a blob; returns its digest.
    pub fn insert(&mut self, bytes: Arc<[u8]>) -> Digest {
        let d = Digest::of(&bytes);
        self.blobs.insert(d, bytes);
        d
    }

    /// The blob with this digest.
    pub fn get(&self, digest: &Digest) -> Option<Arc<[u8]>> {
        self.blobs.get(digest).cloned()
    }
}

impl BlobSource for MemoryBlobs {
    fn open(&self, digest: &Digest) -> io::Result<Box<dyn Read + '_>> {
        let bytes = self
            .get(digest)
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("no blob {digest}")))?;
        Ok(Box::new(io::Cursor::new(bytes)))
    }
}

impl BlobSink for MemoryBlobs {
    fn put(&mut self, data: &mut dyn Read) -> io::Result<(Digest, u64)> {
        let mut bytes = Vec::new();
        data.read_to_end(&mut bytes)?;
        let n = bytes.len() as u64;
        Ok((self.insert(bytes.into()), n))
    }
}

/// A layer as a blob of a [`BlobSource`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerRef {
    /// The blob's digest (the manifest's `layers[].digest`).
    pub digest: Digest,
    /// The blob's length.
    pub size: u64,
    /// How the blob is compressed.
    pub compression: Compression,
    /// sha256 of the uncompressed tar.
    pub diff_id: Digest,
}

impl LayerRef {
    /// The OCI media type for this blob's compression.
    pub fn media_type(&self) -> &'static str {
        media_type(self.compression)
    }
}

fn media_type(c: Compression) -> &'static str {
    match c {
        Compression::None => media_types::OCI_LAYER,
        Compression::Gzip => media_types::OCI_LAYER_GZIP,
        Compression::Zstd => media_types::OCI_LAYER_ZSTD,
    }
}

/// An image whose layers are blobs of a [`BlobSource`]; the config is small and held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// The config JSON exactly as stored (its digest is the image ID).
    pub config: Arc<[u8]>,
    /// The layers, base first.
    pub layers: Vec<LayerRef>,
    /// Its references, `name:tag`.
    pub tags: Vec<String>,
}

impl ImageRef {
    /// The image ID: the digest of the config bytes.
    pub fn id(&self) -> Digest {
        Digest::of(&self.config)
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
                    d.digest = l.digest;
                    d.size = l.size;
                    d
                })
                .collect(),
            subject: None,
            annotations: None,
        }
    }
}

/// An image read from an archive: its blobs are in the sink, its layers checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadImage {
    /// The image.
    pub image: ImageRef,
    /// What checking each layer found (sizes, entries), base first.
    pub layers: Vec<LayerScan>,
}

/// In-memory images as blob references and the blobs.
fn as_refs(images: &[ArchiveImage]) -> (Vec<ImageRef>, MemoryBlobs) {
    let mut blobs = MemoryBlobs::new();
    let refs = images
        .iter()
        .map(|img| ImageRef {
            config: img.config.clone(),
            layers: img
                .layers
                .iter()
                .map(|l| LayerRef {
                    digest: blobs.insert(l.bytes.clone()),
                    size: l.bytes.len() as u64,
                    compression: l.compression,
                    diff_id: l.diff_id,
                })
                .collect(),
            tags: img.tags.clone(),
        })
        .collect();
    (refs, blobs)
}

/// One member of an archive being written.
enum Source {
    Dir,
    Bytes(Arc<[u8]>),
    /// A blob, decompressed on the way (`Compression::None`: as stored), whose bytes as written must have
    /// digest `expect` and length `size`.
    Blob {
        digest: Digest,
        decompress: Compression,
        size: u64,
        expect: Digest,
    },
}

/// Writes members sorted by name (parents before children, as `tar --sort=name`), mtime 0, 0:0, files 0644,
/// directories 0755, with the layer writer's headers.
fn write_members<W: Write>(
    members: BTreeMap<String, Source>,
    blobs: &dyn BlobSource,
    out: W,
) -> Result<W> {
    let attrs = |mode| Attrs::new(mode, 0, 0, Timestamp::default());
    let mut b = tar::Builder::new(out);
    for (name, source) in members {
        let path = format!("/{name}");
        let res = match source {
            Source::Dir => crate::layer::append_entry(
                &mut b,
                &Entry {
                    path,
                    attrs: attrs(0o755),
                    kind: EntryKind::Dir,
                },
            ),
            Source::Bytes(bytes) => crate::layer::append_file(
                &mut b,
                &path,
                &attrs(0o644),
                bytes.len() as u64,
                &mut &bytes[..],
            ),
            Source::Blob {
                digest,
                decompress,
                size,
                expect,
            } => {
                let res = blobs.open(&digest).and_then(|r| {
                    let mut r = HashingReader::new(decompressor(BufReader::new(r), decompress));
                    crate::layer::append_file(&mut b, &path, &attrs(0o644), size, &mut r)?;
                    Ok(r.finish().0)
                });
                match res {
                    Ok(got) if got != expect => {
                        return Err(Error::archive(
                            name,
                            format!("blob {digest} does not hold what it should ({got} instead of {expect})"),
                        ))
                    }
                    other => other.map(|_| ()),
                }
            }
        };
        res.map_err(|e| Error::archive(&name, e.to_string()))?;
    }
    b.into_inner()
        .map_err(|err| Error::archive("", err.to_string()))
}

/// Writes `images` as a docker-archive (what `docker save` and `docker load` exchange).
pub fn write_docker_archive(images: &[ArchiveImage]) -> Result<Vec<u8>> {
    let (refs, blobs) = as_refs(images);
    write_docker_archive_to(&refs, &blobs, &ReadLimits::DEFAULT, Vec::new())
}

/// Writes `images` as a docker-archive to `out`, streaming each layer from `blobs`. A compressed layer is
/// written uncompressed (docker-archives hold tars), read twice: once to learn its length for the tar
/// header, once to write it. Every layer's bytes are checked against its diff_id as they are written.
pub fn write_docker_archive_to<W: Write>(
    images: &[ImageRef],
    blobs: &dyn BlobSource,
    limits: &ReadLimits,
    out: W,
) -> Result<W> {
    let mut members = BTreeMap::new();
    let mut manifest = Vec::new();
    for img in images {
        let config = format!("{}.json", img.id().hex());
        members.insert(config.clone(), Source::Bytes(img.config.clone()));
        let mut layers = Vec::new();
        for l in &img.layers {
            let name = format!("{}.tar", l.diff_id.hex());
            if !members.contains_key(&name) {
                let size = match l.compression {
                    Compression::None => l.size,
                    c => uncompressed_len(blobs, &l.digest, c, limits, &name)?,
                };
                members.insert(
                    name.clone(),
                    Source::Blob {
                        digest: l.digest,
                        decompress: l.compression,
                        size,
                        expect: l.diff_id,
                    },
                );
            }
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
    members.insert(
        "manifest.json".to_string(),
        Source::Bytes(to_json(&manifest).into()),
    );
    write_members(members, blobs, out)
}

/// The length of a compressed blob's contents, decompressing it once.
fn uncompressed_len(
    blobs: &dyn BlobSource,
    digest: &Digest,
    c: Compression,
    limits: &ReadLimits,
    what: &str,
) -> Result<u64> {
    let r = blobs
        .open(digest)
        .map_err(|e| Error::archive(what, format!("reading blob {digest}: {e}")))?;
    let n = io::copy(
        &mut decompressor(BufReader::new(r), c).take(limits.max_expanded.saturating_add(1)),
        &mut io::sink(),
    )
    .map_err(|e| bad_stream(what, c, &e))?;
    if n > limits.max_expanded {
        return Err(over_limit(what, limits));
    }
    Ok(n)
}

/// Writes `images` as an OCI image layout in a tar (what `podman save --format oci-archive` writes).
pub fn write_oci_archive(images: &[ArchiveImage]) -> Result<Vec<u8>> {
    let (refs, blobs) = as_refs(images);
    write_oci_archive_to(&refs, &blobs, Vec::new())
}

/// Writes `images` as an OCI archive to `out`, streaming each layer blob as stored from `blobs` (its digest
/// checked as it is written).
pub fn write_oci_archive_to<W: Write>(
    images: &[ImageRef],
    blobs: &dyn BlobSource,
    out: W,
) -> Result<W> {
    let mut members = BTreeMap::new();
    let blob_name = |d: &Digest| format!("blobs/sha256/{}", d.hex());
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
        members.insert(blob_name(&desc.digest), Source::Bytes(manifest.into()));
        members.insert(blob_name(&img.id()), Source::Bytes(img.config.clone()));
        for l in &img.layers {
            members.insert(
                blob_name(&l.digest),
                Source::Blob {
                    digest: l.digest,
                    decompress: Compression::None,
                    size: l.size,
                    expect: l.digest,
                },
            );
        }
        if img.tags.is_empty() {
            index.manifests.push(desc.clone());
        }
        for tag in &img.tags {
            let mut d = desc.clone();
            let parsed = crate::Reference::parse(tag).ok();
            let short = parsed.as_ref().and_then(|r| r.tag()).unwrap_or("latest");
            let mut ann = Annotations::new();
            ann.insert(CONTAINERD_NAME.to_string(), tag.clone());
            ann.insert(REF_NAME.to_string(), short.to_string());
            d.annotations = Some(ann);
            index.manifests.push(d);
        }
    }
    members.insert(
        "oci-layout".to_string(),
        Source::Bytes(
            to_json(&OciLayout {
                image_layout_version: "1.0.0".to_string(),
            })
            .into(),
        ),
    );
    members.insert(
        "index.json".to_string(),
        Source::Bytes(to_json(&index).into()),
    );
    members.insert("blobs".to_string(), Source::Dir);
    members.insert("blobs/sha256".to_string(), Source::Dir);
    write_members(members, blobs, out)
}

/// A stored member of an archive being read.
#[derive(Clone, Copy, Debug)]
struct Member {
    digest: Digest,
    size: u64,
}

/// The members of an archive: regular files by name (their blobs in the sink), and symlinks (followed once,
/// as loaders do).
struct Members<'a> {
    files: HashMap<String, Member>,
    links: HashMap<String, String>,
    blobs: &'a dyn BlobSource,
}

/// The most bytes a JSON document of an archive (manifest, index, config) may have.
const MAX_JSON: u64 = 64 << 20;

impl Members<'_> {
    fn get(&self, name: &str) -> Result<Member> {
        let key = member_name(name)
            .ok_or_else(|| Error::archive(name, "path climbs out of the archive"))?;
        if let Some(f) = self.files.get(&key) {
            return Ok(*f);
        }
        if let Some(target) = self.links.get(&key) {
            let dir = key.rsplit_once('/').map_or("", |(d, _)| d);
            let resolved = member_name(&format!("{dir}/{target}"))
                .ok_or_else(|| Error::archive(name, "symlink climbs out of the archive"))?;
            if let Some(f) = self.files.get(&resolved) {
                return Ok(*f);
            }
        }
        Err(Error::archive(name, "not in the archive"))
    }

    fn has(&self, name: &str) -> bool {
        member_name(name)
            .is_some_and(|k| self.files.contains_key(&k) || self.links.contains_key(&k))
    }

    /// A small member (a JSON document) read into memory.
    fn read(&self, name: &str) -> Result<Arc<[u8]>> {
        let m = self.get(name)?;
        self.read_blob(name, &m.digest)
    }

    fn read_blob(&self, name: &str, digest: &Digest) -> Result<Arc<[u8]>> {
        let mut out = Vec::new();
        self.blobs
            .open(digest)
            .and_then(|r| r.take(MAX_JSON + 1).read_to_end(&mut out))
            .map_err(|e| Error::archive(name, format!("reading it back: {e}")))?;
        if out.len() as u64 > MAX_JSON {
            return Err(Error::archive(
                name,
                format!("larger than {MAX_JSON} bytes for a JSON document"),
            ));
        }
        Ok(out.into())
    }

    /// A blob of an OCI layout by descriptor, its digest and size checked.
    fn blob(&self, d: &Descriptor) -> Result<Member> {
        let name = format!("blobs/sha256/{}", d.digest.hex());
        let m = self.get(&name)?;
        if m.size != d.size {
            return Err(Error::archive(
                &name,
                format!("size {} but the descriptor says {}", m.size, d.size),
            ));
        }
        if m.digest != d.digest {
            return Err(Error::archive(&name, "content does not match its digest"));
        }
        Ok(m)
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

/// Reads a docker-archive or an OCI archive (plain, gzip- or zstd-compressed), verifying every digest.
pub fn read_archive(bytes: &[u8], limits: &ReadLimits) -> Result<Vec<ArchiveImage>> {
    let mut blobs = MemoryBlobs::new();
    let read = read_archive_from(bytes, limits, &mut blobs)?;
    read.into_iter()
        .map(|r| {
            let layers = r
                .image
                .layers
                .iter()
                .map(|l| {
                    let bytes = blobs.get(&l.digest).ok_or_else(|| {
                        Error::archive(format!("blobs/sha256/{}", l.digest.hex()), "lost")
                    })?;
                    Ok(LayerBlob {
                        bytes,
                        compression: l.compression,
                        diff_id: l.diff_id,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(ArchiveImage {
                config: r.image.config,
                layers,
                tags: r.image.tags,
            })
        })
        .collect()
}

/// Counts what passes and fails past the limit (for a compressed archive's expanded size).
struct Limited<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self
            .left
            .checked_sub(n as u64)
            .ok_or_else(|| io::Error::other("the archive expands past the limit"))?;
        Ok(n)
    }
}

/// Reads a docker-archive or an OCI archive (plain, gzip- or zstd-compressed) from `r` in one pass, putting
/// every regular member into `sink`, then checks the images it holds against the stored blobs: each blob's
/// digest and size, each layer entry by entry ([`scan_layer`]) and its diff_id. Nothing is held but one
/// buffer and the JSON documents. On error the sink may hold some members: the caller discards them.
pub fn read_archive_from<R: Read>(
    r: R,
    limits: &ReadLimits,
    sink: &mut dyn BlobSink,
) -> Result<Vec<ReadImage>> {
    let mut r = BufReader::with_capacity(64 << 10, r);
    let head = io::BufRead::fill_buf(&mut r)
        .map_err(|e| Error::archive("", format!("reading the archive: {e}")))?;
    let compression = Compression::detect(head);
    let plain = Limited {
        inner: decompressor(r, compression),
        left: limits.max_expanded.saturating_add(1),
    };
    let (files, links) = store_members(plain, limits, sink, compression)?;
    let members = Members {
        files,
        links,
        blobs: &*sink,
    };
    if members.has("oci-layout") {
        let layout: OciLayout = from_json("oci-layout", &members.read("oci-layout")?)?;
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

type MemberMaps = (HashMap<String, Member>, HashMap<String, String>);

fn store_members(
    plain: impl Read,
    limits: &ReadLimits,
    sink: &mut dyn BlobSink,
    compression: Compression,
) -> Result<MemberMaps> {
    let mut files = HashMap::new();
    let mut links = HashMap::new();
    let mut archive = tar::Archive::new(plain);
    let read_err = |name: &str, e: io::Error| {
        let text = e.to_string();
        if text.contains("expands past the limit") {
            over_limit(name, limits)
        } else if compression != Compression::None && !text.starts_with("bad ") {
            bad_stream(name, compression, &e)
        } else {
            Error::archive(name, format!("truncated or corrupt tar: {e}"))
        }
    };
    let entries = archive
        .entries()
        .map_err(|e| Error::archive("", format!("not a tar: {e}")))?;
    let mut total = 0u64;
    let mut last = String::new();
    for ent in entries {
        let mut ent = ent.map_err(|e| read_err(&last, e))?;
        let name = String::from_utf8_lossy(&ent.path_bytes()).into_owned();
        last = name.clone();
        let key = member_name(&name)
            .ok_or_else(|| Error::archive(&name, "name climbs out of the archive"))?;
        match ent.header().entry_type() {
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                let size = ent.size();
                total = total.saturating_add(size);
                if total > limits.max_expanded {
                    return Err(Error::archive(
                        &name,
                        format!("archive past the limit of {} bytes", limits.max_expanded),
                    ));
                }
                let (digest, n) = sink.put(&mut ent).map_err(|e| read_err(&name, e))?;
                if n != size {
                    return Err(Error::archive(
                        &name,
                        format!("truncated: {n} of {size} bytes"),
                    ));
                }
                if files.insert(key, Member { digest, size }).is_some() {
                    return Err(Error::archive(&name, "duplicate entry"));
                }
            }
            tar::EntryType::Symlink => {
                let target = ent
                    .link_name_bytes()
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .ok_or_else(|| Error::archive(&name, "symlink without a target"))?;
                links.insert(key, target);
            }
            _ => {}
        }
    }
    Ok((files, links))
}

fn read_oci(members: &Members<'_>, limits: &ReadLimits) -> Result<Vec<ReadImage>> {
    let index: Index = from_json("index.json", &members.read("index.json")?)?;
    let mut manifests: Vec<(Descriptor, Option<String>)> = Vec::new();
    for d in &index.manifests {
        let ann = d.annotations.as_ref();
        let tag = ann
            .and_then(|a| a.get(CONTAINERD_NAME).or_else(|| a.get(REF_NAME)))
            .cloned();
        if d.media_type == media_types::OCI_INDEX
            || d.media_type == media_types::DOCKER_MANIFEST_LIST
        {
            let m = members.blob(d)?;
            let nested: Index = from_json(
                "nested index",
                &members.read_blob(&format!("blobs/sha256/{}", d.digest.hex()), &m.digest)?,
            )?;
            manifests.extend(nested.manifests.into_iter().map(|m| (m, tag.clone())));
        } else {
            manifests.push((d.clone(), tag));
        }
    }
    let mut images: Vec<ReadImage> = Vec::new();
    let mut by_manifest: HashMap<Digest, usize> = HashMap::new();
    let mut scanned = HashMap::new();
    for (d, tag) in manifests {
        if let Some(&i) = by_manifest.get(&d.digest) {
            images[i].image.tags.extend(tag);
            continue;
        }
        let blob_name = |d: &Digest| format!("blobs/sha256/{}", d.hex());
        let m = members.blob(&d)?;
        let manifest: Manifest = from_json(
            "manifest",
            &members.read_blob(&blob_name(&d.digest), &m.digest)?,
        )?;
        let c = members.blob(&manifest.config)?;
        let config = members.read_blob(&blob_name(&manifest.config.digest), &c.digest)?;
        let layers = manifest
            .layers
            .iter()
            .map(|l| members.blob(l).map(|m| (blob_name(&l.digest), m)))
            .collect::<Result<Vec<_>>>()?;
        let img = verified(
            members,
            config,
            layers,
            tag.into_iter().collect(),
            limits,
            &mut scanned,
        )?;
        by_manifest.insert(d.digest, images.len());
        images.push(img);
    }
    Ok(images)
}

fn read_docker(members: &Members<'_>, limits: &ReadLimits) -> Result<Vec<ReadImage>> {
    let items: Vec<ArchiveManifestItem> =
        from_json("manifest.json", &members.read("manifest.json")?)?;
    let mut scanned = HashMap::new();
    items
        .iter()
        .map(|item| {
            let config = members.read(&item.config)?;
            let layers = item
                .layers
                .iter()
                .map(|l| members.get(l).map(|m| (l.clone(), m)))
                .collect::<Result<Vec<_>>>()?;
            verified(
                members,
                config,
                layers,
                item.repo_tags.clone().unwrap_or_default(),
                limits,
                &mut scanned,
            )
        })
        .collect()
}

/// Checks a config against its layers (named by member): as many as diff_ids, each layer's entries as
/// [`scan_layer`] checks them and its uncompressed digest its diff_id. `scanned` remembers layers already
/// checked (images of one archive share layers).
fn verified(
    members: &Members<'_>,
    config: Arc<[u8]>,
    layers: Vec<(String, Member)>,
    tags: Vec<String>,
    limits: &ReadLimits,
    scanned: &mut HashMap<Digest, LayerScan>,
) -> Result<ReadImage> {
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
    let mut refs = Vec::new();
    let mut summaries = Vec::new();
    for ((name, m), want) in layers.into_iter().zip(diff_ids) {
        let summary = match scanned.get(&m.digest) {
            Some(s) => *s,
            None => {
                let s = scan_blob(members.blobs, &m.digest, limits, &name)?;
                scanned.insert(m.digest, s);
                s
            }
        };
        if summary.diff_id != *want {
            return Err(Error::archive(
                name,
                format!(
                    "uncompressed digest {} is not the config's diff_id {want}",
                    summary.diff_id
                ),
            ));
        }
        refs.push(LayerRef {
            digest: m.digest,
            size: m.size,
            compression: summary.compression,
            diff_id: summary.diff_id,
        });
        summaries.push(summary);
    }
    Ok(ReadImage {
        image: ImageRef {
            config,
            layers: refs,
            tags,
        },
        layers: summaries,
    })
}

/// Scans a layer blob; errors name the member `name` (and the layer entry, if it is about one).
fn scan_blob(
    blobs: &dyn BlobSource,
    digest: &Digest,
    limits: &ReadLimits,
    name: &str,
) -> Result<LayerScan> {
    let r = blobs
        .open(digest)
        .map_err(|e| Error::archive(name, format!("reading it back: {e}")))?;
    scan_layer(BufReader::new(r), limits).map_err(|e| match e {
        Error::Archive { entry, reason } if entry.is_empty() => Error::archive(name, reason),
        Error::Archive { entry, reason } => {
            Error::archive(name, format!("layer entry {entry:?}: {reason}"))
        }
        other => Error::archive(name, other.to_string()),
    })
}

/// Checks an image whose blobs are in `blobs` as reading an archive does (config, diff_ids, every layer
/// entry by entry); returns what each layer holds. For images that did not come from an archive (a build,
/// a commit) before they are stored.
pub fn check_image(
    image: &ImageRef,
    blobs: &dyn BlobSource,
    limits: &ReadLimits,
) -> Result<Vec<LayerScan>> {
    let parsed = ImageConfig::from_json(&image.config)?;
    parsed.validate()?;
    let diff_ids = &parsed.rootfs.diff_ids;
    if diff_ids.len() != image.layers.len() {
        return Err(Error::Format {
            what: "image",
            reason: format!(
                "{} layers but {} diff_ids in the config",
                image.layers.len(),
                diff_ids.len()
            ),
        });
    }
    let mut out = Vec::new();
    for (i, (l, want)) in image.layers.iter().zip(diff_ids).enumerate() {
        let name = format!("layer {} ({})", i + 1, l.digest);
        let s = scan_blob(blobs, &l.digest, limits, &name)?;
        if s.diff_id != *want {
            return Err(Error::archive(
                name,
                format!(
                    "uncompressed digest {} is not the config's diff_id {want}",
                    s.diff_id
                ),
            ));
        }
        if s.diff_id != l.diff_id {
            return Err(Error::archive(
                name,
                format!(
                    "uncompressed digest {} is not the diff_id {} the layer came with",
                    s.diff_id, l.diff_id
                ),
            ));
        }
        out.push(s);
    }
    Ok(out)
}
