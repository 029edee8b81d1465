//! Starting a process in the simulated container: the shared types every applet, the shell and the package
//! models work with.

use std::collections::BTreeMap;

use strata_image::{Overlay, Timestamp};

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
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_steps: 1_000_000,
            max_loop_iterations: 100_000,
            max_bytes_written: 512 << 20,
            max_output: 8 << 20,
            max_depth: 64,
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
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExecOutcome {
    /// The exit status (126 permission denied, 127 not found, 137 limit hit).
    pub exit_code: i32,
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
}

/// Starts `req` in `fs` and runs it to the end, as runc would start the process: `argv[0]` is looked up
/// through `PATH` (from `req.env`) when it has no `/`; a missing file, a directory or a file without an exec
/// bit is a start error (127 / 126) in Docker's words; otherwise the file runs ([`crate::shell`]).
pub fn exec(fs: &mut Overlay, req: &ExecRequest) -> ExecOutcome {
    crate::shell::start(fs, req)
}
