//! Shared test helpers: the busybox-like base tree, a common interface over `Tree` and `Overlay`, listings.

use std::path::PathBuf;

use strata_image::{Attrs, Changeset, Content, EntryKind, NodeKind, Result, Timestamp, Tree};

pub fn test_data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("test_data")
        .join(rel)
}

/// Compares `actual` with the fixture file; `UPDATE_EXPECT=1` rewrites the file instead.
#[track_caller]
pub fn check_file(rel: &str, actual: &str) {
    let path = test_data(rel);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, actual).expect("write fixture");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "fixture {} is missing ({e}); run with UPDATE_EXPECT=1",
            path.display()
        )
    });
    assert_eq!(
        actual, expected,
        "fixture {rel} differs (UPDATE_EXPECT=1 rewrites it)"
    );
}

pub const PASSWD: &str =
    "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
pub const GROUP: &str = "root:x:0:\nnogroup:x:65534:\n";

pub fn attrs(mode: u32, t: i64) -> Attrs {
    Attrs::new(mode, 0, 0, Timestamp::from_secs(t))
}

/// The oracle's busybox base (`../shared/oracle/setup.sh`): `/bin/busybox` (modelled, 1 MiB) with applet
/// symlinks, `/etc/passwd`, `/etc/group`, `/tmp` 1777, `/root` 0700, everything mtime 0 and owned by 0:0.
pub fn busybox() -> Tree {
    let mut t = Tree::new();
    for (dir, mode) in [
        ("/bin", 0o755),
        ("/etc", 0o755),
        ("/root", 0o700),
        ("/tmp", 0o1777),
    ] {
        t.insert(dir, attrs(mode, 0), NodeKind::Dir).unwrap();
    }
    t.insert(
        "/bin/busybox",
        attrs(0o755, 0),
        NodeKind::File(Content::modelled(1 << 20, 0xb05b)),
    )
    .unwrap();
    for applet in [
        "cat", "chmod", "echo", "ls", "mkdir", "rm", "sh", "touch", "vi",
    ] {
        t.insert(
            &format!("/bin/{applet}"),
            attrs(0o777, 0),
            NodeKind::Symlink("busybox".into()),
        )
        .unwrap();
    }
    t.insert(
        "/etc/passwd",
        attrs(0o644, 0),
        NodeKind::File(PASSWD.into()),
    )
    .unwrap();
    t.insert("/etc/group", attrs(0o644, 0), NodeKind::File(GROUP.into()))
        .unwrap();
    t
}

/// The filesystem operations a RUN step performs, over both a plain tree and a copy-on-write view.
pub trait Fs {
    fn mkdir(&mut self, path: &str, attrs: Attrs) -> Result<()>;
    fn mkdir_all(&mut self, path: &str, attrs: Attrs) -> Result<()>;
    fn write(
        &mut self,
        path: &str,
        content: Content,
        new_attrs: Attrs,
        now: Timestamp,
    ) -> Result<()>;
    fn append(&mut self, path: &str, more: &[u8], new_attrs: Attrs, now: Timestamp) -> Result<()>;
    fn remove_file(&mut self, path: &str, now: Timestamp) -> Result<()>;
    fn remove_all(&mut self, path: &str, now: Timestamp) -> Result<()>;
    fn set_mode(&mut self, path: &str, mode: u32) -> Result<()>;
    fn set_mtime(&mut self, path: &str, t: Timestamp) -> Result<()>;
}

macro_rules! impl_fs {
    ($t:ty) => {
        impl Fs for $t {
            fn mkdir(&mut self, path: &str, attrs: Attrs) -> Result<()> {
                <$t>::mkdir(self, path, attrs)
            }
            fn mkdir_all(&mut self, path: &str, attrs: Attrs) -> Result<()> {
                <$t>::mkdir_all(self, path, attrs)
            }
            fn write(
                &mut self,
                path: &str,
                content: Content,
                new_attrs: Attrs,
                now: Timestamp,
            ) -> Result<()> {
                <$t>::write(self, path, content, new_attrs, now)
            }
            fn append(
                &mut self,
                path: &str,
                more: &[u8],
                new_attrs: Attrs,
                now: Timestamp,
            ) -> Result<()> {
                <$t>::append(self, path, more, new_attrs, now)
            }
            fn remove_file(&mut self, path: &str, now: Timestamp) -> Result<()> {
                <$t>::remove_file(self, path, now)
            }
            fn remove_all(&mut self, path: &str, now: Timestamp) -> Result<()> {
                <$t>::remove_all(self, path, now)
            }
            fn set_mode(&mut self, path: &str, mode: u32) -> Result<()> {
                <$t>::set_mode(self, path, mode)
            }
            fn set_mtime(&mut self, path: &str, t: Timestamp) -> Result<()> {
                <$t>::set_mtime(self, path, t)
            }
        }
    };
}
impl_fs!(Tree);
impl_fs!(strata_image::Overlay);

/// `mode uid/gid size mtime name` per entry in archive order (see test_data/exp-e/README.md).
pub fn tar_listing(cs: &Changeset) -> String {
    let mut out = String::new();
    for e in &cs.entries {
        let (t, size) = match &e.kind {
            EntryKind::Dir => ('d', 0),
            EntryKind::File(c) => ('-', c.len()),
            EntryKind::Symlink(_) => ('l', 0),
            EntryKind::Hardlink(_) => ('h', 0),
            EntryKind::CharDevice { .. } => ('c', 0),
            EntryKind::BlockDevice { .. } => ('b', 0),
            EntryKind::Fifo => ('p', 0),
            EntryKind::Whiteout | EntryKind::Opaque => ('-', 0),
        };
        let mut perm = String::new();
        for (i, c) in "rwxrwxrwx".chars().enumerate() {
            perm.push(if e.attrs.mode & (1 << (8 - i)) != 0 {
                c
            } else {
                '-'
            });
        }
        out.push_str(&format!(
            "{t}{perm} {}/{} {size} {} {}\n",
            e.attrs.uid,
            e.attrs.gid,
            e.attrs.mtime.secs,
            e.tar_name()
        ));
    }
    out
}

/// Every path of a tree with its type, contents, attributes and link count, but not its identity (which
/// differs between equal trees built in different ways).
pub fn fs_listing(t: &Tree) -> String {
    let mut out = String::new();
    for (path, st) in t.entries() {
        out.push_str(&format!(
            "{path} {:?} {:?} nlink={}\n",
            st.kind, st.attrs, st.nlink
        ));
    }
    out
}

/// `tar_listing` with whiteouts' mtimes zeroed: `diff` of whole trees cannot know when a path was deleted
/// (it uses the parent directory's mtime), the copy-on-write view records the moment.
pub fn tar_listing_any_whiteout_time(cs: &Changeset) -> String {
    let mut cs = cs.clone();
    for e in &mut cs.entries {
        if e.kind == EntryKind::Whiteout {
            e.attrs.mtime = Timestamp::default();
        }
    }
    tar_listing(&cs)
}
