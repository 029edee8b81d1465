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

/// One `/var/lib/dpkg/status` stanza.
pub(crate) fn dpkg_stanza(name: &str, version: &str, size_kb: u64, priority: &str) -> String {
    format!(
        "Package: {name}\nStatus: install ok installed\nPriority: {priority}\nInstalled-Size: {size_kb}\nArchitecture: amd64\nVersion: {version}\n\n"
    )
}

/// One `/lib/apk/db/installed` stanza.
pub(crate) fn apk_stanza(name: &str, version: &str, size_kb: u64) -> String {
    format!("P:{name}\nV:{version}\nA:x86_64\nI:{}\n\n", size_kb * 1024)
}
