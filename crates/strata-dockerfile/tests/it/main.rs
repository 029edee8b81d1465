//! The integration test binary: data-driven suites over BuildKit's corpora and strata's own cases.
#![cfg(not(target_arch = "wasm32"))]

mod instructions;
mod lint;
mod parser;
mod shell;

use std::path::PathBuf;

/// `../shared/conformance` beside the repository (or `$STRATA_CONFORMANCE`).
///
/// Panics with a loud message when it is missing: the conformance suites are acceptance criteria, and a
/// missing corpus must fail CI rather than pass vacuously.
pub fn conformance_dir() -> PathBuf {
    let dir = match std::env::var_os("STRATA_CONFORMANCE") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance"),
    };
    if !dir.is_dir() {
        panic!(
            "\n\n*** CONFORMANCE CORPUS MISSING ***\nexpected BuildKit's corpora at {}\n\
             (check out ../shared beside the repository or set STRATA_CONFORMANCE)\n",
            dir.display()
        );
    }
    dir
}

/// `crates/strata-dockerfile/test_data`.
pub fn test_data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test_data")
}
