//! `strata run --backend native`: a stored image (the oracle's `busybox:mnt`, imported) run for real, with
//! both runtimes (the built-in one and runc). Isolation — the container's own processes, hostname, mounts
//! and network —, read-only paths and volumes, Docker's exit codes and messages, a terminal with `-it`,
//! volumes that outlive their container, `diff` against Docker's, `commit`, `save` and `load`, and the
//! tutorial's busybox `while.sh` without and with its exec bit.
//!
//! Needs root, overlayfs, `runc` and `/bin/busybox`; elsewhere each test prints why it is skipped (as
//! `native.rs` does). The comparison with a live Docker runs when `docker` answers; the expected lines are
//! also recorded here from Docker 20.10.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::native::{import_busybox_mnt, missing};
use crate::store::{strata_at, TempDir};
use crate::{stderr, stdout};

/// A store with busybox:mnt imported, or `None` (with the reason printed) where native runs cannot work.
fn setup(name: &str) -> Option<(TempDir, PathBuf)> {
    if let Some(why) = missing() {
        println!("skipped: the native run {why}");
        return None;
    }
    let dir = TempDir::new(&format!("native-run-{name}"));
    let root = dir.path("store");
    import_busybox_mnt(&dir, &root);
    Some((dir, root))
}

/// `strata run --backend native --runtime RUNTIME ARGS…`.
fn run(root: &Path, runtime: &str, args: &[&str]) -> Output {
    let mut all = vec!["run", "--backend", "native", "--runtime", runtime];
    all.extend_from_slice(args);
    strata_at(root, &all)
}

/// The container's stdout, asserting it exited 0.
#[track_caller]
fn ok_out(o: Output) -> String {
    assert!(o.status.success(), "{:?}: {}", o.status, stderr(&o));
    stdout(&o)
}

/// Docker's message for a process runc could not start (Docker 20.10).
fn start_error(e: &str) -> String {
    format!("docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: {e}: unknown.\n")
}

#[test]
fn a_container_is_isolated_with_the_builtin_runtime() {
    isolation("builtin");
}

#[test]
fn a_container_is_isolated_with_runc() {
    isolation("runc");
}

/// Processes, hostname, mounts, read-only paths and exit codes, with `runtime`.
fn isolation(runtime: &str) {
    let Some((dir, root)) = setup(&format!("iso-{runtime}")) else {
        return;
    };
    // Only its own processes, PID 1 first: `ps` itself is PID 1 (nothing of the host or of strata).
    let ps = ok_out(run(
        &root,
        runtime,
        &["--rm", "busybox:mnt", "ps", "-o", "pid,comm"],
    ));
    let rows: Vec<Vec<&str>> = ps
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows, vec![vec!["1", "ps"]], "{ps}");
    let ps = ok_out(run(
        &root,
        runtime,
        &[
            "--rm",
            "busybox:mnt",
            "sh",
            "-c",
            "sleep 5 & ps -o pid,comm",
        ],
    ));
    // `sh -c` execs its last command, so `ps` is PID 1; the backgrounded `sleep` is its only other process.
    let rows: Vec<Vec<&str>> = ps
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 2, "{ps}");
    assert_eq!(rows[0], vec!["1", "ps"], "{ps}");

    // The hostname is the container's, in the kernel and in /etc/hostname.
    let h = ok_out(run(
        &root,
        runtime,
        &[
            "--rm",
            "-h",
            "boxhost",
            "busybox:mnt",
            "sh",
            "-c",
            "hostname; cat /etc/hostname",
        ],
    ));
    assert_eq!(h, "boxhost\nboxhost\n");

    // A mount made on the host is not in the container.
    let hostmnt = dir.path("host-only-mount");
    std::fs::create_dir_all(&hostmnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "tmpfs"])
        .arg(&hostmnt)
        .status()
        .unwrap();
    assert!(mounted.success());
    let mounts = run(
        &root,
        runtime,
        &["--rm", "busybox:mnt", "cat", "/proc/mounts"],
    );
    let _ = Command::new("umount").arg(&hostmnt).status();
    let mounts = ok_out(mounts);
    assert!(mounts.starts_with("overlay / overlay "), "{mounts}");
    assert!(!mounts.contains(hostmnt.to_str().unwrap()), "{mounts}");

    // A `:ro` bind refuses writes; a writable one is the host's directory.
    let host = dir.path("shared");
    std::fs::create_dir_all(&host).unwrap();
    let ro = format!("{}:/data:ro", host.display());
    let o = run(
        &root,
        runtime,
        &["--rm", "-v", &ro, "busybox:mnt", "touch", "/data/x"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("Read-only file system"),
        "{}",
        stderr(&o)
    );
    let rw = format!("{}:/mnt/deep/data", host.display());
    ok_out(run(
        &root,
        runtime,
        &[
            "--rm",
            "-v",
            &rw,
            "busybox:mnt",
            "sh",
            "-c",
            "echo from-container > /mnt/deep/data/f",
        ],
    ));
    assert_eq!(
        std::fs::read_to_string(host.join("f")).unwrap(),
        "from-container\n"
    );

    // /proc/sys and /sys are read-only.
    for path in ["/proc/sys/kernel/hostname", "/sys/kernel/uevent_helper"] {
        let o = run(
            &root,
            runtime,
            &[
                "--rm",
                "busybox:mnt",
                "sh",
                "-c",
                &format!("echo x > {path}"),
            ],
        );
        assert_ne!(o.status.code(), Some(0), "{path} was written");
        assert!(
            stderr(&o).contains("Read-only file system"),
            "{path}: {}",
            stderr(&o)
        );
    }

    // Docker's exit codes and messages.
    assert_eq!(
        run(&root, runtime, &["--rm", "busybox:mnt", "true"])
            .status
            .code(),
        Some(0)
    );
    let o = run(
        &root,
        runtime,
        &[
            "--rm",
            "busybox:mnt",
            "sh",
            "-c",
            "echo out; echo err >&2; exit 42",
        ],
    );
    assert_eq!(
        (o.status.code(), stdout(&o), stderr(&o)),
        (Some(42), "out\n".into(), "err\n".into())
    );
    let o = run(&root, runtime, &["--rm", "busybox:mnt", "nosuch"]);
    assert_eq!(o.status.code(), Some(127));
    assert_eq!(
        stderr(&o),
        start_error(r#"exec: "nosuch": executable file not found in $PATH"#)
    );
    let o = run(&root, runtime, &["--rm", "busybox:mnt", "/etc/passwd"]);
    assert_eq!(o.status.code(), Some(126));
    assert_eq!(
        stderr(&o),
        start_error(r#"exec: "/etc/passwd": permission denied"#)
    );
    let o = run(
        &root,
        runtime,
        &["--rm", "--network", "nosuchnet", "busybox:mnt", "true"],
    );
    assert_eq!(o.status.code(), Some(125));
    assert_eq!(
        stderr(&o),
        "docker: Error response from daemon: network nosuchnet not found.\n"
    );
    let o = run(
        &root,
        runtime,
        &["--rm", "-u", "nosuchuser", "busybox:mnt", "true"],
    );
    assert_eq!(o.status.code(), Some(125), "{}", stderr(&o));
    // `-e`, `-w` (made when missing) and `-u` reach the process.
    let o = ok_out(run(
        &root,
        runtime,
        &[
            "--rm",
            "-e",
            "GREETING=hi",
            "-w",
            "/made/here",
            "-u",
            "nobody",
            "busybox:mnt",
            "sh",
            "-c",
            "echo $GREETING; pwd; id -u",
        ],
    ));
    assert_eq!(o, "hi\n/made/here\n65534\n");
    // `--entrypoint` replaces the image's; the arguments follow it.
    let o = run(
        &root,
        runtime,
        &[
            "--rm",
            "--entrypoint",
            "echo",
            "busybox:mnt",
            "via",
            "entrypoint",
        ],
    );
    assert_eq!(ok_out(o), "via entrypoint\n");
    // `-i` gives the container this process's stdin; without it, stdin is empty.
    let args = [
        "run",
        "--backend",
        "native",
        "--runtime",
        runtime,
        "--rm",
        "-i",
        "busybox:mnt",
        "wc",
        "-l",
    ];
    let o = crate::tutorial::strata_with_stdin(&root, &args, b"a\nb\n");
    assert_eq!(ok_out(o), "2\n");
    let args = [
        "run",
        "--backend",
        "native",
        "--runtime",
        runtime,
        "--rm",
        "busybox:mnt",
        "wc",
        "-l",
    ];
    let o = crate::tutorial::strata_with_stdin(&root, &args, b"a\nb\n");
    assert_eq!(ok_out(o), "0\n");
    // ^C (SIGINT to the process group) is the container's to handle; strata reports how it ended.
    let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("--root")
        .arg(&root)
        .args([
            "run",
            "--backend",
            "native",
            "--runtime",
            runtime,
            "--rm",
            "busybox:mnt",
        ])
        .args([
            "sh",
            "-c",
            "trap 'echo interrupted; exit 3' INT; echo ready; sleep 10 & wait",
        ])
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut ready = [0u8; 6];
    out.read_exact(&mut ready).unwrap();
    assert_eq!(&ready, b"ready\n");
    let pgid = i32::try_from(child.id()).unwrap();
    assert!(Command::new("kill")
        .args(["-INT", "--", &format!("-{pgid}")])
        .status()
        .unwrap()
        .success());
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert_eq!(
        (child.wait().unwrap().code(), rest.as_str()),
        (Some(3), "interrupted\n")
    );
    // Nothing is left mounted on the host.
    let info = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    assert!(!info.contains(root.to_str().unwrap()), "{info}");
}

#[test]
fn errors_say_what_is_wrong_and_leave_no_container() {
    let Some((_dir, root)) = setup("errors") else {
        return;
    };
    // A simulator's model is not a real image.
    let o = run(&root, "builtin", &["--rm", "busybox", "true"]);
    assert_eq!(o.status.code(), Some(125));
    let e = stderr(&o);
    assert!(
        e.starts_with("Unable to find image 'busybox:latest' locally\n"),
        "{e}"
    );
    assert!(
        e.contains("the native backend runs images of the store only"),
        "{e}"
    );
    // A runtime binary that is not there.
    let o = run(
        &root,
        "/nonexistent/runc",
        &["--name", "never", "busybox:mnt", "true"],
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("starting the OCI runtime /nonexistent/runc")
            && e.contains("install runc, or name one with --runtime PATH"),
        "{e}"
    );
    assert_eq!(ok_out(strata_at(&root, &["ps", "-a", "-q"])), "");
}

/// A TCP listener on the host's 127.0.0.1 that answers `hello` to each connection; its port.
fn listener() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut c in l.incoming().flatten() {
            let _ = c.write_all(b"hello\n");
        }
    });
    port
}

#[test]
fn the_network_is_the_containers_own_unless_host_with_the_builtin_runtime() {
    networks("builtin");
}

#[test]
fn the_network_is_the_containers_own_unless_host_with_runc() {
    networks("runc");
}

/// `--network none` and the default have only `lo` and cannot reach the host's loopback; `host` can.
fn networks(runtime: &str) {
    let Some((_dir, root)) = setup(&format!("net-{runtime}")) else {
        return;
    };
    let port = listener().to_string();
    for net in [&["--network", "none"][..], &[]] {
        let mut args = vec!["--rm"];
        args.extend_from_slice(net);
        args.extend([
            "busybox:mnt",
            "sh",
            "-c",
            "ls /sys/class/net; ip -o link | wc -l",
        ]);
        assert_eq!(ok_out(run(&root, runtime, &args)), "lo\n1\n", "{net:?}");
        let mut args = vec!["--rm"];
        args.extend_from_slice(net);
        args.extend(["busybox:mnt", "nc", "127.0.0.1", &port]);
        let o = run(&root, runtime, &args);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{net:?} reached the host: {}",
            stdout(&o)
        );
        assert!(stderr(&o).contains("Connection refused"), "{}", stderr(&o));
    }
    let o = run(
        &root,
        runtime,
        &[
            "--rm",
            "--network",
            "host",
            "busybox:mnt",
            "nc",
            "127.0.0.1",
            &port,
        ],
    );
    assert_eq!(ok_out(o), "hello\n");
}

#[test]
fn it_gives_a_terminal_with_the_builtin_runtime() {
    terminal("builtin");
}

#[test]
fn it_gives_a_terminal_with_runc() {
    terminal("runc");
}

/// `-it` under `script` (a pty as stdin): the container has its own `/dev/pts/0` as its terminal.
fn terminal(runtime: &str) {
    let Some((_dir, root)) = setup(&format!("tty-{runtime}")) else {
        return;
    };
    if Command::new("script").arg("--version").output().is_err() {
        println!("skipped: needs script(1) (util-linux)");
        return;
    }
    let line = format!(
        "stty rows 33 cols 99; {} --root {} run --backend native --runtime {runtime} --rm -it busybox:mnt sh -c 'tty; test -t 0 && echo stdin-is-a-tty; stty size; exit 4'",
        env!("CARGO_BIN_EXE_strata"),
        root.display(),
    );
    let mut child = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let status = child.wait().unwrap();
    // `script -e` exits with the command's status: the container's.
    assert_eq!(status.code(), Some(4), "{out}");
    // Output through a terminal ends lines with \r\n, as Docker's does; the size is the terminal's it was
    // started from.
    assert!(
        out.contains("/dev/pts/0\r\nstdin-is-a-tty\r\n33 99\r\n"),
        "{out:?}"
    );
}

#[test]
fn volumes_outlive_their_container_and_both_backends_see_them() {
    let Some((dir, root)) = setup("volume") else {
        return;
    };
    ok_out(run(
        &root,
        "builtin",
        &[
            "--rm",
            "-v",
            "data:/data",
            "busybox:mnt",
            "sh",
            "-c",
            "echo kept > /data/f",
        ],
    ));
    assert_eq!(
        ok_out(run(
            &root,
            "runc",
            &["--rm", "-v", "data:/data", "busybox:mnt", "cat", "/data/f"]
        )),
        "kept\n"
    );
    let ls = ok_out(strata_at(&root, &["volume", "ls", "-q"]));
    assert_eq!(ls, "data\n");
    // Read-only, the same volume refuses writes.
    let o = run(
        &root,
        "builtin",
        &[
            "--rm",
            "-v",
            "data:/data:ro",
            "busybox:mnt",
            "sh",
            "-c",
            "cat /data/f; rm /data/f",
        ],
    );
    assert_eq!(
        (o.status.code(), stdout(&o)),
        (Some(1), "kept\n".to_owned())
    );
    assert!(
        stderr(&o).contains("Read-only file system"),
        "{}",
        stderr(&o)
    );
    // The simulator reads the same volume, and what it writes the native run reads.
    let sim = strata_at(
        &root,
        &[
            "run",
            "--rm",
            "-v",
            "data:/data",
            "busybox:mnt",
            "sh",
            "-c",
            "cat /data/f; echo sim > /data/g",
        ],
    );
    assert_eq!(ok_out(sim), "kept\n");
    assert_eq!(
        ok_out(run(
            &root,
            "builtin",
            &[
                "--rm",
                "-v",
                "data:/data",
                "busybox:mnt",
                "cat",
                "/data/f",
                "/data/g"
            ]
        )),
        "kept\nsim\n"
    );
    // A new volume gets the image's files at its destination first, as Docker copies them.
    assert_eq!(
        ok_out(run(
            &root,
            "builtin",
            &[
                "--rm",
                "-v",
                "etcvol:/etc",
                "busybox:mnt",
                "cat",
                "/etc/group"
            ]
        )),
        "root:x:0:\nnogroup:x:65534:\n"
    );
    // An image's VOLUME is an anonymous volume, filled with the image's files there.
    let ctx = dir.path("volctx");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(
        ctx.join("Dockerfile"),
        "FROM busybox:mnt\nRUN mkdir /cfg && echo from-image > /cfg/f\nVOLUME /cfg\n",
    )
    .unwrap();
    ok_out(strata_at(
        &root,
        &[
            "build",
            "--backend",
            "native",
            "-t",
            "withvol",
            ctx.to_str().unwrap(),
        ],
    ));
    let o = run(
        &root,
        "builtin",
        &[
            "--name",
            "v1",
            "withvol",
            "sh",
            "-c",
            "cat /cfg/f; echo added >> /cfg/f",
        ],
    );
    assert_eq!(ok_out(o), "from-image\n");
    let vols = ok_out(strata_at(&root, &["volume", "ls", "-q"]));
    let anon: Vec<&str> = vols.lines().filter(|v| v.len() == 64).collect();
    assert_eq!(anon.len(), 1, "{vols}");
    let inspect = ok_out(strata_at(
        &root,
        &[
            "inspect",
            "-f",
            "{{range .Mounts}}{{.Name}} {{.Destination}}{{end}}",
            "v1",
        ],
    ));
    assert_eq!(inspect, format!("{} /cfg\n", anon[0]));
    assert!(root.join("volumes").join(anon[0]).join("_data/f").is_file());
    // The container's layer does not hold what went into the volume.
    assert_eq!(ok_out(strata_at(&root, &["diff", "v1"])), "");
    ok_out(strata_at(&root, &["rm", "-v", "v1"]));
    // `--rm` removes the anonymous volumes it made.
    ok_out(run(
        &root,
        "builtin",
        &["--rm", "-v", "/anon", "busybox:mnt", "true"],
    ));
    let ls = ok_out(strata_at(&root, &["volume", "ls", "-q"]));
    assert_eq!(ls, "data\netcvol\n");
}

/// What `docker diff` printed (Docker 20.10) for a container of busybox:mnt with each case's options and
/// commands, sorted: changes, a removal, copied-up directories, an anonymous volume's mount point; the
/// working directory and the mount points of binds (a directory and a file) the image lacks.
const DIFF_CASES: &[(&[&str], &str, &[&str])] = &[
    (
        &["-v", "/vol"],
        "echo a > /x; rm /bin/vi; mkdir -p /tmp/d/e; touch /etc/passwd; echo > /vol/f; mkdir /root/q",
        &[
            "A /root/q",
            "A /tmp/d",
            "A /tmp/d/e",
            "A /vol",
            "A /x",
            "C /bin",
            "C /etc",
            "C /etc/passwd",
            "C /root",
            "C /tmp",
            "D /bin/vi",
        ],
    ),
    (
        &["-w", "/new/dir", "-v", "HOSTFILE:/opt/f.txt", "-v", "HOSTDIR:/mnt/zz"],
        "cat /opt/f.txt; ln -s /x /lnk; mkfifo /tmp/ff; rm -r /root",
        &[
            "A /lnk",
            "A /mnt",
            "A /mnt/zz",
            "A /new",
            "A /new/dir",
            "A /opt",
            "A /opt/f.txt",
            "A /tmp/ff",
            "C /tmp",
            "D /root",
        ],
    ),
];

fn sorted_lines(s: &str) -> Vec<String> {
    let mut v: Vec<String> = s.lines().map(str::to_owned).collect();
    v.sort();
    v
}

#[test]
fn diff_lists_what_docker_diff_lists() {
    let Some((dir, root)) = setup("diff") else {
        return;
    };
    let hostfile = dir.path("hostfile.txt");
    std::fs::write(&hostfile, "from the host\n").unwrap();
    let hostdir = dir.path("hostdir");
    for (n, (options, commands, recorded)) in DIFF_CASES.iter().enumerate() {
        let options: Vec<String> = options
            .iter()
            .map(|o| {
                o.replace("HOSTFILE", hostfile.to_str().unwrap())
                    .replace("HOSTDIR", hostdir.to_str().unwrap())
            })
            .collect();
        let name = format!("c{n}");
        let mut args: Vec<&str> = vec!["--name", &name];
        args.extend(options.iter().map(String::as_str));
        args.extend(["busybox:mnt", "sh", "-c", commands]);
        ok_out(run(&root, "builtin", &args));
        let diff = sorted_lines(&ok_out(strata_at(&root, &["diff", &name])));
        assert_eq!(diff, *recorded, "case {n}");
        // The same with Docker itself, when it answers here.
        let docker_name = format!("strata-it-diff-{}-{n}", std::process::id());
        args[1] = &docker_name;
        let docker = Command::new("docker").arg("run").args(&args).output();
        if docker.is_ok_and(|o| o.status.success()) {
            let d = Command::new("docker")
                .args(["diff", &docker_name])
                .output()
                .unwrap();
            let _ = Command::new("docker")
                .args(["rm", "-v", &docker_name])
                .output();
            assert_eq!(diff, sorted_lines(&stdout(&d)), "case {n} against docker");
        } else {
            println!("docker is not available: compared with the recorded diff only");
        }
    }
    let ps = ok_out(strata_at(
        &root,
        &["ps", "-a", "--format", "{{.Names}} {{.Status}}"],
    ));
    assert!(ps.contains("c0 Exited (0) "), "{ps}");
    // rm -v removes the containers, their upper directories and their anonymous volumes.
    ok_out(strata_at(&root, &["rm", "-v", "c0", "c1"]));
    assert_eq!(ok_out(strata_at(&root, &["ps", "-a", "-q"])), "");
    assert_eq!(
        std::fs::read_dir(root.join("containers")).unwrap().count(),
        0
    );
    assert_eq!(ok_out(strata_at(&root, &["volume", "ls", "-q"])), "");
}

/// The seed's commit story (../shared/seeds/001): `docker run -it IMAGE sh`, `touch abc.txt`, `exit`,
/// `docker ps -l`, `docker commit ID gongyang/abc`; a run of the new image has the file. Typed through a
/// terminal (`script`), with `-m` and `-a` as in seed 000.
#[test]
fn the_seeds_commit_story_typed_into_a_terminal() {
    let Some((_dir, root)) = setup("commit") else {
        return;
    };
    if Command::new("script").arg("--version").output().is_err() {
        println!("skipped: needs script(1) (util-linux)");
        return;
    }
    let line = format!(
        "{} --root {} run --backend native -it busybox:mnt sh",
        env!("CARGO_BIN_EXE_strata"),
        root.display()
    );
    let mut child = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"touch abc.txt\nexit\n")
        .unwrap();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert!(child.wait().unwrap().success(), "{out}");
    let last = ok_out(strata_at(
        &root,
        &["ps", "-l", "--format", "{{.ID}} {{.Command}} {{.Status}}"],
    ));
    let (id, rest) = last.split_once(' ').unwrap();
    assert!(rest.starts_with("\"sh\" Exited (0) "), "{last}");
    assert_eq!(ok_out(strata_at(&root, &["diff", id])), "A /abc.txt\n");
    ok_out(strata_at(
        &root,
        &[
            "commit",
            "-a",
            "zhangtq",
            "-m",
            "no doc",
            id,
            "gongyang/abc",
        ],
    ));
    assert_eq!(
        ok_out(run(
            &root,
            "runc",
            &["--rm", "gongyang/abc", "ls", "/abc.txt"]
        )),
        "/abc.txt\n"
    );
    let history = ok_out(strata_at(
        &root,
        &[
            "history",
            "--format",
            "{{.CreatedBy}}|{{.Comment}}",
            "gongyang/abc",
        ],
    ));
    assert!(history.starts_with("sh|no doc\n"), "{history}");
}

/// The seed's save and load (../shared/seeds/004): `docker save -o FILE IMAGE:TAG`, `docker load -i FILE`,
/// of an image committed from a native container, into another store, run there.
#[test]
fn the_seeds_save_and_load_of_a_committed_image() {
    let Some((dir, root)) = setup("saveload") else {
        return;
    };
    ok_out(run(
        &root,
        "builtin",
        &[
            "--name",
            "made",
            "busybox:mnt",
            "sh",
            "-c",
            "echo saved > /made.txt",
        ],
    ));
    ok_out(strata_at(&root, &["commit", "made", "mytomcat:1.0"]));
    let tar = dir.path("mytomcatys");
    ok_out(strata_at(
        &root,
        &["save", "-o", tar.to_str().unwrap(), "mytomcat:1.0"],
    ));
    let other = dir.path("other-store");
    ok_out(strata_at(&other, &["load", "-i", tar.to_str().unwrap()]));
    assert_eq!(
        ok_out(run(
            &other,
            "builtin",
            &["--rm", "mytomcat:1.0", "cat", "/made.txt"]
        )),
        "saved\n"
    );
    // And Docker runs the same archive, when it answers here.
    if Command::new("docker")
        .args(["load", "-i", tar.to_str().unwrap()])
        .output()
        .is_ok_and(|o| o.status.success())
    {
        let o = Command::new("docker")
            .args(["run", "--rm", "mytomcat:1.0", "cat", "/made.txt"])
            .output()
            .unwrap();
        let _ = Command::new("docker")
            .args(["rmi", "mytomcat:1.0"])
            .output();
        assert_eq!(stdout(&o), "saved\n");
    }
}

#[test]
fn the_tutorials_while_sh_needs_its_exec_bit() {
    let Some((dir, root)) = setup("while") else {
        return;
    };
    // The seed's image (../shared/seeds/002): `COPY . /` and `ENTRYPOINT ["/while.sh"]`, the script as
    // `strata example while` writes it.
    let ctx = dir.path("while");
    ok_out(strata_at(
        &root,
        &["example", "while", "--dir", ctx.to_str().unwrap()],
    ));
    std::fs::write(
        ctx.join("Dockerfile"),
        "FROM busybox:mnt\nCOPY . /\nRUN cat /hello.txt\nENTRYPOINT [\"/while.sh\"]\n",
    )
    .unwrap();
    let build = |tag: &str| {
        let o = strata_at(
            &root,
            &[
                "build",
                "--backend",
                "native",
                "-t",
                tag,
                ctx.to_str().unwrap(),
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    };
    build("scbusybox:1.0");
    let o = run(&root, "builtin", &["--rm", "scbusybox:1.0"]);
    assert_eq!(o.status.code(), Some(126));
    assert_eq!(
        stderr(&o),
        start_error(r#"exec: "/while.sh": permission denied"#)
    );
    let o = run(&root, "runc", &["--rm", "scbusybox:1.0"]);
    assert_eq!(o.status.code(), Some(126));
    assert_eq!(
        stderr(&o),
        start_error(r#"exec: "/while.sh": permission denied"#)
    );
    // chmod +x on the host changes nothing until the image is rebuilt.
    let script = ctx.join("while.sh");
    let mut perm = std::fs::metadata(&script).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o755);
    std::fs::set_permissions(&script, perm).unwrap();
    assert_eq!(
        run(&root, "builtin", &["--rm", "scbusybox:1.0"])
            .status
            .code(),
        Some(126)
    );
    build("scbusybox:2.0");
    let out = ok_out(run(&root, "builtin", &["--rm", "scbusybox:2.0"]));
    let want: String = (1..=5).map(|i| format!("hello world {i}\n")).collect();
    assert_eq!(out, want);
}

/// Without `--backend`, `strata run` runs a real image of the store for real, as `docker run` would, and
/// simulates what the simulator built (its programs are stand-ins) and the simulator's models.
#[test]
fn run_without_backend_is_real_for_real_images_and_simulated_for_simulated_ones() {
    let Some((dir, root)) = setup("auto") else {
        return;
    };
    let driver = |name: &str| {
        let o = strata_at(&root, &["inspect", "--format", "{{.Driver}}", name]);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o).trim().to_owned()
    };
    // The imported busybox:mnt is real: a real container, whose PID 1 is its own process.
    let o = strata_at(
        &root,
        &[
            "run",
            "--name",
            "real",
            "busybox:mnt",
            "cat",
            "/proc/1/comm",
        ],
    );
    assert_eq!(ok_out(o), "cat\n");
    assert_eq!(driver("real"), "strata-native");

    // An image the simulator built (on its busybox model) is simulated.
    let ctx = dir.path("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(ctx.join("Dockerfile"), "FROM busybox\nRUN echo hi > /hi\n").unwrap();
    let b = strata_at(
        &root,
        &[
            "build",
            "--backend",
            "sim",
            "-t",
            "simmed",
            ctx.to_str().unwrap(),
        ],
    );
    assert!(b.status.success(), "{}", stderr(&b));
    let o = strata_at(&root, &["run", "--name", "sim", "simmed", "cat", "/hi"]);
    assert_eq!(ok_out(o), "hi\n");
    assert_eq!(driver("sim"), "strata-sim");

    // The same Dockerfile built for real on the real base runs for real.
    std::fs::write(
        ctx.join("Dockerfile"),
        "FROM busybox:mnt\nRUN echo hi > /hi\n",
    )
    .unwrap();
    let b = strata_at(&root, &["build", "-t", "built", ctx.to_str().unwrap()]);
    assert!(b.status.success(), "{}", stderr(&b));
    let o = strata_at(&root, &["run", "--name", "built", "built", "cat", "/hi"]);
    assert_eq!(ok_out(o), "hi\n");
    assert_eq!(driver("built"), "strata-native");
}
