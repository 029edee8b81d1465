//! The package catalogue (`data/packages.txt`): a few common packages per packaging family with plausible
//! files, sizes, versions and dependencies.
//!
//! Format: a `pkg FAMILY NAME VERSION key=value…` line starts a package (families `apk`, `deb`, `rpm`
//! (centos 7), `fedora` (Fedora 41's rpms), `pip`); keys are `deps=a,b` (catalogue names), `provides=a,b`
//! (other names it is installed by), `ubuntu=VERSION` (the version on ubuntu, for `deb`), `arch=all|noarch|amd64`, `repo=NAME`, `dl=KB` (the
//! download size; default a third of the files), `name=Display` (pip's spelling). The lines after it are its
//! files: `d PATH [MODE]`, `f PATH SIZE|@BLOCK [MODE]`, `x PATH SIZE|@BLOCK`, `l PATH TARGET`,
//! `X DIR NAME:SIZE…`, `F DIR NAME:SIZE…`. Pip paths start with `@site/` or `@bin/`. `<<< NAME` … `>>>` is
//! a text block, as in the base image models.

use std::collections::HashMap;

use strata_image::Content;

use crate::base::fnv;

/// What a catalogue file entry is.
#[derive(Clone, Debug)]
pub(crate) enum FileKind {
    Dir,
    File(Content),
    Symlink(String),
}

/// One file of a package.
#[derive(Clone, Debug)]
pub(crate) struct PkgFile {
    pub(crate) path: String,
    pub(crate) mode: u32,
    pub(crate) kind: FileKind,
}

/// A catalogue package.
#[derive(Clone, Debug)]
pub(crate) struct Pkg {
    pub(crate) family: String,
    pub(crate) name: String,
    pub(crate) display: String,
    pub(crate) version: String,
    pub(crate) ubuntu: Option<String>,
    pub(crate) deps: Vec<String>,
    /// Recommended packages (apt installs them unless `--no-install-recommends`).
    pub(crate) recommends: Vec<String>,
    pub(crate) provides: Vec<String>,
    pub(crate) arch: String,
    pub(crate) repo: String,
    pub(crate) dl_kb: Option<u64>,
    pub(crate) files: Vec<PkgFile>,
    /// Not in the catalogue: a stand-in made up for an unknown name.
    pub(crate) placeholder: bool,
}

impl Pkg {
    /// The version on distribution `dist` (`debian`, `ubuntu`, …).
    pub(crate) fn version_on(&self, dist: &str) -> &str {
        match (&self.ubuntu, dist) {
            (Some(v), "ubuntu") => v,
            _ => &self.version,
        }
    }

    /// Bytes of its regular files.
    pub(crate) fn size(&self) -> u64 {
        self.files
            .iter()
            .map(|f| match &f.kind {
                FileKind::File(c) => c.len(),
                _ => 0,
            })
            .sum()
    }

    /// Installed size in KiB, as package databases record it.
    pub(crate) fn size_kb(&self) -> u64 {
        self.size().div_ceil(1024).max(1)
    }

    /// Download size in bytes.
    pub(crate) fn download(&self) -> u64 {
        self.dl_kb.map_or(self.size() / 3 + 2000, |k| k * 1000)
    }

    /// A stand-in for a name the catalogue does not have: a documentation directory and, outside pip, an
    /// executable named after it.
    pub(crate) fn placeholder(family: &str, name: &str, version: &str) -> Pkg {
        let mut files = Vec::new();
        let seed = |p: &str| fnv(&["placeholder", family, p]);
        if family == "pip" {
            let module = name.replace(['-', '.'], "_").to_ascii_lowercase();
            let p = format!("@site/{module}/__init__.py");
            files.push(PkgFile {
                path: p.clone(),
                mode: 0o644,
                kind: FileKind::File(Content::from_bytes(
                    format!("# {name}: a placeholder made by strata's modelled pip\n").into_bytes(),
                )),
            });
        } else {
            let bin = format!("/usr/bin/{name}");
            files.push(PkgFile {
                path: bin.clone(),
                mode: 0o755,
                kind: FileKind::File(Content::modelled(102_400, seed(&bin))),
            });
            let doc = format!("/usr/share/doc/{name}/README");
            files.push(PkgFile {
                path: doc,
                mode: 0o644,
                kind: FileKind::File(Content::from_bytes(
                    format!("{name}: not in strata's package catalogue; this placeholder stands in for it.\n")
                        .into_bytes(),
                )),
            });
        }
        Pkg {
            family: family.to_string(),
            name: name.to_string(),
            display: name.to_string(),
            version: version.to_string(),
            ubuntu: None,
            deps: Vec::new(),
            recommends: Vec::new(),
            provides: Vec::new(),
            arch: if matches!(family, "rpm" | "fedora") {
                "x86_64"
            } else {
                "amd64"
            }
            .to_string(),
            repo: String::new(),
            dl_kb: None,
            files,
            placeholder: true,
        }
    }
}

fn blocks() -> HashMap<&'static str, String> {
    let mut out = HashMap::new();
    let mut cur: Option<(&str, String)> = None;
    for line in crate::data::text("packages.txt").lines() {
        if let Some((name, text)) = cur.as_mut() {
            if line == ">>>" {
                out.insert(*name, std::mem::take(text));
                cur = None;
            } else {
                text.push_str(line);
                text.push('\n');
            }
        } else if let Some(name) = line.strip_prefix("<<< ") {
            cur = Some((name.trim(), String::new()));
        }
    }
    out
}

/// The catalogue's packages of `family`.
pub(crate) fn family(family: &str) -> Vec<Pkg> {
    let blocks = blocks();
    let mut out: Vec<Pkg> = Vec::new();
    let mut cur: Option<Pkg> = None;
    let mut in_block = false;
    for line in crate::data::text("packages.txt").lines() {
        if in_block {
            in_block = line != ">>>";
            continue;
        }
        if line.starts_with("<<< ") {
            in_block = true;
            continue;
        }
        let mut w = line.split_whitespace();
        let Some(op) = w.next() else { continue };
        if op == "pkg" {
            if let Some(p) = cur.take() {
                out.push(p);
            }
            let (Some(fam), Some(name), Some(version)) = (w.next(), w.next(), w.next()) else {
                continue;
            };
            if fam != family {
                continue;
            }
            let mut p = Pkg {
                family: fam.to_string(),
                name: name.to_string(),
                display: name.to_string(),
                version: version.to_string(),
                ubuntu: None,
                deps: Vec::new(),
                recommends: Vec::new(),
                provides: Vec::new(),
                arch: match fam {
                    "rpm" | "fedora" | "apk" => "x86_64",
                    "pip" => "any",
                    _ => "amd64",
                }
                .to_string(),
                repo: match fam {
                    "rpm" => "base",
                    "fedora" => "fedora",
                    "pip" => "pypi",
                    _ => "main",
                }
                .to_string(),
                dl_kb: None,
                files: Vec::new(),
                placeholder: false,
            };
            for kv in w {
                let Some((k, v)) = kv.split_once('=') else {
                    continue;
                };
                let list = || v.split(',').filter(|s| !s.is_empty()).map(str::to_string);
                match k {
                    "deps" => p.deps = list().collect(),
                    "rec" => p.recommends = list().collect(),
                    "provides" => p.provides = list().collect(),
                    "ubuntu" => p.ubuntu = Some(v.to_string()),
                    "arch" => p.arch = v.to_string(),
                    "repo" => p.repo = v.to_string(),
                    "dl" => p.dl_kb = v.parse().ok(),
                    "name" => p.display = v.to_string(),
                    _ => {}
                }
            }
            cur = Some(p);
            continue;
        }
        let Some(p) = cur.as_mut() else { continue };
        let words: Vec<&str> = w.collect();
        let seed = |path: &str| fnv(&[&p.family, &p.name, path]);
        match op {
            "d" => {
                if let Some(path) = words.first() {
                    let mode = words.get(1).and_then(|m| u32::from_str_radix(m, 8).ok());
                    p.files.push(PkgFile {
                        path: path.to_string(),
                        mode: mode.unwrap_or(0o755),
                        kind: FileKind::Dir,
                    });
                }
            }
            "f" | "x" => {
                let (Some(path), Some(spec)) = (words.first(), words.get(1)) else {
                    continue;
                };
                let content = if let Some(b) = spec.strip_prefix('@') {
                    Content::from_bytes(blocks.get(b).cloned().unwrap_or_default().into_bytes())
                } else if *spec == "=" {
                    Content::empty()
                } else if op == "f" {
                    crate::base::modelled_file(&p.family, path, spec.parse().unwrap_or(0))
                } else {
                    Content::modelled(spec.parse().unwrap_or(0), seed(path))
                };
                let mode = words
                    .get(2)
                    .and_then(|m| u32::from_str_radix(m, 8).ok())
                    .unwrap_or(if op == "x" { 0o755 } else { 0o644 });
                p.files.push(PkgFile {
                    path: path.to_string(),
                    mode,
                    kind: FileKind::File(content),
                });
            }
            "l" => {
                if let (Some(path), Some(target)) = (words.first(), words.get(1)) {
                    p.files.push(PkgFile {
                        path: path.to_string(),
                        mode: 0o777,
                        kind: FileKind::Symlink(target.to_string()),
                    });
                }
            }
            "X" | "F" => {
                let Some(dir) = words.first() else { continue };
                for item in words.iter().skip(1) {
                    let Some((n, size)) = item.rsplit_once(':') else {
                        continue;
                    };
                    let path = format!("{}/{n}", dir.trim_end_matches('/'));
                    let size = size.parse().unwrap_or(0);
                    let c = if op == "F" {
                        crate::base::modelled_file(&p.family, &path, size)
                    } else {
                        Content::modelled(size, seed(&path))
                    };
                    p.files.push(PkgFile {
                        path,
                        mode: if op == "X" { 0o755 } else { 0o644 },
                        kind: FileKind::File(c),
                    });
                }
            }
            _ => {}
        }
    }
    if let Some(p) = cur.take() {
        out.push(p);
    }
    out
}

/// Whether `name` could be a package name at all (letters, digits, `.+_-`, starting with a letter or
/// digit): anything else is "not found", never a placeholder written into the tree.
pub(crate) fn valid_name(name: &str) -> bool {
    name.len() <= 128
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".+_-".contains(c))
}

/// Whether `name` is listed as unavailable in `family`'s repositories (an `unavailable FAMILY NAME…` line:
/// e.g. htop and jq are only in EPEL for CentOS 7).
pub(crate) fn is_unavailable(family: &str, name: &str) -> bool {
    crate::data::text("packages.txt").lines().any(|l| {
        let mut w = l.split_whitespace();
        w.next() == Some("unavailable") && w.next() == Some(family) && w.any(|n| n == name)
    })
}

/// Finds `name` in `pkgs`: by name, then by what a package provides; pip names compare normalised
/// (case-insensitive, `-`, `_` and `.` equal).
pub(crate) fn find<'a>(pkgs: &'a [Pkg], name: &str) -> Option<&'a Pkg> {
    let norm = |s: &str| s.to_ascii_lowercase().replace(['_', '.'], "-");
    let bare = name
        .split(|c: char| "<>=!~;[ @".contains(c))
        .next()
        .unwrap_or(name);
    let n = norm(bare);
    pkgs.iter().find(|p| norm(&p.name) == n).or_else(|| {
        pkgs.iter()
            .find(|p| p.provides.iter().any(|x| norm(x) == n))
    })
}
