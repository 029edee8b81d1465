//! The one way this crate writes a file: to a temporary file in the destination's directory, fsync'd, renamed
//! over the final name, then the directory fsync'd. A process killed at any point leaves the old file or the
//! new one, never a torn one; what it leaves behind is a temporary file whose name starts with
//! [`TMP_PREFIX`], which the store's garbage collection and the containers' reservation remove.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Error, Result};

/// How the names of temporary files begin.
pub(crate) const TMP_PREFIX: &str = ".tmp-";

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A name no other writer (in this process or another) is using: the process ID and a counter.
pub(crate) fn unique_suffix() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{}-{n}", std::process::id())
}

/// A file being written under a temporary name in `dir`; [`AtomicFile::commit`] gives it its name. Dropped
/// without a commit, the temporary file is removed.
pub(crate) struct AtomicFile {
    dir: PathBuf,
    tmp: PathBuf,
    file: Option<File>,
}

impl AtomicFile {
    /// Creates the temporary file in `dir`.
    pub(crate) fn create(dir: &Path) -> Result<AtomicFile> {
        let tmp = dir.join(format!("{TMP_PREFIX}{}", unique_suffix()));
        let file = File::create(&tmp).map_err(Error::io(&tmp))?;
        Ok(AtomicFile {
            dir: dir.to_path_buf(),
            tmp,
            file: Some(file),
        })
    }

    /// The temporary file's path (for error messages).
    pub(crate) fn path(&self) -> &Path {
        &self.tmp
    }

    /// Flushes the bytes to the disk, renames the file to `dir/name` and flushes the directory.
    pub(crate) fn commit(self, name: &str) -> Result<PathBuf> {
        let dir = self.dir.clone();
        let dest = self.commit_staged(name, true)?;
        sync_dir(&dir)?;
        Ok(dest)
    }

    /// Renames the file to `dir/name` in a staging directory, which is never flushed: what is kept of it is
    /// renamed into the store, whose directory is flushed then. `durable`: flush the bytes first (a blob the
    /// store will keep); else not (a file that only lives as long as the process).
    pub(crate) fn commit_staged(mut self, name: &str, durable: bool) -> Result<PathBuf> {
        let file = self.file.take().expect("committed once");
        if durable {
            file.sync_all().map_err(Error::io(&self.tmp))?;
        }
        drop(file);
        let dest = self.dir.join(name);
        fs::rename(&self.tmp, &dest).map_err(Error::io(&dest))?;
        Ok(dest)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.as_mut().expect("not committed").write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().expect("not committed").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Writes `bytes` to `dir/name` atomically (see the module docs).
pub(crate) fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(dir)?;
    f.write_all(bytes).map_err(Error::io(f.path()))?;
    f.commit(name).map(drop)
}

/// Flushes a directory's entries (a rename or removal in it) to the disk.
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(Error::io(dir))
}
