//! Positions: logical-line offsets back to source offsets, and source offsets to [`Span`]s.
//!
//! A logical line is assembled from pieces of physical lines (continuations join them, comment and empty
//! lines drop out), so an offset in it is mapped back through the [`Segments`] recorded while joining.
//! [`Locator`] turns source offsets into line/column pairs in amortised constant time: columns on pure
//! ASCII lines are a subtraction, and on other lines counting resumes from the previous answer when it
//! can, so a 10 MB line with a million words does not cost a million scans from the line start.

use crate::Span;

/// Where each piece of a logical line came from in the source.
#[derive(Debug, Default)]
pub(super) struct Segments {
    /// `(logical offset, source offset)` of every non-empty piece, in order.
    segs: Vec<(usize, usize)>,
    /// Source offset used when the logical line is empty.
    fallback: usize,
}

impl Segments {
    /// Empty the mapping; offsets map to `fallback` until a piece is pushed.
    pub(super) fn reset(&mut self, fallback: usize) {
        self.segs.clear();
        self.fallback = fallback;
    }

    /// Record that `len` bytes at logical offset `logical` were copied from source offset `source`.
    pub(super) fn push(&mut self, logical: usize, source: usize, len: usize) {
        if len > 0 {
            self.segs.push((logical, source));
        }
    }

    /// When the logical line is one piece of the source (or empty): the source offset of logical
    /// offset 0, so that logical offset `x` is source offset `shift + x`.
    pub(super) fn single(&self) -> Option<usize> {
        match self.segs.as_slice() {
            [] => Some(self.fallback),
            [(logical, source)] => source.checked_sub(*logical),
            _ => None,
        }
    }

    /// The source offset of logical offset `pos`.
    pub(super) fn to_source(&self, pos: usize) -> usize {
        let idx = self.segs.partition_point(|s| s.0 <= pos);
        match idx.checked_sub(1).and_then(|i| self.segs.get(i)) {
            Some(&(logical, source)) => source + (pos - logical),
            None => self.segs.first().map_or(self.fallback, |s| s.1),
        }
    }

    /// The source range of the logical range `start..end`.
    pub(super) fn range(&self, start: usize, end: usize) -> (usize, usize) {
        if end > start {
            (self.to_source(start), self.to_source(end - 1) + 1)
        } else {
            let p = self.to_source(start);
            (p, p)
        }
    }
}

/// Source offsets to line/column [`Span`]s, with the same numbering as [`crate::LineIndex`].
///
/// Lines are indexed lazily, as far as the offsets asked about: the parser asks in source order, so
/// the text is scanned once, one line at a time, as the parse goes.
pub(super) struct Locator<'a> {
    text: &'a str,
    /// Byte offset at which each line found so far starts.
    line_starts: Vec<usize>,
    /// Whether each scanned line (up to the next line start) is pure ASCII; one shorter than
    /// `line_starts` while the last line found is not scanned yet.
    ascii: Vec<bool>,
    /// The last non-ASCII answer: `(line index, offset, column)`.
    cache: (usize, usize, usize),
    /// The line of the last answer: requests come mostly in source order, so the next answer is
    /// usually on the same line or a few lines further.
    hint: usize,
}

impl<'a> Locator<'a> {
    /// A locator for `text`; nothing is scanned yet.
    pub(super) fn new(text: &'a str) -> Locator<'a> {
        Locator {
            text,
            line_starts: vec![0],
            ascii: Vec::new(),
            cache: (usize::MAX, 0, 0),
            hint: 0,
        }
    }

    /// Scan lines until the one holding `offset` is complete (its end and ASCII-ness known).
    fn ensure(&mut self, offset: usize) {
        let bytes = self.text.as_bytes();
        while self.ascii.len() < self.line_starts.len() {
            let start = self.line_starts.last().copied().unwrap_or(0);
            if start > offset {
                break;
            }
            let (newline, ascii) = scan_line(bytes.get(start..).unwrap_or_default());
            self.ascii.push(ascii);
            if let Some(i) = newline {
                self.line_starts.push(start + i + 1);
            }
        }
    }

    /// The start offset of line `idx` (0-based) if it is known and pure ASCII.
    pub(super) fn ascii_line(&self, idx: usize) -> Option<usize> {
        match self.ascii.get(idx) {
            Some(true) => self.line_starts.get(idx).copied(),
            _ => None,
        }
    }

    /// The offset after the line ending of line `idx` (0-based; the text length on the last line).
    pub(super) fn line_end(&mut self, idx: usize) -> usize {
        let bytes = self.text.as_bytes();
        while self.ascii.len() <= idx && self.ascii.len() < self.line_starts.len() {
            let start = self.line_starts.last().copied().unwrap_or(0);
            let (newline, ascii) = scan_line(bytes.get(start..).unwrap_or_default());
            self.ascii.push(ascii);
            if let Some(i) = newline {
                self.line_starts.push(start + i + 1);
            }
        }
        self.line_starts
            .get(idx + 1)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// 1-based line and column of byte offset `offset` (clamped to the text).
    fn line_col(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let idx = self.line_of(offset);
        let start = self.line_starts.get(idx).copied().unwrap_or(0);
        if self.ascii.get(idx).copied().unwrap_or(false) {
            return (idx + 1, offset - start + 1);
        }
        let (from, base) = if self.cache.0 == idx && self.cache.1 <= offset {
            (self.cache.1, self.cache.2)
        } else {
            (start, 1)
        };
        let bytes = self.text.as_bytes().get(from..offset).unwrap_or_default();
        let col = base + bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count();
        self.cache = (idx, offset, col);
        (idx + 1, col)
    }

    /// Index of the line holding `offset`: a short walk forward from the last answer, else a binary
    /// search.
    fn line_of(&mut self, offset: usize) -> usize {
        self.ensure(offset);
        let starts = &self.line_starts;
        // Most often the answer is the line of the last answer.
        if starts.get(self.hint).is_some_and(|&s| s <= offset)
            && starts.get(self.hint + 1).is_none_or(|&next| offset < next)
        {
            return self.hint;
        }
        let mut i = self.hint;
        if starts.get(i).is_some_and(|&s| s <= offset) {
            for _ in 0..16 {
                match starts.get(i + 1) {
                    Some(&next) if next <= offset => i += 1,
                    _ => {
                        self.hint = i;
                        return i;
                    }
                }
            }
        }
        i = match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        self.hint = i;
        i
    }

    /// The span of source bytes `start..end`, widened to character boundaries.
    pub(super) fn span(&mut self, start: usize, end: usize) -> Span {
        let mut start = start.min(self.text.len());
        let mut end = end.clamp(start, self.text.len());
        while !self.text.is_char_boundary(start) {
            start -= 1;
        }
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        let (line, col) = self.line_col(start);
        // An end on the same ASCII line as the start (the usual case) is a subtraction away.
        let idx = line - 1;
        let same_line = self.ascii.get(idx).copied().unwrap_or(false)
            && self.line_starts.get(idx + 1).is_none_or(|&next| end < next);
        let (end_line, end_col) = if same_line {
            (line, col + (end - start))
        } else {
            self.line_col(end)
        };
        Span {
            start,
            end,
            line,
            col,
            end_line,
            end_col,
        }
    }
}

/// The index of the first `\n` in `bytes`, and whether the bytes before it (all of them if there is
/// none) are ASCII. Eight bytes at a time.
fn scan_line(bytes: &[u8]) -> (Option<usize>, bool) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const NEWLINES: u64 = 0x0a0a_0a0a_0a0a_0a0a;
    let mut high = 0;
    let mut i = 0;
    for chunk in bytes.chunks_exact(8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let x = w ^ NEWLINES;
        if x.wrapping_sub(ONES) & !x & HIGH != 0 {
            break;
        }
        high |= w;
        i += 8;
    }
    let mut ascii = high & HIGH == 0;
    for (j, &b) in bytes.get(i..).unwrap_or_default().iter().enumerate() {
        if b == b'\n' {
            return (Some(i + j), ascii);
        }
        ascii &= b < 0x80;
    }
    (None, ascii)
}
