//! The `strata` binary as users and other tools drive it (the CLI contract in GUIDE.md).

mod apt_model;
mod build;
mod commit;
mod import;
mod native;
mod native_run;
mod parity;
mod run_mount;
mod runs;
mod store;
mod system;
mod takeout;
mod tutorial;
mod volumes;

use std::path::PathBuf;
use std::process::{Command, Output};

fn strata(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .output()
        .expect("the strata binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn corpus(sub: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/buildkit-parser")
        .join(sub);
    assert!(
        dir.is_dir(),
        "\n*** CONFORMANCE CORPUS MISSING at {} ***\n",
        dir.display()
    );
    dir
}

fn cases(sub: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(corpus(sub))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    v.retain(|p| p.is_dir());
    v.sort();
    v
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn parse_dump_is_byte_identical_to_buildkit_for_the_whole_corpus() {
    let mut failed = Vec::new();
    let all = cases("testfiles");
    for case in &all {
        let out = strata(&["parse", "--dump", case.join("Dockerfile").to_str().unwrap()]);
        let want = std::fs::read(case.join("result")).unwrap();
        if !out.status.success() || out.stdout != want {
            failed.push(case.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    assert_eq!(all.len(), 33, "the corpus has 33 positive cases");
    assert!(
        failed.is_empty(),
        "strata parse --dump differs from BuildKit on {failed:?}"
    );
}

#[test]
fn parse_refuses_every_negative_case_with_a_located_error() {
    let all = cases("testfiles-negative");
    assert_eq!(all.len(), 4);
    for case in all {
        let file = case.join("Dockerfile");
        let out = strata(&["parse", "--dump", file.to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}: {}",
            file.display(),
            stderr(&out)
        );
        let err = stderr(&out);
        let prefix = format!("{}:", file.display());
        assert!(
            err.starts_with(&prefix) && err.contains(": error[SD"),
            "{err}"
        );
    }
}

#[test]
fn lint_prints_rustc_style_diagnostics_and_exits_by_severity() {
    let file = repo().join("examples/python-app.Dockerfile");
    let out = strata(&["lint", file.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(text.contains(":2:14: warning[SD"), "{text}");
    assert!(text.contains("2 | WORKDIR /app # the folder"), "{text}");
    assert!(text.contains("= help: "), "{text}");

    let myip = repo().join("examples/myip.Dockerfile");
    let out = strata(&["lint", myip.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an unknown instruction is an error"
    );
    assert!(
        stdout(&out).contains("ENTRYPOINT"),
        "did-you-mean suggestion: {}",
        stdout(&out)
    );
}

#[test]
fn lint_json_has_positions_codes_and_rule_names() {
    let file = repo().join("examples/python-app.Dockerfile");
    let out = strata(&["lint", "--format", "json", file.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let first = &v.as_array().expect("an array")[0];
    for key in [
        "file",
        "code",
        "rule",
        "severity",
        "message",
        "line",
        "column",
        "end_line",
        "end_column",
    ] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
}

#[test]
fn explain_knows_every_code_the_linter_uses() {
    let out = strata(&["explain"]);
    assert!(out.status.success());
    let codes: Vec<String> = stdout(&out)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    assert!(codes.len() >= 20, "{codes:?}");
    let out = strata(&["explain", &codes[0]]);
    assert!(out.status.success() && stdout(&out).starts_with(&codes[0]));
    let out = strata(&["explain", "SD9999"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn missing_file_is_a_clear_error_not_a_panic() {
    let out = strata(&["lint", "/nonexistent/Dockerfile"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("reading /nonexistent/Dockerfile"),
        "{}",
        stderr(&out)
    );
}
