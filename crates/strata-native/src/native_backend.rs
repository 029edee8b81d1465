//! The native backend: a RUN step executed for real. The layers under the step are unpacked once each
//! (`layer_dirs`), what the engine already changed in the step (the runtime's mount points, the working
//! directory) is written into a fresh upper directory, overlayfs mounts them, the runtime runs the command
//! in its namespaces, and what the process wrote is read back from the upper directory into the engine's
//! overlay (`upper`), from which the engine computes the layer exactly as it does for the simulator.
//!
//! Each step works in `tmp/strata-run-<pid>-<n>/` under the store root (upper, work, merged, bundle); the
//! mount is dropped whatever happens. The upper directory stays as long as the engine holds contents read
//! from it (`host_file`: files are streamed from it into the layer, never held in memory); everything else
//! goes when the step ends, and all of it if the step failed.

use std::fs;
use std::path::{Path, PathBuf};

use strata_build::{Backend, RunOutput, RunRequest};
use strata_image::Overlay;

use crate::error::{Error, Result};
use crate::host_file::KeptDir;
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
    /// A backend over the store at `root`. The process moves into a mount namespace of its own first
    /// (`overlay_mount::private_mounts`), so a killed build leaves no mount behind.
    pub fn new(root: &Path, runtime: R) -> NativeBackend<R> {
        crate::overlay_mount::private_mounts();
        let backend = NativeBackend {
            root: root.to_path_buf(),
            runtime,
            steps: 0,
        };
        backend.sweep();
        backend
    }

    /// Removes what killed builds left: their step directories (`tmp/strata-run-<pid>-<n>` of a process
    /// that is gone) and the containers the runtime still runs for them.
    fn sweep(&self) {
        let Ok(dir) = fs::read_dir(self.root.join("tmp")) else {
            return;
        };
        for e in dir.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(pid) = name
                .strip_prefix("strata-run-")
                .and_then(|r| r.split('-').next())
                .and_then(|p| p.parse::<u32>().ok())
            else {
                continue;
            };
            if pid == std::process::id() || alive(pid) {
                continue;
            }
            self.runtime.delete(&name);
            // The killed container's mount namespace lets go of its overlay a moment after the runtime
            // killed it; until then its mount point is busy.
            for _ in 0..40 {
                if fs::remove_dir_all(e.path()).is_ok() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        }
    }

    fn run_step(
        &mut self,
        fs_: &mut Overlay,
        req: &RunRequest,
        out: &mut dyn FnMut(strata_build::observer::Stream, &[u8]),
    ) -> Result<RunOutput> {
        if let Some(why) = crate::preflight::host_refusal() {
            return Err(Error::Runtime(why));
        }
        self.steps += 1;
        let lowers = LayerDirs::open(&self.root)?.ensure(&req.layers)?;
        let id = format!("strata-run-{}-{}", std::process::id(), self.steps);
        let dir = self.root.join("tmp").join(&id);
        let _ = fs::remove_dir_all(&dir);
        // Removes the directory when the step fails, or when the last content read from it is dropped.
        let kept = KeptDir::new(dir.clone());
        let mut result = self.in_dir(&dir, lowers, fs_, req, &kept, out);
        if let Ok(out) = &mut result {
            if out.exit_code != 0 {
                // A process that failed on a full disk often says only "I/O error" (overlayfs): say why.
                if let Some(note) = disk_full(&self.root) {
                    out.notes.push(note);
                }
            }
            for name in ["work", "merged", "etc", "empty", "bundle"] {
                let _ = fs::remove_dir_all(dir.join(name));
            }
        }
        result
    }

    /// Runs the step in `dir` (`tmp/<container id>`).
    fn in_dir(
        &self,
        dir: &Path,
        mut lowers: Vec<PathBuf>,
        fs_: &mut Overlay,
        req: &RunRequest,
        kept: &std::sync::Arc<KeptDir>,
        out: &mut dyn FnMut(strata_build::observer::Stream, &[u8]),
    ) -> Result<RunOutput> {
        let id = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let id = id.as_str();
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
            let s = with_step_mounts(s, mount.target(), req)?;
            let config = bundle.join("config.json");
            s.save(&config)
                .map_err(|e| Error::Runtime(format!("writing {}: {e}", config.display())))?;
            self.runtime.run_live(&bundle, id, out)?
        };
        // What the container wrote under a read-only `RUN --mount` target is put back by the engine.
        fs_.with_mounts_writable(|fs| apply_upper(&upper, fs, Some(kept)))?;
        Ok(RunOutput {
            exit_code: finished.exit_code,
            stdout: finished.stdout,
            stderr: finished.stderr,
            start_error: finished.start_error,
            ..RunOutput::default()
        })
    }
}

/// A note when the filesystem of the store at `root` is (nearly) full: less than 1 MiB or 1% left.
fn disk_full(root: &Path) -> Option<String> {
    let st = rustix::fs::statvfs(root).ok()?;
    let free = st.f_bavail.saturating_mul(st.f_frsize);
    let total = st.f_blocks.saturating_mul(st.f_frsize);
    (free < (1 << 20) || free.saturating_mul(100) < total).then(|| {
        format!(
            "no space left on device: the store's filesystem at {} is full ({free} of {total} bytes free); \
             free some space (`strata system prune`) or use another --root",
            root.display()
        )
    })
}

/// Whether process `pid` is running (a zombie, killed but not yet reaped, is not).
pub(crate) fn alive(pid: u32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        // `pid (comm) S …`: the state follows the last `)`.
        stat.rsplit_once(')')
            .and_then(|(_, rest)| rest.trim_start().chars().next())
            .is_some_and(|state| state != 'Z' && state != 'X')
    })
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
        self.run_live(fs, req, &mut |_, _| {})
    }

    fn run_live(
        &mut self,
        fs: &mut Overlay,
        req: &RunRequest,
        out: &mut dyn FnMut(strata_build::observer::Stream, &[u8]),
    ) -> RunOutput {
        match self.run_step(fs, req, out) {
            Ok(out) => out,
            Err(e) => RunOutput {
                exit_code: 1,
                start_error: Some(e.to_string()),
                ..RunOutput::default()
            },
        }
    }
}

/// What a step's `RUN --mount`s and `--network` add to its spec: each read-only target bound onto itself
/// read-only (the engine laid the mount's files there), and for `--network=none` a network namespace of its
/// own, where only loopback is.
fn with_step_mounts(
    mut s: oci_spec::runtime::Spec,
    rootfs: &Path,
    req: &RunRequest,
) -> Result<oci_spec::runtime::Spec> {
    use oci_spec::runtime::{LinuxNamespaceBuilder, LinuxNamespaceType, MountBuilder};
    let bad = |e: oci_spec::OciSpecError| Error::Runtime(format!("the runtime spec: {e}"));
    let mut mounts = s.mounts().clone().unwrap_or_default();
    for target in &req.read_only {
        mounts.push(
            MountBuilder::default()
                .destination(target)
                .typ("bind")
                .source(rootfs.join(target.trim_start_matches('/')))
                .options(vec![
                    "rbind".to_owned(),
                    "rprivate".to_owned(),
                    "ro".to_owned(),
                ])
                .build()
                .map_err(bad)?,
        );
    }
    s.set_mounts(Some(mounts));
    if req.network == strata_build::backend::NetworkMode::None {
        if let Some(ns) = s
            .linux_mut()
            .as_mut()
            .and_then(|l| l.namespaces_mut().as_mut())
        {
            ns.push(
                LinuxNamespaceBuilder::default()
                    .typ(LinuxNamespaceType::Network)
                    .build()
                    .map_err(bad)?,
            );
        }
    }
    Ok(s)
}
