//! The image model against the specs' own examples (read in place from `../shared/reference`) and the config
//! shapes BuildKit and the legacy builder write (OBSERVED.md §3d).

use std::path::PathBuf;

use serde_json::Value;
use strata_image::image::{
    from_json, media_types, to_json, ArchiveManifestItem, Descriptor, ImageConfig, Index, Manifest,
};
use strata_image::{Digest, Error};

fn reference(rel: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/reference")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{} is missing ({e}): the shared reference data must sit beside the repository",
            path.display()
        )
    })
}

/// The ```json blocks of a markdown file, with their 1-based line numbers.
fn json_blocks(md: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in md.lines().enumerate() {
        let t = line.trim();
        match &mut current {
            None if t.starts_with("```json") => current = Some((i + 1, String::new())),
            Some(_) if t == "```" => out.extend(current.take()),
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
    }
    out
}

/// Parses as `T`, writes back, and checks nothing was lost or added.
#[track_caller]
fn round_trips<T: serde::de::DeserializeOwned + serde::Serialize>(
    what: &'static str,
    json: &str,
) -> T {
    let parsed: T = from_json(what, json.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{json}"));
    let original: Value = serde_json::from_str(json).unwrap();
    let written: Value = serde_json::from_slice(&to_json(&parsed)).unwrap();
    assert_eq!(written, original, "{what} does not round-trip");
    parsed
}

#[test]
fn the_oci_spec_examples_round_trip() {
    let mut n = 0;
    for (file, kind) in [
        ("oci-image-spec/config.md", "config"),
        ("oci-image-spec/manifest.md", "manifest"),
        ("oci-image-spec/image-index.md", "index"),
    ] {
        for (line, block) in json_blocks(&reference(file)) {
            let v: Value =
                serde_json::from_str(&block).unwrap_or_else(|e| panic!("{file}:{line}: {e}"));
            match kind {
                "config" => {
                    let c: ImageConfig = round_trips("image config", &block);
                    c.validate().unwrap();
                }
                "manifest" if v.get("schemaVersion").is_some() => {
                    let m: Manifest = round_trips("manifest", &block);
                    assert_eq!(m.schema_version, 2);
                }
                "manifest" => {
                    round_trips::<Descriptor>("descriptor", &block);
                }
                _ => {
                    let i: Index = round_trips("index", &block);
                    assert!(!i.manifests.is_empty());
                }
            }
            n += 1;
        }
    }
    assert!(n >= 7, "only {n} examples found in the OCI spec");
}

#[test]
fn the_docker_spec_examples_round_trip() {
    let blocks = json_blocks(&reference("docker-image-spec/spec.md"));
    let config = blocks
        .iter()
        .find(|(_, b)| b.contains("\"rootfs\""))
        .expect("an image JSON example");
    let c: ImageConfig = round_trips("image config", &config.1);
    assert_eq!(
        c.config.as_ref().and_then(|c| c.user.as_deref()),
        Some("alice")
    );
    assert_eq!(
        c.config
            .as_ref()
            .and_then(|c| c.exposed_ports.clone().flatten())
            .map(|p| p.len()),
        Some(1)
    );
    // `Memory` etc. are not modelled but kept.
    assert!(c
        .config
        .as_ref()
        .is_some_and(|c| c.extra.contains_key("Memory")));
    let manifest = blocks
        .iter()
        .find(|(_, b)| b.contains("\"RepoTags\""))
        .expect("a manifest.json example");
    let items: Vec<ArchiveManifestItem> = round_trips("manifest.json", &manifest.1);
    assert_eq!(
        items[0].repo_tags.as_deref(),
        Some(&["busybox:latest".to_string()][..])
    );
}

/// A BuildKit config as OBSERVED.md §3d describes it: only the set keys, `ArgsEscaped: true`, `OnBuild: null`.
const BUILDKIT: &str = r##"{"architecture":"amd64","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/bin/sh"],"Healthcheck":{"Test":["CMD-SHELL","wget -q localhost || exit 1"],"Interval":30000000000,"Timeout":5000000000,"StartPeriod":1000000000,"StartInterval":2000000000,"Retries":3},"ArgsEscaped":true,"OnBuild":null,"Shell":["/bin/ash","-eo","pipefail","-c"]},"created":"2026-11-22T22:22:22.123456789Z","history":[{"created":"1970-01-01T00:00:00Z","created_by":"sh","comment":"Imported from -"},{"created":"2026-11-22T22:22:22Z","created_by":"RUN /bin/sh -c mkdir /sanchuang # buildkit","comment":"buildkit.dockerfile.v0"},{"created":"2026-11-22T22:22:22Z","created_by":"CMD [\"/bin/sh\"]","comment":"buildkit.dockerfile.v0","empty_layer":true}],"os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"]}}"##;

/// A legacy-builder config: `container`, `container_config`, `docker_version`, every key of `config`.
const LEGACY: &str = r##"{"architecture":"amd64","config":{"Hostname":"","Domainname":"","User":"","AttachStdin":false,"Tty":false,"Env":["PATH=/bin"],"Cmd":["/bin/sh"],"Image":"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad","Volumes":null,"WorkingDir":"","Entrypoint":null,"OnBuild":["RUN echo onbuild-triggered > /tmp/onbuild.txt"],"Labels":null},"container":"0123abcd","container_config":{"Cmd":["/bin/sh","-c","#(nop) ","CMD [\"/bin/sh\"]"]},"created":"2026-11-22T22:22:22Z","docker_version":"20.10.24+dfsg1","history":[{"created":"2026-11-22T22:22:22Z","created_by":"/bin/sh -c #(nop)  CMD [\"/bin/sh\"]","empty_layer":true}],"os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"##;

#[test]
fn builder_configs_round_trip_with_nulls_and_docker_extensions() {
    let c: ImageConfig = round_trips("image config", BUILDKIT);
    c.validate().unwrap();
    let cc = c.config.as_ref().unwrap();
    assert_eq!(
        cc.on_build,
        Some(None),
        "an explicit null stays an explicit null"
    );
    assert_eq!(cc.entrypoint, None, "an absent key stays absent");
    assert_eq!(cc.healthcheck.as_ref().and_then(|h| h.retries), Some(3));
    assert_eq!(
        c.chain_id(),
        strata_image::digest::chain_id(&c.rootfs.diff_ids)
    );

    let l: ImageConfig = round_trips("image config", LEGACY);
    let lc = l.config.as_ref().unwrap();
    assert_eq!(lc.entrypoint, Some(None));
    assert_eq!(lc.on_build.clone().flatten().map(|v| v.len()), Some(1));
    assert!(l.extra.contains_key("container_config") && lc.extra.contains_key("Hostname"));
}

#[test]
fn inconsistent_configs_are_refused() {
    let mut c = ImageConfig::from_json(BUILDKIT.as_bytes()).unwrap();
    c.rootfs.diff_ids.pop();
    assert!(
        matches!(c.validate(), Err(Error::Format { reason, .. }) if reason.contains("2 history entries"))
    );
    c.rootfs.kind = "tarball".into();
    assert!(c.validate().is_err());
    let bad_digest = BUILDKIT.replace("sha256:e3b0", "sha256:XXXX");
    assert!(matches!(
        ImageConfig::from_json(bad_digest.as_bytes()),
        Err(Error::Format { .. })
    ));
    assert!(matches!(
        ImageConfig::from_json(b"{"),
        Err(Error::Format { .. })
    ));
}

#[test]
fn descriptors_and_media_types() {
    let d = Descriptor::of(media_types::OCI_CONFIG, b"{}");
    assert_eq!(d.size, 2);
    assert_eq!(d.digest, Digest::of(b"{}"));
    assert_eq!(
        String::from_utf8(to_json(&d)).unwrap(),
        format!(
            r#"{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":2}}"#,
            d.digest
        )
    );
    assert!(media_types::is_layer(media_types::DOCKER_LAYER_GZIP));
    assert!(media_types::is_layer(media_types::OCI_LAYER_ZSTD));
    assert!(!media_types::is_layer(media_types::OCI_MANIFEST));
}
