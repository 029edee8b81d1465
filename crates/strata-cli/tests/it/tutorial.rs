//! What a tutorial reader runs into (issue 10): closed pipes, binary files, docker's error texts and exit
//! statuses, the flags docker users type. Docker's texts quoted here were checked against docker 20.10.

use std::os::unix::net::UnixStream;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Output, Stdio};

use crate::store::{ok, strata_at, TempDir};
use crate::{stderr, stdout};

/// Runs strata with its standard output already closed at the other end (`strata … | head -0`).
fn strata_into_closed_pipe(root: &std::path::Path, args: &[&str]) -> Output {
    let (ours, theirs) = UnixStream::pair().unwrap();
    drop(ours);
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("--root")
        .arg(root)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::from(std::os::fd::OwnedFd::from(theirs)))
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

/// Runs strata with this standard input.
pub fn strata_with_stdin(root: &std::path::Path, args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("--root")
        .arg(root)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_pipe_ends_strata_quietly() {
    let dir = TempDir::new("pipe");
    let root = dir.path("store");
    for args in [
        &["explain"][..],
        &["example", "layers"],
        &["images"],
        &["run", "--dry-run", "busybox", "echo", "hi"],
    ] {
        let out = strata_into_closed_pipe(&root, args);
        assert_eq!(
            out.status.signal(),
            Some(libc::SIGPIPE),
            "{args:?}: {:?}",
            out.status
        );
        assert_eq!(stderr(&out), "", "{args:?}: nothing on stderr, no panic");
    }
    // `run` keeps going: the container still exits 0 and is recorded.
    let out = strata_into_closed_pipe(&root, &["run", "--name", "piped", "busybox", "echo", "hi"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let ps = ok(strata_at(&root, &["ps", "-a"]));
    assert!(stdout(&ps).contains("piped"), "{}", stdout(&ps));
}

#[test]
fn a_binary_dockerfile_is_refused_alike_by_parse_lint_and_build() {
    let dir = TempDir::new("binary");
    let root = dir.path("store");
    let ctx = dir.path("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    let file = ctx.join("Dockerfile");
    std::fs::write(&file, b"FROM busybox\n\x00\x01\xff\xfeRUN echo\x1b[31m\n").unwrap();
    let f = file.to_str().unwrap();
    let want = format!("strata: error: {f}:2: not a text file: invalid UTF-8 at byte offset 15\n");
    for args in [
        &["parse", f][..],
        &["parse", "--dump", f],
        &["lint", f],
        &["lint", "--format", "json", f],
        &["build", ctx.to_str().unwrap()],
    ] {
        let out = strata_at(&root, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(stderr(&out), want, "{args:?}");
        assert_eq!(stdout(&out), "", "{args:?}");
    }
    // Standard input is read the same way.
    let out = strata_with_stdin(&root, &["lint", "-"], b"FROM a\n\xff\n");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "strata: error: <stdin>:2: not a text file: invalid UTF-8 at byte offset 7\n"
    );
}

#[test]
fn control_characters_of_a_text_dockerfile_are_printed_escaped() {
    let dir = TempDir::new("controls");
    let file = dir.path("Dockerfile");
    std::fs::write(
        &file,
        "FROM busybox:1.36\nRUN echo \u{0}\u{1b}[31m\nFROOM x\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let root = dir.path("store");
    let parse = ok(strata_at(&root, &["parse", f]));
    assert!(
        stdout(&parse).contains(":2-2: RUN echo \\x00\\x1b[31m\n"),
        "{}",
        stdout(&parse)
    );
    let lint = strata_at(&root, &["lint", f]);
    assert_eq!(lint.status.code(), Some(1), "FROOM is an error");
    for out in [&parse, &lint] {
        assert!(
            !out.stdout
                .iter()
                .chain(&out.stderr)
                .any(|&b| b < 0x20 && b != b'\n' && b != b'\t'),
            "raw control bytes in {:?}",
            stdout(out)
        );
    }
}

/// A store with `demo` built from the simulator's busybox (the Dockerfile read from standard input, as
/// `docker build - < Dockerfile` reads it) and a container `c1` of it; returns the image ID.
fn demo_store(root: &std::path::Path) -> String {
    let b = strata_with_stdin(
        root,
        &["build", "-q", "-t", "demo", "-"],
        b"FROM busybox\nRUN echo hello > /greeting\nCMD [\"cat\", \"/greeting\"]\n",
    );
    assert!(b.status.success(), "{}", stderr(&b));
    assert_eq!(stderr(&b), "", "-q prints no progress");
    let id = stdout(&b).trim().to_owned();
    assert!(id.starts_with("sha256:") && id.len() == 71, "{id}");
    let r = strata_at(root, &["run", "--name", "c1", "demo"]);
    assert_eq!(stdout(&r), "hello\n", "{}", stderr(&r));
    id
}

/// Status and standard error.
fn fails(o: &Output) -> (Option<i32>, String) {
    (o.status.code(), stderr(o))
}

#[test]
fn rmi_refuses_an_image_a_container_uses_unless_forced() {
    let dir = TempDir::new("rmi-in-use");
    let root = dir.path("store");
    let id = demo_store(&root);
    let short = &id[7..19];
    let c1 = stdout(&ok(strata_at(&root, &["ps", "-a", "-q", "--no-trunc"])));
    let c1 = &c1.trim()[..12];
    ok(strata_at(&root, &["tag", "demo", "demo:two"]));
    // Another tag still names the image: docker only untags.
    assert_eq!(
        stdout(&ok(strata_at(&root, &["rmi", "demo"]))),
        "Untagged: demo:latest\n"
    );
    assert_eq!(
        fails(&strata_at(&root, &["rmi", "demo:two"])),
        (Some(1), format!("Error response from daemon: conflict: unable to remove repository reference \"demo:two\" (must force) - container {c1} is using its referenced image {short}\n"))
    );
    assert_eq!(
        fails(&strata_at(&root, &["rmi", short])),
        (Some(1), format!("Error response from daemon: conflict: unable to delete {short} (must be forced) - image is being used by stopped container {c1}\n"))
    );
    // Refused, so the container can still be committed.
    ok(strata_at(&root, &["commit", "c1", "kept"]));
    ok(strata_at(&root, &["rmi", "kept"]));
    // -f removes the tag and, as docker 20.10 does for a stopped container's image, the image.
    assert_eq!(
        stdout(&ok(strata_at(&root, &["rmi", "-f", "demo:two"]))),
        format!("Untagged: demo:two\nDeleted: {id}\n")
    );
    assert_eq!(stdout(&ok(strata_at(&root, &["images", "-q"]))), "");
    let (code, err) = fails(&strata_at(&root, &["commit", "c1", "again"]));
    assert_eq!(code, Some(1));
    assert!(
        err.contains(&format!(
            "the image demo ({short}) of container {c1} is gone"
        )),
        "{err}"
    );
    // A missing image: an error, which -f does not count as a failure.
    assert_eq!(
        fails(&strata_at(&root, &["rmi", "nosuch"])),
        (Some(1), "Error: No such image: nosuch\n".to_owned())
    );
    assert_eq!(
        fails(&strata_at(&root, &["rmi", "-f", "nosuch"])),
        (Some(0), "Error: No such image: nosuch\n".to_owned())
    );
}

#[test]
fn run_errors_read_once_as_docker_prints_them() {
    let dir = TempDir::new("run-errors");
    let root = dir.path("store");
    let see = "See 'docker run --help'.\n";
    assert_eq!(
        fails(&strata_at(&root, &["run", "-u", "ghost", "busybox", "true"])),
        (Some(125), "docker: Error response from daemon: unable to find user ghost: no matching entries in passwd file.\n".to_owned())
    );
    assert_eq!(
        fails(&strata_at(&root, &["run", "-w", "relative", "busybox", "true"])),
        (Some(125), format!("docker: Error response from daemon: the working directory 'relative' is invalid, it needs to be an absolute path.\n{see}"))
    );
    for bad in ["bad name!", "a", "-x", "_x"] {
        assert_eq!(
            fails(&strata_at(&root, &["run", &format!("--name={bad}"), "busybox", "true"])),
            (Some(125), format!("docker: Error response from daemon: Invalid container name ({bad}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed.\n{see}"))
        );
    }
    // Docker creates the container before it looks the user up (at start), so `-u ghost` leaves one behind,
    // "Created"; a relative workdir or a bad name is refused before any container exists.
    let ps = stdout(&ok(strata_at(&root, &["ps", "-a", "-q"])));
    assert_eq!(
        ps.lines().count(),
        1,
        "only -u ghost left a container: {ps}"
    );
    ok(strata_at(
        &root,
        &["run", "--name", "ok_1.x-y", "busybox", "true"],
    ));
}

#[test]
fn missing_objects_exit_1_with_docker_texts() {
    let dir = TempDir::new("missing");
    let root = dir.path("store");
    let id = demo_store(&root);
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["history", "nosuch"],
            "",
            "Error response from daemon: No such image: nosuch:latest\n",
        ),
        (
            &["tag", "nosuch", "x"],
            "",
            "Error response from daemon: No such image: nosuch:latest\n",
        ),
        (
            &["image", "inspect", "nosuch"],
            "[]\n",
            "Error: No such image: nosuch\n",
        ),
        (
            &["container", "inspect", "demo"],
            "[]\n",
            "Error: No such container: demo\n",
        ),
        (
            &["diff", "nosuch"],
            "",
            "Error response from daemon: No such container: nosuch\n",
        ),
        (
            &["commit", "nosuch", "x"],
            "",
            "Error response from daemon: No such container: nosuch\n",
        ),
        (&["rm", "nosuch"], "", "Error: No such container: nosuch\n"),
    ];
    for (args, out, err) in cases {
        let o = strata_at(&root, args);
        assert_eq!(
            (o.status.code(), stdout(&o), stderr(&o)),
            (Some(1), out.to_string(), err.to_string()),
            "{args:?}"
        );
    }
    // `save` names the missing image and writes nothing.
    let tar = dir.path("out.tar");
    assert_eq!(
        fails(&strata_at(
            &root,
            &["save", "-o", tar.to_str().unwrap(), "demo", "nosuch"]
        )),
        (
            Some(1),
            "Error response from daemon: No such image: nosuch\n".to_owned()
        )
    );
    assert!(!tar.exists());
    assert_eq!(
        fails(&strata_at(&root, &["rm", "-f", "nosuch"])),
        (Some(0), "Error: No such container: nosuch\n".to_owned())
    );
    // `inspect` prints what it found, then the error.
    let o = strata_at(&root, &["inspect", "demo", "nosuch"]);
    assert_eq!(
        fails(&o),
        (Some(1), "Error: No such object: nosuch\n".to_owned())
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["Id"], id.as_str());
    let o = strata_at(&root, &["inspect", "-f", "{{.Id}}", "demo", "nosuch"]);
    assert_eq!((o.status.code(), stdout(&o)), (Some(1), format!("{id}\n")));
}

#[test]
fn inspect_shows_a_container_as_docker_does() {
    let dir = TempDir::new("inspect-container");
    let root = dir.path("store");
    let id = demo_store(&root);
    let o = ok(strata_at(&root, &["inspect", "c1"]));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let c = &v[0];
    assert_eq!(c["Name"], "/c1");
    assert_eq!(c["Image"], id.as_str());
    assert_eq!(c["Path"], "cat");
    assert_eq!(c["Args"], serde_json::json!(["/greeting"]));
    assert_eq!(c["State"]["Status"], "exited");
    assert_eq!(c["State"]["ExitCode"], 0);
    assert_eq!(c["Config"]["Image"], "demo");
    assert_eq!(c["Id"].as_str().unwrap().len(), 64);
    // docker's key order and four-space indentation.
    assert!(
        stdout(&o).starts_with("[\n    {\n        \"Id\": \""),
        "{}",
        stdout(&o)
    );
    let o = ok(strata_at(
        &root,
        &[
            "container",
            "inspect",
            "-f",
            "{{.State.Status}} {{.Name}} {{json .Args}}",
            "c1",
        ],
    ));
    assert_eq!(stdout(&o), "exited /c1 [\"/greeting\"]\n");
    let o = strata_at(&root, &["inspect", "--type", "image", "c1"]);
    assert_eq!(
        fails(&o),
        (Some(1), "Error: No such image: c1\n".to_owned())
    );
}

#[test]
fn the_flags_docker_users_type_work() {
    let dir = TempDir::new("docker-flags");
    let root = dir.path("store");
    let id = demo_store(&root);
    let short = &id[7..19];
    let run = |args: &[&str]| stdout(&ok(strata_at(&root, args)));
    // build -f - CONTEXT: the Dockerfile on stdin, the context from the directory.
    let ctx = dir.path("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(ctx.join("note"), "from the context\n").unwrap();
    let b = strata_with_stdin(
        &root,
        &[
            "build",
            "-q",
            "-t",
            "noted",
            "-f",
            "-",
            ctx.to_str().unwrap(),
        ],
        b"FROM demo\nCOPY note /\n",
    );
    assert!(b.status.success(), "{}", stderr(&b));
    assert_eq!(
        stdout(&strata_at(&root, &["run", "--rm", "noted", "cat", "/note"])),
        "from the context\n"
    );
    ok(strata_at(&root, &["rmi", "noted"]));

    // images
    assert_eq!(run(&["images", "-q"]), format!("{short}\n"));
    assert_eq!(
        run(&["images", "-a", "-q", "--no-trunc"]),
        format!("{id}\n")
    );
    ok(strata_at(&root, &["tag", "demo", "other:v2"]));
    assert_eq!(
        run(&["images", "--format", "{{.Repository}}:{{.Tag}}", "demo"]),
        "demo:latest\n"
    );
    assert_eq!(
        run(&["images", "--format", "{{.Repository}}:{{.Tag}}", "other:v2"]),
        "other:v2\n"
    );
    assert_eq!(run(&["images", "-q", "nosuch"]), "");
    assert_eq!(
        run(&["images", "--format", "table {{.Repository}}\\t{{.Tag}}\\t{{.Digest}}"]),
        "REPOSITORY   TAG       DIGEST\ndemo         latest    <none>\nother        v2        <none>\n"
    );
    let line = run(&["image", "ls", "--format", "{{json .}}", "demo"]);
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["ID"], short);
    assert_eq!(v["Digest"], "<none>");
    assert!(
        line.contains("\\u003cnone\\u003e"),
        "Go's json escapes <>: {line}"
    );
    assert!(
        v["CreatedAt"].as_str().unwrap().ends_with(" +0000 UTC"),
        "{v}"
    );
    let bad = strata_at(&root, &["images", "--format", "{{.ID"]);
    assert_eq!(
        fails(&bad),
        (
            Some(1),
            "template parsing error: template: :1: unclosed action\n".to_owned()
        )
    );
    let bad = strata_at(&root, &["images", "--format", "{{.Nope}}"]);
    assert_eq!(fails(&bad), (Some(1), "template parsing error: template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope in type *formatter.imageContext\n".to_owned()));

    // ps
    let c1 = run(&["ps", "-a", "-q", "--no-trunc"]);
    assert_eq!(c1.trim().len(), 64);
    assert_eq!(run(&["ps", "-q"]), "", "no container is running");
    assert_eq!(run(&["ps", "-l", "-q"]), format!("{}\n", &c1[..12]));
    assert_eq!(
        run(&[
            "ps",
            "-a",
            "--format",
            "{{.Names}} {{.Image}} {{.Command}} {{.State}}"
        ]),
        "c1 demo \"cat /greeting\" exited\n"
    );
    assert!(run(&["container", "ls", "-a", "--format", "{{.Status}}"]).starts_with("Exited (0) "));

    // history
    let h = run(&["history", "-H=false", "demo"]);
    assert!(
        h.starts_with("IMAGE          CREATED AT             CREATED BY"),
        "{h}"
    );
    assert!(
        h.lines().nth(1).unwrap().contains("T") && !h.contains(" ago"),
        "{h}"
    );
    let q = run(&["history", "-q", "demo"]);
    assert_eq!(q.lines().next(), Some(short));
    assert!(q.lines().skip(1).all(|l| l == "<missing>"), "{q}");
    assert_eq!(
        run(&["image", "history", "--format", "{{.CreatedBy}}", "demo"])
            .lines()
            .next(),
        Some("CMD [\"cat\" \"/greeting\"]")
    );

    // inspect -f
    assert_eq!(
        run(&["inspect", "-f", "{{.Id}}", "demo"]),
        format!("{id}\n")
    );
    assert_eq!(
        run(&[
            "image",
            "inspect",
            "--format",
            "{{json .Config.Cmd}}",
            "demo"
        ]),
        "[\"cat\",\"/greeting\"]\n"
    );
    assert_eq!(
        run(&[
            "inspect",
            "--format",
            "{{range .RepoTags}}{{.}} {{end}}",
            "demo"
        ]),
        "demo:latest other:v2 \n"
    );

    // commit -m -a, and the management forms
    let new = run(&[
        "container",
        "commit",
        "-m",
        "my msg",
        "-a",
        "Me <me@example.com>",
        "c1",
        "committed",
    ]);
    assert_eq!(
        run(&[
            "image",
            "inspect",
            "-f",
            "{{.Author}}|{{.Comment}}",
            "committed"
        ]),
        "Me <me@example.com>|my msg\n"
    );
    assert_eq!(
        run(&["history", "--format", "{{.Comment}}", "committed"])
            .lines()
            .next(),
        Some("my msg")
    );
    assert_eq!(run(&["image", "tag", "committed", "c:2"]), "");
    assert_eq!(run(&["image", "rm", "c:2"]), "Untagged: c:2\n");
    assert_eq!(run(&["container", "diff", "c1"]), "");
    assert_eq!(
        run(&["image", "rm", "committed"]),
        format!("Untagged: committed:latest\nDeleted: {}", new)
    );
    assert_eq!(run(&["container", "rm", "-f", "c1"]), "c1\n");
    assert_eq!(run(&["container", "ls", "-a", "-q"]), "");
}

#[test]
fn the_readme_cli_walkthrough_runs_as_written() {
    let dir = TempDir::new("readme");
    let readme = std::fs::read_to_string(crate::repo().join("README.md")).unwrap();
    let section = readme
        .split("## Using the CLI")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("README has a CLI section");
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_strata"))
        .parent()
        .unwrap();
    let cwd = dir.path("work");
    std::fs::create_dir_all(&cwd).unwrap();
    std::os::unix::fs::symlink(crate::repo().join("examples"), cwd.join("examples")).unwrap();
    std::fs::write(cwd.join("Dockerfile"), "FROM busybox\nRUN echo hi\n").unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut ran = 0;
    for block in section.split("```sh\n").skip(1) {
        let block = block.split("```").next().unwrap();
        for line in block.lines() {
            // Installing and setting the environment are what this test does itself.
            if line.is_empty() || line.starts_with("cargo ") || line.starts_with("export ") {
                continue;
            }
            let out = Command::new("sh")
                .arg("-c")
                .arg(line)
                .current_dir(&cwd)
                .env("PATH", &path)
                .env("STRATA_ROOT", dir.path("store"))
                .stdin(Stdio::null())
                .output()
                .unwrap();
            // `lint` exits 1 when it finds an error; everything else must succeed.
            let lint = line.starts_with("strata lint");
            assert!(
                out.status.success() || (lint && out.status.code() == Some(1)),
                "README line failed: {line}\n{}",
                stderr(&out)
            );
            ran += 1;
        }
    }
    assert!(ran >= 20, "only {ran} README lines ran");
}

/// `strata example NAME --dir DIR` writes the Dockerfile with its build context, so the example builds as
/// the playground builds it; the ones that fail on purpose say so in the list and when written.
#[test]
fn an_example_is_written_with_its_context_and_builds() {
    let dir = TempDir::new("example-dir");
    let root = dir.path("store");
    let list = stdout(&ok(strata_at(&root, &["example"])));
    for (name, fails) in [("while", false), ("python-app", true), ("myip", true)] {
        let line = list
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap();
        assert_eq!(line.ends_with("(fails on purpose)"), fails, "{line}");
    }
    let w = dir.path("while");
    let said = stdout(&ok(strata_at(
        &root,
        &["example", "while", "--dir", w.to_str().unwrap()],
    )));
    assert!(said.contains("Dockerfile, hello.txt, while.sh"), "{said}");
    ok(strata_at(
        &root,
        &["build", "-t", "scbusybox", w.to_str().unwrap()],
    ));
    let run = stdout(&ok(strata_at(&root, &["run", "--rm", "scbusybox"])));
    assert!(run.starts_with("hello world 1\n"), "{run}");
    let p = dir.path("python-app");
    let said = stdout(&ok(strata_at(
        &root,
        &["example", "python-app", "--dir", p.to_str().unwrap()],
    )));
    assert!(said.contains("fails on purpose"), "{said}");
    assert!(p.join("requirements.txt").exists() && p.join("app.py").exists());
    let failed = strata_at(&root, &["build", p.to_str().unwrap()]);
    assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));
}

#[test]
fn the_layers_example_says_what_centos_sh_does() {
    let list = stdout(&ok(Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("example")
        .output()
        .unwrap()));
    let layers = list.lines().find(|l| l.starts_with("layers ")).unwrap();
    assert!(layers.contains("expands"), "{layers}");
    let text = stdout(&ok(Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["example", "layers"])
        .output()
        .unwrap()));
    assert!(text.contains("FROM centos:7") && text.contains("/bin/sh is bash"));
    // strata's own lint agrees: no brace-expansion warning on CentOS, one on busybox.
    let dir = TempDir::new("layers-example");
    let root = dir.path("store");
    let lint = |t: &str| {
        stdout(&strata_with_stdin(
            &root,
            &["lint", "--format", "json", "-"],
            t.as_bytes(),
        ))
    };
    assert!(!lint(&text).contains("SD0107"), "{}", lint(&text));
    assert!(lint(&text.replace("centos:7", "busybox")).contains("SD0107"));
}

#[test]
fn ps_quotes_and_cuts_the_command_as_docker_does() {
    let dir = TempDir::new("ps-command");
    let root = dir.path("store");
    ok(strata_at(
        &root,
        &[
            "run",
            "--name",
            "q1",
            "busybox",
            "sh",
            "-c",
            "echo \"hi\" > /x",
        ],
    ));
    // docker 20.10 prints these two lines for the same container.
    let cut = stdout(&ok(strata_at(
        &root,
        &["ps", "-a", "--format", "{{.Command}}"],
    )));
    assert_eq!(cut, "\"sh -c 'echo \\\"hi\\\" > …\"\n");
    let full = stdout(&ok(strata_at(
        &root,
        &["ps", "-a", "--no-trunc", "--format", "{{.Command}}"],
    )));
    assert_eq!(full, "\"sh -c 'echo \\\"hi\\\" > /x'\"\n");
}
