//! The simulator as a build backend: RUN steps execute in the simulated shell ([`crate::exec`]), and base
//! images come from the built-in models ([`crate::base`]) or from images the caller loaded or built.

use std::collections::BTreeMap;

use strata_build::{Backend, ImageSource, RunOutput, RunRequest, SourceImage};
use strata_image::Overlay;

use crate::exec::{self, ExecRequest, Identity, Limits, Note};

/// Runs RUN steps in the simulated busybox shell, within `limits`.
#[derive(Debug, Clone, Default)]
pub struct SimBackend {
    /// Bounds on every RUN step.
    pub limits: Limits,
}

impl SimBackend {
    /// A backend with the given limits.
    pub fn new(limits: Limits) -> SimBackend {
        SimBackend { limits }
    }
}

impl Backend for SimBackend {
    fn name(&self) -> &'static str {
        "sim"
    }

    fn run(&mut self, fs: &mut Overlay, req: &RunRequest) -> RunOutput {
        let out = exec::exec(
            fs,
            &ExecRequest {
                argv: req.argv.clone(),
                env: req.env.clone(),
                cwd: req.cwd.clone(),
                identity: Identity {
                    uid: req.uid,
                    gid: req.gid,
                    groups: req.groups.clone(),
                },
                stdin: Vec::new(),
                now: req.now,
                hostname: req.hostname.clone(),
                limits: self.limits.clone(),
                // BuildKit waits for a RUN step however long it sleeps.
                stop: None,
                cache_mounts: req.cache_targets.clone(),
                loopback_only: req.network == strata_build::backend::NetworkMode::None,
            },
        );
        let limit_hit = out.notes.iter().any(|n| matches!(n, Note::LimitHit { .. }));
        RunOutput {
            exit_code: out.exit_code,
            stdout: out.stdout,
            stderr: out.stderr,
            notes: out.notes.iter().map(note_text).collect(),
            start_error: out.start_error,
            limit_hit,
            not_simulated: out.not_simulated,
            elapsed_ms: out.timeline.elapsed_ms,
        }
    }
}

/// A note as one line for the step log.
pub fn note_text(n: &Note) -> String {
    match n {
        Note::Modelled { command, detail } => format!("modelled: {command}: {detail}"),
        Note::Unsupported { command, detail } => {
            format!("not simulated: {command}: {detail}")
        }
        Note::LimitHit { detail, .. } => format!("limit: {detail}"),
    }
}

/// Images by reference: those the caller added (loaded or built), then the built-in base models.
///
/// A model is built once per store and kept with its diff_ids computed, so later builds (and the engine's
/// cache of flattened bases, keyed by the config) reuse it.
#[derive(Debug, Clone, Default)]
pub struct SimStore {
    images: BTreeMap<String, SourceImage>,
    models: std::cell::RefCell<BTreeMap<String, SourceImage>>,
}

impl SimStore {
    /// A store with only the built-in models.
    pub fn new() -> SimStore {
        SimStore::default()
    }

    /// Adds (or replaces) an image under `reference`.
    pub fn insert(&mut self, reference: &str, image: SourceImage) {
        self.images.insert(normalize_reference(reference), image);
    }
}

impl ImageSource for SimStore {
    /// The simulator previews a build on an image it does not know as an unknown, empty base.
    fn stands_in_for_unknown(&self) -> bool {
        true
    }

    fn image(&self, reference: &str) -> Option<SourceImage> {
        if let Some(img) = self.images.get(&normalize_reference(reference)) {
            return Some(img.clone());
        }
        let key = normalize_reference(reference);
        if let Some(img) = self.models.borrow().get(&key) {
            return Some(img.clone());
        }
        // A tag no model knows gets the repository's default model, and the build says so on FROM.
        let found = crate::base::lookup_or_substitute(reference);
        let mut img = found.map(|(b, substitute)| SourceImage {
            reference: b.reference,
            config: b.config,
            layers: b.layers.into_iter().map(std::sync::Arc::new).collect(),
            modelled: true,
            substitute,
        })?;
        if img.config.rootfs.diff_ids.len() != img.layers.len() {
            let mut ids = Vec::new();
            for l in &img.layers {
                ids.push(strata_image::layer::diff_id(l).ok()?);
            }
            img.config.rootfs.diff_ids = ids;
            img.config.rootfs.kind = "layers".to_owned();
        }
        self.models.borrow_mut().insert(key, img.clone());
        Some(img)
    }
}

/// The key an image is stored under: docker's familiar form with `:latest` when there is no tag or digest
/// (`busybox` → `busybox:latest`, `docker.io/library/x:t` → `x:t`, `ghcr.io/o/i` → `ghcr.io/o/i:latest`);
/// see [`strata_image::reference::familiar_tagged`].
pub fn normalize_reference(r: &str) -> String {
    strata_image::reference::familiar_tagged(r.trim())
}

/// The filesystem a container starts with: the image's tree plus what Docker's runtime adds outside the
/// container layer — `/.dockerenv`, the VOLUME mount points, `/etc/hostname`, and `/proc/1/cmdline` and
/// `/proc/1/environ` of the process being started (so `cat /proc/1/cmdline` shows the resolved argv, as the
/// tutorials use it). None of this is in the container's changeset, as none of it is in Docker's.
pub fn container_rootfs(
    image: &strata_image::Tree,
    volumes: &[String],
    argv: &[String],
    env: &[String],
    hostname: &str,
) -> strata_image::Tree {
    use strata_image::{Attrs, Content, NodeKind, Timestamp};
    let t0 = Timestamp::from_secs(0);
    let mut tree = image.clone();
    let dir = Attrs::new(0o755, 0, 0, t0);
    let _ = tree.insert(
        "/.dockerenv",
        Attrs::new(0o755, 0, 0, t0),
        NodeKind::File(Content::empty()),
    );
    for v in volumes {
        if !tree.exists(v) {
            let _ = tree.mkdir_all(v, dir.clone());
        }
    }
    let nul_joined = |items: &[String]| {
        let mut b = Vec::new();
        for i in items {
            b.extend_from_slice(i.as_bytes());
            b.push(0);
        }
        b
    };
    if !tree.exists("/etc") {
        let _ = tree.mkdir("/etc", dir.clone());
    }
    let _ = tree.remove_file("/etc/hostname", t0);
    let _ = tree.insert(
        "/etc/hostname",
        Attrs::new(0o644, 0, 0, t0),
        NodeKind::File(Content::from(format!("{hostname}\n").into_bytes())),
    );
    let _ = tree.remove_all("/proc", t0);
    let _ = tree.mkdir_all("/proc/1", Attrs::new(0o555, 0, 0, t0));
    for (name, bytes) in [("cmdline", nul_joined(argv)), ("environ", nul_joined(env))] {
        let _ = tree.insert(
            &format!("/proc/1/{name}"),
            Attrs::new(0o444, 0, 0, t0),
            NodeKind::File(Content::from(bytes)),
        );
    }
    tree
}
