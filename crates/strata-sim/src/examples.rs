//! The example Dockerfiles, drawn from the tutorials learners read (the files of the repository's
//! `examples/`), compiled in: one list for the CLI's `strata example` and the playground's picker.
//!
//! The order is the playground's: it opens with the first one, and its tests rely on that.

/// One example.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// Its short name (`strata example python-app`).
    pub name: &'static str,
    /// Its file name in `examples/` (what the playground's picker shows).
    pub file: &'static str,
    /// What it shows, in one line.
    pub about: &'static str,
    /// The Dockerfile text.
    pub text: &'static str,
}

/// Every example, the one the playground opens with first.
pub const EXAMPLES: &[Example] = &[
    Example {
        name: "python-app",
        file: "python-app.Dockerfile",
        about: "a Python app whose comments are not comments (`WORKDIR /app # …`)",
        text: include_str!("../../../examples/python-app.Dockerfile"),
    },
    Example {
        name: "layers",
        file: "layers.Dockerfile",
        about: "one layer per RUN; CentOS's /bin/sh is bash, so `file{1..10}` expands here",
        text: include_str!("../../../examples/layers.Dockerfile"),
    },
    Example {
        name: "multistage",
        file: "multistage.Dockerfile",
        about: "a build stage, a heredoc and COPY --from",
        text: include_str!("../../../examples/multistage.Dockerfile"),
    },
    Example {
        name: "mycentos",
        file: "mycentos.Dockerfile",
        about: "a custom CentOS image: legacy ENV, several CMDs, MAINTAINER",
        text: include_str!("../../../examples/mycentos.Dockerfile"),
    },
    Example {
        name: "myip",
        file: "myip.Dockerfile",
        about: "CMD turned ENTRYPOINT, with the tutorial's typo",
        text: include_str!("../../../examples/myip.Dockerfile"),
    },
    Example {
        name: "while",
        file: "while.Dockerfile",
        about: "busybox runs a shell script as its ENTRYPOINT",
        text: include_str!("../../../examples/while.Dockerfile"),
    },
];

/// The example named `name`.
pub fn find(name: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_file_stems_and_unique() {
        for (i, e) in EXAMPLES.iter().enumerate() {
            assert_eq!(e.file, format!("{}.Dockerfile", e.name));
            assert!(!e.text.is_empty() && !e.about.is_empty());
            assert!(EXAMPLES[..i].iter().all(|o| o.name != e.name));
        }
        assert_eq!(find("layers").unwrap().file, "layers.Dockerfile");
        assert!(find("nope").is_none());
    }
}
