//! `strata import` makes what `docker import` makes (Docker 20.10, recorded with the oracle's busybox rootfs
//! tar: see `strata_build::import`): one layer that is the tarball as given (its diff_id the sha256 of the
//! uncompressed tar), one history entry with the comment `Imported from -` or `-m`'s, and a config holding
//! only what `--change` set; a change that is not a config instruction is refused with docker's text.

use std::process::Command;

use crate::store::{strata_at, TempDir};
use crate::{stderr, stdout};

fn ok(root: &std::path::Path, args: &[&str]) -> String {
    let o = strata_at(root, args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    stdout(&o)
}

/// A small root filesystem tarball written by GNU tar as the oracle writes its busybox rootfs.
fn rootfs_tar(dir: &TempDir) -> std::path::PathBuf {
    let r = dir.path("rootfs");
    std::fs::create_dir_all(r.join("etc")).unwrap();
    std::fs::create_dir_all(r.join("bin")).unwrap();
    std::fs::write(r.join("etc/hello"), "hello from the import\n").unwrap();
    std::fs::write(r.join("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n").unwrap();
    let tar = dir.path("rootfs.tar");
    crate::store::rootfs_tar(&r, &tar);
    tar
}

/// `sha256:` and the hex digest of the file, by coreutils' sha256sum.
fn sha256_of(path: &std::path::Path) -> String {
    let o = Command::new("sha256sum").arg(path).output().unwrap();
    let out = String::from_utf8(o.stdout).unwrap();
    format!("sha256:{}", out.split_whitespace().next().unwrap())
}

#[test]
fn import_keeps_the_tarball_as_the_layer_and_applies_the_changes() {
    let dir = TempDir::new("import");
    let root = dir.path("store");
    let tar = rootfs_tar(&dir);
    let id = ok(
        &root,
        &[
            "import",
            "--change",
            r#"CMD ["sh"]"#,
            "-c",
            "ENV A=1 B=$A",
            "-c",
            "WORKDIR /w/$A",
            tar.to_str().unwrap(),
            "base:one",
        ],
    );
    assert!(id.starts_with("sha256:") && id.trim().len() == 71, "{id}");
    assert_eq!(
        ok(
            &root,
            &[
                "image",
                "inspect",
                "-f",
                "{{json .RootFS.Layers}}|{{.Comment}}|{{json .Config.Cmd}}|{{json .Config.Env}}|{{.Config.WorkingDir}}",
                "base:one"
            ]
        ),
        format!(
            "[\"{}\"]|Imported from -|[\"sh\"]|[\"A=1\",\"B=\"]|/w/1\n",
            sha256_of(&tar)
        )
    );
    assert_eq!(
        ok(
            &root,
            &[
                "history",
                "--format",
                "{{.CreatedBy}}|{{.Comment}}",
                "base:one"
            ]
        ),
        "|Imported from -\n"
    );
}

#[test]
fn a_compressed_tarball_gives_the_same_layer_and_m_sets_the_comment() {
    let dir = TempDir::new("import-gz");
    let root = dir.path("store");
    let tar = rootfs_tar(&dir);
    let st = Command::new("gzip").arg("-k").arg(&tar).status().unwrap();
    assert!(st.success());
    let gz = dir.path("rootfs.tar.gz");
    ok(
        &root,
        &["import", "-m", "my msg", gz.to_str().unwrap(), "base:gz"],
    );
    assert_eq!(
        ok(
            &root,
            &[
                "image",
                "inspect",
                "-f",
                "{{json .RootFS.Layers}}|{{.Comment}}",
                "base:gz"
            ]
        ),
        format!("[\"{}\"]|my msg\n", sha256_of(&tar))
    );
}

#[test]
fn a_change_that_is_not_a_config_instruction_is_refused_and_nothing_is_stored() {
    let dir = TempDir::new("import-bad");
    let root = dir.path("store");
    let tar = rootfs_tar(&dir);
    let o = strata_at(
        &root,
        &["import", "-c", "RUN echo", tar.to_str().unwrap(), "bad:one"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("Error response from daemon: run is not a valid change command\n"),
        "{}",
        stderr(&o)
    );
    let o = strata_at(&root, &["images", "-q"]);
    assert_eq!(stdout(&o), "");
}
