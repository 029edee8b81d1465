//! The state of the stage being built: its config, layers, tree and cache key, the environment its steps
//! see, its declared build args, and the numbering of its steps.

use std::sync::Arc;

use strata_dockerfile::instructions::DEFAULT_SHELL;
use strata_image::image::{ContainerConfig, History, ImageConfig};
use strata_image::{Digest, Tree};

use crate::env::{EntryIndex, OrderedEnv};
use crate::history::{HistoryStyle, BUILDKIT_COMMENT};
use crate::image::Layer;

/// The state of the stage being built.
pub(super) struct State {
    pub(super) name: String,
    pub(super) config: ImageConfig,
    pub(super) layers: Vec<Layer>,
    pub(super) tree: Arc<Tree>,
    /// Cache key of the filesystem so far.
    pub(super) key: Option<Digest>,
    /// Build args declared in the stage, in declaration order; a redeclared one appears twice (as in
    /// BuildKit's `|N` history prefix).
    pub(super) args: Vec<String>,
    /// The environment RUN steps see and words are expanded against: the image's Env, then ENV and ARG
    /// values in the order they were first set (BuildKit's LLB state env). A child stage inherits it.
    pub(super) run_env: OrderedEnv,
    /// Where each key of the config's Env list is (so ENV is not a scan of every earlier variable).
    pub(super) env_index: EntryIndex,
    pub(super) cmd_set: bool,
    /// The `created` time of the latest history entry: a metadata instruction takes it, a filesystem step
    /// sets it (its own time, or its cached one), as BuildKit does; so an all-cached rebuild gives the same
    /// image ID.
    pub(super) last_created: String,
    pub(super) vertex: usize,
    pub(super) vertex_total: usize,
    /// Filesystem steps so far (the cache position).
    pub(super) position: usize,
    /// Whether the step the next one builds on ran in this build (rather than coming from the cache or
    /// being the base image): only then can a miss say the previous step changed.
    pub(super) parent_ran: bool,
    /// The image (docker's short form) this stage builds on, directly or through earlier stages, when it is
    /// one strata does not know: the simulator starts it empty, and a RUN whose program is not there is
    /// marked not simulated instead of failing.
    pub(super) unknown_base: Option<String>,
}

impl State {
    pub(super) fn cc(&mut self) -> &mut ContainerConfig {
        self.config
            .config
            .get_or_insert_with(ContainerConfig::default)
    }

    /// The config's Env list.
    pub(super) fn env(&self) -> &[String] {
        self.config
            .config
            .as_ref()
            .and_then(|c| c.env.as_ref())
            .and_then(|e| e.as_deref())
            .unwrap_or_default()
    }

    pub(super) fn set_run_env(&mut self, key: &str, value: &str) {
        self.run_env.set(key, value);
    }

    /// ENV: sets the variable for later steps and in the config's Env (in place when it is there).
    pub(super) fn set_env(&mut self, key: &str, value: &str) {
        self.set_run_env(key, value);
        let cc = self
            .config
            .config
            .get_or_insert_with(ContainerConfig::default);
        let env = cc.env.get_or_insert(None).get_or_insert_with(Vec::new);
        self.env_index.set(env, key, value);
    }

    pub(super) fn shell(&self) -> Vec<String> {
        self.config
            .config
            .as_ref()
            .and_then(|c| c.shell.clone().flatten())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| DEFAULT_SHELL.iter().map(|s| s.to_string()).collect())
    }

    pub(super) fn workdir(&self) -> String {
        self.config
            .config
            .as_ref()
            .and_then(|c| c.working_dir.clone())
            .filter(|w| !w.is_empty())
            .unwrap_or_else(|| "/".to_owned())
    }

    pub(super) fn user(&self) -> String {
        self.config
            .config
            .as_ref()
            .and_then(|c| c.user.clone())
            .unwrap_or_default()
    }

    /// Variables for builder-side expansion and for RUN.
    pub(super) fn expansion_env(&self) -> &OrderedEnv {
        &self.run_env
    }

    /// The declared build args with their current values (ENV overriding), in declaration order: BuildKit's
    /// `runCommandString` prefix.
    pub(super) fn args_in_effect(&self) -> Vec<(String, String)> {
        self.args
            .iter()
            .map(|k| {
                let v = self.run_env.value(k).unwrap_or_default().to_owned();
                (k.clone(), v)
            })
            .collect()
    }

    pub(super) fn push_history(
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

    pub(super) fn push_layer(&mut self, layer: Layer, tree: Arc<Tree>) -> usize {
        self.config.rootfs.diff_ids.push(layer.diff_id);
        self.layers.push(layer);
        self.tree = tree;
        self.layers.len() - 1
    }
}
