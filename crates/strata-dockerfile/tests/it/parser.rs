//! Tests: parser.
