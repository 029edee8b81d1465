//! Typed instructions and stages above the syntax tree (BuildKit's `frontend/dockerfile/instructions`).
//!
//! Start at [`lower`]: it turns an [`ast::Dockerfile`] into [`Stage`]s of [`Command`]s plus the ARGs declared
//! before the first FROM, checking what BuildKit checks at this point (argument counts, flags, stage names,
//! what `COPY --from` refers to) and reporting problems as [`Diagnostic`]s with BuildKit's messages. Like the
//! parser, it never fails: an instruction with an error is left out and the rest is still lowered.
//!
//! Nothing is expanded here. Values keep their raw text and span; the builder expands them at build time with
//! the environment of the moment, through the `expand` methods that take the expander as a closure.
//!
//! One file per family: `commands` (the types), `flags` (BuildKit's `BFlags`), `kv` (ENV, LABEL,
//! ARG), `cmdline` (RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK), `mount` (RUN options), `copy` (COPY, ADD),
//! `misc` (the rest), `values` (ports, signals, image names), `from` (FROM and the stage graph), `rules`
//! (the catalogue).

mod cmdline;
mod commands;
mod copy;
mod flags;
mod from;
mod kv;
mod misc;
mod mount;
mod parse;
mod rules;
pub(crate) mod text;
mod values;

pub use commands::{
    Add, Arg, ArgDecl, Cmd, Command, Copy, Entrypoint, Env, Expander, Expose, HealthTest,
    Healthcheck, KeyValue, Label, Maintainer, Mount, MountKind, NetworkMode, OnBuild, Run,
    SecurityMode, Shell, ShellOrExec, SourceContent, SourcesAndDest, StopSignal, User, Volume,
    Workdir, DEFAULT_SHELL,
};
pub(crate) use copy::heredoc_word;
pub(crate) use rules::{code, RULES};
pub use values::{parse_port, PortError};

use crate::ast::{self, Instruction};
use crate::{Diagnostic, Span};

/// A build stage: `FROM base [AS name]` and the commands up to the next FROM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// The stage name, lower-cased (as BuildKit stores it), if `AS name` was given.
    pub name: Option<String>,
    /// Where the name was written.
    pub name_span: Option<Span>,
    /// The base as written: an image reference, `scratch`, an earlier stage's name, or text with `$ARG`s to
    /// expand against the meta args.
    pub base: String,
    /// Where the base was written.
    pub base_span: Span,
    /// The earlier stage this one builds on, when `base` is literally that stage's name.
    pub base_stage: Option<usize>,
    /// `--platform`, raw.
    pub platform: Option<String>,
    /// The commands in order.
    pub commands: Vec<Command>,
    /// The FROM keyword as written (for casing checks).
    pub keyword: String,
    /// The FROM instruction.
    pub span: Span,
    /// Position among the stages, from 0 (what `COPY --from=<n>` means).
    pub index: usize,
}

impl Stage {
    /// The stage's name, or `stage-N` as BuildKit calls unnamed stages.
    pub fn display_name(&self) -> String {
        from::display_name(self)
    }
}

/// The typed form of a Dockerfile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lowered {
    /// ARGs declared before the first FROM (BuildKit's meta args), in order: usable in FROM lines, and
    /// inside a stage only after a bare `ARG name`.
    pub meta_args: Vec<ArgDecl>,
    /// The stages in order.
    pub stages: Vec<Stage>,
    /// Problems found, with BuildKit's messages. Any error means BuildKit would refuse the Dockerfile.
    pub diagnostics: Vec<Diagnostic>,
}

impl Lowered {
    /// True if any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The stage named `name` (case-insensitive; the last one if several share it), as `--target` finds it.
    pub fn stage(&self, name: &str) -> Option<&Stage> {
        let name = name.to_lowercase();
        self.stages
            .iter()
            .rev()
            .find(|s| s.name.as_deref() == Some(name.as_str()))
    }
}

/// Lower a syntax tree to stages and commands. Never fails; problems are in [`Lowered::diagnostics`].
pub fn lower(df: &ast::Dockerfile) -> Lowered {
    let mut out = Lowered::default();
    let mut reported_no_stage = false;
    for inst in &df.instructions {
        let item = match parse::instruction(inst) {
            Ok(item) => item,
            Err(d) => {
                let recovered = recover_from(inst, &d);
                out.diagnostics.push(d);
                match recovered {
                    Some(stage) => parse::Item::Stage(stage),
                    None => continue,
                }
            }
        };
        match item {
            parse::Item::Stage(mut stage) => {
                stage.index = out.stages.len();
                out.stages.push(stage);
            }
            parse::Item::Command(Command::Arg(arg)) if out.stages.is_empty() => {
                out.meta_args.extend(arg.args)
            }
            parse::Item::Command(cmd) => match out.stages.last_mut() {
                Some(stage) => stage.commands.push(cmd),
                None if !reported_no_stage => {
                    reported_no_stage = true;
                    out.diagnostics.push(no_build_stage(inst));
                }
                None => {}
            },
        }
    }
    if out.stages.is_empty() && !reported_no_stage && !df.instructions.is_empty() {
        let span = df
            .instructions
            .first()
            .map(|i| i.keyword.span)
            .unwrap_or_default();
        out.diagnostics.push(
            Diagnostic::error(
                code::NO_STAGES,
                span,
                "dockerfile contains no stages to build",
            )
            .with_help("add a FROM line, e.g. `FROM alpine:3.20`"),
        );
    }
    from::resolve(&mut out.stages, &mut out.diagnostics);
    out
}

/// An unknown instruction that looks like a misspelt FROM (`FORM debian`) still starts a stage, so the
/// instructions after it are checked instead of all failing with `no build stage`.
fn recover_from(inst: &Instruction, err: &Diagnostic) -> Option<Stage> {
    if err.code != code::UNKNOWN_INSTRUCTION || parse::suggestion(inst).as_deref() != Some("FROM") {
        return None;
    }
    let words = text::split_whitespace(&inst.rest);
    let without_flags: Vec<ast::Word> = words
        .into_iter()
        .skip_while(|w| w.text.starts_with("--"))
        .collect();
    from::parse_from(
        &Instruction {
            flags: Vec::new(),
            ..inst.clone()
        },
        &without_flags,
    )
    .ok()
}

fn no_build_stage(inst: &Instruction) -> Diagnostic {
    Diagnostic::error(
        code::NO_BUILD_STAGE,
        inst.keyword.span,
        "no build stage in current context",
    )
    .with_help(format!(
        "only ARG may come before the first FROM; move this {} below a FROM line",
        inst.name()
    ))
}
