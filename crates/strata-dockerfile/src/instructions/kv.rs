//! ENV, LABEL and ARG: name/value instructions.

use super::commands::{Arg, ArgDecl, Command, Env, KeyValue, Label};
use super::flags;
use super::parse::{at_least_one, Result};
use super::rules::code;
use crate::ast::Instruction;
use crate::Diagnostic;

/// `ENV key=value ...` / `ENV key value`.
pub(super) fn parse_env(inst: &Instruction) -> Result<Command> {
    flags::parse(&inst.flags, &[])?;
    let pairs = key_values(inst, "ENV")?;
    let legacy = pairs.iter().any(|p| p.legacy);
    Ok(Command::Env(Env {
        pairs,
        legacy,
        span: inst.span,
    }))
}

/// `LABEL key=value ...` / `LABEL key value`.
pub(super) fn parse_label(inst: &Instruction) -> Result<Command> {
    flags::parse(&inst.flags, &[])?;
    let pairs = key_values(inst, "LABEL")?;
    let legacy = pairs.iter().any(|p| p.legacy);
    Ok(Command::Label(Label {
        pairs,
        legacy,
        span: inst.span,
    }))
}

/// The parser's (key, value, separator) triples as pairs.
fn key_values(inst: &Instruction, name: &str) -> Result<Vec<KeyValue>> {
    if inst.args.is_empty() {
        return Err(at_least_one(inst, name));
    }
    if !inst.args.len().is_multiple_of(3) {
        return Err(Diagnostic::error(
            code::ARGUMENT_COUNT,
            inst.rest.span,
            format!("bad input to {name}, too many arguments"),
        ));
    }
    let mut pairs = Vec::with_capacity(inst.args.len() / 3);
    for triple in inst.args.chunks(3) {
        let [key, value, sep] = triple else { continue };
        if key.text.is_empty() {
            let span = if key.span.start == key.span.end {
                value.span
            } else {
                key.span
            };
            return Err(Diagnostic::error(
                code::BLANK_NAME,
                span,
                format!("{name} names can not be blank"),
            )
            .with_help(format!(
                "write the name before the `=`, as in `{name} NAME=value`"
            )));
        }
        pairs.push(KeyValue {
            key: key.clone(),
            value: value.clone(),
            legacy: sep.text.is_empty(),
        });
    }
    Ok(pairs)
}

/// `ARG name[=default] ...`. BuildKit reads no flags for ARG, so any are ignored.
pub(super) fn parse_arg(inst: &Instruction) -> Result<Command> {
    if inst.args.is_empty() {
        return Err(at_least_one(inst, "ARG"));
    }
    let mut args = Vec::with_capacity(inst.args.len());
    for word in &inst.args {
        let (key, value) = match word.text.split_once('=') {
            Some((k, v)) => (k, Some(v.to_string())),
            None => (word.text.as_str(), None),
        };
        if key.is_empty() {
            return Err(Diagnostic::error(
                code::BLANK_NAME,
                word.span,
                "ARG names can not be blank",
            )
            .with_help("write the name before the `=`, as in `ARG VERSION=1.0`"));
        }
        args.push(ArgDecl {
            key: key.to_string(),
            value,
            span: word.span,
        });
    }
    Ok(Command::Arg(Arg {
        args,
        span: inst.span,
    }))
}
