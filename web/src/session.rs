//! The build worker's side of the page: what it is asked ([`Request`]), what it answers ([`Reply`]), and the
//! [`Session`] that answers — plain Rust, tested natively; `worker.rs` only moves these values across.
//!
//! A session lives as long as the page: the simulator's base images (each model built once), the build
//! cache (so a rebuild says `CACHED`), the last image built (under the name the run line gave it when it
//! was built, as `docker build -t NAME` would), the images committed since, the volumes containers made
//! (named ones live across runs, as Docker's do), and the last container run (for `docker diff` and `docker
//! commit`) unless it ran with `--rm`.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use strata_build::commit::Commit;
use strata_build::image::Layer;
use strata_build::mounts::MountSource;
use strata_build::run::{container_config, parse_run_line, RunError};
use strata_build::{Backend, BuiltImage, Cache, HistoryStyle, ImageSource as _};
use strata_image::archive::{write_docker_archive, write_oci_archive};
use strata_image::image::ContainerConfig;
use strata_image::{NodeKind, Timestamp, Tree};
use strata_sim::backend::{normalize_reference, note_text, SimBackend, SimStore};
use strata_sim::container::{docker_diff, Mounted, Started};
use strata_sim::exec::Limits;

use crate::build::{self, human_size, timestamp, BuildErrorRow, BuildView, EntryRow, Indexed};
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
        /// Image catalogue files the build needs (`(file, text)`, fetched by the page: see
        /// `catalogue_fetch`), handed to the simulator before it builds.
        #[serde(default)]
        catalogue: Vec<(String, String)>,
        /// The "Build secrets" box's text (`ID=VALUE` lines, [`crate::secrets::parse`]) that `RUN
        /// --mount=type=secret` reads: the page session's, never the project's. (Text rather than pairs:
        /// one string field costs the protocol's serde nothing new.)
        #[serde(default)]
        secrets: String,
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
        /// Image catalogue files the image the line names needs (`(file, text)`, fetched by the page: see
        /// `catalogue_fetch`), handed to the simulator before it runs.
        #[serde(default)]
        catalogue: Vec<(String, String)>,
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
    /// Load an uploaded or fetched image archive as base images (see [`crate::bases`]).
    LoadBase {
        /// The file name (an untagged image is named after it).
        name: String,
        /// Where it came from: `upload: myapp.tar` or `url: https://…`.
        from: String,
        /// The key the page caches the archive under.
        key: String,
        /// The archive, base64.
        data: String,
    },
    /// Forget the base images loaded from the archive cached under `key`.
    UnloadBase {
        /// The key.
        key: String,
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
        /// What the user must know about the image (its programs are stand-ins), when anything.
        #[serde(default)]
        note: Option<String>,
    },
    /// The request could not be carried out.
    Failed(String),
    /// The uploaded and fetched base images the session has now.
    Bases(Vec<crate::bases::BaseInfo>),
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
    /// The container ID (12 hex digits), when a container was created and is kept (not `--rm`).
    pub container: Option<String>,
    /// The container ID (12 hex digits) of a container that ran with `--rm` and is gone.
    pub removed: Option<String>,
    /// `--name`, when given.
    pub name: Option<String>,
    /// The container's mounts (volumes and host directories), sorted by destination.
    pub mounts: Vec<MountView>,
    /// `docker volume ls` after the run: the volume names.
    pub volumes: Vec<String>,
    /// `docker diff`: `A /path`, `C /path`, `D /path`.
    pub diff: Vec<String>,
    /// The container's writable layer as tar entries; a `changed` entry is a copy-up of a lower file.
    pub layer: Vec<EntryRow>,
}

/// One mount of the container that ran.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MountView {
    /// `volume` or `bind`.
    pub kind: String,
    /// The volume's name (an anonymous one's 64 hex digits), or the host path.
    pub name: String,
    /// Whether the volume is anonymous.
    pub anonymous: bool,
    /// The path in the container.
    pub destination: String,
    /// `rw` or `ro`.
    pub mode: String,
    /// What it was and what became of it, in plain words.
    pub note: String,
    /// The paths it holds after the run (at most [`MOUNT_FILES`]).
    pub files: Vec<String>,
}

/// How many paths of a mount the run panel lists.
pub const MOUNT_FILES: usize = 20;

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
    /// The name the built image was given (`voltest:latest`), and the image.
    tagged: Option<(String, BuiltImage)>,
    /// Images made by `docker commit`, known by their IDs.
    committed: Vec<BuiltImage>,
    /// The build context of the last build (where `--env-file` finds its file).
    context: Option<Tree>,
    /// The volumes containers made (name → files).
    volumes: Vec<(String, Tree)>,
    container: Option<Container>,
    style: HistoryStyle,
    /// Uploaded and fetched base images (also in `store`, ahead of the models).
    bases: Vec<(crate::bases::BaseInfo, strata_build::SourceImage)>,
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
                catalogue,
                secrets,
            } => {
                for (file, text) in &catalogue {
                    strata_sim::base::provide(file, text);
                }
                (
                    Reply::Built {
                        view: self.build_with_secrets(
                            &project,
                            classic,
                            now_ms,
                            crate::secrets::parse(&secrets),
                        ),
                        ms: 0.0,
                    },
                    None,
                )
            }
            Request::Read { path } => (Reply::File(self.read(&path)), None),
            Request::Run {
                line,
                now_ms,
                catalogue,
            } => {
                for (file, text) in &catalogue {
                    strata_sim::base::provide(file, text);
                }
                (Reply::Ran(self.run(&line, now_ms)), None)
            }
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
                            note: self.stand_ins_note(),
                        },
                        Some(bytes),
                    ),
                    Err(e) => (Reply::Failed(e), None),
                }
            }
            Request::LoadBase {
                name,
                from,
                key,
                data,
            } => {
                use base64::Engine as _;
                let loaded = base64::engine::general_purpose::STANDARD
                    .decode(data)
                    .map_err(|e| e.to_string())
                    .and_then(|bytes| self.load_base(&bytes, &name, &from, &key));
                match loaded {
                    Ok(()) => (Reply::Bases(self.bases()), None),
                    Err(e) => (Reply::Failed(format!("{name}: {e}")), None),
                }
            }
            Request::UnloadBase { key } => {
                self.unload_base(&key);
                (Reply::Bases(self.bases()), None)
            }
        }
    }

    /// Loads the images of an archive (`name` is its file name) as bases for `FROM`, ahead of the models;
    /// an image already loaded under the same reference is replaced.
    pub fn load_base(
        &mut self,
        bytes: &[u8],
        name: &str,
        from: &str,
        key: &str,
    ) -> Result<(), String> {
        let images = crate::bases::images_from_archive(bytes, name)?;
        for img in images {
            let reference = normalize_reference(&img.reference);
            self.bases
                .retain(|(b, _)| normalize_reference(&b.reference) != reference);
            let info = crate::bases::BaseInfo {
                reference: img.reference.clone(),
                size: crate::bases::image_size(&img),
                from: from.to_string(),
                key: key.to_string(),
            };
            self.store.insert(&img.reference, img.clone());
            self.bases.push((info, img));
        }
        Ok(())
    }

    /// Forgets the bases loaded from the archive cached under `key`.
    pub fn unload_base(&mut self, key: &str) {
        self.bases.retain(|(b, _)| b.key != key);
        self.store = SimStore::new();
        for (_, img) in &self.bases {
            self.store.insert(&img.reference, img.clone());
        }
    }

    /// The loaded bases.
    pub fn bases(&self) -> Vec<crate::bases::BaseInfo> {
        self.bases.iter().map(|(b, _)| b.clone()).collect()
    }

    /// Builds `project` at `now_ms`; remembers the image for runs, reads and exports.
    pub fn build(&mut self, project: &Project, classic: bool, now_ms: f64) -> BuildView {
        self.build_with_secrets(project, classic, now_ms, Vec::new())
    }

    /// [`Session::build`] with build secrets (`ID`, value), as `docker build --secret` gives them.
    pub fn build_with_secrets(
        &mut self,
        project: &Project,
        classic: bool,
        now_ms: f64,
        secrets: Vec<(String, Vec<u8>)>,
    ) -> BuildView {
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
            secrets,
        };
        let mut backend = SimBackend::default();
        let result = strata_build::build(
            &req,
            &mut backend as &mut dyn Backend,
            &self.store,
            &mut self.cache,
        );
        self.style = style;
        self.context = Some(context);
        let tag = image_tag(&project.run_line, &self.store);
        let v = match result {
            Ok(out) => {
                let v = build::view(&project.dockerfile, Ok(&out), style, &tag);
                self.tagged = Some((normalize_reference(&tag), out.image.clone()));
                self.image = Some(out.image);
                v
            }
            Err(f) => {
                self.image = None;
                self.tagged = None;
                let mut v = build::view(&project.dockerfile, Err(f), style, &tag);
                // The page gives secrets in its box, not with the CLI's `--secret`.
                if let Some(e) = v.error.as_mut() {
                    if let Some(id) = e
                        .message
                        .strip_prefix("secret ")
                        .and_then(|m| m.strip_suffix(": not found"))
                    {
                        e.help = Some(format!(
                            "add a line {id}=VALUE to Build secrets (under the build context)"
                        ));
                    }
                }
                v
            }
        };
        with_unreadable_data(v)
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

    /// Runs `line` as `docker run` would: the image it names is the image built from the Dockerfile (by the
    /// name the run line gave it when it was built), a committed image (by ID), or a base image; any other
    /// name is Docker's "Unable to find image" (exit 125), as strata cannot pull.
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
            Err(e) => {
                v.notes.push(self.known_images());
                return refused(v, &e, Vec::new());
            }
        };
        v.image = label;
        let mut options = parsed.options.clone();
        let context = self.context.clone().unwrap_or_default();
        let read = |f: &str| {
            let path = format!("/{}", f.trim_start_matches("./"));
            context.read(&path).ok().map(|c| c.bytes().into_owned())
        };
        if let Err(e) = options.read_env_files(&read, &|_| None) {
            v.notes.push(
                "--env-file reads a file of the build context here (add it in the context's file list)"
                    .to_string(),
            );
            return refused(v, &e, Vec::new());
        }
        let config = image.config.config.clone().unwrap_or_default();
        let now = timestamp(now_ms);
        let id = container_id(&image, line, now);
        match strata_sim::container::run_with_volumes(
            &image.tree,
            &config,
            &options,
            &id,
            now,
            Limits::default(),
            &|name: &str| {
                self.volumes
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, t)| t.clone())
            },
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
                v.notes = options.not_modelled();
                v.notes.extend(out.notes.iter().map(note_text));
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
                v.name = options.name.clone();
                let short: String = id.chars().take(12).collect();
                v.mounts = started
                    .mounts
                    .iter()
                    .map(|m| mount_view(m, options.rm))
                    .collect();
                for m in &started.mounts {
                    if m.is_volume() && !(options.rm && m.anonymous()) {
                        self.volumes.retain(|(n, _)| *n != m.name);
                        self.volumes.push((m.name.clone(), m.content.clone()));
                    }
                }
                v.volumes = self.volumes.iter().map(|(n, _)| n.clone()).collect();
                // `docker volume ls` lists them by name.
                for i in 1..v.volumes.len() {
                    let mut j = i;
                    while j > 0 && v.volumes[j - 1] > v.volumes[j] {
                        v.volumes.swap(j - 1, j);
                        j -= 1;
                    }
                }
                if options.rm {
                    // `--rm`: the container is gone once it exits; nothing is left to diff or commit.
                    v.removed = Some(short);
                    self.container = None;
                    return v;
                }
                v.container = Some(short);
                v.diff = docker_diff(&image.tree, &started.layer)
                    .iter()
                    .map(|d| d.to_string())
                    .collect();
                v.layer = build::container_rows(&image.layers, &started.layer);
                self.container = Some(Container {
                    config: container_config(&config, &options),
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
        let upper = Arc::new(c.started.layer.clone());
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
        self.committed.push(image.clone());
        self.image = Some(image);
        Ok(view)
    }

    /// What the page says when the last image is downloaded: its programs are stand-ins (see
    /// [`crate::takeout`]); None for an image without modelled files.
    pub fn stand_ins_note(&self) -> Option<String> {
        self.image
            .as_ref()
            .filter(|i| crate::takeout::holds_stand_ins(i))
            .map(|_| crate::takeout::STAND_INS_NOTE.to_string())
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

    /// The image `name` means: a base image the simulator has, the image built (by the name it was built
    /// under), or a committed or built image by (a prefix of) its ID; else Docker's "Unable to find image".
    fn image_for(&self, name: &str) -> Result<(BuiltImage, String), RunError> {
        let reference = normalize_reference(name);
        if let Some((tag, img)) = &self.tagged {
            if *tag == reference {
                return Ok((
                    img.clone(),
                    format!(
                        "{reference}: the image built from the Dockerfile ({})",
                        short_id(&img.id().to_string())
                    ),
                ));
            }
        }
        if let Some(base) = self.store.image(&reference) {
            let (layers, tree) = strata_build::engine::flatten(&base)
                .map_err(|e| RunError::Volume(format!("unpacking {reference}: {e}")))?;
            return Ok((
                BuiltImage {
                    config: base.config,
                    layers,
                    tree,
                },
                format!("{reference} (a base image, not the one you built)"),
            ));
        }
        let hex = name.trim_start_matches("sha256:");
        if hex.len() >= 4 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let built = self.tagged.iter().map(|(_, i)| i);
            for img in self.committed.iter().rev().chain(built) {
                if img
                    .id()
                    .to_string()
                    .trim_start_matches("sha256:")
                    .starts_with(hex)
                {
                    return Ok((
                        img.clone(),
                        format!("{}: an image by its ID", short_id(&img.id().to_string())),
                    ));
                }
            }
        }
        Err(RunError::ImageNotFound(reference))
    }

    /// The note under an "Unable to find image": which names this page knows.
    fn known_images(&self) -> String {
        let built = match &self.tagged {
            Some((tag, _)) => format!(
                "the image built from the Dockerfile is {tag} (the name this line had when it was built; to call it \
                 something else, change the name here and press Build in the Build log tab)"
            ),
            None => "nothing is built yet (fix the build first)".to_string(),
        };
        let own: String = self
            .bases
            .iter()
            .map(|(b, _)| format!("{} (yours), ", b.reference))
            .collect();
        format!(
            "{built}; committed images run by their ID; base images: {own}busybox, alpine, debian, ubuntu, centos, fedora, python"
        )
    }
}

/// A mount as the run panel shows it.
fn mount_view(m: &Mounted, rm: bool) -> MountView {
    let note = match &m.spec.source {
        MountSource::Bind(h) => format!(
            "host directory {h}: this page has no host, so it is an empty modelled directory (what was written \
             there is not kept)"
        ),
        src => {
            let what = match (src, m.created, m.copied) {
                (MountSource::Anonymous, _, true) => {
                    "new anonymous volume, filled with the image's files at this path"
                }
                (MountSource::Anonymous, _, false) => "new anonymous volume, empty",
                (_, true, true) => "new named volume, filled with the image's files at this path",
                (_, true, false) => "new named volume, empty",
                (_, false, true) => "named volume (it was empty, so it got the image's files)",
                (_, false, false) => "named volume, as an earlier container left it",
            };
            let fate = if rm && m.anonymous() {
                "removed with the container (--rm)"
            } else {
                "kept after the container: docker volume ls lists it"
            };
            format!("{what}; what the container wrote here is in the volume, not in its layer; {fate}")
        }
    };
    let files = m
        .content
        .entries()
        .into_iter()
        .take(MOUNT_FILES)
        .map(|(p, st)| if st.is_dir() { format!("{p}/") } else { p })
        .collect();
    MountView {
        kind: m.spec.kind().to_string(),
        name: m.name.clone(),
        anonymous: m.anonymous(),
        destination: m.spec.destination.clone(),
        mode: if m.spec.read_only { "ro" } else { "rw" }.to_string(),
        note,
        files,
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
    v.stderr = e.stderr();
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

/// `v` with a warning for each simulator data file the site could not give (a page offline before the
/// file's first use): the images and packages it models were missing from this build, which would otherwise
/// look like images strata does not know.
fn with_unreadable_data(mut v: BuildView) -> BuildView {
    for file in strata_sim::data::unreadable() {
        v.warnings.push(BuildErrorRow {
            message: format!(
                "the simulator's model data data/{file} could not be read from the site (the page was offline \
                 before it first needed it), so what it models (base images, packages) is missing from this \
                 build: open the page online once and the file is kept for offline use, then build again"
            ),
            help: None,
            at: None,
        });
    }
    v
}
