//! `created_by` strings of history entries, as BuildKit writes them and (optionally) as the classic builder
//! did, because the tutorials people read show the classic form.

/// Which builder's history text to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HistoryStyle {
    /// BuildKit (`RUN /bin/sh -c … # buildkit`, `CMD ["a" "b"]`, comment `buildkit.dockerfile.v0`).
    #[default]
    Buildkit,
    /// The classic builder (`/bin/sh -c #(nop)  CMD ["a" "b"]`, no comment).
    Classic,
}

/// The comment BuildKit puts on every history entry it writes.
pub const BUILDKIT_COMMENT: &str = "buildkit.dockerfile.v0";

/// Go's `%q` of a string: double-quoted with Go escapes.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `%q` of a `[]string`: `["a" "b"]`.
pub fn go_quote_list(v: &[String]) -> String {
    let inner: Vec<String> = v.iter().map(|s| go_quote(s)).collect();
    format!("[{}]", inner.join(" "))
}

/// Go's `%v` of a `[]string`: `[a b]`.
pub fn go_list(v: &[String]) -> String {
    format!("[{}]", v.join(" "))
}

/// The `|N k=v …` prefix of a RUN entry (BuildKit: declaration order; classic: sorted).
pub fn args_prefix(args: &[(String, String)], style: HistoryStyle) -> String {
    if args.is_empty() {
        return String::new();
    }
    let mut pairs: Vec<String> = args.iter().map(|(k, v)| format!("{k}={v}")).collect();
    if style == HistoryStyle::Classic {
        strata_image::sort::sort(&mut pairs);
    }
    format!("|{} {} ", pairs.len(), pairs.join(" "))
}

/// A RUN entry: `argv` is the full argv (shell prepended for the shell form).
pub fn run(argv: &[String], args: &[(String, String)], style: HistoryStyle) -> String {
    let prefix = args_prefix(args, style);
    match style {
        HistoryStyle::Buildkit => format!("RUN {prefix}{} # buildkit", argv.join(" ")),
        HistoryStyle::Classic => format!("{prefix}{}", argv.join(" ")),
    }
}

/// A metadata instruction's entry: BuildKit writes `text` as is, the classic builder wraps it in the
/// `#(nop)` form of `shell` (two spaces after `#(nop)`).
pub fn metadata(text: &str, shell: &[String], style: HistoryStyle) -> String {
    match style {
        HistoryStyle::Buildkit => text.to_owned(),
        HistoryStyle::Classic => format!("{} #(nop)  {text}", shell.join(" ")),
    }
}

/// A COPY/ADD/WORKDIR entry in the classic builder's single-space `#(nop)` form.
pub fn classic_file_op(text: &str, shell: &[String]) -> String {
    format!("{} #(nop) {text}", shell.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn buildkit_forms() {
        assert_eq!(
            run(
                &s(&["/bin/sh", "-c", "mkdir /sanchuang"]),
                &[],
                HistoryStyle::Buildkit
            ),
            "RUN /bin/sh -c mkdir /sanchuang # buildkit"
        );
        let args = vec![
            ("VERSION".to_owned(), "1.0".to_owned()),
            ("BUILD_USER".to_owned(), "alice".to_owned()),
        ];
        assert_eq!(
            run(&s(&["/bin/sh", "-c", "id"]), &args, HistoryStyle::Buildkit),
            "RUN |2 VERSION=1.0 BUILD_USER=alice /bin/sh -c id # buildkit"
        );
        assert_eq!(
            run(&s(&["/bin/sh", "-c", "id"]), &args, HistoryStyle::Classic),
            "|2 BUILD_USER=alice VERSION=1.0 /bin/sh -c id"
        );
        assert_eq!(
            go_quote_list(&s(&["echo", "-n", "hi"])),
            r#"["echo" "-n" "hi"]"#
        );
        assert_eq!(
            go_quote_list(&s(&["sh", "-c", "tr '\\0' ' '"])),
            r#"["sh" "-c" "tr '\\0' ' '"]"#
        );
        assert_eq!(
            metadata(
                r#"CMD ["/bin/sh"]"#,
                &s(&["/bin/sh", "-c"]),
                HistoryStyle::Classic
            ),
            r#"/bin/sh -c #(nop)  CMD ["/bin/sh"]"#
        );
    }
}
