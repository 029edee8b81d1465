//! The build cache kept in the store (`buildcache.json` under the root; the native backend's in
//! `buildcache.native.json`, so a step the simulator ran never stands in for a real run), so a rebuild
//! reuses steps across runs of the CLI.
//!
//! The file lists each step's key, output and layer diff_id; the layers themselves are the store's blobs
//! (strata stores the layers it builds uncompressed, so a layer's blob digest is its diff_id). Loading reads
//! the list only: a step's layer is read when a build looks that step up, so what the cache holds about
//! other images costs a build nothing. What ran at each position last time (every COPY source's checksum,
//! for the miss reasons) is parsed only when a step misses or the cache is saved with changes. A build that
//! changed nothing (all cached) writes nothing. Saving merges with what other builds saved meanwhile, drops steps
//! whose layer is no longer in the store, and writes atomically under the store's lock.

use std::collections::BTreeSet;
use std::fs;
use std::io::ErrorKind;
use std::sync::Arc;

use std::collections::BTreeMap;

use strata_build::cache::{PersistedCache, PersistedStep};
use strata_build::Cache;
use strata_image::Digest;

use crate::atomic::write_atomic;
use crate::{Error, Result, Store};

const FILE: &str = "buildcache.json";
const NATIVE_FILE: &str = "buildcache.native.json";

/// The build cache of a store.
#[derive(Debug, Clone)]
pub struct BuildCache {
    store: Store,
    file: &'static str,
    /// The file's bytes as [`BuildCache::load`] read them: if they are still the file's when saving, nobody
    /// saved meanwhile and there is nothing to merge.
    loaded: Arc<std::sync::Mutex<Option<Arc<[u8]>>>>,
}

impl BuildCache {
    /// The simulator's build cache of `store`.
    pub fn of(store: &Store) -> BuildCache {
        BuildCache {
            store: store.clone(),
            file: FILE,
            loaded: Arc::default(),
        }
    }

    /// The native backend's build cache of `store`.
    pub fn native_of(store: &Store) -> BuildCache {
        BuildCache {
            store: store.clone(),
            file: NATIVE_FILE,
            loaded: Arc::default(),
        }
    }

    /// The cache as saved, its layers and its `last` read lazily. A missing or unreadable file is an empty
    /// cache.
    pub fn load(&self) -> Cache {
        let Ok(bytes) = fs::read(self.store.root().join(self.file)) else {
            return Cache::new();
        };
        let Ok(head) = serde_json::from_slice::<Head>(&bytes) else {
            return Cache::new();
        };
        let bytes: Arc<[u8]> = bytes.into();
        if let Ok(mut loaded) = self.loaded.lock() {
            *loaded = Some(bytes.clone());
        }
        let store = self.store.clone();
        let data = PersistedCache {
            results: head.results,
            ..PersistedCache::default()
        };
        let mut cache = Cache::restore_lazy(
            data,
            // Large files stay in the blob, read when the layer is written or unpacked.
            Arc::new(move |d| {
                crate::stored_layer::read_trusted_layer(&store, d)
                    .ok()
                    .map(Arc::new)
            }),
        );
        // The file was parsed once already: the same bytes parse again (a torn file was refused above).
        cache.defer_last(
            head.last_keys,
            Box::new(move || {
                serde_json::from_slice::<PersistedCache>(&bytes)
                    .map(|d| d.last)
                    .unwrap_or_default()
            }),
        );
        cache
    }

    /// Saves `cache`: merged with the steps saved since it was loaded, without steps whose layer blob is
    /// gone; atomically, under the store's exclusive lock.
    pub fn save(&self, cache: &Cache) -> Result<()> {
        // All cached: what the file holds already covers this build (other builds' saves stay).
        if !cache.changed() {
            return Ok(());
        }
        let _lock = self.store.lock(true)?;
        let mut data = cache.persist();
        let path = self.store.root().join(self.file);
        let current = fs::read(&path).ok();
        let unchanged = current.is_some()
            && self
                .loaded
                .lock()
                .is_ok_and(|l| l.as_deref() == current.as_deref());
        let saved = if unchanged { None } else { self.read() };
        if let Some(saved) = saved {
            let ours: BTreeSet<_> = data.results.iter().map(|r| r.key).collect();
            data.results
                .extend(saved.results.into_iter().filter(|r| !ours.contains(&r.key)));
            for (position, inputs) in saved.last {
                if let std::collections::btree_map::Entry::Vacant(e) = data.last.entry(position) {
                    data.last_keys.insert(e.key().clone(), inputs.key());
                    e.insert(inputs);
                }
            }
        }
        data.results
            .retain(|r| r.diff_id.is_none_or(|d| self.store.blob_path(&d).is_file()));
        data.results.sort_by_key(|r| r.key);
        let bytes = serde_json::to_vec(&data).map_err(|e| Error::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        // An all-cached rebuild changes nothing: no write, no fsync.
        if current.is_some_and(|old| old == bytes) {
            return Ok(());
        }
        write_atomic(self.store.root(), self.file, &bytes)
    }

    fn read(&self) -> Option<PersistedCache> {
        let bytes = match fs::read(self.store.root().join(self.file)) {
            Ok(b) => b,
            Err(e) if e.kind() == ErrorKind::NotFound => return None,
            Err(_) => return None,
        };
        serde_json::from_slice(&bytes).ok()
    }
}

/// The file as [`BuildCache::load`] reads it first: the steps and the keys of what ran at each position;
/// `last` (large: every COPY source's checksum) is checked for syntax but not kept.
#[derive(serde::Deserialize)]
struct Head {
    results: Vec<PersistedStep>,
    #[allow(dead_code)]
    last: serde::de::IgnoredAny,
    #[serde(default)]
    last_keys: BTreeMap<String, Digest>,
}
