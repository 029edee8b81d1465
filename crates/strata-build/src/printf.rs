//! C's `printf` conversions (`%[flags][width][.precision]conversion`), one engine shared by the simulator's
//! `printf` applet, its awk (`printf`/`sprintf`/`OFMT`/`CONVFMT`) and docker's sizes in the build log
//! ([`crate::progress::human_size`]; Go's `%g` lays numbers out as C's does): how a conversion is parsed, and how an integer, a float
//! (`%f %e %g` as glibc prints them) or a string is laid out in its field. Each caller turns its own
//! arguments into numbers or strings (the shell's `printf` parses `'c`, `0x…`; awk converts its values).

/// The most a width or precision pads (bounded so a hostile format cannot ask for gigabytes).
pub const MAX_PAD: usize = 1 << 20;

/// The most digits after the point a float gets (Rust's formatter takes at most 65535).
pub const MAX_FLOAT_PRECISION: usize = 60_000;

/// A width or precision as written: digits, or `*` (taken from the arguments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Count {
    /// Written out (`%5d`).
    Given(usize),
    /// `*`: the next argument.
    Star,
}

/// One parsed conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversion {
    /// The flag characters (`-+ #0`) in order.
    pub flags: String,
    /// The width, if any.
    pub width: Option<Count>,
    /// The precision, if any (`%.f` is `Given(0)`).
    pub precision: Option<Count>,
    /// The conversion character (`d`, `s`, `g` …).
    pub conv: char,
    /// Index in the format just after the conversion character.
    pub end: usize,
}

/// Parses the conversion starting at `fmt[start] == '%'` (not `%%`); `None` when the format ends before a
/// conversion character. Length modifiers (`hlLqjzt`) are skipped.
pub fn parse(fmt: &[char], start: usize) -> Option<Conversion> {
    let mut j = start + 1;
    let mut flags = String::new();
    while j < fmt.len() && "-+ #0".contains(fmt[j]) {
        flags.push(fmt[j]);
        j += 1;
    }
    let count = |j: &mut usize| -> Option<Count> {
        if fmt.get(*j) == Some(&'*') {
            *j += 1;
            return Some(Count::Star);
        }
        let from = *j;
        while *j < fmt.len() && fmt[*j].is_ascii_digit() {
            *j += 1;
        }
        (*j > from).then(|| {
            let digits: String = fmt[from..*j].iter().collect();
            Count::Given(digits.parse::<usize>().unwrap_or(MAX_PAD).min(MAX_PAD))
        })
    };
    let width = count(&mut j);
    let precision = if fmt.get(j) == Some(&'.') {
        j += 1;
        Some(count(&mut j).unwrap_or(Count::Given(0)))
    } else {
        None
    };
    while j < fmt.len() && "hlLqjzt".contains(fmt[j]) {
        j += 1;
    }
    let conv = *fmt.get(j)?;
    Some(Conversion {
        flags,
        width,
        precision,
        conv,
        end: j + 1,
    })
}

/// A conversion with its width and precision resolved: what to lay out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spec {
    /// `-`: left-justify (also a negative `*` width).
    pub left: bool,
    /// `+`: a sign on positive numbers.
    pub plus: bool,
    /// ` `: a space where the sign would be.
    pub space: bool,
    /// `#`: the alternate form (`0x`, a kept decimal point).
    pub alt: bool,
    /// `0`: pad numbers with zeros.
    pub zero: bool,
    /// The field width.
    pub width: usize,
    /// The precision.
    pub precision: Option<usize>,
    /// The conversion character.
    pub conv: char,
}

impl Spec {
    /// The spec of `c` with `*` counts taken from `star` (a negative width left-justifies; a negative
    /// precision counts as none).
    pub fn new(c: &Conversion, mut star: impl FnMut() -> i64) -> Spec {
        let mut left = c.flags.contains('-');
        let width = match c.width {
            None => 0,
            Some(Count::Given(n)) => n,
            Some(Count::Star) => {
                let n = star();
                if n < 0 {
                    left = true;
                }
                (n.unsigned_abs() as usize).min(MAX_PAD)
            }
        };
        let precision = match c.precision {
            None => None,
            Some(Count::Given(n)) => Some(n),
            Some(Count::Star) => {
                let n = star();
                (n >= 0).then(|| (n as usize).min(MAX_PAD))
            }
        };
        Spec {
            left,
            plus: c.flags.contains('+'),
            space: c.flags.contains(' '),
            alt: c.flags.contains('#'),
            zero: c.flags.contains('0'),
            width,
            precision,
            conv: c.conv,
        }
    }

    /// `%d %i %o %u %x %X` of `v`, laid out in the field.
    pub fn int(&self, v: i64) -> String {
        let signed = matches!(self.conv, 'd' | 'i');
        let mut digits = match self.conv {
            'o' => format!("{v:o}"),
            'x' => format!("{v:x}"),
            'X' => format!("{v:X}"),
            'u' => format!("{}", v as u64),
            _ => v.unsigned_abs().to_string(),
        };
        if let Some(p) = self.precision {
            if p == 0 && v == 0 {
                digits.clear();
            }
            digits = pad_zeros(&digits, p);
        }
        let sign = if signed && v < 0 {
            "-"
        } else if signed && self.plus {
            "+"
        } else if signed && self.space {
            " "
        } else {
            ""
        };
        let prefix = match (self.alt, self.conv) {
            (true, 'o') if !digits.starts_with('0') => "0",
            (true, 'x') if v != 0 => "0x",
            (true, 'X') if v != 0 => "0X",
            _ => "",
        };
        let head = format!("{sign}{prefix}");
        if self.zero && !self.left && self.precision.is_none() {
            let d = pad_zeros(&digits, self.width.saturating_sub(head.len()));
            return self.pad(&format!("{head}{d}"));
        }
        self.pad(&format!("{head}{digits}"))
    }

    /// `%f %F %e %E %g %G` of `v`, laid out in the field.
    pub fn float(&self, v: f64) -> String {
        let p = self.precision.unwrap_or(6).min(MAX_FLOAT_PRECISION);
        let body = match self.conv {
            'e' | 'E' => c_e(v, p, self.alt),
            'g' | 'G' => c_g(v, p, self.alt),
            _ => c_f(v, p, self.alt),
        };
        let body = if self.conv.is_ascii_uppercase() {
            body.to_uppercase()
        } else {
            body
        };
        let (sign, mag) = match body.strip_prefix('-') {
            Some(m) => ("-", m.to_owned()),
            None if self.plus => ("+", body),
            None if self.space => (" ", body),
            None => ("", body),
        };
        if self.zero && !self.left && v.is_finite() {
            let m = pad_zeros(&mag, self.width.saturating_sub(sign.len()));
            return self.pad(&format!("{sign}{m}"));
        }
        self.pad(&format!("{sign}{mag}"))
    }

    /// `%s` (the precision cuts it) of `s`, laid out in the field.
    pub fn str(&self, s: &str) -> String {
        match self.precision {
            Some(p) => self.pad(&s.chars().take(p).collect::<String>()),
            None => self.pad(s),
        }
    }

    /// `body` padded with spaces to the width, on the left unless `-`.
    pub fn pad(&self, body: &str) -> String {
        let n = body.chars().count();
        if n >= self.width {
            return body.to_owned();
        }
        let fill = " ".repeat(self.width - n);
        if self.left {
            format!("{body}{fill}")
        } else {
            format!("{fill}{body}")
        }
    }
}

/// `s` left-padded with zeros to `width` characters.
pub fn pad_zeros(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n >= width {
        return s.to_owned();
    }
    let mut out = "0".repeat(width.min(MAX_PAD) - n);
    out.push_str(s);
    out
}

/// Like [`pad_zeros`], keeping a leading `-` in front.
pub fn pad_zeros_signed(s: &str, width: usize) -> String {
    match s.strip_prefix('-') {
        Some(rest) => format!("-{}", pad_zeros(rest, width.saturating_sub(1))),
        None => pad_zeros(s, width),
    }
}

/// What glibc prints for an infinity or NaN (`inf`, `-inf`, `nan`, `-nan`), if `v` is one.
fn non_finite(v: f64) -> Option<String> {
    if v.is_nan() {
        Some(if v.is_sign_negative() { "-nan" } else { "nan" }.to_owned())
    } else if v.is_infinite() {
        Some(if v < 0.0 { "-inf" } else { "inf" }.to_owned())
    } else {
        None
    }
}

/// `%.{p}f` (`#`: the decimal point stays even with no digits after it).
pub fn c_f(v: f64, p: usize, alt: bool) -> String {
    let p = p.min(MAX_FLOAT_PRECISION);
    if let Some(s) = non_finite(v) {
        return s;
    }
    let mut s = format!("{v:.p$}");
    if alt && p == 0 {
        s.push('.');
    }
    s
}

/// `%.{p}e`: a mantissa and a signed exponent of at least two digits (`1.500000e+02`).
pub fn c_e(v: f64, p: usize, alt: bool) -> String {
    let p = p.min(MAX_FLOAT_PRECISION);
    if let Some(s) = non_finite(v) {
        return s;
    }
    let s = format!("{v:.p$e}");
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let ev: i32 = e.parse().unwrap_or(0);
    let dot = if alt && p == 0 { "." } else { "" };
    format!(
        "{m}{dot}e{}{:02}",
        if ev < 0 { '-' } else { '+' },
        ev.unsigned_abs()
    )
}

/// `%.{p}g`: `%e` when the exponent is below -4 or not below the precision, `%f` otherwise, trailing
/// zeros (and a bare point) removed unless `#`. A precision of 0 counts as 1.
pub fn c_g(v: f64, p: usize, alt: bool) -> String {
    let p = p.min(MAX_FLOAT_PRECISION);
    if let Some(s) = non_finite(v) {
        return s;
    }
    let p = p.max(1);
    // The exponent after rounding to `p` significant digits.
    let sci = format!("{:.*e}", p - 1, v);
    let x: i64 = sci
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    let s = if x < -4 || x >= p as i64 {
        c_e(v, p - 1, alt)
    } else {
        c_f(v, (p as i64 - 1 - x).max(0) as usize, alt)
    };
    if alt {
        return s;
    }
    let (mantissa, exp) = match s.find('e') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s.as_str(), ""),
    };
    let mantissa = if mantissa.contains('.') {
        mantissa.trim_end_matches('0').trim_end_matches('.')
    } else {
        mantissa
    };
    format!("{mantissa}{exp}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt1(f: &str, v: f64) -> String {
        let chars: Vec<char> = f.chars().collect();
        let c = parse(&chars, 0).expect("conversion");
        let spec = Spec::new(&c, || 0);
        match c.conv {
            'd' | 'i' | 'o' | 'u' | 'x' | 'X' => spec.int(v as i64),
            's' => spec.str(&v.to_string()),
            _ => spec.float(v),
        }
    }

    /// Expected values are glibc's (`printf` of the reference busybox).
    #[test]
    fn conversions_match_glibc() {
        for (f, v, want) in [
            ("%g", 100000.0, "100000"),
            ("%g", 1000000.0, "1e+06"),
            ("%g", 0.0001, "0.0001"),
            ("%g", 0.00001, "1e-05"),
            ("%g", 1.23456789, "1.23457"),
            ("%.3g", 2.5e-7, "2.5e-07"),
            ("%#g", 1.0, "1.00000"),
            ("%G", 1e-10, "1E-10"),
            ("%g", 999999.5, "1e+06"),
            ("%.0g", 0.5, "0.5"),
            ("%e", 150.0, "1.500000e+02"),
            ("%08.2f", -3.25159, "-0003.25"),
            ("%+d", 5.0, "+5"),
            ("%05d", -42.0, "-0042"),
            ("%#x", 255.0, "0xff"),
            ("%#o", 8.0, "010"),
            ("%.0d", 0.0, ""),
            ("%-6d|", 7.0, "7     "),
            ("%f", f64::INFINITY, "inf"),
            ("%5.1f", f64::NAN, "  nan"),
        ] {
            assert_eq!(fmt1(f, v), want.trim_end_matches('|'), "{f} of {v}");
        }
    }
}
