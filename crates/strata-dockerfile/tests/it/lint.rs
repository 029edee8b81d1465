//! Tests: lint.
//!
//! Data-driven: each directory `test_data/lint/<case>/` holds a `Dockerfile` and an `expected` rendering of
//! `lint::check` (one line per diagnostic, `line:col-end_line:end_col severity code message`, then an indented
//! `help:` line when there is one). A missing `expected` is written; `UPDATE_EXPECT=1` rewrites them all.
//!
//! Case names start with the code they are about: `sd0100-…` must report that code, and `sd0100-…-ok`
//! must not (the no-false-positive case). The harness checks this, so a wrong expectation cannot be blessed.

use std::fmt::Write;
use std::fs;
use std::path::Path;

use strata_dockerfile::{lint, Diagnostic, Severity};

/// The text form of diagnostics used by the `expected` files.
fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let s = d.span;
        let _ = writeln!(
            out,
            "{}:{}-{}:{} {} {} {}",
            s.line,
            s.col,
            s.end_line,
            s.end_col,
            d.severity.as_str(),
            d.code,
            d.message
        );
        if let Some(h) = &d.help {
            let _ = writeln!(out, "    help: {h}");
        }
    }
    out
}

#[test]
fn lint_fixtures() {
    let dir = crate::test_data_dir().join("lint");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut cases: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("Dockerfile").is_file())
        .collect();
    cases.sort();
    assert!(
        cases.len() > 20,
        "expected lint fixture cases in {}",
        dir.display()
    );
    let mut failures = Vec::new();
    for case in &cases {
        if let Err(msg) = run_case(case, update) {
            failures.push(msg);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} lint cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn run_case(case: &Path, update: bool) -> Result<(), String> {
    let name = case
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("?")
        .to_string();
    let text = fs::read_to_string(case.join("Dockerfile")).map_err(|e| format!("{name}: {e}"))?;
    let diagnostics = lint::check(&text);
    let actual = render(&diagnostics);

    // The case name says which code it is about.
    if let Some(code) = name
        .get(..6)
        .filter(|c| c.starts_with("sd"))
        .map(str::to_uppercase)
    {
        let found = diagnostics.iter().any(|d| d.code == code);
        if name.ends_with("-ok") && found {
            return Err(format!("{name}: must not report {code}, got:\n{actual}"));
        }
        if !name.ends_with("-ok") && !found {
            return Err(format!("{name}: must report {code}, got:\n{actual}"));
        }
    }

    let expected_path = case.join("expected");
    match fs::read_to_string(&expected_path) {
        Ok(expected) if !update => {
            if expected != actual {
                return Err(format!(
                    "{name}: mismatch\n--- expected\n{expected}--- actual\n{actual}"
                ));
            }
        }
        Ok(_) => fs::write(&expected_path, &actual).map_err(|e| format!("{name}: {e}"))?,
        Err(_) if update => fs::write(&expected_path, &actual).map_err(|e| format!("{name}: {e}"))?,
        Err(e) => {
            return Err(format!(
                "{name}: no expected file ({e}); record it with UPDATE_EXPECT=1 and review it:\n{actual}"
            ))
        }
    }
    Ok(())
}

#[test]
fn smoke_comment_after_workdir() {
    let d = lint::check("FROM alpine:3.20\nWORKDIR /app # the app\n");
    let hit = d
        .iter()
        .find(|d| d.code == "SD0100")
        .expect("SD0100 reported");
    assert_eq!((hit.span.line, hit.span.col, hit.span.end_col), (2, 14, 23));
    assert_eq!(hit.severity, Severity::Warning);
}

#[test]
fn unknown_instruction_suggests() {
    for (typo, fix) in [
        ("FORM debian:12", "FROM"),
        ("RNTRYPOINT [\"x\"]", "ENTRYPOINT"),
        ("WORKDR /app", "WORKDIR"),
    ] {
        let text = format!("FROM alpine:3.20\n{typo}\n");
        let d = lint::check(&text);
        let hit = d
            .iter()
            .find(|d| d.code == "SD0020")
            .unwrap_or_else(|| panic!("no SD0020 for {typo}"));
        assert_eq!(
            hit.help.as_deref(),
            Some(format!("did you mean {fix}?").as_str()),
            "{typo}"
        );
        assert!(hit.is_error());
    }
}

#[test]
fn diagnostics_are_sorted_and_well_formed() {
    let text = "ARG V=1\nFROM alpine\nWORKDIR app # x\nCMD echo $V\nRUN cd /x\nEXPOSE 80 # y\n";
    let d = lint::check(text);
    for pair in d.windows(2) {
        assert!(
            pair[0].span.start <= pair[1].span.start,
            "not sorted: {pair:?}"
        );
    }
    for x in &d {
        let first_word = x.message.split(' ').next().unwrap_or("");
        let keyword = first_word.len() > 1 && first_word.chars().all(|c| c.is_ascii_uppercase());
        assert!(
            keyword || !first_word.starts_with(char::is_uppercase),
            "{}: {}",
            x.code,
            x.message
        );
        assert!(!x.message.ends_with('.'), "{}: trailing period", x.code);
        assert!(!x.message.contains('\n'), "{}: multi-line message", x.code);
        assert!(
            strata_dockerfile::rule(x.code).is_some(),
            "{} has no catalogue entry",
            x.code
        );
    }
}

#[test]
fn check_directive_skips_and_promotes() {
    let base = "FROM alpine:3.20\nWORKDIR /app # x\nMAINTAINER me\n";
    let codes = |t: &str| {
        lint::check(t)
            .into_iter()
            .map(|d| (d.code, d.severity))
            .collect::<Vec<_>>()
    };
    let all = codes(base);
    assert!(all.iter().any(|(c, _)| *c == "SD0100"));
    assert!(all.iter().any(|(c, _)| *c == "SD0120"));

    let skipped = codes(&format!(
        "# check=skip=HashIsNotComment,MaintainerDeprecated\n{base}"
    ));
    assert!(
        !skipped
            .iter()
            .any(|(c, _)| *c == "SD0100" || *c == "SD0120"),
        "{skipped:?}"
    );

    let by_code = codes(&format!("# check=skip=sd0100\n{base}"));
    assert!(!by_code.iter().any(|(c, _)| *c == "SD0100"));
    assert!(by_code.iter().any(|(c, _)| *c == "SD0120"));

    let none = codes(&format!("# check=skip=all\n{base}"));
    assert!(none.is_empty(), "{none:?}");

    let errors = codes(&format!("# check=error=true\n{base}"));
    assert!(
        errors.iter().all(|(_, s)| *s == Severity::Error),
        "{errors:?}"
    );

    let both = codes(&format!(
        "# check=skip=MaintainerDeprecated;error=true\n{base}"
    ));
    assert_eq!(both, vec![("SD0100", Severity::Error)]);
}

#[test]
fn check_directive_problems() {
    let d = lint::check("# check=skip=NoSuchCheck\nFROM alpine:3.20\n");
    assert!(d.iter().any(|d| d.code == "SD0125"), "{d:?}");
    let d = lint::check("# check=error=maybe\nFROM alpine:3.20\n");
    assert!(
        d.iter().any(|d| d.code == "SD0124" && d.is_error()),
        "{d:?}"
    );
    let d = lint::check("# check=bogus\nFROM alpine:3.20\n");
    assert!(d.iter().any(|d| d.code == "SD0124"), "{d:?}");
    // BuildKit's name of a check strata also has works.
    let d = lint::check("# check=skip=JSONArgsRecommended\nFROM alpine:3.20\nENTRYPOINT run me\n");
    assert!(!d.iter().any(|d| d.code == "SD0102"), "{d:?}");
    // DuplicateStageName is a BuildKit check too, although strata finds it while lowering.
    let dup = "FROM alpine:3.20 AS a\nFROM alpine:3.20 AS a\n";
    assert!(lint::check(dup).iter().any(|d| d.code == "SD0030"));
    let d = lint::check(&format!("# check=skip=DuplicateStageName\n{dup}"));
    assert!(!d.iter().any(|d| d.code == "SD0030"), "{d:?}");
}

#[test]
fn every_lint_code_has_a_fixture() {
    let dir = crate::test_data_dir().join("lint");
    let names: Vec<String> = fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    for rule in strata_dockerfile::rules()
        .into_iter()
        .filter(|r| r.code >= "SD0100")
    {
        let prefix = rule.code.to_lowercase();
        if rule.code == "SD0124" || rule.code == "SD0125" {
            continue; // Directive problems: tested above.
        }
        assert!(
            names
                .iter()
                .any(|n| n.starts_with(&prefix) && !n.ends_with("-ok")),
            "{} {} has no positive fixture",
            rule.code,
            rule.name
        );
        assert!(
            names
                .iter()
                .any(|n| n.starts_with(&prefix) && n.ends_with("-ok")),
            "{} {} has no negative (-ok) fixture",
            rule.code,
            rule.name
        );
    }
}

#[test]
fn never_panics_on_odd_input() {
    let inputs = [
        "",
        "FROM",
        "FROM scratch\nCOPY",
        "FROM scratch\nRUN [\"\n",
        "FROM a\nCMD [",
        "FROM a\nENV =\n",
        "FROM a\nRUN echo ${\n",
        "FROM a\nRUN \u{feff}é{a,b}ü\n",
        "FROM a\nHEALTHCHECK --interval=99999999999999999999h CMD x\n",
        "FROM a\nCOPY --from=99999999999999999999999 a b\n",
        "FROM a AS b\nFROM b AS a\nCOPY --from=-1 x y\n",
        "# check=skip=\nFROM a\n",
        "FROM a\nONBUILD\nONBUILD ONBUILD RUN x\nONBUILD FROM x\n",
        "FROM a\nRUN --mount=type=\"cache,target=/x a\n",
        "FROM a\nRUN echo '{a,b}' \"{1..2}\" $'x' `{a,b}`\n",
    ];
    for input in inputs {
        let _ = lint::check(input);
    }
}

/// Every Dockerfile of the conformance corpora (and truncations of them) lints without panicking, and every
/// diagnostic has a catalogue entry and a span inside the text.
#[test]
fn corpora_lint_without_panics() {
    let root = crate::conformance_dir();
    let mut files = Vec::new();
    let mut stack = vec![root.join("buildkit-parser"), root.join("buildah-bud")];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = fs::read_dir(&dir) else { continue };
        for e in rd.filter_map(Result::ok) {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            if p.is_dir() {
                stack.push(p);
            } else if name.starts_with("Dockerfile") || name.starts_with("Containerfile") {
                files.push(p);
            }
        }
    }
    assert!(files.len() > 100, "corpus files found: {}", files.len());
    for f in &files {
        let Ok(text) = fs::read_to_string(f) else {
            continue;
        };
        let mut cuts: Vec<usize> = (0..text.len())
            .step_by(61)
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        cuts.push(text.len());
        for cut in cuts {
            let part = &text[..cut];
            for d in lint::check(part) {
                assert!(
                    strata_dockerfile::rule(d.code).is_some(),
                    "{}: {} not in catalogue",
                    f.display(),
                    d.code
                );
                assert!(
                    d.span.start <= d.span.end && d.span.end <= part.len(),
                    "{}: bad span {d:?}",
                    f.display()
                );
            }
        }
    }
}

/// Deterministic token soup: random mixes of Dockerfile fragments never make the linter panic.
#[test]
fn token_soup_never_panics() {
    const TOKENS: &[&str] = &[
        "FROM ",
        "RUN ",
        "CMD ",
        "ENTRYPOINT ",
        "COPY ",
        "ADD ",
        "ENV ",
        "ARG ",
        "WORKDIR ",
        "ONBUILD ",
        "SHELL ",
        "HEALTHCHECK ",
        "EXPOSE ",
        "VOLUME ",
        "USER ",
        "LABEL ",
        "STOPSIGNAL ",
        "MAINTAINER ",
        "AS ",
        "x",
        "é",
        " ",
        "\n",
        "\t",
        "\\\n",
        "#",
        "# check=skip=all\n",
        "$",
        "${",
        "}",
        "{",
        "{a,b}",
        "{1..3}",
        "[",
        "]",
        "\"",
        "'",
        ",",
        "=",
        "--from=",
        "--mount=type=cache,target=/x",
        "--chmod=",
        "--",
        "<<EOF\n",
        "EOF\n",
        "<<-'E'\n",
        "cd ",
        "apt-get ",
        "install ",
        "-y ",
        "&&",
        "|",
        ";",
        "scratch",
        "alpine:3.20",
        "0",
        "-1",
        "/",
        ".",
        "*",
        "NONE",
        "CMD",
        "\u{feff}",
        "\r\n",
        "`",
        "# escape=`\n",
    ];
    let mut seed: u64 = 0x5eed;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    for _ in 0..3000 {
        let n = next() % 40;
        let text: String = (0..n).map(|_| TOKENS[next() % TOKENS.len()]).collect();
        for d in lint::check(&text) {
            assert!(d.span.end <= text.len(), "bad span {d:?} in {text:?}");
        }
    }
}

/// `docs/lint/<Name>.md`, one page per instruction-level and lint rule, generated from the catalogue and
/// the fixtures (the positive case as the example with its diagnostics, the `-ok` case as the fix).
/// A missing page is written; `UPDATE_EXPECT=1` rewrites them; otherwise a stale page fails the test.
#[test]
fn lint_docs_are_current() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let docs = root.join("docs/lint");
    let fixtures = crate::test_data_dir().join("lint");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let _ = fs::create_dir_all(&docs);
    let mut cases: Vec<String> = fs::read_dir(&fixtures)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    cases.sort();
    let mut stale = Vec::new();
    let mut index = String::from("# strata's Dockerfile checks\n\nGenerated from the rule catalogue by `cargo test` \
        (`UPDATE_EXPECT=1` rewrites). `strata explain <code>` prints the same text.\n\n| code | check | severity | what |\n|---|---|---|---|\n");
    for rule in strata_dockerfile::rules()
        .into_iter()
        .filter(|r| r.code >= "SD0020")
    {
        let prefix = rule.code.to_lowercase();
        let mut page = format!(
            "# {} ({})\n\n**Severity:** {}. {}.\n\n{}\n",
            rule.name,
            rule.code,
            rule.severity.as_str(),
            capitalize(rule.summary),
            rule.explanation
        );
        let read = |case: &str, file: &str| fs::read_to_string(fixtures.join(case).join(file)).ok();
        if let Some(case) = cases
            .iter()
            .find(|c| c.starts_with(&prefix) && !c.ends_with("-ok"))
        {
            if let Some(df) = read(case, "Dockerfile") {
                // Rendered here rather than read from `expected`, which another test may be rewriting.
                let out = render(&lint::check(&df));
                let _ = write!(page, "\n## Example\n\n```dockerfile\n{df}```\n\n`strata lint` reports:\n\n```text\n{out}```\n");
            }
        }
        if let Some(case) = cases
            .iter()
            .find(|c| c.starts_with(&prefix) && c.ends_with("-ok"))
        {
            if let Some(df) = read(case, "Dockerfile") {
                let _ = write!(page, "\n## Not reported\n\n```dockerfile\n{df}```\n");
            }
        }
        let _ = writeln!(
            index,
            "| {} | [{}]({}.md) | {} | {} |",
            rule.code,
            rule.name,
            rule.name,
            rule.severity.as_str(),
            rule.summary.replace('|', "\\|")
        );
        check_doc(
            &docs.join(format!("{}.md", rule.name)),
            &page,
            update,
            &mut stale,
        );
    }
    check_doc(&docs.join("README.md"), &index, update, &mut stale);
    assert!(
        stale.is_empty(),
        "stale docs (run with UPDATE_EXPECT=1): {stale:?}"
    );
}

fn check_doc(path: &Path, content: &str, update: bool, stale: &mut Vec<String>) {
    match fs::read_to_string(path) {
        Ok(old) if old == content => {}
        Ok(_) if !update => stale.push(path.display().to_string()),
        _ => {
            let _ = fs::write(path, content);
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
