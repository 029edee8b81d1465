//! The syntax tree: what BuildKit's `parser.Node` holds, with spans.
//!
//! This layer knows nothing about what an instruction means; it records what was written and how BuildKit's
//! parser split it. [`crate::instructions`] gives it meaning.

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
    pub text: String,
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
    pub original: String,
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
