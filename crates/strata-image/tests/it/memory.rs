//! Memory per entry of a `Tree` with 100,000 files (issue 3's goal: at most 200 bytes, contents excluded).

use strata_image::{Content, NodeKind, Tree};

use crate::alloc_count::live_bytes;
use crate::support::attrs;

/// Builds a realistic tree: 100,000 files in 1,000 directories of 100, names like a distro's.
fn tree_of(files: usize, content: &Content) -> Tree {
    let mut t = Tree::new();
    for d in 0..files / 100 {
        let dir = format!("/usr/lib/pkg-{d:04}");
        t.mkdir_all(&dir, attrs(0o755, 0)).unwrap();
        for f in 0..100 {
            let path = format!("{dir}/libmodule-{f:03}.so.1");
            t.insert(&path, attrs(0o644, 0), NodeKind::File(content.clone()))
                .unwrap();
        }
    }
    t
}

#[test]
fn bytes_per_entry_of_100k_files() {
    // One shared content: contents are excluded from the figure by construction.
    let content = Content::from("x");
    let before = live_bytes();
    let t = tree_of(100_000, &content);
    let used = live_bytes() - before;
    let per_entry = used as f64 / t.len() as f64;
    println!(
        "Tree of {} inodes: {used} bytes, {per_entry:.1} bytes per entry",
        t.len()
    );
    assert!(
        per_entry <= 200.0,
        "{per_entry:.1} bytes per entry (goal: at most 200)"
    );
    drop(t);
}
