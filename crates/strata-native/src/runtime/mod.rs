//! Running one process in a container: the OCI runtime spec is the boundary (as in podman and buildah). A
//! RUN step or a container becomes a bundle (`config.json` made with the `oci-spec` crate's types, `spec`,
//! and a root filesystem), which a [`Runtime`] runs to completion.
//!
//! [`Builtin`] carries the spec out itself with system calls (the default: a step costs a few milliseconds
//! instead of runc's start-up); [`Runc`] runs bundles with an external OCI runtime binary (`--runtime runc`
//! or a path; crun does not work on the development machines).
//!
//! A build's step is run with [`Runtime::run`] (standard input empty, the output collected); a container of
//! `strata run` with [`Runtime::run_attached`]: this process's own standard streams, or a terminal made in
//! the container whose master comes back over a socket ([`Attach`]).

mod builtin;
mod child_calls;
mod runc;
pub mod spec;

use std::os::fd::OwnedFd;
use std::path::Path;

pub use builtin::Builtin;
pub use runc::Runc;

use strata_build::observer::Stream;

use crate::error::Result;

/// Waits for `child` (named `what` in an error) while handing its standard output and error to `out` as they
/// come ([`collect_live`]): its exit status and both streams in full.
pub(crate) fn wait_live(
    mut child: std::process::Child,
    what: &str,
    out: &mut dyn FnMut(Stream, &[u8]),
) -> Result<(std::process::ExitStatus, Vec<u8>, Vec<u8>)> {
    let (stdout, stderr) = collect_live(&mut child, out);
    let status = child
        .wait()
        .map_err(|e| crate::error::Error::Runtime(format!("waiting for {what}: {e}")))?;
    Ok((status, stdout, stderr))
}

/// Reads a child's standard output and error as they come (a thread each), handing every piece to `out`
/// with its stream, in arrival order; returns both in full once both are closed.
fn collect_live(
    child: &mut std::process::Child,
    out: &mut dyn FnMut(Stream, &[u8]),
) -> (Vec<u8>, Vec<u8>) {
    use std::io::Read;
    let (tx, rx) = std::sync::mpsc::channel::<(bool, Vec<u8>)>();
    let readers: Vec<(bool, Box<dyn Read + Send>)> = [
        child
            .stdout
            .take()
            .map(|r| (false, Box::new(r) as Box<dyn Read + Send>)),
        child
            .stderr
            .take()
            .map(|r| (true, Box::new(r) as Box<dyn Read + Send>)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    std::thread::scope(|scope| {
        for (is_err, mut r) in readers {
            let tx = tx.clone();
            scope.spawn(move || {
                let mut buf = vec![0u8; 16 * 1024];
                loop {
                    match r.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            if tx.send((is_err, buf[..n].to_vec())).is_err() {
                                break;
                            }
                        }
                    }
                }
            });
        }
        drop(tx);
        for (is_err, chunk) in rx {
            out(
                if is_err {
                    Stream::Stderr
                } else {
                    Stream::Stdout
                },
                &chunk,
            );
            if is_err {
                stderr.extend_from_slice(&chunk);
            } else {
                stdout.extend_from_slice(&chunk);
            }
        }
    });
    (stdout, stderr)
}

/// What a finished container process gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// The process's exit status (128 + N for a signal, as a shell reports it).
    pub exit_code: i32,
    /// Its standard output.
    pub stdout: Vec<u8>,
    /// Its standard error.
    pub stderr: Vec<u8>,
    /// The runtime's own complaint when the process could not be started (`exec: "x": executable file not
    /// found in $PATH`).
    pub start_error: Option<String>,
}

/// How a container's standard streams are connected ([`Runtime::run_attached`]).
#[derive(Debug)]
pub enum Attach {
    /// Standard output and error are this process's; standard input too when `stdin` (`docker run -i`),
    /// else it is empty (`/dev/null`).
    Inherit {
        /// Whether the container reads this process's standard input.
        stdin: bool,
    },
    /// A terminal (`docker run -t`): the runtime allocates a pty in the container's own `devpts` (so `tty`
    /// prints `/dev/pts/0`), makes its slave the process's controlling terminal and standard streams, and
    /// sends the master over `console` (one `SCM_RIGHTS` message; the socket is closed without one when
    /// the process could not be started). The caller copies bytes between the master and its own streams
    /// (`crate::pty`).
    Terminal {
        /// A connected Unix stream socket.
        console: OwnedFd,
    },
}

/// How an attached container process ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exited {
    /// The process's exit status (128 + N for a signal), or 126/127 when it could not be started.
    pub exit_code: i32,
    /// The runtime's complaint when the process could not be started (`exec: "x": executable file not
    /// found in $PATH`).
    pub start_error: Option<String>,
}

/// Runs an OCI bundle.
pub trait Runtime {
    /// A short name (`runc`).
    fn name(&self) -> &str;

    /// Runs the bundle in `bundle` (its `config.json` and the root it names) as container `id`, to
    /// completion, with standard input empty and the output collected.
    fn run(&self, bundle: &Path, id: &str) -> Result<Finished>;

    /// [`Runtime::run`], handing `out` each piece of the output with its stream (standard output and error, in
    /// the order they come) as the process writes it. By default the output is handed over at the end.
    fn run_live(
        &self,
        bundle: &Path,
        id: &str,
        out: &mut dyn FnMut(Stream, &[u8]),
    ) -> Result<Finished> {
        let f = self.run(bundle, id)?;
        out(Stream::Stdout, &f.stdout);
        out(Stream::Stderr, &f.stderr);
        Ok(f)
    }

    /// Runs the bundle as container `id`, to completion, with its standard streams connected as `attach`
    /// says (the spec's `process.terminal` must be true for [`Attach::Terminal`]).
    fn run_attached(&self, bundle: &Path, id: &str, attach: Attach) -> Result<Exited>;

    /// Stops and forgets container `id` if the runtime still knows it (what a killed build left running).
    fn delete(&self, id: &str);
}
