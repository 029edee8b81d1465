//! The image catalogue's files: where each repository's model lives, and how its text gets here.
//!
//! The catalogue (`catalogue/*.txt`: node, golang, nginx, eclipse-temurin, …) is not part of the data
//! packed into every build (`crate::data`): native builds compile it in (the `embedded-catalogue` feature,
//! on by default), and the web playground fetches a file when a FROM first needs it and hands it over with
//! [`provide`]. The index (`catalogue/index.txt`: which repositories exist, in which file, needing which
//! other files) is small and always compiled in, so the page can list the catalogue and say what a FROM
//! still needs ([`missing_catalogue_files`]).

use std::sync::Mutex;

include!(concat!(env!("OUT_DIR"), "/catalogue_files.rs"));

/// `REPOSITORY FILE [NEEDED…]` per line: the repository's model file and the catalogue files its bases
/// live in.
static INDEX: &str = include_str!("../../catalogue/index.txt");

/// The files handed over at run time, kept for the life of the program.
static PROVIDED: Mutex<Vec<(&'static str, &'static str)>> = Mutex::new(Vec::new());

/// The index's lines: repository, file, the other files it needs.
fn index() -> impl Iterator<Item = (&'static str, &'static str, Vec<&'static str>)> {
    INDEX.lines().filter_map(|l| {
        if l.starts_with('#') {
            return None;
        }
        let mut w = l.split_whitespace();
        Some((w.next()?, w.next()?, w.collect()))
    })
}

/// The repositories the catalogue models with the file each needs (`("node", "node.txt")`,
/// `("mcr.microsoft.com/dotnet/sdk", "dotnet.txt")`), for a picker that says which still need a download.
pub fn catalogue_repositories() -> Vec<(&'static str, &'static str)> {
    index().map(|(r, f, _)| (r, f)).collect()
}

/// The repository part of a normalised reference (`node:20` → `node`; a tag pinned by a digest counts).
fn repository(reference: &str) -> Option<String> {
    let r = super::model_key(reference)?;
    Some(
        r.split_once(':')
            .map_or(r.clone(), |(repo, _)| repo.to_string()),
    )
}

/// The catalogue file that models `reference`'s repository (`node:20-alpine` → `node.txt`), whether or not
/// it is here yet; `None` when the catalogue has no such repository.
pub fn catalogue_file_for(reference: &str) -> Option<&'static str> {
    let repo = repository(reference)?;
    index().find(|(r, _, _)| *r == repo).map(|(_, f, _)| f)
}

/// Every catalogue file `reference` needs (its own first, then the files its bases live in).
pub fn catalogue_files_for(reference: &str) -> Vec<&'static str> {
    let Some(repo) = repository(reference) else {
        return Vec::new();
    };
    index()
        .find(|(r, _, _)| *r == repo)
        .map(|(_, f, needs)| std::iter::once(f).chain(needs).collect())
        .unwrap_or_default()
}

/// The catalogue files `reference` needs that are neither compiled in nor provided yet: what the web
/// worker fetches (from `catalogue/NAME` beside the wasm) before a build whose FROM names it.
pub fn missing_catalogue_files(reference: &str) -> Vec<&'static str> {
    catalogue_files_for(reference)
        .into_iter()
        .filter(|f| text(f).is_none())
        .collect()
}

/// Hands over a catalogue file fetched at run time (`file` as the index names it, `text` its contents).
/// Returns false, keeping nothing, when `file` is not a catalogue file; providing a file twice keeps the
/// first.
pub fn provide(file: &str, text: &str) -> bool {
    let Some((_, name, _)) = index().find(|(_, f, _)| *f == file) else {
        return false;
    };
    let Ok(mut provided) = PROVIDED.lock() else {
        return false;
    };
    if !provided.iter().any(|(f, _)| *f == name) {
        // Kept for the program's life: a model is parsed from it on every FROM that names it.
        provided.push((name, Box::leak(text.to_owned().into_boxed_str())));
    }
    true
}

/// The text of a catalogue file, compiled in or provided; `None` when it is neither.
pub(crate) fn text(file: &str) -> Option<&'static str> {
    if let Some((_, t)) = EMBEDDED.iter().find(|(f, _)| *f == file) {
        return Some(t);
    }
    PROVIDED
        .lock()
        .ok()?
        .iter()
        .find(|(f, _)| *f == file)
        .map(|(_, t)| *t)
}

/// The catalogue file text for `repo` (a normalised repository name), when it is here.
pub(crate) fn text_for_repository(repo: &str) -> Option<&'static str> {
    let (_, f, _) = index().find(|(r, _, _)| *r == repo)?;
    text(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_index_file_exists_on_disk() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue");
        for (repo, file, needs) in index() {
            for f in std::iter::once(file).chain(needs) {
                assert!(dir.join(f).is_file(), "{repo}: {f}");
            }
        }
    }

    #[test]
    fn files_are_named_for_references() {
        assert_eq!(catalogue_file_for("node:20-alpine"), Some("node.txt"));
        assert_eq!(
            catalogue_file_for("docker.io/library/golang:1.22"),
            Some("golang.txt")
        );
        assert_eq!(
            catalogue_file_for("mcr.microsoft.com/dotnet/sdk:8.0"),
            Some("dotnet.txt")
        );
        assert_eq!(catalogue_file_for("alpine:3.20"), None);
        let pinned = format!("postgres:15.7-bookworm@sha256:{}", "6b".repeat(32));
        assert_eq!(catalogue_file_for(&pinned), Some("postgres.txt"));
        assert_eq!(
            catalogue_file_for(&format!("postgres@sha256:{}", "6b".repeat(32))),
            None
        );
        assert_eq!(catalogue_file_for("quay.io/x/y:1"), None);
        assert!(
            catalogue_files_for("maven:3.9-eclipse-temurin-17").contains(&"eclipse-temurin.txt")
        );
        assert!(!provide("no-such-file.txt", "x"));
    }

    /// Without the `embedded-catalogue` feature (the web's build), a catalogue image is there only once its
    /// files are handed over: run with `cargo test -p strata-sim --no-default-features --lib catalogue`.
    #[cfg(not(feature = "embedded-catalogue"))]
    #[test]
    fn files_handed_over_at_run_time_answer_a_from() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue");
        // The models (alpine.txt, …) are files of the site too, read through the loader.
        crate::data::set_loader(crate::data::tests::test_loader);
        assert!(EMBEDDED.is_empty());
        assert!(crate::base::lookup("node:20-alpine").is_none());
        assert_eq!(
            missing_catalogue_files("node:20"),
            ["node.txt", "buildpack-deps.txt"]
        );
        let node = std::fs::read_to_string(dir.join("node.txt")).unwrap();
        assert!(provide("node.txt", &node));
        // The alpine variant needs only node.txt (alpine is a built-in model).
        let img = crate::base::lookup("node:20-alpine").expect("provided");
        assert!(img.tree().unwrap().stat("/usr/local/bin/node").is_ok());
        assert_eq!(missing_catalogue_files("node:20"), ["buildpack-deps.txt"]);
        assert!(crate::base::lookup("node:20").is_none());
        let bp = std::fs::read_to_string(dir.join("buildpack-deps.txt")).unwrap();
        assert!(provide("buildpack-deps.txt", &bp));
        assert!(missing_catalogue_files("node:20").is_empty());
        assert!(crate::base::lookup("node:20").is_some());
        // Built-in models need nothing.
        assert!(missing_catalogue_files("alpine:3.20").is_empty());
        assert!(crate::base::lookup("python:3.12-slim").is_some());
    }
}
