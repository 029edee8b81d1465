//! `go`: `mod download` fills the module cache (`$GOMODCACHE`, else `$GOPATH/pkg/mod`, else
//! `~/go/pkg/mod`) with the modules of go.sum (zip, .mod, .info and the extracted tree; go.mod-only
//! entries just their .mod); `build` writes one binary (`-o X`, or the package's name) whose size grows
//! with the modules linked, statically linked when `CGO_ENABLED=0`, and fills the build cache
//! (`$GOCACHE`, else `~/.cache/go-build`); `test` is modelled as passing; `install pkg@v` puts the binary
//! in `$GOPATH/bin`.

use super::{abs, blob, err, has, home, mb, modelled, operands, out, read, size, text, value};
use crate::exec::Proc;
use crate::packages::Res;

/// A module path as the cache spells it (`github.com/!burnt!sushi/toml`).
fn escape(m: &str) -> String {
    let mut s = String::with_capacity(m.len());
    for c in m.chars() {
        if c.is_ascii_uppercase() {
            s.push('!');
            s.push(c.to_ascii_lowercase());
        } else {
            s.push(c);
        }
    }
    s
}

fn gopath(p: &Proc<'_>) -> String {
    super::env(p, "GOPATH").unwrap_or_else(|| format!("{}/go", home(p)))
}

fn modcache(p: &Proc<'_>) -> String {
    super::env(p, "GOMODCACHE").unwrap_or_else(|| format!("{}/pkg/mod", gopath(p)))
}

/// The directory holding go.mod: the working directory or a parent.
fn module_root(p: &Proc<'_>) -> Option<(String, String)> {
    let mut d = abs(p, ".");
    loop {
        if let Some(t) = read(p, &format!("{d}/go.mod")) {
            let name = t
                .lines()
                .find_map(|l| l.trim().strip_prefix("module "))
                .unwrap_or("main")
                .trim()
                .trim_matches('"')
                .to_owned();
            return Some((d, name));
        }
        if d == "/" {
            return None;
        }
        d = d.rsplit_once('/').map_or(
            "/".into(),
            |(a, _)| if a.is_empty() { "/".into() } else { a.into() },
        );
    }
}

/// Downloads go.sum's modules into the cache; returns (modules, bytes written).
fn download(p: &mut Proc<'_>, root: &str) -> Res<(usize, u64)> {
    let sum = read(p, &format!("{root}/go.sum")).unwrap_or_default();
    let cache = modcache(p);
    let mut n = 0;
    let mut bytes = 0;
    for (m, v, whole) in super::locks::go_sum(&sum) {
        let e = escape(&m);
        let dl = format!("{cache}/cache/download/{e}/@v");
        let modf = format!("{dl}/{v}.mod");
        if p.fs.stat(&modf).is_ok() && (!whole || p.fs.stat(&format!("{dl}/{v}.zip")).is_ok()) {
            continue;
        }
        text(p, &modf, &format!("module {m}\n"))?;
        if whole {
            let zip = size(&[&m, &v], 20_000, 2_500_000);
            bytes += blob(p, &format!("{dl}/{v}.zip"), zip, 0o444)?;
            text(
                p,
                &format!("{dl}/{v}.info"),
                &format!("{{\"Version\":\"{v}\",\"Time\":\"2024-05-01T00:00:00Z\"}}\n"),
            )?;
            text(p, &format!("{dl}/{v}.ziphash"), "h1:modelled=\n")?;
            let tree = format!("{cache}/{e}@{v}");
            let last = m.rsplit('/').next().unwrap_or(&m).to_owned();
            text(p, &format!("{tree}/go.mod"), &format!("module {m}\n"))?;
            blob(p, &format!("{tree}/LICENSE"), 1_100, 0o444)?;
            bytes += blob(p, &format!("{tree}/{last}.go"), zip * 3, 0o444)?;
            n += 1;
        }
    }
    Ok((n, bytes))
}

pub(super) fn run(argv: &[String], p: &mut Proc<'_>) -> Res<i32> {
    let sub = argv.get(1).map(String::as_str).unwrap_or("");
    if sub == "version" {
        let v = super::env(p, "GOLANG_VERSION").unwrap_or_else(|| "1.22.5".into());
        out(p, &format!("go version go{v} linux/amd64\n"));
        return Ok(0);
    }
    if sub == "env" {
        out(
            p,
            &format!("GOPATH='{}'\nGOMODCACHE='{}'\n", gopath(p), modcache(p)),
        );
        return Ok(0);
    }
    if sub == "install" {
        let ops = operands(argv, &["-ldflags", "-tags"]);
        if let Some(spec) = ops.get(1).filter(|s| s.contains('@')) {
            let (pkg, v) = spec.split_once('@').unwrap_or((spec, "latest"));
            let name = pkg.rsplit('/').next().unwrap_or(pkg);
            let bin = super::env(p, "GOBIN").unwrap_or_else(|| format!("{}/bin", gopath(p)));
            let s = blob(
                p,
                &format!("{bin}/{name}"),
                size(&[pkg, v], 4_000_000, 16_000_000),
                0o755,
            )?;
            modelled(
                p,
                argv,
                format!("{pkg}@{v} built into {bin}/{name} ({})", mb(s)),
            );
            return Ok(0);
        }
    }
    let Some((root, module)) = module_root(p) else {
        if matches!(
            sub,
            "mod" | "build" | "test" | "install" | "vet" | "generate" | "run"
        ) {
            err(p, "go: go.mod file not found in current directory or any parent directory; see 'go help modules'\n");
            return Ok(1);
        }
        modelled(p, argv, format!("`go {sub}` changes nothing in the model"));
        return Ok(0);
    };
    match sub {
        "mod" => {
            let what = argv.get(2).map(String::as_str).unwrap_or("");
            if what == "download" || what == "tidy" {
                let (n, b) = download(p, &root)?;
                let c = modcache(p);
                modelled(
                    p,
                    argv,
                    format!(
                        "{n} modules of go.sum into {c} ({}; sizes plausible)",
                        mb(b)
                    ),
                );
            } else {
                modelled(
                    p,
                    argv,
                    format!("`go mod {what}` changes nothing in the model"),
                );
            }
            Ok(0)
        }
        "build" | "install" => {
            let (mods, _) = download(p, &root)?;
            let whole =
                super::locks::go_sum(&read(p, &format!("{root}/go.sum")).unwrap_or_default())
                    .iter()
                    .filter(|m| m.2)
                    .count();
            let pkgs = operands(
                argv,
                &[
                    "-o",
                    "-ldflags",
                    "-tags",
                    "-gcflags",
                    "-mod",
                    "-p",
                    "-buildmode",
                ],
            );
            let target = pkgs.get(1).cloned().unwrap_or_else(|| ".".into());
            let many = target.ends_with("/...");
            let name = if target == "." || many {
                module.rsplit('/').next().unwrap_or(&module).to_owned()
            } else {
                target
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or(&target)
                    .trim_end_matches(".go")
                    .to_owned()
            };
            let static_ = super::env(p, "CGO_ENABLED").as_deref() == Some("0");
            let stripped =
                value(argv, &["-ldflags"]).is_some_and(|f| f.contains("-s") && f.contains("-w"));
            let mut bin =
                1_900_000 + whole as u64 * 450_000 + size(&[&module, &target], 0, 600_000);
            if stripped {
                bin = bin * 7 / 10;
            }
            let cache =
                super::env(p, "GOCACHE").unwrap_or_else(|| format!("{}/.cache/go-build", home(p)));
            for i in 0..4u8 {
                let h = super::hash8(&[&module, &target, &i.to_string()]);
                blob(p, &format!("{cache}/{}/{h}-d", &h[..2]), bin / 2, 0o644)?;
            }
            text(
                p,
                &format!("{cache}/README"),
                "This directory holds cached build artifacts from the Go build system.\n",
            )?;
            let dest = match value(argv, &["-o"]) {
                Some(o) if o.ends_with('/') || p.fs.stat(&abs(p, &o)).is_ok_and(|s| s.is_dir()) => {
                    Some(format!("{}/{name}", abs(p, &o)))
                }
                Some(o) => Some(abs(p, &o)),
                None if sub == "install" => Some(format!("{}/bin/{name}", gopath(p))),
                None if many => None,
                None => Some(format!("{}/{name}", abs(p, "."))),
            };
            let os = super::env(p, "GOOS").unwrap_or_else(|| "linux".into());
            let arch = super::env(p, "GOARCH").unwrap_or_else(|| "amd64".into());
            let detail = match &dest {
                Some(d) => {
                    blob(p, d, bin, 0o755)?;
                    format!(
                        "binary {d} ({}, {os}/{arch}, {}{}), linking {whole} modules{}",
                        mb(bin),
                        if static_ {
                            "statically linked: CGO_ENABLED=0"
                        } else {
                            "dynamically linked to libc (cgo on)"
                        },
                        if stripped {
                            ", stripped by -ldflags \"-s -w\""
                        } else {
                            ""
                        },
                        if mods > 0 {
                            format!(" ({mods} downloaded first)")
                        } else {
                            String::new()
                        }
                    )
                }
                None => format!("{target} compiled; no binary kept (several packages, no -o)"),
            };
            modelled(p, argv, detail);
            Ok(0)
        }
        "test" => {
            download(p, &root)?;
            out(p, &format!("ok  \t{module}\t0.012s\n"));
            modelled(p, argv, "tests assumed to pass".into());
            Ok(0)
        }
        _ => {
            let _ = has(argv, "-v");
            modelled(p, argv, format!("`go {sub}` changes nothing in the model"));
            Ok(0)
        }
    }
}
