//! RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK: the instructions whose argument is a command line, in shell
//! form (one string, run by the shell) or exec form (a JSON array, run as is).

use std::time::Duration;

use super::commands::{Cmd, Command, Entrypoint, HealthTest, Healthcheck, Run, Shell, ShellOrExec};
use super::flags::{self, Kind};
use super::parse::{args_span, at_least_one, empty_word, is_json, Result};
use super::rules::code;
use super::text::{go_quote, split_whitespace};
use super::{mount, text};
use crate::ast::{Instruction, Word};
use crate::Diagnostic;

/// The command line of RUN/CMD/ENTRYPOINT (BuildKit's `handleJSONArgs`): exec form as is, shell form joined
/// into one string.
fn command_line(inst: &Instruction, args: &[Word]) -> ShellOrExec {
    if is_json(inst) {
        return ShellOrExec::Exec(args.to_vec());
    }
    match args {
        [] => ShellOrExec::Shell(empty_word(inst)),
        [one] => ShellOrExec::Shell(one.clone()),
        [first, .., last] => ShellOrExec::Shell(Word {
            text: args
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
                .into(),
            span: first.span.to(last.span),
        }),
    }
}

/// `RUN [--mount=...] [--network=...] [--security=...] [--device=...] command`.
pub(super) fn parse_run(inst: &Instruction) -> Result<Command> {
    let fl = flags::parse(
        &inst.flags,
        &[
            ("mount", Kind::Strings),
            ("network", Kind::String),
            ("security", Kind::String),
            ("device", Kind::Strings),
        ],
    )?;
    let mut mounts = Vec::new();
    for m in fl.strings("mount") {
        mounts.push(mount::parse_mount(&m)?);
    }
    let network = fl
        .string("network")
        .map(|w| mount::parse_network(&w))
        .transpose()?;
    let security = fl
        .string("security")
        .map(|w| mount::parse_security(&w))
        .transpose()?;
    Ok(Command::Run(Run {
        cmd: command_line(inst, &inst.args),
        mounts,
        network,
        security,
        devices: fl.strings("device"),
        heredocs: inst.heredocs.clone(),
        span: inst.span,
    }))
}

/// `CMD command`.
pub(super) fn parse_cmd(inst: &Instruction) -> Result<Command> {
    flags::parse(&inst.flags, &[])?;
    Ok(Command::Cmd(Cmd {
        cmd: command_line(inst, &inst.args),
        span: inst.span,
    }))
}

/// `ENTRYPOINT command`.
pub(super) fn parse_entrypoint(inst: &Instruction) -> Result<Command> {
    flags::parse(&inst.flags, &[])?;
    Ok(Command::Entrypoint(Entrypoint {
        cmd: command_line(inst, &inst.args),
        span: inst.span,
    }))
}

/// `SHELL ["executable", "param", ...]`: JSON only.
pub(super) fn parse_shell(inst: &Instruction) -> Result<Command> {
    flags::parse(&inst.flags, &[])?;
    if inst.args.is_empty() {
        return Err(at_least_one(inst, "SHELL"));
    }
    if !is_json(inst) {
        let mut d = Diagnostic::error(
            code::SHELL_NOT_JSON,
            args_span(inst),
            "SHELL requires the arguments to be in JSON form",
        );
        let words = split_whitespace(&inst.rest);
        if inst.rest.text.contains('\'') {
            d = d.with_help("JSON strings use double quotes: SHELL [\"/bin/bash\", \"-c\"]");
        } else if !words.is_empty() && !inst.rest.text.trim_start().starts_with('[') {
            let quoted: Vec<String> = words.iter().map(|w| go_quote(&w.text)).collect();
            d = d.with_help(format!("write SHELL [{}]", quoted.join(", ")));
        }
        return Err(d);
    }
    Ok(Command::Shell(Shell {
        shell: inst.args.clone(),
        span: inst.span,
    }))
}

/// `HEALTHCHECK [options] CMD command` or `HEALTHCHECK NONE`.
pub(super) fn parse_healthcheck(inst: &Instruction) -> Result<Command> {
    let Some((kind, rest)) = inst.args.split_first() else {
        return Err(at_least_one(inst, "HEALTHCHECK"));
    };
    let typ = kind.text.to_uppercase();
    if typ == "NONE" {
        if let (Some(first), Some(last)) = (rest.first(), rest.last()) {
            return Err(Diagnostic::error(
                code::INVALID_HEALTHCHECK,
                first.span.to(last.span),
                "HEALTHCHECK NONE takes no arguments",
            )
            .with_help("remove the words after NONE"));
        }
        return Ok(Command::Healthcheck(Healthcheck {
            test: HealthTest::None,
            interval: None,
            timeout: None,
            start_period: None,
            start_interval: None,
            retries: None,
            span: inst.span,
        }));
    }
    let fl = flags::parse(
        &inst.flags,
        &[
            ("interval", Kind::String),
            ("timeout", Kind::String),
            ("start-period", Kind::String),
            ("start-interval", Kind::String),
            ("retries", Kind::String),
        ],
    )?;
    if typ != "CMD" {
        return Err(Diagnostic::error(
            code::INVALID_HEALTHCHECK,
            kind.span,
            format!("unknown type {} in HEALTHCHECK (try CMD)", go_quote(&typ)),
        )
        .with_help("write HEALTHCHECK CMD <command> or HEALTHCHECK NONE"));
    }
    if rest.is_empty() || (!is_json(inst) && rest.iter().all(|w| w.text.is_empty())) {
        return Err(Diagnostic::error(
            code::INVALID_HEALTHCHECK,
            kind.span,
            "missing command after HEALTHCHECK CMD",
        )
        .with_help(
            "write the command to run, e.g. HEALTHCHECK CMD curl -f http://localhost/ || exit 1",
        ));
    }
    let cmd = command_line(inst, rest);
    let retries = match fl.string("retries") {
        Some(w) if !w.text.is_empty() => Some(parse_retries(&w)?),
        _ => None,
    };
    Ok(Command::Healthcheck(Healthcheck {
        test: HealthTest::Cmd(cmd),
        interval: interval(&fl, "interval")?,
        timeout: interval(&fl, "timeout")?,
        start_period: interval(&fl, "start-period")?,
        start_interval: interval(&fl, "start-interval")?,
        retries,
        span: inst.span,
    }))
}

fn parse_retries(w: &Word) -> Result<u32> {
    let bad = |msg: String| Diagnostic::error(code::INVALID_FLAG_VALUE, w.span, msg);
    let v = &w.text;
    let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(format!(
            "strconv.ParseInt: parsing {}: invalid syntax",
            go_quote(v)
        )));
    }
    let n: i64 = match v.parse::<i64>() {
        Ok(n) if i32::try_from(n).is_ok() => n,
        _ => {
            return Err(bad(format!(
                "strconv.ParseInt: parsing {}: value out of range",
                go_quote(v)
            )))
        }
    };
    u32::try_from(n).map_err(|_| bad(format!("--retries cannot be negative ({n})")))
}

/// A HEALTHCHECK duration flag: `None` when absent, empty or zero.
fn interval(fl: &flags::Flags, name: &'static str) -> Result<Option<Duration>> {
    let Some(w) = fl.string(name) else {
        return Ok(None);
    };
    if w.text.is_empty() {
        return Ok(None);
    }
    let bad = |msg: String| {
        Diagnostic::error(code::INVALID_FLAG_VALUE, w.span, msg).with_help(format!(
            "write a duration with a unit, such as --{name}=30s or --{name}=1m30s"
        ))
    };
    let nanos = parse_go_duration(&w.text).map_err(bad)?;
    if nanos == 0 {
        return Ok(None);
    }
    if nanos < 1_000_000 {
        return Err(Diagnostic::error(
            code::INVALID_FLAG_VALUE,
            w.span,
            text::lower_first(&format!(
                "Interval {} cannot be less than 1ms",
                go_quote(name)
            )),
        ));
    }
    Ok(u64::try_from(nanos).ok().map(Duration::from_nanos))
}

/// Go's `time.ParseDuration`, in nanoseconds, with Go's error messages.
pub(crate) fn parse_go_duration(s: &str) -> std::result::Result<i128, String> {
    let invalid = || format!("time: invalid duration {}", go_quote(s));
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (int_part, after) = rest.split_at(int_len);
        let (frac_part, after) = match after.strip_prefix('.') {
            Some(a) => {
                let n = a.bytes().take_while(u8::is_ascii_digit).count();
                a.split_at(n)
            }
            None => ("", after),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(invalid());
        }
        let unit_len = after
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        if unit.is_empty() {
            return Err(format!("time: missing unit in duration {}", go_quote(s)));
        }
        let scale: i128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_quote(unit),
                    go_quote(s)
                ))
            }
        };
        let int: i128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| invalid())?
        };
        let mut value = int.checked_mul(scale).ok_or_else(invalid)?;
        let mut frac_scale = scale;
        for d in frac_part.bytes().take(30) {
            frac_scale /= 10;
            value += i128::from(d - b'0') * frac_scale;
        }
        total = total.checked_add(value).ok_or_else(invalid)?;
        if total > i128::from(i64::MAX) {
            return Err(invalid());
        }
        rest = after;
    }
    Ok(if neg { -total } else { total })
}
