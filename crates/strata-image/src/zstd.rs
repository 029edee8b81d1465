//! Zstandard decompression as a `std::io::Read` over a stream of frames, with the pure-Rust `ruzstd` decoder
//! (it builds for wasm32).
//!
//! A zstd stream is a sequence of frames: compressors that work in parallel (`zstd -T0`, `pzstd`) write
//! several, and skippable frames (metadata) may stand between them. [`ZstdDecoder`] decodes them one after
//! another, skips skippable frames, checks each frame's content checksum when it has one, and reports a
//! truncated or corrupt stream as an error, never as a short read. It decodes block by block, so what it holds
//! is the frame's window (a few MiB for what `zstd` writes by default; at most
//! [`MAX_WINDOW`](ZstdDecoder::MAX_WINDOW)), not the whole output. It does not limit the expanded size: the
//! caller counts what it reads (see [`ReadLimits`](crate::layer::ReadLimits)).

use std::io::{self, BufRead, Read};

use ruzstd::decoding::errors::{FrameDecoderError, ReadFrameHeaderError};
use ruzstd::decoding::{BlockDecodingStrategy, FrameDecoder};

/// Where the decoder is in the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Before a frame header (or at the end of the stream).
    Between,
    /// Inside a frame.
    InFrame,
    /// The stream ended after a complete frame.
    Done,
}

/// Decodes a zstd stream (one or more frames) read from `R`.
pub struct ZstdDecoder<R> {
    src: R,
    frame: FrameDecoder,
    state: State,
    frames: u64,
}

impl<R: BufRead> ZstdDecoder<R> {
    /// The largest window a frame may ask for: 128 MiB, which covers `zstd --long` (window log 27). A larger
    /// window would make the decoder allocate that much before producing a byte; such frames are refused.
    pub const MAX_WINDOW: u64 = 128 << 20;

    /// Wraps `src`, which must start at a zstd frame. Nothing is read until the first `read`.
    pub fn new(src: R) -> Self {
        let mut frame = FrameDecoder::new();
        frame.set_max_window_size(Self::MAX_WINDOW);
        ZstdDecoder {
            src,
            frame,
            state: State::Between,
            frames: 0,
        }
    }

    /// The underlying reader.
    pub fn into_inner(self) -> R {
        self.src
    }

    /// Reads the next frame header, skipping skippable frames; false at the end of the stream.
    fn next_frame(&mut self) -> io::Result<bool> {
        loop {
            if self.src.fill_buf()?.is_empty() {
                if self.frames == 0 {
                    return Err(corrupt("the stream has no zstd frame"));
                }
                return Ok(false);
            }
            match self.frame.reset(&mut self.src) {
                Ok(()) => {
                    self.frames += 1;
                    return Ok(true);
                }
                Err(FrameDecoderError::ReadFrameHeaderError(ReadFrameHeaderError::SkipFrame {
                    length,
                    ..
                })) => {
                    let want = u64::from(length);
                    let skipped = io::copy(&mut (&mut self.src).take(want), &mut io::sink())?;
                    if skipped < want {
                        return Err(corrupt("truncated: a skippable frame ends early"));
                    }
                }
                Err(e) => return Err(corrupt(&format!("bad frame header: {e}"))),
            }
        }
    }
}

/// An `InvalidData` error with a message that says it is about zstd.
fn corrupt(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("bad zstd stream: {what}"),
    )
}

impl<R: BufRead> Read for ZstdDecoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match self.state {
                State::Done => return Ok(0),
                State::Between => {
                    if self.next_frame()? {
                        self.state = State::InFrame;
                    } else {
                        self.state = State::Done;
                    }
                }
                State::InFrame => {
                    let n = self.frame.read(buf)?;
                    if n > 0 {
                        return Ok(n);
                    }
                    if self.frame.is_finished() {
                        if let (Some(stored), Some(computed)) = (
                            self.frame.get_checksum_from_data(),
                            self.frame.get_calculated_checksum(),
                        ) {
                            if stored != computed {
                                return Err(corrupt("content checksum mismatch"));
                            }
                        }
                        self.state = State::Between;
                        continue;
                    }
                    self.frame
                        .decode_blocks(&mut self.src, BlockDecodingStrategy::UptoBlocks(1))
                        .map_err(|e| corrupt(&e.to_string()))?;
                }
            }
        }
    }
}
