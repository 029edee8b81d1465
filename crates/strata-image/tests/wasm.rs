//! Core behaviour checked under wasm32 too (run by `wasm-bindgen-test` in Node and headless Chromium; natively
//! these are ordinary tests): experiment `e` through the copy-on-write view and the tar writer and reader,
//! with the fixtures compiled in.

use std::sync::Arc;

use strata_image::layer::{read_layer, write_layer, Compression, ReadLimits};
use strata_image::{diff, Attrs, Content, Digest, NodeKind, Overlay, Timestamp, Tree};

const EXPECTED: [&str; 8] = [
    include_str!("../test_data/exp-e/L1.txt"),
    include_str!("../test_data/exp-e/L2.txt"),
    include_str!("../test_data/exp-e/L3.txt"),
    include_str!("../test_data/exp-e/L4.txt"),
    include_str!("../test_data/exp-e/L5.txt"),
    include_str!("../test_data/exp-e/L6.txt"),
    include_str!("../test_data/exp-e/L7.txt"),
    include_str!("../test_data/exp-e/L8.txt"),
];

fn at(mode: u32, t: i64) -> Attrs {
    Attrs::new(mode, 0, 0, Timestamp::from_secs(t))
}

fn busybox() -> Tree {
    let mut t = Tree::new();
    for (dir, mode) in [
        ("/bin", 0o755),
        ("/etc", 0o755),
        ("/root", 0o700),
        ("/tmp", 0o1777),
    ] {
        t.insert(dir, at(mode, 0), NodeKind::Dir).unwrap();
    }
    t.insert(
        "/bin/busybox",
        at(0o755, 0),
        NodeKind::File(Content::modelled(1 << 20, 0xb05b)),
    )
    .unwrap();
    t.insert("/bin/vi", at(0o777, 0), NodeKind::Symlink("busybox".into()))
        .unwrap();
    let passwd =
        "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
    t.insert("/etc/passwd", at(0o644, 0), NodeKind::File(passwd.into()))
        .unwrap();
    t.insert(
        "/etc/group",
        at(0o644, 0),
        NodeKind::File("root:x:0:\nnogroup:x:65534:\n".into()),
    )
    .unwrap();
    t
}

fn step(ov: &mut Overlay, n: i64) {
    let now = Timestamp::from_secs(1_700_000_000 + 10 * n);
    let (dir, file) = (at(0o755, now.secs), at(0o644, now.secs));
    let w = |ov: &mut Overlay, p: &str, c: &str| ov.write(p, c.into(), file.clone(), now).unwrap();
    match n {
        1 => {
            ov.mkdir_all("/data/dir", dir.clone()).unwrap();
            ov.mkdir_all("/data/dir2", dir).unwrap();
            w(ov, "/data/keep.txt", "keep\n");
            w(ov, "/data/gone.txt", "gone\n");
            w(ov, "/data/dir/old1.txt", "old1\n");
            w(ov, "/data/dir/old2.txt", "old2\n");
            w(ov, "/data/dir2/x.txt", "x\n");
        }
        2 => ov.remove_file("/data/gone.txt", now).unwrap(),
        3 => {
            ov.remove_all("/data/dir", now).unwrap();
            ov.mkdir("/data/dir", dir).unwrap();
            w(ov, "/data/dir/new.txt", "new\n");
        }
        4 => {
            ov.remove_all("/data/dir2", now).unwrap();
            w(ov, "/data/dir2", "now-a-file\n");
        }
        5 => {
            ov.remove_file("/bin/vi", now).unwrap();
            ov.remove_file("/etc/group", now).unwrap();
        }
        6 => ov
            .append("/data/keep.txt", b"appended\n", file, now)
            .unwrap(),
        7 => ov.set_mode("/data/keep.txt", 0o600).unwrap(),
        _ => ov.set_mtime("/etc/passwd", now).unwrap(),
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn experiment_e_layers() {
    let mut lower = Arc::new(busybox());
    for n in 1..=8 {
        let mut ov = Overlay::new(lower.clone());
        step(&mut ov, n);
        let (gz, digests) = write_layer(&ov.changeset(), Compression::Gzip).unwrap();
        let back = read_layer(&gz, &ReadLimits::DEFAULT).unwrap();
        assert_eq!(back.listing(), EXPECTED[n as usize - 1], "layer {n}");
        assert_eq!(
            strata_image::layer::diff_id(&back).unwrap(),
            digests.diff_id
        );
        let before = lower.clone();
        lower = Arc::new(ov.merged().unwrap());
        assert_eq!(
            diff(&before, &lower).listing(),
            EXPECTED[n as usize - 1],
            "diff of layer {n}"
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn digests_match_known_values() {
    assert_eq!(
        Digest::of(b"abc").hex(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let big = Content::modelled(3 << 20, 9);
    assert_eq!(Digest::of(&big.bytes()), Digest::of(&big.bytes()));
}

/// The pure-Rust zstd decoder works under wasm32: a layer made by the zstd CLI reads back to its diff_id.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn zstd_layer_reads() {
    let blob = include_bytes!("../test_data/zstd/multi.tar.zst");
    assert_eq!(Compression::detect(blob), Compression::Zstd);
    let cs = read_layer(blob, &ReadLimits::DEFAULT).unwrap();
    assert!(cs.entries.iter().any(|e| e.path == "/bin/busybox"));
    let mut tar = Vec::new();
    std::io::Read::read_to_end(
        &mut strata_image::layer::decompressor(&blob[..], Compression::Zstd),
        &mut tar,
    )
    .unwrap();
    assert_eq!(
        Digest::of(&tar).to_string(),
        "sha256:d5463439b16c39433669e2b1de20910de9139f4e51021e984fa58c96ffda0706"
    );
}
