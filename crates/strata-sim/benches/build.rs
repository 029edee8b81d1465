//! Simulated builds: the tutorials' examples, `COPY . /app` with a 10,000-file context, and cached rebuilds;
//! and, when a Docker daemon is reachable, `docker build` (BuildKit) of the same busybox-based Dockerfiles
//! measured in the same run, so the ratio is printed side by side.
//!
//! `cargo bench -p strata-sim --bench build` (or `cargo xtask bench`).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use strata_build::engine::BuildRequest;
use strata_build::{build, Cache};
use strata_image::{Attrs, Content, NodeKind, Timestamp, Tree};
use strata_sim::backend::{SimBackend, SimStore};

/// The tutorials' examples, on the busybox base Docker also has here.
const CASES: [(&str, &str); 4] = [
    (
        "layers",
        "FROM busybox:mnt\nRUN mkdir /sanchuang\nRUN touch /sanchuang/f{1..10}.txt\nRUN rm -rf /sanchuang/f1.txt\nCMD [\"/bin/sh\"]\n",
    ),
    (
        "layers-loop",
        "FROM busybox:mnt\nRUN mkdir /sanchuang\nRUN for i in $(seq 1 10); do touch /sanchuang/f$i.txt; done\nRUN rm -rf /sanchuang/f1.txt\nCMD [\"/bin/sh\"]\n",
    ),
    (
        "while",
        "FROM busybox:mnt\nCOPY . /\nRUN cat /hello.txt\nENTRYPOINT [\"/bin/sh\",\"/while.sh\"]\n",
    ),
    (
        "metadata",
        "FROM busybox:mnt\nMAINTAINER learner<learner@example.com>\nENV MYPATH /usr/local\nWORKDIR $MYPATH\nEXPOSE 80\nCMD echo $MYPATH\nCMD /bin/sh\n",
    ),
];

fn small_context() -> Tree {
    let t = Timestamp::from_secs(1_700_000_000);
    let mut tree = Tree::new();
    tree.insert(
        "/hello.txt",
        Attrs::new(0o644, 0, 0, t),
        NodeKind::File(Content::from("hello\n".as_bytes())),
    )
    .expect("context");
    tree.insert(
        "/while.sh",
        Attrs::new(0o755, 0, 0, t),
        NodeKind::File(Content::from(
            "#!/bin/sh\ni=1\nwhile [ $i -le 3 ]; do echo sanchuang $i; i=$((i+1)); done\n"
                .as_bytes(),
        )),
    )
    .expect("context");
    tree
}

/// 10,000 files of 100 bytes in 100 directories.
fn big_context() -> Tree {
    let t = Timestamp::from_secs(1_700_000_000);
    let mut tree = Tree::new();
    for d in 0..100 {
        tree.insert(
            &format!("/d{d:03}"),
            Attrs::new(0o755, 0, 0, t),
            NodeKind::Dir,
        )
        .expect("dir");
        for f in 0..100 {
            let body = format!("{d:03}/{f:03} {}\n", "x".repeat(91));
            tree.insert(
                &format!("/d{d:03}/f{f:03}.txt"),
                Attrs::new(0o644, 0, 0, t),
                NodeKind::File(Content::from(body.into_bytes())),
            )
            .expect("file");
        }
    }
    tree
}

fn sim_build(df: &str, ctx: &Tree, store: &SimStore, cache: &mut Cache, no_cache: bool) {
    let req = BuildRequest {
        no_cache,
        ..BuildRequest::new(df, ctx, Timestamp::from_secs(1_800_000_000))
    };
    let mut backend = SimBackend::default();
    if let Err(f) = build(&req, &mut backend, store, cache) {
        panic!("sim build failed: {}", f.error.message);
    }
}

/// Writes `ctx` to a directory for docker.
fn write_context(ctx: &Tree, dir: &Path) {
    for (path, st) in ctx.entries() {
        let p = dir.join(path.trim_start_matches('/'));
        match st.kind {
            NodeKind::Dir => std::fs::create_dir_all(&p).expect("mkdir"),
            NodeKind::File(c) => {
                std::fs::write(&p, &*c.bytes()).expect("write");
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(st.attrs.mode))
                    .expect("chmod");
            }
            _ => {}
        }
    }
}

fn docker_available() -> bool {
    Command::new("/usr/bin/docker")
        .args(["image", "inspect", "busybox:mnt"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Median wall time of `n` `docker build --no-cache` runs (BuildKit).
fn docker_build(df: &str, ctx: &Tree, n: usize) -> Option<Duration> {
    let dir = std::env::temp_dir().join(format!("strata-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("ctx")).ok()?;
    write_context(ctx, &dir.join("ctx"));
    std::fs::write(dir.join("Dockerfile"), df).ok()?;
    let mut times = Vec::new();
    for _ in 0..n {
        let t = Instant::now();
        let ok = Command::new("/usr/bin/docker")
            .env("DOCKER_BUILDKIT", "1")
            .args([
                "build",
                "--no-cache",
                "-q",
                "-t",
                "strata-bench:latest",
                "-f",
            ])
            .arg(dir.join("Dockerfile"))
            .arg(dir.join("ctx"))
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if !ok {
            return None;
        }
        times.push(t.elapsed());
    }
    let _ = std::fs::remove_dir_all(&dir);
    times.sort();
    times.get(times.len() / 2).copied()
}

fn median_sim(df: &str, ctx: &Tree, store: &SimStore, n: usize) -> Duration {
    let mut times = Vec::new();
    for _ in 0..n {
        let t = Instant::now();
        sim_build(df, ctx, store, &mut Cache::new(), true);
        times.push(t.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

fn bench(c: &mut Criterion) {
    let small = small_context();
    let big = big_context();
    let copy_big = "FROM busybox:mnt\nCOPY . /app\n";
    // One store for the session, as the playground keeps one: the base model is built once.
    let store = SimStore::new();
    let mut g = c.benchmark_group("sim_build");
    for (name, df) in CASES {
        g.bench_function(name, |b| {
            b.iter(|| sim_build(df, &small, &store, &mut Cache::new(), true))
        });
        let mut cache = Cache::new();
        sim_build(df, &small, &store, &mut cache, false);
        g.bench_function(format!("{name}/cached"), |b| {
            b.iter(|| sim_build(df, &small, &store, &mut cache, false))
        });
    }
    g.sample_size(10);
    g.bench_function("copy-10k-files", |b| {
        b.iter(|| sim_build(copy_big, &big, &store, &mut Cache::new(), true))
    });
    let mut cache = Cache::new();
    sim_build(copy_big, &big, &store, &mut cache, false);
    g.bench_function("copy-10k-files/cached", |b| {
        b.iter(|| sim_build(copy_big, &big, &store, &mut cache, false))
    });
    g.finish();

    // Side by side with Docker BuildKit, same Dockerfiles and contexts, in this run.
    if std::env::var_os("STRATA_BENCH_NO_DOCKER").is_some() {
        return;
    }
    if !docker_available() {
        eprintln!(
            "vs docker: skipped (no dockerd with busybox:mnt; run ../shared/oracle/setup.sh)"
        );
        return;
    }
    eprintln!("\nvs docker build --no-cache (BuildKit, busybox:mnt), medians:");
    eprintln!(
        "{:<16} {:>12} {:>12} {:>10}",
        "case", "strata sim", "docker", "ratio"
    );
    let mut all: Vec<(&str, &str, &Tree)> = CASES.iter().map(|(n, d)| (*n, *d, &small)).collect();
    all.push(("copy-10k-files", copy_big, &big));
    for (name, df, ctx) in all {
        let sim = median_sim(df, ctx, &store, 9);
        match docker_build(df, ctx, 5) {
            Some(d) => eprintln!(
                "{name:<16} {:>10.3}ms {:>10.1}ms {:>9.0}x",
                sim.as_secs_f64() * 1e3,
                d.as_secs_f64() * 1e3,
                d.as_secs_f64() / sim.as_secs_f64()
            ),
            None => eprintln!("{name:<16} docker build failed"),
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
