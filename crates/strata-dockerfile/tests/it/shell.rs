//! Tests: shell.
