//! `strata run` with volumes, and `strata volume ls|rm|inspect`, as Docker 20.10 does them (observed with
//! the oracle's dockerd: `docker diff` after a write into a VOLUME path lists only the container's own
//! change, `docker commit` does not capture the volume, `volume ls`/`inspect` formats, `volume rm` of a
//! volume a container mounts, `rm -v`, and `run --rm` removing anonymous volumes). The volume contents
//! themselves are fidelity cases 240 and 241.

use crate::store::{strata_at, TempDir};
use crate::{stderr, stdout};

fn ok(root: &std::path::Path, args: &[&str]) -> String {
    let o = strata_at(root, args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    stdout(&o)
}

/// A store with `voltest`: busybox, /data/seed.txt, `VOLUME /data`.
fn store(dir: &TempDir) -> std::path::PathBuf {
    let root = dir.path("store");
    let ctx = dir.path("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(
        ctx.join("Dockerfile"),
        "FROM busybox\nRUN mkdir -p /data && echo seed > /data/seed.txt\nVOLUME [\"/data\"]\nCMD [\"sh\"]\n",
    )
    .unwrap();
    ok(
        &root,
        &["build", "-q", "-t", "voltest", ctx.to_str().unwrap()],
    );
    root
}

#[test]
fn a_write_into_a_volume_is_not_in_diff_or_commit_and_the_volume_is_listed() {
    let dir = TempDir::new("vol-diff");
    let root = store(&dir);
    ok(
        &root,
        &[
            "run",
            "--name",
            "c1",
            "voltest",
            "sh",
            "-c",
            "echo hi > /data/run.txt; echo x > /top.txt",
        ],
    );
    assert_eq!(ok(&root, &["diff", "c1"]), "A /top.txt\n");
    let ls = ok(&root, &["volume", "ls"]);
    let lines: Vec<&str> = ls.lines().collect();
    assert_eq!(lines[0], "DRIVER    VOLUME NAME");
    assert_eq!(lines.len(), 2, "{ls}");
    let name = lines[1].strip_prefix("local     ").unwrap();
    assert_eq!(name.len(), 64);
    let mounts = ok(&root, &["inspect", "-f", "{{json .Mounts}}", "c1"]);
    assert!(
        mounts.starts_with(&format!(
            "[{{\"Type\":\"volume\",\"Name\":\"{name}\",\"Source\":\""
        )),
        "{mounts}"
    );
    assert!(
        mounts.ends_with("\"Destination\":\"/data\",\"Driver\":\"local\",\"Mode\":\"\",\"RW\":true,\"Propagation\":\"\"}]\n"),
        "{mounts}"
    );
    // docker commit does not capture the volume: the new image has only the image's seed.txt there.
    ok(&root, &["commit", "c1", "committed"]);
    assert_eq!(
        ok(
            &root,
            &[
                "run",
                "--rm",
                "-v",
                "/other",
                "committed",
                "ls",
                "/data",
                "/top.txt"
            ]
        ),
        "/top.txt\n\n/data:\nseed.txt\n"
    );
    // The volume is in use while c1 exists; `rm -v` removes it with the container.
    let o = strata_at(&root, &["volume", "rm", name]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with(&format!(
            "Error response from daemon: remove {name}: volume is in use - ["
        )),
        "{}",
        stderr(&o)
    );
    ok(&root, &["rm", "-v", "c1"]);
    assert_eq!(ok(&root, &["volume", "ls", "-q"]), "");
}

#[test]
fn a_named_volume_outlives_its_containers_and_rm_removes_only_anonymous_ones() {
    let dir = TempDir::new("vol-named");
    let root = store(&dir);
    ok(
        &root,
        &[
            "run",
            "--rm",
            "-v",
            "mydata:/data",
            "voltest",
            "sh",
            "-c",
            "echo n > /data/n.txt",
        ],
    );
    assert_eq!(
        ok(
            &root,
            &[
                "run",
                "--rm",
                "-v",
                "mydata:/data",
                "voltest",
                "ls",
                "/data"
            ]
        ),
        "n.txt\nseed.txt\n"
    );
    // `--rm` took the anonymous volumes; the named one stays.
    assert_eq!(ok(&root, &["volume", "ls", "-q"]), "mydata\n");
    let j: serde_json::Value =
        serde_json::from_str(&ok(&root, &["volume", "inspect", "mydata"])).unwrap();
    assert_eq!(j[0]["Name"], "mydata");
    assert_eq!(j[0]["Driver"], "local");
    assert_eq!(j[0]["Scope"], "local");
    assert!(j[0]["Labels"].is_null() && j[0]["Options"].is_null());
    assert_eq!(
        ok(
            &root,
            &[
                "volume",
                "ls",
                "--format",
                "{{.Name}} {{.Driver}} {{.Scope}}"
            ]
        ),
        "mydata local local\n"
    );
    let o = strata_at(&root, &["volume", "inspect", "nosuch"]);
    assert_eq!(
        (o.status.code(), stderr(&o).as_str()),
        (Some(1), "Error: No such volume: nosuch\n")
    );
    assert_eq!(ok(&root, &["volume", "rm", "mydata"]), "mydata\n");
    let o = strata_at(&root, &["volume", "rm", "mydata"]);
    assert_eq!(
        (o.status.code(), stderr(&o).as_str()),
        (Some(1), "Error: No such volume: mydata\n")
    );
}

#[test]
fn a_host_directory_is_an_empty_modelled_one_and_ro_refuses_writes() {
    let dir = TempDir::new("vol-bind");
    let root = store(&dir);
    let o = strata_at(
        &root,
        &[
            "run",
            "--name",
            "bind1",
            "-v",
            "/srv/host:/data:ro",
            "voltest",
            "sh",
            "-c",
            "ls -A /data; echo x > /data/x",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "sh: can't create /data/x: Read-only file system\n"
    );
    assert_eq!(
        ok(&root, &["inspect", "-f", "{{json .Mounts}}", "bind1"]),
        "[{\"Type\":\"bind\",\"Source\":\"/srv/host\",\"Destination\":\"/data\",\"Mode\":\"ro\",\"RW\":false,\"Propagation\":\"rprivate\"}]\n"
    );
    // `ps`: a bind shows its source (cut to 15 characters as docker cuts it) and is no local volume.
    assert_eq!(
        ok(
            &root,
            &["ps", "-a", "--format", "{{.Mounts}}|{{.LocalVolumes}}"]
        ),
        "/srv/host|0\n"
    );
}

#[test]
fn the_run_line_means_what_docker_run_means() {
    let dir = TempDir::new("vol-line");
    let root = store(&dir);
    let o = strata_at(&root, &["run", "--rm", "nginx"]);
    assert_eq!(o.status.code(), Some(125));
    assert!(
        stderr(&o).starts_with("Unable to find image 'nginx:latest' locally\n"),
        "{}",
        stderr(&o)
    );
    // Accepted flags: -p, -P, --network, -d, -it; the unmodelled ones say so.
    let o = strata_at(
        &root,
        &[
            "run",
            "--rm",
            "-it",
            "-d",
            "-p",
            "8080:80",
            "-P",
            "--network",
            "none",
            "-h",
            "box",
            "voltest",
            "hostname",
        ],
    );
    assert_eq!(
        (o.status.code(), stdout(&o).as_str()),
        (Some(0), "box\n"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("[strata] -p 8080:80: accepted, not modelled here"),
        "{}",
        stderr(&o)
    );
    // --env-file: a host file; its entries come before -e.
    let env = dir.path("app.env");
    std::fs::write(&env, "# comment\nA=1\nB=from file\n").unwrap();
    assert_eq!(
        ok(
            &root,
            &[
                "run",
                "--rm",
                "--env-file",
                env.to_str().unwrap(),
                "-e",
                "A=9",
                "voltest",
                "sh",
                "-c",
                "echo $A $B"
            ]
        ),
        "9 from file\n"
    );
    let o = strata_at(&root, &["run", "--rm", "--env-file", "nope.env", "voltest"]);
    assert_eq!(o.status.code(), Some(125));
    assert_eq!(
        stderr(&o),
        "docker: open nope.env: no such file or directory.\nSee 'docker run --help'.\n"
    );
    // A run that asked for --rm leaves no container.
    assert_eq!(ok(&root, &["ps", "-a", "-q"]), "");
}
