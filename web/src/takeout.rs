//! Taking an image out of the page, honestly: what a downloaded image holds, and what runs instead.
//!
//! An image the page builds sits on the simulator's model of its base: Docker loads its archive, but the
//! base's programs are stand-ins (modelled bytes), so `docker run` fails with `exec /bin/ls: exec format
//! error`. [`holds_stand_ins`] says whether an image has such files, [`STAND_INS_NOTE`] says so in plain
//! words, and [`context_tar`] is what does run: the Dockerfile and its build context as one tar, for
//! `docker build -t NAME - < context.tar`.

use strata_build::BuiltImage;
use strata_image::{layer, Changeset, Entry, EntryKind, NodeKind, Timestamp};

use crate::project::{ContextFile, Project};
use crate::project_tree::{context_tree, normalize_path};

/// What the page says about an image with stand-ins, at the download and after it.
pub const STAND_INS_NOTE: &str = "This image is built on the simulator's model of its base image: Docker \
    loads it, but its programs are stand-ins, so `docker run` fails with `exec /bin/ls: exec format error`. \
    The download writes the modelled files' bytes, so its image ID is not the one inspect shows. \
    For an image that runs, download the Dockerfile + context and build it with Docker: \
    `docker build -t NAME - < context.tar`.";

/// True when one of `image`'s layers holds a modelled file (the simulator's base images' programs and the
/// files its modelled tools write): bytes made up to the right size, not the real program.
pub fn holds_stand_ins(image: &BuiltImage) -> bool {
    image.layers.iter().any(|l| {
        l.changeset
            .entries
            .iter()
            .any(|e| matches!(&e.kind, EntryKind::File(c) if c.is_modelled()))
    })
}

/// The file name of the context tar for an image tagged `tag` (`web-latest.context.tar`).
pub fn context_tar_name(tag: &str) -> String {
    let stem: String = tag
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{stem}.context.tar")
}

/// The project as a build context tar for `docker build - < context.tar`: `Dockerfile` (the editor's
/// text, in place of a context file of that name) and the context's files with their modes (0644, 0755
/// with the exec bit) and parent directories (0755), owned by 0:0, every mtime `now`, in Docker's tar order.
pub fn context_tar(project: &Project, now: Timestamp) -> Result<Vec<u8>, String> {
    let mut with_dockerfile = Project {
        dockerfile: String::new(),
        files: project
            .files
            .iter()
            .filter(|f| normalize_path(&f.path).as_deref() != Some("Dockerfile"))
            .cloned()
            .collect(),
        run_line: String::new(),
    };
    with_dockerfile
        .files
        .insert(0, ContextFile::text("Dockerfile", &project.dockerfile));
    let tree = context_tree(&with_dockerfile, now);
    let entries = tree
        .entries()
        .into_iter()
        .filter_map(|(path, st)| {
            let kind = match st.kind {
                NodeKind::Dir => EntryKind::Dir,
                NodeKind::File(c) => EntryKind::File(c),
                _ => return None,
            };
            Some(Entry {
                path,
                attrs: st.attrs,
                kind,
            })
        })
        .collect();
    // `to_tar`, not `write_layer(…, Compression::None)` nor `write_tar` into a hashing `Vec`: either changes
    // how `write_layer` is optimized and brings the gzip encoder into the wasm (+41–53 KB of the download).
    layer::to_tar(&Changeset { entries }).map_err(|e| format!("writing the context tar: {e}"))
}
