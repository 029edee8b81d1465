//! Parser throughput: BuildKit's corpus and generated Dockerfiles of 1×, 10× and 100× size, against the
//! crates.io `parse-dockerfile` parser on the same input in the same run.
//!
//! Run with `cargo xtask bench`. Throughput is reported in bytes/s; linear growth shows as a constant
//! throughput across the `generated/*` sizes.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

/// The corpus Dockerfiles, concatenated (directives after the first file become plain comments), and
/// the names of the files left out.
///
/// Left out, so that the concatenation means what its parts mean and both parsers accept it:
/// - files whose escape directive is not `\` (mid-file, the directive is a plain comment);
/// - files whose last non-empty line ends with the escape token: the open continuation would swallow
///   the next file's first line (BuildKit's grammar has no way to close it);
/// - files `parse-dockerfile` refuses even behind a `FROM` (it wants FROM first, and refuses some
///   HEALTHCHECK forms BuildKit accepts).
fn corpus() -> (String, Vec<String>) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/buildkit-parser/testfiles");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus missing at {}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    names.sort();
    let mut text = String::new();
    let mut skipped = Vec::new();
    for n in names {
        let Ok(t) = std::fs::read_to_string(n.join("Dockerfile")) else {
            continue;
        };
        let escape = strata_dockerfile::parse(&t).ast.escape;
        let last = t.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
        let open = last.trim_end_matches([' ', '\t']).ends_with(escape);
        let refused = parse_dockerfile::parse(&format!("FROM scratch\n{t}")).is_err();
        if escape != '\\' || open || refused {
            skipped.push(
                n.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
            );
            continue;
        }
        text.push_str(&t);
        if !text.ends_with('\n') {
            text.push('\n');
        }
    }
    (text, skipped)
}

/// A realistic Dockerfile of about `lines` lines: stages, continuations, JSON and shell forms, ENV pairs.
pub fn generated(lines: usize) -> String {
    let mut s = String::from("# syntax=docker/dockerfile:1\nARG BASE=debian:12\n");
    let mut n = 2;
    let mut i = 0;
    while n < lines {
        match i % 10 {
            0 => s.push_str(&format!("FROM ${{BASE}} AS stage{i}\n")),
            1 => s.push_str("ENV PATH=/usr/local/bin:$PATH LANG=C.UTF-8 TZ=\"Etc/UTC\"\n"),
            2 => {
                s.push_str("RUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl ca-certificates \\\n    && rm -rf /var/lib/apt/lists/*\n");
                n += 2;
            }
            3 => s.push_str("COPY --chown=app:app --chmod=0644 src/ /app/src/\n"),
            4 => s.push_str("WORKDIR /app\n"),
            5 => s.push_str("# a comment line between instructions\n"),
            6 => s.push_str("LABEL org.opencontainers.image.title=\"demo\" version=\"1.0\"\n"),
            7 => s.push_str("EXPOSE 80/tcp 443\n"),
            8 => s.push_str("CMD [\"/usr/local/bin/app\", \"--port\", \"80\"]\n"),
            _ => s.push_str("USER app\n"),
        }
        n += 1;
        i += 1;
    }
    s
}

/// Whether each parser accepts `text` (strata: no error diagnostics).
fn accepted(text: &str) -> String {
    let strata = strata_dockerfile::parse(text);
    let errors: Vec<_> = strata.diagnostics.iter().filter(|d| d.is_error()).collect();
    let strata = if errors.is_empty() {
        "accepted".to_string()
    } else {
        format!("{} errors, first: {:?}", errors.len(), errors[0].message)
    };
    let other = match parse_dockerfile::parse(text) {
        Ok(_) => "accepted".to_string(),
        Err(e) => format!("refused: {e}"),
    };
    format!("strata: {strata}; parse-dockerfile: {other}")
}

fn bench(c: &mut Criterion) {
    let (corpus, skipped) = corpus();
    // A comparison is only fair if both parsers accept the input; say so in the output.
    eprintln!(
        "corpus: {} bytes, {} files left out ({}); {}",
        corpus.len(),
        skipped.len(),
        skipped.join(", "),
        accepted(&corpus)
    );
    let mut g = c.benchmark_group("corpus");
    g.throughput(Throughput::Bytes(corpus.len() as u64));
    g.bench_function("strata", |b| {
        b.iter(|| strata_dockerfile::parse(black_box(&corpus)))
    });
    g.bench_function("strata+lint", |b| {
        b.iter(|| strata_dockerfile::lint::check(black_box(&corpus)))
    });
    g.bench_function("parse-dockerfile", |b| {
        b.iter(|| parse_dockerfile::parse(black_box(&corpus)).is_ok())
    });
    g.finish();

    let mut g = c.benchmark_group("generated");
    for lines in [1_000usize, 10_000, 100_000] {
        let text = generated(lines);
        eprintln!(
            "generated {lines} lines: {} bytes; {}",
            text.len(),
            accepted(&text)
        );
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::new("strata", lines), &text, |b, t| {
            b.iter(|| strata_dockerfile::parse(black_box(t)))
        });
        g.bench_with_input(
            BenchmarkId::new("parse-dockerfile", lines),
            &text,
            |b, t| b.iter(|| parse_dockerfile::parse(black_box(t)).is_ok()),
        );
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = bench
}
criterion_main!(benches);
