//! Images and layers: the in-memory filesystem, changesets, copy-on-write, deterministic tar and digests.
//!
//! Start with [`Tree`], an in-memory filesystem with everything a layer can record (files whose contents are
//! shared or modelled, directories, symlinks, hardlinks, devices, fifos; mode, owner, mtime, xattrs). A
//! [`Changeset`] is one layer's content per the OCI layer spec: additions and modifications with their parent
//! directories, whiteouts and opaque markers. [`Changeset::apply`] stacks a layer on a tree and [`diff`]
//! computes the layer between two trees the way overlayfs and Docker do. [`Overlay`] is the copy-on-write view
//! a build step or container works in: a read-only lower tree and a writable upper whose changeset is what
//! `docker commit` or a RUN step produces. [`layer`] writes and reads layer tars deterministically and
//! [`digest`] computes diff_ids, ChainIDs and image IDs. [`image`] is the OCI and Docker image model (config,
//! history, manifest, index, descriptors, media types), and [`archive`] writes and reads docker-archive and
//! OCI archive tars. [`layer_report`] is what the views show about a stack of layers: changes per layer,
//! provenance, wasted bytes. [`reference`] parses image references as Docker does.
//!
//! This crate knows nothing about Dockerfiles, processes or the operating system: no files, clocks or threads.
//! Times are passed in, bytes come in and go out as values and `std::io` streams, and the same code runs in the
//! browser (wasm32) and in the CLI.

#![warn(missing_docs)]

pub mod archive;
mod changeset;
mod content;
pub mod digest;
mod error;
pub mod image;
pub mod inspect;
pub mod layer;
pub mod layer_report;
mod overlay;
pub mod reference;
mod resolve;
pub mod sort;
mod tree;
pub mod zstd;

pub use changeset::{
    diff, plain_kind, Changeset, Entry, EntryKind, OPAQUE_MARKER, WHITEOUT_PREFIX,
};
pub use content::{Content, ContentReader, ContentSource};
pub use digest::Digest;
pub use error::{Error, Result};
pub use overlay::Overlay;
pub use reference::{Reference, ReferenceError};
pub use resolve::{normalize, MAX_SYMLINKS};
pub use tree::{Attrs, NodeKind, Stat, Timestamp, Tree, Xattrs};

#[cfg(test)]
mod tests;
