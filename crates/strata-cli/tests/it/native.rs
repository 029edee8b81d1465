//! `strata build --backend native`: RUN executes the image's own binaries (busybox-static) on an overlayfs
//! mount in new namespaces through runc. What each step prints and the layers it makes are compared with what
//! Docker 20.10 BuildKit gave for the same Dockerfile over the oracle's `busybox:mnt` (recorded here):
//! the step's output, `ps` showing the shell as PID 1, BuildKit's `/etc/hosts`, Docker's default
//! capabilities, and the layer `bin/ bin/.wh.vi made.txt` for `echo data > /made.txt; rm /bin/vi`.
//!
//! Both runtimes are checked: the built-in one (the default) and runc.
//!
//! Needs root, overlayfs, `runc` and `/bin/busybox` (Debian's busybox-static); elsewhere each test prints
//! why it is skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::store::{strata_at, TempDir};
use crate::{stderr, stdout};

/// Why the native backend cannot run here, if it cannot.
pub(crate) fn missing() -> Option<String> {
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Some("needs root".into());
    }
    let fs = std::fs::read_to_string("/proc/filesystems").unwrap_or_default();
    if !fs.lines().any(|l| l.trim_end().ends_with("overlay")) {
        return Some("needs overlayfs".into());
    }
    if Command::new("runc").arg("--version").output().is_err() {
        return Some("needs runc (apt-get install runc)".into());
    }
    if !Path::new("/bin/busybox").exists() {
        return Some("needs /bin/busybox (apt-get install busybox-static)".into());
    }
    None
}

/// The oracle's busybox:mnt root filesystem (`../shared/oracle/setup.sh` makes it the same way), imported.
pub(crate) fn import_busybox_mnt(dir: &TempDir, root: &Path) {
    let r = dir.path("rootfs");
    for d in ["bin", "etc", "tmp", "root", "dev", "proc", "sys", "run"] {
        std::fs::create_dir_all(r.join(d)).unwrap();
    }
    // Copied by cp(1), not by this process: a file another test thread has open for writing while it forks
    // cannot be executed (ETXTBSY).
    let st = Command::new("cp")
        .arg("/bin/busybox")
        .arg(r.join("bin/busybox"))
        .status()
        .unwrap();
    assert!(st.success());
    let st = Command::new("chroot")
        .arg(&r)
        .args(["/bin/busybox", "--install", "-s", "/bin"])
        .status()
        .unwrap();
    assert!(st.success());
    std::fs::write(
        r.join("etc/passwd"),
        "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
    )
    .unwrap();
    std::fs::write(r.join("etc/group"), "root:x:0:\nnogroup:x:65534:\n").unwrap();
    for f in ["hosts", "hostname", "resolv.conf"] {
        std::fs::write(r.join("etc").join(f), "").unwrap();
    }
    let sh = format!(
        "chmod 1777 {r}/tmp && chmod 700 {r}/root && chmod 755 {r} {r}/bin {r}/etc {r}/dev {r}/proc {r}/sys {r}/run && chmod 644 {r}/etc/passwd {r}/etc/group {r}/etc/hosts {r}/etc/hostname {r}/etc/resolv.conf",
        r = r.display()
    );
    assert!(Command::new("sh")
        .args(["-c", &sh])
        .status()
        .unwrap()
        .success());
    let tar = dir.path("rootfs.tar");
    crate::store::rootfs_tar(&r, &tar);
    let o = strata_at(
        root,
        &[
            "import",
            "-c",
            r#"CMD ["sh"]"#,
            "-c",
            "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            tar.to_str().unwrap(),
            "busybox:mnt",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `tar tv`-like lines (`mode size name`) of each layer of `image`, base first, from `strata save`.
fn layer_listings(root: &Path, dir: &TempDir, image: &str) -> Vec<Vec<String>> {
    let out = dir.path("saved");
    std::fs::create_dir_all(&out).unwrap();
    let tar = out.join("image.tar");
    let o = strata_at(root, &["save", "-o", tar.to_str().unwrap(), image]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(Command::new("tar")
        .arg("xf")
        .arg(&tar)
        .arg("-C")
        .arg(&out)
        .status()
        .unwrap()
        .success());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    manifest[0]["Layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let path: PathBuf = out.join(l.as_str().unwrap());
            let o = Command::new("tar").arg("tvf").arg(&path).output().unwrap();
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .map(|line| {
                    let f: Vec<&str> = line.split_whitespace().collect();
                    format!("{} {} {}", f[0], f[2], f[5..].join(" "))
                })
                .collect()
        })
        .collect()
}

#[test]
fn a_native_build_runs_busybox_for_real_and_makes_dockers_layers() {
    busybox_build("builtin");
}

#[test]
fn the_runc_runtime_makes_the_same_layers() {
    busybox_build("runc");
}

/// The busybox build of the module docs with `--runtime runtime`.
fn busybox_build(runtime: &str) {
    if let Some(why) = missing() {
        println!("skipped: the native backend {why}");
        return;
    }
    let dir = TempDir::new(&format!("native-{runtime}"));
    let root = dir.path("store");
    import_busybox_mnt(&dir, &root);
    let ctx = dir.path("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(
        ctx.join("Dockerfile"),
        "FROM busybox:mnt\n\
         RUN echo hello from a real container; id; hostname; cat /etc/hosts; grep CapEff /proc/self/status; echo data > /made.txt; rm /bin/vi\n\
         RUN ps; cat /made.txt\n",
    )
    .unwrap();
    let o = strata_at(
        &root,
        &[
            "build",
            "--backend",
            "native",
            "--runtime",
            runtime,
            "-t",
            "nat",
            ctx.to_str().unwrap(),
        ],
    );
    let log = stderr(&o);
    assert!(o.status.success(), "{log}");
    // Recorded from Docker 20.10 BuildKit (the step numbers differ: Docker's log has more vertices).
    for want in [
        "#2 hello from a real container",
        "#2 uid=0(root) gid=0(root)",
        "#2 buildkitsandbox",
        "#2 127.0.0.1\tlocalhost buildkitsandbox",
        "#2 ::1\tlocalhost ip6-localhost ip6-loopback",
        "#2 CapEff:\t00000000a80425fb",
        "#3 PID   USER     COMMAND",
        "#3     1 root     /bin/sh -c ps; cat /made.txt",
        "#3 data",
    ] {
        assert!(log.lines().any(|l| l == want), "no line {want:?} in\n{log}");
    }
    let layers = layer_listings(&root, &dir, "nat");
    assert_eq!(layers.len(), 3, "{layers:?}");
    assert_eq!(
        layers[1],
        vec![
            "drwxr-xr-x 0 bin/",
            "-rw------- 0 bin/.wh.vi",
            "-rw-r--r-- 5 made.txt"
        ],
        "the RUN layer"
    );
    assert!(
        layers[2].is_empty(),
        "a RUN that changes nothing: {:?}",
        layers[2]
    );
    // Nothing is left mounted or half-written.
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    assert!(!mounts.contains(root.to_str().unwrap()), "a mount is left");
    assert_eq!(
        std::fs::read_dir(root.join("tmp"))
            .map(|d| d.count())
            .unwrap_or(0),
        0,
        "a step directory is left"
    );
    let _ = stdout(&o);
}

#[test]
fn a_failing_native_step_says_so_as_buildkit_does() {
    if let Some(why) = missing() {
        println!("skipped: the native backend {why}");
        return;
    }
    let dir = TempDir::new("native-fail");
    let root = dir.path("store");
    import_busybox_mnt(&dir, &root);
    let ctx = dir.path("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(
        ctx.join("Dockerfile"),
        "FROM busybox:mnt\nRUN echo before; exit 3\n",
    )
    .unwrap();
    let o = strata_at(
        &root,
        &["build", "--backend", "native", ctx.to_str().unwrap()],
    );
    let log = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{log}");
    assert!(log.contains("#2 before"), "{log}");
    assert!(
        log.contains("process \"/bin/sh -c echo before; exit 3\" did not complete successfully: exit code: 3"),
        "{log}"
    );
}

/// A real Debian root filesystem made by Debian's mmdebstrap from the mirror (or `STRATA_DEBIAN_TAR`, one
/// made before), imported as `debian:bookworm`; None when mmdebstrap is missing.
fn import_debian(dir: &TempDir, root: &Path) -> Option<()> {
    let tar = match std::env::var_os("STRATA_DEBIAN_TAR") {
        Some(t) => PathBuf::from(t),
        None => {
            let tar = dir.path("debian.tar");
            let st = Command::new("mmdebstrap")
                .args(["--variant=minbase", "--quiet", "bookworm"])
                .arg(&tar)
                .status()
                .ok()?;
            assert!(st.success(), "mmdebstrap failed");
            tar
        }
    };
    let o = strata_at(
        root,
        &[
            "import",
            "-c",
            r#"CMD ["bash"]"#,
            "-c",
            "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            tar.to_str().unwrap(),
            "debian:bookworm",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    Some(())
}

#[test]
fn a_native_build_installs_curl_with_apt_on_a_real_debian() {
    if let Some(why) = missing() {
        println!("skipped: the native backend {why}");
        return;
    }
    if std::env::var_os("STRATA_NATIVE_DEBIAN").is_none()
        && std::env::var_os("STRATA_DEBIAN_TAR").is_none()
    {
        println!(
            "skipped: the Debian build downloads a Debian base (about 2 minutes): set STRATA_NATIVE_DEBIAN=1 \
             (cargo xtask test-engines does) or STRATA_DEBIAN_TAR=rootfs.tar"
        );
        return;
    }
    let dir = TempDir::new("native-debian");
    let root = dir.path("store");
    if import_debian(&dir, &root).is_none() {
        println!("skipped: the Debian base needs mmdebstrap (apt-get install mmdebstrap)");
        return;
    }
    let ctx = dir.path("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(
        ctx.join("Dockerfile"),
        "FROM debian:bookworm\n\
         RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n\
         RUN curl --version | head -1; dpkg -s curl | grep ^Status\n",
    )
    .unwrap();
    let o = strata_at(
        &root,
        &[
            "build",
            "--backend",
            "native",
            "-t",
            "deb-curl",
            ctx.to_str().unwrap(),
        ],
    );
    let log = stderr(&o);
    assert!(o.status.success(), "{log}");
    assert!(log.contains("#2 Setting up curl ("), "{log}");
    assert!(log.lines().any(|l| l.starts_with("#3 curl 7.")), "{log}");
    assert!(log.contains("#3 Status: install ok installed"), "{log}");
    let layers = layer_listings(&root, &dir, "deb-curl");
    assert_eq!(layers.len(), 3);
    let apt = &layers[1];
    assert!(
        apt.iter().any(|l| l.ends_with(" usr/bin/curl")),
        "no usr/bin/curl"
    );
    // The package lists were removed in the same step: nothing of them in the layer.
    assert!(
        !apt.iter().any(|l| l.contains("var/lib/apt/lists/deb.")),
        "package lists in the layer"
    );
    // BuildKit's bound /etc/hosts and /etc/resolv.conf are not in the layer.
    assert!(
        !apt.iter()
            .any(|l| l.ends_with(" etc/hosts") || l.ends_with(" etc/resolv.conf")),
        "{apt:?}"
    );
}

#[test]
fn errors_a_user_understands_without_root_overlayfs_or_the_runtime() {
    if let Some(why) = missing() {
        println!("skipped: the native backend {why}");
        return;
    }
    let dir = TempDir::new("native-errors");
    let root = dir.path("store");
    import_busybox_mnt(&dir, &root);
    let ctx = dir.path("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(ctx.join("Dockerfile"), "FROM busybox:mnt\nRUN echo hi\n").unwrap();
    let native = ["build", "--no-cache", "--backend", "native"];
    let expect = |o: std::process::Output, says: &str| {
        let log = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{log}");
        assert!(log.contains(says), "{log}");
        assert!(!log.contains("panicked"), "{log}");
        let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
        assert!(!mounts.contains(root.to_str().unwrap()), "a mount was left");
        let check = strata_at(&root, &["system", "check", "--read-only"]);
        assert!(check.status.success(), "{}", stdout(&check));
    };

    // A missing runtime binary.
    let mut args = native.to_vec();
    args.extend(["--runtime", "/nonexistent", ctx.to_str().unwrap()]);
    expect(
        strata_at(&root, &args),
        "starting the OCI runtime /nonexistent: No such file or directory",
    );

    // A kernel without overlayfs (its filesystem list stands in for /proc/filesystems).
    let fs = std::fs::read_to_string("/proc/filesystems").unwrap();
    let without: String = fs
        .lines()
        .filter(|l| !l.ends_with("overlay"))
        .map(|l| format!("{l}\n"))
        .collect();
    let list = dir.path("filesystems");
    std::fs::write(&list, without).unwrap();
    let mut args = native.to_vec();
    args.push(ctx.to_str().unwrap());
    let o = Command::new(env!("CARGO_BIN_EXE_strata"))
        .env("STRATA_PROC_FILESYSTEMS", &list)
        .arg("--root")
        .arg(&root)
        .args(&args)
        .output()
        .unwrap();
    expect(
        o,
        "the native backend needs overlayfs, which this kernel does not have",
    );

    // Not root: as nobody, through setpriv (util-linux), in a store nobody may write.
    if Command::new("setpriv").arg("--version").output().is_err() {
        println!("not root: skipped (needs setpriv)");
        return;
    }
    let st = Command::new("chmod")
        .args(["-R", "a+rwX"])
        .arg(dir.path(""))
        .status()
        .unwrap();
    assert!(st.success());
    let o = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_strata"))
        .arg("--root")
        .arg(&root)
        .args(&args)
        .output()
        .unwrap();
    expect(
        o,
        "the native backend needs root: a RUN step is an overlayfs mount in new namespaces",
    );
}

#[test]
fn a_large_file_streams_from_the_step_to_the_store_and_back() {
    if let Some(why) = missing() {
        println!("skipped: the native backend {why}");
        return;
    }
    let time = Path::new("/usr/bin/time");
    if !time.is_file() {
        println!("skipped: needs /usr/bin/time for the peak memory");
        return;
    }
    let dir = TempDir::new("native-stream");
    let root = dir.path("store");
    import_busybox_mnt(&dir, &root);
    let ctx = dir.path("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    // 200 MiB written by the step, then read back by the next one (unpacked from the layer) and, in a
    // second build, from the stored blob (a cache hit, then a base image).
    std::fs::write(
        ctx.join("Dockerfile"),
        "FROM busybox:mnt\nRUN head -c 209715200 /dev/zero > /big\nRUN wc -c /big\n",
    )
    .unwrap();
    std::fs::write(ctx.join("Dockerfile.on"), "FROM big\nRUN wc -c /big\n").unwrap();
    let peak_kib = |args: &[&str]| {
        let out = dir.path("maxrss");
        let o = Command::new(time)
            .args(["-f", "%M", "-o"])
            .arg(&out)
            .arg(env!("CARGO_BIN_EXE_strata"))
            .arg("--root")
            .arg(&root)
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let kib: u64 = std::fs::read_to_string(&out)
            .unwrap()
            .lines()
            .last()
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        (kib, stderr(&o))
    };
    let c = ctx.to_str().unwrap();
    for (what, args) in [
        (
            "cold",
            vec![
                "build",
                "--progress",
                "plain",
                "--backend",
                "native",
                "-t",
                "big",
                c,
            ],
        ),
        (
            "cached",
            vec![
                "build",
                "--progress",
                "plain",
                "--backend",
                "native",
                "-t",
                "big",
                c,
            ],
        ),
    ] {
        let (kib, log) = peak_kib(&args);
        let ran = log.contains(" 209715200 /big");
        assert_eq!(ran, what == "cold", "{what}: {log}");
        // The file is 200 MiB; holding it would show.
        assert!(kib < 100 * 1024, "{what}: peak RSS {kib} KiB");
    }
    let on = ctx.join("Dockerfile.on");
    let (kib, log) = peak_kib(&[
        "build",
        "--progress",
        "plain",
        "--no-cache",
        "--backend",
        "native",
        "-f",
        on.to_str().unwrap(),
        c,
    ]);
    assert!(log.contains("209715200 /big"), "{log}");
    assert!(kib < 100 * 1024, "on the image: peak RSS {kib} KiB");
    let (kib, _) = peak_kib(&["save", "-o", dir.path("big.tar").to_str().unwrap(), "big"]);
    assert!(kib < 100 * 1024, "save: peak RSS {kib} KiB");
    let check = strata_at(&root, &["system", "check", "--read-only"]);
    assert!(check.status.success(), "{}", stdout(&check));
}

/// A tmpfs mounted for a test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_fails_the_step_clearly_and_keeps_the_store_consistent() {
    if let Some(why) = missing() {
        println!("skipped: the native backend {why}");
        return;
    }
    let dir = TempDir::new("native-full");
    let mnt = dir.path("full");
    std::fs::create_dir_all(&mnt).unwrap();
    let st = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=16m", "tmpfs"])
        .arg(&mnt)
        .status()
        .unwrap();
    assert!(st.success(), "mounting a tmpfs");
    let _unmount = Tmpfs(mnt.clone());
    let root = mnt.join("store");
    import_busybox_mnt(&dir, &root);
    let build = |name: &str, dockerfile: &str| {
        let ctx = dir.path(name);
        std::fs::create_dir_all(&ctx).unwrap();
        std::fs::write(ctx.join("Dockerfile"), dockerfile).unwrap();
        strata_at(
            &root,
            &[
                "build",
                "--backend",
                "native",
                "-t",
                name,
                ctx.to_str().unwrap(),
            ],
        )
    };
    let o = build("keep", "FROM busybox:mnt\nRUN echo kept > /kept\n");
    assert!(o.status.success(), "{}", stderr(&o));
    // The process itself runs out of space (busybox says only "I/O error" through overlayfs): the step
    // fails, and says why and where.
    let o = build(
        "huge",
        "FROM busybox:mnt\nRUN head -c 30000000 /dev/zero > /big\n",
    );
    let log = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{log}");
    assert!(
        log.contains("did not complete successfully: exit code: 1"),
        "{log}"
    );
    assert!(
        log.contains(&format!(
            "no space left on device: the store's filesystem at {} is full",
            root.display()
        )),
        "{log}"
    );
    // The step fits, its layer does not: writing the blob fails, naming the file.
    let o = build(
        "big",
        "FROM busybox:mnt\nRUN head -c 9000000 /dev/zero > /big\n",
    );
    let log = stderr(&o);
    assert!(!o.status.success(), "{log}");
    assert!(log.contains("No space left on device"), "{log}");
    assert!(
        log.contains(&root.join("tmp").display().to_string()),
        "{log}"
    );
    // Nothing half-written: the store checks clean without repairs, the earlier image is whole.
    let o = strata_at(&root, &["system", "check", "--read-only"]);
    assert!(o.status.success(), "{}", stdout(&o));
    let o = strata_at(&root, &["images", "--format", "{{.Repository}}"]);
    let mut names: Vec<_> = stdout(&o).lines().map(str::to_owned).collect();
    names.sort();
    assert_eq!(names, ["busybox", "keep"]);
    let o = strata_at(
        &root,
        &["save", "-o", dir.path("keep.tar").to_str().unwrap(), "keep"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = build("after", "FROM keep\nRUN cat /kept\n");
    assert!(o.status.success(), "{}", stderr(&o));
}

/// The Dockerfiles the kill test builds: RUN writing files, COPY, multi-stage and a failing RUN.
const KILL_CASES: [(&str, &str); 4] = [
    (
        "run",
        "FROM busybox:mnt\nRUN head -c 3000000 /dev/urandom > /a; sleep 0.2\nRUN cp /a /b; rm /bin/vi\nRUN ls / > /list\n",
    ),
    (
        "copy",
        "FROM busybox:mnt\nCOPY . /app\nRUN du -s /app > /du\n",
    ),
    (
        "stages",
        "FROM busybox:mnt AS a\nRUN head -c 200000 /dev/urandom > /x\nFROM busybox:mnt\nCOPY --from=a /x /y\nRUN wc -c /y > /n\n",
    ),
    (
        "fails",
        "FROM busybox:mnt\nRUN echo x > /x\nRUN exit 3\n",
    ),
];

#[test]
fn killing_native_builds_at_random_moments_leaves_no_mount_and_a_usable_store() {
    if let Some(why) = missing() {
        println!("skipped: the native backend {why}");
        return;
    }
    let started = std::time::Instant::now();
    let dir = TempDir::new("native-kill");
    let root = dir.path("store");
    import_busybox_mnt(&dir, &root);
    let mut ctxs = Vec::new();
    for (name, dockerfile) in KILL_CASES {
        let ctx = dir.path(name);
        std::fs::create_dir_all(&ctx).unwrap();
        std::fs::write(ctx.join("Dockerfile"), dockerfile).unwrap();
        if name == "copy" {
            for i in 0..300 {
                std::fs::write(ctx.join(format!("f{i}")), format!("file {i}\n").repeat(i)).unwrap();
            }
        }
        ctxs.push(ctx);
    }
    // A small LCG picks the Dockerfile, whether the cache is used, and the moment: 100 kills, each within
    // the build's first ~1.2 s.
    let mut seed: u64 = 0x5eed;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        seed >> 33
    };
    let mut cleaned = 0;
    for n in 0..100 {
        let case = (next() % KILL_CASES.len() as u64) as usize;
        let no_cache = next() % 2 == 0;
        let after = std::time::Duration::from_millis(20 + next() % 1200);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_strata"));
        cmd.arg("--root")
            .arg(&root)
            .args(["build", "--backend", "native", "-t", &format!("k{n}")]);
        if no_cache {
            cmd.arg("--no-cache");
        }
        let mut child = cmd
            .arg(&ctxs[case])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(after);
        let _ = child.kill();
        let _ = child.wait();
        let what = format!(
            "kill {n} ({}, no-cache {no_cache}) after {after:?}",
            KILL_CASES[case].0
        );
        // The build's mounts were in its own mount namespace: the host's never had them.
        let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
        assert!(
            !mounts.contains(root.to_str().unwrap()),
            "{what} left a mount"
        );
        // The store is consistent: every blob has its digest, every image listed is whole (its config,
        // manifest and layers are there), nothing dangles. What the killed process left is removed.
        let o = strata_at(&root, &["system", "check"]);
        assert!(o.status.success(), "{what}: {}{}", stdout(&o), stderr(&o));
        let listed = strata_at(&root, &["images", "-q", "--no-trunc"]);
        assert!(listed.status.success(), "{what}: {}", stderr(&listed));
        let report = stdout(&o);
        cleaned += usize::from(report.contains("left by a killed process"));
        let images = stdout(&listed)
            .lines()
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        assert!(
            report.contains(&format!(" {images} images,")),
            "{what}: `images` lists {images}, the check saw: {report}"
        );
    }
    for (ctx, (name, _)) in ctxs.iter().zip(KILL_CASES) {
        let o = strata_at(
            &root,
            &[
                "build",
                "--backend",
                "native",
                "-t",
                "after",
                ctx.to_str().unwrap(),
            ],
        );
        assert_eq!(
            o.status.success(),
            name != "fails",
            "the {name} build after the kills: {}",
            stderr(&o)
        );
    }
    let o = strata_at(&root, &["system", "check", "--read-only"]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert_eq!(
        std::fs::read_dir(root.join("tmp"))
            .map(|d| d
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with("strata-run-"))
                .count())
            .unwrap_or(0),
        0,
        "step directories of killed builds are left"
    );
    // The containers the killed builds left running are gone: no process anywhere still has one of the
    // store's overlays mounted.
    let anywhere: String = std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path().join("mountinfo")).ok())
        .collect();
    assert!(
        !anywhere.contains(root.join("tmp").to_str().unwrap()),
        "a killed build's container still has its overlay"
    );
    let layers = std::fs::read_dir(root.join("layers")).unwrap();
    for e in layers.flatten() {
        assert!(
            !e.file_name().to_string_lossy().starts_with("tmp-"),
            "a half-unpacked layer is left: {:?}",
            e.file_name()
        );
    }
    println!(
        "100 kills ({cleaned} left something for the check to remove) and the builds after them in {:?}",
        started.elapsed()
    );
}

#[test]
fn a_native_steps_output_reaches_the_progress_while_it_runs() {
    if let Some(why) = missing() {
        println!("skipped: the native backend {why}");
        return;
    }
    use std::io::{BufRead, Write};
    let dir = TempDir::new("native-live");
    let root = dir.path("store");
    import_busybox_mnt(&dir, &root);
    // The step prints `first`, then waits for this test (a RUN shares the host's network, as BuildKit's
    // default RUN without CNI does), which answers only once it has read `first` from the progress: without
    // live output the build could never finish.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let ctx = dir.path("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(
        ctx.join("Dockerfile"),
        format!("FROM busybox:mnt\nRUN echo first; nc 127.0.0.1 {port}; echo second\n"),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("--root")
        .arg(&root)
        .args(["build", "--backend", "native", "--progress", "plain"])
        .arg(&ctx)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !seen.iter().any(|l: &String| l == "#2 first") {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(l) => seen.push(l),
            Err(_) => {
                let _ = child.kill();
                panic!("`first` did not reach the progress while the step ran: {seen:?}");
            }
        }
    }
    assert!(
        !seen.iter().any(|l| l.contains("DONE")),
        "the step ended before `first` was shown: {seen:?}"
    );
    let (mut conn, _) = listener.accept().unwrap();
    conn.write_all(b"go\n").unwrap();
    drop(conn);
    let status = child.wait().unwrap();
    seen.extend(rx.iter());
    assert!(status.success(), "{seen:?}");
    let at = |s: &str| seen.iter().position(|l| l == s);
    assert!(
        at("#2 first") < at("#2 go") && at("#2 go") < at("#2 second"),
        "{seen:?}"
    );
}

#[test]
fn a_native_step_that_prints_more_than_a_pipe_holds_finishes() {
    if let Some(why) = missing() {
        println!("skipped: the native backend {why}");
        return;
    }
    let dir = TempDir::new("native-big-output");
    let root = dir.path("store");
    import_busybox_mnt(&dir, &root);
    let ctx = dir.path("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    // 300,000 bytes: more than a pipe's 64 KiB, so the build must read while the step runs.
    std::fs::write(
        ctx.join("Dockerfile"),
        "FROM busybox:mnt\nRUN head -c 300000 /dev/zero | tr '\\0' x; echo\n",
    )
    .unwrap();
    for runtime in ["builtin", "runc"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
            .arg("--root")
            .arg(&root)
            .args([
                "build",
                "--backend",
                "native",
                "--no-cache",
                "--runtime",
                runtime,
            ])
            .args(["--progress", "plain"])
            .arg(&ctx)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut std::io::BufReader::new(stderr), &mut s).unwrap();
            s
        });
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        let status = loop {
            if let Some(st) = child.try_wait().unwrap() {
                break st;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("{runtime}: the build did not finish");
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        };
        let log = reader.join().unwrap();
        assert!(status.success(), "{runtime}: {log}");
        assert!(
            log.contains(&format!("#2 {}", "x".repeat(300_000))),
            "{runtime}"
        );
    }
}
