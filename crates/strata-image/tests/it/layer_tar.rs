//! Layer tars: round trips, determinism, and bad input.
