//! Text with `backticks` turned into `<code>`: lessons and diagnostics write commands and paths that way,
//! and a learner should see code, not the backticks around it.

use yew::prelude::*;

/// The pieces of `text`: `(is_code, piece)` in order; an unmatched backtick stays as written.
pub fn code_spans(text: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let Some(len) = rest[open + 1..].find('`') else {
            break;
        };
        if open > 0 {
            out.push((false, &rest[..open]));
        }
        out.push((true, &rest[open + 1..open + 1 + len]));
        rest = &rest[open + 1 + len + 1..];
    }
    if !rest.is_empty() {
        out.push((false, rest));
    }
    out
}

/// `text` as HTML, its `backticked` parts as `<code>`.
pub fn with_code(text: &str) -> Html {
    code_spans(text)
        .into_iter()
        .map(|(code, piece)| {
            if code {
                html! { <code>{ piece }</code> }
            } else {
                html! { { piece } }
            }
        })
        .collect()
}
