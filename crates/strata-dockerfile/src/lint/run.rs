//! What RUN lines do in the shell: a trailing `cd` (SD0106), brace expansion under /bin/sh (SD0107),
//! `apt-get update` alone (SD0122), installs without `-y` (SD0123).

use super::catalog::code;
use super::context::Cx;
use super::script::{self, SimpleCommand};
use crate::ast::Word;
use crate::instructions::{heredoc_word, Command, ShellOrExec, Stage};

/// Run the rules of this file.
pub(super) fn check(cx: &mut Cx) {
    for stage in &cx.lowered.stages {
        let mut shell = inherited_shell(cx, stage);
        let bash_sh = base_sh_is_bash(cx, stage);
        for cmd in &stage.commands {
            match cmd {
                Command::Shell(s) => shell = s.shell.first().map(|w| w.text.to_string()),
                Command::Run(r) => {
                    let ShellOrExec::Shell(w) = &r.cmd else {
                        continue;
                    };
                    // `RUN <<EOF`: the body is the script (`RUN <<EOF bash` hands it to another program).
                    let only_heredoc = heredoc_word(w.text.trim())
                        .filter(|_| !w.text.trim().contains(char::is_whitespace));
                    let (script, shebang) = match (only_heredoc, r.heredocs.first()) {
                        (Some(_), Some(h)) => {
                            let first = h.content.lines().next().unwrap_or("");
                            let shebang = first.strip_prefix("#!").map(str::to_string);
                            (
                                Word {
                                    text: h.content.clone().into(),
                                    span: h.span,
                                },
                                shebang,
                            )
                        }
                        _ => (w.clone(), None),
                    };
                    let interpreter = shebang
                        .or_else(|| shell.clone())
                        .unwrap_or_else(|| "/bin/sh".to_string());
                    if !is_posix_shell(&interpreter) {
                        continue;
                    }
                    let cmds = script::commands(&script.text);
                    trailing_cd(cx, &script, &cmds);
                    let sh_is_bash =
                        is_bash(&interpreter) || (bash_sh && is_plain_sh(&interpreter));
                    if !sh_is_bash {
                        braces(cx, &script);
                    }
                    apt_update_alone(cx, &script, &cmds);
                    install_without_yes(cx, &script, &cmds);
                }
                _ => {}
            }
        }
    }
}

/// The last SHELL of the stages this one is built on.
fn inherited_shell(cx: &Cx, stage: &Stage) -> Option<String> {
    cx.base_stages(stage).find_map(|s| {
        s.commands.iter().rev().find_map(|c| match c {
            Command::Shell(sh) => sh.shell.first().map(|w| w.text.to_string()),
            _ => None,
        })
    })
}

fn program_name(path: &str) -> &str {
    let first = path.split_whitespace().next().unwrap_or(path);
    let base = first.rsplit('/').next().unwrap_or(first);
    if base == "env" {
        // `#!/usr/bin/env bash`
        return path.split_whitespace().nth(1).unwrap_or(base);
    }
    base
}

fn is_bash(shell: &str) -> bool {
    matches!(program_name(shell), "bash" | "zsh" | "ksh" | "mksh")
}

fn is_plain_sh(shell: &str) -> bool {
    program_name(shell) == "sh"
}

fn is_posix_shell(shell: &str) -> bool {
    matches!(
        program_name(shell),
        "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh" | "busybox"
    )
}

/// Base images whose `/bin/sh` is bash.
fn base_sh_is_bash(cx: &Cx, stage: &Stage) -> bool {
    let root = cx.root_stage(stage);
    let image = root.base.to_ascii_lowercase();
    let path = image.split(['@']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or(path);
    let repo = last.split(':').next().unwrap_or(last);
    matches!(
        repo,
        "centos"
            | "fedora"
            | "rockylinux"
            | "almalinux"
            | "amazonlinux"
            | "oraclelinux"
            | "archlinux"
            | "ubi"
            | "ubi-minimal"
            | "ubi8"
            | "ubi9"
            | "ubi8-minimal"
            | "ubi9-minimal"
            | "rhel"
            | "leap"
            | "tumbleweed"
    )
}

/// SD0106.
fn trailing_cd(cx: &mut Cx, script: &Word, cmds: &[SimpleCommand]) {
    let Some(last) = cmds.last() else { return };
    let prog = last.program();
    if prog.first().map(|w| w.text.as_str()) != Some("cd") {
        return;
    }
    let dir = prog
        .get(1)
        .map_or("/some/dir".to_string(), |w| w.text.clone());
    let span = cx.part(script, last.range.start, last.range.end);
    let msg = if cmds.len() == 1 {
        "`cd` in a RUN of its own changes nothing: every RUN starts in the WORKDIR".to_string()
    } else {
        "this `cd` ends the RUN, so it changes nothing: the next instruction starts in the WORKDIR again".to_string()
    };
    let help = if dir.starts_with('/') || dir.starts_with('$') {
        format!("use `WORKDIR {dir}` to change directory for the instructions that follow")
    } else {
        "use WORKDIR with an absolute path to change directory for the instructions that follow"
            .to_string()
    };
    cx.report(code::CD_IN_RUN, span, msg).help = Some(help);
}

/// SD0107.
fn braces(cx: &mut Cx, script: &Word) {
    for range in script::brace_expansions(&script.text) {
        let braces = &script.text[range.clone()];
        let span = cx.part(script, range.start, range.end);
        let msg = format!("/bin/sh does not do brace expansion: `{braces}` stays as it is written");
        cx.report(code::BRACE_EXPANSION, span, msg).help = Some(
            "write the names out or use a loop (`for i in $(seq 1 10); do …; done`), or use \
             SHELL [\"/bin/bash\", \"-c\"] if the image has bash"
                .to_string(),
        );
    }
}

fn apt_program(cmd: &SimpleCommand) -> Option<(&str, Vec<&str>)> {
    let prog = cmd.program();
    let name = prog.first()?.text.rsplit('/').next()?;
    let args: Vec<&str> = prog[1..].iter().map(|w| w.text.as_str()).collect();
    Some((name, args))
}

/// The first argument that is not an option (the subcommand of apt-get, yum, dnf).
fn subcommand<'a>(args: &[&'a str]) -> Option<&'a str> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a.starts_with('-') {
            // Options that take a separate value.
            if matches!(
                *a,
                "-o" | "-c" | "-t" | "--option" | "--config-file" | "--target-release"
            ) {
                it.next();
            }
            continue;
        }
        return Some(a);
    }
    None
}

/// SD0122.
fn apt_update_alone(cx: &mut Cx, script: &Word, cmds: &[SimpleCommand]) {
    let is_update = |c: &SimpleCommand| {
        apt_program(c).is_some_and(|(p, args)| {
            matches!(p, "apt-get" | "apt") && subcommand(&args) == Some("update")
        })
    };
    let real: Vec<&SimpleCommand> = cmds
        .iter()
        .filter(|c| {
            !matches!(
                c.program().first().map(|w| w.text.as_str()),
                None | Some("set" | "true" | ":")
            )
        })
        .collect();
    if real.is_empty() || !real.iter().all(|c| is_update(c)) {
        return;
    }
    let (Some(first), Some(last)) = (real.first(), real.last()) else {
        return;
    };
    let span = cx.part(script, first.range.start, last.range.end);
    cx.report(
        code::APT_UPDATE_ALONE,
        span,
        "`apt-get update` in a RUN of its own: later installs can use its stale cached package lists",
    )
    .help = Some("update and install in the same RUN: RUN apt-get update && apt-get install -y <packages>".to_string());
}

/// SD0123.
fn install_without_yes(cx: &mut Cx, script: &Word, cmds: &[SimpleCommand]) {
    for c in cmds {
        if c.after_pipe {
            continue;
        }
        let Some((prog, args)) = apt_program(c) else {
            continue;
        };
        let apt = matches!(prog, "apt-get" | "apt");
        let rpm = matches!(prog, "yum" | "dnf");
        if !apt && !rpm {
            continue;
        }
        let Some(sub) = subcommand(&args) else {
            continue;
        };
        let prompts = if apt {
            matches!(
                sub,
                "install"
                    | "upgrade"
                    | "dist-upgrade"
                    | "full-upgrade"
                    | "remove"
                    | "purge"
                    | "autoremove"
                    | "reinstall"
            )
        } else {
            matches!(
                sub,
                "install"
                    | "update"
                    | "upgrade"
                    | "remove"
                    | "erase"
                    | "reinstall"
                    | "groupinstall"
                    | "localinstall"
            )
        };
        if !prompts {
            continue;
        }
        let yes = args.iter().any(|a| {
            matches!(*a, "--yes" | "--assume-yes" | "--assumeyes" | "-qq")
                || (a.starts_with('-')
                    && !a.starts_with("--")
                    && (a.contains('y') || (apt && a.matches('q').count() >= 2)))
        });
        if yes {
            continue;
        }
        let span = cx.part(script, c.range.start, c.range.end);
        let raw = script.text.get(c.range.clone()).unwrap_or("");
        let raw = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let fixed = raw.replacen(&format!(" {sub}"), &format!(" {sub} -y"), 1);
        let msg = format!(
            "`{prog} {sub}` without `-y` asks for confirmation, and the build cannot answer"
        );
        cx.report(code::INSTALL_WITHOUT_YES, span, msg).help = Some(format!("add -y: {fixed}"));
    }
}
