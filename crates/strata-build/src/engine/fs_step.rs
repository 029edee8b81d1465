//! A filesystem step (RUN, COPY, ADD, WORKDIR): its cache key looked up, else its work done on an overlay
//! over the stage's tree and committed as a layer; a failure recorded as a failed step.

use std::sync::Arc;

use strata_dockerfile::Span;
use strata_image::Overlay;

use super::state::State;
use super::{Builder, CacheStatus, Step};
use crate::backend::Backend;
use crate::cache::{CachedStep, StepInputs};
use crate::image::Layer;
use crate::BuildError;

impl Builder<'_, '_> {
    pub(super) fn fail_step(&mut self, st: &mut State, text: String, span: Span, message: String) {
        self.classic_n += 1;
        st.vertex += 1;
        self.push_step(Step {
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
    pub(super) fn fs_step<F>(
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
        F: FnOnce(
            &mut Overlay,
            &mut dyn Backend,
            &mut dyn FnMut(crate::observer::Stream, &[u8]),
        ) -> Result<StepRun, StepFail>,
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
                    self.push_step(step);
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
                self.observer.started(&step);
                let observer = &mut *self.observer;
                let ran = f(&mut fs, &mut *self.backend, &mut |stream, chunk| {
                    observer.output(stream, chunk)
                });
                match ran {
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
                        self.push_step(step);
                        return Err(BuildError::at(span, message));
                    }
                }
            }
        };
        self.cache.record_keyed(position, key, inputs);
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
        self.push_step(step);
        Ok(())
    }
}

/// The most layers a step can build on: BuildKit (docker 20.10's, overlayfs snapshotter) fails to prepare
/// the next step's snapshot on an image of 129 layers with `max depth exceeded` (measured here: a busybox
/// base and 200 one-line RUNs fail at step 130; the classic builder fails earlier, at step 126).
pub const MAX_LAYER_DEPTH: usize = 129;

/// Output of a filesystem step's work.
#[derive(Debug, Default)]
pub(super) struct StepRun {
    pub(super) stdout: Vec<u8>,
    pub(super) stderr: Vec<u8>,
    pub(super) notes: Vec<String>,
}

/// A failed step's message and whatever it printed.
pub(super) type StepFail = (String, StepRun);
