//! SD0100: a `#` after an instruction is an argument, not a comment.

use super::catalog::code;
use super::context::Cx;
use crate::ast::{ArgForm, Instruction};

/// Run the rule over every instruction (ONBUILD triggers included).
pub(super) fn check(cx: &mut Cx) {
    for inst in &cx.ast.instructions {
        let effective = inst.onbuild.as_deref().unwrap_or(inst);
        check_one(cx, effective);
        if cx.hash_comment.contains(&effective.span.start) {
            cx.hash_comment.insert(inst.span.start);
        }
    }
}

fn check_one(cx: &mut Cx, inst: &Instruction) {
    let name = inst.name();
    let consequence = match name.as_str() {
        // The text goes to a shell, which does treat `#` as a comment.
        "RUN" | "CMD" | "ENTRYPOINT" | "HEALTHCHECK" | "SHELL" | "ONBUILD" => return,
        "WORKDIR" => "the directory name includes it",
        "USER" => "the user name includes it, and the container will not start",
        "MAINTAINER" => "the author includes it",
        "STOPSIGNAL" => "the signal name includes it, and the build fails",
        "EXPOSE" => "`#` and the words after it are read as ports, and the build fails",
        "COPY" | "ADD" => {
            "`#` and the words after it are read as file names, the last one as the destination"
        }
        "VOLUME" => "`#` and the words after it become volume paths",
        "ARG" => "`#` and the words after it declare more build arguments",
        "FROM" => "FROM takes only an image and `AS name`, so the build fails",
        "ENV" | "LABEL"
            if inst
                .args
                .chunks(3)
                .any(|t| t.get(2).is_some_and(|s| s.text.is_empty())) =>
        {
            "the value includes it"
        }
        "ENV" | "LABEL" => "`#` is read as another key=value pair, and the build fails",
        _ => return,
    };
    if inst.form == ArgForm::Json {
        return;
    }
    let rest = &inst.rest;
    if matches!(name.as_str(), "COPY" | "ADD" | "VOLUME")
        && super::json::looks_like_array(&rest.text)
    {
        // Broken JSON: InvalidJsonArguments explains it.
        return;
    }
    let Some(at) = unquoted_hash(&rest.text, cx.lexer.escape) else {
        return;
    };
    if legacy_value_starts_at(inst, at) {
        // `ENV COLOR #fff`: the `#` starts the value, which is what was meant.
        return;
    }
    let end = rest.text[at..]
        .find('\n')
        .map_or(rest.text.len(), |n| at + n);
    let end = at + rest.text[at..end].trim_end().len();
    let span = cx.part(rest, at, end);
    cx.hash_comment.insert(inst.span.start);
    let d = cx.report(
        code::HASH_IS_NOT_COMMENT,
        span,
        format!("`#` here is an argument, not a comment: {consequence}"),
    );
    d.help = Some(format!(
        "put the comment on its own line above the {name}: only lines starting with `#` are comments"
    ));
}

/// The offset of the first `#` that starts a word outside quotes.
fn unquoted_hash(s: &str, escape: char) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut prev_space = true;
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some(q) => {
                if c == escape && q == '"' {
                    chars.next();
                } else if c == q {
                    quote = None;
                }
            }
            None if c == escape => {
                chars.next();
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && prev_space => return Some(i),
            None => {}
        }
        prev_space = c.is_whitespace();
    }
    None
}

/// True for a legacy `ENV key value` / `LABEL key value` whose value starts with the `#` at `at` of the rest.
fn legacy_value_starts_at(inst: &Instruction, at: usize) -> bool {
    let [key, value, sep] = inst.args.as_slice() else {
        return false;
    };
    if !sep.text.is_empty() {
        return false;
    }
    let rest = &inst.rest.text;
    rest.get(at..).is_some_and(|r| r == value.text) && rest[..at].trim() == key.text
}
