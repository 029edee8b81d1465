//! Debian's user tools on the debian and ubuntu models, as their manuals document them: shadow's
//! `useradd` long options (useradd(8)), the adduser package's `adduser`/`addgroup` (adduser(8),
//! adduser.conf(5) of bookworm's 3.134 — not busybox's applet), `crontab` after installing cron, and
//! PEP 668 (ubuntu 22.04's python3 has no EXTERNALLY-MANAGED marker; debian bookworm's has).

use std::sync::Arc;

use strata_image::{Overlay, Timestamp};
use strata_sim::base;
use strata_sim::exec::{exec, ExecOutcome, ExecRequest, Identity, Limits};

fn fs(image: &str) -> Overlay {
    Overlay::new(Arc::new(base::lookup(image).unwrap().tree().unwrap()))
}

fn sh(fs: &mut Overlay, script: &str) -> ExecOutcome {
    exec(
        fs,
        &ExecRequest {
            argv: vec!["/bin/sh".into(), "-c".into(), script.into()],
            env: vec![
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
                "HOME=/root".into(),
            ],
            cwd: "/".into(),
            identity: Identity {
                uid: 0,
                gid: 0,
                groups: vec![0],
            },
            stdin: Vec::new(),
            now: Timestamp::from_secs(1_795_000_000),
            hostname: "abc123".into(),
            limits: Limits::default(),
            stop: None,
            cache_mounts: Vec::new(),
            loopback_only: false,
        },
    )
}

fn ok(fs: &mut Overlay, script: &str) -> String {
    let o = sh(fs, script);
    assert_eq!(
        o.exit_code,
        0,
        "{script}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn line(fs: &Overlay, file: &str, name: &str) -> String {
    String::from_utf8_lossy(&fs.read(file).unwrap().bytes())
        .lines()
        .find(|l| l.split(':').next() == Some(name))
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn useradd_and_groupadd_take_long_options() {
    let mut f = fs("debian:bookworm-slim");
    ok(&mut f, "useradd --create-home --uid 10001 appuser");
    assert_eq!(
        line(&f, "/etc/passwd", "appuser"),
        "appuser:x:10001:10001::/home/appuser:/bin/sh"
    );
    assert!(f.stat("/home/appuser").unwrap().is_dir());
    ok(&mut f, "groupadd --system --gid 1001 nodejs && useradd --system --uid 1001 --gid nodejs --no-log-init --shell /usr/sbin/nologin --home-dir /srv nextjs");
    assert_eq!(
        line(&f, "/etc/passwd", "nextjs"),
        "nextjs:x:1001:1001::/srv:/usr/sbin/nologin"
    );
    assert!(f.stat("/srv").is_err() || f.stat("/home/nextjs").is_err());
    ok(&mut f, "useradd rails --create-home --shell /bin/bash");
    assert!(line(&f, "/etc/passwd", "rails").ends_with(":/home/rails:/bin/bash"));
    // getopt_long takes an unambiguous prefix: `--home` is `--home-dir`.
    ok(
        &mut f,
        "useradd --system --home /var/lib/notes --create-home notes",
    );
    assert!(line(&f, "/etc/passwd", "notes").ends_with(":/var/lib/notes:/bin/sh"));
    assert!(f.stat("/var/lib/notes").unwrap().is_dir());
    let o = sh(&mut f, "useradd --bogus x");
    assert_eq!(o.exit_code, 2);
}

#[test]
fn debian_adduser_is_the_adduser_package() {
    let mut f = fs("debian:bookworm-slim");
    let out = ok(&mut f, "adduser --disabled-password --gecos \"\" worker");
    assert!(out.contains("Adding user `worker' ..."), "{out}");
    assert_eq!(
        line(&f, "/etc/passwd", "worker"),
        "worker:x:1000:1000::/home/worker:/bin/bash"
    );
    assert_eq!(line(&f, "/etc/group", "worker"), "worker:x:1000:");
    assert_eq!(f.stat("/home/worker").unwrap().attrs.mode & 0o777, 0o700);
    ok(&mut f, "adduser --system --group app");
    let app = line(&f, "/etc/passwd", "app");
    assert!(app.starts_with("app:x:100:"), "{app}");
    assert!(app.ends_with(":/nonexistent:/usr/sbin/nologin"), "{app}");
    assert!(!line(&f, "/etc/group", "app").is_empty());
    assert!(
        f.stat("/nonexistent").is_err(),
        "a system user's home is not created"
    );
    ok(&mut f, "adduser --system svc");
    assert!(
        line(&f, "/etc/passwd", "svc").contains(":65534:"),
        "without --group: nogroup"
    );
    ok(
        &mut f,
        "adduser --uid 2000 --disabled-password --gecos '' dev && adduser dev worker",
    );
    assert!(line(&f, "/etc/passwd", "dev").starts_with("dev:x:2000:"));
    assert!(line(&f, "/etc/group", "worker").ends_with(":dev"));
    assert_eq!(
        sh(&mut f, "adduser --disabled-password --gecos '' worker").exit_code,
        1
    );
}

#[test]
fn cron_brings_crontab() {
    let mut f = fs("ubuntu:22.04");
    ok(&mut f, "apt-get update && apt-get install -y cron");
    assert!(f.stat("/usr/bin/crontab").is_ok());
    ok(
        &mut f,
        "printf '* * * * * echo hi\\n' > /etc/cron.d/job && crontab /etc/cron.d/job",
    );
    assert!(f.stat("/var/spool/cron/crontabs/root").is_ok());
}

#[test]
fn pep668_marker_on_bookworm_not_on_jammy() {
    let mut jammy = fs("ubuntu:22.04");
    ok(
        &mut jammy,
        "apt-get update && apt-get install -y python3 python3-pip",
    );
    let o = sh(&mut jammy, "pip3 install --no-cache-dir flask");
    assert_eq!(o.exit_code, 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Running pip as the 'root' user"));
    let mut bookworm = fs("debian:bookworm");
    ok(
        &mut bookworm,
        "apt-get update && apt-get install -y python3 python3-pip",
    );
    let o = sh(&mut bookworm, "pip3 install --no-cache-dir flask");
    assert_eq!(o.exit_code, 1);
    assert!(String::from_utf8_lossy(&o.stderr).contains("externally-managed-environment"));
}

#[test]
fn busybox_adduser_takes_its_long_options_on_alpine() {
    let mut f = fs("alpine:3.20");
    ok(&mut f, "adduser --disabled-password --gecos \"\" --home /nonexistent --shell /sbin/nologin --no-create-home --uid 10001 appuser");
    assert_eq!(
        line(&f, "/etc/passwd", "appuser"),
        "appuser:x:10001:10001::/nonexistent:/sbin/nologin"
    );
    assert!(f.stat("/nonexistent").is_err());
}
