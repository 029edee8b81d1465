//! Modelled package managers: `apk`, `apt-get`/`apt`, `yum`/`dnf`/`microdnf` and `pip`/`pip3`, from a
//! small built-in catalogue (`data/packages.txt`, see `catalogue.rs`).
//!
//! Nothing is downloaded. A modelled install writes the package's catalogue files (binaries and libraries
//! as [`Content::modelled`](strata_image::Content::modelled) with plausible sizes, executables with the
//! exec bit, owned by root, mtime = the run's time), updates the manager's own database
//! (`/lib/apk/db/installed` and `/etc/apk/world`, `/var/lib/dpkg/status` and `info/*.list`,
//! `/var/lib/rpm` and `/var/lib/yum`, `*.dist-info`) and leaves the caches the real tool leaves
//! (`/var/lib/apt/lists/*` after `apt-get update`, `/var/cache/apk/APKINDEX.*` without `--no-cache`,
//! `/var/cache/yum` until `yum clean all`, `/root/.cache/pip` without `--no-cache-dir`) — so the classic
//! image-size lessons show in the layers. Output lines follow the real tools, abbreviated. Every run that
//! changes something pushes a [`Note::Modelled`] naming what was added or removed.
//!
//! The catalogue: for apt (debian bookworm, ubuntu jammy versions) vim, curl, wget, nginx, apache2,
//! net-tools, tree, python3 (+ python3-pip, python3-dev), git, gcc, g++, make, build-essential, openssl,
//! ca-certificates, bash, tzdata, iputils-ping, procps, less, htop, jq, unzip, sudo, openjdk-17 (default-jdk,
//! default-jre), nodejs, npm and their dependencies, with Recommends (installed unless
//! `--no-install-recommends`); for apk (alpine 3.20) the same set under alpine's names (iputils, procps-ng,
//! py3-pip, openjdk17, build-base); for yum (centos 7) vim (vim-enhanced), net-tools, tree, wget, python3,
//! git, gcc, gcc-c++, make, openssl, iputils, less, unzip, sudo, java-1.8.0-openjdk, httpd, and after
//! `epel-release` EPEL's nginx, htop, jq, nodejs, npm (before it: `No package htop available.`); for dnf on
//! fedora 41 Fedora's git, gcc, make, python3-pip, vim, wget, which, tree, unzip, procps-ng (curl is in the
//! image) with their dependencies, under `.fc41` versions; for pip
//! flask, requests, numpy, django, gunicorn, redis, pandas and their dependencies.
//!
//! Known simplifications: on ubuntu the files are debian's (python3.11 paths, libnode108) under jammy's
//! version strings; pip installs the catalogue's versions whatever the python (also on 2.7); `dnf` and
//! `microdnf` answer as yum (on fedora with Fedora's packages, cache and rpm database, in yum's format);
//! `apt-get upgrade` finds nothing to upgrade.
//!
//! Names the catalogue does not have are installed as a labelled placeholder (a README and, outside pip, an
//! executable named after the package), except where the real tool would fail first: `apt-get install`
//! before any `apt-get update` fails with `E: Unable to locate package`, as on a fresh debian or ubuntu image.

mod apk;
mod apt;
mod catalogue;
mod pip;
mod query;
mod yum;

use strata_image::{Attrs, Content, NodeKind};

use crate::exec::{Limit, Note, Proc};

/// Runs the package manager `name` (`apk`, `apt-get`, `apt`, `yum`, `dnf`, `microdnf`, `pip`, `pip3`,
/// `pip3.12`, …; and the database queries `dpkg`, `dpkg-query`, `rpm`) with `argv` (`argv[0]` is the name
/// it was called by) and returns its exit status.
pub fn run(name: &str, argv: &[String], p: &mut Proc<'_>) -> i32 {
    let base = name.rsplit('/').next().unwrap_or(name);
    let res = match base {
        "apk" => apk::run(argv, p),
        "apt-get" | "apt" => apt::run(base, argv, p),
        "yum" | "dnf" | "dnf5" | "microdnf" => yum::run(base, argv, p),
        n if is_pip(n) => pip::run(argv, p),
        "dpkg" | "dpkg-query" => query::dpkg(argv, p),
        "rpm" => query::rpm(argv, p),
        _ => {
            p.notes.push(Note::Unsupported {
                command: argv.join(" "),
                detail: format!("{name} is not a modelled package manager"),
            });
            return 127;
        }
    };
    finish(base, res, p)
}

/// The exit status of a modelled run that returned `res`: a limit hit is noted (137), a filesystem
/// refusal printed under the tool's name (1).
pub(crate) fn finish(base: &str, res: Res<i32>, p: &mut Proc<'_>) -> i32 {
    match res {
        Ok(code) => code,
        Err(Stop::Limit(limit)) => {
            p.notes.push(Note::LimitHit {
                limit,
                detail: format!(
                    "more than {} bytes written to the filesystem",
                    p.budget.limits.max_bytes_written
                ),
            });
            137
        }
        Err(Stop::Fs(msg)) => {
            err(p, &format!("{base}: {msg}\n"));
            1
        }
    }
}

/// `pip`, `pip3`, `pip3.12`, `pip2.7`: the names pip installs itself under.
pub fn is_pip_name(name: &str) -> bool {
    is_pip(name)
}

fn is_pip(name: &str) -> bool {
    name.strip_prefix("pip")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Why a modelled run stopped early.
pub(crate) enum Stop {
    /// A limit of the run.
    Limit(Limit),
    /// The filesystem refused a change.
    Fs(String),
}

impl From<Limit> for Stop {
    fn from(l: Limit) -> Stop {
        Stop::Limit(l)
    }
}

impl From<strata_image::Error> for Stop {
    fn from(e: strata_image::Error) -> Stop {
        Stop::Fs(e.to_string())
    }
}

pub(crate) type Res<T> = Result<T, Stop>;

pub(crate) fn out(p: &mut Proc<'_>, s: &str) {
    p.stdout.extend_from_slice(s.as_bytes());
}

pub(crate) fn err(p: &mut Proc<'_>, s: &str) {
    p.stderr.extend_from_slice(s.as_bytes());
}

pub(crate) fn note(p: &mut Proc<'_>, argv: &[String], detail: String) {
    p.notes.push(Note::Modelled {
        command: argv.join(" "),
        detail,
    });
}

/// `path` made absolute against the working directory.
pub(crate) fn abs(p: &Proc<'_>, path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else if p.cwd.ends_with('/') {
        format!("{}{path}", p.cwd)
    } else {
        format!("{}/{path}", p.cwd)
    }
}

pub(crate) fn read_text(p: &Proc<'_>, path: &str) -> Option<String> {
    let c = p.fs.read(path).ok()?;
    Some(String::from_utf8_lossy(&c.bytes()).into_owned())
}

/// The `ID=` of `/etc/os-release` (`alpine`, `debian`, `ubuntu`, `centos`), or empty.
pub(crate) fn os_id(p: &Proc<'_>) -> String {
    let text = read_text(p, "/etc/os-release").unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix("ID="))
        .map(|v| v.trim_matches('"').to_string())
        .unwrap_or_default()
}

/// The value of an environment variable.
pub(crate) fn env<'a>(p: &'a Proc<'_>, key: &str) -> Option<&'a str> {
    p.env.get(key).map(String::as_str)
}

fn root_attrs(p: &Proc<'_>, mode: u32) -> Attrs {
    Attrs::new(mode, 0, 0, p.now)
}

/// Creates the missing directories of `dir` (0755, root).
pub(crate) fn mkdirs(p: &mut Proc<'_>, dir: &str) -> Res<()> {
    if p.fs.stat(dir).is_ok() {
        return Ok(());
    }
    let a = root_attrs(p, 0o755);
    p.fs.mkdir_all(dir, a)?;
    Ok(())
}

/// A directory with `mode` (its parents 0755), root-owned; an existing one is left alone.
pub(crate) fn put_dir(p: &mut Proc<'_>, path: &str, mode: u32) -> Res<()> {
    if p.fs.stat(path).is_ok_and(|s| s.is_dir()) {
        return Ok(());
    }
    if let Some((parent, _)) = path.rsplit_once('/') {
        if !parent.is_empty() {
            mkdirs(p, parent)?;
        }
    }
    let _ = p.fs.remove_all(path, p.now);
    let a = root_attrs(p, mode);
    p.fs.create(path, a, NodeKind::Dir)?;
    Ok(())
}

/// Writes a whole file (root-owned, `mode`), creating its parents; charged to the byte budget.
pub(crate) fn put_file(p: &mut Proc<'_>, path: &str, content: Content, mode: u32) -> Res<()> {
    p.budget.write(content.len())?;
    if let Some((parent, _)) = path.rsplit_once('/') {
        if !parent.is_empty() {
            mkdirs(p, parent)?;
        }
    }
    if p.fs
        .lstat(path)
        .is_ok_and(|s| !matches!(s.kind, NodeKind::File(_)))
    {
        p.fs.remove_all(path, p.now)?;
    }
    let a = root_attrs(p, mode);
    p.fs.write(path, content, a, p.now)?;
    if p.fs
        .stat(path)
        .is_ok_and(|s| s.attrs.mode != mode || s.attrs.uid != 0)
    {
        p.fs.set_mode(path, mode)?;
        p.fs.set_owner(path, 0, 0)?;
    }
    Ok(())
}

pub(crate) fn put_text(p: &mut Proc<'_>, path: &str, text: &str, mode: u32) -> Res<()> {
    put_file(p, path, Content::from_bytes(text.as_bytes()), mode)
}

/// Appends to a text file (created 0644 if missing).
pub(crate) fn append_text(p: &mut Proc<'_>, path: &str, text: &str) -> Res<()> {
    let mut cur = read_text(p, path).unwrap_or_default();
    cur.push_str(text);
    let mode = p.fs.stat(path).map(|s| s.attrs.mode).unwrap_or(0o644);
    put_text(p, path, &cur, mode)
}

pub(crate) fn put_symlink(p: &mut Proc<'_>, path: &str, target: &str) -> Res<()> {
    if let Some((parent, _)) = path.rsplit_once('/') {
        if !parent.is_empty() {
            mkdirs(p, parent)?;
        }
    }
    if p.fs.lstat(path).is_ok() {
        p.fs.remove_all(path, p.now)?;
    }
    let a = root_attrs(p, 0o777);
    p.fs.create(path, a, NodeKind::Symlink(target.to_string()))?;
    Ok(())
}

/// Removes a path if it is there.
pub(crate) fn remove(p: &mut Proc<'_>, path: &str) {
    if p.fs.lstat(path).is_ok() {
        let _ = p.fs.remove_all(path, p.now);
    }
}

/// What an install wrote.
#[derive(Default)]
pub(crate) struct Written {
    pub(crate) files: u64,
    pub(crate) bytes: u64,
    /// The paths written, in order.
    pub(crate) paths: Vec<String>,
}

/// Writes a package's files, each path mapped by `map` (pip's `@site/`), and returns what it wrote.
pub(crate) fn install_files(
    p: &mut Proc<'_>,
    pkg: &catalogue::Pkg,
    map: &dyn Fn(&str) -> String,
) -> Res<Written> {
    let mut w = Written::default();
    for f in &pkg.files {
        let path = map(&f.path);
        match &f.kind {
            catalogue::FileKind::Dir => put_dir(p, &path, f.mode)?,
            catalogue::FileKind::File(c) => {
                put_file(p, &path, c.clone(), f.mode)?;
                w.files += 1;
                w.bytes += c.len();
            }
            catalogue::FileKind::Symlink(t) => {
                put_symlink(p, &path, t)?;
                w.files += 1;
            }
        }
        w.paths.push(path);
    }
    Ok(w)
}

/// A byte count the way apt prints it (`8960 kB`, `41.8 MB`): SI units, at most four digits.
pub(crate) fn si(bytes: u64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 10000.0 && u + 1 < units.len() {
        v /= 1000.0;
        u += 1;
    }
    if v < 100.0 && u > 0 {
        format!("{v:.1} {}", units[u])
    } else {
        format!("{v:.0} {}", units[u])
    }
}

/// Civil date and time (UTC) of a Unix time: (year, month, day, hour, minute, second).
pub(crate) fn civil(secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = if m <= 2 { y + 1 } else { y };
    (
        y,
        m,
        d,
        (rem / 3600) as u32,
        (rem % 3600 / 60) as u32,
        (rem % 60) as u32,
    )
}

/// `2026-11-23 13:05:09`.
pub(crate) fn datetime(p: &Proc<'_>) -> String {
    let (y, mo, d, h, mi, s) = civil(p.now.secs);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
}

/// One `/var/lib/dpkg/status` stanza.
pub(crate) fn dpkg_stanza(name: &str, version: &str, size_kb: u64, priority: &str) -> String {
    format!(
        "Package: {name}\nStatus: install ok installed\nPriority: {priority}\nInstalled-Size: {size_kb}\nArchitecture: amd64\nVersion: {version}\n\n"
    )
}

/// One `/lib/apk/db/installed` stanza.
pub(crate) fn apk_stanza(name: &str, version: &str, size_kb: u64) -> String {
    format!("P:{name}\nV:{version}\nA:x86_64\nI:{}\n\n", size_kb * 1024)
}

/// Dependencies first, each package once: the order a manager installs `wanted` and what they need.
pub(crate) fn closure<'a>(
    all: &'a [catalogue::Pkg],
    wanted: &[&'a catalogue::Pkg],
    installed: &dyn Fn(&catalogue::Pkg) -> bool,
) -> Vec<&'a catalogue::Pkg> {
    fn visit<'a>(
        all: &'a [catalogue::Pkg],
        p: &'a catalogue::Pkg,
        installed: &dyn Fn(&catalogue::Pkg) -> bool,
        seen: &mut Vec<String>,
        out: &mut Vec<&'a catalogue::Pkg>,
    ) {
        if seen.contains(&p.name) {
            return;
        }
        seen.push(p.name.clone());
        for d in &p.deps {
            if let Some(dp) = catalogue::find(all, d) {
                if !installed(dp) {
                    visit(all, dp, installed, seen, out);
                }
            }
        }
        out.push(p);
    }
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for p in wanted {
        visit(all, p, installed, &mut seen, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn si_sizes() {
        assert_eq!(si(8_960_000), "8960 kB");
        assert_eq!(si(41_800_000), "41.8 MB");
        assert_eq!(si(123_000), "123 kB");
        assert_eq!(si(512), "512 B");
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil(0), (1970, 1, 1, 0, 0, 0));
        assert_eq!(civil(1_731_283_200), (2024, 11, 11, 0, 0, 0));
    }
}
