//! The files under `/proc` that the simulator answers for a process, where what the kernel would print is
//! known from the run's own facts. Only `/proc/net/dev` so far, and only in a namespace with nothing but
//! loopback (`RUN --network=none`): one interface, `lo`, with no traffic yet.

use super::interp::Shell;

/// The kernel's two header lines of `/proc/net/dev`.
const NET_DEV_HEADER: &str = "Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n";

/// The bytes a read of `path` (absolute) gives, when it is a `/proc` file the simulator answers.
pub fn read(sh: &Shell<'_>, path: &str) -> Option<Vec<u8>> {
    let path = strata_image::normalize(path)?;
    match path.as_str() {
        "/proc/net/dev" | "/proc/self/net/dev" if sh.loopback_only => Some(net_dev(&["lo"])),
        _ => None,
    }
}

/// `/proc/net/dev` for interfaces that have moved no packets, in the kernel's format
/// (`net/core/net-procfs.c`: the name right-aligned in 6 columns, then 16 counters).
fn net_dev(interfaces: &[&str]) -> Vec<u8> {
    let mut s = String::from(NET_DEV_HEADER);
    for name in interfaces {
        s.push_str(&format!(
            "{name:>6}:{:>8} {:>7} {:>4} {:>4} {:>4} {:>5} {:>10} {:>9} {:>8} {:>7} {:>4} {:>4} {:>4} {:>5} {:>7} {:>10}\n",
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
        ));
    }
    s.into_bytes()
}
