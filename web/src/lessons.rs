//! The lessons panel's content: guided examples of what the Docker tutorials in `../shared/seeds` teach, each a
//! Dockerfile, a build context and a `docker run` line, with the few things to look at once it is built.
//!
//! A [`Lesson`] is plain data: [`Lesson::project`] makes the [`Project`] to load and [`Lesson::panel`] names
//! the panel to open first; [`Lesson::steps`] point at the page's panels by their names ([`Panel::name`]).
//! Several lessons load the mistake a beginner makes (a script without its exec bit, a `COPY .` before the
//! package install) and the steps walk through the fix, because that is what the tutorials' readers meet.
//!
//! Every lesson is built with the simulator by the tests (`lessons_tests.rs`), and those with a run line are
//! run, with the outcome the steps promise asserted (exit 126 for the missing exec bit, a cache hit after the
//! reordering, …).

use strata_image::{Attrs, Changeset, Content, Entry, EntryKind, Timestamp};

use crate::project::{ContextFile, Project};

/// A panel of the page, as a lesson refers to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Panel {
    /// The build context's files, beside the editor.
    Context,
    /// The build's progress log.
    BuildLog,
    /// The image's layers and their entries.
    Layers,
    /// `docker history`.
    History,
    /// `docker inspect`: the image config.
    Inspect,
    /// `docker run`.
    Run,
}

impl Panel {
    /// Every panel, in the page's order.
    pub const ALL: [Panel; 6] = [
        Panel::Context,
        Panel::BuildLog,
        Panel::Layers,
        Panel::History,
        Panel::Inspect,
        Panel::Run,
    ];

    /// The panel's name as the page shows it (a tab's label, or the build context pane's heading) and the
    /// steps write it.
    pub fn name(self) -> &'static str {
        match self {
            Panel::Context => "Build context",
            Panel::BuildLog => "Build log",
            Panel::Layers => "Layers",
            Panel::History => "History",
            Panel::Inspect => "Inspect",
            Panel::Run => "Run",
        }
    }
}

/// One guided example.
#[derive(Debug, Clone, Copy)]
pub struct Lesson {
    /// A stable identifier (for links and tests): `exec-bit`.
    pub id: &'static str,
    /// The title the list shows.
    pub title: &'static str,
    /// One or two sentences: what the lesson is about.
    pub summary: &'static str,
    /// Makes the Dockerfile, the context and the run line to load.
    pub project: fn() -> Project,
    /// What to look at, in order; each names the panel it is about.
    pub steps: &'static [&'static str],
    /// The panel to open first.
    pub panel: Panel,
}

/// Every lesson, in the order a beginner would take them.
pub fn lessons() -> &'static [Lesson] {
    LESSONS
}

/// The lesson with this id.
pub fn lesson(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.id == id)
}

static LESSONS: &[Lesson] = &[
    Lesson {
        id: "layers",
        title: "Layers and copy-on-write",
        summary: "Each RUN, COPY and ADD stacks one read-only layer on the image. A later step never \
                  changes a lower layer: deleting records a whiteout, editing copies the whole file up.",
        project: layers,
        steps: &[
            "Layers: one row per layer: busybox's own first, then one for each RUN (CMD makes none). \
             Open the first RUN's row: it holds /notes with the five notes and big.log.",
            "Layers: the `rm` layer holds no file data, only whiteout markers (`.wh.note1.txt`, \
             `.wh.big.log`). The bytes of big.log are still in the layer below, so the image is no \
             smaller: the first RUN's row shows them as wasted.",
            "Layers: the `>>` layer holds all of note2.txt (21B), not just the added line: the file \
             was copied up from the layer below, then changed.",
            "History: the same steps as `docker history` lists them, newest first, with each layer's \
             size; CMD made no layer (0B).",
            "Run: press Run. The container sees one merged filesystem: note1.txt and big.log are \
             gone, note2.txt has both lines.",
        ],
        panel: Panel::Layers,
    },
    Lesson {
        id: "cmd-entrypoint",
        title: "CMD vs ENTRYPOINT",
        summary: "CMD is a default command that any words after the image name replace; ENTRYPOINT \
                  stays, and those words become its arguments.",
        project: cmd_entrypoint,
        steps: &[
            "Run: press Run. The run line adds `-a` after the image name. Those words replace the \
             whole CMD, so Docker tries to start a program called `-a`: not found, exit code 127.",
            "Edit the Dockerfile: change `CMD` to `ENTRYPOINT`; the page rebuilds. Run again: now \
             `-a` is appended and `ls -l /etc -a` runs.",
            "Now try both: `ENTRYPOINT [\"ls\", \"-l\"]` and `CMD [\"/etc\"]`. Run \
             `docker run --rm lister`: CMD supplies the default argument (`ls -l /etc`); run \
             `docker run --rm lister /bin`: `/bin` replaces just that (`ls -l /bin`).",
            "Inspect: Entrypoint and Cmd are two separate lists in the image config; only the last \
             CMD and the last ENTRYPOINT of a Dockerfile count.",
            "A tutorial's version of this fix reads `RNTRYPOINT`: type that instead of `ENTRYPOINT`, \
             and the build fails on the unknown instruction; the problems list says where.",
        ],
        panel: Panel::Run,
    },
    Lesson {
        id: "mycentos",
        title: "A custom CentOS image",
        summary: "The tutorials' first image: CentOS with vim and net-tools, a working directory from \
                  an ENV variable, and three CMDs of which only the last counts.",
        project: mycentos,
        steps: &[
            "Build log: each `yum -y install` step prints what yum installs (modelled, as the \
             `[strata]` line says); each becomes its own layer.",
            "Layers: compare the size of the base layer with the two yum layers. Open one: the \
             package manager's database (/var/lib/rpm) and cache (/var/cache/yum) changed too, not \
             only the programs.",
            "History: one row per instruction after FROM, newest first, above the base image's own \
             rows; the metadata ones (MAINTAINER, ENV, WORKDIR, EXPOSE, CMD) have size 0B. \
             MAINTAINER is deprecated; a LABEL says the same.",
            "Inspect: WorkingDir is /usr/local (WORKDIR expanded $MYPATH), ExposedPorts has 80/tcp, \
             and Cmd is only `/bin/bash`: the first two CMDs were replaced.",
            "Run: press Run. `pwd` after the image name replaces CMD and prints the working \
             directory. EXPOSE published nothing; that takes `-p` on the run line.",
        ],
        panel: Panel::BuildLog,
    },
    Lesson {
        id: "exec-bit",
        title: "The busybox while.sh and its exec bit",
        summary: "A script started directly as the ENTRYPOINT needs its exec bit, and the image keeps \
                  the mode the file had in the build context when it was built.",
        project: exec_bit,
        steps: &[
            "Build log: the build succeeds, and `RUN cat /hello.txt` prints the file COPY brought in. \
             (If that step says CACHED, the page built the same step before, for the first example \
             perhaps: a cached step prints nothing, as in BuildKit.)",
            "Run: press Run: `exec: \"/while.sh\": permission denied`, exit code 126. The file is \
             there, but it has no exec bit, so the kernel will not execute it.",
            "Layers: open the `COPY . /` layer: while.sh is there with mode -rw-r--r--, as it was in \
             the build context.",
            "Build context: tick `+x` on while.sh (the tutorial's `chmod +x`). The image you ran \
             keeps its own copy of the file, so Docker needs a new build; the page starts one at \
             once.",
            "Build log: `COPY . /` ran again (DONE, with the cache miss's reason) instead of CACHED: \
             the mode is part of what COPY copies. Press Build once more and it is CACHED, since \
             nothing changed after that build. (The page keeps its cache until you reload it, so a \
             second time through this lesson says CACHED at once.)",
            "Layers: in the new `COPY . /` layer, while.sh has mode -rwxr-xr-x.",
            "Run: press Run: now the script prints its five lines and exits 0. (The tutorial's script \
             loops forever with `while :`; written `while:` without the space it is a syntax error. \
             Its `#! /bin/bash` would fail too: busybox has no bash, so this one uses /bin/sh.)",
            "Another way out: untick `+x` and write `ENTRYPOINT [\"/bin/sh\", \"/while.sh\"]`, \
             which starts the shell; it only needs to read the script, not execute it. Run: exit 0.",
        ],
        panel: Panel::Run,
    },
    Lesson {
        id: "add-copy",
        title: "ADD vs COPY",
        summary: "Both copy files from the build context; ADD also unpacks a local tar archive (plain \
                  or compressed) into the destination.",
        project: add_copy,
        steps: &[
            "Build context: it holds one file, site.tar.gz, a compressed tar with two files in it.",
            "Layers: the COPY layer holds site.tar.gz as it is, one file under /copied.",
            "Layers: the ADD layer holds what was inside the archive: /added/site/index.html and \
             /added/site/style.css. The archive itself is not in that layer.",
            "Run: press Run: `ls -lR` shows both directories.",
            "Prefer COPY unless you want the unpacking: it does only what it says. (ADD can also \
             fetch a URL; a downloaded archive is not unpacked.)",
        ],
        panel: Panel::Layers,
    },
    Lesson {
        id: "volumes",
        title: "Volumes",
        summary: "VOLUME marks a directory whose data should live outside the container's \
                  copy-on-write layer, so it survives the container and can be shared.",
        project: volumes,
        steps: &[
            "History: VOLUME made no layer (0B); it is a note in the image config.",
            "Inspect: Volumes lists /data. `docker run` mounts a fresh volume there, filled with what \
             the image has at /data (seed.txt).",
            "Layers: seed.txt was written by a RUN before the VOLUME line, so it is in an ordinary \
             layer.",
            "Run: the container lists /data and writes run.txt into it. On Docker that write goes to \
             the volume, not the container layer: `docker commit` would not capture it, and it \
             outlives `docker rm` (without `-v`).",
            "The tutorials also mount a host directory with `docker run -v /host/dir:/data`; the \
             page has no host, so it mounts an empty modelled directory there (seed.txt is hidden).",
        ],
        panel: Panel::Inspect,
    },
    Lesson {
        id: "cache-order",
        title: "Cache invalidation order",
        summary: "A step is reused from the cache only if it and every step before it are unchanged; \
                  copying the whole context before the package install makes every edit reinstall.",
        project: cache_order,
        steps: &[
            "Build log: the first build of this Dockerfile runs every step, `pip install` among them.",
            "Build context: select app.py and change a line of it; the page rebuilds. Build log: \
             `COPY . /app` misses the cache (a source changed), and so does every step after it: \
             pip installs flask again, though requirements.txt did not change.",
            "Fix the order: `COPY requirements.txt /app/`, then the `RUN pip install …`, then \
             `COPY . /app`. Once the page has built that, edit app.py again: now the install says \
             CACHED and only the last COPY runs.",
            "Layers: the pip layer is the biggest one this Dockerfile adds (the python:3.12-slim base \
             brings bigger ones of its own); that is the work the cache saves.",
            "Run: press Run: Docker starts the image's CMD, `python app.py`, a program the simulator \
             does not run. Run `docker run --rm app ls /app` instead: app.py and requirements.txt \
             are in the image.",
            "COPY's cache key is the files' content and metadata (mode, owner), never their mtimes, \
             so touching a file without changing it keeps the cache.",
        ],
        panel: Panel::BuildLog,
    },
    Lesson {
        id: "multi-stage",
        title: "Multi-stage builds",
        summary: "Build with a big toolchain in one stage, then copy only the result into a small \
                  final image; the toolchain's layers are left behind.",
        project: multi_stage,
        steps: &[
            "Build log: the `build` stage's steps ran first (the log labels them with the stage's \
             name): installing gcc into alpine, then the stand-in compile.",
            "Layers: the final image is busybox plus one small COPY layer. gcc and its libraries are \
             nowhere in it.",
            "History: only the final stage's instructions are listed; the build stage is not part of \
             the image.",
            "Run: press Run: the program copied out of the build stage runs in the busybox image.",
            "Edit the final stage only (say, its CMD); the page rebuilds. Build log: the build stage \
             is all CACHED.",
        ],
        panel: Panel::Layers,
    },
    Lesson {
        id: "go-multi-stage",
        title: "A Go service in two stages",
        summary: "golang:1.22 is some 800 MB of compiler and Debian; the service it builds is one static \
                  binary. Build in the big image, ship the binary in a small one.",
        project: go_multi_stage,
        steps: &[
            "Build log: the `build` stage runs on golang:1.22: `go mod download` fetches the modules \
             go.sum lists into /go/pkg/mod, then `go build` links one static binary (CGO_ENABLED=0, \
             so it needs no C library). Both are modelled: plausible sizes, not real bytes.",
            "Layers: the final image is alpine plus a single layer holding /usr/local/bin/server, \
             about 10 MB in all. The toolchain, the module cache and the sources stayed in the build \
             stage.",
            "Run: press Run: the image's ENTRYPOINT is the server, a program the simulator does not \
             run. `docker run --rm --entrypoint ls hello -l /usr/local/bin` lists the binary; \
             `docker run --rm golang:1.22 du -sh /usr/local/go` shows what the builder weighs.",
            "Build context: change main.go; the page rebuilds. Build log: `go mod download` is \
             CACHED (go.mod and go.sum did not change), only the COPY and the build run again.",
        ],
        panel: Panel::BuildLog,
    },
    Lesson {
        id: "node-cache",
        title: "npm ci and the cache",
        summary: "`COPY . .` before `npm ci` ties the install to every file of the project: an edit \
                  to server.js reinstalls every package.",
        project: node_cache,
        steps: &[
            "Build log: `npm ci` installs the packages package-lock.json lists into /app/node_modules \
             (modelled: their names and versions, plausible sizes).",
            "Build context: change a line of server.js; the page rebuilds. Build log: `COPY . .` \
             misses the cache (/server.js changed), and so does `npm ci`: previous step changed.",
            "Fix the order: `COPY package.json package-lock.json ./`, then `RUN npm ci --omit=dev`, \
             then `COPY . .`. Edit server.js again: now `npm ci` is CACHED and only the last COPY \
             runs.",
            "Layers: the npm ci layer also holds npm's cache, /root/.npm/_cacache: \
             `npm ci --omit=dev && npm cache clean --force` keeps it out of the image.",
        ],
        panel: Panel::BuildLog,
    },
    Lesson {
        id: "pip-cache",
        title: "pip's cache in the image",
        summary: "pip keeps every wheel it downloads in /root/.cache/pip; in a Dockerfile that cache \
                  is saved in the layer and shipped with the image.",
        project: pip_cache,
        steps: &[
            "Build log: pip installs the requirements and warns that it runs as root; strata's note \
             says how much of the download stays behind in /root/.cache/pip.",
            "History: the pip layer's size includes that cache. Run \
             `docker run --rm pyapp du -sh /root/.cache/pip` to see it in the image.",
            "Fix it: `RUN pip install --no-cache-dir -r requirements.txt`. History: the layer is \
             smaller by the cache's size.",
            "Or keep the cache between builds without shipping it: \
             `RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt`. \
             Layers: the cache directory is not in the layer.",
        ],
        panel: Panel::History,
    },
];

fn project(dockerfile: &str, files: Vec<ContextFile>, run_line: &str) -> Project {
    let mut files = files;
    strata_image::sort::sort_by(&mut files, |a, b| a.path.cmp(&b.path));
    Project {
        dockerfile: dockerfile.to_string(),
        files,
        run_line: run_line.to_string(),
    }
}

fn layers() -> Project {
    project(
        "\
# Every RUN below adds one layer on top of the ones before it.
FROM busybox
RUN mkdir /notes \\
 && for i in 1 2 3 4 5; do echo \"note $i\" > /notes/note$i.txt; done \\
 && yes 'a line of log' | head -c 200000 > /notes/big.log
# Removing files from a lower layer: this layer only records that they are gone.
RUN rm /notes/note1.txt /notes/big.log
# Changing a file: the whole file is copied up into this layer, then changed.
RUN echo 'a second line' >> /notes/note2.txt
CMD [\"sh\", \"-c\", \"ls -l /notes && cat /notes/note2.txt\"]
",
        Vec::new(),
        "docker run --rm layers",
    )
}

fn cmd_entrypoint() -> Project {
    project(
        "\
FROM busybox
# A default command: `docker run IMAGE` runs it, `docker run IMAGE words…` replaces it.
CMD [\"ls\", \"-l\", \"/etc\"]
",
        Vec::new(),
        "docker run --rm lister -a",
    )
}

fn mycentos() -> Project {
    project(
        "\
FROM centos:7
MAINTAINER learner<learner@example.com>
ENV MYPATH /usr/local
WORKDIR $MYPATH
RUN yum -y install vim
RUN yum -y install net-tools
EXPOSE 80
CMD echo $MYPATH
CMD echo \"success------------ok!\"
CMD /bin/bash
",
        Vec::new(),
        "docker run --rm mycentos:1.3 pwd",
    )
}

/// The script of the exec-bit lesson: the while example's (`examples/while/while.sh`).
pub const WHILE_SH: &str = include_str!("../../examples/while/while.sh");

fn exec_bit() -> Project {
    project(
        "\
FROM busybox
COPY . /
RUN cat /hello.txt
ENTRYPOINT [\"/while.sh\"]
",
        vec![
            ContextFile::text("hello.txt", "welcome to the playground!\n"),
            // Deliberately without its exec bit: the lesson is about what that does.
            ContextFile::text("while.sh", WHILE_SH),
        ],
        "docker run --rm scbusybox:1.0",
    )
}

fn add_copy() -> Project {
    let archive = tar_gz(&[
        (
            "site/index.html",
            "<!doctype html>\n<title>hello</title>\n<p>Unpacked by ADD.</p>\n",
        ),
        ("site/style.css", "p { color: teal; }\n"),
    ]);
    project(
        "\
FROM busybox
# COPY puts the archive into the image as it is: one file.
COPY site.tar.gz /copied/
# ADD sees a local tar archive and unpacks it into the destination.
ADD site.tar.gz /added/
CMD [\"ls\", \"-lR\", \"/copied\", \"/added\"]
",
        vec![ContextFile {
            path: "site.tar.gz".to_string(),
            data: archive,
            executable: false,
        }],
        "docker run --rm addcopy",
    )
}

/// A gzip-compressed tar of `files` (paths relative, parent directories included), as a learner's
/// `tar czf` would make it.
fn tar_gz(files: &[(&str, &str)]) -> Vec<u8> {
    let t = Timestamp::from_secs(1_700_000_000);
    let mut entries: Vec<Entry> = Vec::new();
    for (path, text) in files {
        let mut dir = String::new();
        for part in path.split('/').take(path.split('/').count() - 1) {
            dir = format!("{dir}/{part}");
            if !entries.iter().any(|e| e.path == dir) {
                entries.push(Entry {
                    path: dir.clone(),
                    attrs: Attrs::new(0o755, 0, 0, t),
                    kind: EntryKind::Dir,
                });
            }
        }
        entries.push(Entry {
            path: format!("/{path}"),
            attrs: Attrs::new(0o644, 0, 0, t),
            kind: EntryKind::File(Content::from(*text)),
        });
    }
    let tar = strata_image::layer::to_tar(&Changeset { entries }).unwrap_or_default();
    strata_image::layer::gzip(&tar)
}

fn volumes() -> Project {
    project(
        "\
FROM busybox
RUN mkdir -p /data && echo 'made at build time' > /data/seed.txt
# From here on, /data is a volume: a container keeps what it writes there out of its own layer.
VOLUME [\"/data\"]
CMD [\"sh\", \"-c\", \"ls /data && echo 'written by the container' > /data/run.txt && cat /data/run.txt\"]
",
        Vec::new(),
        "docker run --rm voltest",
    )
}

/// The app of the cache lesson.
pub const APP_PY: &str = "\
from flask import Flask

app = Flask(__name__)


@app.route(\"/\")
def hello():
    return \"Hello, World!\"


if __name__ == \"__main__\":
    app.run(host=\"0.0.0.0\", port=80)
";

fn cache_order() -> Project {
    project(
        "\
FROM python:3.12-slim
WORKDIR /app
# Copies every file: an edit to any of them changes this step...
COPY . /app
# ...and so this slow step runs again after every edit.
RUN pip install --no-cache-dir -r requirements.txt
EXPOSE 80
CMD [\"python\", \"app.py\"]
",
        vec![
            ContextFile::text("requirements.txt", "flask==3.1.0\n"),
            ContextFile::text("app.py", APP_PY),
        ],
        "docker run --rm app",
    )
}

fn multi_stage() -> Project {
    project(
        "\
# syntax=docker/dockerfile:1
FROM alpine:3.20 AS build
RUN apk add --no-cache gcc musl-dev
WORKDIR /src
COPY hello.sh .
# Stands in for a compile step: the result is one small file in /out.
RUN mkdir /out && cp hello.sh /out/hello && chmod 755 /out/hello

FROM busybox
COPY --from=build /out/hello /usr/local/bin/hello
CMD [\"hello\"]
",
        vec![ContextFile::text(
            "hello.sh",
            "#!/bin/sh\necho \"hello from the final stage\"\n",
        )],
        "docker run --rm tiny",
    )
}

fn go_multi_stage() -> Project {
    project(
        "\
# syntax=docker/dockerfile:1
FROM golang:1.22 AS build
WORKDIR /src
# The module list first: `go mod download` stays cached until go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/server .

# The final image: only the binary.
FROM alpine:3.20
COPY --from=build /out/server /usr/local/bin/server
EXPOSE 8080
ENTRYPOINT [\"server\"]
",
        vec![
            ContextFile::text(
                "go.mod",
                "module example.com/hello\n\ngo 1.22\n\nrequire github.com/go-chi/chi/v5 v5.0.12\n",
            ),
            ContextFile::text(
                "go.sum",
                "github.com/go-chi/chi/v5 v5.0.12 h1:9euLV5sTrTNTRUU9POmDUvfxyj6LAABLUcEWO+JJb4s=\n\
                 github.com/go-chi/chi/v5 v5.0.12/go.mod h1:DslCQbL2OYiznFReuXYUmQ2hGd1aDpCnlMNITLSKoi8=\n",
            ),
            ContextFile::text(
                "main.go",
                "package main\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/go-chi/chi/v5\"\n)\n\n\
                 func main() {\n\tr := chi.NewRouter()\n\tr.Get(\"/\", func(w http.ResponseWriter, _ *http.Request) {\n\
                 \t\tw.Write([]byte(\"hello\\n\"))\n\t})\n\thttp.ListenAndServe(\":8080\", r)\n}\n",
            ),
        ],
        "docker run --rm hello",
    )
}

fn node_cache() -> Project {
    project(
        "\
FROM node:20-alpine
WORKDIR /app
# Copies every file: an edit to server.js changes this step...
COPY . .
# ...so npm ci runs again after every edit, though package-lock.json did not change.
RUN npm ci --omit=dev
EXPOSE 3000
CMD [\"node\", \"server.js\"]
",
        vec![
            ContextFile::text(
                "package.json",
                "{\n  \"name\": \"hello-api\",\n  \"version\": \"1.0.0\",\n  \"private\": true,\n  \"main\": \"server.js\",\n  \
                 \"scripts\": {\n    \"start\": \"node server.js\"\n  },\n  \"dependencies\": {\n    \"express\": \"^4.19.2\"\n  }\n}\n",
            ),
            ContextFile::text("package-lock.json", NODE_LOCK),
            ContextFile::text(
                "server.js",
                "const express = require(\"express\");\n\nconst app = express();\n\
                 app.get(\"/\", (_req, res) => res.send(\"Hello from Node\\n\"));\n\
                 app.listen(3000, () => console.log(\"listening on 3000\"));\n",
            ),
        ],
        "docker run --rm api",
    )
}

/// The node lesson's lock file: express 4 and what it needs, as npm 9 writes it (lockfileVersion 3).
const NODE_LOCK: &str = "{
  \"name\": \"hello-api\",
  \"version\": \"1.0.0\",
  \"lockfileVersion\": 3,
  \"requires\": true,
  \"packages\": {
    \"\": {
      \"name\": \"hello-api\",
      \"version\": \"1.0.0\",
      \"dependencies\": {
        \"express\": \"^4.19.2\"
      }
    },
    \"node_modules/express\": {
      \"version\": \"4.19.2\",
      \"resolved\": \"https://registry.npmjs.org/express/-/express-4.19.2.tgz\",
      \"license\": \"MIT\"
    },
    \"node_modules/accepts\": {
      \"version\": \"1.3.8\",
      \"resolved\": \"https://registry.npmjs.org/accepts/-/accepts-1.3.8.tgz\",
      \"license\": \"MIT\"
    },
    \"node_modules/body-parser\": {
      \"version\": \"1.20.2\",
      \"resolved\": \"https://registry.npmjs.org/body-parser/-/body-parser-1.20.2.tgz\",
      \"license\": \"MIT\"
    },
    \"node_modules/cookie\": {
      \"version\": \"0.6.0\",
      \"resolved\": \"https://registry.npmjs.org/cookie/-/cookie-0.6.0.tgz\",
      \"license\": \"MIT\"
    },
    \"node_modules/debug\": {
      \"version\": \"2.6.9\",
      \"resolved\": \"https://registry.npmjs.org/debug/-/debug-2.6.9.tgz\",
      \"license\": \"MIT\"
    },
    \"node_modules/mime-db\": {
      \"version\": \"1.52.0\",
      \"resolved\": \"https://registry.npmjs.org/mime-db/-/mime-db-1.52.0.tgz\",
      \"license\": \"MIT\"
    },
    \"node_modules/mime-types\": {
      \"version\": \"2.1.35\",
      \"resolved\": \"https://registry.npmjs.org/mime-types/-/mime-types-2.1.35.tgz\",
      \"license\": \"MIT\"
    },
    \"node_modules/ms\": {
      \"version\": \"2.0.0\",
      \"resolved\": \"https://registry.npmjs.org/ms/-/ms-2.0.0.tgz\",
      \"license\": \"MIT\"
    },
    \"node_modules/negotiator\": {
      \"version\": \"0.6.3\",
      \"resolved\": \"https://registry.npmjs.org/negotiator/-/negotiator-0.6.3.tgz\",
      \"license\": \"MIT\"
    },
    \"node_modules/path-to-regexp\": {
      \"version\": \"0.1.7\",
      \"resolved\": \"https://registry.npmjs.org/path-to-regexp/-/path-to-regexp-0.1.7.tgz\",
      \"license\": \"MIT\"
    },
    \"node_modules/qs\": {
      \"version\": \"6.11.0\",
      \"resolved\": \"https://registry.npmjs.org/qs/-/qs-6.11.0.tgz\",
      \"license\": \"MIT\"
    },
    \"node_modules/safe-buffer\": {
      \"version\": \"5.2.1\",
      \"resolved\": \"https://registry.npmjs.org/safe-buffer/-/safe-buffer-5.2.1.tgz\",
      \"license\": \"MIT\"
    },
    \"node_modules/send\": {
      \"version\": \"0.18.0\",
      \"resolved\": \"https://registry.npmjs.org/send/-/send-0.18.0.tgz\",
      \"license\": \"MIT\"
    },
    \"node_modules/serve-static\": {
      \"version\": \"1.15.0\",
      \"resolved\": \"https://registry.npmjs.org/serve-static/-/serve-static-1.15.0.tgz\",
      \"license\": \"MIT\"
    }
  }
}
";

fn pip_cache() -> Project {
    project(
        "\
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
# pip keeps every wheel it downloads in /root/.cache/pip: in this layer, for good.
RUN pip install -r requirements.txt
COPY . .
CMD [\"python\", \"app.py\"]
",
        vec![
            ContextFile::text(
                "requirements.txt",
                "flask==3.1.0\nrequests==2.32.3\nnumpy==2.1.3\n",
            ),
            ContextFile::text("app.py", APP_PY),
        ],
        "docker run --rm pyapp",
    )
}

#[cfg(test)]
#[path = "lessons_tests.rs"]
mod tests;
