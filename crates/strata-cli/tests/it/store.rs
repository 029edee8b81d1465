//! The image verbs without any container engine: load, save, images, inspect, history, tag, rmi over a
//! store in a temporary directory; archives that must be refused leave the store as it was.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use strata_image::archive::{write_docker_archive, write_oci_archive, ArchiveImage, LayerBlob};
use strata_image::image::{to_json, ContainerConfig, History, ImageConfig, RootFs};
use strata_image::layer::{gzip, Compression};
use strata_image::{Attrs, Changeset, Content, Digest, Entry, EntryKind, Timestamp};

use crate::{stderr, stdout};

/// A fresh directory under the system's temp dir, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("strata-it-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs strata with `--root root`.
/// `dir` as a root filesystem tarball at `tar`, written by GNU tar as the oracle writes its busybox rootfs
/// (sorted, mtime 0, owner 0:0).
pub fn rootfs_tar(dir: &Path, tar: &Path) {
    let st = Command::new("tar")
        .args([
            "--sort=name",
            "--mtime=@0",
            "--owner=0",
            "--group=0",
            "--numeric-owner",
            "-C",
        ])
        .arg(dir)
        .arg("-cf")
        .arg(tar)
        .arg(".")
        .status()
        .expect("GNU tar runs");
    assert!(st.success(), "tar -cf {}", tar.display());
}

pub fn strata_at(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("--root")
        .arg(root)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the strata binary runs")
}

#[track_caller]
pub fn ok(o: Output) -> Output {
    assert!(o.status.success(), "strata failed: {}", stderr(&o));
    o
}

fn entry(path: &str, mode: u32, kind: EntryKind) -> Entry {
    Entry {
        path: path.to_string(),
        attrs: Attrs::new(mode, 0, 0, Timestamp::from_secs(1_700_000_000)),
        kind,
    }
}

/// A scratch image of one layer: `/hello.txt`, `/dir/`, `/dir/note`, a symlink `/link -> hello.txt`, plus
/// `extra` files; CMD `["cat", "/hello.txt"]`.
pub fn sample_image(
    hello: &str,
    extra: &[(&str, &str)],
    tags: &[&str],
    c: Compression,
) -> ArchiveImage {
    let mut entries = vec![
        entry("/dir", 0o755, EntryKind::Dir),
        entry(
            "/dir/note",
            0o600,
            EntryKind::File(Content::from(&b"a note\n"[..])),
        ),
        entry(
            "/hello.txt",
            0o644,
            EntryKind::File(Content::from_bytes(hello.as_bytes().to_vec())),
        ),
        entry("/link", 0o777, EntryKind::Symlink("hello.txt".into())),
    ];
    for (p, text) in extra {
        entries.push(entry(
            p,
            0o644,
            EntryKind::File(Content::from_bytes(text.as_bytes().to_vec())),
        ));
    }
    image_of(vec![Changeset { entries }], tags, c)
}

/// An image of these layers with a BuildKit-style config and history.
pub fn image_of(layers: Vec<Changeset>, tags: &[&str], c: Compression) -> ArchiveImage {
    let blobs: Vec<LayerBlob> = layers
        .iter()
        .map(|l| LayerBlob::from_changeset(l, c).unwrap())
        .collect();
    image_of_blobs(blobs, tags)
}

pub fn image_of_blobs(blobs: Vec<LayerBlob>, tags: &[&str]) -> ArchiveImage {
    let history = (0..blobs.len())
        .map(|i| History {
            created: Some("2024-01-02T03:04:05Z".into()),
            created_by: Some(format!("COPY layer{i} / # buildkit")),
            comment: Some("buildkit.dockerfile.v0".into()),
            ..History::default()
        })
        .chain([History {
            created: Some("2024-01-02T03:04:06Z".into()),
            created_by: Some("CMD [\"cat\" \"/hello.txt\"]".into()),
            comment: Some("buildkit.dockerfile.v0".into()),
            empty_layer: true,
            ..History::default()
        }])
        .collect();
    let config = ImageConfig {
        created: Some("2024-01-02T03:04:06Z".into()),
        architecture: "amd64".into(),
        os: "linux".into(),
        config: Some(ContainerConfig {
            env: Some(Some(vec![
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
            ])),
            cmd: Some(Some(vec!["cat".into(), "/hello.txt".into()])),
            ..ContainerConfig::default()
        }),
        rootfs: RootFs {
            diff_ids: blobs.iter().map(|b| b.diff_id).collect(),
            ..RootFs::default()
        },
        history,
        ..ImageConfig::default()
    };
    ArchiveImage {
        config: to_json(&config).into(),
        layers: blobs,
        tags: tags.iter().map(|t| t.to_string()).collect(),
    }
}

/// The JSON of `strata inspect`.
pub fn inspect(root: &Path, image: &str) -> serde_json::Value {
    let out = ok(strata_at(root, &["inspect", image]));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("inspect prints JSON");
    v[0].clone()
}

/// `(Id, RootFS.Layers)` of an image.
pub fn identity(root: &Path, image: &str) -> (String, Vec<String>) {
    let v = inspect(root, image);
    let layers = v["RootFS"]["Layers"]
        .as_array()
        .expect("RootFS.Layers")
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect();
    (v["Id"].as_str().unwrap().to_string(), layers)
}

/// Every blob of the store has the digest its name says, and `images.json` parses.
#[track_caller]
fn assert_store_verifies(root: &Path) -> usize {
    let dir = root.join("blobs/sha256");
    let mut n = 0;
    for ent in std::fs::read_dir(&dir).unwrap() {
        let ent = ent.unwrap();
        let name = ent.file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with('.'), "a temporary file was left: {name}");
        let bytes = std::fs::read(ent.path()).unwrap();
        assert_eq!(
            Digest::of(&bytes).hex(),
            name,
            "blob {name} does not verify"
        );
        n += 1;
    }
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("images.json")).unwrap()).unwrap();
    assert!(index["images"].is_array());
    n
}

#[test]
fn save_then_load_into_a_fresh_store_keeps_ids_and_diff_ids() {
    let tmp = TempDir::new("roundtrip");
    let (a, b) = (tmp.path("a"), tmp.path("b"));
    let img = sample_image("hello from strata\n", &[], &["demo:1"], Compression::Gzip);
    let archive = tmp.path("in.tar");
    std::fs::write(
        &archive,
        write_oci_archive(std::slice::from_ref(&img)).unwrap(),
    )
    .unwrap();
    let out = ok(strata_at(&a, &["load", "-i", archive.to_str().unwrap()]));
    assert_eq!(stdout(&out), "Loaded image: demo:1\n");
    let want = identity(&a, "demo:1");
    assert_eq!(want.0, img.id().to_string());
    assert_eq!(want.1, vec![img.layers[0].diff_id.to_string()]);

    for format in ["docker-archive", "oci-archive"] {
        let saved = tmp.path(&format!("{format}.tar"));
        ok(strata_at(
            &a,
            &[
                "save",
                "-o",
                saved.to_str().unwrap(),
                "--format",
                format,
                "demo:1",
            ],
        ));
        let fresh = tmp.path(&format!("fresh-{format}"));
        let out = ok(strata_at(&fresh, &["load", "-i", saved.to_str().unwrap()]));
        assert_eq!(stdout(&out), "Loaded image: demo:1\n", "{format}");
        assert_eq!(identity(&fresh, "demo:1"), want, "{format}");
    }
    // Gzip-compressed archive, and saving to standard output.
    let gz = tmp.path("in.tar.gz");
    std::fs::write(&gz, gzip(&write_docker_archive(&[img]).unwrap())).unwrap();
    ok(strata_at(&b, &["load", "-i", gz.to_str().unwrap()]));
    assert_eq!(identity(&b, "demo:1"), want);
    let out = ok(strata_at(&b, &["save", "demo:1"]));
    let again = tmp.path("again.tar");
    std::fs::write(&again, &out.stdout).unwrap();
    let c = tmp.path("c");
    ok(strata_at(&c, &["load", "-i", again.to_str().unwrap()]));
    assert_eq!(identity(&c, "demo:1"), want);
}

#[test]
fn images_history_tag_and_rmi_read_like_docker() {
    let tmp = TempDir::new("verbs");
    let root = tmp.path("root");
    let img = image_of(
        vec![
            sample_image("one\n", &[], &[], Compression::None).layers[0]
                .changeset(&strata_image::layer::ReadLimits::DEFAULT)
                .unwrap(),
            Changeset {
                entries: vec![entry(
                    "/big",
                    0o644,
                    EntryKind::File(Content::modelled(1_234_567, 7)),
                )],
            },
        ],
        &["demo:latest"],
        Compression::None,
    );
    let archive = tmp.path("in.tar");
    std::fs::write(
        &archive,
        write_docker_archive(std::slice::from_ref(&img)).unwrap(),
    )
    .unwrap();
    ok(strata_at(&root, &["load", "-i", archive.to_str().unwrap()]));
    let short = &img.id().hex()[..12];

    let out = stdout(&ok(strata_at(&root, &["images"])));
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("REPOSITORY   TAG       IMAGE ID       CREATED "),
        "{out}"
    );
    assert!(
        lines[1].starts_with(&format!("demo         latest    {short}   ")),
        "{out}"
    );
    assert!(lines[1].ends_with(" ago   1.23MB"), "{out}");

    let out = stdout(&ok(strata_at(&root, &["history", "demo"])));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[0].starts_with("IMAGE          CREATED "), "{out}");
    assert!(
        lines[1].starts_with(short) && lines[1].contains("CMD [\"cat\" \"/hello.txt\"]"),
        "{out}"
    );
    assert!(
        lines[1].contains(" 0B ") && lines[2].contains(" 1.23MB "),
        "{out}"
    );
    assert!(
        lines[2].starts_with("<missing>") && lines[3].contains(" 20B "),
        "{out}"
    );
    let json = stdout(&ok(strata_at(
        &root,
        &["history", "--no-trunc", "--format", "json", "demo"],
    )));
    let first: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert_eq!(first["ID"], img.id().to_string());
    assert_eq!(first["CreatedAt"], "2024-01-02T03:04:06Z");
    assert_eq!(first["Comment"], "buildkit.dockerfile.v0");

    let v = inspect(&root, "demo");
    assert_eq!(v["Size"], 1_234_567 + 4 + 7 + 9);
    assert_eq!(v["Config"]["Cmd"], serde_json::json!(["cat", "/hello.txt"]));
    assert_eq!(v["Architecture"], "amd64");

    ok(strata_at(&root, &["tag", short, "other/name:v2"]));
    assert_eq!(
        inspect(&root, "other/name:v2")["RepoTags"],
        serde_json::json!(["demo:latest", "other/name:v2"])
    );
    let by_id = strata_at(&root, &["rmi", short]);
    assert_eq!(by_id.status.code(), Some(1), "docker's conflict status");
    assert_eq!(
        stderr(&by_id),
        format!("Error response from daemon: conflict: unable to delete {short} (must be forced) - image is referenced in multiple repositories\n")
    );
    assert_eq!(
        stdout(&ok(strata_at(&root, &["rmi", "demo"]))),
        "Untagged: demo:latest\n"
    );
    let out = stdout(&ok(strata_at(&root, &["rmi", "other/name:v2"])));
    assert_eq!(
        out,
        format!("Untagged: other/name:v2\nDeleted: {}\n", img.id())
    );
    assert_eq!(assert_store_verifies(&root), 0);
    let gone = strata_at(&root, &["inspect", "demo"]);
    assert_eq!(gone.status.code(), Some(1), "docker's status");
    assert_eq!(stdout(&gone), "[]\n");
    assert_eq!(stderr(&gone), "Error: No such object: demo\n");
}

/// A layer tar with one entry whose name is exactly `name` (the tar writer would refuse `..`).
fn raw_layer(name: &str) -> Vec<u8> {
    let mut h = tar::Header::new_ustar();
    h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
    h.set_mode(0o644);
    h.set_size(4);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_cksum();
    let mut out = h.as_bytes().to_vec();
    let mut data = b"evil".to_vec();
    data.resize(512, 0);
    out.extend(data);
    out.extend([0u8; 1024]);
    out
}

#[test]
fn bad_archives_name_the_entry_and_leave_the_store_intact() {
    let tmp = TempDir::new("bad");
    let root = tmp.path("root");
    let good = sample_image("keep me\n", &[], &["keep:1"], Compression::Gzip);
    let archive = tmp.path("good.tar");
    std::fs::write(
        &archive,
        write_docker_archive(std::slice::from_ref(&good)).unwrap(),
    )
    .unwrap();
    ok(strata_at(&root, &["load", "-i", archive.to_str().unwrap()]));
    let blobs_before = assert_store_verifies(&root);
    let index_before = std::fs::read(root.join("images.json")).unwrap();

    let other = sample_image(
        "other\n",
        &[("/more.txt", "more\n")],
        &["keep:1"],
        Compression::None,
    );
    let full = write_docker_archive(std::slice::from_ref(&other)).unwrap();
    // A layer with `../escape` whose digests are all right.
    let tar = raw_layer("../escape");
    let traversal = image_of_blobs(
        vec![LayerBlob {
            diff_id: Digest::of(&tar),
            bytes: Arc::from(tar),
            compression: Compression::None,
        }],
        &["keep:1"],
    );
    // An OCI archive whose manifest names a layer digest its blob does not have.
    let mut oci = write_oci_archive(std::slice::from_ref(&other)).unwrap();
    let pos = oci.windows(5).position(|w| w == b"more\n").unwrap();
    oci[pos] = b'M';
    let cases: Vec<(&str, Vec<u8>, String)> = vec![
        (
            "truncated",
            full[..full.len() / 2].to_vec(),
            "truncated".into(),
        ),
        ("wrong-digest", oci, "does not match its digest".into()),
        (
            "traversal",
            write_docker_archive(&[traversal]).unwrap(),
            "\"../escape\"".into(),
        ),
        ("not-an-archive", b"hello".to_vec(), "".into()),
    ];
    for (name, bytes, why) in cases {
        let path = tmp.path(&format!("{name}.tar"));
        std::fs::write(&path, bytes).unwrap();
        let out = strata_at(&root, &["load", "-i", path.to_str().unwrap()]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(
            err.contains(path.to_str().unwrap()) && err.contains(&why),
            "{name}: {err}"
        );
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert_eq!(
            std::fs::read(root.join("images.json")).unwrap(),
            index_before,
            "{name}"
        );
        assert_eq!(assert_store_verifies(&root), blobs_before, "{name}");
        // The streaming load's staging directory is gone too.
        let staged: Vec<_> = std::fs::read_dir(root.join("tmp"))
            .map(|d| d.flatten().map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert!(staged.is_empty(), "{name}: staging left behind: {staged:?}");
        let images = stdout(&ok(strata_at(&root, &["images"])));
        assert!(images.contains(&good.id().hex()[..12]), "{name}: {images}");
    }
    assert!(!tmp.0.join("escape").exists() && !root.join("escape").exists());
    // A file that is not there is an I/O error, not a bad archive.
    let out = strata_at(
        &root,
        &["load", "-i", tmp.path("nope.tar").to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nope.tar"), "{}", stderr(&out));
}

/// A regular member of a tar.
fn member_bytes(archive: &[u8], name: &str) -> Vec<u8> {
    let mut ar = tar::Archive::new(archive);
    for e in ar.entries().unwrap() {
        let mut e = e.unwrap();
        if e.path().unwrap().to_str() == Some(name) {
            let mut v = Vec::new();
            std::io::Read::read_to_end(&mut e, &mut v).unwrap();
            return v;
        }
    }
    panic!("no member {name}");
}

/// A regular member of a tar, as text.
fn member(archive: &[u8], name: &str) -> String {
    String::from_utf8(member_bytes(archive, name)).unwrap()
}

/// `save NAME` saves every tag of the repository, as `docker save busybox` does (checked against docker
/// 20.10: one manifest.json item per image, `RepoTags` listing each of its tags in that repository, other
/// repositories' tags left out); `save NAME:TAG` one tag; `save ID` the image untagged (`"RepoTags":null`).
#[test]
fn save_a_repository_saves_all_its_tags() {
    let tmp = TempDir::new("save-repo");
    let root = tmp.path("root");
    let one = sample_image(
        "one\n",
        &[],
        &["multi:a", "multi:b", "other:x"],
        Compression::None,
    );
    let two = sample_image("two\n", &[], &["multi:c"], Compression::Gzip);
    let three = sample_image("three\n", &[], &["other:latest"], Compression::None);
    let input = tmp.path("in.tar");
    std::fs::write(
        &input,
        write_docker_archive(&[one.clone(), two.clone(), three]).unwrap(),
    )
    .unwrap();
    ok(strata_at(&root, &["load", "-i", input.to_str().unwrap()]));

    let save = |args: &[&str]| -> Vec<u8> {
        let out = tmp.path("out.tar");
        let mut all = vec!["save", "-o", out.to_str().unwrap()];
        all.extend_from_slice(args);
        ok(strata_at(&root, &all));
        std::fs::read(&out).unwrap()
    };
    let manifest = |archive: &[u8]| -> serde_json::Value {
        serde_json::from_str(&member(archive, "manifest.json")).unwrap()
    };

    let all = save(&["multi"]);
    let m = manifest(&all);
    let items: Vec<(String, serde_json::Value)> = m
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["Config"].as_str().unwrap().to_string(),
                i["RepoTags"].clone(),
            )
        })
        .collect();
    assert_eq!(
        items,
        vec![
            (
                format!("{}.json", one.id().hex()),
                serde_json::json!(["multi:a", "multi:b"])
            ),
            (
                format!("{}.json", two.id().hex()),
                serde_json::json!(["multi:c"])
            ),
        ]
    );
    // The archive loads into a fresh store with all three tags.
    let fresh = tmp.path("fresh");
    let saved = tmp.path("all.tar");
    std::fs::write(&saved, &all).unwrap();
    let out = ok(strata_at(&fresh, &["load", "-i", saved.to_str().unwrap()]));
    assert_eq!(
        stdout(&out),
        "Loaded image: multi:a\nLoaded image: multi:b\nLoaded image: multi:c\n"
    );

    // One tag; the same image by two tags; by ID, untagged.
    assert_eq!(
        manifest(&save(&["multi:b"]))[0]["RepoTags"],
        serde_json::json!(["multi:b"])
    );
    assert_eq!(
        manifest(&save(&["multi:b", "other:x"]))[0]["RepoTags"],
        serde_json::json!(["multi:b", "other:x"])
    );
    let by_id = manifest(&save(&[&one.id().hex()[..12]]));
    assert_eq!(by_id.as_array().unwrap().len(), 1);
    assert_eq!(by_id[0]["RepoTags"], serde_json::Value::Null);
    assert!(member(&save(&[&one.id().hex()[..12]]), "manifest.json").contains("\"RepoTags\":null"));

    // The OCI form names each tag in index.json.
    let oci = save(&["--format", "oci-archive", "multi"]);
    let index: serde_json::Value = serde_json::from_str(&member(&oci, "index.json")).unwrap();
    let names: Vec<&str> = index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            d["annotations"]["io.containerd.image.name"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(names, ["multi:a", "multi:b", "multi:c"]);

    // A repository with no tags here is an error, not an empty archive.
    let out = strata_at(
        &root,
        &["save", "-o", tmp.path("x.tar").to_str().unwrap(), "nothing"],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("nothing"), "{}", stderr(&out));
}

/// Blobs that are files (to write a big archive without holding it).
struct FileBlobs(Vec<(Digest, PathBuf)>);

impl strata_image::archive::BlobSource for FileBlobs {
    fn open(&self, digest: &Digest) -> std::io::Result<Box<dyn std::io::Read + '_>> {
        let path = self
            .0
            .iter()
            .find(|(d, _)| d == digest)
            .map(|(_, p)| p)
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))?;
        Ok(Box::new(std::fs::File::open(path)?))
    }
}

/// Runs strata and samples its peak resident memory (VmHWM) until it exits; returns the output and the
/// peak in bytes (the last sample: VmHWM only grows). Linux only: it reads `/proc/<pid>/status`.
#[cfg(target_os = "linux")]
fn strata_peak_rss(root: &Path, args: &[&str]) -> (Output, u64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("--root")
        .arg(root)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the strata binary runs");
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        if let Ok(s) = std::fs::read_to_string(&status_path) {
            if let Some(kib) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak = peak.max(kib * 1024);
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    (child.wait_with_output().unwrap(), peak)
}

/// `strata load -i` and `strata save -o` of a ~200 MB image stream: the strata process's peak RSS stays a
/// small fraction of the image (the archive is generated here, streaming, into a temp dir).
#[test]
#[cfg(target_os = "linux")]
fn load_and_save_of_a_200_mb_image_stream() {
    use strata_image::archive::{write_docker_archive_to, ImageRef, LayerRef};
    use strata_image::digest::HashingWriter;
    use strata_image::layer::{write_tar, ReadLimits};
    const FILE: u64 = 4 << 20;
    const FILES: u64 = 50;
    const IMAGE: u64 = FILE * FILES;
    let tmp = TempDir::new("big");
    // One 4 MiB buffer shared by 50 files: 200 MiB of file data, 4 MiB held.
    let shared = Content::from_bytes(Content::modelled(FILE, 9).bytes().into_owned());
    let mut entries = vec![entry("/big", 0o755, EntryKind::Dir)];
    for i in 0..FILES {
        entries.push(entry(
            &format!("/big/f{i:03}"),
            0o644,
            EntryKind::File(shared.clone()),
        ));
    }
    let layer_path = tmp.path("layer.tar");
    let w = HashingWriter::new(std::io::BufWriter::new(
        std::fs::File::create(&layer_path).unwrap(),
    ));
    let (diff_id, size, _) = write_tar(&Changeset { entries }, w).unwrap().finish();
    let template = image_of_blobs(Vec::new(), &["big:1"]);
    let mut config = ImageConfig::from_json(&template.config).unwrap();
    config.rootfs.diff_ids = vec![diff_id];
    config.history.insert(
        0,
        History {
            created_by: Some("COPY big /big # buildkit".into()),
            ..History::default()
        },
    );
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
    let archive = tmp.path("big.tar");
    write_docker_archive_to(
        &[image],
        &FileBlobs(vec![(diff_id, layer_path.clone())]),
        &ReadLimits::DEFAULT,
        std::io::BufWriter::new(std::fs::File::create(&archive).unwrap()),
    )
    .unwrap()
    .into_inner()
    .unwrap();
    std::fs::remove_file(&layer_path).unwrap();

    let root = tmp.path("root");
    let (out, load_peak) = strata_peak_rss(&root, &["load", "-i", archive.to_str().unwrap()]);
    let out = ok(out);
    assert_eq!(stdout(&out), "Loaded image: big:1\n");
    let saved = tmp.path("saved.tar");
    let (out, save_peak) = strata_peak_rss(&root, &["save", "-o", saved.to_str().unwrap(), "big"]);
    ok(out);
    eprintln!("strata's peak RSS: {load_peak} B loading, {save_peak} B saving a {IMAGE} B image");
    assert!(load_peak > 0 && save_peak > 0, "VmHWM was sampled");
    assert!(load_peak < IMAGE / 4, "load: peak RSS {load_peak} B");
    assert!(save_peak < IMAGE / 4, "save: peak RSS {save_peak} B");
    assert_eq!(
        std::fs::metadata(&saved).unwrap().len(),
        std::fs::metadata(&archive).unwrap().len()
    );
    assert_eq!(identity(&root, "big:1").1, vec![diff_id.to_string()]);
}

/// An OCI archive whose layer is zstd (`application/vnd.oci.image.layer.v1.tar+zstd`, made by the zstd CLI)
/// loads; saved as an OCI archive the layer stays zstd, as a docker-archive it is written as a plain tar
/// under its diff_id; both load into a fresh store as the same image.
#[test]
fn zstd_layers_load_and_save() {
    let tmp = TempDir::new("zstd");
    let root = tmp.path("root");
    let blob = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../strata-image/test_data/zstd/layer.tar.zst"),
    )
    .unwrap();
    let diff_id: Digest = "sha256:d5463439b16c39433669e2b1de20910de9139f4e51021e984fa58c96ffda0706"
        .parse()
        .unwrap();
    let img = image_of_blobs(
        vec![LayerBlob {
            bytes: blob.into(),
            compression: Compression::Zstd,
            diff_id,
        }],
        &["zst:1"],
    );
    let input = tmp.path("in.tar");
    std::fs::write(
        &input,
        write_oci_archive(std::slice::from_ref(&img)).unwrap(),
    )
    .unwrap();
    ok(strata_at(&root, &["load", "-i", input.to_str().unwrap()]));
    assert_eq!(
        identity(&root, "zst:1"),
        (img.id().to_string(), vec![diff_id.to_string()])
    );
    let oci = tmp.path("out-oci.tar");
    ok(strata_at(
        &root,
        &[
            "save",
            "-o",
            oci.to_str().unwrap(),
            "--format",
            "oci-archive",
            "zst:1",
        ],
    ));
    let bytes = std::fs::read(&oci).unwrap();
    let manifest_digest = serde_json::from_str::<serde_json::Value>(&member(&bytes, "index.json"))
        .unwrap()["manifests"][0]["digest"]
        .as_str()
        .unwrap()
        .to_string();
    let manifest: serde_json::Value = serde_json::from_str(&member(
        &bytes,
        &format!("blobs/sha256/{}", &manifest_digest["sha256:".len()..]),
    ))
    .unwrap();
    assert_eq!(
        manifest["layers"][0]["mediaType"],
        "application/vnd.oci.image.layer.v1.tar+zstd"
    );
    let docker = tmp.path("out-docker.tar");
    ok(strata_at(
        &root,
        &["save", "-o", docker.to_str().unwrap(), "zst:1"],
    ));
    let layer = member_bytes(
        &std::fs::read(&docker).unwrap(),
        &format!("{}.tar", diff_id.hex()),
    );
    assert_eq!(Digest::of(&layer), diff_id);
    for (name, path) in [("oci", &oci), ("docker", &docker)] {
        let fresh = tmp.path(&format!("fresh-{name}"));
        ok(strata_at(&fresh, &["load", "-i", path.to_str().unwrap()]));
        assert_eq!(
            identity(&fresh, "zst:1"),
            identity(&root, "zst:1"),
            "{name}"
        );
    }
}

#[test]
fn save_to_a_device_writes_to_it_and_leaves_it_a_device() {
    use std::os::unix::fs::FileTypeExt;
    let dir = TempDir::new("save-dev");
    let root = dir.path("store");
    let ctx = dir.path("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(ctx.join("Dockerfile"), "FROM busybox\nRUN echo hi > /f\n").unwrap();
    let o = strata_at(&root, &["build", "-t", "dev-out", ctx.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = strata_at(&root, &["save", "-o", "/dev/null", "dev-out"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let meta = std::fs::metadata("/dev/null").unwrap();
    assert!(
        meta.file_type().is_char_device(),
        "save -o /dev/null replaced the device"
    );
    let leftovers: Vec<_> = std::fs::read_dir("/dev")
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("strata-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
