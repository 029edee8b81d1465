//! The sha256 of build-context files, remembered by what `stat` says of them, so that a rebuild whose
//! context did not change reads none of its files: a COPY's cache key takes each file's digest from here
//! ([`crate::HostFile::context_with_digest`]). Docker's builders trust the same facts to send only what changed.
//!
//! A file is known by its device and inode; its entry holds only while size, mode, mtime and ctime are what
//! they were when it was hashed. Every write to a file moves its ctime, which no user can set back (`touch -d`
//! sets the mtime only), so a changed file is read again. A file changed within the clock tick in which it
//! was hashed could keep both times: files whose ctime is less than [`SETTLED`] before the hashing are not
//! remembered, as git does with its index.
//!
//! The entries live in one file of the store, `context-sums`, rewritten atomically when a build learned
//! new ones. It is a cache: a missing, torn or foreign file is an empty one.

use std::fs;
use std::os::unix::fs::MetadataExt;

use strata_image::Digest;

use crate::Store;

/// The file's name in the store's root.
pub(crate) const FILE: &str = "context-sums";

const MAGIC: &[u8; 24] = b"strata context-sums v1\n\0";

/// Bytes per entry: device, inode, size, mtime (s, ns), ctime (s, ns), mode, digest.
const ENTRY: usize = 8 + 8 + 8 + 8 + 4 + 8 + 4 + 4 + 32;

/// Files changed this recently (seconds, by ctime) when hashed are not remembered.
pub const SETTLED: i64 = 2;

/// At most this many entries are kept; past it, only the files of the latest build are.
const MAX_ENTRIES: usize = 200_000;

/// What `stat` said of a file when its digest was taken.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Facts {
    size: u64,
    mtime: (i64, u32),
    ctime: (i64, u32),
    mode: u32,
}

impl Facts {
    fn of(md: &fs::Metadata) -> Facts {
        Facts {
            size: md.size(),
            mtime: (md.mtime(), u32::try_from(md.mtime_nsec()).unwrap_or(0)),
            ctime: (md.ctime(), u32::try_from(md.ctime_nsec()).unwrap_or(0)),
            mode: md.mode(),
        }
    }
}

/// The remembered digests of context files (see the module docs).
#[derive(Default)]
pub struct ContextSums {
    /// By (device, inode), sorted: read as the file lists them (it is written sorted), searched by halves.
    known: Vec<((u64, u64), Facts, Digest)>,
    /// Entries learned or confirmed by this build.
    used: Vec<((u64, u64), Facts, Digest)>,
    learned: bool,
}

impl ContextSums {
    /// The digests `store` remembers; none if its file is missing or unreadable.
    pub fn load(store: &Store) -> ContextSums {
        let mut sums = ContextSums::default();
        let Ok(bytes) = fs::read(store.root().join(FILE)) else {
            return sums;
        };
        let Some(body) = bytes.strip_prefix(&MAGIC[..]) else {
            return sums;
        };
        if body.len() % ENTRY != 0 {
            return sums;
        }
        sums.known.reserve(body.len() / ENTRY);
        for e in body.chunks_exact(ENTRY) {
            let u64_at = |i: usize| u64::from_le_bytes(e[i..i + 8].try_into().unwrap_or_default());
            let u32_at = |i: usize| u32::from_le_bytes(e[i..i + 4].try_into().unwrap_or_default());
            let facts = Facts {
                size: u64_at(16),
                mtime: (u64_at(24) as i64, u32_at(32)),
                ctime: (u64_at(36) as i64, u32_at(44)),
                mode: u32_at(48),
            };
            let mut d = [0u8; 32];
            d.copy_from_slice(&e[52..84]);
            sums.known
                .push(((u64_at(0), u64_at(8)), facts, Digest::from_bytes(d)));
        }
        // Written sorted; a file that is not is sorted here rather than trusted.
        if !sums.known.is_sorted_by_key(|e| e.0) {
            sums.known.sort_by_key(|e| e.0);
        }
        sums
    }

    /// The digest of the file `md` describes, if it is remembered and unchanged since.
    pub fn get(&mut self, md: &fs::Metadata) -> Option<Digest> {
        let id = (md.dev(), md.ino());
        let i = self.known.binary_search_by_key(&id, |e| e.0).ok()?;
        let (_, facts, digest) = self.known[i];
        if facts != Facts::of(md) {
            return None;
        }
        self.used.push((id, facts, digest));
        Some(digest)
    }

    /// Remembers `digest` for the file `md` describes, taken at `now` (seconds since the epoch), unless the
    /// file changed too recently to be trusted (see [`SETTLED`]).
    pub fn learn(&mut self, md: &fs::Metadata, digest: Digest, now: i64) {
        let facts = Facts::of(md);
        if facts.ctime.0 > now - SETTLED || facts.mtime.0 > now - SETTLED {
            return;
        }
        self.used.push(((md.dev(), md.ino()), facts, digest));
        self.learned = true;
    }

    /// Writes what was learned into `store` (atomically); nothing when nothing was.
    pub fn save(mut self, store: &Store) -> crate::Result<()> {
        if !self.learned {
            return Ok(());
        }
        // This build's entries first, then the others while there is room; one entry per file.
        let mut all = std::mem::take(&mut self.used);
        if all.len() < MAX_ENTRIES {
            let room = MAX_ENTRIES - all.len();
            all.extend(self.known.into_iter().take(room));
        }
        all.sort_by_key(|e| e.0);
        all.dedup_by_key(|e| e.0);
        let mut out = Vec::with_capacity(MAGIC.len() + all.len() * ENTRY);
        out.extend_from_slice(MAGIC);
        for ((dev, ino), f, d) in all {
            out.extend_from_slice(&dev.to_le_bytes());
            out.extend_from_slice(&ino.to_le_bytes());
            out.extend_from_slice(&f.size.to_le_bytes());
            out.extend_from_slice(&f.mtime.0.to_le_bytes());
            out.extend_from_slice(&f.mtime.1.to_le_bytes());
            out.extend_from_slice(&f.ctime.0.to_le_bytes());
            out.extend_from_slice(&f.ctime.1.to_le_bytes());
            out.extend_from_slice(&f.mode.to_le_bytes());
            out.extend_from_slice(d.as_bytes());
        }
        crate::atomic::write_atomic(store.root(), FILE, &out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }

    #[test]
    fn remembers_settled_files_and_forgets_changed_ones() {
        let dir = std::env::temp_dir().join(format!("strata-context-sums-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let store = Store::open(&dir.join("store")).unwrap();
        let f = dir.join("f");
        fs::write(&f, b"one").unwrap();
        let md = fs::metadata(&f).unwrap();
        let d = Digest::of(b"one");

        // Just written: not trusted yet.
        let mut sums = ContextSums::load(&store);
        sums.learn(&md, d, now());
        assert!(!sums.learned);
        // Seen as settled (as a later build would), it is kept and read back.
        sums.learn(&md, d, now() + 10);
        sums.save(&store).unwrap();
        let mut sums = ContextSums::load(&store);
        assert_eq!(sums.get(&md), Some(d));

        // Rewritten, even with the same size and mtime put back, its ctime moved: read again.
        let mtime = fs::metadata(&f).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(&f, b"two").unwrap();
        fs::File::options()
            .write(true)
            .open(&f)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        let md2 = fs::metadata(&f).unwrap();
        assert_eq!(md2.size(), md.size());
        assert_eq!(sums.get(&md2), None);

        // A torn or foreign file is an empty cache.
        fs::write(store.root().join(FILE), b"strata context-sums v1\n\0abc").unwrap();
        assert_eq!(ContextSums::load(&store).get(&md), None);
        fs::remove_dir_all(&dir).unwrap();
    }
}
