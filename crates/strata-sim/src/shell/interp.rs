//! The interpreter: runs [`Command`]s against the shell's state, with file descriptors, pipelines,
//! subshells, functions and the `ash` builtins.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use strata_image::{Attrs, Content, NodeKind, Overlay, Timestamp};

use super::ast::{Command, Redir, RedirOp, Word};
use super::parser::{is_name, Parser};
use crate::exec::{Budget, Identity, Limit, Note};

/// Why execution stopped early (unwinds to the construct that handles it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ctl {
    /// `break n`.
    Break(u32),
    /// `continue n`.
    Continue(u32),
    /// `return n`.
    Return(i32),
    /// `exit n` (or a fatal shell error).
    Exit(i32),
    /// A limit was hit: ends the whole run.
    Limit(Limit),
    /// A program exists but the simulator cannot run it: ends the whole run (whatever it would have done
    /// is unknown, so nothing after it is simulated).
    NotSimulated(crate::exec::NotSimulated),
    /// The process was killed by a signal at a simulated time: 9 is `docker stop`'s SIGKILL (ends the
    /// run), 15 a `timeout`'s SIGTERM (ends the command `timeout` runs).
    Killed(i32),
}

/// A process of the simulated container, for `ps`, `pidof`, `$$` and `$PPID`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcInfo {
    /// Its PID.
    pub pid: u32,
    /// Its parent's PID (0 for PID 1).
    pub ppid: u32,
    /// `/proc/PID/cmdline`, arguments joined by spaces.
    pub cmdline: String,
    /// `/proc/PID/comm`: the name of the program running (a busybox applet forked without exec keeps
    /// its parent's cmdline, and `ps` shows it as `{comm} cmdline`).
    pub comm: String,
}

/// Result of running something.
pub type Run = Result<i32, Ctl>;

pub use super::vars::{Order, Var, Vars};

/// Shell options (`set -e` …).
#[derive(Debug, Clone, Copy, Default)]
pub struct Opts {
    /// `-e`.
    pub errexit: bool,
    /// `-x`.
    pub xtrace: bool,
    /// `-u`.
    pub nounset: bool,
    /// `-f`.
    pub noglob: bool,
    /// `-o pipefail`.
    pub pipefail: bool,
}

/// Readable input (a here-document, a file, a pipe), shared by the commands that read it in turn.
#[derive(Debug, Clone)]
pub struct Input {
    /// All the bytes.
    pub data: Rc<Vec<u8>>,
    /// How far readers have got.
    pub pos: Rc<Cell<usize>>,
}

impl Input {
    /// Input over `data`.
    pub fn new(data: Vec<u8>) -> Input {
        Input {
            data: Rc::new(data),
            pos: Rc::new(Cell::new(0)),
        }
    }

    /// What is left to read.
    pub fn rest(&self) -> &[u8] {
        let p = self.pos.get().min(self.data.len());
        &self.data[p..]
    }

    /// Marks everything read.
    pub fn consume_all(&self) {
        self.pos.set(self.data.len());
    }

    /// The next line without its newline, consumed; `None` at the end of the input.
    pub fn read_line(&self) -> Option<String> {
        let rest = self.rest();
        if rest.is_empty() {
            return None;
        }
        let n = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |i| i + 1);
        let line = String::from_utf8_lossy(&rest[..n])
            .trim_end_matches('\n')
            .to_owned();
        self.pos.set(self.pos.get() + n);
        Some(line)
    }
}

/// Where an output sink's bytes end up.
#[derive(Debug, Clone, PartialEq)]
pub enum Dest {
    /// The process's stdout.
    Stdout,
    /// The process's stderr.
    Stderr,
    /// `/dev/null`.
    Null,
    /// A file (appended to at each flush).
    File(String),
    /// Kept in the buffer (pipes, command substitution).
    Capture,
}

/// An open output.
#[derive(Debug, Clone)]
pub struct Sink {
    /// Bytes not yet delivered.
    pub buf: Vec<u8>,
    /// Where they go.
    pub dest: Dest,
}

/// A file descriptor.
#[derive(Debug, Clone)]
pub enum Fd {
    /// Not open.
    Closed,
    /// Open for reading.
    In(Input),
    /// Open for writing: index into the sinks.
    Out(usize),
}

/// Number of file descriptors modelled (0–9).
pub const NFD: usize = 10;

/// State that a subshell copies and throws away.
#[derive(Clone)]
pub struct State {
    /// Variables.
    pub vars: Vars,
    /// Functions.
    pub funcs: HashMap<String, Rc<Command>>,
    /// `$1…`.
    pub positional: Vec<String>,
    /// `$0`.
    pub arg0: String,
    /// Working directory.
    pub cwd: String,
    /// File mode creation mask.
    pub umask: u32,
    /// Options.
    pub opts: Opts,
    /// Whether the text comes from a script file (line numbers 1-based) rather than `-c` (0-based).
    pub script: bool,
    /// ash's "command name": the script, or the `$0` given after `sh -c text`; errors then carry `line N:`.
    pub cmdname: Option<String>,
    /// busybox built with standalone applets: applet names run without a PATH lookup.
    pub standalone: bool,
    /// `bash`: brace expansion on.
    pub brace: bool,
    /// `trap` actions by condition (only `EXIT` is ever run).
    pub traps: BTreeMap<String, String>,
    /// The shell was started with `-c` / reads stdin (`$-` shows `c` / `s`).
    pub flags_cs: (bool, bool),
    /// Local variable frames of the running functions (saved values).
    pub locals: Vec<Vec<(String, Option<Var>)>>,
}

/// The simulated shell (one per run; `sh -c` and subshells swap its [`State`]).
pub struct Shell<'a> {
    /// The container's filesystem.
    pub fs: &'a mut Overlay,
    /// Variables, functions, positional parameters, cwd …
    pub st: State,
    /// Who runs.
    pub identity: Identity,
    /// The time files are stamped with.
    pub now: Timestamp,
    /// The container's hostname.
    pub hostname: String,
    /// Notes for the user.
    pub notes: Vec<Note>,
    /// Limits and counters.
    pub budget: Budget,
    /// `$?`.
    pub status: i32,
    /// Open outputs.
    pub sinks: Vec<Sink>,
    /// File descriptors 0–9.
    pub fds: Vec<Fd>,
    /// Nesting of functions, subshells, `sh -c`, `eval`.
    pub depth: u32,
    /// Contexts where `set -e` does not apply (conditions, `!`, left of `&&`/`||`).
    pub errexit_off: u32,
    /// Line of the command running.
    pub line: u32,
    /// `$$`.
    pub pid: u32,
    /// Nesting of loops (for break/continue).
    pub loops: u32,
    /// The limit hit, if any (kept for the report).
    pub limit_hit: Option<Limit>,
    /// Status of the last command substitution of the current command.
    pub last_cmdsub_status: Option<i32>,
    /// State of `$RANDOM` (seeded from the run's time, so runs are reproducible).
    pub random: Cell<u64>,
    /// The simulated clock: `sleep` moves it, `date` reads it ([`Shell::advance`]).
    pub timeline: crate::exec::Timeline,
    /// The run's start time (`now` is this plus the simulated time elapsed).
    pub start: Timestamp,
    /// When `docker stop` stops the container, if it does.
    pub stop: Option<crate::exec::StopPlan>,
    /// The targets of the RUN step's cache mounts ([`crate::exec::ExecRequest::cache_mounts`]).
    pub cache_mounts: Vec<String>,
    /// Only loopback in the network namespace ([`crate::exec::ExecRequest::loopback_only`]).
    pub loopback_only: bool,
    /// `docker stop` has sent SIGTERM.
    pub term_sent: bool,
    /// PID 1 (a shell) runs its TERM trap when the command it waits for has finished.
    pub term_pending: bool,
    /// Process nesting: 0 before a shell runs as PID 1, 1 in PID 1's shell, more in child shells and
    /// subshells.
    pub proc_depth: u32,
    /// PID 1's `trap … TERM` action.
    pub pid1_term_trap: Option<String>,
    /// Deadlines (simulated ms) of the `timeout`s running, innermost last.
    pub deadlines: Vec<u64>,
    /// The deadline that fired, for the `timeout` that set it.
    pub fired_deadline: Option<u64>,
    /// The container's processes from PID 1 to the one running now.
    pub procs: Vec<ProcInfo>,
    /// The next PID to hand out.
    pub next_pid: u32,
    /// The command running is the last of PID 1's `sh -c` text, which ash execs in place of itself.
    pub tail_exec: bool,
}

/// Sink 0 is the process's stdout, sink 1 its stderr.
pub const SINK_STDOUT: usize = 0;
/// See [`SINK_STDOUT`].
pub const SINK_STDERR: usize = 1;

impl<'a> Shell<'a> {
    /// A shell over `fs` with `env` exported, working in `cwd`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        fs: &'a mut Overlay,
        env: &[String],
        cwd: &str,
        identity: Identity,
        now: Timestamp,
        hostname: &str,
        budget: Budget,
        stdin: Vec<u8>,
    ) -> Shell<'a> {
        // A plain process: its environment as given (a shell rebuilds it in `run_sh`).
        let mut vars = Vars::from_environ(env, Order::Creation);
        for (k, v) in [
            ("IFS", " \t\n"),
            ("PS1", "\\w \\$ "),
            ("PS2", "> "),
            ("PS4", "+ "),
            ("OPTIND", "1"),
        ] {
            if !vars.contains_key(k) {
                vars.slot(k).value = v.to_owned();
            }
        }
        let mut fds = vec![Fd::Closed; NFD];
        fds[0] = Fd::In(Input::new(stdin));
        fds[1] = Fd::Out(SINK_STDOUT);
        fds[2] = Fd::Out(SINK_STDERR);
        Shell {
            fs,
            st: State {
                vars,
                funcs: HashMap::new(),
                positional: Vec::new(),
                arg0: "sh".to_owned(),
                cwd: cwd.to_owned(),
                umask: 0o022,
                opts: Opts::default(),
                script: false,
                cmdname: None,
                traps: BTreeMap::new(),
                flags_cs: (false, false),
                standalone: false,
                brace: false,
                locals: Vec::new(),
            },
            identity,
            now,
            hostname: hostname.to_owned(),
            notes: Vec::new(),
            budget,
            status: 0,
            sinks: vec![
                Sink {
                    buf: Vec::new(),
                    dest: Dest::Stdout,
                },
                Sink {
                    buf: Vec::new(),
                    dest: Dest::Stderr,
                },
            ],
            fds,
            depth: 0,
            errexit_off: 0,
            line: 0,
            pid: 1,
            loops: 0,
            limit_hit: None,
            last_cmdsub_status: None,
            random: Cell::new(now.secs as u64 ^ 0x5DEE_CE66_D1CE_4E5B),
            timeline: crate::exec::Timeline::default(),
            start: now,
            stop: None,
            cache_mounts: Vec::new(),
            loopback_only: false,
            term_sent: false,
            term_pending: false,
            proc_depth: 0,
            pid1_term_trap: None,
            deadlines: Vec::new(),
            fired_deadline: None,
            procs: Vec::new(),
            // runc's own processes take the first PIDs: the first child a container's PID 1 forks is 7 (now
            // and then 6) in Docker 20.10.
            next_pid: 7,
            tail_exec: false,
        }
    }

    // ----- the simulated clock

    /// Moves the simulated clock `ms` forward (a `sleep`), delivering what happens on the way: `docker
    /// stop`'s SIGTERM (PID 1 runs its TERM trap after the command it waits for, or ignores it without
    /// one, as a container's init does), its SIGKILL 10 s later ([`Ctl::Killed`] 9, exit 137), and a
    /// `timeout`'s deadline ([`Ctl::Killed`] 15).
    pub fn advance(&mut self, ms: u64) -> Result<(), Ctl> {
        let target = self.timeline.elapsed_ms.saturating_add(ms);
        let deadline = self.deadlines.iter().copied().min();
        let before = |t: u64| t <= target && deadline.is_none_or(|d| t <= d);
        if let Some(stop) = self.stop {
            if !self.term_sent && before(stop.term_at_ms) {
                self.set_time(stop.term_at_ms);
                self.term_sent = true;
                let handled = self.proc_depth >= 1 && self.pid1_term_trap.is_some();
                self.term_pending = handled;
                self.timeline
                    .events
                    .push((stop.term_at_ms, crate::exec::Event::Term { handled }));
            }
            if before(stop.kill_at_ms()) {
                self.set_time(stop.kill_at_ms());
                self.timeline
                    .events
                    .push((stop.kill_at_ms(), crate::exec::Event::Kill));
                return Err(Ctl::Killed(9));
            }
        }
        if let Some(d) = deadline.filter(|d| *d <= target) {
            self.set_time(d);
            self.fired_deadline = Some(d);
            return Err(Ctl::Killed(15));
        }
        let max = self.budget.limits.max_time_secs.saturating_mul(1000);
        if target > max {
            self.set_time(max);
            return Err(self.limit(Limit::Time));
        }
        self.set_time(target);
        Ok(())
    }

    fn set_time(&mut self, ms: u64) {
        if ms <= self.timeline.elapsed_ms {
            return;
        }
        self.timeline.elapsed_ms = ms;
        let printed = self.sinks.get(SINK_STDOUT).map_or(0, |s| s.buf.len());
        self.timeline.marks.push((ms, printed));
        let secs = i64::try_from(ms / 1000).unwrap_or(i64::MAX);
        let nanos = self.start.nanos as u64 + (ms % 1000) * 1_000_000;
        self.now = Timestamp {
            secs: self
                .start
                .secs
                .saturating_add(secs)
                .saturating_add((nanos / 1_000_000_000) as i64),
            nanos: (nanos % 1_000_000_000) as u32,
        };
    }

    /// The process running now (PID 1 when no process was started yet).
    pub fn current_proc(&self) -> ProcInfo {
        self.procs.last().cloned().unwrap_or(ProcInfo {
            pid: 1,
            ppid: 0,
            cmdline: String::new(),
            comm: String::new(),
        })
    }

    /// Starts a child process (a shell, a subshell) of the current one and returns its PID (`$$` is the
    /// caller's business: a subshell keeps its parent's).
    pub fn push_proc(&mut self, cmdline: String, comm: String) -> u32 {
        let ppid = self.current_proc().pid;
        let pid = if self.procs.is_empty() {
            1
        } else {
            let p = self.next_pid;
            self.next_pid += 1;
            p
        };
        self.procs.push(ProcInfo {
            pid,
            ppid: if self.procs.is_empty() { 0 } else { ppid },
            cmdline,
            comm,
        });
        pid
    }

    /// Ends the current process.
    pub fn pop_proc(&mut self) {
        if self.procs.len() > 1 {
            self.procs.pop();
        }
    }

    // ----- variables

    /// A variable's value.
    pub fn get_var(&self, name: &str) -> Option<&str> {
        self.st.vars.get(name).map(|v| v.value.as_str())
    }

    /// Sets a variable (error text when it is readonly).
    pub fn set_var(&mut self, name: &str, value: &str) -> Result<(), String> {
        let v = self.st.vars.slot(name);
        if v.readonly {
            return Err(format!("{name}: is read only"));
        }
        v.value = value.to_owned();
        Ok(())
    }

    /// The exported variables as the environment of a command started now, in the order it gets them.
    pub fn environ(&self) -> Vec<(String, String)> {
        self.st.vars.environ()
    }

    /// The exported variables, as an environment (by name).
    pub fn env_map(&self) -> BTreeMap<String, String> {
        // Inserted one by one: a `collect` into a BTreeMap sorts first, with a copy of the standard sort.
        let mut map = BTreeMap::new();
        for (k, v) in self.st.vars.iter().filter(|(_, v)| v.exported) {
            map.insert(k.clone(), v.value.clone());
        }
        map
    }

    /// Absolute form of `path` against the working directory.
    pub fn abs(&self, path: &str) -> String {
        if path.starts_with('/') {
            path.to_owned()
        } else if self.st.cwd == "/" {
            format!("/{path}")
        } else {
            format!("{}/{}", self.st.cwd, path)
        }
    }

    // ----- output

    /// Writes to file descriptor `fd`.
    pub fn write_fd(&mut self, fd: usize, bytes: &[u8]) -> Result<(), Ctl> {
        if bytes.is_empty() {
            return Ok(());
        }
        let Some(Fd::Out(i)) = self.fds.get(fd) else {
            return Ok(());
        };
        let i = *i;
        let Some(sink) = self.sinks.get_mut(i) else {
            return Ok(());
        };
        match sink.dest {
            Dest::Null => {}
            Dest::Stdout | Dest::Stderr => {
                self.budget.output = self.budget.output.saturating_add(bytes.len() as u64);
                if self.budget.output > self.budget.limits.max_output {
                    return Err(self.limit(Limit::Output));
                }
                sink.buf.extend_from_slice(bytes);
            }
            Dest::Capture | Dest::File(_) => {
                if sink.buf.len() as u64 + bytes.len() as u64
                    > self.budget.limits.max_output.max(1 << 20) * 8
                {
                    return Err(self.limit(Limit::Output));
                }
                sink.buf.extend_from_slice(bytes);
            }
        }
        Ok(())
    }

    /// Writes a line to stderr: `msg` plus a newline.
    pub fn errln(&mut self, msg: &str) -> Result<(), Ctl> {
        let mut b = msg.as_bytes().to_vec();
        b.push(b'\n');
        self.write_fd(2, &b)
    }

    /// The shell's error prefix: `sh: ` or `/script.sh: line 3: `.
    pub fn prefix(&self) -> String {
        match &self.st.cmdname {
            Some(c) if *c != self.st.arg0 => {
                format!("{}: {c}: line {}: ", self.st.arg0, self.lineno())
            }
            Some(_) => format!("{}: line {}: ", self.st.arg0, self.lineno()),
            None => format!("{}: ", self.st.arg0),
        }
    }

    /// The line number ash reports: 1-based in a script file, 0-based in a `-c` string.
    pub fn lineno(&self) -> u32 {
        if self.st.script {
            self.line
        } else {
            self.line.saturating_sub(1)
        }
    }

    /// Prints a shell error (`sh: msg`).
    pub fn shell_err(&mut self, msg: &str) -> Result<(), Ctl> {
        let m = format!("{}{}", self.prefix(), msg);
        self.errln(&m)
    }

    /// Records a limit hit and returns the control value that ends the run.
    pub fn limit(&mut self, l: Limit) -> Ctl {
        if self.limit_hit.is_none() {
            self.limit_hit = Some(l);
            let detail = match l {
                Limit::Steps => format!("more than {} commands", self.budget.limits.max_steps),
                Limit::LoopIterations => format!(
                    "more than {} loop iterations",
                    self.budget.limits.max_loop_iterations
                ),
                Limit::BytesWritten => format!(
                    "more than {} bytes written",
                    self.budget.limits.max_bytes_written
                ),
                Limit::Output => format!(
                    "more than {} bytes of output",
                    self.budget.limits.max_output
                ),
                Limit::Depth => format!("nesting deeper than {}", self.budget.limits.max_depth),
                Limit::Time => format!(
                    "more than {} of simulated time",
                    strata_build::time::simulated_duration(
                        self.budget.limits.max_time_secs.saturating_mul(1000)
                    )
                ),
            };
            self.notes.push(Note::LimitHit { limit: l, detail });
        }
        Ctl::Limit(l)
    }

    /// Counts one step.
    pub fn step(&mut self) -> Result<(), Ctl> {
        self.budget.step().map_err(|l| self.limit(l))?;
        if self.term_pending && self.proc_depth == 1 {
            // PID 1's TERM trap runs once the command it waited for has finished.
            self.term_pending = false;
            if let Some(action) = self.pid1_term_trap.clone() {
                self.run_text(&action)?;
            }
        }
        Ok(())
    }

    /// Delivers a file sink's buffered bytes to the filesystem.
    pub fn flush_sink(&mut self, i: usize) -> Result<(), Ctl> {
        let Some(sink) = self.sinks.get_mut(i) else {
            return Ok(());
        };
        let Dest::File(path) = sink.dest.clone() else {
            return Ok(());
        };
        if sink.buf.is_empty() {
            return Ok(());
        }
        let data = std::mem::take(&mut sink.buf);
        self.budget
            .write(data.len() as u64)
            .map_err(|l| self.limit(l))?;
        let attrs = self.new_file_attrs();
        let _ = self.fs.append(&path, &data, attrs, self.now);
        Ok(())
    }

    /// Flushes every file sink (before a command that may read files).
    pub fn flush_all(&mut self) -> Result<(), Ctl> {
        for i in 0..self.sinks.len() {
            self.flush_sink(i)?;
        }
        Ok(())
    }

    /// Attributes of a new regular file.
    pub fn new_file_attrs(&self) -> Attrs {
        Attrs::new(
            0o666 & !self.st.umask,
            self.identity.uid,
            self.identity.gid,
            self.now,
        )
    }

    /// Attributes of a new directory.
    pub fn new_dir_attrs(&self) -> Attrs {
        Attrs::new(
            0o777 & !self.st.umask,
            self.identity.uid,
            self.identity.gid,
            self.now,
        )
    }

    /// The bytes left on stdin.
    pub fn stdin(&self) -> Input {
        match &self.fds[0] {
            Fd::In(i) => i.clone(),
            _ => Input::new(Vec::new()),
        }
    }

    // ----- running text

    /// Parses and runs `text` one complete command at a time (a syntax error ends it with status 2).
    pub fn run_text(&mut self, text: &str) -> Run {
        let mut p = Parser::new(text);
        let mut status = 0;
        loop {
            match p.next_command() {
                Ok(Some(cmd)) => {
                    status = self.run_cmd(&cmd)?;
                }
                Ok(None) => break,
                Err(e) => {
                    self.line = p.line();
                    self.shell_err(&e)?;
                    self.status = 2;
                    return Err(Ctl::Exit(2));
                }
            }
        }
        Ok(status)
    }

    /// Runs `sh -c` text: as [`Shell::run_text`], but the last command, when it is a simple command and
    /// no trap is set, is the one ash execs in place of itself ([`Shell::tail_exec`]; `ps` shows it).
    fn run_c_text(&mut self, text: &str) -> Run {
        let mut p = Parser::new(text);
        let mut status = 0;
        let mut next = p.next_command();
        loop {
            match next {
                Ok(Some(cmd)) => {
                    next = p.next_command();
                    status = if matches!(next, Ok(None)) {
                        self.run_tail(&cmd)?
                    } else {
                        self.run_cmd(&cmd)?
                    };
                }
                Ok(None) => break,
                Err(e) => {
                    self.line = p.line();
                    self.shell_err(&e)?;
                    self.status = 2;
                    return Err(Ctl::Exit(2));
                }
            }
        }
        Ok(status)
    }

    /// Runs the last command of `sh -c` text: the last simple command of a list is exec'd in place.
    fn run_tail(&mut self, cmd: &Command) -> Run {
        match cmd {
            Command::List(items) if !items.is_empty() => {
                let (last, rest) = items.split_last().expect("not empty");
                for c in rest {
                    self.run_cmd(c)?;
                }
                self.run_tail(last)
            }
            Command::Simple { .. } if self.st.traps.is_empty() => {
                self.tail_exec = true;
                let r = self.run_cmd(cmd);
                self.tail_exec = false;
                r
            }
            _ => self.run_cmd(cmd),
        }
    }

    /// Runs the script on stdin one complete command at a time; what a command reads is not parsed.
    fn run_stdin_script(&mut self) -> Run {
        let inp = self.stdin();
        let mut status = 0;
        let mut line_base = 0;
        loop {
            let start = inp.pos.get();
            let text = String::from_utf8_lossy(inp.rest()).into_owned();
            if text.is_empty() {
                return Ok(status);
            }
            let mut p = Parser::new(&text);
            match p.next_command() {
                Ok(Some(cmd)) => {
                    inp.pos.set(start + p.consumed_bytes().min(text.len()));
                    line_base += p.line().saturating_sub(1);
                    let _ = line_base;
                    status = self.run_cmd(&cmd)?;
                }
                Ok(None) => {
                    inp.consume_all();
                    return Ok(status);
                }
                Err(e) => {
                    inp.consume_all();
                    self.shell_err(&e)?;
                    return Err(Ctl::Exit(2));
                }
            }
        }
    }

    /// Runs a command and checks `set -e`.
    pub fn run_cmd(&mut self, cmd: &Command) -> Run {
        let st = self.run_inner(cmd)?;
        self.status = st;
        if st != 0 && self.st.opts.errexit && self.errexit_off == 0 {
            let is_cond = matches!(cmd, Command::And(..) | Command::Or(..))
                || matches!(cmd, Command::Pipeline { bang: true, .. });
            if !is_cond {
                return Err(Ctl::Exit(st));
            }
        }
        Ok(st)
    }

    fn cond(&mut self, cmd: &Command) -> Run {
        self.errexit_off += 1;
        let r = self.run_cmd(cmd);
        self.errexit_off -= 1;
        r
    }

    fn enter(&mut self) -> Result<(), Ctl> {
        self.depth += 1;
        if self.depth > self.budget.limits.max_depth {
            self.depth -= 1;
            return Err(self.limit(Limit::Depth));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn run_inner(&mut self, cmd: &Command) -> Run {
        match cmd {
            Command::Simple {
                assigns,
                words,
                redirs,
                line,
            } => {
                self.line = *line;
                self.simple(assigns, words, redirs)
            }
            Command::List(items) => {
                let mut st = self.status;
                if items.is_empty() {
                    return Ok(0);
                }
                for c in items {
                    st = self.run_cmd(c)?;
                }
                Ok(st)
            }
            Command::And(a, b) => {
                let s = self.cond(a)?;
                self.status = s;
                if s == 0 {
                    self.run_cmd(b)
                } else {
                    Ok(s)
                }
            }
            Command::Or(a, b) => {
                let s = self.cond(a)?;
                self.status = s;
                if s != 0 {
                    self.run_cmd(b)
                } else {
                    Ok(s)
                }
            }
            Command::Pipeline { bang, cmds } => {
                if *bang {
                    self.errexit_off += 1;
                }
                let r = self.pipeline(cmds);
                if *bang {
                    self.errexit_off -= 1;
                }
                let s = r?;
                Ok(if *bang { i32::from(s == 0) } else { s })
            }
            Command::Subshell(body, redirs) => {
                self.with_redirs(redirs, |sh| sh.subshell(|sh| sh.run_cmd(body)))
            }
            Command::Group(body, redirs) => self.with_redirs(redirs, |sh| sh.run_cmd(body)),
            Command::If {
                branches,
                otherwise,
                redirs,
            } => self.with_redirs(redirs, |sh| {
                for (c, b) in branches {
                    let s = sh.cond(c)?;
                    sh.status = s;
                    if s == 0 {
                        return sh.run_cmd(b);
                    }
                }
                match otherwise {
                    Some(b) => sh.run_cmd(b),
                    None => Ok(0),
                }
            }),
            Command::For {
                var,
                words,
                body,
                redirs,
            } => self.with_redirs(redirs, |sh| {
                let items = match words {
                    Some(ws) => {
                        let mut out = Vec::new();
                        for w in ws {
                            out.extend(sh.expand_word(w)?);
                        }
                        out
                    }
                    None => sh.st.positional.clone(),
                };
                let mut st = 0;
                let mut n = 0u64;
                sh.loops += 1;
                let r = (|| {
                    for it in items {
                        n += 1;
                        if n > sh.budget.limits.max_loop_iterations {
                            return Err(sh.limit(Limit::LoopIterations));
                        }
                        sh.step()?;
                        if let Err(e) = sh.set_var(var, &it) {
                            sh.shell_err(&e)?;
                            return Err(Ctl::Exit(2));
                        }
                        match sh.run_cmd(body) {
                            Ok(s) => st = s,
                            Err(Ctl::Break(k)) => {
                                if k > 1 {
                                    return Err(Ctl::Break(k - 1));
                                }
                                break;
                            }
                            Err(Ctl::Continue(k)) => {
                                if k > 1 {
                                    return Err(Ctl::Continue(k - 1));
                                }
                            }
                            Err(e) => return Err(e),
                        }
                    }
                    Ok(st)
                })();
                sh.loops -= 1;
                r
            }),
            Command::Loop {
                until,
                cond,
                body,
                redirs,
            } => self.with_redirs(redirs, |sh| {
                let mut st = 0;
                let mut n = 0u64;
                sh.loops += 1;
                let r = (|| {
                    loop {
                        n += 1;
                        if n > sh.budget.limits.max_loop_iterations {
                            return Err(sh.limit(Limit::LoopIterations));
                        }
                        sh.step()?;
                        let c = match sh.cond(cond) {
                            Ok(c) => c,
                            Err(Ctl::Break(k)) => {
                                if k > 1 {
                                    return Err(Ctl::Break(k - 1));
                                }
                                break;
                            }
                            Err(Ctl::Continue(k)) => {
                                if k > 1 {
                                    return Err(Ctl::Continue(k - 1));
                                }
                                continue;
                            }
                            Err(e) => return Err(e),
                        };
                        if (c == 0) == *until {
                            break;
                        }
                        match sh.run_cmd(body) {
                            Ok(s) => st = s,
                            Err(Ctl::Break(k)) => {
                                if k > 1 {
                                    return Err(Ctl::Break(k - 1));
                                }
                                break;
                            }
                            Err(Ctl::Continue(k)) => {
                                if k > 1 {
                                    return Err(Ctl::Continue(k - 1));
                                }
                            }
                            Err(e) => return Err(e),
                        }
                    }
                    Ok(st)
                })();
                sh.loops -= 1;
                r
            }),
            Command::Case { word, arms, redirs } => self.with_redirs(redirs, |sh| {
                let subject: Vec<char> = sh.expand_string(word)?.chars().collect();
                for (pats, body) in arms {
                    for p in pats {
                        let pat = sh.expand_pattern(p)?;
                        if super::fnmatch::matches(&pat, &subject) {
                            return sh.run_cmd(body);
                        }
                    }
                }
                Ok(0)
            }),
            Command::FuncDef { name, body } => {
                self.st.funcs.insert(name.clone(), body.clone());
                Ok(0)
            }
        }
    }

    /// Runs `f` in a subshell: state changes are thrown away; `exit` ends only the subshell.
    pub fn subshell(&mut self, f: impl FnOnce(&mut Self) -> Run) -> Run {
        self.enter()?;
        let saved = self.st.clone();
        let saved_loops = self.loops;
        let saved_errexit = self.errexit_off;
        self.loops = 0;
        self.st.traps.clear();
        let proc = self.current_proc();
        let _ = self.push_proc(proc.cmdline, proc.comm);
        let saved_tail = std::mem::take(&mut self.tail_exec);
        self.proc_depth += 1;
        let r = f(self);
        self.proc_depth -= 1;
        self.pop_proc();
        self.tail_exec = saved_tail;
        self.st = saved;
        self.loops = saved_loops;
        self.errexit_off = saved_errexit;
        self.leave();
        match r {
            Ok(s) => Ok(s),
            Err(Ctl::Exit(s)) | Err(Ctl::Return(s)) => Ok(s),
            Err(Ctl::Break(_)) | Err(Ctl::Continue(_)) => Ok(0),
            Err(e) => Err(e),
        }
    }

    fn pipeline(&mut self, cmds: &[Command]) -> Run {
        if cmds.len() == 1 {
            return self.run_cmd(&cmds[0]);
        }
        let saved0 = self.fds[0].clone();
        let saved1 = self.fds[1].clone();
        let mut status = 0;
        let n = cmds.len();
        let mut result = Ok(0);
        for (i, c) in cmds.iter().enumerate() {
            let cap = if i + 1 < n {
                self.sinks.push(Sink {
                    buf: Vec::new(),
                    dest: Dest::Capture,
                });
                let idx = self.sinks.len() - 1;
                self.fds[1] = Fd::Out(idx);
                Some(idx)
            } else {
                self.fds[1] = saved1.clone();
                None
            };
            let r = self.subshell(|sh| sh.run_cmd(c));
            match r {
                Ok(s) => {
                    if !self.st.opts.pipefail || s != 0 {
                        status = s;
                    }
                }
                Err(e) => {
                    result = Err(e);
                }
            }
            if let Some(idx) = cap {
                let data = std::mem::take(&mut self.sinks[idx].buf);
                self.sinks.truncate(idx);
                self.fds[0] = Fd::In(Input::new(data));
            }
            if result.is_err() {
                break;
            }
        }
        self.fds[0] = saved0;
        self.fds[1] = saved1;
        result?;
        Ok(status)
    }

    /// Runs `f` with `redirs` applied, then restores the descriptors.
    pub fn with_redirs(&mut self, redirs: &[Redir], f: impl FnOnce(&mut Self) -> Run) -> Run {
        if redirs.is_empty() {
            return f(self);
        }
        let saved_fds = self.fds.clone();
        let nsinks = self.sinks.len();
        let r = match self.apply_redirs(redirs) {
            Ok(true) => f(self),
            Ok(false) => Ok(1),
            Err(e) => Err(e),
        };
        let mut fr = Ok(());
        for i in nsinks..self.sinks.len() {
            if let Err(e) = self.flush_sink(i) {
                fr = Err(e);
            }
        }
        self.sinks.truncate(nsinks);
        self.fds = saved_fds;
        fr?;
        r
    }

    /// Opens the redirections; `Ok(false)` when one failed (the message is printed).
    pub fn apply_redirs(&mut self, redirs: &[Redir]) -> Result<bool, Ctl> {
        for r in redirs {
            let fd = r.fd as usize;
            if fd >= NFD {
                self.shell_err(&format!("{}: Bad file descriptor", r.fd))?;
                return Ok(false);
            }
            match &r.op {
                RedirOp::HereDoc(body) => {
                    let w = body.borrow().clone();
                    let text = self.expand_string(&w)?;
                    self.fds[fd] = Fd::In(Input::new(text.into_bytes()));
                }
                RedirOp::DupOut | RedirOp::DupIn => {
                    let t = self.expand_string(&r.target)?;
                    if t == "-" {
                        self.fds[fd] = Fd::Closed;
                        continue;
                    }
                    match t.parse::<usize>() {
                        Ok(n) if n < NFD => {
                            if matches!(self.fds[n], Fd::Closed) {
                                self.shell_err(&format!("{n}: Bad file descriptor"))?;
                                return Ok(false);
                            }
                            self.fds[fd] = self.fds[n].clone();
                        }
                        _ => {
                            if matches!(r.op, RedirOp::DupOut) {
                                // `>&file` means `>file 2>&1` in ash.
                                if !self.open_out(fd, &t, false)? {
                                    return Ok(false);
                                }
                                self.fds[2] = self.fds[fd].clone();
                            } else {
                                self.shell_err(&format!("{t}: Bad file descriptor"))?;
                                return Ok(false);
                            }
                        }
                    }
                }
                RedirOp::In | RedirOp::ReadWrite => {
                    let t = self.expand_string(&r.target)?;
                    let path = self.abs(&t);
                    if is_dev_null(&path) {
                        self.fds[fd] = Fd::In(Input::new(Vec::new()));
                        continue;
                    }
                    self.flush_all()?;
                    match self.fs.read(&path) {
                        Ok(c) => {
                            self.fds[fd] = Fd::In(Input::new(c.bytes().into_owned()));
                        }
                        Err(e) => {
                            if matches!(r.op, RedirOp::ReadWrite) && !self.fs.exists(&path) {
                                if !self.open_out(fd, &t, true)? {
                                    return Ok(false);
                                }
                                continue;
                            }
                            let msg = match e {
                                strata_image::Error::NotFound(_) => "no such file",
                                _ => super::applets::errno_msg(&e),
                            };
                            self.shell_err(&format!("can't open {t}: {msg}"))?;
                            return Ok(false);
                        }
                    }
                }
                RedirOp::OutErr(append) => {
                    let t = self.expand_string(&r.target)?;
                    if !self.open_out(1, &t, *append)? {
                        return Ok(false);
                    }
                    self.fds[2] = self.fds[1].clone();
                }
                RedirOp::Out | RedirOp::Append => {
                    let t = self.expand_string(&r.target)?;
                    if !self.open_out(fd, &t, matches!(r.op, RedirOp::Append))? {
                        return Ok(false);
                    }
                }
            }
        }
        Ok(true)
    }

    /// Opens `name` for writing on `fd` (truncating unless `append`).
    fn open_out(&mut self, fd: usize, name: &str, append: bool) -> Result<bool, Ctl> {
        let path = self.abs(name);
        if is_dev_null(&path) {
            self.sinks.push(Sink {
                buf: Vec::new(),
                dest: Dest::Null,
            });
            self.fds[fd] = Fd::Out(self.sinks.len() - 1);
            return Ok(true);
        }
        if path == "/dev/stdout" || path == "/dev/stderr" || path == "/proc/self/fd/1" {
            let n = if path.ends_with("stderr") { 2 } else { 1 };
            self.fds[fd] = self.fds[n].clone();
            return Ok(true);
        }
        self.flush_all()?;
        if self.identity.uid != 0 {
            let allowed = match self.fs.stat(&path) {
                Ok(st) if !st.is_dir() => super::applets::may(self, &st, 2),
                Ok(_) => true,
                Err(_) => super::applets::may_write_parent(self, &path),
            };
            if !allowed {
                self.shell_err(&format!("can't create {name}: Permission denied"))?;
                return Ok(false);
            }
        }
        let attrs = self.new_file_attrs();
        let res = match self.fs.stat(&path) {
            Ok(st) if st.is_dir() => Err(strata_image::Error::IsADirectory(path.clone())),
            Ok(st) if matches!(st.kind, NodeKind::CharDevice { .. } | NodeKind::Fifo) => {
                self.sinks.push(Sink {
                    buf: Vec::new(),
                    dest: Dest::Null,
                });
                self.fds[fd] = Fd::Out(self.sinks.len() - 1);
                return Ok(true);
            }
            Ok(_) if append => self.fs.writable(&path),
            _ if append => self.fs.append(&path, b"", attrs, self.now),
            _ => self.fs.write(&path, Content::empty(), attrs, self.now),
        };
        if let Err(e) = res {
            let msg = match e {
                strata_image::Error::NotFound(_) => "nonexistent directory",
                _ => super::applets::errno_msg(&e),
            };
            self.shell_err(&format!("can't create {name}: {msg}"))?;
            return Ok(false);
        }
        self.sinks.push(Sink {
            buf: Vec::new(),
            dest: Dest::File(path),
        });
        self.fds[fd] = Fd::Out(self.sinks.len() - 1);
        Ok(true)
    }

    fn simple(&mut self, assigns: &[(String, Word)], words: &[Word], redirs: &[Redir]) -> Run {
        self.step()?;
        let mut argv = Vec::new();
        self.last_cmdsub_status = None;
        for w in words {
            argv.extend(self.expand_word(w)?);
        }
        let mut values = Vec::new();
        for (n, w) in assigns {
            let v = self.expand_string(w)?;
            if argv.is_empty() {
                // `a=1 b=$a`: each assignment is visible to the next.
                if let Err(e) = self.set_var(n, &v) {
                    self.shell_err(&e)?;
                    return Err(Ctl::Exit(2));
                }
            }
            values.push((n.clone(), v));
        }
        if self.st.opts.xtrace {
            let mut parts: Vec<String> = values
                .iter()
                .map(|(n, v)| format!("{n}={}", trace_quote(v)))
                .collect();
            parts.extend(argv.iter().map(|a| trace_quote(a)));
            let ps4 = self.get_var("PS4").unwrap_or("+ ").to_owned();
            let line = format!("{ps4}{}", parts.join(" "));
            self.errln(&line)?;
        }
        if argv.is_empty() {
            for (n, v) in &values {
                if let Err(e) = self.set_var(n, v) {
                    self.shell_err(&e)?;
                    return Err(Ctl::Exit(2));
                }
            }
            let st = self.last_cmdsub_status.unwrap_or(0);
            return self.with_redirs(redirs, |_| Ok(st)).map(|s| s.max(st));
        }
        let name = argv[0].clone();
        // `exec` with no command: redirections stay.
        if name == "exec" && argv.len() == 1 {
            return match self.apply_redirs(redirs)? {
                true => Ok(0),
                false => Ok(1),
            };
        }
        let special = super::builtins::is_special(&name);
        if special {
            for (n, v) in &values {
                if let Err(e) = self.set_var(n, v) {
                    self.shell_err(&e)?;
                    return Err(Ctl::Exit(2));
                }
            }
            return self.with_redirs(redirs, |sh| sh.builtin(&argv).unwrap_or(Ok(127)));
        }
        // Temporary assignments for the command.
        let mut saved = Vec::new();
        for (n, v) in &values {
            saved.push((n.clone(), self.st.vars.get(n).cloned()));
            let e = self.st.vars.slot(n);
            if !e.readonly {
                e.value = v.clone();
                e.exported = true;
            }
        }
        let r = self.with_redirs(redirs, |sh| {
            if let Some(f) = sh.st.funcs.get(&name).cloned() {
                return sh.call_function(&f, &argv);
            }
            if let Some(r) = sh.builtin(&argv) {
                return r;
            }
            sh.run_external(&argv)
        });
        for (n, old) in saved.into_iter().rev() {
            self.st.vars.restore(n, old);
        }
        r
    }

    /// Calls a shell function with `argv` (`argv[0]` is its name).
    pub fn call_function(&mut self, body: &Command, argv: &[String]) -> Run {
        self.enter()?;
        let saved_pos = std::mem::replace(&mut self.st.positional, argv[1..].to_vec());
        self.st.locals.push(Vec::new());
        let saved_loops = self.loops;
        self.loops = 0;
        let r = self.run_cmd(body);
        self.loops = saved_loops;
        if let Some(frame) = self.st.locals.pop() {
            for (n, old) in frame.into_iter().rev() {
                self.st.vars.restore(n, old);
            }
        }
        self.st.positional = saved_pos;
        self.leave();
        match r {
            Err(Ctl::Return(s)) => Ok(s),
            other => other,
        }
    }

    /// Finds `name` through `PATH` (or as a path when it has a `/`).
    pub fn find_in_path(&self, name: &str) -> Option<String> {
        if name.contains('/') {
            return Some(self.abs(name));
        }
        let path = self
            .get_var("PATH")
            .unwrap_or("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
            .to_owned();
        for dir in path.split(':') {
            let dir = if dir.is_empty() { "." } else { dir };
            let cand = self.abs(&format!("{}/{}", dir.trim_end_matches('/'), name));
            if let Ok(st) = self.fs.stat(&cand) {
                if !st.is_dir() && st.attrs.mode & 0o111 != 0 {
                    return Some(cand);
                }
            }
        }
        None
    }

    /// Runs an external command found through `PATH`.
    pub fn run_external(&mut self, argv: &[String]) -> Run {
        let name = &argv[0];
        if self.st.standalone && !name.contains('/') && super::applets::is_busybox_applet(name) {
            self.flush_all()?;
            return super::launch::run_busybox_applet(self, name, argv);
        }
        let Some(path) = self.find_in_path(name) else {
            self.shell_err(&format!("{name}: not found"))?;
            return Ok(127);
        };
        self.flush_all()?;
        match super::launch::exec_file(self, &path, argv, true)? {
            super::launch::Launch::Ran(s) => Ok(s),
            super::launch::Launch::NotFound => {
                self.shell_err(&format!("{name}: not found"))?;
                Ok(127)
            }
            super::launch::Launch::Denied => {
                self.shell_err(&format!("{name}: Permission denied"))?;
                Ok(126)
            }
            super::launch::Launch::Format => {
                self.shell_err(&format!("{name}: not found"))?;
                Ok(127)
            }
        }
    }

    /// Runs `argv` as a command (functions excluded) with its output captured: for `xargs`, `find -exec`,
    /// `env cmd`. Returns the status, stdout and stderr.
    pub fn run_captured(
        &mut self,
        argv: &[String],
        stdin: Vec<u8>,
    ) -> Result<(i32, Vec<u8>, Vec<u8>), Ctl> {
        let saved_fds = self.fds.clone();
        let base = self.sinks.len();
        self.sinks.push(Sink {
            buf: Vec::new(),
            dest: Dest::Capture,
        });
        self.sinks.push(Sink {
            buf: Vec::new(),
            dest: Dest::Capture,
        });
        self.fds[0] = Fd::In(Input::new(stdin));
        self.fds[1] = Fd::Out(base);
        self.fds[2] = Fd::Out(base + 1);
        let r = self.subshell(|sh| match sh.builtin(argv) {
            Some(r) => r,
            None => sh.run_external(argv),
        });
        let err = std::mem::take(&mut self.sinks[base + 1].buf);
        let out = std::mem::take(&mut self.sinks[base].buf);
        self.sinks.truncate(base);
        self.fds = saved_fds;
        let s = r?;
        Ok((s, out, err))
    }

    /// Runs the executable at `path` with `argv`, output captured (`env CMD`, like execve).
    pub fn run_file_captured(
        &mut self,
        path: &str,
        argv: &[String],
        stdin: Vec<u8>,
    ) -> Result<(i32, Vec<u8>, Vec<u8>), Ctl> {
        let saved_fds = self.fds.clone();
        let base = self.sinks.len();
        for _ in 0..2 {
            self.sinks.push(Sink {
                buf: Vec::new(),
                dest: Dest::Capture,
            });
        }
        self.fds[0] = Fd::In(Input::new(stdin));
        self.fds[1] = Fd::Out(base);
        self.fds[2] = Fd::Out(base + 1);
        let name = argv[0].clone();
        let r = self.subshell(|sh| match super::launch::exec_file(sh, path, argv, true)? {
            super::launch::Launch::Ran(s) => Ok(s),
            super::launch::Launch::Denied => {
                sh.errln(&format!("env: can't execute '{name}': Permission denied"))?;
                Ok(126)
            }
            _ => {
                sh.errln(&format!(
                    "env: can't execute '{name}': No such file or directory"
                ))?;
                Ok(127)
            }
        });
        let err = std::mem::take(&mut self.sinks[base + 1].buf);
        let out = std::mem::take(&mut self.sinks[base].buf);
        self.sinks.truncate(base);
        self.fds = saved_fds;
        let s = r?;
        Ok((s, out, err))
    }

    /// Runs commands with stdout captured (command substitution): returns the output.
    pub fn capture(&mut self, cmds: &[Command]) -> Result<String, Ctl> {
        let saved1 = self.fds[1].clone();
        let base = self.sinks.len();
        self.sinks.push(Sink {
            buf: Vec::new(),
            dest: Dest::Capture,
        });
        self.fds[1] = Fd::Out(base);
        let r = self.subshell(|sh| {
            // ash does not apply `set -e` inside a command substitution.
            sh.st.opts.errexit = false;
            let mut st = 0;
            for c in cmds {
                st = sh.run_cmd(c)?;
            }
            Ok(st)
        });
        let out = std::mem::take(&mut self.sinks[base].buf);
        self.sinks.truncate(base);
        self.fds[1] = saved1;
        let s = r?;
        self.last_cmdsub_status = Some(s);
        self.status = s;
        let mut text = String::from_utf8_lossy(&out).into_owned();
        while text.ends_with('\n') {
            text.pop();
        }
        Ok(text)
    }

    /// Runs the shell program `argv` (`sh -c …`, `sh script`, `sh` reading stdin) as a child process.
    pub fn run_sh(&mut self, argv: &[String], brace: bool, standalone: bool) -> Run {
        let mut i = 1;
        let mut opts = Opts::default();
        let mut command: Option<String> = None;
        let mut c_flag = false;
        while i < argv.len() {
            let a = &argv[i];
            if a == "--" {
                i += 1;
                break;
            }
            if (a.starts_with('-') || a.starts_with('+')) && a.len() > 1 {
                let on = a.starts_with('-');
                let mut takes_o = 0;
                for ch in a[1..].chars() {
                    match ch {
                        'o' => {
                            takes_o += 1;
                            match argv.get(i + takes_o).map(String::as_str) {
                                Some("errexit") => opts.errexit = on,
                                Some("xtrace") => opts.xtrace = on,
                                Some("nounset") => opts.nounset = on,
                                Some("noglob") => opts.noglob = on,
                                Some("pipefail") => opts.pipefail = on,
                                Some(_) => {}
                                None => {
                                    self.errln(&format!("{}: -o requires an argument", argv[0]))?;
                                    return Ok(2);
                                }
                            }
                        }
                        'c' => c_flag = true,
                        'e' => opts.errexit = on,
                        'x' => opts.xtrace = on,
                        'u' => opts.nounset = on,
                        'f' => opts.noglob = on,
                        's' | 'i' | 'l' | 'v' | 'm' => {}
                        _ => {
                            self.errln(&format!("{}: -{ch}: invalid option", argv[0]))?;
                            return Ok(2);
                        }
                    }
                }
                i += 1 + takes_o;
                continue;
            }
            break;
        }
        let (text, arg0, positional, script) = if c_flag {
            let Some(t) = argv.get(i) else {
                self.errln(&format!("{}: -c requires an argument", argv[0]))?;
                return Ok(2);
            };
            command = Some(t.clone());
            let arg0 = argv.get(i + 1).cloned().unwrap_or_else(|| argv[0].clone());
            let pos = argv.get(i + 2..).map(|s| s.to_vec()).unwrap_or_default();
            (command.clone().unwrap_or_default(), arg0, pos, false)
        } else if let Some(file) = argv.get(i) {
            let path = self.abs(file);
            self.flush_all()?;
            match self.fs.read(&path) {
                Ok(c) => (
                    String::from_utf8_lossy(&c.bytes()).into_owned(),
                    file.clone(),
                    argv[i + 1..].to_vec(),
                    true,
                ),
                Err(e) => {
                    let msg = super::applets::errno_msg(&e);
                    self.errln(&format!("{}: can't open '{file}': {msg}", argv[0]))?;
                    return Ok(2);
                }
            }
        } else {
            // The script is stdin itself: read command by command, so commands see the rest.
            (String::new(), argv[0].clone(), Vec::new(), false)
        };
        let from_stdin = !c_flag && argv.get(i).is_none();
        let _ = command;
        self.enter()?;
        let saved = self.st.clone();
        let saved_loops = self.loops;
        let saved_errexit = self.errexit_off;
        let saved_status = self.status;
        self.loops = 0;
        self.errexit_off = 0;
        // A new process (PID 1 itself when the runtime started the shell): only the environment comes
        // along, in the order the parent passes it.
        // A shell that is the last command of `sh -c` replaces that shell's process (ash execs it).
        let in_place = std::mem::take(&mut self.tail_exec) && self.proc_depth > 0;
        let nested = self.proc_depth > 0 && !in_place;
        let saved_pid = self.pid;
        let comm = super::launch::basename(argv.first().map_or("sh", String::as_str)).to_owned();
        let mut replaced = None;
        if nested {
            self.pid = self.push_proc(argv.join(" "), comm);
        } else if in_place {
            if let Some(p) = self.procs.last_mut() {
                let old = (p.cmdline.clone(), p.comm.clone());
                p.cmdline = argv.join(" ");
                p.comm = comm;
                replaced = Some(old);
            }
        }
        if !in_place {
            self.proc_depth += 1;
        }
        let ppid = self.current_proc().ppid;
        self.st.vars = ash_vars(&self.st.vars.environ(), &self.st.cwd, &self.hostname, ppid);
        self.st.funcs.clear();
        self.st.locals.clear();
        self.st.traps.clear();
        self.st.flags_cs = (c_flag, from_stdin);
        self.st.positional = positional;
        self.st.arg0 = arg0;
        self.st.opts = opts;
        self.st.script = script;
        self.st.cmdname = if script || (c_flag && argv.get(i + 1).is_some()) {
            Some(self.st.arg0.clone())
        } else {
            None
        };
        self.st.brace = brace;
        self.st.standalone = standalone;
        self.status = 0;
        let mut r = if from_stdin {
            self.run_stdin_script()
        } else if c_flag {
            self.run_c_text(&text)
        } else {
            self.run_text(&text)
        };
        if let Some(action) = self.st.traps.remove("EXIT") {
            let code = match r {
                Ok(s) | Err(Ctl::Exit(s)) | Err(Ctl::Return(s)) => Some(s),
                _ => None,
            };
            if let Some(code) = code {
                self.status = code;
                r = match self.run_text(&action) {
                    Err(Ctl::Exit(s)) => Ok(s),
                    Err(e @ (Ctl::Limit(_) | Ctl::NotSimulated(_) | Ctl::Killed(_))) => Err(e),
                    _ => Ok(code),
                };
            }
        }
        if !in_place {
            self.proc_depth -= 1;
        }
        if nested {
            self.pop_proc();
        }
        if let (Some((cmdline, comm)), Some(p)) = (replaced, self.procs.last_mut()) {
            (p.cmdline, p.comm) = (cmdline, comm);
        }
        self.pid = saved_pid;
        self.st = saved;
        self.loops = saved_loops;
        self.errexit_off = saved_errexit;
        let _ = saved_status;
        self.leave();
        match r {
            Ok(s) => Ok(s),
            Err(Ctl::Exit(s)) | Err(Ctl::Return(s)) => Ok(s),
            Err(Ctl::Break(_)) | Err(Ctl::Continue(_)) => Ok(0),
            Err(e) => Err(e),
        }
    }

    /// `.` / `source`: runs a file in the current shell.
    pub fn source(&mut self, file: &str, args: &[String]) -> Run {
        let path = if file.contains('/') {
            Some(self.abs(file))
        } else {
            let path = self.get_var("PATH").unwrap_or("").to_owned();
            path.split(':')
                .map(|d| self.abs(&format!("{d}/{file}")))
                .find(|p| self.fs.stat(p).is_ok_and(|s| !s.is_dir()))
        };
        self.flush_all()?;
        let text = match path.as_deref().map(|p| self.fs.read(p)) {
            Some(Ok(c)) => String::from_utf8_lossy(&c.bytes()).into_owned(),
            _ => {
                self.builtin_err(
                    ".",
                    &format!("can't open '{file}': No such file or directory"),
                )?;
                return Err(Ctl::Exit(2));
            }
        };
        self.enter()?;
        let saved_pos = if args.is_empty() {
            None
        } else {
            Some(std::mem::replace(&mut self.st.positional, args.to_vec()))
        };
        let mut p = Parser::new(&text);
        let mut r = Ok(0);
        loop {
            match p.next_command() {
                Ok(Some(c)) => match self.run_cmd(&c) {
                    Ok(s) => r = Ok(s),
                    Err(e) => {
                        r = Err(e);
                        break;
                    }
                },
                Ok(None) => break,
                Err(e) => {
                    let _ = self.shell_err(&e);
                    r = Err(Ctl::Exit(2));
                    break;
                }
            }
        }
        if let Some(p) = saved_pos {
            self.st.positional = p;
        }
        self.leave();
        match r {
            Err(Ctl::Return(s)) => Ok(s),
            other => other,
        }
    }

    /// The home directory of `user` from /etc/passwd.
    pub fn home_of(&self, user: &str) -> Option<String> {
        let pw = self.fs.read("/etc/passwd").ok()?;
        let text = String::from_utf8_lossy(&pw.bytes()).into_owned();
        text.lines()
            .map(|l| l.split(':').collect::<Vec<_>>())
            .find(|f| f.len() >= 6 && f[0] == user)
            .map(|f| f[5].to_owned())
    }

    /// Whether `name` is a valid variable name.
    pub fn valid_name(name: &str) -> bool {
        is_name(name)
    }
}

/// A word as `set -x` shows it: single-quoted when it holds anything but plain characters.
pub fn trace_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=@%+,^".contains(c));
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Whether `path` is `/dev/null` (modelled even when the tree lacks it).
pub fn is_dev_null(path: &str) -> bool {
    matches!(strata_image::normalize(path).as_deref(), Some("/dev/null"))
}

/// The variables of a busybox `ash` starting with environment `env`: its built-in variables, the
/// environment in order, then `PPID`, `SHLVL` (one more, exported), `HOSTNAME` (when missing, not
/// exported) and `PWD` (exported), as ash's `init` sets them; a missing `PATH` gets ash's default, exported.
fn ash_vars(env: &[(String, String)], cwd: &str, hostname: &str, ppid: u32) -> Vars {
    let strings: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut vars = Vars::from_environ(&strings, Order::AshHash);
    for (k, v) in [("PS1", "\\w \\$ "), ("PS2", "> "), ("PS4", "+ ")] {
        if !vars.contains_key(k) {
            vars.slot(k).value = v.to_owned();
        }
    }
    if !vars.contains_key("PATH") {
        // Exported: `env -i sh -c env` shows it.
        let e = vars.slot("PATH");
        e.value = "/sbin:/usr/sbin:/bin:/usr/bin".to_owned();
        e.exported = true;
    }
    for (k, v) in [("IFS", " \t\n"), ("OPTIND", "1")] {
        vars.slot(k).value = v.to_owned();
    }
    vars.slot("PPID").value = ppid.to_string();
    let shlvl = vars
        .get("SHLVL")
        .and_then(|v| v.value.trim().parse::<i64>().ok())
        .unwrap_or(0)
        + 1;
    let e = vars.slot("SHLVL");
    e.value = shlvl.to_string();
    e.exported = true;
    if !vars.contains_key("HOSTNAME") {
        vars.slot("HOSTNAME").value = hostname.to_owned();
    }
    let e = vars.slot("PWD");
    e.value = cwd.to_owned();
    e.exported = true;
    vars
}
