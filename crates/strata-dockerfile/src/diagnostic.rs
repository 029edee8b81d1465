//! Diagnostics: every problem strata reports, with a stable code, a span, and a way out.

use crate::Span;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; nothing is wrong.
    Info,
    /// The build works but probably does not do what was meant.
    Warning,
    /// Docker would refuse this Dockerfile.
    Error,
}

impl Severity {
    /// `error`, `warning` or `info`, as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One problem found in a Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, `SD` + four digits (see [`crate::lint::RULES`] for the catalogue).
    pub code: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// Where it is.
    pub span: Span,
    /// One line, lower-case start, no trailing period.
    pub message: String,
    /// What to do about it, if there is something to suggest.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with `code` at `span`.
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            span,
            message: message.into(),
            help: None,
        }
    }

    /// A warning with `code` at `span`.
    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Warning,
            span,
            message: message.into(),
            help: None,
        }
    }

    /// The same diagnostic with a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// True for [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A diagnostic's entry in the catalogue: what the code means and how to fix it.
///
/// Rules are data (as BuildKit's `LinterRule`): the CLI's `--explain`, the playground's hover text and the
/// docs are all generated from these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable code, `SD` + four digits.
    pub code: &'static str,
    /// Short `PascalCase` name (as BuildKit names its checks).
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One line: what is wrong.
    pub summary: &'static str,
    /// A paragraph: why it matters and how to fix it, with an example.
    pub explanation: &'static str,
}
