//! The crate's one error type.

use std::io;
use std::path::PathBuf;

/// Everything that can go wrong in this crate. I/O and corruption errors carry the path they are about.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file or directory of the store failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
    /// A file of the store does not hold what it should (a blob whose digest differs, a broken index).
    #[error("{}: store is corrupt: {reason}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// An image being imported is not acceptable (a bad layer, a config that does not parse).
    #[error("{what}: {source}")]
    BadImage {
        /// Which part of the image (`image 1, layer 2 (sha256:…)`).
        what: String,
        /// What the image crate found.
        source: strata_image::Error,
    },
    /// An archive being loaded is not acceptable (what [`strata_image::archive::read_archive_from`] found).
    #[error("{0}")]
    BadArchive(strata_image::Error),
    /// No image has this name, tag or ID prefix.
    #[error("no such image: {0}")]
    NoSuchImage(String),
    /// An ID prefix that matches more than one image.
    #[error("{reference}: ambiguous image ID prefix, matches {}", candidates.join(", "))]
    Ambiguous {
        /// The prefix as given.
        reference: String,
        /// The IDs it matches.
        candidates: Vec<String>,
    },
    /// A string that is not a valid `name[:tag]` reference.
    #[error("Error parsing reference: {reference:?} is not a valid repository/tag: {reason}")]
    InvalidReference {
        /// The reference as given.
        reference: String,
        /// Why it is invalid (Docker's words).
        reason: String,
    },
    /// A container that does not exist (docker's wording).
    #[error("{0}")]
    Container(String),
    /// A container name already taken, in docker's words.
    /// A volume that is not in the store (docker's `Error: No such volume: NAME`).
    #[error("No such volume: {0}")]
    NoSuchVolume(String),
    /// A volume a container still mounts (docker's text, with the containers' IDs).
    #[error("remove {name}: volume is in use - [{}]", ids.join(", "))]
    VolumeInUse {
        /// The volume.
        name: String,
        /// The containers (full IDs) that mount it.
        ids: Vec<String>,
    },
    /// A container name another container has (docker's 409 conflict text).
    #[error("Conflict. The container name \"/{name}\" is already in use by container \"{id}\". You have to remove (or rename) that container to be able to reuse that name.")]
    NameInUse {
        /// The name asked for.
        name: String,
        /// The ID of the container that has it.
        id: String,
    },
    /// A container name docker would refuse, in docker's words.
    #[error("Invalid container name ({0}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")]
    InvalidName(String),
    /// A layer entry that would write outside its directory.
    #[error("{path}: refused: {reason}")]
    Unsafe {
        /// The entry.
        path: String,
        /// Why.
        reason: String,
    },
    /// Running a container failed before or around the process (mounts, the runtime).
    #[error("{0}")]
    Runtime(String),
    /// Removing an image by ID while several tags still name it.
    #[error("unable to delete {id} (must be forced): image is referenced by {}", tags.join(", "))]
    Conflict {
        /// The short image ID.
        id: String,
        /// The tags that name it.
        tags: Vec<String>,
    },
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }

    /// Whether the error is about the input (an image that cannot be imported) rather than the store, the
    /// host or the request.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, Error::BadImage { .. } | Error::BadArchive(_))
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
