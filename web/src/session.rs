//! The build worker's side of the page: what it is asked ([`Request`]), what it answers ([`Reply`]), and the
//! [`Session`] that answers — plain Rust, tested natively; `worker.rs` only moves these values across.
//!
//! A session lives as long as the page: the simulator's base images (each model built once), the build
//! cache (so a rebuild says `CACHED`), the last image built, and the last container run from it (for
//! `docker diff` and `docker commit`).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use strata_build::commit::Commit;
use strata_build::image::Layer;
use strata_build::run::{container_config, parse_run_line, RunError};
use strata_build::{Backend, BuiltImage, Cache, HistoryStyle, ImageSource as _};
use strata_image::archive::{write_docker_archive, write_oci_archive};
use strata_image::image::ContainerConfig;
use strata_image::{NodeKind, Timestamp};
use strata_sim::backend::{normalize_reference, note_text, SimBackend, SimStore};
use strata_sim::container::{docker_diff, Started};
use strata_sim::exec::Limits;

use crate::build::{self, human_size, timestamp, BuildView, EntryRow, Indexed};
use crate::project::Project;

/// What the page asks the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Build the project's Dockerfile with its context.
    Build {
        /// The Dockerfile, context and run line.
        project: Project,
        /// Show the classic builder's `Step n/m` log and write its `#(nop)` history.
        classic: bool,
        /// The time, in milliseconds since the epoch.
        now_ms: f64,
    },
    /// Show one file of the last image.
    Read {
        /// The absolute path.
        path: String,
    },
    /// Run a `docker run …` line against the last image (or a base image it names).
    Run {
        /// The line.
        line: String,
        /// The time, in milliseconds since the epoch.
        now_ms: f64,
    },
    /// `docker commit` the last container.
    Commit {
        /// The time, in milliseconds since the epoch.
        now_ms: f64,
    },
    /// `docker save` the last image.
    Export {
        /// Which archive.
        format: ExportFormat,
        /// The run line: the image it names (unless a base image) is the tag, else `playground`.
        run_line: String,
    },
}

/// The two archive formats an image can be downloaded as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportFormat {
    /// `docker save`'s tar (`manifest.json`), for `docker load` and `podman load`.
    Docker,
    /// An OCI image layout in a tar (`index.json`), for `podman load`, `skopeo` and registries' tools.
    Oci,
}

/// What the worker answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    /// A build (or a commit) finished; the panels show this image.
    Built {
        /// What the panels show.
        view: BuildView,
        /// How long the worker took, in milliseconds.
        ms: f64,
    },
    /// One file of the image.
    File(FileView),
    /// A `docker run` finished (or could not start).
    Ran(RunView),
    /// The archive's bytes follow the reply (as a separate buffer); this is its file name.
    Exported {
        /// The file name to save it under.
        file_name: String,
        /// Its size in bytes.
        size: u64,
    },
    /// The request could not be carried out.
    Failed(String),
}

/// One file of the image, for the file viewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileView {
    /// The path asked for.
    pub path: String,
    /// `file`, `dir`, `symlink`, … or `missing`.
    pub kind: String,
    /// `-rwxr-xr-x`, as `ls -l` shows it.
    pub mode: String,
    /// `uid:gid`.
    pub owner: String,
    /// Content bytes.
    pub size: u64,
    /// The text, when it is UTF-8 and not too long; the directory listing for a directory; the target for
    /// a symlink.
    pub text: Option<String>,
    /// Why `text` is missing or cut (`binary, 3.2kB`).
    pub note: Option<String>,
    /// The layer the path comes from, and the layers whose copies it hides.
    pub origin: Option<Indexed>,
}

/// What one `docker run` did, and why.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RunView {
    /// The line as typed.
    pub line: String,
    /// What the image name meant (`the image built from the Dockerfile`, `busybox:latest`).
    pub image: String,
    /// The process Docker starts; empty when none starts.
    pub argv: Vec<String>,
    /// The CMD/ENTRYPOINT table cell that applied.
    pub rule: String,
    /// Each decision in plain words (what ENTRYPOINT and CMD were, what replaced them, the user, …).
    pub explanation: Vec<String>,
    /// Working directory and user.
    pub workdir: String,
    /// `uid=0(root) gid=0(root)`-style summary.
    pub user: String,
    /// What the process printed to stdout.
    pub stdout: String,
    /// What it printed to stderr, then Docker's own error when it could not start.
    pub stderr: String,
    /// What strata modelled or could not run.
    pub notes: Vec<String>,
    /// The exit status (`docker run`'s: 125 when Docker itself refused, 126 not executable, 127 not found).
    /// Not meaningful when `not_simulated` is set.
    pub exit_code: i32,
    /// Set when the run reached a program that exists but that strata cannot run: `not simulated:
    /// /usr/bin/python3 exists in the image, but strata cannot run it` (shown instead of an exit code).
    #[serde(default)]
    pub not_simulated: Option<String>,
    /// The simulated timeline (`[strata] t=60s docker stop: SIGTERM …`), when time passed in the run.
    #[serde(default)]
    pub timeline: Vec<String>,
    /// Each stdout line with its simulated time (`("3s", "hello")`), when time passed in the run.
    #[serde(default)]
    pub timed_stdout: Vec<(String, String)>,
    /// The container ID (12 hex digits), when a container was created.
    pub container: Option<String>,
    /// `docker diff`: `A /path`, `C /path`, `D /path`.
    pub diff: Vec<String>,
    /// The container's writable layer as tar entries; a `changed` entry is a copy-up of a lower file.
    pub layer: Vec<EntryRow>,
}

/// The last container: its filesystem and where it came from.
struct Container {
    started: Started,
    image: BuiltImage,
    id: String,
    /// The config Docker keeps for it (what a commit makes the image's config).
    config: ContainerConfig,
}

/// The worker's state for the page session.
#[derive(Default)]
pub struct Session {
    store: SimStore,
    cache: Cache,
    image: Option<BuiltImage>,
    container: Option<Container>,
    style: HistoryStyle,
}

impl Session {
    /// A session with the simulator's base images, an empty cache and nothing built.
    pub fn new() -> Session {
        Session::default()
    }

    /// Answers `req`; an export's bytes come back beside the reply.
    pub fn handle(&mut self, req: Request) -> (Reply, Option<Vec<u8>>) {
        match req {
            Request::Build {
                project,
                classic,
                now_ms,
            } => (
                Reply::Built {
                    view: self.build(&project, classic, now_ms),
                    ms: 0.0,
                },
                None,
            ),
            Request::Read { path } => (Reply::File(self.read(&path)), None),
            Request::Run { line, now_ms } => (Reply::Ran(self.run(&line, now_ms)), None),
            Request::Commit { now_ms } => match self.commit(now_ms) {
                Ok(view) => (Reply::Built { view, ms: 0.0 }, None),
                Err(e) => (Reply::Failed(e), None),
            },
            Request::Export { format, run_line } => {
                match self.export(format, &image_tag(&run_line, &self.store)) {
                    Ok((file_name, bytes)) => (
                        Reply::Exported {
                            file_name,
                            size: bytes.len() as u64,
                        },
                        Some(bytes),
                    ),
                    Err(e) => (Reply::Failed(e), None),
                }
            }
        }
    }

    /// Builds `project` at `now_ms`; remembers the image for runs, reads and exports.
    pub fn build(&mut self, project: &Project, classic: bool, now_ms: f64) -> BuildView {
        let now = timestamp(now_ms);
        let context = crate::project_tree::context_tree(project, now);
        let ignore = project
            .dockerignore()
            .map(|b| String::from_utf8_lossy(b).into_owned());
        let style = if classic {
            HistoryStyle::Classic
        } else {
            HistoryStyle::Buildkit
        };
        let req = strata_build::engine::BuildRequest {
            dockerfile: &project.dockerfile,
            context: &context,
            dockerignore: ignore.as_deref(),
            build_args: Vec::new(),
            target: None,
            no_cache: false,
            now,
            style,
        };
        let mut backend = SimBackend::default();
        let result = strata_build::build(
            &req,
            &mut backend as &mut dyn Backend,
            &self.store,
            &mut self.cache,
        );
        self.style = style;
        let tag = image_tag(&project.run_line, &self.store);
        match result {
            Ok(out) => {
                let v = build::view(&project.dockerfile, Ok(&out), style, &tag);
                self.image = Some(out.image);
                v
            }
            Err(f) => {
                self.image = None;
                build::view(&project.dockerfile, Err(f), style, &tag)
            }
        }
    }

    /// The file viewer's view of `path` in the last image.
    pub fn read(&self, path: &str) -> FileView {
        let missing = |note: &str| FileView {
            path: path.to_string(),
            kind: "missing".to_string(),
            mode: String::new(),
            owner: String::new(),
            size: 0,
            text: None,
            note: Some(note.to_string()),
            origin: None,
        };
        let Some(img) = &self.image else {
            return missing("nothing is built yet");
        };
        let Ok(st) = img.tree.lstat(path) else {
            return missing("no such file in the image");
        };
        let (kind, text, note) = match &st.kind {
            NodeKind::File(c) => {
                let bytes = c.bytes();
                match std::str::from_utf8(&bytes) {
                    Ok(t) if bytes.len() <= MAX_VIEW => ("file", Some(t.to_string()), None),
                    Ok(t) => {
                        let mut end = MAX_VIEW;
                        while !t.is_char_boundary(end) {
                            end -= 1;
                        }
                        (
                            "file",
                            Some(t[..end].to_string()),
                            Some(format!(
                                "the first {} of {} shown",
                                human_size(end as u64),
                                human_size(bytes.len() as u64)
                            )),
                        )
                    }
                    Err(_) => (
                        "file",
                        None,
                        Some(format!("binary, {}", human_size(bytes.len() as u64))),
                    ),
                }
            }
            NodeKind::Dir => {
                let names = img.tree.read_dir(path).unwrap_or_default();
                ("dir", Some(names.join("\n")), None)
            }
            NodeKind::Symlink(t) => ("symlink", Some(format!("-> {t}")), None),
            _ => (
                "special",
                None,
                Some("a device, FIFO or socket".to_string()),
            ),
        };
        FileView {
            path: path.to_string(),
            kind: kind.to_string(),
            mode: build::mode_string(&st),
            owner: format!("{}:{}", st.attrs.uid, st.attrs.gid),
            size: st.size(),
            text,
            note,
            origin: build::origin(&img.layers, path),
        }
    }

    /// Runs `line` against the last image, or against a base image it names.
    pub fn run(&mut self, line: &str, now_ms: f64) -> RunView {
        let mut v = RunView {
            line: line.to_string(),
            ..RunView::default()
        };
        let parsed = match parse_run_line(line) {
            Ok(p) => p,
            Err(e) => return refused(v, &e, Vec::new()),
        };
        let (image, label) = match self.image_for(&parsed.image) {
            Ok(found) => found,
            Err(msg) => {
                v.stderr = msg;
                v.exit_code = 125;
                return v;
            }
        };
        v.image = label;
        let config = image.config.config.clone().unwrap_or_default();
        let now = timestamp(now_ms);
        let id = container_id(&image, line, now);
        match strata_sim::container::run(
            &image.tree,
            &config,
            &parsed.options,
            &id,
            now,
            Limits::default(),
        ) {
            Err(n) => refused(v, &n.error, n.explanation),
            Ok(started) => {
                let r = &started.resolved;
                v.argv = r.argv.clone();
                v.rule = r.rule.describe();
                v.explanation = r.explanation.clone();
                v.workdir = r.workdir.clone();
                v.user = format!(
                    "uid={} gid={}{}",
                    r.uid,
                    r.gid,
                    if r.user.is_empty() {
                        String::new()
                    } else {
                        format!(" (-u/USER {})", r.user)
                    }
                );
                let out = &started.outcome;
                v.stdout = String::from_utf8_lossy(&out.stdout).into_owned();
                v.stderr = String::from_utf8_lossy(&out.stderr).into_owned();
                if let Some(e) = &out.start_error {
                    v.stderr.push_str(&format!(
                        "docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: {e}: unknown.\n"
                    ));
                }
                v.notes = out.notes.iter().map(note_text).collect();
                v.exit_code = out.exit_code;
                v.not_simulated = out.not_simulated.as_ref().map(|n| n.to_string());
                v.timeline = strata_sim::container::timeline_lines(out);
                if out.timeline.moved() {
                    v.timed_stdout = out
                        .timeline
                        .stdout_lines(&out.stdout)
                        .into_iter()
                        .map(|(ms, l)| (strata_build::time::simulated_duration(ms), l.into_owned()))
                        .collect();
                }
                v.container = Some(id.chars().take(12).collect());
                let upper = started.fs.changeset();
                v.diff = docker_diff(&image.tree, &upper)
                    .iter()
                    .map(|d| d.to_string())
                    .collect();
                v.layer = build::container_rows(&image.layers, &upper);
                self.container = Some(Container {
                    config: container_config(&config, &parsed.options),
                    started,
                    image,
                    id,
                });
                v
            }
        }
    }

    /// `docker commit`: the last container's image plus its writable layer, as the image the panels show.
    pub fn commit(&mut self, now_ms: f64) -> Result<BuildView, String> {
        let Some(c) = &self.container else {
            return Err("run a container first: there is nothing to commit".to_string());
        };
        let upper = Arc::new(c.started.fs.changeset());
        let commit = Commit {
            id: &c.id,
            container: &c.config,
            now: timestamp(now_ms),
            message: None,
            author: None,
        };
        let image =
            strata_build::commit::commit(&c.image, upper, &commit).map_err(|e| e.message)?;
        let short: String = c.id.chars().take(12).collect();
        let view = build::committed_view(&image, &short, self.style);
        self.image = Some(image);
        Ok(view)
    }

    /// The last image as an archive file.
    pub fn export(&self, format: ExportFormat, tag: &str) -> Result<(String, Vec<u8>), String> {
        let Some(img) = &self.image else {
            return Err("build the image first: there is nothing to save".to_string());
        };
        let tag = normalize_reference(tag.trim());
        let archive = img
            .to_archive(vec![tag.clone()], Layer::blob)
            .map_err(|e| e.message)?;
        let stem: String = tag
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let (bytes, suffix) = match format {
            ExportFormat::Docker => (write_docker_archive(&[archive]), "docker.tar"),
            ExportFormat::Oci => (write_oci_archive(&[archive]), "oci.tar"),
        };
        let bytes = bytes.map_err(|e| format!("writing the archive: {e}"))?;
        Ok((format!("{stem}.{suffix}"), bytes))
    }

    /// The image `name` means: a base image the simulator has, else the last image built.
    fn image_for(&self, name: &str) -> Result<(BuiltImage, String), String> {
        let reference = normalize_reference(name);
        if let Some(base) = self.store.image(&reference) {
            let (layers, tree) = strata_build::engine::flatten(&base)
                .map_err(|e| format!("unpacking {reference}: {e}"))?;
            return Ok((
                BuiltImage {
                    config: base.config,
                    layers,
                    tree,
                },
                format!("{reference} (a base image, not the one you built)"),
            ));
        }
        match &self.image {
            Some(img) => Ok((
                img.clone(),
                format!(
                    "{name}: the image built from the Dockerfile ({})",
                    short_id(&img.id().to_string())
                ),
            )),
            None => Err(format!(
                "Unable to find image '{name}' locally: the Dockerfile has not built yet (fix the build first).\n"
            )),
        }
    }
}

/// How many bytes of a text file the viewer shows.
const MAX_VIEW: usize = 64 * 1024;

/// The tag the built image gets: the image the run line names, unless that is a base image.
pub fn image_tag(run_line: &str, store: &SimStore) -> String {
    match parse_run_line(run_line) {
        Ok(p) if store.image(&normalize_reference(&p.image)).is_none() => p.image,
        _ => "playground".to_string(),
    }
}

fn refused(mut v: RunView, e: &RunError, why: Vec<String>) -> RunView {
    v.explanation = why;
    v.stderr = match e {
        RunError::NoCommand | RunError::RelativeWorkdir(_) | RunError::User(_) => format!("{e}\n"),
        e => format!("docker: {e}\nSee 'docker run --help'.\n"),
    };
    v.exit_code = e.exit_code();
    v
}

fn short_id(id: &str) -> String {
    id.trim_start_matches("sha256:").chars().take(12).collect()
}

/// A container ID: the sha256 of the image, the line and the time (Docker's are random; this one is
/// reproducible, which the tests like).
fn container_id(image: &BuiltImage, line: &str, now: Timestamp) -> String {
    let seed = format!("{}\n{line}\n{}.{}", image.id(), now.secs, now.nanos);
    let d = strata_image::Digest::of(seed.as_bytes()).to_string();
    d.trim_start_matches("sha256:").to_string()
}
