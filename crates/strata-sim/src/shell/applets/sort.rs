//! `sort`: keys (`-k`, `-t`), numeric, human, version and general orderings, `-u`, `-r`, `-c`.

use super::{flag_value, getopt, has_flag, inputs, lines, ErrStyle, Io};
use crate::shell::interp::{Ctl, Shell};

type R = Result<i32, Ctl>;

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
    strata_image::sort::sort_by(&mut all, |a, b| if rev { cmp(b, a) } else { cmp(a, b) });
    if uniq {
        all.dedup_by(|a, b| cmp(a, b) == std::cmp::Ordering::Equal);
    }
    for l in all {
        io.print(&l);
        io.print("\n");
    }
    Ok(st)
}

/// `shuf [-n NUM] [-o FILE] [-z] [FILE | -e ARG… | -i LO-HI]`: the lines in a random order, drawn from the
/// run's deterministic generator (the one `$RANDOM` uses), so the same build shuffles the same way.
pub fn shuf(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, ops) = match getopt(&argv[1..], "noi") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("option requires an argument -- '{c}'"));
            return Ok(1);
        }
    };
    let value = |c: char| flag_value(&flags, c);
    let has = |c: char| has_flag(&flags, c);
    if let Some((c, _)) = flags.iter().find(|(f, _)| !"noiez".contains(*f)) {
        io.err(&format!("invalid option -- '{c}'"));
        return Ok(1);
    }
    let sep = if has('z') { b'\0' } else { b'\n' };
    let mut items: Vec<Vec<u8>> = if let Some(r) = value('i') {
        let bounds = r
            .split_once('-')
            .and_then(|(lo, hi)| Some((lo.parse::<u64>().ok()?, hi.parse::<u64>().ok()?)));
        match bounds {
            Some((lo, hi)) if lo <= hi && hi - lo < 1 << 20 => {
                (lo..=hi).map(|n| n.to_string().into_bytes()).collect()
            }
            _ => {
                io.err(&format!("bad range '{r}'"));
                return Ok(1);
            }
        }
    } else if has('e') {
        ops.iter().map(|a| a.clone().into_bytes()).collect()
    } else {
        let Some(data) = inputs(sh, io, &ops[..ops.len().min(1)], ErrStyle::Plain)
            .pop()
            .and_then(|(_, d)| d)
        else {
            return Ok(1);
        };
        let mut v: Vec<Vec<u8>> = data.split(|&b| b == sep).map(<[u8]>::to_vec).collect();
        if v.last().is_some_and(Vec::is_empty) {
            v.pop();
        }
        v
    };
    // Fisher-Yates over the run's generator.
    for i in (1..items.len()).rev() {
        let n = sh
            .random
            .get()
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        sh.random.set(n);
        items.swap(i, ((n >> 33) % (i as u64 + 1)) as usize);
    }
    if let Some(n) = value('n') {
        match n.parse::<usize>() {
            Ok(n) => items.truncate(n),
            Err(_) => {
                io.err(&format!("invalid number '{n}'"));
                return Ok(1);
            }
        }
    }
    let mut out = Vec::new();
    for it in items {
        out.extend(it);
        out.push(sep);
    }
    match value('o') {
        Some(f) => {
            let p = sh.abs(&f);
            sh.budget.write(out.len() as u64).map_err(|l| sh.limit(l))?;
            let a = sh.new_file_attrs();
            let _ = sh
                .fs
                .write(&p, strata_image::Content::from_bytes(out), a, sh.now);
        }
        None => io.out.extend(out),
    }
    Ok(0)
}
