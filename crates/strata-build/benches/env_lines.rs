//! The engine on Dockerfiles of many ENV lines (1k, 2k, 4k, 8k): the time per build must grow linearly with
//! the number of instructions. A metadata instruction's cost used to grow with the number before it (the
//! environment copied and searched per step), which made 8k lines take seconds and 100k never finish.
//!
//! `cargo bench -p strata-build --bench env_lines` (or `cargo xtask bench`).

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use strata_build::engine::BuildRequest;
use strata_build::{build, Backend, Cache, ImageSource, RunOutput, RunRequest, SourceImage};
use strata_image::{Overlay, Timestamp, Tree};

/// FROM scratch needs no RUN and no image.
struct Nothing;

impl Backend for Nothing {
    fn name(&self) -> &'static str {
        "none"
    }

    fn run(&mut self, _fs: &mut Overlay, _req: &RunRequest) -> RunOutput {
        RunOutput::default()
    }
}

impl ImageSource for Nothing {
    fn image(&self, _reference: &str) -> Option<SourceImage> {
        None
    }
}

/// `FROM scratch` and `n` ENV lines, each setting a new variable from the first one.
fn dockerfile(n: usize) -> String {
    let mut s = String::from("FROM scratch\nENV V0=start\n");
    for i in 1..n {
        s.push_str(&format!("ENV V{i}=${{V0}}-{i}\n"));
    }
    s
}

fn env_lines(c: &mut Criterion) {
    let mut g = c.benchmark_group("env_lines");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    let context = Tree::new();
    for n in [1_000usize, 2_000, 4_000, 8_000] {
        let text = dockerfile(n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter(|| {
                let req = BuildRequest::new(text, &context, Timestamp::from_secs(1_700_000_000));
                let out = build(&req, &mut Nothing, &Nothing, &mut Cache::new())
                    .unwrap_or_else(|f| panic!("build failed: {}", f.error.message));
                assert_eq!(out.steps.len(), n + 1);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, env_lines);
criterion_main!(benches);
