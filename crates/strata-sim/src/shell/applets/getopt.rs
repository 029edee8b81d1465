//! `getopt` (util-linux style, as busybox 1.35 has it): `getopt [-aqQTu] [-n NAME] [-s sh] -o OPTSTRING
//! [-l LONGOPTS] [--] ARGS…` or the old form `getopt OPTSTRING ARGS…`. It parses ARGS as glibc's
//! `getopt_long` would (options first, then the other arguments after `--`, unless OPTSTRING starts with
//! `+`) and prints them normalised, each argument single-quoted (unless `-u` or the old form), for
//! `eval set -- "$(getopt …)"`.

use super::Io;
use crate::shell::interp::{Ctl, Shell};

/// How many arguments an option takes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Takes {
    No,
    Required,
    Optional,
}

/// `ab:c::` as (letter, takes).
fn short_spec(s: &str) -> Vec<(char, Takes)> {
    let cs: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        let colons = cs[i + 1..]
            .iter()
            .take(2)
            .take_while(|&&x| x == ':')
            .count();
        out.push((
            c,
            match colons {
                0 => Takes::No,
                1 => Takes::Required,
                _ => Takes::Optional,
            },
        ));
        i += 1 + colons;
    }
    out
}

/// `alpha,beta:,gamma::` as (name, takes).
fn long_spec(specs: &[String]) -> Vec<(String, Takes)> {
    specs
        .iter()
        .flat_map(|s| s.split([',', ' ', '\t', '\n']))
        .filter(|s| !s.is_empty())
        .map(|s| {
            let name = s.trim_end_matches(':');
            let takes = match s.len() - name.len() {
                0 => Takes::No,
                1 => Takes::Required,
                _ => Takes::Optional,
            };
            (name.to_owned(), takes)
        })
        .collect()
}

fn quote(s: &str, quoted: bool) -> String {
    if quoted {
        format!("'{}'", s.replace('\'', "'\\''"))
    } else {
        s.to_owned()
    }
}

/// `getopt`.
pub fn getopt(_sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> Result<i32, Ctl> {
    let mut name = "getopt".to_owned();
    let (mut shorts, mut longs): (Option<String>, Vec<String>) = (None, Vec::new());
    let (mut quiet, mut quiet_out, mut unquoted, mut alternative) = (false, false, false, false);
    let mut i = 1;
    // getopt's own options stop at `--` or at the first argument that is not one.
    while i < argv.len() {
        let a = argv[i].as_str();
        let value = |i: &mut usize, inline: &str| -> Option<String> {
            if !inline.is_empty() {
                return Some(inline.to_owned());
            }
            *i += 1;
            argv.get(*i).cloned()
        };
        if a == "--" {
            i += 1;
            break;
        }
        if let Some(l) = a.strip_prefix("--") {
            let (k, v) = l.split_once('=').unwrap_or((l, ""));
            // Unambiguous prefixes count (`--long` is `--longoptions`).
            const OWN: &[&str] = &[
                "options",
                "longoptions",
                "name",
                "shell",
                "quiet",
                "quiet-output",
                "unquoted",
                "alternative",
                "test",
            ];
            let matches: Vec<&str> = OWN.iter().copied().filter(|o| o.starts_with(k)).collect();
            let k = match (OWN.contains(&k), matches.as_slice()) {
                (true, _) => k,
                (false, [one]) => one,
                _ => k,
            };
            match k {
                "options" => shorts = value(&mut i, v),
                "longoptions" => longs.extend(value(&mut i, v)),
                "name" => name = value(&mut i, v).unwrap_or_default(),
                "shell" => {
                    value(&mut i, v);
                }
                "quiet" => quiet = true,
                "quiet-output" => quiet_out = true,
                "unquoted" => unquoted = true,
                "alternative" => alternative = true,
                "test" => return Ok(4),
                _ => {
                    io.err(&format!("unrecognized option '{a}'"));
                    return Ok(2);
                }
            }
            i += 1;
            continue;
        }
        if !a.starts_with('-') || a == "-" {
            break;
        }
        let cs: Vec<char> = a[1..].chars().collect();
        let mut k = 0;
        while k < cs.len() {
            let rest: String = cs[k + 1..].iter().collect();
            match cs[k] {
                'o' => {
                    shorts = value(&mut i, &rest);
                    break;
                }
                'l' => {
                    longs.extend(value(&mut i, &rest));
                    break;
                }
                'n' => {
                    name = value(&mut i, &rest).unwrap_or_default();
                    break;
                }
                's' => {
                    value(&mut i, &rest);
                    break;
                }
                'q' => quiet = true,
                'Q' => quiet_out = true,
                'u' => unquoted = true,
                'a' => alternative = true,
                'T' => return Ok(4),
                c => {
                    io.err(&format!("invalid option -- '{c}'"));
                    return Ok(2);
                }
            }
            k += 1;
        }
        i += 1;
    }
    let shorts = match shorts {
        Some(s) => s,
        None => match argv.get(i) {
            // The old form: the first argument is the option string, and nothing is quoted.
            Some(s) => {
                i += 1;
                unquoted = true;
                s.clone()
            }
            None => {
                io.err("missing optstring argument");
                return Ok(1);
            }
        },
    };
    let args = &argv[i..];
    let posix = shorts.starts_with('+');
    let short = short_spec(shorts.trim_start_matches(['+', '-']));
    let long = long_spec(&longs);
    let q = !unquoted;
    let mut out = String::new();
    let mut rest: Vec<String> = Vec::new();
    let mut status = 0;
    let mut fail = |io: &mut Io, msg: String| {
        status = 1;
        if !quiet {
            io.print_err_as(&name, &msg);
        }
    };
    let mut j = 0;
    while j < args.len() {
        let a = &args[j];
        j += 1;
        if a == "--" {
            rest.extend(args[j..].iter().cloned());
            break;
        }
        let long_body = a
            .strip_prefix("--")
            .or_else(|| a.strip_prefix('-').filter(|_| alternative && a.len() > 2));
        if let Some(body) = long_body.filter(|b| !b.is_empty()) {
            let (k, inline) = match body.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (body, None),
            };
            let exact = long.iter().find(|(n, _)| n == k);
            let cands: Vec<&(String, Takes)> =
                long.iter().filter(|(n, _)| n.starts_with(k)).collect();
            let found = match exact {
                Some(e) => Some(e),
                None if cands.is_empty() => None,
                None if cands.iter().all(|c| c.1 == cands[0].1) => Some(cands[0]),
                None => {
                    fail(io, format!("option '{a}' is ambiguous"));
                    continue;
                }
            };
            // `-abc` under -a that is no long option is a group of short ones.
            let Some((n, takes)) = found else {
                if !a.starts_with("--") {
                    j -= 1;
                } else {
                    fail(io, format!("unrecognized option '{a}'"));
                    continue;
                }
                let a = &args[j];
                j += 1;
                short_group(a, &short, args, &mut j, &mut out, q, &mut |m| fail(io, m));
                continue;
            };
            out.push_str(&format!(" --{n}"));
            match (takes, inline) {
                (Takes::No, Some(_)) => {
                    out.truncate(out.len() - n.len() - 3);
                    fail(io, format!("option '--{n}' doesn't allow an argument"));
                }
                (Takes::No, None) => {}
                (Takes::Optional, v) => out.push_str(&format!(" {}", quote(v.unwrap_or(""), q))),
                (Takes::Required, Some(v)) => out.push_str(&format!(" {}", quote(v, q))),
                (Takes::Required, None) => match args.get(j) {
                    Some(v) => {
                        j += 1;
                        out.push_str(&format!(" {}", quote(v, q)));
                    }
                    None => {
                        out.truncate(out.len() - n.len() - 3);
                        fail(io, format!("option '--{n}' requires an argument"));
                    }
                },
            }
            continue;
        }
        if a.starts_with('-') && a.len() > 1 {
            short_group(a, &short, args, &mut j, &mut out, q, &mut |m| fail(io, m));
            continue;
        }
        if posix {
            rest.push(a.clone());
            rest.extend(args[j..].iter().cloned());
            break;
        }
        rest.push(a.clone());
    }
    out.push_str(" --");
    for r in &rest {
        out.push(' ');
        out.push_str(&quote(r, q));
    }
    out.push('\n');
    if !quiet_out {
        io.print(&out);
    }
    Ok(status)
}

/// One `-abc` group of short options (the last may take the rest, or the next argument).
fn short_group(
    a: &str,
    short: &[(char, Takes)],
    args: &[String],
    j: &mut usize,
    out: &mut String,
    q: bool,
    fail: &mut dyn FnMut(String),
) {
    let cs: Vec<char> = a[1..].chars().collect();
    let mut k = 0;
    while k < cs.len() {
        let c = cs[k];
        let rest: String = cs[k + 1..].iter().collect();
        match short.iter().find(|(s, _)| *s == c && c != ':') {
            None => fail(format!("invalid option -- '{c}'")),
            Some((_, Takes::No)) => out.push_str(&format!(" -{c}")),
            Some((_, Takes::Optional)) => {
                out.push_str(&format!(" -{c} {}", quote(&rest, q)));
                return;
            }
            Some((_, Takes::Required)) => {
                if !rest.is_empty() {
                    out.push_str(&format!(" -{c} {}", quote(&rest, q)));
                } else if let Some(v) = args.get(*j) {
                    *j += 1;
                    out.push_str(&format!(" -{c} {}", quote(v, q)));
                } else {
                    fail(format!("option requires an argument -- '{c}'"));
                }
                return;
            }
        }
        k += 1;
    }
}

impl Io {
    /// `NAME: msg` on stderr, in order with stdout (getopt's `-n NAME`).
    fn print_err_as(&mut self, name: &str, msg: &str) {
        let saved = std::mem::replace(&mut self.name, name.to_owned());
        self.err(msg);
        self.name = saved;
    }
}
