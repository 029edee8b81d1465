//! `RUN --mount`: what each mount shows at its target while the command runs — a cache that lives across
//! builds, the build context or another stage's or image's files, an empty tmpfs, a secret — and that none
//! of it stays in the step's layer. Only the mount points the step had to create stay, empty, as Docker 20.10's
//! BuildKit leaves them (fidelity case 260; BuildKit 0.11 and later remove empty mount points they created,
//! a difference listed in ARCHITECTURE.md).
//!
//! The mounts are laid into the step's own overlay around the backend's run, so both backends see them the
//! same way: the simulator reads them from the overlay, the native backend from the upper directory the
//! overlay's changes are written to. Afterwards the overlay's upper is put back under every target as it was
//! before the mount (`Overlay::restore_upper`), and a cache mount's content is kept in the build [`Cache`]
//! under its id.

use std::collections::BTreeMap;
use std::sync::Arc;

use strata_dockerfile::instructions::{Mount, MountKind};
use strata_dockerfile::Span;
use strata_image::{Attrs, Content, Digest, NodeKind, Overlay, Timestamp, Tree};

use super::state::State;
use super::Builder;
use crate::cache::Cache;
use crate::BuildError;

/// One mount, its content resolved before the step runs.
#[derive(Clone)]
pub(super) struct ReadyMount {
    /// Canonical absolute target.
    target: String,
    /// What the target shows: a directory tree (its root is the target) or one file.
    content: MountContent,
    read_only: bool,
    /// The cache id, for a cache mount (its content is kept after the run).
    cache_id: Option<String>,
    /// Whether the mount made a file stub at the target (removed afterwards, as BuildKit's stub cleaner
    /// does; the directories it made stay).
    stub: bool,
}

#[derive(Clone)]
enum MountContent {
    Dir(Arc<Tree>),
    File(Content, Attrs),
}

impl Builder<'_, '_> {
    /// Resolves the mounts of a RUN: their targets, sources and options, and what they add to the step's
    /// cache key (the checksums of bound files: a changed context file reruns the step, as in BuildKit).
    pub(super) fn run_mounts(
        &mut self,
        st: &State,
        mounts: &[Mount],
        span: Span,
    ) -> Result<(Vec<ReadyMount>, BTreeMap<String, Digest>), BuildError> {
        let mut ready = Vec::new();
        let mut sums = BTreeMap::new();
        let now = self.req.now;
        for (n, m) in mounts.iter().enumerate() {
            let mut fields: Vec<(String, Option<String>)> = Vec::new();
            for (k, v) in &m.fields {
                let v = v
                    .as_deref()
                    .map(|v| self.expand(st, v, m.span))
                    .transpose()?;
                fields.push((k.clone(), v));
            }
            let get = |key: &str| -> Result<Option<String>, BuildError> {
                Ok(fields
                    .iter()
                    .rev()
                    .find(|(k, _)| k == key)
                    .and_then(|(_, v)| v.clone()))
            };
            let flag = |keys: &[&str]| {
                m.fields.iter().rev().find_map(|(k, v)| {
                    keys.contains(&k.as_str())
                        .then(|| v.as_deref().is_none_or(|v| v == "true"))
                })
            };
            let target = m.target().map(|t| self.expand(st, t, m.span)).transpose()?;
            let workdir = st.workdir();
            let absolute = |t: &str| -> String {
                let joined = if t.starts_with('/') {
                    t.to_string()
                } else {
                    format!("{}/{t}", workdir.trim_end_matches('/'))
                };
                crate::copy::clean(&joined)
            };
            let (uid, gid) = (
                get("uid")?.and_then(|v| v.parse().ok()).unwrap_or(0),
                get("gid")?.and_then(|v| v.parse().ok()).unwrap_or(0),
            );
            let mode = get("mode")?.and_then(|v| u32::from_str_radix(&v, 8).ok());
            match m.kind {
                MountKind::Secret => {
                    let id = get("id")?;
                    let target = match (&target, &id) {
                        (Some(t), _) => absolute(t),
                        (None, Some(id)) => format!("/run/secrets/{id}"),
                        (None, None) => {
                            return Err(BuildError::at(
                                m.span,
                                "secret mount needs an id= or a target=".to_string(),
                            ))
                        }
                    };
                    let id = id.unwrap_or_else(|| {
                        target.rsplit('/').next().unwrap_or_default().to_string()
                    });
                    match self.req.secrets.iter().rev().find(|(k, _)| *k == id) {
                        Some((_, bytes)) => ready.push(ReadyMount {
                            target,
                            content: MountContent::File(
                                Content::from(bytes.clone()),
                                Attrs::new(mode.unwrap_or(0o400), uid, gid, now),
                            ),
                            read_only: true,
                            cache_id: None,
                            stub: false,
                        }),
                        // A secret that was not given is not mounted: the command finds no file (BuildKit
                        // fails only with required=true).
                        None if flag(&["required"]) == Some(true) => {
                            return Err(BuildError::at(m.span, format!("secret {id}: not found"))
                                .with_help(format!(
                                    "give it with `strata build --secret id={id},src=FILE`"
                                )))
                        }
                        None => {}
                    }
                }
                MountKind::Ssh => {
                    // No agent is forwarded: the socket is not there, as when `--ssh` is not given.
                }
                kind => {
                    let Some(t) = target else {
                        return Err(BuildError::at(
                            m.span,
                            "mount needs a target= (or dst=, destination=)".to_string(),
                        ));
                    };
                    let target = absolute(&t);
                    let root_attrs = Attrs::new(mode.unwrap_or(0o755), uid, gid, now);
                    let (content, read_only, cache_id) = match kind {
                        MountKind::Tmpfs => (
                            MountContent::Dir(Arc::new(Tree::with_root(root_attrs))),
                            false,
                            None,
                        ),
                        MountKind::Cache => {
                            let id = get("id")?.unwrap_or_else(|| target.clone());
                            let content = match self.cache.mount_cache(&id) {
                                Some(t) => MountContent::Dir(t),
                                None => match self.mount_source(m, &get, span, &mut sums, n)? {
                                    Some(c) if get("from")?.is_some() => c,
                                    _ => MountContent::Dir(Arc::new(Tree::with_root(root_attrs))),
                                },
                            };
                            (content, flag(&["readonly", "ro"]) == Some(true), Some(id))
                        }
                        _ => {
                            let content = self
                                .mount_source(m, &get, span, &mut sums, n)?
                                .unwrap_or_else(|| {
                                    MountContent::Dir(Arc::new(Tree::with_root(root_attrs)))
                                });
                            let rw = flag(&["rw", "readwrite"]) == Some(true);
                            (content, !rw, None)
                        }
                    };
                    ready.push(ReadyMount {
                        target,
                        content,
                        read_only,
                        cache_id,
                        stub: false,
                    });
                }
            }
        }
        Ok((ready, sums))
    }

    /// The files a bind (or `from=` cache) mount shows: `source=` (default the root) of the context, an
    /// earlier stage or an image. Context files' checksums go into `sums`.
    fn mount_source(
        &mut self,
        m: &Mount,
        get: &dyn Fn(&str) -> Result<Option<String>, BuildError>,
        span: Span,
        sums: &mut BTreeMap<String, Digest>,
        n: usize,
    ) -> Result<Option<MountContent>, BuildError> {
        let source = get("source")?
            .or(get("src")?)
            .unwrap_or_else(|| "/".to_string());
        let source = crate::copy::clean(&format!("/{}", source.trim_start_matches('/')));
        let from = get("from")?;
        let (tree, context): (Arc<Tree>, bool) = match (m.from_stage, from) {
            (Some(i), _) => (self.stage_tree(i, span)?, false),
            (None, Some(f)) => match f.parse::<usize>() {
                Ok(i) => (self.stage_tree(i, span)?, false),
                Err(_) => {
                    let img = self.store.image(&f).ok_or_else(|| {
                        BuildError::at(
                            m.span,
                            format!(
                                "failed to resolve source metadata for {}: not found",
                                super::copy_step::fully_qualified_tagged(&f)
                            ),
                        )
                    })?;
                    (self.open_base(&img)?.2, false)
                }
            },
            (None, None) => (Arc::new(self.req.context.tree().clone()), true),
        };
        let st_src = match tree.stat(&source) {
            Ok(s) => s,
            Err(_) => {
                return Err(BuildError::at(
                    m.span,
                    format!("failed to compute cache key: \"{source}\" not found: not found"),
                ))
            }
        };
        let ignored = |rel: &str| {
            context
                && self
                    .ignore
                    .as_ref()
                    .is_some_and(|i| i.is_excluded(rel.trim_start_matches('/')))
        };
        if !st_src.is_dir() {
            let c = tree
                .read(&source)
                .map_err(|e| BuildError::at(m.span, e.to_string()))?;
            if context {
                sums.insert(format!("mount{n}:{source}"), Digest::of(&c.bytes()));
            }
            return Ok(Some(MountContent::File(c, st_src.attrs)));
        }
        let mut out = Tree::with_root(st_src.attrs);
        let prefix = if source == "/" {
            String::new()
        } else {
            source.clone()
        };
        for (p, s) in tree.entries() {
            let Some(rel) = p.strip_prefix(&prefix).filter(|r| r.starts_with('/')) else {
                continue;
            };
            if ignored(&p) {
                continue;
            }
            let mut attrs = s.attrs.clone();
            if context {
                // Context files belong to root in the builder, as COPY sees them.
                attrs.uid = 0;
                attrs.gid = 0;
            }
            if context {
                let h = match &s.kind {
                    NodeKind::File(c) => Digest::of(&c.bytes()).to_string(),
                    NodeKind::Symlink(t) => format!("->{t}"),
                    _ => String::new(),
                };
                sums.insert(
                    format!("mount{n}:{p}"),
                    Digest::of(format!("{:o} {h}", attrs.mode).as_bytes()),
                );
            }
            let _ = out.insert(rel, attrs, s.kind);
        }
        Ok(Some(MountContent::Dir(Arc::new(out))))
    }
}

/// The targets of the read-only mounts.
pub(super) fn read_only_targets(mounts: &[ReadyMount]) -> Vec<String> {
    mounts
        .iter()
        .filter(|m| m.read_only)
        .map(|m| m.target.clone())
        .collect()
}

/// The targets of the cache mounts.
pub(super) fn cache_targets(mounts: &[ReadyMount]) -> Vec<String> {
    mounts
        .iter()
        .filter(|m| m.cache_id.is_some())
        .map(|m| m.target.clone())
        .collect()
}

/// Lays the mounts into the step's overlay: creates the missing mount points (they stay in the layer), then
/// shows each mount's content at its target. Returns the upper layer as it was before the content went in.
pub(super) fn mount(fs: &mut Overlay, mounts: &mut [ReadyMount], now: Timestamp) -> Tree {
    let point = Attrs::new(0o755, 0, 0, now);
    for m in mounts.iter_mut() {
        match &m.content {
            MountContent::Dir(_) => {
                if !fs.stat(&m.target).is_ok_and(|s| s.is_dir()) {
                    let _ = fs.mkdir_all(&m.target, point.clone());
                }
            }
            MountContent::File(..) => {
                if let Some((dir, _)) = m.target.rsplit_once('/') {
                    if !dir.is_empty() && !fs.exists(dir) {
                        let _ = fs.mkdir_all(dir, point.clone());
                    }
                }
                if !fs.exists(&m.target) {
                    m.stub = true;
                    let _ = fs.create(
                        &m.target,
                        Attrs::new(0o755, 0, 0, now),
                        NodeKind::File(Content::empty()),
                    );
                }
            }
        }
    }
    let before = fs.upper_snapshot();
    for m in mounts.iter() {
        match &m.content {
            MountContent::Dir(tree) => {
                for child in fs.read_dir(&m.target).unwrap_or_default() {
                    let _ =
                        fs.remove_all(&format!("{}/{child}", m.target.trim_end_matches('/')), now);
                }
                if let Ok(root) = tree.lstat("/") {
                    let _ = fs.set_mode(&m.target, root.attrs.mode);
                    let _ = fs.set_owner(&m.target, root.attrs.uid, root.attrs.gid);
                }
                let base = m.target.trim_end_matches('/');
                for (p, s) in tree.entries() {
                    let path = format!("{base}{p}");
                    let _ = match s.kind {
                        NodeKind::Dir => fs.mkdir(&path, s.attrs),
                        kind => fs.create(&path, s.attrs, kind),
                    };
                }
            }
            MountContent::File(c, attrs) => {
                let _ = fs.remove_all(&m.target, now);
                let _ = fs.create(&m.target, attrs.clone(), NodeKind::File(c.clone()));
            }
        }
        if m.read_only {
            fs.mount_read_only(&m.target);
        }
    }
    before
}

/// After the run: keeps each cache mount's content in `caches` and puts the upper layer back under every
/// target as it was before the mounts (`before`, from [`mount`]).
pub(super) fn unmount(
    fs: &mut Overlay,
    mounts: &[ReadyMount],
    before: &Tree,
    caches: &mut Vec<(String, Arc<Tree>)>,
    now: Timestamp,
) {
    for m in mounts.iter().rev() {
        if m.read_only {
            fs.unmount_read_only(&m.target);
        }
        if let (Some(id), MountContent::Dir(_)) = (&m.cache_id, &m.content) {
            if !m.read_only {
                caches.push((id.clone(), Arc::new(subtree(fs, &m.target))));
            }
        }
    }
    for m in mounts.iter().rev() {
        let _ = fs.restore_upper(before, &m.target);
        if m.stub {
            let _ = fs.remove_file(&m.target, now);
        }
    }
}

/// The directory `path` of the overlay's merged view as a tree of its own.
fn subtree(fs: &Overlay, path: &str) -> Tree {
    let attrs = fs.stat(path).map(|s| s.attrs).unwrap_or_default();
    let mut out = Tree::with_root(attrs);
    let mut todo = vec![(path.trim_end_matches('/').to_string(), String::new())];
    while let Some((dir, rel)) = todo.pop() {
        for name in fs
            .read_dir(if dir.is_empty() { "/" } else { &dir })
            .unwrap_or_default()
        {
            let full = format!("{dir}/{name}");
            let r = format!("{rel}/{name}");
            let Ok(st) = fs.lstat(&full) else { continue };
            let kind = st.kind.clone();
            if matches!(kind, NodeKind::Dir) {
                todo.push((full, r.clone()));
            }
            let _ = out.insert(&r, st.attrs, kind);
        }
    }
    out
}

impl Cache {
    /// Keeps what a step left in the cache mounts it used.
    pub(super) fn keep_mount_caches(&mut self, caches: Vec<(String, Arc<Tree>)>) {
        for (id, tree) in caches {
            self.put_mount_cache(id, tree);
        }
    }
}
