//! BuildKit's shell-word expansion (`frontend/dockerfile/shell/lex.go`).
