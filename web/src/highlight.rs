//! What the editor's highlighting layer draws: the kind of each piece of a Dockerfile text, and where
//! the linter's problems are, as byte ranges of the text (no DOM, no Yew).
//!
//! [`tokens`] reads the structure from `strata-dockerfile`'s parser (keywords, flags, arguments, parser
//! directives, heredocs) and only scans inside an argument for what the parser does not record: quotes,
//! `$variables` (with the shell lexer's [`strata_dockerfile::shell::Lexer::variables`]) and the `<<EOF`
//! markers. [`underlines`] places the rows of an [`Analysis`] on the current text, which may be a few
//! keystrokes newer than the analysis: problems before or after the edited region move with the text, and
//! those touching it are dropped until the next analysis. [`segments`] merges both into the runs of text
//! the layer renders, one `<span>` each.

use strata_dockerfile::ast::{ArgForm, Dockerfile, Instruction};
use strata_dockerfile::shell::Lexer;
use strata_dockerfile::{LineIndex, Severity};

use crate::analysis::{byte_offset, Analysis};

/// What a piece of the text is, which decides its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// An instruction keyword (`FROM`, `RUN` …, and the `RUN` of `ONBUILD RUN`), and `AS` in `FROM … AS x`.
    Keyword,
    /// The name part of a `--flag=`.
    Flag,
    /// A name being defined: ENV/LABEL/ARG keys, a stage name after `AS`.
    Name,
    /// A quoted string (`'…'`, `"…"`, the strings of a JSON array).
    String,
    /// A variable reference: `$X`, `${X}`, `${X:-default}`.
    Variable,
    /// A comment line.
    Comment,
    /// A parser directive: `# syntax=…`, `# escape=…`, `# check=…`.
    Directive,
    /// A heredoc's `<<EOF` marker and its terminator line.
    HeredocMarker,
    /// The body of a heredoc.
    HeredocBody,
    /// The escape character that continues an instruction on the next line.
    Continuation,
}

impl Kind {
    /// The CSS class of the kind (`tok-keyword` …).
    pub fn class(self) -> &'static str {
        match self {
            Kind::Keyword => "tok-keyword",
            Kind::Flag => "tok-flag",
            Kind::Name => "tok-name",
            Kind::String => "tok-string",
            Kind::Variable => "tok-variable",
            Kind::Comment => "tok-comment",
            Kind::Directive => "tok-directive",
            Kind::HeredocMarker => "tok-heredoc-marker",
            Kind::HeredocBody => "tok-heredoc",
            Kind::Continuation => "tok-continuation",
        }
    }
}

/// A highlighted byte range of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// What it is.
    pub kind: Kind,
}

/// The highlighted ranges of `text`, sorted, not overlapping; text outside them is plain.
pub fn tokens(text: &str) -> Vec<Token> {
    let parsed = strata_dockerfile::parse(text);
    tokens_of(text, &parsed.ast)
}

/// [`tokens`] for a text already parsed into `ast`.
pub fn tokens_of(text: &str, ast: &Dockerfile) -> Vec<Token> {
    let mut p = Painter {
        text,
        kinds: vec![None; text.len()],
        escape: ast.escape,
    };
    let lines = physical_lines(text);
    let bodies: Vec<(usize, usize)> = ast
        .instructions
        .iter()
        .flat_map(|i| &i.heredocs)
        .map(|h| (h.span.start, h.span.end.max(h.span.start + 1)))
        .collect();
    let in_body = |start: usize| bodies.iter().any(|&(s, e)| s <= start && start < e);
    // Comment lines, found first so that the argument scan steps over those inside a continuation.
    let comments: Vec<(usize, usize)> = lines
        .iter()
        .copied()
        .filter(|&(s, e)| text[s..e].trim_start().starts_with('#') && !in_body(s))
        .collect();
    // Lowest priority first: argument contents, then comments and heredocs, then the structure.
    for ins in &ast.instructions {
        p.arguments(ins, &comments);
    }
    for &(s, e) in &comments {
        let kind = if ast
            .directives
            .iter()
            .any(|d| s <= d.span.start && d.span.start <= e)
        {
            Kind::Directive
        } else {
            Kind::Comment
        };
        p.paint(s, e, kind);
    }
    for ins in &ast.instructions {
        p.structure(ins, &lines, &comments);
    }
    p.finish()
}

/// The byte range of each physical line, without its line ending (and line 1 without a byte-order mark).
fn physical_lines(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut bom = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        out.push((
            (start + bom).min(start + content.len()),
            start + content.len(),
        ));
        bom = 0;
        start += line.len();
    }
    if text.is_empty() || text.ends_with('\n') {
        out.push((start, start));
    }
    out
}

/// Paints kinds onto the bytes of the text; a later paint wins.
struct Painter<'t> {
    text: &'t str,
    kinds: Vec<Option<Kind>>,
    escape: char,
}

impl Painter<'_> {
    fn paint(&mut self, start: usize, end: usize, kind: Kind) {
        let end = end.min(self.kinds.len());
        if start < end {
            self.kinds[start..end].fill(Some(kind));
        }
    }

    /// Quotes, variables and heredoc markers in the arguments and flag values of `ins` (and of the
    /// instruction an `ONBUILD` wraps, whose text is part of the same arguments).
    fn arguments(&mut self, ins: &Instruction, comments: &[(usize, usize)]) {
        let text = self.text;
        for f in &ins.flags {
            let src = &text[f.span.start..f.span.end];
            if let Some(eq) = src.find('=') {
                self.words(f.span.start + eq + 1, f.span.end, comments);
            }
        }
        if ins.onbuild.is_none() {
            if ins.form == ArgForm::Json {
                // The parser gives each JSON string the span of its quoted source.
                for a in &ins.args {
                    self.paint(a.span.start, a.span.end, Kind::String);
                }
            } else {
                self.words(ins.rest.span.start, ins.rest.span.end, comments);
            }
        }
        if let Some(child) = &ins.onbuild {
            self.arguments(child, comments);
        }
        self.heredoc_markers(ins);
        self.names(ins);
    }

    /// The names an instruction defines, and `AS` of `FROM … AS name`.
    fn names(&mut self, ins: &Instruction) {
        let text = self.text;
        if ins.is("ENV") || ins.is("LABEL") {
            for key in ins.args.iter().step_by(3) {
                self.paint(key.span.start, key.span.end, Kind::Name);
            }
        } else if ins.is("ARG") {
            for a in &ins.args {
                let src = &text[a.span.start..a.span.end];
                let name_len = src.find('=').unwrap_or(src.len());
                self.paint(a.span.start, a.span.start + name_len, Kind::Name);
            }
        } else if ins.is("FROM") {
            if let [_, as_kw, name] = ins.args.as_slice() {
                if as_kw.text.eq_ignore_ascii_case("as") {
                    self.paint(as_kw.span.start, as_kw.span.end, Kind::Keyword);
                    self.paint(name.span.start, name.span.end, Kind::Name);
                }
            }
        }
    }

    /// Quoted strings and variable references in the source bytes `start..end`, stepping over comment
    /// lines (a continued instruction may hold some; BuildKit drops them).
    fn words(&mut self, start: usize, end: usize, comments: &[(usize, usize)]) {
        let text = self.text;
        let Some(src) = text.get(start..end) else {
            return;
        };
        // The comment line holding byte `at`, if any (comment lines are sorted and do not overlap).
        let skip = |at: usize| {
            let i = comments.partition_point(|&(_, e)| e <= at);
            comments.get(i).filter(|&&(s, _)| s <= at).map(|&(_, e)| e)
        };
        // Quotes, like the shell: the escape character protects the next character outside single
        // quotes; single quotes protect everything up to the next one.
        let mut quote: Option<(char, usize)> = None;
        let mut chars = src.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let at = start + i;
            if let Some(after) = skip(at) {
                while chars.peek().is_some_and(|&(j, _)| start + j < after) {
                    chars.next();
                }
                continue;
            }
            match quote {
                Some(('\'', _)) if c == '\'' => {
                    let (_, open) = quote.take().unwrap_or_default();
                    self.paint(open, at + 1, Kind::String);
                }
                Some(('"', _)) if c == '"' => {
                    let (_, open) = quote.take().unwrap_or_default();
                    self.paint(open, at + 1, Kind::String);
                }
                Some(('\'', _)) => {}
                _ if c == self.escape => {
                    chars.next();
                }
                None if c == '\'' || c == '"' => quote = Some((c, at)),
                _ => {}
            }
        }
        // An unclosed quote runs to the end, as the shell would read it.
        if let Some((_, open)) = quote {
            self.paint(open, end, Kind::String);
        }
        for v in Lexer::new(self.escape).variables(src) {
            self.paint(start + v.span.start, start + v.span.end, Kind::Variable);
        }
    }

    /// The `<<EOF` (`<<-EOF`, `<<"EOF"`, `3<<EOF`) markers of the heredocs of `ins`, in its arguments.
    fn heredoc_markers(&mut self, ins: &Instruction) {
        if ins.heredocs.is_empty() {
            return;
        }
        let text = self.text;
        let (start, end) = (ins.rest.span.start, ins.rest.span.end);
        let Some(src) = text.get(start..end) else {
            return;
        };
        let mut from = 0;
        for h in &ins.heredocs {
            let Some(found) = src[from..].find("<<") else {
                return;
            };
            let open = from + found;
            let mut close = open + 2;
            let tail = &src[close..];
            let tail = tail.strip_prefix('-').map_or(tail, |t| {
                close += 1;
                t
            });
            let quoted = tail.starts_with(['\'', '"']);
            if quoted {
                close += 1;
            }
            if src[close..].starts_with(h.name.as_str()) {
                close += h.name.len();
                if quoted && src[close..].starts_with(['\'', '"']) {
                    close += 1;
                }
            }
            self.paint(start + open, start + close, Kind::HeredocMarker);
            from = close;
        }
    }

    /// Keywords, flags, heredoc bodies and continuation characters of `ins`.
    fn structure(
        &mut self,
        ins: &Instruction,
        lines: &[(usize, usize)],
        comments: &[(usize, usize)],
    ) {
        let text = self.text;
        let mut at = Some(ins);
        while let Some(i) = at {
            self.paint(i.keyword.span.start, i.keyword.span.end, Kind::Keyword);
            for f in &i.flags {
                let src = &text[f.span.start..f.span.end];
                let name = src.find('=').map_or(src.len(), |eq| eq + 1);
                self.paint(f.span.start, f.span.start + name, Kind::Flag);
            }
            at = i.onbuild.as_deref();
        }
        // The instruction's own lines end where its first heredoc body starts.
        let own_end = ins.heredocs.first().map_or(ins.span.end, |h| h.span.start);
        for h in &ins.heredocs {
            let body = &text[h.span.start..h.span.end];
            // The terminator is the last line when it matches the name (an unterminated body runs to
            // the end of the text).
            let last = body.rfind('\n').map_or(0, |i| i + 1);
            let term = body[last..].trim_end_matches('\r');
            let term = if h.chomp {
                term.trim_start_matches('\t')
            } else {
                term
            };
            if term == h.name && (last > 0 || body.len() == term.len()) {
                self.paint(h.span.start, h.span.start + last, Kind::HeredocBody);
                self.paint(h.span.start + last, h.span.end, Kind::HeredocMarker);
            } else {
                self.paint(h.span.start, h.span.end, Kind::HeredocBody);
            }
        }
        // Lines are sorted: find the instruction's own by binary search, not by a scan of them all.
        let first = lines.partition_point(|&(_, e)| e < ins.keyword.span.start);
        let last = lines.partition_point(|&(s, _)| s < own_end);
        for &(s, e) in lines.get(first..last).unwrap_or_default() {
            if comments.binary_search_by_key(&s, |&(cs, _)| cs).is_ok() {
                continue;
            }
            let content = text[s..e].trim_end_matches([' ', '\t']);
            let Some(before) = content.strip_suffix(self.escape) else {
                continue;
            };
            if before.ends_with(self.escape) {
                // An escaped escape character, not a continuation.
                continue;
            }
            let at = s + before.len();
            self.paint(at, at + self.escape.len_utf8(), Kind::Continuation);
        }
    }

    /// The painted bytes as sorted, non-overlapping tokens.
    fn finish(self) -> Vec<Token> {
        let mut out: Vec<Token> = Vec::new();
        for (i, kind) in self.kinds.iter().enumerate() {
            let Some(kind) = *kind else {
                continue;
            };
            match out.last_mut() {
                Some(t) if t.end == i && t.kind == kind => t.end = i + 1,
                _ => out.push(Token {
                    start: i,
                    end: i + 1,
                    kind,
                }),
            }
        }
        out
    }
}

/// A problem of the analysis, placed on the current text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Underline {
    /// First byte in the current text.
    pub start: usize,
    /// One past the last byte in the current text (equal to `start` for a problem at a point).
    pub end: usize,
    /// 1-based line of `start` in the current text.
    pub line: usize,
    /// How bad it is.
    pub severity: Severity,
    /// `SD0020: unknown instruction: FORM — did you mean FROM?`: code, message and help, for the tooltip.
    pub note: String,
}

/// The problems of `analysis` placed on `text`, which may be newer than the text that was analysed.
///
/// Both texts share a prefix and a suffix; the edit is what lies between. A problem wholly in the
/// prefix stays, one wholly in the suffix moves with it, and one touching the edit is dropped (one
/// that only borders it is kept when white space separates them).
pub fn underlines(analysis: &Analysis, text: &str) -> Vec<Underline> {
    let old = analysis.text.as_str();
    let (prefix, suffix) = common_ends(old, text);
    let old_suffix_start = old.len() - suffix;
    let index = LineIndex::new(text);
    let mut out = Vec::new();
    for row in &analysis.problems {
        let start = byte_offset(old, row.sel_start);
        let end = byte_offset(old, row.sel_end).max(start);
        // A problem that ends (or starts) exactly where the edit starts (or ends) is untouched when
        // white space separates it from the new text: `FORM` + ` x`, but not `FORM` + `X`.
        let blank = |c: Option<char>| c.is_none_or(char::is_whitespace);
        let (start, end) = if old == text
            || end < prefix
            || (end == prefix && blank(text[prefix..].chars().next()))
        {
            (start, end)
        } else if start > old_suffix_start
            || (start == old_suffix_start && {
                let moved = text.len() - (old.len() - start);
                blank(text[..moved].chars().next_back())
            })
        {
            (
                text.len() - (old.len() - start),
                text.len() - (old.len() - end),
            )
        } else {
            continue;
        };
        let mut note = format!("{}: {}", row.code, row.message);
        if let Some(help) = &row.help {
            note.push_str(" — ");
            note.push_str(help);
        }
        out.push(Underline {
            start,
            end,
            line: index.line_col(text, start).0,
            severity: row.severity,
            note,
        });
    }
    out
}

/// The lengths in bytes of the longest common prefix and suffix of `a` and `b`, on character
/// boundaries and not overlapping in either text.
fn common_ends(a: &str, b: &str) -> (usize, usize) {
    let prefix = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i);
    let room = a.len().min(b.len()) - prefix;
    let suffix = a[prefix..]
        .chars()
        .rev()
        .zip(b[prefix..].chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .scan(0, |sum, n| {
            *sum += n;
            Some(*sum)
        })
        .take_while(|&sum| sum <= room)
        .last()
        .unwrap_or(0);
    (prefix, suffix)
}

/// A run of text the layer renders as one piece.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// First byte.
    pub start: usize,
    /// One past the last byte; equal to `start` for the mark of a problem at a point.
    pub end: usize,
    /// Its highlight, if any.
    pub kind: Option<Kind>,
    /// The worst severity of the problems covering it, if any.
    pub severity: Option<Severity>,
    /// The indexes (into the underlines) of the problems covering it.
    pub problems: Vec<usize>,
}

/// `text` cut into runs of one highlight and one set of problems each, in order, covering all of it.
///
/// A problem with an empty span gets an empty segment of its own at its place, after the text before it.
pub fn segments(text: &str, tokens: &[Token], underlines: &[Underline]) -> Vec<Segment> {
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for t in tokens {
        cuts.extend([t.start, t.end]);
    }
    for u in underlines {
        cuts.extend([u.start.min(text.len()), u.end.min(text.len())]);
    }
    strata_image::sort::sort(&mut cuts);
    cuts.dedup();
    // One sweep: problems in order of their start; those covering the current run are `active`.
    let mut by_start: Vec<usize> = (0..underlines.len()).collect();
    strata_image::sort::sort_by_key(&mut by_start, |&i| (underlines[i].start, i));
    let mut next = by_start.iter().copied().peekable();
    let mut active: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    let mut tok = tokens.iter().peekable();
    for pair in cuts.windows(2) {
        let (start, end) = (pair[0], pair[1]);
        let mut points = Vec::new();
        while let Some(i) = next.next_if(|&i| underlines[i].start <= start) {
            if underlines[i].start == underlines[i].end {
                points.push(i);
            } else {
                active.push(i);
            }
        }
        // Problems at a point go before the text that starts there.
        if !points.is_empty() {
            strata_image::sort::sort(&mut points);
            out.push(covering(start, start, None, underlines, points));
        }
        active.retain(|&i| underlines[i].end > start);
        strata_image::sort::sort(&mut active);
        while tok.peek().is_some_and(|t| t.end <= start) {
            tok.next();
        }
        let kind = tok
            .peek()
            .filter(|t| t.start <= start && end <= t.end)
            .map(|t| t.kind);
        match out.last_mut() {
            Some(last)
                if last.end == start
                    && last.start < last.end
                    && last.kind == kind
                    && last.problems == active =>
            {
                last.end = end;
            }
            _ => out.push(covering(start, end, kind, underlines, active.clone())),
        }
    }
    let at_end: Vec<usize> = next
        .filter(|&i| underlines[i].start == underlines[i].end)
        .collect();
    if !at_end.is_empty() {
        out.push(covering(text.len(), text.len(), None, underlines, at_end));
    }
    out
}

fn covering(
    start: usize,
    end: usize,
    kind: Option<Kind>,
    underlines: &[Underline],
    problems: Vec<usize>,
) -> Segment {
    Segment {
        start,
        end,
        kind,
        severity: problems.iter().map(|&i| underlines[i].severity).max(),
        problems,
    }
}
