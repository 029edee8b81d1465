//! `strata example`: the example Dockerfiles drawn from the tutorials learners read
//! (`strata_sim::examples`, the list the playground offers too).

use std::process::ExitCode;

use anyhow::Result;
use strata_sim::examples::{find, EXAMPLES};

/// Print the example `name`, or list them all.
pub fn print(name: Option<&str>) -> Result<ExitCode> {
    match name {
        None => {
            for e in EXAMPLES {
                println!("{:<12} {}", e.name, e.about);
            }
        }
        Some(name) => match find(name) {
            Some(e) => print!("{}", e.text),
            None => anyhow::bail!("no example named {name}; `strata example` lists them"),
        },
    }
    Ok(ExitCode::SUCCESS)
}
