//! `strata run` with volumes, and `strata volume ls|rm|inspect`, as Docker 20.10 does them: `docker diff`
//! after a write into a VOLUME path lists only the container's own change, `docker commit` does not capture
//! the volume, `volume ls`, `inspect`'s Mounts, `volume rm` of a volume a container mounts, `rm -v` (recorded
//! in `test_data/volumes/observed.txt` by `record.sh`); `run --rm` removing anonymous volumes and the
//! `volume inspect` format were observed by hand with the same dockerd. The volume contents themselves are
//! fidelity cases 240 and 241.

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

/// A section (`== NAME`) of `test_data/volumes/observed.txt`, recorded from Docker 20.10 by `record.sh` there.
fn observed(name: &str) -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/test_data/volumes/observed.txt"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let start = text.find(&format!("== {name}\n")).unwrap() + name.len() + 4;
    let rest = &text[start..];
    rest[..rest.find("\n== ").map_or(rest.len(), |e| e + 1)].to_string()
}

/// A JSON text with every `"Source":"…"` emptied (docker's is under /var/lib/docker, strata's in its store).
fn without_source(json: &str) -> String {
    let mut out = String::new();
    let mut rest = json;
    while let Some(at) = rest.find("\"Source\":\"") {
        out.push_str(&rest[..at + 10]);
        rest = &rest[at + 10..];
        rest = &rest[rest.find('"').unwrap_or(rest.len())..];
    }
    out.push_str(rest);
    out
}

#[test]
fn a_write_into_a_volume_is_not_in_diff_or_commit_and_the_volume_is_listed() {
    let dir = TempDir::new("vol-diff");
    let root = store(&dir);
    let c1 = ok(
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
    assert_eq!(c1, "");
    assert_eq!(ok(&root, &["diff", "c1"]), observed("diff"));
    let ls = ok(&root, &["volume", "ls"]);
    let name = ls
        .lines()
        .nth(1)
        .unwrap()
        .strip_prefix("local     ")
        .unwrap()
        .to_string();
    assert_eq!(name.len(), 64);
    let id = ok(&root, &["inspect", "-f", "{{.Id}}", "c1"])
        .trim()
        .to_string();
    let norm = |s: String| s.replace(&name, "VOLUME").replace(&id, "CONTAINER");
    assert_eq!(norm(ls), observed("volume ls"));
    assert_eq!(
        without_source(&norm(ok(
            &root,
            &["inspect", "-f", "{{json .Mounts}}", "c1"]
        ))),
        without_source(&observed("mounts"))
    );
    // docker commit does not capture the volume: the new image has only the image's seed.txt there.
    ok(&root, &["commit", "c1", "committed"]);
    assert_eq!(
        ok(
            &root,
            &["run", "--rm", "committed", "ls", "/data", "/top.txt"]
        ),
        observed("committed ls")
    );
    // The volume is in use while c1 exists; `rm -v` removes it with the container.
    let o = strata_at(&root, &["volume", "rm", &name]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(norm(stderr(&o)), observed("volume rm in use"));
    ok(&root, &["rm", "-v", "c1"]);
    assert_eq!(observed("rm -v leaves volumes"), "0\n");
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
    let o = strata_at(&root, &["run", "--rm", "nosuchimage"]);
    assert_eq!(o.status.code(), Some(125));
    assert!(
        stderr(&o).starts_with("Unable to find image 'nosuchimage:latest' locally\n"),
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
