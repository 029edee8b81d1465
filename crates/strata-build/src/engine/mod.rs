//! The build engine's loop: stages in dependency order, each instruction applied to the image config, the
//! history and (for RUN, COPY, ADD, WORKDIR) the filesystem, with the build cache in front of every filesystem
//! step.
//!
//! One idea per file: `stages` resolves which stage builds on which (once), `stage` is the stage loop,
//! `state` the state of the stage being built, `metadata` the instructions that change only the config,
//! `fs_step` a filesystem step (cache lookup, layer commit), `run_step` RUN, `workdir` WORKDIR and
//! `copy_step` the one COPY/ADD path.

mod base_images;
mod copy_step;
mod fs_step;
mod metadata;
mod platform;
mod run_mounts;
mod run_step;
mod stage;
mod stages;
mod state;
mod workdir;

pub use base_images::base_images;
pub use fs_step::MAX_LAYER_DEPTH;
pub use stage::flatten;

use std::collections::BTreeMap;

use strata_dockerfile::shell::Lexer;
use strata_dockerfile::{Diagnostic, Span};
use strata_image::{Timestamp, Tree};

use crate::backend::{Backend, Context, ImageSource};
use crate::cache::Cache;
use crate::dockerignore::DockerIgnore;
use crate::history::HistoryStyle;
use crate::image::BuiltImage;
use crate::time::format_rfc3339;
use crate::{users, BuildError};

use self::stage::StageResult;
use self::state::State;

/// The PATH every stage gets when its image has none (BuildKit, Linux).
pub const DEFAULT_PATH: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The hostname RUN steps see under BuildKit.
pub const BUILD_HOSTNAME: &str = "buildkitsandbox";

/// What to build.
pub struct BuildRequest<'a> {
    /// The Dockerfile's text.
    pub dockerfile: &'a str,
    /// The build context.
    pub context: &'a dyn Context,
    /// `.dockerignore` text (the caller picks `<Dockerfile>.dockerignore` or `.dockerignore`).
    pub dockerignore: Option<&'a str>,
    /// `--build-arg` values, in order.
    pub build_args: Vec<(String, String)>,
    /// `--target`: the stage to build (default: the last).
    pub target: Option<String>,
    /// `--no-cache`.
    pub no_cache: bool,
    /// The build's clock: `created` times and the mtime of everything RUN and WORKDIR write.
    pub now: Timestamp,
    /// Which builder's history text to write.
    pub style: HistoryStyle,
    /// Secrets a `RUN --mount=type=secret,id=ID` can read (`--secret id=ID,src=FILE`): (id, content).
    /// They are never in a layer, the cache key or the history.
    pub secrets: Vec<(String, Vec<u8>)>,
}

impl<'a> BuildRequest<'a> {
    /// A plain `docker build` of `dockerfile` in `context` at `now`: no `.dockerignore`, build args,
    /// target, secrets or `--no-cache`, BuildKit's history. Set the fields to change any of it.
    pub fn new(dockerfile: &'a str, context: &'a dyn Context, now: Timestamp) -> BuildRequest<'a> {
        BuildRequest {
            dockerfile,
            context,
            dockerignore: None,
            build_args: Vec::new(),
            target: None,
            no_cache: false,
            now,
            style: HistoryStyle::Buildkit,
            secrets: Vec::new(),
        }
    }
}

/// Whether a filesystem step came from the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheStatus {
    /// Reused (`CACHED` in BuildKit's progress).
    Hit,
    /// Executed, and why.
    Miss(String),
    /// Executed (or about to be) and failed: the build stops here (`ERROR` in BuildKit's progress).
    Failed,
    /// A metadata instruction: changes only the config, never cached on its own.
    Metadata,
}

/// One instruction as the build went through it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The stage's display name (`stage-0`, or its `AS` name).
    pub stage: String,
    /// The instruction text as progress shows it (`RUN mkdir /x`, `FROM busybox`).
    pub text: String,
    /// Its span in the Dockerfile.
    pub span: Span,
    /// BuildKit's `[n/total]` numbering within the stage, for filesystem steps and FROM.
    pub vertex: Option<(usize, usize)>,
    /// The classic builder's `Step n/total` numbering over the whole file.
    pub classic: (usize, usize),
    /// Cache outcome.
    pub cache: CacheStatus,
    /// Output of a RUN.
    pub stdout: Vec<u8>,
    /// Error output of a RUN.
    pub stderr: Vec<u8>,
    /// What the simulator or the builder wants the user to know about this step.
    pub notes: Vec<String>,
    /// The index in the image's layers of the layer this step added.
    pub layer: Option<usize>,
}

/// A finished build.
#[derive(Debug, Clone)]
pub struct BuildOutput {
    /// The target stage's image.
    pub image: BuiltImage,
    /// Every step, in execution order.
    pub steps: Vec<Step>,
    /// Warnings from the parser and lowering (the linter's are separate).
    pub warnings: Vec<Diagnostic>,
}

/// A failed build: the error, and the steps that ran before it (with the failing one last).
#[derive(Debug, Clone)]
pub struct BuildFailure {
    /// What went wrong.
    pub error: Box<BuildError>,
    /// The steps up to and including the failing one.
    pub steps: Vec<Step>,
}

/// Builds `req`: parses, lowers, then runs the needed stages with `backend`, finding images in `store` and
/// reusing results from `cache`.
pub fn build(
    req: &BuildRequest<'_>,
    backend: &mut dyn Backend,
    store: &dyn ImageSource,
    cache: &mut Cache,
) -> Result<BuildOutput, BuildFailure> {
    build_observed(req, backend, store, cache, &mut crate::observer::NoObserver)
}

/// [`build`], telling `observer` about each step as it starts and ends and about a RUN's output as it
/// comes.
pub fn build_observed(
    req: &BuildRequest<'_>,
    backend: &mut dyn Backend,
    store: &dyn ImageSource,
    cache: &mut Cache,
    observer: &mut dyn crate::observer::BuildObserver,
) -> Result<BuildOutput, BuildFailure> {
    let mut b = Builder {
        req,
        backend,
        store,
        cache,
        observer,
        steps: Vec::new(),
        done: BTreeMap::new(),
        ignore: None,
        lexer: Lexer::new('\\'),
        classic_total: 0,
        classic_n: 0,
        warnings: Vec::new(),
        from_notes: Vec::new(),
    };
    match b.run() {
        Ok((image, warnings)) => Ok(BuildOutput {
            image,
            steps: b.steps,
            warnings,
        }),
        Err(error) => Err(BuildFailure {
            error: Box::new(error),
            steps: b.steps,
        }),
    }
}

struct Builder<'a, 'r> {
    req: &'a BuildRequest<'r>,
    backend: &'a mut dyn Backend,
    store: &'a dyn ImageSource,
    cache: &'a mut Cache,
    observer: &'a mut dyn crate::observer::BuildObserver,
    steps: Vec<Step>,
    done: BTreeMap<usize, StageResult>,
    ignore: Option<DockerIgnore>,
    lexer: Lexer,
    classic_total: usize,
    classic_n: usize,
    /// Warnings found while building (a base image substituted for a tag the source does not have).
    warnings: Vec<Diagnostic>,
    /// Notes for the next FROM step.
    from_notes: Vec<String>,
}

/// The warning code of a FROM whose tag the image source does not have, given another version instead.
pub const SUBSTITUTED_BASE: &str = "SD0090";

/// The warning code of a FROM of an image the source does not know, built on as an empty, unknown base
/// (the simulator's preview: [`crate::ImageSource::stands_in_for_unknown`]).
pub const UNKNOWN_BASE: &str = "SD0091";

pub use platform::OTHER_PLATFORM;

fn read_text(tree: &Tree, path: &str) -> Option<String> {
    let c = tree.read(path).ok()?;
    Some(String::from_utf8_lossy(&c.bytes()).into_owned())
}

/// Where a `$name` or `${…}` reference starting at `s[0] == '$'` ends.
fn var_end(s: &str) -> usize {
    let b = s.as_bytes();
    if b.len() < 2 {
        return b.len();
    }
    if b[1] == b'{' {
        let mut depth = 0;
        for (i, &c) in b.iter().enumerate().skip(1) {
            match c {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            }
        }
        return b.len();
    }
    let n = b[1..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
        .count();
    if n == 0 {
        // A lone `$` (or `$1`-style special): keep it literally.
        1.max(if b[1].is_ascii_digit() { 2 } else { 1 })
    } else {
        1 + n
    }
}

impl Builder<'_, '_> {
    /// Records a step and tells the observer it is done.
    fn push_step(&mut self, step: Step) {
        self.observer.done(&step);
        self.steps.push(step);
    }

    fn build_arg(&self, key: &str) -> Option<String> {
        self.req
            .build_args
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    fn created(&self) -> String {
        format_rfc3339(self.req.now.secs, self.req.now.nanos)
    }

    fn expand(&self, st: &State, word: &str, span: Span) -> Result<String, BuildError> {
        let env = st.expansion_env();
        self.lexer
            .process_word(word, env)
            .map_err(|e| BuildError::at(span, e.message))
    }

    /// Heredoc bodies of COPY/ADD with an unquoted delimiter: expanded, quotes kept.
    fn expand_raw(&self, st: &State, body: &str) -> String {
        let env = st.expansion_env();
        let mut out = String::with_capacity(body.len());
        let mut rest = body;
        while let Some(i) = rest.find('$') {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            // Expand one `$name` / `${…}` through the word expander, with quotes protected.
            let end = var_end(tail);
            let piece = &tail[..end];
            match self.lexer.process_word(piece, env) {
                Ok(v) => out.push_str(&v),
                Err(_) => out.push_str(piece),
            }
            rest = &tail[end..];
        }
        out.push_str(rest);
        out
    }

    /// A step's text with its variables expanded (quotes kept or removed) and its keyword in capitals, as
    /// BuildKit's progress names the vertex; the text as written when it does not expand.
    fn vertex_name(&self, st: &State, text: String, raw_quotes: bool) -> String {
        let lexer = Lexer {
            raw_quotes,
            ..self.lexer
        };
        let expanded = lexer
            .process_word(&text, st.expansion_env())
            .unwrap_or(text);
        match expanded.split_once(' ') {
            Some((keyword, rest)) => format!("{} {rest}", keyword.to_uppercase()),
            None => expanded.to_uppercase(),
        }
    }

    fn source_text(&self, span: Span) -> String {
        let text = self
            .req
            .dockerfile
            .get(span.start..span.end)
            .unwrap_or_default();
        let mut out = String::new();
        for line in text.lines() {
            let t = line.trim();
            if t.starts_with('#') {
                continue;
            }
            let t = t.strip_suffix('\\').unwrap_or(t).trim_end();
            if !out.is_empty() && !t.is_empty() {
                out.push(' ');
            }
            out.push_str(t);
        }
        out
    }

    /// The uid/gid a RUN or WORKDIR runs as: USER resolved in the image's /etc/passwd and /etc/group.
    fn ids_for_user(&self, st: &State, span: Span) -> Result<(u32, u32), BuildError> {
        self.user_ids(st, span).map(|(uid, gid, _, _)| (uid, gid))
    }

    /// USER resolved in the image's /etc/passwd and /etc/group: uid, gid and home (`/` when the user has
    /// no entry, `/root` for root by default). On an unknown base, whose users are not known, a name that
    /// does not resolve is taken as root rather than failing the step.
    fn user_ids(&self, st: &State, span: Span) -> Result<(u32, u32, String, Vec<u32>), BuildError> {
        let user = st.user();
        let passwd = read_text(&st.tree, "/etc/passwd");
        let group = read_text(&st.tree, "/etc/group");
        let spec = if user.is_empty() { "0" } else { user.as_str() };
        match users::lookup_user(spec, passwd.as_deref(), group.as_deref()) {
            Ok(u) => Ok((u.uid, u.gid, u.home, u.build_groups)),
            Err(_) if st.unknown_base.is_some() => Ok((0, 0, "/root".to_owned(), Vec::new())),
            Err(e) => Err(BuildError::at(span, e.to_string())),
        }
    }
}
