//! What every lint rule gets: the source, the syntax tree, the lowered stages, and helpers to place
//! diagnostics precisely.

use std::collections::BTreeMap;

use super::catalog::RULES;
use crate::ast::{Dockerfile, Instruction, Word};
use crate::instructions::{Lowered, Stage};
use crate::shell::Lexer;
use crate::{Diagnostic, LineIndex, Severity, Span};

/// The lint context.
pub(super) struct Cx<'a> {
    /// The Dockerfile text.
    pub(super) text: &'a str,
    /// Line starts of `text`.
    pub(super) index: LineIndex,
    /// The syntax tree.
    pub(super) ast: &'a Dockerfile,
    /// The stages.
    pub(super) lowered: &'a Lowered,
    /// A word expander with the file's escape character (used only to list variable references).
    pub(super) lexer: Lexer,
    /// Instructions by the byte offset where they start.
    by_start: BTreeMap<usize, &'a Instruction>,
    /// What the rules found.
    pub(super) out: Vec<Diagnostic>,
    /// Start offsets of instructions whose arguments contain a `#` meant as a comment (set by the
    /// HashIsNotComment rule, which runs first): rules about the shape of the arguments skip them.
    pub(super) hash_comment: std::collections::BTreeSet<usize>,
}

impl<'a> Cx<'a> {
    /// A context over one parsed and lowered Dockerfile.
    pub(super) fn new(text: &'a str, ast: &'a Dockerfile, lowered: &'a Lowered) -> Cx<'a> {
        let escape = if ast.escape == '\0' { '\\' } else { ast.escape };
        let mut cx = Cx {
            text,
            index: LineIndex::new(text),
            ast,
            lowered,
            lexer: Lexer::new(escape),
            by_start: BTreeMap::new(),
            out: Vec::new(),
            hash_comment: std::collections::BTreeSet::new(),
        };
        // `extend`, not `collect`: collecting into a B-tree sorts first, with a copy of the standard sort.
        cx.by_start
            .extend(ast.instructions.iter().map(|i| (i.span.start, i)));
        cx
    }

    /// The stages `stage` is built on, nearest first (`FROM a AS b` then `FROM b`: for the second, `b`'s
    /// chain). Bounded by the number of stages, so a malformed chain cannot loop.
    pub(super) fn base_stages(&self, stage: &Stage) -> impl Iterator<Item = &'a Stage> + 'a {
        let stages = &self.lowered.stages;
        let mut cur = stage.base_stage;
        std::iter::from_fn(move || {
            let s = stages.get(cur?)?;
            cur = s.base_stage;
            Some(s)
        })
        .take(stages.len())
    }

    /// The syntax-tree instruction a command or stage was lowered from.
    pub(super) fn instruction(&self, span: Span) -> Option<&'a Instruction> {
        self.by_start.get(&span.start).copied()
    }

    /// True if the instruction at `span` has a `#` comment in its arguments.
    pub(super) fn has_hash_comment(&self, span: Span) -> bool {
        self.hash_comment.contains(&span.start)
    }

    /// Report `message` with the rule's default severity.
    pub(super) fn report(
        &mut self,
        code: &'static str,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let severity = RULES
            .iter()
            .find(|r| r.code == code)
            .map_or(Severity::Warning, |r| r.severity);
        self.out.push(Diagnostic {
            code,
            severity,
            span,
            message: message.into(),
            help: None,
        });
        let last = self.out.len() - 1;
        &mut self.out[last]
    }

    /// The span of bytes `start..end` of `word.text` in the source: exact when the text is what is written
    /// there, else found by searching the word's source for that part, else the whole word.
    pub(super) fn part(&self, word: &Word, start: usize, end: usize) -> Span {
        let s = word.span;
        let Some(piece) = word.text.get(start..end) else {
            return s;
        };
        let Some(src) = self.text.get(s.start..s.end) else {
            return s;
        };
        if src == word.text {
            return self.index.span(self.text, s.start + start, s.start + end);
        }
        if piece.is_empty() {
            return s;
        }
        if let Some(at) = src.find(piece) {
            return self
                .index
                .span(self.text, s.start + at, s.start + at + piece.len());
        }
        // Text joined from continuation lines: its characters are a subsequence of the source.
        let Some((last, last_char)) = piece.char_indices().next_back() else {
            return s;
        };
        match (
            align(&word.text, src, start),
            align(&word.text, src, start + last),
        ) {
            (Some(a), Some(b)) => {
                self.index
                    .span(self.text, s.start + a, s.start + b + last_char.len_utf8())
            }
            _ => s,
        }
    }

    /// The first line of `span` (for instructions spread over several lines).
    pub(super) fn first_line(&self, span: Span) -> Span {
        if span.line == span.end_line {
            return span;
        }
        match self.index.line_range(self.text, span.line) {
            Some((_, end)) if end > span.start => self.index.span(self.text, span.start, end),
            _ => span,
        }
    }

    /// The stage a stage builds on through `FROM <stage>` chains, ending at an image (or `scratch`).
    pub(super) fn root_stage(&self, stage: &'a Stage) -> &'a Stage {
        let mut cur = stage;
        let mut guard = 0;
        while let Some(b) = cur.base_stage {
            match self.lowered.stages.get(b) {
                Some(s) if guard < self.lowered.stages.len() => cur = s,
                _ => break,
            }
            guard += 1;
        }
        cur
    }
}

/// The offset in `src` of the character at byte `at` of `text`, matching `text`'s characters greedily in
/// order against `src` (where continuation markers and comment lines were removed from `text`).
fn align(text: &str, src: &str, at: usize) -> Option<usize> {
    let mut src_chars = src.char_indices();
    for (i, c) in text.char_indices() {
        let pos = loop {
            let (j, d) = src_chars.next()?;
            if d == c {
                break j;
            }
        };
        if i >= at {
            return Some(pos);
        }
    }
    None
}
