//! `diff` of two trees where 1% of the files changed, at 25k, 50k, 100k and 200k entries: the time per entry
//! (criterion's `elem/s` throughput) stays flat if `diff` grows linearly. At the end, a summary line per size
//! gives the mean time and ns per entry side by side. `cargo bench -p strata-image --bench diff`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use strata_image::{diff, Attrs, Content, NodeKind, Timestamp, Tree};

const SIZES: [usize; 4] = [25_000, 50_000, 100_000, 200_000];

/// A tree of `n` files (100 per directory, each 4 KiB of modelled content) and a copy with 1% of them changed:
/// appended to, chmod'ed, removed or created next to, in equal parts.
fn trees(n: usize) -> (Tree, Tree) {
    let a = |mode| Attrs::new(mode, 0, 0, Timestamp::default());
    let mut lower = Tree::new();
    for i in 0..n {
        if i % 100 == 0 {
            lower
                .mkdir_all(&format!("/usr/share/p{:05}", i / 100), a(0o755))
                .expect("mkdir");
        }
        let path = format!("/usr/share/p{:05}/f{:03}", i / 100, i % 100);
        lower
            .insert(
                &path,
                a(0o644),
                NodeKind::File(Content::modelled(4096, i as u64)),
            )
            .expect("insert");
    }
    let mut upper = lower.clone();
    let now = Timestamp::from_secs(1);
    for (k, i) in (0..n).step_by(100).enumerate() {
        let path = format!("/usr/share/p{:05}/f{:03}", i / 100, (i * 7) % 100);
        match k % 4 {
            0 => upper.append(&path, b"more", a(0o644), now).expect("append"),
            1 => upper.set_mode(&path, 0o600).expect("chmod"),
            2 => upper.remove_file(&path, now).expect("rm"),
            _ => upper
                .write(&format!("{path}.new"), "new".into(), a(0o644), now)
                .expect("create"),
        }
    }
    (lower, upper)
}

fn tree_diff(c: &mut Criterion) {
    let mut g = c.benchmark_group("diff, 1% changed");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    let mut summary = Vec::new();
    for n in SIZES {
        let (lower, upper) = trees(n);
        let changes = diff(&lower, &upper).entries.len();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| black_box(diff(&lower, &upper)))
        });
        // A plain mean over a few runs for the side-by-side line (criterion's own estimate is above).
        let runs = 10;
        let t = Instant::now();
        for _ in 0..runs {
            black_box(diff(&lower, &upper));
        }
        summary.push((n, changes, t.elapsed() / runs));
    }
    g.finish();
    println!("\ndiff, 1% changed: entries, changeset entries, mean time, ns per entry");
    for (n, changes, t) in summary {
        println!(
            "  {n:>7}  {changes:>5}  {:>8.2} ms  {:>6.1} ns/entry",
            t.as_secs_f64() * 1e3,
            t.as_secs_f64() * 1e9 / n as f64
        );
    }
}

criterion_group!(benches, tree_diff);
criterion_main!(benches);
