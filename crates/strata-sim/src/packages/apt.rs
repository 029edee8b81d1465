//! `apt-get` and `apt` on the debian and ubuntu models.

use std::fmt::Write as _;

use strata_image::Content;

use super::catalogue::{self, Pkg};
use super::{
    append_text, closure, datetime, err, install_files, note, os_id, out, put_dir, put_file,
    put_text, read_text, remove, si, Res,
};
use crate::base::fnv;
use crate::exec::Proc;

/// What tzdata's debconf question prints on a terminal-less install (ubuntu).
const TZDATA_PROMPT: &str = "debconf: unable to initialize frontend: Dialog\ndebconf: (TERM is not set, so the dialog frontend is not usable.)\ndebconf: falling back to frontend: Readline\nConfiguring tzdata\n------------------\n\nPlease select the geographic area in which you live. Subsequent configuration\nquestions will narrow this down by presenting a list of cities, representing\nthe time zones in which they are located.\n\n  1. Africa      4. Australia  7. Atlantic  10. Pacific  13. Etc\n  2. America     5. Arctic     8. Europe    11. SystemV\n  3. Antarctica  6. Asia       9. Indian    12. US\nGeographic area: \n";

const STATUS: &str = "/var/lib/dpkg/status";
const LISTS: &str = "/var/lib/apt/lists";

struct Opts {
    yes: bool,
    quiet: u32,
    no_recommends: bool,
    purge: bool,
    auto_remove: bool,
    op: Option<String>,
    names: Vec<String>,
}

fn parse(argv: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        yes: false,
        quiet: 0,
        no_recommends: false,
        purge: false,
        auto_remove: false,
        op: None,
        names: Vec::new(),
    };
    let mut it = argv.iter().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "-y" | "--yes" | "--assume-yes" | "-yq" | "-qy" => {
                o.yes = true;
                if a.contains('q') {
                    o.quiet += 1;
                }
            }
            "-q" | "--quiet" => o.quiet += 1,
            "-qq" => o.quiet += 2,
            "--no-install-recommends" => o.no_recommends = true,
            "--install-recommends"
            | "--no-install-suggests"
            | "-f"
            | "--fix-broken"
            | "--fix-missing"
            | "--allow-unauthenticated"
            | "--allow-downgrades"
            | "--reinstall"
            | "--show-progress" => {}
            "--purge" => o.purge = true,
            "--auto-remove" | "--autoremove" => o.auto_remove = true,
            "-o" | "-t" | "-c" | "--option" | "--target-release" => {
                it.next();
            }
            s if s.starts_with("-o") || s.starts_with("--option=") => {}
            s if s.starts_with("--") => {}
            s if s.starts_with('-') => {
                // Combined short flags such as -yqq.
                for c in s.chars().skip(1) {
                    match c {
                        'y' => o.yes = true,
                        'q' => o.quiet += 1,
                        'f' | 'm' | 'V' | 'u' | 'd' | 's' | 'b' => {}
                        _ => return Err(format!("E: Command line option '{c}' [from {s}] is not understood in combination with the other options.")),
                    }
                }
            }
            s if o.op.is_none() => o.op = Some(s.to_string()),
            s => o.names.push(s.to_string()),
        }
    }
    Ok(o)
}

/// The installed packages of the dpkg database: name → version.
fn installed(p: &Proc<'_>) -> Vec<(String, String)> {
    let text = read_text(p, STATUS).unwrap_or_default();
    let mut out = Vec::new();
    for stanza in text.split("\n\n") {
        let mut name = None;
        let mut version = None;
        let mut ok = false;
        for l in stanza.lines() {
            if let Some(v) = l.strip_prefix("Package: ") {
                name = Some(v.trim().to_string());
            } else if let Some(v) = l.strip_prefix("Version: ") {
                version = Some(v.trim().to_string());
            } else if l.starts_with("Status: ") {
                ok = l.ends_with(" installed");
            }
        }
        if let (Some(n), Some(v), true) = (name, version, ok) {
            out.push((n, v));
        }
    }
    out
}

fn has_lists(p: &Proc<'_>) -> bool {
    p.fs.read_dir(LISTS)
        .map(|names| names.iter().any(|n| n.contains("_Packages")))
        .unwrap_or(false)
}

struct Dist {
    id: String,
    codename: &'static str,
    /// (base URL, suite, components) per source.
    sources: Vec<(&'static str, &'static str, &'static [&'static str])>,
}

fn dist(p: &Proc<'_>) -> Dist {
    let id = os_id(p);
    if id == "ubuntu" {
        const C: &[&str] = &["main", "restricted", "universe", "multiverse"];
        Dist {
            id,
            codename: "jammy",
            sources: vec![
                ("http://archive.ubuntu.com/ubuntu", "jammy", C),
                ("http://archive.ubuntu.com/ubuntu", "jammy-updates", C),
                ("http://archive.ubuntu.com/ubuntu", "jammy-backports", C),
                ("http://security.ubuntu.com/ubuntu", "jammy-security", C),
            ],
        }
    } else {
        Dist {
            id,
            codename: "bookworm",
            sources: vec![
                ("http://deb.debian.org/debian", "bookworm", &["main"]),
                (
                    "http://deb.debian.org/debian",
                    "bookworm-updates",
                    &["main"],
                ),
                (
                    "http://deb.debian.org/debian-security",
                    "bookworm-security",
                    &["main"],
                ),
            ],
        }
    }
}

/// The size of a list file: (InRelease, Packages) per suite and component.
fn list_sizes(suite: &str, component: &str) -> (u64, u64) {
    let release = match suite {
        "bookworm" => 151_282,
        "jammy" => 270_087,
        s if s.ends_with("-security") => 48_041,
        _ => 55_385,
    };
    let packages = match (suite, component) {
        ("bookworm", _) => 14_094_582,
        ("bookworm-security", _) => 532_814,
        ("bookworm-updates", _) => 21_906,
        ("jammy", "main") => 2_245_752,
        ("jammy", "universe") => 22_916_401,
        ("jammy", "restricted") => 200_054,
        ("jammy", "multiverse") => 357_016,
        ("jammy-updates", "main") => 3_242_891,
        ("jammy-updates", "universe") => 1_984_308,
        ("jammy-updates", "restricted") => 3_954_568,
        ("jammy-security", "main") => 2_318_860,
        ("jammy-security", "universe") => 1_575_524,
        ("jammy-security", "restricted") => 3_805_840,
        (_, "main") => 341_116,
        (_, "universe") => 1_263_340,
        _ => 60_183,
    };
    (release, packages)
}

fn list_name(url: &str, tail: &str) -> String {
    let host = url.trim_start_matches("http://").replace('/', "_");
    format!("{host}_dists_{}", tail.replace('/', "_"))
}

pub(super) fn run(name: &str, argv: &[String], p: &mut Proc<'_>) -> Res<i32> {
    let o = match parse(argv) {
        Ok(o) => o,
        Err(e) => {
            err(p, &format!("{e}\n"));
            return Ok(100);
        }
    };
    if name == "apt" {
        err(
            p,
            "\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n",
        );
    }
    let Some(op) = o.op.clone() else {
        out(p, &format!("apt 2.6.1 (amd64)\nUsage: {name} [options] command\n\nMost used commands:\n  update - Retrieve new lists of packages\n  upgrade - Perform an upgrade\n  install - Install new packages (pkg is libc6 not libc6.deb)\n  remove - Remove packages\n  purge - Remove packages and config files\n  autoremove - Remove automatically all unused packages\n  clean - Erase downloaded archive files\n"));
        return Ok(1);
    };
    let locks = matches!(
        op.as_str(),
        "update"
            | "install"
            | "remove"
            | "purge"
            | "upgrade"
            | "dist-upgrade"
            | "full-upgrade"
            | "autoremove"
            | "clean"
            | "autoclean"
    );
    if locks && p.identity.uid != 0 {
        if op == "update" || op == "clean" || op == "autoclean" {
            err(p, "E: Could not open lock file /var/lib/apt/lists/lock - open (13: Permission denied)\nE: Unable to lock directory /var/lib/apt/lists/\n");
        } else {
            err(p, "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?\n");
        }
        return Ok(100);
    }
    match op.as_str() {
        "update" => update(argv, &o, p),
        "install" => install(argv, &o, p),
        "remove" | "purge" => remove_pkgs(argv, &o, op == "purge" || o.purge, p),
        "autoremove" => remove_pkgs(
            argv,
            &Opts {
                auto_remove: true,
                ..o
            },
            o.purge,
            p,
        ),
        "upgrade" | "dist-upgrade" | "full-upgrade" => {
            reading(p, &o);
            out(p, "Calculating upgrade...\n");
            out(
                p,
                "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n",
            );
            Ok(0)
        }
        "clean" | "autoclean" => {
            let mut removed = 0;
            for dir in ["/var/cache/apt/archives", "/var/cache/apt/archives/partial"] {
                for n in p.fs.read_dir(dir).unwrap_or_default() {
                    if n.ends_with(".deb") {
                        remove(p, &format!("{dir}/{n}"));
                        removed += 1;
                    }
                }
            }
            for n in ["pkgcache.bin", "srcpkgcache.bin"] {
                let path = format!("/var/cache/apt/{n}");
                if p.fs.lstat(&path).is_ok() {
                    remove(p, &path);
                    removed += 1;
                }
            }
            note(
                p,
                argv,
                format!(
                    "removed {removed} cached archive files from /var/cache/apt (the package lists in {LISTS} stay: `rm -rf {LISTS}/*` removes them)"
                ),
            );
            Ok(0)
        }
        "show" | "policy" | "search" | "list" | "depends" | "madison" => {
            reading(p, &o);
            Ok(0)
        }
        other => {
            err(p, &format!("E: Invalid operation {other}\n"));
            Ok(100)
        }
    }
}

fn reading(p: &mut Proc<'_>, o: &Opts) {
    if o.quiet < 2 {
        out(
            p,
            "Reading package lists...\nBuilding dependency tree...\nReading state information...\n",
        );
    }
}

fn update(argv: &[String], o: &Opts, p: &mut Proc<'_>) -> Res<i32> {
    let d = dist(p);
    let mut n = 0;
    let mut total = 0u64;
    let mut lines = String::new();
    let mut files: Vec<(String, u64)> = Vec::new();
    for (url, suite, comps) in &d.sources {
        let (rel, _) = list_sizes(suite, "");
        n += 1;
        let _ = writeln!(lines, "Get:{n} {url} {suite} InRelease [{}]", si(rel));
        total += rel;
        files.push((list_name(url, &format!("{suite}/InRelease")), rel));
        for c in comps.iter() {
            let (_, pk) = list_sizes(suite, c);
            n += 1;
            let dl = pk * 3 / 5;
            let _ = writeln!(
                lines,
                "Get:{n} {url} {suite}/{c} amd64 Packages [{}]",
                si(dl)
            );
            total += dl;
            files.push((
                list_name(url, &format!("{suite}/{c}/binary-amd64/Packages.lz4")),
                pk,
            ));
        }
    }
    if o.quiet == 0 {
        out(p, &lines);
        out(
            p,
            &format!("Fetched {} in 2s ({}/s)\n", si(total), si(total / 2)),
        );
    }
    if o.quiet < 2 {
        out(p, "Reading package lists...\n");
    }
    put_dir(p, LISTS, 0o755)?;
    put_dir(p, &format!("{LISTS}/auxfiles"), 0o755)?;
    put_dir(p, &format!("{LISTS}/partial"), 0o700)?;
    let _ = p.fs.set_owner(&format!("{LISTS}/partial"), 42, 0);
    put_file(p, &format!("{LISTS}/lock"), Content::empty(), 0o640)?;
    let mut bytes = 0;
    for (f, size) in &files {
        let path = format!("{LISTS}/{f}");
        put_file(
            p,
            &path,
            Content::modelled(*size, fnv(&["apt-lists", &path])),
            0o644,
        )?;
        bytes += size;
    }
    note(
        p,
        argv,
        format!(
            "wrote {} package list files ({}) to {LISTS}/ for {} {}; they stay in this layer until `rm -rf {LISTS}/*` in the same RUN",
            files.len(),
            si(bytes),
            d.id,
            d.codename
        ),
    );
    Ok(0)
}

fn install(argv: &[String], o: &Opts, p: &mut Proc<'_>) -> Res<i32> {
    let d = dist(p);
    // Recommends count as dependencies unless --no-install-recommends.
    let all: Vec<Pkg> = catalogue::family("deb")
        .into_iter()
        .map(|mut pk| {
            if !o.no_recommends {
                let r = pk.recommends.clone();
                pk.deps.extend(r);
            }
            pk
        })
        .collect();
    let have = installed(p);
    let is_installed = |pk: &Pkg| have.iter().any(|(n, _)| *n == pk.name);
    reading(p, o);
    let lists = has_lists(p);
    let mut wanted: Vec<Pkg> = Vec::new();
    let mut already: Vec<(String, String)> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    for raw in &o.names {
        // `pkg=version` and `pkg/suite` select a version; the model has one.
        let name = raw.split(['=', '/']).next().unwrap_or(raw).to_string();
        if let Some((n, v)) = have.iter().find(|(n, _)| *n == name) {
            already.push((n.clone(), v.clone()));
            continue;
        }
        if !lists || !catalogue::valid_name(&name) {
            missing.push(name);
            continue;
        }
        match catalogue::find(&all, &name) {
            Some(pk) if is_installed(pk) => {
                let v = have
                    .iter()
                    .find(|(n, _)| *n == pk.name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                already.push((pk.name.clone(), v));
            }
            Some(pk) => wanted.push(pk.clone()),
            None => wanted.push(Pkg::placeholder("deb", &name, "0+modelled")),
        }
    }
    if o.names.is_empty() {
        out(
            p,
            "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n",
        );
        return Ok(0);
    }
    if !missing.is_empty() {
        for m in &missing {
            err(p, &format!("E: Unable to locate package {m}\n"));
        }
        note(
            p,
            argv,
            format!(
                "the package lists in {LISTS} are empty in this image, so apt knows no packages: run `apt-get update` first (in the same RUN)"
            ),
        );
        return Ok(100);
    }
    for (n, v) in &already {
        out(p, &format!("{n} is already the newest version ({v}).\n"));
    }
    // Placeholders are not in `all`; keep them apart from the catalogue closure.
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
    if plan.is_empty() {
        out(
            p,
            "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n",
        );
        return Ok(0);
    }
    let requested: Vec<&str> = o
        .names
        .iter()
        .map(|r| r.split(['=', '/']).next().unwrap_or(r))
        .collect();
    let is_req = |pk: &Pkg| {
        requested.contains(&pk.name.as_str())
            || pk.provides.iter().any(|x| requested.contains(&x.as_str()))
    };
    let mut extra: Vec<&str> = plan
        .iter()
        .filter(|pk| !is_req(pk))
        .map(|pk| pk.name.as_str())
        .collect();
    strata_image::sort::sort(&mut extra);
    let mut new: Vec<&str> = plan.iter().map(|pk| pk.name.as_str()).collect();
    strata_image::sort::sort(&mut new);
    let mut text = String::new();
    if !extra.is_empty() {
        text.push_str("The following additional packages will be installed:\n");
        text.push_str(&wrap(&extra));
    }
    if o.no_recommends {
        // What --no-install-recommends left out, as apt lists it.
        let mut skipped: Vec<&str> = Vec::new();
        for pk in &plan {
            for r in &pk.recommends {
                if let Some(rp) = catalogue::find(&all, r) {
                    let n = rp.name.as_str();
                    if !is_installed(rp)
                        && !plan.iter().any(|x| x.name == n)
                        && !skipped.contains(&n)
                    {
                        skipped.push(n);
                    }
                }
            }
        }
        strata_image::sort::sort(&mut skipped);
        if !skipped.is_empty() {
            text.push_str("Recommended packages:\n");
            text.push_str(&wrap(&skipped));
        }
    }
    text.push_str("The following NEW packages will be installed:\n");
    text.push_str(&wrap(&new));
    let dl: u64 = plan.iter().map(Pkg::download).sum();
    let size: u64 = plan.iter().map(Pkg::size).sum();
    let _ = writeln!(
        text,
        "0 upgraded, {} newly installed, 0 to remove and 0 not upgraded.",
        plan.len()
    );
    let _ = writeln!(text, "Need to get {} of archives.", si(dl));
    let _ = writeln!(
        text,
        "After this operation, {} of additional disk space will be used.",
        si(size)
    );
    out(p, &text);
    if !extra.is_empty() && !o.yes {
        out(p, "Do you want to continue? [Y/n] ");
        let answer = String::from_utf8_lossy(p.stdin).trim().to_ascii_lowercase();
        if !(answer.starts_with('y') || answer.is_empty() && !p.stdin.is_empty()) {
            out(p, "Abort.\n");
            note(
                p,
                argv,
                "apt-get asked for confirmation and read end-of-file (no -y): nothing installed"
                    .to_string(),
            );
            return Ok(1);
        }
    }
    let mut text = String::new();
    let (base_url, suite) = d
        .sources
        .first()
        .map(|(u, s, _)| (*u, *s))
        .unwrap_or(("http://deb.debian.org/debian", "bookworm"));
    for (i, pk) in plan.iter().enumerate() {
        let _ = writeln!(
            text,
            "Get:{} {base_url} {suite}/main amd64 {} {} {} [{}]",
            i + 1,
            pk.name,
            pk.arch,
            pk.version_on(&d.id),
            si(pk.download())
        );
    }
    if o.quiet == 0 {
        out(p, &text);
    }
    err(
        p,
        "debconf: delaying package configuration, since apt-utils is not installed\n",
    );
    if o.quiet == 0 {
        out(p, &format!("Fetched {} in 1s ({}/s)\n", si(dl), si(dl)));
    }
    let files_before = 2600 + have.len() * 40;
    let mut log = String::new();
    let mut text = String::new();
    let mut status = read_text(p, STATUS).unwrap_or_default();
    let old_status = status.clone();
    let mut total_files = 0;
    let mut total_bytes = 0;
    for (i, pk) in plan.iter().enumerate() {
        let v = pk.version_on(&d.id).to_string();
        let dname = dpkg_name(pk);
        let _ = writeln!(text, "Selecting previously unselected package {dname}.");
        if i == 0 {
            let _ = writeln!(
                text,
                "(Reading database ... {files_before} files and directories currently installed.)"
            );
        }
        let _ = writeln!(
            text,
            "Preparing to unpack .../{i}-{}_{}_{}.deb ...\nUnpacking {dname} ({v}) ...",
            pk.name,
            v.replace(':', "%3a"),
            pk.arch,
        );
        let mut w = install_files(p, pk, &|s| s.to_string())?;
        if no_pep668_marker(p) {
            w.paths.retain(|f| {
                let marker = f.ends_with("/EXTERNALLY-MANAGED");
                if marker {
                    super::remove(p, f);
                }
                !marker
            });
        }
        w.paths.extend(default_docs(p, pk)?);
        total_files += w.files;
        total_bytes += w.bytes;
        put_text(
            p,
            &format!("/var/lib/dpkg/info/{dname}.list"),
            &dpkg_list(&w.paths),
            0o644,
        )?;
        if let Some(shlibs) = shlibs(pk) {
            put_text(
                p,
                &format!("/var/lib/dpkg/info/{dname}.shlibs"),
                &shlibs,
                0o644,
            )?;
            put_text(
                p,
                &format!("/var/lib/dpkg/info/{dname}.triggers"),
                "# Triggers added by dh_makeshlibs/13.11.4\nactivate-noawait ldconfig\n",
                0o644,
            )?;
        }
        let sums: String = w
            .paths
            .iter()
            .filter(|s| {
                pk.files
                    .iter()
                    .any(|f| &f.path == *s && matches!(f.kind, catalogue::FileKind::File(_)))
            })
            .map(|s| {
                format!(
                    "{:016x}{:016x}  {}\n",
                    fnv(&[s, "a"]),
                    fnv(&[s, "b"]),
                    s.trim_start_matches('/')
                )
            })
            .collect();
        put_text(
            p,
            &format!("/var/lib/dpkg/info/{dname}.md5sums"),
            &sums,
            0o644,
        )?;
        status.push_str(&super::dpkg_stanza(&pk.name, &v, pk.size_kb(), "optional"));
        let now = datetime(p);
        let _ = writeln!(log, "{now} install {}:{} <none> {v}", pk.name, pk.arch);
        let _ = writeln!(log, "{now} status installed {}:{} {v}", pk.name, pk.arch);
    }
    let mut tz_prompt = false;
    for pk in &plan {
        let _ = writeln!(
            text,
            "Setting up {} ({}) ...",
            dpkg_name(pk),
            pk.version_on(&d.id)
        );
        if pk.name == "tzdata"
            && d.id == "ubuntu"
            && super::env(p, "DEBIAN_FRONTEND") != Some("noninteractive")
        {
            tz_prompt = true;
            text.push_str(TZDATA_PROMPT);
        }
    }
    if plan
        .iter()
        .any(|pk| pk.files.iter().any(|f| f.path.contains(".so")))
    {
        let libc = have
            .iter()
            .find(|(n, _)| n == "libc-bin")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let _ = writeln!(text, "Processing triggers for libc-bin ({libc}) ...");
        rerun_ldconfig(p, &plan)?;
    }
    rewrite_debconf_cache(p)?;
    dpkg_locks(p)?;
    if o.quiet < 2 {
        out(p, &text);
    }
    put_text(p, "/var/lib/dpkg/status-old", &old_status, 0o644)?;
    put_text(p, STATUS, &status, 0o644)?;
    append_text(p, "/var/log/dpkg.log", &log)?;
    let now = datetime(p);
    let names: Vec<String> = plan
        .iter()
        .map(|pk| format!("{}:{} ({})", pk.name, pk.arch, pk.version_on(&d.id)))
        .collect();
    append_text(
        p,
        "/var/log/apt/history.log",
        &format!(
            "\nStart-Date: {now}\nCommandline: {}\nInstall: {}\nEnd-Date: {now}\n",
            argv.join(" "),
            names.join(", ")
        ),
    )?;
    let auto: String = plan
        .iter()
        .filter(|pk| !is_req(pk))
        .map(|pk| {
            format!(
                "Package: {}\nArchitecture: {}\nAuto-Installed: 1\n\n",
                pk.name, pk.arch
            )
        })
        .collect();
    if !auto.is_empty() {
        append_text(p, "/var/lib/apt/extended_states", &auto)?;
    }
    if tz_prompt {
        p.notes.push(crate::exec::Note::Modelled {
            command: argv.join(" "),
            detail: "tzdata asked for a time zone on the terminal: in a real `docker build` this step waits for an answer that never comes; set DEBIAN_FRONTEND=noninteractive (ARG or ENV) before installing it. Modelled as if Etc/UTC had been chosen".to_string(),
        });
    }
    let placeholders: Vec<&str> = plan
        .iter()
        .filter(|pk| pk.placeholder)
        .map(|pk| pk.name.as_str())
        .collect();
    let mut detail = format!(
        "installed {} packages from the built-in catalogue ({}): {total_files} files, {} (plus /var/lib/dpkg and /var/log entries)",
        plan.len(),
        new.join(", "),
        si(total_bytes)
    );
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

fn wrap(names: &[&str]) -> String {
    let mut s = String::new();
    let mut line = String::from(" ");
    for n in names {
        if line.len() + n.len() + 1 > 79 && line.len() > 1 {
            s.push_str(&line);
            s.push('\n');
            line = String::from(" ");
        }
        line.push(' ');
        line.push_str(n);
    }
    s.push_str(&line);
    s.push('\n');
    s
}

/// Packages apt installed automatically (`Auto-Installed: 1` in extended_states) that nothing else still
/// installed depends on or recommends, once `gone` is removed: what `--auto-remove` also removes.
fn orphans(
    p: &Proc<'_>,
    have: &[(String, String)],
    gone: &[(String, String)],
) -> Vec<(String, String)> {
    let states = read_text(p, "/var/lib/apt/extended_states").unwrap_or_default();
    let mut auto: Vec<String> = Vec::new();
    for stanza in states.split("\n\n") {
        let name = stanza.lines().find_map(|l| l.strip_prefix("Package: "));
        if let (Some(n), true) = (name, stanza.contains("Auto-Installed: 1")) {
            auto.push(n.trim().to_string());
        }
    }
    let all = catalogue::family("deb");
    let staying: Vec<&str> = have
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| !gone.iter().any(|(g, _)| g == n))
        .collect();
    // Everything reachable from the manually installed packages that stay.
    let mut keep: Vec<String> = Vec::new();
    let mut stack: Vec<String> = staying
        .iter()
        .filter(|n| !auto.iter().any(|a| a == *n))
        .map(|n| n.to_string())
        .collect();
    while let Some(n) = stack.pop() {
        if keep.contains(&n) {
            continue;
        }
        if let Some(pk) = all.iter().find(|pk| pk.name == n) {
            for d in pk.deps.iter().chain(&pk.recommends) {
                if let Some(dp) = catalogue::find(&all, d) {
                    stack.push(dp.name.clone());
                }
            }
        }
        keep.push(n);
    }
    have.iter()
        .filter(|(n, _)| staying.contains(&n.as_str()))
        .filter(|(n, _)| auto.contains(n) && !keep.contains(n))
        .cloned()
        .collect()
}

fn remove_pkgs(argv: &[String], o: &Opts, purge: bool, p: &mut Proc<'_>) -> Res<i32> {
    reading(p, o);
    let have = installed(p);
    let all = catalogue::family("deb");
    let mut gone: Vec<(String, String)> = Vec::new();
    for raw in &o.names {
        match have.iter().find(|(n, _)| n == raw) {
            Some((n, v)) => gone.push((n.clone(), v.clone())),
            None => {
                if catalogue::find(&all, raw).is_some() {
                    out(
                        p,
                        &format!("Package '{raw}' is not installed, so not removed\n"),
                    );
                } else {
                    err(p, &format!("E: Unable to locate package {raw}\n"));
                    return Ok(100);
                }
            }
        }
    }
    if o.auto_remove {
        for (n, v) in orphans(p, &have, &gone) {
            if !gone.iter().any(|(g, _)| *g == n) {
                gone.push((n, v));
            }
        }
    }
    if gone.is_empty() {
        out(
            p,
            "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n",
        );
        return Ok(0);
    }
    let names: Vec<&str> = gone.iter().map(|(n, _)| n.as_str()).collect();
    let mut text = String::from("The following packages will be REMOVED:\n");
    text.push_str(&wrap(&names));
    let _ = writeln!(
        text,
        "0 upgraded, 0 newly installed, {} to remove and 0 not upgraded.",
        gone.len()
    );
    out(p, &text);
    if !o.yes {
        out(p, "Do you want to continue? [Y/n] ");
        let answer = String::from_utf8_lossy(p.stdin).trim().to_ascii_lowercase();
        if !answer.starts_with('y') {
            out(p, "Abort.\n");
            return Ok(1);
        }
    }
    let mut removed = 0;
    let mut status = read_text(p, STATUS).unwrap_or_default();
    for (n, v) in &gone {
        out(p, &format!("Removing {n} ({v}) ...\n"));
        let info = info_stem(p, n);
        let list = read_text(p, &format!("{info}.list")).unwrap_or_default();
        let mut paths: Vec<&str> = list.lines().collect();
        // Files first, then directories deepest first; directories others still use stay.
        strata_image::sort::sort_by_key(&mut paths, |s| std::cmp::Reverse(s.len()));
        for path in paths {
            match p.fs.lstat(path) {
                Ok(st) if st.is_dir() => {
                    if p.fs.read_dir(path).map(|v| v.is_empty()).unwrap_or(false) {
                        remove(p, path);
                    }
                }
                Ok(_) => {
                    remove(p, path);
                    removed += 1;
                }
                Err(_) => {}
            }
        }
        for ext in ["list", "md5sums", "shlibs", "triggers"] {
            remove(p, &format!("{info}.{ext}"));
        }
        status = status
            .split("\n\n")
            .filter(|s| !s.lines().any(|l| l == format!("Package: {n}")))
            .filter(|s| !s.trim().is_empty())
            .map(|s| format!("{}\n\n", s.trim_end()))
            .collect();
    }
    put_text(p, STATUS, &status, 0o644)?;
    let _ = o.auto_remove;
    note(
        p,
        argv,
        format!(
            "{} {} ({removed} files); in the image the files are only hidden by whiteouts, the lower layers keep their bytes",
            if purge { "purged" } else { "removed" },
            names.join(", ")
        ),
    );
    Ok(0)
}

/// The name dpkg prints and files a package under: `libbrotli1:amd64` for a `Multi-Arch: same` package
/// (in bookworm and jammy, the architecture-specific `lib*` packages other than `libc-bin`), else the name.
/// A rule, not per-package data: checked against a real install in `strata-cli/tests/it/apt_model.rs`.
pub(crate) fn dpkg_name(pk: &catalogue::Pkg) -> String {
    if pk.name.starts_with("lib") && pk.arch != "all" && pk.name != "libc-bin" {
        format!("{}:{}", pk.name, pk.arch)
    } else {
        pk.name.clone()
    }
}

/// `/var/lib/dpkg/info/NAME` or `…/NAME:amd64`, whichever the installed package uses (the path without
/// extension).
pub(crate) fn info_stem(p: &Proc<'_>, name: &str) -> String {
    let plain = format!("/var/lib/dpkg/info/{name}");
    let arch = format!("{plain}:amd64");
    if p.fs.lstat(&format!("{arch}.list")).is_ok() {
        arch
    } else {
        plain
    }
}

/// A package's `.list` as dpkg writes it: `/.`, then every directory it has a file under, then the files.
fn dpkg_list(paths: &[String]) -> String {
    let mut all: Vec<String> = vec!["/.".to_string()];
    for path in paths {
        let mut at = 0;
        while let Some(i) = path[at + 1..].find('/') {
            at += i + 1;
            let dir = &path[..at];
            if !all.iter().any(|d| d == dir) {
                all.push(dir.to_string());
            }
        }
        if !all.iter().any(|d| d == path) {
            all.push(path.clone());
        }
    }
    all.iter().map(|s| format!("{s}\n")).collect()
}

/// A copyright file and a Debian changelog for a catalogue package that lists no documentation (every
/// Debian package ships both): modelled content of plausible size. Returns the paths written.
fn default_docs(p: &mut Proc<'_>, pk: &catalogue::Pkg) -> Res<Vec<String>> {
    let dir = format!("/usr/share/doc/{}", pk.name);
    if pk.placeholder || pk.files.iter().any(|f| f.path.starts_with(&dir)) {
        return Ok(Vec::new());
    }
    put_dir(p, &dir, 0o755)?;
    let seed = crate::base::fnv(&[&pk.name, "doc"]);
    let mut written = Vec::new();
    for (name, size) in [
        ("changelog.Debian.gz", 1200 + seed % 6000),
        ("copyright", 1400 + (seed >> 16) % 9000),
    ] {
        let path = format!("{dir}/{name}");
        put_file(p, &path, Content::modelled(size, seed ^ size), 0o644)?;
        written.push(path);
    }
    Ok(written)
}

/// The `.shlibs` of a package with shared libraries (`libbrotlicommon 1 libbrotli1 (>= 1.0.9)`), or None.
fn shlibs(pk: &catalogue::Pkg) -> Option<String> {
    let mut out = String::new();
    for f in &pk.files {
        let name = f.path.rsplit('/').next().unwrap_or_default();
        let Some((lib, rest)) = name.split_once(".so.") else {
            continue;
        };
        if !matches!(f.kind, catalogue::FileKind::Symlink(_)) || rest.contains('.') {
            continue;
        }
        let upstream = pk.version.split(['-', '+']).next().unwrap_or(&pk.version);
        let upstream = upstream.split(':').next_back().unwrap_or(upstream);
        let _ = writeln!(out, "{lib} {rest} {} (>= {upstream})", pk.name);
    }
    (!out.is_empty()).then_some(out)
}

/// What the libc-bin trigger's `ldconfig` rewrites: `/etc/ld.so.cache` (longer by an entry per new
/// library) and `/var/cache/ldconfig/aux-cache`.
fn rerun_ldconfig(p: &mut Proc<'_>, plan: &[catalogue::Pkg]) -> Res<()> {
    let new_libs = plan
        .iter()
        .flat_map(|pk| pk.files.iter())
        .filter(|f| f.path.contains(".so"))
        .count() as u64;
    for (path, mode, per) in [
        ("/etc/ld.so.cache", 0o644, 48),
        ("/var/cache/ldconfig/aux-cache", 0o600, 40),
    ] {
        let old = p.fs.lstat(path).map(|st| st.size()).unwrap_or(4000);
        if path.starts_with("/var/cache/ldconfig") {
            put_dir(p, "/var/cache/ldconfig", 0o700)?;
        }
        let size = old + per * new_libs;
        put_file(p, path, Content::modelled(size, size), mode)?;
    }
    Ok(())
}

/// debconf rewrites its caches on every install (`config.dat`, `passwords.dat`, `templates.dat`), so each
/// apt-get install layer carries a copy of them.
fn rewrite_debconf_cache(p: &mut Proc<'_>) -> Res<()> {
    for (name, mode) in [
        ("config.dat", 0o644),
        ("passwords.dat", 0o600),
        ("templates.dat", 0o644),
    ] {
        let path = format!("/var/cache/debconf/{name}");
        if let Ok(c) = p.fs.read(&path) {
            put_file(p, &path, c, mode)?;
        }
    }
    Ok(())
}

/// The lock files dpkg and apt open (and so copy up) on every install.
fn dpkg_locks(p: &mut Proc<'_>) -> Res<()> {
    put_dir(p, "/var/cache/apt/archives/partial", 0o700)?;
    put_dir(p, "/var/lib/dpkg/triggers", 0o755)?;
    put_dir(p, "/var/lib/dpkg/updates", 0o755)?;
    for (path, mode) in [
        ("/var/cache/apt/archives/lock", 0o640),
        ("/var/lib/dpkg/lock", 0o640),
        ("/var/lib/dpkg/lock-frontend", 0o640),
        ("/var/lib/dpkg/triggers/Lock", 0o600),
    ] {
        put_file(p, path, Content::empty(), mode)?;
    }
    Ok(())
}

/// Ubuntu's python ships PEP 668's `EXTERNALLY-MANAGED` marker only from 23.04 (lunar) on: on jammy and
/// older, `pip install` as root works (with pip's root-user warning); debian has it from bookworm.
fn no_pep668_marker(p: &Proc<'_>) -> bool {
    if os_id(p) != "ubuntu" {
        return false;
    }
    let text = super::read_text(p, "/etc/os-release").unwrap_or_default();
    let version = text
        .lines()
        .find_map(|l| l.strip_prefix("VERSION_ID="))
        .map(|v| v.trim_matches('"').to_string())
        .unwrap_or_default();
    let (major, minor) = version.split_once('.').unwrap_or((&version, "0"));
    let n = major.parse::<u32>().unwrap_or(0) * 100 + minor.parse::<u32>().unwrap_or(0);
    n > 0 && n < 2304
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_names() {
        assert_eq!(
            list_name(
                "http://deb.debian.org/debian",
                "bookworm/main/binary-amd64/Packages.lz4"
            ),
            "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4"
        );
    }

    #[test]
    fn options() {
        let a: Vec<String> = ["apt-get", "install", "-y", "--no-install-recommends", "vim"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let Ok(o) = parse(&a) else {
            panic!("does not parse")
        };
        assert!(o.yes && o.no_recommends);
        assert_eq!(o.op.as_deref(), Some("install"));
        assert_eq!(o.names, vec!["vim".to_string()]);
    }
}
