//! The embedded examples (`strata_sim::examples`): each one's build context is exactly the directory
//! `examples/NAME/` (bytes and exec bits), and each builds with the simulator, except those that keep a
//! tutorial's mistake on purpose, which fail.
//!
//! Native only: it reads the example directories from disk.

#![cfg(not(target_arch = "wasm32"))]

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use strata_build::engine::BuildRequest;
use strata_build::{build, Cache};
use strata_image::{Attrs, Content, NodeKind, Timestamp, Tree};
use strata_sim::backend::{SimBackend, SimStore};
use strata_sim::examples::{Example, EXAMPLES};

const NOW: Timestamp = Timestamp {
    secs: 1_800_000_000,
    nanos: 0,
};

fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// The example's context as a tree, the way the CLI reads a directory.
fn context(e: &Example) -> Tree {
    let mut t = Tree::new();
    for f in e.context {
        let mode = if f.executable { 0o755 } else { 0o644 };
        t.insert(
            &format!("/{}", f.path),
            Attrs::new(mode, 0, 0, NOW),
            NodeKind::File(Content::from(f.data.to_vec())),
        )
        .unwrap();
    }
    t
}

#[test]
fn each_context_is_its_directory() {
    for e in EXAMPLES {
        let dir = examples_dir().join(e.name);
        let mut on_disk: Vec<(String, Vec<u8>, bool)> = match std::fs::read_dir(&dir) {
            Ok(rd) => rd
                .map(|d| {
                    let d = d.unwrap();
                    let meta = d.metadata().unwrap();
                    (
                        d.file_name().to_string_lossy().into_owned(),
                        std::fs::read(d.path()).unwrap(),
                        meta.permissions().mode() & 0o111 != 0,
                    )
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        on_disk.sort();
        let embedded: Vec<(String, Vec<u8>, bool)> = e
            .context
            .iter()
            .map(|f| (f.path.to_string(), f.data.to_vec(), f.executable))
            .collect();
        assert_eq!(embedded, on_disk, "{}: examples/{}/", e.name, e.name);
    }
}

#[test]
fn each_builds_unless_it_fails_on_purpose() {
    for e in EXAMPLES {
        let ctx = context(e);
        let req = BuildRequest::new(e.text, &ctx, NOW);
        let out = build(
            &req,
            &mut SimBackend::default(),
            &SimStore::new(),
            &mut Cache::new(),
        );
        match (e.fails, out) {
            (None, Ok(_)) | (Some(_), Err(_)) => {}
            (None, Err(f)) => panic!("{} fails: {}", e.name, f.error.message),
            (Some(why), Ok(_)) => panic!("{} builds, though it should fail ({why})", e.name),
        }
    }
}

#[test]
fn python_app_builds_once_its_comments_are_on_their_own_lines() {
    // The mistake is the only thing wrong with it: its context has what `ADD .` and pip need.
    let e = strata_sim::examples::find("python-app").unwrap();
    let fixed: String = e
        .text
        .lines()
        .map(|l| match l.find(" #").or_else(|| l.find("  #")) {
            Some(i) if !l.starts_with('#') => l[..i].trim_end().to_string() + "\n",
            _ => format!("{l}\n"),
        })
        .collect();
    let ctx = context(e);
    let req = BuildRequest::new(&fixed, &ctx, NOW);
    let out = build(
        &req,
        &mut SimBackend::default(),
        &SimStore::new(),
        &mut Cache::new(),
    );
    let out = out.unwrap_or_else(|f| panic!("{fixed}: {}", f.error.message));
    assert!(out.image.tree.exists("/app/app.py"));
}
