//! `tar` (create, extract, list; gzip by `-z` or detected on extract), through strata-image's own tar reader
//! and writer, so archives made here are the deterministic tars the rest of strata writes.

use strata_image::layer::{gzip, read_layer, to_tar, ReadLimits};
use strata_image::{Attrs, Changeset, Entry, EntryKind, NodeKind};

use super::{errno_msg, Io};
use crate::shell::interp::{Ctl, Shell};

type R = Result<i32, Ctl>;

struct Opts {
    mode: char,
    file: Option<String>,
    dir: Option<String>,
    gz: bool,
    verbose: bool,
    no_owner: bool,
    strip: usize,
    operands: Vec<String>,
}

fn parse(argv: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        mode: ' ',
        file: None,
        dir: None,
        gz: false,
        verbose: false,
        no_owner: false,
        strip: 0,
        operands: Vec::new(),
    };
    let mut args: Vec<String> = argv[1..].to_vec();
    // `tar xzf f` (first word without a dash is a bundle of options)
    if let Some(first) = args.first() {
        if !first.starts_with('-') && first.chars().all(|c| "cxtzvfCjJpo".contains(c)) {
            args[0] = format!("-{first}");
        }
    }
    let mut i = 0;
    while i < args.len() {
        let a = args[i].clone();
        i += 1;
        if let Some(long) = a.strip_prefix("--") {
            let (k, v) = long
                .split_once('=')
                .map(|(k, v)| (k, Some(v.to_owned())))
                .unwrap_or((long, None));
            match k {
                "strip-components" => {
                    let v = v.or_else(|| {
                        i += 1;
                        args.get(i - 1).cloned()
                    });
                    o.strip = v.and_then(|v| v.parse().ok()).unwrap_or(0);
                }
                "directory" => o.dir = v,
                "file" => o.file = v,
                "gzip" => o.gz = true,
                "no-same-owner" => o.no_owner = true,
                "extract" => o.mode = 'x',
                "create" => o.mode = 'c',
                "list" => o.mode = 't',
                _ => return Err(format!("unrecognized option '--{k}'")),
            }
            continue;
        }
        if a.starts_with('-') && a.len() > 1 {
            let cs: Vec<char> = a[1..].chars().collect();
            for c in cs {
                match c {
                    'c' | 'x' | 't' => o.mode = c,
                    'z' => o.gz = true,
                    'v' => o.verbose = true,
                    'o' => o.no_owner = true,
                    'p' => {}
                    'f' => {
                        o.file = args.get(i).cloned();
                        i += 1;
                    }
                    'C' => {
                        o.dir = args.get(i).cloned();
                        i += 1;
                    }
                    'j' | 'J' => return Err("bzip2/xz compression is not simulated".to_owned()),
                    other => return Err(format!("invalid option -- '{other}'")),
                }
            }
            continue;
        }
        o.operands.push(a);
    }
    Ok(o)
}

/// `tar -c|-x|-t [-z] [-v] [-f FILE] [-C DIR] [FILE…]`.
pub fn tar(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let o = match parse(argv) {
        Ok(o) => o,
        Err(e) => {
            if e.contains("not simulated") {
                sh.notes.push(crate::exec::Note::Unsupported {
                    command: argv.join(" "),
                    detail: format!("tar: {e}"),
                });
            }
            io.err(&e);
            return Ok(1);
        }
    };
    let _ = sh.flush_all();
    let base = sh.abs(o.dir.as_deref().unwrap_or("."));
    match o.mode {
        'c' => create(sh, io, &o, &base),
        'x' | 't' => extract(sh, io, &o, &base),
        _ => {
            io.err("need exactly one of 'c', 'x' or 't'");
            Ok(1)
        }
    }
}

fn join(a: &str, b: &str) -> String {
    if a.ends_with('/') {
        format!("{a}{b}")
    } else {
        format!("{a}/{b}")
    }
}

fn create(sh: &mut Shell<'_>, io: &mut Io, o: &Opts, base: &str) -> R {
    if o.operands.is_empty() {
        io.err("empty archive");
        return Ok(1);
    }
    let mut entries = Vec::new();
    let mut st = 0;
    for op in &o.operands {
        let rel = op.trim_start_matches('/').trim_end_matches('/');
        if op.starts_with('/') {
            io.err("removing leading '/' from member names");
        }
        let path = if op.starts_with('/') {
            op.clone()
        } else {
            join(base, op)
        };
        let mut stack = vec![(path, rel.to_owned())];
        while let Some((p, r)) = stack.pop() {
            sh.step()?;
            let Ok(s) = sh.fs.lstat(&p) else {
                io.err(&format!("{op}: No such file or directory"));
                st = 1;
                continue;
            };
            let kind = match &s.kind {
                NodeKind::File(c) => EntryKind::File(c.clone()),
                NodeKind::Dir => EntryKind::Dir,
                NodeKind::Symlink(t) => EntryKind::Symlink(t.clone()),
                NodeKind::Fifo => EntryKind::Fifo,
                NodeKind::CharDevice { major, minor } => EntryKind::CharDevice {
                    major: *major,
                    minor: *minor,
                },
                NodeKind::BlockDevice { major, minor } => EntryKind::BlockDevice {
                    major: *major,
                    minor: *minor,
                },
            };
            if o.verbose {
                let shown = if s.is_dir() {
                    format!("{r}/")
                } else {
                    r.clone()
                };
                io.err.extend_from_slice(format!("{shown}\n").as_bytes());
            }
            entries.push(Entry {
                path: format!("/{r}"),
                attrs: s.attrs.clone(),
                kind,
            });
            if s.is_dir() {
                let names = sh.fs.read_dir(&p).unwrap_or_default();
                for n in names.iter().rev() {
                    stack.push((join(&p, n), format!("{r}/{n}")));
                }
            }
        }
    }
    if st != 0 {
        io.err("error exit delayed from previous errors");
    }
    let cs = Changeset { entries };
    let mut bytes = match to_tar(&cs) {
        Ok(b) => b,
        Err(e) => {
            io.err(&e.to_string());
            return Ok(1);
        }
    };
    if o.gz {
        bytes = gzip(&bytes);
    }
    match o.file.as_deref() {
        None | Some("-") => io.out.extend(bytes),
        Some(f) => {
            let p = sh.abs(f);
            sh.budget
                .write(bytes.len() as u64)
                .map_err(|l| sh.limit(l))?;
            let a = sh.new_file_attrs();
            if let Err(e) = sh
                .fs
                .write(&p, strata_image::Content::from_bytes(bytes), a, sh.now)
            {
                io.err(&format!("can't open '{f}': {}", errno_msg(&e)));
                return Ok(1);
            }
        }
    }
    Ok(st)
}

fn extract(sh: &mut Shell<'_>, io: &mut Io, o: &Opts, base: &str) -> R {
    let blob = match o.file.as_deref() {
        None | Some("-") => io.stdin_all(),
        Some(f) => match sh.fs.read(&sh.abs(f)) {
            Ok(c) => c.bytes().into_owned(),
            Err(e) => {
                io.err(&format!("can't open '{f}': {}", errno_msg(&e)));
                return Ok(1);
            }
        },
    };
    let limits = ReadLimits {
        max_expanded: sh.budget.limits.max_bytes_written.max(1 << 20),
        max_entries: 200_000,
    };
    let cs = match read_layer(&blob, &limits) {
        Ok(cs) => cs,
        Err(e) => {
            io.err(&format!("invalid tar magic ({e})"));
            return Ok(1);
        }
    };
    let mut st = 0;
    for e in cs.entries {
        sh.step()?;
        let rel = e.path.trim_start_matches('/');
        let comps: Vec<&str> = rel.split('/').filter(|c| !c.is_empty()).collect();
        if comps.len() <= o.strip {
            continue;
        }
        let rel = comps[o.strip..].join("/");
        if !o.operands.is_empty()
            && !o.operands.iter().any(|w| {
                rel == w.trim_end_matches('/')
                    || rel.starts_with(&format!("{}/", w.trim_end_matches('/')))
            })
        {
            continue;
        }
        let shown = if matches!(e.kind, EntryKind::Dir) {
            format!("{rel}/")
        } else {
            rel.clone()
        };
        if o.mode == 't' {
            if o.verbose {
                let size = match &e.kind {
                    EntryKind::File(c) => c.len(),
                    _ => 0,
                };
                let (y, mo, d, h, mi, s, _, _) = super::sys::tm(e.attrs.mtime.secs);
                let mode = super::mode_string(&strata_image::Stat {
                    kind: match &e.kind {
                        EntryKind::Dir => NodeKind::Dir,
                        EntryKind::Symlink(t) => NodeKind::Symlink(t.clone()),
                        _ => NodeKind::File(strata_image::Content::empty()),
                    },
                    attrs: e.attrs.clone(),
                    nlink: 1,
                    ident: 0,
                });
                let link = match &e.kind {
                    EntryKind::Symlink(t) => format!(" -> {t}"),
                    EntryKind::Hardlink(t) => format!(" link to {}", t.trim_start_matches('/')),
                    _ => String::new(),
                };
                io.print(&format!(
                    "{mode} {}/{} {size:9} {y}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} {shown}{link}\n",
                    e.attrs.uid, e.attrs.gid
                ));
            } else {
                io.print(&format!("{shown}\n"));
            }
            continue;
        }
        // busybox 1.35 lists nothing while extracting, even with -v.
        let target = join(base, &rel);
        let mut attrs: Attrs = e.attrs.clone();
        if o.no_owner || sh.identity.uid != 0 {
            attrs.uid = sh.identity.uid;
            attrs.gid = sh.identity.gid;
        }
        let parent = super::parent_of(&target);
        let _ = sh.fs.mkdir_all(&parent, sh.new_dir_attrs());
        let r = match &e.kind {
            EntryKind::Dir => match sh.fs.stat(&target) {
                Ok(s) if s.is_dir() => {
                    let _ = sh.fs.set_mode(&target, attrs.mode);
                    let _ = sh.fs.set_owner(&target, attrs.uid, attrs.gid);
                    let _ = sh.fs.set_mtime(&target, attrs.mtime);
                    Ok(())
                }
                _ => sh.fs.mkdir(&target, attrs.clone()),
            },
            EntryKind::File(c) => {
                sh.budget.write(c.len()).map_err(|l| sh.limit(l))?;
                if sh.fs.lstat(&target).is_ok() {
                    let _ = sh.fs.remove_file(&target, sh.now);
                }
                sh.fs
                    .create(&target, attrs.clone(), NodeKind::File(c.clone()))
            }
            EntryKind::Symlink(t) => {
                if sh.fs.lstat(&target).is_ok() {
                    let _ = sh.fs.remove_file(&target, sh.now);
                }
                sh.fs
                    .create(&target, attrs.clone(), NodeKind::Symlink(t.clone()))
            }
            EntryKind::Hardlink(t) => {
                let trel: Vec<&str> = t.trim_start_matches('/').split('/').collect();
                let trel = trel.get(o.strip..).map(|v| v.join("/")).unwrap_or_default();
                let src = join(base, &trel);
                if sh.fs.lstat(&target).is_ok() {
                    let _ = sh.fs.remove_file(&target, sh.now);
                }
                sh.fs.link(&src, &target, sh.now)
            }
            EntryKind::Fifo => sh.fs.create(&target, attrs.clone(), NodeKind::Fifo),
            EntryKind::CharDevice { .. } | EntryKind::BlockDevice { .. } => {
                io.err(&format!(
                    "can't create node '{rel}': Operation not permitted"
                ));
                st = 1;
                continue;
            }
            EntryKind::Whiteout | EntryKind::Opaque => continue,
        };
        if let Err(err) = r {
            io.err(&format!("{rel}: {}", errno_msg(&err)));
            st = 1;
        }
    }
    Ok(st)
}
