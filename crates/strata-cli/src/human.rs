//! Docker's human-readable output: sizes (`1.99MB`), durations (`3 minutes ago`), RFC 3339 times and
//! `text/tabwriter`-aligned tables, reproduced so that strata's tables read like docker's.

/// A size the way docker prints it: decimal units, three significant digits (`0B`, `12B`, `1.99MB`).
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let mut v = bytes as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    format!("{}{}", go_g(v, 3), UNITS[unit])
}

/// Go's `%.<prec>g`: `prec` significant digits, exponent form when the exponent is below -4 or not below
/// `prec`, trailing zeros removed.
fn go_g(v: f64, prec: usize) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    let sci = format!("{:.*e}", prec - 1, v);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let trim = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    if exp < -4 || exp >= prec as i32 {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim(mantissa), exp.abs())
    } else {
        let decimals = (prec as i32 - 1 - exp).max(0) as usize;
        trim(&format!("{v:.decimals$}"))
    }
}

/// How long ago, the way docker says it (`Less than a second`, `About a minute`, `3 weeks`).
pub fn duration(secs: i64) -> String {
    let s = secs.max(0);
    let minutes = s / 60;
    // Go's Duration.Round(time.Hour): halves round up.
    let hours = (s + 1800) / 3600;
    match s {
        0 => "Less than a second".to_string(),
        1 => "1 second".to_string(),
        2..=59 => format!("{s} seconds"),
        _ if minutes == 1 => "About a minute".to_string(),
        _ if minutes < 60 => format!("{minutes} minutes"),
        _ if hours == 1 => "About an hour".to_string(),
        _ if hours < 48 => format!("{hours} hours"),
        _ if hours < 24 * 7 * 2 => format!("{} days", hours / 24),
        _ if hours < 24 * 30 * 2 => format!("{} weeks", hours / 24 / 7),
        _ if hours < 24 * 365 * 2 => format!("{} months", hours / 24 / 30),
        _ => format!("{} years", s / 3600 / 24 / 365),
    }
}

/// `N units ago` for an RFC 3339 time, `N/A` when there is none or it does not parse.
pub fn since(created: Option<&str>, now: i64) -> String {
    match created.and_then(parse_rfc3339) {
        Some(t) => format!("{} ago", duration(now - t)),
        None => "N/A".to_string(),
    }
}

/// Seconds since the epoch of an RFC 3339 time (`2024-01-02T03:04:05.123Z`, `…+02:00`).
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, m, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        rest = &frac[n..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && matches!(&rest[..1], "+" | "-") && &rest[3..4] == ":" => {
            let oh: i64 = rest[1..3].parse().ok()?;
            let om: i64 = rest[4..6].parse().ok()?;
            let o = oh * 3600 + om * 60;
            if rest.starts_with('-') {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    Some(days_from_civil(year, month, day) * 86400 + h * 3600 + m * 60 + sec - offset)
}

/// RFC 3339 with nanoseconds, trailing zeros dropped, in UTC (Go's `time.RFC3339Nano`).
pub fn format_rfc3339(secs: i64, nanos: u32) -> String {
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400);
    let (y, mo, d) = civil_from_days(days);
    let mut out = format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    );
    if nanos > 0 {
        let frac = format!("{nanos:09}");
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    out.push('Z');
    out
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Aligns rows as docker's tables do (`tabwriter` with minimum width 10 and padding 3): every column but
/// the last is padded to its widest cell plus three, at least ten.
pub fn table(rows: &[Vec<String>]) -> String {
    let n_cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; n_cols];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < row.len() {
                let w = (widths[i] + 3).max(10);
                out.extend(std::iter::repeat_n(' ', w - cell.chars().count()));
            }
        }
        out.push('\n');
    }
    out
}

/// Cuts `s` to `max` characters, the last being `…` (docker's `Ellipsis`).
pub fn ellipsis(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_read_like_docker() {
        let cases = [
            (0, "0B"),
            (12, "12B"),
            (999, "999B"),
            (1000, "1kB"),
            (1_985_581, "1.99MB"),
            (999_500, "1e+03kB"),
            (123_456_789, "123MB"),
            (4_261_376, "4.26MB"),
        ];
        for (n, want) in cases {
            assert_eq!(size(n), want, "{n}");
        }
        assert_eq!(duration(0), "Less than a second");
        assert_eq!(duration(59), "59 seconds");
        assert_eq!(duration(90), "About a minute");
        assert_eq!(duration(180), "3 minutes");
        assert_eq!(duration(5400), "2 hours");
        assert_eq!(duration(3 * 86400), "3 days");
        assert_eq!(duration(20 * 86400), "2 weeks");
        assert_eq!(duration(800 * 86400), "2 years");
    }

    #[test]
    fn rfc3339_round_trips() {
        let t = parse_rfc3339("2026-11-23T12:06:39.223928413Z").unwrap();
        assert_eq!(format_rfc3339(t, 0), "2026-11-23T12:06:39Z");
        assert_eq!(parse_rfc3339("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(format_rfc3339(0, 500_000_000), "1970-01-01T00:00:00.5Z");
        assert_eq!(parse_rfc3339("yesterday"), None);
    }

    #[test]
    fn tables_align_like_tabwriter() {
        let rows = vec![
            vec!["IMAGE".into(), "CREATED BY".into(), "SIZE".into()],
            vec!["685b7c45f9c1".into(), String::new(), "1.99MB".into()],
        ];
        assert_eq!(
            table(&rows),
            "IMAGE          CREATED BY   SIZE\n685b7c45f9c1                1.99MB\n"
        );
    }
}
