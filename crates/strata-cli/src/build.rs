//! `strata build` with the simulator backend: reads the context directory into a tree, finds base images in
//! the on-disk store (then in the simulator's built-in models), prints progress in BuildKit's plain style
//! (or the classic builder's), and stores the result. The store, its build cache and the image source are
//! strata-native's; this module parses arguments and prints.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context as _, Result};
use clap::{Args, ValueEnum};
use strata_build::engine::{BuildFailure, BuildRequest, CacheStatus};
use strata_build::export_log::export_lines;
use strata_build::observer::BuildObserver;
use strata_build::HistoryStyle;
use strata_image::{Timestamp, Tree};
use strata_native::{BuildCache, DiskImages};
use strata_sim::backend::{SimBackend, SimStore};

use crate::context_reader::Scan;

/// Which backend runs RUN steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BackendKind {
    /// Real containers when this machine can run them and every base image is a real image in the store;
    /// else the simulator, saying why (see `backend_choice.rs`).
    Auto,
    /// The simulator: pure Rust, no root, the same images the browser builds.
    Sim,
    /// Real containers: RUN executes the image's own binaries on an overlayfs mount in new namespaces,
    /// through an OCI runtime (`--runtime`, default `runc`). Needs root and overlayfs; base images come from
    /// the store only (`strata import`, `strata load`).
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
    /// Nothing (the progress was printed while the build ran).
    #[value(skip)]
    None,
}

/// `strata build`.
#[derive(Args)]
pub struct BuildArgs {
    /// Which backend runs RUN steps.
    #[arg(long, value_enum, default_value_t = BackendKind::Auto)]
    pub backend: BackendKind,
    /// How the native backend runs a step: `builtin` (namespaces and mounts made by strata itself) or an
    /// OCI runtime binary (`runc`, or its path).
    #[arg(long, value_name = "builtin|runc|PATH", default_value = "builtin")]
    pub runtime: PathBuf,
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
    /// A secret for `RUN --mount=type=secret`: `id=ID,src=FILE` or `id=ID,env=VAR`.
    #[arg(long = "secret", value_name = "id=ID,src=FILE")]
    pub secrets: Vec<String>,
    /// Progress output.
    #[arg(long, value_enum, default_value_t = Progress::Auto)]
    pub progress: Progress,
    /// Write history and progress as the classic builder did (`Step 1/7 : …`, `#(nop)`).
    #[arg(long, value_enum, default_value_t = HistoryStyleArg::Buildkit)]
    pub history_style: HistoryStyleArg,
    /// Print only the image ID (no progress).
    #[arg(short, long)]
    pub quiet: bool,
    /// The build context directory; `-` reads the Dockerfile from standard input, with no context.
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

/// Reads `--secret id=ID,src=FILE` (or `env=VAR`, or `type=file|env`) as docker buildx does.
fn read_secrets(specs: &[String]) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for spec in specs {
        let mut id = None;
        let mut src = None;
        let mut env = None;
        for field in spec.split(',') {
            match field.split_once('=') {
                Some(("id", v)) => id = Some(v.to_string()),
                Some(("src" | "source", v)) => src = Some(v.to_string()),
                Some(("env", v)) => env = Some(v.to_string()),
                Some(("type", "file" | "env")) => {}
                _ => bail!(
                    "--secret {spec}: unexpected {field:?} (want id=ID,src=FILE or id=ID,env=VAR)"
                ),
            }
        }
        let Some(id) = id else {
            bail!("--secret {spec}: no id= (want id=ID,src=FILE)");
        };
        let bytes = match (src, env) {
            (Some(f), _) => {
                std::fs::read(&f).with_context(|| format!("--secret {spec}: reading {f}"))?
            }
            (None, Some(v)) => std::env::var(&v)
                .with_context(|| format!("--secret {spec}: the environment has no {v}"))?
                .into_bytes(),
            // Docker takes the value from an environment variable named like the id.
            (None, None) => std::env::var(&id)
                .with_context(|| {
                    format!("--secret {spec}: no src= and no environment variable {id}")
                })?
                .into_bytes(),
        };
        out.push((id, bytes));
    }
    Ok(out)
}

/// Runs `strata build`.
pub fn build(args: BuildArgs, store: &strata_native::Store) -> Result<ExitCode> {
    // `strata build -` (docker's `docker build - < Dockerfile`): the Dockerfile on stdin, an empty context.
    let stdin_only = args.context.as_os_str() == "-";
    let file = match &args.file {
        _ if stdin_only => PathBuf::from("-"),
        Some(f) => f.clone(),
        None => args.context.join("Dockerfile"),
    };
    // The same reading as `parse` and `lint`: `-` is standard input, bytes that are not UTF-8 are refused.
    let (name, dockerfile) = crate::source::read(&file.to_string_lossy())?;
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
    let started = now();
    let (backend_kind, simulated_because) = match args.backend {
        BackendKind::Auto => crate::backend_choice::choose(
            &dockerfile,
            &build_args,
            args.target.as_deref(),
            store,
            &args.runtime,
        ),
        k => (k, None),
    };
    let live = !args.quiet && matches!(args.progress, Progress::Auto | Progress::Plain);
    // A rebuild with nothing changed since an all-cached build is answered from its record.
    let invocation = format!(
        "{backend_kind:?} {simulated_because:?} {:?} {:?} {:?} {build_args:?} {:?} {:?} {:?} {:?} \
         {live}\n{dockerfile}\n{ignore:?}",
        args.runtime, args.tags, args.target, args.progress, args.history_style, args.quiet, file
    );
    // The context is walked and `stat`ed once, for the record's key and for the build.
    let scan = if stdin_only {
        None
    } else {
        Some(Scan::of(&args.context)?)
    };
    let inputs = scan
        .as_ref()
        .filter(|_| !args.no_cache && args.secrets.is_empty())
        .and_then(|scan| {
            crate::build_record::inputs(&invocation, scan, store.root(), started.secs)
        });
    if let Some((stderr, id)) = inputs.as_ref().and_then(|i| i.answer(store.root())) {
        let _ = std::io::stderr().lock().write_all(stderr.as_bytes());
        println!("{id}");
        return Ok(ExitCode::SUCCESS);
    }
    // Never dropped: `strata build` runs once per process, whose exit frees it faster than thousands of
    // drops (a context file holds no resource but memory).
    let context = std::mem::ManuallyDrop::new(match &scan {
        None => Tree::new(),
        Some(scan) => {
            let mut sums = strata_native::ContextSums::load(store);
            let tree = crate::context_reader::read_context(scan, &mut sums, started.secs)?;
            // A cache: a store that cannot take it now only costs the next build the reads.
            let _ = sums.save(store);
            tree
        }
    });
    let req = BuildRequest {
        dockerfile: &dockerfile,
        context: &*context,
        dockerignore: ignore.as_deref(),
        build_args,
        target: args.target.clone(),
        no_cache: args.no_cache,
        now: started,
        style,
        secrets: read_secrets(&args.secrets)?,
    };
    let models = SimStore::new();
    let native = backend_kind == BackendKind::Native;
    // The native backend runs real binaries: its bases are real images from the store, never the models.
    let images = if native {
        DiskImages::new(store)
    } else {
        DiskImages::new(store).with_fallback(&models)
    };
    // The native backend keeps its own cache: a step the simulator cached must not stand in for a real run.
    let build_cache = if native {
        BuildCache::native_of(store)
    } else {
        BuildCache::of(store)
    };
    let mut cache = build_cache.load();
    let mount_caches = strata_native::MountCaches::of(store, native);
    mount_caches.load_into(&mut cache);
    // What the build prints on standard error, kept for its record.
    let said = Said::default();
    if let (Some(why), true) = (&simulated_because, live) {
        said.line(&format!("#0 strata: RUN steps are simulated: {why}"));
    }
    // Plain progress is printed as the build goes (a native RUN's output as it comes); JSON at the end.
    let mut printer = LivePrinter {
        printer: strata_build::progress::PlainPrinter::new(style, 1),
        style,
        on: live,
        said: said.clone(),
    };
    let result = {
        let observer: &mut dyn BuildObserver = &mut printer;
        if native {
            if args.runtime.as_os_str() == "builtin" {
                let runtime = strata_native::runtime::Builtin;
                let mut backend = strata_native::NativeBackend::new(store.root(), runtime);
                strata_build::build_observed(&req, &mut backend, &images, &mut cache, observer)
            } else {
                let runtime =
                    strata_native::runtime::Runc::new(&args.runtime, store.root().join("runc"));
                let mut backend = strata_native::NativeBackend::new(store.root(), runtime);
                strata_build::build_observed(&req, &mut backend, &images, &mut cache, observer)
            }
        } else {
            let mut backend = SimBackend::default();
            strata_build::build_observed(&req, &mut backend, &images, &mut cache, observer)
        }
    };
    let mut err: Box<dyn Write> = if args.quiet {
        Box::new(std::io::sink())
    } else {
        Box::new(said.clone())
    };
    let progress = if live { Progress::None } else { args.progress };
    match result {
        Ok(out) => {
            print_progress(&mut err, &out.steps, style, progress)?;
            // A simulated build's RUN output and modelled files are stand-ins: `strata run` simulates it.
            let id = images.store_built(&out.image, &args.tags, !native)?;
            // After the image: the cache keeps only steps whose layers the store has.
            build_cache.save(&cache)?;
            mount_caches.save_from(&cache)?;
            let vertices = out.steps.iter().filter(|s| s.vertex.is_some()).count();
            for line in export_lines(style, vertices, &id, &args.tags) {
                writeln!(err, "{line}")?;
            }
            if !out.warnings.is_empty() {
                write!(
                    err,
                    "{}",
                    strata_dockerfile::render(&name, &dockerfile, &out.warnings)
                )?;
            }
            println!("{id}");
            // All cached: the image, the cache and their layers are memory only (no step of this build
            // wrote files that a drop removes), which the process's exit frees faster than thousands of
            // drops.
            let all_cached = out
                .steps
                .iter()
                .all(|s| matches!(s.cache, CacheStatus::Hit | CacheStatus::Metadata));
            // The next build with the same inputs takes every step from the cache; what it prints is known
            // when this one printed the same (all cached) or nothing but the ID (quiet). A URL's content can
            // change behind the same Dockerfile.
            let fetches = out
                .steps
                .iter()
                .any(|s| s.text.starts_with("ADD") && s.text.contains("://"));
            if (all_cached || args.quiet) && !fetches {
                if let Some(before) = inputs {
                    let after = Scan::of(&args.context).ok().and_then(|scan| {
                        crate::build_record::inputs(&invocation, &scan, store.root(), started.secs)
                    });
                    // Recorded only if the context did not change while the build ran.
                    if let Some(after) = after.filter(|a| a.same_context(&before)) {
                        after.record(store.root(), said.text(), id.to_string());
                    }
                }
            }
            if all_cached {
                std::mem::forget(out);
                std::mem::forget(cache);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(BuildFailure { error, steps }) => {
            print_progress(&mut err, &steps, style, progress)?;
            // What a failed step left in its cache mounts is kept, as BuildKit keeps it.
            mount_caches.save_from(&cache)?;
            // The error shows even with --quiet.
            let mut err = std::io::stderr().lock();
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

/// Prints BuildKit's plain progress (or the classic builder's) to standard error as the build goes.
struct LivePrinter {
    printer: strata_build::progress::PlainPrinter,
    style: HistoryStyle,
    on: bool,
    said: Said,
}

impl LivePrinter {
    fn print(&self, lines: Vec<String>) {
        for l in lines {
            self.said.line(&l);
        }
    }
}

/// Standard error as the build writes it, with a copy of everything written (for its record,
/// [`crate::build_record`]).
#[derive(Clone, Default)]
struct Said(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl Said {
    /// Writes one line.
    fn line(&self, l: &str) {
        let mut me = self.clone();
        // A closed standard error is not the build's failure.
        let _ = writeln!(me, "{l}");
    }

    /// Everything written so far.
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.borrow()).into_owned()
    }
}

impl Write for Said {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        // A closed standard error is not the build's failure: what could not be shown is still said.
        let _ = std::io::stderr().lock().write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().lock().flush()
    }
}

impl BuildObserver for LivePrinter {
    fn plan(&mut self, stages: usize) {
        self.printer = strata_build::progress::PlainPrinter::new(self.style, stages);
    }

    fn started(&mut self, step: &strata_build::Step) {
        if self.on {
            let lines = self.printer.started(step);
            self.print(lines);
        }
    }

    fn output(&mut self, stream: strata_build::observer::Stream, chunk: &[u8]) {
        if self.on {
            let lines = self.printer.output(stream, chunk);
            self.print(lines);
        }
    }

    fn done(&mut self, step: &strata_build::Step) {
        if self.on {
            let lines = self.printer.done(step);
            self.print(lines);
        }
    }
}

/// Prints the steps as BuildKit's plain progress or the classic builder's `Step n/m`.
pub fn print_progress(
    w: &mut dyn Write,
    steps: &[strata_build::Step],
    style: HistoryStyle,
    progress: Progress,
) -> Result<()> {
    if progress == Progress::None {
        return Ok(());
    }
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
