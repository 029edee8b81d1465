//! The compact text format of the base image models (`data/*.txt`), parsed at lookup time.
//!
//! One directive or entry per line, words separated by spaces; `#` starts a comment line.
//!
//! | line | meaning |
//! |---|---|
//! | `tags T…` | references this model answers to (`alpine`, `alpine:3.20`, …) |
//! | `variant REF NAME` | the reference `REF` selects variant `NAME` |
//! | `?NAME line` / `?!NAME line` | the line only counts in (or outside) variant `NAME` |
//! | `config JSON` | the image config (its `rootfs.diff_ids` are left empty) |
//! | `layer` | starts the next layer |
//! | `mtime SECS` | the mtime of the entries that follow |
//! | `d PATH [MODE] [UID:GID]` | a directory (0755) |
//! | `f PATH SIZE\|@BLOCK\|= [MODE] [UID:GID]` | a file (0644): modelled bytes of SIZE, a text block, or empty |
//! | `x PATH SIZE\|@BLOCK [MODE] [UID:GID]` | an executable (0755) |
//! | `l PATH TARGET` / `h PATH TARGET` | a symlink / a hard link to an earlier entry |
//! | `L DIR TARGET NAME…` | symlinks `DIR/NAME -> TARGET` |
//! | `X DIR NAME:SIZE…` / `F DIR NAME:SIZE…` | executables / plain files in DIR with modelled contents |
//! | `<<< NAME` … `>>>` | a text block (its lines, each ending in a newline) |
//! | `gen PATH KIND` | a file generated from the `pkg` lines: `dpkg` status or `apk` installed database |
//! | `pkg NAME VERSION SIZE_KB` | a package of the base system, for `gen` |
//!
//! Directories missing above an entry are added (0755, 0:0, the current mtime; `/` only when listed), and
//! each layer's entries are ordered as a tar walk writes them: parents first, siblings in byte order.

use std::collections::{BTreeMap, HashMap};

use strata_image::image::ImageConfig;
use strata_image::{Attrs, Changeset, Content, Entry, EntryKind, Timestamp};

/// The parsed model: its config and layers.
pub(crate) struct Parsed {
    pub(crate) config: ImageConfig,
    pub(crate) layers: Vec<Changeset>,
}

/// A base-system package named by a `pkg` line.
#[derive(Clone, Debug)]
pub(crate) struct BasePkg {
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) size_kb: u64,
}

/// The `tags` and `variant` lines of a model.
pub(crate) fn tags(data: &str) -> (Vec<&str>, Vec<(&str, &str)>) {
    let mut tags = Vec::new();
    let mut variants = Vec::new();
    for line in data.lines() {
        let mut w = line.split_whitespace();
        match w.next() {
            Some("tags") => tags.extend(w),
            Some("variant") => {
                if let (Some(r), Some(n)) = (w.next(), w.next()) {
                    variants.push((r, n));
                }
            }
            _ => {}
        }
    }
    (tags, variants)
}

/// FNV-1a, the seed of modelled contents: stable across runs and platforms.
pub(crate) fn fnv(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The lines that count in `variant`, with the variant prefix removed.
fn effective_lines<'a>(data: &'a str, variant: Option<&'a str>) -> impl Iterator<Item = &'a str> {
    data.lines().filter_map(move |line| {
        if let Some(rest) = line.strip_prefix("?!") {
            let (name, l) = rest.split_once(' ')?;
            (Some(name) != variant).then_some(l)
        } else if let Some(rest) = line.strip_prefix('?') {
            let (name, l) = rest.split_once(' ')?;
            (Some(name) == variant).then_some(l)
        } else {
            Some(line)
        }
    })
}

/// The text blocks of a model.
fn blocks(data: &str) -> HashMap<&str, String> {
    let mut out = HashMap::new();
    let mut cur: Option<(&str, String)> = None;
    for line in data.lines() {
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

/// The `pkg` lines of a model (in the variant).
pub(crate) fn base_pkgs(data: &str, variant: Option<&str>) -> Vec<BasePkg> {
    effective_lines(data, variant)
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            (w.next() == Some("pkg")).then_some(())?;
            Some(BasePkg {
                name: w.next()?.to_string(),
                version: w.next()?.to_string(),
                size_kb: w.next()?.parse().ok()?,
            })
        })
        .collect()
}

struct Layer {
    /// Keyed by path components, so that iteration is the tar walk order.
    entries: BTreeMap<Vec<String>, Entry>,
}

fn key(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

impl Layer {
    fn add(&mut self, e: Entry, mtime: Timestamp) {
        let k = key(&e.path);
        // The root is only in a layer when the data lists it (a rootfs tar has `./`, a RUN layer does not).
        for i in 1..k.len() {
            let pk = k[..i].to_vec();
            self.entries.entry(pk.clone()).or_insert_with(|| Entry {
                path: format!("/{}", pk.join("/")),
                attrs: Attrs::new(0o755, 0, 0, mtime),
                kind: EntryKind::Dir,
            });
        }
        self.entries.insert(k, e);
    }
}

/// Parses a model in `variant`. `name` seeds the modelled contents.
pub(crate) fn parse(name: &str, data: &str, variant: Option<&str>) -> Option<Parsed> {
    let blocks = blocks(data);
    let pkgs = base_pkgs(data, variant);
    let mut config = None;
    let mut layers: Vec<Layer> = Vec::new();
    let mut mtime = Timestamp::default();
    let mut in_block = false;
    for line in effective_lines(data, variant) {
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
        match op {
            "config" => {
                let json = line.split_once(' ').map_or("", |(_, j)| j);
                config = ImageConfig::from_json(json.as_bytes()).ok();
                continue;
            }
            "layer" => {
                layers.push(Layer {
                    entries: BTreeMap::new(),
                });
                continue;
            }
            "mtime" => {
                mtime = Timestamp::from_secs(w.next()?.parse().ok()?);
                continue;
            }
            _ => {}
        }
        let Some(layer) = layers.last_mut() else {
            continue;
        };
        let words: Vec<&str> = w.collect();
        match op {
            "d" | "f" | "x" => {
                let path = *words.first()?;
                let default_mode = match op {
                    "d" => 0o755,
                    "f" => 0o644,
                    _ => 0o755,
                };
                let rest = if op == "d" {
                    &words[1..]
                } else {
                    words.get(2..)?
                };
                let attrs = attrs_of(rest, default_mode, mtime)?;
                let kind = if op == "d" {
                    EntryKind::Dir
                } else {
                    EntryKind::File(content(name, path, words.get(1)?, &blocks)?)
                };
                layer.add(
                    Entry {
                        path: path.to_string(),
                        attrs,
                        kind,
                    },
                    mtime,
                );
            }
            "l" => {
                let (path, target) = (words.first()?, words.get(1)?);
                layer.add(symlink(path, target, mtime), mtime);
            }
            "h" => {
                let (path, target) = (words.first()?, words.get(1)?);
                let attrs = layer
                    .entries
                    .get(&key(target))
                    .map(|e| e.attrs.clone())
                    .unwrap_or_else(|| Attrs::new(0o644, 0, 0, mtime));
                layer.add(
                    Entry {
                        path: path.to_string(),
                        attrs,
                        kind: EntryKind::Hardlink(target.to_string()),
                    },
                    mtime,
                );
            }
            "L" => {
                let (dir, target) = (words.first()?, words.get(1)?);
                for n in words.get(2..)? {
                    layer.add(symlink(&join(dir, n), target, mtime), mtime);
                }
            }
            "X" | "F" => {
                let dir = words.first()?;
                let mode = if op == "X" { 0o755 } else { 0o644 };
                for item in words.get(1..)? {
                    let (n, size) = item.rsplit_once(':')?;
                    let path = join(dir, n);
                    let size = size.parse().ok()?;
                    let c = if op == "F" {
                        modelled_file(name, &path, size)
                    } else {
                        Content::modelled(size, fnv(&[name, &path]))
                    };
                    layer.add(
                        Entry {
                            path,
                            attrs: Attrs::new(mode, 0, 0, mtime),
                            kind: EntryKind::File(c),
                        },
                        mtime,
                    );
                }
            }
            "gen" => {
                let (path, kind) = (words.first()?, words.get(1)?);
                let text = match *kind {
                    "dpkg" => dpkg_status(&pkgs),
                    "apk" => apk_installed(&pkgs),
                    _ => return None,
                };
                layer.add(
                    Entry {
                        path: path.to_string(),
                        attrs: Attrs::new(0o644, 0, 0, mtime),
                        kind: EntryKind::File(Content::from_bytes(text.into_bytes())),
                    },
                    mtime,
                );
            }
            _ => {}
        }
    }
    Some(Parsed {
        config: config?,
        layers: layers
            .into_iter()
            .map(|l| Changeset {
                entries: l.entries.into_values().collect(),
            })
            .collect(),
    })
}

fn join(dir: &str, name: &str) -> String {
    format!("{}/{name}", dir.trim_end_matches('/'))
}

fn symlink(path: &str, target: &str, mtime: Timestamp) -> Entry {
    Entry {
        path: path.to_string(),
        attrs: Attrs::new(0o777, 0, 0, mtime),
        kind: EntryKind::Symlink(target.to_string()),
    }
}

fn attrs_of(words: &[&str], mode: u32, mtime: Timestamp) -> Option<Attrs> {
    let mut a = Attrs::new(mode, 0, 0, mtime);
    for w in words {
        if let Some((u, g)) = w.split_once(':') {
            a.uid = u.parse().ok()?;
            a.gid = g.parse().ok()?;
        } else {
            a.mode = u32::from_str_radix(w, 8).ok()? & 0o7777;
        }
    }
    Some(a)
}

fn content(model: &str, path: &str, spec: &str, blocks: &HashMap<&str, String>) -> Option<Content> {
    if spec == "=" {
        return Some(Content::empty());
    }
    if let Some(b) = spec.strip_prefix('@') {
        return Some(Content::from_bytes(blocks.get(b)?.clone().into_bytes()));
    }
    Some(modelled_file(model, path, spec.parse().ok()?))
}

/// The contents of a file the data gives only a size for. Configuration and dotfiles (under `/etc`,
/// `/root`, `/home`, up to 64 KiB) get readable text that says it is modelled, padded to the real size, so
/// `cat /etc/issue` prints a note rather than noise; everything else (binaries, libraries, data) gets
/// generated bytes.
pub(crate) fn modelled_file(model: &str, path: &str, size: u64) -> Content {
    let texty = ["/etc/", "/root/", "/home/"]
        .iter()
        .any(|p| path.starts_with(p))
        && size <= 65_536;
    if !texty {
        return Content::modelled(size, fnv(&[model, path]));
    }
    let n = usize::try_from(size).unwrap_or(0);
    let mut text =
        format!("# {path}: modelled by strata; the real file has {size} bytes of text\n")
            .into_bytes();
    while text.len() < n {
        text.extend_from_slice(b"#\n");
    }
    text.truncate(n);
    if let Some(last) = text.last_mut() {
        *last = b'\n';
    }
    Content::from_bytes(text)
}

/// `/var/lib/dpkg/status` for the base packages (the fields apt and dpkg read).
pub(crate) fn dpkg_status(pkgs: &[BasePkg]) -> String {
    let mut s = String::new();
    for p in pkgs {
        s.push_str(&crate::packages::dpkg_stanza(
            &p.name, &p.version, p.size_kb, "required",
        ));
    }
    s
}

/// `/lib/apk/db/installed` for the base packages.
pub(crate) fn apk_installed(pkgs: &[BasePkg]) -> String {
    let mut s = String::new();
    for p in pkgs {
        s.push_str(&crate::packages::apk_stanza(&p.name, &p.version, p.size_kb));
    }
    s
}
