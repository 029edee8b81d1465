//! A layer's content: [`Changeset`], [`Changeset::apply`] and [`diff`].

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::resolve::{join, normalize};
use crate::tree::{Id, Kind, ROOT};
use crate::{Attrs, Content, Digest, Error, NodeKind, Result, Stat, Timestamp, Tree};

/// The basename prefix of a whiteout: `<dir>/.wh.<name>` deletes `<dir>/<name>`.
pub const WHITEOUT_PREFIX: &str = ".wh.";
/// The basename of an opaque marker: `<dir>/.wh..wh..opq` hides everything the lower layers have in `<dir>`.
pub const OPAQUE_MARKER: &str = ".wh..wh..opq";

/// What one changeset entry does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// Adds or replaces a directory (its attributes only; children are their own entries).
    Dir,
    /// Adds or replaces a regular file with these full contents.
    File(Content),
    /// Adds or replaces a symbolic link with this target.
    Symlink(String),
    /// Adds a second name for the entry at this absolute path (earlier in the layer, or already in the tree).
    Hardlink(String),
    /// Adds a character device.
    CharDevice {
        /// Major number.
        major: u32,
        /// Minor number.
        minor: u32,
    },
    /// Adds a block device.
    BlockDevice {
        /// Major number.
        major: u32,
        /// Minor number.
        minor: u32,
    },
    /// Adds a named pipe.
    Fifo,
    /// Deletes the entry's path from the lower layers (`.wh.<name>` in the tar).
    Whiteout,
    /// Hides all of the directory's lower-layer children (`<dir>/.wh..wh..opq` in the tar).
    Opaque,
}

/// One entry of a layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The absolute, normalized path it adds, changes or deletes (for [`EntryKind::Opaque`], the directory).
    pub path: String,
    /// Mode, owner, mtime and xattrs as recorded in the layer (for a whiteout, those of the marker file).
    pub attrs: Attrs,
    /// What the entry does.
    pub kind: EntryKind,
}

impl Entry {
    /// The entry's name inside a layer tar, as Docker writes it: relative, directories with a trailing `/`
    /// (the root as `./`), whiteouts and opaque markers as their marker files.
    pub fn tar_name(&self) -> String {
        let rel = self.path.trim_start_matches('/');
        match self.kind {
            EntryKind::Dir if rel.is_empty() => "./".to_string(),
            EntryKind::Dir => format!("{rel}/"),
            EntryKind::Opaque if rel.is_empty() => OPAQUE_MARKER.to_string(),
            EntryKind::Opaque => format!("{rel}/{OPAQUE_MARKER}"),
            EntryKind::Whiteout => match rel.rsplit_once('/') {
                Some((dir, name)) => format!("{dir}/{WHITEOUT_PREFIX}{name}"),
                None => format!("{WHITEOUT_PREFIX}{rel}"),
            },
            _ => rel.to_string(),
        }
    }

    fn from_stat(path: String, st: Stat) -> Entry {
        let kind = match st.kind {
            NodeKind::File(c) => EntryKind::File(c),
            NodeKind::Dir => EntryKind::Dir,
            NodeKind::Symlink(t) => EntryKind::Symlink(t),
            NodeKind::CharDevice { major, minor } => EntryKind::CharDevice { major, minor },
            NodeKind::BlockDevice { major, minor } => EntryKind::BlockDevice { major, minor },
            NodeKind::Fifo => EntryKind::Fifo,
        };
        Entry {
            path,
            attrs: st.attrs,
            kind,
        }
    }
}

/// The attributes Docker's overlay2 driver gives a whiteout file: an empty regular file, mode 0600, root-owned,
/// with the time of the deletion.
pub(crate) fn whiteout_attrs(mtime: Timestamp) -> Attrs {
    Attrs::new(0o600, 0, 0, mtime)
}

/// The attributes Docker gives the opaque marker of a directory: the directory's permission bits and owner,
/// mtime 0.
pub(crate) fn opaque_attrs(dir: &Attrs) -> Attrs {
    Attrs::new(dir.mode & 0o777, dir.uid, dir.gid, Timestamp::default())
}

/// One layer: a filesystem changeset per the OCI layer spec, entries in the order they are written to the tar.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changeset {
    /// The entries, parents before children.
    pub entries: Vec<Entry>,
}

impl Changeset {
    /// Whether the layer changes nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Stacks this layer on `tree` (OCI `layer.md` "Applying Changesets"): opaque markers first, whatever their
    /// position; then each entry in order. A whiteout deletes the path if it is there; a directory over a
    /// directory replaces only the attributes; anything else replaces what was there. Missing parent
    /// directories are created (0755, 0:0, mtime 0). Applying an opaque marker empties the directory and gives
    /// it a fresh identity, as a directory removed and recreated has.
    pub fn apply(&self, tree: &mut Tree) -> Result<()> {
        apply(tree, self)
    }

    /// The normalized listing of `../shared/oracle/imgdump.py`: one line per entry, tab separated, sorted by
    /// path: `type path mode uid:gid size sha256`.
    pub fn listing(&self) -> String {
        let mut lines: Vec<(String, String)> = self.entries.iter().map(listing_line).collect();
        crate::sort::sort_by(&mut lines, |a, b| a.0.cmp(&b.0));
        let mut out = String::new();
        for (_, l) in lines {
            out.push_str(&l);
            out.push('\n');
        }
        out
    }

    /// Whether a file of the layer holds modelled content (bytes generated on read): such a layer is kept as
    /// its description until it is taken out (see [`crate::layer::diff_id`]).
    pub fn is_modelled(&self) -> bool {
        self.entries
            .iter()
            .any(|e| matches!(&e.kind, EntryKind::File(c) if c.is_modelled()))
    }

    /// The bytes the layer adds: the sum of its regular files' sizes (what `docker history` shows).
    pub fn content_size(&self) -> u64 {
        self.entries
            .iter()
            .map(|e| match &e.kind {
                EntryKind::File(c) => c.len(),
                _ => 0,
            })
            .sum()
    }
}

fn listing_line(e: &Entry) -> (String, String) {
    let name = e.tar_name();
    let path = format!("/{}", name.trim_end_matches('/'));
    let (t, size, hash) = match &e.kind {
        EntryKind::Dir => ("d", 0, "-".to_string()),
        EntryKind::File(c) => {
            // Read in chunks: a file a native build wrote may be larger than memory.
            let hash = c
                .digest()
                .map_or_else(|e| format!("unreadable: {e}"), |d| d.hex());
            ("f", c.len(), hash)
        }
        EntryKind::Symlink(t) => ("l", 0, format!("->{t} {}", Digest::of(t.as_bytes()).hex())),
        EntryKind::Hardlink(t) => {
            let rel = t.trim_start_matches('/');
            (
                "h",
                0,
                format!("->{rel} {}", Digest::of(rel.as_bytes()).hex()),
            )
        }
        EntryKind::CharDevice { .. } => ("c", 0, "-".to_string()),
        EntryKind::BlockDevice { .. } => ("b", 0, "-".to_string()),
        EntryKind::Fifo => ("p", 0, "-".to_string()),
        EntryKind::Whiteout => ("wh", 0, format!("deletes:{}", e.path)),
        EntryKind::Opaque => ("opq", 0, format!("opaque:{}", e.path)),
    };
    let mut line = format!(
        "{t}\t{path}\t{:04o}\t{}:{}\t{size}\t{hash}",
        e.attrs.mode & 0o7777,
        e.attrs.uid,
        e.attrs.gid
    );
    if !e.attrs.xattrs.is_empty() {
        let keys: Vec<&str> = e.attrs.xattrs.keys().map(String::as_str).collect();
        let _ = write!(line, " xattrs={}", keys.join(","));
    }
    (path, line)
}

/// Stacks `layer` on `tree`; see [`Changeset::apply`].
pub fn apply(tree: &mut Tree, layer: &Changeset) -> Result<()> {
    let bad = |e: &Entry, reason: &str| Error::archive(e.tar_name(), reason);
    for e in &layer.entries {
        if normalize(&e.path).as_deref() != Some(e.path.as_str()) {
            return Err(bad(e, "path is not absolute and normalized"));
        }
    }
    for e in layer.entries.iter().filter(|e| e.kind == EntryKind::Opaque) {
        if let Ok(st) = tree.lstat(&e.path) {
            if st.is_dir() {
                let id =
                    locate_dir(tree, &e.path).ok_or_else(|| bad(e, "opaque directory vanished"))?;
                tree.recreate_dir(id);
            }
        }
    }
    let parents = Attrs::new(0o755, 0, 0, Timestamp::default());
    // The last parent directory resolved: entries come parents first, siblings together, so most entries
    // reuse it and are applied with one map insertion.
    let mut last: Option<(&str, Id)> = None;
    for e in &layer.entries {
        let (parent, name) = match e.path.rsplit_once('/') {
            Some(("", n)) => ("/", n),
            Some((p, n)) => (p, n),
            None => ("/", e.path.as_str()),
        };
        if let (Some(kind), false) = (plain_kind(&e.kind), name.is_empty()) {
            let dir = match last {
                Some((p, id)) if p == parent => Some(id),
                _ => locate_dir(tree, parent),
            };
            if let Some(dir) = dir {
                last = Some((parent, dir));
                if tree.insert_new_child(dir, name, &e.attrs, kind) {
                    continue;
                }
            }
        }
        // Unpacking must not leave the side effects of its own operations on directory mtimes; Docker sets
        // them back too.
        let kept = tree.lstat(parent).ok().map(|st| st.attrs.mtime);
        let res = apply_entry(tree, e, parent, &parents);
        if let Some(t) = kept {
            let _ = tree.set_mtime(parent, t);
        }
        res.map_err(|err| match err {
            err @ Error::Archive { .. } => err,
            err => bad(e, &err.to_string()),
        })?;
    }
    for e in layer.entries.iter().filter(|e| e.kind == EntryKind::Dir) {
        tree.set_mtime(&e.path, e.attrs.mtime)
            .map_err(|err| bad(e, &err.to_string()))?;
    }
    Ok(())
}

fn apply_entry(tree: &mut Tree, e: &Entry, parent: &str, parents: &Attrs) -> Result<()> {
    let bad = |reason: &str| Error::archive(e.tar_name(), reason);
    match &e.kind {
        EntryKind::Opaque => {}
        EntryKind::Whiteout => match tree.remove_all(&e.path, Timestamp::default()) {
            Ok(()) | Err(Error::NotFound(_)) | Err(Error::NotADirectory(_)) => {}
            Err(err) => return Err(err),
        },
        EntryKind::Hardlink(target) => {
            let st = tree
                .lstat(target)
                .map_err(|_| bad("hard link target is not in the tree"))?;
            if st.is_dir() {
                return Err(bad("hard link to a directory"));
            }
            tree.mkdir_all(parent, parents.clone())?;
            if tree.lstat(&e.path).is_ok_and(|cur| cur.ident != st.ident) {
                tree.remove_all(&e.path, Timestamp::default())?;
            }
            if !tree.exists(&e.path) {
                tree.link(target, &e.path, Timestamp::default())?;
            }
        }
        other => {
            let kind = match other {
                EntryKind::Dir => NodeKind::Dir,
                EntryKind::File(c) => NodeKind::File(c.clone()),
                EntryKind::Symlink(t) => NodeKind::Symlink(t.clone()),
                EntryKind::CharDevice { major, minor } => NodeKind::CharDevice {
                    major: *major,
                    minor: *minor,
                },
                EntryKind::BlockDevice { major, minor } => NodeKind::BlockDevice {
                    major: *major,
                    minor: *minor,
                },
                _ => NodeKind::Fifo,
            };
            tree.mkdir_all(parent, parents.clone())?;
            tree.insert(&e.path, e.attrs.clone(), kind)?;
        }
    }
    Ok(())
}

/// The node kind of an entry that simply adds an inode (not a whiteout, opaque marker or hard link).
pub fn plain_kind(k: &EntryKind) -> Option<NodeKind> {
    Some(match k {
        EntryKind::Dir => NodeKind::Dir,
        EntryKind::File(c) => NodeKind::File(c.clone()),
        EntryKind::Symlink(t) => NodeKind::Symlink(t.clone()),
        EntryKind::CharDevice { major, minor } => NodeKind::CharDevice {
            major: *major,
            minor: *minor,
        },
        EntryKind::BlockDevice { major, minor } => NodeKind::BlockDevice {
            major: *major,
            minor: *minor,
        },
        EntryKind::Fifo => NodeKind::Fifo,
        EntryKind::Whiteout | EntryKind::Opaque | EntryKind::Hardlink(_) => return None,
    })
}

/// The inode of the directory at `path` (no final symlink followed).
fn locate_dir(tree: &Tree, path: &str) -> Option<Id> {
    let mut id = ROOT;
    for c in path.split('/').filter(|c| !c.is_empty()) {
        id = tree.child(id, c)?;
    }
    tree.node(id).is_dir().then_some(id)
}

/// The changeset that turns `lower` into `upper`, in the form Docker's overlay2 driver writes it.
///
/// - An entry is in the layer if it is new, if its type, contents, mode, owner, mtime, xattrs or link count
///   changed (a file only `chmod`ed, `touch`ed or appended to is copied up whole), or if its identity changed
///   (it was removed and recreated).
/// - Every directory above an entry in the layer is listed too (overlayfs copies parents up).
/// - A directory whose identity changed (removed and recreated), or that replaced a non-directory, is listed
///   with an opaque marker right after it, followed by everything inside it.
/// - A path of `lower` missing from `upper` gets a whiteout (mode 0600, 0:0, the parent directory's mtime);
///   nothing is written for what `upper` merely replaced (a directory replaced by a file needs no whiteout),
///   nor for what was created and removed in between (it is in neither tree).
/// - Order: a pre-order walk of `upper` with siblings in byte order, a whiteout where the deleted name sorts.
///
/// Identities are only meaningful when `upper` was derived from a clone of `lower`; for unrelated trees every
/// directory counts as recreated.
pub fn diff(lower: &Tree, upper: &Tree) -> Changeset {
    let mut d = Differ {
        lower,
        upper,
        out: Vec::new(),
        links: HashMap::new(),
    };
    d.dir(ROOT, ROOT, "/");
    Changeset { entries: d.out }
}

struct Differ<'a> {
    lower: &'a Tree,
    upper: &'a Tree,
    out: Vec<Entry>,
    /// Upper inodes with several names already written, to their first path (the others become hardlinks).
    links: HashMap<Id, String>,
}

impl Differ<'_> {
    /// Compares the children of two directories at `path`; returns whether anything was emitted.
    fn dir(&mut self, lo: Id, up: Id, path: &str) -> bool {
        let mut lower_children = self.lower.children(lo).peekable();
        let mut upper_children = self.upper.children(up).peekable();
        let mut emitted = false;
        loop {
            let next = match (lower_children.peek(), upper_children.peek()) {
                (None, None) => break,
                (Some(l), Some(u)) => l.0.cmp(u.0),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
            };
            match next {
                std::cmp::Ordering::Less => {
                    let Some((name, _)) = lower_children.next() else {
                        break;
                    };
                    let attrs = whiteout_attrs(self.upper.node(up).attrs().mtime);
                    self.out.push(Entry {
                        path: join(path, name),
                        attrs,
                        kind: EntryKind::Whiteout,
                    });
                    emitted = true;
                }
                std::cmp::Ordering::Greater => {
                    let Some((name, u)) = upper_children.next() else {
                        break;
                    };
                    self.added(u, &join(path, name), false);
                    emitted = true;
                }
                std::cmp::Ordering::Equal => {
                    let (Some((name, l)), Some((_, u))) =
                        (lower_children.next(), upper_children.next())
                    else {
                        break;
                    };
                    emitted |= self.pair(l, u, &join(path, name));
                }
            }
        }
        emitted
    }

    /// The same name in both trees.
    fn pair(&mut self, l: Id, u: Id, path: &str) -> bool {
        let (ln, un) = (self.lower.node(l), self.upper.node(u));
        match (ln.is_dir(), un.is_dir()) {
            (true, true) if ln.ident() == un.ident() => {
                let at = self.out.len();
                let changed = ln.attrs() != un.attrs();
                let below = self.dir(l, u, path);
                if changed || below {
                    self.out.insert(
                        at,
                        Entry::from_stat(path.to_string(), self.upper.stat_id(u)),
                    );
                }
                changed || below
            }
            // Recreated, or replacing a non-directory: overlayfs makes it opaque.
            (_, true) => {
                self.added(u, path, true);
                true
            }
            (_, false) => {
                let same = !ln.is_dir()
                    && ln.ident() == un.ident()
                    && ln.attrs() == un.attrs()
                    && ln.nlink() == un.nlink()
                    && same_kind(&ln.kind, &un.kind);
                if !same {
                    self.added(u, path, false);
                }
                !same
            }
        }
    }

    /// An upper entry written whole (with its subtree for a directory).
    fn added(&mut self, u: Id, path: &str, opaque: bool) {
        let node = self.upper.node(u);
        if !node.is_dir() && node.nlink() > 1 {
            if let Some(first) = self.links.get(&u) {
                let attrs = node.attrs();
                self.out.push(Entry {
                    path: path.to_string(),
                    attrs,
                    kind: EntryKind::Hardlink(first.clone()),
                });
                return;
            }
            self.links.insert(u, path.to_string());
        }
        let st = self.upper.stat_id(u);
        let attrs = st.attrs.clone();
        self.out.push(Entry::from_stat(path.to_string(), st));
        if node.is_dir() {
            if opaque {
                self.out.push(Entry {
                    path: path.to_string(),
                    attrs: opaque_attrs(&attrs),
                    kind: EntryKind::Opaque,
                });
            }
            let children: Vec<(String, Id)> = self
                .upper
                .children(u)
                .map(|(n, id)| (join(path, n), id))
                .collect();
            for (p, id) in children {
                self.added(id, &p, false);
            }
        }
    }
}

fn same_kind(a: &Kind, b: &Kind) -> bool {
    match (a, b) {
        (Kind::File(x), Kind::File(y)) => x.same_bytes(y),
        (Kind::Symlink(x), Kind::Symlink(y)) => x == y,
        (Kind::Char(a1, a2), Kind::Char(b1, b2)) | (Kind::Block(a1, a2), Kind::Block(b1, b2)) => {
            a1 == b1 && a2 == b2
        }
        (Kind::Fifo, Kind::Fifo) => true,
        _ => false,
    }
}
