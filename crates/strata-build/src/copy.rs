//! COPY and ADD: finding the sources (wildcards, `.dockerignore`, `--exclude`), placing them at the
//! destination (directories copy their contents, a trailing `/` means a directory), owners and modes, and
//! ADD's extraction of local archives, decided by content.

use std::collections::BTreeMap;

use strata_image::{Attrs, Content, Digest, EntryKind, NodeKind, Overlay, Stat, Timestamp, Tree};

use crate::archive::as_archive;
use crate::cache::file_checksum;
use crate::dockerignore::DockerIgnore;
use crate::filepath_match;

/// One COPY/ADD, with everything expanded and resolved.
pub(crate) struct CopyOp<'a> {
    /// Sources as written (expanded), relative to the source root.
    pub sources: &'a [String],
    /// Here-document sources: name and body.
    pub contents: &'a [(String, String)],
    /// The destination as written (expanded).
    pub dest: &'a str,
    /// The working directory the destination is relative to.
    pub workdir: &'a str,
    /// Where sources come from: the context or another stage's filesystem.
    pub from: &'a Tree,
    /// Paths excluded by `.dockerignore` (context only).
    pub ignore: Option<&'a DockerIgnore>,
    /// `--exclude` patterns.
    pub exclude: &'a [String],
    /// `--chown`, resolved.
    pub chown: Option<(u32, u32)>,
    /// Keep the sources' owners when there is no `--chown` (`--from` a stage or image); context files
    /// become 0:0.
    pub keep_owners: bool,
    /// `--chmod`, resolved.
    pub chmod: Option<Chmod>,
    /// ADD: extract local archives.
    pub unpack: bool,
    /// The build's clock, for created directories.
    pub now: Timestamp,
}

/// A `--chmod` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Chmod {
    /// Octal, applied to files and directories alike.
    Octal(u32),
}

impl Chmod {
    /// Parses `--chmod`: octal up to 07777.
    pub fn parse(s: &str) -> Result<Chmod, String> {
        match u32::from_str_radix(s, 8) {
            Ok(m) if m <= 0o7777 && !s.is_empty() => Ok(Chmod::Octal(m)),
            _ => Err(format!("invalid chmod parameter: {s}")),
        }
    }

    fn apply(self, _mode: u32) -> u32 {
        match self {
            Chmod::Octal(m) => m,
        }
    }
}

/// What a COPY read, for the cache key: source path to checksum.
pub(crate) type Checksums = BTreeMap<String, Digest>;

/// A source after matching: its path in the source tree (relative, no leading `/`) and what it is.
struct Source {
    rel: String,
    /// Where its contents are: `rel` with symlinks resolved (a source path is followed, as BuildKit does).
    real: String,
    stat: Stat,
}

/// A COPY's sources, found once: used for the cache key and, on a miss, for the copy itself.
pub(crate) struct Prepared {
    sources: Vec<Source>,
    /// For each source, the entries below it when it is a directory (absolute paths in the source tree,
    /// exclusions applied).
    below: Vec<Vec<(String, Stat)>>,
    /// Source path to checksum, for the cache key.
    pub sums: Checksums,
}

/// Finds the sources of `op` and checksums them (for the cache key) without copying.
pub(crate) fn prepare(op: &CopyOp<'_>) -> Result<Prepared, String> {
    let mut all: Option<Vec<(String, Stat)>> = None;
    let sources = find_sources(op, &mut all)?;
    let mut sums = Checksums::new();
    let mut below = Vec::with_capacity(sources.len());
    for src in &sources {
        sums.insert(format!("/{}", src.rel), file_checksum(&src.stat));
        let mut inside = Vec::new();
        if src.stat.is_dir() {
            let entries = all.get_or_insert_with(|| op.from.entries());
            for (path, st) in walk(entries, &src.real) {
                if excluded(op, &path[1..]) {
                    continue;
                }
                sums.insert(path.clone(), file_checksum(&st));
                inside.push((path, st));
            }
        }
        below.push(inside);
    }
    for (name, body) in op.contents {
        sums.insert(format!("<<{name}"), Digest::of(body.as_bytes()));
    }
    Ok(Prepared {
        sources,
        below,
        sums,
    })
}

/// Performs `op` on `fs`.
pub(crate) fn copy(fs: &mut Overlay, op: &CopyOp<'_>, prepared: &Prepared) -> Result<(), String> {
    let sources = &prepared.sources;
    let n_sources = sources.len() + op.contents.len();
    if n_sources == 0 {
        return Ok(());
    }
    let dest_abs = absolute(op.workdir, op.dest);
    let dest_is_dir = op.dest.ends_with('/')
        || op.dest.ends_with("/.")
        || op.dest == "."
        || fs.stat(&dest_abs).map(|s| s.is_dir()).unwrap_or(false);
    // BuildKit copies several sources onto a destination without `/` one after the other (the last one
    // wins when it is a file); only the classic builder refuses (tests/fidelity case 74).
    let _ = n_sources;
    let owner = op.chown.unwrap_or((0, 0));
    for (src, inside) in sources.iter().zip(&prepared.below) {
        if src.stat.is_dir() {
            mkdir_p(fs, &dest_abs, owner, op.now)?;
            copy_dir_contents(fs, op, inside, &src.real, &dest_abs, owner)?;
            continue;
        }
        let target = if dest_is_dir {
            mkdir_p(fs, &dest_abs, owner, op.now)?;
            join(&dest_abs, basename(&src.rel))
        } else {
            if let Some(parent) = parent_of(&dest_abs) {
                mkdir_p(fs, parent, owner, op.now)?;
            }
            dest_abs.clone()
        };
        if op.unpack {
            if let NodeKind::File(content) = &src.stat.kind {
                if let Some(archive) = as_archive(content) {
                    // ADD extracts into the destination as a directory, whatever the slash.
                    mkdir_p(fs, &dest_abs, (0, 0), op.now)?;
                    extract(fs, &archive, &dest_abs)?;
                    continue;
                }
            }
        }
        place(fs, op, &target, &src.stat, owner)?;
    }
    for (name, body) in op.contents {
        let target = if dest_is_dir {
            mkdir_p(fs, &dest_abs, owner, op.now)?;
            join(&dest_abs, name)
        } else {
            if let Some(parent) = parent_of(&dest_abs) {
                mkdir_p(fs, parent, owner, op.now)?;
            }
            dest_abs.clone()
        };
        let mode = op.chmod.map(|c| c.apply(0o644)).unwrap_or(0o644);
        let attrs = Attrs::new(mode, owner.0, owner.1, op.now);
        put(
            fs,
            &target,
            attrs,
            NodeKind::File(Content::from(body.as_bytes())),
        )?;
    }
    Ok(())
}

fn find_sources(
    op: &CopyOp<'_>,
    all: &mut Option<Vec<(String, Stat)>>,
) -> Result<Vec<Source>, String> {
    let mut out = Vec::new();
    for raw in op.sources {
        let rel = clean_source(raw);
        if filepath_match::has_meta(&rel) {
            let mut matched = 0;
            let entries = all.get_or_insert_with(|| op.from.entries());
            for (path, st) in entries.iter() {
                let st = st.clone();
                let p = path.trim_start_matches('/');
                if p.is_empty() {
                    continue;
                }
                if filepath_match::match_path(&rel, p).map_err(|e| format!("{e}"))?
                    && !excluded(op, p)
                {
                    matched += 1;
                    let real = real_path(op.from, p);
                    out.push(Source {
                        rel: p.to_owned(),
                        real,
                        stat: st,
                    });
                }
            }
            // A wildcard that matches nothing copies nothing (Docker 20.10 and BuildKit alike).
            let _ = matched;
            continue;
        }
        let path = format!("/{rel}");
        let stat = if rel.is_empty() {
            op.from.stat("/")
        } else {
            op.from.stat(&path)
        };
        match stat {
            Ok(st) if rel.is_empty() || !excluded(op, &rel) => {
                let real = real_path(op.from, &rel);
                out.push(Source {
                    rel,
                    real,
                    stat: st,
                })
            }
            _ => {
                return Err(format!(
                    "failed to compute cache key: \"/{rel}\" not found: not found"
                ))
            }
        }
    }
    Ok(out)
}

/// `rel` with its symlinks resolved inside the tree, relative again.
fn real_path(tree: &Tree, rel: &str) -> String {
    if rel.is_empty() {
        return String::new();
    }
    tree.canonicalize(&format!("/{rel}"))
        .map(|p| p.trim_start_matches('/').to_owned())
        .unwrap_or_else(|_| rel.to_owned())
}

fn excluded(op: &CopyOp<'_>, rel: &str) -> bool {
    if let Some(ig) = op.ignore {
        if ig.is_excluded(rel) {
            return true;
        }
    }
    op.exclude.iter().any(|p| {
        filepath_match::match_path(p, rel).unwrap_or(false) || rel.starts_with(&format!("{p}/"))
    })
}

/// Every entry below `dir` (relative) among `entries` (a tree's, parents first), with its absolute path.
fn walk(entries: &[(String, Stat)], dir: &str) -> Vec<(String, Stat)> {
    let prefix = if dir.is_empty() {
        "/".to_owned()
    } else {
        format!("/{dir}/")
    };
    entries
        .iter()
        .filter(|(p, _)| p.starts_with(&prefix) && p.len() > prefix.len())
        .map(|(p, st)| (p.clone(), st.clone()))
        .collect()
}

fn copy_dir_contents(
    fs: &mut Overlay,
    op: &CopyOp<'_>,
    inside: &[(String, Stat)],
    src_dir: &str,
    dest: &str,
    owner: (u32, u32),
) -> Result<(), String> {
    let strip = if src_dir.is_empty() {
        0
    } else {
        src_dir.len() + 1
    };
    for (path, st) in inside {
        let rest = &path[1 + strip..];
        let target = join(dest, rest);
        place(fs, op, &target, st, owner)?;
    }
    Ok(())
}

/// Writes one source entry at `target`, keeping its mode (unless `--chmod`), mtime and xattrs, owned by
/// `owner` (or by its own owner when `op.keep_owners`).
fn place(
    fs: &mut Overlay,
    op: &CopyOp<'_>,
    target: &str,
    st: &Stat,
    owner: (u32, u32),
) -> Result<(), String> {
    let mut attrs = st.attrs.clone();
    if !op.keep_owners {
        attrs.uid = owner.0;
        attrs.gid = owner.1;
    }
    if let Some(c) = op.chmod {
        if !matches!(st.kind, NodeKind::Symlink(_)) {
            attrs.mode = c.apply(attrs.mode);
        }
    }
    if st.is_dir() {
        return match fs.lstat(target) {
            Ok(existing) if existing.is_dir() => {
                fs.set_mode(target, attrs.mode).map_err(|e| e.to_string())?;
                fs.set_owner(target, attrs.uid, attrs.gid)
                    .map_err(|e| e.to_string())?;
                fs.set_mtime(target, attrs.mtime).map_err(|e| e.to_string())
            }
            Ok(_) => {
                fs.remove_all(target, op.now).map_err(|e| e.to_string())?;
                fs.mkdir(target, attrs).map_err(|e| e.to_string())
            }
            Err(_) => fs.mkdir(target, attrs).map_err(|e| e.to_string()),
        };
    }
    put(fs, target, attrs, st.kind.clone())
}

/// Creates (or replaces) a non-directory entry.
fn put(fs: &mut Overlay, target: &str, attrs: Attrs, kind: NodeKind) -> Result<(), String> {
    // Most targets are new: try that first (one path walk), replace only when the name exists.
    match fs.create(target, attrs.clone(), kind.clone()) {
        Err(strata_image::Error::AlreadyExists(_)) => {}
        other => return other.map_err(|e| e.to_string()),
    }
    if fs.lstat(target).map(|s| s.is_dir()).unwrap_or(false) {
        return Err(format!(
            "cannot copy to {target}: it is a directory in the image"
        ));
    }
    fs.remove_file(target, attrs.mtime)
        .map_err(|e| e.to_string())?;
    fs.create(target, attrs, kind).map_err(|e| e.to_string())
}

fn mkdir_p(fs: &mut Overlay, dir: &str, owner: (u32, u32), now: Timestamp) -> Result<(), String> {
    if fs.stat(dir).map(|s| s.is_dir()).unwrap_or(false) {
        return Ok(());
    }
    fs.mkdir_all(dir, Attrs::new(0o755, owner.0, owner.1, now))
        .map_err(|e| e.to_string())
}

/// Extracts an archive under `dest`, keeping owners, modes and mtimes from the archive.
fn extract(fs: &mut Overlay, archive: &strata_image::Changeset, dest: &str) -> Result<(), String> {
    for e in &archive.entries {
        let target = join(dest, e.path.trim_start_matches('/'));
        match &e.kind {
            EntryKind::Dir => match fs.lstat(&target) {
                Ok(st) if st.is_dir() => {
                    fs.set_mode(&target, e.attrs.mode)
                        .map_err(|e| e.to_string())?;
                    fs.set_owner(&target, e.attrs.uid, e.attrs.gid)
                        .map_err(|e| e.to_string())?;
                    fs.set_mtime(&target, e.attrs.mtime)
                        .map_err(|e| e.to_string())?;
                }
                _ => {
                    if let Some(parent) = parent_of(&target) {
                        mkdir_p(fs, parent, (0, 0), e.attrs.mtime)?;
                    }
                    fs.mkdir(&target, e.attrs.clone())
                        .map_err(|e| e.to_string())?
                }
            },
            EntryKind::File(c) => put(fs, &target, e.attrs.clone(), NodeKind::File(c.clone()))?,
            EntryKind::Symlink(t) => {
                put(fs, &target, e.attrs.clone(), NodeKind::Symlink(t.clone()))?
            }
            EntryKind::Hardlink(first) => {
                let existing = join(dest, first.trim_start_matches('/'));
                fs.link(&existing, &target, e.attrs.mtime)
                    .map_err(|e| e.to_string())?
            }
            EntryKind::CharDevice { major, minor } => put(
                fs,
                &target,
                e.attrs.clone(),
                NodeKind::CharDevice {
                    major: *major,
                    minor: *minor,
                },
            )?,
            EntryKind::BlockDevice { major, minor } => put(
                fs,
                &target,
                e.attrs.clone(),
                NodeKind::BlockDevice {
                    major: *major,
                    minor: *minor,
                },
            )?,
            EntryKind::Fifo => put(fs, &target, e.attrs.clone(), NodeKind::Fifo)?,
            // An archive's whiteouts are files to `tar -x`; the layer reader took them as markers, and
            // extracting them would delete nothing in the image: skip them.
            EntryKind::Whiteout | EntryKind::Opaque => {}
        }
    }
    Ok(())
}

/// A source as BuildKit cleans it: inside the context, no leading `/`, no trailing `/`, `..` clamped.
pub(crate) fn clean_source(raw: &str) -> String {
    clean(&format!("/{raw}")).trim_start_matches('/').to_owned()
}

/// `dest` made absolute against `workdir`, normalized (trailing `/` dropped).
pub(crate) fn absolute(workdir: &str, dest: &str) -> String {
    if dest.starts_with('/') {
        clean(dest)
    } else {
        clean(&format!("{workdir}/{dest}"))
    }
}

/// Lexical cleaning like Go's `path.Clean` on an absolute path: `..` stops at the root.
pub(crate) fn clean(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    format!("/{}", out.join("/"))
}

fn join(dir: &str, name: &str) -> String {
    if dir == "/" {
        format!("/{name}")
    } else {
        format!("{dir}/{name}")
    }
}

fn basename(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

fn parent_of(p: &str) -> Option<&str> {
    let i = p.rfind('/')?;
    Some(if i == 0 { "/" } else { &p[..i] })
}
