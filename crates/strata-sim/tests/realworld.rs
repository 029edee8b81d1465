//! The real-world corpus (issue 13): every case in `tests/realworld/NN-name/` — a Dockerfile as a small real
//! project writes it (Node, React, Python, Go, Java, Rust, PHP, Ruby, .NET, nginx, databases, tool images)
//! with the context it needs — built with the simulator and classified:
//!
//! - **modelled**: the build succeeds and no step says `not simulated`;
//! - **not simulated**: a step reached a command the simulator cannot run (the build stopped there, or went
//!   on with the step marked): the commands are listed;
//! - **fails**: the build stopped with an error (an unknown base image, a missing tool, …): the message.
//!
//! For a case that builds, what the Dockerfile alone says is checked: every COPY/ADD from the context has
//! its files, with their bytes, in its step's layer; the final config has the Entrypoint, Cmd, WorkingDir,
//! User, Env keys and ExposedPorts the Dockerfile sets. A wrong one fails the test whatever the outcome.
//!
//! The outcome of every case is recorded in `tests/realworld/STATUS.md`; the test fails when an outcome
//! differs from it, so a change that makes a case build (or breaks one) updates that file in the same
//! commit. `REALWORLD_WRITE=1` rewrites it from this run (then review the diff). The table is printed with
//! `-- --nocapture`.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;
use strata_build::dockerignore::DockerIgnore;
use strata_build::engine::BuildRequest;
use strata_build::{build, Cache, ImageSource, Step};
use strata_dockerfile::instructions::{self, Command, ShellOrExec, Stage};
use strata_image::{Attrs, Content, EntryKind, NodeKind, Timestamp, Tree};
use strata_sim::backend::{SimBackend, SimStore};

/// Every context file and directory gets this mtime (as the fidelity cases).
const MTIME: i64 = 1_700_000_000;

/// Files of a case directory that describe the case and are not part of its build context.
const HARNESS_FILES: &[&str] = &["PATTERN.md", "build-args", "target", "secrets"];

/// How a case ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// Built, every step simulated or modelled; how many COPY/ADD layers were checked.
    Modelled(usize),
    /// A step reached commands the simulator cannot run.
    NotSimulated(Vec<String>),
    /// The build stopped with this error.
    Fails(String),
}

impl Outcome {
    fn word(&self) -> &'static str {
        match self {
            Outcome::Modelled(_) => "modelled",
            Outcome::NotSimulated(_) => "not simulated",
            Outcome::Fails(_) => "fails",
        }
    }

    fn detail(&self) -> String {
        match self {
            Outcome::Modelled(n) => format!("checked: the config and {n} COPY/ADD layers"),
            Outcome::NotSimulated(c) => c.join(", "),
            Outcome::Fails(m) => m.clone(),
        }
    }
}

/// One case's input, read from its directory.
struct Case {
    name: String,
    dockerfile: String,
    /// The context as the engine reads it.
    tree: Tree,
    /// The context's regular files (relative path, bytes), for the COPY checks.
    files: Vec<(String, Vec<u8>)>,
    dockerignore: Option<String>,
    build_args: Vec<(String, String)>,
    target: Option<String>,
    secrets: Vec<(String, Vec<u8>)>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/realworld")
}

/// The case directories (`NN-name`), sorted.
fn case_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/realworld")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && p.join("Dockerfile").is_file())
        .collect();
    v.sort();
    v
}

fn lines_of(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// Reads a case: the directory is the context (the Dockerfile in it, as in a real project), minus the
/// harness files. Modes: 0755 for files with an exec bit in the checkout (git keeps it), else 0644.
fn read_case(dir: &Path) -> Case {
    use std::os::unix::fs::PermissionsExt;
    let t0 = Timestamp::from_secs(MTIME);
    let mut tree = Tree::with_root(Attrs::new(0o755, 0, 0, t0));
    let mut files = Vec::new();
    let mut todo = vec![(dir.to_path_buf(), String::new())];
    while let Some((d, rel)) = todo.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&d).expect("read dir").flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name().to_string_lossy().into_owned();
            if rel.is_empty() && HARNESS_FILES.contains(&name.as_str()) {
                continue;
            }
            let r = format!("{rel}/{name}");
            let ft = e.file_type().expect("file type");
            if ft.is_dir() {
                tree.insert(&r, Attrs::new(0o755, 0, 0, t0), NodeKind::Dir)
                    .expect("dir");
                todo.push((e.path(), r));
            } else if ft.is_symlink() {
                let target = std::fs::read_link(e.path()).expect("link");
                tree.insert(
                    &r,
                    Attrs::new(0o777, 0, 0, t0),
                    NodeKind::Symlink(target.to_string_lossy().into_owned()),
                )
                .expect("symlink");
            } else {
                let bytes = std::fs::read(e.path()).expect("read");
                let exec = e.metadata().expect("meta").permissions().mode() & 0o111 != 0;
                let mode = if exec { 0o755 } else { 0o644 };
                tree.insert(
                    &r,
                    Attrs::new(mode, 0, 0, t0),
                    NodeKind::File(Content::from(bytes.clone())),
                )
                .expect("file");
                files.push((r.trim_start_matches('/').to_owned(), bytes));
            }
        }
    }
    files.sort();
    let build_args = lines_of(&dir.join("build-args"))
        .into_iter()
        .map(|l| match l.split_once('=') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (l, String::new()),
        })
        .collect();
    let target = lines_of(&dir.join("target")).into_iter().next();
    // `secrets/ID` is the secret `--secret id=ID,src=secrets/ID` would give.
    let mut secrets = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir.join("secrets")) {
        for e in rd.flatten() {
            let id = e.file_name().to_string_lossy().into_owned();
            secrets.push((id, std::fs::read(e.path()).expect("secret")));
        }
    }
    secrets.sort();
    let dockerignore = std::fs::read_to_string(dir.join(".dockerignore")).ok();
    Case {
        name: dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned(),
        dockerfile: std::fs::read_to_string(dir.join("Dockerfile")).expect("Dockerfile"),
        tree,
        files,
        dockerignore,
        build_args,
        target,
        secrets,
    }
}

/// `not simulated: CMD: detail` notes and `… did not complete: not simulated: PATH exists …` errors → the
/// commands.
fn not_simulated_in(steps: &[Step], error: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in steps {
        for n in &s.notes {
            // A base strata does not know: what its image holds is not simulated.
            if let Some(rest) = n.strip_prefix("unknown image: strata does not know ") {
                let image = rest.split(", so").next().unwrap_or(rest);
                let item = format!("FROM {image} (unknown image)");
                if !out.contains(&item) {
                    out.push(item);
                }
            }
            if let Some(rest) = n.strip_prefix("not simulated: ") {
                let cmd = rest.split(": ").next().unwrap_or(rest).trim().to_owned();
                if !out.contains(&cmd) {
                    out.push(cmd);
                }
            }
        }
    }
    if let Some(e) = error {
        if let Some((_, rest)) = e.split_once("not simulated: ") {
            let cmd = rest
                .split(" exists in the image")
                .next()
                .unwrap_or(rest)
                .to_owned();
            if !out.contains(&cmd) {
                out.push(cmd);
            }
        }
    }
    out
}

/// Builds a case; returns its outcome and the problems the checks found.
fn run_case(case: &Case, store: &SimStore) -> (Outcome, Vec<String>) {
    let req = BuildRequest {
        dockerignore: case.dockerignore.as_deref(),
        build_args: case.build_args.clone(),
        target: case.target.clone(),
        no_cache: true,
        secrets: case.secrets.clone(),
        ..BuildRequest::new(
            &case.dockerfile,
            &case.tree,
            Timestamp::from_secs(1_800_000_000),
        )
    };
    let mut backend = SimBackend::default();
    match build(&req, &mut backend, store, &mut Cache::new()) {
        Err(f) => {
            let msg = f.error.message.clone();
            // The failing step is the last one: it stopped at a command the simulator cannot run.
            let last = f.steps.last().map(std::slice::from_ref).unwrap_or(&[]);
            let ns = not_simulated_in(last, Some(&msg));
            if ns.is_empty() {
                // A RUN that failed: its last line of error output says why.
                let why = f
                    .steps
                    .last()
                    .map(|s| String::from_utf8_lossy(&s.stderr).into_owned())
                    .and_then(|e| {
                        e.lines()
                            .rev()
                            .find(|l| !l.trim().is_empty())
                            .map(str::to_owned)
                    });
                let msg = match why {
                    Some(w) if msg.starts_with("process ") => format!("{msg} ({})", w.trim()),
                    _ => msg,
                };
                (Outcome::Fails(msg), Vec::new())
            } else {
                (Outcome::NotSimulated(ns), Vec::new())
            }
        }
        Ok(out) => {
            let ns = not_simulated_in(&out.steps, None);
            let (copies, problems) = check_built(case, &out, store);
            if ns.is_empty() {
                (Outcome::Modelled(copies), problems)
            } else {
                (Outcome::NotSimulated(ns), problems)
            }
        }
    }
}

/// The stages the target stage builds on, base first, ending with the target.
fn stage_chain<'a>(stages: &'a [Stage], target: Option<&str>) -> Vec<&'a Stage> {
    let Some(mut s) = (match target {
        Some(t) => stages
            .iter()
            .find(|s| s.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(t))),
        None => stages.last(),
    }) else {
        return Vec::new();
    };
    let mut chain = vec![s];
    while let Some(i) = s.base_stage {
        s = &stages[i];
        chain.push(s);
    }
    chain.reverse();
    chain
}

fn word(w: &strata_dockerfile::ast::Word) -> String {
    w.text.to_string()
}

fn join_path(base: &str, p: &str) -> String {
    let joined = if p.starts_with('/') {
        p.to_owned()
    } else {
        format!("{}/{p}", base.trim_end_matches('/'))
    };
    let mut parts: Vec<&str> = Vec::new();
    for c in joined.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    format!("/{}", parts.join("/"))
}

/// What the Dockerfile itself says about the final config (`None` where it does not say, or says it with a
/// variable this check does not expand).
#[derive(Default)]
struct Expected {
    entrypoint: Option<Value>,
    cmd: Option<Value>,
    workdir: Option<String>,
    user: Option<String>,
    env_keys: Vec<String>,
    ports: Vec<String>,
}

fn argv_value(cmd: &ShellOrExec, shell: &[String]) -> Option<Value> {
    match cmd {
        ShellOrExec::Exec(ws) => Some(Value::from(
            ws.iter().map(|w| Value::from(word(w))).collect::<Vec<_>>(),
        )),
        ShellOrExec::Shell(w) => {
            let mut v: Vec<Value> = shell.iter().cloned().map(Value::from).collect();
            v.push(Value::from(word(w)));
            Some(Value::from(v))
        }
    }
}

/// The working directory a stage starts in: its parent stage's, or its base image's.
fn base_workdir(stage: &Stage, store: &SimStore) -> Option<String> {
    if stage.base_stage.is_some() {
        return None;
    }
    if stage.base == "scratch" {
        return Some("/".into());
    }
    let img = store.image(&stage.base)?;
    let wd = img
        .config
        .config
        .as_ref()
        .and_then(|c| c.working_dir.clone())
        .unwrap_or_default();
    Some(if wd.is_empty() { "/".into() } else { wd })
}

/// Checks a built case against what its Dockerfile says: how many COPY/ADD steps could be checked, and the
/// problems found.
fn check_built(
    case: &Case,
    out: &strata_build::BuildOutput,
    store: &SimStore,
) -> (usize, Vec<String>) {
    let mut problems = Vec::new();
    let parsed = strata_dockerfile::parse(&case.dockerfile);
    let lowered = instructions::lower(&parsed.ast);
    let chain = stage_chain(&lowered.stages, case.target.as_deref());
    let Some(last) = chain.last() else {
        return (0, vec!["no target stage".into()]);
    };
    let ignore = case
        .dockerignore
        .as_deref()
        .map(|t| DockerIgnore::parse(t).expect("dockerignore parses"));
    let mut exp = Expected::default();
    let mut shell = vec!["/bin/sh".to_owned(), "-c".to_owned()];
    let mut workdir: Option<String> = None;
    let mut checked_copies = 0;
    for (i, stage) in chain.iter().enumerate() {
        let is_last = i + 1 == chain.len();
        if i == 0 {
            workdir = base_workdir(stage, store);
        }
        let mut cmd_set_here = false;
        for c in &stage.commands {
            match c {
                Command::Workdir(w) => {
                    let p = word(&w.path);
                    workdir = match (&workdir, p.contains('$')) {
                        (_, true) => None,
                        (_, false) if p.starts_with('/') => Some(join_path("/", &p)),
                        (Some(base), false) => Some(join_path(base, &p)),
                        (None, false) => None,
                    };
                    exp.workdir = workdir.clone();
                }
                Command::User(u) => {
                    let t = word(&u.user);
                    exp.user = (!t.contains('$')).then_some(t);
                }
                Command::Shell(s) => shell = s.shell.iter().map(word).collect(),
                Command::Cmd(c) => {
                    exp.cmd = argv_value(&c.cmd, &shell);
                    cmd_set_here = true;
                }
                Command::Entrypoint(e) => {
                    exp.entrypoint = argv_value(&e.cmd, &shell);
                    if !cmd_set_here {
                        exp.cmd = Some(Value::Null);
                    }
                }
                Command::Env(e) => {
                    for kv in &e.pairs {
                        exp.env_keys.push(word(&kv.key));
                    }
                }
                Command::Expose(e) => {
                    for p in &e.ports {
                        let p = word(p);
                        if !p.contains('$') && !p.contains('-') {
                            exp.ports.push(if p.contains('/') {
                                p.to_lowercase()
                            } else {
                                format!("{p}/tcp")
                            });
                        }
                    }
                }
                Command::Copy(cp) if is_last && cp.from.is_none() => {
                    let step = out
                        .steps
                        .iter()
                        .find(|s| s.span == cp.span && s.stage == last.display_name());
                    let checked = check_copy(
                        case,
                        ignore.as_ref(),
                        &cp.files.sources.iter().map(word).collect::<Vec<_>>(),
                        &word(&cp.files.dest),
                        workdir.as_deref(),
                        step,
                        out,
                        &mut problems,
                    );
                    checked_copies += usize::from(checked);
                }
                Command::Add(ad) if is_last => {
                    let step = out
                        .steps
                        .iter()
                        .find(|s| s.span == ad.span && s.stage == last.display_name());
                    let sources: Vec<String> = ad.files.sources.iter().map(word).collect();
                    // Remote sources and archives (ADD unpacks them) are not plain copies.
                    if sources.iter().all(|s| {
                        !s.contains("://") && !s.ends_with(".tar.gz") && !s.ends_with(".tgz")
                    }) {
                        let checked = check_copy(
                            case,
                            ignore.as_ref(),
                            &sources,
                            &word(&ad.files.dest),
                            workdir.as_deref(),
                            step,
                            out,
                            &mut problems,
                        );
                        checked_copies += usize::from(checked);
                    }
                }
                _ => {}
            }
        }
    }
    let config: Value = serde_json::from_slice(&out.image.config_json()).expect("config json");
    let cfg = &config["config"];
    let null = Value::Null;
    let field = |k: &str| cfg.get(k).unwrap_or(&null);
    if let Some(e) = &exp.entrypoint {
        if field("Entrypoint") != e {
            problems.push(format!(
                "Entrypoint: Dockerfile {e}, image {}",
                field("Entrypoint")
            ));
        }
    }
    if let Some(c) = &exp.cmd {
        if field("Cmd") != c {
            problems.push(format!("Cmd: Dockerfile {c}, image {}", field("Cmd")));
        }
    }
    if let Some(w) = &exp.workdir {
        if field("WorkingDir").as_str().unwrap_or("") != w {
            problems.push(format!(
                "WorkingDir: Dockerfile {w:?}, image {}",
                field("WorkingDir")
            ));
        }
    }
    if let Some(u) = &exp.user {
        if field("User").as_str().unwrap_or("") != u {
            problems.push(format!("User: Dockerfile {u:?}, image {}", field("User")));
        }
    }
    let env: Vec<&str> = field("Env")
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for k in &exp.env_keys {
        if !env.iter().any(|e| e.split('=').next() == Some(k.as_str())) {
            problems.push(format!(
                "Env: {k} is set by the Dockerfile, not in the image"
            ));
        }
    }
    for p in &exp.ports {
        if field("ExposedPorts").get(p).is_none() {
            problems.push(format!(
                "ExposedPorts: {p} is exposed by the Dockerfile, not in the image"
            ));
        }
    }
    (checked_copies, problems)
}

/// Checks that the layer of a COPY/ADD step holds each file the sources name, with its bytes; returns
/// whether the copy could be checked (sources and destination without variables, working dir known).
#[allow(clippy::too_many_arguments)]
fn check_copy(
    case: &Case,
    ignore: Option<&DockerIgnore>,
    sources: &[String],
    dest: &str,
    workdir: Option<&str>,
    step: Option<&Step>,
    out: &strata_build::BuildOutput,
    problems: &mut Vec<String>,
) -> bool {
    if sources.iter().any(|s| s.contains('$')) || dest.contains('$') {
        return false;
    }
    let dest_abs = if dest.starts_with('/') {
        dest.to_owned()
    } else {
        match workdir {
            Some(w) => join_path(w, dest),
            None => return false,
        }
    };
    let dest_is_dir = dest.ends_with('/') || dest == "." || sources.len() > 1;
    let Some(layer) = step.and_then(|s| s.layer) else {
        problems.push(format!(
            "COPY {} {dest}: no layer for the step",
            sources.join(" ")
        ));
        return true;
    };
    let cs = &out.image.layers[layer].changeset;
    let in_layer: BTreeMap<&str, &EntryKind> = cs
        .entries
        .iter()
        .map(|e| (e.path.as_str(), &e.kind))
        .collect();
    let kept = |rel: &str| ignore.is_none_or(|i| !i.is_excluded(rel));
    let mut want: Vec<(String, &[u8])> = Vec::new();
    for src in sources {
        let src = join_path("/", src);
        let src = src.trim_start_matches('/');
        let glob = strata_build::filepath_match::has_meta(src);
        for (rel, bytes) in &case.files {
            if !kept(rel) {
                continue;
            }
            if src.is_empty() {
                want.push((join_path(&dest_abs, rel), bytes));
            } else if glob {
                let top = rel
                    .split('/')
                    .take(src.split('/').count())
                    .collect::<Vec<_>>();
                let top = top.join("/");
                if strata_build::filepath_match::match_path(src, &top).unwrap_or(false) {
                    let name = top.rsplit('/').next().unwrap_or(&top);
                    let under = rel[top.len()..].trim_start_matches('/');
                    let to = if top != *rel {
                        join_path(&join_path(&dest_abs, name), under)
                    } else if dest_is_dir {
                        join_path(&dest_abs, name)
                    } else {
                        dest_abs.clone()
                    };
                    want.push((to, bytes));
                }
            } else if rel == src {
                let name = rel.rsplit('/').next().unwrap_or(rel);
                let to = if dest_is_dir {
                    join_path(&dest_abs, name)
                } else {
                    dest_abs.clone()
                };
                want.push((to, bytes));
            } else if let Some(under) = rel.strip_prefix(&format!("{src}/")) {
                want.push((join_path(&dest_abs, under), bytes));
            }
        }
    }
    for (path, bytes) in want {
        match in_layer.get(path.as_str()) {
            Some(EntryKind::File(c)) if c.bytes().as_ref() == bytes => {}
            Some(EntryKind::File(_)) => {
                problems.push(format!("{path}: other bytes in the COPY layer"))
            }
            Some(k) => problems.push(format!("{path}: {k:?} in the COPY layer, not a file")),
            None => problems.push(format!(
                "{path}: missing from the layer of COPY {} {dest}",
                sources.join(" ")
            )),
        }
    }
    true
}

/// The images a case names (every stage's base that is not an earlier stage or `scratch`, and every
/// `COPY --from=IMAGE`), with meta ARGs and build args put in.
fn images_named(case: &Case) -> Vec<String> {
    let parsed = strata_dockerfile::parse(&case.dockerfile);
    let lowered = instructions::lower(&parsed.ast);
    let mut args: BTreeMap<String, String> = BTreeMap::new();
    for a in &lowered.meta_args {
        args.insert(
            a.key.clone(),
            a.value
                .clone()
                .unwrap_or_default()
                .trim_matches('"')
                .to_owned(),
        );
    }
    for (k, v) in &case.build_args {
        if args.contains_key(k) {
            args.insert(k.clone(), v.clone());
        }
    }
    let expand = |r: &str| {
        let mut out = r.to_owned();
        for (k, v) in &args {
            out = out
                .replace(&format!("${{{k}}}"), v)
                .replace(&format!("${k}"), v);
        }
        out
    };
    let names: Vec<String> = lowered
        .stages
        .iter()
        .filter_map(|s| s.name.as_ref().map(|n| n.to_lowercase()))
        .collect();
    let mut out = Vec::new();
    for s in &lowered.stages {
        if s.base_stage.is_none() && s.base != "scratch" {
            out.push(expand(&s.base));
        }
        for c in &s.commands {
            if let Command::Copy(cp) = c {
                if let (Some(from), None) = (&cp.from, cp.from_stage) {
                    let f = word(from);
                    if !names.contains(&f.to_lowercase()) && f.parse::<usize>().is_err() {
                        out.push(expand(&f));
                    }
                }
            }
        }
    }
    out
}

/// Every image the corpus names and what the simulator's store gives for it: the model's reference, the
/// model standing in for another tag, or nothing.
fn base_census(cases: &[Case], store: &SimStore) -> String {
    let mut uses: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in cases {
        for r in images_named(c) {
            let v = uses.entry(r).or_default();
            if !v.contains(&c.name) {
                v.push(c.name.clone());
            }
        }
    }
    let mut s = String::new();
    let (mut known, mut substituted, mut missing) = (0, 0, 0);
    for (r, by) in &uses {
        let verdict = match store.image(r) {
            Some(img) if img.substitute.is_some() => {
                substituted += 1;
                format!("substituted ({})", img.reference)
            }
            Some(img) => {
                known += 1;
                format!("modelled ({})", img.reference)
            }
            None => {
                missing += 1;
                "missing".to_owned()
            }
        };
        let cases: Vec<&str> = by
            .iter()
            .map(|n| n.split('-').next().unwrap_or(n))
            .collect();
        let _ = writeln!(s, "- `{r}`: {verdict}; cases {}", cases.join(" "));
    }
    format!(
        "Images the corpus names: {} distinct, {known} modelled, {substituted} given another tag's model, {missing} missing.\n\n{s}",
        uses.len()
    )
}

/// Reads STATUS.md's table: case → outcome word.
fn read_status(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            // `| case | outcome | detail |` → ["", case, outcome, detail, ""]
            if cells.len() < 4 || !cells[1].chars().next().is_some_and(|c| c.is_ascii_digit()) {
                return None;
            }
            Some((cells[1].to_owned(), cells[2].to_owned()))
        })
        .collect()
}

fn status_text(results: &[(String, Outcome)], census: &str) -> String {
    let count = |w: &str| results.iter().filter(|(_, o)| o.word() == w).count();
    let mut s = String::new();
    let _ = writeln!(s, "# The real-world corpus: outcome per case\n");
    let _ = writeln!(
        s,
        "Written by `REALWORLD_WRITE=1 cargo test -p strata-sim --test realworld`; the test compares every"
    );
    let _ = writeln!(
        s,
        "case's outcome with this table (the detail column is informational). Before issue 13's image"
    );
    let _ = writeln!(
        s,
        "catalogue and build-tool models, it read 11 modelled, 3 not simulated, 47 fail.\n"
    );
    let _ = writeln!(
        s,
        "Totals: {} cases, {} modelled, {} not simulated, {} fail.\n",
        results.len(),
        count("modelled"),
        count("not simulated"),
        count("fails")
    );
    let _ = writeln!(s, "| case | outcome | detail |");
    let _ = writeln!(s, "|---|---|---|");
    for (name, o) in results {
        let _ = writeln!(
            s,
            "| {name} | {} | {} |",
            o.word(),
            o.detail().replace('|', "\\|").replace('\n', " ")
        );
    }
    let _ = writeln!(s, "\n## The images the cases name\n\n{census}");
    s
}

#[test]
fn realworld_corpus_builds_as_recorded() {
    let dir = corpus_dir();
    let cases = case_dirs(&dir);
    let store = SimStore::new();
    let mut results: Vec<(String, Outcome)> = Vec::new();
    // Wall time of each cold build in this test's build profile (informational, never compared).
    let mut millis: Vec<u128> = Vec::new();
    let mut problems = String::new();
    let mut read = Vec::new();
    for d in &cases {
        let case = read_case(d);
        assert!(
            d.join("PATTERN.md").is_file(),
            "{}: no PATTERN.md saying which pattern it stands for",
            case.name
        );
        let started = std::time::Instant::now();
        let (outcome, found) = run_case(&case, &store);
        millis.push(started.elapsed().as_millis());
        for p in found {
            let _ = writeln!(problems, "{}: {p}", case.name);
        }
        results.push((case.name.clone(), outcome));
        read.push(case);
    }
    let census = base_census(&read, &store);
    assert_eq!(results.len(), cases.len(), "every case classified");
    // The table.
    let w = results.iter().map(|(n, _)| n.len()).max().unwrap_or(4);
    println!("{:w$}  {:13}  {:>6}  detail", "case", "outcome", "ms");
    for ((name, o), ms) in results.iter().zip(&millis) {
        println!("{name:w$}  {:13}  {ms:>6}  {}", o.word(), o.detail());
    }
    let count = |w: &str| results.iter().filter(|(_, o)| o.word() == w).count();
    println!(
        "\nrealworld: {} cases: {} modelled, {} not simulated, {} fail",
        results.len(),
        count("modelled"),
        count("not simulated"),
        count("fails")
    );
    assert!(
        cases.len() >= 50,
        "the corpus must have at least 50 cases, found {}",
        cases.len()
    );
    println!("\n{census}");
    let status_path = dir.join("STATUS.md");
    let text = status_text(&results, &census);
    if std::env::var_os("REALWORLD_WRITE").is_some() {
        std::fs::write(&status_path, &text).expect("write STATUS.md");
    }
    let recorded = read_status(&std::fs::read_to_string(&status_path).unwrap_or_default());
    let mut diff = String::new();
    for (name, o) in &results {
        match recorded.get(name) {
            Some(r) if r == o.word() => {}
            Some(r) => {
                let _ = writeln!(
                    diff,
                    "{name}: STATUS.md says {r}, now {} ({})",
                    o.word(),
                    o.detail()
                );
            }
            None => {
                let _ = writeln!(diff, "{name}: not in STATUS.md (now {})", o.word());
            }
        }
    }
    for name in recorded.keys() {
        if !results.iter().any(|(n, _)| n == name) {
            let _ = writeln!(diff, "{name}: in STATUS.md but not in the corpus");
        }
    }
    assert!(
        problems.is_empty(),
        "what the Dockerfiles say is not what the images hold:\n{problems}"
    );
    assert!(
        diff.is_empty(),
        "outcomes differ from tests/realworld/STATUS.md (rerun with REALWORLD_WRITE=1 and review):\n{diff}"
    );
}

/// A case made in the test, not read from the corpus.
fn inline_case(dockerfile: &str, files: &[(&str, &str)]) -> Case {
    let t0 = Timestamp::from_secs(MTIME);
    let mut tree = Tree::with_root(Attrs::new(0o755, 0, 0, t0));
    for (path, text) in files {
        let mut dir = String::new();
        for part in path
            .split('/')
            .collect::<Vec<_>>()
            .split_last()
            .expect("path")
            .1
        {
            dir = format!("{dir}/{part}");
            if tree.read(&dir).is_err() {
                let _ = tree.insert(&dir, Attrs::new(0o755, 0, 0, t0), NodeKind::Dir);
            }
        }
        tree.insert(
            &format!("/{path}"),
            Attrs::new(0o644, 0, 0, t0),
            NodeKind::File(Content::from(text.as_bytes().to_vec())),
        )
        .expect("file");
    }
    Case {
        name: "inline".into(),
        dockerfile: dockerfile.into(),
        tree,
        files: files
            .iter()
            .map(|(p, t)| ((*p).to_owned(), t.as_bytes().to_vec()))
            .collect(),
        dockerignore: None,
        build_args: Vec::new(),
        target: None,
        secrets: Vec::new(),
    }
}

/// The checks are not vacuous: a correct build passes them, and an image that is not what the Dockerfile
/// says (other bytes in a COPY layer, another User or Cmd) fails them.
#[test]
fn the_checks_catch_an_image_unlike_its_dockerfile() {
    let df = "FROM busybox\nWORKDIR /app\nCOPY a.txt ./\nCOPY conf/ /etc/svc/\nENV MODE=prod\nUSER 1000\nEXPOSE 9000 53/udp\nENTRYPOINT [\"cat\"]\nCMD [\"a.txt\"]\n";
    let files = [("a.txt", "hello\n"), ("conf/svc.conf", "port=9000\n")];
    let store = SimStore::new();
    let case = inline_case(df, &files);
    let (outcome, problems) = run_case(&case, &store);
    assert_eq!(outcome, Outcome::Modelled(2));
    assert!(problems.is_empty(), "{problems:?}");
    let out = build(
        &BuildRequest {
            no_cache: true,
            ..BuildRequest::new(df, &case.tree, Timestamp::from_secs(1_800_000_000))
        },
        &mut SimBackend::default(),
        &store,
        &mut Cache::new(),
    )
    .expect("builds");
    // The context the checker compares with says other bytes than were copied.
    let mut other = inline_case(df, &files);
    other.files[1].1 = b"port=1\n".to_vec();
    let (_, p) = check_built(&other, &out, &store);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("/etc/svc/svc.conf: other bytes"), "{p:?}");
    // The Dockerfile the checker reads says another user, command, port and env.
    let wrong = df
        .replace("USER 1000", "USER 2000")
        .replace("CMD [\"a.txt\"]", "CMD [\"b.txt\"]")
        .replace("EXPOSE 9000", "EXPOSE 9001")
        .replace("ENV MODE", "ENV LEVEL");
    let (_, p) = check_built(&inline_case(&wrong, &files), &out, &store);
    let text = p.join("\n");
    for want in ["User:", "Cmd:", "9001/tcp", "Env: LEVEL"] {
        assert!(text.contains(want), "{want} not caught: {text}");
    }
}
