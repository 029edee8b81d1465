//! The container verbs with the simulator: `run` (resolve what docker would start, run it in the simulated
//! shell on a copy-on-write layer), `ps`, `diff`, `commit`, `rm`.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{anyhow, bail, Result};
use clap::{Args, Subcommand, ValueEnum};
use strata_build::commit::Commit;
use strata_build::run::{container_config, resolve, RunError, RunOptions};
use strata_build::time::format_rfc3339;
use strata_build::{BuiltImage, ImageSource as _, SourceImage};
use strata_image::image::ContainerConfig;
use strata_image::{Digest, Tree};
use strata_native::{ContainerRecord, Containers, DiskImages, NewContainer};
use strata_sim::backend::SimStore;
use strata_sim::container::TreeFiles;
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

/// `strata run`.
#[derive(Args)]
pub struct RunArgs {
    /// Which backend runs the container.
    #[arg(long, value_enum, default_value_t = BackendKind::Sim)]
    pub backend: BackendKind,
    /// Remove the container when it exits.
    #[arg(long)]
    pub rm: bool,
    /// Overwrite the image's ENTRYPOINT (one word; `''` resets it).
    #[arg(long, value_name = "CMD")]
    pub entrypoint: Option<String>,
    /// Set an environment variable (`K=V`, or `K` to take it from here).
    #[arg(short = 'e', long = "env", value_name = "K=V")]
    pub env: Vec<String>,
    /// Working directory inside the container.
    #[arg(short = 'w', long = "workdir", value_name = "DIR")]
    pub workdir: Option<String>,
    /// `name|uid[:group|gid]`.
    #[arg(short = 'u', long = "user", value_name = "USER")]
    pub user: Option<String>,
    /// The container's name.
    #[arg(long)]
    pub name: Option<String>,
    /// Print what would run and why, without running it.
    #[arg(long)]
    pub dry_run: bool,
    /// Output of `--dry-run`.
    #[arg(long, value_enum, default_value_t = DryRunFormat::Text)]
    pub format: DryRunFormat,
    /// The image.
    pub image: String,
    /// The command and its arguments (replace CMD).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
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
    if args.backend == BackendKind::Native {
        bail!("the native backend is not built yet; use --backend sim");
    }
    let models = SimStore::new();
    let images = DiskImages::new(store).with_fallback(&models);
    let Some(img) = images.image(&args.image) else {
        eprintln!(
            "Unable to find image '{}' locally\ndocker: Error response from daemon: pull access denied for {}: the simulator has no registry.",
            args.image, args.image
        );
        return Ok(ExitCode::from(125));
    };
    let tree = flatten(&img)?;
    let config = img.config.config.clone().unwrap_or_default();
    let env: Vec<String> = args
        .env
        .iter()
        .map(|e| {
            if e.contains('=') {
                e.clone()
            } else {
                std::env::var(e)
                    .map(|v| format!("{e}={v}"))
                    .unwrap_or_else(|_| e.clone())
            }
        })
        .collect();
    let mut opts = RunOptions {
        entrypoint: args.entrypoint.clone(),
        args: args.args.clone(),
        env,
        workdir: args.workdir.clone(),
        user: args.user.clone(),
        name: args.name.clone(),
        rm: args.rm,
        ..RunOptions::default()
    };
    if args.dry_run {
        let resolved = match resolve(&config, &opts, &TreeFiles(&tree)) {
            Ok(r) => r,
            Err(e) => return Ok(run_error(&e)),
        };
        match args.format {
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
    let created = containers.create(NewContainer {
        name: args.name.clone(),
        image: args.image.clone(),
        image_id: Digest::of(&strata_image::image::to_json(&img.config)),
        created: format_rfc3339(ts.secs, ts.nanos),
        backend: "sim".to_owned(),
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
    opts.hostname = Some(rec.id[..12].to_owned());
    let started =
        match strata_sim::container::run(&tree, &config, &opts, &rec.id, ts, Limits::default()) {
            Ok(s) => s,
            Err(n) => {
                // Docker refuses these at creation, so no container is left; a user it cannot find is a start
                // error, and the container stays, created and never run.
                if !matches!(n.error, RunError::User(_)) || args.rm {
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
    let kept = if args.rm {
        containers.remove(&rec.id).map(drop)
    } else {
        containers.finish(&rec, &started.fs.changeset())
    };
    if let Err(e) = kept {
        eprintln!("strata: warning: container {}: {e}", rec.name);
    }
    Ok(ExitCode::from(
        u8::try_from(code.clamp(0, 255)).unwrap_or(1),
    ))
}

/// Docker's message and exit status for a run that cannot start.
fn run_error(e: &RunError) -> ExitCode {
    match e {
        // These errors already read as docker prints them; the ones the daemon finds when it creates the
        // container are followed by docker's hint.
        RunError::NoCommand | RunError::RelativeWorkdir(_) => {
            eprintln!("{e}\nSee 'docker run --help'.")
        }
        RunError::User(_) => eprintln!("{e}"),
        e => eprintln!("docker: Error response from daemon: {e}."),
    }
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
    /// Remove anonymous volumes (accepted: the simulator has none).
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
                ("LocalVolumes", "0".to_owned()),
                ("Mounts", String::new()),
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
    let upper = containers.upper(&rec)?;
    let models = SimStore::new();
    let disk = DiskImages::new(store).with_fallback(&models);
    let lower = match container_image(&disk, &rec) {
        Some(img) => flatten(&img)?,
        None => Tree::new(),
    };
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
    let upper = containers.upper(&rec)?;
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
    let id = disk.store_built(&committed, &tags)?;
    println!("{id}");
    Ok(ExitCode::SUCCESS)
}

/// `strata rm [-f] CONTAINER…`.
pub fn rm(store: &strata_native::Store, a: &RmArgs) -> Result<ExitCode> {
    let containers = Containers::open(store.root())?;
    let mut code = ExitCode::SUCCESS;
    for n in &a.containers {
        match containers.remove(n) {
            Ok(_) => println!("{n}"),
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
