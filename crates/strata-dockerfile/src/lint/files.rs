//! Files and directories: a relative first WORKDIR (SD0108), several sources to a non-directory destination
//! (SD0109), ADD where COPY would do (SD0110), ADD unpacking archives (SD0111).

use super::catalog::code;
use super::context::Cx;
use crate::instructions::{Command, SourcesAndDest, Stage};
use crate::Span;

/// Run the rules of this file.
pub(super) fn check(cx: &mut Cx) {
    for stage in &cx.lowered.stages {
        relative_workdir(cx, stage);
        for cmd in &stage.commands {
            match cmd {
                Command::Copy(_) | Command::Add(_) if cx.has_hash_comment(cmd.span()) => {}
                Command::Copy(c) => several_sources(cx, "COPY", &c.files),
                Command::Add(a) => {
                    several_sources(cx, "ADD", &a.files);
                    if a.checksum.is_none() && !a.keep_git_dir {
                        add_sources(cx, a.span, &a.files, a.unpack);
                    }
                }
                _ => {}
            }
        }
    }
}

/// True if some stage this one is built on sets a WORKDIR.
fn workdir_inherited(cx: &Cx, stage: &Stage) -> bool {
    cx.base_stages(stage)
        .any(|s| s.commands.iter().any(|c| matches!(c, Command::Workdir(_))))
}

/// SD0108: the first WORKDIR of a stage (BuildKit's WorkdirRelativePath).
fn relative_workdir(cx: &mut Cx, stage: &Stage) {
    if workdir_inherited(cx, stage) {
        return;
    }
    let Some(w) = stage.commands.iter().find_map(|c| match c {
        Command::Workdir(w) => Some(w),
        _ => None,
    }) else {
        return;
    };
    let path = w.path.text.trim();
    let windows_abs = path.starts_with('\\')
        || path.as_bytes().get(1) == Some(&b':')
            && path.as_bytes().first().is_some_and(u8::is_ascii_alphabetic);
    if path.starts_with('/') || path.starts_with('$') || path.is_empty() || windows_abs {
        return;
    }
    let d = cx.report(
        code::RELATIVE_WORKDIR,
        w.path.span,
        format!("relative WORKDIR `{path}` depends on the base image's working directory"),
    );
    d.help = Some(format!(
        "use an absolute path: WORKDIR /{}",
        path.trim_start_matches("./")
    ));
}

fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// SD0109.
fn several_sources(cx: &mut Cx, name: &str, files: &SourcesAndDest) {
    let dest = files.dest.text.as_str();
    if dest.ends_with('/') || dest.ends_with('\\') || dest.is_empty() {
        return;
    }
    let n = files.sources.len() + files.contents.len();
    let wildcard = files.sources.iter().find(|s| has_wildcard(&s.text));
    let msg = match (n, wildcard) {
        (0 | 1, None) => return,
        (1, Some(w)) => format!(
            "if `{}` matches several files, {name} needs a destination that ends with `/`",
            w.text
        ),
        _ => format!("{name} of several sources needs a destination that ends with `/`"),
    };
    let suggestion = if dest == "." {
        "./".to_string()
    } else {
        format!("{dest}/")
    };
    let d = cx.report(code::COPY_TO_FILE, files.dest.span, msg);
    d.help = Some(format!("write the destination as `{suggestion}`"));
}

const ARCHIVE_SUFFIXES: &[&str] = &[
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst", ".tzst",
    ".tar.z",
];

fn is_remote(src: &str) -> bool {
    let s = src.to_ascii_lowercase();
    s.starts_with("http://")
        || s.starts_with("https://")
        || s.starts_with("git@")
        || s.starts_with("git://")
        || s.starts_with("ssh://")
        || s.contains(".git#")
        || s.ends_with(".git")
}

/// SD0110 and SD0111.
fn add_sources(cx: &mut Cx, span: Span, files: &SourcesAndDest, unpack: Option<bool>) {
    if !files.contents.is_empty() || files.sources.is_empty() {
        return;
    }
    let mut all_plain = true;
    for src in &files.sources {
        let text = src.text.as_str();
        if is_remote(text) || text.contains('$') {
            all_plain = false;
            continue;
        }
        let lower = text.to_ascii_lowercase();
        if ARCHIVE_SUFFIXES.iter().any(|s| lower.ends_with(s)) {
            all_plain = false;
            if unpack.is_none() {
                let d = cx.report(
                    code::ADD_ARCHIVE,
                    src.span,
                    format!(
                        "ADD unpacks the archive `{text}` into `{}`",
                        files.dest.text
                    ),
                );
                d.help = Some(format!(
                    "that is fine if you want the files; to copy the archive itself use COPY {text} {}",
                    files.dest.text
                ));
            }
        }
    }
    if all_plain {
        let head = cx
            .instruction(span)
            .map_or_else(|| cx.first_line(span), |i| i.keyword.span);
        let d = cx.report(
            code::ADD_LOCAL_FILE,
            head,
            "ADD of local files: COPY does the same without surprises",
        );
        let srcs: Vec<&str> = files.sources.iter().map(|w| w.text.as_str()).collect();
        d.help = Some(format!("use COPY {} {}", srcs.join(" "), files.dest.text));
    }
}
