//! Plain-text rendering of diagnostics, in the shape rustc uses.
//!
//! ```text
//! Dockerfile:3:9: warning[SD0100]: `#` here is an argument, not a comment
//!   |
//! 3 | WORKDIR /app # x
//!   |              ^^^
//!   = help: put the comment on its own line
//! ```

use crate::{Diagnostic, LineIndex};

/// Render `diagnostics` found in `source` (named `file_name` in the output), one block each, in order.
pub fn render(file_name: &str, source: &str, diagnostics: &[Diagnostic]) -> String {
    let index = LineIndex::new(source);
    let mut out = String::new();
    for d in diagnostics {
        render_one(&mut out, file_name, source, &index, d);
    }
    out
}

fn render_one(out: &mut String, file_name: &str, source: &str, index: &LineIndex, d: &Diagnostic) {
    use std::fmt::Write;
    let _ = writeln!(
        out,
        "{file_name}:{}:{}: {}[{}]: {}",
        d.span.line,
        d.span.col,
        d.severity.as_str(),
        d.code,
        d.message
    );
    if let Some((start, end)) = index.line_range(source, d.span.line) {
        let text = source.get(start..end).unwrap_or("");
        // Show the line the way an editor does: BOM dropped, tabs as single spaces, control characters as `?`.
        let shown: String = text
            .trim_start_matches('\u{feff}')
            .chars()
            .map(|c| {
                if c == '\t' {
                    ' '
                } else if c.is_control() {
                    '?'
                } else {
                    c
                }
            })
            .collect();
        let bom = usize::from(text.starts_with('\u{feff}'));
        let gutter = d.span.line.to_string().len();
        let caret_col = d.span.col.saturating_sub(1 + bom);
        let caret_len = if d.span.end_line == d.span.line {
            d.span.end_col.saturating_sub(d.span.col).max(1)
        } else {
            shown.chars().count().saturating_sub(caret_col).max(1)
        };
        let _ = writeln!(out, "{:gutter$} |", "");
        let _ = writeln!(out, "{} | {}", d.span.line, shown);
        let _ = writeln!(
            out,
            "{:gutter$} | {}{}",
            "",
            " ".repeat(caret_col),
            "^".repeat(caret_len)
        );
    }
    if let Some(help) = &d.help {
        let gutter = d.span.line.to_string().len();
        let _ = writeln!(out, "{:gutter$} = help: {help}", "");
    }
}
