//! The store as a build sees it: `FROM` reads only the image it names, and the build cache reads a step's
//! layer only when a build looks that step up, so a build's cost does not grow with what else the store
//! holds.

use std::fs;
use std::path::PathBuf;

use strata_build::engine::{BuildOutput, BuildRequest, CacheStatus};
use strata_build::{Backend, RunOutput, RunRequest};
use strata_image::archive::{ArchiveImage, LayerBlob};
use strata_image::image::{to_json, ImageConfig, RootFs};
use strata_image::layer::Compression;
use strata_image::{
    Attrs, Changeset, Content, Entry, EntryKind, NodeKind, Overlay, Timestamp, Tree,
};
use strata_native::{BuildCache, DiskImages, Store};

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("strata-native-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The Dockerfiles here have no RUN.
struct NoRun;

impl Backend for NoRun {
    fn name(&self) -> &'static str {
        "none"
    }

    fn run(&mut self, _fs: &mut Overlay, _req: &RunRequest) -> RunOutput {
        panic!("no RUN here")
    }
}

fn base(file: &str, tag: &str) -> ArchiveImage {
    let entries = vec![Entry {
        path: file.to_owned(),
        attrs: Attrs::new(0o644, 0, 0, Timestamp::default()),
        kind: EntryKind::File(Content::from_bytes(file.as_bytes().to_vec())),
    }];
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
        tags: vec![tag.to_owned()],
    }
}

/// Builds `FROM <from>` + `COPY <file> /<file>` with the store's cache and images, stores the image as
/// `tag`, saves the cache.
fn build(store: &Store, from: &str, file: &str, tag: &str) -> BuildOutput {
    let mut context = Tree::new();
    context
        .insert(
            &format!("/{file}"),
            Attrs::new(0o644, 0, 0, Timestamp::from_secs(1)),
            NodeKind::File(Content::from(file.as_bytes().to_vec())),
        )
        .unwrap();
    let dockerfile = format!("FROM {from}\nCOPY {file} /{file}\n");
    let req = BuildRequest::new(&dockerfile, &context, Timestamp::from_secs(1_700_000_000));
    let images = DiskImages::new(store);
    let build_cache = BuildCache::of(store);
    let mut cache = build_cache.load();
    let out = strata_build::build(&req, &mut NoRun, &images, &mut cache).expect("the build works");
    images
        .store_built(&out.image, &[tag.to_owned()], true)
        .unwrap();
    build_cache.save(&cache).unwrap();
    out
}

fn copy_step(out: &BuildOutput) -> &CacheStatus {
    &out.steps
        .iter()
        .find(|s| s.text.contains("COPY"))
        .unwrap()
        .cache
}

#[test]
fn a_build_reads_only_the_cached_layers_it_reuses() {
    let dir = TempDir::new("lazy-cache");
    let store = Store::open(&dir.0).unwrap();
    store
        .import(
            &[base("/a", "base-a"), base("/b", "base-b")],
            "2024-01-01T00:00:00Z",
        )
        .unwrap();
    let a = build(&store, "base-a", "fa", "built-a");
    assert!(matches!(copy_step(&a), CacheStatus::Miss(_)));
    build(&store, "base-b", "fb", "built-b");

    // The layer of the step built on base-a goes bad. Reading it would drop that step from the cache
    // (its layer is not a layer any more).
    let layer = a.image.layers.last().unwrap().diff_id;
    fs::write(store.blob_path(&layer), b"not a tar").unwrap();

    let loaded = BuildCache::of(&store).load();
    assert_eq!(loaded.len(), 2, "loading the cache reads no layer");

    let again = build(&store, "base-b", "fb", "built-b");
    assert_eq!(copy_step(&again), &CacheStatus::Hit);
    let after = BuildCache::of(&store).load();
    assert_eq!(
        after.len(),
        2,
        "the build on base-b did not look at the step on base-a, which stays cached"
    );

    // A build that does reuse the bad step finds it gone and runs the step again.
    let rebuilt = build(&store, "base-a", "fa", "built-a2");
    assert!(matches!(copy_step(&rebuilt), CacheStatus::Miss(_)));
}

#[test]
fn from_reads_only_the_image_it_names() {
    let dir = TempDir::new("from-named");
    let store = Store::open(&dir.0).unwrap();
    store
        .import(
            &[base("/a", "base-a"), base("/b", "base-b")],
            "2024-01-01T00:00:00Z",
        )
        .unwrap();
    // Every blob of base-a goes bad: a build FROM base-b must not notice.
    let a = store.image("base-a").unwrap();
    fs::write(store.blob_path(&a.manifest.layers[0].digest), b"garbage").unwrap();
    fs::write(store.blob_path(&a.record.manifest), b"garbage").unwrap();
    let out = build(&store, "base-b", "fb", "built-b");
    assert!(out.image.tree.exists("/b") && out.image.tree.exists("/fb"));
}

#[test]
fn builds_saving_at_the_same_time_keep_each_others_steps() {
    let dir = TempDir::new("merge");
    let store = Store::open(&dir.0).unwrap();
    store
        .import(&[base("/a", "base-a")], "2024-01-01T00:00:00Z")
        .unwrap();
    // A second build loads the cache before the first one saves, and saves after it.
    let late = BuildCache::of(&store).load();
    build(&store, "base-a", "fa", "built-a");
    BuildCache::of(&store).save(&late).unwrap();
    assert_eq!(
        BuildCache::of(&store).load().len(),
        1,
        "the first build's step is kept"
    );
    let again = build(&store, "base-a", "fa", "built-a");
    assert_eq!(copy_step(&again), &CacheStatus::Hit);
}
