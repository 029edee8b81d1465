//! Tests: parser. BuildKit's parser corpus (byte-identical `Node.Dump()`), its inline test tables
//! (heredocs, words, warnings, scanner limit), strata's spans, and robustness on hostile input.

use std::fs;
use std::path::Path;

use strata_dockerfile::ast::{ArgForm, Dockerfile, Instruction};
use strata_dockerfile::{parse, Diagnostic, LineIndex, Parsed, Severity};

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

// ---------------------------------------------------------------------------------------------------
// Heredocs: BuildKit's parser_heredoc_test.go tables, as strata's own data.
// ---------------------------------------------------------------------------------------------------

/// Expected heredoc: (name, content, expand, chomp, file descriptor).
type Doc = (&'static str, &'static str, bool, bool, Option<u32>);

fn docs(i: &Instruction) -> Vec<(String, String, bool, bool, Option<u32>)> {
    i.heredocs
        .iter()
        .map(|h| {
            (
                h.name.clone(),
                h.content.clone(),
                h.expand,
                h.chomp,
                h.file_descriptor,
            )
        })
        .collect()
}

fn owned(expected: &[Doc]) -> Vec<(String, String, bool, bool, Option<u32>)> {
    expected
        .iter()
        .map(|&(n, c, e, ch, fd)| (n.to_string(), c.to_string(), e, ch, fd))
        .collect()
}

#[test]
fn heredocs_are_extracted_as_buildkit_does() {
    let text = "
FROM alpine:3.6

ENV NAME=me

RUN ls

USER <<INVALID
INVALID

RUN <<EMPTY
EMPTY

RUN 3<<EMPTY2
EMPTY2

RUN \"<<NOHEREDOC\"

RUN <<INDENT
\tfoo
\tbar
INDENT

RUN <<-UNINDENT
\tbaz
\tquux
UNINDENT

RUN <<-UNINDENT2
\tbaz
\tquux
\tUNINDENT2

RUN <<-EXPAND
\texpand $NAME
EXPAND

RUN <<-'NOEXPAND'
\tdon't expand $NAME
NOEXPAND

RUN <<COPY
echo hello world
echo foo bar
COPY

RUN <<COMMENT
# internal comment
echo hello world
echo foo bar # trailing comment
COMMENT

RUN --mount=type=cache,target=/foo <<MOUNT
echo hello
MOUNT

COPY <<FILE1 <<FILE2 /dest
content 1
FILE1
content 2
FILE2

COPY <<EOF /quotes
\"foo\"
'bar'
EOF

COPY <<X <<Y /dest
Y
X
X
Y

RUN <<COMPLEX python3
print('hello world')
COMPLEX

COPY <<file.txt /dest
hello world
file.txt

RUN <<eo'f'
echo foo
eof

RUN <<eo\\'f
echo foo
eo'f

RUN <<'e'o\\'f
echo foo
eo'f

RUN <<'one two'
echo bar
one two

RUN <<$EOF
$EOF

RUN <<  EOF
EOF

RUN <<  EOF  > foo
EOF
\t";
    let expected: Vec<&[Doc]> = vec![
        &[],                                                          // ENV NAME=me
        &[],                                                          // RUN ls
        &[],                                                          // USER <<INVALID
        &[],                                                          // INVALID
        &[("EMPTY", "", true, false, None)],                          // RUN <<EMPTY
        &[("EMPTY2", "", true, false, Some(3))],                      // RUN 3<<EMPTY2
        &[],                                                          // RUN "<<NOHEREDOC"
        &[("INDENT", "\tfoo\n\tbar\n", true, false, None)],           // RUN <<INDENT
        &[("UNINDENT", "\tbaz\n\tquux\n", true, true, None)],         // RUN <<-UNINDENT
        &[("UNINDENT2", "\tbaz\n\tquux\n", true, true, None)],        // RUN <<-UNINDENT2
        &[("EXPAND", "\texpand $NAME\n", true, true, None)],          // RUN <<-EXPAND
        &[("NOEXPAND", "\tdon't expand $NAME\n", false, true, None)], // RUN <<-'NOEXPAND'
        &[(
            "COPY",
            "echo hello world\necho foo bar\n",
            true,
            false,
            None,
        )], // RUN <<COPY
        &[(
            "COMMENT",
            "# internal comment\necho hello world\necho foo bar # trailing comment\n",
            true,
            false,
            None,
        )],
        &[("MOUNT", "echo hello\n", true, false, None)],
        &[
            ("FILE1", "content 1\n", true, false, None),
            ("FILE2", "content 2\n", true, false, None),
        ],
        &[("EOF", "\"foo\"\n'bar'\n", true, false, None)],
        &[
            ("X", "Y\n", true, false, None),
            ("Y", "X\n", true, false, None),
        ],
        &[("COMPLEX", "print('hello world')\n", true, false, None)],
        &[("file.txt", "hello world\n", true, false, None)],
        &[("eof", "echo foo\n", false, false, None)],
        &[("eo'f", "echo foo\n", true, false, None)],
        &[("eo'f", "echo foo\n", false, false, None)],
        &[("one two", "echo bar\n", false, false, None)],
        &[("$EOF", "", true, false, None)],
        &[("EOF", "", true, false, None)],
        &[("EOF", "", true, false, None)],
    ];
    let ast = ok(text);
    assert_eq!(ast.instructions.len(), expected.len() + 1);
    for (i, want) in expected.iter().enumerate() {
        let instruction = &ast.instructions[i + 1];
        assert_eq!(
            docs(instruction),
            owned(want),
            "instruction {}: {}",
            i + 1,
            instruction.original
        );
    }
    // The chomped body (BuildKit's ChompHeredocContent) removes leading tabs from every line.
    assert_eq!(ast.instructions[9].heredocs[0].body(), "baz\nquux\n");
    assert_eq!(ast.instructions[8].heredocs[0].body(), "\tfoo\n\tbar\n");
}

#[test]
fn json_form_has_no_heredocs() {
    let ast = ok("\nFROM alpine:3.6\n\nRUN [\"whoami\"]\nRUN [\"<<EOF\"]\nRUN [\"<<'EOF'\"]\n\t");
    for i in 1..=3 {
        assert!(ast.instructions[i].heredocs.is_empty());
        assert_eq!(ast.instructions[i].form, ArgForm::Json);
    }
}

#[test]
fn heredoc_marker_words() {
    // BuildKit's TestParseHeredocHelpers, as one-instruction Dockerfiles.
    for valid in [
        "<<EOF",
        "<<'EOF'",
        "<<\"EOF\"",
        "<<-EOF",
        "<<-'EOF'",
        "<<-\"EOF\"",
        "<<EO\"F\"",
    ] {
        let ast = ok(&format!("RUN {valid}\nEOF\n"));
        let names: Vec<_> = ast.instructions[0]
            .heredocs
            .iter()
            .map(|h| h.name.as_str())
            .collect();
        assert_eq!(names, ["EOF"], "{valid}");
    }
    for not_heredoc in ["EOF", "<<", "<<-", "<EOF", "<<<EOF"] {
        let parsed = parse(&format!("RUN {not_heredoc}\nEOF\n"));
        assert!(
            parsed.ast.instructions[0].heredocs.is_empty(),
            "{not_heredoc}"
        );
        assert_eq!(
            parsed.ast.instructions.len(),
            2,
            "{not_heredoc}: EOF is read as an instruction"
        );
    }
    // A word BuildKit matches but cannot lex is an error; on a whole line, an unpaired quote makes the
    // line unlexable, which BuildKit treats as "no heredocs".
    let parsed = parse("RUN <<${a:-x y}\n");
    assert!(errors(&parsed)
        .iter()
        .any(|d| d.code == "SD0010" && d.message.starts_with("failed to process")));
    let parsed = parse("RUN <<'EOF\nEOF\n");
    assert!(errors(&parsed).is_empty());
    assert!(parsed.ast.instructions[0].heredocs.is_empty());

    // BuildKit's TestHeredocsFromLine.
    let lines: [(&str, &[&str]); 10] = [
        ("RUN <<EOF", &["EOF"]),
        ("RUN <<-EOF", &["EOF"]),
        ("RUN << EOF", &["EOF"]),
        ("RUN <<- EOF", &[]),
        ("RUN << -EOF", &["-EOF"]),
        ("RUN <<'EOF'", &["EOF"]),
        ("RUN 4<<EOF", &["EOF"]),
        ("RUN <<EOF <<EOF2", &["EOF", "EOF2"]),
        ("RUN '<<EOF'", &[]),
        ("RUN \"<<EOF\"", &[]),
    ];
    for (line, names) in lines {
        let text = format!("{line}\n{}\n", names.join("\n"));
        let ast = parse(&text).ast;
        let found: Vec<_> = ast.instructions[0]
            .heredocs
            .iter()
            .map(|h| h.name.as_str())
            .collect();
        assert_eq!(found, names, "{line}");
    }
    assert_eq!(
        ok("RUN 4<<EOF\nEOF\n").instructions[0].heredocs[0].file_descriptor,
        Some(4)
    );
}

#[test]
fn heredoc_bodies_and_spans() {
    let text = "FROM a\nONBUILD RUN <<EOF\nx\nEOF\nCOPY --chmod=644 <<A <<-B /dst\none\nA\n\ttwo\n\tB\nRUN x\n";
    let ast = ok(text);
    let onbuild = &ast.instructions[1];
    assert_eq!(docs(onbuild), owned(&[("EOF", "x\n", true, false, None)]));
    assert_eq!(onbuild.dump(), "onbuild (run \"<<EOF\")");
    assert_eq!((onbuild.start_line, onbuild.end_line), (2, 4));
    let copy = &ast.instructions[2];
    assert_eq!(copy.heredocs.len(), 2);
    assert_eq!(
        &text[copy.heredocs[0].span.start..copy.heredocs[0].span.end],
        "one\nA"
    );
    assert_eq!(
        &text[copy.heredocs[1].span.start..copy.heredocs[1].span.end],
        "\ttwo\n\tB"
    );
    assert_eq!((copy.start_line, copy.end_line), (5, 9));
    assert_eq!(
        &text[copy.span.start..copy.span.end],
        "COPY --chmod=644 <<A <<-B /dst\none\nA\n\ttwo\n\tB"
    );
    assert_eq!(ast.instructions[3].start_line, 10);

    // ONBUILD ONBUILD: heredocs are only looked for one level down.
    let parsed = parse("ONBUILD ONBUILD RUN <<EOF\nEOF\n");
    assert!(parsed.ast.instructions[0].heredocs.is_empty());
    assert_eq!(parsed.ast.instructions.len(), 2);
}

#[test]
fn unterminated_heredoc_is_an_error() {
    let text = "FROM a\nRUN <<EOF\necho hi\n";
    let parsed = parse(text);
    let errs = errors(&parsed);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0].code, "SD0004");
    assert_eq!(errs[0].message, "unterminated heredoc");
    assert_eq!(errs[0].span.line, 2);
    assert_eq!(parsed.ast.instructions[1].heredocs[0].content, "echo hi\n");
    // The terminator must match exactly: trailing blanks do not count, `\r\n` does.
    assert_eq!(errors(&parse("RUN <<EOF\nEOF \n")).len(), 1);
    assert!(errors(&parse("RUN <<EOF\r\nx\r\nEOF\r\n")).is_empty());
}

// ---------------------------------------------------------------------------------------------------
// BuildKit's other inline parser tests.
// ---------------------------------------------------------------------------------------------------

#[test]
fn words_as_buildkit_splits_them() {
    // TestParseWords, through ARG (whose values are parseWords' words).
    let cases: [(&str, &[&str]); 8] = [
        ("foo", &["foo"]),
        ("foo bar", &["foo", "bar"]),
        ("foo\\ bar", &["foo\\ bar"]),
        ("foo=bar", &["foo=bar"]),
        ("foo bar 'abc xyz'", &["foo", "bar", "'abc xyz'"]),
        ("foo bar \"abc xyz\"", &["foo", "bar", "\"abc xyz\""]),
        ("àöû", &["àöû"]),
        ("föo bàr \"âbc xÿz\"", &["föo", "bàr", "\"âbc xÿz\""]),
    ];
    for (input, want) in cases {
        let ast = ok(&format!("ARG {input}"));
        let got: Vec<_> = ast.instructions[0]
            .args
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(got, want, "{input}");
    }
    assert_eq!(
        ok("ARG abc=\"123 456\" def").dump(),
        "(arg \"abc=\\\"123 456\\\"\" \"def\")"
    );
}

#[test]
fn name_value_forms() {
    assert_eq!(ok("LABEL foo bar").dump(), "(label \"foo\" \"bar\" \"\")");
    assert_eq!(
        ok("LABEL foo=bar thing=star").dump(),
        "(label \"foo\" \"bar\" \"=\" \"thing\" \"star\" \"=\")"
    );
    let parsed = parse("ENV foo");
    assert_eq!(errors(&parsed)[0].message, "ENV must have two arguments");
    assert_eq!(errors(&parsed)[0].code, "SD0002");
    let parsed = parse("LABEL a=b c");
    assert_eq!(errors(&parsed)[0].code, "SD0009");
    assert_eq!(
        errors(&parsed)[0].message,
        "syntax error - can't find = in \"c\". Must be of the form: name=value"
    );
    // The spans of a triple point at the key, the value and the `=`.
    let text = "ENV key=value";
    let env = &ok(text).instructions[0];
    let spans: Vec<_> = env
        .args
        .iter()
        .map(|w| &text[w.span.start..w.span.end])
        .collect();
    assert_eq!(spans, ["key", "value", "="]);
}

#[test]
fn json_arrays_of_strings() {
    let valid: [(&str, &[&str]); 8] = [
        ("[]", &[]),
        ("[\"\"]", &[""]),
        ("[\"a\"]", &["a"]),
        ("[\"a\",\"b\"]", &["a", "b"]),
        ("[ \"a\", \"b\" ]", &["a", "b"]),
        ("[\t\"a\",\t\"b\"\t]", &["a", "b"]),
        ("\t[\t\"a\",\t\"b\"\t]\t", &["a", "b"]),
        (
            "[\"abc 123\", \"♥\", \"☃\", \"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0000\"]",
            &["abc 123", "♥", "☃", "\" \\ / \u{8} \u{c} \n \r \t \u{0}"],
        ),
    ];
    for (json, want) in valid {
        let ast = ok(&format!("CMD {json}"));
        let cmd = &ast.instructions[0];
        assert_eq!(cmd.form, ArgForm::Json, "{json}");
        let got: Vec<_> = cmd.args.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(got, want, "{json}");
    }
    let invalid = [
        "[\"a\",42,\"b\"]",
        "[\"a\",123.456,\"b\"]",
        "[\"a\",{},\"b\"]",
        "[\"a\",{\"c\": \"d\"},\"b\"]",
        "[\"a\",[\"c\"],\"b\"]",
        "[\"a\",true,\"b\"]",
        "[\"a\",false,\"b\"]",
        "[\"a\",null,\"b\"]",
    ];
    for json in invalid {
        let text = format!("RUN {json}");
        let parsed = parse(&text);
        let errs = errors(&parsed);
        assert_eq!(errs.len(), 1, "{json}");
        assert_eq!(errs[0].code, "SD0003");
        let bad = &text[errs[0].span.start..errs[0].span.end];
        assert!([
            "42",
            "123.456",
            "{}",
            "{\"c\": \"d\"}",
            "[\"c\"]",
            "true",
            "false",
            "null"
        ]
        .contains(&bad));
    }
    // Not JSON at all (syntax, single quotes, range): the shell form.
    for text in [
        "[\"a\"] x",
        "['a']",
        "[\"a\", 1e999]",
        "[\"a\",]",
        "[\"\\x\"]",
        "[01]",
    ] {
        let ast = ok(&format!("CMD {text}"));
        assert_eq!(ast.instructions[0].form, ArgForm::Plain, "{text}");
        assert_eq!(ast.instructions[0].args[0].text, text);
    }
    // Surrogates: a pair decodes, a lone one is U+FFFD.
    assert_eq!(
        ok(r#"CMD ["\ud83d\ude00", "\ud83d", "\ude00x"]"#).dump(),
        "(cmd \"😀\" \"\u{fffd}\" \"\u{fffd}x\")"
    );
}

#[test]
fn empty_continuation_lines_warn_once_per_instruction() {
    let text = "
FROM alpine:3.6

RUN valid \\
    continuation

RUN something \\

    following \\

    more

RUN another \\

    thing

RUN non-indented \\
# this is a comment
   after-comment

RUN indented \\
    # this is an indented comment
    comment
\t";
    let parsed = parse(text);
    assert!(errors(&parsed).is_empty());
    let warns = warnings(&parsed);
    assert_eq!(warns.len(), 2, "{warns:#?}");
    assert!(warns[0]
        .message
        .contains("empty continuation line found in"));
    assert!(warns[0]
        .message
        .contains("RUN something     following     more"));
    assert!(warns[1].message.contains("RUN another     thing"));
    assert_eq!(warns[0].code, "SD0007");
    assert_eq!(warns[0].span.line, 8);
}

#[test]
fn scanner_limit_is_an_error() {
    let label = "a".repeat(65_536);
    let parsed = parse(&format!("\n\t\tFROM image\n\t\tLABEL test={label}\n"));
    let errs = errors(&parsed);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].message,
        "dockerfile line greater than max allowed size of 65535"
    );
    assert_eq!(errs[0].code, "SD0008");
    assert_eq!(errs[0].span.line, 3);
    // 65535 bytes (without the newline) is still fine, with or without a final newline.
    let line = format!("RUN {}", "b".repeat(65_531));
    assert!(errors(&parse(&line)).is_empty());
    assert!(errors(&parse(&format!("{line}\n"))).is_empty());
    assert_eq!(errors(&parse(&format!("{line}b"))).len(), 1);
}

// ---------------------------------------------------------------------------------------------------
// strata's own cases: dump shapes, directives, spans.
// ---------------------------------------------------------------------------------------------------

#[test]
fn dump_shapes() {
    assert_eq!(
        ok("ONBUILD RUN [\"echo\", \"test\"]").dump(),
        "(onbuild (run \"echo\" \"test\"))"
    );
    assert_eq!(
        ok("onbuild copy . /").dump(),
        "(onbuild (copy \".\" \"/\"))"
    );
    assert_eq!(ok("CMD").dump(), "(cmd)");
    assert_eq!(ok("ONBUILD").dump(), "(onbuild)");
    assert_eq!(ok("HEALTHCHECK").dump(), "(healthcheck)");
    assert_eq!(ok("FOO bar").dump(), "(foo \"\")");
    assert_eq!(ok("FOO").dump(), "(foo \"\")");
    assert_eq!(
        ok("FROM a\nFOO bar baz").instructions[1].rest.text,
        "bar baz"
    );
    assert_eq!(ok("COPY -- foo /tmp/").dump(), "(copy \"foo\" \"/tmp/\")");
    assert_eq!(
        ok("ONBUILD --x=1 RUN --mount=type=cache,target=/c make").dump(),
        "(onbuild [\"--x=1\"] (run [\"--mount=type=cache,target=/c\"] \"make\"))"
    );
    assert_eq!(
        ok("COPY --chown=\"a b\" --x=c\\ d src dst").dump(),
        "(copy [\"--chown=a b\" \"--x=c d\"] \"src\" \"dst\")"
    );
    assert_eq!(
        ok("STOPSIGNAL SIGKILL\nSHELL [\"/bin/bash\", \"-c\"]\nMAINTAINER me <me@x>").dump(),
        "(stopsignal \"SIGKILL\")\n(shell \"/bin/bash\" \"-c\")\n(maintainer \"me <me@x>\")"
    );
    assert_eq!(
        ok("RUN echo \u{0}\u{7f}\u{a0}\u{200b}\u{1F600}é").dump(),
        "(run \"echo \\x00\\x7f\\u00a0\\u200b😀é\")"
    );
    assert_eq!(ok("RUN \\").dump(), "(run)");

    let workdir = ok("WORKDIR /app # x");
    let args: Vec<_> = workdir.instructions[0]
        .args
        .iter()
        .map(|w| w.text.as_str())
        .collect();
    assert_eq!(args, ["/app # x"]);
}

#[test]
fn directives_and_escape() {
    let text = "# syntax=docker/dockerfile:1\n# ESCAPE = `\n# check=skip=all\nFROM a\nRUN echo \\\\\nRUN one `\n two\n";
    let ast = ok(text);
    assert_eq!(ast.escape, '`');
    let names: Vec<_> = ast
        .directives
        .iter()
        .map(|d| (d.name.as_str(), d.value.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("syntax", "docker/dockerfile:1"),
            ("escape", "`"),
            ("check", "skip=all")
        ]
    );
    assert_eq!(ast.directives[1].span.line, 2);
    assert_eq!(
        ast.dump(),
        "(from \"a\")\n(run \"echo \\\\\\\\\")\n(run \"one  two\")"
    );

    // Only at the top: after an ordinary comment or a blank line, a directive is a comment.
    assert!(ok("# hello\n# escape=`\nFROM a").directives.is_empty());
    assert!(ok("\n# escape=`\nFROM a").directives.is_empty());

    let parsed = parse("# escape=x\nFROM a");
    assert_eq!(errors(&parsed)[0].code, "SD0005");
    assert_eq!(
        errors(&parsed)[0].message,
        "invalid escape token 'x' does not match ` or \\"
    );
    let parsed = parse("# syntax=a\n# syntax=b\nFROM a");
    assert_eq!(errors(&parsed)[0].code, "SD0006");
    assert_eq!(
        errors(&parsed)[0].message,
        "only one syntax parser directive can be used"
    );
}

#[test]
fn crlf_and_bom() {
    let text = "\u{feff}# escape=`\r\nFROM a\r\nRUN one `\r\n  two\r\n";
    let ast = ok(text);
    assert_eq!(ast.escape, '`');
    assert_eq!(ast.dump(), "(from \"a\")\n(run \"one   two\")");
    let from = &ast.instructions[0];
    assert_eq!(
        (
            from.keyword.span.line,
            from.keyword.span.col,
            from.keyword.span.start
        ),
        (2, 1, 15)
    );
    assert_eq!(&text[from.span.start..from.span.end], "FROM a");
    let run = &ast.instructions[1];
    assert_eq!(&text[run.span.start..run.span.end], "RUN one `\r\n  two");
    assert_eq!(run.original, "RUN one   two");
}

#[test]
fn spans_point_at_the_source() {
    let text = "FROM alpine AS base\nRUN apt-get update \\\n    # a comment\n\n    && apt-get install -y curl\nCOPY [\"a b\", \"/dst/\"]\n  ENV A=1 \\\n  B=\"two words\"\n";
    let parsed = parse(text);
    assert!(errors(&parsed).is_empty());
    let ast = parsed.ast;
    let src = |s: strata_dockerfile::Span| &text[s.start..s.end];

    let from = &ast.instructions[0];
    assert_eq!(src(from.keyword.span), "FROM");
    assert_eq!(
        from.args.iter().map(|w| src(w.span)).collect::<Vec<_>>(),
        ["alpine", "AS", "base"]
    );

    let run = &ast.instructions[1];
    assert_eq!((run.start_line, run.end_line), (2, 5));
    assert_eq!(
        run.rest.text,
        "apt-get update     && apt-get install -y curl"
    );
    // The single shell-form argument spans from its first to its last character, across lines.
    assert_eq!((run.args[0].span.line, run.args[0].span.col), (2, 5));
    assert_eq!(
        (run.args[0].span.end_line, run.args[0].span.end_col),
        (5, 31)
    );

    let copy = &ast.instructions[2];
    assert_eq!(
        copy.args.iter().map(|w| src(w.span)).collect::<Vec<_>>(),
        ["\"a b\"", "\"/dst/\""]
    );

    // A keyword after a continuation line, indented.
    let env = &ast.instructions[3];
    assert_eq!((env.keyword.span.line, env.keyword.span.col), (7, 3));
    assert_eq!(src(env.args[4].span), "\"two words\"");
    assert_eq!((env.args[4].span.line, env.args[4].span.col), (8, 5));
    assert_eq!((ast.start_line, ast.end_line), (1, 8));

    // Columns count characters, not bytes.
    let text = "LABEL é=ü x=y";
    let ast = ok(text);
    let x = &ast.instructions[0].args[3];
    assert_eq!((x.text.as_str(), x.span.col), ("x", 11));
}

// ---------------------------------------------------------------------------------------------------
// Robustness: never panic, whatever the input.
// ---------------------------------------------------------------------------------------------------

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn survive(text: &str) {
    let parsed = parse(text);
    let _ = parsed.ast.dump();
    for d in &parsed.diagnostics {
        assert!(d.span.start <= d.span.end && d.span.end <= text.len());
        assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
    }
    // Line and column numbers agree with the public LineIndex (checked on small inputs only: LineIndex
    // counts columns from the line start each time).
    let index = (text.len() < 4_096).then(|| LineIndex::new(text));
    let mut stack: Vec<&Instruction> = parsed.ast.instructions.iter().collect();
    while let Some(i) = stack.pop() {
        let words = std::iter::once(&i.keyword)
            .chain(&i.flags)
            .chain(&i.args)
            .chain(std::iter::once(&i.rest))
            .map(|w| w.span);
        let spans = words
            .chain(std::iter::once(i.span))
            .chain(i.heredocs.iter().map(|h| h.span));
        for span in spans {
            assert!(span.start <= span.end && span.end <= text.len(), "{span:?}");
            assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "{span:?}"
            );
            if let Some(index) = &index {
                assert_eq!(index.span(text, span.start, span.end), span, "{text:?}");
            }
        }
        stack.extend(i.onbuild.as_deref());
    }
}

#[test]
fn hostile_inputs_do_not_panic() {
    let all_bytes: Vec<u8> = (0..=255u8).collect();
    let cases = vec![
        String::new(),
        "\\".into(),
        "[".into(),
        "RUN [".into(),
        "RUN [[[[[[[[[[[[[[[[[[[[[".into(),
        format!("RUN [{}", "[".repeat(20_000)),
        format!("CMD [\"a\", {}{}]", "[".repeat(10_001), "]".repeat(10_001)),
        "RUN \"unpaired 'quotes".into(),
        "ENV a=\"b c".into(),
        "ARG 'x".into(),
        "COPY --from=\"a /x /y".into(),
        "RUN <<EOF".into(),
        "RUN <<EOF\nbody\n".into(),
        "RUN <<\"EOF\nEOF".into(),
        "RUN <<${\nEOF".into(),
        "RUN <<${a:\nEOF".into(),
        "RUN <<${a/b\nEOF".into(),
        "RUN <<$".into(),
        "HEALTHCHECK \u{a0}\u{85}à CMD [\"x\"]".into(),
        "COPY --x=à\u{2800}b --y=\u{85}é src dst".into(),
        "\u{feff}".into(),
        "\u{feff}\u{feff}FROM a".into(),
        "# escape=`\n# escape=\\\n".into(),
        "ONBUILD".into(),
        "onbuild onbuild onbuild run x".into(),
        String::from_utf8_lossy(&all_bytes).into_owned(),
        all_bytes
            .iter()
            .map(|&b| format!("RUN {}\n", char::from(b)))
            .collect(),
        format!("RUN {}", "x".repeat(10 * 1024 * 1024)),
        format!("RUN a{}", " \\\n".repeat(100_000)),
        format!("RUN a{}", "\\\n\n".repeat(50_000)),
        format!("{}RUN x", "ONBUILD ".repeat(10_000)),
        format!("ENV {}", "a=b ".repeat(100_000)),
        format!("RUN {}", "<<A ".repeat(10_000)),
        format!("LABEL {}", "é ".repeat(200_000)),
    ];
    for case in &cases {
        survive(case);
    }
    let many = parse(&format!("RUN {}", "<<A ".repeat(10_000)));
    assert_eq!(
        errors(&many).len(),
        1,
        "one unterminated heredoc is reported, not ten thousand"
    );
    let deep = parse(&format!("{}RUN x", "ONBUILD ".repeat(10_000)));
    assert!(errors(&deep).iter().any(|d| d.code == "SD0011"));

    let alphabet: Vec<char> =
        "RUN COPY ONBUILD ENV ARG FROM <<EOF -- = [ ] { } \" ' \\ ` $ { } # \n \r \t é \u{a0} \u{85} 0".chars().collect();
    let mut rng = Rng(0x5eed);
    for _ in 0..2_000 {
        let len = (rng.next() % 80) as usize;
        let text: String = (0..len)
            .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize])
            .collect();
        survive(&text);
    }
}
