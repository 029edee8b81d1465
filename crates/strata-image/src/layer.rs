//! Layer tars: deterministic writing, defensive reading, compression and digests.
//!
//! [`write_tar`] writes a [`Changeset`] as Docker does: ustar headers, PAX records only where ustar cannot hold
//! a value (long names and link targets, sizes from 8 GiB, ids from 2^21, times before 1970 or after 2242,
//! xattrs), entries in the changeset's order, directory names with a trailing `/`, whiteouts and opaque
//! markers as empty regular files. Nothing depends on the clock or the host: the same changeset always gives
//! the same bytes, hence the same `diff_id`. Times are written in whole seconds, as Docker's writer does.
//!
//! [`read_layer`] reads a plain, gzip- or zstd-compressed layer back into a [`Changeset`] and refuses anything
//! that could reach outside the tree it will be applied to or that is not a well-formed layer; every error
//! names the entry. [`scan_layer`] makes the same checks on a stream without keeping file contents (for layers
//! larger than memory) and returns the `diff_id` and sizes. zstd is decoded by the pure-Rust [`crate::zstd`]
//! decoder (reading only; layers are written plain or gzip). The expanded-size limit of [`ReadLimits`] applies
//! to the decompressed stream whatever the compression, so a gzip or zstd bomb stops there.

use std::collections::HashSet;
use std::io::{self, BufRead, Read, Seek, SeekFrom, Write};

use flate2::bufread::MultiGzDecoder;
use flate2::write::GzEncoder;
use flate2::{Compression as GzLevel, GzBuilder};
use tar::{EntryType, Header};

use crate::changeset::{OPAQUE_MARKER, WHITEOUT_PREFIX};
use crate::digest::HashingWriter;
use crate::resolve::normalize;
use crate::{Attrs, Changeset, Content, Digest, Entry, EntryKind, Error, Result, Timestamp};

/// How a layer blob is compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// A plain tar (`application/vnd.oci.image.layer.v1.tar`).
    None,
    /// Gzip (`…tar+gzip`).
    Gzip,
    /// Zstandard (`…tar+zstd`): read, not written.
    Zstd,
}

impl Compression {
    /// Recognizes the compression from a blob's first bytes.
    pub fn detect(blob: &[u8]) -> Compression {
        if blob.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if blob.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

/// The identities of a written layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerDigests {
    /// sha256 of the uncompressed tar (`rootfs.diff_ids`).
    pub diff_id: Digest,
    /// sha256 of the blob as stored (the manifest's `layers[].digest`).
    pub digest: Digest,
    /// Byte length of the blob as stored.
    pub size: u64,
}

const USTAR_MAX_OCTAL_11: u64 = 0o77_777_777_777;
const USTAR_MAX_ID: u64 = 0o7_777_777;

/// The PAX record that gives a described file's size (see [`write_described_tar`]).
pub const MODELLED_SIZE: &str = "STRATA.modelled.size";
/// The PAX record that gives a described file's seed (see [`write_described_tar`]).
pub const MODELLED_SEED: &str = "STRATA.modelled.seed";

/// Writes `layer` as a tar stream to `w` and returns `w`: every file with its bytes (modelled ones
/// generated), the tar `docker load` takes.
pub fn write_tar<W: Write>(layer: &Changeset, w: W) -> Result<W> {
    write_entries(layer, w, false)
}

/// Writes `layer`'s *description* to `w`: the tar [`write_tar`] writes, except that a file with modelled
/// content has no bytes, only two PAX records that say what they would be ([`MODELLED_SIZE`],
/// [`MODELLED_SEED`]). [`read_tar`] reads it back into the same changeset. A layer with no modelled file is
/// described by its own tar. This is how a preview keeps a modelled layer (a base model's hundreds of MB,
/// a package manager's files): its cost follows its entries, not the bytes they stand for.
pub fn write_described_tar<W: Write>(layer: &Changeset, w: W) -> Result<W> {
    write_entries(layer, w, true)
}

fn write_entries<W: Write>(layer: &Changeset, w: W, described: bool) -> Result<W> {
    let mut b = tar::Builder::new(w);
    for e in &layer.entries {
        let modelled = match &e.kind {
            EntryKind::File(c) if described => c.modelled_parts(),
            _ => None,
        };
        let res = match modelled {
            Some(parts) => append_described(&mut b, e, parts),
            None => append_entry(&mut b, e),
        };
        res.map_err(|err| Error::archive(e.tar_name(), err.to_string()))?;
    }
    b.into_inner()
        .map_err(|err| Error::archive("", err.to_string()))
}

/// The uncompressed tar of `layer`.
pub fn to_tar(layer: &Changeset) -> Result<Vec<u8>> {
    write_tar(layer, Vec::new())
}

/// The `diff_id` of `layer` as a build records it, computed while streaming (the tar is never held in
/// memory): the sha256 of its tar, or, for a layer with modelled files ([`Changeset::is_modelled`]), of its
/// description ([`write_described_tar`]). A modelled layer's digest therefore names its description, whose
/// `STRATA.modelled` records say what it is; taking the image out ([`write_layer`], an archive) writes the
/// bytes and gives the real digest.
pub fn diff_id(layer: &Changeset) -> Result<Digest> {
    let (d, _, _) = write_described_tar(layer, HashingWriter::new(io::sink()))?.finish();
    Ok(d)
}

/// The sha256 of `layer`'s tar with every byte, modelled ones generated: the `diff_id` it has once taken
/// out.
pub fn real_diff_id(layer: &Changeset) -> Result<Digest> {
    let (d, _, _) = write_tar(layer, HashingWriter::new(io::sink()))?.finish();
    Ok(d)
}

/// The layer blob with the given compression and its digests. Gzip output is deterministic (no file name,
/// mtime 0).
pub fn write_layer(layer: &Changeset, compression: Compression) -> Result<(Vec<u8>, LayerDigests)> {
    match compression {
        Compression::None => {
            let (diff_id, size, tar) = write_tar(layer, HashingWriter::new(Vec::new()))?.finish();
            Ok((
                tar,
                LayerDigests {
                    diff_id,
                    digest: diff_id,
                    size,
                },
            ))
        }
        Compression::Gzip => {
            let gz = GzBuilder::new()
                .mtime(0)
                .write(HashingWriter::new(Vec::new()), GzLevel::default());
            let inner = write_tar(layer, HashingWriter::new(gz))?;
            let (diff_id, _, gz) = inner.finish();
            let blob = gz.finish().map_err(|e| Error::archive("", e.to_string()))?;
            let (digest, size, blob) = blob.finish();
            Ok((
                blob,
                LayerDigests {
                    diff_id,
                    digest,
                    size,
                },
            ))
        }
        Compression::Zstd => Err(Error::archive("", "writing zstd layers is not supported")),
    }
}

/// Gzip-compresses bytes deterministically.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz: GzEncoder<Vec<u8>> = GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), GzLevel::default());
    // Writing to a Vec cannot fail.
    let _ = gz.write_all(bytes);
    gz.finish().unwrap_or_default()
}

/// Appends a regular file whose `size` bytes come from `data` to a tar being written, with the same headers
/// [`write_tar`] writes for a file entry. `data` must give exactly `size` bytes: fewer or more is an error
/// (the tar would be corrupt otherwise). The bytes are copied through one buffer.
pub(crate) fn append_file<W: Write>(
    b: &mut tar::Builder<W>,
    path: &str,
    attrs: &Attrs,
    size: u64,
    data: &mut dyn Read,
) -> io::Result<()> {
    let e = Entry {
        path: path.to_string(),
        attrs: attrs.clone(),
        kind: EntryKind::File(Content::modelled(size, 0)),
    };
    append_with(
        b,
        &e,
        &mut Exact {
            inner: data,
            left: size,
        },
        None,
    )
}

/// A reader that gives exactly `left` bytes of `inner` and fails if `inner` has fewer or more.
struct Exact<'a> {
    inner: &'a mut dyn Read,
    left: u64,
}

impl Read for Exact<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the data is longer than its declared size",
                )),
            };
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "the data ends {} bytes short of its declared size",
                    self.left
                ),
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// Appends `e` (its contents, if a file, from memory) to a tar being written.
pub(crate) fn append_entry<W: Write>(b: &mut tar::Builder<W>, e: &Entry) -> io::Result<()> {
    match &e.kind {
        EntryKind::File(c) => append_with(b, e, &mut c.reader(), None),
        _ => append_with(b, e, &mut io::empty(), None),
    }
}

/// Appends the modelled file `e` as its description: no bytes, its `(size, seed)` in PAX records.
fn append_described<W: Write>(
    b: &mut tar::Builder<W>,
    e: &Entry,
    (size, seed): (u64, u64),
) -> io::Result<()> {
    append_with(b, e, &mut io::empty(), Some((size, seed)))
}

/// Appends `e` with its data read from `data` (the entry's size comes from `e`); `described`: a modelled
/// file written as its description, `(size, seed)`, with no data.
fn append_with<W: Write>(
    b: &mut tar::Builder<W>,
    e: &Entry,
    data: &mut dyn Read,
    described: Option<(u64, u64)>,
) -> io::Result<()> {
    let name = e.tar_name();
    let mut h = Header::new_ustar();
    let mut pax: Vec<(String, Vec<u8>)> = Vec::new();
    if let Some((size, seed)) = described {
        pax.push((MODELLED_SIZE.to_string(), size.to_string().into_bytes()));
        pax.push((MODELLED_SEED.to_string(), seed.to_string().into_bytes()));
    }
    let (ty, size, link) = match &e.kind {
        EntryKind::Dir => (EntryType::Directory, 0, None),
        EntryKind::File(_) if described.is_some() => (EntryType::Regular, 0, None),
        EntryKind::File(c) => (EntryType::Regular, c.len(), None),
        EntryKind::Symlink(t) => (EntryType::Symlink, 0, Some(t.clone())),
        EntryKind::Hardlink(t) => (
            EntryType::Link,
            0,
            Some(t.trim_start_matches('/').to_string()),
        ),
        EntryKind::CharDevice { .. } => (EntryType::Char, 0, None),
        EntryKind::BlockDevice { .. } => (EntryType::Block, 0, None),
        EntryKind::Fifo => (EntryType::Fifo, 0, None),
        EntryKind::Whiteout | EntryKind::Opaque => (EntryType::Regular, 0, None),
    };
    h.set_entry_type(ty);
    octal(&mut h.as_old_mut().mode, u64::from(e.attrs.mode & 0o7777));
    for (key, value) in [
        ("uid", u64::from(e.attrs.uid)),
        ("gid", u64::from(e.attrs.gid)),
    ] {
        let field = if key == "uid" {
            &mut h.as_old_mut().uid
        } else {
            &mut h.as_old_mut().gid
        };
        if value > USTAR_MAX_ID {
            pax.push((key.to_string(), value.to_string().into_bytes()));
            octal(field, 0);
        } else {
            octal(field, value);
        }
    }
    let secs = e.attrs.mtime.secs;
    match u64::try_from(secs) {
        Ok(s) if s <= USTAR_MAX_OCTAL_11 => octal(&mut h.as_old_mut().mtime, s),
        _ => {
            pax.push(("mtime".to_string(), secs.to_string().into_bytes()));
            octal(&mut h.as_old_mut().mtime, 0);
        }
    }
    if size > USTAR_MAX_OCTAL_11 {
        pax.push(("size".to_string(), size.to_string().into_bytes()));
        // Beyond ustar's octal range the tar crate's base-256 form is kept (and PAX says the truth).
        h.set_size(size);
    } else {
        octal(&mut h.as_old_mut().size, size);
    }
    if let EntryKind::CharDevice { major, minor } | EntryKind::BlockDevice { major, minor } = e.kind
    {
        h.set_device_major(major)?;
        h.set_device_minor(minor)?;
    }
    if !set_ustar_name(&mut h, &name) {
        pax.push(("path".to_string(), name.clone().into_bytes()));
        set_field(&mut h.as_old_mut().name, &name);
    }
    if let Some(link) = &link {
        if link.len() > 100 {
            pax.push(("linkpath".to_string(), link.clone().into_bytes()));
        }
        set_field(&mut h.as_old_mut().linkname, link);
    }
    for (k, v) in &e.attrs.xattrs {
        pax.push((format!("SCHILY.xattr.{k}"), v.clone()));
    }
    if !pax.is_empty() {
        crate::sort::sort(&mut pax);
        b.append_pax_extensions(pax.iter().map(|(k, v)| (k.as_str(), v.as_slice())))?;
    }
    set_cksum(&mut h);
    b.append(&h, data)
}

/// A numeric header field as the tar crate writes one that fits: octal digits, zero-padded, NUL last
/// (written here without `format!`: headers are the hot path of big layers).
fn octal(field: &mut [u8], mut v: u64) {
    let Some((last, digits)) = field.split_last_mut() else {
        return;
    };
    *last = 0;
    for d in digits.iter_mut().rev() {
        *d = b'0' + (v & 7) as u8;
        v >>= 3;
    }
}

/// The header checksum as the tar crate writes it: the byte sum with the checksum field taken as spaces,
/// in the same octal form as [`octal`].
fn set_cksum(h: &mut Header) {
    let sum: u64 = h
        .as_bytes()
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(b)
            }
        })
        .sum();
    octal(&mut h.as_old_mut().cksum, sum);
}

/// Stores `name` in the ustar name field, or split at a `/` into prefix (155) and name (100) as Go's writer
/// does; false when it does not fit (it then goes in a PAX record).
fn set_ustar_name(h: &mut Header, name: &str) -> bool {
    if name.len() <= 100 {
        set_field(&mut h.as_old_mut().name, name);
        return true;
    }
    if name.len() > 256 {
        return false;
    }
    // The prefix excludes the separating slash; the name part must be non-empty.
    let bytes = name.as_bytes();
    let split = (0..bytes.len())
        .rev()
        .find(|&i| bytes[i] == b'/' && i <= 155 && bytes.len() - i - 1 <= 100);
    match (split, h.as_ustar_mut()) {
        (Some(i), Some(u)) if i > 0 && i + 1 < bytes.len() => {
            set_field(&mut u.prefix, &name[..i]);
            set_field(&mut u.name, &name[i + 1..]);
            true
        }
        _ => false,
    }
}

/// Copies as much of `value` as fits into a NUL-padded header field (cut at a character boundary).
fn set_field(field: &mut [u8], value: &str) {
    let mut cut = field.len().min(value.len());
    while !value.is_char_boundary(cut) {
        cut -= 1;
    }
    field.fill(0);
    field[..cut].copy_from_slice(&value.as_bytes()[..cut]);
}

/// Limits for reading untrusted layers.
#[derive(Clone, Copy, Debug)]
pub struct ReadLimits {
    /// The most uncompressed bytes a layer may expand to (tar headers included): a gzip bomb stops here.
    pub max_expanded: u64,
    /// The most entries a layer may have.
    pub max_entries: usize,
}

impl ReadLimits {
    /// 8 GiB and a million entries: bigger than any sane layer, small enough to stop a bomb.
    pub const DEFAULT: ReadLimits = ReadLimits {
        max_expanded: 8 << 30,
        max_entries: 1_000_000,
    };
}

/// Reads a layer blob (plain tar, gzip or zstd; the compression is detected) into a changeset. The
/// expanded-size limit applies to the decompressed stream, so a gzip or zstd bomb stops there.
pub fn read_layer(blob: &[u8], limits: &ReadLimits) -> Result<Changeset> {
    read_tar(decompressor(blob, Compression::detect(blob)), limits)
}

/// A reader of what a blob compressed with `compression` holds, decompressing as it is read (plain blobs
/// pass through). Gzip and zstd streams of several members or frames are read to the end; a corrupt or
/// truncated stream is a read error. Nothing limits the expanded size here: count what you read (as
/// [`read_tar`] does with [`ReadLimits::max_expanded`]).
pub fn decompressor<'a, R: BufRead + 'a>(r: R, compression: Compression) -> Box<dyn Read + 'a> {
    // The decoders read through a `dyn BufRead`: one copy of each in the wasm, not one per reader type.
    decoder(Box::new(r), compression)
}

/// [`decompressor`] of a boxed reader.
fn decoder<'a>(r: Box<dyn BufRead + 'a>, compression: Compression) -> Box<dyn Read + 'a> {
    match compression {
        Compression::None => Box::new(r),
        Compression::Gzip => Box::new(MultiGzDecoder::new(r)),
        Compression::Zstd => Box::new(crate::zstd::ZstdDecoder::new(r)),
    }
}

/// Counts what passes, fails past the limit, and remembers whether the stream ended.
struct Guard<R> {
    inner: R,
    read: u64,
    limit: u64,
    eof: bool,
}

const OVER_LIMIT: &str = "strata: expanded size over the limit";

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.eof = true;
        }
        self.read += n as u64;
        if self.read > self.limit {
            return Err(io::Error::other(OVER_LIMIT));
        }
        Ok(n)
    }
}

impl<R: Read + Seek> Seek for Guard<R> {
    /// What the archive skips by seeking counts towards the expanded-size limit, as if it were read.
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let at = self.inner.seek(pos)?;
        self.read = self.read.max(at);
        if self.read > self.limit {
            return Err(io::Error::other(OVER_LIMIT));
        }
        Ok(at)
    }
}

/// Reads an uncompressed tar stream into a changeset, validating every entry (see the module docs).
pub fn read_tar<R: Read>(r: R, limits: &ReadLimits) -> Result<Changeset> {
    let mut entries = Vec::new();
    walk_tar(r, limits, &mut Keep::Bytes, |e| entries.push(e))?;
    Ok(Changeset { entries })
}

/// Reads an uncompressed tar stream as [`read_tar`] does, except that a file's contents may stay where they
/// are: for each regular file, `external(offset, size)` (the offset of its data in the stream) may return
/// the content to use instead of reading it into memory (a native store hands out a blob's range this way,
/// so a large layer costs no memory); the file's bytes are then read past. `None` keeps the bytes.
pub fn read_tar_with<R: Read>(
    r: R,
    limits: &ReadLimits,
    external: &mut dyn FnMut(u64, u64) -> Option<Content>,
) -> Result<Changeset> {
    let mut entries = Vec::new();
    walk_tar(r, limits, &mut Keep::External(external), |e| {
        entries.push(e)
    })?;
    Ok(Changeset { entries })
}

/// [`read_tar_with`] over a stream that can seek (a stored blob): the contents `external` takes are skipped
/// by seeking instead of read past, so a cache hit on a large layer reads its headers only.
pub fn read_tar_seekable<R: Read + Seek>(
    r: R,
    limits: &ReadLimits,
    external: &mut dyn FnMut(u64, u64) -> Option<Content>,
) -> Result<Changeset> {
    let mut entries = Vec::new();
    let mut archive = tar::Archive::new(guard(r, limits));
    let iter = archive
        .entries_with_seek()
        .map_err(|e| tar_io_error("", e, limits))?;
    // What follows the end-of-archive marker is not read: a seekable stream is a stored blob, whole by its
    // digest.
    walk_entries(iter, limits, &mut Keep::Skip(external), |e| entries.push(e))?;
    Ok(Changeset { entries })
}

/// What [`walk_tar`] does with file contents.
enum Keep<'a> {
    /// Read past them: a file's entry has modelled content of its size.
    Nothing,
    /// Keep them in memory.
    Bytes,
    /// Ask for external content first (see [`read_tar_with`]), else keep them in memory.
    External(&'a mut dyn FnMut(u64, u64) -> Option<Content>),
    /// As `External`, on a seekable stream: external contents are not read at all.
    Skip(&'a mut dyn FnMut(u64, u64) -> Option<Content>),
}

/// What [`scan_layer`] found in a layer blob.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerScan {
    /// How the blob is compressed.
    pub compression: Compression,
    /// sha256 of the uncompressed tar (the layer's `diff_id`).
    pub diff_id: Digest,
    /// Length of the uncompressed tar.
    pub tar_size: u64,
    /// How many entries the layer has (whiteouts and opaque markers included).
    pub entries: usize,
    /// The layer's size as Docker's overlay2 driver reports it: the bytes of regular files and symlink
    /// targets (hard links count nothing).
    pub size: u64,
}

/// Checks a layer blob (plain, gzip or zstd) as [`read_layer`] does, entry by entry, without keeping file
/// contents: it reads the blob once, holding one buffer and the entries' names, and returns its `diff_id` and
/// sizes. This is how a layer far larger than memory is verified before it is stored.
pub fn scan_layer<R: BufRead>(mut blob: R, limits: &ReadLimits) -> Result<LayerScan> {
    let head = blob
        .fill_buf()
        .map_err(|e| Error::archive("", format!("reading the layer: {e}")))?;
    let compression = Compression::detect(head);
    let mut hashing = crate::digest::HashingReader::new(decompressor(blob, compression));
    let mut entries = 0;
    let mut size = 0u64;
    walk_tar(&mut hashing, limits, &mut Keep::Nothing, |e| {
        entries += 1;
        size += match &e.kind {
            EntryKind::File(c) => c.len(),
            EntryKind::Symlink(t) => t.len() as u64,
            _ => 0,
        };
    })?;
    let (diff_id, tar_size, _) = hashing.finish();
    Ok(LayerScan {
        compression,
        diff_id,
        tar_size,
        entries,
        size,
    })
}

/// Reads a tar stream entry by entry, validating each, handing each to `each`; file contents as `keep` says.
fn guard<R>(r: R, limits: &ReadLimits) -> Guard<R> {
    Guard {
        inner: r,
        read: 0,
        limit: limits.max_expanded,
        eof: false,
    }
}

fn tar_io_error(last: &str, e: io::Error, limits: &ReadLimits) -> Error {
    if e.to_string().contains(OVER_LIMIT) {
        Error::archive(
            last,
            format!(
                "layer expands past the limit of {} bytes",
                limits.max_expanded
            ),
        )
    } else {
        Error::archive(last, format!("truncated or corrupt tar: {e}"))
    }
}

fn walk_tar<R: Read>(
    r: R,
    limits: &ReadLimits,
    keep: &mut Keep<'_>,
    each: impl FnMut(Entry),
) -> Result<()> {
    let mut archive = tar::Archive::new(guard(r, limits));
    let iter = archive.entries().map_err(|e| tar_io_error("", e, limits))?;
    let last = walk_entries(iter, limits, keep, each)?;
    let mut rest = archive.into_inner();
    if rest.eof {
        return Err(Error::archive(
            &last,
            "truncated tar: the stream ends without the end-of-archive marker",
        ));
    }
    // Read what follows the end-of-archive marker (padding to the record size), so that a compressed
    // stream is decoded to its end and a truncated or corrupt end (a bad checksum) is found.
    io::copy(&mut rest, &mut io::sink()).map_err(|e| tar_io_error(&last, e, limits))?;
    Ok(())
}

/// Every entry of `iter`, validated, handed to `each`; returns the last entry's name.
fn walk_entries<R: Read>(
    iter: tar::Entries<'_, R>,
    limits: &ReadLimits,
    keep: &mut Keep<'_>,
    mut each: impl FnMut(Entry),
) -> Result<String> {
    let mut count = 0usize;
    let mut seen: HashSet<String> = HashSet::new();
    let mut last = String::new();
    for item in iter {
        let mut ent = item.map_err(|e| tar_io_error(&last, e, limits))?;
        let raw = String::from_utf8(ent.path_bytes().into_owned())
            .map_err(|_| Error::archive(&last, "the next entry's name is not UTF-8"))?;
        last = raw.clone();
        if count >= limits.max_entries {
            return Err(Error::archive(
                &raw,
                format!("more than {} entries", limits.max_entries),
            ));
        }
        if let Some(e) =
            read_entry(&mut ent, &raw, &mut seen, limits, keep).map_err(|e| match e {
                Error::Archive { .. } => e,
                other => Error::archive(&raw, other.to_string()),
            })?
        {
            count += 1;
            each(e);
        }
    }
    Ok(last)
}

fn read_entry<R: Read>(
    ent: &mut tar::Entry<'_, R>,
    raw: &str,
    seen: &mut HashSet<String>,
    limits: &ReadLimits,
    keep: &mut Keep<'_>,
) -> Result<Option<Entry>> {
    let bad = |reason: &str| Error::archive(raw, reason);
    if raw.starts_with('/') {
        return Err(bad("absolute name"));
    }
    let rel = raw.trim_start_matches("./");
    if rel.split('/').any(|c| c == "..") {
        return Err(bad("name climbs out of the root with `..`"));
    }
    let path = normalize(rel).ok_or_else(|| bad("name climbs out of the root with `..`"))?;
    if !seen.insert(path.clone()) {
        return Err(bad("duplicate entry"));
    }
    let h = ent.header();
    let ty = h.entry_type();
    let mut attrs = Attrs::new(
        h.mode().map_err(|_| bad("bad mode field"))?,
        h.uid()
            .ok()
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| bad("bad uid field"))?,
        h.gid()
            .ok()
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| bad("bad gid field"))?,
        Timestamp::from_secs(
            h.mtime()
                .ok()
                .and_then(|v| i64::try_from(v).ok())
                .ok_or_else(|| bad("bad mtime field"))?,
        ),
    );
    let size = ent.size();
    let device = (
        h.device_major().ok().flatten().unwrap_or(0),
        h.device_minor().ok().flatten().unwrap_or(0),
    );
    let link = ent
        .link_name_bytes()
        .map(|b| String::from_utf8(b.into_owned()));
    // A described file's (size, seed) (see `write_described_tar`).
    let mut described: (Option<u64>, Option<u64>) = (None, None);
    if let Some(pax) = ent
        .pax_extensions()
        .map_err(|e| bad(&format!("bad PAX header: {e}")))?
    {
        for ext in pax {
            let ext = ext.map_err(|e| bad(&format!("bad PAX record: {e}")))?;
            let Ok(key) = ext.key() else { continue };
            let value = ext.value_bytes();
            let num = || {
                std::str::from_utf8(value)
                    .ok()
                    .map(|s| s.trim().to_string())
            };
            if let Some(x) = key.strip_prefix("SCHILY.xattr.") {
                attrs.xattrs.insert(x.to_string(), value.to_vec());
            } else if key == MODELLED_SIZE {
                described.0 = Some(
                    num()
                        .and_then(|s| s.parse().ok())
                        .ok_or_else(|| bad("bad PAX modelled size"))?,
                );
            } else if key == MODELLED_SEED {
                described.1 = Some(
                    num()
                        .and_then(|s| s.parse().ok())
                        .ok_or_else(|| bad("bad PAX modelled seed"))?,
                );
            } else if key == "uid" {
                attrs.uid = num()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| bad("bad PAX uid"))?;
            } else if key == "gid" {
                attrs.gid = num()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| bad("bad PAX gid"))?;
            } else if key == "mtime" {
                attrs.mtime = num()
                    .and_then(|s| parse_pax_time(&s))
                    .ok_or_else(|| bad("bad PAX mtime"))?;
            }
        }
    }
    let (dir, base) = match path.rsplit_once('/') {
        Some(("", b)) => ("/", b),
        Some((d, b)) => (d, b),
        None => ("/", ""),
    };
    if let Some(target) = base.strip_prefix(WHITEOUT_PREFIX) {
        if base == OPAQUE_MARKER {
            return Ok(Some(Entry {
                path: dir.to_string(),
                attrs,
                kind: EntryKind::Opaque,
            }));
        }
        if target.starts_with(WHITEOUT_PREFIX) {
            // aufs metadata (`.wh..wh.plnk`, `.wh..wh.aufs`): not part of the filesystem; Docker skips it too.
            return Ok(None);
        }
        if target.is_empty() {
            return Err(bad("whiteout without a name"));
        }
        if target == "." || target == ".." {
            return Err(bad("whiteout would delete outside its directory"));
        }
        return Ok(Some(Entry {
            path: crate::resolve::join(dir, target),
            attrs,
            kind: EntryKind::Whiteout,
        }));
    }
    if path == "/" && ty != EntryType::Directory {
        return Err(bad("the root must be a directory"));
    }
    let link_target = || -> Result<String> {
        match &link {
            Some(Ok(t)) if !t.is_empty() => Ok(t.clone()),
            Some(Ok(_)) | None => Err(bad("link without a target")),
            Some(Err(_)) => Err(bad("link target is not UTF-8")),
        }
    };
    let kind = match ty {
        EntryType::Regular | EntryType::Continuous if described != (None, None) => {
            let (Some(msize), Some(seed)) = described else {
                return Err(bad(
                    "a described file needs both its modelled size and seed",
                ));
            };
            if size != 0 {
                return Err(bad("a described file has bytes"));
            }
            if msize > limits.max_expanded {
                return Err(bad("file larger than the expanded-size limit"));
            }
            EntryKind::File(Content::modelled(msize, seed))
        }
        EntryType::Regular | EntryType::Continuous => {
            if size > limits.max_expanded {
                return Err(bad("file larger than the expanded-size limit"));
            }
            let (external, skip) = match keep {
                Keep::External(f) => (f(ent.raw_file_position(), size), false),
                Keep::Skip(f) => {
                    let c = f(ent.raw_file_position(), size);
                    let skip = c.is_some();
                    (c, skip)
                }
                _ => (None, false),
            };
            if let (true, Some(content)) = (skip, &external) {
                // The archive seeks past the contents on its way to the next entry.
                return Ok(Some(Entry {
                    path,
                    attrs,
                    kind: EntryKind::File(content.clone()),
                }));
            }
            let keep_bytes = external.is_none() && !matches!(keep, Keep::Nothing);
            let mut data = Vec::new();
            let read = if keep_bytes {
                ent.take(size).read_to_end(&mut data).map(|n| n as u64)
            } else {
                io::copy(&mut ent.take(size), &mut io::sink())
            };
            let read = read.map_err(|e| {
                if e.to_string().contains(OVER_LIMIT) {
                    Error::archive(
                        raw,
                        format!(
                            "layer expands past the limit of {} bytes",
                            limits.max_expanded
                        ),
                    )
                } else {
                    Error::archive(raw, format!("truncated or corrupt tar: {e}"))
                }
            })?;
            if read < size {
                return Err(bad("truncated tar: the file's contents end early"));
            }
            if let Some(content) = external {
                EntryKind::File(content)
            } else if keep_bytes {
                EntryKind::File(Content::from_bytes(data))
            } else {
                EntryKind::File(Content::modelled(size, 0))
            }
        }
        EntryType::Directory => EntryKind::Dir,
        EntryType::Symlink => {
            let t = link_target()?;
            let escapes = if t.starts_with('/') {
                normalize(&t).is_none()
            } else {
                normalize(&format!("{dir}/{t}")).is_none()
            };
            if escapes {
                return Err(bad(&format!("symlink to {t:?} points outside the root")));
            }
            EntryKind::Symlink(t)
        }
        EntryType::Link => {
            let t = link_target()?;
            let rel = t.trim_start_matches("./");
            if t.starts_with('/') || rel.split('/').any(|c| c == "..") {
                return Err(bad(&format!("hard link to {t:?} points outside the root")));
            }
            let target = normalize(rel).ok_or_else(|| bad("hard link points outside the root"))?;
            if target == path {
                return Err(bad("hard link to itself"));
            }
            EntryKind::Hardlink(target)
        }
        EntryType::Char => EntryKind::CharDevice {
            major: device.0,
            minor: device.1,
        },
        EntryType::Block => EntryKind::BlockDevice {
            major: device.0,
            minor: device.1,
        },
        EntryType::Fifo => EntryKind::Fifo,
        other => {
            return Err(bad(&format!(
                "unsupported entry type {:?}",
                other.as_byte() as char
            )))
        }
    };
    Ok(Some(Entry { path, attrs, kind }))
}

/// A PAX time, `secs[.fraction]` (possibly negative).
fn parse_pax_time(s: &str) -> Option<Timestamp> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let secs: i64 = int.parse().ok()?;
    let mut nanos = 0u32;
    for (i, c) in frac.chars().take(9).enumerate() {
        nanos += c.to_digit(10)? * 10u32.pow(8 - i as u32);
    }
    if int.starts_with('-') && nanos > 0 {
        return Some(Timestamp {
            secs: secs - 1,
            nanos: 1_000_000_000 - nanos,
        });
    }
    Some(Timestamp { secs, nanos })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_fields_are_byte_identical_to_the_tar_crates() {
        for v in [
            0u64,
            1,
            7,
            8,
            0o644,
            0o7777,
            1000,
            65534,
            0o7_777_777,
            1_700_000_000,
            0o77_777_777_777,
        ] {
            let mut a = Header::new_ustar();
            let mut b = Header::new_ustar();
            a.set_mode((v & 0o7777) as u32);
            octal(&mut b.as_old_mut().mode, v & 0o7777);
            if v <= 0o7_777_777 {
                a.set_uid(v);
                octal(&mut b.as_old_mut().uid, v);
            }
            a.set_mtime(v);
            octal(&mut b.as_old_mut().mtime, v);
            a.set_size(v);
            octal(&mut b.as_old_mut().size, v);
            a.set_cksum();
            set_cksum(&mut b);
            assert_eq!(a.as_bytes()[..], b.as_bytes()[..], "{v}");
        }
    }
}
