//! The core gives the same answers compiled to wasm32 as natively.
//!
//! BuildKit's corpus is compiled into this test binary (`include_str!` from `../shared/conformance`), so it
//! runs unchanged under `wasm-bindgen-test` in Node and headless Chromium (`cargo xtask test`), and natively
//! under `cargo test`. A missing corpus is a compile error here, which is as loud as it gets.

use strata_dockerfile::shell::Lexer;

macro_rules! corpus {
    ($($name:literal),* $(,)?) => {
        &[$((
            $name,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/conformance/buildkit-parser/testfiles/", $name, "/Dockerfile")),
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/conformance/buildkit-parser/testfiles/", $name, "/result")),
        )),*]
    };
}

const PARSER_CASES: &[(&str, &str, &str)] = corpus!(
    "ADD-COPY-with-JSON",
    "args",
    "brimstone-consuldock",
    "brimstone-docker-consul",
    "continue-at-eof",
    "continueIndent",
    "cpuguy83-nagios",
    "docker",
    "env",
    "escape",
    "escape-after-comment",
    "escape-nonewline",
    "escape-with-syntax",
    "escapes",
    "flags",
    "health",
    "influxdb",
    "jeztah-invalid-json-json-inside-string",
    "jeztah-invalid-json-json-inside-string-double",
    "jeztah-invalid-json-single-quotes",
    "jeztah-invalid-json-unterminated-bracket",
    "jeztah-invalid-json-unterminated-string",
    "json",
    "kartar-entrypoint-oddities",
    "lk4d4-the-edge-case-generator",
    "mail",
    "multiple-volumes",
    "mumble",
    "nginx",
    "tf2",
    "trailing-backslash",
    "weechat",
    "znc",
);

const ENV_VAR_TEST: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/conformance/buildkit-shell/envVarTest"
));

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn buildkit_parser_corpus_dumps_identically() {
    let mut failures = Vec::new();
    for (name, dockerfile, result) in PARSER_CASES {
        let parsed = strata_dockerfile::parse(dockerfile);
        let dump = format!("{}\n", parsed.ast.dump());
        if parsed.diagnostics.iter().any(|d| d.is_error()) || dump != *result {
            failures.push(*name);
        }
    }
    assert_eq!(PARSER_CASES.len(), 33);
    assert!(
        failures.is_empty(),
        "cases that differ from BuildKit: {failures:?}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn buildkit_env_var_expansion() {
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
    let (mut n, mut failures) = (0, Vec::new());
    for line in ENV_VAR_TEST.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.trim().split('|').map(str::trim).collect();
        let [platform, source, expected] = fields[..] else {
            panic!("bad line {line}")
        };
        if platform == "W" {
            continue;
        }
        n += 1;
        let got = lexer.process_word(source, &env);
        let ok = match (expected, &got) {
            ("error", Err(_)) => true,
            (want, Ok(got)) => want == got,
            _ => false,
        };
        if !ok {
            failures.push(format!("{source:?}: want {expected:?}, got {got:?}"));
        }
    }
    assert_eq!(n, 228);
    assert!(failures.is_empty(), "{failures:#?}");
}
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn lint_finds_the_comment_trap() {
    let diagnostics = strata_dockerfile::lint::check("FROM busybox:1.36\nWORKDIR /app # x\n");
    let d = diagnostics
        .iter()
        .find(|d| d.span.line == 2)
        .expect("a diagnostic on line 2");
    assert_eq!(d.span.col, 14, "{d:?}");
}
