//! The `strata` binary: argument parsing, output and exit codes; no build semantics live here.

fn main() {}
