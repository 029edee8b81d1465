//! BuildKit's shell-word expansion (`frontend/dockerfile/shell/lex.go`).
//!
//! A [`Lexer`] expands one word of a Dockerfile instruction against an environment ([`Env`]): it removes
//! quotes, handles the escape character, and substitutes `$name`, `${name}` and the `${name<op>word}`
//! forms BuildKit knows:
//!
//! | form | result |
//! |---|---|
//! | `${v-w}` / `${v:-w}` | `v`, or `w` when `v` is unset (`:`: or empty) |
//! | `${v+w}` / `${v:+w}` | `w` when `v` is set (`:`: and not empty), else nothing |
//! | `${v?m}` / `${v:?m}` | `v`, or the error `v: m` when unset (`:`: or empty) |
//! | `${v#p}` / `${v##p}` | `v` without its shortest / longest prefix matching `p` |
//! | `${v%p}` / `${v%%p}` | `v` without its shortest / longest suffix matching `p` |
//! | `${v/p/r}` / `${v//p/r}` | `v` with the first / every match of `p` replaced by `r` |
//!
//! Patterns know `*`, `?` and backslash escapes (no `[…]`). Positional and special parameters (`$1`, `$@`,
//! `$$` …) are looked up like any other name, so they are normally empty. Anything else in `${…}` is an
//! error, with BuildKit's wording.
//!
//! [`Lexer::process_word`] is BuildKit's `ProcessWord` (one string out), [`Lexer::process_words`] its
//! `ProcessWords` (split into words on unquoted whitespace after expansion, as EXPOSE uses it) and
//! [`Lexer::process_word_with_matches`] its `ProcessWordWithMatches` (which names were found or not).
//! [`Lexer::variables`] lists the references of a word without an environment, for lint rules.
//!
//! Fidelity notes: variable names are matched case-sensitively (BuildKit on Linux); letters and digits in
//! names follow Go's `unicode` categories. Nesting of `${…}` operands is limited to [`MAX_DEPTH`] levels (BuildKit has
//! no limit). In `process_words`, BuildKit versions that share one word buffer between nested `${…}`
//! operands can lose the text before such an operand (`a${x:-b}` → `b`); strata keeps it (`ab`).

mod lex;
mod substitution_pattern;
mod unicode;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::hash::BuildHasher;
use std::ops::Range;

pub use lex::MAX_DEPTH;

/// An environment to expand against: looks a variable up by exact (case-sensitive) name.
///
/// Implemented for maps (`BTreeMap`/`HashMap` from `String` or `&str` to `String` or `&str`), for lists of
/// pairs (`[(K, V)]`, `Vec<(K, V)>`, `[(K, V); N]`, where the LAST occurrence of a name wins, like
/// BuildKit's env lists), for lists of `KEY=value` strings (`[String]`, `Vec<String>`, `[&str]`,
/// `Vec<&str>`: an entry without `=` sets the key to the empty string; the last occurrence wins), for `()`
/// (nothing is set) and for references to any of these. Closures are not supported, because the value
/// must be borrowed from the environment; collect into a map instead.
pub trait Env {
    /// The value of `name`, or None when it is unset. `Some("")` is set but empty.
    fn get(&self, name: &str) -> Option<&str>;
}

impl<E: Env + ?Sized> Env for &E {
    fn get(&self, name: &str) -> Option<&str> {
        (**self).get(name)
    }
}

impl Env for () {
    fn get(&self, _name: &str) -> Option<&str> {
        None
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Env for [(K, V)] {
    fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .rev()
            .find(|(k, _)| k.as_ref() == name)
            .map(|(_, v)| v.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Env for Vec<(K, V)> {
    fn get(&self, name: &str) -> Option<&str> {
        Env::get(self.as_slice(), name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> Env for [(K, V); N] {
    fn get(&self, name: &str) -> Option<&str> {
        Env::get(self.as_slice(), name)
    }
}

/// Looks `name` up in `KEY=value` entries, the last occurrence winning.
fn get_entry<'a>(entries: impl DoubleEndedIterator<Item = &'a str>, name: &str) -> Option<&'a str> {
    entries.rev().find_map(|e| match e.split_once('=') {
        Some((k, v)) if k == name => Some(v),
        None if e == name => Some(""),
        _ => None,
    })
}

impl Env for [String] {
    fn get(&self, name: &str) -> Option<&str> {
        get_entry(self.iter().map(String::as_str), name)
    }
}

impl Env for Vec<String> {
    fn get(&self, name: &str) -> Option<&str> {
        Env::get(self.as_slice(), name)
    }
}

impl Env for [&str] {
    fn get(&self, name: &str) -> Option<&str> {
        get_entry(self.iter().copied(), name)
    }
}

impl Env for Vec<&str> {
    fn get(&self, name: &str) -> Option<&str> {
        Env::get(self.as_slice(), name)
    }
}

impl<K: std::borrow::Borrow<str> + Ord, V: AsRef<str>> Env for BTreeMap<K, V> {
    fn get(&self, name: &str) -> Option<&str> {
        BTreeMap::get(self, name).map(AsRef::as_ref)
    }
}

impl<K: std::borrow::Borrow<str> + Eq + std::hash::Hash, V: AsRef<str>, S: BuildHasher> Env
    for HashMap<K, V, S>
{
    fn get(&self, name: &str) -> Option<&str> {
        HashMap::get(self, name).map(AsRef::as_ref)
    }
}

/// BuildKit's `shell.Lex`: the escape character and the options of an expansion.
///
/// The options all default to false, which is how BuildKit expands instruction arguments
/// (`NewLex(escapeToken)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lexer {
    /// The escape character: `\` by default, `` ` `` after `# escape=``.
    pub escape: char,
    /// Keep quote characters in the result (`RawQuotes`); their contents are still treated as quoted.
    pub raw_quotes: bool,
    /// Keep escape characters in the result (`RawEscapes`); the escaped character is still literal.
    pub raw_escapes: bool,
    /// Leave references to unset variables as written (`$x`, `${x}`, `${x:-w}` …) instead of expanding
    /// them (`SkipUnsetEnv`).
    pub skip_unset_env: bool,
    /// Treat quote characters as ordinary characters (`SkipProcessQuotes`, used for heredoc bodies).
    pub skip_process_quotes: bool,
}

impl Default for Lexer {
    /// `Lexer::new('\\')`.
    fn default() -> Self {
        Lexer::new('\\')
    }
}

/// The result of [`Lexer::process_word_with_matches`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expansion {
    /// The expanded word.
    pub result: String,
    /// Names that were looked up and found (even when set to the empty string).
    pub matched: BTreeSet<String>,
    /// Names that were looked up and not found.
    pub unmatched: BTreeSet<String>,
}

/// An expansion failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandError {
    /// BuildKit's full message: `failed to process "<word>": <reason>`.
    pub message: String,
    /// The reason alone, in BuildKit's words (`syntax error: bad substitution`, `x: is not allowed to be
    /// unset`, `unsupported modifier (:#) in substitution` …).
    pub reason: String,
    /// Best-effort byte offset in the word: the `$` of the substitution at fault, the opening quote of an
    /// unterminated quote, or the modifier that is not supported.
    pub offset: usize,
}

impl fmt::Display for ExpandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExpandError {}

/// The operator of a `${name<op>word}` reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// `${v-w}`, or `${v:-w}` (`colon`): a default value.
    Default {
        /// `:-` (also used when empty) rather than `-`.
        colon: bool,
    },
    /// `${v+w}`, or `${v:+w}` (`colon`): an alternative value when set.
    Alternative {
        /// `:+` (not when empty) rather than `+`.
        colon: bool,
    },
    /// `${v?m}`, or `${v:?m}` (`colon`): an error when unset.
    Required {
        /// `:?` (also an error when empty) rather than `?`.
        colon: bool,
    },
    /// `${v#p}`, or `${v##p}` (`longest`).
    RemovePrefix {
        /// `##`.
        longest: bool,
    },
    /// `${v%p}`, or `${v%%p}` (`longest`).
    RemoveSuffix {
        /// `%%`.
        longest: bool,
    },
    /// `${v/p/r}`, or `${v//p/r}` (`all`).
    Replace {
        /// `//`.
        all: bool,
    },
}

/// A variable reference found by [`Lexer::variables`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    /// The variable's name (`1`, `@` … for positional and special parameters).
    pub name: String,
    /// Byte range of the whole reference in the word, from `$` to the end (`$x`, `${x:-y}`).
    pub span: Range<usize>,
    /// Byte range of the name.
    pub name_span: Range<usize>,
    /// Written with braces.
    pub braced: bool,
    /// The operator of `${name<op>word}`, if any.
    pub operator: Option<Operator>,
}

impl VarRef {
    /// `${x-y}` or `${x:-y}`: the reference has a default value for when `x` is unset.
    pub fn has_default(&self) -> bool {
        matches!(self.operator, Some(Operator::Default { .. }))
    }

    /// A positional (`$1`, `$001`) or special (`$@`, `$*`, `$#`, `$?`, `$-`, `$$`, `$!`, `$0`) parameter,
    /// which a Dockerfile never sets.
    pub fn is_special(&self) -> bool {
        self.name.chars().next().is_some_and(|c| {
            unicode::is_digit(c) || matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!')
        })
    }
}

impl Lexer {
    /// A lexer with this escape character and every option off.
    pub fn new(escape: char) -> Lexer {
        Lexer {
            escape,
            raw_quotes: false,
            raw_escapes: false,
            skip_unset_env: false,
            skip_process_quotes: false,
        }
    }

    /// BuildKit's `ProcessWord`: quote removal and expansion, without word splitting.
    pub fn process_word(&self, word: &str, env: &dyn Env) -> Result<String, ExpandError> {
        let mut run = lex::Run::new(self, word, env);
        run.stop_on(None, self.raw_escapes, None)
            .map_err(|f| wrap(word, f))
    }

    /// BuildKit's `ProcessWords`: expansion, then splitting into words on whitespace that is neither quoted,
    /// escaped nor inside a quoted expansion. Quotes are removed; an empty quoted word on its own (`""`)
    /// gives no word.
    pub fn process_words(&self, word: &str, env: &dyn Env) -> Result<Vec<String>, ExpandError> {
        let mut run = lex::Run::new(self, word, env);
        let mut words = lex::Words::default();
        run.stop_on(None, self.raw_escapes, Some(&mut words))
            .map_err(|f| wrap(word, f))?;
        Ok(words.finish())
    }

    /// BuildKit's `ProcessWordWithMatches`: [`process_word`](Self::process_word) plus the names that were
    /// looked up, split into found and not found.
    pub fn process_word_with_matches(
        &self,
        word: &str,
        env: &dyn Env,
    ) -> Result<Expansion, ExpandError> {
        let mut run = lex::Run::new(self, word, env);
        run.capture = true;
        let result = run
            .stop_on(None, self.raw_escapes, None)
            .map_err(|f| wrap(word, f))?;
        Ok(Expansion {
            result,
            matched: run.matched,
            unmatched: run.unmatched,
        })
    }

    /// Every `$name` / `${name…}` reference in the word that expansion would look up, in source order,
    /// without an environment: references inside single quotes or after the escape character are not
    /// references, and those inside `${…}` operands are (they are listed before the enclosing one when they
    /// start later, i.e. in order of their `$`). On a syntax error the references before it are returned.
    pub fn variables(&self, word: &str) -> Vec<VarRef> {
        let mut run = lex::Run::new(self, word, &());
        run.refs = Some(Vec::new());
        // A syntax error just ends the list.
        let _ = run.stop_on(None, self.raw_escapes, None);
        let mut refs = run.refs.unwrap_or_default();
        crate::sort::sort_by(&mut refs, |a, b| a.span.start.cmp(&b.span.start));
        refs
    }
}

fn wrap(word: &str, f: lex::Fail) -> ExpandError {
    ExpandError {
        message: format!("failed to process {}: {}", go_quote(word), f.reason),
        reason: f.reason,
        offset: f.offset,
    }
}

/// Go's `%q` for a string (`strconv.Quote`), closely enough for messages: `"` and `\` escaped, control and
/// invisible format/space characters written as `\n`, `\x1b`, `\u200b` …, everything else as it is.
fn go_quote(s: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if c < ' ' || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if !go_printable(c) => {
                if u32::from(c) < 0x10000 {
                    let _ = write!(out, "\\u{:04x}", u32::from(c));
                } else {
                    let _ = write!(out, "\\U{:08x}", u32::from(c));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint` for non-ASCII-control characters: not a control, not a space
/// other than U+0020, not a common format character, not private use.
fn go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(u32::from(c),
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E
        | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0xE000..=0xF8FF
        | 0xE0001 | 0xE0020..=0xE007F | 0xF0000..=0x10FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    fn go_quote_matches_strconv() {
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(go_quote("\n\t\u{1b}"), r#""\n\t\x1b""#);
        assert_eq!(
            go_quote("한국어 \u{a0}\u{200b}"),
            "\"한국어 \\u00a0\\u200b\""
        );
    }

    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    fn env_lists_last_wins() {
        let pairs = vec![
            ("a".to_owned(), "1".to_owned()),
            ("a".to_owned(), "2".to_owned()),
        ];
        assert_eq!(Env::get(&pairs, "a"), Some("2"));
        let entries = vec!["a=1".to_owned(), "b".to_owned(), "a=x=y".to_owned()];
        assert_eq!(Env::get(&entries, "a"), Some("x=y"));
        assert_eq!(Env::get(&entries, "b"), Some(""));
        assert_eq!(Env::get(&entries, "c"), None);
        assert_eq!(Env::get(&[("k", "v")], "k"), Some("v"));
    }

    /// The deepest nesting allowed, through double quotes (the biggest frames), in every entry point.
    fn deepest(lexer: &Lexer) {
        let d = MAX_DEPTH - 1;
        let w = format!("{}$A{}", "${a:-\"".repeat(d), "\"}".repeat(d));
        let env = [("A", "x")];
        assert_eq!(lexer.process_word(&w, &env).as_deref(), Ok("x"));
        assert_eq!(lexer.process_words(&w, &env), Ok(vec!["x".to_owned()]));
        assert!(lexer.process_word_with_matches(&w, &env).is_ok());
        assert_eq!(lexer.variables(&w).len(), d + 1);
        let too_deep = format!("{}x", "${a:-\"".repeat(d + 10));
        assert!(lexer.process_word(&too_deep, &env).is_err());
    }

    /// Debug builds need about 4 KiB per level; the limit keeps the worst case well inside small stacks
    /// (wasm's 1 MiB, a 2 MiB test thread).
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn deepest_nesting_fits_in_512_kib() {
        let t = std::thread::Builder::new()
            .stack_size(512 * 1024)
            .spawn(|| deepest(&Lexer::new('\\')))
            .expect("spawn");
        assert!(t.join().is_ok());
    }

    #[cfg(target_arch = "wasm32")]
    #[wasm_bindgen_test::wasm_bindgen_test]
    fn deepest_nesting_fits_on_the_wasm_stack() {
        deepest(&Lexer::new('\\'));
    }
}
