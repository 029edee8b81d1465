//! Differential tests of the simulated busybox `ash` against recordings of the real one.
//!
//! Each `test_data/shell/<case>.sh` was run by real busybox (`record.py`) in a fixed tree (`tree.txt` plus
//! `/bin/busybox` and its applet symlinks, then `setup.sh`); `<case>.out` holds its exit code, stdout and
//! stderr. Here the simulator runs the same script in the same tree and must print the same bytes (dates
//! normalised to `<DATE>` on both sides). Cases listed in `known_differences.txt` are reported, not failed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use strata_image::{Attrs, Content, NodeKind, Overlay, Timestamp, Tree};
use strata_sim::exec::{exec, ExecOutcome, ExecRequest, Identity, Limits};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/shell")
}

const NOW: i64 = 1_795_000_000;

fn unescape(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut cs = s.chars();
    while let Some(c) = cs.next() {
        if c == '\\' {
            match cs.next() {
                Some('n') => out.push(b'\n'),
                Some('t') => out.push(b'\t'),
                Some('\\') => out.push(b'\\'),
                Some(o) => {
                    out.push(b'\\');
                    out.extend_from_slice(o.to_string().as_bytes());
                }
                None => out.push(b'\\'),
            }
        } else {
            out.extend_from_slice(c.to_string().as_bytes());
        }
    }
    out
}

/// The fixed tree of `tree.txt`, with busybox and its applet links.
fn base_tree() -> Tree {
    let now = Timestamp::from_secs(NOW);
    let mut t = Tree::with_root(Attrs::new(0o755, 0, 0, now));
    let dir = data_dir();
    t.mkdir("/bin", Attrs::new(0o755, 0, 0, now)).unwrap();
    t.create(
        "/bin/busybox",
        Attrs::new(0o755, 0, 0, now),
        NodeKind::File(Content::from_bytes(b"\x7fELF busybox".to_vec())),
    )
    .unwrap();
    let applets = std::fs::read_to_string(dir.join("applets.txt")).unwrap();
    for name in applets.split_whitespace() {
        let p = format!("/bin/{name}");
        if !t.exists(&p) {
            t.create(
                &p,
                Attrs::new(0o777, 0, 0, now),
                NodeKind::Symlink("/bin/busybox".into()),
            )
            .unwrap();
        }
    }
    let tree_txt = std::fs::read_to_string(dir.join("tree.txt")).unwrap();
    for line in tree_txt.lines() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.splitn(4, ' ');
        let kind = parts.next().unwrap();
        let mode = u32::from_str_radix(parts.next().unwrap(), 8).unwrap();
        let path = parts.next().unwrap();
        let content = parts.next().unwrap_or("");
        let a = Attrs::new(mode, 0, 0, now);
        match kind {
            "d" => t.mkdir(path, a).unwrap(),
            "f" => t
                .create(
                    path,
                    a,
                    NodeKind::File(Content::from_bytes(unescape(content))),
                )
                .unwrap(),
            "c" => t
                .create(path, a, NodeKind::CharDevice { major: 1, minor: 3 })
                .unwrap(),
            _ => panic!("bad tree.txt line {line}"),
        }
    }
    t
}

fn request(script: &str) -> ExecRequest {
    ExecRequest {
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
        now: Timestamp::from_secs(NOW),
        hostname: "vm".into(),
        limits: Limits::default(),
        stop: None,
        cache_mounts: Vec::new(),
        loopback_only: false,
    }
}

/// Runs `script` in a fresh fixed tree after `setup.sh`.
fn run_case(script: &str) -> ExecOutcome {
    let setup = std::fs::read_to_string(data_dir().join("setup.sh")).unwrap();
    let mut fs = Overlay::new(Arc::new(base_tree()));
    let s = exec(&mut fs, &request(&setup));
    assert_eq!(
        s.exit_code,
        0,
        "setup failed: {}",
        String::from_utf8_lossy(&s.stderr)
    );
    let merged = fs.merged().unwrap();
    let mut fs = Overlay::new(Arc::new(merged));
    exec(&mut fs, &request(script))
}

fn normalize(b: &[u8]) -> Vec<u8> {
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if i + 12 <= b.len()
            && months.iter().any(|m| &b[i..i + 3] == m.as_bytes())
            && b[i + 3] == b' '
        {
            let r = &b[i + 4..i + 12];
            let day =
                (r[0] == b' ' || r[0].is_ascii_digit()) && r[1].is_ascii_digit() && r[2] == b' ';
            let hm = r[3].is_ascii_digit()
                && r[4].is_ascii_digit()
                && r[5] == b':'
                && r[6].is_ascii_digit()
                && r[7].is_ascii_digit();
            let yr = i + 13 <= b.len()
                && r[3] == b' '
                && b[i + 8..i + 12].iter().all(u8::is_ascii_digit);
            if day && hm {
                out.extend_from_slice(b"<DATE>");
                i += 12;
                continue;
            }
            if day && yr {
                out.extend_from_slice(b"<DATE>");
                i += 12;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

struct Expected {
    exit: i32,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

fn parse_out(b: &[u8]) -> Expected {
    let line_end = |from: usize| from + b[from..].iter().position(|&c| c == b'\n').unwrap();
    let e1 = line_end(0);
    let exit: i32 = std::str::from_utf8(&b[5..e1])
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let e2 = line_end(e1 + 1);
    let n: usize = std::str::from_utf8(&b[e1 + 1 + 7..e2])
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let stdout = b[e2 + 1..e2 + 1 + n].to_vec();
    let s = e2 + 1 + n + 1;
    let e3 = line_end(s);
    let m: usize = std::str::from_utf8(&b[s + 7..e3])
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let stderr = b[e3 + 1..e3 + 1 + m].to_vec();
    Expected {
        exit,
        stdout,
        stderr,
    }
}

#[test]
fn differential_corpus() {
    let dir = data_dir();
    let known = std::fs::read_to_string(dir.join("known_differences.txt")).unwrap_or_default();
    let known: Vec<&str> = known
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let n = e.unwrap().file_name().into_string().unwrap();
            (n.ends_with(".sh") && n != "setup.sh").then(|| n.trim_end_matches(".sh").to_owned())
        })
        .collect();
    names.sort();
    let mut pass = 0;
    let mut failures = Vec::new();
    let mut report = String::new();
    for name in &names {
        let script = std::fs::read_to_string(dir.join(format!("{name}.sh"))).unwrap();
        let Ok(out) = std::fs::read(dir.join(format!("{name}.out"))) else {
            continue;
        };
        let exp = parse_out(&out);
        let got = run_case(&script);
        let (so, se) = (normalize(&got.stdout), normalize(&got.stderr));
        if got.exit_code == exp.exit && so == exp.stdout && se == exp.stderr {
            pass += 1;
            continue;
        }
        report.push_str(&format!(
            "=== {name}: exit {} (want {})\n--- stdout got\n{}\n--- stdout want\n{}\n--- stderr got\n{}\n--- stderr want\n{}\n",
            got.exit_code,
            exp.exit,
            String::from_utf8_lossy(&so),
            String::from_utf8_lossy(&exp.stdout),
            String::from_utf8_lossy(&se),
            String::from_utf8_lossy(&exp.stderr)
        ));
        if !known.contains(&name.as_str()) {
            failures.push(name.clone());
        }
    }
    eprintln!("{report}");
    eprintln!(
        "differential: {pass}/{} cases identical to busybox",
        names.len()
    );
    assert!(
        failures.is_empty(),
        "cases differing from busybox: {failures:?}"
    );
}
