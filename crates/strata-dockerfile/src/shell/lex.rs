//! The expansion engine: one left-to-right pass over the word, recursing only into `${…}` operands.

use std::collections::BTreeSet;

use super::substitution_pattern::{chars_and_offsets, reverse_pattern, Pattern};
use super::unicode::{is_digit, is_letter};
use super::{Env, Lexer, Operator, VarRef};

/// How deeply `${…}` operands may nest (`${a:-${b:-…}}`). BuildKit has no limit; strata refuses deeper
/// nesting with an error rather than risk the stack.
pub const MAX_DEPTH: usize = 64;

/// An error before the `failed to process "…"` wrapping: BuildKit's own text and where it happened.
#[derive(Debug)]
pub(super) struct Fail {
    pub(super) reason: String,
    pub(super) offset: usize,
}

fn fail(reason: impl Into<String>, offset: usize) -> Fail {
    Fail {
        reason: reason.into(),
        offset,
    }
}

/// The text Go's `string(ch)` gives for a scanner character; end of input (-1) prints as U+FFFD.
fn go_char(c: Option<char>) -> char {
    c.unwrap_or('\u{fffd}')
}

/// POSIX special parameters, which are one-character names.
fn is_special_param(c: char) -> bool {
    matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0')
}

/// The words of `ProcessWords`: split on unquoted whitespace, after expansion.
#[derive(Default)]
pub(super) struct Words {
    words: Vec<String>,
    word: String,
    in_word: bool,
}

impl Words {
    /// A character that splits words when it is whitespace.
    fn add_char(&mut self, c: char) {
        if c.is_whitespace() {
            if self.in_word && !self.word.is_empty() {
                self.words.push(std::mem::take(&mut self.word));
                self.in_word = false;
            }
        } else {
            self.add_raw_char(c);
        }
    }

    /// A character that is part of the word whatever it is (escaped).
    fn add_raw_char(&mut self, c: char) {
        self.word.push(c);
        self.in_word = true;
    }

    /// Expanded text: its whitespace splits words.
    fn add_str(&mut self, s: &str) {
        for c in s.chars() {
            self.add_char(c);
        }
    }

    /// Quoted text: it all belongs to the current word, even when empty.
    fn add_raw_str(&mut self, s: &str) {
        self.word.push_str(s);
        self.in_word = true;
    }

    pub(super) fn finish(mut self) -> Vec<String> {
        if !self.word.is_empty() {
            self.words.push(self.word);
        }
        self.words
    }
}

/// One expansion of one word.
pub(super) struct Run<'w, 'e> {
    lexer: &'w Lexer,
    src: &'w str,
    /// Byte offset of the next character.
    pos: usize,
    env: &'e dyn Env,
    raw_escapes: bool,
    depth: usize,
    /// Record looked-up names in `matched` / `unmatched` (only `process_word_with_matches` needs them).
    pub(super) capture: bool,
    pub(super) matched: BTreeSet<String>,
    pub(super) unmatched: BTreeSet<String>,
    /// `Some` in scanning mode ([`Lexer::variables`]): references are listed and nothing is evaluated.
    pub(super) refs: Option<Vec<VarRef>>,
}

impl<'w, 'e> Run<'w, 'e> {
    pub(super) fn new(lexer: &'w Lexer, src: &'w str, env: &'e dyn Env) -> Self {
        // Go's text/scanner drops a byte order mark at the very start of its input.
        let pos = if src.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        Run {
            lexer,
            src,
            pos,
            env,
            raw_escapes: lexer.raw_escapes,
            depth: 0,
            capture: false,
            matched: BTreeSet::new(),
            unmatched: BTreeSet::new(),
            refs: None,
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

    fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    fn scanning(&self) -> bool {
        self.refs.is_some()
    }

    /// Expands the whole word (`stop` = None) or up to the unquoted, unescaped `stop` character, which is
    /// consumed. `words` collects the split words (top level only).
    pub(super) fn stop_on(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
        words: Option<&mut Words>,
    ) -> Result<String, Fail> {
        if self.depth >= MAX_DEPTH {
            return Err(too_deep(self.pos));
        }
        self.depth += 1;
        let saved = std::mem::replace(&mut self.raw_escapes, raw_escapes);
        let result = self.stop_on_inner(stop, words);
        self.raw_escapes = saved;
        self.depth -= 1;
        result
    }

    #[inline(always)]
    fn stop_on_inner(
        &mut self,
        stop: Option<char>,
        mut words: Option<&mut Words>,
    ) -> Result<String, Fail> {
        let quotes = !self.lexer.skip_process_quotes;
        let mut result = String::new();
        while let Some(ch) = self.peek() {
            if stop == Some(ch) {
                self.next();
                return Ok(result);
            }
            if ch == '$' {
                let tmp = self.dollar()?;
                result.push_str(&tmp);
                if let Some(w) = words.as_deref_mut() {
                    w.add_str(&tmp);
                }
            } else if quotes && (ch == '\'' || ch == '"') {
                let tmp = if ch == '\'' {
                    self.single_quote()?
                } else {
                    self.double_quote()?
                };
                result.push_str(&tmp);
                if let Some(w) = words.as_deref_mut() {
                    w.add_raw_str(&tmp);
                }
            } else {
                self.next();
                let mut ch = ch;
                if ch == self.lexer.escape {
                    if self.raw_escapes {
                        result.push(ch);
                        if let Some(w) = words.as_deref_mut() {
                            w.add_raw_char(ch);
                        }
                    }
                    // The escape takes the next character literally; at the end it just disappears.
                    let Some(escaped) = self.next() else { break };
                    ch = escaped;
                    if let Some(w) = words.as_deref_mut() {
                        w.add_raw_char(ch);
                    }
                } else if let Some(w) = words.as_deref_mut() {
                    w.add_char(ch);
                }
                result.push(ch);
            }
        }
        match stop {
            Some(stop) => Err(unterminated(stop, self.pos)),
            None => Ok(result),
        }
    }

    /// `'…'`: everything literal up to the next `'`.
    fn single_quote(&mut self) -> Result<String, Fail> {
        let open = self.pos;
        let raw = self.lexer.raw_quotes;
        let mut result = String::new();
        if let Some(q) = self.next() {
            if raw {
                result.push(q);
            }
        }
        loop {
            match self.next() {
                None => return Err(unterminated_quote("single", open)),
                Some('\'') => {
                    if raw {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(c) => result.push(c),
            }
        }
    }

    /// `"…"`: `$` expands; the escape character escapes only `"`, `$` and itself and is kept before
    /// anything else.
    fn double_quote(&mut self) -> Result<String, Fail> {
        let open = self.pos;
        let raw = self.lexer.raw_quotes;
        let escape = self.lexer.escape;
        let mut result = String::new();
        if let Some(q) = self.next() {
            if raw {
                result.push(q);
            }
        }
        loop {
            match self.peek() {
                None => return Err(unterminated_quote("double", open)),
                Some('"') => {
                    self.next();
                    if raw {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let value = self.dollar()?;
                    result.push_str(&value);
                }
                Some(mut ch) => {
                    self.next();
                    if ch == escape {
                        if self.raw_escapes {
                            result.push(ch);
                        }
                        match self.peek() {
                            // An escape at the very end is dropped (the missing quote fails next).
                            None => continue,
                            Some(n) if n == '"' || n == '$' || n == escape => {
                                self.next();
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

    /// A variable name after `$`: a run of digits (positional), one special-parameter character, or
    /// letters, digits and `_`. Empty when none of those follows.
    fn name(&mut self) -> &'w str {
        let src: &'w str = self.src;
        let start = self.pos;
        if let Some(c) = self.peek() {
            if is_digit(c) {
                while self.peek().is_some_and(is_digit) {
                    self.next();
                }
                return src.get(start..self.pos).unwrap_or("");
            }
            if is_special_param(c) {
                self.next();
                return src.get(start..self.pos).unwrap_or("");
            }
        }
        while self
            .peek()
            .is_some_and(|c| is_letter(c) || is_digit(c) || c == '_')
        {
            self.next();
        }
        src.get(start..self.pos).unwrap_or("")
    }

    /// Looks `name` up, remembering whether it was found.
    fn lookup(&mut self, name: &str) -> Option<&'e str> {
        let env: &'e dyn Env = self.env;
        let value = env.get(name);
        if !self.capture {
            return value;
        }
        let set = if value.is_some() {
            &mut self.matched
        } else {
            &mut self.unmatched
        };
        if !set.contains(name) {
            set.insert(name.to_owned());
        }
        value
    }

    fn record(
        &mut self,
        name: &str,
        start: usize,
        name_start: usize,
        braced: bool,
        operator: Option<Operator>,
    ) {
        let end = self.pos;
        if let Some(refs) = self.refs.as_mut() {
            refs.push(VarRef {
                name: name.to_owned(),
                span: start..end,
                name_span: name_start..name_start + name.len(),
                braced,
                operator,
            });
        }
    }

    /// `$name` or `${…}`, at a `$`.
    ///
    /// This and [`Self::stop_on`] recurse into each other for nested operands, so everything that is not
    /// parsing is kept out of line to keep the frames small.
    fn dollar(&mut self) -> Result<String, Fail> {
        let start = self.pos;
        self.next();
        if self.peek() != Some('{') {
            let name_start = self.pos;
            let name = self.name();
            if name.is_empty() {
                return Ok("$".to_owned());
            }
            return Ok(self.plain(name, start, name_start, false));
        }
        self.next();
        match self.peek() {
            None => return Err(missing_brace(start)),
            Some('{' | '}' | ':') => return Err(bad_substitution(start)),
            Some(_) => {}
        }
        let name_start = self.pos;
        let name = self.name();
        let op_start = self.pos;
        let first = self.next();
        match first {
            Some('}') => Ok(self.plain(name, start, name_start, true)),
            Some(':' | '+' | '-' | '?' | '#' | '%') => {
                let colon = first == Some(':');
                let op = if colon { self.next() } else { first };
                let raw = matches!(op, Some('#' | '%'));
                if colon && raw {
                    return Err(unsupported(colon, op, op_start));
                }
                let longest = raw && self.peek() == op;
                let word = match self.stop_on(Some('}'), raw, None) {
                    Ok(w) => w,
                    Err(_) if self.at_end() => return Err(missing_brace(start)),
                    Err(e) => return Err(e),
                };
                let m = Modifier {
                    name,
                    start,
                    name_start,
                    op_start,
                    colon,
                    op,
                    longest,
                };
                self.modifier(m, word)
            }
            Some('/') => {
                let all = self.peek() == Some('/');
                if all {
                    self.next();
                }
                let pattern = match self.stop_on(Some('/'), true, None) {
                    Ok(p) => p,
                    Err(_) if self.at_end() => return Err(missing_slash(start)),
                    Err(e) => return Err(e),
                };
                let replacement = match self.stop_on(Some('}'), true, None) {
                    Ok(r) => r,
                    Err(_) if self.at_end() => return Err(missing_brace(start)),
                    Err(e) => return Err(e),
                };
                self.replace(name, start, name_start, all, &pattern, &replacement)
            }
            _ => Err(unsupported(false, first, op_start)),
        }
    }

    /// `$name` / `${name}`.
    #[inline(never)]
    fn plain(&mut self, name: &str, start: usize, name_start: usize, braced: bool) -> String {
        if self.scanning() {
            self.record(name, start, name_start, braced, None);
            return String::new();
        }
        match self.lookup(name) {
            Some(v) => v.to_owned(),
            None if self.lexer.skip_unset_env && braced => format!("${{{name}}}"),
            None if self.lexer.skip_unset_env => format!("${name}"),
            None => String::new(),
        }
    }

    /// `${name<op>word}` for `-`, `+`, `?`, `#`, `%` (with or without `:`), once `word` is expanded.
    #[inline(never)]
    fn modifier(&mut self, m: Modifier<'_>, word: String) -> Result<String, Fail> {
        let Modifier {
            name,
            start,
            name_start,
            op_start,
            colon,
            op,
            longest,
        } = m;
        if self.scanning() {
            let operator = match op {
                Some('-') => Operator::Default { colon },
                Some('+') => Operator::Alternative { colon },
                Some('?') => Operator::Required { colon },
                Some('#') => Operator::RemovePrefix { longest },
                Some('%') => Operator::RemoveSuffix { longest },
                _ => return Err(unsupported(colon, op, op_start)),
            };
            self.record(name, start, name_start, true, Some(operator));
            return Ok(String::new());
        }
        let value = self.lookup(name);
        if value.is_none() && self.lexer.skip_unset_env {
            let colon = if colon { ":" } else { "" };
            return Ok(format!("${{{name}{colon}{}{word}}}", go_char(op)));
        }
        let empty = value.is_none_or(str::is_empty);
        match op {
            Some('-') => Ok(match value {
                Some(v) if !(colon && v.is_empty()) => v.to_owned(),
                _ => word,
            }),
            Some('+') => Ok(if value.is_none() || (colon && empty) {
                String::new()
            } else {
                word
            }),
            Some('?') => {
                let default = match value {
                    None => "is not allowed to be unset",
                    Some("") if colon => "is not allowed to be empty",
                    Some(v) => return Ok(v.to_owned()),
                };
                let message = if word.is_empty() {
                    default
                } else {
                    word.as_str()
                };
                Err(fail(format!("{name}: {message}"), start))
            }
            Some(op @ ('#' | '%')) => {
                let value = value.unwrap_or("");
                let (pattern, greedy) = match word.strip_prefix(op) {
                    Some(rest) => (rest, true),
                    None => (word.as_str(), false),
                };
                if op == '#' {
                    trim_prefix(pattern, value, greedy, start)
                } else {
                    trim_suffix(pattern, value, greedy, start)
                }
            }
            _ => Err(unsupported(colon, op, op_start)),
        }
    }

    /// `${name/pattern/replacement}` and `${name//pattern/replacement}`, once both are expanded.
    #[inline(never)]
    fn replace(
        &mut self,
        name: &str,
        start: usize,
        name_start: usize,
        all: bool,
        pattern: &str,
        replacement: &str,
    ) -> Result<String, Fail> {
        if self.scanning() {
            self.record(
                name,
                start,
                name_start,
                true,
                Some(Operator::Replace { all }),
            );
            return Ok(String::new());
        }
        let value = self.lookup(name);
        if value.is_none() && self.lexer.skip_unset_env {
            // BuildKit writes a single `/` back even for `//`.
            return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
        }
        let value = value.unwrap_or("");
        let re = Pattern::compile(pattern.chars(), true).map_err(|e| {
            fail(
                format!("invalid pattern ({pattern}) in substitution: {e}"),
                start,
            )
        })?;
        if all {
            return Ok(re.replace_all(value, replacement));
        }
        let (chars, offsets) = chars_and_offsets(value);
        Ok(match re.find_first(&chars, false) {
            Some((a, b)) => {
                let byte = |i: usize| offsets.get(i).copied().unwrap_or(value.len());
                let mut out = String::with_capacity(value.len() + replacement.len());
                out.push_str(value.get(..byte(a)).unwrap_or(""));
                out.push_str(replacement);
                out.push_str(value.get(byte(b)..).unwrap_or(""));
                out
            }
            None => value.to_owned(),
        })
    }
}

/// A parsed `${name<op>word}` before evaluation.
struct Modifier<'w> {
    name: &'w str,
    /// Offset of the `$`.
    start: usize,
    name_start: usize,
    /// Offset of the character after the name.
    op_start: usize,
    /// `:` came before the operator.
    colon: bool,
    /// The operator character (None at the end of the word).
    op: Option<char>,
    /// The operator is doubled (`##`, `%%`), by the text as written.
    longest: bool,
}

#[cold]
#[inline(never)]
fn too_deep(offset: usize) -> Fail {
    fail(
        format!("substitutions nested too deeply (more than {MAX_DEPTH} levels)"),
        offset,
    )
}

#[cold]
#[inline(never)]
fn unterminated(stop: char, offset: usize) -> Fail {
    fail(
        format!("unexpected end of statement while looking for matching {stop}"),
        offset,
    )
}

#[cold]
#[inline(never)]
fn unterminated_quote(kind: &str, offset: usize) -> Fail {
    fail(
        format!("unexpected end of statement while looking for matching {kind}-quote"),
        offset,
    )
}

#[cold]
#[inline(never)]
fn missing_brace(offset: usize) -> Fail {
    fail("syntax error: missing '}'", offset)
}

#[cold]
#[inline(never)]
fn missing_slash(offset: usize) -> Fail {
    fail("syntax error: missing '/' in ${}", offset)
}

#[cold]
#[inline(never)]
fn bad_substitution(offset: usize) -> Fail {
    fail("syntax error: bad substitution", offset)
}

/// `unsupported modifier (…) in substitution`, naming the operator as BuildKit does: the character after
/// the name, or `:` and the one after it.
#[cold]
#[inline(never)]
fn unsupported(colon: bool, op: Option<char>, offset: usize) -> Fail {
    let colon = if colon { ":" } else { "" };
    fail(
        format!(
            "unsupported modifier ({colon}{}) in substitution",
            go_char(op)
        ),
        offset,
    )
}

/// `${v#p}` / `${v##p}`: drop the shortest / longest prefix of `value` that the pattern matches.
fn trim_prefix(pattern: &str, value: &str, greedy: bool, offset: usize) -> Result<String, Fail> {
    let re = Pattern::compile(pattern.chars(), greedy).map_err(|e| {
        fail(
            format!("invalid pattern ({pattern}) in substitution: {e}"),
            offset,
        )
    })?;
    let chars: Vec<char> = value.chars().collect();
    Ok(match re.find_first(&chars, true) {
        Some((_, end)) => {
            let byte: usize = chars.iter().take(end).map(|c| c.len_utf8()).sum();
            value.get(byte..).unwrap_or("").to_owned()
        }
        None => value.to_owned(),
    })
}

/// `${v%p}` / `${v%%p}`: drop the shortest / longest suffix. Like BuildKit, this matches the reversed
/// pattern against the reversed value (so an error message shows the reversed pattern).
fn trim_suffix(pattern: &str, value: &str, greedy: bool, offset: usize) -> Result<String, Fail> {
    let reversed = reverse_pattern(pattern);
    let re = Pattern::compile(reversed.iter().copied(), greedy).map_err(|e| {
        let shown: String = reversed.iter().collect();
        fail(
            format!("invalid pattern ({shown}) in substitution: {e}"),
            offset,
        )
    })?;
    let chars: Vec<char> = value.chars().rev().collect();
    Ok(match re.find_first(&chars, true) {
        Some((_, end)) => {
            let cut: usize = chars.iter().take(end).map(|c| c.len_utf8()).sum();
            value
                .get(..value.len().saturating_sub(cut))
                .unwrap_or("")
                .to_owned()
        }
        None => value.to_owned(),
    })
}
