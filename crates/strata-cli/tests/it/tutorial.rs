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
