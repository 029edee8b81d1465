//! Unit tests of the crate's cross-module invariants.

#[test]
fn rule_codes_are_unique_and_well_formed() {
    let rules = crate::rules();
    for pair in rules.windows(2) {
        assert_ne!(pair[0].code, pair[1].code, "duplicate rule code");
    }
    for r in &rules {
        assert!(r.code.len() == 6 && r.code.starts_with("SD"), "bad code {}", r.code);
        assert!(r.code[2..].bytes().all(|b| b.is_ascii_digit()), "bad code {}", r.code);
        assert!(!r.summary.is_empty() && !r.explanation.is_empty(), "{} lacks docs", r.code);
    }
}
