//! Tests: instructions.
