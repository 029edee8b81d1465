//! `.dockerignore` and COPY wildcards: the recorded Docker 20.10 cases in `test_data/dockerignore/cases/`
//! (context listings after `COPY . /`), and Go `filepath.Match` cases.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use strata_build::dockerignore::{ignore_file_for, DockerIgnore};
use strata_build::filepath_match::{has_meta, match_path, PatternError};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/dockerignore/cases")
}

/// Splits a case file into its `--- name` sections (exact bytes, as text).
fn sections(raw: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in raw.split('\n') {
        if let Some(name) = line.strip_prefix("--- ") {
            out.push((name.to_string(), String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    out
}

fn section<'a>(s: &'a [(String, String)], name: &str) -> Option<&'a str> {
    s.iter().find(|(n, _)| n == name).map(|(_, b)| b.as_str())
}

/// What strata would send as the context: every listed path and its parent directories, filtered.
fn listing(ignore: &DockerIgnore, paths: &[String]) -> BTreeSet<String> {
    let mut all = BTreeSet::new();
    for p in paths {
        let p = p.trim_end_matches('/');
        let mut end = 0;
        while let Some(i) = p[end..].find('/') {
            all.insert(format!("{}/", &p[..end + i]));
            end += i + 1;
        }
        all.insert(if paths.contains(&format!("{p}/")) {
            format!("{p}/")
        } else {
            p.to_string()
        });
    }
    all.into_iter()
        .filter(|p| match p.strip_suffix('/') {
            Some(dir) => !ignore.is_excluded_dir(dir),
            None => !ignore.is_excluded(p),
        })
        .collect()
}

#[test]
fn dockerignore_cases_match_docker() {
    let mut names: Vec<_> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    assert!(names.len() >= 18, "only {} cases", names.len());
    let mut failures = Vec::new();
    for path in &names {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let raw = std::fs::read_to_string(path).unwrap();
        let s = sections(&raw);
        let text = section(&s, "dockerignore").unwrap();
        let expected = section(&s, "expected").unwrap().trim_end_matches('\n');
        let mut files: Vec<String> = section(&s, "files")
            .unwrap()
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        files.push(".dockerignore".into());
        let mut text = text;
        if let Some(specific) = section(&s, "dockerfile-ignore") {
            // The Dockerfile is build/Dockerfile: its own ignore file wins over .dockerignore (Docker 20.10 too).
            files.push("build/Dockerfile".into());
            files.push("build/Dockerfile.dockerignore".into());
            assert_eq!(
                ignore_file_for("build/Dockerfile")[0],
                "build/Dockerfile.dockerignore"
            );
            text = specific;
        }
        let got = match DockerIgnore::parse(text) {
            Err(e) => format!("error: {e}"),
            Ok(ig) => listing(&ig, &files)
                .into_iter()
                .collect::<Vec<_>>()
                .join("\n"),
        };
        let ok = match expected.strip_prefix("error: ") {
            // Docker: "error from sender: invalid excludepatterns: [a !]: <message>"
            Some(docker) => got
                .strip_prefix("error: ")
                .is_some_and(|m| docker.ends_with(m)),
            None => got == expected,
        };
        if !ok {
            failures.push(format!(
                "== {name}\n-- docker:\n{expected}\n-- strata:\n{got}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn reading_rules() {
    let ig = DockerIgnore::parse("\u{feff}# c\n  \n!  /a/../b/ \n x \r\n#y\n  #z\n").unwrap();
    assert_eq!(ig.patterns(), ["!b", "x", "#z"]);
    assert!(DockerIgnore::parse("").unwrap().is_empty());
    assert!(DockerIgnore::parse("# only\n\n").unwrap().is_empty());
    assert_eq!(
        DockerIgnore::parse("!\n").unwrap_err(),
        PatternError::BareExclusion
    );
    assert_eq!(
        DockerIgnore::parse(" ! \n").unwrap_err(),
        PatternError::BareExclusion
    );
    assert_eq!(
        DockerIgnore::parse("a[\n").unwrap_err(),
        PatternError::BadPattern
    );
    assert_eq!(
        DockerIgnore::parse("x\\\n").unwrap_err(),
        PatternError::BadPattern
    );
    assert_eq!(
        ignore_file_for("Dockerfile"),
        [
            "Dockerfile.dockerignore".to_string(),
            ".dockerignore".to_string()
        ]
    );
}

#[test]
fn matching_rules() {
    let ig = DockerIgnore::parse("**/*.o\ndocs\n!docs/keep.md\nlogs/**\n").unwrap();
    assert!(ig.is_excluded("a.o") && ig.is_excluded("x/y/a.o"));
    assert!(ig.is_excluded("docs/other.md") && !ig.is_excluded("docs/keep.md"));
    assert!(
        !ig.is_excluded_dir("docs"),
        "walked because an exception starts with docs/"
    );
    assert!(ig.is_excluded("logs/a/b") && !ig.is_excluded_dir("logs"));
    assert!(!ig.is_excluded("src/main.rs"));
    assert!(ig.matches("docs") && !ig.matches("docs/keep.md"));
    // Regexp characters keep their meaning (Docker 20.10): c+ is "one or more c".
    let ig = DockerIgnore::parse("c+\nv{2}\n").unwrap();
    assert!(ig.is_excluded("ccc") && !ig.is_excluded("c+"));
    assert!(ig.is_excluded("vv") && !ig.is_excluded("v"));
    assert!(DockerIgnore::parse("(a\n").is_err());
    // Long paths and heavy patterns: no recursion on the path, no blow-up.
    let long = format!("{}x.o", format!("{}/", "d".repeat(99)).repeat(40)); // 4003 characters
    let ig = DockerIgnore::parse("**/**/**/**/*.o\n(a+)+b\n").unwrap();
    assert!(ig.is_excluded(&long));
    assert!(!ig.is_excluded(&"a".repeat(4000)));
    assert!(DockerIgnore::parse("(a{1000}){1000}\n").is_err());
    assert!(DockerIgnore::parse("+a\n").is_err());
}

#[test]
fn go_filepath_match() {
    let yes = [
        ("abc", "abc"),
        ("*", "abc"),
        ("*c", "abc"),
        ("a*", "a"),
        ("a*/b", "abc/b"),
        ("a*b*c*d*e*/f", "axbxcxdxe/f"),
        ("a*b*c*d*e*/f", "axbxcxdxexxx/f"),
        ("ab[c]", "abc"),
        ("ab[b-d]", "abc"),
        ("ab[^c]", "abd"),
        ("ab[^b-d]", "abe"),
        ("a\\*b", "a*b"),
        ("a?b", "a\u{263a}b"),
        ("a[^a]b", "a\u{263a}b"),
        ("a???b", "axyzb"),
        ("[\\-]", "-"),
        ("[x\\-]", "-"),
        ("[\\]a]", "]"),
        ("[!a]", "!"),
        ("*x", "xxx"),
        ("[^a]", "/"),
    ];
    for (p, n) in yes {
        assert_eq!(match_path(p, n), Ok(true), "{p} vs {n}");
    }
    let no = [
        ("abc", "abd"),
        ("*", "a/b"),
        ("a*/b", "abc/c"),
        ("a*/b", "a/c/b"),
        ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f"),
        ("a*b*c*d*e*/f", "axbxcxdxexxx/fff"),
        ("ab[^c]", "abc"),
        ("a?b", "a/b"),
        ("a*b", "a/b"),
        ("[!a]", "b"),
        ("a", ""),
        ("", "a"),
    ];
    for (p, n) in no {
        assert_eq!(match_path(p, n), Ok(false), "{p} vs {n}");
    }
    assert_eq!(match_path("", ""), Ok(true));
    for bad in [
        "[", "[^", "[^bc", "a[", "[]a]", "[-]", "[x-]", "[-x]", "\\", "[a-b-c]", "a\\", "[a-]*",
    ] {
        assert_eq!(match_path(bad, "a"), Err(PatternError::BadPattern), "{bad}");
    }
    // Errors are found even after a mismatch.
    assert_eq!(match_path("x[", "a"), Err(PatternError::BadPattern));
    assert_eq!(match_path("*x[", "a"), Err(PatternError::BadPattern));
    assert!(has_meta("a*") && has_meta("a?") && has_meta("a[b") && has_meta("a\\b"));
    assert!(!has_meta("a/b.txt") && !has_meta("{a,b}"));
}

#[test]
fn copy_wildcards_match_buildkit() {
    let text = std::fs::read_to_string(cases_dir().join("../copy_wildcards.txt")).unwrap();
    let context: Vec<&str> = text
        .lines()
        .find_map(|l| l.strip_prefix("# context: "))
        .unwrap()
        .split(' ')
        .collect();
    let mut n = 0;
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (pattern, want) = line.split_once('\t').unwrap();
        let mut got: Vec<&str> = context
            .iter()
            .copied()
            .filter(|name| match_path(pattern, name).unwrap_or(false))
            .collect();
        got.sort();
        assert_eq!(got.join(" "), want, "COPY {pattern}");
        n += 1;
    }
    assert_eq!(n, 13);
}
