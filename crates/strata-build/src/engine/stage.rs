//! The stage loop: the build's stages in dependency order; for each, its base (an earlier stage, scratch or
//! an image), its ONBUILD triggers and its instructions, then the config as BuildKit's exporter writes it.

use std::sync::Arc;

use strata_dockerfile::instructions::{self, Command, Stage};
use strata_dockerfile::shell::Lexer;
use strata_dockerfile::Diagnostic;
use strata_image::image::{ContainerConfig, History, ImageConfig, RootFs};
use strata_image::{Digest, Reference, Tree};

use super::stages::{needed_stages, resolve_bases, target_stage, Base};
use super::state::State;
use super::{Builder, CacheStatus, Step, DEFAULT_PATH, SUBSTITUTED_BASE, UNKNOWN_BASE};
use crate::backend::SourceImage;
use crate::dockerignore::DockerIgnore;
use crate::env::{EntryIndex, OrderedEnv};
use crate::history::HistoryStyle;
use crate::image::{BuiltImage, Layer};
use crate::BuildError;

/// A built stage, as later stages use it.
#[derive(Clone)]
pub(super) struct StageResult {
    pub(super) image: BuiltImage,
    pub(super) run_env: Vec<(String, String)>,
    pub(super) key: Option<Digest>,
    pub(super) onbuild: Vec<String>,
    /// Whether its last filesystem step ran (not cached) in this build.
    pub(super) last_ran: bool,
    /// The image it builds on when that is an image strata does not know (see [`State::unknown_base`]).
    pub(super) unknown_base: Option<String>,
}

impl Builder<'_, '_> {
    pub(super) fn run(&mut self) -> Result<(BuiltImage, Vec<Diagnostic>), BuildError> {
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
        let target = target_stage(&lowered, self.req.target.as_deref())?;
        let meta = self.meta_args(&lowered.meta_args)?;
        let meta_env: Vec<(String, String)> = meta
            .iter()
            .filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v)))
            .collect();
        let platform_warnings =
            super::platform::check_platforms(&self.lexer, &lowered.stages, &meta_env)?;
        let bases = resolve_bases(&self.lexer, &lowered, &meta);
        let order = needed_stages(&lowered, &bases, target);
        self.classic_total = order
            .iter()
            .map(|&i| lowered.stages[i].commands.len() + 1)
            .sum::<usize>();
        warnings.extend(
            platform_warnings
                .into_iter()
                .filter(|(i, _)| order.contains(i))
                .map(|(_, d)| d),
        );
        self.observer.plan(order.len());
        for i in order {
            let result = self.build_stage(&lowered.stages[i], bases[i].clone()?, &meta)?;
            self.done.insert(i, result);
        }
        let image = self
            .done
            .remove(&target)
            .map(|r| r.image)
            .ok_or_else(|| BuildError::new("no stage to build"))?;
        warnings.append(&mut self.warnings);
        Ok((image, warnings))
    }

    /// Builds one stage on its resolved base.
    pub(super) fn build_stage(
        &mut self,
        stage: &Stage,
        base: Base,
        meta: &[(String, Option<String>)],
    ) -> Result<StageResult, BuildError> {
        let name = stage.display_name();
        // BuildKit gives a stage built on an earlier stage no vertex of its own for FROM (it prints no line
        // for it and numbers the stage's steps without it: `[stage-1 1/1] RUN …`).
        let from_vertex = usize::from(!matches!(base, Base::Stage(_)));
        let vertex_total = from_vertex
            + stage
                .commands
                .iter()
                .filter(|c| {
                    matches!(
                        c,
                        Command::Run(_) | Command::Copy(_) | Command::Add(_) | Command::Workdir(_)
                    )
                })
                .count();
        let parent_ran = match &base {
            Base::Stage(i) => self.done.get(i).is_some_and(|r| r.last_ran),
            Base::Image(_) => false,
        };
        let mut unknown: Option<String> = None;
        let (config, layers, tree, key, inherited_env, onbuild, from_text) = match base {
            Base::Stage(i) => {
                let r = self
                    .done
                    .get(&i)
                    .cloned()
                    .ok_or_else(|| BuildError::at(stage.span, "base stage was not built"))?;
                let mut config = r.image.config.clone();
                let onbuild = r.onbuild.clone();
                unknown = r.unknown_base.clone();
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
            Base::Image(name) if name.eq_ignore_ascii_case("scratch") => (
                scratch_config(),
                Vec::new(),
                Arc::new(Tree::new()),
                None,
                Vec::new(),
                Vec::new(),
                "FROM scratch".to_owned(),
            ),
            Base::Image(base_name) => {
                let reference = Reference::parse(&base_name)
                    .map_err(|e| {
                        BuildError::at(
                            stage.base_span,
                            format!("failed to parse stage name {base_name:?}: {e}"),
                        )
                    })?
                    .with_default_tag();
                let fq = reference.fully_qualified();
                match self.store.image(&base_name) {
                    Some(img) => {
                        if let Some(note) = &img.substitute {
                            self.from_notes.push(note.clone());
                            self.warnings.push(Diagnostic::warning(
                                SUBSTITUTED_BASE,
                                stage.base_span,
                                note.clone(),
                            ));
                        }
                        let (config, layers, tree, onbuild) = self.open_base(&img)?;
                        let key = Some(Digest::of(&strata_image::image::to_json(&config)));
                        (
                            config,
                            layers,
                            tree,
                            key,
                            Vec::new(),
                            onbuild,
                            format!("FROM {fq}"),
                        )
                    }
                    None if self.store.stands_in_for_unknown() => {
                        let familiar = reference.familiar();
                        let note = unknown_base_note(&familiar);
                        self.from_notes.push(note.clone());
                        self.warnings.push(
                            Diagnostic::warning(UNKNOWN_BASE, stage.base_span, note)
                                .with_help(format!(
                                    "give strata the real image: `docker save {familiar} | strata load`, or upload \
                                     the saved tar in the page"
                                )),
                        );
                        unknown = Some(familiar);
                        (
                            scratch_config(),
                            Vec::new(),
                            Arc::new(Tree::new()),
                            Some(Digest::of(format!("unknown base image {fq}").as_bytes())),
                            Vec::new(),
                            Vec::new(),
                            format!("FROM {fq}"),
                        )
                    }
                    None => {
                        let familiar = reference.familiar();
                        return Err(BuildError::at(
                            stage.base_span,
                            format!(
                                "failed to solve: {base_name}: failed to resolve source metadata for {fq}: not found"
                            ),
                        )
                        .with_help(format!(
                            "strata has no image {familiar}: give it the real one with `docker save {familiar} | strata load` \
                             (the simulator builds on an image it does not know as an empty, unknown base)"
                        )));
                    }
                }
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
            vertex: from_vertex,
            vertex_total,
            position: 0,
            parent_ran,
            unknown_base: unknown,
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
        let from_notes = std::mem::take(&mut self.from_notes);
        self.push_step(Step {
            stage: name.clone(),
            text: from_text,
            span: stage.span,
            vertex: (from_vertex == 1).then_some((1, vertex_total)),
            classic: (self.classic_n, self.classic_total),
            cache: CacheStatus::Metadata,
            stdout: Vec::new(),
            stderr: Vec::new(),
            notes: from_notes,
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
            unknown_base: st.unknown_base,
        })
    }

    /// Flattens a store image: its layers applied to a tree.
    #[allow(clippy::type_complexity)]
    pub(super) fn open_base(
        &mut self,
        img: &SourceImage,
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

    /// One instruction of a stage, by kind.
    pub(super) fn command(
        &mut self,
        meta: &[(String, Option<String>)],
        st: &mut State,
        cmd: &Command,
        onbuild: &mut Vec<String>,
    ) -> Result<(), BuildError> {
        let style = self.req.style;
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
            Command::Env(env) => self.env(st, env, source_text),
            Command::Label(label) => self.label(st, label, source_text),
            Command::Arg(arg) => self.arg(st, arg, meta, source_text),
            Command::Cmd(c) => self.cmd(st, c, source_text),
            Command::Entrypoint(e) => self.entrypoint(st, e, source_text),
            Command::Expose(ex) => self.expose(st, ex, source_text),
            Command::Volume(v) => self.volume(st, v, source_text),
            Command::User(u) => self.user(st, u, source_text),
            Command::StopSignal(s) => self.stop_signal(st, s, source_text),
            Command::Maintainer(m) => self.maintainer(st, m, source_text),
            Command::Shell(s) => self.shell(st, s, source_text),
            Command::Healthcheck(h) => self.healthcheck(st, h, source_text),
            Command::OnBuild(o) => self.onbuild(st, o, onbuild, source_text),
            Command::Workdir(w) => self.workdir(st, w, source_text),
            Command::Run(r) => self.run_step(st, r, source_text),
            Command::Copy(c) => self.copy(st, c, source_text),
            Command::Add(a) => self.add(st, a, source_text),
        }
    }
}

/// A store image's layers applied to one tree, with their diff_ids (computed when the config does not list
/// them).
#[allow(clippy::type_complexity)]
pub fn flatten(img: &SourceImage) -> Result<(Vec<Layer>, Arc<Tree>), BuildError> {
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
            modelled: cs.is_modelled(),
        });
    }
    Ok((layers, Arc::new(tree)))
}

/// BuildKit's exporter dates the metadata entries (ARG, ENV, MAINTAINER, …) a stage writes before its first
/// new layer with that layer's time, not with the base image's; later ones take the time of the layer before
/// them (which they already have). A stage that adds no layer keeps the base's time.
pub(super) fn date_leading_metadata(new_entries: &mut [History]) {
    let Some(first_layer) = new_entries.iter().position(|h| !h.empty_layer) else {
        return;
    };
    let created = new_entries[first_layer].created.clone();
    for h in &mut new_entries[..first_layer] {
        h.created = created.clone();
    }
}

/// The note on the FROM line of an image strata does not know.
fn unknown_base_note(familiar: &str) -> String {
    format!(
        "unknown image: strata does not know {familiar}, so this build starts from an empty filesystem and an \
         empty config; COPY, metadata and history are exact, a RUN whose program is not there is marked not \
         simulated. Give strata the real image with `docker save {familiar} | strata load` (or upload it in the page)"
    )
}

pub(super) fn scratch_config() -> ImageConfig {
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
pub(super) fn buildkit_shape(cc: ContainerConfig) -> ContainerConfig {
    pub(super) fn list(v: Option<Option<Vec<String>>>) -> Option<Option<Vec<String>>> {
        v.flatten().filter(|l| !l.is_empty()).map(Some)
    }
    pub(super) fn map<T>(
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
