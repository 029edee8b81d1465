//! The OCI and Docker image model: config, history, manifest, index, descriptors, media types, and the
//! `manifest.json` of a `docker save` archive.
//!
//! These are wire formats, so they are serde types: field names follow the specs exactly (OCI `config.md`,
//! `manifest.md`, `image-index.md`, `descriptor.md`; Docker's image spec for `Healthcheck`, `OnBuild`,
//! `Shell`). Keys this model does not name (Docker's legacy `container_config`, `Hostname`, …) are kept in
//! `extra` maps so that reading and writing again loses nothing; an image's ID, however, is the digest of the
//! config bytes as stored, so re-saving an image reuses those bytes rather than re-serializing.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::{Digest, Error, Result};

/// Media types of the OCI image spec and their Docker counterparts (OCI `media-types.md`).
pub mod media_types {
    /// OCI image manifest.
    pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
    /// OCI image index.
    pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
    /// OCI image config.
    pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
    /// OCI layer, uncompressed.
    pub const OCI_LAYER: &str = "application/vnd.oci.image.layer.v1.tar";
    /// OCI layer, gzip.
    pub const OCI_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
    /// OCI layer, zstd.
    pub const OCI_LAYER_ZSTD: &str = "application/vnd.oci.image.layer.v1.tar+zstd";
    /// OCI non-distributable layer (deprecated), uncompressed.
    pub const OCI_LAYER_NONDISTRIBUTABLE: &str =
        "application/vnd.oci.image.layer.nondistributable.v1.tar";
    /// OCI non-distributable layer (deprecated), gzip.
    pub const OCI_LAYER_NONDISTRIBUTABLE_GZIP: &str =
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    /// OCI non-distributable layer (deprecated), zstd.
    pub const OCI_LAYER_NONDISTRIBUTABLE_ZSTD: &str =
        "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";
    /// Docker image manifest (schema 2).
    pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
    /// Docker manifest list (the index's counterpart).
    pub const DOCKER_MANIFEST_LIST: &str =
        "application/vnd.docker.distribution.manifest.list.v2+json";
    /// Docker image config.
    pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
    /// Docker layer, gzip (≡ the OCI gzip layer).
    pub const DOCKER_LAYER_GZIP: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    /// Docker layer, uncompressed.
    pub const DOCKER_LAYER: &str = "application/vnd.docker.image.rootfs.diff.tar";
    /// Docker foreign layer, gzip.
    pub const DOCKER_FOREIGN_LAYER_GZIP: &str =
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

    /// Whether `media_type` names a layer (of either family, any compression).
    pub fn is_layer(media_type: &str) -> bool {
        media_type.starts_with("application/vnd.oci.image.layer.")
            || media_type.starts_with("application/vnd.docker.image.rootfs.")
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Digest, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Digest;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a digest like sha256:<64 hex digits>")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Digest, E> {
                v.parse()
                    .map_err(|_| E::custom(format!("invalid digest {v:?}")))
            }
        }
        d.deserialize_str(V)
    }
}

/// A string-to-string map (annotations, labels).
pub type Annotations = BTreeMap<String, String>;

/// Keys a type does not model, kept for round trips.
pub type Extra = BTreeMap<String, serde_json::Value>;

/// Points at a blob: what it is, its digest and size (OCI `descriptor.md`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    /// The blob's media type.
    pub media_type: String,
    /// The blob's digest.
    pub digest: Digest,
    /// The blob's size in bytes.
    pub size: u64,
    /// Where else the blob can be fetched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urls: Option<Vec<String>>,
    /// Arbitrary metadata (`org.opencontainers.image.ref.name` names a tag in an OCI layout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Annotations>,
    /// The blob itself, base64, for tiny blobs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// The artifact type, for artifacts that are not images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// In an index: the platform the manifest is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
}

impl Descriptor {
    /// A descriptor of `bytes` with no optional fields.
    pub fn of(media_type: &str, bytes: &[u8]) -> Descriptor {
        Descriptor {
            media_type: media_type.to_string(),
            digest: Digest::of(bytes),
            size: bytes.len() as u64,
            urls: None,
            annotations: None,
            data: None,
            artifact_type: None,
            platform: None,
        }
    }
}

/// The platform of an image (OCI `image-index.md`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Platform {
    /// CPU architecture, in Go's names (`amd64`, `arm64`).
    pub architecture: String,
    /// Operating system, in Go's names (`linux`).
    pub os: String,
    /// Operating system version (Windows).
    #[serde(
        rename = "os.version",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub os_version: Option<String>,
    /// Required OS features (Windows).
    #[serde(
        rename = "os.features",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub os_features: Option<Vec<String>>,
    /// CPU variant (`v8` for arm64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
}

/// An image manifest (OCI `manifest.md`, Docker schema 2): the config and the layers, base first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// Always 2.
    pub schema_version: u32,
    /// [`media_types::OCI_MANIFEST`] or [`media_types::DOCKER_MANIFEST`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// The artifact type, for artifacts that are not images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// The image config blob.
    pub config: Descriptor,
    /// The layer blobs, base first.
    pub layers: Vec<Descriptor>,
    /// The manifest this one refers to (referrers API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Descriptor>,
    /// Arbitrary metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Annotations>,
}

/// An image index or Docker manifest list (OCI `image-index.md`); also an OCI layout's `index.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Index {
    /// Always 2.
    pub schema_version: u32,
    /// [`media_types::OCI_INDEX`] or [`media_types::DOCKER_MANIFEST_LIST`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// The artifact type, for artifacts that are not images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// The manifests, each with its platform.
    pub manifests: Vec<Descriptor>,
    /// The manifest this one refers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Descriptor>,
    /// Arbitrary metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Annotations>,
}

/// The image config (OCI `config.md` with Docker's extensions): what the image runs and how its layers stack.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageConfig {
    /// When the image was created, RFC 3339 (kept as written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Who created it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// CPU architecture (`amd64`).
    pub architecture: String,
    /// CPU variant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// Operating system (`linux`).
    pub os: String,
    /// Operating system version.
    #[serde(
        rename = "os.version",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub os_version: Option<String>,
    /// Required OS features.
    #[serde(
        rename = "os.features",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub os_features: Option<Vec<String>>,
    /// The defaults a container of this image runs with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ContainerConfig>,
    /// The layers' diff_ids, base first.
    pub rootfs: RootFs,
    /// One entry per build step, those that made no layer marked `empty_layer`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<History>,
    /// Keys not modelled here (Docker's legacy `container`, `container_config`, `docker_version`, `parent`…).
    #[serde(flatten)]
    pub extra: Extra,
}

/// `rootfs`: always `{"type": "layers", "diff_ids": [...]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootFs {
    /// Always `layers`.
    #[serde(rename = "type")]
    pub kind: String,
    /// sha256 of each uncompressed layer tar, base first.
    pub diff_ids: Vec<Digest>,
}

impl Default for RootFs {
    fn default() -> Self {
        RootFs {
            kind: "layers".to_string(),
            diff_ids: Vec::new(),
        }
    }
}

/// One history entry: a build step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// When, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Who.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The step's text (`RUN /bin/sh -c … # buildkit`, `/bin/sh -c #(nop)  CMD …`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// A comment (`buildkit.dockerfile.v0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// True when the step made no layer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub empty_layer: bool,
}

/// The runtime defaults of a container (`config` in the image config), with Docker's extensions.
///
/// The list and map fields distinguish absent (`None`) from an explicit JSON `null` (`Some(None)`): Go writes
/// nil slices and maps as `null`, and which keys are there is part of a builder's config shape (BuildKit's
/// `"OnBuild": null`, the legacy builder's `"Volumes": null`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerConfig {
    /// `USER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// `EXPOSE`: keys `port/tcp` or `port/udp`, values `{}`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub exposed_ports: Option<Option<BTreeMap<String, EmptyObject>>>,
    /// `ENV`, as `KEY=value`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub env: Option<Option<Vec<String>>>,
    /// `ENTRYPOINT`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub entrypoint: Option<Option<Vec<String>>>,
    /// `CMD`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub cmd: Option<Option<Vec<String>>>,
    /// `VOLUME`: keys paths, values `{}`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub volumes: Option<Option<BTreeMap<String, EmptyObject>>>,
    /// `WORKDIR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    /// `LABEL`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub labels: Option<Option<Annotations>>,
    /// `STOPSIGNAL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_signal: Option<String>,
    /// Deprecated (Windows): the command line is already escaped. BuildKit writes `true` on Linux too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args_escaped: Option<bool>,
    /// `HEALTHCHECK` (Docker).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Healthcheck>,
    /// `ONBUILD` triggers (Docker).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub on_build: Option<Option<Vec<String>>>,
    /// `SHELL` (Docker).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub shell: Option<Option<Vec<String>>>,
    /// Keys not modelled here (`Hostname`, `Image`, `AttachStdin`, … in legacy configs).
    #[serde(flatten)]
    pub extra: Extra,
}

/// `{}`: the value type of `ExposedPorts` and `Volumes`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmptyObject {}

/// `HEALTHCHECK` settings; durations in nanoseconds, as Docker stores them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Healthcheck {
    /// `["NONE"]`, `["CMD", args…]` or `["CMD-SHELL", command]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<Vec<String>>,
    /// `--interval`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<i64>,
    /// `--timeout`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i64>,
    /// `--start-period`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_period: Option<i64>,
    /// `--start-interval`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_interval: Option<i64>,
    /// `--retries`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<i64>,
}

/// Deserializes a present field as `Some(value or null)`, so that absent stays `None`.
fn present<'de, D, T>(d: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// One image in a `docker save` archive's `manifest.json` (an array of these).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ArchiveManifestItem {
    /// Path of the config JSON inside the archive.
    pub config: String,
    /// `name:tag` references; `null` for an untagged image.
    #[serde(default)]
    pub repo_tags: Option<Vec<String>>,
    /// Paths of the layer tars, base first.
    pub layers: Vec<String>,
    /// The parent image ID (old archives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Descriptors of foreign layers, by diff_id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer_sources: Option<BTreeMap<Digest, Descriptor>>,
}

/// An OCI layout's `oci-layout` file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OciLayout {
    /// `1.0.0`.
    pub image_layout_version: String,
}

impl ImageConfig {
    /// Parses a config blob.
    pub fn from_json(bytes: &[u8]) -> Result<ImageConfig> {
        from_json("image config", bytes)
    }

    /// Checks what loaders check: `rootfs.type` is `layers`, and when there is a history, its entries that
    /// made a layer are as many as the diff_ids.
    pub fn validate(&self) -> Result<()> {
        if self.rootfs.kind != "layers" {
            return Err(Error::Format {
                what: "image config",
                reason: format!("rootfs type {:?}", self.rootfs.kind),
            });
        }
        let layers = self.history.iter().filter(|h| !h.empty_layer).count();
        if !self.history.is_empty() && layers != self.rootfs.diff_ids.len() {
            return Err(Error::Format {
                what: "image config",
                reason: format!(
                    "{layers} history entries made a layer but there are {} diff_ids",
                    self.rootfs.diff_ids.len()
                ),
            });
        }
        Ok(())
    }

    /// The ChainID of the image's layers (`None` without layers).
    pub fn chain_id(&self) -> Option<Digest> {
        crate::digest::chain_id(&self.rootfs.diff_ids)
    }
}

/// Parses a JSON document of the image formats; `what` names it in the error.
pub fn from_json<'a, T: Deserialize<'a>>(what: &'static str, bytes: &'a [u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| Error::Format {
        what,
        reason: e.to_string(),
    })
}

/// Serializes compactly, keys in declaration order (as Docker and BuildKit write them).
pub fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    // The model has only string keys and serializable values: this cannot fail.
    serde_json::to_vec(value).unwrap_or_default()
}
