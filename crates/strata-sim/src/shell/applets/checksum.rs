//! `md5sum`, `sha1sum`, `sha256sum`, `sha512sum [-c[sw]] [FILE]…` (busybox's `md5_sha1_sum.c`): print
//! `HASH  NAME` per file, or with `-c` check the `HASH  NAME` lines of each FILE. The hashes are RustCrypto's
//! pure-Rust `md-5`, `sha1` and `sha2`.

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use super::{getopt, has_flag, inputs, lines, ErrStyle, Io};
use crate::shell::interp::{Ctl, Shell};

/// The hash an applet name stands for, as lowercase hex of `data`.
pub fn hex_digest(applet: &str, data: &[u8]) -> String {
    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
    match applet {
        "md5sum" => hex(&Md5::digest(data)),
        "sha1sum" => hex(&Sha1::digest(data)),
        "sha512sum" => hex(&Sha512::digest(data)),
        _ => hex(&Sha256::digest(data)),
    }
}

/// `md5sum` / `sha1sum` / `sha256sum` / `sha512sum [-c[sw]] [FILE]…`.
pub fn checksum(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> Result<i32, Ctl> {
    let (flags, files) = match getopt(&argv[1..], "") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("invalid option -- '{c}'"));
            return Ok(1);
        }
    };
    let has = |c: char| has_flag(&flags, c);
    if let Some((c, _)) = flags.iter().find(|(f, _)| !"csw".contains(*f)) {
        io.err(&format!("invalid option -- '{c}'"));
        return Ok(1);
    }
    let name = io.name.clone();
    let mut status = 0;
    if !has('c') {
        for (n, d) in inputs(sh, io, &files, ErrStyle::CantOpen) {
            match d {
                Some(d) => io.print(&format!("{}  {n}\n", hex_digest(&name, &d))),
                None => status = 1,
            }
        }
        return Ok(status);
    }
    let (silent, warn) = (has('s'), has('w'));
    let (mut total, mut failed) = (0, 0);
    for (_, list) in inputs(sh, io, &files, ErrStyle::Plain) {
        let Some(list) = list else {
            status = 1;
            continue;
        };
        for line in lines(&list) {
            total += 1;
            let Some(at) = line.find("  ").or_else(|| line.find(" *")) else {
                if warn {
                    io.err("invalid format");
                }
                failed += 1;
                status = 1;
                continue;
            };
            let (want, file) = (&line[..at], line[at + 2..].to_owned());
            let got = inputs(sh, io, std::slice::from_ref(&file), ErrStyle::CantOpen)
                .pop()
                .and_then(|(_, d)| d)
                .map(|d| hex_digest(&name, &d));
            let ok = got.as_deref() == Some(want);
            if !silent {
                io.print(&format!("{file}: {}\n", if ok { "OK" } else { "FAILED" }));
            }
            if !ok {
                failed += 1;
                status = 1;
            }
        }
    }
    if failed > 0 && !silent {
        io.err(&format!(
            "WARNING: {failed} of {total} computed checksums did NOT match"
        ));
    }
    Ok(status)
}

/// `crc32 [FILE]…`: zlib's CRC-32 as eight hex digits, then the name (none for stdin).
pub fn crc32(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> Result<i32, Ctl> {
    let files = argv[1..].to_vec();
    let mut status = 0;
    for (n, d) in inputs(sh, io, &files, ErrStyle::CantOpen) {
        let Some(d) = d else {
            status = 1;
            continue;
        };
        let mut crc = flate2::Crc::new();
        crc.update(&d);
        if files.is_empty() {
            io.print(&format!("{:08x}\n", crc.sum()));
        } else {
            io.print(&format!("{:08x} {n}\n", crc.sum()));
        }
    }
    Ok(status)
}
