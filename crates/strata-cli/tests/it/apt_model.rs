//! The simulator's apt model against the real thing: on a real Debian bookworm made by mmdebstrap (with the
//! apt settings Docker's `debian` image adds, `/etc/apt/apt.conf.d/docker-*`, taken from the simulator's own
//! model of that image), `apt-get install -y --no-install-recommends PKG` runs natively; the same Dockerfile
//! on the simulator's `debian:bookworm` model runs the modelled apt. Compared: the packages apt sets up
//! (names as dpkg prints them, `libssl3:amd64` for `Multi-Arch: same` ones) must be the same, and the bytes the
//! install layer adds within 15 % of the real layer's. Versions are reported, not compared: the model is a
//! snapshot and the mirror moves on.
//!
//! Needs what the native backend needs, plus a Debian root filesystem: `STRATA_DEBIAN_TAR` (one made before;
//! `cargo xtask test-engines` makes one) or `STRATA_NATIVE_DEBIAN=1` and mmdebstrap; elsewhere it says why it
//! is skipped.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::stderr;
use crate::store::{strata_at, TempDir};

/// The packages compared: curl (and its 15 libraries), wget, jq and procps.
const PACKAGES: [&str; 4] = ["curl", "wget", "jq", "procps"];

/// A Debian bookworm root filesystem tar, or why there is none.
fn debian_tar(dir: &TempDir) -> Result<PathBuf, String> {
    if let Some(t) = std::env::var_os("STRATA_DEBIAN_TAR") {
        return Ok(PathBuf::from(t));
    }
    if std::env::var_os("STRATA_NATIVE_DEBIAN").is_none() {
        return Err("downloads a Debian base (about a minute): set STRATA_NATIVE_DEBIAN=1 or STRATA_DEBIAN_TAR=rootfs.tar (cargo xtask test-engines does)".into());
    }
    let tar = dir.path("debian.tar");
    let st = Command::new("mmdebstrap")
        .args(["--variant=minbase", "--quiet", "bookworm"])
        .arg(&tar)
        .status()
        .map_err(|_| "needs mmdebstrap (apt-get install mmdebstrap)".to_string())?;
    assert!(st.success(), "mmdebstrap failed");
    Ok(tar)
}

/// The text blocks `<<< NAME` … `>>>` of the simulator's Debian model that Docker's image adds to apt, and
/// its `/etc/hosts` (mmdebstrap's rootfs has none; without it every RUN layer would list `/etc`, where
/// BuildKit made the mount point).
fn docker_apt_settings(into: &Path) {
    let model = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../strata-sim/data/debian.txt"),
    )
    .unwrap();
    let mut n = 0;
    let mut lines = model.lines();
    while let Some(l) = lines.next() {
        let Some(name) = l.strip_prefix("<<< ") else {
            continue;
        };
        if !name.starts_with("docker-") && name != "hosts" {
            continue;
        }
        let body: Vec<&str> = lines.by_ref().take_while(|l| *l != ">>>").collect();
        std::fs::write(into.join(name), format!("{}\n", body.join("\n"))).unwrap();
        n += 1;
    }
    assert_eq!(
        n, 5,
        "the Debian model's four docker-* apt settings and /etc/hosts"
    );
}

/// `Setting up NAME (VERSION)` of a build log: (name, version).
fn set_up(log: &str) -> BTreeSet<(String, String)> {
    log.lines()
        .filter_map(|l| {
            let rest = l.split_once("Setting up ")?.1;
            let (name, rest) = rest.split_once(" (")?;
            Some((name.to_string(), rest.split_once(')')?.0.to_string()))
        })
        .collect()
}

/// Bytes and regular files of the last layer of `image`, read from `strata save`.
fn last_layer(root: &Path, dir: &TempDir, image: &str) -> (u64, usize) {
    let tar = dir.path(&format!("{image}.tar"));
    let o = strata_at(root, &["save", "-o", tar.to_str().unwrap(), image]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut archive = tar::Archive::new(std::fs::File::open(&tar).unwrap());
    let mut blobs = std::collections::BTreeMap::new();
    let mut manifest = Vec::new();
    for e in archive.entries().unwrap() {
        let mut e = e.unwrap();
        let name = e.path().unwrap().to_string_lossy().into_owned();
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).unwrap();
        if name == "manifest.json" {
            manifest = bytes;
        } else {
            blobs.insert(name, bytes);
        }
    }
    let manifest: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    let last = manifest[0]["Layers"].as_array().unwrap().last().unwrap();
    let layer = &blobs[last.as_str().unwrap()];
    let _ = std::fs::remove_file(&tar);
    let mut bytes = 0;
    let mut files = 0;
    for e in tar::Archive::new(&layer[..]).entries().unwrap() {
        let e = e.unwrap();
        if e.header().entry_type().is_file() {
            bytes += e.header().size().unwrap();
            files += 1;
        }
    }
    (bytes, files)
}

/// Two stores: `real` with the Debian rootfs imported and Docker's apt settings added, as
/// `debian:bookworm`; `model`, empty, where the simulator's `debian:bookworm` model answers.
fn stores(dir: &TempDir, tar: &Path) -> (PathBuf, PathBuf) {
    let real = dir.path("real");
    let model = dir.path("model");
    let o = strata_at(
        &real,
        &[
            "import",
            "-c",
            r#"CMD ["bash"]"#,
            "-c",
            "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            tar.to_str().unwrap(),
            "debian:minbase",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let base = dir.path("base");
    std::fs::create_dir_all(&base).unwrap();
    docker_apt_settings(&base);
    std::fs::write(
        base.join("Dockerfile"),
        "FROM debian:minbase\nCOPY docker-* /etc/apt/apt.conf.d/\nCOPY hosts /etc/hosts\n",
    )
    .unwrap();
    let o = strata_at(
        &real,
        &[
            "build",
            "--backend",
            "native",
            "-q",
            "-t",
            "debian:bookworm",
            base.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    (real, model)
}

/// [`stores`] on a Debian rootfs, or None after printing why `what` is skipped here.
fn debian_stores(dir: &TempDir, what: &str) -> Option<(PathBuf, PathBuf)> {
    if let Some(why) = crate::native::missing() {
        println!("skipped: {what}: the native backend {why}");
        return None;
    }
    match debian_tar(dir) {
        Ok(tar) => Some(stores(dir, &tar)),
        Err(why) => {
            println!("skipped: {what} {why}");
            None
        }
    }
}

#[test]
fn the_apt_model_installs_what_real_apt_installs() {
    let dir = TempDir::new("apt-model");
    let Some((real, model)) = debian_stores(&dir, "the apt model comparison") else {
        return;
    };
    let mut problems = String::new();
    println!(
        "package  real: bytes files  model: bytes files  difference  packages  versions differ"
    );
    for pkg in PACKAGES {
        let ctx = dir.path(pkg);
        std::fs::create_dir_all(&ctx).unwrap();
        std::fs::write(
            ctx.join("Dockerfile"),
            format!(
                "FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends {pkg} && rm -rf /var/lib/apt/lists/*\n"
            ),
        )
        .unwrap();
        let mut logs = Vec::new();
        for (root, backend) in [(&real, "native"), (&model, "sim")] {
            let o = strata_at(
                root,
                &[
                    "build",
                    "--backend",
                    backend,
                    "--progress",
                    "plain",
                    "-t",
                    pkg,
                    ctx.to_str().unwrap(),
                ],
            );
            assert!(o.status.success(), "{backend} {pkg}: {}", stderr(&o));
            logs.push(stderr(&o));
        }
        let (real_set, model_set) = (set_up(&logs[0]), set_up(&logs[1]));
        let names = |s: &BTreeSet<(String, String)>| -> BTreeSet<String> {
            s.iter().map(|(n, _)| n.clone()).collect()
        };
        if names(&real_set) != names(&model_set) {
            problems.push_str(&format!(
                "{pkg}: real apt set up {:?}\n  the model set up {:?}\n",
                names(&real_set),
                names(&model_set)
            ));
        }
        let versions = real_set.difference(&model_set).count();
        let (rb, rf) = last_layer(&real, &dir, pkg);
        let (mb, mf) = last_layer(&model, &dir, pkg);
        let diff = (mb as f64 - rb as f64) / rb as f64 * 100.0;
        println!(
            "{pkg:8} {rb:>12} {rf:>5} {mb:>13} {mf:>5} {diff:>+10.1}%  {:>8}  {versions}",
            real_set.len()
        );
        if diff.abs() > 15.0 {
            problems.push_str(&format!(
                "{pkg}: the model's layer adds {mb} bytes, the real one {rb} ({diff:+.1}%)\n"
            ));
        }
    }
    assert!(problems.is_empty(), "\n{problems}");
}

/// The config and each layer's listing (`type path mode uid:gid size sha256`, sorted) of `image`, read from
/// `strata save`.
fn saved(root: &Path, dir: &TempDir, image: &str) -> (serde_json::Value, Vec<Vec<String>>) {
    let tar = dir.path(&format!("{image}.saved.tar"));
    let o = strata_at(root, &["save", "-o", tar.to_str().unwrap(), image]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut blobs = std::collections::BTreeMap::new();
    for e in tar::Archive::new(std::fs::File::open(&tar).unwrap())
        .entries()
        .unwrap()
    {
        let mut e = e.unwrap();
        let name = e.path().unwrap().to_string_lossy().into_owned();
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).unwrap();
        blobs.insert(name, bytes);
    }
    let _ = std::fs::remove_file(&tar);
    let manifest: serde_json::Value = serde_json::from_slice(&blobs["manifest.json"]).unwrap();
    let config: serde_json::Value =
        serde_json::from_slice(&blobs[manifest[0]["Config"].as_str().unwrap()]).unwrap();
    let layers = manifest[0]["Layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let mut lines = Vec::new();
            for e in tar::Archive::new(&blobs[l.as_str().unwrap()][..])
                .entries()
                .unwrap()
            {
                let mut e = e.unwrap();
                let h = e.header().clone();
                let path = e.path().unwrap().to_string_lossy().into_owned();
                let kind = h.entry_type();
                let (t, last) = if kind.is_file() {
                    let mut bytes = Vec::new();
                    e.read_to_end(&mut bytes).unwrap();
                    ("f", strata_image::Digest::of(&bytes).hex())
                } else if kind.is_dir() {
                    ("d", "-".to_string())
                } else if kind.is_symlink() {
                    let target = h.link_name().unwrap().unwrap_or_default();
                    ("l", format!("->{}", target.display()))
                } else {
                    ("?", "-".to_string())
                };
                lines.push(format!(
                    "{t} /{} {:04o} {}:{} {} {last}",
                    path.trim_end_matches('/'),
                    h.mode().unwrap() & 0o7777,
                    h.uid().unwrap(),
                    h.gid().unwrap(),
                    h.size().unwrap()
                ));
            }
            lines.sort();
            lines
        })
        .collect();
    (config, layers)
}

/// Builds `dockerfile` in both stores; the logs, and whether each build succeeded.
fn build_both(
    dir: &TempDir,
    real: &Path,
    model: &Path,
    name: &str,
    dockerfile: &str,
) -> [(bool, String); 2] {
    let ctx = dir.path(name);
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(ctx.join("Dockerfile"), dockerfile).unwrap();
    [(real, "native"), (model, "sim")].map(|(root, backend)| {
        let o = strata_at(
            root,
            &[
                "build",
                "--backend",
                backend,
                "--progress",
                "plain",
                "-t",
                name,
                ctx.to_str().unwrap(),
            ],
        );
        (o.status.success(), stderr(&o))
    })
}

#[test]
fn the_tutorials_debian_examples_build_alike_natively_and_in_the_simulator() {
    let dir = TempDir::new("seeds-debian");
    let Some((real, model)) = debian_stores(&dir, "the tutorials' Debian examples") else {
        return;
    };

    // The Debian tutorial's own Dockerfile (its `FORM debian` fixed): no `apt-get update`, so apt knows no
    // package, and no `-y`. Real apt and the model fail the step alike.
    let [native, sim] = build_both(
        &dir,
        &real,
        &model,
        "emacs",
        "FROM debian:bookworm\nRUN apt-get install emacs\nRUN apt-get install apache2\nCMD [\"bin/bash\"]\n",
    );
    for (backend, (ok, log)) in [("native", &native), ("sim", &sim)] {
        assert!(!ok, "{backend}: {log}");
        // apt's progress (stdout) and its error (stderr) come through two pipes whose order is not fixed:
        // natively "Reading state information..." and "E" may meet on one line.
        assert!(
            log.contains("Unable to locate package emacs"),
            "{backend}: {log}"
        );
        assert!(
            log.contains(r#"process "/bin/sh -c apt-get install emacs" did not complete successfully: exit code: 100"#),
            "{backend}: {log}"
        );
    }

    // mycentos and the layered example of the tutorials, with apt-get where they use yum.
    let [native, sim] = build_both(
        &dir,
        &real,
        &model,
        "mydebian",
        "FROM debian:bookworm\n\
         MAINTAINER learner<learner@example.com>\n\
         ENV MYPATH /usr/local\n\
         WORKDIR $MYPATH\n\
         RUN apt-get update && apt-get install -y vim\n\
         RUN apt-get install -y net-tools tree\n\
         RUN mkdir /sanchuang\n\
         RUN touch /sanchuang/file{1..10}.txt\n\
         RUN rm -rf /sanchuang/file1.txt\n\
         EXPOSE 80\n\
         CMD /bin/bash\n",
    );
    assert!(native.0, "native: {}", native.1);
    assert!(sim.0, "sim: {}", sim.1);
    let names =
        |log: &str| -> BTreeSet<String> { set_up(log).into_iter().map(|(n, _)| n).collect() };
    assert_eq!(names(&native.1), names(&sim.1), "the packages apt set up");
    assert!(names(&native.1).contains("vim"), "{}", native.1);
    let (nc, nl) = saved(&real, &dir, "mydebian");
    let (sc, sl) = saved(&model, &dir, "mydebian");
    assert_eq!(nc["config"], sc["config"], "the image config");
    assert_eq!(nc["author"], sc["author"]);
    let created_by = |c: &serde_json::Value| -> Vec<String> {
        c["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["comment"] == "buildkit.dockerfile.v0")
            .map(|h| h["created_by"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    // The real base has entries of its own (the COPYs of Docker's apt settings and /etc/hosts).
    let (nh, sh) = (created_by(&nc), created_by(&sc));
    assert_eq!(&nh[nh.len() - sh.len()..], &sh[..], "history");
    // Base layers differ (a real rootfs and a model); the three RUN layers after apt's are equal, and show
    // what dash does with `file{1..10}.txt` (no brace expansion: one file) and that the `rm -rf` of a file
    // that never existed leaves an empty layer.
    let (n3, s3) = (&nl[nl.len() - 3..], &sl[sl.len() - 3..]);
    assert_eq!(n3, s3, "the mkdir, touch and rm layers");
    assert!(
        n3[1]
            .iter()
            .any(|l| l.starts_with("f /sanchuang/file{1..10}.txt 0644 0:0 0 ")),
        "{:?}",
        n3[1]
    );
    assert!(n3[2].is_empty(), "{:?}", n3[2]);
    let size = |l: &[String]| -> u64 {
        l.iter()
            .filter_map(|x| x.split(' ').nth(4)?.parse::<u64>().ok())
            .sum()
    };
    println!(
        "tutorial on debian: apt layers, real {} + {} bytes, modelled {} + {} bytes",
        size(&nl[nl.len() - 5]),
        size(&nl[nl.len() - 4]),
        size(&sl[sl.len() - 5]),
        size(&sl[sl.len() - 4])
    );
}
