//! File contents: shared bytes, modelled bytes generated on read, or bytes kept outside memory (a file on
//! the host a native backend hands the engine) and read on demand.

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::io::{self, Read};
use std::sync::Arc;

/// Contents that live outside memory and are read on demand: what a native backend hands the engine for a
/// file a container wrote, so a layer streams from the disk into its tar and its digest without the file's
/// bytes ever being held whole. Implemented outside this crate (strata-native's host file); this crate only
/// reads through it, so it stays pure.
pub trait ContentSource: Send + Sync {
    /// The size in bytes; the reader yields exactly this many or fails.
    fn len(&self) -> u64;

    /// Whether the content is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A reader from the start. Fails with an error naming what could not be read (a vanished file).
    fn open(&self) -> io::Result<Box<dyn Read + Send>>;

    /// Names the bytes: two sources with the same identity hold the same bytes (a host path that is never
    /// rewritten, say). Used for equality, never read as content.
    fn identity(&self) -> &str;

    /// The sha256 of the bytes when the source already knows it (a context file whose digest a stat-keyed
    /// cache remembers), so that a cache key needs no read. `None` (the default): read and hash.
    fn digest(&self) -> Option<crate::Digest> {
        None
    }

    /// The implementation, for a backend that knows a faster way to copy its own sources.
    fn as_any(&self) -> &dyn Any;
}

/// The contents of a regular file.
///
/// Cloning is cheap: real bytes are behind an [`Arc`], so a snapshot, a copy-up or a layer that reuses a file
/// shares them. *Modelled* content is a size and a seed; its bytes are generated deterministically when read,
/// so a base-image model can hold a realistic 5 MB binary without storing it. Two modelled contents are equal
/// when size and seed are; modelled and real content never compare equal. *External* content
/// ([`Content::external`]) is read from its [`ContentSource`] when needed; two external contents are equal
/// when their identities are.
#[derive(Clone)]
pub struct Content(Repr);

#[derive(Clone)]
enum Repr {
    Bytes(Arc<[u8]>),
    Modelled { size: u64, seed: u64 },
    External(Arc<dyn ContentSource>),
}

impl PartialEq for Repr {
    fn eq(&self, other: &Repr) -> bool {
        match (self, other) {
            (Repr::Bytes(a), Repr::Bytes(b)) => a == b,
            (
                Repr::Modelled { size, seed },
                Repr::Modelled {
                    size: size2,
                    seed: seed2,
                },
            ) => size == size2 && seed == seed2,
            (Repr::External(a), Repr::External(b)) => {
                Arc::ptr_eq(a, b) || (a.len() == b.len() && a.identity() == b.identity())
            }
            _ => false,
        }
    }
}

impl Eq for Repr {}

impl PartialEq for Content {
    fn eq(&self, other: &Content) -> bool {
        self.0 == other.0
    }
}

impl Eq for Content {}

impl Content {
    /// Empty content.
    pub fn empty() -> Content {
        Content(Repr::Bytes(Arc::from(&[][..])))
    }

    /// Real bytes (copied once into shared storage).
    pub fn from_bytes(bytes: impl Into<Arc<[u8]>>) -> Content {
        Content(Repr::Bytes(bytes.into()))
    }

    /// Modelled content: `size` bytes generated from `seed` on read.
    pub fn modelled(size: u64, seed: u64) -> Content {
        Content(Repr::Modelled { size, seed })
    }

    /// Content read from `source` when needed (see [`ContentSource`]).
    pub fn external(source: Arc<dyn ContentSource>) -> Content {
        Content(Repr::External(source))
    }

    /// The source of external content.
    pub fn source(&self) -> Option<&Arc<dyn ContentSource>> {
        match &self.0 {
            Repr::External(s) => Some(s),
            _ => None,
        }
    }

    /// The size in bytes.
    pub fn len(&self) -> u64 {
        match &self.0 {
            Repr::Bytes(b) => b.len() as u64,
            Repr::Modelled { size, .. } => *size,
            Repr::External(s) => s.len(),
        }
    }

    /// Whether the content is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the bytes are generated on read.
    pub fn is_modelled(&self) -> bool {
        matches!(self.0, Repr::Modelled { .. })
    }

    /// The description of modelled content, `(size, seed)`: what a layer's description records in place of
    /// the bytes (see [`crate::layer::write_described_tar`]). `None` for real or external content.
    pub fn modelled_parts(&self) -> Option<(u64, u64)> {
        match self.0 {
            Repr::Modelled { size, seed } => Some((size, seed)),
            _ => None,
        }
    }

    /// Whether both values share the same storage (or are the same model): equal without looking at bytes.
    pub fn ptr_eq(&self, other: &Content) -> bool {
        match (&self.0, &other.0) {
            (Repr::Bytes(a), Repr::Bytes(b)) => Arc::ptr_eq(a, b),
            (a, b) => a == b,
        }
    }

    /// All the bytes. Borrowed for real content; generated (and allocated) for modelled content; read for
    /// external content, which is empty if it cannot be read (use [`Content::try_bytes`] or
    /// [`Content::reader`] where that matters, and where the content may be large).
    pub fn bytes(&self) -> Cow<'_, [u8]> {
        self.try_bytes().unwrap_or_default()
    }

    /// All the bytes, or why external content could not be read.
    pub fn try_bytes(&self) -> io::Result<Cow<'_, [u8]>> {
        match &self.0 {
            Repr::Bytes(b) => Ok(Cow::Borrowed(b)),
            Repr::Modelled { size, seed } => {
                let mut out = vec![0; usize::try_from(*size).unwrap_or(usize::MAX)];
                fill_modelled(*seed, 0, &mut out);
                Ok(Cow::Owned(out))
            }
            Repr::External(_) => {
                let mut out = Vec::new();
                self.chunks(&mut |b| out.extend_from_slice(b))?;
                Ok(Cow::Owned(out))
            }
        }
    }

    /// A reader over the bytes; modelled content is generated in chunks, never all at once; external
    /// content is read from its source, and yields exactly [`Content::len`] bytes or an error.
    pub fn reader(&self) -> ContentReader<'_> {
        ContentReader {
            content: self,
            pos: 0,
            source: None,
        }
    }

    /// Hands the bytes to `f` in chunks, never holding more than one (bytes in memory in one piece).
    pub fn chunks(&self, f: &mut dyn FnMut(&[u8])) -> io::Result<()> {
        if let Repr::Bytes(b) = &self.0 {
            f(b);
            return Ok(());
        }
        let mut r = self.reader();
        let mut buf = vec![0u8; 64 << 10];
        loop {
            let n = r.read(&mut buf)?;
            if n == 0 {
                return Ok(());
            }
            f(&buf[..n]);
        }
    }

    /// The sha256 of the bytes, read in chunks (never all at once).
    pub fn digest(&self) -> io::Result<crate::Digest> {
        match &self.0 {
            Repr::Bytes(b) => return Ok(crate::Digest::of(b)),
            Repr::External(s) => {
                if let Some(d) = s.digest() {
                    return Ok(d);
                }
            }
            Repr::Modelled { .. } => {}
        }
        let mut w = crate::digest::HashingWriter::new(io::sink());
        self.chunks(&mut |b| {
            let _ = io::Write::write_all(&mut w, b);
        })?;
        Ok(w.finish().0)
    }

    /// Whether both hold the same bytes: equal without reading where possible, else by their sha256 (read in
    /// chunks).
    /// Content that cannot be read equals nothing but itself.
    pub fn same_bytes(&self, other: &Content) -> bool {
        if self.ptr_eq(other) || self == other {
            return true;
        }
        if self.len() != other.len() {
            return false;
        }
        if let (Repr::Bytes(a), Repr::Bytes(b)) = (&self.0, &other.0) {
            return a == b;
        }
        // By digest, each read in chunks: a file a native build wrote may be larger than memory.
        matches!((self.digest(), other.digest()), (Ok(a), Ok(b)) if a == b)
    }

    /// A new content made of this one followed by `more` (what `>>` produces).
    pub fn appended(&self, more: &[u8]) -> Content {
        let mut v = self.bytes().into_owned();
        v.extend_from_slice(more);
        Content::from_bytes(v)
    }
}

impl Default for Content {
    fn default() -> Self {
        Content::empty()
    }
}

impl fmt::Debug for Content {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Bytes(b) => match std::str::from_utf8(b) {
                Ok(s) if b.len() <= 64 => write!(f, "Content({s:?})"),
                _ => write!(f, "Content({} bytes)", b.len()),
            },
            Repr::Modelled { size, seed } => {
                write!(f, "Content(modelled {size} bytes, seed {seed})")
            }
            Repr::External(s) => write!(f, "Content({} bytes at {})", s.len(), s.identity()),
        }
    }
}

impl From<&str> for Content {
    fn from(s: &str) -> Self {
        Content::from_bytes(s.as_bytes())
    }
}

impl From<&[u8]> for Content {
    fn from(b: &[u8]) -> Self {
        Content::from_bytes(b)
    }
}

impl From<Vec<u8>> for Content {
    fn from(b: Vec<u8>) -> Self {
        Content::from_bytes(b)
    }
}

/// Reads a [`Content`] from the start; see [`Content::reader`].
pub struct ContentReader<'a> {
    content: &'a Content,
    pos: u64,
    /// External content's reader, opened on the first read.
    source: Option<Box<dyn Read + Send>>,
}

impl io::Read for ContentReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.content.len().saturating_sub(self.pos);
        let n = usize::try_from(left).unwrap_or(usize::MAX).min(buf.len());
        if n == 0 {
            return Ok(0);
        }
        match &self.content.0 {
            Repr::External(src) => {
                if self.source.is_none() {
                    self.source = Some(src.open()?);
                }
                let r = self.source.as_mut().expect("opened above");
                let got = loop {
                    match r.read(&mut buf[..n]) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        other => break other?,
                    }
                };
                if got == 0 {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!(
                            "{} ended after {} of its {} bytes (changed while being read)",
                            src.identity(),
                            self.pos,
                            src.len()
                        ),
                    ));
                }
                self.pos += got as u64;
                return Ok(got);
            }
            Repr::Bytes(b) => {
                // pos <= len, which is a usize for real bytes.
                let start = self.pos as usize;
                buf[..n].copy_from_slice(&b[start..start + n]);
            }
            Repr::Modelled { seed, .. } => fill_modelled(*seed, self.pos, &mut buf[..n]),
        }
        self.pos += n as u64;
        Ok(n)
    }
}

/// The generator of modelled bytes: byte `i` depends only on the seed and `i`, so any range can be produced
/// without the bytes before it (splitmix64 of the 8-byte block index).
fn fill_modelled(seed: u64, offset: u64, out: &mut [u8]) {
    let mut pos = offset;
    let mut i = 0;
    while i < out.len() {
        let block = splitmix64(seed ^ (pos / 8).wrapping_mul(0x9E37_79B9_7F4A_7C15)).to_le_bytes();
        let from = (pos % 8) as usize;
        let n = (8 - from).min(out.len() - i);
        out[i..i + n].copy_from_slice(&block[from..from + n]);
        i += n;
        pos += n as u64;
    }
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// External content over bytes in memory that may claim a different length than they have.
    struct Fake {
        bytes: Vec<u8>,
        len: u64,
        name: String,
    }

    impl ContentSource for Fake {
        fn len(&self) -> u64 {
            self.len
        }
        fn open(&self) -> io::Result<Box<dyn Read + Send>> {
            Ok(Box::new(io::Cursor::new(self.bytes.clone())))
        }
        fn identity(&self) -> &str {
            &self.name
        }
        fn as_any(&self) -> &dyn Any {
            self
        }
    }

    fn fake(bytes: &[u8], len: u64, name: &str) -> Content {
        Content::external(Arc::new(Fake {
            bytes: bytes.to_vec(),
            len,
            name: name.to_owned(),
        }))
    }

    #[test]
    fn external_content_reads_on_demand_and_compares_by_identity_or_bytes() {
        let a = fake(b"hello", 5, "a");
        assert_eq!(a.len(), 5);
        assert_eq!(&*a.try_bytes().unwrap(), b"hello");
        assert_eq!(a.digest().unwrap(), crate::Digest::of(b"hello"));
        // Same identity: equal without reading; other identity: not equal, but the same bytes.
        assert_eq!(a, fake(b"other", 5, "a"));
        let b = fake(b"hello", 5, "b");
        assert_ne!(a, b);
        assert!(a.same_bytes(&b));
        assert!(a.same_bytes(&Content::from("hello")));
        assert!(Content::from("hello").same_bytes(&a));
        assert!(!a.same_bytes(&Content::from("hellO")));
        assert!(!a.same_bytes(&Content::from("hello!")));
        assert_eq!(format!("{a:?}"), "Content(5 bytes at a)");
    }

    #[test]
    fn a_source_shorter_than_it_claims_is_an_error_not_a_short_file() {
        let c = fake(b"hel", 5, "f");
        let err = c.try_bytes().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        assert!(
            err.to_string().contains("f ended after 3 of its 5 bytes"),
            "{err}"
        );
        assert_eq!(&*c.bytes(), b"");
        assert!(c.digest().is_err());
        assert!(!c.same_bytes(&Content::from("hel\0\0")));
        // Longer than it claims: only `len` bytes are read.
        let long = fake(b"hello world", 5, "g");
        assert_eq!(&*long.try_bytes().unwrap(), b"hello");
    }

    #[test]
    fn modelled_and_real_content_compare_by_bytes_across_representations() {
        let m = Content::modelled(100, 7);
        let real = Content::from_bytes(m.bytes().into_owned());
        assert_ne!(m, real);
        assert!(m.same_bytes(&real));
        assert_eq!(m.digest().unwrap(), real.digest().unwrap());
    }
}
