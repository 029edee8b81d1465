//! Variables used where they are not defined: undefined or used-too-early names (SD0114), global ARGs not
//! redeclared in the stage (SD0115), build arguments read at container run time (SD0116).
//!
//! A linter cannot see a base image's ENV, so for a stage built on an image only the mistakes that do not
//! depend on it are reported; for `FROM scratch` and stages built on it, every undefined name is.

use std::collections::{BTreeMap, BTreeSet};

use super::catalog::code;
use super::context::Cx;
use crate::ast::Word;
use crate::instructions::text::suggest;
use crate::instructions::{Command, HealthTest, ShellOrExec, Stage};
use crate::shell::VarRef;

/// ARGs BuildKit defines in the global scope (usable in FROM; inside a stage only after `ARG NAME`).
const PREDEFINED: &[&str] = &[
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDOSVERSION",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETOSVERSION",
    "TARGETARCH",
    "TARGETVARIANT",
    "TARGETSTAGE",
];

/// Names that are fine anywhere: proxy build args are passed to RUN without being declared, and BuildKit
/// always sets PATH.
const ALWAYS: &[&str] = &[
    "PATH",
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// What a stage has declared so far.
#[derive(Debug, Clone, Default)]
struct Scope {
    /// ENV names (stay in the image, visible at run time).
    env: BTreeSet<String>,
    /// ARG names declared in the stage (or a stage it is built on).
    args: BTreeSet<String>,
    /// True when the base's environment is fully known (`scratch`, or a stage built on it).
    known: bool,
}

impl Scope {
    fn has(&self, name: &str) -> bool {
        self.env.contains(name) || self.args.contains(name) || ALWAYS.contains(&name)
    }
}

/// Run the rules of this file.
pub(super) fn check(cx: &mut Cx) {
    // `extend`, not `collect`: collecting into a B-tree sorts first, with a copy of the standard sort of its own.
    let mut global = BTreeSet::new();
    global.extend(cx.lowered.meta_args.iter().map(|a| a.key.clone()));
    let mut finals: Vec<Scope> = Vec::with_capacity(cx.lowered.stages.len());
    for stage in &cx.lowered.stages {
        from_line(cx, stage, &global);
        let scope = match stage.base_stage.and_then(|i| finals.get(i)) {
            Some(base) => base.clone(),
            None => Scope {
                known: stage.base.eq_ignore_ascii_case("scratch"),
                ..Scope::default()
            },
        };
        let end = stage_body(cx, stage, scope, &global);
        finals.push(end);
    }
}

/// `$X` in FROM: only global ARGs count (BuildKit's UndefinedArgInFrom).
fn from_line(cx: &mut Cx, stage: &Stage, global: &BTreeSet<String>) {
    let Some(inst) = cx.instruction(stage.span) else {
        return;
    };
    let mut words: Vec<Word> = Vec::new();
    if let Some(base) = inst.args.first() {
        words.push(base.clone());
    }
    if let Some(p) = inst
        .flags
        .iter()
        .find(|f| f.text.starts_with("--platform="))
    {
        words.push(p.clone());
    }
    for w in words {
        for r in refs(cx, &w) {
            if global.contains(&r.name)
                || PREDEFINED.contains(&r.name.as_str())
                || ALWAYS.contains(&r.name.as_str())
            {
                continue;
            }
            let options = global
                .iter()
                .map(String::as_str)
                .chain(PREDEFINED.iter().copied());
            let hint = suggest(&r.name, options, true);
            let span = cx.part(&w, r.span.start, r.span.end);
            let d = cx.report(
                code::UNDEFINED_VAR,
                span,
                format!(
                    "`${}` in FROM is not an ARG declared before the first FROM, so it is empty",
                    r.name
                ),
            );
            d.help = Some(match hint {
                Some(h) => format!("did you mean {h}?"),
                None => format!(
                    "declare it at the top of the file: ARG {}=<default>",
                    r.name
                ),
            });
        }
    }
}

/// The variable references of a word worth checking: not special parameters, not `${X:-default}`-style.
fn refs(cx: &Cx, w: &Word) -> Vec<VarRef> {
    cx.lexer
        .variables(&w.text)
        .into_iter()
        .filter(|r| !r.is_special() && r.operator.is_none())
        .collect()
}

/// Walk one stage; return its final scope.
fn stage_body(cx: &mut Cx, stage: &Stage, mut scope: Scope, global: &BTreeSet<String>) -> Scope {
    // Where each name is first declared in this stage, for "used before its ARG" messages.
    let mut declared_at: BTreeMap<String, (usize, &'static str)> = BTreeMap::new();
    let mut runtime_env = scope.env.clone();
    for cmd in &stage.commands {
        let line = cmd.span().line;
        let names: Vec<(String, &'static str)> = match cmd {
            Command::Env(e) => e
                .pairs
                .iter()
                .map(|p| (p.key.text.to_string(), "ENV"))
                .collect(),
            Command::Arg(a) => a.args.iter().map(|d| (d.key.clone(), "ARG")).collect(),
            _ => Vec::new(),
        };
        for (n, kind) in names {
            if kind == "ENV" {
                runtime_env.insert(n.clone());
            }
            declared_at.entry(n).or_insert((line, kind));
        }
    }
    let ctx = StageCtx {
        global,
        declared_at: &declared_at,
        runtime_env: &runtime_env,
    };
    for cmd in &stage.commands {
        match cmd {
            Command::Env(e) => {
                for (i, p) in e.pairs.iter().enumerate() {
                    // Names set earlier on the same line: EnvSelfReference explains those.
                    let mut same_line = BTreeSet::new();
                    same_line.extend(e.pairs[..i].iter().map(|q| q.key.text.as_str())); // see `global`
                    builder_word(cx, &scope, &ctx, &p.key, &same_line);
                    builder_word(cx, &scope, &ctx, &p.value, &same_line);
                }
                scope
                    .env
                    .extend(e.pairs.iter().map(|p| p.key.text.to_string()));
            }
            Command::Arg(a) => {
                for d in &a.args {
                    if d.value.is_some() {
                        let w = Word {
                            text: format!("{}={}", d.key, d.value.as_deref().unwrap_or("")).into(),
                            span: d.span,
                        };
                        builder_word_from(cx, &scope, &ctx, &w, d.key.len() + 1);
                    }
                    scope.args.insert(d.key.clone());
                }
            }
            Command::Run(r) => {
                if let ShellOrExec::Shell(w) = &r.cmd {
                    if r.heredocs.is_empty() {
                        script_word(cx, &scope, &ctx, w);
                    }
                }
            }
            Command::Cmd(c) => runtime_word(cx, &scope, &ctx, "CMD", &c.cmd),
            Command::Entrypoint(e) => runtime_word(cx, &scope, &ctx, "ENTRYPOINT", &e.cmd),
            Command::Healthcheck(h) => {
                if let HealthTest::Cmd(c) = &h.test {
                    runtime_word(cx, &scope, &ctx, "HEALTHCHECK", c);
                }
            }
            other => {
                for w in builder_words(other) {
                    builder_word(cx, &scope, &ctx, w, &BTreeSet::new());
                }
            }
        }
    }
    scope
}

struct StageCtx<'a> {
    global: &'a BTreeSet<String>,
    declared_at: &'a BTreeMap<String, (usize, &'static str)>,
    runtime_env: &'a BTreeSet<String>,
}

/// The words BuildKit expands, for the commands not handled separately.
fn builder_words(cmd: &Command) -> Vec<&Word> {
    match cmd {
        Command::Label(l) => l.pairs.iter().flat_map(|p| [&p.key, &p.value]).collect(),
        Command::Copy(c) => c
            .files
            .sources
            .iter()
            .chain([&c.files.dest])
            .chain(&c.chown)
            .chain(&c.chmod)
            .collect(),
        Command::Add(a) => a
            .files
            .sources
            .iter()
            .chain([&a.files.dest])
            .chain(&a.chown)
            .chain(&a.chmod)
            .chain(&a.checksum)
            .collect(),
        Command::Workdir(w) => vec![&w.path],
        Command::User(u) => vec![&u.user],
        Command::Volume(v) => v.volumes.iter().collect(),
        Command::StopSignal(s) => vec![&s.signal],
        Command::Expose(e) => e.ports.iter().collect(),
        _ => Vec::new(),
    }
}

fn builder_word(cx: &mut Cx, scope: &Scope, ctx: &StageCtx, w: &Word, same_line: &BTreeSet<&str>) {
    for r in refs(cx, w) {
        if same_line.contains(r.name.as_str()) && !scope.has(&r.name) {
            continue;
        }
        undefined(cx, scope, ctx, w, &r, true);
    }
}

fn builder_word_from(cx: &mut Cx, scope: &Scope, ctx: &StageCtx, w: &Word, from: usize) {
    for r in refs(cx, w) {
        if r.span.start >= from {
            undefined(cx, scope, ctx, w, &r, true);
        }
    }
}

/// A RUN script: the shell expands it with the build environment (ENV and declared ARGs). Only the
/// mistakes that do not depend on shell-local or base-image variables are reported.
fn script_word(cx: &mut Cx, scope: &Scope, ctx: &StageCtx, w: &Word) {
    for r in refs(cx, w) {
        let assigned = w.text.contains(&format!("{}=", r.name))
            || w.text.contains(&format!("for {} ", r.name));
        if !assigned {
            undefined(cx, scope, ctx, w, &r, false);
        }
    }
}

fn undefined(cx: &mut Cx, scope: &Scope, ctx: &StageCtx, w: &Word, r: &VarRef, builder: bool) {
    let name = r.name.as_str();
    if scope.has(name) {
        return;
    }
    let span = cx.part(w, r.span.start, r.span.end);
    if ctx.global.contains(name) || PREDEFINED.contains(&name) {
        let what = if ctx.global.contains(name) {
            "an ARG declared before FROM"
        } else {
            "predefined only before FROM"
        };
        let d = cx.report(
            code::GLOBAL_ARG_NOT_IN_STAGE,
            span,
            if scope.known {
                format!("`${name}` is empty here: it is {what}, and a stage must declare it again to use it")
            } else {
                format!(
                    "`${name}` is {what}, and a stage must declare it again to use it; here it is empty \
                     unless the base image sets it"
                )
            },
        );
        d.help = Some(format!(
            "add `ARG {name}` (without a value) after the FROM line"
        ));
        return;
    }
    if let Some(&(line, kind)) = ctx
        .declared_at
        .get(name)
        .filter(|(_, k)| *k == "ARG" || scope.known)
    {
        let d = cx.report(
            code::UNDEFINED_VAR,
            span,
            format!("`${name}` is used before `{kind} {name}` on line {line}, so it does not get that value here"),
        );
        d.help = Some(format!("move the {kind} above this line"));
        return;
    }
    if !builder {
        return;
    }
    let options: Vec<&str> = scope
        .env
        .iter()
        .chain(&scope.args)
        .chain(ctx.global)
        .map(String::as_str)
        .collect();
    let hint = suggest(name, options.iter().copied(), true);
    if scope.known {
        let d = cx.report(
            code::UNDEFINED_VAR,
            span,
            format!("`${name}` is not defined, so it is empty"),
        );
        d.help = Some(match hint {
            Some(h) => format!("did you mean {h}?"),
            None => format!("define it first with ENV {name}=… or ARG {name}=…"),
        });
    } else if let Some(h) = hint {
        let d = cx.report(
            code::UNDEFINED_VAR,
            span,
            format!("`${name}` is not defined in this Dockerfile; unless the base image sets it, it is empty"),
        );
        d.help = Some(format!("did you mean {h}?"));
    }
}

/// Shell-form CMD/ENTRYPOINT/HEALTHCHECK: expanded in the container, where only ENV variables exist.
fn runtime_word(cx: &mut Cx, scope: &Scope, ctx: &StageCtx, name: &str, cmd: &ShellOrExec) {
    let ShellOrExec::Shell(w) = cmd else { return };
    for r in refs(cx, w) {
        let var = r.name.as_str();
        if ctx.runtime_env.contains(var) || ALWAYS.contains(&var) {
            continue;
        }
        let is_arg = scope.args.contains(var)
            || ctx.declared_at.get(var).is_some_and(|(_, k)| *k == "ARG")
            || ctx.global.contains(var)
            || PREDEFINED.contains(&var);
        if !is_arg {
            continue;
        }
        let span = cx.part(w, r.span.start, r.span.end);
        let d = cx.report(
            code::ARG_AT_RUNTIME,
            span,
            format!(
                "`${var}` is a build argument: it is not set when the container runs this {name}"
            ),
        );
        d.help = Some(format!(
            "keep it in the image: add `ENV {var}=${var}` after the ARG"
        ));
    }
}
