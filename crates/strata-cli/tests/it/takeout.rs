//! Taking an image out: `strata save` of an image the simulator built warns that its programs are stand-ins
//! and still writes the archive; with Docker here, the archive loads but does not run (Docker's own
//! message), and the Dockerfile and its context as a tar (the warning's advice) builds for real.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use super::stderr;
use super::store::{ok, strata_at, TempDir};

/// The oracle's 20.10 client, which has BuildKit built in; `None` when no daemon answers with busybox:mnt.
fn docker() -> Option<&'static str> {
    let d = ["/usr/bin/docker", "docker"]
        .into_iter()
        .find(|d| !d.starts_with('/') || Path::new(d).exists())?;
    Command::new(d)
        .args(["image", "inspect", "busybox:mnt"])
        .output()
        .is_ok_and(|o| o.status.success())
        .then_some(d)
}

#[test]
fn save_warns_that_a_simulated_image_does_not_run_and_docker_agrees() {
    let tmp = TempDir::new("takeout");
    let (root, ctx) = (tmp.path("store"), tmp.path("ctx"));
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(
        ctx.join("Dockerfile"),
        "FROM busybox:mnt\nCOPY run.sh /\nRUN /run.sh > /out\n",
    )
    .unwrap();
    std::fs::write(ctx.join("run.sh"), "#!/bin/sh\necho ran-for-real\n").unwrap();
    std::fs::set_permissions(ctx.join("run.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let tag = format!("strata-takeout-{}:it", std::process::id());
    ok(strata_at(
        &root,
        &[
            "build",
            "--backend",
            "sim",
            "-q",
            "-t",
            &tag,
            ctx.to_str().unwrap(),
        ],
    ));
    let archive = tmp.path("img.tar");
    let saved = ok(strata_at(
        &root,
        &["save", "-o", archive.to_str().unwrap(), &tag],
    ));
    let warning = stderr(&saved);
    assert!(
        warning.contains(&format!("warning: {tag} was built by strata's simulator"))
            && warning.contains("exec /bin/ls: exec format error")
            && warning.contains("docker build -t"),
        "{warning}"
    );
    assert!(std::fs::metadata(&archive).unwrap().len() > 1024);
    // Loaded elsewhere, the image is no longer known as the simulator's: saving it says nothing more.
    let other = tmp.path("other");
    ok(strata_at(
        &other,
        &["load", "-i", archive.to_str().unwrap()],
    ));
    let again = ok(strata_at(
        &other,
        &["save", "-o", tmp.path("again.tar").to_str().unwrap(), &tag],
    ));
    assert_eq!(stderr(&again), "");

    let Some(docker) = docker() else {
        println!("skipped: docker (with busybox:mnt, from /work/shared/oracle/setup.sh) is not running here");
        return;
    };
    let d = |args: &[&str]| Command::new(docker).args(args).output().unwrap();
    let loaded = d(&["load", "-i", archive.to_str().unwrap()]);
    assert!(loaded.status.success(), "{}", stderr(&loaded));
    let ran = d(&["run", "--rm", &tag, "ls"]);
    let _ = d(&["rmi", &tag]);
    assert!(!ran.status.success());
    assert!(
        stderr(&ran).contains("exec format error"),
        "docker run: {}",
        stderr(&ran)
    );
    // The warning's advice: the context directory as a tar, built by Docker.
    let mut tar = Command::new("tar")
        .arg("-C")
        .arg(&ctx)
        .args(["-c", "."])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let built = Command::new(docker)
        .args(["build", "-q", "-t", &tag, "-"])
        .env("DOCKER_BUILDKIT", "1")
        .stdin(tar.stdout.take().unwrap())
        .output()
        .unwrap();
    assert!(tar.wait().unwrap().success());
    assert!(built.status.success(), "docker build -: {}", stderr(&built));
    let out = d(&["run", "--rm", &tag, "cat", "/out"]);
    let _ = d(&["rmi", &tag]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ran-for-real\n");
}
