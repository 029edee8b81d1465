//! The image verbs over the on-disk store: `load`, `save`, `images`, `inspect`, `history`, `tag`, `rmi`.
//!
//! Output follows docker's: the same table columns and units, `docker image inspect`'s JSON shape,
//! `docker load`'s messages. The clock is read here and passed into the store.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use clap::{Subcommand, ValueEnum};
use serde::Serialize;
use strata_image::inspect;
use strata_native::{SaveFormat, Store};

use crate::human;

/// The image verbs (flattened into the top-level command list).
#[derive(Subcommand)]
pub enum Command {
    /// Load images from a docker-archive or OCI archive (plain or gzip) into the store.
    Load {
        /// Read from this file instead of standard input.
        #[arg(short, long, value_name = "FILE")]
        input: Option<PathBuf>,
    },
    /// Save images to a docker-archive or OCI archive (a repository name without a tag saves all its tags).
    Save {
        /// Write to this file instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Archive format.
        #[arg(long, value_enum, default_value_t = ArchiveFormat::DockerArchive)]
        format: ArchiveFormat,
        /// The images: `name:tag`, an image ID, or a repository `name` (every tag of it).
        #[arg(required = true)]
        images: Vec<String>,
    },
    /// List images.
    Images,
    /// Show an image's details as `docker image inspect` does.
    Inspect {
        /// The images (tags or IDs).
        #[arg(required = true)]
        images: Vec<String>,
    },
    /// Show an image's history.
    History {
        /// Do not truncate the output.
        #[arg(long)]
        no_trunc: bool,
        /// `table` (the default) or `json` (one object per line).
        #[arg(long, value_enum, default_value_t = HistoryFormat::Table)]
        format: HistoryFormat,
        /// The image (tag or ID).
        image: String,
    },
    /// Give an image another name.
    Tag {
        /// The image (tag or ID).
        source: String,
        /// The new `name[:tag]`.
        target: String,
    },
    /// Remove images (by tag: the tag, and the image with its last one).
    Rmi {
        /// The images (tags or IDs).
        #[arg(required = true)]
        images: Vec<String>,
    },
}

/// Archive formats `save` writes.
#[derive(Clone, Copy, ValueEnum)]
pub enum ArchiveFormat {
    /// `docker save`'s format.
    DockerArchive,
    /// An OCI image layout in a tar.
    OciArchive,
}

/// `history` output formats.
#[derive(Clone, Copy, ValueEnum)]
pub enum HistoryFormat {
    /// docker's table.
    Table,
    /// One JSON object per line (`docker history --format '{{json .}}'`).
    Json,
}

/// The store directory: `--root`, else `$STRATA_ROOT`, else `$XDG_DATA_HOME/strata`, else
/// `~/.local/share/strata`.
fn root_dir(root: Option<&Path>) -> Result<PathBuf> {
    if let Some(r) = root {
        return Ok(r.to_path_buf());
    }
    let var = |k| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(r) = var("STRATA_ROOT") {
        return Ok(r.into());
    }
    if let Some(d) = var("XDG_DATA_HOME") {
        return Ok(PathBuf::from(d).join("strata"));
    }
    match var("HOME") {
        Some(h) => Ok(PathBuf::from(h).join(".local/share/strata")),
        None => bail!("no store directory: pass --root DIR or set STRATA_ROOT"),
    }
}

/// The clock, as seconds and nanoseconds since the epoch.
fn now() -> (i64, u32) {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    (
        i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        d.subsec_nanos(),
    )
}

/// Opens the store at `--root` (or the default place).
pub fn open_store(root: Option<&Path>) -> Result<Store> {
    let root = root_dir(root)?;
    Store::open(&root).with_context(|| format!("opening the store {}", root.display()))
}

/// Runs an image verb.
pub fn run(cmd: Command, root: Option<&Path>) -> Result<ExitCode> {
    let store = open_store(root)?;
    match cmd {
        Command::Load { input } => load(&store, input.as_deref()),
        Command::Save {
            output,
            format,
            images,
        } => save(&store, output.as_deref(), format, &images),
        Command::Images => list(&store),
        Command::Inspect { images } => inspect(&store, &images),
        Command::History {
            no_trunc,
            format,
            image,
        } => history(&store, &image, no_trunc, format),
        Command::Tag { source, target } => {
            let (s, n) = now();
            store.tag(&source, &target, &human::format_rfc3339(s, n))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Rmi { images } => rmi(&store, &images),
    }
}

fn load(store: &Store, input: Option<&Path>) -> Result<ExitCode> {
    let (s, n) = now();
    let now = human::format_rfc3339(s, n);
    // The archive streams into the store: nothing holds a whole image in memory.
    let (name, res) = match input {
        Some(p) => {
            let f = std::fs::File::open(p).with_context(|| format!("reading {}", p.display()))?;
            (p.display().to_string(), store.load(f, &now))
        }
        None => (
            "<stdin>".to_string(),
            store.load(std::io::stdin().lock(), &now),
        ),
    };
    let loaded = match res {
        Ok(l) => l,
        Err(e) if e.is_bad_input() => {
            eprintln!("strata: error: {name}: {e}");
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.into()),
    };
    let mut out = std::io::stdout().lock();
    for l in loaded {
        for (tag, old) in &l.retagged {
            writeln!(
                out,
                "The image {tag} already exists, renaming the old one with ID {old} to empty string"
            )?;
        }
        if l.tags.is_empty() {
            writeln!(out, "Loaded image ID: {}", l.id)?;
        }
        for t in &l.tags {
            writeln!(out, "Loaded image: {t}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn save(
    store: &Store,
    output: Option<&Path>,
    format: ArchiveFormat,
    refs: &[String],
) -> Result<ExitCode> {
    if output.is_none() && std::io::stdout().is_terminal() {
        bail!("cowardly refusing to save to a terminal; use the -o flag or redirect");
    }
    // Like `docker save`: `NAME` is every tag of the repository, `NAME:TAG` one tag, an ID the untagged
    // image; an image named twice is saved once with all the tags it was named by.
    let mut picked: Vec<(strata_native::ImageRecord, Vec<String>)> = Vec::new();
    for r in refs {
        for (rec, tags) in store.save_set(r)? {
            match picked.iter_mut().find(|(p, _)| p.id == rec.id) {
                Some((_, have)) => {
                    for t in tags {
                        if !have.contains(&t) {
                            have.push(t);
                        }
                    }
                }
                None => picked.push((rec, tags)),
            }
        }
    }
    let format = match format {
        ArchiveFormat::DockerArchive => SaveFormat::DockerArchive,
        ArchiveFormat::OciArchive => SaveFormat::OciArchive,
    };
    // The archive streams from the store's blob files to the output through one buffer.
    match output {
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let file_name = path
                .file_name()
                .map_or_else(|| "archive".into(), |f| f.to_string_lossy().into_owned());
            let tmp = dir.join(format!(".{file_name}.strata-tmp-{}", std::process::id()));
            let res = (|| -> Result<()> {
                let f = std::fs::File::create(&tmp)
                    .with_context(|| format!("writing {}", tmp.display()))?;
                let w = store.save(&picked, format, BufWriter::with_capacity(128 << 10, f))?;
                let f = w
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(|| format!("writing {}", path.display()))?;
                f.sync_all()
                    .with_context(|| format!("writing {}", path.display()))?;
                std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))
            })();
            if res.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            res?;
        }
        None => {
            let out = std::io::stdout().lock();
            let mut w = store.save(&picked, format, BufWriter::with_capacity(128 << 10, out))?;
            w.flush().context("writing standard output")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `name:tag` split into repository and tag.
fn split_tag(tag: &str) -> (&str, &str) {
    match tag.rsplit_once(':') {
        Some((name, t)) if !t.contains('/') => (name, t),
        _ => (tag, "latest"),
    }
}

fn list(store: &Store) -> Result<ExitCode> {
    let (now, _) = now();
    let mut rows = Vec::new();
    for rec in store.images()? {
        let img = store.image(&rec.id.to_string())?;
        let created = img.config.created.clone();
        let when = created.as_deref().and_then(human::parse_rfc3339);
        let id = rec.id.hex()[..12].to_string();
        let size = human::size(rec.size());
        let since = human::since(created.as_deref(), now);
        let mut names: Vec<(String, String)> = rec
            .tags
            .iter()
            .map(|t| {
                let (r, t) = split_tag(t);
                (r.to_string(), t.to_string())
            })
            .collect();
        if names.is_empty() {
            names.push(("<none>".into(), "<none>".into()));
        }
        for (repo, tag) in names {
            rows.push((
                when,
                vec![repo, tag, id.clone(), since.clone(), size.clone()],
            ));
        }
    }
    // Newest first, then by name, as docker lists them.
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let mut table = vec![["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"]
        .map(String::from)
        .to_vec()];
    table.extend(rows.into_iter().map(|(_, r)| r));
    print!("{}", human::table(&table));
    Ok(ExitCode::SUCCESS)
}

fn inspect(store: &Store, refs: &[String]) -> Result<ExitCode> {
    let mut all = Vec::new();
    for r in refs {
        let img = store.image(r)?;
        all.push(inspect::inspect(
            &img.config,
            &img.record.id,
            img.record.tags.clone(),
            img.record.size(),
            img.record.last_tag_time.clone(),
        ));
    }
    std::io::stdout()
        .lock()
        .write_all(&inspect::to_json_pretty(&all))?;
    Ok(ExitCode::SUCCESS)
}

/// One line of `docker history --format '{{json .}}'` (keys in docker's alphabetical order).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct HistoryLine {
    comment: String,
    created_at: String,
    created_by: String,
    created_since: String,
    #[serde(rename = "ID")]
    id: String,
    size: String,
}

fn history(
    store: &Store,
    reference: &str,
    no_trunc: bool,
    format: HistoryFormat,
) -> Result<ExitCode> {
    let (now, _) = now();
    let img = store.image(reference)?;
    let mut sizes = img.record.layer_sizes.iter();
    let mut lines: Vec<HistoryLine> = img
        .config
        .history
        .iter()
        .map(|h| {
            let size = if h.empty_layer {
                0
            } else {
                sizes.next().copied().unwrap_or(0)
            };
            let created = h.created.as_deref().and_then(human::parse_rfc3339);
            let by = h.created_by.clone().unwrap_or_default().replace('\t', " ");
            HistoryLine {
                comment: h.comment.clone().unwrap_or_default(),
                created_at: created.map_or("N/A".into(), |t| human::format_rfc3339(t, 0)),
                created_by: if no_trunc {
                    by
                } else {
                    human::ellipsis(&by, 45)
                },
                created_since: human::since(h.created.as_deref(), now),
                id: "<missing>".to_string(),
                size: human::size(size),
            }
        })
        .collect();
    lines.reverse();
    if let Some(top) = lines.first_mut() {
        top.id = if no_trunc {
            img.record.id.to_string()
        } else {
            img.record.id.hex()[..12].to_string()
        };
    }
    let mut out = std::io::stdout().lock();
    match format {
        HistoryFormat::Json => {
            for l in &lines {
                writeln!(out, "{}", serde_json::to_string(l)?)?;
            }
        }
        HistoryFormat::Table => {
            let mut rows = vec![["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"]
                .map(String::from)
                .to_vec()];
            rows.extend(
                lines
                    .into_iter()
                    .map(|l| vec![l.id, l.created_since, l.created_by, l.size, l.comment]),
            );
            write!(out, "{}", human::table(&rows))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn rmi(store: &Store, refs: &[String]) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    for r in refs {
        let removed = store.remove(r)?;
        for t in &removed.untagged {
            writeln!(out, "Untagged: {t}")?;
        }
        if let Some(id) = removed.deleted {
            writeln!(out, "Deleted: {id}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
