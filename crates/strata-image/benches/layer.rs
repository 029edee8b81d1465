//! Layer writing throughput (tar + sha256, the `diff_id` path) and raw sha256 throughput (to see that the sha2
//! crate uses the CPU's SHA extensions). `cargo bench -p strata-image --bench layer`; `diff` has its own bench
//! (`benches/diff.rs`).

use std::hint::black_box;
use std::io;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use strata_image::digest::HashingWriter;
use strata_image::layer::write_tar;
use strata_image::{Attrs, Changeset, Content, Digest, Entry, EntryKind, Timestamp};

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

criterion_group!(benches, layer_write);
criterion_main!(benches);
