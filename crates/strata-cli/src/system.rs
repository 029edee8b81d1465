//! `strata system df`, `strata system prune` and `strata system check`: docker's layouts and wording over
//! strata-native's `Store::usage`, `Store::prune` and `Store::check`.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Subcommand};
use strata_native::{PruneOptions, Store, UsageRow};

use crate::human;

/// `strata system …`.
#[derive(Subcommand)]
pub enum SystemCommand {
    /// Show disk usage: images, containers, volumes and the build cache (docker's `system df`).
    Df,
    /// Remove stopped containers, dangling images, unused build cache and what killed processes left.
    Prune(PruneArgs),
    /// Check the store: every blob's digest, every reference, the unpacked layers, no leftover mount.
    Check(CheckArgs),
}

/// `strata system prune`'s flags (docker's).
#[derive(Args)]
pub struct PruneArgs {
    /// Remove all unused images, not just dangling ones, and all of the build cache.
    #[arg(short, long)]
    all: bool,
    /// Do not prompt for confirmation.
    #[arg(short, long)]
    force: bool,
    /// Prune volumes.
    #[arg(long)]
    volumes: bool,
}

/// `strata system check`'s flags.
#[derive(Args)]
pub struct CheckArgs {
    /// Change nothing: list what killed processes left as problems instead of removing it.
    #[arg(long)]
    read_only: bool,
}

/// Runs a `system` verb.
pub fn run(store: &Store, cmd: &SystemCommand) -> Result<ExitCode> {
    match cmd {
        SystemCommand::Df => df(store),
        SystemCommand::Prune(a) => prune(store, a),
        SystemCommand::Check(a) => check(store, a),
    }
}

fn df(store: &Store) -> Result<ExitCode> {
    let u = store.usage()?;
    let row = |kind: &str, r: &UsageRow, percent: bool| {
        let reclaimable = human::size4(r.reclaimable);
        vec![
            kind.to_owned(),
            r.total.to_string(),
            r.active.to_string(),
            human::size4(r.size),
            if percent && r.size > 0 {
                format!("{reclaimable} ({}%)", r.reclaimable * 100 / r.size)
            } else {
                reclaimable
            },
        ]
    };
    let rows = vec![
        ["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"]
            .map(str::to_owned)
            .to_vec(),
        row("Images", &u.images, true),
        row("Containers", &u.containers, true),
        row("Local Volumes", &u.volumes, true),
        row("Build Cache", &u.build_cache, false),
    ];
    print!("{}", human::table(&rows));
    Ok(ExitCode::SUCCESS)
}

fn prune(store: &Store, a: &PruneArgs) -> Result<ExitCode> {
    if !a.force {
        let mut warning = String::from("WARNING! This will remove:\n  - all stopped containers\n");
        if a.volumes {
            warning.push_str("  - all volumes not used by at least one container\n");
        }
        if a.all {
            warning.push_str(
                "  - all images without at least one container associated to them\n  - all build cache\n",
            );
        } else {
            warning.push_str("  - all dangling images\n  - all dangling build cache\n");
        }
        print!("{warning}\nAre you sure you want to continue? [y/N] ");
        std::io::stdout().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y") {
            return Ok(ExitCode::SUCCESS);
        }
    }
    let p = store.prune(PruneOptions {
        all: a.all,
        volumes: a.volumes,
    })?;
    let mut out = std::io::stdout().lock();
    for (title, lines) in [
        ("Deleted Containers:", &p.containers),
        ("Deleted Volumes:", &p.volumes),
        ("Deleted Images:", &p.images),
        ("Deleted build cache objects:", &p.build_cache),
    ] {
        if !lines.is_empty() {
            writeln!(out, "{title}")?;
            for l in lines {
                writeln!(out, "{l}")?;
            }
            writeln!(out)?;
        }
    }
    if let Some(why) = &p.kept_layers {
        eprintln!("{why}");
    }
    writeln!(out, "Total reclaimed space: {}", human::size4(p.reclaimed))?;
    Ok(ExitCode::SUCCESS)
}

fn check(store: &Store, a: &CheckArgs) -> Result<ExitCode> {
    let r = store.check(!a.read_only)?;
    let mut out = std::io::stdout().lock();
    for path in &r.cleaned {
        writeln!(out, "removed {} (left by a killed process)", path.display())?;
    }
    let summary = format!(
        "{} blobs, {} images, {} unpacked layers ({} no image uses), {} containers, {} volumes",
        r.blobs, r.images, r.layer_dirs, r.unused_layer_dirs, r.containers, r.volumes
    );
    if r.problems.is_empty() {
        writeln!(out, "ok: {summary}")?;
        return Ok(ExitCode::SUCCESS);
    }
    for p in &r.problems {
        writeln!(out, "problem: {}\n  fix: {}", p.what, p.hint)?;
    }
    writeln!(out, "{} problem(s) in {summary}", r.problems.len())?;
    Ok(ExitCode::from(1))
}
