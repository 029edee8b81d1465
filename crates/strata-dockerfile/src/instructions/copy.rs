//! COPY and ADD: sources (paths, URLs, here-documents) and a destination.

use super::commands::{Add, Command, Copy, SourceContent, SourcesAndDest};
use super::flags::{self, Kind};
use super::parse::{args_span, Result};
use super::rules::code;
use crate::ast::Instruction;
use crate::Diagnostic;

/// `COPY [--from=...] [--chown=...] [--chmod=...] [--link] [--parents] [--exclude=...] <src>... <dest>`.
pub(super) fn parse_copy(inst: &Instruction) -> Result<Command> {
    at_least_two(inst, "COPY")?;
    let fl = flags::parse(
        &inst.flags,
        &[
            ("exclude", Kind::Strings),
            ("parents", Kind::Bool),
            ("chown", Kind::String),
            ("from", Kind::String),
            ("chmod", Kind::String),
            ("link", Kind::Bool),
        ],
    )?;
    let files = sources_and_dest(inst, "COPY")?;
    Ok(Command::Copy(Copy {
        files,
        from: fl.string("from").filter(|w| !w.text.is_empty()),
        from_stage: None,
        chown: fl.string("chown").filter(|w| !w.text.is_empty()),
        chmod: fl.string("chmod").filter(|w| !w.text.is_empty()),
        link: fl.bool("link").unwrap_or(false),
        parents: fl.bool("parents").unwrap_or(false),
        exclude: fl.strings("exclude"),
        span: inst.span,
    }))
}

/// `ADD [--chown=...] [--chmod=...] [--link] [--keep-git-dir] [--checksum=...] [--unpack] [--exclude=...]
/// <src>... <dest>`.
pub(super) fn parse_add(inst: &Instruction) -> Result<Command> {
    at_least_two(inst, "ADD")?;
    let fl = flags::parse(
        &inst.flags,
        &[
            ("exclude", Kind::Strings),
            ("chown", Kind::String),
            ("chmod", Kind::String),
            ("link", Kind::Bool),
            ("keep-git-dir", Kind::Bool),
            ("checksum", Kind::String),
            ("unpack", Kind::Bool),
        ],
    )?;
    let files = sources_and_dest(inst, "ADD")?;
    Ok(Command::Add(Add {
        files,
        chown: fl.string("chown").filter(|w| !w.text.is_empty()),
        chmod: fl.string("chmod").filter(|w| !w.text.is_empty()),
        link: fl.bool("link").unwrap_or(false),
        keep_git_dir: fl.bool("keep-git-dir").unwrap_or(false),
        checksum: fl.string("checksum").filter(|w| !w.text.is_empty()),
        unpack: fl.bool("unpack"),
        exclude: fl.strings("exclude"),
        span: inst.span,
    }))
}

fn at_least_two(inst: &Instruction, name: &str) -> Result<()> {
    if inst.args.len() < 2 {
        let d = Diagnostic::error(
            code::ARGUMENT_COUNT,
            args_span(inst),
            format!(
                "{name} requires at least two arguments, but only one was provided. Destination could not be determined"
            ),
        )
        .with_help(format!("add where to put the files, e.g. `{name} {} /app/`", first_or(inst, "app.py")));
        return Err(d);
    }
    Ok(())
}

fn first_or<'a>(inst: &'a Instruction, default: &'a str) -> &'a str {
    inst.args
        .first()
        .map(|w| w.text.as_str())
        .filter(|t| !t.is_empty())
        .unwrap_or(default)
}

fn sources_and_dest(inst: &Instruction, name: &str) -> Result<SourcesAndDest> {
    let Some((dest, srcs)) = inst.args.split_last() else {
        return Err(Diagnostic::error(
            code::ARGUMENT_COUNT,
            inst.keyword.span,
            format!("{name} requires at least two arguments"),
        ));
    };
    if heredoc_word(&dest.text).is_some() {
        return Err(Diagnostic::error(
            code::HEREDOC_DESTINATION,
            dest.span,
            format!("{name} cannot accept a heredoc as a destination"),
        )
        .with_help("the here-document is a source; put the destination path last"));
    }
    let mut sources = Vec::new();
    let mut contents = Vec::new();
    for src in srcs {
        match heredoc_word(&src.text) {
            Some(h) => {
                let body = inst
                    .heredocs
                    .iter()
                    .find(|d| d.name == h.name)
                    .map(|d| d.content.as_str())
                    .unwrap_or("");
                let data = if h.chomp {
                    chomp(body)
                } else {
                    body.to_string()
                };
                contents.push(SourceContent {
                    path: h.name,
                    data,
                    expand: h.expand,
                });
            }
            None => sources.push(src.clone()),
        }
    }
    Ok(SourcesAndDest {
        sources,
        contents,
        dest: dest.clone(),
    })
}

/// A heredoc reference word (`<<EOF`, `<<-'EOF'`, `3<<EOF`).
pub(crate) struct HeredocRef {
    /// The delimiter, quotes removed.
    pub(crate) name: String,
    /// `<<-`.
    pub(crate) chomp: bool,
    /// No quotes in the delimiter.
    pub(crate) expand: bool,
}

/// The heredoc a word introduces, if it is one (BuildKit's `^(\d*)<<(-?)\s*([^<]*)$` with quotes removed).
pub(crate) fn heredoc_word(word: &str) -> Option<HeredocRef> {
    let rest = word.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = rest.strip_prefix("<<")?;
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let rest = rest.trim_start();
    if rest.contains('<') {
        return None;
    }
    let mut name = String::new();
    let mut chars = rest.chars();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => quoted = true,
            '\\' => name.extend(chars.next()),
            c => name.push(c),
        }
    }
    if name.is_empty() {
        return None;
    }
    Some(HeredocRef {
        name,
        chomp,
        expand: !quoted,
    })
}

/// BuildKit's `ChompHeredocContent`: leading tabs removed from every line.
fn chomp(s: &str) -> String {
    s.split_inclusive('\n')
        .map(|l| l.trim_start_matches('\t'))
        .collect()
}
