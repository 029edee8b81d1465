//! Reading a Dockerfile for `parse`, `lint` and `build`, and printing its text safely.
//!
//! All three verbs treat a file alike: bytes that are not UTF-8 are refused with the offset and line of
//! the first bad byte (exit status 1, the input has errors), and control characters that do reach the
//! terminal (a NUL or an escape sequence in an otherwise valid file) are printed escaped, never raw.

use std::borrow::Cow;
use std::fmt;
use std::io::Read;

use anyhow::{Context, Result};

/// A Dockerfile that is not UTF-8 text (a binary file, or another encoding).
#[derive(Debug)]
pub struct NotUtf8 {
    /// The file as named on the command line (`<stdin>` for `-`).
    pub name: String,
    /// The byte offset of the first invalid byte.
    pub offset: usize,
    /// Its line (1-based).
    pub line: usize,
}

impl fmt::Display for NotUtf8 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: not a text file: invalid UTF-8 at byte offset {}",
            self.name, self.line, self.offset
        )
    }
}

impl std::error::Error for NotUtf8 {}

/// Reads a Dockerfile: a path, or `-` for standard input. Returns its display name and text; input that
/// is not UTF-8 is a [`NotUtf8`] error.
pub fn read(file: &str) -> Result<(String, String)> {
    let mut bytes = Vec::new();
    let name = if file == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
        "<stdin>".to_string()
    } else {
        bytes = std::fs::read(file).with_context(|| format!("reading {file}"))?;
        file.to_string()
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok((name, text)),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let line = 1 + e.as_bytes()[..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            Err(NotUtf8 { name, offset, line }.into())
        }
    }
}

/// The text with every control character but newline and tab written as an escape (`\x00`, `\x1b`,
/// `\u{85}`), so that a Dockerfile's bytes cannot drive the terminal.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if !needs_escape(c) {
            out.push(c);
        } else if (c as u32) < 0x80 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_text_is_not() {
        assert_eq!(escape_controls("RUN echo hi\n\tx"), "RUN echo hi\n\tx");
        assert_eq!(
            escape_controls("a\u{0}b\u{1b}[31mc\u{85}\r"),
            "a\\x00b\\x1b[31mc\\u{85}\\x0d"
        );
    }
}
