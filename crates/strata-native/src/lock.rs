//! The store's lock: `lock` under the root, flock(2)ed exclusively by every change to the store (images,
//! the build cache, containers) and shared by every read that must see one consistent state. The lock is
//! the kernel's, so a killed process releases it.

use std::fs::{File, OpenOptions};
use std::path::Path;

use crate::{Error, Result};

const LOCK: &str = "lock";

/// A held lock; released when dropped.
#[derive(Debug)]
pub(crate) struct Lock(#[allow(dead_code)] File);

/// Takes the lock of the store at `root`, waiting for it.
pub(crate) fn lock(root: &Path, exclusive: bool) -> Result<Lock> {
    let path = root.join(LOCK);
    let f = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(Error::io(&path))?;
    let res = if exclusive { f.lock() } else { f.lock_shared() };
    res.map_err(Error::io(&path))?;
    Ok(Lock(f))
}
