//! `docker commit`: an image plus a container's writable layer, with the history entry and config Docker
//! writes. Pure: the container's changeset, its command and the time come in from the caller (the CLI reads
//! them from its store, the playground from its last run; a native backend will hand in what its overlay
//! recorded).
//!
//! What Docker 20.10 writes (observed with `docker commit -m M -a A`, see `tests::…` below):
//! - the history gains `{"created", "author": A, "created_by": the container's `Cmd` joined by spaces (not
//!   its entrypoint: `--entrypoint echo IMG a b` records `a b`), "comment": M}`, each only when not empty;
//! - the image's config becomes the container's (`Cmd`, `Entrypoint`, `Env`, `User`, `WorkingDir` as the run
//!   set them: [`crate::run::container_config`]);
//! - the config's `author` becomes A, and is dropped when `-a` is not given (Docker does not keep the
//!   parent's); the message is not written into the config: `docker image inspect` shows the last history
//!   entry's comment as `Comment`;
//! - `created` is the commit time; `container` is the container's ID and `container_config` its config; the
//!   parent's top-level `comment` (an imported image's `Imported from -`) is not kept;
//! - a container that changed nothing adds no layer: the entry is `"empty_layer": true` and no diff_id is
//!   appended.

use std::sync::Arc;

use strata_image::image::{ContainerConfig, History, ImageConfig};
use strata_image::{Changeset, Digest, Timestamp};

use crate::time::format_rfc3339;
use crate::{BuildError, BuiltImage, Layer};

/// What a commit records besides the layer.
#[derive(Debug, Clone, Copy)]
pub struct Commit<'a> {
    /// The container's ID (64 hex digits), which the config records as `container`.
    pub id: &'a str,
    /// The container's config ([`crate::run::container_config`]): it becomes the image's config, and its
    /// `Cmd` (not the entrypoint), joined by spaces, the history's `created_by`.
    pub container: &'a ContainerConfig,
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
    let author = c.author.filter(|a| !a.is_empty()).map(str::to_owned);
    let created = format_rfc3339(c.now.secs, c.now.nanos);
    config.created = Some(created.clone());
    config.author = author.clone();
    config.config = Some(c.container.clone());
    // Docker writes a new image record: none of the parent's comment, its container is this one.
    config.extra.remove("comment");
    config
        .extra
        .insert("container".to_owned(), serde_json::Value::from(c.id));
    if let Ok(v) = serde_json::to_value(c.container) {
        config.extra.insert("container_config".to_owned(), v);
    }
    if let Some(d) = layer {
        config.rootfs.diff_ids.push(d);
    }
    config.history.push(History {
        created: Some(created),
        author,
        created_by: Some(
            c.container
                .cmd
                .clone()
                .flatten()
                .unwrap_or_default()
                .join(" "),
        )
        .filter(|by| !by.is_empty()),
        comment: c.message.filter(|m| !m.is_empty()).map(str::to_owned),
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
    use crate::run::{container_config, RunOptions};
    use strata_image::{Attrs, Content, NodeKind, Tree};

    const PATH: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// The `created_by` a commit of a container with config `c` records.
    fn created_by_of(c: &ContainerConfig) -> Option<String> {
        let commit = Commit {
            id: "c0ffee",
            container: c,
            now: NOW,
            message: None,
            author: None,
        };
        commit_config(&ImageConfig::default(), None, &commit).history[0]
            .created_by
            .clone()
    }

    fn busybox_config() -> ContainerConfig {
        ContainerConfig {
            env: Some(Some(vec![PATH.to_owned()])),
            cmd: Some(Some(vec!["sh".to_owned()])),
            ..ContainerConfig::default()
        }
    }

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
        config
            .extra
            .insert("comment".to_owned(), "Imported from -".into());
        config.config = Some(busybox_config());
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

    fn opts(line: &[&str]) -> RunOptions {
        let parsed = crate::run::parse_run_line(&format!("docker run {}", line.join(" "))).unwrap();
        parsed.options
    }

    fn strings(v: &[&str]) -> Option<Option<Vec<String>>> {
        Some(Some(v.iter().map(|s| s.to_string()).collect()))
    }

    #[test]
    fn message_and_author_go_where_docker_writes_them() {
        // docker run --name c busybox sh -c 'echo hi > /f'; docker commit -m "my msg" -a "Ann <a@x>" c
        let image = base();
        let container = container_config(
            &busybox_config(),
            &RunOptions {
                args: vec!["sh".into(), "-c".into(), "echo hi > /f".into()],
                ..RunOptions::default()
            },
        );
        let c = Commit {
            id: "c0ffee",
            container: &container,
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
        assert_eq!(out.config.extra["container"], "c0ffee");
        assert_eq!(out.config.extra["container_config"]["Cmd"][0], "sh");
        // The container's command is the new image's CMD.
        let cfg = out.config.config.as_ref().unwrap();
        assert_eq!(cfg.cmd, strings(&["sh", "-c", "echo hi > /f"]));
        assert_eq!(cfg.env, strings(&[PATH]));
        assert_eq!(out.layers.len(), 2);
        assert_eq!(out.config.rootfs.diff_ids.len(), 2);
        assert_eq!(out.config.rootfs.diff_ids[1], out.layers[1].diff_id);
        assert_eq!(out.tree.read("/f").unwrap().bytes().as_ref(), b"hi\n");
    }

    #[test]
    fn without_author_the_parents_author_is_dropped_as_docker_does() {
        let image = base();
        let container = busybox_config();
        for (message, author) in [(None, None), (Some(""), Some(""))] {
            let c = Commit {
                id: "c0ffee",
                container: &container,
                now: NOW,
                message,
                author,
            };
            let out = commit(&image, upper(&image), &c).unwrap();
            assert_eq!(out.config.author, None);
            let h = out.config.history.last().unwrap();
            assert_eq!((h.author.as_ref(), h.comment.as_ref()), (None, None));
            assert_eq!(h.created_by.as_deref(), Some("sh"));
        }
    }

    #[test]
    fn an_unchanged_container_adds_an_empty_layer_entry_and_no_layer() {
        // docker run busybox true; docker commit: `"created_by":"true","empty_layer":true`, one diff_id.
        let image = base();
        let container = container_config(&busybox_config(), &opts(&["busybox", "true"]));
        let c = Commit {
            id: "c0ffee",
            container: &container,
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

    #[test]
    fn the_container_config_is_dockers_merge() {
        // Each case observed with `docker commit` on Docker 20.10 over busybox:latest.
        let bb = busybox_config();
        // -e FOO=1 -w /tmp -u 1:1 --entrypoint echo busybox a b
        let c = container_config(
            &bb,
            &opts(&[
                "-e",
                "FOO=1",
                "-w",
                "/tmp",
                "-u",
                "1:1",
                "--entrypoint",
                "echo",
                "busybox",
                "a",
                "b",
            ]),
        );
        assert_eq!(c.env, strings(&["FOO=1", PATH]));
        assert_eq!(c.entrypoint, strings(&["echo"]));
        assert_eq!(c.cmd, strings(&["a", "b"]));
        assert_eq!(c.user.as_deref(), Some("1:1"));
        assert_eq!(c.working_dir.as_deref(), Some("/tmp"));
        // The history records the Cmd, not the entrypoint.
        assert_eq!(created_by_of(&c).as_deref(), Some("a b"));
        // --entrypoint '' busybox echo x: Entrypoint null, Cmd ["echo","x"].
        let c = container_config(&bb, &opts(&["--entrypoint", "''", "busybox", "echo", "x"]));
        assert_eq!((c.entrypoint, c.cmd), (Some(None), strings(&["echo", "x"])));
        // --entrypoint echo busybox: Cmd null, and no created_by.
        let c = container_config(&bb, &opts(&["--entrypoint", "echo", "busybox"]));
        assert_eq!(c.cmd, Some(None));
        assert_eq!(created_by_of(&c), None);
        // -e PATH=/x:/bin -e B=2 -e PATH=/y:/bin busybox true: the last PATH, where it stands.
        let c = container_config(
            &bb,
            &opts(&[
                "-e",
                "PATH=/x:/bin",
                "-e",
                "B=2",
                "-e",
                "PATH=/y:/bin",
                "busybox",
                "true",
            ]),
        );
        assert_eq!(c.env, strings(&["B=2", "PATH=/y:/bin"]));
        assert_eq!(c.cmd, strings(&["true"]));
        // No options: the image's config unchanged.
        assert_eq!(container_config(&bb, &opts(&["busybox"])), bb);
    }
}
