//! Path resolution inside a root, shared by [`Tree`](crate::Tree) and the copy-on-write [`Overlay`](crate::Overlay).
//!
//! Follows the kernel's rules as seen from a chrooted process: components are resolved left to right, `..` at
//! the root stays at the root, an absolute symlink target restarts from the root (never from the host), and
//! more than [`MAX_SYMLINKS`] links in one resolution is `ELOOP`.

use crate::{Error, Result};

/// How many symbolic links one path resolution may follow before failing with `ELOOP` (Linux's limit).
pub const MAX_SYMLINKS: u32 = 40;

/// What a directory holds under one name, as far as resolution cares.
pub(crate) enum Step<D> {
    Dir(D),
    Link(String),
    Other,
    Missing,
}

/// Something with directories that can be walked by name.
pub(crate) trait Namespace {
    type Dir: Clone;
    fn root_dir(&self) -> Self::Dir;
    fn step(&self, dir: &Self::Dir, name: &str) -> Step<Self::Dir>;
}

/// A resolved path: the canonical chain of directories from the root (symlinks and `..` already applied) and
/// the final name in the last of them, `None` when the path names a directory of the chain itself (`/`, `a/..`).
pub(crate) struct Resolved<D> {
    pub chain: Vec<(String, D)>,
    pub name: Option<String>,
}

impl<D> Resolved<D> {
    /// The directory that holds `name` (or is the target, when `name` is `None`).
    pub fn parent(&self) -> &D {
        // The chain always starts with the root.
        &self.chain[self.chain.len() - 1].1
    }

    /// The canonical absolute path of the parent directory.
    pub fn dir_path(&self) -> String {
        let mut s = String::new();
        for (n, _) in &self.chain[1..] {
            s.push('/');
            s.push_str(n);
        }
        if s.is_empty() {
            s.push('/');
        }
        s
    }

    /// The canonical absolute path of the target.
    pub fn full_path(&self) -> String {
        match &self.name {
            None => self.dir_path(),
            Some(n) => join(&self.dir_path(), n),
        }
    }
}

/// `dir` + `/` + `name` for a canonical absolute `dir`.
pub(crate) fn join(dir: &str, name: &str) -> String {
    if dir == "/" {
        format!("/{name}")
    } else {
        format!("{dir}/{name}")
    }
}

fn components(path: &str) -> impl DoubleEndedIterator<Item = &str> {
    path.split('/').filter(|c| !c.is_empty() && *c != ".")
}

/// Resolves `path` (absolute, or relative to the root) in `ns`. Intermediate symlinks are always followed; the
/// final one only with `follow_final` (or when the path ends in `/`).
pub(crate) fn resolve<N: Namespace + ?Sized>(
    ns: &N,
    path: &str,
    follow_final: bool,
) -> Result<Resolved<N::Dir>> {
    if path.is_empty() {
        return Err(Error::NotFound(String::new()));
    }
    let trailing_slash = path.len() > 1 && path.ends_with('/');
    let follow_final = follow_final || trailing_slash;
    let mut chain = vec![(String::new(), ns.root_dir())];
    let mut pending: Vec<String> = components(path).rev().map(String::from).collect();
    let mut links = 0u32;
    let mut name = None;
    while let Some(c) = pending.pop() {
        if c == ".." {
            if chain.len() > 1 {
                chain.pop();
            }
            continue;
        }
        let last = pending.is_empty();
        let dir = &chain[chain.len() - 1].1;
        match ns.step(dir, &c) {
            Step::Dir(d) => {
                if last {
                    name = Some(c);
                } else {
                    chain.push((c, d));
                }
            }
            Step::Link(target) if !last || follow_final => {
                links += 1;
                if links > MAX_SYMLINKS {
                    return Err(Error::TooManyLinks(path.to_string()));
                }
                if target.is_empty() {
                    return Err(Error::NotFound(path.to_string()));
                }
                if target.starts_with('/') {
                    chain.truncate(1);
                }
                pending.extend(components(&target).rev().map(String::from));
            }
            Step::Link(_) | Step::Other => {
                if !last || trailing_slash {
                    return Err(Error::NotADirectory(path.to_string()));
                }
                name = Some(c);
            }
            Step::Missing => {
                if !last {
                    return Err(Error::NotFound(path.to_string()));
                }
                name = Some(c);
            }
        }
    }
    Ok(Resolved { chain, name })
}

/// Normalizes a path lexically inside a root: `/`-separated, absolute, no `.`/`..`/empty components. `None`
/// when `..` would climb above the root.
pub fn normalize(path: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for c in components(path) {
        if c == ".." {
            out.pop()?;
        } else {
            out.push(c);
        }
    }
    Some(format!("/{}", out.join("/")))
}
