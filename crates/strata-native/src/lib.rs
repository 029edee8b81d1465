//! The parts of strata that touch the host: for now, the on-disk image store behind the CLI.
//!
//! Start at [`Store`]: a content-addressed directory (`blobs/sha256/<hex>`, `images.json`, a lock file) that
//! images are imported into from the archives [`strata_image::archive`] reads, and read back from to save
//! them. Every write is atomic (temporary file, fsync, rename) and every mutation holds an exclusive lock, so
//! a failed or interrupted load never leaves the store half-changed. Overlay mounts, namespaces and process
//! execution (the native build backend) will live here too.
//!
//! This crate is Linux-only in spirit but compiles on any host; it never runs in the browser and must not
//! know about it. Clocks are not read here: callers pass the time in.

mod containers;
mod error;
mod store;

pub use containers::{ContainerRecord, Containers};
pub use error::{Error, Result};
pub use store::{
    normalize_reference, ImageRecord, Loaded, Removed, SaveFormat, Store, StoredImage,
};
