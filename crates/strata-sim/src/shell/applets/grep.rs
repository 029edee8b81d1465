//! `grep` / `egrep` / `fgrep`: basic and extended regular expressions over bytes, with busybox's options.

use super::{getopt, inputs, lines, ErrStyle, Io};
use crate::shell::interp::{Ctl, Shell};
use crate::shell::regex as re;

type R = Result<i32, Ctl>;

/// `grep [-vinclqoEFrhHw] [-e P] PATTERN files…`.
pub fn grep(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, mut ops) = match getopt(&argv[1..], "efmABC") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("option requires an argument -- '{c}'"));
            return Ok(2);
        }
    };
    let has = |c: char| flags.iter().any(|f| f.0 == c);
    let mut ext = has('E') || argv[0].ends_with("egrep") || io.name == "egrep";
    let fixed = has('F') || io.name == "fgrep";
    if fixed {
        ext = false;
    }
    let mut pats: Vec<String> = flags
        .iter()
        .filter(|f| f.0 == 'e')
        .filter_map(|f| f.1.clone())
        .collect();
    for f in flags.iter().filter(|f| f.0 == 'f') {
        if let Some(p) = &f.1 {
            if let Ok(c) = sh.fs.read(&sh.abs(p)) {
                pats.extend(lines(&c.bytes()));
            }
        }
    }
    if pats.is_empty() {
        if ops.is_empty() {
            io.err("usage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...");
            return Ok(2);
        }
        pats.push(ops.remove(0));
    }
    let pats: Vec<String> = pats
        .iter()
        .flat_map(|p| p.split('\n').map(str::to_owned).collect::<Vec<_>>())
        .collect();
    let icase = has('i') || has('y');
    let word = has('w');
    let whole = has('x');
    let mut res = Vec::new();
    for p in &pats {
        let mut t = if fixed {
            re::escape(p)
        } else {
            match re::translate(p, ext) {
                Ok(t) => t,
                Err(e) => {
                    io.err(&e);
                    return Ok(2);
                }
            }
        };
        if word {
            t = format!("\\b(?:{t})\\b");
        }
        if whole {
            t = format!("^(?:{t})$");
        }
        match re::build(&t, icase) {
            Ok(r) => res.push(r),
            Err(_) => {
                io.err(&format!("bad regex '{p}'"));
                return Ok(2);
            }
        }
    }
    let invert = has('v');
    let count = has('c');
    let quiet = has('q');
    let list = has('l');
    let list_non = has('L');
    let number = has('n');
    let only = has('o');
    let recursive = has('r') || has('R');
    let silent = has('s');
    let maxm: Option<usize> = flags
        .iter()
        .find(|f| f.0 == 'm')
        .and_then(|f| f.1.as_deref()?.parse().ok());
    let mut files: Vec<String> = Vec::new();
    if recursive {
        let roots = if ops.is_empty() {
            vec![".".to_owned()]
        } else {
            ops.clone()
        };
        for r in roots {
            let p = sh.abs(&r);
            match sh.fs.stat(&p) {
                Ok(s) if s.is_dir() => super::fs::walk_files(sh, &p, &r, &mut files),
                _ => files.push(r),
            }
        }
    } else {
        files = ops.clone();
    }
    let show_name = if has('h') {
        false
    } else {
        has('H') || files.len() > 1 || recursive
    };
    let mut any = false;
    let mut err = false;
    let style = ErrStyle::Silent;
    let ins = inputs(sh, io, &files, style);
    if silent {
        // drop messages for -s
        io.err.clear();
        io.seq.retain(|(is_err, _)| !is_err);
    }
    for (name, data) in ins {
        let Some(d) = data else {
            err = true;
            continue;
        };
        let disp = if name == "-" {
            "(standard input)".to_owned()
        } else {
            name.clone()
        };
        let mut n = 0usize;
        for (ln, line) in lines(&d).iter().enumerate() {
            if maxm.is_some_and(|m| n >= m) {
                break;
            }
            let m = res.iter().any(|r| r.is_match(line.as_bytes()));
            if m == invert {
                continue;
            }
            n += 1;
            any = true;
            if quiet {
                return Ok(0);
            }
            if count || list || list_non {
                continue;
            }
            let prefix = {
                let mut p = String::new();
                if show_name {
                    p.push_str(&disp);
                    p.push(':');
                }
                if number {
                    p.push_str(&(ln + 1).to_string());
                    p.push(':');
                }
                p
            };
            if only && !invert {
                for r in &res {
                    for mt in r.find_iter(line.as_bytes()) {
                        if mt.is_empty() {
                            continue;
                        }
                        let text = String::from_utf8_lossy(mt.as_bytes());
                        io.print(&format!("{prefix}{text}\n"));
                    }
                }
            } else {
                io.print(&format!("{prefix}{line}\n"));
            }
        }
        if count {
            if show_name {
                io.print(&format!("{disp}:{n}\n"));
            } else {
                io.print(&format!("{n}\n"));
            }
        }
        if list && n > 0 {
            io.print(&format!("{disp}\n"));
        }
        if list_non && n == 0 {
            io.print(&format!("{disp}\n"));
        }
    }
    Ok(if err && !(any && quiet) {
        2
    } else if any {
        0
    } else {
        1
    })
}
