//! The built-in runtime: the bundle's spec carried out in-process with plain system calls, no runtime
//! binary. It exists because a step's cost is mostly the runtime's own start-up (runc takes about 150 ms a
//! step here; the namespaces, mounts and exec themselves about 20 ms).
//!
//! `strata` forks a child that enters new mount, pid, uts and ipc namespaces (and a network namespace when
//! the spec asks for one — a container of `strata run` —, with its loopback brought up; a build step keeps
//! the host's network, as BuildKit's default for RUN) and forks again so that the command is PID 1 of its pid namespace; that
//! grandchild makes its mounts private, mounts what the spec lists under the root filesystem (with the
//! device nodes and links a runtime creates in `/dev`, masked and read-only paths), pivots into it, sets the
//! hostname, the groups, the user, the capabilities and the umask, and executes the command, looked up in
//! the spec's `PATH` as runc does. The middle process waits and exits with the command's status.
//!
//! Everything the children do is prepared before the fork as a list of [`Op`]s with their C strings, so the
//! children only make system calls (a forked child of a threaded process must not allocate). A failure is
//! written to a pipe as the runtime's error (`exec: "x": executable file not found in $PATH`) and the child
//! exits 127 (not found) or 126.
//!
//! For `strata run` ([`Runtime::run_attached`]) the process gets this process's standard streams, or, with a
//! terminal, the init opens a pty of the container's own `devpts` after the pivot, sends its master back
//! over the console socket and takes the slave as its controlling terminal (`child_calls`).

use std::ffi::CString;
use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, Stdio};

use oci_spec::runtime::{Capability, LinuxNamespaceType, Spec};

use super::child_calls;
use super::{Attach, Exited, Finished, Runtime};
use crate::error::{Error, Result};

/// The built-in runtime.
#[derive(Debug, Default, Clone, Copy)]
pub struct Builtin;

impl Runtime for Builtin {
    fn name(&self) -> &str {
        "builtin"
    }

    fn delete(&self, _id: &str) {
        // Its containers are children of the build: they end with it (the pid namespace's init is killed
        // with the middle process's parent gone, see `PR_SET_PDEATHSIG` below).
    }

    fn run(&self, bundle: &Path, id: &str) -> Result<Finished> {
        self.run_live(bundle, id, &mut |_, _| {})
    }

    fn run_live(
        &self,
        bundle: &Path,
        _id: &str,
        out: &mut dyn FnMut(strata_build::observer::Stream, &[u8]),
    ) -> Result<Finished> {
        let mut cmd = Command::new("/proc/self/exe");
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let (child, err_read) = spawn(bundle, cmd, None)?;
        let (status, stdout, stderr) = super::wait_live(child, "the container", out)?;
        let start_error = read_error(err_read);
        Ok(Finished {
            exit_code: status_code(status),
            stdout,
            stderr,
            start_error,
        })
    }

    fn run_attached(&self, bundle: &Path, _id: &str, attach: Attach) -> Result<Exited> {
        let mut cmd = Command::new("/proc/self/exe");
        let console = match attach {
            Attach::Inherit { stdin } => {
                cmd.stdin(if stdin {
                    Stdio::inherit()
                } else {
                    Stdio::null()
                });
                None
            }
            Attach::Terminal { console } => {
                // The init replaces all three with the terminal's slave.
                cmd.stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null());
                Some(console)
            }
        };
        let (mut child, err_read) = spawn(bundle, cmd, console.as_ref().map(|c| c.as_raw_fd()))?;
        // The child has its copy: the caller sees the socket close when the container's init is gone.
        drop(console);
        let status = child
            .wait()
            .map_err(|e| Error::Runtime(format!("waiting for the container: {e}")))?;
        Ok(Exited {
            exit_code: status_code(status),
            start_error: read_error(err_read),
        })
    }
}

/// Forks the container's middle process from `cmd` (its standard streams set by the caller) for the bundle,
/// with the console socket `console` for a terminal. Returns the child and the read end of its error pipe.
fn spawn(
    bundle: &Path,
    mut cmd: Command,
    console: Option<libc::c_int>,
) -> Result<(std::process::Child, OwnedFd)> {
    let spec = Spec::load(bundle.join("config.json"))
        .map_err(|e| Error::Runtime(format!("reading the bundle's config.json: {e}")))?;
    let mut plan = Plan::of(&spec)?;
    plan.console = console;
    if console.is_some() {
        plan.terminal_size = terminal_size();
    }
    let (err_read, err_write) = pipe()?;
    let err_fd = err_write.as_raw_fd();
    // SAFETY: the closure runs in the forked child and only makes system calls on data prepared above
    // (`plan` is borrowed, never allocated into); it never returns when the fork succeeds.
    unsafe {
        cmd.pre_exec(move || {
            plan.middle(err_fd);
        });
    }
    let child = cmd
        .spawn()
        .map_err(|e| Error::Runtime(format!("starting the container: {e}")))?;
    drop(err_write);
    Ok((child, err_read))
}

/// The size of this process's terminal (of the first of its standard streams that is one).
fn terminal_size() -> Option<libc::winsize> {
    // SAFETY: TIOCGWINSZ into a winsize on the stack.
    unsafe {
        let mut ws: libc::winsize = std::mem::zeroed();
        [0, 1, 2]
            .into_iter()
            .any(|fd| libc::ioctl(fd, libc::TIOCGWINSZ, &mut ws) == 0)
            .then_some(ws)
    }
}

/// The runtime's complaint the child wrote, if any.
fn read_error(err_read: OwnedFd) -> Option<String> {
    let mut message = String::new();
    let _ = std::fs::File::from(err_read).read_to_string(&mut message);
    (!message.is_empty()).then_some(message)
}

/// An exit status as a shell reports it (128 + N for signal N).
fn status_code(status: std::process::ExitStatus) -> i32 {
    status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}

fn pipe() -> Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills both descriptors on success; they are owned from here on.
    let rc = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    if rc != 0 {
        return Err(Error::Runtime(format!(
            "pipe: {}",
            std::io::Error::last_os_error()
        )));
    }
    // SAFETY: just created, not owned by anything else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// One system call of the container's set-up, its arguments ready.
enum Op {
    Mkdir(CString),
    Mount {
        source: CString,
        target: CString,
        fstype: CString,
        flags: libc::c_ulong,
        data: CString,
        /// A bind mount that must also be read-only (a second, remounting call).
        remount_ro: bool,
    },
    /// Creates an empty file to bind a file over (a bind mount needs a target of the same kind).
    Touch(CString),
    Mknod(CString, libc::mode_t, libc::dev_t),
    Symlink(CString, CString),
    /// A masked path: `/dev/null` bound over a file, an empty read-only tmpfs over a directory; skipped when
    /// the path does not exist.
    Mask(CString),
    /// A read-only path: bound over itself read-only; skipped when the path does not exist.
    ReadOnly(CString),
}

/// What the container's process needs, prepared before any fork.
struct Plan {
    namespaces: libc::c_int,
    rootfs: CString,
    ops: Vec<Op>,
    hostname: Option<CString>,
    uid: libc::uid_t,
    gid: libc::gid_t,
    groups: Vec<libc::gid_t>,
    caps: u64,
    cwd: CString,
    /// The program: each candidate path in the container, in `PATH` order.
    candidates: Vec<CString>,
    /// For each candidate: what the process prints when the file is there but cannot be executed because
    /// its interpreter (`#!`) is missing: runc's init has started the container by then, so it is the
    /// process's own stderr and exit status 1, not a start error.
    no_interpreter: Vec<Vec<u8>>,
    argv: Vec<CString>,
    envp: Vec<CString>,
    /// The message for a program that is not there.
    not_found: Vec<u8>,
    /// The message for a program that cannot be executed.
    denied: Vec<u8>,
    /// The console socket of a terminal ([`Attach::Terminal`]).
    console: Option<libc::c_int>,
    /// The size of this process's terminal, for the container's.
    terminal_size: Option<libc::winsize>,
}

impl Plan {
    fn of(spec: &Spec) -> Result<Plan> {
        let bad = |what: &str| Error::Runtime(format!("the runtime spec: {what}"));
        let c = |s: &str| CString::new(s).map_err(|_| bad("a NUL byte in a string"));
        let root = spec.root().as_ref().ok_or_else(|| bad("no root"))?;
        let rootfs = root.path().display().to_string();
        let process = spec.process().as_ref().ok_or_else(|| bad("no process"))?;
        let args = process.args().clone().unwrap_or_default();
        let program = args.first().cloned().ok_or_else(|| bad("no command"))?;
        let env = process.env().clone().unwrap_or_default();
        let mut namespaces = 0;
        if let Some(linux) = spec.linux() {
            for ns in linux.namespaces().iter().flatten() {
                namespaces |= match ns.typ() {
                    LinuxNamespaceType::Mount => libc::CLONE_NEWNS,
                    LinuxNamespaceType::Pid => libc::CLONE_NEWPID,
                    LinuxNamespaceType::Uts => libc::CLONE_NEWUTS,
                    LinuxNamespaceType::Ipc => libc::CLONE_NEWIPC,
                    LinuxNamespaceType::Network => libc::CLONE_NEWNET,
                    LinuxNamespaceType::Cgroup => libc::CLONE_NEWCGROUP,
                    _ => 0,
                };
            }
        }
        // The pivot needs a new mount namespace, and PID 1 a new pid namespace, whatever the spec says.
        namespaces |= libc::CLONE_NEWNS | libc::CLONE_NEWPID;
        let under = |p: &str| format!("{rootfs}/{}", p.trim_start_matches('/'));
        let mut ops = Vec::new();
        for m in spec.mounts().iter().flatten() {
            let dest = m.destination().display().to_string();
            let target = under(&dest);
            let typ = m.typ().clone().unwrap_or_default();
            if typ == "cgroup" {
                // runc turns this into per-controller mounts; a step here sees no cgroup filesystem (yet).
                continue;
            }
            let source = m
                .source()
                .as_ref()
                .map(|s| s.display().to_string())
                .unwrap_or_else(|| typ.clone());
            let (flags, data, bind, ro) = mount_options(m.options().as_deref().unwrap_or(&[]));
            let is_file_bind = bind && Path::new(&source).is_file();
            if is_file_bind {
                ops.push(Op::Touch(c(&target)?));
            } else {
                ops.push(Op::Mkdir(c(&target)?));
            }
            ops.push(Op::Mount {
                source: c(&source)?,
                target: c(&target)?,
                fstype: c(if bind { "" } else { &typ })?,
                flags: if bind {
                    libc::MS_BIND | libc::MS_REC
                } else {
                    flags | if ro { libc::MS_RDONLY } else { 0 }
                },
                data: c(&data)?,
                remount_ro: bind && ro,
            });
            if dest == "/dev" {
                // The device nodes and links every runtime makes in a container's /dev.
                for (name, major, minor) in [
                    ("null", 1, 3),
                    ("zero", 1, 5),
                    ("full", 1, 7),
                    ("random", 1, 8),
                    ("urandom", 1, 9),
                    ("tty", 5, 0),
                ] {
                    ops.push(Op::Mknod(
                        c(&under(&format!("/dev/{name}")))?,
                        libc::S_IFCHR | 0o666,
                        libc::makedev(major, minor),
                    ));
                }
                for (name, to) in [
                    ("fd", "/proc/self/fd"),
                    ("stdin", "/proc/self/fd/0"),
                    ("stdout", "/proc/self/fd/1"),
                    ("stderr", "/proc/self/fd/2"),
                    ("ptmx", "pts/ptmx"),
                ] {
                    ops.push(Op::Symlink(c(to)?, c(&under(&format!("/dev/{name}")))?));
                }
            }
        }
        if let Some(linux) = spec.linux() {
            for p in linux.masked_paths().iter().flatten() {
                ops.push(Op::Mask(c(&under(p))?));
            }
            for p in linux.readonly_paths().iter().flatten() {
                ops.push(Op::ReadOnly(c(&under(p))?));
            }
        }
        let user = process.user();
        let caps = process
            .capabilities()
            .as_ref()
            .and_then(|c| c.effective().clone())
            .map(|set| set.iter().map(|cap| 1u64 << cap_number(*cap)).sum())
            .unwrap_or(0);
        let path = env
            .iter()
            .find_map(|e| e.strip_prefix("PATH="))
            .unwrap_or("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
            .to_owned();
        let candidates = if program.contains('/') {
            vec![c(&program)?]
        } else {
            path.split(':')
                .filter(|d| !d.is_empty())
                .map(|d| c(&format!("{d}/{program}")))
                .collect::<Result<_>>()?
        };
        let no_interpreter = candidates
            .iter()
            .map(|c| {
                format!("exec {}: no such file or directory\n", c.to_string_lossy()).into_bytes()
            })
            .collect();
        Ok(Plan {
            no_interpreter,
            namespaces,
            rootfs: c(&rootfs)?,
            ops,
            hostname: spec.hostname().as_deref().map(c).transpose()?,
            uid: user.uid(),
            gid: user.gid(),
            groups: user.additional_gids().clone().unwrap_or_default(),
            caps,
            cwd: c(process.cwd().to_str().unwrap_or("/"))?,
            candidates,
            argv: args.iter().map(|a| c(a)).collect::<Result<_>>()?,
            envp: env.iter().map(|e| c(e)).collect::<Result<_>>()?,
            not_found: if program.contains('/') {
                format!("exec: \"{program}\": stat {program}: no such file or directory")
                    .into_bytes()
            } else {
                format!("exec: \"{program}\": executable file not found in $PATH").into_bytes()
            },
            denied: format!("exec: \"{program}\": permission denied").into_bytes(),
            console: None,
            terminal_size: None,
        })
    }

    /// The forked child: new namespaces, then the container's PID 1 as its own child; exits with its status.
    fn middle(&self, err: libc::c_int) -> ! {
        // SAFETY (this function and `init`): only system calls, on memory prepared before the fork.
        unsafe {
            // Die with the build: a killed strata takes its container with it.
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            // `Command::spawn` returns once this child execs or closes the status pipe std gave it; this
            // child never execs (it waits for the container), so it closes every descriptor it does not
            // need. Then the parent reads the container's output while it runs: a step that prints more than
            // a pipe holds would otherwise wait for a reader forever.
            close_all_but(&[err, self.console.unwrap_or(err)]);
            if libc::unshare(self.namespaces) != 0 {
                fail(err, b"unshare: cannot make the container's namespaces", 126);
            }
            let pid = libc::fork();
            if pid < 0 {
                fail(err, b"fork failed", 126);
            }
            if pid == 0 {
                self.init(err);
            }
            let mut status = 0;
            while libc::waitpid(pid, &mut status, 0) < 0 {}
            if libc::WIFEXITED(status) {
                libc::_exit(libc::WEXITSTATUS(status));
            }
            libc::_exit(128 + libc::WTERMSIG(status));
        }
    }

    /// PID 1 of the container: mounts, pivot, identity, exec.
    unsafe fn init(&self, err: libc::c_int) -> ! {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        let root = c"/";
        let none = c"";
        if libc::mount(
            none.as_ptr(),
            root.as_ptr(),
            none.as_ptr(),
            libc::MS_REC | libc::MS_PRIVATE,
            std::ptr::null(),
        ) != 0
        {
            fail(err, b"making the mounts private failed", 126);
        }
        // pivot_root needs the new root to be a mount point.
        if libc::mount(
            self.rootfs.as_ptr(),
            self.rootfs.as_ptr(),
            none.as_ptr(),
            libc::MS_BIND | libc::MS_REC,
            std::ptr::null(),
        ) != 0
        {
            fail(err, b"binding the root filesystem failed", 126);
        }
        for op in &self.ops {
            match op {
                Op::Mkdir(p) => {
                    child_calls::mkdir_all(p);
                }
                Op::Touch(p) => {
                    // Only when missing: opening an image's file for writing would copy it up into the
                    // layer.
                    let mut st: libc::stat = std::mem::zeroed();
                    if libc::lstat(p.as_ptr(), &mut st) != 0 {
                        child_calls::mkdir_parent(p);
                        let fd = libc::open(
                            p.as_ptr(),
                            libc::O_CREAT | libc::O_WRONLY | libc::O_CLOEXEC,
                            0o644,
                        );
                        if fd >= 0 {
                            libc::close(fd);
                        }
                    }
                }
                Op::Mount {
                    source,
                    target,
                    fstype,
                    flags,
                    data,
                    remount_ro,
                } => {
                    let data_ptr = if data.as_bytes().is_empty() {
                        std::ptr::null()
                    } else {
                        data.as_ptr().cast()
                    };
                    let fs_ptr = if fstype.as_bytes().is_empty() {
                        std::ptr::null()
                    } else {
                        fstype.as_ptr()
                    };
                    if libc::mount(source.as_ptr(), target.as_ptr(), fs_ptr, *flags, data_ptr) != 0
                    {
                        fail(err, b"a mount of the runtime spec failed", 126);
                    }
                    if *remount_ro {
                        libc::mount(
                            none.as_ptr(),
                            target.as_ptr(),
                            std::ptr::null(),
                            libc::MS_BIND | libc::MS_REMOUNT | libc::MS_RDONLY | libc::MS_REC,
                            std::ptr::null(),
                        );
                    }
                }
                Op::Mknod(p, mode, dev) => {
                    libc::mknod(p.as_ptr(), *mode, *dev);
                    libc::chmod(p.as_ptr(), 0o666);
                }
                Op::Symlink(to, at) => {
                    libc::symlink(to.as_ptr(), at.as_ptr());
                }
                Op::ReadOnly(p) => {
                    if libc::mount(
                        p.as_ptr(),
                        p.as_ptr(),
                        std::ptr::null(),
                        libc::MS_BIND | libc::MS_REC,
                        std::ptr::null(),
                    ) == 0
                    {
                        libc::mount(
                            none.as_ptr(),
                            p.as_ptr(),
                            std::ptr::null(),
                            libc::MS_BIND | libc::MS_REMOUNT | libc::MS_RDONLY | libc::MS_REC,
                            std::ptr::null(),
                        );
                    }
                }
                Op::Mask(p) => {
                    let mut st: libc::stat = std::mem::zeroed();
                    if libc::lstat(p.as_ptr(), &mut st) != 0 {
                        continue;
                    }
                    if st.st_mode & libc::S_IFMT == libc::S_IFDIR {
                        libc::mount(
                            c"tmpfs".as_ptr(),
                            p.as_ptr(),
                            c"tmpfs".as_ptr(),
                            libc::MS_RDONLY,
                            std::ptr::null(),
                        );
                    } else {
                        libc::mount(
                            c"/dev/null".as_ptr(),
                            p.as_ptr(),
                            std::ptr::null(),
                            libc::MS_BIND,
                            std::ptr::null(),
                        );
                    }
                }
            }
        }
        if libc::chdir(self.rootfs.as_ptr()) != 0
            || libc::syscall(libc::SYS_pivot_root, c".".as_ptr(), c".".as_ptr()) != 0
            || libc::umount2(c".".as_ptr(), libc::MNT_DETACH) != 0
            || libc::chdir(root.as_ptr()) != 0
        {
            fail(err, b"pivot_root into the root filesystem failed", 126);
        }
        if let Some(h) = &self.hostname {
            libc::sethostname(h.as_ptr(), h.as_bytes().len());
        }
        if self.namespaces & libc::CLONE_NEWNET != 0 && !child_calls::loopback_up() {
            fail(err, b"bringing up the loopback interface failed", 126);
        }
        if let Some(console) = self.console {
            if !child_calls::terminal(console, self.uid, self.terminal_size.as_ref()) {
                fail(err, b"making the container's terminal failed", 126);
            }
        }
        // The bounding set first (needs CAP_SETPCAP), then the groups and ids, then the sets.
        for cap in 0..=63u32 {
            if self.caps & (1u64 << cap) == 0 {
                libc::prctl(libc::PR_CAPBSET_DROP, cap as libc::c_ulong);
            }
        }
        if libc::setgroups(self.groups.len(), self.groups.as_ptr()) != 0
            || libc::setgid(self.gid) != 0
            || libc::setuid(self.uid) != 0
        {
            fail(err, b"setting the user failed", 126);
        }
        if self.uid == 0 {
            set_caps(self.caps);
        }
        libc::umask(0o022);
        if libc::chdir(self.cwd.as_ptr()) != 0 {
            fail(err, b"chdir to the working directory failed", 126);
        }
        let mut argv: [*const libc::c_char; 256] = [std::ptr::null(); 256];
        for (i, a) in self.argv.iter().take(255).enumerate() {
            argv[i] = a.as_ptr();
        }
        let mut envp: [*const libc::c_char; 1024] = [std::ptr::null(); 1024];
        for (i, e) in self.envp.iter().take(1023).enumerate() {
            envp[i] = e.as_ptr();
        }
        let mut denied = false;
        for (i, p) in self.candidates.iter().enumerate() {
            libc::execve(p.as_ptr(), argv.as_ptr(), envp.as_ptr());
            match std::io::Error::last_os_error().raw_os_error() {
                Some(libc::EACCES) => denied = true,
                // The file is there, so what is missing is its interpreter.
                Some(libc::ENOENT) if libc::access(p.as_ptr(), libc::F_OK) == 0 => {
                    if let Some(m) = self.no_interpreter.get(i) {
                        libc::write(2, m.as_ptr().cast(), m.len());
                    }
                    libc::_exit(1);
                }
                _ => {}
            }
        }
        if denied {
            fail(err, &self.denied, 126);
        }
        fail(err, &self.not_found, 127);
    }
}

/// Closes every file descriptor above 2 except `keep` (`close_range`, or one by one where the kernel lacks
/// it).
unsafe fn close_all_but(keep: &[libc::c_int]) {
    let mut keep: [libc::c_int; 2] = [
        keep.first().copied().unwrap_or(-1),
        keep.get(1).copied().unwrap_or(-1),
    ];
    if keep[0] > keep[1] {
        keep.swap(0, 1);
    }
    let close = |lo: libc::c_uint, hi: libc::c_uint| {
        if lo > hi {
            return;
        }
        if libc::syscall(libc::SYS_close_range, lo, hi, 0) != 0 {
            for fd in lo..=hi.min(65_535) {
                libc::close(fd as libc::c_int);
            }
        }
    };
    let mut lo: libc::c_uint = 3;
    for k in keep {
        if k >= 3 && k as libc::c_uint >= lo {
            close(lo, k as libc::c_uint - 1);
            lo = k as libc::c_uint + 1;
        }
    }
    close(lo, libc::c_uint::MAX);
}

/// Sets the effective, permitted and inheritable-free capability sets of this (single-threaded) process.
unsafe fn set_caps(caps: u64) {
    #[repr(C)]
    struct Header {
        version: u32,
        pid: i32,
    }
    #[repr(C)]
    #[derive(Clone, Copy)]
    struct Data {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }
    const VERSION_3: u32 = 0x2008_0522;
    let header = Header {
        version: VERSION_3,
        pid: 0,
    };
    let lo = caps as u32;
    let hi = (caps >> 32) as u32;
    let data = [
        Data {
            effective: lo,
            permitted: lo,
            inheritable: 0,
        },
        Data {
            effective: hi,
            permitted: hi,
            inheritable: 0,
        },
    ];
    libc::syscall(libc::SYS_capset, &header, data.as_ptr());
}

/// Writes `message` to the error pipe and exits with `code`.
unsafe fn fail(err: libc::c_int, message: &[u8], code: i32) -> ! {
    libc::write(err, message.as_ptr().cast(), message.len());
    libc::_exit(code)
}

/// The mount flags, the data string, whether it is a bind mount and whether read-only, from OCI options.
fn mount_options(options: &[String]) -> (libc::c_ulong, String, bool, bool) {
    let mut flags = 0;
    let mut data = Vec::new();
    let (mut bind, mut ro) = (false, false);
    for o in options {
        match o.as_str() {
            "ro" => ro = true,
            "rw" => {}
            "nosuid" => flags |= libc::MS_NOSUID,
            "nodev" => flags |= libc::MS_NODEV,
            "noexec" => flags |= libc::MS_NOEXEC,
            "relatime" => flags |= libc::MS_RELATIME,
            "strictatime" => flags |= libc::MS_STRICTATIME,
            "bind" | "rbind" => bind = true,
            "private" | "rprivate" | "slave" | "rslave" | "shared" | "rshared" => {}
            other => data.push(other.to_owned()),
        }
    }
    (flags, data.join(","), bind, ro)
}

/// The Linux number of a capability.
fn cap_number(c: Capability) -> u32 {
    match c {
        Capability::Chown => 0,
        Capability::DacOverride => 1,
        Capability::DacReadSearch => 2,
        Capability::Fowner => 3,
        Capability::Fsetid => 4,
        Capability::Kill => 5,
        Capability::Setgid => 6,
        Capability::Setuid => 7,
        Capability::Setpcap => 8,
        Capability::LinuxImmutable => 9,
        Capability::NetBindService => 10,
        Capability::NetBroadcast => 11,
        Capability::NetAdmin => 12,
        Capability::NetRaw => 13,
        Capability::IpcLock => 14,
        Capability::IpcOwner => 15,
        Capability::SysModule => 16,
        Capability::SysRawio => 17,
        Capability::SysChroot => 18,
        Capability::SysPtrace => 19,
        Capability::SysPacct => 20,
        Capability::SysAdmin => 21,
        Capability::SysBoot => 22,
        Capability::SysNice => 23,
        Capability::SysResource => 24,
        Capability::SysTime => 25,
        Capability::SysTtyConfig => 26,
        Capability::Mknod => 27,
        Capability::Lease => 28,
        Capability::AuditWrite => 29,
        Capability::AuditControl => 30,
        Capability::Setfcap => 31,
        Capability::MacOverride => 32,
        Capability::MacAdmin => 33,
        Capability::Syslog => 34,
        Capability::WakeAlarm => 35,
        Capability::BlockSuspend => 36,
        Capability::AuditRead => 37,
        Capability::Perfmon => 38,
        Capability::Bpf => 39,
        Capability::CheckpointRestore => 40,
    }
}
