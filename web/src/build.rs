//! Building the Dockerfile in the page, and what the build log and layers panels show about the result,
//! computed by plain functions (no DOM, no Yew, no clock: the time comes in as an argument).
//!
//! [`Session`] holds what lives as long as the page: the simulator's store of base images (models are built
//! once) and the build cache, so a rebuild reuses unchanged steps and the log says `CACHED`.
//! [`Session::build`] runs `strata_build::build` with the simulator backend and turns the outcome into a
//! [`BuildView`]: the log lines in BuildKit's plain-progress style, one [`LayerRow`] per layer with its
//! entries, the `docker history` rows, and on failure the error with the selection to jump to.
//!
//! The build runs on the page's main thread for now; moving it into a Web Worker is the next step.

use std::collections::BTreeMap;

use strata_build::engine::{BuildFailure, BuildOutput, BuildRequest, CacheStatus};
use strata_build::{progress, Backend, Cache, HistoryStyle, Step};
use strata_dockerfile::Severity;
use strata_image::{analysis, Changeset, EntryKind, Timestamp, Tree};
use strata_sim::backend::{SimBackend, SimStore};

use crate::analysis::{utf16_offset, ProblemRow};

/// Docker's size format (`0B`, `2.1MB`), shared with the CLI.
pub use strata_build::progress::human_size;

/// A layer's entries beyond this many are counted, not listed (a base image can hold thousands).
pub const MAX_ENTRIES: usize = 400;

/// What lives for the whole page session: base images and the build cache.
#[derive(Default)]
pub struct Session {
    store: SimStore,
    cache: Cache,
}

impl Session {
    /// A session with the simulator's built-in base images and an empty cache.
    pub fn new() -> Session {
        Session::default()
    }

    /// Builds `dockerfile` with an empty context at time `now` (milliseconds since the epoch).
    pub fn build(&mut self, dockerfile: &str, now_ms: f64) -> BuildView {
        let context = Tree::new();
        let req = BuildRequest {
            dockerfile,
            context: &context,
            dockerignore: None,
            build_args: Vec::new(),
            target: None,
            no_cache: false,
            now: timestamp(now_ms),
            style: HistoryStyle::Buildkit,
        };
        let mut backend = SimBackend::default();
        let result = strata_build::build(
            &req,
            &mut backend as &mut dyn Backend,
            &self.store,
            &mut self.cache,
        );
        view(dockerfile, result)
    }
}

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
#[derive(Debug, Clone, PartialEq, Eq, Default)]
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
}

/// One line of the build log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// What kind of line it is (the view colours it).
    pub kind: LineKind,
    /// The text, as BuildKit's plain progress prints it.
    pub text: String,
}

/// The kinds of build log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildErrorRow {
    /// The message (BuildKit's wording where it has one).
    pub message: String,
    /// A hint, when one helps.
    pub help: Option<String>,
    /// Where in the Dockerfile, when the error has a place: the editor's jump target.
    pub at: Option<ProblemRow>,
}

/// One layer of the built image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerRow {
    /// 0-based position, base first.
    pub index: usize,
    /// The history `created_by` of the step that made it.
    pub created_by: String,
    /// Content bytes (what `docker history` shows).
    pub size: u64,
    /// Bytes of this layer's files that a later layer deletes or overwrites.
    pub wasted: u64,
    /// The layer's tar entries, in tar order, at most [`MAX_ENTRIES`].
    pub entries: Vec<EntryRow>,
    /// How many entries were left out of `entries`.
    pub more: usize,
}

/// One tar entry of a layer.
#[derive(Debug, Clone, PartialEq, Eq)]
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
}

/// What a layer entry does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// The view of a build's outcome; `dockerfile` is the text built (for the error's editor selection).
pub fn view(dockerfile: &str, result: Result<BuildOutput, BuildFailure>) -> BuildView {
    match result {
        Ok(out) => {
            let mut v = BuildView::default();
            let n = log_steps(&mut v, &out.steps);
            let id = out.image.id().to_string();
            let end = n + 1;
            v.log
                .push(line(LineKind::Step, format!("#{end} exporting to image")));
            v.log.push(line(
                LineKind::Output,
                format!("#{end} writing image {id} done"),
            ));
            v.log.push(line(LineKind::Done, format!("#{end} DONE")));
            v.layers = layer_rows(&out);
            v.history = history_rows(&out, &id);
            v.image_id = Some(id);
            v
        }
        Err(BuildFailure { error, steps }) => {
            let mut v = BuildView::default();
            log_steps(&mut v, &steps);
            // No blank line after the failed step: nothing follows it.
            if v.log.last().is_some_and(|l| l.text.is_empty()) {
                v.log.pop();
            }
            let at = error.span.map(|s| ProblemRow {
                line: s.line,
                col: s.col,
                severity: Severity::Error,
                code: "build",
                message: error.message.clone(),
                help: error.help.clone(),
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

fn line(kind: LineKind, text: String) -> LogLine {
    LogLine { kind, text }
}

/// Appends BuildKit's plain progress for `steps` (`strata_build::progress::plain`, the text the CLI
/// prints), each line with its kind; returns the number of vertices printed.
fn log_steps(v: &mut BuildView, steps: &[Step]) -> usize {
    let lines = progress::plain(steps, HistoryStyle::Buildkit);
    // What `plain` writes per vertex: the header, the output lines, the notes, the outcome, a blank line.
    let mut kinds = Vec::with_capacity(lines.len());
    let mut vertices = 0;
    for s in steps.iter().filter(|s| s.vertex.is_some()) {
        vertices += 1;
        kinds.push(LineKind::Step);
        let output = String::from_utf8_lossy(&s.stdout).lines().count()
            + String::from_utf8_lossy(&s.stderr).lines().count();
        kinds.extend(std::iter::repeat_n(LineKind::Output, output));
        kinds.extend(std::iter::repeat_n(LineKind::Note, s.notes.len()));
        kinds.push(match &s.cache {
            CacheStatus::Hit => LineKind::Cached,
            CacheStatus::Miss(r) if r == "failed" => LineKind::Error,
            CacheStatus::Miss(_) | CacheStatus::Metadata => LineKind::Done,
        });
        kinds.push(LineKind::Output);
        match &s.cache {
            CacheStatus::Hit => v.cached += 1,
            CacheStatus::Miss(r) if r != "failed" => v.ran += 1,
            CacheStatus::Miss(_) | CacheStatus::Metadata => {}
        }
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
fn layer_rows(out: &BuildOutput) -> Vec<LayerRow> {
    let changesets: Vec<Changeset> = out
        .image
        .layers
        .iter()
        .map(|l| (*l.changeset).clone())
        .collect();
    let a = analysis::analyze(&changesets);
    let mut made_by = out
        .image
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
    for w in &a.wasted {
        *wasted.entry(w.layer).or_default() += w.bytes;
    }
    out.image
        .layers
        .iter()
        .enumerate()
        .map(|(index, layer)| {
            let summary = a.layers.get(index);
            let mut entries: Vec<EntryRow> = layer
                .changeset
                .entries
                .iter()
                .map(|e| entry_row(e, summary))
                .collect();
            let more = entries.len().saturating_sub(MAX_ENTRIES);
            entries.truncate(MAX_ENTRIES);
            LayerRow {
                index,
                created_by: made_by.next().unwrap_or_default(),
                size: layer.size,
                wasted: wasted.get(&index).copied().unwrap_or(0),
                entries,
                more,
            }
        })
        .collect()
}

fn entry_row(e: &strata_image::Entry, summary: Option<&analysis::LayerSummary>) -> EntryRow {
    let find = |list: &[analysis::Change]| list.iter().find(|c| c.path == e.path).map(|c| c.size);
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
    EntryRow {
        change,
        path: e.path.clone(),
        tar_name: e.tar_name(),
        size,
        dir: e.kind == EntryKind::Dir,
    }
}

/// `docker history`: newest first, the image ID on the top row and `<missing>` below (a built image's
/// intermediate steps have no image of their own), sizes from the layers.
fn history_rows(out: &BuildOutput, id: &str) -> Vec<HistoryRow> {
    let mut layers = out.image.layers.iter();
    let mut rows: Vec<HistoryRow> = out
        .image
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
