//! The single-purpose instructions: EXPOSE, VOLUME, USER, WORKDIR, STOPSIGNAL, MAINTAINER and ONBUILD.

use super::commands::{Command, Expose, Maintainer, OnBuild, StopSignal, User, Volume, Workdir};
use super::parse::{at_least_one, exactly_one, Result};
use super::rules::code;
use super::{flags, values};
use crate::ast::{Instruction, Word};
use crate::Diagnostic;

/// `EXPOSE port[/proto] ...`.
pub(super) fn parse_expose(inst: &Instruction) -> Result<Command> {
    if inst.args.is_empty() {
        return Err(at_least_one(inst, "EXPOSE"));
    }
    flags::parse(&inst.flags, &[])?;
    for port in &inst.args {
        values::check_port(port)?;
    }
    Ok(Command::Expose(Expose {
        ports: inst.args.clone(),
        span: inst.span,
    }))
}

/// `VOLUME path ...` / `VOLUME ["path", ...]`.
pub(super) fn parse_volume(inst: &Instruction) -> Result<Command> {
    if inst.args.is_empty() {
        return Err(at_least_one(inst, "VOLUME"));
    }
    flags::parse(&inst.flags, &[])?;
    let mut volumes = Vec::with_capacity(inst.args.len());
    for w in &inst.args {
        let v = w.text.trim();
        if v.is_empty() {
            return Err(Diagnostic::error(
                code::EMPTY_VOLUME,
                w.span,
                "VOLUME specified can not be an empty string",
            )
            .with_help("remove the empty path"));
        }
        volumes.push(Word {
            text: v.into(),
            span: w.span,
        });
    }
    Ok(Command::Volume(Volume {
        volumes,
        span: inst.span,
    }))
}

fn one_arg(inst: &Instruction, name: &str) -> Result<Word> {
    match inst.args.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(exactly_one(inst, name)),
    }
}

/// `USER user[:group]`.
pub(super) fn parse_user(inst: &Instruction) -> Result<Command> {
    let user = one_arg(inst, "USER")?;
    flags::parse(&inst.flags, &[])?;
    Ok(Command::User(User {
        user,
        span: inst.span,
    }))
}

/// `WORKDIR path`.
pub(super) fn parse_workdir(inst: &Instruction) -> Result<Command> {
    let path = one_arg(inst, "WORKDIR")?;
    flags::parse(&inst.flags, &[])?;
    Ok(Command::Workdir(Workdir {
        path,
        span: inst.span,
    }))
}

/// `STOPSIGNAL signal`. BuildKit reads no flags for STOPSIGNAL, so any are ignored.
pub(super) fn parse_stopsignal(inst: &Instruction) -> Result<Command> {
    let signal = one_arg(inst, "STOPSIGNAL")?;
    values::check_signal(&signal)?;
    Ok(Command::StopSignal(StopSignal {
        signal,
        span: inst.span,
    }))
}

/// `MAINTAINER name`.
pub(super) fn parse_maintainer(inst: &Instruction) -> Result<Command> {
    let name = one_arg(inst, "MAINTAINER")?;
    flags::parse(&inst.flags, &[])?;
    Ok(Command::Maintainer(Maintainer {
        name,
        span: inst.span,
    }))
}

/// `ONBUILD <instruction>`.
pub(super) fn parse_onbuild(inst: &Instruction) -> Result<Command> {
    let Some(trigger) = inst.onbuild.as_deref() else {
        return Err(at_least_one(inst, "ONBUILD"));
    };
    flags::parse(&inst.flags, &[])?;
    let keyword = trigger.keyword.text.trim().to_uppercase();
    match keyword.as_str() {
        "ONBUILD" => {
            return Err(Diagnostic::error(
                code::INVALID_ONBUILD,
                trigger.keyword.span,
                "chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
            ))
        }
        "MAINTAINER" | "FROM" => {
            return Err(Diagnostic::error(
                code::INVALID_ONBUILD,
                trigger.keyword.span,
                format!("{keyword} isn't allowed as an ONBUILD trigger"),
            ))
        }
        _ => {}
    }
    let mut text = strip_onbuild(&inst.original).to_string();
    for h in &inst.heredocs {
        text.push('\n');
        text.push_str(&h.content);
        text.push_str(&h.name);
    }
    Ok(Command::OnBuild(OnBuild {
        trigger: text,
        instruction: keyword,
        span: inst.span,
    }))
}

/// The original line without a leading `ONBUILD` (any case) and the whitespace around it.
fn strip_onbuild(original: &str) -> &str {
    let s = original.trim_start();
    match s.get(..7) {
        Some(k) if k.eq_ignore_ascii_case("ONBUILD") => s[7..].trim_start(),
        _ => original,
    }
}
