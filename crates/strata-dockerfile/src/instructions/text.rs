//! Small text helpers shared by the instruction layer and the lint rules: Go-style quoting (for BuildKit's
//! `%q` messages), "did you mean" suggestions (BuildKit's `util/suggest`), and spans of parts of a word.

use crate::ast::Word;
use crate::Span;

/// `s` quoted as Go's `%q` / `strconv.Quote` does (close enough for messages: `"`, `\` and control
/// characters are escaped, everything printable stays as is).
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Levenshtein distance between `a` and `b`, counted in characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The option closest to `value` (edit distance below 3, as BuildKit's `suggest.Search`), or `None` when
/// nothing is close or `value` is itself an option. Without `case_sensitive`, the suggestion takes the case
/// of `value` when that is all upper or all lower case.
pub(crate) fn suggest<'a, I>(value: &str, options: I, case_sensitive: bool) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let fold = |s: &str| {
        if case_sensitive {
            s.to_string()
        } else {
            s.to_lowercase()
        }
    };
    let val = fold(value);
    let mut best: Option<(usize, &str)> = None;
    for opt in options {
        let o = fold(opt);
        if o == val {
            return None;
        }
        let d = edit_distance(&val, &o);
        if d < 3 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, opt));
        }
    }
    let (_, opt) = best?;
    if case_sensitive {
        return Some(opt.to_string());
    }
    let has_upper = value.chars().any(|c| c.is_uppercase());
    let has_lower = value.chars().any(|c| c.is_lowercase());
    Some(match (has_upper, has_lower) {
        (true, false) => opt.to_uppercase(),
        (false, true) => opt.to_lowercase(),
        _ => opt.to_string(),
    })
}

/// The span of bytes `start..end` of `word.text`, when the text is exactly what was written on one line;
/// otherwise (joined continuation lines, processed quotes) the span of the whole word.
pub(crate) fn sub_span(word: &Word, start: usize, end: usize) -> Span {
    let s = word.span;
    let text = &word.text;
    let exact = s.line == s.end_line && s.end.checked_sub(s.start) == Some(text.len());
    if !exact
        || start > end
        || end > text.len()
        || !text.is_char_boundary(start)
        || !text.is_char_boundary(end)
    {
        return s;
    }
    let col = |i: usize| s.col + text[..i].chars().count();
    Span {
        start: s.start + start,
        end: s.start + end,
        line: s.line,
        col: col(start),
        end_line: s.line,
        end_col: col(end),
    }
}

/// The words of `word.text` split on runs of whitespace, each with its span (see [`sub_span`]).
pub(crate) fn split_whitespace(word: &Word) -> Vec<Word> {
    let text = &word.text;
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push(Word {
                    text: text[s..i].into(),
                    span: sub_span(word, s, i),
                });
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    out
}

/// Lower-case the first letter of a BuildKit message, unless its first word is an instruction keyword.
pub(crate) fn lower_first(msg: &str) -> String {
    let first = msg.split(' ').next().unwrap_or("");
    if first.chars().all(|c| c.is_ascii_uppercase()) && first.len() > 1 {
        return msg.to_string();
    }
    let mut cs = msg.chars();
    match cs.next() {
        Some(c) => c.to_lowercase().chain(cs).collect(),
        None => String::new(),
    }
}
