//! Starting a process in the simulated container: the shared types every applet, the shell and the package
//! models work with.

use std::collections::BTreeMap;

use strata_image::{Overlay, Timestamp};

pub use strata_build::NotSimulated;

/// The CLI's exit status for a run that reached a program the simulator cannot run: strata's own, outside
/// Docker's 125–127 and the 128+signal range, so it cannot be read as something Docker reported.
pub const NOT_SIMULATED_EXIT: i32 = 250;

/// Bounds on one simulated run (a RUN step or a `docker run`). Hitting one ends the run with
/// [`Note::LimitHit`] and exit code 137, so the build can report a clear error on the step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Commands, builtins and applets executed (a `while true; do :; done` stops here).
    pub max_steps: u64,
    /// Iterations of any one `for`/`while`/`until` loop.
    pub max_loop_iterations: u64,
    /// Bytes written into the filesystem by the run.
    pub max_bytes_written: u64,
    /// Bytes of stdout plus stderr kept.
    pub max_output: u64,
    /// Nesting of functions, `sh -c`, scripts and subshells.
    pub max_depth: u32,
    /// Simulated seconds one run may last (a RUN step with `sleep infinity` would make BuildKit wait forever:
    /// here it stops at this limit, as any endless step does).
    pub max_time_secs: u64,
    /// Simulated seconds a `docker run` container runs before it is stopped as `docker stop` would stop it
    /// ([`StopPlan`]); RUN steps are never stopped (BuildKit waits for them).
    pub run_seconds: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_steps: 1_000_000,
            max_loop_iterations: 100_000,
            max_bytes_written: 512 << 20,
            max_output: 8 << 20,
            max_depth: 64,
            max_time_secs: 24 * 3600,
            run_seconds: 60,
        }
    }
}

/// Which limit a run hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// [`Limits::max_steps`].
    Steps,
    /// [`Limits::max_loop_iterations`].
    LoopIterations,
    /// [`Limits::max_bytes_written`].
    BytesWritten,
    /// [`Limits::max_output`].
    Output,
    /// [`Limits::max_depth`].
    Depth,
    /// [`Limits::max_time_secs`].
    Time,
}

/// The counters a run charges against its [`Limits`].
#[derive(Debug, Clone, Default)]
pub struct Budget {
    /// The limits.
    pub limits: Limits,
    /// Steps used so far.
    pub steps: u64,
    /// Bytes written so far.
    pub bytes_written: u64,
    /// Output bytes so far.
    pub output: u64,
}

impl Budget {
    /// A fresh budget with these limits.
    pub fn new(limits: Limits) -> Budget {
        Budget {
            limits,
            ..Budget::default()
        }
    }

    /// Counts one step.
    pub fn step(&mut self) -> Result<(), Limit> {
        self.steps += 1;
        if self.steps > self.limits.max_steps {
            return Err(Limit::Steps);
        }
        Ok(())
    }

    /// Counts `n` bytes written to the filesystem.
    pub fn write(&mut self, n: u64) -> Result<(), Limit> {
        self.bytes_written = self.bytes_written.saturating_add(n);
        if self.bytes_written > self.limits.max_bytes_written {
            return Err(Limit::BytesWritten);
        }
        Ok(())
    }
}

/// Something the simulator wants the user to see about a run, shown on the step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// The effect was modelled, not computed (e.g. `apt-get install vim` added catalogue files).
    Modelled {
        /// The command, e.g. `apt-get install vim`.
        command: String,
        /// What was modelled.
        detail: String,
    },
    /// The simulator cannot model this command or option; it failed visibly instead of pretending.
    Unsupported {
        /// The command.
        command: String,
        /// What is not supported.
        detail: String,
    },
    /// The run stopped at a limit.
    LimitHit {
        /// Which one.
        limit: Limit,
        /// A human description, e.g. `more than 100000 loop iterations`.
        detail: String,
    },
}

/// The identity a process runs as.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Identity {
    /// User ID.
    pub uid: u32,
    /// Primary group ID.
    pub gid: u32,
    /// Supplementary groups (BuildKit's RUN has none; `docker run` has the user's groups).
    pub groups: Vec<u32>,
}

/// When a running container is stopped, as `docker stop` does it: SIGTERM to PID 1 at `term_at_ms`
/// (simulated milliseconds after the start), then SIGKILL `grace_ms` later (docker's default 10 s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StopPlan {
    /// When SIGTERM is sent.
    pub term_at_ms: u64,
    /// How long docker waits before SIGKILL.
    pub grace_ms: u64,
}

impl StopPlan {
    /// `docker stop` after `secs` simulated seconds, with docker's 10 s grace period.
    pub fn docker_stop_after(secs: u64) -> StopPlan {
        StopPlan {
            term_at_ms: secs.saturating_mul(1000),
            grace_ms: 10_000,
        }
    }

    /// When SIGKILL is sent.
    pub fn kill_at_ms(&self) -> u64 {
        self.term_at_ms.saturating_add(self.grace_ms)
    }
}

/// Something that happened at a simulated time during a run, for its timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// `docker stop` sent SIGTERM to PID 1; `handled` when PID 1 had a handler (a shell's `trap … TERM`).
    /// PID 1 without a handler ignores it, as the kernel does for a container's init.
    Term {
        /// Whether PID 1 handles it.
        handled: bool,
    },
    /// `docker stop`'s SIGKILL after the grace period: exit code 137.
    Kill,
    /// The process exited with this status.
    Exit(i32),
}

/// The simulated clock of one run: the start time, the simulated milliseconds since, and where the output
/// stood when the clock moved (so each output line can be shown with its simulated time).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    /// Simulated milliseconds from the start to the end of the run.
    pub elapsed_ms: u64,
    /// `(ms, stdout bytes so far)` each time the clock moved forward: stdout bytes before the first mark
    /// were printed at 0 ms, bytes between two marks at the earlier one's time.
    pub marks: Vec<(u64, usize)>,
    /// Signals and the exit, with their times.
    pub events: Vec<(u64, Event)>,
    /// The stop plan the run had, if any.
    pub stop: Option<StopPlan>,
}

impl Timeline {
    /// Each stdout line with the simulated milliseconds at which it was printed.
    pub fn stdout_lines<'a>(&self, stdout: &'a [u8]) -> Vec<(u64, std::borrow::Cow<'a, str>)> {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, b) in stdout.iter().enumerate() {
            if *b == b'\n' || i + 1 == stdout.len() {
                let at = self
                    .marks
                    .iter()
                    .take_while(|(_, len)| *len <= start)
                    .last()
                    .map_or(0, |(ms, _)| *ms);
                let end = if *b == b'\n' { i } else { i + 1 };
                out.push((at, String::from_utf8_lossy(&stdout[start..end])));
                start = i + 1;
            }
        }
        out
    }

    /// Whether time passed in the run (a `sleep`), so a timeline is worth showing.
    pub fn moved(&self) -> bool {
        self.elapsed_ms > 0
            || self
                .events
                .iter()
                .any(|(_, e)| !matches!(e, Event::Exit(_)))
    }
}

/// What to start: the resolved argv, environment, working directory and identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecRequest {
    /// `argv[0]` is looked up through `PATH` when it has no `/`.
    pub argv: Vec<String>,
    /// `KEY=value` in order, as the runtime passes them.
    pub env: Vec<String>,
    /// Absolute working directory.
    pub cwd: String,
    /// Who runs it.
    pub identity: Identity,
    /// Standard input.
    pub stdin: Vec<u8>,
    /// The time files are stamped with.
    pub now: Timestamp,
    /// The container's hostname.
    pub hostname: String,
    /// Bounds on the run.
    pub limits: Limits,
    /// When a `docker run` container is stopped (`None` for RUN steps, which BuildKit waits for).
    pub stop: Option<StopPlan>,
    /// The targets of the RUN step's cache mounts (what is written there stays out of the layer).
    pub cache_mounts: Vec<String>,
    /// The process's network namespace has only the loopback interface (`RUN --network=none`), so
    /// `/proc/net/dev` lists `lo` alone. Otherwise it shares a namespace whose interfaces the simulator does
    /// not know (the builder's), and gives no such file.
    pub loopback_only: bool,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExecOutcome {
    /// The exit status (126 permission denied, 127 not found, 137 limit hit or SIGKILL by `docker stop`).
    /// When [`ExecOutcome::not_simulated`] is set no process ended: it is then [`NOT_SIMULATED_EXIT`], strata's
    /// own status, which front ends do not show as a Docker exit code.
    pub exit_code: i32,
    /// The run stopped at a program that exists in the image but that the simulator cannot run.
    pub not_simulated: Option<NotSimulated>,
    /// The simulated clock: how long the run took, when output was printed, the signals of `docker stop`.
    pub timeline: Timeline,
    /// What it printed to stdout.
    pub stdout: Vec<u8>,
    /// What it printed to stderr.
    pub stderr: Vec<u8>,
    /// What the user should know about how it was simulated.
    pub notes: Vec<Note>,
    /// Set when the process could not be started at all (the runtime's error, e.g.
    /// `exec: "/while.sh": permission denied`); Docker reports these itself, not on the process's stderr.
    pub start_error: Option<String>,
}

/// The running process as applets and package models see it.
pub struct Proc<'a> {
    /// The container's filesystem.
    pub fs: &'a mut Overlay,
    /// Environment variables (exported ones).
    pub env: &'a BTreeMap<String, String>,
    /// Absolute working directory.
    pub cwd: &'a str,
    /// Who runs it.
    pub identity: &'a Identity,
    /// The file mode creation mask (022 by default).
    pub umask: u32,
    /// The time files are stamped with.
    pub now: Timestamp,
    /// Standard input.
    pub stdin: &'a [u8],
    /// Standard output.
    pub stdout: &'a mut Vec<u8>,
    /// Standard error.
    pub stderr: &'a mut Vec<u8>,
    /// Notes shown on the step.
    pub notes: &'a mut Vec<Note>,
    /// Counters against the run's limits.
    pub budget: &'a mut Budget,
    /// The targets of the RUN step's cache mounts.
    pub cache_mounts: &'a [String],
}

/// Starts `req` in `fs` and runs it to the end, as runc would start the process: `argv[0]` is looked up
/// through `PATH` (from `req.env`) when it has no `/`; a missing file, a directory or a file without an exec
/// bit is a start error (127 / 126) in Docker's words; otherwise the file runs ([`crate::shell`]).
pub fn exec(fs: &mut Overlay, req: &ExecRequest) -> ExecOutcome {
    crate::shell::start(fs, req)
}
