//! The typed instructions of a stage (BuildKit's `instructions/commands.go`).
//!
//! Values are kept as written (raw [`Word`]s with their spans): expansion of `$VAR` happens at build time
//! against the environment of the moment, so this layer only records what to expand. Each type that BuildKit
//! expands has an `expand` method taking the expander as a closure (BuildKit's `SingleWordExpander`), so the
//! builder decides the environment and this layer never sees one.

use std::time::Duration;

use crate::ast::{Heredoc, Word};
use crate::Span;

/// An expander of one word: `$VAR` references in, the expanded text out (BuildKit's `SingleWordExpander`).
///
/// The builder passes e.g. `&mut |w| lexer.process_word(w, &env)`.
pub type Expander<'a, E> = &'a mut dyn FnMut(&str) -> Result<String, E>;

/// One instruction inside a stage. `FROM` starts a [`super::Stage`] instead; everything else is a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `ENV key=value ...` or the legacy `ENV key value`.
    Env(Env),
    /// `LABEL key=value ...`.
    Label(Label),
    /// `ARG name[=default] ...` inside a stage.
    Arg(Arg),
    /// `RUN [--mount=...] [--network=...] [--security=...] command` (shell or exec form).
    Run(Run),
    /// `CMD command` (shell or exec form).
    Cmd(Cmd),
    /// `ENTRYPOINT command` (shell or exec form).
    Entrypoint(Entrypoint),
    /// `COPY [--from=...] [--chown=...] [--chmod=...] [--link] [--parents] [--exclude=...] <src>... <dest>`.
    Copy(Copy),
    /// `ADD [--chown=...] [--chmod=...] [--link] [--keep-git-dir] [--checksum=...] [--unpack] <src>... <dest>`.
    Add(Add),
    /// `EXPOSE port[/proto] ...`.
    Expose(Expose),
    /// `VOLUME path ...` or `VOLUME ["path", ...]`.
    Volume(Volume),
    /// `USER user[:group]`.
    User(User),
    /// `WORKDIR path`.
    Workdir(Workdir),
    /// `STOPSIGNAL signal`.
    StopSignal(StopSignal),
    /// `HEALTHCHECK [options] CMD command` or `HEALTHCHECK NONE`.
    Healthcheck(Healthcheck),
    /// `SHELL ["executable", "param", ...]`.
    Shell(Shell),
    /// `MAINTAINER name` (deprecated).
    Maintainer(Maintainer),
    /// `ONBUILD <instruction>`: a trigger stored in the image, run by images built `FROM` it.
    OnBuild(OnBuild),
}

impl Command {
    /// The span of the whole instruction in the source.
    pub fn span(&self) -> Span {
        match self {
            Command::Env(c) => c.span,
            Command::Label(c) => c.span,
            Command::Arg(c) => c.span,
            Command::Run(c) => c.span,
            Command::Cmd(c) => c.span,
            Command::Entrypoint(c) => c.span,
            Command::Copy(c) => c.span,
            Command::Add(c) => c.span,
            Command::Expose(c) => c.span,
            Command::Volume(c) => c.span,
            Command::User(c) => c.span,
            Command::Workdir(c) => c.span,
            Command::StopSignal(c) => c.span,
            Command::Healthcheck(c) => c.span,
            Command::Shell(c) => c.span,
            Command::Maintainer(c) => c.span,
            Command::OnBuild(c) => c.span,
        }
    }

    /// The instruction keyword in upper case (`ENV`, `RUN`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Env(_) => "ENV",
            Command::Label(_) => "LABEL",
            Command::Arg(_) => "ARG",
            Command::Run(_) => "RUN",
            Command::Cmd(_) => "CMD",
            Command::Entrypoint(_) => "ENTRYPOINT",
            Command::Copy(_) => "COPY",
            Command::Add(_) => "ADD",
            Command::Expose(_) => "EXPOSE",
            Command::Volume(_) => "VOLUME",
            Command::User(_) => "USER",
            Command::Workdir(_) => "WORKDIR",
            Command::StopSignal(_) => "STOPSIGNAL",
            Command::Healthcheck(_) => "HEALTHCHECK",
            Command::Shell(_) => "SHELL",
            Command::Maintainer(_) => "MAINTAINER",
            Command::OnBuild(_) => "ONBUILD",
        }
    }
}

/// A `key=value` pair of `ENV` or `LABEL`, as written (quotes and escapes still in the value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    /// The name.
    pub key: Word,
    /// The raw value: `ProcessWord` at build time removes quotes and expands variables.
    pub value: Word,
    /// True for the legacy `ENV key value` form (no `=`): the whole rest of the line is the value.
    pub legacy: bool,
}

impl KeyValue {
    /// The pair with key and value expanded.
    pub fn expand<E>(&self, expander: Expander<'_, E>) -> Result<(String, String), E> {
        Ok((expander(&self.key.text)?, expander(&self.value.text)?))
    }
}

/// `ENV key=value ...`: sets variables in the image config and for every later instruction.
///
/// Each value is expanded against the environment as it was *before* this instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Env {
    /// The pairs in written order.
    pub pairs: Vec<KeyValue>,
    /// True if written in the legacy `ENV key value` form.
    pub legacy: bool,
    /// The whole instruction.
    pub span: Span,
}

/// `LABEL key=value ...`: metadata in the image config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The pairs in written order.
    pub pairs: Vec<KeyValue>,
    /// True if written in the legacy `LABEL key value` form.
    pub legacy: bool,
    /// The whole instruction.
    pub span: Span,
}

/// One `name[=default]` of an `ARG` instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgDecl {
    /// The name.
    pub key: String,
    /// The raw default (quotes kept), if the word had `=`.
    pub value: Option<String>,
    /// The `name[=default]` word.
    pub span: Span,
}

impl ArgDecl {
    /// The default value expanded, if there is one.
    pub fn expand_value<E>(&self, expander: Expander<'_, E>) -> Result<Option<String>, E> {
        self.value.as_deref().map(expander).transpose()
    }
}

/// `ARG name[=default] ...` inside a stage: declares build arguments visible from here on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    /// The declarations in written order.
    pub args: Vec<ArgDecl>,
    /// The whole instruction.
    pub span: Span,
}

/// How a command line was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShellOrExec {
    /// Shell form: one string, run as `<SHELL> "<string>"` (default `/bin/sh -c`). May be empty.
    Shell(Word),
    /// Exec (JSON) form: the argv, used as given; no variable expansion by anyone.
    Exec(Vec<Word>),
}

impl ShellOrExec {
    /// True for the shell form.
    pub fn is_shell(&self) -> bool {
        matches!(self, ShellOrExec::Shell(_))
    }

    /// The words as written: one for the shell form, each element for the exec form.
    pub fn words(&self) -> &[Word] {
        match self {
            ShellOrExec::Shell(w) => std::slice::from_ref(w),
            ShellOrExec::Exec(ws) => ws,
        }
    }

    /// The argv to run, given the stage's shell (`SHELL`, or `["/bin/sh", "-c"]`): the shell form gets the shell
    /// prepended, the exec form is returned as is.
    pub fn argv(&self, shell: &[String]) -> Vec<String> {
        match self {
            ShellOrExec::Shell(w) => {
                let mut v = shell.to_vec();
                v.push(w.text.to_string());
                v
            }
            ShellOrExec::Exec(ws) => ws.iter().map(|w| w.text.to_string()).collect(),
        }
    }
}

/// The shell used for shell-form commands when no `SHELL` instruction set one (Linux).
pub const DEFAULT_SHELL: [&str; 2] = ["/bin/sh", "-c"];

/// `RUN --mount=type=...` options (BuildKit's `runmount.go`), values as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// `bind` (default), `cache`, `tmpfs`, `secret` or `ssh`.
    pub kind: MountKind,
    /// Every `key[=value]` field in written order, keys lower-cased, values raw (expanded at build time).
    pub fields: Vec<(String, Option<String>)>,
    /// Index of the stage named by `from=`, when it names an earlier stage of this file.
    pub from_stage: Option<usize>,
    /// The `--mount=...` flag word.
    pub span: Span,
}

impl Mount {
    /// The raw value of the last `key=value` field named `key` (aliases are not merged).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.as_deref())
    }

    /// The mount target (`target`, `dst` or `destination`).
    pub fn target(&self) -> Option<&str> {
        self.get("target")
            .or_else(|| self.get("dst"))
            .or_else(|| self.get("destination"))
    }

    /// The `from=` value (a stage name, stage index or image).
    pub fn from(&self) -> Option<&str> {
        self.get("from")
    }

    /// The same mount with every field value expanded (BuildKit expands mount options at build time).
    pub fn expand<E>(&self, expander: Expander<'_, E>) -> Result<Mount, E> {
        let mut fields = Vec::with_capacity(self.fields.len());
        for (k, v) in &self.fields {
            let v = match v {
                Some(v) if k != "type" => Some(expander(v)?),
                other => other.clone(),
            };
            fields.push((k.clone(), v));
        }
        Ok(Mount {
            fields,
            ..self.clone()
        })
    }
}

/// The type of a `RUN --mount`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MountKind {
    /// A read-only view of the context or of another stage/image (`from=`).
    Bind,
    /// A persistent cache directory shared between builds.
    Cache,
    /// An empty in-memory directory.
    Tmpfs,
    /// A secret file (or env variable) provided by the build client.
    Secret,
    /// Access to the client's SSH agent.
    Ssh,
}

impl MountKind {
    /// The name as written in `type=`.
    pub fn as_str(self) -> &'static str {
        match self {
            MountKind::Bind => "bind",
            MountKind::Cache => "cache",
            MountKind::Tmpfs => "tmpfs",
            MountKind::Secret => "secret",
            MountKind::Ssh => "ssh",
        }
    }
}

/// `RUN --network=...`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkMode {
    /// The build's default network.
    Default,
    /// No network at all.
    None,
    /// The host's network (needs the `network.host` entitlement).
    Host,
}

/// `RUN --security=...`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityMode {
    /// The default sandbox.
    Sandbox,
    /// Privileged (needs the `security.insecure` entitlement).
    Insecure,
}

/// `RUN [options] command`: runs a command in a container and commits the changes as a layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The command.
    pub cmd: ShellOrExec,
    /// `--mount` options in written order.
    pub mounts: Vec<Mount>,
    /// `--network`, if given.
    pub network: Option<NetworkMode>,
    /// `--security`, if given.
    pub security: Option<SecurityMode>,
    /// `--device` values (Dockerfile labs), raw.
    pub devices: Vec<Word>,
    /// Here-documents (`RUN <<EOF`), bodies as written.
    pub heredocs: Vec<Heredoc>,
    /// The whole instruction.
    pub span: Span,
}

/// `CMD command`: the default command (or default arguments of the ENTRYPOINT) of containers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cmd {
    /// The command.
    pub cmd: ShellOrExec,
    /// The whole instruction.
    pub span: Span,
}

/// `ENTRYPOINT command`: the program containers run; CMD and `docker run` arguments are appended to an
/// exec-form entrypoint. An empty exec form (`ENTRYPOINT []`) clears it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entrypoint {
    /// The command.
    pub cmd: ShellOrExec,
    /// The whole instruction.
    pub span: Span,
}

/// A here-document used as a COPY/ADD source (`COPY <<EOF /dest`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceContent {
    /// The file name (the heredoc delimiter).
    pub path: String,
    /// The body, leading tabs already removed for `<<-`.
    pub data: String,
    /// True when the delimiter was unquoted: the body is expanded (quotes kept) at build time.
    pub expand: bool,
}

/// Sources and destination shared by COPY and ADD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcesAndDest {
    /// Source paths (or URLs, git refs for ADD), raw.
    pub sources: Vec<Word>,
    /// Here-document sources.
    pub contents: Vec<SourceContent>,
    /// The destination, raw; a trailing `/` means a directory.
    pub dest: Word,
}

impl SourcesAndDest {
    fn expand<E>(&self, expander: Expander<'_, E>) -> Result<SourcesAndDest, E> {
        let mut sources = Vec::with_capacity(self.sources.len());
        for s in &self.sources {
            sources.push(expand_word(s, expander)?);
        }
        Ok(SourcesAndDest {
            sources,
            contents: self.contents.clone(),
            dest: expand_word(&self.dest, expander)?,
        })
    }
}

/// `COPY [options] <src>... <dest>`: copies files from the context, a stage or an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copy {
    /// Sources, heredocs and destination.
    pub files: SourcesAndDest,
    /// `--from`: a stage name, a stage index, or an image reference (never expanded).
    pub from: Option<Word>,
    /// Index of the stage `--from` names, when it names an earlier stage of this file.
    pub from_stage: Option<usize>,
    /// `--chown=user[:group]`.
    pub chown: Option<Word>,
    /// `--chmod=mode`.
    pub chmod: Option<Word>,
    /// `--link`.
    pub link: bool,
    /// `--parents`.
    pub parents: bool,
    /// `--exclude` patterns (never expanded).
    pub exclude: Vec<Word>,
    /// The whole instruction.
    pub span: Span,
}

impl Copy {
    /// The same command with sources, destination, `--chown` and `--chmod` expanded (as BuildKit's `Expand`).
    pub fn expand<E>(&self, expander: Expander<'_, E>) -> Result<Copy, E> {
        Ok(Copy {
            files: self.files.expand(expander)?,
            chown: self
                .chown
                .as_ref()
                .map(|w| expand_word(w, expander))
                .transpose()?,
            chmod: self
                .chmod
                .as_ref()
                .map(|w| expand_word(w, expander))
                .transpose()?,
            ..self.clone()
        })
    }
}

/// `ADD [options] <src>... <dest>`: like COPY, plus URLs, git repositories and local archive extraction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Add {
    /// Sources, heredocs and destination.
    pub files: SourcesAndDest,
    /// `--chown=user[:group]`.
    pub chown: Option<Word>,
    /// `--chmod=mode`.
    pub chmod: Option<Word>,
    /// `--link`.
    pub link: bool,
    /// `--keep-git-dir`.
    pub keep_git_dir: bool,
    /// `--checksum=...`.
    pub checksum: Option<Word>,
    /// `--unpack[=bool]`, if given (default: local archives are unpacked, remote ones are not).
    pub unpack: Option<bool>,
    /// `--exclude` patterns.
    pub exclude: Vec<Word>,
    /// The whole instruction.
    pub span: Span,
}

impl Add {
    /// The same command with sources, destination, `--chown`, `--chmod` and `--checksum` expanded.
    pub fn expand<E>(&self, expander: Expander<'_, E>) -> Result<Add, E> {
        Ok(Add {
            files: self.files.expand(expander)?,
            chown: self
                .chown
                .as_ref()
                .map(|w| expand_word(w, expander))
                .transpose()?,
            chmod: self
                .chmod
                .as_ref()
                .map(|w| expand_word(w, expander))
                .transpose()?,
            checksum: self
                .checksum
                .as_ref()
                .map(|w| expand_word(w, expander))
                .transpose()?,
            ..self.clone()
        })
    }
}

/// `EXPOSE port[/proto] ...`: ports documented in the image config.
///
/// Ports are kept in written order (BuildKit sorts them for the history entry). At build time each word is
/// expanded with `ProcessWords`, so one word may become several ports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expose {
    /// The raw port words.
    pub ports: Vec<Word>,
    /// The whole instruction.
    pub span: Span,
}

/// `VOLUME path ...`: mount points recorded in the image config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    /// The paths, trimmed, raw.
    pub volumes: Vec<Word>,
    /// The whole instruction.
    pub span: Span,
}

impl Volume {
    /// The paths expanded.
    pub fn expand<E>(&self, expander: Expander<'_, E>) -> Result<Vec<String>, E> {
        self.volumes.iter().map(|w| expander(&w.text)).collect()
    }
}

/// `USER user[:group]`: the user for later RUN, CMD and ENTRYPOINT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The whole rest of the line, raw.
    pub user: Word,
    /// The whole instruction.
    pub span: Span,
}

/// `WORKDIR path`: the working directory, created if missing; relative paths are relative to the previous one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workdir {
    /// The whole rest of the line, raw (a `#` in it is part of the path).
    pub path: Word,
    /// The whole instruction.
    pub span: Span,
}

/// `STOPSIGNAL signal`: the signal `docker stop` sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StopSignal {
    /// The signal name or number, raw.
    pub signal: Word,
    /// The whole instruction.
    pub span: Span,
}

/// `MAINTAINER name`: sets the image `author` (deprecated in favour of a label).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Maintainer {
    /// The whole rest of the line.
    pub name: Word,
    /// The whole instruction.
    pub span: Span,
}

/// `SHELL ["executable", "param", ...]`: the shell prepended to later shell-form commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shell {
    /// The shell argv.
    pub shell: Vec<Word>,
    /// The whole instruction.
    pub span: Span,
}

/// What a HEALTHCHECK tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthTest {
    /// `HEALTHCHECK NONE`: disable a check inherited from the base image (`Test: ["NONE"]`).
    None,
    /// `HEALTHCHECK CMD ...`: the shell form is stored as `CMD-SHELL`, the exec form as `CMD`.
    Cmd(ShellOrExec),
}

/// `HEALTHCHECK [--interval=...] [--timeout=...] [--start-period=...] [--start-interval=...] [--retries=N] CMD ...`.
///
/// Durations are `None` when not given (or given as zero), which BuildKit stores as 0: "inherit the default".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Healthcheck {
    /// The test.
    pub test: HealthTest,
    /// `--interval`.
    pub interval: Option<Duration>,
    /// `--timeout`.
    pub timeout: Option<Duration>,
    /// `--start-period`.
    pub start_period: Option<Duration>,
    /// `--start-interval`.
    pub start_interval: Option<Duration>,
    /// `--retries`, if given.
    pub retries: Option<u32>,
    /// The whole instruction.
    pub span: Span,
}

/// `ONBUILD <instruction>`: stored in the image config, run at the start of builds `FROM` this image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnBuild {
    /// The trigger as BuildKit stores it: the original line without `ONBUILD`, plus any heredoc bodies.
    pub trigger: String,
    /// The trigger's instruction keyword in upper case (`RUN`, `COPY`, …).
    pub instruction: String,
    /// The whole instruction.
    pub span: Span,
}

fn expand_word<E>(w: &Word, expander: Expander<'_, E>) -> Result<Word, E> {
    Ok(Word {
        text: expander(&w.text)?.into(),
        span: w.span,
    })
}
