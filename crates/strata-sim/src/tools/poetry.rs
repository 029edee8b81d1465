//! `poetry export` and `poetry install`: the packages of poetry.lock (`[[package]]` name and version),
//! written as pinned requirements, or installed through the pip model (where pip would install them, as
//! with `POETRY_VIRTUALENVS_CREATE=false`; poetry's own virtualenv is not modelled).

use super::{abs, err, has, modelled, out, read, text, value};
use crate::exec::Proc;
use crate::packages::Res;

fn locked(p: &Proc<'_>) -> Option<Vec<(String, String)>> {
    let lock = read(p, "poetry.lock")?;
    Some(
        lock.split("[[package]]")
            .skip(1)
            .filter_map(|b| Some((super::kv(b, "name")?, super::kv(b, "version")?)))
            .collect(),
    )
}

pub(super) fn run(argv: &[String], p: &mut Proc<'_>) -> Res<i32> {
    let sub = argv.get(1).map(String::as_str).unwrap_or("");
    if sub == "--version" {
        out(p, "Poetry (version 1.8.3)\n");
        return Ok(0);
    }
    if read(p, "pyproject.toml").is_none() && matches!(sub, "export" | "install" | "lock") {
        err(
            p,
            &format!(
                "\nPoetry could not find a pyproject.toml file in {} or its parents\n",
                abs(p, ".")
            ),
        );
        return Ok(1);
    }
    match sub {
        "export" => {
            let Some(pkgs) = locked(p) else {
                err(p, "poetry.lock was not found.\n");
                return Ok(1);
            };
            let body: String = pkgs
                .iter()
                .map(|(n, v)| format!("{n}=={v} ; python_version >= \"3.12\"\n"))
                .collect();
            match value(argv, &["--output", "-o"]) {
                Some(f) => {
                    let path = abs(p, &f);
                    text(p, &path, &body)?;
                    modelled(
                        p,
                        argv,
                        format!("{} pins of poetry.lock into {path}", pkgs.len()),
                    );
                }
                None => out(p, &body),
            }
            Ok(0)
        }
        "install" => {
            let pkgs = locked(p).unwrap_or_default();
            let mut a: Vec<String> = vec![
                "pip".into(),
                "install".into(),
                "--no-cache-dir".into(),
                "-q".into(),
            ];
            a.extend(pkgs.iter().map(|(n, v)| format!("{n}=={v}")));
            if !has(argv, "--no-root") {
                a.push(".".into());
            }
            if a.len() == 4 {
                out(p, "Installing dependencies from lock file\n\nNo dependencies to install or update\n");
                return Ok(0);
            }
            out(p, &format!("Installing dependencies from lock file\n\nPackage operations: {} installs, 0 updates, 0 removals\n", pkgs.len()));
            let code = crate::packages::run("pip", &a, p);
            modelled(p, argv, format!("{} packages of poetry.lock installed through the pip model (no virtualenv of poetry's own)", pkgs.len()));
            Ok(code)
        }
        _ => {
            modelled(
                p,
                argv,
                format!("`poetry {sub}` changes nothing in the model"),
            );
            Ok(0)
        }
    }
}
