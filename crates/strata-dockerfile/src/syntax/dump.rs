//! BuildKit's `Node.Dump()` text and the Go string functions it relies on.
//!
//! The format: one `(keyword ["flag" …] "arg" …)` group per instruction, keyword lower-cased, every value
//! quoted the way Go's `strconv.Quote` quotes it, an `ONBUILD` trigger nested as `(onbuild (run …))`.

use super::printable::PRINTABLE;
use crate::ast::{Dockerfile, Instruction};

impl Dockerfile {
    /// BuildKit's `Node.Dump()` of the root node: one line per instruction, no trailing newline.
    ///
    /// BuildKit's parser corpus stores exactly `dump() + "\n"` in its `result` files.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        for instruction in &self.instructions {
            out.push('(');
            out.push_str(&instruction.dump());
            out.push_str(")\n");
        }
        go_trim_space(&out).to_string()
    }
}

impl Instruction {
    /// BuildKit's `Node.Dump()` of this instruction, without the surrounding parentheses.
    pub fn dump(&self) -> String {
        let mut s = go_lower(&self.keyword.text);
        if !self.flags.is_empty() {
            s.push_str(" [");
            for (i, flag) in self.flags.iter().enumerate() {
                if i > 0 {
                    s.push(' ');
                }
                go_quote_into(&flag.text, &mut s);
            }
            s.push(']');
        }
        for arg in &self.args {
            s.push(' ');
            go_quote_into(&arg.text, &mut s);
        }
        if let Some(child) = &self.onbuild {
            s.push_str(" (");
            s.push_str(&child.dump());
            s.push(')');
        }
        go_trim_space(&s).to_string()
    }
}

/// Go's `strings.TrimSpace`: Unicode white space removed from both ends.
pub(super) fn go_trim_space(s: &str) -> &str {
    go_trim_end(go_trim_start(s))
}

/// Whether `b` is an ASCII byte Go's `unicode.IsSpace` accepts.
fn is_ascii_go_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ')
}

/// `s` without leading Unicode white space; ASCII white space is skipped byte by byte.
pub(super) fn go_trim_start(s: &str) -> &str {
    let n = s.bytes().take_while(|&b| is_ascii_go_space(b)).count();
    let rest = s.get(n..).unwrap_or_default();
    if rest.as_bytes().first().is_some_and(|&b| b >= 0x80) {
        rest.trim_start_matches(is_go_space)
    } else {
        rest
    }
}

/// `s` without trailing Unicode white space; ASCII white space is skipped byte by byte.
fn go_trim_end(s: &str) -> &str {
    let n = s
        .bytes()
        .rev()
        .take_while(|&b| is_ascii_go_space(b))
        .count();
    let rest = s.get(..s.len() - n).unwrap_or_default();
    if rest.as_bytes().last().is_some_and(|&b| b >= 0x80) {
        rest.trim_end_matches(is_go_space)
    } else {
        rest
    }
}

/// Go's `unicode.IsSpace` (the Unicode `White_Space` property, which is what Rust uses too).
pub(super) fn is_go_space(c: char) -> bool {
    c.is_whitespace()
}

/// Go's `strings.ToLower`: the simple (one character to one character) lower-case mapping.
pub(crate) fn go_lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '\u{130}' {
            // The only character whose full lower-case mapping differs from the simple one.
            out.push('i');
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
pub(super) fn go_is_print(c: char) -> bool {
    let c = c as u32;
    if c <= 0xFF {
        return (0x20..=0x7E).contains(&c) || ((0xA1..=0xFF).contains(&c) && c != 0xAD);
    }
    let idx = PRINTABLE.partition_point(|&(first, _)| first <= c);
    idx.checked_sub(1)
        .and_then(|i| PRINTABLE.get(i))
        .is_some_and(|&(_, last)| c <= last)
}

/// Go's `strconv.Quote(s)`.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    go_quote_into(s, &mut out);
    out
}

/// Append Go's `strconv.Quote(s)` to `out`.
pub(super) fn go_quote_into(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ if go_is_print(c) => out.push(c),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            _ => {
                let v = c as u32;
                let (prefix, digits) = if v < 0x20 || v == 0x7F {
                    ("\\x", 2)
                } else if v < 0x10000 {
                    ("\\u", 4)
                } else {
                    ("\\U", 8)
                };
                out.push_str(prefix);
                for i in (0..digits).rev() {
                    let nibble = ((v >> (4 * i)) & 0xF) as usize;
                    out.push(char::from(HEX[nibble]));
                }
            }
        }
    }
    out.push('"');
}
