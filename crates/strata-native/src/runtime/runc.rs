//! An external OCI runtime binary (`runc`, or any binary with its command line) as a [`Runtime`].

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{Finished, Runtime};
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
        let out = Command::new(&self.binary)
            .arg("--root")
            .arg(&self.state)
            .args(["run", "--bundle"])
            .arg(bundle)
            .arg(id)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| {
                Error::Runtime(format!(
                    "starting the OCI runtime {}: {e} (install runc, or name one with --runtime PATH)",
                    self.binary.display()
                ))
            })?;
        let code = out.status.code().unwrap_or_else(|| {
            128 + std::os::unix::process::ExitStatusExt::signal(&out.status).unwrap_or(0)
        });
        // runc reports a process it could not start on its own stderr, with exit status 1 or 255.
        let text = String::from_utf8_lossy(&out.stderr);
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
        let (exit_code, stderr) = match &start_error {
            Some(e) if e.contains("not found") || e.contains("no such file") => (127, Vec::new()),
            Some(_) => (126, Vec::new()),
            None => (code, out.stderr),
        };
        Ok(Finished {
            exit_code,
            stdout: out.stdout,
            stderr,
            start_error,
        })
    }
}
