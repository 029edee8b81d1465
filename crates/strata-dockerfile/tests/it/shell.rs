//! Tests: shell. BuildKit's corpora for word expansion (read exactly as `lex_test.go` reads them), then
//! strata's own cases for the options, `variables` and robustness.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use strata_dockerfile::shell::{Env, Expansion, Lexer, Operator, VarRef, MAX_DEPTH};

use crate::conformance_dir;

fn corpus(name: &str) -> String {
    let path = conformance_dir().join("buildkit-shell").join(name);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn report(suite: &str, run: usize, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{suite}: {} of {run} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// TestShellParser4EnvVars: every `A` and `U` line (a non-Windows run).
#[test]
fn buildkit_env_var_test() {
    let text = corpus("envVarTest");
    let env: Vec<(String, String)> = [
        ("PWD", "/home"),
        ("SHELL", "bash"),
        ("KOREAN", "한국어"),
        ("NULL", ""),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let lexer = Lexer::new('\\');
    let (mut run, mut skipped) = (0, 0);
    let mut failures = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let lineno = n + 1;
        if line.starts_with('#') {
            continue;
        }
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('|').collect();
        assert_eq!(
            fields.len(),
            3,
            "line {lineno}: {line:?} must have 3 fields"
        );
        let (platform, source, expected) = (fields[0].trim(), fields[1].trim(), fields[2].trim());
        match platform {
            "A" | "U" => {}
            "W" => {
                skipped += 1;
                continue;
            }
            other => panic!("line {lineno}: invalid platform {other:?}"),
        }
        run += 1;
        match (lexer.process_word(source, &env), expected) {
            (Err(_), "error") => {}
            (Ok(got), "error") => failures.push(format!(
                "line {lineno}: {source:?}: expected an error, got {got:?}"
            )),
            (Ok(got), want) if got == want => {}
            (Ok(got), want) => failures.push(format!(
                "line {lineno}: {source:?}: expected {want:?}, got {got:?}"
            )),
            (Err(e), want) => failures.push(format!(
                "line {lineno}: {source:?}: expected {want:?}, got error {e}"
            )),
        }
    }
    report("envVarTest", run, &failures);
    assert_eq!(run, 228, "envVarTest: expected 228 A+U cases");
    assert_eq!(skipped, 2, "envVarTest: expected 2 W cases");
}

/// TestShellParser4Words (normal mode; see the corpus README for why the second mode reads nothing).
#[test]
fn buildkit_words_test() {
    let text = corpus("wordsTest");
    let lexer = Lexer::new('\\');
    let mut env: Vec<String> = Vec::new();
    let mut run = 0;
    let mut failures = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let lineno = n + 1;
        if line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("ENV ") {
            env.push(rest.trim_start_matches(' ').to_owned());
            continue;
        }
        let fields: Vec<&str> = line.split('|').collect();
        assert_eq!(
            fields.len(),
            2,
            "line {lineno}: {line:?} must have exactly one |"
        );
        let input = fields[0].trim();
        let expected: Vec<&str> = fields[1].trim_start_matches(' ').split(',').collect();
        run += 1;
        let got = lexer
            .process_words(input, &env)
            .unwrap_or_else(|_| vec!["error".to_owned()]);
        if got != expected {
            failures.push(format!(
                "line {lineno}: {input:?}: expected {expected:?}, got {got:?}"
            ));
        }
    }
    report("wordsTest", run, &failures);
    assert_eq!(run, 24, "wordsTest: expected 24 cases");
    assert_eq!(env.len(), 4, "wordsTest: expected 4 ENV lines");
}

fn names(v: Option<&serde_json::Value>) -> BTreeSet<String> {
    match v {
        None | Some(serde_json::Value::Null) => BTreeSet::new(),
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .map(|s| s.as_str().expect("names are strings").to_owned())
            .collect(),
        Some(other) => panic!("bad name list {other}"),
    }
}

/// TestProcessWithMatches, transcribed to JSON.
#[test]
fn buildkit_process_with_matches() {
    let doc: serde_json::Value =
        serde_json::from_str(&corpus("derived-processwithmatches.json")).expect("valid JSON");
    let cases = doc["cases"].as_array().expect("cases");
    let lexer = Lexer::new('\\');
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let input = case["input"].as_str().expect("input");
        let env: BTreeMap<String, String> = case["envs"]
            .as_object()
            .expect("envs")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().expect("env value").to_owned()))
            .collect();
        let want_err = case
            .get("expectedErr")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        let got = lexer.process_word_with_matches(input, &env);
        let label = format!("case {i} {input:?} env {env:?}");
        match got {
            Err(e) if !want_err => failures.push(format!("{label}: unexpected error {e}")),
            Err(_) => {}
            Ok(x) if want_err => failures.push(format!("{label}: expected an error, got {x:?}")),
            Ok(Expansion {
                result,
                matched,
                unmatched,
            }) => {
                let want = case["expected"].as_str().expect("expected");
                let want_matched = names(case.get("matches"));
                let want_unmatched = names(case.get("unmatched"));
                if result != want || matched != want_matched || unmatched != want_unmatched {
                    failures.push(format!(
                        "{label}: expected {want:?} matched {want_matched:?} unmatched {want_unmatched:?}, \
                         got {result:?} matched {matched:?} unmatched {unmatched:?}"
                    ));
                }
            }
        }
    }
    report("processwithmatches", cases.len(), &failures);
    assert_eq!(cases.len(), 47, "processwithmatches: expected 47 cases");
}

fn env() -> BTreeMap<String, String> {
    [
        ("A", "a"),
        ("B", "b c"),
        ("EMPTY", ""),
        ("PATH", "/usr/local/bin:/usr/bin:/bin"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn word(lexer: &Lexer, w: &str) -> String {
    lexer
        .process_word(w, &env())
        .unwrap_or_else(|e| format!("ERR {}", e.reason))
}

#[test]
fn buildkit_mandatory_env_vars() {
    // TestShellParserMandatoryEnvVars.
    let lexer = Lexer::new('\\');
    let set = vec!["VAR=plain", "ARG=x"];
    let empty = vec!["VAR=", "ARG=x"];
    let unset = vec!["ARG=x"];
    let no_empty = "${VAR:?message here$ARG}";
    let no_unset = "${VAR?message here$ARG}";
    assert_eq!(lexer.process_word(no_empty, &set).unwrap(), "plain");
    assert!(lexer
        .process_word(no_empty, &empty)
        .unwrap_err()
        .message
        .contains("message herex"));
    assert!(lexer
        .process_word(no_empty, &unset)
        .unwrap_err()
        .message
        .contains("message herex"));
    assert_eq!(lexer.process_word(no_unset, &set).unwrap(), "plain");
    assert_eq!(lexer.process_word(no_unset, &empty).unwrap(), "");
    assert!(lexer
        .process_word(no_unset, &unset)
        .unwrap_err()
        .message
        .contains("message herex"));
}

#[test]
fn buildkit_matches_platform() {
    // TestProcessWithMatchesPlatform.
    let release =
        "something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz";
    let lexer = Lexer::new('\\');
    let mut env = BTreeMap::from([
        ("VERSION", "v1.2.3"),
        ("TARGETOS", "linux"),
        ("TARGETARCH", "arm"),
    ]);
    env.insert("TARGETVARIANT", "v7");
    let x = lexer.process_word_with_matches(release, &env).unwrap();
    assert_eq!(x.result, "something-v1.2.3.linux-arm-v7.tar.gz");
    assert_eq!(x.matched.len(), 4);
    env.remove("TARGETVARIANT");
    let x = lexer.process_word_with_matches(release, &env).unwrap();
    assert_eq!(x.result, "something-v1.2.3.linux-arm.tar.gz");
    assert_eq!(x.unmatched, BTreeSet::from(["TARGETVARIANT".to_owned()]));
}

#[test]
fn error_messages_are_buildkits() {
    let lexer = Lexer::new('\\');
    let err = |w: &str| lexer.process_word(w, &env()).unwrap_err();
    let e = err("${X:?}");
    assert_eq!(
        e.message,
        r#"failed to process "${X:?}": X: is not allowed to be unset"#
    );
    assert_eq!(e.reason, "X: is not allowed to be unset");
    assert_eq!(e.offset, 0);
    assert_eq!(
        err("a${EMPTY:?}").reason,
        "EMPTY: is not allowed to be empty"
    );
    assert_eq!(err("a${EMPTY:?}").offset, 1);
    assert_eq!(err("${X?set it}").reason, "X: set it");
    assert_eq!(err("${}").reason, "syntax error: bad substitution");
    assert_eq!(err("x${").reason, "syntax error: missing '}'");
    assert_eq!(err("${a:-b").reason, "syntax error: missing '}'");
    assert_eq!(err("${a:-${b:?boom}}").reason, "b: boom");
    assert_eq!(err("${a:-${b:?boom}").reason, "syntax error: missing '}'");
    assert_eq!(
        err("${A=x}").reason,
        "unsupported modifier (=) in substitution"
    );
    assert_eq!(
        err("${A:=x}").reason,
        "unsupported modifier (:=) in substitution"
    );
    assert_eq!(
        err("${A:x}").reason,
        "unsupported modifier (:x) in substitution"
    );
    assert_eq!(
        err("${A:#x}").reason,
        "unsupported modifier (:#) in substitution"
    );
    assert_eq!(err("${A:#x}").offset, 3);
    assert_eq!(
        err("${A").reason,
        "unsupported modifier (\u{fffd}) in substitution"
    );
    assert_eq!(err("${A/x").reason, "syntax error: missing '/' in ${}");
    assert_eq!(err("${A/x/").reason, "syntax error: missing '}'");
    assert_eq!(
        err("${A#\\x}").reason,
        "invalid pattern (\\x) in substitution: invalid escape '\\x'"
    );
    assert_eq!(
        err("ab 'cd").reason,
        "unexpected end of statement while looking for matching single-quote"
    );
    assert_eq!(err("ab 'cd").offset, 3);
    assert_eq!(
        err("\"cd").reason,
        "unexpected end of statement while looking for matching double-quote"
    );
    let e = err("a\n\"b");
    assert_eq!(e.message, "failed to process \"a\\n\\\"b\": unexpected end of statement while looking for matching double-quote");
    assert_eq!(e.to_string(), e.message);
}

#[test]
fn modifiers() {
    let l = Lexer::new('\\');
    assert_eq!(word(&l, "${PATH#*:}"), "/usr/bin:/bin");
    assert_eq!(word(&l, "${PATH##*:}"), "/bin");
    assert_eq!(word(&l, "${PATH%:*}"), "/usr/local/bin:/usr/bin");
    assert_eq!(word(&l, "${PATH%%:*}"), "/usr/local/bin");
    assert_eq!(
        word(&l, "${PATH/bin/sbin}"),
        "/usr/local/sbin:/usr/bin:/bin"
    );
    assert_eq!(
        word(&l, "${PATH//bin/sbin}"),
        "/usr/local/sbin:/usr/sbin:/sbin"
    );
    assert_eq!(word(&l, "${PATH//:/ }"), "/usr/local/bin /usr/bin /bin");
    // `$0` in the operand is expanded by the lexer (to nothing) ...
    assert_eq!(word(&l, "${A//?/[$0]}"), "[]");
    // ... but one coming from a value reaches Go's ReplaceAllString, which expands it; the first-match form
    // inserts the replacement literally.
    let mut e = env();
    e.insert("R".into(), "[$0]".into());
    assert_eq!(
        l.process_word("${PATH//bin/$R}", &e).unwrap(),
        "/usr/local/[bin]:/usr/[bin]:/[bin]"
    );
    assert_eq!(
        l.process_word("${PATH/bin/$R}", &e).unwrap(),
        "/usr/local/[$0]:/usr/bin:/bin"
    );
    assert_eq!(
        word(&l, "${EMPTY-x}|${EMPTY:-x}|${EMPTY+y}|${EMPTY:+y}"),
        "|x|y|"
    );
    assert_eq!(word(&l, "${B:+\"q ${A}\"}"), "q a");
}

#[test]
fn process_words_splits_after_expansion() {
    let l = Lexer::new('\\');
    let words = |w: &str| l.process_words(w, &env()).unwrap();
    assert_eq!(words("x $B y"), ["x", "b", "c", "y"]);
    assert_eq!(words("x \"$B\" y"), ["x", "b c", "y"]);
    assert_eq!(words("x\\ $B"), ["x b", "c"]);
    assert_eq!(words("x\\  $B"), ["x ", "b", "c"]);
    assert_eq!(words("\"\""), Vec::<String>::new());
    assert_eq!(words("pre${NOPE:-mid}post"), ["premidpost"]);
    assert_eq!(words("80 ${NOPE:-443 8080}"), ["80", "443", "8080"]);
    assert!(words("").is_empty());
}

#[test]
fn option_raw_quotes() {
    let l = Lexer {
        raw_quotes: true,
        ..Lexer::new('\\')
    };
    assert_eq!(word(&l, "'$A' \"$A\" x"), "'$A' \"a\" x");
    assert_eq!(l.process_words("'a b' c", &env()).unwrap(), ["'a b'", "c"]);
}

#[test]
fn option_raw_escapes() {
    let l = Lexer {
        raw_escapes: true,
        ..Lexer::new('\\')
    };
    assert_eq!(word(&l, "a\\ b\\$A"), "a\\ b\\$A");
    // Inside double quotes the escape is kept, and doubled before a character it does not escape.
    assert_eq!(word(&l, "\"\\$A\\t\""), "\\$A\\\\t");
}

#[test]
fn option_skip_unset_env() {
    let l = Lexer {
        skip_unset_env: true,
        ..Lexer::new('\\')
    };
    assert_eq!(word(&l, "$A $NOPE ${NOPE}"), "a $NOPE ${NOPE}");
    assert_eq!(
        word(&l, "${NOPE:-x} ${NOPE+y} ${EMPTY:-z}"),
        "${NOPE:-x} ${NOPE+y} z"
    );
    assert_eq!(word(&l, "${NOPE//a/b}"), "${NOPE/a/b}");
    // Like BuildKit, unset variables with `?` are kept rather than refused.
    assert_eq!(word(&l, "${NOPE:?}"), "${NOPE:?}");
}

#[test]
fn option_skip_process_quotes() {
    let l = Lexer {
        skip_process_quotes: true,
        ..Lexer::new('\\')
    };
    assert_eq!(word(&l, "'$A' \"$B\""), "'a' \"b c\"");
    assert_eq!(word(&l, "it's"), "it's");
}

#[test]
fn option_backtick_escape() {
    let l = Lexer::new('`');
    assert_eq!(word(&l, "C:\\dir\\$A"), "C:\\dir\\a");
    assert_eq!(word(&l, "`$A `` x"), "$A ` x");
    assert_eq!(word(&l, "\"`\"`$A``\\\""), "\"$A`\\");
    // Patterns keep the escape character; their own escape is always a backslash.
    assert_eq!(word(&l, "${A#`a}"), "a");
    assert_eq!(word(&l, "${A#\\*}"), "a");
    assert_eq!(word(&l, "end`"), "end");
}

#[test]
fn unicode_names() {
    let l = Lexer::new('\\');
    let env = BTreeMap::from([("naïve", "1"), ("नम", "2"), ("x", "3")]);
    assert_eq!(l.process_word("$naïve.", &env).unwrap(), "1.");
    // U+094D (a combining virama) is not a letter for Go, so the name stops before it.
    assert_eq!(l.process_word("$नम\u{94d}", &env).unwrap(), "2\u{94d}");
    // A superscript two is a number but not a decimal digit: no name.
    assert_eq!(l.process_word("$²", &env).unwrap(), "$²");
    // Arabic-Indic digits are decimal digits: a positional parameter.
    assert_eq!(l.process_word("$٣x", &env).unwrap(), "x");
    // A byte order mark at the very start is dropped, as Go's scanner does.
    assert_eq!(l.process_word("\u{feff}$x", &env).unwrap(), "3");
}

fn refs(w: &str) -> Vec<(String, std::ops::Range<usize>, Option<Operator>)> {
    Lexer::new('\\')
        .variables(w)
        .into_iter()
        .map(|r: VarRef| (r.name, r.span, r.operator))
        .collect()
}

#[test]
fn variables_lists_references() {
    let s = |n: &str| n.to_owned();
    assert_eq!(refs("a $B c"), [(s("B"), 2..4, None)]);
    assert_eq!(
        refs("${X:-$Y}-'$Z'\\$W\"$V\""),
        [
            (s("X"), 0..8, Some(Operator::Default { colon: true })),
            (s("Y"), 5..7, None),
            (s("V"), 17..19, None),
        ]
    );
    assert_eq!(
        refs("${P##*/}${Q%x}${R//a/$S}${T?}${U+1}"),
        [
            (s("P"), 0..8, Some(Operator::RemovePrefix { longest: true })),
            (
                s("Q"),
                8..14,
                Some(Operator::RemoveSuffix { longest: false })
            ),
            (s("R"), 14..24, Some(Operator::Replace { all: true })),
            (s("S"), 21..23, None),
            (s("T"), 24..29, Some(Operator::Required { colon: false })),
            (s("U"), 29..35, Some(Operator::Alternative { colon: false })),
        ]
    );
    // Values never matter: `?` does not fail, patterns are not compiled.
    assert_eq!(refs("${A:?}${B#\\x}").len(), 2);
    // A syntax error ends the list.
    assert_eq!(refs("$A ${} $B"), [(s("A"), 0..2, None)]);
    let v = &Lexer::new('\\').variables("x${名前:-d}")[0];
    assert_eq!(v.name, "名前");
    assert_eq!(v.name_span, 3..9);
    assert!(v.braced && v.has_default() && !v.is_special());
    assert!(Lexer::new('\\')
        .variables("$1 $@ ${#}")
        .iter()
        .all(VarRef::is_special));
    // Options apply: with a backtick escape, a backslash does not hide a reference.
    assert_eq!(Lexer::new('`').variables("\\$A `$B").len(), 1);
}

#[test]
fn env_implementations() {
    let l = Lexer::new('\\');
    let check = |env: &dyn Env| l.process_word("$K", env).unwrap();
    assert_eq!(check(&[("K", "1")]), "1");
    assert_eq!(
        check(&vec![
            ("K".to_owned(), "1".to_owned()),
            ("K".to_owned(), "2".to_owned())
        ]),
        "2"
    );
    assert_eq!(check(&vec!["K=1", "K=3"]), "3");
    assert_eq!(
        check(&std::collections::HashMap::from([(
            "K".to_owned(),
            "4".to_owned()
        )])),
        "4"
    );
    assert_eq!(check(&BTreeMap::from([("K", "5")])), "5");
    assert_eq!(check(&()), "");
}

#[test]
fn no_panic_on_odd_input() {
    let lexers = [
        Lexer::new('\\'),
        Lexer::new('`'),
        Lexer::new('$'),
        Lexer::new('}'),
        Lexer {
            raw_quotes: true,
            raw_escapes: true,
            skip_unset_env: true,
            skip_process_quotes: false,
            escape: '\\',
        },
        Lexer {
            skip_process_quotes: true,
            ..Lexer::new('\\')
        },
    ];
    let odd = [
        "",
        "$",
        "${",
        "${a",
        "${a:",
        "${a:-",
        "${a/",
        "${a//",
        "${a/b",
        "${a#",
        "${a%%",
        "\\",
        "'",
        "\"",
        "\"\\",
        "${a:-'",
        "${a:-\"",
        "$$$$",
        "${$}",
        "${@:-x}",
        "${}}",
        "${:}",
        "${a:}",
        "${a:}b}",
        "${#a}",
        "${!a}",
        "${A#\\}",
        "${A%\\}",
        "${A/\\",
        "${A//\\//}",
        "é$é${é}",
        "\u{feff}",
        "\u{feff}${A}",
        "a\u{0}b",
        "${A:-\u{10ffff}}",
        "${A#*\n*}",
        "${A%%\u{200b}}",
        "${PATH/*/$0}",
        "${PATH//}",
        "${PATH///}",
        "${PATH////}",
    ];
    for l in &lexers {
        for w in odd {
            let _ = l.process_word(w, &env());
            let _ = l.process_words(w, &env());
            let _ = l.process_word_with_matches(w, &env());
            let _ = l.variables(w);
        }
    }
}

#[test]
fn huge_inputs_are_fine() {
    let l = Lexer::new('\\');
    let big = "ab $A \"c\" 'd' \\e ".repeat(20_000);
    let out = l.process_word(&big, &env()).unwrap();
    assert_eq!(out.len(), "ab a c d e ".len() * 20_000);
    assert_eq!(l.process_words(&big, &env()).unwrap().len(), 5 * 20_000);
    // A long value through the pattern operators.
    let value: String = "x/".repeat(50_000);
    let env = BTreeMap::from([("V", value.as_str())]);
    assert_eq!(l.process_word("${V##*/}", &env).unwrap(), "");
    assert_eq!(l.process_word("${V%%/*}", &env).unwrap(), "x");
    assert_eq!(l.process_word("${V//\\//}", &env).unwrap().len(), 50_000);
    assert_eq!(
        l.process_word("${V//x}", &env).unwrap_err().reason,
        "syntax error: missing '/' in ${}"
    );
    assert_eq!(l.variables(&"$A".repeat(50_000)).len(), 50_000);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let l = Lexer::new('\\');
    let nest = |depth: usize| format!("{}x{}", "${a:-".repeat(depth), "}".repeat(depth));
    assert_eq!(l.process_word(&nest(MAX_DEPTH - 1), &env()).unwrap(), "x");
    assert_eq!(l.variables(&nest(MAX_DEPTH - 1)).len(), MAX_DEPTH - 1);
    for depth in [MAX_DEPTH, 10_000, 200_000] {
        let e = l.process_word(&nest(depth), &env()).unwrap_err();
        assert!(e.reason.contains("nested too deeply"), "{}", e.reason);
        let _ = l.variables(&nest(depth));
    }
    // Nesting through double quotes counts too.
    let quoted = format!("{}x{}", "${a:-\"".repeat(100_000), "\"}".repeat(100_000));
    assert!(l.process_word(&quoted, &env()).is_err());
    // Unterminated nesting.
    assert!(l.process_word(&"${a:-".repeat(100_000), &env()).is_err());
}
