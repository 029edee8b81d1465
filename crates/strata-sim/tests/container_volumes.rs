//! A container's volumes in the simulator: what is written under a mount stays out of the writable layer
//! (so out of `docker diff` and `docker commit`), named volumes carry files from one run to the next, a new
//! volume gets the image's files, a host directory is empty, and `:ro` refuses changes. (The same behaviour
//! against Docker is fidelity cases 240 and 241.)

use std::collections::BTreeMap;

use strata_build::run::parse_run_line;
use strata_image::image::ContainerConfig;
use strata_image::{Attrs, Content, NodeKind, Timestamp, Tree};
use strata_sim::backend::SimStore;
use strata_sim::container::{docker_diff, run_with_volumes, Started};
use strata_sim::exec::Limits;

const ID: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// busybox with `/data/seed.txt` and `VOLUME /data`.
fn image() -> (Tree, ContainerConfig) {
    let store = SimStore::new();
    let base =
        strata_build::ImageSource::image(&store, "docker.io/library/busybox:latest").unwrap();
    let (_, tree) = strata_build::engine::flatten(&base).unwrap();
    let mut tree = (*tree).clone();
    let t = Timestamp::from_secs(1_700_000_000);
    tree.mkdir("/data", Attrs::new(0o755, 0, 0, t)).unwrap();
    tree.create(
        "/data/seed.txt",
        Attrs::new(0o644, 0, 0, t),
        NodeKind::File(Content::from(&b"seed\n"[..])),
    )
    .unwrap();
    let mut config = base.config.config.clone().unwrap_or_default();
    config.volumes = Some(Some([("/data".to_string(), Default::default())].into()));
    (tree, config)
}

fn run(line: &str, volumes: &BTreeMap<String, Tree>) -> (Tree, Started) {
    let (tree, config) = image();
    let parsed = parse_run_line(line).unwrap();
    let started = run_with_volumes(
        &tree,
        &config,
        &parsed.options,
        ID,
        Timestamp::from_secs(1_800_000_000),
        Limits::default(),
        &|n: &str| volumes.get(n).cloned(),
    )
    .unwrap_or_else(|n| panic!("{line}: {}", n.error));
    (tree, started)
}

fn diff(tree: &Tree, s: &Started) -> Vec<String> {
    docker_diff(tree, &s.layer)
        .iter()
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn a_write_into_a_volume_is_not_in_the_container_layer() {
    let (tree, s) = run(
        "docker run voltest sh -c 'echo hi > /data/run.txt; echo x > /top.txt'",
        &BTreeMap::new(),
    );
    assert_eq!(s.outcome.exit_code, 0);
    // Docker 20.10: `docker diff` lists only `A /top.txt`.
    assert_eq!(diff(&tree, &s), ["A /top.txt"]);
    let m = &s.mounts[0];
    assert!(m.anonymous() && m.created && m.copied);
    assert_eq!(m.name.len(), 64);
    assert_eq!(m.content.read_dir("/").unwrap(), ["run.txt", "seed.txt"]);
}

#[test]
fn a_named_volume_is_filled_from_the_image_and_seen_by_the_next_run() {
    let (tree, s) = run(
        "docker run -v vol:/data voltest sh -c 'echo n > /data/n.txt'",
        &BTreeMap::new(),
    );
    assert!(diff(&tree, &s).is_empty());
    let m = &s.mounts[0];
    assert_eq!(m.name, "vol");
    assert!(m.created && m.copied);
    let volumes = BTreeMap::from([("vol".to_string(), m.content.clone())]);
    let (_, s2) = run("docker run -v vol:/data voltest ls /data", &volumes);
    assert_eq!(
        String::from_utf8_lossy(&s2.outcome.stdout),
        "n.txt\nseed.txt\n"
    );
    assert!(!s2.mounts[0].created && !s2.mounts[0].copied);
}

#[test]
fn a_host_directory_is_empty_and_ro_refuses_changes() {
    let (_, s) = run(
        "docker run -v /host/dir:/data:ro voltest sh -c 'ls -A /data; echo x > /data/x'",
        &BTreeMap::new(),
    );
    assert_eq!(s.outcome.exit_code, 1);
    assert_eq!(String::from_utf8_lossy(&s.outcome.stdout), "");
    assert_eq!(
        String::from_utf8_lossy(&s.outcome.stderr),
        "sh: can't create /data/x: Read-only file system\n"
    );
    assert_eq!(s.mounts[0].spec.kind(), "bind");
}

#[test]
fn a_mount_point_the_image_lacks_is_added_to_the_layer() {
    let (tree, s) = run(
        "docker run -v /newvol voltest sh -c 'echo a > /newvol/a'",
        &BTreeMap::new(),
    );
    // Docker 20.10: `A /newvol` (the mount point), not `/newvol/a` (in the volume).
    assert_eq!(diff(&tree, &s), ["A /newvol"]);
    let new = s
        .mounts
        .iter()
        .find(|m| m.spec.path() == "/newvol")
        .unwrap();
    assert_eq!(new.content.read_dir("/").unwrap(), ["a"]);
}
