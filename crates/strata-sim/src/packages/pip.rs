//! `pip`/`pip3`: the python model's `/usr/local/lib/python3.12/site-packages`, or a distribution's python
//! (which refuses system-wide installs, PEP 668, unless `--break-system-packages`).

use std::fmt::Write as _;

use strata_image::Content;

use super::catalogue::{self, Pkg};
use super::{abs, env, err, install_files, note, out, put_file, put_text, read_text, remove, Res};
use crate::base::fnv;
use crate::exec::Proc;

struct Site {
    /// site-packages (or dist-packages).
    dir: String,
    /// Where console scripts go.
    bin: String,
    /// `3.12`.
    pyver: String,
    user: bool,
}

/// The python version directories under `lib` (`python3.12`), newest first.
fn python_dirs(p: &Proc<'_>, lib: &str) -> Vec<String> {
    let mut v: Vec<String> =
        p.fs.read_dir(lib)
            .unwrap_or_default()
            .into_iter()
            .filter(|n| n.starts_with("python3.") || n.starts_with("python2."))
            .collect();
    strata_image::sort::sort(&mut v);
    v.reverse();
    v
}

enum Found {
    Site(Site),
    Managed(String),
    NoPython,
}

fn find_site(p: &Proc<'_>, break_system: bool) -> Found {
    // Inside a virtual environment (`VIRTUAL_ENV`, set by the shell for a venv's own pip and python).
    if let Some(venv) =
        env(p, "VIRTUAL_ENV").filter(|v| p.fs.lstat(&format!("{v}/pyvenv.cfg")).is_ok())
    {
        if let Some(d) = python_dirs(p, &format!("{venv}/lib")).into_iter().next() {
            return Found::Site(Site {
                dir: format!("{venv}/lib/{d}/site-packages"),
                bin: format!("{venv}/bin"),
                pyver: d.trim_start_matches("python").to_string(),
                user: false,
            });
        }
    }
    for d in python_dirs(p, "/usr/local/lib") {
        let dir = format!("/usr/local/lib/{d}/site-packages");
        if p.fs.stat(&dir).is_ok_and(|s| s.is_dir()) {
            return Found::Site(Site {
                dir,
                bin: "/usr/local/bin".to_string(),
                pyver: d.trim_start_matches("python").to_string(),
                user: false,
            });
        }
    }
    if let Some(d) = python_dirs(p, "/usr/lib").into_iter().next() {
        let marker = format!("/usr/lib/{d}/EXTERNALLY-MANAGED");
        let pyver = d.trim_start_matches("python").to_string();
        if p.fs.lstat(&marker).is_ok() && !break_system {
            return Found::Managed(pyver);
        }
        let debian = p.fs.lstat("/usr/lib/python3/dist-packages").is_ok();
        return Found::Site(if debian {
            Site {
                dir: format!("/usr/local/lib/{d}/dist-packages"),
                bin: "/usr/local/bin".to_string(),
                pyver,
                user: false,
            }
        } else {
            Site {
                dir: format!("/usr/lib/{d}/site-packages"),
                bin: "/usr/bin".to_string(),
                pyver,
                user: false,
            }
        });
    }
    Found::NoPython
}

fn norm(s: &str) -> String {
    s.to_ascii_lowercase().replace(['_', '.'], "-")
}

/// The name and pinned version of a requirement (`flask==2.0.1`, `requests>=2`, `Django[argon2]`).
fn requirement(spec: &str) -> (String, Option<String>) {
    let end = spec
        .find(|c: char| "<>=!~;[@ ".contains(c))
        .unwrap_or(spec.len());
    let name = spec[..end].trim().to_string();
    let pinned = spec.split_once("==").map(|(_, v)| {
        v.split([',', ';', ' '])
            .next()
            .unwrap_or(v)
            .trim()
            .to_string()
    });
    (name, pinned)
}

/// The installed version of `name` in `site`, from its `*.dist-info` directory.
fn installed_version(p: &Proc<'_>, site: &str, name: &str) -> Option<String> {
    let n = norm(name);
    p.fs.read_dir(site).ok()?.into_iter().find_map(|e| {
        let stem = e.strip_suffix(".dist-info")?;
        let (dn, v) = stem.rsplit_once('-')?;
        (norm(dn) == n).then(|| v.to_string())
    })
}

fn read_requirements(
    p: &mut Proc<'_>,
    path: &str,
    depth: u32,
    out_specs: &mut Vec<String>,
) -> Result<(), String> {
    let full = abs(p, path);
    let Some(text) = read_text(p, &full) else {
        return Err(format!(
            "ERROR: Could not open requirements file: [Errno 2] No such file or directory: '{path}'\n"
        ));
    };
    for line in text.lines() {
        let line = line.split(" #").next().unwrap_or(line).trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line
            .strip_prefix("-r ")
            .or_else(|| line.strip_prefix("--requirement "))
        {
            if depth < 8 {
                let dir = full.rsplit_once('/').map_or("/", |(d, _)| d);
                let nested = if rest.trim().starts_with('/') {
                    rest.trim().to_string()
                } else {
                    format!("{dir}/{}", rest.trim())
                };
                read_requirements(p, &nested, depth + 1, out_specs)?;
            }
            continue;
        }
        if line.starts_with('-') {
            continue;
        }
        out_specs.push(line.to_string());
    }
    Ok(())
}

/// The name and version a local project declares (`name = "app"` in pyproject.toml or `name="app"` in
/// setup.py), else the directory's name and 0.0.0.
fn local_project(p: &Proc<'_>, dir: &str) -> (String, Option<String>) {
    let dir = dir.trim_end_matches("/.").trim_end_matches('/');
    let mut name = None;
    let mut version = None;
    for f in ["pyproject.toml", "setup.cfg", "setup.py"] {
        let text = read_text(p, &format!("{dir}/{f}")).unwrap_or_default();
        for l in text.lines() {
            let l = l.trim();
            let value = |key: &str| {
                let rest = l.strip_prefix(key)?.trim_start();
                let rest = rest.strip_prefix('=')?.trim();
                let v = rest
                    .trim_end_matches(',')
                    .trim_matches(|c| c == '"' || c == '\'');
                (!v.is_empty()).then(|| v.to_string())
            };
            if name.is_none() {
                name = value("name");
            }
            if version.is_none() {
                version = value("version");
            }
        }
    }
    let base = dir
        .rsplit('/')
        .next()
        .filter(|b| !b.is_empty())
        .unwrap_or("project");
    (
        name.unwrap_or_else(|| base.to_string()),
        Some(version.unwrap_or_else(|| "0.0.0".to_string())),
    )
}

fn wheel_name(pk: &Pkg, version: &str) -> String {
    let n = pk.display.replace('-', "_").to_ascii_lowercase();
    if pk.arch.starts_with("cp") {
        format!("{n}-{version}-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
    } else {
        format!("{n}-{version}-py3-none-any.whl")
    }
}

fn kb(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else {
        format!("{:.0} kB", (bytes as f64 / 1e3).max(1.0))
    }
}

pub(super) fn run(argv: &[String], p: &mut Proc<'_>) -> Res<i32> {
    let mut op = None;
    let mut specs: Vec<String> = Vec::new();
    let mut reqs: Vec<String> = Vec::new();
    let mut no_cache =
        env(p, "PIP_NO_CACHE_DIR").is_some_and(|v| !v.is_empty() && v != "0" && v != "false");
    let mut quiet = false;
    let mut user = false;
    let mut break_system =
        env(p, "PIP_BREAK_SYSTEM_PACKAGES").is_some_and(|v| v == "1" || v == "true");
    let mut no_deps = false;
    let mut root_warning = env(p, "PIP_ROOT_USER_ACTION") != Some("ignore");
    let mut yes = false;
    let mut upgrade = false;
    let mut prefix: Option<String> = None;
    let mut target: Option<String> = None;
    let mut it = argv.iter().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--no-cache-dir" => no_cache = true,
            "-q" | "--quiet" | "-qq" => quiet = true,
            "--user" => user = true,
            "--break-system-packages" => break_system = true,
            "--no-deps" => no_deps = true,
            "-y" | "--yes" => yes = true,
            "-U" | "--upgrade" => upgrade = true,
            "--root-user-action=ignore" => root_warning = false,
            "-r" | "--requirement" => {
                if let Some(f) = it.next() {
                    reqs.push(f.clone());
                }
            }
            "--prefix" => prefix = it.next().cloned(),
            "--target" | "-t" => target = it.next().cloned(),
            s if s.starts_with("--prefix=") => prefix = Some(s["--prefix=".len()..].to_string()),
            s if s.starts_with("--target=") => target = Some(s["--target=".len()..].to_string()),
            "-i" | "--index-url" | "--extra-index-url" | "--trusted-host" | "-f"
            | "--find-links" | "-c" | "--constraint" | "--root-user-action" => {
                it.next();
            }
            "--version" | "-V" => {
                out(
                    p,
                    "pip 24.2 from /usr/local/lib/python3.12/site-packages/pip (python 3.12)\n",
                );
                return Ok(0);
            }
            s if s.starts_with("--requirement=") => {
                reqs.push(s["--requirement=".len()..].to_string())
            }
            s if s.starts_with("-r") && s.len() > 2 => reqs.push(s[2..].to_string()),
            s if s.starts_with('-') => {}
            s if op.is_none() => op = Some(s.to_string()),
            s => specs.push(s.to_string()),
        }
    }
    let _ = yes;
    let Some(op) = op else {
        out(p, "\nUsage:   \n  pip <command> [options]\n\nCommands:\n  install                     Install packages.\n  uninstall                   Uninstall packages.\n  freeze                      Output installed packages in requirements format.\n  list                        List installed packages.\n");
        return Ok(0);
    };
    let mut site = match find_site(p, break_system) {
        Found::Site(s) => s,
        Found::Managed(v) => {
            err(p, "error: externally-managed-environment\n\n\u{d7} This environment is externally managed\n\u{2570}\u{2500}> To install Python packages system-wide, try apt install\n    python3-xyz, where xyz is the package you are trying to\n    install.\n\n    If you wish to install a non-Debian-packaged Python package,\n    create a virtual environment using python3 -m venv path/to/venv.\n    Then use path/to/venv/bin/python3 and path/to/venv/bin/pip. Make\n    sure you have python3-full installed.\n\nnote: If you believe this is a mistake, please contact your Python installation or OS distribution provider. You can override this, at the risk of breaking your Python installation or OS, by passing --break-system-packages.\nhint: See PEP 668 for the detailed specification.\n");
            note(p, argv, format!("python {v} belongs to the distribution (EXTERNALLY-MANAGED): pip refuses system-wide installs"));
            return Ok(1);
        }
        Found::NoPython => {
            err(p, "pip: no python installation found in this image\n");
            return Ok(1);
        }
    };
    let home = env(p, "HOME")
        .unwrap_or(if p.identity.uid == 0 { "/root" } else { "/" })
        .to_string();
    match op.as_str() {
        "install" => {}
        "list" | "freeze" => {
            let mut names: Vec<(String, String)> =
                p.fs.read_dir(&site.dir)
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|e| {
                        let stem = e.strip_suffix(".dist-info")?;
                        let (n, v) = stem.rsplit_once('-')?;
                        Some((n.to_string(), v.to_string()))
                    })
                    .collect();
            strata_image::sort::sort_by_key(&mut names, |(n, _)| n.to_ascii_lowercase());
            let mut s = String::new();
            if op == "list" {
                s.push_str("Package    Version\n---------- -------\n");
            }
            for (n, v) in names {
                if op == "list" {
                    let _ = writeln!(s, "{n:<10} {v}");
                } else {
                    let _ = writeln!(s, "{n}=={v}");
                }
            }
            out(p, &s);
            return Ok(0);
        }
        "uninstall" => {
            let mut done = Vec::new();
            for spec in &specs {
                let (name, _) = requirement(spec);
                let Some(v) = installed_version(p, &site.dir, &name) else {
                    err(
                        p,
                        &format!("WARNING: Skipping {name} as it is not installed.\n"),
                    );
                    continue;
                };
                let dist =
                    p.fs.read_dir(&site.dir)
                        .unwrap_or_default()
                        .into_iter()
                        .find(|e| {
                            e.ends_with(".dist-info")
                                && norm(e.rsplit_once('-').map_or("", |x| x.0)) == norm(&name)
                        })
                        .unwrap_or_default();
                let record =
                    read_text(p, &format!("{}/{dist}/RECORD", site.dir)).unwrap_or_default();
                out(p, &format!("Found existing installation: {name} {v}\nUninstalling {name}-{v}:\n  Successfully uninstalled {name}-{v}\n"));
                for l in record.lines() {
                    let f = l.split(',').next().unwrap_or("");
                    if !f.is_empty() {
                        let path = if f.starts_with("../../../bin/") {
                            format!("{}/{}", site.bin, f.trim_start_matches("../../../bin/"))
                        } else {
                            format!("{}/{f}", site.dir)
                        };
                        remove(p, &path);
                    }
                }
                remove(p, &format!("{}/{dist}", site.dir));
                done.push(name);
            }
            if !done.is_empty() {
                note(p, argv, format!("uninstalled {}", done.join(", ")));
            }
            return Ok(0);
        }
        other => {
            err(p, &format!("ERROR: unknown command \"{other}\"\n"));
            return Ok(1);
        }
    }
    for r in &reqs {
        if let Err(e) = read_requirements(p, r, 0, &mut specs) {
            err(p, &e);
            return Ok(1);
        }
    }
    if specs.is_empty() {
        err(
            p,
            "ERROR: You must give at least one requirement to install (see \"pip help install\")\n",
        );
        return Ok(1);
    }
    if p.identity.uid != 0 || user {
        if p.identity.uid != 0 && !user {
            out(
                p,
                "Defaulting to user installation because normal site-packages is not writeable\n",
            );
        }
        site = Site {
            dir: format!("{home}/.local/lib/python{}/site-packages", site.pyver),
            bin: format!("{home}/.local/bin"),
            pyver: site.pyver,
            user: true,
        };
    }
    // `--prefix DIR` installs under DIR/lib/pythonX.Y/site-packages and DIR/bin; `--target DIR` into DIR.
    if let Some(pre) = prefix {
        let pre = abs(p, &pre).trim_end_matches('/').to_string();
        site = Site {
            dir: format!("{pre}/lib/python{}/site-packages", site.pyver),
            bin: format!("{pre}/bin"),
            pyver: site.pyver,
            user: false,
        };
    } else if let Some(t) = target {
        let t = abs(p, &t).trim_end_matches('/').to_string();
        site = Site {
            bin: format!("{t}/bin"),
            dir: t,
            pyver: site.pyver,
            user: false,
        };
    }
    let all = catalogue::family("pip");
    let mut text = String::new();
    // (package, version, requested, parent)
    let mut plan: Vec<(Pkg, String, bool)> = Vec::new();
    // Installed distributions an --upgrade (or a different pin) replaces: (normalised name, old version).
    let mut replaced: Vec<(String, String)> = Vec::new();
    let mut queue: Vec<(String, Option<String>)> =
        specs.iter().map(|s| (s.clone(), None)).collect();
    let mut seen: Vec<String> = Vec::new();
    let mut i = 0;
    while i < queue.len() {
        let (spec, parent) = queue[i].clone();
        i += 1;
        // A local project (`pip install .`, `-e .`, `/src/app`): named by its pyproject.toml or setup.py.
        let local = spec.starts_with('.') || spec.starts_with('/') || spec.starts_with("file:");
        let (name, pinned) = if local {
            let dir = abs(p, spec.trim_start_matches("file://"));
            let dir = dir.trim_end_matches("/.").trim_end_matches('/').to_string();
            let dir = if dir.is_empty() { "/".to_string() } else { dir };
            let _ = writeln!(text, "Processing {dir}");
            local_project(p, &dir)
        } else {
            requirement(&spec)
        };
        if !catalogue::valid_name(&name) {
            err(p, &format!("ERROR: Invalid requirement: '{spec}'\n"));
            return Ok(1);
        }
        if seen.contains(&norm(&name)) {
            continue;
        }
        seen.push(norm(&name));
        let from = parent
            .as_ref()
            .map(|p| format!(" (from {p})"))
            .unwrap_or_default();
        if let Some(v) = installed_version(p, &site.dir, &name) {
            let newer = catalogue::find(&all, &name)
                .filter(|pk| upgrade && pinned.is_none() && pk.version != v)
                .is_some();
            if newer {
                replaced.push((norm(&name), v.clone()));
            } else if pinned.as_ref().is_none_or(|pv| *pv == v) {
                let _ = writeln!(
                    text,
                    "Requirement already satisfied: {spec} in {}{from} ({v})",
                    site.dir
                );
                continue;
            }
        }
        let pk = match catalogue::find(&all, &name).filter(|_| !local) {
            Some(pk) => pk.clone(),
            None if local => {
                let mut pk = Pkg::placeholder("pip", &name, "0.0.0");
                pk.display = name.clone();
                pk.repo = "local".to_string();
                pk
            }
            None => {
                let mut pk = Pkg::placeholder("pip", &name, "1.0.0");
                pk.display = name.clone();
                pk
            }
        };
        let version = pinned.clone().unwrap_or_else(|| pk.version.clone());
        let wheel = wheel_name(&pk, &version);
        if local {
            let _ = writeln!(text, "  Installing build dependencies: started\n  Installing build dependencies: finished with status 'done'\n  Getting requirements to build wheel: started\n  Getting requirements to build wheel: finished with status 'done'\n  Preparing metadata (pyproject.toml): started\n  Preparing metadata (pyproject.toml): finished with status 'done'");
        } else {
            let _ = writeln!(text, "Collecting {spec}{from}");
            let _ = writeln!(
                text,
                "  Downloading {wheel}.metadata ({})",
                kb(3_000 + pk.size() % 4_000)
            );
        }
        if !no_deps {
            for d in &pk.deps {
                queue.push((d.clone(), Some(pk.display.clone())));
            }
        }
        plan.push((pk, version, parent.is_none()));
    }
    for (pk, v, _) in plan.iter().filter(|(pk, _, _)| pk.repo != "local") {
        let _ = writeln!(
            text,
            "Downloading {} ({})",
            wheel_name(pk, v),
            kb(pk.download())
        );
    }
    let built: Vec<&str> = plan
        .iter()
        .filter(|(pk, _, _)| pk.repo == "local")
        .map(|(pk, _, _)| pk.display.as_str())
        .collect();
    if !built.is_empty() {
        let _ = writeln!(
            text,
            "Building wheels for collected packages: {}",
            built.join(", ")
        );
        for b in &built {
            let _ = writeln!(text, "  Building wheel for {b} (pyproject.toml): started\n  Building wheel for {b} (pyproject.toml): finished with status 'done'");
        }
        let _ = writeln!(text, "Successfully built {}", built.join(" "));
    }
    if plan.is_empty() {
        if !quiet {
            out(p, &text);
        }
        return Ok(0);
    }
    // Install dependencies first, as pip does.
    plan.reverse();
    let names: Vec<String> = plan.iter().map(|(pk, _, _)| pk.display.clone()).collect();
    let _ = writeln!(text, "Installing collected packages: {}", names.join(", "));
    let site_dir = site.dir.clone();
    let bin_dir = site.bin.clone();
    let mut files = 0;
    let mut bytes = 0;
    let mut cached = 0;
    let tag = format!("cpython-{}", site.pyver.replace('.', ""));
    let mut written_all: Vec<String> = Vec::new();
    for (pk, version, requested) in &plan {
        let map = |s: &str| {
            if let Some(r) = s.strip_prefix("@site/") {
                format!("{site_dir}/{r}")
            } else if let Some(r) = s.strip_prefix("@bin/") {
                format!("{bin_dir}/{r}")
            } else {
                s.to_string()
            }
        };
        let old = replaced
            .iter()
            .find(|(n, _)| *n == norm(&pk.name))
            .map(|(_, v)| v.clone())
            .or_else(|| installed_version(p, &site_dir, &pk.name).filter(|v| v != version));
        if let Some(old) = old {
            // pip uninstalls the old distribution first: its dist-info and its top-level packages.
            let d = &pk.display;
            let _ = writeln!(text, "  Attempting uninstall: {d}\n    Found existing installation: {d} {old}\n    Uninstalling {d}-{old}:\n      Successfully uninstalled {d}-{old}");
            for e in p.fs.read_dir(&site_dir).unwrap_or_default() {
                let is_old = e
                    .strip_suffix(".dist-info")
                    .and_then(|st| st.rsplit_once('-'))
                    .is_some_and(|(n, _)| norm(n) == norm(&pk.name));
                if is_old {
                    remove(p, &format!("{site_dir}/{e}"));
                }
            }
            let tops: Vec<String> = pk
                .files
                .iter()
                .filter_map(|f| f.path.strip_prefix("@site/"))
                .filter_map(|r| r.split('/').next())
                .filter(|t| !t.ends_with(".py"))
                .map(str::to_string)
                .collect();
            for t in tops {
                remove(p, &format!("{site_dir}/{t}"));
            }
        }
        let w = install_files(p, pk, &map)?;
        files += w.files;
        bytes += w.bytes;
        let mut record = String::new();
        // pip compiles every module it installs.
        for (path, f) in w.paths.iter().zip(&pk.files) {
            if let catalogue::FileKind::File(c) = &f.kind {
                let rel = path.strip_prefix(&format!("{site_dir}/")).map_or_else(
                    || format!("../../../bin/{}", path.rsplit('/').next().unwrap_or("")),
                    str::to_string,
                );
                let _ = writeln!(
                    record,
                    "{rel},sha256={:016x}{:016x},{}",
                    fnv(&[path]),
                    fnv(&[path, "2"]),
                    c.len()
                );
                if let Some(stem) = path.strip_suffix(".py") {
                    let (dir, file) = stem.rsplit_once('/').unwrap_or(("", stem));
                    // Python 2 writes the .pyc beside the module.
                    let pyc = if site.pyver.starts_with("2.") {
                        format!("{stem}.pyc")
                    } else {
                        format!("{dir}/__pycache__/{file}.{tag}.pyc")
                    };
                    let size = c.len() * 9 / 10 + 200;
                    put_file(p, &pyc, Content::modelled(size, fnv(&["pyc", &pyc])), 0o644)?;
                    files += 1;
                    bytes += size;
                    let _ = writeln!(
                        record,
                        "{},,",
                        pyc.strip_prefix(&format!("{site_dir}/")).unwrap_or(&pyc)
                    );
                }
            }
        }
        let dist = format!(
            "{site_dir}/{}-{version}.dist-info",
            pk.display.replace('-', "_")
        );
        let requires: String = pk
            .deps
            .iter()
            .map(|d| format!("Requires-Dist: {d}\n"))
            .collect();
        let metadata = format!(
            "Metadata-Version: 2.1\nName: {}\nVersion: {version}\n{requires}",
            pk.display
        );
        put_text(p, &format!("{dist}/METADATA"), &metadata, 0o644)?;
        put_text(p, &format!("{dist}/INSTALLER"), "pip\n", 0o644)?;
        put_text(p, &format!("{dist}/WHEEL"), "Wheel-Version: 1.0\nGenerator: bdist_wheel (0.43.0)\nRoot-Is-Purelib: true\nTag: py3-none-any\n", 0o644)?;
        if *requested {
            put_text(p, &format!("{dist}/REQUESTED"), "", 0o644)?;
        }
        let d = dist.rsplit('/').next().unwrap_or("");
        for f in ["METADATA", "INSTALLER", "WHEEL", "RECORD"] {
            let _ = writeln!(record, "{d}/{f},,");
        }
        put_text(p, &format!("{dist}/RECORD"), &record, 0o644)?;
        files += 4;
        written_all.extend(w.paths);
        written_all.push(dist);
        if !no_cache {
            let h = format!(
                "{:016x}{:016x}",
                fnv(&[&pk.name, version]),
                fnv(&[version, &pk.name])
            );
            let path = format!(
                "{home}/.cache/pip/http-v2/{}/{}/{}/{}/{}/{h}",
                &h[0..1],
                &h[1..2],
                &h[2..3],
                &h[3..4],
                &h[4..5]
            );
            put_file(
                p,
                &format!("{path}.body"),
                Content::modelled(pk.download(), fnv(&["whl", &h])),
                0o644,
            )?;
            put_file(
                p,
                &path,
                Content::modelled(1_100, fnv(&["whl-meta", &h])),
                0o644,
            )?;
            written_all.push(path.clone());
            written_all.push(format!("{path}.body"));
            cached += pk.download();
        }
    }
    if site.user {
        // A user install belongs to the user, with the directories it created.
        let (uid, gid) = (p.identity.uid, p.identity.gid);
        for path in &written_all {
            let mut cur = path.as_str();
            while cur.len() > home.len() && cur.starts_with(&home) {
                let _ = p.fs.set_owner(cur, uid, gid);
                cur = cur.rsplit_once('/').map_or("", |(d, _)| d);
            }
        }
    }
    let mut done: Vec<String> = plan
        .iter()
        .map(|(pk, v, _)| format!("{}-{v}", pk.display))
        .collect();
    strata_image::sort::sort(&mut done);
    let _ = writeln!(text, "Successfully installed {}", done.join(" "));
    if !quiet {
        out(p, &text);
    }
    if site.pyver.starts_with("2.") {
        // pip 20 on python 2: its own warning instead of the root-user one (which came with pip 21.1).
        root_warning = false;
        err(p, "DEPRECATION: Python 2.7 reached the end of its life on January 1st, 2020. Please upgrade your Python as Python 2.7 is no longer maintained. pip 21.0 will drop support for Python 2.7 in January 2021. More details about Python 2 support in pip can be found at https://pip.pypa.io/en/latest/development/release-process/#python-2-support\n");
    }
    if p.identity.uid == 0 && root_warning && env(p, "VIRTUAL_ENV").is_none() {
        err(p, "WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour with the system package manager, possibly rendering your system unusable. It is recommended to use a virtual environment instead: https://pip.pypa.io/warnings/venv. Use the --root-user-action option if you know what you are doing and want to suppress this warning.\n");
    }
    let placeholders: Vec<&str> = plan
        .iter()
        .filter(|(pk, _, _)| pk.placeholder)
        .map(|(pk, _, _)| pk.display.as_str())
        .collect();
    let mut detail = format!(
        "installed {} distributions into {} ({}): {files} files, {:.1} MB",
        plan.len(),
        site.dir,
        names.join(", "),
        bytes as f64 / 1e6
    );
    if cached > 0 {
        let cache_dir = format!("{home}/.cache/pip");
        let mount = p.cache_mounts.iter().find(|m| {
            cache_dir == **m || cache_dir.starts_with(&format!("{}/", m.trim_end_matches('/')))
        });
        let _ = match mount {
            Some(m) => write!(
                detail,
                "; {:.1} MB of downloaded wheels went to {cache_dir}, in the cache mount at {m}: kept for \
                 the next build, out of the layer",
                cached as f64 / 1e6
            ),
            None => write!(
                detail,
                "; {:.1} MB of downloaded wheels stay in {cache_dir} (use --no-cache-dir)",
                cached as f64 / 1e6
            ),
        };
    }
    if !placeholders.is_empty() {
        let _ = write!(
            detail,
            "; not in the catalogue, installed as placeholder dist-info: {}",
            placeholders.join(", ")
        );
    }
    note(p, argv, detail);
    Ok(0)
}
