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
pub(super) struct Locator<'a> {
    text: &'a str,
    /// Byte offset at which each line starts.
    line_starts: Vec<usize>,
    /// Whether each line (up to the next line start) is pure ASCII.
    ascii: Vec<bool>,
    /// The last non-ASCII answer: `(line index, offset, column)`.
    cache: (usize, usize, usize),
    /// Lines that could start an instruction (not indented, not blank, not a comment): a capacity
    /// hint for the instruction list.
    pub(super) candidates: usize,
    /// The line of the last answer: requests come mostly in source order, so the next answer is
    /// usually on the same line or a few lines further.
    hint: usize,
}

impl<'a> Locator<'a> {
    /// Index `text` in one pass.
    pub(super) fn new(text: &'a str) -> Locator<'a> {
        let mut line_starts = vec![0];
        let mut ascii = Vec::new();
        let mut line_ascii = true;
        let bytes = text.as_bytes();
        let starts_instruction =
            |b: Option<&u8>| !matches!(b, None | Some(b' ' | b'\t' | b'#' | b'\r' | b'\n'));
        let mut candidates = usize::from(starts_instruction(bytes.first()));
        for (i, &b) in bytes.iter().enumerate() {
            if b >= 0x80 {
                line_ascii = false;
            } else if b == b'\n' {
                line_starts.push(i + 1);
                ascii.push(line_ascii);
                line_ascii = true;
                candidates += usize::from(starts_instruction(bytes.get(i + 1)));
            }
        }
        ascii.push(line_ascii);
        Locator {
            text,
            line_starts,
            ascii,
            cache: (usize::MAX, 0, 0),
            candidates,
            hint: 0,
        }
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
        let starts = &self.line_starts;
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
        let (end_line, end_col) = self.line_col(end);
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
