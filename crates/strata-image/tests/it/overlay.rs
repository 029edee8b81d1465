//! The copy-on-write view, case by case (`test_data/overlay/*.txt`), and checked against `diff` of whole trees
//! on long pseudo-random operation sequences.
//!
//! A case file is a script of shell-like operations, `---`, then the expected layer in archive order (see
//! `support::tar_listing`). Each operation runs one second after the previous one, starting at 1000. The
//! script runs through an [`Overlay`] and, separately, on a clone of the base tree whose layer is computed by
//! [`diff`]: both must give the expected layer, and the same merged filesystem.

use std::sync::Arc;

use strata_image::{
    diff, Attrs, Changeset, Content, Entry, EntryKind, Error, NodeKind, Overlay, Result, Timestamp,
    Tree,
};

use crate::support::{
    attrs, busybox, check_file, fs_listing, tar_listing, tar_listing_any_whiteout_time, test_data,
};

/// The base of every case: busybox plus `/srv` with a file, a subdirectory and an empty directory.
fn base() -> Tree {
    let mut t = busybox();
    t.insert("/srv", attrs(0o755, 0), NodeKind::Dir).unwrap();
    t.insert("/srv/a.txt", attrs(0o644, 0), NodeKind::File("a\n".into()))
        .unwrap();
    t.insert("/srv/sub", attrs(0o755, 0), NodeKind::Dir)
        .unwrap();
    t.insert(
        "/srv/sub/b.txt",
        attrs(0o600, 0),
        NodeKind::File("b\n".into()),
    )
    .unwrap();
    t.insert("/srv/empty", attrs(0o755, 0), NodeKind::Dir)
        .unwrap();
    t
}

/// Everything both a tree and an overlay can do, for running one script on either.
trait Ops {
    fn op(&mut self, words: &[&str], now: Timestamp) -> Result<()>;
}

macro_rules! impl_ops {
    ($t:ty) => {
        impl Ops for $t {
            fn op(&mut self, w: &[&str], now: Timestamp) -> Result<()> {
                let file = Attrs::new(0o644, 0, 0, now);
                let dir = Attrs::new(0o755, 0, 0, now);
                let text = |s: &str| Content::from(s.replace("\\n", "\n").as_str());
                match w {
                    ["mkdir", p] => self.mkdir(p, dir),
                    ["mkdir", "-p", p] => self.mkdir_all(p, dir),
                    ["write", p, s] => self.write(p, text(s), file, now),
                    ["append", p, s] => self.append(p, text(s).bytes().as_ref(), file, now),
                    ["rm", p] => self.remove_file(p, now),
                    ["rm", "-rf", p] => self.remove_all(p, now),
                    ["rmdir", p] => self.remove_dir(p, now),
                    ["chmod", m, p] => {
                        self.set_mode(p, u32::from_str_radix(m, 8).expect("octal mode"))
                    }
                    ["chown", ids, p] => {
                        let (u, g) = ids.split_once(':').expect("uid:gid");
                        self.set_owner(p, u.parse().expect("uid"), g.parse().expect("gid"))
                    }
                    ["touch", p] => self.set_mtime(p, now),
                    ["setfattr", k, v, p] => self.set_xattr(p, k, v.as_bytes()),
                    ["ln", a, b] => self.link(a, b, now),
                    ["ln", "-s", target, p] => self.create(
                        p,
                        Attrs::new(0o777, 0, 0, now),
                        NodeKind::Symlink(target.to_string()),
                    ),
                    ["mkfifo", p] => self.create(p, file, NodeKind::Fifo),
                    ["mv", a, b] => self.rename(a, b, now),
                    other => panic!("unknown operation {other:?}"),
                }
            }
        }
    };
}
impl_ops!(Tree);
impl_ops!(Overlay);

fn run(fs: &mut dyn Ops, script: &str) -> Vec<String> {
    let mut errors = Vec::new();
    for (i, line) in script
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .enumerate()
    {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let Err(e) = fs.op(&words, Timestamp::from_secs(1000 + i as i64)) {
            errors.push(format!("{line}: {e}"));
        }
    }
    errors
}

#[test]
fn cases() {
    let dir = test_data("overlay");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("test_data/overlay")
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    assert!(
        names.len() >= 10,
        "overlay cases missing from {}",
        dir.display()
    );
    let lower = Arc::new(base());
    for path in names {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let script = text.split("\n---\n").next().unwrap();
        let mut ov = Overlay::new(lower.clone());
        let errors = run(&mut ov, script);
        let mut tree = (*lower).clone();
        assert_eq!(
            run(&mut tree, script),
            errors,
            "{name}: the tree and the overlay disagree on errors"
        );
        let layer = ov.changeset();
        let mut actual = format!("{}\n---\n{}", script.trim_end(), tar_listing(&layer));
        for e in &errors {
            actual.push_str(&format!("error: {e}\n"));
        }
        check_file(&format!("overlay/{name}"), &actual);
        assert_eq!(
            tar_listing(&diff(&lower, &tree)),
            tar_listing(&layer),
            "{name}: diff of trees differs"
        );
        assert_eq!(
            fs_listing(&ov.merged().unwrap()),
            fs_listing(&tree),
            "{name}: merged filesystems differ"
        );
    }
}

#[test]
fn a_lower_directory_cannot_be_renamed() {
    let mut ov = Overlay::new(Arc::new(base()));
    assert_eq!(
        ov.rename("/srv/sub", "/srv/sub2", Timestamp::default()),
        Err(Error::CrossDevice("/srv/sub".into()))
    );
    ov.mkdir("/new", attrs(0o755, 1)).unwrap();
    ov.rename("/new", "/new2", Timestamp::from_secs(2)).unwrap();
    assert_eq!(
        ov.read_dir("/")
            .unwrap()
            .iter()
            .filter(|n| n.starts_with("new"))
            .count(),
        1
    );
}

#[test]
fn reads_fall_through_and_listings_merge() {
    let lower = Arc::new(base());
    let mut ov = Overlay::new(lower.clone());
    let now = Timestamp::from_secs(7);
    ov.write("/srv/c.txt", "c".into(), attrs(0o644, 7), now)
        .unwrap();
    ov.remove_file("/srv/a.txt", now).unwrap();
    assert_eq!(ov.read_dir("/srv").unwrap(), ["c.txt", "empty", "sub"]);
    assert_eq!(&*ov.read("/srv/sub/b.txt").unwrap().bytes(), b"b\n");
    assert!(matches!(ov.read("/srv/a.txt"), Err(Error::NotFound(_))));
    // Copy-up shares the contents with the lower tree.
    ov.set_mode("/bin/busybox", 0o4755).unwrap();
    let up = ov.read("/bin/busybox").unwrap();
    let low = lower.read("/bin/busybox").unwrap();
    assert!(up.ptr_eq(&low));
    // The lower tree is untouched.
    assert!(lower.exists("/srv/a.txt"));
    assert_eq!(lower.lstat("/bin/busybox").unwrap().attrs.mode, 0o755);
}

/// A deterministic generator (a linear congruential one is enough to pick operations).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

#[test]
fn overlay_and_diff_agree_on_random_scripts() {
    let paths = [
        "/srv",
        "/srv/a.txt",
        "/srv/sub",
        "/srv/sub/b.txt",
        "/srv/sub/new",
        "/srv/empty",
        "/srv/empty/x",
        "/srv/l",
        "/etc/passwd",
        "/etc/group",
        "/etc/x",
        "/bin/vi",
        "/bin/sh",
        "/bin/busybox",
        "/tmp/t",
        "/tmp/t/u",
    ];
    let lower = Arc::new(base());
    for seed in 0..100u64 {
        let mut rng = Lcg(seed);
        let mut ov = Overlay::new(lower.clone());
        let mut tree = (*lower).clone();
        for step in 0..60 {
            let p = paths[rng.next(paths.len())];
            let q = paths[rng.next(paths.len())];
            // Every chmod sets a mode no path had before: a chmod that restores an earlier mode is where
            // overlayfs (the file was copied up, so it is in the layer) and a comparison of trees (nothing
            // changed) legitimately differ.
            let mode = format!("{:o}", 0o2000 | step);
            let script = match rng.next(11) {
                0 => format!("write {p} v{step}"),
                1 => format!("append {p} +{step}"),
                2 => format!("rm {p}"),
                3 => format!("rm -rf {p}"),
                4 => format!("mkdir {p}"),
                5 => format!("mkdir -p {p}"),
                6 => format!("chmod {mode} {p}"),
                7 => format!("touch {p}"),
                8 => format!("ln {p} {q}"),
                9 => format!("ln -s {q} {p}"),
                _ => format!("mv {p} {q}"),
            };
            let words: Vec<&str> = script.split_whitespace().collect();
            let now = Timestamp::from_secs(1000 + step);
            let a = ov.op(&words, now);
            if matches!(a, Err(Error::CrossDevice(_))) {
                continue;
            }
            let b = tree.op(&words, now);
            if std::env::var_os("TRACE_SEED")
                .is_some_and(|s| s.to_string_lossy() == seed.to_string())
            {
                eprintln!("{step}: {script} -> {a:?}");
            }
            assert_eq!(a, b, "seed {seed} step {step}: `{script}`");
            assert_eq!(
                fs_listing(&ov.merged().unwrap()),
                fs_listing(&tree),
                "seed {seed} step {step}: `{script}`"
            );
        }
        let layer = ov.changeset();
        assert_eq!(
            tar_listing_any_whiteout_time(&without_pure_copy_ups(&diff(&lower, &tree), &lower)),
            tar_listing_any_whiteout_time(&without_pure_copy_ups(&layer, &lower)),
            "seed {seed}: layers differ"
        );
        assert_eq!(
            fs_listing(&ov.merged().unwrap()),
            fs_listing(&tree),
            "seed {seed}: merged filesystems differ"
        );
    }
}

/// The layer without entries that are identical to the lower tree's (and directories left with nothing to
/// carry). Overlayfs keeps a file it copied up even when a later operation restored it (`ln` then `rm` of
/// the new name, `chmod` back); a comparison of trees cannot see that, and both are right about their model.
fn without_pure_copy_ups(layer: &Changeset, lower: &Tree) -> Changeset {
    let same = |e: &Entry| {
        lower.lstat(&e.path).is_ok_and(|st| {
            let kind_same = match (&e.kind, &st.kind) {
                (EntryKind::File(a), NodeKind::File(b)) => a == b,
                (EntryKind::Symlink(a), NodeKind::Symlink(b)) => a == b,
                (EntryKind::Dir, NodeKind::Dir) => true,
                _ => false,
            };
            kind_same && st.attrs == e.attrs
        })
    };
    let mut keep: Vec<Entry> = layer
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Dir || !same(e))
        .cloned()
        .collect();
    // Drop unchanged directories with nothing left below them, deepest first.
    loop {
        let n = keep.len();
        let snapshot = keep.clone();
        keep.retain(|e| {
            e.kind != EntryKind::Dir
                || !same(e)
                || snapshot
                    .iter()
                    .any(|o| o.path.starts_with(&format!("{}/", e.path)))
                || snapshot
                    .iter()
                    .any(|o| o.kind == EntryKind::Opaque && o.path == e.path)
        });
        if keep.len() == n {
            break;
        }
    }
    Changeset { entries: keep }
}
