//! The build context as the engine reads it: a [`Project`]'s files as a `strata_image::Tree`.
//!
//! Docker sends the context directory to the builder with each file's mode; the page has no directory, so
//! [`context_tree`] makes one from the project's list: parent directories 0755, files 0644, or 0755 when
//! the exec bit is set, owned by 0:0 as the builder sees them, all stamped with the time given.
//! [`normalize_path`] is the one rule for which paths a context file may have, shared with the files
//! editor.

use strata_image::{Attrs, Content, NodeKind, Timestamp, Tree};

use crate::project::Project;

/// The context `Tree` of `project`'s files, every entry's mtime `now`.
///
/// A file whose path [`normalize_path`] refuses, or that collides with a directory another file needs
/// (`a` and `a/b`), is left out; the first of two files with the same path wins.
pub fn context_tree(project: &Project, now: Timestamp) -> Tree {
    let dir = Attrs::new(0o755, 0, 0, now);
    let mut tree = Tree::with_root(dir.clone());
    for f in &project.files {
        let Some(rel) = normalize_path(&f.path) else {
            continue;
        };
        let path = format!("/{rel}");
        if tree.lstat(&path).is_ok() {
            continue;
        }
        if let Some((parent, _)) = path.rsplit_once('/') {
            if !parent.is_empty() && tree.mkdir_all(parent, dir.clone()).is_err() {
                continue;
            }
        }
        let attrs = Attrs::new(f.mode(), 0, 0, now);
        // A parent that turned out to be a file makes this fail: the file is left out.
        let _ = tree.insert(&path, attrs, NodeKind::File(Content::from(f.data.clone())));
    }
    tree
}

/// A context path in its one spelling: relative, `/`-separated, no empty, `.` or `..` components
/// (`./app//run.sh` → `app/run.sh`). `None` for a path that names no file (empty, `/`, or climbing out
/// with `..`) or holds a NUL.
pub fn normalize_path(path: &str) -> Option<String> {
    if path.contains('\0') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        None
    } else {
        Some(parts.join("/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::ContextFile;

    #[test]
    fn files_get_parents_and_modes() {
        let p = Project {
            files: vec![
                ContextFile::text("app/bin/run.sh", "echo hi\n").executable(),
                ContextFile::text("./hello.txt", "hello\n"),
                ContextFile::text("../escape", "no"),
                ContextFile::text("app/bin/run.sh/inner", "no"),
            ],
            ..Project::default()
        };
        let t = context_tree(&p, Timestamp::from_secs(7));
        assert_eq!(t.stat("/app").unwrap().attrs.mode & 0o7777, 0o755);
        assert_eq!(t.stat("/app/bin").unwrap().attrs.mode & 0o7777, 0o755);
        assert_eq!(
            t.stat("/app/bin/run.sh").unwrap().attrs.mode & 0o7777,
            0o755
        );
        assert_eq!(t.stat("/hello.txt").unwrap().attrs.mode & 0o7777, 0o644);
        assert_eq!(&*t.read("/hello.txt").unwrap().bytes(), b"hello\n");
        assert!(!t.exists("/escape"));
        let mut names: Vec<String> = t.entries().into_iter().map(|(p, _)| p).collect();
        strata_image::sort::sort(&mut names);
        assert_eq!(names, ["/app", "/app/bin", "/app/bin/run.sh", "/hello.txt"]);
    }

    #[test]
    fn paths_normalize() {
        assert_eq!(normalize_path("./a//b/./c").as_deref(), Some("a/b/c"));
        assert_eq!(normalize_path("/x").as_deref(), Some("x"));
        assert_eq!(normalize_path(""), None);
        assert_eq!(normalize_path("/"), None);
        assert_eq!(normalize_path("a/../b"), None);
        assert_eq!(normalize_path("a\0b"), None);
    }
}
