//! ADD's local archives: whether a source file is a tar BuildKit would unpack, decided by content (not
//! name), and its entries. Plain tar, gzip and zstd are read by `strata-image`'s layer reader; bzip2 and xz
//! are decoded here with pure-Rust decoders (`bzip2-rs`, `lzma-rs`), as moby's `DecompressStream` does.

use std::io::{self, Write};

use strata_image::layer::{read_layer, read_tar, ReadLimits};
use strata_image::{Changeset, Content};

/// bzip2's stream magic (`BZh` then the block size digit).
const BZIP2_MAGIC: &[u8] = b"BZh";
/// xz's stream magic.
const XZ_MAGIC: &[u8] = &[0xFD, b'7', b'z', b'X', b'Z', 0x00];

/// The archive inside `content`, if ADD would extract it: a plain, gzip, bzip2, xz or zstd tar with at
/// least one entry. Anything else (text, a corrupt stream, a bomb over the limits) is copied as a file.
pub(crate) fn as_archive(content: &Content) -> Option<Changeset> {
    if content.is_empty() {
        return None;
    }
    let bytes = content.bytes();
    let limits = ReadLimits::DEFAULT;
    let cs = if bytes.starts_with(BZIP2_MAGIC) {
        read_tar(bzip2_rs::DecoderReader::new(&bytes[..]), &limits).ok()?
    } else if bytes.starts_with(XZ_MAGIC) {
        read_tar(&unxz(&bytes, limits.max_expanded)?[..], &limits).ok()?
    } else {
        read_layer(&bytes, &limits).ok()?
    };
    (!cs.entries.is_empty()).then_some(cs)
}

/// The bytes the xz stream `packed` holds, if it is a valid stream of at most `limit` bytes.
///
/// The one use of the xz decoder in the playground's wasm (ADD here, the simulator's packed data files), so
/// it is compiled once.
pub fn unxz(packed: &[u8], limit: u64) -> Option<Vec<u8>> {
    let mut out = Capped {
        buf: Vec::new(),
        limit,
    };
    lzma_rs::xz_decompress(&mut &packed[..], &mut out).ok()?;
    Some(out.buf)
}

/// A growing buffer that refuses to pass `limit` bytes (an xz bomb stops here).
struct Capped {
    buf: Vec<u8>,
    limit: u64,
}

impl Write for Capped {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.buf.len() as u64 + data.len() as u64 > self.limit {
            return Err(io::Error::other("expanded size over the limit"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_corrupt_streams_are_not_archives() {
        assert!(as_archive(&Content::from(&b"hello\n"[..])).is_none());
        assert!(as_archive(&Content::from(&b"BZh9 not really"[..])).is_none());
        let mut xz = XZ_MAGIC.to_vec();
        xz.extend_from_slice(b"garbage");
        assert!(as_archive(&Content::from(&xz[..])).is_none());
    }

    #[test]
    fn capped_writer_stops_at_the_limit() {
        let mut c = Capped {
            buf: Vec::new(),
            limit: 4,
        };
        assert!(c.write_all(b"abcd").is_ok());
        assert!(c.write_all(b"e").is_err());
    }
}
