//! `find PATH… EXPRESSION`: the expression parser (tests, actions, `!`, `-a`, `-o`, parentheses) and the
//! walk that evaluates it, as busybox's `find` does.

use strata_image::{NodeKind, Stat, Timestamp};

use super::fs::{base, gid_of, join, parse_mode, uid_of};
use super::{errno_msg, Io};
use crate::shell::fnmatch;
use crate::shell::interp::{Ctl, Shell};

type R = Result<i32, Ctl>;

/// A `find` expression.
enum FExpr {
    True,
    Name(Vec<fnmatch::PChar>, bool),
    Path(Vec<fnmatch::PChar>),
    Type(char),
    Empty,
    Newer(Timestamp),
    Perm(u32, char),
    User(u32),
    Group(u32),
    Size(i64, char, u64),
    /// `-mtime`/`-mmin`: sign, count, unit in seconds, now.
    Age(i64, i64, i64, i64),
    Print(bool),
    Delete,
    Prune,
    Exec(Vec<String>, bool),
    Not(Box<FExpr>),
    And(Box<FExpr>, Box<FExpr>),
    Or(Box<FExpr>, Box<FExpr>),
}

struct FParse<'a> {
    a: &'a [String],
    i: usize,
    has_action: bool,
    depth: u32,
}

impl FParse<'_> {
    fn or(&mut self, sh: &Shell<'_>) -> Result<FExpr, String> {
        self.depth += 1;
        if self.depth > 100 {
            return Err("expression too deep".to_owned());
        }
        let mut l = self.and(sh)?;
        while matches!(self.a.get(self.i).map(String::as_str), Some("-o" | "-or")) {
            self.i += 1;
            let r = self.and(sh)?;
            l = FExpr::Or(Box::new(l), Box::new(r));
        }
        self.depth -= 1;
        Ok(l)
    }
    fn and(&mut self, sh: &Shell<'_>) -> Result<FExpr, String> {
        let mut l = self.not(sh)?;
        loop {
            match self.a.get(self.i).map(String::as_str) {
                None | Some("-o" | "-or" | ")") => return Ok(l),
                Some("-a" | "-and") => self.i += 1,
                _ => {}
            }
            let r = self.not(sh)?;
            l = FExpr::And(Box::new(l), Box::new(r));
        }
    }
    fn not(&mut self, sh: &Shell<'_>) -> Result<FExpr, String> {
        if matches!(self.a.get(self.i).map(String::as_str), Some("!" | "-not")) {
            self.i += 1;
            return Ok(FExpr::Not(Box::new(self.not(sh)?)));
        }
        self.prim(sh)
    }
    fn arg(&mut self, what: &str) -> Result<String, String> {
        self.i += 1;
        self.a
            .get(self.i)
            .cloned()
            .ok_or_else(|| format!("{what}: requires an argument"))
    }
    fn prim(&mut self, sh: &Shell<'_>) -> Result<FExpr, String> {
        let Some(t) = self.a.get(self.i).cloned() else {
            return Err("invalid expression".to_owned());
        };
        let e = match t.as_str() {
            "(" => {
                self.i += 1;
                let e = self.or(sh)?;
                if self.a.get(self.i).map(String::as_str) != Some(")") {
                    return Err("missing )".to_owned());
                }
                e
            }
            "-name" | "-iname" => {
                let p = self.arg(&t)?;
                FExpr::Name(fnmatch::from_str(&p), t == "-iname")
            }
            "-path" | "-wholename" => FExpr::Path(fnmatch::from_str(&self.arg(&t)?)),
            "-type" => FExpr::Type(self.arg(&t)?.chars().next().unwrap_or('f')),
            "-empty" => FExpr::Empty,
            "-newer" => {
                let f = self.arg(&t)?;
                match sh.fs.stat(&sh.abs(&f)) {
                    Ok(s) => FExpr::Newer(s.attrs.mtime),
                    Err(_) => return Err(format!("{f}: No such file or directory")),
                }
            }
            "-perm" => {
                let p = self.arg(&t)?;
                let (kind, m) = match p.chars().next() {
                    Some(c @ ('-' | '/')) => (c, &p[1..]),
                    _ => ('=', p.as_str()),
                };
                FExpr::Perm(
                    parse_mode(m, 0, false, 0).ok_or_else(|| format!("invalid mode '{p}'"))?,
                    kind,
                )
            }
            "-user" => {
                let u = self.arg(&t)?;
                FExpr::User(
                    uid_of(sh, &u)
                        .map(|x| x.0)
                        .ok_or_else(|| format!("unknown user '{u}'"))?,
                )
            }
            "-group" => {
                let g = self.arg(&t)?;
                FExpr::Group(gid_of(sh, &g).ok_or_else(|| format!("unknown group '{g}'"))?)
            }
            "-size" => {
                let s = self.arg(&t)?;
                let (sign, body) = match s.chars().next() {
                    Some(c @ ('+' | '-')) => (if c == '+' { 1 } else { -1 }, &s[1..]),
                    _ => (0, s.as_str()),
                };
                let unit = body
                    .chars()
                    .last()
                    .filter(|c| c.is_alphabetic())
                    .unwrap_or('b');
                let n: u64 = body
                    .trim_end_matches(|c: char| c.is_alphabetic())
                    .parse()
                    .map_err(|_| format!("invalid argument '{s}' to '-size'"))?;
                FExpr::Size(sign, unit, n)
            }
            "-print" => {
                self.has_action = true;
                FExpr::Print(false)
            }
            "-print0" => {
                self.has_action = true;
                FExpr::Print(true)
            }
            "-delete" => {
                self.has_action = true;
                FExpr::Delete
            }
            "-prune" => FExpr::Prune,
            "-exec" | "-ok" => {
                self.has_action = true;
                let mut cmd = Vec::new();
                let mut plus = false;
                loop {
                    self.i += 1;
                    match self.a.get(self.i).map(String::as_str) {
                        None => return Err("-exec CMD must end by ';' or '+'".to_owned()),
                        Some(";") => break,
                        Some("+") if cmd.last().map(String::as_str) == Some("{}") => {
                            plus = true;
                            break;
                        }
                        Some(x) => cmd.push(x.to_owned()),
                    }
                }
                FExpr::Exec(cmd, plus)
            }
            "-maxdepth" | "-mindepth" => {
                self.i += 1;
                FExpr::True
            }
            "-depth" | "-xdev" | "-follow" | "-noleaf" => FExpr::True,
            "-mtime" | "-mmin" | "-atime" | "-ctime" | "-amin" | "-cmin" => {
                let v = self.arg(&t)?;
                let (sign, body) = match v.chars().next() {
                    Some(c @ ('+' | '-')) => (if c == '+' { 1 } else { -1 }, &v[1..]),
                    _ => (0, v.as_str()),
                };
                let n: i64 = body
                    .parse()
                    .map_err(|_| format!("invalid argument '{v}' to '{t}'"))?;
                let unit = if t.ends_with("min") { 60 } else { 86400 };
                FExpr::Age(sign, n, unit, sh.now.secs)
            }
            "-true" => FExpr::True,
            "-false" => FExpr::Not(Box::new(FExpr::True)),
            o => return Err(format!("unrecognized: {o}")),
        };
        self.i += 1;
        Ok(e)
    }
}

struct FCtx {
    out: Vec<u8>,
    err: Vec<u8>,
    status: i32,
    pending: Vec<(Vec<String>, Vec<String>)>,
    prune: bool,
}

fn feval(
    sh: &mut Shell<'_>,
    e: &FExpr,
    disp: &str,
    path: &str,
    s: &Stat,
    cx: &mut FCtx,
) -> Result<bool, Ctl> {
    Ok(match e {
        FExpr::True => true,
        FExpr::Name(p, icase) => {
            let b = base(disp);
            if *icase {
                let lp: Vec<fnmatch::PChar> = p
                    .iter()
                    .map(|(c, q)| (c.to_ascii_lowercase(), *q))
                    .collect();
                fnmatch::matches(&lp, &b.to_lowercase().chars().collect::<Vec<_>>())
            } else {
                fnmatch::matches(p, &b.chars().collect::<Vec<_>>())
            }
        }
        FExpr::Path(p) => fnmatch::matches(p, &disp.chars().collect::<Vec<_>>()),
        FExpr::Type(t) => matches!(
            (t, &s.kind),
            ('f', NodeKind::File(_))
                | ('d', NodeKind::Dir)
                | ('l', NodeKind::Symlink(_))
                | ('p', NodeKind::Fifo)
                | ('c', NodeKind::CharDevice { .. })
                | ('b', NodeKind::BlockDevice { .. })
        ),
        FExpr::Empty => match s.kind {
            NodeKind::File(_) => s.size() == 0,
            NodeKind::Dir => sh.fs.read_dir(path).map(|v| v.is_empty()).unwrap_or(false),
            _ => false,
        },
        FExpr::Newer(t) => s.attrs.mtime > *t,
        FExpr::Perm(m, kind) => match kind {
            '-' => s.attrs.mode & m == *m,
            '/' => s.attrs.mode & m != 0 || *m == 0,
            _ => s.attrs.mode & 0o7777 == *m,
        },
        FExpr::User(u) => s.attrs.uid == *u,
        FExpr::Group(g) => s.attrs.gid == *g,
        FExpr::Size(sign, unit, n) => {
            let unit_b: u64 = match unit {
                'c' => 1,
                'k' => 1024,
                'M' => 1 << 20,
                'G' => 1 << 30,
                'w' => 2,
                _ => 512,
            };
            let v = if unit_b == 1 {
                s.size()
            } else {
                s.size() / unit_b
            };
            match sign {
                1 => v > *n,
                -1 => v < *n,
                _ => v == *n,
            }
        }
        FExpr::Age(sign, n, unit, now) => {
            let age = (now - s.attrs.mtime.secs).div_euclid(*unit);
            match sign {
                1 => age > *n,
                -1 => age < *n,
                _ => age == *n,
            }
        }
        FExpr::Print(z) => {
            cx.out.extend_from_slice(disp.as_bytes());
            cx.out.push(if *z { 0 } else { b'\n' });
            true
        }
        FExpr::Delete => {
            let r = if s.is_dir() {
                sh.fs.remove_dir(path, sh.now)
            } else {
                sh.fs.remove_file(path, sh.now)
            };
            if let Err(e) = r {
                cx.err
                    .extend_from_slice(format!("find: {disp}: {}\n", errno_msg(&e)).as_bytes());
                cx.status = 1;
                false
            } else {
                true
            }
        }
        FExpr::Prune => {
            cx.prune = true;
            true
        }
        FExpr::Exec(cmd, plus) => {
            if *plus {
                let base_cmd: Vec<String> = cmd[..cmd.len() - 1].to_vec();
                match cx.pending.iter_mut().find(|(c, _)| *c == base_cmd) {
                    Some((_, args)) => args.push(disp.to_owned()),
                    None => cx.pending.push((base_cmd, vec![disp.to_owned()])),
                }
                true
            } else {
                let argv: Vec<String> = cmd.iter().map(|a| a.replace("{}", disp)).collect();
                if argv.is_empty() {
                    return Ok(false);
                }
                let (st, out, err) = sh.run_captured(&argv, Vec::new())?;
                cx.out.extend(out);
                cx.err.extend(err);
                st == 0
            }
        }
        FExpr::Not(x) => !feval(sh, x, disp, path, s, cx)?,
        FExpr::And(a, b) => feval(sh, a, disp, path, s, cx)? && feval(sh, b, disp, path, s, cx)?,
        FExpr::Or(a, b) => feval(sh, a, disp, path, s, cx)? || feval(sh, b, disp, path, s, cx)?,
    })
}

/// `find [PATH…] [EXPRESSION]`.
pub fn find(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let args = &argv[1..];
    let mut k = 0;
    let mut follow = false;
    while k < args.len() && (args[k] == "-L" || args[k] == "-H" || args[k] == "-P") {
        follow = args[k] == "-L";
        k += 1;
    }
    let mut roots = Vec::new();
    while k < args.len() && !(args[k].starts_with('-') || args[k] == "!" || args[k] == "(") {
        roots.push(args[k].clone());
        k += 1;
    }
    if roots.is_empty() {
        roots.push(".".to_owned());
    }
    let expr_args = &args[k..];
    let mut maxdepth = u32::MAX;
    let mut mindepth = 0u32;
    let mut depth_first = false;
    for (i, a) in expr_args.iter().enumerate() {
        match a.as_str() {
            "-maxdepth" => {
                maxdepth = expr_args
                    .get(i + 1)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(u32::MAX)
            }
            "-mindepth" => {
                mindepth = expr_args
                    .get(i + 1)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0)
            }
            "-depth" | "-delete" => depth_first = true,
            _ => {}
        }
    }
    let mut p = FParse {
        a: expr_args,
        i: 0,
        has_action: false,
        depth: 0,
    };
    let expr = if expr_args.is_empty() {
        FExpr::True
    } else {
        match p.or(sh) {
            Ok(e) if p.i >= expr_args.len() => e,
            Ok(_) => {
                io.err(&format!(
                    "unrecognized: {}",
                    expr_args.get(p.i).cloned().unwrap_or_default()
                ));
                return Ok(1);
            }
            Err(e) => {
                io.err(&e);
                return Ok(1);
            }
        }
    };
    let expr = if p.has_action {
        expr
    } else {
        FExpr::And(Box::new(expr), Box::new(FExpr::Print(false)))
    };
    let _ = sh.flush_all();
    let mut cx = FCtx {
        out: Vec::new(),
        err: Vec::new(),
        status: 0,
        pending: Vec::new(),
        prune: false,
    };
    for r in &roots {
        let rp = sh.abs(r);
        if sh.fs.lstat(&rp).is_err() {
            io.err(&format!("{r}: No such file or directory"));
            cx.status = 1;
            continue;
        }
        // (display, path, depth, visited-children)
        let mut stack: Vec<(String, String, u32, bool)> = vec![(r.clone(), rp, 0, false)];
        let mut count = 0u64;
        while let Some((disp, path, depth, expanded)) = stack.pop() {
            count += 1;
            if count.is_multiple_of(64) {
                sh.step()?;
            }
            if count > 1_000_000 {
                break;
            }
            let s = if follow || depth == 0 {
                sh.fs.stat(&path).or_else(|_| sh.fs.lstat(&path))
            } else {
                sh.fs.lstat(&path)
            };
            let Ok(s) = s else { continue };
            if depth_first && s.is_dir() && !expanded && depth < maxdepth {
                stack.push((disp.clone(), path.clone(), depth, true));
                let names = sh.fs.read_dir(&path).unwrap_or_default();
                for n in names.iter().rev() {
                    stack.push((join(&disp, n), join(&path, n), depth + 1, false));
                }
                continue;
            }
            cx.prune = false;
            if depth >= mindepth {
                feval(sh, &expr, &disp, &path, &s, &mut cx)?;
            }
            if !depth_first && s.is_dir() && depth < maxdepth && !cx.prune {
                let names = sh.fs.read_dir(&path).unwrap_or_default();
                for n in names.iter().rev() {
                    stack.push((join(&disp, n), join(&path, n), depth + 1, false));
                }
            }
        }
    }
    let pending = std::mem::take(&mut cx.pending);
    for (cmd, files) in pending {
        let mut argv: Vec<String> = cmd;
        argv.extend(files);
        let (st, out, err) = sh.run_captured(&argv, Vec::new())?;
        cx.out.extend(out);
        cx.err.extend(err);
        if st != 0 {
            cx.status = 1;
        }
    }
    io.out.extend(cx.out);
    io.err.extend(cx.err);
    Ok(cx.status)
}
