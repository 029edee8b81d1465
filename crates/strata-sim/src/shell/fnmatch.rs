//! Shell pattern matching (`case`, `${x#p}`, globbing): `*`, `?`, `[…]` with ranges, negation and classes.
//! A pattern is a list of characters, each marked quoted (matches itself) or not (may be special).

/// One pattern character and whether it was quoted.
pub type PChar = (char, bool);

/// Whether `pat` has an unquoted special character.
pub fn has_magic(pat: &[PChar]) -> bool {
    pat.iter().any(|&(c, q)| !q && matches!(c, '*' | '?' | '['))
}

/// A pattern from plain text (every character unquoted).
pub fn from_str(s: &str) -> Vec<PChar> {
    s.chars().map(|c| (c, false)).collect()
}

/// Tries to match a bracket expression starting at `pat[i] == '['` against `c`; returns (matched, index
/// after `]`), or `None` when the bracket is not closed (then `[` is literal).
fn bracket(pat: &[PChar], i: usize, c: char) -> Option<(bool, usize)> {
    let mut j = i + 1;
    let mut negate = false;
    if j < pat.len() && !pat[j].1 && (pat[j].0 == '!' || pat[j].0 == '^') {
        negate = true;
        j += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        if j >= pat.len() {
            return None;
        }
        let (pc, q) = pat[j];
        if pc == ']' && !q && !first {
            j += 1;
            break;
        }
        first = false;
        if pc == '[' && !q && j + 1 < pat.len() && pat[j + 1].0 == ':' {
            // [:class:]
            let rest: String = pat[j + 2..].iter().map(|p| p.0).collect();
            if let Some(end) = rest.find(":]") {
                let class = &rest[..end];
                let ok = match class {
                    "alpha" => c.is_alphabetic(),
                    "digit" => c.is_ascii_digit(),
                    "alnum" => c.is_alphanumeric(),
                    "upper" => c.is_uppercase(),
                    "lower" => c.is_lowercase(),
                    "space" => c.is_whitespace(),
                    "blank" => c == ' ' || c == '\t',
                    "punct" => c.is_ascii_punctuation(),
                    "xdigit" => c.is_ascii_hexdigit(),
                    "cntrl" => c.is_control(),
                    "print" => !c.is_control(),
                    "graph" => !c.is_control() && c != ' ',
                    _ => false,
                };
                matched |= ok;
                j += 2 + class.chars().count() + 2;
                continue;
            }
        }
        if j + 2 < pat.len()
            && pat[j + 1].0 == '-'
            && !pat[j + 1].1
            && (pat[j + 2].0 != ']' || pat[j + 2].1)
        {
            let hi = pat[j + 2].0;
            if pc <= c && c <= hi {
                matched = true;
            }
            j += 3;
            continue;
        }
        if pc == c {
            matched = true;
        }
        j += 1;
    }
    Some((matched != negate, j))
}

/// Whether the whole of `s` matches `pat`.
pub fn matches(pat: &[PChar], s: &[char]) -> bool {
    // Iterative matcher with one backtrack point for the last `*`.
    let (mut p, mut i) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p < pat.len() {
            let (pc, q) = pat[p];
            if !q && pc == '*' {
                star = Some((p, i));
                p += 1;
                continue;
            }
            if i < s.len() {
                let ok = if !q && pc == '?' {
                    Some(p + 1)
                } else if !q && pc == '[' {
                    match bracket(pat, p, s[i]) {
                        Some((true, next)) => Some(next),
                        Some((false, _)) => None,
                        None => (s[i] == '[').then_some(p + 1),
                    }
                } else if pc == s[i] {
                    Some(p + 1)
                } else {
                    None
                };
                if let Some(np) = ok {
                    p = np;
                    i += 1;
                    continue;
                }
            }
        } else if i == s.len() {
            return true;
        }
        match star {
            Some((sp, si)) if si < s.len() => {
                star = Some((sp, si + 1));
                p = sp + 1;
                i = si + 1;
            }
            _ => return false,
        }
    }
}

/// Removes quoting marks: the literal text of a pattern.
pub fn literal(pat: &[PChar]) -> String {
    pat.iter().map(|p| p.0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> bool {
        matches(&from_str(p), &s.chars().collect::<Vec<_>>())
    }

    #[test]
    fn basics() {
        assert!(m("*.txt", "a.txt"));
        assert!(!m("*.txt", "a.txt1"));
        assert!(m("a?c", "abc"));
        assert!(m("[a-c]x", "bx"));
        assert!(!m("[!a-c]x", "bx"));
        assert!(m("*", ""));
        assert!(m("[[:digit:]]*", "1abc"));
        assert!(m("a*b*c", "aXXbYYc"));
        assert!(m("[", "["));
    }
}
