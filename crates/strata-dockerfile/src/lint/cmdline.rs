//! Command lines: only the last CMD/ENTRYPOINT/HEALTHCHECK counts (SD0101), shell-form ENTRYPOINT and CMD
//! (SD0102, SD0103), a shell-form CMD after an exec-form ENTRYPOINT (SD0126), JSON that is not JSON
//! (SD0104), variables in exec form (SD0105).

use super::catalog::code;
use super::context::Cx;
use super::json::{self, Issue};
use crate::ast::{ArgForm, Instruction, Word};
use crate::instructions::{Command, HealthTest, ShellOrExec, Stage};
use crate::Span;

/// Run the rules of this file.
pub(super) fn check(cx: &mut Cx) {
    for stage in &cx.lowered.stages {
        last_one_wins(cx, stage);
        shell_forms(cx, stage);
    }
    for stage in &cx.lowered.stages {
        for cmd in &stage.commands {
            let cmdline = match cmd {
                Command::Run(r) => Some(&r.cmd),
                Command::Cmd(c) => Some(&c.cmd),
                Command::Entrypoint(e) => Some(&e.cmd),
                Command::Healthcheck(h) => match &h.test {
                    HealthTest::Cmd(c) => Some(c),
                    HealthTest::None => None,
                },
                _ => None,
            };
            if let Some(ShellOrExec::Exec(argv)) = cmdline {
                exec_form_variables(cx, cmd.name(), argv);
            }
        }
    }
    for inst in &cx.ast.instructions {
        let effective = inst.onbuild.as_deref().unwrap_or(inst);
        json_arguments(cx, effective);
    }
}

/// SD0101: each CMD/ENTRYPOINT/HEALTHCHECK replaced by a later one in the same stage.
fn last_one_wins(cx: &mut Cx, stage: &Stage) {
    let mut last: [Option<Span>; 3] = [None; 3];
    for cmd in &stage.commands {
        let slot = match cmd {
            Command::Cmd(_) => 0,
            Command::Entrypoint(_) => 1,
            Command::Healthcheck(_) => 2,
            _ => continue,
        };
        let span = cmd.span();
        if let Some(prev) = last[slot].replace(span) {
            let name = cmd.name();
            let prev = cx.first_line(prev);
            let d = cx.report(
                code::MULTIPLE_INSTRUCTIONS,
                prev,
                format!(
                    "this {name} has no effect: the {name} on line {} replaces it",
                    span.line
                ),
            );
            d.help = Some(format!("remove it; a stage keeps only its last {name}"));
        }
    }
}

/// SD0102 and SD0103.
fn shell_forms(cx: &mut Cx, stage: &Stage) {
    // A SHELL in a stage this one builds on counts too.
    let mut has_shell = stage_chain_has_shell(cx, stage);
    // The ENTRYPOINT the image ends up with, when it is a non-empty exec form.
    let entrypoint = stage.commands.iter().rev().find_map(|c| match c {
        Command::Entrypoint(e) => Some(&e.cmd),
        _ => None,
    });
    let exec_entrypoint: Option<Vec<String>> = match entrypoint {
        Some(ShellOrExec::Exec(argv)) if !argv.is_empty() => {
            Some(argv.iter().map(|w| w.text.to_string()).collect())
        }
        _ => None,
    };
    for cmd in &stage.commands {
        match cmd {
            Command::Shell(_) => has_shell = true,
            Command::Entrypoint(e) => {
                let ShellOrExec::Shell(w) = &e.cmd else {
                    continue;
                };
                if w.text.trim().is_empty() || json::looks_like_array(&w.text) {
                    // Nothing to run, or broken JSON (InvalidJsonArguments explains that).
                    continue;
                }
                let starts_with_exec = w.text.trim_start().starts_with("exec ");
                let msg = if starts_with_exec {
                    "shell-form ENTRYPOINT ignores CMD and `docker run` arguments".to_string()
                } else {
                    "shell-form ENTRYPOINT ignores CMD and `docker run` arguments, and may not get the stop signal"
                        .to_string()
                };
                let span = cx.first_line(e.span);
                let suggestion = exec_form("ENTRYPOINT", &w.text);
                let d = cx.report(code::SHELL_FORM_ENTRYPOINT, span, msg);
                d.help = Some(match suggestion {
                    Some(s) => format!("use the exec form: {s}"),
                    None => "use the exec form, ENTRYPOINT [\"program\", \"arg\"]; to keep a shell, write \
                             ENTRYPOINT [\"sh\", \"-c\", \"exec <command>\", \"--\"]"
                        .to_string(),
                });
            }
            Command::Cmd(c) => {
                let ShellOrExec::Shell(w) = &c.cmd else {
                    continue;
                };
                if w.text.trim().is_empty() || json::looks_like_array(&w.text) {
                    // Nothing to run, or broken JSON (InvalidJsonArguments explains that).
                    continue;
                }
                let span = cx.first_line(c.span);
                if let Some(ep) = &exec_entrypoint {
                    let shell = if has_shell {
                        "<SHELL>".to_string()
                    } else {
                        "/bin/sh -c".to_string()
                    };
                    let d = cx.report(
                        code::SHELL_CMD_WITH_ENTRYPOINT,
                        span,
                        format!(
                            "with an exec-form ENTRYPOINT this CMD becomes its arguments: `{} {shell} \"{}\"`",
                            ep.join(" "),
                            w.text.trim()
                        ),
                    );
                    // An entrypoint script that ends with `exec "$@"` runs the shell command fine.
                    let script = ep
                        .first()
                        .is_some_and(|p| p.ends_with(".sh") || p.contains("entrypoint"));
                    if script {
                        d.severity = crate::Severity::Info;
                    }
                    let words: Vec<String> = w
                        .text
                        .split_whitespace()
                        .map(|a| format!("\"{}\"", a.replace('"', "\\\"")))
                        .collect();
                    d.help = Some(format!(
                        "write the arguments as JSON: CMD [{}]",
                        words.join(", ")
                    ));
                    continue;
                }
                if has_shell {
                    continue;
                }
                let suggestion = exec_form("CMD", &w.text);
                let d = cx.report(
                    code::SHELL_FORM_CMD,
                    span,
                    "shell-form CMD runs under `/bin/sh -c`, which may not pass signals on to the program",
                );
                d.help = Some(match suggestion {
                    Some(s) => format!("use the exec form: {s}"),
                    None => "keep the shell form if you need shell features; otherwise use CMD [\"program\", \"arg\"]"
                        .to_string(),
                });
            }
            _ => {}
        }
    }
}

fn stage_chain_has_shell(cx: &Cx, stage: &Stage) -> bool {
    cx.base_stages(stage)
        .any(|s| s.commands.iter().any(|c| matches!(c, Command::Shell(_))))
}

/// The exec form of a simple shell command (`ENTRYPOINT ["a", "b"]`), when it has no shell syntax.
fn exec_form(keyword: &str, cmd: &str) -> Option<String> {
    let words: Vec<&str> = cmd.split_whitespace().collect();
    let plain = |w: &str| {
        w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c))
    };
    if words.is_empty() || words.len() > 8 || !words.iter().all(|w| plain(w)) {
        return None;
    }
    let words: Vec<&str> = if words.first() == Some(&"exec") {
        words[1..].to_vec()
    } else {
        words
    };
    if words.is_empty() {
        return None;
    }
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    Some(format!("{keyword} [{}]", quoted.join(", ")))
}

/// SD0105: `$VAR` in an exec-form element, when the program is not a shell running `-c`.
fn exec_form_variables(cx: &mut Cx, name: &str, argv: &[Word]) {
    if runs_shell(argv) {
        return;
    }
    for w in argv {
        let refs = cx.lexer.variables(&w.text);
        let Some(first) = refs.iter().find(|r| !r.is_special()) else {
            continue;
        };
        let var = w
            .text
            .get(first.span.clone())
            .unwrap_or(first.name.as_str());
        let d = cx.report(
            code::EXEC_FORM_NO_EXPANSION,
            w.span,
            format!("exec form does not expand `{var}`: the program receives it literally"),
        );
        let shown: Vec<String> = argv.iter().map(|a| a.text.to_string()).collect();
        d.help = Some(format!(
            "use the shell form ({name} {}), or run a shell: {name} [\"sh\", \"-c\", \"{}\"]",
            shown.join(" "),
            shown.join(" ").replace('\\', "\\\\").replace('"', "\\\"")
        ));
    }
}

/// `["sh", "-c", …]`, `["/bin/bash", "-ec", …]`: a shell that will expand variables itself.
fn runs_shell(argv: &[Word]) -> bool {
    let Some(first) = argv.first() else {
        return false;
    };
    let prog = first.text.rsplit('/').next().unwrap_or("");
    let is_shell = matches!(
        prog,
        "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh" | "busybox"
    );
    is_shell
        && argv[1..]
            .iter()
            .any(|a| a.text.starts_with('-') && !a.text.starts_with("--") && a.text.contains('c'))
}

/// SD0104: JSON-looking arguments that are not exec form.
fn json_arguments(cx: &mut Cx, inst: &Instruction) {
    let name = inst.name();
    let shell_run = matches!(name.as_str(), "RUN" | "CMD" | "ENTRYPOINT");
    let list = matches!(name.as_str(), "VOLUME" | "COPY" | "ADD");
    let healthcheck = name == "HEALTHCHECK";
    if !(shell_run || list || healthcheck) {
        return;
    }
    // The maybe-JSON part: for HEALTHCHECK, what follows CMD.
    let word: Word = if healthcheck {
        match inst.args.as_slice() {
            [kind, rest @ ..] if kind.text.eq_ignore_ascii_case("CMD") && !rest.is_empty() => {
                let (Some(first), Some(last)) = (rest.first(), rest.last()) else {
                    return;
                };
                if inst.form == ArgForm::Json {
                    let after = cx.text.get(first.span.start..last.span.end).unwrap_or("");
                    Word {
                        text: after.into(),
                        span: first.span.to(last.span),
                    }
                } else {
                    first.clone()
                }
            }
            _ => return,
        }
    } else {
        inst.rest.clone()
    };
    let text = word.text.as_str();
    let lead = text.len() - text.trim_start().len();
    if !json::looks_like_array(text) {
        return;
    }
    match (inst.form, json::array_end(text)) {
        (ArgForm::Json, _) => {}
        (ArgForm::Plain, result) => {
            let what = if list {
                "so Docker splits it at spaces instead"
            } else {
                "so Docker runs it as a shell command"
            };
            let (reason, help) = match result {
                Err(Issue::SingleQuotes) => (
                    "uses single quotes",
                    format!(
                        "JSON strings need double quotes: {name} {}",
                        text.trim().replace('\'', "\"")
                    ),
                ),
                Err(Issue::MissingComma) => (
                    "has no comma between two elements",
                    "separate the elements with commas".to_string(),
                ),
                Err(Issue::Unterminated) => {
                    ("has no closing `]`", "close the array with `]`".to_string())
                }
                Err(Issue::UnterminatedString) => (
                    "has a string without its closing `\"`",
                    "close the string with `\"`".to_string(),
                ),
                Err(Issue::NotString) => (
                    "has an element that is not a string",
                    "every element must be a string in double quotes".to_string(),
                ),
                Err(Issue::Malformed) => (
                    "is not valid JSON",
                    "write a JSON array of double-quoted strings, separated by commas".to_string(),
                ),
                Ok(_) => (
                    "has text after the closing `]`",
                    "remove the text after `]`; a comment goes on its own line".to_string(),
                ),
            };
            let span = cx.part(&word, lead, text.trim_end().len());
            let d = cx.report(
                code::INVALID_JSON,
                span,
                format!("this looks like exec form but {reason}, {what}"),
            );
            d.help = Some(help);
        }
    }
}
