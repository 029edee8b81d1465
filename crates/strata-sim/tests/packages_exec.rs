//! The package models reached through the simulated shell, as a RUN step runs them: the tutorials' lines.

use std::sync::Arc;

use strata_image::{Overlay, Timestamp};
use strata_sim::base;
use strata_sim::exec::{self, ExecRequest, Identity, Limits, Note};

fn run(fs: &mut Overlay, cmd: &str) -> exec::ExecOutcome {
    let req = ExecRequest {
        argv: vec!["/bin/sh".to_string(), "-c".to_string(), cmd.to_string()],
        env: vec!["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string()],
        cwd: "/".to_string(),
        identity: Identity::default(),
        stdin: Vec::new(),
        now: Timestamp::from_secs(1_763_900_000),
        hostname: "buildkitsandbox".to_string(),
        limits: Limits::default(),
        stop: None,
        cache_mounts: Vec::new(),
        loopback_only: false,
    };
    exec::exec(fs, &req)
}

fn fs(image: &str) -> Overlay {
    let tree = base::lookup(image).expect("model").tree().expect("tree");
    Overlay::new(Arc::new(tree))
}

fn modelled(o: &exec::ExecOutcome) -> bool {
    o.notes.iter().any(|n| matches!(n, Note::Modelled { .. }))
}

#[test]
fn mycentos_yum_install() {
    let mut f = fs("centos");
    let o = run(&mut f, "yum -y install vim");
    assert_eq!(o.exit_code, 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(modelled(&o));
    assert!(f.stat("/usr/bin/vim").is_ok());
    let o = run(&mut f, "yum -y install net-tools && yum clean all");
    assert_eq!(o.exit_code, 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(f.stat("/usr/sbin/ifconfig").is_ok());
}

#[test]
fn debian_update_install_and_clean_lists() {
    let mut f = fs("debian:bookworm");
    let o = run(&mut f, "apt-get install -y vim");
    assert_eq!(o.exit_code, 100);
    let o = run(
        &mut f,
        "apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*",
    );
    assert_eq!(o.exit_code, 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(f.stat("/usr/bin/curl").is_ok());
    assert!(f
        .changeset()
        .entries
        .iter()
        .all(|e| !e.path.starts_with("/var/lib/apt/lists/")
            || e.kind == strata_image::EntryKind::Whiteout));
}

#[test]
fn alpine_apk_and_python_pip() {
    let mut f = fs("alpine");
    let o = run(&mut f, "apk add --no-cache curl");
    assert_eq!(o.exit_code, 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(f.stat("/usr/bin/curl").is_ok());

    let mut f = fs("python:3.12-slim");
    let o = run(
        &mut f,
        "pip install --no-cache-dir flask && pip3 install redis",
    );
    assert_eq!(o.exit_code, 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(f
        .stat("/usr/local/lib/python3.12/site-packages/flask/__init__.py")
        .is_ok());
}
