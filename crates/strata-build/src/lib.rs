//! The build engine: a Dockerfile and a build context in, an image out, with BuildKit's semantics.
//!
//! This crate decides what every instruction does to the image config, the history and the filesystem, keeps
//! ARG/ENV scope, copies from the context (with `.dockerignore`, see [`dockerignore`]), keys the build cache,
//! and resolves what `docker run` would start ([`run`]). How a RUN step is executed and where bytes live are
//! not its business: that is the `Backend` the caller passes in (the simulator in `strata-sim`, real
//! containers in `strata-native`).
//!
//! It must not know the operating system, processes or clocks: time is passed in.

#![warn(missing_docs)]

pub mod dockerignore;
pub mod env_file;
pub mod filepath_match;
pub mod mounts;
pub mod run;
pub mod users;

mod archive;
pub use archive::unxz;
pub mod backend;
pub mod cache;
pub mod commit;
pub(crate) mod copy;
pub mod engine;
mod env;
mod error;
pub mod export_log;
pub mod history;
pub mod image;
pub mod import;
pub mod observer;
pub mod printf;
pub mod progress;
pub mod time;

pub use backend::{
    Backend, Context, ImageSource, NotSimulated, RunOutput, RunRequest, SourceImage,
};
pub use cache::Cache;
pub use engine::{
    build, build_observed, BuildFailure, BuildOutput, BuildRequest, CacheStatus, Step,
    OTHER_PLATFORM, SUBSTITUTED_BASE, UNKNOWN_BASE,
};
pub use error::BuildError;
pub use history::HistoryStyle;
pub use image::{BuiltImage, Layer};
