//! docker-archive and OCI archive: round trips, determinism, and archives that must be refused.

use std::sync::Arc;

use strata_image::archive::{
    read_archive, write_docker_archive, write_oci_archive, ArchiveImage, LayerBlob,
};
use strata_image::image::{to_json, ContainerConfig, History, ImageConfig, RootFs};
use strata_image::layer::{to_tar, Compression, ReadLimits};
use strata_image::{
    diff, Attrs, Changeset, Content, Digest, Entry, EntryKind, Error, Overlay, Timestamp, Tree,
};

use crate::support::{attrs, busybox};

/// busybox plus two RUN layers (`mkdir /sanchuang`, a file in it), with a BuildKit-style config.
fn sample_image(compression: Compression, tags: &[&str]) -> ArchiveImage {
    let base = busybox();
    let mut layers = vec![diff(&Tree::new(), &base)];
    let mut lower = Arc::new(base);
    for step in 1..=2 {
        let mut ov = Overlay::new(lower.clone());
        let now = Timestamp::from_secs(1_700_000_000 + step);
        match step {
            1 => ov.mkdir("/sanchuang", attrs(0o755, now.secs)).unwrap(),
            _ => ov
                .write(
                    "/sanchuang/f.txt",
                    "hello\n".into(),
                    attrs(0o644, now.secs),
                    now,
                )
                .unwrap(),
        }
        layers.push(ov.changeset());
        lower = Arc::new(ov.merged().unwrap());
    }
    let blobs: Vec<LayerBlob> = layers
        .iter()
        .map(|l| LayerBlob::from_changeset(l, compression).unwrap())
        .collect();
    let history = [
        "ADD rootfs /",
        "RUN /bin/sh -c mkdir /sanchuang # buildkit",
        "RUN /bin/sh -c echo hello > /sanchuang/f.txt # buildkit",
    ]
    .iter()
    .map(|c| History {
        created_by: Some(c.to_string()),
        ..History::default()
    })
    .collect();
    let config = ImageConfig {
        architecture: "amd64".into(),
        os: "linux".into(),
        config: Some(ContainerConfig {
            cmd: Some(Some(vec!["sh".into()])),
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

#[test]
fn docker_archives_round_trip_byte_for_byte() {
    let img = sample_image(
        Compression::None,
        &["strata/sample:latest", "strata/sample:v1"],
    );
    let tar = write_docker_archive(std::slice::from_ref(&img)).unwrap();
    assert_eq!(
        write_docker_archive(std::slice::from_ref(&img)).unwrap(),
        tar,
        "deterministic"
    );
    let back = read_archive(&tar, &ReadLimits::DEFAULT).unwrap();
    assert_eq!(back, vec![img.clone()]);
    assert_eq!(
        write_docker_archive(&back).unwrap(),
        tar,
        "re-saved identically"
    );
    // A gzip-compressed archive is read too (podman load accepts them).
    let gz = strata_image::layer::gzip(&tar);
    assert_eq!(read_archive(&gz, &ReadLimits::DEFAULT).unwrap(), back);
    // Saving gzip-stored layers as a docker-archive writes them uncompressed, same diff_ids.
    let zipped = sample_image(Compression::Gzip, &["strata/sample:latest"]);
    let back = read_archive(
        &write_docker_archive(std::slice::from_ref(&zipped)).unwrap(),
        &ReadLimits::DEFAULT,
    )
    .unwrap();
    assert_eq!(back[0].id(), zipped.id());
    assert!(back[0]
        .layers
        .iter()
        .zip(&zipped.layers)
        .all(|(a, b)| a.diff_id == b.diff_id));
}

#[test]
fn oci_archives_round_trip_with_tags_and_compressed_layers() {
    let a = sample_image(
        Compression::Gzip,
        &["strata/sample:latest", "strata/sample:v1"],
    );
    let b = sample_image(Compression::None, &[]);
    let tar = write_oci_archive(&[a.clone(), b.clone()]).unwrap();
    assert_eq!(
        write_oci_archive(&[a.clone(), b.clone()]).unwrap(),
        tar,
        "deterministic"
    );
    let back = read_archive(&tar, &ReadLimits::DEFAULT).unwrap();
    assert_eq!(back, vec![a.clone(), b]);
    let layers = back[0].layers[2].changeset(&ReadLimits::DEFAULT).unwrap();
    assert_eq!(
        layers.entries.last().map(|e| e.path.as_str()),
        Some("/sanchuang/f.txt")
    );
}

/// An archive with exactly these members.
fn archive_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let entries = files
        .iter()
        .map(|(name, bytes)| Entry {
            path: format!("/{name}"),
            attrs: Attrs::new(0o644, 0, 0, Timestamp::default()),
            kind: EntryKind::File(Content::from(*bytes)),
        })
        .collect();
    to_tar(&Changeset { entries }).unwrap()
}

#[track_caller]
fn refused(archive: &[u8], member: &str, why: &str) {
    match read_archive(archive, &ReadLimits::DEFAULT) {
        Err(Error::Archive { entry, reason }) => {
            assert!(
                entry.contains(member),
                "error names {entry:?}, expected {member:?}"
            );
            assert!(reason.contains(why), "{reason:?} should say {why:?}");
        }
        Err(other) => assert!(
            other.to_string().contains(why),
            "{other} should say {why:?}"
        ),
        Ok(_) => panic!("accepted an archive that should be refused ({why})"),
    }
}

#[test]
fn bad_archives_are_refused_naming_the_member() {
    let img = sample_image(Compression::None, &["x:latest"]);
    let config = img.config.to_vec();
    let id = img.id().hex();
    let layers: Vec<(String, Vec<u8>)> = img
        .layers
        .iter()
        .map(|l| (format!("{}.tar", l.diff_id.hex()), l.bytes.to_vec()))
        .collect();
    let manifest = |layer_names: &[String]| {
        format!(r#"[{{"Config":"{id}.json","RepoTags":["x:latest"],"Layers":{layer_names:?}}}]"#)
            .into_bytes()
    };
    let names: Vec<String> = layers.iter().map(|(n, _)| n.clone()).collect();
    let mut files: Vec<(&str, &[u8])> = layers
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let cfg_name = format!("{id}.json");
    files.push((&cfg_name, &config));
    let good = manifest(&names);
    let mut with_manifest = files.clone();
    with_manifest.push(("manifest.json", &good));
    assert!(read_archive(&archive_of(&with_manifest), &ReadLimits::DEFAULT).is_ok());

    refused(&archive_of(&files), "", "does not contain a manifest.json");
    // A layer whose content is not what the config's diff_id says.
    let mut swapped = files.clone();
    swapped[1] = (names[1].as_str(), layers[2].1.as_slice());
    swapped.push(("manifest.json", &good));
    refused(
        &archive_of(&swapped),
        &names[1],
        "is not the config's diff_id",
    );
    // Fewer layers than diff_ids.
    let short = manifest(&names[..2]);
    let mut fewer = files.clone();
    fewer.push(("manifest.json", &short));
    refused(&archive_of(&fewer), "", "2 layers but 3 diff_ids");
    // A layer path that is not there, or climbs out.
    let missing = manifest(&["nope.tar".to_string(), names[1].clone(), names[2].clone()]);
    let mut gone = files.clone();
    gone.push(("manifest.json", &missing));
    refused(&archive_of(&gone), "nope.tar", "not in the archive");
    let escape = manifest(&[
        "../../etc/passwd".to_string(),
        names[1].clone(),
        names[2].clone(),
    ]);
    let mut out = files.clone();
    out.push(("manifest.json", &escape));
    refused(&archive_of(&out), "../../etc/passwd", "climbs out");
    // OCI: a blob that does not match its digest, and an unknown layout version.
    let oci = write_oci_archive(std::slice::from_ref(&img)).unwrap();
    let pos = oci
        .windows(6)
        .position(|w| w == b"hello\n")
        .expect("the file's bytes are in the archive");
    let mut bad = oci.clone();
    bad[pos] = b'j';
    refused(&bad, "blobs/sha256/", "does not match its digest");
    refused(
        &archive_of(&[("oci-layout", br#"{"imageLayoutVersion":"2.0.0"}"#)]),
        "oci-layout",
        "imageLayoutVersion",
    );
    // Truncated archives.
    let full = write_docker_archive(&[img]).unwrap();
    for cut in [100, 600, full.len() / 2, full.len() - 1100] {
        assert!(
            read_archive(&full[..cut], &ReadLimits::DEFAULT).is_err(),
            "cut at {cut}"
        );
    }
}

/// An image of one zstd layer (`test_data/zstd/layer.tar.zst`, made by the zstd CLI).
fn zstd_image(tags: &[&str]) -> ArchiveImage {
    let bytes = std::fs::read(crate::support::test_data("zstd/layer.tar.zst")).unwrap();
    let diff_id: Digest = "sha256:d5463439b16c39433669e2b1de20910de9139f4e51021e984fa58c96ffda0706"
        .parse()
        .unwrap();
    let config = ImageConfig {
        architecture: "amd64".into(),
        os: "linux".into(),
        rootfs: RootFs {
            diff_ids: vec![diff_id],
            ..RootFs::default()
        },
        history: vec![History {
            created_by: Some("ADD rootfs.tar.zst /".into()),
            ..History::default()
        }],
        ..ImageConfig::default()
    };
    ArchiveImage {
        config: to_json(&config).into(),
        layers: vec![LayerBlob {
            bytes: bytes.into(),
            compression: Compression::Zstd,
            diff_id,
        }],
        tags: tags.iter().map(|t| t.to_string()).collect(),
    }
}

/// OCI archives keep a zstd layer as it is, with the `tar+zstd` media type, and read it back; saved as a
/// docker-archive the layer is written uncompressed under its diff_id, and reads back with the same diff_id.
#[test]
fn zstd_layers_in_oci_and_docker_archives() {
    let img = zstd_image(&["strata/zstd:latest"]);
    let oci = write_oci_archive(std::slice::from_ref(&img)).unwrap();
    let manifest = img.oci_manifest();
    assert_eq!(
        manifest.layers[0].media_type,
        "application/vnd.oci.image.layer.v1.tar+zstd"
    );
    let back = read_archive(&oci, &ReadLimits::DEFAULT).unwrap();
    assert_eq!(back, vec![img.clone()]);
    assert_eq!(back[0].layers[0].compression, Compression::Zstd);
    let cs = back[0].layers[0].changeset(&ReadLimits::DEFAULT).unwrap();
    assert!(cs.entries.iter().any(|e| e.path == "/bin/busybox"));

    let docker = write_docker_archive(std::slice::from_ref(&img)).unwrap();
    let back = read_archive(&docker, &ReadLimits::DEFAULT).unwrap();
    assert_eq!(back[0].id(), img.id());
    assert_eq!(back[0].layers[0].compression, Compression::None);
    assert_eq!(back[0].layers[0].diff_id, img.layers[0].diff_id);
    assert_eq!(
        back[0].layers[0].changeset(&ReadLimits::DEFAULT).unwrap(),
        cs
    );

    // A docker-archive whose layer member is the zstd blob itself (as a containerd-backed `docker save`
    // writes `blobs/sha256/<digest>` members) is read too.
    let layer_name = format!("blobs/sha256/{}", img.layers[0].digest().hex());
    let cfg_name = format!("blobs/sha256/{}", img.id().hex());
    let manifest_json = format!(
        r#"[{{"Config":"{cfg_name}","RepoTags":["strata/zstd:latest"],"Layers":["{layer_name}"]}}]"#
    );
    let archive = archive_of(&[
        (cfg_name.as_str(), &img.config[..]),
        (layer_name.as_str(), &img.layers[0].bytes[..]),
        ("manifest.json", manifest_json.as_bytes()),
    ]);
    let back = read_archive(&archive, &ReadLimits::DEFAULT).unwrap();
    assert_eq!(back, vec![img.clone()]);

    // A zstd layer that is not what the config's diff_id says is refused, naming the member.
    let mut other = img.clone();
    other.layers[0].bytes = std::fs::read(crate::support::test_data("zstd/bomb.tar.zst"))
        .unwrap()
        .into();
    let bad = write_oci_archive(&[other]).unwrap();
    refused(&bad, "blobs/sha256/", "is not the config's diff_id");
    // A zstd bomb inside an archive stops at the limit.
    let limits = ReadLimits {
        max_expanded: 1 << 20,
        ..ReadLimits::DEFAULT
    };
    match read_archive(&bad, &limits) {
        Err(Error::Archive { reason, .. }) => assert!(reason.contains("limit"), "{reason}"),
        other => panic!("bomb accepted: {other:?}"),
    }
}

/// Blobs that lie: every blob reads as the bytes of `with` (a store whose files were damaged).
struct Swapped {
    with: Vec<u8>,
}

impl strata_image::archive::BlobSource for Swapped {
    fn open(&self, _: &Digest) -> std::io::Result<Box<dyn std::io::Read + '_>> {
        Ok(Box::new(&self.with[..]))
    }
}

/// The streaming writers check every blob as they copy it: a blob whose bytes are not its digest, or shorter
/// or longer than its descriptor says, is an error naming the member, not a silently wrong archive.
#[test]
fn streaming_writers_refuse_blobs_that_are_not_what_they_should_be() {
    use strata_image::archive::{
        write_docker_archive_to, write_oci_archive_to, ImageRef, LayerRef,
    };
    let img = sample_image(Compression::None, &["x:1"]);
    let refs = vec![ImageRef {
        config: img.config.clone(),
        layers: img
            .layers
            .iter()
            .map(|l| LayerRef {
                digest: l.digest(),
                size: l.bytes.len() as u64,
                compression: l.compression,
                diff_id: l.diff_id,
            })
            .collect(),
        tags: img.tags.clone(),
    }];
    let first = &img.layers[0];
    let names: Vec<String> = img
        .layers
        .iter()
        .map(|l| format!("blobs/sha256/{}", l.digest().hex()))
        .collect();
    // Same length, other bytes.
    let mut same_len = first.bytes.to_vec();
    let last = same_len.len() - 1;
    same_len[last - 600] ^= 1;
    // Shorter and longer.
    let short = first.bytes[..first.bytes.len() - 1].to_vec();
    let mut long = first.bytes.to_vec();
    long.push(0);
    for (what, with) in [("flipped", same_len), ("short", short), ("long", long)] {
        let blobs = Swapped { with };
        match write_oci_archive_to(&refs, &blobs, Vec::new()) {
            Err(Error::Archive { entry, .. }) => assert!(names.contains(&entry), "{what}: {entry}"),
            other => panic!("{what}: {other:?}"),
        }
        let docker = write_docker_archive_to(&refs, &blobs, &ReadLimits::DEFAULT, Vec::new());
        assert!(
            matches!(&docker, Err(Error::Archive { entry, .. }) if entry.ends_with(".tar")),
            "{what}: {docker:?}"
        );
    }
}
