//! Layer-write throughput, one workload for both targets: 256 MiB of file contents (64 files of 4 MiB of
//! generated, incompressible bytes, materialized in memory before timing) written as a layer tar into a sha256
//! sink (the `diff_id` path of `benches/vs_tar.rs`), best of three runs; then tar alone (into a sink) and
//! sha256 alone (of 256 MiB), to show where the time goes. Natively it is an ordinary test, as
//! wasm32 a `wasm-bindgen-test` run in Node; both print one `layer-write:` line that `cargo xtask bench`
//! collects and shows side by side:
//!
//! ```text
//! cargo test --release -p strata-image --test wasm_bench -- --nocapture
//! cargo test --release -p strata-image --test wasm_bench --target wasm32-unknown-unknown -- --nocapture
//! ```
//!
//! The clock is read here, in the harness, never in the library: `Instant` natively, `Date.now()` in Node.

use std::io;

use strata_image::digest::HashingWriter;
use strata_image::layer::write_tar;
use strata_image::{Attrs, Changeset, Content, Digest, Entry, EntryKind, Timestamp};

const FILE: usize = 4 << 20;
const FILES: usize = 64;
const RUNS: usize = 3;

/// The layer: `/data/dNN/file-NNN.bin`, 8 directories, contents materialized (not modelled) so that only
/// tar and sha256 are measured.
fn layer() -> Changeset {
    let attrs = |mode| Attrs::new(mode, 0, 0, Timestamp::from_secs(1_700_000_000));
    let mut entries = vec![Entry {
        path: "/data".into(),
        attrs: attrs(0o755),
        kind: EntryKind::Dir,
    }];
    for d in 0..8 {
        entries.push(Entry {
            path: format!("/data/d{d:02}"),
            attrs: attrs(0o755),
            kind: EntryKind::Dir,
        });
        for f in 0..FILES / 8 {
            let bytes = Content::modelled(FILE as u64, (d * 1000 + f) as u64)
                .bytes()
                .into_owned();
            entries.push(Entry {
                path: format!("/data/d{d:02}/file-{f:03}.bin"),
                attrs: attrs(0o644),
                kind: EntryKind::File(Content::from(bytes)),
            });
        }
    }
    Changeset { entries }
}

/// Milliseconds from an arbitrary origin.
#[cfg(target_arch = "wasm32")]
fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[cfg(not(target_arch = "wasm32"))]
fn now_ms() -> f64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
}

#[cfg(target_arch = "wasm32")]
macro_rules! say {
    ($($t:tt)*) => { wasm_bindgen_test::console_log!($($t)*) };
}

#[cfg(not(target_arch = "wasm32"))]
macro_rules! say {
    ($($t:tt)*) => { println!($($t)*) };
}

/// Best time of `RUNS` runs of `f`, in ms.
fn best_of(mut f: impl FnMut()) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..RUNS {
        let t = now_ms();
        f();
        best = best.min(now_ms() - t);
    }
    best
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn layer_write_throughput() {
    let target = if cfg!(target_arch = "wasm32") {
        "wasm32 (Node)"
    } else {
        "native"
    };
    let cs = layer();
    let mib = (FILE * FILES) as f64 / (1 << 20) as f64;
    let mut digests = Vec::new();
    let mut tar_bytes = 0;
    let both = best_of(|| {
        let (digest, n, _) = write_tar(&cs, HashingWriter::new(io::sink()))
            .expect("writing to a sink cannot fail")
            .finish();
        digests.push(digest);
        tar_bytes = n;
    });
    assert!(digests.windows(2).all(|w| w[0] == w[1]), "deterministic");
    let tar_only = best_of(|| {
        std::hint::black_box(write_tar(&cs, io::sink()).expect("sink"));
    });
    let flat = Content::modelled((FILE * FILES) as u64, 1)
        .bytes()
        .into_owned();
    let sha_only = best_of(|| {
        std::hint::black_box(Digest::of(&flat));
    });
    let rate = |ms: f64| mib / (ms / 1e3);
    say!(
        "layer-write: {target}: tar+sha256 {:.0} MiB/s ({both:.0} ms for {mib:.0} MiB of files, {tar_bytes} tar bytes, best of {RUNS}); tar only {:.0} MiB/s; sha256 only {:.0} MiB/s",
        rate(both),
        rate(tar_only),
        rate(sha_only)
    );
}
