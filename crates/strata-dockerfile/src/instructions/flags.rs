//! Instruction flags (`--name[=value]`), checked the way BuildKit's `BFlags` does: each instruction declares
//! the flags it knows, and anything else is an error with BuildKit's message.

use super::rules::code;
use super::text::suggest;
use crate::ast::Word;
use crate::{Diagnostic, Span};

/// How a flag takes its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `--link`, `--link=true`, `--link=false`.
    Bool,
    /// `--from=value`, at most once.
    String,
    /// `--mount=value`, repeatable.
    Strings,
}

/// A flag an instruction accepts.
pub(crate) type Spec = (&'static str, Kind);

/// The flags given to one instruction, after checking.
#[derive(Debug, Default)]
pub(crate) struct Flags {
    /// Each given flag, in order: name and value (`true`/`false` for bool flags) with the flag word's span.
    given: Vec<(&'static str, Word)>,
}

impl Flags {
    /// The value of a bool flag: `None` if not given.
    pub(crate) fn bool(&self, name: &str) -> Option<bool> {
        self.last(name).map(|w| w.text == "true")
    }

    /// The value of a string flag, with the span of the flag word.
    pub(crate) fn string(&self, name: &str) -> Option<Word> {
        self.last(name).cloned()
    }

    /// Every value of a repeatable flag, in order.
    pub(crate) fn strings(&self, name: &str) -> Vec<Word> {
        self.given
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, w)| w.clone())
            .collect()
    }

    fn last(&self, name: &str) -> Option<&Word> {
        self.given
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, w)| w)
    }
}

/// Check `flags` against the `specs` an instruction accepts. Stops at the first problem, as BuildKit does.
pub(crate) fn parse(flags: &[Word], specs: &[Spec]) -> Result<Flags, Diagnostic> {
    let mut out = Flags::default();
    for word in flags {
        let text = word.text.as_str();
        if text == "--" {
            break;
        }
        let Some(body) = text.strip_prefix("--") else {
            return Err(err(
                code::INVALID_FLAG_VALUE,
                word.span,
                format!("arg should start with -- : {text}"),
            ));
        };
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (body, None),
        };
        let flag_name = format!("--{name}");
        let Some(&(spec_name, kind)) = specs.iter().find(|(n, _)| *n == name) else {
            let mut d = err(
                code::UNKNOWN_FLAG,
                word.span,
                format!("unknown flag: {flag_name}"),
            );
            if let Some(s) = suggest(name, specs.iter().map(|(n, _)| *n), true) {
                d = d.with_help(format!("did you mean --{s}?"));
            } else if specs.is_empty() {
                d = d.with_help(
                    "this instruction takes no flags: a word starting with `--` right after the keyword is read as \
                     one (write arguments like that in exec form, [\"--port\", \"8080\"])",
                );
            } else {
                let known: Vec<String> = specs.iter().map(|(n, _)| format!("--{n}")).collect();
                d = d.with_help(format!("this instruction accepts {}", known.join(", ")));
            }
            return Err(d);
        };
        if kind != Kind::Strings && out.given.iter().any(|(n, _)| *n == spec_name) {
            return Err(err(
                code::DUPLICATE_FLAG,
                word.span,
                format!("duplicate flag specified: {flag_name}"),
            ));
        }
        let missing = || {
            err(
                code::FLAG_MISSING_VALUE,
                word.span,
                format!("missing a value on flag: {flag_name}"),
            )
        };
        let value = match kind {
            Kind::Bool => match value.map(str::to_ascii_lowercase).as_deref() {
                None | Some("true") => "true".to_string(),
                Some("false") => "false".to_string(),
                Some("") => return Err(missing()),
                Some(_) => {
                    let v = value.unwrap_or_default();
                    return Err(err(
                        code::INVALID_FLAG_VALUE,
                        word.span,
                        format!("expecting boolean value for flag {flag_name}, not: {v}"),
                    )
                    .with_help(format!(
                        "write {flag_name}, {flag_name}=true or {flag_name}=false"
                    )));
                }
            },
            Kind::String | Kind::Strings => match value {
                Some(v) => v.to_string(),
                None => {
                    return Err(
                        missing().with_help(format!("write {flag_name}=<value>, without spaces"))
                    )
                }
            },
        };
        out.given.push((
            spec_name,
            Word {
                text: value.into(),
                span: word.span,
            },
        ));
    }
    Ok(out)
}

fn err(code: &'static str, span: Span, msg: String) -> Diagnostic {
    Diagnostic::error(code, span, msg)
}
