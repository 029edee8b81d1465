//! The busybox applets: each takes the shell (filesystem, cwd, identity, limits), its argv and its
//! standard streams, and returns an exit status. Messages follow busybox's wording.

pub mod adduser_debian;
pub mod awk;
pub mod checksum;
pub mod crontab;
pub mod dd;
pub mod dump;
pub mod env;
pub mod expr;
pub mod factor;
pub mod find;
pub use strata_build::printf as format;
pub mod fs;
pub mod getopt;
pub mod grep;
pub mod gzip;
pub mod longopts;
pub mod passwd;
pub mod patch;
pub mod printf;
pub mod run_parts;
pub mod sed;
pub mod sort;
pub mod sys;
pub mod tabs;
pub mod tar;
pub mod text;
pub mod unzip;

use strata_image::{Error, NodeKind, Overlay, Stat};

use super::interp::{Ctl, Input, Run, Shell};
use crate::exec::Proc;

/// An applet's standard streams.
pub struct Io {
    /// Standard input.
    pub input: Input,
    /// Standard output.
    pub out: Vec<u8>,
    /// Standard error.
    pub err: Vec<u8>,
    /// The applet's name (for messages).
    pub name: String,
    /// An operand could not be read (set by [`inputs`]).
    pub failed: bool,
    /// Output already ordered with error messages: (is stderr, bytes), written before `out`/`err`.
    pub seq: Vec<(bool, Vec<u8>)>,
}

impl Io {
    /// All of stdin (consumed).
    pub fn stdin_all(&mut self) -> Vec<u8> {
        let v = self.input.rest().to_vec();
        self.input.consume_all();
        v
    }

    /// Prints `name: msg` on stderr (after what stdout has so far, as a terminal would show it).
    pub fn err(&mut self, msg: &str) {
        if !self.err.is_empty() {
            let err = std::mem::take(&mut self.err);
            self.seq.push((true, err));
        }
        if !self.out.is_empty() {
            let out = std::mem::take(&mut self.out);
            self.seq.push((false, out));
        }
        let mut line = Vec::with_capacity(self.name.len() + msg.len() + 3);
        line.extend_from_slice(self.name.as_bytes());
        line.extend_from_slice(b": ");
        line.extend_from_slice(msg.as_bytes());
        line.push(b'\n');
        self.seq.push((true, line));
    }

    /// busybox's usage message on stderr (the banner, then `text`: `Usage: …` and the help).
    pub fn usage(&mut self, text: &str) {
        self.err.extend_from_slice(
            b"BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n\n",
        );
        self.err.extend_from_slice(text.trim_end().as_bytes());
        self.err.push(b'\n');
    }

    /// Writes text to stdout.
    pub fn print(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
    }
}

/// An applet function.
pub type Applet = fn(&mut Shell<'_>, &[String], &mut Io) -> Result<i32, Ctl>;

/// Every simulated applet, by name.
pub const NAMES: &[&str] = &[
    "[",
    "[[",
    "adduser",
    "awk",
    "addgroup",
    "base64",
    "basename",
    "cat",
    "chgrp",
    "chmod",
    "chown",
    "clear",
    "cmp",
    "cp",
    "cut",
    "date",
    "deluser",
    "delgroup",
    "df",
    "diff",
    "dirname",
    "du",
    "echo",
    "env",
    "expr",
    "false",
    "find",
    "free",
    "getent",
    "grep",
    "egrep",
    "fgrep",
    "groups",
    "head",
    "hostname",
    "id",
    "install",
    "kill",
    "ln",
    "logname",
    "ls",
    "md5sum",
    "mkdir",
    "mkfifo",
    "mknod",
    "mktemp",
    "mv",
    "nl",
    "nohup",
    "nproc",
    "od",
    "pidof",
    "printenv",
    "printf",
    "ps",
    "pwd",
    "readlink",
    "realpath",
    "rev",
    "rm",
    "rmdir",
    "sed",
    "seq",
    "sha1sum",
    "sha256sum",
    "sha512sum",
    "sleep",
    "sort",
    "stat",
    "sync",
    "tac",
    "su",
    "chpasswd",
    "paste",
    "fold",
    "comm",
    "gzip",
    "gunzip",
    "zcat",
    "hexdump",
    "xxd",
    "tail",
    "tar",
    "tee",
    "test",
    "time",
    "timeout",
    "touch",
    "tr",
    "true",
    "truncate",
    "tty",
    "uname",
    "uniq",
    "unlink",
    "uptime",
    "usleep",
    "wc",
    "which",
    "whoami",
    "xargs",
    "yes",
    "arch",
    "dd",
    "dos2unix",
    "getopt",
    "link",
    "nologin",
    "setsid",
    "strings",
    "unix2dos",
    "unzip",
    "crontab",
    "passwd",
    "patch",
    "expand",
    "unexpand",
    "factor",
    "run-parts",
    "more",
    "less",
    "shuf",
    "crc32",
    "logger",
];

/// The applets of the reference busybox build (busybox-static 1.35, `busybox --list`).
const BUSYBOX_APPLETS: &str = include_str!("busybox_applets.txt");

/// What the reference busybox's `--list` prints: its applets and `busybox`, sorted.
pub fn busybox_list() -> Vec<&'static str> {
    let mut v: Vec<&str> = BUSYBOX_APPLETS.split_whitespace().collect();
    v.push("busybox");
    strata_image::sort::sort(&mut v);
    v.dedup();
    v
}

/// Whether real busybox has an applet `name` (simulated or not).
pub fn is_busybox_applet(name: &str) -> bool {
    name == "busybox" || BUSYBOX_APPLETS.split_whitespace().any(|n| n == name)
}

/// Commands of other distributions' user tools (shadow-utils), simulated when the image has them.
pub const SHADOW_TOOLS: &[&str] = &["useradd", "groupadd", "usermod"];

/// Whether `name` is a simulated applet.
pub fn is_applet(name: &str) -> bool {
    NAMES.contains(&name) || SHADOW_TOOLS.contains(&name)
}

fn lookup(name: &str) -> Option<Applet> {
    Some(match name {
        "echo" => printf::echo,
        "hexdump" | "xxd" => dump::hexdump,
        "paste" => text::paste,
        "fold" => text::fold,
        "comm" => text::comm,
        "gzip" | "gunzip" | "zcat" => gzip::gzip,
        "tar" => tar::tar,
        "awk" => awk::awk,
        "printf" => printf::printf,
        "cat" => text::cat,
        "head" => text::head,
        "tail" => text::tail,
        "wc" => text::wc,
        "grep" | "egrep" | "fgrep" => grep::grep,
        "sed" => sed::sed,
        "cut" => text::cut,
        "tr" => text::tr,
        "sort" => sort::sort,
        "uniq" => text::uniq,
        "tee" => text::tee,
        "seq" => text::seq,
        "basename" => text::basename,
        "dirname" => text::dirname,
        "yes" => text::yes,
        "md5sum" | "sha256sum" | "sha1sum" | "sha512sum" => checksum::checksum,
        "expr" => expr::expr,
        "rev" => text::rev,
        "tac" => text::tac,
        "nl" => text::nl,
        "base64" => dump::base64,
        "od" => dump::od,
        "cmp" => text::cmp,
        "diff" => text::diff,
        "xargs" => sys::xargs,
        "test" | "[" | "[[" => sys::test,
        "true" => sys::true_,
        "false" => sys::false_,
        "sleep" | "usleep" | "sync" | "clear" => sys::sleep,
        "id" | "groups" => sys::id,
        "whoami" | "logname" => sys::whoami,
        "env" | "printenv" => env::env,
        "hostname" => sys::hostname,
        "uname" => sys::uname,
        "date" => sys::date,
        "nproc" => sys::nproc,
        "which" => sys::which,
        "adduser" => sys::adduser,
        "addgroup" => sys::addgroup,
        "deluser" | "delgroup" => sys::deluser,
        "useradd" => sys::useradd,
        "usermod" => sys::usermod,
        "chpasswd" => sys::chpasswd,
        "su" => sys::su,
        "groupadd" => sys::groupadd,
        "getent" => sys::getent,
        "kill" => sys::kill,
        "pwd" => sys::pwd,
        "nohup" | "time" | "timeout" | "setsid" => sys::nohup,
        "arch" => sys::arch,
        "nologin" => sys::nologin,
        "dd" => dd::dd,
        "getopt" => getopt::getopt,
        "unzip" => unzip::unzip,
        "crontab" => crontab::crontab,
        "passwd" => passwd::passwd,
        "patch" => patch::patch,
        "expand" | "unexpand" => tabs::expand,
        "factor" => factor::factor,
        "more" | "less" => text::pager,
        "shuf" => sort::shuf,
        "crc32" => checksum::crc32,
        "logger" => sys::logger,
        "run-parts" => run_parts::run_parts,
        "link" => fs::link,
        "dos2unix" | "unix2dos" => text::dos2unix,
        "strings" => dump::strings,
        "ps" => sys::ps,
        "pidof" => sys::pidof,
        "tty" => sys::tty,
        "uptime" | "free" | "df" => sys::uptime,
        "ls" => fs::ls,
        "touch" => fs::touch,
        "mkdir" => fs::mkdir,
        "rm" => fs::rm,
        "rmdir" => fs::rmdir,
        "unlink" => fs::unlink,
        "cp" => fs::cp,
        "install" => fs::install,
        "mv" => fs::mv,
        "ln" => fs::ln,
        "chmod" => fs::chmod,
        "chown" | "chgrp" => fs::chown,
        "stat" => fs::stat,
        "readlink" => fs::readlink,
        "realpath" => fs::realpath_applet,
        "du" => fs::du,
        "mkfifo" | "mknod" => fs::mkfifo,
        "find" => find::find,
        "mktemp" => fs::mktemp,
        "truncate" => fs::truncate,
        _ => return None,
    })
}

/// Runs applet `name`, writing its output to the shell's descriptors; `None` if there is no such applet.
pub fn run_applet(sh: &mut Shell<'_>, name: &str, argv: &[String]) -> Option<Run> {
    let f = lookup(name)?;
    Some(run_with(sh, name, f, argv))
}

fn run_with(sh: &mut Shell<'_>, name: &str, f: Applet, argv: &[String]) -> Run {
    sh.step()?;
    let mut io = Io {
        input: sh.stdin(),
        out: Vec::new(),
        err: Vec::new(),
        name: name.to_owned(),
        failed: false,
        seq: Vec::new(),
    };
    let r = f(sh, argv, &mut io);
    for (is_err, bytes) in std::mem::take(&mut io.seq) {
        sh.write_fd(if is_err { 2 } else { 1 }, &bytes)?;
    }
    sh.write_fd(1, &io.out)?;
    sh.write_fd(2, &io.err)?;
    r
}

/// Hands a package manager command to [`crate::packages::run`].
pub fn run_package_manager(sh: &mut Shell<'_>, name: &str, argv: &[String]) -> Run {
    run_proc(sh, &[], |p| crate::packages::run(name, argv, p))
}

/// Runs a modelled program (a package manager, a build tool) as a [`Proc`] on the shell's filesystem,
/// environment (plus `extra_env`) and streams, and returns its exit status.
pub fn run_proc(
    sh: &mut Shell<'_>,
    extra_env: &[(&str, &str)],
    f: impl FnOnce(&mut Proc<'_>) -> i32,
) -> Run {
    let mut env = sh.env_map();
    for (k, v) in extra_env {
        env.insert((*k).to_owned(), (*v).to_owned());
    }
    let cwd = sh.st.cwd.clone();
    let identity = sh.identity.clone();
    let input = sh.stdin();
    let stdin = input.rest().to_vec();
    input.consume_all();
    let mut out = Vec::new();
    let mut err = Vec::new();
    let umask = sh.st.umask;
    let now = sh.now;
    let cache_mounts = sh.cache_mounts.clone();
    let status = {
        let mut p = Proc {
            fs: sh.fs,
            env: &env,
            cwd: &cwd,
            identity: &identity,
            umask,
            now,
            stdin: &stdin,
            stdout: &mut out,
            stderr: &mut err,
            notes: &mut sh.notes,
            budget: &mut sh.budget,
            cache_mounts: &cache_mounts,
        };
        f(&mut p)
    };
    sh.write_fd(1, &out)?;
    sh.write_fd(2, &err)?;
    if let Some(l) = sh.limit_hit {
        return Err(Ctl::Limit(l));
    }
    if sh.budget.steps > sh.budget.limits.max_steps {
        return Err(sh.limit(crate::exec::Limit::Steps));
    }
    if sh.budget.bytes_written > sh.budget.limits.max_bytes_written {
        return Err(sh.limit(crate::exec::Limit::BytesWritten));
    }
    Ok(status)
}

/// The text of an errno for a filesystem error, as `strerror` words it.
pub fn errno_msg(e: &Error) -> &'static str {
    match e {
        Error::NotFound(_) => "No such file or directory",
        Error::NotADirectory(_) => "Not a directory",
        Error::IsADirectory(_) => "Is a directory",
        Error::AlreadyExists(_) => "File exists",
        Error::DirectoryNotEmpty(_) => "Directory not empty",
        Error::TooManyLinks(_) => "Symbolic link loop",
        Error::CrossDevice(_) => "Invalid cross-device link",
        Error::ReadOnly(_) => "Read-only file system",
        _ => "Invalid argument",
    }
}

/// The canonical path of `path` (all symlinks resolved), if it exists.
pub fn realpath(fs: &Overlay, path: &str) -> Option<String> {
    let mut todo: Vec<String> = path
        .split('/')
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect();
    todo.reverse();
    let mut cur: Vec<String> = Vec::new();
    let mut links = 0;
    while let Some(c) = todo.pop() {
        match c.as_str() {
            "." => continue,
            ".." => {
                cur.pop();
                continue;
            }
            _ => {}
        }
        cur.push(c);
        let p = format!("/{}", cur.join("/"));
        let st = fs.lstat(&p).ok()?;
        if let NodeKind::Symlink(t) = st.kind {
            links += 1;
            if links > 40 {
                return None;
            }
            cur.pop();
            if t.starts_with('/') {
                cur.clear();
            }
            let mut parts: Vec<String> = t
                .split('/')
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect();
            parts.reverse();
            todo.extend(parts);
        }
    }
    Some(format!("/{}", cur.join("/")))
}

/// Parses `/etc/passwd` or `/etc/group` into rows of fields.
pub fn db(fs: &Overlay, file: &str) -> Vec<Vec<String>> {
    let Ok(c) = fs.read(file) else {
        return Vec::new();
    };
    parse_db(&c)
}

/// [`db`] as the running identity sees it: nothing when it may not read the file.
pub fn db_as(sh: &Shell<'_>, file: &str) -> Vec<Vec<String>> {
    match sh.fs.stat(file) {
        Ok(st) if may(sh, &st, 4) => db(sh.fs, file),
        _ => Vec::new(),
    }
}

/// User name of `uid`, if the running identity can read /etc/passwd.
pub fn user_name_as(sh: &Shell<'_>, uid: u32) -> Option<String> {
    db_as(sh, "/etc/passwd")
        .into_iter()
        .find(|f| f.len() > 2 && f[2].parse::<u32>().ok() == Some(uid))
        .map(|f| f[0].clone())
}

/// Group name of `gid`, if the running identity can read /etc/group.
pub fn group_name_as(sh: &Shell<'_>, gid: u32) -> Option<String> {
    db_as(sh, "/etc/group")
        .into_iter()
        .find(|f| f.len() > 2 && f[2].parse::<u32>().ok() == Some(gid))
        .map(|f| f[0].clone())
}

fn parse_db(c: &strata_image::Content) -> Vec<Vec<String>> {
    String::from_utf8_lossy(&c.bytes())
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(':').map(str::to_owned).collect())
        .collect()
}

/// User name of `uid`.
pub fn user_name(fs: &Overlay, uid: u32) -> Option<String> {
    db(fs, "/etc/passwd")
        .into_iter()
        .find(|f| f.len() > 2 && f[2].parse::<u32>().ok() == Some(uid))
        .map(|f| f[0].clone())
}

/// Group name of `gid`.
pub fn group_name(fs: &Overlay, gid: u32) -> Option<String> {
    db(fs, "/etc/group")
        .into_iter()
        .find(|f| f.len() > 2 && f[2].parse::<u32>().ok() == Some(gid))
        .map(|f| f[0].clone())
}

/// `ls -l`'s mode string (`-rw-r--r--`).
pub fn mode_string(st: &Stat) -> String {
    let t = match st.kind {
        NodeKind::File(_) => '-',
        NodeKind::Dir => 'd',
        NodeKind::Symlink(_) => 'l',
        NodeKind::CharDevice { .. } => 'c',
        NodeKind::BlockDevice { .. } => 'b',
        NodeKind::Fifo => 'p',
    };
    let m = st.attrs.mode;
    let mut s = String::new();
    s.push(t);
    let bit = |b: u32, c: char| if m & b != 0 { c } else { '-' };
    s.push(bit(0o400, 'r'));
    s.push(bit(0o200, 'w'));
    s.push(match (m & 0o100 != 0, m & 0o4000 != 0) {
        (true, true) => 's',
        (false, true) => 'S',
        (true, false) => 'x',
        _ => '-',
    });
    s.push(bit(0o40, 'r'));
    s.push(bit(0o20, 'w'));
    s.push(match (m & 0o10 != 0, m & 0o2000 != 0) {
        (true, true) => 's',
        (false, true) => 'S',
        (true, false) => 'x',
        _ => '-',
    });
    s.push(bit(0o4, 'r'));
    s.push(bit(0o2, 'w'));
    s.push(match (m & 0o1 != 0, m & 0o1000 != 0) {
        (true, true) => 't',
        (false, true) => 'T',
        (true, false) => 'x',
        _ => '-',
    });
    s
}

/// Whether the running identity may access `st` with `want` (4 read, 2 write, 1 exec); root may always.
pub fn may(sh: &Shell<'_>, st: &Stat, want: u32) -> bool {
    if sh.identity.uid == 0 {
        return want & 1 == 0 || st.is_dir() || st.attrs.mode & 0o111 != 0;
    }
    let m = st.attrs.mode;
    let bits = if st.attrs.uid == sh.identity.uid {
        (m >> 6) & 7
    } else if st.attrs.gid == sh.identity.gid || sh.identity.groups.contains(&st.attrs.gid) {
        (m >> 3) & 7
    } else {
        m & 7
    };
    bits & want == want
}

/// Whether a new entry may be created in (or removed from) the directory holding `path`.
pub fn may_write_parent(sh: &Shell<'_>, path: &str) -> bool {
    if sh.identity.uid == 0 {
        return true;
    }
    let parent = parent_of(path);
    match sh.fs.stat(&parent) {
        Ok(st) => may(sh, &st, 3),
        Err(_) => true,
    }
}

/// The directory part of an absolute path.
pub fn parent_of(path: &str) -> String {
    let t = path.trim_end_matches('/');
    match t.rfind('/') {
        Some(0) | None => "/".to_owned(),
        Some(i) => t[..i].to_owned(),
    }
}

/// Parsed options: each letter with its value, in order.
pub type Flags = Vec<(char, Option<String>)>;

/// Whether option `c` was given.
pub fn has_flag(flags: &Flags, c: char) -> bool {
    flags.iter().any(|(f, _)| *f == c)
}

/// The value of the last `-c VALUE` given.
pub fn flag_value(flags: &Flags, c: char) -> Option<String> {
    flags
        .iter()
        .rev()
        .find(|(f, _)| *f == c)
        .and_then(|(_, v)| v.clone())
}

/// Splits argv into options (single letters, possibly bundled, with `takes` taking a value) and operands.
/// Returns (flags in order with optional values, operands) or the bad option.
pub fn getopt(args: &[String], takes: &str) -> Result<(Flags, Vec<String>), char> {
    let mut flags = Vec::new();
    let mut ops = Vec::new();
    let mut i = 0;
    let mut only_ops = false;
    while i < args.len() {
        let a = &args[i];
        if only_ops || !a.starts_with('-') || a == "-" {
            ops.push(a.clone());
            i += 1;
            continue;
        }
        if a == "--" {
            only_ops = true;
            i += 1;
            continue;
        }
        let cs: Vec<char> = a[1..].chars().collect();
        let mut k = 0;
        while k < cs.len() {
            let c = cs[k];
            if takes.contains(c) {
                let v = if k + 1 < cs.len() {
                    cs[k + 1..].iter().collect()
                } else {
                    i += 1;
                    match args.get(i) {
                        Some(v) => v.clone(),
                        None => return Err(c),
                    }
                };
                flags.push((c, Some(v)));
                break;
            }
            flags.push((c, None));
            k += 1;
        }
        i += 1;
    }
    Ok((flags, ops))
}

/// Reads each operand (or stdin for none / `-`): (display name, bytes or error printed already).
pub fn inputs(
    sh: &mut Shell<'_>,
    io: &mut Io,
    files: &[String],
    style: ErrStyle,
) -> Vec<(String, Option<Vec<u8>>)> {
    let _ = sh.flush_all();
    if files.is_empty() {
        return vec![("-".to_owned(), Some(io.stdin_all()))];
    }
    let mut out = Vec::new();
    for f in files {
        if f == "-" || f == "/dev/stdin" || f == "/proc/self/fd/0" {
            out.push((f.clone(), Some(io.stdin_all())));
            continue;
        }
        let p = sh.abs(f);
        if super::interp::is_dev_null(&p) {
            out.push((f.clone(), Some(Vec::new())));
            continue;
        }
        if let Some(dev) = endless_device(sh, &p) {
            out.push((f.clone(), Some(dev)));
            continue;
        }
        if let Some(bytes) = crate::shell::procfs::read(sh, &p) {
            out.push((f.clone(), Some(bytes)));
            continue;
        }
        if sh.fs.stat(&p).is_ok_and(|s| s.is_dir()) {
            // open(2) works on a directory; read(2) fails.
            io.failed = true;
            match style {
                ErrStyle::CantOpen => {
                    io.err("read error: Is a directory");
                    out.push((f.clone(), None));
                }
                ErrStyle::Plain | ErrStyle::Read => {
                    io.err(&format!("{f}: Is a directory"));
                    out.push((f.clone(), None));
                }
                ErrStyle::Counted => {
                    io.err(&format!("{f}: Is a directory"));
                    out.push((f.clone(), Some(Vec::new())));
                }
                ErrStyle::Silent => out.push((f.clone(), Some(Vec::new()))),
            }
            continue;
        }
        match sh.fs.read(&p) {
            Ok(c) => out.push((f.clone(), Some(c.bytes().into_owned()))),
            Err(e) => {
                io.failed = true;
                let m = errno_msg(&e);
                match style {
                    ErrStyle::CantOpen => io.err(&format!("can't open '{f}': {m}")),
                    ErrStyle::Plain | ErrStyle::Counted | ErrStyle::Silent => {
                        io.err(&format!("{f}: {m}"))
                    }
                    ErrStyle::Read => io.err(&format!("read error: {m}")),
                }
                out.push((f.clone(), None));
            }
        }
    }
    out
}

/// `/dev/zero` and `/dev/urandom` (when the tree has no such file, as a container always has them): the
/// first MiB, which is all a `head -c` needs. The random bytes are deterministic, seeded by the run's time.
/// Whether `path` is `/dev/zero`, `/dev/urandom` or `/dev/random` as a device (not a regular file that a
/// step put there).
pub fn is_endless_device(sh: &Shell<'_>, path: &str) -> bool {
    strata_image::normalize(path).is_some_and(|n| {
        matches!(n.as_str(), "/dev/zero" | "/dev/urandom" | "/dev/random")
            && !sh
                .fs
                .stat(&n)
                .is_ok_and(|s| matches!(s.kind, NodeKind::File(_)))
    })
}

fn endless_device(sh: &Shell<'_>, path: &str) -> Option<Vec<u8>> {
    if !is_endless_device(sh, path) {
        return None;
    }
    let n = strata_image::normalize(path)?;
    let len = 1 << 20;
    if n == "/dev/zero" {
        return Some(vec![0; len]);
    }
    let mut seed = (sh.now.secs as u64) ^ 0xA076_1D64_78BD_642F ^ sh.random.get();
    let mut v = Vec::with_capacity(len);
    while v.len() < len {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        v.extend_from_slice(&(seed >> 16).to_le_bytes()[..6]);
    }
    v.truncate(len);
    Some(v)
}

/// How an applet reports an unreadable operand.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ErrStyle {
    /// `cat: can't open 'x': No such file or directory`.
    CantOpen,
    /// `grep: x: No such file or directory`.
    Plain,
    /// `wc: read error: Is a directory`.
    Read,
    /// Like `Plain`, but a directory still counts as empty input (`wc`).
    Counted,
    /// Like `Plain`, but directories are skipped without a word (`grep`).
    Silent,
}

/// Splits bytes into lines without their newlines (a last line without newline counts).
pub fn lines(data: &[u8]) -> Vec<String> {
    let s = String::from_utf8_lossy(data);
    let mut v: Vec<String> = s.split('\n').map(str::to_owned).collect();
    if v.last().is_some_and(|l| l.is_empty()) {
        v.pop();
    }
    v
}
