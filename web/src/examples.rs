//! The Dockerfiles from the tutorials, compiled into the page (the files in the repository's `examples/`).

/// One example the dropdown offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// The file name shown in the dropdown.
    pub name: &'static str,
    /// The Dockerfile text.
    pub text: &'static str,
}

/// Every example, the one the page opens with first.
pub const EXAMPLES: &[Example] = &[
    Example {
        name: "python-app.Dockerfile",
        text: include_str!("../../examples/python-app.Dockerfile"),
    },
    Example {
        name: "layers.Dockerfile",
        text: include_str!("../../examples/layers.Dockerfile"),
    },
    Example {
        name: "multistage.Dockerfile",
        text: include_str!("../../examples/multistage.Dockerfile"),
    },
    Example {
        name: "mycentos.Dockerfile",
        text: include_str!("../../examples/mycentos.Dockerfile"),
    },
    Example {
        name: "myip.Dockerfile",
        text: include_str!("../../examples/myip.Dockerfile"),
    },
    Example {
        name: "while.Dockerfile",
        text: include_str!("../../examples/while.Dockerfile"),
    },
];
