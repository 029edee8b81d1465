//! A closed standard output (`strata explain | head -1`) ends strata quietly, as it ends `cat` or the docker
//! CLI: by SIGPIPE, with nothing on standard error and no panic.

/// The exit status used when a broken pipe is found as an error rather than by the signal (the shell's
/// 128 + SIGPIPE).
pub const BROKEN_PIPE_STATUS: u8 = 141;

/// Restores the default action of SIGPIPE (Rust ignores it at start-up, so that a write to a closed pipe
/// returns an error, which `println!` turns into a panic).
pub fn die_on_broken_pipe() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_DFL at start-up, before any thread is spawned.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Whether an error comes from writing to a closed pipe.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Ignores a broken pipe: what was to be written is dropped (used by `run`, whose container is recorded
/// whether or not anyone reads its output).
pub fn ignore_broken_pipe(res: std::io::Result<()>) -> std::io::Result<()> {
    match res {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
