//! Every lesson builds with the simulator, and runs with the outcome its steps describe.

use strata_build::engine::{BuildFailure, BuildOutput, BuildRequest, CacheStatus};
use strata_build::run::parse_run_line;
use strata_build::{Backend, Cache, ImageSource};
use strata_image::{EntryKind, Timestamp};
use strata_sim::backend::{SimBackend, SimStore};
use strata_sim::exec::Limits;

use super::*;
use crate::project_tree::context_tree;

const NOW: Timestamp = Timestamp {
    secs: 1_763_900_000,
    nanos: 0,
};

fn build_with(p: &Project, cache: &mut Cache) -> Result<BuildOutput, BuildFailure> {
    let context = context_tree(p, NOW);
    let ignore = p
        .dockerignore()
        .map(|b| String::from_utf8_lossy(b).into_owned());
    let req = BuildRequest {
        dockerignore: ignore.as_deref(),
        ..BuildRequest::new(&p.dockerfile, &context, NOW)
    };
    let mut backend = SimBackend::default();
    strata_build::build(
        &req,
        &mut backend as &mut dyn Backend,
        &SimStore::new(),
        cache,
    )
}

fn build(p: &Project) -> BuildOutput {
    match build_with(p, &mut Cache::default()) {
        Ok(out) => out,
        Err(f) => panic!(
            "build failed: {}\n{:#?}",
            f.error,
            f.steps.last().map(|s| (
                &s.text,
                String::from_utf8_lossy(&s.stdout),
                String::from_utf8_lossy(&s.stderr),
                &s.notes
            ))
        ),
    }
}

#[derive(Debug)]
struct Ran {
    exit: i32,
    stdout: String,
    start_error: Option<String>,
}

/// Runs the project's run line on the built image as `strata run` does.
fn run(p: &Project, out: &BuildOutput) -> Ran {
    let line = parse_run_line(&p.run_line).expect("the run line parses");
    let config = out.image.config.config.clone().unwrap_or_default();
    let started = strata_sim::container::run(
        &out.image.tree,
        &config,
        &line.options,
        "0123456789ab",
        NOW,
        Limits::default(),
    )
    .unwrap_or_else(|n| panic!("resolve: {}\n{:#?}", n.error, n.explanation));
    let o = started.outcome;
    Ran {
        exit: o.exit_code,
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        start_error: o.start_error,
    }
}

/// Which step a test means: the one whose instruction starts with, or contains, a text.
#[derive(Clone, Copy, Debug)]
enum Find<'n> {
    Starts(&'n str),
    Has(&'n str),
}

fn starts(text: &str) -> Find<'_> {
    Find::Starts(text)
}

fn has(text: &str) -> Find<'_> {
    Find::Has(text)
}

/// The first step `find` names.
fn step<'a>(out: &'a BuildOutput, find: Find<'_>) -> &'a strata_build::Step {
    out.steps
        .iter()
        .find(|s| match find {
            Find::Starts(p) => s.text.starts_with(p),
            Find::Has(n) => s.text.contains(n),
        })
        .unwrap_or_else(|| panic!("no step {find:?}"))
}

/// The layer of the first step `find` names.
fn layer_of<'a>(out: &'a BuildOutput, find: Find<'_>) -> &'a strata_image::Changeset {
    let i = step(out, find).layer.expect("the step made a layer");
    &out.image.layers[i].changeset
}

#[test]
fn every_lesson_builds_and_its_panels_have_names() {
    assert_eq!(lessons().len(), 11);
    for l in lessons() {
        let p = (l.project)();
        let out = build_with(&p, &mut Cache::default());
        assert!(out.is_ok(), "{}: {}", l.id, out.err().unwrap().error);
        assert!(!l.steps.is_empty());
        // Steps point at panels by the names the page shows: the first one, and the panel opened first.
        let starts_with_panel = |s: &str| {
            Panel::ALL
                .iter()
                .any(|pl| s.starts_with(&format!("{}:", pl.name())))
        };
        assert!(starts_with_panel(l.steps[0]), "{}: {}", l.id, l.steps[0]);
        assert!(
            l.steps
                .iter()
                .any(|s| s.contains(&format!("{}:", l.panel.name()))),
            "{}: no step about {}",
            l.id,
            l.panel.name()
        );
        if !p.run_line.is_empty() {
            parse_run_line(&p.run_line).expect("run line parses");
        }
        assert_eq!(lesson(l.id).map(|x| x.title), Some(l.title));
    }
    let mut ids: Vec<_> = lessons().iter().map(|l| l.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), lessons().len());
}

#[test]
fn layers_whiteouts_and_copy_up() {
    let p = lesson("layers").unwrap();
    let p = (p.project)();
    let out = build(&p);
    let rm = layer_of(&out, starts("RUN rm"));
    let whiteouts: Vec<&str> = rm
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Whiteout)
        .map(|e| e.path.as_str())
        .collect();
    assert_eq!(whiteouts, ["/notes/big.log", "/notes/note1.txt"]);
    let edit = layer_of(&out, starts("RUN echo"));
    let note2 = edit
        .entries
        .iter()
        .find(|e| e.path == "/notes/note2.txt")
        .expect("note2 copied up");
    match &note2.kind {
        EntryKind::File(c) => assert_eq!(&*c.bytes(), b"note 2\na second line\n"),
        k => panic!("{k:?}"),
    }
    // The bytes the later layers hid are still in the first RUN's layer: wasted.
    let changesets: Vec<_> = out
        .image
        .layers
        .iter()
        .map(|l| (*l.changeset).clone())
        .collect();
    let first = step(&out, starts("RUN mkdir")).layer.unwrap();
    let wasted: u64 = strata_image::layer_report::analyze(&changesets)
        .wasted
        .iter()
        .filter(|w| w.layer == first)
        .map(|w| w.bytes)
        .sum();
    assert!(wasted >= 200_000, "{wasted}");
    let r = run(&p, &out);
    assert_eq!(r.exit, 0, "{r:?}");
    assert!(r.stdout.contains("note2.txt") && !r.stdout.contains("note1.txt"));
    assert!(r.stdout.ends_with("note 2\na second line\n"), "{r:?}");
}

#[test]
fn cmd_is_replaced_entrypoint_is_appended_to() {
    let l = lesson("cmd-entrypoint").unwrap();
    let p = (l.project)();
    let r = run(&p, &build(&p));
    assert_eq!(r.exit, 127, "{r:?}");
    assert!(
        r.start_error
            .as_deref()
            .is_some_and(|e| e.contains("\"-a\": executable file not found")),
        "{r:?}"
    );
    // The fix the steps describe.
    let fixed = Project {
        dockerfile: p.dockerfile.replace("CMD [", "ENTRYPOINT ["),
        ..p.clone()
    };
    let r = run(&fixed, &build(&fixed));
    assert_eq!(r.exit, 0, "{r:?}");
    assert!(
        r.stdout.contains("passwd") && r.stdout.contains(" ."),
        "{r:?}"
    );
    // Both: CMD is the default argument, replaced by the run line's words.
    let both = Project {
        dockerfile: "FROM busybox\nENTRYPOINT [\"ls\", \"-l\"]\nCMD [\"/etc\"]\n".to_string(),
        run_line: "docker run --rm lister".to_string(),
        ..p.clone()
    };
    let out = build(&both);
    let r = run(&both, &out);
    assert!(r.stdout.contains("passwd"), "{r:?}");
    // The tutorial's typo is an unknown instruction: the build stops there.
    let typo = Project {
        dockerfile: "FROM busybox\nRNTRYPOINT [\"ls\"]\n".to_string(),
        ..p.clone()
    };
    assert!(build_with(&typo, &mut Cache::default()).is_err());
    let both_bin = Project {
        run_line: "docker run --rm lister /bin".to_string(),
        ..both
    };
    let r = run(&both_bin, &out);
    assert!(r.stdout.contains("zcat -> /bin/busybox"), "{r:?}");
}

#[test]
fn mycentos_workdir_and_last_cmd() {
    let p = (lesson("mycentos").unwrap().project)();
    let out = build(&p);
    let cc = out.image.config.config.clone().unwrap_or_default();
    assert_eq!(cc.working_dir.as_deref(), Some("/usr/local"));
    let ports: Vec<String> = cc
        .exposed_ports
        .clone()
        .flatten()
        .map(|v| v.into_keys().collect())
        .unwrap_or_default();
    assert_eq!(ports, ["80/tcp"]);
    // The yum layers carry the package database too, not only the programs.
    assert!(layer_of(&out, starts("RUN yum -y install vim"))
        .entries
        .iter()
        .any(|e| e.path.starts_with("/var/lib/rpm/")));
    assert_eq!(
        cc.cmd.clone().flatten(),
        Some(vec![
            "/bin/sh".to_string(),
            "-c".to_string(),
            "/bin/bash".to_string()
        ])
    );
    let r = run(&p, &out);
    assert_eq!((r.exit, r.stdout.as_str()), (0, "/usr/local\n"), "{r:?}");
}

#[test]
fn while_sh_without_exec_bit_is_permission_denied_then_runs() {
    let p = (lesson("exec-bit").unwrap().project)();
    let out = build(&p);
    assert_eq!(
        step(&out, starts("RUN cat")).stdout,
        b"welcome to the playground!\n".to_vec()
    );
    let r = run(&p, &out);
    assert_eq!(r.exit, 126, "{r:?}");
    assert!(
        r.start_error
            .as_deref()
            .is_some_and(|e| e.contains("exec: \"/while.sh\": permission denied")),
        "{r:?}"
    );
    // `+x` in the files panel, then rebuild: COPY misses the cache because the mode changed.
    let mut cache = Cache::default();
    build_with(&p, &mut cache).unwrap();
    let mut fixed = p.clone();
    for f in &mut fixed.files {
        if f.path == "while.sh" {
            f.executable = true;
        }
    }
    let out = build_with(&fixed, &mut cache).unwrap();
    assert!(matches!(
        step(&out, starts("COPY")).cache,
        CacheStatus::Miss(_)
    ));
    let r = run(&fixed, &out);
    assert_eq!(r.exit, 0, "{r:?}");
    assert_eq!(r.stdout.lines().count(), 5, "{r:?}");
    assert!(r.stdout.starts_with("hello world 1\n"));
    // The other way out: the shell reads the script, no exec bit needed.
    let via_sh = Project {
        dockerfile: p
            .dockerfile
            .replace("[\"/while.sh\"]", "[\"/bin/sh\", \"/while.sh\"]"),
        ..p.clone()
    };
    let r = run(&via_sh, &build(&via_sh));
    assert_eq!(r.exit, 0, "{r:?}");
}

#[test]
fn add_unpacks_copy_does_not() {
    let p = (lesson("add-copy").unwrap().project)();
    let out = build(&p);
    let t = &out.image.tree;
    assert!(t.exists("/copied/site.tar.gz"));
    assert!(t.exists("/added/site/index.html"));
    assert!(t.exists("/added/site/style.css"));
    assert!(!t.exists("/added/site.tar.gz"));
    let r = run(&p, &out);
    assert_eq!(r.exit, 0, "{r:?}");
    assert!(r.stdout.contains("index.html") && r.stdout.contains("site.tar.gz"));
}

#[test]
fn volume_is_in_the_config_and_the_container_writes_to_it() {
    let p = (lesson("volumes").unwrap().project)();
    let out = build(&p);
    let cc = out.image.config.config.clone().unwrap_or_default();
    let vols: Vec<String> = cc
        .volumes
        .flatten()
        .map(|v| v.into_keys().collect())
        .unwrap_or_default();
    assert_eq!(vols, ["/data"]);
    let r = run(&p, &out);
    assert_eq!(r.exit, 0, "{r:?}");
    assert_eq!(r.stdout, "seed.txt\nwritten by the container\n");
}

#[test]
fn copy_before_install_reinstalls_on_every_edit() {
    let p = (lesson("cache-order").unwrap().project)();
    let edit = |p: &Project| {
        let mut q = p.clone();
        for f in &mut q.files {
            if f.path == "app.py" {
                f.data = APP_PY
                    .replace("Hello, World!", "Hello, cache!")
                    .into_bytes();
            }
        }
        q
    };
    let pip_status = |p: &Project| {
        let mut cache = Cache::default();
        let first = build_with(p, &mut cache).unwrap();
        assert!(matches!(
            step(&first, starts("RUN pip")).cache,
            CacheStatus::Miss(_)
        ));
        let again = build_with(p, &mut cache).unwrap();
        assert_eq!(step(&again, starts("RUN pip")).cache, CacheStatus::Hit);
        let edited = build_with(&edit(p), &mut cache).unwrap();
        step(&edited, starts("RUN pip")).cache.clone()
    };
    assert!(matches!(pip_status(&p), CacheStatus::Miss(_)));
    let fixed = Project {
        dockerfile: p
            .dockerfile
            .replace("COPY . /app\n", "COPY requirements.txt /app/\n")
            .replace("EXPOSE 80\n", "COPY . /app\nEXPOSE 80\n"),
        ..p.clone()
    };
    assert_eq!(pip_status(&fixed), CacheStatus::Hit);
    let out = build(&p);
    assert!(out
        .image
        .tree
        .exists("/usr/local/lib/python3.12/site-packages/flask"));
}

#[test]
fn multi_stage_leaves_the_toolchain_behind() {
    let p = (lesson("multi-stage").unwrap().project)();
    let out = build(&p);
    let t = &out.image.tree;
    assert!(t.exists("/usr/local/bin/hello"));
    assert!(!t.exists("/usr/bin/gcc"));
    assert_eq!(out.image.layers.len(), 2);
    // Editing only the final stage leaves the build stage cached.
    let mut cache = Cache::default();
    build_with(&p, &mut cache).unwrap();
    let edited = Project {
        dockerfile: p
            .dockerfile
            .replace("CMD [\"hello\"]", "CMD [\"sh\", \"-c\", \"hello\"]"),
        ..p.clone()
    };
    let again = build_with(&edited, &mut cache).unwrap();
    for s in again.steps.iter().filter(|s| s.stage == "build") {
        assert!(
            matches!(s.cache, CacheStatus::Hit | CacheStatus::Metadata)
                || s.text.starts_with("FROM"),
            "{}: {:?}",
            s.text,
            s.cache
        );
    }
    let r = run(&p, &out);
    assert_eq!(
        (r.exit, r.stdout.as_str()),
        (0, "hello from the final stage\n"),
        "{r:?}"
    );
}

#[test]
fn lessons_own_words_panel_names_are_the_pages() {
    let names: Vec<&str> = Panel::ALL.iter().map(|p| p.name()).collect();
    assert_eq!(
        names,
        [
            "Build context",
            "Build log",
            "Layers",
            "History",
            "Inspect",
            "Run"
        ]
    );
}

/// `project` with `path`'s text changed as `f` says.
fn edited(p: &Project, path: &str, f: impl Fn(&str) -> String) -> Project {
    let mut q = p.clone();
    for file in &mut q.files {
        if file.path == path {
            file.data = f(&String::from_utf8_lossy(&file.data)).into_bytes();
        }
    }
    q
}

#[test]
fn the_go_service_ships_its_binary_without_the_toolchain() {
    let p = (lesson("go-multi-stage").unwrap().project)();
    let mut cache = Cache::default();
    let out = build_with(&p, &mut cache).unwrap();
    let t = &out.image.tree;
    assert!(t.exists("/usr/local/bin/server"));
    assert!(
        !t.exists("/usr/local/go"),
        "the toolchain stayed in the build stage"
    );
    assert!(!t.exists("/go/pkg/mod"));
    // alpine's layer, then the one COPY: about 10 MB, against the builder's hundreds.
    assert_eq!(out.image.layers.len(), 2);
    let size: u64 = out.image.layers.iter().map(|l| l.size).sum();
    assert!(size < 20 << 20, "{size}");
    let builder: u64 = SimStore::new()
        .image("golang:1.22")
        .expect("golang:1.22 is modelled")
        .layers
        .iter()
        .map(|l| l.content_size())
        .sum();
    assert!(builder > 500 << 20, "{builder}");
    // Editing the code keeps the module download cached.
    let q = edited(&p, "main.go", |t| t.replace("hello", "hello again"));
    let again = build_with(&q, &mut cache).unwrap();
    assert_eq!(step(&again, has("go mod download")).cache, CacheStatus::Hit);
    assert!(matches!(
        step(&again, has("go build")).cache,
        CacheStatus::Miss(_)
    ));
}

#[test]
fn npm_ci_reruns_after_copy_all_until_the_lock_file_goes_first() {
    let p = (lesson("node-cache").unwrap().project)();
    let npm_after_edit = |p: &Project| {
        let mut cache = Cache::default();
        let first = build_with(p, &mut cache).unwrap();
        let npm = layer_of(&first, has("npm ci"));
        assert!(npm
            .entries
            .iter()
            .any(|e| e.path == "/app/node_modules/express/package.json"));
        let edited = build_with(
            &edited(p, "server.js", |t| t.replace("Hello", "Hi")),
            &mut cache,
        )
        .unwrap();
        step(&edited, has("npm ci")).cache.clone()
    };
    assert_eq!(
        npm_after_edit(&p),
        CacheStatus::Miss("previous step changed".to_owned())
    );
    let fixed = Project {
        dockerfile: p
            .dockerfile
            .replace("COPY . .\n", "COPY package.json package-lock.json ./\n")
            .replace("EXPOSE 3000\n", "COPY . .\nEXPOSE 3000\n"),
        ..p.clone()
    };
    assert_eq!(npm_after_edit(&fixed), CacheStatus::Hit);
}

#[test]
fn pips_cache_is_in_the_layer_until_no_cache_dir_or_a_cache_mount() {
    let p = (lesson("pip-cache").unwrap().project)();
    let pip_layer = |p: &Project| {
        let out = build(p);
        let l = layer_of(&out, has("pip install"));
        let cached = l
            .entries
            .iter()
            .filter(|e| e.path.starts_with("/root/.cache/pip/"))
            .count();
        (l.content_size(), cached)
    };
    let (with_cache, cached) = pip_layer(&p);
    assert!(cached > 0, "the wheels are in the layer");
    let no_cache = Project {
        dockerfile: p
            .dockerfile
            .replace("RUN pip install -r", "RUN pip install --no-cache-dir -r"),
        ..p.clone()
    };
    let (smaller, none) = pip_layer(&no_cache);
    assert_eq!(none, 0);
    assert!(
        with_cache > smaller + (5 << 20),
        "{with_cache} vs {smaller}"
    );
    let mounted = Project {
        dockerfile: p.dockerfile.replace(
            "RUN pip install -r",
            "RUN --mount=type=cache,target=/root/.cache/pip pip install -r",
        ),
        ..p.clone()
    };
    let (mounted_size, none) = pip_layer(&mounted);
    assert_eq!(none, 0);
    assert_eq!(mounted_size, smaller);
}
