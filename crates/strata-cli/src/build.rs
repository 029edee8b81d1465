//! `strata build` and `strata run` with the simulator backend: reads the context directory into a tree,
//! finds base images in the on-disk store (then in the simulator's built-in models), prints progress in
//! BuildKit's plain style (or the classic builder's), and stores the result.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context as _, Result};
use clap::{Args, ValueEnum};
use strata_build::engine::{BuildFailure, BuildOutput, BuildRequest, CacheStatus};
use strata_build::{Backend, Cache, HistoryStyle, ImageSource, SourceImage};
use strata_image::archive::{ArchiveImage, LayerBlob};
use strata_image::layer::{Compression, ReadLimits};
use strata_image::{Attrs, Content, NodeKind, Timestamp, Tree};
use strata_sim::backend::{SimBackend, SimStore};

/// Which backend runs RUN steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BackendKind {
    /// The simulator: pure Rust, no root, the same images the browser builds.
    Sim,
    /// Real containers (overlayfs, namespaces): not built yet.
    Native,
}

/// Progress output styles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Progress {
    /// `plain` on a terminal and elsewhere (there is no TTY animation).
    Auto,
    /// BuildKit's plain progress.
    Plain,
    /// One JSON object per step.
    Json,
}

/// `strata build`.
#[derive(Args)]
pub struct BuildArgs {
    /// Which backend runs RUN steps.
    #[arg(long, value_enum, default_value_t = BackendKind::Sim)]
    pub backend: BackendKind,
    /// Name the image (`name[:tag]`); repeatable.
    #[arg(short = 't', long = "tag", value_name = "NAME")]
    pub tags: Vec<String>,
    /// The Dockerfile (default: CONTEXT/Dockerfile).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Build this stage and what it needs.
    #[arg(long, value_name = "STAGE")]
    pub target: Option<String>,
    /// `KEY=VALUE` for an ARG; repeatable.
    #[arg(long = "build-arg", value_name = "KEY=VALUE")]
    pub build_args: Vec<String>,
    /// Do not reuse results from the cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Progress output.
    #[arg(long, value_enum, default_value_t = Progress::Auto)]
    pub progress: Progress,
    /// Write history and progress as the classic builder did (`Step 1/7 : …`, `#(nop)`).
    #[arg(long, value_enum, default_value_t = HistoryStyleArg::Buildkit)]
    pub history_style: HistoryStyleArg,
    /// The build context directory.
    pub context: PathBuf,
}

/// `--history-style`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum HistoryStyleArg {
    /// BuildKit's.
    Buildkit,
    /// The classic builder's.
    Classic,
}

/// The clock as an image timestamp.
pub fn now() -> Timestamp {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp {
        secs: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        nanos: d.subsec_nanos(),
    }
}

/// Images from the on-disk store first, then the simulator's built-in models.
pub struct DiskStore<'a> {
    /// The on-disk store.
    pub store: &'a strata_native::Store,
    /// The built-in models.
    pub sim: SimStore,
    /// The stored blobs of the layers handed out, by diff_id: an image built on them reuses these exact
    /// bytes (re-serializing a layer read from someone else's tar need not give the same diff_id).
    pub blobs: std::cell::RefCell<std::collections::HashMap<strata_image::Digest, LayerBlob>>,
}

impl<'a> DiskStore<'a> {
    /// The store's images, then the models.
    pub fn new(store: &'a strata_native::Store) -> DiskStore<'a> {
        DiskStore {
            store,
            sim: SimStore::new(),
            blobs: Default::default(),
        }
    }

    /// The blob of a layer with this diff_id: the stored one if the layer came from the store, else the
    /// changeset written as a tar.
    pub fn blob(
        &self,
        diff_id: &strata_image::Digest,
        changeset: &strata_image::Changeset,
    ) -> Result<LayerBlob> {
        if let Some(b) = self.blobs.borrow().get(diff_id) {
            return Ok(b.clone());
        }
        Ok(LayerBlob::from_changeset(changeset, Compression::None)?)
    }
}

impl ImageSource for DiskStore<'_> {
    fn image(&self, reference: &str) -> Option<SourceImage> {
        if let Ok(img) = self.store.archive_image(reference) {
            let config = img.image_config().ok()?;
            let mut layers = Vec::new();
            for l in &img.layers {
                layers.push(Arc::new(l.changeset(&ReadLimits::DEFAULT).ok()?));
                self.blobs.borrow_mut().insert(l.diff_id, l.clone());
            }
            return Some(SourceImage {
                reference: reference.to_owned(),
                config,
                layers,
                modelled: false,
            });
        }
        self.sim.image(reference)
    }
}

/// Reads a directory into a tree: files with their bytes, modes and mtimes, symlinks as links; owners are
/// 0:0 as the builder sees them.
pub fn read_context(dir: &Path) -> Result<Tree> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let mut tree = Tree::new();
    let meta =
        std::fs::metadata(dir).with_context(|| format!("reading the context {}", dir.display()))?;
    if !meta.is_dir() {
        bail!("the build context {} is not a directory", dir.display());
    }
    let mut todo = vec![(dir.to_path_buf(), String::new())];
    while let Some((path, rel)) = todo.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&path)
            .with_context(|| format!("reading {}", path.display()))?
            .collect::<std::io::Result<_>>()?;
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name().to_string_lossy().into_owned();
            let rel_child = format!("{rel}/{name}");
            let md = std::fs::symlink_metadata(e.path())?;
            let attrs = Attrs::new(
                md.permissions().mode() & 0o7777,
                0,
                0,
                Timestamp {
                    secs: md.mtime(),
                    nanos: u32::try_from(md.mtime_nsec()).unwrap_or(0),
                },
            );
            let ft = md.file_type();
            if ft.is_dir() {
                tree.insert(&rel_child, attrs, NodeKind::Dir)?;
                todo.push((e.path(), rel_child));
            } else if ft.is_symlink() {
                let target = std::fs::read_link(e.path())?;
                tree.insert(
                    &rel_child,
                    attrs,
                    NodeKind::Symlink(target.to_string_lossy().into_owned()),
                )?;
            } else if ft.is_file() {
                let bytes = std::fs::read(e.path())
                    .with_context(|| format!("reading {}", e.path().display()))?;
                tree.insert(&rel_child, attrs, NodeKind::File(Content::from(bytes)))?;
            }
        }
    }
    Ok(tree)
}

/// Runs `strata build`.
pub fn build(args: BuildArgs, store: &strata_native::Store) -> Result<ExitCode> {
    if args.backend == BackendKind::Native {
        bail!("the native backend is not built yet; use --backend sim");
    }
    let file = args
        .file
        .clone()
        .unwrap_or_else(|| args.context.join("Dockerfile"));
    let dockerfile = std::fs::read_to_string(&file)
        .with_context(|| format!("reading the Dockerfile {}", file.display()))?;
    let context = read_context(&args.context)?;
    // `<Dockerfile>.dockerignore` beside the Dockerfile wins over the context's `.dockerignore`.
    let own = PathBuf::from(format!("{}.dockerignore", file.display()));
    let ignore = std::fs::read_to_string(&own)
        .ok()
        .or_else(|| std::fs::read_to_string(args.context.join(".dockerignore")).ok());
    let mut build_args = Vec::new();
    for a in &args.build_args {
        match a.split_once('=') {
            Some((k, v)) => build_args.push((k.to_owned(), v.to_owned())),
            // `--build-arg KEY` takes the value from the environment, as docker does.
            None => {
                if let Ok(v) = std::env::var(a) {
                    build_args.push((a.clone(), v));
                }
            }
        }
    }
    let style = match args.history_style {
        HistoryStyleArg::Buildkit => HistoryStyle::Buildkit,
        HistoryStyleArg::Classic => HistoryStyle::Classic,
    };
    let req = BuildRequest {
        dockerfile: &dockerfile,
        context: &context,
        dockerignore: ignore.as_deref(),
        build_args,
        target: args.target.clone(),
        no_cache: args.no_cache,
        now: now(),
        style,
    };
    let mut backend = SimBackend::default();
    let disk = DiskStore::new(store);
    let mut cache = load_cache(store);
    let name = file.display().to_string();
    let result = strata_build::build(&req, &mut backend as &mut dyn Backend, &disk, &mut cache);
    if result.is_ok() {
        save_cache(store, &cache)?;
    }
    let mut err = std::io::stderr().lock();
    match result {
        Ok(out) => {
            print_progress(&mut err, &out.steps, style, args.progress)?;
            let id = store_image(store, &disk, &out, &args.tags)?;
            match style {
                HistoryStyle::Buildkit => {
                    writeln!(err, "#{} exporting to image", out.steps.len() + 1)?;
                    writeln!(err, "#{} writing image {id} done", out.steps.len() + 1)?;
                    for t in &args.tags {
                        writeln!(err, "#{} naming to {t} done", out.steps.len() + 1)?;
                    }
                    writeln!(err, "#{} DONE", out.steps.len() + 1)?;
                }
                HistoryStyle::Classic => {
                    writeln!(err, "Successfully built {}", &id.hex()[..12])?;
                    for t in &args.tags {
                        writeln!(err, "Successfully tagged {t}")?;
                    }
                }
            }
            if !out.warnings.is_empty() {
                write!(
                    err,
                    "{}",
                    strata_dockerfile::render(&name, &dockerfile, &out.warnings)
                )?;
            }
            println!("{id}");
            Ok(ExitCode::SUCCESS)
        }
        Err(BuildFailure { error, steps }) => {
            print_progress(&mut err, &steps, style, args.progress)?;
            let at = error
                .span
                .map(|s| format!("{name}:{}:{}: ", s.line, s.col))
                .unwrap_or_default();
            writeln!(err, "{at}error: {}", error.message)?;
            if let Some(s) = error.span {
                if let Some(line) = dockerfile.lines().nth(s.line.saturating_sub(1)) {
                    writeln!(err, "  {:>4} | {line}", s.line)?;
                }
            }
            if let Some(h) = &error.help {
                writeln!(err, "  help: {h}")?;
            }
            Ok(ExitCode::from(1))
        }
    }
}

const CACHE_FILE: &str = "buildcache.json";

/// The build cache kept beside the store; layers come back from the store's blobs by diff_id (strata stores
/// the layers it builds uncompressed, so the blob digest is the diff_id). A missing or unreadable cache is
/// an empty one.
fn load_cache(store: &strata_native::Store) -> Cache {
    let Ok(bytes) = std::fs::read(store.root().join(CACHE_FILE)) else {
        return Cache::new();
    };
    let Ok(data) = serde_json::from_slice(&bytes) else {
        return Cache::new();
    };
    Cache::restore(data, &mut |d| {
        let blob = store.read_blob(d).ok()?;
        strata_image::layer::read_layer(&blob, &ReadLimits::DEFAULT)
            .ok()
            .map(Arc::new)
    })
}

fn save_cache(store: &strata_native::Store, cache: &Cache) -> Result<()> {
    let bytes = serde_json::to_vec(&cache.persist())?;
    let tmp = store
        .root()
        .join(format!(".{CACHE_FILE}.{}", std::process::id()));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, store.root().join(CACHE_FILE)).context("saving the build cache")?;
    Ok(())
}

/// Writes the built image into the store under its tags; returns the image ID.
fn store_image(
    store: &strata_native::Store,
    disk: &DiskStore<'_>,
    out: &BuildOutput,
    tags: &[String],
) -> Result<strata_image::Digest> {
    let mut layers = Vec::new();
    for l in &out.image.layers {
        layers.push(disk.blob(&l.diff_id, &l.changeset)?);
    }
    let tags: Vec<String> = tags
        .iter()
        .map(|t| strata_native::normalize_reference(t))
        .collect::<Result<_, _>>()?;
    let img = ArchiveImage {
        config: out.image.config_json().into(),
        layers,
        tags,
    };
    let id = img.id();
    let created = out.image.config.created.clone().unwrap_or_default();
    store.import(&[img], &created)?;
    Ok(id)
}

/// Prints the steps as BuildKit's plain progress or the classic builder's `Step n/m`.
pub fn print_progress(
    w: &mut dyn Write,
    steps: &[strata_build::Step],
    style: HistoryStyle,
    progress: Progress,
) -> Result<()> {
    if progress == Progress::Json {
        for s in steps {
            let cache = match &s.cache {
                CacheStatus::Hit => "CACHED".to_owned(),
                CacheStatus::Miss(r) => format!("MISS: {r}"),
                // The JSON progress's wording from before the status was typed.
                CacheStatus::Failed => "MISS: failed".to_owned(),
                CacheStatus::Metadata => "metadata".to_owned(),
            };
            let v = serde_json::json!({
                "stage": s.stage,
                "step": s.text,
                "line": s.span.line,
                "vertex": s.vertex,
                "cache": cache,
                "stdout": String::from_utf8_lossy(&s.stdout),
                "stderr": String::from_utf8_lossy(&s.stderr),
                "notes": s.notes,
                "layer": s.layer,
            });
            writeln!(w, "{v}")?;
        }
        return Ok(());
    }
    for line in strata_build::progress::plain(steps, style) {
        writeln!(w, "{line}")?;
    }
    Ok(())
}
