//! `docker run` in the simulator: resolve what an image starts with the run's options, give it the
//! filesystem Docker's runtime gives a container, run it, and keep its writable layer for `docker diff` and
//! `docker commit`.
//!
//! Shared by the CLI's `run` verb and the playground's run panel, so both start the same process on the same
//! files. Pure: the time and the container ID come in from the caller.

use std::sync::Arc;

use strata_build::run::{resolve_explained, ImageFiles, Resolved, RunError, RunOptions};
use strata_image::image::ContainerConfig;
use strata_image::{Changeset, EntryKind, Overlay, Timestamp, Tree};

use crate::backend::container_rootfs;
use crate::exec::{exec, Event, ExecOutcome, ExecRequest, Identity, Limits, StopPlan};

/// An image's merged filesystem as `docker run` reads `/etc/passwd` and `/etc/group` from it.
pub struct TreeFiles<'a>(pub &'a Tree);

impl ImageFiles for TreeFiles<'_> {
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        self.0.read(path).ok().map(|c| c.bytes().into_owned())
    }
}

/// What one `docker run` did.
#[derive(Debug, Clone)]
pub struct Started {
    /// What Docker would start, with the explanation of each decision.
    pub resolved: Resolved,
    /// How the process ended.
    pub outcome: ExecOutcome,
    /// The container's filesystem: the image (plus the runtime's additions) below, its writable layer above.
    pub fs: Overlay,
}

/// Why a run did not start a process: Docker's error (exit code 125) and the explanation gathered up to it.
#[derive(Debug, Clone)]
pub struct NotStarted {
    /// The error.
    pub error: RunError,
    /// What was decided before it (which ENTRYPOINT and CMD were there, what removed them).
    pub explanation: Vec<String>,
}

/// Runs the image with merged filesystem `image` and config `config` as `docker run` with `opts` would, in
/// a container with ID `id` (its first 12 characters are the hostname) at time `now`.
pub fn run(
    image: &Tree,
    config: &ContainerConfig,
    opts: &RunOptions,
    id: &str,
    now: Timestamp,
    limits: Limits,
) -> Result<Started, NotStarted> {
    let hostname: String = id.chars().take(12).collect();
    let mut opts = opts.clone();
    if opts.hostname.is_none() {
        opts.hostname = Some(hostname.clone());
    }
    let resolved = match resolve_explained(config, &opts, &TreeFiles(image)) {
        (Ok(r), _) => r,
        (Err(error), explanation) => return Err(NotStarted { error, explanation }),
    };
    let volumes: Vec<String> = config
        .volumes
        .clone()
        .flatten()
        .map(|v| v.into_keys().collect())
        .unwrap_or_default();
    let rootfs = container_rootfs(image, &volumes, &resolved.argv, &resolved.env, &hostname);
    let mut fs = Overlay::new(Arc::new(rootfs));
    let outcome = exec(
        &mut fs,
        &ExecRequest {
            argv: resolved.argv.clone(),
            env: resolved.env.clone(),
            cwd: resolved.workdir.clone(),
            identity: Identity {
                uid: resolved.uid,
                gid: resolved.gid,
                groups: resolved.groups.clone(),
            },
            stdin: Vec::new(),
            now,
            hostname,
            stop: Some(StopPlan::docker_stop_after(limits.run_seconds)),
            limits,
        },
    );
    Ok(Started {
        resolved,
        outcome,
        fs,
    })
}

/// One line of `docker diff`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    /// `A` added, `C` changed (a copy-up of a path the image has, or a directory something changed in), `D`
    /// deleted.
    pub kind: char,
    /// The absolute path.
    pub path: String,
}

impl std::fmt::Display for DiffLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.kind, self.path)
    }
}

/// `docker diff` of a container whose image's merged filesystem is `lower` and whose writable layer is
/// `upper`: a whiteout is `D`, an entry for a path that exists below is `C`, anything else `A`.
pub fn docker_diff(lower: &Tree, upper: &Changeset) -> Vec<DiffLine> {
    upper
        .entries
        .iter()
        .filter_map(|e| {
            let kind = match &e.kind {
                EntryKind::Whiteout => 'D',
                EntryKind::Opaque => return None,
                _ if lower.lstat(&e.path).is_ok() => 'C',
                _ => 'A',
            };
            Some(DiffLine {
                kind,
                path: e.path.clone(),
            })
        })
        .collect()
}

/// The run's simulated timeline as `[strata]` lines, when time passed in it (a `sleep`) or `docker stop`
/// had to stop it: `t=0s start`, `t=60s docker stop: SIGTERM …`, `t=70s SIGKILL, exit code 137`.
pub fn timeline_lines(outcome: &ExecOutcome) -> Vec<String> {
    use strata_build::time::simulated_duration as d;
    let tl = &outcome.timeline;
    if !tl.moved() {
        return Vec::new();
    }
    let mut out = Vec::new();
    out.push(match tl.stop {
        Some(stop) => format!(
            "[strata] time is simulated: t=0s start; a container still running at t={} is stopped as `docker stop` would stop it",
            d(stop.term_at_ms)
        ),
        None => "[strata] time is simulated: t=0s start".to_owned(),
    });
    for (at, e) in &tl.events {
        out.push(match e {
            Event::Term { handled: true } => format!(
                "[strata] t={} docker stop: SIGTERM to PID 1, which traps it",
                d(*at)
            ),
            Event::Term { handled: false } => format!(
                "[strata] t={} docker stop: SIGTERM to PID 1, which ignores it (PID 1 has no handler for it)",
                d(*at)
            ),
            Event::Kill => format!(
                "[strata] t={} docker stop: SIGKILL after the 10 s grace period, exit code 137",
                d(*at)
            ),
            Event::Exit(code) => format!("[strata] t={} exited, exit code {code}", d(*at)),
        });
    }
    out
}
