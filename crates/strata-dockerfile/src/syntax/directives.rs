//! Parser directives: `# syntax=…`, `# escape=…`, `# check=…` at the very top of the file.
//!
//! BuildKit's rule (`DirectiveParser`) is a latch: every line is offered to it until one is not a
//! directive; from then on nothing is. A line is a directive when, after `#` and any white space, it
//! matches `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` and the key (case-insensitive) is one of the three
//! known ones. An unknown key, an ordinary comment, a blank line or an instruction closes the latch.
//! A repeated key is an error.

use nom::bytes::complete::take_while;
use nom::character::complete::satisfy;
use nom::combinator::recognize;
use nom::{IResult, Parser};

use super::dump::is_go_space;

/// The directives BuildKit knows.
const KNOWN: &[&str] = &["syntax", "escape", "check"];

/// RE2's `\s`: tab, line feed, form feed, carriage return, space (not vertical tab).
fn is_re_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ')
}

/// `key = value` after the `#`, as BuildKit's directive regular expression reads it.
fn key_value(line: &str) -> Option<(&str, &str)> {
    let after = line.strip_prefix('#')?.trim_start_matches(is_go_space);
    let r: IResult<&str, &str, ()> = recognize((
        satisfy(|c| c.is_ascii_alphabetic()),
        take_while(|c: char| c.is_ascii_alphanumeric()),
    ))
    .parse(after);
    let (rest, key) = r.ok()?;
    let value = rest.trim_start_matches(is_re_space).strip_prefix('=')?;
    if value.is_empty() {
        return None;
    }
    let trimmed = value.trim_matches(is_re_space);
    if !trimmed.is_empty() {
        return Some((key, trimmed));
    }
    // All white space: the lazy `(.+?)` still takes one character, the last one.
    let last = value.char_indices().last().map_or(0, |(i, _)| i);
    Some((key, value.get(last..).unwrap_or_default()))
}

/// What a line is to the directive latch.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Seen {
    /// Not a directive (or the latch is closed).
    No,
    /// A directive: lower-cased name and value.
    Directive(String, String),
    /// A directive seen before: BuildKit's "only one … parser directive can be used".
    Duplicate(String),
}

/// BuildKit's `DirectiveParser` state.
#[derive(Debug, Default)]
pub(super) struct Directives {
    done: bool,
    seen: Vec<String>,
}

impl Directives {
    /// True once a non-directive line has been seen.
    pub(super) fn done(&self) -> bool {
        self.done
    }

    /// Offer `line` (newline and leading white space already removed) to the latch.
    pub(super) fn line(&mut self, line: &str) -> Seen {
        if self.done {
            return Seen::No;
        }
        let Some((key, value)) = key_value(line) else {
            self.done = true;
            return Seen::No;
        };
        let key = key.to_ascii_lowercase();
        if !KNOWN.contains(&key.as_str()) {
            self.done = true;
            return Seen::No;
        }
        if self.seen.contains(&key) {
            return Seen::Duplicate(key);
        }
        self.seen.push(key.clone());
        Seen::Directive(key, value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_trimmed_like_the_regex() {
        assert_eq!(key_value("# escape = ` "), Some(("escape", "`")));
        assert_eq!(
            key_value("#syntax=docker/dockerfile:1"),
            Some(("syntax", "docker/dockerfile:1"))
        );
        assert_eq!(key_value("# escape= "), Some(("escape", " ")));
        assert_eq!(key_value("# escape="), None);
        assert_eq!(key_value("# 1x=2"), None);
        assert_eq!(key_value("# key = FOO bar"), Some(("key", "FOO bar")));
        assert_eq!(key_value("escape=x"), None);
    }

    #[test]
    fn the_latch_closes() {
        let mut d = Directives::default();
        assert_eq!(
            d.line("# EScape=`"),
            Seen::Directive("escape".into(), "`".into())
        );
        assert_eq!(d.line("# escape=\\"), Seen::Duplicate("escape".into()));
        assert_eq!(d.line("# key = FOO bar"), Seen::No);
        assert!(d.done());
        assert_eq!(d.line("# syntax=x"), Seen::No);
    }
}
