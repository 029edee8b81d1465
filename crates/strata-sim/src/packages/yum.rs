//! `yum` (and `dnf`, `microdnf`, answered the same way) on the centos 7 model, and `dnf` (dnf5) on the
//! fedora 41 model: the same run with Fedora's catalogue packages (`.fc41`), cache (`/var/cache/libdnf5`),
//! rpm database (`/usr/lib/sysimage/rpm/rpmdb.sqlite`) and history; printed in yum's format (dnf5's tables
//! differ; its note says so).

use std::fmt::Write as _;

use strata_image::Content;

use super::catalogue::{self, Pkg};
use super::{
    append_text, civil, closure, err, install_files, note, out, put_dir, put_file, remove, Res,
};
use crate::base::fnv;
use crate::exec::Proc;

const CACHE: &str = "/var/cache/yum/x86_64/7";
/// dnf5's cache on Fedora.
const DNF5_CACHE: &str = "/var/cache/libdnf5";
/// The repository metadata dnf5 keeps in its cache after the first run on fedora 41: (repo directory, file,
/// size). The directories' hash suffixes are made up; the sizes are those of Fedora 41's repositories.
const DNF5_METADATA: [(&str, &str, u64); 8] = [
    ("fedora-d1a5e5a0e4c6c1b5", "repodata/repomd.xml", 6_720),
    (
        "fedora-d1a5e5a0e4c6c1b5",
        "repodata/primary.xml.zst",
        19_620_000,
    ),
    (
        "fedora-d1a5e5a0e4c6c1b5",
        "repodata/comps.xml.zst",
        1_480_000,
    ),
    ("fedora-d1a5e5a0e4c6c1b5", "solv/fedora.solv", 33_150_000),
    ("updates-8b0a7f2c61d94e33", "repodata/repomd.xml", 6_130),
    (
        "updates-8b0a7f2c61d94e33",
        "repodata/primary.xml.zst",
        11_870_000,
    ),
    (
        "updates-8b0a7f2c61d94e33",
        "repodata/comps.xml.zst",
        1_480_000,
    ),
    ("updates-8b0a7f2c61d94e33", "solv/updates.solv", 19_900_000),
];

/// Which rpm distribution a run is on, and what differs between them: centos 7 (yum) or fedora 41 (dnf5),
/// from `/etc/os-release`.
pub(crate) struct Distro {
    /// The base image model whose `pkg` lines are the installed base system.
    pub(crate) model: &'static str,
    /// The catalogue family of its packages.
    pub(crate) family: &'static str,
    /// Where the package manager caches repository metadata.
    cache: &'static str,
    /// Where the rpm database is.
    rpmdb: &'static str,
    /// The package manager's name in advice (`yum clean all`).
    manager: &'static str,
    /// What a note says of packages the repositories do not have (before their names).
    lacking: &'static str,
    /// What a note adds after their names.
    lacking_hint: &'static str,
    /// When and how the repositories answered as modelled (a note's closing words).
    answered: &'static str,
    /// dnf5 on Fedora rather than yum on CentOS 7: its own cache, `clean`, messages, history and database
    /// files, no yumdb, no plugin header and no signing-key text.
    dnf5: bool,
}

/// CentOS 7 with yum.
static CENTOS7: Distro = Distro {
    model: "centos",
    family: "rpm",
    cache: CACHE,
    rpmdb: "/var/lib/rpm",
    manager: "yum",
    lacking: "not in CentOS 7's base/updates/extras repositories",
    lacking_hint: " (htop, jq, nginx, nodejs are in EPEL: `yum install -y epel-release` first)",
    answered: "as CentOS 7 answered until its end of life in 2024 (the real mirrorlist.centos.org no longer does, and this step now fails with `Could not resolve host: mirrorlist.centos.org`)",
    dnf5: false,
};

/// Fedora 41 with dnf5.
static FEDORA41: Distro = Distro {
    model: "fedora",
    family: "fedora",
    cache: DNF5_CACHE,
    rpmdb: "/usr/lib/sysimage/rpm",
    manager: "dnf",
    lacking: "not in Fedora 41's fedora/updates repositories",
    lacking_hint: "",
    answered: "as Fedora 41's repositories answered (shown in yum's format: dnf5 prints its own tables and imports Fedora's signing key on the first install, neither modelled)",
    dnf5: true,
};

impl Distro {
    /// The distribution of the filesystem `p` runs on (CentOS 7 unless os-release says fedora).
    pub(crate) fn of(p: &Proc<'_>) -> &'static Distro {
        if super::os_id(p) == "fedora" {
            &FEDORA41
        } else {
            &CENTOS7
        }
    }
}

/// Repository metadata yum keeps in its cache after the first run: (repo, file, size).
const METADATA: [(&str, &str, u64); 10] = [
    ("base", "repomd.xml", 3_736),
    ("base", "gen/primary_db.sqlite", 31_897_600),
    (
        "base",
        "6d0c3a488c282fe537794b5946b01e28c7f44db79097bb06826e1c0c88bad5ef-primary.sqlite.bz2",
        6_144_437,
    ),
    ("base", "mirrorlist.txt", 342),
    ("extras", "repomd.xml", 3_010),
    ("extras", "gen/primary_db.sqlite", 1_163_264),
    ("extras", "mirrorlist.txt", 338),
    ("updates", "repomd.xml", 3_009),
    ("updates", "gen/primary_db.sqlite", 56_320_000),
    ("updates", "mirrorlist.txt", 339),
];
/// RPM database files that grow with each install: (file, bytes per KiB installed).
const RPMDB: [&str; 9] = [
    "Packages",
    "Basenames",
    "Dirnames",
    "Name",
    "Providename",
    "Requirename",
    "Sha1header",
    "Sigmd5",
    "Installtid",
];

fn dl_mb(bytes: u64) -> String {
    let m = bytes as f64 / 1_048_576.0;
    if m >= 1.0 {
        format!("{m:.0} M")
    } else {
        format!("{:.0} k", (bytes as f64 / 1024.0).max(1.0))
    }
}

/// Whether a catalogue package (or a base-system one) is installed: its first file exists.
fn is_installed(p: &Proc<'_>, d: &Distro, pk: &Pkg) -> bool {
    let base = crate::base::base_packages(d.model);
    if base.iter().any(|b| b.name == pk.name) {
        return true;
    }
    pk.files
        .iter()
        .find(|f| !matches!(f.kind, catalogue::FileKind::Dir))
        .is_some_and(|f| p.fs.lstat(&f.path).is_ok())
}

/// `vim-enhanced.x86_64 2:7.4.629-8.el7_9`, `tree.x86_64 0:1.6.0-10.el7` (the epoch always shown).
fn full_name(pk: &Pkg) -> String {
    if pk.version.contains(':') {
        format!("{}.{} {}", pk.name, pk.arch, pk.version)
    } else {
        format!("{}.{} 0:{}", pk.name, pk.arch, pk.version)
    }
}

fn nevra(pk: &Pkg) -> String {
    match pk.version.split_once(':') {
        Some((e, v)) => format!("{e}:{}-{v}.{}", pk.name, pk.arch),
        None => format!("{}-{}.{}", pk.name, pk.version, pk.arch),
    }
}

/// Whether the EPEL repository is configured (`yum install epel-release` writes its .repo file).
fn epel_enabled(p: &Proc<'_>) -> bool {
    p.fs.lstat("/etc/yum.repos.d/epel.repo").is_ok()
}

/// Writes the repository metadata the first run caches; whether it did (this run fetched it).
fn cache_metadata(p: &mut Proc<'_>, d: &Distro, quiet: bool) -> Res<bool> {
    if d.dnf5 {
        dnf5_metadata(p, d, quiet)
    } else {
        yum_metadata(p, quiet)
    }
}

/// dnf5's repository metadata, on its first run.
fn dnf5_metadata(p: &mut Proc<'_>, d: &Distro, quiet: bool) -> Res<bool> {
    let first = DNF5_METADATA[0];
    if p.fs
        .lstat(&format!("{}/{}/{}", d.cache, first.0, first.1))
        .is_ok()
    {
        return Ok(false);
    }
    if !quiet {
        out(p, "Updating and loading repositories:\n Fedora 41 - x86_64 - Updates          100% |  11.9 MiB\n Fedora 41 - x86_64                    100% |  19.6 MiB\nRepositories loaded.\n");
    }
    for (repo, f, size) in DNF5_METADATA {
        let path = format!("{}/{repo}/{f}", d.cache);
        put_file(
            p,
            &path,
            Content::modelled(size, fnv(&["dnf5", &path])),
            0o644,
        )?;
    }
    Ok(true)
}

/// yum's repository metadata (and EPEL's, once it is configured), on its first run.
fn yum_metadata(p: &mut Proc<'_>, quiet: bool) -> Res<bool> {
    if epel_enabled(p) && p.fs.lstat(&format!("{CACHE}/epel/repomd.xml")).is_err() {
        if !quiet {
            out(p, " * epel: mirrors.tuna.tsinghua.edu.cn\n");
        }
        for (f, size) in [
            ("repomd.xml", 5_261u64),
            ("gen/primary_db.sqlite", 27_451_392),
        ] {
            let path = format!("{CACHE}/epel/{f}");
            put_file(
                p,
                &path,
                Content::modelled(size, fnv(&["yum", &path])),
                0o644,
            )?;
        }
        put_dir(p, &format!("{CACHE}/epel/packages"), 0o755)?;
    }
    let cached = p.fs.lstat(&format!("{CACHE}/base/repomd.xml")).is_ok();
    if !cached {
        if !quiet {
            out(p, "Determining fastest mirrors\n * base: mirrors.aliyun.com\n * extras: mirrors.aliyun.com\n * updates: mirrors.aliyun.com\n");
        }
        for (repo, f, size) in METADATA {
            let path = format!("{CACHE}/{repo}/{f}");
            put_file(
                p,
                &path,
                Content::modelled(size, fnv(&["yum", &path])),
                0o644,
            )?;
        }
        for repo in ["base", "extras", "updates"] {
            put_dir(p, &format!("{CACHE}/{repo}/packages"), 0o755)?;
            put_file(
                p,
                &format!("{CACHE}/{repo}/cachecookie"),
                Content::empty(),
                0o644,
            )?;
        }
        put_file(
            p,
            &format!("{CACHE}/timedhosts.txt"),
            Content::from_bytes(&b"mirrors.aliyun.com 0.0213\n"[..]),
            0o644,
        )?;
    }
    Ok(!cached)
}

pub(super) fn run(name: &str, argv: &[String], p: &mut Proc<'_>) -> Res<i32> {
    let mut op = None;
    let mut names: Vec<String> = Vec::new();
    let mut yes = false;
    let mut quiet = false;
    for a in argv.iter().skip(1) {
        match a.as_str() {
            "-y" | "--assumeyes" => yes = true,
            "-q" | "--quiet" => quiet = true,
            "-yq" | "-qy" => {
                yes = true;
                quiet = true;
            }
            s if s.starts_with('-') => {}
            s if op.is_none() => op = Some(s.to_string()),
            s => names.push(s.to_string()),
        }
    }
    let d = Distro::of(p);
    let header = if name == "yum" && !d.dnf5 {
        "Loaded plugins: fastestmirror, ovl\n"
    } else {
        ""
    };
    if !quiet {
        out(p, header);
    }
    let Some(op) = op else {
        err(p, "You need to give some command\n");
        return Ok(1);
    };
    if matches!(
        op.as_str(),
        "install" | "remove" | "erase" | "update" | "upgrade" | "clean" | "makecache"
    ) && p.identity.uid != 0
    {
        err(p, "You need to be root to perform this command.\n");
        return Ok(1);
    }
    match op.as_str() {
        "install" => install(argv, &names, yes, quiet, d, p),
        "clean" if d.dnf5 => {
            let mut removed = 0;
            for n in p.fs.read_dir(d.cache).unwrap_or_default() {
                remove(p, &format!("{}/{n}", d.cache));
                removed += 1;
            }
            if !quiet {
                out(
                    p,
                    &format!("Removed {removed} directories. 0 errors occurred.\n"),
                );
            }
            note(
                p,
                argv,
                format!("removed the cached repository metadata under {} ({removed} repository directories); only a later layer's whiteouts hide what an earlier layer cached", d.cache),
            );
            Ok(0)
        }
        "clean" => {
            let mut removed = 0;
            for repo in ["base", "epel", "extras", "updates"] {
                let dir = format!("{CACHE}/{repo}");
                for n in p.fs.read_dir(&dir).unwrap_or_default() {
                    remove(p, &format!("{dir}/{n}"));
                    removed += 1;
                }
            }
            remove(p, &format!("{CACHE}/timedhosts.txt"));
            if !quiet {
                let repos = if epel_enabled(p) {
                    "base epel extras updates"
                } else {
                    "base extras updates"
                };
                out(
                    p,
                    &format!("Cleaning repos: {repos}\nCleaning up list of fastest mirrors\n"),
                );
            }
            note(
                p,
                argv,
                format!("removed the cached repository metadata under {CACHE} ({removed} entries); only a later layer's whiteouts hide what an earlier layer cached"),
            );
            Ok(0)
        }
        "makecache" => {
            cache_metadata(p, d, quiet)?;
            out(p, "Metadata Cache Created\n");
            note(p, argv, format!("wrote repository metadata to {}", d.cache));
            Ok(0)
        }
        "update" | "upgrade" => {
            cache_metadata(p, d, quiet)?;
            out(p, "No packages marked for update\n");
            Ok(0)
        }
        "remove" | "erase" => {
            let all = catalogue::family(d.family);
            let mut removed = Vec::new();
            for n in &names {
                if let Some(pk) = catalogue::find(&all, n).filter(|pk| is_installed(p, d, pk)) {
                    for f in pk.files.iter().rev() {
                        if !matches!(f.kind, catalogue::FileKind::Dir) {
                            remove(p, &f.path);
                        }
                    }
                    removed.push(pk.name.clone());
                } else {
                    out(p, &format!("No Match for argument: {n}\n"));
                }
            }
            if removed.is_empty() {
                out(p, "No Packages marked for removal\n");
                return Ok(0);
            }
            out(
                p,
                &format!("Removed:\n  {}\n\nComplete!\n", removed.join(" ")),
            );
            note(p, argv, format!("removed {}", removed.join(", ")));
            Ok(0)
        }
        "list" | "info" | "search" | "repolist" | "history" => Ok(0),
        other => {
            err(
                p,
                &format!("No such command: {other}. Please use /usr/bin/{name} --help\n"),
            );
            Ok(1)
        }
    }
}

fn install(
    argv: &[String],
    names: &[String],
    yes: bool,
    quiet: bool,
    d: &Distro,
    p: &mut Proc<'_>,
) -> Res<i32> {
    let fetched = cache_metadata(p, d, quiet)?;
    let epel = epel_enabled(p);
    let all = catalogue::family(d.family);
    let mut wanted: Vec<Pkg> = Vec::new();
    let mut text = String::new();
    let mut unavailable = Vec::new();
    let base = crate::base::base_packages(d.model);
    for n in names {
        if let Some(b) = base.iter().find(|b| b.name == *n) {
            let nevra = match b.version.split_once(':') {
                Some((e, v)) => format!("{e}:{}-{v}", b.name),
                None => format!("{}-{}", b.name, b.version),
            };
            if d.dnf5 {
                // dnf5 names the installed package without its epoch.
                let v = b.version.rsplit(':').next().unwrap_or(&b.version);
                let _ = writeln!(
                    text,
                    "Package \"{}-{v}.x86_64\" is already installed.",
                    b.name
                );
                continue;
            }
            let _ = writeln!(
                text,
                "Package {nevra}.x86_64 already installed and latest version"
            );
            continue;
        }
        match catalogue::find(&all, n).filter(|pk| pk.repo != "epel" || epel) {
            Some(pk) if is_installed(p, d, pk) => {
                let _ = writeln!(
                    text,
                    "Package {} already installed and latest version",
                    nevra(pk)
                );
            }
            Some(pk) => wanted.push(pk.clone()),
            None if catalogue::find(&all, n).is_some() => {
                // In EPEL, which is not enabled until `yum install epel-release`.
                let _ = writeln!(text, "No package {n} available.");
                unavailable.push(n.clone());
            }
            None => {
                if catalogue::is_unavailable(d.family, n) || !catalogue::valid_name(n) {
                    let _ = writeln!(text, "No package {n} available.");
                    unavailable.push(n.clone());
                } else {
                    wanted.push(Pkg::placeholder(d.family, n, "0-modelled"));
                }
            }
        }
    }
    let (known, unknown): (Vec<Pkg>, Vec<Pkg>) = wanted.into_iter().partition(|w| !w.placeholder);
    let refs: Vec<&Pkg> = known
        .iter()
        .filter_map(|w| all.iter().find(|a| a.name == w.name))
        .collect();
    let inst = |pk: &Pkg| is_installed(p, d, pk);
    let mut plan: Vec<Pkg> = closure(&all, &refs, &inst).into_iter().cloned().collect();
    plan.extend(unknown);
    if plan.is_empty() {
        text.push_str(if unavailable.is_empty() {
            "Nothing to do\n"
        } else {
            "Error: Nothing to do\n"
        });
        out(p, &text);
        if !unavailable.is_empty() {
            let detail = format!(
                "{}: {}{}",
                d.lacking,
                unavailable.join(", "),
                d.lacking_hint
            );
            note(p, argv, detail);
            return Ok(1);
        }
        return Ok(0);
    }
    let requested = |pk: &Pkg| {
        names
            .iter()
            .any(|n| *n == pk.name || pk.provides.iter().any(|x| x == n))
    };
    text.push_str("Resolving Dependencies\n--> Running transaction check\n");
    for pk in &plan {
        let _ = writeln!(text, "---> Package {} will be installed", full_name(pk));
    }
    text.push_str("--> Finished Dependency Resolution\n\nDependencies Resolved\n\n");
    let rule = "=".repeat(80);
    let _ = writeln!(
        text,
        "{rule}\n {:<24} {:<8} {:<24} {:<12} {:>6}\n{rule}",
        "Package", "Arch", "Version", "Repository", "Size"
    );
    let row = |pk: &Pkg| {
        format!(
            " {:<24} {:<8} {:<24} {:<12} {:>6}\n",
            pk.name,
            pk.arch,
            pk.version,
            pk.repo,
            dl_mb(pk.download())
        )
    };
    text.push_str("Installing:\n");
    for pk in plan.iter().filter(|pk| requested(pk)) {
        text.push_str(&row(pk));
    }
    let deps: Vec<&Pkg> = plan.iter().filter(|pk| !requested(pk)).collect();
    if !deps.is_empty() {
        text.push_str("Installing for dependencies:\n");
        for pk in &deps {
            text.push_str(&row(pk));
        }
    }
    let n_req = plan.len() - deps.len();
    let dl: u64 = plan.iter().map(Pkg::download).sum();
    let size: u64 = plan.iter().map(Pkg::size).sum();
    let _ = write!(
        text,
        "\nTransaction Summary\n{rule}\nInstall  {n_req} Package"
    );
    if !deps.is_empty() {
        let _ = write!(
            text,
            " (+{} Dependent package{})",
            deps.len(),
            if deps.len() == 1 { "" } else { "s" }
        );
    }
    let _ = writeln!(
        text,
        "\n\nTotal download size: {}\nInstalled size: {}",
        dl_mb(dl),
        dl_mb(size)
    );
    if !yes {
        text.push_str("Is this ok [y/d/N]: ");
        let answer = String::from_utf8_lossy(p.stdin).trim().to_ascii_lowercase();
        if !answer.starts_with('y') {
            text.push_str("Exiting on user command\nYour transaction was saved, rerun it with:\n yum load-transaction /tmp/yum_save_tx.2024-11-23.00-00.modelled.yumtx\n");
            out(p, &text);
            note(
                p,
                argv,
                "yum asked for confirmation and read end-of-file (no -y): nothing installed"
                    .to_string(),
            );
            return Ok(1);
        }
    }
    text.push_str("Downloading packages:\n");
    if fetched && !d.dnf5 {
        // The first install imports the CentOS signing key, as the real first `yum install` does.
        if let Some(first) = plan.first() {
            let v = first.version.rsplit(':').next().unwrap_or(&first.version);
            err(
                p,
                &format!(
                    "warning: {CACHE}/{}/packages/{}-{v}.{}.rpm: Header V3 RSA/SHA256 Signature, key ID f4a80eb5: NOKEY\n",
                    first.repo, first.name, first.arch
                ),
            );
            let _ = writeln!(
                text,
                "Public key for {}-{v}.{}.rpm is not installed",
                first.name, first.arch
            );
        }
        text.push_str("Retrieving key from file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7\nImporting GPG key 0xF4A80EB5:\n Userid     : \"CentOS-7 Key (CentOS 7 Official Signing Key) <security@centos.org>\"\n Fingerprint: 6341 ab27 53d7 8a78 a7c2 7bb1 24c6 a8a7 f4a8 0eb5\n Package    : centos-release-7-9.2009.0.el7.centos.x86_64 (@CentOS)\n From       : /etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7\n");
    }
    text.push_str("Running transaction check\nRunning transaction test\nTransaction test succeeded\nRunning transaction\n");
    let total = plan.len();
    let mut files = 0;
    let mut bytes = 0;
    let (y, mo, day, h, mi, s) = civil(p.now.secs);
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = months[(mo as usize).saturating_sub(1).min(11)];
    let mut log = String::new();
    for (i, pk) in plan.iter().enumerate() {
        let w = install_files(p, pk, &|s| s.to_string())?;
        files += w.files;
        bytes += w.bytes;
        let _ = writeln!(text, "  Installing : {:<58} {}/{total}", nevra(pk), i + 1);
        let _ = writeln!(
            log,
            "{month} {day:02} {h:02}:{mi:02}:{s:02} Installed: {}",
            nevra(pk)
        );
        if d.dnf5 {
            // dnf5 keeps no yumdb; its history is one sqlite file (below).
            continue;
        }
        let letter = pk.name.chars().next().unwrap_or('x');
        let ydb = format!(
            "/var/lib/yum/yumdb/{letter}/{:016x}-{}-{}-{}",
            fnv(&[&pk.name]),
            pk.name,
            pk.version.rsplit(':').next().unwrap_or(&pk.version),
            pk.arch
        );
        put_file(
            p,
            &format!("{ydb}/from_repo"),
            Content::from_bytes(pk.repo.clone().into_bytes()),
            0o644,
        )?;
        put_file(
            p,
            &format!("{ydb}/reason"),
            Content::from_bytes(if requested(pk) {
                &b"user"[..]
            } else {
                &b"dep"[..]
            }),
            0o644,
        )?;
    }
    for (i, pk) in plan.iter().enumerate() {
        let _ = writeln!(text, "  Verifying  : {:<58} {}/{total}", nevra(pk), i + 1);
    }
    let _ = y;
    text.push_str("\nInstalled:\n");
    for pk in plan.iter().filter(|pk| requested(pk)) {
        let _ = writeln!(text, "  {}", full_name(pk));
    }
    if !deps.is_empty() {
        text.push_str("\nDependency Installed:\n");
        for pk in &deps {
            let _ = writeln!(text, "  {}", full_name(pk));
        }
    }
    text.push_str("\nComplete!\n");
    if !quiet {
        out(p, &text);
    }
    if d.dnf5 {
        dnf5_databases(p, &log, size, total)?;
    } else {
        // The RPM database grows with every package; yum's history and log too.
        for f in RPMDB {
            let grow = if f == "Packages" {
                size / 40 + 40_960 * total as u64
            } else {
                4096 * total as u64
            };
            grow_modelled(
                p,
                &format!("/var/lib/rpm/{f}"),
                0,
                grow,
                &["rpmdb", f],
                0o644,
            )?;
        }
        for (i, f) in ["__db.001", "__db.002", "__db.003"].iter().enumerate() {
            let size = [24_576u64, 229_376, 1_318_912][i];
            put_file(
                p,
                &format!("/var/lib/rpm/{f}"),
                Content::modelled(size, fnv(&["rpmdb", f])),
                0o644,
            )?;
        }
        let hist = "/var/lib/yum/history/history-2024-11-23.sqlite";
        grow_modelled(p, hist, 24_576, 8_192 * total as u64, &["yumhist"], 0o600)?;
        append_text(p, "/var/log/yum.log", &log)?;
    }
    let placeholders: Vec<&str> = plan
        .iter()
        .filter(|pk| pk.placeholder)
        .map(|pk| pk.name.as_str())
        .collect();
    let list: Vec<&str> = plan.iter().map(|pk| pk.name.as_str()).collect();
    let mut detail: String = format!(
        "installed {} packages from the built-in catalogue ({}): {files} files, {:.1} MB; {} grew",
        plan.len(),
        list.join(", "),
        bytes as f64 / 1e6,
        d.rpmdb
    );
    if fetched {
        let _ = write!(detail, "; the repository metadata cached in {} stays in this layer unless `{} clean all` runs in the same RUN", d.cache, d.manager);
    }
    let _ = write!(detail, "; {}", d.answered);
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

/// The rpm database (sqlite, under /usr/lib/sysimage/rpm), dnf5's transaction history and its log growing
/// with an install of `total` packages of `size` bytes on fedora.
fn dnf5_databases(p: &mut Proc<'_>, log: &str, size: u64, total: usize) -> Res<()> {
    let db = "/usr/lib/sysimage/rpm/rpmdb.sqlite";
    let grow = size / 40 + 40_960 * total as u64;
    grow_modelled(p, db, 0, grow, &["rpmdb", db], 0o644)?;
    let hist = "/usr/lib/sysimage/libdnf5/transaction_history.sqlite";
    grow_modelled(p, hist, 24_576, 8_192 * total as u64, &["dnf5hist"], 0o644)?;
    append_text(p, "/var/log/dnf5.log", log)
}

/// Grows the modelled database file at `path` (`empty` bytes when it is not there yet) by `by` bytes; its
/// seed is `seed` followed by the size it had, so each install writes other bytes.
fn grow_modelled(
    p: &mut Proc<'_>,
    path: &str,
    empty: u64,
    by: u64,
    seed: &[&str],
    mode: u32,
) -> Res<()> {
    let cur = p.fs.stat(path).map(|s| s.size()).unwrap_or(empty);
    let had = cur.to_string();
    let parts: Vec<&str> = seed.iter().copied().chain([had.as_str()]).collect();
    put_file(p, path, Content::modelled(cur + by, fnv(&parts)), mode)
}
