//! System applets: test, id, date, uname, which, adduser/addgroup, xargs and friends (`env` is in [`super::env`]).

use strata_image::{Content, Timestamp};

use super::{db, getopt, lines, Io};
use crate::shell::interp::{Ctl, Shell};

type R = Result<i32, Ctl>;

/// `true`.
pub fn true_(_sh: &mut Shell<'_>, _argv: &[String], _io: &mut Io) -> R {
    Ok(0)
}

/// `false`.
pub fn false_(_sh: &mut Shell<'_>, _argv: &[String], _io: &mut Io) -> R {
    Ok(1)
}

/// `sleep N` (no wall time passes in the simulator).
pub fn sleep(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    if argv.len() < 2 {
        io.err(&format!("usage: {} N", io.name));
        return Ok(1);
    }
    let mut ms: u64 = 0;
    for a in &argv[1..] {
        let d = if io.name == "usleep" {
            a.parse::<u64>().ok().map(|us| us / 1000)
        } else {
            duration_ms(a)
        };
        match d {
            Some(d) => ms = ms.saturating_add(d),
            None => {
                io.err(&format!("invalid number '{a}'"));
                return Ok(1);
            }
        }
    }
    sh.advance(ms)?;
    Ok(0)
}

/// A busybox `sleep`/`timeout` duration in milliseconds: `5`, `0.5`, `2m`, `1h`, `1d`, `infinity`.
pub fn duration_ms(a: &str) -> Option<u64> {
    if a == "infinity" || a == "inf" {
        return Some(u64::MAX / 4);
    }
    let (num, mult) = match a.as_bytes().last()? {
        b's' => (&a[..a.len() - 1], 1.0),
        b'm' => (&a[..a.len() - 1], 60.0),
        b'h' => (&a[..a.len() - 1], 3600.0),
        b'd' => (&a[..a.len() - 1], 86400.0),
        _ => (a, 1.0),
    };
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let v: f64 = num.parse().ok()?;
    let ms = v * mult * 1000.0;
    (ms.is_finite() && ms >= 0.0).then(|| ms.min((u64::MAX / 4) as f64) as u64)
}

/// `pwd`.
pub fn pwd(sh: &mut Shell<'_>, _argv: &[String], io: &mut Io) -> R {
    io.print(&format!("{}\n", sh.st.cwd));
    Ok(0)
}

/// `test` / `[`.
pub fn test(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let mut args: Vec<String> = argv[1..].to_vec();
    if argv[0] == "[" || argv[0].ends_with("/[") || io.name == "[" {
        if args.last().map(String::as_str) != Some("]") {
            io.err_as_sh("missing ]");
            return Ok(2);
        }
        args.pop();
    }
    if io.name == "[[" && args.last().map(String::as_str) == Some("]]") {
        args.pop();
    }
    let _ = sh.flush_all();
    let double = io.name == "[[";
    let mut t = Test {
        sh,
        a: &args,
        i: 0,
        depth: 0,
        double,
    };
    let r = t.or();
    match r {
        Ok(v) if t.i == args.len() => Ok(i32::from(!v)),
        Ok(_) => {
            let extra = args.get(t.i).cloned().unwrap_or_default();
            io.err_as_sh(&format!("{extra}: unknown operand"));
            Ok(2)
        }
        Err(e) => {
            io.err_as_sh(&e);
            Ok(2)
        }
    }
}

struct Test<'s, 'a, 'b> {
    sh: &'s mut Shell<'a>,
    a: &'b [String],
    i: usize,
    depth: u32,
    /// `[[ … ]]`: `==` matches a pattern.
    double: bool,
}

impl Test<'_, '_, '_> {
    fn peek(&self) -> Option<&str> {
        self.a.get(self.i).map(String::as_str)
    }
    fn or(&mut self) -> Result<bool, String> {
        self.depth += 1;
        if self.depth > 100 {
            return Err("expression too deep".to_owned());
        }
        let mut v = self.and()?;
        while self.peek() == Some("-o") {
            self.i += 1;
            let r = self.and()?;
            v = v || r;
        }
        self.depth -= 1;
        Ok(v)
    }
    fn and(&mut self) -> Result<bool, String> {
        let mut v = self.not()?;
        while self.peek() == Some("-a") {
            self.i += 1;
            let r = self.not()?;
            v = v && r;
        }
        Ok(v)
    }
    fn not(&mut self) -> Result<bool, String> {
        if self.peek() == Some("!") && self.a.len() - self.i > 1 {
            self.i += 1;
            return Ok(!self.not()?);
        }
        self.prim()
    }
    fn int(&self, s: &str) -> Result<i64, String> {
        s.trim()
            .parse::<i64>()
            .map_err(|_| format!("{s}: bad number"))
    }
    fn prim(&mut self) -> Result<bool, String> {
        let rem = self.a.len() - self.i;
        let Some(t) = self.peek().map(str::to_owned) else {
            return Ok(false);
        };
        if t == "(" && rem >= 3 {
            self.i += 1;
            let v = self.or()?;
            if self.peek() != Some(")") {
                return Err("missing )".to_owned());
            }
            self.i += 1;
            return Ok(v);
        }
        // binary?
        if rem >= 3 {
            let op = self.a[self.i + 1].clone();
            let bin = matches!(
                op.as_str(),
                "=" | "=="
                    | "!="
                    | "-eq"
                    | "-ne"
                    | "-lt"
                    | "-le"
                    | "-gt"
                    | "-ge"
                    | "-nt"
                    | "-ot"
                    | "-ef"
                    | "<"
                    | ">"
            );
            if bin {
                let rhs = self.a[self.i + 2].clone();
                self.i += 3;
                return self.binary(&t, &op, &rhs);
            }
        }
        if t.len() == 2 && t.starts_with('-') && rem >= 2 && t != "-a" && t != "-o" {
            let arg = self.a[self.i + 1].clone();
            self.i += 2;
            return self.unary(&t, &arg);
        }
        if rem == 2 && t.starts_with('-') && t.len() == 2 {
            let arg = self.a[self.i + 1].clone();
            self.i += 2;
            return self.unary(&t, &arg);
        }
        if rem >= 2 {
            let op = self.a[self.i + 1].clone();
            if matches!(
                op.as_str(),
                "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge" | "=" | "!="
            ) && rem == 2
            {
                return Err(format!("{op}: argument expected"));
            }
        }
        self.i += 1;
        Ok(!t.is_empty())
    }
    fn binary(&mut self, l: &str, op: &str, r: &str) -> Result<bool, String> {
        Ok(match op {
            "=" | "==" | "!=" if self.double => {
                let m = crate::shell::fnmatch::matches(
                    &crate::shell::fnmatch::from_str(r),
                    &l.chars().collect::<Vec<_>>(),
                );
                m == (op != "!=")
            }
            "=" | "==" => l == r,
            "!=" => l != r,
            "<" => l < r,
            ">" => l > r,
            "-eq" => self.int(l)? == self.int(r)?,
            "-ne" => self.int(l)? != self.int(r)?,
            "-lt" => self.int(l)? < self.int(r)?,
            "-le" => self.int(l)? <= self.int(r)?,
            "-gt" => self.int(l)? > self.int(r)?,
            "-ge" => self.int(l)? >= self.int(r)?,
            "-nt" | "-ot" => {
                let a = self.sh.fs.stat(&self.sh.abs(l)).map(|s| s.attrs.mtime);
                let b = self.sh.fs.stat(&self.sh.abs(r)).map(|s| s.attrs.mtime);
                match (a, b) {
                    (Ok(a), Ok(b)) => {
                        if op == "-nt" {
                            a > b
                        } else {
                            a < b
                        }
                    }
                    _ => false,
                }
            }
            _ => {
                let a = self.sh.fs.stat(&self.sh.abs(l));
                let b = self.sh.fs.stat(&self.sh.abs(r));
                matches!((a, b), (Ok(a), Ok(b)) if a.ident == b.ident)
            }
        })
    }
    fn unary(&mut self, op: &str, arg: &str) -> Result<bool, String> {
        use strata_image::NodeKind;
        let path = self.sh.abs(arg);
        let dev_null = crate::shell::interp::is_dev_null(&path);
        let st = if arg.is_empty() {
            None
        } else {
            self.sh.fs.stat(&path).ok()
        };
        let lst = if arg.is_empty() {
            None
        } else {
            self.sh.fs.lstat(&path).ok()
        };
        Ok(match op {
            "-z" => arg.is_empty(),
            "-n" => !arg.is_empty(),
            "-e" => st.is_some() || dev_null,
            "-f" => st
                .as_ref()
                .is_some_and(|s| matches!(s.kind, NodeKind::File(_))),
            "-d" => st.as_ref().is_some_and(|s| s.is_dir()),
            "-L" | "-h" => lst
                .as_ref()
                .is_some_and(|s| matches!(s.kind, NodeKind::Symlink(_))),
            "-p" => st.as_ref().is_some_and(|s| s.kind == NodeKind::Fifo),
            "-c" => {
                dev_null
                    || st
                        .as_ref()
                        .is_some_and(|s| matches!(s.kind, NodeKind::CharDevice { .. }))
            }
            "-b" => st
                .as_ref()
                .is_some_and(|s| matches!(s.kind, NodeKind::BlockDevice { .. })),
            "-S" => false,
            "-s" => st.as_ref().is_some_and(|s| s.size() > 0 || s.is_dir()),
            "-r" => dev_null || st.as_ref().is_some_and(|s| super::may(self.sh, s, 4)),
            "-w" => dev_null || st.as_ref().is_some_and(|s| super::may(self.sh, s, 2)),
            "-x" => st.as_ref().is_some_and(|s| super::may(self.sh, s, 1)),
            "-u" => st.as_ref().is_some_and(|s| s.attrs.mode & 0o4000 != 0),
            "-g" => st.as_ref().is_some_and(|s| s.attrs.mode & 0o2000 != 0),
            "-k" => st.as_ref().is_some_and(|s| s.attrs.mode & 0o1000 != 0),
            "-O" => st
                .as_ref()
                .is_some_and(|s| s.attrs.uid == self.sh.identity.uid),
            "-G" => st
                .as_ref()
                .is_some_and(|s| s.attrs.gid == self.sh.identity.gid),
            "-t" => false,
            _ => return Err(format!("{op}: unknown operand")),
        })
    }
}

/// `id [-u|-g|-G] [-n] [USER]`.
pub fn id(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, ops) = match getopt(&argv[1..], "") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("invalid option -- '{c}'"));
            return Ok(1);
        }
    };
    let has = |c: char| flags.iter().any(|f| f.0 == c);
    let (uid, gid, groups) = match ops.first() {
        Some(u) => {
            let pw = db(sh.fs, "/etc/passwd");
            let Some(row) = pw.iter().find(|r| r.first() == Some(u) && r.len() > 3) else {
                io.err(&format!("unknown user {u}"));
                return Ok(1);
            };
            let uid: u32 = row[2].parse().unwrap_or(0);
            let gid: u32 = row[3].parse().unwrap_or(0);
            let mut groups = vec![gid];
            for g in db(sh.fs, "/etc/group") {
                if g.len() > 3 && g[3].split(',').any(|m| m == u) {
                    if let Ok(n) = g[2].parse::<u32>() {
                        if !groups.contains(&n) {
                            groups.push(n);
                        }
                    }
                }
            }
            (uid, gid, groups)
        }
        None => (sh.identity.uid, sh.identity.gid, sh.identity.groups.clone()),
    };
    let name = has('n');
    let uname = |sh: &Shell<'_>, u: u32| super::user_name_as(sh, u);
    let gname = |sh: &Shell<'_>, g: u32| super::group_name_as(sh, g);
    if io.name == "groups" {
        let gs: Vec<String> = groups
            .iter()
            .map(|g| gname(sh, *g).unwrap_or_else(|| g.to_string()))
            .collect();
        io.print(&format!("{}\n", gs.join(" ")));
        return Ok(0);
    }
    if has('u') {
        let s = if name {
            uname(sh, uid).unwrap_or_else(|| uid.to_string())
        } else {
            uid.to_string()
        };
        io.print(&format!("{s}\n"));
        return Ok(0);
    }
    if has('g') {
        let s = if name {
            gname(sh, gid).unwrap_or_else(|| gid.to_string())
        } else {
            gid.to_string()
        };
        io.print(&format!("{s}\n"));
        return Ok(0);
    }
    if has('G') {
        let gs: Vec<String> = if groups.is_empty() {
            vec![gid]
        } else {
            groups.clone()
        }
        .iter()
        .map(|g| {
            if name {
                gname(sh, *g).unwrap_or_else(|| g.to_string())
            } else {
                g.to_string()
            }
        })
        .collect();
        io.print(&format!("{}\n", gs.join(" ")));
        return Ok(0);
    }
    let fmt_id = |n: u32, nm: Option<String>| match nm {
        Some(s) => format!("{n}({s})"),
        None => n.to_string(),
    };
    let mut s = format!(
        "uid={} gid={}",
        fmt_id(uid, uname(sh, uid)),
        fmt_id(gid, gname(sh, gid))
    );
    if !groups.is_empty() {
        let gs: Vec<String> = groups.iter().map(|g| fmt_id(*g, gname(sh, *g))).collect();
        s.push_str(&format!(" groups={}", gs.join(",")));
    }
    io.print(&format!("{s}\n"));
    Ok(0)
}

/// `whoami`.
pub fn whoami(sh: &mut Shell<'_>, _argv: &[String], io: &mut Io) -> R {
    match super::user_name_as(sh, sh.identity.uid) {
        Some(n) => {
            io.print(&format!("{n}\n"));
            Ok(0)
        }
        None => {
            io.err(&format!("unknown uid {}", sh.identity.uid));
            Ok(1)
        }
    }
}

/// `hostname`.
pub fn hostname(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    if argv.len() > 1 && !argv[1].starts_with('-') {
        io.err("sethostname: Operation not permitted");
        return Ok(1);
    }
    let h = if sh.hostname.is_empty() {
        "localhost".to_owned()
    } else {
        sh.hostname.clone()
    };
    io.print(&format!("{h}\n"));
    Ok(0)
}

/// `uname [-asnrvmo]`.
pub fn uname(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, _) = getopt(&argv[1..], "").unwrap_or_default();
    let host = if sh.hostname.is_empty() {
        "localhost".to_owned()
    } else {
        sh.hostname.clone()
    };
    let fields = [
        ('s', "Linux".to_owned()),
        ('n', host),
        ('r', "6.1.0-simulated".to_owned()),
        ('v', "#1 SMP".to_owned()),
        ('m', "x86_64".to_owned()),
        ('o', "GNU/Linux".to_owned()),
    ];
    let all = flags.iter().any(|f| f.0 == 'a');
    let want: Vec<char> = flags.iter().map(|f| f.0).collect();
    let parts: Vec<String> = fields
        .iter()
        .filter(|(c, _)| all || want.contains(c) || (want.is_empty() && *c == 's'))
        .map(|(_, v)| v.clone())
        .collect();
    io.print(&format!("{}\n", parts.join(" ")));
    Ok(0)
}

/// Days from civil date (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Broken-down UTC time: (year, month 1-12, day, hour, min, sec, weekday 0=Sunday, yday 0-based).
pub fn tm(secs: i64) -> (i64, u32, u32, u32, u32, u32, u32, u32) {
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400);
    let (y, m, d) = civil(days);
    let wd = (days + 4).rem_euclid(7) as u32;
    let jan1 = {
        // days of Jan 1 of y
        let y2 = y - 1;
        let era = if y2 >= 0 { y2 } else { y2 - 399 } / 400;
        let yoe = y2 - era * 400;
        let doy = 306; // Mar 1 based: Jan 1 is day 306 of previous March-year
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146097 + doe - 719468
    };
    let yday = (days - jan1) as u32;
    (
        y,
        m,
        d,
        (rem / 3600) as u32,
        ((rem % 3600) / 60) as u32,
        (rem % 60) as u32,
        wd,
        yday,
    )
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// Formats a time with strftime-style `%` directives (UTC).
pub fn strftime(fmt: &str, secs: i64) -> String {
    let (y, mo, d, h, mi, s, wd, yd) = tm(secs);
    let mut out = String::new();
    let mut cs = fmt.chars();
    while let Some(c) = cs.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(n) = cs.next() else {
            out.push('%');
            break;
        };
        let piece = match n {
            'Y' => y.to_string(),
            'y' => format!("{:02}", y.rem_euclid(100)),
            'm' => format!("{mo:02}"),
            'd' => format!("{d:02}"),
            'e' => format!("{d:2}"),
            'H' => format!("{h:02}"),
            'I' => format!("{:02}", if h % 12 == 0 { 12 } else { h % 12 }),
            'M' => format!("{mi:02}"),
            'S' => format!("{s:02}"),
            'p' => (if h < 12 { "AM" } else { "PM" }).to_owned(),
            'a' => DAYS[wd as usize % 7].to_owned(),
            'A' => [
                "Sunday",
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
            ][wd as usize % 7]
                .to_owned(),
            'b' | 'h' => MONTHS[(mo as usize + 11) % 12].to_owned(),
            'B' => [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ][(mo as usize + 11) % 12]
                .to_owned(),
            'j' => format!("{:03}", yd + 1),
            'u' => (if wd == 0 { 7 } else { wd }).to_string(),
            'w' => wd.to_string(),
            's' => secs.to_string(),
            'Z' => "UTC".to_owned(),
            'z' => "+0000".to_owned(),
            'n' => "\n".to_owned(),
            't' => "\t".to_owned(),
            '%' => "%".to_owned(),
            'F' => format!("{y}-{mo:02}-{d:02}"),
            'T' => format!("{h:02}:{mi:02}:{s:02}"),
            'D' => format!("{mo:02}/{d:02}/{:02}", y.rem_euclid(100)),
            'R' => format!("{h:02}:{mi:02}"),
            'c' => format!(
                "{} {} {d:2} {h:02}:{mi:02}:{s:02} {y}",
                DAYS[wd as usize % 7],
                MONTHS[(mo as usize + 11) % 12]
            ),
            o => format!("%{o}"),
        };
        out.push_str(&piece);
    }
    out
}

/// `date [-u] [-d @SECS] [+FORMAT]` (the clock is the run's fixed time).
pub fn date(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let mut secs = sh.now.secs;
    let mut fmt = "%a %b %e %H:%M:%S %Z %Y".to_owned();
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        if let Some(f) = a.strip_prefix('+') {
            fmt = f.to_owned();
        } else if a == "-d" || a == "--date" {
            let v = argv.get(i + 1).cloned().unwrap_or_default();
            match super::fs::parse_date(&v) {
                Some(n) => secs = n,
                None => {
                    io.err(&format!("invalid date '{v}'"));
                    return Ok(1);
                }
            }
            i += 1;
        } else if a == "-u" || a == "-R" || a == "-I" {
            if a == "-R" {
                fmt = "%a, %d %b %Y %H:%M:%S +0000".to_owned();
            } else if a == "-I" {
                fmt = "%Y-%m-%d".to_owned();
            }
        } else {
            io.err("setting the date is not permitted");
            return Ok(1);
        }
        i += 1;
    }
    io.print(&format!("{}\n", strftime(&fmt, secs)));
    Ok(0)
}

/// `nproc`.
pub fn nproc(_sh: &mut Shell<'_>, _argv: &[String], io: &mut Io) -> R {
    io.print("1\n");
    Ok(0)
}

/// `which NAME…`.
pub fn which(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let mut st = 0;
    for n in argv[1..].iter().filter(|a| !a.starts_with('-')) {
        match sh.find_in_path(n).filter(|p| {
            sh.fs
                .stat(p)
                .is_ok_and(|s| s.attrs.mode & 0o111 != 0 && !s.is_dir())
        }) {
            Some(p) => io.print(&format!("{p}\n")),
            None => st = 1,
        }
    }
    Ok(st)
}

/// Appends a line to a file of the tree (creating it 0644 root when missing).
fn append_line(sh: &mut Shell<'_>, path: &str, line: &str) {
    let mut data = sh
        .fs
        .read(path)
        .map(|c| c.bytes().into_owned())
        .unwrap_or_default();
    if !data.is_empty() && !data.ends_with(b"\n") {
        data.push(b'\n');
    }
    data.extend_from_slice(line.as_bytes());
    data.push(b'\n');
    let mode = if path.ends_with("shadow") {
        0o640
    } else {
        0o644
    };
    let attrs = strata_image::Attrs::new(mode, 0, 0, sh.now);
    let _ = sh.budget.write(data.len() as u64);
    let _ = sh.fs.write(path, Content::from_bytes(data), attrs, sh.now);
}

fn rewrite_lines(sh: &mut Shell<'_>, path: &str, f: impl Fn(&str) -> Option<String>) {
    let Ok(c) = sh.fs.read(path) else { return };
    let mut out = String::new();
    for l in lines(&c.bytes()) {
        if let Some(n) = f(&l) {
            out.push_str(&n);
            out.push('\n');
        }
    }
    let attrs = strata_image::Attrs::new(0o644, 0, 0, sh.now);
    let _ = sh
        .fs
        .write(path, Content::from_bytes(out.into_bytes()), attrs, sh.now);
}

fn add_member(sh: &mut Shell<'_>, group: &str, user: &str) -> bool {
    let groups = db(sh.fs, "/etc/group");
    if !groups
        .iter()
        .any(|g| g.first().map(String::as_str) == Some(group))
    {
        return false;
    }
    let (g, u) = (group.to_owned(), user.to_owned());
    rewrite_lines(sh, "/etc/group", move |l| {
        let f: Vec<&str> = l.split(':').collect();
        if f.first() == Some(&g.as_str()) && f.len() >= 3 {
            let mut members: Vec<&str> = f
                .get(3)
                .map(|m| m.split(',').filter(|x| !x.is_empty()).collect())
                .unwrap_or_default();
            if !members.contains(&u.as_str()) {
                members.push(&u);
            }
            Some(format!("{}:{}:{}:{}", f[0], f[1], f[2], members.join(",")))
        } else {
            Some(l.to_owned())
        }
    });
    true
}

fn free_id(used: &[u32], lo: u32, hi: u32, prefer: Option<u32>) -> u32 {
    if let Some(p) = prefer {
        if !used.contains(&p) {
            return p;
        }
    }
    (lo..hi).find(|i| !used.contains(i)).unwrap_or(hi)
}

/// `addgroup [-g GID] [-S] GROUP` or `addgroup USER GROUP`.
pub fn addgroup(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    if sh.fs.exists("/etc/adduser.conf") {
        return super::adduser_debian::adduser(sh, argv, io);
    }
    if sh.identity.uid != 0 {
        io.err("permission denied (are you root?)");
        return Ok(1);
    }
    let (flags, ops) = match getopt(&argv[1..], "g") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("option requires an argument -- '{c}'"));
            return Ok(1);
        }
    };
    let groups = db(sh.fs, "/etc/group");
    if ops.len() == 2 {
        let users = db(sh.fs, "/etc/passwd");
        if !users.iter().any(|u| u.first() == Some(&ops[0])) {
            io.err(&format!("unknown user '{}'", ops[0]));
            return Ok(1);
        }
        if !add_member(sh, &ops[1], &ops[0]) {
            io.err(&format!("unknown group '{}'", ops[1]));
            return Ok(1);
        }
        return Ok(0);
    }
    let Some(name) = ops.first() else {
        io.err("usage: addgroup [-g GID] [-S] [USER] GROUP");
        return Ok(1);
    };
    if groups.iter().any(|g| g.first() == Some(name)) {
        io.err(&format!("group '{name}' in use"));
        return Ok(1);
    }
    let used: Vec<u32> = groups
        .iter()
        .filter_map(|g| g.get(2)?.parse().ok())
        .collect();
    let system = flags.iter().any(|f| f.0 == 'S');
    let gid = match flags.iter().find(|f| f.0 == 'g').and_then(|f| f.1.clone()) {
        Some(g) => match g.parse::<u32>() {
            Ok(g) if !used.contains(&g) => g,
            Ok(_) => {
                io.err(&format!("gid '{g}' in use"));
                return Ok(1);
            }
            Err(_) => {
                io.err(&format!("invalid number '{g}'"));
                return Ok(1);
            }
        },
        None if system => free_id(&used, 100, 999, None),
        None => free_id(&used, 1000, 60000, None),
    };
    append_line(sh, "/etc/group", &format!("{name}:x:{gid}:"));
    Ok(0)
}

/// `adduser [-D] [-S] [-H] [-u UID] [-G GROUP] [-s SHELL] [-h HOME] [-g GECOS] USER` or `adduser USER GROUP`.
pub fn adduser(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    // Debian and Ubuntu have the adduser package's script, configured by /etc/adduser.conf.
    if sh.fs.exists("/etc/adduser.conf") {
        return super::adduser_debian::adduser(sh, argv, io);
    }
    if sh.identity.uid != 0 {
        io.err("permission denied (are you root?)");
        return Ok(1);
    }
    // busybox's long options (loginutils/adduser.c, as Alpine builds it).
    const LONG: &[(&str, char, bool)] = &[
        ("home", 'h', true),
        ("gecos", 'g', true),
        ("shell", 's', true),
        ("ingroup", 'G', true),
        ("uid", 'u', true),
        ("skel", 'k', true),
        ("disabled-password", 'D', false),
        ("empty-password", 'D', false),
        ("system", 'S', false),
        ("no-create-home", 'H', false),
    ];
    let args = super::longopts::to_short(&argv[1..], LONG);
    let (flags, ops) = match getopt(&args, "uGshgk") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("option requires an argument -- '{c}'"));
            return Ok(1);
        }
    };
    let val = |c: char| flags.iter().find(|f| f.0 == c).and_then(|f| f.1.clone());
    let has = |c: char| flags.iter().any(|f| f.0 == c);
    let users = db(sh.fs, "/etc/passwd");
    if ops.len() == 2 {
        if !users.iter().any(|u| u.first() == Some(&ops[0])) {
            io.err(&format!("unknown user '{}'", ops[0]));
            return Ok(1);
        }
        if !add_member(sh, &ops[1], &ops[0]) {
            io.err(&format!("unknown group '{}'", ops[1]));
            return Ok(1);
        }
        return Ok(0);
    }
    let Some(name) = ops.first().cloned() else {
        io.err("usage: adduser [OPTIONS] USER [GROUP]");
        return Ok(1);
    };
    if users.iter().any(|u| u.first() == Some(&name)) {
        io.err(&format!("user '{name}' in use"));
        return Ok(1);
    }
    let system = has('S');
    let used: Vec<u32> = users
        .iter()
        .filter_map(|u| u.get(2)?.parse().ok())
        .collect();
    let uid = match val('u') {
        Some(u) => match u.parse::<u32>() {
            Ok(u) if !used.contains(&u) => u,
            Ok(_) => {
                io.err(&format!("uid '{u}' in use"));
                return Ok(1);
            }
            Err(_) => {
                io.err(&format!("invalid number '{u}'"));
                return Ok(1);
            }
        },
        None if system => free_id(&used, 100, 999, None),
        None => free_id(&used, 1000, 60000, None),
    };
    let groups = db(sh.fs, "/etc/group");
    let gid = match val('G') {
        Some(g) => match groups.iter().find(|r| r.first() == Some(&g)) {
            Some(r) => r.get(2).and_then(|x| x.parse::<u32>().ok()).unwrap_or(0),
            None => {
                io.err(&format!("unknown group {g}"));
                return Ok(1);
            }
        },
        None if system => {
            match groups
                .iter()
                .find(|r| r.first().map(String::as_str) == Some("nogroup"))
            {
                Some(r) => r
                    .get(2)
                    .and_then(|x| x.parse::<u32>().ok())
                    .unwrap_or(65534),
                None => 65534,
            }
        }
        None => {
            let gused: Vec<u32> = groups
                .iter()
                .filter_map(|g| g.get(2)?.parse().ok())
                .collect();
            let gid = free_id(&gused, 1000, 60000, Some(uid));
            append_line(sh, "/etc/group", &format!("{name}:x:{gid}:"));
            gid
        }
    };
    let home = val('h').unwrap_or_else(|| format!("/home/{name}"));
    let shell = val('s').unwrap_or_else(|| {
        if system {
            "/sbin/nologin".to_owned()
        } else {
            "/bin/sh".to_owned()
        }
    });
    let gecos = val('g').unwrap_or_else(|| "Linux User,,,".to_owned());
    append_line(
        sh,
        "/etc/passwd",
        &format!("{name}:x:{uid}:{gid}:{gecos}:{home}:{shell}"),
    );
    let days = sh.now.secs.div_euclid(86400);
    append_line(sh, "/etc/shadow", &format!("{name}:!:{days}:0:99999:7:::"));
    if !has('H') && !system || (system && val('h').is_some() && !has('H')) {
        if !sh.fs.exists(&home) {
            let parent = super::parent_of(&home);
            let _ = sh
                .fs
                .mkdir_all(&parent, strata_image::Attrs::new(0o755, 0, 0, sh.now));
            let _ = sh
                .fs
                .mkdir(&home, strata_image::Attrs::new(0o755, uid, gid, sh.now));
        } else {
            let _ = sh.fs.set_owner(&home, uid, gid);
        }
    }
    if !has('D') && !system {
        // busybox would run passwd interactively; with no terminal it fails after creating the user.
        io.err("passwd: the password is not set (no terminal in a build)");
    }
    Ok(0)
}

/// shadow-utils `groupadd [-g GID] [-r] [-f] GROUP` (Debian, CentOS images).
pub fn groupadd(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    if sh.identity.uid != 0 {
        io.err("Permission denied.");
        return Ok(10);
    }
    const LONG: &[(&str, char, bool)] = &[
        ("gid", 'g', true),
        ("key", 'K', true),
        ("system", 'r', false),
        ("force", 'f', false),
        ("non-unique", 'o', false),
    ];
    let args = super::longopts::to_short(&argv[1..], LONG);
    let (flags, ops) = match getopt(&args, "gK") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("option requires an argument -- '{c}'"));
            return Ok(2);
        }
    };
    let Some(name) = ops.first() else {
        io.err("Usage: groupadd [options] GROUP");
        return Ok(2);
    };
    let groups = db(sh.fs, "/etc/group");
    if groups.iter().any(|g| g.first() == Some(name)) {
        if flags.iter().any(|f| f.0 == 'f') {
            return Ok(0);
        }
        io.err(&format!("group '{name}' already exists"));
        return Ok(9);
    }
    let used: Vec<u32> = groups
        .iter()
        .filter_map(|g| g.get(2)?.parse().ok())
        .collect();
    let gid = match flags.iter().find(|f| f.0 == 'g').and_then(|f| f.1.clone()) {
        Some(g) => match g.parse::<u32>() {
            Ok(g) if !used.contains(&g) => g,
            Ok(_) => {
                io.err(&format!("GID '{g}' already exists"));
                return Ok(4);
            }
            Err(_) => {
                io.err(&format!("invalid group ID '{g}'"));
                return Ok(3);
            }
        },
        None if flags.iter().any(|f| f.0 == 'r') => {
            (100..1000).rev().find(|g| !used.contains(g)).unwrap_or(999)
        }
        None => free_id(&used, 1000, 60000, None),
    };
    append_line(sh, "/etc/group", &format!("{name}:x:{gid}:"));
    if sh.fs.exists("/etc/gshadow") {
        append_line(sh, "/etc/gshadow", &format!("{name}:!::"));
    }
    Ok(0)
}

/// shadow-utils `useradd [-m|-M] [-r] [-u UID] [-g GROUP] [-G G1,G2] [-s SHELL] [-d HOME] [-c COMMENT] [-N|-U]
/// USER` (Debian, CentOS images).
pub fn useradd(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    if sh.identity.uid != 0 {
        io.err("Permission denied.");
        return Ok(1);
    }
    // shadow's long options (useradd(8)).
    const LONG: &[(&str, char, bool)] = &[
        ("uid", 'u', true),
        ("gid", 'g', true),
        ("groups", 'G', true),
        ("shell", 's', true),
        ("home-dir", 'd', true),
        ("comment", 'c', true),
        ("expiredate", 'e', true),
        ("key", 'K', true),
        ("password", 'p', true),
        ("skel", 'k', true),
        ("create-home", 'm', false),
        ("no-create-home", 'M', false),
        ("system", 'r', false),
        ("no-log-init", 'l', false),
        ("user-group", 'U', false),
        ("no-user-group", 'N', false),
        ("non-unique", 'o', false),
    ];
    let args = super::longopts::to_short(&argv[1..], LONG);
    if let Some(bad) = args.iter().find(|a| a.starts_with("--") && *a != "--") {
        io.err(&format!("unrecognized option '{bad}'"));
        return Ok(2);
    }
    let (flags, ops) = match getopt(&args, "ugGsdcekKp") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("option requires an argument -- '{c}'"));
            return Ok(2);
        }
    };
    let val = |c: char| flags.iter().find(|f| f.0 == c).and_then(|f| f.1.clone());
    let has = |c: char| flags.iter().any(|f| f.0 == c);
    let Some(name) = ops.first().cloned() else {
        io.err("Usage: useradd [options] LOGIN");
        return Ok(2);
    };
    let users = db(sh.fs, "/etc/passwd");
    if users.iter().any(|u| u.first() == Some(&name)) {
        io.err(&format!("user '{name}' already exists"));
        return Ok(9);
    }
    let system = has('r');
    let used: Vec<u32> = users
        .iter()
        .filter_map(|u| u.get(2)?.parse().ok())
        .collect();
    let uid = match val('u') {
        Some(u) => match u.parse::<u32>() {
            Ok(u) if !used.contains(&u) || has('o') => u,
            Ok(_) => {
                io.err(&format!("UID {u} is not unique"));
                return Ok(4);
            }
            Err(_) => {
                io.err(&format!("invalid user ID '{u}'"));
                return Ok(3);
            }
        },
        None if system => (100..1000).rev().find(|u| !used.contains(u)).unwrap_or(999),
        None => free_id(&used, 1000, 60000, None),
    };
    let groups = db(sh.fs, "/etc/group");
    let gid = match val('g') {
        Some(g) => {
            let found = groups
                .iter()
                .find(|r| r.first() == Some(&g) || r.get(2) == Some(&g))
                .and_then(|r| r.get(2)?.parse::<u32>().ok());
            match found {
                Some(n) => n,
                None => {
                    io.err(&format!("group '{g}' does not exist"));
                    return Ok(6);
                }
            }
        }
        None if has('N') => 100,
        None => {
            if groups.iter().any(|g| g.first() == Some(&name)) {
                io.err(&format!(
                    "group {name} exists - if you want to add this user to that group, use -g."
                ));
                return Ok(9);
            }
            let gused: Vec<u32> = groups
                .iter()
                .filter_map(|g| g.get(2)?.parse().ok())
                .collect();
            let gid = if gused.contains(&uid) {
                if system {
                    (100..1000)
                        .rev()
                        .find(|g| !gused.contains(g))
                        .unwrap_or(999)
                } else {
                    free_id(&gused, 1000, 60000, None)
                }
            } else {
                uid
            };
            append_line(sh, "/etc/group", &format!("{name}:x:{gid}:"));
            if sh.fs.exists("/etc/gshadow") {
                append_line(sh, "/etc/gshadow", &format!("{name}:!::"));
            }
            gid
        }
    };
    if let Some(list) = val('G') {
        for g in list.split(',').filter(|g| !g.is_empty()) {
            if !add_member(sh, g, &name) {
                io.err(&format!("group '{g}' does not exist"));
                return Ok(6);
            }
        }
    }
    let home = val('d').unwrap_or_else(|| format!("/home/{name}"));
    let shell = val('s').unwrap_or_else(|| "/bin/sh".to_owned());
    let gecos = val('c').unwrap_or_default();
    append_line(
        sh,
        "/etc/passwd",
        &format!("{name}:x:{uid}:{gid}:{gecos}:{home}:{shell}"),
    );
    let days = sh.now.secs.div_euclid(86400);
    append_line(sh, "/etc/shadow", &format!("{name}:!:{days}:0:99999:7:::"));
    if has('m') && !has('M') {
        let parent = super::parent_of(&home);
        let _ = sh
            .fs
            .mkdir_all(&parent, strata_image::Attrs::new(0o755, 0, 0, sh.now));
        if !sh.fs.exists(&home) {
            let _ = sh
                .fs
                .mkdir(&home, strata_image::Attrs::new(0o755, uid, gid, sh.now));
            // /etc/skel's files are copied in
            if let Ok(names) = sh.fs.read_dir("/etc/skel") {
                for n in names {
                    let src = format!("/etc/skel/{n}");
                    if let Ok(c) = sh.fs.read(&src) {
                        let mode = sh.fs.stat(&src).map(|s| s.attrs.mode).unwrap_or(0o644);
                        let a = strata_image::Attrs::new(mode, uid, gid, sh.now);
                        let _ = sh.fs.write(&format!("{home}/{n}"), c, a, sh.now);
                    }
                }
            }
        }
    }
    Ok(0)
}

/// `deluser USER` / `delgroup GROUP`.
pub fn deluser(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let Some(name) = argv.get(1).cloned() else {
        io.err("usage: deluser USER");
        return Ok(1);
    };
    let file = if io.name == "delgroup" {
        "/etc/group"
    } else {
        "/etc/passwd"
    };
    let n = name.clone();
    rewrite_lines(sh, file, move |l| {
        (l.split(':').next() != Some(n.as_str())).then(|| l.to_owned())
    });
    if io.name == "deluser" {
        let n = name.clone();
        rewrite_lines(sh, "/etc/shadow", move |l| {
            (l.split(':').next() != Some(n.as_str())).then(|| l.to_owned())
        });
    }
    Ok(0)
}

/// `getent passwd|group [NAME]`.
pub fn getent(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let file = match argv.get(1).map(String::as_str) {
        Some("passwd") => "/etc/passwd",
        Some("group") => "/etc/group",
        _ => return Ok(1),
    };
    let rows = db(sh.fs, file);
    let mut found = false;
    for r in rows {
        if argv.len() < 3
            || argv[2..]
                .iter()
                .any(|k| r.first() == Some(k) || r.get(2) == Some(k))
        {
            io.print(&format!("{}\n", r.join(":")));
            found = true;
        }
    }
    Ok(if found { 0 } else { 2 })
}

/// `kill` (there are no other processes).
pub fn kill(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    if argv.iter().any(|a| a == "-l") {
        io.print("HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM\n");
        return Ok(0);
    }
    let mut signal = "TERM".to_owned();
    let mut pids = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        if a == "-s" {
            i += 1;
            signal = argv.get(i).cloned().unwrap_or_default();
        } else if let Some(s) = a.strip_prefix('-').filter(|s| !s.is_empty()) {
            signal = s.trim_start_matches("SIG").to_owned();
        } else {
            pids.push(a.clone());
        }
        i += 1;
    }
    let mut status = 0;
    for p in &pids {
        // The container's processes are the simulated process table; `kill -0` asks whether one exists.
        let exists = p
            .parse::<u32>()
            .is_ok_and(|n| sh.procs.iter().any(|q| q.pid == n));
        if !exists {
            io.err_as_sh(&format!("can't kill pid {p}: No such process"));
            status = 1;
        } else if signal != "0" {
            sh.notes.push(crate::exec::Note::Unsupported {
                command: argv.join(" "),
                detail: format!(
                    "the simulator does not deliver SIG{signal} to process {p} (only docker stop's SIGTERM to PID 1)"
                ),
            });
            status = 1;
        }
    }
    Ok(status)
}

/// `nohup` / `time` / `timeout N`: run the command.
pub fn nohup(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let mut i = 1;
    if io.name == "timeout" {
        while i < argv.len() && argv[i].starts_with('-') {
            i += if argv[i] == "-s" { 2 } else { 1 };
        }
        i += 1;
    }
    if io.name == "time" || io.name == "setsid" {
        while i < argv.len() && argv[i].starts_with('-') {
            i += 1;
        }
    }
    if i >= argv.len() {
        return Ok(if io.name == "time" { 0 } else { 1 });
    }
    let stdin = io.stdin_all();
    if io.name == "timeout" {
        // `timeout N cmd`: SIGTERM to the command when the simulated clock reaches N.
        let Some(limit) = argv.get(i - 1).and_then(|a| duration_ms(a)) else {
            io.err(&format!("invalid number '{}'", argv[i - 1]));
            return Ok(1);
        };
        let deadline = sh.timeline.elapsed_ms.saturating_add(limit);
        sh.deadlines.push(deadline);
        let r = sh.run_captured(&argv[i..], stdin);
        sh.deadlines.pop();
        return match r {
            Ok((st, out, err)) => {
                io.out.extend(out);
                io.err.extend(err);
                Ok(st)
            }
            Err(Ctl::Killed(15)) if sh.fired_deadline == Some(deadline) => {
                sh.fired_deadline = None;
                // The command died of SIGTERM; ash reports it as a foreground job killed by a signal.
                io.err.extend_from_slice(b"Terminated\n");
                Ok(143)
            }
            Err(e) => Err(e),
        };
    }
    let (st, out, err) = sh.run_captured(&argv[i..], stdin)?;
    io.out.extend(out);
    io.err.extend(err);
    if io.name == "time" {
        io.err
            .extend_from_slice(b"real\t0m 0.00s\nuser\t0m 0.00s\nsys\t0m 0.00s\n");
    }
    Ok(st)
}

/// The container's processes as `ps`, `pidof` and `top` see them: the ones running, then the caller itself
/// (busybox runs `ps` forked without exec, so it keeps its parent's cmdline; as the last command of `sh -c`
/// ash runs it in place of itself, and as the container's command it is PID 1).
pub fn process_table(sh: &mut Shell<'_>, me: &str) -> Vec<crate::shell::interp::ProcInfo> {
    let mut procs = sh.procs.clone();
    let cur = sh.current_proc();
    if sh.proc_depth == 0 {
        // The runtime started this applet itself: it is the process `procs` ends with.
    } else if sh.tail_exec {
        if let Some(p) = procs.last_mut() {
            p.comm = me.to_owned();
        }
    } else {
        let pid = sh.next_pid;
        sh.next_pid += 1;
        procs.push(crate::shell::interp::ProcInfo {
            pid,
            ppid: cur.pid,
            cmdline: cur.cmdline,
            comm: me.to_owned(),
        });
    }
    procs
}

/// How `ps` shows a process's command: `{comm} cmdline` when the program running is not the one its
/// cmdline names.
fn ps_command(p: &crate::shell::interp::ProcInfo) -> String {
    let first = p.cmdline.split(' ').next().unwrap_or("");
    if crate::shell::launch::basename(first) == p.comm || p.cmdline.is_empty() {
        if p.cmdline.is_empty() {
            format!("[{}]", p.comm)
        } else {
            p.cmdline.clone()
        }
    } else {
        format!("{{{}}} {}", p.comm, p.cmdline)
    }
}

/// `ps [-o COLS]`: busybox's columns (`PID   USER     COMMAND`) over the simulated process table.
pub fn ps(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let mut cols: Vec<String> = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        match argv[i].as_str() {
            "-o" => {
                i += 1;
                if let Some(c) = argv.get(i) {
                    cols.extend(c.split(',').map(str::to_owned));
                }
            }
            o if o.starts_with("-o") => cols.extend(o[2..].split(',').map(str::to_owned)),
            _ => {}
        }
        i += 1;
    }
    let user =
        super::user_name_as(sh, sh.identity.uid).unwrap_or_else(|| sh.identity.uid.to_string());
    let procs = process_table(sh, "ps");
    let mut out = String::new();
    if cols.is_empty() {
        out.push_str("PID   USER     COMMAND\n");
        for p in &procs {
            out.push_str(&format!("{:>5} {:<8.8} {}\n", p.pid, user, ps_command(p)));
        }
    } else {
        let mut head = Vec::new();
        for c in &cols {
            head.push(match c.as_str() {
                "pid" => format!("{:<5}", "PID"),
                "ppid" => format!("{:<5}", "PPID"),
                "user" => format!("{:<8}", "USER"),
                "comm" => "COMMAND".to_owned(),
                "args" => "COMMAND".to_owned(),
                other => other.to_uppercase(),
            });
        }
        out.push_str(head.join(" ").trim_end());
        out.push('\n');
        for p in &procs {
            let mut row = Vec::new();
            for c in &cols {
                row.push(match c.as_str() {
                    "pid" => format!("{:>5}", p.pid),
                    "ppid" => format!("{:>5}", p.ppid),
                    "user" => format!("{user:<8.8}"),
                    "comm" => p.comm.clone(),
                    _ => ps_command(p),
                });
            }
            out.push_str(row.join(" ").trim_end());
            out.push('\n');
        }
    }
    io.print(&out);
    Ok(0)
}

/// `pidof NAME…`: the PIDs of the processes running those programs, newest first (not its own).
pub fn pidof(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let procs = sh.procs.clone();
    let mut found = Vec::new();
    for name in argv[1..].iter().filter(|a| !a.starts_with('-')) {
        for p in procs.iter().rev() {
            let first = p.cmdline.split(' ').next().unwrap_or("");
            if p.comm == *name || crate::shell::launch::basename(first) == name.as_str() {
                found.push(p.pid.to_string());
            }
        }
    }
    if found.is_empty() {
        return Ok(1);
    }
    io.print(&format!("{}\n", found.join(" ")));
    Ok(0)
}

/// `tty`: never a terminal.
pub fn tty(_sh: &mut Shell<'_>, _argv: &[String], io: &mut Io) -> R {
    io.print("not a tty\n");
    Ok(1)
}

/// `uptime` / `free` / `df`: machine facts the simulator does not have.
pub fn uptime(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    sh.notes.push(crate::exec::Note::Unsupported {
        command: argv.join(" "),
        detail: format!(
            "{} reports host facts the simulator does not model",
            io.name
        ),
    });
    io.err("not simulated");
    Ok(1)
}

/// `xargs [-n N] [-I R] [-0] [-t] [-r] COMMAND [ARGS]`.
pub fn xargs(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let mut i = 1;
    let mut n: Option<usize> = None;
    let mut repl: Option<String> = None;
    let mut zero = false;
    let mut trace = false;
    let mut no_empty = false;
    while i < argv.len() && argv[i].starts_with('-') && argv[i].len() > 1 {
        let a = &argv[i];
        match a.as_str() {
            "-n" => {
                n = argv.get(i + 1).and_then(|v| v.parse().ok());
                i += 1;
            }
            "-I" => {
                repl = argv.get(i + 1).cloned();
                i += 1;
            }
            "-0" => zero = true,
            "-t" => trace = true,
            "-r" => no_empty = true,
            _ if a.starts_with("-n") => n = a[2..].parse().ok(),
            _ if a.starts_with("-I") => repl = Some(a[2..].to_owned()),
            _ => {}
        }
        i += 1;
    }
    let cmd: Vec<String> = if i < argv.len() {
        argv[i..].to_vec()
    } else {
        vec!["echo".to_owned()]
    };
    let data = io.stdin_all();
    let text = String::from_utf8_lossy(&data).into_owned();
    let items: Vec<String> = if zero {
        text.split('\0')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    } else if repl.is_some() {
        text.lines()
            .map(str::to_owned)
            .filter(|l| !l.is_empty())
            .collect()
    } else {
        match split_xargs(&text) {
            Ok(v) => v,
            Err(q) => {
                io.err(&format!("unmatched {q} quote"));
                return Ok(1);
            }
        }
    };
    if items.is_empty() && (no_empty || repl.is_some()) {
        return Ok(0);
    }
    let mut batches: Vec<Vec<String>> = Vec::new();
    if let Some(r) = &repl {
        for it in &items {
            batches.push(cmd.iter().map(|a| a.replace(r.as_str(), it)).collect());
        }
    } else {
        let per = n.unwrap_or(usize::MAX).max(1);
        if items.is_empty() {
            batches.push(cmd.clone());
        }
        for chunk in items.chunks(per.min(items.len().max(1))) {
            let mut a = cmd.clone();
            a.extend(chunk.iter().cloned());
            batches.push(a);
        }
    }
    let mut st = 0;
    for b in batches {
        if trace {
            sh.write_fd(2, format!("{}\n", b.join(" ")).as_bytes())?;
        }
        let (s, out, err) = sh.run_captured(&b, Vec::new())?;
        sh.write_fd(1, &out)?;
        sh.write_fd(2, &err)?;
        if s == 127 || s == 126 {
            return Ok(s);
        }
        if s != 0 {
            st = 123;
        }
    }
    Ok(st)
}

fn split_xargs(text: &str) -> Result<Vec<String>, &'static str> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut have = false;
    let mut q: Option<char> = None;
    let mut cs = text.chars();
    while let Some(c) = cs.next() {
        match q {
            Some(qc) => {
                if c == qc {
                    q = None;
                } else {
                    cur.push(c);
                }
            }
            None => match c {
                '\'' | '"' => {
                    q = Some(c);
                    have = true;
                }
                '\\' => {
                    if let Some(n) = cs.next() {
                        cur.push(n);
                        have = true;
                    }
                }
                c if c.is_whitespace() => {
                    if have {
                        out.push(std::mem::take(&mut cur));
                        have = false;
                    }
                }
                c => {
                    cur.push(c);
                    have = true;
                }
            },
        }
    }
    if let Some(qc) = q {
        return Err(if qc == '\'' { "single" } else { "double" });
    }
    if have {
        out.push(cur);
    }
    Ok(out)
}

/// A timestamp as `ls -l` prints it: `Nov 22 22:22`, or `Nov 22  2020` when not within six months of now.
pub fn ls_time(t: Timestamp, now: Timestamp) -> String {
    let (y, mo, d, h, mi, _, _, _) = tm(t.secs);
    let mon = MONTHS[(mo as usize + 11) % 12];
    let recent = t.secs <= now.secs + 3600 && now.secs - t.secs < 60 * 60 * 24 * 365 / 2;
    if recent {
        format!("{mon} {d:2} {h:02}:{mi:02}")
    } else {
        format!("{mon} {d:2}  {y}")
    }
}

/// shadow-utils `usermod [-a] [-G G1,G2] [-g GROUP] [-s SHELL] [-d HOME] [-u UID] USER`.
pub fn usermod(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    if sh.identity.uid != 0 {
        io.err("Permission denied.");
        return Ok(1);
    }
    let (flags, ops) = match getopt(&argv[1..], "Ggsdulc") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("option requires an argument -- '{c}'"));
            return Ok(2);
        }
    };
    let val = |c: char| flags.iter().find(|f| f.0 == c).and_then(|f| f.1.clone());
    let Some(name) = ops.first().cloned() else {
        io.err("Usage: usermod [options] LOGIN");
        return Ok(2);
    };
    let users = db(sh.fs, "/etc/passwd");
    let Some(row) = users.iter().find(|u| u.first() == Some(&name)).cloned() else {
        io.err(&format!("user '{name}' does not exist"));
        return Ok(6);
    };
    if let Some(list) = val('G') {
        for g in list.split(',').filter(|g| !g.is_empty()) {
            if !add_member(sh, g, &name) {
                io.err(&format!("group '{g}' does not exist"));
                return Ok(6);
            }
        }
    }
    let mut row = row;
    while row.len() < 7 {
        row.push(String::new());
    }
    if let Some(g) = val('g') {
        let groups = db(sh.fs, "/etc/group");
        match groups
            .iter()
            .find(|r| r.first() == Some(&g) || r.get(2) == Some(&g))
            .and_then(|r| r.get(2).cloned())
        {
            Some(gid) => row[3] = gid,
            None => {
                io.err(&format!("group '{g}' does not exist"));
                return Ok(6);
            }
        }
    }
    if let Some(u) = val('u') {
        row[2] = u;
    }
    if let Some(c) = val('c') {
        row[4] = c;
    }
    if let Some(d) = val('d') {
        row[5] = d;
    }
    if let Some(s) = val('s') {
        row[6] = s;
    }
    let line = row.join(":");
    let n = name.clone();
    rewrite_lines(sh, "/etc/passwd", move |l| {
        Some(if l.split(':').next() == Some(n.as_str()) {
            line.clone()
        } else {
            l.to_owned()
        })
    });
    Ok(0)
}

/// `chpasswd`: `user:password` lines on stdin; the stored hash is modelled (not a real crypt).
pub fn chpasswd(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let input = String::from_utf8_lossy(&io.stdin_all()).into_owned();
    let days = sh.now.secs.div_euclid(86400);
    let mut st = 0;
    for l in input.lines().filter(|l| !l.trim().is_empty()) {
        let Some((user, pw)) = l.split_once(':') else {
            io.err("missing new password");
            st = 1;
            continue;
        };
        let hash = format!(
            "$6$strata${}",
            &strata_image::Digest::of(pw.as_bytes()).hex()[..43]
        );
        let (u, h) = (user.to_owned(), hash);
        let exists = db(sh.fs, "/etc/shadow")
            .iter()
            .any(|r| r.first() == Some(&u));
        if !exists {
            io.err(&format!("unknown user {user}"));
            st = 1;
            continue;
        }
        rewrite_lines(sh, "/etc/shadow", move |l| {
            let f: Vec<&str> = l.split(':').collect();
            if f.first() == Some(&u.as_str()) && f.len() >= 3 {
                let mut f: Vec<String> = f.iter().map(|s| s.to_string()).collect();
                f[1] = h.clone();
                f[2] = days.to_string();
                Some(f.join(":"))
            } else {
                Some(l.to_owned())
            }
        });
    }
    sh.notes.push(crate::exec::Note::Modelled {
        command: argv.join(" "),
        detail: "password hashes in /etc/shadow are placeholders, not real crypt(3) output"
            .to_owned(),
    });
    Ok(st)
}

/// `su [-] [-s SHELL] [USER] [-c CMD]`: as root, runs the command as another user (their uid, gid and
/// shell from /etc/passwd).
pub fn su(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let mut user = "root".to_owned();
    let mut cmd: Option<String> = None;
    let mut shell_override: Option<String> = None;
    let mut login = false;
    let mut i = 1;
    while i < argv.len() {
        match argv[i].as_str() {
            "-" | "-l" | "--login" => login = true,
            "-c" => {
                cmd = argv.get(i + 1).cloned();
                i += 1;
            }
            "-s" => {
                shell_override = argv.get(i + 1).cloned();
                i += 1;
            }
            "-m" | "-p" => {}
            a => user = a.to_owned(),
        }
        i += 1;
    }
    if sh.identity.uid != 0 {
        io.err("must be suid to work properly");
        return Ok(1);
    }
    let Some(row) = db(sh.fs, "/etc/passwd")
        .into_iter()
        .find(|r| r.first() == Some(&user))
    else {
        io.err(&format!("unknown user {user}"));
        return Ok(1);
    };
    let uid: u32 = row.get(2).and_then(|v| v.parse().ok()).unwrap_or(0);
    let gid: u32 = row.get(3).and_then(|v| v.parse().ok()).unwrap_or(0);
    let home = row.get(5).cloned().unwrap_or_else(|| "/".to_owned());
    let shell = shell_override.unwrap_or_else(|| {
        row.get(6)
            .cloned()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "/bin/sh".to_owned())
    });
    let mut groups = vec![gid];
    for g in db(sh.fs, "/etc/group") {
        if g.get(3).is_some_and(|m| m.split(',').any(|x| x == user)) {
            if let Some(n) = g.get(2).and_then(|v| v.parse::<u32>().ok()) {
                if !groups.contains(&n) {
                    groups.push(n);
                }
            }
        }
    }
    let saved_id = sh.identity.clone();
    let saved_vars = sh.st.vars.clone();
    let saved_cwd = sh.st.cwd.clone();
    sh.identity = crate::exec::Identity { uid, gid, groups };
    for (k, v) in [
        ("HOME", home.as_str()),
        ("USER", user.as_str()),
        ("LOGNAME", user.as_str()),
        ("SHELL", shell.as_str()),
    ] {
        let e = sh.st.vars.slot(k);
        e.value = v.to_owned();
        e.exported = true;
    }
    if login && sh.fs.stat(&home).is_ok_and(|s| s.is_dir()) {
        sh.st.cwd = home.clone();
    }
    let mut a = vec![shell.clone()];
    if let Some(c) = cmd {
        a.push("-c".to_owned());
        a.push(c);
    }
    let stdin = io.stdin_all();
    let path = sh.abs(&shell);
    let r = sh.run_file_captured(&path, &a, stdin);
    sh.identity = saved_id;
    sh.st.vars = saved_vars;
    sh.st.cwd = saved_cwd;
    let (st, out, err) = r?;
    io.out.extend(out);
    io.err.extend(err);
    Ok(st)
}

/// `arch`: `uname -m`.
pub fn arch(sh: &mut Shell<'_>, _argv: &[String], io: &mut Io) -> R {
    uname(sh, &["uname".to_owned(), "-m".to_owned()], io)
}

/// `nologin`: refuses, as the shell of a system account.
pub fn nologin(_sh: &mut Shell<'_>, _argv: &[String], io: &mut Io) -> R {
    io.print("This account is not available\n");
    Ok(1)
}

/// `logger [-s] [-t TAG] [-p PRIO] [MESSAGE…]`: a container has no syslog socket, so the message goes
/// nowhere (busybox's `syslog(3)` fails silently) except to stderr with `-s`, as `TAG: MESSAGE` (TAG: the
/// user's name).
pub fn logger(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, words) = match getopt(&argv[1..], "tp") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("option requires an argument -- '{c}'"));
            return Ok(1);
        }
    };
    let tag = flags
        .iter()
        .rev()
        .find(|(f, _)| *f == 't')
        .and_then(|(_, v)| v.clone())
        .unwrap_or_else(|| super::user_name(sh.fs, sh.identity.uid).unwrap_or_default());
    let msg = if words.is_empty() {
        String::from_utf8_lossy(&io.stdin_all()).into_owned()
    } else {
        words.join(" ")
    };
    if flags.iter().any(|(f, _)| *f == 's') {
        for line in msg.lines() {
            io.err
                .extend_from_slice(format!("{tag}: {line}\n").as_bytes());
        }
    }
    Ok(0)
}
