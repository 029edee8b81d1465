//! Running one process in a container: the OCI runtime spec is the boundary (as in podman and buildah). A
//! RUN step or a container becomes a bundle (`config.json` made with the `oci-spec` crate's types, `spec`,
//! and a root filesystem), which a [`Runtime`] runs to completion.
//!
//! [`Builtin`] carries the spec out itself with system calls (the default: a step costs a few milliseconds
//! instead of runc's start-up); [`Runc`] runs bundles with an external OCI runtime binary (`--runtime runc`
//! or a path; crun does not work on the development machines).

mod builtin;
mod runc;
pub mod spec;

use std::path::Path;

pub use builtin::Builtin;
pub use runc::Runc;

use crate::error::Result;

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

/// Runs an OCI bundle.
pub trait Runtime {
    /// A short name (`runc`).
    fn name(&self) -> &str;

    /// Runs the bundle in `bundle` (its `config.json` and the root it names) as container `id`, to
    /// completion, with standard input empty and the output collected.
    fn run(&self, bundle: &Path, id: &str) -> Result<Finished>;

    /// Stops and forgets container `id` if the runtime still knows it (what a killed build left running).
    fn delete(&self, id: &str);
}
