//! `strata commit` writes what `docker commit` writes (Docker 20.10, observed over busybox:latest): the
//! container's config becomes the image's, the history records its `Cmd` (not the entrypoint) with `-m`
//! and `-a`, and a container that changed nothing adds an empty-layer entry, no layer.

use crate::store::{strata_at, TempDir};
use crate::{stderr, stdout};

fn run(root: &std::path::Path, args: &[&str]) -> String {
    let o = strata_at(root, args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    stdout(&o)
}

#[test]
fn commit_writes_the_containers_config_and_command_as_docker_does() {
    let dir = TempDir::new("commit");
    let root = dir.path("store");
    run(
        &root,
        &[
            "run",
            "--name",
            "c1",
            "-e",
            "FOO=1",
            "-w",
            "/tmp",
            "--entrypoint",
            "sh",
            "busybox",
            "-c",
            "echo hi > /f",
        ],
    );
    run(
        &root,
        &["commit", "-m", "my msg", "-a", "Ann <a@x>", "c1", "one"],
    );
    assert_eq!(
        run(&root, &["image", "inspect", "-f", "{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{json .Config.Env}} {{.Config.WorkingDir}} {{.Author}}|{{.Comment}}", "one"]),
        "[\"sh\"] [\"-c\",\"echo hi \\u003e /f\"] [\"FOO=1\",\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"] /tmp Ann <a@x>|my msg\n"
    );
    assert_eq!(
        run(
            &root,
            &[
                "history",
                "--no-trunc",
                "--format",
                "{{.CreatedBy}}|{{.Comment}}|{{.Size}}",
                "one"
            ]
        )
        .lines()
        .next(),
        Some("-c echo hi > /f|my msg|3B")
    );

    // Nothing changed: no layer, an empty-layer history entry; no -a: no author, not even the parent's.
    run(&root, &["run", "--name", "c2", "busybox", "true"]);
    run(&root, &["commit", "c2", "two"]);
    assert_eq!(
        run(
            &root,
            &[
                "image",
                "inspect",
                "-f",
                "{{len .RootFS.Layers}} {{json .Config.Cmd}} [{{.Author}}]",
                "two"
            ]
        ),
        "1 [\"true\"] []\n"
    );
    assert_eq!(
        run(
            &root,
            &["history", "--format", "{{.CreatedBy}}|{{.Size}}", "two"]
        )
        .lines()
        .next(),
        Some("true|0B")
    );
}

#[test]
fn container_inspect_shows_the_containers_own_config() {
    // docker run -e FOO=1 -w /tmp --entrypoint echo busybox a b; docker container inspect (Docker 20.10).
    let dir = TempDir::new("container-inspect");
    let root = dir.path("store");
    run(
        &root,
        &[
            "run",
            "--name",
            "ci",
            "-e",
            "FOO=1",
            "-w",
            "/tmp",
            "--entrypoint",
            "echo",
            "busybox",
            "a",
            "b",
        ],
    );
    assert_eq!(
        run(
            &root,
            &["container", "inspect", "-f", "{{json .Path}} {{json .Args}} {{json .Config.Cmd}} {{json .Config.Entrypoint}} {{json .Config.Env}} {{json .Config.WorkingDir}}", "ci"]
        ),
        "\"echo\" [\"a\",\"b\"] [\"a\",\"b\"] [\"echo\"] [\"FOO=1\",\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"] \"/tmp\"\n"
    );
}
