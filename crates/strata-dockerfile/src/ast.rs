//! The syntax tree: what BuildKit's `parser.Node` holds, with spans.
//!
//! This layer knows nothing about what an instruction means; it records what was written and how BuildKit's
//! parser split it. [`crate::instructions`] gives it meaning.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use crate::Span;

/// A parsed Dockerfile: parser directives and one [`Instruction`] per logical line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dockerfile {
    /// Parser directives (`# syntax=…`, `# escape=…`, `# check=…`) from the top of the file.
    pub directives: Vec<Directive>,
    /// The escape token in effect: `\` unless `# escape=` changed it to `` ` ``.
    pub escape: char,
    /// Instructions in file order.
    pub instructions: Vec<Instruction>,
    /// First line of the first instruction (BuildKit's root `StartLine`), 0 if there is none.
    pub start_line: usize,
    /// Last line of the last instruction (BuildKit's root `EndLine`), 0 if there is none.
    pub end_line: usize,
}

/// A parser directive at the top of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The key, lower-cased (`syntax`, `escape`, `check`).
    pub name: String,
    /// The value with surrounding whitespace removed.
    pub value: String,
    /// The whole comment line.
    pub span: Span,
}

/// A piece of text and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The text as BuildKit's parser stores it for this position (see the field docs that use it).
    pub text: Text,
    /// Where it was written. For text assembled from several physical lines this covers them all;
    /// for a value produced by processing (a JSON string), it covers the source it came from.
    pub span: Span,
}

/// How the arguments of an instruction were written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgForm {
    /// No special form: whitespace split, one string, or name/value pairs, per instruction.
    Plain,
    /// A JSON array of strings (exec form): BuildKit's `json` attribute.
    Json,
}

/// One logical line: an instruction keyword, its flags, its arguments.
///
/// Mirrors BuildKit's `parser.Node` for an instruction: `keyword` is `Value`, `flags` is `Flags`, `args`
/// is the `Next` chain, `onbuild` is the single child of an `ONBUILD` node's `Next`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// The keyword as written (original case). Compare with `eq_ignore_ascii_case`.
    pub keyword: Word,
    /// Leading `--flag[=value]` words, with quotes and escape tokens processed as BuildKit does.
    pub flags: Vec<Word>,
    /// BuildKit's `Next` chain values, exactly as `Node.Dump` would print them (before lower-casing nothing:
    /// arguments keep their case). For ENV/LABEL these are (key, value, separator) triples.
    pub args: Vec<Word>,
    /// Whether the arguments were a JSON array.
    pub form: ArgForm,
    /// For `ONBUILD`: the wrapped instruction.
    pub onbuild: Option<Box<Instruction>>,
    /// Heredocs collected for this instruction (RUN, COPY, ADD, or ONBUILD wrapping them).
    pub heredocs: Vec<Heredoc>,
    /// The raw text after the keyword and flags, on the logical line (continuations joined, comment lines
    /// removed), trimmed; what the instruction-specific parser saw.
    pub rest: Word,
    /// The logical line as BuildKit's `Node.Original` holds it.
    pub original: Text,
    /// From the first character of the keyword to the end of the last line (or heredoc terminator).
    pub span: Span,
    /// 1-based first physical line (BuildKit `StartLine`).
    pub start_line: usize,
    /// 1-based last physical line (BuildKit `EndLine`), heredoc bodies included.
    pub end_line: usize,
}

impl Instruction {
    /// The keyword in upper case (`RUN`, `COPY`, …), as used for dispatch.
    pub fn name(&self) -> String {
        self.keyword.text.to_ascii_uppercase()
    }

    /// True if the keyword is `name`, ignoring ASCII case.
    pub fn is(&self, name: &str) -> bool {
        self.keyword.text.eq_ignore_ascii_case(name)
    }
}

/// A here-document attached to an instruction (`<<EOF … EOF`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter with quotes removed.
    pub name: String,
    /// The body: every line between the introducing line and the terminator, line endings kept.
    pub content: String,
    /// True when the delimiter had no quotes: the body is subject to expansion.
    pub expand: bool,
    /// True for `<<-`: leading tabs are removed from each body line at use.
    pub chomp: bool,
    /// File descriptor prefix (`3<<EOF`), if any.
    pub file_descriptor: Option<u32>,
    /// The body and terminator lines.
    pub span: Span,
}

impl Heredoc {
    /// The body as it is used: when `chomp` (`<<-`), leading tabs are removed from every line (BuildKit's
    /// `ChompHeredocContent`); otherwise the content unchanged.
    pub fn body(&self) -> std::borrow::Cow<'_, str> {
        if !self.chomp {
            return std::borrow::Cow::Borrowed(&self.content);
        }
        let mut out = String::with_capacity(self.content.len());
        for line in self.content.split_inclusive('\n') {
            out.push_str(line.trim_start_matches('\t'));
        }
        std::borrow::Cow::Owned(out)
    }
}

/// An immutable string that shares the parsed source when it is a piece of it.
///
/// Most words of a Dockerfile are written verbatim in the source; [`crate::parse`] keeps one shared
/// copy of the text and lets every such word point into it, so a word costs no allocation and
/// cloning one is cheap. Text that processing produced (a decoded JSON string, a flag without its
/// quotes, a line joined from continuations) is held on its own.
///
/// It dereferences to `&str` and compares, hashes, orders and prints like one; use
/// [`Text::as_str`], `&*text` or `.to_string()` where a `&str` or `String` is needed.
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Owned(String),
    Shared {
        buf: Arc<str>,
        start: usize,
        end: usize,
    },
}

impl Text {
    /// `buf[start..end]`, sharing `buf` (empty if the range is not valid).
    pub(crate) fn shared(buf: &Arc<str>, start: usize, end: usize) -> Text {
        if start >= end {
            return Text(Repr::Static(""));
        }
        Text(Repr::Shared {
            buf: Arc::clone(buf),
            start,
            end,
        })
    }

    /// The text as a string slice.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Owned(s) => s,
            Repr::Shared { buf, start, end } => buf.get(*start..*end).unwrap_or_default(),
        }
    }
}

impl Default for Text {
    fn default() -> Text {
        Text(Repr::Static(""))
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Repr::Owned(s))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text(Repr::Owned(s.to_string()))
    }
}

impl From<Text> for String {
    fn from(t: Text) -> String {
        match t.0 {
            Repr::Owned(s) => s,
            other => Text(other).as_str().to_string(),
        }
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}
