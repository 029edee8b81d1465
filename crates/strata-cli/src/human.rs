//! Docker's human-readable output: durations (`3 minutes ago`) and `text/tabwriter`-aligned tables,
//! reproduced so that strata's tables read like docker's. Sizes and RFC 3339 times come from
//! `strata_build::progress` and `strata_build::time`, shared with the playground.

pub use strata_build::progress::human_size as size;
pub use strata_build::time::{format_rfc3339, parse_rfc3339};

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

/// A size with four significant digits, as docker's `units.HumanSize` writes `VirtualSize` (`1.986MB`;
/// the `Size` columns use three, [`size`]).
pub fn size4(bytes: u64) -> String {
    strata_build::progress::human_size_digits(bytes, 4)
}

/// A time as Go's `time.Time.String` prints it in UTC (`2026-12-06 04:05:29 +0000 UTC`), docker's
/// `CreatedAt` in listings.
pub fn format_go_time(secs: i64) -> String {
    let t = format_rfc3339(secs, 0);
    format!(
        "{} +0000 UTC",
        t.trim_end_matches('Z').replacen('T', " ", 1)
    )
}

/// `N units ago` for an RFC 3339 time, `N/A` when there is none or it does not parse.
pub fn since(created: Option<&str>, now: i64) -> String {
    match created.and_then(parse_rfc3339) {
        Some(t) => format!("{} ago", duration(now - t)),
        None => "N/A".to_string(),
    }
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
        assert_eq!(size4(1_985_581), "1.986MB");
        assert_eq!(size4(0), "0B");
        assert_eq!(size4(999), "999B");
        assert_eq!(size4(123_456_789), "123.5MB");
        assert_eq!(size4(1_000_000), "1MB");
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
        assert_eq!(format_go_time(t), "2026-11-23 12:06:39 +0000 UTC");
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
