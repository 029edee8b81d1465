//! Layer tars: deterministic writing, defensive reading, compression.
