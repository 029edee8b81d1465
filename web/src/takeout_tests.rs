//! Tests of taking an image out ([`crate::takeout`]) and of the page's build secrets ([`crate::secrets`]).

use strata_image::layer::{read_tar, ReadLimits};
use strata_image::{EntryKind, Timestamp};

use crate::project::{ContextFile, Project};
use crate::session::{ExportFormat, Reply, Request, Session};
use crate::state::{Action, State};
use crate::takeout::{context_tar, STAND_INS_NOTE};

fn project(dockerfile: &str, files: Vec<ContextFile>) -> Project {
    Project {
        dockerfile: dockerfile.to_string(),
        files,
        run_line: "docker run --rm app".to_string(),
    }
}

fn export_note(session: &mut Session) -> Option<String> {
    let (reply, _) = session.handle(Request::Export {
        format: ExportFormat::Docker,
        run_line: "docker run --rm app".to_string(),
    });
    match reply {
        Reply::Exported { note, .. } => note,
        r => panic!("{r:?}"),
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_image_on_a_modelled_base_says_its_programs_are_stand_ins() {
    let mut session = Session::new();
    let v = session.build(
        &project("FROM alpine\nRUN echo hi > /greeting\n", Vec::new()),
        false,
        0.0,
    );
    assert!(v.error.is_none(), "{:?}", v.error);
    assert!(v.stand_ins);
    assert_eq!(export_note(&mut session).as_deref(), Some(STAND_INS_NOTE));
    assert!(
        STAND_INS_NOTE.contains("exec format error") && STAND_INS_NOTE.contains("docker build")
    );
    // An image of the context's own files only holds real bytes: nothing to warn about.
    let v = session.build(
        &project(
            "FROM scratch\nCOPY app.txt /\n",
            vec![ContextFile::text("app.txt", "real\n")],
        ),
        false,
        0.0,
    );
    assert!(v.error.is_none(), "{:?}", v.error);
    assert!(!v.stand_ins);
    assert_eq!(export_note(&mut session), None);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_context_tar_holds_the_dockerfile_and_the_files_with_their_modes() {
    let p = project(
        "FROM busybox\nCOPY . /app\n",
        vec![
            ContextFile::text("Dockerfile", "FROM stale\n"),
            ContextFile::text("bin/run.sh", "#!/bin/sh\necho run\n").executable(),
            ContextFile::text("notes.txt", "n\n"),
            ContextFile::text(".dockerignore", "notes.txt\n"),
        ],
    );
    let tar = context_tar(&p, Timestamp::from_secs(1_700_000_000)).unwrap();
    let layer = read_tar(&tar[..], &ReadLimits::DEFAULT).unwrap();
    let got: Vec<(String, u32, Option<Vec<u8>>)> = layer
        .entries
        .iter()
        .map(|e| {
            let data = match &e.kind {
                EntryKind::File(c) => Some(c.bytes().into_owned()),
                _ => None,
            };
            (e.path.clone(), e.attrs.mode & 0o7777, data)
        })
        .collect();
    let file = |p: &str, mode, text: &str| (p.to_string(), mode, Some(text.as_bytes().to_vec()));
    assert_eq!(
        got,
        [
            file("/.dockerignore", 0o644, "notes.txt\n"),
            // The editor's Dockerfile, not the context file of that name.
            file("/Dockerfile", 0o644, "FROM busybox\nCOPY . /app\n"),
            ("/bin".to_string(), 0o755, None),
            file("/bin/run.sh", 0o755, "#!/bin/sh\necho run\n"),
            file("/notes.txt", 0o644, "n\n"),
        ]
    );
    assert!(layer
        .entries
        .iter()
        .all(|e| e.attrs.uid == 0 && e.attrs.gid == 0));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn secrets_parse_from_id_value_lines() {
    let text = "tok=abc=def\n\n# a comment\n  api = two words \nbroken\n=novalue\ntok=later\n";
    assert_eq!(
        crate::secrets::parse(text),
        [
            ("tok".to_string(), b"abc=def".to_vec()),
            ("api".to_string(), b" two words ".to_vec()),
            ("tok".to_string(), b"later".to_vec()),
        ]
    );
    assert_eq!(
        crate::secrets::problems(text),
        ["line 5: write ID=VALUE", "line 6: write ID=VALUE"]
    );
}

const SECRET_DOCKERFILE: &str =
    "FROM busybox\nRUN --mount=type=secret,id=tok cat /run/secrets/tok > /out\n";

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_secret_from_the_box_is_used_by_the_step_and_kept_out_of_every_layer() {
    let mut session = Session::new();
    let (reply, _) = session.handle(Request::Build {
        project: project(SECRET_DOCKERFILE, Vec::new()),
        classic: false,
        now_ms: 0.0,
        secrets: "tok=s3cret-value".to_string(),
        catalogue: Vec::new(),
    });
    let Reply::Built { view, .. } = reply else {
        panic!("{reply:?}")
    };
    assert!(view.error.is_none(), "{:?}", view.error);
    assert_eq!(session.read("/out").text.as_deref(), Some("s3cret-value"));
    // The mount's file is in no layer (its mount point directory is, as BuildKit leaves it).
    for l in &view.layers {
        assert!(
            l.entries.iter().all(|e| e.path != "/run/secrets/tok"),
            "{:?}",
            l.entries
        );
    }
    assert_eq!(session.read("/run/secrets/tok").kind, "missing");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_required_secret_missing_from_the_box_is_buildkits_error_with_the_pages_help() {
    let mut session = Session::new();
    let v = session.build(
        &project(
            "FROM busybox\nRUN --mount=type=secret,id=tok,required=true cat /run/secrets/tok\n",
            Vec::new(),
        ),
        false,
        0.0,
    );
    let e = v.error.expect("the build fails");
    assert_eq!(e.message, "secret tok: not found");
    assert!(
        e.help
            .as_deref()
            .is_some_and(|h| h.contains("Build secrets")),
        "{:?}",
        e.help
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn secrets_stay_out_of_the_project_and_survive_loading_an_example() {
    let s = State::new().apply(Action::SetSecrets("tok=s3cret".to_string()));
    assert_eq!(&*s.secrets, "tok=s3cret");
    assert!(!serde_json::to_string(&*s.project)
        .unwrap()
        .contains("s3cret"));
    assert!(s.build_wanted.seq > State::new().build_wanted.seq);
    let s = s.apply(Action::LoadExample(1));
    assert_eq!(&*s.secrets, "tok=s3cret");
}

/// The context tar builds with real Docker (`docker build - < context.tar`), when Docker answers here.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_context_tar_builds_with_docker() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    // The oracle's 20.10 client has BuildKit built in (a newer client needs buildx).
    let docker = ["/usr/bin/docker", "docker"]
        .into_iter()
        .find(|d| std::path::Path::new(d).exists())
        .unwrap_or("docker");
    let docker_up = Command::new(docker)
        .args(["image", "inspect", "busybox:mnt"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !docker_up {
        println!("skipped: docker is not running here, or has no busybox:mnt (bash /work/shared/oracle/setup.sh)");
        return;
    }
    let p = project(
        "FROM busybox:mnt\nCOPY . /app\nRUN /app/bin/run.sh > /ran && ls -l /app/bin/run.sh | cut -c1-10 >> /ran\n",
        vec![ContextFile::text("bin/run.sh", "#!/bin/sh\necho ran-from-context\n").executable()],
    );
    let tar = context_tar(&p, Timestamp::from_secs(1_700_000_000)).unwrap();
    let tag = "strata-web-context-tar:test";
    let mut child = Command::new(docker)
        .args(["build", "-q", "-t", tag, "-"])
        .env("DOCKER_BUILDKIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&tar).unwrap();
    let built = child.wait_with_output().unwrap();
    assert!(
        built.status.success(),
        "docker build -: {}",
        String::from_utf8_lossy(&built.stderr)
    );
    let ran = Command::new(docker)
        .args(["run", "--rm", tag, "cat", "/ran"])
        .output()
        .unwrap();
    let _ = Command::new(docker).args(["rmi", tag]).output();
    assert_eq!(
        String::from_utf8_lossy(&ran.stdout),
        "ran-from-context\n-rwxr-xr-x\n"
    );
}
