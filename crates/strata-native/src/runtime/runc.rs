//! An external OCI runtime binary (`runc`, or any binary with its command line) as a [`Runtime`].
//!
//! With a terminal ([`Attach::Terminal`]) `runc run` in the foreground makes the container's pty itself and
//! copies between it and its own standard streams, which must be a terminal: strata gives it the slave of a
//! pty of its own (`openpty`) as standard input and output, and sends that pty's master to the caller, so
//! the caller sees the same console protocol as with the built-in runtime. runc's own messages go to a
//! pipe, not into the terminal.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
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
        let out = self
            .command(bundle, id)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| self.not_started(e))?;
        let (exit_code, start_error) = outcome(out.status, &out.stderr);
        Ok(Finished {
            exit_code,
            stdout: out.stdout,
            stderr: if start_error.is_some() {
                Vec::new()
            } else {
                out.stderr
            },
            start_error,
        })
    }

    fn run_attached(&self, bundle: &Path, id: &str, attach: Attach) -> Result<Exited> {
        let mut cmd = self.command(bundle, id);
        // runc passes its standard error to the container: it is copied through as it comes, except runc's
        // own complaint about a process it could not start, kept to become Docker's message.
        cmd.stderr(Stdio::piped());
        let mut keep = None;
        match attach {
            Attach::Inherit { stdin } => {
                cmd.stdin(if stdin {
                    Stdio::inherit()
                } else {
                    Stdio::null()
                })
                .stdout(Stdio::inherit());
            }
            Attach::Terminal { console } => {
                let (master, slave) = openpty()?;
                // SAFETY: both are open descriptors of this process.
                if !unsafe { super::child_calls::send_fd(console.as_raw_fd(), master.as_raw_fd()) }
                {
                    return Err(Error::Runtime(format!(
                        "sending the terminal: {}",
                        std::io::Error::last_os_error()
                    )));
                }
                let dup = slave.try_clone().map_err(|e| self.not_started(e))?;
                cmd.stdin(Stdio::from(slave)).stdout(Stdio::from(dup));
                keep = Some((master, console));
            }
        }
        let mut child = cmd.spawn().map_err(|e| self.not_started(e))?;
        // runc holds the slave now; the caller's copy of the master must see it close when runc exits.
        drop(cmd);
        drop(keep);
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

/// A new pty pair of this process's `/dev/ptmx`: (master, slave).
fn openpty() -> Result<(OwnedFd, OwnedFd)> {
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty fills both descriptors on success; the name, termios and size are not wanted.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    if rc != 0 {
        return Err(Error::Runtime(format!(
            "openpty: {}",
            std::io::Error::last_os_error()
        )));
    }
    // SAFETY: just opened, owned by nothing else.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    for fd in [&master, &slave] {
        // SAFETY: sets close-on-exec on our own descriptor (runc gets the slave through dup2).
        unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) };
    }
    Ok((master, slave))
}
