//! The container verbs with the simulator: `run` (resolve what docker would start, run it in the simulated
//! shell on a copy-on-write layer), `ps`, `diff`, `commit`, `rm`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};
use strata_build::run::{resolve, RunError, RunOptions};
use strata_build::time::format_rfc3339;
use strata_build::{ImageSource as _, SourceImage};
use strata_image::archive::{ArchiveImage, LayerBlob};
use strata_image::image::History;
use strata_image::layer::Compression;
use strata_image::{Digest, Tree};
use strata_native::{ContainerRecord, Containers};
use strata_sim::container::TreeFiles;
use strata_sim::exec::Limits;

use crate::build::{now, BackendKind, DiskStore};
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

fn flatten(img: &SourceImage) -> Result<Tree> {
    let mut t = Tree::new();
    for l in &img.layers {
        l.apply(&mut t)?;
    }
    Ok(t)
}

/// Runs `strata run`.
pub fn run(args: RunArgs, store: &strata_native::Store) -> Result<ExitCode> {
    if args.backend == BackendKind::Native {
        bail!("the native backend is not built yet; use --backend sim");
    }
    let disk = DiskStore::new(store);
    let Some(img) = disk.image(&args.image) else {
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
    let ts = now();
    let id = container_id(&img, &args, ts.secs, ts.nanos);
    let opts = RunOptions {
        entrypoint: args.entrypoint.clone(),
        args: args.args.clone(),
        env,
        workdir: args.workdir.clone(),
        user: args.user.clone(),
        hostname: Some(id[..12].to_owned()),
        name: args.name.clone(),
        rm: args.rm,
        ..RunOptions::default()
    };
    let (resolved, started) = if args.dry_run {
        match resolve(&config, &opts, &TreeFiles(&tree)) {
            Ok(r) => (r, None),
            Err(e) => return Ok(run_error(&e)),
        }
    } else {
        match strata_sim::container::run(&tree, &config, &opts, &id, ts, Limits::default()) {
            Ok(s) => (s.resolved.clone(), Some(s)),
            Err(n) => return Ok(run_error(&n.error)),
        }
    };
    if args.dry_run {
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
    let Some(started) = started else {
        return Ok(ExitCode::SUCCESS);
    };
    let out = &started.outcome;
    let fs = &started.fs;
    std::io::stdout().write_all(&out.stdout)?;
    std::io::stderr().write_all(&out.stderr)?;
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
    if !args.rm {
        let containers = Containers::open(store.root())?;
        let name = args.name.clone().unwrap_or_else(|| generated_name(&id));
        containers.save(
            &ContainerRecord {
                id: id.clone(),
                name,
                image: args.image.clone(),
                image_id: Digest::of(&strata_image::image::to_json(&img.config)),
                command: resolved.argv.clone(),
                created: format_rfc3339(ts.secs, ts.nanos),
                exit_code: Some(code),
                backend: "sim".to_owned(),
            },
            &fs.changeset(),
        )?;
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

fn container_id(img: &SourceImage, args: &RunArgs, secs: i64, nanos: u32) -> String {
    let seed = format!(
        "{}\n{:?}\n{:?}\n{secs}.{nanos}\n{}",
        img.reference,
        args.args,
        args.name,
        std::process::id()
    );
    Digest::of(seed.as_bytes()).hex()
}

/// A docker-style `adjective_name` from the ID (deterministic, not random).
fn generated_name(id: &str) -> String {
    const LEFT: [&str; 8] = [
        "brave", "calm", "eager", "gentle", "happy", "keen", "quiet", "witty",
    ];
    const RIGHT: [&str; 8] = [
        "curie", "hopper", "lovelace", "turing", "noether", "ritchie", "thompson", "wozniak",
    ];
    let b = u8::from_str_radix(&id[..2], 16).unwrap_or(0) as usize;
    format!("{}_{}", LEFT[b % 8], RIGHT[(b / 8) % 8])
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
    let disk = DiskStore::new(store);
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
    let disk = DiskStore::new(store);
    let Some(img) = disk.image(&rec.image) else {
        bail!("the image {} of the container is gone", rec.image);
    };
    let mut config = img.config.clone();
    let mut layers = Vec::new();
    for (l, d) in img.layers.iter().zip(&img.config.rootfs.diff_ids) {
        layers.push(disk.blob(d, l)?);
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
