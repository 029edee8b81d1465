//! Loading and saving stream: a ~200 MB image goes from an archive into the store and back out to an
//! archive while this process's peak resident memory (VmHWM, reset before each step through
//! `/proc/self/clear_refs`) grows by a small fraction of the image's size. One test in its own binary, so no
//! other test's allocations count. It measures through Linux's `/proc/self`, so it is built on Linux only.

#![cfg(target_os = "linux")]

use std::fs::{self, File};
use std::io::{self, BufWriter, Read};
use std::path::{Path, PathBuf};

use strata_image::archive::{write_docker_archive_to, BlobSource, ImageRef, LayerRef};
use strata_image::digest::HashingWriter;
use strata_image::image::{to_json, ImageConfig, RootFs};
use strata_image::layer::{write_tar, Compression, ReadLimits};
use strata_image::{Attrs, Changeset, Content, Digest, Entry, EntryKind, Timestamp};
use strata_native::{SaveFormat, Store};

const FILES: u64 = 50;
const FILE: u64 = 4 << 20;
const IMAGE: u64 = FILES * FILE;

/// A number from `/proc/self/status`, in KiB.
fn status_kib(key: &str) -> u64 {
    let status = fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {key} in /proc/self/status"))
}

/// Resets VmHWM (the peak) to the current RSS; returns the RSS in bytes.
fn reset_peak() -> u64 {
    fs::write("/proc/self/clear_refs", "5").expect("resetting VmHWM via /proc/self/clear_refs");
    status_kib("VmRSS:") * 1024
}

/// How far the peak rose above `base` since the last reset, in bytes.
fn peak_above(base: u64) -> u64 {
    (status_kib("VmHWM:") * 1024).saturating_sub(base)
}

/// Blobs that are files.
struct Files(Vec<(Digest, PathBuf)>);

impl BlobSource for Files {
    fn open(&self, digest: &Digest) -> io::Result<Box<dyn Read + '_>> {
        let path = self
            .0
            .iter()
            .find(|(d, _)| d == digest)
            .map(|(_, p)| p)
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))?;
        Ok(Box::new(File::open(path)?))
    }
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Writes a docker-archive of one image with one ~200 MB layer (50 files of 4 MiB) to `dir/image.tar`,
/// streaming; returns its path and the layer's diff_id.
fn big_archive(dir: &Path) -> (PathBuf, Digest) {
    let attrs = |mode| Attrs::new(mode, 0, 0, Timestamp::from_secs(1_700_000_000));
    let mut entries = vec![Entry {
        path: "/data".into(),
        attrs: attrs(0o755),
        kind: EntryKind::Dir,
    }];
    // One 4 MiB buffer of incompressible bytes shared by every file (contents are shared, not copied): the
    // test holds 4 MiB, the archive has 200 MiB of file data.
    let shared = Content::from_bytes(Content::modelled(FILE, 7).bytes().into_owned());
    for i in 0..FILES {
        entries.push(Entry {
            path: format!("/data/f{i:03}.bin"),
            attrs: attrs(0o644),
            kind: EntryKind::File(shared.clone()),
        });
    }
    let layer_path = dir.join("layer.tar");
    let w = HashingWriter::new(BufWriter::new(File::create(&layer_path).unwrap()));
    let (diff_id, size, _) = write_tar(&Changeset { entries }, w).unwrap().finish();
    let config = ImageConfig {
        architecture: "amd64".into(),
        os: "linux".into(),
        rootfs: RootFs {
            diff_ids: vec![diff_id],
            ..RootFs::default()
        },
        ..ImageConfig::default()
    };
    let image = ImageRef {
        config: to_json(&config).into(),
        layers: vec![LayerRef {
            digest: diff_id,
            size,
            compression: Compression::None,
            diff_id,
        }],
        tags: vec!["big:1".into()],
    };
    let archive = dir.join("image.tar");
    let out = BufWriter::new(File::create(&archive).unwrap());
    write_docker_archive_to(
        &[image],
        &Files(vec![(diff_id, layer_path.clone())]),
        &ReadLimits::DEFAULT,
        out,
    )
    .unwrap()
    .into_inner()
    .unwrap();
    fs::remove_file(layer_path).unwrap();
    (archive, diff_id)
}

#[test]
fn a_200_mb_image_loads_and_saves_in_bounded_memory() {
    let dir =
        TempDir(std::env::temp_dir().join(format!("strata-streaming-{}", std::process::id())));
    let _ = fs::remove_dir_all(&dir.0);
    fs::create_dir_all(&dir.0).unwrap();
    let t = std::time::Instant::now();
    let (archive, diff_id) = big_archive(&dir.0);
    eprintln!("generated in {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let archive_len = fs::metadata(&archive).unwrap().len();
    assert!(archive_len > IMAGE, "{archive_len}");
    let bound = IMAGE / 8;

    let store = Store::open(&dir.0.join("root")).unwrap();
    let base = reset_peak();
    let loaded = store.load(File::open(&archive).unwrap(), "T").unwrap();
    let load_peak = peak_above(base);
    let load_abs = status_kib("VmHWM:") * 1024;
    eprintln!("loaded in {:?}", t.elapsed());
    let t = std::time::Instant::now();
    assert_eq!(loaded[0].tags, ["big:1"]);
    let rec = store.resolve("big:1").unwrap();
    assert_eq!(rec.size(), IMAGE);

    let saved = dir.0.join("saved.tar");
    let picked = store.save_set("big").unwrap();
    let base = reset_peak();
    let w = store
        .save(
            &picked,
            SaveFormat::DockerArchive,
            BufWriter::new(File::create(&saved).unwrap()),
        )
        .unwrap();
    drop(w.into_inner().unwrap());
    let save_peak = peak_above(base);
    let save_abs = status_kib("VmHWM:") * 1024;
    eprintln!("saved in {:?}", t.elapsed());
    eprintln!(
        "image {IMAGE} B: peak RSS rose {load_peak} B while loading, {save_peak} B while saving (bound {bound} B)"
    );
    // Absolute too: a reset cannot hide growth into heap pages an earlier step freed but kept.
    eprintln!("peak RSS of the whole process: {load_abs} B loading, {save_abs} B saving");
    assert!(load_abs < IMAGE / 4, "peak RSS {load_abs} B while loading");
    assert!(save_abs < IMAGE / 4, "peak RSS {save_abs} B while saving");
    assert!(
        load_peak < bound,
        "load: peak RSS rose by {load_peak} B for a {IMAGE} B image"
    );
    assert!(
        save_peak < bound,
        "save: peak RSS rose by {save_peak} B for a {IMAGE} B image"
    );

    // Saving is deterministic: the archive written from the store is the one loaded, byte for byte.
    assert!(same_bytes(&saved, &archive), "the saved archive differs");
    let rec = store.resolve("big:1").unwrap();
    let img = store.image(&rec.id.to_string()).unwrap();
    assert_eq!(img.config.rootfs.diff_ids, [diff_id]);
}

fn same_bytes(a: &Path, b: &Path) -> bool {
    let (mut a, mut b) = (File::open(a).unwrap(), File::open(b).unwrap());
    let (mut x, mut y) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let n = a.read(&mut x).unwrap();
        if n == 0 {
            return b.read(&mut y).unwrap() == 0;
        }
        if b.read_exact(&mut y[..n]).is_err() || x[..n] != y[..n] {
            return false;
        }
    }
}
