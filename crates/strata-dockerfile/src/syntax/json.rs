//! The exec (JSON array) form: `["executable", "arg"]`, read as Go's `encoding/json` reads it.
//!
//! BuildKit unmarshals the arguments into a `[]any` and then insists every element is a string. What
//! decides the outcome, in Go's order: any syntax error (trailing text, single quotes, a missing bracket,
//! nesting deeper than 10000) means "not JSON" and the text is taken as shell form; a number out of
//! `float64` range is an unmarshal error, handled the same way; only then does a non-string element make
//! the instruction an error. Nested values are checked with an explicit stack, never recursion.

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while_m_n};
use nom::character::complete::{char, digit0, digit1, multispace0, one_of, satisfy};
use nom::combinator::{opt, recognize};
use nom::{IResult, Parser};

use super::dump::is_go_space;

/// Go's `encoding/json` nesting limit, the top-level array included.
const MAX_DEPTH: usize = 10_000;

/// A string element of the array, with the byte range of its source token (quotes included).
#[derive(Debug)]
pub(super) struct JsonString {
    /// The decoded text, or `None` when it is exactly what is between the quotes (no escapes).
    pub(super) text: Option<String>,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// What BuildKit's `parseJSON` makes of a text.
#[derive(Debug)]
pub(super) enum JsonOutcome {
    /// A JSON array of strings.
    Strings(Vec<JsonString>),
    /// Valid JSON, but the element at `start..end` is not a string: an error.
    NotStrings { start: usize, end: usize },
    /// Not a JSON array at all: the caller falls back to the shell form.
    Invalid,
}

type Res<'a, T> = IResult<&'a str, T, ()>;

/// Parse `s` (an instruction's arguments) as a JSON array of strings. Offsets are relative to `s`.
pub(super) fn parse_array(s: &str) -> JsonOutcome {
    let trimmed = s.trim_start_matches(is_go_space);
    let Some(mut rem) = trimmed.strip_prefix('[') else {
        return JsonOutcome::Invalid;
    };
    let off = |r: &str| s.len() - r.len();
    let mut items = Vec::new();
    let mut first_bad = None;
    let mut range_error = false;
    rem = ws(rem);
    if let Some(r) = rem.strip_prefix(']') {
        rem = r;
    } else {
        loop {
            rem = ws(rem);
            let start = off(rem);
            if rem.starts_with('"') {
                let Ok(r) = string(rem, None) else {
                    return JsonOutcome::Invalid;
                };
                // Only escapes make the decoded text differ from what is between the quotes.
                let raw = rem.get(1..rem.len() - r.len() - 1).unwrap_or_default();
                let text = if raw.contains('\\') {
                    let mut text = String::new();
                    let _ = string(rem, Some(&mut text));
                    Some(text)
                } else {
                    None
                };
                items.push(JsonString {
                    text,
                    start,
                    end: off(r),
                });
                rem = r;
            } else {
                let Ok(r) = skip_value(rem, &mut range_error) else {
                    return JsonOutcome::Invalid;
                };
                first_bad.get_or_insert((start, off(r)));
                rem = r;
            }
            rem = ws(rem);
            if let Some(r) = rem.strip_prefix(',') {
                rem = r;
            } else if let Some(r) = rem.strip_prefix(']') {
                rem = r;
                break;
            } else {
                return JsonOutcome::Invalid;
            }
        }
    }
    if !ws(rem).is_empty() || range_error {
        return JsonOutcome::Invalid;
    }
    match first_bad {
        Some((start, end)) => JsonOutcome::NotStrings { start, end },
        None => JsonOutcome::Strings(items),
    }
}

/// JSON white space: space, tab, line feed, carriage return (exactly nom's `multispace0`).
fn ws(i: &str) -> &str {
    let r: Res<&str> = multispace0(i);
    r.map_or(i, |(rest, _)| rest)
}

/// `i` without its first byte, which the caller has checked is ASCII.
fn skip1(i: &str) -> &str {
    i.get(1..).unwrap_or_default()
}

/// A JSON number token (syntax only).
fn number(i: &str) -> Res<'_, &str> {
    recognize((
        opt(char('-')),
        alt((
            tag("0"),
            recognize((satisfy(|c| c.is_ascii_digit() && c != '0'), digit0)),
        )),
        opt((char('.'), digit1)),
        opt((one_of("eE"), opt(one_of("+-")), digit1)),
    ))
    .parse(i)
}

/// `true`, `false` or `null`.
fn literal(i: &str) -> Res<'_, &str> {
    alt((tag("true"), tag("false"), tag("null"))).parse(i)
}

/// Four hexadecimal digits, as a code unit.
fn hex4(i: &str) -> Option<(&str, u32)> {
    let r: Res<&str> = take_while_m_n(4, 4, |c: char| c.is_ascii_hexdigit()).parse(i);
    let (rest, digits) = r.ok()?;
    Some((rest, u32::from_str_radix(digits, 16).ok()?))
}

/// A JSON string starting at its opening quote; decoded into `out` when given (Go's rules: a lone or
/// mismatched surrogate becomes U+FFFD). Returns what follows the closing quote.
fn string<'a>(i: &'a str, mut out: Option<&mut String>) -> Result<&'a str, ()> {
    let mut i = i.strip_prefix('"').ok_or(())?;
    loop {
        let r: Res<&str> = take_while(|c: char| c != '"' && c != '\\' && c >= ' ').parse(i);
        let (rest, plain) = r.map_err(|_| ())?;
        if let Some(o) = out.as_deref_mut() {
            o.push_str(plain);
        }
        i = rest;
        let mut chars = i.chars();
        match chars.next() {
            Some('"') => return Ok(chars.as_str()),
            Some('\\') => {}
            _ => return Err(()),
        }
        let mut chars = skip1(i).chars();
        let decoded = match chars.next() {
            Some('"') => '"',
            Some('\\') => '\\',
            Some('/') => '/',
            Some('b') => '\u{8}',
            Some('f') => '\u{c}',
            Some('n') => '\n',
            Some('r') => '\r',
            Some('t') => '\t',
            Some('u') => {
                let (rest, unit) = hex4(chars.as_str()).ok_or(())?;
                i = rest;
                let c = if (0xD800..0xE000).contains(&unit) {
                    let pair = rest.strip_prefix("\\u").and_then(hex4).filter(|&(_, low)| {
                        (0xD800..0xDC00).contains(&unit) && (0xDC00..0xE000).contains(&low)
                    });
                    match pair {
                        Some((after, low)) => {
                            i = after;
                            char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                                .unwrap_or('\u{FFFD}')
                        }
                        None => '\u{FFFD}',
                    }
                } else {
                    char::from_u32(unit).unwrap_or('\u{FFFD}')
                };
                if let Some(o) = out.as_deref_mut() {
                    o.push(c);
                }
                continue;
            }
            _ => return Err(()),
        };
        if let Some(o) = out.as_deref_mut() {
            o.push(decoded);
        }
        i = chars.as_str();
    }
}

/// An object key and its colon.
fn key(i: &str) -> Result<&str, ()> {
    let i = string(ws(i), None)?;
    ws(i).strip_prefix(':').ok_or(())
}

/// Skip one (possibly nested) non-string JSON value inside the top-level array, without recursion.
/// Sets `range_error` for a number that does not fit a `float64`.
fn skip_value<'a>(mut i: &'a str, range_error: &mut bool) -> Result<&'a str, ()> {
    let mut stack: Vec<u8> = Vec::new();
    'value: loop {
        i = ws(i);
        match i.as_bytes().first().copied() {
            Some(b'"') => i = string(i, None)?,
            Some(open @ (b'[' | b'{')) => {
                if 1 + stack.len() + 1 > MAX_DEPTH {
                    return Err(());
                }
                stack.push(open);
                i = ws(skip1(i));
                let close = if open == b'[' { b']' } else { b'}' };
                if i.as_bytes().first() == Some(&close) {
                    stack.pop();
                    i = skip1(i);
                } else if open == b'{' {
                    i = key(i)?;
                    continue 'value;
                } else {
                    continue 'value;
                }
            }
            Some(b't' | b'f' | b'n') => i = literal(i).map_err(|_| ())?.0,
            Some(b'-' | b'0'..=b'9') => {
                let (rest, text) = number(i).map_err(|_| ())?;
                if text.parse::<f64>().map_or(true, f64::is_infinite) {
                    *range_error = true;
                }
                i = rest;
            }
            _ => return Err(()),
        }
        // A value is complete: close containers or move to the next element.
        loop {
            let Some(&top) = stack.last() else {
                return Ok(i);
            };
            i = ws(i);
            match (top, i.as_bytes().first().copied()) {
                (_, Some(b',')) => {
                    i = skip1(i);
                    if top == b'{' {
                        i = key(i)?;
                    }
                    continue 'value;
                }
                (b'[', Some(b']')) | (b'{', Some(b'}')) => {
                    stack.pop();
                    i = skip1(i);
                }
                _ => return Err(()),
            }
        }
    }
}
