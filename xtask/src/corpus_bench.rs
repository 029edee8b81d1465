//! What a cold preview of each real-world Dockerfile costs natively (`cargo xtask bench-corpus`; issue 13's
//! "cost follows the Dockerfile"): every case of `tests/realworld/` built by the release
//! `strata build --backend sim` into a fresh store, as a user previewing it would, with its build args,
//! target and secrets; the wall time and the peak resident memory (`/usr/bin/time`'s maximum RSS) of each,
//! medians of a few runs. Goals: at most 200 ms and 100 MB for every case.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

/// How many times each case is built.
const RUNS: usize = 3;

/// The goals the issue sets for a cold preview, natively.
const GOAL_MS: f64 = 200.0;
const GOAL_MB: f64 = 100.0;

/// One case's figures.
struct Cost {
    name: String,
    ms: f64,
    mb: f64,
    /// How the build ended: `ok`, `not simulated` (it reached a program the simulator cannot run and stopped
    /// there, as designed) or `fails`.
    outcome: &'static str,
}

pub fn corpus_cost(root: &Path) -> Result<()> {
    if !Path::new("/usr/bin/time").is_file() {
        println!(
            "corpus cost: skipped (needs /usr/bin/time for the peak memory: apt-get install time)"
        );
        return Ok(());
    }
    let mut c = crate::cmd(root, "cargo");
    c.args(["build", "--release", "-p", "strata-cli"]);
    crate::run(c)?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let strata = target.join("release/strata");
    let work = std::env::temp_dir().join(format!("strata-corpus-bench-{}", std::process::id()));
    let corpus = root.join("tests/realworld");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .with_context(|| format!("reading {}", corpus.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("Dockerfile").is_file())
        .collect();
    cases.sort();
    let mut costs = Vec::new();
    for case in &cases {
        let mut ms = Vec::new();
        let mut mb = Vec::new();
        let mut outcome = "ok";
        for _ in 0..RUNS {
            let _ = std::fs::remove_dir_all(&work);
            std::fs::create_dir_all(&work)?;
            let (t, m, ended) = build_once(&strata, &work, case)?;
            ms.push(t);
            mb.push(m);
            if ended != "ok" {
                outcome = ended;
            }
        }
        costs.push(Cost {
            name: case
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            ms: median(ms),
            mb: median(mb),
            outcome,
        });
    }
    let _ = std::fs::remove_dir_all(&work);
    println!("\ncold preview of each real-world case, natively (strata build --backend sim, fresh store; medians of {RUNS})");
    println!("{:<40} {:>9} {:>9}  build", "case", "ms", "peak MB");
    for c in &costs {
        println!("{:<40} {:>9.0} {:>9.1}  {}", c.name, c.ms, c.mb, c.outcome);
    }
    let over_ms = costs.iter().filter(|c| c.ms > GOAL_MS).count();
    let over_mb = costs.iter().filter(|c| c.mb > GOAL_MB).count();
    let max_ms = costs.iter().map(|c| c.ms).fold(0.0, f64::max);
    let max_mb = costs.iter().map(|c| c.mb).fold(0.0, f64::max);
    let mut all_ms: Vec<f64> = costs.iter().map(|c| c.ms).collect();
    println!(
        "{} cases: median {:.0} ms, slowest {max_ms:.0} ms, most memory {max_mb:.1} MB; over {GOAL_MS} ms: {over_ms}, over {GOAL_MB} MB: {over_mb}",
        costs.len(),
        median(std::mem::take(&mut all_ms)),
    );
    Ok(())
}

/// Builds `case` once into a fresh store under `work`: (milliseconds, peak MB, how it ended: see [`Cost`]).
fn build_once(strata: &Path, work: &Path, case: &Path) -> Result<(f64, f64, &'static str)> {
    let report = work.join("time.txt");
    let mut c = Command::new("/usr/bin/time");
    c.arg("-o").arg(&report).args(["-f", "%e %M"]);
    c.arg(strata)
        .arg("--root")
        .arg(work.join("store"))
        .args(["build", "--backend", "sim", "-q"]);
    for line in lines(&case.join("build-args")) {
        c.args(["--build-arg", &line]);
    }
    if let Some(t) = lines(&case.join("target")).into_iter().next() {
        c.args(["--target", &t]);
    }
    if let Ok(rd) = std::fs::read_dir(case.join("secrets")) {
        for e in rd.flatten() {
            let id = e.file_name().to_string_lossy().into_owned();
            c.arg("--secret")
                .arg(format!("id={id},src={}", e.path().display()));
        }
    }
    c.arg(case).stdout(Stdio::null());
    let start = std::time::Instant::now();
    let out = c.output().context("running strata under /usr/bin/time")?;
    let status = out.status;
    let secs = start.elapsed().as_secs_f64();
    let text = std::fs::read_to_string(&report).unwrap_or_default();
    let Some(kb) = text
        .lines()
        .last()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse::<f64>().ok())
    else {
        bail!("/usr/bin/time wrote no figures for {}", case.display());
    };
    let outcome = if status.success() {
        "ok"
    } else if String::from_utf8_lossy(&out.stderr).contains("not simulated: ") {
        "not simulated"
    } else {
        "fails"
    };
    Ok((secs * 1000.0, kb / 1024.0, outcome))
}

/// The non-empty, non-comment lines of a file (none if it is missing).
fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
