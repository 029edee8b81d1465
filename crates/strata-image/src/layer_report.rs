//! The report on a stack of layers, for the views: what each layer added, modified and deleted; where every path of the final
//! filesystem comes from and which earlier copies it hides; and the bytes wasted on copies the final image
//! cannot show.
//!
//! **Wasted bytes** are counted once per reclaimable copy: a file's bytes in a layer are wasted when a later
//! layer overwrites the file (a new copy, a `chmod` or `touch` copy-up), deletes it, hides it under an opaque
//! directory, or replaces a directory above it. The copy that stays visible is never wasted, so a file written
//! three times wastes two copies, not three (dive counts every copy of such a path, its issue 684).
//! Sizes are file content bytes (what `docker history` shows), not tar bytes.

use std::collections::BTreeMap;

use crate::{Changeset, EntryKind};

/// A path a layer touched, with its size in that layer (for a deletion, the size of what it deleted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The absolute path.
    pub path: String,
    /// Content bytes.
    pub size: u64,
}

/// What one layer did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LayerChanges {
    /// New paths (directories included).
    pub added: Vec<Change>,
    /// Paths that existed below and were replaced (directories only when their type changed).
    pub modified: Vec<Change>,
    /// Paths removed by a whiteout or hidden by an opaque directory (what was visible below).
    pub deleted: Vec<Change>,
    /// The layer's own content bytes.
    pub size: u64,
}

/// A copy of a path in some layer that the final image does not show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waste {
    /// The absolute path.
    pub path: String,
    /// The layer holding the hidden copy.
    pub layer: usize,
    /// Its content bytes.
    pub bytes: u64,
    /// The layer that overwrote, deleted or hid it.
    pub by: usize,
}

/// Where a path of the final filesystem comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    /// The absolute path.
    pub path: String,
    /// The layer whose copy is visible.
    pub layer: usize,
    /// Its content bytes.
    pub size: u64,
    /// Earlier layers holding copies of this path that the visible one hides, oldest first.
    pub hidden_in: Vec<usize>,
}

/// The analysis of a stack of layers, base first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LayerReport {
    /// Per layer.
    pub layers: Vec<LayerChanges>,
    /// Every path of the final filesystem, in path order.
    pub paths: Vec<Provenance>,
    /// Every hidden copy, in the order the hiding happened.
    pub wasted: Vec<Waste>,
    /// Content bytes of all layers.
    pub total_bytes: u64,
    /// Content bytes of the hidden copies.
    pub wasted_bytes: u64,
}

impl LayerReport {
    /// The share of the image's bytes that the final filesystem shows: `1 - wasted / total` (1 for an image
    /// without content).
    pub fn efficiency(&self) -> f64 {
        if self.total_bytes == 0 {
            1.0
        } else {
            1.0 - self.wasted_bytes as f64 / self.total_bytes as f64
        }
    }
}

/// The copy of a path visible so far.
struct Visible {
    layer: usize,
    size: u64,
    dir: bool,
    hidden_in: Vec<usize>,
}

/// Analyses `layers` (base first).
pub fn analyze(layers: &[Changeset]) -> LayerReport {
    let mut visible: BTreeMap<String, Visible> = BTreeMap::new();
    let mut out = LayerReport::default();
    for (idx, layer) in layers.iter().enumerate() {
        let mut sum = LayerChanges::default();
        // Opaque markers apply first, whatever their position.
        for e in layer.entries.iter().filter(|e| e.kind == EntryKind::Opaque) {
            hide(&mut visible, &e.path, false, idx, &mut sum, &mut out.wasted);
        }
        for e in &layer.entries {
            let size = match &e.kind {
                EntryKind::File(c) => c.len(),
                _ => 0,
            };
            match &e.kind {
                EntryKind::Opaque => {}
                EntryKind::Whiteout => {
                    hide(&mut visible, &e.path, true, idx, &mut sum, &mut out.wasted)
                }
                kind => {
                    let dir = *kind == EntryKind::Dir;
                    sum.size += size;
                    out.total_bytes += size;
                    match visible.get(&e.path) {
                        Some(v) if dir && v.dir => {
                            // A directory listed again (a parent of something changed): its attributes only.
                            continue;
                        }
                        Some(v) => {
                            let mut hidden_in = v.hidden_in.clone();
                            hidden_in.push(v.layer);
                            if v.dir {
                                // A directory replaced by something else takes its subtree with it.
                                hide(&mut visible, &e.path, true, idx, &mut sum, &mut out.wasted);
                                sum.deleted.retain(|c| c.path != e.path);
                            } else if let Some(old) = visible.remove(&e.path) {
                                out.wasted.push(Waste {
                                    path: e.path.clone(),
                                    layer: old.layer,
                                    bytes: old.size,
                                    by: idx,
                                });
                            }
                            sum.modified.push(Change {
                                path: e.path.clone(),
                                size,
                            });
                            visible.insert(
                                e.path.clone(),
                                Visible {
                                    layer: idx,
                                    size,
                                    dir,
                                    hidden_in,
                                },
                            );
                        }
                        None => {
                            sum.added.push(Change {
                                path: e.path.clone(),
                                size,
                            });
                            visible.insert(
                                e.path.clone(),
                                Visible {
                                    layer: idx,
                                    size,
                                    dir,
                                    hidden_in: Vec::new(),
                                },
                            );
                        }
                    }
                }
            }
        }
        out.layers.push(sum);
    }
    out.wasted_bytes = out.wasted.iter().map(|w| w.bytes).sum();
    out.paths = visible
        .into_iter()
        .map(|(path, v)| Provenance {
            path,
            layer: v.layer,
            size: v.size,
            hidden_in: v.hidden_in,
        })
        .collect();
    out
}

/// Removes `path`'s subtree (and `path` itself with `with_self`) from the visible set: deleted in `layer`'s
/// summary, each file copy wasted.
fn hide(
    visible: &mut BTreeMap<String, Visible>,
    path: &str,
    with_self: bool,
    layer: usize,
    sum: &mut LayerChanges,
    wasted: &mut Vec<Waste>,
) {
    let prefix = if path == "/" {
        "/".to_string()
    } else {
        format!("{path}/")
    };
    let mut gone: Vec<String> = visible
        .range(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .map(|(k, _)| k.clone())
        .collect();
    if with_self && visible.contains_key(path) {
        gone.insert(0, path.to_string());
    }
    for p in gone {
        if let Some(v) = visible.remove(&p) {
            if !v.dir {
                wasted.push(Waste {
                    path: p.clone(),
                    layer: v.layer,
                    bytes: v.size,
                    by: layer,
                });
            }
            sum.deleted.push(Change {
                path: p,
                size: v.size,
            });
        }
    }
}
