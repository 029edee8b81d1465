use std::path::PathBuf;

use strata_image::archive::{ArchiveImage, LayerBlob};
use strata_image::image::{to_json, ImageConfig, RootFs};
use strata_image::layer::Compression;
use strata_image::{Attrs, Changeset, Content, Entry, EntryKind, Timestamp};

use super::*;

fn temp_root(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("strata-store-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    dir
}

fn image(files: &[(&str, &str)], tags: &[&str]) -> ArchiveImage {
    let entries = files
        .iter()
        .map(|(p, c)| Entry {
            path: p.to_string(),
            attrs: Attrs::new(0o644, 0, 0, Timestamp::default()),
            kind: EntryKind::File(Content::from_bytes(c.as_bytes().to_vec())),
        })
        .collect();
    let layer = LayerBlob::from_changeset(&Changeset { entries }, Compression::Gzip).unwrap();
    let config = ImageConfig {
        architecture: "amd64".into(),
        os: "linux".into(),
        rootfs: RootFs {
            diff_ids: vec![layer.diff_id],
            ..RootFs::default()
        },
        ..ImageConfig::default()
    };
    ArchiveImage {
        config: to_json(&config).into(),
        layers: vec![layer],
        tags: tags.iter().map(|t| t.to_string()).collect(),
    }
}

#[test]
fn references_get_latest_and_bad_ones_are_refused() {
    assert_eq!(normalize_reference("busybox").unwrap(), "busybox:latest");
    assert_eq!(
        normalize_reference("localhost:5000/a/b").unwrap(),
        "localhost:5000/a/b:latest"
    );
    assert_eq!(normalize_reference("a/b:v1.2").unwrap(), "a/b:v1.2");
    for bad in ["", "Busybox", "a:", "a:-x", "a@sha256:00", "a//b", "-a"] {
        assert!(normalize_reference(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn import_tag_resolve_remove_and_collect_garbage() {
    let root = temp_root("cycle");
    let store = Store::open(&root).unwrap();
    let a = image(&[("/a.txt", "a")], &["x:1"]);
    let b = image(&[("/b.txt", "bb")], &["x:2"]);
    let loaded = store.import(&[a.clone(), b.clone()], "T1").unwrap();
    assert_eq!(loaded[0].id, a.id());
    assert_eq!(store.images().unwrap().len(), 2);
    assert_eq!(store.resolve("x:1").unwrap().id, a.id());
    assert_eq!(store.resolve(&a.id().hex()[..6]).unwrap().id, a.id());
    assert_eq!(store.resolve("docker.io/library/x:2").unwrap().id, b.id());
    assert_eq!(
        store.resolve("x:3").unwrap_err().to_string(),
        "no such image: x:3"
    );
    assert_eq!(store.resolve("x:2").unwrap().layer_sizes, vec![2]);
    // Six blobs: a layer, a config and a manifest each.
    assert_eq!(store.verify().unwrap(), 6);

    // Moving a tag leaves the old image untagged; loading again is idempotent.
    store.tag("x:2", "x:1", "T2").unwrap();
    assert_eq!(store.resolve("x:1").unwrap().id, b.id());
    assert!(store.resolve("x:2").is_ok());
    let again = store.import(std::slice::from_ref(&a), "T3").unwrap();
    assert_eq!(again[0].retagged, vec![("x:1".to_string(), b.id())]);

    // By ID with two tags: refused; by tag: untag, then delete with the last one.
    store.tag("x:1", "y", "T4").unwrap();
    assert!(matches!(
        store.remove(&a.id().hex()),
        Err(Error::Conflict { .. })
    ));
    let r = store.remove("y").unwrap();
    assert_eq!(
        (r.untagged, r.deleted),
        (vec!["y:latest".to_string()], None)
    );
    let r = store.remove("x:1").unwrap();
    assert_eq!(r.deleted, Some(a.id()));
    assert_eq!(r.blobs_removed, 3);
    assert_eq!(store.verify().unwrap(), 3);
    let _ = fs::remove_dir_all(root);
}

#[test]
fn a_failed_import_changes_nothing() {
    let root = temp_root("failed");
    let store = Store::open(&root).unwrap();
    let good = image(&[("/a.txt", "a")], &["x:1"]);
    store.import(std::slice::from_ref(&good), "T").unwrap();
    let before = fs::read(root.join(INDEX)).unwrap();
    let mut bad = image(&[("/b.txt", "b")], &["x:1"]);
    bad.layers[0].diff_id = good.layers[0].diff_id;
    let err = store.import(&[bad], "T").unwrap_err();
    assert!(err.is_bad_input(), "{err}");
    assert!(err.to_string().contains("image 1, layer 1"), "{err}");
    assert_eq!(fs::read(root.join(INDEX)).unwrap(), before);
    assert_eq!(store.verify().unwrap(), 3);
    let _ = fs::remove_dir_all(root);
}
