//! The acceptance test of the simulator: every case in `tests/fidelity/cases` (a Dockerfile, a context, the
//! `docker run` lines to try) built with the simulator and compared with what real Docker BuildKit produced
//! (recorded by `tests/fidelity/record.sh` through `../shared/oracle/oracle.sh`).
//!
//! Compared: whether the build succeeds; the config fields a Dockerfile sets; history (`created_by`,
//! `empty_layer`, comment) after the base image's entries; every layer's normalized listing (type, path,
//! mode, owner, size, sha256); and for each run line the resolved argv, the exit code, stdout and stderr.
//! Deliberate normalizations: `created` times are not compared; EXPOSE and HEALTHCHECK history entries are
//! compared by keyword only (Docker 20.10 writes Go's map/struct dump, current BuildKit a list,
//! SEMANTICS.md §3.9) and COPY/ADD entries without `--chown=`/`--chmod=` (current BuildKit records them,
//! 20.10 did not); the base image's own layer is not compared (its binary is modelled).
//!
//! A case that differs must be listed in `tests/fidelity/known-differences.txt` with the aspect and the
//! reason; the test fails on an unlisted difference and on a listed one that no longer differs, so the list
//! is always the truth. `FIDELITY_REPORT=1` prints every difference in full.

#[path = "../../../tests/fidelity/expected.rs"]
mod expected;

use std::fmt::Write as _;
use std::path::Path;

use expected::RecordedRun;
use serde_json::Value;
use strata_build::engine::BuildRequest;
use strata_build::run::parse_run_line;
use strata_build::{build, Cache};
use strata_image::{Attrs, Changeset, Content, EntryKind, NodeKind, Timestamp, Tree};
use strata_sim::backend::{SimBackend, SimStore};
use strata_sim::exec::Limits;

/// Every context file and directory gets this mtime (record.sh does the same).
const MTIME: i64 = 1_700_000_000;

fn read_context(case: &Path) -> Tree {
    let t0 = Timestamp::from_secs(MTIME);
    let mut tree = Tree::with_root(Attrs::new(0o755, 0, 0, t0));
    let root = case.join("context");
    let mut todo = vec![(root.clone(), String::new())];
    while let Some((dir, rel)) = todo.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<_> = rd.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = e.path();
            let ft = e.file_type().expect("file type");
            if ft.is_dir() {
                let r = format!("{rel}/{name}");
                tree.insert(&r, Attrs::new(0o755, 0, 0, t0), NodeKind::Dir)
                    .expect("dir");
                todo.push((path, r));
            } else if ft.is_symlink() {
                let target = std::fs::read_link(&path).expect("link");
                tree.insert(
                    &format!("{rel}/{name}"),
                    Attrs::new(0o777, 0, 0, t0),
                    NodeKind::Symlink(target.to_string_lossy().into_owned()),
                )
                .expect("symlink");
            } else {
                let mut bytes = std::fs::read(&path).expect("read");
                let mut name = name;
                if let Some(stem) = name.strip_suffix(".b64") {
                    bytes = base64_decode(&bytes);
                    name = stem.to_owned();
                }
                tree.insert(
                    &format!("{rel}/{name}"),
                    Attrs::new(0o644, 0, 0, t0),
                    NodeKind::File(Content::from(bytes)),
                )
                .expect("file");
            }
        }
    }
    if let Ok(modes) = std::fs::read_to_string(case.join("modes")) {
        for line in modes.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (mode, path) = line.split_once(char::is_whitespace).expect("modes line");
            let mode = u32::from_str_radix(mode, 8).expect("octal mode");
            tree.set_mode(&format!("/{}", path.trim()), mode)
                .expect("modes: path exists");
        }
    }
    tree
}

fn base64_decode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for &c in input {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// A layer in imgdump.py's normalized form, sorted by path.
fn listing(cs: &Changeset) -> Vec<String> {
    let sha = |b: &[u8]| strata_image::Digest::of(b).hex();
    let mut out: Vec<(String, String)> = Vec::new();
    for e in &cs.entries {
        let a = &e.attrs;
        let owner = format!("{}:{}", a.uid, a.gid);
        let xattrs = if a.xattrs.is_empty() {
            String::new()
        } else {
            format!(
                " xattrs={}",
                a.xattrs.keys().cloned().collect::<Vec<_>>().join(",")
            )
        };
        let mode = format!("{:04o}", a.mode);
        let (t, path, size, h) = match &e.kind {
            EntryKind::Dir => ("d", e.path.clone(), 0, "-".to_owned()),
            EntryKind::File(c) => ("f", e.path.clone(), c.len(), sha(&c.bytes())),
            EntryKind::Symlink(t) => (
                "l",
                e.path.clone(),
                0,
                format!("->{t} {}", sha(t.as_bytes())),
            ),
            EntryKind::Hardlink(t) => {
                let t = t.trim_start_matches('/');
                (
                    "h",
                    e.path.clone(),
                    0,
                    format!("->{t} {}", sha(t.as_bytes())),
                )
            }
            EntryKind::Whiteout => {
                let (dir, name) = e.path.rsplit_once('/').unwrap_or(("", &e.path));
                (
                    "wh",
                    format!("{dir}/.wh.{name}"),
                    0,
                    format!("deletes:{}", e.path),
                )
            }
            EntryKind::Opaque => {
                let p = if e.path == "/" {
                    String::new()
                } else {
                    e.path.clone()
                };
                (
                    "opq",
                    format!("{p}/.wh..wh..opq"),
                    0,
                    format!("opaque:{}", e.path),
                )
            }
            EntryKind::CharDevice { .. } => ("c", e.path.clone(), 0, "-".to_owned()),
            EntryKind::BlockDevice { .. } => ("b", e.path.clone(), 0, "-".to_owned()),
            EntryKind::Fifo => ("p", e.path.clone(), 0, "-".to_owned()),
        };
        out.push((
            path.clone(),
            format!("{t}\t{path}\t{mode}\t{owner}\t{size}\t{h}{xattrs}"),
        ));
    }
    out.sort();
    out.into_iter().map(|(_, l)| l).collect()
}

/// Compares one case; returns its differences as (aspect, detail).
fn check_case(case: &Path, store: &SimStore) -> Vec<(String, String)> {
    let mut diffs: Vec<(String, String)> = Vec::new();
    let exp = case.join("expected");
    let dockerfile = std::fs::read_to_string(case.join("Dockerfile")).expect("Dockerfile");
    let ctx = read_context(case);
    // `Dockerfile.dockerignore` beside the Dockerfile wins over the context's `.dockerignore`.
    let ignore = std::fs::read_to_string(case.join("Dockerfile.dockerignore"))
        .ok()
        .or_else(|| {
            ctx.read("/.dockerignore")
                .ok()
                .map(|c| String::from_utf8_lossy(&c.bytes()).into_owned())
        });
    let build_args = expected::build_args(case);
    let target = expected::target(case);
    let req = BuildRequest {
        dockerignore: ignore.as_deref(),
        build_args,
        target,
        no_cache: true,
        ..BuildRequest::new(&dockerfile, &ctx, Timestamp::from_secs(1_800_000_000))
    };
    let rc = expected::build_rc(case);
    let mut backend = SimBackend::default();
    let result = build(&req, &mut backend, store, &mut Cache::new());
    let out = match (result, rc) {
        (Err(_), r) if r != 0 => return diffs,
        (Err(f), _) => {
            diffs.push(("build".into(), format!("sim failed: {}", f.error.message)));
            return diffs;
        }
        (Ok(_), r) if r != 0 => {
            diffs.push(("build".into(), "sim succeeded, docker failed".into()));
            return diffs;
        }
        (Ok(o), _) => o,
    };
    // Config.
    let expected: Value =
        serde_json::from_slice(&std::fs::read(exp.join("config.json")).expect("config.json"))
            .expect("config json");
    let ours: Value = serde_json::from_slice(&out.image.config_json()).expect("our config is json");
    diffs.extend(expected::compare_config(&expected, &ours, "docker", "sim"));
    diffs.extend(expected::compare_history(&expected, &ours, "docker", "sim"));
    // Layers (the base image's layer is not recorded: its binary is modelled).
    let n_layers = out.image.layers.len();
    let expected_layers = expected::layer_count(&expected);
    if n_layers != expected_layers {
        diffs.push((
            "layers".into(),
            format!("docker {expected_layers} layers, sim {n_layers}"),
        ));
    }
    // The base image's layer (history entry 0 not written by BuildKit) holds a modelled binary: skipped.
    let first = usize::from(expected::first_layer_is_base(&expected));
    for i in first..expected_layers.min(n_layers) {
        let Ok(text) = std::fs::read_to_string(exp.join(format!("layers/{i}.txt"))) else {
            continue;
        };
        let want = expected::listing_lines(&text);
        let got = listing(&out.image.layers[i].changeset);
        if let Some(d) = expected::compare_listing(&want, &got) {
            diffs.push((format!("layer {i}"), d));
        }
    }
    // Runs.
    let mut volumes = std::collections::BTreeMap::new();
    for (k, rec) in expected::recorded_runs(case).iter().enumerate() {
        if let Some(d) = check_run(&out.image, rec, &mut volumes) {
            diffs.push((format!("run {}", k + 1), d));
        }
    }
    diffs
}

fn check_run(
    image: &strata_build::BuiltImage,
    rec: &RecordedRun,
    volumes: &mut std::collections::BTreeMap<String, strata_image::Tree>,
) -> Option<String> {
    let line = if rec.runset.split_whitespace().any(|w| w == "IMAGE") {
        format!("docker run {}", rec.runset)
    } else {
        format!("docker run IMAGE {}", rec.runset)
    };
    let parsed = match parse_run_line(&line) {
        Ok(p) => p,
        // Refused before a container exists: docker's exit 125 and its message.
        Err(e) if rec.exit == 125 && e.stderr().trim_end() == rec.stderr.trim_end() => return None,
        Err(e) => {
            return Some(format!(
                "cannot parse {line:?}: {:?}, docker exit {} {:?}",
                e.stderr(),
                rec.exit,
                rec.stderr
            ))
        }
    };
    let config = image.config.config.clone().unwrap_or_default();
    // Named volumes live across the runs of a case, as on the recording daemon.
    let id = format!("0123456789ab{}", "0".repeat(52));
    let started = match strata_sim::container::run_with_volumes(
        &image.tree,
        &config,
        &parsed.options,
        &id,
        Timestamp::from_secs(1_800_000_000),
        Limits::default(),
        &|n: &str| volumes.get(n).cloned(),
    ) {
        Ok(s) => s,
        Err(n) => {
            return (rec.exit != 125)
                .then(|| format!("sim refused ({}), docker exit {}", n.error, rec.exit))
        }
    };
    for m in &started.mounts {
        if let strata_build::mounts::MountSource::Named(name) = &m.spec.source {
            volumes.insert(name.clone(), m.content.clone());
        }
    }
    let resolved = &started.resolved;
    let mut d = String::new();
    if let Some(want) = &rec.path_args {
        if want != &resolved.argv {
            let _ = writeln!(d, "  argv: docker {want:?} sim {:?}", resolved.argv);
        }
    }
    let out = &started.outcome;
    if let Some(ns) = &out.not_simulated {
        // The simulator stopped at a program it cannot run: there is no exit code or output to compare
        // past it, and no code was invented for it.
        let _ = writeln!(d, "  {ns} (docker exit {})", rec.exit);
        return Some(d);
    }
    if out.exit_code != rec.exit {
        let _ = writeln!(d, "  exit: docker {} sim {}", rec.exit, out.exit_code);
    }
    if out.stdout != rec.stdout {
        let _ = writeln!(
            d,
            "  stdout: docker {:?}\n          sim    {:?}",
            String::from_utf8_lossy(&rec.stdout),
            String::from_utf8_lossy(&out.stdout)
        );
    }
    let sim_err = match &out.start_error {
        Some(e) => format!(
            "docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: {e}: unknown.\n"
        ),
        None => String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    if sim_err.trim_end() != rec.stderr.trim_end() {
        let _ = writeln!(
            d,
            "  stderr: docker {:?}\n          sim    {:?}",
            rec.stderr.trim_end(),
            sim_err.trim_end()
        );
    }
    (!d.is_empty()).then_some(d)
}

#[test]
fn fidelity_cases_match_docker_buildkit() {
    let dir = expected::fidelity_dir(env!("CARGO_MANIFEST_DIR"));
    let cases = expected::recorded_cases(&dir);
    assert!(cases.len() >= 40, "only {} recorded cases", cases.len());
    let store = SimStore::new();
    let found: Vec<(String, Vec<(String, String)>)> = cases
        .iter()
        .map(|case| (expected::case_name(case), check_case(case, &store)))
        .collect();
    let (identical, problems) = expected::judge(
        &found,
        expected::read_known(&dir.join("known-differences.txt")),
        "known-differences.txt",
        std::env::var_os("FIDELITY_REPORT").is_some(),
    );
    eprintln!(
        "fidelity: {identical}/{} cases identical to Docker",
        cases.len()
    );
    assert!(problems.is_empty(), "\n{problems}");
}
