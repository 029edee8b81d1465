//! The catalogue of lint rules (SD0100 and up): what each code means, why it matters, and how to fix it.
//! The CLI's `explain`, the playground's hover text and the docs are generated from this data.

use crate::{Rule, Severity};

/// The codes, by name.
pub(crate) mod code {
    pub const HASH_IS_NOT_COMMENT: &str = "SD0100";
    pub const MULTIPLE_INSTRUCTIONS: &str = "SD0101";
    pub const SHELL_FORM_ENTRYPOINT: &str = "SD0102";
    pub const SHELL_FORM_CMD: &str = "SD0103";
    pub const INVALID_JSON: &str = "SD0104";
    pub const EXEC_FORM_NO_EXPANSION: &str = "SD0105";
    pub const CD_IN_RUN: &str = "SD0106";
    pub const BRACE_EXPANSION: &str = "SD0107";
    pub const RELATIVE_WORKDIR: &str = "SD0108";
    pub const COPY_TO_FILE: &str = "SD0109";
    pub const ADD_LOCAL_FILE: &str = "SD0110";
    pub const ADD_ARCHIVE: &str = "SD0111";
    pub const LEGACY_KEY_VALUE: &str = "SD0112";
    pub const ENV_SELF_REFERENCE: &str = "SD0113";
    pub const UNDEFINED_VAR: &str = "SD0114";
    pub const GLOBAL_ARG_NOT_IN_STAGE: &str = "SD0115";
    pub const ARG_AT_RUNTIME: &str = "SD0116";
    pub const COPY_FROM_UNKNOWN: &str = "SD0117";
    pub const UNPINNED_IMAGE: &str = "SD0118";
    pub const RESERVED_STAGE_NAME: &str = "SD0119";
    pub const MAINTAINER_DEPRECATED: &str = "SD0120";
    pub const SECRET_IN_ARG_OR_ENV: &str = "SD0121";
    pub const APT_UPDATE_ALONE: &str = "SD0122";
    pub const INSTALL_WITHOUT_YES: &str = "SD0123";
    pub const INVALID_CHECK_DIRECTIVE: &str = "SD0124";
    pub const UNKNOWN_CHECK: &str = "SD0125";
    pub const SHELL_CMD_WITH_ENTRYPOINT: &str = "SD0126";
}

const fn rule(
    code: &'static str,
    name: &'static str,
    severity: Severity,
    summary: &'static str,
    explanation: &'static str,
) -> Rule {
    Rule {
        code,
        name,
        severity,
        summary,
        explanation,
    }
}

use Severity::{Error, Info, Warning};

/// Lint rule catalogue (codes SD0100 and up).
pub(crate) const RULES: &[Rule] = &[
    rule(
        code::HASH_IS_NOT_COMMENT,
        "HashIsNotComment",
        Warning,
        "a `#` after an instruction is part of its arguments, not a comment",
        "In a Dockerfile only a line that starts with `#` is a comment. A `#` later in a line is just another \
         character of the arguments: `WORKDIR /app # the app` creates and enters a directory literally named \
         `/app # the app`, `USER nobody # run unprivileged` makes the user `nobody # run unprivileged` (and the \
         container fails to start), `EXPOSE 80 # http` and `ENV A=1 # x` fail the build, and `COPY app /srv # x` \
         copies `app`, `/srv` and `#` into a directory named `x`. Put the comment on its own line above the \
         instruction:\n\n    # the app lives here\n    WORKDIR /app\n\nRUN is the exception: its text goes to the \
         shell, and the shell does treat `#` as a comment.",
    ),
    rule(
        code::MULTIPLE_INSTRUCTIONS,
        "MultipleInstructions",
        Warning,
        "only the last CMD, ENTRYPOINT or HEALTHCHECK of a stage takes effect",
        "CMD, ENTRYPOINT and HEALTHCHECK set one value in the image config, so each one replaces the previous one: \
         `CMD echo first` followed by `CMD /bin/bash` leaves only `/bin/bash`. (To run several commands, put them \
         in one: `CMD [\"sh\", \"-c\", \"echo first && exec /bin/bash\"]`, or use a script.) Remove the earlier \
         ones so the Dockerfile says what the image does. BuildKit calls this check MultipleInstructionsDisallowed.",
    ),
    rule(
        code::SHELL_FORM_ENTRYPOINT,
        "ShellFormEntrypoint",
        Warning,
        "a shell-form ENTRYPOINT ignores CMD and `docker run` arguments",
        "`ENTRYPOINT myapp --serve` is stored as `[\"/bin/sh\", \"-c\", \"myapp --serve\"]`. Arguments from CMD or \
         from `docker run IMAGE args...` are appended after that, where `sh -c` takes them as `$0`, `$1`, ... of \
         its script and ignores them. The program can also end up as a child of the shell, which does not pass on \
         the SIGTERM of `docker stop`, so the container is killed after the timeout. Use the \
         exec form, a JSON array: `ENTRYPOINT [\"myapp\", \"--serve\"]`. If you need the shell (variables, \
         pipes), end with `exec`: `ENTRYPOINT [\"sh\", \"-c\", \"exec myapp --port $PORT\", \"--\"]`.",
    ),
    rule(
        code::SHELL_FORM_CMD,
        "ShellFormCmd",
        Info,
        "a shell-form CMD runs under `/bin/sh -c`",
        "`CMD python app.py` is stored as `[\"/bin/sh\", \"-c\", \"python app.py\"]`: the shell starts first and \
         runs the command. That is what you want for shell features (`$VAR`, `&&`, pipes), but the shell may \
         not pass signals such as the SIGTERM of `docker stop` on to the program, and the command cannot be \
         extended by an ENTRYPOINT. The exec form runs the program directly: `CMD [\"python\", \"app.py\"]`. \
         BuildKit's JSONArgsRecommended check covers this and the ENTRYPOINT case.",
    ),
    rule(
        code::INVALID_JSON,
        "InvalidJsonArguments",
        Warning,
        "arguments that look like a JSON array are not valid JSON",
        "Exec form must be valid JSON: an array of strings in double quotes. When it is not, Docker does not \
         complain; it silently treats the line as shell form. `CMD ['echo', 'hi']` (single quotes) is run as \
         `/bin/sh -c \"['echo', 'hi']\"` and fails at run time with `[echo,: not found`; `VOLUME ['/data']` \
         creates a volume named `['/data']`; an array without its closing `]` is one shell string, and so is an array followed by more \
         text (older BuildKit releases, such as the one in Docker 20.10, dropped that text instead). Write \
         `CMD [\"echo\", \"hi\"]`, and put comments on their own line.",
    ),
    rule(
        code::EXEC_FORM_NO_EXPANSION,
        "ExecFormNoExpansion",
        Warning,
        "exec form does not expand variables",
        "In exec form (`CMD [\"echo\", \"$HOME\"]`) there is no shell, and Docker does not expand variables in \
         RUN, CMD or ENTRYPOINT either, so the program receives the literal text `$HOME`. Use the shell form, \
         `CMD echo $HOME`, or call a shell yourself: `CMD [\"sh\", \"-c\", \"echo $HOME\"]`.",
    ),
    rule(
        code::CD_IN_RUN,
        "CdInRun",
        Warning,
        "a `cd` at the end of a RUN does not carry over to later instructions",
        "Each RUN starts a new shell in the stage's working directory (WORKDIR). `RUN cd /app` changes the \
         directory of that shell only, and it exits right away; the next `RUN make` runs in the old directory \
         again. Use `WORKDIR /app` to change directory for the instructions that follow, or do the work in the \
         same RUN: `RUN cd /app && make`.",
    ),
    rule(
        code::BRACE_EXPANSION,
        "BraceExpansion",
        Warning,
        "brace expansion (`{1..10}`, `{a,b}`) needs bash, and RUN uses /bin/sh",
        "Shell-form RUN runs `/bin/sh -c`. On Alpine and busybox images /bin/sh is busybox ash, and on Debian and \
         Ubuntu it is dash; neither does brace expansion, so `RUN touch /data/f{1..10}.txt` creates one file \
         literally named `f{1..10}.txt`. Write the names out, use a loop (`for i in $(seq 1 10); do touch \
         /data/f$i.txt; done`), or switch the shell with `SHELL [\"/bin/bash\", \"-c\"]` if the image has bash. \
         Images whose /bin/sh is bash (CentOS, Fedora, Rocky, Alma, Amazon Linux) are not flagged.",
    ),
    rule(
        code::RELATIVE_WORKDIR,
        "RelativeWorkdir",
        Warning,
        "the first WORKDIR of a stage is a relative path",
        "A relative WORKDIR is joined to the working directory of the base image, which you do not control and \
         which may change when the base image is updated. Give the first WORKDIR of a stage as an absolute path: \
         `WORKDIR /app`; later ones may be relative to it. BuildKit calls this check WorkdirRelativePath.",
    ),
    rule(
        code::COPY_TO_FILE,
        "CopyMultipleToFile",
        Warning,
        "COPY/ADD of several files (or a wildcard) to a destination without a trailing `/`",
        "When COPY or ADD has several sources, or a wildcard that can match several files, the destination must \
         be a directory, written with a trailing `/`. The classic builder refuses the build (`When using COPY \
         with more than one source file, the destination must be a directory and end with a /`), and BuildKit \
         may copy each file over the previous one. Write `COPY package.json package-lock.json ./` or \
         `COPY *.py /app/`.",
    ),
    rule(
        code::ADD_LOCAL_FILE,
        "PreferCopy",
        Info,
        "ADD of a local file or directory: COPY says what it does",
        "ADD copies like COPY but also downloads URLs, clones git repositories and unpacks local tar archives. \
         For plain files and directories from the build context, COPY does the same thing with no surprises: \
         `COPY . /app`. Keep ADD for the cases that need it.",
    ),
    rule(
        code::ADD_ARCHIVE,
        "AddExtractsArchive",
        Info,
        "ADD of a local tar archive unpacks it",
        "ADD recognises local tar archives (plain, gzip, bzip2, xz or zstd compressed) by their content and \
         unpacks them into the destination: `ADD files.tar.gz /opt/` gives `/opt/<files from the archive>`, not \
         `/opt/files.tar.gz`. If that is what you want, this is fine (`ADD --unpack=true` says it explicitly on \
         Dockerfile 1.17+). To copy the archive file itself, use `COPY files.tar.gz /opt/`. Zip files are never \
         unpacked.",
    ),
    rule(
        code::LEGACY_KEY_VALUE,
        "LegacyKeyValueFormat",
        Warning,
        "`ENV key value` (without `=`) is the legacy form",
        "`ENV NAME value` sets NAME to the whole rest of the line, spaces, quotes and `#` included: \
         `ENV ONE TWO= THREE=world` sets ONE to `TWO= THREE=world`. The `key=value` form is unambiguous, allows \
         several variables per line, and is what current documentation uses: `ENV NAME=value`, \
         `ENV GREETING=\"hello world\"`. The same holds for LABEL.",
    ),
    rule(
        code::ENV_SELF_REFERENCE,
        "EnvSelfReference",
        Warning,
        "an ENV uses a variable it sets earlier on the same line",
        "All the values of one ENV instruction are expanded with the environment from before the instruction. \
         In `ENV A=1 B=$A`, B gets the old value of A (empty if A was not set), not `1`. Split it: `ENV A=1` then \
         `ENV B=$A`.",
    ),
    rule(
        code::UNDEFINED_VAR,
        "UndefinedVar",
        Warning,
        "a variable is used but not defined where it is used",
        "Docker expands `$NAME` in ENV, LABEL, COPY, ADD, WORKDIR, USER, VOLUME, EXPOSE, STOPSIGNAL and ARG \
         defaults when it builds, and an undefined variable becomes an empty string without any error: \
         `WORKDIR /srv/$APP_NAME` with no APP_NAME is `/srv/`. A variable is defined by ENV or ARG above the line \
         in the same stage, by an earlier stage it is built FROM, or by the base image's own ENV. strata cannot \
         see a base image's environment, so for stages based on an image it only reports names that are \
         clearly wrong: used before their ARG/ENV line, or a near miss of a declared name (`$MYPAHT` for \
         `MYPATH`); for `FROM scratch` (and stages built on it) every undefined name is reported. In FROM lines \
         only ARGs declared before the first FROM (and the predefined platform ARGs) can be used. If the base \
         image does set the variable, skip the check with `# check=skip=UndefinedVar`.",
    ),
    rule(
        code::GLOBAL_ARG_NOT_IN_STAGE,
        "GlobalArgNotInStage",
        Warning,
        "an ARG declared before FROM is used inside a stage without being redeclared",
        "An ARG before the first FROM belongs to the global scope: it can be used in FROM lines, but inside a stage \
         it does not exist until the stage declares it again, and `$VERSION` is empty. The same holds for the \
         predefined platform ARGs (TARGETARCH, BUILDPLATFORM, ...). Add a bare `ARG` in the stage to bring in \
         the global value:\n\n    ARG VERSION=1.2\n    FROM alpine:3.20\n    ARG VERSION\n    RUN echo $VERSION",
    ),
    rule(
        code::ARG_AT_RUNTIME,
        "ArgAtRuntime",
        Warning,
        "CMD, ENTRYPOINT or HEALTHCHECK uses a build argument, which does not exist when the container runs",
        "ARG values exist only while the image is being built. A shell-form CMD, ENTRYPOINT or HEALTHCHECK runs \
         later, in the container, where only ENV variables (and `docker run -e`) are set, so `CMD echo $VERSION` \
         prints an empty line. Keep the value in the image with ENV: `ARG VERSION=1.0` then \
         `ENV VERSION=$VERSION`.",
    ),
    rule(
        code::COPY_FROM_UNKNOWN,
        "CopyFromUnknownStage",
        Warning,
        "`COPY --from` names no stage of this Dockerfile, so it is pulled as an image",
        "`--from` takes a stage name, a stage index, or an image reference. A name that matches no stage is \
         treated as an image and pulled from a registry: `COPY --from=biuld /out /app` tries to pull \
         `docker.io/library/biuld:latest` and fails. Check the stage name (`FROM golang AS build` then \
         `COPY --from=build`), or write a full, tagged image reference to copy from an image: \
         `COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/`.",
    ),
    rule(
        code::UNPINNED_IMAGE,
        "UnpinnedBaseImage",
        Warning,
        "FROM uses an image without a tag, or with `:latest`",
        "An image without a tag means `:latest`, and `latest` is whatever was pushed last: the same Dockerfile can \
         build a different image tomorrow, or stop building. Pin a version you tested, e.g. `FROM debian:12` or \
         `FROM python:3.12-slim`, and for full reproducibility add the digest: \
         `FROM debian:12@sha256:<digest>`.",
    ),
    rule(
        code::RESERVED_STAGE_NAME,
        "ReservedStageName",
        Warning,
        "a stage is named `scratch` or `context`",
        "`scratch` is the empty image and `context` is the build context, so a stage with one of these names \
         cannot be told apart from them by `FROM` and `COPY --from`. Choose another name: `FROM alpine AS base`.",
    ),
    rule(
        code::MAINTAINER_DEPRECATED,
        "MaintainerDeprecated",
        Warning,
        "MAINTAINER is deprecated",
        "MAINTAINER sets the `author` field of the image, which nothing uses any more. Record the author as a \
         label instead, which `docker inspect` shows and tools understand: \
         `LABEL org.opencontainers.image.authors=\"you@example.com\"`.",
    ),
    rule(
        code::SECRET_IN_ARG_OR_ENV,
        "SecretsUsedInArgOrEnv",
        Warning,
        "an ARG or ENV name suggests it holds a secret",
        "ENV values are stored in the image config, and ARG values in the build history (`docker history` shows \
         them in every RUN line), so anyone who can pull the image can read a password or token passed this way. \
         Pass secrets with a secret mount, which is available only to the RUN that needs it and never stored: \
         `RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm install`, built with \
         `docker build --secret id=npm_token,env=NPM_TOKEN .`.",
    ),
    rule(
        code::APT_UPDATE_ALONE,
        "AptUpdateAlone",
        Warning,
        "`apt-get update` in a RUN of its own",
        "Each RUN is a cached layer. `RUN apt-get update` on its own line is cached once and then reused, so when \
         you later add a package to the next `RUN apt-get install` line, it installs from package lists that may \
         be months old (or gone from the mirrors). Update and install in the same RUN: \
         `RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*`.",
    ),
    rule(
        code::INSTALL_WITHOUT_YES,
        "InstallWithoutYes",
        Warning,
        "a package manager install without `-y` waits for an answer that never comes",
        "`apt-get install`, `yum install` and `dnf install` ask \"Do you want to continue? [Y/n]\" before changing \
         anything. A build has no keyboard, so the question reads end-of-input and the command aborts, failing the \
         RUN. Add `-y`: `RUN apt-get update && apt-get install -y vim`.",
    ),
    rule(
        code::INVALID_CHECK_DIRECTIVE,
        "InvalidCheckDirective",
        Error,
        "the `# check=` directive cannot be read",
        "The check directive takes `skip=<names>` (comma-separated, or `all`) and `error=<true|false>`, separated \
         by `;`: `# check=skip=JSONArgsRecommended,StageNameCasing;error=true`. BuildKit refuses the Dockerfile \
         when it cannot parse it.",
    ),
    rule(
        code::UNKNOWN_CHECK,
        "UnknownCheckName",
        Warning,
        "`# check=skip=` names a check that does not exist",
        "The names in `skip=` are check names, such as `UndefinedVar` or `HashIsNotComment` (strata's codes like \
         `SD0100` work too, and so do BuildKit's names of the same checks). An unknown name is ignored, so the check \
         you meant to skip still runs; fix the spelling. `strata explain` lists every check.",
    ),
    rule(
        code::SHELL_CMD_WITH_ENTRYPOINT,
        "ShellCmdWithEntrypoint",
        Warning,
        "a shell-form CMD is appended to an exec-form ENTRYPOINT",
        "With an exec-form ENTRYPOINT, CMD supplies its default arguments. A shell-form CMD is stored as \
         `[\"/bin/sh\", \"-c\", \"...\"]`, so `ENTRYPOINT [\"python\", \"app.py\"]` with `CMD serve --debug` runs \
         `python app.py /bin/sh -c \"serve --debug\"`: the program gets `/bin/sh` and `-c` as arguments. Write the \
         default arguments in exec form: `CMD [\"serve\", \"--debug\"]`. (An entrypoint script that ends with \
         `exec \"$@\"` does run the shell command, so for `*.sh` entrypoints this is only reported as info.)",
    ),
];
