//! POSIX basic and extended regular expressions (grep, sed, awk, expr), translated to the `regex` crate's syntax
//! and run by our own engine ([`nfa`] compiles, [`pikevm`] matches), which gives the matches and captures the
//! `regex` crate gave without its ~150 KB in the playground's wasm.
//!
//! Matching is byte-oriented, as busybox's is in the C locale its images run with: `.` and bracket expressions
//! match one byte, `\w`, `\s`, `\b` and `[[:alpha:]]` know ASCII only, and `-i` folds ASCII letters only.
//! Callers match on the bytes of their text and turn matched bytes back into text with
//! [`String::from_utf8_lossy`].

use std::cell::RefCell;
use std::rc::Rc;

mod nfa;
mod pikevm;

/// Translates a POSIX BRE (`extended == false`) or ERE to `regex` syntax.
pub fn translate(pat: &str, extended: bool) -> Result<String, String> {
    let cs: Vec<char> = pat.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    // whether a `*` here would be literal (start of the expression or of a group, after `^` or `|`)
    let mut at_start = true;
    while i < cs.len() {
        let c = cs[i];
        let was_start = at_start;
        at_start = false;
        match c {
            '\\' => {
                let Some(&n) = cs.get(i + 1) else {
                    return Err("trailing backslash (\\)".to_owned());
                };
                i += 2;
                if !extended {
                    match n {
                        '(' => {
                            out.push('(');
                            at_start = true;
                            continue;
                        }
                        ')' => {
                            out.push(')');
                            continue;
                        }
                        '{' => {
                            let (q, ni) = interval(&cs, i, true)?;
                            out.push_str(&q);
                            i = ni;
                            continue;
                        }
                        '+' | '?' => {
                            out.push(n);
                            continue;
                        }
                        '|' => {
                            out.push('|');
                            at_start = true;
                            continue;
                        }
                        _ => {}
                    }
                }
                match n {
                    '1'..='9' => return Err("back-references are not supported".to_owned()),
                    'n' => out.push_str("\\n"),
                    't' => out.push_str("\\t"),
                    'w' | 'W' | 's' | 'S' | 'b' | 'B' => {
                        out.push('\\');
                        out.push(n);
                    }
                    '<' | '>' => out.push_str("\\b"),
                    _ => push_lit(&mut out, n),
                }
            }
            '[' => {
                let (cls, ni) = bracket(&cs, i)?;
                out.push_str(&cls);
                i = ni;
            }
            '*' if was_start => {
                out.push_str("\\*");
                i += 1;
            }
            '*' => {
                out.push('*');
                i += 1;
            }
            '^' => {
                out.push('^');
                at_start = true;
                i += 1;
            }
            '.' | '$' => {
                out.push(c);
                i += 1;
            }
            '(' | ')' | '|' if extended => {
                out.push(c);
                at_start = c != ')';
                i += 1;
            }
            '+' | '?' if extended => {
                if was_start {
                    push_lit(&mut out, c);
                } else {
                    out.push(c);
                }
                i += 1;
            }
            '{' if extended && cs.get(i + 1).is_some_and(|d| d.is_ascii_digit()) => {
                let (q, ni) = interval(&cs, i + 1, false)?;
                out.push_str(&q);
                i = ni;
            }
            _ => {
                push_lit(&mut out, c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// `c` as a literal in the `regex` syntax: escaped unless it means itself there (`\<` and `\>` would be word
/// edges, and are refused inside a class).
fn push_lit(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || matches!(c, ' ' | '<' | '>') || !c.is_ascii() {
        out.push(c);
    } else {
        out.push('\\');
        out.push(c);
    }
}

/// `{m,n}` after the opening brace at `i`; BRE closes with `\}`.
fn interval(cs: &[char], mut i: usize, bre: bool) -> Result<(String, usize), String> {
    let mut body = String::new();
    loop {
        match cs.get(i) {
            None => return Err("unmatched \\{".to_owned()),
            Some('\\') if bre && cs.get(i + 1) == Some(&'}') => {
                i += 2;
                break;
            }
            Some('}') if !bre => {
                i += 1;
                break;
            }
            Some(&c) if c.is_ascii_digit() || c == ',' => {
                body.push(c);
                i += 1;
            }
            Some(_) => return Err("invalid content of \\{\\}".to_owned()),
        }
    }
    Ok((format!("{{{body}}}"), i))
}

/// A bracket expression starting at `cs[i] == '['`.
fn bracket(cs: &[char], mut i: usize) -> Result<(String, usize), String> {
    let mut out = String::from("[");
    i += 1;
    if cs.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    let mut first = true;
    loop {
        let Some(&c) = cs.get(i) else {
            return Err("unmatched [, [^, [:, [., or [=".to_owned());
        };
        if c == ']' && !first {
            out.push(']');
            return Ok((out, i + 1));
        }
        first = false;
        if c == '[' && matches!(cs.get(i + 1), Some(':' | '.' | '=')) {
            let kind = cs[i + 1];
            let rest: String = cs[i + 2..].iter().collect();
            let close = format!("{kind}]");
            if let Some(end) = rest.find(&close) {
                let name = &rest[..end];
                if kind == ':' {
                    out.push_str(&format!("[:{name}:]"));
                } else {
                    for ch in name.chars() {
                        push_class_lit(&mut out, ch);
                    }
                }
                i += 2 + name.chars().count() + 2;
                continue;
            }
        }
        if c == '-' {
            let next_close = cs.get(i + 1) == Some(&']');
            if out.ends_with('[') || out.ends_with('^') || next_close {
                out.push_str("\\-");
            } else {
                out.push('-');
            }
            i += 1;
            continue;
        }
        push_class_lit(&mut out, c);
        i += 1;
    }
}

/// A character inside a bracket expression: a non-ASCII one is its UTF-8 bytes, each a member of the class
/// (the `regex` crate refuses non-ASCII characters in byte classes).
fn push_class_lit(out: &mut String, c: char) {
    if c.is_ascii() {
        push_lit(out, c);
    } else {
        let mut buf = [0; 4];
        for b in c.encode_utf8(&mut buf).bytes() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
}

/// Compiles a POSIX expression.
pub fn compile(pat: &str, extended: bool, icase: bool) -> Result<Regex, String> {
    let t = translate(pat, extended)?;
    build(&t, icase).map_err(|_| format!("bad regex '{pat}'"))
}

/// A compiled expression; it matches bytes (see the module doc).
#[derive(Debug)]
pub struct Regex {
    nfa: Rc<nfa::Nfa>,
    /// The Pike VM's thread lists, made by the first search.
    cache: RefCell<Option<Box<pikevm::Cache>>>,
}

impl Clone for Regex {
    fn clone(&self) -> Regex {
        Regex {
            nfa: Rc::clone(&self.nfa),
            cache: RefCell::new(None),
        }
    }
}

/// Why [`build`] refused an expression.
pub type Error = nfa::Error;

/// Compiles `regex` syntax (the output of [`translate`], or [`escape`]d text) byte-oriented, with ASCII-only
/// case folding when `icase`.
pub fn build(re: &str, icase: bool) -> Result<Regex, Error> {
    Ok(Regex {
        nfa: Rc::new(nfa::compile(re, icase)?),
        cache: RefCell::new(None),
    })
}

/// `text` as an expression that matches it literally.
pub fn escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A match: where it is in the text it was found in.
#[derive(Clone, Copy, Debug)]
pub struct Match<'h> {
    hs: &'h [u8],
    start: usize,
    end: usize,
}

impl<'h> Match<'h> {
    /// Where it starts.
    pub fn start(&self) -> usize {
        self.start
    }

    /// Where it ends.
    pub fn end(&self) -> usize {
        self.end
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The matched bytes.
    pub fn as_bytes(&self) -> &'h [u8] {
        &self.hs[self.start..self.end]
    }
}

/// The groups of one match: group 0 is the whole match.
#[derive(Clone, Debug)]
pub struct Captures<'h> {
    hs: &'h [u8],
    slots: Vec<usize>,
}

impl<'h> Captures<'h> {
    /// Group `i`, when it took part in the match.
    pub fn get(&self, i: usize) -> Option<Match<'h>> {
        let (&start, &end) = (self.slots.get(2 * i)?, self.slots.get(2 * i + 1)?);
        (start != usize::MAX && end != usize::MAX).then_some(Match {
            hs: self.hs,
            start,
            end,
        })
    }
}

impl Regex {
    fn search<'h>(&self, hs: &'h [u8], start: usize, width: usize) -> Option<Captures<'h>> {
        let mut cache = self.cache.borrow_mut();
        let cache = match cache.as_mut() {
            Some(c) if c.width() == width => c,
            _ => cache.insert(Box::new(pikevm::Cache::new(&self.nfa, width))),
        };
        let slots = pikevm::search(&self.nfa, cache, hs, start)?;
        Some(Captures { hs, slots })
    }

    /// Whether it matches somewhere in `hs`.
    pub fn is_match(&self, hs: &[u8]) -> bool {
        self.find(hs).is_some()
    }

    /// The leftmost-first match in `hs`.
    pub fn find<'h>(&self, hs: &'h [u8]) -> Option<Match<'h>> {
        self.search(hs, 0, 2)?.get(0)
    }

    /// The groups of the leftmost-first match in `hs`.
    pub fn captures<'h>(&self, hs: &'h [u8]) -> Option<Captures<'h>> {
        self.search(hs, 0, 2 * self.captures_len())
    }

    /// How many groups the expression has, group 0 (the whole match) included.
    pub fn captures_len(&self) -> usize {
        self.nfa.groups
    }

    /// The successive matches in `hs`, as the `regex` crate iterates them: an empty match right where the last
    /// one ended is skipped.
    pub fn captures_iter<'r, 'h>(&'r self, hs: &'h [u8]) -> impl Iterator<Item = Captures<'h>> + 'r
    where
        'h: 'r,
    {
        self.iter(hs, 2 * self.captures_len())
    }

    /// The successive matches in `hs` (see [`Regex::captures_iter`]).
    pub fn find_iter<'r, 'h>(&'r self, hs: &'h [u8]) -> impl Iterator<Item = Match<'h>> + 'r
    where
        'h: 'r,
    {
        self.iter(hs, 2).filter_map(|c| c.get(0))
    }

    fn iter<'r, 'h>(&'r self, hs: &'h [u8], width: usize) -> impl Iterator<Item = Captures<'h>> + 'r
    where
        'h: 'r,
    {
        let mut start = 0;
        let mut last_end = None;
        std::iter::from_fn(move || {
            if start > hs.len() {
                return None;
            }
            let mut c = self.search(hs, start, width)?;
            let m = c.get(0)?;
            if m.is_empty() && Some(m.end) == last_end {
                start += 1;
                if start > hs.len() {
                    return None;
                }
                c = self.search(hs, start, width)?;
            }
            let end = c.get(0)?.end;
            start = end;
            last_end = Some(end);
            Some(c)
        })
    }

    /// The pieces of `hs` between matches (see [`Regex::captures_iter`]), the last one after the last match.
    pub fn split<'r, 'h>(&'r self, hs: &'h [u8]) -> impl Iterator<Item = &'h [u8]> + 'r
    where
        'h: 'r,
    {
        let mut last = 0;
        let mut matches = self.find_iter(hs);
        std::iter::from_fn(move || match matches.next() {
            Some(m) => {
                let piece = &hs[last..m.start];
                last = m.end;
                Some(piece)
            }
            None if last > hs.len() => None,
            None => {
                let piece = &hs[last..];
                last = hs.len() + 1;
                Some(piece)
            }
        })
    }
}

/// How many characters the UTF-8 text `b` holds; a character cut by a byte-wise match counts where it starts.
pub fn char_count(b: &[u8]) -> usize {
    b.iter().filter(|&&x| x & 0xC0 != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bre() {
        assert_eq!(translate("a\\(b\\)*c", false).unwrap(), "a(b)*c");
        assert_eq!(translate("a+b", false).unwrap(), "a\\+b");
        assert_eq!(translate("a+b", true).unwrap(), "a+b");
        assert_eq!(translate("*a", false).unwrap(), "\\*a");
        assert_eq!(translate("[a-z]x", false).unwrap(), "[a-z]x");
        assert_eq!(translate("x\\{2,3\\}", false).unwrap(), "x{2,3}");
        assert_eq!(translate("<a>[<>]", false).unwrap(), "<a>[<>]");
        assert_eq!(translate("\\<a\\>", false).unwrap(), "\\ba\\b");
        assert!(compile("[[:digit:]]+", true, false)
            .unwrap()
            .is_match(b"a12"));
    }

    #[test]
    fn bytes() {
        // one byte per `.`, as busybox in the C locale
        let r = compile("^..$", false, false).unwrap();
        assert!(r.is_match("é".as_bytes()));
        assert_eq!(translate("[é]", false).unwrap(), "[\\xC3\\xA9]");
        assert!(compile("[é]x", false, false)
            .unwrap()
            .is_match("\u{e9}x".as_bytes()));
        assert!(compile("ABC", false, true).unwrap().is_match(b"xabcx"));
        assert!(!compile("É", false, true).unwrap().is_match("é".as_bytes()));
    }
}
