//! System calls the built-in runtime's container init makes for `strata run` beyond a build step's, each
//! free of allocation (it runs in a forked child): bringing the network namespace's loopback up, the
//! container's terminal (a pty of the container's own `devpts`, its master sent to the caller), and
//! `mkdir -p` for mount points.

use std::ffi::CStr;

/// `SIOCGIFFLAGS` and `SIOCSIFFLAGS` (the same on every Linux architecture; not in the `libc` crate).
const SIOCGIFFLAGS: libc::c_ulong = 0x8913;
const SIOCSIFFLAGS: libc::c_ulong = 0x8914;

/// The part of `struct ifreq` these calls use: the interface's name and its flags (40 bytes in all).
#[repr(C)]
struct IfFlags {
    name: [u8; 16],
    flags: libc::c_short,
    _rest: [u8; 22],
}

/// Sets `lo` up in this process's network namespace (a new one has it down), as runc and Docker do.
/// Returns whether it worked.
///
/// # Safety
/// Only system calls on stack memory.
pub(super) unsafe fn loopback_up() -> bool {
    let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
    if fd < 0 {
        return false;
    }
    let mut req = IfFlags {
        name: [0; 16],
        flags: 0,
        _rest: [0; 22],
    };
    req.name[..2].copy_from_slice(b"lo");
    let ok = libc::ioctl(fd, SIOCGIFFLAGS as _, &mut req) == 0 && {
        req.flags |= (libc::IFF_UP | libc::IFF_RUNNING) as libc::c_short;
        libc::ioctl(fd, SIOCSIFFLAGS as _, &req) == 0
    };
    libc::close(fd);
    ok
}

/// Makes a terminal in the container (after the pivot, so `/dev/ptmx` is the container's `devpts`): opens
/// a pty, sends its master over `console`, and makes the slave this process's controlling terminal and
/// standard input, output and error, owned by `uid`, of the size `size` (the host terminal's, so the
/// process sees it from its start). Returns whether it worked.
///
/// # Safety
/// Only system calls on stack memory; call in the container's init, before the exec.
pub(super) unsafe fn terminal(
    console: libc::c_int,
    uid: libc::uid_t,
    size: Option<&libc::winsize>,
) -> bool {
    let master = libc::open(
        c"/dev/ptmx".as_ptr(),
        libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC,
    );
    if master < 0 {
        return false;
    }
    let unlock: libc::c_int = 0;
    if libc::ioctl(master, libc::TIOCSPTLCK, &unlock) != 0 {
        return false;
    }
    let slave = libc::ioctl(master, libc::TIOCGPTPEER, libc::O_RDWR | libc::O_NOCTTY);
    if slave < 0 {
        return false;
    }
    libc::fchown(slave, uid, libc::gid_t::MAX);
    if let Some(size) = size {
        libc::ioctl(slave, libc::TIOCSWINSZ, size);
    }
    if !send_fd(console, master) {
        return false;
    }
    libc::close(master);
    libc::close(console);
    if libc::setsid() < 0 || libc::ioctl(slave, libc::TIOCSCTTY, 0) != 0 {
        return false;
    }
    for fd in 0..3 {
        if libc::dup2(slave, fd) < 0 {
            return false;
        }
    }
    if slave > 2 {
        libc::close(slave);
    }
    true
}

/// Sends `fd` over the Unix socket `socket` (one byte of data with an `SCM_RIGHTS` message).
///
/// # Safety
/// Only system calls on stack memory.
pub(crate) unsafe fn send_fd(socket: libc::c_int, fd: libc::c_int) -> bool {
    let mut byte = [0u8; 1];
    let mut iov = libc::iovec {
        iov_base: byte.as_mut_ptr().cast(),
        iov_len: 1,
    };
    // Room for one descriptor's control message, aligned as cmsghdr wants.
    let mut control = [0u64; 8];
    let mut msg: libc::msghdr = std::mem::zeroed();
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = libc::CMSG_SPACE(std::mem::size_of::<libc::c_int>() as u32) as _;
    let cmsg = libc::CMSG_FIRSTHDR(&msg);
    if cmsg.is_null() {
        return false;
    }
    (*cmsg).cmsg_level = libc::SOL_SOCKET;
    (*cmsg).cmsg_type = libc::SCM_RIGHTS;
    (*cmsg).cmsg_len = libc::CMSG_LEN(std::mem::size_of::<libc::c_int>() as u32) as _;
    std::ptr::write_unaligned(libc::CMSG_DATA(cmsg).cast::<libc::c_int>(), fd);
    libc::sendmsg(socket, &msg, 0) == 1
}

/// `mkdir -p path` (mode 0755), each missing component made in turn. Returns whether the directory exists
/// afterwards.
///
/// # Safety
/// Only system calls on stack memory.
pub(super) unsafe fn mkdir_all(path: &CStr) -> bool {
    mkdir_all_bytes(path.to_bytes())
}

/// `mkdir -p` of the directory `path` is in.
///
/// # Safety
/// Only system calls on stack memory.
pub(super) unsafe fn mkdir_parent(path: &CStr) -> bool {
    let bytes = path.to_bytes();
    match bytes.iter().rposition(|b| *b == b'/') {
        Some(0) | None => true,
        Some(i) => mkdir_all_bytes(&bytes[..i]),
    }
}

unsafe fn mkdir_all_bytes(bytes: &[u8]) -> bool {
    let mut buf = [0u8; 4096];
    if bytes.len() >= buf.len() {
        return false;
    }
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'/' && i > 0 {
            // `buf` holds the path up to here, NUL-terminated.
            libc::mkdir(buf.as_ptr().cast(), 0o755);
        }
        buf[i] = *b;
    }
    libc::mkdir(buf.as_ptr().cast(), 0o755);
    let mut st: libc::stat = std::mem::zeroed();
    libc::stat(buf.as_ptr().cast(), &mut st) == 0 && st.st_mode & libc::S_IFMT == libc::S_IFDIR
}
