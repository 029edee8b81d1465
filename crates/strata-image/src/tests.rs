//! Unit tests: path resolution, tree operations, digests, content.

use crate::digest::chain_id;
use crate::{Attrs, Content, Digest, Error, NodeKind, Timestamp, Tree};

fn a(mode: u32) -> Attrs {
    Attrs::new(mode, 0, 0, Timestamp::default())
}

fn sample() -> Tree {
    let mut t = Tree::new();
    t.mkdir_all("/usr/lib", a(0o755)).unwrap();
    t.insert("/usr/lib/libc.so", a(0o755), NodeKind::File("elf".into()))
        .unwrap();
    t.insert("/lib", a(0o777), NodeKind::Symlink("usr/lib".into()))
        .unwrap();
    t.insert(
        "/abs",
        a(0o777),
        NodeKind::Symlink("/usr/lib/libc.so".into()),
    )
    .unwrap();
    t.insert("/up", a(0o777), NodeKind::Symlink("../../../../usr".into()))
        .unwrap();
    t.insert("/loop1", a(0o777), NodeKind::Symlink("loop2".into()))
        .unwrap();
    t.insert("/loop2", a(0o777), NodeKind::Symlink("/loop1".into()))
        .unwrap();
    t.insert("/dangling", a(0o777), NodeKind::Symlink("nowhere/x".into()))
        .unwrap();
    t
}

#[test]
fn resolution_follows_links_inside_the_root() {
    let t = sample();
    let cases: &[(&str, Result<&str, Error>)] = &[
        ("/lib/libc.so", Ok("/usr/lib/libc.so")),
        ("lib/libc.so", Ok("/usr/lib/libc.so")),
        ("/abs", Ok("/usr/lib/libc.so")),
        // `..` at the root stays at the root, also inside a link target.
        ("/../../usr/lib", Ok("/usr/lib")),
        ("/up/lib/libc.so", Ok("/usr/lib/libc.so")),
        ("/usr/./lib/../lib/", Ok("/usr/lib")),
        ("/loop1", Err(Error::TooManyLinks("/loop1".into()))),
        ("/loop1/x", Err(Error::TooManyLinks("/loop1/x".into()))),
        (
            "/usr/lib/libc.so/x",
            Err(Error::NotADirectory("/usr/lib/libc.so/x".into())),
        ),
        (
            "/usr/lib/libc.so/",
            Err(Error::NotADirectory("/usr/lib/libc.so/".into())),
        ),
        ("/missing/x", Err(Error::NotFound("/missing/x".into()))),
        ("/dangling", Err(Error::NotFound("/dangling".into()))),
        ("/usr/lib/new-name", Ok("/usr/lib/new-name")),
    ];
    for (path, want) in cases {
        let got = t.canonicalize(path);
        assert_eq!(got.as_deref().map_err(Clone::clone), want.clone(), "{path}");
    }
}

#[test]
fn forty_links_resolve_and_forty_one_do_not() {
    let mut t = Tree::new();
    t.insert("/l0", a(0o644), NodeKind::File("end".into()))
        .unwrap();
    for i in 1..=41 {
        t.insert(
            &format!("/l{i}"),
            a(0o777),
            NodeKind::Symlink(format!("l{}", i - 1)),
        )
        .unwrap();
    }
    assert_eq!(&*t.read("/l40").unwrap().bytes(), b"end");
    assert_eq!(t.read("/l41"), Err(Error::TooManyLinks("/l41".into())));
}

#[test]
fn hardlinks_share_the_inode() {
    let mut t = Tree::new();
    let now = Timestamp::from_secs(5);
    t.write("/a", "one".into(), a(0o644), now).unwrap();
    t.link("/a", "/b", now).unwrap();
    assert_eq!(t.lstat("/b").unwrap().nlink, 2);
    t.append("/b", b"two", a(0o644), now).unwrap();
    assert_eq!(&*t.read("/a").unwrap().bytes(), b"onetwo");
    t.remove_file("/a", now).unwrap();
    assert_eq!(t.lstat("/b").unwrap().nlink, 1);
    assert_eq!(t.len(), 2);
}

#[test]
fn operations_behave_like_the_kernel() {
    let mut t = sample();
    let now = Timestamp::from_secs(9);
    assert_eq!(
        t.mkdir("/usr", a(0o755)),
        Err(Error::AlreadyExists("/usr".into()))
    );
    assert_eq!(
        t.remove_file("/usr", now),
        Err(Error::IsADirectory("/usr".into()))
    );
    assert_eq!(
        t.remove_dir("/usr", now),
        Err(Error::DirectoryNotEmpty("/usr".into()))
    );
    // Writing through a dangling symlink's directory fails; through a symlink to a file, writes the file.
    assert!(t.write("/dangling", "x".into(), a(0o644), now).is_err());
    t.write("/abs", "new".into(), a(0o644), now).unwrap();
    assert_eq!(&*t.read("/usr/lib/libc.so").unwrap().bytes(), b"new");
    assert_eq!(
        t.lstat("/usr/lib").unwrap().attrs.mtime,
        Timestamp::default(),
        "overwrite keeps dir mtime"
    );
    // Setuid, setgid and sticky bits survive.
    t.set_mode("/usr/lib/libc.so", 0o7755).unwrap();
    assert_eq!(t.stat("/lib/libc.so").unwrap().attrs.mode, 0o7755);
    // Rename keeps identity; a directory cannot move into itself.
    let ident = t.lstat("/usr/lib").unwrap().ident;
    t.rename("/usr/lib", "/usr/lib64", now).unwrap();
    assert_eq!(t.lstat("/usr/lib64").unwrap().ident, ident);
    assert!(matches!(
        t.rename("/usr", "/usr/lib64/x", now),
        Err(Error::InvalidPath { .. })
    ));
    // rm -rf frees the whole subtree for reuse.
    let before = t.len();
    t.remove_all("/usr", now).unwrap();
    assert_eq!(t.len(), before - 3);
    assert_eq!(t.lstat("/").unwrap().attrs.mtime, now);
}

#[test]
fn modelled_content_is_deterministic_and_streamable() {
    use std::io::Read;
    let c = Content::modelled(5_000_003, 42);
    let all = c.bytes().into_owned();
    assert_eq!(all.len(), 5_000_003);
    let mut streamed = Vec::new();
    let mut r = c.reader();
    let mut buf = [0u8; 4093];
    loop {
        let n = r.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        streamed.extend_from_slice(&buf[..n]);
    }
    assert_eq!(all, streamed);
    assert_eq!(
        Content::modelled(16, 42).bytes(),
        Content::modelled(16, 42).bytes()
    );
    assert_ne!(
        Content::modelled(16, 42).bytes(),
        Content::modelled(16, 43).bytes()
    );
}

#[test]
fn digests_chain_ids_and_parsing() {
    let e = Digest::of(b"");
    assert_eq!(
        e.to_string(),
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(e.to_string().parse::<Digest>(), Ok(e));
    for bad in [
        "e3b0",
        "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        "sha512:00",
    ] {
        assert!(bad.parse::<Digest>().is_err(), "{bad}");
    }
    let (a, b) = (Digest::of(b"a"), Digest::of(b"b"));
    assert_eq!(chain_id(&[]), None);
    assert_eq!(chain_id(&[a]), Some(a));
    assert_eq!(
        chain_id(&[a, b]),
        Some(Digest::of(format!("{a} {b}").as_bytes()))
    );
}

mod apply {
    use crate::{Attrs, Changeset, Content, Entry, EntryKind, Error, NodeKind, Timestamp, Tree};

    fn e(path: &str, mode: u32, kind: EntryKind) -> Entry {
        Entry {
            path: path.into(),
            attrs: Attrs::new(mode, 0, 0, Timestamp::from_secs(50)),
            kind,
        }
    }

    fn base() -> Tree {
        let mut t = Tree::new();
        let a = Attrs::new(0o755, 0, 0, Timestamp::from_secs(1));
        t.mkdir_all("/a/b/c", a.clone()).unwrap();
        t.insert("/a/b/c/bar", a.clone(), NodeKind::File("bar".into()))
            .unwrap();
        t.insert("/a/f", a.clone(), NodeKind::File("f".into()))
            .unwrap();
        t.insert("/d", a, NodeKind::Dir).unwrap();
        t
    }

    fn names(t: &Tree) -> Vec<String> {
        t.entries().into_iter().map(|(p, _)| p).collect()
    }

    #[test]
    fn the_opaque_marker_applies_first_wherever_it_is() {
        // OCI layer.md's example: `a/b` deleted and recreated with `a/b/c/foo`, marker last.
        let layer = Changeset {
            entries: vec![
                e("/a", 0o755, EntryKind::Dir),
                e("/a/b", 0o755, EntryKind::Dir),
                e("/a/b/c", 0o755, EntryKind::Dir),
                e("/a/b/c/foo", 0o644, EntryKind::File("foo".into())),
                e("/a", 0o755, EntryKind::Opaque),
            ],
        };
        let mut t = base();
        layer.apply(&mut t).unwrap();
        assert_eq!(names(&t), ["/a", "/a/b", "/a/b/c", "/a/b/c/foo", "/d"]);
    }

    #[test]
    fn entries_replace_or_update_as_the_spec_says() {
        let mut t = base();
        let before = t.lstat("/a/b").unwrap().ident;
        let layer = Changeset {
            entries: vec![
                // Dir over dir: attributes only, children stay, identity stays.
                e("/a/b", 0o700, EntryKind::Dir),
                // File over dir: the directory and its subtree go.
                e("/d", 0o644, EntryKind::File("now a file".into())),
                // Whiteouts: of a directory, and of something absent (ignored).
                e("/a/b/c", 0o600, EntryKind::Whiteout),
                e("/nothing/here", 0o600, EntryKind::Whiteout),
                // Missing parents are created.
                e("/x/y/z", 0o644, EntryKind::File(Content::modelled(10, 1))),
                e("/x/y/h", 0o644, EntryKind::Hardlink("/x/y/z".into())),
            ],
        };
        layer.apply(&mut t).unwrap();
        assert_eq!(
            names(&t),
            ["/a", "/a/b", "/a/f", "/d", "/x", "/x/y", "/x/y/h", "/x/y/z"]
        );
        let b = t.lstat("/a/b").unwrap();
        assert_eq!((b.attrs.mode, b.ident), (0o700, before));
        assert_eq!(t.lstat("/x/y/h").unwrap().nlink, 2);
        // A dangling hard link is an error naming the entry.
        let bad = Changeset {
            entries: vec![e("/h", 0o644, EntryKind::Hardlink("/missing".into()))],
        };
        assert!(matches!(bad.apply(&mut t), Err(Error::Archive { entry, .. }) if entry == "h"));
        let bad = Changeset {
            entries: vec![e("a/../b", 0o644, EntryKind::Dir)],
        };
        assert!(matches!(bad.apply(&mut t), Err(Error::Archive { .. })));
    }

    #[test]
    fn tar_names_are_dockers() {
        let cases = [
            (e("/a/b", 0o755, EntryKind::Dir), "a/b/"),
            (e("/", 0o755, EntryKind::Dir), "./"),
            (e("/a/b", 0o600, EntryKind::Whiteout), "a/.wh.b"),
            (e("/top", 0o600, EntryKind::Whiteout), ".wh.top"),
            (e("/a", 0o755, EntryKind::Opaque), "a/.wh..wh..opq"),
            (e("/", 0o755, EntryKind::Opaque), ".wh..wh..opq"),
            (e("/a/l", 0o777, EntryKind::Symlink("x".into())), "a/l"),
        ];
        for (entry, name) in cases {
            assert_eq!(entry.tar_name(), name);
        }
    }

    #[test]
    fn applying_a_root_entry_sets_the_root_and_adds_no_nameless_child() {
        let mut t = Tree::new();
        let cs = Changeset {
            entries: vec![
                e("/", 0o700, EntryKind::Dir),
                e("/a", 0o755, EntryKind::Dir),
                e(
                    "/a/f",
                    0o644,
                    EntryKind::File(Content::from("x".as_bytes())),
                ),
                e(
                    "/a/g",
                    0o600,
                    EntryKind::File(Content::from("y".as_bytes())),
                ),
            ],
        };
        cs.apply(&mut t).unwrap();
        assert_eq!(t.read_dir("/").unwrap(), vec!["a".to_owned()]);
        assert_eq!(
            t.read_dir("/a").unwrap(),
            vec!["f".to_owned(), "g".to_owned()]
        );
        assert_eq!(t.lstat("/").unwrap().attrs.mode, 0o700);
        assert_eq!(t.lstat("/a/g").unwrap().attrs.mode, 0o600);
        // Applying again replaces in place (the general path), still with no stray names.
        cs.apply(&mut t).unwrap();
        assert_eq!(
            t.read_dir("/a").unwrap(),
            vec!["f".to_owned(), "g".to_owned()]
        );
    }
}
