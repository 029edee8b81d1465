//! `gzip`, `gunzip`, `zcat` (deflate through the image crate's gzip).

use super::{getopt, Io};
use crate::shell::interp::{Ctl, Shell};

type R = Result<i32, Ctl>;

/// `gzip` / `gunzip` / `zcat` (`-c`, `-d`, `-k`, `-f`): files are replaced by `.gz` files and back.
pub fn gzip(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    use std::io::Read as _;
    let (flags, files) = match getopt(&argv[1..], "S") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("invalid option -- '{c}'"));
            return Ok(1);
        }
    };
    let has = |c: char| flags.iter().any(|f| f.0 == c);
    let decompress = has('d') || io.name == "gunzip" || io.name == "zcat";
    let to_stdout = has('c') || io.name == "zcat" || files.is_empty();
    let keep = has('k');
    let convert = |data: &[u8]| -> Result<Vec<u8>, String> {
        if decompress {
            if !data.starts_with(&[0x1f, 0x8b]) {
                return Err("invalid magic".to_owned());
            }
            let mut out = Vec::new();
            strata_image::layer::decompressor(data, strata_image::layer::Compression::Gzip)
                .take(1 << 30)
                .read_to_end(&mut out)
                .map_err(|e| e.to_string())?;
            Ok(out)
        } else {
            Ok(strata_image::layer::gzip(data))
        }
    };
    if files.is_empty() {
        let data = io.stdin_all();
        match convert(&data) {
            Ok(b) => io.out.extend(b),
            Err(e) => {
                io.err(&e);
                return Ok(1);
            }
        }
        return Ok(0);
    }
    let mut st = 0;
    for f in &files {
        let p = sh.abs(f);
        let data = match sh.fs.read(&p) {
            Ok(c) => c.bytes().into_owned(),
            Err(e) => {
                io.err(&format!("can't open '{f}': {}", super::errno_msg(&e)));
                st = 1;
                continue;
            }
        };
        let out = match convert(&data) {
            Ok(b) => b,
            Err(e) => {
                io.err(&e);
                st = 1;
                continue;
            }
        };
        if to_stdout {
            io.out.extend(out);
            continue;
        }
        let target = if decompress {
            match p.strip_suffix(".gz").or_else(|| p.strip_suffix(".tgz")) {
                Some(t) => t.to_owned(),
                None => {
                    io.err(&format!("{f}: unknown suffix - ignored"));
                    st = 1;
                    continue;
                }
            }
        } else {
            format!("{p}.gz")
        };
        let attrs = sh
            .fs
            .stat(&p)
            .map(|s| s.attrs)
            .unwrap_or_else(|_| sh.new_file_attrs());
        sh.budget.write(out.len() as u64).map_err(|l| sh.limit(l))?;
        if let Err(e) = sh.fs.write(
            &target,
            strata_image::Content::from_bytes(out),
            attrs.clone(),
            sh.now,
        ) {
            io.err(&format!("can't open '{target}': {}", super::errno_msg(&e)));
            st = 1;
            continue;
        }
        let _ = sh.fs.set_mode(&target, attrs.mode);
        let _ = sh.fs.set_mtime(&target, attrs.mtime);
        if !keep {
            let _ = sh.fs.remove_file(&p, sh.now);
        }
    }
    Ok(st)
}
