//! Installing what the tests and the playground need on a fresh Debian machine. Each step is skipped when
//! its tool is already there at the right version.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use crate::{cmd, run, WASM_BINDGEN_VERSION};

/// Everything `cargo xtask test` needs.
pub fn all(root: &Path) -> Result<()> {
    rust(root)?;
    wasm_bindgen(root)?;
    chromium()?;
    crate::web::setup(root)?;
    Ok(())
}

/// The wasm32 target (rust-toolchain.toml names it; `rustup target add` is a no-op when present).
pub fn rust(root: &Path) -> Result<()> {
    let mut c = cmd(root, "rustup");
    c.args(["target", "add", "wasm32-unknown-unknown"]);
    run(c)
}

/// `wasm-bindgen-cli` (it provides `wasm-bindgen-test-runner`), pinned to the crate's version.
///
/// Installed without `--locked`: its packaged lockfile names a `webpki-roots` the crates.io index here lacks.
pub fn wasm_bindgen(root: &Path) -> Result<()> {
    let bin = root.join(".tools/bin/wasm-bindgen");
    if version_of(&bin).is_some_and(|v| v.contains(WASM_BINDGEN_VERSION)) {
        return Ok(());
    }
    let mut c = cmd(root, "cargo");
    c.args(["install", "--root", ".tools", "--force"])
        .arg(format!("wasm-bindgen-cli@{WASM_BINDGEN_VERSION}"));
    run(c)
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
