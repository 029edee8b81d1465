//! Tests: instructions.
//!
//! The error table checks BuildKit's messages for argument counts, flags and the stage graph; the lowering
//! tests check what each instruction becomes.

use std::time::Duration;

use strata_dockerfile::instructions::{
    lower, Command, HealthTest, Lowered, MountKind, NetworkMode, SecurityMode, ShellOrExec, Stage,
};
use strata_dockerfile::parse;

fn lowered(text: &str) -> Lowered {
    let parsed = parse(text);
    let errors: Vec<_> = parsed.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(
        errors.is_empty(),
        "parser errors in test input {text:?}: {errors:?}"
    );
    lower(&parsed.ast)
}

/// The only stage of `text`, which must lower without diagnostics.
fn stage(text: &str) -> Stage {
    let l = lowered(text);
    assert!(l.diagnostics.is_empty(), "{text:?}: {:?}", l.diagnostics);
    assert_eq!(l.stages.len(), 1, "{text:?}");
    l.stages
        .into_iter()
        .next()
        .unwrap_or_else(|| unreachable!())
}

/// The first command of the only stage of `FROM scratch` + `line`.
fn command(line: &str) -> Command {
    let s = stage(&format!("FROM scratch\n{line}\n"));
    s.commands
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no command for {line:?}"))
}

fn texts(ws: &[strata_dockerfile::ast::Word]) -> Vec<&str> {
    ws.iter().map(|w| w.text.as_str()).collect()
}

/// (Dockerfile, code, message): each must lower with exactly this first diagnostic.
const ERRORS: &[(&str, &str, &str)] = &[
    // Unknown instructions, with BuildKit's message.
    ("FROM scratch\nFORM x\n", "SD0020", "unknown instruction: FORM"),
    ("FROM scratch\nrntrypoint x\n", "SD0020", "unknown instruction: rntrypoint"),
    // Stage context.
    ("RUN echo\nFROM scratch\n", "SD0021", "no build stage in current context"),
    ("ARG A=1\n", "SD0022", "dockerfile contains no stages to build"),
    // Argument counts.
    ("FROM\n", "SD0023", "FROM requires either one or three arguments"),
    ("FROM a b\n", "SD0023", "FROM requires either one or three arguments"),
    ("FROM a AS\n", "SD0023", "FROM requires either one or three arguments"),
    ("FROM a FOR b\n", "SD0023", "FROM requires either one or three arguments"),
    ("FROM a AS b c\n", "SD0023", "FROM requires either one or three arguments"),
    ("FROM scratch\nENV\n", "SD0023", "ENV requires at least one argument"),
    ("FROM scratch\nLABEL\n", "SD0023", "LABEL requires at least one argument"),
    ("FROM scratch\nARG\n", "SD0023", "ARG requires at least one argument"),
    ("FROM scratch\nEXPOSE\n", "SD0023", "EXPOSE requires at least one argument"),
    ("FROM scratch\nVOLUME\n", "SD0023", "VOLUME requires at least one argument"),
    ("FROM scratch\nVOLUME []\n", "SD0023", "VOLUME requires at least one argument"),
    ("FROM scratch\nONBUILD\n", "SD0023", "ONBUILD requires at least one argument"),
    ("FROM scratch\nHEALTHCHECK\n", "SD0023", "HEALTHCHECK requires at least one argument"),
    ("FROM scratch\nSHELL []\n", "SD0023", "SHELL requires at least one argument"),
    ("FROM scratch\nWORKDIR\n", "SD0023", "WORKDIR requires exactly one argument"),
    ("FROM scratch\nUSER\n", "SD0023", "USER requires exactly one argument"),
    ("FROM scratch\nSTOPSIGNAL\n", "SD0023", "STOPSIGNAL requires exactly one argument"),
    ("FROM scratch\nMAINTAINER\n", "SD0023", "MAINTAINER requires exactly one argument"),
    (
        "FROM scratch\nCOPY app.py\n",
        "SD0023",
        "COPY requires at least two arguments, but only one was provided. Destination could not be determined",
    ),
    (
        "FROM scratch\nADD [\"x\"]\n",
        "SD0023",
        "ADD requires at least two arguments, but only one was provided. Destination could not be determined",
    ),
    // Flags.
    ("FROM scratch\nCOPY --form=x a /b\n", "SD0024", "unknown flag: --form"),
    ("FROM scratch\nENV --x=1 A=1\n", "SD0024", "unknown flag: --x"),
    ("FROM --plaform=linux/amd64 scratch\n", "SD0024", "unknown flag: --plaform"),
    ("FROM scratch\nRUN --mont=type=cache,target=/x true\n", "SD0024", "unknown flag: --mont"),
    ("FROM scratch\nCOPY --from a /b\n", "SD0025", "missing a value on flag: --from"),
    ("FROM scratch\nCOPY --link= a /b\n", "SD0025", "missing a value on flag: --link"),
    ("FROM scratch\nCOPY --chown=a --chown=b a /b\n", "SD0026", "duplicate flag specified: --chown"),
    ("FROM scratch\nCOPY --link=yes a /b\n", "SD0027", "expecting boolean value for flag --link, not: yes"),
    ("FROM scratch\nHEALTHCHECK --interval=5 CMD x\n", "SD0027", "time: missing unit in duration \"5\""),
    ("FROM scratch\nHEALTHCHECK --timeout=5x CMD x\n", "SD0027", "time: unknown unit \"x\" in duration \"5x\""),
    ("FROM scratch\nHEALTHCHECK --timeout=abc CMD x\n", "SD0027", "time: invalid duration \"abc\""),
    ("FROM scratch\nHEALTHCHECK --interval=1us CMD x\n", "SD0027", "interval \"interval\" cannot be less than 1ms"),
    ("FROM scratch\nHEALTHCHECK --retries=-1 CMD x\n", "SD0027", "--retries cannot be negative (-1)"),
    ("FROM scratch\nHEALTHCHECK --retries=x CMD x\n", "SD0027", "strconv.ParseInt: parsing \"x\": invalid syntax"),
    ("FROM scratch\nRUN --network=bridge true\n", "SD0027", "unsupported network mode \"bridge\""),
    ("FROM scratch\nRUN --security=root true\n", "SD0027", "unsupported security mode \"root\""),
    // Names.
    ("FROM scratch\nARG =1\n", "SD0028", "ARG names can not be blank"),
    ("FROM x AS 1st\n", "SD0029", "invalid name for build stage: \"1st\", name can't start with a number or contain symbols"),
    ("FROM x AS a/b\n", "SD0029", "invalid name for build stage: \"a/b\", name can't start with a number or contain symbols"),
    // The stage graph.
    (
        "FROM x AS app\nCOPY --from=build /a /b\nFROM y AS build\n",
        "SD0031",
        "cannot copy from stage \"build\", it needs to be defined before current stage \"app\"",
    ),
    (
        "FROM x\nCOPY --from=1 /a /b\nFROM y\n",
        "SD0031",
        "cannot copy from stage \"1\", it needs to be defined before current stage \"stage-0\"",
    ),
    ("FROM x\nCOPY --from=5 /a /b\n", "SD0032", "invalid stage index 5"),
    ("FROM x\nCOPY --from=-1 /a /b\n", "SD0032", "invalid stage index -1"),
    ("FROM x AS me\nCOPY --from=me /a /b\n", "SD0033", "circular dependency detected on stage: me"),
    ("FROM x\nCOPY --from=0 /a /b\n", "SD0033", "circular dependency detected on stage: stage-0"),
    (
        "FROM x\nARG S\nCOPY --from=$S /a /b\n",
        "SD0034",
        "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround",
    ),
    // ONBUILD, SHELL, heredocs, HEALTHCHECK, VOLUME, mounts.
    ("FROM scratch\nONBUILD ONBUILD RUN x\n", "SD0035", "chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"),
    ("FROM scratch\nONBUILD FROM x\n", "SD0035", "FROM isn't allowed as an ONBUILD trigger"),
    ("FROM scratch\nONBUILD maintainer x\n", "SD0035", "MAINTAINER isn't allowed as an ONBUILD trigger"),
    ("FROM scratch\nSHELL /bin/bash -c\n", "SD0036", "SHELL requires the arguments to be in JSON form"),
    ("FROM scratch\nSHELL ['/bin/bash', '-c']\n", "SD0036", "SHELL requires the arguments to be in JSON form"),
    ("FROM scratch\nCOPY a <<EOF\nx\nEOF\n", "SD0037", "COPY cannot accept a heredoc as a destination"),
    ("FROM scratch\nHEALTHCHECK NONE x\n", "SD0038", "HEALTHCHECK NONE takes no arguments"),
    ("FROM scratch\nHEALTHCHECK CMD\n", "SD0038", "missing command after HEALTHCHECK CMD"),
    ("FROM scratch\nHEALTHCHECK CONNECT x\n", "SD0038", "unknown type \"CONNECT\" in HEALTHCHECK (try CMD)"),
    ("FROM scratch\nVOLUME [\"\"]\n", "SD0039", "VOLUME specified can not be an empty string"),
    ("FROM scratch\nRUN --mount=type=cash,target=/x true\n", "SD0040", "unsupported mount type \"cash\""),
    ("FROM scratch\nRUN --mount=type=cache,tagret=/x true\n", "SD0040", "unexpected key 'tagret' in 'tagret=/x'"),
    // Values BuildKit checks at dispatch.
    ("FROM scratch\nEXPOSE 80 # http\n", "SD0041", "invalid containerPort: #"),
    ("FROM scratch\nEXPOSE 80/tpc\n", "SD0041", "invalid proto: tpc"),
    ("FROM scratch\nEXPOSE 70000\n", "SD0041", "invalid containerPort: 70000"),
    ("FROM scratch\nSTOPSIGNAL SIGTERM # x\n", "SD0041", "invalid signal: SIGTERM # x"),
    ("FROM scratch\nSTOPSIGNAL 0\n", "SD0041", "invalid signal: 0"),
    (
        "FROM Ubuntu:24.04\n",
        "SD0041",
        "failed to parse stage name \"Ubuntu:24.04\": invalid reference format: repository name must be lowercase",
    ),
    (
        "FROM scratch\nRUN --mount=type=bind,sharing=locked,target=/x true\n",
        "SD0040",
        "invalid cache sharing set for bind mount",
    ),
];

#[test]
fn errors_have_buildkit_messages() {
    let mut failures = Vec::new();
    for (text, code, message) in ERRORS {
        let l = lower(&parse(text).ast);
        match l.diagnostics.first() {
            Some(d) if d.code == *code && d.message == *message && d.is_error() => {}
            other => failures.push(format!(
                "{text:?}\n  want {code} {message}\n  got  {other:?}"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn duplicate_stage_names_warn_as_buildkit_does() {
    let l = lower(&parse("FROM x AS a\nFROM y AS A\n").ast);
    assert_eq!(l.diagnostics.len(), 1, "{:?}", l.diagnostics);
    let d = &l.diagnostics[0];
    assert_eq!(
        (d.code, d.severity),
        ("SD0030", strata_dockerfile::Severity::Warning)
    );
    assert_eq!(
        d.message,
        "duplicate stage name \"a\", stage names should be unique"
    );
    assert_eq!((d.span.line, d.span.col), (2, 11));
    assert!(!l.has_errors());
    // The reference resolves to the last stage with the name, which is the current one here.
    let l = lower(&parse("FROM x AS a\nFROM y AS a\nFROM z\nCOPY --from=a /x /y\n").ast);
    let Command::Copy(c) = &l.stages[2].commands[0] else {
        panic!()
    };
    assert_eq!(c.from_stage, Some(1));
}

#[test]
fn valid_values_pass() {
    for ok in [
        "FROM scratch\nEXPOSE 80 443/tcp 8000-8010/udp 9/SCTP $PORT 127.0.0.1:80:80\n",
        "FROM scratch\nSTOPSIGNAL 9\n",
        "FROM scratch\nSTOPSIGNAL sigrtmin+3\n",
        "FROM scratch\nSTOPSIGNAL QUIT\n",
        "FROM scratch\nSTOPSIGNAL $SIG\n",
        "FROM localhost:5000/app:1.0\n",
        "FROM Registry.Example.com:5000/team/app:V1\n",
        "FROM $BASE\n",
    ] {
        let l = lower(&parse(ok).ast);
        assert!(l.diagnostics.is_empty(), "{ok:?}: {:?}", l.diagnostics);
    }
    let l = lower(&parse("FROM alpine AS builder\nFROM Builder\n").ast);
    assert_eq!(
        l.diagnostics[0].help.as_deref(),
        Some("stage names are lower case: write FROM builder")
    );
}

#[test]
fn error_spans_point_at_the_culprit() {
    let l = lower(&parse("FROM scratch\nCOPY --form=x a /b\n").ast);
    let d = &l.diagnostics[0];
    assert_eq!((d.span.line, d.span.col, d.span.end_col), (2, 6, 14));
    assert_eq!(d.help.as_deref(), Some("did you mean --from?"));

    let l = lower(&parse("FROM x AS 1st\n").ast);
    assert_eq!(
        (l.diagnostics[0].span.col, l.diagnostics[0].span.end_col),
        (11, 14)
    );

    let l = lower(&parse("FROM x AS app\nCOPY --from=build /a /b\nFROM y AS build\n").ast);
    assert_eq!(
        (l.diagnostics[0].span.line, l.diagnostics[0].span.col),
        (2, 6)
    );
}

#[test]
fn a_bad_instruction_does_not_stop_lowering() {
    let l = lower(&parse("FROM scratch\nCOPY --bogus a /b\nWORKDIR /app\nUSER\nENV A=1\n").ast);
    assert_eq!(l.diagnostics.len(), 2, "{:?}", l.diagnostics);
    let names: Vec<&str> = l.stages[0].commands.iter().map(Command::name).collect();
    assert_eq!(names, ["WORKDIR", "ENV"]);
}

#[test]
fn misspelt_from_still_starts_a_stage() {
    let l = lower(&parse("FORM debian:12 AS base\nRUN true\n").ast);
    assert_eq!(l.diagnostics.len(), 1, "{:?}", l.diagnostics);
    assert_eq!(l.stages.len(), 1);
    assert_eq!(l.stages[0].base, "debian:12");
    assert_eq!(l.stages[0].name.as_deref(), Some("base"));
    assert_eq!(l.stages[0].commands.len(), 1);
}

#[test]
fn lowers_stages_and_meta_args() {
    let l = lowered(
        "ARG BASE=alpine:3.20\nARG TAG \"Q=a b\"\nFROM --platform=$BUILDPLATFORM $BASE AS Build\nRUN make\n\
         FROM build AS test\nFROM scratch\nCOPY --from=BUILD /a /b\nCOPY --from=0 /a /b\nCOPY --from=nginx:1 /a /b\n",
    );
    assert!(l.diagnostics.is_empty(), "{:?}", l.diagnostics);
    let args: Vec<(&str, Option<&str>)> = l
        .meta_args
        .iter()
        .map(|a| (a.key.as_str(), a.value.as_deref()))
        .collect();
    assert_eq!(
        args,
        [
            ("BASE", Some("alpine:3.20")),
            ("TAG", None),
            ("\"Q", Some("a b\""))
        ]
    );
    assert_eq!(l.stages.len(), 3);
    let build = &l.stages[0];
    assert_eq!(
        (build.name.as_deref(), build.base.as_str()),
        (Some("build"), "$BASE")
    );
    assert_eq!(build.platform.as_deref(), Some("$BUILDPLATFORM"));
    assert_eq!(
        (build.index, build.display_name()),
        (0, "build".to_string())
    );
    assert_eq!(l.stages[1].base_stage, Some(0));
    assert_eq!(l.stages[2].display_name(), "stage-2");
    assert_eq!(l.stages[2].base_stage, None);
    let froms: Vec<Option<usize>> = l.stages[2]
        .commands
        .iter()
        .map(|c| match c {
            Command::Copy(c) => c.from_stage,
            _ => None,
        })
        .collect();
    assert_eq!(froms, [Some(0), Some(0), None]);
    assert_eq!(l.stage("BUILD").map(|s| s.index), Some(0));
}

#[test]
fn lowers_env_label_arg() {
    let Command::Env(e) = command("ENV A=1 B=\"two words\"") else {
        panic!()
    };
    let pairs: Vec<(&str, &str, bool)> = e
        .pairs
        .iter()
        .map(|p| (p.key.text.as_str(), p.value.text.as_str(), p.legacy))
        .collect();
    assert_eq!(pairs, [("A", "1", false), ("B", "\"two words\"", false)]);
    assert!(!e.legacy);

    let Command::Env(e) = command("ENV ONE TWO= THREE=world") else {
        panic!()
    };
    assert!(e.legacy);
    assert_eq!(
        (e.pairs[0].key.text.as_str(), e.pairs[0].value.text.as_str()),
        ("ONE", "TWO= THREE=world")
    );

    let Command::Label(l) = command("LABEL a=b \"c d\"=e") else {
        panic!()
    };
    assert_eq!(l.pairs.len(), 2);

    let Command::Arg(a) = command("ARG A B=2 C=") else {
        panic!()
    };
    let decls: Vec<(&str, Option<&str>)> = a
        .args
        .iter()
        .map(|d| (d.key.as_str(), d.value.as_deref()))
        .collect();
    assert_eq!(decls, [("A", None), ("B", Some("2")), ("C", Some(""))]);
}

#[test]
fn lowers_command_lines() {
    let Command::Run(r) =
        command("RUN --mount=type=cache,target=/root/.cache,sharing=locked --network=none echo hi")
    else {
        panic!()
    };
    assert!(matches!(&r.cmd, ShellOrExec::Shell(w) if w.text == "echo hi"));
    assert_eq!(r.network, Some(NetworkMode::None));
    assert_eq!(r.mounts.len(), 1);
    assert_eq!(r.mounts[0].kind, MountKind::Cache);
    assert_eq!(r.mounts[0].target(), Some("/root/.cache"));
    assert_eq!(r.mounts[0].get("sharing"), Some("locked"));

    let Command::Run(r) = command("RUN --security=insecure [\"echo\", \"a b\"]") else {
        panic!()
    };
    assert_eq!(r.security, Some(SecurityMode::Insecure));
    let ShellOrExec::Exec(argv) = &r.cmd else {
        panic!()
    };
    assert_eq!(texts(argv), ["echo", "a b"]);
    assert_eq!(
        r.cmd.argv(&["/bin/sh".into(), "-c".into()]),
        ["echo", "a b"]
    );

    let Command::Cmd(c) = command("CMD echo $HOME") else {
        panic!()
    };
    assert_eq!(
        c.cmd.argv(&["/bin/sh".into(), "-c".into()]),
        ["/bin/sh", "-c", "echo $HOME"]
    );

    let Command::Entrypoint(e) = command("ENTRYPOINT []") else {
        panic!()
    };
    assert!(matches!(&e.cmd, ShellOrExec::Exec(v) if v.is_empty()));

    let Command::Shell(s) = command("SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]") else {
        panic!()
    };
    assert_eq!(texts(&s.shell), ["/bin/bash", "-o", "pipefail", "-c"]);

    let Command::Run(r) = command("RUN <<EOF\necho hi\nEOF") else {
        panic!()
    };
    assert_eq!(r.heredocs.len(), 1);
    assert_eq!(r.heredocs[0].content, "echo hi\n");
}

#[test]
fn lowers_healthcheck() {
    let Command::Healthcheck(h) =
        command("HEALTHCHECK --interval=1m30s --timeout=500ms --start-period=0 --retries=3 CMD curl -f http://x/")
    else {
        panic!()
    };
    assert!(
        matches!(&h.test, HealthTest::Cmd(ShellOrExec::Shell(w)) if w.text == "curl -f http://x/")
    );
    assert_eq!(h.interval, Some(Duration::from_secs(90)));
    assert_eq!(h.timeout, Some(Duration::from_millis(500)));
    assert_eq!(
        (h.start_period, h.start_interval, h.retries),
        (None, None, Some(3))
    );

    let Command::Healthcheck(h) = command("HEALTHCHECK CMD [\"/bin/check\", \"-q\"]") else {
        panic!()
    };
    assert!(matches!(&h.test, HealthTest::Cmd(ShellOrExec::Exec(v)) if v.len() == 2));

    let Command::Healthcheck(h) = command("HEALTHCHECK NONE") else {
        panic!()
    };
    assert_eq!(h.test, HealthTest::None);

    // BuildKit does not read flags for NONE.
    let Command::Healthcheck(h) = command("HEALTHCHECK --interval=bogus NONE") else {
        panic!()
    };
    assert_eq!(h.test, HealthTest::None);
}

#[test]
fn lowers_copy_and_add() {
    let Command::Copy(c) =
        command("COPY --chown=app:app --chmod=0644 --link --parents --exclude=*.md --exclude=.git a b /dest/")
    else {
        panic!()
    };
    assert_eq!(texts(&c.files.sources), ["a", "b"]);
    assert_eq!(c.files.dest.text, "/dest/");
    assert_eq!(c.chown.as_ref().map(|w| w.text.as_str()), Some("app:app"));
    assert_eq!(c.chmod.as_ref().map(|w| w.text.as_str()), Some("0644"));
    assert!(c.link && c.parents);
    assert_eq!(texts(&c.exclude), ["*.md", ".git"]);
    assert!(c.from.is_none());

    let Command::Copy(c) = command("COPY [\"my file\", \"/dest dir/\"]") else {
        panic!()
    };
    assert_eq!(texts(&c.files.sources), ["my file"]);
    assert_eq!(c.files.dest.text, "/dest dir/");

    let Command::Copy(c) = command("COPY <<-EOF /etc/motd\n\thello\n\tEOF") else {
        panic!()
    };
    assert!(c.files.sources.is_empty());
    assert_eq!(c.files.contents.len(), 1);
    assert_eq!(
        (
            c.files.contents[0].path.as_str(),
            c.files.contents[0].data.as_str()
        ),
        ("EOF", "hello\n")
    );
    assert!(c.files.contents[0].expand);

    let Command::Add(a) =
        command("ADD --keep-git-dir --checksum=sha256:abc --unpack=false https://x/y.tgz /y")
    else {
        panic!()
    };
    assert!(a.keep_git_dir);
    assert_eq!(
        a.checksum.as_ref().map(|w| w.text.as_str()),
        Some("sha256:abc")
    );
    assert_eq!(a.unpack, Some(false));

    let Command::Add(a) = command("ADD x.tar.gz /opt/") else {
        panic!()
    };
    assert_eq!(a.unpack, None);
    assert!(!a.link);
}

#[test]
fn lowers_the_rest() {
    let Command::Expose(e) = command("EXPOSE 80/tcp 443 $PORT") else {
        panic!()
    };
    assert_eq!(texts(&e.ports), ["80/tcp", "443", "$PORT"]);
    let Command::Volume(v) = command("VOLUME [\"/data\", \"/logs\"]") else {
        panic!()
    };
    assert_eq!(texts(&v.volumes), ["/data", "/logs"]);
    let Command::Volume(v) = command("VOLUME /a /b") else {
        panic!()
    };
    assert_eq!(texts(&v.volumes), ["/a", "/b"]);
    let Command::User(u) = command("USER app:app") else {
        panic!()
    };
    assert_eq!(u.user.text, "app:app");
    let Command::Workdir(w) = command("WORKDIR /app # comment") else {
        panic!()
    };
    assert_eq!(w.path.text, "/app # comment");
    let Command::StopSignal(s) = command("STOPSIGNAL SIGTERM") else {
        panic!()
    };
    assert_eq!(s.signal.text, "SIGTERM");
    let Command::Maintainer(m) = command("MAINTAINER Jane <j@x.org>") else {
        panic!()
    };
    assert_eq!(m.name.text, "Jane <j@x.org>");
    let Command::OnBuild(o) = command("ONBUILD RUN echo triggered") else {
        panic!()
    };
    assert_eq!(
        (o.instruction.as_str(), o.trigger.as_str()),
        ("RUN", "RUN echo triggered")
    );
    let Command::OnBuild(o) = command("  onbuild   COPY . /src") else {
        panic!()
    };
    assert_eq!(o.trigger, "COPY . /src");
}

#[test]
fn expansion_helpers_take_an_expander() {
    let Command::Copy(c) = command("COPY --chown=$U $SRC /opt/$V/") else {
        panic!()
    };
    let mut expand = |w: &str| -> Result<String, String> {
        Ok(w.replace("$U", "app")
            .replace("$SRC", "main.go")
            .replace("$V", "1"))
    };
    let e = c.expand(&mut expand).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (e.files.sources[0].text.as_str(), e.files.dest.text.as_str()),
        ("main.go", "/opt/1/")
    );
    assert_eq!(e.chown.map(|w| w.text.to_string()), Some("app".to_string()));

    let Command::Env(env) = command("ENV A=$X") else {
        panic!()
    };
    let mut fail = |_: &str| -> Result<String, &str> { Err("nope") };
    assert_eq!(env.pairs[0].expand(&mut fail), Err("nope"));
}

#[test]
fn every_instruction_error_code_is_in_the_catalogue() {
    for (_, code, _) in ERRORS {
        let rule = strata_dockerfile::rule(code).unwrap_or_else(|| panic!("{code} missing"));
        assert!(rule.explanation.len() > 80, "{code}: explanation too short");
    }
}

#[test]
fn a_misspelling_equally_close_to_two_keywords_suggests_the_one_learners_mean() {
    // RNU is two edits from RUN and from ENV; a learner meant RUN.
    for (text, want) in [
        ("FROM a\nRNU echo hi\n", "did you mean RUN?"),
        ("FROM a\nrnu echo hi\n", "did you mean run?"),
        ("FROM a\nCPOY a b\n", "did you mean COPY?"),
        ("FORM a\n", "did you mean FROM?"),
        ("FROM a\nENVV A=1\n", "did you mean ENV?"),
    ] {
        let l = lower(&parse(text).ast);
        assert_eq!(l.diagnostics[0].help.as_deref(), Some(want), "{text:?}");
    }
}
