//! Values BuildKit checks when it dispatches an instruction: EXPOSE ports, STOPSIGNAL signals and FROM image
//! references. They are checked here only when they contain no `$`, since a variable's value is known only
//! at build time.

use super::parse::Result;
use super::rules::code;
use super::text::go_quote;
use crate::ast::Word;
use crate::Diagnostic;

/// An EXPOSE word (`80`, `8000-8010/udp`), as `nat.ParsePortSpecs` reads it.
pub(super) fn check_port(w: &Word) -> Result<()> {
    let raw = w.text.as_str();
    if raw.contains('$') || raw.contains(':') || raw.is_empty() {
        return Ok(());
    }
    match parse_port(raw) {
        Ok(_) => Ok(()),
        Err(e) => Err(Diagnostic::error(code::INVALID_VALUE, w.span, e.message).with_help(e.help)),
    }
}

/// Why an EXPOSE port is invalid: BuildKit's message and a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortError {
    /// `invalid containerPort: 70000`, `invalid proto: tpc`.
    pub message: String,
    /// What a valid port looks like.
    pub help: &'static str,
}

/// An EXPOSE port (`80`, `8000-8010/UDP`) checked as `nat.ParsePortSpecs` does (a number up to 65535 or an
/// ascending range, then optionally `/tcp`, `/udp` or `/sctp`): the port or range, and the protocol in lower
/// case (`tcp` when none). The one check of a port; the engine uses it once variables are expanded.
pub fn parse_port(raw: &str) -> std::result::Result<(&str, String), PortError> {
    let mut parts = raw.split('/');
    let port = parts.next().unwrap_or("");
    let written = parts.next().filter(|p| !p.is_empty()).unwrap_or("tcp");
    let proto = written.to_ascii_lowercase();
    if !["tcp", "udp", "sctp"].contains(&proto.as_str()) {
        return Err(PortError {
            message: format!("invalid proto: {written}"),
            help: "the protocols are tcp, udp and sctp",
        });
    }
    let number = |s: &str| {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && s.parse::<u16>().is_ok()
    };
    let ok = match port.split_once('-') {
        Some((a, b)) => number(a) && number(b) && a.parse::<u16>().ok() <= b.parse::<u16>().ok(),
        None => number(port),
    };
    if !ok {
        return Err(PortError {
            message: format!("invalid containerPort: {port}"),
            help: "a port is a number from 0 to 65535, a range like 8000-8010, and optionally /tcp or /udp",
        });
    }
    Ok((port, proto))
}

/// Linux signal names `signal.ParseSignal` knows, without `SIG`.
const SIGNALS: &[&str] = &[
    "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL",
    "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP", "TSTP",
    "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "RTMIN", "RTMAX",
];

/// A STOPSIGNAL value: a signal number, or a name with or without `SIG` (`SIGRTMIN+3` too).
pub(super) fn check_signal(w: &Word) -> Result<()> {
    let raw = w.text.as_str();
    if raw.contains('$') {
        return Ok(());
    }
    if let Ok(n) = raw.parse::<i64>() {
        if n != 0 {
            return Ok(());
        }
    } else {
        let upper = raw.to_ascii_uppercase();
        let name = upper.strip_prefix("SIG").unwrap_or(&upper);
        let known = SIGNALS.contains(&name)
            || name
                .strip_prefix("RTMIN+")
                .or_else(|| name.strip_prefix("RTMAX-"))
                .and_then(|n| n.parse::<u8>().ok())
                .is_some_and(|n| (1..=15).contains(&n));
        if known {
            return Ok(());
        }
    }
    Err(Diagnostic::error(
        code::INVALID_VALUE,
        w.span,
        format!("invalid signal: {raw}"),
    )
    .with_help("use a signal name such as SIGTERM, SIGINT or SIGQUIT, or its number"))
}

/// A FROM image reference without variables: repository names must be lower case.
pub(super) fn check_image(base: &Word, stage_names: &[&str]) -> Option<Diagnostic> {
    let raw = base.text.as_str();
    if raw.contains('$') || raw.eq_ignore_ascii_case("scratch") || raw.is_empty() {
        return None;
    }
    let name_end = raw.find('@').unwrap_or(raw.len());
    let name = &raw[..name_end];
    let name = match name.rfind(':') {
        Some(i) if !name[i..].contains('/') => &name[..i],
        _ => name,
    };
    // The first component may be a registry host (`Registry.example.com:5000`), which may have capitals.
    let path = match name.split_once('/') {
        Some((host, rest)) if host.contains(['.', ':']) || host == "localhost" => rest,
        _ => name,
    };
    if !path.chars().any(|c| c.is_ascii_uppercase()) {
        return None;
    }
    let mut d = Diagnostic::error(
        code::INVALID_VALUE,
        base.span,
        format!(
            "failed to parse stage name {}: invalid reference format: repository name must be lowercase",
            go_quote(raw)
        ),
    );
    let lower = raw.to_lowercase();
    d = if stage_names.contains(&lower.as_str()) {
        d.with_help(format!("stage names are lower case: write FROM {lower}"))
    } else {
        d.with_help(format!(
            "image names are lower case: FROM {}",
            name.to_lowercase() + &raw[name.len()..]
        ))
    };
    Some(d)
}
