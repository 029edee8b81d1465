//! Unit tests of the crate's cross-module invariants; they run natively and, under wasm-bindgen-test, in
//! Node and headless Chromium.

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn rule_codes_are_unique_and_well_formed() {
    let rules = crate::rules();
    for pair in rules.windows(2) {
        assert_ne!(pair[0].code, pair[1].code, "duplicate rule code");
    }
    for r in &rules {
        assert!(
            r.code.len() == 6 && r.code.starts_with("SD"),
            "bad code {}",
            r.code
        );
        assert!(
            r.code[2..].bytes().all(|b| b.is_ascii_digit()),
            "bad code {}",
            r.code
        );
        assert!(
            !r.summary.is_empty() && !r.explanation.is_empty(),
            "{} lacks docs",
            r.code
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn line_index_maps_offsets_to_lines_and_char_columns() {
    let text = "FROM a\r\nRUN é x\nCMD";
    let idx = crate::LineIndex::new(text);
    assert_eq!(idx.line_col(text, 0), (1, 1));
    assert_eq!(idx.line_col(text, 8), (2, 1));
    // `x` is after a two-byte character: byte 15, column 7.
    assert_eq!(idx.line_col(text, 15), (2, 7));
    assert_eq!(idx.line_col(text, text.len()), (3, 4));
    assert_eq!(idx.line_range(text, 1), Some((0, 6)));
    assert_eq!(idx.line_range(text, 4), None);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn render_points_at_the_span_with_help() {
    let text = "FROM busybox\nWORKDIR /app # x\n";
    let idx = crate::LineIndex::new(text);
    let start = text.find('#').unwrap();
    let d = crate::Diagnostic::warning(
        "SD0100",
        idx.span(text, start, start + 3),
        "a comment that is not one",
    )
    .with_help("put the comment on its own line");
    let out = crate::render("Dockerfile", text, &[d]);
    assert_eq!(
        out,
        "Dockerfile:2:14: warning[SD0100]: a comment that is not one\n  |\n2 | WORKDIR /app # x\n  |              ^^^\n  = help: put the comment on its own line\n"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn render_survives_spans_past_the_text() {
    let d = crate::Diagnostic::error(
        "SD0001",
        crate::Span {
            start: 99,
            end: 120,
            line: 40,
            col: 3,
            end_line: 41,
            end_col: 1,
        },
        "out of range",
    );
    let out = crate::render("Dockerfile", "FROM a\n", &[d]);
    assert!(out.starts_with("Dockerfile:40:3: error[SD0001]: out of range\n"));
}
