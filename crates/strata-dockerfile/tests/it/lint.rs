//! Tests: lint.
