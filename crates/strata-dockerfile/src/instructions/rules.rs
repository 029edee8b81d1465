//! The catalogue of instruction-level diagnostics (SD0020–SD0099): errors BuildKit reports while turning the
//! syntax tree into typed instructions and stages.

use crate::{Rule, Severity};

/// The codes, by name, so the parsing code reads as what it reports.
pub(crate) mod code {
    pub const UNKNOWN_INSTRUCTION: &str = "SD0020";
    pub const NO_BUILD_STAGE: &str = "SD0021";
    pub const NO_STAGES: &str = "SD0022";
    pub const ARGUMENT_COUNT: &str = "SD0023";
    pub const UNKNOWN_FLAG: &str = "SD0024";
    pub const FLAG_MISSING_VALUE: &str = "SD0025";
    pub const DUPLICATE_FLAG: &str = "SD0026";
    pub const INVALID_FLAG_VALUE: &str = "SD0027";
    pub const BLANK_NAME: &str = "SD0028";
    pub const INVALID_STAGE_NAME: &str = "SD0029";
    pub const DUPLICATE_STAGE_NAME: &str = "SD0030";
    pub const COPY_FROM_LATER_STAGE: &str = "SD0031";
    pub const INVALID_STAGE_INDEX: &str = "SD0032";
    pub const CIRCULAR_DEPENDENCY: &str = "SD0033";
    pub const COPY_FROM_VARIABLE: &str = "SD0034";
    pub const INVALID_ONBUILD: &str = "SD0035";
    pub const SHELL_NOT_JSON: &str = "SD0036";
    pub const HEREDOC_DESTINATION: &str = "SD0037";
    pub const INVALID_HEALTHCHECK: &str = "SD0038";
    pub const EMPTY_VOLUME: &str = "SD0039";
    pub const INVALID_MOUNT: &str = "SD0040";
    pub const INVALID_VALUE: &str = "SD0041";
}

const fn warning(
    code: &'static str,
    name: &'static str,
    summary: &'static str,
    explanation: &'static str,
) -> Rule {
    Rule {
        code,
        name,
        severity: Severity::Warning,
        summary,
        explanation,
    }
}

const fn error(
    code: &'static str,
    name: &'static str,
    summary: &'static str,
    explanation: &'static str,
) -> Rule {
    Rule {
        code,
        name,
        severity: Severity::Error,
        summary,
        explanation,
    }
}

/// Instruction-level diagnostics catalogue (codes SD0020–SD0099).
pub(crate) const RULES: &[Rule] = &[
    error(
        code::UNKNOWN_INSTRUCTION,
        "UnknownInstruction",
        "the first word of a line is not a Dockerfile instruction",
        "Every line of a Dockerfile (apart from comments and continuation lines) starts with an instruction: \
         FROM, RUN, CMD, LABEL, EXPOSE, ENV, ADD, COPY, ENTRYPOINT, VOLUME, USER, WORKDIR, ARG, ONBUILD, \
         STOPSIGNAL, HEALTHCHECK, SHELL or MAINTAINER. Anything else stops the build with `unknown \
         instruction`. It is almost always a typo: `FORM debian` should be `FROM debian`, `RNTRYPOINT [\"app\"]` \
         should be `ENTRYPOINT [\"app\"]`. It can also be a line that was meant to continue the previous one \
         but lost its trailing `\\`.",
    ),
    error(
        code::NO_BUILD_STAGE,
        "InstructionBeforeFrom",
        "an instruction other than ARG comes before the first FROM",
        "A Dockerfile is a list of build stages, and each stage starts with FROM, which chooses the base image \
         the following instructions build on. Only ARG may appear before the first FROM (to declare variables \
         usable in FROM lines). Anything else has no image to act on, and BuildKit stops with `no build stage \
         in current context`. Move the instruction below FROM, for example `FROM alpine:3.20` then \
         `RUN apk add curl`.",
    ),
    error(
        code::NO_STAGES,
        "NoStages",
        "the Dockerfile has no FROM instruction",
        "Without a FROM line there is nothing to build: BuildKit stops with `dockerfile contains no stages to \
         build`. Start the Dockerfile with `FROM <image>` (for example `FROM debian:bookworm`, or `FROM scratch` \
         for an empty image).",
    ),
    error(
        code::ARGUMENT_COUNT,
        "WrongArgumentCount",
        "an instruction has too few or too many arguments",
        "Each instruction takes a fixed shape of arguments: WORKDIR, USER, STOPSIGNAL and MAINTAINER take \
         exactly one, COPY and ADD need at least a source and a destination, FROM takes an image and optionally \
         `AS name`, and ENV, LABEL, ARG, EXPOSE, VOLUME and ONBUILD need at least one. For example `COPY app.py` \
         fails because there is no destination: write `COPY app.py /app/`. `FROM python 3.12` fails because \
         `3.12` is read as a second argument: write `FROM python:3.12`.",
    ),
    error(
        code::UNKNOWN_FLAG,
        "UnknownFlag",
        "an instruction has a `--flag` it does not support",
        "Flags are the `--name=value` words right after the instruction keyword, and each instruction accepts \
         its own set: COPY takes `--from`, `--chown`, `--chmod`, `--link`, `--parents` and `--exclude`; RUN takes \
         `--mount`, `--network` and `--security`; FROM takes `--platform`; HEALTHCHECK takes `--interval`, \
         `--timeout`, `--start-period`, `--start-interval` and `--retries`. Check the spelling: \
         `COPY --form=build /app /app` should be `COPY --from=build /app /app`. Options of the command you run \
         (like `-y`) belong after the command, not before it.",
    ),
    error(
        code::FLAG_MISSING_VALUE,
        "FlagMissingValue",
        "a flag that needs a value has none",
        "String flags need `=value` attached to them, with no spaces: `COPY --from=build /app /app`, not \
         `COPY --from build /app /app` (which also makes `build` a source). Boolean flags such as `--link` may \
         be written alone, but not as `--link=` with an empty value.",
    ),
    error(
        code::DUPLICATE_FLAG,
        "DuplicateFlag",
        "a flag is given twice",
        "Only `--mount`, `--exclude` and `--device` may be repeated; any other flag appears at most once. Keep \
         the one you mean: `COPY --chown=app --chown=root f /` should be `COPY --chown=app f /`.",
    ),
    error(
        code::INVALID_FLAG_VALUE,
        "InvalidFlagValue",
        "a flag's value has the wrong shape",
        "Some flags check their value when the Dockerfile is read: boolean flags take `true` or `false` \
         (`--link=true`), HEALTHCHECK durations are Go durations with a unit (`--interval=30s`, `--timeout=1m30s`, \
         at least 1ms), `--retries` is a non-negative integer, `RUN --network` is `default`, `none` or `host`, and \
         `RUN --security` is `sandbox` or `insecure`.",
    ),
    error(
        code::BLANK_NAME,
        "BlankName",
        "an ENV, LABEL or ARG has an empty name",
        "A variable or label needs a name before the `=`: `ENV =production` or `ARG =1` has none. Write \
         `ENV NODE_ENV=production`. A space after the name also causes this in the `key=value` form: \
         `ENV A = 1` is not `A=1`.",
    ),
    error(
        code::INVALID_STAGE_NAME,
        "InvalidStageName",
        "a stage name (`FROM image AS name`) has invalid characters",
        "Stage names are lower-cased and must start with a letter, followed by letters, digits, `-`, `_` or `.`. \
         `FROM golang:1.22 AS 1st-build` and `FROM node AS web/app` are refused. Write `FROM golang:1.22 AS build` \
         and refer to it as `COPY --from=build ...`.",
    ),
    warning(
        code::DUPLICATE_STAGE_NAME,
        "DuplicateStageName",
        "two stages have the same name",
        "Stage names identify stages for `FROM <stage>`, `COPY --from=<stage>` and `--target`. When two stages \
         share a name, BuildKit still builds (its DuplicateStageName check only warns), and each reference means \
         whichever of the two BuildKit resolves it to, which is rarely what a reader expects. Give each stage \
         its own name: `FROM node:20 AS deps` and `FROM node:20 AS build`.",
    ),
    error(
        code::COPY_FROM_LATER_STAGE,
        "CopyFromLaterStage",
        "`COPY --from` names a stage defined later in the file",
        "Stages are built in order, and a stage can only copy from a stage defined above it. BuildKit stops \
         with `cannot copy from stage \"x\", it needs to be defined before current stage \"y\"`. Move the stage \
         you copy from above the one that copies, for example put `FROM golang:1.22 AS build` before \
         `FROM alpine:3.20` + `COPY --from=build /out/app /app`.",
    ),
    error(
        code::INVALID_STAGE_INDEX,
        "InvalidStageIndex",
        "`COPY --from=<number>` names a stage that does not exist",
        "A number in `--from` is a stage index: 0 is the first FROM, 1 the second, and so on. An index past the \
         last stage is refused with `invalid stage index`. Prefer names, which survive reordering: \
         `FROM golang AS build` and `COPY --from=build ...`.",
    ),
    error(
        code::CIRCULAR_DEPENDENCY,
        "CircularStageDependency",
        "a stage copies from itself",
        "`COPY --from` must name another, earlier stage; naming the stage being built is a cycle, refused with \
         `circular dependency detected on stage`. To copy within the same stage use `RUN cp src dst`.",
    ),
    error(
        code::COPY_FROM_VARIABLE,
        "CopyFromVariable",
        "`COPY --from` uses a variable",
        "BuildKit does not expand variables in `--from`. To copy from an image chosen by a build argument, \
         declare the ARG before the first FROM, make a stage from it, and copy from that stage: \
         `ARG TOOLS=alpine:3.20`, `FROM ${TOOLS} AS tools`, then `COPY --from=tools /bin/tool /bin/`.",
    ),
    error(
        code::INVALID_ONBUILD,
        "InvalidOnbuildTrigger",
        "ONBUILD wraps an instruction that cannot be a trigger",
        "ONBUILD stores an instruction in the image, to run when another Dockerfile builds `FROM` it. FROM and \
         MAINTAINER cannot be triggers, and `ONBUILD ONBUILD` is not allowed. Write a normal trigger such as \
         `ONBUILD COPY . /app/src`.",
    ),
    error(
        code::SHELL_NOT_JSON,
        "ShellNotJson",
        "SHELL must be written as a JSON array",
        "SHELL sets the program that runs shell-form RUN, CMD and ENTRYPOINT, and it only accepts the JSON form, \
         with double quotes: `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]`. `SHELL /bin/bash -c` and \
         `SHELL ['/bin/bash', '-c']` (single quotes are not JSON) are refused.",
    ),
    error(
        code::HEREDOC_DESTINATION,
        "HeredocDestination",
        "a here-document is used as the COPY/ADD destination",
        "In `COPY <<EOF /etc/app.conf` the here-document is a source (an inline file) and the last argument is \
         the destination. The destination must be a path, so `COPY /etc/app.conf <<EOF` is refused. Put the \
         heredoc first.",
    ),
    error(
        code::INVALID_HEALTHCHECK,
        "InvalidHealthcheck",
        "HEALTHCHECK is not `NONE` or `CMD <command>`",
        "HEALTHCHECK takes either `NONE` (turn off a check inherited from the base image) or options followed by \
         `CMD` and the command: `HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1`. \
         `NONE` takes nothing after it, and `CMD` needs a command.",
    ),
    error(
        code::EMPTY_VOLUME,
        "EmptyVolume",
        "VOLUME has an empty path",
        "Each VOLUME path must be non-empty: `VOLUME [\"\"]` is refused. Write `VOLUME /data` or \
         `VOLUME [\"/data\", \"/logs\"]`.",
    ),
    error(
        code::INVALID_MOUNT,
        "InvalidMount",
        "a `RUN --mount` option is not understood",
        "`RUN --mount` takes comma-separated `key=value` fields: `type` (bind, cache, tmpfs, secret, ssh), \
         `target`, `source`, `from`, `id`, `sharing`, `mode`, `uid`, `gid`, `readonly`, `required`, `env`, `size`. \
         For example `RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt`.",
    ),
    error(
        code::INVALID_VALUE,
        "InvalidValue",
        "an EXPOSE port, STOPSIGNAL signal or FROM image name is malformed",
        "Some values are only checked when BuildKit runs the instruction, and then stop the build: EXPOSE takes \
         ports such as `80`, `443/tcp` or `8000-8010/udp` (`EXPOSE 80 # http` fails with `invalid containerPort: \
         #`); STOPSIGNAL takes a signal name or number such as `SIGTERM` or `15`; and image names in FROM are \
         lower case (`FROM Ubuntu:24.04` fails with `invalid reference format`). Write `EXPOSE 80`, \
         `STOPSIGNAL SIGQUIT`, `FROM ubuntu:24.04`.",
    ),
];
