//! `run-parts [-a ARG]… [-u UMASK] [--reverse] [--test] [--exit-on-error] DIRECTORY`: the executable regular
//! files of DIRECTORY in byte order (busybox 1.35 runs `30.bad` too: no name filter), each run with the
//! ARGs (or only printed with `--test`); a failure is reported and makes the status 1.

/// busybox 1.35's `run-parts --help` (after the banner).
const USAGE: &str =
    "Usage: run-parts [-a ARG]... [-u UMASK] [--reverse] [--test] [--exit-on-error] DIRECTORY

Run a bunch of scripts in DIRECTORY

\t-a ARG\t\tPass ARG as argument to scripts
\t-u UMASK\tSet UMASK before running scripts
\t--reverse\tReverse execution order
\t--test\t\tDry run
\t--exit-on-error\tExit if a script exits with non-zero";

use strata_image::NodeKind;

use super::Io;
use crate::shell::interp::{Ctl, Shell};

/// `run-parts`.
pub fn run_parts(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> Result<i32, Ctl> {
    let (mut args, mut reverse, mut test, mut stop) = (Vec::new(), false, false, false);
    let mut umask: Option<u32> = None;
    let mut dir: Option<String> = None;
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].as_str();
        i += 1;
        match a {
            "--reverse" => reverse = true,
            "--test" => test = true,
            "--exit-on-error" => stop = true,
            "-a" | "--arg" | "-u" | "--umask" => {
                let Some(v) = argv.get(i) else {
                    io.err(&format!("option requires an argument -- '{}'", &a[1..2]));
                    return Ok(1);
                };
                i += 1;
                if a.ends_with('a') || a.ends_with("arg") {
                    args.push(v.clone());
                } else {
                    umask = u32::from_str_radix(v, 8).ok();
                }
            }
            _ if a.starts_with('-') && a.len() > 1 => {
                io.err(&format!("unrecognized option '{a}'"));
                return Ok(1);
            }
            _ => dir = Some(a.to_owned()),
        }
    }
    let Some(dir) = dir else {
        io.usage(USAGE);
        return Ok(1);
    };
    let base = sh.abs(&dir);
    let Ok(mut names) = sh.fs.read_dir(&base) else {
        // busybox reports it and still exits 0.
        io.err(&format!("{dir}: No such file or directory"));
        return Ok(0);
    };
    strata_image::sort::sort(&mut names);
    if reverse {
        names.reverse();
    }
    let saved_umask = sh.st.umask;
    if let Some(u) = umask {
        sh.st.umask = u & 0o777;
    }
    let mut status = 0;
    for n in names {
        let path = format!("{}/{n}", dir.trim_end_matches('/'));
        let runnable = sh
            .fs
            .stat(&sh.abs(&path))
            .is_ok_and(|st| matches!(st.kind, NodeKind::File(_)) && st.attrs.mode & 0o111 != 0);
        if !runnable {
            continue;
        }
        if test {
            io.print(&format!("{path}\n"));
            continue;
        }
        let mut a = vec![path.clone()];
        a.extend(args.iter().cloned());
        let (st, out, err) = sh.run_captured(&a, Vec::new())?;
        io.out.extend(out);
        io.err.extend(err);
        if st != 0 {
            io.err(&format!("{path}: exit status {st}"));
            status = 1;
            if stop {
                break;
            }
        }
    }
    sh.st.umask = saved_umask;
    Ok(status)
}
