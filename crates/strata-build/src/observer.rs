//! Watching a build as it runs: which stages it builds, each step as it starts, what a RUN prints as the
//! backend delivers it, and each step when it is done. The CLI prints BuildKit's progress from these events,
//! so a long native RUN shows its output as it comes; [`crate::build`] watches with [`NoObserver`].

use crate::Step;

/// Which of a process's standard streams a piece of output came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// Receives a build's events, in order.
pub trait BuildObserver {
    /// How many stages the build will run (BuildKit names steps `[stage i/n]` when more than one).
    fn plan(&mut self, stages: usize) {
        let _ = stages;
    }

    /// A filesystem step starts running (it missed the cache).
    fn started(&mut self, step: &Step) {
        let _ = step;
    }

    /// Output of the running step on `stream`, as the backend delivers it (a backend that runs in memory
    /// delivers nothing here: its output is in the finished step). A chunk may end in the middle of a line,
    /// and the two streams' chunks interleave as they arrive.
    fn output(&mut self, stream: Stream, chunk: &[u8]) {
        let _ = (stream, chunk);
    }

    /// A step is done (cached, run, failed, or a metadata instruction), with everything it printed.
    fn done(&mut self, step: &Step) {
        let _ = step;
    }
}

/// Watches nothing.
pub struct NoObserver;

impl BuildObserver for NoObserver {}
