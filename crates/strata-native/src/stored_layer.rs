//! A stored layer blob read back as a changeset without holding large files in memory: in an uncompressed
//! blob (strata stores the layers it builds uncompressed) a file's bytes are one range of the blob file, so a
//! file of [`EXTERNAL_FROM`] bytes or more becomes [`strata_image::Content::external`] content reading that
//! range on demand ([`BlobRange`]), and is skipped by seeking rather than read. The blob is not hashed again:
//! the store checked it when it was written. A compressed blob is read into memory.

use std::any::Any;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::Arc;

use strata_image::layer::{read_layer, read_tar_seekable, Compression, ReadLimits};
use strata_image::{Changeset, Content, ContentSource, Digest};

use crate::{Error, Result, Store};

/// Files at least this large stay in the blob; smaller ones are read into memory (one open file each would
/// cost more than their bytes).
pub(crate) const EXTERNAL_FROM: u64 = 64 << 10;

/// The layer stored as blob `digest`, not hashed again: for a cache hit or a base image, whose blob was
/// checked when it was written (`strata system check` checks every blob's digest, as Docker trusts its own
/// layer store).
pub(crate) fn read_trusted_layer(store: &Store, digest: &Digest) -> Result<Changeset> {
    let path = store.blob_path(digest);
    let file = File::open(&path).map_err(Error::io(&path))?;
    let mut blob = BufReader::with_capacity(128 << 10, file);
    let head = blob.fill_buf().map_err(Error::io(&path))?;
    if Compression::detect(head) != Compression::None {
        let bytes = store.read_blob(digest)?;
        return read_layer(&bytes, &ReadLimits::DEFAULT).map_err(|e| Error::Corrupt {
            path,
            reason: e.to_string(),
        });
    }
    let name: Arc<str> = path.display().to_string().into();
    let mut external = |offset: u64, len: u64| {
        (len >= EXTERNAL_FROM).then(|| {
            Content::external(Arc::new(BlobRange {
                path: path.clone(),
                identity: format!("{name}@{offset}"),
                offset,
                len,
            }))
        })
    };
    let corrupt = |e: strata_image::Error| Error::Corrupt {
        path: path.clone(),
        reason: e.to_string(),
    };
    // Contents that stay in the blob are skipped by seeking: only the headers and small files are read.
    let mut blob = SkippingReader {
        inner: blob,
        pos: 0,
    };
    read_tar_seekable(&mut blob, &ReadLimits::DEFAULT, &mut external).map_err(corrupt)
}

/// A buffered blob whose forward seeks stay in the buffer when they can: the archive seeks past every
/// entry's padding, and a plain `BufReader` would drop its buffer (and read it again) each time.
struct SkippingReader {
    inner: BufReader<File>,
    /// The position in the file, kept here so that seeking never asks the kernel for it.
    pos: u64,
}

impl Read for SkippingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for SkippingReader {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        match pos {
            SeekFrom::Current(n) => {
                self.inner.seek_relative(n)?;
                self.pos = self.pos.checked_add_signed(n).ok_or_else(|| {
                    io::Error::new(io::ErrorKind::InvalidInput, "seek before the start")
                })?;
            }
            other => self.pos = self.inner.seek(other)?,
        }
        Ok(self.pos)
    }
}

/// `len` bytes at `offset` of a blob file (blobs are never rewritten: their name is their digest).
struct BlobRange {
    path: PathBuf,
    identity: String,
    offset: u64,
    len: u64,
}

impl ContentSource for BlobRange {
    fn len(&self) -> u64 {
        self.len
    }

    fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        let fail = |e: io::Error| {
            io::Error::new(
                e.kind(),
                format!("reading the stored layer {}: {e}", self.path.display()),
            )
        };
        let mut f = File::open(&self.path).map_err(fail)?;
        f.seek(SeekFrom::Start(self.offset)).map_err(fail)?;
        Ok(Box::new(BufReader::with_capacity(
            128 << 10,
            f.take(self.len),
        )))
    }

    fn identity(&self) -> &str {
        &self.identity
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
