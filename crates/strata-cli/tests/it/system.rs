//! `strata system df`, `strata system prune` and `strata system check` on stores the simulator builds into
//! (no root needed): docker's layouts, what a prune removes and reclaims, and each kind of damage the check
//! finds with its hint. The native side (unpacked layers, killed builds, a full disk) is in `native.rs`.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::stdout;
use crate::store::{ok, strata_at, TempDir};

fn build(root: &Path, dir: &TempDir, name: &str, dockerfile: &str, tag: Option<&str>) -> String {
    let ctx = dir.path(name);
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(ctx.join("Dockerfile"), dockerfile).unwrap();
    let mut args = vec!["build", "-q", "--backend", "sim"];
    if let Some(t) = tag {
        args.extend(["-t", t]);
    }
    let ctx = ctx.to_str().unwrap().to_owned();
    args.push(&ctx);
    stdout(&ok(strata_at(root, &args))).trim().to_owned()
}

/// A process ID that no process has: a child that has exited and been reaped.
fn dead_pid() -> u32 {
    let mut c = Command::new("true").spawn().unwrap();
    let pid = c.id();
    c.wait().unwrap();
    pid
}

#[test]
fn df_counts_what_the_store_holds_in_dockers_layout() {
    let dir = TempDir::new("system-df");
    let root = dir.path("store");
    let empty = stdout(&ok(strata_at(&root, &["system", "df"])));
    assert_eq!(
        empty,
        "TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE\n\
         Images          0         0         0B        0B\n\
         Containers      0         0         0B        0B\n\
         Local Volumes   0         0         0B        0B\n\
         Build Cache     0         0         0B        0B\n"
    );
    build(
        &root,
        &dir,
        "a",
        "FROM busybox\nRUN head -c 5000 /dev/zero > /a\n",
        Some("a"),
    );
    let df = stdout(&ok(strata_at(&root, &["system", "df"])));
    let images = df.lines().nth(1).unwrap();
    let cols: Vec<&str> = images.split_whitespace().collect();
    assert_eq!(&cols[..3], ["Images", "1", "0"], "{df}");
    // Nothing uses the image: all of it is reclaimable, with docker's percentage.
    assert!(images.ends_with("(100%)"), "{df}");
    assert_eq!(cols[3], cols[4], "{df}");
}

#[test]
fn prune_removes_dangling_images_then_with_all_every_unused_one() {
    let dir = TempDir::new("system-prune");
    let root = dir.path("store");
    build(
        &root,
        &dir,
        "keep",
        "FROM busybox\nRUN echo keep > /k\n",
        Some("keep"),
    );
    let dangling = build(
        &root,
        &dir,
        "dangling",
        "FROM busybox\nRUN echo d > /d\n",
        None,
    );
    // Without -f it asks, and "n" changes nothing.
    let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("--root")
        .arg(&root)
        .args(["system", "prune"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"n\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    let asked = stdout(&o);
    assert!(
        asked.starts_with("WARNING! This will remove:\n  - all stopped containers\n"),
        "{asked}"
    );
    assert!(asked.contains("  - all dangling images\n"), "{asked}");
    assert!(
        asked.ends_with("Are you sure you want to continue? [y/N] "),
        "{asked}"
    );
    let listed = stdout(&ok(strata_at(&root, &["images", "-q"])));
    assert_eq!(listed.lines().count(), 2, "{listed}");

    let out = stdout(&ok(strata_at(&root, &["system", "prune", "-f"])));
    assert!(
        out.starts_with(&format!("Deleted Images:\ndeleted: {dangling}\n\n")),
        "{out}"
    );
    let last = out.lines().last().unwrap();
    assert!(last.starts_with("Total reclaimed space: "), "{out}");
    assert_ne!(last, "Total reclaimed space: 0B", "{out}");
    let listed = stdout(&ok(strata_at(
        &root,
        &["images", "--format", "{{.Repository}}"],
    )));
    assert_eq!(listed, "keep\n");

    // Again: nothing is dangling any more.
    let out = stdout(&ok(strata_at(&root, &["system", "prune", "-f"])));
    assert_eq!(out, "Total reclaimed space: 0B\n");

    let out = stdout(&ok(strata_at(&root, &["system", "prune", "-af"])));
    assert!(
        out.contains("untagged: keep:latest\ndeleted: sha256:"),
        "{out}"
    );
    assert_eq!(stdout(&ok(strata_at(&root, &["images", "-q"]))), "");
    let check = stdout(&ok(strata_at(&root, &["system", "check"])));
    assert!(check.starts_with("ok: 0 blobs, 0 images"), "{check}");
}

#[test]
fn check_finds_leftovers_damage_and_dangling_references_with_hints() {
    let dir = TempDir::new("system-check");
    let root = dir.path("store");
    let id = build(
        &root,
        &dir,
        "a",
        "FROM busybox\nRUN head -c 3000 /dev/urandom > /a\n",
        Some("a"),
    );
    let check = stdout(&ok(strata_at(&root, &["system", "check"])));
    assert!(check.starts_with("ok: "), "{check}");
    assert!(check.contains(" 1 images,"), "{check}");

    // What a killed process left: listed with --read-only, removed otherwise.
    let pid = dead_pid();
    let staging = root.join("tmp").join(format!("import-{pid}-0"));
    std::fs::create_dir_all(&staging).unwrap();
    std::fs::write(staging.join("part"), "x").unwrap();
    let tmp_blob = root.join("blobs/sha256").join(format!(".tmp-{pid}-3"));
    std::fs::write(&tmp_blob, "half").unwrap();
    let o = strata_at(&root, &["system", "check", "--read-only"]);
    assert_eq!(o.status.code(), Some(1));
    let report = stdout(&o);
    assert!(
        report.contains(&format!(
            "problem: {}: left by a killed process",
            staging.display()
        )),
        "{report}"
    );
    assert!(
        report.contains("  fix: `strata system check` (without --read-only)"),
        "{report}"
    );
    assert!(report.contains(&tmp_blob.display().to_string()), "{report}");
    assert!(
        staging.exists() && tmp_blob.exists(),
        "--read-only changed the store"
    );
    let o = ok(strata_at(&root, &["system", "check"]));
    let report = stdout(&o);
    assert!(
        report.contains(&format!("removed {}", staging.display())),
        "{report}"
    );
    assert!(
        report.lines().last().unwrap().starts_with("ok: "),
        "{report}"
    );
    assert!(!staging.exists() && !tmp_blob.exists());

    // A container whose creation was killed before its record was written.
    let half = root.join("containers").join("0123456789abcdef");
    std::fs::create_dir_all(&half).unwrap();
    let o = strata_at(&root, &["system", "check", "--read-only"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("no container.json (a creation that was killed)"),
        "{}",
        stdout(&o)
    );
    ok(strata_at(&root, &["system", "check"]));
    assert!(!half.exists());

    // A blob whose bytes changed.
    let img = crate::store::inspect(&root, "a");
    let layer = img["RootFS"]["Layers"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    // strata stores the layers it builds uncompressed: the blob is named by the diff_id.
    let blob = root
        .join("blobs/sha256")
        .join(layer.trim_start_matches("sha256:"));
    let mut bytes = std::fs::read(&blob).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&blob, &bytes).unwrap();
    let o = strata_at(&root, &["system", "check"]);
    assert_eq!(o.status.code(), Some(1));
    let report = stdout(&o);
    assert!(
        report.contains(&format!(
            "problem: {}: its content has digest sha256:",
            blob.display()
        )),
        "{report}"
    );
    assert!(
        report.contains("fix: remove the images that use it (`strata rmi`)"),
        "{report}"
    );
    assert!(report.contains("1 problem(s)"), "{report}");

    // The blob gone altogether: the image's reference dangles.
    std::fs::remove_file(&blob).unwrap();
    let o = strata_at(&root, &["system", "check"]);
    assert_eq!(o.status.code(), Some(1));
    let report = stdout(&o);
    assert!(
        report.contains(&format!(
            "problem: image {id}: layer blob {layer} is missing"
        )),
        "{report}"
    );
    assert!(
        report.contains("fix: remove the image (`strata rmi a:latest`)"),
        "{report}"
    );

    // Not a layer directory where the unpacked layers live.
    std::fs::create_dir_all(root.join("layers/junk")).unwrap();
    let report = stdout(&strata_at(&root, &["system", "check"]));
    assert!(
        report.contains("layers/junk: not an unpacked layer"),
        "{report}"
    );

    // An index that does not parse.
    std::fs::write(root.join("images.json"), "{").unwrap();
    let o = strata_at(&root, &["system", "check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("images.json"), "{}", stdout(&o));
}

#[test]
fn an_io_error_names_the_path_and_the_systems_error_once() {
    let dir = TempDir::new("system-io-error");
    // The store's root is a file: nothing can be made under it.
    let root = dir.path("file");
    std::fs::write(&root, "").unwrap();
    let o = strata_at(&root, &["images"]);
    assert_eq!(o.status.code(), Some(2));
    let err = crate::stderr(&o);
    assert!(
        err.starts_with("strata: error: opening the store "),
        "{err}"
    );
    assert!(
        err.contains("blobs/sha256: Not a directory (os error 20)"),
        "{err}"
    );
    assert_eq!(err.matches("(os error 20)").count(), 1, "{err}");
}
