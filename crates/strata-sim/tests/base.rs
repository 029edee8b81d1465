//! The built-in base image models: busybox against the oracle's real listing, the others' sizes, layouts and
//! account databases.

use strata_image::{Changeset, Digest, EntryKind, NodeKind, Tree};
use strata_sim::base::{self, BaseImage};

/// The normalized listing of `../shared/oracle/imgdump.py` (`type path mode uid:gid size sha256`), with the
/// sha256 column left out for modelled files (their bytes are generated, not the real ones).
fn listing(layer: &Changeset) -> String {
    let mut lines: Vec<(String, String)> = layer
        .entries
        .iter()
        .map(|e| {
            let path = e.path.clone();
            let (t, size, hash) = match &e.kind {
                EntryKind::Dir => ("d", 0, Some("-".to_string())),
                EntryKind::File(c) if c.is_modelled() => ("f", c.len(), None),
                EntryKind::File(c) => ("f", c.len(), Some(Digest::of(&c.bytes()).hex())),
                EntryKind::Symlink(t) => (
                    "l",
                    0,
                    Some(format!("->{t} {}", Digest::of(t.as_bytes()).hex())),
                ),
                EntryKind::Hardlink(t) => ("h", 0, Some(format!("->{t}"))),
                _ => ("?", 0, None),
            };
            let mut l = format!(
                "{t}\t{path}\t{:04o}\t{}:{}\t{size}",
                e.attrs.mode, e.attrs.uid, e.attrs.gid
            );
            if let Some(h) = hash {
                l.push('\t');
                l.push_str(&h);
            }
            (path, l)
        })
        .collect();
    lines.sort();
    lines.into_iter().map(|(_, l)| l + "\n").collect()
}

/// The real listing with the sha256 column dropped where the model's file is modelled.
fn real_listing(real: &str, model: &Changeset) -> String {
    let modelled: Vec<&str> = model
        .entries
        .iter()
        .filter(|e| matches!(&e.kind, EntryKind::File(c) if c.is_modelled()))
        .map(|e| e.path.as_str())
        .collect();
    real.lines()
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            if cols.len() > 5 && modelled.contains(&cols[1]) {
                cols[..5].join("\t") + "\n"
            } else {
                l.to_string() + "\n"
            }
        })
        .collect()
}

fn model(reference: &str) -> BaseImage {
    base::lookup(reference).unwrap_or_else(|| panic!("no model for {reference}"))
}

fn tree(img: &BaseImage) -> Tree {
    img.tree().expect("layers apply")
}

fn text(t: &Tree, path: &str) -> String {
    String::from_utf8(t.read(path).expect(path).bytes().into_owned()).expect("utf-8")
}

#[test]
fn busybox_mnt_matches_the_oracle_listing() {
    let img = model("busybox:mnt");
    assert_eq!(img.reference, "busybox:mnt");
    assert_eq!(img.layers.len(), 1);
    let real = include_str!("../data/oracle/busybox-mnt.listing.txt");
    assert_eq!(listing(&img.layers[0]), real_listing(real, &img.layers[0]));
    // Everything is at mtime 0, as setup.sh's tar writes it.
    assert!(img.layers[0]
        .entries
        .iter()
        .all(|e| e.attrs.mtime.secs == 0));
}

#[test]
fn busybox_latest_matches_the_oracle_listing() {
    for r in [
        "busybox",
        "busybox:latest",
        "docker.io/library/busybox:latest",
    ] {
        let img = model(r);
        assert_eq!(img.reference, "busybox:latest");
        let real = include_str!("../data/oracle/busybox-latest.listing.txt");
        assert_eq!(listing(&img.layers[0]), real_listing(real, &img.layers[0]));
    }
}

#[test]
fn busybox_config_is_the_imported_one() {
    for r in ["busybox", "busybox:mnt"] {
        let img = model(r);
        let c = img.config.config.as_ref().expect("config");
        assert_eq!(c.cmd, Some(Some(vec!["sh".to_string()])));
        assert_eq!(
            c.env,
            Some(Some(vec![
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string()
            ]))
        );
        assert_eq!(c.entrypoint, Some(None));
        assert_eq!(img.config.history.len(), 1);
        assert_eq!(
            img.config.history[0].comment.as_deref(),
            Some("Imported from -")
        );
        assert_eq!(img.config.architecture, "amd64");
        assert_eq!(img.config.os, "linux");
    }
    // The real image's size as `docker image inspect` reports it: file bytes plus symlink targets.
    let img = model("busybox:mnt");
    let links: u64 = img.layers[0]
        .entries
        .iter()
        .map(|e| match &e.kind {
            EntryKind::Symlink(t) => t.len() as u64,
            _ => 0,
        })
        .sum();
    assert_eq!(img.content_size() + links, 1_985_581);
}

#[test]
fn busybox_diff_id_differs_only_by_the_binary() {
    let img = model("busybox:mnt").with_diff_ids().expect("diff ids");
    assert_eq!(img.config.rootfs.diff_ids.len(), 1);
    assert!(img.config.validate().is_ok());
}

#[test]
fn lookups_are_deterministic() {
    for r in base::names() {
        let a = model(r);
        let b = model(r);
        assert_eq!(a.layers, b.layers, "{r}");
        assert_eq!(a.config, b.config, "{r}");
        assert_eq!(a.reference, r);
    }
}

#[test]
fn aliases() {
    for (r, canon) in [
        ("alpine", "alpine:latest"),
        ("alpine:3.20", "alpine:3.20"),
        ("debian", "debian:latest"),
        ("debian:12-slim", "debian:12-slim"),
        ("ubuntu:22.04", "ubuntu:22.04"),
        ("ubuntu:jammy", "ubuntu:jammy"),
        ("centos", "centos:latest"),
        ("centos:7", "centos:7"),
        ("fedora", "fedora:latest"),
        ("fedora:41", "fedora:41"),
        ("python:3", "python:3"),
        ("python:3.12-slim", "python:3.12-slim"),
        ("python:2.7-slim", "python:2.7-slim"),
    ] {
        assert_eq!(model(r).reference, canon);
    }
    assert!(base::lookup("scratch").is_none());
    // nginx is in the catalogue now (tests/catalogue.rs); a repository strata has no model of:
    assert!(base::lookup("nosuchimage").is_none());
    assert!(base::lookup("alpine@sha256:0000").is_none());
}

/// Sizes close to what `docker images` shows for the real images (1 MB = 10^6 bytes).
#[test]
fn sizes_are_close_to_the_real_images() {
    for (r, mb, min_entries) in [
        ("alpine:3.20", 7.8, 200),
        ("debian:bookworm", 117.0, 300),
        ("debian:bookworm-slim", 74.8, 250),
        ("ubuntu:22.04", 77.9, 250),
        ("centos:7", 204.0, 250),
        // repo-info's "Virtual Size ~ 158.16 Mb" of Docker Hub's fedora:41 (2024-10-31).
        ("fedora:41", 158.2, 250),
        ("python:3.12-slim", 125.0, 300),
        ("python:2.7-slim", 148.0, 300),
    ] {
        let img = model(r);
        let size = img.content_size() as f64 / 1e6;
        let entries: usize = img.layers.iter().map(|l| l.entries.len()).sum();
        eprintln!(
            "{r}: {size:.1} MB in {} layers, {entries} entries",
            img.layers.len()
        );
        assert!(
            (size - mb).abs() / mb < 0.05,
            "{r}: {size:.1} MB, want about {mb}"
        );
        assert!(entries >= min_entries, "{r}: {entries} entries");
        let h = img.config.history.iter().filter(|h| !h.empty_layer).count();
        assert_eq!(h, img.layers.len(), "{r}: history entries with a layer");
    }
}

#[test]
fn fhs_modes() {
    for r in base::names() {
        let t = tree(&model(r));
        let mode = |p: &str| t.lstat(p).map(|s| s.attrs.mode).unwrap_or(0);
        assert_eq!(mode("/tmp"), 0o1777, "{r} /tmp");
        // CentOS 7's and Fedora's /root is dr-xr-x---.
        let root = if r.starts_with("centos") || r.starts_with("fedora") {
            0o550
        } else {
            0o700
        };
        assert_eq!(mode("/root"), root, "{r} /root");
        assert_eq!(mode("/etc"), 0o755, "{r} /etc");
        assert!(t.exists("/etc/passwd"), "{r}");
        assert!(t.exists("/etc/group"), "{r}");
        // /bin/sh exists and resolves to an executable file.
        let st = t.stat("/bin/sh").unwrap_or_else(|_| panic!("{r} /bin/sh"));
        assert!(matches!(st.kind, NodeKind::File(_)), "{r}");
        assert_eq!(st.attrs.mode & 0o111, 0o111, "{r} /bin/sh executable");
    }
}

#[test]
fn passwd_and_group() {
    let t = tree(&model("alpine:3.20"));
    let p = text(&t, "/etc/passwd");
    assert!(p.starts_with("root:x:0:0:root:/root:/bin/sh\n"));
    assert!(p.contains("\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n"));
    assert!(text(&t, "/etc/group").contains("\nnobody:x:65534:\n"));
    assert!(text(&t, "/etc/os-release").contains("ID=alpine\n"));

    for r in [
        "debian:bookworm",
        "debian:bookworm-slim",
        "python:3.12-slim",
    ] {
        let t = tree(&model(r));
        let p = text(&t, "/etc/passwd");
        assert!(p.starts_with("root:x:0:0:root:/root:/bin/bash\n"), "{r}");
        assert!(
            p.contains("\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"),
            "{r}"
        );
        assert!(
            text(&t, "/etc/group").contains("\nnogroup:x:65534:\n"),
            "{r}"
        );
        assert!(text(&t, "/etc/os-release").contains("VERSION_CODENAME=bookworm"));
        assert_eq!(
            t.lstat("/etc/shadow").map(|s| s.attrs.mode).ok(),
            Some(0o640)
        );
    }

    let t = tree(&model("ubuntu:22.04"));
    assert!(text(&t, "/etc/os-release").contains("VERSION_CODENAME=jammy"));
    assert!(text(&t, "/etc/passwd")
        .contains("\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"));

    let t = tree(&model("centos:7"));
    let p = text(&t, "/etc/passwd");
    assert!(p.contains("\nnobody:x:99:99:Nobody:/:/sbin/nologin\n"));
    assert!(text(&t, "/etc/os-release").contains("CentOS Linux 7"));
    assert_eq!(t.read_link("/bin/sh").ok().as_deref(), Some("bash"));
}

#[test]
fn shells_and_package_managers() {
    let has_exec = |t: &Tree, p: &str| {
        t.stat(p)
            .map(|s| matches!(s.kind, NodeKind::File(_)) && s.attrs.mode & 0o111 != 0)
            .unwrap_or(false)
    };
    let t = tree(&model("alpine"));
    for p in [
        "/bin/busybox",
        "/bin/sh",
        "/bin/ls",
        "/sbin/apk",
        "/lib/ld-musl-x86_64.so.1",
    ] {
        assert!(has_exec(&t, p), "alpine {p}");
    }
    assert_eq!(t.read_link("/bin/ls").ok().as_deref(), Some("/bin/busybox"));
    for r in ["debian", "ubuntu:22.04"] {
        let t = tree(&model(r));
        for p in [
            "/bin/bash",
            "/bin/dash",
            "/bin/sh",
            "/bin/ls",
            "/bin/cat",
            "/usr/bin/apt-get",
            "/usr/bin/apt",
            "/usr/bin/dpkg",
            "/lib/x86_64-linux-gnu/libc.so.6",
        ] {
            assert!(has_exec(&t, p), "{r} {p}");
        }
        assert_eq!(
            t.read_link("/usr/bin/sh").ok().as_deref(),
            Some("dash"),
            "{r}"
        );
        // The lists are empty, so `apt-get install` without `apt-get update` fails as in reality.
        assert_eq!(t.read_dir("/var/lib/apt/lists").ok(), Some(vec![]), "{r}");
        assert!(text(&t, "/var/lib/dpkg/status").contains("Package: bash\n"));
    }
    let t = tree(&model("centos:7"));
    for p in [
        "/bin/bash",
        "/bin/sh",
        "/usr/bin/ls",
        "/usr/bin/yum",
        "/usr/bin/rpm",
    ] {
        assert!(has_exec(&t, p), "centos {p}");
    }
    let t = tree(&model("python:3.12-slim"));
    for p in [
        "/usr/local/bin/python3",
        "/usr/local/bin/pip",
        "/usr/local/bin/pip3",
        "/bin/bash",
    ] {
        assert!(has_exec(&t, p), "python {p}");
    }
    assert!(t.exists("/usr/local/lib/python3.12/site-packages/pip"));
}

#[test]
fn configs() {
    let cmd = |r: &str| model(r).config.config.and_then(|c| c.cmd).flatten();
    assert_eq!(cmd("alpine"), Some(vec!["/bin/sh".to_string()]));
    assert_eq!(cmd("debian"), Some(vec!["bash".to_string()]));
    assert_eq!(cmd("ubuntu:22.04"), Some(vec!["/bin/bash".to_string()]));
    assert_eq!(cmd("centos:7"), Some(vec!["/bin/bash".to_string()]));
    assert_eq!(cmd("python:3.12-slim"), Some(vec!["python3".to_string()]));
    let env = model("python:3.12-slim")
        .config
        .config
        .and_then(|c| c.env)
        .flatten()
        .unwrap_or_default();
    assert!(env.iter().any(|e| e == "LANG=C.UTF-8"));
    assert!(env.iter().any(|e| e.starts_with("GPG_KEY=")));
    assert!(env.iter().any(|e| e.starts_with("PYTHON_VERSION=3.12.")));
    let labels = model("centos:7")
        .config
        .config
        .and_then(|c| c.labels)
        .flatten()
        .unwrap_or_default();
    assert_eq!(
        labels
            .get("org.label-schema.schema-version")
            .map(String::as_str),
        Some("1.0")
    );
    let h = model("alpine").config.history;
    assert!(h[0].created_by.as_deref().unwrap_or("").starts_with("ADD "));
    assert_eq!(h[1].created_by.as_deref(), Some("CMD [\"/bin/sh\"]"));
}

/// The layer's entries are in the real tar's order (`tar --sort=name`: parents first, siblings in byte
/// order), with its modes and link targets, so a written layer tar differs from the real one only in the
/// bytes of /bin/busybox.
#[test]
fn busybox_entries_are_in_the_real_tar_order() {
    let img = model("busybox:mnt");
    let real: Vec<String> = include_str!("../data/oracle/busybox-mnt.tvf.txt")
        .lines()
        .filter_map(|l| {
            let name = l
                .split(" 0 ./")
                .nth(1)
                .or_else(|| l.ends_with(" 0 .").then_some(""))?;
            let name = name.split(" -> ").next().unwrap_or(name);
            Some(format!("/{name}"))
        })
        .collect();
    let ours: Vec<&str> = img.layers[0]
        .entries
        .iter()
        .map(|e| e.path.as_str())
        .collect();
    assert_eq!(ours.len(), real.len());
    for (o, r) in ours.iter().zip(&real) {
        assert_eq!(*o, r.as_str());
    }
}

#[test]
fn into_the_build_engine() {
    let img = model("alpine:3.20");
    let layers = img.layers.len();
    let b = img.into_build();
    assert_eq!(b.reference, "alpine:3.20");
    assert_eq!(b.layers.len(), layers);
    assert!(b.modelled);
}

/// A RUN layer of a model (python's) has no entry for `/`, as real RUN layer tars have none; the rootfs
/// layer has `./`.
#[test]
fn only_the_rootfs_layer_lists_the_root() {
    let img = model("python:3.12-slim");
    assert!(img.layers[0].entries.iter().any(|e| e.path == "/"));
    for l in &img.layers[1..] {
        assert!(l.entries.iter().all(|e| e.path != "/"));
    }
}

/// Configuration files the data gives only a size for are readable text saying so, of the real size; the
/// small ones that matter are real.
#[test]
fn configuration_files_read_as_text() {
    let t = tree(&model("alpine"));
    let services = text(&t, "/etc/services");
    assert!(services.starts_with("# /etc/services: modelled by strata"));
    assert_eq!(services.len(), 12813);
    assert!(text(&t, "/etc/issue").starts_with("Welcome to Alpine Linux 3.20\n"));
    let t = tree(&model("centos:7"));
    assert!(text(&t, "/etc/hosts").starts_with("127.0.0.1   localhost"));
    let t = tree(&model("debian"));
    assert_eq!(text(&t, "/etc/issue"), "Debian GNU/Linux 12 \\n \\l\n\n");
    assert!(t
        .read("/usr/lib/x86_64-linux-gnu/libc.so.6")
        .expect("libc")
        .is_modelled());
}

#[test]
fn a_modelled_version_has_its_own_facts() {
    use strata_sim::base::lookup;
    let text = |t: &strata_image::Tree, p: &str| {
        String::from_utf8_lossy(&t.read(p).unwrap().bytes()).into_owned()
    };
    for (tag, release, branch) in [
        ("alpine:3.19", "3.19.4", "v3.19"),
        ("alpine:3.18.9", "3.18.9", "v3.18"),
        ("alpine:3.20", "3.20.3", "v3.20"),
        ("alpine", "3.20.3", "v3.20"),
    ] {
        let img = lookup(tag).unwrap_or_else(|| panic!("{tag}"));
        let t = img.tree().unwrap();
        assert_eq!(
            text(&t, "/etc/alpine-release"),
            format!("{release}\n"),
            "{tag}"
        );
        assert!(
            text(&t, "/usr/lib/os-release").contains(&format!("VERSION_ID={release}\n")),
            "{tag}"
        );
        assert!(
            text(&t, "/etc/apk/repositories").contains(&format!(
                "https://dl-cdn.alpinelinux.org/alpine/{branch}/main"
            )),
            "{tag}"
        );
        assert!(
            text(&t, "/lib/apk/db/installed").contains(&format!("V:{release}-r0")),
            "{tag}"
        );
    }
    assert!(lookup("alpine:3.12").is_none());
}

#[test]
fn a_tag_no_model_knows_is_substituted_and_says_so() {
    use strata_sim::base::lookup_or_substitute;
    let (img, note) = lookup_or_substitute("alpine:3.12").expect("alpine has a model");
    assert_eq!(img.reference, "alpine:3.12");
    assert_eq!(
        note.as_deref(),
        Some("alpine:3.12 is not a version strata models (it has alpine:3.20, alpine:3.19, alpine:3.18): this build uses the Alpine Linux 3.20.3 model (alpine:latest) instead, with that version's files, os-release and packages")
    );
    let (_, note) = lookup_or_substitute("alpine:3.19").unwrap();
    assert_eq!(note, None);
    assert!(lookup_or_substitute("nosuchimage:1").is_none());
    let (_, note) = lookup_or_substitute("busybox:1.36").unwrap();
    assert!(
        note.as_deref().unwrap().starts_with(
            "busybox:1.36 is not a version strata models (it has busybox:latest): this build uses the BusyBox 1.35.0"
        ),
        "{note:?}"
    );
}

/// fedora:41: Docker Hub's config (bash, Fedora's DISTTAG/FGC/FBR, the maintainer label, no Entrypoint), a
/// merged /usr with bash as /bin/sh, Fedora's os-release and release files, dnf5 as dnf and yum, rpm's sqlite
/// database under /usr/lib/sysimage/rpm, and no python (dnf5 is C++).
#[test]
fn fedora_41_model() {
    let img = model("fedora:41");
    let c = img.config.config.clone().expect("config");
    assert_eq!(c.cmd.flatten(), Some(vec!["/bin/bash".to_string()]));
    assert_eq!(c.entrypoint.flatten(), None);
    assert_eq!(
        c.env.flatten().unwrap_or_default(),
        [
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "DISTTAG=f41container",
            "FGC=f41",
            "FBR=f41"
        ]
    );
    let labels = c.labels.flatten().unwrap_or_default();
    assert_eq!(
        labels.get("maintainer").map(String::as_str),
        Some("Clement Verna <cverna@fedoraproject.org>")
    );
    assert_eq!(labels.len(), 1, "{labels:?}");
    assert_eq!(img.layers.len(), 1);

    let t = tree(&img);
    let has_exec = |t: &Tree, p: &str| {
        t.stat(p)
            .map(|s| matches!(s.kind, NodeKind::File(_)) && s.attrs.mode & 0o111 != 0)
            .unwrap_or(false)
    };
    let os = text(&t, "/etc/os-release");
    assert!(os.contains("\nID=fedora\n"), "{os}");
    assert!(os.contains("\nVERSION_ID=41\n"), "{os}");
    assert!(os.starts_with("NAME=\"Fedora Linux\"\n"), "{os}");
    assert_eq!(
        text(&t, "/etc/fedora-release"),
        "Fedora release 41 (Forty One)\n"
    );
    assert_eq!(
        text(&t, "/etc/redhat-release"),
        "Fedora release 41 (Forty One)\n"
    );
    for link in ["/bin", "/sbin", "/lib", "/lib64"] {
        assert!(
            matches!(t.lstat(link).map(|s| s.kind), Ok(NodeKind::Symlink(_))),
            "merged /usr: {link}"
        );
    }
    for p in [
        "/usr/bin/bash",
        "/usr/bin/dnf5",
        "/usr/bin/rpm",
        "/usr/bin/ls",
        "/usr/bin/curl",
        "/usr/lib64/libc.so.6",
    ] {
        assert!(has_exec(&t, p), "fedora {p}");
    }
    let target = |p: &str| match t.lstat(p).map(|s| s.kind) {
        Ok(NodeKind::Symlink(to)) => to,
        other => panic!("{p}: {other:?}"),
    };
    assert_eq!(target("/usr/bin/sh"), "bash");
    assert_eq!(target("/usr/bin/dnf"), "dnf5");
    assert_eq!(target("/usr/bin/yum"), "dnf5");
    assert!(t.exists("/usr/lib/sysimage/rpm/rpmdb.sqlite"));
    assert!(
        t.exists("/var/lib/rpm/rpmdb.sqlite"),
        "/var/lib/rpm links there"
    );
    assert!(
        !t.exists("/usr/bin/python3"),
        "no python in fedora 41's image"
    );
    assert!(text(&t, "/etc/passwd").starts_with("root:x:0:0:Super User:/root:/bin/bash\n"));
}

/// Tags of fedora the model does not hold (40 and 39 carry python3 and dnf4) answer with the 41 model and a
/// note saying so.
#[test]
fn other_fedora_tags_answer_with_41_and_a_note() {
    for r in ["fedora:40", "fedora:39", "fedora:38"] {
        assert!(base::lookup(r).is_none(), "{r}");
        let (img, note) = base::lookup_or_substitute(r).expect(r);
        let note = note.expect("a note");
        assert!(
            note.contains("Fedora Linux 41") && note.contains(r) && note.contains("fedora:41"),
            "{note}"
        );
        assert_eq!(img.reference, r);
        assert!(text(&tree(&img), "/etc/os-release").contains("\nVERSION_ID=41\n"));
    }
}
