//! Example Dockerfiles drawn from the tutorials learners read (see `examples/` at the repository root).

use std::process::ExitCode;

use anyhow::Result;

/// Name, one-line description, text.
pub const EXAMPLES: &[(&str, &str, &str)] = &[
    (
        "python-app",
        "a Python app whose comments are not comments (`WORKDIR /app # …`)",
        include_str!("../../../examples/python-app.Dockerfile"),
    ),
    (
        "mycentos",
        "a custom CentOS image: legacy ENV, several CMDs, MAINTAINER",
        include_str!("../../../examples/mycentos.Dockerfile"),
    ),
    (
        "layers",
        "one layer per RUN; CentOS's /bin/sh is bash, so `file{1..10}` expands here",
        include_str!("../../../examples/layers.Dockerfile"),
    ),
    (
        "myip",
        "CMD turned ENTRYPOINT, with the tutorial's typo",
        include_str!("../../../examples/myip.Dockerfile"),
    ),
    (
        "while",
        "busybox runs a shell script as its ENTRYPOINT",
        include_str!("../../../examples/while.Dockerfile"),
    ),
    (
        "multistage",
        "a build stage, a heredoc and COPY --from",
        include_str!("../../../examples/multistage.Dockerfile"),
    ),
];

/// Print the example `name`, or list them all.
pub fn print(name: Option<&str>) -> Result<ExitCode> {
    match name {
        None => {
            for (name, about, _) in EXAMPLES {
                println!("{name:<12} {about}");
            }
        }
        Some(name) => match EXAMPLES.iter().find(|(n, _, _)| *n == name) {
            Some((_, _, text)) => print!("{text}"),
            None => anyhow::bail!("no example named {name}; `strata example` lists them"),
        },
    }
    Ok(ExitCode::SUCCESS)
}
