//! `dd [if=F] [of=F] [bs=N | ibs=N obs=N] [count=N] [skip=N] [seek=N] [conv=notrunc,sync,noerror,fsync]
//! [iflag=skip_bytes,fullblock,count_bytes] [oflag=seek_bytes,append] [status=none|noxfer]`, as busybox 1.35
//! (Debian's build: no third status line) does it: input read in `ibs` blocks (a short last block is a
//! partial record), output written in `obs` blocks (with `bs=`, each input block as it came), then
//! `F+P records in` / `F+P records out` on stderr. `/dev/zero` and `/dev/urandom` are endless and need a
//! `count`.

use strata_image::Content;

use super::{errno_msg, inputs, is_endless_device, ErrStyle, Io};
use crate::shell::interp::{Ctl, Shell};

/// busybox 1.35's `dd --help` (after the banner).
const USAGE: &str = r#"Usage: dd [if=FILE] [of=FILE] [ibs=N obs=N/bs=N] [count=N] [skip=N] [seek=N]
	[conv=notrunc|noerror|sync|fsync]
	[iflag=skip_bytes|count_bytes|fullblock|direct] [oflag=seek_bytes|append|direct]

Copy a file with converting and formatting

	if=FILE		Read from FILE instead of stdin
	of=FILE		Write to FILE instead of stdout
	bs=N		Read and write N bytes at a time
	ibs=N		Read N bytes at a time
	obs=N		Write N bytes at a time
	count=N		Copy only N input blocks
	skip=N		Skip N input blocks
	seek=N		Skip N output blocks
	conv=notrunc	Don't truncate output file
	conv=noerror	Continue after read errors
	conv=sync	Pad blocks with zeros
	conv=fsync	Physically write data out before finishing
	conv=swab	Swap every pair of bytes
	iflag=skip_bytes	skip=N is in bytes
	iflag=count_bytes	count=N is in bytes
	oflag=seek_bytes	seek=N is in bytes
	iflag=direct	O_DIRECT input
	oflag=direct	O_DIRECT output
	iflag=fullblock	Read full blocks
	oflag=append	Open output in append mode
	status=noxfer	Suppress rate output
	status=none	Suppress all output

N may be suffixed by c (1), w (2), b (512), kB (1000), k (1024), MB, M, GB, G"#;

/// A dd size: digits with busybox's suffixes (`c w b kB K k MB M GB G TB T`; this build has no `x`).
fn size(part: &str) -> Option<u64> {
    {
        let digits = part.len() - part.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let (n, sfx) = part.split_at(digits);
        let n: u64 = n.parse().ok()?;
        let mult: u64 = match sfx {
            "" | "c" => 1,
            "w" => 2,
            "b" => 512,
            "kB" | "kD" => 1000,
            "k" | "K" | "kiB" => 1 << 10,
            "MB" | "MD" => 1_000_000,
            "M" | "MiB" => 1 << 20,
            "GB" | "GD" => 1_000_000_000,
            "G" | "GiB" => 1 << 30,
            "TB" | "TD" => 1_000_000_000_000,
            "T" | "TiB" => 1 << 40,
            _ => return None,
        };
        n.checked_mul(mult).filter(|&v| v <= i64::MAX as u64)
    }
}

/// The parsed operands.
#[derive(Default)]
struct Opts {
    input: Option<String>,
    output: Option<String>,
    ibs: u64,
    obs: u64,
    /// `bs=` given: blocks go out as they came in.
    bs: bool,
    count: Option<u64>,
    skip: u64,
    seek: u64,
    notrunc: bool,
    sync: bool,
    swab: bool,
    quiet: bool,
    skip_bytes: bool,
    count_bytes: bool,
    seek_bytes: bool,
    append: bool,
}

fn parse(argv: &[String], io: &mut Io) -> Result<Opts, i32> {
    let mut o = Opts {
        ibs: 512,
        obs: 512,
        ..Opts::default()
    };
    for a in argv {
        let Some((k, v)) = a.split_once('=') else {
            io.usage(USAGE);
            return Err(1);
        };
        let num = |io: &mut Io| {
            size(v).ok_or_else(|| {
                io.err(&format!("invalid number '{v}'"));
                1
            })
        };
        match k {
            "if" => o.input = Some(v.to_owned()),
            "of" => o.output = Some(v.to_owned()),
            "bs" => {
                let n = num(io)?;
                (o.ibs, o.obs, o.bs) = (n, n, true);
            }
            "ibs" => o.ibs = num(io)?,
            "obs" => o.obs = num(io)?,
            "count" => o.count = Some(num(io)?),
            "skip" | "iseek" => o.skip = num(io)?,
            "seek" | "oseek" => o.seek = num(io)?,
            "conv" | "iflag" | "oflag" | "status" => {
                for w in v.split(',').filter(|w| !w.is_empty()) {
                    match (k, w) {
                        ("conv", "notrunc") => o.notrunc = true,
                        ("conv", "sync") => o.sync = true,
                        ("conv", "swab") => o.swab = true,
                        ("conv", "noerror" | "fsync" | "fdatasync") => {}
                        ("iflag", "skip_bytes") => o.skip_bytes = true,
                        ("iflag", "count_bytes") => o.count_bytes = true,
                        ("iflag", "fullblock" | "direct") => {}
                        ("oflag", "seek_bytes") => o.seek_bytes = true,
                        ("oflag", "append") => o.append = true,
                        ("oflag", "direct") => {}
                        ("status", "none") => o.quiet = true,
                        ("status", "noxfer" | "progress") => {}
                        _ => {
                            io.err(&format!("invalid argument '{w}' to '{k}'"));
                            return Err(1);
                        }
                    }
                }
            }
            _ => {
                io.usage(USAGE);
                return Err(1);
            }
        }
    }
    if o.ibs == 0 || o.obs == 0 {
        io.err("number 0 is not in 1..9223372036854775807 range");
        return Err(1);
    }
    Ok(o)
}

/// `dd`.
pub fn dd(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> Result<i32, Ctl> {
    if argv.get(1).is_some_and(|a| a == "--help") {
        io.usage(USAGE);
        return Ok(0);
    }
    let o = match parse(&argv[1..], io) {
        Ok(o) => o,
        Err(st) => return Ok(st),
    };
    let cap = sh.budget.limits.max_bytes_written;
    let skip = if o.skip_bytes {
        o.skip
    } else {
        o.skip.saturating_mul(o.ibs)
    };
    // How many input bytes at most (None: to the end).
    let want = o.count.map(|c| {
        if o.count_bytes {
            c
        } else {
            c.saturating_mul(o.ibs)
        }
    });
    let endless = o
        .input
        .as_deref()
        .filter(|p| is_endless_device(sh, &sh.abs(p)))
        .map(|p| p.ends_with("zero"));
    let data: Vec<u8> = match (endless, want) {
        (Some(_), None) => return Err(sh.limit(crate::exec::Limit::BytesWritten)),
        (Some(_), Some(n)) if n > cap => return Err(sh.limit(crate::exec::Limit::BytesWritten)),
        (Some(true), Some(n)) => vec![0; n as usize],
        (Some(false), Some(n)) => {
            let mut seed = (sh.now.secs as u64) ^ sh.random.get() ^ 0x9E37_79B9_7F4A_7C15;
            (0..n)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (seed >> 33) as u8
                })
                .collect()
        }
        (None, _) => {
            let files: Vec<String> = o.input.iter().cloned().collect();
            let style = ErrStyle::CantOpen;
            match inputs(sh, io, &files, style).pop().and_then(|(_, d)| d) {
                Some(d) => {
                    let from = (skip as usize).min(d.len());
                    let to = want.map_or(d.len(), |n| from.saturating_add(n as usize).min(d.len()));
                    d[from..to].to_vec()
                }
                None => return Ok(1),
            }
        }
    };
    // Records in: the data in ibs blocks; `conv=sync` pads a short block to a full one.
    let ibs = o.ibs as usize;
    let mut blocks: Vec<Vec<u8>> = data.chunks(ibs).map(<[u8]>::to_vec).collect();
    let (mut in_full, mut in_part) = (0u64, 0u64);
    for b in &mut blocks {
        if o.swab {
            for pair in b.chunks_exact_mut(2) {
                pair.swap(0, 1);
            }
        }
        if b.len() == ibs {
            in_full += 1;
        } else {
            in_part += 1;
            if o.sync {
                b.resize(ibs, 0);
            }
        }
    }
    let out: Vec<u8> = blocks.concat();
    let (out_full, out_part) = if o.bs {
        let full = blocks.iter().filter(|b| b.len() == ibs).count() as u64;
        (full, blocks.len() as u64 - full)
    } else {
        let obs = o.obs as usize;
        (
            (out.len() / obs) as u64,
            u64::from(!out.len().is_multiple_of(obs)),
        )
    };
    let seek = if o.seek_bytes {
        o.seek
    } else {
        o.seek.saturating_mul(o.obs)
    };
    match o.output.as_deref() {
        None | Some("/dev/stdout") | Some("-") => io.out.extend_from_slice(&out),
        Some("/dev/stderr") => io.err.extend_from_slice(&out),
        Some(p) if crate::shell::interp::is_dev_null(&sh.abs(p)) => {}
        Some(f) => {
            let p = sh.abs(f);
            let end = seek.saturating_add(out.len() as u64);
            if end > cap {
                return Err(sh.limit(crate::exec::Limit::BytesWritten));
            }
            let old = match sh.fs.read(&p) {
                Ok(c) => c.bytes().into_owned(),
                Err(strata_image::Error::NotFound(_)) => Vec::new(),
                Err(e) => {
                    io.err(&format!("can't open '{f}': {}", errno_msg(&e)));
                    return Ok(1);
                }
            };
            let at = if o.append { old.len() } else { seek as usize };
            let mut new = old;
            if !o.notrunc && !o.append {
                new.truncate(at);
            }
            if new.len() < at {
                new.resize(at, 0);
            }
            let stop = (at + out.len()).min(new.len());
            new.splice(at..stop, out.iter().copied());
            sh.budget.write(out.len() as u64).map_err(|l| sh.limit(l))?;
            let a = sh.new_file_attrs();
            if let Err(e) = sh.fs.write(&p, Content::from_bytes(new), a, sh.now) {
                io.err(&format!("can't open '{f}': {}", errno_msg(&e)));
                return Ok(1);
            }
        }
    }
    if !o.quiet {
        io.err.extend_from_slice(
            format!("{in_full}+{in_part} records in\n{out_full}+{out_part} records out\n")
                .as_bytes(),
        );
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::size;

    #[test]
    fn sizes_take_busybox_suffixes() {
        assert_eq!(size("512"), Some(512));
        assert_eq!(size("1k"), Some(1024));
        assert_eq!(size("1M"), Some(1 << 20));
        assert_eq!(size("2kB"), Some(2000));
        assert_eq!(size("2x512"), None);
        assert_eq!(size("3b"), Some(1536));
        assert_eq!(size("1q"), None);
        assert_eq!(size(""), None);
        assert_eq!(size("99999999999999999999"), None);
    }
}
