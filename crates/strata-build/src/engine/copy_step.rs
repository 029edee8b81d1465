//! COPY and ADD, one path: sources expanded and resolved (the context, another stage or an image), owners and
//! modes, the history text, then the copy itself (`crate::copy`) as a filesystem step.

use std::sync::Arc;

use strata_dockerfile::ast::Word;
use strata_dockerfile::instructions;
use strata_dockerfile::Span;
use strata_image::Tree;

use super::fs_step::StepRun;
use super::state::State;
use super::{read_text, Builder};

use crate::cache::StepInputs;
use crate::copy::{self, Chmod, CopyOp};
use crate::history::{self, HistoryStyle};
use crate::{users, BuildError};

impl Builder<'_, '_> {
    /// COPY: from the context, an earlier stage (`--from=name` or index) or an image.
    pub(super) fn copy(
        &mut self,
        st: &mut State,
        c: &instructions::Copy,
        text: String,
    ) -> Result<(), BuildError> {
        let c = {
            let env = st.expansion_env();
            let mut f = |w: &str| {
                self.lexer
                    .process_word(w, env)
                    .map_err(|e| BuildError::at(c.span, e.message))
            };
            c.expand(&mut f)?
        };
        let stage_unknown =
            |b: &Self, i: usize| b.done.get(&i).and_then(|r| r.unknown_base.clone());
        let (from, from_unknown) = match (&c.from, c.from_stage) {
            (_, Some(i)) => (Some(self.stage_tree(i, c.span)?), stage_unknown(self, i)),
            (Some(w), None) => match w.text.parse::<usize>() {
                Ok(i) => (Some(self.stage_tree(i, c.span)?), stage_unknown(self, i)),
                Err(_) => match self.store.image(&w.text) {
                    Some(img) => (Some(self.open_base(&img)?.2), None),
                    // An image strata does not know: an empty one, as for FROM.
                    None if self.store.stands_in_for_unknown() => (
                        Some(Arc::new(Tree::new())),
                        Some(strata_image::reference::familiar_tagged(&w.text)),
                    ),
                    None => {
                        return Err(BuildError::at(
                            w.span,
                            format!(
                                "failed to resolve source metadata for {}: not found",
                                fully_qualified_tagged(&w.text)
                            ),
                        ))
                    }
                },
            },
            (None, None) => (None, None),
        };
        self.transfer(
            st,
            text,
            Transfer {
                keyword: "COPY",
                span: c.span,
                files: &c.files,
                chown: c.chown.as_ref(),
                chmod: c.chmod.as_ref(),
                exclude: &c.exclude,
                parents: c.parents,
                from,
                from_unknown,
                unpack: false,
            },
        )
    }

    /// ADD: from the context only (the simulator has no network), unpacking local archives.
    pub(super) fn add(
        &mut self,
        st: &mut State,
        a: &instructions::Add,
        text: String,
    ) -> Result<(), BuildError> {
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
                    format!(
                        "ADD {}: the simulator has no network, so remote sources cannot be fetched",
                        w.text
                    ),
                )
                .with_help("put the file in the build context and ADD or COPY it from there"));
            }
        }
        self.transfer(
            st,
            text,
            Transfer {
                keyword: "ADD",
                span: a.span,
                files: &a.files,
                chown: a.chown.as_ref(),
                chmod: a.chmod.as_ref(),
                exclude: &a.exclude,
                parents: false,
                from: None,
                from_unknown: None,
                unpack: a.unpack.unwrap_or(true),
            },
        )
    }

    /// The path COPY and ADD share once their words are expanded and their source is known: heredoc bodies,
    /// `--chown`/`--chmod` resolved, the history text, then the copy as a filesystem step.
    fn transfer(
        &mut self,
        st: &mut State,
        text: String,
        t: Transfer<'_>,
    ) -> Result<(), BuildError> {
        let style = self.req.style;
        let shell = st.shell();
        let sources: Vec<String> = t.files.sources.iter().map(|w| w.text.to_string()).collect();
        let contents: Vec<(String, String)> = t
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
        let exclude: Vec<String> = t.exclude.iter().map(|w| w.text.to_string()).collect();
        let mut notes = Vec::new();
        let chown = match self.chown(st, t.chown.map(|w| w.text.to_string()), t.span) {
            Ok(c) => c,
            // The users of an unknown base are not known.
            Err(_) if st.unknown_base.is_some() => {
                notes.push(format!(
                    "not simulated: --chown={}: the base image {} is unknown to strata, so its users are not \
                     known; the files are shown owned by 0:0",
                    t.chown.map(|w| w.text.to_string()).unwrap_or_default(),
                    st.unknown_base.as_deref().unwrap_or_default()
                ));
                None
            }
            Err(e) => return Err(e),
        };
        let chmod = t
            .chmod
            .map(|w| Chmod::parse(&w.text).map_err(|m| BuildError::at(w.span, m)))
            .transpose()?;
        let by = copy_history(
            t.keyword,
            &t.files.sources,
            &t.files.contents,
            &t.files.dest.text,
            t.chown.map(|w| w.text.to_string()),
            t.chmod.map(|w| w.text.to_string()),
            t.parents,
            style,
            &shell,
        );
        let workdir = st.workdir();
        let dest = t.files.dest.text.to_string();
        let ignore = if t.from.is_none() {
            self.ignore.clone()
        } else {
            None
        };
        let context = self.req.context.tree();
        let op = CopyOp {
            sources: &sources,
            contents: &contents,
            dest: &dest,
            workdir: &workdir,
            from: t.from.as_deref().unwrap_or(context),
            ignore: ignore.as_ref(),
            exclude: &exclude,
            chown,
            // Files from another stage or an image keep their owners unless --chown; context files are
            // 0:0.
            keep_owners: t.from.is_some() && chown.is_none(),
            chmod,
            unpack: t.unpack,
            now: self.req.now,
        };
        let mut prepared = match copy::prepare(&op) {
            Ok(p) => p,
            // A source that would come from a step strata could not simulate: the layer stays empty.
            Err(m) if t.from_unknown.is_some() => {
                let base = t.from_unknown.as_deref().unwrap_or_default();
                notes.push(format!(
                    "not simulated: {} {}: {m}: its source builds on the image {base}, which strata does not \
                     know, so this step copied nothing and its layer is empty",
                    t.keyword,
                    sources.join(" ")
                ));
                let inputs = StepInputs {
                    parent: st.key,
                    instruction: format!("{by} {chown:?} {chmod:?} (not simulated)"),
                    cwd_user: workdir.clone(),
                    ..StepInputs::default()
                };
                return self.fs_step(st, text, t.span, inputs, by, t.keyword, |_fs, _b, _out| {
                    Ok(StepRun {
                        notes,
                        ..StepRun::default()
                    })
                });
            }
            Err(m) => {
                self.fail_step(st, text, t.span, m.clone());
                return Err(BuildError::at(t.span, m));
            }
        };
        let inputs = StepInputs {
            parent: st.key,
            instruction: format!("{by} {chown:?} {chmod:?}"),
            cwd_user: workdir.clone(),
            files: std::mem::take(&mut prepared.sums),
            ..StepInputs::default()
        };
        self.fs_step(st, text, t.span, inputs, by, t.keyword, |fs, _b, _out| {
            copy::copy(fs, &op, &prepared).map_err(|m| (m, StepRun::default()))?;
            Ok(StepRun {
                notes,
                ..StepRun::default()
            })
        })
    }

    pub(super) fn chown(
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

    pub(super) fn stage_tree(&self, i: usize, span: Span) -> Result<Arc<Tree>, BuildError> {
        self.done
            .get(&i)
            .map(|r| r.image.tree.clone())
            .ok_or_else(|| BuildError::at(span, format!("stage {i} was not built")))
    }
}

/// An image reference fully qualified with its default tag, as BuildKit names a source it looks up
/// (`composer:2` → `docker.io/library/composer:2`); a string that is no reference as it is.
pub(super) fn fully_qualified_tagged(reference: &str) -> String {
    strata_image::Reference::parse(reference).map_or_else(
        |_| reference.to_owned(),
        |r| r.with_default_tag().fully_qualified(),
    )
}

/// What COPY and ADD have in common, words expanded.
struct Transfer<'c> {
    keyword: &'static str,
    span: Span,
    files: &'c instructions::SourcesAndDest,
    chown: Option<&'c Word>,
    chmod: Option<&'c Word>,
    exclude: &'c [Word],
    parents: bool,
    /// Another stage's or image's filesystem; `None` for the build context.
    from: Option<Arc<Tree>>,
    /// The unknown image (docker's short form) `from` is, or builds on: its files are not all known.
    from_unknown: Option<String>,
    /// ADD: extract local archives.
    unpack: bool,
}

/// BuildKit's COPY/ADD history text; the classic builder's `#(nop)` form with a content hash is beyond what
/// a learner compares, so the classic style shows the sources as written.
#[allow(clippy::too_many_arguments)]
pub(super) fn copy_history(
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
