//! The simulated busybox `ash`: words, quoting, expansion, control flow, redirections, and the applets.
//!
//! Start reading at [`start`] (what [`crate::exec::exec`] calls): it finds the executable the way runc does,
//! then [`launch::exec_file`] decides what the file is (busybox, a `#!` script, a shell, a package manager,
//! an applet). The shell itself is [`parser`] (text to [`ast`]), [`interp`] (running commands, file
//! descriptors, pipelines), [`expand`] (words to fields) and [`builtins`]; the applets are in [`applets`].
//!
//! Pipelines run their commands one after the other, each reading the previous one's complete output;
//! nothing here takes wall-clock time (`sleep` returns at once).

pub mod applets;
pub mod arith;
pub mod ast;
pub mod builtins;
pub mod expand;
pub mod interp;
pub mod launch;
pub mod parser;
pub mod pattern;
pub mod regex;

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
        Err(Ctl::Limit(l)) => {
            let what = match l {
                Limit::Steps => "commands",
                Limit::LoopIterations => "loop iterations",
                Limit::BytesWritten => "bytes written",
                Limit::Output => "output",
                Limit::Depth => "nesting depth",
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
    out
}
