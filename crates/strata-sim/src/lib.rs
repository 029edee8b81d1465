//! The simulated backend: what a RUN step or a `docker run` does, computed in pure Rust so it works in the
//! browser.
//!
//! A process runs against an [`Overlay`](strata_image::Overlay) (the copy-on-write view of the image plus the
//! step's writable upper). [`exec::exec`] starts a process the way runc would: it finds `argv[0]` through
//! `PATH` in the image's own tree, refuses a file without the exec bit (`permission denied`, exit 126), runs a
//! `#!` script through its interpreter, and runs the simulated busybox `ash` ([`shell`]) and its applets.
//! [`packages`] models `apk`, `apt-get`, `yum`/`dnf` and `pip` from a small catalogue, always labelled as
//! modelled; [`base`] holds the built-in base image models (scratch, busybox, alpine, debian, ubuntu, centos,
//! python). [`exec::Limits`] bounds every run: steps, bytes written, loop iterations, output.
//!
//! This crate must not know the operating system: no files, processes, clocks or threads. Time comes in as a
//! [`Timestamp`](strata_image::Timestamp) and nothing here sleeps.

#![warn(missing_docs)]

pub mod backend;
pub mod base;
pub mod container;
pub mod data;
pub mod examples;
pub mod exec;
pub mod packages;
pub mod shell;
pub mod tools;
