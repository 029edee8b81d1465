//! Image references (`busybox`, `mcr.microsoft.com/dotnet/sdk:6.0`, `name@sha256:…`) parsed exactly as
//! Docker 20.10 and its BuildKit parse them: `reference.ParseNormalizedNamed` of docker/distribution v2.7,
//! with its grammar written out by hand (no regular-expression engine ships in the wasm).
//!
//! The rules, in Docker's order:
//! - a 64-digit lowercase hex string is refused (it would be read as an image ID);
//! - the first `/`-component is a registry when it contains `.` or `:` or is `localhost`; otherwise the
//!   registry is `docker.io` (`index.docker.io` is the same), and a single-component name there gets
//!   `library/` (`busybox` → `docker.io/library/busybox`, `tiangolo/x` → `docker.io/tiangolo/x`);
//! - the repository (up to the first `:`) must be lower case;
//! - the whole must match `(domain/)?component(/component)*(:tag)?(@digest)?`, a tag being
//!   `[\w][\w.-]{0,127}` and a digest `algorithm:hex`, whose algorithm and length go-digest then checks.
//!
//! The error texts are Docker's ([`ReferenceError`]). [`Reference::familiar`] is docker's short form (what
//! `docker images` shows), [`Reference::fully_qualified`] BuildKit's (what its log prints).

use std::fmt;

/// Docker Hub's registry name, the default.
pub const DEFAULT_REGISTRY: &str = "docker.io";
const LEGACY_DEFAULT_REGISTRY: &str = "index.docker.io";
const OFFICIAL_REPOSITORY_PREFIX: &str = "library";
const NAME_TOTAL_LENGTH_MAX: usize = 255;

/// A parsed, normalised image reference: registry, repository path, optional tag and digest.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reference {
    registry: String,
    repository: String,
    tag: Option<String>,
    digest: Option<String>,
}

/// Why a reference is invalid; `Display` gives Docker's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReferenceError {
    /// `invalid reference format`
    InvalidFormat,
    /// `invalid reference format: repository name must be lowercase`
    Uppercase,
    /// `repository name must have at least one component`
    NameEmpty,
    /// `repository name must not be more than 255 characters`
    NameTooLong,
    /// `invalid repository name (…), cannot specify 64-byte hexadecimal strings`
    HexIdentifier(String),
    /// `invalid checksum digest format`
    DigestFormat,
    /// `invalid checksum digest length`
    DigestLength,
    /// `unsupported digest algorithm`
    DigestUnsupported,
}

impl fmt::Display for ReferenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidFormat => f.write_str("invalid reference format"),
            Self::Uppercase => {
                f.write_str("invalid reference format: repository name must be lowercase")
            }
            Self::NameEmpty => f.write_str("repository name must have at least one component"),
            Self::NameTooLong => write!(
                f,
                "repository name must not be more than {NAME_TOTAL_LENGTH_MAX} characters"
            ),
            Self::HexIdentifier(s) => write!(
                f,
                "invalid repository name ({s}), cannot specify 64-byte hexadecimal strings"
            ),
            Self::DigestFormat => f.write_str("invalid checksum digest format"),
            Self::DigestLength => f.write_str("invalid checksum digest length"),
            Self::DigestUnsupported => f.write_str("unsupported digest algorithm"),
        }
    }
}

impl std::error::Error for ReferenceError {}

impl Reference {
    /// Parses and normalises `s` as `docker pull`, `docker tag` and BuildKit's `FROM` do.
    pub fn parse(s: &str) -> Result<Reference, ReferenceError> {
        if s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(ReferenceError::HexIdentifier(s.to_owned()));
        }
        let (registry, remainder) = split_registry(s);
        let remote = remainder.split(':').next().unwrap_or(&remainder);
        if remote.to_lowercase() != remote {
            return Err(ReferenceError::Uppercase);
        }
        parse_full(&format!("{registry}/{remainder}"))
    }

    /// The registry (`docker.io`, `mcr.microsoft.com`, `localhost:5000`); empty in the rare reference whose
    /// first component has a `.` or `:` but is no valid host (`a_b.c/x`), as in Docker.
    pub fn registry(&self) -> &str {
        &self.registry
    }

    /// The repository path within the registry (`library/busybox`, `dotnet/sdk`).
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// The tag, when the reference has one.
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// The digest (`sha256:…`), when the reference has one.
    pub fn digest(&self) -> Option<&str> {
        self.digest.as_deref()
    }

    /// Whether the image is on Docker Hub.
    pub fn is_docker_hub(&self) -> bool {
        self.registry == DEFAULT_REGISTRY
    }

    /// The reference with `latest` as its tag when it has neither tag nor digest (BuildKit's
    /// `TagNameOnly`, docker's default).
    pub fn with_default_tag(mut self) -> Reference {
        if self.tag.is_none() && self.digest.is_none() {
            self.tag = Some("latest".to_owned());
        }
        self
    }

    /// The full name without tag or digest (`docker.io/library/busybox`).
    pub fn name(&self) -> String {
        if self.registry.is_empty() {
            self.repository.clone()
        } else {
            format!("{}/{}", self.registry, self.repository)
        }
    }

    /// The name as docker shows it: Docker Hub's registry and `library/` left out (`busybox`,
    /// `tiangolo/uvicorn-gunicorn-fastapi`, `mcr.microsoft.com/dotnet/sdk`).
    pub fn familiar_name(&self) -> String {
        if !self.is_docker_hub() {
            return self.name();
        }
        match self.repository.split_once('/') {
            Some((OFFICIAL_REPOSITORY_PREFIX, rest)) if !rest.contains('/') => rest.to_owned(),
            _ => self.repository.clone(),
        }
    }

    /// Docker's short form with the tag and digest as given (`busybox:1.36`, `ghcr.io/o/i@sha256:…`).
    pub fn familiar(&self) -> String {
        self.with_suffix(self.familiar_name())
    }

    /// The fully-qualified form BuildKit prints (`docker.io/library/busybox:1.36`).
    pub fn fully_qualified(&self) -> String {
        self.with_suffix(self.name())
    }

    fn with_suffix(&self, mut s: String) -> String {
        if let Some(t) = &self.tag {
            s.push(':');
            s.push_str(t);
        }
        if let Some(d) = &self.digest {
            s.push('@');
            s.push_str(d);
        }
        s
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.fully_qualified())
    }
}

/// `reference` in docker's short form with `:latest` added when it has no tag or digest (`docker.io/library/a`
/// → `a:latest`): how docker names a tagged image. A string that is no valid reference comes back as given.
pub fn familiar_tagged(reference: &str) -> String {
    Reference::parse(reference).map_or_else(
        |_| reference.to_owned(),
        |r| r.with_default_tag().familiar(),
    )
}

/// `reference` fully qualified as BuildKit prints it, without adding a tag (`busybox` →
/// `docker.io/library/busybox`). A string that is no valid reference comes back as given.
pub fn fully_qualified(reference: &str) -> String {
    Reference::parse(reference).map_or_else(|_| reference.to_owned(), |r| r.fully_qualified())
}

/// Whether the first component of a reference names a registry (Docker's rule: it contains `.` or `:`, or
/// is `localhost`).
pub fn is_registry(first: &str) -> bool {
    first.contains(['.', ':']) || first == "localhost"
}

/// docker/distribution's `splitDockerDomain`.
fn split_registry(name: &str) -> (String, String) {
    let (mut registry, remainder) = match name.split_once('/') {
        Some((first, rest)) if is_registry(first) => (first.to_owned(), rest.to_owned()),
        _ => (DEFAULT_REGISTRY.to_owned(), name.to_owned()),
    };
    if registry == LEGACY_DEFAULT_REGISTRY {
        registry = DEFAULT_REGISTRY.to_owned();
    }
    if registry == DEFAULT_REGISTRY && !remainder.contains('/') {
        return (
            registry,
            format!("{OFFICIAL_REPOSITORY_PREFIX}/{remainder}"),
        );
    }
    (registry, remainder)
}

/// docker/distribution's `Parse` of a normalised string.
fn parse_full(s: &str) -> Result<Reference, ReferenceError> {
    let Some((name, tag, digest)) = match_reference(s) else {
        if s.is_empty() {
            return Err(ReferenceError::NameEmpty);
        }
        if match_reference(&s.to_lowercase()).is_some() {
            return Err(ReferenceError::Uppercase);
        }
        return Err(ReferenceError::InvalidFormat);
    };
    if name.len() > NAME_TOTAL_LENGTH_MAX {
        return Err(ReferenceError::NameTooLong);
    }
    let (registry, repository) = match name.split_once('/') {
        Some((first, rest)) if is_domain(first) && is_path(rest) => (first, rest),
        _ => ("", name),
    };
    if let Some(d) = digest {
        validate_digest(d)?;
    }
    Ok(Reference {
        registry: registry.to_owned(),
        repository: repository.to_owned(),
        tag: tag.map(str::to_owned),
        digest: digest.map(str::to_owned),
    })
}

/// `ReferenceRegexp`: the name, tag and digest of `s`, or `None` when it does not match.
fn match_reference(s: &str) -> Option<(&str, Option<&str>, Option<&str>)> {
    let (rest, digest) = match s.split_once('@') {
        Some((rest, d)) => (rest, Some(d)),
        None => (s, None),
    };
    if digest.is_some_and(|d| !is_digest(d)) {
        return None;
    }
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].find(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if tag.is_some_and(|t| !is_tag(t)) {
        return None;
    }
    let with_domain = name
        .split_once('/')
        .is_some_and(|(first, rest)| is_domain(first) && is_path(rest));
    (with_domain || is_path(name)).then_some((name, tag, digest))
}

/// `component(/component)*`.
fn is_path(s: &str) -> bool {
    s.split('/').all(is_name_component)
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*`.
fn is_name_component(s: &str) -> bool {
    let b = s.as_bytes();
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &b[start..i];
        let ok = matches!(sep, b"." | b"_" | b"__") || sep.iter().all(|&c| c == b'-');
        if !ok {
            return false;
        }
    }
    true
}

/// `domainComponent(\.domainComponent)*(:[0-9]+)?`.
fn is_domain(s: &str) -> bool {
    let (host, port) = match s.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (s, None),
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|c| c.is_ascii_digit())) {
        return false;
    }
    host.split('.').all(|c| {
        let b = c.as_bytes();
        !b.is_empty()
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric()
            && b.iter().all(|&x| x.is_ascii_alphanumeric() || x == b'-')
    })
}

/// `[\w][\w.-]{0,127}`.
fn is_tag(s: &str) -> bool {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && word(b[0])
        && b.iter().all(|&c| word(c) || c == b'.' || c == b'-')
}

/// `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}`.
fn is_digest(s: &str) -> bool {
    let Some((algorithm, hex)) = s.split_once(':') else {
        return false;
    };
    let component_ok = |c: &str| {
        let b = c.as_bytes();
        !b.is_empty() && b[0].is_ascii_alphabetic() && b.iter().all(|x| x.is_ascii_alphanumeric())
    };
    algorithm.split(['-', '_', '+', '.']).all(component_ok)
        && hex.len() >= 32
        && hex.bytes().all(|c| c.is_ascii_hexdigit())
}

/// go-digest's `Digest.Validate` for a digest that matched the reference grammar.
fn validate_digest(d: &str) -> Result<(), ReferenceError> {
    let (algorithm, hex) = d.split_once(':').ok_or(ReferenceError::DigestFormat)?;
    let size = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => {
            // go-digest's `DigestRegexpAnchored`: lower-case algorithm components.
            let lower = |c: &str| {
                !c.is_empty()
                    && c.bytes()
                        .all(|x| x.is_ascii_lowercase() || x.is_ascii_digit())
            };
            return Err(if algorithm.split(['.', '+', '_', '-']).all(lower) {
                ReferenceError::DigestUnsupported
            } else {
                ReferenceError::DigestFormat
            });
        }
    };
    if hex.len() != size {
        return Err(ReferenceError::DigestLength);
    }
    if !hex.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(ReferenceError::DigestFormat);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
