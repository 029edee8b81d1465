//! Reading what Docker recorded for a fidelity case (`expected/`, README.md in this directory) and judging a
//! backend's differences against a known-differences list. Shared by the simulator's harness
//! (`crates/strata-sim/tests/fidelity.rs`) and the native backend's (`crates/strata-cli/tests/it/parity.rs`),
//! which include this file with `#[path]`; it knows nothing of either backend.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// `tests/fidelity`, from a crate two levels below the repository root.
pub fn fidelity_dir(manifest_dir: &str) -> PathBuf {
    Path::new(manifest_dir).join("../../tests/fidelity")
}

/// Every recorded case, in order.
pub fn recorded_cases(fidelity: &Path) -> Vec<PathBuf> {
    let cases_dir = fidelity.join("cases");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&cases_dir)
        .unwrap_or_else(|e| panic!("{}: {e}", cases_dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("expected/build.rc").exists())
        .collect();
    cases.sort();
    cases
}

/// A case's directory name.
pub fn case_name(case: &Path) -> String {
    case.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

/// The non-blank, non-comment lines of a file (none if it is missing).
pub fn lines_of(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|s| {
            s.lines()
                .map(str::to_owned)
                .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
                .collect()
        })
        .unwrap_or_default()
}

/// The recorded exit status of `docker build` (-1 if unreadable).
pub fn build_rc(case: &Path) -> i32 {
    std::fs::read_to_string(case.join("expected/build.rc"))
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(-1)
}

/// The case's `--build-arg`s.
pub fn build_args(case: &Path) -> Vec<(String, String)> {
    lines_of(&case.join("build-args"))
        .iter()
        .filter_map(|l| l.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect()
}

/// The case's `--target`, if any.
pub fn target(case: &Path) -> Option<String> {
    lines_of(&case.join("target")).into_iter().next()
}

/// The config fields a Dockerfile can set.
pub fn config_fields(v: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    if let Some(c) = v.get("config").and_then(Value::as_object) {
        for (k, val) in c {
            out.insert(format!("config.{k}"), val.clone());
        }
    }
    for k in ["author", "architecture", "os"] {
        if let Some(val) = v.get(k) {
            out.insert(k.to_owned(), val.clone());
        }
    }
    out
}

/// The config differences of `ours` (called `who`) from `docker` (called `base`), one `(aspect, detail)` at most.
pub fn compare_config(
    docker: &Value,
    ours: &Value,
    base: &str,
    who: &str,
) -> Option<(String, String)> {
    let (e, o) = (config_fields(docker), config_fields(ours));
    let keys: BTreeSet<&String> = e.keys().chain(o.keys()).collect();
    let mut d = String::new();
    for k in keys {
        if e.get(k) != o.get(k) {
            let _ = writeln!(d, "  {k}: {base} {:?} {who} {:?}", e.get(k), o.get(k));
        }
    }
    (!d.is_empty()).then(|| ("config".to_owned(), d))
}

/// History entries after the base image's, as comparable strings. EXPOSE and HEALTHCHECK are compared by
/// keyword (20.10 writes Go's map/struct dump), COPY/ADD without `--chown=`/`--chmod=` (current BuildKit
/// records them, 20.10 did not).
pub fn history_of(v: &Value) -> Vec<String> {
    let Some(h) = v.get("history").and_then(Value::as_array) else {
        return Vec::new();
    };
    h.iter()
        .skip_while(|e| e.get("comment").and_then(Value::as_str) != Some("buildkit.dockerfile.v0"))
        .map(|e| {
            let by = e.get("created_by").and_then(Value::as_str).unwrap_or("");
            let by = match by.split_whitespace().next() {
                Some(k @ ("EXPOSE" | "HEALTHCHECK")) => format!("{k} …"),
                Some("COPY" | "ADD") => by
                    .split(' ')
                    .filter(|w| !w.starts_with("--chown=") && !w.starts_with("--chmod="))
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => by.to_owned(),
            };
            format!(
                "{by} | empty_layer={} | {}",
                e.get("empty_layer")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                e.get("comment").and_then(Value::as_str).unwrap_or("")
            )
        })
        .collect()
}

/// The history differences of `ours` (called `who`) from `docker` (called `base`), one `(aspect, detail)` at
/// most.
pub fn compare_history(
    docker: &Value,
    ours: &Value,
    base: &str,
    who: &str,
) -> Option<(String, String)> {
    let (eh, oh) = (history_of(docker), history_of(ours));
    if eh == oh {
        return None;
    }
    let mut d = String::new();
    for i in 0..eh.len().max(oh.len()) {
        let (a, b) = (eh.get(i), oh.get(i));
        if a != b {
            let _ = writeln!(d, "  #{i}: {base:<6} {a:?}\n       {who:<6} {b:?}");
        }
    }
    Some(("history".to_owned(), d))
}

/// The number of layers (`rootfs.diff_ids`) of a config.
pub fn layer_count(config: &Value) -> usize {
    config
        .pointer("/rootfs/diff_ids")
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

/// Whether layer 0 is the base image's own (not written by BuildKit), so `layers/0.txt` may be absent.
pub fn first_layer_is_base(config: &Value) -> bool {
    config.pointer("/history/0/comment").and_then(Value::as_str) != Some("buildkit.dockerfile.v0")
}

/// The lines of a normalized layer listing.
pub fn listing_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A listing's differences as `- docker only` / `+ ours only` lines, or None when equal.
pub fn compare_listing(want: &[String], got: &[String]) -> Option<String> {
    if want == got {
        return None;
    }
    let w: BTreeSet<&String> = want.iter().collect();
    let g: BTreeSet<&String> = got.iter().collect();
    let mut d = String::new();
    for l in w.difference(&g) {
        let _ = writeln!(d, "  - {l}");
    }
    for l in g.difference(&w) {
        let _ = writeln!(d, "  + {l}");
    }
    if d.is_empty() {
        d.push_str("  same lines, different order\n");
    }
    Some(d)
}

/// What a recorded run produced.
pub struct RecordedRun {
    /// The runs line as given (empty for `-`).
    pub runset: String,
    /// `docker run`'s exit status.
    pub exit: i32,
    /// The container's Path and Args, when docker created one.
    pub path_args: Option<Vec<String>>,
    /// Canonical stdout.
    pub stdout: Vec<u8>,
    /// Stderr.
    pub stderr: String,
}

/// The recorded runs of a case, `run-1.txt` first.
pub fn recorded_runs(case: &Path) -> Vec<RecordedRun> {
    let mut runs = Vec::new();
    let mut k = 1;
    while let Ok(text) = std::fs::read_to_string(case.join(format!("expected/run-{k}.txt"))) {
        runs.push(parse_run(&text));
        k += 1;
    }
    runs
}

/// Reads a `run-K.txt`.
pub fn parse_run(text: &str) -> RecordedRun {
    let mut runset = String::new();
    let mut exit = 0;
    let mut path_args = None;
    let mut stdout = Vec::new();
    let mut stderr = String::new();
    let mut section = "";
    for line in text.split_inclusive('\n') {
        let l = line.trim_end_matches('\n');
        match l {
            "--- stdout" => section = "stdout",
            "--- stdout (escaped)" => section = "escaped",
            "--- stderr" => section = "stderr",
            _ if section.is_empty() => {
                if let Some(r) = l.strip_prefix("runset: ") {
                    runset = r.to_owned();
                } else if l == "runset:" {
                    runset.clear();
                } else if let Some(e) = l.strip_prefix("exit: ") {
                    exit = e.trim().parse().unwrap_or(-1);
                } else if let Some(r) = l.strip_prefix("resolved: ") {
                    path_args = parse_resolved(r);
                }
            }
            _ if section == "escaped" && (l.starts_with("b'") || l.starts_with("b\"")) => {
                stdout = py_bytes(l);
            }
            _ if section == "stderr" => stderr.push_str(line),
            _ => {}
        }
    }
    RecordedRun {
        runset,
        exit,
        path_args,
        stdout,
        stderr,
    }
}

/// `Path="echo" Args=["-n","hi"] …` → the argv.
fn parse_resolved(r: &str) -> Option<Vec<String>> {
    let rest = r.strip_prefix("Path=")?;
    let (path, rest): (String, &str) = {
        let mut de = serde_json::Deserializer::from_str(rest).into_iter::<String>();
        let p = de.next()?.ok()?;
        let off = de.byte_offset();
        (p, &rest[off..])
    };
    let rest = rest.trim_start().strip_prefix("Args=")?;
    let mut de = serde_json::Deserializer::from_str(rest).into_iter::<Vec<String>>();
    let args = de.next()?.ok()?;
    let mut v = vec![path];
    v.extend(args);
    Some(v)
}

/// Python's `repr` of bytes back to bytes.
fn py_bytes(s: &str) -> Vec<u8> {
    let body = &s.as_bytes()[2..s.len().saturating_sub(1)];
    let mut out = Vec::new();
    let mut i = 0;
    while i < body.len() {
        if body[i] == b'\\' && i + 1 < body.len() {
            let c = body[i + 1];
            i += 2;
            match c {
                b'n' => out.push(b'\n'),
                b't' => out.push(b'\t'),
                b'r' => out.push(b'\r'),
                b'\\' => out.push(b'\\'),
                b'\'' => out.push(b'\''),
                b'"' => out.push(b'"'),
                b'x' => {
                    let h = std::str::from_utf8(&body[i..i + 2]).unwrap_or("00");
                    out.push(u8::from_str_radix(h, 16).unwrap_or(0));
                    i += 2;
                }
                other => {
                    out.push(b'\\');
                    out.push(other);
                }
            }
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    out
}

/// A known-differences file: case → aspect → reason.
pub type Known = BTreeMap<String, BTreeMap<String, String>>;

/// Reads a known-differences file (`CASE<TAB>ASPECT<TAB>REASON` lines). A reason that starts with `racy:`
/// names a difference the case's own race makes come and go (the test accepts it either way).
pub fn read_known(path: &Path) -> Known {
    let mut known = Known::new();
    for l in lines_of(path) {
        let mut parts = l.splitn(3, '\t');
        let (Some(c), Some(a), Some(r)) = (parts.next(), parts.next(), parts.next()) else {
            panic!(
                "{}: bad line {l:?} (want CASE<TAB>ASPECT<TAB>REASON)",
                path.display()
            );
        };
        known
            .entry(c.to_owned())
            .or_default()
            .insert(a.to_owned(), r.to_owned());
    }
    known
}

/// Judges the differences found per case against the list: every unlisted difference, every listed one
/// that no longer differs and every listed case that does not exist is a problem. Returns the number of
/// identical cases and the problems (empty when the list is the truth). `report` prints listed ones too.
pub fn judge(
    found: &[(String, Vec<(String, String)>)],
    mut known: Known,
    list_name: &str,
    report: bool,
) -> (usize, String) {
    let mut identical = 0;
    let mut problems = String::new();
    for (name, diffs) in found {
        if diffs.is_empty() {
            identical += 1;
        }
        let listed = known.remove(name).unwrap_or_default();
        let aspects: BTreeSet<&str> = diffs.iter().map(|(a, _)| a.as_str()).collect();
        for (aspect, detail) in diffs {
            if report || !listed.contains_key(aspect) {
                let _ = writeln!(problems, "{name}: {aspect}:\n{detail}");
            }
        }
        for (aspect, reason) in &listed {
            if !aspects.contains(aspect.as_str()) && !reason.starts_with("racy:") {
                let _ = writeln!(
                    problems,
                    "{name}: {aspect} is listed in {list_name} but now matches: remove the line"
                );
            }
        }
    }
    for name in known.keys() {
        let _ = writeln!(
            problems,
            "{list_name} names {name}, which is not a case that was compared"
        );
    }
    (identical, problems)
}
