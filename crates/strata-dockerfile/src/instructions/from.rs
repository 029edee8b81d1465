//! FROM and the stage graph: stage names, `FROM <stage>` inheritance, and what `COPY --from` refers to.

use std::collections::BTreeMap;

use super::commands::Command;
use super::flags::{self, Kind};
use super::parse::{args_span, Result};
use super::rules::code;
use super::text::go_quote;
use super::{values, Stage};
use crate::ast::{Instruction, Word};
use crate::Diagnostic;

/// `FROM [--platform=...] image [AS name]`, with `args` the whitespace-split arguments.
pub(super) fn parse_from(inst: &Instruction, args: &[Word]) -> Result<Stage> {
    let (base, name) = match args {
        [base] => (base, None),
        [base, as_kw, name] if as_kw.text.eq_ignore_ascii_case("as") => {
            let lower = name.text.to_lowercase();
            if !valid_stage_name(&lower) {
                return Err(Diagnostic::error(
                    code::INVALID_STAGE_NAME,
                    name.span,
                    format!(
                        "invalid name for build stage: {}, name can't start with a number or contain symbols",
                        go_quote(&name.text)
                    ),
                )
                .with_help("use a letter first, then letters, digits, `-`, `_` or `.`, e.g. `AS build`"));
            }
            (base, Some((lower, name.span)))
        }
        _ => {
            let mut d = Diagnostic::error(
                code::ARGUMENT_COUNT,
                args_span(inst),
                "FROM requires either one or three arguments",
            );
            d = match args {
                [] => d.with_help("name the base image, e.g. `FROM alpine:3.20`"),
                [_, second] if !second.text.eq_ignore_ascii_case("as") => d.with_help(format!(
                    "a tag is joined with `:`: `FROM {}:{}`",
                    args[0].text, second.text
                )),
                [_, _] => d.with_help("`AS` needs a stage name after it"),
                _ => d.with_help("write `FROM image[:tag] [AS name]`"),
            };
            return Err(d);
        }
    };
    let fl = flags::parse(&inst.flags, &[("platform", Kind::String)])?;
    let (name, name_span) = match name {
        Some((n, s)) => (Some(n), Some(s)),
        None => (None, None),
    };
    Ok(Stage {
        name,
        name_span,
        base: base.text.to_string(),
        base_span: base.span,
        base_stage: None,
        platform: fl
            .string("platform")
            .map(|w| String::from(w.text))
            .filter(|p| !p.is_empty()),
        commands: Vec::new(),
        keyword: inst.keyword.text.to_string(),
        span: inst.span,
        index: 0,
    })
}

/// BuildKit's `^[a-z][a-z0-9-_.]*$` (on the lower-cased name).
fn valid_stage_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        })
}

/// The name BuildKit uses for a stage in messages: its name, or `stage-N`.
pub(super) fn display_name(stage: &Stage) -> String {
    stage
        .name
        .clone()
        .unwrap_or_else(|| format!("stage-{}", stage.index))
}

/// Resolve the stage graph: duplicate names, `FROM <stage>` bases, and `COPY --from` / `RUN --mount from=`
/// references. Pushes the errors BuildKit would report.
pub(super) fn resolve(stages: &mut [Stage], diagnostics: &mut Vec<Diagnostic>) {
    // Names as BuildKit's `statesByName` ends up: the last stage with each name wins.
    let mut by_name: BTreeMap<String, usize> = BTreeMap::new();
    let mut first_line: BTreeMap<String, usize> = BTreeMap::new();
    for stage in stages.iter() {
        let Some(name) = &stage.name else { continue };
        if let Some(line) = first_line.get(name) {
            diagnostics.push(
                Diagnostic::warning(
                    code::DUPLICATE_STAGE_NAME,
                    stage.name_span.unwrap_or(stage.span),
                    format!(
                        "duplicate stage name {}, stage names should be unique",
                        go_quote(name)
                    ),
                )
                .with_help(format!(
                    "a stage named `{name}` is already defined on line {line}; rename one of them"
                )),
            );
        } else {
            first_line.insert(name.clone(), stage.span.line);
        }
        by_name.insert(name.clone(), stage.index);
    }

    let n_stages = stages.len();
    let all_names: Vec<String> = stages.iter().filter_map(|s| s.name.clone()).collect();
    let names: Vec<&str> = all_names.iter().map(String::as_str).collect();
    for i in 0..n_stages {
        // FROM <stage>: BuildKit matches the (expanded) base name exactly against earlier stage names.
        let base = stages[i].base.clone();
        stages[i].base_stage = stages[..i]
            .iter()
            .rposition(|s| s.name.as_deref() == Some(base.as_str()));
        if stages[i].base_stage.is_none() {
            let word = Word {
                text: base.into(),
                span: stages[i].base_span,
            };
            if let Some(d) = values::check_image(&word, &names) {
                diagnostics.push(d);
            }
        }

        let current = display_name(&stages[i]);
        let mut commands = std::mem::take(&mut stages[i].commands);
        for cmd in &mut commands {
            match cmd {
                Command::Copy(c) => {
                    if let Some(from) = &c.from {
                        match resolve_from(from, i, &current, n_stages, &by_name, diagnostics) {
                            Resolved::Stage(j) => c.from_stage = Some(j),
                            Resolved::Image | Resolved::Error => {}
                        }
                    }
                }
                Command::Run(r) => {
                    for m in &mut r.mounts {
                        let Some(from) = m.from().map(str::to_string) else {
                            continue;
                        };
                        if from.contains('$') {
                            continue;
                        }
                        if let Some(j) = lookup(&from, n_stages, &by_name) {
                            if j < i {
                                m.from_stage = Some(j);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        stages[i].commands = commands;
    }
}

enum Resolved {
    Stage(usize),
    Image,
    Error,
}

/// A stage index or name, as BuildKit looks it up: an integer is an index, anything else a name
/// (case-insensitive).
fn lookup(from: &str, n_stages: usize, by_name: &BTreeMap<String, usize>) -> Option<usize> {
    match go_atoi(from) {
        Some(idx) => usize::try_from(idx).ok().filter(|&i| i < n_stages),
        None => by_name.get(&from.to_lowercase()).copied(),
    }
}

fn resolve_from(
    from: &Word,
    current: usize,
    current_name: &str,
    n_stages: usize,
    by_name: &BTreeMap<String, usize>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Resolved {
    let text = from.text.as_str();
    if text.contains('$') {
        diagnostics.push(
            Diagnostic::error(
                code::COPY_FROM_VARIABLE,
                from.span,
                "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround",
            )
            .with_help("declare the ARG before the first FROM, add `FROM ${ARG} AS name`, and use `--from=name`"),
        );
        return Resolved::Error;
    }
    let target = match go_atoi(text) {
        Some(idx) => match usize::try_from(idx).ok().filter(|&i| i < n_stages) {
            Some(j) => j,
            None => {
                diagnostics.push(
                    Diagnostic::error(
                        code::INVALID_STAGE_INDEX,
                        from.span,
                        format!("invalid stage index {idx}"),
                    )
                    .with_help(format!(
                        "stage indexes go from 0 to {}",
                        n_stages.saturating_sub(1)
                    )),
                );
                return Resolved::Error;
            }
        },
        None => match by_name.get(&text.to_lowercase()) {
            Some(&j) => j,
            None => return Resolved::Image,
        },
    };
    if target == current {
        diagnostics.push(
            Diagnostic::error(
                code::CIRCULAR_DEPENDENCY,
                from.span,
                format!("circular dependency detected on stage: {current_name}"),
            )
            .with_help("a stage cannot copy from itself; name an earlier stage"),
        );
        return Resolved::Error;
    }
    if target > current {
        diagnostics.push(
            Diagnostic::error(
                code::COPY_FROM_LATER_STAGE,
                from.span,
                format!(
                    "cannot copy from stage {}, it needs to be defined before current stage {}",
                    go_quote(text),
                    go_quote(current_name)
                ),
            )
            .with_help("move the stage you copy from above this one"),
        );
        return Resolved::Error;
    }
    Resolved::Stage(target)
}

/// Go's `strconv.Atoi`: optional sign, then ASCII digits.
fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}
