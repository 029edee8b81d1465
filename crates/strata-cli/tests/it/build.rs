//! `strata build`, `run`, `ps`, `diff`, `commit`, `rm` with the simulator, through the binary.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Output;

use crate::store::{strata_at, TempDir};
use crate::{stderr, stdout};

fn context(dir: &TempDir) -> std::path::PathBuf {
    let ctx = dir.path("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(
        ctx.join("Dockerfile"),
        "FROM busybox\nCOPY while.sh /\nRUN mkdir /sanchuang\nRUN touch /sanchuang/f{1..10}.txt\nENTRYPOINT [\"/while.sh\"]\n",
    )
    .unwrap();
    std::fs::write(
        ctx.join("while.sh"),
        "#!/bin/sh\ni=1\nwhile [ $i -le 3 ]; do echo sanchuang $i; i=$((i+1)); done\n",
    )
    .unwrap();
    std::fs::set_permissions(ctx.join("while.sh"), std::fs::Permissions::from_mode(0o644)).unwrap();
    ctx
}

/// The demo context and a fresh store, in a temporary directory.
struct Demo {
    /// Removed when the demo is dropped.
    _dir: TempDir,
    root: PathBuf,
    ctx: PathBuf,
}

impl Demo {
    fn new(name: &str) -> Demo {
        let dir = TempDir::new(name);
        let ctx = context(&dir);
        Demo {
            root: dir.path("store"),
            ctx,
            _dir: dir,
        }
    }

    /// `strata build ARGS -t demo CONTEXT`.
    fn build(&self, args: &[&str]) -> Output {
        let tail = ["-t", "demo", self.ctx.to_str().unwrap()];
        strata_at(&self.root, &[&["build"][..], args, &tail].concat())
    }
}

/// Asserts that a rebuild of the demo took its three steps and its base from the cache (BuildKit reports a
/// base image it already has as CACHED).
fn all_cached(build: &Output) {
    let log = stderr(build);
    assert_eq!(log.matches("CACHED").count(), 4, "{log}");
}

/// Asserts that a build of the demo missed the cache on its changed script, and said so.
fn misses_on_the_script(build: &Output) {
    let log = stderr(build);
    assert!(log.contains("cache miss: COPY: /while.sh changed"), "{log}");
}

/// Entries changed in the last two seconds are not trusted by what `stat` says (the clock tick they were
/// hashed in): waits them out.
fn wait_out_the_racy_window() {
    std::thread::sleep(std::time::Duration::from_millis(2100));
}

/// A context file is remembered by what `stat` says of it (`context-sums` in the store), so a rebuild reads
/// no unchanged file; a file rewritten with the same size and its old mtime put back still misses, because
/// its ctime moved.
#[test]
fn a_context_file_rewritten_behind_its_old_mtime_still_misses() {
    let demo = Demo::new("build-context-sums");
    let root = &demo.root;
    wait_out_the_racy_window();
    let first = demo.build(&[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let sums = std::fs::metadata(root.join("context-sums")).unwrap();
    assert!(sums.len() > 24, "both context files remembered");

    // The build cache as the first build left it: an all-cached rebuild does not write it again.
    let cache_file = || {
        use std::os::unix::fs::MetadataExt;
        let md = std::fs::metadata(root.join("buildcache.json")).unwrap();
        (md.ino(), md.mtime(), md.mtime_nsec())
    };
    let written = cache_file();
    all_cached(&demo.build(&[]));
    assert_eq!(
        cache_file(),
        written,
        "an all-cached rebuild rewrote the cache"
    );

    let script = demo.ctx.join("while.sh");
    let old = std::fs::read(&script).unwrap();
    let mtime = std::fs::metadata(&script).unwrap().modified().unwrap();
    let mut new = old.clone();
    new[old.len() - 2] = b'X';
    std::fs::write(&script, &new).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&script)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    misses_on_the_script(&demo.build(&[]));
}

/// A build whose next run is known (a quiet one, or an all-cached one) is recorded (`build-records.json`:
/// what it printed and the image it named); a rebuild with nothing changed is answered from that record, and
/// a change to a context file is not.
#[test]
fn an_unchanged_rebuild_is_answered_from_its_record_and_a_changed_one_is_not() {
    let demo = Demo::new("build-record");
    let root = &demo.root;
    let records = || -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(root.join("build-records.json")).unwrap()).unwrap()
    };
    // What the next build prints comes from the record: mark it to see.
    let mark = || {
        let mut r = records();
        r["records"][0]["stderr"] = "answered from the record\n".into();
        std::fs::write(root.join("build-records.json"), r.to_string()).unwrap();
    };
    wait_out_the_racy_window();
    let quiet = demo.build(&["-q"]);
    assert!(quiet.status.success(), "{}", stderr(&quiet));
    assert_eq!(records()["records"][0]["id"], stdout(&quiet).trim());
    mark();
    let again = demo.build(&["-q"]);
    assert_eq!(stderr(&again), "answered from the record\n");
    assert_eq!(stdout(&again), stdout(&quiet));

    // With progress (another invocation): the engine's path, all cached, and then recorded as printed.
    let cached = demo.build(&[]);
    all_cached(&cached);
    assert_eq!(
        stdout(&cached),
        stdout(&quiet),
        "the cached rebuild names the same image"
    );
    assert_eq!(records()["records"][0]["stderr"], stderr(&cached));
    mark();
    let answered = demo.build(&[]);
    assert!(answered.status.success());
    assert_eq!(stderr(&answered), "answered from the record\n");
    assert_eq!(stdout(&answered), stdout(&cached));

    // A changed context file: the engine's path, which finds the change.
    std::fs::write(demo.ctx.join("while.sh"), "#!/bin/sh\necho changed\n").unwrap();
    misses_on_the_script(&demo.build(&[]));
    // So does a store that changed (another tag set).
    let tagged = strata_at(root, &["tag", "demo", "demo:other"]);
    assert!(tagged.status.success());
    wait_out_the_racy_window();
    let q = demo.build(&["-q"]);
    assert!(q.status.success());
    mark();
    let tagged = strata_at(root, &["tag", "demo", "demo:third"]);
    assert!(tagged.status.success());
    let after_tag = demo.build(&["-q"]);
    assert_eq!(
        stderr(&after_tag),
        "",
        "a rebuild after the store changed takes the engine's path"
    );
}

#[test]
fn build_then_rebuild_is_all_cached_and_a_change_names_the_file() {
    let demo = Demo::new("build-cache");
    let first = demo.build(&[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let log = stderr(&first);
    assert!(
        log.contains("#1 [1/4] FROM docker.io/library/busybox:latest\n#1 CACHED"),
        "{log}"
    );
    assert!(log.contains("[3/4] RUN mkdir /sanchuang"), "{log}");
    assert!(stdout(&first).starts_with("sha256:"));
    // Four vertices (ENTRYPOINT has none), then the export as the playground closes its log too.
    let id = stdout(&first);
    assert!(
        log.ends_with(&format!(
            "#5 exporting to image\n#5 exporting layers done\n#5 writing image {} done\n#5 naming to docker.io/library/demo done\n#5 DONE\n",
            id.trim()
        )),
        "{log}"
    );

    all_cached(&demo.build(&[]));

    std::fs::write(demo.ctx.join("while.sh"), "#!/bin/sh\necho changed\n").unwrap();
    let third = demo.build(&[]);
    misses_on_the_script(&third);
    let log = stderr(&third);
    assert!(log.contains("cache miss: previous step changed"), "{log}");

    let ctx_s = demo.ctx.to_str().unwrap();
    let classic = strata_at(
        &demo.root,
        &[
            "build",
            "--history-style",
            "classic",
            "-t",
            "demo:classic",
            ctx_s,
        ],
    );
    let log = stderr(&classic);
    assert!(log.contains("Step 1/5 : FROM busybox"), "{log}");
    assert!(log.contains("Successfully tagged demo:classic"), "{log}");
    let hist = strata_at(&demo.root, &["history", "--no-trunc", "demo:classic"]);
    assert!(
        stdout(&hist).contains("/bin/sh -c #(nop)  ENTRYPOINT [\"/while.sh\"]"),
        "{}",
        stdout(&hist)
    );
}

#[test]
fn run_resolves_like_docker_and_the_exec_bit_matters() {
    let dir = TempDir::new("run");
    let root = dir.path("store");
    let ctx = context(&dir);
    let b = strata_at(&root, &["build", "-t", "demo", ctx.to_str().unwrap()]);
    assert!(b.status.success(), "{}", stderr(&b));

    // Without the exec bit: Docker's runtime error and exit 126.
    let r = strata_at(&root, &["run", "--rm", "demo"]);
    assert_eq!(r.status.code(), Some(126));
    assert!(
        stderr(&r).contains("exec: \"/while.sh\": permission denied"),
        "{}",
        stderr(&r)
    );
    // `--entrypoint sh IMAGE /while.sh` works.
    let r = strata_at(
        &root,
        &["run", "--rm", "--entrypoint", "sh", "demo", "/while.sh"],
    );
    assert_eq!(stdout(&r), "sanchuang 1\nsanchuang 2\nsanchuang 3\n");
    // The dry run is the contract's JSON.
    let r = strata_at(
        &root,
        &[
            "run",
            "--dry-run",
            "--format",
            "json",
            "--entrypoint",
            "echo",
            "demo",
            "x",
            "y",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&r.stdout).expect("json");
    assert_eq!(v["argv"], serde_json::json!(["echo", "x", "y"]));
    assert_eq!(v["workdir"], "/");
    assert!(v["env"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e == "HOME=/root"));
    // --entrypoint '' and no CMD: Docker's refusal.
    let r = strata_at(&root, &["run", "--rm", "--entrypoint", "", "demo"]);
    assert_eq!(r.status.code(), Some(125));
    assert!(
        stderr(&r).contains("No command specified"),
        "{}",
        stderr(&r)
    );
}

#[test]
fn a_container_keeps_its_layer_for_diff_and_commit() {
    let dir = TempDir::new("container");
    let root = dir.path("store");
    let ctx = context(&dir);
    let b = strata_at(&root, &["build", "-t", "demo", ctx.to_str().unwrap()]);
    assert!(b.status.success(), "{}", stderr(&b));
    let r = strata_at(
        &root,
        &[
            "run",
            "--name",
            "c1",
            "--entrypoint",
            "sh",
            "demo",
            "-c",
            "echo hi > /x; rm /sanchuang/f{1..10}.txt; chmod 755 /while.sh",
        ],
    );
    assert!(r.status.success(), "{}", stderr(&r));
    let d = strata_at(&root, &["diff", "c1"]);
    assert_eq!(
        stdout(&d),
        "C /sanchuang\nD /sanchuang/f{1..10}.txt\nC /while.sh\nA /x\n"
    );
    let ps = strata_at(&root, &["ps", "-a"]);
    assert!(stdout(&ps).contains("c1"), "{}", stdout(&ps));
    let c = strata_at(&root, &["commit", "c1", "demo:fixed"]);
    assert!(c.status.success(), "{}", stderr(&c));
    // The committed image has the exec bit: /while.sh now runs. (As with docker, the committed image's
    // entrypoint and command are the container's, `sh -c …`: name the script again.)
    let r = strata_at(
        &root,
        &["run", "--rm", "--entrypoint", "/while.sh", "demo:fixed"],
    );
    assert_eq!(
        stdout(&r),
        "sanchuang 1\nsanchuang 2\nsanchuang 3\n",
        "{}",
        stderr(&r)
    );
    let rm = strata_at(&root, &["rm", "c1"]);
    assert!(rm.status.success());
    let ps = strata_at(&root, &["ps", "-a"]);
    assert!(!stdout(&ps).contains("c1"));
}

#[test]
fn a_build_error_points_at_the_line() {
    let dir = TempDir::new("build-error");
    let root = dir.path("store");
    let ctx = dir.path("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(ctx.join("Dockerfile"), "FROM busybox\nCOPY missing.txt /\n").unwrap();
    let r = strata_at(&root, &["build", ctx.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1));
    let e = stderr(&r);
    assert!(e.contains("Dockerfile:2:1: error:"), "{e}");
    assert!(e.contains("\"/missing.txt\" not found"), "{e}");
}

/// A base layer whose tar strata would not write byte for byte (entries out of order): building on it must
/// reuse the stored blob, so the saved image still matches its config's diff_ids.
#[test]
fn a_base_from_the_store_keeps_its_own_layer_bytes() {
    use std::sync::Arc;
    use strata_image::archive::{read_archive, write_docker_archive, ArchiveImage, LayerBlob};
    use strata_image::image::{to_json, ContainerConfig, ImageConfig, RootFs};
    use strata_image::layer::{Compression, ReadLimits};
    use strata_image::Digest;

    let mut b = tar::Builder::new(Vec::new());
    for (name, body) in [
        ("z.txt", "last first\n"),
        ("bin/sh", "#!/bin/true\n"),
        ("a.txt", "a\n"),
    ] {
        let mut h = tar::Header::new_ustar();
        h.set_size(body.len() as u64);
        h.set_mode(if name == "bin/sh" { 0o755 } else { 0o644 });
        h.set_mtime(1_600_000_000);
        h.set_uid(0);
        h.set_gid(0);
        h.set_cksum();
        b.append_data(&mut h, name, body.as_bytes()).unwrap();
    }
    let raw = b.into_inner().unwrap();
    let diff_id = Digest::of(&raw);
    let config = ImageConfig {
        architecture: "amd64".into(),
        os: "linux".into(),
        config: Some(ContainerConfig {
            cmd: Some(Some(vec!["/bin/sh".into()])),
            ..ContainerConfig::default()
        }),
        rootfs: RootFs {
            kind: "layers".into(),
            diff_ids: vec![diff_id],
        },
        ..ImageConfig::default()
    };
    let base = ArchiveImage {
        config: to_json(&config).into(),
        layers: vec![LayerBlob {
            bytes: Arc::from(raw.as_slice()),
            compression: Compression::None,
            diff_id,
        }],
        tags: vec!["odd:latest".into()],
    };
    let dir = TempDir::new("odd-base");
    let root = dir.path("store");
    std::fs::write(dir.path("odd.tar"), write_docker_archive(&[base]).unwrap()).unwrap();
    let l = strata_at(
        &root,
        &["load", "-i", dir.path("odd.tar").to_str().unwrap()],
    );
    assert!(l.status.success(), "{}", stderr(&l));
    let ctx = dir.path("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(ctx.join("Dockerfile"), "FROM odd\nCOPY Dockerfile /df\n").unwrap();
    let bld = strata_at(&root, &["build", "-t", "odd:child", ctx.to_str().unwrap()]);
    assert!(bld.status.success(), "{}", stderr(&bld));
    let saved = strata_at(&root, &["save", "odd:child"]);
    assert!(saved.status.success(), "{}", stderr(&saved));
    // Reading checks every layer against the config's diff_ids.
    let images = read_archive(&saved.stdout, &ReadLimits::DEFAULT).expect("a consistent archive");
    assert_eq!(images[0].layers[0].diff_id, diff_id);
    assert_eq!(&*images[0].layers[0].bytes, raw.as_slice());
}
