//! Text to [`crate::ast`]: directives, escape, continuations, comments, heredocs, JSON vs shell forms, flags.
//!
//! This is BuildKit's `parser.Parse`, step for step, over a `&str`:
//!
//! 1. Physical lines end after `\n`; trailing `\r`/`\n` are trimmed; a UTF-8 BOM is dropped from line 1.
//! 2. The first line of an instruction is left-trimmed (Unicode white space). A line starting with `#`
//!    is a comment and is dropped, also inside a continuation. While the directive latch is open, lines
//!    are offered to it ([`directives`]); `# escape=` changes the escape token for what follows.
//! 3. A line ending in the escape token (then optional spaces/tabs), not itself escaped, continues: the
//!    token is removed and the next line is appended as it is (no separator, no trimming). Blank lines
//!    inside a continuation are skipped with a warning; a continuation still open at the end is fine.
//! 4. The joined line becomes an instruction ([`command`]). For RUN/COPY/ADD (or ONBUILD wrapping one)
//!    not in JSON form, heredoc markers on it ([`heredoc`]) read the following raw lines as bodies.
//!
//! Every error BuildKit's parser would stop at becomes an error [`Diagnostic`] and parsing goes on, so
//! the tree is as complete as it can be. The catalogue of codes is [`RULES`].
//!
//! Decisions where BuildKit has no equivalent or where strata reports more:
//! - A physical line longer than 65535 bytes (BuildKit's scanner limit, SD0008) is reported once, at
//!   the first such line, and parsing continues (BuildKit stops reading there).
//! - `ONBUILD` nesting is capped at [`command::MAX_ONBUILD_DEPTH`] levels (SD0011); BuildKit has no cap
//!   but refuses `ONBUILD ONBUILD` in its next layer anyway.
//! - The empty-continuation warning (SD0007) is reported once per instruction, at the first empty line,
//!   with the joined line cut to 120 characters in the message.
//! - An instruction whose arguments BuildKit refuses (SD0002, SD0003, SD0009) stays in the tree with no
//!   arguments; its heredocs are not read.
//!
//! Known differences from BuildKit, all on input no real Dockerfile holds: BuildKit reads `--flags` and
//! the HEALTHCHECK type byte by byte, so bytes 0x85 and 0xA0 inside a multi-byte character split words
//! and can leave invalid UTF-8, which Go prints as `\xNN`; a `String` cannot hold that, so strata
//! cuts at the next character boundary or prints U+FFFD. `Dump` treats characters assigned after
//! Unicode 15.0 (Go 1.21 to 1.25) as unprintable.

mod command;
mod directives;
mod dump;
mod heredoc;
mod json;
mod locate;
mod printable;

use std::sync::Arc;

use crate::ast::{ArgForm, Directive, Dockerfile, Heredoc, Instruction, Text, Word};
use crate::{Diagnostic, Rule, Severity, Span};
use command::{Node, Piece, RawError, Val};
use directives::{Directives, Seen};
use locate::{Locator, Segments};

/// What [`parse`] returns: the tree and every diagnostic found while building it.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The syntax tree (as much of it as could be read).
    pub ast: Dockerfile,
    /// Syntax errors and warnings. Any error means BuildKit's parser would refuse the file.
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// True if any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// BuildKit's scanner limit: a line (without its `\n`) may hold at most this many bytes.
const MAX_LINE: usize = 65_535;

/// Parser diagnostics catalogue (codes SD0001–SD0019).
pub(crate) const RULES: &[Rule] = &[
    Rule {
        code: "SD0001",
        name: "NoInstructions",
        severity: Severity::Error,
        summary: "the Dockerfile has no instructions",
        explanation: "A Dockerfile must contain at least one instruction. Empty files, and files holding only \
            comments, blank lines or parser directives, are refused with \"file with no instructions\". \
            Add the instructions that build your image, starting with the base image:\n\n    \
            FROM alpine:3.20\n    RUN echo hello",
    },
    Rule {
        code: "SD0002",
        name: "MissingValue",
        severity: Severity::Error,
        summary: "ENV or LABEL has a name but no value",
        explanation: "ENV and LABEL set name/value pairs. In the old `ENV NAME value` form the value is \
            everything after the first space, so `ENV PATH` alone has no value and is refused (\"ENV must \
            have two arguments\"). Give a value, preferably with the `name=value` form, which also allows \
            several pairs and an explicitly empty value:\n\n    ENV PATH=/usr/local/bin:$PATH\n    \
            ENV EMPTY=\"\"",
    },
    Rule {
        code: "SD0003",
        name: "JsonNotStrings",
        severity: Severity::Error,
        summary: "a JSON array argument holds something other than strings",
        explanation: "When the arguments of RUN, CMD, ENTRYPOINT, SHELL, ADD, COPY, VOLUME or HEALTHCHECK \
            are a valid JSON array (the exec form), every element must be a string. Numbers, booleans, \
            null, objects and nested arrays are refused. Quote each element:\n\n    \
            CMD [\"sleep\", \"10\"]\n\ninstead of `CMD [\"sleep\", 10]`.",
    },
    Rule {
        code: "SD0004",
        name: "UnterminatedHeredoc",
        severity: Severity::Error,
        summary: "a here-document has no terminator line",
        explanation: "A here-document (`<<EOF`) on a RUN, COPY or ADD line reads the following lines until \
            a line that is exactly the delimiter (`EOF`), with no leading or trailing spaces; `<<-EOF` \
            also allows leading tabs. If no such line comes before the end of the file, the Dockerfile \
            is refused. Add the terminator on its own line:\n\n    RUN <<EOF\n    apt-get update\n    \
            EOF",
    },
    Rule {
        code: "SD0005",
        name: "InvalidEscapeToken",
        severity: Severity::Error,
        summary: "the escape directive names a character other than \\ or `",
        explanation: "The `# escape=` parser directive sets the character that escapes and continues \
            lines. Only a backslash (the default) and a backtick (handy on Windows, where `\\` separates \
            paths) are allowed. Write one of them:\n\n    # escape=`\n    FROM mcr.microsoft.com/windows/servercore\n    \
            COPY testfile.txt c:\\",
    },
    Rule {
        code: "SD0006",
        name: "DuplicateDirective",
        severity: Severity::Error,
        summary: "the same parser directive appears twice",
        explanation: "Each parser directive (`syntax`, `escape`, `check`) may appear once, in the comment \
            lines at the very top of the file. A second one is refused (\"only one escape parser directive \
            can be used\"), because it would be unclear which one applies. Keep one:\n\n    \
            # syntax=docker/dockerfile:1\n    # escape=\\\n    FROM alpine",
    },
    Rule {
        code: "SD0007",
        name: "EmptyContinuationLine",
        severity: Severity::Warning,
        summary: "an empty line inside a continued instruction",
        explanation: "An instruction continued with a trailing `\\` goes on at the next line that is not \
            empty and not a comment. Empty lines in between are skipped today, but BuildKit warns that \
            they will become errors. Remove the empty line, or end the instruction before it:\n\n    \
            RUN apt-get update && \\\n        apt-get install -y curl",
    },
    Rule {
        code: "SD0008",
        name: "LineTooLong",
        severity: Severity::Error,
        summary: "a line is longer than 65535 bytes",
        explanation: "BuildKit reads the Dockerfile with a line scanner whose lines may hold at most 65535 \
            bytes; a longer line stops the parse with \"dockerfile line greater than max allowed size of \
            65535\". Split the line with `\\` continuations (each physical line counts separately), or \
            move long data into a file that you COPY:\n\n    RUN echo part one \\\n        part two",
    },
    Rule {
        code: "SD0009",
        name: "MissingEquals",
        severity: Severity::Error,
        summary: "an ENV or LABEL pair has no `=`",
        explanation: "When the first ENV or LABEL word contains `=`, every word must be a `name=value` \
            pair; a word without `=` is refused. Values with spaces must be quoted or escaped, otherwise \
            the part after the space is a separate word:\n\n    LABEL description=\"a small image\"\n\n\
            instead of `LABEL description=a small image`.",
    },
    Rule {
        code: "SD0010",
        name: "InvalidHeredocDelimiter",
        severity: Severity::Error,
        summary: "a here-document delimiter cannot be read",
        explanation: "The word after `<<` is read like a shell word: quotes must be closed and `${…}` \
            must be complete. BuildKit refuses a delimiter it cannot read (for example `<<\"EOF`). Use a \
            plain word, quoted if the body must not be expanded:\n\n    COPY <<'EOF' /etc/motd\n    \
            Hello $USER\n    EOF",
    },
    Rule {
        code: "SD0011",
        name: "OnbuildTooDeep",
        severity: Severity::Error,
        summary: "ONBUILD instructions are nested too deeply",
        explanation: "`ONBUILD` registers one instruction to run when the image is used as a base. \
            `ONBUILD ONBUILD …` is refused by Docker, and strata stops reading nested ONBUILD after 16 \
            levels. Write the trigger instruction directly:\n\n    ONBUILD RUN make install",
    },
];

/// The [`Text`] of a logical-line value.
fn text(val: Val, at: &Placement<'_>) -> Text {
    match val {
        Val::At(a, b) => Text::shared(at.buf, a + at.shift, b + at.shift),
        Val::Own(s) => Text::from(s),
    }
}

/// Cut `s` to at most `max` characters, marking the cut.
fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or_default()),
        None => s.to_string(),
    }
}

/// Parse Dockerfile text. Never fails and never panics.
pub fn parse(text: &str) -> Parsed {
    Parser::new(text).run()
}

/// One physical line.
#[derive(Debug, Clone, Copy)]
struct Line {
    /// Offset of the first byte (after the BOM on line 1).
    start: usize,
    /// Offset after the content: trailing `\r` and `\n` excluded.
    content_end: usize,
    /// Offset after the line ending.
    end: usize,
}

/// Where an instruction's pieces are in the source.
struct Placement<'s> {
    /// Logical-line offsets to source offsets.
    segs: &'s Segments,
    /// The buffer word texts share: the source when the logical line is one piece of it, else a
    /// copy of the logical line.
    buf: &'s Arc<str>,
    /// Offset in `buf` of logical offset 0.
    shift: usize,
    /// When the whole logical line is one piece of one pure-ASCII physical line: that line's
    /// number and start offset, so that spans are subtractions.
    ascii_line: Option<(usize, usize)>,
    /// Source offset of the end of the instruction's last line.
    last_end: usize,
    /// BuildKit's `StartLine` and `EndLine`.
    lines: (usize, usize),
}

/// The parse in progress.
struct Parser<'a> {
    text: &'a str,
    /// The source, shared by the words that are written in it as they are.
    shared: Arc<str>,
    /// Next unread byte.
    pos: usize,
    /// Physical lines consumed (BuildKit's `currentLine`).
    line_no: usize,
    loc: Locator<'a>,
    escape: char,
    directives: Directives,
    ast: Dockerfile,
    diags: Vec<Diagnostic>,
    too_long_reported: bool,
    /// Reused logical-to-source mapping.
    segs: Segments,
    /// Reused logical-line buffer.
    logical: String,
    /// Reused flag and argument pieces of the instruction being built.
    pieces: Vec<Piece>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        let loc = Locator::new(text);
        let instructions = Vec::new();
        Parser {
            text,
            shared: Arc::from(text),
            pos: 0,
            line_no: 0,
            loc,
            escape: '\\',
            directives: Directives::default(),
            ast: Dockerfile {
                escape: '\\',
                instructions,
                ..Dockerfile::default()
            },
            diags: Vec::new(),
            too_long_reported: false,
            segs: Segments::default(),
            logical: String::new(),
            pieces: Vec::new(),
        }
    }

    /// The text of `start..end`.
    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or_default()
    }

    /// Read the next physical line, counting it.
    fn next_line(&mut self) -> Option<Line> {
        if self.pos >= self.text.len() {
            return None;
        }
        let raw_start = self.pos;
        // Lines are read in order: this is line `line_no` (0-based), starting at `pos`.
        let end = self.loc.line_end(self.line_no);
        let bytes = self.text.as_bytes();
        let start = if raw_start == 0 && self.text.starts_with('\u{FEFF}') {
            3
        } else {
            raw_start
        };
        let mut content_end = end.max(start);
        while content_end > start && matches!(bytes.get(content_end - 1), Some(b'\r' | b'\n')) {
            content_end -= 1;
        }
        self.pos = end;
        self.line_no += 1;
        let without_newline = if bytes.get(end.wrapping_sub(1)) == Some(&b'\n') && end > raw_start {
            end - 1
        } else {
            end
        };
        if without_newline - raw_start > MAX_LINE && !self.too_long_reported {
            self.too_long_reported = true;
            let span = self.loc.span(start, content_end);
            self.diags.push(
                Diagnostic::error(
                    "SD0008",
                    span,
                    "dockerfile line greater than max allowed size of 65535",
                )
                .with_help("split the line with continuations or move the data into a file"),
            );
        }
        Some(Line {
            start,
            content_end,
            end,
        })
    }

    fn run(mut self) -> Parsed {
        while let Some(line) = self.next_line() {
            self.instruction(line);
        }
        if let (Some(first), Some(last)) =
            (self.ast.instructions.first(), self.ast.instructions.last())
        {
            self.ast.start_line = first.start_line;
            self.ast.end_line = last.end_line;
        } else {
            let span = self.loc.span(0, 0);
            self.diags.push(
                Diagnostic::error("SD0001", span, "file with no instructions")
                    .with_help("add at least one instruction, for example `FROM alpine`"),
            );
        }
        self.ast.escape = self.escape;
        Parsed {
            ast: self.ast,
            diagnostics: self.diags,
        }
    }

    /// Offer a first line to the directive latch, applying `escape`.
    fn directive(&mut self, content: &str, line: Line) {
        match self.directives.line(content) {
            Seen::No => {}
            Seen::Duplicate(name) => {
                let span = self.loc.span(line.start, line.content_end);
                self.diags.push(
                    Diagnostic::error(
                        "SD0006",
                        span,
                        format!("only one {name} parser directive can be used"),
                    )
                    .with_help("remove the repeated directive"),
                );
            }
            Seen::Directive(name, value) => {
                let span = self.loc.span(line.start, line.content_end);
                if name == "escape" {
                    match value.as_str() {
                        "`" => self.escape = '`',
                        "\\" => self.escape = '\\',
                        _ => {
                            self.diags.push(
                                Diagnostic::error(
                                    "SD0005",
                                    span,
                                    format!(
                                        "invalid escape token '{value}' does not match ` or \\"
                                    ),
                                )
                                .with_help("use `# escape=\\` or `# escape=``"),
                            );
                        }
                    }
                }
                self.ast.directives.push(Directive { name, value, span });
            }
        }
    }

    /// BuildKit's continuation check: the text without its continuation token, and whether the
    /// instruction continues on the next line.
    fn trim_continuation<'s>(&self, s: &'s str) -> (&'s str, bool) {
        let u = s.trim_end_matches([' ', '\t']);
        match u.strip_suffix(self.escape) {
            Some("") => ("", true),
            Some(v) if !v.ends_with(self.escape) => (v, true),
            _ => (s, false),
        }
    }

    /// Read one instruction starting at physical line `first` (or skip it if it is blank or a comment).
    fn instruction(&mut self, first: Line) {
        let raw = self.slice(first.start, first.content_end);
        let content = dump::go_trim_start(raw);
        let content_start = first.content_end - content.len();
        if !self.directives.done() {
            self.directive(content, first);
        }
        let content = if content.starts_with('#') {
            ""
        } else {
            content
        };
        let (piece, mut continues) = self.trim_continuation(content);
        if !continues && piece.is_empty() {
            return;
        }
        let start_line = self.line_no;
        let mut logical = std::mem::take(&mut self.logical);
        logical.clear();
        // The mapping buffer is reused from one instruction to the next.
        let mut segs = std::mem::take(&mut self.segs);
        segs.reset(content_start);
        segs.push(0, content_start, piece.len());
        logical.push_str(piece);
        let mut last_end = first.content_end;
        let mut empty_line: Option<Span> = None;
        while continues {
            let Some(line) = self.next_line() else {
                break;
            };
            last_end = line.content_end;
            let content = self.slice(line.start, line.content_end);
            let trimmed = dump::go_trim_start(content);
            if trimmed.starts_with('#') {
                continue;
            }
            if trimmed.is_empty() {
                if empty_line.is_none() {
                    empty_line = Some(self.loc.span(line.start, line.content_end));
                }
                continue;
            }
            let (piece, more) = self.trim_continuation(content);
            continues = more;
            segs.push(logical.len(), line.start, piece.len());
            logical.push_str(piece);
        }
        if let Some(span) = empty_line {
            self.diags.push(
                Diagnostic::warning(
                    "SD0007",
                    span,
                    format!("empty continuation line found in: {}", shorten(&logical, 120)),
                )
                .with_help("remove the empty line; empty continuation lines will become errors in a future release"),
            );
        }

        let mut errors = Vec::new();
        let mut pieces = std::mem::take(&mut self.pieces);
        pieces.clear();
        let node = command::parse_node(
            &logical,
            0,
            logical.len(),
            self.escape,
            0,
            &mut errors,
            &mut pieces,
        );
        let heredocs = if errors.is_empty() && node.can_contain_heredoc() && logical.contains("<<")
        {
            match heredoc::markers(&logical) {
                Ok(markers) => markers,
                Err(e) => {
                    errors.push(RawError {
                        code: "SD0010",
                        message: e.message,
                        start: e.start,
                        end: e.end,
                    });
                    Vec::new()
                }
            }
        } else {
            Vec::new()
        };
        for e in errors {
            let (s, t) = segs.range(e.start, e.end);
            let span = self.loc.span(s, t);
            self.diags.push(Diagnostic::error(e.code, span, e.message));
        }

        let mut bodies = Vec::with_capacity(heredocs.len());
        for marker in heredocs {
            let mut content = String::new();
            let mut body_start = None;
            let mut terminated = false;
            while let Some(line) = self.next_line() {
                body_start.get_or_insert(line.start);
                last_end = line.content_end;
                let candidate = self.slice(line.start, line.content_end);
                let candidate = if marker.chomp {
                    candidate.trim_start_matches('\t')
                } else {
                    candidate
                };
                if candidate == marker.name {
                    terminated = true;
                    break;
                }
                content.push_str(self.slice(line.start, line.end));
            }
            let span = self.loc.span(body_start.unwrap_or(last_end), last_end);
            if !terminated {
                let (s, _) = segs.range(marker.start, marker.end);
                let span = self.loc.span(s, last_end);
                self.diags.push(
                    Diagnostic::error("SD0004", span, "unterminated heredoc").with_help(format!(
                        "end the here-document with a line holding only `{}`",
                        marker.name
                    )),
                );
            }
            bodies.push(Heredoc {
                name: marker.name,
                content,
                expand: marker.expand,
                chomp: marker.chomp,
                file_descriptor: marker.fd,
                span,
            });
            if !terminated {
                // The text is used up; like BuildKit, report the first unterminated heredoc only.
                break;
            }
        }

        // Word texts point into the source when the logical line is one piece of it (no
        // continuation), else into one shared copy of the logical line.
        let copy;
        let (buf, shift) = match segs.single() {
            Some(shift) => (&self.shared, shift),
            None => {
                copy = Arc::<str>::from(logical.as_str());
                (&copy, 0)
            }
        };
        let buf = Arc::clone(buf);
        let on_first_line = segs.single().is_some_and(|shift| {
            shift >= first.start && shift + logical.len() <= first.content_end
        });
        let ascii_line = if on_first_line {
            self.loc
                .ascii_line(start_line - 1)
                .map(|line_start| (start_line, line_start))
        } else {
            None
        };
        let at = Placement {
            segs: &segs,
            buf: &buf,
            shift,
            ascii_line,
            last_end,
            lines: (start_line, self.line_no),
        };
        let instruction = self.instruction_from(node, &at, bodies, &mut pieces);
        self.ast.instructions.push(instruction);
        self.segs = segs;
        self.logical = logical;
        self.pieces = pieces;
    }

    /// A [`Word`] for a logical-line piece.
    fn word(&mut self, piece: Piece, at: &Placement<'_>) -> Word {
        let span = match at.ascii_line {
            // What `Segments::range` and `Locator::span` give on one ASCII line, without searching.
            Some((line, line_start)) => {
                let start = at.shift + piece.start;
                let end = at.shift + piece.end.max(piece.start);
                Span {
                    start,
                    end,
                    line,
                    col: start - line_start + 1,
                    end_line: line,
                    end_col: end - line_start + 1,
                }
            }
            None => {
                let (s, e) = at.segs.range(piece.start, piece.end);
                self.loc.span(s, e)
            }
        };
        Word {
            text: text(piece.text, at),
            span,
        }
    }

    /// Turn a [`Node`] into an [`Instruction`] with source spans.
    fn instruction_from(
        &mut self,
        node: Node,
        at: &Placement<'_>,
        heredocs: Vec<Heredoc>,
        pieces: &mut [Piece],
    ) -> Instruction {
        let (last_end, (start_line, end_line)) = (at.last_end, at.lines);
        let keyword = self.word(node.keyword, at);
        let mut flags = Vec::with_capacity(node.flags.len());
        for p in pieces.get_mut(node.flags).unwrap_or_default() {
            flags.push(self.word(std::mem::take(p), at));
        }
        let mut args = Vec::with_capacity(node.args.len());
        for p in pieces.get_mut(node.args).unwrap_or_default() {
            args.push(self.word(std::mem::take(p), at));
        }
        let rest = self.word(node.rest, at);
        let onbuild = node
            .child
            .map(|child| Box::new(self.instruction_from(*child, at, Vec::new(), pieces)));
        let (o_start, o_end) = node.original;
        let span = self
            .loc
            .span(keyword.span.start, last_end.max(keyword.span.start));
        Instruction {
            keyword,
            flags,
            args,
            form: if node.json {
                ArgForm::Json
            } else {
                ArgForm::Plain
            },
            onbuild,
            heredocs,
            rest,
            original: text(Val::At(o_start, o_end), at),
            span,
            start_line,
            end_line,
        }
    }
}
