//! Which stage builds on which: the meta args, every stage's base resolved once (an earlier stage by name,
//! case-insensitively, after expanding meta args; else scratch or an image), and the stages a target needs.

use strata_dockerfile::instructions::{ArgDecl, Command, Lowered};
use strata_dockerfile::shell::Lexer;

use super::Builder;
use crate::BuildError;

impl Builder<'_, '_> {
    /// The meta args (ARG before the first FROM) with their values: see [`meta_args`].
    pub(super) fn meta_args(
        &self,
        decls: &[ArgDecl],
    ) -> Result<Vec<(String, Option<String>)>, BuildError> {
        meta_args(&self.lexer, &self.req.build_args, decls)
    }
}

/// The meta args (ARG before the first FROM) with their values: build-arg (the last one given wins), else
/// the default expanded against earlier meta args, else unset. The predefined platform args are always there.
pub(super) fn meta_args(
    lexer: &Lexer,
    build_args: &[(String, String)],
    decls: &[ArgDecl],
) -> Result<Vec<(String, Option<String>)>, BuildError> {
    let mut out: Vec<(String, Option<String>)> = PLATFORM_ARGS
        .iter()
        .map(|(k, v)| (k.to_string(), Some(v.to_string())))
        .collect();
    for d in decls {
        let given = build_args.iter().rev().find(|(k, _)| *k == d.key);
        let value = match given {
            Some((_, v)) => Some(v.clone()),
            None => {
                let env: Vec<(String, String)> = out
                    .iter()
                    .filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v)))
                    .collect();
                match &d.value {
                    Some(raw) => Some(
                        lexer
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

/// The predefined platform args (BuildKit's defaults on linux/amd64).
pub(super) const PLATFORM_ARGS: [(&str, &str); 8] = [
    ("BUILDPLATFORM", "linux/amd64"),
    ("BUILDOS", "linux"),
    ("BUILDARCH", "amd64"),
    ("BUILDVARIANT", ""),
    ("TARGETPLATFORM", "linux/amd64"),
    ("TARGETOS", "linux"),
    ("TARGETARCH", "amd64"),
    ("TARGETVARIANT", ""),
];

pub(super) fn lowered_meta_value(meta: &[(String, Option<String>)], key: &str) -> Option<String> {
    meta.iter()
        .rev()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| v.clone())
}

/// A stage's base, resolved once for scheduling and building alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Base {
    /// An earlier stage, by index.
    Stage(usize),
    /// An image reference or `scratch`, meta args expanded.
    Image(String),
}

/// Every stage's base: the lowering's resolution when the name was literal, else an earlier stage whose
/// name equals the reference with meta args expanded (names compare case-insensitively, as BuildKit's
/// do), else that reference. A reference that does not expand is an error, raised only if the stage is
/// built (an unused stage never fails the build).
pub(super) fn resolve_bases(
    lexer: &Lexer,
    lowered: &Lowered,
    meta: &[(String, Option<String>)],
) -> Vec<Result<Base, BuildError>> {
    let meta_env: Vec<(String, String)> = meta
        .iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v)))
        .collect();
    lowered
        .stages
        .iter()
        .map(|stage| {
            if let Some(i) = stage.base_stage {
                return Ok(Base::Stage(i));
            }
            let name = lexer
                .process_word(&stage.base, &meta_env.as_slice())
                .map_err(|e| BuildError::at(stage.base_span, e.message))?;
            let lower = name.to_lowercase();
            Ok(
                match lowered.stages[..stage.index]
                    .iter()
                    .rposition(|s| s.name.as_deref() == Some(lower.as_str()))
                {
                    Some(i) => Base::Stage(i),
                    None => Base::Image(name),
                },
            )
        })
        .collect()
}

/// The stage `--target` names (case-insensitively; the last of that name), or the last stage.
pub(super) fn target_stage(lowered: &Lowered, target: Option<&str>) -> Result<usize, BuildError> {
    match target {
        Some(t) => lowered
            .stages
            .iter()
            .rposition(|s| s.name.as_deref() == Some(t.to_lowercase().as_str()))
            .ok_or_else(|| BuildError::new(format!("target stage \"{t}\" could not be found"))),
        None => Ok(lowered.stages.len().saturating_sub(1)),
    }
}

/// The stages the target needs (its base chain and `COPY --from`/`--mount from=` sources), in file order.
pub(super) fn needed_stages(
    lowered: &Lowered,
    bases: &[Result<Base, BuildError>],
    target: usize,
) -> Vec<usize> {
    let mut need = vec![false; lowered.stages.len()];
    let mut todo = vec![target];
    while let Some(i) = todo.pop() {
        if i >= need.len() || need[i] {
            continue;
        }
        need[i] = true;
        let s = &lowered.stages[i];
        if let Some(Ok(Base::Stage(b))) = bases.get(i) {
            todo.push(*b);
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
