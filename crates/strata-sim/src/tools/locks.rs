//! The parts of the lock files the tools need: each locked package's name and version (and, for npm,
//! where it goes and whether it is a dev dependency). Small hand parsers for the text formats; serde_json
//! for the JSON ones. A file that does not parse gives an empty list, never a panic.

/// One locked package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Locked {
    /// Where it is installed, relative to the project (`node_modules/a/node_modules/b`), or empty.
    pub(crate) path: String,
    pub(crate) name: String,
    pub(crate) version: String,
    /// Only needed for development (`"dev": true`, `packages-dev`).
    pub(crate) dev: bool,
}

fn locked(path: String, name: &str, version: &str, dev: bool) -> Locked {
    Locked {
        path,
        name: name.to_owned(),
        version: version.to_owned(),
        dev,
    }
}

/// `name@1.2.3` (`@scope/name@1.2.3`, `name@npm:^1`) split at the version's `@`.
pub(crate) fn split_at_version(spec: &str) -> Option<(&str, &str)> {
    // The first character may be a scope's `@`; `@` is ASCII, so the split is on a char boundary.
    let first = spec.chars().next()?.len_utf8();
    let i = spec[first..].find('@')? + first;
    Some((&spec[..i], &spec[i + 1..]))
}

/// package-lock.json (v2/v3 `packages`, v1 `dependencies`) and npm-shrinkwrap.json.
pub(crate) fn package_lock(text: &str) -> Vec<Locked> {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(text.as_bytes()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(pk) = v.get("packages").and_then(|p| p.as_object()) {
        for (path, e) in pk {
            if path.is_empty() || e.get("link").is_some() {
                continue;
            }
            let name = e
                .get("name")
                .and_then(|n| n.as_str())
                .map(str::to_owned)
                .unwrap_or_else(|| {
                    path.rsplit_once("node_modules/")
                        .map_or(path.as_str(), |(_, n)| n)
                        .to_owned()
                });
            let version = e.get("version").and_then(|x| x.as_str()).unwrap_or("0.0.0");
            let dev = e.get("dev").and_then(|d| d.as_bool()).unwrap_or(false);
            out.push(locked(path.clone(), &name, version, dev));
        }
        return out;
    }
    fn v1(deps: &serde_json::Value, prefix: &str, out: &mut Vec<Locked>, depth: u32) {
        let Some(m) = deps.as_object() else { return };
        for (name, e) in m {
            let path = format!("{prefix}node_modules/{name}");
            let version = e.get("version").and_then(|x| x.as_str()).unwrap_or("0.0.0");
            let dev = e.get("dev").and_then(|d| d.as_bool()).unwrap_or(false);
            out.push(locked(path.clone(), name, version, dev));
            if let (Some(d), true) = (e.get("dependencies"), depth < 32) {
                v1(d, &format!("{path}/"), out, depth + 1);
            }
        }
    }
    if let Some(d) = v.get("dependencies") {
        v1(d, "", &mut out, 0);
    }
    out
}

/// yarn.lock, classic (`name@^1:` + `  version "1.2.3"`) and berry (`"name@npm:^1":` + `  version: 1.2.3`).
pub(crate) fn yarn_lock(text: &str) -> Vec<Locked> {
    let mut out: Vec<Locked> = Vec::new();
    let mut name: Option<String> = None;
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            let first = line.trim_end_matches(':').split(", ").next().unwrap_or("");
            let first = first.trim_matches('"');
            name = split_at_version(first)
                .map(|(n, _)| n.to_owned())
                .filter(|n| n != "__metadata");
            continue;
        }
        let t = line.trim();
        if let (Some(n), Some(v)) = (&name, t.strip_prefix("version")) {
            let v = v.trim_start_matches(':').trim().trim_matches('"');
            if !out.iter().any(|l| &l.name == n && l.version == v) {
                let path = format!("node_modules/{n}");
                let path = if out.iter().any(|l| l.path == path) {
                    String::new()
                } else {
                    path
                };
                out.push(locked(path, n, v, false));
            }
            name = None;
        }
    }
    out
}

/// pnpm-lock.yaml's `packages:` keys: v9 `name@1.2.3`, v6 `/name@1.2.3(peer@x)`, v5 `/name/1.2.3`.
pub(crate) fn pnpm_lock(text: &str) -> Vec<Locked> {
    let mut out = Vec::new();
    let mut inside = false;
    let mut last_dev: Option<usize> = None;
    for line in text.lines() {
        if !line.starts_with(' ') && !line.trim().is_empty() {
            inside = line.trim_end() == "packages:";
            continue;
        }
        if !inside {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let t = line.trim();
        if indent == 4 && t == "dev: true" {
            if let Some(i) = last_dev {
                let l: &mut Locked = &mut out[i];
                l.dev = true;
            }
        }
        if indent != 2 || !t.ends_with(':') {
            continue;
        }
        let key = t
            .trim_end_matches(':')
            .trim_matches(|c| c == '\'' || c == '"');
        let key = key.strip_prefix('/').unwrap_or(key);
        let key = key.split('(').next().unwrap_or(key);
        let (n, v) = match split_at_version(key) {
            Some(x) => x,
            None => match key.rsplit_once('/') {
                Some(x) => x,
                None => continue,
            },
        };
        let v = v.split('_').next().unwrap_or(v);
        out.push(locked(format!("node_modules/{n}"), n, v, false));
        last_dev = Some(out.len() - 1);
    }
    out
}

/// go.sum: (module, version, whole module — not only its go.mod).
pub(crate) fn go_sum(text: &str) -> Vec<(String, String, bool)> {
    let mut out: Vec<(String, String, bool)> = Vec::new();
    for l in text.lines() {
        let mut f = l.split_whitespace();
        let (Some(m), Some(v)) = (f.next(), f.next()) else {
            continue;
        };
        let (v, whole) = match v.strip_suffix("/go.mod") {
            Some(v) => (v, false),
            None => (v, true),
        };
        match out.iter_mut().find(|(om, ov, _)| om == m && ov == v) {
            Some(e) => e.2 |= whole,
            None => out.push((m.to_owned(), v.to_owned(), whole)),
        }
    }
    out
}

/// Cargo.lock's `[[package]]` entries from a registry (not the workspace's own crates).
pub(crate) fn cargo_lock(text: &str) -> Vec<Locked> {
    let mut out = Vec::new();
    for block in text.split("[[package]]").skip(1) {
        let (Some(n), Some(v)) = (super::kv(block, "name"), super::kv(block, "version")) else {
            continue;
        };
        if super::kv(block, "source")
            .is_some_and(|s| s.starts_with("registry+") || s.starts_with("sparse+"))
        {
            out.push(locked(String::new(), &n, &v, false));
        }
    }
    out
}

/// composer.lock's `packages` and `packages-dev`.
pub(crate) fn composer_lock(text: &str) -> Vec<Locked> {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(text.as_bytes()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, dev) in [("packages", false), ("packages-dev", true)] {
        for p in v.get(key).and_then(|p| p.as_array()).into_iter().flatten() {
            if let Some(n) = p.get("name").and_then(|n| n.as_str()) {
                let ver = p.get("version").and_then(|x| x.as_str()).unwrap_or("0.0.0");
                out.push(locked(format!("vendor/{n}"), n, ver, dev));
            }
        }
    }
    out
}

/// Gemfile.lock's `GEM` specs (`    name (1.2.3)`, four spaces; platform suffixes kept in the version).
pub(crate) fn gemfile_lock(text: &str) -> Vec<Locked> {
    let mut out = Vec::new();
    let mut in_gem = false;
    for l in text.lines() {
        if !l.starts_with(' ') {
            in_gem = l.trim() == "GEM";
            continue;
        }
        if !in_gem || !l.starts_with("    ") || l.starts_with("     ") {
            continue;
        }
        if let Some((n, v)) = l.trim().split_once(" (") {
            out.push(locked(String::new(), n, v.trim_end_matches(')'), false));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npm_lock_v3_and_v1() {
        let v3 = r#"{"lockfileVersion":3,"packages":{"":{"name":"x"},
            "node_modules/react":{"version":"18.3.1"},
            "node_modules/@vitejs/plugin-react":{"version":"4.3.1","dev":true},
            "node_modules/a/node_modules/b":{"version":"2.0.0"}}}"#;
        let l = package_lock(v3);
        assert_eq!(l.len(), 3);
        assert!(l.contains(&locked(
            "node_modules/@vitejs/plugin-react".into(),
            "@vitejs/plugin-react",
            "4.3.1",
            true
        )));
        assert!(l.contains(&locked(
            "node_modules/a/node_modules/b".into(),
            "b",
            "2.0.0",
            false
        )));
        let v1 = r#"{"dependencies":{"ms":{"version":"2.1.3","dependencies":{"x":{"version":"1.0.0","dev":true}}}}}"#;
        let l = package_lock(v1);
        assert_eq!(
            l[1],
            locked("node_modules/ms/node_modules/x".into(), "x", "1.0.0", true)
        );
        assert!(package_lock("{not json").is_empty());
        assert_eq!(split_at_version("é@1"), Some(("é", "1")));
        assert_eq!(split_at_version(""), None);
    }

    #[test]
    fn yarn_classic_and_berry() {
        let classic = "# yarn lockfile v1\n\n\"@babel/core@^7.0.0\", \"@babel/core@^7.1\":\n  version \"7.24.7\"\n  dependencies:\n    ms \"^2\"\n\nms@^2:\n  version \"2.1.3\"\n";
        let l = yarn_lock(classic);
        assert_eq!(
            l.iter()
                .map(|l| (l.name.as_str(), l.version.as_str()))
                .collect::<Vec<_>>(),
            [("@babel/core", "7.24.7"), ("ms", "2.1.3")]
        );
        let berry = "__metadata:\n  version: 8\n\n\"ms@npm:^2.1.3\":\n  version: 2.1.3\n  resolution: \"ms@npm:2.1.3\"\n";
        assert_eq!(yarn_lock(berry)[0].name, "ms");
        assert_eq!(yarn_lock(berry).len(), 1);
    }

    #[test]
    fn pnpm_v9_v6_v5() {
        let v9 = "lockfileVersion: '9.0'\n\npackages:\n\n  next@14.2.4:\n    resolution: {integrity: x}\n\n  '@next/env@14.2.4':\n    resolution: {}\n\nsnapshots:\n\n  next@14.2.4(react@18.3.1):\n    dependencies: {}\n";
        let l = pnpm_lock(v9);
        assert_eq!(
            l.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(),
            ["next", "@next/env"]
        );
        let v6 = "packages:\n  /react@18.2.0(x@1):\n    dev: true\n";
        assert_eq!(
            pnpm_lock(v6)[0],
            locked("node_modules/react".into(), "react", "18.2.0", true)
        );
        let v5 = "packages:\n  /react/17.0.2:\n    dev: false\n";
        assert_eq!(pnpm_lock(v5)[0].version, "17.0.2");
    }

    #[test]
    fn go_cargo_composer_gems() {
        let s = go_sum("github.com/a/b v1.2.0 h1:x=\ngithub.com/a/b v1.2.0/go.mod h1:y=\ngolang.org/x/sys v0.1.0/go.mod h1:z=\n");
        assert_eq!(
            s,
            [
                ("github.com/a/b".into(), "v1.2.0".into(), true),
                ("golang.org/x/sys".into(), "v0.1.0".into(), false)
            ]
        );
        let c = cargo_lock("[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.203\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n");
        assert_eq!(c, [locked(String::new(), "serde", "1.0.203", false)]);
        let p = composer_lock(
            r#"{"packages":[{"name":"laravel/framework","version":"v11.9.2"}],"packages-dev":[{"name":"phpunit/phpunit","version":"11.2.1"}]}"#,
        );
        assert_eq!(
            p[1],
            locked(
                "vendor/phpunit/phpunit".into(),
                "phpunit/phpunit",
                "11.2.1",
                true
            )
        );
        let g = gemfile_lock("GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (3.1.3)\n    sinatra (4.0.0)\n      rack (>= 3.0.0)\n\nPLATFORMS\n  ruby\n");
        assert_eq!(
            g.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(),
            ["rack", "sinatra"]
        );
    }
}
