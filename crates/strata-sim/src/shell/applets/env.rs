//! `env` and `printenv`: the environment in the order the process got it (`putenv` replaces a value in
//! place and appends a new name), and running a command with a changed one.

use super::Io;
use crate::shell::interp::{Ctl, Shell};
use crate::shell::vars::{Order, Vars};

type R = Result<i32, Ctl>;

/// busybox 1.35's `env --help` (after the banner).
const ENV_USAGE: &str = "Usage: env [-i0] [-u NAME]... [-] [NAME=VALUE]... [PROG ARGS]

Print current environment or run PROG after setting up environment

\t-, -i\tStart with empty environment
\t-0\tNUL terminated output
\t-u NAME\tRemove variable from environment";

/// `env [-i0] [-u NAME] [NAME=VALUE…] [COMMAND…]`, `printenv [NAME…]`: the environment in the order the
/// process got it (`putenv` replaces a value in place and appends a new name).
pub fn env(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let mut vars = sh.environ();
    let print = |vars: &[(String, String)], io: &mut Io| {
        for (k, v) in vars {
            io.print(&format!("{k}={v}\n"));
        }
    };
    if io.name == "printenv" {
        if argv.len() > 1 {
            let mut st = 0;
            for n in &argv[1..] {
                match vars.iter().find(|(k, _)| k == n) {
                    Some((_, v)) => io.print(&format!("{v}\n")),
                    None => st = 1,
                }
            }
            return Ok(st);
        }
        print(&vars, io);
        return Ok(0);
    }
    // `+iu:*0`: options until the first operand; `-` alone is `-i`.
    let mut nul = false;
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].as_str();
        if a == "-" {
            vars.clear();
            i += 1;
            continue;
        }
        if a == "--" {
            i += 1;
            break;
        }
        if a.starts_with("--") {
            io.err(&format!("unrecognized option '{a}'"));
            io.usage(ENV_USAGE);
            return Ok(1);
        }
        let Some(flags) = a.strip_prefix('-').filter(|f| !f.is_empty()) else {
            break;
        };
        i += 1;
        for (k, c) in flags.char_indices() {
            match c {
                'i' => vars.clear(),
                '0' => nul = true,
                'u' => {
                    let name = if k + 1 < flags.len() {
                        flags[k + 1..].to_owned()
                    } else if let Some(n) = argv.get(i) {
                        i += 1;
                        n.clone()
                    } else {
                        io.err("option requires an argument -- 'u'");
                        io.usage(ENV_USAGE);
                        return Ok(1);
                    };
                    vars.retain(|(k, _)| *k != name);
                    break;
                }
                other => {
                    io.err(&format!("invalid option -- '{other}'"));
                    io.usage(ENV_USAGE);
                    return Ok(1);
                }
            }
        }
    }
    while i < argv.len() {
        let Some((k, v)) = argv[i].split_once('=') else {
            break;
        };
        match vars.iter_mut().find(|(n, _)| n == k) {
            Some(slot) => slot.1 = v.to_owned(),
            None => vars.push((k.to_owned(), v.to_owned())),
        }
        i += 1;
    }
    if i >= argv.len() {
        if nul {
            for (k, v) in &vars {
                io.out.extend_from_slice(format!("{k}={v}\0").as_bytes());
            }
        } else {
            print(&vars, io);
        }
        return Ok(0);
    }
    // Run the command with exactly this environment (the shell's unexported variables stay for the
    // simulation's own use; they are not in the environment).
    let saved = sh.st.vars.clone();
    let strings: Vec<String> = vars.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut fresh = Vars::from_environ(&strings, Order::Creation);
    for (k, v) in saved.iter().filter(|(_, v)| !v.exported) {
        if !fresh.contains_key(k) {
            let slot = fresh.slot(k);
            slot.value = v.value.clone();
        }
    }
    sh.st.vars = fresh;
    // Inserted one by one (the last of equal names wins, as with `collect`), which spares the playground's
    // wasm the copy of the standard sort a `collect` into a BTreeMap brings.
    let mut by_name = std::collections::BTreeMap::new();
    for (k, v) in vars {
        by_name.insert(k, v);
    }
    let vars = by_name;
    let cmd = argv[i..].to_vec();
    let stdin = io.stdin_all();
    let found = if cmd[0].contains('/') {
        Some(sh.abs(&cmd[0]))
    } else {
        let path = vars
            .get("PATH")
            .cloned()
            .unwrap_or_else(|| "/bin:/usr/bin".to_owned());
        path.split(':')
            .map(|d| {
                sh.abs(&format!(
                    "{}/{}",
                    if d.is_empty() { "." } else { d },
                    cmd[0]
                ))
            })
            .find(|p| {
                sh.fs
                    .stat(p)
                    .is_ok_and(|s| !s.is_dir() && s.attrs.mode & 0o111 != 0)
            })
    };
    let Some(path) = found.filter(|p| sh.fs.stat(p).is_ok()) else {
        sh.st.vars = saved;
        io.err(&format!(
            "can't execute '{}': No such file or directory",
            cmd[0]
        ));
        return Ok(127);
    };
    let r = sh.run_file_captured(&path, &cmd, stdin);
    sh.st.vars = saved;
    let (st, out, err) = r?;
    io.out.extend(out);
    io.err.extend(err);
    Ok(st)
}
