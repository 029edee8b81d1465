//! The build cache: a key per filesystem step, chained from its parent, and the reason a step missed.
//!
//! A step's key covers what BuildKit's covers: the parent step's key, the instruction as expanded, the
//! environment and build args the step sees, the working directory and user, and for COPY/ADD a checksum of
//! each source file's metadata and content (never its mtime, as BuildKit's tarsum excludes it). Metadata
//! instructions (ENV, LABEL, CMD, …) are not steps of their own: they change later keys only through what
//! later steps see.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use strata_image::{Changeset, Digest, Tree};

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

/// Finds a cached step's layer by diff_id (see [`Cache::restore_lazy`]); `None` if it is gone.
pub type LayerLoader = Arc<dyn Fn(&Digest) -> Option<Arc<Changeset>> + Send + Sync>;

/// Reads what ran at each position last time, when a build first needs it (see [`Cache::defer_last`]).
pub type LastLoader = Box<dyn FnOnce() -> BTreeMap<String, StepInputs> + Send + Sync>;

/// A step restored by [`Cache::restore_lazy`]: its layer is read the first time a build looks it up.
#[derive(Debug, Clone)]
struct Restored {
    step: PersistedStep,
    /// The step with its layer, once looked up; `Some(None)` if the layer could not be found.
    loaded: OnceLock<Option<CachedStep>>,
}

/// The cache: results by key, plus what ran at each position last time (for miss reasons). Lives as long
/// as the caller keeps it (the page's session, the CLI's store).
#[derive(Clone, Default)]
pub struct Cache {
    results: HashMap<Digest, CachedStep>,
    /// Steps restored from disk whose layers have not been read yet (see [`Cache::restore_lazy`]).
    restored: HashMap<Digest, Restored>,
    loader: Option<LayerLoader>,
    /// What ran at each position: as recorded by this build, over what [`Cache::defer_last`] reads.
    last: HashMap<String, StepInputs>,
    /// What ran at each position before this build, read when first needed.
    last_before: Arc<LazyLast>,
    /// The key of what ran at each position (as [`PersistedCache::last_keys`]).
    last_keys: HashMap<String, Digest>,
    /// Whether a step was put or a position recorded differently since the cache was made.
    changed: bool,
    /// Base images already flattened, by the digest of their config (which lists their diff_ids).
    flattened: HashMap<Digest, (Vec<Layer>, Arc<Tree>)>,
    /// The content of each `RUN --mount=type=cache` by its id: kept across builds, never in a layer.
    mount_caches: BTreeMap<String, Arc<Tree>>,
}

/// What ran at each position before, read once when first needed.
#[derive(Default)]
struct LazyLast {
    load: std::sync::Mutex<Option<LastLoader>>,
    loaded: OnceLock<HashMap<String, StepInputs>>,
}

impl LazyLast {
    fn get(&self) -> &HashMap<String, StepInputs> {
        self.loaded.get_or_init(|| {
            let load = self.load.lock().ok().and_then(|mut l| l.take());
            load.map(|f| f().into_iter().collect()).unwrap_or_default()
        })
    }
}

impl Cache {
    /// An empty cache.
    pub fn new() -> Cache {
        Cache::default()
    }

    /// The cached result of a key. A step restored lazily has its layer read now, once.
    pub fn get(&self, key: &Digest) -> Option<&CachedStep> {
        if let Some(hit) = self.results.get(key) {
            return Some(hit);
        }
        let r = self.restored.get(key)?;
        r.loaded
            .get_or_init(|| {
                let loader = self.loader.as_ref()?;
                restored_step(r.step.clone(), &mut |d| loader(d))
            })
            .as_ref()
    }

    /// Stores a result.
    pub fn put(&mut self, key: Digest, step: CachedStep) {
        self.changed = true;
        self.restored.remove(&key);
        self.results.insert(key, step);
    }

    /// What ran at `position` last time.
    pub fn last(&self, position: &str) -> Option<&StepInputs> {
        self.last
            .get(position)
            .or_else(|| self.last_before.get().get(position))
    }

    /// Records what ran at `position`.
    pub fn record(&mut self, position: String, inputs: StepInputs) {
        let key = inputs.key();
        self.record_keyed(position, key, inputs);
    }

    /// [`Cache::record`] for a caller that has the key of `inputs` already ([`StepInputs::key`]).
    pub fn record_keyed(&mut self, position: String, key: Digest, inputs: StepInputs) {
        debug_assert_eq!(key, inputs.key());
        if self.last_keys.get(&position) != Some(&key) {
            self.changed = true;
            self.last_keys.insert(position.clone(), key);
        }
        self.last.insert(position, inputs);
    }

    /// What ran at each position before is read by `load` when a build first needs it (a miss's reason,
    /// or [`Cache::persist`]); `keys` gives the key of each (so an unchanged position is known without
    /// reading it). For a front end whose saved cache keeps every source file's checksum for the miss
    /// reasons: an all-cached build need not read them.
    pub fn defer_last(&mut self, keys: BTreeMap<String, Digest>, load: LastLoader) {
        self.last.clear();
        self.last_keys = keys.into_iter().collect();
        self.last_before = Arc::new(LazyLast {
            load: std::sync::Mutex::new(Some(load)),
            loaded: OnceLock::new(),
        });
    }

    /// Whether anything was put or recorded differently since the cache was restored (or made), or a
    /// step restored lazily was found gone: if not, saving it again would write what was read.
    pub fn changed(&self) -> bool {
        self.changed
            || self
                .restored
                .values()
                .any(|r| matches!(r.loaded.get(), Some(None)))
    }

    /// The cache as data to keep between runs (the CLI writes it beside its store). Layers are referred to
    /// by diff_id: the caller keeps their blobs.
    /// Steps restored lazily and never looked up are kept as they were; those whose layer was found gone
    /// are left out.
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
        results.extend(
            self.restored
                .values()
                .filter(|r| !matches!(r.loaded.get(), Some(None)))
                .map(|r| r.step.clone()),
        );
        strata_image::sort::sort_by_key(&mut results, |r| r.key);
        let mut last: BTreeMap<String, StepInputs> =
            self.last_before.get().clone().into_iter().collect();
        last.extend(self.last.clone());
        PersistedCache {
            last_keys: last.iter().map(|(p, i)| (p.clone(), i.key())).collect(),
            results,
            last,
        }
    }

    /// A cache from [`Cache::persist`]'s data; `layer` finds a layer by diff_id (a step whose layer is gone
    /// is dropped, so it misses).
    pub fn restore(
        data: PersistedCache,
        layer: &mut dyn FnMut(&Digest) -> Option<Arc<Changeset>>,
    ) -> Cache {
        let mut cache = Cache::new();
        for r in data.results {
            let key = r.key;
            if let Some(step) = restored_step(r, layer) {
                cache.results.insert(key, step);
            }
        }
        cache.last_keys = keys_of(&data.last);
        cache.last = data.last.into_iter().collect();
        cache
    }

    /// Like [`Cache::restore`], but reads nothing now: a step's layer is found with `layer` the first time
    /// a build looks the step up, so a build pays only for the steps it can reuse, whatever the cache holds.
    pub fn restore_lazy(data: PersistedCache, layer: LayerLoader) -> Cache {
        let mut cache = Cache::new();
        for r in data.results {
            cache.restored.insert(
                r.key,
                Restored {
                    step: r,
                    loaded: OnceLock::new(),
                },
            );
        }
        cache.loader = Some(layer);
        cache.last_keys = keys_of(&data.last);
        cache.last = data.last.into_iter().collect();
        cache
    }

    /// The content of the cache mount `id`, if a build has used it.
    pub fn mount_cache(&self, id: &str) -> Option<Arc<Tree>> {
        self.mount_caches.get(id).cloned()
    }

    /// Sets the content of the cache mount `id`.
    pub fn put_mount_cache(&mut self, id: String, tree: Arc<Tree>) {
        self.mount_caches.insert(id, tree);
    }

    /// Every cache mount's id and content (for a front end that keeps them on disk).
    pub fn mount_caches(&self) -> impl Iterator<Item = (&str, &Arc<Tree>)> {
        self.mount_caches.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// A base image flattened by an earlier build.
    pub fn flattened(&self, config: &Digest) -> Option<(Vec<Layer>, Arc<Tree>)> {
        self.flattened.get(config).cloned()
    }

    /// Remembers a flattened base image.
    pub fn put_flattened(&mut self, config: Digest, layers: Vec<Layer>, tree: Arc<Tree>) {
        self.flattened.insert(config, (layers, tree));
    }

    /// Number of cached results (steps restored lazily count until their layer is found gone).
    pub fn len(&self) -> usize {
        self.results.len()
            + self
                .restored
                .values()
                .filter(|r| !matches!(r.loaded.get(), Some(None)))
                .count()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("results", &self.results)
            .field("restored", &self.restored)
            .field("last", &self.last)
            .field("flattened", &self.flattened.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// The key of what ran at each position.
fn keys_of(last: &BTreeMap<String, StepInputs>) -> HashMap<String, Digest> {
    last.iter().map(|(p, i)| (p.clone(), i.key())).collect()
}

/// A persisted step with its layer found by `layer`; `None` if the layer is gone.
fn restored_step(
    r: PersistedStep,
    layer: &mut dyn FnMut(&Digest) -> Option<Arc<Changeset>>,
) -> Option<CachedStep> {
    let layer = match r.diff_id {
        Some(d) => {
            let cs = layer(&d)?;
            Some(Layer {
                size: cs.content_size(),
                modelled: cs.is_modelled(),
                changeset: cs,
                diff_id: d,
            })
        }
        None => None,
    };
    Some(CachedStep {
        created: r.created,
        layer,
        tree: None,
        stdout: r.stdout.into_bytes(),
        stderr: r.stderr.into_bytes(),
        notes: r.notes,
    })
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
            // By the content's own digest: read in chunks (a file a native build wrote may be larger than
            // memory), or not at all when its source knows it (a context file a stat-keyed cache remembers).
            // Content that cannot be read hashes as its error, which no readable content matches.
            // Modelled content by its description: its bytes would only be generated to be hashed.
            if let Some((_, seed)) = c.modelled_parts() {
                h.update(b"modelled");
                h.update(seed.to_le_bytes());
            } else {
                match c.digest() {
                    Ok(d) => h.update(d.as_bytes()),
                    Err(e) => {
                        h.update(b"unreadable");
                        h.update(e.to_string().as_bytes());
                    }
                }
            }
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
    /// The key of each of `last` ([`StepInputs::key`]): a front end can read these without `last`
    /// (see [`Cache::defer_last`]).
    #[serde(default)]
    pub last_keys: BTreeMap<String, Digest>,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(instruction: &str) -> StepInputs {
        StepInputs {
            instruction: instruction.to_owned(),
            files: [("/a".to_owned(), Digest::of(b"a"))].into_iter().collect(),
            ..StepInputs::default()
        }
    }

    #[test]
    fn a_rebuild_that_records_what_ran_before_changes_nothing_and_reads_no_last() {
        let mut cache = Cache::new();
        cache.record("stage-0#0".to_owned(), inputs("COPY . /app"));
        assert!(cache.changed(), "a new position is a change");
        let data = cache.persist();
        assert_eq!(
            data.last_keys.get("stage-0#0"),
            Some(&inputs("COPY . /app").key())
        );

        let read = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let restore = |read: &Arc<std::sync::atomic::AtomicUsize>| {
            let mut cache = Cache::restore_lazy(
                PersistedCache {
                    results: data.results.clone(),
                    ..PersistedCache::default()
                },
                Arc::new(|_| None),
            );
            let (last, read) = (data.last.clone(), read.clone());
            cache.defer_last(
                data.last_keys.clone(),
                Box::new(move || {
                    read.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    last
                }),
            );
            cache
        };

        // The same step again: unchanged, and what ran before was never read.
        let mut again = restore(&read);
        again.record("stage-0#0".to_owned(), inputs("COPY . /app"));
        assert!(!again.changed());
        assert_eq!(read.load(std::sync::atomic::Ordering::SeqCst), 0);

        // Another step there: a change; a miss reason reads what ran before, once.
        let mut other = restore(&read);
        let new = inputs("COPY . /src");
        assert_eq!(
            new.miss_reason(other.last("stage-0#0"), "COPY", false),
            "COPY instruction changed"
        );
        other.record("stage-0#0".to_owned(), new.clone());
        assert!(other.changed());
        assert_eq!(other.last("stage-0#0"), Some(&new));
        assert_eq!(read.load(std::sync::atomic::Ordering::SeqCst), 1);
        // What was read before is kept where this build recorded nothing.
        other.record("stage-0#1".to_owned(), inputs("RUN true"));
        let saved = other.persist();
        assert_eq!(saved.last.len(), 2);
        assert_eq!(saved.last_keys.get("stage-0#0"), Some(&new.key()));
    }
}
