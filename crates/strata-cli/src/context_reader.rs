//! Reading a build context directory into a tree, in three passes: the directories are walked (names and
//! types only, as `readdir` gives them) and every entry is `stat`ed ([`Scan`], which the build record hashes
//! too), then the small files the build does not know yet are read, spread over a few threads (a context of
//! thousands of files is thousands of system calls), then the tree is built in the walk's order. A file
//! whose digest [`strata_native::ContextSums`] remembers, unchanged since, is not read: its content stays on
//! the disk with that digest, which is all a cache hit needs of it.

use std::fs::{DirEntry, Metadata};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use anyhow::{bail, Context as _, Result};
use strata_image::{Attrs, Content, Digest, NodeKind, Timestamp, Tree};

/// Context files this large or larger are read on demand ([`strata_native::HostFile::context`]).
const IN_MEMORY_BELOW: u64 = 1 << 20;

/// At least this many entries per thread: below it, a thread costs more than the calls it shares.
const PER_THREAD: usize = 512;

/// At most this many threads.
const MAX_THREADS: usize = 8;

/// One entry of the context, as the walk found it.
struct Found {
    /// Its path in the tree (`/a/b`).
    rel: String,
    entry: DirEntry,
}

/// A context directory as one walk of it and one `stat` of each entry found: what the build reads it from,
/// and what its record is keyed by ([`crate::build_record`]).
pub struct Scan {
    /// The context directory's own metadata (a context named by a symlink is the directory it points to).
    root: Metadata,
    found: Vec<Found>,
    /// Each found entry's metadata, not following symlinks (a symlink is read as a link).
    stats: Vec<Metadata>,
}

impl Scan {
    /// Walks `dir` and `stat`s every entry below it, on a few threads.
    pub fn of(dir: &Path) -> Result<Scan> {
        let root = std::fs::symlink_metadata(dir)
            .with_context(|| format!("reading the context {}", dir.display()))?;
        let root = if root.file_type().is_symlink() {
            std::fs::metadata(dir)
                .with_context(|| format!("reading the context {}", dir.display()))?
        } else {
            root
        };
        if !root.is_dir() {
            bail!("the build context {} is not a directory", dir.display());
        }
        let found = walk(dir)?;
        let stats = in_parallel(&found, |f| {
            f.entry
                .metadata()
                .with_context(|| format!("reading {}", f.entry.path().display()))
        });
        let stats = stats.into_iter().collect::<Result<Vec<Metadata>>>()?;
        Ok(Scan { root, found, stats })
    }

    /// The context directory's metadata.
    pub fn root(&self) -> &Metadata {
        &self.root
    }

    /// Every entry below the context (its path in the tree, `/a/b`, and its metadata) in the walk's order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Metadata)> {
        self.found.iter().map(|f| f.rel.as_str()).zip(&self.stats)
    }
}

/// Reads the scanned context into a tree: files with their bytes, modes and mtimes, symlinks as links; owners
/// are 0:0 as the builder sees them. `now` (seconds since the epoch) is when the build started, for `sums`.
pub fn read_context(scan: &Scan, sums: &mut strata_native::ContextSums, now: i64) -> Result<Tree> {
    let Scan { found, stats, .. } = scan;
    // The digests the store remembers; the small files it does not know are read (in parallel too).
    let known: Vec<Option<Digest>> = stats
        .iter()
        .map(|md| md.file_type().is_file().then(|| sums.get(md)).flatten())
        .collect();
    let to_read: Vec<usize> = (0..found.len())
        .filter(|&i| {
            stats[i].file_type().is_file() && known[i].is_none() && stats[i].len() < IN_MEMORY_BELOW
        })
        .collect();
    let read = in_parallel(&to_read, |&i| {
        let path = found[i].entry.path();
        std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
    });
    let mut read = to_read.into_iter().zip(read).peekable();

    let mut tree = Tree::new();
    for (i, (f, md)) in found.iter().zip(stats).enumerate() {
        let attrs = Attrs::new(
            md.permissions().mode() & 0o7777,
            0,
            0,
            Timestamp {
                secs: md.mtime(),
                nanos: u32::try_from(md.mtime_nsec()).unwrap_or(0),
            },
        );
        let ft = md.file_type();
        let mtime = i128::from(md.mtime()) * 1_000_000_000 + i128::from(md.mtime_nsec());
        let bytes = match read.peek() {
            Some((j, _)) if *j == i => read.next().map(|(_, r)| r).transpose()?,
            _ => None,
        };
        let kind = if ft.is_dir() {
            NodeKind::Dir
        } else if ft.is_symlink() {
            let target = std::fs::read_link(f.entry.path())?;
            NodeKind::Symlink(target.to_string_lossy().into_owned())
        } else if let Some(bytes) = bytes {
            sums.learn(md, Digest::of(&bytes), now);
            NodeKind::File(Content::from(bytes))
        } else if ft.is_file() {
            // Known by its digest, or large: stays on the disk, read when the build needs it.
            NodeKind::File(strata_native::HostFile::context_with_digest(
                f.entry.path(),
                md.len(),
                mtime,
                known[i],
            ))
        } else {
            // Sockets, devices and fifos are not part of a context.
            continue;
        };
        tree.insert(&f.rel, attrs, kind)?;
    }
    Ok(tree)
}

/// Every entry below `dir`, each directory's entries sorted by name and followed by what is below them,
/// the directories last in first out (the order the tree is built in).
fn walk(dir: &Path) -> Result<Vec<Found>> {
    let mut out = Vec::new();
    let mut todo = vec![(dir.to_path_buf(), String::new())];
    while let Some((path, rel)) = todo.pop() {
        let mut entries: Vec<(String, DirEntry)> = std::fs::read_dir(&path)
            .with_context(|| format!("reading {}", path.display()))?
            .map(|e| e.map(|e| (e.file_name().to_string_lossy().into_owned(), e)))
            .collect::<std::io::Result<_>>()
            .with_context(|| format!("reading {}", path.display()))?;
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (name, entry) in entries {
            let rel = format!("{rel}/{name}");
            // The type `readdir` gave (a `stat` only on file systems that give none); not followed.
            let is_dir = entry
                .file_type()
                .with_context(|| format!("reading {}", entry.path().display()))?
                .is_dir();
            if is_dir {
                todo.push((entry.path(), rel.clone()));
            }
            out.push(Found { rel, entry });
        }
    }
    Ok(out)
}

/// `f` of each item, in order, spread over a few threads when there are enough items.
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = (items.len() / PER_THREAD).clamp(1, cores.min(MAX_THREADS));
    if threads == 1 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let mut parts = items.chunks(chunk);
        // The first chunk on this thread, the others on new ones.
        let first = parts.next().unwrap_or_default();
        let handles: Vec<_> = parts
            .map(|part| s.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out: Vec<R> = first.iter().map(f).collect();
        for h in handles {
            match h.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}
