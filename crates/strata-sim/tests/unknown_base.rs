//! A FROM of an image strata does not know (issue 13): the simulator builds on a labelled unknown base
//! (empty filesystem and config), COPY and metadata stay exact, a RUN whose program is not there is marked
//! not simulated with an empty layer, and the build goes on. On a known base, Docker's error stays.

use strata_build::engine::BuildRequest;
use strata_build::{build, BuildFailure, BuildOutput, Cache, ImageSource};
use strata_image::{Attrs, Content, NodeKind, Timestamp, Tree};
use strata_sim::backend::{SimBackend, SimStore};

fn try_build(df: &str, store: &dyn ImageSource) -> Result<BuildOutput, BuildFailure> {
    let mut ctx = Tree::new();
    ctx.insert(
        "/requirements.txt",
        Attrs::new(0o644, 0, 0, Timestamp::from_secs(1_700_000_000)),
        NodeKind::File(Content::from(b"fastapi==0.110.0\n".to_vec())),
    )
    .expect("context file");
    let req = BuildRequest::new(df, &ctx, Timestamp::from_secs(1_800_000_000));
    build(&req, &mut SimBackend::default(), store, &mut Cache::new())
}

const FASTAPI: &str = "FROM tiangolo/uvicorn-gunicorn-fastapi:python3.11\n\
                       COPY requirements.txt /app/requirements.txt\n\
                       RUN pip install --no-cache-dir -r /app/requirements.txt\n\
                       ENV PORT=80\n\
                       CMD [\"uvicorn\", \"main:app\"]\n";

#[test]
fn an_unknown_base_is_labelled_and_the_build_goes_on() {
    let out = try_build(FASTAPI, &SimStore::new()).expect("builds on the unknown base");
    // FROM: BuildKit's fully qualified name, the note and a warning on the reference.
    let from = &out.steps[0];
    assert_eq!(
        from.text,
        "FROM docker.io/tiangolo/uvicorn-gunicorn-fastapi:python3.11"
    );
    assert!(
        from.notes.iter().any(|n| n.starts_with("unknown image: ")
            && n.contains(
                "docker save tiangolo/uvicorn-gunicorn-fastapi:python3.11 | strata load"
            )),
        "{:?}",
        from.notes
    );
    let w = out
        .warnings
        .iter()
        .find(|d| d.code == strata_build::UNKNOWN_BASE)
        .expect("a warning on FROM");
    assert_eq!((w.span.line, w.span.col), (1, 6));
    // COPY is exact: its layer holds the file.
    let copy = &out.steps[1];
    let copied = &out.image.layers[copy.layer.expect("COPY has a layer")];
    assert!(copied
        .changeset
        .entries
        .iter()
        .any(|e| e.path == "app/requirements.txt" || e.path == "/app/requirements.txt"));
    // RUN: not simulated, an empty layer that is still there, and its history entry.
    let run = &out.steps[2];
    assert!(
        run.notes.iter().any(|n| n.starts_with(
            "not simulated: pip install --no-cache-dir -r /app/requirements.txt: the base image \
             tiangolo/uvicorn-gunicorn-fastapi:python3.11 is unknown"
        )),
        "{:?}",
        run.notes
    );
    let run_layer = &out.image.layers[run.layer.expect("RUN has a layer")];
    assert!(run_layer.changeset.is_empty());
    assert_eq!(out.image.layers.len(), 2);
    let history: Vec<_> = out
        .image
        .config
        .history
        .iter()
        .map(|h| h.created_by.clone().unwrap_or_default())
        .collect();
    assert_eq!(history.len(), 4, "{history:?}");
    assert!(history[1].starts_with("RUN /bin/sh -c pip install"));
    // The config: the Dockerfile's, on an empty one.
    let cc = out.image.config.config.as_ref().expect("config");
    assert_eq!(
        cc.cmd.clone().flatten(),
        Some(vec!["uvicorn".to_owned(), "main:app".to_owned()])
    );
    let env = cc.env.clone().flatten().unwrap_or_default();
    assert!(env.contains(&"PORT=80".to_owned()), "{env:?}");
}

#[test]
fn a_copy_from_a_stage_on_an_unknown_base_is_not_simulated() {
    let df = "FROM ghcr.io/acme-platform/dotnet-sdk:6.0 AS build\n\
              RUN dotnet publish -o /app/publish\n\
              FROM busybox\n\
              COPY --from=build /app/publish /app\n";
    let out = try_build(df, &SimStore::new()).expect("builds");
    assert_eq!(
        out.steps[0].text,
        "FROM ghcr.io/acme-platform/dotnet-sdk:6.0"
    );
    let copy = out.steps.last().expect("steps");
    assert!(
        copy.notes
            .iter()
            .any(|n| n.starts_with("not simulated: COPY /app/publish: ")),
        "{:?}",
        copy.notes
    );
}

#[test]
fn a_known_base_keeps_dockers_error() {
    let err = try_build("FROM busybox\nRUN bash -c 'echo hi'\n", &SimStore::new())
        .expect_err("busybox has no bash");
    assert!(
        err.error
            .message
            .ends_with("did not complete successfully: exit code: 127"),
        "{}",
        err.error.message
    );
}

/// distroless has no shell: a shell-form RUN fails as Docker's does, it is not "not simulated".
#[test]
fn a_run_on_distroless_without_a_shell_keeps_dockers_error() {
    let err = try_build(
        "FROM gcr.io/distroless/static-debian12:nonroot\nRUN echo hi\n",
        &SimStore::new(),
    )
    .expect_err("no /bin/sh in distroless");
    assert!(
        err.error.message.contains("/bin/sh")
            && err.error.message.contains("no such file or directory"),
        "{}",
        err.error.message
    );
}

/// A source that stands in for nothing (a store of real images, as the native backend's).
struct RealOnly(SimStore);

impl ImageSource for RealOnly {
    fn image(&self, reference: &str) -> Option<strata_build::SourceImage> {
        self.0.image(reference)
    }
}

#[test]
fn without_a_stand_in_an_unknown_base_fails_with_the_real_reference_and_the_hint() {
    let err = try_build(FASTAPI, &RealOnly(SimStore::new())).expect_err("no image");
    assert_eq!(
        err.error.message,
        "failed to solve: tiangolo/uvicorn-gunicorn-fastapi:python3.11: failed to resolve source metadata for \
         docker.io/tiangolo/uvicorn-gunicorn-fastapi:python3.11: not found"
    );
    assert!(err
        .error
        .help
        .as_deref()
        .is_some_and(|h| h
            .contains("docker save tiangolo/uvicorn-gunicorn-fastapi:python3.11 | strata load")));
    let err = try_build(
        "FROM ghcr.io/acme-platform/dotnet-sdk:6.0\n",
        &RealOnly(SimStore::new()),
    )
    .expect_err("no image");
    assert!(
        err.error.message.ends_with(
            "failed to resolve source metadata for ghcr.io/acme-platform/dotnet-sdk:6.0: not found"
        ),
        "{}",
        err.error.message
    );
}

#[test]
fn an_invalid_reference_is_dockers_parse_error() {
    let err = try_build("ARG T=-x\nFROM busybox:${T}\n", &SimStore::new()).expect_err("invalid");
    assert_eq!(
        err.error.message,
        "failed to parse stage name \"busybox:-x\": invalid reference format"
    );
}

/// `name:tag@sha256:…`: Docker pulls by the digest and ignores the tag; strata cannot check the digest, so the
/// tag's model stands for it and the FROM says so. A digest without a tag stays an unknown base.
#[test]
fn a_tag_pinned_by_a_digest_uses_the_tags_model_and_says_the_digest_was_not_checked() {
    let digest = "sha256:6b841c8f6a819884207402f1209a8116844365df15fca8cf556fc54a24c70800";
    let df = format!("FROM postgres:15.7-bookworm@{digest}\nRUN ls /usr/lib/postgresql\n");
    let out = try_build(&df, &SimStore::new()).expect("builds on the tag's model");
    let from = &out.steps[0];
    assert_eq!(
        from.text,
        format!("FROM docker.io/library/postgres:15.7-bookworm@{digest}")
    );
    assert!(
        from.notes
            .iter()
            .any(|n| n.starts_with(&format!(
                "postgres:15.7-bookworm@{digest}: the digest was not checked"
            )) && n.contains("the model of postgres:15.7-bookworm stands for it")),
        "{:?}",
        from.notes
    );
    assert!(!from.notes.iter().any(|n| n.starts_with("unknown image")));
    let cc = out.image.config.config.clone().expect("config");
    assert_eq!(
        cc.entrypoint.flatten(),
        Some(vec!["docker-entrypoint.sh".to_owned()])
    );
    assert!(out.image.tree.exists("/usr/lib/postgresql/15/bin/psql"));
    assert!(!out.steps[1]
        .notes
        .iter()
        .any(|n| n.starts_with("not simulated")));

    let out = try_build(&format!("FROM postgres@{digest}\n"), &SimStore::new()).expect("builds");
    assert!(
        out.steps[0]
            .notes
            .iter()
            .any(|n| n.starts_with("unknown image: ")),
        "{:?}",
        out.steps[0].notes
    );
}

/// `FROM fedora:41` builds on the fedora model, not on an unknown base: the real config, dnf's RUN modelled
/// with curl's files (already in the image) and git's in its layer. Another tag uses the model and says so.
#[test]
fn fedora_is_a_modelled_base() {
    let df = "FROM fedora:41\nRUN dnf install -y curl git && dnf clean all\n";
    let out = try_build(df, &SimStore::new()).expect("builds on fedora");
    let from = &out.steps[0];
    assert!(
        !from.notes.iter().any(|n| n.starts_with("unknown image")),
        "{:?}",
        from.notes
    );
    assert!(!out
        .warnings
        .iter()
        .any(|d| d.code == strata_build::UNKNOWN_BASE));
    let cc = out.image.config.config.clone().expect("config");
    assert_eq!(cc.cmd.flatten(), Some(vec!["/bin/bash".to_owned()]));
    assert!(cc
        .env
        .flatten()
        .unwrap_or_default()
        .contains(&"DISTTAG=f41container".to_owned()));
    assert!(out.image.tree.exists("/usr/bin/curl"));
    let run = &out.steps[1];
    assert!(
        run.notes.iter().any(|n| n.starts_with("modelled:")),
        "{:?}",
        run.notes
    );
    let layer = &out.image.layers[run.layer.expect("RUN has a layer")];
    assert!(layer
        .changeset
        .entries
        .iter()
        .any(|e| e.path.trim_start_matches('/') == "usr/bin/git"));

    let out = try_build(
        "FROM fedora:38\nRUN dnf install -y make\n",
        &SimStore::new(),
    )
    .expect("builds on the 41 model");
    assert!(
        out.steps[0]
            .notes
            .iter()
            .any(|n| n.contains("fedora:38 is not a version strata models")
                && n.contains("Fedora Linux 41")),
        "{:?}",
        out.steps[0].notes
    );
    assert!(out.image.tree.exists("/usr/bin/make"));
}
