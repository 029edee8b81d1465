//! The in-memory filesystem.
//!
//! A [`Tree`] is an arena of inodes. A directory maps names to inode numbers in a `BTreeMap` (so listing order
//! is byte order, the order Docker's tar writer walks in), and a hardlink is simply a second name for the same
//! inode. Removed inodes go on a free list and are reused. Each inode has an *identity* ([`Stat::ident`]):
//! it is fresh when the inode is created and survives every change to it (chmod, new children, rename), so
//! [`diff`](crate::diff) can tell a directory that was modified from one that was removed and recreated, as
//! overlayfs can. Cloning a tree copies the inode table and shares every file's contents.

use std::collections::BTreeMap;

use crate::resolve::{join, resolve, Namespace, Resolved, Step};
use crate::{Content, Error, Result};

/// A modification time: seconds since the Unix epoch and nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z (negative before it).
    pub secs: i64,
    /// Nanoseconds, `0..1_000_000_000`.
    pub nanos: u32,
}

impl Timestamp {
    /// A whole-second timestamp.
    pub const fn from_secs(secs: i64) -> Timestamp {
        Timestamp { secs, nanos: 0 }
    }
}

/// Extended attributes (`security.capability`, `user.*`, …), name to value, in name order.
pub type Xattrs = BTreeMap<String, Vec<u8>>;

/// An inode's metadata: what a layer entry records besides its type and contents.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attrs {
    /// Permission bits with setuid (0o4000), setgid (0o2000) and sticky (0o1000); the type bits are not here.
    pub mode: u32,
    /// Owner user id.
    pub uid: u32,
    /// Owner group id.
    pub gid: u32,
    /// Modification time.
    pub mtime: Timestamp,
    /// Extended attributes.
    pub xattrs: Xattrs,
}

impl Attrs {
    /// Attributes with no extended attributes.
    pub fn new(mode: u32, uid: u32, gid: u32, mtime: Timestamp) -> Attrs {
        Attrs {
            mode: mode & 0o7777,
            uid,
            gid,
            mtime,
            xattrs: Xattrs::new(),
        }
    }
}

/// What kind of inode, with its type-specific data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A regular file.
    File(Content),
    /// A directory.
    Dir,
    /// A symbolic link and its target, exactly as stored (relative or absolute).
    Symlink(String),
    /// A character device.
    CharDevice {
        /// Major number.
        major: u32,
        /// Minor number.
        minor: u32,
    },
    /// A block device.
    BlockDevice {
        /// Major number.
        major: u32,
        /// Minor number.
        minor: u32,
    },
    /// A named pipe.
    Fifo,
}

/// A snapshot of one inode, as `lstat` would report it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stat {
    /// Type and type-specific data (contents are shared, not copied).
    pub kind: NodeKind,
    /// Mode, owner, mtime, xattrs.
    pub attrs: Attrs,
    /// Number of names for this inode (directories count 1).
    pub nlink: u32,
    /// The inode's identity: fresh on creation, kept across modification (see the module docs).
    pub ident: u32,
}

impl Stat {
    /// Size as `ls -l` shows it: content length, or target length for a symlink, else 0.
    pub fn size(&self) -> u64 {
        match &self.kind {
            NodeKind::File(c) => c.len(),
            NodeKind::Symlink(t) => t.len() as u64,
            _ => 0,
        }
    }

    /// Whether this is a directory.
    pub fn is_dir(&self) -> bool {
        self.kind == NodeKind::Dir
    }
}

pub(crate) type Id = u32;
pub(crate) const ROOT: Id = 0;

/// Node flag: an opaque directory of an overlay upper (hides the lower directory's children).
const OPAQUE: u8 = 1;

#[derive(Clone)]
pub(crate) enum Kind {
    File(Content),
    Dir(BTreeMap<Box<str>, Id>),
    Symlink(Box<str>),
    Char(u32, u32),
    Block(u32, u32),
    Fifo,
    /// Overlay upper only: hides the same name in the lower layers.
    Whiteout,
    /// A slot on the free list.
    Free,
}

#[derive(Clone)]
pub(crate) struct Node {
    pub(crate) kind: Kind,
    secs: i64,
    nanos: u32,
    uid: u32,
    gid: u32,
    ident: u32,
    nlink: u32,
    mode: u16,
    flags: u8,
    xattrs: Option<Box<Xattrs>>,
}

impl Node {
    fn new(kind: Kind, attrs: &Attrs, ident: u32) -> Node {
        let mut n = Node {
            kind,
            secs: 0,
            nanos: 0,
            uid: 0,
            gid: 0,
            ident,
            nlink: 0,
            mode: 0,
            flags: 0,
            xattrs: None,
        };
        n.set_attrs(attrs);
        n
    }

    fn set_attrs(&mut self, a: &Attrs) {
        self.mode = (a.mode & 0o7777) as u16;
        self.uid = a.uid;
        self.gid = a.gid;
        self.set_mtime(a.mtime);
        self.xattrs = if a.xattrs.is_empty() {
            None
        } else {
            Some(Box::new(a.xattrs.clone()))
        };
    }

    fn set_mtime(&mut self, t: Timestamp) {
        self.secs = t.secs;
        self.nanos = t.nanos;
    }

    pub(crate) fn set_mtime_pub(&mut self, t: Timestamp) {
        self.set_mtime(t);
    }

    pub(crate) fn attrs(&self) -> Attrs {
        Attrs {
            mode: u32::from(self.mode),
            uid: self.uid,
            gid: self.gid,
            mtime: Timestamp {
                secs: self.secs,
                nanos: self.nanos,
            },
            xattrs: self.xattrs.as_deref().cloned().unwrap_or_default(),
        }
    }

    pub(crate) fn public_kind(&self) -> NodeKind {
        match &self.kind {
            Kind::File(c) => NodeKind::File(c.clone()),
            Kind::Dir(_) => NodeKind::Dir,
            Kind::Symlink(t) => NodeKind::Symlink(t.to_string()),
            Kind::Char(major, minor) => NodeKind::CharDevice {
                major: *major,
                minor: *minor,
            },
            Kind::Block(major, minor) => NodeKind::BlockDevice {
                major: *major,
                minor: *minor,
            },
            Kind::Fifo | Kind::Free => NodeKind::Fifo,
            // Overlayfs shows a whiteout as a 0/0 character device.
            Kind::Whiteout => NodeKind::CharDevice { major: 0, minor: 0 },
        }
    }

    pub(crate) fn is_dir(&self) -> bool {
        matches!(self.kind, Kind::Dir(_))
    }

    pub(crate) fn is_opaque(&self) -> bool {
        self.flags & OPAQUE != 0
    }

    pub(crate) fn ident(&self) -> u32 {
        self.ident
    }

    pub(crate) fn nlink(&self) -> u32 {
        self.nlink
    }
}

pub(crate) fn kind_of(k: NodeKind) -> Kind {
    match k {
        NodeKind::File(c) => Kind::File(c),
        NodeKind::Dir => Kind::Dir(BTreeMap::new()),
        NodeKind::Symlink(t) => Kind::Symlink(t.into()),
        NodeKind::CharDevice { major, minor } => Kind::Char(major, minor),
        NodeKind::BlockDevice { major, minor } => Kind::Block(major, minor),
        NodeKind::Fifo => Kind::Fifo,
    }
}

/// An in-memory filesystem: files, directories, symlinks, hardlinks, devices and fifos with full metadata.
///
/// Paths are absolute (or taken relative to the root) and resolved like the kernel resolves them inside a
/// chroot (see [`MAX_SYMLINKS`](crate::MAX_SYMLINKS)). Operations that change a directory's entries set its
/// mtime to the time they are given, as a real filesystem does; [`Tree::insert`] (used when applying layers)
/// does not.
#[derive(Clone)]
pub struct Tree {
    nodes: Vec<Node>,
    free: Vec<Id>,
    next_ident: u32,
}

impl Default for Tree {
    fn default() -> Self {
        Tree::new()
    }
}

impl std::fmt::Debug for Tree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tree({} inodes)", self.len())
    }
}

impl Namespace for Tree {
    type Dir = Id;

    fn root_dir(&self) -> Id {
        ROOT
    }

    fn step(&self, dir: &Id, name: &str) -> Step<Id> {
        match self.child(*dir, name) {
            None => Step::Missing,
            Some(id) => match &self.nodes[id as usize].kind {
                Kind::Dir(_) => Step::Dir(id),
                Kind::Symlink(t) => Step::Link(t.to_string()),
                // A whiteout in an overlay upper is not something a path can go through.
                Kind::Whiteout => Step::Missing,
                _ => Step::Other,
            },
        }
    }
}

impl Tree {
    /// An empty tree: just `/`, mode 0755, owned by 0:0, mtime 0.
    pub fn new() -> Tree {
        Tree::with_root(Attrs::new(0o755, 0, 0, Timestamp::default()))
    }

    /// An empty tree whose root has `attrs`.
    pub fn with_root(attrs: Attrs) -> Tree {
        let mut root = Node::new(Kind::Dir(BTreeMap::new()), &attrs, 1);
        root.nlink = 1;
        Tree {
            nodes: vec![root],
            free: Vec::new(),
            next_ident: 1,
        }
    }

    /// Number of inodes, the root included (a file with two hardlinks counts once).
    pub fn len(&self) -> usize {
        self.nodes.len() - self.free.len()
    }

    /// Whether the tree is only its root.
    pub fn is_empty(&self) -> bool {
        self.len() == 1
    }

    // ----- internals shared with the overlay and the changeset code

    pub(crate) fn node(&self, id: Id) -> &Node {
        &self.nodes[id as usize]
    }

    pub(crate) fn child(&self, dir: Id, name: &str) -> Option<Id> {
        match &self.nodes[dir as usize].kind {
            Kind::Dir(children) => children.get(name).copied(),
            _ => None,
        }
    }

    pub(crate) fn children(&self, dir: Id) -> impl Iterator<Item = (&str, Id)> {
        let map = match &self.nodes[dir as usize].kind {
            Kind::Dir(children) => Some(children),
            _ => None,
        };
        map.into_iter()
            .flat_map(|m| m.iter().map(|(k, v)| (&**k, *v)))
    }

    pub(crate) fn stat_id(&self, id: Id) -> Stat {
        let n = self.node(id);
        Stat {
            kind: n.public_kind(),
            attrs: n.attrs(),
            nlink: n.nlink,
            ident: n.ident,
        }
    }

    fn fresh_ident(&mut self) -> u32 {
        self.next_ident = self.next_ident.wrapping_add(1);
        self.next_ident
    }

    fn alloc(&mut self, kind: Kind, attrs: &Attrs) -> Id {
        let ident = self.fresh_ident();
        let node = Node::new(kind, attrs, ident);
        match self.free.pop() {
            Some(id) => {
                self.nodes[id as usize] = node;
                id
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as Id
            }
        }
    }

    /// Drops one name of `id`; frees the inode (and a directory's whole subtree) when no name is left.
    fn release(&mut self, id: Id) {
        let mut stack = vec![id];
        while let Some(id) = stack.pop() {
            let n = &mut self.nodes[id as usize];
            n.nlink = n.nlink.saturating_sub(1);
            if n.nlink > 0 {
                continue;
            }
            if let Kind::Dir(children) = std::mem::replace(&mut n.kind, Kind::Free) {
                stack.extend(children.into_values());
            }
            n.kind = Kind::Free;
            n.xattrs = None;
            self.free.push(id);
        }
    }

    pub(crate) fn attach(&mut self, dir: Id, name: &str, id: Id) {
        let old = match &mut self.nodes[dir as usize].kind {
            Kind::Dir(children) => children.insert(name.into(), id),
            _ => return,
        };
        self.nodes[id as usize].nlink += 1;
        if let Some(old) = old {
            self.release(old);
        }
    }

    pub(crate) fn detach(&mut self, dir: Id, name: &str) {
        let old = match &mut self.nodes[dir as usize].kind {
            Kind::Dir(children) => children.remove(name),
            _ => None,
        };
        if let Some(old) = old {
            self.release(old);
        }
    }

    pub(crate) fn touch_dir(&mut self, dir: Id, now: Timestamp) {
        self.nodes[dir as usize].set_mtime(now);
    }

    pub(crate) fn set_opaque(&mut self, id: Id, on: bool) {
        let n = &mut self.nodes[id as usize];
        if on {
            n.flags |= OPAQUE;
        } else {
            n.flags &= !OPAQUE;
        }
    }

    /// Gives a directory a fresh identity and no children: what applying an opaque marker does.
    pub(crate) fn recreate_dir(&mut self, id: Id) {
        let ident = self.fresh_ident();
        let old = std::mem::replace(
            &mut self.nodes[id as usize].kind,
            Kind::Dir(BTreeMap::new()),
        );
        self.nodes[id as usize].ident = ident;
        if let Kind::Dir(children) = old {
            for c in children.into_values() {
                self.release(c);
            }
        }
    }

    /// Creates or replaces `name` in `dir` with a new inode; returns it.
    pub(crate) fn put(&mut self, dir: Id, name: &str, kind: Kind, attrs: &Attrs) -> Id {
        let id = self.alloc(kind, attrs);
        self.attach(dir, name, id);
        id
    }

    pub(crate) fn set_node_attrs(&mut self, id: Id, attrs: &Attrs) {
        self.nodes[id as usize].set_attrs(attrs);
    }

    pub(crate) fn node_mut(&mut self, id: Id) -> &mut Node {
        &mut self.nodes[id as usize]
    }

    /// Resolves `path` and looks up its final name: (resolution, inode if it exists).
    fn locate(&self, path: &str, follow: bool) -> Result<(Resolved<Id>, Option<Id>)> {
        let r = resolve(self, path, follow)?;
        let id = match &r.name {
            None => Some(*r.parent()),
            Some(n) => self
                .child(*r.parent(), n)
                .filter(|id| !matches!(self.node(*id).kind, Kind::Whiteout)),
        };
        Ok((r, id))
    }

    fn existing(&self, path: &str, follow: bool) -> Result<Id> {
        self.locate(path, follow)?
            .1
            .ok_or_else(|| Error::NotFound(path.to_string()))
    }

    /// The parent and name for creating `path`; the root cannot be created or removed.
    fn parent_of(r: &Resolved<Id>, path: &str) -> Result<(Id, String)> {
        match &r.name {
            Some(n) => Ok((*r.parent(), n.clone())),
            None => Err(Error::InvalidPath {
                path: path.to_string(),
                reason: "names a directory by `/`, `.` or `..`",
            }),
        }
    }

    // ----- reading

    /// `lstat`: the inode at `path`, not following a final symlink.
    pub fn lstat(&self, path: &str) -> Result<Stat> {
        Ok(self.stat_id(self.existing(path, false)?))
    }

    /// `stat`: the inode at `path`, following symlinks.
    pub fn stat(&self, path: &str) -> Result<Stat> {
        Ok(self.stat_id(self.existing(path, true)?))
    }

    /// Whether `path` exists (a dangling symlink exists).
    pub fn exists(&self, path: &str) -> bool {
        matches!(self.locate(path, false), Ok((_, Some(_))))
    }

    /// The canonical path: symlinks and `..` resolved (`realpath`); the final name need not exist.
    pub fn canonicalize(&self, path: &str) -> Result<String> {
        Ok(resolve(self, path, true)?.full_path())
    }

    /// The contents of the regular file at `path` (following symlinks).
    pub fn read(&self, path: &str) -> Result<Content> {
        let id = self.existing(path, true)?;
        match &self.node(id).kind {
            Kind::File(c) => Ok(c.clone()),
            Kind::Dir(_) => Err(Error::IsADirectory(path.to_string())),
            _ => Err(Error::InvalidPath {
                path: path.to_string(),
                reason: "not a regular file",
            }),
        }
    }

    /// The target of the symlink at `path`.
    pub fn read_link(&self, path: &str) -> Result<String> {
        let id = self.existing(path, false)?;
        match &self.node(id).kind {
            Kind::Symlink(t) => Ok(t.to_string()),
            _ => Err(Error::InvalidPath {
                path: path.to_string(),
                reason: "not a symbolic link",
            }),
        }
    }

    /// The names in the directory at `path`, in byte order.
    pub fn read_dir(&self, path: &str) -> Result<Vec<String>> {
        let id = self.existing(path, true)?;
        if !self.node(id).is_dir() {
            return Err(Error::NotADirectory(path.to_string()));
        }
        Ok(self
            .children(id)
            .filter(|(_, c)| !matches!(self.node(*c).kind, Kind::Whiteout))
            .map(|(n, _)| n.to_string())
            .collect())
    }

    /// Every path except `/`, parent before child, siblings in byte order (the order of Docker's tar writer),
    /// with its inode. A hardlinked inode appears under each of its names.
    pub fn entries(&self) -> Vec<(String, Stat)> {
        let mut out = Vec::new();
        self.walk(|path, id| out.push((path.to_string(), self.stat_id(id))));
        out
    }

    /// Calls `f(path, inode)` for every path in the order of [`Tree::entries`] (pre-order, depth first).
    pub(crate) fn walk(&self, mut f: impl FnMut(&str, Id)) {
        let push_children = |stack: &mut Vec<(String, Id)>, dir_path: &str, dir: Id| {
            let start = stack.len();
            stack.extend(
                self.children(dir)
                    .map(|(name, id)| (join(dir_path, name), id)),
            );
            stack[start..].reverse();
        };
        let mut stack = Vec::new();
        push_children(&mut stack, "/", ROOT);
        while let Some((path, id)) = stack.pop() {
            f(&path, id);
            if self.node(id).is_dir() {
                push_children(&mut stack, &path, id);
            }
        }
    }

    // ----- changing

    /// Puts an inode at `path` the way a layer entry is applied (OCI `layer.md`): if both the existing entry
    /// and the new one are directories, only the attributes are replaced; otherwise the existing entry (a
    /// directory with its whole subtree) is removed and the new one created. The parent must exist; its mtime
    /// is not changed. A final symlink is replaced, not followed.
    pub fn insert(&mut self, path: &str, attrs: Attrs, kind: NodeKind) -> Result<()> {
        let (r, existing) = self.locate(path, false)?;
        if r.name.is_none() {
            if kind == NodeKind::Dir {
                self.set_node_attrs(*r.parent(), &attrs);
                return Ok(());
            }
            return Err(Error::InvalidPath {
                path: path.to_string(),
                reason: "cannot replace the root",
            });
        }
        let (dir, name) = Self::parent_of(&r, path)?;
        match existing {
            Some(id) if kind == NodeKind::Dir && self.node(id).is_dir() => {
                self.set_node_attrs(id, &attrs)
            }
            _ => {
                self.put(dir, &name, kind_of(kind), &attrs);
            }
        }
        Ok(())
    }

    /// Applying a layer entry whose parent directory `dir` is known and whose name is new there: one map
    /// insertion instead of a path walk. Returns false (and does nothing) when the name exists, so the caller
    /// takes the general path.
    pub(crate) fn insert_new_child(
        &mut self,
        dir: Id,
        name: &str,
        attrs: &Attrs,
        kind: NodeKind,
    ) -> bool {
        if name.is_empty() || !self.node(dir).is_dir() || self.child(dir, name).is_some() {
            return false;
        }
        self.put(dir, name, kind_of(kind), attrs);
        true
    }

    /// `mkdir`: creates a directory; its parent's mtime becomes `attrs.mtime`.
    pub fn mkdir(&mut self, path: &str, attrs: Attrs) -> Result<()> {
        self.create(path, attrs, NodeKind::Dir)
    }

    /// `mkdir -p`: creates every missing directory of `path` with `attrs`; existing ones (or symlinks to
    /// directories) are left alone.
    pub fn mkdir_all(&mut self, path: &str, attrs: Attrs) -> Result<()> {
        mkdir_all_via(self, path, attrs, Tree::stat, Tree::mkdir)
    }

    /// Creates a new inode at `path` (`open(O_EXCL)`, `mknod`, `symlink`, `mkdir`): fails if the name exists,
    /// even as a dangling symlink. The parent's mtime becomes `attrs.mtime`.
    pub fn create(&mut self, path: &str, attrs: Attrs, kind: NodeKind) -> Result<()> {
        let (r, existing) = self.locate(path, false)?;
        if existing.is_some() {
            return Err(Error::AlreadyExists(path.to_string()));
        }
        let (dir, name) = Self::parent_of(&r, path)?;
        let now = attrs.mtime;
        self.put(dir, &name, kind_of(kind), &attrs);
        self.touch_dir(dir, now);
        Ok(())
    }

    /// `open(O_WRONLY|O_CREAT|O_TRUNC)` then write, as `echo x > path` does: follows a final symlink; an
    /// existing file keeps its inode, mode and owner and gets `content` and mtime `now`; a missing one is
    /// created with `new_attrs` (and the parent's mtime becomes `now`).
    pub fn write(
        &mut self,
        path: &str,
        content: Content,
        new_attrs: Attrs,
        now: Timestamp,
    ) -> Result<()> {
        self.write_with(path, new_attrs, now, |_| content)
    }

    /// `echo x >> path`: like [`Tree::write`] but keeps the existing bytes.
    pub fn append(
        &mut self,
        path: &str,
        more: &[u8],
        new_attrs: Attrs,
        now: Timestamp,
    ) -> Result<()> {
        self.write_with(path, new_attrs, now, |old| match old {
            Some(c) => c.appended(more),
            None => Content::from_bytes(more),
        })
    }

    fn write_with(
        &mut self,
        path: &str,
        new_attrs: Attrs,
        now: Timestamp,
        f: impl FnOnce(Option<&Content>) -> Content,
    ) -> Result<()> {
        let (r, existing) = self.locate(path, true)?;
        match existing {
            Some(id) => {
                let node = &mut self.nodes[id as usize];
                match &mut node.kind {
                    Kind::File(c) => *c = f(Some(c)),
                    Kind::Dir(_) => return Err(Error::IsADirectory(path.to_string())),
                    _ => {
                        return Err(Error::InvalidPath {
                            path: path.to_string(),
                            reason: "not a regular file",
                        })
                    }
                }
                node.set_mtime(now);
            }
            None => {
                let (dir, name) = Self::parent_of(&r, path)?;
                self.put(dir, &name, Kind::File(f(None)), &new_attrs);
                self.touch_dir(dir, now);
            }
        }
        Ok(())
    }

    fn modify(&mut self, path: &str, follow: bool, f: impl FnOnce(&mut Node)) -> Result<()> {
        let id = self.existing(path, follow)?;
        f(&mut self.nodes[id as usize]);
        Ok(())
    }

    /// `chmod` (follows symlinks): sets the permission, setuid, setgid and sticky bits.
    pub fn set_mode(&mut self, path: &str, mode: u32) -> Result<()> {
        self.modify(path, true, |n| n.mode = (mode & 0o7777) as u16)
    }

    /// `chown` (follows symlinks).
    pub fn set_owner(&mut self, path: &str, uid: u32, gid: u32) -> Result<()> {
        self.modify(path, true, |n| {
            n.uid = uid;
            n.gid = gid;
        })
    }

    /// `lchown`: like [`Tree::set_owner`] but changes a final symlink itself.
    pub fn set_owner_nofollow(&mut self, path: &str, uid: u32, gid: u32) -> Result<()> {
        self.modify(path, false, |n| {
            n.uid = uid;
            n.gid = gid;
        })
    }

    /// `touch -d` / `utimes` (follows symlinks).
    pub fn set_mtime(&mut self, path: &str, mtime: Timestamp) -> Result<()> {
        self.modify(path, true, |n| n.set_mtime(mtime))
    }

    /// `setfattr -n key -v value` (follows symlinks).
    pub fn set_xattr(&mut self, path: &str, key: &str, value: &[u8]) -> Result<()> {
        self.modify(path, true, |n| {
            n.xattrs
                .get_or_insert_with(Default::default)
                .insert(key.to_string(), value.to_vec());
        })
    }

    /// `unlink`: removes a non-directory (a final symlink itself); the parent's mtime becomes `now`.
    pub fn remove_file(&mut self, path: &str, now: Timestamp) -> Result<()> {
        let (r, id) = self.locate(path, false)?;
        let id = id.ok_or_else(|| Error::NotFound(path.to_string()))?;
        if self.node(id).is_dir() {
            return Err(Error::IsADirectory(path.to_string()));
        }
        let (dir, name) = Self::parent_of(&r, path)?;
        self.detach(dir, &name);
        self.touch_dir(dir, now);
        Ok(())
    }

    /// `rmdir`: removes an empty directory.
    pub fn remove_dir(&mut self, path: &str, now: Timestamp) -> Result<()> {
        let (r, id) = self.locate(path, false)?;
        let id = id.ok_or_else(|| Error::NotFound(path.to_string()))?;
        if !self.node(id).is_dir() {
            return Err(Error::NotADirectory(path.to_string()));
        }
        if self.children(id).next().is_some() {
            return Err(Error::DirectoryNotEmpty(path.to_string()));
        }
        let (dir, name) = Self::parent_of(&r, path)?;
        self.detach(dir, &name);
        self.touch_dir(dir, now);
        Ok(())
    }

    /// `rm -r`: removes whatever is at `path`, a directory with everything under it.
    pub fn remove_all(&mut self, path: &str, now: Timestamp) -> Result<()> {
        let (r, id) = self.locate(path, false)?;
        id.ok_or_else(|| Error::NotFound(path.to_string()))?;
        let (dir, name) = Self::parent_of(&r, path)?;
        self.detach(dir, &name);
        self.touch_dir(dir, now);
        Ok(())
    }

    /// `link`: a second name `new` for the inode at `existing` (a final symlink is linked, not followed).
    pub fn link(&mut self, existing: &str, new: &str, now: Timestamp) -> Result<()> {
        let id = self.existing(existing, false)?;
        if self.node(id).is_dir() {
            return Err(Error::InvalidPath {
                path: existing.to_string(),
                reason: "hard link to a directory",
            });
        }
        let (r, there) = self.locate(new, false)?;
        if there.is_some() {
            return Err(Error::AlreadyExists(new.to_string()));
        }
        let (dir, name) = Self::parent_of(&r, new)?;
        self.attach(dir, &name, id);
        self.touch_dir(dir, now);
        Ok(())
    }

    /// `rename`: moves the inode (keeping its identity) from `from` to `to`, replacing a non-directory or an
    /// empty directory there, as `rename(2)` does.
    pub fn rename(&mut self, from: &str, to: &str, now: Timestamp) -> Result<()> {
        let (rf, src) = self.locate(from, false)?;
        let src = src.ok_or_else(|| Error::NotFound(from.to_string()))?;
        let (from_dir, from_name) = Self::parent_of(&rf, from)?;
        let (rt, dst) = self.locate(to, false)?;
        let (to_dir, to_name) = Self::parent_of(&rt, to)?;
        let src_is_dir = self.node(src).is_dir();
        if src_is_dir && rt.chain.iter().any(|(_, d)| *d == src) {
            return Err(Error::InvalidPath {
                path: to.to_string(),
                reason: "a directory cannot move into itself",
            });
        }
        if let Some(dst) = dst {
            if dst == src {
                return Ok(());
            }
            match (src_is_dir, self.node(dst).is_dir()) {
                (false, true) => return Err(Error::IsADirectory(to.to_string())),
                (true, false) => return Err(Error::NotADirectory(to.to_string())),
                (true, true) if self.children(dst).next().is_some() => {
                    return Err(Error::DirectoryNotEmpty(to.to_string()))
                }
                _ => {}
            }
        }
        // Keep the inode alive while it has no name.
        self.nodes[src as usize].nlink += 1;
        self.detach(from_dir, &from_name);
        self.attach(to_dir, &to_name, src);
        self.nodes[src as usize].nlink -= 1;
        self.touch_dir(from_dir, now);
        self.touch_dir(to_dir, now);
        Ok(())
    }
}

/// `mkdir -p` over any filesystem view with `stat` and `mkdir` (the [`Tree`] and the [`crate::Overlay`]):
/// creates every missing directory of `path`; existing directories (or symlinks to them) are left alone.
pub(crate) fn mkdir_all_via<F: ?Sized>(
    fs: &mut F,
    path: &str,
    attrs: Attrs,
    stat: fn(&F, &str) -> Result<Stat>,
    mkdir: fn(&mut F, &str, Attrs) -> Result<()>,
) -> Result<()> {
    let mut prefix = String::new();
    for c in path.split('/').filter(|c| !c.is_empty()) {
        prefix.push('/');
        prefix.push_str(c);
        match stat(fs, &prefix) {
            Ok(st) if st.is_dir() => {}
            Ok(_) => return Err(Error::NotADirectory(path.to_string())),
            Err(Error::NotFound(_)) => match mkdir(fs, &prefix, attrs.clone()) {
                // `a/..` and friends: already there.
                Ok(()) | Err(Error::InvalidPath { .. }) => {}
                Err(e) => return Err(e),
            },
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
