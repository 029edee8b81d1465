//! Taking an image out: `strata save` of an image the simulator built warns that its programs are stand-ins
//! and still writes the archive; with Docker here, the archive loads but does not run (Docker's own
//! message), and the Dockerfile and its context as a tar (the warning's advice) builds for real.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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

/// A store under `tmp` holding `tag`, built by the simulator from a context of `files` (name, text, mode):
/// (the store, the context).
fn simulated(tmp: &TempDir, files: &[(&str, &str, u32)], tag: &str) -> (PathBuf, PathBuf) {
    let (root, ctx) = (tmp.path("store"), tmp.path("ctx"));
    std::fs::create_dir_all(&ctx).unwrap();
    for (name, text, mode) in files {
        std::fs::write(ctx.join(name), text).unwrap();
        std::fs::set_permissions(ctx.join(name), std::fs::Permissions::from_mode(*mode)).unwrap();
    }
    let args = ["build", "--backend", "sim", "-q", "-t", tag];
    ok(strata_at(
        &root,
        &[&args[..], &[ctx.to_str().unwrap()]].concat(),
    ));
    (root, ctx)
}

/// `tag` saved from the store `root` to `tmp/img.tar` (what `save` printed), then loaded into a fresh store
/// `tmp/other`: (the archive, what save printed, the other store).
fn saved_and_loaded_elsewhere(tmp: &TempDir, root: &Path, tag: &str) -> (PathBuf, Output, PathBuf) {
    let archive = tmp.path("img.tar");
    let saved = ok(strata_at(
        root,
        &["save", "-o", archive.to_str().unwrap(), tag],
    ));
    let other = tmp.path("other");
    ok(strata_at(
        &other,
        &["load", "-i", archive.to_str().unwrap()],
    ));
    (archive, saved, other)
}

#[test]
fn save_warns_that_a_simulated_image_does_not_run_and_docker_agrees() {
    let tmp = TempDir::new("takeout");
    let tag = format!("strata-takeout-{}:it", std::process::id());
    let dockerfile = "FROM busybox:mnt\nCOPY run.sh /\nRUN /run.sh > /out\n";
    let run_sh = "#!/bin/sh\necho ran-for-real\n";
    let (root, ctx) = simulated(
        &tmp,
        &[("Dockerfile", dockerfile, 0o644), ("run.sh", run_sh, 0o755)],
        &tag,
    );
    let (archive, saved, other) = saved_and_loaded_elsewhere(&tmp, &root, &tag);
    let warning = stderr(&saved);
    assert!(
        warning.contains(&format!("warning: {tag} was built by strata's simulator"))
            && warning.contains("exec /bin/ls: exec format error")
            && warning.contains("docker build -t"),
        "{warning}"
    );
    assert!(std::fs::metadata(&archive).unwrap().len() > 1024);
    // Loaded elsewhere, the image is no longer known as the simulator's: saving it says nothing more.
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

/// Bytes of the files under `dir`.
fn du(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => du(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

#[test]
fn a_modelled_image_is_stored_as_its_description_and_saved_with_its_bytes() {
    let tmp = TempDir::new("takeout-described");
    let tag = "described:it";
    let dockerfile = "FROM python:3.12-slim\nCOPY app.py /app/\n";
    let (root, _) = simulated(
        &tmp,
        &[
            ("Dockerfile", dockerfile, 0o644),
            ("app.py", "print('hi')\n", 0o644),
        ],
        tag,
    );
    let inspect = |root: &Path| -> serde_json::Value {
        let out = ok(strata_at(root, &["image", "inspect", tag]));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()[0].clone()
    };
    let stored = inspect(&root);
    let size = stored["Size"].as_u64().unwrap();
    // The model's honest size is tens of MB; the store holds descriptions of its files, not their bytes.
    assert!(size > 20_000_000, "{size}");
    let blobs = du(&root.join("blobs"));
    assert!(
        blobs < size / 10,
        "the store holds {blobs} bytes for an image of {size}"
    );

    let (archive, _, other) = saved_and_loaded_elsewhere(&tmp, &root, tag);
    let written = std::fs::metadata(&archive).unwrap().len();
    assert!(written > size, "the archive has {written} bytes for {size}");
    let raw = std::fs::read(&archive).unwrap();
    assert!(
        !raw.windows(15).any(|w| w == b"STRATA.modelled"),
        "a taken-out archive holds bytes, never descriptions"
    );
    assert!(
        !root.join("tmp").read_dir().unwrap().any(|_| true),
        "save leaves nothing in tmp"
    );

    // Loaded elsewhere (which checks every layer against its diff_id), the image has the real digests: the
    // modelled layers' differ from the ones the preview recorded, the COPY layer's (real bytes) do not.
    let loaded = inspect(&other);
    assert_ne!(loaded["Id"], stored["Id"]);
    let layers = |v: &serde_json::Value| -> Vec<String> {
        v["RootFS"]["Layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect()
    };
    let (before, after) = (layers(&stored), layers(&loaded));
    assert_eq!(before.len(), after.len());
    assert_eq!(
        before.last(),
        after.last(),
        "the COPY layer is real either way"
    );
    assert_ne!(
        before[0], after[0],
        "the base model's layer is written with its bytes"
    );
    assert_eq!(loaded["Size"], stored["Size"]);
    assert_eq!(loaded["Config"], stored["Config"]);
}
