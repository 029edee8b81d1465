//! `expand [-i] [-t N]` and `unexpand [-fa] [-t N]`: tabs to spaces and back, ported from busybox's
//! `expand.c` (columns count bytes; `unexpand` without `-a` converts the leading blanks, or those of the
//! first gap when the line starts with a word, as busybox's loop does; `-t` implies `-a`).

use super::{getopt, inputs, ErrStyle, Io};
use crate::shell::interp::{Ctl, Shell};

/// One line (with its newline) expanded.
fn expand_line(line: &[u8], tab: usize, initial: bool, out: &mut Vec<u8>) {
    let mut col = 0;
    for (i, &c) in line.iter().enumerate() {
        if initial && c != b' ' && c != b'\t' {
            out.extend_from_slice(&line[i..]);
            return;
        }
        if c == b'\t' {
            let n = tab - col % tab;
            out.extend(std::iter::repeat_n(b' ', n));
            col += n;
        } else {
            out.push(c);
            col += 1;
        }
    }
}

/// One line (with its newline) unexpanded.
fn unexpand_line(line: &[u8], tab: usize, all: bool, out: &mut Vec<u8>) {
    let mut p = 0;
    let mut col = 0;
    while p < line.len() {
        let mut len = 0;
        while line.get(p) == Some(&b' ') {
            len += 1;
            p += 1;
        }
        col += len;
        if line.get(p) == Some(&b'\t') {
            col += tab - col % tab;
            p += 1;
            continue;
        }
        let tabs = col / tab;
        if tabs > 0 {
            col %= tab;
            len = col;
            out.extend(std::iter::repeat_n(b'\t', tabs));
        }
        if !all && p != 0 {
            out.extend(std::iter::repeat_n(b' ', len));
            out.extend_from_slice(&line[p..]);
            return;
        }
        let n = line[p..]
            .iter()
            .position(|&c| c == b' ' || c == b'\t')
            .unwrap_or(line.len() - p);
        out.extend(std::iter::repeat_n(b' ', len));
        out.extend_from_slice(&line[p..p + n]);
        p += n;
        col = (col + n) % tab;
    }
}

/// `expand` / `unexpand`.
pub fn expand(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> Result<i32, Ctl> {
    let (flags, files) = match getopt(&argv[1..], "t") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("option requires an argument -- '{c}'"));
            return Ok(1);
        }
    };
    let un = io.name == "unexpand";
    let mut tab = 8usize;
    let (mut initial, mut all) = (false, false);
    for (f, v) in &flags {
        match (f, v) {
            // `-t` implies `-a` for unexpand.
            ('t', Some(n)) => match n.parse::<usize>() {
                Ok(n) if n > 0 => {
                    tab = n;
                    all = true;
                }
                _ => {
                    io.err(&format!("invalid number '{n}'"));
                    return Ok(1);
                }
            },
            ('i', _) if !un => initial = true,
            ('a', _) if un => all = true,
            ('f', _) if un => all = false,
            (c, _) => {
                io.err(&format!("invalid option -- '{c}'"));
                return Ok(1);
            }
        }
    }
    let mut st = 0;
    for (_, data) in inputs(sh, io, &files, ErrStyle::Plain) {
        let Some(data) = data else {
            st = 1;
            continue;
        };
        let mut out = Vec::with_capacity(data.len());
        for line in data.split_inclusive(|&b| b == b'\n') {
            if un {
                unexpand_line(line, tab, all, &mut out);
            } else {
                expand_line(line, tab, initial, &mut out);
            }
        }
        io.out.extend(out);
    }
    Ok(st)
}
