//! Small text applets: cat, head, tail, wc, cut, tr, uniq, tee, seq, basename, dirname, yes, rev, tac, nl,
//! cmp, diff, paste, fold, comm.

use super::printf::escapes;
use super::{getopt, inputs, lines, ErrStyle, Io};
use crate::shell::interp::{Ctl, Shell};

type R = Result<i32, Ctl>;

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

/// `dos2unix` / `unix2dos [-ud] [FILE]…`: every `\r` dropped, then (to DOS) one put before each `\n`; files
/// are converted in place, no file means stdin to stdout.
pub fn dos2unix(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, files) = match getopt(&argv[1..], "") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("invalid option -- '{c}'"));
            return Ok(1);
        }
    };
    let mut to_dos = io.name == "unix2dos";
    for (f, _) in &flags {
        match f {
            'u' => to_dos = false,
            'd' => to_dos = true,
            c => {
                io.err(&format!("invalid option -- '{c}'"));
                return Ok(1);
            }
        }
    }
    let convert = |d: &[u8]| -> Vec<u8> {
        let mut out = Vec::with_capacity(d.len() + d.len() / 16);
        for &b in d.iter().filter(|&&b| b != b'\r') {
            if b == b'\n' && to_dos {
                out.push(b'\r');
            }
            out.push(b);
        }
        out
    };
    if files.is_empty() {
        let d = io.stdin_all();
        io.out.extend(convert(&d));
        return Ok(0);
    }
    for (f, d) in inputs(sh, io, &files, ErrStyle::CantOpen) {
        let Some(d) = d else {
            return Ok(1);
        };
        let p = sh.abs(&f);
        let new = convert(&d);
        sh.budget.write(new.len() as u64).map_err(|l| sh.limit(l))?;
        let attrs = match sh.fs.stat(&p) {
            Ok(st) => st.attrs,
            Err(_) => sh.new_file_attrs(),
        };
        let _ = sh
            .fs
            .write(&p, strata_image::Content::from_bytes(new), attrs, sh.now);
    }
    Ok(0)
}

/// `more` / `less [FILE]…` with stdout not a terminal (always so here): busybox copies the files through,
/// like `cat` (`less` ignores its display options).
pub fn pager(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let mut files = Vec::new();
    for a in &argv[1..] {
        match a.strip_prefix('-').filter(|o| !o.is_empty()) {
            Some(o) if io.name == "more" => {
                let c = o.chars().next().unwrap_or('-');
                io.err(&format!("invalid option -- '{c}'"));
                io.usage("Usage: more [FILE]...\n\nView FILE (or stdin) one screenful at a time");
                return Ok(1);
            }
            Some(_) => {}
            None => files.push(a.clone()),
        }
    }
    let mut st = 0;
    for (_, d) in inputs(sh, io, &files, ErrStyle::CantOpen) {
        match d {
            Some(d) => io.out.extend(d),
            None => st = 1,
        }
    }
    Ok(st)
}
