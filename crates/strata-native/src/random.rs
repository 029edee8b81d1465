//! Random bytes from the operating system (`/dev/urandom`), for container IDs and generated names.

use std::fs::File;
use std::io::Read;

use crate::{Error, Result};

const SOURCE: &str = "/dev/urandom";

/// `N` random bytes.
pub(crate) fn bytes<const N: usize>() -> Result<[u8; N]> {
    let mut buf = [0u8; N];
    File::open(SOURCE)
        .and_then(|mut f| f.read_exact(&mut buf))
        .map_err(Error::io(SOURCE))?;
    Ok(buf)
}

/// A random number below `n` (`n` > 0), without modulo bias worth speaking of (64 random bits).
pub(crate) fn below(n: usize) -> Result<usize> {
    let r = u64::from_le_bytes(bytes::<8>()?);
    Ok((r % n as u64) as usize)
}

/// `N` random bytes as lowercase hex.
pub(crate) fn hex<const N: usize>() -> Result<String> {
    Ok(bytes::<N>()?.iter().map(|b| format!("{b:02x}")).collect())
}
