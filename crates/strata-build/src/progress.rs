//! Docker's ways of showing a build: BuildKit's plain progress (or the classic builder's `Step n/m`) and
//! human-readable sizes. Shared by the CLI and the playground so both print the same text.

use crate::engine::{CacheStatus, Step};
use crate::history::HistoryStyle;

/// A size the way docker prints it: decimal units, three significant digits (`0B`, `12B`, `1.99MB`).
pub fn human_size(bytes: u64) -> String {
    human_size_digits(bytes, 3)
}

/// A size as docker's `units.HumanSizeWithPrecision` writes it: decimal units and Go's `%.<digits>g` (the
/// `Size` columns use 3 digits, `VirtualSize` 4: `1.986MB`).
pub fn human_size_digits(bytes: u64, digits: usize) -> String {
    const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let mut v = bytes as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    format!("{}{}", crate::printf::c_g(v, digits, false), UNITS[unit])
}

/// The steps as BuildKit's plain progress (`#2 [2/4] RUN …`, output lines, `CACHED` or `DONE (cache miss:
/// …)`), or the classic builder's `Step n/m : …` with `---> Using cache`. Notes are prefixed `[strata]`.
pub fn plain(steps: &[Step], style: HistoryStyle) -> Vec<String> {
    let mut out = Vec::new();
    // `extend`, not `collect`: collecting into a B-tree sorts first, with a copy of the standard sort of its own.
    let mut stages = std::collections::BTreeSet::new();
    stages.extend(steps.iter().map(|s| s.stage.as_str()));
    let multi = stages.len() > 1;
    let mut n = 0;
    for s in steps {
        match style {
            HistoryStyle::Classic => {
                out.push(format!("Step {}/{} : {}", s.classic.0, s.classic.1, s.text));
                if s.cache == CacheStatus::Hit {
                    // A cached step's output is not replayed.
                    out.push(" ---> Using cache".to_owned());
                } else {
                    output_lines(&mut out, "", s);
                }
            }
            HistoryStyle::Buildkit => {
                let Some((i, total)) = s.vertex else { continue };
                n += 1;
                let prefix = if multi {
                    format!("{} {i}/{total}", s.stage)
                } else {
                    format!("{i}/{total}")
                };
                out.push(format!("#{n} [{prefix}] {}", s.text));
                // BuildKit prints only `CACHED` for a cached step, never its old output.
                if s.cache != CacheStatus::Hit {
                    output_lines(&mut out, &format!("#{n} "), s);
                }
                out.push(match &s.cache {
                    CacheStatus::Hit => format!("#{n} CACHED"),
                    CacheStatus::Failed => format!("#{n} ERROR"),
                    CacheStatus::Miss(r) => format!("#{n} DONE (cache miss: {r})"),
                    // BuildKit reports a base image it already has as CACHED.
                    CacheStatus::Metadata if is_image_from(&s.text) => format!("#{n} CACHED"),
                    CacheStatus::Metadata => format!("#{n} DONE"),
                });
                out.push(String::new());
            }
        }
    }
    out
}

/// Whether a step's text is a `FROM` of an image, which BuildKit names with its registry
/// (`FROM docker.io/library/busybox:latest`); a `FROM` of an earlier stage has no registry.
pub fn is_image_from(text: &str) -> bool {
    text.strip_prefix("FROM ")
        .and_then(|r| r.split_once('/'))
        .is_some_and(|(first, _)| is_domain(first))
}

/// Whether the first component of a reference names a registry (Docker's rule).
fn is_domain(first: &str) -> bool {
    first.contains('.') || first.contains(':') || first == "localhost"
}

/// A reference as BuildKit prints it: `busybox:latest` → `docker.io/library/busybox:latest`,
/// `me/app:1` → `docker.io/me/app:1`; one with a registry stays as it is.
pub fn fully_qualified(reference: &str) -> String {
    match reference.split_once('/') {
        None => format!("docker.io/library/{reference}"),
        Some((first, _)) if is_domain(first) => reference.to_string(),
        Some(_) => format!("docker.io/{reference}"),
    }
}

fn output_lines(out: &mut Vec<String>, tag: &str, s: &Step) {
    for line in String::from_utf8_lossy(&s.stdout).lines() {
        out.push(format!("{tag}{line}"));
    }
    for line in String::from_utf8_lossy(&s.stderr).lines() {
        out.push(format!("{tag}{line}"));
    }
    for note in &s.notes {
        out.push(format!("{tag}[strata] {note}"));
    }
}
