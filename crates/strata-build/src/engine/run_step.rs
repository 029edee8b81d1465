//! RUN: the argv (heredoc forms included), the environment and user, the mount points BuildKit's runtime
//! needs, and the backend that executes it.

use strata_dockerfile::instructions::{self, ShellOrExec};
use strata_image::{Attrs, NodeKind, Overlay, Timestamp};

use super::fs_step::StepRun;
use super::run_mounts;
use super::state::State;
use super::{Builder, BUILD_HOSTNAME};
use crate::backend::RunRequest;
use crate::cache::StepInputs;
use crate::copy;
use crate::history::{self};
use crate::BuildError;

impl Builder<'_, '_> {
    /// RUN.
    pub(super) fn run_step(
        &mut self,
        st: &mut State,
        r: &instructions::Run,
        source_text: String,
    ) -> Result<(), BuildError> {
        let style = self.req.style;
        let shell = st.shell();
        let argv = run_argv(r, &shell);
        let args = st.args_in_effect();
        let env: Vec<String> = st
            .run_env
            .vars()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let cwd = st.workdir();
        let (uid, gid, home, groups) = self.user_ids(st, r.span)?;
        // BuildKit's executor adds HOME from the user's passwd entry when the env has none.
        let mut env = env;
        if !env.iter().any(|e| e.starts_with("HOME=")) {
            env.push(format!("HOME={home}"));
        }
        let by = history::run(&argv, &args, style);
        let (mut mounts, mount_sums) = self.run_mounts(st, &r.mounts, r.span)?;
        // The history leaves the mounts out; the cache key does not.
        let mut instruction = by.clone();
        for m in &r.mounts {
            instruction.push(' ');
            instruction.push_str(
                self.req
                    .dockerfile
                    .get(m.span.start..m.span.end)
                    .unwrap_or_default(),
            );
        }
        let inputs = StepInputs {
            parent: st.key,
            instruction,
            env: env.clone(),
            args: args.clone(),
            cwd_user: format!("{cwd} {uid}:{gid}"),
            files: mount_sums,
        };
        let mut kept_caches = Vec::new();
        let raw_cwd = cwd.clone();
        let req = RunRequest {
            argv: argv.clone(),
            env,
            cwd: copy::clean(&cwd),
            uid,
            gid,
            groups,
            hostname: BUILD_HOSTNAME.to_owned(),
            now: self.req.now,
            layers: st.layers.clone(),
            network: r
                .network
                .unwrap_or(strata_dockerfile::instructions::NetworkMode::Default),
            read_only: run_mounts::read_only_targets(&mounts),
            cache_targets: run_mounts::cache_targets(&mounts),
        };
        let shown = format!("/bin/sh -c {}", argv.last().cloned().unwrap_or_default());
        let shown = if r.cmd.is_shell() {
            shown
        } else {
            argv.join(" ")
        };
        let unknown_base = st.unknown_base.clone();
        let command = match &r.cmd {
            ShellOrExec::Shell(_) => argv.last().cloned().unwrap_or_default(),
            ShellOrExec::Exec(_) => argv.join(" "),
        };
        let result = self.fs_step(st, source_text, r.span, inputs, by, "RUN", |fs, backend, out| {
            // On an unknown base the step runs on a copy: if its program is not there (the base's files are
            // unknown), nothing it did is kept and the layer is empty.
            let before_run = unknown_base.as_ref().map(|_| fs.clone());
            let stubs = mount_stubs(fs, req.now);
            // BuildKit runs in the working directory, creating it if needed, as Go's MkdirAll
            // does on the path as written (`/srv/other/../final` creates `/srv/other`).
            mkdir_all_as_written(fs, &raw_cwd, Attrs::new(0o755, 0, 0, req.now));
            let before = run_mounts::mount(fs, &mut mounts, req.now);
            let out = backend.run_live(fs, &req, out);
            run_mounts::unmount(fs, &mounts, &before, &mut kept_caches, req.now);
            remove_stubs(fs, &stubs, req.now);
            let mut run = StepRun {
                stdout: out.stdout,
                stderr: out.stderr,
                notes: out.notes,
            };
            if out.elapsed_ms > 0 {
                run.notes.push(format!(
                    "simulated time: the step took {} (sleep advances the simulator's clock; no real time passed)",
                    crate::time::simulated_duration(out.elapsed_ms)
                ));
            }
            if let (Some(base), Some(untouched)) = (&unknown_base, before_run) {
                if out.not_simulated.is_some() || out.start_error.is_some() {
                    *fs = untouched;
                    run.notes.push(format!(
                        "not simulated: {command}: the base image {base} is unknown to strata, so its programs \
                         are not there; this step ran nothing and its layer is empty"
                    ));
                    return Ok(run);
                }
            }
            if let Some(ns) = out.not_simulated {
                return Err((
                    format!("process \"{shown}\" did not complete: {ns}"),
                    run,
                ));
            }
            if let Some(err) = out.start_error {
                run.notes.push(err.clone());
                return Err((
                    format!(
                        "process \"{shown}\" did not complete successfully: exit code: {}: {err}",
                        out.exit_code
                    ),
                    run,
                ));
            }
            if out.exit_code != 0 {
                let limit = if out.limit_hit {
                    " (stopped by the simulator's limits)"
                } else {
                    ""
                };
                return Err((
                    format!(
                        "process \"{shown}\" did not complete successfully: exit code: {}{limit}",
                        out.exit_code
                    ),
                    run,
                ));
            }
            Ok(run)
        });
        // A cache mount keeps what the command left there, even when the command then failed.
        self.cache.keep_mount_caches(kept_caches);
        result
    }
}

/// The argv of a RUN: heredoc forms as BuildKit builds them.
pub(super) fn run_argv(r: &instructions::Run, shell: &[String]) -> Vec<String> {
    if let (ShellOrExec::Shell(w), [only]) = (&r.cmd, r.heredocs.as_slice()) {
        let cmd = w.text.trim();
        if cmd == format!("<<{}", only.name)
            || cmd == format!("<<-{}", only.name)
            || cmd.starts_with("<<") && cmd.split_whitespace().count() == 1
        {
            let mut v = shell.to_vec();
            v.push(only.body().into_owned());
            return v;
        }
    }
    if let ShellOrExec::Shell(w) = &r.cmd {
        if !r.heredocs.is_empty() {
            let mut script = w.text.to_string();
            for h in &r.heredocs {
                script.push('\n');
                script.push_str(&h.body());
                script.push_str(&h.name);
            }
            let mut v = shell.to_vec();
            v.push(script);
            return v;
        }
    }
    r.cmd.argv(shell)
}

/// Creates the mount points BuildKit's runtime needs (`/dev`, `/proc`, `/sys`, `/etc/hosts`,
/// `/etc/resolv.conf`) when the image lacks them; returns the files to remove after the step. The
/// directories stay, and `/etc` is touched: that is why BuildKit's RUN layers on a minimal base hold
/// `/dev /etc /proc /sys` (OBSERVED.md §3).
pub(super) fn mount_stubs(fs: &mut Overlay, now: Timestamp) -> Vec<String> {
    let dir = Attrs::new(0o755, 0, 0, now);
    for d in ["/dev", "/proc", "/sys"] {
        if fs.lstat(d).is_err() {
            let _ = fs.mkdir(d, dir.clone());
        }
    }
    let mut created = Vec::new();
    for f in ["/etc/hosts", "/etc/resolv.conf"] {
        if fs.lstat(f).is_err() {
            if fs.lstat("/etc").is_err() {
                let _ = fs.mkdir("/etc", dir.clone());
            }
            if fs
                .create(
                    f,
                    Attrs::new(0o644, 0, 0, now),
                    NodeKind::File(Default::default()),
                )
                .is_ok()
            {
                created.push(f.to_owned());
            }
        }
    }
    created
}

/// Creates the directories of `path` as Go's `os.MkdirAll` would on the path as written: every prefix
/// that does not exist, `..` going back up (so a component before a `..` is created too).
pub(super) fn mkdir_all_as_written(fs: &mut Overlay, path: &str, attrs: Attrs) {
    if fs
        .stat(&copy::clean(path))
        .map(|s| s.is_dir())
        .unwrap_or(false)
        && !path.split('/').any(|c| c == "..")
    {
        return;
    }
    let mut cur: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                cur.pop();
            }
            c => {
                cur.push(c);
                let p = format!("/{}", cur.join("/"));
                if fs.lstat(&p).is_err() {
                    let _ = fs.mkdir_all(&p, attrs.clone());
                }
            }
        }
    }
}

pub(super) fn remove_stubs(fs: &mut Overlay, stubs: &[String], now: Timestamp) {
    for f in stubs {
        let _ = fs.remove_file(f, now);
    }
}
