//! Fuzz the whole front end: parse, dump, lower, lint and render must never panic on any input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = strata_dockerfile::parse(&text);
    let _ = parsed.ast.dump();
    let diagnostics = strata_dockerfile::lint::check(&text);
    let _ = strata_dockerfile::render("Dockerfile", &text, &diagnostics);
    // Expansion of every word the tree holds.
    let lexer = strata_dockerfile::shell::Lexer::new(parsed.ast.escape);
    let env: Vec<(String, String)> = vec![("A".into(), "1".into())];
    for ins in &parsed.ast.instructions {
        for w in &ins.args {
            let _ = lexer.process_words(&w.text, &env);
        }
    }
});
