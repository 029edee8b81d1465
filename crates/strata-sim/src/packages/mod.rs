//! Modelled package managers: `apk`, `apt-get`, `yum`/`dnf`, `pip`, from a small built-in catalogue.

use crate::exec::{Note, Proc};

/// Runs the package manager `name` (`apk`, `apt-get`, `apt`, `yum`, `dnf`, `pip`, `pip3`) with `argv`
/// (`argv[0]` is the name it was called by) and returns its exit status.
pub fn run(name: &str, argv: &[String], p: &mut Proc<'_>) -> i32 {
    p.notes.push(Note::Unsupported {
        command: argv.join(" "),
        detail: format!("{name} is not modelled yet"),
    });
    127
}
