//! The container verbs with the simulator: `run` (resolve what docker would start, run it in the simulated
//! shell on a copy-on-write layer), `ps`, `diff`, `commit`, `rm`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};
use strata_build::run::{resolve, RunError, RunOptions};
use strata_build::time::format_rfc3339;
use strata_build::{BaseImage, Store as _};
use strata_image::archive::{ArchiveImage, LayerBlob};
use strata_image::image::History;
use strata_image::layer::Compression;
use strata_image::{Digest, Tree};
use strata_native::{Containers, DiskImages, NewContainer};
use strata_sim::backend::SimStore;
use strata_sim::container::TreeFiles;
use strata_sim::exec::Limits;

use crate::build::{now, BackendKind};
use crate::human;

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

fn flatten(img: &BaseImage) -> Result<Tree> {
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
    // The process ran: from here on, nothing turns into an error of the run (a closed stdout included).
    let _ = std::io::stdout().write_all(&out.stdout);
    let _ = std::io::stderr().write_all(&out.stderr);
    for n in &out.notes {
        eprintln!("[strata] {}", strata_sim::backend::note_text(n));
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
        RunError::NoCommand => {
            eprintln!("docker: Error response from daemon: No command specified.")
        }
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

/// `strata ps [-a]`: the simulator's containers have all exited, so `ps` without `-a` lists none.
pub fn ps(store: &strata_native::Store, all: bool) -> Result<ExitCode> {
    let containers = Containers::open(store.root())?;
    let mut rows = vec![vec![
        "CONTAINER ID".to_owned(),
        "IMAGE".to_owned(),
        "COMMAND".to_owned(),
        "CREATED".to_owned(),
        "STATUS".to_owned(),
        "PORTS".to_owned(),
        "NAMES".to_owned(),
    ]];
    let now_s = now().secs;
    if all {
        for c in containers.list()? {
            let created = strata_build::time::parse_rfc3339(&c.created).unwrap_or(now_s);
            let status = match c.exit_code {
                Some(code) if code == 126 || code == 127 => "Created".to_owned(),
                Some(code) => format!("Exited ({code}) {} ago", human::duration(now_s - created)),
                None => "Created".to_owned(),
            };
            rows.push(vec![
                c.id[..12].to_owned(),
                c.image.clone(),
                format!("\"{}\"", human::ellipsis(&c.command.join(" "), 20)),
                format!("{} ago", human::duration(now_s - created)),
                status,
                String::new(),
                c.name.clone(),
            ]);
        }
    }
    print!("{}", human::table(&rows));
    Ok(ExitCode::SUCCESS)
}

/// `strata diff CONTAINER`: `A`/`C`/`D` per path, as `docker diff` prints them.
pub fn diff(store: &strata_native::Store, container: &str) -> Result<ExitCode> {
    let containers = Containers::open(store.root())?;
    let rec = match containers.find(container) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("Error: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let upper = containers.upper(&rec)?;
    let models = SimStore::new();
    let disk = DiskImages::new(store).with_fallback(&models);
    let lower = match disk.image(&rec.image) {
        Some(img) => flatten(&img)?,
        None => Tree::new(),
    };
    for line in strata_sim::container::docker_diff(&lower, &upper) {
        println!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `strata commit CONTAINER NAME`: the image plus the container's layer.
pub fn commit(store: &strata_native::Store, container: &str, name: &str) -> Result<ExitCode> {
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
    let Some(img) = disk.image(&rec.image) else {
        bail!("the image {} of the container is gone", rec.image);
    };
    let mut config = img.config.clone();
    let mut layers = Vec::new();
    for (l, d) in img.layers.iter().zip(&img.config.rootfs.diff_ids) {
        layers.push(disk.layer_blob(d, l)?);
    }
    let blob = LayerBlob::from_changeset(&upper, Compression::None)?;
    config.rootfs.diff_ids.push(blob.diff_id);
    layers.push(blob);
    let ts = now();
    let created = format_rfc3339(ts.secs, ts.nanos);
    config.created = Some(created.clone());
    config.history.push(History {
        created: Some(created.clone()),
        created_by: Some(rec.command.join(" ")),
        ..History::default()
    });
    let tag = strata_native::normalize_reference(name)?;
    let archive = ArchiveImage {
        config: strata_image::image::to_json(&config).into(),
        layers,
        tags: vec![tag],
    };
    let id = archive.id();
    store.import(&[archive], &created)?;
    println!("{id}");
    Ok(ExitCode::SUCCESS)
}

/// `strata rm CONTAINER…`.
pub fn rm(store: &strata_native::Store, names: &[String]) -> Result<ExitCode> {
    let containers = Containers::open(store.root())?;
    let mut code = ExitCode::SUCCESS;
    for n in names {
        match containers.remove(n) {
            Ok(_) => println!("{n}"),
            Err(e) => {
                eprintln!("Error response from daemon: {e}");
                code = ExitCode::from(1);
            }
        }
    }
    Ok(code)
}
