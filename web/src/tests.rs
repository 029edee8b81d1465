//! Unit tests of the page's plain logic. They run natively, in Node and in headless Chromium
//! (`cargo xtask test`), because the same functions run in the browser.

use strata_dockerfile::{Diagnostic, Severity};

use crate::analysis::{
    analyze, line_count, line_marks, line_start_utf16, rows, summarize, utf16_offset, Summary,
};
use crate::examples::EXAMPLES;
use crate::state::{Action, State};

fn diag(severity: Severity, text: &str, start: usize, end: usize) -> Diagnostic {
    let span = strata_dockerfile::LineIndex::new(text).span(text, start, end);
    Diagnostic {
        code: "SD9999",
        severity,
        span,
        message: "test".to_string(),
        help: None,
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn utf16_offsets_count_code_units_not_bytes() {
    // "é" is 2 bytes and 1 unit; "😀" is 4 bytes and 2 units.
    let text = "aé😀b";
    assert_eq!(utf16_offset(text, 0), 0);
    assert_eq!(utf16_offset(text, 1), 1);
    assert_eq!(utf16_offset(text, 3), 2);
    assert_eq!(utf16_offset(text, 7), 4);
    assert_eq!(utf16_offset(text, 8), 5);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn utf16_offsets_never_panic_on_stale_spans() {
    let text = "aé";
    // Inside "é" counts as its start; past the end counts as the end.
    assert_eq!(utf16_offset(text, 2), 1);
    assert_eq!(utf16_offset(text, 99), 2);
    assert_eq!(utf16_offset("", 5), 0);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn line_starts_in_utf16() {
    let text = "FROM é\nRUN 😀\nCMD x";
    assert_eq!(line_start_utf16(text, 1), 0);
    assert_eq!(line_start_utf16(text, 2), 7);
    assert_eq!(line_start_utf16(text, 3), 14);
    assert_eq!(line_start_utf16(text, 9), 19);
    assert_eq!(line_count(text), 3);
    assert_eq!(line_count("FROM a\n"), 2);
    assert_eq!(line_count(""), 1);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn rows_select_the_span_in_utf16_and_sort_by_position() {
    let text = "FROM é\nRUN 😀 x\n";
    let second = text.find('x').unwrap();
    let diags = vec![
        diag(Severity::Warning, text, second, second + 1),
        diag(Severity::Error, text, 0, 4),
    ];
    let rows = rows(text, &diags);
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (
            rows[0].line,
            rows[0].col,
            rows[0].sel_start,
            rows[0].sel_end
        ),
        (1, 1, 0, 4)
    );
    assert_eq!(rows[0].severity, Severity::Error);
    // "FROM é\n" is 7 units, "RUN 😀 " is 7 more.
    assert_eq!(
        (
            rows[1].line,
            rows[1].col,
            rows[1].sel_start,
            rows[1].sel_end
        ),
        (2, 7, 14, 15)
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn counts_and_gutter_marks_keep_the_worst_severity() {
    let text = "FROM a\nRUN b\n";
    let diags = vec![
        diag(Severity::Warning, text, 7, 10),
        diag(Severity::Error, text, 8, 9),
        diag(Severity::Warning, text, 0, 4),
        diag(Severity::Info, text, 1, 2),
    ];
    let summary = summarize(2, &diags);
    assert_eq!(
        summary,
        Summary {
            instructions: 2,
            errors: 1,
            warnings: 2
        }
    );
    assert_eq!(summary.to_string(), "2 instructions, 1 error, 2 warnings");
    let marks = line_marks(&diags);
    assert_eq!(marks[&1].severity, Severity::Warning);
    assert_eq!(marks[&1].tooltip, "warning SD9999: test\ninfo SD9999: test");
    assert_eq!(marks[&2].severity, Severity::Error);
    assert_eq!(marks.len(), 2);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_misspelled_instruction_is_reported_on_its_line() {
    let text = "FROM alpine\nWORKDIR /app # x\nFORM debian\n";
    let a = analyze(text);
    assert_eq!(a.summary.instructions, 3);
    let row = a
        .problems
        .iter()
        .find(|r| r.line == 3)
        .expect("a problem on line 3");
    assert_eq!(row.severity, Severity::Error);
    assert_eq!(row.sel_start, line_start_utf16(text, 3));
    assert!(
        row.message.contains("FROM") || row.help.as_deref().unwrap_or("").contains("FROM"),
        "{row:?}"
    );
    // A `#` after an instruction is not a comment: the linter says so.
    assert!(a.problems.iter().any(|r| r.line == 2), "{:?}", a.problems);
    assert!(a.dump.contains("(workdir \"/app # x\")"), "{}", a.dump);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_example_parses_into_instructions() {
    for ex in EXAMPLES {
        let a = analyze(ex.text);
        assert!(
            a.summary.instructions > 0,
            "{} has no instructions",
            ex.name
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn edits_wait_for_analyze() {
    let s = State::new();
    assert!(s.analyzed && !s.edited);
    let s = s.apply(Action::Edit("FORM x\n".to_string()));
    assert!(!s.analyzed && s.edited);
    assert!(s
        .analysis
        .problems
        .iter()
        .all(|r| r.line != 1 || r.severity != Severity::Error));
    let s = s.apply(Action::Analyze);
    assert!(s.analyzed);
    assert!(s
        .analysis
        .problems
        .iter()
        .any(|r| r.line == 1 && r.severity == Severity::Error));
    let s = s.apply(Action::LoadExample(1));
    assert_eq!(s.text, EXAMPLES[1].text);
    assert!(s.analyzed && !s.edited);
}
