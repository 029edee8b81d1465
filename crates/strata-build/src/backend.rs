//! The seams where the engine meets the world: how RUN executes ([`Backend`]), where base images come from
//! ([`ImageSource`]) and what the build context holds ([`Context`]).

use std::sync::Arc;

use strata_image::image::ImageConfig;
use strata_image::{Changeset, Overlay, Timestamp, Tree};

/// What a RUN step (or an ONBUILD-triggered RUN) asks the backend to execute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRequest {
    /// The argv: the shell prepended for the shell form, as given for the exec form.
    pub argv: Vec<String>,
    /// `KEY=value` in order: the image's Env, then the build args in scope that ENV does not set.
    pub env: Vec<String>,
    /// Absolute working directory.
    pub cwd: String,
    /// User ID.
    pub uid: u32,
    /// Group ID.
    pub gid: u32,
    /// Supplementary groups: under BuildKit, the groups that list the user as a member (not its primary
    /// group), so `id` in a RUN step shows no `groups=` for most users.
    pub groups: Vec<u32>,
    /// The container's hostname.
    pub hostname: String,
    /// The layers under the step, base first: a backend that works on disk mounts them (the simulator reads
    /// the step's overlay instead).
    pub layers: Vec<crate::Layer>,
    /// The build's clock: files the step writes get this mtime.
    pub now: Timestamp,
    /// `RUN --network`: `None` gives the step a network namespace with only loopback; the default and
    /// `host` run in the builder's.
    pub network: NetworkMode,
    /// The targets of the step's read-only `RUN --mount`s (binds, secrets): the simulator's overlay refuses
    /// writes there by itself, a backend that runs real processes mounts them read-only.
    pub read_only: Vec<String>,
    /// The targets of the step's `RUN --mount=type=cache`s: what a program writes there stays out of the
    /// layer (the simulator's tool models say where their downloads went).
    pub cache_targets: Vec<String>,
}

/// `RUN --network=…` (the Dockerfile crate's type, so a backend needs no parser).
pub use strata_dockerfile::instructions::NetworkMode;

/// How a RUN step ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunOutput {
    /// Exit status; anything but 0 fails the build.
    pub exit_code: i32,
    /// Output the step printed.
    pub stdout: Vec<u8>,
    /// Error output.
    pub stderr: Vec<u8>,
    /// Things the user must know about how the step was executed (modelled effects, unsupported commands,
    /// limits hit), shown on the step.
    pub notes: Vec<String>,
    /// The runtime's own error when the process could not start (e.g. `exec: "x": permission denied`).
    pub start_error: Option<String>,
    /// True when a limit stopped the step: the build reports it as such.
    pub limit_hit: bool,
    /// Set when the step reached a program that exists in the image but that the backend cannot run (the
    /// simulator runs busybox, the shells and the modelled package managers, not `python` or `curl`). The
    /// step stops there; `exit_code` is then meaningless, as no process ended with it.
    pub not_simulated: Option<NotSimulated>,
    /// How long the step took in the backend's clock, in milliseconds (the simulator's clock is simulated:
    /// `sleep 5` takes 5000 of them and no real time).
    pub elapsed_ms: u64,
}

/// A program that exists in the image but that the simulator cannot run: what a run reaching it ends with,
/// instead of an exit code Docker never gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotSimulated {
    /// The name it was called by (`python`).
    pub program: String,
    /// The file it resolved to, links followed (`/usr/bin/python3.12`).
    pub path: String,
}

impl std::fmt::Display for NotSimulated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "not simulated: {} exists in the image, but strata cannot run it",
            self.path
        )
    }
}

/// Executes RUN steps. The simulator and the native container runtime both implement it; the engine does
/// everything else the same way for both.
///
/// The step's filesystem is an [`Overlay`] over the image so far: a backend that runs real processes
/// applies what its container changed to `fs`, so layers, digests and views are computed by one piece of
/// code.
pub trait Backend {
    /// A short name for progress output (`sim`, `native`).
    fn name(&self) -> &'static str;

    /// Runs one command to completion in `fs`.
    fn run(&mut self, fs: &mut Overlay, req: &RunRequest) -> RunOutput;

    /// [`Backend::run`], handing `out` the command's output as it comes (with the stream it came on), for a
    /// backend whose commands take real time. The output is in the returned [`RunOutput`] too. By default
    /// nothing is handed over.
    fn run_live(
        &mut self,
        fs: &mut Overlay,
        req: &RunRequest,
        out: &mut dyn FnMut(crate::observer::Stream, &[u8]),
    ) -> RunOutput {
        let _ = out;
        self.run(fs, req)
    }
}

/// An image an [`ImageSource`] gives a build to start `FROM` (or `COPY --from`): its config and its layers,
/// bottom first. (Not `strata_sim::base::BaseImage`, the simulator's built-in models it is made from.)
#[derive(Debug, Clone)]
pub struct SourceImage {
    /// The reference it was found under, normalised (`busybox:latest`).
    pub reference: String,
    /// The image config.
    pub config: ImageConfig,
    /// The layers, bottom first, as changesets.
    pub layers: Vec<Arc<Changeset>>,
    /// True when some contents are modelled rather than real (a built-in model).
    pub modelled: bool,
    /// Set when the source had no image for this exact reference and gives another version instead (the
    /// simulator's `alpine:3.20` model for `alpine:3.12`): the sentence the build shows on the FROM line.
    pub substitute: Option<String>,
}

/// Where `FROM` and `COPY --from=<image>` find images (the simulator's models, the CLI's disk store). Not
/// `strata_native::Store`, which is where the CLI keeps images, containers and the cache.
pub trait ImageSource {
    /// The image `reference` names, or None if there is none.
    fn image(&self, reference: &str) -> Option<SourceImage>;

    /// Whether a FROM of an image this source does not have builds on, as a clearly labelled *unknown*
    /// base (empty filesystem and config), instead of failing. The simulator's preview does; a source for
    /// a backend that runs real processes must not (there would be nothing to run). By default, not.
    fn stands_in_for_unknown(&self) -> bool {
        false
    }
}

/// The build context: the files `COPY` and `ADD` read.
pub trait Context {
    /// The context as a tree rooted at the context directory.
    fn tree(&self) -> &Tree;
}

impl Context for Tree {
    fn tree(&self) -> &Tree {
        self
    }
}
