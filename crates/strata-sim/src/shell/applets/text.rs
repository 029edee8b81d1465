//! Text applets: echo, printf, cat, head, tail, wc, grep, sed, cut, tr, sort, uniq, tee, seq, basename,
//! dirname, yes, digests, expr and a few small ones.

use super::{format, getopt, inputs, lines, ErrStyle, Io};
use crate::shell::interp::{Ctl, Shell};
use crate::shell::regex as re;

type R = Result<i32, Ctl>;

/// `echo [-neE] args…` (no escapes without `-e`).
pub fn echo(_sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let mut nl = true;
    let mut esc = false;
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E'))
        {
            for c in a[1..].chars() {
                match c {
                    'n' => nl = false,
                    'e' => esc = true,
                    _ => esc = false,
                }
            }
            i += 1;
        } else {
            break;
        }
    }
    let mut out = Vec::new();
    for (k, a) in argv[i..].iter().enumerate() {
        if k > 0 {
            out.push(b' ');
        }
        if esc {
            let (b, stop) = escapes(a, true);
            out.extend(b);
            if stop {
                io.out.extend(out);
                return Ok(0);
            }
        } else {
            out.extend_from_slice(a.as_bytes());
        }
    }
    if nl {
        out.push(b'\n');
    }
    io.out.extend(out);
    Ok(0)
}

/// Backslash escapes (`\n`, `\t`, `\0NNN`/`\NNN`, `\xHH`, `\c`); returns the bytes and whether `\c` stopped
/// output.
fn escapes(s: &str, echo_style: bool) -> (Vec<u8>, bool) {
    let cs: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c != '\\' || i + 1 >= cs.len() {
            let mut b = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            i += 1;
            continue;
        }
        let n = cs[i + 1];
        i += 2;
        match n {
            'n' => out.push(b'\n'),
            't' => out.push(b'\t'),
            'r' => out.push(b'\r'),
            'a' => out.push(7),
            'b' => out.push(8),
            'f' => out.push(12),
            'v' => out.push(11),
            'e' => out.push(27),
            '\\' => out.push(b'\\'),
            'c' => return (out, true),
            'x' => {
                let mut v = 0u32;
                let mut k = 0;
                while k < 2 && i < cs.len() && cs[i].is_ascii_hexdigit() {
                    v = v * 16 + cs[i].to_digit(16).unwrap_or(0);
                    i += 1;
                    k += 1;
                }
                if k == 0 {
                    out.extend_from_slice(b"\\x");
                } else {
                    out.push(v as u8);
                }
            }
            '0'..='7' => {
                let mut v = 0u32;
                let mut k = 0;
                let max = 3;
                let mut j = if echo_style && n == '0' { i } else { i - 1 };
                while k < max && j < cs.len() && ('0'..='7').contains(&cs[j]) {
                    v = v * 8 + cs[j].to_digit(8).unwrap_or(0);
                    j += 1;
                    k += 1;
                }
                i = j;
                out.push(v as u8);
            }
            _ => {
                out.push(b'\\');
                let mut b = [0u8; 4];
                out.extend_from_slice(n.encode_utf8(&mut b).as_bytes());
            }
        }
    }
    (out, false)
}

/// `printf FORMAT args…`.
pub fn printf(_sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let Some(fmt) = argv.get(1) else {
        io.err("usage: printf FORMAT [ARGUMENT...]");
        return Ok(1);
    };
    let fmt: Vec<char> = fmt.chars().collect();
    let args = &argv[2..];
    let mut ai = 0;
    let mut status = 0;
    loop {
        let start_ai = ai;
        let mut i = 0;
        while i < fmt.len() {
            let c = fmt[i];
            if c == '\\' {
                // one escape
                let mut j = i + 1;
                if j < fmt.len() {
                    if fmt[j] == 'x' {
                        j += 1;
                        let mut k = 0;
                        while k < 2 && j < fmt.len() && fmt[j].is_ascii_hexdigit() {
                            j += 1;
                            k += 1;
                        }
                    } else if ('0'..='7').contains(&fmt[j]) {
                        let mut k = 0;
                        while k < 3 && j < fmt.len() && ('0'..='7').contains(&fmt[j]) {
                            j += 1;
                            k += 1;
                        }
                    } else {
                        j += 1;
                    }
                }
                let seg: String = fmt[i..j].iter().collect();
                let (b, stop) = escapes(&seg, false);
                io.out.extend(b);
                if stop {
                    return Ok(status);
                }
                i = j;
                continue;
            }
            if c != '%' {
                let mut b = [0u8; 4];
                io.out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
                i += 1;
                continue;
            }
            if fmt.get(i + 1) == Some(&'%') {
                io.out.push(b'%');
                i += 2;
                continue;
            }
            let Some(c) = format::parse(&fmt, i) else {
                let seg: String = fmt[i..].iter().collect();
                io.out.extend_from_slice(seg.as_bytes());
                break;
            };
            let j = c.end;
            let mut bad: Vec<String> = Vec::new();
            let spec = format::Spec::new(&c, || {
                let a = args.get(ai).cloned().unwrap_or_default();
                ai += 1;
                parse_int(&a).unwrap_or_else(|| {
                    bad.push(a);
                    0
                })
            });
            let arg = args.get(ai).cloned();
            if "sbcdiouxXeEfFgG".contains(c.conv) {
                ai += 1;
            }
            let body: String = match c.conv {
                's' => spec.str(&arg.unwrap_or_default()),
                'b' => {
                    let (b, _) = escapes(&arg.unwrap_or_default(), true);
                    spec.str(&String::from_utf8_lossy(&b))
                }
                'c' => spec.pad(
                    &arg.and_then(|a| a.chars().next())
                        .map(String::from)
                        .unwrap_or_default(),
                ),
                'd' | 'i' | 'o' | 'u' | 'x' | 'X' => {
                    let a = arg.unwrap_or_default();
                    let v = parse_int(&a).unwrap_or_else(|| {
                        bad.push(a);
                        0
                    });
                    spec.int(v)
                }
                'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
                    let a = arg.unwrap_or_default();
                    let v: f64 = a.trim().parse().unwrap_or_else(|_| {
                        if !a.is_empty() {
                            bad.push(a);
                        }
                        0.0
                    });
                    spec.float(v)
                }
                conv => {
                    io.err_as_sh(&format!("%{conv}: invalid format"));
                    return Ok(1);
                }
            };
            for a in bad {
                io.err_as_sh(&format!("invalid number '{a}'"));
                status = 1;
            }
            io.print(&body);
            i = j;
        }
        if ai >= args.len() || ai == start_ai {
            break;
        }
    }
    Ok(status)
}

pub use super::format::{pad_zeros, pad_zeros_signed};

/// Parses a printf/test integer: decimal, `0x`, octal, `'c` for a character code.
pub fn parse_int(a: &str) -> Option<i64> {
    let t = a.trim();
    if let Some(c) = t.strip_prefix('\'').or_else(|| t.strip_prefix('"')) {
        return Some(c.chars().next().map(|c| c as i64).unwrap_or(0));
    }
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let v = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()?
    } else if body.len() > 1 && body.starts_with('0') {
        i64::from_str_radix(&body[1..], 8).ok()?
    } else {
        body.parse::<i64>().ok()?
    };
    Some(if neg { -v } else { v })
}

impl Io {
    /// An error from a shell builtin applet, prefixed like ash does (`sh: …`).
    pub fn err_as_sh(&mut self, msg: &str) {
        if matches!(self.name.as_str(), "printf" | "echo" | "test" | "[") {
            self.err.extend_from_slice(b"sh: ");
        } else {
            self.err.extend_from_slice(self.name.as_bytes());
            self.err.extend_from_slice(b": ");
        }
        self.err.extend_from_slice(msg.as_bytes());
        self.err.push(b'\n');
    }
}

/// `cat [-n] files…`.
pub fn cat(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, files) = match getopt(&argv[1..], "") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("invalid option -- '{c}'"));
            return Ok(1);
        }
    };
    let number = flags.iter().any(|f| f.0 == 'n');
    let mut st = 0;
    let mut n = 0;
    for (_, data) in inputs(sh, io, &files, ErrStyle::CantOpen) {
        match data {
            Some(d) => {
                if number {
                    for l in d.split_inclusive(|&b| b == b'\n') {
                        n += 1;
                        io.out.extend_from_slice(format!("{n:6}\t").as_bytes());
                        io.out.extend_from_slice(l);
                    }
                } else {
                    io.out.extend(d);
                }
            }
            None => st = 1,
        }
    }
    Ok(st)
}

fn count_arg(flags: &[(char, Option<String>)], argv: &[String]) -> (Option<String>, Vec<String>) {
    let _ = flags;
    // support -NUM
    let mut rest = Vec::new();
    let mut num = None;
    let mut prev_takes = false;
    for a in &argv[1..] {
        if !prev_takes
            && a.len() > 1
            && a.starts_with('-')
            && a[1..].chars().all(|c| c.is_ascii_digit())
        {
            num = Some(a[1..].to_owned());
        } else {
            rest.push(a.clone());
        }
        prev_takes = a == "-n" || a == "-c";
    }
    (num, rest)
}

/// `head [-n N] [-c N] files…`.
pub fn head(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (num, rest) = count_arg(&[], argv);
    let (flags, files) = match getopt(&rest, "nc") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("invalid option -- '{c}'"));
            return Ok(1);
        }
    };
    let mut n: i64 = num.and_then(|n| n.parse().ok()).unwrap_or(10);
    let mut bytes = None;
    let mut quiet = false;
    for (f, v) in &flags {
        match f {
            'n' => n = v.as_deref().and_then(|v| v.parse().ok()).unwrap_or(10),
            'c' => bytes = v.as_deref().and_then(|v| v.parse::<i64>().ok()),
            'q' => quiet = true,
            _ => {}
        }
    }
    let multi = files.len() > 1 && !quiet;
    // `head -c N /dev/zero` gives N bytes, however many: more than the write limit left stops the run
    // (the device reads are modelled as 1 MiB, which would silently make a small file).
    if let Some(c) = bytes.filter(|&c| c > 0) {
        let endless = files
            .iter()
            .any(|f| super::is_endless_device(sh, &sh.abs(f)));
        let left = sh
            .budget
            .limits
            .max_bytes_written
            .saturating_sub(sh.budget.bytes_written);
        if endless && c as u64 > left {
            return Err(sh.limit(crate::exec::Limit::BytesWritten));
        }
    }
    let mut st = 0;
    for (k, (name, data)) in inputs(sh, io, &files, ErrStyle::Plain)
        .into_iter()
        .enumerate()
    {
        let Some(d) = data else {
            st = 1;
            continue;
        };
        if multi {
            if k > 0 {
                io.out.push(b'\n');
            }
            io.print(&format!("==> {name} <==\n"));
        }
        if let Some(c) = bytes {
            let c = if c < 0 {
                d.len().saturating_sub(c.unsigned_abs() as usize)
            } else {
                c as usize
            };
            if c > d.len() && super::is_endless_device(sh, &sh.abs(&name)) && !d.is_empty() {
                // Within the limit (checked above): the device keeps giving bytes.
                let mut more = Vec::with_capacity(c);
                while more.len() < c {
                    let n = (c - more.len()).min(d.len());
                    more.extend_from_slice(&d[..n]);
                }
                io.out.extend_from_slice(&more);
                continue;
            }
            io.out.extend_from_slice(&d[..c.min(d.len())]);
            continue;
        }
        let parts: Vec<&[u8]> = d.split_inclusive(|&b| b == b'\n').collect();
        let take = if n < 0 {
            parts.len().saturating_sub(n.unsigned_abs() as usize)
        } else {
            n as usize
        };
        for p in parts.into_iter().take(take) {
            io.out.extend_from_slice(p);
        }
    }
    Ok(st)
}

/// `tail [-n [+]N] [-c N] files…`.
pub fn tail(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (num, rest) = count_arg(&[], argv);
    let (flags, files) = match getopt(&rest, "nc") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("invalid option -- '{c}'"));
            return Ok(1);
        }
    };
    let mut spec = num.unwrap_or_else(|| "10".to_owned());
    let mut bytes = false;
    for (f, v) in &flags {
        match f {
            'n' => spec = v.clone().unwrap_or_default(),
            'c' => {
                spec = v.clone().unwrap_or_default();
                bytes = true
            }
            _ => {}
        }
    }
    if flags.iter().any(|f| f.0 == 'f' || f.0 == 'F') {
        sh.notes.push(crate::exec::Note::Modelled {
            command: argv.join(" "),
            detail: "tail -f: nothing more is written in the simulator, so it stops after the current end".to_owned(),
        });
    }
    let from_start = spec.starts_with('+');
    let n: usize = spec.trim_start_matches(['+', '-']).parse().unwrap_or(10);
    let multi = files.len() > 1;
    let mut st = 0;
    for (k, (name, data)) in inputs(sh, io, &files, ErrStyle::CantOpen)
        .into_iter()
        .enumerate()
    {
        let Some(d) = data else {
            st = 1;
            continue;
        };
        if multi {
            if k > 0 {
                io.out.push(b'\n');
            }
            io.print(&format!("==> {name} <==\n"));
        }
        if bytes {
            let s = if from_start {
                n.saturating_sub(1)
            } else {
                d.len().saturating_sub(n)
            };
            io.out.extend_from_slice(&d[s.min(d.len())..]);
            continue;
        }
        let parts: Vec<&[u8]> = d.split_inclusive(|&b| b == b'\n').collect();
        let s = if from_start {
            n.saturating_sub(1)
        } else {
            parts.len().saturating_sub(n)
        };
        for p in parts.into_iter().skip(s) {
            io.out.extend_from_slice(p);
        }
    }
    Ok(st)
}

/// `wc [-lwcm] files…`.
pub fn wc(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, files) = match getopt(&argv[1..], "") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("invalid option -- '{c}'"));
            return Ok(1);
        }
    };
    let mut which: Vec<char> = Vec::new();
    for (f, _) in &flags {
        let f = if *f == 'm' { 'c' } else { *f };
        if "lwcL".contains(f) && !which.contains(&f) {
            which.push(f);
        }
    }
    let order = ['l', 'w', 'c', 'L'];
    let cols: Vec<char> = if which.is_empty() {
        vec!['l', 'w', 'c']
    } else {
        order
            .iter()
            .copied()
            .filter(|c| which.contains(c))
            .collect()
    };
    let mut totals = [0u64; 4];
    let mut st = 0;
    let ins = inputs(sh, io, &files, ErrStyle::Counted);
    let nfiles = ins.len();
    let single = cols.len() == 1;
    let print_row = |io: &mut Io, vals: [u64; 4], name: Option<&str>| {
        let mut s = String::new();
        for (k, c) in cols.iter().enumerate() {
            let v = vals[order.iter().position(|o| o == c).unwrap_or(0)];
            if single && nfiles == 1 {
                s.push_str(&v.to_string());
            } else {
                if k > 0 {
                    s.push(' ');
                }
                s.push_str(&format!("{v:9}"));
            }
        }
        if let Some(n) = name {
            s.push(' ');
            s.push_str(n);
        }
        s.push('\n');
        io.print(&s);
    };
    for (name, data) in ins {
        let Some(d) = data else {
            st = 1;
            continue;
        };
        let l = d.iter().filter(|&&b| b == b'\n').count() as u64;
        let w = String::from_utf8_lossy(&d).split_whitespace().count() as u64;
        let c = d.len() as u64;
        let longest = lines(&d)
            .iter()
            .map(|l| l.chars().count() as u64)
            .max()
            .unwrap_or(0);
        let vals = [l, w, c, longest];
        for k in 0..3 {
            totals[k] += vals[k];
        }
        totals[3] = totals[3].max(longest);
        print_row(io, vals, if files.is_empty() { None } else { Some(&name) });
    }
    if nfiles > 1 {
        print_row(io, totals, Some("total"));
    }
    if io.failed {
        st = 1;
    }
    Ok(st)
}

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
            ::regex::escape(p)
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

/// A sed address.
#[derive(Clone)]
enum Addr {
    Line(usize),
    Last,
    Re(re::Regex),
}

/// A sed command.
#[derive(Clone)]
struct SedCmd {
    a1: Option<Addr>,
    a2: Option<Addr>,
    neg: bool,
    cmd: char,
    // s
    re: Option<re::Regex>,
    repl: String,
    global: bool,
    nth: usize,
    print: bool,
    text: String,
    block_end: usize,
}

fn sed_parse(script: &str, ext: bool, cmds: &mut Vec<SedCmd>) -> Result<(), String> {
    let cs: Vec<char> = script.chars().collect();
    let mut i = 0;
    let mut blocks: Vec<usize> = Vec::new();
    let skip_ws = |i: &mut usize| {
        while *i < cs.len() && (cs[*i] == ' ' || cs[*i] == '\t' || cs[*i] == ';' || cs[*i] == '\n')
        {
            *i += 1;
        }
    };
    let read_re = |i: &mut usize, delim: char| -> Result<String, String> {
        let mut s = String::new();
        while *i < cs.len() && cs[*i] != delim {
            if cs[*i] == '\\' && *i + 1 < cs.len() {
                if cs[*i + 1] == delim {
                    s.push(delim);
                } else if cs[*i + 1] == 'n' {
                    s.push('\n');
                } else {
                    s.push('\\');
                    s.push(cs[*i + 1]);
                }
                *i += 2;
                continue;
            }
            s.push(cs[*i]);
            *i += 1;
        }
        if *i >= cs.len() {
            return Err(format!("unmatched '{delim}'"));
        }
        *i += 1;
        Ok(s)
    };
    let compile = |p: &str, icase: bool| re::compile(p, ext, icase);
    loop {
        skip_ws(&mut i);
        if i >= cs.len() {
            break;
        }
        let addr = |i: &mut usize| -> Result<Option<Addr>, String> {
            if *i < cs.len() && cs[*i].is_ascii_digit() {
                let mut n = 0usize;
                while *i < cs.len() && cs[*i].is_ascii_digit() {
                    n = n
                        .saturating_mul(10)
                        .saturating_add(cs[*i].to_digit(10).unwrap_or(0) as usize);
                    *i += 1;
                }
                return Ok(Some(Addr::Line(n)));
            }
            if *i < cs.len() && cs[*i] == '$' {
                *i += 1;
                return Ok(Some(Addr::Last));
            }
            if *i < cs.len() && (cs[*i] == '/' || cs[*i] == '\\') {
                let delim = if cs[*i] == '\\' {
                    *i += 1;
                    cs.get(*i).copied().unwrap_or('/')
                } else {
                    '/'
                };
                *i += 1;
                let p = read_re(i, delim)?;
                let icase = *i < cs.len() && cs[*i] == 'I';
                if icase {
                    *i += 1;
                }
                return Ok(Some(Addr::Re(compile(&p, icase)?)));
            }
            Ok(None)
        };
        let a1 = addr(&mut i)?;
        let mut a2 = None;
        if a1.is_some() && i < cs.len() && cs[i] == ',' {
            i += 1;
            a2 = addr(&mut i)?;
        }
        while i < cs.len() && cs[i] == ' ' {
            i += 1;
        }
        let mut neg = false;
        if i < cs.len() && cs[i] == '!' {
            neg = true;
            i += 1;
            while i < cs.len() && cs[i] == ' ' {
                i += 1;
            }
        }
        let Some(&c) = cs.get(i) else {
            return Err("missing command".to_owned());
        };
        i += 1;
        let mut cmd = SedCmd {
            a1,
            a2,
            neg,
            cmd: c,
            re: None,
            repl: String::new(),
            global: false,
            nth: 1,
            print: false,
            text: String::new(),
            block_end: 0,
        };
        match c {
            's' | 'y' => {
                let Some(&delim) = cs.get(i) else {
                    return Err("unterminated `s' command".to_owned());
                };
                i += 1;
                let p = read_re(&mut i, delim)?;
                // replacement: keep backslashes for later processing
                let mut r = String::new();
                while i < cs.len() && cs[i] != delim {
                    if cs[i] == '\\' && i + 1 < cs.len() {
                        r.push('\\');
                        r.push(cs[i + 1]);
                        i += 2;
                        continue;
                    }
                    r.push(cs[i]);
                    i += 1;
                }
                if i >= cs.len() {
                    return Err(format!("unmatched '{delim}'"));
                }
                i += 1;
                if c == 'y' {
                    cmd.text = p;
                    cmd.repl = r
                        .replace("\\\\", "\u{1}")
                        .replace('\\', "")
                        .replace('\u{1}', "\\");
                } else {
                    let mut icase = false;
                    while i < cs.len() && !matches!(cs[i], ';' | '\n' | '}') {
                        match cs[i] {
                            'g' => cmd.global = true,
                            'p' => cmd.print = true,
                            'i' | 'I' => icase = true,
                            d if d.is_ascii_digit() => {
                                cmd.nth = d.to_digit(10).unwrap_or(1) as usize
                            }
                            ' ' => {}
                            'w' => break,
                            o => return Err(format!("unknown option to `s' command: '{o}'")),
                        }
                        i += 1;
                    }
                    cmd.re = Some(if p.is_empty() {
                        compile("^", false)?
                    } else {
                        compile(&p, icase)?
                    });
                    cmd.repl = r;
                }
            }
            'a' | 'i' | 'c' => {
                if i < cs.len() && cs[i] == '\\' {
                    i += 1;
                }
                if i < cs.len() && cs[i] == '\n' {
                    i += 1;
                }
                while i < cs.len() && cs[i] == ' ' {
                    i += 1;
                }
                let mut t = String::new();
                while i < cs.len() && cs[i] != '\n' {
                    if cs[i] == '\\' && i + 1 < cs.len() {
                        t.push(cs[i + 1]);
                        i += 2;
                        continue;
                    }
                    t.push(cs[i]);
                    i += 1;
                }
                cmd.text = t;
            }
            '{' => {
                blocks.push(cmds.len());
            }
            '}' => {
                let Some(open) = blocks.pop() else {
                    return Err("unexpected '}'".to_owned());
                };
                let here = cmds.len();
                if let Some(o) = cmds.get_mut(open) {
                    o.block_end = here;
                }
                continue;
            }
            'p' | 'd' | 'q' | 'n' | 'N' | 'P' | 'D' | '=' | 'h' | 'H' | 'g' | 'G' | 'x' | 'l'
            | 'Q' => {}
            'b' | 't' | 'T' | ':' => {
                while i < cs.len() && cs[i] == ' ' {
                    i += 1;
                }
                let mut label = String::new();
                while i < cs.len() && cs[i] != '\n' && cs[i] != ';' && cs[i] != '}' {
                    label.push(cs[i]);
                    i += 1;
                }
                let label = label.trim_end().to_owned();
                if c == ':' && label.is_empty() {
                    return Err("\":\" lacks a label".to_owned());
                }
                cmd.text = label;
            }
            'r' | 'w' => {
                while i < cs.len() && cs[i] != '\n' && cs[i] != ';' {
                    i += 1;
                }
                return Err(format!("command '{c}' is not simulated"));
            }
            o => return Err(format!("unsupported command {o}")),
        }
        cmds.push(cmd);
    }
    if !blocks.is_empty() {
        return Err("unmatched '{'".to_owned());
    }
    Ok(())
}

/// Appends `c` UTF-8 encoded.
fn push_char(out: &mut Vec<u8>, c: char) {
    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
}

fn sed_repl(repl: &str, caps: &::regex::bytes::Captures<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    let cs: Vec<char> = repl.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        match cs[i] {
            '&' => out.extend_from_slice(caps.get(0).map(|m| m.as_bytes()).unwrap_or(b"")),
            '\\' if i + 1 < cs.len() => {
                let n = cs[i + 1];
                i += 1;
                match n {
                    d @ '0'..='9' => {
                        let k = d.to_digit(10).unwrap_or(0) as usize;
                        out.extend_from_slice(caps.get(k).map(|m| m.as_bytes()).unwrap_or(b""));
                    }
                    'n' => out.push(b'\n'),
                    't' => out.push(b'\t'),
                    o => push_char(&mut out, o),
                }
            }
            c => push_char(&mut out, c),
        }
        i += 1;
    }
    out
}

/// `sed [-n] [-i] [-E] [-e script] script files…`.
pub fn sed(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, mut ops) = match getopt(&argv[1..], "ef") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("option requires an argument -- '{c}'"));
            return Ok(1);
        }
    };
    let quiet = flags.iter().any(|f| f.0 == 'n');
    let inplace = flags.iter().any(|f| f.0 == 'i');
    let ext = flags.iter().any(|f| f.0 == 'E' || f.0 == 'r');
    let mut scripts: Vec<String> = flags
        .iter()
        .filter(|f| f.0 == 'e')
        .filter_map(|f| f.1.clone())
        .collect();
    for f in flags.iter().filter(|f| f.0 == 'f') {
        if let Some(p) = &f.1 {
            if let Ok(c) = sh.fs.read(&sh.abs(p)) {
                scripts.push(String::from_utf8_lossy(&c.bytes()).into_owned());
            }
        }
    }
    if scripts.is_empty() {
        if ops.is_empty() {
            io.err("no script specified");
            return Ok(1);
        }
        scripts.push(ops.remove(0));
    }
    let mut cmds = Vec::new();
    for s in &scripts {
        if let Err(e) = sed_parse(s, ext, &mut cmds) {
            if e.contains("not simulated") {
                sh.notes.push(crate::exec::Note::Unsupported {
                    command: argv.join(" "),
                    detail: format!("sed: {e}"),
                });
            }
            io.err(&e);
            return Ok(1);
        }
    }
    let files = ops;
    if inplace {
        let mut st = 0;
        for f in &files {
            let p = sh.abs(f);
            let data = match sh.fs.read(&p) {
                Ok(c) => c.bytes().into_owned(),
                Err(e) => {
                    io.err(&format!("can't open '{f}': {}", super::errno_msg(&e)));
                    st = 4;
                    continue;
                }
            };
            let mut out = Vec::new();
            sed_run(&cmds, &[data], quiet, &mut out);
            sh.budget.write(out.len() as u64).map_err(|l| sh.limit(l))?;
            let attrs = sh.new_file_attrs();
            let _ = sh
                .fs
                .write(&p, strata_image::Content::from_bytes(out), attrs, sh.now);
        }
        return Ok(st);
    }
    let mut st = 0;
    let mut datas = Vec::new();
    for (_, d) in inputs(sh, io, &files, ErrStyle::CantOpen) {
        match d {
            Some(d) => datas.push(d),
            None => st = 2,
        }
    }
    let mut out = Vec::new();
    sed_run(&cmds, &datas, quiet, &mut out);
    io.out.extend(out);
    Ok(st)
}

fn sed_run(cmds: &[SedCmd], datas: &[Vec<u8>], quiet: bool, out: &mut Vec<u8>) {
    let mut all: Vec<String> = Vec::new();
    let mut last_nl = true;
    for d in datas {
        all.extend(lines(d));
        last_nl = d.is_empty() || d.ends_with(b"\n");
    }
    let total = all.len();
    let mut active: Vec<bool> = vec![false; cmds.len()];
    let mut hold = String::new();
    let mut li = 0;
    let emit = |out: &mut Vec<u8>, s: &str, is_last: bool| {
        out.extend_from_slice(s.as_bytes());
        if !is_last || last_nl {
            out.push(b'\n');
        }
    };
    let mut carry: Option<String> = None;
    let mut jumps = 0u64;
    'lines: while li < total || carry.is_some() {
        let mut ps = match carry.take() {
            Some(p) => p,
            None => {
                li += 1;
                all[li - 1].clone()
            }
        };
        let mut substituted = false;
        let mut append: Vec<String> = Vec::new();
        let mut ci = 0;
        let mut deleted = false;
        let mut quit = false;
        while ci < cmds.len() {
            let c = &cmds[ci];
            let lineno = li;
            let is_last = li == total;
            let m1 = |a: &Addr, ps: &str| match a {
                Addr::Line(n) => *n == lineno,
                Addr::Last => is_last,
                Addr::Re(r) => r.is_match(ps.as_bytes()),
            };
            let mut sel = match (&c.a1, &c.a2) {
                (None, _) => true,
                (Some(a), None) => m1(a, &ps),
                (Some(a), Some(b)) => {
                    if active[ci] {
                        let end = match b {
                            Addr::Line(n) => lineno >= *n,
                            _ => m1(b, &ps),
                        };
                        if end {
                            active[ci] = false;
                        }
                        true
                    } else if m1(a, &ps) {
                        let end_now = matches!(b, Addr::Line(n) if *n <= lineno);
                        active[ci] = !end_now;
                        true
                    } else {
                        false
                    }
                }
            };
            if c.neg {
                sel = !sel;
            }
            if !sel {
                if c.cmd == '{' {
                    ci = c.block_end;
                    continue;
                }
                ci += 1;
                continue;
            }
            match c.cmd {
                's' => {
                    if let Some(r) = &c.re {
                        let bytes = ps.as_bytes();
                        let mut res = Vec::new();
                        let mut last = 0;
                        let mut k = 0;
                        let mut did = false;
                        for caps in r.captures_iter(bytes) {
                            let Some(m) = caps.get(0) else { continue };
                            k += 1;
                            if k < c.nth || (did && !c.global) {
                                continue;
                            }
                            res.extend_from_slice(&bytes[last..m.start()]);
                            res.extend_from_slice(&sed_repl(&c.repl, &caps));
                            last = m.end();
                            did = true;
                            if !c.global {
                                break;
                            }
                        }
                        if did {
                            substituted = true;
                            res.extend_from_slice(&bytes[last..]);
                            ps = String::from_utf8_lossy(&res).into_owned();
                            if c.print {
                                emit(out, &ps, false);
                            }
                        }
                    }
                }
                'y' => {
                    let from: Vec<char> = c.text.chars().collect();
                    let to: Vec<char> = c.repl.chars().collect();
                    ps = ps
                        .chars()
                        .map(|ch| match from.iter().position(|&f| f == ch) {
                            Some(k) => to.get(k).copied().unwrap_or(ch),
                            None => ch,
                        })
                        .collect();
                }
                'p' => emit(out, &ps, false),
                'P' => emit(out, ps.split('\n').next().unwrap_or(""), false),
                'd' => {
                    deleted = true;
                    break;
                }
                'D' => {
                    deleted = true;
                    if let Some(k) = ps.find('\n') {
                        carry = Some(ps[k + 1..].to_owned());
                    }
                    break;
                }
                ':' => {}
                'b' | 't' | 'T' => {
                    let take = match c.cmd {
                        'b' => true,
                        't' => substituted,
                        _ => !substituted,
                    };
                    if c.cmd != 'b' {
                        substituted = false;
                    }
                    if take {
                        jumps += 1;
                        if jumps > 1_000_000 {
                            return;
                        }
                        ci = if c.text.is_empty() {
                            cmds.len()
                        } else {
                            match cmds.iter().position(|x| x.cmd == ':' && x.text == c.text) {
                                Some(k) => k,
                                None => cmds.len(),
                            }
                        };
                        continue;
                    }
                }
                'q' => {
                    quit = true;
                    break;
                }
                'Q' => return,
                '=' => out.extend_from_slice(format!("{lineno}\n").as_bytes()),
                'a' => append.push(c.text.clone()),
                'i' => emit(out, &c.text, false),
                'c' => {
                    if c.a2.is_none() || !active[ci] {
                        emit(out, &c.text, false);
                    }
                    deleted = true;
                    break;
                }
                'n' => {
                    if !quiet {
                        emit(out, &ps, li == total);
                    }
                    if li < total {
                        ps = all[li].clone();
                        li += 1;
                    } else {
                        deleted = true;
                        break;
                    }
                }
                'N' => {
                    if li < total {
                        ps.push('\n');
                        ps.push_str(&all[li]);
                        li += 1;
                    } else {
                        break;
                    }
                }
                'h' => hold = ps.clone(),
                'H' => {
                    hold.push('\n');
                    hold.push_str(&ps);
                }
                'g' => ps = hold.clone(),
                'G' => {
                    ps.push('\n');
                    ps.push_str(&hold);
                }
                'x' => std::mem::swap(&mut ps, &mut hold),
                'l' => emit(
                    out,
                    &format!("{}$", ps.replace('\\', "\\\\").replace('\t', "\\t")),
                    false,
                ),
                _ => {}
            }
            ci += 1;
        }
        if !deleted && !quiet {
            emit(out, &ps, li == total);
        }
        for a in append {
            emit(out, &a, false);
        }
        if quit {
            break 'lines;
        }
    }
}

fn parse_list(spec: &str) -> Option<Vec<(usize, usize)>> {
    let mut v = Vec::new();
    for part in spec.split(',') {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (
                if a.is_empty() { 1 } else { a.parse().ok()? },
                if b.is_empty() {
                    usize::MAX
                } else {
                    b.parse().ok()?
                },
            ),
            None => {
                let n = part.parse().ok()?;
                (n, n)
            }
        };
        if a == 0 {
            return None;
        }
        v.push((a, b));
    }
    Some(v)
}

/// `cut -d D -f LIST | -c LIST | -b LIST [-s] files…`.
pub fn cut(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, files) = match getopt(&argv[1..], "dfcb") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("option requires an argument -- '{c}'"));
            return Ok(1);
        }
    };
    let mut delim = '\t';
    let mut fields = None;
    let mut chars = None;
    let mut only = false;
    for (f, v) in &flags {
        match f {
            'd' => delim = v.as_deref().and_then(|v| v.chars().next()).unwrap_or('\t'),
            'f' => fields = v.clone(),
            'c' | 'b' => chars = v.clone(),
            's' => only = true,
            _ => {}
        }
    }
    let (spec, by_field) = match (fields, chars) {
        (Some(f), _) => (f, true),
        (None, Some(c)) => (c, false),
        _ => {
            io.err("expected a list of bytes, characters, or fields");
            return Ok(1);
        }
    };
    let Some(list) = parse_list(&spec) else {
        io.err(&format!("invalid byte or field list '{spec}'"));
        return Ok(1);
    };
    let sel = |i: usize| list.iter().any(|&(a, b)| a <= i && i <= b);
    let mut st = 0;
    for (_, d) in inputs(sh, io, &files, ErrStyle::CantOpen) {
        let Some(d) = d else {
            st = 1;
            continue;
        };
        for line in lines(&d) {
            if by_field {
                if !line.contains(delim) {
                    if !only {
                        io.print(&format!("{line}\n"));
                    }
                    continue;
                }
                let parts: Vec<&str> = line.split(delim).collect();
                let picked: Vec<&str> = parts
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| sel(i + 1))
                    .map(|(_, p)| *p)
                    .collect();
                io.print(&picked.join(&delim.to_string()));
                io.print("\n");
            } else {
                let s: String = line
                    .chars()
                    .enumerate()
                    .filter(|(i, _)| sel(i + 1))
                    .map(|(_, c)| c)
                    .collect();
                io.print(&s);
                io.print("\n");
            }
        }
    }
    Ok(st)
}

fn tr_set(s: &str) -> Vec<u8> {
    let (b, _) = escapes(s, false);
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'[' && b.get(i + 1) == Some(&b':') {
            if let Some(end) = b[i + 2..].windows(2).position(|w| w == b":]") {
                let name = String::from_utf8_lossy(&b[i + 2..i + 2 + end]).into_owned();
                let range: Vec<u8> = (0u8..=127)
                    .filter(|&c| {
                        let ch = c as char;
                        match name.as_str() {
                            "alpha" => ch.is_ascii_alphabetic(),
                            "digit" => ch.is_ascii_digit(),
                            "alnum" => ch.is_ascii_alphanumeric(),
                            "upper" => ch.is_ascii_uppercase(),
                            "lower" => ch.is_ascii_lowercase(),
                            "space" => ch.is_ascii_whitespace() || c == 11,
                            "blank" => c == b' ' || c == b'\t',
                            "punct" => ch.is_ascii_punctuation(),
                            "xdigit" => ch.is_ascii_hexdigit(),
                            "cntrl" => ch.is_ascii_control(),
                            _ => false,
                        }
                    })
                    .collect();
                out.extend(range);
                i += 2 + end + 2;
                continue;
            }
        }
        if i + 2 < b.len() && b[i + 1] == b'-' {
            let (lo, hi) = (b[i], b[i + 2]);
            if lo <= hi {
                out.extend(lo..=hi);
            }
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// `tr [-d] [-s] [-c] SET1 [SET2]`.
pub fn tr(_sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let mut del = false;
    let mut squeeze = false;
    let mut comp = false;
    let mut sets = Vec::new();
    for a in &argv[1..] {
        if a.len() > 1
            && a.starts_with('-')
            && sets.is_empty()
            && a[1..].chars().all(|c| "dscC".contains(c))
        {
            for c in a[1..].chars() {
                match c {
                    'd' => del = true,
                    's' => squeeze = true,
                    _ => comp = true,
                }
            }
        } else {
            sets.push(a.clone());
        }
    }
    if sets.is_empty() {
        io.err("missing operand");
        return Ok(1);
    }
    let mut s1 = tr_set(&sets[0]);
    if comp {
        s1 = (0u8..=255).filter(|c| !s1.contains(c)).collect();
    }
    let s2 = sets.get(1).map(|s| tr_set(s)).unwrap_or_default();
    let data = io.stdin_all();
    let mut out = Vec::with_capacity(data.len());
    let mut last: Option<u8> = None;
    for &b in &data {
        let mut c = b;
        if del {
            if s1.contains(&b) {
                continue;
            }
        } else if !s2.is_empty() {
            if let Some(k) = s1.iter().rposition(|&x| x == b) {
                c = *s2.get(k).unwrap_or_else(|| s2.last().unwrap_or(&b));
            }
        }
        if squeeze {
            let sq = if del || s2.is_empty() { &s1 } else { &s2 };
            if last == Some(c) && sq.contains(&c) {
                continue;
            }
        }
        last = Some(c);
        out.push(c);
    }
    io.out.extend(out);
    Ok(0)
}

fn numeric_prefix(s: &str) -> f64 {
    let t = s.trim_start();
    let mut end = 0;
    for (i, c) in t.char_indices() {
        if c.is_ascii_digit() || c == '.' || (i == 0 && (c == '-' || c == '+')) {
            end = i + c.len_utf8();
        } else {
            break;
        }
    }
    t[..end].parse().unwrap_or(0.0)
}

/// `sort -h`'s value: a number with an optional K/M/G/T/P/E suffix.
fn human_value(s: &str) -> f64 {
    let t = s.trim();
    let n = numeric_prefix(t);
    let rest =
        t.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '-' || c == '+');
    let mult = match rest.chars().next().map(|c| c.to_ascii_uppercase()) {
        Some('K') => 1e3,
        Some('M') => 1e6,
        Some('G') => 1e9,
        Some('T') => 1e12,
        Some('P') => 1e15,
        Some('E') => 1e18,
        _ => 1.0,
    };
    n * mult
}

/// `sort -V`: digit runs compare as numbers, the rest as text.
fn version_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let mut p = String::new();
                while let Some(c) = x.peek().copied().filter(char::is_ascii_digit) {
                    p.push(c);
                    x.next();
                }
                let mut q = String::new();
                while let Some(d) = y.peek().copied().filter(char::is_ascii_digit) {
                    q.push(d);
                    y.next();
                }
                let (p2, q2) = (p.trim_start_matches('0'), q.trim_start_matches('0'));
                let o = p2.len().cmp(&q2.len()).then_with(|| p2.cmp(q2));
                if o != std::cmp::Ordering::Equal {
                    return o;
                }
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(&d);
                }
                x.next();
                y.next();
            }
        }
    }
}

/// `sort [-nrufb] [-k N] [-t C] files…`.
pub fn sort(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, files) = match getopt(&argv[1..], "kto") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("option requires an argument -- '{c}'"));
            return Ok(1);
        }
    };
    let has = |c: char| flags.iter().any(|f| f.0 == c);
    let (num, rev, uniq, fold) = (
        has('n') || has('g') || has('h'),
        has('r'),
        has('u'),
        has('f'),
    );
    let key = flags.iter().find(|f| f.0 == 'k').and_then(|f| f.1.clone());
    let sep = flags
        .iter()
        .find(|f| f.0 == 't')
        .and_then(|f| f.1.as_deref()?.chars().next());
    let mut all = Vec::new();
    let mut st = 0;
    for (_, d) in inputs(sh, io, &files, ErrStyle::CantOpen) {
        match d {
            Some(d) => all.extend(lines(&d)),
            None => st = 2,
        }
    }
    let (kstart, kend, knum) = match &key {
        Some(k) => {
            let (a, b) = k
                .split_once(',')
                .map(|(a, b)| (a, Some(b)))
                .unwrap_or((k.as_str(), None));
            let n = a.ends_with('n') || b.is_some_and(|b| b.ends_with('n'));
            let a: usize = a
                .trim_end_matches(|c: char| c.is_alphabetic())
                .split('.')
                .next()
                .unwrap_or("1")
                .parse()
                .unwrap_or(1);
            let b: Option<usize> = b.and_then(|b| {
                b.trim_end_matches(|c: char| c.is_alphabetic())
                    .split('.')
                    .next()?
                    .parse()
                    .ok()
            });
            (a.max(1), b, n)
        }
        None => (1, None, false),
    };
    let keyof = |l: &str| -> String {
        if key.is_none() {
            return l.to_owned();
        }
        let fields: Vec<String> = match sep {
            Some(c) => l.split(c).map(str::to_owned).collect(),
            None => {
                // fields include leading blanks
                let mut v = Vec::new();
                let mut cur = String::new();
                let mut in_blank = true;
                for ch in l.chars() {
                    let b = ch == ' ' || ch == '\t';
                    if b && !in_blank && !cur.is_empty() {
                        v.push(std::mem::take(&mut cur));
                    }
                    in_blank = b;
                    cur.push(ch);
                }
                if !cur.is_empty() {
                    v.push(cur);
                }
                v
            }
        };
        let end = kend.unwrap_or(fields.len()).min(fields.len());
        if kstart > end {
            return String::new();
        }
        let j = match sep {
            Some(c) => c.to_string(),
            None => String::new(),
        };
        fields[kstart - 1..end].join(&j)
    };
    let numeric = num || knum;
    let version = has('V');
    let human = has('h');
    let cmp = |a: &String, b: &String| {
        let (ka, kb) = (keyof(a), keyof(b));
        let o = if version {
            version_cmp(&ka, &kb)
        } else if human {
            human_value(&ka)
                .partial_cmp(&human_value(&kb))
                .unwrap_or(std::cmp::Ordering::Equal)
        } else if numeric {
            numeric_prefix(&ka)
                .partial_cmp(&numeric_prefix(&kb))
                .unwrap_or(std::cmp::Ordering::Equal)
        } else if fold {
            ka.to_lowercase().cmp(&kb.to_lowercase())
        } else {
            ka.cmp(&kb)
        };
        if o == std::cmp::Ordering::Equal && !uniq {
            a.cmp(b)
        } else {
            o
        }
    };
    all.sort_by(|a, b| if rev { cmp(b, a) } else { cmp(a, b) });
    if uniq {
        all.dedup_by(|a, b| cmp(a, b) == std::cmp::Ordering::Equal);
    }
    for l in all {
        io.print(&l);
        io.print("\n");
    }
    Ok(st)
}

/// `uniq [-cdu] [input]`.
pub fn uniq(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, files) = match getopt(&argv[1..], "fs") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("invalid option -- '{c}'"));
            return Ok(1);
        }
    };
    let has = |c: char| flags.iter().any(|f| f.0 == c);
    let (count, dups, uniques, icase) = (has('c'), has('d'), has('u'), has('i'));
    let files: Vec<String> = files.into_iter().take(1).collect();
    let mut st = 0;
    let mut all = Vec::new();
    for (_, d) in inputs(sh, io, &files, ErrStyle::CantOpen) {
        match d {
            Some(d) => all.extend(lines(&d)),
            None => st = 1,
        }
    }
    let mut i = 0;
    while i < all.len() {
        let mut j = i + 1;
        while j < all.len()
            && (all[j] == all[i] || icase && all[j].to_lowercase() == all[i].to_lowercase())
        {
            j += 1;
        }
        let n = j - i;
        let show = (!dups || n > 1) && (!uniques || n == 1);
        if show {
            if count {
                io.print(&format!("{n:7} {}\n", all[i]));
            } else {
                io.print(&format!("{}\n", all[i]));
            }
        }
        i = j;
    }
    Ok(st)
}

/// `tee [-a] files…`.
pub fn tee(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, files) = match getopt(&argv[1..], "") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("invalid option -- '{c}'"));
            return Ok(1);
        }
    };
    let append = flags.iter().any(|f| f.0 == 'a');
    let data = io.stdin_all();
    let mut st = 0;
    for f in &files {
        let p = sh.abs(f);
        if p == "/dev/stdout" || p == "/proc/self/fd/1" {
            io.out.extend_from_slice(&data);
            continue;
        }
        if p == "/dev/stderr" || p == "/proc/self/fd/2" {
            io.err.extend_from_slice(&data);
            continue;
        }
        if crate::shell::interp::is_dev_null(&p) {
            continue;
        }
        sh.budget
            .write(data.len() as u64)
            .map_err(|l| sh.limit(l))?;
        let attrs = sh.new_file_attrs();
        let r = if append {
            sh.fs.append(&p, &data, attrs, sh.now)
        } else {
            sh.fs.write(
                &p,
                strata_image::Content::from_bytes(data.clone()),
                attrs,
                sh.now,
            )
        };
        if let Err(e) = r {
            io.err(&format!("can't open '{f}': {}", super::errno_msg(&e)));
            st = 1;
        }
    }
    io.out.extend(data);
    Ok(st)
}

/// `seq [-s SEP] [-w] [FIRST [INC]] LAST`.
pub fn seq(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let mut sep = "\n".to_owned();
    let mut width = false;
    let mut nums = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        if a == "-s" {
            sep = argv.get(i + 1).cloned().unwrap_or_default();
            i += 2;
            continue;
        }
        if let Some(s) = a.strip_prefix("-s") {
            sep = s.to_owned();
            i += 1;
            continue;
        }
        if a == "-w" {
            width = true;
            i += 1;
            continue;
        }
        nums.push(a.clone());
        i += 1;
    }
    let parsed: Option<Vec<f64>> = nums.iter().map(|n| n.parse::<f64>().ok()).collect();
    let Some(p) = parsed else {
        let bad = nums
            .iter()
            .find(|n| n.parse::<f64>().is_err())
            .cloned()
            .unwrap_or_default();
        io.err(&format!("invalid number '{bad}'"));
        return Ok(1);
    };
    let (first, inc, last) = match p.len() {
        1 => (1.0, 1.0, p[0]),
        2 => (p[0], 1.0, p[1]),
        3 => (p[0], p[1], p[2]),
        _ => {
            io.err("usage: seq [-w] [-s SEP] [FIRST [INC]] LAST");
            return Ok(1);
        }
    };
    if inc == 0.0 {
        return Ok(0);
    }
    let decimals = nums
        .iter()
        .map(|n| n.split_once('.').map(|(_, d)| d.len()).unwrap_or(0))
        .max()
        .unwrap_or(0);
    let wid = if width {
        [first, last]
            .iter()
            .map(|v| format!("{:.*}", decimals, v).len())
            .max()
            .unwrap_or(0)
    } else {
        0
    };
    let mut v = first;
    let mut k = 0u64;
    let mut out = String::new();
    while (inc > 0.0 && v <= last + 1e-9) || (inc < 0.0 && v >= last - 1e-9) {
        k += 1;
        if k.is_multiple_of(1024) {
            sh.step()?;
        }
        if k > sh.budget.limits.max_loop_iterations.saturating_mul(10) {
            return Err(sh.limit(crate::exec::Limit::LoopIterations));
        }
        if !out.is_empty() {
            out.push_str(&sep);
        }
        let s = format!("{:.*}", decimals, v);
        if width && s.len() < wid {
            out.push_str(&"0".repeat(wid - s.len()));
        }
        out.push_str(&s);
        v = first + inc * k as f64;
        if out.len() as u64 > sh.budget.limits.max_output * 4 {
            return Err(sh.limit(crate::exec::Limit::Output));
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    io.print(&out);
    Ok(0)
}

/// `basename PATH [SUFFIX]`.
pub fn basename(_sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let Some(p) = argv.get(1) else {
        io.err("usage: basename FILE [SUFFIX]");
        return Ok(1);
    };
    let t = p.trim_end_matches('/');
    let mut b = if t.is_empty() && p.starts_with('/') {
        "/".to_owned()
    } else {
        t.rsplit('/').next().unwrap_or(t).to_owned()
    };
    if let Some(suf) = argv.get(2) {
        if b.len() > suf.len() && b.ends_with(suf.as_str()) {
            b.truncate(b.len() - suf.len());
        }
    }
    io.print(&format!("{b}\n"));
    Ok(0)
}

/// `dirname PATH`.
pub fn dirname(_sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let Some(p) = argv.get(1) else {
        io.err("usage: dirname FILENAME");
        return Ok(1);
    };
    let t = p.trim_end_matches('/');
    let d = if t.is_empty() {
        if p.starts_with('/') {
            "/".to_owned()
        } else {
            ".".to_owned()
        }
    } else {
        match t.rfind('/') {
            None => ".".to_owned(),
            Some(i) => {
                let d = t[..i].trim_end_matches('/');
                if d.is_empty() {
                    t[..=i].to_owned()
                } else {
                    d.to_owned()
                }
            }
        }
    };
    io.print(&format!("{d}\n"));
    Ok(0)
}

/// `yes [STRING]`: bounded by the output limit.
pub fn yes(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let s = if argv.len() > 1 {
        argv[1..].join(" ")
    } else {
        "y".to_owned()
    };
    let line = format!("{s}\n");
    // Downstream readers (head) see only what they need; write up to the output limit.
    let cap = (sh.budget.limits.max_output / 4).max(line.len() as u64) as usize;
    while io.out.len() + line.len() <= cap {
        io.out.extend_from_slice(line.as_bytes());
    }
    Ok(0)
}

/// `expr` expressions.
pub fn expr(_sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let toks: Vec<String> = argv[1..].to_vec();
    if toks.is_empty() {
        io.err("too few arguments");
        return Ok(2);
    }
    let mut p = ExprP {
        t: &toks,
        i: 0,
        depth: 0,
    };
    match p.or() {
        Ok(v) if p.i == toks.len() => {
            let s = v.to_string();
            io.print(&format!("{s}\n"));
            Ok(i32::from(v.is_null()))
        }
        Ok(_) => {
            io.err("syntax error");
            Ok(2)
        }
        Err(e) => {
            io.err(&e);
            Ok(2)
        }
    }
}

#[derive(Clone, Debug)]
enum EV {
    I(i64),
    S(String),
}

impl EV {
    fn is_null(&self) -> bool {
        match self {
            EV::I(n) => *n == 0,
            EV::S(s) => s.is_empty() || s == "0",
        }
    }
    fn int(&self) -> Option<i64> {
        match self {
            EV::I(n) => Some(*n),
            EV::S(s) => s.trim().parse().ok(),
        }
    }
}

impl std::fmt::Display for EV {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EV::I(n) => write!(f, "{n}"),
            EV::S(s) => write!(f, "{s}"),
        }
    }
}

struct ExprP<'t> {
    t: &'t [String],
    i: usize,
    depth: u32,
}

impl ExprP<'_> {
    fn peek(&self) -> Option<&str> {
        self.t.get(self.i).map(String::as_str)
    }
    fn or(&mut self) -> Result<EV, String> {
        self.depth += 1;
        if self.depth > 100 {
            return Err("syntax error".to_owned());
        }
        let mut l = self.and()?;
        while self.peek() == Some("|") {
            self.i += 1;
            let r = self.and()?;
            l = if !l.is_null() {
                l
            } else if !r.is_null() {
                r
            } else {
                EV::I(0)
            };
        }
        self.depth -= 1;
        Ok(l)
    }
    fn and(&mut self) -> Result<EV, String> {
        let mut l = self.cmp()?;
        while self.peek() == Some("&") {
            self.i += 1;
            let r = self.cmp()?;
            l = if !l.is_null() && !r.is_null() {
                l
            } else {
                EV::I(0)
            };
        }
        Ok(l)
    }
    fn cmp(&mut self) -> Result<EV, String> {
        let mut l = self.add()?;
        while let Some(op) = self
            .peek()
            .filter(|o| matches!(*o, "=" | "==" | "!=" | "<" | ">" | "<=" | ">="))
        {
            let op = op.to_owned();
            self.i += 1;
            let r = self.add()?;
            let o = match (l.int(), r.int()) {
                (Some(a), Some(b)) => a.cmp(&b),
                _ => l.to_string().cmp(&r.to_string()),
            };
            use std::cmp::Ordering::*;
            let v = match op.as_str() {
                "=" | "==" => o == Equal,
                "!=" => o != Equal,
                "<" => o == Less,
                ">" => o == Greater,
                "<=" => o != Greater,
                _ => o != Less,
            };
            l = EV::I(i64::from(v));
        }
        Ok(l)
    }
    fn add(&mut self) -> Result<EV, String> {
        let mut l = self.mul()?;
        while let Some(op) = self.peek().filter(|o| matches!(*o, "+" | "-")) {
            let op = op.to_owned();
            self.i += 1;
            let r = self.mul()?;
            let (Some(a), Some(b)) = (l.int(), r.int()) else {
                return Err("non-numeric argument".to_owned());
            };
            l = EV::I(if op == "+" {
                a.wrapping_add(b)
            } else {
                a.wrapping_sub(b)
            });
        }
        Ok(l)
    }
    fn mul(&mut self) -> Result<EV, String> {
        let mut l = self.colon()?;
        while let Some(op) = self.peek().filter(|o| matches!(*o, "*" | "/" | "%")) {
            let op = op.to_owned();
            self.i += 1;
            let r = self.colon()?;
            let (Some(a), Some(b)) = (l.int(), r.int()) else {
                return Err("non-numeric argument".to_owned());
            };
            if op != "*" && b == 0 {
                return Err("division by zero".to_owned());
            }
            l = EV::I(match op.as_str() {
                "*" => a.wrapping_mul(b),
                "/" => a.wrapping_div(b),
                _ => a.wrapping_rem(b),
            });
        }
        Ok(l)
    }
    fn colon(&mut self) -> Result<EV, String> {
        let mut l = self.prim()?;
        while self.peek() == Some(":") {
            self.i += 1;
            let r = self.prim()?;
            l = match_re(&l.to_string(), &r.to_string())?;
        }
        Ok(l)
    }
    fn prim(&mut self) -> Result<EV, String> {
        let Some(t) = self.peek().map(str::to_owned) else {
            return Err("syntax error".to_owned());
        };
        self.i += 1;
        match t.as_str() {
            "(" => {
                let v = self.or()?;
                if self.peek() != Some(")") {
                    return Err("syntax error".to_owned());
                }
                self.i += 1;
                Ok(v)
            }
            "length" => {
                let v = self.prim()?;
                Ok(EV::I(v.to_string().chars().count() as i64))
            }
            "match" => {
                let a = self.prim()?;
                let b = self.prim()?;
                match_re(&a.to_string(), &b.to_string())
            }
            "substr" => {
                let s = self.prim()?.to_string();
                let p = self.prim()?.int().unwrap_or(0);
                let n = self.prim()?.int().unwrap_or(0);
                if p < 1 || n < 1 {
                    return Ok(EV::S(String::new()));
                }
                Ok(EV::S(
                    s.chars().skip(p as usize - 1).take(n as usize).collect(),
                ))
            }
            "index" => {
                let s = self.prim()?.to_string();
                let c = self.prim()?.to_string();
                let pos = s
                    .chars()
                    .position(|x| c.contains(x))
                    .map(|p| p as i64 + 1)
                    .unwrap_or(0);
                Ok(EV::I(pos))
            }
            _ => Ok(match t.parse::<i64>() {
                Ok(n) => EV::I(n),
                Err(_) => EV::S(t),
            }),
        }
    }
}

fn match_re(s: &str, pat: &str) -> Result<EV, String> {
    let t = re::translate(pat, false)?;
    let r = re::build(&format!("^(?:{t})"), false).map_err(|_| "bad regex".to_owned())?;
    match r.captures(s.as_bytes()) {
        Some(c) => {
            if c.len() > 1 {
                Ok(EV::S(
                    c.get(1)
                        .map(|m| String::from_utf8_lossy(m.as_bytes()).into_owned())
                        .unwrap_or_default(),
                ))
            } else {
                Ok(EV::I(
                    c.get(0).map(|m| re::char_count(m.as_bytes())).unwrap_or(0) as i64,
                ))
            }
        }
        None => {
            if r.captures_len() > 1 {
                Ok(EV::S(String::new()))
            } else {
                Ok(EV::I(0))
            }
        }
    }
}

/// `rev`.
pub fn rev(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    for (_, d) in inputs(sh, io, &argv[1..], ErrStyle::CantOpen) {
        for l in lines(&d.unwrap_or_default()) {
            let r: String = l.chars().rev().collect();
            io.print(&format!("{r}\n"));
        }
    }
    Ok(0)
}

/// `tac`.
pub fn tac(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    for (_, d) in inputs(sh, io, &argv[1..], ErrStyle::CantOpen) {
        for l in lines(&d.unwrap_or_default()).iter().rev() {
            io.print(&format!("{l}\n"));
        }
    }
    Ok(0)
}

/// `nl`.
pub fn nl(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let mut n = 0;
    for (_, d) in inputs(sh, io, &argv[1..], ErrStyle::CantOpen) {
        for l in lines(&d.unwrap_or_default()) {
            if l.is_empty() {
                io.print("       \n");
            } else {
                n += 1;
                io.print(&format!("{n:6}\t{l}\n"));
            }
        }
    }
    Ok(0)
}

/// `base64 [-d]`.
pub fn base64(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let decode = argv.iter().any(|a| a == "-d");
    let files: Vec<String> = argv[1..]
        .iter()
        .filter(|a| !a.starts_with('-'))
        .cloned()
        .collect();
    let data: Vec<u8> = inputs(sh, io, &files, ErrStyle::CantOpen)
        .into_iter()
        .flat_map(|(_, d)| d.unwrap_or_default())
        .collect();
    if decode {
        let mut out = Vec::new();
        let mut buf = 0u32;
        let mut bits = 0;
        for &b in &data {
            let Some(v) = T.iter().position(|&t| t == b) else {
                continue;
            };
            buf = (buf << 6) | v as u32;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((buf >> bits) as u8);
            }
        }
        io.out.extend(out);
        return Ok(0);
    }
    let mut s = String::new();
    for ch in data.chunks(3) {
        let n = ch.len();
        let v = (u32::from(ch[0]) << 16)
            | (u32::from(*ch.get(1).unwrap_or(&0)) << 8)
            | u32::from(*ch.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= n {
                s.push(T[((v >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && i % 76 == 0 {
            out.push('\n');
        }
        out.push(c);
    }
    out.push('\n');
    io.print(&out);
    Ok(0)
}

/// `od [-A o|d|x|n] [-t x1|x2|x4|o1|o2|u1|d1|c] [-c] [-x] [-b] [-N COUNT] [-j SKIP] [-v] [FILE…]`.
pub fn od(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, files) = match getopt(&argv[1..], "AtNj") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("option requires an argument -- '{c}'"));
            return Ok(1);
        }
    };
    let mut radix = 'o';
    let mut ty = "o2".to_owned();
    let mut count: Option<usize> = None;
    let mut skip = 0usize;
    let mut verbose = false;
    for (f, v) in &flags {
        match (f, v.as_deref()) {
            ('A', Some(r)) => radix = r.chars().next().unwrap_or('o'),
            ('t', Some(t)) => ty = t.to_owned(),
            ('N', Some(n)) => count = n.parse().ok(),
            ('j', Some(n)) => skip = n.parse().unwrap_or(0),
            ('c', _) => ty = "c".to_owned(),
            ('x', _) => ty = "x2".to_owned(),
            ('b', _) => ty = "o1".to_owned(),
            ('d', _) => ty = "u2".to_owned(),
            ('v', _) => verbose = true,
            _ => {}
        }
    }
    let ty = match ty.as_str() {
        "x" => "x4".to_owned(),
        "o" => "o4".to_owned(),
        "d" => "d4".to_owned(),
        "u" => "u4".to_owned(),
        t => t.to_owned(),
    };
    let mut data: Vec<u8> = inputs(sh, io, &files, ErrStyle::CantOpen)
        .into_iter()
        .flat_map(|(_, d)| d.unwrap_or_default())
        .collect();
    data.drain(..skip.min(data.len()));
    if let Some(n) = count {
        data.truncate(n);
    }
    let (kind, size) = {
        let k = ty.chars().next().unwrap_or('o');
        let n: usize = ty[k.len_utf8()..]
            .parse()
            .unwrap_or(if k == 'c' { 1 } else { 2 });
        (k, if k == 'c' { 1 } else { n.clamp(1, 8) })
    };
    if !matches!(kind, 'x' | 'o' | 'u' | 'd' | 'c') {
        io.err(&format!("invalid type string '{ty}'"));
        return Ok(1);
    }
    let addr = |a: usize| -> String {
        match radix {
            'n' => String::new(),
            'x' => format!("{a:06x}"),
            'd' => format!("{a:07}"),
            _ => format!("{a:07o}"),
        }
    };
    let unit = |chunk: &[u8]| -> String {
        let mut v: u64 = 0;
        for (k, b) in chunk.iter().enumerate() {
            v |= u64::from(*b) << (8 * k);
        }
        let bits = 8 * size as u32;
        match kind {
            'c' => {
                let b = chunk[0];
                match b {
                    b'\0' => "  \\0".to_owned(),
                    b'\n' => "  \\n".to_owned(),
                    b'\t' => "  \\t".to_owned(),
                    b'\r' => "  \\r".to_owned(),
                    0x20..=0x7e => format!("   {}", b as char),
                    _ => format!(" {b:03o}"),
                }
            }
            'x' => format!(" {v:0w$x}", w = size * 2),
            'o' => format!(" {v:0w$o}", w = (bits as usize).div_ceil(3)),
            'u' => {
                let w = [3usize, 5, 10, 20][size.trailing_zeros().min(3) as usize];
                format!(" {v:>w$}")
            }
            _ => {
                let signed = if bits >= 64 {
                    v as i64
                } else {
                    let sh = 64 - bits;
                    ((v << sh) as i64) >> sh
                };
                let w = [4usize, 6, 11, 20][size.trailing_zeros().min(3) as usize];
                format!(" {signed:>w$}")
            }
        }
    };
    let mut last: Option<&[u8]> = None;
    let mut starred = false;
    for (k, line) in data.chunks(16).enumerate() {
        if !verbose && last == Some(line) && line.len() == 16 {
            if !starred {
                io.print("*\n");
                starred = true;
            }
            continue;
        }
        starred = false;
        last = Some(line);
        let mut s = addr(k * 16);
        for c in line.chunks(size) {
            s.push_str(&unit(c));
        }
        s.push('\n');
        io.print(&s);
    }
    if radix != 'n' {
        io.print(&format!("{}\n", addr(data.len())));
    }
    Ok(i32::from(io.failed))
}

/// `cmp a b`.
pub fn cmp(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let files: Vec<String> = argv[1..]
        .iter()
        .filter(|a| !a.starts_with('-'))
        .cloned()
        .collect();
    let silent = argv.iter().any(|a| a == "-s");
    if files.len() < 2 {
        io.err("usage: cmp FILE1 [FILE2]");
        return Ok(2);
    }
    let ins = inputs(sh, io, &files[..2], ErrStyle::CantOpen);
    let (Some(a), Some(b)) = (ins[0].1.clone(), ins[1].1.clone()) else {
        return Ok(2);
    };
    if a == b {
        return Ok(0);
    }
    if !silent {
        let pos = a
            .iter()
            .zip(b.iter())
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        if pos >= a.len().min(b.len()) {
            io.err(&format!(
                "EOF on {}",
                if a.len() < b.len() {
                    &files[0]
                } else {
                    &files[1]
                }
            ));
        } else {
            let line = a[..pos].iter().filter(|&&c| c == b'\n').count() + 1;
            io.print(&format!(
                "{} {} differ: char {}, line {}\n",
                files[0],
                files[1],
                pos + 1,
                line
            ));
        }
    }
    Ok(1)
}

/// `diff`: only tells whether files differ.
pub fn diff(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let files: Vec<String> = argv[1..]
        .iter()
        .filter(|a| !a.starts_with('-'))
        .cloned()
        .collect();
    if files.len() < 2 {
        return Ok(2);
    }
    let ins = inputs(sh, io, &files[..2], ErrStyle::CantOpen);
    let (Some(a), Some(b)) = (ins[0].1.clone(), ins[1].1.clone()) else {
        return Ok(2);
    };
    if a == b {
        return Ok(0);
    }
    sh.notes.push(crate::exec::Note::Unsupported {
        command: argv.join(" "),
        detail: "diff output is not simulated (only the exit status)".to_owned(),
    });
    io.print(&format!("Files {} and {} differ\n", files[0], files[1]));
    Ok(1)
}

/// `paste [-d LIST] [-s] FILE…`.
pub fn paste(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, files) = match getopt(&argv[1..], "d") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("option requires an argument -- '{c}'"));
            return Ok(1);
        }
    };
    let delims: Vec<char> = flags
        .iter()
        .find(|f| f.0 == 'd')
        .and_then(|f| f.1.clone())
        .map(|d| {
            String::from_utf8_lossy(&escapes(&d, false).0)
                .chars()
                .collect()
        })
        .unwrap_or_else(|| vec!['\t']);
    let delims = if delims.is_empty() {
        vec!['\t']
    } else {
        delims
    };
    let serial = flags.iter().any(|f| f.0 == 's');
    let files = if files.is_empty() {
        vec!["-".to_owned()]
    } else {
        files
    };
    let cols: Vec<Vec<String>> = inputs(sh, io, &files, ErrStyle::CantOpen)
        .into_iter()
        .map(|(_, d)| lines(&d.unwrap_or_default()))
        .collect();
    if serial {
        for c in cols {
            let mut s = String::new();
            for (k, l) in c.iter().enumerate() {
                if k > 0 {
                    s.push(delims[(k - 1) % delims.len()]);
                }
                s.push_str(l);
            }
            io.print(&format!("{s}\n"));
        }
        return Ok(i32::from(io.failed));
    }
    // busybox reads the files a line at a time in turn; `-` given twice shares stdin, an exhausted file
    // prints nothing (not even its delimiter or the newline).
    let mut pos = vec![0usize; cols.len()];
    let mut stdin_pos = 0usize;
    let stdin_idx: Vec<bool> = files.iter().map(|f| f == "-").collect();
    let stdin_lines: Vec<String> = stdin_idx
        .iter()
        .position(|&b| b)
        .map(|k| cols[k].clone())
        .unwrap_or_default();
    let mut open = vec![true; cols.len()];
    let mut guard = 0;
    while open.iter().any(|&o| o) && guard < 1_000_000 {
        guard += 1;
        let mut s = String::new();
        for k in 0..cols.len() {
            if !open[k] {
                continue;
            }
            let line = if stdin_idx[k] {
                let l = stdin_lines.get(stdin_pos).cloned();
                if l.is_some() {
                    stdin_pos += 1;
                }
                l
            } else {
                let l = cols[k].get(pos[k]).cloned();
                pos[k] += 1;
                l
            };
            match line {
                Some(l) => {
                    s.push_str(&l);
                    if k + 1 < cols.len() {
                        s.push(delims[k % delims.len()]);
                    } else {
                        s.push('\n');
                    }
                }
                None => open[k] = false,
            }
        }
        io.print(&s);
    }
    Ok(i32::from(io.failed))
}

/// `fold [-w N] [-s] FILE…`.
pub fn fold(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, files) = match getopt(&argv[1..], "w") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("option requires an argument -- '{c}'"));
            return Ok(1);
        }
    };
    let w: usize = flags
        .iter()
        .find(|f| f.0 == 'w')
        .and_then(|f| f.1.as_deref()?.parse().ok())
        .unwrap_or(80)
        .max(1);
    let spaces = flags.iter().any(|f| f.0 == 's');
    for (_, d) in inputs(sh, io, &files, ErrStyle::CantOpen) {
        for l in lines(&d.unwrap_or_default()) {
            let mut cs: Vec<char> = l.chars().collect();
            while cs.len() > w {
                let mut cut = w;
                if spaces {
                    if let Some(p) = cs[..w].iter().rposition(|c| *c == ' ') {
                        cut = p + 1;
                    }
                }
                let head: String = cs[..cut].iter().collect();
                io.print(&format!("{head}\n"));
                cs.drain(..cut);
            }
            let rest: String = cs.into_iter().collect();
            io.print(&format!("{rest}\n"));
        }
    }
    Ok(i32::from(io.failed))
}

/// `comm [-123] FILE1 FILE2`.
pub fn comm(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, files) = match getopt(&argv[1..], "") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("invalid option -- '{c}'"));
            return Ok(1);
        }
    };
    if files.len() != 2 {
        io.err("usage: comm [-123] FILE1 FILE2");
        return Ok(1);
    }
    let hide = |c: char| flags.iter().any(|f| f.0 == c);
    let ins = inputs(sh, io, &files, ErrStyle::CantOpen);
    let a = lines(&ins[0].1.clone().unwrap_or_default());
    let b = lines(&ins[1].1.clone().unwrap_or_default());
    let (mut i, mut j) = (0, 0);
    let col = |n: usize| -> String {
        let mut p = String::new();
        if n >= 2 && !hide('1') {
            p.push('\t');
        }
        if n >= 3 && !hide('2') {
            p.push('\t');
        }
        p
    };
    while i < a.len() || j < b.len() {
        let o = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match o {
            std::cmp::Ordering::Less => {
                if !hide('1') {
                    io.print(&format!("{}{}\n", col(1), a[i]));
                }
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                if !hide('2') {
                    io.print(&format!("{}{}\n", col(2), b[j]));
                }
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                if !hide('3') {
                    io.print(&format!("{}{}\n", col(3), a[i]));
                }
                i += 1;
                j += 1;
            }
        }
    }
    Ok(i32::from(io.failed))
}

/// `gzip` / `gunzip` / `zcat` (`-c`, `-d`, `-k`, `-f`): files are replaced by `.gz` files and back.
pub fn gzip(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    use std::io::Read as _;
    let (flags, files) = match getopt(&argv[1..], "S") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("invalid option -- '{c}'"));
            return Ok(1);
        }
    };
    let has = |c: char| flags.iter().any(|f| f.0 == c);
    let decompress = has('d') || io.name == "gunzip" || io.name == "zcat";
    let to_stdout = has('c') || io.name == "zcat" || files.is_empty();
    let keep = has('k');
    let convert = |data: &[u8]| -> Result<Vec<u8>, String> {
        if decompress {
            if !data.starts_with(&[0x1f, 0x8b]) {
                return Err("invalid magic".to_owned());
            }
            let mut out = Vec::new();
            strata_image::layer::decompressor(data, strata_image::layer::Compression::Gzip)
                .take(1 << 30)
                .read_to_end(&mut out)
                .map_err(|e| e.to_string())?;
            Ok(out)
        } else {
            Ok(strata_image::layer::gzip(data))
        }
    };
    if files.is_empty() {
        let data = io.stdin_all();
        match convert(&data) {
            Ok(b) => io.out.extend(b),
            Err(e) => {
                io.err(&e);
                return Ok(1);
            }
        }
        return Ok(0);
    }
    let mut st = 0;
    for f in &files {
        let p = sh.abs(f);
        let data = match sh.fs.read(&p) {
            Ok(c) => c.bytes().into_owned(),
            Err(e) => {
                io.err(&format!("can't open '{f}': {}", super::errno_msg(&e)));
                st = 1;
                continue;
            }
        };
        let out = match convert(&data) {
            Ok(b) => b,
            Err(e) => {
                io.err(&e);
                st = 1;
                continue;
            }
        };
        if to_stdout {
            io.out.extend(out);
            continue;
        }
        let target = if decompress {
            match p.strip_suffix(".gz").or_else(|| p.strip_suffix(".tgz")) {
                Some(t) => t.to_owned(),
                None => {
                    io.err(&format!("{f}: unknown suffix - ignored"));
                    st = 1;
                    continue;
                }
            }
        } else {
            format!("{p}.gz")
        };
        let attrs = sh
            .fs
            .stat(&p)
            .map(|s| s.attrs)
            .unwrap_or_else(|_| sh.new_file_attrs());
        sh.budget.write(out.len() as u64).map_err(|l| sh.limit(l))?;
        if let Err(e) = sh.fs.write(
            &target,
            strata_image::Content::from_bytes(out),
            attrs.clone(),
            sh.now,
        ) {
            io.err(&format!("can't open '{target}': {}", super::errno_msg(&e)));
            st = 1;
            continue;
        }
        let _ = sh.fs.set_mode(&target, attrs.mode);
        let _ = sh.fs.set_mtime(&target, attrs.mtime);
        if !keep {
            let _ = sh.fs.remove_file(&p, sh.now);
        }
    }
    Ok(st)
}

/// `hexdump -C` / `xxd [-p]`: the canonical hex+ASCII views.
pub fn hexdump(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let plain = argv.iter().any(|a| a == "-p" || a == "-ps");
    let files: Vec<String> = argv[1..]
        .iter()
        .filter(|a| !a.starts_with('-'))
        .cloned()
        .collect();
    let data: Vec<u8> = inputs(sh, io, &files, ErrStyle::CantOpen)
        .into_iter()
        .flat_map(|(_, d)| d.unwrap_or_default())
        .collect();
    let printable = |b: u8| {
        if (0x20..0x7f).contains(&b) {
            b as char
        } else {
            '.'
        }
    };
    if io.name == "xxd" {
        if plain {
            for chunk in data.chunks(30) {
                let s: String = chunk.iter().map(|b| format!("{b:02x}")).collect();
                io.print(&format!("{s}\n"));
            }
            return Ok(i32::from(io.failed));
        }
        for (k, chunk) in data.chunks(16).enumerate() {
            let mut hex = String::new();
            for (i, b) in chunk.iter().enumerate() {
                if i > 0 && i % 2 == 0 {
                    hex.push(' ');
                }
                hex.push_str(&format!("{b:02x}"));
            }
            let text: String = chunk.iter().map(|&b| printable(b)).collect();
            io.print(&format!("{:08x}: {hex:<39}  {text}\n", k * 16));
        }
        return Ok(i32::from(io.failed));
    }
    if !argv.iter().any(|a| a == "-C") {
        sh.notes.push(crate::exec::Note::Unsupported {
            command: argv.join(" "),
            detail: "hexdump is simulated only with -C".to_owned(),
        });
    }
    for (k, chunk) in data.chunks(16).enumerate() {
        let mut hex = String::new();
        for (i, b) in chunk.iter().enumerate() {
            if i == 8 {
                hex.push(' ');
            }
            hex.push_str(&format!("{b:02x} "));
        }
        let text: String = chunk.iter().map(|&b| printable(b)).collect();
        io.print(&format!("{:08x}  {hex:<49} |{text}|\n", k * 16));
    }
    io.print(&format!("{:08x}\n", data.len()));
    Ok(i32::from(io.failed))
}
