//! Go `filepath.Match` semantics for COPY/ADD source wildcards (on Linux, where `/` is the separator and `\`
//! escapes).
//!
//! - `*` matches any run of characters except `/`; `?` one character except `/`.
//! - `[abc]`, `[a-z]`, `[^a-z]` match one character (a class can match `/`); only `^` negates, as in Go —
//!   `[!a]` is the class of `!` and `a`, unlike a shell.
//! - `\x` matches `x` literally, inside and outside classes.
//! - A malformed pattern is an error ([`PatternError::BadPattern`], Go's `ErrBadPattern`) even when the name
//!   would not have matched: an unclosed `[`, an empty class `[]`, a class or range starting with `-` or `]`,
//!   a dangling `\`.
//!
//! The matching is on characters (Go's runes) and is all-or-nothing: the whole name must match.

/// A pattern that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    /// Go's `filepath.ErrBadPattern`.
    #[error("syntax error in pattern")]
    BadPattern,
    /// A `.dockerignore` line that is only `!`.
    #[error("illegal exclusion pattern: \"!\"")]
    BareExclusion,
}

/// Whether `s` has any of the characters that make it a pattern for COPY/ADD (`*`, `?`, `[`, `\`), as Go's
/// `filepath` decides before globbing.
pub fn has_meta(s: &str) -> bool {
    s.contains(['*', '?', '[', '\\'])
}

/// Whether `name` matches the shell pattern `pattern` with Go's `filepath.Match` rules (see the module doc).
pub fn match_path(pattern: &str, name: &str) -> Result<bool, PatternError> {
    let pat: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    let mut p = &pat[..];
    let mut n = &name[..];
    'chunks: while !p.is_empty() {
        let (star, chunk, rest) = scan_chunk(p);
        p = rest;
        if star && chunk.is_empty() {
            // A trailing star matches the rest, unless that holds a separator.
            return Ok(!n.contains(&'/'));
        }
        let (t, ok, err) = match_chunk(chunk, n);
        if ok && (t.is_empty() || !p.is_empty()) {
            n = t;
            continue;
        }
        if let Some(e) = err {
            return Err(e);
        }
        if star {
            // Let the star eat one more character at a time, never a separator.
            let mut i = 0;
            while i < n.len() && n[i] != '/' {
                let (t, ok, err) = match_chunk(chunk, &n[i + 1..]);
                if ok {
                    if p.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    n = t;
                    continue 'chunks;
                }
                if let Some(e) = err {
                    return Err(e);
                }
                i += 1;
            }
        }
        // No match: still report a malformed remainder, as Go does.
        while !p.is_empty() {
            let (_, chunk, rest) = scan_chunk(p);
            p = rest;
            if let (_, _, Some(e)) = match_chunk(chunk, &[]) {
                return Err(e);
            }
        }
        return Ok(false);
    }
    Ok(n.is_empty())
}

/// Validates `pattern` without matching anything in particular (`filepath.Match(pattern, ".")`'s error).
pub fn check_pattern(pattern: &str) -> Result<(), PatternError> {
    match_path(pattern, ".").map(|_| ())
}

/// Splits off the leading stars and the chunk up to the next unescaped star outside a class.
fn scan_chunk(mut p: &[char]) -> (bool, &[char], &[char]) {
    let mut star = false;
    while p.first() == Some(&'*') {
        p = &p[1..];
        star = true;
    }
    let mut in_class = false;
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            // Skip the escaped character.
            '\\' if i + 1 < p.len() => i += 1,
            '[' => in_class = true,
            ']' => in_class = false,
            '*' if !in_class => break,
            _ => {}
        }
        i += 1;
    }
    (star, &p[..i], &p[i..])
}

/// Matches `chunk` (no stars) against the start of `s`: the rest of `s`, whether it matched, and a syntax
/// error found on the way (the whole chunk is always checked).
fn match_chunk<'a>(
    mut chunk: &[char],
    mut s: &'a [char],
) -> (&'a [char], bool, Option<PatternError>) {
    let mut failed = false;
    while let Some(&c) = chunk.first() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match c {
            '[' => {
                let r = if failed {
                    None
                } else {
                    let r = s[0];
                    s = &s[1..];
                    Some(r)
                };
                chunk = &chunk[1..];
                let negated = chunk.first() == Some(&'^');
                if negated {
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut nrange = 0;
                loop {
                    if chunk.first() == Some(&']') && nrange > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = match get_esc(chunk) {
                        Ok(v) => v,
                        Err(e) => return (&[], false, Some(e)),
                    };
                    chunk = rest;
                    let mut hi = lo;
                    if chunk.first() == Some(&'-') {
                        match get_esc(&chunk[1..]) {
                            Ok((h, rest)) => {
                                hi = h;
                                chunk = rest;
                            }
                            Err(e) => return (&[], false, Some(e)),
                        }
                    }
                    if r.is_some_and(|r| lo <= r && r <= hi) {
                        matched = true;
                    }
                    nrange += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            '?' => {
                if !failed {
                    if s[0] == '/' {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
            _ => {
                let lit = if c == '\\' {
                    chunk = &chunk[1..];
                    match chunk.first() {
                        Some(&l) => l,
                        None => return (&[], false, Some(PatternError::BadPattern)),
                    }
                } else {
                    c
                };
                if !failed {
                    if s[0] != lit {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    if failed {
        (&[], false, None)
    } else {
        (s, true, None)
    }
}

/// One possibly escaped character of a class; it must not be `-` or `]`, and the class must go on.
fn get_esc(chunk: &[char]) -> Result<(char, &[char]), PatternError> {
    let mut chunk = chunk;
    match chunk.first() {
        None | Some('-') | Some(']') => return Err(PatternError::BadPattern),
        Some('\\') => {
            chunk = &chunk[1..];
        }
        _ => {}
    }
    let (&r, rest) = chunk.split_first().ok_or(PatternError::BadPattern)?;
    if rest.is_empty() {
        return Err(PatternError::BadPattern);
    }
    Ok((r, rest))
}
