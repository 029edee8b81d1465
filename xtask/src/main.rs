//! Project automation: `cargo xtask play | test | bench | fuzz | setup`.
//!
//! Every command installs what it needs on a fresh Debian machine first (rustup target, wasm-bindgen-cli,
//! Chromium), so the README's two commands work from a clean clone. Tools built from crates.io go to
//! `.tools/` in the repository (ignored by git).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

mod corpus_bench;
mod native_bench;
mod setup;
#[cfg(test)]
mod tidy;
mod web;

/// The wasm-bindgen version; must equal the `wasm-bindgen` pin in the workspace `Cargo.toml`.
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";

/// Crates that must build for `wasm32-unknown-unknown` (the pure core).
pub const WASM_CRATES: &[&str] = &[
    "strata-dockerfile",
    "strata-image",
    "strata-build",
    "strata-sim",
    "web",
];

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cmd = args.first().map(String::as_str).unwrap_or("help");
    let rest = &args[args.len().min(1)..];
    match cmd {
        "test" => test(rest),
        "play" => play(rest),
        "dist" => web::dist(&root()?),
        "bench" => bench(rest),
        "bench-native" => native_bench::native_vs_docker(&root()?),
        "bench-corpus" => corpus_bench::corpus_cost(&root()?),
        "fuzz" => fuzz(rest),
        "setup" => setup::all(&root()?),
        "test-engines" => test_engines(),
        _ => {
            println!(
                "usage: cargo xtask <command>\n\n  play    build the browser playground and serve it on http://127.0.0.1:8080 (--cli: the CLI on the examples)\n  dist    build the browser playground's release site into dist/\n  test    install what is needed, then run every test (native, wasm32 in Node and Chromium, clippy, fmt)\n  bench   run the criterion benchmarks (and the native backend beside Docker, as root)\n  bench-native  only the native backend beside Docker BuildKit (root, after ../shared/oracle/setup.sh)\n  bench-corpus  the cold preview of every real-world Dockerfile (tests/realworld): time and peak memory\n  fuzz [SECS]  fuzz the parser with cargo-fuzz (default 600 s)\n  setup   only install the tools\n  test-engines  install docker, podman and skopeo (../shared/oracle/setup.sh), then run the real-engine tests"
            );
            Ok(())
        }
    }
}

/// The repository root.
pub fn root() -> Result<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("xtask has no parent directory")?;
    Ok(dir.to_path_buf())
}

/// A command run from the repository root with `.tools/bin` first on PATH.
pub fn cmd(root: &Path, program: &str) -> Command {
    let mut c = Command::new(program);
    c.current_dir(root);
    let tools = root.join(".tools/bin");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![tools];
    paths.extend(std::env::split_paths(&path));
    if let Ok(joined) = std::env::join_paths(paths) {
        c.env("PATH", joined);
    }
    c
}

/// Run `c`, echoing it, failing on a non-zero exit.
pub fn run(mut c: Command) -> Result<()> {
    eprintln!("$ {}", show(&c));
    let status = c
        .status()
        .with_context(|| format!("starting {}", show(&c)))?;
    if !status.success() {
        bail!("`{}` failed ({status})", show(&c));
    }
    Ok(())
}

fn show(c: &Command) -> String {
    let mut s = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

struct Step {
    name: &'static str,
    result: Result<()>,
    secs: f64,
}

fn test(_args: &[String]) -> Result<()> {
    let root = root()?;
    setup::all(&root)?;
    let mut steps: Vec<Step> = Vec::new();
    let mut step = |name: &'static str, f: &dyn Fn() -> Result<()>| {
        eprintln!("\n==> {name}");
        let t = Instant::now();
        let result = f();
        if let Err(e) = &result {
            eprintln!("==> {name}: FAILED: {e:#}");
        }
        steps.push(Step {
            name,
            result,
            secs: t.elapsed().as_secs_f64(),
        });
    };

    step("fmt", &|| {
        let mut c = cmd(&root, "cargo");
        c.args(["fmt", "--all", "--", "--check"]);
        run(c)
    });
    step("clippy", &|| {
        let mut c = cmd(&root, "cargo");
        c.args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]);
        run(c)
    });
    step("native tests", &|| {
        let mut c = cmd(&root, "cargo");
        c.args(["test", "--workspace"]);
        run(c)
    });
    step("wasm32 build of the core crates", &|| {
        let mut c = cmd(&root, "cargo");
        c.args(["build", "--target", "wasm32-unknown-unknown"]);
        for k in WASM_CRATES {
            c.args(["-p", k]);
        }
        run(c)
    });
    step("wasm32 tests in Node", &|| {
        let mut c = cmd(&root, "cargo");
        c.args(["test", "--target", "wasm32-unknown-unknown", "--tests"]);
        for k in WASM_CRATES {
            c.args(["-p", k]);
        }
        run(c)
    });
    step("wasm32 tests in headless Chromium", &|| {
        let mut c = cmd(&root, "cargo");
        c.args(["test", "--target", "wasm32-unknown-unknown", "--tests"]);
        for k in WASM_CRATES {
            c.args(["-p", k]);
        }
        c.env("WASM_BINDGEN_USE_BROWSER", "1");
        c.env("CHROMEDRIVER", "/usr/bin/chromedriver");
        run(c)
    });
    step("playground end-to-end (headless Chromium)", &|| {
        web::e2e(&root)
    });
    println!("\nstrata test summary:");
    let mut failed = 0;
    for s in &steps {
        let verdict = if s.result.is_ok() { "ok" } else { "FAILED" };
        if s.result.is_err() {
            failed += 1;
        }
        println!("  {:<44} {:>6}  {:>6.1}s", s.name, verdict, s.secs);
    }
    println!(
        "xtask test: {} passed, {} failed",
        steps.len() - failed,
        failed
    );
    if failed > 0 {
        bail!("{failed} test step(s) failed");
    }
    Ok(())
}

fn play(args: &[String]) -> Result<()> {
    let root = root()?;
    if args.first().map(String::as_str) != Some("--cli") {
        return web::play(&root);
    }
    setup::rust(&root)?;
    let mut c = cmd(&root, "cargo");
    c.args(["build", "--quiet", "-p", "strata-cli"]);
    run(c)?;
    let strata = root.join("target/debug/strata");
    let strata = strata.to_string_lossy();
    println!("strata is built at {strata}. Here is what the CLI sees (`cargo xtask play` serves the playground).\n");
    println!("== the examples (from the tutorials people learn Docker with): {strata} example");
    let mut c = cmd(&root, &strata);
    c.arg("example");
    run(c)?;
    for (name, file) in [
        ("python-app", "examples/python-app.Dockerfile"),
        ("myip", "examples/myip.Dockerfile"),
    ] {
        println!("\n== {name}: {strata} lint {file}");
        let _ = cmd(&root, &strata).args(["lint", file]).status();
        println!("\n== {name}: {strata} parse --dump {file}   (BuildKit's syntax tree)");
        let _ = cmd(&root, &strata).args(["parse", "--dump", file]).status();
    }
    println!("\nTry it on your own Dockerfile: {strata} lint path/to/Dockerfile");
    Ok(())
}

fn bench(args: &[String]) -> Result<()> {
    let root = root()?;
    setup::rust(&root)?;
    for (package, bench) in [
        ("strata-dockerfile", "parse"),
        ("strata-image", "layer"),
        ("strata-image", "diff"),
        ("strata-image", "vs_tar"),
        ("strata-sim", "build"),
        ("strata-build", "env_lines"),
    ] {
        let mut c = cmd(&root, "cargo");
        c.args(["bench", "-p", package, "--bench", bench, "--"])
            .args(args);
        run(c)?;
    }
    native_bench::native_vs_docker(&root)?;
    corpus_bench::corpus_cost(&root)?;
    setup::wasm_bindgen(&root)?;
    layer_write_wasm_vs_native(&root)?;
    web::timing(&root)
}

/// The layer-write workload of `crates/strata-image/tests/wasm_bench.rs` (256 MiB of files → tar → sha256)
/// natively and as wasm32 in Node, both in release mode; their `layer-write:` lines printed side by side.
fn layer_write_wasm_vs_native(root: &Path) -> Result<()> {
    let mut lines = Vec::new();
    for wasm in [false, true] {
        let mut c = cmd(root, "cargo");
        c.args([
            "test",
            "--release",
            "-p",
            "strata-image",
            "--test",
            "wasm_bench",
        ]);
        if wasm {
            c.args(["--target", "wasm32-unknown-unknown"]);
        }
        c.args(["--", "--nocapture"]);
        eprintln!("$ {}", show(&c));
        let out = c
            .stderr(std::process::Stdio::inherit())
            .output()
            .with_context(|| format!("starting {}", show(&c)))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        print!("{stdout}");
        if !out.status.success() {
            bail!("`{}` failed ({})", show(&c), out.status);
        }
        lines.extend(
            stdout
                .lines()
                .filter_map(|l| l.find("layer-write:").map(|i| l[i..].to_string())),
        );
    }
    println!("\nlayer write (tar + sha256 of 256 MiB of files), same workload:");
    for l in &lines {
        println!("  {l}");
    }
    let rate = |target: &str| -> Option<f64> {
        let l = lines.iter().find(|l| l.contains(target))?;
        let (_, rest) = l.split_once("tar+sha256 ")?;
        rest.split_whitespace().next()?.parse().ok()
    };
    if let (Some(n), Some(w)) = (rate("native"), rate("wasm32")) {
        println!(
            "  wasm32 in Node reaches {:.2}x the native throughput",
            w / n
        );
    }
    Ok(())
}

fn fuzz(args: &[String]) -> Result<()> {
    let root = root()?;
    let secs: u64 = match args.first() {
        Some(s) => s.parse().context("fuzz takes a number of seconds")?,
        None => 600,
    };
    setup::cargo_fuzz(&root)?;
    let mut c = cmd(&root, "cargo");
    c.current_dir(root.join("fuzz"));
    c.args([
        "+nightly",
        "fuzz",
        "run",
        "parse",
        "--",
        &format!("-max_total_time={secs}"),
        "-rss_limit_mb=4096",
    ]);
    run(c)
}

/// The real-engine group: `../shared/oracle/setup.sh` (installs and starts docker, podman, skopeo; imports
/// busybox), then `cargo test -p strata-cli --test engines`, ending with cargo's `test result:` line, then
/// the playground's download through `podman load` (tests/e2e/features.mjs with E2E_ENGINES=1).
fn test_engines() -> Result<()> {
    let root = root()?;
    let setup = root.join("../shared/oracle/setup.sh");
    let t = Instant::now();
    run(cmd(&root, &setup.to_string_lossy()))?;
    let setup_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut c = cmd(&root, "cargo");
    c.args(["test", "-p", "strata-cli", "--test", "engines"]);
    eprintln!("$ {}", show(&c));
    let out = c
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("starting cargo test")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}");
    let summary = stdout
        .lines()
        .rfind(|l| l.starts_with("test result:"))
        .unwrap_or("test result: none (the test binary did not run)");
    println!(
        "\nengines: {summary}\nengines: setup.sh {setup_secs:.1} s, tests {:.1} s",
        t.elapsed().as_secs_f64()
    );
    if !out.status.success() {
        bail!("the real-engine tests failed ({})", out.status);
    }
    // The native backend's tests: setup.sh installed runc and busybox-static, mmdebstrap makes their real
    // Debian base from the mirror, and CI runs as root, so here they must run, not skip.
    if Command::new("mmdebstrap")
        .arg("--version")
        .output()
        .is_err()
    {
        let mut c = Command::new("apt-get");
        c.args(["install", "-y", "-q", "mmdebstrap"])
            .env("DEBIAN_FRONTEND", "noninteractive");
        run(c)?;
    }
    // One real Debian root filesystem for the tests that need it (the apt build, the apt model comparison).
    let debian = root.join("target/debian-bookworm-minbase.tar");
    if !debian.is_file() {
        // mmdebstrap picks its output format from the name, so the partial file ends in `.tar` too.
        let partial = root.join("target/debian-bookworm-minbase.partial.tar");
        let _ = std::fs::remove_file(&partial);
        let mut c = Command::new("mmdebstrap");
        c.args(["--variant=minbase", "--format=tar", "--quiet", "bookworm"])
            .arg(&partial);
        run(c)?;
        std::fs::rename(&partial, &debian)?;
    }
    let mut c = cmd(&root, "cargo");
    c.args([
        "test",
        "-p",
        "strata-cli",
        "--test",
        "it",
        "--",
        "native::",
        "native_run::",
        "parity::",
        "run_mount::",
        "apt_model::",
        "--nocapture",
    ])
    .env("STRATA_DEBIAN_TAR", &debian);
    eprintln!("$ {}", show(&c));
    let out = c
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("starting cargo test")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}");
    if !out.status.success() {
        bail!("the native backend's tests failed ({})", out.status);
    }
    if let Some(line) = stdout.lines().find(|l| l.starts_with("skipped:")) {
        bail!("the native backend's tests were skipped in the real-engine group: {line}");
    }
    println!("engines: the native backend's tests ran");
    // The playground's download, loaded with podman.
    web::e2e_engines(&root)?;
    println!("engines: the playground's docker save and OCI tars load in podman (same image ID, same files)");
    Ok(())
}
