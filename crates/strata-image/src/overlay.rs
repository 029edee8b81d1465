//! The copy-on-write view a build step or a container works in.

use std::collections::HashMap;
use std::sync::Arc;

use crate::changeset::{opaque_attrs, whiteout_attrs};
use crate::resolve::{join, resolve, Namespace, Resolved, Step};
use crate::tree::{kind_of, Id, Kind, ROOT};
use crate::{
    Attrs, Changeset, Content, Entry, EntryKind, Error, NodeKind, Result, Stat, Timestamp, Tree,
};

/// A read-only lower tree plus one writable upper, the way overlayfs stacks an image's layers under a
/// container's layer.
///
/// Reads fall through to the lower tree. The first change to a lower entry copies it up (its parent
/// directories too, metadata only; file contents are shared, not copied). Deleting a lower entry records a
/// whiteout in the upper; creating a directory where a whiteout is makes the new directory opaque. So
/// [`Overlay::changeset`] is a walk of the upper alone, and gives exactly what Docker's overlay2 driver puts in
/// the layer of a RUN step or `docker commit`: copied-up files whole (even when only `chmod`ed or
/// `touch`ed), their parent directories, whiteouts, an opaque marker for a removed-and-recreated directory,
/// nothing for a file created and removed within the step, no whiteout for a directory replaced by a file.
///
/// A lower file with several names is copied up under the name it is changed through; its other names keep
/// the old contents (overlayfs without `index=on`, Docker's default).
///
/// The lower stack is flattened into one [`Tree`] (apply the layers with [`Changeset::apply`]) and shared
/// behind an [`Arc`], so many containers can start from one image cheaply. Renaming a directory that exists
/// in the lower tree fails with [`Error::CrossDevice`], as on overlayfs without `redirect_dir`.
#[derive(Clone, Debug)]
pub struct Overlay {
    lower: Arc<Tree>,
    upper: Tree,
    /// Canonical paths of read-only mounts: a change at or under one fails with [`Error::ReadOnly`].
    read_only: Vec<String>,
}

/// A merged directory: its upper part (if copied up or created) and the lower part it lets through.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MDir {
    upper: Option<Id>,
    lower: Option<Id>,
}

/// What a name in a merged directory resolves to.
#[derive(Clone, Copy)]
enum Found {
    Dir(MDir),
    Upper(Id),
    Lower(Id),
}

impl Namespace for Overlay {
    type Dir = MDir;

    fn root_dir(&self) -> MDir {
        MDir {
            upper: Some(ROOT),
            lower: Some(ROOT),
        }
    }

    fn step(&self, dir: &MDir, name: &str) -> Step<MDir> {
        match self.lookup(*dir, name) {
            None => Step::Missing,
            Some(Found::Dir(m)) => Step::Dir(m),
            Some(Found::Upper(id)) => step_of(&self.upper, id),
            Some(Found::Lower(id)) => step_of(&self.lower, id),
        }
    }
}

fn step_of(tree: &Tree, id: Id) -> Step<MDir> {
    match &tree.node(id).kind {
        Kind::Symlink(t) => Step::Link(t.to_string()),
        _ => Step::Other,
    }
}

/// Copies the node `id` of `src` (a directory with everything under it) into `dir` of `dst` as `name`.
fn copy_node(dst: &mut Tree, dir: Id, name: &str, src: &Tree, id: Id) {
    let n = src.node(id);
    let new = dst.put(dir, name, shallow(&n.kind), &n.attrs());
    dst.set_opaque(new, n.is_opaque());
    let children: Vec<(String, Id)> = src
        .children(id)
        .map(|(c, cid)| (c.to_string(), cid))
        .collect();
    for (c, cid) in children {
        copy_node(dst, new, &c, src, cid);
    }
}

/// A copy of a node's type without a directory's children.
fn shallow(kind: &Kind) -> Kind {
    match kind {
        Kind::Dir(_) => Kind::Dir(Default::default()),
        k => k.clone(),
    }
}

impl Overlay {
    /// A fresh container layer over `lower`.
    pub fn new(lower: Arc<Tree>) -> Overlay {
        let upper = Tree::with_root(lower.node(ROOT).attrs());
        Overlay {
            lower,
            upper,
            read_only: Vec::new(),
        }
    }

    /// Makes the canonical absolute `path` and everything under it read-only, as a mount with `ro` is: every
    /// later change there fails with [`Error::ReadOnly`] (`EROFS`).
    pub fn mount_read_only(&mut self, path: &str) {
        self.read_only.push(path.to_string());
    }

    /// Ends a read-only mount made with [`Overlay::mount_read_only`] at the same `path`.
    pub fn unmount_read_only(&mut self, path: &str) {
        if let Some(i) = self.read_only.iter().rposition(|p| p == path) {
            self.read_only.remove(i);
        }
    }

    /// Runs `f` with no read-only mount in force: for a backend that brings back what a real container
    /// wrote (its own mounts enforced read-only-ness there), not for the command's own changes.
    pub fn with_mounts_writable<R>(&mut self, f: impl FnOnce(&mut Overlay) -> R) -> R {
        let kept = std::mem::take(&mut self.read_only);
        let r = f(self);
        self.read_only = kept;
        r
    }

    /// The upper layer as it is now, for [`Overlay::restore_upper`].
    pub fn upper_snapshot(&self) -> Tree {
        self.upper.clone()
    }

    /// Puts back at and under the canonical absolute `path` exactly what the upper layer held there in
    /// `snapshot` (from [`Overlay::upper_snapshot`]): what a RUN wrote into a `--mount` target leaves no
    /// trace in the step's layer, and what the mount hid is as it was.
    pub fn restore_upper(&mut self, snapshot: &Tree, path: &str) -> Result<()> {
        let names: Vec<&str> = path.split('/').filter(|n| !n.is_empty()).collect();
        let Some((last, parents)) = names.split_last() else {
            return Err(Error::InvalidPath {
                path: path.to_string(),
                reason: "a mount cannot replace /",
            });
        };
        let mut src = Some(ROOT);
        let mut dst = ROOT;
        for name in parents {
            src = src.and_then(|id| snapshot.child(id, name));
            dst = match self.upper.child(dst, name) {
                Some(id) if self.upper.node(id).is_dir() => id,
                _ => match src {
                    // The command removed a parent the snapshot had: put the directory back.
                    Some(s) => {
                        let n = snapshot.node(s);
                        let id = self.upper.put(dst, name, shallow(&n.kind), &n.attrs());
                        self.upper.set_opaque(id, n.is_opaque());
                        id
                    }
                    // Neither had it: nothing to restore below.
                    None => return Ok(()),
                },
            };
        }
        self.upper.detach(dst, last);
        if let Some(s) = src.and_then(|id| snapshot.child(id, last)) {
            copy_node(&mut self.upper, dst, last, snapshot, s);
            return Ok(());
        }
        // Directories above the target that only the mount copied up (not in the snapshot, empty now, their
        // metadata the lower's) go too.
        for depth in (1..names.len()).rev() {
            let dir_path = format!("/{}", names[..depth].join("/"));
            let in_snapshot = names[..depth]
                .iter()
                .try_fold(ROOT, |id, n| snapshot.child(id, n))
                .is_some();
            if in_snapshot {
                break;
            }
            let Some(parent) = names[..depth - 1]
                .iter()
                .try_fold(ROOT, |id, n| self.upper.child(id, n))
            else {
                break;
            };
            let Some(id) = self.upper.child(parent, names[depth - 1]) else {
                break;
            };
            let node = self.upper.node(id);
            let empty = self.upper.children(id).next().is_none();
            let same = self
                .lower
                .lstat(&dir_path)
                .is_ok_and(|st| st.attrs == node.attrs());
            if !(node.is_dir() && empty && !node.is_opaque() && same) {
                break;
            }
            self.upper.detach(parent, names[depth - 1]);
        }
        Ok(())
    }

    /// Whether `path` (resolved in the merged view, its final symlink followed) may be changed: `Err` with
    /// [`Error::ReadOnly`] under a read-only mount. For the callers that open a file for writing without
    /// changing it yet (`>>` onto an existing file).
    pub fn writable(&self, path: &str) -> Result<()> {
        let (r, _) = self.locate(path, true)?;
        self.check_writable(&r, path)
    }

    fn check_writable(&self, r: &Resolved<MDir>, path: &str) -> Result<()> {
        if self.read_only.is_empty() {
            return Ok(());
        }
        let full = r.full_path();
        let under = |m: &String| {
            m == "/"
                || full == *m
                || full
                    .strip_prefix(m.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        };
        if self.read_only.iter().any(under) {
            return Err(Error::ReadOnly(path.to_string()));
        }
        Ok(())
    }

    /// The read-only lower tree.
    pub fn lower(&self) -> &Arc<Tree> {
        &self.lower
    }

    fn lookup(&self, dir: MDir, name: &str) -> Option<Found> {
        if let Some(u) = dir.upper {
            if let Some(c) = self.upper.child(u, name) {
                let node = self.upper.node(c);
                return match node.kind {
                    Kind::Whiteout => None,
                    Kind::Dir(_) => {
                        let lower = if node.is_opaque() {
                            None
                        } else {
                            self.lower_dir(dir, name)
                        };
                        Some(Found::Dir(MDir {
                            upper: Some(c),
                            lower,
                        }))
                    }
                    _ => Some(Found::Upper(c)),
                };
            }
        }
        let c = self.lower.child(dir.lower?, name)?;
        if self.lower.node(c).is_dir() {
            Some(Found::Dir(MDir {
                upper: None,
                lower: Some(c),
            }))
        } else {
            Some(Found::Lower(c))
        }
    }

    fn lower_dir(&self, dir: MDir, name: &str) -> Option<Id> {
        self.lower
            .child(dir.lower?, name)
            .filter(|c| self.lower.node(*c).is_dir())
    }

    fn stat_found(&self, f: Found) -> Stat {
        match f {
            Found::Dir(MDir {
                upper: Some(id), ..
            })
            | Found::Upper(id) => self.upper.stat_id(id),
            Found::Dir(MDir {
                lower: Some(id), ..
            })
            | Found::Lower(id) => self.lower.stat_id(id),
            Found::Dir(MDir {
                upper: None,
                lower: None,
            }) => self.upper.stat_id(ROOT),
        }
    }

    fn locate(&self, path: &str, follow: bool) -> Result<(Resolved<MDir>, Option<Found>)> {
        let r = resolve(self, path, follow)?;
        let found = match &r.name {
            None => Some(Found::Dir(*r.parent())),
            Some(n) => self.lookup(*r.parent(), n),
        };
        Ok((r, found))
    }

    fn existing(&self, path: &str, follow: bool) -> Result<(Resolved<MDir>, Found)> {
        match self.locate(path, follow)? {
            (r, Some(f)) => Ok((r, f)),
            (_, None) => Err(Error::NotFound(path.to_string())),
        }
    }

    /// Copies the directories of `r`'s chain up into the upper (metadata only); returns the upper inode of
    /// the last one.
    fn copy_up_chain(&mut self, r: &Resolved<MDir>) -> Id {
        let mut parent = ROOT;
        for (name, m) in &r.chain[1..] {
            parent = match m.upper.or_else(|| self.upper.child(parent, name)) {
                Some(id) => id,
                None => {
                    let attrs = m
                        .lower
                        .map(|l| self.lower.node(l).attrs())
                        .unwrap_or_default();
                    self.upper
                        .put(parent, name, Kind::Dir(Default::default()), &attrs)
                }
            };
        }
        parent
    }

    /// Makes sure the entry `name` found in the merged directory is in the upper; returns its upper inode.
    fn copy_up(&mut self, parent_up: Id, name: &str, f: Found) -> Id {
        match f {
            Found::Upper(id)
            | Found::Dir(MDir {
                upper: Some(id), ..
            }) => id,
            Found::Lower(id)
            | Found::Dir(MDir {
                lower: Some(id), ..
            }) => {
                if let Some(id) = self.upper.child(parent_up, name) {
                    return id;
                }
                let node = self.lower.node(id);
                let (kind, attrs) = (shallow(&node.kind), node.attrs());
                self.upper.put(parent_up, name, kind, &attrs)
            }
            Found::Dir(MDir {
                upper: None,
                lower: None,
            }) => parent_up,
        }
    }

    /// Resolves `path` for a change to an existing entry, copies it up; returns its canonical path.
    fn copy_up_path(&mut self, path: &str, follow: bool) -> Result<String> {
        let (r, f) = self.existing(path, follow)?;
        self.check_writable(&r, path)?;
        let parent = self.copy_up_chain(&r);
        if let Some(name) = &r.name {
            self.copy_up(parent, name, f);
        }
        Ok(r.full_path())
    }

    /// Whether the lower tree has `name` in the merged directory and the upper does not already hide it.
    fn lower_has(&self, dir: MDir, name: &str) -> bool {
        dir.lower.and_then(|l| self.lower.child(l, name)).is_some()
    }

    // ----- reading

    /// `lstat` in the merged view.
    pub fn lstat(&self, path: &str) -> Result<Stat> {
        Ok(self.stat_found(self.existing(path, false)?.1))
    }

    /// `stat` in the merged view (following symlinks).
    pub fn stat(&self, path: &str) -> Result<Stat> {
        Ok(self.stat_found(self.existing(path, true)?.1))
    }

    /// Whether `path` exists in the merged view.
    pub fn exists(&self, path: &str) -> bool {
        matches!(self.locate(path, false), Ok((_, Some(_))))
    }

    /// The contents of the regular file at `path`.
    pub fn read(&self, path: &str) -> Result<Content> {
        match self.stat(path)?.kind {
            NodeKind::File(c) => Ok(c),
            NodeKind::Dir => Err(Error::IsADirectory(path.to_string())),
            _ => Err(Error::InvalidPath {
                path: path.to_string(),
                reason: "not a regular file",
            }),
        }
    }

    /// The target of the symlink at `path`.
    pub fn read_link(&self, path: &str) -> Result<String> {
        match self.lstat(path)?.kind {
            NodeKind::Symlink(t) => Ok(t),
            _ => Err(Error::InvalidPath {
                path: path.to_string(),
                reason: "not a symbolic link",
            }),
        }
    }

    /// The merged directory listing at `path`, in byte order.
    pub fn read_dir(&self, path: &str) -> Result<Vec<String>> {
        let (_, f) = self.existing(path, true)?;
        let Found::Dir(m) = f else {
            return Err(Error::NotADirectory(path.to_string()));
        };
        let mut names: Vec<String> = Vec::new();
        if let Some(u) = m.upper {
            names.extend(
                self.upper
                    .children(u)
                    .filter(|(_, c)| !matches!(self.upper.node(*c).kind, Kind::Whiteout))
                    .map(|(n, _)| n.to_string()),
            );
        }
        if let Some(l) = m.lower {
            for (n, _) in self.lower.children(l) {
                let hidden = m.upper.and_then(|u| self.upper.child(u, n)).is_some();
                if !hidden {
                    names.push(n.to_string());
                }
            }
        }
        crate::sort::sort(&mut names);
        Ok(names)
    }

    // ----- changing

    /// `mkdir`; over a whiteout the new directory is opaque (its lower namesake's children stay hidden).
    pub fn mkdir(&mut self, path: &str, attrs: Attrs) -> Result<()> {
        self.create(path, attrs, NodeKind::Dir)
    }

    /// `mkdir -p`.
    pub fn mkdir_all(&mut self, path: &str, attrs: Attrs) -> Result<()> {
        crate::tree::mkdir_all_via(self, path, attrs, Overlay::stat, Overlay::mkdir)
    }

    /// Creates a new entry; fails if the name exists in the merged view.
    pub fn create(&mut self, path: &str, attrs: Attrs, kind: NodeKind) -> Result<()> {
        let (r, f) = self.locate(path, false)?;
        if f.is_some() {
            return Err(Error::AlreadyExists(path.to_string()));
        }
        self.check_writable(&r, path)?;
        let Some(name) = r.name.clone() else {
            return Err(Error::AlreadyExists(path.to_string()));
        };
        let parent = self.copy_up_chain(&r);
        let over_whiteout = self.upper.child(parent, &name).is_some();
        let is_dir = kind == NodeKind::Dir;
        // The parent is known: insert there directly (what `Tree::create` does after its own path walk).
        let now = attrs.mtime;
        self.upper.put(parent, &name, kind_of(kind), &attrs);
        self.upper.touch_dir(parent, now);
        if is_dir && over_whiteout {
            if let Some(id) = self.upper.child(parent, &name) {
                self.upper.set_opaque(id, true);
            }
        }
        Ok(())
    }

    /// `echo x > path`; see [`Tree::write`].
    pub fn write(
        &mut self,
        path: &str,
        content: Content,
        new_attrs: Attrs,
        now: Timestamp,
    ) -> Result<()> {
        let full = self.prepare_write(path)?;
        self.upper.write(&full, content, new_attrs, now)
    }

    /// `echo x >> path`; see [`Tree::append`].
    pub fn append(
        &mut self,
        path: &str,
        more: &[u8],
        new_attrs: Attrs,
        now: Timestamp,
    ) -> Result<()> {
        let full = self.prepare_write(path)?;
        self.upper.append(&full, more, new_attrs, now)
    }

    /// For an open-for-writing: copies an existing file up, or the parents of a new one.
    fn prepare_write(&mut self, path: &str) -> Result<String> {
        let (r, f) = self.locate(path, true)?;
        let Some(name) = &r.name else {
            return Err(Error::IsADirectory(path.to_string()));
        };
        match f {
            Some(Found::Dir(_)) => return Err(Error::IsADirectory(path.to_string())),
            Some(Found::Upper(id)) if !matches!(self.upper.node(id).kind, Kind::File(_)) => {
                return Err(Error::InvalidPath {
                    path: path.to_string(),
                    reason: "not a regular file",
                })
            }
            Some(Found::Lower(id)) if !matches!(self.lower.node(id).kind, Kind::File(_)) => {
                return Err(Error::InvalidPath {
                    path: path.to_string(),
                    reason: "not a regular file",
                })
            }
            _ => {}
        }
        self.check_writable(&r, path)?;
        let parent = self.copy_up_chain(&r);
        if let Some(f) = f {
            self.copy_up(parent, name, f);
        }
        Ok(r.full_path())
    }

    /// `chmod` (copies the entry up).
    pub fn set_mode(&mut self, path: &str, mode: u32) -> Result<()> {
        let full = self.copy_up_path(path, true)?;
        self.upper.set_mode(&full, mode)
    }

    /// `chown` (copies the entry up).
    pub fn set_owner(&mut self, path: &str, uid: u32, gid: u32) -> Result<()> {
        let full = self.copy_up_path(path, true)?;
        self.upper.set_owner(&full, uid, gid)
    }

    /// `touch` / `utimes` (copies the entry up).
    pub fn set_mtime(&mut self, path: &str, mtime: Timestamp) -> Result<()> {
        let full = self.copy_up_path(path, true)?;
        self.upper.set_mtime(&full, mtime)
    }

    /// `setfattr` (copies the entry up).
    pub fn set_xattr(&mut self, path: &str, key: &str, value: &[u8]) -> Result<()> {
        let full = self.copy_up_path(path, true)?;
        self.upper.set_xattr(&full, key, value)
    }

    /// `unlink`.
    pub fn remove_file(&mut self, path: &str, now: Timestamp) -> Result<()> {
        let (_, f) = self.existing(path, false)?;
        if matches!(f, Found::Dir(_)) {
            return Err(Error::IsADirectory(path.to_string()));
        }
        self.remove(path, now)
    }

    /// `rmdir`: the merged directory must be empty.
    pub fn remove_dir(&mut self, path: &str, now: Timestamp) -> Result<()> {
        let (_, f) = self.existing(path, false)?;
        if !matches!(f, Found::Dir(_)) {
            return Err(Error::NotADirectory(path.to_string()));
        }
        if !self.read_dir(path)?.is_empty() {
            return Err(Error::DirectoryNotEmpty(path.to_string()));
        }
        self.remove(path, now)
    }

    /// `rm -r`.
    pub fn remove_all(&mut self, path: &str, now: Timestamp) -> Result<()> {
        self.remove(path, now)
    }

    fn remove(&mut self, path: &str, now: Timestamp) -> Result<()> {
        let (r, _) = self.existing(path, false)?;
        let Some(name) = r.name.clone() else {
            return Err(Error::InvalidPath {
                path: path.to_string(),
                reason: "names a directory by `/`, `.` or `..`",
            });
        };
        self.check_writable(&r, path)?;
        let parent = self.copy_up_chain(&r);
        if self.upper.child(parent, &name).is_some() {
            self.upper.detach(parent, &name);
        }
        if self.lower_has(*r.parent(), &name) {
            self.upper
                .put(parent, &name, Kind::Whiteout, &whiteout_attrs(now));
        }
        self.upper.node_mut(parent).set_mtime_pub(now);
        Ok(())
    }

    /// `ln`: a hard link; a lower file is copied up first (both names then share the upper copy).
    pub fn link(&mut self, existing: &str, new: &str, now: Timestamp) -> Result<()> {
        let (_, f) = self.existing(existing, false)?;
        if matches!(f, Found::Dir(_)) {
            return Err(Error::InvalidPath {
                path: existing.to_string(),
                reason: "hard link to a directory",
            });
        }
        if self.exists(new) {
            return Err(Error::AlreadyExists(new.to_string()));
        }
        let (r, _) = self.locate(new, false)?;
        self.check_writable(&r, new)?;
        let from = self.copy_up_path(existing, false)?;
        self.copy_up_chain(&r);
        self.upper.link(&from, &r.full_path(), now)
    }

    /// `mv` within the view. A lower directory cannot be moved ([`Error::CrossDevice`]).
    pub fn rename(&mut self, from: &str, to: &str, now: Timestamp) -> Result<()> {
        let (rf, f) = self.existing(from, false)?;
        if let Found::Dir(m) = f {
            if m.lower.is_some() || m.upper.is_some_and(|u| self.upper.node(u).is_opaque()) {
                return Err(Error::CrossDevice(from.to_string()));
            }
        }
        let (rt, t) = self.locate(to, false)?;
        self.check_writable(&rf, from)?;
        self.check_writable(&rt, to)?;
        let same = match (f, t) {
            (Found::Upper(a), Some(Found::Upper(b))) | (Found::Lower(a), Some(Found::Lower(b))) => {
                a == b
            }
            (Found::Dir(a), Some(Found::Dir(b))) => a.upper == b.upper && a.lower == b.lower,
            _ => false,
        };
        if same {
            // rename(2): two names of the same file, nothing to do.
            return Ok(());
        }
        match (f, t) {
            (Found::Dir(_), Some(Found::Upper(_) | Found::Lower(_))) => {
                return Err(Error::NotADirectory(to.to_string()))
            }
            (Found::Upper(_) | Found::Lower(_), Some(Found::Dir(_))) => {
                return Err(Error::IsADirectory(to.to_string()))
            }
            (_, Some(Found::Dir(_))) if !self.read_dir(to)?.is_empty() => {
                return Err(Error::DirectoryNotEmpty(to.to_string()))
            }
            _ => {}
        }
        if let Found::Dir(MDir {
            upper: Some(src), ..
        }) = f
        {
            if rt.chain.iter().any(|(_, d)| d.upper == Some(src)) {
                return Err(Error::InvalidPath {
                    path: to.to_string(),
                    reason: "a directory cannot move into itself",
                });
            }
        }
        let Some(from_name) = rf.name.clone() else {
            return Err(Error::InvalidPath {
                path: from.to_string(),
                reason: "names a directory by `/`, `.` or `..`",
            });
        };
        let src_full = self.copy_up_path(from, false)?;
        let to_parent = self.copy_up_chain(&rt);
        let dst_full = rt.full_path();
        if let (Some(name), Some(Found::Dir(_) | Found::Lower(_))) = (&rt.name, t) {
            // Whatever the lower tree has there must stay hidden once the source moves in.
            if self.upper.child(to_parent, name).is_none() && matches!(t, Some(Found::Dir(_))) {
                return Err(Error::CrossDevice(to.to_string()));
            }
        }
        self.upper.rename(&src_full, &dst_full, now)?;
        if let (Found::Dir(_), Some(name)) = (f, &rt.name) {
            // A directory moved over a lower entry must not show the lower's children: opaque, as overlayfs
            // marks it.
            if self.lower_has(*rt.parent(), name) {
                if let Some(id) = self.upper.child(to_parent, name) {
                    self.upper.set_opaque(id, true);
                }
            }
        }
        let from_parent = self.copy_up_chain(&rf);
        if self.lower_has(*rf.parent(), &from_name) {
            self.upper.put(
                from_parent,
                &from_name,
                Kind::Whiteout,
                &whiteout_attrs(now),
            );
        }
        Ok(())
    }

    // ----- results

    /// The container layer as a changeset, in Docker's overlay2 form and order (see the type docs).
    pub fn changeset(&self) -> Changeset {
        let mut out = Vec::new();
        let mut links: HashMap<Id, String> = HashMap::new();
        self.upper.walk(|path, id| {
            let node = self.upper.node(id);
            let attrs = node.attrs();
            match &node.kind {
                Kind::Whiteout => out.push(Entry {
                    path: path.to_string(),
                    attrs,
                    kind: EntryKind::Whiteout,
                }),
                Kind::Dir(_) => {
                    let opaque = node.is_opaque().then(|| opaque_attrs(&attrs));
                    out.push(Entry {
                        path: path.to_string(),
                        attrs,
                        kind: EntryKind::Dir,
                    });
                    if let Some(attrs) = opaque {
                        out.push(Entry {
                            path: path.to_string(),
                            attrs,
                            kind: EntryKind::Opaque,
                        });
                    }
                }
                _ => {
                    if node.nlink() > 1 {
                        if let Some(first) = links.get(&id) {
                            out.push(Entry {
                                path: path.to_string(),
                                attrs,
                                kind: EntryKind::Hardlink(first.clone()),
                            });
                            return;
                        }
                        links.insert(id, path.to_string());
                    }
                    let st = self.upper.stat_id(id);
                    out.push(entry_of(path, st));
                }
            }
        });
        Changeset { entries: out }
    }

    /// The merged filesystem as a standalone tree (the lower tree with the changeset applied).
    pub fn merged(&self) -> Result<Tree> {
        let mut t = (*self.lower).clone();
        self.changeset().apply(&mut t)?;
        Ok(t)
    }

    /// Whether nothing has been changed.
    pub fn is_clean(&self) -> bool {
        self.upper.is_empty()
    }
}

fn entry_of(path: &str, st: Stat) -> Entry {
    let kind = match st.kind {
        NodeKind::File(c) => EntryKind::File(c),
        NodeKind::Dir => EntryKind::Dir,
        NodeKind::Symlink(t) => EntryKind::Symlink(t),
        NodeKind::CharDevice { major, minor } => EntryKind::CharDevice { major, minor },
        NodeKind::BlockDevice { major, minor } => EntryKind::BlockDevice { major, minor },
        NodeKind::Fifo => EntryKind::Fifo,
    };
    Entry {
        path: join("/", path.trim_start_matches('/')),
        attrs: st.attrs,
        kind,
    }
}
