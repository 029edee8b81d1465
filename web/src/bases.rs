//! Bring your own base: images the user uploads (a `docker save` tar or an OCI archive, plain or gzip) or
//! fetches (an OCI image layout on a static host, or a registry's v2 API) become bases for `FROM`, with
//! their real files.
//!
//! This module is the plain-Rust half, tested natively: reading an archive into [`SourceImage`]s (real, not
//! modelled) with `strata_image::archive::read_archive`, what the page lists of each ([`BaseInfo`]), and
//! turning fetched blobs into one OCI archive ([`fetched_archive`]), so an upload and a fetch are cached and
//! loaded the same way. The page's half (fetching, the Cache API, the list) is `components::base_images`.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use strata_build::SourceImage;
use strata_image::archive::{read_archive, write_oci_archive, ArchiveImage, LayerBlob};
use strata_image::image::{from_json, ImageConfig, Index, Manifest};
use strata_image::layer::{Compression, ReadLimits};
use strata_image::Digest;

/// The largest archive the page reads (1 GiB expanded): the tab's memory is the real limit.
pub const LIMITS: ReadLimits = ReadLimits {
    max_expanded: 1 << 30,
    max_entries: 500_000,
};

/// One loaded base image, as the page lists it and a share link records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseInfo {
    /// The reference `FROM` names it by (`myapp:1`).
    pub reference: String,
    /// Its layers' uncompressed size in bytes.
    pub size: u64,
    /// Where it came from: `upload: myapp.tar` or `url: https://…`.
    pub from: String,
    /// The key its archive is cached under in the page.
    pub key: String,
}

impl BaseInfo {
    /// What to ask the user when a shared project needs this image and it is not loaded here.
    pub fn missing_note(reference: &str, from: &str) -> String {
        match from.strip_prefix("url: ") {
            Some(url) => format!(
                "This project uses `{reference}` fetched from {url}; it is not loaded here: fetch it again under Base images."
            ),
            None => format!(
                "This project uses `{reference}` uploaded from {}; it is not loaded here: upload it again under Base images.",
                from.strip_prefix("upload: ").unwrap_or(from)
            ),
        }
    }
}

/// The images an archive holds, each under every tag it has (an untagged image under `name:latest`, the
/// file name without its extensions, lower-cased), as real bases.
pub fn images_from_archive(bytes: &[u8], name: &str) -> Result<Vec<SourceImage>, String> {
    let images = read_archive(bytes, &LIMITS).map_err(|e| e.to_string())?;
    if images.is_empty() {
        return Err("the archive holds no image".to_string());
    }
    let mut out = Vec::new();
    for img in images {
        let config = img.image_config().map_err(|e| e.to_string())?;
        let mut layers = Vec::new();
        for l in &img.layers {
            layers.push(Arc::new(l.changeset(&LIMITS).map_err(|e| e.to_string())?));
        }
        let mut tags = img.tags.clone();
        if tags.is_empty() {
            tags.push(format!("{}:latest", untagged_name(name)));
        }
        for reference in tags {
            out.push(SourceImage {
                reference,
                config: config.clone(),
                layers: layers.clone(),
                modelled: false,
                substitute: None,
            });
        }
    }
    Ok(out)
}

/// `My App.v2.tar.gz` → `my-app`.
fn untagged_name(file: &str) -> String {
    let stem = file.rsplit('/').next().unwrap_or(file);
    let stem = stem.split('.').next().unwrap_or(stem);
    let name: String = stem
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '_' | '-') => c,
            _ => '-',
        })
        .collect();
    let name = name.trim_matches('-');
    if name.is_empty() {
        "uploaded".to_string()
    } else {
        name.to_string()
    }
}

/// The uncompressed size of an image's layers.
pub fn image_size(image: &SourceImage) -> u64 {
    image.layers.iter().map(|l| l.content_size()).sum()
}

/// The Accept header a registry is asked for a manifest with: images and indexes, OCI and Docker.
pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

/// A fetched manifest document: one image, or an index whose entry for `linux/amd64` (else the first image)
/// is fetched next.
pub enum Fetched {
    /// An image manifest.
    Image(Box<Manifest>),
    /// The digest of the manifest an index points to.
    Next(Digest),
}

/// Reads a fetched manifest or index.
pub fn read_manifest(bytes: &[u8]) -> Result<Fetched, String> {
    // An index has no `config`, so it is not a manifest.
    if let Ok(m) = from_json::<Manifest>("manifest", bytes) {
        return Ok(Fetched::Image(Box::new(m)));
    }
    let index: Index = from_json("manifest or index", bytes).map_err(|e| e.to_string())?;
    let amd64 = index.manifests.iter().find(|d| {
        d.platform
            .as_ref()
            .is_some_and(|p| p.os == "linux" && p.architecture == "amd64")
    });
    let pick = amd64
        .or_else(|| index.manifests.first())
        .ok_or("the index lists no image")?;
    Ok(Fetched::Next(pick.digest))
}

/// The OCI archive of one fetched image: its config and layer blobs (as the manifest lists them), tagged
/// `reference`. Digests are checked here and again when the archive is read.
pub fn fetched_archive(
    manifest: &Manifest,
    config: Vec<u8>,
    layers: Vec<Vec<u8>>,
    reference: &str,
) -> Result<Vec<u8>, String> {
    if Digest::of(&config) != manifest.config.digest {
        return Err("the config blob does not match its digest".to_string());
    }
    let parsed = ImageConfig::from_json(&config).map_err(|e| e.to_string())?;
    let ids = &parsed.rootfs.diff_ids;
    if ids.len() != layers.len() || layers.len() != manifest.layers.len() {
        return Err(format!(
            "{} layers for {} diff_ids",
            layers.len(),
            ids.len()
        ));
    }
    let mut blobs = Vec::new();
    for ((bytes, id), d) in layers.into_iter().zip(ids).zip(&manifest.layers) {
        if Digest::of(&bytes) != d.digest {
            return Err(format!("layer {} does not match its digest", d.digest));
        }
        blobs.push(LayerBlob {
            compression: Compression::detect(&bytes),
            bytes: bytes.into(),
            diff_id: *id,
        });
    }
    write_oci_archive(&[ArchiveImage {
        config: config.into(),
        layers: blobs,
        tags: vec![reference.to_string()],
    }])
    .map_err(|e| e.to_string())
}

/// What a URL names: a registry's manifest (`https://host/v2/NAME/manifests/REF`, its blobs under
/// `/v2/NAME/blobs/`, the reference `host/NAME:REF`), or an OCI image layout directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A registry's v2 API.
    Registry {
        /// `https://host/v2/NAME/`.
        base: String,
        /// The manifest's tag or digest.
        reference: String,
        /// The reference `FROM` names it by.
        name: String,
    },
    /// An OCI image layout directory (`…/index.json` beside `blobs/`), with a trailing `/`.
    Layout(String),
}

/// Reads a URL the user gave.
pub fn source_of(url: &str) -> Result<Source, String> {
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(format!("{url} is not an http(s) URL"));
    };
    if scheme != "http" && scheme != "https" {
        return Err(format!("{url} is not an http(s) URL"));
    }
    if let Some((host, path)) = rest.split_once("/v2/") {
        if let Some((name, reference)) = path.rsplit_once("/manifests/") {
            if name.is_empty() || reference.is_empty() {
                return Err(format!("{url} names no image"));
            }
            let sep = if reference.starts_with("sha256:") {
                '@'
            } else {
                ':'
            };
            return Ok(Source::Registry {
                base: format!("{scheme}://{host}/v2/{name}/"),
                reference: reference.to_string(),
                name: format!("{host}/{name}{sep}{reference}"),
            });
        }
    }
    let dir = url
        .strip_suffix("index.json")
        .or_else(|| url.strip_suffix("oci-layout"))
        .unwrap_or(url);
    let dir = if dir.ends_with('/') {
        dir.to_string()
    } else {
        format!("{dir}/")
    };
    Ok(Source::Layout(dir))
}

/// The name an image from a layout directory gets: the index entry's `ref.name` annotation when it is a
/// full reference, else the directory's name with that tag (or `latest`).
pub fn layout_reference(dir: &str, ref_name: Option<&str>) -> String {
    let name = untagged_name(dir.trim_end_matches('/').rsplit('/').next().unwrap_or(""));
    match ref_name {
        Some(r) if r.contains(':') || r.contains('/') => r.to_string(),
        Some(tag) if !tag.is_empty() => format!("{name}:{tag}"),
        _ => format!("{name}:latest"),
    }
}
