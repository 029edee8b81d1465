//! The real-engine group: strata's archives against real Docker, podman and skopeo, and theirs against strata.
//!
//! Not part of plain `cargo test` (`test = false` in Cargo.toml): run it after `../shared/oracle/setup.sh`
//! has installed the engines and imported `busybox:latest`, with `cargo xtask test-engines` or
//! `cargo test -p strata-cli --test engines`. Every test fails if its engine is missing or rejects the
//! archive; none is skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use strata_image::archive::{read_archive, write_docker_archive, ArchiveImage, LayerBlob};
use strata_image::image::{to_json, History, ImageConfig};
use strata_image::layer::{Compression, ReadLimits};
use strata_image::{Attrs, Changeset, Content, Entry, EntryKind, Timestamp};

/// `/usr/bin/docker` explicitly: a client-only docker may come first in PATH.
const DOCKER: &str = "/usr/bin/docker";
const PODMAN: &str = "podman";
const SKOPEO: &str = "skopeo";
const IMGDUMP: &str = "../../../shared/oracle/imgdump.py";
const HELLO: &str = "hello from strata, through a real engine\n";

/// A fresh directory under the system's temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("strata-engines-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("creating a temp dir");
        TempDir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn str(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs a program; panics with its output unless it succeeds.
#[track_caller]
fn must(program: &str, args: &[&str]) -> Output {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} (did setup.sh run?): {e}"));
    assert!(
        out.status.success(),
        "`{program} {}` failed ({}):\nstdout: {}\nstderr: {}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Runs strata with `--root root`, which must succeed.
#[track_caller]
fn strata(root: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--root", root.to_str().expect("UTF-8 temp path")];
    all.extend(args);
    must(env!("CARGO_BIN_EXE_strata"), &all)
}

/// A name for this run's test images, so that parallel runs and leftovers do not collide.
fn test_tag(what: &str) -> String {
    format!("strata-engine-test/{what}:{}", std::process::id())
}

/// busybox as Docker saves it, read back out of strata's store after `strata load`.
fn busybox_via_strata(tmp: &TempDir, root: &Path) -> ArchiveImage {
    let saved = tmp.str("busybox-docker.tar");
    must(DOCKER, &["save", "-o", &saved, "busybox:latest"]);
    strata(root, &["load", "-i", &saved]);
    let out = strata(root, &["save", "busybox:latest"]);
    let mut images = read_archive(&out.stdout, &ReadLimits::DEFAULT).expect("strata's own archive");
    assert_eq!(images.len(), 1);
    images.remove(0)
}

/// busybox plus one layer made with strata-image: `/hello.txt`, a directory with a file, a symlink; the
/// config's diff_ids and history extended and CMD set to `cat /hello.txt`.
fn with_hello_layer(base: &ArchiveImage, tag: &str) -> ArchiveImage {
    let at = |mode| Attrs::new(mode, 0, 0, Timestamp::from_secs(1_700_000_000));
    let file = |s: &str| EntryKind::File(Content::from_bytes(s.as_bytes().to_vec()));
    let layer = Changeset {
        entries: vec![
            Entry {
                path: "/hello.txt".into(),
                attrs: at(0o644),
                kind: file(HELLO),
            },
            Entry {
                path: "/strata".into(),
                attrs: at(0o755),
                kind: EntryKind::Dir,
            },
            Entry {
                path: "/strata/inner.txt".into(),
                attrs: at(0o600),
                kind: file("inner\n"),
            },
            Entry {
                path: "/strata/link".into(),
                attrs: at(0o777),
                kind: EntryKind::Symlink("../hello.txt".into()),
            },
        ],
    };
    let blob = LayerBlob::from_changeset(&layer, Compression::Gzip).expect("writing the layer");
    let mut config = base.image_config().expect("busybox's config parses");
    config.rootfs.diff_ids.push(blob.diff_id);
    config.history.push(History {
        created: Some("2024-01-02T03:04:05Z".into()),
        created_by: Some("COPY hello.txt strata/ / # buildkit".into()),
        comment: Some("buildkit.dockerfile.v0".into()),
        ..History::default()
    });
    let mut cc = config.config.clone().unwrap_or_default();
    cc.cmd = Some(Some(vec!["cat".into(), "/hello.txt".into()]));
    config.config = Some(cc);
    config.created = Some("2024-01-02T03:04:05Z".into());
    let mut layers = base.layers.clone();
    layers.push(blob);
    ArchiveImage {
        config: to_json::<ImageConfig>(&config).into(),
        layers,
        tags: vec![tag.to_string()],
    }
}

/// Builds the test image in a strata store and saves it with `strata save` in `format`; returns the
/// archive's path and the image.
fn strata_archive(tmp: &TempDir, tag: &str, format: &str) -> (PathBuf, ArchiveImage) {
    let root = tmp.path("root");
    let img = with_hello_layer(&busybox_via_strata(tmp, &root), tag);
    let built = tmp.path("built.tar");
    std::fs::write(
        &built,
        write_docker_archive(std::slice::from_ref(&img)).expect("archive"),
    )
    .expect("writing the archive");
    strata(&root, &["load", "-i", built.to_str().expect("UTF-8")]);
    let out = tmp.path(&format!("strata-{format}.tar"));
    strata(
        &root,
        &[
            "save",
            "--format",
            format,
            "-o",
            out.to_str().expect("UTF-8"),
            tag,
        ],
    );
    (out, img)
}

/// Runs `cat` of the test files in the image with an engine, checking what they print.
#[track_caller]
fn check_runs(engine: &str, image: &str) {
    let out = must(engine, &["run", "--rm", image]);
    assert_eq!(text(&out), HELLO, "{engine}: CMD cat /hello.txt");
    let out = must(engine, &["run", "--rm", image, "cat", "/hello.txt"]);
    assert_eq!(text(&out), HELLO, "{engine}: cat /hello.txt");
    let out = must(
        engine,
        &["run", "--rm", image, "sh", "-c", "cat /strata/link /strata/inner.txt; readlink /strata/link; stat -c %a /strata/inner.txt"],
    );
    assert_eq!(
        text(&out),
        format!("{HELLO}inner\n../hello.txt\n600\n"),
        "{engine}: the directory, the symlink and the mode"
    );
}

#[test]
fn docker_loads_and_runs_a_strata_image() {
    let tmp = TempDir::new("docker");
    let tag = test_tag("docker");
    let (archive, img) = strata_archive(&tmp, &tag, "docker-archive");
    let out = must(DOCKER, &["load", "-i", archive.to_str().expect("UTF-8")]);
    assert!(
        text(&out).contains(&format!("Loaded image: {tag}")),
        "{}",
        text(&out)
    );
    let id = must(DOCKER, &["image", "inspect", "--format", "{{.Id}}", &tag]);
    assert_eq!(
        text(&id).trim(),
        img.id().to_string(),
        "docker computes the same image ID"
    );
    check_runs(DOCKER, &tag);
    let _ = Command::new(DOCKER).args(["rmi", &tag]).output();
}

#[test]
fn podman_loads_and_runs_a_strata_image() {
    let tmp = TempDir::new("podman");
    let tag = test_tag("podman");
    for format in ["docker-archive", "oci-archive"] {
        let (archive, img) = strata_archive(&tmp, &tag, format);
        let out = must(PODMAN, &["load", "-i", archive.to_str().expect("UTF-8")]);
        assert!(
            text(&out).contains("Loaded image"),
            "{format}: {}",
            text(&out)
        );
        let id = img.id().hex();
        let inspected = must(PODMAN, &["image", "inspect", "--format", "{{.Id}}", &id]);
        assert_eq!(
            text(&inspected).trim(),
            id,
            "{format}: podman has the image under strata's ID"
        );
        check_runs(PODMAN, &id);
        let _ = Command::new(PODMAN).args(["rmi", "-f", &id]).output();
    }
}

#[test]
fn skopeo_reads_strata_oci_archives() {
    let tmp = TempDir::new("skopeo");
    let tag = test_tag("skopeo");
    let (archive, img) = strata_archive(&tmp, &tag, "oci-archive");
    let target = format!("oci-archive:{}", archive.display());
    let out = must(SKOPEO, &["inspect", &target]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("skopeo prints JSON");
    // The layers as strata's archive holds them (the store keeps blobs as loaded: here uncompressed).
    let bytes = std::fs::read(&archive).expect("reading the archive");
    let saved = read_archive(&bytes, &ReadLimits::DEFAULT).expect("strata reads its archive");
    let want: Vec<String> = saved[0]
        .layers
        .iter()
        .map(|l| l.digest().to_string())
        .collect();
    assert_eq!(saved[0].id(), img.id());
    let got: Vec<String> = v["Layers"]
        .as_array()
        .expect("Layers")
        .iter()
        .map(|l| l.as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(got, want, "skopeo sees strata's layer digests");
    assert_eq!(v["Architecture"], "amd64");
    let out = must(SKOPEO, &["inspect", "--config", &target]);
    let config: serde_json::Value = serde_json::from_slice(&out.stdout).expect("config JSON");
    let diff_ids: Vec<String> = img.layers.iter().map(|l| l.diff_id.to_string()).collect();
    assert_eq!(config["rootfs"]["diff_ids"], serde_json::json!(diff_ids));
    // skopeo also copies it out as a docker-archive, verifying every blob on the way.
    let copied = tmp.str("copied.tar");
    must(
        SKOPEO,
        &["copy", &target, &format!("docker-archive:{copied}:{tag}")],
    );
}

/// The config digest, the diff_ids and the per-layer listings of an archive, by the oracle's imgdump.py.
fn dump(archive: &Path, out: &Path) -> (String, Vec<String>) {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(IMGDUMP);
    must(
        "python3",
        &[
            script.to_str().expect("UTF-8"),
            archive.to_str().expect("UTF-8"),
            out.to_str().expect("UTF-8"),
        ],
    );
    let digests = std::fs::read_to_string(out.join("digests.txt")).expect("digests.txt");
    let config = digests
        .lines()
        .find_map(|l| l.strip_prefix("config "))
        .expect("a config line")
        .to_string();
    let mut layers = Vec::new();
    for (i, line) in digests
        .lines()
        .filter(|l| l.starts_with("layer "))
        .enumerate()
    {
        let diff_id = line
            .split_whitespace()
            .find_map(|w| w.strip_prefix("diff_id="))
            .expect("a diff_id")
            .to_string();
        let listing =
            std::fs::read_to_string(out.join(format!("layers/{i}.txt"))).expect("listing");
        layers.push(format!("{diff_id}\n{listing}"));
    }
    (config, layers)
}

#[test]
fn docker_and_podman_archives_survive_strata_load_and_save() {
    let tmp = TempDir::new("resave");
    let sources = [
        ("docker", vec![DOCKER, "save", "-o"], "busybox:latest"),
        ("podman", vec![PODMAN, "save", "-o"], "busybox:latest"),
        (
            "podman-oci",
            vec![PODMAN, "save", "--format", "oci-archive", "-o"],
            "busybox:latest",
        ),
    ];
    for (name, cmd, image) in sources {
        let original = tmp.path(&format!("{name}.tar"));
        let mut args: Vec<&str> = cmd[1..].to_vec();
        let original_s = original.display().to_string();
        args.push(&original_s);
        args.push(image);
        must(cmd[0], &args);
        let want = dump(&original, &tmp.path(&format!("{name}.dump")));
        let root = tmp.path(&format!("{name}.root"));
        let loaded = text(&strata(&root, &["load", "-i", &original_s]));
        let tag = loaded
            .lines()
            .find_map(|l| l.strip_prefix("Loaded image: "))
            .unwrap_or_else(|| panic!("{name}: strata load printed {loaded:?}"))
            .to_string();
        let inspected = text(&strata(&root, &["inspect", &tag]));
        let v: serde_json::Value = serde_json::from_str(&inspected).expect("inspect JSON");
        assert_eq!(
            v[0]["Id"],
            want.0.as_str(),
            "{name}: the image ID is the config digest"
        );
        for format in ["docker-archive", "oci-archive"] {
            let resaved = tmp.path(&format!("{name}.{format}.tar"));
            strata(
                &root,
                &[
                    "save",
                    "--format",
                    format,
                    "-o",
                    resaved.to_str().expect("UTF-8"),
                    &tag,
                ],
            );
            let got = dump(&resaved, &tmp.path(&format!("{name}.{format}.dump")));
            assert_eq!(
                got.0, want.0,
                "{name} → strata save --format {format}: config digest"
            );
            assert_eq!(
                got.1, want.1,
                "{name} → strata save --format {format}: diff_ids and listings"
            );
        }
        if name == "docker" {
            // And Docker counts the image's size as strata does.
            let size = must(
                DOCKER,
                &["image", "inspect", "--format", "{{.Size}}", image],
            );
            assert_eq!(
                v[0]["Size"].to_string(),
                text(&size).trim(),
                "docker's Size"
            );
        }
    }
}

/// A Dockerfile built by strata's simulator on the real busybox image (loaded from Docker), saved, loaded
/// into Docker and run there: the real binaries see exactly the files the simulated shell wrote, and print
/// what `strata run` printed.
#[test]
fn a_simulated_build_runs_the_same_in_docker() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = TempDir::new("sim-build");
    let root = tmp.path("store");
    let saved = tmp.str("busybox-mnt.tar");
    must(DOCKER, &["save", "-o", &saved, "busybox:mnt"]);
    strata(&root, &["load", "-i", &saved]);
    let ctx = tmp.path("ctx");
    std::fs::create_dir_all(&ctx).expect("ctx");
    std::fs::write(
        ctx.join("Dockerfile"),
        "FROM busybox:mnt\nCOPY while.sh /\nRUN mkdir /sanchuang && touch /sanchuang/f{1..10}.txt\nRUN for i in $(seq 1 3); do echo line $i >> /sanchuang/n.txt; done && chmod 600 /sanchuang/n.txt\nRUN rm /sanchuang/f{1..10}.txt && ln -s n.txt /sanchuang/link\nENTRYPOINT [\"/while.sh\"]\n",
    )
    .expect("Dockerfile");
    std::fs::write(
        ctx.join("while.sh"),
        "#!/bin/sh\ni=1\nwhile [ $i -le 3 ]; do echo sanchuang $i; i=$((i+1)); done\n",
    )
    .expect("while.sh");
    std::fs::set_permissions(ctx.join("while.sh"), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    let tag = test_tag("sim-build");
    strata(&root, &["build", "-t", &tag, ctx.to_str().expect("UTF-8")]);
    let archive = tmp.str("built.tar");
    strata(&root, &["save", "-o", &archive, &tag]);
    must(DOCKER, &["load", "-i", &archive]);
    let probe = [
        "--entrypoint",
        "sh",
        &tag,
        "-c",
        "ls -a /sanchuang; cat /sanchuang/link; stat -c '%n %a %s' /sanchuang/n.txt /while.sh",
    ];
    for args in [vec![tag.as_str()], probe.to_vec()] {
        let mut docker_args = vec!["run", "--rm"];
        docker_args.extend(&args);
        let real = text(&must(DOCKER, &docker_args));
        let mut sim_args = vec!["run", "--rm"];
        sim_args.extend(&args);
        let sim = text(&strata(&root, &sim_args));
        assert_eq!(sim, real, "strata run vs docker run {}", args.join(" "));
    }
    let _ = Command::new(DOCKER).args(["rmi", &tag]).output();
}
