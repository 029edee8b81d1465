//! The `strata` binary: argument parsing, output formats and exit codes.
//!
//! Build semantics do not live here: every verb is a thin shell over the library crates, so that the
//! playground and the CLI always agree. Exit codes: 0 success, 1 the input has errors (or, as docker's, an
//! image or container that is not there, a conflict, a bad `--format` template), 2 usage or I/O error; `run`
//! exits with the container's status, or 125 when docker's daemon would refuse to start it.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use strata_dockerfile::{Diagnostic, Severity};

use container::ContainerCommand;

mod backend_choice;
mod build;
mod build_record;
mod container;
mod context_reader;
mod examples;
mod human;
mod images;
mod import;
mod inspect;
mod native_run;
mod pipe;
mod source;
mod system;
mod takeout;
mod template;
mod volume;

#[derive(Parser)]
#[command(name = "strata", version, about = "See what Docker will do with a Dockerfile", long_about = None)]
struct Cli {
    /// The image store (default: $STRATA_ROOT, else $XDG_DATA_HOME/strata or ~/.local/share/strata).
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse a Dockerfile and print BuildKit's syntax tree dump.
    Parse {
        /// Print BuildKit's `Node.Dump` format (what `frontend/dockerfile/parser/dumper` prints).
        #[arg(long)]
        dump: bool,
        /// The Dockerfile (`-` reads standard input).
        file: String,
    },
    /// Check a Dockerfile and explain what Docker would do differently from what it looks like.
    Lint {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The Dockerfile (`-` reads standard input).
        file: String,
    },
    /// Explain a diagnostic code (`strata explain SD0100`), or list them all.
    Explain {
        /// The code; omit it to list every rule.
        code: Option<String>,
    },
    /// Print an example Dockerfile from the tutorials strata teaches with (omit NAME to list them).
    Example {
        /// The example's name.
        name: Option<String>,
        /// Write the example into DIR instead (`DIR/Dockerfile` and its build context), ready for
        /// `strata build DIR`.
        #[arg(long, value_name = "DIR", requires = "name")]
        dir: Option<std::path::PathBuf>,
    },
    /// Build an image from a Dockerfile and a context directory.
    Build(build::BuildArgs),
    /// Run a command in a new container (`--dry-run`: only say what would run, and why).
    Run(container::RunArgs),
    /// List containers.
    Ps(container::PsArgs),
    /// Show what a container changed: `A` added, `C` changed, `D` deleted.
    Diff {
        /// The container (name or ID).
        container: String,
    },
    /// Create an image from a container's changes.
    Commit(container::CommitArgs),
    /// Make a base image from a root filesystem tarball, as `docker import` does.
    Import(import::ImportArgs),
    /// Remove containers.
    Rm(container::RmArgs),
    /// Show containers' or images' details as `docker inspect` does (containers are looked up first).
    Inspect(inspect::InspectArgs),
    /// Manage images (`image ls`, `image rm`, `image inspect`, `image history`, `image tag`, …).
    Image {
        #[command(subcommand)]
        command: images::ImageCommand,
    },
    /// Manage containers (`container ls`, `container rm`, `container inspect`, `container diff`, …).
    Container {
        #[command(subcommand)]
        command: container::ContainerCommand,
    },
    /// Manage volumes (`volume ls`, `volume rm`, `volume inspect`).
    Volume {
        #[command(subcommand)]
        command: volume::VolumeCommand,
    },
    /// Manage the store (`system df`, `system prune`, `system check`).
    System {
        #[command(subcommand)]
        command: system::SystemCommand,
    },
    #[command(flatten)]
    Images(images::Command),
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A closed pipe (`strata explain | head -1`) ends the process quietly, by SIGPIPE, as Unix tools and the
    // docker CLI do. Only `run` keeps ignoring it: the container it ran is still recorded.
    let runs_a_container = match &cli.command {
        Command::Run(args)
        | Command::Container {
            command: ContainerCommand::Run(args),
        } => !args.dry_run(),
        _ => false,
    };
    if !runs_a_container {
        pipe::die_on_broken_pipe();
    }
    match run(cli) {
        Ok(code) => code,
        Err(err) if pipe::is_broken_pipe(&err) => ExitCode::from(pipe::BROKEN_PIPE_STATUS),
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "strata: error: {}", error_message(&err));
            match err.downcast_ref::<source::NotUtf8>() {
                Some(_) => ExitCode::from(1),
                None => ExitCode::from(2),
            }
        }
    }
}

/// The error and its causes, `: `-separated as anyhow's `{:#}` writes them, without a cause the message
/// before it already ends with (an I/O error whose text names its operating-system error, then that error).
fn error_message(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if out.ends_with(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

fn run(cli: Cli) -> Result<ExitCode> {
    let store = || images::open_store(cli.root.as_deref());
    match cli.command {
        Command::Parse { dump, file } => parse(&file, dump),
        Command::Lint { format, file } => lint(&file, format),
        Command::Explain { code } => explain(code.as_deref()),
        Command::Example { name, dir } => match dir {
            Some(dir) => examples::write(name.as_deref().unwrap_or_default(), &dir),
            None => examples::print(name.as_deref()),
        },
        Command::Build(args) => build::build(args, &store()?),
        Command::Run(args) => run_container(args, &store()?),
        Command::Ps(a) => container::ps(&store()?, &a),
        Command::Diff { container } => container::diff(&store()?, &container),
        Command::Commit(a) => container::commit(&store()?, &a),
        Command::Import(a) => import::import(&store()?, &a),
        Command::Rm(a) => container::rm(&store()?, &a),
        Command::Inspect(a) => inspect::run_any(&store()?, &a, None),
        Command::Image { command } => images::run_image(command, cli.root.as_deref()),
        Command::Container { command } => match command {
            ContainerCommand::Ls(a) => container::ps(&store()?, &a),
            ContainerCommand::Rm(a) => container::rm(&store()?, &a),
            ContainerCommand::Inspect(a) => inspect::run(&store()?, &a, inspect::Kind::Container),
            ContainerCommand::Diff { container } => container::diff(&store()?, &container),
            ContainerCommand::Commit(a) => container::commit(&store()?, &a),
            ContainerCommand::Run(a) => run_container(a, &store()?),
        },
        Command::Volume { command } => volume::run(&store()?, &command),
        Command::System { command } => system::run(&store()?, &command),
        Command::Images(cmd) => images::run(cmd, cli.root.as_deref()),
    }
}

fn run_container(args: container::RunArgs, store: &strata_native::Store) -> Result<ExitCode> {
    container::run(args, store)
}

fn parse(file: &str, dump: bool) -> Result<ExitCode> {
    let (name, text) = source::read(file)?;
    let parsed = strata_dockerfile::parse(&text);
    let errors: Vec<Diagnostic> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    if !errors.is_empty() {
        eprint!(
            "{}",
            source::escape_controls(&strata_dockerfile::render(&name, &text, &errors))
        );
        return Ok(ExitCode::from(1));
    }
    let mut out = std::io::stdout().lock();
    if dump {
        writeln!(out, "{}", source::escape_controls(&parsed.ast.dump()))?;
    } else {
        for ins in &parsed.ast.instructions {
            writeln!(
                out,
                "{}:{}-{}: {}",
                name,
                ins.start_line,
                ins.end_line,
                source::escape_controls(&ins.original)
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn lint(file: &str, format: Format) -> Result<ExitCode> {
    let (name, text) = source::read(file)?;
    let diagnostics = strata_dockerfile::lint::check(&text);
    match format {
        Format::Text => {
            let rendered = strata_dockerfile::render(&name, &text, &diagnostics);
            print!("{}", source::escape_controls(&rendered));
            let n_err = diagnostics.iter().filter(|d| d.is_error()).count();
            let n_warn = diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .count();
            if diagnostics.is_empty() {
                eprintln!("{name}: no problems found");
            } else {
                eprintln!("{name}: {n_err} error(s), {n_warn} warning(s)");
            }
        }
        Format::Json => {
            let items: Vec<serde_json::Value> = diagnostics
                .iter()
                .map(|d| diagnostic_json(&name, d))
                .collect();
            println!("{}", serde_json::to_string_pretty(&items)?);
        }
    }
    Ok(if diagnostics.iter().any(Diagnostic::is_error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn diagnostic_json(file: &str, d: &Diagnostic) -> serde_json::Value {
    serde_json::json!({
        "file": file,
        "code": d.code,
        "rule": strata_dockerfile::rule(d.code).map(|r| r.name),
        "severity": d.severity.as_str(),
        "message": d.message,
        "help": d.help,
        "line": d.span.line,
        "column": d.span.col,
        "end_line": d.span.end_line,
        "end_column": d.span.end_col,
        "start": d.span.start,
        "end": d.span.end,
    })
}

fn explain(code: Option<&str>) -> Result<ExitCode> {
    match code {
        None => {
            for r in strata_dockerfile::rules() {
                println!(
                    "{}  {:<7}  {:<32}  {}",
                    r.code,
                    r.severity.as_str(),
                    r.name,
                    r.summary
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(code) => match strata_dockerfile::rule(code) {
            Some(r) => {
                println!(
                    "{} {} ({})\n\n{}\n\n{}",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    r.summary,
                    r.explanation
                );
                Ok(ExitCode::SUCCESS)
            }
            None => anyhow::bail!("unknown code {code}; `strata explain` lists them all"),
        },
    }
}
