//! `docker run` resolution: which argv, environment, working directory and user Docker would start.
//!
//! Start at [`resolve`]: an image's [`ContainerConfig`], the `docker run` options ([`RunOptions`], usually from
//! [`parse_run_line`]) and the image's `/etc/passwd` and `/etc/group` ([`ImageFiles`]) give a [`Resolved`]
//! process, with the [`Rule`] of the CMD/ENTRYPOINT table that applied and plain-language explanation lines.
//!
//! Everything here was checked against Docker 20.10 (`test_data/run/observed.json`, recorded by
//! `test_data/run/record.py`). The environment is built the way the daemon and runc build it:
//! 1. the container's env is the `-e` values in order, then every image `Env` entry whose name no `-e` named;
//! 2. that list is laid over `PATH=<default>`, `HOSTNAME=<hostname>` (and `TERM=xterm` with `-t`): a name
//!    already present is replaced in place, a new one appended, a bare name (`-e NAME` with no value, not set in
//!    the client's environment) removed;
//! 3. `HOME` from the user's passwd entry (`/` when the uid has none) is appended when no `HOME` is set, or fills
//!    in an empty `HOME=` in place.

use crate::mounts::{parse_volume, MountSpec};
use crate::users::{self, UserError, UserIds};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use strata_image::image::ContainerConfig;

/// The `PATH` Docker puts in every Linux container's environment before the image's `Env` is laid over it.
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The stand-in hostname when neither `-h` nor a container id is given (Docker uses the id's first 12 hex).
pub const HOSTNAME_PLACEHOLDER: &str = "<container-id>";

/// The options of one `docker run` that decide what process starts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RunOptions {
    /// `--entrypoint`: one word, never split; `Some("")` resets the entrypoint.
    pub entrypoint: Option<String>,
    /// The words after the image name; when present they replace the image's CMD.
    pub args: Vec<String>,
    /// `-e K=V` (set) or `-e K` (take K from the client's environment; strata has none, so: unset K).
    pub env: Vec<String>,
    /// `-w`: must be absolute; empty means "not given".
    pub workdir: Option<String>,
    /// `-u`: `name`, `uid`, `name:group`, `uid:gid`; empty means "not given".
    pub user: Option<String>,
    /// `-h`: the container's hostname (`HOSTNAME`, unless the image's Env sets one).
    pub hostname: Option<String>,
    /// `--name`.
    pub name: Option<String>,
    /// `--rm`.
    pub rm: bool,
    /// `-i`.
    pub interactive: bool,
    /// `-t`: adds `TERM=xterm` to the environment.
    pub tty: bool,
    /// `-d`: accepted; the simulator runs every container in the foreground.
    pub detach: bool,
    /// `-v/--volume`, parsed ([`crate::mounts::parse_volume`]).
    pub volumes: Vec<MountSpec>,
    /// `--env-file`: read by the front end ([`RunOptions::read_env_files`]) into [`RunOptions::env`].
    pub env_files: Vec<String>,
    /// `-p/--publish`: accepted, not modelled (the simulator has no network).
    pub publish: Vec<String>,
    /// `-P/--publish-all`: accepted, not modelled.
    pub publish_all: bool,
    /// `--network`/`--net`: accepted, not modelled.
    pub network: Option<String>,
    /// The container id the caller assigned; its first 12 characters are the default hostname.
    pub container_id: Option<String>,
}

impl RunOptions {
    /// One line per option that `docker run` accepts but the simulator does not model (ports, networks,
    /// detaching, stdin), saying what Docker would have done.
    pub fn not_modelled(&self) -> Vec<String> {
        let mut out = Vec::new();
        for p in &self.publish {
            out.push(format!(
                "-p {p}: accepted, not modelled here (the simulator has no network: nothing listens on a host port)"
            ));
        }
        if self.publish_all {
            out.push("-P: accepted, not modelled here (no host ports are published: the simulator has no network)".to_string());
        }
        if let Some(n) = &self.network {
            out.push(format!(
                "--network {n}: accepted, not modelled here (the simulator has no network)"
            ));
        }
        if self.detach {
            out.push("-d: accepted, not modelled here (the container runs in the foreground; docker would print its ID and return)".to_string());
        }
        if self.interactive {
            out.push(
                "-i: accepted; the simulated container's stdin is empty (nothing is typed into it)"
                    .to_string(),
            );
        }
        out
    }

    /// Reads each `--env-file` with `read` (`None`: no such file) and puts its entries before the `-e` values,
    /// as docker does; `lookup` gives a bare name's value from the client's environment.
    pub fn read_env_files(
        &mut self,
        read: &dyn Fn(&str) -> Option<Vec<u8>>,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<(), RunError> {
        let mut env = Vec::new();
        for f in &self.env_files {
            let bytes = read(f).ok_or_else(|| crate::env_file::not_found(f))?;
            env.extend(crate::env_file::parse(f, &bytes, lookup)?);
        }
        env.append(&mut self.env);
        self.env = env;
        self.env_files.clear();
        Ok(())
    }
}

/// A parsed `docker run …` line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RunLine {
    /// Everything but the image.
    pub options: RunOptions,
    /// The image reference as written.
    pub image: String,
    /// The flags the caller asked [`parse_run_words`] to accept besides docker's (`--dry-run`), with
    /// their values, in order.
    pub extra: Vec<(String, Option<String>)>,
}

/// Why a run line or a run cannot be resolved. Every one is exit code 125 in Docker ([`RunError::exit_code`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    /// A flag `docker run` does not have (or strata does not model).
    #[error("unknown flag: {0}")]
    UnknownFlag(String),
    /// An unknown one-letter flag inside a group such as `-itx`.
    #[error("unknown shorthand flag: '{flag}' in {word}")]
    UnknownShorthand {
        /// The letter.
        flag: char,
        /// The whole word it was in.
        word: String,
    },
    /// A flag that takes a value came last.
    #[error("flag needs an argument: {0}")]
    MissingValue(String),
    /// A boolean flag given a value that is not a Go boolean (`--rm=maybe`).
    #[error("invalid argument \"{value}\" for \"{flag}\" flag: strconv.ParseBool: parsing \"{value}\": invalid syntax")]
    BadBool {
        /// The flag as written.
        flag: String,
        /// The value.
        value: String,
    },
    /// The line has no image.
    #[error("\"docker run\" requires at least 1 argument.")]
    NoImage,
    /// Unbalanced quotes in the line.
    #[error("unterminated {0} quote in the run line")]
    Unterminated(char),
    /// `-e` with an empty name (`-e =x`).
    #[error("invalid argument \"{0}\" for \"-e, --env\" flag: invalid environment variable: {0}")]
    InvalidEnv(String),
    /// Neither an entrypoint nor a command is left.
    #[error("docker: Error response from daemon: No command specified.")]
    NoCommand,
    /// `-w` (or the image's WorkingDir) is not absolute.
    #[error("docker: Error response from daemon: the working directory '{0}' is invalid, it needs to be an absolute path.")]
    RelativeWorkdir(String),
    /// The user or group cannot be resolved in the image.
    #[error("docker: Error response from daemon: {0}.")]
    User(#[from] UserError),
    /// A `-v` the daemon refuses (the daemon's text, without its `docker: Error response from daemon:`).
    #[error("{0}")]
    Volume(String),
    /// An `--env-file` that cannot be read or parsed (docker's text, without `docker: `).
    #[error("{0}")]
    EnvFile(String),
    /// The image is neither in the store nor a base image, and strata cannot pull.
    #[error("Unable to find image '{0}' locally")]
    ImageNotFound(String),
    /// The line is a docker command other than `run` (`docker build .`).
    #[error("the run line takes a `docker run …` command; `docker {0}` is not one")]
    NotRun(String),
}

impl RunError {
    /// The exit status `docker run` gives for this error: 125, "the error is with Docker itself".
    pub fn exit_code(&self) -> i32 {
        125
    }

    /// What `docker run` prints on stderr for this error, every line ending in a newline (the help hint
    /// where docker gives it). [`RunError::ImageNotFound`] gets strata's own second line: it cannot pull.
    pub fn stderr(&self) -> String {
        const HINT: &str = "See 'docker run --help'.";
        match self {
            RunError::NoCommand | RunError::RelativeWorkdir(_) => format!("{self}\n{HINT}\n"),
            RunError::User(_) => format!("{self}\n"),
            RunError::Volume(m) => {
                format!("docker: Error response from daemon: {m}.\n{HINT}\n")
            }
            RunError::EnvFile(m) => format!("docker: {m}.\n{HINT}\n"),
            RunError::ImageNotFound(r) => format!(
                "Unable to find image '{r}' locally\ndocker: strata cannot pull '{r}': there is no registry here (only the images you built or loaded, and the base images).\n{HINT}\n"
            ),
            RunError::NotRun(_) => format!("{self}\n"),
            // The client's own flag errors: no `docker: ` prefix (Docker 20.10).
            RunError::UnknownFlag(_)
            | RunError::UnknownShorthand { .. }
            | RunError::MissingValue(_)
            | RunError::BadBool { .. }
            | RunError::InvalidEnv(_)
            | RunError::NoImage => format!("{self}\n{HINT}\n"),
            e => format!("docker: {e}\n{HINT}\n"),
        }
    }
}

/// Read access to the image's filesystem, for `/etc/passwd` and `/etc/group`.
pub trait ImageFiles {
    /// The content of the file at the absolute `path`, or `None` when there is none.
    fn read(&self, path: &str) -> Option<Vec<u8>>;
}

/// An image with no files (`scratch`).
impl ImageFiles for () {
    fn read(&self, _path: &str) -> Option<Vec<u8>> {
        None
    }
}

/// Which column of the CMD/ENTRYPOINT table (SEMANTICS §3.4) applied, or which `--entrypoint` case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntrypointColumn {
    /// The image has no ENTRYPOINT.
    None,
    /// Shell form: `["/bin/sh","-c","…"]` (or the image's SHELL and one string).
    Shell,
    /// Exec form: a JSON array used as is.
    Exec,
    /// `--entrypoint X` replaced it (and dropped the image's CMD).
    Override,
    /// `--entrypoint ''` removed it (and dropped the image's CMD).
    Reset,
}

/// Which row of the CMD/ENTRYPOINT table applied, or where the arguments came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CmdRow {
    /// No CMD is used (none in the image, or dropped by `--entrypoint`, and no arguments).
    None,
    /// The image's exec-form CMD.
    Exec,
    /// The image's shell-form CMD.
    Shell,
    /// The arguments after the image name (they replace the image's CMD).
    Arguments,
}

/// The rule that produced the argv: a cell of the reference table, or an `--entrypoint` case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// The column (ENTRYPOINT side).
    pub entrypoint: EntrypointColumn,
    /// The row (CMD side).
    pub cmd: CmdRow,
}

impl Rule {
    /// The cell in the words of the reference table, e.g. ``CMD ["exec_cmd","p1_cmd"]` × `ENTRYPOINT ["exec_entry","p1_entry"]``.
    pub fn describe(&self) -> String {
        let row = match self.cmd {
            CmdRow::None => "No CMD",
            CmdRow::Exec => "CMD [\"exec_cmd\",\"p1_cmd\"]",
            CmdRow::Shell => "CMD exec_cmd p1_cmd",
            CmdRow::Arguments => "arguments given to docker run (in place of CMD)",
        };
        let col = match self.entrypoint {
            EntrypointColumn::None => "No ENTRYPOINT",
            EntrypointColumn::Shell => "ENTRYPOINT exec_entry p1_entry",
            EntrypointColumn::Exec => "ENTRYPOINT [\"exec_entry\",\"p1_entry\"]",
            EntrypointColumn::Override => "--entrypoint given",
            EntrypointColumn::Reset => "--entrypoint ''",
        };
        format!("{row} × {col}")
    }
}

/// What Docker would start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Resolved {
    /// The process's argv (`Path` + `Args` in `docker inspect`).
    pub argv: Vec<String>,
    /// The process's environment, in order.
    pub env: Vec<String>,
    /// The working directory (created if missing).
    pub workdir: String,
    /// The user spec as Docker stores it in the container config (`-u`, else the image's USER; may be empty).
    pub user: String,
    /// The resolved uid.
    pub uid: u32,
    /// The resolved primary gid.
    pub gid: u32,
    /// The supplementary groups (sorted, as the kernel reports them; includes the primary gid).
    pub groups: Vec<u32>,
    /// The CMD/ENTRYPOINT rule that applied.
    pub rule: Rule,
    /// One plain-language line per decision, for a learner.
    pub explanation: Vec<String>,
}

impl Resolved {
    /// The `strata run --dry-run --format json` document:
    /// `{"argv":[…],"env":[…],"workdir":"…","user":"…","uid":…,"gid":…,"groups":[…],"rule":{…},"explanation":[…]}`.
    pub fn dry_run_json(&self) -> serde_json::Value {
        json!({
            "argv": self.argv,
            "env": self.env,
            "workdir": self.workdir,
            "user": self.user,
            "uid": self.uid,
            "gid": self.gid,
            "groups": self.groups,
            "rule": {
                "entrypoint": self.rule.entrypoint,
                "cmd": self.rule.cmd,
                "cell": self.rule.describe(),
            },
            "explanation": self.explanation,
        })
    }
}

/// Parses a `docker run` command line (`docker run --rm -e A=1 --entrypoint '' -w /x -u 0 IMG a b`), with or
/// without the leading `docker run` / `strata run` / `docker container run`, with shell-style quoting. A line
/// that is another docker command (`docker build .`) is [`RunError::NotRun`].
///
/// The flags are [`parse_run_words`]'.
pub fn parse_run_line(line: &str) -> Result<RunLine, RunError> {
    let words = split_words(line)?;
    let skip = match words
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["docker" | "strata" | "podman", "container", "run", ..] => 3,
        ["docker" | "strata" | "podman", "run", ..] => 2,
        ["docker" | "strata" | "podman", rest @ ..] => {
            return Err(RunError::NotRun(rest.join(" ")))
        }
        _ => 0,
    };
    parse_run_words(&words[skip..], &[])
}

/// How a flag of `docker run` takes its value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Takes {
    Bool,
    Value,
}

/// `docker run`'s flags that strata reads: long name, one-letter name, and whether it takes a value.
const FLAGS: &[(&str, Option<char>, Takes)] = &[
    ("rm", None, Takes::Bool),
    ("interactive", Some('i'), Takes::Bool),
    ("tty", Some('t'), Takes::Bool),
    ("detach", Some('d'), Takes::Bool),
    ("publish-all", Some('P'), Takes::Bool),
    ("env", Some('e'), Takes::Value),
    ("workdir", Some('w'), Takes::Value),
    ("user", Some('u'), Takes::Value),
    ("hostname", Some('h'), Takes::Value),
    ("entrypoint", None, Takes::Value),
    ("name", None, Takes::Value),
    ("volume", Some('v'), Takes::Value),
    ("publish", Some('p'), Takes::Value),
    ("network", None, Takes::Value),
    ("net", None, Takes::Value),
    ("env-file", None, Takes::Value),
];

/// Parses the words of `docker run` after `run` (options, the image, its arguments) as Docker's flag parser
/// reads them: `--flag=value` or `--flag value`, `-e=V`, `-eV`, `-e V`, grouped `-it`; flags stop at the image,
/// and `--` ends them too. `extra` names the caller's own long flags (`("dry-run", false)`: a flag without a
/// value; `true`: with one), returned in [`RunLine::extra`].
///
/// Flags: `-e/--env`, `--env-file`, `-w/--workdir`, `-u/--user`, `-h/--hostname`, `--entrypoint`, `--name`,
/// `-v/--volume`, `--rm`, `-i/--interactive`, `-t/--tty`; accepted and not modelled: `-d/--detach`,
/// `-p/--publish`, `-P/--publish-all`, `--network`/`--net` ([`RunOptions::not_modelled`]).
pub fn parse_run_words(words: &[String], extra: &[(&str, bool)]) -> Result<RunLine, RunError> {
    let mut opts = RunOptions::default();
    let mut found_extra = Vec::new();
    let mut rest = words.iter().cloned().peekable();
    let mut image = None;
    while let Some(word) = rest.next() {
        if word == "--" {
            image = rest.next();
            break;
        }
        if let Some(long) = word.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let flag = format!("--{name}");
            if let Some((_, takes)) = extra.iter().find(|(n, _)| *n == name) {
                let value = match (takes, inline) {
                    (true, Some(v)) => Some(v),
                    (true, None) => Some(rest.next().ok_or(RunError::MissingValue(flag))?),
                    (false, v) => v,
                };
                found_extra.push((name.to_string(), value));
                continue;
            }
            match FLAGS.iter().find(|(n, _, _)| *n == name) {
                Some((_, _, Takes::Bool)) => {
                    let on = match &inline {
                        Some(v) => go_bool(&flag, v)?,
                        None => true,
                    };
                    set_bool(&mut opts, name, on);
                }
                Some((_, _, Takes::Value)) => {
                    let value = match inline {
                        Some(v) => v,
                        None => rest.next().ok_or(RunError::MissingValue(flag))?,
                    };
                    set_value(&mut opts, name, value)?;
                }
                None => return Err(RunError::UnknownFlag(flag)),
            }
            continue;
        }
        if word.len() > 1 && word.starts_with('-') {
            let body = &word[1..];
            for (i, c) in body.char_indices() {
                let after = &body[i + c.len_utf8()..];
                match FLAGS.iter().find(|(_, short, _)| *short == Some(c)) {
                    Some((name, _, Takes::Bool)) => {
                        if let Some(v) = after.strip_prefix('=') {
                            set_bool(&mut opts, name, go_bool(&format!("-{c}"), v)?);
                            break;
                        }
                        set_bool(&mut opts, name, true);
                    }
                    Some((name, _, Takes::Value)) => {
                        let value = if after.is_empty() {
                            rest.next()
                                .ok_or_else(|| RunError::MissingValue(format!("'{c}' in -{c}")))?
                        } else {
                            after.strip_prefix('=').unwrap_or(after).to_string()
                        };
                        set_value(&mut opts, name, value)?;
                        break;
                    }
                    None => {
                        return Err(RunError::UnknownShorthand {
                            flag: c,
                            word: word.clone(),
                        })
                    }
                }
            }
            continue;
        }
        image = Some(word);
        break;
    }
    let image = image.ok_or(RunError::NoImage)?;
    opts.args = rest.collect();
    Ok(RunLine {
        options: opts,
        image,
        extra: found_extra,
    })
}

fn set_bool(opts: &mut RunOptions, name: &str, on: bool) {
    match name {
        "rm" => opts.rm = on,
        "interactive" => opts.interactive = on,
        "tty" => opts.tty = on,
        "publish-all" => opts.publish_all = on,
        _ => opts.detach = on,
    }
}

fn set_value(opts: &mut RunOptions, name: &str, value: String) -> Result<(), RunError> {
    match name {
        "env" => {
            check_env(&value)?;
            opts.env.push(value);
        }
        "workdir" => opts.workdir = Some(value),
        "user" => opts.user = Some(value),
        "hostname" => opts.hostname = Some(value),
        "entrypoint" => opts.entrypoint = Some(value),
        "volume" => opts.volumes.push(parse_volume(&value)?),
        "publish" => opts.publish.push(value),
        "network" | "net" => opts.network = Some(value),
        "env-file" => opts.env_files.push(value),
        _ => opts.name = Some(value),
    }
    Ok(())
}

fn check_env(value: &str) -> Result<(), RunError> {
    if value.split('=').next().unwrap_or("").is_empty() {
        return Err(RunError::InvalidEnv(value.to_string()));
    }
    Ok(())
}

/// Go's `strconv.ParseBool`.
fn go_bool(flag: &str, v: &str) -> Result<bool, RunError> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        _ => Err(RunError::BadBool {
            flag: flag.to_string(),
            value: v.to_string(),
        }),
    }
}

/// Splits a line into words like a POSIX shell does (quotes and backslashes; no expansion).
fn split_words(line: &str) -> Result<Vec<String>, RunError> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => cur.push(ch),
                        None => return Err(RunError::Unterminated('\'')),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch @ ('"' | '\\' | '$' | '`')) => cur.push(ch),
                            Some('\n') => {}
                            Some(ch) => {
                                cur.push('\\');
                                cur.push(ch);
                            }
                            None => return Err(RunError::Unterminated('"')),
                        },
                        Some(ch) => cur.push(ch),
                        None => return Err(RunError::Unterminated('"')),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') | None => {}
                    Some(ch) => cur.push(ch),
                }
            }
            _ => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// Resolves what `docker run` would start for an image with `config`, the options `opts`, and the image's files.
pub fn resolve(
    config: &ContainerConfig,
    opts: &RunOptions,
    files: &dyn ImageFiles,
) -> Result<Resolved, RunError> {
    resolve_explained(config, opts, files).0
}

/// [`resolve`], plus the explanation lines gathered up to the point of failure when it fails (why "No command
/// specified": which ENTRYPOINT and CMD were there and what removed them).
pub fn resolve_explained(
    config: &ContainerConfig,
    opts: &RunOptions,
    files: &dyn ImageFiles,
) -> (Result<Resolved, RunError>, Vec<String>) {
    let mut why = Vec::new();
    match resolve_into(config, opts, files, &mut why) {
        Ok(r) => (Ok(r), why),
        Err(e) => (Err(e), why),
    }
}

fn resolve_into(
    config: &ContainerConfig,
    opts: &RunOptions,
    files: &dyn ImageFiles,
    why: &mut Vec<String>,
) -> Result<Resolved, RunError> {
    let (argv, rule) = resolve_argv(config, opts, why)?;

    // User first: HOME depends on it.
    let image_user = config.user.clone().unwrap_or_default();
    let spec = match opts.user.as_deref() {
        Some(u) if !u.is_empty() => {
            why.push(format!(
                "-u {u} replaces the image's USER{}",
                show_user(&image_user)
            ));
            u.to_string()
        }
        _ => image_user,
    };
    let passwd = files.read("/etc/passwd").map(lossy);
    let group = files.read("/etc/group").map(lossy);
    let ids = users::lookup_user(&spec, passwd.as_deref(), group.as_deref())?;
    why.push(explain_user(&spec, &ids));

    let env = resolve_env(config, opts, &ids, why)?;
    let workdir = resolve_workdir(config, opts, why)?;
    Ok(Resolved {
        argv,
        env,
        workdir,
        user: spec,
        uid: ids.uid,
        gid: ids.gid,
        groups: ids.groups,
        rule,
        explanation: why.clone(),
    })
}

fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).into_owned()
}

fn show_user(u: &str) -> String {
    if u.is_empty() {
        " (none: root)".to_string()
    } else {
        format!(" ({u})")
    }
}

fn explain_user(spec: &str, ids: &UserIds) -> String {
    let who = if spec.is_empty() {
        "No user is set (so root, uid 0)".to_string()
    } else {
        format!("User `{spec}`")
    };
    let name = match &ids.name {
        Some(n) => format!(" ({n} in /etc/passwd)"),
        None => " (no /etc/passwd entry for this uid)".to_string(),
    };
    let groups: Vec<String> = ids.groups.iter().map(u32::to_string).collect();
    format!(
        "{who} resolves to uid={}{name} gid={} groups={}",
        ids.uid,
        ids.gid,
        groups.join(",")
    )
}

/// Shows a list the way a Dockerfile writes JSON: `["a","b"]`.
fn json_list(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Shows words as a command line, quoting words with spaces: `echo 'a b'`.
fn words(v: &[String]) -> String {
    v.iter()
        .map(|w| {
            if !w.is_empty() && !w.contains([' ', '\'', '"', '\t', '\n', '\\', '$']) {
                w.clone()
            } else {
                format!("'{}'", w.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a stored ENTRYPOINT/CMD came from the shell form: the image's SHELL (default `/bin/sh -c`) plus one
/// string. (An exec form written the same way is indistinguishable, and runs the same.)
fn is_shell_form(config: &ContainerConfig, list: &[String]) -> bool {
    let default = ["/bin/sh".to_string(), "-c".to_string()];
    let shell: &[String] = match &config.shell {
        Some(Some(s)) if !s.is_empty() => s,
        _ => &default,
    };
    list.len() == shell.len() + 1 && list.starts_with(shell)
}

fn resolve_argv(
    config: &ContainerConfig,
    opts: &RunOptions,
    why: &mut Vec<String>,
) -> Result<(Vec<String>, Rule), RunError> {
    let image_ep: Vec<String> = config.entrypoint.clone().flatten().unwrap_or_default();
    let image_cmd: Vec<String> = config.cmd.clone().flatten().unwrap_or_default();
    let args = &opts.args;

    let (ep, ep_col) = match opts.entrypoint.as_deref() {
        Some("") => {
            let dropped = if image_cmd.is_empty() {
                String::new()
            } else {
                format!(" and drops its CMD {}", json_list(&image_cmd))
            };
            why.push(format!(
                "--entrypoint '' removes the image's ENTRYPOINT{}{dropped}: only your arguments are run",
                if image_ep.is_empty() {
                    " (it has none)".to_string()
                } else {
                    format!(" {}", json_list(&image_ep))
                }
            ));
            (Vec::new(), EntrypointColumn::Reset)
        }
        Some(e) => {
            let mut line = format!(
                "--entrypoint {} replaces the image's ENTRYPOINT",
                words(&[e.to_string()])
            );
            if image_cmd.is_empty() {
                line.push_str(" (the image has no CMD to drop)");
            } else {
                line.push_str(&format!(" and drops its CMD {}", json_list(&image_cmd)));
            }
            why.push(line);
            if e.contains(char::is_whitespace) {
                why.push(format!(
                    "--entrypoint is one word: Docker does not split it, so it looks for a program literally named {e:?}"
                ));
            }
            (vec![e.to_string()], EntrypointColumn::Override)
        }
        None if image_ep.is_empty() => {
            why.push("The image has no ENTRYPOINT".to_string());
            (Vec::new(), EntrypointColumn::None)
        }
        None if is_shell_form(config, &image_ep) => {
            why.push(format!(
                "ENTRYPOINT is shell form {}: it runs as {}, so CMD and arguments become $0, $1… of that shell and are ignored unless the script uses them",
                json_list(&image_ep),
                words(&image_ep)
            ));
            (image_ep.clone(), EntrypointColumn::Shell)
        }
        None => {
            why.push(format!(
                "ENTRYPOINT is exec form {}, so arguments are appended to it",
                json_list(&image_ep)
            ));
            (image_ep.clone(), EntrypointColumn::Exec)
        }
    };

    let overridden = opts.entrypoint.is_some();
    let (cmd, row) = if !args.is_empty() {
        if !overridden && !image_cmd.is_empty() {
            why.push(format!(
                "CMD {} was replaced by your arguments `{}`",
                json_list(&image_cmd),
                words(args)
            ));
        } else {
            why.push(format!("Your arguments `{}` are the command", words(args)));
        }
        (args.clone(), CmdRow::Arguments)
    } else if overridden || image_cmd.is_empty() {
        if !overridden {
            why.push("The image has no CMD and you gave no arguments".to_string());
        }
        (Vec::new(), CmdRow::None)
    } else if is_shell_form(config, &image_cmd) {
        why.push(format!(
            "CMD is shell form {}{}",
            json_list(&image_cmd),
            if ep.is_empty() {
                " and is run as it is"
            } else {
                ": its words are appended to the ENTRYPOINT"
            }
        ));
        (image_cmd.clone(), CmdRow::Shell)
    } else {
        why.push(format!(
            "CMD is exec form {}{}",
            json_list(&image_cmd),
            if ep.is_empty() {
                " and is the command"
            } else {
                ": it supplies the ENTRYPOINT's default arguments"
            }
        ));
        (image_cmd.clone(), CmdRow::Exec)
    };

    let rule = Rule {
        entrypoint: ep_col,
        cmd: row,
    };
    let argv: Vec<String> = ep.into_iter().chain(cmd).collect();
    if argv.is_empty() {
        why.push(
            "Nothing is left to run: Docker refuses with \"No command specified\" (exit 125)"
                .to_string(),
        );
        return Err(RunError::NoCommand);
    }
    why.push(format!("Table cell: {}", rule.describe()));
    why.push(format!("Docker starts: {}", words(&argv)));
    Ok((argv, rule))
}

fn env_key(entry: &str) -> &str {
    entry.split('=').next().unwrap_or("")
}

fn resolve_env(
    config: &ContainerConfig,
    opts: &RunOptions,
    ids: &UserIds,
    why: &mut Vec<String>,
) -> Result<Vec<String>, RunError> {
    for e in &opts.env {
        check_env(e)?;
    }
    let image_env: Vec<String> = config.env.clone().flatten().unwrap_or_default();

    // 1. The container's env: -e values, then the image's entries no -e named.
    let mut container_env = opts.env.clone();
    container_env.extend(
        image_env
            .iter()
            .filter(|e| !opts.env.iter().any(|u| env_key(u) == env_key(e)))
            .cloned(),
    );
    for (i, e) in opts.env.iter().enumerate() {
        let key = env_key(e);
        if opts.env[i + 1..].iter().any(|later| env_key(later) == key) {
            continue; // the last -e for a name is the one that counts
        }
        let image_has = image_env.iter().find(|old| env_key(old) == key);
        let line = match (e.contains('='), image_has) {
            (true, Some(old)) => format!("-e {e} overrides the image's {old}"),
            (true, None) => continue,
            (false, old) => format!(
                "-e {e} has no value: docker would copy {e} from the shell running `docker run`; strata has no such shell, so {e} is unset{}",
                old.map(|o| format!(" (the image's {o} is removed)")).unwrap_or_default()
            ),
        };
        why.push(line);
    }

    // 2. Laid over Docker's defaults.
    let hostname = match (&opts.hostname, &opts.container_id) {
        (Some(h), _) if !h.is_empty() => h.clone(),
        (_, Some(id)) if !id.is_empty() => id.chars().take(12).collect(),
        _ => HOSTNAME_PLACEHOLDER.to_string(),
    };
    let mut defaults = vec![
        format!("PATH={DEFAULT_PATH}"),
        format!("HOSTNAME={hostname}"),
    ];
    if opts.tty {
        defaults.push("TERM=xterm".to_string());
    }
    let mut env: Vec<Option<String>> = defaults.into_iter().map(Some).collect();
    for value in container_env {
        let key = env_key(&value).to_string();
        let at = env
            .iter()
            .position(|e| e.as_deref().is_some_and(|e| env_key(e) == key));
        if !value.contains('=') {
            if let Some(i) = at {
                env[i] = None;
            }
            continue;
        }
        match at {
            Some(i) => env[i] = Some(value),
            None => env.push(Some(value)),
        }
    }
    let mut env: Vec<String> = env.into_iter().flatten().collect();
    if let Some(h) = env.iter().find(|e| env_key(e) == "HOSTNAME") {
        if *h != format!("HOSTNAME={hostname}") {
            why.push(format!(
                "{h} comes from the environment (ENV or -e), not from the container's hostname {hostname}"
            ));
        }
    }
    why.push(format!(
        "Environment: Docker's PATH and HOSTNAME{} first, your -e values next, then the image's ENV; a name set twice keeps its first place and its last value",
        if opts.tty { " (and TERM=xterm for -t)" } else { "" }
    ));

    // 3. HOME.
    match env.iter().position(|e| env_key(e) == "HOME") {
        Some(i) if env[i] != "HOME=" => {}
        at => {
            let home = format!("HOME={}", ids.home);
            why.push(format!(
                "HOME is not set, so it comes from the user's /etc/passwd entry: {home}{}",
                if ids.name.is_none() {
                    " (no entry: /)"
                } else {
                    ""
                }
            ));
            match at {
                Some(i) => env[i] = home,
                None => env.push(home),
            }
        }
    }
    Ok(env)
}

fn resolve_workdir(
    config: &ContainerConfig,
    opts: &RunOptions,
    why: &mut Vec<String>,
) -> Result<String, RunError> {
    let image_wd = config.working_dir.clone().unwrap_or_default();
    let wd = match opts.workdir.as_deref() {
        Some(w) if !w.is_empty() => {
            why.push(format!(
                "-w {w} replaces the image's WORKDIR{}",
                if image_wd.is_empty() {
                    " (none: /)".to_string()
                } else {
                    format!(" ({image_wd})")
                }
            ));
            w.to_string()
        }
        _ => image_wd,
    };
    if wd.is_empty() {
        return Ok("/".to_string());
    }
    if !wd.starts_with('/') {
        return Err(RunError::RelativeWorkdir(wd));
    }
    let clean = clean_path(&wd);
    if clean != wd {
        why.push(format!("The working directory {wd} is cleaned to {clean}"));
    }
    Ok(clean)
}

/// Go's `path.Clean` for an absolute path.
fn clean_path(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    format!("/{}", parts.join("/"))
}

/// A stable 64-hex stand-in container id for `config` and `opts`, for callers that need one without a clock
/// or randomness (Docker's ids are random; its first 12 hex are the default hostname).
pub fn stand_in_container_id(config: &ContainerConfig, opts: &RunOptions) -> String {
    let mut h = Sha256::new();
    h.update(serde_json::to_vec(config).unwrap_or_default());
    h.update(serde_json::to_vec(opts).unwrap_or_default());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The config Docker stores for a container run from an image with `image` as `opts` says (what
/// `docker commit` makes the new image's config): the daemon's merge, as observed on Docker 20.10.
/// - `Env`: the `-e` values (for a name given twice, the last, where it stands), then each image entry whose
///   name no `-e` gave (`-e PATH=/x -e B=2 -e PATH=/y` over busybox gives `["B=2","PATH=/y"]`);
/// - `Entrypoint`: `--entrypoint X` gives `["X"]`, `--entrypoint ''` gives `null`, else the image's;
/// - `Cmd`: the arguments when there are any, else `null` when `--entrypoint` was given, else the image's;
/// - `User` and `WorkingDir`: `-u` and `-w` when given, else the image's;
/// - everything else is the image's.
pub fn container_config(image: &ContainerConfig, opts: &RunOptions) -> ContainerConfig {
    let mut c = image.clone();
    if !opts.env.is_empty() {
        let given: Vec<String> = opts
            .env
            .iter()
            .enumerate()
            .filter(|(i, e)| {
                !opts.env[i + 1..]
                    .iter()
                    .any(|later| env_key(later) == env_key(e))
            })
            .map(|(_, e)| e.clone())
            .collect();
        let mut env = given.clone();
        env.extend(
            image
                .env
                .clone()
                .flatten()
                .unwrap_or_default()
                .into_iter()
                .filter(|e| !given.iter().any(|g| env_key(g) == env_key(e))),
        );
        c.env = Some(Some(env));
    }
    match opts.entrypoint.as_deref() {
        None => {}
        Some("") => c.entrypoint = Some(None),
        Some(e) => c.entrypoint = Some(Some(vec![e.to_owned()])),
    }
    if !opts.args.is_empty() {
        c.cmd = Some(Some(opts.args.clone()));
    } else if opts.entrypoint.is_some() {
        c.cmd = Some(None);
    }
    if let Some(u) = opts.user.as_ref().filter(|u| !u.is_empty()) {
        c.user = Some(u.clone());
    }
    if let Some(w) = opts.workdir.as_ref().filter(|w| !w.is_empty()) {
        c.working_dir = Some(w.clone());
    }
    c
}
