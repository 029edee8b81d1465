//! Installing what the tests and the playground need on a fresh Debian machine. Each step is skipped when
//! its tool is already there at the right version.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use crate::{cmd, run, WASM_BINDGEN_VERSION};

/// Everything `cargo xtask test` needs.
pub fn all(root: &Path) -> Result<()> {
    rust(root)?;
    cargo_tools(root)?;
    chromium()?;
    crate::web::setup(root)?;
    Ok(())
}

/// The tools built from crates.io that the playground needs: wasm-bindgen-cli and trunk, each pinned, built
/// side by side (two `cargo install` processes: one's single-threaded stretches — build scripts, the final
/// link — leave the other a core) with [`install_profile`].
pub fn cargo_tools(root: &Path) -> Result<()> {
    let mut pending = Vec::new();
    if let Some(c) = wasm_bindgen_install(root) {
        pending.push(("wasm-bindgen-cli", c));
    }
    if let Some(c) = crate::web::trunk_install(root) {
        pending.push(("trunk", c));
    }
    if pending.is_empty() {
        return Ok(());
    }
    let t = std::time::Instant::now();
    let names: Vec<&str> = pending.iter().map(|(n, _)| *n).collect();
    eprintln!(
        "installing {} into .tools (a few minutes, once)",
        names.join(" and ")
    );
    let mut children = Vec::new();
    for (name, mut c) in pending {
        eprintln!("$ {}", crate::show(&c));
        let child = c
            .spawn()
            .with_context(|| format!("starting the install of {name}"))?;
        children.push((name, child));
    }
    let mut failed = Vec::new();
    for (name, mut child) in children {
        match child.wait() {
            Ok(status) if status.success() => {}
            Ok(status) => failed.push(format!("{name} ({status})")),
            Err(e) => failed.push(format!("{name} ({e})")),
        }
    }
    if !failed.is_empty() {
        anyhow::bail!("installing {} failed", failed.join(", "));
    }
    eprintln!(
        "installed {} in {:.0}s",
        names.join(" and "),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `cargo install` into `.tools` with a release profile made for installing rather than for shipping: the
/// tools' own manifests ask for fat LTO and one codegen unit, which made trunk alone compile for about five
/// minutes on two cores. Cargo reads `CARGO_PROFILE_RELEASE_*` from the environment over the installed
/// package's `[profile.release]`. Unoptimized code is fast enough for what the tools do here (trunk runs
/// cargo and wasm-opt and copies files; wasm-bindgen rewrites one wasm file in a second or two), and it
/// compiles in a fraction of the time (measured from a fresh clone: see ARCHITECTURE.md). Each install
/// builds in its own temporary target directory.
pub fn install_profile(c: &mut Command) {
    c.env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "0")
        .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "false")
        .env_remove("CARGO_TARGET_DIR");
}

/// The wasm32 target (rust-toolchain.toml names it; `rustup target add` is a no-op when present).
pub fn rust(root: &Path) -> Result<()> {
    let mut c = cmd(root, "rustup");
    c.args(["target", "add", "wasm32-unknown-unknown"]);
    run(c)
}

/// `wasm-bindgen-cli` (it provides `wasm-bindgen-test-runner`), pinned to the crate's version.
pub fn wasm_bindgen(root: &Path) -> Result<()> {
    match wasm_bindgen_install(root) {
        Some(c) => run(c),
        None => Ok(()),
    }
}

/// The command that installs `wasm-bindgen-cli` into `.tools`, or `None` when the pinned version is there.
///
/// Installed without `--locked`: its packaged lockfile names a `webpki-roots` the crates.io index here lacks.
fn wasm_bindgen_install(root: &Path) -> Option<Command> {
    let bin = root.join(".tools/bin/wasm-bindgen");
    if version_of(&bin).is_some_and(|v| v.contains(WASM_BINDGEN_VERSION)) {
        return None;
    }
    let mut c = cmd(root, "cargo");
    c.args(["install", "--root", ".tools", "--force"])
        .arg(format!("wasm-bindgen-cli@{WASM_BINDGEN_VERSION}"));
    install_profile(&mut c);
    Some(c)
}

/// Debian's Chromium and ChromeDriver, for wasm-bindgen-test in the browser.
pub fn chromium() -> Result<()> {
    if Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists() {
        return Ok(());
    }
    let mut update = Command::new("apt-get");
    update.args(["-o", "DPkg::Lock::Timeout=900", "update"]);
    run(update).context("apt-get update (chromium is needed for the browser tests)")?;
    let mut install = Command::new("apt-get");
    install
        .args([
            "-o",
            "DPkg::Lock::Timeout=900",
            "install",
            "-y",
            "--no-install-recommends",
        ])
        .args(["chromium", "chromium-driver"])
        .env("DEBIAN_FRONTEND", "noninteractive");
    run(install)
}

/// cargo-fuzz, for `cargo xtask fuzz` (uses the nightly toolchain rustup has here).
pub fn cargo_fuzz(root: &Path) -> Result<()> {
    if version_of(&root.join(".tools/bin/cargo-fuzz")).is_some() {
        return Ok(());
    }
    let mut c = cmd(root, "cargo");
    c.args(["install", "--root", ".tools", "cargo-fuzz"]);
    run(c)
}

/// What `bin --version` prints, if it runs.
pub(crate) fn version_of(bin: &Path) -> Option<String> {
    let out = Command::new(bin).arg("--version").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
