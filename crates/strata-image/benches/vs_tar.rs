//! strata's layer writer against the reference tools, side by side in one run: (a) `write_tar` of a ~1 GiB
//! in-memory layer (256 files of 4 MiB of generated, incompressible bytes) into a sha256-hashing sink (the
//! `diff_id` path, nothing touches the disk), and (b) the same files written once to a temp directory, then
//! `tar -c -C DIR . | openssl dgst -sha256` per iteration (the page cache holds them, so this measures tar and
//! openssl, not the disk). Prints both throughputs' ratio at the end.
//! `cargo bench -p strata-image --bench vs_tar`.

use std::cell::RefCell;
use std::fs;
use std::hint::black_box;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use strata_image::digest::HashingWriter;
use strata_image::layer::write_tar;
use strata_image::{Attrs, Changeset, Content, Entry, EntryKind, Timestamp};

const FILE: usize = 4 << 20;
const FILES: usize = 256;
const DIRS: usize = 16;

/// The files: (path relative to the layer root, bytes), in `DIRS` directories.
fn files() -> Vec<(String, Vec<u8>)> {
    (0..FILES)
        .map(|i| {
            let path = format!("data/d{:02}/file-{:03}.bin", i % DIRS, i / DIRS);
            let bytes = Content::modelled(FILE as u64, i as u64)
                .bytes()
                .into_owned();
            (path, bytes)
        })
        .collect()
}

/// The layer holding `files`, with their parent directories.
fn layer(files: &[(String, Vec<u8>)]) -> Changeset {
    let attrs = |mode| Attrs::new(mode, 0, 0, Timestamp::from_secs(1_700_000_000));
    let mut entries = vec![Entry {
        path: "/data".into(),
        attrs: attrs(0o755),
        kind: EntryKind::Dir,
    }];
    for d in 0..DIRS {
        entries.push(Entry {
            path: format!("/data/d{d:02}"),
            attrs: attrs(0o755),
            kind: EntryKind::Dir,
        });
    }
    let mut sorted: Vec<_> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, bytes) in sorted {
        entries.push(Entry {
            path: format!("/{path}"),
            attrs: attrs(0o644),
            kind: EntryKind::File(Content::from(bytes.clone())),
        });
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Changeset { entries }
}

/// A temp directory removed on drop (also when the bench panics).
struct TempDir(PathBuf);

impl TempDir {
    fn with(files: &[(String, Vec<u8>)]) -> io::Result<TempDir> {
        let dir = TempDir(
            std::env::temp_dir().join(format!("strata-bench-vs-tar-{}", std::process::id())),
        );
        for (path, bytes) in files {
            let p = dir.0.join(path);
            if let Some(parent) = p.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(p, bytes)?;
        }
        Ok(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// `tar -c -C dir . | openssl dgst -sha256`, returning openssl's output line.
fn tar_openssl(dir: &Path) -> String {
    let mut tar = Command::new("tar")
        .arg("-c")
        .arg("-C")
        .arg(dir)
        .arg(".")
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn tar");
    let pipe = tar.stdout.take().expect("tar stdout");
    let out = Command::new("openssl")
        .args(["dgst", "-sha256"])
        .stdin(Stdio::from(pipe))
        .output()
        .expect("run openssl");
    assert!(tar.wait().expect("wait tar").success(), "tar failed");
    assert!(out.status.success(), "openssl failed");
    let line = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(line.len() >= 64, "unexpected openssl output: {line}");
    line
}

/// The median of per-iteration times recorded by `iter_custom`.
fn median(times: &RefCell<Vec<f64>>) -> f64 {
    let mut t = times.borrow().clone();
    t.sort_by(f64::total_cmp);
    t.get(t.len() / 2).copied().unwrap_or(f64::NAN)
}

fn vs_tar(c: &mut Criterion) {
    let files = files();
    let total = (FILE * FILES) as u64;
    let cs = layer(&files);
    let dir = TempDir::with(&files).expect("write the files to a temp directory");
    drop(files);

    let strata_times = RefCell::new(Vec::new());
    let ref_times = RefCell::new(Vec::new());
    let mut g = c.benchmark_group("1 GiB layer, tar+sha256");
    g.throughput(Throughput::Bytes(total));
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(3))
        .measurement_time(Duration::from_secs(20));
    g.bench_function("strata write_tar -> HashingWriter(sink)", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                let (digest, _, _) = write_tar(&cs, HashingWriter::new(io::sink()))
                    .unwrap()
                    .finish();
                black_box(digest);
            }
            let t = start.elapsed();
            strata_times
                .borrow_mut()
                .push(t.as_secs_f64() / iters as f64);
            t
        })
    });
    g.bench_function("tar -c | openssl dgst -sha256", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                black_box(tar_openssl(&dir.0));
            }
            let t = start.elapsed();
            ref_times.borrow_mut().push(t.as_secs_f64() / iters as f64);
            t
        })
    });
    g.finish();
    drop(dir);

    let gib = total as f64 / f64::from(1u32 << 30);
    let (s, r) = (median(&strata_times), median(&ref_times));
    println!(
        "\nmedian per iteration: strata {:.3} s ({:.2} GiB/s), tar|openssl {:.3} s ({:.2} GiB/s); \
         strata/reference throughput ratio {:.2}x",
        s,
        gib / s,
        r,
        gib / r,
        r / s
    );
}

criterion_group!(benches, vs_tar);
criterion_main!(benches);
