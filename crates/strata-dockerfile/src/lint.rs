//! Teaching lint rules.

use crate::Rule;

/// Lint rule catalogue (codes SD0100 and up).
pub(crate) const RULES: &[Rule] = &[];
