//! The Dockerfiles from the tutorials, compiled into the page: the core's one list
//! (`strata_sim::examples`, which the CLI's `strata example` prints too), the one the page opens with first.

pub use strata_sim::examples::{Example, EXAMPLES};
