//! The strata playground: a Yew app that lints a Dockerfile and its build context as they are typed, builds
//! them in a Web Worker with the simulator, and shows the build log, the image's layers, merged filesystem,
//! history and inspect JSON, runs it, and downloads it; with lessons, share links, autosave and offline use.
//!
//! Start at [`components::App`], the root component: it holds the page's one [`state::State`] in a reducer
//! and passes values and callbacks down to the components in [`components`]. Builds, runs, reads and
//! exports are [`session::Request`]s answered by a [`session::Session`] in the worker ([`worker`]). What
//! the page shows is computed by plain functions in [`analysis`], [`highlight`] (the editor's colours and
//! underlines), [`build`] and [`session`] (tested natively, in Node and in Chromium).
//!
//! This crate runs in the browser: it knows the DOM, Yew and the core crates, and must not know Linux,
//! files or processes (no `strata-native`, no `strata-cli`).

#![warn(missing_docs)]

pub mod analysis;
pub mod bases;
pub mod build;
pub mod catalogue_fetch;
pub mod components;
pub mod context_edit;
pub mod data_fetch;
pub mod examples;
pub mod highlight;
pub mod lessons;
pub mod offline;
pub mod project;
pub mod project_tree;
pub mod secrets;
pub mod session;
pub mod share;
pub mod state;
pub mod takeout;
pub mod worker;

pub use components::App;

#[cfg(test)]
mod bases_tests;
#[cfg(test)]
mod run_line_tests;
#[cfg(test)]
mod takeout_tests;
#[cfg(test)]
mod tests;
