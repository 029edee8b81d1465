//! Byte dumps: `base64` (and `-d`), `od`, `hexdump` / `xxd`.

use super::{getopt, inputs, ErrStyle, Io};
use crate::shell::interp::{Ctl, Shell};

type R = Result<i32, Ctl>;

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

/// `strings [-fo] [-n LEN] [-t o|d|x] [FILE]…`: runs of at least LEN (4) printable bytes or tabs, one a
/// line, optionally after the file name and the run's offset.
pub fn strings(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let (flags, files) = match getopt(&argv[1..], "nt") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("invalid option -- '{c}'"));
            return Ok(1);
        }
    };
    let mut min = 4usize;
    let mut names = false;
    let mut radix: Option<char> = None;
    for (f, v) in &flags {
        match (f, v.as_deref()) {
            ('n', Some(n)) => match n.parse::<usize>() {
                Ok(n) if n > 0 => min = n,
                _ => {
                    io.err(&format!("invalid number '{n}'"));
                    return Ok(1);
                }
            },
            ('t', Some(r @ ("o" | "d" | "x"))) => radix = r.chars().next(),
            ('t', Some(_)) => {
                io.err("invalid radix");
                return Ok(1);
            }
            ('o', _) => radix = Some('o'),
            ('f', _) => names = true,
            ('a', _) => {}
            (c, _) => {
                io.err(&format!("invalid option -- '{c}'"));
                return Ok(1);
            }
        }
    }
    let mut st = 0;
    for (name, data) in inputs(sh, io, &files, ErrStyle::Plain) {
        let Some(data) = data else {
            st = 1;
            continue;
        };
        let mut start = 0;
        let mut run = 0usize;
        for (i, &b) in data.iter().chain(std::iter::once(&0u8)).enumerate() {
            if b == b'\t' || (0x20..0x7f).contains(&b) {
                if run == 0 {
                    start = i;
                }
                run += 1;
                continue;
            }
            if run >= min {
                if names {
                    io.print(&format!("{name}: "));
                }
                match radix {
                    Some('o') => io.print(&format!("{start:7o} ")),
                    Some('x') => io.print(&format!("{start:7x} ")),
                    Some(_) => io.print(&format!("{start:7} ")),
                    None => {}
                }
                io.out.extend_from_slice(&data[start..i]);
                io.out.push(b'\n');
            }
            run = 0;
        }
    }
    Ok(st)
}
