//! One syntax-tree instruction to one typed instruction (BuildKit's `ParseInstruction`): dispatch on the
//! keyword, with the shared helpers every instruction family uses.

use super::commands::Command;
use super::rules::code;
use super::text::suggest;
use super::{cmdline, copy, from, kv, misc, Stage};
use crate::ast::{ArgForm, Instruction, Text, Word};
use crate::{Diagnostic, Span};

/// What one instruction lowers to.
pub(super) enum Item {
    /// `FROM`: a new stage.
    Stage(Stage),
    /// Anything else.
    Command(Command),
}

/// The result of lowering one instruction: BuildKit reports the first problem of an instruction only.
pub(super) type Result<T> = std::result::Result<T, Diagnostic>;

/// Every instruction keyword BuildKit knows, upper case, in the order a misspelling is matched: when two are
/// equally close (`RNU` is two edits from both RUN and ENV), the suggestion is the one learners mean more
/// often, so the most used come first (RUN, COPY, FROM, …) and the rare ones last. BuildKit's own list comes
/// from a Go map, so its tie-break is random.
pub(crate) const INSTRUCTIONS: &[&str] = &[
    "RUN",
    "COPY",
    "FROM",
    "CMD",
    "ENV",
    "WORKDIR",
    "EXPOSE",
    "ENTRYPOINT",
    "ADD",
    "ARG",
    "USER",
    "LABEL",
    "VOLUME",
    "HEALTHCHECK",
    "SHELL",
    "ONBUILD",
    "STOPSIGNAL",
    "MAINTAINER",
];

/// Lower one instruction.
pub(super) fn instruction(inst: &Instruction) -> Result<Item> {
    let cmd = match inst.name().as_str() {
        "FROM" => return from::parse_from(inst, &inst.args).map(Item::Stage),
        "ENV" => kv::parse_env(inst)?,
        "LABEL" => kv::parse_label(inst)?,
        "ARG" => kv::parse_arg(inst)?,
        "RUN" => cmdline::parse_run(inst)?,
        "CMD" => cmdline::parse_cmd(inst)?,
        "ENTRYPOINT" => cmdline::parse_entrypoint(inst)?,
        "SHELL" => cmdline::parse_shell(inst)?,
        "HEALTHCHECK" => cmdline::parse_healthcheck(inst)?,
        "COPY" => copy::parse_copy(inst)?,
        "ADD" => copy::parse_add(inst)?,
        "EXPOSE" => misc::parse_expose(inst)?,
        "VOLUME" => misc::parse_volume(inst)?,
        "USER" => misc::parse_user(inst)?,
        "WORKDIR" => misc::parse_workdir(inst)?,
        "STOPSIGNAL" => misc::parse_stopsignal(inst)?,
        "MAINTAINER" => misc::parse_maintainer(inst)?,
        "ONBUILD" => misc::parse_onbuild(inst)?,
        _ => return Err(unknown_instruction(inst)),
    };
    Ok(Item::Command(cmd))
}

/// The `unknown instruction` error, with a did-you-mean when a keyword is close.
pub(super) fn unknown_instruction(inst: &Instruction) -> Diagnostic {
    let word = &inst.keyword.text;
    let d = Diagnostic::error(
        code::UNKNOWN_INSTRUCTION,
        inst.keyword.span,
        format!("unknown instruction: {word}"),
    );
    match suggestion(inst) {
        Some(s) => d.with_help(format!("did you mean {s}?")),
        None => d.with_help(
            "an instruction is one of FROM, RUN, CMD, COPY, ADD, ENV, ARG, WORKDIR, ...",
        ),
    }
}

/// The keyword an unknown instruction was probably meant to be.
pub(super) fn suggestion(inst: &Instruction) -> Option<String> {
    suggest(&inst.keyword.text, INSTRUCTIONS.iter().copied(), false)
}

/// The span to blame for a missing or extra argument: the arguments if there are any, else the keyword.
pub(super) fn args_span(inst: &Instruction) -> Span {
    if inst.rest.text.trim().is_empty() {
        inst.keyword.span
    } else {
        inst.rest.span
    }
}

/// `<NAME> requires at least one argument`.
pub(super) fn at_least_one(inst: &Instruction, name: &str) -> Diagnostic {
    Diagnostic::error(
        code::ARGUMENT_COUNT,
        inst.keyword.span,
        format!("{name} requires at least one argument"),
    )
    .with_help(usage(name))
}

/// How an instruction is written, for help lines.
fn usage(name: &str) -> String {
    let example = match name {
        "ENV" => "ENV NAME=value",
        "LABEL" => "LABEL key=value",
        "ARG" => "ARG NAME or ARG NAME=default",
        "EXPOSE" => "EXPOSE 80",
        "VOLUME" => "VOLUME /data",
        "ONBUILD" => "ONBUILD RUN make",
        "HEALTHCHECK" => "HEALTHCHECK CMD curl -f http://localhost/ || exit 1",
        "SHELL" => "SHELL [\"/bin/bash\", \"-c\"]",
        "WORKDIR" => "WORKDIR /app",
        "USER" => "USER app",
        "STOPSIGNAL" => "STOPSIGNAL SIGTERM",
        "MAINTAINER" => {
            "LABEL org.opencontainers.image.authors=\"you@example.com\" (MAINTAINER is deprecated)"
        }
        _ => return format!("see `strata explain {}`", code::ARGUMENT_COUNT),
    };
    format!("write it as: {example}")
}

/// `<NAME> requires exactly one argument`.
pub(super) fn exactly_one(inst: &Instruction, name: &str) -> Diagnostic {
    Diagnostic::error(
        code::ARGUMENT_COUNT,
        args_span(inst),
        format!("{name} requires exactly one argument"),
    )
    .with_help(usage(name))
}

/// True if the arguments were written as a JSON array.
pub(super) fn is_json(inst: &Instruction) -> bool {
    inst.form == ArgForm::Json
}

/// An empty word at the end of the keyword: where an absent argument would be.
pub(super) fn empty_word(inst: &Instruction) -> Word {
    let k = inst.keyword.span;
    Word {
        text: Text::default(),
        span: Span {
            start: k.end,
            end: k.end,
            line: k.end_line,
            col: k.end_col,
            end_line: k.end_line,
            end_col: k.end_col,
        },
    }
}
