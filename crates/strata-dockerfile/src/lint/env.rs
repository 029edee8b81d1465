//! ENV, LABEL and ARG names and values: the legacy `key value` form (SD0112), an ENV using a variable it
//! sets on the same line (SD0113), names that look like secrets (SD0121).

use super::catalog::code;
use super::context::Cx;
use crate::instructions::{ArgDecl, Command, KeyValue};

/// Run the rules of this file.
pub(super) fn check(cx: &mut Cx) {
    for a in &cx.lowered.meta_args {
        secret_name(cx, "ARG", &a.key, a.span);
    }
    for stage in &cx.lowered.stages {
        for cmd in &stage.commands {
            match cmd {
                Command::Env(e) => {
                    legacy(cx, "ENV", &e.pairs);
                    self_reference(cx, &e.pairs);
                    for p in &e.pairs {
                        secret_name(cx, "ENV", &p.key.text, p.key.span);
                    }
                }
                Command::Label(l) => legacy(cx, "LABEL", &l.pairs),
                Command::Arg(a) => {
                    for ArgDecl { key, span, .. } in &a.args {
                        secret_name(cx, "ARG", key, *span);
                    }
                }
                _ => {}
            }
        }
    }
}

/// SD0112 (BuildKit's LegacyKeyValueFormat).
fn legacy(cx: &mut Cx, name: &str, pairs: &[KeyValue]) {
    for p in pairs.iter().filter(|p| p.legacy) {
        // A trailing `# comment` is part of the value; HashIsNotComment reports it, the fix drops it.
        let raw = p.value.text.as_str();
        let value = match raw.find(" #").or_else(|| raw.find("\t#")) {
            Some(at) => raw[..at].trim(),
            None => raw.trim(),
        };
        let fixed = if !value.contains(char::is_whitespace) || is_quoted(value) {
            format!("{name} {}={value}", p.key.text)
        } else if !value.contains(['"', '\\', '$']) {
            format!("{name} {}=\"{value}\"", p.key.text)
        } else {
            format!("{name} {}=<value in quotes>", p.key.text)
        };
        let span = p.key.span.to(p.value.span);
        let d = cx.report(
            code::LEGACY_KEY_VALUE,
            span,
            format!("`{name} {} …` without `=` is the legacy form: the whole rest of the line is the value", p.key.text),
        );
        d.help = Some(format!("write {fixed}"));
    }
}

fn is_quoted(v: &str) -> bool {
    (v.starts_with('"') && v.ends_with('"') && v.len() > 1)
        || (v.starts_with('\'') && v.ends_with('\'') && v.len() > 1)
}

/// SD0113.
fn self_reference(cx: &mut Cx, pairs: &[KeyValue]) {
    for (i, p) in pairs.iter().enumerate() {
        if p.legacy {
            continue;
        }
        for r in cx.lexer.variables(&p.value.text) {
            let Some(earlier) = pairs[..i].iter().find(|q| q.key.text == r.name) else {
                continue;
            };
            if r.name == p.key.text {
                continue;
            }
            let span = cx.part(&p.value, r.span.start, r.span.end);
            let var = p
                .value
                .text
                .get(r.span.clone())
                .unwrap_or(r.name.as_str())
                .to_string();
            let d = cx.report(
                code::ENV_SELF_REFERENCE,
                span,
                format!(
                    "`{var}` is {} from before this ENV, not the `{}` set earlier on this line",
                    r.name, earlier.value.text
                ),
            );
            d.help = Some(format!(
                "move {}=… to its own ENV line after the one that sets {}",
                p.key.text, r.name
            ));
        }
    }
}

/// The name tokens BuildKit's SecretsUsedInArgOrEnv looks for, as whole `_`-separated parts.
const SECRET_TOKENS: &[&str] = &[
    "apikey",
    "auth",
    "credential",
    "credentials",
    "key",
    "password",
    "pword",
    "passwd",
    "secret",
    "token",
];

/// True if `name` looks like it holds a secret (BuildKit's rule: a token as a whole `_`-separated part of
/// the name, unless a part is `public`).
pub(super) fn looks_secret(name: &str) -> bool {
    let parts: Vec<String> = name.split('_').map(str::to_ascii_lowercase).collect();
    parts.iter().any(|p| SECRET_TOKENS.contains(&p.as_str()))
        && !parts.iter().any(|p| p == "public")
}

/// SD0121.
fn secret_name(cx: &mut Cx, instruction: &str, key: &str, span: crate::Span) {
    if !looks_secret(key) {
        return;
    }
    let d = cx.report(
        code::SECRET_IN_ARG_OR_ENV,
        span,
        format!(
            "{instruction} `{key}` looks like a secret, and its value would be kept in the image"
        ),
    );
    d.help = Some(format!(
        "use a secret mount: RUN --mount=type=secret,id={} … (then read /run/secrets/{})",
        key.to_ascii_lowercase(),
        key.to_ascii_lowercase()
    ));
}
