//! The browser playground: its tools (trunk, and node packages for wasm-opt and Playwright), the release
//! build into `dist/`, a local static server, and the end-to-end test in headless Chromium.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::{run, setup};

/// The trunk release used: 0.22 needs a newer rustc than `rust-toolchain.toml` pins.
pub const TRUNK_VERSION: &str = "0.21.14";

/// Where `cargo xtask play` serves the site.
const PLAY_ADDR: &str = "127.0.0.1:8080";

/// Where the end-to-end test writes its screenshots (git-ignored, under `target/`).
const SCREENSHOTS: &str = "target/screenshots";

/// trunk and wasm-bindgen-cli in `.tools`, and the node packages of `package-lock.json` in `node_modules`.
pub fn setup(root: &Path) -> Result<()> {
    setup::cargo_tools(root)?;
    npm(root)
}

/// The command that installs trunk `TRUNK_VERSION` into `.tools` (`--locked`), or `None` when it is there.
pub fn trunk_install(root: &Path) -> Option<Command> {
    if setup::version_of(&root.join(".tools/bin/trunk")).is_some_and(|v| v.contains(TRUNK_VERSION))
    {
        return None;
    }
    let mut c = crate::cmd(root, "cargo");
    c.args(["install", "--locked", "--root", ".tools", "--force"])
        .arg(format!("trunk@{TRUNK_VERSION}"));
    setup::install_profile(&mut c);
    Some(c)
}

/// `npm ci`, unless `node_modules` was installed from the current `package-lock.json` already.
fn npm(root: &Path) -> Result<()> {
    let lock = root.join("package-lock.json");
    let installed = root.join("node_modules/.package-lock.json");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let fresh = matches!((modified(&installed), modified(&lock)), (Some(i), Some(l)) if i >= l);
    if fresh && root.join("node_modules/.bin/wasm-opt").exists() {
        return Ok(());
    }
    let mut c = web_cmd(root, "npm");
    c.args(["ci", "--no-audit", "--no-fund"]);
    run(c).context("npm ci (node >= 20 and npm are needed for wasm-opt and Playwright)")
}

/// A command run from the repository root with `node_modules/.bin` and `.tools/bin` first on PATH, and
/// trunk's crates.io update check turned off (there is no network for it here).
fn web_cmd(root: &Path, program: &str) -> Command {
    let mut c = Command::new(program);
    c.current_dir(root);
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![root.join("node_modules/.bin"), root.join(".tools/bin")];
    paths.extend(std::env::split_paths(&path));
    if let Ok(joined) = std::env::join_paths(paths) {
        c.env("PATH", joined);
    }
    c.env("TRUNK_SKIP_VERSION_CHECK", "true");
    c
}

/// `trunk build --release`: the site in `dist/`.
fn build(root: &Path) -> Result<()> {
    let t = Instant::now();
    let mut c = web_cmd(root, "trunk");
    c.args(["build", "--release"]);
    run(c)?;
    eprintln!("built dist/ in {:.1}s", t.elapsed().as_secs_f64());
    Ok(())
}

/// `cargo xtask dist`: set up, build the release site into `dist/` and print its download size.
pub fn dist(root: &Path) -> Result<()> {
    setup::rust(root)?;
    setup(root)?;
    build(root)?;
    print_sizes(root).map(|_| ())
}

/// `cargo xtask play`: set up, build, and serve the site on http://127.0.0.1:8080 until interrupted.
pub fn play(root: &Path) -> Result<()> {
    dist(root)?;
    let mut server = serve(root, PLAY_ADDR)?;
    println!("\nThe strata playground is at http://{PLAY_ADDR}/ (Ctrl-C stops the server)");
    let status = server.wait().context("waiting for the web server")?;
    if !status.success() {
        bail!("the web server stopped ({status})");
    }
    Ok(())
}

/// The end-to-end tests: build the site, serve it on a free port, drive it with Playwright in Chromium.
pub fn e2e(root: &Path) -> Result<()> {
    build(root)?;
    within_budget(root)?;
    e2e_scripts(
        root,
        &[
            "tests/e2e/playground.mjs",
            "tests/e2e/features.mjs",
            "tests/e2e/details.mjs",
            "tests/e2e/lessons.mjs",
            "tests/e2e/runline.mjs",
            "tests/e2e/takeout.mjs",
        ],
        false,
    )
}

/// The real-engine part of the end-to-end tests: the image downloaded from the page goes through `podman
/// load` (`cargo xtask test-engines`, after `../shared/oracle/setup.sh`), and a `docker save` tar, an OCI layout
/// and a CORS registry's image are brought in as bases (tests/e2e/own_base.mjs).
pub fn e2e_engines(root: &Path) -> Result<()> {
    dist(root)?;
    e2e_scripts(
        root,
        &["tests/e2e/features.mjs", "tests/e2e/own_base.mjs"],
        true,
    )
}

/// The playground's timing budgets (`tests/e2e/timing.mjs`): page load to first build, and keystroke to
/// layer view, in Chromium over 20 runs, beside the release CLI's `build --backend sim` in the same run; then
/// every real-world Dockerfile's cold preview in the page (`tests/e2e/corpus_timing.mjs`).
pub fn timing(root: &Path) -> Result<()> {
    dist(root)?;
    let mut c = crate::cmd(root, "cargo");
    c.args(["build", "--release", "-p", "strata-cli"]);
    run(c)?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    with_site(root, |url| {
        let mut c = web_cmd(root, "node");
        c.arg("tests/e2e/timing.mjs")
            .env("PLAYGROUND_URL", url)
            .env("STRATA", target.join("release/strata"));
        run(c)?;
        // Every real-world Dockerfile's cold preview in the page (`cargo xtask bench-corpus` is the CLI's).
        let mut c = web_cmd(root, "node");
        c.arg("tests/e2e/corpus_timing.mjs")
            .env("PLAYGROUND_URL", url);
        run(c)
    })
}

/// Runs each of `scripts` against the built site (all of them, even after a failure).
fn e2e_scripts(root: &Path, scripts: &[&str], engines: bool) -> Result<()> {
    let result = with_site(root, |url| {
        let mut result = Ok(());
        for script in scripts {
            let mut c = web_cmd(root, "node");
            c.arg(script)
                .env("PLAYGROUND_URL", url)
                .env("SCREENSHOT_DIR", root.join(SCREENSHOTS))
                .env("E2E_ENGINES", if engines { "1" } else { "0" });
            result = result.and(run(c));
        }
        result
    });
    if result.is_ok() {
        eprintln!("screenshots are in {SCREENSHOTS}/");
    }
    result
}

/// Serves `dist/` on a free local port while `f` runs with the site's URL.
fn with_site(root: &Path, f: impl FnOnce(&str) -> Result<()>) -> Result<()> {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .context("finding a free port")?
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut server = serve(root, &addr)?;
    let result = f(&format!("http://{addr}/"));
    let _ = server.kill();
    let _ = server.wait();
    result
}

/// Serve `dist/` on `addr` with Python's static file server (it sends `.wasm` as `application/wasm`).
fn serve(root: &Path, addr: &str) -> Result<Child> {
    let (host, port) = addr.rsplit_once(':').context("address without a port")?;
    let mut child = Command::new("python3")
        .current_dir(root)
        .args([
            "-m",
            "http.server",
            port,
            "--bind",
            host,
            "--directory",
            "dist",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting python3 -m http.server")?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(addr).is_err() {
        if let Some(status) = child.try_wait()? {
            bail!("the web server on {addr} exited at once ({status}); is the port in use?");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            bail!("the web server did not listen on {addr} within 10 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(child)
}

/// Print the size of each wasm, js and css file in `dist/`, raw and gzipped, and their gzip total.
/// Where the download's budget is kept (see the file's comment).
const BUDGET: &str = "web/download-budget.txt";

/// Fails when the built site's download (gzip -9 of its wasm, js and css) is over the budget in
/// [`BUDGET`], so that growth is a decision, not an accident.
fn within_budget(root: &Path) -> Result<()> {
    let total = print_sizes(root)?;
    let text =
        std::fs::read_to_string(root.join(BUDGET)).with_context(|| format!("reading {BUDGET}"))?;
    let budget: u64 = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .and_then(|l| l.parse().ok())
        .with_context(|| format!("{BUDGET} holds no number of bytes"))?;
    if total > budget {
        bail!(
            "the playground's download is {total} B (gzip -9), over the {budget} B budget in {BUDGET} by {} B",
            total - budget
        );
    }
    println!("download: {total} B of the {budget} B budget ({BUDGET})");
    Ok(())
}

/// Prints the download size of each file of `dist/` and returns the total, in gzip -9 bytes.
fn print_sizes(root: &Path) -> Result<u64> {
    let dist = root.join("dist");
    let mut total_gz = 0u64;
    let mut entries: Vec<_> = std::fs::read_dir(&dist)
        .context("reading dist/")?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x == "wasm" || x == "js" || x == "css")
        })
        .collect();
    entries.sort();
    println!("\ndownload size of dist/ (gzip -9):");
    for p in entries {
        let raw = std::fs::metadata(&p)?.len();
        let out = Command::new("gzip")
            .args(["-9", "-n", "-c"])
            .arg(&p)
            .output()
            .context("running gzip")?;
        let gz = out.stdout.len() as u64;
        total_gz += gz;
        let name = p.file_name().unwrap_or_default().to_string_lossy();
        println!("  {name:<40} {raw:>9} B raw {gz:>8} B gzip");
    }
    println!(
        "  {:<40} {:>9}   {total_gz:>10} B gzip ({:.1} KiB)",
        "total",
        "",
        total_gz as f64 / 1024.0
    );
    Ok(total_gz)
}
