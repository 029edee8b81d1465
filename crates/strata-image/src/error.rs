//! The crate's one error type.

/// Everything that can go wrong in this crate.
///
/// Filesystem errors name the path the caller gave (as the kernel's errno would be reported by a shell);
/// archive errors name the tar entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `ENOENT`: a path or one of its directories does not exist.
    #[error("{0}: no such file or directory")]
    NotFound(String),
    /// `ENOTDIR`: a component used as a directory is not one.
    #[error("{0}: not a directory")]
    NotADirectory(String),
    /// `EISDIR`: a file operation on a directory.
    #[error("{0}: is a directory")]
    IsADirectory(String),
    /// `EEXIST`: the path already exists.
    #[error("{0}: file exists")]
    AlreadyExists(String),
    /// `ENOTEMPTY`: removing a directory that still has entries.
    #[error("{0}: directory not empty")]
    DirectoryNotEmpty(String),
    /// `ELOOP`: more than [`MAX_SYMLINKS`](crate::MAX_SYMLINKS) symbolic links while resolving the path.
    #[error("{0}: too many levels of symbolic links")]
    TooManyLinks(String),
    /// `EINVAL`: an operation that makes no sense for this path (e.g. removing `/`, a name with `/`).
    #[error("{path}: invalid argument: {reason}")]
    InvalidPath {
        /// The path as given.
        path: String,
        /// Why it is invalid.
        reason: &'static str,
    },
    /// `EXDEV`: an operation the copy-on-write view does not do (renaming a lower directory, like overlayfs
    /// without `redirect_dir`).
    #[error("{0}: invalid cross-device link")]
    CrossDevice(String),
    /// `EROFS`: a change under a read-only mount (`docker run -v …:/path:ro`).
    #[error("{0}: read-only file system")]
    ReadOnly(String),
    /// A tar stream or layer that cannot be read or must not be applied.
    #[error("bad archive entry {entry:?}: {reason}")]
    Archive {
        /// The entry's name in the archive (empty when the problem is not tied to one entry).
        entry: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A JSON document of the image formats that does not parse or does not hold together.
    #[error("bad {what}: {reason}")]
    Format {
        /// Which document (`image config`, `manifest`, …).
        what: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A string that is not a valid digest (`sha256:` and 64 lowercase hex digits).
    #[error("invalid digest {0:?}")]
    InvalidDigest(String),
}

impl Error {
    pub(crate) fn archive(entry: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::Archive {
            entry: entry.into(),
            reason: reason.into(),
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
