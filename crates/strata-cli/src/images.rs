//! The image verbs over the on-disk store: `load`, `save`, `images`, `inspect`, `history`, `tag`, `rmi`.
//!
//! Output follows docker's: the same table columns and units, `docker image inspect`'s JSON shape,
//! `docker load`'s messages. The clock is read here and passed into the store.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use strata_native::{Containers, SaveFormat, Store};

use crate::human;
use crate::template::{self, Listing, Missing, Value};

/// The image verbs (flattened into the top-level command list).
#[derive(Subcommand)]
pub enum Command {
    /// Load images from a docker-archive or OCI archive (plain or gzip) into the store.
    Load(LoadArgs),
    /// Save images to a docker-archive or OCI archive (a repository name without a tag saves all its tags).
    Save(SaveArgs),
    /// List images.
    Images(ImagesArgs),
    /// Show an image's history.
    History(HistoryArgs),
    /// Give an image another name.
    Tag(TagArgs),
    /// Remove images (by tag: the tag, and the image with its last one).
    Rmi(RmiArgs),
}

/// `strata image …`: docker's management form of the image verbs.
#[derive(Subcommand)]
pub enum ImageCommand {
    /// List images.
    #[command(visible_alias = "list")]
    Ls(ImagesArgs),
    /// Remove images.
    #[command(visible_alias = "remove")]
    Rm(RmiArgs),
    /// Show images' details as `docker image inspect` does.
    Inspect(crate::inspect::InspectArgs),
    /// Show an image's history.
    History(HistoryArgs),
    /// Give an image another name.
    Tag(TagArgs),
    /// Load images from an archive.
    Load(LoadArgs),
    /// Save images to an archive.
    Save(SaveArgs),
    /// Make a base image from a root filesystem tarball.
    Import(crate::import::ImportArgs),
}

/// `load`.
#[derive(Args)]
pub struct LoadArgs {
    /// Read from this file instead of standard input.
    #[arg(short, long, value_name = "FILE")]
    input: Option<PathBuf>,
    /// Suppress the load output (accepted; strata's is already short).
    #[arg(short, long)]
    quiet: bool,
}

/// `save`.
#[derive(Args)]
pub struct SaveArgs {
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Archive format.
    #[arg(long, value_enum, default_value_t = ArchiveFormat::DockerArchive)]
    format: ArchiveFormat,
    /// The images: `name:tag`, an image ID, or a repository `name` (every tag of it).
    #[arg(required = true)]
    images: Vec<String>,
}

/// `images` / `image ls`.
#[derive(Args)]
pub struct ImagesArgs {
    /// Show all images (strata keeps no intermediate images, so this lists the same ones).
    #[arg(short, long)]
    all: bool,
    /// Only show image IDs.
    #[arg(short, long)]
    quiet: bool,
    /// Do not truncate the output (full IDs).
    #[arg(long)]
    no_trunc: bool,
    /// Go template for each image (`{{.Repository}}:{{.Tag}}`), or `table …` (docker's placeholders:
    /// .ID .Repository .Tag .Digest .CreatedSince .CreatedAt .Size …).
    #[arg(long, value_name = "TEMPLATE")]
    format: Option<String>,
    /// Only images of this repository (`REPOSITORY[:TAG]`).
    #[arg(value_name = "REPOSITORY[:TAG]")]
    reference: Option<String>,
}

/// `history` / `image history`.
#[derive(Args)]
pub struct HistoryArgs {
    /// Print sizes and dates in human readable format (`-H=false`: bytes and RFC 3339 times).
    #[arg(short = 'H', long, default_value_t = true, num_args = 0..=1, require_equals = true,
          default_missing_value = "true", action = clap::ArgAction::Set)]
    human: bool,
    /// Only show image IDs.
    #[arg(short, long)]
    quiet: bool,
    /// Do not truncate the output.
    #[arg(long)]
    no_trunc: bool,
    /// Go template for each layer (`{{.ID}} {{.CreatedBy}}`), `table …`, or `json` (`{{json .}}`).
    #[arg(long, value_name = "TEMPLATE")]
    format: Option<String>,
    /// The image (tag or ID).
    image: String,
}

/// `tag` / `image tag`.
#[derive(Args)]
pub struct TagArgs {
    /// The image (tag or ID).
    source: String,
    /// The new `name[:tag]`.
    target: String,
}

/// `rmi` / `image rm`.
#[derive(Args)]
pub struct RmiArgs {
    /// Remove the image even if a container uses it or several tags name it.
    #[arg(short, long)]
    force: bool,
    /// Do not delete untagged parents (accepted: strata keeps no parent images).
    #[arg(long)]
    no_prune: bool,
    /// The images (tags or IDs).
    #[arg(required = true)]
    images: Vec<String>,
}

/// Archive formats `save` writes.
#[derive(Clone, Copy, ValueEnum)]
pub enum ArchiveFormat {
    /// `docker save`'s format.
    DockerArchive,
    /// An OCI image layout in a tar.
    OciArchive,
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
        Command::Load(a) => load(&store, a.input.as_deref()),
        Command::Save(a) => save(&store, a.output.as_deref(), a.format, &a.images),
        Command::Images(a) => list(&store, &a),
        Command::History(a) => history(&store, &a),
        Command::Tag(a) => tag(&store, &a),
        Command::Rmi(a) => rmi(&store, &a),
    }
}

/// Runs `strata image …`.
pub fn run_image(cmd: ImageCommand, root: Option<&Path>) -> Result<ExitCode> {
    let verb = match cmd {
        ImageCommand::Inspect(a) => {
            return crate::inspect::run(&open_store(root)?, &a, crate::inspect::Kind::Image)
        }
        ImageCommand::Import(a) => return crate::import::import(&open_store(root)?, &a),
        ImageCommand::Ls(a) => Command::Images(a),
        ImageCommand::Rm(a) => Command::Rmi(a),
        ImageCommand::History(a) => Command::History(a),
        ImageCommand::Tag(a) => Command::Tag(a),
        ImageCommand::Load(a) => Command::Load(a),
        ImageCommand::Save(a) => Command::Save(a),
    };
    run(verb, root)
}

/// docker's answer for an image that is not there: `prefix` (`Error` or `Error response from daemon`),
/// exit status 1.
fn no_such_image(prefix: &str, reference: &str) -> ExitCode {
    eprintln!("{prefix}: No such image: {reference}");
    ExitCode::from(1)
}

fn tag(store: &Store, a: &TagArgs) -> Result<ExitCode> {
    if store.resolve(&a.source).is_err() {
        return Ok(no_such_image(
            "Error response from daemon",
            &with_latest(&a.source),
        ));
    }
    let (s, n) = now();
    store.tag(&a.source, &a.target, &human::format_rfc3339(s, n))?;
    Ok(ExitCode::SUCCESS)
}

/// A reference with `:latest` added when it has no tag and is not an ID, as the daemon words it.
fn with_latest(reference: &str) -> String {
    strata_native::normalize_reference(reference).unwrap_or_else(|_| reference.to_owned())
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
        let Ok(set) = store.save_set(r) else {
            // Nothing is written when one of the images is not there, as with docker.
            return Ok(no_such_image("Error response from daemon", r));
        };
        for (rec, tags) in set {
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
    for (rec, tags) in &picked {
        if rec.simulated {
            eprintln!("{}", crate::takeout::stand_ins_warning(rec, tags));
        }
    }
    let format = match format {
        ArchiveFormat::DockerArchive => SaveFormat::DockerArchive,
        ArchiveFormat::OciArchive => SaveFormat::OciArchive,
    };
    // The archive streams from the store's blob files to the output through one buffer.
    // An output that exists and is not a regular file (`-o /dev/null`, a fifo) is written to as it is:
    // renaming a temporary file over it would replace the device with a file.
    let special = output
        .and_then(|p| std::fs::metadata(p).ok())
        .is_some_and(|m| !m.is_file());
    match output {
        Some(path) if special => {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(|| format!("writing {}", path.display()))?;
            let mut w = store.save(&picked, format, BufWriter::with_capacity(128 << 10, f))?;
            w.flush()
                .with_context(|| format!("writing {}", path.display()))?;
        }
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

/// A stored `name:tag` split into repository and tag ([`strata_image::Reference`]; `latest` when it has
/// none).
fn split_tag(tag: &str) -> (String, String) {
    match strata_image::Reference::parse(tag) {
        Ok(r) => (r.name(), r.tag().unwrap_or("latest").to_owned()),
        Err(_) => (tag.to_owned(), "latest".to_owned()),
    }
}

/// A reference as docker shows it (`busybox`, not `docker.io/library/busybox`), and without podman's
/// `localhost/` prefix, so images saved by podman answer to their short names.
fn familiar(reference: &str) -> String {
    let f = strata_image::Reference::parse(reference)
        .map_or_else(|_| reference.to_owned(), |r| r.familiar());
    match f.strip_prefix("localhost/") {
        Some(rest) => rest.to_owned(),
        None => f,
    }
}

/// Whether `REPOSITORY[:TAG]` (the argument of `docker images`) names this row.
fn matches_reference(reference: &str, repo: &str, tag: &str) -> bool {
    let Ok(want) = strata_image::Reference::parse(reference) else {
        return false;
    };
    familiar(&want.name()) == familiar(repo) && want.tag().is_none_or(|t| t == tag)
}

/// docker's `images` placeholders and their column titles.
const IMAGE_FIELDS: &[(&str, &str)] = &[
    ("Containers", "CONTAINERS"),
    ("CreatedAt", "CREATED AT"),
    ("CreatedSince", "CREATED"),
    ("Digest", "DIGEST"),
    ("ID", "IMAGE ID"),
    ("Repository", "REPOSITORY"),
    ("SharedSize", "SHARED SIZE"),
    ("Size", "SIZE"),
    ("Tag", "TAG"),
    ("UniqueSize", "UNIQUE SIZE"),
    ("VirtualSize", "VIRTUAL SIZE"),
];

/// The header row of a `--format 'table …'` listing.
pub fn header(fields: &[(&str, &str)]) -> Value {
    Value::strings(fields.iter().map(|(k, title)| (*k, (*title).to_owned())))
}

/// Prints rows through a `--format` template; a bad template is docker's `template parsing error`, exit 1.
pub fn print_formatted(
    format: &str,
    missing: Missing,
    header: &Value,
    rows: &[Value],
) -> Result<ExitCode> {
    let rendered = Listing::parse(format, missing).and_then(|l| l.render(header, rows));
    match rendered {
        Ok(text) => {
            std::io::stdout().lock().write_all(text.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("template parsing error: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

fn list(store: &Store, a: &ImagesArgs) -> Result<ExitCode> {
    let (now, _) = now();
    let mut rows = Vec::new();
    for rec in store.images()? {
        let img = store.image(&rec.id.to_string())?;
        let created = img.config.created.clone();
        let when = created.as_deref().and_then(human::parse_rfc3339);
        let id = if a.no_trunc {
            rec.id.to_string()
        } else {
            rec.id.hex()[..12].to_string()
        };
        let size = human::size(rec.size());
        let mut names: Vec<(String, String)> = rec
            .tags
            .iter()
            .map(|t| {
                let (r, t) = split_tag(t);
                (familiar(&r), t)
            })
            .collect();
        if names.is_empty() {
            names.push(("<none>".into(), "<none>".into()));
        }
        for (repo, tag) in names {
            if let Some(r) = &a.reference {
                if !matches_reference(r, &repo, &tag) {
                    continue;
                }
            }
            let row = Value::strings([
                ("Containers", "N/A".to_owned()),
                (
                    "CreatedAt",
                    when.map_or_else(String::new, human::format_go_time),
                ),
                ("CreatedSince", human::since(created.as_deref(), now)),
                ("Digest", "<none>".to_owned()),
                ("ID", id.clone()),
                ("Repository", repo),
                ("SharedSize", "N/A".to_owned()),
                ("Size", size.clone()),
                ("Tag", tag),
                ("UniqueSize", "N/A".to_owned()),
                ("VirtualSize", human::size4(rec.size())),
            ]);
            rows.push((when, row));
        }
    }
    // Newest first, then by name, as docker lists them.
    let name = |v: &Value| {
        ["Repository", "Tag"].map(|k| match v {
            Value::Object(f) => f
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, x)| template::print(x, None))
                .unwrap_or_default(),
            _ => String::new(),
        })
    };
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| name(&a.1).cmp(&name(&b.1))));
    let rows: Vec<Value> = rows.into_iter().map(|(_, r)| r).collect();
    let format = match (&a.format, a.quiet) {
        (_, true) => "{{.ID}}",
        (Some(f), false) => f.as_str(),
        (None, false) => "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}",
    };
    print_formatted(
        format,
        Missing::Struct("*formatter.imageContext"),
        &header(IMAGE_FIELDS),
        &rows,
    )
}

/// docker's `history` placeholders and their column titles (`CreatedSince` is `CREATED AT` with `-H=false`).
fn history_fields(human: bool) -> [(&'static str, &'static str); 6] {
    [
        ("Comment", "COMMENT"),
        ("CreatedAt", "CREATED AT"),
        ("CreatedBy", "CREATED BY"),
        ("CreatedSince", if human { "CREATED" } else { "CREATED AT" }),
        ("ID", "IMAGE"),
        ("Size", "SIZE"),
    ]
}

fn history(store: &Store, a: &HistoryArgs) -> Result<ExitCode> {
    let (now, _) = now();
    let Ok(img) = store.image(&a.image) else {
        return Ok(no_such_image(
            "Error response from daemon",
            &with_latest(&a.image),
        ));
    };
    let mut sizes = img.record.layer_sizes.iter();
    let mut lines: Vec<[String; 6]> = img
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
            let created_at = created.map_or("N/A".into(), |t| human::format_rfc3339(t, 0));
            let by = h.created_by.clone().unwrap_or_default().replace('\t', " ");
            [
                h.comment.clone().unwrap_or_default(),
                created_at.clone(),
                if a.no_trunc {
                    by
                } else {
                    human::ellipsis(&by, 45)
                },
                if a.human {
                    human::since(h.created.as_deref(), now)
                } else {
                    created_at
                },
                "<missing>".to_string(),
                if a.human {
                    human::size(size)
                } else {
                    size.to_string()
                },
            ]
        })
        .collect();
    lines.reverse();
    if let Some(top) = lines.first_mut() {
        top[4] = if a.no_trunc {
            img.record.id.to_string()
        } else {
            img.record.id.hex()[..12].to_string()
        };
    }
    let fields = history_fields(a.human);
    let rows: Vec<Value> = lines
        .into_iter()
        .map(|l| Value::strings(fields.iter().map(|(k, _)| *k).zip(l)))
        .collect();
    let format = match (a.format.as_deref(), a.quiet) {
        (_, true) => "{{.ID}}",
        (Some("json"), false) => "{{json .}}",
        (Some(f), false) if f != "table" => f,
        _ => "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}",
    };
    print_formatted(
        format,
        Missing::Struct("*formatter.historyContext"),
        &header(&fields),
        &rows,
    )
}

fn rmi(store: &Store, a: &RmiArgs) -> Result<ExitCode> {
    let containers = Containers::open(store.root())?;
    let mut code = ExitCode::SUCCESS;
    let mut out = std::io::stdout().lock();
    for r in &a.images {
        let Ok(rec) = store.resolve(r) else {
            // `rmi -f` of an image that is not there says so but does not fail, as docker's.
            eprintln!("Error: No such image: {r}");
            if !a.force {
                code = ExitCode::from(1);
            }
            continue;
        };
        let by_tag = strata_native::normalize_reference(r)
            .is_ok_and(|t| rec.tags.iter().any(|have| familiar(have) == familiar(&t)));
        let deletes = !by_tag || rec.tags.len() == 1;
        let user = containers.list()?.into_iter().find(|c| {
            c.image_id == rec.id || store.resolve(&c.image).is_ok_and(|i| i.id == rec.id)
        });
        let short = &rec.id.hex()[..12];
        let conflict = match (&user, by_tag) {
            _ if a.force => None,
            (Some(c), true) if deletes => Some(format!(
                "unable to remove repository reference \"{r}\" (must force) - container {} is using its referenced image {short}",
                &c.id[..12]
            )),
            (Some(c), false) => Some(format!(
                "unable to delete {short} (must be forced) - image is being used by stopped container {}",
                &c.id[..12]
            )),
            (None, false) if rec.tags.len() > 1 => Some(format!(
                "unable to delete {short} (must be forced) - image is referenced in multiple repositories"
            )),
            _ => None,
        };
        if let Some(c) = conflict {
            eprintln!("Error response from daemon: conflict: {c}");
            code = ExitCode::from(1);
            continue;
        }
        // By ID with -f: every tag goes, then the image.
        let refs: Vec<String> = if by_tag || rec.tags.len() <= 1 {
            vec![r.clone()]
        } else {
            rec.tags.clone()
        };
        for each in refs {
            let removed = store.remove(&each)?;
            for t in &removed.untagged {
                writeln!(out, "Untagged: {}", familiar(t))?;
            }
            if let Some(id) = removed.deleted {
                writeln!(out, "Deleted: {id}")?;
            }
        }
    }
    Ok(code)
}
