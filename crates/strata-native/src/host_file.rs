//! File contents that stay on the disk: what a RUN step wrote, handed to the engine as
//! [`strata_image::Content::external`] so the layer streams from the file into its tar, its digest and the
//! store, and memory does not grow with the file's size.
//!
//! The files live in the step's directory (`tmp/strata-run-<pid>-<n>/upper/`), which a [`KeptDir`] owns:
//! it is removed when the last content pointing into it is dropped (the build is over), and by the next
//! build's sweep if the process was killed first. A file that vanished anyway is an error naming it when
//! read, never a panic.

use std::any::Any;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use strata_image::{Content, ContentSource, Digest};

/// A directory removed, with everything in it, when dropped.
#[derive(Debug)]
pub(crate) struct KeptDir(PathBuf);

impl KeptDir {
    /// Takes ownership of `dir`.
    pub(crate) fn new(dir: PathBuf) -> Arc<KeptDir> {
        Arc::new(KeptDir(dir))
    }
}

impl Drop for KeptDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A regular file of the host that is not rewritten while strata holds it.
pub struct HostFile {
    path: PathBuf,
    /// The content's identity: the path as text (with the mtime for a context file), made when first asked
    /// for (a context of thousands of files rarely needs it).
    name: OnceLock<String>,
    /// A context file's mtime, in nanoseconds.
    mtime: Option<i128>,
    len: u64,
    /// What the file is, for errors.
    what: &'static str,
    /// The sha256 of the bytes, when known without reading them.
    digest: Option<Digest>,
    _dir: Option<Arc<KeptDir>>,
}

impl HostFile {
    /// The content of `path` (`len` bytes), kept on the disk as long as `dir` is.
    pub(crate) fn content(path: PathBuf, len: u64, dir: &Arc<KeptDir>) -> Content {
        Content::external(Arc::new(HostFile {
            path,
            name: OnceLock::new(),
            mtime: None,
            len,
            what: "a file a RUN step wrote",
            digest: None,
            _dir: Some(dir.clone()),
        }))
    }

    /// A file of a build context (`len` bytes, modified at `mtime` nanoseconds), read when the build needs
    /// it rather than up front: a large context file costs no memory. Changed during the build, it fails
    /// the build (a shorter file when read, other bytes when the layer's digest is checked).
    pub fn context(path: PathBuf, len: u64, mtime: i128) -> Content {
        HostFile::context_with_digest(path, len, mtime, None)
    }

    /// As [`HostFile::context`], for a file whose sha256 is already known ([`crate::ContextSums`]): a
    /// cache key then needs no read of it.
    pub fn context_with_digest(
        path: PathBuf,
        len: u64,
        mtime: i128,
        digest: Option<Digest>,
    ) -> Content {
        Content::external(Arc::new(HostFile {
            path,
            name: OnceLock::new(),
            mtime: Some(mtime),
            len,
            what: "a file of the build context",
            digest,
            _dir: None,
        }))
    }

    /// The file, if `content` is one of these.
    pub(crate) fn path_of(content: &Content) -> Option<&Path> {
        let source = content.source()?;
        source
            .as_any()
            .downcast_ref::<HostFile>()
            .map(|f| f.path.as_path())
    }
}

impl ContentSource for HostFile {
    fn len(&self) -> u64 {
        self.len
    }

    fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        let f = File::open(&self.path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("reading {}, {}: {e}", self.path.display(), self.what),
            )
        })?;
        Ok(Box::new(io::BufReader::with_capacity(128 << 10, f)))
    }

    fn identity(&self) -> &str {
        self.name.get_or_init(|| match self.mtime {
            Some(t) => format!("{}@{t}", self.path.display()),
            None => self.path.display().to_string(),
        })
    }

    fn digest(&self) -> Option<Digest> {
        self.digest
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_and_fails_clearly_when_the_file_vanished() {
        let dir = std::env::temp_dir().join(format!("strata-host-file-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let kept = KeptDir::new(dir.clone());
        let path = dir.join("f");
        fs::write(&path, b"hello").unwrap();
        let c = HostFile::content(path.clone(), 5, &kept);
        assert_eq!(&*c.try_bytes().unwrap(), b"hello");
        assert_eq!(c.digest().unwrap(), strata_image::Digest::of(b"hello"));
        assert!(c.same_bytes(&Content::from("hello")));
        assert_eq!(HostFile::path_of(&c), Some(path.as_path()));
        fs::remove_file(&path).unwrap();
        let err = c.try_bytes().unwrap_err().to_string();
        assert!(err.contains("a RUN step wrote"), "{err}");
        assert!(err.contains(&path.display().to_string()), "{err}");
        // A file that shrank is an error too, not a short read.
        fs::write(&path, b"hel").unwrap();
        let err = c.try_bytes().unwrap_err().to_string();
        assert!(err.contains("changed while being read"), "{err}");
        drop(kept);
        assert!(dir.exists(), "the content still holds the directory");
        drop(c);
        assert!(!dir.exists(), "removed with the last content");
    }
}
