//! What the page shows about one Dockerfile text, computed by plain functions (no DOM, no Yew).
//!
//! [`analyze`] parses the text once and lints it and turns their diagnostics into [`ProblemRow`]s: the
//! text a problem button shows, and the selection (in UTF-16 code units, which is what a `<textarea>`'s
//! `setSelectionRange` counts) that clicking it makes. [`Summary`] is the count line and
//! [`Analysis::line_marks`] the gutter markers.

use std::collections::BTreeMap;

use strata_dockerfile::{Diagnostic, Severity};

/// Everything the page derives from one Dockerfile text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    /// The text that was analysed (the editor's text may be newer).
    pub text: String,
    /// One row per diagnostic, in source order.
    pub problems: Vec<ProblemRow>,
    /// The count line.
    pub summary: Summary,
    /// BuildKit's `Node.Dump` of the syntax tree.
    pub dump: String,
    /// The gutter marker of each 1-based line that has a problem.
    pub line_marks: BTreeMap<usize, LineMark>,
}

/// The gutter marker of one line: how bad its worst problem is, and every problem's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineMark {
    /// The worst severity of the problems starting on the line.
    pub severity: Severity,
    /// One line per problem, `error SD0020: unknown instruction: FORM`, for the marker's tooltip.
    pub tooltip: String,
}

/// One problem, ready to show and to jump to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemRow {
    /// 1-based line of the start of the span.
    pub line: usize,
    /// 1-based column (in characters) of the start of the span.
    pub col: usize,
    /// How bad it is.
    pub severity: Severity,
    /// Stable code, such as `SD0003`.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// What to do about it, if anything.
    pub help: Option<String>,
    /// Start of the span in UTF-16 code units from the start of the text.
    pub sel_start: u32,
    /// End of the span in UTF-16 code units from the start of the text.
    pub sel_end: u32,
}

/// The numbers in the count line: "3 instructions, 1 error, 2 warnings".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// Instructions in the syntax tree.
    pub instructions: usize,
    /// Diagnostics of severity error.
    pub errors: usize,
    /// Diagnostics of severity warning.
    pub warnings: usize,
    /// Diagnostics of severity info (named in the line only when there are some, so that the numbers add
    /// up to the Problems count).
    pub infos: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}, {}, {}",
            plural(self.instructions, "instruction"),
            plural(self.errors, "error"),
            plural(self.warnings, "warning")
        )?;
        if self.infos > 0 {
            write!(f, ", {} info", self.infos)?;
        }
        Ok(())
    }
}

/// `1 layer`, `2 layers`: `n` and `word`, plural unless `n` is 1.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Parse and lint `text`, and turn the results into what the page shows.
pub fn analyze(text: &str) -> Analysis {
    let parsed = strata_dockerfile::parse(text);
    let instructions = parsed.ast.instructions.len();
    // The linter's findings include the parser's and the lowering's diagnostics.
    let diagnostics = strata_dockerfile::lint::check_parsed(text, &parsed);
    Analysis {
        text: text.to_string(),
        problems: rows(text, &diagnostics),
        summary: summarize(instructions, &diagnostics),
        dump: parsed.ast.dump(),
        line_marks: line_marks(&diagnostics),
    }
}

/// The rows for `diagnostics` of `text`, sorted by position (then by severity, worst first).
pub fn rows(text: &str, diagnostics: &[Diagnostic]) -> Vec<ProblemRow> {
    let mut rows: Vec<ProblemRow> = diagnostics
        .iter()
        .map(|d| ProblemRow {
            line: d.span.line,
            col: d.span.col,
            severity: d.severity,
            code: d.code,
            message: d.message.clone(),
            help: d.help.clone(),
            sel_start: utf16_offset(text, d.span.start),
            sel_end: utf16_offset(text, d.span.end.max(d.span.start)),
        })
        .collect();
    strata_image::sort::sort_by(&mut rows, |a, b| {
        (a.line, a.col, std::cmp::Reverse(a.severity)).cmp(&(
            b.line,
            b.col,
            std::cmp::Reverse(b.severity),
        ))
    });
    rows
}

/// The count line for a tree of `instructions` instructions and its `diagnostics`.
pub fn summarize(instructions: usize, diagnostics: &[Diagnostic]) -> Summary {
    Summary {
        instructions,
        errors: diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count(),
        warnings: diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count(),
        infos: diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Info)
            .count(),
    }
}

/// The marker of every line a diagnostic starts on.
pub fn line_marks(diagnostics: &[Diagnostic]) -> BTreeMap<usize, LineMark> {
    let mut marks: BTreeMap<usize, LineMark> = BTreeMap::new();
    for d in diagnostics {
        let note = format!("{} {}: {}", d.severity.as_str(), d.code, d.message);
        marks
            .entry(d.span.line)
            .and_modify(|m| {
                m.severity = m.severity.max(d.severity);
                m.tooltip.push('\n');
                m.tooltip.push_str(&note);
            })
            .or_insert(LineMark {
                severity: d.severity,
                tooltip: note,
            });
    }
    marks
}

/// The UTF-16 offset of byte offset `byte` of `text`.
///
/// An offset past the end counts as the end; one inside a multi-byte character counts as the start of that
/// character, so a span from another version of the text never panics.
pub fn utf16_offset(text: &str, byte: usize) -> u32 {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    let units: usize = text[..byte].chars().map(char::len_utf16).sum();
    u32::try_from(units).unwrap_or(u32::MAX)
}

/// The byte offset of UTF-16 offset `units` of `text` (the inverse of [`utf16_offset`]).
///
/// An offset past the end counts as the end; one inside a surrogate pair counts as the start of that
/// character.
pub fn byte_offset(text: &str, units: u32) -> usize {
    let units = units as usize;
    let mut seen = 0;
    for (i, c) in text.char_indices() {
        seen += c.len_utf16();
        if seen > units {
            return i;
        }
    }
    text.len()
}

/// The 1-based line and column (in characters) of UTF-16 offset `units` of `text`: where a
/// `<textarea>`'s `selectionStart` is.
pub fn line_col_utf16(text: &str, units: u32) -> (usize, usize) {
    let byte = byte_offset(text, units);
    let before = &text[..byte];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// The UTF-16 offset at which 1-based line `line` of `text` starts (the end of the text past the last line).
pub fn line_start_utf16(text: &str, line: usize) -> u32 {
    let mut byte = 0;
    for _ in 1..line {
        match text[byte..].find('\n') {
            Some(i) => byte += i + 1,
            None => return utf16_offset(text, text.len()),
        }
    }
    utf16_offset(text, byte)
}

/// Number of lines in `text` as the editor shows them (a trailing newline starts an empty last line).
pub fn line_count(text: &str) -> usize {
    text.split('\n').count()
}
