//! The simulator's regex engine (`strata_sim::shell::regex`) against the `regex` crate it replaced: for many
//! generated POSIX expressions and texts, the same refusals, matches, iterations, splits and captures. Native
//! only (`regex` is a native dev-dependency); `tests/wasm.rs` runs the shell corpus on wasm32.
#![cfg(not(target_arch = "wasm32"))]

use strata_sim::shell::regex as re;

/// A small deterministic generator (xorshift).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const PIECES: &[&str] = &[
    "a",
    "b",
    "ab",
    ".",
    "*",
    "+",
    "?",
    "|",
    "(",
    ")",
    "\\(",
    "\\)",
    "\\|",
    "\\{2\\}",
    "{1,2}",
    "{2,}",
    "\\{0,1\\}",
    "[ab]",
    "[^a]",
    "[a-c]",
    "[[:alpha:]]",
    "[[:digit:]x]",
    "[]a]",
    "[^]-]",
    "^",
    "$",
    "\\w",
    "\\W",
    "\\s",
    "\\b",
    "\\<",
    "\\>",
    "x",
    " ",
    "é",
    "[é]",
    "\\.",
    "\\*",
    "-",
    "1",
    "A",
    "\\1",
    "{",
    "}",
    "[[:foo:]]",
    "a*",
    "(a|)",
    "\\{1,\\}",
    "[.]",
    "<",
    ">",
    "[<>]",
    "\t",
    "\n",
    "%",
    "~",
    "\\t",
    "[\t]",
];

const TEXTS: &[&str] = &[
    "",
    "a",
    "ab",
    "aab",
    "abab ba",
    "xaAbBx",
    "a.b*c",
    "foo bar_baz 12",
    "é and e",
    "line\nnext",
    "]]--[[",
    "{1,2}",
    "aaaaaaaaab",
    " a b ",
    "<a> b\tc~%",
];

fn spans(it: impl Iterator<Item = (usize, usize)>) -> Vec<(usize, usize)> {
    it.collect()
}

fn check(translated: &str, icase: bool) {
    let theirs = regex::bytes::RegexBuilder::new(translated)
        .unicode(false)
        .case_insensitive(icase)
        .size_limit(1 << 22)
        .build();
    let ours = re::build(translated, icase);
    let (theirs, ours) = match (theirs, ours) {
        (Ok(t), Ok(o)) => (t, o),
        (Err(_), Err(_)) => return,
        (t, o) => panic!(
            "{translated:?} (icase {icase}): regex {} it, ours {}",
            if t.is_ok() { "accepts" } else { "refuses" },
            if o.is_ok() { "accepts" } else { "refuses" }
        ),
    };
    assert_eq!(theirs.captures_len(), ours.captures_len(), "{translated:?}");
    for t in TEXTS {
        let hs = t.as_bytes();
        let ctx = format!("{translated:?} (icase {icase}) on {t:?}");
        assert_eq!(theirs.is_match(hs), ours.is_match(hs), "{ctx}");
        assert_eq!(
            spans(theirs.find_iter(hs).map(|m| (m.start(), m.end()))),
            spans(ours.find_iter(hs).map(|m| (m.start(), m.end()))),
            "{ctx}"
        );
        let a: Vec<&[u8]> = theirs.split(hs).collect();
        let b: Vec<&[u8]> = ours.split(hs).collect();
        assert_eq!(a, b, "{ctx}");
        let caps = |c: Option<regex::bytes::Captures<'_>>| {
            c.map(|c| {
                (0..c.len())
                    .map(|i| c.get(i).map(|m| (m.start(), m.end())))
                    .collect::<Vec<_>>()
            })
        };
        let ours_caps = |c: Option<re::Captures<'_>>| {
            c.map(|c| {
                (0..ours.captures_len())
                    .map(|i| c.get(i).map(|m| (m.start(), m.end())))
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            caps(theirs.captures(hs)),
            ours_caps(ours.captures(hs)),
            "{ctx}"
        );
        let a: Vec<_> = theirs.captures_iter(hs).map(|c| caps(Some(c))).collect();
        let b: Vec<_> = ours.captures_iter(hs).map(|c| ours_caps(Some(c))).collect();
        assert_eq!(a, b, "{ctx}");
    }
}

#[test]
fn generated_expressions_match_as_the_regex_crate_did() {
    let mut g = Gen(0x9E37_79B9_7F4A_7C15);
    for n in 0..6000 {
        let len = 1 + g.next() % 6;
        let pat: String = (0..len).map(|_| g.pick(PIECES)).collect();
        let ext = n % 2 == 0;
        let icase = n % 3 == 0;
        if let Ok(t) = re::translate(&pat, ext) {
            check(&t, icase);
            check(&format!("^(?:{t})"), icase);
            check(&format!("\\b(?:{t})\\b"), icase);
        }
    }
}

#[test]
fn written_expressions_match_as_the_regex_crate_did() {
    for p in [
        "a**",
        "a*+",
        "a*?",
        "a+?",
        "a??",
        "a{2}?",
        "a{2,3}?",
        "(a*)*",
        "(a*)+",
        "(a|ab)(c|bcd)(d*)",
        "(a+|b)*",
        "(a+|b){0,3}",
        "()*",
        "(^)*",
        "(a){0}b",
        "x{0}",
        "a{,3}",
        "a{}",
        "a{3,2}",
        "a{1,2,3}",
        "a{01}",
        "x{1000}{1000}",
        "x{100}{10}",
        "$^",
        "^*",
        "a||b",
        "(|a)",
        "[[:^alpha:]]",
        "[[:word:]]",
        "[a-]",
        "[-a]",
        "[\\-a]",
        "[z-a]",
        "[\\x41-\\x43]",
        "[^\\xC3\\xA9]",
        "\\x41",
        "(?:a|b)+c",
        "((a)|b)+",
        "(a)|b",
        "\\B",
        "\\<a",
        "a\\>",
        "[\\<]",
        "\\A",
        "\\z",
        "\\\n",
        "\\\u{1}",
        "\\r",
        "\\q",
        "\\é",
        "[\\ ]",
        "\\bfoo\\b",
        "[[:alpha:]-z]",
        "(",
        ")",
        "a)",
        "[",
        "[]",
        "*",
        "{1}",
    ] {
        check(p, false);
        check(p, true);
    }
}

#[test]
fn escaped_text_matches_itself() {
    for t in [
        "a.b*c",
        "{1,2}",
        "]]--[[",
        "é and e",
        "x|y(z)",
        "^$\\",
        "<html> #&~",
        "a\tb",
    ] {
        assert_eq!(re::escape(t), regex::escape(t));
        let r = re::build(&re::escape(t), false).unwrap();
        let m = r.find(t.as_bytes()).unwrap();
        assert_eq!((m.start(), m.end()), (0, t.len()));
    }
}

#[test]
fn deep_and_huge_expressions_are_refused_not_overflowed() {
    let deep = format!("{}a{}", "(".repeat(100_000), ")".repeat(100_000));
    assert!(re::build(&deep, false).is_err());
    let stacked = format!("a{}", "*".repeat(100_000));
    assert!(re::build(&stacked, false).is_err());
    assert!(re::build("x{1000}{1000}", false).is_err());
    assert!(re::build("x{4294967295}", false).is_err());
    assert!(re::build("x{4294967296}", false).is_err());
    // captures for 20,000 groups over 60,000 states would need gigabytes of slots
    assert!(re::build(&"(a)".repeat(20_000), false).is_err());
}

#[test]
fn many_matches_in_a_long_text_reuse_the_search_state() {
    // 200,000 matches of a 20,000-state expression: one allocation of the thread lists, not one a match
    let r = re::build("a|x{10000}", false).unwrap();
    let text = "a".repeat(200_000);
    assert_eq!(r.find_iter(text.as_bytes()).count(), 200_000);
    let r = re::build("(a)|(x{10000})", false).unwrap();
    assert_eq!(r.captures_iter(text.as_bytes()).count(), 200_000);
}
