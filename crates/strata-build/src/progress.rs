//! Docker's ways of showing a build: BuildKit's plain progress (or the classic builder's `Step n/m`) and
//! human-readable sizes. Shared by the CLI and the playground so both print the same text.

use crate::engine::{CacheStatus, Step};
use crate::history::HistoryStyle;
use crate::observer::Stream;

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
    // `extend`, not `collect`: collecting into a B-tree sorts first, with a copy of the standard sort of its own.
    let mut stages = std::collections::BTreeSet::new();
    stages.extend(steps.iter().map(|s| s.stage.as_str()));
    let mut printer = PlainPrinter::new(style, stages.len());
    let mut out = Vec::new();
    for s in steps {
        out.extend(printer.done(s));
    }
    out
}

/// [`plain`] a step at a time, for a front end that prints while the build runs: a step's heading when it
/// starts, a RUN's output lines as they come, the rest when it is done. The lines are the same as
/// [`plain`]'s, except that output that came while the step ran is in the order it came.
pub struct PlainPrinter {
    style: HistoryStyle,
    multi: bool,
    n: usize,
    /// The step that started and is not done.
    open: Option<Open>,
}

/// A step that started running and is not done yet.
struct Open {
    /// Its number in BuildKit's `#N`.
    n: usize,
    /// Whether output came while it ran.
    streamed: bool,
    /// The unfinished last line of its standard output and of its standard error: one each, so that
    /// partial lines of the two streams never mix.
    partial: [Vec<u8>; 2],
}

impl Open {
    fn new(n: usize) -> Open {
        Open {
            n,
            streamed: false,
            partial: [Vec::new(), Vec::new()],
        }
    }
}

impl PlainPrinter {
    /// A printer for a build of `stages` stages.
    pub fn new(style: HistoryStyle, stages: usize) -> PlainPrinter {
        PlainPrinter {
            style,
            multi: stages > 1,
            n: 0,
            open: None,
        }
    }

    fn heading(&mut self, s: &Step) -> Option<String> {
        match self.style {
            HistoryStyle::Classic => {
                Some(format!("Step {}/{} : {}", s.classic.0, s.classic.1, s.text))
            }
            HistoryStyle::Buildkit => {
                let (i, total) = s.vertex?;
                self.n += 1;
                let prefix = if self.multi {
                    format!("{} {i}/{total}", s.stage)
                } else {
                    format!("{i}/{total}")
                };
                Some(format!("#{} [{prefix}] {}", self.n, s.text))
            }
        }
    }

    fn tag(&self, n: usize) -> String {
        match self.style {
            HistoryStyle::Classic => String::new(),
            HistoryStyle::Buildkit => format!("#{n} "),
        }
    }

    /// The heading of a step that starts running.
    pub fn started(&mut self, s: &Step) -> Vec<String> {
        let Some(h) = self.heading(s) else {
            return Vec::new();
        };
        self.open = Some(Open::new(self.n));
        vec![h]
    }

    /// The complete lines of a chunk of the running step's output on `stream` (each stream's unfinished
    /// line waits for the rest of it on the same stream).
    pub fn output(&mut self, stream: Stream, chunk: &[u8]) -> Vec<String> {
        let tag = match &self.open {
            Some(open) => self.tag(open.n),
            None => return Vec::new(),
        };
        let Some(open) = &mut self.open else {
            return Vec::new();
        };
        open.streamed = true;
        let partial = &mut open.partial[stream as usize];
        partial.extend_from_slice(chunk);
        let mut lines = Vec::new();
        while let Some(i) = partial.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = partial.drain(..=i).collect();
            lines.push(String::from_utf8_lossy(&line[..i]).into_owned());
        }
        lines.into_iter().map(|l| format!("{tag}{l}")).collect()
    }

    /// The rest of a step that is done: its heading unless it started, its output unless it came already,
    /// its notes and its outcome.
    pub fn done(&mut self, s: &Step) -> Vec<String> {
        let mut out = Vec::new();
        let Open {
            n,
            streamed,
            partial,
        } = match self.open.take() {
            Some(open) => open,
            None => match self.heading(s) {
                Some(h) => {
                    out.push(h);
                    Open::new(self.n)
                }
                None => return out,
            },
        };
        let tag = self.tag(n);
        let cached = s.cache == CacheStatus::Hit;
        if streamed {
            for p in partial.iter().filter(|p| !p.is_empty()) {
                out.push(format!("{tag}{}", String::from_utf8_lossy(p)));
            }
            for note in &s.notes {
                out.push(format!("{tag}[strata] {note}"));
            }
        } else if cached {
            // A cached step's output is not replayed.
            if self.style == HistoryStyle::Classic {
                out.push(" ---> Using cache".to_owned());
            }
        } else {
            output_lines(&mut out, &tag, s);
        }
        if self.style == HistoryStyle::Buildkit {
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
        out
    }
}

/// Whether a step's text is a `FROM` of an image, which BuildKit names with its registry
/// (`FROM docker.io/library/busybox:latest`); a `FROM` of an earlier stage has no registry.
pub fn is_image_from(text: &str) -> bool {
    text.strip_prefix("FROM ")
        .and_then(|r| r.split_once('/'))
        .is_some_and(|(first, _)| strata_image::reference::is_registry(first))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn run_step() -> Step {
        Step {
            stage: "stage-0".to_owned(),
            text: "RUN ./both.sh".to_owned(),
            span: strata_dockerfile::Span::default(),
            vertex: Some((2, 2)),
            classic: (2, 2),
            cache: CacheStatus::Miss("new".to_owned()),
            stdout: b"out-one\nout-".to_vec(),
            stderr: b"err-one\nerr-two".to_vec(),
            notes: Vec::new(),
            layer: Some(1),
        }
    }

    #[test]
    fn interleaved_partial_lines_of_stdout_and_stderr_stay_whole() {
        let mut p = PlainPrinter::new(HistoryStyle::Buildkit, 1);
        let step = run_step();
        assert_eq!(p.started(&step), ["#1 [2/2] RUN ./both.sh"]);
        assert!(p.output(Stream::Stdout, b"out-").is_empty());
        assert!(p.output(Stream::Stderr, b"err-").is_empty());
        assert_eq!(p.output(Stream::Stdout, b"one\nout-"), ["#1 out-one"]);
        assert_eq!(p.output(Stream::Stderr, b"one\n"), ["#1 err-one"]);
        assert!(p.output(Stream::Stderr, b"err-two").is_empty());
        assert_eq!(
            p.done(&step),
            ["#1 out-", "#1 err-two", "#1 DONE (cache miss: new)", ""]
        );
    }
}
