//! Layer analysis on experiment `e` (base + 8 RUN layers), every figure computed by hand in the comments.

use std::sync::Arc;

use strata_image::layer_report::{analyze, Change, Waste};
use strata_image::{diff, Changeset, Overlay, Tree};

use crate::exp_e::run_step;
use crate::support::busybox;

fn layers() -> Vec<Changeset> {
    let base = busybox();
    let mut out = vec![diff(&Tree::new(), &base)];
    let mut lower = Arc::new(base);
    for n in 1..=8 {
        let mut ov = Overlay::new(lower.clone());
        run_step(&mut ov, n);
        out.push(ov.changeset());
        lower = Arc::new(ov.merged().unwrap());
    }
    out
}

fn ch(path: &str, size: u64) -> Change {
    Change {
        path: path.into(),
        size,
    }
}

#[test]
fn experiment_e_wasted_bytes_and_provenance() {
    let a = analyze(&layers());
    // Content per layer: base = busybox 1 MiB + passwd 82 + group 27; L1 = keep 5 + gone 5 + old1 5 + old2 5 +
    // x 2; L3 new 4; L4 dir2 11; L6 keep 14; L7 keep 14 (chmod copy-up); L8 passwd 82 (touch copy-up).
    let sizes: Vec<u64> = a.layers.iter().map(|l| l.size).collect();
    assert_eq!(sizes, [1_048_576 + 82 + 27, 22, 0, 4, 11, 0, 14, 14, 82]);
    assert_eq!(a.total_bytes, 1_048_685 + 22 + 4 + 11 + 14 + 14 + 82);
    // Hidden copies, once each: gone (L1, 5), old1+old2 (L1, 10), x.txt (L1, 2), group (L0, 27), keep (L1, 5),
    // keep (L6, 14), passwd (L0, 82). The visible keep (L7) is not waste: 145 bytes, where counting every copy
    // of every overwritten path (dive) would give 5 + 14 + 14 = 33 for keep.txt alone.
    assert_eq!(
        a.wasted,
        [
            Waste {
                path: "/data/gone.txt".into(),
                layer: 1,
                bytes: 5,
                by: 2
            },
            Waste {
                path: "/data/dir/old1.txt".into(),
                layer: 1,
                bytes: 5,
                by: 3
            },
            Waste {
                path: "/data/dir/old2.txt".into(),
                layer: 1,
                bytes: 5,
                by: 3
            },
            Waste {
                path: "/data/dir2/x.txt".into(),
                layer: 1,
                bytes: 2,
                by: 4
            },
            Waste {
                path: "/bin/vi".into(),
                layer: 0,
                bytes: 0,
                by: 5
            },
            Waste {
                path: "/etc/group".into(),
                layer: 0,
                bytes: 27,
                by: 5
            },
            Waste {
                path: "/data/keep.txt".into(),
                layer: 1,
                bytes: 5,
                by: 6
            },
            Waste {
                path: "/data/keep.txt".into(),
                layer: 6,
                bytes: 14,
                by: 7
            },
            Waste {
                path: "/etc/passwd".into(),
                layer: 0,
                bytes: 82,
                by: 8
            },
        ]
    );
    assert_eq!(a.wasted_bytes, 145);
    assert!((a.efficiency() - (1.0 - 145.0 / 1_048_832.0)).abs() < 1e-12);

    // Per layer: what changed.
    assert_eq!(a.layers[2].deleted, [ch("/data/gone.txt", 5)]);
    assert_eq!(
        a.layers[3].deleted,
        [ch("/data/dir/old1.txt", 5), ch("/data/dir/old2.txt", 5)]
    );
    assert_eq!(a.layers[3].added, [ch("/data/dir/new.txt", 4)]);
    assert_eq!(a.layers[4].modified, [ch("/data/dir2", 11)]);
    assert_eq!(a.layers[4].deleted, [ch("/data/dir2/x.txt", 2)]);
    assert_eq!(a.layers[7].modified, [ch("/data/keep.txt", 14)]);

    // Provenance in the final filesystem.
    let p = |path: &str| {
        a.paths
            .iter()
            .find(|p| p.path == path)
            .unwrap_or_else(|| panic!("{path} missing"))
    };
    assert_eq!(
        (
            p("/data/keep.txt").layer,
            p("/data/keep.txt").hidden_in.clone()
        ),
        (7, vec![1, 6])
    );
    assert_eq!(
        (p("/etc/passwd").layer, p("/etc/passwd").hidden_in.clone()),
        (8, vec![0])
    );
    assert_eq!(
        (p("/data/dir2").layer, p("/data/dir2").hidden_in.clone()),
        (4, vec![1])
    );
    assert_eq!(p("/bin/busybox").layer, 0);
    assert!(a
        .paths
        .iter()
        .all(|p| p.path != "/data/gone.txt" && p.path != "/etc/group"));
}

#[test]
fn an_empty_image_is_fully_efficient() {
    let a = analyze(&[]);
    assert_eq!((a.total_bytes, a.wasted_bytes, a.efficiency()), (0, 0, 1.0));
}
