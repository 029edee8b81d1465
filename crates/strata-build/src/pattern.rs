//! Go `filepath.Match` semantics for COPY/ADD source wildcards.
//!
//! (Interim minimal version so the engine compiles; the full one with error cases replaces it.)

/// A malformed pattern.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("syntax error in pattern")]
pub struct PatternError;

/// True if `s` has a wildcard character.
pub fn has_meta(s: &str) -> bool {
    s.contains(['*', '?', '[', '\\'])
}

/// Whether `name` matches `pattern`: `*` and `?` never match `/`, `[…]` classes, `\` escapes.
pub fn match_path(pattern: &str, name: &str) -> Result<bool, PatternError> {
    fn go(p: &[char], n: &[char]) -> Result<bool, PatternError> {
        match p.first() {
            None => Ok(n.is_empty()),
            Some('*') => {
                for i in 0..=n.len() {
                    if i > 0 && n[i - 1] == '/' {
                        break;
                    }
                    if go(&p[1..], &n[i..])? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Some('?') => Ok(matches!(n.first(), Some(c) if *c != '/') && go(&p[1..], &n[1..])?),
            Some('[') => {
                let Some(&c) = n.first() else {
                    return Ok(false);
                };
                let mut i = 1;
                let negate = matches!(p.get(1), Some('^') | Some('!'));
                if negate {
                    i += 1;
                }
                let mut hit = false;
                let mut first = true;
                loop {
                    match p.get(i) {
                        None => return Err(PatternError),
                        Some(']') if !first => break,
                        Some(&lo) => {
                            let lo = if lo == '\\' {
                                i += 1;
                                *p.get(i).ok_or(PatternError)?
                            } else {
                                lo
                            };
                            if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|c| *c != ']')
                            {
                                let hi = p[i + 2];
                                if lo <= c && c <= hi {
                                    hit = true;
                                }
                                i += 3;
                            } else {
                                if lo == c {
                                    hit = true;
                                }
                                i += 1;
                            }
                        }
                    }
                    first = false;
                }
                Ok(c != '/' && hit != negate && go(&p[i + 1..], &n[1..])?)
            }
            Some('\\') => {
                let lit = p.get(1).ok_or(PatternError)?;
                Ok(n.first() == Some(lit) && go(&p[2..], &n[1..])?)
            }
            Some(c) => Ok(n.first() == Some(c) && go(&p[1..], &n[1..])?),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    go(&p, &n)
}
