//! Teaching lint rules: what Docker will do differently from what the Dockerfile seems to say.
//!
//! Start at [`check`]: text in, every diagnostic out (parser errors, instruction errors from
//! [`crate::instructions::lower`], then the rules here), sorted by position, with the file's
//! `# check=skip=…;error=…` directive applied as BuildKit applies it. [`check_parsed`] does the same for a
//! file already parsed.
//!
//! Rules are data: the catalogue (codes SD0100 and up, listed by [`crate::rules`]) gives each code a name, a severity, a
//! summary and a teaching explanation; the rule functions only find occurrences. Rules are grouped by what
//! they look at: `comments` (a `#` in arguments), `cmdline` (CMD/ENTRYPOINT/exec form/JSON), `run` (what
//! a RUN script does), `files` (WORKDIR, COPY, ADD), `env` (ENV/LABEL/ARG names and values), `vars`
//! (variables used where they are undefined), `stages` (FROM and `--from`).

mod catalog;
mod cmdline;
mod comments;
mod context;
mod directive;
mod env;
mod files;
mod json;
mod run;
mod script;
mod stages;
mod vars;

pub(crate) use catalog::RULES;

use crate::instructions::{self, Lowered};
use crate::{Diagnostic, Parsed, Span};

/// Lint Dockerfile text: parse, lower, run every rule. Sorted by position; never panics.
pub fn check(text: &str) -> Vec<Diagnostic> {
    let parsed = crate::parse(text);
    check_parsed(text, &parsed)
}

/// [`check`] for text already parsed (`parsed` must come from `text`).
pub fn check_parsed(text: &str, parsed: &Parsed) -> Vec<Diagnostic> {
    let lowered = instructions::lower(&parsed.ast);
    check_lowered(text, parsed, &lowered)
}

/// [`check`] for text already parsed and lowered (`parsed` from `text`, `lowered` from `parsed.ast`): the
/// parser's and the lowering's diagnostics plus the rules' findings.
pub fn check_lowered(text: &str, parsed: &Parsed, lowered: &Lowered) -> Vec<Diagnostic> {
    let mut all = parsed.diagnostics.clone();
    // An instruction the parser refused gets no second error from the lowering.
    let refused: Vec<Span> = parsed
        .ast
        .instructions
        .iter()
        .map(|i| i.span)
        .filter(|s| {
            parsed
                .diagnostics
                .iter()
                .any(|d| d.is_error() && within(d.span, *s))
        })
        .collect();
    all.extend(
        lowered
            .diagnostics
            .iter()
            .filter(|d| !(d.is_error() && refused.iter().any(|s| within(d.span, *s))))
            .cloned(),
    );

    let mut cx = context::Cx::new(text, &parsed.ast, lowered);
    comments::check(&mut cx);
    cmdline::check(&mut cx);
    run::check(&mut cx);
    files::check(&mut cx);
    env::check(&mut cx);
    vars::check(&mut cx);
    stages::check(&mut cx);
    all.extend(cx.out);
    let config = directive::read(&parsed.ast, &mut all);
    config.apply(&mut all);

    crate::sort::sort_by(&mut all, |a, b| {
        (
            a.span.start,
            a.span.end,
            std::cmp::Reverse(a.severity),
            a.code,
        )
            .cmp(&(
                b.span.start,
                b.span.end,
                std::cmp::Reverse(b.severity),
                b.code,
            ))
    });
    all.dedup();
    all
}

/// True if `inner` starts inside `outer`.
fn within(inner: Span, outer: Span) -> bool {
    inner.start >= outer.start && inner.start < outer.end.max(outer.start + 1)
}
