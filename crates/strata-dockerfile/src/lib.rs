//! Dockerfile text to a spanned syntax tree, typed instructions and diagnostics, exactly as BuildKit reads it.
//!
//! Start at [`parse`]: it never fails; it returns the [`ast::Dockerfile`] and the [`Diagnostic`]s found on the
//! way (an error diagnostic is what BuildKit's parser would refuse). [`ast::Dockerfile::dump`] prints BuildKit's
//! `Node.Dump` format. [`shell`] is BuildKit's word expansion (`$VAR`, `${VAR:-x}` …), passed an environment
//! by the caller. [`instructions::lower`] turns the tree into typed instructions and stages, and [`lint`] runs
//! the teaching rules over all of it.
//!
//! This crate knows nothing about files, images, processes or I/O: text in, values out. It compiles to
//! `wasm32-unknown-unknown` and is used unchanged by the browser playground and the `strata` CLI.

#![warn(missing_docs)]

pub mod ast;
mod diagnostic;
pub mod instructions;
pub mod lint;
mod render;
pub mod shell;
pub(crate) mod sort;
mod span;
mod syntax;

pub use diagnostic::{Diagnostic, Rule, Severity};
pub use render::render;
pub use span::{LineIndex, Span};
pub use syntax::{parse, Parsed};

/// Every rule strata knows, in code order: parser errors, instruction errors, then lint rules.
pub fn rules() -> Vec<&'static Rule> {
    let mut all: Vec<&'static Rule> = syntax::RULES
        .iter()
        .chain(instructions::RULES)
        .chain(lint::RULES)
        .collect();
    sort::sort_by(&mut all, |a, b| a.code.cmp(b.code));
    all
}

/// The catalogue entry for `code` (`SD0003`), if there is one.
pub fn rule(code: &str) -> Option<&'static Rule> {
    rules()
        .into_iter()
        .find(|r| r.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests;
