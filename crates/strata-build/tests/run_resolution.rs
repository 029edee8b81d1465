//! `docker run` resolution checked against what Docker 20.10 did (`test_data/run/observed.json`, recorded by
//! `test_data/run/record.py`; OBSERVED.md experiments b1–b4 are among the runs), plus the parser and the
//! explanation text.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use strata_build::run::{
    parse_run_line, resolve, CmdRow, EntrypointColumn, ImageFiles, RunError, RunOptions,
};
use strata_image::image::ContainerConfig;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/run")
}

/// An image recorded by record.py: its config and its /etc files.
struct Image {
    config: ContainerConfig,
    files: BTreeMap<String, Vec<u8>>,
}

impl ImageFiles for Image {
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        self.files.get(path).cloned()
    }
}

fn image(name: &str) -> Image {
    let dir = data().join("images").join(name).join("image");
    let config: ContainerConfig =
        serde_json::from_str(&std::fs::read_to_string(dir.join("config.json")).unwrap()).unwrap();
    let mut files = BTreeMap::new();
    for f in ["passwd", "group"] {
        if let Ok(b) = std::fs::read(dir.join("etc").join(f)) {
            files.insert(format!("/etc/{f}"), b);
        }
    }
    Image { config, files }
}

#[test]
fn explanation_for_a_learner() {
    // Each run line's explanation must have lines ending in these, in this order (others may come between).
    let cases: [(&str, &str, &[&str]); 4] = [
        (
            "b1",
            "IMG",
            &[
                r#"ENTRYPOINT is exec form ["echo","-n","hi"], so arguments are appended to it"#,
                r#"CMD is exec form ["there"]: it supplies the ENTRYPOINT's default arguments"#,
                r#"Table cell: CMD ["exec_cmd","p1_cmd"] × ENTRYPOINT ["exec_entry","p1_entry"]"#,
                "Docker starts: echo -n hi there",
                "HOME is not set, so it comes from the user's /etc/passwd entry: HOME=/root",
            ],
        ),
        (
            "b2p",
            "IMG you all",
            &[
                "so CMD and arguments become $0, $1… of that shell and are ignored unless the script uses them",
                r#"CMD ["there"] was replaced by your arguments `you all`"#,
                "Table cell: arguments given to docker run (in place of CMD) × ENTRYPOINT exec_entry p1_entry",
            ],
        ),
        (
            "env-home",
            "-e HOME -e FOO IMG id",
            &[
                "The image has no ENTRYPOINT",
                "Docker starts: id",
                "User `nobody` resolves to uid=65534 (nobody in /etc/passwd) gid=65534 groups=65534",
                "-e HOME has no value: docker would copy HOME from the shell running `docker run`; strata has no such shell, so HOME is unset (the image's HOME=/imghome is removed)",
                "HOME is not set, so it comes from the user's /etc/passwd entry: HOME=/nonexistent",
            ],
        ),
        (
            "users",
            "-u alice:7000 -w /a/../b IMG",
            &[
                "CMD is exec form [\"sh\"] and is the command",
                "-u alice:7000 replaces the image's USER (none: root)",
                "User `alice:7000` resolves to uid=1000 (alice in /etc/passwd) gid=7000 groups=7001",
                "HOME is not set, so it comes from the user's /etc/passwd entry: HOME=/home/alice",
                "-w /a/../b replaces the image's WORKDIR (none: /)",
                "The working directory /a/../b is cleaned to /b",
            ],
        ),
    ];
    for (img, line, wanted) in cases {
        let r = run(&image(img), line).unwrap();
        let mut lines = r.explanation.iter();
        for w in wanted {
            assert!(
                lines.any(|l| l.ends_with(w)),
                "{img} `{line}`: the explanation lacks (or misorders)\n  {w}\nit is:\n{}",
                r.explanation.join("\n")
            );
        }
    }
}

#[test]
fn every_recorded_docker_run_resolves_like_docker() {
    let observed: Value =
        serde_json::from_str(&std::fs::read_to_string(data().join("observed.json")).unwrap())
            .unwrap();
    let runs = observed["runs"].as_array().unwrap();
    assert!(runs.len() >= 100, "only {} runs recorded", runs.len());
    let mut images = BTreeMap::new();
    let mut failures = Vec::new();
    for run in runs {
        let name = run["image"].as_str().unwrap();
        let img = images
            .entry(name.to_string())
            .or_insert_with(|| image(name));
        let line = run["line"].as_str().unwrap();
        let exit = run["exit"].as_i64().unwrap();
        let parsed = parse_run_line(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(parsed.image, "IMG", "{line}");
        let got = resolve(&img.config, &parsed.options, &*img);
        let ctx = format!("[{name}] {line}");
        match (exit, &got) {
            (125, Err(e)) => {
                if run["stderr"].as_str() != Some(e.to_string().as_str()) {
                    failures.push(format!("{ctx}\n  docker: {}\n  strata: {e}", run["stderr"]));
                }
                assert_eq!(e.exit_code(), 125);
            }
            (125, Ok(r)) => failures.push(format!("{ctx}: docker refused, strata gave {r:?}")),
            (_, Err(e)) => failures.push(format!("{ctx}: docker ran (exit {exit}), strata: {e}")),
            (_, Ok(r)) => {
                let mut check = |what: &str, want: Value, got: Value| {
                    if want != got {
                        failures.push(format!(
                            "{ctx}\n  {what} docker: {want}\n  {what} strata: {got}"
                        ));
                    }
                };
                check("argv", run["argv"].clone(), serde_json::json!(r.argv));
                if let Some(env) = run.get("env") {
                    check("env", env.clone(), serde_json::json!(r.env));
                    check("uid", run["uid"].clone(), serde_json::json!(r.uid));
                    check("gid", run["gid"].clone(), serde_json::json!(r.gid));
                    check("groups", run["groups"].clone(), serde_json::json!(r.groups));
                    check(
                        "workdir",
                        run["workdir"].clone(),
                        serde_json::json!(r.workdir),
                    );
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn b1() -> Image {
    image("b1")
}

fn run(img: &Image, line: &str) -> Result<strata_build::run::Resolved, RunError> {
    let parsed = parse_run_line(line)?;
    resolve(&img.config, &parsed.options, img)
}

#[test]
fn b1_explains_each_decision() {
    let img = b1();
    let r = run(&img, "docker run IMG you all").unwrap();
    assert_eq!(r.argv, ["echo", "-n", "hi", "you", "all"]);
    assert_eq!(r.rule.entrypoint, EntrypointColumn::Exec);
    assert_eq!(r.rule.cmd, CmdRow::Arguments);
    let text = r.explanation.join("\n");
    assert!(
        text.contains(
            r#"ENTRYPOINT is exec form ["echo","-n","hi"], so arguments are appended to it"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"CMD ["there"] was replaced by your arguments `you all`"#),
        "{text}"
    );

    let r = run(&img, "docker run --entrypoint echo IMG").unwrap();
    assert_eq!(r.argv, ["echo"]);
    assert_eq!(r.rule.entrypoint, EntrypointColumn::Override);
    assert_eq!(r.rule.cmd, CmdRow::None);
    assert!(r.explanation.iter().any(|l| l.contains(
        r#"--entrypoint echo replaces the image's ENTRYPOINT and drops its CMD ["there"]"#
    )));

    let parsed = parse_run_line("docker run --entrypoint '' IMG").unwrap();
    let (res, why) = strata_build::run::resolve_explained(&img.config, &parsed.options, &img);
    assert!(res.is_err());
    assert!(
        why.iter().any(|l| l.contains(r#"drops its CMD ["there"]"#)),
        "{why:?}"
    );
    assert!(
        why.iter().any(|l| l.contains("No command specified")),
        "{why:?}"
    );
    let e = run(&img, "docker run --entrypoint '' IMG").unwrap_err();
    assert_eq!(e, RunError::NoCommand);
    assert_eq!(
        e.to_string(),
        "docker: Error response from daemon: No command specified."
    );
    assert_eq!(e.exit_code(), 125);
}

#[test]
fn shell_form_entrypoint_says_cmd_is_ignored() {
    let img = image("b2");
    let r = run(&img, "IMG you").unwrap();
    assert_eq!(r.argv, ["/bin/sh", "-c", "echo -n hi", "you"]);
    assert_eq!(r.rule.entrypoint, EntrypointColumn::Shell);
    let text = r.explanation.join("\n");
    assert!(text.contains("runs as /bin/sh -c 'echo -n hi'"), "{text}");
    assert!(text.contains("become $0"), "{text}");
}

#[test]
fn table_cells_are_named() {
    let r = run(&image("exec-ep-shell-cmd"), "IMG").unwrap();
    assert_eq!(r.rule.entrypoint, EntrypointColumn::Exec);
    assert_eq!(r.rule.cmd, CmdRow::Shell);
    assert_eq!(
        r.rule.describe(),
        r#"CMD exec_cmd p1_cmd × ENTRYPOINT ["exec_entry","p1_entry"]"#
    );
    let r = run(&image("shell-cmd"), "IMG").unwrap();
    assert_eq!(
        (r.rule.entrypoint, r.rule.cmd),
        (EntrypointColumn::None, CmdRow::Shell)
    );
    let r = run(&image("b3"), "IMG").unwrap();
    assert_eq!(
        (r.rule.entrypoint, r.rule.cmd),
        (EntrypointColumn::None, CmdRow::Exec)
    );
    let r = run(&image("custom-shell"), "IMG").unwrap();
    assert_eq!(
        (r.rule.entrypoint, r.rule.cmd),
        (EntrypointColumn::Shell, CmdRow::Exec)
    );
    let r = run(&image("no-command"), "--entrypoint '' IMG x").unwrap();
    assert_eq!(
        (r.rule.entrypoint, r.rule.cmd),
        (EntrypointColumn::Reset, CmdRow::Arguments)
    );
}

#[test]
fn dry_run_json_has_the_contract_fields() {
    let img = image("users");
    let r = run(&img, "strata run --rm -u alice -e A=1 -w /srv IMG id").unwrap();
    let j = r.dry_run_json();
    assert_eq!(j["argv"], serde_json::json!(["id"]));
    assert_eq!(j["workdir"], "/srv");
    assert_eq!(j["user"], "alice");
    assert_eq!(j["uid"], 1000);
    assert_eq!(j["groups"], serde_json::json!([10, 1000, 2000, 2001]));
    assert_eq!(
        j["env"],
        serde_json::json!([
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOSTNAME=<container-id>",
            "A=1",
            "HOME=/home/alice"
        ])
    );
    assert_eq!(j["rule"]["entrypoint"], "none");
    assert_eq!(j["rule"]["cmd"], "arguments");
    assert!(j["explanation"].as_array().unwrap().len() >= 4);
}

#[test]
fn hostname_comes_from_h_then_the_container_id() {
    let img = image("busybox-mnt");
    let mut opts = RunOptions {
        container_id: Some("0123456789abcdef0123".into()),
        ..RunOptions::default()
    };
    let r = resolve(&img.config, &opts, &img).unwrap();
    assert_eq!(r.env[1], "HOSTNAME=0123456789ab");
    opts.hostname = Some("box".into());
    let r = resolve(&img.config, &opts, &img).unwrap();
    assert_eq!(r.env[1], "HOSTNAME=box");
}

#[test]
fn scratch_image_without_files() {
    let config = ContainerConfig {
        cmd: Some(Some(vec!["/app".into()])),
        ..ContainerConfig::default()
    };
    let r = resolve(&config, &RunOptions::default(), &()).unwrap();
    assert_eq!(r.argv, ["/app"]);
    assert_eq!((r.uid, r.gid, r.groups.clone()), (0, 0, vec![0]));
    assert_eq!(r.env.last().unwrap(), "HOME=/");
    let e = resolve(
        &config,
        &RunOptions {
            user: Some("nobody".into()),
            ..RunOptions::default()
        },
        &(),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "docker: Error response from daemon: unable to find user nobody: no matching entries in passwd file."
    );
}

#[test]
fn parser_reads_flags_like_docker() {
    let l = parse_run_line(r#"docker run --rm -it -e A=1 --env=B="two words" -eC=3 -e=D=4 -w/x -u 0 --name n -h host --entrypoint '' img a 'b c' -e"#)
        .unwrap();
    let o = &l.options;
    assert!(o.rm && o.interactive && o.tty && !o.detach);
    assert_eq!(o.env, ["A=1", "B=two words", "C=3", "D=4"]);
    assert_eq!(o.workdir.as_deref(), Some("/x"));
    assert_eq!(o.user.as_deref(), Some("0"));
    assert_eq!(o.name.as_deref(), Some("n"));
    assert_eq!(o.hostname.as_deref(), Some("host"));
    assert_eq!(o.entrypoint.as_deref(), Some(""));
    assert_eq!(l.image, "img");
    assert_eq!(o.args, ["a", "b c", "-e"]);

    let l = parse_run_line("-d --rm=false --tty=0 -- img").unwrap();
    assert!(l.options.detach && !l.options.rm && !l.options.tty);
    assert_eq!(l.image, "img");
    let l = parse_run_line("docker container run busybox").unwrap();
    assert_eq!(l.image, "busybox");
    let l = parse_run_line(r#"img sh -c "echo \"\$HOME\"" x\ y"#).unwrap();
    assert_eq!(l.options.args, ["sh", "-c", "echo \"$HOME\"", "x y"]);
}

#[test]
fn parser_errors_name_the_problem() {
    let err = |l: &str| parse_run_line(l).unwrap_err().to_string();
    assert_eq!(
        err("docker run --privileged img"),
        "unknown flag: --privileged"
    );
    assert_eq!(
        err("docker run -itx img"),
        "unknown shorthand flag: 'x' in -itx"
    );
    assert_eq!(
        err("docker run --entrypoint"),
        "flag needs an argument: --entrypoint"
    );
    assert_eq!(err("docker run -e"), "flag needs an argument: 'e' in -e");
    assert_eq!(
        err("docker run --rm"),
        "\"docker run\" requires at least 1 argument."
    );
    assert_eq!(
        err("docker run -e =x img"),
        "invalid argument \"=x\" for \"-e, --env\" flag: invalid environment variable: =x"
    );
    assert_eq!(
        err("docker run --rm=maybe img"),
        "invalid argument \"maybe\" for \"--rm\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax"
    );
    assert_eq!(
        err("docker run img 'oops"),
        "unterminated ' quote in the run line"
    );
    assert!(parse_run_line("docker run --rm img").is_ok());
}

#[test]
fn parser_accepts_the_flags_learners_type() {
    use strata_build::mounts::MountSource;
    let l = parse_run_line(
        "docker run -d -p 8080:80 -P --network none --net=host -it --rm -v /data -v vol:/v:ro -v /h:/b \
         --env-file app.env -u 1000 --workdir /srv -h box --name web img",
    )
    .unwrap();
    let o = &l.options;
    assert!(o.detach && o.publish_all && o.interactive && o.tty && o.rm);
    assert_eq!(o.publish, ["8080:80"]);
    assert_eq!(o.network.as_deref(), Some("host"));
    assert_eq!(o.env_files, ["app.env"]);
    let sources: Vec<&MountSource> = o.volumes.iter().map(|m| &m.source).collect();
    assert_eq!(
        sources,
        [
            &MountSource::Anonymous,
            &MountSource::Named("vol".into()),
            &MountSource::Bind("/h".into())
        ]
    );
    assert!(o.volumes[1].read_only);
    let notes = o.not_modelled().join("\n");
    assert!(
        notes.contains("-p 8080:80: accepted, not modelled here"),
        "{notes}"
    );
    assert!(notes.contains("-P: accepted") && notes.contains("--network host: accepted"));
    assert!(notes.contains("-d: accepted"));
}

#[test]
fn a_line_that_is_not_docker_run_says_so() {
    let e = parse_run_line("docker build .").unwrap_err();
    assert_eq!(
        e.to_string(),
        "the run line takes a `docker run …` command; `docker build .` is not one"
    );
    assert_eq!(e.exit_code(), 125);
    assert!(matches!(
        parse_run_line("docker images"),
        Err(RunError::NotRun(_))
    ));
    // An image called `docker` is still an image.
    assert_eq!(parse_run_line("docker run docker").unwrap().image, "docker");
}

#[test]
fn the_stderr_of_a_refusal_is_dockers() {
    assert_eq!(
        RunError::ImageNotFound("x:latest".into())
            .stderr()
            .lines()
            .next(),
        Some("Unable to find image 'x:latest' locally")
    );
    assert_eq!(
        parse_run_line("docker run -v a:/p:xx img")
            .unwrap_err()
            .stderr(),
        "docker: Error response from daemon: invalid mode: xx.\nSee 'docker run --help'.\n"
    );
    assert_eq!(
        parse_run_line("docker run --bogus img")
            .unwrap_err()
            .stderr(),
        "unknown flag: --bogus\nSee 'docker run --help'.\n"
    );
}

#[test]
fn env_files_come_before_the_e_values() {
    let mut o = parse_run_line("docker run --env-file e.env -e A=9 img")
        .unwrap()
        .options;
    let read = |f: &str| (f == "e.env").then(|| b"A=1\nB=2\n".to_vec());
    o.read_env_files(&read, &|_| None).unwrap();
    assert_eq!(o.env, ["A=1", "B=2", "A=9"]);
    let r = resolve(
        &ContainerConfig::default(),
        &RunOptions {
            args: vec!["env".into()],
            ..o
        },
        &(),
    )
    .unwrap();
    // Docker 20.10: the name keeps its first place and its last value.
    assert_eq!(&r.env[2..4], ["A=9", "B=2"]);
    let mut o = parse_run_line("docker run --env-file nope.env img")
        .unwrap()
        .options;
    assert_eq!(
        o.read_env_files(&read, &|_| None).unwrap_err().stderr(),
        "docker: open nope.env: no such file or directory.\nSee 'docker run --help'.\n"
    );
}
