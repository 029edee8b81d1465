//! The run line means what `docker run` means: image names, flags, `--rm`, volumes and `--env-file` as the
//! session answers them (native and wasm32, like `tests.rs`).

use crate::project::{ContextFile, Project};
use crate::session::{Reply, Request, Session};

/// Lesson 6's project: `VOLUME ["/data"]` over a seed file, built as `voltest`.
fn volumes_project(run_line: &str) -> Project {
    Project {
        dockerfile:
            "FROM busybox\nRUN mkdir -p /data && echo seed > /data/seed.txt\nVOLUME [\"/data\"]\n\
                     CMD [\"sh\", \"-c\", \"ls /data && echo written > /data/run.txt\"]\n"
                .to_string(),
        files: vec![ContextFile::text(
            "app.env",
            "GREETING=hello from the env file\n",
        )],
        run_line: run_line.to_string(),
    }
}

fn built(run_line: &str) -> Session {
    let mut s = Session::new();
    let v = s.build(&volumes_project(run_line), false, 0.0);
    assert!(v.error.is_none(), "{:?}", v.error);
    assert_eq!(v.tag, "voltest");
    s
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_unknown_image_is_not_found_and_a_base_image_runs_itself() {
    let mut s = built("docker run --rm voltest");
    let r = s.run("docker run --rm nosuchimage", 0.0);
    assert_eq!(r.exit_code, 125);
    assert!(
        r.stderr
            .starts_with("Unable to find image 'nosuchimage:latest' locally\n"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("cannot pull"), "{}", r.stderr);
    assert!(
        r.notes.iter().any(|n| n.contains("voltest:latest")),
        "{:?}",
        r.notes
    );
    let r = s.run("docker run --rm alpine cat /etc/os-release", 0.0);
    assert_eq!(r.exit_code, 0, "{r:?}");
    assert!(r.stdout.contains("Alpine"), "{}", r.stdout);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn docker_build_is_not_a_run_line() {
    let mut s = built("docker run --rm voltest");
    let r = s.run("docker build .", 0.0);
    assert_eq!(r.exit_code, 125);
    assert!(r.argv.is_empty());
    assert!(
        r.stderr.contains("takes a `docker run …` command"),
        "{}",
        r.stderr
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn real_flags_are_accepted_and_the_unmodelled_ones_say_so() {
    let mut s = built("docker run --rm voltest");
    let r = s.run(
        "docker run -it -d -p 8080:80 -P --network none --name web -u 65534 -w /tmp -h box --rm voltest sh -c 'id -u; pwd; hostname'",
        0.0,
    );
    assert_eq!(
        (r.exit_code, r.stdout.as_str()),
        (0, "65534\n/tmp\nbox\n"),
        "{r:?}"
    );
    let notes = r.notes.join("\n");
    assert!(
        notes.contains("-p 8080:80: accepted, not modelled here"),
        "{notes}"
    );
    assert!(notes.contains("-d: accepted"), "{notes}");
    assert!(!r.stderr.contains("unknown"), "{}", r.stderr);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn env_file_is_a_file_of_the_build_context() {
    let mut s = built("docker run --rm voltest");
    let r = s.run(
        "docker run --rm --env-file app.env voltest sh -c 'echo $GREETING'",
        0.0,
    );
    assert_eq!(r.stdout, "hello from the env file\n", "{r:?}");
    let r = s.run("docker run --rm --env-file nope.env voltest", 0.0);
    assert_eq!(r.exit_code, 125);
    assert!(
        r.stderr
            .starts_with("docker: open nope.env: no such file or directory."),
        "{}",
        r.stderr
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn with_rm_the_container_and_its_anonymous_volume_are_gone() {
    let mut s = built("docker run --rm voltest");
    let r = s.run("docker run --rm voltest", 0.0);
    assert_eq!((r.exit_code, r.stdout.as_str()), (0, "seed.txt\n"), "{r:?}");
    assert!(r.container.is_none() && r.removed.is_some(), "{r:?}");
    assert!(r.diff.is_empty() && r.layer.is_empty());
    let m = &r.mounts[0];
    assert_eq!(
        (m.kind.as_str(), m.destination.as_str(), m.anonymous),
        ("volume", "/data", true)
    );
    assert_eq!(m.files, ["/run.txt", "/seed.txt"]);
    assert!(m.note.contains("removed with the container"), "{}", m.note);
    assert!(r.volumes.is_empty(), "{:?}", r.volumes);
    // Nothing to commit.
    let (reply, _) = s.handle(Request::Commit { now_ms: 0.0 });
    assert!(matches!(reply, Reply::Failed(_)), "{reply:?}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_write_into_the_volume_is_not_in_diff_or_commit() {
    let mut s = built("docker run voltest");
    let r = s.run(
        "docker run voltest sh -c 'echo x > /data/run.txt; echo y > /top.txt'",
        0.0,
    );
    assert_eq!(r.diff, ["A /top.txt"], "{r:?}");
    assert_eq!(
        r.volumes.len(),
        1,
        "the anonymous volume outlives the container"
    );
    let (reply, _) = s.handle(Request::Commit { now_ms: 0.0 });
    let Reply::Built { .. } = reply else {
        panic!("{reply:?}")
    };
    assert!(s.read("/top.txt").text.is_some());
    assert_eq!(s.read("/data/run.txt").kind, "missing");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_named_volume_is_seen_by_the_next_run_and_a_host_directory_is_empty() {
    let mut s = built("docker run voltest");
    let r = s.run(
        "docker run --rm -v mydata:/data voltest sh -c 'echo n > /data/n.txt'",
        0.0,
    );
    assert_eq!(r.exit_code, 0, "{r:?}");
    assert_eq!(r.volumes, ["mydata"]);
    let r = s.run("docker run --rm -v mydata:/data voltest ls /data", 0.0);
    assert_eq!(r.stdout, "n.txt\nseed.txt\n");
    let r = s.run(
        "docker run --rm -v /srv/host:/data:ro voltest sh -c 'ls -A /data; touch /data/x'",
        0.0,
    );
    assert_eq!(r.stdout, "");
    assert_eq!(r.stderr, "touch: /data/x: Read-only file system\n");
    assert_eq!(
        (r.mounts[0].kind.as_str(), r.mounts[0].mode.as_str()),
        ("bind", "ro")
    );
}

/// The run line names a catalogue image before any build did (`docker run nginx`): the page fetches the
/// image's catalogue files (`catalogue_fetch::needed_for_run`) and hands them over with the run.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_run_line_fetches_the_catalogue_files_of_the_image_it_names() {
    use crate::catalogue_fetch::needed_for_run;
    assert_eq!(
        needed_for_run("docker run --rm -p 8080:80 nginx:1.27-alpine"),
        ["nginx.txt"]
    );
    assert_eq!(
        needed_for_run("docker run -it node:20 node -v"),
        ["node.txt", "buildpack-deps.txt"]
    );
    assert!(needed_for_run("docker run --rm voltest").is_empty());
    assert!(needed_for_run("docker run --rm busybox").is_empty());
    assert!(needed_for_run("docker run --rm").is_empty());
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../crates/strata-sim/catalogue"
    );
    let text = std::fs::read_to_string(format!("{dir}/nginx.txt"));
    // wasm32 has no files to read: the catalogue is compiled into the tests there.
    let catalogue = text
        .map(|t| vec![("nginx.txt".to_string(), t)])
        .unwrap_or_default();
    let mut s = Session::new();
    let (reply, _) = s.handle(Request::Run {
        line: "docker run --rm --entrypoint ls nginx:1.27 /usr/share/nginx/html".to_string(),
        now_ms: 0.0,
        catalogue,
    });
    let Reply::Ran(r) = reply else {
        panic!("{reply:?}")
    };
    assert_eq!(r.exit_code, 0, "{r:?}");
    assert_eq!(r.stdout, "50x.html\nindex.html\n");
    assert!(
        r.image.starts_with("nginx:1.27 (a base image"),
        "{}",
        r.image
    );
}
