//! `strata import FILE|- [REPOSITORY[:TAG]]`: a base image from a root filesystem tarball, as `docker import`
//! makes one (the config and history come from `strata_build::import`; the store checks the layer like any
//! other). The tarball is kept as given, uncompressed, so its diff_id is the sha256 of the tar.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use strata_image::archive::{ArchiveImage, LayerBlob};
use strata_image::layer::{decompressor, Compression};
use strata_image::Digest;
use strata_native::Store;

use crate::build::now;

/// `import`.
#[derive(Args)]
pub struct ImportArgs {
    /// Apply a Dockerfile instruction to the image's config (CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK,
    /// LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR); repeatable.
    #[arg(short, long = "change", value_name = "INSTRUCTION")]
    changes: Vec<String>,
    /// The image's comment (default `Imported from -`).
    #[arg(short, long)]
    message: Option<String>,
    /// `linux/ARCH`: the architecture the config records (default: this machine's).
    #[arg(long)]
    platform: Option<String>,
    /// The root filesystem tarball (plain, gzip or zstd), or `-` for standard input.
    file: PathBuf,
    /// The name to give the image.
    reference: Option<String>,
}

/// `strata import`.
pub fn import(store: &Store, a: &ImportArgs) -> Result<ExitCode> {
    let architecture = match a.platform.as_deref() {
        None => host_architecture(),
        Some(p) => match p.strip_prefix("linux/") {
            Some(arch) if !arch.is_empty() => arch,
            _ => {
                eprintln!(
                    "Error response from daemon: unsupported platform {p:?}: only linux/ARCH"
                );
                return Ok(ExitCode::from(1));
            }
        },
    };
    let mut bytes = Vec::new();
    if a.file.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
    } else {
        bytes = std::fs::read(&a.file).with_context(|| format!("reading {}", a.file.display()))?;
    }
    let compression = Compression::detect(&bytes);
    let tar = if compression == Compression::None {
        bytes
    } else {
        let mut tar = Vec::new();
        decompressor(&bytes[..], compression)
            .read_to_end(&mut tar)
            .with_context(|| format!("decompressing {}", a.file.display()))?;
        tar
    };
    let diff_id = Digest::of(&tar);
    let imp = strata_build::import::Import {
        changes: &a.changes,
        message: a.message.as_deref(),
        now: now(),
        architecture,
    };
    let config = match strata_build::import::import_config(diff_id, &imp) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("Error response from daemon: {}", e.message);
            if let Some(help) = &e.help {
                eprintln!("help: {help}");
            }
            return Ok(ExitCode::from(1));
        }
    };
    let tags = match &a.reference {
        Some(r) => vec![strata_native::normalize_reference(r)?],
        None => Vec::new(),
    };
    let image = ArchiveImage {
        config: strata_image::image::to_json(&config).into(),
        layers: vec![LayerBlob {
            bytes: tar.into(),
            compression: Compression::None,
            diff_id,
        }],
        tags,
    };
    let id = image.id();
    let created = config.created.clone().unwrap_or_default();
    match store.import(&[image], &created) {
        Ok(_) => {
            println!("{id}");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("Error response from daemon: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

/// This machine's architecture as Go (and so Docker) names it.
fn host_architecture() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64le",
        other => other,
    }
}
