//! `cargo`: `fetch` puts Cargo.lock's registry crates into `$CARGO_HOME/registry` (the .crate files and
//! their unpacked sources); `build [--release] [--target T]` fetches, then writes the package's binary at
//! `target/[T/]{release,debug}/NAME` (Cargo.toml's `[package] name`, or a `[[bin]]` name) and the
//! dependencies' rlibs in `deps/`; `install --path .` puts the binary in `$CARGO_HOME/bin`; `test` is
//! modelled as passing.

use super::{abs, blob, err, has, home, mb, modelled, read, size, text, value};
use crate::exec::Proc;
use crate::packages::Res;

const INDEX: &str = "index.crates.io-6f17d22bba15001f";

fn fetch(p: &mut Proc<'_>, root: &str, cargo_home: &str) -> Res<(usize, u64)> {
    let lock = read(p, &format!("{root}/Cargo.lock")).unwrap_or_default();
    let mut n = 0;
    let mut b = 0;
    for c in super::locks::cargo_lock(&lock) {
        let id = format!("{}-{}", c.name, c.version);
        let cache = format!("{cargo_home}/registry/cache/{INDEX}/{id}.crate");
        if p.fs.stat(&cache).is_ok() {
            continue;
        }
        let s = size(&[&c.name, &c.version], 8_000, 400_000);
        b += blob(p, &cache, s, 0o644)?;
        let src = format!("{cargo_home}/registry/src/{INDEX}/{id}");
        text(
            p,
            &format!("{src}/Cargo.toml"),
            &format!(
                "[package]\nname = \"{}\"\nversion = \"{}\"\n",
                c.name, c.version
            ),
        )?;
        b += blob(p, &format!("{src}/src/lib.rs"), s * 4, 0o644)?;
        n += 1;
    }
    if n > 0 {
        blob(
            p,
            &format!("{cargo_home}/registry/index/{INDEX}/.cache/config.json"),
            200,
            0o644,
        )?;
    }
    Ok((n, b))
}

pub(super) fn run(argv: &[String], p: &mut Proc<'_>) -> Res<i32> {
    let sub = argv.get(1).map(String::as_str).unwrap_or("");
    if sub == "--version" || sub == "-V" {
        super::out(p, "cargo 1.79.0 (ffa9cf99a 2024-06-03)\n");
        return Ok(0);
    }
    let cargo_home = super::env(p, "CARGO_HOME").unwrap_or_else(|| format!("{}/.cargo", home(p)));
    let root = abs(
        p,
        &value(argv, &["--manifest-path"])
            .map_or(".".into(), |m| m.trim_end_matches("Cargo.toml").to_owned()),
    );
    let root = root.trim_end_matches('/').to_owned();
    let Some(manifest) = read(p, &format!("{root}/Cargo.toml")) else {
        err(
            p,
            &format!("error: could not find `Cargo.toml` in `{root}` or any parent directory\n"),
        );
        return Ok(101);
    };
    let package = manifest.split("[package]").nth(1).unwrap_or("");
    let package = package.split("\n[").next().unwrap_or(package);
    let name = manifest
        .split("[[bin]]")
        .nth(1)
        .and_then(|b| super::kv(b, "name"))
        .or_else(|| super::kv(package, "name"))
        .unwrap_or_else(|| "app".into());
    let version = super::kv(package, "version").unwrap_or_else(|| "0.1.0".into());
    let (n, b) = fetch(p, &root, &cargo_home)?;
    let fetched = format!(
        "{n} crates of Cargo.lock into {cargo_home}/registry ({})",
        mb(b)
    );
    match sub {
        "fetch" => {
            modelled(p, argv, fetched);
            Ok(0)
        }
        "build" | "install" | "b" => {
            let release = has(argv, "--release") || has(argv, "-r") || sub == "install";
            let profile = if release { "release" } else { "debug" };
            let target_dir = super::env(p, "CARGO_TARGET_DIR")
                .map_or_else(|| format!("{root}/target"), |t| abs(p, &t));
            let triple = value(argv, &["--target"]);
            let out_dir = match &triple {
                Some(t) => format!("{target_dir}/{t}/{profile}"),
                None => format!("{target_dir}/{profile}"),
            };
            let crates = super::locks::cargo_lock(
                &read(p, &format!("{root}/Cargo.lock")).unwrap_or_default(),
            );
            let mut bin =
                450_000 + crates.len() as u64 * 60_000 + size(&[&name, &version], 0, 300_000);
            if !release {
                bin *= 5;
            }
            for c in &crates {
                let h = super::hash8(&[&c.name, &c.version, profile]);
                blob(
                    p,
                    &format!("{out_dir}/deps/lib{}-{h}.rlib", c.name.replace('-', "_")),
                    size(&[&c.name, profile], 50_000, 2_000_000),
                    0o644,
                )?;
            }
            blob(
                p,
                &format!(
                    "{out_dir}/deps/{}-{}",
                    name.replace('-', "_"),
                    super::hash8(&[&name, profile])
                ),
                bin,
                0o755,
            )?;
            blob(p, &format!("{out_dir}/{name}"), bin, 0o755)?;
            text(
                p,
                &format!("{out_dir}/{name}.d"),
                &format!("{out_dir}/{name}: {root}/src/main.rs\n"),
            )?;
            text(
                p,
                &format!("{target_dir}/CACHEDIR.TAG"),
                "Signature: 8a477f597d28d172789f06886806bc55\n",
            )?;
            super::out(p, &format!("   Compiling {name} v{version} ({root})\n    Finished `{profile}` profile target(s) in 41.2s\n"));
            let musl = triple.as_deref().is_some_and(|t| t.contains("musl"));
            let mut d = format!(
                "{fetched}; binary {out_dir}/{name} ({}{})",
                mb(bin),
                if musl {
                    ", statically linked (musl)"
                } else {
                    ""
                }
            );
            if sub == "install" {
                let dest = format!("{cargo_home}/bin/{name}");
                blob(p, &dest, bin, 0o755)?;
                d.push_str(&format!("; installed as {dest}"));
            }
            modelled(p, argv, d);
            Ok(0)
        }
        "test" => {
            super::out(p, "test result: ok. 1 passed; 0 failed\n");
            modelled(p, argv, format!("{fetched}; tests assumed to pass"));
            Ok(0)
        }
        _ => {
            modelled(
                p,
                argv,
                format!("`cargo {sub}` changes nothing in the model"),
            );
            Ok(0)
        }
    }
}
