//! `patch [-RNE] [-p N] [-i DIFF] [--dry-run] [ORIGFILE [PATCHFILE]]` as busybox 1.35's (toybox-derived)
//! patch applies a unified diff: per file `patching file NAME` (or `creating NAME` for a hunk at `-0,0`),
//! each hunk found at or after where the previous one ended (context must match exactly; an offset is
//! fine), a hunk that does not match reported as `Hunk N FAILED OLD/NEW.` with the hunk itself on stderr
//! (`-N` does not spare an already applied one). Without `-p` a name loses its directories.

use strata_image::Content;

use super::{errno_msg, inputs, ErrStyle, Io};
use crate::shell::interp::{Ctl, Shell};

/// One hunk: its header numbers and lines (first byte ` `, `-` or `+`).
struct Hunk {
    old_start: usize,
    old_len: usize,
    new_start: usize,
    lines: Vec<String>,
}

/// One file's part of the diff.
struct FilePatch {
    old: String,
    new: String,
    hunks: Vec<Hunk>,
}

/// `a,b` of a hunk header (the length defaults to 1).
fn range(s: &str) -> Option<(usize, usize)> {
    let (a, b) = match s.split_once(',') {
        Some((a, b)) => (a, b.parse().ok()?),
        None => (s, 1),
    };
    Some((a.parse().ok()?, b))
}

fn parse(text: &str) -> Vec<FilePatch> {
    let lines: Vec<&str> = text.split('\n').collect();
    let name = |l: &str| l.split('\t').next().unwrap_or("").trim_end().to_owned();
    let mut out: Vec<FilePatch> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        if let (Some(old), Some(new)) = (
            l.strip_prefix("--- "),
            lines.get(i + 1).and_then(|n| n.strip_prefix("+++ ")),
        ) {
            out.push(FilePatch {
                old: name(old),
                new: name(new),
                hunks: Vec::new(),
            });
            i += 2;
            continue;
        }
        let header = l
            .strip_prefix("@@ -")
            .and_then(|r| r.split_once(" @@"))
            .and_then(|(nums, _)| nums.split_once(" +"))
            .and_then(|(o, n)| Some((range(o)?, range(n)?)));
        if let (Some(((os, ol), (ns, nl))), Some(file)) = (header, out.last_mut()) {
            let (mut left_old, mut left_new) = (ol, nl);
            let mut hunk = Hunk {
                old_start: os,
                old_len: ol,
                new_start: ns,
                lines: Vec::new(),
            };
            i += 1;
            while i < lines.len() && (left_old > 0 || left_new > 0) {
                let h = lines[i];
                match h.as_bytes().first() {
                    Some(b' ') | None => {
                        left_old = left_old.saturating_sub(1);
                        left_new = left_new.saturating_sub(1);
                    }
                    Some(b'-') => left_old = left_old.saturating_sub(1),
                    Some(b'+') => left_new = left_new.saturating_sub(1),
                    Some(b'\\') => {
                        i += 1;
                        continue;
                    }
                    _ => break,
                }
                hunk.lines.push(if h.is_empty() {
                    " ".to_owned()
                } else {
                    h.to_owned()
                });
                i += 1;
            }
            file.hunks.push(hunk);
            continue;
        }
        i += 1;
    }
    out
}

/// The name a diff line gives, `-p N` applied (without `-p`: the last component).
fn strip(name: &str, p: Option<usize>) -> String {
    match p {
        None => name.rsplit('/').next().unwrap_or(name).to_owned(),
        Some(n) => {
            let parts: Vec<&str> = name.split('/').collect();
            parts.get(n.min(parts.len())..).unwrap_or(&[]).join("/")
        }
    }
}

/// `patch`.
pub fn patch(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> Result<i32, Ctl> {
    let (mut p, mut reverse, mut empty_rm, mut dry) = (None, false, false, false);
    let mut diff_file: Option<String> = None;
    let mut ops: Vec<String> = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].as_str();
        i += 1;
        match a {
            "--dry-run" => dry = true,
            "-R" | "--reverse" => reverse = true,
            // busybox accepts -N, but a hunk already applied still fails.
            "-N" | "--forward" => {}
            "-E" | "--remove-empty-files" => empty_rm = true,
            "-s" | "--silent" | "--quiet" | "-f" | "-t" | "-u" => {}
            "-p" | "-i" => {
                let Some(v) = argv.get(i) else {
                    io.err(&format!("option requires an argument -- '{}'", &a[1..]));
                    return Ok(1);
                };
                i += 1;
                if a == "-p" {
                    p = v.parse().ok();
                } else {
                    diff_file = Some(v.clone());
                }
            }
            _ if a.starts_with("-p") => p = a[2..].parse().ok(),
            _ if a.starts_with("-i") => diff_file = Some(a[2..].to_owned()),
            _ if a.starts_with('-') && a.len() > 1 => {
                io.err(&format!("unrecognized option '{a}'"));
                return Ok(1);
            }
            _ => ops.push(a.to_owned()),
        }
    }
    let target = ops.first().cloned();
    if diff_file.is_none() {
        diff_file = ops.get(1).cloned();
    }
    let src: Vec<String> = diff_file.into_iter().collect();
    let Some(text) = inputs(sh, io, &src, ErrStyle::CantOpen)
        .pop()
        .and_then(|(_, d)| d)
    else {
        return Ok(1);
    };
    let text = String::from_utf8_lossy(&text).into_owned();
    let mut status = 0;
    for fp in parse(&text) {
        let (old, new) = if reverse {
            (&fp.new, &fp.old)
        } else {
            (&fp.old, &fp.new)
        };
        let first = fp.hunks.first();
        // A hunk at `-0,0` creates its file; busybox takes the other side for /dev/null, so `-R` of it
        // patches "dev/null".
        let creation = first.is_some_and(|h| h.old_start == 0 && h.old_len == 0);
        let emptied =
            first.is_some_and(|h| h.new_start == 0 && !h.lines.iter().any(|l| !l.starts_with('-')));
        let shown = target.clone().unwrap_or_else(|| {
            let n = if new == "/dev/null" || (reverse && creation) {
                if reverse && creation {
                    "/dev/null"
                } else {
                    old
                }
            } else {
                new
            };
            strip(n, p)
        });
        let path = sh.abs(&shown);
        let creating = creation && !reverse;
        if empty_rm && emptied && !reverse {
            io.print(&format!("removing {shown}\n"));
            if !dry {
                let _ = sh.fs.remove_file(&path, sh.now);
            }
            continue;
        }
        let mut lines: Vec<String> = if creating {
            if sh.fs.lstat(&path).is_ok() {
                io.print(&format!("creating {shown}\n"));
                io.err(&format!("can't open '{shown}': File exists"));
                status = 1;
                continue;
            }
            io.print(&format!("creating {shown}\n"));
            Vec::new()
        } else {
            io.print(&format!("patching file {shown}\n"));
            match sh.fs.read(&path) {
                Ok(c) => super::lines(&c.bytes()),
                Err(e) => {
                    io.err(&format!("can't open '{shown}': {}", errno_msg(&e)));
                    status = 1;
                    continue;
                }
            }
        };
        let mut at = 0;
        for (n, h) in fp.hunks.iter().enumerate() {
            let side = |keep: char| -> Vec<String> {
                h.lines
                    .iter()
                    .filter(|l| l.starts_with(' ') || l.starts_with(keep))
                    .map(|l| l[1..].to_owned())
                    .collect()
            };
            let (from, to) = if reverse {
                (side('+'), side('-'))
            } else {
                (side('-'), side('+'))
            };
            // With less context after the change than before it, the hunk must end at the end of
            // the file (toybox's `matcheof`).
            let lead = h.lines.iter().take_while(|l| l.starts_with(' ')).count();
            let trail = h
                .lines
                .iter()
                .rev()
                .take_while(|l| l.starts_with(' '))
                .count();
            let at_eof = trail == 0 || trail < lead;
            let fits = |pos: usize| {
                lines.get(pos..pos + from.len()) == Some(from.as_slice())
                    && (!at_eof || pos + from.len() == lines.len())
            };
            match (at..=lines.len().saturating_sub(from.len()))
                .find(|&pos| fits(pos))
                .filter(|_| from.len() <= lines.len())
            {
                Some(pos) => {
                    lines.splice(pos..pos + from.len(), to.iter().cloned());
                    at = pos + to.len();
                }
                None => {
                    let (o, nw) = if reverse {
                        (h.new_start, h.old_start)
                    } else {
                        (h.old_start, h.new_start)
                    };
                    let mut dump = format!("Hunk {} FAILED {o}/{nw}.\n", n + 1);
                    for l in &h.lines {
                        dump.push_str(l);
                        dump.push('\n');
                    }
                    io.err.extend_from_slice(dump.as_bytes());
                    status = 1;
                }
            }
        }
        if dry {
            continue;
        }
        let mut bytes = lines.join("\n").into_bytes();
        if !lines.is_empty() {
            bytes.push(b'\n');
        }
        sh.budget
            .write(bytes.len() as u64)
            .map_err(|l| sh.limit(l))?;
        let attrs = match sh.fs.stat(&path) {
            Ok(st) => st.attrs,
            Err(_) => {
                let dir = strata_image::Attrs::new(0o755, sh.identity.uid, sh.identity.gid, sh.now);
                let _ = sh.fs.mkdir_all(&super::parent_of(&path), dir);
                sh.new_file_attrs()
            }
        };
        if let Err(e) = sh
            .fs
            .write(&path, Content::from_bytes(bytes), attrs, sh.now)
        {
            io.err(&format!("can't open '{shown}': {}", errno_msg(&e)));
            status = 1;
        }
    }
    Ok(status)
}
