//! What the build panels show about a build's outcome, computed by plain functions (no DOM, no Yew, no
//! clock): the log lines in BuildKit's plain-progress style (or the classic builder's), one [`LayerRow`] per
//! layer with its entries, the merged filesystem with the layer each path comes from, the `docker history`
//! rows and the `docker inspect` JSON, and on failure the error with the selection to jump to.
//!
//! The build itself runs in the worker ([`crate::session`]); these values cross to the page as JSON.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use strata_build::engine::{BuildFailure, BuildOutput, CacheStatus};
use strata_build::export_log::export_lines;
use strata_build::image::Layer;
use strata_build::{progress, BuiltImage, HistoryStyle, Step};
use strata_image::{layer_report, Changeset, EntryKind, NodeKind, Stat, Timestamp};

use strata_dockerfile::Severity;

use crate::analysis::{utf16_offset, ProblemRow};

/// Docker's size format (`0B`, `2.1MB`), shared with the CLI.
pub use strata_build::progress::human_size;

/// A layer's wasted paths beyond this many are counted in its total, not explained one by one.
pub const MAX_WASTE: usize = 20;

/// A layer's entries beyond this many are counted, not listed (a base image can hold thousands).
pub const MAX_ENTRIES: usize = 400;

/// Milliseconds since the epoch (JavaScript's `Date.now()`) as an image timestamp.
pub fn timestamp(ms: f64) -> Timestamp {
    let ms = if ms.is_finite() && ms > 0.0 {
        ms as i64
    } else {
        0
    };
    Timestamp {
        secs: ms.div_euclid(1000),
        nanos: u32::try_from(ms.rem_euclid(1000) * 1_000_000).unwrap_or(0),
    }
}

/// Everything the build panels show about one build.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BuildView {
    /// The log, line by line.
    pub log: Vec<LogLine>,
    /// Why the build failed, when it did.
    pub error: Option<BuildErrorRow>,
    /// The image's layers, base first (empty when the build failed).
    pub layers: Vec<LayerRow>,
    /// `docker history` rows, newest first (empty when the build failed).
    pub history: Vec<HistoryRow>,
    /// Steps that came from the cache.
    pub cached: usize,
    /// Steps that ran.
    pub ran: usize,
    /// The image ID (`sha256:…`), when the build succeeded.
    pub image_id: Option<String>,
    /// The name the image is tagged with (what the run line names, or `playground`).
    pub tag: String,
    /// Every path of the image's merged filesystem, parent before child (empty when the build failed).
    pub merged: Vec<MergedRow>,
    /// `docker image inspect`'s JSON (empty when the build failed).
    pub inspect: String,
    /// True when the log and history are the classic builder's.
    pub classic: bool,
    /// What the build found worth a warning on a line (a FROM tag the simulator does not model, built on
    /// another version).
    #[serde(default)]
    pub warnings: Vec<BuildErrorRow>,
    /// True when the image holds modelled files (its base's programs are the simulator's stand-ins): Docker
    /// loads its archive but cannot run them ([`crate::takeout`]).
    #[serde(default)]
    pub stand_ins: bool,
}

/// A layer index, and the lower layers whose copies of the same path it hides.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Indexed {
    /// The top-most layer with an entry for the path (0-based, base first).
    pub layer: usize,
    /// Lower layers that also have an entry for it: their bytes stay in the image, unseen.
    pub shadows: Vec<usize>,
}

/// One path of the merged filesystem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergedRow {
    /// The absolute path.
    pub path: String,
    /// How deep it is (`/bin` is 0).
    pub depth: usize,
    /// True for a directory.
    pub dir: bool,
    /// `ls -l`'s mode column (`drwxr-xr-x`).
    pub mode: String,
    /// Content bytes (the target's length for a symlink).
    pub size: u64,
    /// The symlink's target.
    pub target: Option<String>,
    /// Where it comes from.
    pub origin: Indexed,
}

/// One line of the build log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    /// What kind of line it is (the view colours it).
    pub kind: LineKind,
    /// The text, as BuildKit's plain progress prints it.
    pub text: String,
}

/// The kinds of build log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineKind {
    /// `#2 [2/4] RUN mkdir /x`.
    Step,
    /// A line the step's command printed.
    Output,
    /// A note from strata (a modelled package manager, a command the simulator cannot run).
    Note,
    /// `#2 CACHED`.
    Cached,
    /// `#2 DONE (cache miss: …)`.
    Done,
    /// `#2 ERROR` and the error message.
    Error,
}

impl LineKind {
    /// The CSS class suffix of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            LineKind::Step => "step",
            LineKind::Output => "output",
            LineKind::Note => "note",
            LineKind::Cached => "cached",
            LineKind::Done => "done",
            LineKind::Error => "error",
        }
    }
}

/// A failed build's error, ready to show and to jump to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildErrorRow {
    /// The message (BuildKit's wording where it has one).
    pub message: String,
    /// A hint, when one helps.
    pub help: Option<String>,
    /// Where in the Dockerfile, when the error has a place: the editor's jump target.
    pub at: Option<Jump>,
}

/// A place in the Dockerfile to select.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jump {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
    /// Start of the selection in UTF-16 code units.
    pub sel_start: u32,
    /// End of the selection in UTF-16 code units.
    pub sel_end: u32,
}

impl BuildErrorRow {
    /// The error as a problem row, for the editor's jump (the same shape the linter's problems have).
    pub fn problem(&self) -> Option<ProblemRow> {
        self.problem_as(Severity::Error)
    }

    /// The row as a problem of `severity`, for the editor's jump.
    pub fn problem_as(&self, severity: Severity) -> Option<ProblemRow> {
        self.at.as_ref().map(|j| ProblemRow {
            line: j.line,
            col: j.col,
            severity,
            code: "build",
            message: self.message.clone(),
            help: self.help.clone(),
            sel_start: j.sel_start,
            sel_end: j.sel_end,
        })
    }
}

/// One layer of the built image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerRow {
    /// 0-based position, base first.
    pub index: usize,
    /// The history `created_by` of the step that made it.
    pub created_by: String,
    /// Content bytes (what `docker history` shows).
    pub size: u64,
    /// Bytes of this layer's files that a later layer deletes or overwrites.
    pub wasted: u64,
    /// Why, path by path (`/big.bin deleted in layer 4 still takes 1.05MB here`), at most [`MAX_WASTE`].
    pub waste: Vec<String>,
    /// The layer's tar entries, in tar order, at most [`MAX_ENTRIES`].
    pub entries: Vec<EntryRow>,
    /// How many entries were left out of `entries`.
    pub more: usize,
    /// What the simulator could not do in the step that made it (`not simulated: …`: a RUN on an image strata
    /// does not know), shown with the layer.
    #[serde(default)]
    pub note: Option<String>,
}

/// One tar entry of a layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryRow {
    /// What the entry does to the filesystem below.
    pub change: Change,
    /// The absolute path it adds, changes or deletes (for an opaque marker, the directory).
    pub path: String,
    /// The entry's name in the layer tar (`sanchuang/.wh.f1.txt`, `etc/.wh..wh..opq`, `bin/`).
    pub tar_name: String,
    /// Content bytes; for a deletion, the bytes of what it deleted.
    pub size: u64,
    /// True for a directory.
    pub dir: bool,
    /// `ls -l`'s mode column (`-rw-r--r--`); empty for a whiteout or an opaque marker, which have none.
    pub mode: String,
    /// For a changed or deleted path: the lower layer whose copy it replaces or hides (for a container's
    /// layer, the image layer a file was copied up from).
    pub below: Option<usize>,
}

impl EntryRow {
    /// The row of layer entry `e`, which does `change` with `size` bytes over lower layer `below`.
    fn of(e: &strata_image::Entry, change: Change, size: u64, below: Option<usize>) -> EntryRow {
        EntryRow {
            change,
            path: e.path.clone(),
            tar_name: e.tar_name(),
            size,
            dir: e.kind == EntryKind::Dir,
            mode: entry_mode(e),
            below,
        }
    }
}

/// What a layer entry does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// A new path.
    Added,
    /// A path that existed below, replaced (or a directory whose attributes changed).
    Changed,
    /// A whiteout: the path below is deleted.
    Deleted,
    /// An opaque marker: everything below in the directory is hidden.
    Opaque,
}

impl Change {
    /// The word the view shows.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Changed => "changed",
            Change::Deleted => "deleted",
            Change::Opaque => "emptied",
        }
    }

    /// A sentence saying what the word means (the view's tooltip).
    pub fn explain(self) -> &'static str {
        match self {
            Change::Added => "a path the layers below do not have",
            Change::Changed => "replaces the copy in a layer below (for a directory: new attributes)",
            Change::Deleted => "a whiteout: hides the path in the layers below, whose bytes stay there",
            Change::Opaque => {
                "an opaque directory: hides everything the layers below have in it (the directory was \
                 removed and made again)"
            }
        }
    }
}

/// One `docker history` row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRow {
    /// The image ID (12 hex digits) on the newest row, `<missing>` below it, as docker shows a built image.
    pub image: String,
    /// The step's `created_by`.
    pub created_by: String,
    /// Content bytes of its layer (0 for a step without one).
    pub size: u64,
    /// The history comment (`buildkit.dockerfile.v0`).
    pub comment: String,
}

/// The view of a build's outcome; `dockerfile` is the text built (for the error's editor selection),
/// `style` the log and history style, `tag` the name the image is given.
pub fn view(
    dockerfile: &str,
    result: Result<&BuildOutput, BuildFailure>,
    style: HistoryStyle,
    tag: &str,
) -> BuildView {
    let classic = style == HistoryStyle::Classic;
    match result {
        Ok(out) => {
            let mut v = BuildView {
                classic,
                tag: tag.to_string(),
                ..BuildView::default()
            };
            let n = log_steps(&mut v, &out.steps, style);
            let tags = [tag.to_string()];
            let closing = export_lines(style, n, &out.image.id(), &tags);
            let last = closing.len().saturating_sub(1);
            v.log
                .extend(closing.into_iter().enumerate().map(|(i, text)| {
                    // BuildKit's export vertex: its header, its progress, its DONE; the classic lines are outcomes.
                    let kind = match i {
                        _ if classic || i == last => LineKind::Done,
                        0 => LineKind::Step,
                        _ => LineKind::Output,
                    };
                    line(kind, text)
                }));
            image_panels(&mut v, &out.image);
            // A step the simulator could not do leaves its note on the final image's layer.
            let target = out.steps.last().map(|s| s.stage.as_str());
            for s in out
                .steps
                .iter()
                .filter(|s| Some(s.stage.as_str()) == target)
            {
                let note = s.notes.iter().find(|n| n.starts_with("not simulated: "));
                if let (Some(i), Some(note)) = (s.layer, note) {
                    if let Some(row) = v.layers.get_mut(i) {
                        row.note = Some(note.clone());
                    }
                }
            }
            v.warnings = out
                .warnings
                .iter()
                .filter(|d| {
                    [
                        strata_build::SUBSTITUTED_BASE,
                        strata_build::UNKNOWN_BASE,
                        strata_build::OTHER_PLATFORM,
                    ]
                    .contains(&d.code)
                })
                .map(|d| BuildErrorRow {
                    message: d.message.clone(),
                    help: d.help.clone(),
                    at: Some(Jump {
                        line: d.span.line,
                        col: d.span.col,
                        sel_start: utf16_offset(dockerfile, d.span.start),
                        sel_end: utf16_offset(dockerfile, d.span.end.max(d.span.start)),
                    }),
                })
                .collect();
            v
        }
        Err(BuildFailure { error, steps }) => {
            let mut v = BuildView {
                classic,
                tag: tag.to_string(),
                ..BuildView::default()
            };
            log_steps(&mut v, &steps, style);
            // No blank line after the failed step: nothing follows it.
            if v.log.last().is_some_and(|l| l.text.is_empty()) {
                v.log.pop();
            }
            let at = error.span.map(|s| Jump {
                line: s.line,
                col: s.col,
                sel_start: utf16_offset(dockerfile, s.start),
                sel_end: utf16_offset(dockerfile, s.end.max(s.start)),
            });
            v.error = Some(BuildErrorRow {
                message: error.message,
                help: error.help,
                at,
            });
            v
        }
    }
}

/// The view of an image made by `docker commit` of container `container`.
pub fn committed_view(image: &BuiltImage, container: &str, style: HistoryStyle) -> BuildView {
    let mut v = BuildView {
        classic: style == HistoryStyle::Classic,
        tag: String::new(),
        ..BuildView::default()
    };
    v.log
        .push(line(LineKind::Step, format!("docker commit {container}")));
    v.log.push(line(
        LineKind::Done,
        format!("{} (the image plus the container's layer)", image.id()),
    ));
    image_panels(&mut v, image);
    v
}

/// Fills the layers, merged filesystem, history and inspect of `v` from `image`.
fn image_panels(v: &mut BuildView, image: &BuiltImage) {
    let id = image.id();
    let tags = if v.tag.is_empty() {
        Vec::new()
    } else {
        vec![full_tag(&v.tag)]
    };
    let copies = copies_by_path(&image.layers);
    v.stand_ins = crate::takeout::holds_stand_ins(image);
    v.layers = layer_rows(image, &copies);
    v.history = history_rows(image, &id.to_string());
    v.merged = merged_rows(image, &copies);
    let size = image.layers.iter().map(|l| l.size).sum();
    let inspect = strata_image::inspect::inspect(
        &image.config,
        &id,
        tags,
        size,
        image.config.created.clone(),
    );
    v.inspect =
        String::from_utf8_lossy(&strata_image::inspect::to_json_pretty(&[inspect])).into_owned();
    v.image_id = Some(id.to_string());
}

/// `name` with `:latest` when it has no tag.
fn full_tag(name: &str) -> String {
    strata_sim::backend::normalize_reference(name)
}

fn line(kind: LineKind, text: String) -> LogLine {
    LogLine { kind, text }
}

/// Appends the progress for `steps` (`strata_build::progress::plain`, the text the CLI prints), each line
/// with its kind; returns the number of BuildKit vertices printed.
fn log_steps(v: &mut BuildView, steps: &[Step], style: HistoryStyle) -> usize {
    let lines = progress::plain(steps, style);
    for s in steps {
        match &s.cache {
            CacheStatus::Hit => v.cached += 1,
            CacheStatus::Miss(_) => v.ran += 1,
            CacheStatus::Failed | CacheStatus::Metadata => {}
        }
    }
    if style == HistoryStyle::Classic {
        // `Step n/m : …`, ` ---> Using cache`, then what the step printed.
        v.log.extend(lines.into_iter().map(|text| {
            let kind = if text.starts_with("Step ") {
                LineKind::Step
            } else if text == " ---> Using cache" {
                LineKind::Cached
            } else if text.starts_with("[strata]") {
                LineKind::Note
            } else {
                LineKind::Output
            };
            LogLine { kind, text }
        }));
        return 0;
    }
    // What `plain` writes per vertex: the header, the output lines, the notes, the outcome, a blank line.
    let mut kinds = Vec::with_capacity(lines.len());
    let mut vertices = 0;
    for s in steps.iter().filter(|s| s.vertex.is_some()) {
        vertices += 1;
        kinds.push(LineKind::Step);
        // A cached step's old output is not replayed (as BuildKit prints only CACHED).
        let replayed = s.cache != CacheStatus::Hit;
        let output = String::from_utf8_lossy(&s.stdout).lines().count()
            + String::from_utf8_lossy(&s.stderr).lines().count();
        let notes = s.notes.len();
        kinds.extend(std::iter::repeat_n(
            LineKind::Output,
            if replayed { output } else { 0 },
        ));
        kinds.extend(std::iter::repeat_n(
            LineKind::Note,
            if replayed { notes } else { 0 },
        ));
        kinds.push(match &s.cache {
            CacheStatus::Hit => LineKind::Cached,
            CacheStatus::Metadata if progress::is_image_from(&s.text) => LineKind::Cached,
            CacheStatus::Failed => LineKind::Error,
            CacheStatus::Miss(_) | CacheStatus::Metadata => LineKind::Done,
        });
        kinds.push(LineKind::Output);
    }
    if kinds.len() != lines.len() {
        // The progress text changed shape: show it uncoloured rather than coloured wrongly.
        kinds = vec![LineKind::Output; lines.len()];
    }
    v.log.extend(
        lines
            .into_iter()
            .zip(kinds)
            .map(|(text, kind)| LogLine { kind, text }),
    );
    vertices
}

/// One row per layer: its `created_by` (the history entries that made layers, in order), size, wasted
/// bytes and entries.
fn layer_rows(image: &BuiltImage, copies: &Copies<'_>) -> Vec<LayerRow> {
    let changesets: Vec<Changeset> = image
        .layers
        .iter()
        .map(|l| (*l.changeset).clone())
        .collect();
    let a = layer_report::analyze(&changesets);
    let mut made_by = image
        .config
        .history
        .iter()
        .filter(|h| !h.empty_layer)
        .map(|h| match h.created_by.as_deref() {
            Some(by) if !by.is_empty() => by.to_string(),
            // Imported base layers often carry no command, only a comment (`Imported from -`).
            _ => match h.comment.as_deref() {
                Some(c) if !c.is_empty() => format!("(base image: {c})"),
                _ => "(base image)".to_string(),
            },
        });
    let mut wasted: BTreeMap<usize, u64> = BTreeMap::new();
    let mut waste: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for w in &a.wasted {
        *wasted.entry(w.layer).or_default() += w.bytes;
        let reasons = waste.entry(w.layer).or_default();
        if reasons.len() < MAX_WASTE {
            let deleted = image.layers.get(w.by).is_some_and(|l| {
                l.changeset
                    .entries
                    .iter()
                    .any(|e| e.path == w.path && e.kind == EntryKind::Whiteout)
            });
            let how = if deleted { "deleted" } else { "replaced" };
            reasons.push(format!(
                "{} {how} in layer {} still takes {} here",
                w.path,
                w.by + 1,
                human_size(w.bytes)
            ));
        }
    }
    image
        .layers
        .iter()
        .enumerate()
        .map(|(index, layer)| {
            let summary = a.layers.get(index);
            let mut entries: Vec<EntryRow> = layer
                .changeset
                .entries
                .iter()
                .take(MAX_ENTRIES)
                .map(|e| entry_row(e, summary, index, copies))
                .collect();
            let more = layer.changeset.entries.len().saturating_sub(MAX_ENTRIES);
            entries.truncate(MAX_ENTRIES);
            LayerRow {
                index,
                created_by: made_by.next().unwrap_or_default(),
                size: layer.size,
                wasted: wasted.get(&index).copied().unwrap_or(0),
                waste: waste.remove(&index).unwrap_or_default(),
                entries,
                more,
                note: None,
            }
        })
        .collect()
}

/// For each path, the layers (in order) with an entry for it that is not a whiteout or opaque marker.
type Copies<'a> = BTreeMap<&'a str, Vec<usize>>;

fn copies_by_path(layers: &[Layer]) -> Copies<'_> {
    let mut by_path = Copies::new();
    for (i, l) in layers.iter().enumerate() {
        for e in &l.changeset.entries {
            if !matches!(e.kind, EntryKind::Whiteout | EntryKind::Opaque) {
                by_path.entry(e.path.as_str()).or_default().push(i);
            }
        }
    }
    by_path
}

/// The top-most layer below `index` with a copy of `path`.
fn below(copies: &Copies<'_>, path: &str, index: usize) -> Option<usize> {
    copies
        .get(path)
        .and_then(|ls| ls.iter().rev().find(|&&l| l < index).copied())
}

fn entry_row(
    e: &strata_image::Entry,
    summary: Option<&layer_report::LayerChanges>,
    index: usize,
    copies: &Copies<'_>,
) -> EntryRow {
    let find =
        |list: &[layer_report::Change]| list.iter().find(|c| c.path == e.path).map(|c| c.size);
    let (change, size) = match &e.kind {
        EntryKind::Whiteout => (
            Change::Deleted,
            summary.and_then(|s| find(&s.deleted)).unwrap_or(0),
        ),
        EntryKind::Opaque => (Change::Opaque, 0),
        kind => {
            let size = match kind {
                EntryKind::File(c) => c.len(),
                _ => 0,
            };
            let added = summary.is_some_and(|s| find(&s.added).is_some());
            let change = if added {
                Change::Added
            } else {
                Change::Changed
            };
            (change, size)
        }
    };
    let below = match change {
        Change::Added | Change::Opaque => None,
        Change::Changed | Change::Deleted => below(copies, &e.path, index),
    };
    EntryRow::of(e, change, size, below)
}

/// A container's writable layer `upper` over an image with `layers`: added, changed (copied up from the
/// image layer named in `below`) and deleted entries, in tar order.
pub fn container_rows(layers: &[Layer], upper: &Changeset) -> Vec<EntryRow> {
    let copies = copies_by_path(layers);
    upper
        .entries
        .iter()
        .take(MAX_ENTRIES)
        .map(|e| {
            let below = below(&copies, &e.path, layers.len());
            let (change, size) = match &e.kind {
                EntryKind::Whiteout => (Change::Deleted, 0),
                EntryKind::Opaque => (Change::Opaque, 0),
                EntryKind::File(c) if below.is_some() => (Change::Changed, c.len()),
                EntryKind::File(c) => (Change::Added, c.len()),
                _ if below.is_some() => (Change::Changed, 0),
                _ => (Change::Added, 0),
            };
            EntryRow::of(e, change, size, below)
        })
        .collect()
}

/// Where `path` comes from in `layers`: the top-most layer with an entry for it, and the lower ones it
/// hides. None when no layer has it (a path the runtime adds).
pub fn origin(layers: &[Layer], path: &str) -> Option<Indexed> {
    let mut with = copies_by_path(layers).remove(path)?;
    let layer = with.pop()?;
    Some(Indexed {
        layer,
        shadows: with,
    })
}

/// Every path of the image, parent first, each with the layer it comes from and the layers it shadows.
fn merged_rows(image: &BuiltImage, by_path: &Copies<'_>) -> Vec<MergedRow> {
    image
        .tree
        .entries()
        .into_iter()
        .map(|(path, st)| {
            let mut with = by_path.get(path.as_str()).cloned().unwrap_or_default();
            let layer = with.pop().unwrap_or(0);
            let depth = path.matches('/').count().saturating_sub(1);
            MergedRow {
                depth,
                dir: matches!(st.kind, NodeKind::Dir),
                mode: mode_string(&st),
                size: st.size(),
                target: match &st.kind {
                    NodeKind::Symlink(t) => Some(t.clone()),
                    _ => None,
                },
                origin: Indexed {
                    layer,
                    shadows: with,
                },
                path,
            }
        })
        .collect()
}

/// `ls -l`'s mode column of a layer entry (a hard link shows as the regular file it names); empty for a
/// whiteout or an opaque marker.
pub fn entry_mode(e: &strata_image::Entry) -> String {
    let kind = match &e.kind {
        EntryKind::Whiteout | EntryKind::Opaque => return String::new(),
        EntryKind::Hardlink(_) => NodeKind::File(Default::default()),
        k => strata_image::plain_kind(k).unwrap_or(NodeKind::Fifo),
    };
    mode_string(&Stat {
        kind,
        attrs: e.attrs.clone(),
        nlink: 1,
        ident: 0,
    })
}

/// `ls -l`'s mode column.
pub fn mode_string(st: &Stat) -> String {
    strata_sim::shell::applets::mode_string(st)
}

/// `docker history`: newest first, the image ID on the top row and `<missing>` below (a built image's
/// intermediate steps have no image of their own), sizes from the layers.
fn history_rows(image: &BuiltImage, id: &str) -> Vec<HistoryRow> {
    let mut layers = image.layers.iter();
    let mut rows: Vec<HistoryRow> = image
        .config
        .history
        .iter()
        .map(|h| HistoryRow {
            image: "<missing>".to_string(),
            created_by: h.created_by.clone().unwrap_or_default(),
            size: if h.empty_layer {
                0
            } else {
                layers.next().map(|l| l.size).unwrap_or(0)
            },
            comment: h.comment.clone().unwrap_or_default(),
        })
        .collect();
    rows.reverse();
    if let Some(top) = rows.first_mut() {
        let hex = id.strip_prefix("sha256:").unwrap_or(id);
        top.image = hex.chars().take(12).collect();
    }
    rows
}
