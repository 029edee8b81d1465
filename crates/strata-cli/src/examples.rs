//! `strata example`: the example Dockerfiles drawn from the tutorials learners read
//! (`strata_sim::examples`, the list the playground offers too), printed, listed, or written out with their
//! build context.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use strata_sim::examples::{find, Example, EXAMPLES};

/// Print the example `name`, or list them all (those that fail on purpose say so).
pub fn print(name: Option<&str>) -> Result<ExitCode> {
    match name {
        None => {
            for e in EXAMPLES {
                let fails = if e.fails.is_some() {
                    " (fails on purpose)"
                } else {
                    ""
                };
                println!("{:<12} {}{fails}", e.name, e.about);
            }
        }
        Some(name) => print!("{}", named(name)?.text),
    }
    Ok(ExitCode::SUCCESS)
}

/// Write the example `name` into `dir` (created if missing): its Dockerfile and its build context's files,
/// with their exec bits; say what was written and why it fails, when it fails on purpose.
pub fn write(name: &str, dir: &Path) -> Result<ExitCode> {
    let e = named(name)?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let put = |path: &Path, data: &[u8], mode: u32| -> Result<()> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(path, data).with_context(|| format!("writing {}", path.display()))?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("setting the mode of {}", path.display()))
    };
    put(&dir.join("Dockerfile"), e.text.as_bytes(), 0o644)?;
    for f in e.context {
        put(
            &dir.join(f.path),
            f.data,
            if f.executable { 0o755 } else { 0o644 },
        )?;
    }
    println!(
        "wrote {} ({}): strata build {}",
        dir.display(),
        std::iter::once("Dockerfile")
            .chain(e.context.iter().map(|f| f.path))
            .collect::<Vec<_>>()
            .join(", "),
        dir.display()
    );
    if let Some(why) = e.fails {
        println!("this example fails on purpose: {why}");
    }
    Ok(ExitCode::SUCCESS)
}

fn named(name: &str) -> Result<&'static Example> {
    find(name)
        .ok_or_else(|| anyhow::anyhow!("no example named {name}; `strata example` lists them"))
}
