//! `docker import`: the config of an image made from a root filesystem tarball, with `--change` instructions
//! and `-m`. Pure: the layer's diff_id, the changes and the time come in from the caller (the CLI reads the
//! tarball and stores the layer as it was given).
//!
//! What Docker 20.10 writes (recorded with `docker import`, see the tests below):
//! - one layer, the tarball itself (its diff_id is the sha256 of the uncompressed tar);
//! - one history entry `{"created", "comment"}`, no `created_by`; the comment, and the config's top-level
//!   `comment`, are `-m`'s message or `Imported from -` (`docker import FILE` streams the file, so it is `-`
//!   too);
//! - `config` holds only what the changes set (no default `PATH`, unlike a `FROM scratch` build);
//! - a change is one Dockerfile instruction, one of CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL,
//!   ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR, applied in order with a Dockerfile's semantics
//!   (`ENV A=1 B=$A` gives `B=`, as in a Dockerfile); anything else is refused with
//!   `run is not a valid change command`.

use strata_image::image::{ContainerConfig, History, ImageConfig, RootFs};
use strata_image::{Digest, Overlay, Timestamp, Tree};

use crate::backend::{Backend, ImageSource, RunOutput, RunRequest, SourceImage};
use crate::time::format_rfc3339;
use crate::{BuildError, BuildRequest, Cache};

/// The instructions `--change` accepts, lower case, as Docker names them in its refusal.
pub const CHANGE_COMMANDS: &[&str] = &[
    "cmd",
    "entrypoint",
    "env",
    "expose",
    "healthcheck",
    "label",
    "onbuild",
    "stopsignal",
    "user",
    "volume",
    "workdir",
];

/// What an import records besides the layer.
#[derive(Debug, Clone, Copy)]
pub struct Import<'a> {
    /// `--change`: Dockerfile instructions applied to the empty config, in order.
    pub changes: &'a [String],
    /// `-m`: the history entry's and the image's comment (default `Imported from -`).
    pub message: Option<&'a str>,
    /// When the import happens.
    pub now: Timestamp,
    /// The image's architecture (`amd64`).
    pub architecture: &'a str,
}

/// The config of an image whose only layer has diff_id `layer`, imported as `import` says.
pub fn import_config(layer: Digest, import: &Import<'_>) -> Result<ImageConfig, BuildError> {
    let config = apply_changes(import.changes, import.architecture)?;
    let created = format_rfc3339(import.now.secs, import.now.nanos);
    let comment = import
        .message
        .filter(|m| !m.is_empty())
        .unwrap_or("Imported from -")
        .to_owned();
    let mut image = ImageConfig {
        created: Some(created.clone()),
        architecture: import.architecture.to_owned(),
        os: "linux".to_owned(),
        config: Some(config),
        rootfs: RootFs {
            diff_ids: vec![layer],
            ..RootFs::default()
        },
        history: vec![History {
            created: Some(created),
            comment: Some(comment.clone()),
            ..History::default()
        }],
        ..ImageConfig::default()
    };
    image
        .extra
        .insert("comment".to_owned(), serde_json::Value::from(comment));
    Ok(image)
}

/// The container config the changes make from an empty one. Each change is checked to be one instruction
/// that `--change` accepts, then all of them are applied by the build engine, as the instructions of a
/// Dockerfile over an empty image: one set of semantics for a Dockerfile and a change.
pub fn apply_changes(
    changes: &[String],
    architecture: &str,
) -> Result<ContainerConfig, BuildError> {
    if changes.is_empty() {
        return Ok(ContainerConfig::default());
    }
    let mut dockerfile = String::from("FROM imported\n");
    for change in changes {
        let keyword = change
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_lowercase();
        if !CHANGE_COMMANDS.contains(&keyword.as_str()) {
            return Err(
                BuildError::new(format!("{keyword} is not a valid change command")).with_help(
                    format!(
                        "a change is one Dockerfile instruction, one of {}",
                        CHANGE_COMMANDS.join(", ").to_uppercase()
                    ),
                ),
            );
        }
        if change.contains('\n') {
            return Err(BuildError::new(format!("a change is one line: {change:?}")));
        }
        dockerfile.push_str(change);
        dockerfile.push('\n');
    }
    let empty = EmptyImage(architecture);
    let context = Tree::new();
    let req = BuildRequest {
        no_cache: true,
        ..BuildRequest::new(&dockerfile, &context, Timestamp::default())
    };
    let out = crate::build(&req, &mut NoCommands, &empty, &mut Cache::default()).map_err(|f| {
        // The engine's spans are in the made-up Dockerfile: name the change instead.
        let mut e = *f.error;
        if let Some(span) = e.span.take() {
            if let Some(change) = span.line.checked_sub(2).and_then(|i| changes.get(i)) {
                e.message = format!("--change {change:?}: {}", e.message);
            }
        }
        e
    })?;
    let mut config = out.image.config.config.unwrap_or_default();
    // The engine gives every stage a PATH when its image has none, as BuildKit does; an import has only what
    // the changes set. (So `ENV PATH=$PATH:/x` sees the default PATH here, where Docker's import sees none.)
    // BuildKit marks a CMD or ENTRYPOINT `ArgsEscaped`; the daemon's import does not.
    config.args_escaped = None;
    let sets_path = changes.iter().any(|c| {
        let mut words = c.split_whitespace();
        words.next().is_some_and(|k| k.eq_ignore_ascii_case("env"))
            && words
                .enumerate()
                .any(|(i, w)| w.starts_with("PATH=") || (i == 0 && w == "PATH"))
    });
    if let (Some(Some(env)), false) = (&mut config.env, sets_path) {
        if env.first().map(String::as_str) == Some(crate::engine::DEFAULT_PATH) {
            env.remove(0);
        }
        if env.is_empty() {
            config.env = None;
        }
    }
    Ok(config)
}

/// The image the changes apply to: nothing in it, not even a `PATH`.
struct EmptyImage<'a>(&'a str);

impl ImageSource for EmptyImage<'_> {
    fn image(&self, reference: &str) -> Option<SourceImage> {
        Some(SourceImage {
            reference: reference.to_owned(),
            config: ImageConfig {
                architecture: self.0.to_owned(),
                os: "linux".to_owned(),
                config: Some(ContainerConfig::default()),
                ..ImageConfig::default()
            },
            layers: Vec::new(),
            modelled: false,
            substitute: None,
        })
    }
}

/// The changes run nothing (RUN is not a change command); should the engine ask, it is refused.
struct NoCommands;

impl Backend for NoCommands {
    fn name(&self) -> &'static str {
        "import"
    }

    fn run(&mut self, _fs: &mut Overlay, req: &RunRequest) -> RunOutput {
        RunOutput {
            exit_code: 126,
            start_error: Some(format!(
                "an import's changes run no command ({})",
                req.argv.join(" ")
            )),
            ..RunOutput::default()
        }
    }
}

/// The tests' layer digest.
#[cfg(test)]
fn some_layer() -> Digest {
    Digest::of(b"layer")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import(changes: &[&str], message: Option<&str>) -> Result<ImageConfig, BuildError> {
        let changes: Vec<String> = changes.iter().map(|c| c.to_string()).collect();
        import_config(
            some_layer(),
            &Import {
                changes: &changes,
                message,
                now: Timestamp {
                    secs: 1_800_000_000,
                    nanos: 5,
                },
                architecture: "amd64",
            },
        )
    }

    /// Recorded: `docker import -c 'ENV A=1 B=$A' -c 'WORKDIR /w/$A' -c 'CMD echo hi'
    /// -c 'HEALTHCHECK CMD true' -m "my msg" busybox-rootfs-mnt.tar` (Docker 20.10).
    #[test]
    fn changes_apply_as_dockerfile_instructions_and_the_message_is_the_comment() {
        let c = import(
            &[
                "ENV A=1 B=$A",
                "WORKDIR /w/$A",
                "CMD echo hi",
                "HEALTHCHECK CMD true",
            ],
            Some("my msg"),
        )
        .unwrap();
        let cc = c.config.clone().unwrap();
        assert_eq!(cc.env, Some(Some(vec!["A=1".into(), "B=".into()])));
        assert_eq!(cc.working_dir.as_deref(), Some("/w/1"));
        assert_eq!(
            cc.cmd,
            Some(Some(vec!["/bin/sh".into(), "-c".into(), "echo hi".into()]))
        );
        assert_eq!(
            cc.healthcheck.as_ref().and_then(|h| h.test.clone()),
            Some(vec!["CMD-SHELL".into(), "true".into()])
        );
        assert_eq!(c.history.len(), 1);
        assert_eq!(c.history[0].comment.as_deref(), Some("my msg"));
        assert_eq!(c.history[0].created_by, None);
        assert!(!c.history[0].empty_layer);
        assert_eq!(c.extra["comment"], "my msg");
        assert_eq!(c.rootfs.diff_ids, vec![some_layer()]);
        assert_eq!(c.created.as_deref(), Some("2027-01-15T08:00:00.000000005Z"));
    }

    /// Recorded: `docker import --change 'CMD ["sh"]' --change 'ENV PATH=…'` (the oracle's busybox:mnt).
    #[test]
    fn without_a_message_the_comment_is_imported_from_dash_and_no_path_is_added() {
        let c = import(&[], None).unwrap();
        assert_eq!(c.history[0].comment.as_deref(), Some("Imported from -"));
        assert_eq!(c.config.unwrap().env, None);
        let c = import(
            &[
                r#"CMD ["sh"]"#,
                "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ],
            None,
        )
        .unwrap();
        let cc = c.config.unwrap();
        assert_eq!(cc.cmd, Some(Some(vec!["sh".into()])));
        assert_eq!(cc.args_escaped, None);
        assert_eq!(
            cc.env,
            Some(Some(vec![
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into()
            ]))
        );
    }

    /// Recorded: `docker import --change 'RUN echo'` says `run is not a valid change command`;
    /// `FOO bar` says `foo is not a valid change command`.
    #[test]
    fn an_instruction_that_is_not_a_change_command_is_refused() {
        let e = import(&["RUN echo"], None).unwrap_err();
        assert_eq!(e.message, "run is not a valid change command");
        let e = import(&["FOO bar"], None).unwrap_err();
        assert_eq!(e.message, "foo is not a valid change command");
        let e = import(&["EXPOSE notaport"], None).unwrap_err();
        assert!(
            e.message.starts_with("--change \"EXPOSE notaport\": "),
            "{}",
            e.message
        );
    }
}
