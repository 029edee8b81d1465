//! `bundle install` (and `bundle config set`, `bundle exec`): Gemfile.lock's gems into `$BUNDLE_PATH`
//! (else `$GEM_HOME`, else `/usr/local/bundle`) as `ruby/X.Y.0/gems/NAME-VERSION/` with their
//! specifications and `.gem` cache files (the ruby image sets `GEM_HOME=/usr/local/bundle`, where gems sit
//! directly under `gems/`). Without a lock, the Gemfile's `gem` lines.

use super::{abs, blob, err, mb, modelled, out, read, size, text};
use crate::exec::Proc;
use crate::packages::Res;

pub(super) fn bundle(argv: &[String], p: &mut Proc<'_>) -> Res<i32> {
    let sub = argv.get(1).map(String::as_str).unwrap_or("install");
    let app_config = super::env(p, "BUNDLE_APP_CONFIG").unwrap_or_else(|| abs(p, ".bundle"));
    match sub {
        "--version" | "-v" => {
            out(p, "Bundler version 2.5.11\n");
            return Ok(0);
        }
        "config" => {
            let args: Vec<&String> = argv[2..]
                .iter()
                .filter(|a| !a.starts_with("--") && *a != "set")
                .collect();
            if let [k, v @ ..] = args.as_slice() {
                let file = format!("{app_config}/config");
                let cur = read(p, &file).unwrap_or_else(|| "---\n".into());
                let vals: Vec<&str> = v.iter().map(|s| s.as_str()).collect();
                text(
                    p,
                    &file,
                    &format!(
                        "{cur}BUNDLE_{}: \"{}\"\n",
                        k.to_ascii_uppercase(),
                        vals.join(" ")
                    ),
                )?;
            }
            return Ok(0);
        }
        "exec" => {
            modelled(
                p,
                argv,
                format!(
                    "`{}` assumed to succeed, writing nothing",
                    argv[2..].join(" ")
                ),
            );
            return Ok(0);
        }
        "install" | "i" => {}
        _ if sub.starts_with('-') => {}
        _ => {
            modelled(
                p,
                argv,
                format!("`bundle {sub}` changes nothing in the model"),
            );
            return Ok(0);
        }
    }
    let dir = abs(p, ".");
    let Some(gemfile) = read(p, &format!("{dir}/Gemfile")) else {
        err(p, "Could not locate Gemfile\n");
        return Ok(10);
    };
    let gems = match read(p, &format!("{dir}/Gemfile.lock")) {
        Some(l) => super::locks::gemfile_lock(&l),
        None => gemfile
            .lines()
            .filter_map(|l| {
                let name = l.trim().strip_prefix("gem ")?.split(['\'', '"']).nth(1)?;
                Some(super::locks::Locked {
                    path: String::new(),
                    name: name.into(),
                    version: "1.0.0".into(),
                    dev: false,
                })
            })
            .collect(),
    };
    let ruby = super::env(p, "RUBY_VERSION").map_or_else(
        || "3.3.0".into(),
        |v| {
            let mut it = v.split('.');
            format!(
                "{}.{}.0",
                it.next().unwrap_or("3"),
                it.next().unwrap_or("3")
            )
        },
    );
    let root = match super::env(p, "BUNDLE_PATH") {
        Some(b) => format!("{}/ruby/{ruby}", abs(p, &b)),
        None => super::env(p, "GEM_HOME").unwrap_or_else(|| "/usr/local/bundle".into()),
    };
    let mut total = 0;
    for g in &gems {
        let id = format!("{}-{}", g.name, g.version);
        let s = size(&[&g.name, &g.version], 30_000, 4_000_000);
        total += blob(p, &format!("{root}/gems/{id}/lib/{}.rb", g.name), s, 0o644)?;
        text(
            p,
            &format!("{root}/specifications/{id}.gemspec"),
            &format!(
                "Gem::Specification.new do |s|\n  s.name = \"{}\"\n  s.version = \"{}\"\nend\n",
                g.name, g.version
            ),
        )?;
        blob(p, &format!("{root}/cache/{id}.gem"), s / 3, 0o644)?;
    }
    let direct = gemfile
        .lines()
        .filter(|l| l.trim().starts_with("gem "))
        .count();
    out(
        p,
        &format!(
            "Bundle complete! {direct} Gemfile dependencies, {} gems now installed.\n",
            gems.len()
        ),
    );
    modelled(p, argv, format!("{} gems of Gemfile.lock into {root} ({}; groups not told apart), .gem files kept in {root}/cache", gems.len(), mb(total)));
    Ok(0)
}
