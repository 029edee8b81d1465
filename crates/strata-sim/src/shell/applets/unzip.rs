//! `unzip [-lnojpqt] FILE[.zip] [MEMBER]… [-x MEMBER]… [-d DIR]` as busybox 1.35 prints it: the central
//! directory gives the members (stored or deflated, read through `flate2`, which the image crate already
//! links), their sizes, DOS times and Unix modes; members are written with those modes (busybox does not
//! restore mtimes). An existing file without `-o`/`-n` asks on stdin, as busybox does.

use std::io::Read as _;

use strata_image::{Attrs, Content, NodeKind};

use super::{errno_msg, Io};
use crate::shell::fnmatch;
use crate::shell::interp::{Ctl, Shell};

/// One member, from the central directory.
struct Member {
    name: String,
    method: u16,
    dos_time: u16,
    dos_date: u16,
    compressed: u64,
    size: u64,
    /// Unix mode (type and permissions) when the archive was made on Unix.
    mode: Option<u32>,
    local_offset: u64,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The members listed in the central directory, or busybox's complaint.
fn members(zip: &[u8]) -> Result<Vec<Member>, String> {
    // busybox looks for the central directory first; whatever it cannot find is a "short read".
    // The end-of-central-directory record: within the last 64 KiB + 22 bytes.
    let lowest = zip.len().saturating_sub(0xffff + 22);
    let eocd = (lowest..=zip.len().saturating_sub(22))
        .rev()
        .find(|&i| u32_at(zip, i) == Some(0x0605_4b50))
        .ok_or("short read")?;
    let count = u16_at(zip, eocd + 10).unwrap_or(0) as usize;
    let mut at = u32_at(zip, eocd + 16).unwrap_or(0) as usize;
    let mut out = Vec::new();
    for _ in 0..count {
        if u32_at(zip, at) != Some(0x0201_4b50) {
            return Err("short read".to_owned());
        }
        let field = |off: usize| u16_at(zip, at + off).unwrap_or(0);
        let name_len = field(28) as usize;
        let extra_len = field(30) as usize;
        let comment_len = field(32) as usize;
        let name = zip.get(at + 46..at + 46 + name_len).ok_or("short read")?;
        let external = u32_at(zip, at + 38).unwrap_or(0);
        out.push(Member {
            name: String::from_utf8_lossy(name).into_owned(),
            method: field(10),
            dos_time: field(12),
            dos_date: field(14),
            compressed: u64::from(u32_at(zip, at + 20).unwrap_or(0)),
            size: u64::from(u32_at(zip, at + 24).unwrap_or(0)),
            mode: (field(4) >> 8 == 3 && external >> 16 != 0).then_some(external >> 16),
            local_offset: u64::from(u32_at(zip, at + 42).unwrap_or(0)),
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(out)
}

/// A member's bytes, inflated.
fn contents(zip: &[u8], m: &Member, cap: u64) -> Result<Vec<u8>, String> {
    let at = m.local_offset as usize;
    if u32_at(zip, at) != Some(0x0403_4b50) {
        return Err("invalid zip magic".to_owned());
    }
    let start = at
        + 30
        + u16_at(zip, at + 26).unwrap_or(0) as usize
        + u16_at(zip, at + 28).unwrap_or(0) as usize;
    let data = zip
        .get(start..start.saturating_add(m.compressed as usize))
        .ok_or("short read")?;
    match m.method {
        0 => Ok(data.to_vec()),
        8 => {
            let mut out = Vec::new();
            flate2::read::DeflateDecoder::new(data)
                .take(cap.min(m.size))
                .read_to_end(&mut out)
                .map_err(|_| "inflate error".to_owned())?;
            Ok(out)
        }
        other => Err(format!("unsupported method {other}")),
    }
}

/// `unzip`.
pub fn unzip(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> Result<i32, Ctl> {
    let (mut list, mut never, mut over, mut junk, mut pipe, mut quiet, mut test) =
        (false, false, false, false, false, 0, false);
    let mut dir: Option<String> = None;
    let (mut zipname, mut include, mut exclude) = (None::<String>, Vec::new(), Vec::new());
    let mut excluding = false;
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        if let Some(flags) = a.strip_prefix('-').filter(|f| !f.is_empty()) {
            for c in flags.chars() {
                match c {
                    'l' => list = true,
                    'n' => never = true,
                    'o' => over = true,
                    'j' => junk = true,
                    'p' => pipe = true,
                    'q' => quiet += 1,
                    't' => test = true,
                    'v' => list = true,
                    'x' => excluding = true,
                    'd' => {
                        dir = argv.get(i).cloned();
                        i += 1;
                    }
                    _ => {
                        io.usage(USAGE);
                        return Ok(1);
                    }
                }
            }
            continue;
        }
        match (&zipname, excluding) {
            (None, _) => zipname = Some(a.clone()),
            (Some(_), false) => include.push(a.clone()),
            (Some(_), true) => exclude.push(a.clone()),
        }
    }
    let Some(zipname) = zipname else {
        io.usage(USAGE);
        return Ok(1);
    };
    let _ = sh.flush_all();
    let opened = [zipname.clone(), format!("{zipname}.zip")]
        .into_iter()
        .find_map(|n| Some((sh.fs.read(&sh.abs(&n)).ok()?.bytes().into_owned(), n)));
    let Some((zip, zipname)) = opened else {
        io.err(&format!("can't open {zipname}[.zip]"));
        return Ok(1);
    };
    let chatty = !pipe && quiet == 0 && !test;
    if chatty || (list && quiet == 0) {
        io.print(&format!("Archive:  {zipname}\n"));
    }
    let all = match members(&zip) {
        Ok(m) => m,
        Err(e) => {
            io.err(&e);
            return Ok(1);
        }
    };
    let wanted = |name: &str| {
        let hit = |pats: &[String]| {
            pats.iter().any(|p| {
                fnmatch::matches(&fnmatch::from_str(p), &name.chars().collect::<Vec<char>>())
            })
        };
        (include.is_empty() || hit(&include)) && !hit(&exclude)
    };
    let chosen: Vec<&Member> = all.iter().filter(|m| wanted(&m.name)).collect();
    if list {
        io.print("  Length      Date    Time    Name\n---------  ---------- -----   ----\n");
        let mut total = 0;
        for m in &chosen {
            total += m.size;
            io.print(&format!(
                "{:9}  {:02}-{:02}-{:04} {:02}:{:02}   {}\n",
                m.size,
                (m.dos_date >> 5) & 15,
                m.dos_date & 31,
                (m.dos_date >> 9) + 1980,
                m.dos_time >> 11,
                (m.dos_time >> 5) & 63,
                m.name
            ));
        }
        io.print(&format!(
            " --------                     -------\n{total:9}                     {} files\n",
            all.len()
        ));
        return Ok(0);
    }
    let cap = sh.budget.limits.max_bytes_written;
    let base = dir
        .as_deref()
        .map(|d| sh.abs(d))
        .unwrap_or(sh.st.cwd.clone());
    if dir.is_some() && !pipe && !test {
        let a = Attrs::new(0o755, sh.identity.uid, sh.identity.gid, sh.now);
        let _ = sh.fs.mkdir_all(&base, a);
    }
    let mut answer_all: Option<bool> = None;
    for m in chosen {
        sh.step()?;
        let is_dir = m.name.ends_with('/');
        let data = if is_dir {
            Vec::new()
        } else {
            match contents(&zip, m, cap) {
                Ok(d) => d,
                Err(e) => {
                    io.err(&e);
                    return Ok(1);
                }
            }
        };
        if test {
            continue;
        }
        let mode = m.mode.unwrap_or(0o100_644);
        let is_link = mode & 0o170_000 == 0o120_000;
        if pipe {
            if !is_link {
                io.out.extend_from_slice(&data);
            }
            continue;
        }
        let rel = if junk {
            if is_dir {
                continue;
            }
            m.name.rsplit('/').next().unwrap_or(&m.name).to_owned()
        } else {
            m.name.trim_end_matches('/').to_owned()
        };
        let path = if base == "/" {
            format!("/{rel}")
        } else {
            format!("{base}/{rel}")
        };
        let Some(path) = strata_image::normalize(&path) else {
            continue;
        };
        let owner = (sh.identity.uid, sh.identity.gid);
        if is_dir {
            if chatty && sh.fs.lstat(&path).is_err() {
                io.print(&format!("   creating: {}\n", m.name));
            }
            let mode = m.mode.map_or(0o755, |md| md & 0o7777);
            let _ = sh
                .fs
                .mkdir_all(&path, Attrs::new(mode, owner.0, owner.1, sh.now));
            continue;
        }
        let exists = sh.fs.lstat(&path).is_ok();
        let regular = sh
            .fs
            .stat(&path)
            .is_ok_and(|st| matches!(st.kind, NodeKind::File(_)));
        if exists && never {
            continue;
        }
        if exists && (is_link || !regular) {
            io.err(&format!("'{rel}' exists but is not a regular file"));
            return Ok(1);
        }
        if exists && !over && answer_all != Some(true) {
            let replace = match answer_all {
                Some(all) => all,
                None => {
                    io.print(&format!(
                        "replace {rel}? [y]es, [n]o, [A]ll, [N]one, [r]ename: "
                    ));
                    match io.input.read_line().as_deref().map(str::trim) {
                        None => {
                            io.err("can't read standard input");
                            return Ok(1);
                        }
                        Some("A") => {
                            answer_all = Some(true);
                            true
                        }
                        Some("N") => {
                            answer_all = Some(false);
                            false
                        }
                        Some(a) => a.starts_with('y'),
                    }
                }
            };
            if !replace {
                continue;
            }
        }
        if chatty {
            io.print(&format!("  inflating: {rel}\n"));
        }
        let parent = super::parent_of(&path);
        let _ = sh
            .fs
            .mkdir_all(&parent, Attrs::new(0o755, owner.0, owner.1, sh.now));
        sh.budget
            .write(data.len() as u64)
            .map_err(|l| sh.limit(l))?;
        let r = if is_link {
            sh.fs.create(
                &path,
                Attrs::new(0o777, owner.0, owner.1, sh.now),
                NodeKind::Symlink(String::from_utf8_lossy(&data).into_owned()),
            )
        } else {
            let a = Attrs::new(mode & 0o7777, owner.0, owner.1, sh.now);
            sh.fs.write(&path, Content::from_bytes(data), a, sh.now)
        };
        if let Err(e) = r {
            io.err(&format!("can't open '{rel}': {}", errno_msg(&e)));
            return Ok(1);
        }
    }
    Ok(0)
}

/// busybox 1.35's `unzip --help` (after the banner).
const USAGE: &str = "Usage: unzip [-lnojpq] FILE[.zip] [FILE]... [-x FILE]... [-d DIR]

Extract FILEs from ZIP archive

\t-l\tList contents (with -q for short form)
\t-n\tNever overwrite files (default: ask)
\t-o\tOverwrite
\t-j\tDo not restore paths
\t-p\tWrite to stdout
\t-t\tTest
\t-q\tQuiet
\t-x FILE\tExclude FILEs
\t-d DIR\tExtract into DIR";
