//! Layer tars: round trips, determinism, and bad input.

use std::io::Read;

use strata_image::layer::{
    decompressor, gzip, read_layer, to_tar, write_layer, Compression, ReadLimits,
};
use strata_image::{Attrs, Changeset, Content, Digest, Entry, EntryKind, Error, Timestamp};

fn entry(path: &str, mode: u32, kind: EntryKind) -> Entry {
    Entry {
        path: path.into(),
        attrs: Attrs::new(mode, 0, 0, Timestamp::from_secs(1_600_000_000)),
        kind,
    }
}

fn every_kind() -> Changeset {
    let long_dir = format!("/opt/{}", "d".repeat(120));
    let long_file = format!("{long_dir}/{}", "f".repeat(130));
    let mut big_ids = entry("/etc/owned", 0o640, EntryKind::File("x".into()));
    big_ids.attrs.uid = 100_000_000;
    big_ids.attrs.gid = 3_000_000;
    let mut old = entry("/etc/old", 0o644, EntryKind::File("".into()));
    old.attrs.mtime = Timestamp::from_secs(-86_400);
    let mut caps = entry(
        "/bin/ping",
        0o4755,
        EntryKind::File(Content::modelled(70_000, 7)),
    );
    caps.attrs.xattrs.insert(
        "security.capability".into(),
        vec![1, 0, 0, 2, 0, 0x20, 0, 0],
    );
    Changeset {
        entries: vec![
            entry("/bin", 0o755, EntryKind::Dir),
            entry("/bin/x", 0o600, EntryKind::Whiteout),
            caps,
            entry("/bin/sh", 0o777, EntryKind::Symlink("busybox".into())),
            entry("/bin/sh2", 0o755, EntryKind::Hardlink("/bin/ping".into())),
            entry("/dev", 0o755, EntryKind::Dir),
            entry(
                "/dev/null",
                0o666,
                EntryKind::CharDevice { major: 1, minor: 3 },
            ),
            entry(
                "/dev/sda",
                0o660,
                EntryKind::BlockDevice { major: 8, minor: 0 },
            ),
            entry("/dev/fifo", 0o644, EntryKind::Fifo),
            entry("/etc", 0o755, EntryKind::Dir),
            old,
            big_ids,
            entry("/opt", 0o755, EntryKind::Dir),
            entry(&long_dir, 0o755, EntryKind::Dir),
            entry(&long_dir, 0o755, EntryKind::Opaque),
            entry(&long_file, 0o644, EntryKind::File("long".into())),
            entry("/tmp", 0o1777, EntryKind::Dir),
            entry(
                "/tmp/link",
                0o777,
                EntryKind::Symlink(format!("/{}", "t".repeat(150))),
            ),
        ],
    }
}

#[test]
fn every_kind_of_entry_round_trips() {
    let cs = every_kind();
    let tar = to_tar(&cs).unwrap();
    assert_eq!(tar.len() % 512, 0);
    let back = read_layer(&tar, &ReadLimits::DEFAULT).unwrap();
    assert_eq!(back.entries.len(), cs.entries.len());
    for (a, b) in cs.entries.iter().zip(&back.entries) {
        assert_eq!(a.tar_name(), b.tar_name());
        assert_eq!(a.attrs, b.attrs, "{}", a.path);
    }
    assert_eq!(
        back.entries[2].kind,
        EntryKind::File(Content::from(Content::modelled(70_000, 7).bytes().to_vec()))
    );
}

#[test]
fn writing_is_deterministic_and_gzip_reads_back() {
    let cs = every_kind();
    let (plain, d1) = write_layer(&cs, Compression::None).unwrap();
    let (gz, d2) = write_layer(&cs, Compression::Gzip).unwrap();
    assert_eq!(d1.diff_id, d2.diff_id);
    assert_eq!(d1.digest, d1.diff_id);
    assert_ne!(d2.digest, d2.diff_id);
    assert_eq!(d2.size, gz.len() as u64);
    assert_eq!(
        write_layer(&cs, Compression::Gzip).unwrap().0,
        gz,
        "gzip output must not depend on the clock"
    );
    assert_eq!(strata_image::layer::real_diff_id(&cs).unwrap(), d1.diff_id);
    assert_eq!(strata_image::Digest::of(&plain), d1.diff_id);
    // The layer has a modelled file: the diff_id a build records names its description, not these bytes.
    assert!(cs.is_modelled());
    assert_ne!(strata_image::layer::diff_id(&cs).unwrap(), d1.diff_id);
    assert_eq!(
        read_layer(&gz, &ReadLimits::DEFAULT).unwrap(),
        read_layer(&plain, &ReadLimits::DEFAULT).unwrap()
    );
}

/// A tar with raw names and link targets, bypassing every check a writer would make.
fn raw_tar(entries: &[(&str, u8, &str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, ty, link, data) in entries {
        let mut h = tar::Header::new_ustar();
        h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        h.as_old_mut().linkname[..link.len()].copy_from_slice(link.as_bytes());
        h.set_entry_type(tar::EntryType::new(*ty));
        h.set_mode(0o644);
        h.set_size(data.len() as u64);
        h.set_mtime(0);
        h.set_uid(0);
        h.set_gid(0);
        h.set_cksum();
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

#[track_caller]
fn rejects(tar: &[u8], entry: &str, why: &str) {
    match read_layer(tar, &ReadLimits::DEFAULT) {
        Err(Error::Archive { entry: e, reason }) => {
            assert_eq!(e, entry);
            assert!(reason.contains(why), "{reason:?} should say {why:?}");
        }
        other => panic!("expected an archive error for {entry}, got {other:?}"),
    }
}

#[test]
fn bad_layers_are_refused_naming_the_entry() {
    type Case<'a> = (&'a [(&'a str, u8, &'a str, &'a [u8])], &'a str, &'a str);
    let cases: &[Case] = &[
        (
            &[("../etc/passwd", b'0', "", b"x")],
            "../etc/passwd",
            "`..`",
        ),
        (&[("a/../../x", b'0', "", b"x")], "a/../../x", "`..`"),
        (
            &[("/etc/passwd", b'0', "", b"x")],
            "/etc/passwd",
            "absolute",
        ),
        (
            &[("a/l", b'2', "../../etc", b"")],
            "a/l",
            "outside the root",
        ),
        (&[("l", b'2', "/../x", b"")], "l", "outside the root"),
        (
            &[("h", b'1', "../etc/shadow", b"")],
            "h",
            "outside the root",
        ),
        (&[("h", b'1', "/etc/shadow", b"")], "h", "outside the root"),
        (
            &[("a/.wh...", b'0', "", b"")],
            "a/.wh...",
            "outside its directory",
        ),
        (&[("a/.wh.", b'0', "", b"")], "a/.wh.", "without a name"),
        (
            &[("a", b'0', "", b"1"), ("./a", b'0', "", b"2")],
            "./a",
            "duplicate",
        ),
        (&[("s", b'Z', "", b"")], "s", "unsupported entry type"),
        (&[("l", b'2', "", b"")], "l", "without a target"),
    ];
    for (entries, entry, why) in cases {
        rejects(&raw_tar(entries), entry, why);
    }
    // Links that stay inside are fine, relative or absolute.
    let ok = raw_tar(&[
        ("a/b/l", b'2', "../../c", b""),
        ("a/m", b'2', "/etc/x", b""),
        ("a/h", b'1', "./a/b/l", b""),
    ]);
    assert_eq!(
        read_layer(&ok, &ReadLimits::DEFAULT).unwrap().entries.len(),
        3
    );
}

#[test]
fn truncated_and_corrupt_streams_are_errors_never_panics() {
    let tar = to_tar(&every_kind()).unwrap();
    let full = read_layer(&tar, &ReadLimits::DEFAULT).unwrap();
    // Every cut of the stream short of the end-of-archive marker fails; none panics.
    let end_of_data = tar.len() - 1024;
    for cut in (0..end_of_data).step_by(97).chain([end_of_data, 512, 1]) {
        assert!(
            read_layer(&tar[..cut], &ReadLimits::DEFAULT).is_err(),
            "cut at {cut} was accepted"
        );
    }
    // The name of the entry cut in the middle is in the error.
    let cut = 512 * 5 + 100;
    assert!(
        matches!(read_layer(&tar[..cut], &ReadLimits::DEFAULT), Err(Error::Archive { entry, .. }) if !entry.is_empty())
    );
    // Flipped bytes: any result but a panic.
    for i in (0..tar.len()).step_by(13) {
        let mut bad = tar.clone();
        bad[i] ^= 0x5a;
        let _ = read_layer(&bad, &ReadLimits::DEFAULT);
    }
    let gz = gzip(&tar);
    for cut in (0..gz.len()).step_by(31) {
        let res = read_layer(&gz[..cut], &ReadLimits::DEFAULT);
        assert!(
            res.is_err() || res.as_ref().ok() == Some(&full),
            "gzip cut at {cut}"
        );
    }
}

#[test]
fn a_gzip_bomb_stops_at_the_limit() {
    let zeros = vec![0u8; 4 << 20];
    let cs = Changeset {
        entries: vec![entry("/zeros", 0o644, EntryKind::File(zeros.into()))],
    };
    let (gz, _) = write_layer(&cs, Compression::Gzip).unwrap();
    assert!(gz.len() < 100_000, "{} bytes compressed", gz.len());
    let limits = ReadLimits {
        max_expanded: 1 << 20,
        ..ReadLimits::DEFAULT
    };
    match read_layer(&gz, &limits) {
        Err(Error::Archive { entry, reason }) => {
            assert_eq!(entry, "zeros");
            assert!(reason.contains("limit"), "{reason}");
        }
        other => panic!("bomb accepted: {other:?}"),
    }
    let limits = ReadLimits {
        max_entries: 0,
        ..ReadLimits::DEFAULT
    };
    assert!(read_layer(&gz, &limits).is_err());
}

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(crate::support::test_data(rel)).unwrap()
}

/// The diff_id of `test_data/foreign/gnu.tar`, which the zstd fixtures hold.
const GNU_TAR_DIFF_ID: &str =
    "sha256:d5463439b16c39433669e2b1de20910de9139f4e51021e984fa58c96ffda0706";

/// Layers compressed by the zstd CLI: one frame with a checksum, and three frames (one skippable) as
/// parallel compressors write them. Both read as the tar they hold.
#[test]
fn zstd_layers_from_the_zstd_cli_read_like_their_tar() {
    let tar = fixture("foreign/gnu.tar");
    let want = read_layer(&tar, &ReadLimits::DEFAULT).unwrap();
    for name in ["zstd/layer.tar.zst", "zstd/multi.tar.zst"] {
        let blob = fixture(name);
        assert_eq!(Compression::detect(&blob), Compression::Zstd, "{name}");
        let mut plain = Vec::new();
        decompressor(&blob[..], Compression::Zstd)
            .read_to_end(&mut plain)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(Digest::of(&plain).to_string(), GNU_TAR_DIFF_ID, "{name}");
        let got = read_layer(&blob, &ReadLimits::DEFAULT).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(got, want, "{name}");
    }
}

/// 582 bytes that expand to 16 MiB: the expanded-size limit stops the decoder, naming the entry.
#[test]
fn a_zstd_bomb_stops_at_the_limit() {
    let bomb = fixture("zstd/bomb.tar.zst");
    let limits = ReadLimits {
        max_expanded: 1 << 20,
        ..ReadLimits::DEFAULT
    };
    match read_layer(&bomb, &limits) {
        Err(Error::Archive { entry, reason }) => {
            assert_eq!(entry, "zeros");
            assert!(reason.contains("limit"), "{reason}");
        }
        other => panic!("bomb accepted: {other:?}"),
    }
    // Under the default limit it is just a 16 MiB layer.
    let cs = read_layer(&bomb, &ReadLimits::DEFAULT).unwrap();
    assert!(
        matches!(&cs.entries[..], [e] if matches!(&e.kind, EntryKind::File(c) if c.len() == 16 << 20))
    );
}

/// Cut, flipped, checksum-damaged and not-zstd-at-all streams are clear errors that say zstd, never panics.
#[test]
fn corrupt_and_truncated_zstd_streams_are_clear_errors() {
    let blob = fixture("zstd/layer.tar.zst");
    let full = read_layer(&blob, &ReadLimits::DEFAULT).unwrap();
    let says_zstd = |res: Result<Changeset, Error>, what: &str| match res {
        Err(Error::Archive { reason, .. }) => {
            assert!(
                reason.contains("zstd"),
                "{what}: {reason:?} should say zstd"
            )
        }
        other => panic!("{what}: accepted: {other:?}"),
    };
    for cut in (4..blob.len()).step_by(7) {
        says_zstd(
            read_layer(&blob[..cut], &ReadLimits::DEFAULT),
            &format!("cut at {cut}"),
        );
    }
    // The last 4 bytes are the content checksum (xxhash64, low 32 bits).
    let mut bad_sum = blob.clone();
    let last = bad_sum.len() - 1;
    bad_sum[last] ^= 0xff;
    says_zstd(read_layer(&bad_sum, &ReadLimits::DEFAULT), "bad checksum");
    // The magic number and nothing valid after it.
    says_zstd(
        read_layer(
            &[0x28, 0xb5, 0x2f, 0xfd, 0xff, 0xff, 0xff, 0xff],
            &ReadLimits::DEFAULT,
        ),
        "garbage frame header",
    );
    // Garbage after a complete frame.
    let mut trailing = blob.clone();
    trailing.extend_from_slice(b"not a frame");
    says_zstd(
        read_layer(&trailing, &ReadLimits::DEFAULT),
        "trailing garbage",
    );
    // Flipped bytes anywhere: an error or, by luck, the same layer; never a panic.
    for i in 0..blob.len() {
        let mut bad = blob.clone();
        bad[i] ^= 0x5a;
        let res = read_layer(&bad, &ReadLimits::DEFAULT);
        assert!(
            res.is_err() || res.as_ref().ok() == Some(&full),
            "flip at {i}"
        );
    }
}

/// Tars made by GNU tar (GNU long names) and by GNU tar in PAX format, as `setup.sh` makes the oracle's base:
/// `./` prefixes, a `./` root entry, setuid and sticky bits, a symlink, a hard link, a path over 100 bytes.
#[test]
fn gnu_and_pax_tars_from_gnu_tar_read_and_apply() {
    let long = "/usr/share/a-directory-with-a-rather-long-name-to-push-the-path-over-one-hundred-bytes/and-deeper/file-with-a-long-name.txt";
    let mut listings = Vec::new();
    for name in ["gnu.tar", "pax.tar"] {
        let bytes = std::fs::read(crate::support::test_data(&format!("foreign/{name}"))).unwrap();
        let cs = read_layer(&bytes, &ReadLimits::DEFAULT).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(cs.entries[0].path, "/", "{name}: the `./` root entry");
        let mut t = strata_image::Tree::new();
        cs.apply(&mut t).unwrap();
        assert_eq!(t.lstat("/bin/busybox").unwrap().attrs.mode, 0o4755);
        assert_eq!(
            t.lstat("/bin/busybox").unwrap().nlink,
            2,
            "{name}: the hard link"
        );
        assert_eq!(t.lstat("/tmp").unwrap().attrs.mode, 0o1777);
        assert_eq!(t.read_link("/bin/sh").unwrap(), "busybox");
        assert_eq!(&*t.read("/bin/sh").unwrap().bytes(), b"busybox");
        assert_eq!(&*t.read(long).unwrap().bytes(), b"long\n");
        // What strata writes for it reads back the same.
        let again = read_layer(&to_tar(&cs).unwrap(), &ReadLimits::DEFAULT).unwrap();
        assert_eq!(again, cs, "{name}");
        listings.push(cs.listing());
    }
    assert_eq!(
        listings[0], listings[1],
        "GNU and PAX forms of one tree list the same"
    );
}

#[test]
fn a_seekable_read_skips_the_contents_it_leaves_in_the_stream() {
    let mut layer = every_kind();
    layer.entries.push(entry(
        "/big.bin",
        0o644,
        EntryKind::File(Content::from_bytes(
            (0..300_000u32)
                .map(|i| (i % 251) as u8)
                .collect::<Vec<u8>>(),
        )),
    ));
    let tar = strata_image::layer::to_tar(&layer).unwrap();
    let whole = strata_image::layer::read_tar(&tar[..], &ReadLimits::DEFAULT).unwrap();
    // Files of 1,000 bytes or more stay in the stream, as a store leaves them in the blob.
    let mut taken = 0;
    let mut external = |offset: u64, len: u64| {
        (len >= 1000).then(|| {
            taken += 1;
            let (o, l) = (offset as usize, len as usize);
            Content::from_bytes(tar[o..o + l].to_vec())
        })
    };
    let seeked = strata_image::layer::read_tar_seekable(
        std::io::Cursor::new(&tar[..]),
        &ReadLimits::DEFAULT,
        &mut external,
    )
    .unwrap();
    assert!(taken >= 1);
    assert_eq!(seeked, whole);
    // The expanded-size limit still counts what is skipped.
    let small = ReadLimits {
        max_expanded: 100_000,
        ..ReadLimits::DEFAULT
    };
    let err = strata_image::layer::read_tar_seekable(
        std::io::Cursor::new(&tar[..]),
        &small,
        &mut |_, len| (len >= 1000).then(|| Content::modelled(len, 0)),
    )
    .unwrap_err();
    assert!(err.to_string().contains("limit"), "{err}");
}

#[test]
fn a_modelled_layer_is_described_by_sizes_and_seeds_and_reads_back_the_same() {
    let cs = every_kind();
    let modelled = cs
        .entries
        .iter()
        .find_map(|e| match &e.kind {
            EntryKind::File(c) if c.is_modelled() => Some(c.len()),
            _ => None,
        })
        .unwrap();
    let described = strata_image::layer::write_described_tar(&cs, Vec::new()).unwrap();
    let real = strata_image::layer::to_tar(&cs).unwrap();
    // The description holds no modelled byte, only the records that say what they are.
    assert!(
        (described.len() as u64) + modelled <= real.len() as u64,
        "{} + {modelled} > {}",
        described.len(),
        real.len()
    );
    let text = String::from_utf8_lossy(&described);
    assert!(text.contains("STRATA.modelled.size=70000"), "{text}");
    assert!(text.contains("STRATA.modelled.seed=7"), "{text}");
    assert_eq!(
        strata_image::layer::diff_id(&cs).unwrap(),
        strata_image::Digest::of(&described)
    );
    // Read back, the modelled file is modelled again (same size and seed), everything else as written.
    let back = read_layer(&described, &ReadLimits::DEFAULT).unwrap();
    assert_eq!(back, cs);
    // A layer with no modelled file is described by its own tar.
    let plain = Changeset {
        entries: cs
            .entries
            .iter()
            .filter(|e| !matches!(&e.kind, EntryKind::File(c) if c.is_modelled()))
            .cloned()
            .collect(),
    };
    assert!(!plain.is_modelled());
    assert_eq!(
        strata_image::layer::write_described_tar(&plain, Vec::new()).unwrap(),
        strata_image::layer::to_tar(&plain).unwrap()
    );
}

#[test]
fn a_broken_description_is_refused() {
    use tar::{Builder, EntryType, Header};
    let tar_with = |records: &[(&str, &str)], body: &[u8]| {
        let mut b = Builder::new(Vec::new());
        b.append_pax_extensions(records.iter().map(|(k, v)| (*k, v.as_bytes())))
            .unwrap();
        let mut h = Header::new_ustar();
        h.set_entry_type(EntryType::Regular);
        h.set_path("f").unwrap();
        h.set_size(body.len() as u64);
        h.set_mode(0o644);
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(0);
        h.set_cksum();
        b.append(&h, body).unwrap();
        b.into_inner().unwrap()
    };
    // (size, seed, the entry's body, what the error says)
    let cases: [(&str, Option<&str>, &[u8], &str); 4] = [
        ("10", None, b"", "needs both"),
        ("10", Some("x"), b"", "seed"),
        ("10", Some("1"), b"abc", "has bytes"),
        ("99999999999999", Some("1"), b"", "limit"),
    ];
    for (size, seed, body, why) in cases {
        let mut records = vec![("STRATA.modelled.size", size)];
        records.extend(seed.map(|s| ("STRATA.modelled.seed", s)));
        let err = read_layer(&tar_with(&records, body), &ReadLimits::DEFAULT)
            .unwrap_err()
            .to_string();
        assert!(err.contains(why), "{records:?}: {err}");
    }
}
