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

const TUTORIAL: &str = "FROM busybox\nRUN mkdir /sanchuang\nRUN touch /sanchuang/f{1..10}.txt\n\
                        RUN rm -rf /sanchuang/f1.txt\nCMD [\"/bin/sh\"]";

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_tutorial_builds_four_layers_and_rebuilds_from_the_cache() {
    use crate::build::{Change, LineKind, Session};
    let mut session = Session::new();
    let v = session.build(TUTORIAL, 1_700_000_000_000.0);
    assert!(v.error.is_none(), "{:?}", v.error);
    assert_eq!(v.layers.len(), 4);
    assert!(v
        .log
        .iter()
        .any(|l| l.text == "#2 [2/4] RUN mkdir /sanchuang"));
    assert!(v
        .log
        .iter()
        .any(|l| l.kind == LineKind::Done && l.text.starts_with("#2 DONE (cache miss: ")));
    assert!(v.layers[2]
        .created_by
        .contains("touch /sanchuang/f{1..10}.txt"));
    let touched = &v.layers[2].entries;
    assert!(touched
        .iter()
        .any(|e| e.path == "/sanchuang/f{1..10}.txt" && e.change == Change::Added));
    assert_eq!(v.history.len(), 5);
    assert!(v.history[0].created_by.contains("CMD [\"/bin/sh\"]"));
    assert_eq!(v.history[0].image.len(), 12);
    assert_eq!(v.history[1].image, "<missing>");

    let again = session.build(TUTORIAL, 1_700_000_001_000.0);
    assert_eq!((again.ran, again.cached), (0, 3));
    assert!(
        again
            .log
            .iter()
            .filter(|l| l.kind == LineKind::Cached)
            .count()
            == 3
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_whiteout_is_shown_as_its_tar_entry() {
    use crate::build::{Change, Session};
    let text = "FROM busybox\nRUN mkdir /d && touch /d/f1.txt /d/f2.txt\nRUN rm /d/f1.txt\n";
    let v = Session::new().build(text, 0.0);
    assert!(v.error.is_none(), "{:?}", v.error);
    let deleted: Vec<_> = v.layers[2]
        .entries
        .iter()
        .filter(|e| e.change == Change::Deleted)
        .collect();
    assert_eq!(deleted.len(), 1, "{:?}", v.layers[2].entries);
    assert_eq!(deleted[0].path, "/d/f1.txt");
    assert_eq!(deleted[0].tar_name, "d/.wh.f1.txt");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_failed_build_points_at_its_line() {
    use crate::build::Session;
    let text = "FROM busybox\nRUN mkdir /x\nRUN nosuchcommand\n";
    let v = Session::new().build(text, 0.0);
    let e = v.error.expect("the build fails");
    let at = e.at.expect("the error has a place");
    assert_eq!((at.line, at.col), (3, 1));
    assert_eq!(
        at.sel_start,
        utf16_offset(text, text.find("RUN nosuch").unwrap())
    );
    assert!(v.layers.is_empty());
    assert!(v.log.iter().any(|l| l.text == "#3 ERROR"), "{:?}", v.log);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sizes_read_like_docker_history() {
    use crate::build::human_size;
    assert_eq!(human_size(0), "0B");
    assert_eq!(human_size(12), "12B");
    assert_eq!(human_size(2_100_000), "2.1MB");
    assert_eq!(human_size(1_985_000), "1.99MB");
    assert_eq!(human_size(4_861_000), "4.86MB");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_build_is_current_only_for_the_text_it_built() {
    use std::rc::Rc;

    use crate::build::BuildView;
    let s = State::new();
    let text = s.text.clone();
    let built = s.apply(Action::Built {
        text: text.clone(),
        view: Rc::new(BuildView::default()),
        ms: 3,
    });
    assert!(built.build_current && built.build.is_some());
    let edited = built.apply(Action::Edit(format!("{text}\n")));
    assert!(!edited.build_current && edited.build.is_some());
    let late = edited.apply(Action::Built {
        text,
        view: Rc::new(BuildView::default()),
        ms: 3,
    });
    assert!(!late.build_current);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn modelled_packages_are_labelled_notes_in_the_log() {
    use crate::build::{LineKind, Session};
    let v = Session::new().build("FROM alpine\nRUN apk add --no-cache curl\n", 0.0);
    assert!(v.error.is_none(), "{:?}", v.error);
    let notes: Vec<_> = v.log.iter().filter(|l| l.kind == LineKind::Note).collect();
    assert!(
        notes
            .iter()
            .any(|l| l.text.starts_with("#2 [strata] modelled")),
        "{:?}",
        v.log
    );
}
