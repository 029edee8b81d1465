//! The build cache: a key per filesystem step, chained from its parent, and the reason a step missed.
//!
//! A step's key covers what BuildKit's covers: the parent step's key, the instruction as expanded, the
//! environment and build args the step sees, the working directory and user, and for COPY/ADD a checksum of
//! each source file's metadata and content (never its mtime, as BuildKit's tarsum excludes it). Metadata
//! instructions (ENV, LABEL, CMD, …) are not steps of their own: they change later keys only through what
//! later steps see.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use strata_image::{Digest, Tree};

use crate::image::Layer;

/// Everything a step's result depends on, kept so a miss can say what changed.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct StepInputs {
    /// The parent step's key.
    pub parent: Option<Digest>,
    /// The instruction as it will run (expanded).
    pub instruction: String,
    /// Environment variables the step sees, `KEY=value`.
    pub env: Vec<String>,
    /// Build args in scope with their values.
    pub args: Vec<(String, String)>,
    /// Working directory and user.
    pub cwd_user: String,
    /// For COPY/ADD: source path to checksum.
    pub files: BTreeMap<String, Digest>,
}

impl StepInputs {
    /// The cache key.
    pub fn key(&self) -> Digest {
        let mut h: Vec<u8> = Vec::new();
        let mut field = |tag: &str, v: &[u8]| {
            h.extend_from_slice(tag.as_bytes());
            h.extend_from_slice(&(v.len() as u64).to_le_bytes());
            h.extend_from_slice(v);
        };
        if let Some(p) = &self.parent {
            field("parent", p.as_bytes());
        }
        field("instruction", self.instruction.as_bytes());
        for e in &self.env {
            field("env", e.as_bytes());
        }
        for (k, v) in &self.args {
            field("arg", format!("{k}={v}").as_bytes());
        }
        field("cwd_user", self.cwd_user.as_bytes());
        for (p, d) in &self.files {
            field("file", p.as_bytes());
            field("sum", d.as_bytes());
        }
        Digest::of(&h)
    }

    /// Why `self` misses when `before` ran at the same position last time. `parent_ran`: whether the
    /// previous step ran in this build; when it did not (a CACHED FROM or step), a different parent means
    /// this position last held another build's step, not that the previous step changed.
    pub fn miss_reason(&self, before: Option<&StepInputs>, kind: &str, parent_ran: bool) -> String {
        let Some(before) = before else {
            return "not in the cache".to_owned();
        };
        if self.parent != before.parent {
            return if parent_ran {
                "previous step changed".to_owned()
            } else {
                "not in the cache".to_owned()
            };
        }
        if self.instruction != before.instruction {
            return format!("{kind} instruction changed");
        }
        let old: HashMap<&str, &str> = before
            .args
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        for (k, v) in &self.args {
            if old.get(k.as_str()) != Some(&v.as_str()) {
                return format!("ARG {k} changed");
            }
        }
        if let Some(e) = self.env.iter().find(|e| !before.env.contains(e)) {
            let k = e.split('=').next().unwrap_or(e);
            return format!("ENV {k} changed");
        }
        if self.cwd_user != before.cwd_user {
            return "WORKDIR or USER changed".to_owned();
        }
        let mut changed: Vec<&str> = Vec::new();
        for (p, d) in &self.files {
            if before.files.get(p) != Some(d) {
                changed.push(p);
            }
        }
        let removed = before
            .files
            .keys()
            .filter(|p| !self.files.contains_key(*p))
            .count();
        match (changed.first(), changed.len(), removed) {
            (Some(first), 1, 0) => format!("{kind}: {first} changed"),
            (Some(first), n, r) => format!("{kind}: {first} and {} more changed", n - 1 + r),
            (None, _, r) if r > 0 => format!("{kind}: {r} source file(s) removed"),
            _ => "not in the cache".to_owned(),
        }
    }
}

/// What a cached step produced.
#[derive(Debug, Clone)]
pub struct CachedStep {
    /// When it ran (RFC 3339): its history entry's `created`, kept on a cache hit.
    pub created: String,
    /// The layer it added.
    pub layer: Option<Layer>,
    /// The filesystem after it; `None` when restored from disk (the engine re-applies the layer).
    pub tree: Option<Arc<Tree>>,
    /// What it printed.
    pub stdout: Vec<u8>,
    /// What it printed on stderr.
    pub stderr: Vec<u8>,
    /// Notes shown on the step.
    pub notes: Vec<String>,
}

/// The cache: results by key, plus what ran at each position last time (for miss reasons). Lives as long
/// as the caller keeps it (the page's session, the CLI's store).
#[derive(Debug, Clone, Default)]
pub struct Cache {
    results: HashMap<Digest, CachedStep>,
    last: HashMap<String, StepInputs>,
    /// Base images already flattened, by the digest of their config (which lists their diff_ids).
    flattened: HashMap<Digest, (Vec<Layer>, Arc<Tree>)>,
}

impl Cache {
    /// An empty cache.
    pub fn new() -> Cache {
        Cache::default()
    }

    /// The cached result of a key.
    pub fn get(&self, key: &Digest) -> Option<&CachedStep> {
        self.results.get(key)
    }

    /// Stores a result.
    pub fn put(&mut self, key: Digest, step: CachedStep) {
        self.results.insert(key, step);
    }

    /// What ran at `position` last time.
    pub fn last(&self, position: &str) -> Option<&StepInputs> {
        self.last.get(position)
    }

    /// Records what ran at `position`.
    pub fn record(&mut self, position: String, inputs: StepInputs) {
        self.last.insert(position, inputs);
    }

    /// The cache as data to keep between runs (the CLI writes it beside its store). Layers are referred to
    /// by diff_id: the caller keeps their blobs.
    pub fn persist(&self) -> PersistedCache {
        let mut results: Vec<PersistedStep> = self
            .results
            .iter()
            .map(|(k, c)| PersistedStep {
                key: *k,
                created: c.created.clone(),
                diff_id: c.layer.as_ref().map(|l| l.diff_id),
                stdout: String::from_utf8_lossy(&c.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&c.stderr).into_owned(),
                notes: c.notes.clone(),
            })
            .collect();
        results.sort_by_key(|r| r.key);
        PersistedCache {
            results,
            last: self.last.clone().into_iter().collect(),
        }
    }

    /// A cache from [`Cache::persist`]'s data; `layer` finds a layer by diff_id (a step whose layer is gone
    /// is dropped, so it misses).
    pub fn restore(
        data: PersistedCache,
        layer: &mut dyn FnMut(&Digest) -> Option<Arc<strata_image::Changeset>>,
    ) -> Cache {
        let mut cache = Cache::new();
        for r in data.results {
            let layer = match r.diff_id {
                Some(d) => match layer(&d) {
                    Some(cs) => Some(Layer {
                        size: cs.content_size(),
                        changeset: cs,
                        diff_id: d,
                    }),
                    None => continue,
                },
                None => None,
            };
            cache.results.insert(
                r.key,
                CachedStep {
                    created: r.created,
                    layer,
                    tree: None,
                    stdout: r.stdout.into_bytes(),
                    stderr: r.stderr.into_bytes(),
                    notes: r.notes,
                },
            );
        }
        cache.last = data.last.into_iter().collect();
        cache
    }

    /// A base image flattened by an earlier build.
    pub fn flattened(&self, config: &Digest) -> Option<(Vec<Layer>, Arc<Tree>)> {
        self.flattened.get(config).cloned()
    }

    /// Remembers a flattened base image.
    pub fn put_flattened(&mut self, config: Digest, layers: Vec<Layer>, tree: Arc<Tree>) {
        self.flattened.insert(config, (layers, tree));
    }

    /// Number of cached results.
    pub fn len(&self) -> usize {
        self.results.len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.results.is_empty()
    }
}

/// BuildKit-style checksum of one context entry: type, mode, owner, size, link target and content, never
/// the mtime.
pub fn file_checksum(stat: &strata_image::Stat) -> Digest {
    use sha2::{Digest as _, Sha256};
    use strata_image::NodeKind;
    let mut h = Sha256::new();
    let a = &stat.attrs;
    let mode = match &stat.kind {
        NodeKind::Symlink(_) => a.mode | 0o777,
        _ => a.mode,
    };
    for v in [mode, a.uid, a.gid] {
        h.update(v.to_le_bytes());
    }
    for (k, v) in &a.xattrs {
        h.update((k.len() as u64).to_le_bytes());
        h.update(k.as_bytes());
        h.update((v.len() as u64).to_le_bytes());
        h.update(v);
    }
    match &stat.kind {
        NodeKind::File(c) => {
            h.update(b"file");
            h.update(c.len().to_le_bytes());
            h.update(&*c.bytes());
        }
        NodeKind::Dir => h.update(b"dir"),
        NodeKind::Symlink(t) => {
            h.update(b"symlink");
            h.update(t.as_bytes());
        }
        NodeKind::CharDevice { major, minor } | NodeKind::BlockDevice { major, minor } => {
            h.update(if matches!(stat.kind, NodeKind::CharDevice { .. }) {
                b"c"
            } else {
                b"b"
            });
            h.update(major.to_le_bytes());
            h.update(minor.to_le_bytes());
        }
        NodeKind::Fifo => h.update(b"fifo"),
    }
    let out: [u8; 32] = h.finalize().into();
    // The digest type only wraps sha256 of bytes it hashed itself: hash the 32 bytes once more, cheaply.
    Digest::of(&out)
}

/// [`Cache`] as data (see [`Cache::persist`]).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PersistedCache {
    /// Results by key.
    pub results: Vec<PersistedStep>,
    /// What ran at each position last time.
    pub last: BTreeMap<String, StepInputs>,
}

/// One cached result as data.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PersistedStep {
    /// The step's key.
    pub key: Digest,
    /// When it ran.
    #[serde(default)]
    pub created: String,
    /// Its layer's diff_id.
    pub diff_id: Option<Digest>,
    /// What it printed.
    pub stdout: String,
    /// What it printed on stderr.
    pub stderr: String,
    /// Its notes.
    pub notes: Vec<String>,
}
