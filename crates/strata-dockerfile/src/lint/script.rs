//! Just enough of POSIX sh to look at a RUN line: its simple commands and their words (quotes removed),
//! and unquoted brace expansions. Not an interpreter: `$(…)` and backquotes are kept as opaque text.

use std::ops::Range;

/// A word of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ShWord {
    /// The word with quotes and backslashes removed.
    pub(super) text: String,
    /// Where it is in the script.
    pub(super) range: Range<usize>,
}

/// A simple command: words between operators (`&&`, `||`, `;`, `|`, `&`, newlines, parentheses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SimpleCommand {
    /// The words, assignments and redirections included.
    pub(super) words: Vec<ShWord>,
    /// From the first word to the end of the last.
    pub(super) range: Range<usize>,
    /// The command reads a pipe (`… | this`).
    pub(super) after_pipe: bool,
}

impl SimpleCommand {
    /// The words from the program name on: leading `NAME=value` assignments and `sudo`/`env`/`command`/`exec`
    /// wrappers are skipped.
    pub(super) fn program(&self) -> &[ShWord] {
        let mut i = 0;
        while let Some(w) = self.words.get(i) {
            let is_assignment = w.text.split_once('=').is_some_and(|(n, _)| {
                !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
            if is_assignment
                || matches!(
                    w.text.as_str(),
                    "sudo" | "env" | "command" | "exec" | "nice" | "time"
                )
            {
                i += 1;
            } else {
                break;
            }
        }
        &self.words[i.min(self.words.len())..]
    }
}

/// Split `script` into simple commands.
pub(super) fn commands(script: &str) -> Vec<SimpleCommand> {
    let mut lx = Splitter {
        chars: script.char_indices().peekable(),
        out: Vec::new(),
        cur: Vec::new(),
        pipe: false,
    };
    lx.run();
    lx.out
}

struct Splitter<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    out: Vec<SimpleCommand>,
    cur: Vec<ShWord>,
    pipe: bool,
}

impl Splitter<'_> {
    fn run(&mut self) {
        while let Some(&(i, c)) = self.chars.peek() {
            match c {
                ' ' | '\t' | '\r' => {
                    self.chars.next();
                }
                '\n' | ';' | '(' | ')' => {
                    self.chars.next();
                    self.end_command(false);
                }
                '&' | '|' => {
                    self.chars.next();
                    let doubled = self.chars.peek().is_some_and(|&(_, n)| n == c);
                    if doubled {
                        self.chars.next();
                    }
                    self.end_command(c == '|' && !doubled);
                }
                '#' => {
                    while self.chars.peek().is_some_and(|&(_, c)| c != '\n') {
                        self.chars.next();
                    }
                }
                _ => self.word(i),
            }
        }
        self.end_command(false);
    }

    fn end_command(&mut self, next_is_piped: bool) {
        if let (Some(first), Some(last)) = (self.cur.first(), self.cur.last()) {
            let range = first.range.start..last.range.end;
            self.out.push(SimpleCommand {
                words: std::mem::take(&mut self.cur),
                range,
                after_pipe: self.pipe,
            });
        }
        self.pipe = next_is_piped;
    }

    fn word(&mut self, start: usize) {
        let mut text = String::new();
        let mut end = start;
        while let Some(&(i, c)) = self.chars.peek() {
            if matches!(c, ' ' | '\t' | '\r' | '\n' | ';' | '&' | '|' | '(' | ')') {
                break;
            }
            self.chars.next();
            end = i + c.len_utf8();
            match c {
                '\\' => {
                    if let Some((j, n)) = self.chars.next() {
                        end = j + n.len_utf8();
                        if n != '\n' {
                            text.push(n);
                        }
                    }
                }
                '\'' => {
                    for (j, n) in self.chars.by_ref() {
                        end = j + n.len_utf8();
                        if n == '\'' {
                            break;
                        }
                        text.push(n);
                    }
                }
                '"' => {
                    while let Some((j, n)) = self.chars.next() {
                        end = j + n.len_utf8();
                        match n {
                            '"' => break,
                            '\\' => {
                                if let Some((k, m)) = self.chars.next() {
                                    end = k + m.len_utf8();
                                    if !matches!(m, '"' | '\\' | '$' | '`') {
                                        text.push('\\');
                                    }
                                    text.push(m);
                                }
                            }
                            n => text.push(n),
                        }
                    }
                }
                '$' if self.chars.peek().is_some_and(|&(_, n)| n == '(') => {
                    text.push('$');
                    let mut depth = 0usize;
                    for (j, n) in self.chars.by_ref() {
                        end = j + n.len_utf8();
                        text.push(n);
                        match n {
                            '(' => depth += 1,
                            ')' => {
                                depth = depth.saturating_sub(1);
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                }
                '`' => {
                    text.push('`');
                    for (j, n) in self.chars.by_ref() {
                        end = j + n.len_utf8();
                        text.push(n);
                        if n == '`' {
                            break;
                        }
                    }
                }
                c => text.push(c),
            }
        }
        self.cur.push(ShWord {
            text,
            range: start..end,
        });
    }
}

/// Unquoted brace expansions (`{a,b}`, `{1..10}`) in `script`, as byte ranges of the braces.
pub(super) fn brace_expansions(script: &str) -> Vec<Range<usize>> {
    let b = script.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' && q == b'"' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'\\' => i += 1,
                b'\'' | b'"' => quote = Some(c),
                b'#' if i == 0 || b[i - 1].is_ascii_whitespace() => {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                }
                b'{' if i == 0 || b[i - 1] != b'$' => {
                    if let Some(end) = brace_end(b, i) {
                        if is_brace_expansion(&script[i + 1..end]) {
                            out.push(i..end + 1);
                        }
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    out
}

/// The matching `}` of the `{` at `open`, within one word.
fn brace_end(b: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, &c) in b.iter().enumerate().skip(open) {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            b' ' | b'\t' | b'\n' | b';' | b'|' | b'&' | b'\'' | b'"' | b'$' | b'\\' | b'('
            | b')' => return None,
            _ => {}
        }
    }
    None
}

/// `a,b` (a comma at the top level) or a sequence `1..10`, `a..z`, `1..10..2`.
fn is_brace_expansion(inner: &str) -> bool {
    let mut depth = 0;
    for c in inner.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => return true,
            _ => {}
        }
    }
    let parts: Vec<&str> = inner.split("..").collect();
    let int = |s: &str| {
        let d = s.strip_prefix('-').unwrap_or(s);
        !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
    };
    let letter = |s: &str| s.len() == 1 && s.bytes().all(|b| b.is_ascii_alphabetic());
    match parts.as_slice() {
        [a, b] => (int(a) && int(b)) || (letter(a) && letter(b)),
        [a, b, step] => ((int(a) && int(b)) || (letter(a) && letter(b))) && int(step),
        _ => false,
    }
}
