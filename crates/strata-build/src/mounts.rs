//! A container's mounts: `-v/--volume` specs as Docker 20.10 reads them, and the image's `VOLUME`s that no
//! `-v` covers (each an anonymous volume).
//!
//! Start at [`parse_volume`] (one `-v` value) and [`container_mounts`] (everything a container mounts, sorted
//! by destination as `docker inspect` lists `Mounts`). What a mount holds at run time is the simulator's
//! business (`strata_sim::container`); this module only says what is mounted where. The error texts are the
//! daemon's, as observed with Docker 20.10.

use serde::Serialize;
use strata_image::image::ContainerConfig;

use crate::run::{RunError, RunOptions};

/// Where a mount's files come from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MountSource {
    /// A new volume with a generated 64-hex name (`-v /path`, or an image `VOLUME`).
    Anonymous,
    /// A named volume (`-v NAME:/path`), created on first use.
    Named(String),
    /// A host directory (`-v /host/dir:/path`); the simulator has no host, so it is an empty modelled directory.
    Bind(String),
}

/// One mount of a container.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MountSpec {
    /// Where its files come from.
    pub source: MountSource,
    /// The path in the container, as given (Docker keeps a relative one as written).
    pub destination: String,
    /// `:ro`.
    pub read_only: bool,
    /// `:nocopy`: a new volume is not filled with the image's files at the destination.
    pub no_copy: bool,
    /// The mode text as given (`ro`, `z`, `ro,z`, …), for `docker inspect`'s `Mode`.
    pub mode: String,
}

impl MountSpec {
    /// `volume` or `bind`, as `docker inspect` writes `Type`.
    pub fn kind(&self) -> &'static str {
        match self.source {
            MountSource::Bind(_) => "bind",
            _ => "volume",
        }
    }

    /// The destination as a clean absolute path in the container's filesystem (a relative one is taken
    /// from `/`).
    pub fn path(&self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        for p in self.destination.split('/') {
            match p {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                p => parts.push(p),
            }
        }
        format!("/{}", parts.join("/"))
    }
}

const MODES: &[&str] = &[
    "ro",
    "rw",
    "z",
    "Z",
    "nocopy",
    "shared",
    "rshared",
    "slave",
    "rslave",
    "private",
    "rprivate",
    "consistent",
    "cached",
    "delegated",
];

/// A local volume's name: `[a-zA-Z0-9][a-zA-Z0-9_.-]+` (so at least two characters).
pub fn valid_volume_name(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() >= 2
        && b[0].is_ascii_alphanumeric()
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || b"_.-".contains(c))
}

/// The daemon's refusal of a volume name.
pub fn invalid_volume_name(name: &str) -> String {
    format!(
        "create {name}: \"{name}\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path"
    )
}

fn valid_mode(mode: &str) -> bool {
    let words: Vec<&str> = mode.split(',').collect();
    words.iter().all(|w| MODES.contains(w)) && !(words.contains(&"ro") && words.contains(&"rw"))
}

/// Parses one `-v` value as Docker 20.10 does on Linux: `/dst`, `/dst:MODE`, `SRC:/dst`, `SRC:/dst:MODE`,
/// where a `SRC` starting with `/` is a host directory and any other is a volume name.
pub fn parse_volume(spec: &str) -> Result<MountSpec, RunError> {
    let invalid = || RunError::Volume(format!("invalid volume specification: '{spec}'"));
    let parts: Vec<&str> = spec.split(':').collect();
    let (source, destination, mode) = match parts.as_slice() {
        [dst] => (None, *dst, ""),
        [a, b] if valid_mode(b) => (None, *a, *b),
        [src, dst] => (Some(*src), *dst, ""),
        [src, dst, mode] => (Some(*src), *dst, *mode),
        _ => return Err(invalid()),
    };
    if destination.is_empty() {
        return Err(invalid());
    }
    if !mode.is_empty() && !valid_mode(mode) {
        return Err(RunError::Volume(format!("invalid mode: {mode}")));
    }
    let source = match source {
        None => MountSource::Anonymous,
        Some(s) if s.starts_with('/') => MountSource::Bind(s.to_string()),
        Some("") => return Err(invalid()),
        Some(name) if !valid_volume_name(name) => {
            return Err(RunError::Volume(invalid_volume_name(name)))
        }
        Some(name) => MountSource::Named(name.to_string()),
    };
    if !matches!(source, MountSource::Anonymous) && !destination.starts_with('/') {
        let kind = if matches!(source, MountSource::Bind(_)) {
            "bind"
        } else {
            "volume"
        };
        return Err(RunError::Volume(format!(
            "invalid volume specification: '{spec}': invalid mount config for type \"{kind}\": invalid mount path: '{destination}' mount path must be absolute"
        )));
    }
    let words: Vec<&str> = mode.split(',').collect();
    Ok(MountSpec {
        source,
        destination: destination.to_string(),
        read_only: words.contains(&"ro"),
        no_copy: words.contains(&"nocopy"),
        mode: mode.to_string(),
    })
}

/// Everything a container run from an image with `config` as `opts` says mounts: the `-v` mounts, then an
/// anonymous volume for each image `VOLUME` no `-v` mounts at, sorted by destination (`docker inspect`'s
/// order of `Mounts`). A later `-v` at the same destination replaces an earlier one.
pub fn container_mounts(config: &ContainerConfig, opts: &RunOptions) -> Vec<MountSpec> {
    let mut mounts: Vec<MountSpec> = Vec::new();
    for m in &opts.volumes {
        mounts.retain(|o| o.path() != m.path());
        mounts.push(m.clone());
    }
    let image_volumes: Vec<String> = config
        .volumes
        .clone()
        .flatten()
        .map(|v| v.into_keys().collect())
        .unwrap_or_default();
    for v in image_volumes {
        let spec = MountSpec {
            source: MountSource::Anonymous,
            destination: v,
            read_only: false,
            no_copy: false,
            mode: String::new(),
        };
        if !mounts.iter().any(|m| m.path() == spec.path()) {
            mounts.push(spec);
        }
    }
    // A handful of mounts: an insertion sort keeps a second copy of the standard sort out of the wasm.
    for i in 1..mounts.len() {
        let mut j = i;
        while j > 0 && mounts[j - 1].destination > mounts[j].destination {
            mounts.swap(j - 1, j);
            j -= 1;
        }
    }
    mounts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_as_docker_reads_them() {
        let m = parse_volume("/data").unwrap();
        assert_eq!((m.source, m.read_only), (MountSource::Anonymous, false));
        let m = parse_volume("/data:ro").unwrap();
        assert_eq!((m.source, m.read_only), (MountSource::Anonymous, true));
        let m = parse_volume("vol:/data").unwrap();
        assert_eq!(m.source, MountSource::Named("vol".into()));
        let m = parse_volume("/host:/data:ro,z").unwrap();
        assert_eq!(
            (m.source, m.read_only, m.mode.as_str()),
            (MountSource::Bind("/host".into()), true, "ro,z")
        );
        let e = |s: &str| parse_volume(s).unwrap_err().to_string();
        assert_eq!(e("a:/p:xx"), "invalid mode: xx");
        assert_eq!(
            e("a:/p:ro:rw"),
            "invalid volume specification: 'a:/p:ro:rw'"
        );
        assert_eq!(
            e("rlv:rel"),
            "invalid volume specification: 'rlv:rel': invalid mount config for type \"volume\": invalid mount path: 'rel' mount path must be absolute"
        );
        assert!(e("./rel:/p").starts_with("create ./rel: \"./rel\" includes invalid characters"));
        assert!(e("bad name:/p").contains("If you intended to pass a host directory"));
    }
}
