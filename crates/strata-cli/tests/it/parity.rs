//! Docker parity of the native backend: every case in `tests/fidelity/cases` built with
//! `strata build --backend native` on the oracle's real `busybox:mnt` (and `busybox:latest`), saved with
//! `strata save`, and read back by the oracle's own `imgdump.py` — the tool that made Docker's recording —
//! so config, history and every layer's normalized listing, *with the content hashes of the files the real
//! busybox wrote*, are compared with what Docker 20.10 BuildKit produced. The base layer is compared too
//! (`tests/fidelity/base/busybox-mnt.txt`): here it is real.
//!
//! Each recorded `docker run` line is run with `strata run --backend native` on the native image: exit code,
//! stdout and stderr compared with Docker's.
//!
//! Then sim = native: the same case built with `--backend sim` on the same store is compared with the native
//! build, aspect by aspect (config, history, each layer above the base, each run line's result).
//!
//! Differences must be listed in `tests/fidelity/known-differences.native.txt` (`sim: ASPECT` for the
//! simulator against the native build) with the reason; an unlisted one fails the test, and so does a listed
//! one that no longer differs. `FIDELITY_REPORT=1` prints every difference.
//!
//! Needs root, overlayfs, runc, busybox-static, python3 and the busybox root filesystem tars
//! `../shared/oracle/setup.sh` makes; elsewhere it prints why it is skipped.

#[path = "../../../../tests/fidelity/expected.rs"]
mod expected;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::stderr;
use crate::store::{strata_at, TempDir};

/// Where `setup.sh` keeps the busybox root filesystem tars.
fn oracle_base_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("ORACLE_BASE_DIR") {
        return d.into();
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache")
        });
    cache.join("strata-oracle/base")
}

fn imgdump() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/oracle/imgdump.py")
}

/// Why the parity test cannot run here, if it cannot.
fn missing() -> Option<String> {
    if let Some(why) = crate::native::missing() {
        return Some(why);
    }
    let base = oracle_base_dir();
    for tar in ["busybox-rootfs-mnt.tar", "busybox-rootfs.tar"] {
        if !base.join(tar).is_file() {
            return Some(format!(
                "needs {} (run ../shared/oracle/setup.sh)",
                base.join(tar).display()
            ));
        }
    }
    if !imgdump().is_file() {
        return Some("needs ../shared/oracle/imgdump.py".into());
    }
    if Command::new("python3").arg("--version").output().is_err() {
        return Some("needs python3".into());
    }
    None
}

/// Imports a rootfs tar as `docker import` with setup.sh's changes did.
fn import(root: &Path, tar: &Path, name: &str) {
    let o = strata_at(
        root,
        &[
            "import",
            "-c",
            r#"CMD ["sh"]"#,
            "-c",
            "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            tar.to_str().unwrap(),
            name,
        ],
    );
    assert!(o.status.success(), "import {name}: {}", stderr(&o));
}

fn sh(script: &str) {
    let o = Command::new("sh").args(["-c", script]).output().unwrap();
    assert!(o.status.success(), "{script}: {}", stderr(&o));
}

fn quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

/// The case's Dockerfile (and its own ignore file) in `dir`, its context in `dir/ctx`, made as record.sh
/// makes it: `.b64` files decoded, directories 0755, files 0644, `modes` applied, every mtime 1700000000.
fn materialize(case: &Path, dir: &Path) -> (PathBuf, PathBuf) {
    let ctx = dir.join("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    if case.join("context").is_dir() {
        sh(&format!(
            "cp -a {}/. {}",
            quote(&case.join("context")),
            quote(&ctx)
        ));
    }
    let c = quote(&ctx);
    sh(&format!(
        "find {c} -type f -name '*.b64' | while read -r f; do base64 -d \"$f\" > \"${{f%.b64}}\" && rm \"$f\"; done; \
         find {c} -type d -exec chmod 0755 {{}} +; find {c} -type f -exec chmod 0644 {{}} +"
    ));
    for line in expected::lines_of(&case.join("modes")) {
        let (mode, path) = line.trim().split_once(char::is_whitespace).unwrap();
        sh(&format!("chmod {mode} {}", quote(&ctx.join(path.trim()))));
    }
    sh(&format!("find {c} -exec touch -h -d @1700000000 {{}} +"));
    let dockerfile = dir.join("Dockerfile");
    std::fs::copy(case.join("Dockerfile"), &dockerfile).unwrap();
    if case.join("Dockerfile.dockerignore").is_file() {
        std::fs::copy(
            case.join("Dockerfile.dockerignore"),
            dir.join("Dockerfile.dockerignore"),
        )
        .unwrap();
    }
    (dockerfile, ctx)
}

/// What one backend built, read back through `strata save` and imgdump.py.
struct Built {
    config: Value,
    /// Each layer's normalized listing, base first.
    layers: Vec<Vec<String>>,
}

/// Builds the case with `backend`; Err is the build's error output.
fn build(
    root: &Path,
    case: &Path,
    dir: &Path,
    dockerfile: &Path,
    ctx: &Path,
    backend: &str,
) -> Result<Built, String> {
    let tag = format!("parity-{backend}:latest");
    let mut args: Vec<String> = [
        "build",
        "--backend",
        backend,
        "--no-cache",
        "--progress",
        "plain",
        "-f",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push(dockerfile.display().to_string());
    args.extend(["-t".into(), tag.clone()]);
    for (k, v) in expected::build_args(case) {
        args.extend(["--build-arg".into(), format!("{k}={v}")]);
    }
    if let Some(t) = expected::target(case) {
        args.extend(["--target".into(), t]);
    }
    args.push(ctx.display().to_string());
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = strata_at(root, &argv);
    if !o.status.success() {
        let err = stderr(&o);
        let tail: Vec<&str> = err.lines().rev().take(6).collect();
        return Err(tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
    }
    let tar = dir.join(format!("{backend}.tar"));
    let o = strata_at(root, &["save", "-o", tar.to_str().unwrap(), &tag]);
    assert!(o.status.success(), "save: {}", stderr(&o));
    let dump = dir.join(format!("{backend}.dump"));
    let o = Command::new("python3")
        .arg(imgdump())
        .arg(&tar)
        .arg(&dump)
        .output()
        .unwrap();
    assert!(o.status.success(), "imgdump.py: {}", stderr(&o));
    let config: Value =
        serde_json::from_slice(&std::fs::read(dump.join("config.json")).unwrap()).unwrap();
    let layers = (0..expected::layer_count(&config))
        .map(|i| {
            expected::listing_lines(
                &std::fs::read_to_string(dump.join(format!("layers/{i}.txt"))).unwrap_or_default(),
            )
        })
        .collect();
    let _ = std::fs::remove_file(&tar);
    Ok(Built { config, layers })
}

/// Python's `shlex.split` (POSIX mode), which oracle.sh uses on a `runs` line.
fn shlex(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    cur.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some('"' | '\\')) => {
                            cur.push(chars.next().unwrap_or('\\'));
                        }
                        c => cur.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    cur.push(c);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

/// What one `strata run` printed.
struct RunResult {
    exit: i32,
    stdout: Vec<u8>,
    stderr: String,
}

/// Runs a recorded `runs` line against `image` with `backend`, as oracle.sh runs it against Docker's.
fn run_line(root: &Path, backend: &str, image: &str, runset: &str) -> RunResult {
    let words = shlex(runset);
    let mut args: Vec<String> = vec!["run".into(), "--backend".into(), backend.into()];
    match words.iter().position(|w| w == "IMAGE") {
        Some(i) => {
            args.extend(words[..i].iter().cloned());
            args.push(image.into());
            args.extend(words[i + 1..].iter().cloned());
        }
        None => {
            args.push(image.into());
            args.extend(words);
        }
    }
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = strata_at(root, &argv);
    RunResult {
        exit: o.status.code().unwrap_or(-1),
        stdout: o.stdout.clone(),
        stderr: stderr(&o),
    }
}

/// The differences of one run from what was expected (`base` names the expectation).
fn compare_run(want: &RunResult, got: &RunResult, base: &str, who: &str) -> Option<String> {
    let mut d = String::new();
    if want.exit != got.exit {
        d.push_str(&format!(
            "  exit: {base} {} {who} {}\n",
            want.exit, got.exit
        ));
    }
    if want.stdout != got.stdout {
        d.push_str(&format!(
            "  stdout: {base} {:?}\n          {who} {:?}\n",
            String::from_utf8_lossy(&want.stdout),
            String::from_utf8_lossy(&got.stdout)
        ));
    }
    if want.stderr.trim_end() != got.stderr.trim_end() {
        d.push_str(&format!(
            "  stderr: {base} {:?}\n          {who} {:?}\n",
            want.stderr.trim_end(),
            got.stderr.trim_end()
        ));
    }
    (!d.is_empty()).then_some(d)
}

/// Each recorded run line against the native image (`run K` aspects), then the simulator's run of its own
/// image against the native one (`sim: run K`; strata's own `[strata] …` notes left out). Named volumes live
/// as long as the case's runs, as on the recording daemon, and are removed between the two backends' runs.
fn runs(root: &Path, case: &Path, native_ok: bool, sim_ok: bool) -> Vec<(String, String)> {
    let mut diffs = Vec::new();
    if !native_ok {
        return diffs;
    }
    let recorded = expected::recorded_runs(case);
    let mut natives = Vec::new();
    for (k, rec) in recorded.iter().enumerate() {
        let docker = RunResult {
            exit: rec.exit,
            stdout: rec.stdout.clone(),
            stderr: rec.stderr.clone(),
        };
        let native = run_line(root, "native", "parity-native:latest", &rec.runset);
        if let Some(d) = compare_run(&docker, &native, "docker", "native") {
            diffs.push((format!("run {}", k + 1), d));
        }
        natives.push(native);
    }
    remove_volumes(root);
    if sim_ok {
        for (k, (rec, native)) in recorded.iter().zip(&natives).enumerate() {
            let mut sim = run_line(root, "sim", "parity-sim:latest", &rec.runset);
            sim.stderr = sim
                .stderr
                .lines()
                .filter(|l| !l.starts_with("[strata] "))
                .map(|l| format!("{l}\n"))
                .collect();
            if let Some(d) = compare_run(native, &sim, "native", "sim") {
                diffs.push((format!("sim: run {}", k + 1), d));
            }
        }
        remove_volumes(root);
    }
    diffs
}

fn remove_volumes(root: &Path) {
    let o = strata_at(root, &["volume", "ls", "-q"]);
    for v in String::from_utf8_lossy(&o.stdout).split_whitespace() {
        let _ = strata_at(root, &["volume", "rm", "-f", v]);
    }
}

/// Native against Docker's recording.
fn against_docker(case: &Path, native: &Result<Built, String>) -> Vec<(String, String)> {
    let mut diffs = Vec::new();
    let rc = expected::build_rc(case);
    let n = match (native, rc) {
        (Err(_), r) if r != 0 => return diffs,
        (Err(e), _) => {
            diffs.push(("build".into(), format!("native failed:\n{e}\n")));
            return diffs;
        }
        (Ok(_), r) if r != 0 => {
            diffs.push(("build".into(), "native succeeded, docker failed".into()));
            return diffs;
        }
        (Ok(n), _) => n,
    };
    let exp = case.join("expected");
    let docker: Value =
        serde_json::from_slice(&std::fs::read(exp.join("config.json")).unwrap()).unwrap();
    diffs.extend(expected::compare_config(
        &docker, &n.config, "docker", "native",
    ));
    diffs.extend(expected::compare_history(
        &docker, &n.config, "docker", "native",
    ));
    let want = expected::layer_count(&docker);
    if want != n.layers.len() {
        diffs.push((
            "layers".into(),
            format!("docker {want} layers, native {}", n.layers.len()),
        ));
    }
    let base = expected::fidelity_dir(env!("CARGO_MANIFEST_DIR")).join("base/busybox-mnt.txt");
    for (i, got) in n.layers.iter().enumerate().take(want) {
        let file = exp.join(format!("layers/{i}.txt"));
        let text = if file.is_file() {
            std::fs::read_to_string(&file).unwrap()
        } else if i == 0 && expected::first_layer_is_base(&docker) {
            std::fs::read_to_string(&base).unwrap()
        } else {
            continue;
        };
        if let Some(d) = expected::compare_listing(&expected::listing_lines(&text), got) {
            diffs.push((format!("layer {i}"), d));
        }
    }
    diffs
}

/// The simulator against the native build, above the base layer (aspects prefixed `sim: `).
fn sim_against_native(
    native: &Result<Built, String>,
    sim: &Result<Built, String>,
) -> Vec<(String, String)> {
    let mut diffs = Vec::new();
    let (n, s) = match (native, sim) {
        (Err(_), Err(_)) => return diffs,
        (Ok(_), Err(e)) => {
            diffs.push(("sim: build".into(), format!("sim failed:\n{e}\n")));
            return diffs;
        }
        (Err(_), Ok(_)) => {
            diffs.push(("sim: build".into(), "sim succeeded, native failed".into()));
            return diffs;
        }
        (Ok(n), Ok(s)) => (n, s),
    };
    for (aspect, d) in expected::compare_config(&n.config, &s.config, "native", "sim")
        .into_iter()
        .chain(expected::compare_history(
            &n.config, &s.config, "native", "sim",
        ))
    {
        diffs.push((format!("sim: {aspect}"), d));
    }
    if n.layers.len() != s.layers.len() {
        diffs.push((
            "sim: layers".into(),
            format!("native {} layers, sim {}", n.layers.len(), s.layers.len()),
        ));
    }
    let first = usize::from(expected::first_layer_is_base(&n.config));
    for i in first..n.layers.len().min(s.layers.len()) {
        if let Some(d) = expected::compare_listing(&n.layers[i], &s.layers[i]) {
            diffs.push((
                format!("sim: layer {i}"),
                d.replace("  - ", "  - native ").replace("  + ", "  + sim "),
            ));
        }
    }
    diffs
}

#[test]
fn every_fidelity_case_built_natively_matches_docker_and_the_simulator() {
    if let Some(why) = missing() {
        println!("skipped: the native parity test {why}");
        return;
    }
    let fidelity = expected::fidelity_dir(env!("CARGO_MANIFEST_DIR"));
    let cases = expected::recorded_cases(&fidelity);
    assert!(cases.len() >= 100, "only {} recorded cases", cases.len());
    let dir = TempDir::new("parity");
    let root = dir.path("store");
    let base = oracle_base_dir();
    import(&root, &base.join("busybox-rootfs-mnt.tar"), "busybox:mnt");
    import(&root, &base.join("busybox-rootfs.tar"), "busybox:latest");
    let mut docker_found = Vec::new();
    let mut sim_found = Vec::new();
    let mut both = Vec::new();
    for case in &cases {
        let name = expected::case_name(case);
        let work = dir.path(&name);
        std::fs::create_dir_all(&work).unwrap();
        let (dockerfile, ctx) = materialize(case, &work);
        let native = build(&root, case, &work, &dockerfile, &ctx, "native");
        let sim = build(&root, case, &work, &dockerfile, &ctx, "sim");
        let mut d = against_docker(case, &native);
        let mut s = sim_against_native(&native, &sim);
        for (aspect, detail) in runs(&root, case, native.is_ok(), sim.is_ok()) {
            if aspect.starts_with("sim: ") {
                s.push((aspect, detail));
            } else {
                d.push((aspect, detail));
            }
        }
        let mut all = d.clone();
        all.extend(s.iter().cloned());
        docker_found.push((name.clone(), d));
        sim_found.push((name.clone(), s));
        both.push((name, all));
        let _ = std::fs::remove_dir_all(&work);
    }
    let count = |found: &[(String, Vec<(String, String)>)]| {
        found.iter().filter(|(_, d)| d.is_empty()).count()
    };
    println!(
        "parity: native = docker in {}/{} cases; sim = native in {}/{} cases",
        count(&docker_found),
        cases.len(),
        count(&sim_found),
        cases.len()
    );
    let (_, problems) = expected::judge(
        &both,
        expected::read_known(&fidelity.join("known-differences.native.txt")),
        "known-differences.native.txt",
        std::env::var_os("FIDELITY_REPORT").is_some(),
    );
    assert!(problems.is_empty(), "\n{problems}");
}
