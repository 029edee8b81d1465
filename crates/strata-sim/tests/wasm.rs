//! The simulator's builds checked under wasm32 too (run by `wasm-bindgen-test` in Node and headless
//! Chromium; natively these are ordinary tests): the tutorial's layers example and a CMD/ENTRYPOINT run
//! through the engine, the busybox model and the simulated shell, with recorded Docker answers compiled in.

use std::sync::Arc;

use strata_build::engine::{BuildRequest, CacheStatus};
use strata_build::run::{resolve, RunOptions};
use strata_build::{build, Cache};
use strata_image::{Overlay, Timestamp, Tree};
use strata_sim::backend::{container_rootfs, SimBackend, SimStore};
use strata_sim::exec::{exec, ExecRequest, Identity, Limits};

/// Docker 20.10's layer listing for the `touch` step of tests/fidelity case 58 (exp a on busybox:mnt).
const EXP_A_TOUCH: &str =
    include_str!("../../../tests/fidelity/cases/58-layers-brace-exp-a/expected/layers/2.txt");

fn build_it(df: &str, store: &SimStore, cache: &mut Cache) -> strata_build::BuildOutput {
    let ctx = Tree::new();
    let req = BuildRequest::new(df, &ctx, Timestamp::from_secs(1_800_000_000));
    match build(&req, &mut SimBackend::new(Limits::default()), store, cache) {
        Ok(out) => out,
        Err(f) => panic!("build failed: {}", f.error.message),
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn exp_a_layers_match_docker_and_a_rebuild_is_cached() {
    let df = "FROM busybox:mnt\nRUN mkdir /sanchuang\nRUN touch /sanchuang/f{1..10}.txt\nRUN rm -rf /sanchuang/f1.txt\nCMD [\"/bin/sh\"]\n";
    let store = SimStore::new();
    let mut cache = Cache::new();
    let out = build_it(df, &store, &mut cache);
    assert_eq!(out.image.layers.len(), 4);
    let touch: Vec<String> = out.image.layers[2]
        .changeset
        .entries
        .iter()
        .map(|e| format!("{}\t{:04o}", e.path, e.attrs.mode))
        .collect();
    let want: Vec<String> = EXP_A_TOUCH
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            format!("{}\t{}", f[1], f[2])
        })
        .collect();
    assert_eq!(touch, want);
    let again = build_it(df, &store, &mut cache);
    assert!(again
        .steps
        .iter()
        .filter(|s| s.layer.is_some())
        .all(|s| s.cache == CacheStatus::Hit));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn entrypoint_with_args_runs_like_b1() {
    let df = "FROM busybox:mnt\nENTRYPOINT [\"echo\",\"-n\",\"hi\"]\nCMD [\"there\"]\n";
    let out = build_it(df, &SimStore::new(), &mut Cache::new());
    let cfg = out.image.config.config.clone().unwrap_or_default();
    let opts = RunOptions {
        args: vec!["you".to_owned(), "all".to_owned()],
        ..RunOptions::default()
    };
    let r = resolve(&cfg, &opts, &()).expect("resolves");
    assert_eq!(r.argv, ["echo", "-n", "hi", "you", "all"]);
    let tree = container_rootfs(&out.image.tree, &[], &r.argv, &r.env, "0123456789ab");
    let mut fs = Overlay::new(Arc::new(tree));
    let ran = exec(
        &mut fs,
        &ExecRequest {
            argv: r.argv.clone(),
            env: r.env.clone(),
            cwd: r.workdir.clone(),
            identity: Identity::default(),
            stdin: Vec::new(),
            now: Timestamp::from_secs(0),
            hostname: "0123456789ab".to_owned(),
            limits: Limits::default(),
            stop: None,
            cache_mounts: Vec::new(),
            loopback_only: false,
        },
    );
    assert_eq!(ran.stdout, b"hi you all");
    assert_eq!(ran.exit_code, 0);
}
