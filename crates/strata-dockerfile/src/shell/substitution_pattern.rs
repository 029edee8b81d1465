//! The wildcard patterns of `${v#p}`, `${v%p}` and `${v/p/r}`.
//!
//! BuildKit turns such a pattern into a Go regular expression: `*` becomes `.*` (or lazy `.*?` for the
//! shortest-match forms), `?` becomes `.`, a backslash escapes `*`, `?` or itself, a backslash before `}` or
//! `/` is dropped, and every other character is literal. Because that regular expression has neither
//! alternation nor groups, it is matched here directly with a small Pike VM that keeps Go's leftmost-first
//! preference order, which gives exactly the span Go's `regexp` reports in O(text × pattern) time. Like Go's
//! `.`, neither wildcard matches a newline.

use super::unicode::{is_digit, is_letter};

/// One element of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Atom {
    /// This character.
    Lit(char),
    /// Any one character except `\n` (`?`).
    Any,
    /// Any run of characters without `\n` (`*`).
    Star,
}

impl Atom {
    fn accepts(self, c: char) -> bool {
        match self {
            Atom::Lit(l) => l == c,
            Atom::Any | Atom::Star => c != '\n',
        }
    }
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone)]
pub(super) struct Pattern {
    atoms: Vec<Atom>,
    /// `*` prefers the longest run (`.*`) rather than the shortest (`.*?`).
    greedy: bool,
}

impl Pattern {
    /// Compiles the characters of a pattern. The error text is BuildKit's (`invalid escape '\x'`).
    pub(super) fn compile(
        pattern: impl IntoIterator<Item = char>,
        greedy: bool,
    ) -> Result<Pattern, String> {
        let mut it = pattern.into_iter().peekable();
        // Go reads the pattern with text/scanner, which skips a byte order mark at the very start.
        if it.peek() == Some(&'\u{feff}') {
            it.next();
        }
        let mut atoms = Vec::new();
        while let Some(tok) = it.next() {
            match tok {
                '*' => atoms.push(Atom::Star),
                '?' => atoms.push(Atom::Any),
                '\\' => {
                    if matches!(it.peek(), Some('}' | '/')) {
                        // The escape only protected the `${…}` syntax; the character itself follows.
                        continue;
                    }
                    match it.next() {
                        Some(c @ ('*' | '?' | '\\')) => atoms.push(Atom::Lit(c)),
                        Some(c) => return Err(format!("invalid escape '\\{c}'")),
                        None => return Err("invalid escape '\\\u{fffd}'".to_owned()),
                    }
                }
                c => atoms.push(Atom::Lit(c)),
            }
        }
        Ok(Pattern { atoms, greedy })
    }

    /// The leftmost-first match in `text` starting at or after `from` (only at `from` when `anchored`), as a
    /// half-open range of indices into `text`.
    fn find(
        &self,
        text: &[char],
        from: usize,
        anchored: bool,
        vm: &mut Vm,
    ) -> Option<(usize, usize)> {
        let states = self.atoms.len() + 1;
        vm.reset(states);
        let mut matched = None;
        let mut pos = from;
        loop {
            if matched.is_none() && (!anchored || pos == from) {
                // The lowest-priority thread: a match starting here.
                vm.add(&self.atoms, self.greedy, Current, 0, pos);
            }
            let c = text.get(pos).copied();
            vm.step(&self.atoms, self.greedy, c, pos, &mut matched);
            if pos >= text.len() {
                break;
            }
            pos += 1;
            if vm.current_is_empty() && (matched.is_some() || anchored) {
                break;
            }
        }
        matched
    }

    /// Go's `FindStringIndex` over `text`, from the start: the first match's range in `text`.
    pub(super) fn find_first(&self, text: &[char], anchored: bool) -> Option<(usize, usize)> {
        self.find(text, 0, anchored, &mut Vm::default())
    }

    /// Go's `Regexp.ReplaceAllString(value, template)`: every non-overlapping match is replaced by the
    /// template, in which `$0`/`${0}` stand for the match, `$$` for `$`, and any other `$name` for nothing.
    pub(super) fn replace_all(&self, value: &str, template: &str) -> String {
        let (chars, offsets) = chars_and_offsets(value);
        let byte = |i: usize| offsets.get(i).copied().unwrap_or(value.len());
        let slice = |a: usize, b: usize| value.get(byte(a)..byte(b)).unwrap_or("");
        let mut vm = Vm::default();
        let mut out = String::with_capacity(value.len());
        let mut last_end = 0;
        let mut search = 0;
        while search <= chars.len() {
            let Some((start, end)) = self.find(&chars, search, false, &mut vm) else {
                break;
            };
            out.push_str(slice(last_end, start));
            // An empty match right after the previous match is not replaced again.
            if end > last_end || start == 0 {
                expand_template(&mut out, template, slice(start, end));
            }
            last_end = end;
            // Always move forward by at least one character.
            search = if search + 1 > end { search + 1 } else { end };
        }
        out.push_str(slice(last_end, chars.len()));
        out
    }
}

/// `(state, start)`: a thread about to consume a character in `state` (an atom index), or a finished match
/// when `state` is the number of atoms.
type Thread = (usize, usize);

/// Which of the two thread lists an addition goes to.
#[derive(Clone, Copy)]
enum Which {
    Current,
    Next,
}
use Which::{Current, Next};

/// The thread lists of the Pike VM, kept between searches to avoid reallocating.
#[derive(Default)]
struct Vm {
    current: Vec<Thread>,
    next: Vec<Thread>,
    /// Per state: the generation in which it was last added to `current` / `next`.
    seen_current: Vec<u64>,
    seen_next: Vec<u64>,
    gen_current: u64,
    gen_next: u64,
    /// Scratch stack for lazy closures.
    pending: Vec<usize>,
}

impl Vm {
    fn reset(&mut self, states: usize) {
        self.current.clear();
        self.next.clear();
        if self.seen_current.len() < states {
            self.seen_current.resize(states, 0);
            self.seen_next.resize(states, 0);
        }
        self.gen_current += 1;
        self.gen_next += 1;
    }

    fn current_is_empty(&self) -> bool {
        self.current.is_empty()
    }

    /// Adds, in priority order, every thread reachable from `state` without consuming input.
    fn add(&mut self, atoms: &[Atom], greedy: bool, which: Which, state: usize, start: usize) {
        let (list, seen, gen) = match which {
            Current => (&mut self.current, &mut self.seen_current, self.gen_current),
            Next => (&mut self.next, &mut self.seen_next, self.gen_next),
        };
        let base = self.pending.len();
        let mut j = state;
        while let Some(mark) = seen.get_mut(j) {
            if *mark == gen {
                break;
            }
            *mark = gen;
            match atoms.get(j) {
                None => {
                    list.push((j, start));
                    break;
                }
                Some(Atom::Star) if greedy => {
                    // Prefer consuming another character, then leaving the star.
                    list.push((j, start));
                    j += 1;
                }
                Some(Atom::Star) => {
                    // Prefer leaving the star: everything after it comes first.
                    self.pending.push(j);
                    j += 1;
                }
                Some(_) => {
                    list.push((j, start));
                    break;
                }
            }
        }
        while self.pending.len() > base {
            if let Some(k) = self.pending.pop() {
                list.push((k, start));
            }
        }
    }

    /// Runs every current thread over `c` (None at the end of the text) at position `pos`.
    fn step(
        &mut self,
        atoms: &[Atom],
        greedy: bool,
        c: Option<char>,
        pos: usize,
        matched: &mut Option<(usize, usize)>,
    ) {
        self.next.clear();
        self.gen_next += 1;
        let current = std::mem::take(&mut self.current);
        for &(state, start) in &current {
            let Some(&atom) = atoms.get(state) else {
                // A finished match: it beats every lower-priority thread, which are dropped.
                *matched = Some((start, pos));
                break;
            };
            if let Some(c) = c {
                if atom.accepts(c) {
                    let to = if atom == Atom::Star { state } else { state + 1 };
                    self.add(atoms, greedy, Next, to, start);
                }
            }
        }
        // Recycle the old list's allocation as the next "next".
        self.current = std::mem::replace(&mut self.next, current);
        self.next.clear();
        std::mem::swap(&mut self.gen_current, &mut self.gen_next);
        std::mem::swap(&mut self.seen_current, &mut self.seen_next);
    }
}

/// The characters of `s` and their byte offsets.
pub(super) fn chars_and_offsets(s: &str) -> (Vec<char>, Vec<usize>) {
    s.char_indices().map(|(i, c)| (c, i)).unzip()
}

/// Go's `regexp.Regexp.Expand` for a regular expression without groups: `$0`/`${0}` is the whole match,
/// `$$` is `$`, any other well-formed `$name`/`${name}` is empty, and a malformed `$` stays as it is.
fn expand_template(out: &mut String, template: &str, whole: &str) {
    let mut rest = template;
    while let Some(i) = rest.find('$') {
        out.push_str(rest.get(..i).unwrap_or(""));
        rest = rest.get(i + 1..).unwrap_or("");
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let (braced, body) = match rest.strip_prefix('{') {
            Some(b) => (true, b),
            None => (false, rest),
        };
        let len: usize = body
            .chars()
            .take_while(|&c| is_letter(c) || is_digit(c) || c == '_')
            .map(char::len_utf8)
            .sum();
        let name = body.get(..len).unwrap_or("");
        let mut after = body.get(len..).unwrap_or("");
        let well_formed = !name.is_empty()
            && (!braced
                || match after.strip_prefix('}') {
                    Some(a) => {
                        after = a;
                        true
                    }
                    None => false,
                });
        if !well_formed {
            out.push('$');
            continue;
        }
        // Only group 0 exists; Go refuses a number with a leading zero (`$00`) as a group number.
        if name == "0" {
            out.push_str(whole);
        }
        rest = after;
    }
    out.push_str(rest);
}

/// BuildKit's `reversePattern`: the pattern's characters in reverse order, except that an escape stays in
/// front of the character it escapes (`a\*c` → `c\*a`).
pub(super) fn reverse_pattern(pattern: &str) -> Vec<char> {
    let mut units: Vec<(char, Option<char>)> = Vec::with_capacity(pattern.len());
    let mut it = pattern.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some(n) => units.push(('\\', Some(n))),
                None => units.push(('\\', None)),
            }
        } else {
            units.push((c, None));
        }
    }
    let mut out = Vec::with_capacity(units.len() * 2);
    for (a, b) in units.into_iter().rev() {
        out.push(a);
        out.extend(b);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(p: &str, greedy: bool, anchored: bool, text: &str) -> Option<(usize, usize)> {
        let pat = Pattern::compile(p.chars(), greedy).unwrap();
        pat.find_first(&text.chars().collect::<Vec<_>>(), anchored)
    }

    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    fn leftmost_first() {
        assert_eq!(first("*", true, true, "abc"), Some((0, 3)));
        assert_eq!(first("*", false, true, "abc"), Some((0, 0)));
        assert_eq!(first("*x*y", false, true, "xxyy"), Some((0, 3)));
        assert_eq!(first("*x*y", true, true, "xxyy"), Some((0, 4)));
        assert_eq!(first("b*", true, false, "abcb\nbb"), Some((1, 4)));
        assert_eq!(first("?", true, false, "\na"), Some((1, 2)));
        assert_eq!(first("x", true, true, "ax"), None);
        assert_eq!(first("", true, false, "ab"), Some((0, 0)));
        assert_eq!(first("a**b", false, false, "zzaxbxb"), Some((2, 5)));
    }

    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    fn escapes() {
        assert!(Pattern::compile("\\".chars(), true).is_err());
        assert!(Pattern::compile("\\x".chars(), true).is_err());
        assert!(Pattern::compile("\\\\\\".chars(), true).is_err());
        assert_eq!(first("\\*", true, true, "*a"), Some((0, 1)));
        assert_eq!(first("\\}", true, true, "}a"), Some((0, 1)));
    }

    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    fn reverse() {
        let r = |p: &str| reverse_pattern(p).into_iter().collect::<String>();
        assert_eq!(r("a\\*c"), "c\\*a");
        assert_eq!(r("\\\\\\ab"), "b\\a\\\\");
        assert_eq!(r("ab\\"), "\\ba");
        assert_eq!(r("👽\\🚀🖖"), "🖖\\🚀👽");
        assert_eq!(r("\\\\b"), "b\\\\");
    }

    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    fn replace_all_like_go() {
        let p = |s: &str| Pattern::compile(s.chars(), true).unwrap();
        assert_eq!(p("").replace_all("ab", "-"), "-a-b-");
        assert_eq!(p("x*").replace_all("axxb", "-"), "a-");
        // The empty matches right after "ab" and "cd" are not replaced again.
        assert_eq!(p("*").replace_all("ab\ncd", "-"), "-\n-");
        assert_eq!(p("?").replace_all("ab", "<$0>"), "<a><b>");
        assert_eq!(p("?").replace_all("ab", "${0}$$$1$x$"), "a$$b$$");
        assert_eq!(p("?").replace_all("a", "${0"), "${0");
    }
}
