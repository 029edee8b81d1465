//! `strata volume ls|rm|inspect`: the volumes containers made (kept by `strata_native::Volumes`), listed,
//! removed and shown as docker's `volume` verbs do (texts checked against Docker 20.10).

use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;
use strata_native::{Containers, Store, VolumeRecord, Volumes};

use crate::images;
use crate::template::{Missing, Value};

/// `strata volume …`.
#[derive(Subcommand)]
pub enum VolumeCommand {
    /// List volumes.
    #[command(visible_alias = "list")]
    Ls {
        /// Only show volume names.
        #[arg(short, long)]
        quiet: bool,
        /// Go template for each volume (`{{.Name}}`, `{{.Driver}}`, `{{.Mountpoint}}`, `{{.Scope}}`), or
        /// `table …`.
        #[arg(long, value_name = "TEMPLATE")]
        format: Option<String>,
    },
    /// Remove volumes (refused while a container mounts one).
    #[command(visible_alias = "remove")]
    Rm {
        /// Accepted (docker: remove even in use; strata refuses that as well, the containers exist).
        #[arg(short, long)]
        force: bool,
        /// The volumes.
        #[arg(required = true)]
        volumes: Vec<String>,
    },
    /// Show volumes' details as `docker volume inspect` does.
    Inspect {
        /// Go template for each volume.
        #[arg(short, long, value_name = "TEMPLATE")]
        format: Option<String>,
        /// The volumes.
        #[arg(required = true)]
        volumes: Vec<String>,
    },
}

/// docker's `volume ls` placeholders and their column titles.
const FIELDS: &[(&str, &str)] = &[
    ("Driver", "DRIVER"),
    ("Labels", "LABELS"),
    ("Links", "LINKS"),
    ("Mountpoint", "MOUNTPOINT"),
    ("Name", "VOLUME NAME"),
    ("Scope", "SCOPE"),
    ("Size", "SIZE"),
];

/// Runs a `volume` verb.
pub fn run(store: &Store, cmd: &VolumeCommand) -> Result<ExitCode> {
    let volumes = Volumes::open(store.root())?;
    match cmd {
        VolumeCommand::Ls { quiet, format } => {
            let rows: Vec<Value> = volumes
                .list()?
                .iter()
                .map(|v| {
                    Value::strings([
                        ("Driver", "local".to_owned()),
                        ("Labels", String::new()),
                        ("Links", "N/A".to_owned()),
                        (
                            "Mountpoint",
                            volumes.mountpoint(&v.name).display().to_string(),
                        ),
                        ("Name", v.name.clone()),
                        ("Scope", "local".to_owned()),
                        ("Size", "N/A".to_owned()),
                    ])
                })
                .collect();
            let format = match (format, quiet) {
                (_, true) => "{{.Name}}",
                (Some(f), false) => f.as_str(),
                (None, false) => "table {{.Driver}}\t{{.Name}}",
            };
            images::print_formatted(
                format,
                Missing::Struct("*formatter.volumeContext"),
                &images::header(FIELDS),
                &rows,
            )
        }
        VolumeCommand::Rm { volumes: names, .. } => {
            let containers = Containers::open(store.root())?;
            let users: Vec<(String, Vec<String>)> = containers
                .list()?
                .into_iter()
                .map(|c| {
                    let names = c.mounts.iter().filter_map(|m| m.name.clone()).collect();
                    (c.id, names)
                })
                .collect();
            let mut code = ExitCode::SUCCESS;
            for n in names {
                match volumes.remove(n, &users) {
                    Ok(()) => println!("{n}"),
                    Err(e @ strata_native::Error::NoSuchVolume(_)) => {
                        eprintln!("Error: {e}");
                        code = ExitCode::from(1);
                    }
                    Err(e @ strata_native::Error::VolumeInUse { .. }) => {
                        eprintln!("Error response from daemon: {e}");
                        code = ExitCode::from(1);
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            Ok(code)
        }
        VolumeCommand::Inspect {
            format,
            volumes: names,
        } => {
            let mut found = Vec::new();
            let mut code = ExitCode::SUCCESS;
            for n in names {
                match volumes.find(n) {
                    Ok(v) => found.push(inspect_json(&volumes, &v)),
                    Err(e) => {
                        eprintln!("Error: {e}");
                        code = ExitCode::from(1);
                    }
                }
            }
            match crate::inspect::print_found(found, format.as_deref())? {
                None => Ok(ExitCode::from(1)),
                Some(c) if c != ExitCode::SUCCESS => Ok(c),
                Some(_) => Ok(code),
            }
        }
    }
}

/// `docker volume inspect`'s object for a volume.
fn inspect_json(volumes: &Volumes, v: &VolumeRecord) -> Value {
    let s = |x: &str| Value::Str(x.to_owned());
    Value::Object(
        [
            ("CreatedAt", s(&v.created)),
            ("Driver", s("local")),
            ("Labels", Value::Null),
            (
                "Mountpoint",
                s(&volumes.mountpoint(&v.name).display().to_string()),
            ),
            ("Name", s(&v.name)),
            ("Options", Value::Null),
            ("Scope", s("local")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect(),
    )
}
