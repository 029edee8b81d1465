//! `apk` on the alpine model.

use std::fmt::Write as _;

use strata_image::Content;

use super::catalogue::{self, Pkg};
use super::{
    closure, err, install_files, note, out, put_dir, put_file, put_text, read_text, remove, si, Res,
};
use crate::base::fnv;
use crate::exec::Proc;

const INSTALLED: &str = "/lib/apk/db/installed";
const WORLD: &str = "/etc/apk/world";
const CACHE: &str = "/var/cache/apk";
const MIRROR: &str = "https://dl-cdn.alpinelinux.org/alpine/v3.20";

/// The repository base the image's `/etc/apk/repositories` names (its first `…/main` line), so an
/// `alpine:3.19` image fetches v3.19's indexes; the model's v3.20 when the file says nothing.
fn mirror(p: &Proc<'_>) -> String {
    p.fs.read("/etc/apk/repositories")
        .ok()
        .and_then(|c| {
            String::from_utf8_lossy(&c.bytes())
                .lines()
                .find_map(|l| l.trim().strip_suffix("/main").map(str::to_owned))
        })
        .unwrap_or_else(|| MIRROR.to_owned())
}

/// The release `/etc/alpine-release` names (`3.20.3`).
fn release(p: &Proc<'_>) -> String {
    p.fs.read("/etc/alpine-release")
        .map(|c| String::from_utf8_lossy(&c.bytes()).trim().to_owned())
        .unwrap_or_else(|_| "3.20.3".to_owned())
}
/// The two index files `apk update` keeps in the cache: (file name, size).
const INDEXES: [(&str, &str, u64); 2] = [
    ("main", "APKINDEX.bf8a3d67.tar.gz", 662_744),
    ("community", "APKINDEX.aec2f3f9.tar.gz", 1_329_915),
];

/// Installed packages: (name, version, installed bytes).
fn installed(p: &Proc<'_>) -> Vec<(String, String, u64)> {
    let text = read_text(p, INSTALLED).unwrap_or_default();
    let mut out = Vec::new();
    for stanza in text.split("\n\n") {
        let (mut n, mut v, mut size) = (None, None, 0);
        for l in stanza.lines() {
            if let Some(x) = l.strip_prefix("P:") {
                n = Some(x.to_string());
            } else if let Some(x) = l.strip_prefix("V:") {
                v = Some(x.to_string());
            } else if let Some(x) = l.strip_prefix("I:") {
                size = x.parse().unwrap_or(0);
            }
        }
        if let (Some(n), Some(v)) = (n, v) {
            out.push((n, v, size));
        }
    }
    out
}

fn ok_line(p: &mut Proc<'_>) {
    let have = installed(p);
    let bytes: u64 = have.iter().map(|(_, _, s)| s).sum();
    let mib = bytes.div_ceil(1 << 20);
    out(p, &format!("OK: {mib} MiB in {} packages\n", have.len()));
}

fn indexes_cached(p: &Proc<'_>) -> bool {
    INDEXES
        .iter()
        .all(|(_, f, _)| p.fs.lstat(&format!("{CACHE}/{f}")).is_ok())
}

/// Prints the `fetch` lines and, unless `no_cache`, keeps the indexes in `/var/cache/apk`.
fn fetch(p: &mut Proc<'_>, no_cache: bool, quiet: bool) -> Res<u64> {
    let mut bytes = 0;
    let mirror = mirror(p);
    for (repo, _, _) in INDEXES {
        if !quiet {
            out(
                p,
                &format!("fetch {mirror}/{repo}/x86_64/APKINDEX.tar.gz\n"),
            );
        }
    }
    if !no_cache {
        put_dir(p, CACHE, 0o755)?;
        for (_, f, size) in INDEXES {
            let path = format!("{CACHE}/{f}");
            put_file(
                p,
                &path,
                Content::modelled(size, fnv(&["apk-index", f])),
                0o644,
            )?;
            bytes += size;
        }
    }
    Ok(bytes)
}

pub(super) fn run(argv: &[String], p: &mut Proc<'_>) -> Res<i32> {
    let mut op = None;
    let mut names: Vec<String> = Vec::new();
    let mut no_cache = false;
    let mut quiet = false;
    let mut virtual_name = None;
    let mut it = argv.iter().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--no-cache" => no_cache = true,
            "-q" | "--quiet" => quiet = true,
            "-t" | "--virtual" => virtual_name = it.next().cloned(),
            "-X" | "--repository" | "-p" | "--root" | "--arch" | "--cache-dir" => {
                it.next();
            }
            s if s.starts_with('-') => {}
            s if op.is_none() => op = Some(s.to_string()),
            s => names.push(s.to_string()),
        }
    }
    let Some(op) = op else {
        out(p, "apk-tools 2.14.4, compiled for x86_64.\n\nusage: apk [<OPTIONS>...] COMMAND [<ARGUMENTS>...]\n");
        return Ok(1);
    };
    let writes = matches!(op.as_str(), "add" | "del" | "update" | "upgrade" | "fix");
    if writes && p.identity.uid != 0 {
        err(p, "ERROR: Unable to lock database: Permission denied\nERROR: Failed to open apk database: Permission denied\n");
        return Ok(99);
    }
    match op.as_str() {
        "update" => {
            let bytes = fetch(p, no_cache, quiet)?;
            if !quiet {
                let (mirror, release) = (mirror(p), release(p));
                if release == "3.20.3" {
                    out(p, &format!("v3.20.3-229-g1b4c0a4e8ba [{mirror}/main]\nv3.20.3-228-g2e5d2fb3c6a [{mirror}/community]\nOK: 24174 distinct packages available\n"));
                } else {
                    out(p, &format!("v{release} [{mirror}/main]\nv{release} [{mirror}/community]\nOK: 24174 distinct packages available\n"));
                }
            }
            let detail = if no_cache {
                "fetched the package indexes (not kept: --no-cache)".to_string()
            } else {
                format!("kept 2 package indexes ({}) in {CACHE}/", si(bytes))
            };
            note(p, argv, detail);
            Ok(0)
        }
        "add" => add(argv, &names, no_cache, quiet, virtual_name, p),
        "del" => del(argv, &names, quiet, p),
        "upgrade" | "fix" => {
            if !indexes_cached(p) || no_cache {
                fetch(p, no_cache, quiet)?;
            }
            ok_line(p);
            Ok(0)
        }
        "info" | "list" | "search" | "policy" => {
            for (n, v, _) in installed(p) {
                out(p, &format!("{n}-{v}\n"));
            }
            Ok(0)
        }
        "cache" => {
            if names.first().map(String::as_str) == Some("clean") {
                for n in p.fs.read_dir(CACHE).unwrap_or_default() {
                    remove(p, &format!("{CACHE}/{n}"));
                }
            }
            Ok(0)
        }
        other => {
            err(p, &format!("apk: unknown command '{other}'\n"));
            Ok(1)
        }
    }
}

fn add(
    argv: &[String],
    names: &[String],
    no_cache: bool,
    quiet: bool,
    virtual_name: Option<String>,
    p: &mut Proc<'_>,
) -> Res<i32> {
    if !indexes_cached(p) || no_cache {
        fetch(p, no_cache, quiet)?;
    }
    let all = catalogue::family("apk");
    let have = installed(p);
    let is_installed = |pk: &Pkg| have.iter().any(|(n, _, _)| *n == pk.name);
    let mut wanted: Vec<Pkg> = Vec::new();
    let bad: Vec<&String> = names
        .iter()
        .filter(|raw| !catalogue::valid_name(raw.split(['=', '<', '>', '~']).next().unwrap_or(raw)))
        .collect();
    if !bad.is_empty() {
        let mut e = String::from("ERROR: unable to select packages:\n");
        for b in bad {
            let _ = writeln!(e, "  {b} (no such package):\n    required by: world[{b}]");
        }
        err(p, &e);
        return Ok(1);
    }
    for raw in names {
        let name = raw.split(['=', '<', '>', '~']).next().unwrap_or(raw);
        if have.iter().any(|(n, _, _)| n == name) {
            continue;
        }
        match catalogue::find(&all, name) {
            Some(pk) if is_installed(pk) => {}
            Some(pk) => wanted.push(pk.clone()),
            None => wanted.push(Pkg::placeholder("apk", name, "0-r0")),
        }
    }
    let (known, unknown): (Vec<Pkg>, Vec<Pkg>) = wanted.into_iter().partition(|w| !w.placeholder);
    let refs: Vec<&Pkg> = known
        .iter()
        .filter_map(|w| all.iter().find(|a| a.name == w.name))
        .collect();
    let mut plan: Vec<Pkg> = closure(&all, &refs, &is_installed)
        .into_iter()
        .cloned()
        .collect();
    plan.extend(unknown);
    let total = plan.len() + usize::from(virtual_name.is_some());
    let mut text = String::new();
    let mut db = read_text(p, INSTALLED).unwrap_or_default();
    let mut files = 0;
    let mut bytes = 0;
    for (i, pk) in plan.iter().enumerate() {
        let _ = writeln!(
            text,
            "({}/{total}) Installing {} ({})",
            i + 1,
            pk.name,
            pk.version
        );
        let w = install_files(p, pk, &|s| s.to_string())?;
        files += w.files;
        bytes += w.bytes;
        let mut stanza = super::apk_stanza(&pk.name, &pk.version, pk.size_kb());
        stanza.truncate(stanza.len() - 1);
        let deps: Vec<&str> = pk
            .deps
            .iter()
            .filter_map(|d| catalogue::find(&all, d).map(|x| x.name.as_str()))
            .collect();
        if !deps.is_empty() {
            let _ = writeln!(stanza, "D:{}", deps.join(" "));
        }
        // The file list, grouped by directory as apk records it (F: directory, R: file in it).
        let mut dir = String::new();
        for path in &w.paths {
            let rel = path.trim_start_matches('/');
            let (d, f) = rel.rsplit_once('/').unwrap_or(("", rel));
            if pk
                .files
                .iter()
                .any(|x| x.path == *path && matches!(x.kind, catalogue::FileKind::Dir))
            {
                continue;
            }
            if d != dir {
                let _ = writeln!(stanza, "F:{d}");
                dir = d.to_string();
            }
            let _ = writeln!(stanza, "R:{f}");
        }
        stanza.push('\n');
        db.push_str(&stanza);
    }
    if let Some(v) = &virtual_name {
        let _ = writeln!(text, "({total}/{total}) Installing {v} (20241123.000000)");
        let mut stanza = super::apk_stanza(v, "20241123.000000", 0);
        stanza.truncate(stanza.len() - 1);
        let deps: Vec<&str> = names
            .iter()
            .map(|n| n.split(['=', '<', '>', '~']).next().unwrap_or(n))
            .collect();
        let _ = writeln!(stanza, "D:{}", deps.join(" "));
        stanza.push('\n');
        db.push_str(&stanza);
    }
    if !plan.is_empty() {
        let _ = writeln!(text, "Executing busybox-1.36.1-r29.trigger");
    }
    if !quiet {
        out(p, &text);
    }
    if !plan.is_empty() || virtual_name.is_some() {
        put_text(p, INSTALLED, &db, 0o644)?;
        let mut world: Vec<String> = read_text(p, WORLD)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect();
        match &virtual_name {
            Some(v) => world.push(v.clone()),
            None => world.extend(names.iter().cloned()),
        }
        strata_image::sort::sort(&mut world);
        world.dedup();
        let w: String = world.iter().map(|s| format!("{s}\n")).collect();
        put_text(p, WORLD, &w, 0o644)?;
    }
    ok_line(p);
    let placeholders: Vec<&str> = plan
        .iter()
        .filter(|pk| pk.placeholder)
        .map(|pk| pk.name.as_str())
        .collect();
    let installed_names: Vec<&str> = plan.iter().map(|pk| pk.name.as_str()).collect();
    let mut detail = if plan.is_empty() {
        "nothing to install: already installed".to_string()
    } else {
        format!(
            "installed {} packages from the built-in catalogue ({}): {files} files, {}",
            plan.len(),
            installed_names.join(", "),
            si(bytes)
        )
    };
    if !no_cache {
        let _ = write!(
            detail,
            "; the package indexes stay in {CACHE}/ (use --no-cache to leave them out of the layer)"
        );
    }
    if !placeholders.is_empty() {
        let _ = write!(
            detail,
            "; not in the catalogue, installed as placeholders: {}",
            placeholders.join(", ")
        );
    }
    note(p, argv, detail);
    Ok(0)
}

/// One stanza of the installed database: name, version, dependencies (`D:`), files, and whether the
/// model installed it (base-system stanzas have no file list and are never orphans).
struct Stanza {
    text: String,
    name: String,
    version: String,
    deps: Vec<String>,
    files: Vec<String>,
    ours: bool,
}

fn stanzas(text: &str) -> Vec<Stanza> {
    text.split("\n\n")
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            let mut st = Stanza {
                text: format!("{}\n\n", s.trim_end()),
                name: String::new(),
                version: String::new(),
                deps: Vec::new(),
                files: Vec::new(),
                ours: false,
            };
            let mut dir = "";
            for l in s.lines() {
                if let Some(x) = l.strip_prefix("P:") {
                    st.name = x.to_string();
                } else if let Some(x) = l.strip_prefix("V:") {
                    st.version = x.to_string();
                } else if let Some(x) = l.strip_prefix("D:") {
                    st.deps = x.split_whitespace().map(str::to_string).collect();
                    st.ours = true;
                } else if let Some(d) = l.strip_prefix("F:") {
                    dir = d;
                    st.ours = true;
                } else if let Some(f) = l.strip_prefix("R:") {
                    st.files.push(format!("/{dir}/{f}"));
                    st.ours = true;
                }
            }
            st
        })
        .collect()
}

fn del(argv: &[String], names: &[String], quiet: bool, p: &mut Proc<'_>) -> Res<i32> {
    let all = stanzas(&read_text(p, INSTALLED).unwrap_or_default());
    let world: Vec<String> = read_text(p, WORLD)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .filter(|l| !names.contains(l))
        .collect();
    for n in names {
        if !all.iter().any(|s| s.name == *n) {
            err(
                p,
                &format!("WARNING: opening {n}: No such file or directory\n"),
            );
        }
    }
    // What stays: everything reachable from the remaining world, and the base system.
    let mut keep: Vec<&str> = Vec::new();
    let mut stack: Vec<&str> = world.iter().map(String::as_str).collect();
    while let Some(n) = stack.pop() {
        if keep.contains(&n) {
            continue;
        }
        keep.push(n);
        if let Some(st) = all.iter().find(|s| s.name == n) {
            stack.extend(st.deps.iter().map(String::as_str));
        }
    }
    let purge: Vec<&Stanza> = all
        .iter()
        .filter(|s| names.contains(&s.name) || (s.ours && !keep.contains(&s.name.as_str())))
        .collect();
    let mut text = String::new();
    let mut n_removed = 0;
    for (i, st) in purge.iter().enumerate() {
        let _ = writeln!(
            text,
            "({}/{}) Purging {} ({})",
            i + 1,
            purge.len(),
            st.name,
            st.version
        );
        for f in &st.files {
            remove(p, f);
            n_removed += 1;
        }
    }
    if !quiet {
        out(p, &text);
    }
    let db: String = all
        .iter()
        .filter(|s| !purge.iter().any(|x| x.name == s.name))
        .map(|s| s.text.as_str())
        .collect();
    put_text(p, INSTALLED, &db, 0o644)?;
    let w: String = world.iter().map(|l| format!("{l}\n")).collect();
    put_text(p, WORLD, &w, 0o644)?;
    ok_line(p);
    let gone: Vec<&str> = purge.iter().map(|s| s.name.as_str()).collect();
    note(
        p,
        argv,
        format!(
            "removed {} ({n_removed} files); files of earlier layers are only hidden by whiteouts, so this saves space only in the RUN that installed them",
            gone.join(", ")
        ),
    );
    Ok(0)
}
