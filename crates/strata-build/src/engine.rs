//! The build loop: stages in dependency order, each instruction applied to the image config, the history
//! and (for RUN, COPY, ADD, WORKDIR) the filesystem, with the build cache in front of every filesystem step.

use std::collections::BTreeMap;
use std::sync::Arc;

use strata_dockerfile::instructions::{
    self, ArgDecl, Command, HealthTest, Lowered, ShellOrExec, Stage, DEFAULT_SHELL,
};
use strata_dockerfile::shell::Lexer;
use strata_dockerfile::{Diagnostic, Span};
use strata_image::image::{
    ContainerConfig, EmptyObject, Healthcheck, History, ImageConfig, RootFs,
};
use strata_image::{Attrs, Digest, NodeKind, Overlay, Timestamp, Tree};

use crate::backend::{Backend, BaseImage, Context, RunRequest, Store};
use crate::cache::{Cache, CachedStep, StepInputs};
use crate::copy::{self, Chmod, CopyOp};
use crate::dockerignore::DockerIgnore;
use crate::env::{EntryIndex, OrderedEnv};
use crate::history::{self, HistoryStyle, BUILDKIT_COMMENT};
use crate::image::{BuiltImage, Layer};
use crate::progress;
use crate::time::format_rfc3339;
use crate::{users, BuildError};

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
    store: &dyn Store,
    cache: &mut Cache,
) -> Result<BuildOutput, BuildFailure> {
    let mut b = Builder {
        req,
        backend,
        store,
        cache,
        steps: Vec::new(),
        done: BTreeMap::new(),
        ignore: None,
        lexer: Lexer::new('\\'),
        classic_total: 0,
        classic_n: 0,
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
    store: &'a dyn Store,
    cache: &'a mut Cache,
    steps: Vec<Step>,
    done: BTreeMap<usize, StageResult>,
    ignore: Option<DockerIgnore>,
    lexer: Lexer,
    classic_total: usize,
    classic_n: usize,
}

/// A built stage, as later stages use it.
#[derive(Clone)]
struct StageResult {
    image: BuiltImage,
    run_env: Vec<(String, String)>,
    key: Option<Digest>,
    onbuild: Vec<String>,
    /// Whether its last filesystem step ran (not cached) in this build.
    last_ran: bool,
}

/// The state of the stage being built.
struct State {
    name: String,
    config: ImageConfig,
    layers: Vec<Layer>,
    tree: Arc<Tree>,
    /// Cache key of the filesystem so far.
    key: Option<Digest>,
    /// Build args declared in the stage, in declaration order; a redeclared one appears twice (as in
    /// BuildKit's `|N` history prefix).
    args: Vec<String>,
    /// The environment RUN steps see and words are expanded against: the image's Env, then ENV and ARG
    /// values in the order they were first set (BuildKit's LLB state env). A child stage inherits it.
    run_env: OrderedEnv,
    /// Where each key of the config's Env list is (so ENV is not a scan of every earlier variable).
    env_index: EntryIndex,
    cmd_set: bool,
    /// The `created` time of the latest history entry: a metadata instruction takes it, a filesystem step
    /// sets it (its own time, or its cached one), as BuildKit does; so an all-cached rebuild gives the same
    /// image ID.
    last_created: String,
    vertex: usize,
    vertex_total: usize,
    /// Filesystem steps so far (the cache position).
    position: usize,
    /// Whether the step the next one builds on ran in this build (rather than coming from the cache or
    /// being the base image): only then can a miss say the previous step changed.
    parent_ran: bool,
}

impl State {
    fn cc(&mut self) -> &mut ContainerConfig {
        self.config
            .config
            .get_or_insert_with(ContainerConfig::default)
    }

    /// The config's Env list.
    fn env(&self) -> &[String] {
        self.config
            .config
            .as_ref()
            .and_then(|c| c.env.as_ref())
            .and_then(|e| e.as_deref())
            .unwrap_or_default()
    }

    fn set_run_env(&mut self, key: &str, value: &str) {
        self.run_env.set(key, value);
    }

    /// ENV: sets the variable for later steps and in the config's Env (in place when it is there).
    fn set_env(&mut self, key: &str, value: &str) {
        self.set_run_env(key, value);
        let cc = self
            .config
            .config
            .get_or_insert_with(ContainerConfig::default);
        let env = cc.env.get_or_insert(None).get_or_insert_with(Vec::new);
        self.env_index.set(env, key, value);
    }

    fn shell(&self) -> Vec<String> {
        self.config
            .config
            .as_ref()
            .and_then(|c| c.shell.clone().flatten())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| DEFAULT_SHELL.iter().map(|s| s.to_string()).collect())
    }

    fn workdir(&self) -> String {
        self.config
            .config
            .as_ref()
            .and_then(|c| c.working_dir.clone())
            .filter(|w| !w.is_empty())
            .unwrap_or_else(|| "/".to_owned())
    }

    fn user(&self) -> String {
        self.config
            .config
            .as_ref()
            .and_then(|c| c.user.clone())
            .unwrap_or_default()
    }

    /// Variables for builder-side expansion and for RUN.
    fn expansion_env(&self) -> &OrderedEnv {
        &self.run_env
    }

    /// The declared build args with their current values (ENV overriding), in declaration order: BuildKit's
    /// `runCommandString` prefix.
    fn args_in_effect(&self) -> Vec<(String, String)> {
        self.args
            .iter()
            .map(|k| {
                let v = self.run_env.value(k).unwrap_or_default().to_owned();
                (k.clone(), v)
            })
            .collect()
    }

    fn push_history(
        &mut self,
        created: &str,
        created_by: String,
        empty: bool,
        style: HistoryStyle,
    ) {
        self.config.history.push(History {
            created: Some(created.to_owned()),
            created_by: Some(created_by),
            comment: (style == HistoryStyle::Buildkit).then(|| BUILDKIT_COMMENT.to_owned()),
            empty_layer: empty,
            ..History::default()
        });
    }

    fn push_layer(&mut self, layer: Layer, tree: Arc<Tree>) -> usize {
        self.config.rootfs.diff_ids.push(layer.diff_id);
        self.layers.push(layer);
        self.tree = tree;
        self.layers.len() - 1
    }
}

impl<'r> Builder<'_, 'r> {
    fn run(&mut self) -> Result<(BuiltImage, Vec<Diagnostic>), BuildError> {
        let parsed = strata_dockerfile::parse(self.req.dockerfile);
        self.lexer = Lexer::new(parsed.ast.escape);
        let lowered = instructions::lower(&parsed.ast);
        let mut warnings: Vec<Diagnostic> = Vec::new();
        for d in parsed.diagnostics.iter().chain(lowered.diagnostics.iter()) {
            if d.is_error() {
                return Err(BuildError {
                    message: d.message.clone(),
                    span: Some(d.span),
                    help: d.help.clone(),
                });
            }
            warnings.push(d.clone());
        }
        if let Some(text) = self.req.dockerignore {
            self.ignore = Some(
                DockerIgnore::parse(text)
                    .map_err(|e| BuildError::new(format!("failed to parse .dockerignore: {e}")))?,
            );
        }
        let target = match &self.req.target {
            Some(t) => lowered
                .stages
                .iter()
                .rposition(|s| s.name.as_deref() == Some(t.to_lowercase().as_str()))
                .ok_or_else(|| {
                    BuildError::new(format!("target stage \"{t}\" could not be found"))
                })?,
            None => lowered.stages.len().saturating_sub(1),
        };
        let meta = self.meta_args(&lowered.meta_args)?;
        let order = needed_stages(&lowered, target);
        self.classic_total = order
            .iter()
            .map(|&i| lowered.stages[i].commands.len() + 1)
            .sum::<usize>();
        for i in order {
            let result = self.build_stage(&lowered, &lowered.stages[i], &meta)?;
            self.done.insert(i, result);
        }
        let image = self
            .done
            .remove(&target)
            .map(|r| r.image)
            .ok_or_else(|| BuildError::new("no stage to build"))?;
        Ok((image, warnings))
    }

    /// The meta args (ARG before the first FROM) with their values: build-arg, else the default expanded
    /// against earlier meta args, else unset. The predefined platform args are always there.
    fn meta_args(&self, decls: &[ArgDecl]) -> Result<Vec<(String, Option<String>)>, BuildError> {
        let mut out: Vec<(String, Option<String>)> = PLATFORM_ARGS
            .iter()
            .map(|(k, v)| (k.to_string(), Some(v.to_string())))
            .collect();
        for d in decls {
            let value = match self.build_arg(&d.key) {
                Some(v) => Some(v),
                None => {
                    let env: Vec<(String, String)> = out
                        .iter()
                        .filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v)))
                        .collect();
                    match &d.value {
                        Some(raw) => Some(
                            self.lexer
                                .process_word(raw, &env.as_slice())
                                .map_err(|e| BuildError::at(d.span, e.message))?,
                        ),
                        None => None,
                    }
                }
            };
            out.retain(|(k, _)| k != &d.key);
            out.push((d.key.clone(), value));
        }
        Ok(out)
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

    fn build_stage(
        &mut self,
        lowered: &Lowered,
        stage: &Stage,
        meta: &[(String, Option<String>)],
    ) -> Result<StageResult, BuildError> {
        let meta_env: Vec<(String, String)> = meta
            .iter()
            .filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v)))
            .collect();
        let base_name = self
            .lexer
            .process_word(&stage.base, &meta_env.as_slice())
            .map_err(|e| BuildError::at(stage.base_span, e.message))?;
        let name = stage.display_name();
        let vertex_total = 1 + stage
            .commands
            .iter()
            .filter(|c| {
                matches!(
                    c,
                    Command::Run(_) | Command::Copy(_) | Command::Add(_) | Command::Workdir(_)
                )
            })
            .count();
        // The base: an earlier stage, scratch, or an image from the store.
        let base_stage = stage.base_stage.or_else(|| {
            lowered.stages[..stage.index]
                .iter()
                .rposition(|s| s.name.as_deref() == Some(base_name.to_lowercase().as_str()))
        });
        let parent_ran = base_stage
            .and_then(|i| self.done.get(&i))
            .is_some_and(|r| r.last_ran);
        let (config, layers, tree, key, inherited_env, onbuild, from_text) = match base_stage {
            Some(i) => {
                let r = self
                    .done
                    .get(&i)
                    .cloned()
                    .ok_or_else(|| BuildError::at(stage.span, "base stage was not built"))?;
                let mut config = r.image.config.clone();
                let onbuild = r.onbuild.clone();
                if let Some(cc) = config.config.as_mut() {
                    cc.on_build = Some(None);
                }
                (
                    config,
                    r.image.layers.clone(),
                    r.image.tree.clone(),
                    r.key,
                    r.run_env.clone(),
                    onbuild,
                    format!("FROM {}", stage.base),
                )
            }
            None if base_name.eq_ignore_ascii_case("scratch") => (
                scratch_config(),
                Vec::new(),
                Arc::new(Tree::new()),
                None,
                Vec::new(),
                Vec::new(),
                "FROM scratch".to_owned(),
            ),
            None => {
                let img = self.store.image(&base_name).ok_or_else(|| {
                    BuildError::at(
                        stage.base_span,
                        format!(
                            "failed to solve: {base_name}: failed to resolve source metadata for docker.io/library/{base_name}: not found"
                        ),
                    )
                    .with_help(
                        "the simulator has busybox, alpine, debian, ubuntu, centos and python built in, plus any image you loaded",
                    )
                })?;
                let (config, layers, tree, onbuild) = self.open_base(&img)?;
                let key = Some(Digest::of(&strata_image::image::to_json(&config)));
                (
                    config,
                    layers,
                    tree,
                    key,
                    Vec::new(),
                    onbuild,
                    format!("FROM {}", progress::fully_qualified(&img.reference)),
                )
            }
        };
        let mut st = State {
            name: name.clone(),
            config,
            layers,
            tree,
            key,
            args: Vec::new(),
            run_env: OrderedEnv::default(),
            env_index: EntryIndex::default(),
            cmd_set: false,
            last_created: String::new(),
            vertex: 1,
            vertex_total,
            position: 0,
            parent_ran,
        };
        st.env_index = EntryIndex::of(st.env());
        for e in st.env().to_vec() {
            let (k, v) = e.split_once('=').unwrap_or((e.as_str(), ""));
            st.set_run_env(k, v);
        }
        for (k, v) in inherited_env {
            st.set_run_env(&k, &v);
        }
        // Every stage gets PATH if its image has none.
        if !st.env().iter().any(|e| e.starts_with("PATH=")) {
            let (k, v) = DEFAULT_PATH.split_once('=').unwrap_or(("PATH", ""));
            st.set_env(k, v);
        }
        st.last_created = st
            .config
            .created
            .clone()
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| self.created());
        self.classic_n += 1;
        // The classic builder prints the instruction as written (`Step 1/5 : FROM busybox`); BuildKit the
        // resolved image.
        let from_text = match self.req.style {
            HistoryStyle::Classic => self.source_text(stage.span),
            HistoryStyle::Buildkit => from_text,
        };
        self.steps.push(Step {
            stage: name.clone(),
            text: from_text,
            span: stage.span,
            vertex: Some((1, vertex_total)),
            classic: (self.classic_n, self.classic_total),
            cache: CacheStatus::Metadata,
            stdout: Vec::new(),
            stderr: Vec::new(),
            notes: Vec::new(),
            layer: None,
        });
        // ONBUILD triggers of the base run first, as one-instruction Dockerfiles.
        let mut commands: Vec<Command> = Vec::new();
        for trigger in &onbuild {
            // A trigger is lowered inside a throwaway stage so it becomes a command.
            let wrapped = strata_dockerfile::parse(&format!("FROM scratch\n{trigger}"));
            let lw = instructions::lower(&wrapped.ast);
            match lw.stages.first() {
                Some(s) => commands.extend(s.commands.iter().cloned()),
                None => {
                    return Err(BuildError::at(
                        stage.span,
                        format!("failed to parse ONBUILD trigger {trigger:?}"),
                    ))
                }
            }
        }
        let n_triggers = commands.len();
        if n_triggers > 0 {
            st.vertex_total += commands
                .iter()
                .filter(|c| {
                    matches!(
                        c,
                        Command::Run(_) | Command::Copy(_) | Command::Add(_) | Command::Workdir(_)
                    )
                })
                .count();
        }
        commands.extend(stage.commands.iter().cloned());
        let mut own_onbuild: Vec<String> = Vec::new();
        let first_new = st.config.history.len();
        for cmd in &commands {
            self.command(meta, &mut st, cmd, &mut own_onbuild)?;
        }
        date_leading_metadata(&mut st.config.history[first_new..]);
        if !own_onbuild.is_empty() {
            st.cc().on_build = Some(Some(own_onbuild.clone()));
        }
        st.config.created = Some(st.last_created.clone());
        // BuildKit's exporter: a base image whose history does not cover its layers gets entries appended
        // until every layer has one (comment `buildkit.exporter.image.v0`).
        let with_layer = st.config.history.iter().filter(|h| !h.empty_layer).count();
        for _ in with_layer..st.layers.len() {
            st.config.history.push(History {
                created: Some(st.last_created.clone()),
                comment: Some("buildkit.exporter.image.v0".to_owned()),
                ..History::default()
            });
        }
        let cc = st.config.config.take().unwrap_or_default();
        st.config.config = Some(buildkit_shape(cc));
        st.config.extra = Default::default();
        let image = BuiltImage {
            config: st.config,
            layers: st.layers,
            tree: st.tree,
        };
        Ok(StageResult {
            image,
            run_env: st.run_env.vars().to_vec(),
            key: st.key,
            onbuild: own_onbuild,
            last_ran: st.parent_ran,
        })
    }

    /// Flattens a store image: its layers applied to a tree.
    #[allow(clippy::type_complexity)]
    fn open_base(
        &mut self,
        img: &BaseImage,
    ) -> Result<(ImageConfig, Vec<Layer>, Arc<Tree>, Vec<String>), BuildError> {
        let listed = img.config.rootfs.diff_ids.len() == img.layers.len();
        let key = listed.then(|| Digest::of(&strata_image::image::to_json(&img.config)));
        let (layers, tree) = match key.and_then(|k| self.cache.flattened(&k)) {
            Some(hit) => hit,
            None => {
                let (layers, tree) = flatten(img)?;
                if let Some(k) = key {
                    self.cache.put_flattened(k, layers.clone(), tree.clone());
                }
                (layers, tree)
            }
        };
        let mut config = img.config.clone();
        // A model or loaded image whose config does not list its layers gets them listed.
        config.rootfs.diff_ids = layers.iter().map(|l: &Layer| l.diff_id).collect();
        config.rootfs.kind = "layers".to_owned();
        let onbuild = config
            .config
            .as_ref()
            .and_then(|c| c.on_build.clone().flatten())
            .unwrap_or_default();
        if let Some(cc) = config.config.as_mut() {
            if !onbuild.is_empty() {
                cc.on_build = Some(None);
            }
        }
        Ok((config, layers, tree, onbuild))
    }
}

/// A store image's layers applied to one tree, with their diff_ids (computed when the config does not list
/// them).
#[allow(clippy::type_complexity)]
pub fn flatten(img: &BaseImage) -> Result<(Vec<Layer>, Arc<Tree>), BuildError> {
    let mut tree = Tree::new();
    let mut layers = Vec::new();
    for (i, cs) in img.layers.iter().enumerate() {
        cs.apply(&mut tree).map_err(|e| {
            BuildError::new(format!("applying layer {i} of {}: {e}", img.reference))
        })?;
        let recorded = img.config.rootfs.diff_ids.get(i).copied();
        let diff_id = match recorded {
            Some(d) if img.config.rootfs.diff_ids.len() == img.layers.len() => d,
            _ => Layer::new(cs.clone())?.diff_id,
        };
        layers.push(Layer {
            changeset: cs.clone(),
            diff_id,
            size: cs.content_size(),
        });
    }
    Ok((layers, Arc::new(tree)))
}

impl Builder<'_, '_> {
    fn expand(&self, st: &State, word: &str, span: Span) -> Result<String, BuildError> {
        let env = st.expansion_env();
        self.lexer
            .process_word(word, env)
            .map_err(|e| BuildError::at(span, e.message))
    }

    /// A metadata instruction: an empty-layer history entry (at the previous entry's time) and its step.
    fn record_metadata(&mut self, st: &mut State, created_by: String, text: String, span: Span) {
        let created = st.last_created.clone();
        st.push_history(&created, created_by, true, self.req.style);
        self.metadata_step(st, text, span);
    }

    /// Expands an ENV or LABEL pair against `env` (the environment before the instruction).
    fn expand_pair(
        &self,
        kv: &instructions::KeyValue,
        env: &OrderedEnv,
    ) -> Result<(String, String), BuildError> {
        let k = self
            .lexer
            .process_word(&kv.key.text, env)
            .map_err(|e| BuildError::at(kv.key.span, e.message))?;
        let v = self
            .lexer
            .process_word(&kv.value.text, env)
            .map_err(|e| BuildError::at(kv.value.span, e.message))?;
        Ok((k, v))
    }

    fn metadata_step(&mut self, st: &State, text: String, span: Span) {
        self.classic_n += 1;
        self.steps.push(Step {
            stage: st.name.clone(),
            text,
            span,
            vertex: None,
            classic: (self.classic_n, self.classic_total),
            cache: CacheStatus::Metadata,
            stdout: Vec::new(),
            stderr: Vec::new(),
            notes: Vec::new(),
            layer: None,
        });
    }

    fn command(
        &mut self,
        meta: &[(String, Option<String>)],
        st: &mut State,
        cmd: &Command,
        onbuild: &mut Vec<String>,
    ) -> Result<(), BuildError> {
        let style = self.req.style;
        let created = st.last_created.clone();
        let shell = st.shell();
        let source_text = self.source_text(cmd.span());
        // BuildKit names a step's vertex with the instruction's variables expanded: RUN and WORKDIR keep
        // their quotes, COPY and ADD lose them (`COPY --chown=x:x f /d/$Q` for
        // `COPY --chown=$Q:$Q "f" '/d/$Q'`). The classic builder prints the instruction as written.
        let source_text = match (style, cmd) {
            (HistoryStyle::Buildkit, Command::Run(r)) if r.heredocs.is_empty() => {
                self.vertex_name(st, source_text, true)
            }
            (HistoryStyle::Buildkit, Command::Workdir(_)) => {
                self.vertex_name(st, source_text, true)
            }
            (HistoryStyle::Buildkit, Command::Copy(c)) if c.files.contents.is_empty() => {
                self.vertex_name(st, source_text, false)
            }
            (HistoryStyle::Buildkit, Command::Add(a)) if a.files.contents.is_empty() => {
                self.vertex_name(st, source_text, false)
            }
            _ => source_text,
        };
        match cmd {
            Command::Env(env) => {
                let mut pairs = Vec::new();
                for kv in &env.pairs {
                    pairs.push(self.expand_pair(kv, st.expansion_env())?);
                }
                for (k, v) in &pairs {
                    st.set_env(k, v);
                }
                let text: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
                let body = format!("ENV {}", text.join(" "));
                self.record_metadata(
                    st,
                    history::metadata(&body, &shell, style),
                    source_text,
                    env.span,
                );
            }
            Command::Label(label) => {
                let mut text = Vec::new();
                for kv in &label.pairs {
                    let (k, v) = self.expand_pair(kv, st.expansion_env())?;
                    let cc = st.cc();
                    let mut labels = cc.labels.clone().flatten().unwrap_or_default();
                    labels.insert(k.clone(), v.clone());
                    cc.labels = Some(Some(labels));
                    text.push(format!("{k}={v}"));
                }
                let body = format!("LABEL {}", text.join(" "));
                self.record_metadata(
                    st,
                    history::metadata(&body, &shell, style),
                    source_text,
                    label.span,
                );
            }
            Command::Arg(arg) => {
                let mut text = Vec::new();
                for d in &arg.args {
                    let default = match &d.value {
                        Some(raw) => Some(self.expand(st, raw, d.span)?),
                        None => None,
                    };
                    let inherited = lowered_meta_value(meta, &d.key)
                        .or_else(|| st.run_env.value(&d.key).map(str::to_owned));
                    let value = self.build_arg(&d.key).or(default.clone()).or(inherited);
                    // ENV always overrides an ARG of the same name.
                    let set_by_env = st.env_index.contains(&d.key);
                    if let (Some(v), false) = (&value, set_by_env) {
                        st.set_run_env(&d.key, v);
                    }
                    st.args.push(d.key.clone());
                    text.push(match &default {
                        Some(v) => format!("{}={}", d.key, v),
                        None => d.key.clone(),
                    });
                }
                let body = format!("ARG {}", text.join(" "));
                self.record_metadata(
                    st,
                    history::metadata(&body, &shell, style),
                    source_text,
                    arg.span,
                );
            }
            Command::Cmd(c) => {
                let argv = c.cmd.argv(&shell);
                let body = format!("CMD {}", history::go_quote_list(&argv));
                let cc = st.cc();
                cc.cmd = Some(Some(argv));
                cc.args_escaped = Some(true);
                st.cmd_set = true;
                let by = match style {
                    HistoryStyle::Buildkit => body,
                    HistoryStyle::Classic => history::metadata(&body, &shell, style),
                };
                self.record_metadata(st, by, source_text, c.span);
            }
            Command::Entrypoint(e) => {
                let argv = e.cmd.argv(&shell);
                let body = format!("ENTRYPOINT {}", history::go_quote_list(&argv));
                let cmd_set = st.cmd_set;
                let cc = st.cc();
                cc.entrypoint = Some(if argv.is_empty() { None } else { Some(argv) });
                if !cmd_set {
                    cc.cmd = Some(None);
                }
                let by = match style {
                    HistoryStyle::Buildkit => body,
                    HistoryStyle::Classic => history::metadata(&body, &shell, style),
                };
                self.record_metadata(st, by, source_text, e.span);
            }
            Command::Expose(ex) => {
                let env = st.expansion_env();
                let mut ports: Vec<String> = Vec::new();
                for w in &ex.ports {
                    let words = self
                        .lexer
                        .process_words(&w.text, env)
                        .map_err(|e| BuildError::at(w.span, e.message))?;
                    ports.extend(words);
                }
                let mut normalized = Vec::new();
                for p in &ports {
                    let n = normalize_port(p).map_err(|m| BuildError::at(ex.span, m))?;
                    normalized.extend(expand_port_range(&n));
                }
                let cc = st.cc();
                let mut map = cc.exposed_ports.clone().flatten().unwrap_or_default();
                for p in &normalized {
                    map.insert(p.clone(), EmptyObject {});
                }
                cc.exposed_ports = Some(Some(map));
                let mut sorted = ports.clone();
                sorted.sort();
                let sorted: Vec<String> = sorted
                    .iter()
                    .filter_map(|p| normalize_port(p).ok())
                    .collect();
                let by = match style {
                    HistoryStyle::Buildkit => format!("EXPOSE {}", history::go_list(&sorted)),
                    // The classic builder's parser sorts the ports as written.
                    HistoryStyle::Classic => {
                        let mut raw = ports.clone();
                        raw.sort();
                        history::metadata(&format!("EXPOSE {}", raw.join(" ")), &shell, style)
                    }
                };
                self.record_metadata(st, by, source_text, ex.span);
            }
            Command::Volume(v) => {
                let mut vols = Vec::new();
                for w in &v.volumes {
                    let p = self.expand(st, &w.text, w.span)?;
                    if p.is_empty() {
                        return Err(BuildError::at(
                            w.span,
                            "VOLUME specified can not be an empty string",
                        ));
                    }
                    vols.push(p);
                }
                let cc = st.cc();
                let mut map = cc.volumes.clone().flatten().unwrap_or_default();
                for p in &vols {
                    map.insert(p.clone(), EmptyObject {});
                }
                cc.volumes = Some(Some(map));
                let body = format!("VOLUME {}", history::go_list(&vols));
                self.record_metadata(
                    st,
                    history::metadata(&body, &shell, style),
                    source_text,
                    v.span,
                );
            }
            Command::User(u) => {
                let user = self.expand(st, &u.user.text, u.user.span)?;
                st.cc().user = Some(user.clone());
                let body = format!("USER {user}");
                self.record_metadata(
                    st,
                    history::metadata(&body, &shell, style),
                    source_text,
                    u.span,
                );
            }
            Command::StopSignal(s) => {
                let sig = self.expand(st, &s.signal.text, s.signal.span)?;
                st.cc().stop_signal = Some(sig.clone());
                let body = format!("STOPSIGNAL {sig}");
                self.record_metadata(
                    st,
                    history::metadata(&body, &shell, style),
                    source_text,
                    s.span,
                );
            }
            Command::Maintainer(m) => {
                let name = m.name.text.to_string();
                st.config.author = Some(name.clone());
                let body = format!("MAINTAINER {name}");
                self.record_metadata(
                    st,
                    history::metadata(&body, &shell, style),
                    source_text,
                    m.span,
                );
            }
            Command::Shell(s) => {
                let argv: Vec<String> = s.shell.iter().map(|w| w.text.to_string()).collect();
                st.cc().shell = Some(Some(argv.clone()));
                let by = match style {
                    HistoryStyle::Buildkit => format!("SHELL {}", history::go_list(&argv)),
                    // The classic builder commits with the new shell already set: `/bin/sh -xc #(nop)
                    // SHELL [/bin/sh -xc]`.
                    HistoryStyle::Classic => history::metadata(
                        &format!("SHELL {}", history::go_list(&argv)),
                        &argv,
                        style,
                    ),
                };
                self.record_metadata(st, by, source_text, s.span);
            }
            Command::Healthcheck(h) => {
                let hc = match &h.test {
                    HealthTest::None => Healthcheck {
                        test: Some(vec!["NONE".to_owned()]),
                        ..Healthcheck::default()
                    },
                    HealthTest::Cmd(c) => {
                        let test = match c {
                            ShellOrExec::Shell(w) => {
                                vec!["CMD-SHELL".to_owned(), w.text.to_string()]
                            }
                            ShellOrExec::Exec(ws) => std::iter::once("CMD".to_owned())
                                .chain(ws.iter().map(|w| w.text.to_string()))
                                .collect(),
                        };
                        Healthcheck {
                            test: Some(test),
                            interval: h.interval.map(|d| d.as_nanos() as i64),
                            timeout: h.timeout.map(|d| d.as_nanos() as i64),
                            start_period: h.start_period.map(|d| d.as_nanos() as i64),
                            start_interval: h.start_interval.map(|d| d.as_nanos() as i64),
                            retries: h.retries.map(i64::from),
                        }
                    }
                };
                let test = hc.test.clone().unwrap_or_default();
                let body = format!(
                    "HEALTHCHECK &{{{} {} {} {} {}}}",
                    history::go_list(&test),
                    go_duration(hc.interval.unwrap_or(0)),
                    go_duration(hc.timeout.unwrap_or(0)),
                    go_duration(hc.start_period.unwrap_or(0)),
                    hc.retries.unwrap_or(0)
                );
                st.cc().healthcheck = Some(hc);
                self.record_metadata(
                    st,
                    history::metadata(&body, &shell, style),
                    source_text,
                    h.span,
                );
            }
            Command::OnBuild(o) => {
                onbuild.push(o.trigger.clone());
                if style == HistoryStyle::Classic {
                    let body = format!("ONBUILD {}", o.trigger);
                    st.push_history(
                        &created,
                        history::metadata(&body, &shell, style),
                        true,
                        style,
                    );
                }
                self.metadata_step(st, source_text, o.span);
            }
            Command::Workdir(w) => {
                let raw = self.expand(st, &w.path.text, w.path.span)?;
                // BuildKit keeps an absolute path as written (a trailing `/`, `..`) in the config and the
                // history; a relative one is joined onto the working directory and cleaned (Go's
                // `path.Join`). The directory it creates is the cleaned path.
                let wd = if raw.starts_with('/') {
                    raw
                } else {
                    copy::clean(&format!("{}/{raw}", st.workdir()))
                };
                let dir = copy::clean(&wd);
                st.cc().working_dir = Some(wd.clone());
                let body = format!("WORKDIR {wd}");
                if wd == "/" {
                    self.record_metadata(
                        st,
                        history::metadata(&body, &shell, style),
                        source_text,
                        w.span,
                    );
                    return Ok(());
                }
                let (uid, gid) = self.ids_for_user(st, w.span)?;
                let inputs = StepInputs {
                    parent: st.key,
                    instruction: body.clone(),
                    cwd_user: format!("{uid}:{gid}"),
                    ..StepInputs::default()
                };
                let now = self.req.now;
                let by = match style {
                    HistoryStyle::Buildkit => body.clone(),
                    HistoryStyle::Classic => history::classic_file_op(&body, &shell),
                };
                self.fs_step(st, source_text, w.span, inputs, by, "WORKDIR", |fs, _b| {
                    if !fs.stat(&dir).map(|s| s.is_dir()).unwrap_or(false) {
                        fs.mkdir_all(&dir, Attrs::new(0o755, uid, gid, now))
                            .map_err(|e| {
                                (
                                    format!("failed to create WORKDIR {dir}: {e}"),
                                    StepRun::default(),
                                )
                            })?;
                    }
                    Ok(StepRun::default())
                })?;
            }
            Command::Run(r) => {
                let argv = run_argv(r, &shell);
                let args = st.args_in_effect();
                let env: Vec<String> = st
                    .run_env
                    .vars()
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                let cwd = st.workdir();
                let (uid, gid, home, groups) = self.user_ids(st, r.span)?;
                // BuildKit's executor adds HOME from the user's passwd entry when the env has none.
                let mut env = env;
                if !env.iter().any(|e| e.starts_with("HOME=")) {
                    env.push(format!("HOME={home}"));
                }
                let by = history::run(&argv, &args, style);
                let inputs = StepInputs {
                    parent: st.key,
                    instruction: by.clone(),
                    env: env.clone(),
                    args: args.clone(),
                    cwd_user: format!("{cwd} {uid}:{gid}"),
                    ..StepInputs::default()
                };
                let raw_cwd = cwd.clone();
                let req = RunRequest {
                    argv: argv.clone(),
                    env,
                    cwd: copy::clean(&cwd),
                    uid,
                    gid,
                    groups,
                    hostname: BUILD_HOSTNAME.to_owned(),
                    now: self.req.now,
                };
                let shown = format!("/bin/sh -c {}", argv.last().cloned().unwrap_or_default());
                let shown = if r.cmd.is_shell() {
                    shown
                } else {
                    argv.join(" ")
                };
                self.fs_step(st, source_text, r.span, inputs, by, "RUN", |fs, backend| {
                    let stubs = mount_stubs(fs, req.now);
                    // BuildKit runs in the working directory, creating it if needed, as Go's MkdirAll
                    // does on the path as written (`/srv/other/../final` creates `/srv/other`).
                    mkdir_all_as_written(fs, &raw_cwd, Attrs::new(0o755, 0, 0, req.now));
                    let out = backend.run(fs, &req);
                    remove_stubs(fs, &stubs, req.now);
                    let mut run = StepRun {
                        stdout: out.stdout,
                        stderr: out.stderr,
                        notes: out.notes,
                    };
                    if let Some(err) = out.start_error {
                        run.notes.push(err.clone());
                        return Err((
                            format!(
                                "process \"{shown}\" did not complete successfully: exit code: {}: {err}",
                                out.exit_code
                            ),
                            run,
                        ));
                    }
                    if out.exit_code != 0 {
                        let limit = if out.limit_hit {
                            " (stopped by the simulator's limits)"
                        } else {
                            ""
                        };
                        return Err((
                            format!(
                                "process \"{shown}\" did not complete successfully: exit code: {}{limit}",
                                out.exit_code
                            ),
                            run,
                        ));
                    }
                    Ok(run)
                })?;
            }
            Command::Copy(c) => {
                let c = {
                    let env = st.expansion_env();
                    let mut f = |w: &str| {
                        self.lexer
                            .process_word(w, env)
                            .map_err(|e| BuildError::at(c.span, e.message))
                    };
                    c.expand(&mut f)?
                };
                let from_tree = match (&c.from, c.from_stage) {
                    (_, Some(i)) => Some(self.stage_tree(i, c.span)?),
                    (Some(w), None) => match w.text.parse::<usize>() {
                        Ok(i) => Some(self.stage_tree(i, c.span)?),
                        Err(_) => {
                            let img = self.store.image(&w.text).ok_or_else(|| {
                                BuildError::at(
                                    w.span,
                                    format!(
                                        "failed to resolve source metadata for {}: not found",
                                        w.text
                                    ),
                                )
                            })?;
                            Some(self.open_base(&img)?.2)
                        }
                    },
                    (None, None) => None,
                };
                let is_context = c.from.is_none();
                let sources: Vec<String> =
                    c.files.sources.iter().map(|w| w.text.to_string()).collect();
                let contents: Vec<(String, String)> = c
                    .files
                    .contents
                    .iter()
                    .map(|h| -> Result<(String, String), BuildError> {
                        let data = if h.expand {
                            self.expand_raw(st, &h.data)
                        } else {
                            h.data.clone()
                        };
                        Ok((h.path.clone(), data))
                    })
                    .collect::<Result<_, _>>()?;
                let exclude: Vec<String> = c.exclude.iter().map(|w| w.text.to_string()).collect();
                let chown = self.chown(st, c.chown.as_ref().map(|w| w.text.to_string()), c.span)?;
                let chmod = c
                    .chmod
                    .as_ref()
                    .map(|w| Chmod::parse(&w.text).map_err(|m| BuildError::at(w.span, m)))
                    .transpose()?;
                let by = copy_history(
                    "COPY",
                    &c.files.sources,
                    &c.files.contents,
                    &c.files.dest.text,
                    c.chown.as_ref().map(|w| w.text.to_string()),
                    c.chmod.as_ref().map(|w| w.text.to_string()),
                    c.parents,
                    style,
                    &shell,
                );
                self.copy_step(
                    st,
                    source_text,
                    c.span,
                    by,
                    "COPY",
                    CopyArgs {
                        sources,
                        contents,
                        dest: c.files.dest.text.to_string(),
                        from: from_tree,
                        is_context,
                        exclude,
                        chown,
                        chmod,
                        unpack: false,
                    },
                )?;
            }
            Command::Add(a) => {
                let a = {
                    let env = st.expansion_env();
                    let mut f = |w: &str| {
                        self.lexer
                            .process_word(w, env)
                            .map_err(|e| BuildError::at(a.span, e.message))
                    };
                    a.expand(&mut f)?
                };
                for w in &a.files.sources {
                    if w.text.starts_with("http://")
                        || w.text.starts_with("https://")
                        || w.text.starts_with("git@")
                    {
                        return Err(BuildError::at(
                            w.span,
                            format!("ADD {}: the simulator has no network, so remote sources cannot be fetched", w.text),
                        )
                        .with_help("put the file in the build context and ADD or COPY it from there"));
                    }
                }
                let sources: Vec<String> =
                    a.files.sources.iter().map(|w| w.text.to_string()).collect();
                let contents: Vec<(String, String)> = a
                    .files
                    .contents
                    .iter()
                    .map(|h| {
                        let data = if h.expand {
                            self.expand_raw(st, &h.data)
                        } else {
                            h.data.clone()
                        };
                        (h.path.clone(), data)
                    })
                    .collect();
                let exclude: Vec<String> = a.exclude.iter().map(|w| w.text.to_string()).collect();
                let chown = self.chown(st, a.chown.as_ref().map(|w| w.text.to_string()), a.span)?;
                let chmod = a
                    .chmod
                    .as_ref()
                    .map(|w| Chmod::parse(&w.text).map_err(|m| BuildError::at(w.span, m)))
                    .transpose()?;
                let by = copy_history(
                    "ADD",
                    &a.files.sources,
                    &a.files.contents,
                    &a.files.dest.text,
                    a.chown.as_ref().map(|w| w.text.to_string()),
                    a.chmod.as_ref().map(|w| w.text.to_string()),
                    false,
                    style,
                    &shell,
                );
                self.copy_step(
                    st,
                    source_text,
                    a.span,
                    by,
                    "ADD",
                    CopyArgs {
                        sources,
                        contents,
                        dest: a.files.dest.text.to_string(),
                        from: None,
                        is_context: true,
                        exclude,
                        chown,
                        chmod,
                        unpack: a.unpack.unwrap_or(true),
                    },
                )?;
            }
        }
        Ok(())
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

    fn stage_tree(&self, i: usize, span: Span) -> Result<Arc<Tree>, BuildError> {
        self.done
            .get(&i)
            .map(|r| r.image.tree.clone())
            .ok_or_else(|| BuildError::at(span, format!("stage {i} was not built")))
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
    /// no entry, `/root` for root by default).
    fn user_ids(&self, st: &State, span: Span) -> Result<(u32, u32, String, Vec<u32>), BuildError> {
        let user = st.user();
        let passwd = read_text(&st.tree, "/etc/passwd");
        let group = read_text(&st.tree, "/etc/group");
        let spec = if user.is_empty() { "0" } else { user.as_str() };
        users::lookup_user(spec, passwd.as_deref(), group.as_deref())
            .map(|u| (u.uid, u.gid, u.home, u.build_groups))
            .map_err(|e| BuildError::at(span, e.to_string()))
    }

    fn chown(
        &self,
        st: &State,
        spec: Option<String>,
        span: Span,
    ) -> Result<Option<(u32, u32)>, BuildError> {
        let Some(spec) = spec else { return Ok(None) };
        let passwd = read_text(&st.tree, "/etc/passwd");
        let group = read_text(&st.tree, "/etc/group");
        users::lookup_chown(&spec, passwd.as_deref(), group.as_deref())
            .map(Some)
            .map_err(|e| {
                BuildError::at(
                    span,
                    format!("unable to convert uid/gid chown string to host mapping: {e}"),
                )
            })
    }

    #[allow(clippy::too_many_arguments)]
    fn copy_step(
        &mut self,
        st: &mut State,
        text: String,
        span: Span,
        by: String,
        keyword: &'static str,
        args: CopyArgs,
    ) -> Result<(), BuildError> {
        let workdir = st.workdir();
        let req = self.req;
        let context = req.context.tree();
        let ignore = if args.is_context {
            self.ignore.clone()
        } else {
            None
        };
        let now = self.req.now;
        let op = CopyOp {
            sources: &args.sources,
            contents: &args.contents,
            dest: &args.dest,
            workdir: &workdir,
            from: args.from.as_deref().unwrap_or(context),
            ignore: ignore.as_ref(),
            exclude: &args.exclude,
            chown: args.chown,
            keep_owners: !args.is_context && args.chown.is_none(),
            chmod: args.chmod,
            unpack: args.unpack,
            now,
        };
        let mut prepared = match copy::prepare(&op) {
            Ok(p) => p,
            Err(m) => {
                self.fail_step(st, text, span, m.clone());
                return Err(BuildError::at(span, m));
            }
        };
        let inputs = StepInputs {
            parent: st.key,
            instruction: format!("{by} {:?} {:?}", args.chown, args.chmod),
            cwd_user: workdir.clone(),
            files: std::mem::take(&mut prepared.sums),
            ..StepInputs::default()
        };
        self.fs_step(st, text, span, inputs, by, keyword, |fs, _b| {
            copy::copy(fs, &op, &prepared).map_err(|m| (m, StepRun::default()))?;
            Ok(StepRun::default())
        })
    }

    fn fail_step(&mut self, st: &mut State, text: String, span: Span, message: String) {
        self.classic_n += 1;
        st.vertex += 1;
        self.steps.push(Step {
            stage: st.name.clone(),
            text,
            span,
            vertex: Some((st.vertex, st.vertex_total)),
            classic: (self.classic_n, self.classic_total),
            cache: CacheStatus::Failed,
            stdout: Vec::new(),
            stderr: message.into_bytes(),
            notes: Vec::new(),
            layer: None,
        });
    }

    /// A filesystem step: looks the key up in the cache, else runs `f` on an overlay over the stage's tree
    /// and commits the changes as a layer.
    #[allow(clippy::too_many_arguments)]
    fn fs_step<F>(
        &mut self,
        st: &mut State,
        text: String,
        span: Span,
        inputs: StepInputs,
        created_by: String,
        kind: &str,
        f: F,
    ) -> Result<(), BuildError>
    where
        F: FnOnce(&mut Overlay, &mut dyn Backend) -> Result<StepRun, StepFail>,
    {
        let key = inputs.key();
        let position = format!("{}#{}", st.name, st.position);
        st.position += 1;
        st.vertex += 1;
        self.classic_n += 1;
        let vertex = Some((st.vertex, st.vertex_total));
        let mut step = Step {
            stage: st.name.clone(),
            text,
            span,
            vertex,
            classic: (self.classic_n, self.classic_total),
            cache: CacheStatus::Hit,
            stdout: Vec::new(),
            stderr: Vec::new(),
            notes: Vec::new(),
            layer: None,
        };
        let hit = if self.req.no_cache {
            None
        } else {
            self.cache.get(&key).cloned()
        };
        let result = match hit {
            Some(mut c) => {
                step.stdout = c.stdout.clone();
                step.stderr = c.stderr.clone();
                step.notes = c.notes.clone();
                if c.tree.is_none() {
                    let mut t = (*st.tree).clone();
                    if let Some(l) = &c.layer {
                        l.changeset
                            .apply(&mut t)
                            .map_err(|e| BuildError::at(span, e.to_string()))?;
                    }
                    c.tree = Some(Arc::new(t));
                }
                c
            }
            None => {
                let reason = if self.req.no_cache {
                    "--no-cache".to_owned()
                } else {
                    inputs.miss_reason(self.cache.last(&position), kind, st.parent_ran)
                };
                step.cache = CacheStatus::Miss(reason);
                if st.layers.len() >= MAX_LAYER_DEPTH {
                    // BuildKit cannot stack another snapshot on this many layers (overlayfs's limit).
                    step.cache = CacheStatus::Failed;
                    self.steps.push(step);
                    return Err(BuildError::at(
                        span,
                        format!("failed to prepare {position}: max depth exceeded"),
                    )
                    .with_help(format!(
                        "the image already has {} layers, the most a step can build on; join RUN lines with && \
                         or use a multi-stage build to make fewer layers",
                        st.layers.len()
                    )));
                }
                let mut fs = Overlay::new(st.tree.clone());
                match f(&mut fs, self.backend) {
                    Ok(run) => {
                        let changeset = Arc::new(fs.changeset());
                        let layer = Layer::new(changeset.clone())
                            .map_err(|e| BuildError::at(span, e.message))?;
                        let tree = if changeset.is_empty() {
                            st.tree.clone()
                        } else {
                            let mut t = (*st.tree).clone();
                            changeset
                                .apply(&mut t)
                                .map_err(|e| BuildError::at(span, e.to_string()))?;
                            Arc::new(t)
                        };
                        let cached = CachedStep {
                            created: self.created(),
                            layer: Some(layer),
                            tree: Some(tree),
                            stdout: run.stdout,
                            stderr: run.stderr,
                            notes: run.notes,
                        };
                        step.stdout = cached.stdout.clone();
                        step.stderr = cached.stderr.clone();
                        step.notes = cached.notes.clone();
                        self.cache.put(key, cached.clone());
                        cached
                    }
                    Err((message, run)) => {
                        step.stdout = run.stdout;
                        step.stderr = run.stderr;
                        step.notes = run.notes;
                        step.cache = CacheStatus::Failed;
                        self.steps.push(step);
                        return Err(BuildError::at(span, message));
                    }
                }
            }
        };
        self.cache.record(position, inputs);
        st.key = Some(key);
        st.parent_ran = step.cache != CacheStatus::Hit;
        let style = self.req.style;
        st.last_created = result.created.clone();
        if let Some(layer) = result.layer {
            let tree = result.tree.unwrap_or_else(|| st.tree.clone());
            let idx = st.push_layer(layer, tree);
            step.layer = Some(idx);
            st.push_history(&result.created, created_by, false, style);
        }
        self.steps.push(step);
        Ok(())
    }
}

/// BuildKit's exporter dates the metadata entries (ARG, ENV, MAINTAINER, …) a stage writes before its first
/// new layer with that layer's time, not with the base image's; later ones take the time of the layer before
/// them (which they already have). A stage that adds no layer keeps the base's time.
fn date_leading_metadata(new_entries: &mut [History]) {
    let Some(first_layer) = new_entries.iter().position(|h| !h.empty_layer) else {
        return;
    };
    let created = new_entries[first_layer].created.clone();
    for h in &mut new_entries[..first_layer] {
        h.created = created.clone();
    }
}

/// The most layers a step can build on: BuildKit (docker 20.10's, overlayfs snapshotter) fails to prepare
/// the next step's snapshot on an image of 129 layers with `max depth exceeded` (measured here: a busybox
/// base and 200 one-line RUNs fail at step 130; the classic builder fails earlier, at step 126).
pub const MAX_LAYER_DEPTH: usize = 129;

/// Output of a filesystem step's work.
#[derive(Debug, Default)]
struct StepRun {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    notes: Vec<String>,
}

/// A failed step's message and whatever it printed.
type StepFail = (String, StepRun);

struct CopyArgs {
    sources: Vec<String>,
    contents: Vec<(String, String)>,
    dest: String,
    /// Another stage's or image's filesystem; `None` for the build context.
    from: Option<Arc<Tree>>,
    is_context: bool,
    exclude: Vec<String>,
    chown: Option<(u32, u32)>,
    chmod: Option<Chmod>,
    unpack: bool,
}

/// The predefined platform args (BuildKit's defaults on linux/amd64).
const PLATFORM_ARGS: [(&str, &str); 8] = [
    ("BUILDPLATFORM", "linux/amd64"),
    ("BUILDOS", "linux"),
    ("BUILDARCH", "amd64"),
    ("BUILDVARIANT", ""),
    ("TARGETPLATFORM", "linux/amd64"),
    ("TARGETOS", "linux"),
    ("TARGETARCH", "amd64"),
    ("TARGETVARIANT", ""),
];

fn lowered_meta_value(meta: &[(String, Option<String>)], key: &str) -> Option<String> {
    meta.iter()
        .rev()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| v.clone())
}

fn scratch_config() -> ImageConfig {
    ImageConfig {
        architecture: "amd64".to_owned(),
        os: "linux".to_owned(),
        rootfs: RootFs {
            kind: "layers".to_owned(),
            diff_ids: Vec::new(),
        },
        // BuildKit's empty image: WORKDIR `/` and the default PATH.
        config: Some(ContainerConfig {
            working_dir: Some("/".to_owned()),
            env: Some(Some(vec![DEFAULT_PATH.to_owned()])),
            ..ContainerConfig::default()
        }),
        ..ImageConfig::default()
    }
}

/// The config as BuildKit writes it: only the OCI fields plus Docker's Healthcheck, OnBuild and Shell,
/// empty ones omitted, `ArgsEscaped` only when true, and `OnBuild` always present (`null` when none). Keys a
/// legacy or imported base config carries (`Hostname`, `AttachStdin`, `Image`, …) are dropped.
fn buildkit_shape(cc: ContainerConfig) -> ContainerConfig {
    fn list(v: Option<Option<Vec<String>>>) -> Option<Option<Vec<String>>> {
        v.flatten().filter(|l| !l.is_empty()).map(Some)
    }
    fn map<T>(
        v: Option<Option<std::collections::BTreeMap<String, T>>>,
    ) -> Option<Option<std::collections::BTreeMap<String, T>>> {
        v.flatten().filter(|m| !m.is_empty()).map(Some)
    }
    ContainerConfig {
        user: cc.user.filter(|s| !s.is_empty()),
        exposed_ports: map(cc.exposed_ports),
        env: list(cc.env),
        entrypoint: list(cc.entrypoint),
        cmd: list(cc.cmd),
        volumes: map(cc.volumes),
        working_dir: cc.working_dir.filter(|s| !s.is_empty()),
        labels: map(cc.labels),
        stop_signal: cc.stop_signal.filter(|s| !s.is_empty()),
        args_escaped: cc.args_escaped.filter(|b| *b),
        healthcheck: cc.healthcheck,
        on_build: Some(cc.on_build.flatten().filter(|v| !v.is_empty())),
        shell: list(cc.shell),
        extra: Default::default(),
    }
}

/// The stages the target needs (its base chain and `COPY --from`/`--mount from=` sources), in file order.
fn needed_stages(lowered: &Lowered, target: usize) -> Vec<usize> {
    let mut need = vec![false; lowered.stages.len()];
    let mut todo = vec![target];
    while let Some(i) = todo.pop() {
        if i >= need.len() || need[i] {
            continue;
        }
        need[i] = true;
        let s = &lowered.stages[i];
        let base = s.base_stage.or_else(|| {
            lowered.stages[..i]
                .iter()
                .rposition(|o| o.name.as_deref() == Some(s.base.to_lowercase().as_str()))
        });
        if let Some(b) = base {
            todo.push(b);
        }
        for c in &s.commands {
            match c {
                Command::Copy(c) => {
                    if let Some(f) = c.from_stage {
                        todo.push(f);
                    } else if let Some(w) = &c.from {
                        if let Ok(n) = w.text.parse::<usize>() {
                            todo.push(n);
                        }
                    }
                }
                Command::Run(r) => todo.extend(r.mounts.iter().filter_map(|m| m.from_stage)),
                _ => {}
            }
        }
    }
    (0..need.len()).filter(|&i| need[i]).collect()
}

/// The argv of a RUN: heredoc forms as BuildKit builds them.
fn run_argv(r: &instructions::Run, shell: &[String]) -> Vec<String> {
    if let (ShellOrExec::Shell(w), [only]) = (&r.cmd, r.heredocs.as_slice()) {
        let cmd = w.text.trim();
        if cmd == format!("<<{}", only.name)
            || cmd == format!("<<-{}", only.name)
            || cmd.starts_with("<<") && cmd.split_whitespace().count() == 1
        {
            let mut v = shell.to_vec();
            v.push(only.body().into_owned());
            return v;
        }
    }
    if let ShellOrExec::Shell(w) = &r.cmd {
        if !r.heredocs.is_empty() {
            let mut script = w.text.to_string();
            for h in &r.heredocs {
                script.push('\n');
                script.push_str(&h.body());
                script.push_str(&h.name);
            }
            let mut v = shell.to_vec();
            v.push(script);
            return v;
        }
    }
    r.cmd.argv(shell)
}

/// Creates the mount points BuildKit's runtime needs (`/dev`, `/proc`, `/sys`, `/etc/hosts`,
/// `/etc/resolv.conf`) when the image lacks them; returns the files to remove after the step. The
/// directories stay, and `/etc` is touched: that is why BuildKit's RUN layers on a minimal base hold
/// `/dev /etc /proc /sys` (OBSERVED.md §3).
fn mount_stubs(fs: &mut Overlay, now: Timestamp) -> Vec<String> {
    let dir = Attrs::new(0o755, 0, 0, now);
    for d in ["/dev", "/proc", "/sys"] {
        if fs.lstat(d).is_err() {
            let _ = fs.mkdir(d, dir.clone());
        }
    }
    let mut created = Vec::new();
    for f in ["/etc/hosts", "/etc/resolv.conf"] {
        if fs.lstat(f).is_err() {
            if fs.lstat("/etc").is_err() {
                let _ = fs.mkdir("/etc", dir.clone());
            }
            if fs
                .create(
                    f,
                    Attrs::new(0o644, 0, 0, now),
                    NodeKind::File(Default::default()),
                )
                .is_ok()
            {
                created.push(f.to_owned());
            }
        }
    }
    created
}

/// Creates the directories of `path` as Go's `os.MkdirAll` would on the path as written: every prefix
/// that does not exist, `..` going back up (so a component before a `..` is created too).
fn mkdir_all_as_written(fs: &mut Overlay, path: &str, attrs: Attrs) {
    if fs
        .stat(&copy::clean(path))
        .map(|s| s.is_dir())
        .unwrap_or(false)
        && !path.split('/').any(|c| c == "..")
    {
        return;
    }
    let mut cur: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                cur.pop();
            }
            c => {
                cur.push(c);
                let p = format!("/{}", cur.join("/"));
                if fs.lstat(&p).is_err() {
                    let _ = fs.mkdir_all(&p, attrs.clone());
                }
            }
        }
    }
}

fn remove_stubs(fs: &mut Overlay, stubs: &[String], now: Timestamp) {
    for f in stubs {
        let _ = fs.remove_file(f, now);
    }
}

fn read_text(tree: &Tree, path: &str) -> Option<String> {
    let c = tree.read(path).ok()?;
    Some(String::from_utf8_lossy(&c.bytes()).into_owned())
}

/// `80` → `80/tcp`; `53/UDP` → `53/udp`; ranges kept; checked by the Dockerfile crate's one port check.
fn normalize_port(p: &str) -> Result<String, String> {
    instructions::parse_port(p)
        .map(|(port, proto)| format!("{port}/{proto}"))
        .map_err(|e| e.message)
}

/// `8000-8002/tcp` → `8000/tcp 8001/tcp 8002/tcp` (the config lists every port of a range; at most 65536).
fn expand_port_range(p: &str) -> Vec<String> {
    let (ports, proto) = p.split_once('/').unwrap_or((p, "tcp"));
    match ports.split_once('-') {
        Some((a, b)) => match (a.parse::<u32>(), b.parse::<u32>()) {
            (Ok(a), Ok(b)) if a <= b && b <= 65535 => {
                (a..=b).map(|n| format!("{n}/{proto}")).collect()
            }
            _ => vec![p.to_owned()],
        },
        None => vec![p.to_owned()],
    }
}

/// Go's `time.Duration` `String()`: `30s`, `1m30s`, `0s`, `1.5s`.
fn go_duration(ns: i64) -> String {
    if ns == 0 {
        return "0s".to_owned();
    }
    let neg = ns < 0;
    let ns = ns.unsigned_abs();
    let mut out = String::new();
    if ns < 1_000_000_000 {
        let (unit, div) = if ns < 1_000 {
            ("ns", 1)
        } else if ns < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        out.push_str(&frac(ns, div));
        out.push_str(unit);
    } else {
        let h = ns / 3_600_000_000_000;
        let m = ns / 60_000_000_000 % 60;
        let s_ns = ns % 60_000_000_000;
        if h > 0 {
            out.push_str(&format!("{h}h"));
        }
        if h > 0 || m > 0 {
            out.push_str(&format!("{m}m"));
        }
        out.push_str(&frac(s_ns, 1_000_000_000));
        out.push('s');
    }
    if neg {
        format!("-{out}")
    } else {
        out
    }
}

fn frac(v: u64, div: u64) -> String {
    let whole = v / div;
    let rest = v % div;
    if rest == 0 {
        return whole.to_string();
    }
    let width = div.to_string().len() - 1;
    let s = format!("{rest:0width$}");
    format!("{whole}.{}", s.trim_end_matches('0'))
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

/// BuildKit's COPY/ADD history text; the classic builder's `#(nop)` form with a content hash is beyond what
/// a learner compares, so the classic style shows the sources as written.
#[allow(clippy::too_many_arguments)]
fn copy_history(
    keyword: &str,
    sources: &[strata_dockerfile::ast::Word],
    contents: &[instructions::SourceContent],
    dest: &str,
    chown: Option<String>,
    chmod: Option<String>,
    parents: bool,
    style: HistoryStyle,
    shell: &[String],
) -> String {
    let mut parts: Vec<String> = vec![keyword.to_owned()];
    if parents {
        parts.push("--parents".to_owned());
    }
    if let Some(c) = &chown {
        parts.push(format!("--chown={c}"));
    }
    if let Some(c) = &chmod {
        parts.push(format!("--chmod={c}"));
    }
    parts.extend(sources.iter().map(|w| w.text.to_string()));
    parts.extend(contents.iter().map(|c| format!("<<{}", c.path)));
    parts.push(dest.to_owned());
    match style {
        HistoryStyle::Buildkit => format!("{} # buildkit", parts.join(" ")),
        HistoryStyle::Classic => {
            let src = parts[1..parts.len() - 1].join(" ");
            history::classic_file_op(&format!("{keyword} {src} in {dest} "), shell)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(go_duration(30_000_000_000), "30s");
        assert_eq!(go_duration(90_000_000_000), "1m30s");
        assert_eq!(go_duration(1_500_000_000), "1.5s");
        assert_eq!(go_duration(3_600_000_000_000), "1h0m0s");
        assert_eq!(go_duration(0), "0s");
    }

    #[test]
    fn ports() {
        assert_eq!(normalize_port("80").as_deref(), Ok("80/tcp"));
        assert_eq!(normalize_port("53/UDP").as_deref(), Ok("53/udp"));
        assert!(normalize_port("#").is_err());
    }
}
