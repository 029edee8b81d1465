//! The simulated clock and the simulated process table of a `docker run`.
//!
//! What Docker 20.10 does here was measured on the oracle machine (`/usr/bin/docker`, `busybox:mnt`), as
//! `docker stop` cannot be part of a recorded fidelity case (`oracle.sh` only runs containers to their end):
//! - `docker run -d busybox:mnt sh -c 'while true; do echo hello; sleep 1; done'`, `docker stop` 3 s later:
//!   the stop took 10.3 s (sh as PID 1 ignores SIGTERM), exit code 137, one line a second in the log.
//! - the same with `trap 'echo got TERM; exit 0' TERM;` in front: the stop took 1.1 s (the trap runs once
//!   the running `sleep 1` has finished), exit code 0, the log ends with `got TERM`.
//! - `docker run -d busybox:mnt sleep 100`, `docker stop`: 10.3 s, exit code 137.
//!
//! The recorded part (ps, `$$`, `pidof`, `date` after `sleep`, `timeout`) is fidelity case
//! 250-processes-and-time.

use strata_build::run::RunOptions;
use strata_image::Timestamp;
use strata_sim::container::{run, timeline_lines, Started};
use strata_sim::exec::{Event, Limits};

fn start(args: &[&str]) -> Started {
    let image = strata_sim::base::lookup("busybox:mnt").expect("model");
    let tree = image.tree().expect("tree");
    let config = image.config.config.clone().unwrap_or_default();
    let opts = RunOptions {
        args: args.iter().map(|s| s.to_string()).collect(),
        ..RunOptions::default()
    };
    run(
        &tree,
        &config,
        &opts,
        "0123456789abcdef",
        Timestamp::from_secs(1_800_000_000),
        Limits::default(),
    )
    .unwrap_or_else(|e| panic!("{:?}", e.error))
}

fn sh(script: &str) -> Started {
    start(&["sh", "-c", script])
}

#[test]
fn the_tutorial_loop_prints_once_a_simulated_second_until_docker_stop_kills_it() {
    let s = sh("while true; do echo hello; sleep 1; done");
    let o = &s.outcome;
    // SIGTERM at 60 s is ignored by sh as PID 1; SIGKILL 10 s later: 137, as docker stop gives.
    assert_eq!(o.exit_code, 137);
    assert!(o.notes.is_empty(), "no limit was hit: {:?}", o.notes);
    assert_eq!(
        o.timeline.events,
        vec![
            (60_000, Event::Term { handled: false }),
            (70_000, Event::Kill)
        ]
    );
    let lines = o.timeline.stdout_lines(&o.stdout);
    assert_eq!(lines.len(), 70);
    assert!(lines.iter().all(|(_, l)| l == "hello"));
    let times: Vec<u64> = lines.iter().map(|(t, _)| *t).collect();
    assert_eq!(times, (0..70).map(|s| s * 1000).collect::<Vec<_>>());
    let text = timeline_lines(o).join("\n");
    assert!(text.contains("t=0s start"), "{text}");
    assert!(
        text.contains("t=1m 0s docker stop: SIGTERM to PID 1, which ignores it"),
        "{text}"
    );
    assert!(
        text.contains("t=1m 10s docker stop: SIGKILL after the 10 s grace period, exit code 137"),
        "{text}"
    );
}

#[test]
fn a_term_trap_ends_the_container_at_docker_stop() {
    let s = sh("trap 'echo got TERM; exit 0' TERM; while true; do echo hello; sleep 1; done");
    let o = &s.outcome;
    assert_eq!(o.exit_code, 0);
    assert!(o.notes.is_empty(), "{:?}", o.notes);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.ends_with("hello\ngot TERM\n"), "{out}");
    assert_eq!(
        o.timeline.events,
        vec![
            (60_000, Event::Term { handled: true }),
            (60_000, Event::Exit(0))
        ]
    );
}

#[test]
fn a_term_trap_that_does_not_exit_is_killed_after_the_grace_period() {
    let s = sh("trap 'echo TERM ignored' TERM; while :; do sleep 1; done");
    assert_eq!(s.outcome.exit_code, 137);
    assert_eq!(String::from_utf8_lossy(&s.outcome.stdout), "TERM ignored\n");
}

#[test]
fn sleep_as_pid_1_ignores_sigterm() {
    let s = start(&["sleep", "100"]);
    assert_eq!(s.outcome.exit_code, 137);
    assert_eq!(
        s.outcome.timeline.events,
        vec![
            (60_000, Event::Term { handled: false }),
            (70_000, Event::Kill)
        ]
    );
}

#[test]
fn a_container_that_ends_on_its_own_is_not_stopped() {
    let s = sh("sleep 2; date +%s");
    assert_eq!(s.outcome.exit_code, 0);
    assert_eq!(String::from_utf8_lossy(&s.outcome.stdout), "1800000002\n");
    assert_eq!(s.outcome.timeline.events, vec![(2000, Event::Exit(0))]);
    assert_eq!(
        timeline_lines(&s.outcome).last().unwrap(),
        "[strata] t=2s exited, exit code 0"
    );
    // A run in which no time passed shows no timeline.
    assert!(timeline_lines(&sh("echo hi").outcome).is_empty());
}

#[test]
fn files_written_after_a_sleep_carry_the_later_time() {
    let s = sh("touch /a; sleep 90m; touch /b; stat -c %Y /a /b");
    // 90 minutes: docker stop would have stopped it at 60 s.
    assert_eq!(s.outcome.exit_code, 137);
    let s = start(&[
        "sh",
        "-c",
        "touch /a; sleep 1.5; touch /b; stat -c %Y /a /b",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&s.outcome.stdout),
        "1800000000\n1800000001\n"
    );
}

#[test]
fn timeout_sends_sigterm_at_its_deadline() {
    let s = sh("timeout 1 sleep 5; echo rc=$?; date +%s");
    assert_eq!(
        String::from_utf8_lossy(&s.outcome.stdout),
        "rc=143\n1800000001\n"
    );
    assert_eq!(String::from_utf8_lossy(&s.outcome.stderr), "Terminated\n");
    let s = sh("timeout 5 sleep 1; echo rc=$?");
    assert_eq!(String::from_utf8_lossy(&s.outcome.stdout), "rc=0\n");
}

#[test]
fn ps_shows_the_process_tree() {
    let ps = |s: Started| String::from_utf8_lossy(&s.outcome.stdout).into_owned();
    assert_eq!(
        ps(start(&["ps"])),
        "PID   USER     COMMAND\n    1 root     ps\n"
    );
    assert_eq!(
        ps(sh("ps")),
        "PID   USER     COMMAND\n    1 root     {ps} sh -c ps\n"
    );
    assert_eq!(
        ps(sh("ps; echo end")),
        "PID   USER     COMMAND\n    1 root     sh -c ps; echo end\n    7 root     {ps} sh -c ps; echo end\nend\n"
    );
    // A child shell is a child process; $$ and $PPID agree with ps.
    assert_eq!(
        ps(sh(
            "echo $$ $PPID; sh -c 'echo $$ $PPID; ps -o pid,ppid,comm; :'; (echo $$)"
        )),
        "1 0\n7 1\nPID   PPID  COMMAND\n    1     0 sh\n    7     1 sh\n    8     7 ps\n1\n"
    );
    assert_eq!(ps(sh("pidof sh; pidof nosuch; echo $?")), "1\n1\n");
    // kill -0 asks whether a process exists (recorded: `kill -0 $$` is 0 in Docker).
    assert_eq!(
        ps(sh(
            "kill -0 $$; echo k=$?; kill -0 999 2>/dev/null; echo k=$?"
        )),
        "k=0\nk=1\n"
    );
}
