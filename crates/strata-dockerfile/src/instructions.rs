//! Typed instructions and stages above the syntax tree.

use crate::Rule;

/// Instruction-level diagnostics catalogue (codes SD0020–SD0099).
pub(crate) const RULES: &[Rule] = &[];
