//! The `# check=skip=<names|all>;error=<bool>` parser directive (BuildKit's `linter.ParseLintOptions`):
//! which lint rules to skip, and whether their warnings fail the build (`experimental=` is accepted and
//! ignored: strata has no experimental checks).

use super::catalog::{code, RULES};
use crate::ast::Dockerfile;
use crate::instructions::text::suggest;
use crate::{Diagnostic, Severity, Span};

/// BuildKit's names for checks strata also has, and the codes they map to.
const BUILDKIT_NAMES: &[(&str, &[&str])] = &[
    (
        "JSONArgsRecommended",
        &[code::SHELL_FORM_ENTRYPOINT, code::SHELL_FORM_CMD],
    ),
    (
        "MultipleInstructionsDisallowed",
        &[code::MULTIPLE_INSTRUCTIONS],
    ),
    ("WorkdirRelativePath", &[code::RELATIVE_WORKDIR]),
    ("UndefinedArgInFrom", &[code::UNDEFINED_VAR]),
    (
        "UndefinedVar",
        &[
            code::UNDEFINED_VAR,
            code::GLOBAL_ARG_NOT_IN_STAGE,
            code::ARG_AT_RUNTIME,
        ],
    ),
    ("LegacyKeyValueFormat", &[code::LEGACY_KEY_VALUE]),
    ("MaintainerDeprecated", &[code::MAINTAINER_DEPRECATED]),
    ("SecretsUsedInArgOrEnv", &[code::SECRET_IN_ARG_OR_ENV]),
    ("ReservedStageName", &[code::RESERVED_STAGE_NAME]),
    (
        "DuplicateStageName",
        &[crate::instructions::code::DUPLICATE_STAGE_NAME],
    ),
];

/// BuildKit checks strata does not implement: naming them is not a mistake.
const BUILDKIT_OTHER: &[&str] = &[
    "ConsistentInstructionCasing",
    "CopyIgnoredFile",
    "ExposeInvalidFormat",
    "ExposeProtoCasing",
    "FileConsistentCommandCasing",
    "FromAsCasing",
    "FromPlatformFlagConstDisallowed",
    "InvalidBaseImagePlatform",
    "InvalidDefaultArgInFrom",
    "InvalidDefinitionDescription",
    "NoEmptyContinuation",
    "RedundantTargetPlatform",
    "SelfConsistentCommandCasing",
    "StageNameCasing",
];

/// The check configuration of a Dockerfile.
#[derive(Debug, Default)]
pub(super) struct Config {
    skip_all: bool,
    skip: Vec<&'static str>,
    error: bool,
}

/// Read the `check` directive; problems with it are pushed to `out`.
pub(super) fn read(ast: &Dockerfile, out: &mut Vec<Diagnostic>) -> Config {
    let mut cfg = Config::default();
    let Some(dir) = ast
        .directives
        .iter()
        .find(|d| d.name.eq_ignore_ascii_case("check"))
    else {
        return cfg;
    };
    let value = dir.value.trim();
    if value.is_empty() {
        return cfg;
    }
    for part in value.splitn(3, ';') {
        let Some((k, v)) = part.split_once('=') else {
            out.push(invalid(
                dir.span,
                format!("invalid check option {}", quote(part)),
            ));
            continue;
        };
        match k.trim() {
            "skip" => {
                let v = v.trim();
                if v == "all" {
                    cfg.skip_all = true;
                    continue;
                }
                for name in v.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                    let codes = lookup(name);
                    if codes.is_empty()
                        && !BUILDKIT_OTHER.iter().any(|o| o.eq_ignore_ascii_case(name))
                    {
                        let mut d = Diagnostic::warning(
                            code::UNKNOWN_CHECK,
                            dir.span,
                            format!("unknown check `{name}` in the check directive"),
                        );
                        let options = RULES
                            .iter()
                            .map(|r| r.name)
                            .chain(BUILDKIT_NAMES.iter().map(|(n, _)| *n));
                        if let Some(s) = suggest(name, options, false) {
                            d = d.with_help(format!("did you mean {s}?"));
                        } else {
                            d = d.with_help("`strata explain` lists every check");
                        }
                        out.push(d);
                    }
                    cfg.skip.extend(codes);
                }
            }
            // BuildKit's experimental checks: strata has none to enable, so any value is accepted.
            "experimental" => {}
            "error" => match parse_bool(v.trim()) {
                Some(b) => cfg.error = b,
                None => out.push(invalid(
                    dir.span,
                    format!(
                        "failed to parse check option {}: invalid syntax",
                        quote(part)
                    ),
                )),
            },
            other => out.push(invalid(
                dir.span,
                format!("invalid check option {}", quote(other)),
            )),
        }
    }
    cfg
}

/// The codes a name in `skip=` means: a strata rule name or code, or a BuildKit check name.
fn lookup(name: &str) -> Vec<&'static str> {
    if let Some(r) = RULES
        .iter()
        .find(|r| r.name.eq_ignore_ascii_case(name) || r.code.eq_ignore_ascii_case(name))
    {
        return vec![r.code];
    }
    BUILDKIT_NAMES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, codes)| codes.to_vec())
        .unwrap_or_default()
}

fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

fn quote(s: &str) -> String {
    crate::instructions::text::go_quote(s)
}

fn invalid(span: Span, msg: String) -> Diagnostic {
    Diagnostic::error(code::INVALID_CHECK_DIRECTIVE, span, msg)
        .with_help("write `# check=skip=<names>` and/or `error=true`, separated by `;`")
}

impl Config {
    /// Drop skipped lint diagnostics and, with `error=true`, make lint warnings errors.
    pub(super) fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        // Lint rules, and the instruction-level warnings BuildKit also treats as checks.
        let is_rule = |c: &str| {
            let lint = RULES.iter().any(|r| r.code == c)
                && c != code::INVALID_CHECK_DIRECTIVE
                && c != code::UNKNOWN_CHECK;
            lint || BUILDKIT_NAMES.iter().any(|(_, codes)| codes.contains(&c))
        };
        diagnostics
            .retain(|d| !(is_rule(d.code) && (self.skip_all || self.skip.contains(&d.code))));
        if self.error {
            for d in diagnostics
                .iter_mut()
                .filter(|d| is_rule(d.code) && d.severity == Severity::Warning)
            {
                d.severity = Severity::Error;
            }
        }
    }
}
