//! Share links: the whole page state in the URL fragment, so opening the link reproduces it.
//!
//! A fragment is a version character (`1`) followed by base64url without padding of the raw-deflate
//! compressed JSON of a compact wire form of [`Shared`]: text files travel as strings, other files as base64,
//! and the keys are one letter. [`encode`] makes a fragment and [`decode`] reads one back. Decoding trusts
//! nothing: it never panics, refuses fragments over [`MAX_FRAGMENT`] characters and stops inflating at
//! [`MAX_INFLATED`] bytes, so a link crafted as a deflate bomb costs a few megabytes, not the tab.

use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::project::{ContextFile, Project};

/// The version character every fragment of this format starts with.
pub const VERSION: char = '1';

/// The most JSON bytes a fragment may inflate to (4 MiB).
pub const MAX_INFLATED: usize = 4 << 20;

/// The longest fragment [`decode`] reads (browsers cap URLs at a few megabytes anyway).
pub const MAX_FRAGMENT: usize = 8 << 20;

/// What a share link carries.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Shared {
    /// The Dockerfile, the context and the run line.
    pub project: Project,
    /// The names of the open panels, in the page's order.
    pub panels: Vec<String>,
    /// True when history is written as the classic builder wrote it.
    pub classic: bool,
    /// The uploaded or fetched base images the Dockerfile uses: (reference, where from), as
    /// [`crate::bases::BaseInfo`] says.
    pub bases: Vec<(String, String)>,
}

/// The JSON inside a fragment: short keys, defaults left out.
#[derive(Serialize, Deserialize)]
struct Wire {
    #[serde(rename = "d", default)]
    dockerfile: String,
    #[serde(rename = "f", default, skip_serializing_if = "Vec::is_empty")]
    files: Vec<WireFile>,
    #[serde(rename = "r", default, skip_serializing_if = "String::is_empty")]
    run_line: String,
    #[serde(rename = "p", default, skip_serializing_if = "Vec::is_empty")]
    panels: Vec<String>,
    #[serde(rename = "c", default, skip_serializing_if = "is_false")]
    classic: bool,
    #[serde(rename = "i", default, skip_serializing_if = "Vec::is_empty")]
    bases: Vec<(String, String)>,
}

/// One context file: `t` for UTF-8 text, `b` (base64) for anything else.
#[derive(Serialize, Deserialize)]
struct WireFile {
    #[serde(rename = "n")]
    path: String,
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(rename = "b", default, skip_serializing_if = "Option::is_none")]
    base64: Option<String>,
    #[serde(rename = "x", default, skip_serializing_if = "is_false")]
    executable: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The URL fragment (without the `#`) that [`decode`] turns back into `shared`.
pub fn encode(shared: &Shared) -> String {
    let wire = Wire {
        dockerfile: shared.project.dockerfile.clone(),
        files: shared
            .project
            .files
            .iter()
            .map(|f| {
                let (text, base64) = match std::str::from_utf8(&f.data) {
                    Ok(t) => (Some(t.to_string()), None),
                    Err(_) => (None, Some(STANDARD_NO_PAD.encode(&f.data))),
                };
                WireFile {
                    path: f.path.clone(),
                    text,
                    base64,
                    executable: f.executable,
                }
            })
            .collect(),
        run_line: shared.project.run_line.clone(),
        panels: shared.panels.clone(),
        classic: shared.classic,
        bases: shared.bases.clone(),
    };
    // Serializing plain strings and vectors cannot fail.
    let json = serde_json::to_vec(&wire).unwrap_or_default();
    let deflated = miniz_oxide::deflate::compress_to_vec(&json, 9);
    let mut out = String::with_capacity(1 + deflated.len() * 4 / 3 + 4);
    out.push(VERSION);
    URL_SAFE_NO_PAD.encode_string(&deflated, &mut out);
    out
}

/// Reads a fragment made by [`encode`] (a leading `#` is allowed). Any other input is an error saying
/// what is wrong with it; nothing panics, whatever the input.
pub fn decode(fragment: &str) -> Result<Shared, String> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment).trim();
    if fragment.len() > MAX_FRAGMENT {
        return Err(format!(
            "the link is too long ({} characters; at most {MAX_FRAGMENT})",
            fragment.len()
        ));
    }
    let mut chars = fragment.chars();
    match chars.next() {
        Some(VERSION) => {}
        Some(c) => {
            return Err(format!(
                "the link was made by another version of the playground (format {c:?}, this one reads {VERSION:?})"
            ))
        }
        None => return Err("the link holds no playground state".to_string()),
    }
    let deflated = URL_SAFE_NO_PAD
        .decode(chars.as_str())
        .map_err(|e| format!("the link is damaged (base64: {e})"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, MAX_INFLATED)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => format!(
                "the link expands to more than {} MiB; refusing it",
                MAX_INFLATED >> 20
            ),
            _ => format!("the link is damaged (deflate: {e})"),
        })?;
    let wire: Wire =
        serde_json::from_slice(&json).map_err(|e| format!("the link is damaged (JSON: {e})"))?;
    let mut files = Vec::with_capacity(wire.files.len());
    for f in wire.files {
        let data = match (f.text, f.base64) {
            (Some(t), None) => t.into_bytes(),
            (None, Some(b)) => STANDARD_NO_PAD
                .decode(b.as_bytes())
                .map_err(|e| format!("the link is damaged (file {}: {e})", f.path))?,
            (None, None) => Vec::new(),
            (Some(_), Some(_)) => {
                return Err(format!(
                    "the link is damaged (file {} has both text and bytes)",
                    f.path
                ))
            }
        };
        files.push(ContextFile {
            path: f.path,
            data,
            executable: f.executable,
        });
    }
    Ok(Shared {
        project: Project {
            dockerfile: wire.dockerfile,
            files,
            run_line: wire.run_line,
        },
        panels: wire.panels,
        classic: wire.classic,
        bases: wire.bases,
    })
}

#[cfg(test)]
#[path = "share_tests.rs"]
mod tests;
