//! A container of `strata run --backend native`: a stored image run for real in the foreground.
//!
//! The container's directory in the store (`containers/<id>/`, made by [`crate::Containers::create`]) holds
//! everything it has on disk, as Docker's does:
//!
//! ```text
//! containers/<id>/init/     Docker's "init layer": the mount points a runtime needs (/proc, /sys, /dev,
//!                           /etc/hosts, /etc/hostname, /etc/resolv.conf, /etc/mtab, /.dockerenv), the
//!                           topmost lower directory, so none of them is in the container's layer
//! containers/<id>/upper/    the overlay's upper directory: the container's writable layer, kept after it
//!                           exits and read back by `diff`, `commit` and `ps` ([`read_upper`])
//! containers/<id>/work/     overlayfs's work directory      } while it runs
//! containers/<id>/merged/   the mount point                 }
//! containers/<id>/hosts, hostname, resolv.conf   bound over the image's
//! ```
//!
//! The image's layers are the shared unpacked directories (`layers/<ChainID>/`, [`LayerDirs`]). The overlay
//! is mounted in this process's own mount namespace (`overlay_mount::private_mounts`), so a killed `strata`
//! leaves no mount behind. What is made before the process starts — the working directory and the mount
//! points of volumes and binds the image lacks — goes into the upper directory, as Docker makes them in the
//! container's layer. A new, empty volume is first filled with what the image has at its destination.

use std::fs;
use std::os::fd::OwnedFd;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use strata_build::Layer;
use strata_image::{Changeset, Overlay, Tree};

use crate::error::{Error, Result};
use crate::layer_dirs::LayerDirs;
use crate::overlay_mount::{private_mounts, OverlayMount};
use crate::runtime::spec::{container_spec, Bind, ContainerSpec, ProcessSpec};
use crate::runtime::{Attach, Exited, Runtime};

/// The network a container gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    /// A network namespace of its own with only loopback, up (`--network none`, and strata's default: there
    /// is no bridge, so the default network reaches nothing outside the container either).
    Own,
    /// The host's (`--network host`): its interfaces, hostname and `/etc/hosts`.
    Host,
}

/// One mount of a native container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NativeMount {
    /// The host directory (a volume's `_data`, or `-v HOST:…`'s path).
    pub source: PathBuf,
    /// The absolute path in the container.
    pub destination: String,
    /// `:ro`.
    pub read_only: bool,
    /// Fill `source` with the image's files at `destination` first (a new or empty volume, not `nocopy`).
    pub fill: bool,
}

/// What [`run_container`] runs.
#[derive(Debug, Clone)]
pub struct ContainerRun<'a> {
    /// The container's directory in the store.
    pub dir: PathBuf,
    /// The name the runtime knows it by (unique while it runs).
    pub runtime_id: String,
    /// The image's layers, base first.
    pub layers: &'a [Layer],
    /// The argv, env, working directory, user and hostname.
    pub process: ProcessSpec<'a>,
    /// `-t`.
    pub terminal: bool,
    /// `-i`.
    pub interactive: bool,
    /// `--network`.
    pub network: Network,
    /// The volumes and binds, by destination.
    pub mounts: Vec<NativeMount>,
}

/// Runs the container in the foreground with `runtime`, over the store at `root`, and returns how its
/// process ended. The upper directory stays in `run.dir`; the mount is gone when this returns.
pub fn run_container<R: Runtime>(
    root: &Path,
    runtime: &R,
    run: &ContainerRun<'_>,
) -> Result<Exited> {
    private_mounts();
    let mut lowers = LayerDirs::open(root)?.ensure(run.layers)?;
    let d = &run.dir;
    let (init, upper, work, merged, bundle) = (
        d.join("init"),
        d.join("upper"),
        d.join("work"),
        d.join("merged"),
        d.join("bundle"),
    );
    for p in [&upper, &work, &merged, &bundle] {
        fs::create_dir_all(p).map_err(Error::io(p))?;
    }
    write_init_layer(&init, &lowers)?;
    write_etc_files(d, run)?;
    lowers.push(init);
    let exited = {
        let _sigint = KeepOnInterrupt::install();
        mounted_run(runtime, run, &lowers, &bundle)
    };
    // The mount is gone (dropped in `mounted_run`); the upper directory stays.
    let _ = fs::remove_dir(&merged);
    let _ = fs::remove_dir_all(&work);
    let _ = fs::remove_dir_all(&bundle);
    exited
}

/// While it lives, `^C` (SIGINT) does not end this process: the container's processes, in the same
/// process group, get it from the terminal and decide (its PID 1, as a pid namespace's init, ignores it
/// unless it handles it — as with Docker, whose client passes the signal on to PID 1), and this process
/// records how the container ended. A handler that does nothing, not `SIG_IGN`: an exec resets it, so the
/// container's programs start with the default.
struct KeepOnInterrupt {
    previous: libc::sigaction,
}

extern "C" fn ignore_signal(_: libc::c_int) {}

impl KeepOnInterrupt {
    fn install() -> KeepOnInterrupt {
        // SAFETY: sigaction with structures on the stack; the handler does nothing.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = ignore_signal as *const () as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            let mut previous: libc::sigaction = std::mem::zeroed();
            libc::sigaction(libc::SIGINT, &action, &mut previous);
            KeepOnInterrupt { previous }
        }
    }
}

impl Drop for KeepOnInterrupt {
    fn drop(&mut self) {
        // SAFETY: puts back what `install` found.
        unsafe { libc::sigaction(libc::SIGINT, &self.previous, std::ptr::null_mut()) };
    }
}

/// The part of [`run_container`] with the overlay mounted: the mount points, the bundle, the run.
fn mounted_run<R: Runtime>(
    runtime: &R,
    run: &ContainerRun<'_>,
    lowers: &[PathBuf],
    bundle: &Path,
) -> Result<Exited> {
    let d = &run.dir;
    let (upper, work, merged) = (d.join("upper"), d.join("work"), d.join("merged"));
    {
        let mount = OverlayMount::mount(lowers, &upper, &work, &merged)?;
        let rootfs = mount.target();
        make_dir(rootfs, run.process.cwd)?;
        let mut binds = Vec::new();
        for m in &run.mounts {
            if m.fill {
                fill_volume(&in_root(rootfs, &m.destination), &m.source)?;
            }
            // The mount point, made here with the image's symlinks resolved inside the root (never a
            // host path an image's symlink points at); the runtime gets the resolved path.
            let target = if m.source.is_dir() {
                make_dir(rootfs, &m.destination)?
            } else {
                make_file(rootfs, &m.destination)?
            };
            binds.push(Bind {
                source: m.source.clone(),
                destination: format!(
                    "/{}",
                    target.strip_prefix(rootfs).unwrap_or(&target).display()
                ),
                read_only: m.read_only,
            });
        }
        let spec = container_spec(
            rootfs,
            d,
            &ContainerSpec {
                process: run.process.clone(),
                terminal: run.terminal,
                own_network: run.network == Network::Own,
                binds: &binds,
            },
        )?;
        let config = bundle.join("config.json");
        spec.save(&config)
            .map_err(|e| Error::Runtime(format!("writing {}: {e}", config.display())))?;
        if run.terminal {
            let (ours, theirs) = socketpair()?;
            let copier = crate::pty::serve(ours, run.interactive);
            let exited = runtime.run_attached(
                bundle,
                &run.runtime_id,
                Attach::Terminal { console: theirs },
            );
            let _ = copier.join();
            exited
        } else {
            runtime.run_attached(
                bundle,
                &run.runtime_id,
                Attach::Inherit {
                    stdin: run.interactive,
                },
            )
        }
    }
}

/// The writable layer of a native container (its `upper/` directory, as overlayfs left it) as a layer over
/// the image's flattened files `lower`: overlay whiteouts as removals, opaque directories, hard links kept.
pub fn read_upper(upper: &Path, lower: &Tree) -> Result<Changeset> {
    let mut overlay = Overlay::new(Arc::new(lower.clone()));
    crate::upper::apply_upper(upper, &mut overlay, None)?;
    let mut layer = overlay.changeset();
    // The upper directory's own root is not a change Docker lists or commits.
    layer
        .entries
        .retain(|e| e.path != "/" && !e.path.is_empty());
    Ok(layer)
}

/// The host path of `path` (absolute in the container) under the root filesystem `rootfs`, with every
/// symlink on the way resolved as the container would resolve it: an absolute target starts again at
/// `rootfs`, `..` never climbs above it (as Docker's `securejoin` does). The last component is resolved too
/// when it is a symlink.
fn in_root(rootfs: &Path, path: &str) -> PathBuf {
    let mut todo: Vec<String> = path
        .split('/')
        .rev()
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    let mut done: Vec<String> = Vec::new();
    let mut hops = 0;
    while let Some(part) = todo.pop() {
        match part.as_str() {
            "." => continue,
            ".." => {
                done.pop();
                continue;
            }
            _ => {}
        }
        let here = done
            .iter()
            .fold(rootfs.to_path_buf(), |p, d| p.join(d))
            .join(&part);
        match fs::read_link(&here) {
            Ok(target) if hops < 40 => {
                hops += 1;
                let target = target.to_string_lossy().into_owned();
                if target.starts_with('/') {
                    done.clear();
                }
                todo.extend(
                    target
                        .split('/')
                        .rev()
                        .filter(|p| !p.is_empty())
                        .map(str::to_owned),
                );
            }
            _ => done.push(part),
        }
    }
    done.iter().fold(rootfs.to_path_buf(), |p, d| p.join(d))
}

/// `mkdir -p` of `path` in the container (see [`in_root`]); returns its host path.
fn make_dir(rootfs: &Path, path: &str) -> Result<PathBuf> {
    let mut made = PathBuf::from("/");
    let mut host = rootfs.to_path_buf();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        made.push(part);
        host = in_root(rootfs, &made.to_string_lossy());
        if !host.exists() {
            // Fully resolved: what is missing has no symlinks left to follow.
            fs::create_dir_all(&host).map_err(Error::io(&host))?;
        }
        // Continue from the resolved place (a symlinked component stays inside the root).
        made = PathBuf::from("/").join(host.strip_prefix(rootfs).unwrap_or(Path::new("")));
    }
    Ok(host)
}

/// An empty file at `path` in the container (its directory made), to bind a file over; its host path.
fn make_file(rootfs: &Path, path: &str) -> Result<PathBuf> {
    let (dir, name) = path
        .trim_end_matches('/')
        .rsplit_once('/')
        .unwrap_or(("", path));
    let parent = make_dir(rootfs, dir)?;
    let host = in_root(
        rootfs,
        &format!(
            "{}/{name}",
            parent
                .strip_prefix(rootfs)
                .unwrap_or(Path::new(""))
                .display()
        ),
    );
    if !host.exists() {
        fs::write(&host, b"").map_err(Error::io(&host))?;
    }
    Ok(host)
}

/// The init layer (see the module docs), once: each directory with the attributes of the image's own (the
/// topmost of `lowers` that has it), so the init layer changes nothing the container sees but the stubs.
fn write_init_layer(init: &Path, lowers: &[PathBuf]) -> Result<()> {
    if init.is_dir() {
        return Ok(());
    }
    let tmp = init.with_file_name("init.tmp");
    let _ = fs::remove_dir_all(&tmp);
    for dir in ["dev/pts", "dev/shm", "etc", "proc", "sys"] {
        let p = tmp.join(dir);
        fs::create_dir_all(&p).map_err(Error::io(&p))?;
    }
    for file in [
        ".dockerenv",
        "dev/console",
        "etc/hosts",
        "etc/hostname",
        "etc/resolv.conf",
    ] {
        let p = tmp.join(file);
        fs::write(&p, b"").map_err(Error::io(&p))?;
        let mode = if file == ".dockerenv" { 0o755 } else { 0o644 };
        fs::set_permissions(&p, fs::Permissions::from_mode(mode)).map_err(Error::io(&p))?;
    }
    let mtab = tmp.join("etc/mtab");
    if !lowers
        .iter()
        .any(|l| l.join("etc/mtab").symlink_metadata().is_ok())
    {
        std::os::unix::fs::symlink("/proc/mounts", &mtab).map_err(Error::io(&mtab))?;
    }
    for dir in ["", "dev", "dev/pts", "dev/shm", "etc", "proc", "sys"] {
        let ours = tmp.join(dir);
        let image = lowers
            .iter()
            .rev()
            .find_map(|l| l.join(dir).symlink_metadata().ok().filter(|m| m.is_dir()));
        let mode = image.as_ref().map_or(0o755, |m| m.mode() & 0o7777);
        fs::set_permissions(&ours, fs::Permissions::from_mode(mode)).map_err(Error::io(&ours))?;
        if let Some(m) = image {
            std::os::unix::fs::lchown(&ours, Some(m.uid()), Some(m.gid()))
                .map_err(Error::io(&ours))?;
            set_mtime(&ours, m.mtime(), m.mtime_nsec())?;
        }
    }
    fs::rename(&tmp, init).map_err(Error::io(init))
}

/// `/etc/hosts`, `/etc/hostname` and `/etc/resolv.conf` as Docker writes them for the container.
fn write_etc_files(dir: &Path, run: &ContainerRun<'_>) -> Result<()> {
    let host_file = |p: &str| fs::read_to_string(p).unwrap_or_default();
    let (hosts, hostname) = match run.network {
        Network::Host => (
            host_file("/etc/hosts"),
            format!("{}\n", run.process.hostname),
        ),
        Network::Own => (
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n".to_owned(),
            format!("{}\n", run.process.hostname),
        ),
    };
    // Docker drops the host's loopback nameservers, which mean nothing in a network namespace of its own.
    let resolv = host_file("/etc/resolv.conf")
        .lines()
        .filter(|l| {
            run.network == Network::Host
                || !(l.starts_with("nameserver 127.") || l.starts_with("nameserver ::1"))
        })
        .map(|l| format!("{l}\n"))
        .collect::<String>();
    for (name, text) in [
        ("hosts", hosts),
        ("hostname", hostname),
        ("resolv.conf", resolv),
    ] {
        let p = dir.join(name);
        fs::write(&p, text).map_err(Error::io(&p))?;
    }
    Ok(())
}

/// Docker's copy of the image's files into a new volume: when `volume` is empty and the image has a
/// directory at `from`, its contents (and the directory's mode and owner) are copied in.
fn fill_volume(from: &Path, volume: &Path) -> Result<()> {
    let Ok(meta) = fs::metadata(from) else {
        return Ok(());
    };
    let empty = fs::read_dir(volume)
        .map_err(Error::io(volume))?
        .next()
        .is_none();
    if !meta.is_dir() || !empty {
        return Ok(());
    }
    copy_dir(from, volume)?;
    fs::set_permissions(volume, fs::Permissions::from_mode(meta.mode() & 0o7777))
        .map_err(Error::io(volume))?;
    std::os::unix::fs::lchown(volume, Some(meta.uid()), Some(meta.gid())).map_err(Error::io(volume))
}

/// Copies what is in `from` into the existing directory `to`: directories, files, symlinks, with modes,
/// owners and modification times.
fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    for e in fs::read_dir(from).map_err(Error::io(from))? {
        let e = e.map_err(Error::io(from))?;
        let (src, dst) = (e.path(), to.join(e.file_name()));
        let meta = fs::symlink_metadata(&src).map_err(Error::io(&src))?;
        let ft = meta.file_type();
        if ft.is_dir() {
            fs::create_dir(&dst).map_err(Error::io(&dst))?;
            copy_dir(&src, &dst)?;
        } else if ft.is_symlink() {
            let target = fs::read_link(&src).map_err(Error::io(&src))?;
            std::os::unix::fs::symlink(target, &dst).map_err(Error::io(&dst))?;
        } else if ft.is_file() {
            fs::copy(&src, &dst).map_err(Error::io(&dst))?;
        } else {
            // Devices, fifos and sockets are not copied into volumes here.
            continue;
        }
        std::os::unix::fs::lchown(&dst, Some(meta.uid()), Some(meta.gid()))
            .map_err(Error::io(&dst))?;
        if !ft.is_symlink() {
            fs::set_permissions(&dst, fs::Permissions::from_mode(meta.mode() & 0o7777))
                .map_err(Error::io(&dst))?;
            set_mtime(&dst, meta.mtime(), meta.mtime_nsec())?;
        }
    }
    Ok(())
}

fn set_mtime(path: &Path, secs: i64, nanos: i64) -> Result<()> {
    let t = rustix::fs::Timestamps {
        last_access: rustix::fs::Timespec {
            tv_sec: secs,
            tv_nsec: nanos as _,
        },
        last_modification: rustix::fs::Timespec {
            tv_sec: secs,
            tv_nsec: nanos as _,
        },
    };
    rustix::fs::utimensat(
        rustix::fs::CWD,
        path,
        &t,
        rustix::fs::AtFlags::SYMLINK_NOFOLLOW,
    )
    .map_err(|e| Error::io(path)(e.into()))
}

/// A connected pair of Unix stream sockets, close-on-exec.
fn socketpair() -> Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: socketpair fills both descriptors on success; they are owned from here on.
    let rc = unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_STREAM | libc::SOCK_CLOEXEC,
            0,
            fds.as_mut_ptr(),
        )
    };
    if rc != 0 {
        return Err(Error::Runtime(format!(
            "socketpair: {}",
            std::io::Error::last_os_error()
        )));
    }
    use std::os::fd::FromRawFd;
    // SAFETY: just created, not owned by anything else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mount_points_resolve_an_images_symlinks_inside_its_root() {
        let root = std::env::temp_dir().join(format!("strata-in-root-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("b")).unwrap();
        std::os::unix::fs::symlink("/b", root.join("abs")).unwrap();
        std::os::unix::fs::symlink("../../..", root.join("b/up")).unwrap();
        std::os::unix::fs::symlink("/etc", root.join("hostetc")).unwrap();
        assert_eq!(in_root(&root, "/abs/x"), root.join("b/x"));
        assert_eq!(in_root(&root, "/b/up/etc"), root.join("etc"));
        assert_eq!(in_root(&root, "/../../etc/passwd"), root.join("etc/passwd"));
        // A symlink to the host's /etc makes a directory in the root, never on the host.
        let made = make_dir(&root, "/hostetc/strata-made").unwrap();
        assert_eq!(made, root.join("etc/strata-made"));
        assert!(made.is_dir());
        let f = make_file(&root, "/abs/deep/file").unwrap();
        assert_eq!(f, root.join("b/deep/file"));
        assert!(f.is_file());
        fs::remove_dir_all(&root).unwrap();
    }
}
