//! The native backend beside Docker BuildKit, in one run (`cargo xtask bench`; issue 12's speed table):
//! the same Dockerfiles built by the release `strata build --backend native` (built-in runtime and runc) and by
//! `/usr/bin/docker build`, cold and all-cached, medians of a few runs. Both start from the oracle's
//! busybox:mnt (`../shared/oracle/setup.sh` imports it into Docker; strata imports the same tarball).
//! Needs root, overlayfs, runc and the oracle's Docker; says why it is skipped otherwise.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};

/// How many times each build is timed.
const RUNS: usize = 5;

pub fn native_vs_docker(root: &Path) -> Result<()> {
    let tar = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default()
        .join(".cache/strata-oracle/base/busybox-rootfs-mnt.tar");
    let uid = Command::new("id").arg("-u").output()?;
    let docker_ok = Command::new("/usr/bin/docker")
        .args(["image", "inspect", "busybox:mnt"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" || !tar.is_file() || !docker_ok {
        println!("native vs docker: skipped (needs root and ../shared/oracle/setup.sh's Docker and busybox:mnt)");
        return Ok(());
    }
    let mut c = crate::cmd(root, "cargo");
    c.args(["build", "--release", "-p", "strata-cli"]);
    crate::run(c)?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let strata = target.join("release/strata");
    let work = std::env::temp_dir().join(format!("strata-native-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;

    let runs = work.join("runs");
    std::fs::create_dir_all(&runs)?;
    let mut df = String::from("FROM busybox:mnt\n");
    for i in 1..=20 {
        df.push_str(&format!("RUN head -c 1048576 /dev/urandom > /f{i}\n"));
    }
    std::fs::write(runs.join("Dockerfile"), df)?;
    let copy = work.join("copy");
    std::fs::create_dir_all(copy.join("files"))?;
    for i in 0..5000 {
        std::fs::write(copy.join(format!("files/f{i}.txt")), format!("file {i}\n"))?;
    }
    std::fs::write(copy.join("Dockerfile"), "FROM busybox:mnt\nCOPY . /app\n")?;

    println!("\nnative vs docker (medians of {RUNS} runs, seconds)");
    println!(
        "{:<34} {:>10} {:>10} {:>10} {:>8}",
        "workload", "builtin", "runc", "docker", "ratio"
    );
    for (name, ctx) in [
        ("20 x RUN head -c 1MiB", &runs),
        ("COPY . /app, 5,000 files", &copy),
    ] {
        let mut row = Vec::new();
        let mut cached_row = Vec::new();
        for runtime in ["builtin", "runc"] {
            let (cold, cached) = time_strata(&strata, &tar, &work, ctx, runtime)?;
            row.push(cold);
            cached_row.push(cached);
        }
        let (cold, cached) = time_docker(ctx)?;
        row.push(cold);
        cached_row.push(cached);
        for (label, r) in [("cold", &row), ("all cached", &cached_row)] {
            println!(
                "{:<34} {:>10.3} {:>10.3} {:>10.3} {:>7.2}x",
                format!("{name}, {label}"),
                r[0],
                r[1],
                r[2],
                r[0] / r[2]
            );
        }
    }
    run_true(&strata, &tar, &work)?;
    peak_memory(&strata, &tar, &work)?;
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// `run --rm busybox:mnt true`, timed: strata native (built-in runtime and runc), docker, podman.
fn run_true(strata: &Path, tar: &Path, work: &Path) -> Result<()> {
    let store = work.join("store-run");
    let st = Command::new(strata)
        .arg("--root")
        .arg(&store)
        .args(["import", "-c", "CMD [\"sh\"]"])
        .arg(tar)
        .arg("busybox:mnt")
        .stdout(Stdio::null())
        .status()
        .context("strata import")?;
    if !st.success() {
        bail!("strata import failed");
    }
    let time = |c: &mut dyn FnMut() -> Command| -> Result<f64> {
        let mut v = Vec::new();
        // One untimed run first: the layer is unpacked once, the binaries are in the page cache.
        for n in 0..=RUNS {
            let t = Instant::now();
            let st = c().stdout(Stdio::null()).status()?;
            if !st.success() {
                bail!("{:?} failed", c());
            }
            if n > 0 {
                v.push(t.elapsed().as_secs_f64());
            }
        }
        Ok(median(v))
    };
    println!("\nrun --rm busybox:mnt true (medians of {RUNS} runs, seconds)");
    for runtime in ["builtin", "runc"] {
        let t = time(&mut || {
            let mut c = Command::new(strata);
            c.arg("--root")
                .arg(&store)
                .args(["run", "--backend", "native", "--runtime", runtime])
                .args(["--rm", "busybox:mnt", "true"]);
            c
        })?;
        println!("{:<34} {t:>10.3}", format!("strata run ({runtime})"));
    }
    let t = time(&mut || {
        let mut c = Command::new("/usr/bin/docker");
        c.args(["run", "--rm", "busybox:mnt", "true"]);
        c
    })?;
    println!("{:<34} {t:>10.3}", "docker run");
    let podman = |args: &[&str]| {
        Command::new("podman")
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !podman(&["image", "exists", "busybox:mnt"]) {
        let tar = tar.to_string_lossy();
        podman(&["import", "--change", "CMD [\"sh\"]", &tar, "busybox:mnt"]);
    }
    if podman(&["image", "exists", "busybox:mnt"]) {
        let t = time(&mut || {
            let mut c = Command::new("podman");
            c.args(["run", "--rm", "busybox:mnt", "true"]);
            c
        })?;
        println!("{:<34} {t:>10.3}", "podman run");
    } else {
        println!(
            "{:<34} {:>10}",
            "podman run", "skipped (no podman or no image)"
        );
    }
    Ok(())
}

/// Peak memory (the strata process's maximum resident set, from `/usr/bin/time -f %M`) of a cold native
/// build whose one RUN writes a 256 MiB and a 1 GiB file: the layer streams from the disk, so it must not grow
/// with the file.
fn peak_memory(strata: &Path, tar: &Path, work: &Path) -> Result<()> {
    let time = Path::new("/usr/bin/time");
    if !time.is_file() {
        println!(
            "
peak memory: skipped (needs /usr/bin/time)"
        );
        return Ok(());
    }
    println!(
        "
peak memory of a native build whose RUN writes one file (max RSS of strata)"
    );
    println!("{:<34} {:>10}", "file written", "MiB");
    for (label, bytes) in [("256 MiB", 256u64 << 20), ("1 GiB", 1 << 30)] {
        let ctx = work.join(format!("big-{bytes}"));
        std::fs::create_dir_all(&ctx)?;
        std::fs::write(
            ctx.join("Dockerfile"),
            format!("FROM busybox:mnt\nRUN head -c {bytes} /dev/zero > /big\n"),
        )?;
        let store = work.join(format!("store-big-{bytes}"));
        let st = Command::new(strata)
            .arg("--root")
            .arg(&store)
            .args(["import", "-c", "CMD [\"sh\"]"])
            .arg(tar)
            .arg("busybox:mnt")
            .stdout(Stdio::null())
            .status()
            .context("strata import")?;
        if !st.success() {
            bail!("strata import failed");
        }
        let out_file = work.join("maxrss");
        let st = Command::new(time)
            .args(["-f", "%M", "-o"])
            .arg(&out_file)
            .arg(strata)
            .arg("--root")
            .arg(&store)
            .args(["build", "-q", "--backend", "native"])
            .arg(&ctx)
            .stdout(Stdio::null())
            .status()?;
        if !st.success() {
            bail!("strata build --backend native failed in {}", ctx.display());
        }
        let kib: f64 = std::fs::read_to_string(&out_file)?
            .lines()
            .last()
            .unwrap_or_default()
            .trim()
            .parse()
            .context("reading /usr/bin/time's %M")?;
        println!("{label:<34} {:>10.1}", kib / 1024.0);
        let _ = std::fs::remove_dir_all(&store);
    }
    Ok(())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Cold (a fresh store with busybox:mnt imported, not timed) and all-cached (the same build again) times.
fn time_strata(
    strata: &Path,
    tar: &Path,
    work: &Path,
    ctx: &Path,
    runtime: &str,
) -> Result<(f64, f64)> {
    let (mut cold, mut cached) = (Vec::new(), Vec::new());
    for n in 0..RUNS {
        let store = work.join(format!("store-{runtime}-{n}"));
        let st = Command::new(strata)
            .arg("--root")
            .arg(&store)
            .args(["import", "-c", "CMD [\"sh\"]"])
            .arg(tar)
            .arg("busybox:mnt")
            .stdout(Stdio::null())
            .status()
            .context("strata import")?;
        if !st.success() {
            bail!("strata import failed");
        }
        for times in [&mut cold, &mut cached] {
            let t = Instant::now();
            let st = Command::new(strata)
                .arg("--root")
                .arg(&store)
                .args(["build", "-q", "--backend", "native", "--runtime", runtime])
                .arg(ctx)
                .stdout(Stdio::null())
                .status()?;
            if !st.success() {
                bail!("strata build --backend native failed in {}", ctx.display());
            }
            times.push(t.elapsed().as_secs_f64());
        }
        let _ = std::fs::remove_dir_all(&store);
    }
    Ok((median(cold), median(cached)))
}

/// Docker BuildKit: `--no-cache` cold, then the same build again all cached.
fn time_docker(ctx: &Path) -> Result<(f64, f64)> {
    let (mut cold, mut cached) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        for (times, no_cache) in [(&mut cold, true), (&mut cached, false)] {
            let mut c = Command::new("/usr/bin/docker");
            c.env("DOCKER_BUILDKIT", "1").args(["build", "-q"]);
            if no_cache {
                c.arg("--no-cache");
            }
            let t = Instant::now();
            let st = c.arg(ctx).stdout(Stdio::null()).status()?;
            if !st.success() {
                bail!("docker build failed in {}", ctx.display());
            }
            times.push(t.elapsed().as_secs_f64());
        }
    }
    Ok((median(cold), median(cached)))
}
