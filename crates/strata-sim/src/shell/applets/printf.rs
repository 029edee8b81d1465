//! `echo` and `printf` (the shell builtins' applet twins): backslash escapes, and `printf`'s formats through
//! the shared engine in [`super::format`].

use super::{format, Io};
use crate::shell::interp::{Ctl, Shell};

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
pub(super) fn escapes(s: &str, echo_style: bool) -> (Vec<u8>, bool) {
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
    // A leading `--` ends the (no) options.
    let argv: &[String] = if argv.get(1).is_some_and(|a| a == "--") {
        &argv[1..]
    } else {
        argv
    };
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
