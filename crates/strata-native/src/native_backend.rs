//! The native backend: a RUN step executed for real. The layers under the step are unpacked once each
//! (`layer_dirs`), what the engine already changed in the step (the runtime's mount points, the working
//! directory) is written into a fresh upper directory, overlayfs mounts them, the runtime runs the command
//! in its namespaces, and what the process wrote is read back from the upper directory into the engine's
//! overlay (`upper`), from which the engine computes the layer exactly as it does for the simulator.
//!
//! Each step works in `tmp/run-<pid>-<n>/` under the store root (upper, work, merged, bundle); the mount is
//! dropped and the directory removed whatever happens.

use std::fs;
use std::path::{Path, PathBuf};

use strata_build::{Backend, RunOutput, RunRequest};
use strata_image::Overlay;

use crate::error::{Error, Result};
use crate::layer_dirs::LayerDirs;
use crate::overlay_mount::OverlayMount;
use crate::runtime::spec::{spec, ProcessSpec};
use crate::runtime::Runtime;
use crate::unpack::write_layer;
use crate::upper::apply_upper;

/// Runs RUN steps in real containers with `runtime`, keeping unpacked layers in the store at `root`.
pub struct NativeBackend<R: Runtime> {
    root: PathBuf,
    runtime: R,
    steps: u32,
}

impl<R: Runtime> NativeBackend<R> {
    /// A backend over the store at `root`.
    pub fn new(root: &Path, runtime: R) -> NativeBackend<R> {
        NativeBackend {
            root: root.to_path_buf(),
            runtime,
            steps: 0,
        }
    }

    fn run_step(&mut self, fs_: &mut Overlay, req: &RunRequest) -> Result<RunOutput> {
        self.steps += 1;
        let lowers = LayerDirs::open(&self.root)?.ensure(&req.layers)?;
        let id = format!("strata-run-{}-{}", std::process::id(), self.steps);
        let dir = self.root.join("tmp").join(&id);
        let _ = fs::remove_dir_all(&dir);
        let result = self.in_dir(&dir, &id, lowers, fs_, req);
        let _ = fs::remove_dir_all(&dir);
        result
    }

    fn in_dir(
        &self,
        dir: &Path,
        id: &str,
        mut lowers: Vec<PathBuf>,
        fs_: &mut Overlay,
        req: &RunRequest,
    ) -> Result<RunOutput> {
        let (upper, work, merged, etc) = (
            dir.join("upper"),
            dir.join("work"),
            dir.join("merged"),
            dir.join("etc"),
        );
        let empty = dir.join("empty");
        for d in [&upper, &work, &merged, &etc, &empty] {
            fs::create_dir_all(d).map_err(|source| Error::Io {
                path: d.clone(),
                source,
            })?;
        }
        if lowers.is_empty() {
            // overlayfs needs a lower directory; an image with no layers has an empty one.
            lowers.push(empty);
        }
        write_layer(&upper, &fs_.changeset())?;
        // BuildKit's /etc/hosts for a step: the sandbox's name on loopback.
        for (name, text) in [
            (
                "hosts",
                format!(
                    "127.0.0.1\tlocalhost {}\n::1\tlocalhost ip6-localhost ip6-loopback\n",
                    req.hostname
                ),
            ),
            ("resolv.conf", host_resolv_conf()),
        ] {
            let p = etc.join(name);
            fs::write(&p, text).map_err(|source| Error::Io { path: p, source })?;
        }
        let finished = {
            let mount = OverlayMount::mount(&lowers, &upper, &work, &merged)?;
            let bundle = dir.join("bundle");
            fs::create_dir_all(&bundle).map_err(|source| Error::Io {
                path: bundle.clone(),
                source,
            })?;
            let s = spec(
                mount.target(),
                &etc,
                &ProcessSpec {
                    argv: &req.argv,
                    env: &req.env,
                    cwd: &req.cwd,
                    uid: req.uid,
                    gid: req.gid,
                    groups: &req.groups,
                    hostname: &req.hostname,
                },
            )?;
            let config = bundle.join("config.json");
            s.save(&config)
                .map_err(|e| Error::Runtime(format!("writing {}: {e}", config.display())))?;
            self.runtime.run(&bundle, id)?
        };
        apply_upper(&upper, fs_)?;
        Ok(RunOutput {
            exit_code: finished.exit_code,
            stdout: finished.stdout,
            stderr: finished.stderr,
            start_error: finished.start_error,
            ..RunOutput::default()
        })
    }
}

/// The host's resolver configuration, as BuildKit gives a step with the host's network (nameservers on
/// loopback are of no use inside: BuildKit then falls back to public ones).
fn host_resolv_conf() -> String {
    let host = fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
    let useful: Vec<&str> = host
        .lines()
        .filter(|l| !l.starts_with("nameserver 127.") && !l.starts_with("nameserver ::1"))
        .collect();
    if useful.iter().any(|l| l.starts_with("nameserver")) {
        useful.join("\n") + "\n"
    } else {
        "nameserver 8.8.8.8\nnameserver 8.8.4.4\n".to_owned()
    }
}

impl<R: Runtime> Backend for NativeBackend<R> {
    fn name(&self) -> &'static str {
        "native"
    }

    fn run(&mut self, fs: &mut Overlay, req: &RunRequest) -> RunOutput {
        match self.run_step(fs, req) {
            Ok(out) => out,
            Err(e) => RunOutput {
                exit_code: 1,
                start_error: Some(e.to_string()),
                ..RunOutput::default()
            },
        }
    }
}
