//! The example Dockerfiles, drawn from the tutorials learners read (the files of the repository's
//! `examples/`, each build context in `examples/NAME/`), compiled in: one list for the CLI's `strata example`
//! and the playground's picker.
//!
//! The order is the playground's: it opens with the first one, which builds and runs; its tests rely on
//! that. The examples that keep a tutorial's mistake say so in [`Example::fails`], and the picker labels them.

/// One file of an example's build context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextFile {
    /// Its path in the context (`while.sh`).
    pub path: &'static str,
    /// Its bytes.
    pub data: &'static [u8],
    /// True when the file has its exec bit (`include_bytes!` keeps no mode, so it is written here; a test
    /// checks it against the file in `examples/`).
    pub executable: bool,
}

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
    /// Its build context (the files of `examples/NAME/`), sorted by path; empty when it needs none.
    pub context: &'static [ContextFile],
    /// For an example that keeps a tutorial's mistake: why its build fails, in one line.
    pub fails: Option<&'static str>,
}

/// Every example, the one the playground opens with first.
pub const EXAMPLES: &[Example] = &[
    Example {
        name: "while",
        file: "while.Dockerfile",
        about: "busybox copies a script from the build context and runs it as its ENTRYPOINT",
        text: include_str!("../../../examples/while.Dockerfile"),
        context: &[
            ContextFile {
                path: "hello.txt",
                data: include_bytes!("../../../examples/while/hello.txt"),
                executable: false,
            },
            ContextFile {
                path: "while.sh",
                data: include_bytes!("../../../examples/while/while.sh"),
                executable: false,
            },
        ],
        fails: None,
    },
    Example {
        name: "multistage",
        file: "multistage.Dockerfile",
        about: "a build stage, a heredoc and COPY --from",
        text: include_str!("../../../examples/multistage.Dockerfile"),
        context: &[],
        fails: None,
    },
    Example {
        name: "layers",
        file: "layers.Dockerfile",
        about: "one layer per RUN; CentOS's /bin/sh is bash, so `file{1..10}` expands here",
        text: include_str!("../../../examples/layers.Dockerfile"),
        context: &[],
        fails: None,
    },
    Example {
        name: "mycentos",
        file: "mycentos.Dockerfile",
        about: "a custom CentOS image: legacy ENV, several CMDs, MAINTAINER",
        text: include_str!("../../../examples/mycentos.Dockerfile"),
        context: &[],
        fails: None,
    },
    Example {
        name: "python-app",
        file: "python-app.Dockerfile",
        about: "a Python app whose comments are not comments (`WORKDIR /app # …`)",
        text: include_str!("../../../examples/python-app.Dockerfile"),
        context: &[
            ContextFile {
                path: "app.py",
                data: include_bytes!("../../../examples/python-app/app.py"),
                executable: false,
            },
            ContextFile {
                path: "requirements.txt",
                data: include_bytes!("../../../examples/python-app/requirements.txt"),
                executable: false,
            },
        ],
        fails: Some(
            "a `#` after an instruction is not a comment: `EXPOSE 80 # …` asks for a port called `#`",
        ),
    },
    Example {
        name: "myip",
        file: "myip.Dockerfile",
        about: "CMD turned ENTRYPOINT, with the tutorial's typo",
        text: include_str!("../../../examples/myip.Dockerfile"),
        context: &[],
        fails: Some("the tutorial's typo `RNTRYPOINT` is not an instruction"),
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
            assert!(
                e.context.windows(2).all(|w| w[0].path < w[1].path),
                "{}: context not sorted",
                e.name
            );
        }
        assert_eq!(find("layers").unwrap().file, "layers.Dockerfile");
        assert!(find("nope").is_none());
        assert!(
            EXAMPLES[0].fails.is_none(),
            "the page opens on a build that works"
        );
    }
}
