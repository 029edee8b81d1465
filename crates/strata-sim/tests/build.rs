//! Whole builds with the simulator: the tutorials' examples, hostile Dockerfiles stopped by the limits
//! with a clear error on the step, and the cache across rebuilds.

use strata_build::engine::{BuildRequest, CacheStatus};
use strata_build::{build, BuildFailure, BuildOutput, Cache};
use strata_image::{Timestamp, Tree};
use strata_sim::backend::{SimBackend, SimStore};
use strata_sim::exec::Limits;

fn try_build(df: &str, limits: Limits) -> Result<BuildOutput, BuildFailure> {
    let ctx = Tree::new();
    let req = BuildRequest::new(df, &ctx, Timestamp::from_secs(1_800_000_000));
    build(
        &req,
        &mut SimBackend::new(limits),
        &SimStore::new(),
        &mut Cache::new(),
    )
}

fn small_limits() -> Limits {
    Limits {
        max_steps: 200_000,
        max_loop_iterations: 10_000,
        max_bytes_written: 16 << 20,
        ..Limits::default()
    }
}

#[test]
fn an_endless_loop_stops_at_a_limit_with_an_error_on_its_step() {
    let err = try_build(
        "FROM busybox\nRUN echo start\nRUN while true; do :; done\n",
        small_limits(),
    )
    .expect_err("the loop must be stopped");
    assert_eq!(err.error.span.map(|s| s.line), Some(3));
    assert!(
        err.error.message.contains("limits"),
        "{}",
        err.error.message
    );
    let last = err.steps.last().expect("the failing step is reported");
    assert!(last.text.starts_with("RUN while true"));
    assert!(
        last.notes.iter().any(|n| n.starts_with("limit:")),
        "{:?}",
        last.notes
    );
}

#[test]
fn a_huge_write_stops_at_the_byte_limit() {
    let err = try_build(
        "FROM busybox\nRUN echo 0123456789abcdef > /f; while true; do cat /f /f > /g; mv /g /f; done\n",
        small_limits(),
    )
    .expect_err("the write must be stopped");
    assert_eq!(err.error.span.map(|s| s.line), Some(2));
    assert!(
        err.error.message.contains("limits"),
        "{}",
        err.error.message
    );
}

#[test]
fn ten_thousand_run_lines_end_at_buildkits_layer_depth() {
    // Docker 20.10's BuildKit, measured here: busybox plus one-line RUNs fails to prepare step 130 (129
    // layers below it) with `max depth exceeded`.
    let mut df = String::from("FROM busybox\n");
    for i in 0..10_000 {
        df.push_str(&format!("RUN echo {i} > /f{i}\n"));
    }
    let err = try_build(&df, small_limits()).expect_err("too many layers");
    assert_eq!(err.error.span.map(|s| s.line), Some(130));
    assert!(
        err.error.message.ends_with(": max depth exceeded"),
        "{}",
        err.error.message
    );
    assert_eq!(err.steps.len(), 130);
    // 128 RUN layers are fine.
    let mut df = String::from("FROM busybox\n");
    for i in 0..128 {
        df.push_str(&format!("RUN echo {i}\n"));
    }
    let out = try_build(&df, small_limits()).expect("129 layers build");
    assert_eq!(out.image.layers.len(), 129);
}

#[test]
fn brace_expansion_is_literal_in_busybox_ash_exp_a() {
    let out = try_build(
        "FROM busybox\nRUN mkdir /sanchuang\nRUN touch /sanchuang/f{1..10}.txt\nRUN rm -rf /sanchuang/f1.txt\nCMD [\"/bin/sh\"]\n",
        Limits::default(),
    )
    .expect("builds");
    assert_eq!(
        out.image.tree.read_dir("/sanchuang").expect("dir"),
        vec!["f{1..10}.txt".to_owned()]
    );
    // The no-op rm still gets a layer under BuildKit; on this minimal base it holds only `/etc`, touched by
    // the hosts/resolv.conf mount points (OBSERVED.md §3a).
    assert_eq!(out.image.layers.len(), 4);
    let paths: Vec<&str> = out.image.layers[3]
        .changeset
        .entries
        .iter()
        .map(|e| e.path.as_str())
        .collect();
    assert_eq!(paths, vec!["/etc"]);
    let first: Vec<&str> = out.image.layers[1]
        .changeset
        .entries
        .iter()
        .map(|e| e.path.as_str())
        .collect();
    assert_eq!(first, vec!["/dev", "/etc", "/proc", "/sanchuang", "/sys"]);
}

#[test]
fn mycentos_installs_modelled_packages_and_says_so() {
    let df = "FROM centos\nMAINTAINER learner<learner@example.com>\nENV MYPATH /usr/local\nWORKDIR $MYPATH\nRUN yum -y install vim\nRUN yum -y install net-tools\nEXPOSE 80\nCMD echo $MYPATH\nCMD /bin/bash\n";
    let out = try_build(df, Limits::default()).expect("mycentos builds");
    let yum: Vec<_> = out
        .steps
        .iter()
        .filter(|s| s.text.starts_with("RUN yum"))
        .collect();
    assert_eq!(yum.len(), 2);
    for s in &yum {
        assert!(
            s.notes.iter().any(|n| n.starts_with("modelled:")),
            "{:?}",
            s.notes
        );
        assert!(matches!(s.cache, CacheStatus::Miss(_)));
    }
    assert!(out.image.tree.exists("/usr/bin/vim"), "vim installed");
    let cfg = out.image.config.config.clone().unwrap_or_default();
    assert_eq!(cfg.working_dir.as_deref(), Some("/usr/local"));
    assert_eq!(
        out.image.config.author.as_deref(),
        Some("learner<learner@example.com>")
    );
}

#[test]
fn a_run_step_that_sleeps_takes_simulated_time() {
    let out = try_build(
        "FROM busybox\nRUN a=$(date +%s); sleep 5; b=$(date +%s); echo $((b-a)) > /d\n",
        Limits::default(),
    )
    .expect("builds");
    let run = out
        .steps
        .iter()
        .find(|s| s.text.starts_with("RUN"))
        .unwrap();
    assert!(
        run.notes
            .iter()
            .any(|n| n.starts_with("simulated time: the step took 5s")),
        "{:?}",
        run.notes
    );
    let d = out.image.tree.read("/d").unwrap();
    assert_eq!(&*d.bytes(), b"5\n");
    // BuildKit waits however long a step sleeps: no docker stop during a build.
    let out = try_build("FROM busybox\nRUN sleep 3600\n", Limits::default()).expect("builds");
    assert!(out.steps[1]
        .notes
        .iter()
        .any(|n| n.contains("took 1h 0m 0s")));
    // A step that would never end stops at the simulated-time limit, as an endless loop does.
    let err = try_build("FROM busybox\nRUN sleep infinity\n", Limits::default())
        .expect_err("sleep infinity never ends");
    assert!(
        err.error.message.contains("limits"),
        "{}",
        err.error.message
    );
    assert!(
        err.steps[1]
            .notes
            .iter()
            .any(|n| n == "limit: more than 24h 0m 0s of simulated time"),
        "{:?}",
        err.steps[1].notes
    );
}

/// `RUN --network=none` runs in a namespace with only loopback: its `/proc/net/dev` lists `lo` alone, as the
/// native backend's does (fidelity case 261). A step on the builder's network has no such file in the
/// simulator, whose host interfaces are unknown.
#[test]
fn a_run_without_network_sees_only_loopback_in_proc_net_dev() {
    let out = try_build(
        "FROM busybox\nRUN --network=none cat /proc/net/dev | awk 'NR>2{print $1}' > /none.txt\n\
         RUN cat /proc/net/dev > /default.txt 2>&1 || true\n",
        Limits::default(),
    )
    .expect("builds");
    let read =
        |p: &str| String::from_utf8_lossy(&out.image.tree.read(p).unwrap().bytes()).into_owned();
    assert_eq!(read("/none.txt"), "lo:\n");
    assert_eq!(
        read("/default.txt"),
        "cat: can't open '/proc/net/dev': No such file or directory\n"
    );
}

#[test]
fn a_run_step_that_reaches_a_program_strata_cannot_run_says_not_simulated() {
    let err = try_build(
        "FROM python:3.12-slim\nRUN echo start && python -c 'print(1)' && echo after\n",
        Limits::default(),
    )
    .expect_err("the step cannot be simulated");
    assert_eq!(err.error.span.map(|s| s.line), Some(2));
    assert!(
        err.error.message.ends_with(
            "did not complete: not simulated: /usr/local/bin/python3.12 exists in the image, but strata cannot run it"
        ),
        "{}",
        err.error.message
    );
    assert!(
        !err.error.message.contains("exit code"),
        "{}",
        err.error.message
    );
    let last = err.steps.last().unwrap();
    assert_eq!(String::from_utf8_lossy(&last.stdout), "start\n");
}

#[test]
fn a_base_tag_strata_does_not_model_is_named_on_the_from_line() {
    let out = try_build(
        "FROM alpine:3.12\nRUN cat /etc/alpine-release\n",
        Limits::default(),
    )
    .expect("builds on the substitute");
    let w = out
        .warnings
        .iter()
        .find(|d| d.code == "SD0090")
        .expect("a warning on FROM");
    assert_eq!((w.span.line, w.span.col), (1, 6));
    assert!(
        w.message
            .starts_with("alpine:3.12 is not a version strata models"),
        "{}",
        w.message
    );
    assert!(out.steps[0]
        .notes
        .iter()
        .any(|n| n.contains("Alpine Linux 3.20.3 model")));
    // A modelled version: its own facts, and apk fetches its own branch's indexes.
    let out = try_build(
        "FROM alpine:3.19\nRUN cat /etc/alpine-release && apk update\n",
        Limits::default(),
    )
    .expect("builds");
    assert!(out.warnings.iter().all(|d| d.code != "SD0090"));
    let run = String::from_utf8_lossy(&out.steps[1].stdout).into_owned();
    assert!(run.starts_with("3.19.4\n"), "{run}");
    assert!(
        run.contains(
            "fetch https://dl-cdn.alpinelinux.org/alpine/v3.19/main/x86_64/APKINDEX.tar.gz"
        ),
        "{run}"
    );
}
