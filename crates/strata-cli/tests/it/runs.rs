//! `strata run` creates its container — name reserved — before the command runs, so repeated runs never
//! fail on a name and a name in use stops the run before it starts; and a build reads no blob of the store
//! it does not use.

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::store::{strata_at, TempDir};
use crate::{stderr, stdout};

#[test]
fn repeated_runs_on_one_store_all_succeed_with_distinct_names() {
    let dir = TempDir::new("runs");
    let root = dir.path("store");
    for i in 0..40 {
        let r = strata_at(&root, &["run", "busybox", "echo", &format!("run {i}")]);
        assert_eq!(r.status.code(), Some(0), "run {i}: {}", stderr(&r));
        assert_eq!(stdout(&r), format!("run {i}\n"));
        assert!(stderr(&r).is_empty(), "run {i}: {}", stderr(&r));
    }
    let ps = strata_at(&root, &["ps", "-a"]);
    let names: BTreeSet<String> = stdout(&ps)
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().last().map(str::to_owned))
        .collect();
    assert_eq!(names.len(), 40, "{}", stdout(&ps));
}

#[test]
fn a_name_in_use_stops_the_run_before_the_command_runs() {
    let dir = TempDir::new("name-taken");
    let root = dir.path("store");
    let first = strata_at(
        &root,
        &["run", "--name", "taken", "busybox", "echo", "first"],
    );
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let ids: Vec<String> = std::fs::read_dir(root.join("containers"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let [id] = &ids[..] else {
        panic!("one container: {ids:?}")
    };
    for rm in [false, true] {
        let mut args = vec!["run", "--name", "taken"];
        if rm {
            args.push("--rm");
        }
        args.extend(["busybox", "echo", "SIDE-EFFECT"]);
        let again = strata_at(&root, &args);
        assert_eq!(again.status.code(), Some(125), "{}", stderr(&again));
        assert!(
            stdout(&again).is_empty(),
            "the command ran: {}",
            stdout(&again)
        );
        let err = stderr(&again);
        assert!(
            err.starts_with(
                "docker: Error response from daemon: Conflict. The container name \"/taken\" is already in use by container \""
            ) && err.ends_with(
                "\". You have to remove (or rename) that container to be able to reuse that name.\n"
            ),
            "{err}"
        );
        assert!(err.contains(&format!("by container \"{id}\"")), "{err}");
    }
    let ps = stdout(&strata_at(&root, &["ps", "-a"]));
    assert_eq!(ps.lines().count(), 2, "only the first container: {ps}");
}

#[test]
fn a_build_opens_no_blob_of_a_cached_step_it_does_not_reuse() {
    let dir = TempDir::new("unrelated-blob");
    let root = dir.path("store");
    let ctx = dir.path("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(ctx.join("Dockerfile"), "FROM busybox\nRUN echo a > /a\n").unwrap();
    let a = strata_at(&root, &["build", "-t", "a", ctx.to_str().unwrap()]);
    assert!(a.status.success(), "{}", stderr(&a));
    // The layers the build stored (uncompressed tars: the RUN step's, and busybox's) become FIFOs, which
    // block whoever opens them for reading. The next build shares no step with this one.
    let blobs = root.join("blobs/sha256");
    let mut layers = Vec::new();
    for e in std::fs::read_dir(&blobs).unwrap() {
        let p = e.unwrap().path();
        let head = std::fs::read(&p).unwrap();
        if head.len() >= 512 && &head[257..262] == b"ustar" {
            layers.push(p);
        }
    }
    assert!(
        !layers.is_empty(),
        "the build stored its layer uncompressed"
    );
    for p in &layers {
        std::fs::remove_file(p).unwrap();
        let made = Command::new("mkfifo").arg(p).status().unwrap();
        assert!(made.success());
    }
    std::fs::write(ctx.join("Dockerfile"), "FROM busybox\nRUN echo b > /b\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("--root")
        .arg(&root)
        .args(["build", "-t", "b", ctx.to_str().unwrap()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the build blocked opening the layer of a step it does not use");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_program_strata_cannot_run_is_not_simulated_with_strata_s_own_status() {
    let dir = TempDir::new("not-simulated");
    let root = dir.path("store");
    // bc is in busybox, but not simulated: not docker's 127 (that is for a program that is not there).
    let r = strata_at(
        &root,
        &["run", "--rm", "busybox", "sh", "-c", "echo 6*7 | bc"],
    );
    assert_eq!(r.status.code(), Some(250), "{}", stderr(&r));
    assert!(
        stderr(&r).contains("strata: not simulated: busybox's bc applet exists in the image, but strata cannot run it"),
        "{}",
        stderr(&r)
    );
    assert!(!stderr(&r).contains("command not found"), "{}", stderr(&r));
    let r = strata_at(&root, &["run", "--rm", "busybox", "nosuch"]);
    assert_eq!(r.status.code(), Some(127), "{}", stderr(&r));
}

#[test]
fn a_sleeping_container_runs_on_a_simulated_clock_until_docker_stop() {
    let dir = TempDir::new("sleep");
    let root = dir.path("store");
    let r = strata_at(
        &root,
        &[
            "run",
            "--rm",
            "busybox",
            "sh",
            "-c",
            "while true; do echo hello; sleep 1; done",
        ],
    );
    assert_eq!(r.status.code(), Some(137), "{}", stderr(&r));
    assert_eq!(stdout(&r).lines().count(), 70);
    let err = stderr(&r);
    assert!(
        err.contains("[strata] t=1m 0s docker stop: SIGTERM to PID 1, which ignores it"),
        "{err}"
    );
    assert!(
        err.contains(
            "[strata] t=1m 10s docker stop: SIGKILL after the 10 s grace period, exit code 137"
        ),
        "{err}"
    );
}

#[test]
fn a_from_tag_strata_does_not_model_is_a_warning_at_file_line_col() {
    let dir = TempDir::new("from-tag");
    let root = dir.path("store");
    let ctx = dir.path("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(ctx.join("Dockerfile"), "FROM alpine:3.12\nRUN true\n").unwrap();
    let r = strata_at(&root, &["build", "-t", "old", ctx.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    let all = format!("{}{}", stdout(&r), stderr(&r));
    assert!(
        all.contains("Dockerfile:1:6: warning[SD0090]: alpine:3.12 is not a version strata models"),
        "{all}"
    );
}
