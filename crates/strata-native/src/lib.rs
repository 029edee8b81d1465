//! The parts of strata that touch the host: the on-disk store behind the CLI — images, the build cache and
//! containers — and the store as the image source of a build.
//!
//! - [`Store`] (`store`): a content-addressed directory (`blobs/sha256/<hex>`, `images.json`) that images
//!   are imported into from the archives [`strata_image::archive`] reads, and read back from to save them.
//! - [`DiskImages`] (`disk_images`): the store as what `FROM` finds (strata-build's image-source trait),
//!   reading only the images a build names, and the way a built image goes into the store.
//! - [`BuildCache`] (`build_cache`): the build cache kept in the store, its layers read lazily.
//! - [`Containers`] (`containers`): containers created with their name reserved before they run, then
//!   finished; `names` generates and checks their names.
//! - `atomic`: the one way files are written (temporary file, fsync, rename, fsync of the directory), and
//!   `lock`: the store's flock, exclusive for every change, shared for reads. A failed or killed process
//!   never leaves the store half-changed.
//!
//! - `store_check` ([`Store::check`], `strata system check`) and `store_usage` ([`Store::usage`],
//!   [`Store::prune`]: `system df` and `system prune`): the store read back whole, and what nothing uses.
//! - [`NativeBackend`] (`native_backend`): RUN executed for real: layers unpacked once each by ChainID
//!   ([`LayerDirs`], `unpack`: OCI whiteouts as overlay whiteouts), an overlayfs mount (`overlay_mount`), an
//!   OCI bundle run by a [`runtime::Runtime`] (`runc` today), and the upper directory read back into the
//!   engine's overlay (`upper`), its files' contents left on the disk ([`HostFile`], `host_file`; stored
//!   layers' large files likewise, `stored_layer`), so layers stream and memory does not grow with them;
//!   [`preflight`] says what the host lacks (root, overlayfs) before a step starts.
//!
//! - [`run_container`] (`container_run`): `strata run --backend native`, a stored image run for real in the
//!   foreground over an overlay whose upper directory is the container's layer, with a terminal (`pty`) or
//!   this process's standard streams.
//!
//! This crate is Linux-only in spirit but compiles on any Unix; it never runs in the browser and must not know
//! about it. Clocks are not read here: callers pass the time in.

#![warn(missing_docs)]

mod atomic;
mod build_cache;
mod container_run;
mod containers;
mod context_sums;
pub use context_sums::ContextSums;
mod disk_images;
mod error;
mod host_file;
pub use host_file::HostFile;
mod layer_dirs;
mod lock;
mod mount_caches;
mod names;
mod native_backend;
mod overlay_mount;
pub mod preflight;
mod pty;
mod random;
pub mod runtime;
mod store;
mod store_check;
mod store_usage;
mod stored_layer;
mod unpack;
mod upper;
mod volumes;

pub use build_cache::BuildCache;
pub use container_run::{read_upper, run_container, ContainerRun, NativeMount, Network};
pub use containers::{ContainerRecord, Containers, MountRecord, NewContainer};
pub use disk_images::DiskImages;
pub use error::{Error, Result};
pub use layer_dirs::LayerDirs;
pub use mount_caches::MountCaches;
pub use names::valid as valid_container_name;
pub use native_backend::NativeBackend;
pub use store::{
    normalize_reference, ImageRecord, Loaded, NewLayer, Removed, SaveFormat, Store, StoredImage,
};
pub use store_check::{mounts_under, CheckReport, Problem};
pub use store_usage::{disk_usage, PruneOptions, Pruned, Usage, UsageRow};
pub use volumes::{VolumeRecord, Volumes};
