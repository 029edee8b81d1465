//! The page's build secrets: what `RUN --mount=type=secret,id=ID` reads, as `docker build --secret
//! id=ID,src=FILE` would give it.
//!
//! The user types them in the "Build secrets" box as `ID=VALUE` lines. They live in the page's state only
//! for the page session: never in the [`crate::project::Project`], so never in a share link or autosave,
//! and the engine mounts them for the step without putting them in any layer.

/// The secrets in `text`: one `ID=VALUE` per line (the value is everything after the first `=`, kept as
/// typed). Blank lines and lines starting with `#` are skipped; a line without `=` or with an empty ID is
/// left out (see [`problems`]). A later line with the same ID wins, as with repeated `--secret` flags.
pub fn parse(text: &str) -> Vec<(String, Vec<u8>)> {
    text.lines()
        .filter_map(|line| {
            let (id, value) = line.split_once('=')?;
            let id = id.trim();
            (!id.is_empty() && !id.starts_with('#'))
                .then(|| (id.to_string(), value.as_bytes().to_vec()))
        })
        .collect()
}

/// What is wrong with `text`'s lines, for the box to say: each non-blank line that is not `ID=VALUE`.
pub fn problems(text: &str) -> Vec<String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .filter(|(_, l)| l.split_once('=').is_none_or(|(id, _)| id.trim().is_empty()))
        .map(|(n, _)| format!("line {}: write ID=VALUE", n + 1))
        .collect()
}
