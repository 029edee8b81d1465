//! The package databases' own query tools: `dpkg -l/-L/-s`, `dpkg-query`, `rpm -qa/-q`. They read what
//! the modelled installs (and the base image models) recorded.

use std::fmt::Write as _;

use super::catalogue;
use super::{err, out, read_text, Res};
use crate::exec::Proc;

/// `dpkg` and `dpkg-query`.
pub(super) fn dpkg(argv: &[String], p: &mut Proc<'_>) -> Res<i32> {
    let status = read_text(p, "/var/lib/dpkg/status").unwrap_or_default();
    let stanzas: Vec<&str> = status
        .split("\n\n")
        .filter(|s| s.contains("Status: install ok installed"))
        .collect();
    let field = |s: &str, f: &str| {
        s.lines()
            .find_map(|l| l.strip_prefix(f).map(str::trim))
            .unwrap_or("")
            .to_string()
    };
    let op = argv.get(1).map(String::as_str).unwrap_or("");
    let args: Vec<&str> = argv.iter().skip(2).map(String::as_str).collect();
    match op {
        "-l" | "--list" => {
            let mut text = String::from("Desired=Unknown/Install/Remove/Purge/Hold\n| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend\n|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)\n||/ Name                 Version                      Architecture Description\n+++-====================-============================-============-================================\n");
            let mut shown = 0;
            for s in &stanzas {
                let name = field(s, "Package:");
                if !args.is_empty() && !args.iter().any(|a| glob(a, &name)) {
                    continue;
                }
                shown += 1;
                let _ = writeln!(
                    text,
                    "ii  {:<20} {:<28} {:<12} (modelled)",
                    name,
                    field(s, "Version:"),
                    field(s, "Architecture:")
                );
            }
            if shown == 0 && !args.is_empty() {
                err(
                    p,
                    &format!(
                        "dpkg-query: no packages found matching {}\n",
                        args.join(" ")
                    ),
                );
                return Ok(1);
            }
            out(p, &text);
            Ok(0)
        }
        "-L" | "--listfiles" | "-s" | "--status" => {
            let mut code = 0;
            for a in args {
                let Some(s) = stanzas.iter().find(|s| field(s, "Package:") == a) else {
                    err(p, &format!("dpkg-query: package '{a}' is not installed\n"));
                    code = 1;
                    continue;
                };
                if op == "-s" || op == "--status" {
                    out(p, &format!("{}\n\n", s.trim_end()));
                } else {
                    let list = read_text(p, &format!("{}.list", super::apt::info_stem(p, a)))
                        .unwrap_or_else(|| "/.\n".to_string());
                    out(p, &list);
                }
            }
            Ok(code)
        }
        _ => {
            err(
                p,
                &format!("dpkg: error: the modelled dpkg answers -l, -L and -s only, not '{op}'\n"),
            );
            Ok(2)
        }
    }
}

/// `rpm -qa` and `rpm -q NAME`.
pub(super) fn rpm(argv: &[String], p: &mut Proc<'_>) -> Res<i32> {
    let op = argv.get(1).map(String::as_str).unwrap_or("");
    let distro = super::yum::Distro::of(p);
    let base = crate::base::base_packages(distro.model);
    let all = catalogue::family(distro.family);
    let mut installed: Vec<String> = base
        .iter()
        .map(|b| {
            format!(
                "{}-{}.x86_64",
                b.name,
                b.version.rsplit(':').next().unwrap_or(&b.version)
            )
        })
        .collect();
    for pk in &all {
        let first = pk
            .files
            .iter()
            .find(|f| !matches!(f.kind, catalogue::FileKind::Dir));
        if first.is_some_and(|f| p.fs.lstat(&f.path).is_ok()) {
            let v = pk.version.rsplit(':').next().unwrap_or(&pk.version);
            installed.push(format!("{}-{v}.{}", pk.name, pk.arch));
        }
    }
    strata_image::sort::sort(&mut installed);
    installed.dedup();
    match op {
        "-qa" | "-aq" => {
            let text: String = installed.iter().map(|s| format!("{s}\n")).collect();
            out(p, &text);
            Ok(0)
        }
        "-q" => {
            let mut code = 0;
            for a in argv.iter().skip(2) {
                let hit = installed.iter().find(|s| {
                    s.strip_prefix(a.as_str()).is_some_and(|rest| {
                        rest.starts_with('-') && rest[1..].starts_with(|c: char| c.is_ascii_digit())
                    })
                });
                match hit {
                    Some(h) => out(p, &format!("{h}\n")),
                    None => {
                        out(p, &format!("package {a} is not installed\n"));
                        code = 1;
                    }
                }
            }
            Ok(code)
        }
        _ => {
            err(
                p,
                &format!("rpm: the modelled rpm answers -qa and -q only, not '{op}'\n"),
            );
            Ok(1)
        }
    }
}

/// dpkg's shell-style pattern: `*` only.
fn glob(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((a, b)) => {
            name.len() >= a.len() + b.len() && name.starts_with(a) && glob_tail(b, &name[a.len()..])
        }
    }
}

fn glob_tail(pattern: &str, name: &str) -> bool {
    if !pattern.contains('*') {
        return name.ends_with(pattern);
    }
    (0..=name.len())
        .filter(|&i| name.is_char_boundary(i))
        .any(|i| glob(pattern, &name[i..]))
}
