//! `docker run` in the simulator: resolve what an image starts with the run's options, give it the
//! filesystem Docker's runtime gives a container, run it, and keep its writable layer for `docker diff` and
//! `docker commit`.
//!
//! Shared by the CLI's `run` verb and the playground's run panel, so both start the same process on the same
//! files. Pure: the time and the container ID come in from the caller.
//!
//! Volumes (`strata_build::mounts`): each mount is laid over the container's filesystem before the process
//! starts — a volume's files (a new or empty volume first filled with the image's files at that path, as
//! Docker copies them), or an empty modelled host directory for a bind — and what the process wrote under a
//! mount goes back to the volume, not into the container's writable layer: so `docker diff` and `docker
//! commit` never see it, as with Docker. A mount point the image lacks is created in the writable layer
//! (`A /path` in `docker diff`); a `:ro` mount makes every change under it fail with `EROFS`.

use std::sync::Arc;

use strata_build::mounts::{container_mounts, MountSource, MountSpec};
use strata_build::run::{resolve_explained, ImageFiles, Resolved, RunError, RunOptions};
use strata_image::image::ContainerConfig;
use strata_image::{Attrs, Changeset, Entry, EntryKind, NodeKind, Overlay, Timestamp, Tree};

use crate::backend::container_rootfs;
use crate::exec::{exec, Event, ExecOutcome, ExecRequest, Identity, Limits, StopPlan};

/// An image's merged filesystem as `docker run` reads `/etc/passwd` and `/etc/group` from it.
pub struct TreeFiles<'a>(pub &'a Tree);

impl ImageFiles for TreeFiles<'_> {
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        self.0.read(path).ok().map(|c| c.bytes().into_owned())
    }
}

/// What one `docker run` did.
#[derive(Debug, Clone)]
pub struct Started {
    /// What Docker would start, with the explanation of each decision.
    pub resolved: Resolved,
    /// How the process ended.
    pub outcome: ExecOutcome,
    /// The container's filesystem: the image (plus the runtime's additions and the mounts) below, what the
    /// process changed above — under the mounts too; [`Started::layer`] is the writable layer alone.
    pub fs: Overlay,
    /// The container's writable layer: what `docker diff` lists and `docker commit` records (nothing that was
    /// written into a mount).
    pub layer: Changeset,
    /// The container's mounts, sorted by destination, each with what it holds after the run.
    pub mounts: Vec<Mounted>,
}

/// One mount of a container that ran, and what it holds afterwards.
#[derive(Debug, Clone)]
pub struct Mounted {
    /// What was asked for (`-v`, or an image `VOLUME`).
    pub spec: MountSpec,
    /// The volume's name (an anonymous one's is generated: 64 hex digits), or the host path of a bind.
    pub name: String,
    /// Whether this run created the volume (it was not among the volumes given to [`run_with_volumes`]).
    pub created: bool,
    /// Whether the volume was empty and got the image's files at the destination (Docker's copy).
    pub copied: bool,
    /// What the volume (or, for a bind, the modelled host directory) holds after the run.
    pub content: Tree,
}

impl Mounted {
    /// Whether it is a volume without a name given (`-v /path` or an image `VOLUME`).
    pub fn anonymous(&self) -> bool {
        self.spec.source == MountSource::Anonymous
    }

    /// Whether it is a volume (not a bind of a host directory).
    pub fn is_volume(&self) -> bool {
        !matches!(self.spec.source, MountSource::Bind(_))
    }
}

/// Why a run did not start a process: Docker's error (exit code 125) and the explanation gathered up to it.
#[derive(Debug, Clone)]
pub struct NotStarted {
    /// The error.
    pub error: RunError,
    /// What was decided before it (which ENTRYPOINT and CMD were there, what removed them).
    pub explanation: Vec<String>,
}

/// Runs the image with merged filesystem `image` and config `config` as `docker run` with `opts` would, in
/// a container with ID `id` (its first 12 characters are the hostname) at time `now`, with no volumes that
/// exist before it ([`run_with_volumes`]).
pub fn run(
    image: &Tree,
    config: &ContainerConfig,
    opts: &RunOptions,
    id: &str,
    now: Timestamp,
    limits: Limits,
) -> Result<Started, NotStarted> {
    run_with_volumes(image, config, opts, id, now, limits, &|_| None)
}

/// [`run`], where `volumes` gives the files of each named volume that exists (`None`: there is none, and the
/// run creates it). The caller keeps what [`Started::mounts`] says they hold afterwards.
pub fn run_with_volumes(
    image: &Tree,
    config: &ContainerConfig,
    opts: &RunOptions,
    id: &str,
    now: Timestamp,
    limits: Limits,
    volumes: &dyn Fn(&str) -> Option<Tree>,
) -> Result<Started, NotStarted> {
    let mut opts = opts.clone();
    // `-h` names the host; else the container ID's first 12 characters do.
    let hostname: String = match opts.hostname.as_deref() {
        Some(h) if !h.is_empty() => h.to_string(),
        _ => id.chars().take(12).collect(),
    };
    opts.hostname = Some(hostname.clone());
    let resolved = match resolve_explained(config, &opts, &TreeFiles(image)) {
        (Ok(r), _) => r,
        (Err(error), explanation) => return Err(NotStarted { error, explanation }),
    };
    let mut rootfs = container_rootfs(image, &[], &resolved.argv, &resolved.env, &hostname);
    let mut mounts = Vec::new();
    let mut new_points = Vec::new();
    for spec in container_mounts(config, &opts) {
        let path = spec.path();
        let (name, existing) = match &spec.source {
            MountSource::Anonymous => (anonymous_name(id, &path), None),
            MountSource::Named(n) => (n.clone(), volumes(n)),
            MountSource::Bind(h) => (h.clone(), None),
        };
        let created = existing.is_none() && !matches!(spec.source, MountSource::Bind(_));
        let mut content = existing.unwrap_or_else(|| Tree::with_root(Attrs::new(0o755, 0, 0, now)));
        let empty = content.read_dir("/").map(|v| v.is_empty()).unwrap_or(true);
        let image_dir = image.stat(&path).ok().filter(|s| s.is_dir());
        let copied = empty
            && !spec.no_copy
            && !matches!(spec.source, MountSource::Bind(_))
            && image_dir.is_some();
        if copied {
            content = subtree(image, &path);
        }
        if rootfs.lstat(&path).is_ok() {
            let _ = rootfs.remove_all(&path, now);
            let _ = rootfs.insert(&path, root_attrs(&content), NodeKind::Dir);
            for (p, st) in content.entries() {
                let _ = rootfs.insert(&join(&path, &p), st.attrs, st.kind);
            }
        } else {
            new_points.push(path.clone());
        }
        mounts.push(Mounted {
            spec,
            name,
            created,
            copied,
            content,
        });
    }
    let lower = Arc::new(rootfs);
    let mut fs = Overlay::new(lower.clone());
    for m in &mounts {
        let path = m.spec.path();
        if new_points.contains(&path) {
            // Docker creates a missing mount point in the container's writable layer.
            let _ = fs.mkdir_all(&path, Attrs::new(0o755, 0, 0, now));
            for (p, st) in m.content.entries() {
                let full = join(&path, &p);
                let _ = match st.kind {
                    NodeKind::Dir => fs.mkdir(&full, st.attrs),
                    kind => fs.create(&full, st.attrs, kind),
                };
            }
        }
    }
    for m in &mounts {
        if m.spec.read_only {
            fs.mount_read_only(&m.spec.path());
        }
    }
    let outcome = exec(
        &mut fs,
        &ExecRequest {
            argv: resolved.argv.clone(),
            env: resolved.env.clone(),
            cwd: resolved.workdir.clone(),
            identity: Identity {
                uid: resolved.uid,
                gid: resolved.gid,
                groups: resolved.groups.clone(),
            },
            stdin: Vec::new(),
            now,
            hostname,
            stop: Some(StopPlan::docker_stop_after(limits.run_seconds)),
            cache_mounts: Vec::new(),
            // `strata run` has no --network in the simulator: a container gets Docker's default bridge,
            // whose interfaces it does not model.
            loopback_only: false,
            limits,
        },
    );
    let (layer, mounts) = split_layer(&lower, fs.changeset(), mounts, &new_points);
    Ok(Started {
        resolved,
        outcome,
        fs,
        layer,
        mounts,
    })
}

/// An anonymous volume's name: Docker's are random 64-hex; this one is the sha256 of the container ID and
/// the mount path, so a run is reproducible.
fn anonymous_name(id: &str, path: &str) -> String {
    let d = strata_image::Digest::of(format!("{id}\n{path}").as_bytes()).to_string();
    d.trim_start_matches("sha256:").to_string()
}

fn join(dir: &str, rel: &str) -> String {
    if dir == "/" {
        rel.to_string()
    } else {
        format!("{dir}{rel}")
    }
}

fn root_attrs(t: &Tree) -> Attrs {
    t.lstat("/").map(|s| s.attrs).unwrap_or_default()
}

/// The files of `tree` under the directory `path`, as a tree of their own (its root has the directory's
/// attributes).
fn subtree(tree: &Tree, path: &str) -> Tree {
    let attrs = tree.stat(path).map(|s| s.attrs).unwrap_or_default();
    let mut out = Tree::with_root(attrs);
    let prefix = format!("{}/", path.trim_end_matches('/'));
    for (p, st) in tree.entries() {
        if let Some(rel) = p.strip_prefix(&prefix) {
            let _ = out.insert(&format!("/{rel}"), st.attrs, st.kind);
        }
    }
    out
}

/// The mount (index into `mounts`) whose destination holds `path`: the deepest.
fn mount_of(paths: &[String], path: &str) -> Option<usize> {
    paths
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            m.as_str() == "/"
                || path == m.as_str()
                || path
                    .strip_prefix(m.as_str())
                    .is_some_and(|r| r.starts_with('/'))
        })
        .max_by_key(|(_, m)| m.len())
        .map(|(i, _)| i)
}

/// Splits what the process changed into the container's writable layer and each mount's new content.
fn split_layer(
    lower: &Tree,
    all: Changeset,
    mut mounts: Vec<Mounted>,
    new_points: &[String],
) -> (Changeset, Vec<Mounted>) {
    let paths: Vec<String> = mounts.iter().map(|m| m.spec.path()).collect();
    let mut layer = Vec::new();
    let mut per_mount: Vec<Vec<Entry>> = vec![Vec::new(); mounts.len()];
    for e in all.entries {
        match mount_of(&paths, &e.path) {
            Some(i) if !(e.path == paths[i] && new_points.contains(&e.path)) => {
                let rebase = |p: &str| match p.strip_prefix(paths[i].as_str()) {
                    _ if paths[i] == "/" => p.to_string(),
                    Some("") => "/".to_string(),
                    Some(r) => r.to_string(),
                    None => p.to_string(),
                };
                let kind = match e.kind {
                    EntryKind::Hardlink(t) => EntryKind::Hardlink(rebase(&t)),
                    k => k,
                };
                if e.path != paths[i] {
                    per_mount[i].push(Entry {
                        path: rebase(&e.path),
                        attrs: e.attrs,
                        kind,
                    });
                }
            }
            _ => layer.push(e),
        }
    }
    // A directory above a mount point that is in the layer only because a write under the mount copied it up
    // (same attributes as below, nothing else changed in it) is not a change of the container.
    let keep: Vec<bool> = layer
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let above_mount = paths.iter().any(|m| {
                m.strip_prefix(e.path.as_str())
                    .is_some_and(|r| r.starts_with('/'))
                    || e.path == "/"
            });
            let unchanged = matches!(e.kind, EntryKind::Dir)
                && lower
                    .lstat(&e.path)
                    .is_ok_and(|st| st.is_dir() && st.attrs == e.attrs);
            let inside = format!("{}/", e.path);
            let has_children = layer
                .iter()
                .enumerate()
                .any(|(j, o)| j != i && o.path.starts_with(&inside));
            !(above_mount && unchanged && !has_children)
        })
        .collect();
    let layer: Vec<Entry> = layer
        .into_iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .collect();
    for (m, entries) in mounts.iter_mut().zip(per_mount) {
        if !entries.is_empty() {
            let _ = Changeset { entries }.apply(&mut m.content);
        }
    }
    (Changeset { entries: layer }, mounts)
}

/// One line of `docker diff`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    /// `A` added, `C` changed (a copy-up of a path the image has, or a directory something changed in), `D`
    /// deleted.
    pub kind: char,
    /// The absolute path.
    pub path: String,
}

impl std::fmt::Display for DiffLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.kind, self.path)
    }
}

/// `docker diff` of a container whose image's merged filesystem is `lower` and whose writable layer is
/// `upper`: a whiteout is `D`, an entry for a path that exists below is `C`, anything else `A`.
pub fn docker_diff(lower: &Tree, upper: &Changeset) -> Vec<DiffLine> {
    upper
        .entries
        .iter()
        .filter_map(|e| {
            let kind = match &e.kind {
                EntryKind::Whiteout => 'D',
                EntryKind::Opaque => return None,
                _ if lower.lstat(&e.path).is_ok() => 'C',
                _ => 'A',
            };
            Some(DiffLine {
                kind,
                path: e.path.clone(),
            })
        })
        .collect()
}

/// The run's simulated timeline as `[strata]` lines, when time passed in it (a `sleep`) or `docker stop`
/// had to stop it: `t=0s start`, `t=60s docker stop: SIGTERM …`, `t=70s SIGKILL, exit code 137`.
pub fn timeline_lines(outcome: &ExecOutcome) -> Vec<String> {
    use strata_build::time::simulated_duration as d;
    let tl = &outcome.timeline;
    if !tl.moved() {
        return Vec::new();
    }
    let mut out = Vec::new();
    out.push(match tl.stop {
        Some(stop) => format!(
            "[strata] time is simulated: t=0s start; a container still running at t={} is stopped as `docker stop` would stop it",
            d(stop.term_at_ms)
        ),
        None => "[strata] time is simulated: t=0s start".to_owned(),
    });
    for (at, e) in &tl.events {
        out.push(match e {
            Event::Term { handled: true } => format!(
                "[strata] t={} docker stop: SIGTERM to PID 1, which traps it",
                d(*at)
            ),
            Event::Term { handled: false } => format!(
                "[strata] t={} docker stop: SIGTERM to PID 1, which ignores it (PID 1 has no handler for it)",
                d(*at)
            ),
            Event::Kill => format!(
                "[strata] t={} docker stop: SIGKILL after the 10 s grace period, exit code 137",
                d(*at)
            ),
            Event::Exit(code) => format!("[strata] t={} exited, exit code {code}", d(*at)),
        });
    }
    out
}
