//! `docker commit`: an image plus a container's writable layer, with the history entry and config Docker
//! writes. Pure: the container's changeset, its command and the time come in from the caller (the CLI reads
//! them from its store, the playground from its last run; a native backend will hand in what its overlay
//! recorded).
//!
//! What Docker 20.10 writes (observed with `docker commit -m M -a A`, see `tests::…` below):
//! - the history gains `{"created", "author": A, "created_by": the container's command joined by spaces,
//!   "comment": M}`, `author` and `comment` only when given;
//! - the config's `author` becomes A, and is dropped when `-a` is not given (Docker does not keep the
//!   parent's); the message is not written into the config: `docker image inspect` shows the last history
//!   entry's comment as `Comment`;
//! - `created` is the commit time;
//! - a container that changed nothing adds no layer: the entry is `"empty_layer": true` and no diff_id is
//!   appended.

use std::sync::Arc;

use strata_image::image::{History, ImageConfig};
use strata_image::{Changeset, Digest, Timestamp};

use crate::time::format_rfc3339;
use crate::{BuildError, BuiltImage, Layer};

/// What a commit records besides the layer.
#[derive(Debug, Clone, Copy)]
pub struct Commit<'a> {
    /// The container's command, joined by spaces into the history's `created_by`.
    pub command: &'a [String],
    /// When the commit happens.
    pub now: Timestamp,
    /// `-m`: the history entry's comment.
    pub message: Option<&'a str>,
    /// `-a`: the image's and the history entry's author.
    pub author: Option<&'a str>,
}

/// The config of the image `config` committed with a layer whose diff_id is `layer` (`None` when the
/// container changed nothing).
pub fn commit_config(config: &ImageConfig, layer: Option<Digest>, c: &Commit<'_>) -> ImageConfig {
    let mut config = config.clone();
    let created = format_rfc3339(c.now.secs, c.now.nanos);
    config.created = Some(created.clone());
    config.author = c.author.map(str::to_owned);
    if let Some(d) = layer {
        config.rootfs.diff_ids.push(d);
    }
    config.history.push(History {
        created: Some(created),
        author: c.author.map(str::to_owned),
        created_by: Some(c.command.join(" ")),
        comment: c.message.map(str::to_owned),
        empty_layer: layer.is_none(),
    });
    config
}

/// `image` committed with the container's writable layer `upper`: the config of [`commit_config`], the
/// layer on top (none when `upper` is empty), and the merged filesystem with `upper` applied.
pub fn commit(
    image: &BuiltImage,
    upper: Arc<Changeset>,
    c: &Commit<'_>,
) -> Result<BuiltImage, BuildError> {
    let mut layers = image.layers.clone();
    let mut tree = (*image.tree).clone();
    upper
        .apply(&mut tree)
        .map_err(|e| BuildError::new(format!("applying the container's layer: {e}")))?;
    let diff_id = if upper.entries.is_empty() {
        None
    } else {
        let layer = Layer::new(upper)?;
        let d = layer.diff_id;
        layers.push(layer);
        Some(d)
    };
    Ok(BuiltImage {
        config: commit_config(&image.config, diff_id, c),
        layers,
        tree: Arc::new(tree),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_image::{Attrs, Content, NodeKind, Tree};

    fn base() -> BuiltImage {
        let mut tree = Tree::new();
        let attrs = Attrs::new(0o644, 0, 0, Timestamp::default());
        tree.insert("/a", attrs, NodeKind::File(Content::from(b"a".to_vec())))
            .unwrap();
        let cs = Arc::new(strata_image::diff(&Tree::new(), &tree));
        let layer = Layer::new(cs).unwrap();
        let mut config = ImageConfig::default();
        config.rootfs.diff_ids.push(layer.diff_id);
        config.author = Some("Bob".to_owned());
        config.history.push(History {
            created_by: Some("base".to_owned()),
            ..History::default()
        });
        BuiltImage {
            config,
            layers: vec![layer],
            tree: Arc::new(tree),
        }
    }

    fn upper(image: &BuiltImage) -> Arc<Changeset> {
        let mut after = (*image.tree).clone();
        let attrs = Attrs::new(0o644, 0, 0, Timestamp::default());
        after
            .insert("/f", attrs, NodeKind::File(Content::from(b"hi\n".to_vec())))
            .unwrap();
        Arc::new(strata_image::diff(&image.tree, &after))
    }

    const NOW: Timestamp = Timestamp {
        secs: 1_700_000_000,
        nanos: 5,
    };

    #[test]
    fn message_and_author_go_where_docker_writes_them() {
        let image = base();
        let command = ["sh".to_owned(), "-c".to_owned(), "echo hi > /f".to_owned()];
        let c = Commit {
            command: &command,
            now: NOW,
            message: Some("my msg"),
            author: Some("Ann <a@x>"),
        };
        let out = commit(&image, upper(&image), &c).unwrap();
        let h = out.config.history.last().unwrap();
        assert_eq!(h.created_by.as_deref(), Some("sh -c echo hi > /f"));
        assert_eq!(h.comment.as_deref(), Some("my msg"));
        assert_eq!(h.author.as_deref(), Some("Ann <a@x>"));
        assert!(!h.empty_layer);
        assert_eq!(h.created.as_deref(), Some("2023-11-14T22:13:20.000000005Z"));
        assert_eq!(out.config.created, h.created);
        assert_eq!(out.config.author.as_deref(), Some("Ann <a@x>"));
        // The message is not a config field: `docker image inspect` reads it from the history.
        assert!(!out.config.extra.contains_key("comment"));
        assert_eq!(out.layers.len(), 2);
        assert_eq!(out.config.rootfs.diff_ids.len(), 2);
        assert_eq!(out.config.rootfs.diff_ids[1], out.layers[1].diff_id);
        assert_eq!(out.tree.read("/f").unwrap().bytes().as_ref(), b"hi\n");
    }

    #[test]
    fn without_author_the_parents_author_is_dropped_as_docker_does() {
        let image = base();
        let c = Commit {
            command: &["true".to_owned()],
            now: NOW,
            message: None,
            author: None,
        };
        let out = commit(&image, upper(&image), &c).unwrap();
        assert_eq!(out.config.author, None);
        let h = out.config.history.last().unwrap();
        assert_eq!((h.author.as_ref(), h.comment.as_ref()), (None, None));
    }

    #[test]
    fn an_unchanged_container_adds_an_empty_layer_entry_and_no_layer() {
        let image = base();
        let c = Commit {
            command: &["true".to_owned()],
            now: NOW,
            message: None,
            author: None,
        };
        let out = commit(&image, Arc::new(Changeset::default()), &c).unwrap();
        assert_eq!(out.layers.len(), 1);
        assert_eq!(out.config.rootfs.diff_ids.len(), 1);
        let h = out.config.history.last().unwrap();
        assert!(h.empty_layer);
        assert_eq!(h.created_by.as_deref(), Some("true"));
    }
}
