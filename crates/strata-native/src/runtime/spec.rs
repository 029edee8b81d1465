//! The OCI runtime spec of a RUN step or a container, with the `oci-spec` crate's types: the runtime's
//! defaults (new mount, pid, uts, ipc and network namespaces; `/proc`, a minimal `/dev`, read-only `/sys`;
//! the default capabilities, masked and read-only paths), the process BuildKit starts for a step, and
//! `/etc/hosts` and `/etc/resolv.conf` bound in read-only, as BuildKit does (`/etc/hostname` is not: a step
//! sees the image's). The network is the host's, as BuildKit's default for RUN without CNI, so a step can
//! reach a package mirror.

use std::path::Path;

use oci_spec::runtime::{
    Capabilities, Capability, LinuxCapabilities, LinuxNamespaceType, Mount, MountBuilder, Process,
    Root, Spec, User,
};

use crate::error::{Error, Result};

/// Docker's default capabilities (a RUN step's `CapEff` is `00000000a80425fb`, recorded with Docker 20.10).
const DOCKER_CAPABILITIES: &[Capability] = &[
    Capability::Chown,
    Capability::DacOverride,
    Capability::Fowner,
    Capability::Fsetid,
    Capability::Kill,
    Capability::Setgid,
    Capability::Setuid,
    Capability::Setpcap,
    Capability::NetBindService,
    Capability::NetRaw,
    Capability::SysChroot,
    Capability::Mknod,
    Capability::AuditWrite,
    Capability::Setfcap,
];

/// What runs in the container.
#[derive(Debug, Clone)]
pub struct ProcessSpec<'a> {
    /// The argv.
    pub argv: &'a [String],
    /// `KEY=value`, in order.
    pub env: &'a [String],
    /// The absolute working directory.
    pub cwd: &'a str,
    /// User and group.
    pub uid: u32,
    /// The primary group.
    pub gid: u32,
    /// Supplementary groups.
    pub groups: &'a [u32],
    /// The hostname.
    pub hostname: &'a str,
}

/// The spec of a container whose root filesystem is mounted at `rootfs`, running `p`, with the files of
/// `etc` (`hosts`, `resolv.conf`, written by the caller) bound over the image's.
pub fn spec(rootfs: &Path, etc: &Path, p: &ProcessSpec<'_>) -> Result<Spec> {
    let mut spec = Spec::default();
    let mut root = Root::default();
    root.set_path(rootfs.to_path_buf());
    root.set_readonly(Some(false));
    spec.set_root(Some(root));
    spec.set_hostname(Some(p.hostname.to_owned()));

    let mut user = User::default();
    user.set_uid(p.uid);
    user.set_gid(p.gid);
    user.set_umask(Some(0o022));
    if !p.groups.is_empty() {
        user.set_additional_gids(Some(p.groups.to_vec()));
    }
    let mut process = Process::default();
    process.set_terminal(Some(false));
    process.set_args(Some(p.argv.to_vec()));
    process.set_env(Some(p.env.to_vec()));
    process.set_cwd(p.cwd.into());
    process.set_user(user);
    let caps: Capabilities = DOCKER_CAPABILITIES.iter().copied().collect();
    let mut c = LinuxCapabilities::default();
    c.set_bounding(Some(caps.clone()));
    c.set_effective(Some(caps.clone()));
    c.set_permitted(Some(caps));
    c.set_inheritable(None);
    c.set_ambient(None);
    process.set_capabilities(Some(c));
    spec.set_process(Some(process));

    let mut mounts: Vec<Mount> = spec.mounts().clone().unwrap_or_default();
    for name in ["hosts", "resolv.conf"] {
        let m = MountBuilder::default()
            .destination(format!("/etc/{name}"))
            .typ("bind")
            .source(etc.join(name))
            .options(vec![
                "rbind".to_owned(),
                "rprivate".to_owned(),
                "ro".to_owned(),
            ])
            .build()
            .map_err(|e| Error::Runtime(format!("the runtime spec: {e}")))?;
        mounts.push(m);
    }
    spec.set_mounts(Some(mounts));
    if let Some(linux) = spec.linux_mut() {
        if let Some(ns) = linux.namespaces_mut() {
            ns.retain(|n| n.typ() != LinuxNamespaceType::Network);
        }
    }
    Ok(spec)
}

/// A host path bound into a container (`-v HOST:CTR[:ro]`, or a volume's directory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bind {
    /// The directory or file on the host.
    pub source: std::path::PathBuf,
    /// The absolute path in the container.
    pub destination: String,
    /// `:ro`.
    pub read_only: bool,
}

/// What a container of `strata run` adds to a step's spec.
#[derive(Debug, Clone)]
pub struct ContainerSpec<'a> {
    /// What runs.
    pub process: ProcessSpec<'a>,
    /// A terminal (`-t`).
    pub terminal: bool,
    /// A network namespace of its own, with only loopback (Docker's default and `--network none`); false
    /// shares the host's (`--network host`).
    pub own_network: bool,
    /// The volumes and host directories, in `docker inspect`'s order (by destination).
    pub binds: &'a [Bind],
}

/// The spec of a container of `strata run` over `rootfs`: a step's ([`spec`]) with its own network
/// namespace unless `--network host`, a terminal when asked, `/etc/hosts`, `/etc/hostname` and
/// `/etc/resolv.conf` from `etc` bound read-write (as Docker binds them), and the container's mounts.
pub fn container_spec(rootfs: &Path, etc: &Path, c: &ContainerSpec<'_>) -> Result<Spec> {
    let mut s = spec(rootfs, etc, &c.process)?;
    if let Some(p) = s.process_mut() {
        p.set_terminal(Some(c.terminal));
    }
    let bad = |e: oci_spec::OciSpecError| Error::Runtime(format!("the runtime spec: {e}"));
    let mut mounts: Vec<Mount> = s.mounts().clone().unwrap_or_default();
    mounts.retain(|m| !m.destination().starts_with("/etc/"));
    for name in ["hostname", "hosts", "resolv.conf"] {
        mounts.push(
            MountBuilder::default()
                .destination(format!("/etc/{name}"))
                .typ("bind")
                .source(etc.join(name))
                .options(vec!["rbind".to_owned(), "rprivate".to_owned()])
                .build()
                .map_err(bad)?,
        );
    }
    for b in c.binds {
        let mut options = vec!["rbind".to_owned(), "rprivate".to_owned()];
        if b.read_only {
            options.push("ro".to_owned());
        }
        mounts.push(
            MountBuilder::default()
                .destination(&b.destination)
                .typ("bind")
                .source(&b.source)
                .options(options)
                .build()
                .map_err(bad)?,
        );
    }
    s.set_mounts(Some(mounts));
    if c.own_network {
        if let Some(ns) = s
            .linux_mut()
            .as_mut()
            .and_then(|l| l.namespaces_mut().as_mut())
        {
            ns.push(
                oci_spec::runtime::LinuxNamespaceBuilder::default()
                    .typ(LinuxNamespaceType::Network)
                    .build()
                    .map_err(bad)?,
            );
        }
    }
    Ok(s)
}
