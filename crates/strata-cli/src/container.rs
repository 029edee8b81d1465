//! The container verbs: `run` (resolve what docker would start, then run it in the simulated shell on a
//! copy-on-write layer, or for real with `--backend native`: `native_run`), `ps`, `diff`, `commit`, `rm`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{anyhow, Result};
use clap::{Args, Subcommand, ValueEnum};
use std::collections::BTreeMap;
use strata_build::commit::Commit;

use strata_build::mounts::{container_mounts, MountSource};
use strata_build::run::{container_config, parse_run_words, resolve, RunError, RunLine};
use strata_build::time::format_rfc3339;
use strata_build::{BuiltImage, ImageSource as _, SourceImage};
use strata_image::image::ContainerConfig;
use strata_image::{Digest, Tree};
use strata_native::{ContainerRecord, Containers, DiskImages, MountRecord, NewContainer, Volumes};
use strata_sim::backend::SimStore;
use strata_sim::container::{Mounted, TreeFiles};
use strata_sim::exec::Limits;

use crate::build::{now, BackendKind};
use crate::human;
use crate::images;
use crate::template::{Missing, Value};

/// `--format` of `run --dry-run`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DryRunFormat {
    /// The argv, then the explanation, for people.
    Text,
    /// `{"argv":[…],"env":[…],"workdir":"…","user":"…"}` plus the rule and explanation.
    Json,
}

/// `strata run`: docker's options are read by the core's run-line parser (`strata_build::run`), the same
/// one the playground's run line uses; clap only collects the words.
#[derive(Args)]
pub struct RunArgs {
    /// `[OPTIONS] IMAGE [COMMAND] [ARG...]` as `docker run` takes them: --rm, -d, -i, -t, -e K=V,
    /// --env-file FILE, -w DIR, -u USER, -h HOST, --name N, -v [SRC:]DST[:ro], -p SPEC, -P, --network N,
    /// --entrypoint CMD (the simulator accepts -d, -p, -P and --network without modelling them; the native
    /// backend runs --network none|host and its own loopback-only network by default); and strata's own
    /// --backend auto|sim|native (auto, the default: real containers for a real image of the store when this
    /// machine can run them, else the simulator), --runtime builtin|runc|PATH (of the native backend), --dry-run (print what
    /// would run, and why) and --format text|json (of --dry-run).
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        required = true,
        value_name = "OPTIONS… IMAGE [ARG…]"
    )]
    pub words: Vec<String>,
}

/// strata's own flags of `run`, besides docker's: `--backend`, `--dry-run`, `--format`.
const STRATA_RUN_FLAGS: &[(&str, bool)] = &[
    ("backend", true),
    ("dry-run", false),
    ("format", true),
    ("runtime", true),
];

/// A `strata run` line, parsed.
pub struct ParsedRun {
    /// The docker options, image and arguments.
    pub line: RunLine,
    /// `--backend`.
    pub backend: BackendKind,
    /// `--dry-run`.
    pub dry_run: bool,
    /// `--format` of `--dry-run`.
    pub format: DryRunFormat,
    /// `--runtime` of the native backend (`builtin`, `runc` or a path).
    pub runtime: String,
}

impl RunArgs {
    /// Parses the words; `Err` is docker's message for a bad line (exit 125), or strata's for a bad
    /// `--backend`/`--format` value.
    pub fn parse(&self) -> Result<ParsedRun, RunError> {
        let line = parse_run_words(&self.words, STRATA_RUN_FLAGS)?;
        let mut parsed = ParsedRun {
            backend: BackendKind::Auto,
            dry_run: false,
            format: DryRunFormat::Text,
            runtime: "builtin".to_owned(),
            line,
        };
        for (flag, value) in parsed.line.extra.clone() {
            let value = value.unwrap_or_default();
            match flag.as_str() {
                "dry-run" => parsed.dry_run = value.is_empty() || value == "true",
                "runtime" => parsed.runtime = value,
                "backend" => {
                    parsed.backend =
                        BackendKind::from_str(&value, true).map_err(|_| RunError::BadBool {
                            flag: "--backend".into(),
                            value: value.clone(),
                        })?
                }
                _ => {
                    parsed.format =
                        DryRunFormat::from_str(&value, true).map_err(|_| RunError::BadBool {
                            flag: "--format".into(),
                            value: value.clone(),
                        })?
                }
            }
        }
        Ok(parsed)
    }

    /// Whether the words ask for `--dry-run` (nothing runs).
    pub fn dry_run(&self) -> bool {
        self.parse().is_ok_and(|p| p.dry_run)
    }
}

fn flatten(img: &SourceImage) -> Result<Tree> {
    let mut t = Tree::new();
    for l in &img.layers {
        l.apply(&mut t)?;
    }
    Ok(t)
}

/// Runs `strata run`. As docker does, the container is created first — its name reserved in the store, so
/// a name in use is refused before anything runs — then started; once the process ran, its exit status is
/// the result whatever happens to the bookkeeping after.
pub fn run(args: RunArgs, store: &strata_native::Store) -> Result<ExitCode> {
    let parsed = match args.parse() {
        Ok(p) => p,
        Err(e) => {
            eprint!("{}", e.stderr());
            return Ok(ExitCode::from(125));
        }
    };
    let image = parsed.line.image.clone();
    let native = match parsed.backend {
        BackendKind::Auto => {
            let (kind, why) =
                crate::backend_choice::choose_for_run(&image, store, Path::new(&parsed.runtime));
            if let Some(why) = why {
                eprintln!("[strata] simulated: {why}");
            }
            kind == BackendKind::Native
        }
        kind => kind == BackendKind::Native,
    };
    let mut opts = parsed.line.options.clone();
    if let Some(code) = refuse_bad_name(opts.name.as_deref()) {
        return Ok(code);
    }
    let models = SimStore::new();
    // The native backend runs real binaries: its images are the store's, never the simulator's models.
    let images = if native {
        DiskImages::new(store)
    } else {
        DiskImages::new(store).with_fallback(&models)
    };
    let Some(img) = images.image(&image) else {
        eprint!(
            "{}",
            RunError::ImageNotFound(strata_sim::backend::normalize_reference(&image)).stderr()
        );
        if native && models.image(&image).is_some() {
            eprintln!("[strata] the native backend runs images of the store only: `{image}` is one of the simulator's models, whose files are not real programs (make a real one with `strata import ROOTFS.tar {image}` or `strata load`)");
        }
        return Ok(ExitCode::from(125));
    };
    let tree = flatten(&img)?;
    let config = img.config.config.clone().unwrap_or_default();
    // `-e K` and a bare `K` in an env file take K from this process's environment, as docker's client does.
    let lookup = |k: &str| std::env::var(k).ok();
    opts.env = opts
        .env
        .iter()
        .map(|e| match lookup(e) {
            Some(v) if !e.contains('=') => format!("{e}={v}"),
            _ => e.clone(),
        })
        .collect();
    let read = |f: &str| std::fs::read(f).ok();
    if let Err(e) = opts.read_env_files(&read, &lookup) {
        return Ok(run_error(&e));
    }
    if native {
        if let Some(code) = crate::native_run::refuse_network(opts.network.as_deref()) {
            return Ok(code);
        }
        for line in crate::native_run::not_modelled(&opts) {
            eprintln!("[strata] {line}");
        }
    } else {
        for line in opts.not_modelled() {
            eprintln!("[strata] {line}");
        }
    }
    if parsed.dry_run {
        let resolved = match resolve(&config, &opts, &TreeFiles(&tree)) {
            Ok(r) => r,
            Err(e) => return Ok(run_error(&e)),
        };
        match parsed.format {
            DryRunFormat::Json => println!("{}", resolved.dry_run_json()),
            DryRunFormat::Text => {
                println!("argv: {}", shell_words(&resolved.argv));
                println!("workdir: {}", resolved.workdir);
                println!(
                    "user: {}",
                    if resolved.user.is_empty() {
                        "root (default)"
                    } else {
                        &resolved.user
                    }
                );
                for line in &resolved.explanation {
                    println!("  - {line}");
                }
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let ts = now();
    let containers = Containers::open(store.root())?;
    let volume_store = Volumes::open(store.root())?;
    let created = containers.create(NewContainer {
        name: opts.name.clone(),
        image: image.clone(),
        image_id: Digest::of(&strata_image::image::to_json(&img.config)),
        created: format_rfc3339(ts.secs, ts.nanos),
        backend: if native { "native" } else { "sim" }.to_owned(),
    });
    let mut rec = match created {
        Ok(rec) => rec,
        Err(
            e @ (strata_native::Error::NameInUse { .. } | strata_native::Error::InvalidName(_)),
        ) => {
            eprintln!("docker: Error response from daemon: {e}");
            return Ok(ExitCode::from(125));
        }
        Err(e) => return Err(e.into()),
    };
    if native {
        let native = crate::native_run::NativeRun {
            store,
            containers: &containers,
            volumes: &volume_store,
            image: &img,
            tree: &tree,
            config: &config,
            runtime: &parsed.runtime,
            created: ts,
        };
        return native.run(rec, &opts);
    }
    opts.hostname = opts
        .hostname
        .clone()
        .or_else(|| Some(rec.id[..12].to_owned()));
    // The named volumes this run mounts, as they are now.
    let mut existing = BTreeMap::new();
    for m in container_mounts(&config, &opts) {
        if let MountSource::Named(n) = &m.source {
            if let Some(content) = volume_store.content(n)? {
                existing.insert(n.clone(), content);
            }
        }
    }
    let started = match strata_sim::container::run_with_volumes(
        &tree,
        &config,
        &opts,
        &rec.id,
        ts,
        Limits::default(),
        &|n: &str| existing.get(n).cloned(),
    ) {
        Ok(s) => s,
        Err(n) => {
            // Docker refuses these at creation, so no container is left; a user it cannot find is a start
            // error, and the container stays, created and never run.
            if !matches!(n.error, RunError::User(_)) || opts.rm {
                let _ = containers.remove(&rec.id);
            }
            return Ok(run_error(&n.error));
        }
    };
    let out = &started.outcome;
    crate::pipe::ignore_broken_pipe(std::io::stdout().write_all(&out.stdout))?;
    crate::pipe::ignore_broken_pipe(std::io::stderr().write_all(&out.stderr))?;
    for n in &out.notes {
        eprintln!("[strata] {}", strata_sim::backend::note_text(n));
    }
    for line in strata_sim::container::timeline_lines(out) {
        eprintln!("{line}");
    }
    if let Some(ns) = &out.not_simulated {
        // Not an exit code docker gave: strata's own status, documented with the CLI's exit codes.
        eprintln!(
            "strata: {ns} (exit status {} is strata's own: no process ended)",
            strata_sim::exec::NOT_SIMULATED_EXIT
        );
    }
    let code = match &out.start_error {
        Some(e) => {
            eprintln!(
                "docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: {e}: unknown."
            );
            out.exit_code
        }
        None => out.exit_code,
    };
    rec.command = started.resolved.argv.clone();
    rec.config = Some(container_config(&config, &opts));
    rec.exit_code = Some(code);
    rec.mounts = started.mounts.iter().map(mount_record).collect();
    // The volumes first: a container record never names a volume the store does not have.
    let mut kept: Result<(), strata_native::Error> = Ok(());
    for m in started.mounts.iter().filter(|m| m.is_volume()) {
        if opts.rm && m.anonymous() {
            continue;
        }
        let saved = volume_store.save(
            &m.name,
            m.anonymous(),
            &format_rfc3339(ts.secs, 0),
            &m.content,
        );
        if saved.is_err() {
            kept = saved;
        }
    }
    let kept = kept.and_then(|()| {
        if opts.rm {
            containers.remove(&rec.id).map(drop)
        } else {
            containers.finish(&rec, &started.layer)
        }
    });
    if let Err(e) = kept {
        eprintln!("strata: warning: container {}: {e}", rec.name);
    }
    Ok(ExitCode::from(
        u8::try_from(code.clamp(0, 255)).unwrap_or(1),
    ))
}

/// The daemon's check of `--name`: `/?[a-zA-Z0-9][a-zA-Z0-9_.-]+`, so at least two characters.
pub(crate) fn refuse_bad_name(name: Option<&str>) -> Option<ExitCode> {
    let name = name?;
    let bare = name.strip_prefix('/').unwrap_or(name);
    let mut bytes = bare.bytes();
    let first_ok = bytes.next().is_some_and(|b| b.is_ascii_alphanumeric());
    if first_ok
        && bare.len() >= 2
        && bytes.all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
    {
        return None;
    }
    eprintln!(
        "docker: Error response from daemon: Invalid container name ({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed.\nSee 'docker run --help'."
    );
    Some(ExitCode::from(125))
}

/// What the store keeps of a mount, for `inspect`'s `Mounts` and `volume rm`'s in-use check.
pub(crate) fn mount_record(m: &Mounted) -> MountRecord {
    MountRecord {
        kind: m.spec.kind().to_owned(),
        name: m.is_volume().then(|| m.name.clone()),
        source: match &m.spec.source {
            MountSource::Bind(h) => h.clone(),
            _ => m.name.clone(),
        },
        destination: m.spec.destination.clone(),
        mode: m.spec.mode.clone(),
        rw: !m.spec.read_only,
        anonymous: m.anonymous(),
    }
}

/// Docker's message and exit status for a run that cannot start.
pub(crate) fn run_error(e: &RunError) -> ExitCode {
    eprint!("{}", e.stderr());
    ExitCode::from(125)
}

fn shell_words(v: &[String]) -> String {
    v.iter()
        .map(|w| {
            if !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_./=:".contains(&b))
            {
                w.clone()
            } else {
                format!("'{}'", w.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `strata container …`: docker's management form of the container verbs.
#[derive(Subcommand)]
pub enum ContainerCommand {
    /// List containers.
    #[command(visible_aliases = ["list", "ps"])]
    Ls(PsArgs),
    /// Remove containers.
    #[command(visible_alias = "remove")]
    Rm(RmArgs),
    /// Show containers' details as `docker container inspect` does.
    Inspect(crate::inspect::InspectArgs),
    /// Show what a container changed.
    Diff {
        /// The container (name or ID).
        container: String,
    },
    /// Create an image from a container's changes.
    Commit(CommitArgs),
    /// Run a command in a new container.
    Run(RunArgs),
}

/// `ps` / `container ls`.
#[derive(Args)]
pub struct PsArgs {
    /// Show all containers (the simulator's have all exited).
    #[arg(short, long)]
    pub all: bool,
    /// Only show container IDs.
    #[arg(short, long)]
    pub quiet: bool,
    /// Show the latest created container (of any state).
    #[arg(short, long)]
    pub latest: bool,
    /// Show the N last created containers (of any state).
    #[arg(short = 'n', long, value_name = "N")]
    pub last: Option<usize>,
    /// Do not truncate the output.
    #[arg(long)]
    pub no_trunc: bool,
    /// Go template for each container (`{{.ID}} {{.Names}}`), or `table …` (docker's placeholders: .ID
    /// .Image .Command .CreatedAt .RunningFor .Ports .State .Status .Size .Names .Labels .Mounts .Networks).
    #[arg(long, value_name = "TEMPLATE")]
    pub format: Option<String>,
}

/// `commit` / `container commit`.
#[derive(Args)]
pub struct CommitArgs {
    /// Commit message (the new layer's history comment).
    #[arg(short, long, value_name = "MESSAGE")]
    pub message: Option<String>,
    /// Author (`"Name <email>"`).
    #[arg(short, long, value_name = "AUTHOR")]
    pub author: Option<String>,
    /// Pause the container during commit (accepted: the simulator's containers have exited).
    #[arg(short, long, default_value_t = true, num_args = 0..=1, require_equals = true,
          default_missing_value = "true", action = clap::ArgAction::Set)]
    pub pause: bool,
    /// The container (name or ID).
    pub container: String,
    /// The new image's `name[:tag]`.
    pub name: Option<String>,
}

/// `rm` / `container rm`.
#[derive(Args)]
pub struct RmArgs {
    /// Force the removal of a running container (the simulator's have all exited).
    #[arg(short, long)]
    pub force: bool,
    /// Remove the containers' anonymous volumes too.
    #[arg(short, long)]
    pub volumes: bool,
    /// The containers (names or IDs).
    #[arg(required = true)]
    pub containers: Vec<String>,
}

/// docker's `ps` placeholders and their column titles.
const PS_FIELDS: &[(&str, &str)] = &[
    ("Command", "COMMAND"),
    ("CreatedAt", "CREATED AT"),
    ("ID", "CONTAINER ID"),
    ("Image", "IMAGE"),
    ("Labels", "LABELS"),
    ("LocalVolumes", "LOCAL VOLUMES"),
    ("Mounts", "MOUNTS"),
    ("Names", "NAMES"),
    ("Networks", "NETWORKS"),
    ("Ports", "PORTS"),
    ("RunningFor", "CREATED"),
    ("Size", "SIZE"),
    ("State", "STATE"),
    ("Status", "STATUS"),
];

/// `strata ps`: the simulator's containers have all exited, so `ps` without `-a` (or `-l`, `-n`) lists none.
pub fn ps(store: &strata_native::Store, a: &PsArgs) -> Result<ExitCode> {
    let containers = Containers::open(store.root())?;
    let now_s = now().secs;
    let mut list = containers.list()?;
    match (a.latest, a.last) {
        (true, _) => list.truncate(1),
        (false, Some(n)) => list.truncate(n),
        (false, None) if !a.all => list.clear(),
        _ => {}
    }
    let rows: Vec<Value> = list
        .iter()
        .map(|c| {
            let created = strata_build::time::parse_rfc3339(&c.created).unwrap_or(now_s);
            let (state, status) = match c.exit_code {
                Some(126 | 127) | None => ("created", "Created".to_owned()),
                Some(code) => (
                    "exited",
                    format!("Exited ({code}) {} ago", human::duration(now_s - created)),
                ),
            };
            // docker: the argv shell-quoted, cut to 20 characters, then Go-quoted.
            let command = shell_words(&c.command);
            let command = if a.no_trunc {
                command
            } else {
                human::ellipsis(&command, 20)
            };
            Value::strings([
                ("Command", serde_json::Value::from(command).to_string()),
                ("CreatedAt", human::format_go_time(created)),
                (
                    "ID",
                    if a.no_trunc {
                        c.id.clone()
                    } else {
                        c.id[..12].to_owned()
                    },
                ),
                ("Image", c.image.clone()),
                ("Labels", String::new()),
                (
                    "LocalVolumes",
                    c.mounts
                        .iter()
                        .filter(|m| m.name.is_some())
                        .count()
                        .to_string(),
                ),
                (
                    "Mounts",
                    // docker: each volume's name (a bind's source), cut to 15 characters, joined by commas.
                    c.mounts
                        .iter()
                        .map(|m| {
                            let name = m.name.as_deref().unwrap_or(&m.source);
                            if a.no_trunc {
                                name.to_owned()
                            } else {
                                human::ellipsis(name, 15)
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                ("Names", c.name.clone()),
                ("Networks", String::new()),
                ("Ports", String::new()),
                (
                    "RunningFor",
                    format!("{} ago", human::duration(now_s - created)),
                ),
                ("Size", "0B".to_owned()),
                ("State", state.to_owned()),
                ("Status", status),
            ])
        })
        .collect();
    let format = match (&a.format, a.quiet) {
        (_, true) => "{{.ID}}",
        (Some(f), false) => f.as_str(),
        (None, false) => {
            "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"
        }
    };
    images::print_formatted(
        format,
        Missing::Struct("*formatter.ContainerContext"),
        &images::header(PS_FIELDS),
        &rows,
    )
}

/// The image a container was created from: by its ID, else by the name it was given.
fn container_image(disk: &DiskImages<'_>, rec: &ContainerRecord) -> Option<SourceImage> {
    disk.image(&rec.image_id.to_string())
        .or_else(|| disk.image(&rec.image))
}

/// `docker container inspect`'s JSON for a container, as far as the store knows it.
pub fn inspect_json(
    store: &strata_native::Store,
    containers: &Containers,
    rec: &ContainerRecord,
) -> Result<Value> {
    let s = |x: &str| Value::Str(x.to_owned());
    let strings = |v: &[String]| Value::List(v.iter().map(|x| s(x)).collect());
    let obj = |fields: Vec<(&str, Value)>| {
        Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    };
    let models = SimStore::new();
    let disk = DiskImages::new(store).with_fallback(&models);
    // The container's own config (`-e`, `-w`, `-u`, `--entrypoint` and the arguments merged over the
    // image's); a record from before containers kept it: the image's, with the argv it ran as `Cmd`.
    let config = rec.config.clone().unwrap_or_else(|| ContainerConfig {
        cmd: Some(Some(rec.command.clone())),
        ..container_image(&disk, rec)
            .and_then(|i| i.config.config)
            .unwrap_or_default()
    });
    let (path, args) = match rec.command.split_first() {
        Some((p, a)) => (p.clone(), a.to_vec()),
        None => (String::new(), Vec::new()),
    };
    let exited = rec.exit_code.is_some_and(|c| c != 126 && c != 127);
    let _ = containers;
    Ok(obj(vec![
        ("Id", s(&rec.id)),
        ("Created", s(&rec.created)),
        ("Path", s(&path)),
        ("Args", strings(&args)),
        (
            "State",
            obj(vec![
                ("Status", s(if exited { "exited" } else { "created" })),
                ("Running", Value::Bool(false)),
                ("Paused", Value::Bool(false)),
                ("Restarting", Value::Bool(false)),
                ("OOMKilled", Value::Bool(false)),
                ("Dead", Value::Bool(false)),
                ("Pid", Value::Int(0)),
                (
                    "ExitCode",
                    Value::Int(i64::from(rec.exit_code.unwrap_or(0))),
                ),
                ("Error", s("")),
                ("StartedAt", s(&rec.created)),
                ("FinishedAt", s(&rec.created)),
            ]),
        ),
        ("Image", s(&rec.image_id.to_string())),
        ("Name", s(&format!("/{}", rec.name))),
        ("RestartCount", Value::Int(0)),
        ("Driver", s(&format!("strata-{}", rec.backend))),
        ("Platform", s("linux")),
        (
            "Mounts",
            Value::List(rec.mounts.iter().map(|m| mount_json(store, m)).collect()),
        ),
        (
            "Config",
            obj(vec![
                ("Hostname", s(&rec.id[..12])),
                ("Domainname", s("")),
                ("User", s(config.user.as_deref().unwrap_or(""))),
                (
                    "Env",
                    config
                        .env
                        .clone()
                        .flatten()
                        .map_or(Value::Null, |v| strings(&v)),
                ),
                (
                    "Cmd",
                    config
                        .cmd
                        .clone()
                        .flatten()
                        .map_or(Value::Null, |v| strings(&v)),
                ),
                ("Image", s(&rec.image)),
                ("WorkingDir", s(config.working_dir.as_deref().unwrap_or(""))),
                (
                    "Entrypoint",
                    config
                        .entrypoint
                        .clone()
                        .flatten()
                        .map_or(Value::Null, |v| strings(&v)),
                ),
            ]),
        ),
    ]))
}

/// One entry of `docker inspect`'s `Mounts`, in docker's key order.
fn mount_json(store: &strata_native::Store, m: &MountRecord) -> Value {
    let s = |x: &str| Value::Str(x.to_owned());
    let mut fields = vec![("Type", s(&m.kind))];
    match &m.name {
        Some(name) => {
            let source = Volumes::open(store.root())
                .map(|v| v.mountpoint(name).display().to_string())
                .unwrap_or_default();
            // docker gives a named volume the SELinux relabel mode `z` when no mode is given.
            let mode = if m.mode.is_empty() && !m.anonymous {
                "z"
            } else {
                &m.mode
            };
            fields.extend([
                ("Name", s(name)),
                ("Source", s(&source)),
                ("Destination", s(&m.destination)),
                ("Driver", s("local")),
                ("Mode", s(mode)),
                ("RW", Value::Bool(m.rw)),
                ("Propagation", s("")),
            ]);
        }
        None => fields.extend([
            ("Source", s(&m.source)),
            ("Destination", s(&m.destination)),
            ("Mode", s(&m.mode)),
            ("RW", Value::Bool(m.rw)),
            ("Propagation", s("rprivate")),
        ]),
    }
    Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// `strata diff CONTAINER`: `A`/`C`/`D` per path, as `docker diff` prints them.
pub fn diff(store: &strata_native::Store, container: &str) -> Result<ExitCode> {
    let containers = Containers::open(store.root())?;
    let rec = match containers.find(container) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("Error response from daemon: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let models = SimStore::new();
    let disk = DiskImages::new(store).with_fallback(&models);
    let lower = match container_image(&disk, &rec) {
        Some(img) => flatten(&img)?,
        None => Tree::new(),
    };
    let upper = containers.layer(&rec, &lower)?;
    for line in strata_sim::container::docker_diff(&lower, &upper) {
        println!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `strata commit [-m MESSAGE] [-a AUTHOR] CONTAINER [NAME]`: the image plus the container's layer.
pub fn commit(store: &strata_native::Store, a: &CommitArgs) -> Result<ExitCode> {
    let containers = Containers::open(store.root())?;
    let rec = match containers.find(&a.container) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("Error response from daemon: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let models = SimStore::new();
    let disk = DiskImages::new(store).with_fallback(&models);
    let Some(img) = container_image(&disk, &rec) else {
        eprintln!(
            "Error response from daemon: the image {} ({}) of container {} is gone (removed with `rmi -f`)",
            rec.image,
            &rec.image_id.hex()[..12],
            &rec.id[..12]
        );
        return Ok(ExitCode::from(1));
    };
    // A record from before containers kept their config: the image's, with the argv it ran as its command.
    let container = rec.config.clone().unwrap_or_else(|| ContainerConfig {
        cmd: Some(Some(rec.command.clone())),
        ..img.config.config.clone().unwrap_or_default()
    });
    let (layers, tree) = strata_build::engine::flatten(&img).map_err(|e| anyhow!(e.message))?;
    let upper = containers.layer(&rec, &tree)?;
    let image = BuiltImage {
        config: img.config,
        layers,
        tree,
    };
    let commit = Commit {
        id: &rec.id,
        container: &container,
        now: now(),
        message: a.message.as_deref(),
        author: a.author.as_deref(),
    };
    let committed = strata_build::commit::commit(&image, Arc::new(upper), &commit)
        .map_err(|e| anyhow!(e.message))?;
    let tags: Vec<String> = a.name.iter().cloned().collect();
    let id = disk.store_built(&committed, &tags, rec.backend == "sim")?;
    println!("{id}");
    Ok(ExitCode::SUCCESS)
}

/// `strata rm [-f] CONTAINER…`.
pub fn rm(store: &strata_native::Store, a: &RmArgs) -> Result<ExitCode> {
    let containers = Containers::open(store.root())?;
    let volumes = Volumes::open(store.root())?;
    let mut code = ExitCode::SUCCESS;
    for n in &a.containers {
        match containers.remove(n) {
            Ok(rec) => {
                if a.volumes {
                    for m in rec.mounts.iter().filter(|m| m.anonymous) {
                        if let Some(name) = &m.name {
                            let _ = volumes.remove(name, &[]);
                        }
                    }
                }
                println!("{n}")
            }
            Err(e) => {
                // docker: `Error: No such container: x`, exit 1; with -f the message stays and the exit is 0.
                eprintln!("Error: {e}");
                if !a.force {
                    code = ExitCode::from(1);
                }
            }
        }
    }
    Ok(code)
}
