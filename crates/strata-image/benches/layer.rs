//! Layer writing throughput (tar + sha256, the `diff_id` path), raw sha256 throughput (to see that the sha2
//! crate uses the CPU's SHA extensions), and `diff` of two trees with 1% changed at growing sizes (to see that
//! it grows linearly). `cargo bench -p strata-image --bench layer`.

use std::hint::black_box;
use std::io;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use strata_image::digest::HashingWriter;
use strata_image::layer::write_tar;
use strata_image::{
    diff, Attrs, Changeset, Content, Digest, Entry, EntryKind, NodeKind, Timestamp, Tree,
};

const FILE: usize = 1 << 20;
const FILES: usize = 64;

/// 64 files of 1 MiB of incompressible (generated, then materialized) bytes, in 8 directories.
fn layer() -> Changeset {
    let attrs = |mode| Attrs::new(mode, 0, 0, Timestamp::from_secs(1_700_000_000));
    let mut entries = Vec::new();
    for d in 0..8 {
        entries.push(Entry {
            path: format!("/data/d{d}"),
            attrs: attrs(0o755),
            kind: EntryKind::Dir,
        });
        for f in 0..FILES / 8 {
            let bytes = Content::modelled(FILE as u64, (d * 100 + f) as u64)
                .bytes()
                .into_owned();
            entries.push(Entry {
                path: format!("/data/d{d}/file-{f:03}.bin"),
                attrs: attrs(0o644),
                kind: EntryKind::File(Content::from(bytes)),
            });
        }
    }
    Changeset { entries }
}

fn layer_write(c: &mut Criterion) {
    let cs = layer();
    let total = (FILE * FILES) as u64;
    let mut g = c.benchmark_group("layer");
    g.throughput(Throughput::Bytes(total));
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    g.bench_function("tar+sha256 (diff_id)", |b| {
        b.iter(|| {
            black_box(
                write_tar(&cs, HashingWriter::new(io::sink()))
                    .unwrap()
                    .finish()
                    .0,
            )
        })
    });
    g.bench_function("tar only", |b| {
        b.iter(|| black_box(write_tar(&cs, io::sink()).unwrap()))
    });
    let flat = Content::modelled(total, 1).bytes().into_owned();
    g.bench_function("sha256 only", |b| b.iter(|| black_box(Digest::of(&flat))));
    g.finish();
}

/// A tree of `n` files (100 per directory) and a copy with 1% of them changed (appended, chmod'ed, removed
/// or new, in equal parts).
fn trees(n: usize) -> (Tree, Tree) {
    let a = |mode| Attrs::new(mode, 0, 0, Timestamp::default());
    let mut lower = Tree::new();
    for i in 0..n {
        if i % 100 == 0 {
            lower
                .mkdir_all(&format!("/usr/share/p{:05}", i / 100), a(0o755))
                .unwrap();
        }
        let path = format!("/usr/share/p{:05}/f{:03}", i / 100, i % 100);
        lower
            .insert(
                &path,
                a(0o644),
                NodeKind::File(Content::modelled(4096, i as u64)),
            )
            .unwrap();
    }
    let mut upper = lower.clone();
    let now = Timestamp::from_secs(1);
    for (k, i) in (0..n).step_by(100).enumerate() {
        let path = format!("/usr/share/p{:05}/f{:03}", i / 100, (i * 7) % 100);
        match k % 4 {
            0 => upper.append(&path, b"more", a(0o644), now).unwrap(),
            1 => upper.set_mode(&path, 0o600).unwrap(),
            2 => upper.remove_file(&path, now).unwrap(),
            _ => upper
                .write(&format!("{path}.new"), "new".into(), a(0o644), now)
                .unwrap(),
        }
    }
    (lower, upper)
}

fn tree_diff(c: &mut Criterion) {
    let mut g = c.benchmark_group("diff, 1% changed");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for n in [25_000, 50_000, 100_000] {
        let (lower, upper) = trees(n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| black_box(diff(&lower, &upper)))
        });
    }
    g.finish();
}

criterion_group!(benches, layer_write, tree_diff);
criterion_main!(benches);
