//! The simulated busybox `ash`: words, quoting, expansion, control flow, redirections, and the applets.
