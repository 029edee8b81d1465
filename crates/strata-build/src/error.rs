//! The crate's error type.

use strata_dockerfile::Span;

/// Why a build stopped. Carries the instruction's span when there is one, so the caller can print
/// `Dockerfile:LINE:COL` and the source line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BuildError {
    /// BuildKit's wording where BuildKit has one.
    pub message: String,
    /// The instruction (or word) at fault.
    pub span: Option<Span>,
    /// A hint for the user, when one helps.
    pub help: Option<String>,
}

impl BuildError {
    /// An error at `span`.
    pub fn at(span: Span, message: impl Into<String>) -> BuildError {
        BuildError {
            message: message.into(),
            span: Some(span),
            help: None,
        }
    }

    /// An error with no position.
    pub fn new(message: impl Into<String>) -> BuildError {
        BuildError {
            message: message.into(),
            span: None,
            help: None,
        }
    }

    /// The same error with a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> BuildError {
        self.help = Some(help.into());
        self
    }
}
