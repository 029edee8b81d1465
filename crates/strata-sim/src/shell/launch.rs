//! Starting an executable file found in the tree: the busybox multi-call binary, `#!` scripts, the shells,
//! the package managers, known applets by name, and an honest failure for anything else.

use super::applets;
use super::interp::{Ctl, Shell};
use crate::exec::Note;

/// How starting a file went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Launch {
    /// It ran and exited with this status.
    Ran(i32),
    /// The file (or its interpreter) does not exist.
    NotFound,
    /// No exec bit, or a directory.
    Denied,
    /// Not a binary the simulator knows and no `#!` line (`exec format error`).
    Format,
}

/// The package manager names handed to [`crate::packages::run`].
pub const PACKAGE_MANAGERS: &[&str] = &[
    "apk", "apt-get", "apt", "yum", "dnf", "dnf5", "microdnf", "pip", "pip3",
];

/// The last component of a path.
pub fn basename(p: &str) -> &str {
    let t = p.trim_end_matches('/');
    t.rsplit('/').next().unwrap_or(t)
}

/// Checks that `path` can be executed: exists, not a directory, has an exec bit.
pub fn check(sh: &Shell<'_>, path: &str) -> Launch {
    if path.is_empty() {
        return Launch::NotFound;
    }
    match sh.fs.stat(path) {
        Err(_) => Launch::NotFound,
        Ok(st) if st.is_dir() => Launch::Denied,
        Ok(st) if st.attrs.mode & 0o111 == 0 => Launch::Denied,
        Ok(_) => Launch::Ran(0),
    }
}

/// Runs the executable file at `path` with `argv`. `from_shell`: a file with no `#!` that is not a known
/// binary runs as a shell script (ash's fallback); from the runtime it is an exec format error.
pub fn exec_file(
    sh: &mut Shell<'_>,
    path: &str,
    argv: &[String],
    from_shell: bool,
) -> Result<Launch, Ctl> {
    exec_depth(sh, path, argv, from_shell, 0)
}

fn exec_depth(
    sh: &mut Shell<'_>,
    path: &str,
    argv: &[String],
    from_shell: bool,
    depth: u32,
) -> Result<Launch, Ctl> {
    match check(sh, path) {
        Launch::Ran(_) => {}
        other => return Ok(other),
    }
    sh.step()?;
    let real = applets::realpath(sh.fs, path).unwrap_or_else(|| path.to_owned());
    let base = basename(&real).to_owned();
    let called = basename(&argv[0]).to_owned();
    if base == "busybox" {
        return busybox_main(sh, argv);
    }
    // The venv's own pip and python install into it.
    let venv = venv_of(sh, path);
    if let Some(tool) = crate::tools::tool_for(&called, &base, argv) {
        return Ok(Launch::Ran(applets::run_proc(sh, &[], |p| {
            crate::tools::run(tool, argv, p)
        })?));
    }
    if let (Some(v), true) = (&venv, crate::packages::is_pip_name(&called)) {
        let v = v.clone();
        return Ok(Launch::Ran(applets::run_proc(
            sh,
            &[("VIRTUAL_ENV", &v)],
            |p| crate::packages::run("pip", argv, p),
        )?));
    }
    let content = sh
        .fs
        .read(&real)
        .map(|c| c.bytes().into_owned())
        .unwrap_or_default();
    if content.starts_with(b"#!") && depth < 4 {
        let line_end = content
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(content.len());
        let line = String::from_utf8_lossy(&content[2..line_end]).into_owned();
        let line = line.trim();
        let (interp, arg) = match line.split_once([' ', '\t']) {
            Some((i, a)) => (i.to_owned(), Some(a.trim().to_owned())),
            None => (line.to_owned(), None),
        };
        let mut nargv = vec![interp.clone()];
        if let Some(a) = arg.filter(|a| !a.is_empty()) {
            nargv.push(a);
        }
        nargv.push(path.to_owned());
        nargv.extend(argv[1..].iter().cloned());
        let ipath = sh.abs(&interp);
        return exec_depth(sh, &ipath, &nargv, from_shell, depth + 1);
    }
    if matches!(base.as_str(), "sh" | "ash" | "dash" | "bash") {
        let mut a = argv.to_vec();
        if a.is_empty() {
            a.push(base.clone());
        }
        let s = sh.run_sh(&a, base == "bash", false)?;
        return Ok(Launch::Ran(s));
    }
    if applets::is_applet(&base) || PACKAGE_MANAGERS.contains(&base.as_str()) {
        return run_named(sh, &base, argv, false);
    }
    // `python3 -m pip install …` is pip.
    let is_python = base == "python"
        || base
            .strip_prefix("python")
            .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.'));
    if is_python && argv.get(1).map(String::as_str) == Some("-m") {
        if let Some(m @ ("pip" | "pip3")) = argv.get(2).map(String::as_str) {
            let mut a = vec![m.to_owned()];
            a.extend(argv[3..].iter().cloned());
            if let Some(v) = venv {
                return Ok(Launch::Ran(applets::run_proc(
                    sh,
                    &[("VIRTUAL_ENV", &v)],
                    |p| crate::packages::run("pip", &a, p),
                )?));
            }
            return run_named(sh, m, &a, false);
        }
        if argv.get(2).map(String::as_str) == Some("venv") {
            let called_path = path.to_owned();
            return Ok(Launch::Ran(applets::run_proc(sh, &[], |p| {
                crate::tools::venv(&called_path, argv, p)
            })?));
        }
    }
    // `/opt/venv/bin/python /opt/venv/bin/pip install …` (a venv pip script's `#!` line).
    if is_python {
        if let Some(script) = argv.get(1).filter(|a| a.starts_with('/')) {
            let sv = venv_of(sh, script);
            if let (Some(v), true) = (sv.or(venv), crate::packages::is_pip_name(basename(script))) {
                let mut a = vec!["pip".to_owned()];
                a.extend(argv[2..].iter().cloned());
                return Ok(Launch::Ran(applets::run_proc(
                    sh,
                    &[("VIRTUAL_ENV", &v)],
                    |p| crate::packages::run("pip", &a, p),
                )?));
            }
        }
    }
    let looks_text = !content.contains(&0) && !content.starts_with(b"\x7fELF");
    if looks_text {
        // execve fails with ENOEXEC; busybox ash then reports the command as not found.
        return Ok(if from_shell {
            Launch::NotFound
        } else {
            Launch::Format
        });
    }
    let _ = called;
    Err(not_simulated(sh, argv, &real))
}

/// The virtual environment a program at `path` belongs to: `DIR` when `path` is `DIR/bin/NAME` and
/// `DIR/pyvenv.cfg` exists.
fn venv_of(sh: &Shell<'_>, path: &str) -> Option<String> {
    let (bin, _) = path.rsplit_once('/')?;
    let (dir, b) = bin.rsplit_once('/')?;
    (b == "bin" && sh.fs.lstat(&format!("{dir}/pyvenv.cfg")).is_ok()).then(|| dir.to_owned())
}

/// Ends the run at a program that exists (at `path`) but that the simulator cannot run: a note for the
/// step, and [`Ctl::NotSimulated`], so nothing after it pretends to know what it did.
pub fn not_simulated(sh: &mut Shell<'_>, argv: &[String], path: &str) -> Ctl {
    let ns = crate::exec::NotSimulated {
        program: argv.first().cloned().unwrap_or_default(),
        path: path.to_owned(),
    };
    sh.notes.push(Note::Unsupported {
        command: argv.join(" "),
        detail: format!("{path} exists in the image, but strata cannot run it; the run stops here"),
    });
    Ctl::NotSimulated(ns)
}

/// The busybox multi-call binary: the applet is `argv[0]`'s name, or `argv[1]` after `busybox`.
fn busybox_main(sh: &mut Shell<'_>, argv: &[String]) -> Result<Launch, Ctl> {
    let called = basename(&argv[0]).to_owned();
    let (applet, args): (String, Vec<String>) = if called == "busybox" {
        match argv.get(1) {
            None => {
                sh.write_fd(1, b"BusyBox v1.35.0 (simulated) multi-call binary.\n")?;
                return Ok(Launch::Ran(0));
            }
            Some(a) if a == "--list" => {
                // The reference binary's list (simulated or not), as it prints it: sorted.
                let mut s = applets::busybox_list().join("\n");
                s.push('\n');
                sh.write_fd(1, s.as_bytes())?;
                return Ok(Launch::Ran(0));
            }
            Some(a) => (basename(a).to_owned(), argv[1..].to_vec()),
        }
    } else {
        (called, argv.to_vec())
    };
    run_named(sh, &applet, &args, true)
}

/// Runs a busybox applet by name (ash's standalone lookup), as the multi-call binary would.
pub fn run_busybox_applet(sh: &mut Shell<'_>, name: &str, argv: &[String]) -> Result<i32, Ctl> {
    if name == "busybox" {
        return match busybox_main(sh, argv)? {
            Launch::Ran(s) => Ok(s),
            _ => Ok(127),
        };
    }
    match run_named(sh, name, argv, true)? {
        Launch::Ran(s) => Ok(s),
        _ => Ok(127),
    }
}

/// Runs an applet (or package manager) by name.
fn run_named(
    sh: &mut Shell<'_>,
    name: &str,
    argv: &[String],
    busybox: bool,
) -> Result<Launch, Ctl> {
    if PACKAGE_MANAGERS.contains(&name) {
        return Ok(Launch::Ran(applets::run_package_manager(sh, name, argv)?));
    }
    if matches!(name, "sh" | "ash") || (busybox && name == "bash") {
        let s = sh.run_sh(argv, false, true)?;
        return Ok(Launch::Ran(s));
    }
    match applets::run_applet(sh, name, argv) {
        Some(r) => Ok(Launch::Ran(r?)),
        None => {
            if busybox && !applets::is_busybox_applet(name) {
                sh.errln(&format!("{name}: applet not found"))?;
                Ok(Launch::Ran(127))
            } else {
                let path = if busybox {
                    format!("busybox's {name} applet")
                } else {
                    format!("/bin/{name}")
                };
                Err(not_simulated(sh, argv, &path))
            }
        }
    }
}
