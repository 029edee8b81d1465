//! `sed`: the script parser (addresses, `s///` with flags, `p d q a i c y = n N` …) and the stream editor.

use super::{getopt, inputs, lines, ErrStyle, Io};
use crate::shell::interp::{Ctl, Shell};
use crate::shell::regex as re;

type R = Result<i32, Ctl>;

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

fn sed_repl(repl: &str, caps: &re::Captures<'_>) -> Vec<u8> {
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
