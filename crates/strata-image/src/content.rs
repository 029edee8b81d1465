//! File contents: shared bytes, or modelled bytes generated on read.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::sync::Arc;

/// The contents of a regular file.
///
/// Cloning is cheap: real bytes are behind an [`Arc`], so a snapshot, a copy-up or a layer that reuses a file
/// shares them. *Modelled* content is a size and a seed; its bytes are generated deterministically when read,
/// so a base-image model can hold a realistic 5 MB binary without storing it. Two modelled contents are equal
/// when size and seed are; modelled and real content never compare equal.
#[derive(Clone, PartialEq, Eq)]
pub struct Content(Repr);

#[derive(Clone, PartialEq, Eq)]
enum Repr {
    Bytes(Arc<[u8]>),
    Modelled { size: u64, seed: u64 },
}

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

    /// The size in bytes.
    pub fn len(&self) -> u64 {
        match &self.0 {
            Repr::Bytes(b) => b.len() as u64,
            Repr::Modelled { size, .. } => *size,
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

    /// Whether both values share the same storage (or are the same model): equal without looking at bytes.
    pub fn ptr_eq(&self, other: &Content) -> bool {
        match (&self.0, &other.0) {
            (Repr::Bytes(a), Repr::Bytes(b)) => Arc::ptr_eq(a, b),
            (a, b) => a == b,
        }
    }

    /// All the bytes. Borrowed for real content; generated (and allocated) for modelled content.
    pub fn bytes(&self) -> Cow<'_, [u8]> {
        match &self.0 {
            Repr::Bytes(b) => Cow::Borrowed(b),
            Repr::Modelled { size, seed } => {
                let mut out = vec![0; usize::try_from(*size).unwrap_or(usize::MAX)];
                fill_modelled(*seed, 0, &mut out);
                Cow::Owned(out)
            }
        }
    }

    /// A reader over the bytes; modelled content is generated in chunks, never all at once.
    pub fn reader(&self) -> ContentReader<'_> {
        ContentReader {
            content: self,
            pos: 0,
        }
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
}

impl io::Read for ContentReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.content.len().saturating_sub(self.pos);
        let n = usize::try_from(left).unwrap_or(usize::MAX).min(buf.len());
        match &self.content.0 {
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
