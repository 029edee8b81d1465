//! Why a JSON-looking argument is not the JSON array of strings exec form needs.

/// What is wrong with a `[…]` argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Issue {
    /// A `'` where a string should start.
    SingleQuotes,
    /// The input ends inside a string.
    UnterminatedString,
    /// The input ends before the closing `]`.
    Unterminated,
    /// An element that is not a string (a number, `null`, a nested array …).
    NotString,
    /// Two elements without a comma between them.
    MissingComma,
    /// Something else (a trailing comma, a bad escape).
    Malformed,
}

/// True if `s` starts (after whitespace) like a JSON array meant as exec form: `[` then `"`, `'` or `]`.
/// `[ -f x ]` (the shell's test command) does not.
pub(super) fn looks_like_array(s: &str) -> bool {
    let Some(rest) = s.trim_start().strip_prefix('[') else {
        return false;
    };
    matches!(
        rest.trim_start().chars().next(),
        None | Some('"' | '\'' | ']')
    )
}

/// Read a JSON array of strings at the start of `s` (after leading whitespace). `Ok(end)` is the byte offset
/// just after the closing `]`; anything after it is trailing text.
pub(super) fn array_end(s: &str) -> Result<usize, Issue> {
    let b = s.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'[') {
        return Err(Issue::Malformed);
    }
    i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b']') {
        return Ok(i + 1);
    }
    loop {
        match b.get(i) {
            None => return Err(Issue::Unterminated),
            Some(b'"') => i = string_end(b, i + 1)?,
            Some(b'\'') => return Err(Issue::SingleQuotes),
            Some(b']') | Some(b',') => return Err(Issue::Malformed),
            Some(_) => return Err(Issue::NotString),
        }
        i = skip_ws(b, i);
        match b.get(i) {
            None => return Err(Issue::Unterminated),
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b']') => return Ok(i + 1),
            Some(b'\'') => return Err(Issue::SingleQuotes),
            Some(b'"') => return Err(Issue::MissingComma),
            Some(_) => return Err(Issue::Malformed),
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The offset after the closing quote of a string whose body starts at `i`.
fn string_end(b: &[u8], mut i: usize) -> Result<usize, Issue> {
    loop {
        match b.get(i) {
            None => return Err(Issue::UnterminatedString),
            Some(b'"') => return Ok(i + 1),
            Some(b'\\') => match b.get(i + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                Some(b'u')
                    if b.len() >= i + 6 && b[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit) =>
                {
                    i += 6
                }
                None => return Err(Issue::UnterminatedString),
                Some(_) => return Err(Issue::Malformed),
            },
            Some(c) if *c < 0x20 => return Err(Issue::Malformed),
            Some(_) => i += 1,
        }
    }
}
