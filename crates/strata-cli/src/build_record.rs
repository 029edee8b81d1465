//! The record of the last all-cached builds, so that a rebuild with nothing changed is answered at once, as
//! `make` answers "nothing to be done".
//!
//! After a build, if nothing it read changes — the same `strata` binary and invocation, the same Dockerfile
//! and `.dockerignore`, every context entry with the same `stat` facts (device, inode, type, mode, owner,
//! size, mtime and ctime: any write moves the ctime, and no user can set it back), and the store's image index
//! and build cache files as the build left them (any image stored, tag set, removal, prune or cache change
//! rewrites one) — the next build takes every step from the cache and names the same image. What it prints
//! is known too when the build was all-cached itself (it prints the same again), or quiet (only the ID). Such
//! a build is recorded: its standard error and image ID, under the hash of those inputs as it left them; the
//! next build with the same inputs is answered from the record without reading the context's files, the
//! cached layers or the cache.
//!
//! A record is only written when the context was the same before and after the build (nothing changed while
//! it ran), and never for an entry changed less than 2 s before the build started (its next change could
//! keep the same timestamps: git's racy-index rule). Secrets, `--no-cache`, a Dockerfile on standard input
//! and an `ADD` of a URL (whose source can change behind the same Dockerfile) take the engine's path every
//! time.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::context_reader::Scan;
use sha2::{Digest as _, Sha256};

/// The record file in the store.
const FILE: &str = "build-records.json";

/// How many records are kept (the latest first).
const KEEP: usize = 16;

/// Entries changed this recently (seconds) are too fresh to trust their timestamps.
const RACY_SECS: i64 = 2;

/// One all-cached build: what its inputs hashed to, what it printed and the image it named.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Record {
    key: String,
    /// What the build wrote to standard error.
    stderr: String,
    /// The image ID it printed on standard output.
    id: String,
}

/// The records file: the latest first.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Records {
    records: Vec<Record>,
}

/// What a build reads, hashed: the context alone, and everything (the key of its record).
pub struct Inputs {
    context: String,
    key: String,
}

/// Hashes what a build of the scanned context reads: `invocation` (every argument and choice that shapes its
/// work and its output, as text), the store's index and build cache files under `store`, and the context's
/// entries. `now`: when the build started (seconds since the epoch). None when an entry changed too recently
/// to be trusted.
pub fn inputs(invocation: &str, scan: &Scan, store: &Path, now: i64) -> Option<Inputs> {
    let mut h = Sha256::new();
    if racy(scan.root(), now) {
        return None;
    }
    stat_facts(&mut h, scan.root());
    for (rel, md) in scan.entries() {
        if racy(md, now) {
            return None;
        }
        h.update((rel.len() as u64).to_le_bytes());
        h.update(rel.as_bytes());
        stat_facts(&mut h, md);
    }
    let context = hex(&h.finalize());
    let mut h = Sha256::new();
    h.update(b"strata build record 1\n");
    let exe = std::fs::metadata("/proc/self/exe").ok()?;
    stat_facts(&mut h, &exe);
    h.update((invocation.len() as u64).to_le_bytes());
    h.update(invocation.as_bytes());
    for name in ["images.json", "buildcache.json", "buildcache.native.json"] {
        h.update(name.as_bytes());
        match std::fs::metadata(store.join(name)) {
            Ok(md) => stat_facts(&mut h, &md),
            Err(_) => h.update(b"absent"),
        }
    }
    h.update(context.as_bytes());
    Some(Inputs {
        context,
        key: hex(&h.finalize()),
    })
}

impl Inputs {
    /// The record of a build with these inputs, if the store has one: (what it printed on standard error,
    /// the image ID).
    pub fn answer(&self, store: &Path) -> Option<(String, String)> {
        let records = read(store);
        records
            .records
            .into_iter()
            .find(|r| r.key == self.key)
            .map(|r| (r.stderr, r.id))
    }

    /// Records that an all-cached build with these inputs printed `stderr` and made `id`. A store that cannot
    /// take it only costs the next build the engine's path.
    pub fn record(self, store: &Path, stderr: String, id: String) {
        let mut records = read(store);
        records.records.retain(|r| r.key != self.key);
        records.records.insert(
            0,
            Record {
                key: self.key,
                stderr,
                id,
            },
        );
        records.records.truncate(KEEP);
        if let Ok(bytes) = serde_json::to_vec(&records) {
            let tmp = store
                .join("tmp")
                .join(format!("{FILE}.{}", std::process::id()));
            if std::fs::write(&tmp, bytes).is_ok() {
                let _ = std::fs::rename(&tmp, store.join(FILE));
            }
            let _ = std::fs::remove_file(&tmp);
        }
    }

    /// Whether two hashings found the same context.
    pub fn same_context(&self, other: &Inputs) -> bool {
        self.context == other.context
    }
}

/// The records of `store` (none if the file is missing or unreadable: it is only a shortcut).
fn read(store: &Path) -> Records {
    std::fs::read(store.join(FILE))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// The facts of an entry that any change to it moves.
fn stat_facts(h: &mut Sha256, md: &std::fs::Metadata) {
    for v in [
        md.dev(),
        md.ino(),
        u64::from(md.mode()),
        u64::from(md.uid()),
        u64::from(md.gid()),
        md.size(),
        md.mtime() as u64,
        md.mtime_nsec() as u64,
        md.ctime() as u64,
        md.ctime_nsec() as u64,
    ] {
        h.update(v.to_le_bytes());
    }
}

/// Whether `md` changed too recently for its timestamps to tell a next change.
fn racy(md: &std::fs::Metadata, now: i64) -> bool {
    md.mtime() > now - RACY_SECS || md.ctime() > now - RACY_SECS
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
