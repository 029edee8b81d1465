//! The simulated busybox `ash`: words, quoting, expansion, control flow, redirections, and the applets.
//!
//! Start reading at [`start`] (what [`crate::exec::exec`] calls): it finds the executable the way runc does,
//! then [`launch::exec_file`] decides what the file is (busybox, a `#!` script, a shell, a package manager,
//! an applet). The shell itself is [`parser`] (text to [`ast`]), [`interp`] (running commands, file
//! descriptors, pipelines), [`expand`] (words to fields) and [`builtins`]; the applets are in [`applets`].
//!
//! What the reference is: busybox-static 1.35 (the build the project's Docker oracle imports as
//! `busybox:latest`). `test_data/shell` holds ~200 scripts with that busybox's recorded output, and
//! `tests/shell.rs` compares byte for byte. Facts it shows that are easy to get wrong: no brace expansion in
//! `sh` (only a file named `bash` gets it); error prefixes are `$0: ` under `sh -c`, `$0: line N: ` when a
//! `$0` was given after `-c` or for a script file (0-based line numbers in `-c` text), and builtins add
//! their name (`sh: cd: line 3: can't cd to …`); applets are found without `PATH` when the shell is
//! busybox (standalone build), `command -v ls` prints `ls`; a text file without `#!` run from the shell is
//! "not found"; `set -e` does not apply inside `$(…)`.
//!
//! Not simulated (visible as [`Note::Unsupported`](crate::exec::Note) and a failing status, never a fake
//! success): binaries other than busybox, the shells and the package managers (unless an applet of the same
//! name exists, as `/bin/ls` of a Debian model), network applets (`wget`, `nc`, …), bzip2/xz/lzma archives,
//! hardware and system administration applets (`mount`, `ip`, `sysctl`, …), `getline` in awk, sed's
//! `b`/`t`/`r`/`w`, device nodes, job control (`&` runs in the foreground), signals other than `docker stop`'s
//! SIGTERM to PID 1 (other traps never fire). A program that exists but cannot be simulated (`python`,
//! `curl`, a busybox applet not implemented) ends the run with [`ExecOutcome::not_simulated`], not an exit
//! code. `busybox --list` prints the reference binary's whole list; [`applets::NAMES`] is what is
//! simulated.
//!
//! The environment: a plain process keeps it in the order it was given, a shell in busybox ash's hash-chain
//! order ([`vars`]). Pipelines run their commands one after the other, each reading the previous one's complete
//! output. Time is simulated ([`interp::Shell::advance`]): nothing takes wall-clock time, `sleep`, `usleep`
//! and `timeout` move the run's clock and `date` reads it; a `docker run` container is stopped as `docker
//! stop` does it (SIGTERM to PID 1, which a shell ignores unless it traps TERM, then SIGKILL 10 s later).
//!
//! Every run is bounded by [`Limits`](crate::exec::Limits): commands, loop iterations, bytes written, output
//! and nesting (functions, subshells, `sh -c`); the parser bounds syntax nesting, so deep input is an error,
//! not a stack overflow.

pub mod applets;
pub mod arith;
pub mod ast;
pub mod builtins;
pub mod expand;
pub mod fnmatch;
pub mod interp;
pub mod launch;
pub mod parser;
pub mod procfs;
pub mod regex;
pub mod vars;

use strata_image::Overlay;

use crate::exec::{Budget, ExecOutcome, ExecRequest, Limit};
use interp::{Ctl, Dest, Shell};
use launch::Launch;

/// The default `PATH` when the environment has none (runc's).
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Starts `req` in `fs` like runc and runs it to the end (see [`crate::exec::exec`]).
pub fn start(fs: &mut Overlay, req: &ExecRequest) -> ExecOutcome {
    let mut out = ExecOutcome::default();
    let Some(name) = req.argv.first().cloned() else {
        out.exit_code = 127;
        out.start_error = Some("exec: no command".to_owned());
        return out;
    };
    let cwd = strata_image::normalize(&req.cwd).unwrap_or_else(|| "/".to_owned());
    let path_var = req
        .env
        .iter()
        .rev()
        .find_map(|kv| kv.strip_prefix("PATH="))
        .unwrap_or(DEFAULT_PATH)
        .to_owned();
    let abs = |p: &str| {
        if p.starts_with('/') {
            p.to_owned()
        } else if cwd == "/" {
            format!("/{p}")
        } else {
            format!("{cwd}/{p}")
        }
    };
    let path = if name.contains('/') {
        abs(&name)
    } else {
        let found = path_var.split(':').find_map(|d| {
            let d = if d.is_empty() { "." } else { d };
            let cand = abs(&format!("{}/{}", d.trim_end_matches('/'), name));
            match fs.stat(&cand) {
                Ok(st) if !st.is_dir() && st.attrs.mode & 0o111 != 0 => Some(cand),
                _ => None,
            }
        });
        match found {
            Some(p) => p,
            None => {
                out.exit_code = 127;
                out.start_error = Some(format!(
                    "exec: \"{name}\": executable file not found in $PATH"
                ));
                return out;
            }
        }
    };
    let mut budget = Budget::new(req.limits.clone());
    budget.steps = 0;
    let mut sh = Shell::new(
        fs,
        &req.env,
        &cwd,
        req.identity.clone(),
        req.now,
        &req.hostname,
        budget,
        req.stdin.clone(),
    );
    if !req.env.iter().any(|kv| kv.starts_with("PATH=")) {
        let _ = sh.set_var("PATH", DEFAULT_PATH);
    }
    sh.stop = req.stop;
    sh.cache_mounts = req.cache_mounts.clone();
    sh.loopback_only = req.loopback_only;
    sh.timeline.stop = req.stop;
    let _ = sh.push_proc(req.argv.join(" "), launch::basename(&name).to_owned());
    match launch::check(&sh, &path) {
        Launch::NotFound => {
            out.exit_code = 127;
            out.start_error = Some(format!(
                "exec: \"{name}\": stat {name}: no such file or directory"
            ));
            return out;
        }
        Launch::Denied => {
            out.exit_code = 126;
            out.start_error = Some(format!("exec: \"{name}\": permission denied"));
            return out;
        }
        Launch::Ran(_) | Launch::Format => {}
    }
    let r = launch::exec_file(&mut sh, &path, &req.argv, false);
    let _ = sh.flush_all();
    let code = match r {
        Ok(Launch::Ran(s)) => s,
        Ok(Launch::NotFound) => {
            // runc started the process; its execve failed (e.g. a missing `#!` interpreter).
            sh.sinks[1]
                .buf
                .extend_from_slice(format!("exec {name}: no such file or directory\n").as_bytes());
            1
        }
        Ok(Launch::Denied) => {
            out.start_error = Some(format!("exec: \"{name}\": permission denied"));
            126
        }
        Ok(Launch::Format) => {
            sh.sinks[1]
                .buf
                .extend_from_slice(format!("exec {name}: exec format error\n").as_bytes());
            1
        }
        Err(Ctl::Exit(s)) | Err(Ctl::Return(s)) => s,
        Err(Ctl::Break(_)) | Err(Ctl::Continue(_)) => 0,
        Err(Ctl::NotSimulated(ns)) => {
            out.not_simulated = Some(ns);
            crate::exec::NOT_SIMULATED_EXIT
        }
        // SIGKILL (docker stop's, after its grace period) or a SIGTERM nobody caught: 128 + the signal.
        Err(Ctl::Killed(sig)) => 128 + sig,
        Err(Ctl::Limit(l)) => {
            let what = match l {
                Limit::Steps => "commands",
                Limit::LoopIterations => "loop iterations",
                Limit::BytesWritten => "bytes written",
                Limit::Output => "output",
                Limit::Depth => "nesting depth",
                Limit::Time => "simulated time",
            };
            let msg = format!("strata: the simulation stopped: limit on {what} reached\n");
            sh.sinks[1].buf.extend_from_slice(msg.as_bytes());
            137
        }
    };
    for s in &mut sh.sinks {
        match s.dest {
            Dest::Stdout => out.stdout.append(&mut s.buf),
            Dest::Stderr => out.stderr.append(&mut s.buf),
            _ => {}
        }
    }
    out.exit_code = code;
    out.notes = std::mem::take(&mut sh.notes);
    let killed = matches!(
        sh.timeline.events.last(),
        Some((_, crate::exec::Event::Kill))
    );
    if out.not_simulated.is_none() && !killed {
        let at = sh.timeline.elapsed_ms;
        sh.timeline
            .events
            .push((at, crate::exec::Event::Exit(code)));
    }
    out.timeline = std::mem::take(&mut sh.timeline);
    out
}
