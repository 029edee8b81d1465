//! `RUN --mount`, `--network` and `--security` (BuildKit's `commands_runmount.go`, `commands_runnetwork.go`,
//! `commands_runsecurity.go`). Values stay raw: BuildKit expands mount options when the RUN is dispatched.

use super::commands::{Mount, MountKind, NetworkMode, SecurityMode};
use super::parse::Result;
use super::rules::code;
use super::text::{go_quote, suggest};
use crate::ast::Word;
use crate::Diagnostic;

const MOUNT_KINDS: &[&str] = &["bind", "cache", "tmpfs", "secret", "ssh"];
const KEYS: &[&str] = &[
    "type",
    "target",
    "dst",
    "destination",
    "src",
    "source",
    "from",
    "readonly",
    "ro",
    "rw",
    "readwrite",
    "required",
    "id",
    "sharing",
    "mode",
    "uid",
    "gid",
    "env",
    "size",
];

/// One `--mount=` value (`flag.text` is the value, `flag.span` the whole flag word).
pub(super) fn parse_mount(flag: &Word) -> Result<Mount> {
    let bad = |msg: String| Diagnostic::error(code::INVALID_MOUNT, flag.span, msg);
    let fields =
        split_csv(&flag.text).map_err(|m| bad(format!("failed to parse csv mounts: {m}")))?;
    let mut kind = MountKind::Bind;
    let mut out = Vec::with_capacity(fields.len());
    for field in fields {
        let (key, value) = match field.split_once('=') {
            Some((k, v)) => (k.to_ascii_lowercase(), Some(v.to_string())),
            None => (field.to_ascii_lowercase(), None),
        };
        if !KEYS.contains(&key.as_str()) {
            let mut d = bad(format!("unexpected key '{key}' in '{field}'"));
            if let Some(s) = suggest(&key, KEYS.iter().copied(), true) {
                d = d.with_help(format!("did you mean {s}?"));
            }
            return Err(d);
        }
        match (key.as_str(), value.as_deref()) {
            ("type", Some(v)) => {
                kind = match v.to_ascii_lowercase().as_str() {
                    "bind" => MountKind::Bind,
                    "cache" => MountKind::Cache,
                    "tmpfs" => MountKind::Tmpfs,
                    "secret" => MountKind::Secret,
                    "ssh" => MountKind::Ssh,
                    _ => {
                        let mut d = bad(format!("unsupported mount type {}", go_quote(v)));
                        if let Some(s) = suggest(v, MOUNT_KINDS.iter().copied(), true) {
                            d = d.with_help(format!("did you mean {s}?"));
                        }
                        return Err(d.with_help_if_none(
                            "the types are bind, cache, tmpfs, secret and ssh",
                        ));
                    }
                }
            }
            ("readonly" | "ro" | "rw" | "readwrite", Some(v)) if !is_go_bool(v) => {
                return Err(bad(format!("invalid value for {key}: {v}")));
            }
            ("sharing", Some(v))
                if !v.is_empty() && !["shared", "private", "locked"].contains(&v) =>
            {
                return Err(bad(format!("unsupported sharing value {}", go_quote(v)))
                    .with_help("sharing is shared, private or locked"));
            }
            (
                "type" | "target" | "dst" | "destination" | "src" | "source" | "from" | "id"
                | "sharing",
                None,
            )
            | ("mode" | "uid" | "gid" | "env" | "size", None) => {
                return Err(bad(format!("unexpected key '{key}' in '{field}'"))
                    .with_help(format!("write {key}=<value>")));
            }
            _ => {}
        }
        out.push((key, value));
    }
    if kind != MountKind::Cache
        && out
            .iter()
            .any(|(k, v)| k == "sharing" && v.as_deref().is_some_and(|v| !v.is_empty()))
    {
        return Err(bad(format!(
            "invalid cache sharing set for {} mount",
            kind.as_str()
        )));
    }
    if kind == MountKind::Secret && out.iter().any(|(k, _)| k == "from") {
        return Err(bad("secret mount should not have a from".to_string()));
    }
    Ok(Mount {
        kind,
        fields: out,
        from_stage: None,
        span: flag.span,
    })
}

/// Go's `strconv.ParseBool` accepts these.
fn is_go_bool(v: &str) -> bool {
    matches!(
        v,
        "1" | "t" | "T" | "TRUE" | "true" | "True" | "0" | "f" | "F" | "FALSE" | "false" | "False"
    )
}

/// One CSV record (Go's `encoding/csv` on a single line): fields split at commas, `"…"` quoting with `""`
/// for a quote.
fn split_csv(s: &str) -> std::result::Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars().peekable();
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        match c {
            '"' if at_field_start => {
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            cur.push('"');
                        }
                        Some('"') => break,
                        Some(c) => cur.push(c),
                        None => return Err("extraneous or missing \" in quoted-field".to_string()),
                    }
                }
                at_field_start = false;
                if !matches!(chars.peek(), None | Some(',')) {
                    return Err("extraneous or missing \" in quoted-field".to_string());
                }
            }
            ',' => {
                fields.push(std::mem::take(&mut cur));
                at_field_start = true;
            }
            c => {
                cur.push(c);
                at_field_start = false;
            }
        }
    }
    fields.push(cur);
    Ok(fields)
}

/// `--network=default|none|host`.
pub(super) fn parse_network(w: &Word) -> Result<NetworkMode> {
    match w.text.as_str() {
        "default" => Ok(NetworkMode::Default),
        "none" => Ok(NetworkMode::None),
        "host" => Ok(NetworkMode::Host),
        v => Err(Diagnostic::error(
            code::INVALID_FLAG_VALUE,
            w.span,
            format!("unsupported network mode {}", go_quote(v)),
        )
        .with_help("the modes are default, none and host")),
    }
}

/// `--security=sandbox|insecure`.
pub(super) fn parse_security(w: &Word) -> Result<SecurityMode> {
    match w.text.as_str() {
        "sandbox" => Ok(SecurityMode::Sandbox),
        "insecure" => Ok(SecurityMode::Insecure),
        v => Err(Diagnostic::error(
            code::INVALID_FLAG_VALUE,
            w.span,
            format!("unsupported security mode {}", go_quote(v)),
        )
        .with_help("the modes are sandbox and insecure")),
    }
}

trait HelpIfNone {
    fn with_help_if_none(self, help: &str) -> Self;
}

impl HelpIfNone for Diagnostic {
    fn with_help_if_none(self, help: &str) -> Self {
        if self.help.is_some() {
            self
        } else {
            self.with_help(help)
        }
    }
}
