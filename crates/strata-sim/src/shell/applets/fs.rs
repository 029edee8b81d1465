//! Filesystem applets: ls, touch, mkdir, rm, rmdir, cp, mv, ln, chmod, chown, stat, readlink, realpath,
//! du, mkfifo, mktemp, truncate (`find` is in [`super::find`]).

use strata_image::{Attrs, Content, NodeKind, Stat, Timestamp};

use super::sys::ls_time;
use super::{errno_msg, getopt, may_write_parent, mode_string, parent_of, Io};
use crate::shell::interp::{Ctl, Shell};

type R = Result<i32, Ctl>;

fn bad_opt(io: &mut Io, c: char) -> R {
    io.err(&format!("invalid option -- '{c}'"));
    Ok(1)
}

pub(super) fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

pub(super) fn base(p: &str) -> String {
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".to_owned();
    }
    t.rsplit('/').next().unwrap_or(t).to_owned()
}

/// The size `ls -l` and `stat` show (directories 4096, as on ext4).
fn shown_size(st: &Stat) -> u64 {
    if st.is_dir() {
        4096
    } else {
        st.size()
    }
}

/// 1K blocks used, as a 4K-block filesystem allocates.
fn blocks_k(st: &Stat) -> u64 {
    match st.kind {
        NodeKind::File(_) => st.size().div_ceil(4096) * 4,
        NodeKind::Dir => 4,
        _ => 0,
    }
}

fn nlink(sh: &Shell<'_>, path: &str, st: &Stat) -> u32 {
    if st.is_dir() {
        let subdirs = sh
            .fs
            .read_dir(path)
            .map(|names| {
                names
                    .iter()
                    .filter(|n| sh.fs.lstat(&join(path, n)).is_ok_and(|s| s.is_dir()))
                    .count()
            })
            .unwrap_or(0);
        2 + subdirs as u32
    } else {
        st.nlink
    }
}

fn human(kib: f64) -> String {
    let units = ["K", "M", "G", "T"];
    let mut v = kib;
    let mut u = 0;
    if v == 0.0 {
        return "0".to_owned();
    }
    while v >= 1024.0 && u + 1 < units.len() {
        v /= 1024.0;
        u += 1;
    }
    if v < 10.0 {
        format!("{:.1}{}", v, units[u])
    } else {
        format!("{:.0}{}", v, units[u])
    }
}

fn human_bytes(b: u64) -> String {
    if b < 1024 {
        return b.to_string();
    }
    human(b as f64 / 1024.0)
}

struct LsOpts {
    long: bool,
    all: bool,
    almost: bool,
    dir: bool,
    recursive: bool,
    numeric: bool,
    human: bool,
    inode: bool,
    size: bool,
    sort_time: bool,
    sort_size: bool,
    reverse: bool,
    classify: bool,
    slash: bool,
    no_owner: bool,
    no_group: bool,
    unsorted: bool,
}

/// `ls [-1aAdRlnhistrSFp] [FILE…]`.
pub fn ls(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, mut ops) = match getopt(&argv[1..], "") {
        Ok(x) => x,
        Err(c) => return bad_opt(io, c),
    };
    let has = |c: char| flags.iter().any(|f| f.0 == c);
    for (c, _) in &flags {
        if !"1aAdRlnhistrSFpcugoeCxLHf".contains(*c) {
            return bad_opt(io, *c);
        }
    }
    let o = LsOpts {
        long: has('l') || has('n') || has('g') || has('o'),
        all: has('a') || has('f'),
        almost: has('A'),
        dir: has('d'),
        recursive: has('R'),
        numeric: has('n'),
        human: has('h'),
        inode: has('i'),
        size: has('s'),
        sort_time: has('t'),
        sort_size: has('S'),
        reverse: has('r'),
        classify: has('F'),
        slash: has('p'),
        no_owner: has('g'),
        no_group: has('o'),
        unsorted: has('f'),
    };
    let _ = sh.flush_all();
    let explicit = !ops.is_empty();
    if ops.is_empty() {
        ops.push(".".to_owned());
    }
    let mut st = 0;
    let mut files: Vec<(String, String, Stat)> = Vec::new();
    let mut dirs: Vec<(String, String)> = Vec::new();
    for op in &ops {
        let p = sh.abs(op);
        let lst = match sh.fs.lstat(&p) {
            Ok(s) => s,
            Err(e) => {
                io.err(&format!("{op}: {}", errno_msg(&e)));
                st = 1;
                continue;
            }
        };
        let follow = !o.long && !o.dir;
        let s = if follow
            || (!o.dir && matches!(lst.kind, NodeKind::Symlink(_)) && op.ends_with('/'))
        {
            sh.fs.stat(&p).unwrap_or(lst)
        } else {
            lst
        };
        if s.is_dir() && !o.dir {
            dirs.push((op.clone(), p));
        } else {
            files.push((op.clone(), p, s));
        }
    }
    sort_entries(sh, &mut files, &o);
    strata_image::sort::sort_by(&mut dirs, |a, b| a.0.cmp(&b.0));
    if o.reverse {
        dirs.reverse();
    }
    for (name, path, s) in &files {
        let line = entry_line(sh, name, path, s, &o);
        io.print(&line);
    }
    let multi = ops.len() > 1 || o.recursive;
    let mut first = files.is_empty();
    let mut queue: Vec<(String, String)> = dirs;
    let mut guard = 0;
    while !queue.is_empty() {
        let (disp, path) = queue.remove(0);
        guard += 1;
        if guard > 100_000 {
            break;
        }
        sh.step()?;
        if !first {
            io.print("\n");
        }
        first = false;
        if multi {
            io.print(&format!("{disp}:\n"));
        }
        let names = match sh.fs.read_dir(&path) {
            Ok(n) => n,
            Err(e) => {
                io.err(&format!("{disp}: {}", errno_msg(&e)));
                st = 1;
                continue;
            }
        };
        let mut ents: Vec<(String, String, Stat)> = Vec::new();
        if o.all {
            for (n, p) in [(".", path.clone()), ("..", parent_of(&path))] {
                if let Ok(s) = sh.fs.stat(&p) {
                    ents.push((n.to_owned(), p, s));
                }
            }
        }
        for n in names {
            if n.starts_with('.') && !o.all && !o.almost {
                continue;
            }
            let p = join(&path, &n);
            if let Ok(s) = sh.fs.lstat(&p) {
                ents.push((n, p, s));
            }
        }
        sort_entries(sh, &mut ents, &o);
        if o.long || o.size {
            let total: u64 = ents.iter().map(|e| blocks_k(&e.2)).sum();
            io.print(&format!("total {total}\n"));
        }
        let mut subdirs = Vec::new();
        for (n, p, s) in &ents {
            io.print(&entry_line(sh, n, p, s, &o));
            if o.recursive && s.is_dir() && n != "." && n != ".." {
                let d = if disp.ends_with('/') {
                    format!("{disp}{n}")
                } else {
                    format!("{disp}/{n}")
                };
                subdirs.push((d, p.clone()));
            }
        }
        // depth first: subdirectories come right after their parent
        for (k, d) in subdirs.into_iter().enumerate() {
            queue.insert(k, d);
        }
    }
    let _ = explicit;
    Ok(st)
}

fn sort_entries(sh: &Shell<'_>, v: &mut [(String, String, Stat)], o: &LsOpts) {
    let _ = sh;
    if o.unsorted {
        return;
    }
    strata_image::sort::sort_by(v, |a, b| {
        if o.sort_time {
            b.2.attrs.mtime.cmp(&a.2.attrs.mtime).then(a.0.cmp(&b.0))
        } else if o.sort_size {
            shown_size(&b.2).cmp(&shown_size(&a.2)).then(a.0.cmp(&b.0))
        } else {
            a.0.cmp(&b.0)
        }
    });
    if o.reverse {
        v.reverse();
    }
}

fn entry_line(sh: &Shell<'_>, name: &str, path: &str, s: &Stat, o: &LsOpts) -> String {
    let mut line = String::new();
    if o.inode {
        line.push_str(&format!("{:8} ", s.ident));
    }
    if o.size {
        line.push_str(&format!("{:6} ", blocks_k(s)));
    }
    if o.long {
        line.push_str(&mode_string(s));
        line.push_str(&format!(" {:4} ", nlink(sh, path, s)));
        let user = if o.numeric {
            None
        } else {
            super::user_name_as(sh, s.attrs.uid)
        }
        .unwrap_or_else(|| s.attrs.uid.to_string());
        let group = if o.numeric {
            None
        } else {
            super::group_name_as(sh, s.attrs.gid)
        }
        .unwrap_or_else(|| s.attrs.gid.to_string());
        if !o.no_owner {
            line.push_str(&format!("{:<8} ", trunc8(&user)));
        }
        if !o.no_group {
            line.push_str(&format!("{:<8} ", trunc8(&group)));
        }
        match s.kind {
            NodeKind::CharDevice { major, minor } | NodeKind::BlockDevice { major, minor } => {
                line.push_str(&format!("{major:4}, {minor:4} "));
            }
            _ => {
                if o.human {
                    line.push_str(&format!("{:>7} ", human_bytes(shown_size(s))));
                } else {
                    line.push_str(&format!("{:9} ", shown_size(s)));
                }
            }
        }
        line.push_str(&ls_time(s.attrs.mtime, sh.now));
        line.push(' ');
    }
    line.push_str(name);
    if o.long {
        if let NodeKind::Symlink(t) = &s.kind {
            line.push_str(" -> ");
            line.push_str(t);
        }
    }
    if o.classify || o.slash {
        let suf = match s.kind {
            NodeKind::Dir => "/",
            NodeKind::Symlink(_) if o.classify && !o.long => "@",
            NodeKind::Fifo if o.classify => "|",
            NodeKind::File(_) if o.classify && s.attrs.mode & 0o111 != 0 => "*",
            _ => "",
        };
        line.push_str(suf);
    }
    line.push('\n');
    line
}

fn trunc8(s: &str) -> String {
    s.chars().take(8).collect()
}

/// Parses `touch -d` values: `@SECS`, `YYYY-MM-DD[ T]HH:MM[:SS]`.
/// Parses a date as `touch -d` and `date -d` take it: `@SECS`, `YYYY-MM-DD[ T]HH:MM[:SS]`.
pub fn parse_date(s: &str) -> Option<i64> {
    if let Some(n) = s.strip_prefix('@') {
        return n.parse().ok();
    }
    let s = s.trim();
    let (d, t) = s.split_once([' ', 'T']).unwrap_or((s, "00:00:00"));
    let dp: Vec<i64> = d
        .split('-')
        .map(|x| x.parse().ok())
        .collect::<Option<Vec<_>>>()?;
    let tp: Vec<i64> = t
        .split(':')
        .map(|x| x.parse().ok())
        .collect::<Option<Vec<_>>>()?;
    if dp.len() != 3 {
        return None;
    }
    let (y, m, day) = (dp[0], dp[1], dp[2]);
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = if y2 >= 0 { y2 } else { y2 - 399 } / 400;
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    Some(
        days * 86400
            + tp.first().copied().unwrap_or(0) * 3600
            + tp.get(1).copied().unwrap_or(0) * 60
            + tp.get(2).copied().unwrap_or(0),
    )
}

/// `touch [-c] [-d DATE] [-r REF] FILE…`.
pub fn touch(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, ops) = match getopt(&argv[1..], "dtr") {
        Ok(x) => x,
        Err(c) => return bad_opt(io, c),
    };
    let no_create = flags.iter().any(|f| f.0 == 'c');
    let mut when = sh.now;
    for (f, v) in &flags {
        match (f, v) {
            ('d', Some(v)) => match parse_date(v) {
                Some(s) => when = Timestamp::from_secs(s),
                None => {
                    io.err(&format!("invalid date '{v}'"));
                    return Ok(1);
                }
            },
            ('r', Some(v)) => match sh.fs.stat(&sh.abs(v)) {
                Ok(s) => when = s.attrs.mtime,
                Err(e) => {
                    io.err(&format!("{v}: {}", errno_msg(&e)));
                    return Ok(1);
                }
            },
            _ => {}
        }
    }
    if ops.is_empty() {
        io.err("usage: touch [-c] [-d DATE] [-t DATE] [-r FILE] FILE...");
        return Ok(1);
    }
    let _ = sh.flush_all();
    let mut st = 0;
    for f in &ops {
        sh.step()?;
        let p = sh.abs(f);
        if crate::shell::interp::is_dev_null(&p) {
            continue;
        }
        if sh.fs.stat(&p).is_ok() {
            if let Err(e) = sh.fs.set_mtime(&p, when) {
                io.err(&format!("{f}: {}", errno_msg(&e)));
                st = 1;
            }
            continue;
        }
        if no_create {
            continue;
        }
        if !may_write_parent(sh, &p) {
            io.err(&format!("{f}: Permission denied"));
            st = 1;
            continue;
        }
        let mut attrs = sh.new_file_attrs();
        attrs.mtime = when;
        if let Err(e) = sh.fs.write(&p, Content::empty(), attrs, sh.now) {
            io.err(&format!("{f}: {}", errno_msg(&e)));
            st = 1;
        } else if when != sh.now {
            let _ = sh.fs.set_mtime(&p, when);
        }
    }
    Ok(st)
}

/// Parses a chmod mode (octal or symbolic) against the old mode.
pub fn parse_mode(spec: &str, old: u32, is_dir: bool, umask: u32) -> Option<u32> {
    if !spec.is_empty() && spec.chars().all(|c| c.is_digit(8)) {
        return u32::from_str_radix(spec, 8).ok().filter(|m| *m <= 0o7777);
    }
    let mut mode = old;
    for clause in spec.split(',') {
        let cs: Vec<char> = clause.chars().collect();
        let mut i = 0;
        let mut who = 0u32;
        while i < cs.len() && "ugoa".contains(cs[i]) {
            who |= match cs[i] {
                'u' => 0o4700,
                'g' => 0o2070,
                'o' => 0o1007,
                _ => 0o7777,
            };
            i += 1;
        }
        let masked = who == 0;
        if masked {
            who = 0o7777;
        }
        if i >= cs.len() {
            return None;
        }
        while i < cs.len() {
            let op = cs[i];
            if !"+-=".contains(op) {
                return None;
            }
            if op == '=' {
                mode &= !who;
            }
            i += 1;
            let mut bits = 0u32;
            while i < cs.len() && !"+-=".contains(cs[i]) {
                bits |= match cs[i] {
                    'r' => 0o444,
                    'w' => 0o222,
                    'x' => 0o111,
                    'X' => {
                        if is_dir || mode & 0o111 != 0 {
                            0o111
                        } else {
                            0
                        }
                    }
                    's' => 0o6000,
                    't' => 0o1000,
                    'u' => {
                        let u = (mode >> 6) & 7;
                        u * 0o111
                    }
                    'g' => {
                        let g = (mode >> 3) & 7;
                        g * 0o111
                    }
                    'o' => (mode & 7) * 0o111,
                    _ => return None,
                };
                i += 1;
            }
            let mut eff = bits & who;
            if masked {
                eff &= !umask;
            }
            match op {
                '+' => mode |= eff,
                '-' => mode &= !eff,
                _ => {
                    mode |= eff;
                }
            }
        }
    }
    Some(mode & 0o7777)
}

/// `mkdir [-p] [-m MODE] DIR…`.
pub fn mkdir(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, ops) = match getopt(&argv[1..], "m") {
        Ok(x) => x,
        Err(c) => return bad_opt(io, c),
    };
    let verbose = flags.iter().any(|f| f.0 == 'v');
    let parents = flags.iter().any(|f| f.0 == 'p');
    let mode = match flags.iter().find(|f| f.0 == 'm').and_then(|f| f.1.clone()) {
        Some(m) => match parse_mode(&m, 0o777, true, 0) {
            Some(v) => Some(v),
            None => {
                io.err(&format!("invalid mode '{m}'"));
                return Ok(1);
            }
        },
        None => None,
    };
    if ops.is_empty() {
        io.err("usage: mkdir [-m MODE] [-p] DIRECTORY...");
        return Ok(1);
    }
    let _ = sh.flush_all();
    let mut st = 0;
    for d in &ops {
        sh.step()?;
        let p = sh.abs(d);
        let Some(norm) = strata_image::normalize(&p) else {
            continue;
        };
        if parents {
            if let Ok(s) = sh.fs.stat(&norm) {
                if s.is_dir() {
                    continue;
                }
            }
            // create each missing component
            let mut cur = String::new();
            let comps: Vec<&str> = norm.split('/').filter(|c| !c.is_empty()).collect();
            let mut failed = false;
            for (k, c) in comps.iter().enumerate() {
                cur.push('/');
                cur.push_str(c);
                match sh.fs.stat(&cur) {
                    Ok(s) if s.is_dir() => continue,
                    Ok(_) => {
                        if k + 1 < comps.len() {
                            io.err(&format!("can't create directory '{cur}/': Not a directory"));
                        } else {
                            io.err(&format!("can't create directory '{d}': File exists"));
                        }
                        failed = true;
                        break;
                    }
                    Err(_) => {
                        let mut a = sh.new_dir_attrs();
                        if k + 1 == comps.len() {
                            if let Some(m) = mode {
                                a.mode = m;
                            }
                        }
                        if !may_write_parent(sh, &cur) {
                            io.err(&format!("can't create directory '{d}': Permission denied"));
                            failed = true;
                            break;
                        }
                        if let Err(e) = sh.fs.mkdir(&cur, a) {
                            io.err(&format!("can't create directory '{d}': {}", errno_msg(&e)));
                            failed = true;
                            break;
                        }
                        if verbose {
                            if k + 1 < comps.len() {
                                io.print(&format!("created directory: '{cur}/'\n"));
                            } else {
                                io.print(&format!("created directory: '{d}'\n"));
                            }
                        }
                    }
                }
            }
            if failed {
                st = 1;
            }
            continue;
        }
        let mut a = sh.new_dir_attrs();
        if let Some(m) = mode {
            a.mode = m;
        }
        if !may_write_parent(sh, &norm)
            && sh.fs.stat(&parent_of(&norm)).is_ok()
            && !sh.fs.exists(&norm)
        {
            io.err(&format!("can't create directory '{d}': Permission denied"));
            st = 1;
            continue;
        }
        if let Err(e) = sh.fs.mkdir(&norm, a) {
            io.err(&format!("can't create directory '{d}': {}", errno_msg(&e)));
            st = 1;
        } else if verbose {
            io.print(&format!("created directory: '{d}'\n"));
        }
    }
    Ok(st)
}

/// `rm [-rRf] FILE…`.
pub fn rm(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, ops) = match getopt(&argv[1..], "") {
        Ok(x) => x,
        Err(c) => return bad_opt(io, c),
    };
    let force = flags.iter().any(|f| f.0 == 'f');
    let rec = flags.iter().any(|f| f.0 == 'r' || f.0 == 'R');
    let verbose = flags.iter().any(|f| f.0 == 'v');
    if ops.is_empty() && !force {
        io.err("usage: rm [-irf] FILE...");
        return Ok(1);
    }
    let _ = sh.flush_all();
    let mut st = 0;
    for f in &ops {
        sh.step()?;
        let p = sh.abs(f);
        let b = base(f);
        if b == "." || b == ".." {
            io.err("can't remove '.' or '..'");
            st = 1;
            continue;
        }
        let s = match sh.fs.lstat(&p) {
            Ok(s) => s,
            Err(e) => {
                if !force {
                    io.err(&format!("can't remove '{f}': {}", errno_msg(&e)));
                    st = 1;
                }
                continue;
            }
        };
        if !may_write_parent(sh, &p) {
            io.err(&format!("can't remove '{f}': Permission denied"));
            st = 1;
            continue;
        }
        if verbose {
            let mut lines = Vec::new();
            rm_listing(sh, &p, f, &mut lines, 0);
            for l in lines {
                io.print(&l);
            }
        }
        if s.is_dir() {
            if !rec {
                io.err(&format!("'{f}' is a directory"));
                st = 1;
                continue;
            }
            if strata_image::normalize(&p).as_deref() == Some("/") {
                io.err("can't remove '/'");
                st = 1;
                continue;
            }
            if let Err(e) = sh.fs.remove_all(&p, sh.now) {
                io.err(&format!("can't remove '{f}': {}", errno_msg(&e)));
                st = 1;
            }
        } else if let Err(e) = sh.fs.remove_file(&p, sh.now) {
            io.err(&format!("can't remove '{f}': {}", errno_msg(&e)));
            st = 1;
        }
    }
    Ok(st)
}

/// What `rm -v` prints for `path` (children first).
fn rm_listing(sh: &Shell<'_>, path: &str, disp: &str, out: &mut Vec<String>, depth: u32) {
    let is_dir = sh.fs.lstat(path).is_ok_and(|s| s.is_dir());
    if is_dir && depth < 256 {
        for n in sh.fs.read_dir(path).unwrap_or_default() {
            rm_listing(sh, &join(path, &n), &join(disp, &n), out, depth + 1);
        }
        out.push(format!("removed directory: '{disp}'\n"));
    } else {
        out.push(format!("removed '{disp}'\n"));
    }
}

/// `rmdir [-p] DIR…`.
pub fn rmdir(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, ops) = match getopt(&argv[1..], "") {
        Ok(x) => x,
        Err(c) => return bad_opt(io, c),
    };
    let parents = flags.iter().any(|f| f.0 == 'p');
    let mut st = 0;
    for d in &ops {
        let mut cur = d.trim_end_matches('/').to_owned();
        if cur.is_empty() {
            cur = "/".to_owned();
        }
        loop {
            let p = sh.abs(&cur);
            let r = if strata_image::normalize(&p).as_deref() == Some("/") {
                Err("Device or resource busy")
            } else {
                sh.fs.remove_dir(&p, sh.now).map_err(|e| errno_msg(&e))
            };
            if let Err(m) = r {
                io.err(&format!("'{cur}': {m}"));
                st = 1;
                break;
            }
            if !parents {
                break;
            }
            match cur.rfind('/') {
                Some(0) => cur.truncate(1),
                Some(i) => cur.truncate(i),
                None => break,
            }
        }
    }
    Ok(st)
}

/// `unlink FILE`.
pub fn unlink(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let Some(f) = argv.get(1) else {
        io.err("usage: unlink FILE");
        return Ok(1);
    };
    let p = sh.abs(f);
    match sh.fs.remove_file(&p, sh.now) {
        Ok(()) => Ok(0),
        Err(e) => {
            io.err(&format!("can't remove file '{f}': {}", errno_msg(&e)));
            Ok(1)
        }
    }
}

struct CpOpts {
    verbose: bool,
    rec: bool,
    preserve: bool,
    no_deref: bool,
    no_clobber: bool,
    deref_all: bool,
}

fn copy_one(
    sh: &mut Shell<'_>,
    io: &mut Io,
    src: &str,
    dst: &str,
    disp: &str,
    o: &CpOpts,
    depth: u32,
) -> Result<bool, Ctl> {
    sh.step()?;
    if depth > 256 {
        io.err(&format!("{disp}: too deeply nested"));
        return Ok(false);
    }
    let s = if o.no_deref && !o.deref_all {
        sh.fs.lstat(src)
    } else {
        sh.fs.stat(src)
    };
    let s = match s {
        Ok(s) => s,
        Err(e) => {
            io.err(&format!("can't stat '{disp}': {}", errno_msg(&e)));
            return Ok(false);
        }
    };
    let mut attrs = if o.preserve {
        s.attrs.clone()
    } else {
        Attrs::new(
            s.attrs.mode & !sh.st.umask,
            sh.identity.uid,
            sh.identity.gid,
            sh.now,
        )
    };
    match &s.kind {
        NodeKind::Dir => {
            if !o.rec {
                io.err(&format!("omitting directory '{disp}'"));
                return Ok(false);
            }
            let dst_exists = sh.fs.stat(dst).map(|d| d.is_dir());
            match dst_exists {
                Ok(true) => {}
                Ok(false) => {
                    io.err(&format!("can't create directory '{dst}': File exists"));
                    return Ok(false);
                }
                Err(_) => {
                    let mut a = attrs.clone();
                    a.mode |= 0o700;
                    if let Err(e) = sh.fs.mkdir(dst, a) {
                        io.err(&format!(
                            "can't create directory '{dst}': {}",
                            errno_msg(&e)
                        ));
                        return Ok(false);
                    }
                }
            }
            if let (Some(a), Some(b)) = (super::realpath(sh.fs, src), super::realpath(sh.fs, dst)) {
                if b.starts_with(&format!("{a}/")) {
                    io.err(&format!("can't copy a directory into itself: '{disp}'"));
                    return Ok(false);
                }
            }
            let names = sh.fs.read_dir(src).unwrap_or_default();
            let mut ok = true;
            for n in names {
                let r = copy_one(
                    sh,
                    io,
                    &join(src, &n),
                    &join(dst, &n),
                    &join(disp, &n),
                    o,
                    depth + 1,
                )?;
                ok &= r;
            }
            let _ = sh.fs.set_mode(dst, attrs.mode);
            if o.preserve {
                let _ = sh.fs.set_owner(dst, attrs.uid, attrs.gid);
                let _ = sh.fs.set_mtime(dst, attrs.mtime);
            }
            Ok(ok)
        }
        NodeKind::File(c) => {
            if sh.fs.lstat(dst).is_ok() {
                if o.no_clobber {
                    return Ok(true);
                }
                if let (Ok(a), Ok(b)) = (sh.fs.stat(src), sh.fs.stat(dst)) {
                    if a.ident == b.ident && a.attrs == b.attrs && a.kind == b.kind {
                        io.err(&format!("'{disp}' and '{dst}' are the same file"));
                        return Ok(false);
                    }
                }
            }
            sh.budget.write(c.len()).map_err(|l| sh.limit(l))?;
            if !may_write_parent(sh, dst) && !sh.fs.exists(dst) {
                io.err(&format!("can't create '{dst}': Permission denied"));
                return Ok(false);
            }
            attrs.mtime = if o.preserve { s.attrs.mtime } else { sh.now };
            if let Err(e) = sh.fs.write(dst, c.clone(), attrs.clone(), sh.now) {
                io.err(&format!("can't create '{dst}': {}", errno_msg(&e)));
                return Ok(false);
            }
            if o.preserve {
                let _ = sh.fs.set_mode(dst, attrs.mode);
                let _ = sh.fs.set_owner(dst, attrs.uid, attrs.gid);
                let _ = sh.fs.set_mtime(dst, attrs.mtime);
            }
            Ok(true)
        }
        kind => {
            if sh.fs.lstat(dst).is_ok() {
                let _ = sh.fs.remove_file(dst, sh.now);
            }
            if let NodeKind::Symlink(_) = kind {
                attrs.mode = 0o777;
            }
            if let Err(e) = sh.fs.create(dst, attrs, kind.clone()) {
                io.err(&format!("can't create '{dst}': {}", errno_msg(&e)));
                return Ok(false);
            }
            Ok(true)
        }
    }
}

fn cp_like(sh: &mut Shell<'_>, io: &mut Io, ops: &[String], o: &CpOpts) -> R {
    if ops.len() < 2 {
        io.err("missing file operand");
        return Ok(1);
    }
    let _ = sh.flush_all();
    let (srcs, dst) = ops.split_at(ops.len() - 1);
    let dst = &dst[0];
    let dpath = sh.abs(dst);
    let dst_is_dir = sh.fs.stat(&dpath).is_ok_and(|s| s.is_dir());
    if srcs.len() > 1 && !dst_is_dir {
        io.err(&format!("'{dst}' is not a directory"));
        return Ok(1);
    }
    let mut st = 0;
    for s in srcs {
        let sp = sh.abs(s);
        let target = if dst_is_dir {
            join(&dpath, &base(s))
        } else {
            dpath.clone()
        };
        if !copy_one(sh, io, &sp, &target, s, o, 0)? {
            st = 1;
        } else if o.verbose {
            let shown = if dst_is_dir {
                join(dst, &base(s))
            } else {
                dst.clone()
            };
            io.print(&format!("'{s}' -> '{shown}'\n"));
        }
    }
    Ok(st)
}

/// `cp [-rRapPdfnL] SRC… DST`.
pub fn cp(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, ops) = match getopt(&argv[1..], "") {
        Ok(x) => x,
        Err(c) => return bad_opt(io, c),
    };
    let has = |c: char| flags.iter().any(|f| f.0 == c);
    let o = CpOpts {
        verbose: has('v'),
        rec: has('r') || has('R') || has('a'),
        preserve: has('p') || has('a'),
        no_deref: has('P') || has('d') || has('a') || has('r') || has('R'),
        no_clobber: has('n'),
        deref_all: has('L'),
    };
    cp_like(sh, io, &ops, &o)
}

/// `install [-d] [-m MODE] SRC DST`.
pub fn install(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, ops) = match getopt(&argv[1..], "mogt") {
        Ok(x) => x,
        Err(c) => return bad_opt(io, c),
    };
    let mode = flags
        .iter()
        .find(|f| f.0 == 'm')
        .and_then(|f| f.1.as_deref())
        .and_then(|m| parse_mode(m, 0o755, false, 0))
        .unwrap_or(0o755);
    if flags.iter().any(|f| f.0 == 'd') {
        for d in &ops {
            let p = sh.abs(d);
            let mut a = sh.new_dir_attrs();
            a.mode = mode;
            let _ = sh.fs.mkdir_all(&p, a);
        }
        return Ok(0);
    }
    if flags.iter().any(|f| f.0 == 'D') {
        if let Some(d) = ops.last() {
            let p = sh.abs(d);
            let parent = parent_of(&p);
            let a = sh.new_dir_attrs();
            let _ = sh.fs.mkdir_all(&parent, a);
        }
    }
    let o = CpOpts {
        verbose: false,
        rec: false,
        preserve: false,
        no_deref: false,
        no_clobber: false,
        deref_all: false,
    };
    let r = cp_like(sh, io, &ops, &o)?;
    if r == 0 {
        if let Some(d) = ops.last() {
            let p = sh.abs(d);
            let target = if sh.fs.stat(&p).is_ok_and(|s| s.is_dir()) {
                join(&p, &base(&ops[0]))
            } else {
                p
            };
            let _ = sh.fs.set_mode(&target, mode);
        }
    }
    Ok(r)
}

/// `mv [-fn] SRC… DST`.
pub fn mv(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, ops) = match getopt(&argv[1..], "") {
        Ok(x) => x,
        Err(c) => return bad_opt(io, c),
    };
    let verbose = flags.iter().any(|f| f.0 == 'v');
    let no_clobber = flags.iter().any(|f| f.0 == 'n');
    if ops.len() < 2 {
        io.err("missing file operand");
        return Ok(1);
    }
    let _ = sh.flush_all();
    let (srcs, dst) = ops.split_at(ops.len() - 1);
    let dst = &dst[0];
    let dpath = sh.abs(dst);
    let dst_is_dir = sh.fs.stat(&dpath).is_ok_and(|s| s.is_dir());
    if srcs.len() > 1 && !dst_is_dir {
        io.err(&format!("'{dst}' is not a directory"));
        return Ok(1);
    }
    let mut st = 0;
    for s in srcs {
        sh.step()?;
        let sp = sh.abs(s);
        if sh.fs.lstat(&sp).is_err() {
            io.err(&format!("can't rename '{s}': No such file or directory"));
            st = 1;
            continue;
        }
        let target = if dst_is_dir {
            join(&dpath, &base(s))
        } else {
            dpath.clone()
        };
        if no_clobber && sh.fs.lstat(&target).is_ok() {
            continue;
        }
        if verbose {
            let shown = if dst_is_dir {
                join(dst, &base(s))
            } else {
                dst.clone()
            };
            io.print(&format!("'{s}' -> '{shown}'\n"));
        }
        match sh.fs.rename(&sp, &target, sh.now) {
            Ok(()) => {}
            Err(strata_image::Error::CrossDevice(_)) => {
                // like mv across filesystems: copy everything, then remove the source
                let o = CpOpts {
                    verbose: false,
                    rec: true,
                    preserve: true,
                    no_deref: true,
                    no_clobber: false,
                    deref_all: false,
                };
                if sh.fs.lstat(&target).is_ok_and(|t| t.is_dir()) {
                    let _ = sh.fs.remove_all(&target, sh.now);
                }
                if copy_one(sh, io, &sp, &target, s, &o, 0)? {
                    let _ = sh.fs.remove_all(&sp, sh.now);
                } else {
                    st = 1;
                }
            }
            Err(e) => {
                io.err(&format!("can't rename '{s}': {}", errno_msg(&e)));
                st = 1;
            }
        }
    }
    Ok(st)
}

/// `ln [-sfn] TARGET [LINK]` / `ln TARGET… DIR`.
pub fn ln(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, ops) = match getopt(&argv[1..], "") {
        Ok(x) => x,
        Err(c) => return bad_opt(io, c),
    };
    let has = |c: char| flags.iter().any(|f| f.0 == c);
    let (sym, force, nodehe) = (has('s'), has('f'), has('n'));
    if ops.is_empty() {
        io.err("usage: ln [-sfnbtv] [-S SUF] TARGET... LINK|DIR");
        return Ok(1);
    }
    let _ = sh.flush_all();
    let (targets, dest): (Vec<String>, String) = if ops.len() == 1 {
        (ops.clone(), ".".to_owned())
    } else {
        (ops[..ops.len() - 1].to_vec(), ops[ops.len() - 1].clone())
    };
    let dpath = sh.abs(&dest);
    let dest_dir = if nodehe {
        sh.fs.lstat(&dpath).is_ok_and(|s| s.is_dir())
    } else {
        sh.fs.stat(&dpath).is_ok_and(|s| s.is_dir())
    };
    if targets.len() > 1 && !dest_dir {
        io.err(&format!("{dest}: Not a directory"));
        return Ok(1);
    }
    let mut st = 0;
    for t in &targets {
        let link = if dest_dir {
            join(&dpath, &base(t))
        } else {
            dpath.clone()
        };
        let disp = if dest_dir {
            join(&dest, &base(t))
        } else {
            dest.clone()
        };
        if sh.fs.lstat(&link).is_ok() {
            if force {
                let _ = sh.fs.remove_file(&link, sh.now);
            } else {
                io.err(&format!("{disp}: File exists"));
                st = 1;
                continue;
            }
        }
        let r = if sym {
            let a = Attrs::new(0o777, sh.identity.uid, sh.identity.gid, sh.now);
            sh.fs.create(&link, a, NodeKind::Symlink(t.clone()))
        } else {
            let tp = sh.abs(t);
            sh.fs.link(&tp, &link, sh.now)
        };
        if let Err(e) = r {
            let msg = match &e {
                strata_image::Error::InvalidPath { reason, .. } if reason.contains("directory") => {
                    format!("{disp}: Operation not permitted")
                }
                _ => format!("{}: {}", if sym { &disp } else { t }, errno_msg(&e)),
            };
            io.err(&msg);
            st = 1;
        }
    }
    Ok(st)
}

fn walk(sh: &Shell<'_>, path: &str, out: &mut Vec<String>, depth: u32) {
    if depth > 256 || out.len() > 200_000 {
        return;
    }
    out.push(path.to_owned());
    if sh.fs.lstat(path).is_ok_and(|s| s.is_dir()) {
        for n in sh.fs.read_dir(path).unwrap_or_default() {
            walk(sh, &join(path, &n), out, depth + 1);
        }
    }
}

/// Regular files under `path` (for `grep -r`), displayed relative to `disp`.
pub fn walk_files(sh: &Shell<'_>, path: &str, disp: &str, out: &mut Vec<String>) {
    let mut all = Vec::new();
    walk(sh, path, &mut all, 0);
    for p in all {
        if sh
            .fs
            .lstat(&p)
            .is_ok_and(|s| matches!(s.kind, NodeKind::File(_)))
        {
            let rel = p.strip_prefix(path).unwrap_or(&p);
            out.push(format!("{}{}", disp.trim_end_matches('/'), rel));
        }
    }
}

/// `chmod [-R] MODE FILE…`.
pub fn chmod(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let mut rec = false;
    let mut rest = Vec::new();
    for a in &argv[1..] {
        if a == "-R" {
            rec = true;
        } else if a == "-v" || a == "-c" || a == "-f" {
        } else {
            rest.push(a.clone());
        }
    }
    if rest.len() < 2 {
        io.err("usage: chmod [-Rcvf] MODE[,MODE]... FILE...");
        return Ok(1);
    }
    let spec = rest.remove(0);
    let _ = sh.flush_all();
    let mut st = 0;
    for f in &rest {
        let p = sh.abs(f);
        let mut paths = Vec::new();
        if rec {
            walk(sh, &p, &mut paths, 0);
        } else {
            paths.push(p.clone());
        }
        for q in paths {
            sh.step()?;
            if rec
                && q != p
                && sh
                    .fs
                    .lstat(&q)
                    .is_ok_and(|s| matches!(s.kind, NodeKind::Symlink(_)))
            {
                continue;
            }
            let s = match sh.fs.stat(&q) {
                Ok(s) => s,
                Err(e) => {
                    io.err(&format!("{f}: {}", errno_msg(&e)));
                    st = 1;
                    continue;
                }
            };
            let Some(m) = parse_mode(&spec, s.attrs.mode, s.is_dir(), sh.st.umask) else {
                io.err(&format!("invalid mode '{spec}'"));
                return Ok(1);
            };
            if sh.identity.uid != 0 && s.attrs.uid != sh.identity.uid {
                io.err(&format!("{f}: Operation not permitted"));
                st = 1;
                continue;
            }
            if let Err(e) = sh.fs.set_mode(&q, m) {
                io.err(&format!("{f}: {}", errno_msg(&e)));
                st = 1;
            }
        }
    }
    Ok(st)
}

/// Resolves a user name or number.
pub(super) fn uid_of(sh: &Shell<'_>, u: &str) -> Option<(u32, Option<u32>)> {
    if let Some(r) = super::db(sh.fs, "/etc/passwd")
        .into_iter()
        .find(|r| r.first().map(String::as_str) == Some(u))
    {
        return Some((
            r.get(2)?.parse().ok()?,
            r.get(3).and_then(|g| g.parse().ok()),
        ));
    }
    u.parse().ok().map(|n| (n, None))
}

pub(super) fn gid_of(sh: &Shell<'_>, g: &str) -> Option<u32> {
    if let Some(r) = super::db(sh.fs, "/etc/group")
        .into_iter()
        .find(|r| r.first().map(String::as_str) == Some(g))
    {
        return r.get(2)?.parse().ok();
    }
    g.parse().ok()
}

/// `chown [-Rh] USER[:GROUP] FILE…`, `chgrp [-R] GROUP FILE…`.
pub fn chown(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let mut rec = false;
    let mut rest = Vec::new();
    for a in &argv[1..] {
        match a.as_str() {
            "-R" => rec = true,
            "-h" | "-v" | "-c" | "-f" | "-L" | "-H" | "-P" => {}
            _ => rest.push(a.clone()),
        }
    }
    if rest.len() < 2 {
        io.err(&format!("usage: {} [-Rh] USER[:[GRP]] FILE...", io.name));
        return Ok(1);
    }
    let spec = rest.remove(0);
    let (user, group): (Option<String>, Option<String>) = if io.name == "chgrp" {
        (None, Some(spec.clone()))
    } else {
        match spec.split_once([':', '.']) {
            Some((u, g)) => ((!u.is_empty()).then(|| u.to_owned()), Some(g.to_owned())),
            None => (Some(spec.clone()), None),
        }
    };
    let mut uid = None;
    let mut login_gid = None;
    if let Some(u) = &user {
        match uid_of(sh, u) {
            Some((n, g)) => {
                uid = Some(n);
                login_gid = g;
            }
            None => {
                io.err(&format!("unknown user {u}"));
                return Ok(1);
            }
        }
    }
    let mut gid = None;
    if let Some(g) = &group {
        if g.is_empty() {
            gid = login_gid;
        } else {
            match gid_of(sh, g) {
                Some(n) => gid = Some(n),
                None => {
                    io.err(&format!("unknown group {g}"));
                    return Ok(1);
                }
            }
        }
    }
    if sh.identity.uid != 0 {
        io.err(&format!("{}: Operation not permitted", rest[0]));
        return Ok(1);
    }
    let _ = sh.flush_all();
    let mut st = 0;
    for f in &rest {
        let p = sh.abs(f);
        let mut paths = Vec::new();
        if rec {
            walk(sh, &p, &mut paths, 0);
        } else {
            paths.push(p.clone());
        }
        for q in paths {
            sh.step()?;
            let s = match sh.fs.stat(&q) {
                Ok(s) => s,
                Err(e) => {
                    io.err(&format!("{f}: {}", errno_msg(&e)));
                    st = 1;
                    continue;
                }
            };
            let u = uid.unwrap_or(s.attrs.uid);
            let g = gid.unwrap_or(s.attrs.gid);
            if let Err(e) = sh.fs.set_owner(&q, u, g) {
                io.err(&format!("{f}: {}", errno_msg(&e)));
                st = 1;
            }
        }
    }
    Ok(st)
}

fn file_type(s: &Stat) -> &'static str {
    match s.kind {
        NodeKind::File(_) if s.size() == 0 => "regular empty file",
        NodeKind::File(_) => "regular file",
        NodeKind::Dir => "directory",
        NodeKind::Symlink(_) => "symbolic link",
        NodeKind::Fifo => "fifo",
        NodeKind::CharDevice { .. } => "character special file",
        NodeKind::BlockDevice { .. } => "block special file",
    }
}

fn stat_time(t: Timestamp) -> String {
    let (y, mo, d, h, mi, s, _, _) = super::sys::tm(t.secs);
    format!(
        "{y}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{:09} +0000",
        t.nanos
    )
}

/// `stat [-L] [-c FORMAT] FILE…`.
pub fn stat(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, ops) = match getopt(&argv[1..], "c") {
        Ok(x) => x,
        Err(c) => return bad_opt(io, c),
    };
    let follow = flags.iter().any(|f| f.0 == 'L');
    let fmt = flags.iter().find(|f| f.0 == 'c').and_then(|f| f.1.clone());
    let _ = sh.flush_all();
    let mut st = 0;
    for f in &ops {
        let p = sh.abs(f);
        let s = if follow {
            sh.fs.stat(&p)
        } else {
            sh.fs.lstat(&p)
        };
        let s = match s {
            Ok(s) => s,
            Err(e) => {
                io.err(&format!("can't stat '{f}': {}", errno_msg(&e)));
                st = 1;
                continue;
            }
        };
        let uname = super::user_name_as(sh, s.attrs.uid).unwrap_or_else(|| "UNKNOWN".to_owned());
        let gname = super::group_name_as(sh, s.attrs.gid).unwrap_or_else(|| "UNKNOWN".to_owned());
        let nl = nlink(sh, &p, &s);
        let size = shown_size(&s);
        let blocks = blocks_k(&s) * 2;
        let raw_mode = s.attrs.mode
            | match s.kind {
                NodeKind::File(_) => 0o100000,
                NodeKind::Dir => 0o040000,
                NodeKind::Symlink(_) => 0o120000,
                NodeKind::Fifo => 0o010000,
                NodeKind::CharDevice { .. } => 0o020000,
                NodeKind::BlockDevice { .. } => 0o060000,
            };
        match &fmt {
            Some(fmt) => {
                let mut out = String::new();
                let mut cs = fmt.chars();
                while let Some(c) = cs.next() {
                    if c == '\\' {
                        match cs.next() {
                            Some('n') => out.push('\n'),
                            Some('t') => out.push('\t'),
                            Some(o) => {
                                out.push('\\');
                                out.push(o);
                            }
                            None => out.push('\\'),
                        }
                        continue;
                    }
                    if c != '%' {
                        out.push(c);
                        continue;
                    }
                    let Some(n) = cs.next() else {
                        out.push('%');
                        break;
                    };
                    let piece = match n {
                        'n' => f.clone(),
                        'N' => match &s.kind {
                            NodeKind::Symlink(t) => format!("'{f}' -> '{t}'"),
                            _ => f.clone(),
                        },
                        's' => size.to_string(),
                        'a' => format!("{:o}", s.attrs.mode),
                        'A' => mode_string(&s),
                        'U' => uname.clone(),
                        'G' => gname.clone(),
                        'u' => s.attrs.uid.to_string(),
                        'g' => s.attrs.gid.to_string(),
                        'F' => file_type(&s).to_owned(),
                        'h' => nl.to_string(),
                        'i' => s.ident.to_string(),
                        'Y' | 'X' | 'Z' => s.attrs.mtime.secs.to_string(),
                        'y' | 'x' | 'z' => stat_time(s.attrs.mtime),
                        'b' => blocks.to_string(),
                        'B' => "512".to_owned(),
                        'o' => "4096".to_owned(),
                        'f' => format!("{raw_mode:x}"),
                        'd' => "65024".to_owned(),
                        'D' => "fe00".to_owned(),
                        't' | 'T' => "0".to_owned(),
                        'w' | 'W' => "-".to_owned(),
                        '%' => "%".to_owned(),
                        o => format!("?{o}"),
                    };
                    out.push_str(&piece);
                }
                out.push('\n');
                io.print(&out);
            }
            None => {
                let name = match &s.kind {
                    NodeKind::Symlink(t) => format!("'{f}' -> '{t}'"),
                    _ => f.clone(),
                };
                io.print(&format!("  File: {name}\n"));
                io.print(&format!(
                    "  Size: {size:<10}\tBlocks: {blocks:<10} IO Block: 4096   {}\n",
                    file_type(&s)
                ));
                io.print(&format!(
                    "Device: fe00h/65024d\tInode: {:<11} Links: {nl}\n",
                    s.ident
                ));
                io.print(&format!(
                    "Access: ({:04o}/{})  Uid: ({:5}/{:>8})   Gid: ({:5}/{:>8})\n",
                    s.attrs.mode,
                    mode_string(&s),
                    s.attrs.uid,
                    uname,
                    s.attrs.gid,
                    gname
                ));
                let t = stat_time(s.attrs.mtime);
                io.print(&format!("Access: {t}\nModify: {t}\nChange: {t}\n"));
            }
        }
    }
    Ok(st)
}

/// `readlink [-f] FILE`.
pub fn readlink(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, ops) = match getopt(&argv[1..], "") {
        Ok(x) => x,
        Err(c) => return bad_opt(io, c),
    };
    let canon = flags.iter().any(|f| f.0 == 'f' || f.0 == 'e' || f.0 == 'm');
    let mut st = 0;
    for f in &ops {
        let p = sh.abs(f);
        if canon {
            match canonical_allow_last_missing(sh, &p) {
                Some(r) => io.print(&format!("{r}\n")),
                None => st = 1,
            }
        } else {
            match sh.fs.read_link(&p) {
                Ok(t) => io.print(&format!("{t}\n")),
                Err(_) => st = 1,
            }
        }
    }
    Ok(st)
}

fn canonical_allow_last_missing(sh: &Shell<'_>, p: &str) -> Option<String> {
    if let Some(r) = super::realpath(sh.fs, p) {
        return Some(r);
    }
    let parent = parent_of(p);
    let r = super::realpath(sh.fs, &parent)?;
    if !sh.fs.stat(&r).is_ok_and(|s| s.is_dir()) {
        return None;
    }
    Some(join(&r, &base(p)))
}

/// `realpath FILE…`.
pub fn realpath_applet(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let mut st = 0;
    for f in argv[1..].iter().filter(|a| !a.starts_with('-')) {
        let p = sh.abs(f);
        match canonical_allow_last_missing(sh, &p) {
            Some(r) => io.print(&format!("{r}\n")),
            None => {
                io.err(&format!("{f}: No such file or directory"));
                st = 1;
            }
        }
    }
    Ok(st)
}

fn du_size(
    sh: &mut Shell<'_>,
    io: &mut Io,
    path: &str,
    disp: &str,
    o: (bool, bool, bool),
    depth: u32,
) -> Result<u64, Ctl> {
    let (summary, all, hum) = o;
    sh.step()?;
    let Ok(s) = sh.fs.lstat(path) else {
        return Ok(0);
    };
    let mut total = blocks_k(&s);
    if s.is_dir() && depth < 256 {
        for n in sh.fs.read_dir(path).unwrap_or_default() {
            total += du_size(sh, io, &join(path, &n), &join(disp, &n), o, depth + 1)?;
        }
        {
            {
                let v = if hum {
                    human(total as f64)
                } else {
                    total.to_string()
                };
                if !summary || depth == 0 {
                    io.print(&format!("{v}\t{disp}\n"));
                }
            }
        }
    } else if depth == 0 || (all && !summary) {
        let v = if hum {
            human(total as f64)
        } else {
            total.to_string()
        };
        io.print(&format!("{v}\t{disp}\n"));
    }
    Ok(total)
}

/// `du [-s] [-h] [-k] [-a] [-c] [FILE…]`.
pub fn du(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, mut ops) = match getopt(&argv[1..], "d") {
        Ok(x) => x,
        Err(c) => return bad_opt(io, c),
    };
    let has = |c: char| flags.iter().any(|f| f.0 == c);
    if ops.is_empty() {
        ops.push(".".to_owned());
    }
    let _ = sh.flush_all();
    let mut st = 0;
    let mut grand = 0;
    for f in &ops {
        let p = sh.abs(f);
        if sh.fs.lstat(&p).is_err() {
            io.err(&format!("{f}: No such file or directory"));
            st = 1;
            continue;
        }
        grand += du_size(sh, io, &p, f, (has('s'), has('a'), has('h')), 0)?;
    }
    if has('c') {
        let v = if has('h') {
            human(grand as f64)
        } else {
            grand.to_string()
        };
        io.print(&format!("{v}\ttotal\n"));
    }
    Ok(st)
}

/// `mkfifo [-m MODE] NAME…` (and `mknod NAME p`).
pub fn mkfifo(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, ops) = match getopt(&argv[1..], "m") {
        Ok(x) => x,
        Err(c) => return bad_opt(io, c),
    };
    let mode = flags
        .iter()
        .find(|f| f.0 == 'm')
        .and_then(|f| f.1.as_deref())
        .and_then(|m| parse_mode(m, 0o666, false, 0));
    let ops: Vec<String> = if io.name == "mknod" {
        if ops.get(1).map(String::as_str) != Some("p") {
            sh.notes.push(crate::exec::Note::Unsupported {
                command: argv.join(" "),
                detail: "device nodes cannot be created in a build".to_owned(),
            });
            io.err("Operation not permitted");
            return Ok(1);
        }
        ops[..1].to_vec()
    } else {
        ops
    };
    let mut st = 0;
    for f in &ops {
        let p = sh.abs(f);
        let mut a = sh.new_file_attrs();
        if let Some(m) = mode {
            a.mode = m;
        }
        if let Err(e) = sh.fs.create(&p, a, NodeKind::Fifo) {
            io.err(&format!("{f}: {}", errno_msg(&e)));
            st = 1;
        }
    }
    Ok(st)
}

/// `mktemp [-d] [TEMPLATE]`: names are derived from the run's time, so runs are reproducible.
pub fn mktemp(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let dir = argv.iter().any(|a| a == "-d");
    let tmpl = argv[1..]
        .iter()
        .find(|a| !a.starts_with('-'))
        .cloned()
        .unwrap_or_else(|| "/tmp/tmp.XXXXXX".to_owned());
    let tmpl = if tmpl.contains('/') {
        tmpl
    } else {
        format!("/tmp/{tmpl}")
    };
    let xs = tmpl.chars().rev().take_while(|&c| c == 'X').count();
    let stem = &tmpl[..tmpl.len() - xs];
    const CH: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut seed = (sh.now.secs as u64) ^ 0x9e37_79b9_7f4a_7c15 ^ (sh.budget.steps << 17);
    for _ in 0..100 {
        let mut name = stem.to_owned();
        for _ in 0..xs {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            name.push(CH[(seed >> 33) as usize % CH.len()] as char);
        }
        let p = sh.abs(&name);
        if sh.fs.lstat(&p).is_ok() {
            continue;
        }
        let r = if dir {
            sh.fs.mkdir(
                &p,
                Attrs::new(0o700, sh.identity.uid, sh.identity.gid, sh.now),
            )
        } else {
            sh.fs.write(
                &p,
                Content::empty(),
                Attrs::new(0o600, sh.identity.uid, sh.identity.gid, sh.now),
                sh.now,
            )
        };
        return match r {
            Ok(()) => {
                io.print(&format!("{name}\n"));
                Ok(0)
            }
            Err(e) => {
                io.err(errno_msg(&e));
                Ok(1)
            }
        };
    }
    Ok(1)
}

/// `truncate -s SIZE FILE…`.
pub fn truncate(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, ops) = match getopt(&argv[1..], "s") {
        Ok(x) => x,
        Err(c) => return bad_opt(io, c),
    };
    let Some(size) = flags
        .iter()
        .find(|f| f.0 == 's')
        .and_then(|f| f.1.as_deref()?.parse::<u64>().ok())
    else {
        io.err("usage: truncate -s SIZE FILE...");
        return Ok(1);
    };
    for f in &ops {
        let p = sh.abs(f);
        let mut data = sh
            .fs
            .read(&p)
            .map(|c| c.bytes().into_owned())
            .unwrap_or_default();
        let cap = usize::try_from(sh.budget.limits.max_bytes_written).unwrap_or(usize::MAX);
        if usize::try_from(size).map_or(true, |s| s > cap) {
            return Err(sh.limit(crate::exec::Limit::BytesWritten));
        }
        data.resize(usize::try_from(size).unwrap_or(0), 0);
        sh.budget
            .write(data.len() as u64)
            .map_err(|l| sh.limit(l))?;
        let a = sh.new_file_attrs();
        let _ = sh.fs.write(&p, Content::from_bytes(data), a, sh.now);
    }
    Ok(0)
}

/// `link FILE LINK`: one hard link, no options.
pub fn link(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let [_, file, name] = argv else {
        io.usage("Usage: link FILE LINK\n\nCreate hard LINK to FILE");
        return Ok(1);
    };
    let _ = sh.flush_all();
    let (from, to) = (sh.abs(file), sh.abs(name));
    let r = if sh.fs.lstat(&to).is_ok() {
        Err(strata_image::Error::AlreadyExists(to.clone()))
    } else {
        sh.fs.link(&from, &to, sh.now)
    };
    if let Err(e) = r {
        io.err(&format!(
            "can't create hardlink '{name}' to '{file}': {}",
            errno_msg(&e)
        ));
        return Ok(1);
    }
    Ok(0)
}
