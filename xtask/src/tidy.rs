//! House rules checked by `cargo test` rather than by reviewers' memory: dependency direction, crate docs,
//! the pure core, and the wasm32 check list.

use std::path::Path;

use crate::{root, WASM_CRATES};

/// Which workspace crates each crate may depend on (GUIDE.md's dependency direction).
const ALLOWED: &[(&str, &[&str])] = &[
    ("crc32fast", &[]),
    ("strata-dockerfile", &[]),
    ("strata-image", &[]),
    ("strata-build", &["strata-dockerfile", "strata-image"]),
    (
        "strata-sim",
        &["strata-build", "strata-image", "strata-dockerfile"],
    ),
    (
        "strata-native",
        &["strata-build", "strata-image", "strata-dockerfile"],
    ),
    (
        "strata-cli",
        &[
            "strata-dockerfile",
            "strata-image",
            "strata-build",
            "strata-sim",
            "strata-native",
        ],
    ),
    (
        "web",
        &[
            "strata-sim",
            "strata-build",
            "strata-image",
            "strata-dockerfile",
        ],
    ),
    ("xtask", &[]),
];

/// Crates that run in the browser too: no OS access in their sources.
const PURE: &[&str] = &[
    "strata-dockerfile",
    "strata-image",
    "strata-build",
    "strata-sim",
];

/// Paths a pure crate must not name.
const FORBIDDEN: &[&str] = &[
    "std::fs",
    "std::process",
    "std::thread",
    "std::net",
    "SystemTime::now",
    "Instant::now",
    "std::env::var",
];

fn metadata() -> serde_json::Value {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root().unwrap())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON")
}

fn packages() -> Vec<(String, Vec<String>, String)> {
    let meta = metadata();
    let members: Vec<String> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["kind"].is_null())
                .map(|d| d["name"].as_str().unwrap().to_string())
                .filter(|d| members.contains(d))
                .collect();
            let manifest = p["manifest_path"].as_str().unwrap().to_string();
            (p["name"].as_str().unwrap().to_string(), deps, manifest)
        })
        .collect()
}

#[test]
fn dependency_direction() {
    for (name, deps, _) in packages() {
        let allowed = ALLOWED
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| {
                panic!("crate {name} is not in tidy.rs ALLOWED: add it with its allowed edges")
            })
            .1;
        for d in deps {
            assert!(
                allowed.contains(&d.as_str()),
                "{name} must not depend on {d} (GUIDE.md dependency direction)"
            );
        }
    }
}

#[test]
fn every_lib_opens_with_crate_docs() {
    for (name, _, manifest) in packages() {
        let dir = Path::new(&manifest).parent().unwrap();
        for entry in ["src/lib.rs", "src/main.rs"] {
            let path = dir.join(entry);
            if let Ok(text) = std::fs::read_to_string(&path) {
                assert!(
                    text.trim_start().starts_with("//!"),
                    "{name}: {} must open with a `//!` doc saying what the crate is for and what it must not know",
                    path.display()
                );
            }
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn core_crates_stay_pure() {
    for (name, _, manifest) in packages() {
        if !PURE.contains(&name.as_str()) {
            continue;
        }
        let mut files = Vec::new();
        rust_files(
            &Path::new(&manifest).parent().unwrap().join("src"),
            &mut files,
        );
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for (i, line) in text.lines().enumerate() {
                // Test modules come last in a file and may use the OS (threads for stack-depth tests).
                if line.trim() == "#[cfg(test)]" {
                    break;
                }
                if line.trim_start().starts_with("//") {
                    continue;
                }
                for bad in FORBIDDEN {
                    assert!(
                        !line.contains(bad),
                        "{}:{}: `{bad}` in a pure core crate ({name}); pass the value in instead",
                        f.display(),
                        i + 1
                    );
                }
            }
        }
    }
}

#[test]
fn every_pure_crate_is_checked_for_wasm32() {
    for (name, _, _) in packages() {
        if PURE.contains(&name.as_str()) || name == "web" {
            assert!(
                WASM_CRATES.contains(&name.as_str()),
                "{name} must be in xtask WASM_CRATES"
            );
        }
    }
}
