//! One logical line to an instruction node: keyword, `--flags`, and the per-instruction argument parser.
//!
//! The order is BuildKit's: trim the line, split off the keyword at the first run of ASCII blanks
//! (`[\t\v\f\r ]+`), peel leading `--flag` words, trim what is left (`rest`), then dispatch on the
//! lower-cased keyword:
//!
//! | parser                 | instructions                          |
//! |------------------------|---------------------------------------|
//! | whitespace-delimited   | FROM, EXPOSE                          |
//! | one string             | MAINTAINER, USER, WORKDIR, STOPSIGNAL |
//! | JSON or one string     | RUN, CMD, ENTRYPOINT, SHELL           |
//! | JSON or whitespace     | ADD, COPY, VOLUME                     |
//! | name/value triples     | ENV, LABEL                            |
//! | words                  | ARG                                   |
//! | type, then JSON/string | HEALTHCHECK                           |
//! | sub-command            | ONBUILD                               |
//! | one empty value        | anything else                         |
//!
//! Every value carries the byte range, in the logical line, of the text it was read from.

use super::dump::{go_lower, go_quote, go_trim_space, go_trim_start, is_go_space};
use super::json::{parse_array, JsonOutcome};

/// How many `ONBUILD` levels may nest (`ONBUILD ONBUILD … RUN`). BuildKit's parser has no limit (its
/// instruction layer refuses `ONBUILD ONBUILD` anyway); strata stops here so that nesting cannot cost
/// stack depth.
pub(super) const MAX_ONBUILD_DEPTH: usize = 16;

/// The text of a [`Piece`]: a range of the logical line when it is written there as it is, else its own.
#[derive(Debug, Clone)]
pub(super) enum Val {
    /// The logical-line bytes `start..end`.
    At(usize, usize),
    /// Text produced by processing (quotes removed, escapes decoded).
    Own(String),
}

impl Default for Val {
    fn default() -> Val {
        Val::At(0, 0)
    }
}

impl Val {
    /// The text, given the string `s` that starts at logical offset `off` and holds the range.
    pub(super) fn text<'a>(&'a self, s: &'a str, off: usize) -> &'a str {
        match self {
            Val::At(a, b) => s
                .get(a.saturating_sub(off)..b.saturating_sub(off))
                .unwrap_or_default(),
            Val::Own(t) => t,
        }
    }
}

/// A value and the logical-line byte range it was read from.
#[derive(Debug, Clone, Default)]
pub(super) struct Piece {
    pub(super) text: Val,
    pub(super) start: usize,
    pub(super) end: usize,
}

impl Piece {
    /// The logical-line text `start..end`, read from there.
    fn span(start: usize, end: usize) -> Piece {
        Piece {
            text: Val::At(start, end),
            start,
            end,
        }
    }

    /// The logical-line text `from..to`, read from `start..end`.
    fn at(from: usize, to: usize, start: usize, end: usize) -> Piece {
        Piece {
            text: Val::At(from, to),
            start,
            end,
        }
    }

    /// Processed text read from `start..end`.
    fn own(text: String, start: usize, end: usize) -> Piece {
        Piece {
            text: Val::Own(text),
            start,
            end,
        }
    }
}

/// An error BuildKit's parser would return, with the logical-line range it is about.
#[derive(Debug, Clone)]
pub(super) struct RawError {
    pub(super) code: &'static str,
    pub(super) message: String,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// BuildKit's instruction `Node`, in logical-line coordinates.
#[derive(Debug)]
pub(super) struct Node {
    pub(super) keyword: Piece,
    /// What the keyword names.
    pub(super) kind: Kind,
    /// Where the flags are in the pieces list given to [`parse_node`].
    pub(super) flags: std::ops::Range<usize>,
    /// Where the arguments are in the pieces list given to [`parse_node`].
    pub(super) args: std::ops::Range<usize>,
    pub(super) json: bool,
    pub(super) child: Option<Box<Node>>,
    pub(super) rest: Piece,
    /// The range of the text this node was made from (BuildKit's `Original`).
    pub(super) original: (usize, usize),
}

impl Node {
    /// BuildKit's `canContainHeredoc`: RUN, COPY, ADD (or ONBUILD wrapping one), not in JSON form.
    pub(super) fn can_contain_heredoc(&self) -> bool {
        let mut node = self;
        if node.kind == Kind::Onbuild {
            if let Some(child) = &node.child {
                node = child;
            }
        }
        matches!(node.kind, Kind::Run | Kind::Copy | Kind::Add) && !node.json
    }
}

/// `[\t\v\f\r ]`, BuildKit's `reWhitespace` class.
fn is_blank(b: u8) -> bool {
    matches!(b, b'\t' | 0x0b | 0x0c | b'\r' | b' ')
}

/// Go's `unicode.IsSpace(rune(b))` for a single byte (read as Latin-1).
fn is_latin1_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ' | 0x85 | 0xA0)
}

/// The first char boundary of `s` at or after `i`.
fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

/// `s` trimmed of Unicode white space, and the offset of the trimmed text (`s` starts at `off`).
fn trim_at(s: &str, off: usize) -> (&str, usize) {
    let lead = s.len() - go_trim_start(s).len();
    (go_trim_space(s), off + lead)
}

/// The instructions the parser treats specially (BuildKit's dispatch table), by lower-cased keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    WhitespaceList,
    OneString,
    MaybeJson,
    MaybeJsonList,
    Env,
    Label,
    Arg,
    Healthcheck,
    Onbuild,
    Run,
    Copy,
    Add,
    Unknown,
}

/// The [`Kind`] of a keyword, compared as Go's `strings.ToLower` would (without allocating for ASCII).
pub(super) fn kind(keyword: &str) -> Kind {
    // A non-ASCII keyword never equals an ASCII name ignoring ASCII case, so the ASCII comparison
    // comes first and the Unicode lower-casing only when it finds nothing.
    match ascii_kind(keyword) {
        Kind::Unknown if !keyword.is_ascii() => {
            // Non-ASCII letters can lower-case to ASCII ones (KELVIN SIGN to `k`).
            let lowered = go_lower(keyword);
            if lowered.is_ascii() {
                ascii_kind(&lowered)
            } else {
                Kind::Unknown
            }
        }
        k => k,
    }
}

/// [`kind`] for a keyword compared ignoring ASCII case only.
fn ascii_kind(keyword: &str) -> Kind {
    // Length and first letter pick the one candidate (two for `add`/`arg`).
    let first = keyword.as_bytes().first().map_or(0, u8::to_ascii_lowercase);
    let candidates: &[(&str, Kind)] = match (keyword.len(), first) {
        (3, b'r') => &[("run", Kind::Run)],
        (3, b'c') => &[("cmd", Kind::MaybeJson)],
        (3, b'a') => &[("add", Kind::Add), ("arg", Kind::Arg)],
        (3, b'e') => &[("env", Kind::Env)],
        (4, b'f') => &[("from", Kind::WhitespaceList)],
        (4, b'c') => &[("copy", Kind::Copy)],
        (4, b'u') => &[("user", Kind::OneString)],
        (5, b'l') => &[("label", Kind::Label)],
        (5, b's') => &[("shell", Kind::MaybeJson)],
        (6, b'e') => &[("expose", Kind::WhitespaceList)],
        (6, b'v') => &[("volume", Kind::MaybeJsonList)],
        (7, b'w') => &[("workdir", Kind::OneString)],
        (7, b'o') => &[("onbuild", Kind::Onbuild)],
        (10, b'm') => &[("maintainer", Kind::OneString)],
        (10, b's') => &[("stopsignal", Kind::OneString)],
        (10, b'e') => &[("entrypoint", Kind::MaybeJson)],
        (11, b'h') => &[("healthcheck", Kind::Healthcheck)],
        _ => &[],
    };
    for &(name, kind) in candidates {
        if keyword.as_bytes().eq_ignore_ascii_case(name.as_bytes()) {
            return kind;
        }
    }
    Kind::Unknown
}

/// BuildKit's `newNodeFromLine` for the bytes `base..end` of the logical line `line`. Errors are
/// pushed to `errors`; the node is still returned (with the arguments that could be read).
pub(super) fn parse_node(
    line: &str,
    base: usize,
    end: usize,
    escape: char,
    depth: usize,
    errors: &mut Vec<RawError>,
    out: &mut Vec<Piece>,
) -> Node {
    let text = line.get(base..end).unwrap_or_default();
    let f0 = out.len();
    let (t, t0) = trim_at(text, base);
    let split = t.bytes().position(is_blank);
    let (keyword, flags, rest, r_text) = match split {
        None => (
            Piece::span(t0, t0 + t.len()),
            f0..f0,
            Piece::span(t0 + t.len(), t0 + t.len()),
            "",
        ),
        Some(i) => {
            let j = i + t
                .as_bytes()
                .get(i..)
                .unwrap_or_default()
                .iter()
                .take_while(|&&b| is_blank(b))
                .count();
            let raw = t.get(j..).unwrap_or_default();
            let rem = extract_flags(raw, t0 + j, out);
            let flags = f0..out.len();
            let rem = ceil_boundary(raw, rem);
            let (rest, rest_at) = trim_at(raw.get(rem..).unwrap_or_default(), t0 + j + rem);
            (
                Piece::span(t0, t0 + i),
                flags,
                Piece::span(rest_at, rest_at + rest.len()),
                rest,
            )
        }
    };
    let r = &rest;
    let mut child = None;
    let kind = kind(keyword.text.text(line, 0));
    let a0 = out.len();
    let result = match kind {
        Kind::WhitespaceList => {
            whitespace_delimited(r_text, r.start, out);
            Ok(false)
        }
        Kind::OneString => {
            one_string(r_text, r.start, out);
            Ok(false)
        }
        Kind::MaybeJson | Kind::Run => maybe_json(r_text, r.start, out),
        Kind::MaybeJsonList | Kind::Copy | Kind::Add => maybe_json_to_list(r_text, r.start, out),
        Kind::Env => name_val(r_text, r.start, "ENV", escape, out).map(|()| false),
        Kind::Label => name_val(r_text, r.start, "LABEL", escape, out).map(|()| false),
        Kind::Arg => {
            words(r_text, r.start, escape, out);
            Ok(false)
        }
        Kind::Healthcheck => health(r_text, r.start, out),
        Kind::Onbuild => {
            if r_text.is_empty() {
                Ok(false)
            } else if depth + 1 > MAX_ONBUILD_DEPTH {
                Err(RawError {
                    code: "SD0011",
                    message: format!("ONBUILD nested more than {MAX_ONBUILD_DEPTH} levels deep"),
                    start: r.start,
                    end: r.end,
                })
            } else {
                child = Some(Box::new(parse_node(
                    line,
                    r.start,
                    r.end,
                    escape,
                    depth + 1,
                    errors,
                    out,
                )));
                Ok(false)
            }
        }
        Kind::Unknown => {
            out.push(Piece::at(r.start, r.start, r.start, r.end));
            Ok(false)
        }
    };
    // An ONBUILD node has no arguments of its own (its child's pieces follow `a0`).
    let a1 = if kind == Kind::Onbuild { a0 } else { out.len() };
    let (args, json) = match result {
        Ok(json) => (a0..a1, json),
        Err(e) => {
            errors.push(e);
            out.truncate(a0);
            (a0..a0, false)
        }
    };
    Node {
        keyword,
        kind,
        flags,
        args,
        json,
        child,
        rest,
        original: (base, base + text.len()),
    }
}

/// BuildKit's `extractBuilderFlags` on `line` (at logical offset `off`): the leading `--flag` words, and
/// the byte index where the rest starts.
///
/// Like BuildKit this walks bytes, not characters: a non-ASCII byte in a flag becomes the Latin-1
/// character of the same value, and bytes 0x85 and 0xA0 separate words. Quotes are removed and `\`
/// (always `\`, whatever the escape directive says) keeps the next byte. A bare `--` ends the flags.
fn extract_flags(line: &str, off: usize, words: &mut Vec<Piece>) -> usize {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let b = line.as_bytes();
    let mut phase = Phase::Spaces;
    // While `verbatim`, the word is `line[start..pos]` (nothing removed or converted yet) and `word`
    // is unused; the first quote, `\` or non-ASCII byte copies it into `word`.
    let mut word = String::new();
    let mut verbatim = true;
    let unverbatim = |word: &mut String, verbatim: &mut bool, start: usize, pos: usize| {
        if *verbatim {
            *verbatim = false;
            word.clear();
            word.push_str(line.get(start..pos).unwrap_or_default());
        }
    };
    // Whether the word so far is `--`.
    let current = |word: &String, verbatim: bool, start: usize, pos: usize| -> bool {
        if verbatim {
            line.get(start..pos) == Some("--")
        } else {
            word == "--"
        }
    };
    let emit = |word: &mut String, verbatim: bool, start: usize, pos: usize| {
        if verbatim {
            Piece::span(off + start, off + pos)
        } else {
            Piece::own(std::mem::take(word), off + start, off + pos)
        }
    };
    let mut quote = 0u8;
    let mut blank_ok = false;
    let mut start = 0;
    let mut pos = 0;
    while pos <= b.len() {
        let ch = b.get(pos).copied().unwrap_or(0);
        if phase == Phase::Spaces {
            if pos == b.len() {
                break;
            }
            if is_latin1_space(ch) {
                pos += 1;
                continue;
            }
            if ch != b'-' || b.get(pos + 1) != Some(&b'-') {
                return pos;
            }
            phase = Phase::Word;
            start = pos;
        }
        if pos == b.len() {
            let empty = if verbatim {
                pos == start
            } else {
                word.is_empty()
            };
            if !current(&word, verbatim, start, pos) && (blank_ok || !empty) {
                words.push(emit(&mut word, verbatim, start, pos));
            }
            break;
        }
        let mut ch = ch;
        if phase == Phase::Word {
            if is_latin1_space(ch) {
                phase = Phase::Spaces;
                if current(&word, verbatim, start, pos) {
                    return pos;
                }
                let empty = if verbatim {
                    pos == start
                } else {
                    word.is_empty()
                };
                if blank_ok || !empty {
                    words.push(emit(&mut word, verbatim, start, pos));
                }
                word.clear();
                verbatim = true;
                blank_ok = false;
                pos += 1;
                continue;
            }
            if ch == b'\'' || ch == b'"' || ch == b'\\' || ch >= 0x80 {
                unverbatim(&mut word, &mut verbatim, start, pos);
            }
            if ch == b'\'' || ch == b'"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
                pos += 1;
                continue;
            }
            if ch == b'\\' {
                if pos + 1 == b.len() {
                    pos += 1;
                    continue;
                }
                pos += 1;
                ch = b.get(pos).copied().unwrap_or(0);
            }
            if !verbatim {
                word.push(char::from(ch));
            }
            pos += 1;
            continue;
        }
        // In quotes.
        if ch == quote {
            phase = Phase::Word;
            pos += 1;
            continue;
        }
        if ch == b'\\' {
            if pos + 1 == b.len() {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            pos += 1;
            ch = b.get(pos).copied().unwrap_or(0);
        }
        word.push(char::from(ch));
        pos += 1;
    }
    b.len()
}

/// BuildKit's `parseStringsWhitespaceDelimited`: split on runs of `[\t\v\f\r ]`.
fn whitespace_delimited(rest: &str, off: usize, out: &mut Vec<Piece>) {
    if rest.is_empty() {
        return;
    }
    let b = rest.as_bytes();
    let (mut beg, mut i) = (0, 0);
    while i < b.len() {
        if b.get(i).copied().is_some_and(is_blank) {
            let sep = i;
            while b.get(i).copied().is_some_and(is_blank) {
                i += 1;
            }
            out.push(Piece::span(off + beg, off + sep));
            beg = i;
        } else {
            i += 1;
        }
    }
    out.push(Piece::span(off + beg, off + rest.len()));
}

/// BuildKit's `parseString`: the whole rest as one value.
fn one_string(rest: &str, off: usize, out: &mut Vec<Piece>) {
    if !rest.is_empty() {
        out.push(Piece::span(off, off + rest.len()));
    }
}

/// BuildKit's `parseJSON` step shared by the two "maybe JSON" parsers.
/// Pushes the strings and returns `Ok(true)` for a JSON array of strings, `Ok(false)` if `rest` is
/// not JSON.
fn json(rest: &str, off: usize, out: &mut Vec<Piece>) -> Result<bool, RawError> {
    match parse_array(rest) {
        JsonOutcome::Strings(items) => {
            out.extend(items.into_iter().map(|s| match s.text {
                Some(text) => Piece::own(text, off + s.start, off + s.end),
                None => Piece::at(
                    off + s.start + 1,
                    (off + s.end).saturating_sub(1),
                    off + s.start,
                    off + s.end,
                ),
            }));
            Ok(true)
        }
        JsonOutcome::NotStrings { start, end } => Err(RawError {
            code: "SD0003",
            message: "when using JSON array syntax, arrays must be comprised of strings only"
                .into(),
            start: off + start,
            end: off + end,
        }),
        JsonOutcome::Invalid => Ok(false),
    }
}

/// BuildKit's `parseMaybeJSON`: a JSON array of strings, or the whole rest as one value.
fn maybe_json(rest: &str, off: usize, out: &mut Vec<Piece>) -> Result<bool, RawError> {
    if rest.is_empty() {
        return Ok(false);
    }
    if json(rest, off, out)? {
        return Ok(true);
    }
    one_string(rest, off, out);
    Ok(false)
}

/// BuildKit's `parseMaybeJSONToList`: a JSON array of strings, or a whitespace split.
fn maybe_json_to_list(rest: &str, off: usize, out: &mut Vec<Piece>) -> Result<bool, RawError> {
    if json(rest, off, out)? {
        return Ok(true);
    }
    whitespace_delimited(rest, off, out);
    Ok(false)
}

/// BuildKit's `parseHealthConfig`: the type word (`CMD`, `NONE`, …), then `parseMaybeJSON` on the rest.
/// The type ends at the first byte Go's `unicode.IsSpace` accepts when read as Latin-1.
fn health(rest: &str, off: usize, out: &mut Vec<Piece>) -> Result<bool, RawError> {
    let b = rest.as_bytes();
    let sep = b
        .iter()
        .position(|&x| is_latin1_space(x))
        .unwrap_or(b.len());
    if sep == 0 {
        return Ok(false);
    }
    let next = sep
        + b.get(sep..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&x| is_latin1_space(x))
            .count();
    let next = ceil_boundary(rest, next);
    let typ = match rest.get(..sep) {
        Some(_) => Piece::span(off, off + sep),
        None => Piece::own(
            String::from_utf8_lossy(b.get(..sep).unwrap_or_default()).into_owned(),
            off,
            off + sep,
        ),
    };
    out.push(typ);
    maybe_json(rest.get(next..).unwrap_or_default(), off + next, out)
}

/// BuildKit's `parseNameVal` for ENV and LABEL: `(key, value, separator)` triples.
///
/// If the first word has no `=`, this is the legacy `KEY value…` form: the key is the text up to the
/// first blank run and the value everything after it, raw, with separator `""`. Otherwise every word
/// must be `key=value` (split at the first `=`, quotes kept), with separator `"="`.
fn name_val(
    rest: &str,
    off: usize,
    key: &str,
    escape: char,
    out: &mut Vec<Piece>,
) -> Result<(), RawError> {
    // The words go after what `out` holds, then are replaced by the triples.
    let w0 = out.len();
    words(rest, off, escape, out);
    let n = out.len() - w0;
    let Some(first) = out.get(w0) else {
        return Ok(());
    };
    if !first.text.text(rest, off).bytes().any(|b| b == b'=') {
        out.truncate(w0);
        let b = rest.as_bytes();
        let Some(i) = b.iter().position(|&x| is_blank(x)) else {
            return Err(RawError {
                code: "SD0002",
                message: format!("{key} must have two arguments"),
                start: off,
                end: off + rest.len(),
            });
        };
        let j = i + b
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&x| is_blank(x))
            .count();
        out.extend([
            Piece::span(off, off + i),
            Piece::span(off + j, off + rest.len()),
            Piece::at(off + i, off + i, off + i, off + j),
        ]);
        return Ok(());
    }
    out.reserve(n * 3);
    for k in w0..w0 + n {
        let w = out.get_mut(k).map(std::mem::take).unwrap_or_default();
        let text = w.text.text(rest, off);
        let Some(eq) = text.bytes().position(|b| b == b'=') else {
            return Err(RawError {
                code: "SD0009",
                message: format!(
                    "syntax error - can't find = in {}. Must be of the form: name=value",
                    go_quote(text)
                ),
                start: w.start,
                end: w.end,
            });
        };
        let at = (w.start + eq).min(w.end);
        let (key, value, sep) = match &w.text {
            Val::At(a, b) => (
                Val::At(*a, a + eq),
                Val::At(a + eq + 1, *b),
                Val::At(a + eq, a + eq + 1),
            ),
            Val::Own(t) => (
                Val::Own(t.get(..eq).unwrap_or_default().to_string()),
                Val::Own(t.get(eq + 1..).unwrap_or_default().to_string()),
                Val::Own("=".to_string()),
            ),
        };
        out.push(Piece {
            text: key,
            start: w.start,
            end: at,
        });
        out.push(Piece {
            text: value,
            start: (at + 1).min(w.end),
            end: w.end,
        });
        out.push(Piece {
            text: sep,
            start: at,
            end: (at + 1).min(w.end),
        });
    }
    out.drain(w0..w0 + n);
    Ok(())
}

/// BuildKit's `parseWords`: split on Unicode white space outside quotes, keeping quotes and escapes.
///
/// Outside quotes the escape token and the character after it are both kept; inside `"…"` too; inside
/// `'…'` the escape token is an ordinary character. An escape token at the very end is dropped.
pub(super) fn words(rest: &str, off: usize, escape: char, out: &mut Vec<Piece>) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    // Every character of a word is kept, in order, except an escape token at the very end of the
    // text: so a word is the slice `start..kept`, copied once when it ends.
    let mut phase = Phase::Spaces;
    let mut quote = '\0';
    let mut blank_ok = false;
    let (mut start, mut kept, mut pos) = (0, 0, 0);
    let bytes = rest.as_bytes();
    // The escape token is `\` or `` ` ``; anything else would only make the fast runs below stop
    // more often.
    let esc = u8::try_from(escape).unwrap_or(0);
    let at = |pos: usize| match bytes.get(pos) {
        Some(&b) if b < 0x80 => Some(char::from(b)),
        Some(_) => rest.get(pos..).and_then(|s| s.chars().next()),
        None => None,
    };
    let piece = |start: usize, kept: usize, end: usize| {
        Piece::at(off + start, off + kept, off + start, off + end)
    };
    loop {
        let Some(ch) = at(pos) else {
            if phase != Phase::Spaces && (blank_ok || kept > start) {
                out.push(piece(start, kept, pos));
            }
            break;
        };
        let width = ch.len_utf8();
        if phase == Phase::Spaces {
            if is_go_space(ch) {
                pos += width;
                continue;
            }
            phase = Phase::Word;
            start = pos;
            kept = pos;
        }
        if phase == Phase::Word {
            if is_go_space(ch) {
                phase = Phase::Spaces;
                if blank_ok || kept > start {
                    out.push(piece(start, kept, pos));
                }
                blank_ok = false;
                pos += width;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
        } else if ch == quote {
            phase = Phase::Word;
        }
        let escapes = ch == escape && (phase == Phase::Word || quote != '\'');
        if escapes {
            if pos + width == rest.len() {
                // An escape token at the very end is dropped (and closes a quote).
                phase = Phase::Word;
                pos += width;
                continue;
            }
            // The escape token and the character after it are both kept.
            pos += width;
            pos += at(pos).map_or(0, char::len_utf8);
        } else {
            pos += width;
        }
        // A run of bytes none of the checks above would stop at is kept as it is. The runs stop at
        // every ASCII byte that matters (and, outside quotes, at any non-ASCII one), so `pos`
        // stays on a character boundary.
        match phase {
            Phase::Word => {
                while let Some(&b) = bytes.get(pos) {
                    if b >= 0x80 || matches!(b, b'\t'..=b'\r' | b' ' | b'\'' | b'"') || b == esc {
                        break;
                    }
                    pos += 1;
                }
            }
            Phase::Quote => {
                let q = u8::try_from(quote).unwrap_or(0);
                while let Some(&b) = bytes.get(pos) {
                    if b == q || (b == esc && q != b'\'') {
                        break;
                    }
                    pos += 1;
                }
            }
            Phase::Spaces => {}
        }
        kept = pos;
    }
}
