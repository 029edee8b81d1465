//! Source positions shared by every layer above the text.

/// A region of the Dockerfile source.
///
/// `start..end` are byte offsets into the text given to [`crate::parse`] (after nothing is stripped:
/// a BOM or CRLF still count). `line`/`col` locate `start`; `end_line`/`end_col` locate `end`.
/// Lines are 1-based and count every physical line; columns are 1-based and count Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    /// 1-based column (in characters) of `start`.
    pub col: usize,
    /// 1-based line of `end` (the line holding the last byte, for non-empty spans).
    pub end_line: usize,
    /// 1-based column (in characters) of `end`.
    pub end_col: usize,
}

impl Span {
    /// The span covering both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        let (first, last) = if self.start <= other.start {
            (self, other)
        } else {
            (other, self)
        };
        let end = if last.end >= first.end { last } else { first };
        Span {
            start: first.start,
            line: first.line,
            col: first.col,
            end: end.end,
            end_line: end.end_line,
            end_col: end.end_col,
        }
    }
}

/// Maps byte offsets of a text to line and column numbers.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset at which each line starts; `line_starts[0] == 0`.
    line_starts: Vec<usize>,
}

impl LineIndex {
    /// Index the lines of `text` (a line ends after `\n`).
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { line_starts }
    }

    /// 1-based line and column (in characters) of byte offset `offset` of `text`.
    ///
    /// An offset inside a multi-byte character counts as that character.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line_idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_idx];
        let col = text
            .get(start..)
            .map(|rest| {
                rest.char_indices()
                    .take_while(|(i, _)| *i < offset - start)
                    .count()
            })
            .unwrap_or(0);
        (line_idx + 1, col + 1)
    }

    /// The span of bytes `start..end` of `text`.
    pub fn span(&self, text: &str, start: usize, end: usize) -> Span {
        let (line, col) = self.line_col(text, start);
        let (end_line, end_col) = self.line_col(text, end);
        Span {
            start,
            end,
            line,
            col,
            end_line,
            end_col,
        }
    }

    /// Byte range of 1-based line `line` without its line ending, or `None` past the end.
    pub fn line_range(&self, text: &str, line: usize) -> Option<(usize, usize)> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let mut end = self.line_starts.get(line).copied().unwrap_or(text.len());
        let bytes = text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        Some((start, end))
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.line_starts.len()
    }

    /// Always false: a text has at least one (possibly empty) line.
    pub fn is_empty(&self) -> bool {
        false
    }
}
