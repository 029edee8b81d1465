//! What the native backend needs from the host, checked before a RUN step touches anything, so a user
//! gets one sentence saying what is missing and what to do instead of a failed mount's `EPERM`.
//!
//! strata mounts overlayfs and makes namespaces itself, which needs root (CAP_SYS_ADMIN); a rootless mode
//! over user namespaces is not built yet, so without root the answer names the way out (`sudo`, or the
//! simulator) and says whether this host would allow user namespaces. The kernel must know overlayfs:
//! listed in `/proc/filesystems`, or a module it can load.

use std::path::Path;

/// What the checks look at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostFacts {
    /// The effective user ID.
    pub euid: u32,
    /// Whether unprivileged user namespaces are allowed (`user.max_user_namespaces` > 0 and, on kernels
    /// that have it, `kernel.unprivileged_userns_clone` = 1).
    pub user_namespaces: bool,
    /// Whether the kernel has overlayfs (listed in `/proc/filesystems`, or its module is installed).
    pub overlayfs: bool,
}

impl HostFacts {
    /// The facts of this host. `filesystems` is the kernel's list (`/proc/filesystems`).
    pub fn of_host(filesystems: &Path) -> HostFacts {
        let read = |p: &str| std::fs::read_to_string(p).ok();
        let max_userns = read("/proc/sys/user/max_user_namespaces")
            .and_then(|s| s.trim().parse::<u64>().ok())
            .unwrap_or(0);
        let userns_clone = read("/proc/sys/kernel/unprivileged_userns_clone")
            .map(|s| s.trim() == "1")
            .unwrap_or(true);
        let listed = std::fs::read_to_string(filesystems)
            .unwrap_or_default()
            .lines()
            .any(|l| l.split_whitespace().last() == Some("overlay"));
        let module = read("/proc/sys/kernel/osrelease").is_some_and(|release| {
            Path::new("/lib/modules")
                .join(release.trim())
                .join("kernel/fs/overlayfs")
                .is_dir()
        });
        HostFacts {
            euid: rustix::process::geteuid().as_raw(),
            user_namespaces: max_userns > 0 && userns_clone,
            overlayfs: listed || module,
        }
    }
}

/// Why a RUN step cannot run natively on a host with these facts, if it cannot.
pub fn refusal(facts: &HostFacts) -> Option<String> {
    if facts.euid != 0 {
        let userns = if facts.user_namespaces {
            "this host allows user namespaces, but strata's rootless mode is not built yet"
        } else {
            "this host does not allow unprivileged user namespaces either \
             (sysctl user.max_user_namespaces / kernel.unprivileged_userns_clone)"
        };
        return Some(format!(
            "the native backend needs root: a RUN step is an overlayfs mount in new namespaces, which needs \
             CAP_SYS_ADMIN, and {userns}; run strata as root (sudo), or build with --backend sim"
        ));
    }
    if !facts.overlayfs {
        return Some(
            "the native backend needs overlayfs, which this kernel does not have (not in /proc/filesystems, \
             no overlay module): `modprobe overlay` or a kernel built with CONFIG_OVERLAY_FS, or build with \
             --backend sim"
                .to_owned(),
        );
    }
    None
}

/// Why a RUN step cannot run natively on this host, if it cannot. `STRATA_PROC_FILESYSTEMS` names another
/// file to read the kernel's filesystems from (a test's way to show a kernel without overlayfs).
pub fn host_refusal() -> Option<String> {
    let filesystems = std::env::var_os("STRATA_PROC_FILESYSTEMS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "/proc/filesystems".into());
    let mut facts = HostFacts::of_host(&filesystems);
    if std::env::var_os("STRATA_PROC_FILESYSTEMS").is_some() {
        // The list given stands for the kernel's: no module fallback.
        facts.overlayfs = std::fs::read_to_string(&filesystems)
            .unwrap_or_default()
            .lines()
            .any(|l| l.split_whitespace().last() == Some("overlay"));
    }
    refusal(&facts)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: HostFacts = HostFacts {
        euid: 0,
        user_namespaces: true,
        overlayfs: true,
    };

    #[test]
    fn root_with_overlayfs_may_run() {
        assert_eq!(refusal(&OK), None);
    }

    #[test]
    fn not_root_says_what_to_do_and_why_user_namespaces_do_not_help() {
        let with = refusal(&HostFacts { euid: 1000, ..OK }).unwrap();
        assert!(with.starts_with("the native backend needs root"), "{with}");
        assert!(with.contains("rootless mode is not built yet"), "{with}");
        assert!(with.contains("--backend sim"), "{with}");
        let without = refusal(&HostFacts {
            euid: 1000,
            user_namespaces: false,
            ..OK
        })
        .unwrap();
        assert!(
            without.contains("does not allow unprivileged user namespaces"),
            "{without}"
        );
    }

    #[test]
    fn no_overlayfs_says_so() {
        let why = refusal(&HostFacts {
            overlayfs: false,
            ..OK
        })
        .unwrap();
        assert!(
            why.starts_with("the native backend needs overlayfs"),
            "{why}"
        );
        assert!(why.contains("modprobe overlay"), "{why}");
    }
}
