//! Finding here-documents on an instruction line: `<<EOF`, `<<-EOF`, `<<'EOF'`, `3<<EOF`, `<< EOF`.
//!
//! BuildKit splits the whole logical line into shell words with its shell lexer (quotes and escapes kept,
//! unset variables left as written, `\` as the escape whatever the `escape` directive says; a lexing
//! error means "no heredocs"), then matches each word against `^(\d*)<<(-?)\s*([^<]*)$`. The delimiter
//! is that word lexed again twice, without and with quotes: it must be one word, and the content is
//! expanded only when both lexings hold the same number of quote characters (an escaped quote counts in
//! both, a quoting one only in the raw lexing).
//!
//! The lexer here is the subset of BuildKit's shell lexer those three calls use: an empty environment
//! with "skip unset" on, so `$NAME`, `${NAME}` and `${NAME:-word}` come back as written, and only their
//! syntax errors matter.

use super::dump::{go_quote, is_go_space};

/// A heredoc marker found on a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Marker {
    /// Delimiter with quotes removed.
    pub(super) name: String,
    /// No part of the delimiter was quoted.
    pub(super) expand: bool,
    /// `<<-`.
    pub(super) chomp: bool,
    /// The digits before `<<`, if any (saturating at `u32::MAX`).
    pub(super) fd: Option<u32>,
    /// Byte range of the marker word in the lexed line.
    pub(super) start: usize,
    /// End of the marker word.
    pub(super) end: usize,
}

/// A heredoc delimiter BuildKit refuses, with its message and the range of the marker word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct MarkerError {
    pub(super) message: String,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// BuildKit's `heredocsFromLine`: the heredoc markers of `line`, in order.
pub(super) fn markers(line: &str) -> Result<Vec<Marker>, MarkerError> {
    let words = match Lexer::new(line, true, true).words() {
        Ok(words) => words,
        Err(_) => return Ok(Vec::new()),
    };
    let mut out = Vec::new();
    for word in words {
        match parse_marker(&word.text) {
            Ok(Some(mut m)) => {
                m.start = word.start;
                m.end = word.end;
                out.push(m);
            }
            Ok(None) => {}
            Err(message) => {
                return Err(MarkerError {
                    message,
                    start: word.start,
                    end: word.end,
                })
            }
        }
    }
    Ok(out)
}

/// BuildKit's `ParseHeredoc` on one word: `Ok(None)` when it is not a heredoc marker, `Err` when it is
/// one BuildKit refuses (an unterminated quote, a bad `${…}`).
pub(super) fn parse_marker(word: &str) -> Result<Option<Marker>, String> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let Some(after) = word.get(digits..).and_then(|w| w.strip_prefix("<<")) else {
        return Ok(None);
    };
    let chomp = after.starts_with('-');
    let after = if chomp {
        after.get(1..).unwrap_or_default()
    } else {
        after
    };
    let rest = after.trim_start_matches(['\t', '\n', '\x0c', '\r', ' ']);
    if rest.contains('<') || rest.is_empty() {
        return Ok(None);
    }
    let fd = (digits > 0).then(|| {
        word.get(..digits)
            .unwrap_or_default()
            .bytes()
            .fold(0u32, |n, d| {
                n.saturating_mul(10).saturating_add(u32::from(d - b'0'))
            })
    });
    let words = Lexer::new(rest, false, false)
        .words()
        .map_err(|e| process_error(rest, &e))?;
    let [word] = words.as_slice() else {
        return Ok(None);
    };
    let raw = Lexer::new(rest, true, false)
        .words()
        .map_err(|e| process_error(rest, &e))?;
    let [raw] = raw.as_slice() else {
        return Err(format!(
            "internal lexing of heredoc produced inconsistent results: {rest}"
        ));
    };
    let quotes = |s: &str| s.chars().filter(|&c| c == '\'' || c == '"').count();
    Ok(Some(Marker {
        name: word.text.clone(),
        expand: quotes(&word.text) == quotes(&raw.text),
        chomp,
        fd,
        start: 0,
        end: 0,
    }))
}

/// BuildKit's wrapping of a lexer error.
fn process_error(source: &str, message: &str) -> String {
    format!("failed to process {}: {message}", go_quote(source))
}

/// A word produced by the lexer, with the byte range of the source it came from.
#[derive(Debug)]
struct LexWord {
    text: String,
    start: usize,
    end: usize,
}

/// Words being collected: BuildKit's `wordsStruct`.
#[derive(Default)]
struct Words {
    buf: String,
    words: Vec<LexWord>,
    in_word: bool,
    start: usize,
}

impl Words {
    fn begin(&mut self, pos: usize) {
        if !self.in_word {
            self.in_word = true;
            self.start = pos;
        }
    }

    /// Add an unquoted character: white space ends a (non-empty) word.
    fn add_char(&mut self, c: char, pos: usize) {
        if is_go_space(c) {
            if self.in_word && !self.buf.is_empty() {
                let text = std::mem::take(&mut self.buf);
                self.words.push(LexWord {
                    text,
                    start: self.start,
                    end: pos,
                });
                self.in_word = false;
            }
        } else {
            self.add_raw_char(c, pos);
        }
    }

    fn add_raw_char(&mut self, c: char, pos: usize) {
        self.begin(pos);
        self.buf.push(c);
    }

    fn add_string(&mut self, s: &str, pos: usize) {
        for c in s.chars() {
            self.add_char(c, pos);
        }
    }

    fn add_raw_string(&mut self, s: &str, pos: usize) {
        self.begin(pos);
        self.buf.push_str(s);
    }

    fn finish(mut self, pos: usize) -> Vec<LexWord> {
        if !self.buf.is_empty() {
            let text = std::mem::take(&mut self.buf);
            self.words.push(LexWord {
                text,
                start: self.start,
                end: pos,
            });
        }
        self.words
    }
}

/// The escape character of BuildKit's heredoc lexing (the `escape` directive does not apply).
const ESCAPE: char = '\\';

/// A cursor over the text, with BuildKit's shell lexer switches.
struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    raw_quotes: bool,
    raw_escapes: bool,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str, raw_quotes: bool, raw_escapes: bool) -> Lexer<'a> {
        // Go's text/scanner skips a byte order mark at the very start.
        let pos = if src.starts_with('\u{FEFF}') { 3 } else { 0 };
        Lexer {
            src,
            pos,
            raw_quotes,
            raw_escapes,
        }
    }

    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// All words of the text.
    fn words(mut self) -> Result<Vec<LexWord>, String> {
        let raw = self.raw_escapes;
        self.stop_on(None, raw).map(|(_, words)| words)
    }

    /// BuildKit's `processStopOn`: read until `stop` (consumed) or the end.
    fn stop_on(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
    ) -> Result<(String, Vec<LexWord>), String> {
        let saved = std::mem::replace(&mut self.raw_escapes, raw_escapes);
        let r = self.stop_on_inner(stop);
        self.raw_escapes = saved;
        r
    }

    fn stop_on_inner(&mut self, stop: Option<char>) -> Result<(String, Vec<LexWord>), String> {
        let mut result = String::new();
        let mut words = Words::default();
        while let Some(c) = self.peek() {
            let pos = self.pos;
            if Some(c) == stop {
                self.pos += c.len_utf8();
                return Ok((result, words.finish(pos)));
            }
            match c {
                '$' => {
                    let tmp = self.dollar()?;
                    result.push_str(&tmp);
                    words.add_string(&tmp, pos);
                }
                '<' => {
                    let tmp = self.possible_heredoc();
                    result.push_str(&tmp);
                    words.add_raw_string(&tmp, pos);
                }
                '\'' => {
                    let tmp = self.single_quote()?;
                    result.push_str(&tmp);
                    words.add_raw_string(&tmp, pos);
                }
                '"' => {
                    let tmp = self.double_quote()?;
                    result.push_str(&tmp);
                    words.add_raw_string(&tmp, pos);
                }
                _ => {
                    self.pos += c.len_utf8();
                    let mut ch = c;
                    if ch == ESCAPE {
                        if self.raw_escapes {
                            words.add_raw_char(ch, pos);
                            result.push(ch);
                        }
                        let Some(escaped) = self.next() else {
                            break;
                        };
                        ch = escaped;
                        words.add_raw_char(ch, pos);
                    } else {
                        words.add_char(ch, pos);
                    }
                    result.push(ch);
                }
            }
        }
        match stop {
            Some(s) => Err(format!(
                "unexpected end of statement while looking for matching {s}"
            )),
            None => Ok((result, words.finish(self.pos))),
        }
    }

    fn single_quote(&mut self) -> Result<String, String> {
        let mut result = String::new();
        self.next();
        if self.raw_quotes {
            result.push('\'');
        }
        loop {
            match self.next() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching single-quote"
                            .into(),
                    )
                }
                Some('\'') => {
                    if self.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(c) => result.push(c),
            }
        }
    }

    fn double_quote(&mut self) -> Result<String, String> {
        let mut result = String::new();
        self.next();
        if self.raw_quotes {
            result.push('"');
        }
        loop {
            match self.peek() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching double-quote"
                            .into(),
                    )
                }
                Some('"') => {
                    self.next();
                    if self.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let value = self.dollar()?;
                    result.push_str(&value);
                }
                Some(c) => {
                    self.pos += c.len_utf8();
                    let mut ch = c;
                    if ch == ESCAPE {
                        if self.raw_escapes {
                            result.push(ch);
                        }
                        match self.peek() {
                            None => continue,
                            Some(n @ ('"' | '$' | ESCAPE)) => {
                                self.pos += n.len_utf8();
                                ch = n;
                            }
                            Some(_) => {}
                        }
                    }
                    result.push(ch);
                }
            }
        }
    }

    /// `<`, or `<<` with the spaces, tabs and carriage returns that follow it.
    fn possible_heredoc(&mut self) -> String {
        self.next();
        if self.peek() != Some('<') {
            return "<".into();
        }
        self.next();
        let mut result = String::from("<<");
        while let Some(c @ ('\t' | '\r' | ' ')) = self.peek() {
            result.push(c);
            self.next();
        }
        result
    }

    /// `$…` with every variable unset and left as written.
    fn dollar(&mut self) -> Result<String, String> {
        self.next();
        if self.peek() != Some('{') {
            let name = self.name();
            return Ok(if name.is_empty() {
                "$".into()
            } else {
                format!("${name}")
            });
        }
        self.next();
        match self.peek() {
            None => return Err("syntax error: missing '}'".into()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".into()),
            Some(_) => {}
        }
        let name = self.name();
        let ch = self.next();
        // Go's string(rune(EOF)) is the replacement character.
        let mut chs = String::from(ch.unwrap_or('\u{FFFD}'));
        match ch {
            Some('}') => Ok(format!("${{{name}}}")),
            Some(':' | '+' | '-' | '?' | '#' | '%') => {
                let null_is_unset = ch == Some(':');
                let modifier = if null_is_unset {
                    let m = self.next();
                    chs.push(m.unwrap_or('\u{FFFD}'));
                    m
                } else {
                    ch
                };
                let raw_escapes = matches!(modifier, Some('#' | '%'));
                if null_is_unset && raw_escapes {
                    return Err(format!("unsupported modifier ({chs}) in substitution"));
                }
                let word = self.stop_on_or(Some('}'), raw_escapes, "syntax error: missing '}'")?;
                Ok(format!("${{{name}{chs}{word}}}"))
            }
            Some('/') => {
                if self.peek() == Some('/') {
                    self.next();
                }
                let pattern =
                    self.stop_on_or(Some('/'), true, "syntax error: missing '/' in ${}")?;
                let replacement = self.stop_on_or(Some('}'), true, "syntax error: missing '}'")?;
                Ok(format!("${{{name}/{pattern}/{replacement}}}"))
            }
            _ => Err(format!("unsupported modifier ({chs}) in substitution")),
        }
    }

    /// `stop_on`, with BuildKit's message when the text ends first.
    fn stop_on_or(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
        at_end: &str,
    ) -> Result<String, String> {
        match self.stop_on(stop, raw_escapes) {
            Ok((word, _)) => Ok(word),
            Err(_) if self.peek().is_none() => Err(at_end.into()),
            Err(e) => Err(e),
        }
    }

    /// A variable name: digits, one special parameter, or letters, digits and `_`.
    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            if name.is_empty() && is_digit(c) {
                while let Some(d) = self.peek().filter(|&d| is_digit(d)) {
                    name.push(d);
                    self.next();
                }
                return name;
            }
            if name.is_empty() && matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.next();
                name.push(c);
                return name;
            }
            if !is_letter(c) && !is_digit(c) && c != '_' {
                break;
            }
            self.next();
            name.push(c);
        }
        name
    }
}

/// Go's `unicode.IsDigit` (decimal digits): ASCII digits and the common non-ASCII decimal digit runs.
fn is_digit(c: char) -> bool {
    const RUNS: &[u32] = &[
        0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
        0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
        0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
        0xFF10,
    ];
    let v = c as u32;
    c.is_ascii_digit() || (!c.is_ascii() && RUNS.iter().any(|&z| (z..z + 10).contains(&v)))
}

/// Go's `unicode.IsLetter` (category L), approximated: alphabetic and not a number.
fn is_letter(c: char) -> bool {
    c.is_alphabetic() && !c.is_numeric()
}
