//! `docker image inspect`'s JSON for an image config: every field docker prints, in docker's order, with
//! the facts only a store knows (tags, size, last tag time) passed in.
//!
//! Shared by the CLI's `inspect` verb and the playground's inspect panel; pure data, no store.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::image::{Annotations, ContainerConfig, EmptyObject, Healthcheck, ImageConfig};
use crate::Digest;

/// The container config as docker's inspect shows it: every field, in docker's order.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectConfig {
    hostname: String,
    domainname: String,
    user: String,
    attach_stdin: bool,
    attach_stdout: bool,
    attach_stderr: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    exposed_ports: Option<BTreeMap<String, EmptyObject>>,
    tty: bool,
    open_stdin: bool,
    stdin_once: bool,
    env: Option<Vec<String>>,
    cmd: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    healthcheck: Option<Healthcheck>,
    #[serde(skip_serializing_if = "Option::is_none")]
    args_escaped: Option<bool>,
    image: String,
    volumes: Option<BTreeMap<String, EmptyObject>>,
    working_dir: String,
    entrypoint: Option<Vec<String>>,
    on_build: Option<Vec<String>>,
    labels: Option<Annotations>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stop_signal: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shell: Option<Vec<String>>,
}

impl From<&ContainerConfig> for InspectConfig {
    fn from(c: &ContainerConfig) -> Self {
        let s = |k: &str| {
            c.extra
                .get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let b = |k: &str| c.extra.get(k).and_then(|v| v.as_bool()).unwrap_or(false);
        InspectConfig {
            hostname: s("Hostname"),
            domainname: s("Domainname"),
            user: c.user.clone().unwrap_or_default(),
            attach_stdin: b("AttachStdin"),
            attach_stdout: b("AttachStdout"),
            attach_stderr: b("AttachStderr"),
            exposed_ports: c.exposed_ports.clone().flatten().filter(|m| !m.is_empty()),
            tty: b("Tty"),
            open_stdin: b("OpenStdin"),
            stdin_once: b("StdinOnce"),
            env: c.env.clone().flatten(),
            cmd: c.cmd.clone().flatten(),
            healthcheck: c.healthcheck.clone(),
            args_escaped: c.args_escaped.filter(|&a| a),
            image: s("Image"),
            volumes: c.volumes.clone().flatten(),
            working_dir: c.working_dir.clone().unwrap_or_default(),
            entrypoint: c.entrypoint.clone().flatten(),
            on_build: c.on_build.clone().flatten(),
            labels: c.labels.clone().flatten(),
            stop_signal: c.stop_signal.clone(),
            shell: c.shell.clone().flatten().filter(|v| !v.is_empty()),
        }
    }
}

/// One element of `docker image inspect`'s array.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Inspect {
    id: String,
    repo_tags: Vec<String>,
    repo_digests: Vec<String>,
    parent: String,
    comment: String,
    created: String,
    container: String,
    container_config: InspectConfig,
    docker_version: String,
    author: String,
    config: InspectConfig,
    architecture: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    variant: Option<String>,
    os: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    os_version: Option<String>,
    size: u64,
    virtual_size: u64,
    #[serde(rename = "RootFS")]
    root_fs: InspectRootFs,
    metadata: InspectMetadata,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectRootFs {
    #[serde(rename = "Type")]
    kind: String,
    layers: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectMetadata {
    last_tag_time: String,
}

const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// What `docker image inspect` shows for the image with `config`, ID `id` and the store's facts (`tags`,
/// content `size`, the time it was last tagged).
pub fn inspect(
    config: &ImageConfig,
    id: &Digest,
    tags: Vec<String>,
    size: u64,
    last_tag_time: Option<String>,
) -> Inspect {
    let c = config;
    let extra = |k: &str| {
        c.extra
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let container_config = c
        .extra
        .get("container_config")
        .and_then(|v| serde_json::from_value::<ContainerConfig>(v.clone()).ok())
        .unwrap_or_default();
    Inspect {
        id: id.to_string(),
        repo_tags: tags,
        repo_digests: Vec::new(),
        parent: extra("parent"),
        // Docker: the config's comment, else the last history entry's (`buildkit.dockerfile.v0` for a
        // BuildKit image, `docker commit -m`'s message for a committed one).
        comment: Some(extra("comment"))
            .filter(|c| !c.is_empty())
            .or_else(|| c.history.last().and_then(|h| h.comment.clone()))
            .unwrap_or_default(),
        created: c.created.clone().unwrap_or_else(|| ZERO_TIME.to_string()),
        container: extra("container"),
        container_config: (&container_config).into(),
        docker_version: extra("docker_version"),
        author: c.author.clone().unwrap_or_default(),
        config: (&c.config.clone().unwrap_or_default()).into(),
        architecture: c.architecture.clone(),
        variant: c.variant.clone(),
        os: c.os.clone(),
        os_version: c.os_version.clone(),
        size,
        virtual_size: size,
        root_fs: InspectRootFs {
            kind: c.rootfs.kind.clone(),
            layers: c.rootfs.diff_ids.iter().map(|d| d.to_string()).collect(),
        },
        metadata: InspectMetadata {
            last_tag_time: last_tag_time.unwrap_or_else(|| ZERO_TIME.to_string()),
        },
    }
}

/// `items` as docker prints them: a JSON array indented by four spaces, with a final newline.
pub fn to_json_pretty(items: &[Inspect]) -> Vec<u8> {
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    // Serializing plain structs of strings, numbers and maps into a Vec cannot fail.
    let _ = items.serialize(&mut ser);
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::History;

    fn comment_of(config: &ImageConfig) -> String {
        let json = to_json_pretty(&[inspect(config, &Digest::of(b"x"), Vec::new(), 0, None)]);
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        v[0]["Comment"].as_str().unwrap().to_owned()
    }

    #[test]
    fn comment_falls_back_to_the_last_history_entry_as_docker_shows_it() {
        // Observed on Docker 20.10: a BuildKit image shows "buildkit.dockerfile.v0", busybox "Imported from
        // -", `docker commit -m M` shows M; none of them has a comment in its config.
        let mut c = ImageConfig::default();
        assert_eq!(comment_of(&c), "");
        c.history.push(History {
            comment: Some("buildkit.dockerfile.v0".to_owned()),
            ..History::default()
        });
        assert_eq!(comment_of(&c), "buildkit.dockerfile.v0");
        c.extra
            .insert("comment".to_owned(), serde_json::Value::from("own"));
        assert_eq!(comment_of(&c), "own");
    }
}
