//! Tests: parser. BuildKit's parser corpus (byte-identical `Node.Dump()`), its inline test tables
//! (heredocs, words, warnings, scanner limit), strata's spans, and robustness on hostile input.

use std::fs;
use std::path::Path;

use strata_dockerfile::ast::{ArgForm, Dockerfile, Instruction};
use strata_dockerfile::{parse, Diagnostic, Parsed, Severity};

use crate::conformance_dir;

fn errors(parsed: &Parsed) -> Vec<&Diagnostic> {
    parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

fn warnings(parsed: &Parsed) -> Vec<&Diagnostic> {
    parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .collect()
}

/// Parse text that must have no errors.
fn ok(text: &str) -> Dockerfile {
    let parsed = parse(text);
    let errs = errors(&parsed);
    assert!(errs.is_empty(), "unexpected errors for {text:?}: {errs:#?}");
    parsed.ast
}

/// The case directories under `dir`, sorted.
fn cases(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

/// A line-by-line comparison of `expected` and `actual`, for failure messages.
fn diff(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<_>, Vec<_>) = (expected.lines().collect(), actual.lines().collect());
    let mut out = String::new();
    for i in 0..e.len().max(a.len()) {
        let (x, y) = (e.get(i), a.get(i));
        if x != y {
            out.push_str(&format!(
                "  line {}:\n    - {}\n    + {}\n",
                i + 1,
                x.unwrap_or(&"<none>"),
                y.unwrap_or(&"<none>")
            ));
        }
    }
    if out.is_empty() {
        out.push_str(&format!(
            "  (same lines; bytes differ)\n    - {expected:?}\n    + {actual:?}\n"
        ));
    }
    out
}

#[test]
fn buildkit_corpus_dumps_are_byte_identical() {
    let dir = conformance_dir().join("buildkit-parser/testfiles");
    let cases = cases(&dir);
    let mut failures = Vec::new();
    for case in &cases {
        let name = case
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = fs::read_to_string(case.join("Dockerfile")).expect("Dockerfile is UTF-8");
        let expected = fs::read_to_string(case.join("result")).expect("result is UTF-8");
        let parsed = parse(&text);
        let errs = errors(&parsed);
        if !errs.is_empty() {
            failures.push(format!("{name}: unexpected errors: {errs:?}"));
            continue;
        }
        let actual = parsed.ast.dump() + "\n";
        if actual != expected {
            failures.push(format!(
                "{name}: dump differs\n{}",
                diff(&expected, &actual)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert_eq!(cases.len(), 33, "BuildKit's corpus has 33 positive cases");
}

#[test]
fn buildkit_negative_cases_are_errors_with_buildkit_messages() {
    let dir = conformance_dir().join("buildkit-parser/testfiles-negative");
    let expected = [
        ("empty_dockerfile", "file with no instructions"),
        ("env_no_value", "ENV must have two arguments"),
        ("only_comments", "file with no instructions"),
        (
            "shykes-nested-json",
            "when using JSON array syntax, arrays must be comprised of strings only",
        ),
    ];
    let cases = cases(&dir);
    assert_eq!(
        cases.len(),
        expected.len(),
        "BuildKit's corpus has 4 negative cases"
    );
    for (case, (name, message)) in cases.iter().zip(expected) {
        assert!(case.ends_with(name), "unexpected case {}", case.display());
        let text = fs::read_to_string(case.join("Dockerfile")).expect("Dockerfile is UTF-8");
        let parsed = parse(&text);
        let errs = errors(&parsed);
        assert!(
            errs.iter().any(|d| d.message == message),
            "{name}: expected {message:?}, got {errs:#?}"
        );
    }
}

#[test]
fn buildkit_line_numbers() {
    let text =
        fs::read_to_string(conformance_dir().join("buildkit-parser/testfile-line/Dockerfile"))
            .expect("Dockerfile is UTF-8");
    let ast = ok(&text);
    assert_eq!((ast.start_line, ast.end_line), (5, 31));
    let lines: Vec<_> = ast
        .instructions
        .iter()
        .map(|i| (i.start_line, i.end_line))
        .collect();
    assert_eq!(lines, [(5, 5), (11, 12), (17, 31)]);
}
