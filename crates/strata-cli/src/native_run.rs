//! `strata run --backend native`: the container `run` created, run for real (`strata_native::run_container`)
//! with what the core resolved from the run line — argv, env, working directory, user and groups, mounts —
//! then recorded as Docker records it. Parsing, the image lookup and the container's creation are shared
//! with the simulator's run (`container::run`).

use std::process::ExitCode;

use anyhow::{anyhow, Result};
use strata_build::mounts::{container_mounts, MountSource};
use strata_build::run::{container_config, resolve, RunError, RunOptions};
use strata_build::time::format_rfc3339;
use strata_build::SourceImage;
use strata_image::image::ContainerConfig;
use strata_image::{Digest, Timestamp, Tree};
use strata_native::runtime::spec::ProcessSpec;
use strata_native::runtime::{Builtin, Exited, Runc, Runtime};
use strata_native::{
    ContainerRecord, ContainerRun, Containers, MountRecord, NativeMount, Network, Volumes,
};
use strata_sim::container::TreeFiles;

/// Docker's refusal of a `--network` strata has no such network for (`none`, `host` and the default
/// `bridge`/`default` are known), before anything is created.
pub fn refuse_network(network: Option<&str>) -> Option<ExitCode> {
    match network {
        None | Some("none" | "host" | "bridge" | "default") => None,
        Some(n) => {
            eprintln!("docker: Error response from daemon: network {n} not found.");
            Some(ExitCode::from(125))
        }
    }
}

/// One line per option `docker run` accepts that the native run does not carry out.
pub fn not_modelled(opts: &RunOptions) -> Vec<String> {
    let mut out = Vec::new();
    for p in &opts.publish {
        out.push(format!(
            "-p {p}: accepted, not carried out (there is no bridge network: nothing is published on the host)"
        ));
    }
    if opts.publish_all {
        out.push("-P: accepted, not carried out (there is no bridge network)".to_owned());
    }
    if opts.detach {
        out.push("-d: accepted, not carried out (the container runs in the foreground; docker would print its ID and return)".to_owned());
    }
    out
}

/// A created native container's run: where it comes from and what runs it.
pub struct NativeRun<'a> {
    /// The store.
    pub store: &'a strata_native::Store,
    /// Its containers.
    pub containers: &'a Containers,
    /// Its volumes.
    pub volumes: &'a Volumes,
    /// The image.
    pub image: &'a SourceImage,
    /// The image's files, flattened (for the run line's resolution).
    pub tree: &'a Tree,
    /// The image's config.
    pub config: &'a ContainerConfig,
    /// `--runtime`: `builtin`, `runc` or a path.
    pub runtime: &'a str,
    /// When it was created.
    pub created: Timestamp,
}

impl NativeRun<'_> {
    /// Runs the created container `rec` as `opts` say, in the foreground, and returns Docker's exit status.
    pub fn run(&self, mut rec: ContainerRecord, opts: &RunOptions) -> Result<ExitCode> {
        let network = match opts.network.as_deref() {
            Some("host") => Network::Host,
            _ => Network::Own,
        };
        // `-h`, else the short ID; with the host's network, the host's name (Docker 20.10 still gives the
        // container a UTS namespace of its own, so `-h` applies there too).
        let hostname = match (&opts.hostname, network) {
            (Some(h), _) => h.clone(),
            (None, Network::Host) => std::fs::read_to_string("/proc/sys/kernel/hostname")
                .map(|h| h.trim_end().to_owned())
                .unwrap_or_default(),
            (None, Network::Own) => rec.id[..12].to_owned(),
        };
        let mut opts = opts.clone();
        opts.hostname = Some(hostname.clone());
        let opts = &opts;
        let resolved = match resolve(self.config, opts, &TreeFiles(self.tree)) {
            Ok(r) => r,
            Err(e) => {
                // As the simulator's run: Docker refuses these at creation, so no container is left; a
                // user it cannot find is a start error, and the container stays, created and never run.
                if !matches!(e, RunError::User(_)) || opts.rm {
                    let _ = self.containers.remove(&rec.id);
                }
                return Ok(crate::container::run_error(&e));
            }
        };
        let (layers, _) =
            strata_build::engine::flatten(self.image).map_err(|e| anyhow!(e.message))?;
        let mut mounts = Vec::new();
        let mut records = Vec::new();
        let created = format_rfc3339(self.created.secs, 0);
        for m in container_mounts(self.config, opts) {
            let (source, name, fill) = match &m.source {
                MountSource::Bind(host) => {
                    // Docker creates a missing host path as a directory.
                    if std::fs::symlink_metadata(host).is_err() {
                        std::fs::create_dir_all(host)
                            .map_err(|e| anyhow!("creating the host directory {host}: {e}"))?;
                    }
                    (std::path::PathBuf::from(host), None, false)
                }
                MountSource::Named(n) => {
                    let (dir, empty) = self.volumes.native_dir(n, false, &created)?;
                    (dir, Some((n.clone(), false)), empty && !m.no_copy)
                }
                MountSource::Anonymous => {
                    let n = anonymous_name(&rec.id, &m.path());
                    let (dir, empty) = self.volumes.native_dir(&n, true, &created)?;
                    (dir, Some((n, true)), empty && !m.no_copy)
                }
            };
            records.push(MountRecord {
                kind: m.kind().to_owned(),
                name: name.as_ref().map(|(n, _)| n.clone()),
                source: match &m.source {
                    MountSource::Bind(h) => h.clone(),
                    _ => name.as_ref().map(|(n, _)| n.clone()).unwrap_or_default(),
                },
                destination: m.destination.clone(),
                mode: m.mode.clone(),
                rw: !m.read_only,
                anonymous: name.as_ref().is_some_and(|(_, a)| *a),
            });
            mounts.push(NativeMount {
                source,
                destination: m.path(),
                read_only: m.read_only,
                fill,
            });
        }
        let run = ContainerRun {
            dir: self.containers.dir(&rec),
            runtime_id: format!("strata-{}", &rec.id[..12]),
            layers: &layers,
            process: ProcessSpec {
                argv: &resolved.argv,
                env: &resolved.env,
                cwd: &resolved.workdir,
                uid: resolved.uid,
                gid: resolved.gid,
                groups: &resolved.groups,
                hostname: &hostname,
            },
            terminal: opts.tty,
            interactive: opts.interactive,
            network,
            mounts,
        };
        let exited = if self.runtime == "builtin" {
            strata_native::run_container(self.store.root(), &Builtin, &run)
        } else {
            let runc = Runc::new(self.runtime, self.store.root().join("runc"));
            let exited = strata_native::run_container(self.store.root(), &runc, &run);
            runc.delete(&run.runtime_id);
            exited
        };
        let exited = match exited {
            Ok(e) => e,
            Err(e) => {
                let _ = self.containers.remove(&rec.id);
                return Err(e.into());
            }
        };
        let code = report(&exited);
        rec.command = resolved.argv.clone();
        rec.config = Some(container_config(self.config, opts));
        rec.exit_code = Some(code);
        rec.mounts = records;
        let kept = if opts.rm {
            let removed = self.containers.remove(&rec.id).map(drop);
            for m in rec.mounts.iter().filter(|m| m.anonymous) {
                if let Some(n) = &m.name {
                    let _ = self.volumes.remove(n, &[]);
                }
            }
            removed
        } else {
            self.containers.finish_in_place(&rec)
        };
        if let Err(e) = kept {
            eprintln!("strata: warning: container {}: {e}", rec.name);
        }
        Ok(ExitCode::from(
            u8::try_from(code.clamp(0, 255)).unwrap_or(1),
        ))
    }
}

/// Prints Docker's message for a process that could not be started; returns the exit status.
fn report(exited: &Exited) -> i32 {
    if let Some(e) = &exited.start_error {
        eprintln!(
            "docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: {e}: unknown."
        );
    }
    exited.exit_code
}

/// An anonymous volume's name: 64 hex digits, from the container's ID and the mount's path (as the
/// simulator names them).
fn anonymous_name(id: &str, path: &str) -> String {
    Digest::of(format!("{id}\n{path}").as_bytes())
        .hex()
        .to_owned()
}
