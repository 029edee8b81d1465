//! An external OCI runtime binary (`runc`, or any binary with its command line) as a [`Runtime`].
//!
//! With a terminal ([`Attach::Terminal`]) the container is started detached with a console socket (as
//! containerd and podman do): runc sends the pty's master, which goes on to the caller (the same console
//! protocol as the built-in runtime's), and this process waits for the container's process itself.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{Attach, Exited, Finished, Runtime};
use crate::error::{Error, Result};

/// `runc run --bundle DIR ID`, with its state kept under `state` (not the host's `/run/runc`).
pub struct Runc {
    binary: PathBuf,
    state: PathBuf,
}

impl Runc {
    /// The runtime `binary` (found in PATH when it has no `/`), keeping container state in `state`.
    pub fn new(binary: impl Into<PathBuf>, state: impl Into<PathBuf>) -> Runc {
        Runc {
            binary: binary.into(),
            state: state.into(),
        }
    }
}

impl Runtime for Runc {
    fn name(&self) -> &str {
        "runc"
    }

    fn delete(&self, id: &str) {
        let _ = Command::new(&self.binary)
            .arg("--root")
            .arg(&self.state)
            .args(["delete", "--force", id])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    fn run(&self, bundle: &Path, id: &str) -> Result<Finished> {
        self.run_live(bundle, id, &mut |_, _| {})
    }

    fn run_live(
        &self,
        bundle: &Path,
        id: &str,
        out: &mut dyn FnMut(strata_build::observer::Stream, &[u8]),
    ) -> Result<Finished> {
        let child = self
            .command(bundle, id)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| self.not_started(e))?;
        let (status, stdout, stderr) = super::wait_live(child, "runc", out)?;
        let (exit_code, start_error) = outcome(status, &stderr);
        Ok(Finished {
            exit_code,
            stdout,
            stderr: if start_error.is_some() {
                Vec::new()
            } else {
                stderr
            },
            start_error,
        })
    }

    fn run_attached(&self, bundle: &Path, id: &str, attach: Attach) -> Result<Exited> {
        let stdin = match attach {
            Attach::Inherit { stdin } => stdin,
            Attach::Terminal { console } => return self.run_terminal(bundle, id, console),
        };
        let mut cmd = self.command(bundle, id);
        // runc passes its standard error to the container: it is copied through as it comes, except runc's
        // own complaint about a process it could not start, kept to become Docker's message.
        cmd.stdin(if stdin {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped());
        let mut child = cmd.spawn().map_err(|e| self.not_started(e))?;
        let err = copy_stderr(&mut child);
        let status = child
            .wait()
            .map_err(|e| Error::Runtime(format!("waiting for {}: {e}", self.binary.display())))?;
        let (exit_code, start_error) = outcome(status, &err);
        Ok(Exited {
            exit_code,
            start_error,
        })
    }
}

impl Runc {
    /// A container with a terminal, as containerd and podman run one: `runc create --console-socket SOCKET
    /// --pid-file FILE`, where runc makes the pty in the container and sends its master over the socket;
    /// the master gets this process's terminal size and goes on to the caller's `console`; then
    /// `runc start`, and the container's process, orphaned when runc exits, is reparented to this process
    /// (a child subreaper meanwhile), which waits for it. (runc's own foreground console proxy was tried
    /// first: it sizes the terminal only after the process started and can lose the last output.)
    fn run_terminal(&self, bundle: &Path, id: &str, console: OwnedFd) -> Result<Exited> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Io { path, source }
        };
        std::fs::create_dir_all(&self.state).map_err(io(&self.state))?;
        let socket = self.state.join(format!("{id}.console"));
        let pid_file = self.state.join(format!("{id}.pid"));
        let _ = std::fs::remove_file(&socket);
        let _ = std::fs::remove_file(&pid_file);
        let listener = std::os::unix::net::UnixListener::bind(&socket).map_err(io(&socket))?;
        listener.set_nonblocking(true).map_err(io(&socket))?;
        let _reaper = Subreaper::become_one();
        let mut child = Command::new(&self.binary)
            .arg("--root")
            .arg(&self.state)
            .args(["create", "--console-socket"])
            .arg(&socket)
            .arg("--pid-file")
            .arg(&pid_file)
            .arg("--bundle")
            .arg(bundle)
            .arg(id)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| self.not_started(e))?;
        // The console arrives while runc runs; runc may also fail before sending it.
        let stream = loop {
            let mut fds = [libc::pollfd {
                fd: listener.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            }];
            // SAFETY: polls one descriptor described by a live array.
            unsafe { libc::poll(fds.as_mut_ptr(), 1, 50) };
            if let Ok((stream, _)) = listener.accept() {
                break Some(stream);
            }
            if child.try_wait().ok().flatten().is_some() {
                break listener.accept().ok().map(|(s, _)| s);
            }
        };
        if let Some(stream) = stream {
            let _ = stream.set_nonblocking(false);
            if let Some(master) = crate::pty::receive_fd(&OwnedFd::from(stream)) {
                crate::pty::copy_size(&master);
                // SAFETY: both are open descriptors of this process.
                unsafe { super::child_calls::send_fd(console.as_raw_fd(), master.as_raw_fd()) };
            }
        }
        drop(console);
        let err = copy_stderr(&mut child);
        let status = child
            .wait()
            .map_err(|e| Error::Runtime(format!("waiting for {}: {e}", self.binary.display())))?;
        let _ = std::fs::remove_file(&socket);
        let (mut exit_code, mut start_error) = outcome(status, &err);
        if status.success() && start_error.is_none() {
            let start = Command::new(&self.binary)
                .arg("--root")
                .arg(&self.state)
                .args(["start", id])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .output()
                .map_err(|e| self.not_started(e))?;
            (exit_code, start_error) = outcome(start.status, &start.stderr);
            if !start.status.success() {
                if start_error.is_none() {
                    let _ = std::io::stderr().write_all(&start.stderr);
                }
                self.delete(id);
                return Ok(Exited {
                    exit_code,
                    start_error,
                });
            }
        }
        let pid = std::fs::read_to_string(&pid_file)
            .ok()
            .and_then(|p| p.trim().parse::<libc::pid_t>().ok());
        let _ = std::fs::remove_file(&pid_file);
        let (Some(pid), true, None) = (pid, status.success(), &start_error) else {
            return Ok(Exited {
                exit_code,
                start_error,
            });
        };
        let mut wstatus = 0;
        // SAFETY: waits for the container's process, our child since runc exited.
        while unsafe { libc::waitpid(pid, &mut wstatus, 0) } < 0 {
            if std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
                return Err(Error::Runtime(format!(
                    "waiting for the container's process {pid}: {}",
                    std::io::Error::last_os_error()
                )));
            }
        }
        self.delete(id);
        Ok(Exited {
            exit_code: if libc::WIFEXITED(wstatus) {
                libc::WEXITSTATUS(wstatus)
            } else {
                128 + libc::WTERMSIG(wstatus)
            },
            start_error: None,
        })
    }

    /// `runc --root STATE run --bundle BUNDLE ID`.
    fn command(&self, bundle: &Path, id: &str) -> Command {
        let mut cmd = Command::new(&self.binary);
        cmd.arg("--root")
            .arg(&self.state)
            .args(["run", "--bundle"])
            .arg(bundle)
            .arg(id);
        cmd
    }

    fn not_started(&self, e: std::io::Error) -> Error {
        Error::Runtime(format!(
            "starting the OCI runtime {}: {e} (install runc, or name one with --runtime PATH)",
            self.binary.display()
        ))
    }
}

/// Copies runc's standard error through to this process's as it comes, except runc's own complaint about a
/// process it could not start, which is returned (to become Docker's message).
fn copy_stderr(child: &mut std::process::Child) -> Vec<u8> {
    let mut err = Vec::new();
    if let Some(mut e) = child.stderr.take() {
        let mut buf = [0u8; 8192];
        while let Ok(n @ 1..) = e.read(&mut buf) {
            let chunk = &buf[..n];
            if String::from_utf8_lossy(chunk).contains("unable to start container process") {
                err.extend_from_slice(chunk);
            } else {
                let mut out = std::io::stderr().lock();
                let _ = out.write_all(chunk);
                let _ = out.flush();
            }
        }
    }
    err
}

/// This process as a child subreaper while it lives: orphaned descendants (a detached container's
/// process) become its children.
struct Subreaper;

impl Subreaper {
    fn become_one() -> Subreaper {
        // SAFETY: a process attribute; no memory is involved.
        unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1) };
        Subreaper
    }
}

impl Drop for Subreaper {
    fn drop(&mut self) {
        // SAFETY: as above.
        unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 0) };
    }
}

/// The exit code and start error of a finished `runc run`: runc reports a process it could not start on
/// its own stderr (with exit status 1 or 255), which becomes Docker's 127 (not found) or 126.
fn outcome(status: std::process::ExitStatus, stderr: &[u8]) -> (i32, Option<String>) {
    let code = status.code().unwrap_or_else(|| {
        128 + std::os::unix::process::ExitStatusExt::signal(&status).unwrap_or(0)
    });
    let text = String::from_utf8_lossy(stderr);
    let start_error = text
        .lines()
        .find(|l| l.contains("unable to start container process"))
        .map(|l| {
            l.split("unable to start container process: ")
                .nth(1)
                .unwrap_or(l)
                .trim_end_matches('"')
                .replace("\\\"", "\"")
        });
    let exit_code = match &start_error {
        Some(e) if e.contains("not found") || e.contains("no such file") => 127,
        Some(_) => 126,
        None => code,
    };
    (exit_code, start_error)
}
