//! The engine against OBSERVED.md's facts, with a tiny backend that only understands `echo TEXT > FILE`
//! and `true` (the simulator is tested in strata-sim and against the oracle in tests/fidelity).

use std::sync::Arc;

use strata_build::engine::{BuildRequest, CacheStatus};
use strata_build::{
    build, Backend, BuildOutput, Cache, HistoryStyle, ImageSource, RunOutput, RunRequest,
    SourceImage,
};
use strata_image::image::{ContainerConfig, ImageConfig, RootFs};
use strata_image::{Attrs, Content, NodeKind, Overlay, Timestamp, Tree};

struct EchoBackend {
    runs: Vec<RunRequest>,
}

impl Backend for EchoBackend {
    fn name(&self) -> &'static str {
        "echo"
    }

    fn run(&mut self, fs: &mut Overlay, req: &RunRequest) -> RunOutput {
        self.runs.push(req.clone());
        let script = req.argv.last().cloned().unwrap_or_default();
        if let Some((text, path)) = script
            .strip_prefix("echo ")
            .and_then(|r| r.split_once(" > "))
        {
            let content = Content::from(format!("{text}\n").as_bytes());
            let attrs = Attrs::new(0o644, req.uid, req.gid, req.now);
            if fs.write(path.trim(), content, attrs, req.now).is_err() {
                return RunOutput {
                    exit_code: 1,
                    ..RunOutput::default()
                };
            }
        } else if let Some(code) = script.strip_prefix("exit ") {
            return RunOutput {
                exit_code: code.trim().parse().unwrap_or(1),
                ..RunOutput::default()
            };
        }
        RunOutput::default()
    }
}

struct OneImage;

/// When the test base image was made.
const BASE_CREATED: &str = "2001-09-09T01:46:40Z";

fn base_tree() -> Tree {
    let t0 = Timestamp::from_secs(0);
    let mut t = Tree::new();
    for d in ["/bin", "/etc", "/tmp", "/dev", "/proc", "/sys"] {
        t.mkdir(d, Attrs::new(0o755, 0, 0, t0)).unwrap();
    }
    t.create(
        "/etc/passwd",
        Attrs::new(0o644, 0, 0, t0),
        NodeKind::File(Content::from(
            "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n"
                .as_bytes(),
        )),
    )
    .unwrap();
    t.create(
        "/etc/group",
        Attrs::new(0o644, 0, 0, t0),
        NodeKind::File(Content::from("root:x:0:\nnogroup:x:65534:\n".as_bytes())),
    )
    .unwrap();
    for f in ["/etc/hosts", "/etc/resolv.conf"] {
        t.create(
            f,
            Attrs::new(0o644, 0, 0, t0),
            NodeKind::File(Content::empty()),
        )
        .unwrap();
    }
    t
}

impl ImageSource for OneImage {
    fn image(&self, reference: &str) -> Option<SourceImage> {
        if reference != "base" {
            return None;
        }
        let layer = strata_image::diff(&Tree::new(), &base_tree());
        let diff_id = strata_image::layer::diff_id(&layer).ok()?;
        Some(SourceImage {
            reference: "base:latest".to_owned(),
            config: ImageConfig {
                architecture: "amd64".to_owned(),
                os: "linux".to_owned(),
                config: Some(ContainerConfig {
                    env: Some(Some(vec![
                        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
                            .to_owned(),
                    ])),
                    cmd: Some(Some(vec!["sh".to_owned()])),
                    ..ContainerConfig::default()
                }),
                rootfs: RootFs {
                    kind: "layers".to_owned(),
                    diff_ids: vec![diff_id],
                },
                history: vec![strata_image::image::History {
                    created: Some(BASE_CREATED.to_owned()),
                    created_by: Some("ADD base.tar / ".to_owned()),
                    comment: Some("the test base".to_owned()),
                    ..Default::default()
                }],
                created: Some(BASE_CREATED.to_owned()),
                ..ImageConfig::default()
            },
            layers: vec![Arc::new(layer)],
            modelled: false,
            substitute: None,
        })
    }
}

fn context(files: &[(&str, &str, u32)]) -> Tree {
    let mut t = Tree::new();
    for (path, body, mode) in files {
        t.mkdir_all(
            path.rsplit_once('/')
                .map(|(d, _)| d)
                .filter(|d| !d.is_empty())
                .unwrap_or("/"),
            Attrs::new(0o755, 0, 0, Timestamp::from_secs(1_700_000_000)),
        )
        .unwrap();
        t.create(
            path,
            Attrs::new(*mode, 1000, 1000, Timestamp::from_secs(1_700_000_000)),
            NodeKind::File(Content::from(body.as_bytes())),
        )
        .unwrap();
    }
    t
}

fn run_build(df: &str, ctx: &Tree, args: &[(&str, &str)], cache: &mut Cache) -> BuildOutput {
    let req = BuildRequest {
        build_args: args
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..BuildRequest::new(df, ctx, Timestamp::from_secs(1_800_000_000))
    };
    let mut backend = EchoBackend { runs: Vec::new() };
    match build(&req, &mut backend, &OneImage, cache) {
        Ok(out) => out,
        Err(f) => panic!("build failed: {}", f.error.message),
    }
}

/// The history entries the Dockerfile made (after the base image's).
fn history(out: &BuildOutput) -> Vec<(String, bool)> {
    out.image
        .config
        .history
        .iter()
        .skip(1)
        .map(|h| (h.created_by.clone().unwrap_or_default(), h.empty_layer))
        .collect()
}

fn cfg(out: &BuildOutput) -> ContainerConfig {
    out.image.config.config.clone().unwrap_or_default()
}

#[test]
fn three_cmds_only_the_last_counts_b3() {
    let df = "FROM base\nCMD [\"echo\",\"first\"]\nCMD echo second\nCMD [\"sh\",\"-c\",\"cat /proc/1/cmdline | tr '\\\\0' ' '; echo\"]\n";
    let out = run_build(df, &Tree::new(), &[], &mut Cache::new());
    let c = cfg(&out);
    assert_eq!(
        c.cmd,
        Some(Some(vec![
            "sh".to_owned(),
            "-c".to_owned(),
            "cat /proc/1/cmdline | tr '\\0' ' '; echo".to_owned()
        ]))
    );
    assert_eq!(c.entrypoint, None);
    let h = history(&out);
    assert_eq!(h[0], (r#"CMD ["echo" "first"]"#.to_owned(), true));
    assert_eq!(
        h[1],
        (r#"CMD ["/bin/sh" "-c" "echo second"]"#.to_owned(), true)
    );
}

#[test]
fn entrypoint_resets_an_inherited_cmd_but_not_one_set_in_the_stage() {
    let df = "FROM base\nENTRYPOINT [\"echo\",\"-n\",\"hi\"]\n";
    let c = cfg(&run_build(df, &Tree::new(), &[], &mut Cache::new()));
    assert_eq!(
        c.cmd, None,
        "the base's CMD [sh] is reset (and an empty Cmd is omitted)"
    );
    let df = "FROM base\nCMD [\"there\"]\nENTRYPOINT echo -n hi\n";
    let out = run_build(df, &Tree::new(), &[], &mut Cache::new());
    let c = cfg(&out);
    assert_eq!(c.cmd, Some(Some(vec!["there".to_owned()])));
    assert_eq!(
        c.entrypoint,
        Some(Some(vec![
            "/bin/sh".to_owned(),
            "-c".to_owned(),
            "echo -n hi".to_owned()
        ]))
    );
    assert_eq!(
        history(&out)[1].0,
        r#"ENTRYPOINT ["/bin/sh" "-c" "echo -n hi"]"#
    );
}

#[test]
fn env_replaces_path_in_place_and_history_is_expanded() {
    let df = "FROM base\nENV APP_HOME=/app \\\n    GREETING=\"hello world\" \\\n    PATH=/app/bin:$PATH\n";
    let out = run_build(df, &Tree::new(), &[], &mut Cache::new());
    assert_eq!(
        cfg(&out).env,
        Some(Some(vec![
            "PATH=/app/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_owned(),
            "APP_HOME=/app".to_owned(),
            "GREETING=hello world".to_owned(),
        ]))
    );
    assert_eq!(
        history(&out)[0].0,
        "ENV APP_HOME=/app GREETING=hello world PATH=/app/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    );
}

#[test]
fn arg_prefix_in_run_history_and_args_not_in_env() {
    let df = "FROM base\nARG VERSION=1.0\nARG BUILD_USER\nRUN echo $VERSION > /v\n";
    let out = run_build(
        df,
        &Tree::new(),
        &[("BUILD_USER", "alice")],
        &mut Cache::new(),
    );
    let h = history(&out);
    assert_eq!(h[0], ("ARG VERSION=1.0".to_owned(), true));
    assert_eq!(h[1], ("ARG BUILD_USER".to_owned(), true));
    assert_eq!(
        h[2],
        (
            "RUN |2 VERSION=1.0 BUILD_USER=alice /bin/sh -c echo $VERSION > /v # buildkit"
                .to_owned(),
            false
        )
    );
    let env = cfg(&out).env.flatten().unwrap_or_default();
    assert!(!env.iter().any(|e| e.starts_with("VERSION=")));
    assert!(out
        .image
        .config
        .history
        .iter()
        .skip(1)
        .all(|h| h.comment.as_deref() == Some("buildkit.dockerfile.v0")));
}

#[test]
fn workdir_comment_is_part_of_the_path_and_makes_a_layer() {
    let df = "FROM base\nWORKDIR /app # comment\nWORKDIR /\n";
    let out = run_build(df, &Tree::new(), &[], &mut Cache::new());
    let h = history(&out);
    assert_eq!(h[0], ("WORKDIR /app # comment".to_owned(), false));
    assert_eq!(h[1], ("WORKDIR /".to_owned(), true));
    let layer = &out.image.layers[1];
    assert_eq!(layer.changeset.entries.len(), 1);
    assert_eq!(layer.changeset.entries[0].path, "/app # comment");
    // One non-empty history entry per layer.
    let non_empty = out
        .image
        .config
        .history
        .iter()
        .filter(|h| !h.empty_layer)
        .count();
    assert_eq!(non_empty, out.image.config.rootfs.diff_ids.len());
}

#[test]
fn onbuild_has_no_history_and_triggers_run_in_the_child_stage_as_the_parent_user() {
    let df = "FROM base AS parent\nUSER nobody\nONBUILD RUN echo onbuild-triggered > /tmp/onbuild.txt\nFROM parent\nUSER root\n";
    let out = run_build(df, &Tree::new(), &[], &mut Cache::new());
    let f = out
        .image
        .tree
        .lstat("/tmp/onbuild.txt")
        .expect("the trigger ran");
    assert_eq!((f.attrs.uid, f.attrs.gid), (65534, 65534));
    assert!(history(&out).iter().all(|(h, _)| !h.contains("ONBUILD")));
    assert_eq!(cfg(&out).on_build, Some(None));
}

#[test]
fn copy_dot_keeps_context_modes_and_has_no_root_entry_3c() {
    let ctx = context(&[
        (
            "/Dockerfile",
            "FROM base\nCOPY . /\nENTRYPOINT [\"/while.sh\"]\n",
            0o644,
        ),
        ("/while.sh", "#!/bin/sh\n", 0o755),
    ]);
    let df = "FROM base\nCOPY . /\nENTRYPOINT [\"/while.sh\"]\n";
    let out = run_build(df, &ctx, &[], &mut Cache::new());
    let l = &out.image.layers[1].changeset;
    let listing: Vec<(String, u32, u32)> = l
        .entries
        .iter()
        .map(|e| (e.path.clone(), e.attrs.mode, e.attrs.uid))
        .collect();
    assert_eq!(
        listing,
        vec![
            ("/Dockerfile".to_owned(), 0o644, 0),
            ("/while.sh".to_owned(), 0o755, 0)
        ]
    );
    assert_eq!(history(&out)[0].0, "COPY . / # buildkit");
}

#[test]
fn rebuild_is_all_hits_and_a_changed_file_names_itself() {
    let df = "FROM base\nCOPY app.py /app/\nRUN echo built > /built\nCMD [\"python\"]\n";
    let mut cache = Cache::new();
    let ctx = context(&[("/app.py", "print(1)\n", 0o644)]);
    let first = run_build(df, &ctx, &[], &mut cache);
    assert!(first
        .steps
        .iter()
        .all(|s| !matches!(s.cache, CacheStatus::Hit)));
    let again = run_build(df, &ctx, &[], &mut cache);
    let fs_steps: Vec<&CacheStatus> = again
        .steps
        .iter()
        .filter(|s| s.vertex.is_some() && s.layer.is_some())
        .map(|s| &s.cache)
        .collect();
    assert_eq!(fs_steps, vec![&CacheStatus::Hit, &CacheStatus::Hit]);
    assert_eq!(again.image.id(), first.image.id());
    let changed = context(&[("/app.py", "print(2)\n", 0o644)]);
    let third = run_build(df, &changed, &[], &mut cache);
    let misses: Vec<&CacheStatus> = third
        .steps
        .iter()
        .filter(|s| s.layer.is_some())
        .map(|s| &s.cache)
        .collect();
    assert_eq!(
        misses,
        vec![
            &CacheStatus::Miss("COPY: /app.py changed".to_owned()),
            &CacheStatus::Miss("previous step changed".to_owned())
        ]
    );
}

/// `chmod +x` alone (same bytes, same mtime) is a content change for COPY's cache, as BuildKit's checksum
/// covers the mode: the busybox while.sh lesson relies on it.
#[test]
fn a_mode_change_alone_misses_copys_cache() {
    let df = "FROM base\nCOPY . /\nENTRYPOINT [\"/while.sh\"]\n";
    let mut cache = Cache::new();
    let plain = context(&[("/while.sh", "echo hi\n", 0o644)]);
    let first = run_build(df, &plain, &[], &mut cache);
    let again = run_build(df, &plain, &[], &mut cache);
    let copy = |out: &BuildOutput| {
        out.steps
            .iter()
            .find(|s| s.text.starts_with("COPY"))
            .unwrap()
            .cache
            .clone()
    };
    assert_eq!(copy(&again), CacheStatus::Hit);
    let exec = context(&[("/while.sh", "echo hi\n", 0o755)]);
    let ticked = run_build(df, &exec, &[], &mut cache);
    assert_eq!(
        copy(&ticked),
        CacheStatus::Miss("COPY: /while.sh changed".to_owned())
    );
    assert_ne!(ticked.image.id(), first.image.id());
    let mode = |out: &BuildOutput| out.image.tree.stat("/while.sh").unwrap().attrs.mode;
    assert_eq!((mode(&first), mode(&ticked)), (0o644, 0o755));
}

#[test]
fn arg_change_misses_at_first_use() {
    let df = "FROM base\nARG V=1\nRUN echo $V > /v\n";
    let mut cache = Cache::new();
    run_build(df, &Tree::new(), &[], &mut cache);
    let out = run_build(df, &Tree::new(), &[("V", "2")], &mut cache);
    let run = out
        .steps
        .iter()
        .find(|s| s.text.starts_with("RUN"))
        .unwrap();
    assert_eq!(
        run.cache,
        CacheStatus::Miss("RUN instruction changed".to_owned())
    );
}

#[test]
fn a_failing_run_names_the_process_and_the_exit_code() {
    let ctx = Tree::new();
    let req = BuildRequest::new("FROM base\nRUN exit 3\n", &ctx, Timestamp::from_secs(0));
    let mut backend = EchoBackend { runs: Vec::new() };
    let err = build(&req, &mut backend, &OneImage, &mut Cache::new()).unwrap_err();
    assert_eq!(
        err.error.message,
        "process \"/bin/sh -c exit 3\" did not complete successfully: exit code: 3"
    );
    assert_eq!(err.error.span.map(|s| s.line), Some(2));
}

#[test]
fn unknown_base_is_a_clear_error_on_the_from_line() {
    let ctx = Tree::new();
    let req = BuildRequest::new("FROM nope:1\n", &ctx, Timestamp::from_secs(0));
    let mut backend = EchoBackend { runs: Vec::new() };
    let err = build(&req, &mut backend, &OneImage, &mut Cache::new()).unwrap_err();
    assert!(
        err.error.message.contains("nope:1"),
        "{}",
        err.error.message
    );
    assert_eq!(err.error.span.map(|s| s.line), Some(1));
}

#[test]
fn a_persisted_cache_gives_all_hits_in_a_new_process() {
    let df = "FROM base\nCOPY app.py /app/\nRUN echo built > /built\n";
    let ctx = context(&[("/app.py", "print(1)\n", 0o644)]);
    let mut cache = Cache::new();
    let first = run_build(df, &ctx, &[], &mut cache);
    let json = serde_json::to_vec(&cache.persist()).unwrap();
    let layers: Vec<strata_build::Layer> = first.image.layers.clone();
    let data = serde_json::from_slice(&json).unwrap();
    let mut restored = Cache::restore(data, &mut |d| {
        layers
            .iter()
            .find(|l| &l.diff_id == d)
            .map(|l| l.changeset.clone())
    });
    let again = run_build(df, &ctx, &[], &mut restored);
    assert!(again
        .steps
        .iter()
        .filter(|s| s.layer.is_some())
        .all(|s| s.cache == CacheStatus::Hit));
    assert_eq!(again.image.id(), first.image.id());
    assert!(again.image.tree.lstat("/built").is_ok());
}

#[test]
fn an_all_cached_rebuild_later_gives_the_same_image_id() {
    let df = "FROM base\nRUN echo one > /one\nENV A=1\nRUN echo two > /two\nCMD [\"sh\"]\n";
    let mut cache = Cache::new();
    let ctx = Tree::new();
    let at = |secs: i64| BuildRequest::new(df, &ctx, Timestamp::from_secs(secs));
    let mut backend = EchoBackend { runs: Vec::new() };
    let first = build(&at(1_800_000_000), &mut backend, &OneImage, &mut cache).unwrap();
    let later = build(&at(1_800_003_600), &mut backend, &OneImage, &mut cache).unwrap();
    assert_eq!(first.image.id(), later.image.id());
    // Metadata entries take the time of the step before them; the config's is the last one.
    let created: Vec<Option<String>> = later
        .image
        .config
        .history
        .iter()
        .skip(1)
        .map(|h| h.created.clone())
        .collect();
    assert_eq!(created[0], created[1], "ENV takes the RUN's time");
    assert_eq!(later.image.config.created, created[3]);
    assert_eq!(backend.runs.len(), 2, "the rebuild ran nothing");
}

#[test]
fn a_base_without_history_gets_exporter_entries_as_buildkit_does() {
    struct Bare;
    impl ImageSource for Bare {
        fn image(&self, r: &str) -> Option<SourceImage> {
            let mut img = OneImage.image(r)?;
            img.config.history.clear();
            Some(img)
        }
    }
    let ctx = Tree::new();
    let req = BuildRequest::new(
        "FROM base\nRUN echo x > /x\n",
        &ctx,
        Timestamp::from_secs(0),
    );
    let mut backend = EchoBackend { runs: Vec::new() };
    let out = build(&req, &mut backend, &Bare, &mut Cache::new()).unwrap();
    let h = &out.image.config.history;
    assert_eq!(h.len(), 2);
    assert_eq!(h[1].comment.as_deref(), Some("buildkit.exporter.image.v0"));
    assert!(!h[1].empty_layer);
}

/// The `created` of each history entry the Dockerfile made.
fn created(out: &BuildOutput) -> Vec<String> {
    out.image
        .config
        .history
        .iter()
        .skip(1)
        .map(|h| h.created.clone().unwrap_or_default())
        .collect()
}

#[test]
fn metadata_before_the_first_layer_is_dated_with_that_layer_not_the_base() {
    let df = "FROM base\nARG A=1\nENV B=2\nMAINTAINER me\nRUN echo x > /x\nENV C=3\n";
    let out = run_build(df, &Tree::new(), &[], &mut Cache::new());
    let built = strata_build::time::format_rfc3339(1_800_000_000, 0);
    assert_eq!(created(&out), vec![built.clone(); 5]);
    assert_eq!(out.image.config.created.as_deref(), Some(built.as_str()));
    // A stage that adds no layer keeps the base's time everywhere (tests/fidelity case 54).
    let out = run_build(
        "FROM base\nENV A=1\nMAINTAINER me\n",
        &Tree::new(),
        &[],
        &mut Cache::new(),
    );
    assert_eq!(created(&out), vec![BASE_CREATED.to_owned(); 2]);
    assert_eq!(out.image.config.created.as_deref(), Some(BASE_CREATED));
}

fn run_classic(df: &str) -> BuildOutput {
    let ctx = Tree::new();
    let req = request(df, &ctx, HistoryStyle::Classic);
    let mut backend = EchoBackend { runs: Vec::new() };
    build(&req, &mut backend, &OneImage, &mut Cache::new())
        .unwrap_or_else(|f| panic!("build failed: {}", f.error.message))
}

#[test]
fn classic_history_quotes_as_the_legacy_builder_did() {
    // Recorded with ORACLE_BUILDER=docker-legacy (Docker 20.10's classic builder).
    let out = run_classic(
        "FROM base\nCMD echo hi\nENTRYPOINT echo \"a b\"\nCMD [\"x\",\"y z\"]\nSHELL [\"/bin/sh\", \"-xc\"]\nEXPOSE 80 53/udp\n",
    );
    let by: Vec<String> = history(&out).into_iter().map(|(b, _)| b).collect();
    assert_eq!(
        by,
        vec![
            r#"/bin/sh -c #(nop)  CMD ["/bin/sh" "-c" "echo hi"]"#,
            r#"/bin/sh -c #(nop)  ENTRYPOINT ["/bin/sh" "-c" "echo \"a b\""]"#,
            r#"/bin/sh -c #(nop)  CMD ["x" "y z"]"#,
            r#"/bin/sh -xc #(nop)  SHELL [/bin/sh -xc]"#,
            r#"/bin/sh -xc #(nop)  EXPOSE 53/udp 80"#,
        ]
    );
}

#[test]
fn progress_names_steps_expanded_as_buildkit_does() {
    let ctx = context(&[("/f", "hi\n", 0o644)]);
    let df = "FROM base\nENV APP_HOME=/opt/app Q=x\nWORKDIR $APP_HOME\nRUN echo \"$Q '$Q' \\$Q\" ${Q} 'a $Q'\nCOPY --chown=$Q:$Q \"f\" '/d/$Q'\nadd f \"$APP_HOME/y\"\n";
    let out = run_build(df, &ctx, &[], &mut Cache::new());
    let log = strata_build::progress::plain(&out.steps, HistoryStyle::Buildkit);
    let names: Vec<&String> = log.iter().filter(|l| l.contains("] ")).collect();
    // Docker 20.10 BuildKit's plain progress for the same Dockerfile.
    assert_eq!(
        names,
        vec![
            "#1 [1/5] FROM docker.io/library/base:latest",
            "#2 [2/5] WORKDIR /opt/app",
            "#3 [3/5] RUN echo \"x 'x' $Q\" x 'a $Q'",
            "#4 [4/5] COPY --chown=x:x f /d/$Q",
            "#5 [5/5] ADD f /opt/app/y",
        ]
    );
}

/// A backend that prints what it runs.
struct Talker;

impl Backend for Talker {
    fn name(&self) -> &'static str {
        "talker"
    }

    fn run(&mut self, _fs: &mut Overlay, req: &RunRequest) -> RunOutput {
        RunOutput {
            stdout: format!("ran {}\n", req.argv.join(" ")).into_bytes(),
            ..RunOutput::default()
        }
    }
}

fn talk(df: &str, cache: &mut Cache) -> Vec<String> {
    let ctx = Tree::new();
    let req = request(df, &ctx, HistoryStyle::Buildkit);
    let out = build(&req, &mut Talker, &OneImage, cache)
        .unwrap_or_else(|f| panic!("build failed: {}", f.error.message));
    strata_build::progress::plain(&out.steps, HistoryStyle::Buildkit)
}

#[test]
fn a_cached_run_prints_only_cached() {
    let df = "FROM base\nRUN echo hello\n";
    let mut cache = Cache::new();
    let first = talk(df, &mut cache);
    assert!(
        first.contains(&"#2 ran /bin/sh -c echo hello".to_owned()),
        "{first:?}"
    );
    let again = talk(df, &mut cache);
    assert_eq!(
        again,
        vec![
            "#1 [1/2] FROM docker.io/library/base:latest",
            "#1 CACHED",
            "",
            "#2 [2/2] RUN echo hello",
            "#2 CACHED",
            "",
        ]
    );
}

#[test]
fn a_step_after_a_cached_from_never_says_the_previous_step_changed() {
    let mut cache = Cache::new();
    // Another project's build used the same cache (the CLI's store, the playground's session).
    talk("FROM scratch\nRUN echo other\n", &mut cache);
    let first = talk("FROM base\nRUN echo hello\n", &mut cache);
    assert!(
        first.contains(&"#2 DONE (cache miss: not in the cache)".to_owned()),
        "{first:?}"
    );
    // A step after one that ran still says so.
    talk("FROM base\nRUN echo a\nRUN echo b\n", &mut cache);
    let changed = talk("FROM base\nRUN echo A\nRUN echo b\n", &mut cache);
    assert!(
        changed.contains(&"#3 DONE (cache miss: previous step changed)".to_owned()),
        "{changed:?}"
    );
}

#[test]
fn an_expanded_port_is_checked_by_the_dockerfile_crates_port_check() {
    let ctx = Tree::new();
    let req = BuildRequest::new(
        "FROM base\nARG P=70000\nEXPOSE $P\n",
        &ctx,
        Timestamp::from_secs(1_800_000_000),
    );
    let err = build(
        &req,
        &mut EchoBackend { runs: Vec::new() },
        &OneImage,
        &mut Cache::new(),
    )
    .expect_err("70000 is not a port");
    assert_eq!(err.error.message, "invalid containerPort: 70000");
    let out = run_build(
        "FROM base\nARG P=53/UDP\nEXPOSE $P 80\n",
        &ctx,
        &[],
        &mut Cache::new(),
    );
    let ports: Vec<String> = cfg(&out)
        .exposed_ports
        .flatten()
        .unwrap_or_default()
        .into_keys()
        .collect();
    assert_eq!(ports, ["53/udp", "80/tcp"]);
}

#[test]
fn from_a_variable_naming_an_earlier_stage_schedules_and_builds_it() {
    // The stage is found through the meta arg (case-insensitively) both when choosing which stages to
    // build and when building: it used to be chosen only by its literal name, so it was never built.
    let df = "ARG X=Builder\nFROM base AS builder\nRUN echo b > /b\nFROM base AS unused\nRUN exit 3\nFROM $X\nRUN echo c > /c\n";
    let out = run_build(df, &Tree::new(), &[], &mut Cache::new());
    let stages: Vec<&str> = out.steps.iter().map(|s| s.stage.as_str()).collect();
    assert!(stages.contains(&"builder"), "{stages:?}");
    assert!(!stages.contains(&"unused"), "{stages:?}");
    assert!(out.image.tree.stat("/b").is_ok() && out.image.tree.stat("/c").is_ok());
    // Through a build arg too.
    let df = "ARG X=base\nFROM base AS one\nRUN echo one > /one\nFROM $X\nRUN echo two > /two\n";
    let out = run_build(df, &Tree::new(), &[("X", "ONE")], &mut Cache::new());
    assert!(out.image.tree.stat("/one").is_ok());
}

#[test]
fn workdir_is_kept_as_written_and_run_creates_its_cwd_as_mkdirall_does() {
    // tests/fidelity case 200 recorded the same with Docker 20.10 BuildKit.
    let df = "FROM base\nWORKDIR /a/b/c/\nWORKDIR sub/\nARG BASE=/srv\nWORKDIR ${BASE}/other/../final\nRUN echo x > /x\n";
    let ctx = Tree::new();
    let req = request(df, &ctx, HistoryStyle::Buildkit);
    let mut backend = EchoBackend { runs: Vec::new() };
    let out = build(&req, &mut backend, &OneImage, &mut Cache::new())
        .unwrap_or_else(|f| panic!("build failed: {}", f.error.message));
    assert_eq!(
        cfg(&out).working_dir.as_deref(),
        Some("/srv/other/../final")
    );
    let by: Vec<String> = history(&out).into_iter().map(|(b, _)| b).collect();
    assert_eq!(
        &by[..4],
        [
            "WORKDIR /a/b/c/",
            "WORKDIR /a/b/c/sub",
            "ARG BASE=/srv",
            "WORKDIR /srv/other/../final"
        ]
    );
    // The process runs in the cleaned directory; the path as written made /srv/other too.
    assert_eq!(backend.runs[0].cwd, "/srv/final");
    let tree = &out.image.tree;
    assert!(tree.stat("/srv/final").is_ok_and(|s| s.is_dir()));
    assert!(tree.stat("/srv/other").is_ok_and(|s| s.is_dir()));
    assert!(tree.stat("/a/b/c/sub").is_ok_and(|s| s.is_dir()));
}

#[test]
fn a_stage_from_an_earlier_stage_has_no_from_vertex() {
    // Docker 20.10 BuildKit's plain progress for fidelity case 02 (oracle.sh, build.log): the second stage's
    // `FROM base` prints no line, and its steps are numbered without it.
    let df = "FROM base AS first\nRUN echo \"built in first\" > /first.txt\n\nFROM first\nRUN cat /first.txt > /child.txt\n";
    let log = talk(df, &mut Cache::new());
    let names: Vec<&String> = log.iter().filter(|l| l.contains("] ")).collect();
    assert_eq!(
        names,
        vec![
            "#1 [first 1/2] FROM docker.io/library/base:latest",
            "#2 [first 2/2] RUN echo \"built in first\" > /first.txt",
            "#3 [stage-1 1/1] RUN cat /first.txt > /child.txt",
        ]
    );
}

/// A build of `dockerfile` in `context` with no arguments, target or ignore file, at a fixed time.
fn request<'a>(dockerfile: &'a str, context: &'a Tree, style: HistoryStyle) -> BuildRequest<'a> {
    BuildRequest {
        style,
        ..BuildRequest::new(dockerfile, context, Timestamp::from_secs(1_800_000_000))
    }
}
