//! The host's side of a container's terminal (`strata run -t`): the runtime sends the pty's master over a
//! socket ([`crate::runtime::Attach::Terminal`]); a thread receives it and copies bytes both ways — the
//! container's output to this process's standard output, and with `-i` this process's standard input to the
//! container — until the container's side is closed (the master reads `EIO`). When standard input is a
//! terminal it is put in raw mode meanwhile (keys go to the container as typed, `^C` included) and the
//! container's terminal gets its size, again whenever it changes (`SIGWINCH`); both are restored when the
//! copying ends.

use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

/// Receives the master on `console` and copies until the container's terminal is closed.
pub fn serve(console: OwnedFd, interactive: bool) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let Some(master) = receive_fd(&console) else {
            // The process never started: the runtime closed the socket without a terminal.
            return;
        };
        drop(console);
        copy_size(&master);
        let _raw = RawMode::enter(interactive);
        let _winch = on_resize();
        copy(&master, interactive);
    })
}

/// Receives one descriptor sent with `SCM_RIGHTS` on `socket`; `None` when the socket closed without one.
pub(crate) fn receive_fd(socket: &OwnedFd) -> Option<OwnedFd> {
    let mut byte = [0u8; 1];
    let mut iov = libc::iovec {
        iov_base: byte.as_mut_ptr().cast(),
        iov_len: 1,
    };
    let mut control = [0u64; 8];
    // SAFETY: a zeroed msghdr is valid; every pointer in it is to live stack memory of this function.
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = std::mem::size_of_val(&control) as _;
        let n = loop {
            let n = libc::recvmsg(socket.as_raw_fd(), &mut msg, libc::MSG_CMSG_CLOEXEC);
            if n >= 0 || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
                break n;
            }
        };
        if n <= 0 {
            return None;
        }
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        if cmsg.is_null()
            || (*cmsg).cmsg_level != libc::SOL_SOCKET
            || (*cmsg).cmsg_type != libc::SCM_RIGHTS
        {
            return None;
        }
        let fd = std::ptr::read_unaligned(libc::CMSG_DATA(cmsg).cast::<libc::c_int>());
        Some(OwnedFd::from_raw_fd(fd))
    }
}

/// Copies the master's output to standard output and, when `interactive`, standard input to the master,
/// until the master reads end or `EIO` (no process holds the slave any more).
fn copy(master: &OwnedFd, interactive: bool) {
    let m = master.as_raw_fd();
    let mut stdin_open = interactive;
    let mut buf = [0u8; 8192];
    let mut out = std::io::stdout();
    loop {
        if RESIZED.swap(false, Ordering::Relaxed) {
            copy_size(master);
        }
        let mut fds = [
            libc::pollfd {
                fd: m,
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: if stdin_open { 0 } else { -1 },
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        // SAFETY: polls two descriptors described by a live array.
        // A timeout, so a resize is noticed even when the signal went to another thread.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), 2, 200) };
        if n < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return;
        }
        if fds[0].revents != 0 {
            // SAFETY: reads into a live buffer.
            let r = unsafe { libc::read(m, buf.as_mut_ptr().cast(), buf.len()) };
            if r <= 0 {
                return;
            }
            let _ = out.write_all(&buf[..r as usize]);
            let _ = out.flush();
        }
        if fds[1].revents != 0 {
            // SAFETY: reads into a live buffer.
            let r = unsafe { libc::read(0, buf.as_mut_ptr().cast(), buf.len()) };
            if r <= 0 {
                stdin_open = false;
                continue;
            }
            let mut rest = &buf[..r as usize];
            while !rest.is_empty() {
                // SAFETY: writes from a live buffer.
                let w = unsafe { libc::write(m, rest.as_ptr().cast(), rest.len()) };
                if w <= 0 {
                    break;
                }
                rest = &rest[w as usize..];
            }
        }
    }
}

/// Standard input in raw mode while it lives, when it is a terminal (restored when dropped).
struct RawMode {
    saved: Option<libc::termios>,
}

impl RawMode {
    fn enter(interactive: bool) -> RawMode {
        // SAFETY: tcgetattr/tcsetattr on descriptor 0 with a termios on the stack.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            if !interactive || libc::isatty(0) != 1 || libc::tcgetattr(0, &mut t) != 0 {
                return RawMode { saved: None };
            }
            let saved = t;
            libc::cfmakeraw(&mut t);
            libc::tcsetattr(0, libc::TCSANOW, &t);
            RawMode { saved: Some(saved) }
        }
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        if let Some(t) = &self.saved {
            // SAFETY: restores what `enter` read.
            unsafe { libc::tcsetattr(0, libc::TCSANOW, t) };
        }
    }
}

/// Gives the container's terminal `master` the size of this process's terminal, when it has one.
pub(crate) fn copy_size(master: &OwnedFd) {
    // SAFETY: TIOCGWINSZ/TIOCSWINSZ with a winsize on the stack.
    unsafe {
        let mut ws: libc::winsize = std::mem::zeroed();
        for fd in [0, 1, 2] {
            if libc::ioctl(fd, libc::TIOCGWINSZ, &mut ws) == 0 {
                libc::ioctl(master.as_raw_fd(), libc::TIOCSWINSZ, &ws);
                return;
            }
        }
    }
}

/// Set by `SIGWINCH`: this process's terminal changed size.
static RESIZED: AtomicBool = AtomicBool::new(false);

extern "C" fn resized(_: libc::c_int) {
    RESIZED.store(true, Ordering::Relaxed);
}

/// Notes `SIGWINCH` in [`RESIZED`] while the guard lives.
struct OnResize {
    previous: libc::sigaction,
}

fn on_resize() -> OnResize {
    // SAFETY: sigaction with structures on the stack; the handler only stores to an atomic.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = resized as *const () as libc::sighandler_t;
        action.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        let mut previous: libc::sigaction = std::mem::zeroed();
        libc::sigaction(libc::SIGWINCH, &action, &mut previous);
        OnResize { previous }
    }
}

impl Drop for OnResize {
    fn drop(&mut self) {
        // SAFETY: puts back what `on_resize` found.
        unsafe { libc::sigaction(libc::SIGWINCH, &self.previous, std::ptr::null_mut()) };
    }
}
