//! `RUN --mount` through the CLI: a secret given with `--secret id=…,src=…` is read by the step and never
//! lands in a layer (Docker 20.10 leaves `run/` and the `run/secrets/` directory it made, not the file stub:
//! checked by hand with `docker build --secret`, which the fidelity recorder cannot pass); a cache mount keeps
//! its files across separate `strata build` runs; a bind mount of the context reruns the step when a bound
//! file changes. With the simulator, and natively where the machine can.

use std::path::Path;

use crate::store::{strata_at, TempDir};
use crate::{stderr, stdout};

/// `type path content` of each entry of the layers above the base, per layer, sorted.
fn layers(root: &Path, dir: &TempDir, image: &str) -> Vec<Vec<String>> {
    let tar = dir.path(&format!("{image}.tar"));
    let o = strata_at(root, &["save", "-o", tar.to_str().unwrap(), image]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut blobs = std::collections::BTreeMap::new();
    for e in tar::Archive::new(std::fs::File::open(&tar).unwrap())
        .entries()
        .unwrap()
    {
        let mut e = e.unwrap();
        let name = e.path().unwrap().to_string_lossy().into_owned();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut bytes).unwrap();
        blobs.insert(name, bytes);
    }
    let manifest: serde_json::Value = serde_json::from_slice(&blobs["manifest.json"]).unwrap();
    manifest[0]["Layers"].as_array().unwrap()[1..]
        .iter()
        .map(|l| {
            tar::Archive::new(&blobs[l.as_str().unwrap()][..])
                .entries()
                .unwrap()
                .map(|e| {
                    let mut e = e.unwrap();
                    let kind = if e.header().entry_type().is_dir() {
                        "d"
                    } else {
                        "f"
                    };
                    let path = e.path().unwrap().to_string_lossy().into_owned();
                    let mut body = String::new();
                    std::io::Read::read_to_string(&mut e, &mut body).unwrap_or_default();
                    format!("{kind} {} {}", path.trim_end_matches('/'), body.trim())
                })
                .collect::<std::collections::BTreeSet<String>>()
                .into_iter()
                .collect()
        })
        .collect()
}

fn check(backend: &str) {
    let dir = TempDir::new(&format!("run-mount-{backend}"));
    let root = dir.path("store");
    if backend == "native" {
        crate::native::import_busybox_mnt(&dir, &root);
    }
    let ctx = dir.path("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(dir.path("token"), "s3cret\n").unwrap();
    std::fs::write(ctx.join("input.txt"), "first\n").unwrap();
    std::fs::write(
        ctx.join("Dockerfile"),
        "FROM busybox:mnt\n\
         RUN --mount=type=cache,target=/c date +%N >> /c/log; wc -l < /c/log > /count\n\
         RUN --mount=type=secret,id=tok cat /run/secrets/tok > /seen\n\
         RUN --mount=type=bind,target=/in cat /in/input.txt > /bound\n",
    )
    .unwrap();
    let secret = format!("id=tok,src={}", dir.path("token").display());
    let build = |no_cache: bool| {
        let mut args = vec![
            "build",
            "--backend",
            backend,
            "--secret",
            &secret,
            "--progress",
            "plain",
            "-t",
            "m",
        ];
        if no_cache {
            args.push("--no-cache");
        }
        let ctx = ctx.to_str().unwrap().to_string();
        let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        args.push(ctx);
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = strata_at(&root, &argv);
        assert!(o.status.success(), "{backend}: {}", stderr(&o));
        o
    };
    build(true);
    build(true);
    let l = layers(&root, &dir, "m");
    // The cache mount kept the first build's line: the second build counted two.
    assert_eq!(l[0], ["d c ", "f count 2"], "{backend}: {l:?}");
    assert_eq!(
        l[1],
        ["d run ", "d run/secrets ", "f seen s3cret"],
        "{backend}: {l:?}"
    );
    assert_eq!(l[2], ["d in ", "f bound first"], "{backend}: {l:?}");
    // The secret is nowhere in the history.
    let h = strata_at(&root, &["history", "--no-trunc", "m"]);
    assert!(!stdout(&h).contains("s3cret") && !stdout(&h).contains("--mount"));
    // A bound context file that changes reruns its step (the others stay cached).
    std::fs::write(ctx.join("input.txt"), "second\n").unwrap();
    let o = build(false);
    let log = stderr(&o);
    // FROM and the first two RUNs cached; the bind mount's step ran again.
    assert_eq!(log.matches("CACHED").count(), 3, "{backend}: {log}");
    assert!(
        log.contains("mount0:/input.txt changed"),
        "{backend}: {log}"
    );
    assert_eq!(layers(&root, &dir, "m")[2], ["d in ", "f bound second"]);
    // A secret marked required that was not given stops the build.
    std::fs::write(
        ctx.join("Dockerfile"),
        "FROM busybox:mnt\nRUN --mount=type=secret,id=other,required=true true\n",
    )
    .unwrap();
    let o = strata_at(
        &root,
        &["build", "--backend", backend, ctx.to_str().unwrap()],
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("secret other: not found"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn run_mounts_in_the_simulator() {
    check("sim");
}

#[test]
fn run_mounts_natively() {
    if let Some(why) = crate::native::missing() {
        println!("skipped: RUN --mount natively: the native backend {why}");
        return;
    }
    check("native");
}
